"""Exact arithmetic: Decimal while it terminates, Fraction when it does not."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ipdesignate._core.exact import Unit, add, display, div, exact_str, gap_text, parse_quantity


@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_int_division_is_exact(a: int, b: int) -> None:
    assert div(a, b) == Fraction(a, b)


@given(st.decimals(min_value=-10**6, max_value=10**6, places=4),
       st.integers(min_value=1, max_value=1000))
def test_decimal_division_is_exact(a: Decimal, b: int) -> None:
    assert Fraction(div(a, b)) == Fraction(a) / b


def test_sum_of_non_terminating_parts_is_exact() -> None:
    """1/3 + 28/15 = 2.2 exactly: the case that breaks 28-digit Decimal arithmetic."""
    assert add(div(3, 9), div(28, 15)) == Decimal("2.2")


def test_quantities() -> None:
    assert parse_quantity("40%") == (Decimal("0.40"), Unit.RATIO)
    assert parse_quantity("100万元") == (Decimal("1000000"), Unit.YUAN)
    assert parse_quantity("1.5亿元") == (Decimal("150000000.0"), Unit.YUAN)
    assert parse_quantity(3) == (Decimal(3), Unit.COUNT)
    assert parse_quantity(0.4) is None  # binary floats are refused


def test_texts() -> None:
    assert exact_str(Fraction(1, 3)) == "1/3" and exact_str(Decimal("0.400")) == "0.4"
    assert display(Fraction(13, 30), Unit.RATIO) == "≈43.33%"
    assert display(Decimal("0.4"), Unit.RATIO) == "40%"
    assert gap_text(Decimal("0.012"), Unit.RATIO) == "short by 1.2 percentage points"
    assert gap_text(3, Unit.COUNT) == "3 more needed"
    assert gap_text(1, Unit.COUNT, over=True) == "1 too many"


def _plain_exact_str(x: Decimal) -> str:
    """exact_str as it was written before its fast path (the reference)."""
    text = format(x.normalize(), "f") if x == x.to_integral_value() else format(x, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# Within the numbers the engine accepts (18 integer and 20 fraction digits, LIMITS) and
# what it derives from them; beyond 28 integral digits the old normalize() rounded.
_NUMBERS = st.one_of(
    st.integers(min_value=-10**24, max_value=10**24),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**20, max_value=10**20,
                places=20),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**20, max_value=10**20),
    st.builds(lambda c, e: Decimal(c).scaleb(e), st.integers(-10**20, 10**20),
              st.integers(-14, 4)),
    st.fractions(max_denominator=10**6).filter(lambda f: abs(f) < 10**20),
)


@given(_NUMBERS)
def test_fast_texts_equal_the_general_path(x: Decimal | int | Fraction) -> None:
    """display's and exact_str's fast paths write exactly what the general path writes."""
    from ipdesignate._core.exact import display_rounded

    for unit in Unit:
        assert display(x, unit) == display_rounded(x, unit), (x, unit)
    if isinstance(x, Decimal):
        assert exact_str(x) == _plain_exact_str(x)
