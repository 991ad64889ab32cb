"""Recurring obligations (every: PERIOD) and the rule that the event opening an obligation
never meets it, through the ``timeline`` command as users run it."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from ipdesignate.cli.main import main

SECTION = str(Path(__file__).parent / "lifecycle" / "recurring-section.yaml")
DESIGNATED = "  - {id: d1, type: designated, date: 2020-03-10, designation: d}\n"


def _timeline(tmp_path: Path, events: str, *argv: str) -> tuple[int, str, str]:
    f = tmp_path / "unit.yaml"
    f.write_text("unit: u1\nevents:\n" + events, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["timeline", str(f), "--rulebook", SECTION, *argv])
    return code, out.getvalue(), err.getvalue()


def _facts(tmp_path: Path, events: str) -> list[dict[str, Any]]:
    code, out, err = _timeline(tmp_path, events, "--format", "json")
    assert code == 0, err
    facts: list[dict[str, Any]] = json.loads(out)["facts"]
    return facts


def _cycles(facts: list[dict[str, Any]]) -> list[tuple[str, str, str | None, str | None]]:
    return [(f["start"], f["due"], f["closed"], f["closed_by"]) for f in facts
            if f["name"] == "annual_assessment"]


def test_one_instance_a_year_while_valid(tmp_path: Path) -> None:
    facts = _facts(tmp_path, DESIGNATED + (
        "  - {id: a1, type: assessment, date: 2021-02-01, designation: d}\n"
        "  - {id: a2, type: assessment, date: 2022-02-01, designation: d}\n"
        "  - {id: a3, type: assessment, date: 2023-02-01, designation: d}\n"))
    # three cycles in a three-year term, each due on the corresponding day; the term's
    # last day (2023-03-10) opens no fourth cycle
    assert _cycles(facts) == [
        ("2020-03-10", "2021-03-10", "2021-02-01", "a1"),
        ("2021-03-10", "2022-03-10", "2022-02-01", "a2"),
        ("2022-03-10", "2023-03-10", "2023-02-01", "a3"),
    ]
    assert not [f for f in facts if f["kind"] == "breach"]


def test_each_event_meets_one_instance_the_earliest_open(tmp_path: Path) -> None:
    # two assessments in the first cycle: the second cannot count for a cycle that has
    # not opened yet (it stays unused)
    facts = _facts(tmp_path, DESIGNATED + (
        "  - {id: a1, type: assessment, date: 2020-06-01, designation: d}\n"
        "  - {id: a2, type: assessment, date: 2020-07-01, designation: d}\n"
        "  - {id: a3, type: assessment, date: 2021-03-10, designation: d}\n"))
    cycles = _cycles(facts)
    assert cycles[0][2:] == ("2020-06-01", "a1")
    # on the boundary day 2021-03-10 both the first (due that day) and the second cycle
    # are open; the first is met already, so a3 meets the second — only one of them
    assert cycles[1] == ("2021-03-10", "2022-03-10", "2021-03-10", "a3")
    assert cycles[2][2] is None
    breaches = [f["start"] for f in facts if f["name"] == "assessment_missed"]
    assert breaches == ["2023-03-11"]


def test_a_late_event_meets_the_overdue_cycle_not_the_new_one(tmp_path: Path) -> None:
    facts = _facts(tmp_path, DESIGNATED + (
        "  - {id: a1, type: assessment, date: 2021-04-01, designation: d}\n"))
    cycles = _cycles(facts)
    assert cycles[0][2:] == ("2021-04-01", "a1")  # met late: the breach stays
    assert cycles[1][2] is None
    assert next(f["start"] for f in facts if f["name"] == "assessment_missed") == "2021-03-11"


def test_recurrence_stops_when_the_designation_ends_and_at_the_history(
        tmp_path: Path) -> None:
    # history ends in 2020: instances open up to the first one after the last event
    facts = _facts(tmp_path, DESIGNATED)
    assert [c[0] for c in _cycles(facts)] == ["2020-03-10", "2021-03-10"]
    code, out, _ = _timeline(tmp_path, DESIGNATED, "--on", "2021-06-01")
    assert code == 0 and "annual_assessment" in out


def test_the_opening_event_never_meets_its_obligation(tmp_path: Path) -> None:
    facts = _facts(tmp_path, DESIGNATED + (
        "  - {id: r1, type: review, date: 2020-05-01, designation: d, details: {result: pass}}\n"
        "  - {id: r2, type: review, date: 2023-04-01, designation: d, details: {result: pass}}\n"))
    reviews = [(f["start"], f["due"], f["closed_by"]) for f in facts
               if f["name"] == "next_review"]
    # r1 opens the first re-review and does not meet it; r2 meets it and opens the next
    assert reviews == [("2020-05-01", "2023-05-01", "r2"), ("2023-04-01", "2026-04-01", None)]


def test_every_in_working_days_needs_a_calendar(tmp_path: Path) -> None:
    section = tmp_path / "section.yaml"
    section.write_text(Path(SECTION).read_text(encoding="utf-8").replace(
        "every: 1 year", "every: 20 working days"), encoding="utf-8")
    f = tmp_path / "unit.yaml"
    f.write_text("unit: u1\nevents:\n" + DESIGNATED, encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["timeline", str(f), "--rulebook", str(section)])
    assert code == 1
    assert "section.yaml:33:" in err.getvalue() and "names none" in err.getvalue()


def test_cycles_are_derived_up_to_the_date_asked_about(tmp_path: Path) -> None:
    # the history ends in 2020, the question is asked in mid-2022: the 2022 cycle is open
    # and the two before it are overdue, in text and in JSON (not cut at the last event)
    code, out, err = _timeline(tmp_path, DESIGNATED, "--on", "2022-06-01")
    assert code == 0, err
    lines = [x for x in out.splitlines() if "annual_assessment:" in x]
    assert [x.split(":")[1].split(",")[0].strip() for x in lines] == [
        "overdue", "overdue", "open"]
    assert "due 2023-03-10" in lines[2]
    code, out, err = _timeline(tmp_path, DESIGNATED, "--on", "2022-06-01", "--format", "json")
    assert code == 0, err
    states = [(o["fact"]["start"], o["state"]) for o in json.loads(out)["obligations"]
              if o["fact"]["name"] == "annual_assessment"]
    assert states == [("2020-03-10", "overdue"), ("2021-03-10", "overdue"),
                      ("2022-03-10", "open")]
    # far beyond: the three-year term still ends the duty (three cycles, not one a year
    # up to the date asked about)
    code, out, err = _timeline(tmp_path, DESIGNATED, "--on", "2040-01-01", "--format", "json")
    assert code == 0, err
    starts = [o["fact"]["start"] for o in json.loads(out)["obligations"]
              if o["fact"]["name"] == "annual_assessment"]
    assert starts == ["2020-03-10", "2021-03-10", "2022-03-10"]
