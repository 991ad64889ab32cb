"""The rulebook of 《北京市中小企业知识产权集聚发展示范区认定和管理办法(试行)》 (measure A).

The embedded cases of the rulebook must all hold and cover every clause both ways; the
direct tests below pin the readings an officer would check first: 超过70 excludes 70, the
relaxation of the quantity limit gives review, 以上 includes the number, and periods are
counted on the calendar.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ipdesignate.applicant.load import parse_profile
from ipdesignate.library.load import load_rulebook
from ipdesignate.rulebook.sourcetext import SourceText
from ipdesignate.testing.cases import run_cases

RULEBOOK = Path(__file__).resolve().parent.parent / "rulebooks" / "bj-ip-cluster-zone" / "2020.yaml"
ON = dt.date(2020, 9, 1)


@pytest.fixture(scope="module")
def rulebook() -> Any:
    return load_rulebook(RULEBOOK)


def _profile(rulebook: Any, **changes: Any) -> Any:
    data = copy.deepcopy(rulebook.model.test_profiles["incubator_zone"])
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return parse_profile(data, "test")


def _criterion(decision: Any, cid: str) -> Any:
    return next(c for c in decision.criteria if c.id == cid)


def test_embedded_cases_hold_with_full_clause_coverage(rulebook: Any) -> None:
    """Every embedded case gives its expected verdict and statuses; every clause is seen
    passing and not passing."""
    results, coverage = run_cases(rulebook)
    failed = [f"{r.name}: {'; '.join(r.mismatches)}" for r in results if not r.ok]
    assert not failed, "\n".join(failed)
    assert coverage.percent() == 100.0, "\n".join(coverage.gaps())


def test_cases_fall_inside_the_trial_year(rulebook: Any) -> None:
    """第十五条 试行一年: the trial runs 2020-03-27 – 2021-03-27 (estimated issue date: not
    before 《北京市优化营商环境条例》 was published); every embedded case is dated inside it.
    After the trial the measure still applies, with a warning, until its successor's
    (unconfirmed) date."""
    assert rulebook.effective_from == dt.date(2020, 3, 27)
    assert rulebook.trial_end == dt.date(2021, 3, 27)
    assert rulebook.effective_until == dt.date(2023, 12, 19)
    assert rulebook.trial_warning(dt.date(2021, 3, 27)) is None
    assert rulebook.trial_warning(dt.date(2021, 3, 28)) is not None
    outside = [case.name for case in rulebook.model.tests
               if rulebook.trial_warning(case.on) or not rulebook.in_force(case.on)]
    assert not outside


def test_every_citation_quotes_the_source(rulebook: Any) -> None:
    """Each criterion's citation, and each relaxation's, occurs in the article it names."""
    source = SourceText((RULEBOOK.parent / rulebook.model.source.file).read_text(encoding="utf-8"))
    for d in rulebook.model.designations.values():
        for crit in d.criteria:
            for cite in (crit.cite, crit.relaxation.cite if crit.relaxation else None):
                if cite is not None:
                    assert source.find(cite.article, cite.text) is None, (crit.id, cite.text)


def test_seventy_members_fail_the_count_and_go_to_review_under_the_relaxation(
        rulebook: Any) -> None:
    """超过70家 excludes 70 (民法典 第一千二百五十九条): 70 members fail the count. Without a
    claim of 特色模式和高成长性 the count fails with a hint naming the relaxation; with it,
    the relaxation of 第六条第3项 (可适当放宽数量规模限制) turns the failure into review."""
    d = rulebook.evaluate(_profile(rulebook, member_units=70, sme_members=56,
                                   key_industry_members=35), "cluster_zone", ON)
    count = _criterion(d, "member_count")
    assert count.status == "fail" and d.verdict == "ineligible"
    assert any("特色模式和高成长性" in n for n in count.trace.notes)
    assert count.relaxation is None
    assert "relaxation_claim" in {u.name for u in count.readings}
    data = copy.deepcopy(rulebook.model.test_profiles["incubator_zone"])
    data.update(member_units=70, sme_members=56, key_industry_members=35)
    data["attestations"]["distinctive_model_high_growth"] = {
        "by": "李四", "on": "2020-08-20", "evidence": "增长报告"}
    d = rulebook.evaluate(parse_profile(data, "test"), "cluster_zone", ON)
    count = _criterion(d, "member_count")
    assert count.status == "review"
    assert (count.relaxation.article, count.relaxation.item) == (6, 3)
    assert "可适当放宽数量规模限制" in count.relaxation.text
    assert count.trace.figures[0].text == "member_units = 70 (needs more than 70)"
    assert count.trace.figures[0].gap == 1
    assert d.verdict == "needs_review"


def test_seventy_one_members_pass_and_a_denied_relaxation_fails(rulebook: Any) -> None:
    """71 members are more than 70; an applicant denying 特色模式和高成长性 gets no relaxation."""
    d = rulebook.evaluate(_profile(rulebook, member_units=71, sme_members=57,
                                   key_industry_members=36), "cluster_zone", ON)
    assert _criterion(d, "member_count").status == "pass"
    assert d.verdict == "eligible"
    denied = {"holds": False, "by": "运营总监", "on": "2020-08-20", "evidence": "申报书"}
    base = copy.deepcopy(rulebook.model.test_profiles["incubator_zone"]["attestations"])
    d = rulebook.evaluate(_profile(rulebook, member_units=70, sme_members=56,
                                   key_industry_members=35,
                                   attestations={**base, "distinctive_model_high_growth": denied}),
                          "cluster_zone", ON)
    assert _criterion(d, "member_count").status == "fail"
    assert d.verdict == "ineligible"


def test_exactly_eighty_percent_smes_passes_and_below_fails(rulebook: Any) -> None:
    """80%以上 includes 80%; 79% fails, and the relaxation does not reach the share."""
    d = rulebook.evaluate(_profile(rulebook, sme_members=80), "cluster_zone", ON)
    share = _criterion(d, "sme_share")
    assert share.status == "pass"
    assert share.trace.figures[0].text == (
        "share sme_members/member_units = 80% (needs at least 80%)")
    d = rulebook.evaluate(_profile(rulebook, sme_members=79), "cluster_zone", ON)
    share = _criterion(d, "sme_share")
    assert share.status == "fail"
    assert share.relaxation is None
    assert d.verdict == "ineligible"


def test_operating_one_year_boundary(rulebook: Any) -> None:
    """运营时间在一年以上: exactly one year on the as-of date passes; a day less fails by
    one day; a leap-day start completes its year on 28 February."""
    d = rulebook.evaluate(_profile(rulebook, operating_since="2019-09-01"), "cluster_zone", ON)
    assert _criterion(d, "operating_one_year").status == "pass"
    d = rulebook.evaluate(_profile(rulebook, operating_since="2019-09-02"), "cluster_zone", ON)
    short = _criterion(d, "operating_one_year")
    assert short.status == "fail"
    assert short.trace.figures[0].gap == 1
    leap = _profile(rulebook, operating_since="2020-02-29")
    assert _criterion(rulebook.evaluate(leap, "cluster_zone", dt.date(2021, 2, 28)),
                      "operating_one_year").status == "pass"
    assert _criterion(rulebook.evaluate(leap, "cluster_zone", dt.date(2021, 2, 27)),
                      "operating_one_year").status == "fail"


def test_missing_data_is_undetermined_and_names_the_fields(rulebook: Any) -> None:
    """Absent facts are not guessed: the verdict is undetermined and the trace names them."""
    d = rulebook.evaluate(_profile(rulebook, operating_since=None, member_units=None,
                                   events=None), "cluster_zone", ON)
    assert d.verdict == "undetermined"
    assert _criterion(d, "operating_one_year").trace.missing == ["operating_since"]
    assert "member_units" in _criterion(d, "member_count").trace.missing
    assert "member_units" in _criterion(d, "sme_share").trace.missing
    assert _criterion(d, "no_cancellation_grounds").trace.missing == ["events"]


def test_termination_bars_for_two_years_including_the_last_day(rulebook: Any) -> None:
    """第十条第4项 2年内不得重新申报: barred on the second anniversary, free the day after.

    The bar comes from the lifecycle: failing an assessment, failing again after the half
    year of rectification, and the termination announcement (第十条第3项) start it.
    """
    on = dt.date(2021, 3, 1)
    chain = [
        {"id": "d1", "type": "designated", "date": "2017-09-01", "designation": "cluster_zone"},
        {"id": "a1", "type": "assessment_result", "date": "2018-01-10",
         "designation": "cluster_zone", "details": {"result": "fail"}},
        {"id": "a2", "type": "reassessment_result", "date": "2018-06-01",
         "designation": "cluster_zone", "details": {"result": "fail"}},
    ]
    for date, status in (("2019-03-02", "fail"), ("2019-03-01", "fail"), ("2019-02-28", "pass")):
        events = [*chain, {"id": "t1", "type": "termination_announcement", "date": date,
                           "designation": "cluster_zone", "details": {"ground": "assessment"}}]
        d = rulebook.evaluate(_profile(rulebook, events=events), "cluster_zone", on)
        crit = _criterion(d, "no_recent_termination")
        assert crit.status == status, date
        if status == "fail":
            assert "reapplication_bar" in " ".join(crit.trace.notes)


def test_false_materials_go_to_review_at_the_bureaus_discretion(rulebook: Any) -> None:
    """第十一条 视情取消: a finding of false materials is for the bureau to weigh, so the
    criterion is review, and the decision cites 第十一条."""
    events = [{"id": "f1", "type": "false_materials_finding", "date": "2020-06-15"}]
    d = rulebook.evaluate(_profile(rulebook, events=events), "cluster_zone", ON)
    grounds = _criterion(d, "no_cancellation_grounds")
    assert grounds.status == "review"
    assert grounds.relaxation.article == 11
    assert "视情取消" in grounds.relaxation.text
    assert d.verdict == "needs_review"
