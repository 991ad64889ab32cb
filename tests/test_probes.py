"""Probe profiles of issue 8, run as users run them (``ipdesignate check``): each file's
header names the designation, the verdict, criterion statuses and words the text must show."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ipdesignate.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
PROBES = sorted((Path(__file__).parent / "probes").glob("*.yaml"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _header(path: Path) -> tuple[str, str, dict[str, str], list[str]]:
    text = path.read_text("utf-8")
    m = re.search(r"^# expect: designation=(\S+) verdict=(\S+)$", text, re.M)
    assert m, path.name
    trace = re.search(r"^# trace: (.+)$", text, re.M)
    statuses = dict(x.split("=") for x in trace.group(1).split()) if trace else {}
    words = re.search(r"^# words: (.+)$", text, re.M)
    return m.group(1), m.group(2), statuses, (
        [w.strip() for w in words.group(1).split("|")] if words else [])


@pytest.mark.parametrize("path", PROBES, ids=[p.stem for p in PROBES])
def test_probe(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    designation, verdict, statuses, words = _header(path)
    code, out, err = run(capsys, "check", str(path), "-d", designation, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["verdict"] == verdict
    got = {c["id"]: c["status"] for c in data["criteria"]}
    for cid, status in statuses.items():
        assert got[cid] == status, cid
    code, text, err = run(capsys, "check", str(path), "-d", designation)
    assert code == 0, err
    for w in words:
        assert w in text, (w, text)


def test_a_finding_after_the_application_counts_once_the_decision_is_later(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The application date fixes the data years; the decision date the look-back."""
    probe = str(Path(__file__).parent / "probes" / "later-finding.yaml")
    code, out, _ = run(capsys, "check", probe, "-d", "demonstration", "--on", "2024-06-01",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "ineligible"
    assert data["as_of"] == "2024-06-01" and data["application_date"] == "2024-03-15"
    assert data["data_years"] == "2021–2023" and data["events_not_counted"] == []
    code, out, _ = run(capsys, "check", probe, "-d", "demonstration", "--on", "2024-06-01",
                       "--application-date", "2025-02-01", "--format", "json")
    data = json.loads(out)
    assert data["application_date"] == "2025-02-01" and data["data_years"] == "2022–2024"
    assert data["verdict"] == "ineligible"  # the finding counts; 2024 figures are missing too


def test_as_if_under_a_superseded_version(capsys: pytest.CaptureFixture[str]) -> None:
    """The done-when of issue 8: --version 2018 --on 2026-03-15 gives a decision with a
    banner in every rendering and a warning in the JSON; without it, an error naming the
    successor and the option."""
    probe = str(Path(__file__).parent / "probes" / "review-maintained.yaml")
    banner = ("按已失效《北京市知识产权试点示范单位认定与管理办法》参考评估，非现行认定依据；"
              "现行办法为《北京市知识产权试点优势单位认定与管理办法》")
    code, out, err = run(capsys, "check", probe, "-d", "demonstration", "--on", "2026-03-15")
    assert code == 1 and "Traceback" not in err
    assert "《北京市知识产权试点优势单位认定与管理办法》" in err and "--version 2018" in err
    for fmt in ("text", "markdown", "html"):
        code, out, err = run(capsys, "check", probe, "-d", "demonstration", "--on",
                             "2026-03-15", "--version", "2018", "--format", fmt)
        assert code == 0, err
        assert banner in out, fmt
    code, out, _ = run(capsys, "check", probe, "-d", "demonstration", "--on", "2026-03-15",
                       "--version", "2018", "--format", "json")
    data = json.loads(out)
    assert data["basis"]["mode"] == "as_if" and data["warnings"][0].startswith(banner)
    assert data["verdict"] == "eligible"  # the renewed pilot status runs to 2026-09-15
    code, out, _ = run(capsys, "check", probe, "-d", "demonstration", "--on", "2026-03-15",
                       "--version", "2018")
    assert "参考评估，不能据此申请" in out and "程序 Procedure" not in out


def test_a_trial_measure_past_its_trial_is_applied_with_a_warning(
        capsys: pytest.CaptureFixture[str]) -> None:
    carrier = str(ROOT / "examples" / "incubator-relaxation-review.yaml")
    code, out, err = run(capsys, "check", carrier, "-d", "cluster_zone", "--on", "2022-06-01",
                         "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["basis"]["mode"] == "trial_ended" and "试行期" in data["warnings"][0]
    code, out, err = run(capsys, "check", carrier, "-d", "cluster_zone", "--on", "2024-06-01")
    assert code == 1 and "北京市中小企业知识产权集聚发展区认定和管理办法" in err
    assert "--version 2020-trial" in err


def test_the_note_reads_like_an_officers_note(capsys: pytest.CaptureFixture[str]) -> None:
    """Headline and what follows, dates and their meaning, superseded measure, self-declared
    clauses, suspension lines that say why (or that it does not apply), procedural notes."""
    exempt = str(ROOT / "examples" / "central-enterprise-exempt.yaml")
    for fmt in ("text", "markdown", "html"):
        code, out, err = run(capsys, "check", exempt, "-d", "demonstration", "--format", fmt)
        assert code == 0, err
        for words in ("符合申报条件（自评辅助，非认定结论）", "专家综合评审", "公示7天",
                      "申请日期 Application date: 2024-03-15", "data years 2021–2023",
                      "评估日期 Decision date: 2024-03-15", "此日之后的事件未计入",
                      "已被《北京市知识产权试点优势单位认定与管理办法》替代",
                      "申请人自述，待核实", "未暂停 not suspended",
                      "直接向市知识产权局提出申请"):
            assert words in out, (fmt, words)
        assert not re.search(r"suspension[^\n]*: fail", out), fmt
    probe = str(Path(__file__).parent / "probes" / "verification-open.yaml")
    code, out, _ = run(capsys, "check", probe, "-d", "demonstration")
    assert "结论 Verdict: SUSPENDED — 暂停认定" in out
    assert "暂停认定 suspended — 第七条第二款" in out
    assert "verification_suspension open since 2024-02-01" in out
    carrier = str(ROOT / "examples" / "incubator-relaxation-review.yaml")
    code, out, _ = run(capsys, "check", carrier, "-d", "cluster_zone", "--on", "2020-09-01")
    assert "试行办法" in out and "需人工审查" in out
    code, out, _ = run(capsys, "check", carrier, "-d", "cluster_zone", "--on", "2020-05-10",
                       "--application-date", "2020-05-10")
    assert "结论 Verdict" in out
    pilot = str(ROOT / "examples" / "pilot-enterprise.yaml")
    code, out, _ = run(capsys, "check", pilot, "-d", "pilot", "--application-date",
                       "2024-05-10", "--on", "2024-05-10")
    assert "⚠ 提示 第十条" in out and "第一季度" in out
