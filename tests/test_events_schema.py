"""``ipdesignate schema events`` describes what the event parser accepts.

Hypothesis builds one event of each declared type of a measure (without an ``after``
requirement, which JSON Schema cannot state; neither can unique ids nor date order, which
the schema's description says) and mutates it key by key: wrong types, missing and unknown
keys, impossible and out-of-range dates, values outside a choice. The JSON document is
read by the loader the timeline command uses, and its verdict is compared with the schema's.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipdesignate import Library
from ipdesignate._core.errors import Problem
from ipdesignate._core.yaml import load_bytes
from ipdesignate.applicant.events import parse_events
from ipdesignate.cli.main import main
from ipdesignate.library.schema import events_schema

LIBRARY = Library.default()
MEASURES = sorted(LIBRARY.measures)


def _is_integer(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return isinstance(instance, int)


Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))

# Text the loader reads (control characters and astral planes are the loader's business).
TEXT = st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs", "Cc")),
               max_size=12)
ODD = st.one_of(st.none(), st.booleans(), st.integers(-3, 10**6), TEXT,
                st.sampled_from(["", " ", "2024-02-30", "2024-3-1", "20240301", "1700-01-01",
                                 "2024-03-01", "pass", "fail", "pilot", "cluster_zone"]),
                st.lists(st.integers(-5, 5), max_size=2),
                st.dictionaries(st.text("abc", max_size=3), st.integers(-5, 5), max_size=2))


def _valid_value(spec: Any, designations: frozenset[str]) -> Any:
    return {"choice": lambda: (spec.choice or ("x",))[0], "date": lambda: "2021-05-06",
            "number": lambda: 3, "designation": lambda: sorted(designations)[0],
            }.get(spec.type, lambda: "text")()


def _base(name: str, et: Any, designations: frozenset[str]) -> dict[str, Any]:
    event: dict[str, Any] = {"id": "e1", "type": name, "date": "2021-05-06"}
    if et.designation != "none":
        event["designation"] = sorted(designations)[0]
    details = {f: _valid_value(spec, designations) for f, spec in et.fields.items()}
    if details:
        event["details"] = details
    return event


@st.composite
def events(draw: st.DrawFn) -> tuple[str, list[Any]]:
    measure = draw(st.sampled_from(MEASURES))
    types, designations = LIBRARY.event_vocabulary(measure)
    plain = sorted(n for n, et in types.items() if not et.after)
    name = draw(st.sampled_from(plain))
    event: Any = _base(name, types[name], designations)
    for _ in range(draw(st.integers(0, 2))):
        how = draw(st.sampled_from(["set", "drop", "detail", "drop_detail", "whole"]))
        if how == "set" and isinstance(event, dict):
            event[draw(st.sampled_from(["id", "type", "date", "designation", "ref", "note",
                                        "details", "extra"]))] = draw(ODD)
        elif how == "drop" and isinstance(event, dict) and event:
            event.pop(draw(st.sampled_from(sorted(event))))
        elif how == "detail" and isinstance(event, dict) and isinstance(event.get("details"),
                                                                        dict):
            key = draw(st.sampled_from([*types[name].fields, "unknown_detail"]))
            event["details"][key] = draw(ODD)
        elif how == "drop_detail" and isinstance(event, dict) and event.get("details"):
            event["details"].pop(draw(st.sampled_from(sorted(event["details"]))))
        elif how == "whole":
            event = draw(ODD)
    return measure, [event]


def _parser_accepts(measure: str, doc: list[Any]) -> bool:
    types, designations = LIBRARY.event_vocabulary(measure)
    problems: list[Problem] = []
    located = load_bytes(json.dumps({"events": doc}).encode(), "<test>", problems)
    assert located is not None, problems
    return parse_events(located, ("events",), types, problems, designations) is not None


def _schema_accepts(measure: str, doc: list[Any]) -> bool:
    schema = events_schema({measure: LIBRARY.event_vocabulary(measure)})
    problems: list[Problem] = []
    located = load_bytes(json.dumps(doc).encode(), "<test>", problems)
    assert located is not None
    validator = Validator(schema, format_checker=jsonschema.FormatChecker())
    return validator.is_valid(located.data)


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_schema_and_parser_agree(case: tuple[str, list[Any]]) -> None:
    measure, doc = case
    assert _schema_accepts(measure, doc) == _parser_accepts(measure, doc), doc


@pytest.mark.parametrize("measure", MEASURES)
def test_every_plain_event_type_is_accepted_by_both(measure: str) -> None:
    types, designations = LIBRARY.event_vocabulary(measure)
    for name, et in types.items():
        if et.after:
            continue
        doc = [_base(name, et, designations)]
        assert _parser_accepts(measure, doc) and _schema_accepts(measure, doc), name


def test_schema_events_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "events", "--measure", MEASURES[0]]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["type"] == "array" and "date order" in one["description"]
    assert main(["schema", "events"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert len(both["anyOf"]) == len(MEASURES)
    assert main(["schema", "events", "--measure", "nope"]) == 1
