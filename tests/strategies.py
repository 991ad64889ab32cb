"""Hypothesis strategies for profiles of the demo measure (kept apart, as attrs does)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

money = st.integers(min_value=1, max_value=10**9).map(Decimal)
counts = st.integers(min_value=0, max_value=500)


@st.composite
def unit_profiles(draw: st.DrawFn) -> dict[str, Any]:
    """A unit profile with any mix of known and missing facts and figures."""
    maybe_bool = st.one_of(st.none(), st.booleans())
    years = {}
    for year in (2021, 2022, 2023):
        valid = draw(st.integers(min_value=1, max_value=200))
        years[year] = {
            "rd_expenditure": draw(st.one_of(st.none(), money)),
            "valid_patents": valid,
            "implemented_patents": draw(st.integers(min_value=0, max_value=valid)),
            "ip_expenditure": draw(st.one_of(st.none(), money)),
        }
    events = draw(st.one_of(st.none(), st.lists(
        st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2024, 3, 15)).map(
            lambda d: {"id": f"e{d.isoformat()}", "type": "intentional_infringement_finding",
                       "date": d}), max_size=2, unique_by=lambda e: e["id"])))
    data: dict[str, Any] = {
        "kind": "unit", "name": "Hypothesis Co",
        "entity_type": draw(st.sampled_from(["enterprise", "university", "research_institute"])),
        "application_date": dt.date(2024, 3, 15),
        "registered_in_beijing": draw(maybe_bool),
        "independent_legal_person": draw(maybe_bool),
        "ip_full_time_staff": draw(st.one_of(st.none(), counts)),
        "group_enterprise": draw(maybe_bool),
        "under_investigation": draw(maybe_bool),
        "yearly": years,
    }
    if events is not None:
        data["events"] = events
    return {k: v for k, v in data.items() if v is not None}


@st.composite
def carrier_profiles(draw: st.DrawFn) -> dict[str, Any]:
    members = draw(st.integers(min_value=1, max_value=300))
    return {
        "kind": "carrier", "name": "Park", "entity_type": "park",
        "application_date": dt.date(2024, 3, 15),
        "member_units": members,
        "sme_members": draw(st.integers(min_value=0, max_value=members)),
        "operating_since": draw(st.dates(min_value=dt.date(2020, 1, 1),
                                         max_value=dt.date(2024, 3, 15))),
    }
