"""The batch contract: one outcome per input, in input order, errors as values."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import ipdesignate
from ipdesignate import Batch, IpdesignateError, Library, ProfileError, load_profile
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def lib() -> Library:
    return Library.load([ROOT / "rulebooks"])


def _data(name: str) -> dict[str, Any]:
    from ipdesignate._core.yaml import load_file

    located = load_file(EXAMPLES / name, [])
    assert located is not None
    return copy.deepcopy(located.data)


def test_check_many_keeps_order_and_errors(lib: Library) -> None:
    good = load_profile(EXAMPLES / "pilot-enterprise.yaml")
    near = load_profile(EXAMPLES / "demonstration-near-miss.yaml")
    bad = _data("pilot-enterprise.yaml")
    bad["yearly"][2022]["patent_applications"] = -1
    carrier = load_profile(EXAMPLES / "carrier-missing-data.yaml")
    given = ProfileError([ipdesignate.Problem("clients.csv", 4, 2, "bad cell")])
    batch = lib.check_many([good, bad, near, carrier, given, _data("university-pilot.yaml")],
                           "pilot")
    assert isinstance(batch, Batch) and len(batch) == 6
    assert [o.index for o in batch] == list(range(6))
    assert batch[0].verdict == "eligible" and batch[0].applicant == good.name
    assert batch[1].verdict == "error"
    assert any("profiles[1]" in str(p) and "negative" in str(p) for p in batch[1].problems)
    assert batch[2].ok
    assert batch[3].verdict == "error" and "unit profile" in (batch[3].error_text or "")
    assert batch[4].error is given and "clients.csv:4:2" in (batch[4].error_text or "")
    assert batch[5].ok
    assert len(batch.decisions) == 3 and len(batch.errors) == 3
    assert sum(batch.counts().values()) == 6
    assert repr(batch).startswith("<Batch of 6:")
    assert "<table" in batch._repr_html_()


def test_check_many_decisions_equal_check(lib: Library) -> None:
    p = load_profile(EXAMPLES / "demonstration-near-miss.yaml")
    one = lib.check(p, "demonstration")
    many = lib.check_many([p, p], "demonstration")
    assert [o.decision.model_dump_json() for o in many if o.decision] == \
        [one.model_dump_json()] * 2


def test_check_many_unknown_designation_is_the_callers_mistake(lib: Library) -> None:
    with pytest.raises(IpdesignateError, match="did you mean 'pilot'"):
        lib.check_many([], "pilott")


def test_check_many_date_and_version(lib: Library) -> None:
    p = load_profile(EXAMPLES / "pilot-enterprise.yaml")
    batch = lib.check_many([p], "pilot", on=dt.date(2010, 1, 1))
    assert batch[0].verdict == "error" and "in force" in (batch[0].error_text or "")
    named = lib.check_many([p], "pilot", version="2018")
    assert named[0].decision is not None and named[0].decision.rulebook.version == "2018"
    old = lib.check_many([p], "pilot", on=dt.date(2010, 1, 1), version="2018")
    assert old[0].decision is not None
    assert old[0].decision.basis.mode == "as_if"
    assert "参考评估，非现行认定依据" in old[0].decision.warnings[0]
    missing = lib.check_many([p], "pilot", version="1999")
    assert "no version '1999'" in (missing[0].error_text or "")


def test_check_all_answers_every_open_designation(lib: Library) -> None:
    unit = load_profile(EXAMPLES / "pilot-enterprise.yaml")
    batch = lib.check_all(unit)
    assert [o.designation for o in batch] == ["pilot", "demonstration"]
    assert all(o.ok for o in batch)
    carrier = load_profile(EXAMPLES / "carrier-missing-data.yaml")
    designations = [o.designation for o in lib.check_all(carrier)]
    assert designations and "pilot" not in designations
    assert all(d.applicant["kind"] == "carrier" for d in lib.check_all(carrier).decisions)


def test_check_all_without_open_designations_says_why(lib: Library, tmp_path: Path) -> None:
    p = load_profile(EXAMPLES / "pilot-enterprise.yaml")
    with pytest.raises(IpdesignateError, match="no designation is open"):
        lib.check_all(p, on=dt.date(2000, 1, 1))
