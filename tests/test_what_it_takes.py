"""What it would take, for every kind of criterion: as data in the JSON, as words in text."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ipdesignate import Decision, Library
from ipdesignate._core.yaml import load_file
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def lib() -> Library:
    return Library.default()


def _data(name: str) -> dict[str, Any]:
    located = load_file(ROOT / "examples" / name, [])
    assert located is not None
    return copy.deepcopy(located.data)


def _needs(d: Decision, criterion: str) -> list[dict[str, Any]]:
    crit = next(c for c in json.loads(d.model_dump_json())["criteria"] if c["id"] == criterion)
    assert crit["status"] == "fail", crit["status"]
    needs: list[dict[str, Any]] = crit["would_take"]
    assert needs and all(n["text"] for n in needs)
    return needs


def _check(lib: Library, data: dict[str, Any], designation: str) -> Decision:
    return lib.check(lib.parse_profile(data), designation)


def test_numeric_and_growth(lib: Library) -> None:
    d = _check(lib, _data("demonstration-near-miss.yaml"), "demonstration")
    needs = _needs(d, "rd_growth_rate")
    assert needs[0]["kind"] == "numeric" and needs[0]["comparator"] == "at_least"
    assert needs[0]["target"] == "0.1" and "short by" in needs[0]["text"]
    growth = needs[1]
    assert growth["kind"] == "growth" and growth["year"] == 2023
    # (1080/1000 + x/1080)/2 − 1 ≥ 10% ⇔ x ≥ 1080 × (2.2 − 1.08) = 1209.6万元
    assert growth["target"] == "12096000" and "1209.6万元" in growth["text"]
    assert "what it would take" in str(d) and "1209.6万元" in str(d)


def test_trend(lib: Library) -> None:
    data = _data("pilot-enterprise.yaml")
    data["yearly"][2023]["rd_expenditure"] = "850万元"  # 800 → 900 → 850: not net of 900
    data["yearly"][2022]["rd_expenditure"] = "900万元"
    data["yearly"][2021]["rd_expenditure"] = "900万元"
    needs = _needs(_check(lib, data, "pilot"), "rd_growth")
    assert needs[0]["kind"] == "trend" and needs[0]["comparator"] == "more_than"
    assert needs[0]["year"] == 2023 and needs[0]["target"] == "9000000"
    assert "2023 must exceed 900万元" in needs[0]["text"]


def test_share(lib: Library) -> None:
    data = _data("demonstration-near-miss.yaml")
    for y, inv in ((2021, 4), (2022, 5), (2023, 6)):  # 15 of 74 applications (20%)
        data["yearly"][y]["invention_applications"] = inv
    needs = _needs(_check(lib, data, "demonstration"), "invention_share")
    share = next(n for n in needs if n["kind"] == "share")
    # (15 + x) / (74 + x) ≥ 30% ⇔ x ≥ (22.2 − 15) / 0.7 = 10.29 → 11 more
    assert share["amount"] == "11" and share["field"] == "invention_applications"
    assert "11 more invention_applications in 2021–2023" in share["text"]


def test_category_fact_holds_and_exemption(lib: Library) -> None:
    d = _check(lib, _data("pilot-enterprise.yaml"), "demonstration")
    cat = _needs(d, "ip_management_standard")[0]
    assert cat["kind"] == "category" and [o["target"] for o in cat["options"]] == [
        "implemented", "above"]
    fact = _needs(d, "ip_department_and_staff")
    assert fact[0]["kind"] == "fact" and fact[0]["field"] == "has_dedicated_ip_department"
    assert fact[0]["target"] == "true"
    holds = _needs(d, "pilot_unit")
    assert holds[0]["kind"] == "holds" and holds[0]["field"] == "pilot"
    assert holds[-1]["kind"] == "exemption" and "第五条第一项" in holds[-1]["text"]


def test_lookback(lib: Library) -> None:
    data = _data("pilot-enterprise.yaml")
    data["events"] = [{"id": "f1", "type": "intentional_infringement_finding",
                       "date": "2022-06-01"}]
    needs = _needs(_check(lib, data, "pilot"), "no_infringement_3y")
    lookback = next(n for n in needs if n["kind"] == "lookback")
    assert lookback["date"] == "2025-06-02"
    assert "eligible again from 2025-06-02" in lookback["text"]


def test_duration(lib: Library) -> None:
    data = _data("carrier-missing-data.yaml")
    data["operating_since"] = "2020-06-01"
    needs = _needs(_check(lib, data, "cluster_zone"), "operating_one_year")
    assert needs[0]["kind"] == "duration" and needs[0]["date"] == "2021-06-01"


def test_passing_criteria_carry_no_needs(lib: Library) -> None:
    d = _check(lib, _data("pilot-enterprise.yaml"), "pilot")
    assert all(c["would_take"] == [] for c in json.loads(d.model_dump_json())["criteria"])
