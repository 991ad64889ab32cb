"""Random pilot applicants for the benchmarks: columns first (fast for a million), and
profile objects built from the same rows for the scalar loop.

Values sit around the pilot thresholds (exactly 40% implementation rates, zero patent
applications, flat R&D series), and about one value in twenty is missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

YEARS = (2021, 2022, 2023)
FACTS = ("registered_in_beijing", "independent_legal_person", "in_key_industry",
         "has_ip_department", "headquarters_enterprise",
         "group_enterprise", "under_investigation")
STANDARDS = ("none", "reference", "implemented", "above")


def _maybe(rng: np.random.Generator, n: int, p_missing: float = 0.05) -> np.ndarray:
    return rng.random(n) < p_missing


def columns(n: int, seed: int = 20241130) -> dict[str, Any]:
    """``n`` applicants as numpy columns (``None`` where missing, object dtype there)."""
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {"entity_type": np.array(["enterprise"] * n, dtype=object)}
    for name in FACTS:
        values = (rng.random(n) < (0.03 if name == "under_investigation" else 0.93)).astype(object)
        values[_maybe(rng, n)] = None
        out[name] = values
    staff = rng.integers(0, 4, n).astype(object)
    staff[_maybe(rng, n)] = None
    out["ip_full_time_staff"] = staff
    std = np.array(STANDARDS, dtype=object)[rng.integers(0, 4, n)]
    std[_maybe(rng, n)] = None
    out["ip_management_standard"] = std
    base = rng.integers(1_000_000, 20_000_000, n)
    for i, year in enumerate(YEARS):
        rd = (base + rng.integers(-200_000, 1_500_000, n) * i).astype(object)
        rd[_maybe(rng, n, 0.02)] = None
        out[f"yearly[{year}].rd_expenditure"] = rd
        apps = rng.integers(0, 3, n)
        inv = np.minimum(apps, rng.integers(0, 3, n))
        a, v = apps.astype(object), inv.astype(object)
        a[_maybe(rng, n, 0.02)] = None
        out[f"yearly[{year}].patent_applications"] = a
        out[f"yearly[{year}].invention_applications"] = v
        valid = rng.integers(1, 40, n)
        # a quarter of the rows sit exactly on 40%
        impl = np.where(rng.random(n) < 0.25, (valid * 2) // 5,
                        rng.integers(0, 40, n) % (valid + 1))
        out[f"yearly[{year}].valid_patents"] = valid.astype(object)
        im = impl.astype(object)
        im[_maybe(rng, n, 0.02)] = None
        out[f"yearly[{year}].implemented_patents"] = im
    att = (rng.random(n) < 0.9).astype(object)
    att[_maybe(rng, n, 0.1)] = None
    out["attestations.ip_strategy"] = att
    return out


def profile_dict(cols: dict[str, Any], i: int) -> dict[str, Any]:
    """Row ``i`` as a profile document (what a user would write in YAML)."""
    data: dict[str, Any] = {"kind": "unit", "name": f"applicant {i}",
                            "entity_type": cols["entity_type"][i],
                            "application_date": dt.date(2024, 3, 15), "events": []}
    for name in (*FACTS, "ip_full_time_staff", "ip_management_standard"):
        v = cols[name][i]
        if v is not None:
            data[name] = v
    yearly: dict[int, dict[str, Any]] = {}
    for year in YEARS:
        rec: dict[str, Any] = {}
        for field in ("rd_expenditure", "patent_applications", "invention_applications",
                      "valid_patents", "implemented_patents"):
            v = cols[f"yearly[{year}].{field}"][i]
            if v is not None:
                rec[field] = Decimal(int(v)) if field == "rd_expenditure" else int(v)
        yearly[year] = rec
    data["yearly"] = yearly
    att = cols["attestations.ip_strategy"][i]
    if att is not None:
        data["attestations"] = {"ip_strategy": {"holds": bool(att), "by": "bench",
                                                "on": dt.date(2024, 3, 1), "evidence": "bench"}}
    return data
