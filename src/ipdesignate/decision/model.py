"""The decision: a verdict, its criterion-by-criterion trace, and where it came from.

``Decision.model_dump_json()`` is the stable JSON form (``format`` names its version);
``ipdesignate schema decision`` prints its JSON Schema.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, computed_field
from typing_extensions import TypedDict

from ..rulebook.base import Text
from .render import render_text
from .trace import (
    FAIL,
    REVIEW,
    UNKNOWN,
    CitationJSON,
    CriterionJSON,
    CriterionResult,
    criterion_from_json,
    criterion_json,
)

DECISION_FORMAT = "ipdesignate.decision/1"

Verdict = Literal["eligible", "ineligible", "undetermined", "needs_review", "suspended"]
VERDICTS: tuple[Verdict, ...] = (
    "eligible", "ineligible", "undetermined", "needs_review", "suspended")


class RulebookRef(BaseModel):
    """Which rulebook version produced a decision, and the sha256 of its file."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    version: str
    sha256: str
    title: Text
    document_number: str | None
    effective_from: _dt.date
    effective_until: _dt.date | None
    file: str | None
    trial_end: _dt.date | None = None  # a trial measure: the last day of its trial
    successor: str | None = None  # 《title》 of the measure that replaced it, when recorded


class Label(TypedDict):
    zh: str
    en: str


class MissingItemJSON(TypedDict):
    """A piece of information the client can be asked for (additive in format 1)."""

    path: str
    field: str
    year: int | None
    label: Label
    unit: Label | None
    criteria: list[str]
    clauses: list[str]


class Applicant(TypedDict):
    name: str
    kind: str
    entity_type: str


class DesignationRef(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    name: Text


class SuspensionResult(BaseModel):
    """A suspending condition (e.g. the bureau is verifying a ground) and whether it holds."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    status: str
    citation: CitationJSON
    text: Text
    inputs: dict[str, Any] = {}
    notes: tuple[str, ...] = ()


class NoticeResult(BaseModel):
    """A procedural note or warning of the measure that applies to this case."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    level: Literal["note", "warning"]
    citation: CitationJSON
    text: Text


class ProcedureRef(BaseModel):
    """What follows a favourable self-assessment under the measure."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    citation: CitationJSON
    steps: Text
    competitive: bool


class Basis(BaseModel):
    """On what footing the rulebook was applied on the as-of date.

    ``in_force``: the version in force on that date. ``trial_ended``: a trial measure past
    its trial, with no successor in force (evaluated, with a warning). ``as_if``: a version
    not in force on that date, named by the caller (``--version``): a reference, not the
    basis of a designation; ``banner`` says so, and names the successor when known.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    mode: Literal["in_force", "trial_ended", "as_if"]
    banner: str | None = None
    successor: str | None = None


# Serialised as its JSON form, and rebuilt from it: Decision.model_validate_json reads
# back what model_dump_json wrote (tests check the round-trip for every example).
Criterion = Annotated[
    CriterionResult,
    PlainValidator(criterion_from_json, json_schema_input_type=CriterionJSON),
    PlainSerializer(criterion_json, return_type=CriterionJSON),
]


def verdict_of(statuses: list[str], suspended: bool = False) -> Verdict:
    """The verdict from criterion statuses alone (exempt and not_applicable are neutral)."""
    if suspended:
        return "suspended"
    if FAIL in statuses:
        return "ineligible"
    if UNKNOWN in statuses:
        return "undetermined"
    if REVIEW in statuses:
        return "needs_review"
    return "eligible"


class Decision(BaseModel):
    """Whether an applicant qualifies for a designation on a date, and why."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    format: Literal["ipdesignate.decision/1"] = "ipdesignate.decision/1"
    engine: dict[str, str]
    rulebook: RulebookRef
    designation: DesignationRef
    applicant: Applicant
    as_of: _dt.date
    application_date: _dt.date | None = None
    basis: Basis = Basis.model_construct(mode="in_force")  # no schema build at import
    verdict: Verdict
    criteria: tuple[Criterion, ...]
    suspensions: tuple[SuspensionResult, ...] = ()
    notices: tuple[NoticeResult, ...] = ()
    procedure: ProcedureRef | None = None
    events_not_counted: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    missing_items: tuple[MissingItemJSON, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def data_years(self) -> str | None:
        """The calendar years whose figures the criteria read (e.g. ``2021–2023``)."""
        firsts = [f.first_year for r in self.criteria if r.trace is not None
                  for f in r.trace.figures if f.first_year is not None]
        lasts = [f.last_year for r in self.criteria if r.trace is not None
                 for f in r.trace.figures if f.last_year is not None]
        if not firsts:
            return None
        lo, hi = min(firsts), max(lasts)
        return str(lo) if lo == hi else f"{lo}–{hi}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> dict[str, int]:
        """How many criteria ended in each status."""
        out: dict[str, int] = {}
        for r in self.criteria:
            out[r.status] = out.get(r.status, 0) + 1
        return dict(sorted(out.items()))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def missing(self) -> list[str]:
        """What the undecided (``unknown``) criteria still wait for, in criterion order.

        A criterion that was decided anyway (a fail that decides, an exemption that
        applied) may list more in its own trace; that information would not change it.
        """
        seen: dict[str, None] = {}
        for r in self.criteria:
            if r.status == "unknown" and r.trace is not None:
                for m in r.trace.missing:
                    seen.setdefault(m, None)
        return list(seen)

    def model_dump_json(self, **kwargs: Any) -> str:
        """The stable JSON; the plain compact form is written directly (``serialize``),
        byte for byte as pydantic writes it; any option goes through pydantic."""
        if not kwargs or (len(kwargs) == 1 and kwargs.get("indent", 0) is None):
            from .serialize import decision_json

            return decision_json(self)
        return super().model_dump_json(**kwargs)

    def criterion(self, id: str) -> CriterionResult:
        for r in self.criteria:
            if r.id == id:
                return r
        raise KeyError(id)

    def _repr_html_(self) -> str:
        from .html import render_html

        return render_html(self)

    def __str__(self) -> str:
        return render_text(self)

    def __repr__(self) -> str:
        from .advice import summary_line

        return (f"<Decision {self.designation.id} for {self.applicant['name']} on "
                f"{self.as_of.isoformat()}: {self.verdict} — {summary_line(self)}>")


_FIELD_ORDER = tuple(Decision.model_fields)
_IN_FORCE = Basis.model_construct(mode="in_force")
_new = object.__new__
_set = object.__setattr__


def build_decision(fields: dict[str, Any]) -> Decision:
    """Assemble a Decision from values the evaluator already guarantees.

    Validation would re-check every nested value on the hot path (≈10× the cost of the
    evaluation itself); inputs here are built by compiled code, and tests validate a
    round-trip of the JSON form instead.
    """
    decision = _new(Decision)
    fields.setdefault("format", DECISION_FORMAT)
    fields.setdefault("suspensions", ())
    fields.setdefault("warnings", ())
    fields.setdefault("application_date", None)
    fields.setdefault("basis", _IN_FORCE)
    fields.setdefault("notices", ())
    fields.setdefault("procedure", None)
    fields.setdefault("events_not_counted", ())
    fields.setdefault("missing_items", ())
    ordered = {name: fields[name] for name in _FIELD_ORDER}  # JSON keys in schema order
    _set(decision, "__dict__", ordered)
    _set(decision, "__pydantic_fields_set__", set(ordered))
    _set(decision, "__pydantic_extra__", None)
    _set(decision, "__pydantic_private__", None)
    return decision



def make_decision(ordered: dict[str, Any]) -> Decision:
    """``build_decision`` for a caller that gives every field, in the schema's order."""
    decision = _new(Decision)
    _set(decision, "__dict__", ordered)
    _set(decision, "__pydantic_fields_set__", set(_FIELD_ORDER))
    _set(decision, "__pydantic_extra__", None)
    _set(decision, "__pydantic_private__", None)
    return decision
