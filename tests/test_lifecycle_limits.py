"""Lifecycle safety and speed (issues 9 and 13): rule cycles refused by validate, a bound
on derivations per run, rulesets freed with their compiled lifecycle, linear histories,
one finding per failed reassessment, and batches over worker processes."""

from __future__ import annotations

import copy
import datetime as _dt
import gc
import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from ipdesignate._core.errors import EventsError, LifecycleError
from ipdesignate._core.limits import LIMITS
from ipdesignate.applicant.events import Event
from ipdesignate.lifecycle import engine as _lifecycle
from ipdesignate.lifecycle.engine import (
    CompiledLifecycle,
    DerivationLimit,
    compile_lifecycle,
    live_rulesets,
    run_batch,
    run_units,
    source_of,
)
from ipdesignate.rulebook.model import Rulebook
from tests.lifecycle.helpers import CLUSTER, compiled, ev, rulebook_data, section

Z = "cluster_zone"


def _rule(rid: str, on: dict[str, Any], then: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": rid, "cite": {"article": 10, "text": "x"}, "text": {"zh": "x", "en": "x"},
            "on": on, "then": then}


def _with_rules(*rules: dict[str, Any]) -> Rulebook:
    sec = copy.deepcopy(section(CLUSTER))
    sec["lifecycle"]["rules"].extend(rules)
    return Rulebook.model_validate(rulebook_data(CLUSTER, sec))


# ---- cycles are refused when the rulebook is checked ---------------------------------------

CYCLES = {
    "self": [_rule("echo", {"fact": "echo"}, [{"finding": "echo"}]),
             _rule("start", {"event": "designated"}, [{"finding": "echo"}])],
    "two rules": [_rule("ping", {"fact": "pong"}, [{"finding": "ping"}]),
                  _rule("pong", {"fact": "ping"}, [{"finding": "pong"}]),
                  _rule("serve", {"event": "designated"}, [{"finding": "ping"}])],
    "deadline": [_rule("again", {"deadline_passed": "chore"},
                       [{"obligation": "chore", "due": "1 day",
                         "met_by": {"event": "annual_report_submitted"}}]),
                 _rule("first", {"event": "designated"},
                       [{"obligation": "chore", "due": "1 day",
                         "met_by": {"event": "annual_report_submitted"}}])],
}


@pytest.mark.parametrize("name", CYCLES)
def test_rules_that_trigger_each_other_are_refused(name: str) -> None:
    with pytest.raises(LifecycleError, match="trigger each other without end") as info:
        compile_lifecycle(_with_rules(*CYCLES[name]))
    names = {r["id"] for r in CYCLES[name] if "fact" in r["on"] or "deadline_passed" in r["on"]}
    assert all(n in str(info.value) for n in names)


def test_validate_names_the_cycle_with_its_position(tmp_path: Any) -> None:
    from ipdesignate.cli.main import main
    from tests.lifecycle.helpers import RULEBOOKS

    text = RULEBOOKS[CLUSTER].read_text(encoding="utf-8")
    rule = textwrap.indent(textwrap.dedent("""\
        - id: echo
          cite: {article: 10, text: "x"}
          text: {zh: "x", en: "x"}
          on: {fact: reapplication_bar}
          then:
            - bar: reapplication_bar
              lasts: 2 years
        """), "    ")
    assert "\n  rules:\n" in text
    bad = tmp_path / "bj-ip-cluster-zone" / "2020.yaml"
    bad.parent.mkdir()
    (tmp_path / "sources").symlink_to(RULEBOOKS[CLUSTER].parents[1] / "sources")
    bad.write_text(text.replace("\n  rules:\n", "\n  rules:\n" + rule, 1), encoding="utf-8")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["validate", str(bad)])
    assert code == 1
    assert "trigger each other without end: echo → echo" in err.getvalue()
    assert f"{bad}:" in err.getvalue()


def test_the_shipped_rulebooks_have_no_cycles() -> None:
    for measure in (CLUSTER, "bj-ip-pilot-demonstration"):
        assert compiled(measure).rule_ids


# ---- a bound on what one run may derive ------------------------------------------------------


def test_a_cycle_past_the_checker_stops_at_the_bound_naming_the_rules() -> None:
    """Even if a cycle got past validation, a run stops: the facts chained inside one
    engine call are counted too."""
    rb = _with_rules(*CYCLES["two rules"])
    lifecycle = CompiledLifecycle(source_of(rb))  # no checks: the cycle is in
    with pytest.raises(DerivationLimit) as info:
        lifecycle.run([ev("d1", "designated", "2020-09-01", Z)])
    message = str(info.value)
    assert "ping" in message and "pong" in message
    assert f"{LIMITS.max_derivations_per_event * 2} facts" in message
    assert lifecycle.live_sessions() == 0
    assert lifecycle.run([]).facts == ()  # the engine is still usable


def test_the_bound_is_a_documented_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "max_derivations_per_event", 1)
    events = [ev("d1", "designated", "2020-09-01", Z),
              ev("a1", "assessment_result", "2021-01-10", Z, result="fail"),
              ev("a2", "assessment_result", "2021-02-10", Z, result="fail")]
    with pytest.raises(DerivationLimit, match="IPDESIGNATE_LIMIT_MAX_DERIVATIONS_PER_EVENT"):
        compiled(CLUSTER).run(events)


# ---- rulesets are freed -----------------------------------------------------------------------


def test_a_compiled_lifecycle_frees_its_ruleset_when_it_goes_away() -> None:
    gc.collect()
    before = live_rulesets()
    rb = Rulebook.model_validate(rulebook_data(CLUSTER))
    for _ in range(30):
        lifecycle = compile_lifecycle(rb)
        lifecycle.run([ev("d1", "designated", "2020-09-01", Z)])
        assert live_rulesets() >= before + 1
        del lifecycle
        gc.collect()
    assert live_rulesets() == before


_RSS = """
import gc, sys
sys.path.insert(0, {root!r})
from tests.lifecycle.helpers import CLUSTER, ev, rulebook
from ipdesignate.lifecycle.engine import compile_lifecycle
rb = rulebook(CLUSTER)
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
def one():
    lc = compile_lifecycle(rb)
    lc.run([ev("d1", "designated", "2020-09-01", "cluster_zone")])
for _ in range(100):
    one()
gc.collect()
start = rss()
for _ in range(400):
    one()
gc.collect()
print(rss() - start)
"""


def test_reloading_a_rulebook_many_times_keeps_memory_flat() -> None:
    from tests.lifecycle.helpers import ROOT

    done = subprocess.run([sys.executable, "-c", _RSS.format(root=str(ROOT))],
                          capture_output=True, text=True, timeout=300, check=True)
    # before: ~1.2 MB per compiled lifecycle, never freed (400 → ~480 MB)
    assert float(done.stdout) < 40, done.stdout


# ---- histories that used to grow super-linearly ----------------------------------------------


def test_many_designated_events_replace_each_other_in_turn() -> None:
    day = _dt.date(2020, 9, 1)
    events = [Event(id=f"d{i}", type="designated", date=day + _dt.timedelta(days=i),
                    designation=Z) for i in range(3000)]
    timeline = compiled(CLUSTER).run(events)
    statuses = [f for f in timeline.facts if f.kind == "status"]
    assert len(statuses) == 3000
    assert [f.superseded_by for f in statuses[:-1]] == [f.id for f in statuses[1:]]
    assert statuses[-1].superseded_by is None and statuses[-1].end is None


def _rectification_history(rounds: int) -> list[Event]:
    day = _dt.date(2020, 9, 1)
    events = [Event(id="d0", type="designated", date=day, designation=Z)]
    for i in range(rounds):
        day += _dt.timedelta(days=30)
        events.append(Event(id=f"a{i}", type="assessment_result", date=day, designation=Z,
                            details={"result": "fail"}))
        day += _dt.timedelta(days=30)
        events.append(Event(id=f"r{i}", type="reassessment_result", date=day, designation=Z,
                            details={"result": "fail"}))
    return events


@pytest.mark.parametrize("rounds", [10, 40, 160])
def test_one_finding_per_failed_reassessment_after_its_own_rectification(rounds: int) -> None:
    """经整改后仍不合格: a reassessment that fails after a rectification is one ground for
    termination, resting on the rectification it followed — not one per rectification
    ever ordered (that joined with every earlier one: 2 → 22 → 412 findings)."""
    timeline = compiled(CLUSTER).run(_rectification_history(rounds))
    findings = timeline.by_rule("failed_after_rectification")
    assert len(findings) == rounds
    rectifications = {f.id: f for f in timeline.by_rule("rectification")}
    for i, finding in enumerate(findings):
        (basis,) = finding.fact_ids
        # the latest rectification before it (ordered by assessment a{i})
        assert [e for e in rectifications[basis].event_ids if e[0] == "a"] == [f"a{i}"]
        assert f"r{i}" in finding.event_ids


# ---- batches over worker processes ------------------------------------------------------------


def _batch(n: int) -> list[tuple[str, list[Event]]]:
    out = []
    for i in range(n):
        events = _rectification_history(1 + i % 3)
        if i % 50 == 7:  # a unit that fails: its error stays at its place
            events = [events[1], events[0]]
        out.append((f"u{i}", events))
    return out


def test_jobs_keep_every_unit_in_order_with_the_same_results() -> None:
    units = _batch(400)
    one = run_batch(compiled(CLUSTER), units, jobs=1)
    two = run_batch(compiled(CLUSTER), units, jobs=2)
    assert len(one) == len(two) == 400

    def shown(r: Any) -> str:
        return (f"{type(r).__name__}: {r}" if isinstance(r, Exception)
                else r.model_dump_json())

    assert [shown(r) for r in one] == [shown(r) for r in two]
    assert isinstance(two[7], EventsError)
    assert [t.unit for t in two if not isinstance(t, Exception)] == [
        u for i, (u, _) in enumerate(units) if i % 50 != 7]
    with pytest.raises(EventsError):
        run_units(compiled(CLUSTER), units, jobs=2)
    good = [u for i, u in enumerate(units) if i % 50 != 7]
    assert [t.unit for t in run_units(compiled(CLUSTER), good, jobs=2)] == [u for u, _ in good]


def test_a_worker_that_dies_is_an_error_never_a_hang_or_a_lost_unit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from ipdesignate.lifecycle import engine

    parent = os.getpid()
    real = engine._run_one

    def dies_in_a_worker(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(3)  # as a crash in the C core would: no exception, no result
        return real(*args)

    monkeypatch.setattr(engine, "_run_one", dies_in_a_worker)
    with pytest.raises(LifecycleError, match="worker process"):
        run_batch(compiled(CLUSTER), _batch(400), jobs=2)


def test_jobs_leave_a_callers_frozen_objects_frozen() -> None:
    gc.freeze()
    try:
        assert len(run_batch(compiled(CLUSTER), _batch(200), jobs=2)) == 200
        assert gc.get_freeze_count() > 0  # still frozen (objects freed since count off)
    finally:
        gc.unfreeze()
    assert len(run_batch(compiled(CLUSTER), _batch(200), jobs=2)) == 200
    assert gc.get_freeze_count() == 0


def test_every_process_takes_part_and_results_keep_their_places() -> None:
    """The parent runs chunks too (jobs=3: itself and two workers); every chunk's place
    and size are checked, so the result is the one-process result in any interleaving."""
    units = _batch(700)
    one = [r.model_dump_json() if not isinstance(r, Exception) else str(r)
           for r in run_batch(compiled(CLUSTER), units, jobs=1)]
    three = [r.model_dump_json() if not isinstance(r, Exception) else str(r)
             for r in run_batch(compiled(CLUSTER), units, jobs=3)]
    assert one == three


def test_timeline_command_with_jobs_prints_what_one_process_prints(tmp_path: Any) -> None:
    import contextlib
    import io

    from ipdesignate.cli.main import main
    from tests.lifecycle.helpers import RULEBOOKS

    lines = []
    for i, (unit, events) in enumerate(_batch(300)):
        lines.append(json.dumps({"unit": unit, "events": [
            {"id": e.id, "type": e.type, "date": e.date.isoformat(),
             "designation": e.designation, "details": e.details} for e in events]}))
        if i == 100:
            lines.append("{not json")
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(*extra: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["timeline", str(batch), "--rulebook", str(RULEBOOKS[CLUSTER]),
                         "--format", "json", *extra])
        return code, out.getvalue(), err.getvalue()

    one, two = run(), run("--jobs", "2")
    assert one == two
    assert one[0] == 1 and len(one[1].splitlines()) == 300 - 6
    assert "of 301 units done" in one[2]


def test_units_whose_events_no_rule_reads_skip_the_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    lifecycle = compile_lifecycle(Rulebook.model_validate(rulebook_data(CLUSTER)))
    calls: list[str] = []
    monkeypatch.setattr(_lifecycle.CompiledLifecycle, "_drive",
                        lambda self, state, events: calls.append("drive"))
    assert "intentional_infringement_finding" not in lifecycle.reads
    timeline = lifecycle.run([ev("x1", "intentional_infringement_finding", "2021-01-01")])
    assert calls == [] and timeline.facts == () and timeline.unused_events == ("x1",)
