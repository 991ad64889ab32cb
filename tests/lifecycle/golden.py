"""A golden corpus for ``ipdesignate timeline``: its output must stay byte-identical while
the lifecycle engine's internals change (issue 13: speed).

The corpus is generated, not stored: random histories (fixed seeds) over every event type
of both measures and of the test section files, the benchmark's population, the test
batch files and the examples. ``golden.json`` holds, per command line, the sha256 of exit
code, stdout and stderr. ``test_lifecycle_golden.py`` compares; after a change that is
*meant* to change timelines, regenerate with

    .venv/bin/python -m tests.lifecycle.golden --write [--keep DIR]

(``--keep DIR`` also writes every output, to diff against an older tree's).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import hashlib
import io
import json
import random
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ipdesignate._core.yaml import load_file

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GOLDEN = HERE / "golden.json"
CLUSTER = ROOT / "rulebooks" / "bj-ip-cluster-zone" / "2020.yaml"
PILOT = ROOT / "rulebooks" / "bj-ip-pilot-demonstration" / "2018.yaml"
RECURRING = HERE / "recurring-section.yaml"
WORKING = HERE / "working-days-section.yaml"
BENCH_Z = "cluster_zone"


def _event_types(path: Path) -> Mapping[str, Any]:
    problems: list[Any] = []
    located = load_file(path, problems)
    assert located is not None, problems
    types: Mapping[str, Any] = located.data["event_types"]
    return types


def random_history(rng: random.Random, types: Mapping[str, Any], designations: list[str],
                   n: int, start: _dt.date) -> list[dict[str, Any]]:
    """``n`` events of any declared type, in date order, respecting ``after``; every detail
    filled (a choice, a date or a text); sometimes two events on one day."""
    names = sorted(types)
    first = next((t for t in ("designated", "proposed") if t in types), names[0])
    day = start
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    while len(out) < n:
        kind = first if not out else rng.choice(names)
        after = types[kind].get("after") or ()
        if after and not any(a in seen for a in after):
            continue
        seen.add(kind)
        if out and rng.random() > 0.1:
            day += _dt.timedelta(days=rng.choice((1, 2, 7, 30, 60, 120, 180, 200, 365)))
        event: dict[str, Any] = {"id": f"e{len(out)}", "type": kind, "date": day.isoformat()}
        need = types[kind].get("designation", "required")
        if need == "required" or (need == "optional" and rng.random() < 0.5):
            event["designation"] = rng.choice(designations)
        details: dict[str, Any] = {}
        for field, spec in (types[kind].get("fields") or {}).items():
            choice = spec.get("choice") if isinstance(spec, dict) else spec
            if isinstance(choice, list | dict):
                details[field] = rng.choice(sorted(choice))
            elif "date" in field:
                details[field] = (day - _dt.timedelta(days=rng.randint(0, 400))).isoformat()
            else:
                details[field] = rng.choice(("市知识产权局", "区市场监管局", "x"))
        if details:
            event["details"] = details
        out.append(event)
    return out


def bench_history(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """The benchmark's population (benchmarks/bench_lifecycle.py ``history``), as data."""
    day = _dt.date(2020, 9, 1)
    events: list[dict[str, Any]] = [{"id": "e0", "type": "designated",
                                     "date": day.isoformat(), "designation": BENCH_Z}]
    choices: list[tuple[str, dict[str, str]]] = [
        ("assessment_standards_issued", {}), ("annual_report_submitted", {}),
        ("assessment_result", {"result": "pass"}), ("assessment_result", {"result": "fail"}),
        ("reassessment_result", {"result": "pass"}), ("reassessment_result", {"result": "fail"}),
        ("operator_change", {"change": "name_change"}), ("change_filed", {}),
        ("change_review", {"outcome": "conditions_met"}), ("other_violation", {}),
        ("application", {}),
    ]
    assessed = False
    while len(events) < n:
        day += _dt.timedelta(days=rng.randint(1, 60))
        kind, details = rng.choice(choices)
        if kind == "reassessment_result" and not assessed:
            kind, details = "assessment_result", {"result": "fail"}
        assessed = assessed or kind == "assessment_result"
        event: dict[str, Any] = {"id": f"e{len(events)}", "type": kind, "date": day.isoformat()}
        if kind != "other_violation":
            event["designation"] = BENCH_Z
        if details:
            event["details"] = details
        events.append(event)
    if rng.random() < 0.2:
        day += _dt.timedelta(days=1)
        events[-1] = {"id": events[-1]["id"], "type": "termination_announcement",
                      "date": day.isoformat(), "designation": BENCH_Z,
                      "details": {"ground": "assessment"}}
    return events


def _jsonl(units: list[tuple[str, list[dict[str, Any]]]]) -> str:
    return "".join(json.dumps({"unit": u, "events": e}, ensure_ascii=False) + "\n"
                   for u, e in units)


def inputs() -> dict[str, tuple[str, list[str]]]:
    """name -> (file text, extra arguments): every generated input of the corpus."""
    out: dict[str, tuple[str, list[str]]] = {}
    rng = random.Random(20240601)
    bench = [(f"b{i}", bench_history(rng, 20)) for i in range(300)]
    out["bench.jsonl"] = (_jsonl(bench), ["--rulebook", str(CLUSTER)])
    for name, path, desig, start in (
            ("cluster", CLUSTER, ["cluster_zone"], _dt.date(2020, 8, 1)),
            ("pilot", PILOT, ["pilot", "demonstration"], _dt.date(2019, 3, 1)),
            ("recurring", RECURRING, ["d", "e"], _dt.date(2020, 3, 10)),
            ("working", WORKING, ["d"], _dt.date(2023, 1, 3))):
        rng = random.Random(name)
        types = _event_types(path)
        units = [(f"{name}-{i}", random_history(rng, types, desig, rng.choice((1, 3, 8, 20, 40)),
                                                start))
                 for i in range(200 if name in ("cluster", "pilot") else 60)]
        out[f"{name}.jsonl"] = (_jsonl(units), ["--rulebook", str(path)])
    scenarios = HERE / "scenarios"
    for file, path in (("cluster-zone.yaml", CLUSTER), ("pilot-demonstration.yaml", PILOT)):
        problems: list[Any] = []
        located = load_file(scenarios / file, problems)
        assert located is not None, problems
        units = [(case["name"], [_plain(e) for e in case["events"]])
                 for case in located.data["cases"]]
        out[f"scenarios-{file}.jsonl"] = (_jsonl(units), ["--rulebook", str(path)])
    return out


def _plain(event: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, _dt.date) else
                {dk: (dv.isoformat() if isinstance(dv, _dt.date) else dv)
                 for dk, dv in v.items()} if isinstance(v, Mapping) else v)
            for k, v in event.items()}


def command_lines(tmp: Path) -> Iterator[tuple[str, list[str]]]:
    """(name, argv) of every command of the corpus; generated inputs are written to ``tmp``."""
    files: list[tuple[str, str, list[str], bool]] = []
    for name, (text, extra) in inputs().items():
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        files.append((name, str(path), extra, name in ("bench.jsonl", "cluster.jsonl",
                                                      "pilot.jsonl")))
    for f in ("batch.json", "batch.jsonl", "batch.yaml", "batch-bad-date.yaml",
              "one-unit.yaml"):
        files.append((f, str(HERE / f), ["--rulebook", str(CLUSTER)], False))
    for f in sorted((ROOT / "examples" / "lifecycle").iterdir()):
        files.append((f"examples/{f.name}", str(f), [], False))
    for name, path, extra, forked in files:
        for on in (None, "2021-06-30", "2024-01-01"):
            for fmt in ("text", "json"):
                for jobs in (1, 2) if forked else (1,):
                    argv = ["timeline", path, *extra, "--format", fmt]
                    if on is not None:
                        argv += ["--on", on]
                    if jobs > 1:
                        argv += ["--jobs", str(jobs)]
                    key = f"{name} {fmt} on={on or '-'} jobs={jobs}"
                    yield key, argv


def run(argv: list[str]) -> tuple[int, str, str]:
    from ipdesignate.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def digest(result: tuple[int, str, str], tmp: Path) -> str:
    # Where the generated inputs and the checkout live is not part of the output.
    return hashlib.sha256(_text(result, tmp).encode("utf-8")).hexdigest()


def _text(result: tuple[int, str, str], tmp: Path) -> str:
    code, out, err = result
    text = f"{code}\n{out}\n--stderr--\n{err}"
    return text.replace(str(tmp), "<tmp>").replace(str(ROOT), "<root>")


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write golden.json")
    parser.add_argument("--keep", metavar="DIR", help="also write every output here")
    args = parser.parse_args()
    found: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for key, argv in command_lines(tmp):
            result = run(argv)
            found[key] = digest(result, tmp)
            if args.keep:
                keep = Path(args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                (keep / key.replace("/", "_").replace(" ", "_")).write_text(
                    _text(result, tmp), encoding="utf-8")
    if args.write:
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(found)} command lines")


if __name__ == "__main__":
    main()
