"""Working-day calendars: the YAML files under ``rulebooks/calendars/``, kept as data.

A lifecycle section names its calendar (``lifecycle: {calendar: NAME}``); the file
``calendars/NAME.yaml`` is looked for next to the rulebook (the rulebook's folder, then
its parent's — the layout of ``rulebooks/``), then in the law shipped with the package.
The file states its source and the years it covers; ``_core.periods`` refuses any day
outside them.
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from pathlib import Path as FsPath

from pydantic import Field, model_validator

from .._core.errors import Problem
from .._core.periods import WorkCalendar
from .._core.validate import ErrorAt, validate
from .._core.yaml import Located, load_file
from ..rulebook.base import Strict, Text

CALENDAR_DIR = "calendars"


class DayRun(Strict):
    """One named run of rest days, ``from`` – ``to`` (both included; ``to`` defaults to
    ``from``)."""

    name: str
    from_: _dt.date = Field(alias="from")
    to: _dt.date | None = None

    def days(self) -> list[_dt.date]:
        last = self.to or self.from_
        return [self.from_ + _dt.timedelta(days=i)
                for i in range((last - self.from_).days + 1)]


class CalendarYear(Strict):
    notice: str  # the official notice this year is copied from
    holidays: tuple[DayRun, ...]
    working_days: tuple[_dt.date, ...] = ()


class CalendarFile(Strict):
    calendar: str
    text: Text
    source: str
    years: dict[int, CalendarYear] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> CalendarFile:
        # each error names the key or value it is about (ErrorAt), so it is reported at
        # that line of the file, not at the top of it
        years = sorted(self.years)
        gaps = [y for y in range(years[0], years[-1] + 1) if y not in self.years]
        if gaps:
            after = max(y for y in years if y < gaps[0])
            raise ErrorAt(("years", min(y for y in years if y > gaps[0])),
                          f"the years must follow each other without a gap: {gaps[0]} is "
                          f"missing between {after} and the next year listed", key=True,
                          found=", ".join(map(str, years)))
        for year, data in self.years.items():
            for i, run in enumerate(data.holidays):
                if run.to is not None and run.to < run.from_:
                    raise ErrorAt(("years", year, "holidays", i, "to"),
                                  f"{year}: {run.name} ends before it starts "
                                  f"({run.from_.isoformat()})", found=run.to.isoformat())
                for d in run.days():
                    if d.year != year:
                        key = "to" if run.to is not None and d.year == run.to.year else "from"
                        raise ErrorAt(("years", year, "holidays", i, key),
                                      f"{d.isoformat()} is listed under {year}",
                                      found=d.isoformat())
            for j, d in enumerate(data.working_days):
                if d.year != year:
                    raise ErrorAt(("years", year, "working_days", j),
                                  f"{d.isoformat()} is listed under {year}",
                                  found=d.isoformat())
            holidays = {d: i for i, run in enumerate(data.holidays) for d in run.days()}
            for j, d in enumerate(data.working_days):
                if d in holidays:
                    raise ErrorAt(("years", year, "working_days", j),
                                  f"{year}: {d.isoformat()} is both a holiday "
                                  f"({data.holidays[holidays[d]].name}) and a working day",
                                  found=d.isoformat())
                if d.weekday() < 5:
                    raise ErrorAt(("years", year, "working_days", j),
                                  f"working day {d.isoformat()} is not a weekend day: only a "
                                  "weekend day can be made a working day", found=d.isoformat())
        return self

    def to_calendar(self) -> WorkCalendar:
        years = sorted(self.years)
        return WorkCalendar(
            name=self.calendar, first_year=years[0], last_year=years[-1],
            holidays=frozenset(d for y in self.years.values() for run in y.holidays
                               for d in run.days()),
            working_days=frozenset(d for y in self.years.values() for d in y.working_days),
            source=self.source)


def _candidates(name: str, near: str | None) -> list[FsPath]:
    out: list[FsPath] = []
    if near is not None and not near.startswith("<"):
        here = FsPath(near).resolve().parent
        out += [here / CALENDAR_DIR / f"{name}.yaml", here.parent / CALENDAR_DIR / f"{name}.yaml"]
    out.append(FsPath(str(resources.files("ipdesignate") / "law")) / CALENDAR_DIR
               / f"{name}.yaml")
    return out


def load_calendar(name: str, near: str | None, problems: list[Problem], *,
                  located_by: Located | None = None,
                  at: tuple[str, ...] = ("lifecycle", "calendar")) -> WorkCalendar | None:
    """The calendar called ``name``, or None with the reason (located) in ``problems``.

    ``near`` is the file that names it; ``located_by`` that file loaded, to locate a
    missing calendar at ``at``."""
    tried = _candidates(name, near)
    for path in tried:
        if path.is_file():
            located: Located | None = load_file(path, problems)
            if located is None:
                return None
            model = validate(CalendarFile, located, problems)
            if model is None:
                return None
            if model.calendar != name:
                problems.append(located.problem(
                    ("calendar",), f"the file {path.name} names calendar {model.calendar!r}",
                    expected=name, found=model.calendar))
                return None
            return model.to_calendar()
    message = (f"no working-day calendar {name!r}: looked for "
               + ", ".join(str(p) for p in tried))
    expected = f"a file {CALENDAR_DIR}/{name}.yaml"
    if located_by is not None:
        problems.append(located_by.problem(at, message, expected=expected, found=name))
    else:
        problems.append(Problem(near or "<rulebook>", None, None, message, at, expected, name))
    return None
