"""The decision's compact JSON, written directly: the same bytes as pydantic's
``model_dump_json()``, several times faster.

Most of a decision's bytes do not depend on the profile: the rulebook reference, the
designation, each criterion's id, citation, words of the law and readings, the notices and
the procedure. Those parts are shared objects made when the rulebook was compiled, so their
JSON is written once and kept (keyed by the object, checked by identity); only the
profile's part (statuses, inputs, figures, gaps) is written per decision. Strings go
through the C escaper of the standard library, which escapes exactly as pydantic-core
does (``"``, ``\\``, control characters; non-ASCII kept). ``tests/test_output_identity.py``
compares the two over the golden corpus; ``Decision.model_dump_json`` uses this writer
only for the plain compact form (no indent, include, exclude …).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .._core.exact import Exact, Unit, display, exact_str
from ..rulebook.base import Text
from .trace import (
    COMPARATOR_WORDS,
    FAIL,
    CriterionResult,
    Figure,
    Trace,
    _input_json,
    citation_json,
    figure_json,
    need_json,
    priority_json,
)

if TYPE_CHECKING:
    from .model import Decision

_s: Callable[[str], str] = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # type: ignore[attr-defined]
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# shared objects (made at compile time) -> (object, its JSON); bounded, checked by identity
_FRAGMENTS: dict[int, tuple[Any, str]] = {}


def _fragment(obj: Any, make: Callable[[Any], str]) -> str:
    hit = _FRAGMENTS.get(id(obj))
    if hit is not None and hit[0] is obj:
        return hit[1]
    if len(_FRAGMENTS) > 4096:
        _FRAGMENTS.clear()
    text = make(obj)
    _FRAGMENTS[id(obj)] = (obj, text)
    return text


def _model(obj: Any) -> str:
    return _fragment(obj, lambda o: o.model_dump_json()) if obj is not None else "null"


def _str(v: str | None) -> str:
    return "null" if v is None else _s(v)


def _strs(values: list[str] | tuple[str, ...]) -> str:
    if not values:
        return "[]"
    return "[" + ",".join(map(_s, values)) + "]"


def _exact(x: Exact | None) -> str:
    if x is None:
        return "null"
    if type(x) is int:
        return f'"{x}"'
    return _s(exact_str(x))


def _input(v: Any) -> str:
    t = type(v)
    if t is str:
        return _s(v)
    if v is None:
        return "null"
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is Decimal or t is Fraction:
        return f'"{exact_str(v)}"'  # digits, a sign, a point or a slash: nothing to escape
    if t is list or t is tuple:
        return "[" + ",".join(map(_input, v)) + "]"
    return _dumps(_input_json(v))


_KEYS: dict[str, str] = {}


def _key(k: str) -> str:
    """An input's name as a JSON key with its colon (names repeat: written once)."""
    hit = _KEYS.get(k)
    if hit is None:
        if len(_KEYS) > 8192:
            _KEYS.clear()
        hit = _KEYS[k] = _s(k) + ":"
    return hit


def _inputs(inputs: dict[str, Any]) -> str:
    if not inputs:
        return "{}"
    keys = _KEYS
    parts = []
    for k, v in inputs.items():
        key = keys.get(k) or _key(k)
        t = type(v)
        # the common types inline (a call per value is most of an input's cost)
        if t is str:
            parts.append(key + _s(v))
        elif t is int:
            parts.append(f"{key}{v}")
        elif t is bool:
            parts.append(key + ("true" if v else "false"))
        elif t is Decimal:
            text = str(v)  # exact_str's common case, inline: plain digits, no exponent
            if "E" in text:
                text = exact_str(v)
            elif "." in text:
                text = text.rstrip("0").rstrip(".")
                if text in ("-0", ""):
                    text = "0"
            elif text == "-0":
                text = "0"
            parts.append(f'{key}"{text}"')
        else:
            parts.append(key + _input(v))
    return "{" + ",".join(parts) + "}"


# a status is one of a few words: written once
_STATUS = {s: _s(s) for s in ("pass", "fail", "unknown", "review", "not_applicable",
                              "exempt")}
_PLAIN_UNITS = (Unit.COUNT, Unit.NUMBER)  # an int is shown as its digits
_SMALL = 10**40  # ``display`` writes an int below this as its digits in those units


# Figure parts that do not depend on the applicant's values: label, years, unit,
# comparator and threshold, as JSON and as the start and end of the figure's text
_FIGURE_PARTS: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}


def _figure_parts(f: Figure) -> tuple[str, str, str, str]:
    t = f.threshold
    key = (f.label, f.first_year, f.last_year, f.unit, f.op, type(t), t, f.threshold_text)
    hit = _FIGURE_PARTS.get(key)
    if hit is not None:
        return hit
    first = f.first_year
    years = None if first is None else (
        str(first) if first == f.last_year else f"{first}–{f.last_year}")
    if t is None:
        threshold, bound = "null", (f.threshold_text or "?")
    else:
        threshold, bound = _exact(t), (f.threshold_text or display(t, f.unit))
    opening = (f'{{"label":{_s(f.label)},"years":{_str(years)},"value":')
    middle = (f',"unit":"{f.unit}","comparator":{_str(f.op)},"threshold":{threshold},'
              '"status":')
    # JSON escaping is character by character: the text's fixed ends are escaped once
    start = _s(f"{f.label} {years} = " if years else f"{f.label} = ")[:-1]
    end = _s(f" (needs {COMPARATOR_WORDS[f.op]} {bound})" if f.op is not None else "")[1:]
    if len(_FIGURE_PARTS) > 4096:
        _FIGURE_PARTS.clear()
    hit = _FIGURE_PARTS[key] = (opening, middle, start, end)
    return hit


def _figure(f: Figure) -> str:
    if type(f) is not Figure:  # a recorded figure keeps its recorded texts
        return _dumps(figure_json(f))
    opening, middle, start, end = _figure_parts(f)
    unit = f.unit
    value = f.value
    if (type(value) is int and f.shown is None and f.series is None and unit in _PLAIN_UNITS
            and -_SMALL < value < _SMALL):
        digits = str(value)
        gap = f.gap
        if gap is None:
            gaps = '"gap":null,"gap_text":null'
        else:
            gaps = f'"gap":{_exact(gap)},"gap_text":{_str(f.gap_text)}'
        return (f'{opening}"{digits}"{middle}{_STATUS.get(f.status) or _s(f.status)},{gaps},'
                f'"text":{start}{digits}{end}}}')
    if f.shown is not None:
        shown = f.shown
    elif f.series is not None:
        shown = " → ".join([display(v, unit) for v in f.series])
    elif value is None:
        shown = "unknown"
    else:
        shown = display(value, unit)
    gap = f.gap
    if gap is None:
        gaps = '"gap":null,"gap_text":null'
    else:
        gaps = f'"gap":{_exact(gap)},"gap_text":{_str(f.gap_text)}'
    return (f'{opening}{_exact(value)}{middle}{_STATUS.get(f.status) or _s(f.status)},{gaps},'
            '"text":'
            f'{start}{_s(shown)[1:-1]}{end}}}')


def _cite(c: Any) -> str:
    return _fragment(c, lambda c: _dumps(citation_json(c))) if c is not None else "null"


def _text(t: Any) -> str:
    return _fragment(t, lambda t: _dumps({"zh": t.zh, "en": t.en}))


def _readings(readings: tuple[Any, ...]) -> str:
    if not readings:
        return "[]"
    return _fragment(readings, lambda rs: _dumps(
        [{"name": u.name, "term": u.term, "option": u.option, "says": u.says} for u in rs]))


# A criterion's parts that come from the compiled rulebook, written once per criterion
# (keyed by its citation object and checked against the other shared objects it was
# written from): the JSON before its status, between status and inputs, and the whole
# tail after the figures in the common case (no exemption status, relaxation, notes,
# self-declarations, what-it-would-take or priority factors).
_CRITERION_PARTS: dict[int, tuple[Any, ...]] = {}


def _criterion_parts(r: CriterionResult) -> tuple[str, str, str, str, str]:
    hit = _CRITERION_PARTS.get(id(r.cite))
    if (hit is not None and hit[0] is r.cite and hit[1] == r.id and hit[2] is r.text
            and hit[3] is r.readings and hit[4] is r.exemption and hit[5] is r.known_gap):
        return hit[6]  # type: ignore[no-any-return]
    head = f'{{"id":{_s(r.id)},"status":'
    cited = f',"citation":{_cite(r.cite)},"text":{_text(r.text)},"inputs":'
    mid = (f',"readings":{_readings(r.readings)},"exemption":{_cite(r.exemption)},'
           '"exemption_status":')
    gap = "" if r.known_gap is None else f',"known_gap":{_text(r.known_gap)}'
    plain = f'{mid}null,"relaxation":null,"notes":[],"self_declared":[],"would_take":[]{gap}}}'
    parts = (head, cited, mid, gap, plain)
    if len(_CRITERION_PARTS) > 4096:
        _CRITERION_PARTS.clear()
    _CRITERION_PARTS[id(r.cite)] = (r.cite, r.id, r.text, r.readings, r.exemption,
                                    r.known_gap, parts)
    return parts


def criterion(r: CriterionResult, tr: Trace | None) -> str:
    """One criterion's JSON, ``tr`` being its trace."""
    head, cited, mid, gap, plain = _criterion_parts(r)
    status = r.status
    if tr is None:
        body = f'{head}{_STATUS.get(status) or _s(status)}{cited}{{}},"missing":[],"figures":[]'
        notes = declared = would = "[]"
    else:
        figures = tr.figures
        needs = tr.needs
        missing = tr.missing
        body = (f'{head}{_STATUS.get(status) or _s(status)}{cited}{_inputs(tr.inputs)},"missing":'
                f'{_strs(missing) if missing else "[]"},"figures":['
                f'{",".join([_figure(f) for f in figures]) if figures else ""}]')
        notes = _strs(tr.notes) if tr.notes else "[]"
        declared = _strs(tr.declared) if tr.declared else "[]"
        would = (_dumps([need_json(n) for n in needs]) if needs and status == FAIL
                 else "[]")
    ex_status = r.exemption_status
    relaxation = r.relaxation
    if (ex_status is None and relaxation is None and not r.priority and notes == "[]"
            and declared == "[]" and would == "[]"):
        return body + plain
    out = (f'{body}{mid}{_str(ex_status)},"relaxation":'
           f'{"null" if relaxation is None else _cite(relaxation)},"notes":{notes},'
           f'"self_declared":{declared},"would_take":{would}{gap}')
    if r.priority:
        out += f',"priority":{_dumps([priority_json(p) for p in r.priority])}'
    return out + "}"


def _models(items: tuple[Any, ...]) -> str:
    if not items:
        return "[]"
    return "[" + ",".join(map(_model, items)) + "]"


_CITATION_KEYS = ("article", "item", "paragraph", "text")
_SIMPLE = (str, int, bool)


def _suspension(r: Any) -> str:
    """A suspension's result: made per decision, so not kept as a fragment; its citation
    (a dict made when the rulebook was compiled, shared by every decision) is."""
    v = r.__dict__
    citation, inputs, notes = v["citation"], v["inputs"], v["notes"]
    if (tuple(citation) != _CITATION_KEYS or any(type(x) not in _SIMPLE for x in inputs.values())
            or type(v["text"]) is not Text):
        return str(r.model_dump_json())  # anything else: pydantic, as before
    return (f'{{"id":{_s(v["id"])},"status":{_STATUS.get(v["status"]) or _s(v["status"])},'
            f'"citation":{_fragment(citation, _dumps)},"text":{_text(v["text"])},'
            f'"inputs":{_inputs(inputs)},"notes":{_strs(notes)}}}')


def _suspensions(items: tuple[Any, ...]) -> str:
    if not items:
        return "[]"
    return "[" + ",".join(map(_suspension, items)) + "]"


def _date(d: Any) -> str:
    return "null" if d is None else f'"{d.isoformat()}"'


_HEADS: dict[tuple[int, ...], tuple[Any, ...]] = {}


def _head(format: str, engine: Any, rulebook: Any, designation: Any) -> str:
    """The decision's opening (format, engine, rulebook, designation): shared objects,
    written once per combination (checked by identity)."""
    key = (id(format), id(engine), id(rulebook), id(designation))
    hit = _HEADS.get(key)
    if (hit is not None and hit[0] is format and hit[1] is engine and hit[2] is rulebook
            and hit[3] is designation):
        return hit[4]  # type: ignore[no-any-return]
    text = (f'{{"format":{_s(format)},"engine":{_fragment(engine, _dumps)},'
            f'"rulebook":{_model(rulebook)},"designation":{_model(designation)}')
    if len(_HEADS) > 1024:
        _HEADS.clear()
    _HEADS[key] = (format, engine, rulebook, designation, text)
    return text


def decision_json(d: Decision) -> str:
    """``d.model_dump_json()``, byte for byte."""
    v = d.__dict__
    applicant = v["applicant"]
    criteria = v["criteria"]
    # One pass writes the criteria and gathers ``data_years``, ``counts`` and ``missing``
    # (the Decision's computed fields, same rules). A trace not yet built is built for
    # this writing only, and not kept (``trace_once``).
    written = []
    counts: dict[str, int] = {}
    lo = hi = None
    missing: dict[str, None] = {}
    for r in criteria:
        tr = r._trace if r._check is None else r.trace_once()
        status = r.status
        counts[status] = counts.get(status, 0) + 1
        written.append(criterion(r, tr))
        if tr is None:
            continue
        for f in tr.figures:
            first, last = f.first_year, f.last_year
            if first is not None and (lo is None or first < lo):
                lo = first
            if last is not None and (hi is None or last > hi):
                hi = last
        if status == "unknown":
            for m in tr.missing:
                missing.setdefault(m, None)
    years = "null" if lo is None else f'"{lo}"' if lo == hi else f'"{lo}–{hi}"'
    tally = ",".join([f"{_STATUS.get(k) or _s(k)}:{counts[k]}" for k in sorted(counts)])
    return "".join((
        _head(v["format"], v["engine"], v["rulebook"], v["designation"]),
        ',"applicant":{"name":', _s(applicant["name"]), ',"kind":', _s(applicant["kind"]),
        ',"entity_type":', _s(applicant["entity_type"]),
        '},"as_of":', _date(v["as_of"]),
        ',"application_date":', _date(v["application_date"]),
        ',"basis":', _model(v["basis"]),
        ',"verdict":', _s(v["verdict"]),
        ',"criteria":[',
        ",".join(written),
        '],"suspensions":', _suspensions(v["suspensions"]),
        ',"notices":', _models(v["notices"]),
        ',"procedure":', _model(v["procedure"]),
        ',"events_not_counted":', _strs(v["events_not_counted"]),
        ',"warnings":', _strs(v["warnings"]),
        ',"missing_items":', _dumps(list(v["missing_items"])) if v["missing_items"] else "[]",
        ',"data_years":', years, ',"counts":{', tally, '},"missing":',
        _strs(list(missing)) if missing else "[]", "}",
    ))
