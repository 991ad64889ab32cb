"""Issue 9 reproducers for batch timelines: every unit the input contains is counted once,
none is lost, none is made up, and units that cannot be read are named by position."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from ipdesignate.cli.main import main
from ipdesignate.lifecycle.units import read_units
from tests.lifecycle.helpers import CLUSTER, RULEBOOKS

SECTION = str(RULEBOOKS[CLUSTER])
N = 300
BAD = 120  # 0-based index of the unit that is broken


def _unit(i: int) -> dict[str, Any]:
    return {"unit": f"z{i}", "events": [{"id": "d1", "type": "designated",
                                         "date": "2020-09-01", "designation": "cluster_zone"}]}


def _run(path: Path) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["timeline", str(path), "--rulebook", SECTION, "--on", "2021-01-01",
                     "--format", "json"])
    return code, [json.loads(x)["unit"] for x in out.getvalue().splitlines()], _as_text(
        err.getvalue())


def _as_text(err: str) -> str:
    """``--format json`` errors (problem documents, one a line) as located text lines."""
    out = []
    for line in err.splitlines():
        doc = json.loads(line)
        out.append(doc["detail"] + (f" [unit {doc['unit']}]" if "unit" in doc else ""))
        out += [f"{p['file']}:{p['line']}:{p['column']}: {p['message']}"
                + (f" [at {p['location']}]" if p.get("location") else "")
                for p in doc.get("problems", [])]
    return "\n".join(out)


def _expect_all_but_one(code: int, units: list[str], err: str) -> None:
    assert code == 1
    assert units == [f"z{i}" for i in range(N) if i != BAD]
    assert f"{N - 1} of {N} units done" in err
    assert f"#{BAD + 1} " in err or f"line {BAD + 1}" in err, err


def test_json_array_missing_a_brace_loses_only_that_unit(tmp_path: Path) -> None:
    text = json.dumps([_unit(i) for i in range(N)])
    at = text.index(f'"z{BAD}"')
    end = text.index("}]}", at)
    f = tmp_path / "batch.json"
    f.write_text(text[:end] + "]" + text[end + 3:], "utf-8")  # one '}' missing
    code, units, err = _run(f)
    _expect_all_but_one(code, units, err)
    assert f"batch.json:1:{text.index('{', at - 10) + 1}:" in err  # the unit, not the end


def test_pretty_json_array_missing_a_brace(tmp_path: Path) -> None:
    text = json.dumps([_unit(i) for i in range(N)], indent=2)
    at = text.index(f'"z{BAD}"')
    end = text.index("]\n  }", at)
    f = tmp_path / "batch.json"
    f.write_text(text[:end + 1] + text[end + 5:], "utf-8")
    _expect_all_but_one(*_run(f))


def test_yaml_list_with_an_unquoted_bad_date_loses_only_that_unit(tmp_path: Path) -> None:
    f = tmp_path / "batch.yaml"
    f.write_text("".join(
        f"- unit: z{i}\n  events:\n    - {{id: d1, type: designated, date: "
        f"{'2021-02-30' if i == BAD else '2020-09-01'}, designation: cluster_zone}}\n"
        for i in range(N)), "utf-8")
    code, units, err = _run(f)
    _expect_all_but_one(code, units, err)
    assert f"batch.yaml:{3 * BAD + 3}:" in err and f"[at [{BAD}].events[0].date]" in err


def test_json_lines_line_that_does_not_parse_is_counted(tmp_path: Path) -> None:
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join(json.dumps(_unit(i))[:-3] if i == BAD else json.dumps(_unit(i))
                           for i in range(N)) + "\n", "utf-8")
    code, units, err = _run(f)
    _expect_all_but_one(code, units, err)
    assert f"batch.jsonl:{BAD + 1}:" in err


def test_one_units_events_are_never_taken_for_units(tmp_path: Path) -> None:
    events = "".join(f"- {{id: e{i}, type: designated, date: "
                     f"{'2021-02-30' if i == 3 else '2020-09-0' + str(i + 1)}, "
                     "designation: cluster_zone}\n" for i in range(6))
    for name, text in (("bare.yaml", events), ("unit.yaml", "unit: one\nevents:\n" + events)):
        f = tmp_path / name
        f.write_text(text, "utf-8")
        code, units, err = _run(f)
        assert code == 1 and units == [], err  # nothing printed for a unit not in the input
        assert "not run" in err and "2021-02-30" in err


def test_units_without_events_are_counted_not_dropped(tmp_path: Path) -> None:
    f = tmp_path / "batch.yaml"
    f.write_text("- unit: a\n  events: []\n- unit: b\n- unit: c\n  events: []\n", "utf-8")
    code, units, err = _run(f)
    assert code == 1 and units == ["a", "c"]
    assert "2 of 3 units done" in err and "a unit needs 'events'" in err


def test_many_events_in_one_unit_are_not_an_alias_bomb() -> None:
    events = [{"id": f"e{i}", "type": "designated", "date": "2020-09-01",
               "designation": "cluster_zone"} for i in range(40_000)]
    problems: list[Any] = []
    units = read_units("one.json", json.dumps({"unit": "u", "events": events}).encode(),
                       problems)
    assert problems == [] and len(units) == 1 and units[0].located is not None


def test_garbage_at_column_zero_inside_a_unit_does_not_merge_the_batch() -> None:
    # found by the fuzz suite: a '{' at the start of a line was taken for a top-level key
    text = ("- unit: z0\n  events:\n{   - {id: d1, type: designated, date: 2020-09-01, "
            "designation: cluster_zone}\n- unit: z1\n  events:\n    - {id: d1, type: "
            "designated, date: 2020-09-01, designation: cluster_zone}\n")
    units = read_units("b.yaml", text.encode(), [])
    assert [(u.unit, u.located is not None) for u in units] == [("#1 (at line 1)", False),
                                                                ("z1", True)]


def test_a_bare_events_object_inside_a_broken_json_unit_is_not_a_unit() -> None:
    # found by the fuzz suite: {"events": …} nested in a broken unit was taken for a unit
    text = ('[{"unit": "z0",{"events": [{"id": "d1", "type": "designated", "date": '
            '"2020-09-01", "designation": "cluster_zone"}]}]\n')
    units = read_units("b.json", text.encode(), [])
    assert [(u.unit, u.located is not None) for u in units] == [("in this file", False)]


def test_a_list_whose_every_unit_is_broken_counts_every_unit() -> None:
    # found by the fuzz suite: two units, both mis-indented, were counted as one
    text = ("- unit: z0\n events:\n    - {id: d1, type: designated, date: 2020-09-01}\n"
            "- unit: z1\n events:\n    - {id: d1, type: designated, date: 2020-09-01}\n")
    units = read_units("b.yaml", text.encode(), [])
    assert [(u.unit, u.located) for u in units] == [("#1 (at line 1)", None),
                                                    ("#2 (at line 4)", None)]


def test_units_written_as_units_are_units_even_without_events() -> None:
    # found by the fuzz suite: 'vents:' in every unit made the list one unit's events
    text = ("- unit: z0\n  vents: []\n- unit: z1\n  vents: []\n")
    problems: list[Any] = []
    units = read_units("b.yaml", text.encode(), problems)
    assert [(u.unit, u.located) for u in units] == [("z0", None), ("z1", None)]
    assert any("a unit needs 'events'" in str(p) for p in problems)
