"""Measure keywords: each compiles a YAML measure into a function giving a number.

A compiled measure returns ``(value, years)``; ``value`` is None when an input is missing
(the missing field and year are already recorded in the trace) or when the figure is
undefined (a note says why).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .._core.errors import Path, did_you_mean
from .._core.exact import Exact, Unit, add, display, div, exact_str, mul, power, sub, total
from .._core.periods import parse_period, period_problem, within_lookback
from ..applicant.vocabulary import FieldInfo
from ..decision.trace import COMPARATOR_WORDS, Need, Trace
from ..rulebook.model import (
    CountMeasure,
    DurationMeasure,
    FieldMeasure,
    GrowthMeasure,
    MeanMeasure,
    Measure,
    Reading,
    ShareMeasure,
    SumMeasure,
    Window,
)
from .compiler import Compiler, Ctx

Years = tuple[int, int] | None
MeasureFn = Callable[[Ctx, Trace], tuple[Exact | None, Years]]
# A measure's value alone, or MISSING (an input is not stated) or UNDEFINED (e.g. a share
# of a whole that is 0): what a status-only comparison needs.
FastMeasureFn = Callable[[Ctx], Any]
MISSING = object()
UNDEFINED = object()
# On a failed comparison: (ctx, comparator, threshold) -> concrete changes that would pass
AdviseFn = Callable[[Ctx, str, Exact], list[Need]]

GROWTH_METHODS = ("mean_of_ratios", "cagr")
SHARE_METHODS = ("pooled", "mean_of_yearly")

_ONE = Decimal(1)
_PATHS: dict[tuple[str, int], str] = {}


def _path(name: str, year: int) -> str:
    key = (name, year)
    p = _PATHS.get(key)
    if p is None:
        p = _PATHS[key] = f"yearly[{year}].{name}"
    return p


@dataclass(frozen=True)
class CompiledMeasure:
    fn: MeasureFn
    unit: Unit
    label: str
    cagr_years: int = 0  # > 0 when the value is a CAGR base ratio to be compared rooted
    advise: AdviseFn | None = None
    fast: FastMeasureFn | None = None  # None: ``fast_measure`` runs ``fn`` untraced
    # the value as integers (numerator, denominator > 0) when every input is an integer,
    # for a comparison by cross-multiplication; None: use ``fast``; MISSING as for ``fast``
    fast_ratio: FastMeasureFn | None = None


def fast_measure(m: CompiledMeasure) -> FastMeasureFn:
    """The measure's value without a trace: its own fast form, or ``fn`` with a trace
    that is thrown away (a missing input is what that trace recorded)."""
    if m.fast is not None:
        return m.fast
    mfn = m.fn

    def run(ctx: Ctx) -> Any:
        tr = Trace()
        v, _ = mfn(ctx, tr)
        if v is None:
            return MISSING if tr.missing else UNDEFINED
        return v

    return run


def _values(ctx: Ctx, info: FieldInfo, first: int, last: int) -> list[Exact] | None:
    """A series read again, without tracing (only on a failure, to advise)."""
    out = []
    name = info.name
    yearly = getattr(ctx.profile, info.container)
    for year in range(first, last + 1):
        rec = yearly.get(year)
        v = getattr(rec, name, None) if rec is not None else None
        if v is None:
            return None
        out.append(v)
    return out


def _smallest_more(x: Exact, op: str, unit: Unit) -> Exact:
    """The least amount that reaches a bound ``x`` away: whole for counts, > for more_than."""
    if unit is Unit.COUNT:
        n = math.ceil(Fraction(x))
        if op == "more_than" and n == x:
            n += 1
        return max(n, 0)
    return x


def _want(op: str) -> str:
    return COMPARATOR_WORDS.get(op, op)


def _fast_series_reader(info: FieldInfo) -> Callable[[Ctx, int, int], list[Exact] | None]:
    """``_series_reader`` without the trace: the values, or None when one is missing."""
    name = info.name
    quotient = info.quotient
    qpart, qwhole = (quotient.part, quotient.whole) if quotient else ("", "")
    container = info.container

    if quotient is None:
        def plain(ctx: Ctx, first: int, last: int) -> list[Exact] | None:
            yearly = getattr(ctx.profile, container)
            try:  # a year without a record is missing, like a value that is None
                values = [getattr(yearly[year], name) for year in range(first, last + 1)]
            except KeyError:
                return None
            for v in values:
                if v is None:
                    return None
            return values

        return plain

    def read(ctx: Ctx, first: int, last: int) -> list[Exact] | None:
        yearly = getattr(ctx.profile, container)
        values: list[Exact] = []
        for year in range(first, last + 1):
            rec = yearly.get(year)
            if rec is None:
                return None
            v = getattr(rec, name)
            if v is None:
                if quotient is None:
                    return None
                part = getattr(rec, qpart)
                whole = getattr(rec, qwhole)
                if part is None or not whole:
                    return None
                v = div(part, whole)
            values.append(v)
        return values

    return read


def _series_reader(info: FieldInfo) -> Callable[[Ctx, Trace, int, int], list[Exact] | None]:
    name = info.name
    quotient = info.quotient
    qpart, qwhole = (quotient.part, quotient.whole) if quotient else ("", "")
    container = info.container
    paths: dict[int, tuple[str, str, str]] = {}

    def read(ctx: Ctx, tr: Trace, first: int, last: int) -> list[Exact] | None:
        yearly = getattr(ctx.profile, container)
        inputs = tr.inputs
        values: list[Exact] = []
        complete = True
        for year in range(first, last + 1):
            rec = yearly.get(year)
            v = getattr(rec, name) if rec is not None else None
            known = paths.get(year)
            if known is None:
                known = paths[year] = (_path(name, year), _path(qpart, year),
                                       _path(qwhole, year))
            if v is None and quotient is not None and rec is not None:
                part = getattr(rec, qpart)
                whole = getattr(rec, qwhole)
                if part is not None and whole:
                    inputs[known[1]] = part
                    inputs[known[2]] = whole
                    v = div(part, whole)
            path = known[0]
            inputs[path] = v
            if v is None:
                tr.missing.append(path)
                complete = False
            elif complete:
                values.append(v)
        return values if complete else None

    return read


def _window(c: Compiler, spec: Any, path: Path) -> Window | None:
    value, where = c.resolve(spec, path)
    if value is None:
        return None
    if isinstance(value, Window):
        return value
    try:
        return Window.model_validate(value)
    except ValidationError as exc:
        c.problem(where, "not a window of years: " + exc.errors()[0]["msg"],
                  expected="a mapping like {years: 3, ending: -1}", found=repr(value))
        return None


def _method(c: Compiler, spec: Any, path: Path, allowed: tuple[str, ...]) -> str | None:
    value, where = c.resolve(spec, path)
    if value is None:
        return None
    if value not in allowed:
        c.problem(where, f"unknown method {value!r}{did_you_mean(str(value), allowed)}",
                  expected=f"one of: {', '.join(allowed)}", found=repr(value))
        return None
    return str(value)


def _years(w: Window, ctx: Ctx) -> tuple[int, int]:
    last = ctx.year + w.ending
    return last - w.years + 1, last


def _series(c: Compiler, name: str, path: Path) -> FieldInfo | None:
    return c.field(name, path, ("series",))


# ---- keyword functions, named after the YAML keyword ---------------------------------


def field(c: Compiler, m: FieldMeasure, path: Path) -> CompiledMeasure | None:
    info = c.field(m.field, (*path, "field"), ("number",))
    if info is None or info.unit is None:
        return None
    name = m.field

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        v = getattr(ctx.profile, name)
        tr.inputs[name] = v
        if v is None:
            tr.missing.append(name)
            return None, None
        return v, None

    def fast(ctx: Ctx) -> Any:
        v = getattr(ctx.profile, name)
        return MISSING if v is None else v

    return CompiledMeasure(fn, info.unit, name, fast=fast)


def mean(c: Compiler, m: MeanMeasure, path: Path) -> CompiledMeasure | None:
    info = _series(c, m.mean, (*path, "mean"))
    w = _window(c, m.window, (*path, "window"))
    if info is None or w is None or info.unit is None:
        return None
    read = _series_reader(info)
    read_fast = _fast_series_reader(info)
    n = w.years

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        first, last = _years(w, ctx)
        values = read(ctx, tr, first, last)
        if values is None:
            return None, (first, last)
        return div(total(values), n), (first, last)

    def fast(ctx: Ctx) -> Any:
        first, last = _years(w, ctx)
        values = read_fast(ctx, first, last)
        return MISSING if values is None else div(total(values), n)

    name, container, quotient = info.name, info.container, info.quotient
    qpart, qwhole = (quotient.part, quotient.whole) if quotient else ("", "")

    def ratio(ctx: Ctx) -> Any:
        """The mean as num/den in integers (a quotient series adds p/q exactly)."""
        first, last = _years(w, ctx)
        yearly = getattr(ctx.profile, container)
        num, den = 0, 1
        for year in range(first, last + 1):
            rec = yearly.get(year)
            if rec is None:
                return MISSING
            v = getattr(rec, name)
            if v is None:
                if quotient is None:
                    return MISSING
                p, q = getattr(rec, qpart), getattr(rec, qwhole)
                if p is None or not q:
                    return MISSING
                if type(p) is not int or type(q) is not int or q < 0:
                    return None
                num, den = num * q + p * den, den * q
            elif type(v) is int:
                num += v * den
            else:
                return None
        return num, den * n

    unit, fname = info.unit, m.mean

    def advise(ctx: Ctx, op: str, t: Exact) -> list[Need]:
        first, last = _years(w, ctx)
        values = _values(ctx, info, first, last)
        if values is None or op not in ("at_least", "more_than"):
            return []
        more = _smallest_more(sub(mul(t, n), total(values)), op, unit)
        return [Need("mean", f"{display(more, unit)} more {fname} in {first}–{last} in total "
                     f"(e.g. {last} {_want(op)} {display(add(values[-1], more), unit)})",
                     field=fname, year=last, comparator=op,
                     target=exact_str(add(values[-1], more)), amount=exact_str(more),
                     unit=str(unit))]

    return CompiledMeasure(fn, info.unit, f"mean {m.mean}", advise=advise, fast=fast,
                           fast_ratio=ratio)


def sum(c: Compiler, m: SumMeasure, path: Path) -> CompiledMeasure | None:
    names = (m.sum,) if isinstance(m.sum, str) else m.sum
    infos = [_series(c, n, (*path, "sum")) for n in names]
    w = _window(c, m.window, (*path, "window"))
    if w is None or any(i is None for i in infos):
        return None
    units = {i.unit for i in infos if i is not None}
    if len(units) != 1:
        c.problem((*path, "sum"), "cannot add figures measured in different units",
                  found=", ".join(sorted(str(u) for u in units)))
        return None
    readers = [_series_reader(i) for i in infos if i is not None]
    fast_readers = [_fast_series_reader(i) for i in infos if i is not None]

    def fast(ctx: Ctx) -> Any:
        first, last = _years(w, ctx)
        acc: Exact = 0
        for read in fast_readers:
            values = read(ctx, first, last)
            if values is None:
                return MISSING
            acc = add(acc, total(values))
        return acc

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        first, last = _years(w, ctx)
        acc: Exact | None = 0
        for read in readers:
            values = read(ctx, tr, first, last)
            if values is None:
                acc = None
            elif acc is not None:
                acc = add(acc, total(values))
        return acc, (first, last)

    return CompiledMeasure(fn, units.pop() or Unit.NUMBER, "sum of " + " + ".join(names),
                           fast=fast)


def share(c: Compiler, m: ShareMeasure, path: Path) -> CompiledMeasure | None:
    label = f"share {m.share.part}/{m.share.whole}"
    if m.window is None:
        part = c.field(m.share.part, (*path, "share", "part"), ("number",))
        whole = c.field(m.share.whole, (*path, "share", "whole"), ("number",))
        if part is None or whole is None:
            return None
        pf, wf = m.share.part, m.share.whole

        def scalar(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
            p, q = getattr(ctx.profile, pf), getattr(ctx.profile, wf)
            tr.inputs[pf] = p
            tr.inputs[wf] = q
            for name, v in ((pf, p), (wf, q)):
                if v is None:
                    tr.missing.append(name)
            if p is None or q is None:
                return None, None
            if q == 0:
                tr.notes.append(f"{wf} is 0, so the share is undefined")
                return None, None
            return div(p, q), None

        def scalar_advise(ctx: Ctx, op: str, t: Exact) -> list[Need]:
            p, q = getattr(ctx.profile, pf), getattr(ctx.profile, wf)
            return _share_needs(pf, wf, part.unit, p, q, op, t, None)

        return CompiledMeasure(scalar, Unit.RATIO, label, advise=scalar_advise)
    spart = _series(c, m.share.part, (*path, "share", "part"))
    swhole = _series(c, m.share.whole, (*path, "share", "whole"))
    w = _window(c, m.window, (*path, "window"))
    method = _method(c, m.method or "pooled", (*path, "method"), SHARE_METHODS)
    if spart is None or swhole is None or w is None or method is None:
        return None
    read_p, read_w = _series_reader(spart), _series_reader(swhole)
    pooled = method == "pooled"
    n = Decimal(w.years)
    wname = m.share.whole

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        first, last = _years(w, ctx)
        ps, ws = read_p(ctx, tr, first, last), read_w(ctx, tr, first, last)
        if ps is None or ws is None:
            return None, (first, last)
        if pooled:
            whole = total(ws)
            if whole == 0:
                tr.notes.append(f"{wname} is 0 in every year, so the share is undefined")
                return None, (first, last)
            return div(total(ps), whole), (first, last)
        if any(x == 0 for x in ws):
            tr.notes.append(f"{wname} is 0 in a year, so a yearly share is undefined")
            return None, (first, last)
        return div(total([div(p, q) for p, q in zip(ps, ws, strict=True)]), n), (first, last)

    pname = m.share.part

    def advise(ctx: Ctx, op: str, t: Exact) -> list[Need]:
        if not pooled:
            return []
        first, last = _years(w, ctx)
        ps, ws = _values(ctx, spart, first, last), _values(ctx, swhole, first, last)
        if ps is None or ws is None:
            return []
        return _share_needs(pname, wname, spart.unit, total(ps), total(ws), op, t,
                            (first, last))

    return CompiledMeasure(fn, Unit.RATIO, f"{label} ({method})", advise=advise)


def _share_needs(part: str, whole: str, unit: Unit | None, p: Exact | None, q: Exact | None,
                 op: str, t: Exact, years: tuple[int, int] | None) -> list[Need]:
    """A share is of a whole that contains the part: x more of the part adds x to the whole
    too, so (p + x) / (q + x) must reach t: x = (t·q − p) / (1 − t)."""
    if p is None or q is None or op not in ("at_least", "more_than") or t >= 1:
        return []
    unit = unit or Unit.NUMBER
    more = _smallest_more(div(sub(mul(t, q), p), sub(Decimal(1), t)), op, unit)
    if unit is not Unit.COUNT and op == "more_than":
        words = f"more than {display(more, unit)}"
    else:
        words = display(more, unit)
    when = f" in {years[0]}–{years[1]}" if years else ""
    return [Need("share", f"{words} more {part}{when} (each also counted in {whole})",
                 field=part, year=years[1] if years else None, comparator=op,
                 amount=exact_str(more), unit=str(unit))]


def growth(c: Compiler, m: GrowthMeasure, path: Path) -> CompiledMeasure | None:
    info = _series(c, m.growth, (*path, "growth"))
    w = _window(c, m.window, (*path, "window"))
    method = _method(c, m.method, (*path, "method"), GROWTH_METHODS)
    if info is None or w is None or method is None:
        return None
    if w.years < 2:
        c.problem((*path, "window"), "growth needs a window of at least 2 years",
                  found=f"{w.years} year")
        return None
    read = _series_reader(info)
    steps = w.years - 1
    n_steps = Decimal(steps)
    name = m.growth

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        first, last = _years(w, ctx)
        values = read(ctx, tr, first, last)
        if values is None:
            return None, (first, last)
        if any(v == 0 for v in (values if method == "mean_of_ratios" else values[:1])):
            tr.notes.append(f"{name} is 0 in a base year, so growth is undefined")
            return None, (first, last)
        if method == "cagr":
            return div(values[-1], values[0]), (first, last)
        ratios = [div(values[i + 1], values[i]) for i in range(steps)]
        return sub(div(total(ratios), n_steps), _ONE), (first, last)

    unit = info.unit or Unit.NUMBER

    def advise(ctx: Ctx, op: str, t: Exact) -> list[Need]:
        """The last year's figure that would lift the growth to the threshold."""
        first, last = _years(w, ctx)
        values = _values(ctx, info, first, last)
        if values is None or op not in ("at_least", "more_than") or 0 in values:
            return []
        if method == "cagr":
            target = mul(values[0], power(add(_ONE, t), steps))
        else:
            others = total([div(values[i + 1], values[i]) for i in range(steps - 1)])
            target = mul(values[-2], sub(mul(add(_ONE, t), n_steps), others))
        return [Need("growth", f"{name} {last} must be {_want(op)} {display(target, unit)} "
                     f"(it is {display(values[-1], unit)})", field=name, year=last,
                     comparator=op, target=exact_str(target), unit=str(unit))]

    return CompiledMeasure(fn, Unit.RATIO, f"{'CAGR' if method == 'cagr' else 'mean growth'} "
                           f"of {name}", cagr_years=steps if method == "cagr" else 0,
                           advise=advise)


def count(c: Compiler, m: CountMeasure, path: Path) -> CompiledMeasure | None:
    types_, where = c.resolve(m.count, (*path, "count"))
    if types_ is None:
        return None
    if isinstance(types_, str) or not isinstance(types_, (list, tuple)):
        c.problem(where, "not a list of event types", expected="a list like [type_a, type_b]",
                  found=repr(types_))
        return None
    for i, kind in enumerate(types_):
        if kind not in c.rulebook.event_types:
            c.problem((*where, i), f"unknown event type {kind!r}"
                      f"{did_you_mean(kind, c.rulebook.event_types)}",
                      expected="a type declared under 'event_types'", found=repr(kind))
    period = None
    if m.within is not None:
        value, where = c.resolve(m.within, (*path, "within"))
        period = parse_period(value) if value is not None else None
        if period is None:
            if value is not None:
                c.problem(where, period_problem(value) or "not a period",
                          expected="a period like '3 years'", found=repr(value)[:60])
            return None
    for key in m.where:
        for kind in types_:
            etype = c.rulebook.event_types.get(kind)
            if etype is not None and key not in etype.fields:
                c.problem((*path, "where", key), f"event type {kind!r} has no detail {key!r}",
                          expected="one of " + (", ".join(etype.fields) or "(no details)"),
                          found=repr(key))
    where_ = {k: frozenset((v,) if isinstance(v, str) else v) for k, v in m.where.items()}
    detail = _dated(c, m, types_, path)
    kinds = frozenset(types_)
    span = f"within {period}" if period is not None else "up to the as-of date"
    effective = c.rulebook.effective.from_.date
    before = effective if m.before == "effective" else m.before
    since = effective if m.from_ == "effective" else m.from_
    dated = "".join(f" {word} {day.isoformat()}" for word, day in
                    (("before", before), ("from", since)) if isinstance(day, _dt.date))
    filt = "".join(f"; {k} in {sorted(v)}" for k, v in where_.items())
    key = f"events {span}{dated} ({', '.join(sorted(kinds))}{filt})"

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        events = ctx.events
        if events is None:
            tr.missing.append("events")
            return None, None
        if detail is not None:
            events = [e for e in events if e.type in kinds]
            lacking = [e for e in events if _detail_date(e, detail) is None]
            if lacking:
                tr.missing.extend(f"events[{e.id}].details.{detail}" for e in lacking)
                return None, None
            # the window counts from the date the reading names (e.g. of the act found)
            events = [e.model_copy(update={"date": _detail_date(e, detail)}) for e in events]
            events = [e for e in events if e.date <= ctx.on]
        hits = [e for e in events if e.type in kinds
                and (period is None or within_lookback(e.date, ctx.on, period))
                and (before is None or e.date < before) and (since is None or e.date >= since)]
        if where_:
            unknown = [e for e in hits if any(k not in e.details for k in where_)]
            for e in unknown:
                tr.missing.extend(f"events[{e.id}].details.{k}" for k in where_
                                  if k not in e.details)
            if unknown:
                tr.inputs[key] = [f"{e.id} {e.type} {e.date.isoformat()}" for e in hits]
                return None, None
            hits = [e for e in hits if all(e.details[k] in v for k, v in where_.items())]
        tr.inputs[key] = [f"{e.id} {e.type} {e.date.isoformat()}" for e in hits]
        return len(hits), None

    def advise(ctx: Ctx, op: str, t: Exact) -> list[Need]:
        """The first day enough of the counted events have left the look-back window."""
        if op not in ("at_most", "less_than") or ctx.events is None or period is None:
            return []
        allowed = int(t) - (1 if op == "less_than" else 0)
        hits = sorted((e for e in ctx.events if e.type in kinds
                       and within_lookback(e.date, ctx.on, period)
                       and (before is None or e.date < before)
                       and (since is None or e.date >= since)
                       and all(e.details.get(k) in v for k, v in where_.items())),
                      key=lambda e: e.date)
        if allowed < 0 or len(hits) <= allowed:
            return []
        leaving = hits[len(hits) - allowed - 1]  # the newest event that has to drop out
        day = ctx.on
        while within_lookback(leaving.date, day, period):  # at most a few thousand days
            day += _dt.timedelta(days=1)
        return [Need("lookback", f"eligible again from {day.isoformat()}, when {leaving.id} "
                     f"({leaving.type} {leaving.date.isoformat()}) leaves the {period} "
                     "look-back", date=day.isoformat())]

    def fast(ctx: Ctx) -> Any:
        if ctx.events is None:
            return MISSING
        if not ctx.events:
            return 0
        tr = Trace()
        v, _ = fn(ctx, tr)
        return MISSING if v is None else v

    label = f"events ({', '.join(types_)}{filt}) {span}{dated}" + (
        " before the as-of date" if period is not None else "")
    return CompiledMeasure(fn, Unit.COUNT, label, advise=advise, fast=fast)


def _dated(c: Compiler, m: CountMeasure, types_: Any, path: Path) -> str | None:
    """The date detail a count dates its events by, or None for the event's own date."""
    if m.dated is None:
        return None
    value, at = c.resolve(m.dated, (*path, "dated"))
    if value is None or value == "event_date":
        return None
    for kind in types_:
        etype = c.rulebook.event_types.get(kind)
        spec = etype.fields.get(str(value)) if etype is not None else None
        if etype is not None and (spec is None or spec.type != "date"):
            c.problem(at, f"event type {kind!r} has no date detail {value!r}",
                      expected="event_date, or a date detail of every counted type",
                      found=repr(value))
    return str(value)


def _detail_date(e: Any, name: str) -> _dt.date | None:
    value = e.details.get(name)
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def duration(c: Compiler, m: DurationMeasure, path: Path) -> CompiledMeasure | None:
    info = c.field(m.duration, (*path, "duration"), ("date",))
    if info is None:
        return None
    name = m.duration

    def fn(ctx: Ctx, tr: Trace) -> tuple[Exact | None, Years]:
        since = getattr(ctx.profile, name)
        tr.inputs[name] = since.isoformat() if since is not None else None
        if since is None:
            tr.missing.append(name)
            return None, None
        return (ctx.on - since).days, None

    return CompiledMeasure(fn, Unit.DAYS, f"time since {name}")


MEASURES: dict[type, Callable[[Compiler, Any, Path], CompiledMeasure | None]] = {
    FieldMeasure: field, MeanMeasure: mean, SumMeasure: sum, ShareMeasure: share,
    GrowthMeasure: growth, CountMeasure: count, DurationMeasure: duration,
}


def compile_measure(c: Compiler, m: Any, path: Path) -> CompiledMeasure | None:
    if isinstance(m, Reading):  # a reading may supply the whole measure
        value, where = c.resolve(m, path)
        if value is None:
            return None
        try:
            m = _measure_adapter().validate_python(value)
        except ValidationError as exc:
            c.problem(where, "the reading's value is not a measure: " + exc.errors()[0]["msg"],
                      expected="a measure such as {field: ...} or {mean: ..., window: ...}")
            return None
        if isinstance(m, Reading):
            c.problem(where, "a reading cannot point to another reading")
            return None
        path = where
    return MEASURES[type(m)](c, m, path)


_MEASURE: list[TypeAdapter[Any]] = []


def _measure_adapter() -> TypeAdapter[Any]:
    # built on first use: a rulebook loaded from the cache never needs it
    if not _MEASURE:
        _MEASURE.append(TypeAdapter(Measure))
    return _MEASURE[0]
