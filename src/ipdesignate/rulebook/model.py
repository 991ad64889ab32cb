"""The rulebook as a frozen pydantic model; unknown keys are errors.

This module only describes shape. Meaning (which profile field exists, which reading is
defined, whether a threshold fits its measure) is checked when the rulebook is compiled.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from .._core.limits import Day
from .._core.periods import parse_period, period_problem
from .._core.validate import ErrorAt
from .base import Citation, Strict, Text, head_of
from .lifecycle_model import DateRef, EventType, Lifecycle
from .vocabulary import VocabularyExtension


class DateFact(Strict):
    """A date and whether the source text confirms it."""

    date: Day
    confirmed: bool
    note: str | None = None


class TextFact(Strict):
    value: str | None
    confirmed: bool
    note: str | None = None


def _period(text: str) -> str:
    why = period_problem(text)
    if why is not None:
        raise ValueError(why)
    return text


class Effective(Strict):
    """When a version is in force: ``from`` (inclusive), optional ``until`` or ``trial``."""

    from_: DateFact = Field(alias="from")
    until: DateFact | None = None
    trial: Annotated[str, AfterValidator(_period)] | None = None  # "1 year": through its last day
    cite: Citation | None = None

    @model_validator(mode="after")
    def _until_after_from(self) -> "Effective":
        if self.until is not None and self.until.date < self.from_.date:
            raise ErrorAt(("until", "date"), f"'until' ({self.until.date}) is before 'from' "
                          f"({self.from_.date}): the version would never be in force")
        return self


class Superseded(Strict):
    title: str
    document_number: str | None = None
    cite: Citation | None = None


class Successor(Strict):
    """A later measure that replaced this one (named in the as-if warning and in errors)."""

    title: str
    date: DateFact | None = None
    document_number: str | None = None
    note: str | None = None


class Source(Strict):
    """The legal text the citations quote, relative to the rulebook file."""

    file: str
    origin: str | None = None


class Reading(Strict):
    """A reference to a named interpretation; its chosen option supplies the value."""

    reading: str


def _option_value(value: Any) -> Any:
    # A value is a scalar, a list of scalars (event types) or a mapping (a measure or a
    # window, checked where it is used); a list inside a list means nothing anywhere.
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (list, dict)):
                raise ValueError(f"item {i + 1} of the list is itself a "
                                 f"{'list' if isinstance(item, list) else 'mapping'}; "
                                 "a list value holds plain values (names, numbers)")
    if isinstance(value, str) and parse_period(value) is None and (
            (why := period_problem(value)) is not None and "longer" in why):
        raise ValueError(why)  # an option not in use today may be chosen tomorrow
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a threshold is a number or a quantity like '40%', not true/false")
    return value


class Option(Strict):
    value: Annotated[Any, AfterValidator(_option_value)]
    says: str


class Interpretation(Strict):
    """One ambiguous reading of the text: the default, why, and the alternatives."""

    term: str
    question: str
    use: str
    reason: str
    options: dict[str, Option]
    cite: Citation | None = None


class Window(Strict):
    """Years relative to the as-of year: ``years: 3, ending: -1`` is the three years before."""

    years: int = Field(ge=1, le=50)
    ending: int = Field(default=-1, ge=-50, le=0)


Threshold = Annotated[int | Decimal | str | Reading, Field(union_mode="left_to_right"),
                      BeforeValidator(_no_bool)]
WindowSpec = Window | Reading
MethodSpec = str | Reading


# ---- measures: expressions that yield a number --------------------------------------


class FieldMeasure(Strict):
    field: str


class MeanMeasure(Strict):
    mean: str
    window: WindowSpec


class SumMeasure(Strict):
    sum: str | tuple[str, ...]
    window: WindowSpec


class ShareMeasure(Strict):
    share: "ShareParts"
    window: WindowSpec | None = None
    method: MethodSpec | None = None


class ShareParts(Strict):
    part: str
    whole: str


class GrowthMeasure(Strict):
    growth: str
    window: WindowSpec
    method: MethodSpec


class CountMeasure(Strict):
    """Events of some types dated within a look-back period (all of them up to the as-of
    date without ``within``); ``where`` keeps only events whose details have these values;
    ``before``/``from`` only those dated before a day, or on and after it (a date, or
    ``effective``: the day this version takes effect)."""

    count: tuple[str, ...] | Reading
    within: str | Reading | None = None
    where: dict[str, str | tuple[str, ...]] = {}
    dated: str | Reading | None = None  # "event_date" (default) or a date detail of the events
    before: DateRef | None = None
    from_: DateRef | None = Field(None, alias="from")


class DurationMeasure(Strict):
    duration: str


MEASURE_HEADS = ("field", "mean", "sum", "share", "growth", "count", "duration")




Measure = Annotated[
    Annotated[FieldMeasure, Tag("field")]
    | Annotated[MeanMeasure, Tag("mean")]
    | Annotated[SumMeasure, Tag("sum")]
    | Annotated[ShareMeasure, Tag("share")]
    | Annotated[GrowthMeasure, Tag("growth")]
    | Annotated[CountMeasure, Tag("count")]
    | Annotated[DurationMeasure, Tag("duration")]
    | Annotated[Reading, Tag("reading")],
    Discriminator(
        head_of(MEASURE_HEADS, fallback="reading"),
        custom_error_type="measure_head",
        custom_error_message="a measure needs exactly one of: " + ", ".join(MEASURE_HEADS),
    ),
]


# ---- checks: expressions that yield a status ----------------------------------------


class FactCheck(Strict):
    fact: str


class AttestationCheck(Strict):
    attestation: str


class EntityTypeCheck(Strict):
    entity_type: tuple[str, ...] = Field(min_length=1)


class CategoryCheck(Strict):
    category: str
    in_: tuple[str, ...] = Field(alias="in", min_length=1)


class AllOf(Strict):
    all_of: tuple["Check", ...] = Field(min_length=1)


class AnyOf(Strict):
    any_of: tuple["Check", ...] = Field(min_length=1)


class NoneOf(Strict):
    none_of: tuple["Check", ...] = Field(min_length=1)


COMPARATORS = ("at_least", "more_than", "at_most", "less_than", "equals")


class Compare(Strict):
    """``measure`` compared with one threshold; the keyword mirrors the legal word."""

    measure: Measure
    at_least: Threshold | None = None
    more_than: Threshold | None = None
    at_most: Threshold | None = None
    less_than: Threshold | None = None
    equals: Threshold | None = None
    label: Text | None = None


class TrendCheck(Strict):
    trend: str
    window: WindowSpec
    method: MethodSpec


class HoldsFor(Strict):
    """``{designation: pilot, for_at_least: 2 years}``: held without a break that long."""

    designation: str
    for_at_least: Annotated[str, AfterValidator(_period)] | None = None


class HoldsCheck(Strict):
    """The applicant holds ``holds`` (a designation id), valid on the as-of date; validity
    comes from the lifecycle section (e.g. a status that lasts three years). The long form
    adds ``for_at_least``: valid continuously for at least that period up to the date."""

    holds: str | HoldsFor

    @property
    def designation(self) -> str:
        return self.holds if isinstance(self.holds, str) else self.holds.designation


class ReviewCheck(Strict):
    """Always needs an officer's judgment (a discretionary or qualitative clause)."""

    review: Text


class NotBarredCheck(Strict):
    """No lifecycle bar on applying is in force on the as-of date."""

    not_barred: str


class ClaimedCheck(Strict):
    """The applicant claims (attests) ``claimed``: pass when stated, fail when absent or
    denied. For conditions that only an applicant's claim can open (放宽, 等除外)."""

    claimed: str


class OpenCheck(Strict):
    """A lifecycle period (or obligation) named ``open`` is running on the as-of date."""

    open: str


class InQuarterCheck(Strict):
    """The application date falls in one of these quarters."""

    in_quarter: tuple[int, ...] = Field(min_length=1)


class OutcomeCheck(Strict):
    """An earlier criterion of the same designation ended in one of these statuses."""

    outcome: str
    in_: tuple[str, ...] = Field(alias="in", min_length=1)


class SwitchCase(Strict):
    """A literal outcome for a ``switch`` case: ``holds: false`` never holds."""

    holds: bool


class SwitchCheck(Strict):
    """The check of the option a named reading chooses; settled when compiling."""

    switch: str
    cases: "dict[str, Check | SwitchCase]"


CHECK_HEADS = (
    "fact", "attestation", "entity_type", "category", "all_of", "any_of", "none_of",
    "measure", "trend", "holds", "review", "not_barred", "claimed", "open", "in_quarter",
    "outcome", "switch",
)

Check = Annotated[
    Annotated[FactCheck, Tag("fact")]
    | Annotated[AttestationCheck, Tag("attestation")]
    | Annotated[EntityTypeCheck, Tag("entity_type")]
    | Annotated[CategoryCheck, Tag("category")]
    | Annotated[AllOf, Tag("all_of")]
    | Annotated[AnyOf, Tag("any_of")]
    | Annotated[NoneOf, Tag("none_of")]
    | Annotated[Compare, Tag("measure")]
    | Annotated[TrendCheck, Tag("trend")]
    | Annotated[HoldsCheck, Tag("holds")]
    | Annotated[ReviewCheck, Tag("review")]
    | Annotated[NotBarredCheck, Tag("not_barred")]
    | Annotated[ClaimedCheck, Tag("claimed")]
    | Annotated[OpenCheck, Tag("open")]
    | Annotated[InQuarterCheck, Tag("in_quarter")]
    | Annotated[OutcomeCheck, Tag("outcome")]
    | Annotated[SwitchCheck, Tag("switch")],
    Discriminator(
        head_of(CHECK_HEADS),
        custom_error_type="check_head",
        custom_error_message="a check needs exactly one of: " + ", ".join(CHECK_HEADS),
    ),
]


# ---- criteria and designations --------------------------------------------------------


class Exemption(Strict):
    """Waives a criterion when ``when`` passes (e.g. 第五条第一项 …除外)."""

    cite: Citation
    text: Text
    when: Check
    note: str | None = None


class Relaxation(Strict):
    """Turns a failure into review: the law allows the bureau discretion (可适当放宽).

    ``hint`` is shown when the criterion fails and the relaxation does not apply (its
    ``when`` fails), so the reader learns the relaxation exists and what opens it."""

    cite: Citation
    text: Text
    when: Check | None = None
    hint: Text | None = None


class KnownGap(Strict):
    """The clause's wording (or how to check it) is not yet known: the criterion is always
    ``review``, citing the gap, and ``test`` lists it apart instead of failing coverage."""

    reason: Text
    note: str | None = None


class PriorityFactor(Strict):
    """Something that strengthens an application where the measure selects competitively
    (ranking, preference, extra points). Evaluated beside the verdict, never changing it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    cite: Citation
    text: Text
    check: Check
    note: str | None = None


def _gap_review(data: Any) -> Any:
    # A known gap has no check yet: it is a review naming the gap.
    if isinstance(data, dict) and "known_gap" in data and "check" not in data:
        gap = data["known_gap"]
        reason = gap.get("reason") if isinstance(gap, dict) else None
        if isinstance(reason, dict) and {"zh", "en"} <= set(reason):
            return {**data, "check": {"review": {"zh": f"待补充（已知缺口）：{reason['zh']}",
                                                 "en": f"known gap: {reason['en']}"}}}
    return data


def _check_optional(schema: dict[str, Any], _model: Any = None) -> None:
    # the editor schema: a criterion with ``known_gap`` may leave out ``check``
    required = [k for k in schema.get("required", ()) if k != "check"]
    schema["required"] = required
    schema["anyOf"] = [{"required": ["check"]}, {"required": ["known_gap"]}]


class Criterion(Strict):
    model_config = ConfigDict(**Strict.model_config, json_schema_extra=_check_optional)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    cite: Citation
    text: Text
    applies_to: tuple[str, ...] | None = None
    check: Check
    exemption: Exemption | None = None
    relaxation: Relaxation | None = None
    known_gap: KnownGap | None = None
    priority: tuple[PriorityFactor, ...] = ()
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_gap(cls, data: Any) -> Any:
        if isinstance(data, dict) and "known_gap" in data and "check" in data:
            raise ValueError("a criterion with known_gap has no check yet (it is always "
                             "review): remove 'check', or remove 'known_gap' once the "
                             "wording is known")
        return _gap_review(data)


class Suspension(Strict):
    """While ``when`` holds, the designation procedure is suspended (verdict ``suspended``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    cite: Citation
    text: Text
    when: Check
    note: str | None = None


class Notice(Strict):
    """A procedural note shown when ``when`` holds; it never changes the verdict."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    cite: Citation
    text: Text
    when: Check
    level: Literal["note", "warning"] = "note"


class Procedure(Strict):
    """What follows a favourable self-assessment: the steps of the procedure, in order."""

    cite: Citation
    steps: Text
    competitive: bool = False


class Designation(Strict):
    name: Text
    profile: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    applies_to: tuple[str, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    suspensions: tuple[Suspension, ...] = ()
    notices: tuple[Notice, ...] = ()
    procedure: Procedure | None = None
    note: str | None = None


Status = Literal["pass", "fail", "unknown", "review", "not_applicable", "exempt"]
Verdict = Literal["eligible", "ineligible", "undetermined", "needs_review", "suspended"]


class Expect(Strict):
    verdict: Verdict
    criteria: dict[str, Status] = {}
    notices: tuple[str, ...] | None = None  # exactly these notices (ids), when given


class TestCase(Strict):
    """A named example profile with the verdict and statuses it must produce.

    Give a whole ``profile``, or ``base`` (a name under ``test_profiles``) and ``with``:
    dotted paths to change, e.g. ``yearly.2023.rd_expenditure: 90万元``.
    """

    name: str = Field(min_length=1)
    designation: str
    on: Day
    note: str | None = None
    profile: dict[str, Any] | None = None
    base: str | None = None
    with_: dict[str, Any] = Field(default={}, alias="with")
    expect: Expect


class Rulebook(Strict):
    rulebook: Literal[1]
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: str = Field(min_length=1)
    title: Text
    issuer: Text
    document_number: TextFact
    issued: DateFact
    effective: Effective
    supersedes: tuple[Superseded, ...] = ()
    successors: tuple[Successor, ...] = ()
    source: Source
    provenance: tuple[str, ...] = ()
    vocabulary: VocabularyExtension | None = None
    attestations: dict[str, Text] = {}
    event_types: dict[str, EventType] = {}
    interpretations: dict[str, Interpretation] = {}
    designations: dict[str, Designation] = Field(min_length=1)
    lifecycle: Lifecycle | None = None
    test_profiles: dict[str, dict[str, Any]] = {}
    tests: tuple[TestCase, ...] = ()
