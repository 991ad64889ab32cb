"""Properties that must hold for every profile, not only the examples we thought of."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ipdesignate import CompiledRulebook, parse_profile, verdict_of
from tests.strategies import carrier_profiles, unit_profiles

RANK = {"fail": 0, "unknown": 1, "review": 1, "pass": 2, "exempt": 2, "not_applicable": 2}


def _status(rb: CompiledRulebook, data: dict[str, Any], designation: str, cid: str) -> str:
    return rb.evaluate(parse_profile(data), designation).criterion(cid).status


@settings(max_examples=60, deadline=None)
@given(carrier_profiles(), st.integers(min_value=1, max_value=50))
def test_raising_an_at_least_value_never_turns_pass_into_fail(
        demo: CompiledRulebook, data: dict[str, Any], more: int) -> None:
    """``at_least``/``more_than`` are monotonic: more members never hurt the count."""
    before = _status(demo, data, "carrier_demo", "members")
    raised = copy.deepcopy(data)
    raised["member_units"] += more
    raised["sme_members"] = data["sme_members"]
    after = _status(demo, raised, "carrier_demo", "members")
    assert not (before == "pass" and after != "pass")


@settings(max_examples=60, deadline=None)
@given(unit_profiles(), st.integers(min_value=1, max_value=3))
def test_adding_a_finding_never_turns_fail_into_pass(
        demo: CompiledRulebook, data: dict[str, Any], n: int) -> None:
    """The mirror for ``at_most``: more infringement findings never help."""
    before = _status(demo, data, "unit_demo", "no_infringement")
    more = copy.deepcopy(data)
    more.setdefault("events", [])
    more["events"] = more["events"] + [
        {"id": f"extra{i}", "type": "intentional_infringement_finding", "date": "2024-01-01"}
        for i in range(n)]
    after = _status(demo, more, "unit_demo", "no_infringement")
    assert RANK[after] <= RANK[before]
    assert not (before == "fail" and after == "pass")


@settings(max_examples=80, deadline=None)
@given(unit_profiles())
def test_output_is_deterministic(demo: CompiledRulebook, data: dict[str, Any]) -> None:
    first = demo.evaluate(parse_profile(data), "unit_demo").model_dump_json()
    second = demo.evaluate(parse_profile(copy.deepcopy(data)), "unit_demo").model_dump_json()
    assert first == second


@settings(max_examples=80, deadline=None)
@given(unit_profiles())
def test_verdict_is_recomputable_from_the_statuses_alone(
        demo: CompiledRulebook, data: dict[str, Any]) -> None:
    d = demo.evaluate(parse_profile(data), "unit_demo")
    suspended = any(s.status == "pass" for s in d.suspensions)
    assert d.verdict == verdict_of([r.status for r in d.criteria], suspended)


@settings(max_examples=80, deadline=None)
@given(unit_profiles())
def test_unknown_always_names_what_is_missing(
        demo: CompiledRulebook, data: dict[str, Any]) -> None:
    for r in demo.evaluate(parse_profile(data), "unit_demo").criteria:
        if r.status == "unknown":
            assert r.trace is not None and r.trace.missing


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=100))
def test_exact_boundaries_pass(demo: CompiledRulebook, valid: int, k: int) -> None:
    """A rate of exactly 40% passes ``at_least: 40%`` whatever the counts are."""
    valid = valid * 5
    implemented = valid * 2 // 5
    data = {"kind": "unit", "name": "x", "entity_type": "enterprise",
            "yearly": {y: {"valid_patents": valid, "implemented_patents": implemented}
                       for y in (2021, 2022, 2023)}}
    r = demo.evaluate(parse_profile(data), "unit_demo", on=_on()).criterion(
        "implementation_rate")
    assert r.status == "pass"
    assert r.trace is not None and r.trace.figures[0].value == Decimal("0.4")


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=10**6))
def test_growth_of_exactly_ten_percent_passes(demo: CompiledRulebook, base: int) -> None:
    """100 → 110 → 121 (scaled): the mean of ratios is exactly 10%."""
    data = {"kind": "unit", "name": "x", "entity_type": "enterprise",
            "yearly": {2021: {"rd_expenditure": 100 * base}, 2022: {"rd_expenditure": 110 * base},
                       2023: {"rd_expenditure": 121 * base}}}
    r = demo.evaluate(parse_profile(data), "unit_demo", on=_on()).criterion("rd_growth")
    assert r.status == "pass"


def _on() -> Any:
    import datetime as dt

    return dt.date(2024, 3, 15)
