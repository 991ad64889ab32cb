"""A columnar evaluator compiled from the same rulebook: a table of applicants in,
per-criterion status columns, priority-factor columns, verdicts and gaps (what is missing)
out.

The table has one row per applicant and one column per profile value, named as the
decision's trace names it: ``registered_in_beijing``, ``yearly[2022].valid_patents``,
``attestations.ip_strategy`` (true/false; empty = no attestation), ``events`` (a list of
``{id, type, date, designation, details}``; empty cell = not stated), ``entity_type``.
``profiles_to_table`` builds it from profiles; polars, pyarrow and pandas tables and
mappings of columns are accepted.

Exactness: counts and money are compared as integers, rationals by integer
cross-multiplication; no float takes part in any comparison. An integer compared with a
rational threshold is compared with the threshold's floor or ceiling (``v ≥ t ⇔ v ≥ ⌈t⌉``),
so no product is formed at all; a sum uses int64 only when the sum of the columns' largest
magnitudes fits, and a mean of quotients only when the bound of every cross-product fits
(computed in Python integers from the columns' actual maxima); otherwise the same
arithmetic runs on Python integers.

Speed: every step is a whole-column numpy or polars operation, including the ``missing``
lists (built from per-path masks and offsets, never row by row); only the rows the columnar
form cannot decide go through Python, one scalar evaluation each.

What is columnar: facts, categories, entity types, attestations and claims, review, all_of/any_of/
none_of, comparisons of fields, sums and means of yearly series (with their quotient
fallback), shares (of two fields, pooled over a window, or the mean of yearly shares),
growth (mean of year-on-year ratios, or CAGR compared as x_n/x_1 against (1+t)^k), the
time since a date against a period (computed once per distinct date), trends,
event counts for rows whose event list is empty, and lifecycle checks (holds, not_barred,
open) for rows with no events. Everything else falls back to the scalar
evaluator: a check kind without a columnar form (for every row), and, row by row, an
exemption or relaxation that would be read, a row with events, an application year other
than the as-of year, an entity type the designation is not open to, a negative figure or a
category outside the vocabulary's choices (the scalar path says what is wrong). So a row's
statuses are always those ``check`` gives.

A pure function of one table partition: it runs unchanged under Dask's
``map_partitions`` (see ``library.partitions.evaluate_frame``).
"""

from __future__ import annotations

import datetime as _dt
import json
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
    ClaimedCheck,
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

# status codes (the order of the output Enum); P < R < U < F is Kleene conjunction (max)
P, R, U, F, NA, EX = 0, 1, 2, 3, 4, 5
_ANY_RANK = np.array([0, 2, 1, 3], dtype=np.int8)  # any_of: pass < unknown < review < fail
_ANY_BACK = np.array([P, U, R, F], dtype=np.int8)
_NEG = np.array([F, R, U, P], dtype=np.int8)
_VERDICT_OF = np.array([0, 3, 2, 1], dtype=np.int8)  # pass, review, unknown, fail -> verdict
_DECIDES = np.array([P, R, U, F, P, P], dtype=np.int8)  # not_applicable/exempt: as a pass
_I64 = (1 << 63) - 1

Gap = tuple[str, np.ndarray]  # a path the trace would name, and the rows where it is missing


class _NotColumnar(Exception):
    """This check (or this table's column types) has no columnar form: fall back."""


@dataclass(slots=True)
class _Out:
    codes: np.ndarray  # int8 status code per row
    fallback: np.ndarray | None = None  # bool: rows the columnar form cannot decide
    gaps: tuple[Gap, ...] = ()  # in the trace's order: what an unknown row is missing


def _status(ok: np.ndarray, null: np.ndarray | None = None, unknown: int = U) -> np.ndarray:
    """int8 codes: pass where ``ok``, fail elsewhere, ``unknown`` where ``null``
    (arithmetic and putmask: ``np.where`` on random masks is several times slower)."""
    codes: np.ndarray = np.logical_not(ok).view(np.int8) * np.int8(F)  # P is 0
    if null is not None:
        np.putmask(codes, null, unknown)
    return codes


def _full(n: int, code: int) -> np.ndarray:
    return np.full(n, code, dtype=np.int8)


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    out: np.ndarray = a | b
    return out


class _Table:
    """Columns as numpy arrays, each with a null mask, read once. Strings stay in polars
    (membership is asked of polars, never of Python string objects)."""

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
        # pandas holds dates as datetime64: a column of midnights is a column of days
        days = [c for c, dtype in df.schema.items() if isinstance(dtype, pl.Datetime)
                and df[c].drop_nulls().dt.time().eq(_dt.time(0)).all()]
        if days:
            df = df.with_columns(pl.col(c).cast(pl.Date) for c in days)
        self.df = df
        self.n = df.height
        self.names = frozenset(df.columns)
        self.bad: np.ndarray | None = None  # rows with a value the scalar path must judge
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._isin: dict[tuple[str, frozenset[str]], np.ndarray] = {}
        self._string_ids: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._ones: np.ndarray | None = None

    def has(self, name: str) -> bool:
        return name in self.names

    def all_null(self) -> np.ndarray:
        if self._ones is None:
            self._ones = np.ones(self.n, dtype=bool)
        return self._ones

    def nulls(self, name: str) -> np.ndarray:
        if not self.has(name):
            return self.all_null()
        return self._get(name)[1]

    def values(self, name: str) -> np.ndarray:
        return self._get(name)[0]

    def mark_bad(self, rows: np.ndarray) -> None:
        if rows.any():
            self.bad = rows if self.bad is None else self.bad | rows

    def isin(self, name: str, allowed: frozenset[str]) -> np.ndarray:
        """Rows whose string value is one of ``allowed`` (null rows: False)."""
        key = (name, allowed)
        got = self._isin.get(key)
        if got is None:
            ids, known = self._strings(name)
            lookup = np.zeros(len(known) + 1, dtype=bool)  # the last slot: null
            for i, value in enumerate(known):
                lookup[i] = value in allowed
            got = self._isin[key] = lookup[ids]
        return got

    def _strings(self, name: str) -> tuple[np.ndarray, list[str]]:
        """A string column as small integer ids (one hashing pass, however many sets are
        asked about) and the distinct values; null rows get the id ``len(values)``."""
        got = self._string_ids.get(name)
        if got is None:
            import polars as pl

            s = self.df[name]
            if s.dtype == pl.Null:
                got = (np.zeros(self.n, dtype=np.int64), [])
            elif s.dtype in (pl.String, pl.Categorical) or isinstance(s.dtype, pl.Enum):
                cat = s.cast(pl.String).cast(pl.Categorical)
                phys = cat.to_physical()
                uniq = cat.unique().drop_nulls()
                ids = uniq.to_physical().to_list()
                values = uniq.cast(pl.String).to_list()
                if max(ids, default=0) > 4 * self.n + 4096:  # a process-wide id space: hash
                    got = (s.cast(pl.String).replace_strict(
                        values, list(range(len(values))), default=len(values),
                        return_dtype=pl.Int64).to_numpy(), values)
                else:
                    remap = np.full(max(ids, default=0) + 2, len(values), dtype=np.int64)
                    remap[ids] = np.arange(len(values))
                    got = (remap[phys.fill_null(len(remap) - 1).to_numpy()], values)
            else:
                raise _NotColumnar(f"column {name} of type {s.dtype}")
            self._string_ids[name] = got
        return got

    def _get(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self._cache.get(name)
        if got is None:
            import polars as pl

            s = self.df[name]
            if s.dtype == pl.Null:  # a column no row fills
                got = (np.zeros(self.n, dtype=np.int64), self.all_null())
            elif s.dtype == pl.Boolean:
                got = _arrow_bools(s)
            elif s.dtype.is_integer():
                if s.dtype == pl.UInt64 and s.max() is not None and s.max() > _I64:  # type: ignore[operator]
                    raise _NotColumnar(f"column {name} beyond int64")
                got = _arrow_ints(s if s.dtype == pl.Int64 else s.cast(pl.Int64))
                self.mark_bad(got[0] < 0)  # counts and money are never negative: scalar says
            elif s.dtype == pl.List:
                got = _arrow_lengths(s)
            elif s.dtype.is_float():
                raise IpdesignateError(
                    f"column {name} holds floating-point numbers: write counts and money as "
                    "integers (or decimals) so that no comparison is made in floats")
            else:
                raise _NotColumnar(f"column {name} of type {s.dtype}")
            self._cache[name] = got
        return got

    def integers(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(values, null mask) of a whole-number column; an absent column is all null."""
        if not self.has(name):
            return np.zeros(self.n, dtype=np.int64), self.all_null()
        import polars as pl

        dtype = self.df[name].dtype
        if not (dtype.is_integer() or dtype == pl.Null):
            raise _NotColumnar(f"column {name} is not whole numbers")
        return self._get(name)


def _arrow(s: Any) -> Any:
    arr = (s.rechunk() if s.n_chunks() > 1 else s).to_arrow()
    return arr.combine_chunks() if hasattr(arr, "combine_chunks") else arr


def _bits(buf: Any, offset: int, n: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(buf, dtype=np.uint8), count=offset + n,
                         bitorder="little")[offset:].view(bool)


def _arrow_bools(s: Any) -> tuple[np.ndarray, np.ndarray]:
    """(values with False under nulls, null mask), read from the Arrow bitmaps."""
    arr = _arrow(s)
    validity, data = arr.buffers()[:2]
    n, off = len(arr), arr.offset
    vals = _bits(data, off, n)
    if validity is None:
        return vals, np.zeros(n, dtype=bool)
    valid = _bits(validity, off, n)
    return vals & valid, ~valid


def _arrow_ints(s: Any) -> tuple[np.ndarray, np.ndarray]:
    """(int64 values with 0 under nulls, null mask), the values buffer read in place."""
    arr = _arrow(s)
    validity, data = arr.buffers()[:2]
    n, off = len(arr), arr.offset
    vals = np.frombuffer(data, dtype=np.int64, count=off + n)[off:]
    if validity is None or arr.null_count == 0:
        return vals, np.zeros(n, dtype=bool)
    null = ~_bits(validity, off, n)
    vals = vals.copy()
    np.putmask(vals, null, 0)  # Arrow leaves the slots under nulls undefined
    return vals, null


def _arrow_lengths(s: Any) -> tuple[np.ndarray, np.ndarray]:
    """(list lengths with 0 under nulls, null mask), from the Arrow offsets."""
    import pyarrow as pa  # type: ignore[import-untyped]

    arr = _arrow(s)
    n, off = len(arr), arr.offset
    if not (pa.types.is_large_list(arr.type) or pa.types.is_list(arr.type)):
        return s.list.len().fill_null(0).to_numpy(), s.is_null().to_numpy()
    width = np.int64 if pa.types.is_large_list(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width, count=off + n + 1)[off:]
    lengths = np.diff(offsets).astype(np.int64)
    validity = arr.buffers()[0]
    if validity is None or arr.null_count == 0:
        return lengths, np.zeros(n, dtype=bool)
    null = ~_bits(validity, off, n)
    np.putmask(lengths, null, 0)
    return lengths, null


def _floor_ceil_cmp(vals: np.ndarray, op: str, t: Fraction) -> np.ndarray:
    """``vals op t`` for integer ``vals`` and a rational ``t``, exactly and without any
    product: v ≥ t ⇔ v ≥ ⌈t⌉, v > t ⇔ v > ⌊t⌋, v ≤ t ⇔ v ≤ ⌊t⌋, v < t ⇔ v < ⌈t⌉."""
    floor = t.numerator // t.denominator
    ceil = -((-t.numerator) // t.denominator)
    if op == "equals":
        if t.denominator != 1:
            return np.zeros(vals.shape, dtype=bool)
        k, cmp = floor, _CMP[op]
    elif op in ("at_least", "less_than"):
        k, cmp = ceil, _CMP[op]
    else:
        k, cmp = floor, _CMP[op]
    if vals.dtype != object and not -_I64 <= k <= _I64:  # beyond every int64 value
        above = k > 0
        const = {"at_least": not above, "more_than": not above, "at_most": above,
                 "less_than": above, "equals": False}[op]
        return np.full(vals.shape, const, dtype=bool)
    return np.asarray(cmp(vals, k), dtype=bool)


def _max_abs(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    return max(abs(int(a.max())), abs(int(a.min())))

def _ratio_sum_cmp(nums: list[np.ndarray], dens: list[np.ndarray], op: str,
                   coef: Fraction) -> np.ndarray:
    """``Σ nums[i]/dens[i]  op  coef`` row by row, exactly, for positive denominators:
    ``coef.den·Σ n_i·Π_{j≠i} d_j  op  coef.num·Π d_j``. int64 only when the bound of every
    term, computed in Python integers from the columns' maxima, fits; else Python integers."""
    k = len(nums)
    nmax = max(_max_abs(a) for a in nums)
    dmax = max(_max_abs(a) for a in dens)
    lhs_bound = k * nmax * dmax ** (k - 1) * coef.denominator
    rhs_bound = abs(coef.numerator) * dmax ** k
    if max(lhs_bound, rhs_bound) > _I64:
        nums = [a.astype(object) for a in nums]
        dens = [a.astype(object) for a in dens]
    lhs: Any = None
    for i, n_i in enumerate(nums):
        term = n_i
        for j, d_j in enumerate(dens):
            if j != i:
                term = term * d_j
        lhs = term if lhs is None else lhs + term
    prod = dens[0]
    for d in dens[1:]:
        prod = prod * d
    return np.asarray(_CMP[op](lhs * coef.denominator, coef.numerator * prod), dtype=bool)


def _summed(arrays: list[np.ndarray]) -> np.ndarray:
    """The row sums, in int64 when the sum of the largest magnitudes fits, else exactly."""
    if sum(_max_abs(a) for a in arrays) > _I64:
        arrays = [a.astype(object) for a in arrays]
    total = arrays[0].copy()
    for a in arrays[1:]:
        total = total + a
    return total



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
            allowed = frozenset(chk.entity_type)
            return lambda t, env: _Out(_status(t.isin("entity_type", allowed)))
        if kind is AttestationCheck:
            return self._attestation(chk.attestation)
        if kind is ClaimedCheck:  # only a stated claim opens it: absent or denied fails
            col = f"attestations.{chk.claimed}"
            return lambda t, env: _Out(_status(t._get(col)[0]) if t.has(col)
                                       else _full(t.n, F))
        if kind is ReviewCheck:
            return lambda t, env: _Out(_full(t.n, R))
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
                return lambda t, env: _Out(_full(t.n, code))
            return self.check(case)
        raise _NotColumnar(kind.__name__)

    # -- leaves --

    def _fact(self, name: str) -> Callable[[_Table, Any], _Out]:
        def fn(t: _Table, env: Any) -> _Out:
            if not t.has(name):
                return _Out(_full(t.n, U), None, ((name, t.all_null()),))
            vals, null = t._get(name)
            if vals.dtype != bool:
                raise _NotColumnar(f"column {name} is not true/false")
            return _Out(_status(vals, null), None, ((name, null),))

        return fn

    def _category(self, name: str, allowed: frozenset[str]) -> Callable[[_Table, Any], _Out]:
        info = self.fields.get(name)
        choices = frozenset(info.choices) if info is not None and info.choices else None

        def fn(t: _Table, env: Any) -> _Out:
            if not t.has(name):
                return _Out(_full(t.n, U), None, ((name, t.all_null()),))
            ids, values = t._strings(name)
            null = ids == len(values)
            if choices is not None:  # a value the vocabulary does not allow: scalar says so
                t.mark_bad(~null & ~t.isin(name, choices))
            return _Out(_status(t.isin(name, allowed), null), None, ((name, null),))

        return fn

    def _attestation(self, name: str) -> Callable[[_Table, Any], _Out]:
        col = f"attestations.{name}"

        def fn(t: _Table, env: Any) -> _Out:
            if not t.has(col):
                return _Out(_full(t.n, R))
            vals, null = t._get(col)
            if vals.dtype != bool:
                raise _NotColumnar(f"column {col} is not true/false")
            return _Out(_status(vals, null, unknown=R))

        return fn

    def _combine(self, chk: Any) -> Callable[[_Table, Any], _Out]:
        children = chk.all_of if isinstance(chk, AllOf) else (
            chk.any_of if isinstance(chk, AnyOf) else chk.none_of)
        fns = [self.check(c) for c in children]
        # an entity_type or a claim written first guards the branch: where it fails, the
        # other children are not run (the scalar path asks nothing of them there)
        guarded = isinstance(chk, AllOf) and isinstance(
            children[0], EntityTypeCheck | ClaimedCheck) and len(fns) > 1
        is_all, is_none = isinstance(chk, AllOf), isinstance(chk, NoneOf)

        def fn(t: _Table, env: Any) -> _Out:
            parts = [f(t, env) for f in fns]
            fallback = None
            for p in parts:
                fallback = _either(fallback, p.fallback)
            if is_all:
                codes = parts[0].codes.copy()
                for p in parts[1:]:
                    np.maximum(codes, p.codes, out=codes)
                if guarded:
                    shut = parts[0].codes == F
                    codes[shut] = F
                    return _Out(codes, fallback, tuple(
                        (path, m & ~shut) for p in parts for path, m in p.gaps))
            else:
                rank = _ANY_RANK[parts[0].codes]
                for p in parts[1:]:
                    np.minimum(rank, _ANY_RANK[p.codes], out=rank)
                codes = _ANY_BACK[rank]
                if is_none:
                    codes = _NEG[codes]
            return _Out(codes, fallback, tuple(g for p in parts for g in p.gaps))

        return fn

    def _years(self, window: Any, env: Any) -> list[int]:
        w = self.resolve(window)
        years = w["years"] if isinstance(w, dict) else w.years
        ending = w.get("ending", -1) if isinstance(w, dict) else w.ending
        last = env.year + ending
        return list(range(last - years + 1, last + 1))

    def _series(self, t: _Table, name: str, years: list[int]
                ) -> tuple[list[tuple[np.ndarray, np.ndarray | None, np.ndarray]], list[Gap]]:
        """Per year: (numerator, denominator or None for 1, null mask) — rows with a gap
        hold 0 — and the trace's missing paths with their masks."""
        info = self.fields.get(name)
        quotient = info.quotient if info is not None else None
        out: list[tuple[np.ndarray, np.ndarray | None, np.ndarray]] = []
        gaps: list[Gap] = []
        for y in years:
            col = f"yearly[{y}].{name}"
            num, null = t.integers(col)
            den = None
            if quotient is not None:
                pc, wc = f"yearly[{y}].{quotient.part}", f"yearly[{y}].{quotient.whole}"
                if t.has(pc) and t.has(wc):
                    pv, pn = t.integers(pc)
                    wv, wn = t.integers(wc)
                    usable = null & ~pn & ~wn & (wv != 0)
                    if usable.any():
                        num = num.copy()
                        np.copyto(num, pv, where=usable)
                        den = np.ones(t.n, dtype=np.int64)
                        np.copyto(den, wv, where=usable)
                        null = null & ~usable
            out.append((num, den, null))
            gaps.append((col, null))
        return out, gaps

    def _compare(self, chk: Compare) -> Callable[[_Table, Any], _Out]:
        from ..rulebook.model import COMPARATORS

        ops = [op for op in COMPARATORS if getattr(chk, op) is not None]
        if len(ops) != 1:
            raise _NotColumnar("comparison")
        op = ops[0]
        measure = self.resolve(chk.measure)
        if isinstance(measure, dict):
            from .measures import _measure_adapter

            measure = _measure_adapter().validate_python(measure)
        raw = self.resolve(getattr(chk, op))
        if type(measure).__name__ == "DurationMeasure":
            return self._duration(measure.duration, op, raw)
        from .._core.exact import parse_quantity

        parsed = parse_quantity(raw) if not isinstance(raw, int) else (raw, None)
        if parsed is None:
            raise _NotColumnar("threshold")
        thr = Fraction(parsed[0])
        if type(measure).__name__ == "FieldMeasure":
            name = measure.field

            def field_fn(t: _Table, env: Any) -> _Out:
                vals, null = t.integers(name)
                return _Out(_status(_floor_ceil_cmp(vals, op, thr), null), None,
                            ((name, null),))

            return field_fn
        if isinstance(measure, SumMeasure):
            names = (measure.sum,) if isinstance(measure.sum, str) else tuple(measure.sum)

            def sum_fn(t: _Table, env: Any) -> _Out:
                years = self._years(measure.window, env)
                nums: list[np.ndarray] = []
                gaps: list[Gap] = []
                for name in names:
                    series, g = self._series(t, name, years)
                    for num, den, _ in series:
                        if den is not None:
                            raise _NotColumnar("a sum of quotients")
                        nums.append(num)
                    gaps += g
                null = np.logical_or.reduce([m for _, m in gaps]) if gaps else None
                if sum(_max_abs(a) for a in nums) > _I64:  # the int64 sum could overflow
                    nums = [a.astype(object) for a in nums]
                total = nums[0].copy() if nums else np.zeros(t.n, dtype=np.int64)
                for a in nums[1:]:
                    total += a
                return _Out(_status(_floor_ceil_cmp(total, op, thr), null), None,
                            tuple(gaps))

            return sum_fn
        if isinstance(measure, MeanMeasure):
            name = measure.mean

            def mean_fn(t: _Table, env: Any) -> _Out:
                years = self._years(measure.window, env)
                series, gaps = self._series(t, name, years)
                k = len(years)
                null = np.logical_or.reduce([nl for _, _, nl in series])
                nums = [s[0] for s in series]
                if all(s[1] is None for s in series):  # mean ≥ t ⇔ Σ ≥ k·t: no product
                    if sum(_max_abs(a) for a in nums) > _I64:
                        nums = [a.astype(object) for a in nums]
                    total = nums[0].copy()
                    for a in nums[1:]:
                        total += a
                    ok = _floor_ceil_cmp(total, op, thr * k)
                    return _Out(_status(ok, null), None, tuple(gaps))
                ones = np.ones(t.n, dtype=np.int64)
                dens = [ones if s[1] is None else s[1] for s in series]
                ok = _ratio_sum_cmp(nums, dens, op, thr * k)
                return _Out(_status(ok, null), None, tuple(gaps))

            return mean_fn
        if type(measure).__name__ == "ShareMeasure":
            return self._share(measure, op, thr)
        if type(measure).__name__ == "GrowthMeasure":
            return self._growth(measure, op, thr)
        if type(measure).__name__ == "CountMeasure":
            zero_ok = bool(_CMP[op](0, thr))

            def count_fn(t: _Table, env: Any) -> _Out:
                # an empty list counts 0 events whatever the filter: columnar; a row with
                # events is counted by the scalar evaluator
                null = t.nulls("events")
                length = t.values("events") if t.has("events") else None
                codes = _full(t.n, P if zero_ok else F)
                np.putmask(codes, null, U)
                return _Out(codes, None if length is None else ~null & (length > 0),
                            (("events", null),))

            return count_fn
        raise _NotColumnar(type(measure).__name__)

    def _duration(self, name: str, op: str, raw: Any) -> Fn:
        """Time since a date field against a period, as the scalar path counts it (the
        period's last day from the date, calendar rules included), once per distinct date."""
        from .._core.periods import parse_period, period_end

        period = parse_period(raw)
        if period is None:
            raise _NotColumnar("a duration threshold")
        ok_on: Callable[[_dt.date, _dt.date], bool] = {
            "at_least": lambda end, on: end <= on, "more_than": lambda end, on: end < on,
            "at_most": lambda end, on: on <= end, "less_than": lambda end, on: on < end,
            "equals": lambda end, on: end == on}[op]

        def fn(t: _Table, env: Any) -> _Out:
            import polars as pl

            if not t.has(name):
                return _Out(_full(t.n, U), None, ((name, t.all_null()),))
            s = t.df[name]
            if s.dtype != pl.Date:
                raise _NotColumnar(f"column {name} is not dates")
            null = s.is_null().to_numpy()
            days = s.unique().drop_nulls().to_list()
            try:
                answers = [bool(ok_on(period_end(d, period), env.on)) for d in days]
            except Exception as exc:  # a calendar the scalar path would name: let it say so
                raise _NotColumnar(str(exc)) from exc
            ok = s.replace_strict(days, answers, default=False, return_dtype=pl.Boolean) \
                .fill_null(False).to_numpy() if days else np.zeros(t.n, dtype=bool)
            return _Out(_status(ok, null), None, ((name, null),))

        return fn

    def _plain_series(self, t: _Table, name: str, years: list[int]
                      ) -> tuple[list[np.ndarray], np.ndarray, list[Gap]]:
        """A yearly series read without a quotient fallback: values, null mask, gaps."""
        series, gaps = self._series(t, name, years)
        if any(d is not None for _, d, _ in series):
            raise _NotColumnar(f"{name} read through its quotient")
        return [v for v, _, _ in series], np.logical_or.reduce([m for _, m in gaps]), gaps

    def _share(self, m: Any, op: str, thr: Fraction) -> Fn:
        """part/whole: of two fields, pooled over a window (Σ part / Σ whole), or the mean of
        the yearly shares; a whole of 0 makes the share undefined (review, as the scalar
        path says), a missing figure makes it unknown."""
        pname, wname = m.share.part, m.share.whole
        if m.window is None:
            def fields_fn(t: _Table, env: Any) -> _Out:
                p, pn = t.integers(pname)
                q, qn = t.integers(wname)
                zero = q == 0
                ok = _ratio_sum_cmp([p], [np.where(zero, 1, q)], op, thr)
                codes = _status(ok)
                np.putmask(codes, zero, R)
                np.putmask(codes, pn | qn, U)
                return _Out(codes, None, ((pname, pn), (wname, qn)))

            return fields_fn
        method = str(self.resolve(m.method)) if m.method is not None else "pooled"

        def window_fn(t: _Table, env: Any) -> _Out:
            years = self._years(m.window, env)
            ps, pnull, pgaps = self._plain_series(t, pname, years)
            ws, wnull, wgaps = self._plain_series(t, wname, years)
            if method == "pooled":
                whole = _summed(ws)
                zero = whole == 0
                ok = _ratio_sum_cmp([_summed(ps)], [np.where(zero, 1, whole)], op, thr)
            elif method == "mean_of_yearly":
                zero = np.logical_or.reduce([w == 0 for w in ws])
                ok = _ratio_sum_cmp(ps, [np.where(zero, 1, w) for w in ws], op,
                                    thr * len(years))
            else:
                raise _NotColumnar(f"share method {method}")
            codes = _status(ok)
            np.putmask(codes, zero, R)
            np.putmask(codes, pnull | wnull, U)
            return _Out(codes, None, (*pgaps, *wgaps))

        return window_fn

    def _growth(self, m: Any, op: str, thr: Fraction) -> Fn:
        """Growth over a window: the mean of the year-on-year ratios minus 1 (any year of 0
        makes it undefined: review), or the CAGR compared as x_n/x_1 against (1+t)^k (a
        first year of 0: review)."""
        method = str(self.resolve(m.method))
        if method not in ("mean_of_ratios", "cagr"):
            raise _NotColumnar(f"growth method {method}")
        one_plus = 1 + thr

        def fn(t: _Table, env: Any) -> _Out:
            years = self._years(m.window, env)
            if len(years) < 2:
                raise _NotColumnar("growth of one year")
            vals, null, gaps = self._plain_series(t, m.growth, years)
            steps = len(years) - 1
            if method == "cagr":
                zero = vals[0] == 0
                ok = _ratio_sum_cmp([vals[-1]], [np.where(zero, 1, vals[0])], op,
                                    one_plus ** steps)
            else:
                zero = np.logical_or.reduce([v == 0 for v in vals])
                safe = [np.where(zero, 1, v) for v in vals]
                ok = _ratio_sum_cmp(safe[1:], safe[:-1], op, one_plus * steps)
            codes = _status(ok)
            np.putmask(codes, zero, R)
            np.putmask(codes, null, U)
            return _Out(codes, None, tuple(gaps))

        return fn

    def _trend(self, chk: TrendCheck) -> Callable[[_Table, Any], _Out]:
        method = str(self.resolve(chk.method))

        def fn(t: _Table, env: Any) -> _Out:
            years = self._years(chk.window, env)
            series, gaps = self._series(t, chk.trend, years)
            if any(d is not None for _, d, _ in series):
                raise _NotColumnar("a trend of quotients")
            vals = [n for n, _, _ in series]
            null = np.logical_or.reduce([nl for _, _, nl in series])
            strict = np.logical_and.reduce([b > a for a, b in pairwise(vals)])
            net = vals[-1] > vals[0]
            if method == "strict_increase":
                codes = _status(strict)
            elif method == "net_rise":
                codes = _status(strict | net)
            else:
                codes = _status(strict | net)
                np.putmask(codes, ~strict & net, R)
            np.putmask(codes, null, U)
            return _Out(codes, None, tuple(gaps))

        return fn

    def _lifecycle(self, chk: Any) -> Callable[[_Table, Any], _Out]:
        # With no events the timeline is the empty one: one scalar answer for all such rows.
        def fn(t: _Table, env: Any) -> _Out:
            null = t.nulls("events")
            length = t.values("events") if t.has("events") else None
            codes = _full(t.n, env.empty_status(chk))
            np.putmask(codes, null, U)
            return _Out(codes, None if length is None else ~null & (length > 0),
                        (("events", null),))

        return fn


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
    """What evaluations on one as-of date share: the year of the data and the answers of
    the lifecycle checks on an empty history (computed once per date, by the scalar code)."""

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


Fn = Callable[[_Table, Any], _Out]


@dataclass
class _Criterion:
    id: str
    applies_to: frozenset[str] | None
    fn: Fn | None  # None: scalar for every row
    priority: tuple[tuple[str, Fn | None], ...] = ()  # (column name, columnar form)
    # an exemption is read where the check does not pass, a relaxation where it fails;
    # without a columnar form (None) those rows go to the scalar path
    exemption: Fn | None = None
    has_exemption: bool = False
    relaxation: Fn | None = None
    has_relaxation: bool = False
    relaxation_always: bool = False  # a relaxation without a condition: every fail


def priority_column(criterion: str, factor: str) -> str:
    """The output column of a criterion's priority factor."""
    return f"{criterion}.priority.{factor}"


class ColumnarDesignation:
    """One designation of one rulebook version, compiled to columnar functions."""

    def __init__(self, rb: Any, designation: str) -> None:
        self.rb = rb
        self.id = designation
        c = _Compiler(rb, designation)
        d = c.designation
        self.applies_to = frozenset(d.applies_to)
        self.criteria: list[_Criterion] = []
        for cc, crit in zip(d.criteria, rb.model.designations[designation].criteria,
                            strict=True):
            priority = tuple((priority_column(cc.id, f.id), _compiled(c, f.check))
                             for f in crit.priority)
            ex, rx = crit.exemption, crit.relaxation
            self.criteria.append(_Criterion(
                cc.id, cc.applies_to, _compiled(c, crit.check), priority,
                exemption=_compiled(c, ex.when) if ex is not None else None,
                has_exemption=ex is not None,
                relaxation=(_compiled(c, rx.when) if rx is not None and rx.when is not None
                            else None),
                has_relaxation=rx is not None,
                relaxation_always=rx is not None and rx.when is None))
        self.suspensions: list[Fn | None] = [
            _compiled(c, s.when) for s in rb.model.designations[designation].suspensions]
        self._envs: dict[_dt.date, _Env] = {}

    @property
    def columnar_capable(self) -> bool:
        """Every criterion, priority factor and suspension has a columnar form (rows may
        still fall back: see the module's docstring)."""
        return all(c.fn is not None and all(f is not None for _, f in c.priority)
                   and (c.exemption is not None or not c.has_exemption)
                   and (c.relaxation is not None or not c.has_relaxation
                        or c.relaxation_always)
                   for c in self.criteria) and all(s is not None for s in self.suspensions)

    @property
    def columns(self) -> list[str]:
        """The output columns, in order."""
        out = []
        for cr in self.criteria:
            out.append(cr.id)
            out += [name for name, _ in cr.priority]
        return [*out, "verdict", "missing", "error"]

    def _env(self, on: _dt.date) -> _Env:
        env = self._envs.get(on)
        if env is None:
            if len(self._envs) > 64:
                self._envs.clear()
            env = self._envs[on] = _Env(self.rb, on)
        return env

    def evaluate(self, table: Any, on: _dt.date) -> Any:
        """A polars DataFrame, one row per input row: one status column per criterion
        (``not_applicable`` where it does not apply), one per priority factor (null where
        its criterion does not apply), ``verdict``, ``missing`` (the decision's list) and
        ``error`` (a row's error as a value; its statuses and verdict are then null)."""
        import polars as pl

        t = _Table(table)
        if not t.has("entity_type"):
            raise IpdesignateError("the table has no entity_type column: each row must say "
                                   "what kind of applicant it is")
        env = self._env(on)
        n = t.n
        fallback = ~t.isin("entity_type", self.applies_to)  # the scalar path says why not
        everything = False  # a check without a columnar form for this table: all scalar
        codes: list[np.ndarray] = []
        outs: list[_Out | None] = []
        prio: dict[str, np.ndarray] = {}

        def run(fn: Fn | None) -> _Out | None:
            if fn is None:
                return None
            try:
                return fn(t, env)
            except _NotColumnar:
                return None

        for cr in self.criteria:
            out = run(cr.fn)
            applies = None if cr.applies_to is None else t.isin("entity_type", cr.applies_to)
            for name, pf in cr.priority:
                pout = run(pf)
                if pout is None:
                    everything = True
                    prio[name] = _full(n, -1)
                    continue
                fallback = _either(fallback, pout.fallback)  # type: ignore[assignment]
                pcode = pout.codes
                if applies is not None:
                    pcode = pcode.copy()
                    np.putmask(pcode, ~applies, -1)
                prio[name] = pcode
            if out is None:
                everything = True
                codes.append(_full(n, U))
                outs.append(None)
                continue
            fallback = _either(fallback, out.fallback)  # type: ignore[assignment]
            code = out.codes
            if cr.has_exemption:  # read where the check does not pass, as the scalar path
                ex = run(cr.exemption)
                read = code != P
                if applies is not None:
                    read &= applies
                if ex is None:
                    fallback |= read
                else:
                    either = _ANY_BACK[np.minimum(_ANY_RANK[code], _ANY_RANK[ex.codes])]
                    either[ex.codes == P] = EX
                    code = np.where(read, either, code)
                    if ex.fallback is not None:
                        fallback |= ex.fallback & read
                    out = _Out(code, out.fallback, (*out.gaps, *ex.gaps))
            if cr.has_relaxation:  # read where it still fails: allowed → review
                failing = code == F
                if applies is not None:
                    failing &= applies
                if cr.relaxation_always:
                    code = np.where(failing, np.int8(R), code)
                else:
                    rx = run(cr.relaxation)
                    if rx is None:
                        fallback |= failing
                    else:
                        code = np.where(failing & (rx.codes != F), np.int8(R), code)
                        if rx.fallback is not None:
                            fallback |= rx.fallback & failing
            if applies is not None:
                code = code.copy()
                np.putmask(code, ~applies, NA)
            codes.append(code)
            outs.append(out)
        suspended = np.zeros(n, dtype=bool)
        for s in self.suspensions:
            out = run(s)
            if out is None:
                everything = True
                continue
            fallback = _either(fallback, out.fallback)  # type: ignore[assignment]
            suspended |= out.codes == P
        if t.has("application_date"):  # the data years follow the application date
            dates = t.df["application_date"]
            if dates.dtype == pl.Date:
                fallback |= (dates.dt.year().fill_null(on.year) != on.year).to_numpy()
            elif dates.dtype != pl.Null:
                everything = True
        if t.bad is not None:
            fallback |= t.bad
        if everything:
            fallback[:] = True
        # the verdict: fail decides, then unknown, then review (not_applicable as a pass)
        decided = np.zeros(n, dtype=np.int8)
        for code in codes:
            np.maximum(decided, _DECIDES[code], out=decided)
        verdict_codes = _VERDICT_OF[decided]
        np.putmask(verdict_codes, suspended, 4)
        status_codes = {cr.id: code for cr, code in zip(self.criteria, codes, strict=True)}
        gaps = _gap_masks(codes, outs, fallback)
        errors: dict[int, str] = {}
        overrides: dict[int, list[str]] = {}
        rows = np.nonzero(fallback)[0]
        if rows.size:
            status_codes = {k: v.copy() for k, v in status_codes.items()}
            prio = {k: v.copy() for k, v in prio.items()}
            self._scalar_rows(t, on, rows, status_codes, prio, verdict_codes, overrides,
                              errors)
        out_frame: dict[str, Any] = {}
        for cr in self.criteria:
            out_frame[cr.id] = _coded(_ENUMS.status, status_codes[cr.id])
            for name, _ in cr.priority:
                out_frame[name] = _coded(_ENUMS.status, prio[name])
        out_frame["verdict"] = _coded(_ENUMS.verdict, verdict_codes)
        out_frame["missing"] = _lists(n, gaps, overrides)
        if errors:
            out_frame["error"] = pl.Series("error", [errors.get(i) for i in range(n)],
                                           dtype=pl.String)
        else:
            out_frame["error"] = pl.repeat(None, n, dtype=pl.String, eager=True)
        return pl.DataFrame(out_frame)

    def _scalar_rows(self, t: _Table, on: _dt.date, rows: np.ndarray,
                     status: dict[str, np.ndarray], prio: dict[str, np.ndarray],
                     verdict: np.ndarray, overrides: dict[int, list[str]],
                     errors: dict[int, str]) -> None:
        """Rows the columnar form cannot decide: the scalar evaluator, on the profile the
        row describes (the very code ``check`` runs)."""
        from ..applicant.load import parse_profile

        records = t.df[[int(i) for i in rows]].to_dicts()
        kind = self.rb.designation(self.id).profile
        factors = {c.id: [name for name, _ in c.priority] for c in self.criteria}
        for i, rec in zip(rows.tolist(), records, strict=True):
            overrides[i] = []
            try:
                profile = parse_profile(row_profile(rec, kind))
                d = self.rb.evaluate(profile, self.id, on)
            except IpdesignateError as exc:  # an error is a value: the row says why
                errors[i] = str(exc)
                verdict[i] = -1
                for cr in self.criteria:
                    status[cr.id][i] = -1
                for k in prio:
                    prio[k][i] = -1
                continue
            for r in d.criteria:
                status[r.id][i] = _STATUS_CODE[r.status]
                for p in r.priority:
                    prio[priority_column(r.id, p.id)][i] = _STATUS_CODE[p.status]
                if not r.priority:  # not applicable: no factor was read
                    for name in factors[r.id]:
                        prio[name][i] = -1
            verdict[i] = _VERDICT_CODE[d.verdict]
            overrides[i] = list(d.missing)


def _compiled(c: _Compiler, chk: Any) -> Fn | None:
    try:
        return c.check(chk)
    except (_NotColumnar, KeyError, AttributeError):
        return None


def _gap_masks(codes: Sequence[np.ndarray], outs: Sequence[_Out | None],
               fallback: np.ndarray) -> list[Gap]:
    """(path, rows) in trace order: the rows of an unknown criterion (decided here, not by
    the scalar path) where that path is missing."""
    out: list[Gap] = []
    keep = ~fallback
    for code, o in zip(codes, outs, strict=True):
        if o is None or not o.gaps:
            continue
        unknown = (code == U) & keep
        if not unknown.any():
            continue
        for path, null in o.gaps:
            m = null & unknown
            if m.any():
                out.append((path, m))
    return out


def _lists(n: int, gaps: list[Gap], overrides: dict[int, list[str]]) -> Any:
    """The ``missing`` list column from per-path masks, without a pass over rows: a row's
    list is its paths in the order of their first occurrence (as ``Decision.missing``
    dedupes them); ``overrides`` are the lists of rows decided by the scalar path."""
    import polars as pl
    import pyarrow as pa

    names: dict[str, int] = {}
    merged: list[tuple[int, np.ndarray]] = []  # (path id, rows) in first-occurrence order
    late = None  # rows where a repeated path shows again after another path: order per row
    for path, m in gaps:
        p = names.setdefault(path, len(names))
        if p == len(merged):
            merged.append((p, m))
            continue
        extra = m & ~merged[p][1]
        if extra.any():
            late = extra if late is None else late | extra
            merged[p] = (p, merged[p][1] | m)
    if late is not None:  # the few rows whose order differs from the first occurrences
        for i in np.nonzero(late)[0].tolist():
            if i not in overrides:
                seen: dict[str, None] = {}
                for path, m in gaps:
                    if m[i]:
                        seen.setdefault(path, None)
                overrides[i] = list(seen)
    for lst in overrides.values():
        for path in lst:
            names.setdefault(path, len(names))
    vector = [(p, np.nonzero(m)[0]) for p, m in merged]
    if overrides:
        ov = np.fromiter(overrides, dtype=np.int64, count=len(overrides))
        for k, (p, rows) in enumerate(vector):
            vector[k] = (p, rows[~np.isin(rows, ov)])
    lengths = np.zeros(n, dtype=np.int64)
    for _, rows in vector:
        lengths[rows] += 1
    for i, lst in overrides.items():
        lengths[i] = len(lst)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = np.empty(int(offsets[-1]), dtype=np.int32)
    fill = offsets[:-1].copy()  # the next free slot of each row
    for p, rows in vector:  # path by path, in order: each row's paths land in order
        values[fill[rows]] = p
        fill[rows] += 1
    for i, lst in overrides.items():
        values[offsets[i]:offsets[i + 1]] = [names[path] for path in lst]
    # Arrow arrays from buffers (pa.array would import pandas, ~0.3 s, on first use)
    encoded = [path.encode() for path in names]
    ends = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=ends[1:])
    dictionary = pa.Array.from_buffers(pa.string(), len(encoded), [
        None, pa.py_buffer(ends), pa.py_buffer(b"".join(encoded))])
    indices = pa.Array.from_buffers(pa.int32(), len(values), [None, pa.py_buffer(values)])
    flat = pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())
    bounds = pa.Array.from_buffers(pa.int64(), n + 1, [None, pa.py_buffer(offsets)])
    arr = pa.LargeListArray.from_arrays(bounds, flat)
    out = pl.from_arrow(arr)
    assert isinstance(out, pl.Series)
    return out.alias("missing").cast(pl.List(pl.String))


def _coded(names: Any, codes: np.ndarray) -> Any:
    """An Enum column from small integer codes (-1: null), gathered, not built per row."""
    neg = codes < 0
    if not neg.any():
        return names.gather(codes)
    out = names.gather(np.where(neg, 0, codes))
    return out.scatter(np.nonzero(neg)[0], None)


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
        elif key == "events":  # JSON text (profiles_to_table) or structs (a caller's table)
            data["events"] = [json.loads(e, object_hook=_dates_back) if isinstance(e, str)
                              else _no_nulls(e) for e in value]
        else:
            data[key] = value
    if yearly:
        data["yearly"] = yearly
    if attestations:
        data["attestations"] = attestations
    return data


def _tag_date(value: Any) -> Any:
    """Dates (and decimals) inside event details keep their type through JSON."""
    if isinstance(value, _dt.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):  # exact digits, never a float
        return {"__decimal__": str(value)}
    raise TypeError(f"{type(value).__name__} in an event")


def _dates_back(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "__date__" in obj:
        return _dt.date.fromisoformat(obj["__date__"])
    if len(obj) == 1 and "__decimal__" in obj:
        return Decimal(obj["__decimal__"])
    return obj


def _no_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    return value


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
        # each event whole (details, ref, note) as JSON text: rows with events are decided
        # by the scalar path, on exactly the events the profile had
        row["events"] = None if events is None else [
            json.dumps(e.model_dump(mode="python", exclude_none=True), default=_tag_date)
            for e in events]
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None)


__all__ = ["ColumnarDesignation", "priority_column", "profiles_to_table", "row_profile"]
