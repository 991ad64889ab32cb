"""Errors of whole-model checks (pydantic model validators) are located at the key or value
they are about, not at the top of the file (1:1): a holiday calendar, a version's window, an
event field, a vocabulary field, a part larger than its whole. All through ``main()``."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from ipdesignate.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SECTION = ROOT / "tests" / "lifecycle" / "working-days-section.yaml"
HEAD = "calendar: cn-mainland\ntext: {zh: 测试, en: test}\nsource: test\nyears:\n"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _timeline_with_calendar(tmp_path: Path, years: str) -> str:
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "cn-mainland.yaml").write_text(HEAD + years, encoding="utf-8")
    section = tmp_path / "section.yaml"
    section.write_text(SECTION.read_text(encoding="utf-8"), encoding="utf-8")
    unit = tmp_path / "unit.yaml"
    unit.write_text("unit: u1\nevents:\n  - {id: e1, type: proposed, date: 2030-03-01, "
                    "designation: d}\n", encoding="utf-8")
    code, _, err = _run("timeline", str(unit), "--rulebook", str(section))
    assert code == 1 and "Traceback" not in err
    assert not re.search(r"cn-mainland\.yaml:1:1:", err), err
    return err


YEAR = "    notice: test\n    holidays: []\n"


@pytest.mark.parametrize(("years", "where", "says"), [
    # a weekend-only working day given on a Wednesday: at that day, line 7
    ("  2030:\n" + YEAR + "    working_days: [2030-01-02]\n", ":8:20:",
     "working day 2030-01-02 is not a weekend day"),
    # a holiday that ends before it starts: at its 'to'
    ("  2030:\n    notice: test\n    holidays:\n      - {name: 春节, from: 2030-02-03, "
     "to: 2030-02-01}\n", ":8:42:", "2030: 春节 ends before it starts"),
    # a day listed under the wrong year: at that day
    ("  2030:\n" + YEAR + "    working_days: [2030-01-05]\n  2031:\n" + YEAR
     + "    working_days: [2030-01-06]\n", ":12:20:", "2030-01-06 is listed under 2031"),
    # both a holiday and a working day: at the working day
    ("  2030:\n    notice: test\n    holidays:\n      - {name: 元旦, from: 2029-12-30, "
     "to: 2030-01-01}\n", ":8:26:", "2029-12-30 is listed under 2030"),
    ("  2030:\n    notice: test\n    holidays: [{name: 春节, from: 2030-02-02, to: 2030-02-08}]\n"
     "    working_days: [2030-01-26, 2030-02-02]\n", ":8:32:",
     "2030: 2030-02-02 is both a holiday (春节) and a working day"),
    # a gap between years: at the year after the gap
    ("  2030:\n" + YEAR + "  2032:\n" + YEAR, ":8:3:",
     "the years must follow each other without a gap: 2031 is missing"),
])
def test_bad_calendar_is_located_at_the_day(tmp_path: Path, years: str, where: str,
                                             says: str) -> None:
    err = _timeline_with_calendar(tmp_path, years)
    assert f"calendars/cn-mainland.yaml{where} {says}" in err


def test_until_before_from_is_located_at_until(tmp_path: Path) -> None:
    src = ROOT / "tests" / "revision" / "rulebooks"
    import shutil

    shutil.copytree(src, tmp_path / "books")
    f = tmp_path / "books" / "bj-ip-pilot-demonstration" / "2018.yaml"
    text = f.read_text("utf-8")
    f.write_text(text.replace("  until:\n    date: 2024-10-07", "  until:\n    date: 2017-10-07",
                              1), "utf-8")
    code, _, err = _run("validate", str(f))
    assert code == 1
    line = text[:text.index("  until:\n    date: 2024-10-07")].count("\n") + 2
    assert f"2018.yaml:{line}:11: 'until' (2017-10-07) is before 'from'" in err


def test_a_part_larger_than_its_whole_is_located_at_the_part(tmp_path: Path) -> None:
    # the shipped vocabulary: a carrier's SME members are a part of its member units
    profile = tmp_path / "p.yaml"
    profile.write_text("kind: carrier\nname: X\nentity_type: park\n"
                       "application_date: 2024-03-15\nmember_units: 10\nsme_members: 12\n",
                       "utf-8")
    code, _, err = _run("check", str(profile), "-d", "cluster_zone")
    assert code == 1 and "Traceback" not in err
    assert "p.yaml:6:14: sme_members (12) cannot exceed member_units (10)" in err
