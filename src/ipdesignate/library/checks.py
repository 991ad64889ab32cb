"""Checks across the files of a library: what no single file can see.

Two versions of one measure whose windows overlap would make every check on a date in
both ambiguous; they are reported with the line of each ``effective``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .._core.errors import Problem
from ..eligibility.evaluate import CompiledRulebook
from .carry import carry_problems


def _where(rb: CompiledRulebook) -> tuple[str, int | None, int | None]:
    file = rb.file or rb.id
    if rb.located is None:
        return file, None, None
    line, col = rb.located.where(("effective",), key=True)
    return file, line, col


def overlapping_windows(rulebooks: Iterable[CompiledRulebook]) -> list[Problem]:
    measures: dict[str, list[CompiledRulebook]] = {}
    for rb in rulebooks:
        measures.setdefault(rb.id, []).append(rb)
    problems = []
    for versions in measures.values():
        versions = sorted(versions, key=lambda r: r.effective_from)
        for i, b in enumerate(versions):
            for a in versions[:i]:
                if a.effective_until is None or a.effective_until >= b.effective_from:
                    file, line, col = _where(b)
                    afile, aline, _ = _where(a)
                    at = f"{afile}:{aline}" if aline else afile
                    problems.append(Problem(
                        file, line, col, f"the window of {b.id} {b.version} overlaps that of "
                        f"version {a.version} ({at}): {a.window()} and {b.window()}; a date in "
                        "both would have two laws in force", ("effective",),
                        expected=f"{b.version} to start after {a.version} ends "
                        f"(set 'until' on {a.version})"))
    return problems


def library_problems(rulebooks: list[CompiledRulebook]) -> list[Problem]:
    """Every problem across the files of a library (empty when there is none)."""
    return overlapping_windows(rulebooks) + carry_problems(rulebooks)

