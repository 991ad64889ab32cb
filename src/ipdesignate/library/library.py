"""A directory of rulebooks: every version of every measure, chosen by date.

The version in force on the as-of date decides. A date outside every window is an error
listing the windows; overlapping windows of one measure are refused when loading.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable
from importlib import resources
from itertools import pairwise
from pathlib import Path as FsPath
from typing import Any

from .._core.errors import (
    IpdesignateError,
    Problem,
    RulebookError,
    VersionError,
    did_you_mean,
)
from ..decision.model import Decision
from ..eligibility.evaluate import CompiledRulebook
from .load import load_rulebook

ENV_VAR = "IPDESIGNATE_RULEBOOKS"


def rulebook_files(paths: Iterable[str | FsPath]) -> list[FsPath]:
    """Rulebook files named directly, or found under directories (a file whose first
    key is ``rulebook:``); legal source texts and other YAML are skipped."""
    found: list[FsPath] = []
    for p in map(FsPath, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml")):
                try:
                    head = f.read_text(encoding="utf-8", errors="replace")[:4096]
                except OSError:
                    continue
                if any(line.startswith("rulebook:") for line in head.splitlines()):
                    found.append(f)
        else:
            found.append(p)
    return found


def bundled_directory() -> FsPath:
    """The law shipped inside the installed package (``ipdesignate/law``).

    In the repository ``src/ipdesignate/law`` is a link to ``rulebooks/``, which policy
    staff edit; a wheel carries the files themselves.
    """
    return FsPath(str(resources.files("ipdesignate") / "law"))


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


class Library:
    """Every rulebook version found under some paths, grouped by measure id."""

    def __init__(self, rulebooks: Iterable[CompiledRulebook]) -> None:
        self.measures: dict[str, list[CompiledRulebook]] = {}
        for rb in rulebooks:
            self.measures.setdefault(rb.id, []).append(rb)
        problems = []
        for versions in self.measures.values():
            versions.sort(key=lambda r: r.effective_from)
            for a, b in pairwise(versions):
                if a.effective_until is None or a.effective_until >= b.effective_from:
                    problems.append(Problem(b.file or b.id, None, None,
                                            f"the windows of two versions overlap: {a.window()} "
                                            f"and {b.window()}"))
        if problems:
            raise RulebookError(problems)

    @classmethod
    def load(cls, paths: Iterable[str | FsPath]) -> Library:
        """Load every rulebook under ``paths``; all problems of all files are raised together."""
        files = rulebook_files(paths)
        if not files:
            raise IpdesignateError("no rulebook files found in " + ", ".join(map(str, paths)))
        problems: list[Problem] = []
        compiled = []
        for f in files:
            try:
                compiled.append(load_rulebook(f))
            except RulebookError as exc:
                problems.extend(exc.problems)
        if problems:
            raise RulebookError(problems)
        return cls(compiled)

    @classmethod
    def default(cls) -> Library:
        """The library of ``$IPDESIGNATE_RULEBOOKS`` if set, else the law bundled with the
        package (what ``ipdesignate`` uses without ``--rulebooks``)."""
        return cls.load([default_directory()])

    def all(self) -> list[CompiledRulebook]:
        return [rb for versions in self.measures.values() for rb in versions]

    def _measure_of(self, designation: str) -> tuple[str, str]:
        if ":" in designation:
            measure, _, name = designation.partition(":")
            return measure, name
        owners = sorted({rb.id for rb in self.all() if designation in rb.designations})
        if len(owners) == 1:
            return owners[0], designation
        if not owners:
            known = sorted({d for rb in self.all() for d in rb.designations})
            raise IpdesignateError(f"no measure has a designation {designation!r}"
                                   f"{did_you_mean(designation, known)}; known: "
                                   f"{', '.join(known)}")
        raise IpdesignateError(f"{designation!r} is a designation of several measures "
                               f"({', '.join(owners)}); write MEASURE:{designation}")

    def version_for(self, designation: str, on: _dt.date) -> CompiledRulebook:
        """The version of the measure holding ``designation`` that is in force on ``on``."""
        measure, name = self._measure_of(designation)
        versions = self.measures.get(measure)
        if not versions:
            raise IpdesignateError(f"no measure {measure!r}{did_you_mean(measure, self.measures)}")
        for rb in versions:
            if rb.in_force(on) and name in rb.designations:
                return rb
        raise VersionError(f"no version of {measure} with designation {name!r} is in force on "
                           f"{on.isoformat()}", [rb.window() for rb in versions])

    def check(self, profile: Any, designation: str, on: _dt.date | None = None) -> Decision:
        """Evaluate with the version in force on ``on`` (default: the application date)."""
        when = on or profile.application_date
        if when is None:
            raise IpdesignateError("no as-of date: give on=… or set application_date")
        rb = self.version_for(designation, when)
        return rb.evaluate(profile, designation.partition(":")[2] or designation, when)
