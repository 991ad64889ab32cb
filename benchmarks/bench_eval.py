"""Benchmark: evaluation with full trace, rulebook load, import time — against baselines
measured in the same run (same-run ratios are what count on a shared, noisy machine).

    python benchmarks/bench_eval.py            # needs: pip install -e '.[bench]' for ZEN

Prints µs per evaluation (median of repeats), profiles per second, and ratios to:
- the floor: the same pilot criteria hand-written with Decimal (benchmarks/floor.py);
- GoRules ZEN (zen-engine) on the same criteria, without and with its trace.
Targets (issue 2): within 10x of the floor, faster than ZEN with trace, load+validate
under 100 ms, and import well under 300 ms beyond what the dependencies themselves take.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from floor import pilot_floor  # noqa: E402

import ipdesignate  # noqa: E402

PILOT_BOOK = Path(os.environ.get("BENCH_PILOT_BOOK")
                  or ROOT / "rulebooks" / "bj-ip-pilot-demonstration" / "2018.yaml")
PROFILE = ROOT / "examples" / "pilot-enterprise.yaml"
ON = dt.date(2024, 3, 15)


def per_call_us(fn: Any, number: int, repeat: int = 7) -> float:
    """Median over ``repeat`` runs of the mean time per call, in µs."""
    runs = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(runs) / number * 1e6


def import_ms() -> tuple[float, float, float]:
    """Wall time of a fresh interpreter importing ipdesignate, and importing only its
    dependencies (the part no code of ours can remove), median of 5 each."""
    def run(stmt: str) -> float:
        code = f"import time; t=time.perf_counter(); {stmt}; print(time.perf_counter()-t)"
        out = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True).stdout) for _ in range(5)]
        return statistics.median(out) * 1000

    deps = ("import pydantic, pydantic_core; from pydantic import BaseModel, TypeAdapter; "
            "import ruamel.yaml; import dateutil.relativedelta")
    full = "import ipdesignate; ipdesignate.load_rulebook; ipdesignate.Decision"
    return run("import ipdesignate"), run(full), run(deps)


# ---- GoRules ZEN on the same pilot criteria ---------------------------------------------

ZEN_EXPRESSIONS = {
    "registered_legal_person": "registered_in_beijing and independent_legal_person",
    "key_industry": "in_key_industry",
    "ip_strategy": "ip_strategy_attested",
    "ip_department_and_staff": "has_ip_department and ip_full_time_staff >= 1",
    "ip_management_system": "ip_management_standard != 'none'",
    "rd_growth": "rd[0] < rd[1] and rd[1] < rd[2]",
    "patent_applications": "sum(apps) >= 1 or sum(inv) >= 1",
    "implementation_rate": "(impl[0] / valid[0] + impl[1] / valid[1] + impl[2] / valid[2]) / 3 "
                           ">= 0.4",
    "no_infringement_3y": "len(filter(events, #.type == 'intentional_infringement_finding' "
                          "and #.date >= cutoff3)) == 0",
    "no_false_materials": "len(filter(events, #.type == 'false_materials_finding' "
                          "and #.date >= cutoff3)) == 0",
    "no_violations_3y": "len(filter(events, (#.type == 'intentional_infringement_finding' or "
                        "#.type == 'ip_administrative_penalty' or #.type == 'other_violation') "
                        "and #.date >= cutoff3)) == 0",
    "no_bad_faith": "len(filter(events, #.type == 'dishonesty_finding' "
                    "and #.date >= cutoff3)) == 0",
    "not_barred": "len(filter(events, #.type == 'revocation_announcement' "
                  "and #.date >= cutoff3)) == 0",
}


def zen_graph() -> dict[str, Any]:
    """The pilot criteria as one ZEN decision graph (input -> expressions -> output)."""
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            {"id": "criteria", "type": "expressionNode", "name": "pilot criteria",
             "position": {"x": 200, "y": 0},
             "content": {"expressions": [{"id": str(i), "key": k, "value": v}
                                         for i, (k, v) in enumerate(ZEN_EXPRESSIONS.items())]}},
            {"id": "out", "type": "outputNode", "name": "response", "position": {"x": 400, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "criteria", "type": "edge"},
                  {"id": "e2", "sourceId": "criteria", "targetId": "out", "type": "edge"}],
    }


def zen_decision() -> Any:
    import zen

    return zen.ZenEngine().create_decision(json.dumps(zen_graph()))


def zen_input(p: Any) -> dict[str, Any]:
    years = [p.yearly[y] for y in (2021, 2022, 2023)]
    return {
        "registered_in_beijing": p.registered_in_beijing,
        "independent_legal_person": p.independent_legal_person,
        "in_key_industry": p.in_key_industry,
        "ip_strategy_attested": "ip_strategy" in p.attestations,
        "has_ip_department": p.has_ip_department,
        "ip_full_time_staff": p.ip_full_time_staff,
        "ip_management_standard": p.ip_management_standard,
        "rd": [int(y.rd_expenditure) for y in years],
        "apps": [y.patent_applications for y in years],
        "inv": [y.invention_applications for y in years],
        "impl": [y.implemented_patents for y in years],
        "valid": [y.valid_patents for y in years],
        "events": [{"type": e.type, "date": e.date.isoformat()} for e in p.events or []],
        "cutoff3": "2021-03-15",
    }


def main() -> None:
    print(f"ipdesignate {ipdesignate.__version__}, Python {sys.version.split()[0]}")
    imp, full, deps = import_ms()
    print(f"import ipdesignate         {imp:8.1f} ms   (names load lazily; target < 300 ms)")
    print(f"  + engine modules         {full:8.1f} ms   (dependencies alone {deps:.1f} ms; "
          f"ours {full - deps:.1f} ms)")

    from ipdesignate.library.library import rulebook_files

    loads = []
    for book in rulebook_files([ROOT / "rulebooks"]):
        t = [0.0] * 5
        for i in range(5):
            start = time.perf_counter()
            ipdesignate.load_rulebook(book)
            t[i] = (time.perf_counter() - start) * 1000
        loads.append((book, statistics.median(t)))
    for book, ms in loads:
        print(f"load+validate+compile      {ms:8.1f} ms   {book}")

    rb = ipdesignate.load_rulebook(PILOT_BOOK)
    profile = ipdesignate.load_profile(PROFILE)
    decision = rb.evaluate(profile, "pilot", ON)
    floor_result = pilot_floor(profile, ON)
    assert {r.id: r.status for r in decision.criteria if r.status != "not_applicable"} == \
        floor_result, "engine and floor disagree"

    engine_us = per_call_us(lambda: rb.evaluate(profile, "pilot", ON), 3000)
    floor_us = per_call_us(lambda: pilot_floor(profile, ON), 3000)
    json_us = per_call_us(lambda: rb.evaluate(profile, "pilot", ON).model_dump_json(), 500)
    print(f"pilot: {len(decision.criteria)} criteria, verdict {decision.verdict}")
    print(f"  hand-written floor        {floor_us:8.2f} µs/eval  {1e6 / floor_us:10.0f} /s")
    print(f"  ipdesignate (full trace)  {engine_us:8.2f} µs/eval  {1e6 / engine_us:10.0f} /s"
          f"   ratio to floor {engine_us / floor_us:.1f}x (target ≤ 10x)")
    print(f"  ipdesignate + JSON        {json_us:8.2f} µs/eval  {1e6 / json_us:10.0f} /s")

    try:
        decision_zen = zen_decision()
    except ImportError:
        print("  zen-engine not installed: pip install -e '.[bench]' to compare with GoRules ZEN")
        return
    ctx = zen_input(profile)
    result = decision_zen.evaluate(ctx)["result"]
    assert all(result.values()), result
    zen_us = per_call_us(lambda: decision_zen.evaluate(ctx), 2000)
    zen_trace_us = per_call_us(lambda: decision_zen.evaluate(ctx, {"trace": True}), 2000)
    print(f"  GoRules ZEN, no trace     {zen_us:8.2f} µs/eval  {1e6 / zen_us:10.0f} /s")
    print(f"  GoRules ZEN, with trace   {zen_trace_us:8.2f} µs/eval  {1e6 / zen_trace_us:10.0f} /s"
          f"   ipdesignate is {zen_trace_us / engine_us:.1f}x faster with trace")


if __name__ == "__main__":
    main()
