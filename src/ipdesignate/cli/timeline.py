"""``ipdesignate timeline EVENTS_FILE``: status, obligations and bars of units over time.

One unit (a mapping with ``events:``, or a bare list of events) or many units (a list of
``{unit: ID, events: [...]}``, as YAML or JSON, or JSON Lines with one unit a line). A unit
with bad events gets located errors on stderr; every other unit's result is still printed.
The lifecycle comes from ``--rulebook FILE`` (a rulebook or a lifecycle section file), or
from the library (``--measure ID``; without it, the one measure whose event types cover
the file's events). Exit code: 0 all units done, 1 some unit (or the file) had problems,
2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from typing import IO, TYPE_CHECKING, Any

from .._core.errors import (
    EventsError,
    IpdesignateError,
    Problem,
    RulebookError,
    did_you_mean,
)
from .._core.problem_doc import document, problem_document
from ._common import EXIT_INPUT, EXIT_OK, EXIT_USAGE, add_rulebooks_option, library

if TYPE_CHECKING:
    from ..lifecycle.engine import CompiledLifecycle
    from ..lifecycle.timeline import DerivedFact, Timeline


# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = (
    "timeline",
    "status, obligations and bars of units over time, from their dated events")


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        NAME, help=HELP,
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
    parser.add_argument("--measure", metavar="ID",
                        help="a measure of the library (default: the one whose event types "
                             "cover the file's events)")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                        help="run a batch's units over N worker processes (results keep "
                             "the input order)")
    add_rulebooks_option(parser)
    parser.set_defaults(run=run)


_WINDOW = 4096  # units parsed ahead of running them: memory stays flat on any batch size


# ---- loading --------------------------------------------------------------------------------


def _read(path: str, problems: list[Problem]) -> bytes | None:
    from .._core.yaml import read_bounded

    return read_bounded(path, problems, name="<stdin>" if path == "-" else path)


def load_lifecycle(path: str, problems: list[Problem]) -> CompiledLifecycle | None:
    """The compiled lifecycle of a rulebook file (or of a lifecycle section file)."""
    from .._core.yaml import load_bytes
    from ..library.load import load_rulebook
    from ..lifecycle.section import compile_section

    raw = _read(path, problems)
    if raw is None:
        return None
    located = load_bytes(raw, path, problems)
    if located is None:
        return None
    if isinstance(located.data, dict) and "rulebook" in located.data:
        try:
            rb = load_rulebook(path)
        except RulebookError as exc:
            problems.extend(exc.problems)
            return None
        lifecycle: CompiledLifecycle | None = rb.lifecycle
        if lifecycle is not None and rb.model.lifecycle is not None and (
                rb.model.lifecycle.carries_over is not None):
            from ..library.carry import carried_lifecycle

            # one file: events that predate it are refused, naming the version they need
            lifecycle = carried_lifecycle(rb, None)  # type: ignore[assignment]
        if lifecycle is None:
            problems.append(located.problem((), "this rulebook has no lifecycle section",
                                            expected="a 'lifecycle' section"))
        return lifecycle
    return compile_section(located, path, problems)


def _from_library(args: argparse.Namespace, types_used: set[str]) -> CompiledLifecycle:
    """The lifecycle of ``--measure`` (or of the one measure that declares every event
    type the file uses), in its version in force on ``--on`` (or its only version)."""
    lib = library(args)
    measure = args.measure
    if measure is None:
        # Types no measure declares are reported per unit later; they cannot choose.
        declared = {m: set().union(*(rb.model.event_types for rb in versions
                                     if rb.lifecycle is not None))
                    for m, versions in lib.measures.items()}
        known = types_used & set().union(*declared.values())
        fits = sorted(m for m, types in declared.items() if known and known <= types)
        if len(fits) != 1:
            raise IpdesignateError(
                "cannot tell which measure's lifecycle to use: "
                + (f"several declare these event types ({', '.join(fits)})" if fits else
                   "no measure declares all of the event types "
                   f"{', '.join(sorted(known or types_used)) or '(none)'}")
                + "; give --measure ID or --rulebook FILE")
        measure = fits[0]
    versions = lib.measures.get(measure)
    if not versions:
        raise IpdesignateError(f"no measure {measure!r}{did_you_mean(measure, lib.measures)}; "
                               f"known: {', '.join(sorted(lib.measures))}")
    with_rules = [rb for rb in versions if rb.lifecycle is not None]
    on = _dt.date.fromisoformat(args.on) if args.on else None
    chosen = [rb for rb in with_rules if on is not None and rb.in_force(on)] or (
        with_rules if len(with_rules) == 1 else [])
    if not chosen:
        raise IpdesignateError(f"{measure}: no single version's lifecycle fits; versions: "
                               f"{'; '.join(rb.window() for rb in versions)}; give --on DATE "
                               "or --rulebook FILE")
    lifecycle: CompiledLifecycle = lib.lifecycle_of(chosen[0])
    return lifecycle


def _types_used(units: list[Any]) -> set[str]:
    """Event types named in the units that could be read (for choosing the measure)."""
    found: set[str] = set()
    for unit in units:
        if unit.located is None:
            continue
        data = unit.located.data
        for step in unit.path:
            data = data[step]
        if isinstance(data, list):
            found.update(e["type"] for e in data
                         if isinstance(e, dict) and isinstance(e.get("type"), str))
    return found


# ---- output --------------------------------------------------------------------------------


def _fact_line(f: DerivedFact, timeline: Timeline) -> str:
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
            f"      rule {_rule(f, timeline)}, {cite}; events {', '.join(f.event_ids)}")


def _rule(f: DerivedFact, timeline: Timeline) -> str:
    """The rule's id, and whose it is when the timeline crosses versions."""
    version = timeline.version_of(f)
    return f"{f.rule_id} of version {version}" if version else f.rule_id


def _cite(f: DerivedFact) -> str:
    where = f"第{f.cite.article}条"
    if f.cite.paragraph:
        where += f"第{f.cite.paragraph}款"
    if f.cite.item:
        where += f"第{f.cite.item}项"
    return f"{where} “{f.cite.text}”"


def _text(timeline: Timeline, on: _dt.date | None, context: tuple[str, ...] = ()) -> str:
    out = [f"unit {timeline.unit} ({timeline.rulebook})"]
    out += [f"  context: {c}" for c in context]
    out += [f"  carried over: {eid} {how}" for eid, how in timeline.carried.items()]
    if on is None:
        out += [_fact_line(f, timeline) for f in timeline.facts] or ["  no lifecycle rule applies"]
    else:
        out.append(f"  on {on}:")
        for d in timeline.designations():
            s = timeline.status(d, on)
            out.append(f"  status {d}: " + (f"{s.value} (since {s.start}; rule "
                                              f"{_rule(s, timeline)}, {_cite(s)})"
                                              if s else "none"))
        for o in timeline.obligations(on, include_periods=True):
            due = (f"due {o.fact.due}" if o.fact.due
                   else f"no due date: {o.fact.missing}" if o.fact.missing else "no due date")
            out.append(f"  {o.fact.kind} {o.fact.name}: {o.state}, {due} "
                       f"(rule {_rule(o.fact, timeline)}, {_cite(o.fact)})")
        for f in timeline.in_force(on, "bar"):
            out.append(f"  bar {f.name} [{f.designation}] until {f.end} "
                       f"(rule {_rule(f, timeline)}, {_cite(f)})")
    if timeline.unused_events:
        out.append(f"  events no rule used: {', '.join(timeline.unused_events)}")
    return "\n".join(out)


# ---- the command -----------------------------------------------------------------------------


def run(args: argparse.Namespace, *, stdout: IO[str] | None = None,
        stderr: IO[str] | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    on: _dt.date | None = None
    if args.on is not None:
        from .._core.limits import as_date

        try:
            on = as_date(args.on)
        except ValueError as exc:
            err.write(f"ipdesignate timeline: --on {args.on!r} is not a date "
                      f"(expected YYYY-MM-DD): {exc}\n")
            return EXIT_USAGE
    from ..applicant.events import Event, parse_events
    from ..lifecycle.engine import run_batch
    from ..lifecycle.units import read_units

    problems: list[Problem] = []
    report = _Reporter(err, args.format == "json")
    raw = _read(args.events_file, problems)
    units = read_units(args.events_file, raw, problems) if raw is not None else []
    if args.rulebook:
        lifecycle = load_lifecycle(args.rulebook, problems)
    else:
        lifecycle = _from_library(args, _types_used(units))
    if lifecycle is None:
        report.problems(problems)
        return EXIT_INPUT
    failed = bool(problems)
    report.problems(problems)
    types = lifecycle.source.event_types
    designations = lifecycle.source.designations
    done = 0
    # Units are parsed here and run in windows (over --jobs worker processes), then
    # reported in input order: the output is the same for any number of jobs.
    window: list[tuple[Any, list[Event] | None]] = []

    def flush() -> None:
        nonlocal done, failed
        runnable = [(u.unit, ev) for u, ev in window if ev is not None]
        # recurring obligations: their cycles are derived up to --on, however far it lies
        # beyond the last event
        results = iter(run_batch(lifecycle, runnable, jobs=max(1, args.jobs), checked=True,
                                 until=on))
        for unit, events in window:
            if events is None:
                continue
            result = next(results)
            if isinstance(result, IpdesignateError):  # EventsError, LifecycleError
                failed = True
                report.error(result, unit.unit)
                continue
            done += 1
            if args.format == "json":
                payload = (result.model_dump(mode="json") if on is None
                           else {"context": list(lifecycle.source.context),
                                 **result.on_date(on)})
                out.write(json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n")
            else:
                out.write(_text(result, on, lifecycle.source.context) + "\n")
        window.clear()

    for unit in units:
        if unit.located is None:
            flush()
            failed = True
            report.text(unit.unit, "not run, it could not be loaded (see above)")
            continue
        mine: list[Problem] = []
        events: list[Event] | None = parse_events(
            unit.located, unit.path, types, mine, designations,
            getattr(lifecycle, "check_history", None))  # across versions: carries_over
        if events is None:
            flush()
            failed = True
            report.problems(mine, unit.unit, "not run, its events have problems:")
            continue
        window.append((unit, events))
        if len(window) >= _WINDOW:
            flush()
    flush()
    if len(units) > 1:
        report.summary(done, len(units))
    return EXIT_INPUT if failed else EXIT_OK


class _Reporter:
    """Errors on stderr: located text lines, or (``--format json``) one RFC 9457 problem
    document a line, each naming its ``unit`` (the shape the HTTP service answers with)."""

    def __init__(self, err: IO[str], as_json: bool) -> None:
        self.err = err
        self.as_json = as_json

    def _doc(self, doc: dict[str, Any], unit: str | None) -> None:
        if unit is not None:
            doc["unit"] = unit
        self.err.write(json.dumps(doc, ensure_ascii=False) + "\n")

    def problems(self, problems: list[Problem], unit: str | None = None,
                 heading: str | None = None) -> None:
        if not problems:
            return
        if self.as_json:
            self._doc(problem_document(EventsError(problems)), unit)
        else:
            if heading is not None:
                self.err.write(f"unit {unit}: {heading}\n")
            _report(self.err, problems)
        problems.clear()

    def error(self, exc: IpdesignateError, unit: str) -> None:
        if self.as_json:
            self._doc(problem_document(exc), unit)
        else:
            self.err.write(f"unit {unit}: {exc}\n")

    def summary(self, done: int, total: int) -> None:
        text = f"{done} of {total} units done"
        self.err.write(json.dumps({"units": total, "done": done, "detail": text}) + "\n"
                       if self.as_json else text + "\n")

    def text(self, unit: str, message: str) -> None:
        if self.as_json:
            self._doc(document("invalid-events", f"unit {unit}: {message}"), unit)
        else:
            self.err.write(f"unit {unit}: {message}\n")


def _report(err: IO[str], problems: list[Problem]) -> None:
    for p in sorted(problems, key=Problem.sort_key):
        err.write(f"{p}\n")
    problems.clear()
