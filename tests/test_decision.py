"""The decision's JSON is stable, documented by its schema, and self-describing."""

from __future__ import annotations

import json
from typing import Any

from ipdesignate import CompiledRulebook, Decision, parse_profile, render_html, schema


def test_json_keys_and_schema(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    d = demo.evaluate(parse_profile(good_unit), "unit_demo")
    data = json.loads(d.model_dump_json())
    assert list(data)[:4] == ["format", "engine", "rulebook", "designation"]
    props = schema("decision")["properties"]
    assert set(data) == set(props)
    crit = data["criteria"][1]
    assert crit["figures"][0]["value"] == "0.4" and crit["figures"][0]["unit"] == "ratio"
    assert crit["citation"] == {"article": 3, "item": None, "paragraph": None,
                                "text": "企业近三年专利实施率平均不低于40%"}


def test_decision_is_a_pydantic_model(demo: CompiledRulebook, good_unit: dict[str, Any]) -> None:
    d = demo.evaluate(parse_profile(good_unit), "unit_demo")
    assert isinstance(d, Decision)
    assert d.counts == {"pass": 8}
    assert "ipd-summary" in d._repr_html_() and "passes all 8" in render_html(d)
    assert "ELIGIBLE" in str(d)
