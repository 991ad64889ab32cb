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


def schema(what: str, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """``decision`` (as serialised), ``profile`` (as accepted), ``rulebook``, or ``events``
    (one unit's event history; the rulebook's event types say which types and details)."""
    if what == "decision":
        return Decision.model_json_schema(mode="serialization")
    if what == "profile":
        return profile_schema(vocabulary)
    if what == "rulebook":
        return Rulebook.model_json_schema()
    if what == "events":
        return TypeAdapter(list[Event]).json_schema()
    raise ValueError(what)
