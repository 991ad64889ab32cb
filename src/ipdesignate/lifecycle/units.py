"""Units and their event lists as found in a file: one unit, a YAML/JSON list, JSON Lines.

A unit whose part of the file cannot be read is kept, as a unit that could not be loaded,
so that a batch never silently loses one; its events are checked later, against the
rulebook's event types, by ``applicant.events.parse_events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._core.errors import Path, Problem
from .._core.yaml import Located, load_bytes, load_text


@dataclass
class Unit:
    """One unit as found in the file: where it is and its (not yet checked) events."""

    unit: str
    located: Located | None  # None: this part of the file could not be loaded
    path: Path = ()  # of the events list


def read_units(path: str, raw: bytes, problems: list[Problem]) -> list[Unit]:
    """Every unit in the file. A unit whose shape is wrong is a problem, not a stop."""
    if path.endswith((".jsonl", ".ndjson")):
        return _json_lines(path, raw, problems)
    located = load_bytes(raw, path, problems)
    if located is None:
        return _chunks(path, raw, problems)
    return _from_document(located, problems)


def _from_document(located: Located, problems: list[Problem], where: Path = ()
                   ) -> list[Unit]:
    data = located.data
    for step in where:
        data = data[step]
    if isinstance(data, dict):
        unit = _one(located, where, data, problems, default="unit")
        return [unit] if unit is not None else []
    if isinstance(data, list) and (not data or all(isinstance(d, dict) and "events" in d
                                                   for d in data)):
        out = []
        for i, item in enumerate(data):
            unit = _one(located, (*where, i), item, problems, default=f"unit {i + 1}")
            if unit is not None:
                out.append(unit)
        return out
    if isinstance(data, list):
        return [Unit("unit", located, where)]  # a bare list of one unit's events
    problems.append(located.problem(where, "expected one unit or a list of units",
                                    expected="{unit: ID, events: [...]} or a list of them",
                                    found=type(data).__name__))
    return []


def _one(located: Located, at: Path, item: dict[str, Any], problems: list[Problem],
         default: str) -> Unit | None:
    unknown = [k for k in item if k not in ("unit", "events")]
    for key in unknown:
        problems.append(located.problem((*at, key), f"unknown key {key!r}", key=True,
                                        expected="'unit' and 'events'", found=key))
    if "events" not in item:
        problems.append(located.problem(at, "a unit needs 'events'",
                                        expected="events: [...]", found="no 'events' key"))
        return None
    unit = item.get("unit", default)
    if not isinstance(unit, str | int) or isinstance(unit, bool):
        problems.append(located.problem((*at, "unit"), "'unit' is not an id",
                                        expected="text", found=repr(unit)))
        return None
    return Unit(str(unit), located, (*at, "events")) if not unknown else None


def _json_lines(path: str, raw: bytes, problems: list[Problem]) -> list[Unit]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, None, None, f"file is not UTF-8 text: {exc.reason}"))
        return []
    out: list[Unit] = []
    for n, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        # Blank lines in front keep every position on the file's own line number.
        located = load_text("\n" * n + line, path, problems)
        if located is not None:
            if not isinstance(located.data, dict):
                problems.append(located.problem((), "a JSON Lines line is one unit",
                                                expected="{\"unit\": ID, \"events\": [...]}",
                                                found=type(located.data).__name__))
                continue
            unit = _one(located, (), located.data, problems, default=f"line {n + 1}")
            if unit is not None:
                out.append(unit)
    return out


def _chunks(path: str, raw: bytes, problems: list[Problem]) -> list[Unit]:
    """A YAML list of units that does not load as a whole (one unit has, say, an invalid
    date like 2021-02-30, which the loader refuses): load each top-level item on its own,
    so the other units are not lost."""
    try:
        lines = raw.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError:
        return []
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")]
    if len(starts) < 2:
        return []
    out: list[Unit] = []
    seen = {str(p) for p in problems}
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        chunk = "\n" * start + "\n".join(lines[start:end])
        mine: list[Problem] = []
        located = load_text(chunk, path, mine)
        # The whole-file attempt already reported this chunk's problem.
        problems.extend(p for p in mine if str(p) not in seen)
        if located is not None and isinstance(located.data, list) and located.data:
            for unit in _from_document(located, problems):
                unit.unit = unit.unit if unit.unit != "unit 1" else f"unit {k + 1}"
                out.append(unit)
        else:
            out.append(Unit(f"at line {start + 1}", None))
    return out
