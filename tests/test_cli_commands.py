"""Every subcommand as users run it: through ``main()``, on the bundled examples, with the
law bundled in the package (no ``--rulebooks``), exit code and output checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ipdesignate.cli.main import SUBCOMMANDS, parser
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
LIFECYCLE = ROOT / "examples" / "lifecycle"
BATCHES = ROOT / "tests" / "lifecycle"
FORMATS = ("text", "json", "markdown")


def _expect(path: Path) -> dict[str, str]:
    m = re.search(r"^# expect: (.+)$", path.read_text("utf-8"), re.M)
    assert m, f"{path.name} does not document what it expects"
    return dict(pair.split("=", 1) for pair in m.group(1).split())


def test_every_subcommand_is_registered_and_tested() -> None:
    """No handler is reachable only by calling it directly: each is a subcommand, and each
    subcommand name appears in a test of this module."""
    names = set(parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert names == {"check", "validate", "test", "timeline", "list", "schema"} | (
        names - {"check", "validate", "test", "timeline", "list", "schema"})
    assert all(hasattr(m, "add_parser") and hasattr(m, "run") for m in SUBCOMMANDS)
    source = Path(__file__).read_text(encoding="utf-8")
    for name in names:
        assert f'"{name}"' in source or f"'{name}'" in source, name


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_check_every_example_in_every_format(capsys: pytest.CaptureFixture[str], path: Path,
                                             fmt: str) -> None:
    want = _expect(path)
    code, out, err = run(capsys, "check", str(path), "--designation", want["designation"],
                         "--format", fmt)
    assert code == 0, err
    assert "Traceback" not in err
    if fmt == "json":
        data = json.loads(out)
        assert data["verdict"] == want["verdict"]
        assert data["rulebook"]["sha256"] and data["designation"]["id"] == want["designation"]
    else:
        assert "第" in out and "「" in out  # cites the clause and quotes the law
        if fmt == "markdown":
            assert out.startswith("#")


def test_check_writes_the_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "decision.json"
    code, out, _ = run(capsys, "check", str(EXAMPLES[0]), "-d", _expect(EXAMPLES[0])[
        "designation"], "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "ipdesignate.decision/1"


def test_check_with_a_bad_profile_is_exit_1(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: unit\nname: x\nentity_type: enterprize\n", encoding="utf-8")
    code, out, err = run(capsys, "check", str(bad), "-d", "pilot")
    assert code == 1 and out == "" and "bad.yaml:3:" in err and "Traceback" not in err


def test_validate_the_shipped_law(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(ROOT / "rulebooks"))
    assert code == 0, err
    assert out.count("ok  ") >= 2


def test_validate_a_bad_rulebook_is_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    bad = ROOT / "tests" / "rulebooks" / "bad" / "unknown_field.yaml"
    code, _, err = run(capsys, "validate", str(bad))
    assert code == 1 and "unknown_field.yaml:" in err


def test_test_runs_the_embedded_cases_with_full_coverage(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "test")  # the bundled law
    assert code == 0, out + err
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M)
    assert "clause coverage 100%" in out


def test_list_shows_the_bundled_law(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert "bj-ip-pilot-demonstration" in out and "bj-ip-cluster-zone" in out
    assert "pilot" in out and "cluster_zone" in out


@pytest.mark.parametrize("what", ["decision", "profile", "rulebook"])
def test_schema_each_kind(capsys: pytest.CaptureFixture[str], what: str) -> None:
    code, out, _ = run(capsys, "schema", what)
    assert code == 0 and json.loads(out)


def test_schema_of_an_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "schema", "nothing")[0] == 2


def test_timeline_of_the_lifecycle_example(capsys: pytest.CaptureFixture[str]) -> None:
    path = LIFECYCLE / "pilot-unit-history.yaml"
    want = _expect(path)
    code, out, err = run(capsys, "timeline", str(path), "--on", want["on"])
    assert code == 0, err
    designation, status = want["status"].split(":")
    assert f"status {designation}: {status} " in out
    code, out, _ = run(capsys, "timeline", str(path), "--measure", want["measure"],
                       "--format", "json", "--on", want["on"])
    assert code == 0 and json.loads(out)["status"][designation]["name"] == status


def test_timeline_whole_history(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", str(LIFECYCLE / "pilot-unit-history.yaml"))
    assert code == 0 and "rule validity_three_years" in out


def test_timeline_batch_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(BATCHES / "batch.json"), "--format", "json",
                         "--on", "2021-06-01")
    units = [json.loads(line)["unit"] for line in out.splitlines()]
    assert code == 0, err
    assert units == ["p-1", "p-2"] and "2 of 2 units done" in err


def test_timeline_batch_jsonl_keeps_the_good_units(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(BATCHES / "batch.jsonl"), "--format", "json",
                         "--on", "2021-06-01")
    units = [json.loads(line)["unit"] for line in out.splitlines()]
    assert code == 1 and len(units) == 2 and "2 of 4 units done" in err
    # with --format json the errors are problem documents, one a line
    docs = [json.loads(line) for line in err.splitlines()]
    located = {(p["file"].rsplit("/", 1)[-1], p["line"]) for d in docs
               for p in d.get("problems", [])}
    assert ("batch.jsonl", 2) in located and ("batch.jsonl", 3) in located
    assert all(d["type"].startswith("urn:ipdesignate:problem:") for d in docs[:-1])


def test_timeline_batch_yaml_with_a_bad_unit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(BATCHES / "batch.yaml"), "--on", "2021-03-01")
    assert code == 1
    assert "2 of 3 units done" in err and "zone-001" in out and "zone-003" in out


def test_timeline_example_batch_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(LIFECYCLE / "zone-batch.jsonl"),
                         "--on", "2021-03-01")
    assert code == 0, err
    assert "obligation rectification: open" in out


def test_serve_checks_its_settings_before_binding(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    """``serve`` itself runs as a real process in tests/test_http.py; here: its refusals."""
    monkeypatch.delenv("IPDESIGNATE_API_TOKEN", raising=False)
    monkeypatch.delenv("IPDESIGNATE_API_TOKEN_FILE", raising=False)
    code, _, err = run(capsys, "serve", "--allow-reload")
    assert code == 1 and "needs an API token" in err
    code, _, err = run(capsys, "serve", "--token-file", str(tmp_path / "missing"))
    assert code == 1 and "cannot read the API token file" in err
    code, _, err = run(capsys, "serve", "--workers", "0")
    assert code == 2 and "must be at least 1" in err
    code, _, err = run(capsys, "serve", "--rulebooks", str(tmp_path))
    assert code == 1 and "no rulebook files" in err
def test_screen_writes_every_row_with_a_summary(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    """``screen``: every client row is in the workbook (the bad one with its located errors),
    and a summary is printed at the end."""
    import openpyxl

    out = tmp_path / "results.xlsx"
    code, _, err = run(capsys, "screen", str(ROOT / "examples" / "clients.xlsx"), "--all",
                       "-o", str(out))
    assert code == 0, err
    assert "applicants" in err and "most common failing clauses" in err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["summary", "applicants", "criteria", "missing"]
    rows = list(wb["applicants"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    clients = openpyxl.load_workbook(ROOT / "examples" / "clients.xlsx")["clients"]
    assert {r[header.index("row")] for r in body} == set(range(clients.max_row - 1))
    bad = [r for r in body if r[header.index("verdict")] == "error"]
    assert len(bad) == 1
    error = bad[0][header.index("error")]
    assert "clients.xlsx#clients:11:" in error and "ip_full_time_staff" in error
    assert "'一百' is not an amount of money" in error and "maybe" in error


@pytest.mark.parametrize("suffix", [".csv", ".html"])
def test_screen_csv_in_and_out(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                               suffix: str) -> None:
    out = tmp_path / f"results{suffix}"
    code, _, err = run(capsys, "screen", str(ROOT / "examples" / "clients.csv"), "-d", "pilot",
                       "--quiet", "-o", str(out))
    assert code == 0 and not err, err
    text = out.read_text("utf-8")
    assert text.count("北京示例理工大学") >= 1 and "示例错误数据有限公司" in text


def test_screen_refuses_bad_input_with_a_located_message(capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path) -> None:
    bad = tmp_path / "clients.csv"
    bad.write_text("kind,name,entity_type,rd_expenditrue_2021\nunit,A,enterprise,1\n", "utf-8")
    code, _, err = run(capsys, "screen", str(bad), "--all", "-o", str(tmp_path / "o.xlsx"))
    assert code == 1 and "Traceback" not in err
    assert f"{bad}:1:4: column 'rd_expenditrue_2021'" in err
    assert "did you mean 'rd_expenditure_YYYY'" in err
    assert not (tmp_path / "o.xlsx").exists()
    code, _, err = run(capsys, "screen", str(bad), "--all", "-o", str(tmp_path / "o.pdf"))
    assert code == 1 and ".xlsx, .csv or .html" in err


def test_diff_of_a_version_with_itself_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    book = ROOT / "rulebooks" / "bj-ip-pilot-demonstration" / "2018.yaml"
    code, out, err = run(capsys, "diff", str(book), str(book), "--profiles",
                         str(ROOT / "examples" / "pilot-enterprise.yaml"))
    assert code == 0, err
    assert ": 0 changes" in out and "0 flips, 0 errors" in out
    code, _, err = run(capsys, "diff", str(book), str(ROOT / "no-such.yaml"))
    assert code == 1 and "no-such.yaml" in err


def test_a_passed_publicity_period_ends_and_is_never_overdue(
        capsys: pytest.CaptureFixture[str]) -> None:
    """第十四条's 7-day publicity is the bureau's period: once over it has ended; the unit
    owes nothing, so nothing about it is overdue."""
    code, out, _ = run(capsys, "timeline", str(LIFECYCLE / "pilot-unit-history.yaml"),
                       "--on", "2022-06-01")
    assert code == 0
    assert "period review_publicity: ended" in out and "overdue" not in out
