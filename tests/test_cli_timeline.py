"""The ``timeline`` command, run through ``main()`` as users run it."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from ipdesignate.cli.main import main
from tests.lifecycle.helpers import CLUSTER, PILOT, RULEBOOKS

HERE = Path(__file__).parent / "lifecycle"
CLUSTER_SECTION = str(RULEBOOKS[CLUSTER])
PILOT_SECTION = str(RULEBOOKS[PILOT])


def _run(*argv: str) -> tuple[int, str, str]:
    """The command as users run it: through ``main()``, output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["timeline", *argv])
    return code, out.getvalue(), err.getvalue()


def test_one_unit_text_on_a_date() -> None:
    code, out, err = _run(str(HERE / "one-unit.yaml"), "--rulebook", CLUSTER_SECTION,
                          "--on", "2021-07-01")
    assert code == 0, err
    assert "status cluster_zone: terminated (since 2021-07-01" in out
    assert "bar reapplication_bar [cluster_zone] until 2023-07-01" in out
    assert "第10条第4项" in out


def test_one_unit_whole_timeline_json_is_stable() -> None:
    args = (str(HERE / "one-unit.yaml"), "--rulebook", CLUSTER_SECTION, "--format", "json")
    first = _run(*args)
    assert first[0] == 0 and first[1] == _run(*args)[1]
    data = json.loads(first[1])
    assert data["unit"] == "zone-001"
    assert [f["rule_id"] for f in data["facts"]][-1] == "reapplication_bar"


def test_batch_yaml_reports_bad_unit_and_keeps_the_others() -> None:
    code, out, err = _run(str(HERE / "batch.yaml"), "--rulebook", CLUSTER_SECTION,
                          "--format", "json", "--on", "2021-03-01")
    assert code == 1
    units = [json.loads(line)["unit"] for line in out.splitlines()]
    assert units == ["zone-001", "zone-003"]
    # --format json: each error is a problem document a line, naming its unit
    docs = [json.loads(line) for line in err.splitlines()]
    where = {(p["file"].rsplit("/", 1)[-1], p["line"], p["message"].split(" (")[0])
             for d in docs for p in d.get("problems", [])}
    assert any(w[:2] == ("batch.yaml", 8) and "unknown event type 'no_such_event'" in w[2]
               for w in where)
    assert any(w[:2] == ("batch.yaml", 9) and "out of date order" in w[2] for w in where)
    assert "missing detail 'result'" in err
    assert docs[0]["unit"] == "zone-002" and docs[0]["status"] == 422
    assert docs[-1] == {"units": 3, "done": 2, "detail": "2 of 3 units done"}
    obligations = json.loads(out.splitlines()[1])["obligations"]
    assert [o["fact"]["name"] for o in obligations] == ["change_filing"]


def _as_text(err: str) -> str:
    """``--format json`` errors (problem documents, one a line) as located text lines."""
    out = []
    for line in err.splitlines():
        doc = json.loads(line)
        out.append(doc["detail"])
        out += [f"{p['file']}:{p['line']}:{p['column']}: {p['message']}"
                for p in doc.get("problems", [])]
    return "\n".join(out)


def test_batch_yaml_with_an_invalid_calendar_date_keeps_the_others() -> None:
    code, out, err = _run(str(HERE / "batch-bad-date.yaml"), "--rulebook", CLUSTER_SECTION,
                          "--format", "json")
    assert code == 1
    assert [json.loads(x)["unit"] for x in out.splitlines()] == ["zone-001", "zone-003"]
    text = _as_text(err)
    assert "batch-bad-date.yaml:6:" in text and "2021-02-30" in text
    assert "unit #2 (at line 4): not run" in text and "2 of 3 units done" in text


def test_batch_json_lines() -> None:
    code, out, err = _run(str(HERE / "batch.jsonl"), "--rulebook", CLUSTER_SECTION,
                          "--format", "json")
    assert code == 1
    assert [json.loads(x)["unit"] for x in out.splitlines()] == ["zone-001", "zone-004"]
    text = _as_text(err)
    assert "batch.jsonl:2:" in text and "cannot be parsed" in text
    assert "batch.jsonl:3:" in text and "missing detail 'result'" in text


def test_batch_json_text() -> None:
    code, out, err = _run(str(HERE / "batch.json"), "--rulebook", PILOT_SECTION,
                          "--on", "2022-01-01")
    assert code == 0, err
    assert "unit p-1" in out and "status pilot: revoked" in out
    assert "bar reapplication_bar [demonstration] until 2024-05-10" in out
    assert "unit p-2" in out and "status pilot: valid" in out


def test_bad_arguments_and_files(tmp_path: Path) -> None:
    assert _run(str(HERE / "one-unit.yaml"), "--rulebook", CLUSTER_SECTION,
                "--on", "2021-02-30")[0] == 2
    # Without --rulebook: the bundled library's one measure whose event types fit.
    code, out, err = _run(str(HERE / "one-unit.yaml"), "--on", "2021-07-01")
    assert code == 0 and "status cluster_zone: terminated" in out, err
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("events:\n  - {id: e, type: nothing_known, date: 2020-01-01}\n",
                       encoding="utf-8")
    code, _, err = _run(str(unknown))
    assert code == 1 and "--measure" in err and "--rulebook" in err
    code, _, err = _run(str(HERE / "one-unit.yaml"), "--measure", "bj-ip-cluster")
    assert code == 1 and "did you mean 'bj-ip-cluster-zone'" in err
    code, _, err = _run(str(tmp_path / "missing.yaml"), "--rulebook", CLUSTER_SECTION)
    assert code == 1 and "cannot read file" in err
    broken = tmp_path / "broken.lifecycle.yaml"
    broken.write_text("event_types: {}\nlifecycle:\n  rules:\n    - id: x\n", encoding="utf-8")
    code, _, err = _run(str(HERE / "one-unit.yaml"), "--rulebook", str(broken))
    assert code == 1 and "broken.lifecycle.yaml:4:" in err
    assert "Traceback" not in err


def test_lifecycle_section_with_unknown_references_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lifecycle.yaml"
    bad.write_text(
        "event_types:\n"
        "  a: {text: {zh: 甲, en: A}}\n"
        "lifecycle:\n"
        "  rules:\n"
        "    - id: r\n"
        "      cite: {article: 1, text: 甲}\n"
        "      text: {zh: 甲, en: A}\n"
        "      on: {event: b}\n"
        "      requires: [{fact: nothing}]\n"
        "      then: [{finding: f}]\n", encoding="utf-8")
    code, _, err = _run(str(HERE / "one-unit.yaml"), "--rulebook", str(bad))
    assert code == 1
    assert "bad.lifecycle.yaml:8:" in err and "unknown event type 'b'" in err
    assert "bad.lifecycle.yaml:9:" in err and "no rule derives 'nothing'" in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_empty_batch(tmp_path: Path, fmt: str) -> None:
    empty = tmp_path / "none.json"
    empty.write_text("[]", encoding="utf-8")
    assert _run(str(empty), "--rulebook", CLUSTER_SECTION, "--format", fmt)[:2] == (0, "")


def test_the_measure_trial_is_context_not_an_obligation() -> None:
    """第十五条 试行一年 is a period of the measure: shown as context, never as the unit's
    open or overdue obligation or period."""
    code, out, err = _run(str(HERE / "one-unit.yaml"), "--rulebook", CLUSTER_SECTION,
                          "--on", "2022-06-01")
    assert code == 0, err
    assert "context: measure trial (1 year)" in out and "not an obligation of the unit" in out
    assert "measure_trial" not in out
    code, out, err = _run(str(HERE / "one-unit.yaml"), "--rulebook", CLUSTER_SECTION,
                          "--on", "2022-06-01", "--format", "json")
    first = json.loads(out.splitlines()[0])
    assert first["context"] and "measure_trial" not in {o["fact"]["name"]
                                                        for o in first["obligations"]}
