"""Every example profile gives the verdict its header documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipdesignate import Library, load_profile, render_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load([ROOT / "rulebooks"])


def _expect(path: Path) -> tuple[str, str]:
    m = re.search(r"^# expect: designation=(\S+) verdict=(\S+)$", path.read_text("utf-8"), re.M)
    assert m, f"{path.name} does not document its expected verdict"
    return m.group(1), m.group(2)


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_verdict(library: Library, path: Path) -> None:
    designation, verdict = _expect(path)
    decision = library.check(load_profile(path), designation)
    assert decision.verdict == verdict, render_text(decision)
    text = render_text(decision)
    assert "「" in text and "第" in text  # reads like an officer's note: clause and words


def test_near_miss_names_clause_and_gap(library: Library) -> None:
    d = library.check(load_profile(ROOT / "examples" / "demonstration-near-miss.yaml"),
                      "demonstration")
    failed = [r for r in d.criteria if r.status == "fail"]
    assert [r.id for r in failed] == ["rd_growth_rate"]
    assert failed[0].trace is not None
    assert failed[0].trace.figures[0].gap_text == "short by ≈1.37 percentage points"
