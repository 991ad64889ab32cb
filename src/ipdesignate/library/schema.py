"""JSON Schemas of the documents other systems exchange with us."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from ..applicant.events import Event
from ..applicant.vocabulary import Vocabulary, profile_models
from ..decision.model import Decision
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


def schema(what: str, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """``decision`` (as serialised), ``profile`` (as accepted), ``rulebook``, or ``events``
    (one unit's event history; the rulebook's event types say which types and details)."""
    if what == "decision":
        return Decision.model_json_schema(mode="serialization")
    if what == "profile":
        return profile_schema(vocabulary)
    if what == "rulebook":
        return rulebook_schema()
    if what == "events":
        return TypeAdapter(list[Event]).json_schema()
    raise ValueError(what)
