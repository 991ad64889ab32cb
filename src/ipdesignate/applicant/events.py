"""Dated events in a unit's history: findings, penalties, designations, reports.

``Event`` is the record shared with the eligibility profiles. ``check_history`` checks a
history against the rulebook's event types (known type, the fields it declares, dates in
order, an earlier event where the type needs one) and ``parse_events`` builds events from
a loaded file, so every problem is reported at its line and column.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from .._core.errors import Path, Problem
from .._core.limits import Day, as_date, date_problem

if TYPE_CHECKING:
    from .._core.yaml import Located
    from ..rulebook.lifecycle_model import EventType, FieldSpec


class Event(BaseModel):
    """One dated event. ``id`` makes two otherwise equal events distinct."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    date: Day
    designation: str | None = None
    details: dict[str, Any] = {}
    ref: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class HistoryIssue:
    """A problem in a history: which event (index), which key, what was wrong."""

    index: int
    key: tuple[str, ...]
    message: str
    expected: str | None = None
    found: str | None = None


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_issue(name: str, spec: "FieldSpec", value: Any,
                 designations: frozenset[str] | None) -> tuple[str, str, str] | None:
    """(message, expected, found) when ``value`` does not fit ``spec``; None when it does."""
    if spec.type == "choice":
        assert spec.choice is not None
        if not isinstance(value, str) or value not in spec.choice:
            return (f"detail {name!r} has a value this event type does not allow",
                    "one of " + ", ".join(spec.choice), _show(value))
    elif spec.type == "date":
        if not isinstance(value, _dt.date):
            return (f"detail {name!r} is not a date", "a calendar date YYYY-MM-DD",
                    _show(value))
    elif spec.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return (f"detail {name!r} is not a number", "a number", _show(value))
    elif spec.type == "designation":
        if not isinstance(value, str) or (designations is not None
                                          and value not in designations):
            return (f"detail {name!r} is not a designation of this measure",
                    "one of " + ", ".join(sorted(designations or ())), _show(value))
    elif not isinstance(value, str) or not value.strip():
        return (f"detail {name!r} is not text", "non-empty text", _show(value))
    return None


def check_history(
    events: Sequence[Event],
    event_types: Mapping[str, "EventType"],
    designations: frozenset[str] | None = None,
) -> list[HistoryIssue]:
    """Every way ``events`` does not fit ``event_types``; an empty list when it fits."""
    issues: list[HistoryIssue] = []
    seen_ids: dict[str, int] = {}
    seen: list[Event] = []
    previous: _dt.date | None = None
    for i, ev in enumerate(events):
        if ev.id in seen_ids:
            issues.append(HistoryIssue(i, ("id",), f"event id {ev.id!r} is used twice",
                                       "a unique id per event",
                                       f"also on event {seen_ids[ev.id] + 1}"))
        seen_ids.setdefault(ev.id, i)
        # Same-day events are processed in the listed order, so the list must be in date
        # order for that order to mean anything.
        if previous is not None and ev.date < previous:
            issues.append(HistoryIssue(i, ("date",), "event is out of date order",
                                       f"a date on or after {previous.isoformat()}",
                                       ev.date.isoformat()))
        previous = ev.date if previous is None else max(previous, ev.date)
        etype = event_types.get(ev.type)
        if etype is None:
            issues.append(HistoryIssue(i, ("type",), f"unknown event type {ev.type!r}",
                                       "one of " + ", ".join(sorted(event_types)),
                                       _show(ev.type)))
            seen.append(ev)
            continue
        if etype.designation == "required" and ev.designation is None:
            issues.append(HistoryIssue(i, ("designation",),
                                       f"event type {ev.type!r} needs a designation",
                                       "one of " + ", ".join(sorted(designations or ())),
                                       "nothing"))
        elif etype.designation == "none" and ev.designation is not None:
            issues.append(HistoryIssue(i, ("designation",),
                                       f"event type {ev.type!r} takes no designation",
                                       "no 'designation' key", _show(ev.designation)))
        elif (ev.designation is not None and designations is not None
              and ev.designation not in designations):
            issues.append(HistoryIssue(i, ("designation",), "unknown designation",
                                       "one of " + ", ".join(sorted(designations)),
                                       _show(ev.designation)))
        for name, spec in etype.fields.items():
            if name not in ev.details or ev.details[name] is None:
                if spec.required:
                    issues.append(HistoryIssue(
                        i, ("details",), f"missing detail {name!r} of event type {ev.type!r}",
                        _describe(spec), "nothing"))
                continue
            bad = _field_issue(name, spec, ev.details[name], designations)
            if bad is not None:
                issues.append(HistoryIssue(i, ("details", name), *bad))
        for name in ev.details:
            if name not in etype.fields:
                issues.append(HistoryIssue(
                    i, ("details", name), f"event type {ev.type!r} has no detail {name!r}",
                    "one of " + (", ".join(etype.fields) or "(no details)"), _show(name)))
        if etype.after and not any(
            e.type in etype.after and (ev.designation is None or e.designation is None
                                       or e.designation == ev.designation)
            for e in seen
        ):
            issues.append(HistoryIssue(
                i, ("type",), f"event type {ev.type!r} needs an earlier event",
                "an earlier " + " or ".join(repr(t) for t in etype.after)
                + (f" for {ev.designation!r}" if ev.designation else ""),
                "none before it"))
        seen.append(ev)
    return issues


def _describe(spec: "FieldSpec") -> str:
    if spec.type == "choice":
        assert spec.choice is not None
        return "one of " + ", ".join(spec.choice)
    return {"date": "a calendar date YYYY-MM-DD", "number": "a number",
            "designation": "a designation id"}.get(spec.type, "text")


EVENT_KEYS = ("id", "type", "date", "designation", "details", "ref", "note")


def parse_events(
    located: "Located",
    path: Path,
    event_types: Mapping[str, "EventType"],
    problems: list[Problem],
    designations: frozenset[str] | None = None,
    check: Callable[[Sequence[Event], Mapping[str, "EventType"], frozenset[str] | None],
                    list[HistoryIssue]] | None = None,
) -> list[Event] | None:
    """Events from the list at ``path`` in ``located``; None (and problems) when any is bad.
    ``check`` replaces ``check_history`` (a history read across versions checks its old
    events against the old version)."""
    raw: Any = located.data
    for step in path:
        raw = raw[step]
    if not isinstance(raw, list):
        problems.append(located.problem(path, "'events' is not a list",
                                        expected="a list of events", found=_kind(raw)))
        return None
    before = len(problems)
    events: list[Event] = []
    where: list[Path] = []
    for i, item in enumerate(raw):
        at: Path = (*path, i)
        event = _one_event(located, at, item, problems)
        if event is not None:
            events.append(event)
            where.append(at)
    for issue in (check or check_history)(events, event_types, designations):
        at = where[issue.index]
        problems.append(located.problem((*at, *issue.key), issue.message,
                                        expected=issue.expected, found=issue.found))
    return events if len(problems) == before else None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _show(value)


def _one_event(located: "Located", at: Path, item: Any, problems: list[Problem]) -> Event | None:
    if not isinstance(item, dict):
        problems.append(located.problem(at, "an event is not a mapping",
                                        expected="a mapping with id, type, date",
                                        found=_kind(item)))
        return None
    ok = True
    for key in item:
        if key not in EVENT_KEYS:
            problems.append(located.problem((*at, key), f"unknown event key {key!r}", key=True,
                                            expected="one of " + ", ".join(EVENT_KEYS),
                                            found=_show(key)))
            ok = False
    for key in ("id", "type"):
        value = item.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and key == "id":
            item = {**item, "id": str(value)}
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(located.problem((*at, key) if key in item else at,
                                            f"event {key!r} is missing or empty",
                                            expected="non-empty text",
                                            found="nothing" if value is None else _show(value)))
            ok = False
    date = item.get("date")
    if isinstance(date, str):
        try:  # exactly YYYY-MM-DD, as the schema says (fromisoformat also takes 20240315)
            date = as_date(date)
        except ValueError as exc:
            date = None
            problems.append(located.problem(
                (*at, "date"), f"the event date cannot be parsed: {exc}",
                expected="a calendar date YYYY-MM-DD", found=_show(item["date"])))
            ok = False
    elif not isinstance(date, _dt.date):
        problems.append(located.problem((*at, "date") if "date" in item else at,
                                        "the event date is missing or not a date",
                                        expected="a calendar date YYYY-MM-DD",
                                        found="nothing" if date is None else _show(date)))
        ok = False
    if isinstance(date, _dt.date) and (why := date_problem(date)) is not None:
        problems.append(located.problem((*at, "date"), why))
        ok = False
    details = item.get("details", {})
    if details is None:
        details = {}
    if not isinstance(details, dict):
        problems.append(located.problem((*at, "details"), "'details' is not a mapping",
                                        expected="a mapping of detail names to values",
                                        found=_kind(details)))
        ok = False
    else:
        # JSON has no date type: a date detail given as text is read as a date.
        details = {k: _maybe_date(v) for k, v in details.items()}
    for key in ("designation", "ref", "note"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(located.problem((*at, key), f"event {key!r} is not text",
                                            expected="text", found=_show(value)))
            ok = False
    if not ok:
        return None
    return Event(id=item["id"], type=item["type"], date=date, designation=item.get("designation"),
                 details=details, ref=item.get("ref"), note=item.get("note"))


def _maybe_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            return value
        return day if date_problem(day) is None else value
    return value
