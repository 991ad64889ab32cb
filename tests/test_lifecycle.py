"""Every lifecycle rule of both measures, firing and not, on both sides of each deadline;
and the durable_rules hazards, each engineered around and proved here."""

from __future__ import annotations

import datetime as _dt
import itertools
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from durable import engine as durable_engine

from ipdesignate._core.errors import EventsError, LifecycleError, Problem
from ipdesignate._core.yaml import load_file
from ipdesignate.applicant.events import Event, parse_events
from ipdesignate.lifecycle import engine as _lifecycle
from ipdesignate.lifecycle.engine import compile_lifecycle
from ipdesignate.lifecycle.timeline import Timeline
from ipdesignate.rulebook.model import Rulebook
from tests.lifecycle.helpers import (
    CLUSTER,
    DESIGNATIONS,
    PILOT,
    compiled,
    ev,
    rulebook,
    rulebook_data,
    section,
)

SCENARIOS = Path(__file__).parent / "lifecycle" / "scenarios"


def _cases() -> list[tuple[str, str, dict[str, Any], list[Event]]]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        problems: list[Problem] = []
        located = load_file(path, problems)
        assert located is not None, problems
        measure = located.data["measure"]
        types = rulebook(measure).event_types
        for i, case in enumerate(located.data["cases"]):
            events = parse_events(located, ("cases", i, "events"), types, problems,
                                  frozenset(DESIGNATIONS[measure]))
            assert events is not None, [str(p) for p in problems]
            out.append((measure, case["name"], case, events))
    return out


CASES = _cases()


def _day(text: str) -> _dt.date:
    return _dt.date.fromisoformat(str(text))


@pytest.mark.parametrize(("measure", "name", "case", "events"), CASES,
                         ids=[c[1][:60] for c in CASES])
def test_scenario(measure: str, name: str, case: dict[str, Any], events: list[Event]) -> None:
    timeline = compiled(measure).run(events, unit=name)
    fired = {f.rule_id for f in timeline.facts}
    for rule_id in case.get("fires", []):
        assert rule_id in fired, f"{rule_id} should fire"
    for rule_id in case.get("silent", []):
        assert rule_id not in fired, f"{rule_id} should not fire"
    for on, wanted in (case.get("status") or {}).items():
        for designation, value in wanted.items():
            fact = timeline.status(designation, _day(on))
            assert (fact.value if fact else None) == value, (on, designation)
    for key, include in (("obligations", False), ("periods", True)):
        for on, wanted in (case.get(key) or {}).items():
            states = {o.fact.name: o.state
                      for o in timeline.obligations(_day(on), include_periods=include)}
            for obligation, state in wanted.items():
                assert states.get(obligation) == state, (on, obligation, states)
    for on, wanted in (case.get("bars") or {}).items():
        for designation, names in wanted.items():
            assert [b.name for b in timeline.bars(designation, _day(on))] == names, on
    for rule_id, expect in (case.get("facts") or {}).items():
        facts = timeline.by_rule(rule_id)
        assert facts and facts[0].start == _day(expect["start"])
    for rule_id, ids in (case.get("rests_on") or {}).items():
        assert list(timeline.by_rule(rule_id)[0].event_ids) == ids
    if "unused" in case:
        assert list(timeline.unused_events) == case["unused"]


@pytest.mark.parametrize("measure", [PILOT, CLUSTER])
def test_every_rule_fires_somewhere_and_is_silent_somewhere(measure: str) -> None:
    rule_ids = set(compiled(measure).rule_ids)
    fires = {r for m, _, c, _ in CASES if m == measure for r in c.get("fires", [])}
    silent = {r for m, _, c, _ in CASES if m == measure for r in c.get("silent", [])}
    assert rule_ids - fires == set(), "rules with no history in which they fire"
    assert rule_ids - silent == set(), "rules with no history in which they stay silent"
    assert fires | silent <= rule_ids, "scenario names a rule that does not exist"


def test_every_fired_fact_cites_its_clause_and_events() -> None:
    for measure, _, _, events in CASES:
        for fact in compiled(measure).run(events).facts:
            assert fact.cite.text and fact.rule_id
            assert fact.event_ids, fact
            assert set(fact.event_ids) <= {e.id for e in events}
            for fid in fact.fact_ids:
                assert int(fid[1:]) < int(fact.id[1:])  # rests only on earlier facts


def test_statuses_never_overlap() -> None:
    for measure, _, _, events in CASES:
        timeline = compiled(measure).run(events)
        for designation in DESIGNATIONS[measure]:
            spans = [(f.start, f.end or _dt.date.max) for f in timeline.facts
                     if f.kind == "status" and f.designation == designation
                     and (f.end is None or f.end >= f.start)]
            spans.sort()
            for (_, end), (start, _) in itertools.pairwise(spans):
                assert end < start


def test_replacing_a_status_stops_its_expiry() -> None:
    # Terminated before the three years end: "expired" is never derived.
    timeline = compiled(PILOT).run([
        ev("d1", "designated", "2019-12-10", "pilot"),
        ev("r1", "review_result", "2021-03-01", "pilot", result="fail"),
        ev("t1", "termination_announcement", "2021-04-01", "pilot", ground="review"),
    ])
    assert [f.name for f in timeline.facts if f.kind == "status"] == ["valid", "terminated"]
    valid = timeline.facts[0]
    assert valid.end == _dt.date(2021, 3, 31) and valid.superseded_by == "f3"


def test_redesignation_after_expiry_is_valid_again() -> None:
    timeline = compiled(PILOT).run([
        ev("d1", "designated", "2016-12-10", "pilot"),
        ev("d2", "designated", "2020-12-10", "pilot"),
    ])
    assert timeline.status("pilot", _dt.date(2020, 1, 1)).value == "expired"  # type: ignore[union-attr]
    now = timeline.status("pilot", _dt.date(2021, 1, 1))
    assert now is not None and now.value == "valid" and now.event_ids == ("d2",)


def test_effective_date_unknown_is_reported_not_guessed() -> None:
    data = rulebook_data(PILOT)
    source = _lifecycle.source_of(Rulebook.model_validate(data))
    unknown = _lifecycle.compile_source(
        _lifecycle.LifecycleSource(source.name, source.event_types, source.lifecycle,
                                   source.designations, effective=None,
                                   readings=source.readings))
    timeline = unknown.run([ev("l1", "legacy_patent_designation", "2018-06-01", "pilot")])
    obligation = timeline.by_rule("legacy_confirmation")[0]
    assert obligation.due is None and obligation.missing and "effective" in obligation.missing
    assert not timeline.by_rule("legacy_confirmation_overdue")


def test_same_history_gives_byte_identical_json() -> None:
    for measure, _, _, events in CASES:
        first = compiled(measure).run(events, unit="u").model_dump_json()
        again = compile_lifecycle(rulebook(measure)).run(events, unit="u").model_dump_json()
        assert first == again
        assert Timeline.model_validate_json(first).model_dump_json() == first


# ---- bad input -------------------------------------------------------------------------


def test_bad_events_raise_events_error_with_every_problem() -> None:
    with pytest.raises(EventsError) as info:
        compiled(CLUSTER).run([
            ev("a", "designated", "2021-01-01", "cluster_zone"),
            ev("a", "no_such_type", "2021-02-01"),
            ev("c", "assessment_result", "2020-01-01", "cluster_zone"),
        ])
    text = str(info.value)
    assert "used twice" in text and "unknown event type 'no_such_type'" in text
    assert "out of date order" in text and "missing detail 'result'" in text


def test_event_needing_an_earlier_one_is_refused() -> None:
    with pytest.raises(EventsError, match="needs an earlier event"):
        compiled(CLUSTER).run([ev("a", "assessment_result", "2021-01-01", "cluster_zone",
                                  result="pass")])


# ---- durable_rules hazards ------------------------------------------------------------


def test_no_background_threads_are_started() -> None:
    before = {t.ident for t in threading.enumerate()}
    lifecycle = compile_lifecycle(rulebook(CLUSTER))
    lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")])
    after = {t.ident for t in threading.enumerate()}
    assert after == before


def test_plain_durable_host_does_start_threads() -> None:
    """The hazard itself: durable_rules' own Host starts dispatch timers."""
    before = threading.active_count()
    durable_engine.Host()
    assert threading.active_count() > before


def test_exception_in_an_action_is_raised_with_the_rule_id(
        monkeypatch: pytest.MonkeyPatch) -> None:
    lifecycle = compile_lifecycle(rulebook(CLUSTER))

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(_lifecycle._Run, "derive_status", broken)
    with pytest.raises(LifecycleError) as info:
        lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")])
    assert info.value.rule_id == "designation_valid" and "boom" in str(info.value)
    assert lifecycle.live_sessions() == 0
    # The next run is not affected by the failed one.
    monkeypatch.undo()
    assert lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")]).facts


def test_durable_stores_action_exceptions_instead_of_raising() -> None:
    """The hazard itself: the plain engine swallows the exception into the state."""

    class Quiet(durable_engine.Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

    def fails(c: Any) -> None:
        raise ValueError("hidden")

    host = Quiet()
    host.set_rulesets({"hazard_exc": {"r": {"all": [{"m": {"t": 1}}], "run": fails}}})
    state = host.assert_fact("hazard_exc", {"sid": "x", "id": "1", "t": 1})
    assert "hidden" in state["exception"]


def test_engine_state_exception_is_surfaced(monkeypatch: pytest.MonkeyPatch) -> None:
    lifecycle = compile_lifecycle(rulebook(CLUSTER))
    real = lifecycle._host.assert_fact

    def with_stored_exception(name: str, fact: dict[str, Any]) -> Any:
        real(name, fact)
        return {"sid": fact["sid"], "exception": "exception caught elsewhere"}

    monkeypatch.setattr(lifecycle._host, "assert_fact", with_stored_exception)
    with pytest.raises(LifecycleError, match="exception caught elsewhere"):
        lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")])


def test_more_than_1024_units_in_a_row() -> None:
    lifecycle = compile_lifecycle(rulebook(CLUSTER))
    events = [ev("d1", "designated", "2020-09-01", "cluster_zone"),
              ev("a1", "assessment_result", "2021-01-10", "cluster_zone", result="fail")]
    for i in range(1500):
        assert len(lifecycle.run(events, unit=str(i)).facts) == 3
    assert lifecycle.live_sessions() == 0


def test_plain_durable_fails_past_1024_live_sessions() -> None:
    """The hazard itself, so we know the test above means something."""

    class Quiet(durable_engine.Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

    host = Quiet()
    host.set_rulesets({"hazard_mem": {"r": {"all": [{"m": {"t": 1}}], "run": lambda c: None}}})
    with pytest.raises(MemoryError):
        for i in range(1100):
            host.assert_fact("hazard_mem", {"sid": f"s{i}", "id": "1", "t": 1})


def test_every_action_takes_one_argument() -> None:
    lifecycle = compiled(PILOT)
    for name in lifecycle._actions:
        callback = lifecycle._callback(lifecycle._actions[name])
        assert callback.__code__.co_argcount == 1
    ruleset = lifecycle._host.get_ruleset(lifecycle._name)
    assert all(promise._sync for promise in ruleset._actions.values())


def test_equal_events_are_distinct_by_id() -> None:
    # Two identical reports on the same day: each is its own event with its own id.
    timeline = compiled(PILOT).run([
        ev("d1", "designated", "2019-12-10", "pilot"),
        ev("m1", "major_change", "2020-05-01", "pilot", change="merger"),
        ev("m2", "major_change", "2020-05-01", "pilot", change="merger"),
    ])
    assert len(timeline.by_rule("major_change_report")) == 2


def test_durable_identifies_facts_by_their_id_field() -> None:
    """Unlike "facts are identified by content": a second fact with the same id is refused."""

    class Quiet(durable_engine.Host):  # type: ignore[misc]
        def _run(self) -> None:
            return None

    host = Quiet()
    host.set_rulesets({"hazard_id": {"r": {"all": [{"m": {"t": 1}}], "run": lambda c: None}}})
    host.assert_fact("hazard_id", {"sid": "x", "id": "1", "t": 1, "v": "a"})
    with pytest.raises(durable_engine.MessageObservedException):
        host.assert_fact("hazard_id", {"sid": "x", "id": "1", "t": 1, "v": "b"})
    host.delete_state("hazard_id", "x")


def test_lost_facts_are_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    lifecycle = compile_lifecycle(rulebook(CLUSTER))
    real = lifecycle._host.get_facts
    monkeypatch.setattr(lifecycle._host, "get_facts", lambda n, s: real(n, s)[1:])
    with pytest.raises(LifecycleError, match="lost or kept facts"):
        lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")])


def test_an_action_left_to_run_after_the_transients_is_refused() -> None:
    """Transient facts are retracted without looking for actions (nothing reads them in an
    ``unless``): a session that still has an action to run is an error, never ignored."""
    import json

    lifecycle = compile_lifecycle(rulebook(CLUSTER))
    host, name = lifecycle._host, lifecycle._name
    core = durable_engine.durable_rules_engine
    handle = host.get_ruleset(name)._handle
    # the session opener enables an action; nobody runs it
    _, offset = core.assert_fact(handle, json.dumps({"sid": "t", "id": "open", "kind": "open"}))
    with pytest.raises(LifecycleError, match="left to run"):
        host.check_idle(name, offset)
    host.delete_state(name, "t")
    assert lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")]).facts


def test_run_units_checks_every_unit_got_its_result() -> None:
    lifecycle = compiled(CLUSTER)
    units = [(f"u{i}", [ev("d1", "designated", "2020-09-01", "cluster_zone")])
             for i in range(50)]
    results = _lifecycle.run_units(lifecycle, units)
    assert [t.unit for t in results] == [u for u, _ in units]


def test_concurrent_callers_get_the_sequential_answers() -> None:
    histories = [(m, events) for m, _, _, events in CASES]
    expected = [compiled(m).run(e, unit=str(i)).model_dump_json()
                for i, (m, e) in enumerate(histories)]
    got: dict[tuple[int, int], str] = {}
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        try:
            for _ in range(3):
                for i, (m, e) in enumerate(histories):
                    got[(w, i)] = compiled(m).run(e, unit=str(i)).model_dump_json()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for (_, i), text in got.items():
        assert text == expected[i]


def test_empty_history_and_lifecycle_without_rules() -> None:
    assert compiled(CLUSTER).run([]).facts == ()
    data = rulebook_data(CLUSTER)
    data["lifecycle"] = None
    lifecycle = compile_lifecycle(Rulebook.model_validate(data))
    assert lifecycle.run([ev("d1", "designated", "2020-09-01", "cluster_zone")]).facts == ()


def test_ruleset_json_is_plain_json() -> None:
    import json

    ruleset = compiled(CLUSTER).ruleset_json()
    assert "terminated_after_rectification" in ruleset
    json.dumps(ruleset)
    assert section(CLUSTER)["lifecycle"]["rules"]


def test_sessions_where_no_rule_ran_are_deleted_safely() -> None:
    # An event only the first half of a join matches: no action runs for the unit.
    lifecycle = compile_lifecycle(rulebook(CLUSTER))
    lonely = [ev("c3", "change_review", "2021-03-01", "cluster_zone",
                 outcome="conditions_not_met")]
    for _ in range(1200):
        assert lifecycle.run(lonely).facts == ()


_CRASH = """
from durable import engine
class Q(engine.Host):
    def _run(self):
        return None
h = Q()
h.set_rulesets({"x": {"r": {"all": [{"m": {"t": 1}}, {"n": {"t": 2}}], "run": lambda c: None}}})
h.assert_fact("x", {"sid": "s", "id": "1", "t": 1})
h.delete_state("x", "s")
"""


def test_plain_durable_crashes_deleting_a_session_where_no_action_ran() -> None:
    """The hazard itself: the process dies (free(): invalid pointer), nothing is raised."""
    done = subprocess.run([sys.executable, "-c", _CRASH], capture_output=True, timeout=60,
                          check=False)
    assert done.returncode != 0
