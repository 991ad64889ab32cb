"""Units and their event lists as found in a file: one unit, a YAML/JSON list, JSON Lines.

Every unit the input contains is returned exactly once, in order — none lost, none made
up. A unit whose part of the file cannot be read is kept, as a unit that could not be
loaded (``located`` is None), named by its position, so a batch summary counts it. Its
events are checked later, against the rulebook's event types, by
``applicant.events.parse_events``.

When the whole file does not parse, each unit is read on its own where the format allows
it: a JSON array item by item, a YAML block list item by item (``- `` at column 0), JSON
Lines line by line. Each part is parsed alone with its offset in the file (not padded),
so recovery is linear in the size of the file and every position is the file's own. A
file that holds one unit (a mapping, or a bare list of events) is one unit whatever
goes wrong inside it: its events are never taken for units.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from typing import Any

from .._core.errors import Path, Problem
from .._core.yaml import Located, load_text


@dataclass
class Unit:
    """One unit as found in the file: where it is and its (not yet checked) events."""

    unit: str
    located: Located | None  # None: this part of the file could not be loaded
    path: Path = ()  # of the events list


def read_units(path: str, raw: bytes, problems: list[Problem]) -> list[Unit]:
    """Every unit in the file. A unit whose shape is wrong is a problem, not a stop."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, None, None, f"file is not UTF-8 text: {exc.reason} "
                                f"at byte {exc.start}", expected="UTF-8"))
        return [Unit("file", None)]
    if path.endswith((".jsonl", ".ndjson")):
        return _json_lines(path, text, problems)
    mine: list[Problem] = []
    located = load_text(text, path, mine)
    if located is not None:
        problems.extend(mine)
        return _from_document(located, problems)
    recovered = _recover(path, text, problems)
    if recovered is None:  # one unit, or a shape we cannot split: it is one unread unit
        problems.extend(mine)
        return [Unit("in this file", None)]
    return recovered


# ---- a document that loaded -------------------------------------------------------------


def _is_unit(item: Any) -> bool:
    return isinstance(item, dict) and "events" in item


def _unit_like(item: Any) -> bool:
    """Written as a unit (``unit:`` or ``events:``), even if it is not a well-formed one."""
    return isinstance(item, dict) and ("events" in item or "unit" in item)


def _from_document(located: Located, problems: list[Problem]) -> list[Unit]:
    data = located.data
    if isinstance(data, dict):
        return [_one(located, (), data, problems, "unit")]
    if isinstance(data, list) and (not data or any(_unit_like(d) for d in data)):
        return [_one(located, (i,), item, problems, f"unit {i + 1}")
                for i, item in enumerate(data)]
    if isinstance(data, list):
        return [Unit("unit", located, ())]  # a bare list of one unit's events
    problems.append(located.problem((), "expected one unit or a list of units",
                                    expected="{unit: ID, events: [...]} or a list of them",
                                    found=type(data).__name__))
    return [Unit("unit", None)]


def _one(located: Located, at: Path, item: Any, problems: list[Problem],
         default: str) -> Unit:
    """The unit at ``at``; when it is not a well-formed unit, a problem and an unread unit
    (still counted, under its position)."""
    if not isinstance(item, dict):
        problems.append(located.problem(at, "a unit is a mapping",
                                        expected="{unit: ID, events: [...]}",
                                        found=type(item).__name__))
        return Unit(default, None)
    unknown = [k for k in item if k not in ("unit", "events")]
    for key in unknown:
        problems.append(located.problem((*at, key), f"unknown key {key!r}", key=True,
                                        expected="'unit' and 'events'", found=str(key)))
    unit = item.get("unit", default)
    name_ok = isinstance(unit, str | int) and not isinstance(unit, bool)
    if not name_ok:
        problems.append(located.problem((*at, "unit"), "'unit' is not an id",
                                        expected="text", found=repr(unit)[:60]))
    if "events" not in item:
        problems.append(located.problem(at, "a unit needs 'events'",
                                        expected="events: [...]", found="no 'events' key"))
    name = str(unit) if name_ok else default
    if unknown or not name_ok or "events" not in item:
        return Unit(name, None)
    return Unit(name, located, (*at, "events"))


# ---- JSON Lines -------------------------------------------------------------------------


def _json_lines(path: str, text: str, problems: list[Problem]) -> list[Unit]:
    out: list[Unit] = []
    for n, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        name = f"line {n + 1}"
        mine: list[Problem] = []
        located = load_text(line, path, mine, start=(n + 1, 1))
        # an error at the end of the line is reported by the parser on the line after
        problems.extend(dataclasses.replace(p, line=n + 1, column=len(line) + 1)
                        if p.line is not None and p.line > n + 1 else p for p in mine)
        if located is None:
            out.append(Unit(f"at line {n + 1}", None))
        elif not isinstance(located.data, dict):
            problems.append(located.problem((), "a JSON Lines line is one unit",
                                            expected="{\"unit\": ID, \"events\": [...]}",
                                            found=type(located.data).__name__))
            out.append(Unit(name, None))
        else:
            out.append(_one(located, (), located.data, problems, name))
    return out


# ---- recovery of a list whose whole does not load ----------------------------------------


class _Lines:
    """Line and column of offsets met in increasing order, in time linear overall."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1
        self.line_start = 0

    def at(self, offset: int) -> tuple[int, int]:
        assert offset >= self.offset
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


def _recover(path: str, text: str, problems: list[Problem]) -> list[Unit] | None:
    head = text.lstrip()
    if head.startswith("["):
        return _json_items(path, text, problems)
    if head.startswith("{"):
        return None
    return _yaml_items(path, text, problems)


_WS_RE = re.compile(r"\s*")


def _skip_ws(text: str, pos: int) -> int:
    m = _WS_RE.match(text, pos)
    return m.end() if m is not None else pos
_EVENTS_KEY = re.compile(r"\"events\"\s*:")
_NEXT_OBJECT = re.compile(r"[,\[]\s*\{")


def _json_items(path: str, text: str, problems: list[Problem]) -> list[Unit] | None:
    """The items of a JSON array of units, each loaded on its own; an item that cannot be
    read is one unread unit (or as many as the ``"events"`` keys in it), and reading
    resumes at the next item that is a whole unit."""
    decoder = json.JSONDecoder()
    lines = _Lines(text)
    pos = _skip_ws(text, text.index("[") + 1)
    units: list[Unit] = []
    seen_unit = seen_named = False
    while pos < len(text) and text[pos] != "]":
        start = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            # a unit found again must look like the units around it: named, when they are
            # (a bare {"events": …} inside the broken unit is not a unit of the list)
            named = seen_named or '"unit"' in text[start:start + 200]
            resume = _resync(decoder, text, start + 1, named)
            where = lines.at(start)
            bad_at = getattr(exc, "pos", start)
            lost = max(1, len(_EVENTS_KEY.findall(text, start, resume)))
            for _ in range(lost):
                units.append(Unit(f"#{len(units) + 1} (at line {where[0]})", None))
            problems.append(Problem(path, *where, f"unit {len(units) - lost + 1} cannot be "
                                    f"read: {getattr(exc, 'msg', exc)} (at character "
                                    f"{bad_at - start + 1} of the unit)"
                                    + (f"; {lost} units are in this unreadable part"
                                       if lost > 1 else ""),
                                    expected="a JSON object {\"unit\": ID, \"events\": [...]}"))
            if resume >= len(text):
                break
            pos = resume
            continue
        seen_unit = seen_unit or _unit_like(value)
        seen_named = seen_named or (_is_unit(value) and "unit" in value)
        mine: list[Problem] = []
        located = load_text(text[start:end], path, mine, start=lines.at(start))
        name = f"unit {len(units) + 1}"
        if located is None:  # JSON, but not within our bounds (a number, a date, depth)
            problems.extend(mine)
            units.append(Unit(name, None))
        else:
            problems.extend(mine)
            units.append(_one(located, (), located.data, problems, name))
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos < len(text) and text[pos] != "]":
            problems.append(Problem(path, *lines.at(pos), "expected ',' or ']' after a unit"))
            resume = _resync(decoder, text, pos, seen_named)
            if resume >= len(text):
                break
            pos = resume
    if not seen_unit:
        return None  # not a list of units (a bare list of events): one unit
    return units


def _resync(decoder: json.JSONDecoder, text: str, pos: int, named: bool) -> int:
    """The offset of the next array item at or after ``pos`` that reads as a whole unit
    (a JSON object with ``events``, and a ``unit`` when ``named``) followed by ``,`` or
    ``]``, else the end of the text."""
    for m in _NEXT_OBJECT.finditer(text, max(pos - 1, 0)):
        candidate = m.end() - 1
        if candidate < pos:
            continue
        try:
            value, end = decoder.raw_decode(text, candidate)
        except (json.JSONDecodeError, RecursionError, ValueError):
            continue
        after = _skip_ws(text, end)
        if (_is_unit(value) and (not named or "unit" in value)
                and (after >= len(text) or text[after] in ",]")):
            return candidate
    return len(text)


_ITEM = re.compile(r"(?m)^-(?:[ \t]|$)")
# an item written as a unit: "- unit:" / "- events:", or a nested "unit:"/"events:" key
_UNIT_TEXT = re.compile(r"(?m)^(?:-[ \t]+|[ \t]+)(?:unit|events)[ \t]*:")
# the first line that is not blank, a comment, a directive or a document marker
_FIRST_CONTENT = re.compile(r"(?m)^(?![ \t]*(?:#|$)|%|---|\.\.\.)")


def _yaml_items(path: str, text: str, problems: list[Problem]) -> list[Unit] | None:
    """The items of a YAML block list (``- `` at column 0), each loaded on its own."""
    first = _FIRST_CONTENT.search(text)
    if first is None or not _ITEM.match(text, first.start()):
        return None  # a mapping at the top: one unit (its events may sit at column 0)
    starts = [m.start() for m in _ITEM.finditer(text)]
    if not starts:
        return None
    lines = _Lines(text)
    units: list[Unit] = []
    parts: list[tuple[Unit | None, list[Problem], int]] = []
    seen_unit = False
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(text)
        mine: list[Problem] = []
        line, _ = lines.at(start)
        located = load_text(text[start:end], path, mine, start=(line, 1))
        if located is None or not isinstance(located.data, list) or not located.data:
            # unreadable: still a unit when it is written like one (every unit of the
            # list may be broken), else one of a bare event list's events
            seen_unit = seen_unit or bool(_UNIT_TEXT.search(text, start, end))
            parts.append((None, [_as_item(p, k) for p in mine], line))
            continue
        located = _as_item_of_list(located, k)
        item = located.data[k]
        seen_unit = seen_unit or _unit_like(item)
        parts.append((_one(located, (k,), item, mine, f"unit {k + 1}"), mine, line))
    if not seen_unit:
        return None  # no item is a unit: a bare list of one unit's events
    for k, (unit, mine, line) in enumerate(parts):
        problems.extend(mine)
        units.append(unit if unit is not None else Unit(f"#{k + 1} (at line {line})", None))
    return units


def _as_item(problem: Problem, k: int) -> Problem:
    """A problem of a part parsed alone (a one-item list), with the item's own index."""
    if problem.path and problem.path[0] == 0:
        return dataclasses.replace(problem, path=(k, *problem.path[1:]))
    return problem


def _as_item_of_list(located: Located, k: int) -> Located:
    """The part parsed alone, as item ``k`` of the file's list: paths in messages say
    ``[k]``, as they would had the whole file loaded."""
    def shift(table: dict[Path, tuple[int, int]]) -> dict[Path, tuple[int, int]]:
        return {((k, *p[1:]) if p and p[0] == 0 else p): pos for p, pos in table.items()}

    return Located({k: located.data[0]}, located.file, shift(located.values),
                   shift(located.keys))
