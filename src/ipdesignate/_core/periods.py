"""Legal periods, computed as 民法典 第二百零一条–第二百零四条 direct.

- 第二百零一条: the day an event happens is not counted; the period starts the next day.
- 第二百零二条: a period in months or years ends on the corresponding date of the last
  month; where that month has no such date, on the month's last day.
- 第二百零三条 (holidays move the last day) is not applied: no official holiday calendar
  is bundled, and a rulebook that needs it must say so. Documented in docs/rulebook.md.

So a period of N units that starts on day D ends on ``D + N units`` (dateutil's
relativedelta already clamps 01-31 + 1 month to the month's end), and that day is inside.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .limits import LIMITS

_PERIOD = re.compile(r"^\s*(\d+)\s*(day|days|month|months|year|years)\s*$")


@dataclass(frozen=True, slots=True)
class Period:
    """A legal period such as ``30 days``, ``6 months`` or ``3 years``."""

    amount: int
    unit: str  # "days" | "months" | "years"

    def __str__(self) -> str:
        one = self.unit[:-1]
        return f"{self.amount} {one if self.amount == 1 else self.unit}"

    def delta(self) -> relativedelta:
        if self.unit == "days":
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


def parse_period(text: object) -> Period | None:
    """``"3 years"`` → Period(3, "years"); None when ``text`` is not a period, or is one
    longer than ``LIMITS`` allow (validation has said why: see ``period_problem``)."""
    period = _match(text)
    if period is None or period.amount > LIMITS.max_period(period.unit):
        return None
    return period


def period_problem(text: object) -> str | None:
    """Why ``text`` is not an accepted period; None when it is one."""
    period = _match(text)
    if period is None:
        return (f"{str(text)[:40]!r} is not a period; write it as the law does, e.g. "
                "'30 days', '6 months', '3 years'")
    if period.amount > LIMITS.max_period(period.unit):
        return (f"{text!r} is longer than any period accepted "
                f"({LIMITS.describe_period()}; limit max_period_years)")
    return None


def period_end(start: _dt.date, period: Period) -> _dt.date:
    """Last day (inclusive) of ``period`` counted from the day after ``start``."""
    end: _dt.date = start + period.delta()
    return end


def within_lookback(event: _dt.date, as_of: _dt.date, period: Period) -> bool:
    """True when ``event`` lies in the ``period`` that ends on ``as_of`` (近三年内).

    An event is inside when it is not after ``as_of`` and the period counted from it
    has not ended before ``as_of``: 以内 includes the boundary day.
    """
    return event <= as_of and period_end(event, period) >= as_of


def completed(start: _dt.date, as_of: _dt.date, period: Period) -> bool:
    """True when ``period`` counted from ``start`` is complete on ``as_of`` (一年以上)."""
    return period_end(start, period) <= as_of
