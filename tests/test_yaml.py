"""The loader is safe, bounded and exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ipdesignate._core.errors import Problem
from ipdesignate._core.limits import LIMITS
from ipdesignate._core.yaml import load_bytes, load_text


def _load(text: str) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    located = load_text(text, "t.yaml", problems)
    return (located.data if located else None), problems


def test_floats_are_exact_decimals() -> None:
    """0.40 is Decimal('0.40'), never the binary float 0.4000000000000000222."""
    data, _ = _load("a: 0.40\nb: 1.1\n")
    assert data == {"a": Decimal("0.40"), "b": Decimal("1.1")}


def test_yaml_1_2_scalars() -> None:
    """'yes' stays a string (YAML 1.2); dates are dates."""
    data, _ = _load("a: yes\nb: 2024-03-15\n")
    assert isinstance(data, dict) and data["a"] == "yes" and str(data["b"]) == "2024-03-15"


def test_positions_are_one_based() -> None:
    problems: list[Problem] = []
    located = load_text("a:\n  b: 1\n", "t.yaml", problems)
    assert located is not None
    assert located.values[("a", "b")] == (2, 6)
    assert located.keys[("a", "b")] == (2, 3)


def test_oversized_input_is_refused() -> None:
    problems: list[Problem] = []
    assert load_bytes(b"a: 1\n" + b"#" * LIMITS.max_bytes, "big.yaml", problems) is None
    assert "too large" in problems[0].message


def test_non_utf8_is_a_problem_not_a_traceback() -> None:
    problems: list[Problem] = []
    assert load_bytes(b"a: \xff\n", "x.yaml", problems) is None
    assert "not UTF-8" in problems[0].message


def test_json_loads_through_the_same_path() -> None:
    """JSON is YAML 1.2, so profiles in JSON get the same positions and exactness."""
    data, problems = _load('{"kind": "unit", "rate": 0.4}')
    assert data == {"kind": "unit", "rate": Decimal("0.4")} and not problems


def test_empty_file() -> None:
    data, problems = _load("")
    assert data is None and "empty" in problems[0].message


@pytest.mark.parametrize(("text", "where", "words"), [
    ("a: 1\n b: 2\n", (2, 3), "check the indentation of line 2"),
    ("a:\n  b: 1\n c: 2\n", (3, 2), "check the indentation of line 3"),
    ("a: [1, 2\nb: 3\n", (2, 2), "the '[' opened on line 1, column 4 is not closed: add ']'"),
    ("a: {x: 1\nb: 2\n", (2, 2), "the '{' opened on line 1, column 4 is not closed: add '}'"),
    ('a: "abc\nb: 3\n', (3, 1), 'the quote " opened on line 1, column 4 is never closed'),
    ("a: b: c\n", (1, 5), "a second ': ' on line 1"),
    ("a:\n\t- 1\n", (2, 1), "line 2 has a tab: YAML indents with spaces only"),
    ("x: 1\nfoo bar\ny: 2\n", (3, 1), "line 2 has a key without ':'"),
])
def test_syntax_errors_in_plain_words(text: str, where: tuple[int, int], words: str) -> None:
    """The parser's position is kept; the message says what to fix and where it began."""
    problems: list[Problem] = []
    assert load_text(text, "x.yaml", problems) is None
    (p,) = problems
    assert (p.line, p.column) == where
    assert p.message.startswith("YAML syntax error: " + words), p.message
