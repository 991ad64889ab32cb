"""What one criterion's evaluation produced: statuses, figures, inputs read, gaps.

These are plain slots classes, built on the hot path of evaluation; their JSON shape is
declared by the TypedDicts below, which is what ``Decision`` serialises and documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, NotRequired

from typing_extensions import TypedDict

from .._core.exact import Exact, Unit, display, exact_str, gap_text
from ..rulebook.base import Citation, Text

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
REVIEW = "review"
NOT_APPLICABLE = "not_applicable"
EXEMPT = "exempt"

# the word a reader sees for each comparator; the legal words are in the citation
COMPARATOR_WORDS = {
    "at_least": "at least",
    "more_than": "more than",
    "at_most": "at most",
    "less_than": "less than",
    "equals": "exactly",
}


def all_of(statuses: list[str]) -> str:
    """Kleene conjunction: one fail decides even when other inputs are unknown."""
    if FAIL in statuses:
        return FAIL
    if UNKNOWN in statuses:
        return UNKNOWN
    if REVIEW in statuses:
        return REVIEW
    return PASS


def any_of(statuses: list[str]) -> str:
    """Kleene disjunction: one pass decides even when other inputs are unknown."""
    if PASS in statuses:
        return PASS
    if UNKNOWN in statuses:
        return UNKNOWN
    if REVIEW in statuses:
        return REVIEW
    return FAIL


def negate(status: str) -> str:
    return FAIL if status == PASS else PASS if status == FAIL else status


@dataclass(frozen=True, slots=True)
class ReadingUsed:
    """An interpretation a criterion depends on, and the option in force."""

    name: str
    term: str
    option: str
    says: str


class Figure:
    """A derived figure compared with a threshold, e.g. a mean rate against 40%."""

    __slots__ = ("first_year", "gap", "label", "last_year", "op", "series", "shown",
                 "status", "threshold", "threshold_text", "unit", "value")

    def __init__(self, label: str, value: Exact | None, unit: Unit, op: str | None,
                 threshold: Exact | None, status: str, gap: Exact | None = None,
                 years: tuple[int, int] | None = None, shown: str | None = None,
                 threshold_text: str | None = None, series: list[Exact] | None = None
                 ) -> None:
        self.label = label
        self.value = value
        self.unit = unit
        self.op = op
        self.threshold = threshold
        self.status = status
        self.gap = gap
        self.first_year: int | None = years[0] if years else None
        self.last_year: int | None = years[1] if years else None
        self.shown = shown  # a ready text, for figures that are not plain numbers
        self.threshold_text = threshold_text
        self.series = series  # the yearly values of a trend, formatted only when shown

    @property
    def years(self) -> str | None:
        if self.first_year is None:
            return None
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def text(self) -> str:
        """``mean patent_implementation_rate 2022–2024 = 43.33% (at least 40%)``."""
        years = f" {self.years}" if self.years else ""
        if self.shown is not None:
            value = self.shown
        elif self.series is not None:
            value = " → ".join(display(v, self.unit) for v in self.series)
        elif self.value is None:
            value = "unknown"
        else:
            value = display(self.value, self.unit)
        text = f"{self.label}{years} = {value}"
        if self.op is not None:
            bound = self.threshold_text or (
                display(self.threshold, self.unit) if self.threshold is not None else "?")
            text += f" (needs {COMPARATOR_WORDS[self.op]} {bound})"
        return text

    @property
    def gap_text(self) -> str | None:
        if self.gap is None:
            return None
        return gap_text(self.gap, self.unit, over=self.op in ("at_most", "less_than"))


class Need:
    """What it would take for a failing check to pass, as data and as words.

    ``kind`` says which sort of change: numeric (a figure must move by ``amount``), trend,
    share, growth, mean, category, fact, lookback (``date`` from which it passes), holds,
    duration, attestation, entity_type, one_of (``options`` are alternatives), none_of,
    exemption. ``field`` and ``year`` name the profile figure to change; ``target`` is the
    value it must reach (exact decimal string), with ``comparator``.
    """

    __slots__ = ("amount", "comparator", "date", "field", "kind", "options", "target",
                 "text", "unit", "year")

    def __init__(self, kind: str, text: str, *, field: str | None = None,
                 year: int | None = None, comparator: str | None = None,
                 target: str | None = None, amount: str | None = None,
                 unit: str | None = None, date: str | None = None,
                 options: list[Need] | None = None) -> None:
        self.kind = kind
        self.text = text
        self.field = field
        self.year = year
        self.comparator = comparator
        self.target = target
        self.amount = amount
        self.unit = unit
        self.date = date
        self.options = options or []

    def __repr__(self) -> str:
        return f"<Need {self.kind}: {self.text}>"


class Trace:
    """Collects what a criterion read and derived while it was evaluated."""

    __slots__ = ("declared", "figures", "inputs", "missing", "needs", "notes")

    def __init__(self) -> None:
        self.inputs: dict[str, Any] = {}
        self.missing: list[str] = []
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.declared: list[str] = []  # attestations that passed: the applicant's own word
        self.needs: list[Need] = []  # appended by checks that fail: what would pass them


class PriorityResult:
    """A priority factor of a criterion (what strengthens a competitive application) and
    whether the applicant has it; it never changes the criterion's status or the verdict."""

    __slots__ = ("cite", "id", "status", "text", "trace")

    def __init__(self, id: str, status: str, cite: Citation, text: Text, trace: Trace) -> None:
        self.id = id
        self.status = status
        self.cite = cite
        self.text = text
        self.trace = trace


class CriterionResult:
    """The outcome of one criterion, with everything needed to explain it."""

    __slots__ = ("_check", "_ctx", "_trace", "cite", "exemption", "exemption_status", "id",
                 "known_gap", "priority", "readings", "relaxation", "status", "text")

    def __init__(self, id: str, status: str, cite: Citation, text: Text, trace: Trace | None,
                 readings: tuple[ReadingUsed, ...] = (), exemption: Citation | None = None,
                 exemption_status: str | None = None, relaxation: Citation | None = None,
                 known_gap: Text | None = None, priority: tuple[PriorityResult, ...] = (),
                 check: Callable[[Any, Trace], str] | None = None, ctx: Any = None) -> None:
        """``check`` and ``ctx``: the evaluator decided the status without a trace; the
        trace is the check run again on the same context, when ``trace`` is first read."""
        self.known_gap = known_gap
        self.priority = priority
        self.id = id
        self.status = status
        self.cite = cite
        self.text = text
        self._trace = trace
        self._check = check
        self._ctx = ctx
        self.readings = readings
        self.exemption = exemption
        self.exemption_status = exemption_status
        self.relaxation = relaxation

    @property
    def trace(self) -> Trace | None:
        check = self._check
        if check is not None:
            tr = Trace()
            status = check(self._ctx, tr)
            if status != self.status:  # never expected: the two forms of a check disagree
                raise AssertionError(f"criterion {self.id}: the traced check gives {status}, "
                                     f"the status-only check gave {self.status}")
            self._trace = tr
            self._check = self._ctx = None
        return self._trace

    @trace.setter
    def trace(self, value: Trace | None) -> None:
        self._trace = value
        self._check = self._ctx = None

    def trace_once(self) -> Trace | None:
        """The trace, without keeping one that is not built yet: writers that only read it
        once (the JSON writer) leave nothing behind for the garbage collector, and a later
        ``trace`` builds the same trace again."""
        check = self._check
        if check is None:
            return self._trace
        tr = Trace()
        status = check(self._ctx, tr)
        if status != self.status:  # never expected: the two forms of a check disagree
            raise AssertionError(f"criterion {self.id}: the traced check gives {status}, "
                                 f"the status-only check gave {self.status}")
        return tr

    def __getstate__(self) -> dict[str, Any]:
        self.trace  # noqa: B018 - built before the object leaves the process
        return {name: getattr(self, name) for name in CriterionResult.__slots__
                if name not in ("_check", "_ctx")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._check = self._ctx = None

    def __eq__(self, other: object) -> bool:
        # Two results are equal when they say the same: their JSON forms are equal.
        if not isinstance(other, CriterionResult):
            return NotImplemented
        return criterion_json(self) == criterion_json(other)

    __hash__ = None  # type: ignore[assignment]


# ---- the stable JSON shape -------------------------------------------------------------


class ExplainerJSON(TypedDict):
    """An official explanatory document's words (not checked against the measure text)."""

    document: str
    text: str
    issuer: str | None
    date: str | None
    url: str | None


class InferredJSON(TypedDict):
    reason: str


class CitationJSON(TypedDict):
    """``explainer`` and ``inferred`` appear only when the rulebook states them (additive
    in format 1)."""

    article: int
    item: int | None
    paragraph: int | None
    text: str
    explainer: NotRequired[ExplainerJSON]
    inferred: NotRequired[InferredJSON]


class FigureJSON(TypedDict):
    """A derived figure; numbers are exact decimal strings, or ``p/q`` if they do not end.

    Exception: a compound annual growth rate is a root; its ``value`` and ``gap`` are rounded
    to 28 digits (the pass/fail comparison itself is exact: x_n/x_1 against (1+t)^k).
    """

    label: str
    years: str | None
    value: str | None
    unit: str
    comparator: str | None
    threshold: str | None
    status: str
    gap: str | None
    gap_text: str | None
    text: str


class ReadingJSON(TypedDict):
    name: str
    term: str
    option: str
    says: str


class NeedJSON(TypedDict):
    """What it would take (see ``Need``); present on failed criteria (additive in format 1)."""

    kind: str
    text: str
    field: str | None
    year: int | None
    comparator: str | None
    target: str | None
    amount: str | None
    unit: str | None
    date: str | None
    options: list[NeedJSON]


class CriterionJSON(TypedDict):
    """One criterion's result. ``status`` is pass, fail, unknown, review, not_applicable
    or exempt."""

    id: str
    status: str
    citation: CitationJSON
    text: dict[str, str]
    inputs: dict[str, Any]
    missing: list[str]
    figures: list[FigureJSON]
    readings: list[ReadingJSON]
    exemption: CitationJSON | None
    exemption_status: str | None
    relaxation: CitationJSON | None
    notes: list[str]
    self_declared: list[str]
    would_take: list[NeedJSON]
    known_gap: NotRequired[dict[str, str]]
    priority: NotRequired[list[PriorityJSON]]


class PriorityJSON(TypedDict):
    """A priority factor's result (present only for criteria that declare factors): it
    strengthens a competitive application and never changes the verdict."""

    id: str
    status: str
    citation: CitationJSON
    text: dict[str, str]
    inputs: dict[str, Any]
    missing: list[str]
    figures: list[FigureJSON]
    notes: list[str]


def _opt(x: Exact | None) -> str | None:
    return None if x is None else exact_str(x)


def citation_json(c: Citation | None) -> CitationJSON | None:
    if c is None:
        return None
    out: CitationJSON = {"article": c.article, "item": c.item, "paragraph": c.paragraph,
                         "text": c.text}
    if c.explainer is not None:
        e = c.explainer
        out["explainer"] = {"document": e.document, "text": e.text, "issuer": e.issuer,
                            "date": e.date.isoformat() if e.date else None, "url": e.url}
    if c.inferred is not None:
        out["inferred"] = {"reason": c.inferred.reason}
    return out


def priority_json(p: PriorityResult) -> PriorityJSON:
    cite = citation_json(p.cite)
    assert cite is not None
    tr = p.trace
    return {"id": p.id, "status": p.status, "citation": cite,
            "text": {"zh": p.text.zh, "en": p.text.en},
            "inputs": {k: _input_json(v) for k, v in tr.inputs.items()},
            "missing": list(tr.missing), "figures": [figure_json(f) for f in tr.figures],
            "notes": list(tr.notes)}


def _input_json(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_input_json(v) for v in value]
    if hasattr(value, "as_integer_ratio") and not isinstance(value, float):
        return exact_str(value)
    return str(value)


def figure_json(f: Figure) -> FigureJSON:
    return {
        "label": f.label, "years": f.years, "value": _opt(f.value), "unit": str(f.unit),
        "comparator": f.op, "threshold": _opt(f.threshold), "status": f.status,
        "gap": _opt(f.gap), "gap_text": f.gap_text, "text": f.text,
    }


def need_json(n: Need) -> NeedJSON:
    return {"kind": n.kind, "text": n.text, "field": n.field, "year": n.year,
            "comparator": n.comparator, "target": n.target, "amount": n.amount,
            "unit": n.unit, "date": n.date, "options": [need_json(o) for o in n.options]}


def criterion_json(r: CriterionResult) -> CriterionJSON:
    tr = r.trace
    cite = citation_json(r.cite)
    assert cite is not None
    out: CriterionJSON = {
        "id": r.id,
        "status": r.status,
        "citation": cite,
        "text": {"zh": r.text.zh, "en": r.text.en},
        "inputs": {k: _input_json(v) for k, v in tr.inputs.items()} if tr else {},
        "missing": list(tr.missing) if tr else [],
        "figures": [figure_json(f) for f in tr.figures] if tr else [],
        "readings": [{"name": u.name, "term": u.term, "option": u.option, "says": u.says}
                     for u in r.readings],
        "exemption": citation_json(r.exemption),
        "exemption_status": r.exemption_status,
        "relaxation": citation_json(r.relaxation),
        "notes": list(tr.notes) if tr else [],
        "self_declared": list(tr.declared) if tr else [],
        "would_take": [need_json(n) for n in tr.needs] if tr and r.status == FAIL else [],
    }
    if r.known_gap is not None:
        out["known_gap"] = {"zh": r.known_gap.zh, "en": r.known_gap.en}
    if r.priority:
        out["priority"] = [priority_json(p) for p in r.priority]
    return out


# ---- back from JSON (a decision read from its own JSON) -----------------------------------


def _exact(text: str | None) -> Exact | None:
    if text is None:
        return None
    if "/" in text:
        return Fraction(text)
    return Decimal(text)


class RecordedFigure(Figure):
    """A figure read back from a decision's JSON: its texts are the recorded ones."""

    __slots__ = ("_gap_text", "_text", "_years")

    def __init__(self, data: FigureJSON) -> None:
        years = data["years"]
        span = None
        if years:
            first, _, last = years.partition("–")
            span = (int(first), int(last or first))
        super().__init__(data["label"], _exact(data["value"]), Unit(data["unit"]),
                         data["comparator"], _exact(data["threshold"]), data["status"],
                         _exact(data["gap"]), span)
        self._years = data["years"]
        self._text = data["text"]
        self._gap_text = data["gap_text"]

    @property
    def years(self) -> str | None:
        return self._years

    @property
    def text(self) -> str:
        return self._text

    @property
    def gap_text(self) -> str | None:
        return self._gap_text


def need_from_json(n: NeedJSON) -> Need:
    return Need(n["kind"], n["text"], field=n.get("field"), year=n.get("year"),
                comparator=n.get("comparator"), target=n.get("target"),
                amount=n.get("amount"), unit=n.get("unit"), date=n.get("date"),
                options=[need_from_json(o) for o in n.get("options", [])])


def _citation(data: CitationJSON | None) -> Citation | None:
    return None if data is None else Citation.model_validate(data)


def criterion_from_json(value: Any) -> CriterionResult:
    """A criterion result as built by the evaluator, or rebuilt from its JSON form."""
    if isinstance(value, CriterionResult):
        return value
    data: CriterionJSON = value
    trace = Trace()
    trace.inputs = dict(data["inputs"])
    trace.missing = list(data["missing"])
    trace.figures = [RecordedFigure(f) for f in data["figures"]]
    trace.notes = list(data["notes"])
    trace.declared = list(data.get("self_declared", []))
    trace.needs = [need_from_json(n) for n in data.get("would_take", [])]
    cite = _citation(data["citation"])
    assert cite is not None
    gap = data.get("known_gap")
    return CriterionResult(
        data["id"], data["status"], cite, Text.model_validate(data["text"]), trace,
        tuple(ReadingUsed(**r) for r in data["readings"]), _citation(data["exemption"]),
        data["exemption_status"], _citation(data["relaxation"]),
        Text.model_validate(gap) if gap is not None else None,
        tuple(priority_from_json(p) for p in data.get("priority", [])))


def priority_from_json(data: PriorityJSON) -> PriorityResult:
    trace = Trace()
    trace.inputs = dict(data["inputs"])
    trace.missing = list(data["missing"])
    trace.figures = [RecordedFigure(f) for f in data["figures"]]
    trace.notes = list(data["notes"])
    cite = _citation(data["citation"])
    assert cite is not None
    return PriorityResult(data["id"], data["status"], cite,
                          Text.model_validate(data["text"]), trace)
