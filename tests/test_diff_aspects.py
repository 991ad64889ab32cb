"""``ipdesignate diff`` reports the constructs added to the language in issue 10 item 9 as
aspects of their own, each with both citations: priority factors, known gaps, citation
provenance, recurrence (``every``), reading switches (``if_reading``/``switch``), the
lifecycle's calendar and ``carries_over`` (tests/test_carries_over.py). Each new version is
made by editing a copy of an existing file, as policy staff would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ipdesignate.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
PROVENANCE = ROOT / "tests" / "rulebooks"
SHIPPED = ROOT / "rulebooks"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _edited(src: Path, dst: Path, *edits: tuple[str, str]) -> Path:
    text = src.read_text("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    dst.write_text(text, "utf-8")
    return dst


def _changes(capsys: pytest.CaptureFixture[str], old: Path, new: Path
             ) -> tuple[str, list[dict[str, str]]]:
    code, out, err = run(capsys, "diff", str(old), str(new))
    assert code == 0, err
    code, js, err = run(capsys, "diff", str(old), str(new), "--format", "json")
    assert code == 0, err
    return out, json.loads(js)["changes"]


def test_priority_known_gap_and_provenance(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    books = tmp_path / "rulebooks"
    shutil.copytree(PROVENANCE, books, ignore=shutil.ignore_patterns("bad", "*.py"))
    old = books / "provenance" / "v1.yaml"
    new = _edited(old, books / "provenance" / "v2.yaml",
                  ("at_least: 5}", "at_least: 6}"),
                  ("en: the credit rules are not yet published}",
                   "en: the credit rules are still not published}"),
                  ("text: 专职人员指与单位签订劳动合同的全职人员",
                   "text: 专职人员指与单位签订一年以上劳动合同的全职人员"),
                  ("          inferred: {reason: the published text has no article numbers; "
                   "counted from the top}\n", ""))
    out, changes = _changes(capsys, old, new)
    by = {(c["what"], c["aspect"], c["path"]): c for c in changes}
    factor = by[("unit_pick/staff", "priority", "priority[0].check.at_least")]
    assert (factor["old"], factor["new"]) == ("5", "6")
    assert factor["old_cite"] == factor["new_cite"] == "第四条 「专职人员不少于3名」"
    gap = by[("unit_pick/credit", "known_gap", "known_gap.reason.en")]
    assert gap["old"] == "the credit rules are not yet published"
    assert gap["old_cite"] and gap["new_cite"]
    explained = by[("unit_pick/staff", "provenance", "cite.explainer.text")]
    assert explained["new"] == "专职人员指与单位签订一年以上劳动合同的全职人员"
    inferred = by[("unit_pick/staff", "provenance", "cite.inferred.reason")]
    assert inferred["new"] is None and inferred["old"].startswith("the published text")
    assert "priority (priority[0].check.at_least): 5 → 6" in out
    assert "known_gap (known_gap.reason.en): the credit rules are not yet published → " in out
    assert "provenance (cite.inferred.reason): the published text" in out


def test_recurrence_reading_switch_and_calendar(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    books = tmp_path / "rulebooks"
    shutil.copytree(SHIPPED, books)
    old = books / "bj-ip-pilot-demonstration" / "2018.yaml"
    new = _edited(old, books / "bj-ip-pilot-demonstration" / "2018b.yaml",
                  ("lifecycle:\n  rules:\n", "lifecycle:\n  calendar: cn-mainland\n  rules:\n"),
                  ("        - obligation: major_change_report\n          due: 30 days\n",
                   "        - obligation: major_change_report\n          every: 1 year\n"
                   "          due: 30 days\n"),
                  ("      if_reading: {legacy_status_end: at_deadline}",
                   "      if_reading: {legacy_status_end: [at_deadline]}"),
                  ("          switch: item7_window\n", "          switch: item7_window_b\n"),
                  ("  item7_window:\n", "  item7_window_b:\n"))
    out, changes = _changes(capsys, old, new)
    by = {(c["what"], c["aspect"], c["path"]): c for c in changes}
    every = by[("lifecycle rule major_change_report", "recurrence", "then[0].every")]
    assert (every["old"], every["new"]) == (None, "1 year")
    assert every["old_cite"] == every["new_cite"] and "第十五条第一款" in every["new_cite"]
    switch = by[("pilot/patent_applications", "reading switch", "check.switch")]
    assert (switch["old"], switch["new"]) == ("item7_window", "item7_window_b")
    assert "第四条第七项" in switch["old_cite"] and "第四条第七项" in switch["new_cite"]
    gate = [c for c in changes if c["aspect"] == "reading switch"
            and c["path"].startswith("if_reading.legacy_status_end")]
    assert gate and all(c["old_cite"] and c["new_cite"] for c in gate)
    cal = by[("lifecycle calendar", "calendar", "lifecycle.calendar")]
    assert (cal["old"], cal["new"]) == (None, "cn-mainland")
    assert "recurrence (then[0].every): — → 1 year" in out
    assert "calendar (lifecycle.calendar): — → cn-mainland" in out
    assert "reading switch (check.switch): item7_window → item7_window_b" in out
