"""Shared fixtures: the fictional demo measure used by engine tests, and the repo root."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The compiled-rulebook cache of this test session lives in a directory of its own
# (subprocesses inherit it), so tests never read or fill the user's cache.
os.environ.setdefault("IPDESIGNATE_CACHE", tempfile.mkdtemp(prefix="ipdesignate-cache-"))

from ipdesignate import CompiledRulebook, load_rulebook, parse_profile
from ipdesignate.testing.cases import case_profile_data

HERE = Path(__file__).parent
ROOT = HERE.parent
DEMO = HERE / "rulebooks" / "good" / "demo.yaml"


@pytest.fixture(scope="session")
def demo() -> CompiledRulebook:
    return load_rulebook(DEMO)


@pytest.fixture()
def good_unit(demo: CompiledRulebook) -> dict[str, Any]:
    """The demo's passing profile as a plain mapping, ready to be changed by a test."""
    data = case_profile_data(demo.model, demo.model.tests[0])
    assert data is not None
    import copy

    return copy.deepcopy(data)


def profile(data: dict[str, Any]) -> Any:
    return parse_profile(data)
