"""Exact numbers: legal thresholds are compared without rounding.

Values are ``Decimal`` while every operation is exact (the common case, and fast);
a quotient that does not terminate (1/3) switches that computation to ``Fraction``.
Decimal and Fraction compare exactly with each other, so a boundary is never blurred.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from enum import StrEnum
from fractions import Fraction
from math import gcd

from .limits import bounded, digit_text_problem

Exact = Decimal | Fraction | int

_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])
_ROUNDING = Context(prec=60)  # for display only: rounding is wanted there
_ZERO = Decimal(0)


class Unit(StrEnum):
    """What a number measures; decides how it is written and how a gap is phrased."""

    COUNT = "count"
    RATIO = "ratio"
    YUAN = "yuan"
    NUMBER = "number"
    DAYS = "days"


def _frac(x: Exact | int) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(x)


# Each operation tries the fast exact form first: ints stay ints, Decimals use a context
# that traps Inexact; only a non-terminating result falls back to Fraction.
def add(a: Exact | int, b: Exact | int) -> Exact | int:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a + b  # type: ignore[operator]
    if ta is not Fraction and tb is not Fraction:
        try:
            return _EXACT.add(a, b)  # type: ignore[arg-type]
        except Inexact:
            pass
    return _frac(a) + _frac(b)


def sub(a: Exact | int, b: Exact | int) -> Exact | int:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a - b  # type: ignore[operator]
    if ta is not Fraction and tb is not Fraction:
        try:
            return _EXACT.subtract(a, b)  # type: ignore[arg-type]
        except Inexact:
            pass
    return _frac(a) - _frac(b)


def mul(a: Exact | int, b: Exact | int) -> Exact | int:
    ta, tb = type(a), type(b)
    if ta is int and tb is int:
        return a * b  # type: ignore[operator]
    if ta is not Fraction and tb is not Fraction:
        try:
            return _EXACT.multiply(a, b)  # type: ignore[arg-type]
        except Inexact:
            pass
    return _frac(a) * _frac(b)


def _terminates(a: int, b: int) -> bool:
    """Whether a/b has a finite decimal expansion: b/gcd has no prime factor but 2 and 5."""
    q = abs(b) // gcd(a, b)
    while q % 2 == 0:
        q //= 2
    while q % 5 == 0:
        q //= 5
    return q == 1


def div(a: Exact | int, b: Exact | int) -> Exact:
    """Exact quotient; the caller guarantees ``b != 0``."""
    if type(a) is int and type(b) is int:
        # decide up front instead of paying for a trapped Inexact (the common 29/44 case)
        return _EXACT.divide(a, b) if _terminates(a, b) else Fraction(a, b)
    if type(a) is not Fraction and type(b) is not Fraction:
        try:
            return _EXACT.divide(a, b)  # type: ignore[arg-type]
        except Inexact:
            pass
    return _frac(a) / _frac(b)


def total(values: list[Exact | int]) -> Exact | int:
    for v in values:
        if type(v) is not int:
            break
    else:
        return sum(values)
    acc: Exact | int = 0
    for v in values:
        acc = add(acc, v)
    return acc


def power(a: Exact | int, n: int) -> Exact | int:
    acc: Exact | int = 1
    for _ in range(n):
        acc = mul(acc, a)
    return acc


def exact_str(x: Exact) -> str:
    """Stable text for JSON: a plain decimal when it terminates, else ``p/q``."""
    t = type(x)
    if t is Decimal:
        text = str(x)  # plain digits unless the exponent is large (then "E", below)
        if "E" not in text:
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return "0" if text in ("-0", "") else text
    elif t is int:
        return str(x)
    if isinstance(x, int):
        return str(x)
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return str(x.numerator)
        return f"{x.numerator}/{x.denominator}"
    text = format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_QUANTUM = {p: Decimal(1).scaleb(-p) for p in range(0, 9)}


def _round(x: Exact, places: int) -> Decimal:
    # Enough precision for the integer part plus the places: a derived value (a growth
    # ratio of two bounded inputs) may have more digits than the default 28.
    size = int(abs(int(x)).bit_length() * 0.30103) + 2
    if (not isinstance(x, Fraction) and size + places + 4 <= _ROUNDING.prec
            and places in _QUANTUM):
        # the common case, without building a context per call: a Decimal or int with
        # few digits is quantized exactly as below (same precision bound, half-even)
        return Decimal(x).quantize(_QUANTUM[places], context=_ROUNDING)
    with localcontext(Context(prec=size + places + 4)):
        d = (Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction)
             else Decimal(x))
        return d.quantize(Decimal(1).scaleb(-places))


_SMALL = 10**40


def _places(x: Exact) -> int | None:
    """How many decimal places an int or a Decimal of moderate size is written with
    (None for anything else: the general path decides)."""
    t = type(x)
    if t is int:
        return 0 if -_SMALL < x < _SMALL else None
    if t is Decimal and x.is_finite() and x.adjusted() < 40:  # type: ignore[union-attr]
        exp = x.as_tuple().exponent  # type: ignore[union-attr]
        return -exp if isinstance(exp, int) and exp < 0 else 0
    return None


def display(x: Exact, unit: Unit) -> str:
    """Human text: ``43.33%``, ``1,200万元``, ``71``."""
    # The common case first: a value that needs no rounding at the places shown is
    # written exactly (the general path below gives the same text for it, more slowly).
    places = _places(x)
    if places is not None:
        if unit is Unit.RATIO:
            if places <= 4:
                # ×100 is exact here (at most 45 digits at 60 of precision); multiplying
                # keeps the exponent, so the text is plain and needs no normalising
                return exact_str(_ROUNDING.multiply(x, 100)) + "%"  # type: ignore[arg-type]
        elif unit is Unit.YUAN:
            if places == 0:  # a whole number of yuan: 万元 in integers
                n = int(x)
                if not n % 100:
                    wan, rest = divmod(-n if n < 0 else n, 10000)
                    text = f"{wan}.{rest:04d}".rstrip("0") if rest else str(wan)
                    return f"-{text}万元" if n < 0 else f"{text}万元"
            d = Decimal(x)  # type: ignore[arg-type]
            if not _ROUNDING.remainder(d, 100):  # whole hundreds: at most 2 places in 万元
                return exact_str(d.scaleb(-4, _ROUNDING)) + "万元"
        elif unit is Unit.DAYS:
            return f"{exact_str(x)} days"
        elif places <= 4:
            return exact_str(x)
    return display_rounded(x, unit)


def display_rounded(x: Exact, unit: Unit) -> str:
    """``display`` by the general path: round at the places shown, ≈ when that changed it."""
    if unit is Unit.RATIO:
        pct = _round(mul(x, Decimal(100)), 2)
        text = exact_str(pct)
        approx = "≈" if mul(x, Decimal(100)) != pct else ""
        return f"{approx}{text}%"
    if unit is Unit.YUAN:
        wan = div(x, Decimal(10000))
        shown = _round(wan, 2)
        return f"{'≈' if wan != shown else ''}{exact_str(shown)}万元"
    if unit is Unit.DAYS:
        return f"{exact_str(x)} days"
    shown = _round(x, 4)
    return ("≈" if shown != x else "") + exact_str(shown)


def gap_text(gap: Exact, unit: Unit, over: bool = False) -> str:
    """How far a value is from passing, in the words a consultant uses.

    ``over`` is for upper bounds (at_most, less_than): the value must come down.
    """
    if unit is Unit.COUNT:
        n = exact_str(gap)
        return f"{n} too many" if over else f"{n} more needed"
    if unit is Unit.RATIO:
        points = f"{display(gap, Unit.RATIO).rstrip('%')} percentage points"
        return f"over by {points}" if over else f"short by {points}"
    if unit is Unit.DAYS:
        return f"{exact_str(gap)} days {'too long' if over else 'to go'}"
    amount = display(gap, unit)
    return f"over by {amount}" if over else f"short by {amount}"


_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER})\s*(%|万元|元|亿元)?\s*$")
_SCALE = {"%": Decimal("0.01"), "万元": Decimal(10000), "元": Decimal(1), "亿元": Decimal(10**8)}
_UNIT_OF = {"%": Unit.RATIO, "万元": Unit.YUAN, "元": Unit.YUAN, "亿元": Unit.YUAN}


def parse_quantity(raw: object) -> tuple[Decimal, Unit] | None:
    """Parse ``40%``, ``100万元``, ``3``, ``0.4``; None when ``raw`` is not a quantity.

    Raises ValueError, naming the accepted range, for a number beyond ``LIMITS``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(bounded(raw)), Unit.COUNT
    if isinstance(raw, Decimal):
        return Decimal(bounded(raw)), Unit.NUMBER
    if isinstance(raw, float):
        return None  # binary floats never reach a threshold: they are not exact
    if not isinstance(raw, str):
        return None
    if len(raw) > 200:  # no quantity is this long; do not even run the pattern
        why = digit_text_problem(raw)
        if why is not None:
            raise ValueError(why)
    m = _QUANTITY.match(raw)
    if m is None:
        return None
    try:
        value = Decimal(m.group(1).replace(",", ""))
    except InvalidOperation:
        return None
    suffix = m.group(2)
    if suffix is None:
        return Decimal(bounded(value)), (Unit.COUNT if "." not in m.group(1) else Unit.NUMBER)
    bounded(value)  # before scaling: 0.(61 ones)% would not be exact at 60 digits
    return Decimal(bounded(_EXACT.multiply(value, _SCALE[suffix]))), _UNIT_OF[suffix]
