"""The Timeline API the eligibility engine calls, and properties over random histories."""

from __future__ import annotations

import datetime as _dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipdesignate.applicant.events import Event
from ipdesignate.lifecycle.engine import compile_lifecycle
from ipdesignate.lifecycle.timeline import Timeline
from tests.lifecycle.helpers import CLUSTER, PILOT, compiled, d, ev, rulebook


def _chain() -> Timeline:
    return compiled(CLUSTER).run([
        ev("d1", "designated", "2020-09-01", "cluster_zone"),
        ev("a1", "assessment_result", "2021-01-10", "cluster_zone", result="fail"),
        ev("a2", "reassessment_result", "2021-06-01", "cluster_zone", result="fail"),
        ev("t1", "termination_announcement", "2021-07-01", "cluster_zone", ground="assessment"),
    ], unit="zone-1")


def test_compile_lifecycle_is_exported_from_timeline() -> None:
    lifecycle = compile_lifecycle(rulebook(PILOT))
    assert "validity_three_years" in lifecycle.rule_ids


def test_status_bars_and_their_trace() -> None:
    timeline = _chain()
    assert timeline.status("cluster_zone", d("2020-08-31")) is None
    valid = timeline.status("cluster_zone", d("2021-06-30"))
    assert valid is not None and valid.value == "valid" and valid.end == d("2021-06-30")
    terminated = timeline.status("cluster_zone", d("2021-07-01"))
    assert terminated is not None and terminated.value == "terminated"
    assert terminated.rule_id == "terminated_after_rectification"
    assert terminated.cite.article == 10 and terminated.cite.item == 3
    assert terminated.event_ids == ("d1", "a1", "a2", "t1")
    assert terminated.start == d("2021-07-01") and terminated.end is None
    (bar,) = timeline.bars("cluster_zone", d("2022-01-01"))
    assert (bar.start, bar.end, bar.rule_id) == (d("2021-07-01"), d("2023-07-01"),
                                                 "reapplication_bar")
    assert bar.cite.text == "违反前款规定而被终止资格的集聚示范区2年内不得重新申报。"
    assert timeline.bars("pilot", d("2022-01-01")) == []
    assert timeline.fact(bar.fact_ids[0]) == terminated


def test_obligations_on_dates() -> None:
    timeline = _chain()
    assert timeline.obligations(d("2021-01-09")) == []
    (open_,) = timeline.obligations(d("2021-01-10"))
    assert open_.state == "open" and open_.fact.due == d("2021-07-10")
    (met,) = timeline.obligations(d("2021-06-01"))
    assert met.state == "met" and met.fact.closed_by == "a2"
    periods = timeline.obligations(d("2021-07-02"), include_periods=True)
    # the measure's own trial is context, never one of the unit's periods or obligations
    assert {o.fact.name: o.state for o in periods} == {"rectification": "met"}


def test_in_force_and_designations() -> None:
    timeline = _chain()
    assert [f.name for f in timeline.in_force(d("2021-07-01"), "status")] == ["terminated"]
    assert timeline.designations() == ["cluster_zone"]


def test_json_round_trip_is_byte_identical() -> None:
    text = _chain().model_dump_json()
    assert text == _chain().model_dump_json()
    assert Timeline.model_validate_json(text).model_dump_json() == text


# ---- random histories ---------------------------------------------------------------------

_Z = "cluster_zone"
_STEPS = [
    ("designated", {}), ("assessment_result", {"result": "pass"}),
    ("assessment_result", {"result": "fail"}),
    ("assessment_result", {"result": "absent_without_reason"}),
    ("reassessment_result", {"result": "fail"}), ("reassessment_result", {"result": "pass"}),
    ("termination_announcement", {"ground": "assessment"}), ("application", {}),
    ("operator_change", {"change": "bankruptcy"}), ("change_filed", {}),
    ("change_review", {"outcome": "conditions_not_met"}),
    ("change_review", {"outcome": "conditions_met"}), ("cancellation", {}),
    ("assessment_standards_issued", {}), ("annual_report_submitted", {}),
]


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    steps = draw(st.lists(st.tuples(st.sampled_from(_STEPS), st.integers(0, 400)),
                          max_size=14))
    day = _dt.date(2020, 9, 1)
    events = [Event(id="e0", type="designated", date=day, designation=_Z)]
    seen = {"designated"}
    for i, ((kind, details), gap) in enumerate(steps, start=1):
        if kind == "reassessment_result" and "assessment_result" not in seen:
            continue
        day += _dt.timedelta(days=gap)
        events.append(Event(id=f"e{i}", type=kind, date=day, designation=_Z, details=details))
        seen.add(kind)
    return events


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.dates(min_value=_dt.date(2020, 1, 1), max_value=_dt.date(2027, 1, 1)))
def test_random_histories(events: list[Event], on: _dt.date) -> None:
    lifecycle = compiled(CLUSTER)
    first = lifecycle.run(events, unit="u")
    assert lifecycle.run(events, unit="u").model_dump_json() == first.model_dump_json()
    # At most one status in force on any day, and it is the one status() returns.
    in_force = [f for f in first.facts if f.kind == "status" and f.in_force(on)]
    assert len(in_force) <= 1
    assert first.status(_Z, on) == (in_force[0] if in_force else None)
    ids = {e.id for e in events}
    for fact in first.facts:
        assert fact.cite.text and set(fact.event_ids) <= ids and fact.event_ids
    # A bar exists only after a termination under the assessment rules (第十条).
    for bar in first.bars(_Z, on):
        source = first.fact(bar.fact_ids[0])
        assert source is not None and source.rule_id == "terminated_after_rectification"
    for o in first.obligations(on, include_periods=True):
        if o.state == "overdue":
            assert o.fact.due is not None and on > o.fact.due and (o.fact.closed is None
                                                                   or o.fact.closed > on)
