"""Compile a validated rulebook into closures: parse once, evaluate many.

Everything that can be known without a profile is settled here, and every mistake is
reported with its position: a field the profile does not have ("did you mean …"), an
undefined reading, a threshold that does not fit its measure, duplicate ids.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._base import Citation, Text
from ._errors import Path, Problem
from ._model import Criterion, Designation, Reading, Rulebook, Suspension
from ._profile import FieldInfo, entity_types, readable_fields
from ._trace import ReadingUsed, Trace
from ._yaml import Located


class Ctx:
    """What a compiled check may look at while it runs: one profile on one date."""

    __slots__ = ("attestations", "events", "lifecycle", "on", "profile", "timeline", "year")

    def __init__(self, profile: Any, on: _dt.date, lifecycle: Any = None) -> None:
        self.profile = profile
        self.on = on
        self.year = on.year
        self.events = profile.events
        self.attestations = profile.attestations
        self.lifecycle = lifecycle
        self.timeline: Any = None  # built on first use: only lifecycle checks need it


CheckFn = Callable[[Ctx, Trace], str]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass
class Compiler:
    """Compile-time state: the rulebook, where its values are, and the problems found."""

    rulebook: Rulebook
    located: Located | None
    file: str
    problems: list[Problem] = field(default_factory=list)
    kind: str = "unit"
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    used: dict[str, ReadingUsed] = field(default_factory=dict)

    def problem(self, path: Path, message: str, *, expected: str | None = None,
                found: str | None = None, key: bool = False) -> None:
        if self.located is not None:
            self.problems.append(self.located.problem(path, message, key=key,
                                                      expected=expected, found=found))
        else:
            self.problems.append(Problem(self.file, None, None, message, path, expected, found))

    def field(self, name: str, path: Path, roles: tuple[str, ...]) -> FieldInfo | None:
        """Look up a profile field the rulebook reads; report it if absent or of a wrong kind."""
        info = self.fields.get(name)
        if info is None:
            fitting = [n for n, i in self.fields.items() if i.role in roles]
            self.problem(path, f"the {self.kind} profile has no field {name!r}"
                         f"{did_you_mean(name, fitting)}",
                         expected=f"one of: {', '.join(sorted(fitting))}", found=repr(name))
            return None
        if info.role not in roles:
            self.problem(path, f"field {name!r} is a {info.role}, which cannot be used here",
                         expected=" or ".join(roles), found=info.role)
            return None
        return info

    def resolve(self, spec: Any, path: Path) -> tuple[Any, Path]:
        """A literal value, or the chosen option of a named reading (recorded for the trace)."""
        if not isinstance(spec, Reading):
            return spec, path
        interp = self.rulebook.interpretations.get(spec.reading)
        if interp is None:
            self.problem((*path, "reading"), f"no interpretation named {spec.reading!r}"
                         f"{did_you_mean(spec.reading, self.rulebook.interpretations)}",
                         expected="a name defined under 'interpretations'",
                         found=repr(spec.reading))
            return None, path
        option = interp.options.get(interp.use)
        if option is None:
            return None, path  # reported once, by check_interpretations
        self.used[spec.reading] = ReadingUsed(spec.reading, interp.term, interp.use, option.says)
        return option.value, ("interpretations", spec.reading, "options", interp.use, "value")


@dataclass(frozen=True)
class CompiledCriterion:
    id: str
    cite: Citation
    text: Text
    applies_to: frozenset[str] | None
    check: CheckFn
    readings: tuple[ReadingUsed, ...]
    exemption: Citation | None
    exemption_check: CheckFn | None
    relaxation: Citation | None
    relaxation_check: CheckFn | None


@dataclass(frozen=True)
class CompiledSuspension:
    id: str
    cite: Citation
    text: Text
    check: CheckFn


@dataclass(frozen=True)
class CompiledDesignation:
    id: str
    name: Text
    profile: str
    applies_to: frozenset[str]
    criteria: tuple[CompiledCriterion, ...]
    suspensions: tuple[CompiledSuspension, ...]


def check_interpretations(c: Compiler) -> None:
    for name, interp in c.rulebook.interpretations.items():
        if interp.use not in interp.options:
            c.problem(("interpretations", name, "use"),
                      f"reading {name!r} uses option {interp.use!r}, which it does not define"
                      f"{did_you_mean(interp.use, interp.options)}",
                      expected=f"one of: {', '.join(interp.options)}", found=repr(interp.use))


def _criterion(c: Compiler, crit: Criterion, path: Path, kinds: tuple[str, ...]
               ) -> CompiledCriterion:
    from ._checks import compile_check

    c.used = {}
    if crit.applies_to is not None:
        for i, kind in enumerate(crit.applies_to):
            if kind not in kinds:
                c.problem((*path, "applies_to", i), f"unknown entity type {kind!r}"
                          f"{did_you_mean(kind, kinds)}", expected=f"one of: {', '.join(kinds)}")
    check = compile_check(c, crit.check, (*path, "check"))
    ex_check = rx_check = None
    if crit.exemption is not None:
        ex_check = compile_check(c, crit.exemption.when, (*path, "exemption", "when"))
    if crit.relaxation is not None and crit.relaxation.when is not None:
        rx_check = compile_check(c, crit.relaxation.when, (*path, "relaxation", "when"))
    return CompiledCriterion(
        id=crit.id, cite=crit.cite, text=crit.text,
        applies_to=frozenset(crit.applies_to) if crit.applies_to is not None else None,
        check=check, readings=tuple(c.used[k] for k in sorted(c.used)),
        exemption=crit.exemption.cite if crit.exemption else None, exemption_check=ex_check,
        relaxation=crit.relaxation.cite if crit.relaxation else None, relaxation_check=rx_check,
    )


def _suspension(c: Compiler, s: Suspension, path: Path) -> CompiledSuspension:
    from ._checks import compile_check

    return CompiledSuspension(s.id, s.cite, s.text, compile_check(c, s.when, (*path, "when")))


def compile_designation(c: Compiler, did: str, d: Designation) -> CompiledDesignation:
    path: Path = ("designations", did)
    c.kind = d.profile
    c.fields = readable_fields(d.profile)
    kinds = entity_types(d.profile)
    for i, kind in enumerate(d.applies_to):
        if kind not in kinds:
            c.problem((*path, "applies_to", i), f"unknown entity type {kind!r}"
                      f"{did_you_mean(kind, kinds)}", expected=f"one of: {', '.join(kinds)}")
    seen: dict[str, int] = {}
    criteria = []
    for i, crit in enumerate(d.criteria):
        if crit.id in seen:
            c.problem((*path, "criteria", i, "id"),
                      f"duplicate criterion id {crit.id!r} (first at criteria[{seen[crit.id]}])")
        seen.setdefault(crit.id, i)
        criteria.append(_criterion(c, crit, (*path, "criteria", i), kinds))
    suspensions = tuple(_suspension(c, s, (*path, "suspensions", i))
                        for i, s in enumerate(d.suspensions))
    return CompiledDesignation(did, d.name, d.profile, frozenset(d.applies_to), tuple(criteria),
                               suspensions)
