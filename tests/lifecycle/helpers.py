"""Shared helpers: load the real lifecycle sections and wrap them in a minimal rulebook."""

from __future__ import annotations

import datetime as _dt
from functools import cache
from pathlib import Path
from typing import Any

from ipdesignate._core.yaml import load_file
from ipdesignate.applicant.events import Event
from ipdesignate.lifecycle.engine import CompiledLifecycle, compile_lifecycle
from ipdesignate.rulebook.model import Rulebook

ROOT = Path(__file__).resolve().parents[2]
RULEBOOKS = {
    "bj-ip-pilot-demonstration": ROOT / "rulebooks" / "bj-ip-pilot-demonstration" / "2018.yaml",
    "bj-ip-cluster-zone": ROOT / "rulebooks" / "bj-ip-cluster-zone" / "2020.yaml",
}
SOURCES = ROOT / "rulebooks" / "sources"
PILOT = "bj-ip-pilot-demonstration"
CLUSTER = "bj-ip-cluster-zone"

DESIGNATIONS = {PILOT: ("pilot", "demonstration"), CLUSTER: ("cluster_zone",)}
# Test dates only: the real dates are the lead's rulebook's business.
EFFECTIVE = {PILOT: _dt.date(2019, 1, 1), CLUSTER: _dt.date(2020, 7, 1)}


def section(measure: str) -> dict[str, Any]:
    """The measure's ``event_types`` and ``lifecycle``, read from its real rulebook file."""
    problems: list[Any] = []
    located = load_file(RULEBOOKS[measure], problems)
    assert located is not None, problems
    return {"event_types": located.data["event_types"], "lifecycle": located.data["lifecycle"],
            "interpretations": located.data.get("interpretations", {})}


def rulebook_data(measure: str, sec: dict[str, Any] | None = None,
                  effective: _dt.date | None = None) -> dict[str, Any]:
    sec = section(measure) if sec is None else sec
    criterion = {"id": "placeholder", "cite": {"article": 1, "text": "x"},
                 "text": {"zh": "x", "en": "x"}, "check": {"review": {"zh": "x", "en": "x"}}}
    return {
        "rulebook": 1, "id": measure, "version": "test",
        "title": {"zh": "测试", "en": "test"}, "issuer": {"zh": "测试", "en": "test"},
        "document_number": {"value": None, "confirmed": False},
        "issued": {"date": EFFECTIVE[measure], "confirmed": False},
        "effective": {"from": {"date": effective or EFFECTIVE[measure], "confirmed": False}},
        "source": {"file": f"../sources/{measure}.zh.txt"},
        "event_types": sec["event_types"],
        # the readings that choose between lifecycle rules (if_reading)
        "interpretations": sec.get("interpretations", {}),
        "designations": {
            d: {"name": {"zh": d, "en": d}, "profile": "unit", "applies_to": ["enterprise"],
                "criteria": [criterion]}
            for d in DESIGNATIONS[measure]
        },
        "lifecycle": sec["lifecycle"],
    }


def rulebook(measure: str) -> Rulebook:
    return Rulebook.model_validate(rulebook_data(measure))


@cache
def compiled(measure: str) -> CompiledLifecycle:
    return compile_lifecycle(rulebook(measure))


def ev(i: int | str, type_: str, date: str, designation: str | None = None,
       **details: Any) -> Event:
    return Event(id=str(i), type=type_, date=_dt.date.fromisoformat(date),
                 designation=designation, details=details)


def d(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)
