"""Legal periods, computed as 民法典 第二百零一条–第二百零四条 direct.

- 第二百零一条: the day an event happens is not counted; the period starts the next day.
- 第二百零二条: a period in months or years ends on the corresponding date of the last
  month; where that month has no such date, on the month's last day.
- 第二百零三条: where the last day is a statutory rest day, the period ends on the next
  working day. Applied only where a rulebook says so (``shift=True``), against a
  ``WorkCalendar`` that policy staff keep as data (rulebooks/calendars/).
- Working days (``5 working days``, 公示不少于5个工作日) are counted against the same
  calendar: from the day after the event, the Nth working day is the last day.

A date outside the calendar's years is an error naming the calendar and its years: the
next year's rest days are not known until the State Council publishes them, and a guess
would move deadlines.

So a period of N units that starts on day D ends on ``D + N units`` (dateutil's
relativedelta already clamps 01-31 + 1 month to the month's end), and that day is inside.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .limits import LIMITS

_PERIOD = re.compile(
    r"^\s*(\d+)\s*(working days|working day|day|days|month|months|year|years)\s*$")


@dataclass(frozen=True, slots=True)
class Period:
    """A legal period such as ``30 days``, ``6 months`` or ``3 years``."""

    amount: int
    unit: str  # "days" | "working days" | "months" | "years"

    def __str__(self) -> str:
        one = self.unit[:-1]  # "working days" -> "working day"
        return f"{self.amount} {one if self.amount == 1 else self.unit}"

    @property
    def working(self) -> bool:
        return self.unit == "working days"

    def delta(self) -> relativedelta:
        if self.unit in ("days", "working days"):
            return relativedelta(days=self.amount)
        if self.unit == "months":
            return relativedelta(months=self.amount)
        return relativedelta(years=self.amount)


def _match(text: object) -> Period | None:
    if not isinstance(text, str) or len(text) > 40:
        return None
    m = _PERIOD.match(text)
    if m is None:
        return None
    unit = m.group(2)
    return Period(int(m.group(1)), unit if unit.endswith("s") else unit + "s")


def parse_period(text: object, *, working: bool = False) -> Period | None:
    """``"3 years"`` → Period(3, "years"); None when ``text`` is not a period, or is one
    longer than ``LIMITS`` allow (validation has said why: see ``period_problem``).
    Working days only where the caller counts them against a calendar (``working``)."""
    period = _match(text)
    if period is None or period.amount > LIMITS.max_period(period.unit) or (
            period.working and not working):
        return None
    return period


def period_problem(text: object, *, working: bool = False) -> str | None:
    """Why ``text`` is not an accepted period; None when it is one."""
    period = _match(text)
    if period is not None and period.working and not working:
        return (f"{text!r}: working days are counted only in lifecycle periods, against "
                "the section's calendar; write calendar days here")
    if period is None:
        return (f"{str(text)[:40]!r} is not a period; write it as the law does, e.g. "
                "'30 days', '6 months', '3 years'")
    if period.amount > LIMITS.max_period(period.unit):
        return (f"{text!r} is longer than any period accepted "
                f"({LIMITS.describe_period()}; limit max_period_years)")
    return None


class CalendarRangeError(ValueError):
    """A day outside the years a working-day calendar covers."""


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are rest days, for the years it covers (and only those).

    A day is a rest day when it is listed in ``holidays``, or falls on a weekend and is
    not listed in ``working_days`` (调休: a weekend day made a working day).
    """

    name: str
    first_year: int
    last_year: int
    holidays: frozenset[_dt.date]
    working_days: frozenset[_dt.date]
    source: str = ""
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday

    def years(self) -> str:
        return (str(self.first_year) if self.first_year == self.last_year
                else f"{self.first_year}–{self.last_year}")

    def check(self, day: _dt.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the working-day calendar {self.name!r}, which "
                f"covers {self.years()} only ({self.source or 'no source stated'}); add the "
                f"year {day.year} to the calendar from the official notice — no rest days "
                "are guessed")

    def is_working_day(self, day: _dt.date) -> bool:
        self.check(day)
        if day in self.holidays:
            return False
        return day.weekday() not in self.weekend or day in self.working_days


def _no_calendar(period: Period) -> CalendarRangeError:
    return CalendarRangeError(f"a period of {period} needs a working-day calendar, and none "
                              "is given")


def period_end(start: _dt.date, period: Period, calendar: WorkCalendar | None = None,
               *, shift: bool = False) -> _dt.date:
    """Last day (inclusive) of ``period`` counted from the day after ``start``.

    ``shift``: 第二百零三条 — a last day that is a rest day moves to the next working day.
    Working days and ``shift`` need ``calendar``; a day outside it raises
    ``CalendarRangeError``.
    """
    if period.working:
        if calendar is None:
            raise _no_calendar(period)
        day = start
        left = period.amount
        while left > 0:  # bounded by LIMITS.max_period and the calendar's years
            day += _dt.timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
        return day
    end: _dt.date = start + period.delta()
    if shift:
        if calendar is None:
            raise _no_calendar(period)
        while not calendar.is_working_day(end):
            end += _dt.timedelta(days=1)
    return end


def within_lookback(event: _dt.date, as_of: _dt.date, period: Period) -> bool:
    """True when ``event`` lies in the ``period`` that ends on ``as_of`` (近三年内).

    An event is inside when it is not after ``as_of`` and the period counted from it
    has not ended before ``as_of``: 以内 includes the boundary day.
    """
    if period.working:  # needs a calendar: period_end says so
        return event <= as_of and period_end(event, period) >= as_of
    return lookback_start(as_of, period) <= event <= as_of


_STARTS: dict[tuple[_dt.date, Period], _dt.date] = {}


def lookback_start(as_of: _dt.date, period: Period) -> _dt.date:
    """The first day of the look-back ``period`` ending on ``as_of``: the earliest day
    from which the period counted has not ended before ``as_of``.

    A period's end never moves back when its start moves forward (the month-end rule
    only clamps), so the days inside form one run ending on ``as_of``: its first day is
    found once per (date, period) and each event is compared with it, instead of
    calendar arithmetic per event.
    """
    key = (as_of, period)
    hit = _STARTS.get(key)
    if hit is not None:
        return hit
    delta, one = period.delta(), _dt.timedelta(days=1)
    try:
        day: _dt.date = as_of - delta
        while day + delta < as_of:
            day += one
        while day - one + delta >= as_of:
            day -= one
    except OverflowError:  # before year 1: every day up to as_of is inside
        day = _dt.date.min
    if len(_STARTS) > 4096:
        _STARTS.clear()
    _STARTS[key] = day
    return day


def completed(start: _dt.date, as_of: _dt.date, period: Period) -> bool:
    """True when ``period`` counted from ``start`` is complete on ``as_of`` (一年以上)."""
    return period_end(start, period) <= as_of
