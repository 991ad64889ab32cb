"""HTML views of decisions, clear at a glance: for Jupyter and for reports.

Every element carries its own alignment and font settings inline, so a notebook's
stylesheet (Jupyter right-aligns table cells) cannot rearrange it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Decision

VERDICT_COLOURS = {
    "eligible": "#1a7f37", "ineligible": "#cf222e", "undetermined": "#9a6700",
    "needs_review": "#8250df", "suspended": "#6e7781", "error": "#cf222e",
}
_CELL = "text-align:left;vertical-align:top;padding:2px 8px;border-bottom:1px solid #ddd"
_TABLE = "border-collapse:collapse;margin:0;text-align:left"


def _e(text: object) -> str:
    return html.escape(str(text))


TableRow = tuple[str, str, "Decision | None", "str | None"]


def render_table(rows: Sequence[TableRow]) -> str:
    """A compact table: one line per (applicant, designation), verdict and what decides it.

    ``rows`` are ``(applicant, designation, decision or None, error text or None)``.
    """
    head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in
                   ("#", "applicant", "designation", "verdict", "summary"))
    body = []
    for i, (who, designation, d, error) in enumerate(rows):
        verdict = d.verdict if d is not None else "error"
        summary = _summary(d) if d is not None else (error or "")
        body.append(
            f"<tr><td style='{_CELL}'>{i}</td><td style='{_CELL}'>{_e(who)}</td>"
            f"<td style='{_CELL}'>{_e(designation)}</td>"
            f"<td style='{_CELL};color:{VERDICT_COLOURS[verdict]};font-weight:bold'>"
            f"{_e(verdict)}</td><td style='{_CELL}'>{_e(summary)}</td></tr>")
    return (f"<div class='ipdesignate-table' style='text-align:left'><table style='{_TABLE}'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _summary(d: Decision) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in d.counts.items())
    return counts


def render_decision(d: Decision) -> str:  # replaced by the full view below
    return render_table([(d.applicant["name"], d.designation.id, d, None)])


def render_report(rows: Sequence[TableRow], title: str = "ipdesignate report",
                  summary: Sequence[str] = ()) -> str:
    """A multi-client HTML report: the summary, the compact table, then each decision."""
    parts = [f"<h1 style='text-align:left'>{_e(title)}</h1>"]
    if summary:
        parts.append("<pre style='text-align:left'>" + _e("\n".join(summary)) + "</pre>")
    parts.append(render_table(rows))
    for i, (who, designation, d, error) in enumerate(rows):
        parts.append(f"<section id='r{i}'><h2 style='text-align:left'>{i}. {_e(who)} · "
                     f"{_e(designation)}</h2>")
        parts.append(render_decision(d) if d is not None else
                     f"<p style='color:#cf222e'>error: {_e(error)}</p>")
        parts.append("</section>")
    return ("<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title></head><body style='font-family:sans-serif;"
            f"text-align:left'>{''.join(parts)}</body></html>\n")
