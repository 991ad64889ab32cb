"""Words for a consultant: the one-line summary, what it would take, what to ask for.

All of it is read from the decision's data (criteria, figures, ``would_take`` needs,
``missing_items``), so a decision reloaded from JSON says the same as a fresh one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checklist import MissingItem, checklist, missing_items
from .render import clause
from .trace import FAIL, REVIEW, UNKNOWN, CriterionResult, Need

if TYPE_CHECKING:
    from .model import Decision

_DECIDING = {"ineligible": FAIL, "undetermined": UNKNOWN, "needs_review": REVIEW}
_VERBS = {FAIL: "fails", UNKNOWN: "cannot decide", REVIEW: "needs review of"}


def what_it_takes(r: CriterionResult) -> list[Need]:
    """What would make a failed criterion pass (empty for any other status)."""
    if r.status != FAIL or r.trace is None:
        return []
    return list(r.trace.needs)


def _decided(d: Decision) -> list[CriterionResult]:
    return [r for r in d.criteria if r.status not in ("not_applicable",)]


def criterion_summary(r: CriterionResult) -> str:
    """``第五条第五项 近三年研发投入平均增幅… mean growth … = 8.63% (needs at least 10%);
    short by 1.37 percentage points``."""
    text = f"{clause(r.cite)} {r.text.zh}"
    tr = r.trace
    if tr is None:
        return text
    if r.status == FAIL:
        figs = [f for f in tr.figures if f.status == FAIL]
        if figs:
            f = figs[0]
            text += f": {f.text}" + (f", {f.gap_text}" if f.gap_text else "")
        elif tr.needs:
            text += f": {tr.needs[0].text}"
    elif r.status == UNKNOWN and tr.missing:
        text += ": missing " + ", ".join(tr.missing[:3]) + (" …" if len(tr.missing) > 3 else "")
    return text


def summary_line(d: Decision) -> str:
    """One line: how many criteria decide the verdict, and the first of them."""
    counted = _decided(d)
    status = _DECIDING.get(d.verdict)
    if d.verdict == "suspended":
        held = [s for s in d.suspensions if s.status == "pass"]
        return "suspended: " + ", ".join(s.text.zh for s in held)
    if status is None:
        return f"passes all {len(counted)} criteria"
    hits = [r for r in counted if r.status == status]
    line = f"{_VERBS[status]} {len(hits)} of {len(counted)}: {criterion_summary(hits[0])}"
    if len(hits) > 1:
        line += f" (+{len(hits) - 1} more)"
    return line


__all__ = ["MissingItem", "checklist", "criterion_summary", "missing_items", "summary_line",
           "what_it_takes"]
