"""The bounds every input is held to, in one place (documented in docs/limits.md).

An input beyond a bound is refused with a located message that names the bound, before
anything is computed from it: a number of a billion digits, a date in the year 9999 or a
document nested a thousand levels deep would otherwise freeze or crash the process far
from where it was read.

The bounds are attributes of ``LIMITS`` (``ipdesignate.LIMITS``), read when they are
used, so a program may change them; ``IPDESIGNATE_LIMIT_<NAME>`` (e.g.
``IPDESIGNATE_LIMIT_MAX_BYTES=8000000``) sets one for a whole process, such as the CLI.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@dataclass
class Limits:
    """What an input may be. Every field is documented in docs/limits.md."""

    max_bytes: int = 4 * 1024 * 1024  # one input file, or standard input
    max_depth: int = 64  # mappings and lists nested in one document
    max_alias_values: int = 200_000  # values produced by expanding YAML aliases
    max_integer_digits: int = 18  # digits before the decimal point: |x| < 10**18
    max_fraction_digits: int = 20  # digits after it (trailing zeros do not count)
    min_year: int = 1800
    max_year: int = 2999
    max_period_years: int = 100  # "N years"; months and days are bounded to the same span
    max_derivations_per_event: int = 50  # lifecycle facts one run may derive, per event

    def describe_number(self) -> str:
        return (f"a number with at most {self.max_integer_digits} digits before the "
                f"decimal point and {self.max_fraction_digits} after")

    def describe_date(self) -> str:
        return f"a date from {self.min_year}-01-01 to {self.max_year}-12-31"

    def max_period(self, unit: str) -> int:
        """The longest period in ``unit`` ("days", "months", "years")."""
        years = self.max_period_years
        return {"years": years, "months": 12 * years}.get(unit, 366 * years)

    def describe_period(self) -> str:
        y = self.max_period_years
        return f"at most {y} years ({12 * y} months, {366 * y} days)"


def _from_environment(limits: Limits) -> Limits:
    for f in fields(limits):
        raw = os.environ.get(f"IPDESIGNATE_LIMIT_{f.name.upper()}")
        if raw is not None and raw.strip().isdigit():
            setattr(limits, f.name, int(raw))
    return limits


LIMITS = _from_environment(Limits())


def shown(value: object) -> str:
    """Short text for a value in a message; safe for a number of any size."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 200:
            return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
        return str(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number_problem(value: int | Decimal) -> str | None:
    """Why ``value`` is outside the accepted numbers; None when it is inside.

    Cheap for any input: a huge int is compared by bit length, a Decimal by its digit
    tuple, never by arithmetic that could run for minutes.
    """
    lim = LIMITS
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if (value.bit_length() <= 4 * lim.max_integer_digits + 4
                and abs(value) < 10 ** lim.max_integer_digits):
            return None
        return f"{shown(value)} is too large; expected {lim.describe_number()}"
    if not value.is_finite():
        return f"{value} is not a finite number; expected {lim.describe_number()}"
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    significant = len(digits)
    while significant > 1 and digits[significant - 1] == 0:
        significant -= 1
    exponent += len(digits) - significant
    if significant == 1 and digits[0] == 0:
        return None  # zero, whatever its exponent (see ``bounded``)
    if exponent + significant > lim.max_integer_digits:
        return f"{shown(value)} is too large; expected {lim.describe_number()}"
    if -exponent > lim.max_fraction_digits:
        return f"{shown(value)} has too many decimals; expected {lim.describe_number()}"
    return None


def bounded(value: int | Decimal) -> int | Decimal:
    """``value`` when it is inside the bounds (a zero with a wild exponent becomes 0);
    raises ValueError naming the accepted range otherwise (pydantic reports it, located)."""
    why = number_problem(value)
    if why is not None:
        raise ValueError(why)
    if isinstance(value, Decimal) and value.is_zero():
        exp = value.as_tuple().exponent
        if not isinstance(exp, int) or not -LIMITS.max_fraction_digits <= exp <= 0:
            return Decimal(0)
    return value


def digit_text_problem(text: str) -> str | None:
    """For a number still in text: refuse absurd lengths before converting it at all."""
    lim = LIMITS
    if len(text) > lim.max_integer_digits + lim.max_fraction_digits + 40:
        return f"{shown(text)} is too long for a number; expected {lim.describe_number()}"
    return None


def date_problem(value: _dt.date) -> str | None:
    lim = LIMITS
    if lim.min_year <= value.year <= lim.max_year:
        return None
    return f"{value.isoformat()} is out of range; expected {lim.describe_date()}"


def as_date(raw: Any) -> _dt.date:
    """A calendar date from a date or ``YYYY-MM-DD`` text, inside the accepted years.

    A number is never read as a date: ``1710460800`` is refused, not taken for a Unix
    time (it would silently become 2024-03-15, and ``0`` 1970-01-01).
    """
    if isinstance(raw, _dt.datetime):
        raise ValueError("a date is a calendar day YYYY-MM-DD, not a date and time")
    if isinstance(raw, str):
        # exactly YYYY-MM-DD, no surrounding spaces: the JSON Schema says the same
        text = raw
        if not _ISO_DATE.match(text):
            raise ValueError(f"{shown(raw)!r} is not a date; write it YYYY-MM-DD")
        try:
            raw = _dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a calendar date") from None
    if not isinstance(raw, _dt.date):
        raise ValueError(f"{shown(raw)} is not a date; write it YYYY-MM-DD "
                         "(a number is never read as a date)")
    why = date_problem(raw)
    if why is not None:
        raise ValueError(why)
    return raw


def depth_problem(data: Any) -> str | None:
    """Why a Python value (a profile given as a mapping) nests too deeply or refers to
    itself; None when it is fine. Iterative: it cannot itself overflow the stack."""
    limit = LIMITS.max_depth
    stack: list[tuple[Any, int, frozenset[int]]] = [(data, 0, frozenset())]
    while stack:
        node, depth, above = stack.pop()
        if not isinstance(node, (dict, list, tuple)):
            continue
        if id(node) in above:
            return "the value contains itself (a cycle)"
        if depth >= limit:
            return f"nested more than {limit} levels deep"
        inner = above | {id(node)}
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1, inner) for child in children)
    return None


# A date field of a model: a date or YYYY-MM-DD text, inside the accepted years; never a
# number (pydantic's own date type would read 1710460800 as a Unix time).
# The JSON Schema says exactly what ``as_date`` accepts: YYYY-MM-DD text, a calendar
# day (``format: date``), inside the accepted years (1800-2999 by default).
DATE_PATTERN = r"^(?:1[89]|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"
Day = Annotated[_dt.date, BeforeValidator(as_date),
                WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]
