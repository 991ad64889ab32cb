"""Check keywords: each compiles a YAML check into a function giving a status.

Statuses combine with Kleene logic (see ``_trace.all_of``). Every keyword function is
named after its keyword and documented in docs/rulebook.md.
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from typing import Any

from .._core.errors import Path, did_you_mean
from .._core.exact import Exact, Unit, add, display, exact_str, parse_quantity, power, sub
from .._core.periods import Period, completed, parse_period, period_end, period_problem
from ..decision.trace import (
    COMPARATOR_WORDS,
    FAIL,
    PASS,
    REVIEW,
    UNKNOWN,
    Figure,
    Need,
    ReadingUsed,
    Trace,
)
from ..decision.trace import (
    all_of as _all,
)
from ..decision.trace import (
    any_of as _any,
)
from ..decision.trace import (
    negate as _not,
)
from ..rulebook.model import (
    COMPARATORS,
    AllOf,
    AnyOf,
    AttestationCheck,
    CategoryCheck,
    ClaimedCheck,
    Compare,
    EntityTypeCheck,
    FactCheck,
    HoldsCheck,
    HoldsFor,
    InQuarterCheck,
    NoneOf,
    NotBarredCheck,
    OpenCheck,
    OutcomeCheck,
    ReviewCheck,
    SwitchCase,
    SwitchCheck,
    TrendCheck,
)
from ..rulebook.sourcetext import where_words
from .compiler import CheckFn, Compiler, Ctx, FastFn
from .measures import (
    MISSING,
    UNDEFINED,
    CompiledMeasure,
    _fast_series_reader,
    _series_reader,
    _window,
    _years,
    compile_measure,
    fast_measure,
)

TREND_METHODS = ("strict_increase", "strict_or_net_rise_review", "net_rise")


def _with_fast(fn: CheckFn, fast: FastFn) -> CheckFn:
    """Attach a check's status-only form: the same status, nothing recorded."""
    setattr(fn, "fast", fast)  # noqa: B010 - a function attribute mypy cannot declare
    return fn


def fast_of(fn: CheckFn) -> FastFn:
    """The status-only form of a compiled check: its own, or the check run with a trace
    that is thrown away (for keywords without one)."""
    fast: FastFn | None = getattr(fn, "fast", None)
    if fast is not None:
        return fast

    def run(ctx: Ctx) -> str:
        return fn(ctx, Trace())

    return run


# ---- boolean and categorical facts ------------------------------------------------------


def fact(c: Compiler, chk: FactCheck, path: Path) -> CheckFn:
    c.field(chk.fact, (*path, "fact"), ("fact",))
    name = chk.fact

    def fn(ctx: Ctx, tr: Trace) -> str:
        v = getattr(ctx.profile, name, None)
        tr.inputs[name] = v
        if v is None:
            tr.missing.append(name)
            return UNKNOWN
        if v:
            return PASS
        tr.needs.append(Need("fact", f"needs {name} = true (it is false)", field=name,
                             target="true"))
        return FAIL

    def fast(ctx: Ctx) -> str:
        v = getattr(ctx.profile, name, None)
        return UNKNOWN if v is None else PASS if v else FAIL

    return _with_fast(fn, fast)


def category(c: Compiler, chk: CategoryCheck, path: Path) -> CheckFn:
    info = c.field(chk.category, (*path, "category"), ("category",))
    if info is not None:
        for i, v in enumerate(chk.in_):
            if v not in info.choices:
                c.problem((*path, "in", i), f"{chk.category!r} never takes the value {v!r}"
                          f"{did_you_mean(v, info.choices)}",
                          expected=f"one of: {', '.join(info.choices)}", found=repr(v))
    name, allowed, choices = chk.category, frozenset(chk.in_), tuple(chk.in_)

    def fn(ctx: Ctx, tr: Trace) -> str:
        v = getattr(ctx.profile, name, None)
        tr.inputs[name] = v
        if v is None:
            tr.missing.append(name)
            return UNKNOWN
        if v in allowed:
            return PASS
        tr.needs.append(Need("category", f"needs {name} to be one of: {', '.join(choices)} "
                             f"(it is {v})", field=name,
                             options=[Need("category", c, field=name, target=c)
                                      for c in choices]))
        return FAIL

    def fast(ctx: Ctx) -> str:
        v = getattr(ctx.profile, name, None)
        return UNKNOWN if v is None else PASS if v in allowed else FAIL

    return _with_fast(fn, fast)


def entity_type(c: Compiler, chk: EntityTypeCheck, path: Path) -> CheckFn:
    kinds = c.entity_types()
    for i, k in enumerate(chk.entity_type):
        if kinds and k not in kinds:
            c.problem((*path, "entity_type", i), f"unknown entity type {k!r}"
                      f"{did_you_mean(k, kinds)}", expected=f"one of: {', '.join(kinds)}")
    allowed = frozenset(chk.entity_type)

    def fn(ctx: Ctx, tr: Trace) -> str:
        tr.inputs["entity_type"] = ctx.profile.entity_type
        if ctx.profile.entity_type in allowed:
            return PASS
        tr.needs.append(Need("entity_type", f"open only to: {', '.join(sorted(allowed))}",
                             field="entity_type"))
        return FAIL

    def fast(ctx: Ctx) -> str:
        return PASS if ctx.profile.entity_type in allowed else FAIL

    return _with_fast(fn, fast)


def _declared(c: Compiler, name: str, path: Path) -> None:
    if name not in c.rulebook.attestations:
        c.problem(path, f"attestation {name!r} is not declared"
                  f"{did_you_mean(name, c.rulebook.attestations)}",
                  expected="a name declared under 'attestations'", found=repr(name))


def _statement(a: Any, verb: str, *, with_note: bool = False) -> str:
    """What an attestation says, as the trace shows it."""
    text = (f"{verb if a.holds else 'denies'}, by {a.by} on {a.on.isoformat()}, "
            f"evidence: {a.evidence}")
    return text + (f", note: {a.note}" if with_note and a.note else "")


def attestation(c: Compiler, chk: AttestationCheck, path: Path) -> CheckFn:
    _declared(c, chk.attestation, (*path, "attestation"))
    name = chk.attestation
    key = f"attestations.{name}"

    def fn(ctx: Ctx, tr: Trace) -> str:
        a = ctx.attestations.get(name)
        if a is None:
            tr.inputs[key] = None
            tr.notes.append(f"no attestation {name!r}: an officer must assess this clause")
            return REVIEW
        tr.inputs[key] = _statement(a, "states")
        if a.holds:
            tr.declared.append(name)
            return PASS
        tr.needs.append(Need("attestation", f"the attestation {name!r} states the clause is "
                             "not met; it passes once the applicant can state that it is",
                             field=key))
        return FAIL

    def fast(ctx: Ctx) -> str:
        a = ctx.attestations.get(name)
        return REVIEW if a is None else PASS if a.holds else FAIL

    return _with_fast(fn, fast)


def claimed(c: Compiler, chk: ClaimedCheck, path: Path) -> CheckFn:
    """Only the applicant's own claim opens the condition: no claim, no opening."""
    _declared(c, chk.claimed, (*path, "claimed"))
    name = chk.claimed
    key = f"attestations.{name}"

    def fn(ctx: Ctx, tr: Trace) -> str:
        a = ctx.attestations.get(name)
        if a is None:
            tr.inputs[key] = None
            tr.notes.append(f"no claim {name!r} was made")
            return FAIL
        tr.inputs[key] = _statement(a, "claims", with_note=True)
        return PASS if a.holds else FAIL

    def fast(ctx: Ctx) -> str:
        a = ctx.attestations.get(name)
        return PASS if a is not None and a.holds else FAIL

    return _with_fast(fn, fast)


def in_quarter(c: Compiler, chk: InQuarterCheck, path: Path) -> CheckFn:
    for i, q in enumerate(chk.in_quarter):
        if q not in (1, 2, 3, 4):
            c.problem((*path, "in_quarter", i), "a quarter is 1, 2, 3 or 4", found=repr(q))
    quarters = frozenset(chk.in_quarter)

    def fn(ctx: Ctx, tr: Trace) -> str:
        q = (ctx.applied.month - 1) // 3 + 1
        tr.inputs["application quarter"] = f"{ctx.applied.isoformat()} (Q{q})"
        return PASS if q in quarters else FAIL

    def fast(ctx: Ctx) -> str:
        return PASS if (ctx.applied.month - 1) // 3 + 1 in quarters else FAIL

    return _with_fast(fn, fast)


def outcome(c: Compiler, chk: OutcomeCheck, path: Path) -> CheckFn:
    if chk.outcome not in c.criteria:
        c.problem((*path, "outcome"), f"no criterion {chk.outcome!r} in this designation"
                  f"{did_you_mean(chk.outcome, c.criteria)}",
                  expected=f"one of: {', '.join(c.criteria)}", found=repr(chk.outcome))
    name, wanted = chk.outcome, frozenset(chk.in_)
    c.reads_outcomes = True

    def fn(ctx: Ctx, tr: Trace) -> str:
        got = ctx.results.get(name)
        tr.inputs[f"criterion {name}"] = got
        return PASS if got in wanted else FAIL

    def fast(ctx: Ctx) -> str:
        return PASS if ctx.results.get(name) in wanted else FAIL

    return _with_fast(fn, fast)


def switch(c: Compiler, chk: SwitchCheck, path: Path) -> CheckFn:
    """The reading's chosen option picks the case; the others are compiled (so a mistake in
    them is still reported) but never run, and their readings are not recorded."""
    interp = c.rulebook.interpretations.get(chk.switch)
    if interp is None:
        c.problem((*path, "switch"), f"no interpretation named {chk.switch!r}"
                  f"{did_you_mean(chk.switch, c.rulebook.interpretations)}",
                  expected="a name defined under 'interpretations'", found=repr(chk.switch))
        return _broken
    for opt in interp.options:
        if opt not in chk.cases:
            c.problem((*path, "cases"), f"no case for option {opt!r} of {chk.switch!r}",
                      expected=f"a case for each of: {', '.join(interp.options)}")
    chosen: CheckFn = _broken
    for opt, case in chk.cases.items():
        if opt not in interp.options:
            c.problem((*path, "cases", opt), f"{chk.switch!r} has no option {opt!r}"
                      f"{did_you_mean(opt, interp.options)}", key=True,
                      expected=f"one of: {', '.join(interp.options)}")
            continue
        saved = dict(c.used)
        fn = (_literal(case.holds) if isinstance(case, SwitchCase)
              else compile_check(c, case, (*path, "cases", opt)))
        if opt == interp.use:
            chosen = fn
        else:
            c.used = saved
    if interp.use in interp.options:
        option = interp.options[interp.use]
        c.used[chk.switch] = ReadingUsed(chk.switch, interp.term, interp.use, option.says)
    return chosen


def _literal(holds: bool) -> CheckFn:
    status = PASS if holds else FAIL

    def fn(ctx: Ctx, tr: Trace) -> str:
        return status

    def fast(ctx: Ctx) -> str:
        return status

    return _with_fast(fn, fast)


def review(c: Compiler, chk: ReviewCheck, path: Path) -> CheckFn:
    note = f"{chk.review.en} / {chk.review.zh}"

    def fn(ctx: Ctx, tr: Trace) -> str:
        tr.notes.append(note)
        return REVIEW

    def fast(ctx: Ctx) -> str:
        return REVIEW

    return _with_fast(fn, fast)


# ---- combinators -------------------------------------------------------------------------


def _children(c: Compiler, checks: tuple[Any, ...], path: Path) -> list[CheckFn]:
    return [compile_check(c, child, (*path, i)) for i, child in enumerate(checks)]


def all_of(c: Compiler, chk: AllOf, path: Path) -> CheckFn:
    fns = _children(c, chk.all_of, (*path, "all_of"))
    # An entity_type (or a claim) written first is a guard: for another kind of applicant,
    # or one that made no such claim, the branch is not in play, so its other children are
    # not run (their gaps and notes would be asked of an applicant they do not concern).
    guard = (fns[0] if isinstance(chk.all_of[0], EntityTypeCheck | ClaimedCheck)
             and len(fns) > 1 else None)

    def fn(ctx: Ctx, tr: Trace) -> str:
        if guard is not None and guard(ctx, Trace()) == FAIL:
            return FAIL
        before = len(tr.needs)
        status = _all([f(ctx, tr) for f in fns])  # every child runs: the trace shows all gaps
        if status != FAIL:
            del tr.needs[before:]
        return status

    fast = _deciding(fns, FAIL, FAIL, _all)
    if guard is not None:
        guard_fast, children = fast_of(guard), fast

        def fast(ctx: Ctx) -> str:
            return FAIL if guard_fast(ctx) == FAIL else children(ctx)

    return _with_fast(fn, fast)


def _deciding(fns: list[CheckFn], decisive: str, result: str,
              combine: Callable[[list[str]], str]) -> FastFn:
    """The status alone of a combination: the first child whose status is ``decisive``
    gives ``result`` (Kleene), so the rest need not run; else ``combine`` of them all."""
    fasts = [fast_of(f) for f in fns]

    def fast(ctx: Ctx) -> str:
        statuses = []
        for f in fasts:
            status = f(ctx)
            if status == decisive:
                return result
            statuses.append(status)
        return combine(statuses)

    return fast


def any_of(c: Compiler, chk: AnyOf, path: Path) -> CheckFn:
    fns = _children(c, chk.any_of, (*path, "any_of"))

    def fn(ctx: Ctx, tr: Trace) -> str:
        before = len(tr.needs)
        status = _any([f(ctx, tr) for f in fns])
        options = tr.needs[before:]
        del tr.needs[before:]
        if status == FAIL and options:
            tr.needs.append(options[0] if len(options) == 1 else Need(
                "one_of", "any one of: " + " | ".join(o.text for o in options),
                options=options))
        return status

    return _with_fast(fn, _deciding(fns, PASS, PASS, _any))


def none_of(c: Compiler, chk: NoneOf, path: Path) -> CheckFn:
    fns = _children(c, chk.none_of, (*path, "none_of"))

    def fn(ctx: Ctx, tr: Trace) -> str:
        before = len(tr.needs)
        status = _not(_any([f(ctx, tr) for f in fns]))
        del tr.needs[before:]
        if status == FAIL:
            tr.needs.append(Need("none_of", "none of the listed conditions may hold"))
        return status

    # one that holds decides
    return _with_fast(fn, _deciding(fns, PASS, FAIL, lambda statuses: _not(_any(statuses))))


# ---- comparisons ---------------------------------------------------------------------------

_UNIT_WORDS = {
    Unit.RATIO: "a percentage such as '25%'",
    Unit.YUAN: "an amount with its unit, such as '50万元' or '5000元'",
    Unit.COUNT: "a whole number",
    Unit.DAYS: "a period such as '1 year'",
    Unit.NUMBER: "a number",
}

_UNIT_NAMES = {Unit.RATIO: "percent", Unit.YUAN: "yuan", Unit.COUNT: "whole numbers",
               Unit.DAYS: "days", Unit.NUMBER: "numbers"}

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "at_least": operator.ge, "more_than": operator.gt, "at_most": operator.le,
    "less_than": operator.lt, "equals": operator.eq,
}


_PERIOD_WORD = re.compile(r"\d\s*(day|month|year)")


def _threshold(c: Compiler, spec: Any, path: Path, m: CompiledMeasure
               ) -> tuple[Exact | Period | None, str | None]:
    value, where = c.resolve(spec, path)
    if value is None:
        return None, None
    if m.unit is Unit.DAYS:
        period = parse_period(value)
        if period is None:
            too_long = isinstance(value, str) and _PERIOD_WORD.search(value)
            c.problem(where, (period_problem(value) if too_long else None)
                      or "a duration is compared with a period",
                      expected=_UNIT_WORDS[Unit.DAYS], found=repr(value)[:60])
        return period, str(period) if period else None
    try:
        parsed = parse_quantity(value)
    except ValueError as exc:  # beyond the accepted numbers: say which bound
        c.problem(where, str(exc), found=repr(value)[:60])
        return None, None
    fits = parsed is not None and (
        parsed[1] is m.unit
        or (m.unit is Unit.NUMBER and parsed[1] is not Unit.DAYS)
        or (m.unit is Unit.COUNT and parsed[1] is Unit.COUNT))
    if parsed is None or not fits:
        c.problem(where, f"the threshold does not fit a measure in {_UNIT_NAMES[m.unit]}",
                  expected=_UNIT_WORDS[m.unit], found=repr(value))
        return None, None
    return parsed[0], None


def _gap(op: str, v: Exact, t: Exact, unit: Unit) -> Exact:
    step = Decimal(1) if unit is Unit.COUNT else Decimal(0)
    if op == "at_least":
        return sub(t, v)
    if op == "more_than":
        return add(sub(t, v), step)
    if op == "at_most":
        return sub(v, t)
    if op == "less_than":
        return add(sub(v, t), step)
    d = sub(v, t)
    return d if d >= 0 else sub(t, v)


def _cagr_display(ratio: Exact, years: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 28
        base = ratio if isinstance(ratio, Decimal) else Decimal(ratio.numerator) / ratio.denominator
        return base ** (Decimal(1) / years) - 1


def measure(c: Compiler, chk: Compare, path: Path) -> CheckFn:
    """``measure`` with exactly one comparator (at_least, more_than, at_most, …)."""
    given = [op for op in COMPARATORS if getattr(chk, op) is not None]
    m = compile_measure(c, chk.measure, (*path, "measure"))
    if len(given) != 1:
        c.problem(path, "a comparison needs exactly one comparator",
                  expected=f"one of: {', '.join(COMPARATORS)}",
                  found=", ".join(given) or "none")
        return _broken
    if m is None:
        return _broken
    op = given[0]
    threshold, _text = _threshold(c, getattr(chk, op), (*path, op), m)
    if threshold is None:
        return _broken
    label = chk.label.en if chk.label else m.label
    mfn, unit, compare, advise = m.fn, m.unit, _OPS[op], m.advise
    if isinstance(threshold, Period):
        return _duration_compare(mfn, op, threshold, label)
    t: Exact = threshold
    if m.cagr_years:
        # (x_n/x_1)^(1/k) − 1 ≥ t  ⇔  x_n/x_1 ≥ (1+t)^k: exact, no root taken
        k = m.cagr_years
        bound = power(add(Decimal(1), t), k)

        def cagr_fn(ctx: Ctx, tr: Trace) -> str:
            before = len(tr.missing)
            ratio, years = mfn(ctx, tr)
            if ratio is None:
                status = UNKNOWN if len(tr.missing) > before else REVIEW
                tr.figures.append(Figure(label, None, unit, op, t, status, years=years))
                return status
            g = _cagr_display(ratio, k)
            status = PASS if compare(ratio, bound) else FAIL
            gap = _gap(op, g, t, unit) if status == FAIL else None
            figure = Figure(label, g, unit, op, t, status, gap, years)
            tr.figures.append(figure)
            if status == FAIL:
                _advise(tr, figure, advise, ctx, op, t)
            return status

        cagr_value = fast_measure(m)

        def cagr_fast(ctx: Ctx) -> str:
            v = cagr_value(ctx)
            if v is MISSING:
                return UNKNOWN
            if v is UNDEFINED:
                return REVIEW
            return PASS if compare(v, bound) else FAIL

        return _with_fast(cagr_fn, cagr_fast)

    def fn(ctx: Ctx, tr: Trace) -> str:
        before = len(tr.missing)
        v, years = mfn(ctx, tr)
        if v is None:
            status = UNKNOWN if len(tr.missing) > before else REVIEW
            tr.figures.append(Figure(label, None, unit, op, t, status, years=years))
            return status
        if compare(v, t):
            tr.figures.append(Figure(label, v, unit, op, t, PASS, None, years))
            return PASS
        figure = Figure(label, v, unit, op, t, FAIL, _gap(op, v, t, unit), years)
        tr.figures.append(figure)
        _advise(tr, figure, advise, ctx, op, t)
        return FAIL

    value = fast_measure(m)

    def fast(ctx: Ctx) -> str:
        v = value(ctx)
        if v is MISSING:
            return UNKNOWN
        if v is UNDEFINED:
            return REVIEW
        return PASS if compare(v, t) else FAIL

    ratio = m.fast_ratio
    if ratio is None:
        return _with_fast(fn, fast)
    bound = Fraction(t)  # exact: t is a Decimal, Fraction or int
    ta, tb = bound.numerator, bound.denominator

    def fast_ratio(ctx: Ctx) -> str:
        # num/den op ta/tb  ⇔  num·tb op ta·den  (den, tb > 0): integers only, exact
        r = ratio(ctx)
        if r is None:
            return fast(ctx)
        if r is MISSING:
            return UNKNOWN
        num, den = r
        return PASS if compare(num * tb, ta * den) else FAIL

    return _with_fast(fn, fast_ratio)


def _advise(tr: Trace, f: Figure, advise: Any, ctx: Ctx, op: str, t: Exact) -> None:
    """The numeric need (the gap), then what the measure can say more concretely."""
    bound = display(f.threshold, f.unit) if f.threshold is not None else "?"
    years = f" {f.years}" if f.years else ""
    tr.needs.append(Need("numeric", f"{f.label}{years} must be {COMPARATOR_WORDS[op]} "
                         f"{bound}: {f.gap_text}", field=f.label,
                         comparator=op, target=exact_str(f.threshold) if f.threshold is not None
                         else None, amount=exact_str(f.gap) if f.gap is not None else None,
                         unit=str(f.unit)))
    if advise is not None:
        tr.needs.extend(advise(ctx, op, t))


def _duration_compare(mfn: Any, op: str, period: Period, label: str) -> CheckFn:
    def fn(ctx: Ctx, tr: Trace) -> str:
        days, _ = mfn(ctx, tr)
        if days is None:
            tr.figures.append(Figure(label, None, Unit.DAYS, op, None, UNKNOWN,
                                     threshold_text=str(period)))
            return UNKNOWN
        since = ctx.on - _dt.timedelta(days=int(days))
        end = period_end(since, period)
        ok = {"at_least": end <= ctx.on, "more_than": end < ctx.on,
              "at_most": ctx.on <= end, "less_than": ctx.on < end,
              "equals": end == ctx.on}[op]
        status = PASS if ok else FAIL
        gap = None
        if not ok and op in ("at_least", "more_than"):
            gap = Decimal((end - ctx.on).days + (1 if op == "more_than" else 0))
            from_ = end + _dt.timedelta(days=1 if op == "more_than" else 0)
            tr.needs.append(Need("duration", f"{period} is reached on {end.isoformat()}: "
                                 f"passes from {from_.isoformat()}", date=from_.isoformat(),
                                 amount=exact_str(gap), unit="days"))
        shown = f"{int(days)} days (since {since.isoformat()}; {period} ends {end.isoformat()})"
        tr.figures.append(Figure(label, days, Unit.DAYS, op, None, status, gap,
                                 shown=shown, threshold_text=str(period)))
        return status

    return fn


def _broken(ctx: Ctx, tr: Trace) -> str:  # pragma: no cover - never runs: compile failed
    raise AssertionError("a rulebook with problems is never evaluated")


def trend(c: Compiler, chk: TrendCheck, path: Path) -> CheckFn:
    """Whether a yearly series keeps rising (整体持续增长), read as the method says."""
    info = c.field(chk.trend, (*path, "trend"), ("series",))
    w = _window(c, chk.window, (*path, "window"))
    value, where = c.resolve(chk.method, (*path, "method"))
    if value is not None and value not in TREND_METHODS:
        c.problem(where, f"unknown trend method {value!r}{did_you_mean(str(value), TREND_METHODS)}",
                  expected=f"one of: {', '.join(TREND_METHODS)}", found=repr(value))
        return _broken
    if info is None or w is None or value is None or info.unit is None:
        return _broken
    read, unit, method, name = _series_reader(info), info.unit, str(value), chk.trend
    label = f"trend of {name}"

    def fn(ctx: Ctx, tr: Trace) -> str:
        first, last = _years(w, ctx)
        values = read(ctx, tr, first, last)
        if values is None:
            tr.figures.append(Figure(label, None, unit, None, None, UNKNOWN,
                                     years=(first, last)))
            return UNKNOWN
        strict = all(b > a for a, b in pairwise(values))
        net = values[-1] > values[0]
        if strict:
            status = PASS
        elif method == "strict_increase" or not net:
            status = FAIL
        else:
            status = PASS if method == "net_rise" else REVIEW
        if status == REVIEW:
            tr.notes.append(f"{name} rose overall but not every year: an officer must judge "
                            "whether it is 整体持续增长")
        if status == FAIL:
            _trend_needs(tr, name, unit, values, first, method == "strict_increase")
        tr.figures.append(Figure(label, None, unit, None, None, status,
                                 years=(first, last), series=values))
        return status

    read_fast = _fast_series_reader(info)

    def fast(ctx: Ctx) -> str:
        first, last = _years(w, ctx)
        values = read_fast(ctx, first, last)
        if values is None:
            return UNKNOWN
        if all(b > a for a, b in pairwise(values)):
            return PASS
        if method == "strict_increase" or not values[-1] > values[0]:
            return FAIL
        return PASS if method == "net_rise" else REVIEW

    return _with_fast(fn, fast)


def _trend_needs(tr: Trace, name: str, unit: Unit, values: list[Exact], first: int,
                 strict: bool) -> None:
    """Each year that did not rise must exceed the year before (or, for a net rise, the
    last year must exceed the first)."""
    steps = list(enumerate(pairwise(values))) if strict else [(len(values) - 2,
                                                               (values[0], values[-1]))]
    for i, (a, b) in steps:
        if b > a:
            continue
        year = first + i + 1 if strict else first + len(values) - 1
        since = first + i if strict else first
        tr.needs.append(Need("trend", f"{name} {year} must exceed {display(a, unit)} "
                             f"({since}; it is {display(b, unit)})", field=name, year=year,
                             comparator="more_than", target=exact_str(a), unit=str(unit)))


# ---- lifecycle facts -----------------------------------------------------------------------


def _timeline(ctx: Ctx, tr: Trace) -> Any:
    """The unit's timeline, built once per evaluation; None (recorded) without events."""
    if ctx.events is None:
        tr.missing.append("events")
        return None
    if ctx.timeline is None:
        ctx.timeline = ctx.lifecycle.timeline(ctx.events, ctx.on)
    return ctx.timeline


def _fast_timeline(ctx: Ctx) -> Any:
    """``_timeline`` without recording: None when the profile states no events."""
    if ctx.events is None:
        return None
    if ctx.timeline is None:
        ctx.timeline = ctx.lifecycle.timeline(ctx.events)
    return ctx.timeline


def _cite_words(cite: Any) -> str:
    where = where_words(cite.article, cite.paragraph or None, cite.item or None)
    return f"{where} 「{cite.text}」"


def _need_lifecycle(c: Compiler, path: Path, designation: str) -> None:
    """Lifecycle checks need a lifecycle section and a designation of this rulebook."""
    if c.rulebook.lifecycle is None:
        c.problem(path, "this check reads lifecycle facts, but the rulebook has no "
                  "'lifecycle' section", expected="a 'lifecycle' section")
    if designation not in c.rulebook.designations:
        c.problem(path, f"no designation {designation!r} in this rulebook"
                  f"{did_you_mean(designation, c.rulebook.designations)}",
                  expected=f"one of: {', '.join(c.rulebook.designations)}")


def open_(c: Compiler, chk: OpenCheck, path: Path) -> CheckFn:
    """A period or obligation of the timeline is running on the as-of date: started, not
    closed by then, and not past its last day (one without a last day runs until closed)."""
    if c.rulebook.lifecycle is None:
        c.problem((*path, "open"), "this check reads lifecycle facts, but the rulebook has no "
                  "'lifecycle' section", expected="a 'lifecycle' section")
    name = chk.open

    def fn(ctx: Ctx, tr: Trace) -> str:
        timeline = _timeline(ctx, tr)
        if timeline is None:
            return UNKNOWN
        on = ctx.on
        running = [f for f in timeline.facts
                   if f.name == name and f.kind in ("period", "obligation") and f.start <= on
                   and (f.closed is None or f.closed > on) and (f.due is None or on <= f.due)]
        tr.inputs[f"open {name}"] = len(running)
        for f in running:
            tr.notes.append(f"{name} open since {f.start.isoformat()} by lifecycle rule "
                            f"{f.rule_id} ({_cite_words(f.cite)}), from events "
                            f"{', '.join(f.event_ids)}")
        return PASS if running else FAIL

    return fn


def holds(c: Compiler, chk: HoldsCheck, path: Path) -> CheckFn:
    """The applicant holds a designation that is valid on the as-of date (and, with
    ``for_at_least``, has been valid without a break for at least that period)."""
    long_form = not isinstance(chk.holds, str)
    _need_lifecycle(c, (*path, "holds", "designation") if long_form else (*path, "holds"),
                    chk.designation)
    target = chk.designation
    text = chk.holds.for_at_least if isinstance(chk.holds, HoldsFor) else None
    period = parse_period(text) if text else None

    def fn(ctx: Ctx, tr: Trace) -> str:
        timeline = _timeline(ctx, tr)
        if timeline is None:
            return UNKNOWN
        status_fact = timeline.status(target, ctx.on)
        if status_fact is None:
            tr.inputs[f"designation {target}"] = None
            tr.notes.append(f"no {target} designation in the events")
            tr.needs.append(Need("holds", f"a valid {target} designation is needed: apply for "
                                 f"{target} first", field=target))
            return FAIL
        tr.inputs[f"designation {target}"] = status_fact.value
        end = status_fact.end.isoformat() if status_fact.end else "open"
        version = timeline.version_of(status_fact)
        of = f" of version {version}" if version else ""
        tr.notes.append(
            f"{target}: {status_fact.value} {status_fact.start.isoformat()} – {end}, by "
            f"lifecycle rule {status_fact.rule_id}{of} ({_cite_words(status_fact.cite)}), "
            f"from events {', '.join(status_fact.event_ids)}")
        tr.notes.extend(f"event {e}: {timeline.carried[e]}" for e in status_fact.event_ids
                        if e in timeline.carried)  # a history begun under an older version
        if status_fact.reading:
            tr.notes.append(f"reading {status_fact.reading}")
        if status_fact.value != "valid":
            tr.needs.append(Need("holds", f"a valid {target} designation is needed (it is "
                                 f"{status_fact.value}): apply for {target} first",
                                 field=target))
            return FAIL
        if period is None:
            return PASS
        since = held_since(timeline, target, status_fact)
        tr.inputs[f"{target} held since"] = since.isoformat()
        enough = completed(since, ctx.on, period)
        tr.notes.append(f"{target} held without a break since {since.isoformat()}: "
                        f"{'at least' if enough else 'less than'} {text} on "
                        f"{ctx.on.isoformat()}")
        return PASS if enough else FAIL

    def fast(ctx: Ctx) -> str:
        timeline = _fast_timeline(ctx)
        if timeline is None:
            return UNKNOWN
        status_fact = timeline.status(target, ctx.on)
        if status_fact is None or status_fact.value != "valid":
            return FAIL
        if period is None:
            return PASS
        since = held_since(timeline, target, status_fact)
        return PASS if completed(since, ctx.on, period) else FAIL

    return _with_fast(fn, fast)


def held_since(timeline: Any, designation: str, current: Any) -> _dt.date:
    """The first day of the unbroken run of valid statuses that ends with ``current``
    (a renewal that starts the day after the previous validity ends continues it)."""
    valid = sorted((f for f in timeline.facts if f.kind == "status" and f.value == "valid"
                    and f.designation == designation and f.end is not None
                    and f.end >= f.start), key=lambda f: f.start)
    since: _dt.date = current.start
    changed = True
    while changed:
        changed = False
        for f in valid:
            if f.start < since and f.end is not None and f.end >= since - _dt.timedelta(days=1):
                since = f.start
                changed = True
    return since


def not_barred(c: Compiler, chk: NotBarredCheck, path: Path) -> CheckFn:
    """No bar on applying for the designation is in force on the as-of date."""
    _need_lifecycle(c, (*path, "not_barred"), chk.not_barred)
    target = chk.not_barred

    def fn(ctx: Ctx, tr: Trace) -> str:
        timeline = _timeline(ctx, tr)
        if timeline is None:
            return UNKNOWN
        bars = timeline.bars(target, ctx.on)
        tr.inputs[f"bars on applying for {target}"] = len(bars)
        for bar in bars:
            end = bar.end.isoformat() if bar.end else "open"
            tr.notes.append(f"barred until {end} by lifecycle rule {bar.rule_id} "
                            f"({_cite_words(bar.cite)}), from events {', '.join(bar.event_ids)}")
        if not bars:
            return PASS
        ends = [b.end for b in bars]
        if None in ends:
            tr.needs.append(Need("lookback", f"barred from applying for {target} with no end "
                                 "date", field=target))
        else:
            again = max(e for e in ends if e is not None) + _dt.timedelta(days=1)
            tr.needs.append(Need("lookback", f"eligible again from {again.isoformat()} (the "
                                 "bar ends the day before)", field=target,
                                 date=again.isoformat()))
        return FAIL

    def fast(ctx: Ctx) -> str:
        timeline = _fast_timeline(ctx)
        if timeline is None:
            return UNKNOWN
        return FAIL if timeline.bars(target, ctx.on) else PASS

    return _with_fast(fn, fast)


CHECKS: dict[type, Callable[[Compiler, Any, Path], CheckFn]] = {
    FactCheck: fact, AttestationCheck: attestation, EntityTypeCheck: entity_type,
    CategoryCheck: category, AllOf: all_of, AnyOf: any_of, NoneOf: none_of, Compare: measure,
    TrendCheck: trend, HoldsCheck: holds, ReviewCheck: review, NotBarredCheck: not_barred,
    ClaimedCheck: claimed, OpenCheck: open_, InQuarterCheck: in_quarter, OutcomeCheck: outcome,
    SwitchCheck: switch,
}


def compile_check(c: Compiler, chk: Any, path: Path) -> CheckFn:
    return CHECKS[type(chk)](c, chk, path)


__all__ = ["compile_check", "fast_of"]
