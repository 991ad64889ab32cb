"""JSON Schemas of the three documents other systems exchange with us."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from ..applicant.profile import CarrierProfile, UnitProfile
from ..decision.model import Decision
from ..rulebook.model import Rulebook

ProfileDocument = Annotated[UnitProfile | CarrierProfile, Field(discriminator="kind")]


def schema(what: str) -> dict[str, Any]:
    """``decision`` (as serialised), ``profile`` (as accepted) or ``rulebook``."""
    if what == "decision":
        return Decision.model_json_schema(mode="serialization")
    if what == "profile":
        return TypeAdapter(ProfileDocument).json_schema()
    if what == "rulebook":
        return Rulebook.model_json_schema()
    raise ValueError(what)
