"""Histories that cross versions (issue 10 item 9): ``lifecycle.carries_over``.

The revision fixture's 2026 version declares how a history begun under 2018 is read: pilot
carries over as 2026's pilot (read by 2026's rules), demonstration is kept under the 2018
rules until it expires. Everything runs through ``ipdesignate.cli.main.main``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ipdesignate.cli.main import main

HERE = Path(__file__).resolve().parent / "revision"
BOOKS = HERE / "rulebooks"
OLD = BOOKS / "bj-ip-pilot-demonstration" / "2018.yaml"
NEW = BOOKS / "bj-ip-pilot-demonstration" / "2026.yaml"
HISTORY = HERE / "histories" / "pilot-across-2024.yaml"
PROFILES = HERE / "profiles"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    """The fixture folder with one edit of the 2026 file (as policy staff would make it)."""
    books = tmp_path / "rulebooks"
    shutil.copytree(BOOKS, books)
    f = books / "bj-ip-pilot-demonstration" / "2026.yaml"
    text = f.read_text("utf-8")
    assert old in text
    f.write_text(text.replace(old, new), "utf-8")
    return books


def test_timeline_before_the_revision_is_the_old_version(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(HISTORY), "--rulebooks", str(BOOKS),
                         "--on", "2024-06-01")
    assert code == 0, err
    assert "(bj-ip-pilot-demonstration@2018)" in out
    assert "status pilot: valid (since 2022-09-01; rule validity_three_years," in out
    assert "carried over" not in out and "of version" not in out


def test_timeline_after_the_revision_reads_the_old_events_as_declared(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(HISTORY), "--rulebooks", str(BOOKS),
                         "--on", "2025-03-15")
    assert code == 0, err
    assert "(bj-ip-pilot-demonstration@2026)" in out
    # each old event says how it was read
    assert ("carried over: p-2022 2022-09-01 designated[pilot] of version 2018: read by "
            "version 2026's rules as designated[pilot] (lifecycle.carries_over)") in out
    assert ("carried over: dm-2021 2021-12-01 designated[demonstration] of version 2018: "
            "read by version 2018's rules, kept until it expires") in out
    # pilot: 2026's transitional rule (three years for designations made before it)
    assert ("status pilot: valid (since 2022-09-01; rule validity_three_years of version "
            "2026, 第13条第2款") in out
    # demonstration: the 2018 rules, which let it expire three years after 2021-12-01
    assert ("status demonstration: expired (since 2024-12-02; rule validity_three_years of "
            "version 2018, 第13条 “知识产权试点示范单位资格有效期为三年。”)") in out
    # the event written in 2026's terms is read by 2026's rules
    assert "designation_in_fourth_quarter of version 2026" in out


def test_timeline_json_cites_the_version_of_each_fact(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "timeline", str(HISTORY), "--rulebooks", str(BOOKS),
                         "--on", "2025-03-15", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["status"]["pilot"]["version"] == "2026"
    assert data["status"]["demonstration"]["version"] == "2018"
    assert data["status"]["demonstration"]["id"].startswith("2018:")
    assert set(data["carried"]) == {"dm-2021", "p-2022"}
    # the whole timeline too
    code, out, err = run(capsys, "timeline", str(HISTORY), "--rulebook", str(NEW),
                         "--format", "json")
    # a single file: the superseded version is not loaded, and the history says so
    assert code == 1 and out == ""
    problem = json.loads(err)
    assert "version 2018 (lifecycle.carries_over.from), which is not loaded" in (
        problem["problems"][0]["message"])


def test_a_batch_crosses_versions_unit_by_unit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    units = tmp_path / "units.yaml"
    units.write_text(
        "- unit: old-pilot\n"
        "  events: [{id: p1, type: designated, date: 2022-09-01, designation: pilot}]\n"
        "- unit: new-pilot\n"
        "  events: [{id: p2, type: designated, date: 2024-12-01, designation: pilot}]\n"
        "- unit: undeclared\n"
        "  events: [{id: x1, type: designated, date: 2021-01-05, designation: demo}]\n",
        "utf-8")
    code, out, err = run(capsys, "timeline", str(units), "--rulebooks", str(BOOKS),
                         "--on", "2025-03-15")
    assert code == 1
    assert "unit old-pilot" in out and "validity_three_years of version 2026" in out
    # a history that begins after the revision is the new version's alone
    assert "unit new-pilot" in out and "status pilot: valid (since 2024-12-01; rule " \
        "validity_five_years, " in out
    assert "unit undeclared: not run" in err and f"{units}:6:" in err
    assert "2 of 3 units done" in err


def test_check_counts_pilot_time_held_under_the_old_version(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(PROFILES / "pilot-since-2022.yaml"), "-d",
                         "advantage", "--rulebooks", str(BOOKS), "--on", "2025-03-15",
                         "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["verdict"] == "eligible" and d["rulebook"]["version"] == "2026"
    (crit,) = d["criteria"]
    notes = "\n".join(crit["notes"])
    assert "by lifecycle rule validity_three_years of version 2026" in notes
    assert ("event p-2022: 2022-09-01 designated[pilot] of version 2018: read by version "
            "2026's rules as designated[pilot]") in notes
    assert "pilot held without a break since 2022-09-01: at least 2 years on 2025-03-15" in notes


def test_an_undeclared_old_designation_is_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    books = _copy(tmp_path, "    keep_until_expiry: [demonstration]\n", "")
    code, out, err = run(capsys, "timeline", str(HISTORY), "--rulebooks", str(books),
                         "--on", "2025-03-15")
    assert code == 1 and out == ""
    assert (f"{HISTORY}:7:68: designation 'demonstration' of version 2018 (this event "
            "predates version 2026, in force from 2024-10-08) is not declared in version "
            "2026's lifecycle.carries_over") in err
    assert "carries_over.keep_until_expiry" in err


def test_a_renamed_event_type_carries_over_as_declared(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 2026 renames review_result to re_review; the old history keeps the old name
    books = _copy(tmp_path, "    designations: {pilot: pilot}\n",
                  "    designations: {pilot: pilot}\n    events: {review_result: re_review}\n")
    f = books / "bj-ip-pilot-demonstration" / "2026.yaml"
    text = f.read_text("utf-8").replace("review_result: re_review", "@@")
    f.write_text(text.replace("review_result", "re_review").replace("@@",
                 "review_result: re_review"), "utf-8")
    history = tmp_path / "h.yaml"
    history.write_text(
        "unit: u\nevents:\n"
        "  - {id: p, type: designated, date: 2021-11-20, designation: pilot}\n"
        "  - {id: r, type: review_result, date: 2024-09-15, designation: pilot, "
        "details: {result: pass}}\n", "utf-8")
    code, out, err = run(capsys, "timeline", str(history), "--rulebooks", str(books),
                         "--on", "2025-03-15")
    assert code == 0, err
    assert ("carried over: r 2024-09-15 review_result[pilot] of version 2018: read by "
            "version 2026's rules as re_review[pilot]") in out
    assert "of version 2026" in out
    # without the mapping, the old type has no counterpart: said at the event
    text = f.read_text("utf-8").replace("    events: {review_result: re_review}\n", "")
    f.write_text(text, "utf-8")
    code, out, err = run(capsys, "timeline", str(history), "--rulebooks", str(books),
                         "--on", "2025-03-15")
    assert code == 1
    assert (f"{history}:4:") in err and ("event type 'review_result' of version 2018 has no "
                                         "counterpart in version 2026") in err


def test_validate_checks_the_names_on_both_sides(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    declared = "    designations: {pilot: pilot}\n    keep_until_expiry: [demonstration]\n"
    # names of the new version: checked in its own file
    books = _copy(tmp_path / "a", declared,
                  "    designations: {pilot: pilto}\n    keep_until_expiry: [demonstration]\n"
                  "    events: {designated: designatd}\n")
    code, _, err = run(capsys, "validate", str(books))
    assert code == 1
    f = books / "bj-ip-pilot-demonstration" / "2026.yaml"
    assert (f"{f}:848:27: 'pilto' is not a designation of version 2026; did you mean "
            "'pilot'? (expected one of pilot, demonstration, advantage)") in err
    assert (f"{f}:850:26: 'designatd' is not an event type of version 2026; did you mean "
            "'designated'?") in err
    # names of the old version: checked across the files of the folder
    books = _copy(tmp_path / "b", declared,
                  "    designations: {pilot: pilot, demonstraton: demonstration}\n"
                  "    keep_until_expiry: [demonstration]\n"
                  "    events: {review_reslt: review_result}\n")
    code, _, err = run(capsys, "validate", str(books))
    assert code == 1
    f = books / "bj-ip-pilot-demonstration" / "2026.yaml"
    assert (f"{f}:848:34: 'demonstraton' is not a designation of version 2018; did you mean "
            "'demonstration'?") in err
    assert (f"{f}:850:14: 'review_reslt' is not an event type of version 2018; did you mean "
            "'review_result'?") in err
    # a library that loads the same folder refuses it too (check never runs on it)
    code, _, err = run(capsys, "check", str(PROFILES / "steady.yaml"), "-d", "pilot",
                       "--rulebooks", str(books), "--on", "2025-03-15")
    assert code == 1 and "'demonstraton' is not a designation of version 2018" in err


def test_validate_one_file_notes_the_missing_old_version(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(NEW))
    assert code == 0, err
    assert ("note: carries_over.from names version '2018' of bj-ip-pilot-demonstration, "
            "which is not among the rulebooks given") in out


def test_diff_shows_the_declaration_with_its_clause(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "diff", str(OLD), str(NEW))
    assert code == 0, err
    assert "lifecycle carries_over:" in out
    assert "carries_over (designations.pilot): — → pilot" in out
    assert 'carries_over (keep_until_expiry): — → ["demonstration"]' in out
    assert "carries_over (from): — → 2018" in out
    assert ("new 第十三条第二款 「本办法施行前认定的知识产权试点示范单位,资格有效期仍为三年。」"
            in out)
    code, out, _ = run(capsys, "diff", str(OLD), str(NEW), "--format", "json")
    changes = [c for c in json.loads(out)["changes"] if c["aspect"] == "carries_over"]
    assert {c["path"] for c in changes} == {"designations.pilot", "from", "keep_until_expiry"}
