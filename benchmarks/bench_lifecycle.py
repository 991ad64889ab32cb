"""Lifecycle throughput and memory: 10,000 units x 20 events through the cluster-zone rules.

Run: /work/venv/bin/python benchmarks/bench_lifecycle.py [--units N] [--events N]

Prints units/second, the peak of Python allocations (tracemalloc, measured on a sample so
it does not slow the whole run) and the process RSS after 1k units and after all units:
memory must not grow with the number of units, because each unit's session is deleted.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipdesignate.applicant.events import Event  # noqa: E402
from ipdesignate.lifecycle.engine import CompiledLifecycle, compile_lifecycle  # noqa: E402
from ipdesignate.rulebook.model import Rulebook  # noqa: E402
from tests.lifecycle.golden import bench_history  # noqa: E402
from tests.lifecycle.helpers import CLUSTER, rulebook_data  # noqa: E402


def history(rng: random.Random, n: int) -> list[Event]:
    """A plausible history of ``n`` events: designation, assessments, changes, reports (the
    same population the timeline golden corpus records)."""
    return [Event.model_validate(e) for e in bench_history(rng, n)]


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    lifecycle: CompiledLifecycle = compile_lifecycle(Rulebook.model_validate(
        rulebook_data(CLUSTER)))
    rng = random.Random(20240601)
    histories = [history(rng, args.events) for _ in range(1000)]  # reused round-robin

    for h in histories[:200]:  # warm up
        lifecycle.run(h)
    gc.collect()
    rss_start = rss_mib()
    facts = 0
    marks: dict[int, float] = {}
    start = time.perf_counter()
    for i in range(args.units):
        facts += len(lifecycle.run(histories[i % len(histories)], unit=str(i)).facts)
        if i + 1 == 1_000 or (i + 1) % 5_000 == 0 or i + 1 == args.units:
            gc.collect()
            marks[i + 1] = rss_mib()
    elapsed = time.perf_counter() - start

    tracemalloc.start()
    for i in range(500):
        lifecycle.run(histories[i % len(histories)])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"units: {args.units} x {args.events} events, {facts} derived facts")
    print(f"time: {elapsed:.1f} s, {args.units / elapsed:,.0f} units/s, "
          f"{args.units * args.events / elapsed:,.0f} events/s")
    print(f"peak Python allocations over 500 runs (tracemalloc): {peak / 1024:,.0f} KiB")
    print(f"RSS at start: {rss_start:.1f} MiB; " + "; ".join(
        f"after {n:,} units: {mib:.1f} MiB" for n, mib in sorted(marks.items())))
    print(f"live engine sessions after the run: {lifecycle.live_sessions()}")
    growth = marks[max(marks)] - marks.get(1_000, rss_start)
    print(f"RSS growth from 1k units to {max(marks):,} units: {growth:+.1f} MiB")


if __name__ == "__main__":
    main()
