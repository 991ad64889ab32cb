"""Citations with provenance, known gaps and priority factors, as users run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipdesignate.cli.main import main

BOOK = Path(__file__).parent / "rulebooks" / "provenance" / "v1.yaml"

PROFILE = """\
kind: unit
name: Pick Co
entity_type: enterprise
application_date: 2024-03-15
registered_in_beijing: true
independent_legal_person: true
ip_full_time_staff: {staff}
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], staff: int,
           fmt: str = "json") -> tuple[int, str]:
    profile = tmp_path / "p.yaml"
    profile.write_text(PROFILE.format(staff=staff), "utf-8")
    code, out, err = run(capsys, "check", str(profile), "-d", "unit_pick", "--rulebook",
                         str(BOOK), "--format", fmt)
    assert err == ""
    return code, out


def test_validate_says_what_it_could_not_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(BOOK))
    assert code == 0, err
    assert "1 known gap(s)" in out
    # the explainer's words are not in the measure's text: said, located, not an error
    assert f"{BOOK}:36:13: note: the words quoted from 《示例择优办法》政策解读 are not " \
           "checked" in out
    assert f"{BOOK}:34:21: note: 第4条 is an inferred number: the published text" in out


def test_known_gap_is_reported_apart_and_does_not_fail_coverage(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", str(BOOK))
    assert code == 0, out
    assert "clause coverage 100% (2 clauses" in out
    assert "1 known gap(s), not counted in coverage:" in out
    assert "known gap: unit_pick 第3条 credit: the credit rules are not yet published" in out


def test_known_gap_without_its_exemption_from_coverage_would_fail(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the same clause written as an ordinary review check is never seen passing
    book = tmp_path / "books" / "m" / "v1.yaml"
    book.parent.mkdir(parents=True)
    (tmp_path / "books" / "provenance.zh.txt").write_text(
        (BOOK.parent.parent / "provenance.zh.txt").read_text("utf-8"), "utf-8")
    text = BOOK.read_text("utf-8").replace(
        "        known_gap:\n          reason:",
        "        check:\n          review:")
    book.write_text(text, "utf-8")
    code, out, _ = run(capsys, "test", str(book))
    assert code == 1
    assert "uncovered: unit_pick 第3条: never seen pass" in out
    assert "known gap" not in out


def test_known_gap_with_a_check_is_refused_with_its_location(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "books" / "m" / "v1.yaml"
    book.parent.mkdir(parents=True)
    text = BOOK.read_text("utf-8").replace(
        "        known_gap:\n", "        check: {fact: registered_in_beijing}\n"
        "        known_gap:\n")
    book.write_text(text, "utf-8")
    code, _, err = run(capsys, "validate", str(book))
    assert code == 1
    assert f"{book}:25:9:" in err and "a criterion with known_gap has no check yet" in err


def test_decision_json_carries_provenance_gap_and_priority(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(tmp_path, capsys, staff=6)
    assert code == 0
    d = json.loads(out)
    assert d["verdict"] == "needs_review"
    by_id = {c["id"]: c for c in d["criteria"]}
    assert by_id["credit"]["status"] == "review"
    assert by_id["credit"]["known_gap"]["en"] == "the credit rules are not yet published"
    assert any("known gap" in n for n in by_id["credit"]["notes"])
    cite = by_id["staff"]["citation"]
    assert cite["explainer"] == {"document": "《示例择优办法》政策解读",
                                 "text": "专职人员指与单位签订劳动合同的全职人员",
                                 "issuer": "示例局", "date": "2024-01-05",
                                 "url": "https://example.org/jiedu"}
    assert cite["inferred"]["reason"].startswith("the published text has no article")
    factors = {p["id"]: p for p in by_id["staff"]["priority"]}
    assert factors["more_staff"]["status"] == "pass"
    assert factors["more_staff"]["figures"][0]["text"] == \
        "ip_full_time_staff = 6 (needs at least 5)"
    assert factors["strategy_points"]["status"] == "review"
    # additive only: criteria without these keep exactly the old keys
    assert "priority" not in by_id["legal_person"] and "known_gap" not in by_id["staff"]
    assert set(by_id["legal_person"]["citation"]) == {"article", "item", "paragraph", "text"}


def test_priority_factors_never_change_the_verdict(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, strong = _check(tmp_path, capsys, staff=6)
    _, weak = _check(tmp_path, capsys, staff=4)
    strong_d, weak_d = json.loads(strong), json.loads(weak)
    assert strong_d["verdict"] == weak_d["verdict"] == "needs_review"
    assert [c["status"] for c in strong_d["criteria"]] == \
        [c["status"] for c in weak_d["criteria"]]
    weak_staff = next(c for c in weak_d["criteria"] if c["id"] == "staff")
    assert weak_staff["priority"][0]["status"] == "fail"


def test_renderings_show_provenance_and_priority(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("text", "markdown", "html"):
        code, out = _check(tmp_path, capsys, staff=6, fmt=fmt)
        assert code == 0
        assert "Priority factors (beside the verdict, never changing it)" in out, fmt
        assert "Five or more staff are preferred" in out, fmt
        assert "ip_full_time_staff = 6 (needs at least 5)" in out, fmt
        assert "article number inferred" in out, fmt
        assert "《示例择优办法》政策解读" in out and "not checked against the measure" in out, fmt
        assert "known gap: the credit rules are not yet published" in out, fmt


def test_decision_json_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ipdesignate.decision.model import Decision

    _, out = _check(tmp_path, capsys, staff=6)
    again = Decision.model_validate_json(out)
    assert json.loads(again.model_dump_json()) == json.loads(out)


def test_a_lifecycle_rule_may_cite_an_explainer_and_an_inferred_number(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from ipdesignate.library.library import bundled_directory

    root = tmp_path / "books"
    shutil.copytree(bundled_directory(), root)
    book = root / "bj-ip-cluster-zone" / "2020.yaml"
    old = ('      cite: {article: 8, item: 3, text: "市知识产权局对认定集聚示范区的，'
           '在网站上进行公示，公示期满无异议的，向社会发布。"}\n')
    text = book.read_text("utf-8")
    assert old in text
    book.write_text(text.replace(old, old[:-2] + (
        ', explainer: {document: 《示例》政策解读, text: 公示期为五个工作日},'
        ' inferred: {reason: test}}\n')), "utf-8")
    code, out, err = run(capsys, "validate", str(book))
    assert code == 0, err
    assert "note: the words quoted from 《示例》政策解读 are not checked" in out
    assert "note: 第8条 is an inferred number: test" in out
