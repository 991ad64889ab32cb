"""``lifecycle.carries_over`` across the files of a library: find the superseded version,
check the names the declaration takes from it, and give the superseding version a
lifecycle that reads histories begun under the old one (lifecycle/carry.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._core.errors import Path, Problem
from ..eligibility.evaluate import CompiledRulebook, TimelineCache
from ..lifecycle.carry import CarriedLifecycle, declaration_problems, old_side_problems


def _problem_at(rb: CompiledRulebook) -> Callable[[Path, str, str | None, bool], Problem]:
    def make(path: Path, message: str, expected: str | None, key: bool = False) -> Problem:
        located = rb.located
        if located is None:
            return Problem(rb.file or rb.id, None, None, message, tuple(path), expected)
        return located.problem(path, message, expected=expected,  # type: ignore[no-any-return]
                               key=key)

    return make


def superseded(rb: CompiledRulebook, versions: Iterable[CompiledRulebook]
               ) -> CompiledRulebook | None:
    """The version ``rb``'s ``carries_over.from`` names, when it is among ``versions``."""
    carry = rb.model.lifecycle.carries_over if rb.model.lifecycle else None
    if carry is None:
        return None
    return next((o for o in versions if o.id == rb.id and o.version == carry.from_), None)


def new_side_problems(rb: Any, located: Any) -> list[Problem]:
    """The declaration checked against its own file (used when the file is compiled)."""
    model = rb
    carry = model.lifecycle.carries_over if model.lifecycle else None
    if carry is None:
        return []

    def make(path: Path, message: str, expected: str | None, key: bool = False) -> Problem:
        return located.problem(path, message, expected=expected,  # type: ignore[no-any-return]
                               key=key)

    return declaration_problems(carry, model.version, model.event_types,
                                list(model.designations), make)


def carry_problems(rulebooks: list[CompiledRulebook]) -> list[Problem]:
    """Each ``carries_over`` against the version it names: that version must be among the
    files, and the designations and event types taken from it must be its own."""
    out: list[Problem] = []
    for rb in rulebooks:
        carry = rb.model.lifecycle.carries_over if rb.model.lifecycle else None
        if carry is None:
            continue
        make = _problem_at(rb)
        old = superseded(rb, rulebooks)
        if old is None:
            continue  # a note (carry_notes): this file may be validated on its own
        if old.model.lifecycle is None:
            out.append(make(("lifecycle", "carries_over", "from"),
                            f"version {old.version} has no lifecycle section: there are no "
                            "rules to read its histories with", "a version with a lifecycle",
                            False))
        if old.effective_from >= rb.effective_from:
            out.append(make(("lifecycle", "carries_over", "from"),
                            f"version {old.version} takes effect on "
                            f"{old.effective_from.isoformat()}, not before this version",
                            "an earlier version", False))
        out.extend(old_side_problems(carry, old.model.event_types, list(old.designations),
                                     old.version, make))
    return out


def attach(rulebooks: list[CompiledRulebook]) -> None:
    """Give each version that declares ``carries_over`` a timeline runner that reads old
    histories (the superseded version may be absent: old events are then refused, saying
    which version is missing)."""
    for rb in rulebooks:
        carry = rb.model.lifecycle.carries_over if rb.model.lifecycle else None
        if carry is None or rb.timelines is None:
            continue
        rb.timelines = TimelineCache(_runner(rb, superseded(rb, rulebooks)))


def _runner(rb: CompiledRulebook, old: CompiledRulebook | None
            ) -> Callable[[], CarriedLifecycle]:
    def make() -> CarriedLifecycle:
        return carried_lifecycle(rb, old)

    return make


def carried_lifecycle(rb: CompiledRulebook, old: CompiledRulebook | None) -> CarriedLifecycle:
    carry = rb.model.lifecycle.carries_over if rb.model.lifecycle else None
    assert carry is not None
    return CarriedLifecycle(rb.lifecycle, rb.version, carry,
                            old.lifecycle if old is not None else None,
                            old.version if old is not None else None)


def carry_notes(rulebooks: list[CompiledRulebook]) -> list[str]:
    """A ``carries_over.from`` whose version is not among ``rulebooks``: said, not an
    error (a version may be validated on its own), since old histories need that version."""
    out = []
    for rb in rulebooks:
        carry = rb.model.lifecycle.carries_over if rb.model.lifecycle else None
        if carry is None or superseded(rb, rulebooks) is not None:
            continue
        p = _problem_at(rb)(("lifecycle", "carries_over", "from"), "", None, False)
        where = f"{p.file}:{p.line}:{p.column}" if p.line is not None else p.file
        out.append(f"{where}: note: carries_over.from names version {carry.from_!r} of "
                   f"{rb.id}, which is not among the rulebooks given: its names are not "
                   "checked here, and histories that predate this version need it loaded")
    return out
