"""JSON Schemas of the numeric profile fields, saying exactly what their validators accept.

``ipdesignate schema profile`` must describe the parser, not a looser cousin of it: a
property test (tests/test_schema_agreement.py) generates values and checks that the
schema and the parser accept and refuse the same ones. The patterns follow
``_core.exact.parse_quantity`` and the bounds of ``_core.limits`` (at most 18 digits
before the decimal point and 20 after, trailing zeros not counted; text of a count at
most 40 characters, of an amount at most 200).

One thing JSON Schema cannot say of a JSON *number* is how many decimals it has; that
bound (20) is in the description, and the parser refuses a number beyond it, located.
"""

from __future__ import annotations

from typing import Any

from .._core.limits import LIMITS

_I = LIMITS.max_integer_digits
_F = LIMITS.max_fraction_digits
_SPACE = r"\s*"


def _integer(digits: int) -> str:
    """Whole-number text with at most ``digits`` significant digits (leading zeros free),
    or with thousands separators (at most ``digits`` digits in all)."""
    grouped = [rf"[1-9][0-9]{{0,{min(3, digits - 3 * g) - 1}}}(?:,[0-9]{{3}}){{{g}}}"
               for g in range(1, (digits - 1) // 3 + 1)]
    return rf"(?:0*[1-9][0-9]{{0,{digits - 1}}}|0+|{'|'.join(grouped)})"


def _fraction(digits: int) -> str:
    """Decimals: at most ``digits`` before only zeros follow."""
    return rf"(?:\.(?=[0-9])[0-9]{{0,{digits}}}0*)?"


def _amount(suffixes: str, integer_digits: int) -> str:
    return rf"\+?{_integer(integer_digits)}{_fraction(_F)}{_SPACE}{suffixes}"


# Money: yuan as a number, or text: 1200000, '1,200,000', '120万元', '1.2亿元', '1200000元'.
# A suffix scales the number, so fewer digits fit before it (万 = 10^4, 亿 = 10^8).
_MONEY_TEXT = (
    rf"^{_SPACE}(?:{_amount('(?:元)?', _I)}|{_amount('万元', _I - 4)}|{_amount('亿元', _I - 8)}"
    rf"|-0+(?:\.0+)?{_SPACE}(?:元|万元|亿元)?){_SPACE}$")
MONEY: dict[str, Any] = {
    "description": "yuan ≥ 0: a number (at most 18 digits before the decimal point and "
                   f"{_F} after), or text like '1200000', '120万元', '1.2亿元', '1200000元'",
    "anyOf": [
        {"type": "number", "minimum": 0, "exclusiveMaximum": 10 ** _I},
        {"type": "string", "maxLength": 200, "pattern": _MONEY_TEXT},
    ],
}

# Rate: a fraction 0-1 as a number, or a percentage 0-100 as text ('25%', '12.5%').
_PERCENT = (rf"^{_SPACE}\+?(?:0*100(?:\.0+)?|0*[0-9]{{1,2}}{_fraction(_F - 2)})"
            rf"{_SPACE}%{_SPACE}$")
RATE: dict[str, Any] = {
    "description": f"a fraction from 0 to 1 (at most {_F} decimals), or a percentage as "
                   "text like '25%'",
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "maxLength": 200, "pattern": _PERCENT},
    ],
}

# Count: a whole number ≥ 0, or its digits as text.
COUNT: dict[str, Any] = {
    "description": "a whole number ≥ 0 (at most 18 digits)",
    "anyOf": [
        {"type": "integer", "minimum": 0, "exclusiveMaximum": 10 ** _I},
        {"type": "string", "maxLength": 40,
         "pattern": rf"^{_SPACE}(?:0*[1-9][0-9]{{0,{_I - 1}}}|0+){_SPACE}$"},
    ],
}
