"""The floor: the pilot-unit criteria hand-written in plain Python with Decimal arithmetic.

Same profile objects, same exact arithmetic, no trace beyond a status per criterion. This
is what a careful engineer would write without a rules engine; benchmarks compare with it.
It deliberately hard-codes the law: it is a yardstick, not part of the library.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

_40 = Decimal("0.40")
_THREE = Decimal(3)


def _within(event: dt.date, on: dt.date, years: int) -> bool:
    return event <= on and event + relativedelta(years=years) >= on


def pilot_floor(p: Any, on: dt.date) -> dict[str, str]:
    out: dict[str, str] = {}

    def status(v: bool | None) -> str:
        return "unknown" if v is None else ("pass" if v else "fail")

    reg, legal = p.registered_in_beijing, p.independent_legal_person
    out["registered_legal_person"] = (
        "fail" if reg is False or legal is False else status(reg and legal if
                                                             None not in (reg, legal) else None))
    out["key_industry"] = status(p.in_key_industry)
    out["ip_strategy"] = "pass" if "ip_strategy" in p.attestations else "review"
    staff = p.ip_full_time_staff
    out["ip_department_and_staff"] = status(
        None if p.has_ip_department is None or staff is None
        else p.has_ip_department and staff >= 1)
    std = p.ip_management_standard
    out["ip_management_system"] = status(None if std is None else std != "none")
    years = [on.year - 3, on.year - 2, on.year - 1]
    recs = [p.yearly.get(y) for y in years]
    rd = [r.rd_expenditure if r else None for r in recs]
    out["rd_growth"] = status(None if None in rd else rd[0] < rd[1] < rd[2])
    apps = [r.patent_applications if r else None for r in recs]
    inv = [r.invention_applications if r else None for r in recs]
    out["patent_applications"] = status(
        None if None in apps or None in inv else sum(apps) >= 1 or sum(inv) >= 1)
    if p.entity_type == "enterprise":
        rates = []
        for r in recs:
            if r is None or r.valid_patents in (None, 0) or r.implemented_patents is None:
                rates = None
                break
            rates.append(Decimal(r.implemented_patents) / Decimal(r.valid_patents))
        out["implementation_rate"] = status(None if rates is None else
                                            sum(rates) / _THREE >= _40)
    events = p.events
    if events is None:
        for k in ("no_infringement_3y", "no_false_materials", "no_violations_3y", "no_bad_faith",
                  "not_barred"):
            out[k] = "unknown"
    else:
        def none(kinds: tuple[str, ...]) -> str:
            hit = any(e.type in kinds and _within(e.date, on, 3) for e in events)
            return "fail" if hit else "pass"

        out["no_infringement_3y"] = none(("intentional_infringement_finding",))
        out["no_false_materials"] = none(("false_materials_finding",))
        out["no_violations_3y"] = none(("intentional_infringement_finding",
                                        "ip_administrative_penalty", "other_violation"))
        out["no_bad_faith"] = none(("dishonesty_finding",))
        out["not_barred"] = none(("revocation_announcement",))
    return out
