"""Errors are values: every problem carries where it is and what was expected.

The exception tree::

    IpdesignateError
    ├── InputError                 one or more located Problems
    │   ├── RulebookError          a rulebook file is not valid
    │   ├── ProfileError           an applicant profile is not valid
    │   └── EventsError            a lifecycle event history is not valid
    ├── VersionError               no rulebook version is in force on the date
    ├── UnknownNameError           no designation, measure or version has this name
    └── LifecycleError             a lifecycle rule failed while it ran

docs/errors.md says what each carries and when it is raised; ``problem_document`` (in
``_core.problem_doc``) turns any of them into the RFC 9457 shape the CLI and the HTTP
service print.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PathItem = str | int
Path = tuple[PathItem, ...]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest choice, or nothing."""
    import difflib  # only on the way to an error: not every run's import

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def format_path(path: Path) -> str:
    """Render ``("designations", "pilot", "criteria", 0)`` as ``designations.pilot.criteria[0]``."""
    out = ""
    for item in path:
        if isinstance(item, int):
            out += f"[{item}]"
        else:
            out += f".{item}" if out else str(item)
    return out or "(top level)"


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in an input file."""

    file: str
    line: int | None
    column: int | None
    message: str
    path: Path = ()
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.message}"
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"found {self.found}")
        if details:
            text += f" ({'; '.join(details)})"
        if self.path:
            text += f" [at {format_path(self.path)}]"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line or 0, self.column or 0, self.message)


class IpdesignateError(Exception):
    """Base of every error this library raises on purpose."""


class InputError(IpdesignateError):
    """An input file has one or more located problems; all of them are in ``problems``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(problems, key=Problem.sort_key))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process boundaries (--jobs) intact
        return (type(self), (self.problems,))


class RulebookError(InputError):
    """A rulebook file is not valid."""


class ProfileError(InputError):
    """An applicant profile is not valid."""


class EventsError(InputError):
    """A lifecycle event history is not valid."""


class VersionError(IpdesignateError):
    """No version of a measure is in force on the requested date."""

    def __init__(self, message: str, windows: Sequence[str] = ()) -> None:
        self.windows = tuple(windows)
        text = message
        if self.windows:
            text += "\nversions and the windows they are in force:\n" + "\n".join(
                f"  {w}" for w in self.windows
            )
        super().__init__(text)


class UnknownNameError(IpdesignateError):
    """No designation, measure or version is called ``name``; ``known`` lists those that are.

    ``kind`` is ``"designation"``, ``"measure"`` or ``"version"``; ``ambiguous`` is true when
    the name belongs to several measures (write ``MEASURE:NAME``).
    """

    def __init__(self, message: str, *, kind: str, name: str, known: Sequence[str] = (),
                 ambiguous: bool = False) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(known)
        self.ambiguous = ambiguous
        super().__init__(message)


class LifecycleError(IpdesignateError):
    """A lifecycle rule raised while it ran; ``rule_id`` names the rule."""

    def __init__(self, message: str, rule_id: str | None = None) -> None:
        self.rule_id = rule_id
        self.message = message
        super().__init__(f"lifecycle rule {rule_id!r}: {message}" if rule_id else message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.rule_id))
