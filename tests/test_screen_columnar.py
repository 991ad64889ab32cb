"""``ipdesignate screen -d ID -o X.csv`` and ``screen_frame`` answer clients that fail no
criterion from columnar statuses: the output is byte for byte what deciding every client
gives (the scalar path, ``COLUMNAR = False``)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

import pytest

import ipdesignate
from ipdesignate.cli.main import main
from ipdesignate.frames import screening

pl = pytest.importorskip("polars")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import population  # noqa: E402

YEARLY = ("rd_expenditure", "patent_applications", "invention_applications",
          "valid_patents", "implemented_patents")


def clients_csv(path: Path, n: int, seed: int) -> None:
    """Random clients in the column convention of docs/frames.md, around the pilot
    boundaries, with missing cells, other dates, a university, events and bad rows."""
    cols = population.columns(n, seed=seed)
    rng = random.Random(seed)
    header = ["kind", "name", "entity_type", "application_date", *population.FACTS,
              "ip_full_time_staff", "ip_management_standard", "events",
              *[f"{f}_{y}" for f in YEARLY for y in population.YEARS]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i in range(n):
            def cell(v: Any) -> str:
                return "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)

            row = {"kind": "unit", "name": f"client {i}",
                   "entity_type": rng.choice(["enterprise"] * 8 + ["university"]),
                   "application_date": rng.choice(["2024-03-15"] * 6 + ["2024-06-01", ""]),
                   "events": rng.choice(["none"] * 6 + ["", '[{"id": "e1", "type": '
                                                        '"intentional_infringement_finding", '
                                                        '"date": "2022-01-01"}]'])}
            for name in (*population.FACTS, "ip_full_time_staff", "ip_management_standard"):
                row[name] = cell(cols[name][i])
            for f in YEARLY:
                for y in population.YEARS:
                    row[f"{f}_{y}"] = cell(cols[f"yearly[{y}].{f}"][i])
            if i % 97 == 5:
                row["ip_full_time_staff"] = "many"  # a bad cell: the row keeps its place
            w.writerow([row.get(h, "") for h in header])


def screen(capsys: pytest.CaptureFixture[str], source: Path, out: Path, *extra: str) -> str:
    code = main(["screen", str(source), "-d", "pilot", "-o", str(out), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.err


@pytest.mark.parametrize("source", ["examples", "random"])
def test_screen_csv_is_byte_identical_to_deciding_every_client(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        source: str) -> None:
    if source == "examples":
        clients = ROOT / "examples" / "clients.csv"
    else:
        clients = tmp_path / "clients.csv"
        clients_csv(clients, 600, seed=11)
    fast, slow = tmp_path / "fast.csv", tmp_path / "slow.csv"
    calls = []
    real = screening._columnar_group

    def spy(*args: Any) -> Any:
        rest = real(*args)
        calls.append(len(args[2]) - len(rest))  # rows answered from statuses
        return rest

    monkeypatch.setattr(screening, "_columnar_group", spy)
    fast_err = screen(capsys, clients, fast)
    monkeypatch.setattr(screening, "COLUMNAR", False)
    slow_err = screen(capsys, clients, slow)
    assert fast.read_bytes() == slow.read_bytes()
    def summary(err: str) -> list[str]:
        return [line for line in err.splitlines()
                if "screening" not in line and not line.startswith("wrote ")]

    assert summary(fast_err) == summary(slow_err) and len(summary(fast_err)) > 3
    if source == "random":
        assert sum(calls) > 50  # the columnar path did answer clients
    for o in ("--on", "2024-03-15"), ("--quiet",):
        monkeypatch.setattr(screening, "COLUMNAR", True)
        screen(capsys, clients, fast, *o)
        monkeypatch.setattr(screening, "COLUMNAR", False)
        screen(capsys, clients, slow, *o)
        assert fast.read_bytes() == slow.read_bytes(), o


def test_screen_frame_is_the_wide_frame_of_check_many(tmp_path: Path) -> None:
    from ipdesignate.frames import decisions_to_frame, profiles_from_frame
    from ipdesignate.frames.screening import screen_frame

    clients = tmp_path / "clients.csv"
    clients_csv(clients, 300, seed=5)
    library = ipdesignate.Library.load([ROOT / "rulebooks"])
    df = pl.read_csv(clients, infer_schema=False)
    got = screen_frame(library, df, "pilot", on=dt.date(2024, 3, 15))
    profiles = profiles_from_frame(df, errors="keep", vocabulary=library.vocabulary)
    want = decisions_to_frame(library.check_many(profiles, "pilot", dt.date(2024, 3, 15)))
    assert got.equals(want)


def test_statuses_only_answers_are_refused_where_figures_are_shown(tmp_path: Path) -> None:
    from ipdesignate.frames import save_decisions, write_report
    from ipdesignate.frames.answer import Answer

    a = Answer(0, "pilot", "x", "eligible", "2024-03-15", "m 1", {"pass": 1}, None, None)
    for name in ("r.xlsx", "r.html"):
        with pytest.raises(TypeError, match="figures"):
            write_report([a], tmp_path / name)
    with pytest.raises(TypeError, match="statuses-only"):
        save_decisions([a], tmp_path / "d.json")
    write_report([a], tmp_path / "r.csv")
    assert "eligible" in (tmp_path / "r.csv").read_text("utf-8")
