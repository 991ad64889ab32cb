"""Applicant profiles: what an applicant states about itself, in exact units.

The profile models are built from the vocabulary (``rulebooks/vocabulary.yaml``, see
``applicant.vocabulary``): this module knows the input types (yes/no, count, money, rate,
date, category, text, yearly figures, events, attestations) and how each is parsed, but
no field of any measure. Absent facts are ``None`` and stay absent: the evaluator reports
them as missing instead of assuming anything.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic.config import JsonDict

from .._core.exact import Unit, exact_str, parse_quantity
from .._core.limits import Day, bounded
from .._core.validate import ErrorAt
from ..rulebook.vocabulary import FieldSpec, KindSpec
from . import number_schemas
from .events import Event


@dataclass(frozen=True, slots=True)
class UnitMark:
    """Annotated metadata: the unit a numeric profile field is measured in."""

    unit: Unit


def _money(raw: Any) -> Any:
    if isinstance(raw, float):
        raise ValueError("write money exactly: as yuan (1200000), '120万元' or '1200000元'")
    if isinstance(raw, str):
        parsed = parse_quantity(raw)
        if parsed is None or parsed[1] not in (Unit.YUAN, Unit.COUNT, Unit.NUMBER):
            raise ValueError(f"{raw!r} is not an amount of money; write 1200000, '120万元' or "
                             "'1200000元'")
        raw = parsed[0]
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        raise ValueError("an amount of money is a number of yuan or text like '120万元'")
    raw = bounded(raw)
    if raw < 0:
        raise ValueError("an amount of money cannot be negative")
    return Decimal(raw)


def _rate(raw: Any) -> Any:
    if isinstance(raw, float):
        raise ValueError("write a rate exactly: as a fraction like 0.25 or as '25%'")
    if isinstance(raw, str):
        parsed = parse_quantity(raw)
        if parsed is None or parsed[1] is not Unit.RATIO:
            raise ValueError(f"{raw!r} is not a rate; write a fraction like 0.25 or '25%'")
        raw = parsed[0]
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
        raise ValueError("a rate is a fraction like 0.25 or a percentage like '25%'")
    raw = bounded(raw)
    if raw < 0 or raw > 1:
        hint = (f"; {raw} looks like a percentage: write '{raw}%' or {Decimal(raw) / 100}"
                if 1 < raw <= 100 else "")
        raise ValueError(f"a rate must lie between 0 and 1{hint}")
    return Decimal(raw)


def _count(raw: Any) -> Any:
    if isinstance(raw, bool):
        raise ValueError("a count is a whole number, not true/false")
    if isinstance(raw, (int, Decimal)):
        raw = bounded(raw)
    if isinstance(raw, str) and len(raw) > 40:
        raise ValueError(f"{raw[:40]!r}... is too long for a count")
    if isinstance(raw, Decimal) and raw == raw.to_integral_value():
        raw = int(raw)
    if isinstance(raw, str) and re.fullmatch(r"[0-9]+", raw.strip()):
        raw = bounded(int(raw))  # text is held to the same bounds as a number
    if not isinstance(raw, int):
        raise ValueError("a count is a whole number")
    if raw < 0:
        raise ValueError("a count cannot be negative")
    return raw


_exact_json = PlainSerializer(lambda v: exact_str(v), return_type=str, when_used="json")

# A yes/no fact accepts only true/false: "yes", 1 or "on" are refused, not guessed at.
Fact = Annotated[bool, Strict()]

Money = Annotated[Decimal, BeforeValidator(_money), _exact_json, UnitMark(Unit.YUAN),
                  WithJsonSchema(number_schemas.MONEY)]
Rate = Annotated[Decimal, BeforeValidator(_rate), _exact_json, UnitMark(Unit.RATIO),
                 WithJsonSchema(number_schemas.RATE)]
Count = Annotated[int, BeforeValidator(_count), UnitMark(Unit.COUNT),
                  WithJsonSchema(number_schemas.COUNT)]



class _Record(BaseModel):
    """A profile or one year of its figures: frozen, no undeclared key, parts within wholes."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    # (part, whole) pairs from the vocabulary's ``within``; set on each generated model
    parts_within_wholes: ClassVar[tuple[tuple[str, str], ...]] = ()

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> "_Record":
        for part, whole in self.parts_within_wholes:
            p, w = getattr(self, part), getattr(self, whole)
            if p is not None and w is not None and p > w:
                raise ErrorAt((part,), f"{part} ({exact_str(p)}) cannot exceed {whole} "
                              f"({exact_str(w)})")
        return self


class Profile(_Record):
    """What every profile has; the fields of each kind come from the vocabulary."""

    kind: str
    name: str = Field(min_length=1)
    entity_type: str
    application_date: Day | None = Field(None, description="date the application is "
                                              "filed; the default as-of date")


class Attestation(_Record):
    """A statement for a qualitative clause: who states it, when, and the evidence."""

    holds: Fact = Field(default=True, description="false records that the applicant "
                        "states the clause is NOT met")
    by: str = Field(min_length=1, description="who states it (name and role)")
    on: Day
    evidence: str = Field(min_length=1, description="reference to the supporting document")
    note: str | None = None


YEAR_KEY = r"(19|20)[0-9][0-9]"


def _years(raw: Any) -> Any:
    if isinstance(raw, dict):
        for key in raw:
            if not re.fullmatch(YEAR_KEY, str(key)):
                raise ValueError(f"yearly figures are keyed by a four-digit year (found {key!r})")
    return raw


# ---- models from the vocabulary --------------------------------------------------------

_SCALARS: dict[str, Any] = {"fact": Fact, "count": Count, "money": Money, "rate": Rate,
                            "date": Day, "text": str}


def _describe(spec: FieldSpec) -> str:
    label = spec.label
    text = f"{label.zh} — {label.en}" if label is not None else ""
    if spec.description:
        text += f"; {spec.description}"
    if spec.within:
        text += f" (part of {spec.within})"
    if spec.quotient:
        text += (f"; when absent but {spec.quotient.part} and {spec.quotient.whole} are "
                 "given, it is their quotient")
    return text


def _annotation(spec: FieldSpec, model_name: str) -> tuple[Any, Any]:
    """(annotation, default) of one field."""
    desc = _describe(spec)
    if spec.type in _SCALARS:
        # a part may not exceed its whole: JSON Schema cannot compare two fields, so the
        # schema names the whole (``x-within``) and the description says it
        extra: JsonDict | None = {"x-within": spec.within} if spec.within else None
        return _SCALARS[spec.type] | None, Field(None, description=desc,
                                                  json_schema_extra=extra)
    if spec.type == "category":
        choices: Any = Literal.__getitem__(tuple(spec.values or ()))
        return choices | None, Field(None, description=desc)
    if spec.type == "yearly":
        year: Any = _record(model_name + "YearFigures", spec.fields or {}, _Record,
                       "Figures for one calendar year.")
        return (Annotated[dict[int, year], BeforeValidator(_years)],
                Field(default_factory=dict, description=desc,
                      json_schema_extra={"propertyNames": {"pattern": f"^{YEAR_KEY}$"}}))
    if spec.type == "events":
        return list[Event] | None, Field(None, description=desc)
    return dict[str, Attestation], Field(default_factory=dict, description=desc)


def _record(name: str, fields: dict[str, FieldSpec], base: type[_Record], doc: str,
            extra: dict[str, Any] | None = None) -> type[_Record]:
    definitions: dict[str, Any] = dict(extra or {})
    for fname, spec in fields.items():
        definitions[fname] = _annotation(spec, name)
    model = create_model(name, __base__=base, __doc__=doc, **definitions)
    model.parts_within_wholes = tuple((f, s.within) for f, s in fields.items() if s.within)
    return model


def build_profile_model(kind: str, spec: KindSpec) -> type[Profile]:
    """The pydantic model of one profile kind, exactly as strict as a hand-written one."""
    name = "".join(p.title() for p in kind.split("_")) + "Profile"
    entity: Any = Literal.__getitem__(tuple(spec.entity_types))
    doc = spec.label.en if spec.label else f"A {kind} profile."
    model = _record(name, spec.fields, Profile, doc,
                    {"kind": (Literal[kind], ...),
                     "entity_type": (entity, ...)})
    return cast(type[Profile], model)
