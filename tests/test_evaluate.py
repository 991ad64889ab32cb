"""Evaluation: the six statuses, Kleene combination, gaps, exemptions, relaxations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ipdesignate import CompiledRulebook, parse_profile

ON = dt.date(2024, 3, 15)


def _eval(rb: CompiledRulebook, data: dict[str, Any], designation: str = "unit_demo") -> Any:
    return rb.evaluate(parse_profile(data), designation, ON)


def test_exact_thresholds_are_eligible(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    """40% exactly, 10% growth exactly, 100万元 exactly and 3 staff exactly all pass."""
    d = _eval(demo, good_unit)
    assert d.verdict == "eligible"
    assert {r.status for r in d.criteria} == {"pass"}


def test_missing_year_gives_unknown_naming_field_and_year(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    del good_unit["yearly"][2022]["rd_expenditure"]
    d = _eval(demo, good_unit)
    assert d.criterion("rd_growth").status == "unknown"
    assert "yearly[2022].rd_expenditure" in d.missing
    assert d.verdict == "undetermined"


def test_one_fail_decides_even_with_unknowns(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    """Kleene: all_of(fail, unknown) is fail, and the verdict is ineligible."""
    good_unit["registered_in_beijing"] = False
    del good_unit["independent_legal_person"]
    d = _eval(demo, good_unit)
    assert d.criterion("legal_person").status == "fail"
    assert d.verdict == "ineligible"
    # the criterion's own trace shows the gap; the decision's list only holds what could
    # still change an undecided criterion
    assert "independent_legal_person" in d.criterion("legal_person").trace.missing
    assert "independent_legal_person" not in d.missing


def test_gap_for_a_count(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    good_unit["ip_full_time_staff"] = 1
    figure = _eval(demo, good_unit).criterion("staff").trace.figures[0]
    assert figure.status == "fail" and figure.gap_text == "2 more needed"


def test_gap_for_a_rate_in_points(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    for year in good_unit["yearly"].values():
        year["implemented_patents"] = 3  # 30% against 40%
    figure = _eval(demo, good_unit).criterion("implementation_rate").trace.figures[0]
    assert figure.gap_text == "short by 10 percentage points"
    assert "mean patent_implementation_rate 2021–2023 = 30%" in figure.text


def test_more_than_a_count_needs_one_more(demo: CompiledRulebook) -> None:
    """超过70 excludes 70: 70 members fail by one, and the relaxation makes it review."""
    data = {"kind": "carrier", "name": "P", "entity_type": "park", "member_units": 70,
            "sme_members": 56, "operating_since": dt.date(2020, 1, 1)}
    r = demo.evaluate(parse_profile(data), "carrier_demo", ON).criterion("members")
    assert r.status == "review"
    assert r.relaxation is not None and r.relaxation.article == 2
    assert r.trace.figures[0].gap_text == "1 more needed"


def test_exemption_is_cited(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    good_unit.update(ip_full_time_staff=0, group_enterprise=True)
    r = _eval(demo, good_unit).criterion("staff")
    assert r.status == "exempt" and r.exemption is not None and "集团企业" in r.exemption.text


def test_exemption_unknown_keeps_the_failure_open(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    """fail OR unknown is unknown: the exemption might still apply."""
    good_unit["ip_full_time_staff"] = 0
    del good_unit["group_enterprise"]
    assert _eval(demo, good_unit).criterion("staff").status == "unknown"


def test_missing_attestation_needs_review(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    good_unit["attestations"] = {}
    d = _eval(demo, good_unit)
    assert d.criterion("strategy").status == "review" and d.verdict == "needs_review"


def test_suspension(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    good_unit["under_investigation"] = True
    d = _eval(demo, good_unit)
    assert d.verdict == "suspended" and d.suspensions[0].citation["article"] == 7


def test_an_unknown_suspension_is_said(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    del good_unit["under_investigation"]
    d = _eval(demo, good_unit)
    assert d.verdict == "eligible"
    assert any("verifying applies is unknown: under_investigation" in w for w in d.warnings)


def test_not_applicable_for_other_entity_types(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    good_unit["entity_type"] = "university"
    assert _eval(demo, good_unit).criterion("implementation_rate").status == "not_applicable"


def test_trend_with_a_dip_needs_review(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    good_unit["yearly"][2022]["rd_expenditure"] = 90
    r = _eval(demo, good_unit).criterion("rd_trend")
    assert r.status == "review"
    assert ("trend_method", "strict_or_net_rise_review") in [(u.name, u.option) for u in r.readings]


def test_lookback_includes_the_boundary_day(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    """A finding exactly 3 years before the as-of date is 近三年内 (以内 includes)."""
    for day, expected in ((dt.date(2021, 3, 15), "fail"), (dt.date(2021, 3, 14), "pass")):
        good_unit["events"] = [{"id": "f1", "type": "intentional_infringement_finding",
                                "date": day}]
        assert _eval(demo, good_unit).criterion("no_infringement").status == expected


def test_duration_uses_calendar_arithmetic(demo: CompiledRulebook) -> None:
    """Operating since 2023-03-15: one year is complete on 2024-03-15, not the day before."""
    data = {"kind": "carrier", "name": "P", "entity_type": "park",
            "operating_since": dt.date(2023, 3, 15)}
    rb, p = demo, parse_profile(data)
    assert rb.evaluate(p, "carrier_demo", ON).criterion("operating").status == "pass"
    on = dt.date(2024, 3, 14)
    r = rb.evaluate(p, "carrier_demo", on).criterion("operating")
    assert r.status == "fail" and r.trace.figures[0].gap_text == "1 days to go"


def test_leap_day_month_end_rule(demo: CompiledRulebook) -> None:
    """2020-02-29 + 1 year ends on 2021-02-28 (民法典 第二百零二条: no such day → month end)."""
    data = {"kind": "carrier", "name": "P", "entity_type": "park",
            "operating_since": dt.date(2020, 2, 29)}
    p = parse_profile(data)
    assert demo.evaluate(p, "carrier_demo", dt.date(2021, 2, 28)).criterion(
        "operating").status == "pass"
    assert demo.evaluate(p, "carrier_demo", dt.date(2021, 2, 27)).criterion(
        "operating").status == "fail"


def test_reading_is_in_the_trace(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    r = _eval(demo, good_unit).criterion("rd_growth")
    assert [(u.name, u.option) for u in r.readings] == [
        ("growth_method", "mean_of_ratios"), ("recent_years", "before")]


def test_inexact_quotients_stay_exact(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    """13/30 + 13/30 + 14/30 averaged is exactly 4/9 ≥ 40%, computed without rounding."""
    for year, implemented in zip((2021, 2022, 2023), (13, 13, 14), strict=True):
        good_unit["yearly"][year].update(valid_patents=30, implemented_patents=implemented)
    fig = _eval(demo, good_unit).criterion("implementation_rate").trace.figures[0]
    from fractions import Fraction

    assert fig.value == Fraction(4, 9) and fig.status == "pass"


def test_gap_for_an_upper_bound_says_too_many(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    """at_most 0 with one finding is '1 too many', not '1 more needed'."""
    good_unit["events"] = [{"id": "f1", "type": "intentional_infringement_finding",
                            "date": dt.date(2023, 5, 1)}]
    fig = _eval(demo, good_unit).criterion("no_infringement").trace.figures[0]
    assert fig.gap_text == "1 too many"


def test_undeclared_event_types_are_errors_with_a_suggestion(
        demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    import pytest

    from ipdesignate import ProfileError

    good_unit["events"] = [{"id": "x", "type": "intentional_infringment", "date": "2023-01-01"}]
    with pytest.raises(ProfileError, match="did you mean 'intentional_infringement_finding'"):
        _eval(demo, good_unit)
