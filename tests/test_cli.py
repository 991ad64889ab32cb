"""The command line: exit codes, formats, standard input, atomic output, no tracebacks."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from ipdesignate.cli.main import main
from tests.conftest import DEMO

PROFILE = """kind: unit
name: CLI Co
entity_type: enterprise
application_date: 2024-03-15
registered_in_beijing: true
independent_legal_person: true
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def profile(tmp_path: Path) -> Path:
    p = tmp_path / "profile.yaml"
    p.write_text(PROFILE, encoding="utf-8")
    return p


def test_check_text(capsys: pytest.CaptureFixture[str], profile: Path) -> None:
    code, out, _ = run(capsys, "check", str(profile), "-d", "unit_demo", "--rulebook", str(DEMO))
    assert code == 0
    assert "UNDETERMINED" in out and "第一条" in out and "「在本市注册,具有独立法人资格」" in out


def test_check_json_is_a_decision(capsys: pytest.CaptureFixture[str], profile: Path) -> None:
    code, out, _ = run(capsys, "check", str(profile), "-d", "unit_demo", "--rulebook", str(DEMO),
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["format"] == "ipdesignate.decision/1"
    assert data["rulebook"]["sha256"] == __import__("hashlib").sha256(
        DEMO.read_bytes()).hexdigest()


def test_check_markdown(capsys: pytest.CaptureFixture[str], profile: Path) -> None:
    code, out, _ = run(capsys, "check", str(profile), "-d", "unit_demo", "--rulebook", str(DEMO),
                       "--format", "markdown")
    assert code == 0 and out.startswith("## ") and "| status |" in out


def test_profile_from_stdin(capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PROFILE.encode())))
    code, out, _ = run(capsys, "check", "-", "-d", "unit_demo", "--rulebook", str(DEMO))
    assert code == 0 and "CLI Co" in out


def test_invalid_profile_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROFILE + "ip_full_time_staff: -1\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(bad), "-d", "unit_demo", "--rulebook", str(DEMO))
    assert code == 1 and out == ""
    assert "bad.yaml:7:21: a count cannot be negative" in err and "Traceback" not in err


def test_missing_file_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "nope.yaml", "-d", "x", "--rulebook", str(DEMO))
    assert code == 1 and "cannot read file" in err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str], profile: Path) -> None:
    assert run(capsys, "check", str(profile))[0] == 2
    assert run(capsys, "check", str(profile), "-d", "x", "--on", "2024-02-30")[0] == 2


def test_unknown_designation_suggests(capsys: pytest.CaptureFixture[str], profile: Path) -> None:
    code, _, err = run(capsys, "check", str(profile), "-d", "unit_dmo", "--rulebook", str(DEMO))
    assert code == 1 and "did you mean 'unit_demo'" in err


def test_date_outside_window_lists_windows(capsys: pytest.CaptureFixture[str],
                                           profile: Path) -> None:
    code, _, err = run(capsys, "check", str(profile), "-d", "unit_demo", "--rulebook",
                       str(DEMO), "--on", "2019-06-01")
    assert code == 1 and "demo-measure 1: 2020-01-01 – open" in err


def test_output_file_is_written_whole(capsys: pytest.CaptureFixture[str], profile: Path,
                                      tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "check", str(profile), "-d", "unit_demo", "--rulebook", str(DEMO),
                       "--format", "json", "-o", str(target))
    assert code == 0 and out == "" and json.loads(target.read_text())["verdict"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_validate_and_test(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(DEMO))
    assert code == 0 and out.startswith("ok")
    bad = DEMO.parent.parent / "bad" / "unknown_field.yaml"
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 1 and "did you mean 'independent_legal_person'" in err


@pytest.mark.parametrize("what", ["decision", "profile", "rulebook"])
def test_schema(capsys: pytest.CaptureFixture[str], what: str) -> None:
    code, out, _ = run(capsys, "schema", what)
    assert code == 0 and json.loads(out)


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--rulebooks", str(DEMO.parent))
    assert code == 0 and "unit_demo" in out and "2020-01-01 – open" in out
