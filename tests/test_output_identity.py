"""Decision output is byte-identical to the recorded golden corpus (tests/golden.py).

Every speed-up of evaluation, traces or JSON must leave every rendering of every decision
of the corpus unchanged: compact and indented JSON, the JSON-mode dict, text, Markdown,
HTML, ``repr`` and ``str``. A deliberate change of output re-records the fixture
(``python tests/golden.py record``) in the same commit, and says why.
"""

from __future__ import annotations

from typing import Any

from ipdesignate import Decision, IpdesignateError

from . import golden


def test_every_output_is_byte_identical_to_the_recorded_corpus() -> None:
    want = golden.load_fixture()
    got: dict[str, dict[str, str]] = {}
    diffs: list[str] = []
    for key, out in golden.corpus():
        got[key] = hashed = {k: golden.digest(v) for k, v in out.items()}
        expected = want.get(key)
        if expected != hashed:
            which = sorted(k for k in set(hashed) | set(expected or {})
                           if (expected or {}).get(k) != hashed.get(k))
            diffs.append(f"{key}: {', '.join(which)}")
    assert not diffs, f"{len(diffs)} decisions differ:\n" + "\n".join(diffs[:40])
    assert set(got) == set(want), sorted(set(want) ^ set(got))[:20]


def test_json_round_trip_is_exact_over_the_corpus() -> None:
    """A decision read back from its JSON writes the same bytes (and renders the same)."""
    from ipdesignate.decision.render import render_text

    seen = 0
    for key, run in golden._jobs():
        if not key.startswith(("case/", "file/", "demo/")):
            continue
        try:
            decision: Any = run()
        except IpdesignateError:  # the corpus test records errors
            continue
        text = decision.model_dump_json()
        back = Decision.model_validate_json(text)
        assert back.model_dump_json() == text, key
        assert render_text(back) == render_text(decision), key
        seen += 1
    assert seen > 200


def test_a_decision_pickles_with_its_traces() -> None:
    """A trace built on first read is built before pickling: the copy says the same."""
    import datetime as dt
    import pickle

    from ipdesignate import Library

    from .conftest import ROOT

    lib = Library.default()
    profile = lib.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    decision = lib.check(profile, "pilot", dt.date(2024, 3, 15))
    copy = pickle.loads(pickle.dumps(decision))
    assert copy.model_dump_json() == decision.model_dump_json()
    assert all(r.trace is not None for r in copy.criteria if r.status != "not_applicable")


def test_json_writes_unread_traces_without_keeping_them() -> None:
    """The writer builds a trace not yet read for that writing only: the same bytes
    before and after the traces are read, and reading them afterwards still works."""
    import datetime as dt

    from ipdesignate import Library

    from .conftest import ROOT

    lib = Library.default()
    profile = lib.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    decision = lib.check(profile, "pilot", dt.date(2024, 3, 15))
    first = decision.model_dump_json()
    assert decision.model_dump_json() == first
    for r in decision.criteria:
        assert r.trace_once() is r.trace_once() or r._check is not None
    assert [r.trace is not None for r in decision.criteria].count(True) >= 10
    assert decision.model_dump_json() == first
    assert first == lib.check(profile, "pilot", dt.date(2024, 3, 15)).model_dump_json()


def test_mean_of_rates_compared_by_cross_multiplication_at_the_boundary(tmp_path: Any) -> None:
    """40% of huge and odd patent counts is exactly 40% (pass) and one patent fewer is
    not (fail), in the status-only form and in the traced one alike."""
    import datetime as dt
    import re

    from ipdesignate import Library

    from .conftest import ROOT

    lib = Library.default()
    text = (ROOT / "examples" / "pilot-enterprise.yaml").read_text(encoding="utf-8")
    big = 10**17 * 7 + 35  # a multiple of 5: 40% of it is a whole number
    for implemented, want in ((big * 2 // 5, "pass"), (big * 2 // 5 - 1, "fail")):
        odd = re.sub(r"valid_patents: \d+, implemented_patents: \d+",
                     f"valid_patents: {big}, implemented_patents: {implemented}", text)
        path = tmp_path / f"p{implemented}.yaml"
        path.write_text(odd, encoding="utf-8")
        decision = lib.check(lib.load_profile(path), "pilot", dt.date(2024, 3, 15))
        r = decision.criterion("implementation_rate")
        assert r.status == want
        assert r.trace is not None and r.trace.figures[0].status == want


def test_fused_results_copy_pickle_and_compare_like_any_result() -> None:
    """A result decided by the fused criteria function (trace not yet built) pickles and
    copies as a ``CriterionResult``, compares equal to its copy, and takes a new trace."""
    import copy
    import datetime as dt
    import pickle

    from ipdesignate import Library
    from ipdesignate.decision.trace import CriterionResult, Trace

    from .conftest import ROOT

    lib = Library.default()
    profile = lib.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")
    decision = lib.check(profile, "pilot", dt.date(2024, 3, 15))
    text = decision.model_dump_json()
    fresh = lib.check(profile, "pilot", dt.date(2024, 3, 15))
    for r, again in zip(decision.criteria, pickle.loads(pickle.dumps(fresh)).criteria,
                        strict=True):
        assert type(again) is CriterionResult
        assert again == r
        assert type(copy.copy(r)) is CriterionResult and copy.deepcopy(r) == r
        assert repr(r).startswith("<ipdesignate.decision.trace.CriterionResult object")
    assert decision.model_dump_json() == text
    r = lib.check(profile, "pilot", dt.date(2024, 3, 15)).criteria[0]
    r.trace = Trace()
    assert r.trace is not None and r.trace.inputs == {}
