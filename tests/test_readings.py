"""Every reading issue 8 added or changed, on the other side of its choice: the same profile
evaluated with the default and with an alternative option gives the outcome each says."""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ipdesignate import parse_profile
from ipdesignate.library.load import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
PILOT = "bj-ip-pilot-demonstration/2018.yaml"
CLUSTER = "bj-ip-cluster-zone/2020.yaml"
ON = dt.date(2024, 3, 15)


def _book(tmp_path: Path, file: str, **use: str) -> Any:
    """The rulebook with some readings switched to another option (a copy in tmp_path)."""
    root = tmp_path / "rulebooks"
    if not root.exists():
        shutil.copytree(ROOT / "rulebooks", root)
    path = root / file
    text = (ROOT / "rulebooks" / file).read_text("utf-8")
    for name, option in use.items():
        text, n = re.subn(rf"(^  {name}:\n(?:    .*\n)*?    use: )\S+", rf"\g<1>{option}", text,
                          count=1, flags=re.M)
        assert n == 1, name
    path.write_text(text, "utf-8")
    return load_rulebook(path)


def _profile(book: Any, base: str, events: Any = None, **changes: Any) -> Any:
    data = copy.deepcopy(book.model.test_profiles[base])
    for key, value in changes.items():
        node = data
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(int(p) if p.isdigit() else p, {})
        node[parts[-1]] = value
    if events is not None:
        data["events"] = events
    return parse_profile(data, "test")


def _status(book: Any, profile: Any, designation: str, cid: str, on: dt.date = ON) -> str:
    decision = book.evaluate(profile, designation, on)
    result = decision.criterion(cid)
    return str(result.status)


def _ev(i: str, type_: str, date: str, designation: str | None = None, **details: Any
        ) -> dict[str, Any]:
    out: dict[str, Any] = {"id": i, "type": type_, "date": date}
    if designation:
        out["designation"] = designation
    if details:
        out["details"] = details
    return out


def test_exemption_patent_count_three_year_sum(tmp_path: Path) -> None:
    """专利申请量超过100件: 300 ever filed, 90 in the last three years."""
    kw = {"cumulative_patent_applications": 300, "in_beijing": True,
          "yearly.2021.patent_applications": 30, "yearly.2021.invention_applications": 20,
          "yearly.2022.patent_applications": 30, "yearly.2022.invention_applications": 20,
          "yearly.2023.patent_applications": 30, "yearly.2023.invention_applications": 20}
    default = _book(tmp_path / "a", PILOT)
    assert _status(default, _profile(default, "pilot_university", [], **kw), "demonstration",
                   "pilot_unit") == "exempt"
    recent = _book(tmp_path / "b", PILOT, exemption_patent_count="recent_three_years")
    assert _status(recent, _profile(recent, "pilot_university", [], **kw), "demonstration",
                   "pilot_unit") == "fail"


def test_review_renewal_from_previous_expiry(tmp_path: Path) -> None:
    """Designated 2021-03-01, re-review passed 2021-03-15: valid to 2024-03-15 counted from
    the review; to 2027-03-01 added on to the running term."""
    events = [_ev("d0", "designated", "2021-03-01", "pilot"),
              _ev("r1", "review_result", "2021-03-15", "pilot", result="pass")]
    day = dt.date(2024, 3, 16)
    default = _book(tmp_path / "a", PILOT)
    assert _status(default, _profile(default, "demonstration_enterprise", events),
                   "demonstration", "pilot_unit", day) == "fail"
    other = _book(tmp_path / "b", PILOT, review_renewal="from_previous_expiry")
    d = other.evaluate(_profile(other, "demonstration_enterprise", events), "demonstration", day)
    result = d.criterion("pilot_unit")
    assert result.status == "pass"
    assert any("2027-03-01" in n and "review_renewed_from_expiry" in n for n in result.trace.notes)
    assert any("from_previous_expiry" in n for n in result.trace.notes)


def test_legacy_status_end_at_the_announcement(tmp_path: Path) -> None:
    events = [_ev("l1", "legacy_patent_designation", "2017-06-01", "pilot")]
    default = _book(tmp_path / "a", PILOT)
    assert _status(default, _profile(default, "demonstration_enterprise", events),
                   "demonstration", "pilot_unit") == "fail"
    letter = _book(tmp_path / "b", PILOT, legacy_status_end="at_termination_announcement")
    assert _status(letter, _profile(letter, "demonstration_enterprise", events),
                   "demonstration", "pilot_unit") == "pass"


def test_other_violations_to_review(tmp_path: Path) -> None:
    events = [_ev("v1", "other_violation", "2023-06-01")]
    default = _book(tmp_path / "a", PILOT)
    assert _status(default, _profile(default, "pilot_enterprise", events), "pilot",
                   "no_violations_3y") == "fail"
    other = _book(tmp_path / "b", PILOT, article6_item2_other_violations="review")
    assert _status(other, _profile(other, "pilot_enterprise", events), "pilot",
                   "no_violations_3y") == "review"
    penalty = [_ev("p1", "ip_administrative_penalty", "2023-06-01")]
    assert _status(other, _profile(other, "pilot_enterprise", penalty), "pilot",
                   "no_violations_3y") == "fail"


def test_false_materials_any_application_within_the_window(tmp_path: Path) -> None:
    events = [_ev("m1", "false_materials_finding", "2023-02-01", application="earlier")]
    default = _book(tmp_path / "a", PILOT)
    assert _status(default, _profile(default, "pilot_enterprise", events), "pilot",
                   "no_false_materials") == "pass"
    other = _book(tmp_path / "b", PILOT, article6_item1_scope="any_within_window")
    assert _status(other, _profile(other, "pilot_enterprise", events), "pilot",
                   "no_false_materials") == "fail"


def test_item7_window_and_number(tmp_path: Path) -> None:
    """第四条第七项: no application in three years but five ever filed; and the number."""
    none_recent = {f"yearly.{y}.{k}": 0 for y in (2021, 2022, 2023)
                   for k in ("patent_applications", "invention_applications")}
    default = _book(tmp_path / "a", PILOT)
    p = _profile(default, "pilot_enterprise", cumulative_patent_applications=5,
                 cumulative_invention_applications=0, **none_recent)
    assert _status(default, p, "pilot", "patent_applications") == "fail"
    other = _book(tmp_path / "b", PILOT, item7_window="all_time")
    p = _profile(other, "pilot_enterprise", cumulative_patent_applications=5,
                 cumulative_invention_applications=0, **none_recent)
    assert _status(other, p, "pilot", "patent_applications") == "pass"
    three = _book(tmp_path / "c", PILOT, minimum_patent_applications="three")
    two = {"yearly.2021.patent_applications": 1, "yearly.2021.invention_applications": 0,
           "yearly.2022.patent_applications": 1, "yearly.2022.invention_applications": 0,
           "yearly.2023.patent_applications": 0, "yearly.2023.invention_applications": 0}
    assert _status(three, _profile(three, "pilot_enterprise", **two), "pilot",
                   "patent_applications") == "fail"
    two["yearly.2022.invention_applications"] = 1
    assert _status(three, _profile(three, "pilot_enterprise", **two), "pilot",
                   "patent_applications") == "pass"


def test_relaxation_claim_and_scope(tmp_path: Path) -> None:
    on = dt.date(2020, 9, 1)
    claim = {"attestations.distinctive_model_high_growth": {
        "by": "李四", "on": "2020-08-20", "evidence": "增长报告"}}
    default = _book(tmp_path / "a", CLUSTER)
    assert _status(default, _profile(default, "incubator_zone", member_units=70, sme_members=56,
                                     key_industry_members=35),
                   "cluster_zone", "member_count", on) == "fail"
    lenient = _book(tmp_path / "b", CLUSTER, relaxation_claim="unless_denied")
    assert _status(lenient, _profile(lenient, "incubator_zone", member_units=70, sme_members=56,
                                     key_industry_members=35),
                   "cluster_zone", "member_count", on) == "review"
    short = {"members_valid_patents": 120, "members_invention_patents": 30, **claim}
    assert _status(default, _profile(default, "incubator_zone", **short),
                   "cluster_zone", "member_patents", on) == "fail"
    wide = _book(tmp_path / "c", CLUSTER, relaxation_scope="count_and_patent_totals")
    assert _status(wide, _profile(wide, "incubator_zone", **short),
                   "cluster_zone", "member_patents", on) == "review"
    shares = _book(tmp_path / "d", CLUSTER, relaxation_scope="count_and_shares")
    assert _status(shares, _profile(shares, "incubator_zone", sme_members=70, **claim),
                   "cluster_zone", "sme_share", on) == "review"
    assert _status(shares, _profile(shares, "incubator_zone", sme_members=70),
                   "cluster_zone", "sme_share", on) == "fail"


@pytest.mark.parametrize("file", [PILOT, CLUSTER])
def test_every_reading_has_a_reason_and_alternatives_or_says_why_not(file: str) -> None:
    book = load_rulebook(ROOT / "rulebooks" / file)
    for name, interp in book.model.interpretations.items():
        assert interp.reason and interp.use in interp.options, name


def test_event_dating_by_the_act(tmp_path: Path) -> None:
    """A penalty decided 2023-06-01 for an act of 2020-01-10: inside 近三年内 dated by the
    finding, outside dated by the act; an event without act_date is then unknown."""
    events = [_ev("p1", "ip_administrative_penalty", "2023-06-01", act_date=dt.date(2020, 1, 10))]
    default = _book(tmp_path / "a", PILOT)
    assert _status(default, _profile(default, "pilot_enterprise", events), "pilot",
                   "no_violations_3y") == "fail"
    act = _book(tmp_path / "b", PILOT, event_dating="act_date")
    assert _status(act, _profile(act, "pilot_enterprise", events), "pilot",
                   "no_violations_3y") == "pass"
    bare = [_ev("p1", "ip_administrative_penalty", "2023-06-01")]
    assert _status(act, _profile(act, "pilot_enterprise", bare), "pilot",
                   "no_violations_3y") == "unknown"
