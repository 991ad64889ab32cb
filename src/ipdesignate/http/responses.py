"""The shapes of the service's own responses, declared for OpenAPI (and checked by the
tests against every response the real server sends)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema


def _ref(name: str) -> Any:
    # a placeholder the OpenAPI builder turns into a $ref to the component (pydantic
    # would try to resolve a $ref itself)
    return WithJsonSchema({"x-component": name})


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProblemItem(_Out):
    """One located problem. ``line``/``column`` are 1-based in the request body (or file)."""

    file: str
    line: int | None
    column: int | None
    path: list[str | int]
    pointer: str = Field(description="RFC 6901 JSON Pointer into the request body")
    location: str
    message: str
    expected: str | None
    found: str | None


class ProblemDocument(BaseModel):
    """RFC 9457 problem details; act on ``type``. Extension members depend on the type:
    ``windows`` (no-version-in-force), ``name``/``kind``/``known`` (unknown-*),
    ``rule_id`` (lifecycle-rule-failed), ``limit``/``length`` (batch-too-long)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    problems: list[ProblemItem]


Decision = Annotated[Any, _ref("Decision")]
Timeline = Annotated[Any, _ref("TimelineResult")]


class DecisionItem(_Out):
    index: int
    ok: Literal[True]
    designation: str | None = None
    decision: Decision


class ProblemResultItem(_Out):
    index: int
    ok: Literal[False]
    designation: str | None = None
    unit: str | None = None
    problem: ProblemDocument


class TimelineItem(_Out):
    index: int
    ok: Literal[True]
    unit: str
    timeline: Timeline


class BatchResults(_Out):
    """One result per input, in input order: a decision, or a problem as a value."""

    results: list[DecisionItem | ProblemResultItem]


class TimelineResults(_Out):
    results: list[TimelineItem | ProblemResultItem]


class TextOut(_Out):
    zh: str
    en: str


class DesignationSummary(_Out):
    id: str
    name: TextOut
    profile: str
    criteria: int


class VersionSummary(_Out):
    version: str
    effective_from: str
    effective_until: str | None
    window: str
    sha256: str
    file: str | None
    dates_confirmed: bool
    lifecycle: bool
    designations: list[DesignationSummary]


class MeasureSummary(_Out):
    id: str
    title: TextOut
    versions: list[VersionSummary]


class RulebookList(_Out):
    measures: list[MeasureSummary]


class CitationOut(_Out):
    """``explainer`` and ``inferred`` appear only when the rulebook states them."""

    article: int
    item: int | None
    paragraph: int | None
    text: str
    explainer: dict[str, str | None] | None = None
    inferred: dict[str, str] | None = None


class CriterionOut(_Out):
    id: str
    text: TextOut
    citation: CitationOut
    applies_to: list[str] | None
    exemption: CitationOut | None
    relaxation: CitationOut | None


class SuspensionOut(_Out):
    id: str
    text: TextOut
    citation: CitationOut


class DesignationDetail(_Out):
    id: str
    name: TextOut
    profile: str
    applies_to: list[str]
    criteria: list[CriterionOut]
    suspensions: list[SuspensionOut]


class RulebookDetail(_Out):
    id: str
    version: str
    title: TextOut
    document_number: str | None
    effective_from: str
    effective_until: str | None
    window: str
    sha256: str
    file: str | None
    dates_confirmed: bool
    lifecycle: bool
    warnings: list[str]
    designations: list[DesignationDetail]


class Health(_Out):
    status: Literal["ok"]


class LoadedRulebook(_Out):
    id: str
    version: str
    sha256: str


class Ready(_Out):
    status: Literal["ready"]
    loaded_at: str
    rulebooks: list[LoadedRulebook]


def timeline_on_date_model() -> type[BaseModel]:
    """The ``on``-date view of a timeline (``Timeline.on_date``)."""
    from ..lifecycle.timeline import DerivedFact, ObligationOnDate

    class TimelineOnDate(_Out):
        unit: str
        rulebook: str
        on: str
        status: dict[str, DerivedFact | None]
        obligations: list[ObligationOnDate]
        bars: list[DerivedFact]

    return TimelineOnDate
