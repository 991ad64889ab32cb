"""Compile-time state shared by the keyword functions, and what a check sees at run time.

Everything that can be known without a profile is settled here, and every mistake is
reported with its position: a field the profile does not have ("did you mean …"), an
undefined reading, a threshold that does not fit its measure, duplicate ids.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._core.errors import Path, Problem, did_you_mean
from .._core.yaml import Located
from ..applicant.vocabulary import FieldInfo, Vocabulary
from ..decision.trace import ReadingUsed, Trace
from ..rulebook.model import Reading, Rulebook


class Ctx:
    """What a compiled check may look at while it runs: one profile on one date."""

    __slots__ = ("applied", "attestations", "events", "lifecycle", "on", "profile", "results",
                 "timeline", "year")

    def __init__(self, profile: Any, on: _dt.date, lifecycle: Any = None,
                 applied: _dt.date | None = None) -> None:
        self.profile = profile
        self.on = on  # the date of the decision: look-back windows, status, bars
        self.applied = applied or on  # the application date: it fixes the data years
        self.year = self.applied.year
        # events dated after the decision date did not exist then: never counted
        events = getattr(profile, "events", None)
        if events is not None and any(e.date > on for e in events):
            events = [e for e in events if e.date <= on]
        self.events = events
        self.attestations = getattr(profile, "attestations", None) or {}
        self.lifecycle = lifecycle
        self.timeline: Any = None  # built on first use: only lifecycle checks need it
        self.results: dict[str, str] = {}  # criterion id -> status, for ``outcome``


CheckFn = Callable[[Ctx, Trace], str]
# A check's status alone, without a trace: what the evaluator runs first (the trace of a
# criterion is built from its CheckFn only when someone reads it).
FastFn = Callable[[Ctx], str]


@dataclass
class Compiler:
    """Compile-time state: the rulebook, where its values are, and the problems found."""

    rulebook: Rulebook
    located: Located | None
    file: str
    problems: list[Problem] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    kind: str = ""
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    used: dict[str, ReadingUsed] = field(default_factory=dict)
    criteria: tuple[str, ...] = ()  # ids of the designation's criteria (for ``outcome``)
    reads_outcomes: bool = False  # the check being compiled reads other criteria's statuses

    def problem(self, path: Path, message: str, *, expected: str | None = None,
                found: str | None = None, key: bool = False) -> None:
        if self.located is not None:
            self.problems.append(self.located.problem(path, message, key=key,
                                                      expected=expected, found=found))
        else:
            self.problems.append(Problem(self.file, None, None, message, path, expected, found))

    def kind_known(self) -> bool:
        return self.vocabulary is not None and self.kind in self.vocabulary.kinds

    def entity_types(self) -> tuple[str, ...]:
        """Entity types of the profile kind being compiled (none when the kind is unknown)."""
        if self.vocabulary is None or self.kind not in self.vocabulary.kinds:
            return ()
        return self.vocabulary.entity_types(self.kind)

    def field(self, name: str, path: Path, roles: tuple[str, ...]) -> FieldInfo | None:
        """Look up a profile field the rulebook reads; report it if absent or of a wrong kind."""
        info = self.fields.get(name)
        if info is None and not self.kind_known():
            return None  # the unknown kind is reported once, at the designation
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
