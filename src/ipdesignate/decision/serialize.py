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

from .._core.exact import Exact, display, exact_str
from .trace import (
    COMPARATOR_WORDS,
    FAIL,
    CriterionResult,
    Figure,
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


def _inputs(inputs: dict[str, Any]) -> str:
    if not inputs:
        return "{}"
    return "{" + ",".join(f"{_s(k)}:{_input(v)}" for k, v in inputs.items()) + "}"


_THRESHOLDS: dict[tuple[type, Exact, str], tuple[str, str]] = {}


def _threshold(f: Figure) -> tuple[str, str]:
    """The threshold as JSON and as shown: a rulebook's constant, written once."""
    t = f.threshold
    if t is None:
        return "null", (f.threshold_text or "?")
    key = (type(t), t, f.unit)
    hit = _THRESHOLDS.get(key)
    if hit is None:
        if len(_THRESHOLDS) > 4096:
            _THRESHOLDS.clear()
        hit = _THRESHOLDS[key] = (_exact(t), display(t, f.unit))
    return hit[0], (f.threshold_text or hit[1])


def _figure(f: Figure) -> str:
    if type(f) is not Figure:  # a recorded figure keeps its recorded texts
        return _dumps(figure_json(f))
    first = f.first_year
    years = None if first is None else (
        str(first) if first == f.last_year else f"{first}–{f.last_year}")
    threshold, bound = _threshold(f)
    unit = f.unit
    # Figure.text, with the threshold's words kept from one decision to the next
    if f.shown is not None:
        value = f.shown
    elif f.series is not None:
        value = " → ".join(display(v, unit) for v in f.series)
    elif f.value is None:
        value = "unknown"
    else:
        value = display(f.value, unit)
    text = f"{f.label} {years} = {value}" if years else f"{f.label} = {value}"
    if f.op is not None:
        text += f" (needs {COMPARATOR_WORDS[f.op]} {bound})"
    gap = f.gap
    return (f'{{"label":{_s(f.label)},"years":{_str(years)},"value":{_exact(f.value)},'
            f'"unit":"{unit}","comparator":{_str(f.op)},"threshold":{threshold},'
            f'"status":{_s(f.status)},"gap":{_exact(gap)},'
            f'"gap_text":{_str(f.gap_text if gap is not None else None)},"text":{_s(text)}}}')


def _cite(c: Any) -> str:
    return _fragment(c, lambda c: _dumps(citation_json(c))) if c is not None else "null"


def _text(t: Any) -> str:
    return _fragment(t, lambda t: _dumps({"zh": t.zh, "en": t.en}))


def _readings(readings: tuple[Any, ...]) -> str:
    if not readings:
        return "[]"
    return _fragment(readings, lambda rs: _dumps(
        [{"name": u.name, "term": u.term, "option": u.option, "says": u.says} for u in rs]))


def criterion(r: CriterionResult) -> str:
    tr = r.trace
    head = (f'{{"id":{_s(r.id)},"status":{_s(r.status)},"citation":{_cite(r.cite)},'
            f'"text":{_text(r.text)},')
    if tr is None:
        body = '"inputs":{},"missing":[],"figures":[],'
        tail = '"notes":[],"self_declared":[],"would_take":[]'
    else:
        figures = tr.figures
        body = (f'"inputs":{_inputs(tr.inputs)},"missing":{_strs(tr.missing)},'
                f'"figures":[{",".join(map(_figure, figures)) if figures else ""}],')
        needs = tr.needs
        would = (_dumps([need_json(n) for n in needs]) if needs and r.status == FAIL
                 else "[]")
        tail = (f'"notes":{_strs(tr.notes)},"self_declared":{_strs(tr.declared)},'
                f'"would_take":{would}')
    mid = (f'"readings":{_readings(r.readings)},"exemption":{_cite(r.exemption)},'
           f'"exemption_status":{_str(r.exemption_status)},'
           f'"relaxation":{_cite(r.relaxation)},')
    out = head + body + mid + tail
    if r.known_gap is not None:
        out += f',"known_gap":{_text(r.known_gap)}'
    if r.priority:
        out += f',"priority":{_dumps([priority_json(p) for p in r.priority])}'
    return out + "}"


def _models(items: tuple[Any, ...]) -> str:
    if not items:
        return "[]"
    return "[" + ",".join(map(_model, items)) + "]"


def _date(d: Any) -> str:
    return "null" if d is None else f'"{d.isoformat()}"'


def decision_json(d: Decision) -> str:
    """``d.model_dump_json()``, byte for byte."""
    v = d.__dict__
    applicant = v["applicant"]
    counts = d.counts
    return "".join((
        '{"format":', _s(v["format"]),
        ',"engine":', _fragment(v["engine"], _dumps),
        ',"rulebook":', _model(v["rulebook"]),
        ',"designation":', _model(v["designation"]),
        ',"applicant":{"name":', _s(applicant["name"]), ',"kind":', _s(applicant["kind"]),
        ',"entity_type":', _s(applicant["entity_type"]),
        '},"as_of":', _date(v["as_of"]),
        ',"application_date":', _date(v["application_date"]),
        ',"basis":', _model(v["basis"]),
        ',"verdict":', _s(v["verdict"]),
        ',"criteria":[', ",".join(map(criterion, v["criteria"])),
        '],"suspensions":', _models(v["suspensions"]),
        ',"notices":', _models(v["notices"]),
        ',"procedure":', _model(v["procedure"]),
        ',"events_not_counted":', _strs(v["events_not_counted"]),
        ',"warnings":', _strs(v["warnings"]),
        ',"missing_items":', _dumps(list(v["missing_items"])) if v["missing_items"] else "[]",
        ',"data_years":', _str(d.data_years),
        ',"counts":{', ",".join(f"{_s(k)}:{n}" for k, n in counts.items()),
        '},"missing":', _strs(d.missing), "}",
    ))
