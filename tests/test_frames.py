"""Tables in and out: DataFrames as notebooks hold them, read exactly; every bad cell located."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from ipdesignate import Library, ProfileError
from ipdesignate.frames import decisions_to_frame, profiles_from_frame
from ipdesignate.frames.table import TableError, read_tables
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def lib() -> Library:
    return Library.default()


def _clients(n: int) -> pd.DataFrame:
    """n clients as a notebook builds them: numpy types, NaN holes, money in 万元."""
    rng = np.random.default_rng(7)
    rd = rng.integers(300, 3000, size=(n, 3)).astype(np.float64)
    rd[::17, 1] = np.nan  # some clients did not give 2022
    staff = rng.integers(0, 6, size=n).astype(np.float64)
    staff[::11] = np.nan
    return pd.DataFrame({
        "kind": ["unit"] * n,
        "name": [f"客户{i:03d}" for i in range(n)],
        "entity_type": ["enterprise"] * n,
        "application_date": pd.to_datetime(["2024-03-15"] * n),
        "registered_in_beijing": np.ones(n, dtype=bool),
        "independent_legal_person": [True] * n,
        "in_key_industry": rng.integers(0, 2, size=n).astype(bool),
        "has_ip_department": [True if i % 5 else np.nan for i in range(n)],
        "ip_full_time_staff": staff,
        "ip_management_standard": ["reference" if i % 3 else "implemented" for i in range(n)],
        "rd_expenditure_2021": rd[:, 0], "rd_expenditure_2022": rd[:, 1],
        "rd_expenditure_2023": rd[:, 2],
        "valid_patents_2021": np.full(n, 20, dtype=np.int64),
        "implemented_patents_2021": np.full(n, 8, dtype=np.int32),
        "patent_implementation_rate_2022": [0.4] * n,
    })


def test_two_hundred_clients_end_to_end(lib: Library) -> None:
    df = _clients(200)
    profiles = profiles_from_frame(df, money_unit="万元", vocabulary=lib.vocabulary)
    assert len(profiles) == 200
    first = profiles[0]
    assert first.yearly[2021].rd_expenditure == Decimal(int(df.loc[0, "rd_expenditure_2021"])) \
        * 10000  # 万元 read as 万元
    assert first.yearly[2022].patent_implementation_rate == Decimal("0.4")  # not 0.4000000…
    assert profiles[0].has_ip_department is None  # NaN is absent, not false
    assert profiles[11].ip_full_time_staff is None and profiles[1].ip_full_time_staff is not None
    assert profiles[17].yearly[2022].rd_expenditure is None
    batch = lib.check_many(profiles, "pilot")
    wide = decisions_to_frame(batch)
    assert list(wide["row"]) == list(range(200)) and len(wide) == 200
    assert set(wide["verdict"]) <= {"eligible", "ineligible", "undetermined", "needs_review"}
    long = decisions_to_frame(batch, "long")
    assert len(long) == sum(len(d.criteria) for d in batch.decisions)
    missing17 = wide.loc[17, "missing"]
    assert "2022年度研发投入或科研经费投入（元）" in missing17
    assert isinstance(decisions_to_frame(batch, library="polars"), pl.DataFrame)


def test_polars_frames_are_read_the_same(lib: Library) -> None:
    df = _clients(5).drop(columns=["has_ip_department"])
    from_pd = profiles_from_frame(df, money_unit="万元")
    from_pl = profiles_from_frame(pl.DataFrame({c: df[c].tolist() for c in df.columns}),
                                  money_unit="万元")
    assert [p.model_dump() for p in from_pd] == [p.model_dump() for p in from_pl]


def test_money_unit_per_column_and_text_with_units() -> None:
    df = pd.DataFrame({"name": ["A"], "entity_type": ["enterprise"],
                       "rd_expenditure_2021 (元)": [800], "rd_expenditure_2022": [800],
                       "rd_expenditure_2023": ["1.5亿元"], "ip_expenditure_2023": ["30万元"]})
    (p,) = profiles_from_frame(df, kind="unit", money_unit="万元")
    y = p.yearly
    assert y[2021].rd_expenditure == 800 and y[2022].rd_expenditure == 8_000_000
    assert y[2023].rd_expenditure == 150_000_000 and y[2023].ip_expenditure == 300_000


def test_every_bad_cell_is_reported_by_row_and_column() -> None:
    df = pd.DataFrame({
        "name": ["A", "B", "C"], "entity_type": ["enterprise", "enterprize", "enterprise"],
        "registered_in_beijing": [True, "perhaps", 1],
        "ip_full_time_staff": [2.5, -1, 3],
        "rd_expenditure_2021": [100, "lots", np.inf],
        "patent_implementation_rate_2021": [0.4, 40, "40%"],
    })
    with pytest.raises(ProfileError) as info:
        profiles_from_frame(df, kind="unit")
    text = str(info.value)
    for expected in ("row 0, column 'ip_full_time_staff'", "row 1, column 'entity_type'",
                     "row 1, column 'registered_in_beijing'", "row 1, column 'ip_full_time_staff'",
                     "row 1, column 'rd_expenditure_2021'",
                     "row 1, column 'patent_implementation_rate_2021'",
                     "row 2, column 'registered_in_beijing'",
                     "row 2, column 'rd_expenditure_2021'"):
        assert expected in text, expected
    kept = profiles_from_frame(df, kind="unit", errors="keep")
    assert len(kept) == 3 and all(isinstance(x, ProfileError) for x in kept)


def test_unknown_columns_and_companions_are_checked() -> None:
    df = pd.DataFrame({"name": ["A"], "entity_type": ["enterprise"], "# note": ["skip me"],
                       "staff": [3]})
    with pytest.raises(TableError, match="column 'staff' is not a profile field"):
        profiles_from_frame(df, kind="unit")
    ok = df.drop(columns=["staff"])
    yearly = pd.DataFrame({"name": ["A", "A", "B"], "year": [2021, 2022, 2021],
                           "rd_expenditure": [1, 2, 3]})
    with pytest.raises(TableError, match="'B' is not an applicant of the main table"):
        profiles_from_frame(ok, kind="unit", yearly=yearly)
    events = pd.DataFrame({"name": ["A"], "id": ["e1"], "type": ["designated"],
                           "date": [dt.date(2022, 11, 18)], "designation": ["pilot"]})
    atts = pd.DataFrame({"name": ["A"], "attestation": ["ip_strategy"], "holds": [True],
                         "by": ["王敏"], "on": ["2024-03-01"], "evidence": ["规划"]})
    (p,) = profiles_from_frame(ok, kind="unit", yearly=yearly[yearly.name == "A"],
                               events=events, attestations=atts, money_unit="万元")
    assert p.yearly[2022].rd_expenditure == 20000
    assert p.events is not None and p.events[0].designation == "pilot"
    assert p.attestations["ip_strategy"].by == "王敏"


def test_the_example_spreadsheet_is_what_the_script_writes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_example_clients.py"),
                    str(tmp_path)], check=True, capture_output=True)
    for name in ("clients.csv",):
        assert (tmp_path / name).read_bytes() == (ROOT / "examples" / name).read_bytes()
    fresh, shipped = read_tables(tmp_path / "clients.xlsx"), read_tables(
        ROOT / "examples" / "clients.xlsx")
    assert {k: v.data for k, v in fresh.items()} == {k: v.data for k, v in shipped.items()}


def test_csv_cells_are_read_as_typed(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes("\ufeffkind,name,entity_type,patent_implementation_rate_2021,"
                  "rd_expenditure_2021\nunit,A,enterprise,0.10000000000000000555,"
                  "1\n".encode())
    (p,) = profiles_from_frame(read_tables(f)["main"], money_unit="万元")
    assert p.yearly[2021].patent_implementation_rate == \
        Decimal("0.10000000000000000555")
    assert p.yearly[2021].rd_expenditure == 10000


def test_reports_rebuild_from_saved_decisions(lib: Library, tmp_path: Path) -> None:
    """Saved decisions reload without the rulebooks and render exactly as before."""
    from ipdesignate.frames import load_decisions, save_decisions, write_report

    tables = read_tables(ROOT / "examples" / "clients.xlsx")
    items = profiles_from_frame(tables["main"], events=tables["events"],
                                attestations=tables["attestations"], errors="keep",
                                vocabulary=lib.vocabulary)
    batch = lib.check_many(items, "demonstration")
    save_decisions(batch, tmp_path / "saved.json")
    back = load_decisions(tmp_path / "saved.json")
    assert len(back) == len(batch) == len(items)
    assert [o.verdict for o in back] == [o.verdict for o in batch]
    for a, b in zip(batch, back, strict=True):
        assert a.error_text == b.error_text
        if a.decision is not None:
            assert b.decision is not None
            assert b.decision.model_dump_json() == a.decision.model_dump_json()
            assert str(b.decision) == str(a.decision)
            assert b.decision._repr_html_() == a.decision._repr_html_()
    write_report(batch, tmp_path / "fresh.html", title="t")
    write_report(back, tmp_path / "again.html", title="t")
    assert (tmp_path / "fresh.html").read_text("utf-8") == \
        (tmp_path / "again.html").read_text("utf-8")
    write_report(back, tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").stat().st_size > 5000
    with pytest.raises(ProfileError.__mro__[1], match="not a file of saved decisions"):
        (tmp_path / "bad.json").write_text("{}", "utf-8")
        load_decisions(tmp_path / "bad.json")


def test_a_yes_no_column_with_holes_as_pandas_reads_it() -> None:
    """pd.read_excel turns TRUE/FALSE with an empty cell into 1.0/0.0/NaN: read as yes/no."""
    df = pd.DataFrame({"name": ["A", "B", "C"], "entity_type": ["enterprise"] * 3,
                       "has_ip_department": [1.0, 0.0, np.nan]})
    assert df["has_ip_department"].dtype == np.float64
    a, b, c = profiles_from_frame(df, kind="unit")
    assert (a.has_ip_department, b.has_ip_department, c.has_ip_department) == (True, False, None)
    mixed = df.assign(has_ip_department=[1, "yes", None])
    with pytest.raises(ProfileError, match="row 0, column 'has_ip_department'"):
        profiles_from_frame(mixed, kind="unit")
