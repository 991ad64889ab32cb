"""Scalar evaluation and decision JSON, each beside the plain-Decimal floor of the same run.

    python benchmarks/bench_scalar.py             # the pilot example, then a random pool
    python benchmarks/bench_scalar.py --profile   # cProfile of check and of JSON

Issue 13 items 1 and 2: ``Library.check`` with its full trace available ≤ 10 µs and ≤ 5×
the floor measured in the same run; ``model_dump_json()`` of a fresh decision ≤ 25 µs.
Absolute times move with the machine's load: compare the ratios.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import pstats
import statistics
import sys
import time
import timeit
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import population  # noqa: E402
from floor import pilot_floor  # noqa: E402

import ipdesignate  # noqa: E402

ON = dt.date(2024, 3, 15)


def per_call_us(fn: Any, number: int, repeat: int = 7) -> float:
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def fresh_json_us(library: Any, profiles: list[Any], rounds: int = 7) -> tuple[float, float]:
    """Median µs per ``model_dump_json()`` of fresh decisions, and of pydantic's own
    serialiser on the same decisions (interleaved, so both see the same load)."""
    from pydantic import BaseModel

    ours, theirs = [], []
    for _ in range(rounds):
        batch = [library.check(p, "pilot", ON) for p in profiles]
        again = [library.check(p, "pilot", ON) for p in profiles]
        gc.collect()  # a full collection of the batches' garbage is not the writer's cost
        start = time.perf_counter()
        for d in batch:
            d.model_dump_json()
        ours.append((time.perf_counter() - start) / len(batch) * 1e6)
        gc.collect()
        start = time.perf_counter()
        for d in again:
            BaseModel.model_dump_json(d)
        theirs.append((time.perf_counter() - start) / len(again) * 1e6)
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--number", type=int, default=3000)
    args = ap.parse_args()
    library = ipdesignate.Library.default()
    example = library.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    cols = population.columns(500)
    pool = [library.parse_profile(population.profile_dict(cols, i)) for i in range(500)]
    if args.profile:
        for label, stmt in (("check", lambda: library.check(example, "pilot", ON)),
                            ("json", None)):
            prof = cProfile.Profile()
            if stmt is not None:
                prof.enable()
                for _ in range(20000):
                    stmt()
                prof.disable()
            else:
                batch = [library.check(example, "pilot", ON) for _ in range(5000)]
                prof.enable()
                for d in batch:
                    d.model_dump_json()
                prof.disable()
            print(f"==== {label}")
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
        return
    n = args.number
    floor = per_call_us(lambda: pilot_floor(example, ON), n)
    check = per_call_us(lambda: library.check(example, "pilot", ON), n)
    js = fresh_json_us(library, [example] * 500)
    i = iter(range(10**9))
    floor_pool = per_call_us(lambda: pilot_floor(pool[next(i) % 500], ON), n)
    check_pool = per_call_us(lambda: library.check(pool[next(i) % 500], "pilot", ON), n)
    js_pool = fresh_json_us(library, pool)
    both = per_call_us(lambda: library.check(example, "pilot", ON).model_dump_json(), n // 3)
    tracemalloc.start()
    kept = [library.check(pool[k % 500], "pilot", ON) for k in range(2000)]
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    print(f"example: floor {floor:7.2f} µs  check {check:7.2f} µs ({check / floor:4.1f}x)  "
          f"json {js[0]:7.2f} µs (pydantic {js[1]:7.2f} µs)")
    print(f"pool:    floor {floor_pool:7.2f} µs  check {check_pool:7.2f} µs "
          f"({check_pool / floor_pool:4.1f}x)  json {js_pool[0]:7.2f} µs "
          f"(pydantic {js_pool[1]:7.2f} µs)")
    print(f"example: check + JSON {both:7.2f} µs ({both / floor:4.1f}x the floor); "
          f"{size / 2000 / 1024:.2f} KiB per kept decision (pool, traces not yet read)")


if __name__ == "__main__":
    main()
