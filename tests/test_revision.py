"""The revision of issue 10, done by YAML edits only, as policy staff would run it.

tests/revision/rulebooks holds the 2018 version (a snapshot of the shipped rulebook) and a new
2026 version next to it; tests/revision/profiles the applicants whose fate is compared.
Everything goes through ``ipdesignate.cli.main.main``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipdesignate import Library, diff
from ipdesignate.cli.main import main

HERE = Path(__file__).resolve().parent / "revision"
BOOKS = HERE / "rulebooks"
OLD = BOOKS / "bj-ip-pilot-demonstration" / "2018.yaml"
NEW = BOOKS / "bj-ip-pilot-demonstration" / "2026.yaml"
PROFILES = HERE / "profiles"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_and_test_both_versions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(BOOKS))
    assert code == 0, err
    assert "bj-ip-pilot-demonstration 2026, 3 designations, 35 criteria" in out
    assert "no overlapping windows" in out
    code, out, err = run(capsys, "test", str(BOOKS))
    assert code == 0, out + err
    assert "82/82 cases pass; clause coverage 100%" in out


def _check(capsys: pytest.CaptureFixture[str], profile: str, designation: str,
           on: str) -> dict[str, object]:
    code, out, err = run(capsys, "check", str(PROFILES / profile), "-d", designation,
                         "--rulebooks", str(BOOKS), "--on", on, "--format", "json")
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_check_on_both_dates(capsys: pytest.CaptureFixture[str]) -> None:
    # the last day of 2018: 45% passes 不低于40%
    d = _check(capsys, "rate-45.yaml", "pilot", "2024-10-07")
    assert d["rulebook"]["version"] == "2018" and d["verdict"] == "eligible"  # type: ignore[index]
    # under 2026 the same applicant falls short of 不低于50%
    d = _check(capsys, "rate-45.yaml", "pilot", "2025-03-15")
    assert d["rulebook"]["version"] == "2026" and d["verdict"] == "ineligible"  # type: ignore[index]
    crit = {c["id"]: c for c in d["criteria"]}  # type: ignore[attr-defined]
    assert crit["implementation_rate"]["status"] == "fail"
    assert crit["rd_to_revenue"]["status"] == "pass"  # the new field, read from the profile
    # the new designation exists only from 2024-10-08
    d = _check(capsys, "pilot-since-2022.yaml", "advantage", "2025-03-15")
    assert d["verdict"] == "eligible"
    code, _, err = run(capsys, "check", str(PROFILES / "pilot-since-2022.yaml"), "-d",
                       "advantage", "--rulebooks", str(BOOKS), "--on", "2024-10-07")
    assert code == 1 and "advantage" in err and "2024-10-07" in err


def test_a_pilot_designated_under_2018_keeps_three_years_under_2026() -> None:
    lib = Library.load([BOOKS])
    p = lib.load_profile(PROFILES / "pilot-since-2022.yaml")
    import datetime as dt
    # designated 2022-09-01, before 2026 took effect: valid until 2025-09-01, not five years
    assert lib.check(p, "advantage", dt.date(2025, 9, 1)).verdict == "eligible"
    late = lib.check(p, "advantage", dt.date(2025, 9, 2))
    assert late.verdict == "ineligible"


def test_diff_with_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diff", str(OLD), str(NEW), "--profiles", str(PROFILES),
                         "--on", "2025-03-15")
    assert code == 0, err
    assert "pilot/implementation_rate:" in out
    assert "threshold (check.at_least): 40% → 50%" in out
    assert "old 第四条第八项 「企业近三年专利实施率平均不低于40%」" in out
    assert "new 第四条第八项 「企业近三年专利实施率平均不低于50%」" in out
    assert "pilot/rd_to_revenue: added" in out and "第四条第十项" in out
    assert "advantage: added" in out
    assert "lifecycle rule validity_five_years: added" in out and "lasts 5 years" in out
    assert "rule (on.before): — → effective" in out
    assert "effective until: date: 2024-10-07 → —" in out
    assert "4 profiles, 12 evaluations on 2025-03-15; 3 flips, 0 errors" in out
    assert "pilot: eligible → ineligible: 2" in out
    code, out, _ = run(capsys, "diff", str(OLD), str(NEW), "--profiles", str(PROFILES),
                       "--on", "2025-03-15", "--format", "json")
    data = json.loads(out)
    flips = {(Path(f["profile"]).name, f["designation"]): f for f in data["flips"]}
    assert set(flips) == {("rate-45.yaml", "pilot"), ("low-rd-share.yaml", "pilot"),
                          ("pilot-since-2022.yaml", "advantage")}
    why = {s["criterion"]: (s["old"], s["new"])
           for s in flips[("rate-45.yaml", "pilot")]["criteria"]}
    assert why["implementation_rate"] == ("pass", "fail")
    assert {s["criterion"]: s["new"] for s in flips[("low-rd-share.yaml", "pilot")]
            ["criteria"]} == {"rd_to_revenue": "fail"}
    code, out, _ = run(capsys, "diff", str(OLD), str(NEW), "--format", "markdown")
    assert code == 0 and out.startswith("## bj-ip-pilot-demonstration 2018 → ")
    # the Python API returns the same data
    api = diff(OLD, NEW, PROFILES, __import__("datetime").date(2025, 3, 15))
    assert len(api.flips) == 3 and api.changes == tuple(
        type(api.changes[0]).model_validate(c) for c in data["changes"])


def test_a_profile_that_cannot_be_read_is_listed_not_lost(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.yaml").write_text("kind: unit\nname: X\nentity_type: firm\n", "utf-8")
    (tmp_path / "ok.yaml").write_text((PROFILES / "steady.yaml").read_text("utf-8"), "utf-8")
    code, out, _ = run(capsys, "diff", str(OLD), str(NEW), "--profiles", str(tmp_path),
                       "--on", "2025-03-15")
    assert code == 0
    assert "2 profiles" in out and "1 error" in out and "ERROR" in out and "bad.yaml" in out
