"""``validate`` and ``test`` catch what breaks production, through ``main()``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ipdesignate.cli.main import main
from tests.conftest import DEMO


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _two_versions(tmp_path: Path, second_from: str) -> Path:
    root = tmp_path / "books"
    (root / "demo").mkdir(parents=True)
    # the source text lies in the rulebook tree (books/), as source.file must
    shutil.copy(DEMO.parent.parent / "source.zh.txt", root / "source.zh.txt")
    text = DEMO.read_text("utf-8")
    (root / "demo" / "v1.yaml").write_text(text, "utf-8")
    second = text.replace('version: "1"', 'version: "2"').replace(
        "  from: {date: 2020-01-01, confirmed: true}",
        f"  from: {{date: {second_from}, confirmed: true}}")
    (root / "demo" / "v2.yaml").write_text(second, "utf-8")
    return root


def test_validate_a_folder_refuses_overlapping_windows_with_both_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _two_versions(tmp_path, "2021-06-01")
    code, out, err = run(capsys, "validate", str(root))
    assert code == 1
    # each file is fine on its own; the library is not
    assert out.count("ok  ") == 2
    v1, v2 = root / "demo" / "v1.yaml", root / "demo" / "v2.yaml"
    assert f"{v2}:9:1: the window of demo-measure 2 overlaps that of version 1 ({v1}:9)" in err


def test_test_names_the_criteria_behind_a_wrong_verdict(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "good"
    folder.mkdir()
    shutil.copy(DEMO.parent.parent / "source.zh.txt", tmp_path / "source.zh.txt")
    text = DEMO.read_text("utf-8").replace(
        "    with: {ip_full_time_staff: 2, group_enterprise: true}\n"
        "    expect: {verdict: eligible, criteria: {staff: exempt}}",
        "    with: {ip_full_time_staff: 2, group_enterprise: false,"
        " yearly.2023.rd_expenditure: 90}\n"
        "    expect: {verdict: eligible}")
    (folder / "demo.yaml").write_text(text, "utf-8")
    code, out, _ = run(capsys, "test", str(folder / "demo.yaml"))
    assert code == 1
    assert "verdict ineligible, expected eligible" in out
    assert "staff: fail, which a verdict eligible excludes — ip_full_time_staff = 2" in out
    assert "rd_trend: " in out  # the second cause is named too
