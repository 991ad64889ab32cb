"""One spreadsheet cell to one profile value: what a notebook or a sheet holds, read exactly.

- Absent: None, NaN, pandas' NA and NaT, an empty or blank string. An absent cell leaves the
  field absent (the evaluator names it as missing); it is never read as 0 or false.
- numpy and pandas scalars are read as the Python value they hold.
- A binary float is read by its shortest decimal representation (``0.4`` is 0.4, not
  0.40000000000000002220446…): that is the number the person typed.
- Money: a bare number is in the table's money unit (``800`` in a 万元 column is 800万元);
  text with its own unit (``'800万元'``, ``'1,200,000元'``) says its unit itself.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from decimal import Decimal
from typing import Any

from .._core.exact import Unit, parse_quantity

MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(10**8)}
YES = frozenset({"true", "yes", "y", "是", "有", "√", "✓"})
NO = frozenset({"false", "no", "n", "否", "无", "×", "✗"})
NONE_WORDS = frozenset({"none", "无", "[]", "no events"})


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def plain(v: Any) -> Any:
    """numpy/pandas scalars as the Python value they hold; other values unchanged."""
    module = type(v).__module__
    if module.startswith("numpy"):
        return v.item() if hasattr(v, "item") else v
    if module.startswith("pandas"):
        name = type(v).__name__
        if name in ("NAType", "NaTType"):
            return None
        if name == "Timestamp":
            return v.to_pydatetime()
    return v


def is_absent(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, str):
        return not v.strip()
    return type(v).__name__ in ("NAType", "NaTType")


def exact(v: float) -> Decimal:
    """A float by its shortest decimal representation (``repr``), exactly."""
    if math.isinf(v):
        raise CellError("an infinite number is not a figure")
    return Decimal(repr(v))


def number(v: Any) -> int | Decimal:
    """A count or rate cell as an exact number (text like '25%' is kept for the rate check)."""
    if isinstance(v, bool):
        raise CellError("a number is expected, not true/false")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        d = exact(v)
        return int(d) if d == d.to_integral_value() else d
    if isinstance(v, Decimal):
        return v
    if isinstance(v, str):
        parsed = parse_quantity(v)
        if parsed is None:
            raise CellError(f"{v.strip()!r} is not a number")
        value, unit = parsed
        if unit is Unit.YUAN:
            raise CellError(f"{v.strip()!r} is an amount of money, not a count or rate")
        return int(value) if unit is Unit.COUNT else value
    raise CellError(f"a number is expected (found {type(v).__name__})")


def money(v: Any, scale: Decimal) -> Decimal:
    """An amount in yuan; a bare number is multiplied by the column's unit (``scale``)."""
    if isinstance(v, str):
        parsed = parse_quantity(v)
        if parsed is None:
            raise CellError(f"{v.strip()!r} is not an amount of money; write 800, '800万元' "
                            "or '8000000元'")
        value, unit = parsed
        if unit is Unit.RATIO:
            raise CellError(f"{v.strip()!r} is a percentage, not an amount of money")
        if unit is Unit.YUAN:
            return value
        return value * scale
    n = number(v)
    return Decimal(n) * scale


def rate(v: Any) -> Decimal:
    """A rate: a fraction (0.25) or a percentage written as text ('25%')."""
    if isinstance(v, str):
        parsed = parse_quantity(v)
        if parsed is None or parsed[1] is Unit.YUAN:
            raise CellError(f"{v.strip()!r} is not a rate; write 0.25 or '25%'")
        return parsed[0]
    return Decimal(number(v))


def fact(v: Any) -> bool:
    """Yes/no: a boolean, or one of the documented words (true/false, yes/no, 是/否)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in YES:
        return True
    if isinstance(v, str) and v.strip().lower() in NO:
        return False
    raise CellError(f"a yes/no fact is true/false, yes/no or 是/否 (found {v!r}); "
                    "1/0 is not read as yes/no")


def zero_one_column(values: list[Any]) -> bool:
    """Whether a yes/no column holds only 0 and 1 (and booleans, and empty cells): what pandas
    makes of a TRUE/FALSE column with an empty cell (float64 1.0/0.0/NaN)."""
    numbers = [plain(v) for v in values if not is_absent(plain(v))]
    return bool(numbers) and all(
        isinstance(v, bool) or (isinstance(v, (int, float)) and v in (0, 1)) for v in numbers)


def fact01(v: Any) -> bool:
    """A cell of a 0/1 yes/no column (see ``zero_one_column``)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return v == 1
    raise CellError(f"a yes/no fact is true/false (found {v!r})")


def date(v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        if v.time() != _dt.time(0):
            raise CellError(f"{v.isoformat()} has a time of day; a date is expected")
        return v.date()
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise CellError(f"a date is expected as YYYY-MM-DD (found {v!r})")


def text(v: Any) -> str:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool) or not isinstance(v, (int, float, Decimal)):
        raise CellError(f"text is expected (found {type(v).__name__})")
    return str(number(v))


def events_cell(v: Any) -> list[Any]:
    """An ``events`` cell: 'none' (无) states there are none; else a JSON list of events."""
    if isinstance(v, str) and v.strip().lower() in NONE_WORDS:
        return []
    if isinstance(v, str):
        try:
            data = json.loads(v)
        except ValueError:
            data = None
        if isinstance(data, list):
            return data
    raise CellError("an events cell is 'none' (无) or a JSON list of events; list events "
                    "one per row in an events table instead")
