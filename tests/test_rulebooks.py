"""The real rulebooks: they load, their embedded cases pass with full clause coverage,
their versions do not overlap, and the engine's source knows none of their law."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipdesignate import Library, load_rulebook
from ipdesignate.library.library import rulebook_files
from ipdesignate.testing.cases import run_cases

ROOT = Path(__file__).resolve().parent.parent
BOOKS = rulebook_files([ROOT / "rulebooks"])


def test_both_measures_are_there() -> None:
    ids = {load_rulebook(f).id for f in BOOKS}
    assert {"bj-ip-pilot-demonstration", "bj-ip-cluster-zone"} <= ids


@pytest.mark.parametrize("path", BOOKS, ids=[p.parent.name for p in BOOKS])
def test_embedded_cases_pass_with_full_clause_coverage(path: Path) -> None:
    results, coverage = run_cases(load_rulebook(path))
    failing = [f"{r.name}: {'; '.join(r.mismatches)}" for r in results if not r.ok]
    assert not failing, "\n".join(failing)
    assert coverage.percent() == 100.0, "\n".join(coverage.gaps())


def test_library_loads_all_versions() -> None:
    lib = Library.load([ROOT / "rulebooks"])
    assert set(lib.measures) >= {"bj-ip-pilot-demonstration", "bj-ip-cluster-zone"}


def test_no_law_in_the_engine() -> None:
    """Designation ids, article numbers and these measures' thresholds live in YAML only."""
    forbidden = [r"\bpilot\b", r"\bdemonstration\b", r"cluster_zone",
                 r"第[一二三四五六七八九十]+条", r"\b70\b", r"\b150\b", r"40%", r"60%",
                 r"100万", r"1000万", r"京知局", r"intentional_infringement"]
    offenders = []
    for f in sorted((ROOT / "src" / "ipdesignate").glob("*.py")):
        code = "\n".join(line.split("#")[0] for line in f.read_text("utf-8").splitlines())
        code = re.sub(r'"""[\s\S]*?"""', "", code)  # docstrings explain; they do not decide
        for pattern in forbidden:
            if re.search(pattern, code):
                offenders.append(f"{f.name}: {pattern}")
    assert not offenders, offenders
