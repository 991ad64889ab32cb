"""What changed between two rulebook versions, and whose verdict it changes.

``diff(old, new, profiles=…, on=…)`` returns a ``RulebookDiff``: the semantic changes
(``rulebook.diff``) and, for every profile given, each designation evaluated under both
versions on the same date, with the verdicts that differ and the criteria whose status
changed. A profile that cannot be read or evaluated is listed as an error, never dropped.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ConfigDict

from .._core.errors import IpdesignateError
from ..applicant.load import load_profile
from ..applicant.vocabulary import Vocabulary
from ..eligibility.evaluate import CompiledRulebook
from ..rulebook.diff import Change, diff_models
from .load import load_rulebook

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    criterion: str
    old: str | None  # None: the criterion does not exist in that version
    new: str | None


class Flip(BaseModel):
    """One profile whose verdict for one designation differs between the versions."""

    model_config = ConfigDict(frozen=True)

    profile: str
    name: str
    designation: str
    old: str | None  # None: the designation does not exist in (or is not open under) old;
    # a flip is a change of outcome, so absent → ineligible is not one
    new: str | None
    criteria: tuple[StatusChange, ...] = ()


class ProfileError(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile: str
    error: str


class Version(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    version: str
    file: str | None
    sha256: str


class RulebookDiff(BaseModel):
    """The data behind ``ipdesignate diff`` (``format: ipdesignate.diff/1``)."""

    model_config = ConfigDict(frozen=True)

    format: str = "ipdesignate.diff/1"
    old: Version
    new: Version
    changes: tuple[Change, ...]
    on: _dt.date | None = None
    profiles: int = 0
    evaluated: int = 0  # (profile, designation) pairs evaluated under both versions
    flips: tuple[Flip, ...] = ()
    errors: tuple[ProfileError, ...] = ()
    counts: dict[str, int] = {}  # "pilot: eligible → ineligible": n

    def render_text(self) -> str:
        return _render(self, markdown=False)

    def render_markdown(self) -> str:
        return _render(self, markdown=True)


def _version(rb: CompiledRulebook) -> Version:
    return Version(id=rb.id, version=rb.version, file=rb.file, sha256=rb.sha256)


def profile_files(path: str | FsPath) -> list[FsPath]:
    p = FsPath(path)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file()
                      and f.suffix.lower() in PROFILE_SUFFIXES)
    return [p]


def _merged(old: CompiledRulebook, new: CompiledRulebook) -> Vocabulary:
    vocab = old.vocabulary.copy()
    if new.vocabulary.kinds != vocab.kinds:
        vocab.extend(dict(new.vocabulary.kinds), new.file or new.id)
    return vocab


def _evaluate(rb: CompiledRulebook, profile: Any, did: str, on: _dt.date | None) -> Any:
    """The decision, or None when the designation is not in this version or not open to
    this kind of applicant (then there is nothing to compare)."""
    d = rb.designations.get(did)
    if d is None or d.profile != profile.kind or profile.entity_type not in d.applies_to:
        return None
    return rb.evaluate(profile, did, on)


def diff(old: CompiledRulebook | str | FsPath, new: CompiledRulebook | str | FsPath,
         profiles: str | FsPath | Iterable[str | FsPath] | None = None,
         on: _dt.date | None = None) -> RulebookDiff:
    """Compare two versions; with ``profiles`` (files or folders), who flips."""
    old_rb = old if isinstance(old, CompiledRulebook) else load_rulebook(old)
    new_rb = new if isinstance(new, CompiledRulebook) else load_rulebook(new)
    changes = tuple(diff_models(old_rb.model, new_rb.model))
    if profiles is None:
        return RulebookDiff(old=_version(old_rb), new=_version(new_rb), changes=changes, on=on)
    sources = [profiles] if isinstance(profiles, (str, FsPath)) else list(profiles)
    files = [f for s in sources for f in profile_files(s)]
    vocab = _merged(old_rb, new_rb)
    designations = list(dict.fromkeys([*old_rb.designations, *new_rb.designations]))
    flips: list[Flip] = []
    errors: list[ProfileError] = []
    counts: Counter[str] = Counter()
    evaluated = 0
    for f in files:
        try:
            profile = load_profile(f, vocab)
        except IpdesignateError as exc:
            errors.append(ProfileError(profile=str(f), error=str(exc)))
            continue
        for did in designations:
            try:
                a = _evaluate(old_rb, profile, did, on)
                b = _evaluate(new_rb, profile, did, on)
            except IpdesignateError as exc:
                errors.append(ProfileError(profile=str(f), error=f"{did}: {exc}"))
                continue
            if a is None and b is None:
                continue
            evaluated += 1
            va, vb = (a.verdict if a else None), (b.verdict if b else None)
            counts[f"{did}: {va or '—'} → {vb or '—'}"] += 1
            # a designation a version does not have cannot be obtained under it: absent
            # and ineligible are the same outcome for the applicant
            if (va or "ineligible") == (vb or "ineligible"):
                continue
            sa = {c.id: c.status for c in a.criteria} if a else {}
            sb = {c.id: c.status for c in b.criteria} if b else {}
            changed = tuple(StatusChange(criterion=cid, old=sa.get(cid), new=sb.get(cid))
                            for cid in dict.fromkeys([*sa, *sb]) if sa.get(cid) != sb.get(cid))
            flips.append(Flip(profile=str(f), name=profile.name, designation=did, old=va,
                              new=vb, criteria=changed))
    return RulebookDiff(old=_version(old_rb), new=_version(new_rb), changes=changes, on=on,
                        profiles=len(files), evaluated=evaluated, flips=tuple(flips),
                        errors=tuple(errors), counts=dict(sorted(counts.items())))


_SECTIONS = (("dates", "Dates"), ("readings", "Readings"), ("designation", "Designations"),
             ("criterion", "Criteria"), ("lifecycle", "Lifecycle"))


def _cites(c: Change) -> list[str]:
    if c.old_cite and c.new_cite and c.old_cite == c.new_cite:
        return [f"cites {c.old_cite} (both)"]
    return [f"{label} {cite}" for label, cite in (("old", c.old_cite), ("new", c.new_cite))
            if cite]


def _render(d: RulebookDiff, *, markdown: bool) -> str:
    h2, bullet, sub = ("### ", "- ", "  - ") if markdown else ("", "  ", "      ")
    lines = [f"{'## ' if markdown else ''}{d.old.id} {d.old.version} → {d.new.id} "
             f"{d.new.version}: {len(d.changes)} change{'s' if len(d.changes) != 1 else ''}"]
    for section, title in _SECTIONS:
        items = [c for c in d.changes if c.section == section]
        if not items:
            continue
        lines += ["", f"{h2}{title}" if markdown else f"{title}:"]
        groups: dict[str, list[Change]] = {}
        for c in items:
            groups.setdefault(c.what, []).append(c)
        for what, group in groups.items():
            wording = [c.path or c.aspect for c in group if c.aspect == "wording"]
            shown = [c for c in group if c.aspect != "wording"]
            if len(shown) == 1 and not wording:
                lines.append(f"{bullet}{what}: {shown[0].text()}")
            else:
                lines.append(f"{bullet}{what}:")
                lines += [f"{sub}{c.text()}" for c in shown]
                if wording:
                    lines.append(f"{sub}wording changed: {', '.join(wording)}")
            last = group[-1]
            lines += [f"{sub}{cite}" for cite in _cites(last)]
    if d.profiles:
        on = f" on {d.on.isoformat()}" if d.on else " on each application date"
        lines += ["", f"{h2}Who flips" if markdown else "Who flips:",
                  f"{bullet}{d.profiles} profiles, {d.evaluated} evaluations{on}; "
                  f"{len(d.flips)} flip{'s' if len(d.flips) != 1 else ''}, "
                  f"{len(d.errors)} error{'s' if len(d.errors) != 1 else ''}"]
        for key, n in d.counts.items():
            lines.append(f"{bullet}{key}: {n}")
        for fl in d.flips:
            lines.append(f"{bullet}{fl.name} ({fl.profile}) {fl.designation}: "
                         f"{fl.old or '—'} → {fl.new or '—'}")
            for s in fl.criteria:
                lines.append(f"{sub}{s.criterion}: {s.old or '—'} → {s.new or '—'}")
        for e in d.errors:
            lines.append(f"{bullet}ERROR {e.profile}: {e.error}")
    return "\n".join(lines) + "\n"
