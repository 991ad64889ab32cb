"""Legal periods (民法典 第二百零一条–第二百零四条) as the lifecycle rules count them."""

from __future__ import annotations

import datetime as _dt

from hypothesis import given
from hypothesis import strategies as st

from ipdesignate._core.periods import Period, completed, parse_period, period_end, within_lookback

D = _dt.date


def test_parse() -> None:
    assert parse_period("30 days") == Period(30, "days")
    assert parse_period("1 year") == Period(1, "years")
    assert parse_period("12 months") == Period(12, "months")
    assert parse_period("half a year") is None and parse_period(3) is None
    assert str(Period(1, "years")) == "1 year" and str(Period(7, "days")) == "7 days"


def test_start_day_not_counted() -> None:
    # 第二百零一条: 30 days from 1 May run 2 May – 31 May.
    assert period_end(D(2020, 5, 1), Period(30, "days")) == D(2020, 5, 31)
    assert period_end(D(2021, 3, 1), Period(7, "days")) == D(2021, 3, 8)


def test_corresponding_date_and_month_end() -> None:
    # 第二百零二条: a period in months/years ends on the corresponding date …
    assert period_end(D(2021, 1, 10), Period(6, "months")) == D(2021, 7, 10)
    assert period_end(D(2019, 12, 10), Period(3, "years")) == D(2022, 12, 10)
    # … or on the month's last day when there is no such date.
    assert period_end(D(2021, 8, 31), Period(6, "months")) == D(2022, 2, 28)
    assert period_end(D(2020, 2, 29), Period(1, "years")) == D(2021, 2, 28)
    assert period_end(D(2023, 2, 28), Period(1, "years")) == D(2024, 2, 28)
    assert period_end(D(2019, 1, 31), Period(12, "months")) == D(2020, 1, 31)


def test_boundaries_day_before_day_after() -> None:
    start, three = D(2021, 5, 10), Period(3, "years")
    assert completed(start, D(2024, 5, 10), three)
    assert not completed(start, D(2024, 5, 9), three)
    assert within_lookback(D(2021, 5, 10), D(2024, 5, 10), three)
    assert not within_lookback(D(2021, 5, 10), D(2024, 5, 11), three)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)),
       st.integers(min_value=1, max_value=60),
       st.sampled_from(["days", "months", "years"]))
def test_period_end_properties(start: _dt.date, amount: int, unit: str) -> None:
    end = period_end(start, Period(amount, unit))
    assert end > start
    if unit == "days":
        assert (end - start).days == amount
    else:
        months = amount * (12 if unit == "years" else 1)
        assert (end.year - start.year) * 12 + end.month - start.month == months
        assert end.day == start.day or (end.day < start.day
                                        and (end + _dt.timedelta(days=1)).day == 1)


@given(st.dates(min_value=_dt.date(1990, 1, 1), max_value=_dt.date(2100, 12, 31)),
       st.dates(min_value=_dt.date(1990, 1, 1), max_value=_dt.date(2100, 12, 31)),
       st.integers(min_value=1, max_value=40), st.sampled_from(["days", "months", "years"]))
def test_lookback_start_agrees_with_counting_from_each_event(
        event: _dt.date, as_of: _dt.date, amount: int, unit: str) -> None:
    """within_lookback compares with one start date; counting the period from the event
    (the definition) gives the same answer, month ends and leap days included."""
    period = Period(amount, unit)
    for day in (event, as_of - (as_of - event) // 2, as_of.replace(day=1)):
        assert within_lookback(day, as_of, period) == (
            day <= as_of and period_end(day, period) >= as_of), (day, as_of, period)


def test_lookback_start_at_month_ends_and_leap_days() -> None:
    from ipdesignate._core.periods import lookback_start

    three = Period(3, "years")
    assert lookback_start(_dt.date(2023, 2, 28), three) == _dt.date(2020, 2, 28)
    assert lookback_start(_dt.date(2024, 2, 29), three) == _dt.date(2021, 3, 1)
    one = Period(1, "months")
    assert lookback_start(_dt.date(2024, 2, 29), one) == _dt.date(2024, 1, 29)
    assert lookback_start(_dt.date(2024, 2, 28), one) == _dt.date(2024, 1, 28)
