"""A columnar evaluator compiled from the same rulebook: a table of applicants in,
per-criterion status columns, verdicts and gaps (what is missing) out.

The table has one row per applicant and one column per profile value, named as the
decision's trace names it: ``registered_in_beijing``, ``yearly[2022].valid_patents``,
``attestations.ip_strategy`` (true/false; empty = no attestation), ``events`` (a list of
``{id, type, date, designation, details}``; empty cell = not stated), ``entity_type``.
``profiles_to_table`` builds it from profiles; polars, pyarrow and pandas tables and
mappings of columns are accepted.

Exactness: counts and money are compared as integers, rationals by integer
cross-multiplication (numpy int64 when every product provably fits, Python integers
otherwise); no float takes part in any comparison.

What is columnar: facts, categories, entity types, attestations, review, all_of/any_of/
none_of, comparisons of fields, sums and means of yearly series (with their quotient
fallback), trends, event counts for rows whose event list is empty, and lifecycle checks
(holds, not_barred) for rows with no events. Everything else — another check kind, an
exemption or relaxation, a row with events, a money column with fractions — falls back to
the scalar evaluator for that row, so a row's statuses are always those ``check`` gives.
A pure function of one table partition: it runs unchanged under Dask's
``map_partitions`` (see ``library.partitions.evaluate_frame``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

import numpy as np

from .._core.errors import IpdesignateError
from ..decision.trace import FAIL, NOT_APPLICABLE, PASS, REVIEW, UNKNOWN
from ..rulebook.model import (
    AllOf,
    AnyOf,
    AttestationCheck,
    CategoryCheck,
    Compare,
    EntityTypeCheck,
    FactCheck,
    HoldsCheck,
    MeanMeasure,
    NoneOf,
    NotBarredCheck,
    OpenCheck,
    Reading,
    ReviewCheck,
    SumMeasure,
    SwitchCase,
    SwitchCheck,
    TrendCheck,
)

# status codes: the order of Kleene conjunction (all_of = max)
P, R, U, F = 0, 1, 2, 3
STATUS = np.array([PASS, REVIEW, UNKNOWN, FAIL, NOT_APPLICABLE], dtype=object)
_ANY_RANK = np.array([0, 2, 1, 3], dtype=np.int8)  # any_of: pass < unknown < review < fail
_ANY_BACK = np.array([P, U, R, F], dtype=np.int8)
_NEG = np.array([F, R, U, P], dtype=np.int8)
_SAFE = 1 << 20  # products of three such values and a small scale stay below 2**62


class _NotColumnar(Exception):
    """This check (or this table's column types) has no columnar form: fall back."""


@dataclass
class _Out:
    codes: np.ndarray  # int8 status code per row
    fallback: np.ndarray  # bool: rows the columnar form cannot decide
    missing: Callable[[int], list[str]]  # the trace's missing list for one row


class _Table:
    """Columns as numpy arrays, each with a null mask, read once."""

    def __init__(self, frame: Any) -> None:
        import polars as pl

        if isinstance(frame, pl.DataFrame):
            df = frame
        elif hasattr(frame, "to_batches") or type(frame).__module__.startswith("pyarrow"):
            df = pl.from_arrow(frame)  # type: ignore[assignment]
        elif type(frame).__module__.startswith("pandas"):
            df = pl.from_pandas(frame)
        else:
            df = pl.DataFrame(dict(frame), strict=False)
        self.df = df
        self.n = df.height
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def has(self, name: str) -> bool:
        return name in self.df.columns

    def nulls(self, name: str) -> np.ndarray:
        if not self.has(name):
            return np.ones(self.n, dtype=bool)
        return self._get(name)[1]

    def values(self, name: str) -> np.ndarray:
        return self._get(name)[0]

    def _get(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self._cache.get(name)
        if got is None:
            import polars as pl

            s = self.df[name]
            null = s.is_null().to_numpy()
            if s.dtype == pl.Null:  # a column no row fills
                vals = np.zeros(self.n, dtype=np.int64)
            elif s.dtype == pl.Boolean:
                vals = s.fill_null(False).to_numpy()
            elif s.dtype.is_integer():
                vals = s.fill_null(0).cast(pl.Int64).to_numpy()
            elif s.dtype == pl.String:
                vals = s.fill_null("").to_numpy().astype(object)
            elif s.dtype == pl.List:
                vals = s.list.len().fill_null(0).to_numpy()
            elif s.dtype.is_float():
                raise IpdesignateError(
                    f"column {name} holds floating-point numbers: write counts and money as "
                    "integers (or decimals) so that no comparison is made in floats")
            else:
                raise _NotColumnar(f"column {name} of type {s.dtype}")
            got = self._cache[name] = (vals, null)
        return got


def _missing_none(i: int) -> list[str]:
    return []


def _concat(parts: Sequence[_Out]) -> Callable[[int], list[str]]:
    def missing(i: int) -> list[str]:
        out: list[str] = []
        for p in parts:
            out.extend(p.missing(i))
        return out

    return missing


class _Compiler:
    """Turns one compiled designation's checks into columnar functions of a _Table."""

    def __init__(self, rb: Any, designation: str) -> None:
        self.rb = rb
        self.model = rb.model
        self.designation = rb.designation(designation)
        self.fields = rb.vocabulary.readable_fields(self.designation.profile)

    def resolve(self, spec: Any) -> Any:
        if isinstance(spec, Reading):
            interp = self.model.interpretations[spec.reading]
            return interp.options[interp.use].value
        return spec

    def check(self, chk: Any) -> Callable[[_Table, Any], _Out]:
        kind = type(chk)
        if kind is FactCheck:
            return self._fact(chk.fact)
        if kind is CategoryCheck:
            return self._category(chk.category, frozenset(chk.in_))
        if kind is EntityTypeCheck:
            allowed = tuple(chk.entity_type)
            return lambda t, env: _Out(
                np.where(np.isin(t.values("entity_type"), allowed), P, F).astype(np.int8),
                np.zeros(t.n, dtype=bool), _missing_none)
        if kind is AttestationCheck:
            return self._attestation(chk.attestation)
        if kind is ReviewCheck:
            return lambda t, env: _Out(np.full(t.n, R, dtype=np.int8),
                                       np.zeros(t.n, dtype=bool), _missing_none)
        if kind in (AllOf, AnyOf, NoneOf):
            return self._combine(chk)
        if kind is Compare:
            return self._compare(chk)
        if kind is TrendCheck:
            return self._trend(chk)
        if kind in (HoldsCheck, NotBarredCheck, OpenCheck):
            return self._lifecycle(chk)
        if kind is SwitchCheck:  # the reading in force picks the case, as in the scalar path
            interp = self.model.interpretations[chk.switch]
            case = chk.cases[interp.use]
            if isinstance(case, SwitchCase):
                code = P if case.holds else F
                return lambda t, env: _Out(np.full(t.n, code, dtype=np.int8),
                                           np.zeros(t.n, dtype=bool), _missing_none)
            return self.check(case)
        raise _NotColumnar(kind.__name__)

    # -- leaves --

    def _fact(self, name: str) -> Callable[[_Table, Any], _Out]:
        def fn(t: _Table, env: Any) -> _Out:
            null = t.nulls(name)
            if not t.has(name):
                codes = np.full(t.n, U, dtype=np.int8)
            else:
                codes = np.where(null, U, np.where(t.values(name), P, F)).astype(np.int8)
            return _Out(codes, np.zeros(t.n, dtype=bool),
                        lambda i: [name] if null[i] else [])

        return fn

    def _category(self, name: str, allowed: frozenset[str]) -> Callable[[_Table, Any], _Out]:
        def fn(t: _Table, env: Any) -> _Out:
            null = t.nulls(name)
            if not t.has(name):
                codes = np.full(t.n, U, dtype=np.int8)
            else:
                inside = np.isin(t.values(name), list(allowed))
                codes = np.where(null, U, np.where(inside, P, F)).astype(np.int8)
            return _Out(codes, np.zeros(t.n, dtype=bool),
                        lambda i: [name] if null[i] else [])

        return fn

    def _attestation(self, name: str) -> Callable[[_Table, Any], _Out]:
        col = f"attestations.{name}"

        def fn(t: _Table, env: Any) -> _Out:
            if not t.has(col):
                codes = np.full(t.n, R, dtype=np.int8)
            else:
                codes = np.where(t.nulls(col), R, np.where(t.values(col), P, F)).astype(np.int8)
            return _Out(codes, np.zeros(t.n, dtype=bool), _missing_none)

        return fn

    def _combine(self, chk: Any) -> Callable[[_Table, Any], _Out]:
        children = chk.all_of if isinstance(chk, AllOf) else (
            chk.any_of if isinstance(chk, AnyOf) else chk.none_of)
        fns = [self.check(c) for c in children]
        guarded = isinstance(chk, AllOf) and isinstance(children[0], EntityTypeCheck) \
            and len(fns) > 1

        def fn(t: _Table, env: Any) -> _Out:
            parts = [f(t, env) for f in fns]
            stack = np.vstack([p.codes for p in parts])
            fallback = np.logical_or.reduce([p.fallback for p in parts])
            if isinstance(chk, AllOf):
                codes = stack.max(axis=0)
                if guarded:
                    codes = np.where(parts[0].codes == F, F, codes)
            else:
                codes = _ANY_BACK[_ANY_RANK[stack].min(axis=0)]
                if isinstance(chk, NoneOf):
                    codes = _NEG[codes]
            return _Out(codes.astype(np.int8), fallback, _concat(parts))

        return fn

    def _years(self, window: Any, env: Any) -> list[int]:
        w = self.resolve(window)
        years = w["years"] if isinstance(w, dict) else w.years
        ending = w.get("ending", -1) if isinstance(w, dict) else w.ending
        last = env.year + ending
        return list(range(last - years + 1, last + 1))

    def _series(self, t: _Table, name: str, years: list[int]
                ) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                           Callable[[int], list[str]]]:
        """Per year: (numerator, denominator) int arrays (rows with a gap hold 0/1),
        and the trace's missing paths for one row."""
        info = self.fields.get(name)
        quotient = info.quotient if info is not None else None
        out = []
        gaps = []
        for y in years:
            col = f"yearly[{y}].{name}"
            if t.has(col) and not t.nulls(col).all():
                raise_if_not_int(t, col)
            null = t.nulls(col)
            num = t.values(col) if t.has(col) else np.zeros(t.n, dtype=np.int64)
            den = np.ones(t.n, dtype=np.int64)
            if quotient is not None:
                pc, wc = f"yearly[{y}].{quotient.part}", f"yearly[{y}].{quotient.whole}"
                if t.has(pc) and t.has(wc):
                    raise_if_not_int(t, pc)
                    raise_if_not_int(t, wc)
                    usable = null & ~t.nulls(pc) & ~t.nulls(wc) & (t.values(wc) != 0)
                    num = np.where(usable, t.values(pc), num)
                    den = np.where(usable, t.values(wc), den)
                    null = null & ~usable
            out.append((num, den, null))
            gaps.append((f"yearly[{y}].{name}", null))

        def missing(i: int) -> list[str]:
            return [path for path, null in gaps if null[i]]

        return out, missing

    def _compare(self, chk: Compare) -> Callable[[_Table, Any], _Out]:
        from ..rulebook.model import COMPARATORS

        ops = [op for op in COMPARATORS if getattr(chk, op) is not None]
        if len(ops) != 1 or (getattr(chk, "label", None) is None and False):
            raise _NotColumnar("comparison")
        op = ops[0]
        measure = self.resolve(chk.measure)
        if isinstance(measure, dict):
            from .measures import _measure_adapter

            measure = _measure_adapter().validate_python(measure)
        raw = self.resolve(getattr(chk, op))
        from .._core.exact import parse_quantity

        parsed = parse_quantity(raw) if not isinstance(raw, int) else (raw, None)
        if parsed is None:
            raise _NotColumnar("threshold")
        t_ = Fraction(parsed[0])
        cmp = _CMP[op]
        if type(measure).__name__ == "FieldMeasure":
            name = measure.field

            def field_fn(t: _Table, env: Any) -> _Out:
                if t.has(name):
                    raise_if_not_int(t, name)
                null = t.nulls(name)
                vals = t.values(name) if t.has(name) else np.zeros(t.n, dtype=np.int64)
                ok = cmp(vals * t_.denominator, t_.numerator)
                codes = np.where(null, U, np.where(ok, P, F)).astype(np.int8)
                return _Out(codes, np.zeros(t.n, dtype=bool),
                            lambda i: [name] if null[i] else [])

            return field_fn
        if isinstance(measure, SumMeasure):
            names = (measure.sum,) if isinstance(measure.sum, str) else tuple(measure.sum)

            def sum_fn(t: _Table, env: Any) -> _Out:
                years = self._years(measure.window, env)
                null = np.zeros(t.n, dtype=bool)
                parts = []
                nums = []
                for name in names:
                    series, miss = self._series(t, name, years)
                    for num, den, nl in series:
                        if (den != 1).any():
                            raise _NotColumnar("a sum of quotients")
                        nums.append(num)
                        null |= nl
                    parts.append(miss)
                big = max((int(np.abs(a).max(initial=0)) for a in nums), default=0)
                if big >= 1 << 40 or t_.denominator >= _SAFE:
                    nums = [a.astype(object) for a in nums]
                total = sum(nums) if nums else np.zeros(t.n, dtype=np.int64)
                ok = cmp(total * t_.denominator, t_.numerator)
                codes = np.where(null, U, np.where(ok, P, F)).astype(np.int8)

                def missing(i: int) -> list[str]:
                    return [p for m in parts for p in m(i)]

                return _Out(codes, np.zeros(t.n, dtype=bool), missing)

            return sum_fn
        if isinstance(measure, MeanMeasure):
            name = measure.mean

            def mean_fn(t: _Table, env: Any) -> _Out:
                years = self._years(measure.window, env)
                series, miss = self._series(t, name, years)
                null = np.logical_or.reduce([nl for _, _, nl in series])
                nums = [n for n, _, _ in series]
                dens = [d for _, d, _ in series]
                big = max(int(np.abs(a).max(initial=0)) for a in (*nums, *dens))
                if big >= _SAFE or t_.denominator >= _SAFE:
                    nums = [a.astype(object) for a in nums]
                    dens = [a.astype(object) for a in dens]
                # Σ n_i/d_i  op  k·t  ⇔  Σ n_i·Π_{j≠i} d_j · t.den  op  k·t.num·Π d_j
                prod = dens[0]
                for d in dens[1:]:
                    prod = prod * d
                lhs = sum(n * (prod // d) for n, d in zip(nums, dens, strict=True))
                ok = cmp(lhs * t_.denominator, len(years) * t_.numerator * prod)
                codes = np.where(null, U, np.where(ok, P, F)).astype(np.int8)
                return _Out(codes, np.zeros(t.n, dtype=bool), miss)

            return mean_fn
        if type(measure).__name__ == "CountMeasure":
            def count_fn(t: _Table, env: Any) -> _Out:
                # an empty list counts 0 events whatever the filter: columnar; a row with
                # events is counted by the scalar evaluator
                null = t.nulls("events")
                length = t.values("events") if t.has("events") else np.zeros(t.n, np.int64)
                zero_ok = bool(cmp(0, t_.numerator))
                codes = np.where(null, U, P if zero_ok else F).astype(np.int8)
                return _Out(codes, ~null & (length > 0),
                            lambda i: ["events"] if null[i] else [])

            return count_fn
        raise _NotColumnar(type(measure).__name__)

    def _trend(self, chk: TrendCheck) -> Callable[[_Table, Any], _Out]:
        method = str(self.resolve(chk.method))

        def fn(t: _Table, env: Any) -> _Out:
            years = self._years(chk.window, env)
            series, miss = self._series(t, chk.trend, years)
            if any((d != 1).any() for _, d, _ in series):
                raise _NotColumnar("a trend of quotients")
            vals = [n for n, _, _ in series]
            null = np.logical_or.reduce([nl for _, _, nl in series])
            strict = np.logical_and.reduce([b > a for a, b in pairwise(vals)])
            net = vals[-1] > vals[0]
            if method == "strict_increase":
                codes = np.where(strict, P, F)
            elif method == "net_rise":
                codes = np.where(strict | net, P, F)
            else:
                codes = np.where(strict, P, np.where(net, R, F))
            codes = np.where(null, U, codes).astype(np.int8)
            return _Out(codes, np.zeros(t.n, dtype=bool), miss)

        return fn

    def _lifecycle(self, chk: Any) -> Callable[[_Table, Any], _Out]:
        # With no events the timeline is the empty one: one scalar answer for all such rows.
        def fn(t: _Table, env: Any) -> _Out:
            null = t.nulls("events")
            length = t.values("events") if t.has("events") else np.zeros(t.n, np.int64)
            code = env.empty_status(chk)
            codes = np.where(null, U, code).astype(np.int8)
            return _Out(codes, ~null & (length > 0),
                        lambda i: ["events"] if null[i] else [])

        return fn


def raise_if_not_int(t: _Table, name: str) -> None:
    import polars as pl

    if not (t.df[name].dtype.is_integer() or t.df[name].dtype == pl.Null):
        raise _NotColumnar(f"column {name} is not whole numbers")


_CMP: dict[str, Callable[[Any, Any], Any]] = {
    "at_least": lambda a, b: a >= b, "more_than": lambda a, b: a > b,
    "at_most": lambda a, b: a <= b, "less_than": lambda a, b: a < b,
    "equals": lambda a, b: a == b,
}
_CODE = {PASS: P, REVIEW: R, UNKNOWN: U, FAIL: F}
_STATUS_NAMES = [PASS, REVIEW, UNKNOWN, FAIL, NOT_APPLICABLE, "exempt"]
_STATUS_CODE = {s: i for i, s in enumerate(_STATUS_NAMES)}
_VERDICT_NAMES = ["eligible", "ineligible", "undetermined", "needs_review", "suspended"]
_VERDICT_CODE = {s: i for i, s in enumerate(_VERDICT_NAMES)}


class _Enums:
    """The status and verdict names as polars Enum series, made on first use."""

    def __getattr__(self, name: str) -> Any:
        import polars as pl

        names = _STATUS_NAMES if name == "status" else _VERDICT_NAMES
        value = pl.Series(names, dtype=pl.Enum(names))
        setattr(self, name, value)
        return value


_ENUMS = _Enums()


class _Env:
    """What one evaluation shares: the year of the data and the empty-history answers."""

    def __init__(self, rb: Any, on: _dt.date) -> None:
        self.rb = rb
        self.on = on
        self.year = on.year
        self._empty: dict[int, int] = {}

    def empty_status(self, chk: Any) -> int:
        got = self._empty.get(id(chk))
        if got is None:
            from ..decision.trace import Trace
            from .checks import compile_check
            from .compiler import Compiler, Ctx

            try:
                fn = compile_check(Compiler(self.rb.model, None, "<columnar>",
                                            vocabulary=self.rb.vocabulary), chk, ())
                got = _CODE[fn(Ctx(_EmptyEvents(), self.on, self.rb.timelines), Trace())]
            except Exception as exc:  # it reads more than the events: not columnar
                raise _NotColumnar(str(exc)) from exc
            self._empty[id(chk)] = got
        return got


class _EmptyEvents:
    events: list[Any] = []
    attestations: dict[str, Any] = {}


@dataclass
class _Criterion:
    id: str
    applies_to: frozenset[str] | None
    fn: Callable[[_Table, Any], _Out] | None  # None: scalar for every row
    scalar_unless: str | None = None  # exemption: rows not passing; relaxation: failing


class ColumnarDesignation:
    """One designation of one rulebook version, compiled to columnar functions."""

    def __init__(self, rb: Any, designation: str) -> None:
        self.rb = rb
        self.id = designation
        c = _Compiler(rb, designation)
        d = c.designation
        self.criteria: list[_Criterion] = []
        for cc, crit in zip(d.criteria, rb.model.designations[designation].criteria,
                            strict=True):
            fn = None
            try:
                fn = c.check(crit.check)
            except (_NotColumnar, KeyError, AttributeError):
                fn = None
            # an exemption is read when the check does not pass, a relaxation when it
            # fails: those rows go to the scalar path, the others are decided here
            scalar_unless = (PASS if crit.exemption is not None else
                             FAIL if crit.relaxation is not None else None)
            self.criteria.append(_Criterion(cc.id, cc.applies_to, fn, scalar_unless))
        self.suspensions: list[Callable[[_Table, Any], _Out] | None] = []
        for s in rb.model.designations[designation].suspensions:
            try:
                self.suspensions.append(c.check(s.when))
            except (_NotColumnar, KeyError, AttributeError):
                self.suspensions.append(None)
        self.notices = bool(getattr(d, "notices", ()))

    @property
    def columnar_capable(self) -> bool:
        """Every criterion and suspension has a columnar form (rows may still fall back)."""
        return all(c.fn is not None for c in self.criteria) and all(
            s is not None for s in self.suspensions)

    def evaluate(self, table: Any, on: _dt.date) -> Any:
        """A polars DataFrame: one status column per criterion (``not_applicable`` where
        it does not apply), ``verdict``, and ``missing`` (the decision's list)."""
        import polars as pl

        t = _Table(table)
        if not t.has("entity_type"):
            raise IpdesignateError("the table has no entity_type column: each row must say "
                                   "what kind of applicant it is")
        env = _Env(self.rb, on)
        n = t.n
        entity = t.values("entity_type")
        fallback = np.zeros(n, dtype=bool)
        codes: list[np.ndarray] = []
        outs: list[_Out | None] = []
        for cr in self.criteria:
            out = None
            if cr.fn is not None:
                try:
                    out = cr.fn(t, env)
                except _NotColumnar:
                    out = None
            if out is None:
                fallback[:] = True
                codes.append(np.full(n, U, dtype=np.int8))
                outs.append(None)
                continue
            code = out.codes
            if cr.applies_to is not None and entity is not None:
                code = np.where(np.isin(entity, list(cr.applies_to)), code, 4).astype(np.int8)
            fallback |= out.fallback
            if cr.scalar_unless == PASS:
                fallback |= (code != P) & (code != 4)
            elif cr.scalar_unless == FAIL:
                fallback |= code == F
            codes.append(code)
            outs.append(out)
        suspended = np.zeros(n, dtype=bool)
        for s in self.suspensions:
            try:
                out = s(t, env) if s is not None else None
            except _NotColumnar:
                out = None
            if out is None:
                fallback[:] = True
                continue
            fallback |= out.fallback
            suspended |= out.codes == P
        if self.notices:
            pass  # notices do not change statuses, verdicts or gaps
        stack = np.vstack(codes) if codes else np.zeros((0, n), dtype=np.int8)
        decided = np.where(stack == 4, -1, stack).max(axis=0, initial=-1)
        # what the unknown criteria wait for, in criterion order, without repeats: criterion
        # by criterion over its own unknown rows (no per-row pass over every criterion)
        gaps: dict[int, dict[str, None]] = {}
        for code, out in zip(codes, outs, strict=True):
            if out is None:
                continue
            for i in np.nonzero((code == U) & ~fallback)[0].tolist():
                seen = gaps.get(i)
                if seen is None:
                    seen = gaps[i] = {}
                for m in out.missing(i):
                    seen.setdefault(m, None)
        missing: dict[int, list[str]] = {i: list(seen) for i, seen in gaps.items() if seen}
        status_codes = {cr.id: code for cr, code in zip(self.criteria, codes, strict=True)}
        verdict_codes = np.where(suspended, 4, np.where(decided == F, 1, np.where(
            decided == U, 2, np.where(decided == R, 3, 0)))).astype(np.int8)
        errors: dict[int, str] = {}
        if t.has("application_date"):  # the data years follow the application date
            dates = t.df["application_date"]
            if dates.dtype == pl.Date:
                fallback |= (dates.dt.year().fill_null(on.year) != on.year).to_numpy()
        if fallback.any():
            self._scalar_rows(t, on, np.nonzero(fallback)[0], status_codes, verdict_codes,
                              missing, errors)
        out_frame: dict[str, Any] = {k: _coded(_ENUMS.status, c)
                                     for k, c in status_codes.items()}
        out_frame["verdict"] = _coded(_ENUMS.verdict, verdict_codes)
        out_frame["missing"] = _lists(n, missing)
        out_frame["error"] = pl.Series("error", [errors.get(i) for i in range(n)]
                                       if errors else [None] * n, dtype=pl.String)
        return pl.DataFrame(out_frame)

    def _scalar_rows(self, t: _Table, on: _dt.date, rows: np.ndarray,
                     status: dict[str, np.ndarray], verdict: np.ndarray,
                     missing: dict[int, list[str]], errors: dict[int, str]) -> None:
        """Rows the columnar form cannot decide: the scalar evaluator, on the profile the
        row describes (the very code ``check`` runs)."""
        from ..applicant.load import parse_profile

        records = t.df[[int(i) for i in rows]].to_dicts()
        for i, rec in zip(rows, records, strict=True):
            try:
                profile = parse_profile(row_profile(rec, self.rb.designation(self.id).profile))
                d = self.rb.evaluate(profile, self.id, on)
            except IpdesignateError as exc:  # an error is a value: the row says why
                errors[int(i)] = str(exc)
                verdict[i] = -1
                for cr in self.criteria:
                    status[cr.id][i] = -1
                missing.pop(int(i), None)
                continue
            for r in d.criteria:
                status[r.id][i] = _STATUS_CODE[r.status]
            verdict[i] = _VERDICT_CODE[d.verdict]
            if d.missing:
                missing[int(i)] = list(d.missing)
            else:
                missing.pop(int(i), None)


def _coded(names: Any, codes: np.ndarray) -> Any:
    """An Enum column from small integer codes (-1: null), gathered, not built per row."""
    out = names.gather(np.where(codes < 0, 0, codes))
    if (codes < 0).any():
        out = out.scatter(np.nonzero(codes < 0)[0], None)
    return out


def _lists(n: int, missing: dict[int, list[str]]) -> Any:
    """A list-of-strings column, empty for most rows, built from offsets."""
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped]

    lengths = np.zeros(n, dtype=np.int32)
    values: list[str] = []
    for i in sorted(missing):
        lengths[i] = len(missing[i])
        values.extend(missing[i])
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    arr = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.string()))
    return pl.Series("missing", arr)


def row_profile(rec: dict[str, Any], kind: str) -> dict[str, Any]:
    """The profile document one table row describes."""
    data: dict[str, Any] = {"kind": kind, "name": rec.get("name") or "row"}
    yearly: dict[int, dict[str, Any]] = {}
    attestations: dict[str, Any] = {}
    for key, value in rec.items():
        if value is None or key == "name":
            continue
        if key.startswith("yearly["):
            year, field = key[7:].split("].", 1)
            yearly.setdefault(int(year), {})[field] = value
        elif key.startswith("attestations."):
            attestations[key[13:]] = {"holds": bool(value), "by": "table", "on": "2000-01-01",
                                      "evidence": "table"}
        elif key == "events":
            data["events"] = [{k: v for k, v in e.items() if v is not None} for e in value]
        else:
            data[key] = value
    if yearly:
        data["yearly"] = yearly
    if attestations:
        data["attestations"] = attestations
    return data


def profiles_to_table(profiles: Sequence[Any]) -> Any:
    """A polars table of ``profiles``, in the column layout ``evaluate`` reads."""
    import polars as pl

    rows: list[dict[str, Any]] = []
    for p in profiles:
        row: dict[str, Any] = {"name": p.name, "entity_type": p.entity_type}
        for field in type(p).model_fields:
            if field in ("kind", "name", "entity_type", "yearly", "events", "attestations"):
                continue
            v = getattr(p, field)
            if isinstance(v, bool | int | str | _dt.date) or v is None:
                row[field] = v
        for year, rec in (getattr(p, "yearly", None) or {}).items():
            for field in type(rec).model_fields:
                v = getattr(rec, field)
                if isinstance(v, Decimal):
                    v = int(v) if v == v.to_integral_value() else str(v)
                row[f"yearly[{year}].{field}"] = v
        for name, a in p.attestations.items():
            row[f"attestations.{name}"] = a.holds
        events = p.events
        row["events"] = None if events is None else [
            {"id": e.id, "type": e.type, "date": e.date,
             "designation": e.designation} for e in events]
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


__all__ = ["ColumnarDesignation", "profiles_to_table", "row_profile"]
