"""``ipdesignate timeline EVENTS_FILE [--on DATE] [--format text|json] [--rulebook FILE]``.

One unit (a mapping with ``events:``, or a bare list of events) or many units (a list of
``{unit: ID, events: [...]}``, as YAML or JSON, or JSON Lines with one unit a line). A unit
with bad events gets located errors on stderr; every other unit's result is still printed.
Exit code: 0 all units done, 1 some unit (or the file) had problems, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import IO, Any

from pydantic import Field

from ._base import Strict
from ._errors import EventsError, IpdesignateError, LifecycleError, Path, Problem
from ._events import Event, parse_events
from ._lifecycle import CompiledLifecycle, LifecycleSource, compile_source
from ._lifecycle_model import EventType, Lifecycle
from ._timeline import DerivedFact, Timeline
from ._yaml import Located, load_bytes, load_text


def add_timeline_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "timeline",
        help="status, obligations and bars of units over time, from their dated events",
        description="Run units' dated events through a rulebook's lifecycle rules.",
    )
    parser.add_argument("events_file", metavar="EVENTS_FILE",
                        help="one unit's events, or many units (YAML, JSON or JSON Lines)")
    parser.add_argument("--on", metavar="DATE",
                        help="report status, obligations and bars on this date (YYYY-MM-DD); "
                             "without it, the whole timeline")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--rulebook", metavar="FILE",
                        help="the measure's rulebook, or a lifecycle section file")
    parser.set_defaults(func=run_timeline)
    return parser


# ---- loading ------------------------------------------------------------------------------


class _Section(Strict):
    """A lifecycle section file: exactly ``event_types`` and ``lifecycle``."""

    event_types: dict[str, EventType] = Field(default_factory=dict)
    lifecycle: Lifecycle


def load_lifecycle(path: str, problems: list[Problem]) -> CompiledLifecycle | None:
    """The compiled lifecycle of a rulebook file (or of a lifecycle section file)."""
    raw = _read(path, problems)
    if raw is None:
        return None
    located = load_bytes(raw, path, problems)
    if located is None:
        return None
    if isinstance(located.data, dict) and "rulebook" in located.data:
        from ._errors import RulebookError
        from ._load import load_rulebook

        try:
            lifecycle = load_rulebook(path).lifecycle
        except RulebookError as exc:
            problems.extend(exc.problems)
            return None
        if not isinstance(lifecycle, CompiledLifecycle):
            problems.append(located.problem((), "this rulebook has no lifecycle section",
                                            expected="a 'lifecycle' section"))
            return None
        return lifecycle
    from ._validate import validate

    section = validate(_Section, located, problems)
    if section is None:
        return None
    source = LifecycleSource(
        name=FsPath(path).name, event_types=section.event_types, lifecycle=section.lifecycle,
        located=located, file=path,
    )
    try:
        return compile_source(source, problems)
    except LifecycleError:
        return None  # the problems are in ``problems``


def _read(path: str, problems: list[Problem]) -> bytes | None:
    try:
        return FsPath(path).read_bytes()
    except OSError as exc:
        problems.append(Problem(path, None, None, f"cannot read file: {exc.strerror or exc}"))
        return None


@dataclass
class _Unit:
    """One unit as found in the file: where it is and its (not yet checked) events."""

    unit: str
    located: Located | None  # None: this part of the file could not be loaded
    path: Path = ()  # of the events list


def _units(path: str, raw: bytes, problems: list[Problem]) -> list[_Unit]:
    """Every unit in the file. A unit whose shape is wrong is a problem, not a stop."""
    if path.endswith((".jsonl", ".ndjson")):
        return _json_lines(path, raw, problems)
    located = load_bytes(raw, path, problems)
    if located is None:
        return _chunks(path, raw, problems)
    return _from_document(located, problems)


def _from_document(located: Located, problems: list[Problem], where: Path = ()
                   ) -> list[_Unit]:
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
        return [_Unit("unit", located, where)]  # a bare list of one unit's events
    problems.append(located.problem(where, "expected one unit or a list of units",
                                    expected="{unit: ID, events: [...]} or a list of them",
                                    found=type(data).__name__))
    return []


def _one(located: Located, at: Path, item: dict[str, Any], problems: list[Problem],
         default: str) -> _Unit | None:
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
    return _Unit(str(unit), located, (*at, "events")) if not unknown else None


def _json_lines(path: str, raw: bytes, problems: list[Problem]) -> list[_Unit]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, None, None, f"file is not UTF-8 text: {exc.reason}"))
        return []
    out: list[_Unit] = []
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


def _chunks(path: str, raw: bytes, problems: list[Problem]) -> list[_Unit]:
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
    out: list[_Unit] = []
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
            out.append(_Unit(f"at line {start + 1}", None))
    return out


# ---- output --------------------------------------------------------------------------------


def _fact_line(f: DerivedFact) -> str:
    span = f"{f.start}" + (f" – {f.end}" if f.end is not None else " –")
    extra = []
    if f.due is not None:
        extra.append(f"due {f.due}")
    if f.closed is not None:
        extra.append(f"closed {f.closed} by {f.closed_by}")
    if f.superseded_by:
        extra.append(f"replaced by {f.superseded_by}")
    if f.missing:
        extra.append(f.missing)
    where = f" [{f.designation}]" if f.designation else ""
    cite = _cite(f)
    more = f" ({'; '.join(extra)})" if extra else ""
    return (f"  {f.id} {f.kind} {f.name}{where}: {span}{more}\n"
            f"      rule {f.rule_id}, {cite}; events {', '.join(f.event_ids)}")


def _cite(f: DerivedFact) -> str:
    where = f"第{f.cite.article}条"
    if f.cite.paragraph:
        where += f"第{f.cite.paragraph}款"
    if f.cite.item:
        where += f"第{f.cite.item}项"
    return f"{where} “{f.cite.text}”"


def _on_date(timeline: Timeline, on: _dt.date) -> dict[str, Any]:
    return {
        "unit": timeline.unit,
        "rulebook": timeline.rulebook,
        "on": on.isoformat(),
        "status": {d: (s.model_dump(mode="json") if (s := timeline.status(d, on)) else None)
                   for d in timeline.designations()},
        "obligations": [o.model_dump(mode="json")
                        for o in timeline.obligations(on, include_periods=True)],
        "bars": [b.model_dump(mode="json") for d in sorted(
            {f.designation for f in timeline.facts if f.kind == "bar" and f.designation})
            for b in timeline.bars(d, on)],
    }


def _text(timeline: Timeline, on: _dt.date | None) -> str:
    out = [f"unit {timeline.unit} ({timeline.rulebook})"]
    if on is None:
        out += [_fact_line(f) for f in timeline.facts] or ["  no lifecycle rule applies"]
    else:
        out.append(f"  on {on}:")
        for d in timeline.designations():
            s = timeline.status(d, on)
            out.append(f"  status {d}: " + (f"{s.value} (since {s.start}; rule {s.rule_id}, "
                                              f"{_cite(s)})" if s else "none"))
        for o in timeline.obligations(on, include_periods=True):
            due = (f"due {o.fact.due}" if o.fact.due
                   else f"no due date: {o.fact.missing}" if o.fact.missing else "no due date")
            out.append(f"  {o.fact.kind} {o.fact.name}: {o.state}, {due} "
                       f"(rule {o.fact.rule_id}, {_cite(o.fact)})")
        for f in timeline.in_force(on, "bar"):
            out.append(f"  bar {f.name} [{f.designation}] until {f.end} "
                       f"(rule {f.rule_id}, {_cite(f)})")
    if timeline.unused_events:
        out.append(f"  events no rule used: {', '.join(timeline.unused_events)}")
    return "\n".join(out)


# ---- the command -----------------------------------------------------------------------------


def run_timeline(args: argparse.Namespace, *, stdout: IO[str] | None = None,
                 stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    on: _dt.date | None = None
    if args.on is not None:
        try:
            on = _dt.date.fromisoformat(args.on)
        except ValueError:
            err.write(f"ipdesignate timeline: --on {args.on!r} is not a date "
                      "(expected YYYY-MM-DD)\n")
            return 2
    if not args.rulebook:
        err.write("ipdesignate timeline: no rulebook given (expected --rulebook FILE: the "
                  "measure's rulebook or its lifecycle section)\n")
        return 2
    problems: list[Problem] = []
    lifecycle = load_lifecycle(args.rulebook, problems)
    if lifecycle is None:
        _report(err, problems)
        return 1
    raw = _read(args.events_file, problems)
    units = _units(args.events_file, raw, problems) if raw is not None else []
    failed = bool(problems)
    _report(err, problems)
    types = lifecycle.source.event_types
    designations = lifecycle.source.designations
    done = 0
    for unit in units:
        if unit.located is None:
            failed = True
            err.write(f"unit {unit.unit}: not run, it could not be loaded (see above)\n")
            continue
        mine: list[Problem] = []
        events: list[Event] | None = parse_events(unit.located, unit.path, types, mine,
                                                  designations)
        if events is None:
            failed = True
            err.write(f"unit {unit.unit}: not run, its events have problems:\n")
            _report(err, mine)
            continue
        try:
            timeline = lifecycle.run(events, unit=unit.unit, checked=True)
        except (EventsError, LifecycleError) as exc:
            failed = True
            err.write(f"unit {unit.unit}: {exc}\n")
            continue
        except IpdesignateError as exc:  # pragma: no cover - every library error is one
            failed = True
            err.write(f"unit {unit.unit}: {exc}\n")
            continue
        done += 1
        if args.format == "json":
            payload = (timeline.model_dump(mode="json") if on is None
                       else _on_date(timeline, on))
            out.write(json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            out.write(_text(timeline, on) + "\n")
    if len(units) > 1:
        err.write(f"{done} of {len(units)} units done\n")
    return 1 if failed else 0


def _report(err: IO[str], problems: list[Problem]) -> None:
    for p in sorted(problems, key=Problem.sort_key):
        err.write(f"{p}\n")
    problems.clear()
