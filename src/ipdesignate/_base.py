"""Building blocks shared by every part of the rulebook language."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """Base of every rulebook model: frozen, and no key that is not declared."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, arbitrary_types_allowed=True,
        defer_build=True,
    )


class Text(Strict):
    """Bilingual text."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Citation(Strict):
    """Where a rule comes from, with the law's own words (quoted verbatim from the source)."""

    article: int = Field(ge=1)
    item: int | None = Field(default=None, ge=1)
    paragraph: int | None = Field(default=None, ge=1)
    text: str = Field(min_length=1)
