"""The lifecycle section's shape, its cross-reference checks, and the real sections'
citations (quoted verbatim, from the article they name)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from ipdesignate._core.errors import LifecycleError, Problem
from ipdesignate._core.yaml import load_text
from ipdesignate.lifecycle.engine import LifecycleSource, compile_source
from ipdesignate.rulebook.lifecycle_model import (
    Due,
    EventType,
    FieldSpec,
    Lifecycle,
    LifecycleRule,
    StatusOut,
)
from tests.lifecycle.helpers import CLUSTER, PILOT, SOURCES, section

RULE: dict[str, Any] = {
    "id": "r", "cite": {"article": 1, "text": "甲"}, "text": {"zh": "甲", "en": "A"},
    "on": {"event": "a"}, "then": [{"finding": "f"}],
}


def test_field_shorthands() -> None:
    assert FieldSpec.model_validate("date").type == "date"
    spec = FieldSpec.model_validate(["pass", "fail"])
    assert spec.type == "choice" and spec.choice == ("pass", "fail")
    assert FieldSpec.model_validate({"choice": ["x"], "required": False}).type == "choice"
    with pytest.raises(ValidationError):
        FieldSpec.model_validate({"type": "choice"})
    with pytest.raises(ValidationError):
        FieldSpec.model_validate({"type": "text", "choice": ["x"]})


@pytest.mark.parametrize("text", ["30 days", "6 months", "3 years", "12 months", "7 days",
                                  "1 year"])
def test_periods_in_legal_words(text: str) -> None:
    assert Due.model_validate(text).within == text
    assert StatusOut(status="valid", lasts=text).lasts == text


@pytest.mark.parametrize("text", ["30", "half a year", "3 yrs", "-1 days", ""])
def test_not_a_period(text: str) -> None:
    with pytest.raises(ValidationError, match="not a period"):
        Due.model_validate(text)


def test_due_needs_exactly_one_way() -> None:
    with pytest.raises(ValidationError):
        Due.model_validate({"within": "30 days", "quarter_end": 4})
    with pytest.raises(ValidationError):
        Due.model_validate({"quarter_end": 4, "from": "effective"})
    assert Due.model_validate({"within": "12 months", "from": "effective"}).from_ == "effective"


def test_after_needs_lasts() -> None:
    with pytest.raises(ValidationError):
        StatusOut(status="valid", after="expired")


def test_trigger_and_then_heads() -> None:
    with pytest.raises(ValidationError, match="exactly one of"):
        LifecycleRule.model_validate({**RULE, "on": {"event": "a", "fact": "b"}})
    with pytest.raises(ValidationError, match="exactly one of"):
        LifecycleRule.model_validate({**RULE, "then": [{"finding": "f", "breach": "g"}]})
    with pytest.raises(ValidationError):
        LifecycleRule.model_validate({**RULE, "id": "Bad-Id"})
    with pytest.raises(ValidationError):
        LifecycleRule.model_validate({**RULE, "unknown": 1})


def _problems(yaml_text: str) -> list[Problem]:
    problems: list[Problem] = []
    located = load_text(yaml_text, "x.yaml", problems)
    assert located is not None
    data = located.data
    source = LifecycleSource(
        name="x", located=located, file="x.yaml",
        event_types={k: EventType.model_validate(v) for k, v in data["event_types"].items()},
        lifecycle=Lifecycle.model_validate(data["lifecycle"]),
        designations=frozenset({"pilot"}),
    )
    with pytest.raises(LifecycleError):
        compile_source(source, problems)
    return problems


def test_cross_references_are_located() -> None:
    problems = _problems("""\
event_types:
  a: {text: {zh: 甲, en: A}, fields: {result: [pass, fail]}, after: [nope]}
lifecycle:
  rules:
    - id: r
      cite: {article: 1, text: 甲}
      text: {zh: 甲, en: A}
      on: {event: a, where: {result: maybe, colour: red}}
      requires: [{fact: ghost}]
      then:
        - bar: b
          lasts: 2 years
          designations: [nowhere]
        - status: b
    - id: r
      cite: {article: 1, text: 甲}
      text: {zh: 甲, en: A}
      on: {deadline_passed: b}
      then: [{finding: g}]
    - id: s
      cite: {article: 1, text: 甲}
      text: {zh: 甲, en: A}
      on: {fact: g, by: missing_rule}
      then: [{finding: h}]
""")
    text = "\n".join(str(p) for p in problems)
    for expected in [
        "x.yaml:2:", "unknown event type 'nope'",
        "x.yaml:8:", "'maybe' is not a value of detail 'result'",
        "has no detail 'colour'",
        "x.yaml:9:", "no rule derives 'ghost'",
        "x.yaml:13:", "unknown designation 'nowhere'",
        "x.yaml:14:", "derived as a status here but as a bar elsewhere",
        "x.yaml:15:", "rule id 'r' is used twice",
        "'b' is not an obligation or period",
        "unknown rule 'missing_rule'",
    ]:
        assert expected in text, expected


def _articles(measure: str) -> dict[int, list[str]]:
    """Article number → its lines (paragraphs and items), from the source text."""
    numerals = "一二三四五六七八九十"

    def number(chinese: str) -> int:
        if chinese == "十":
            return 10
        if chinese.startswith("十"):
            return 10 + numerals.index(chinese[1]) + 1
        if "十" in chinese:
            tens, _, ones = chinese.partition("十")
            return (numerals.index(tens) + 1) * 10 + (numerals.index(ones) + 1 if ones else 0)
        return numerals.index(chinese) + 1

    articles: dict[int, list[str]] = {}
    current: int | None = None
    for line in (SOURCES / f"{measure}.zh.txt").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^第([一二三四五六七八九十]+)条 ?", line)
        if heading:
            current = number(heading.group(1))
            articles[current] = [line[heading.end():]]
        elif line.startswith("第") and "章" in line[:5]:
            current = None
        elif current is not None and line.strip():
            articles[current].append(line)
    return articles


@pytest.mark.parametrize("measure", [PILOT, CLUSTER])
def test_citations_quote_the_named_article_verbatim(measure: str) -> None:
    articles = _articles(measure)
    for rule in section(measure)["lifecycle"]["rules"]:
        cite = rule["cite"]
        assert isinstance(cite["text"], str)
        body = "\n".join(articles[cite["article"]])
        assert cite["text"] in body, (rule["id"], cite)


@pytest.mark.parametrize("measure", [PILOT, CLUSTER])
def test_sections_have_exactly_event_types_and_lifecycle(measure: str) -> None:
    data = section(measure)
    assert list(data) == ["event_types", "lifecycle", "interpretations"]
    for name in ("intentional_infringement_finding", "ip_administrative_penalty",
                 "other_violation", "false_materials_finding", "dishonesty_finding",
                 "designated"):
        assert name in data["event_types"]
