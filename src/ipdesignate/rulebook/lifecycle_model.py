"""The ``lifecycle`` section of the rulebook language, and the event types it reads.

A lifecycle rule says: *on* an event (or a derived fact, or a deadline that passed),
*if* other derived facts hold (``requires``) and some do not (``unless``), derive these
facts (``then``): a status, an obligation with a due date, a running period, a bar on
applying again, a breach or a finding. Every rule cites its clause. Periods are written
in legal words (``30 days``, ``6 months``, ``3 years``) and counted by ``_periods``.

This module only describes shape; cross-references (unknown event types, fact names
nobody derives, deadlines on facts without one) are checked when the section is compiled.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Discriminator, Field, Tag, model_validator

from .._core.periods import period_problem
from .._core.validate import ErrorAt
from .base import Citation, Strict, Text, head_of, shorthand

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
Name = Annotated[str, Field(pattern=NAME_PATTERN)]


def _check_period(text: str) -> str:
    why = period_problem(text, working=True)
    if why is not None:
        raise ValueError(why)
    return text


PeriodText = Annotated[str, AfterValidator(_check_period)]
Scalar = Annotated[str | int | bool, Field(union_mode="left_to_right")]




# ---- event types --------------------------------------------------------------------------

FIELD_TYPES = ("text", "date", "number", "choice", "designation")


class FieldSpec(Strict):
    """One field of an event's ``details``. Shorthand: ``result: [pass, fail]`` or ``ref: text``."""

    model_config = ConfigDict(json_schema_extra=shorthand(
        {"type": "string", "enum": list(FIELD_TYPES), "description": "shorthand: the type"},
        {"type": "array", "items": {"type": ["string", "integer", "boolean"]}, "minItems": 1,
         "description": "shorthand: the choices"}))

    type: Literal["text", "date", "number", "choice", "designation"] = "text"
    choice: tuple[str, ...] | None = None
    required: bool = True
    text: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"type": value}
        if isinstance(value, list | tuple):
            return {"type": "choice", "choice": value}
        if isinstance(value, dict) and "choice" in value and "type" not in value:
            return {**value, "type": "choice"}
        return value

    @model_validator(mode="after")
    def _choice_has_values(self) -> "FieldSpec":
        if (self.type == "choice") != bool(self.choice):
            raise ErrorAt(("choice",) if self.choice is not None else ("type",),
                          "a 'choice' field needs a non-empty 'choice' list, and only it")
        return self


class EventType(Strict):
    """A kind of dated event a unit's history may contain."""

    text: Text
    designation: Literal["required", "optional", "none"] = "optional"
    fields: dict[Name, FieldSpec] = Field(default_factory=dict)
    # The event only makes sense after one of these (e.g. a review after a designation):
    # an event of this type with no earlier one of these is an input error.
    after: tuple[Name, ...] = ()
    note: str | None = None


# ---- what a rule reacts to -------------------------------------------------------------


DateRef = _dt.date | Literal["effective"]


class EventMatch(Strict):
    """Events of these types whose details have these values (a list means any of them),
    optionally dated ``before`` a day or ``from`` a day on (a date, or ``effective``: the
    day this version takes effect — how a successor keeps the old rule for old events)."""

    event: Name | tuple[Name, ...]
    where: dict[Name, Scalar | tuple[Scalar, ...]] = Field(default_factory=dict)
    in_quarter: tuple[Annotated[int, Field(ge=1, le=4)], ...] | None = None
    before: DateRef | None = None
    from_: DateRef | None = Field(None, alias="from")

    def types(self) -> tuple[str, ...]:
        return (self.event,) if isinstance(self.event, str) else self.event


class OnFact(Strict):
    """A derived fact of this name, when derived (optionally only by rule ``by``)."""

    fact: Name
    by: Name | None = None  # e.g. only the termination under one article starts a bar


class OnDeadline(Strict):
    """The day after an obligation's due date (or a period's last day) while it is still open."""

    deadline_passed: Name


TRIGGER_HEADS = ("event", "fact", "deadline_passed")

Trigger = Annotated[
    Annotated[EventMatch, Tag("event")]
    | Annotated[OnFact, Tag("fact")]
    | Annotated[OnDeadline, Tag("deadline_passed")],
    Discriminator(
        head_of(TRIGGER_HEADS),
        custom_error_type="trigger_head",
        custom_error_message="'on' needs exactly one of: " + ", ".join(TRIGGER_HEADS),
    ),
]


class Requirement(Strict):
    """A derived fact that must (``requires``) or must not (``unless``) be there.

    ``current: true`` (the default): in force on the trigger's day — started, not ended,
    not closed or replaced. ``current: false``: started on or before that day.
    """

    fact: Name
    current: bool = True
    same_designation: bool = True


# ---- what a rule derives ------------------------------------------------------------------


class Due(Strict):
    """When an obligation or period ends: ``within`` a period, at a quarter's end, or ``none``.

    Shorthand: ``due: 30 days``. ``from: effective`` counts from the day the measure took
    effect instead of from the triggering event. ``none`` records that the law sets no
    period (及时): the obligation has no due date and never becomes overdue.
    """

    model_config = ConfigDict(json_schema_extra=shorthand(
        {"type": "string", "description": "shorthand for {within: PERIOD}, e.g. '30 days'"}))

    within: PeriodText | None = None
    from_: Literal["event", "effective"] = Field(default="event", alias="from")
    # 期间的最后一日是法定休假日的，以休假日结束的次日为期间的最后一日: only where the
    # rulebook says so, against the section's ``calendar``
    if_last_day_is_holiday: Literal["next_working_day"] | None = None
    quarter_end: int | None = Field(default=None, ge=1, le=4)
    none: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"within": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one(self) -> "Due":
        given = [k for k in ("within", "quarter_end", "none") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ErrorAt(tuple(given[1:2]), "a due date needs exactly one of: within, "
                          "quarter_end, none", key=True)
        if self.from_ != "event" and self.within is None:
            raise ErrorAt(("from",), "'from' only goes with 'within'", key=True)
        if self.if_last_day_is_holiday is not None and self.within is None:
            raise ErrorAt(("if_last_day_is_holiday",), "'if_last_day_is_holiday' only goes "
                          "with 'within'", key=True)
        return self


class StatusOut(Strict):
    """The designation's status from the trigger's day; replaces the status before it."""

    status: Name
    lasts: PeriodText | None = None
    after: Name | None = None  # the status once ``lasts`` has run out (e.g. expired)
    # where ``lasts`` is counted from: the trigger's day; the start of the fact that
    # triggered the rule (a period's first day: the event that opened it); or the end of
    # the status this one replaces (a renewal that adds on to the running term)
    counted_from: Literal["trigger", "trigger_start", "replaced_end"] = "trigger"

    @model_validator(mode="after")
    def _after_needs_lasts(self) -> "StatusOut":
        if self.after is not None and self.lasts is None:
            raise ErrorAt(("after",), "'after' needs 'lasts'", key=True)
        return self


class ObligationOut(Strict):
    """A duty of the unit, open until an event meets it; overdue after its due date."""

    obligation: Name
    due: Due
    met_by: EventMatch
    # a recurring duty (每年考核一次): a new instance opens every PERIOD after the first,
    # on the corresponding day, while the rule's ``requires`` still hold and its
    # ``unless`` do not; each event meets at most one instance (the earliest open one)
    every: PeriodText | None = None


class PeriodOut(Strict):
    """A running period (publicity, rectification window) that an event may close early."""

    period: Name
    lasts: Due
    closed_by: EventMatch | None = None


class BarOut(Strict):
    """No application for ``designations`` (default: the trigger's) during ``lasts``."""

    bar: Name
    lasts: PeriodText
    designations: tuple[Name, ...] | None = None


class BreachOut(Strict):
    breach: Name


class FindingOut(Strict):
    finding: Name


DERIVE_HEADS = ("status", "obligation", "period", "bar", "breach", "finding")

Derive = Annotated[
    Annotated[StatusOut, Tag("status")]
    | Annotated[ObligationOut, Tag("obligation")]
    | Annotated[PeriodOut, Tag("period")]
    | Annotated[BarOut, Tag("bar")]
    | Annotated[BreachOut, Tag("breach")]
    | Annotated[FindingOut, Tag("finding")],
    Discriminator(
        head_of(DERIVE_HEADS),
        custom_error_type="derive_head",
        custom_error_message="each 'then' item needs exactly one of: " + ", ".join(DERIVE_HEADS),
    ),
]


def derived_kind(item: Derive) -> str:
    """Which kind of fact ``item`` derives: status, obligation, period, bar, breach, finding."""
    return _KIND_OF[type(item)]


def derived_name(item: Derive) -> str:
    """The name other rules use to refer to what ``item`` derives."""
    name: str = getattr(item, _KIND_OF[type(item)])
    return name


_KIND_OF: dict[type, str] = {
    StatusOut: "status", ObligationOut: "obligation", PeriodOut: "period", BarOut: "bar",
    BreachOut: "breach", FindingOut: "finding",
}


class LifecycleRule(Strict):
    id: Name
    cite: Citation
    text: Text
    on: Trigger
    requires: tuple[Requirement, ...] = ()
    unless: tuple[Requirement, ...] = ()
    then: tuple[Derive, ...] = Field(min_length=1)
    # the rule takes part only while these named readings choose one of these options
    if_reading: dict[str, Name | tuple[Name, ...]] = {}
    note: str | None = None


class CarriesOver(Strict):
    """How a history begun under the version this one supersedes is read (``from``: that
    version of the same measure). Events dated before this version's effective date are
    written in the old version's terms. A designation of the old version is either mapped
    to one of this version (``designations``: its events are read by this version's rules,
    which may keep old terms with ``before: effective``) or kept (``keep_until_expiry``:
    its facts are derived by the old version's rules and stand until they end). An old
    event type this version also declares carries over as itself unless ``events`` maps it
    to another type, or to ``~`` (read under the old rules only). Nothing else is guessed:
    an undeclared designation in an old event is an error."""

    from_: str = Field(alias="from", min_length=1)
    designations: dict[Name, Name] = Field(default_factory=dict)
    keep_until_expiry: tuple[Name, ...] = ()
    events: dict[Name, Name | None] = Field(default_factory=dict)
    cite: Citation | None = None  # the transitional clause, when the measure has one
    note: str | None = None


class Lifecycle(Strict):
    """Rules that derive status, obligations and bars from dated events."""

    rules: tuple[LifecycleRule, ...] = ()
    # how histories begun under the superseded version carry over (see CarriesOver)
    carries_over: CarriesOver | None = None
    # the working-day calendar (calendars/NAME.yaml) that periods in working days and
    # ``if_last_day_is_holiday`` are counted against
    calendar: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")] | None = None
    note: str | None = None
