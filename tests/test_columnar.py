"""The columnar evaluator agrees with the scalar path, criterion by criterion, on random
profiles with boundary values and missing data; and runs unchanged under Dask."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ipdesignate
from ipdesignate.eligibility.columnar import profiles_to_table
from ipdesignate.library.partitions import evaluate_frame

pl = pytest.importorskip("polars")

ROOT = Path(__file__).resolve().parent.parent
ON = dt.date(2024, 3, 15)


@pytest.fixture(scope="module")
def library() -> Any:
    return ipdesignate.Library.load([ROOT / "rulebooks"])


def maybe(strategy: Any) -> Any:
    return st.one_of(st.none(), strategy)


@st.composite
def applicants(draw: st.DrawFn) -> dict[str, Any]:
    """A pilot/demonstration applicant around every boundary: 40% exactly, one application,
    flat and rising series, facts and figures missing, events or none."""
    yearly: dict[int, dict[str, Any]] = {}
    for year in (2021, 2022, 2023):
        valid = draw(st.integers(0, 30))
        rec: dict[str, Any] = {
            "rd_expenditure": draw(maybe(st.sampled_from([0, 1, 5_000_000, 5_000_001,
                                                          8_000_000, 10 ** 12]))),
            "patent_applications": draw(maybe(st.integers(0, 2))),
            "valid_patents": draw(maybe(st.just(valid))),
            "implemented_patents": draw(maybe(st.sampled_from(
                sorted({0, valid * 2 // 5, (valid * 2 + 4) // 5, valid})))),
            "ip_expenditure": draw(maybe(st.sampled_from([1, 2, 3]))),
            "ip_revenue": draw(maybe(st.sampled_from([0, 10, 50]))),
            "main_business_revenue": draw(maybe(st.sampled_from([0, 100, 200]))),
        }
        if rec["patent_applications"] is not None:
            rec["invention_applications"] = draw(maybe(st.integers(
                0, rec["patent_applications"])))
        yearly[year] = {k: v for k, v in rec.items() if v is not None}
    data: dict[str, Any] = {
        "kind": "unit", "name": "h", "application_date": ON,
        "entity_type": draw(st.sampled_from(["enterprise", "enterprise", "university",
                                             "research_institute"])),
        "yearly": yearly,
    }
    for name in ("registered_in_beijing", "independent_legal_person", "in_key_industry",
                 "has_ip_department", "has_dedicated_ip_department", "under_investigation",
                 "headquarters_enterprise", "group_enterprise", "central_enterprise",
                 "in_beijing"):
        v = draw(maybe(st.booleans()))
        if v is not None:
            data[name] = v
    for name in ("ip_full_time_staff", "cumulative_patent_applications",
                 "cumulative_invention_applications"):
        v = draw(maybe(st.sampled_from([0, 1, 2, 100, 101])))
        if v is not None:
            data[name] = v
    std = draw(maybe(st.sampled_from(["none", "reference", "implemented", "above"])))
    if std is not None:
        data["ip_management_standard"] = std
    events = draw(st.sampled_from(["none", "empty", "empty", "finding"]))
    if events == "empty":
        data["events"] = []
    elif events == "finding":
        day = draw(st.sampled_from([dt.date(2021, 3, 14), dt.date(2021, 3, 15),
                                    dt.date(2023, 1, 1)]))
        data["events"] = [{"id": "e1", "type": "intentional_infringement_finding",
                           "date": day}]
    attestations = {}
    for name in ("ip_strategy", "ip_strategy_and_plan", "core_patents",
                 "comparable_exempt_kind"):
        holds = draw(maybe(st.booleans()))
        if holds is not None:
            attestations[name] = {"holds": holds, "by": "x", "on": dt.date(2024, 3, 1),
                                  "evidence": "x"}
    if attestations:
        data["attestations"] = attestations
    return data


@pytest.mark.parametrize("designation", ["pilot", "demonstration"])
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(applicants(), min_size=1, max_size=25))
def test_columnar_agrees_with_scalar_for_every_criterion(
        library: Any, designation: str, rows: list[dict[str, Any]]) -> None:
    profiles = [ipdesignate.parse_profile(r) for r in rows]
    rb = library.version_for(designation, ON)
    out = rb.columnar(designation).evaluate(profiles_to_table(profiles), ON)
    for i, p in enumerate(profiles):
        row = out.row(i, named=True)
        try:
            d = library.check(p, designation, ON)
        except ipdesignate.IpdesignateError as exc:
            assert row["error"] == str(exc) and row["verdict"] is None
            continue
        assert row["error"] is None
        assert {r.id: row[r.id] for r in d.criteria} == {r.id: r.status for r in d.criteria}
        assert row["verdict"] == d.verdict
        assert row["missing"] == d.missing


def test_the_pilot_criteria_are_all_columnar(library: Any) -> None:
    ev = library.version_for("pilot", ON).columnar("pilot")
    assert ev.columnar_capable
    # a complete profile with no events is decided without the scalar path
    profile = ipdesignate.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    table = profiles_to_table([profile] * 3)
    import unittest.mock as mock

    with mock.patch.object(type(ev), "_scalar_rows", side_effect=AssertionError):
        out = ev.evaluate(table, ON)
    assert out["verdict"].to_list() == [library.check(profile, "pilot", ON).verdict] * 3


def test_exact_at_the_boundary_even_beyond_int64(library: Any) -> None:
    """40% exactly passes (不低于 includes it); one patent short fails; huge counts are
    compared as Python integers, never as floats."""
    base = ipdesignate.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    data = base.model_dump(mode="python", exclude_none=True)
    profiles = []
    for scale, short in ((1, 0), (1, 1), (10 ** 6, 0), (10 ** 6, 1)):
        d = {**data, "yearly": {y: dict(r) for y, r in data["yearly"].items()}}
        for rec in d["yearly"].values():
            rec["valid_patents"] *= scale
            rec["implemented_patents"] = rec["implemented_patents"] * scale
        d["yearly"][2023]["implemented_patents"] -= short
        profiles.append(ipdesignate.parse_profile(d))
    out = library.version_for("pilot", ON).columnar("pilot").evaluate(
        profiles_to_table(profiles), ON)
    assert out["implementation_rate"].to_list() == ["pass", "fail", "pass", "fail"]


def test_dask_map_partitions_on_a_local_cluster_matches_one_process() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import population

    cols = population.columns(2_000, seed=3)
    frame = pl.DataFrame({k: pl.Series(k, list(v)) for k, v in cols.items()})
    frame = frame.with_columns(pl.lit([], dtype=pl.List(pl.Struct(
        {"id": pl.String, "type": pl.String, "date": pl.Date}))).alias("events"))
    single = evaluate_frame(frame, str(ROOT / "rulebooks"), "pilot", ON)
    pdf = frame.to_pandas(use_pyarrow_extension_array=True)  # nullable ints stay ints
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        ddf = dd.from_pandas(pdf, npartitions=5)
        assert ddf.npartitions == 5
        got = ddf.map_partitions(evaluate_frame, str(ROOT / "rulebooks"), "pilot", ON,
                                 meta=single.iloc[:0]).compute()
    assert len(got) == len(single) == 2_000
    got = got.reset_index(drop=True)
    for column in single.columns:
        assert [str(x) for x in got[column]] == [str(x) for x in single[column]], column


def test_priority_factors_are_columns_beside_the_statuses() -> None:
    """Issue 10's priority factors: one column per factor, as the scalar decision has them
    (null where the criterion does not apply), never folded into the verdict."""
    lib = ipdesignate.Library.load([ROOT / "tests" / "rulebooks" / "provenance" / "v1.yaml"])
    rows = []
    for staff, strategy in ((6, True), (4, None), (None, False), (5, True)):
        data: dict[str, Any] = {"kind": "unit", "name": f"s{staff}", "entity_type": "enterprise",
                                "application_date": ON, "registered_in_beijing": True,
                                "independent_legal_person": True}
        if staff is not None:
            data["ip_full_time_staff"] = staff
        if strategy is not None:
            data["attestations"] = {"ip_strategy": {"holds": strategy, "by": "x",
                                                    "on": ON, "evidence": "x"}}
        rows.append(ipdesignate.parse_profile(data))
    rb = lib.version_for("unit_pick", ON)
    ev = rb.columnar("unit_pick")
    assert ev.columnar_capable
    assert "staff.priority.more_staff" in ev.columns
    out = ev.evaluate(profiles_to_table(rows), ON)
    for i, p in enumerate(rows):
        d = lib.check(p, "unit_pick", ON)
        row = out.row(i, named=True)
        assert row["verdict"] == d.verdict and row["missing"] == d.missing
        for r in d.criteria:
            assert row[r.id] == r.status
            for f in r.priority:
                assert row[f"{r.id}.priority.{f.id}"] == f.status


def test_screen_table_each_row_at_its_own_date_and_errors_kept(library: Any) -> None:
    """Library.screen_table: statuses only, row order kept; each row at its application
    date (grouped), a row without one or outside every version keeps its place with an
    error; the same statuses, verdict and missing as check."""
    base = ipdesignate.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    data = base.model_dump(mode="python", exclude_none=True)
    days = [ON, dt.date(2024, 6, 1), ON, None, dt.date(1990, 1, 1), dt.date(2024, 6, 1)]
    profiles = []
    for k, day in enumerate(days):
        d = {**data, "name": f"c{k}", "ip_full_time_staff": k}
        d.pop("application_date", None)
        if day is not None:
            d["application_date"] = day
        profiles.append(ipdesignate.parse_profile(d))
    out = library.screen_table(profiles_to_table(profiles), "pilot")
    assert out.height == len(days)
    for i, p in enumerate(profiles):
        row = out.row(i, named=True)
        try:
            d = library.check(p, "pilot")
        except ipdesignate.IpdesignateError:
            assert row["error"] and row["verdict"] is None and row["missing"] == []
            continue
        assert row["error"] is None and row["as_of"] == d.as_of
        assert row["rulebook"] == f"{d.rulebook.id} {d.rulebook.version}"
        assert {r.id: row[r.id] for r in d.criteria} == {r.id: r.status for r in d.criteria}
        assert row["verdict"] == d.verdict and row["missing"] == d.missing
    fixed = library.screen_table(profiles_to_table(profiles), "pilot", on=ON)
    assert fixed["as_of"].to_list() == [ON] * len(days)


def test_missing_lists_keep_each_rows_order_of_first_occurrence() -> None:
    """A path repeated by a later criterion: where it is missing only there, the row's
    list puts it after the paths before that criterion (as Decision.missing dedupes)."""
    import numpy as np

    from ipdesignate.eligibility.columnar import _lists

    a1 = np.array([False, True, False, True])
    b = np.array([True, True, False, False])
    a2 = np.array([True, True, True, False])
    out = _lists(4, [("a", a1), ("b", b), ("a", a2)], {}).to_list()
    assert out == [["b", "a"], ["a", "b"], ["a"], ["a"]]
    # rows decided by the scalar path keep their own lists, in place
    out = _lists(4, [("a", a1), ("b", b)], {2: ["z", "a"]}).to_list()
    assert out == [["b"], ["a", "b"], ["z", "a"], ["a"]]


def test_demonstration_exemptions_and_shares_are_decided_without_the_scalar_path(
        library: Any) -> None:
    """Shares, growth, the exemption of 第五条第一项 (read where the pilot status is not
    held) and claims are columnar: rows without events never reach the scalar path."""
    import unittest.mock as mock

    ev = library.version_for("demonstration", ON).columnar("demonstration")
    assert ev.columnar_capable
    rows = []
    for name in ("demonstration-near-miss.yaml", "central-enterprise-exempt.yaml"):
        data = ipdesignate.load_profile(ROOT / "examples" / name).model_dump(
            mode="python", exclude_none=True)
        data["events"] = []
        for rd in (0, 1, 10 ** 7):  # growth undefined (review), tiny, large
            d = {**data, "yearly": {y: {**r} for y, r in data.get("yearly", {}).items()}}
            if 2021 in d["yearly"]:
                d["yearly"][2021]["rd_expenditure"] = rd
            rows.append(ipdesignate.parse_profile(d))
    with mock.patch.object(type(ev), "_scalar_rows", side_effect=AssertionError):
        out = ev.evaluate(profiles_to_table(rows), ON)
    for i, p in enumerate(rows):
        d = library.check(p, "demonstration", ON)
        row = out.row(i, named=True)
        assert {r.id: row[r.id] for r in d.criteria} == {r.id: r.status for r in d.criteria}
        assert row["verdict"] == d.verdict and row["missing"] == d.missing
    assert "exempt" in out["pilot_unit"].to_list()


@st.composite
def carriers(draw: st.DrawFn) -> dict[str, Any]:
    """A cluster-zone carrier around its boundaries: one year of operation to the day
    (and the 29 February rule), 70/71 members, 80%/50% shares, a whole of 0."""
    on = dt.date(2020, 9, 1)
    data: dict[str, Any] = {
        "kind": "carrier", "name": "c", "application_date": on,
        "entity_type": draw(st.sampled_from(["incubator", "park", "alliance", "association"]))}
    for name in ("established_in_beijing", "aligned_with_key_industries",
                 "independent_legal_person", "has_ip_management_system", "has_financial_system",
                 "has_ip_service_workstation", "under_investigation"):
        v = draw(maybe(st.booleans()))
        if v is not None:
            data[name] = v
    since = draw(maybe(st.sampled_from([dt.date(2019, 9, 1), dt.date(2019, 9, 2),
                                        dt.date(2019, 8, 31), dt.date(2019, 2, 28),
                                        dt.date(2017, 6, 1), dt.date(2020, 12, 1)])))
    if since is not None:
        data["operating_since"] = since
    members = draw(maybe(st.sampled_from([0, 10, 70, 71, 100])))
    if members is not None:
        data["member_units"] = members
    for name, share in (("sme_members", (4, 5)), ("key_industry_members", (1, 2))):
        if members is None:
            v = draw(maybe(st.integers(0, 5)))
        else:
            exact = members * share[0] // share[1]
            v = draw(maybe(st.sampled_from(sorted({0, exact, max(exact - 1, 0),
                                                   min(exact + 1, members), members}))))
        if v is not None:
            data[name] = v
    for name in ("members_valid_patents", "members_invention_patents"):
        v = draw(maybe(st.sampled_from([0, 49, 50, 200])))
        if v is not None:
            data[name] = v
    data["events"] = draw(st.sampled_from([[], [], None]))
    if data["events"] is None:
        del data["events"]
    attestations = {}
    for name in ("management_systems_sound", "resource_integration", "ip_service_foundation"):
        holds = draw(maybe(st.booleans()))
        if holds is not None:
            attestations[name] = {"holds": holds, "by": "x", "on": on, "evidence": "x"}
    if attestations:
        data["attestations"] = attestations
    return data


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(carriers(), min_size=1, max_size=25))
def test_columnar_agrees_with_scalar_for_the_cluster_zone(
        library: Any, rows: list[dict[str, Any]]) -> None:
    on = dt.date(2020, 9, 1)
    profiles = [ipdesignate.parse_profile(r) for r in rows]
    ev = library.version_for("cluster_zone", on).columnar("cluster_zone")
    assert ev.columnar_capable
    out = ev.evaluate(profiles_to_table(profiles), on)
    for i, p in enumerate(profiles):
        row = out.row(i, named=True)
        try:
            d = library.check(p, "cluster_zone", on)
        except ipdesignate.IpdesignateError as exc:
            assert row["error"] == str(exc) and row["verdict"] is None
            continue
        assert row["error"] is None
        assert {r.id: row[r.id] for r in d.criteria} == {r.id: r.status for r in d.criteria}
        assert row["verdict"] == d.verdict
        assert row["missing"] == d.missing


def test_pandas_and_arrow_tables_give_the_same_answers(library: Any) -> None:
    """A pandas table holds dates as datetime64 (midnights): read as days; Arrow as is."""
    profile = ipdesignate.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    table = profiles_to_table([profile, profile])
    ev = library.version_for("pilot", ON).columnar("pilot")
    want = ev.evaluate(table, ON)
    for other in (table.to_pandas(), table.to_arrow()):
        got = ev.evaluate(other, ON)
        assert got["verdict"].to_list() == want["verdict"].to_list() == ["eligible"] * 2
        assert got.equals(want)
    assert ev.evaluate(table.head(0), ON).height == 0
    assert library.screen_table(table.head(0), "pilot").height == 0


def test_rows_with_events_are_decided_on_the_whole_events(library: Any) -> None:
    """Rows with events go to the scalar path on the events as the profile had them —
    details (which a `where:` reads), dates inside details, designations — not a summary."""
    base = ipdesignate.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    data = base.model_dump(mode="python", exclude_none=True)
    profiles = []
    for details in ({"application": "this"}, {"application": "earlier"},
                    {"application": "this", "act_date": dt.date(2023, 5, 1)}, {}):
        event = {"id": "f1", "type": "false_materials_finding", "date": dt.date(2023, 6, 1),
                 "details": details}
        profiles.append(ipdesignate.parse_profile({**data, "events": [event]}))
    out = library.screen_table(profiles_to_table(profiles), "pilot")
    for i, p in enumerate(profiles):
        d = library.check(p, "pilot")
        row = out.row(i, named=True)
        assert {r.id: row[r.id] for r in d.criteria} == {r.id: r.status for r in d.criteria}
        assert row["verdict"] == d.verdict and row["missing"] == d.missing
    assert len(set(out["no_false_materials"].to_list())) > 1  # the details decide
