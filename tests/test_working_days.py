"""Periods in working days and the 第二百零三条 shift, against a calendar kept as data."""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
from pathlib import Path

import pytest

from ipdesignate._core.periods import (
    CalendarRangeError,
    Period,
    parse_period,
    period_end,
    period_problem,
)
from ipdesignate.cli.main import main
from ipdesignate.lifecycle.calendar import load_calendar

D = _dt.date
HERE = Path(__file__).parent / "lifecycle"
SECTION = str(HERE / "working-days-section.yaml")


def _calendar():  # type: ignore[no-untyped-def]
    problems: list = []  # type: ignore[type-arg]
    cal = load_calendar("cn-mainland", None, problems)
    assert cal is not None, problems
    return cal


def _timeline(tmp_path: Path, events: str, *argv: str,
              section: str = SECTION) -> tuple[int, str, str]:
    f = tmp_path / "unit.yaml"
    f.write_text("unit: u1\nevents:\n" + events, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["timeline", str(f), "--rulebook", section, *argv])
    return code, out.getvalue(), err.getvalue()


def test_parse_working_days_only_where_counted() -> None:
    assert parse_period("5 working days", working=True) == Period(5, "working days")
    assert str(Period(1, "working days")) == "1 working day"
    # criteria count calendar days: there a working-day period is refused, with why
    assert parse_period("5 working days") is None
    assert "working days" in (period_problem("5 working days") or "")
    assert period_problem("5 working days", working=True) is None


def test_working_days_skip_holidays_and_count_adjusted_days() -> None:
    cal = _calendar()
    five = Period(5, "working days")
    # the event day is not counted (第二百零一条): Mon 2024-03-04 → Mon..Fri after it
    assert period_end(D(2024, 3, 4), five, cal) == D(2024, 3, 11)
    # Fri 2024-09-27: Sun 09-29 is a 调休 working day, 10-01..07 are holidays
    assert period_end(D(2024, 9, 27), five, cal) == D(2024, 10, 10)
    # an event on a holiday: counting starts with the first working day after it
    assert period_end(D(2025, 10, 1), Period(1, "working days"), cal) == D(2025, 10, 9)
    assert cal.is_working_day(D(2025, 10, 11)) and not cal.is_working_day(D(2025, 10, 8))


def test_holiday_shift_only_when_asked() -> None:
    cal = _calendar()
    thirty = Period(30, "days")
    assert period_end(D(2024, 9, 1), thirty, cal) == D(2024, 10, 1)  # no shift asked
    assert period_end(D(2024, 9, 1), thirty, cal, shift=True) == D(2024, 10, 8)
    # a last day on an ordinary Saturday moves to Monday; a working day stays
    assert period_end(D(2024, 3, 2), Period(7, "days"), cal, shift=True) == D(2024, 3, 11)
    assert period_end(D(2024, 3, 4), Period(7, "days"), cal, shift=True) == D(2024, 3, 11)


def test_beyond_the_calendar_is_an_error_naming_it() -> None:
    cal = _calendar()
    with pytest.raises(CalendarRangeError, match=r"'cn-mainland'.*2023–2026"):
        period_end(D(2026, 12, 28), Period(5, "working days"), cal)
    with pytest.raises(CalendarRangeError, match="2023–2026"):
        period_end(D(2022, 12, 1), Period(5, "working days"), cal)
    with pytest.raises(CalendarRangeError, match="needs a working-day calendar"):
        period_end(D(2024, 1, 1), Period(5, "working days"))


def test_timeline_counts_working_days_and_shifts(tmp_path: Path) -> None:
    code, out, err = _timeline(tmp_path, (
        "  - {id: e2, type: change, date: 2024-09-01, designation: d}\n"
        "  - {id: e1, type: proposed, date: 2024-09-27, designation: d}\n"))
    assert code == 0, err
    assert "obligation change_report [d]: 2024-09-01 – (due 2024-10-08)" in out
    assert "period publicity [d]: 2024-09-27 – 2024-10-10" in out
    assert "status valid [d]: 2024-10-11" in out


def test_timeline_beyond_the_calendar_fails_cleanly(tmp_path: Path) -> None:
    code, _, err = _timeline(
        tmp_path, "  - {id: e1, type: proposed, date: 2026-12-28, designation: d}\n")
    assert code == 1
    assert "cn-mainland" in err and "2023–2026" in err and "publicity" in err
    assert "Traceback" not in err


def test_working_days_without_a_calendar_is_a_located_error(tmp_path: Path) -> None:
    text = Path(SECTION).read_text(encoding="utf-8").replace("  calendar: cn-mainland\n", "")
    section = tmp_path / "section.yaml"
    section.write_text(text, encoding="utf-8")
    code, _, err = _timeline(
        tmp_path, "  - {id: e1, type: proposed, date: 2024-01-02, designation: d}\n",
        section=str(section))
    assert code == 1
    assert "section.yaml:23:" in err and "names none" in err
    assert "if_last_day_is_holiday" in err


def test_unknown_calendar_is_a_located_error(tmp_path: Path) -> None:
    text = Path(SECTION).read_text(encoding="utf-8").replace("cn-mainland", "nowhere")
    section = tmp_path / "section.yaml"
    section.write_text(text, encoding="utf-8")
    code, _, err = _timeline(
        tmp_path, "  - {id: e1, type: proposed, date: 2024-01-02, designation: d}\n",
        section=str(section))
    assert code == 1
    assert "section.yaml:16:" in err and "no working-day calendar 'nowhere'" in err


def test_calendar_next_to_the_rulebook_is_used_and_checked(tmp_path: Path) -> None:
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "cn-mainland.yaml").write_text(
        "calendar: cn-mainland\ntext: {zh: 测试, en: test}\nsource: test\nyears:\n"
        "  2030:\n    notice: test\n    holidays: []\n    working_days: [2030-01-02]\n",
        encoding="utf-8")
    section = tmp_path / "section.yaml"
    section.write_text(Path(SECTION).read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = _timeline(
        tmp_path, "  - {id: e1, type: proposed, date: 2030-03-01, designation: d}\n",
        section=str(section))
    assert code == 1
    assert "calendars/cn-mainland.yaml:" in err and "2030-01-02 is not a weekend day" in err


def test_the_2026_notice_as_published() -> None:
    """国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): 春节 2月15日至23日, 9 days;
    2月14日、2月28日 (Saturdays) and 1月4日 (a Sunday) are working days."""
    cal = _calendar()
    assert not any(cal.is_working_day(D(2026, 2, day)) for day in range(15, 24))
    assert all(cal.is_working_day(d) for d in (D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)))
    assert not cal.is_working_day(D(2026, 10, 7)) and cal.is_working_day(D(2026, 10, 10))
