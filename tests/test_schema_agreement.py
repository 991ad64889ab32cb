"""``ipdesignate schema profile`` describes exactly what the parser accepts.

Hypothesis mutates valid profiles field by field (numbers at and past every bound, money and
percentages as text, dates valid, impossible and out of range, wrong types, unknown keys)
and checks that the JSON Schema (validated as JSON Schema 2020-12 says: ``3.0`` is an
integer; ``format: date`` checked) and the parser accept and refuse the same documents.

Two rules JSON Schema cannot state are stated beside it and checked here as the schema
says them: a part may not exceed its whole (``x-within``), and a JSON *number* has at most
20 decimals (in the description; generated numbers stay within it).
"""

from __future__ import annotations

import contextlib
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipdesignate import IpdesignateError, ProfileError, parse_profile, schema
from ipdesignate._core.yaml import Located
from ipdesignate.applicant.load import profile_from_located
from ipdesignate.http.requests import RequestProblem, parse_json

SCHEMA = schema("profile")


def _is_integer(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):  # JSON Schema 2020-12: a number with no fraction
        return instance.is_finite() and instance == instance.to_integral_value()
    return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())


Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))
VALIDATOR = Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _within_pairs() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for name, d in SCHEMA["$defs"].items():
        for field, spec in d.get("properties", {}).items():
            if "x-within" in spec:
                out.setdefault(name, []).append((field, spec["x-within"]))
    return out


WITHIN = _within_pairs()


def _count_value(v: Any) -> int | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, Decimal)):
        return int(v)
    if isinstance(v, str):
        return int(v.strip())
    return None


def _parts_within(doc: dict[str, Any]) -> bool:
    kind = doc.get("kind")
    model = "UnitProfile" if kind == "unit" else "CarrierProfile"
    records = [(model, doc)] + [(model + "YearFigures", y)
                                for y in (doc.get("yearly") or {}).values()]
    for name, rec in records:
        for part, whole in WITHIN.get(name, []):
            p, w = _count_value(rec.get(part)), _count_value(rec.get(whole))
            if p is not None and w is not None and p > w:
                return False
    return True


def schema_accepts(text: str) -> bool:
    doc = json.loads(text, parse_float=Decimal)
    return VALIDATOR.is_valid(doc) and _parts_within(doc)


def parser_accepts(text: str) -> bool:
    try:
        profile_from_located(Located(parse_json(text.encode()), "<body>"))
    except (ProfileError, RequestProblem):
        return False
    return True


# ---- generating documents -------------------------------------------------------------------

UNIT: dict[str, Any] = {
    "kind": "unit", "name": "示例科技有限公司", "entity_type": "enterprise",
    "application_date": "2024-03-15", "registered_in_beijing": True,
    "ip_full_time_staff": 2, "ip_management_standard": "reference",
    "yearly": {"2021": {"rd_expenditure": "800万元", "patent_applications": 10,
                        "invention_applications": 3, "valid_patents": 20,
                        "implemented_patents": 8, "patent_implementation_rate": 0.4}},
    "events": [],
    "attestations": {"ip_strategy": {"by": "王敏", "on": "2024-03-01", "evidence": "规划"}},
}
CARRIER: dict[str, Any] = {
    "kind": "carrier", "name": "示例园区", "entity_type": "park",
    "application_date": "2021-03-15", "member_units": 40, "sme_members": 30,
    "operating_since": "2018-01-01",
}


def _fraction_digits(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    assert isinstance(exp, int)
    return max(0, -exp)


json_numbers = st.one_of(
    st.integers(min_value=-10, max_value=10**6),
    st.sampled_from([0, 1, 10**18 - 1, 10**18, -1, 99, 100, 101]),
    st.builds(lambda m, e: Decimal(m).scaleb(e), st.integers(-10**6, 10**20),
              st.integers(-22, 3)).filter(lambda d: _fraction_digits(d) <= 20),
    st.sampled_from([Decimal("0.4"), Decimal("1.0"), Decimal("1.00000000000000000001"),
                     Decimal("0.99999999999999999999"), Decimal("3.0"), Decimal("3.5"),
                     Decimal("1E+3"), Decimal("-0.0"), Decimal("0E-30")]),
)
digits = st.one_of(st.sampled_from(["0", "00", "7", "12", "100", "1,000", "1,200,000",
                                    "12,34", "999999999999999999", "1000000000000000000",
                                    "99999999999999", "100000000000000", "9999999999",
                                    "10000000000", "0000000000000000000001"]),
                   st.integers(0, 10**19).map(str))
fractions = st.sampled_from(["", ".5", ".25", ".0", ".000", ".12345678901234567890",
                             ".123456789012345678901", ".1234567890123456789",
                             ".123456789012345678", ".10000000000000000000000", "."])
number_text = st.builds(lambda sign, a, b, sp, suf, pad: f"{pad}{sign}{a}{b}{sp}{suf}{pad}",
                        st.sampled_from(["", "", "+", "-"]), digits, fractions,
                        st.sampled_from(["", " "]),
                        st.sampled_from(["", "元", "万元", "亿元", "%", "%", "万", "yuan"]),
                        st.sampled_from(["", " "]))
date_text = st.one_of(
    st.dates(min_value=date(1700, 1, 1), max_value=date(3100, 12, 31)).map(date.isoformat),
    st.sampled_from(["2024-02-30", "2024-13-01", "2024/01/01", "20240101", "2024-1-1",
                     "1799-12-31", "1800-01-01", "2999-12-31", "3000-01-01", " 2024-01-01",
                     "2024-01-01T00:00:00", ""]))
other = st.one_of(st.none(), st.booleans(), st.text(max_size=8),
                  st.sampled_from(["yes", "true", "1", "reference", "enterprise", "unit",
                                   "carrier", "park", "above"]),
                  st.lists(st.integers(0, 3), max_size=2), st.builds(dict),
                  st.builds(lambda: {"a": 1}))  # a new mapping each time: never shared
values = st.one_of(json_numbers, number_text, date_text, other)


def _paths(kind: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    props = SCHEMA["$defs"]["UnitProfile" if kind == "unit" else "CarrierProfile"][
        "properties"]
    out += [(k,) for k in props]
    if kind == "unit":
        years = SCHEMA["$defs"]["UnitProfileYearFigures"]["properties"]
        out += [("yearly", "2021", k) for k in years]
        out += [("attestations", "ip_strategy", k) for k in ("holds", "by", "on", "evidence")]
    return out


@st.composite
def documents(draw: st.DrawFn) -> str:
    doc = json.loads(json.dumps(draw(st.sampled_from([UNIT, CARRIER]))))
    paths = _paths(doc["kind"])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        node = doc
        for step in path[:-1]:
            node = node.setdefault(step, {})
            if not isinstance(node, dict):
                break
        else:
            if draw(st.integers(0, 9)) == 0:
                node.pop(path[-1], None)
            else:
                node[path[-1]] = draw(values)
    if draw(st.integers(0, 14)) == 0:
        doc["yearly"] = {draw(st.sampled_from(["2021", "1899", "2100", "21", " 2021",
                                               "二〇二一"])): {}}
    if draw(st.integers(0, 14)) == 0:
        doc[draw(st.sampled_from(["extra", "Name", "yearly_", "application-date"]))] = 1
    return _dumps(doc)


def _dumps(doc: Any) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            return f"@@{o}@@"
        raise TypeError(type(o))

    text = json.dumps(doc, default=default, ensure_ascii=False)
    return re.sub(r'"@@([^@]*)@@"', r"\1", text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_schema_and_parser_agree(text: str) -> None:
    assert schema_accepts(text) == parser_accepts(text), text


@settings(max_examples=300, deadline=None)
@given(documents())
def test_a_python_mapping_with_floats_is_refused_only_as_a_profile_error(text: str) -> None:
    """parse_profile(json.loads(...)) reads floats by their shortest decimal; whatever the
    input, it raises nothing but ProfileError."""
    with contextlib.suppress(ProfileError):
        parse_profile(json.loads(text))


@pytest.mark.parametrize("value, ok", [
    (0.4, True), (1.0, True), (1.5, False), (float("nan"), False), (float("inf"), False),
    (0.1 + 0.2, True),  # 0.30000000000000004: 17 decimals, inside the bounds
])
def test_floats_are_read_by_their_shortest_decimal(value: float, ok: bool) -> None:
    doc = {**UNIT, "yearly": {"2021": {"patent_implementation_rate": value}}}
    if ok:
        rate = parse_profile(doc).yearly[2021].patent_implementation_rate  # type: ignore[attr-defined]
        assert rate == Decimal(repr(value))
    else:
        with pytest.raises(ProfileError):
            parse_profile(doc)


def test_files_bodies_and_dicts_read_a_number_alike(tmp_path: Any) -> None:
    from ipdesignate import load_profile

    text = _dumps({**UNIT, "yearly": {"2021": {"patent_implementation_rate": Decimal("0.4"),
                                               "rd_expenditure": Decimal("1200000.50")}}})
    f = tmp_path / "p.json"
    f.write_text(text, encoding="utf-8")
    from_file = load_profile(f)
    from_body = profile_from_located(Located(parse_json(text.encode()), "<body>"))
    from_dict = parse_profile(json.loads(text))
    assert from_file == from_body == from_dict
    assert isinstance(from_dict, IpdesignateError) is False


def test_examples_validate_against_the_schema() -> None:
    from pathlib import Path

    from ipdesignate._core.yaml import load_file

    for path in sorted((Path(__file__).parent.parent / "examples").glob("*.yaml")):
        located = load_file(path, [])
        assert located is not None
        text = _dumps(json.loads(json.dumps(located.data, default=lambda o: (
            f"@@{o}@@" if isinstance(o, Decimal) else o.isoformat()))))
        text = re.sub(r'"@@([^@]*)@@"', r"\1", text)
        assert schema_accepts(text) and parser_accepts(text), path.name
