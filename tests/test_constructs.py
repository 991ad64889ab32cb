"""Constructs revisions use: conditions on the date of an event, in eligibility."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ipdesignate import RulebookError, load_rulebook, parse_profile
from tests.conftest import DEMO

PROFILE = {"kind": "unit", "name": "X", "entity_type": "enterprise"}


def _demo(tmp_path: Path, count: str) -> Path:
    (tmp_path / "good").mkdir()
    shutil.copy(DEMO.parent.parent / "source.zh.txt", tmp_path / "source.zh.txt")
    text = DEMO.read_text("utf-8").replace(
        "measure: {count: [intentional_infringement_finding], within: 3 years}", count)
    path = tmp_path / "good" / "demo.yaml"
    path.write_text(text, "utf-8")
    return path


def _finding(day: str) -> dict[str, object]:
    return {**PROFILE, "events": [{"id": "f", "type": "intentional_infringement_finding",
                                   "date": dt.date.fromisoformat(day)}]}


@pytest.mark.parametrize(("bound", "day", "status"), [
    ("from: effective", "2019-12-31", "pass"),    # before the version took effect: not counted
    ("from: effective", "2020-01-01", "fail"),    # from its first day on: counted
    ("before: 2020-06-01", "2020-05-31", "fail"),
    ("before: 2020-06-01", "2020-06-01", "pass"),  # before excludes the day itself
])
def test_count_only_events_dated_before_or_from_a_day(tmp_path: Path, bound: str, day: str,
                                                       status: str) -> None:
    rb = load_rulebook(_demo(tmp_path, "measure: {count: [intentional_infringement_finding], "
                                       f"within: 3 years, {bound}}}"))
    d = rb.evaluate(parse_profile(_finding(day)), "unit_demo", dt.date(2021, 6, 1))
    crit = d.criterion("no_infringement")
    assert crit.status == status
    assert "2020-" in " ".join(crit.trace.inputs)  # the bound is shown


def test_a_date_bound_that_is_not_a_date_is_located(tmp_path: Path) -> None:
    with pytest.raises(RulebookError) as info:
        load_rulebook(_demo(tmp_path, "measure: {count: [intentional_infringement_finding], "
                                      "within: 3 years, before: soon}"))
    assert any(p.line == 73 and "before" in str(p) for p in info.value.problems)


def test_an_outcome_of_a_later_criterion_reads_it_as_not_yet_decided(tmp_path: Path) -> None:
    """A criterion whose check reads the outcome of a criterion decided after it sees no
    outcome (it fails); its trace, built on reading, says the same (it is traced at once,
    not later, when the other criterion's status would be known)."""
    (tmp_path / "good").mkdir()
    shutil.copy(DEMO.parent.parent / "source.zh.txt", tmp_path / "source.zh.txt")
    text = DEMO.read_text("utf-8").replace(
        "      - id: implementation_rate\n",
        "      - id: reads_later\n"
        "        cite: {article: 1, text: \"在本市注册,具有独立法人资格\"}\n"
        "        text: {zh: 读后项, en: Reads a later criterion}\n"
        "        check: {outcome: rd_trend, in: [pass, fail, unknown, review]}\n"
        "      - id: implementation_rate\n", 1)
    path = tmp_path / "good" / "demo.yaml"
    path.write_text(text, "utf-8")
    rb = load_rulebook(path)
    d = rb.evaluate(parse_profile(PROFILE), "unit_demo", dt.date(2021, 6, 1))
    r = d.criterion("reads_later")
    assert r.status == "fail"
    assert r.trace is not None and r.trace.inputs == {"criterion rd_trend": None}
    assert d.model_dump_json() == type(d).model_validate_json(d.model_dump_json()
                                                              ).model_dump_json()
