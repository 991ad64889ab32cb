"""A directory of rulebooks: every version of every measure, chosen by date.

The version in force on the as-of date decides. A date outside every window is an error
listing the windows; overlapping windows of one measure are refused when loading.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path as FsPath
from typing import Any

from .._core.errors import (
    IpdesignateError,
    Problem,
    ProfileError,
    RulebookError,
    UnknownNameError,
    VersionError,
    did_you_mean,
)
from .._core.yaml import load_bytes, read_bounded
from ..applicant.load import load_profile, parse_profile, profile_problem
from ..applicant.profile import Profile
from ..applicant.vocabulary import FILE_NAME as VOCABULARY_FILE
from ..applicant.vocabulary import Vocabulary, default_vocabulary
from ..decision.model import Basis, Decision
from ..eligibility.evaluate import CompiledRulebook
from ..rulebook.lifecycle_model import EventType
from .batch import Batch, Outcome, applicant_name
from .carry import attach, carried_lifecycle, carry_problems, superseded
from .checks import overlapping_windows
from .load import load_rulebook

ENV_VAR = "IPDESIGNATE_RULEBOOKS"


_RULEBOOK_KEY = re.compile(r"""(?m)^(?:\{\s*)?(?:rulebook|"rulebook"|'rulebook')\s*:""")
_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Skipped:
    """A YAML file under a rulebook directory that was not taken, and why."""

    file: FsPath
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: not a rulebook, skipped: {self.reason}"


def _classify(f: FsPath) -> str | None:
    """None when ``f`` is a rulebook (it has a top-level ``rulebook`` key); else why not."""
    problems: list[Problem] = []
    raw = read_bounded(f, problems, regular_only=True)
    if raw is None:
        return problems[0].message
    text = raw.decode("utf-8-sig", errors="replace")
    if _RULEBOOK_KEY.search(text):
        return None
    if f.name == VOCABULARY_FILE:
        return ""  # the applicant vocabulary: taken, as what it is
    if f.parent.name == "calendars":
        return ""  # a working-day calendar, read by the lifecycle sections that name it
    located = load_bytes(raw, str(f), problems)
    if located is None:
        return f"it cannot be read as YAML ({problems[0]})" if problems else "it is empty"
    if isinstance(located.data, dict) and "rulebook" in located.data:
        return None
    keys = list(located.data)[:3] if isinstance(located.data, dict) else []
    return ("it has no top-level 'rulebook' key"
            + (f" (its keys begin {', '.join(map(str, keys))})" if keys else ""))


def scan(paths: Iterable[str | FsPath]) -> tuple[list[FsPath], list[Skipped]]:
    """Rulebook files named directly or found under directories, and every other YAML
    file found there with the reason it was not taken: none is skipped silently. A file
    is a rulebook when it has a top-level ``rulebook`` key, wherever it is (after a long
    comment header, quoted, in a ``.YAML`` file)."""
    found: list[FsPath] = []
    skipped: list[Skipped] = []
    for p in map(FsPath, paths):
        if not p.is_dir():
            found.append(p)
            continue
        candidates = sorted(f for f in p.rglob("*")
                            if f.suffix.lower() in _YAML_SUFFIXES and not f.is_dir())
        for f in candidates:
            why = _classify(f)
            if why is None:
                found.append(f)
            elif why:
                skipped.append(Skipped(f, why))
    return found, skipped


def rulebook_files(paths: Iterable[str | FsPath]) -> list[FsPath]:
    """The rulebook files of ``scan`` (for callers that do not report skipped files)."""
    return scan(paths)[0]


def bundled_directory() -> FsPath:
    """The law shipped inside the installed package (``ipdesignate/law``).

    In the repository ``src/ipdesignate/law`` is a link to ``rulebooks/``, which policy
    staff edit; a wheel carries the files themselves.
    """
    # the package's own folder: what importlib.resources.files gives for a package
    # installed as files (which the str() here always assumed), without its lookups
    return FsPath(__file__).parent.parent / "law"


def default_directory() -> FsPath:
    """``$IPDESIGNATE_RULEBOOKS`` when set, else the bundled law; never a guess beyond that."""
    env = os.environ.get(ENV_VAR)
    if env:
        return FsPath(env)
    bundled = bundled_directory()
    if bundled.is_dir():
        return bundled
    raise IpdesignateError(f"no rulebooks: the bundled law is missing from {bundled}; pass "
                           f"--rulebooks DIR or set {ENV_VAR}")


def _no_as_of_date(profile: Any) -> ProfileError:
    return ProfileError([profile_problem(profile, ("application_date",), "no as-of date: "
                                         "give on=… or set application_date")])


def _date_source(profile: Any, on: _dt.date | None, application_date: _dt.date | None
                 ) -> str:
    """Where the as-of date came from, for a version error: the argument, or the profile's
    application_date with its file:line:column when it was loaded from a file."""
    if on is not None:
        return "the as-of date given (--on / on=)"
    if application_date is not None:
        return "the application_date given"
    where = profile_problem(profile, ("application_date",), "")
    at = f" at {where.file}:{where.line}:{where.column}" if where.line is not None else ""
    return f"the profile's application_date{at}"


class Library:
    """Every rulebook version found under some paths, grouped by measure id."""

    def __init__(self, rulebooks: Iterable[CompiledRulebook]) -> None:
        self.measures: dict[str, list[CompiledRulebook]] = {}
        self.skipped: list[Skipped] = []  # YAML files found but not taken, with why
        for rb in rulebooks:
            self.measures.setdefault(rb.id, []).append(rb)
        for versions in self.measures.values():
            versions.sort(key=lambda r: r.effective_from)
            for a, b in pairwise(versions):
                if (a.effective_until is None and a.trial_end is not None
                        and a.trial_end < b.effective_from):
                    # a trial measure applies until the next version takes effect
                    a.effective_until = b.effective_from - _dt.timedelta(days=1)
                    a.ref = a.ref.model_copy(update={"effective_until": a.effective_until})
        problems = overlapping_windows(self.all()) + carry_problems(self.all())
        attach(self.all())  # versions that read histories begun under the one they supersede
        self.vocabulary = self._merged_vocabulary(problems)
        if problems:
            raise RulebookError(problems)

    def _merged_vocabulary(self, problems: list[Problem]) -> Vocabulary:
        """One vocabulary for the profiles of every version: each rulebook's, merged."""
        books = self.all()
        if not books:
            return default_vocabulary()
        merged = books[0].vocabulary.copy()
        for rb in books[1:]:
            if rb.vocabulary.kinds == merged.kinds:
                continue
            for conflict in merged.extend(dict(rb.vocabulary.kinds), rb.file or rb.id):
                problems.append(Problem(rb.file or rb.id, None, None, conflict))
        return merged

    def load_profile(self, path: str | FsPath) -> Profile:
        """Load a profile with this library's vocabulary (its rulebooks' extensions too)."""
        return load_profile(path, self.vocabulary)

    def parse_profile(self, data: dict[str, Any], name: str = "<profile>") -> Profile:
        return parse_profile(data, name, self.vocabulary)

    @classmethod
    def load(cls, paths: Iterable[str | FsPath]) -> Library:
        """Load every rulebook under ``paths``; all problems of all files are raised together."""
        roots = [FsPath(p) for p in paths]
        files, skipped = scan(roots)
        if not files:
            raise IpdesignateError("no rulebook files found in " + ", ".join(map(str, roots))
                                   + "".join(f"\n  {s}" for s in skipped))
        problems: list[Problem] = []
        compiled = []
        for f in files:
            # the decision records the file relative to the directory it was found in, so
            # its bytes do not depend on the working directory
            root = next((p for p in roots if p.is_dir() and f.is_relative_to(p)), None)
            try:
                compiled.append(load_rulebook(f, root=root))
            except RulebookError as exc:
                problems.extend(exc.problems)
        if problems:
            raise RulebookError(problems)
        library = cls(compiled)
        library.skipped = skipped
        return library

    @classmethod
    def default(cls) -> Library:
        """The library of ``$IPDESIGNATE_RULEBOOKS`` if set, else the law bundled with the
        package (what ``ipdesignate`` uses without ``--rulebooks``)."""
        return cls.load([default_directory()])

    def event_vocabulary(self, measure: str
                         ) -> tuple[dict[str, EventType], frozenset[str]]:
        """The event types and designations a history of ``measure`` may use (over all
        its versions); what ``schema events`` describes."""
        versions = self.measures.get(measure)
        if not versions:
            raise UnknownNameError(
                f"no measure {measure!r}{did_you_mean(measure, self.measures)}; known: "
                f"{', '.join(sorted(self.measures))}", kind="measure", name=measure,
                known=sorted(self.measures))
        types: dict[str, EventType] = {}
        for rb in versions:
            types.update(rb.model.event_types)
        return types, frozenset(d for rb in versions for d in rb.model.designations)

    def lifecycle_of(self, rb: CompiledRulebook) -> Any:
        """``rb``'s compiled lifecycle; for a version that declares ``carries_over``, one
        that also reads histories begun under the version it supersedes."""
        if rb.model.lifecycle is None or rb.model.lifecycle.carries_over is None:
            return rb.lifecycle
        return carried_lifecycle(rb, superseded(rb, self.all()))

    def all(self) -> list[CompiledRulebook]:
        return [rb for versions in self.measures.values() for rb in versions]

    def _measure_of(self, designation: str) -> tuple[str, str]:
        # routing is settled once per designation name: check() asks on every call
        routes = self.__dict__.setdefault("_routes", {})
        hit = routes.get(designation)
        if hit is None:
            hit = routes[designation] = self._route(designation)
        return hit  # type: ignore[no-any-return]

    def _route(self, designation: str) -> tuple[str, str]:
        if ":" in designation:
            measure, _, name = designation.partition(":")
            return measure, name
        owners = sorted({rb.id for rb in self.all() if designation in rb.designations})
        if len(owners) == 1:
            return owners[0], designation
        if not owners:
            known = sorted({d for rb in self.all() for d in rb.designations})
            raise UnknownNameError(f"no measure has a designation {designation!r}"
                                   f"{did_you_mean(designation, known)}; known: "
                                   f"{', '.join(known)}", kind="designation",
                                   name=designation, known=known)
        raise UnknownNameError(f"{designation!r} is a designation of several measures "
                               f"({', '.join(owners)}); write MEASURE:{designation}",
                               kind="designation", name=designation,
                               known=[f"{m}:{designation}" for m in owners], ambiguous=True)

    def version_for(self, designation: str, on: _dt.date) -> CompiledRulebook:
        """The version of the measure holding ``designation`` that is in force on ``on``."""
        measure, name = self._measure_of(designation)
        versions = self.measures.get(measure)
        if not versions:
            raise UnknownNameError(f"no measure {measure!r}{did_you_mean(measure, self.measures)}",
                                   kind="measure", name=measure, known=sorted(self.measures))
        for rb in versions:
            if rb.in_force(on) and name in rb.designations:
                return rb
        message = (f"no version of {measure} with designation {name!r} is in force on "
                   f"{on.isoformat()}")
        last = versions[-1]
        if last.effective_until is not None and on > last.effective_until:
            successor = last.successor
            message += (f"; it was replaced by {successor} ({last.successor_detail})"
                        if successor else "; no later version is encoded")
        message += (f". To evaluate as if a version applied, add --version "
                    f"{'|'.join(rb.version for rb in versions)} (Library.check(..., version=…))")
        raise VersionError(message, [rb.window() for rb in versions])

    def version_named(self, designation: str, version: str) -> CompiledRulebook:
        """The version ``version`` of the measure holding ``designation``, whatever the date."""
        measure, name = self._measure_of(designation)
        versions = self.measures.get(measure, [])
        for rb in versions:
            if rb.version == version and name in rb.designations:
                return rb
        raise VersionError(f"{measure} has no version {version!r} with designation {name!r}",
                           [rb.window() for rb in versions])

    def check(self, profile: Any, designation: str, on: _dt.date | None = None,
              version: str | None = None, *, application_date: _dt.date | None = None
              ) -> Decision:
        """Evaluate with the version in force on ``on`` (default: the application date).

        ``version`` names a version to apply whatever the date ("as if"): outside its window
        the decision carries a banner saying it is a reference, not the basis of a
        designation, and naming the measure in force. ``application_date`` overrides the
        profile's (it fixes the data years); ``on`` is the date of the decision.
        """
        when = on or application_date or profile.application_date
        if when is None:
            raise _no_as_of_date(profile)
        if version is None:
            # the version in force and the short name, settled once per (designation, date)
            days: dict[tuple[str, _dt.date], tuple[CompiledRulebook, str]] = \
                self.__dict__.setdefault("_in_force", {})
            hit = days.get((designation, when))
            if hit is None:
                try:
                    rb = self.version_for(designation, when)
                except VersionError as exc:
                    source = _date_source(profile, on, application_date)
                    raise VersionError(f"{exc.args[0].splitlines()[0]} ({source})",
                                       exc.windows) from None
                if len(days) >= 4096:
                    days.clear()
                hit = days[(designation, when)] = (
                    rb, designation.partition(":")[2] or designation)
            rb, short = hit
            return rb.evaluate(profile, short, when, application_date=application_date)
        short = designation.partition(":")[2] or designation
        rb = self.version_named(designation, version)
        basis = None
        if not rb.in_force(when):
            current = self._in_force_title(designation, when)
            later = when > rb.effective_from
            banner = (f"按{'已失效' if later else '尚未施行'}《{rb.model.title.zh}》参考评估，"
                      "非现行认定依据；")
            successor = current or (rb.successor if later else None)
            if successor is None:
                banner += "现行办法未编入"
            else:
                banner += f"现行办法为{successor}"
                if current is None and rb.successor_detail:
                    banner += f"（{rb.successor_detail}）"
            if rb.trial_end is not None and when > rb.trial_end:
                banner += (f"；该办法为试行办法，试行期至 {rb.trial_end.isoformat()} 届满"
                           "（日期未确认）")
            banner += (f" / evaluated as if version {rb.version} applied on "
                       f"{when.isoformat()}, outside its window {rb.window()}: a reference, "
                       "not the basis of a designation")
            basis = Basis(mode="as_if", banner=banner, successor=successor)
        return rb.evaluate(profile, short, when, application_date=application_date,
                           basis=basis)

    def _in_force_title(self, designation: str, on: _dt.date) -> str | None:
        try:
            rb = self.version_for(designation, on)
        except VersionError:
            return None
        return f"《{rb.model.title.zh}》"

    def check_many(self, profiles: Iterable[Any], designation: str,
                   on: _dt.date | None = None, version: str | None = None) -> Batch:
        """Evaluate many profiles for one designation: one ``Outcome`` per input, in order.

        Each input is a profile, a mapping (validated like ``parse_profile``; its problems
        are located at ``profiles[i]``) or an ``IpdesignateError`` a reader produced for
        that row. An input that cannot be decided gives an outcome with ``error`` set and
        no decision; nothing is dropped and nothing stops the batch. ``on`` and ``version``
        are as for ``check``. See docs/batch.md for the contract.
        """
        self._measure_of(designation)  # an unknown designation is the caller's mistake
        out: list[Outcome] = []
        for i, item in enumerate(profiles):
            decision, error = self._one(item, i, designation, on, version)
            out.append(Outcome(i, designation, applicant_name(item), decision, error))
        return Batch(out)

    def screen_table(self, table: Any, designation: str, on: _dt.date | None = None,
                     version: str | None = None) -> Any:
        """Statuses only, for a whole table at columnar speed (needs ``ipdesignate[columnar]``):
        a polars DataFrame, one row per table row, with a status column per criterion and
        per priority factor, ``verdict``, ``missing``, ``error``, ``as_of`` and ``rulebook``;
        the same statuses as ``check``, without decisions. See docs/batch.md."""
        from .tables import screen_table

        return screen_table(self, table, designation, on, version)

    def designations_for(self, profile: Any, on: _dt.date | None = None
                         ) -> list[tuple[str, str]]:
        """``(measure, designation)`` pairs open to the profile's kind and entity type in the
        versions in force on ``on`` (default: the application date), in library order."""
        when = on or profile.application_date
        if when is None:
            raise _no_as_of_date(profile)
        pairs = []
        for measure, versions in self.measures.items():
            for rb in versions:
                if not rb.in_force(when):
                    continue
                for did, d in rb.designations.items():
                    if d.profile == profile.kind and profile.entity_type in d.applies_to:
                        pairs.append((measure, did))
        return pairs

    def check_all(self, profile: Any, on: _dt.date | None = None) -> Batch:
        """Every designation the profile can apply for on the date, one ``Outcome`` each.

        Raises ``IpdesignateError`` when there is no as-of date or when no designation is
        open to this kind and entity type on that date (there is nothing to answer).
        """
        if isinstance(profile, IpdesignateError):  # a reader's error for this row: kept
            return Batch([Outcome(0, "*", applicant_name(profile), None, profile)])
        pairs = self.designations_for(profile, on)
        if not pairs:
            when = on or profile.application_date
            assert when is not None
            raise IpdesignateError(
                f"no designation is open to a {profile.kind} of type {profile.entity_type} "
                f"on {when.isoformat()}; versions: "
                + "; ".join(rb.window() for rb in self.all()))
        ambiguous = {d for _, d in pairs if sum(1 for _, e in pairs if e == d) > 1}
        out = []
        for measure, did in pairs:
            ref = f"{measure}:{did}" if did in ambiguous else did
            decision, error = self._one(profile, 0, f"{measure}:{did}", on, None)
            out.append(Outcome(0, ref, applicant_name(profile), decision, error))
        return Batch(out)

    def _one(self, item: Any, index: int, designation: str, on: _dt.date | None,
             version: str | None) -> tuple[Decision | None, IpdesignateError | None]:
        try:
            if isinstance(item, IpdesignateError):
                return None, item
            profile = (parse_profile(item, f"profiles[{index}]", self.vocabulary)
                       if isinstance(item, dict) else item)
            return self.check(profile, designation, on, version), None
        except IpdesignateError as exc:
            return None, exc
        except Exception as exc:  # a bug of ours must not lose the row either
            err = IpdesignateError(f"internal error ({type(exc).__name__}): {exc}")
            err.__cause__ = exc
            return None, err
