"""Tables in: the frame library does not decide the speed, profile validation does.

Same run, same 2,000 clients: reading the CSV with polars (all text) vs pandas (typed, then
its floats go through repr), and profiles_from_frame from a pandas vs a polars DataFrame.
Run: ``python benchmarks/bench_frames.py`` (prints ratios; no assertion).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ipdesignate import Library
from ipdesignate.frames import decisions_to_frame, profiles_from_frame
from ipdesignate.frames.table import read_tables
from tests.test_frames import _clients


def best(fn, n: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    df = _clients(2000).drop(columns=["has_ip_department"])  # True/NaN: no polars twin
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "clients.csv"
        df.to_csv(csv, index=False)
        t_pl_csv = best(lambda: read_tables(csv))
        t_pd_csv = best(lambda: pd.read_csv(csv, dtype=str, keep_default_na=False))
        t_pd_typed = best(lambda: pd.read_csv(csv))
    polars_df = pl.DataFrame({c: df[c].tolist() for c in df.columns})
    t_from_pd = best(lambda: profiles_from_frame(df, money_unit="万元"))
    t_from_pl = best(lambda: profiles_from_frame(polars_df, money_unit="万元"))
    lib = Library.default()
    profiles = profiles_from_frame(df, money_unit="万元")
    t_eval = best(lambda: lib.check_many(profiles, "pilot"), 1)
    batch = lib.check_many(profiles, "pilot")
    t_out = best(lambda: decisions_to_frame(batch))
    print(f"2000 clients, read CSV as text: polars (read_tables) {t_pl_csv*1e3:.1f} ms, pandas "
          f"{t_pd_csv*1e3:.1f} ms (typed, floats: {t_pd_typed*1e3:.1f} ms)")
    print(f"profiles_from_frame: pandas {t_from_pd*1e3:.0f} ms, polars {t_from_pl*1e3:.0f} ms "
          f"(ratio {t_from_pd / t_from_pl:.2f})")
    print(f"check_many {t_eval*1e3:.0f} ms; decisions_to_frame {t_out*1e3:.0f} ms")


if __name__ == "__main__":
    main()
