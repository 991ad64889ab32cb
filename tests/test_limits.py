"""Issue 9 reproducers: inputs beyond the bounds of docs/limits.md give a located error
and exit 1, in well under a second — never a traceback, a hang or a silent reading."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ipdesignate import ProfileError, parse_profile
from ipdesignate._core.limits import LIMITS, number_problem
from ipdesignate._core.yaml import load_text
from ipdesignate.cli.main import main
from tests.conftest import ROOT

PILOT = (ROOT / "examples" / "pilot-enterprise.yaml").read_text(encoding="utf-8")
CLUSTER = ROOT / "rulebooks" / "bj-ip-cluster-zone" / "2020.yaml"
LOCATED = re.compile(r"^\S+:\d+:\d+: ", re.M)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    code = main(list(argv))
    took = time.perf_counter() - start
    out, err = capsys.readouterr()
    return code, out, err, took


def check(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str,
          designation: str = "pilot") -> tuple[int, str]:
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    code, _, err, took = cli(capsys, "check", str(f), "-d", designation)
    assert took < 2, f"took {took:.1f}s"
    return code, err


@pytest.mark.parametrize(("old", "new", "where"), [
    ("ip_full_time_staff: 2", "ip_full_time_staff: 1e999999999", "ip_full_time_staff"),
    ("rd_expenditure: 800万元", "rd_expenditure: 1e-999999999", "rd_expenditure"),
    ("ip_full_time_staff: 2", "ip_full_time_staff: " + "9" * 5000, "ip_full_time_staff"),
    ("ip_full_time_staff: 2", "ip_full_time_staff: 1" + "0" * 24, "ip_full_time_staff"),
    ("rd_expenditure: 800万元", "rd_expenditure: 1" + "0" * 30, "rd_expenditure"),
    ("implemented_patents: 8}", "implemented_patents: 8, patent_implementation_rate: '0."
     + "1" * 61 + "%'}", "patent_implementation_rate"),
    ("application_date: 2024-03-15", "application_date: 1710460800", "application_date"),
    ("application_date: 2024-03-15", "application_date: 9999-12-31", "application_date"),
    ("on: 2024-03-01", "on: 1709251200", "attestations.ip_strategy.on"),
    ("events: []", "events: [{id: e1, type: designated, designation: pilot, date: 0}]",
     "events[0].date"),
    ("events: []", "events: [{id: e1, type: x, date: 2024-01-01, details: "
     + "{a: " * 600 + "1" + "}" * 600 + "}]", ""),
    ("sector: 人工智能软件", "sector: " + "[" * 5000 + "]" * 5000, ""),
])
def test_profile_out_of_bounds_is_located(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path, old: str, new: str,
                                          where: str) -> None:
    assert old in PILOT
    code, err = check(capsys, tmp_path, PILOT.replace(old, new))
    assert code == 1, err
    assert LOCATED.match(err), err
    assert where in err
    assert "internal error" not in err


def test_deep_block_nesting_does_not_crash_the_process() -> None:
    # composing this with the C composer used to kill the process with SIGSEGV
    text = "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 2500))
    problems: list[Any] = []
    assert load_text(text, "deep.yaml", problems) is None
    assert "nested too deeply" in str(problems[0])
    assert problems[0].line is not None


def test_python_mapping_numbers_and_nesting_are_bounded() -> None:
    base: dict[str, Any] = {"kind": "unit", "name": "x", "entity_type": "enterprise"}
    for field, value in [("ip_full_time_staff", Decimal("1e999999999")),
                         ("ip_full_time_staff", 10 ** 5000),
                         ("application_date", 1710460800)]:
        with pytest.raises(ProfileError) as info:
            parse_profile({**base, field: value})
        assert field in str(info.value)
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(ProfileError, match="nested"):
        parse_profile({**base, "events": [{"id": "a", "type": "t", "date": "2024-01-01",
                                          "details": deep}]})
    cyclic: dict[str, Any] = {}
    cyclic["a"] = cyclic
    with pytest.raises(ProfileError, match="cycle"):
        parse_profile({**base, "events": [{"id": "a", "type": "t", "date": "2024-01-01",
                                          "details": cyclic}]})


def test_bounds_accept_the_usual_numbers() -> None:
    assert number_problem(10 ** 17) is None
    assert number_problem(10 ** 18) is not None
    assert number_problem(Decimal("0.3333333333333333")) is None  # a float's shortest repr
    assert number_problem(Decimal("1.000000000000000000000000000")) is None
    assert number_problem(Decimal("0E+999999")) is None


def test_limits_can_be_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_depth", 3)
    problems: list[Any] = []
    assert load_text("a: [[[[1]]]]", "f.yaml", problems) is None
    monkeypatch.setattr(LIMITS, "max_depth", 64)
    assert load_text("a: [[[[1]]]]", "f.yaml", []) is not None


def test_aliases_count_expansions_not_plain_values() -> None:
    # 300,000 plain values and no alias: legitimate, not an "alias bomb"
    text = "a: [" + ", ".join(["1"] * 300_000) + "]\n"
    located = load_text(text, "big.yaml", [])
    assert located is not None and len(located.data["a"]) == 300_000


def rulebook(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = CLUSTER.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    d = tmp_path / "rb" / "measure"
    d.mkdir(parents=True)
    (tmp_path / "rb" / "sources").mkdir()
    src = ROOT / "rulebooks" / "sources" / "bj-ip-cluster-zone.zh.txt"
    (tmp_path / "rb" / "sources" / src.name).write_bytes(src.read_bytes())
    f = d / "2020.yaml"
    f.write_text(text.replace(old, new, count), encoding="utf-8")
    return f


@pytest.mark.parametrize(("old", "new", "message"), [
    ("trial: 1 year", "trial: 8000 years", "longer than any period"),
    ("value: 5 years", "value: 9999 years", "longer than any period"),
    ("cite: {article: 10, item: 4,", "cite: {article: 1000, item: 4,", "999"),
    ("value: [false_materials_finding, dishonesty_finding]\n",
     "value: [[false_materials_finding], dishonesty_finding]\n", "itself a list"),
    ("value: [false_materials_finding, dishonesty_finding, other_violation]\n",
     "value: [[false_materials_finding], dishonesty_finding, other_violation]\n",
     "itself a list"),
    ("value: 70", "value: 1e999999999", "too large"),
    ("value: 70", "value: true", "threshold"),
    ("  from:\n    date: 2020-03-27", "  until: {date: 2019-01-01, confirmed: true}\n"
     "  from:\n    date: 2020-03-27", "before 'from'"),
])
def test_rulebook_out_of_bounds_is_located(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path, old: str, new: str,
                                           message: str) -> None:
    f = rulebook(tmp_path, old, new)
    code, _, err, took = cli(capsys, "validate", str(f))
    assert code == 1, err
    assert took < 2
    assert LOCATED.match(err), err
    assert message in err


def test_direct_threshold_true_is_refused(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    text = CLUSTER.read_text(encoding="utf-8")
    m = re.search(r"at_least: (\S+)\n", text)
    assert m is not None
    f = rulebook(tmp_path, m.group(0), "at_least: true\n")
    code, _, err, _ = cli(capsys, "validate", str(f))
    assert code == 1 and "true/false" in err, err


# ---- errors found when evaluating still name where in the input -----------------------


def test_evaluation_errors_are_located_in_the_profile_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = check(capsys, tmp_path, PILOT.replace(
        "events: []", "events: [{id: e1, type: designatd, designation: pilot, "
        "date: 2020-01-01}]"))
    assert code == 1 and LOCATED.match(err) and "[at events[0].type]" in err, err
    code, err = check(capsys, tmp_path, PILOT.replace("application_date: 2024-03-15",
                                                      "application_date: 2001-03-15"))
    assert code == 1 and "application_date at " in err and "p.yaml:" in err, err


def test_evaluation_errors_of_a_mapping_name_the_path() -> None:
    from ipdesignate import Library, ProfileError

    lib = Library.default()
    data = {"kind": "unit", "name": "x", "entity_type": "enterprise",
            "application_date": "2024-03-15",
            "events": [{"id": "e1", "type": "designatd", "date": "2020-01-01"}]}
    with pytest.raises(ProfileError) as info:
        lib.check(lib.parse_profile(data), "pilot")
    assert info.value.problems[0].path == ("events", 0, "type")


def test_event_histories_in_embedded_tests_are_checked_at_load(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = CLUSTER.read_text(encoding="utf-8")
    m = re.search(r"    with: \{entity_type: park\}\n", text)
    assert m is not None
    f = rulebook(tmp_path, m.group(0), "    with: {entity_type: park, events: [{id: d1, "
                 "type: designatd, date: 2020-01-01, designation: cluster_zone}]}\n")
    code, _, err, _ = cli(capsys, "validate", str(f))
    assert code == 1 and "unknown event type 'designatd'" in err, err
    assert LOCATED.match(err) and "events[0].type" in err


def test_a_whole_profile_problem_of_a_test_case_is_located_at_the_case(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # found by the fuzz suite: "sme_members (85) cannot exceed member_units (16)" had no line
    f = rulebook(tmp_path, "    with: {entity_type: park}\n",
                 "    with: {entity_type: park, member_units: 16}\n")
    code, _, err, _ = cli(capsys, "validate", str(f))
    assert code == 1 and "cannot exceed member_units" in err, err
    assert LOCATED.match(err), err
