"""Batch recovery is linear: read_units on 5,000 and 10,000 units with one broken unit.

Run: .venv/bin/python benchmarks/bench_batch.py

For each format (a JSON array missing one '}', a YAML list with one unquoted impossible
date, JSON Lines with one line cut short) prints the best of 3 times at both sizes and
their ratio; a linear reader gives about 2 (the issue measured 4, quadratic: 2.7 s and
10.8 s for YAML). Every unit must be returned, exactly one of them unread.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ipdesignate.lifecycle.units import read_units  # noqa: E402


def _unit(i: int) -> dict[str, Any]:
    return {"unit": f"z{i}", "events": [{"id": "d1", "type": "designated",
                                         "date": "2020-09-01", "designation": "cluster_zone"}]}


def inputs(n: int) -> dict[str, str]:
    bad = n // 2
    units = [_unit(i) for i in range(n)]
    text = json.dumps(units)
    end = text.index("}]}", text.index(f'"z{bad}"'))
    return {
        "batch.json": text[:end] + "]" + text[end + 3:],
        "batch.yaml": "".join(
            f"- unit: z{i}\n  events:\n    - {{id: d1, type: designated, date: "
            f"{'2021-02-30' if i == bad else '2020-09-01'}, designation: cluster_zone}}\n"
            for i in range(n)),
        "batch.jsonl": "\n".join(json.dumps(u)[:-3] if i == bad else json.dumps(u)
                                 for i, u in enumerate(units)) + "\n",
    }


def best(name: str, raw: bytes, n: int) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        units = read_units(name, raw, [])
        times.append(time.perf_counter() - start)
        assert len(units) == n and sum(u.located is None for u in units) == 1, name
    return min(times)


def main() -> None:
    small, large = inputs(5000), inputs(10000)
    for name in small:
        a = best(name, small[name].encode(), 5000)
        b = best(name, large[name].encode(), 10000)
        print(f"{name:12} 5,000 units {a:6.2f}s   10,000 units {b:6.2f}s   ratio {b / a:4.2f}")


if __name__ == "__main__":
    main()
