"""No exception but the documented family escapes the public API for bad input
(docs/errors.md): generated garbage in, ``IpdesignateError`` (or a result) out."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipdesignate import IpdesignateError, Library, load_profile, parse_profile
from ipdesignate._core.problem_doc import PROBLEM_TYPES, problem_document, slug_of

ROOT = Path(__file__).resolve().parent.parent
LIB = Library.load([ROOT / "rulebooks"])
GOOD = LIB.load_profile(ROOT / "examples" / "pilot-enterprise.yaml")

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=10), st.dates().map(_dt.date.isoformat))
garbage = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(0, 3000), st.none()), inner,
                    max_size=4)), max_leaves=12)
profile_like = st.fixed_dictionaries(
    {"kind": st.sampled_from(["unit", "carrier", "x", 1, None])},
    optional={"name": scalars, "entity_type": scalars, "yearly": garbage, "events": garbage,
              "attestations": garbage, "application_date": scalars,
              "registered_in_beijing": scalars, "member_units": scalars})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(garbage, profile_like))
def test_parse_profile_raises_only_the_family(data: Any) -> None:
    try:
        profile = parse_profile(data)
    except IpdesignateError as exc:
        assert slug_of(exc) in PROBLEM_TYPES
        json.dumps(problem_document(exc))  # every error has a JSON problem document
        return
    for designation in ("pilot", "demonstration", "cluster_zone"):
        with contextlib.suppress(IpdesignateError):
            LIB.check(profile, designation, _dt.date(2024, 3, 15))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_load_profile_of_any_bytes_raises_only_the_family(tmp_path_factory: Any,
                                                          raw: bytes) -> None:
    f = tmp_path_factory.mktemp("p") / "p.yaml"
    f.write_bytes(raw)
    with contextlib.suppress(IpdesignateError):
        load_profile(f)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.one_of(st.none(), st.dates()),
       st.one_of(st.none(), st.text(max_size=8)))
def test_check_with_any_designation_date_and_version(designation: str, on: Any,
                                                     version: Any) -> None:
    try:
        LIB.check(GOOD, designation, on, version)
    except IpdesignateError as exc:
        assert slug_of(exc) != "internal-error"


@pytest.mark.parametrize("designation, slug", [
    ("pilott", "unknown-designation"), ("nope:pilot", "unknown-measure"),
])
def test_unknown_names_have_their_own_type(designation: str, slug: str) -> None:
    with pytest.raises(IpdesignateError) as info:
        LIB.check(GOOD, designation)
    assert slug_of(info.value) == slug
