"""Building blocks shared by every part of the rulebook language."""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
import datetime as _dt
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)


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


class Explainer(Strict):
    """An official explanatory document (e.g. a 政策解读) quoted beside the measure's text.

    Its words are not in the measure's source text, so ``validate`` cannot check them; it
    says so instead of failing."""

    document: str = Field(min_length=1)
    text: str = Field(min_length=1)
    issuer: str | None = None
    date: _dt.date | None = None
    url: str | None = None


class Inferred(Strict):
    """The article (item, paragraph) number was inferred, not printed in the text."""

    reason: str = Field(min_length=1)


class Citation(Strict):
    """Where a rule comes from, with the law's own words (quoted verbatim from the source).

    ``explainer`` adds an official explanatory document's words; ``inferred`` marks the
    number as inferred (with why)."""

    # the law numbers its articles in words up to 第九百九十九条 (zh_number's range)
    article: int = Field(ge=1, le=999)
    item: int | None = Field(default=None, ge=1, le=999)
    paragraph: int | None = Field(default=None, ge=1, le=999)
    text: str = Field(min_length=1)
    explainer: Explainer | None = None
    inferred: Inferred | None = None

    @model_serializer(mode="wrap")
    def _additive(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # Dumped without the provenance keys when they are absent, so documents that embed
        # a citation (timelines, diffs) keep their bytes. No return annotation: the
        # serialisation schema stays the model's own.
        out = handler(self)
        if isinstance(out, dict):
            if self.explainer is None:
                out.pop("explainer", None)
            if self.inferred is None:
                out.pop("inferred", None)
        return out


def shorthand(*forms: dict[str, Any]) -> Any:
    """A ``json_schema_extra`` that also admits the shorthand ``forms`` a model's "before"
    validator expands, so the editor schema accepts what the loader accepts."""

    def extra(schema: dict[str, Any], _model: Any = None) -> None:
        full = dict(schema)
        schema.clear()
        schema["anyOf"] = [full, *forms]
        if "description" in full:
            schema["description"] = full["description"]
        if "title" in full:
            schema["title"] = full["title"]

    return extra


def head_of(heads: tuple[str, ...], *, fallback: str | None = None) -> Any:
    """A pydantic discriminator: the one keyword of ``heads`` a mapping (or model) has.

    ``fallback`` names the tag to use when none is present but that key is (``reading``).
    None when there is no head or more than one: pydantic then reports the union's error.
    """

    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            found = [h for h in heads if h in value]
            has_fallback = fallback is not None and value.get(fallback) is not None
        else:
            found = [h for h in heads if getattr(value, h, None) is not None]
            has_fallback = fallback is not None and getattr(value, fallback, None) is not None
        if not found and has_fallback:
            return fallback
        return found[0] if len(found) == 1 else None

    return pick
