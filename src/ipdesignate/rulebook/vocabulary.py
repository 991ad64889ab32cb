"""The applicant vocabulary as data: profile kinds, their fields and entity types.

A vocabulary file (``rulebooks/vocabulary.yaml``) is shared by the rulebooks; a rulebook
may extend it under ``vocabulary:`` (new kinds, fields, entity types). This module only
describes the shape; ``applicant.vocabulary`` turns it into the profile models.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
from typing import Literal

from pydantic import Field, model_validator

from .._core.validate import ErrorAt
from .base import Strict, Text

NAME = r"^[a-z][a-z0-9_]*$"

# The types a field may have. Scalars may sit inside a yearly series; the rest may not.
SCALAR_TYPES = ("fact", "count", "money", "rate", "date", "category", "text")
FieldType = Literal["fact", "count", "money", "rate", "date", "category", "text", "yearly",
                    "events", "attestations"]


class Quotient(Strict):
    """When the field is absent, it is exactly ``part / whole`` (fields of the same record)."""

    part: str = Field(pattern=NAME)
    whole: str = Field(pattern=NAME)


class FieldSpec(Strict):
    """One field of a profile kind (or of one year of its yearly series)."""

    type: FieldType
    label: Text | None = Field(None, description="required, except for a yearly series "
                               "that a rulebook extends with more figures")
    description: str | None = None
    unit: Text | None = Field(None, description="what is counted or measured, e.g. 人/people "
                              "(money is always yuan, a rate a fraction)")
    values: dict[str, Text] | None = Field(
        None, description="the allowed values of a category, each with its label")
    within: str | None = Field(None, pattern=NAME, description="a part of this whole: "
                               "the field cannot exceed that field of the same record")
    quotient: Quotient | None = None
    fields: dict[str, "FieldSpec"] | None = Field(
        None, description="the figures of one year (for type yearly)")

    @model_validator(mode="after")
    def _fits_type(self) -> "FieldSpec":
        # each error at the key it is about (ErrorAt), not at the field as a whole
        if self.label is None and self.type != "yearly":
            raise ErrorAt(("type",), "a field needs a 'label': {zh: …, en: …}", key=True)
        if (self.values is not None) != (self.type == "category"):
            raise ErrorAt(("values",) if self.values is not None else ("type",),
                          "a category lists its 'values'; no other type has values", key=True)
        if self.type == "category" and not self.values:
            raise ErrorAt(("values",), "a category needs at least one value", key=True)
        if (self.fields is not None) != (self.type == "yearly"):
            raise ErrorAt(("fields",) if self.fields is not None else ("type",),
                          "a yearly series lists its 'fields'; no other type has fields",
                          key=True)
        if self.quotient is not None and self.type != "rate":
            raise ErrorAt(("quotient",), "only a rate can be a quotient of two fields",
                          key=True)
        if self.within is not None and self.type not in ("count", "money"):
            raise ErrorAt(("within",), "only a count or an amount of money can lie 'within' "
                          "another", key=True)
        if self.unit is not None and self.type not in ("count",):
            raise ErrorAt(("unit",), "only a count takes a 'unit' (money is yuan, a rate a "
                          "fraction)", key=True)
        for name, spec in (self.fields or {}).items():
            if spec.type not in SCALAR_TYPES:
                raise ErrorAt(("fields", name, "type"), f"yearly figure {name!r} must be one "
                              f"of: {', '.join(SCALAR_TYPES)}", found=spec.type)
        return self


class KindSpec(Strict):
    """A profile kind: who applies, which entity types it covers, and what it states."""

    label: Text | None = None
    description: str | None = None
    entity_types: dict[str, Text] = {}
    fields: dict[str, FieldSpec] = {}


class VocabularyFile(Strict):
    """A shared vocabulary file (``vocabulary: 1``)."""

    vocabulary: Literal[1]
    kinds: dict[str, KindSpec] = Field(min_length=1)
    note: str | None = None


class VocabularyExtension(Strict):
    """What a rulebook adds to the shared vocabulary (new kinds, fields or entity types)."""

    kinds: dict[str, KindSpec] = Field(min_length=1)
