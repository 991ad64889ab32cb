"""JSON Schemas of the documents other systems exchange with us."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from .._core.limits import DATE_PATTERN, LIMITS
from ..applicant.events import Event
from ..applicant.vocabulary import Vocabulary, profile_models
from ..decision.model import Decision
from ..rulebook.lifecycle_model import EventType, FieldSpec
from ..rulebook.model import Rulebook


def profile_schema(vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The profile as accepted: one schema per kind of the vocabulary, chosen by ``kind``."""
    models = tuple(profile_models(vocabulary).values())
    if len(models) == 1:
        return models[0].model_json_schema()
    document = Annotated[Union[models], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
    return TypeAdapter(document).json_schema()


SCHEMAS = ("decision", "profile", "rulebook", "events")


SCHEMA_FILE = "rulebook.schema.json"  # shipped beside the rulebooks (ipdesignate/law/)


def rulebook_schema() -> dict[str, Any]:
    """The editor schema of a rulebook file (JSON Schema 2020-12): it accepts what the
    loader accepts, shorthand forms included; meaning (fields, readings, quotes) is left to
    ``ipdesignate validate``."""
    body = Rulebook.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://ipdesignate.example/schemas/rulebook.schema.json",
            "title": "ipdesignate rulebook",
            "description": "A rulebook of ipdesignate: one version of one measure (see "
                           "docs/rulebook.md). Structure only; run `ipdesignate validate` for "
                           "the meaning (profile fields, readings, quotations, windows).",
            **{k: v for k, v in body.items() if k not in ("title", "description")}}


_TEXT = {"type": "string", "pattern": r"\S"}


def _day() -> dict[str, Any]:
    return {"type": "string", "pattern": DATE_PATTERN, "format": "date",
            "description": f"a calendar date YYYY-MM-DD, {LIMITS.describe_date()}"}


def _detail(spec: FieldSpec, designations: frozenset[str]) -> dict[str, Any]:
    if spec.type == "choice":
        return {"enum": list(spec.choice or ())}
    if spec.type == "date":
        return _day()
    if spec.type == "number":
        return {"type": "number"}
    if spec.type == "designation":
        return {"enum": sorted(designations)}
    return dict(_TEXT)


def _event_of_type(name: str, et: EventType, designations: frozenset[str]) -> dict[str, Any]:
    required = ["id", "type", "date"]
    props: dict[str, Any] = {
        "id": {"anyOf": [_TEXT, {"type": "integer"}]},
        "type": {"const": name},
        "date": _day(),
        "ref": {"type": ["string", "null"]},
        "note": {"type": ["string", "null"]},
    }
    if et.designation == "none":
        props["designation"] = {"type": "null"}
    else:
        props["designation"] = {"enum": [*sorted(designations), None]}
        if et.designation == "required":
            required.append("designation")
            props["designation"] = {"enum": sorted(designations)}
    details = {f: {"anyOf": [_detail(spec, designations), {"type": "null"}]}
               if not spec.required else _detail(spec, designations)
               for f, spec in et.fields.items()}
    must = [f for f, spec in et.fields.items() if spec.required]
    props["details"] = {"type": ["object", "null"] if not must else "object",
                        "properties": details, "additionalProperties": False,
                        **({"required": must} if must else {})}
    if must:
        required.append("details")
    return {"title": name, "description": et.text.en, "type": "object",
            "properties": props, "required": required, "additionalProperties": False}


def events_schema(measures: Mapping[str, tuple[Mapping[str, EventType], frozenset[str]]]
                  ) -> dict[str, Any]:
    """One unit's event list for each measure (its event types and designations), as the
    parser accepts it; one measure's list, or any one of several measures' lists.

    Three rules JSON Schema cannot state are in the description: ids are unique, events
    are listed in date order, and a type that needs an earlier event (``after``) has one.
    """
    lists = {
        measure: {"title": f"events of {measure}", "type": "array",
                  "items": {"oneOf": [_event_of_type(n, et, designations)
                                      for n, et in sorted(types.items())]}}
        for measure, (types, designations) in sorted(measures.items())}
    body: dict[str, Any] = (next(iter(lists.values())) if len(lists) == 1
                            else {"anyOf": list(lists.values())})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "ipdesignate events",
            "description": "One unit's dated events. Also checked, and not expressible here: "
                           "every id is unique, events are listed in date order, and an "
                           "event type that needs an earlier event (its 'after') has one.",
            **body}


def schema(what: str, vocabulary: Vocabulary | None = None,
           events: Mapping[str, tuple[Mapping[str, EventType], frozenset[str]]] | None = None
           ) -> dict[str, Any]:
    """``decision`` (as serialised), ``profile`` (as accepted), ``rulebook``, or ``events``
    (one unit's event history; the rulebook's event types say which types and details)."""
    if what == "decision":
        return Decision.model_json_schema(mode="serialization")
    if what == "profile":
        return profile_schema(vocabulary)
    if what == "rulebook":
        return rulebook_schema()
    if what == "events":
        if events:
            return events_schema(events)
        return TypeAdapter(list[Event]).json_schema()
    raise ValueError(what)
