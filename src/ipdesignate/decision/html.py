"""HTML views of decisions, clear at a glance: for Jupyter and for reports.

Every element carries its own alignment and font settings inline, so a notebook's
stylesheet (Jupyter right-aligns table cells) cannot rearrange it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .advice import criterion_summary, summary_line, what_it_takes
from .checklist import missing_items
from .render import (
    DECLARED,
    PRIORITY_HEAD,
    STATUS_COLOURS,
    STATUS_MARKS,
    VERDICT_WORDS,
    _notice_lines,
    clause,
    declared,
    header,
    priority_lines,
    provenance_lines,
    suspension_line,
)
from .trace import CriterionResult

if TYPE_CHECKING:
    from .model import Decision

VERDICT_COLOURS = {
    "eligible": "#1a7f37", "ineligible": "#cf222e", "undetermined": "#9a6700",
    "needs_review": "#8250df", "suspended": "#6e7781", "error": "#cf222e",
}
_LEFT = "text-align:left!important"  # inline and important: beats a notebook's stylesheet
_CELL = f"{_LEFT};vertical-align:top;padding:2px 8px;border-bottom:1px solid #ddd"
_BOX = ("font-family:-apple-system,'Segoe UI','Noto Sans CJK SC','PingFang SC',"
        f"'WenQuanYi Micro Hei',sans-serif;{_LEFT};line-height:1.45;max-width:1000px;"
        "color:#1f2328")
_DETAILS = f"margin:6px 0;{_LEFT}"
_SUMMARY = f"cursor:pointer;{_LEFT}"
_P = "margin:2px 0;text-align:left!important"
_SMALL = "font-size:85%;color:#57606a;text-align:left!important"
_TABLE = "border-collapse:collapse;margin:0;text-align:left!important"


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
    counts: dict[str, int] = {}
    for _, _, d, _ in rows:
        v = d.verdict if d is not None else "error"
        counts[v] = counts.get(v, 0) + 1
    line = f"{len(rows)} answers: " + ", ".join(f"{n} {v}" for v, n in counts.items())
    return (f"<div class='ipdesignate-table' style='{_BOX}'><div class='ipd-summary' "
            f"style='{_P};font-weight:bold'>{_e(line)}</div><table style='{_TABLE}'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _summary(d: Decision) -> str:
    return summary_line(d)


# ---- one decision at a glance ------------------------------------------------------------

_FIRST = ("fail", "unknown", "review")


def _badge(verdict: str) -> str:
    zh, en = VERDICT_WORDS.get(verdict, (verdict, verdict))
    colour = VERDICT_COLOURS.get(verdict, "#57606a")
    return (f"<span class='ipd-verdict' style='display:inline-block;background:{colour};"
            f"color:#fff;border-radius:4px;padding:1px 8px;font-weight:bold'>"
            f"{_e(verdict.upper())}</span> <span style='color:{colour}'>{_e(zh)} / {_e(en)}</span>")


def _card(r: CriterionResult, refs: dict[str, int]) -> str:
    """A criterion that decides the verdict: its clause, figures, gap, what it would take,
    what is missing, and the readings it uses (by reference)."""
    colour = STATUS_COLOURS[r.status]
    tr = r.trace
    parts = [f"<div style='{_P}'><b style='color:{colour}'>{_e(STATUS_MARKS[r.status])}</b> "
             f"<b>{_e(clause(r.cite))}</b> {_e(r.text.zh)} "
             f"<span style='{_SMALL}'>/ {_e(r.text.en)}</span></div>",
             f"<div style='{_SMALL}'>「{_e(r.cite.text)}」</div>",
             *(f"<div class='ipd-provenance' style='{_SMALL}'>{_e(x)}</div>"
               for x in provenance_lines(r.cite))]
    if tr is not None:
        for f in tr.figures:
            gap = (f" — <b style='color:{colour}'>{_e(f.gap_text)}</b>" if f.gap_text else "")
            parts.append(f"<div style='{_P}'>{_e(f.text)} → {_e(f.status)}{gap}</div>")
        needs = what_it_takes(r)
        if needs:
            parts.append(f"<div style='{_P}'><b>what it would take:</b></div><ul style='margin:"
                         f"0 0 0 1.2em;padding:0;text-align:left!important'>"
                         + "".join(f"<li style='{_P}'>{_e(n.text)}</li>" for n in needs)
                         + "</ul>")
        if r.status == "unknown" and tr.missing:
            parts.append(f"<div style='{_P}'><b>missing:</b> {_e(', '.join(tr.missing))}</div>")
        for note in tr.notes:
            parts.append(f"<div style='{_SMALL}'>{_e(note)}</div>")
    if r.readings:
        parts.append(f"<div style='{_SMALL}'>readings: " + ", ".join(
            f"<a href='#reading-{refs[u.name]}'>[{refs[u.name]}] {_e(u.term)}</a>"
            for u in r.readings) + "</div>")
    if r.relaxation is not None:
        parts.append(f"<div style='{_SMALL}'>relaxed to review under {_e(clause(r.relaxation))}"
                     "</div>")
    return (f"<div class='ipd-criterion ipd-{r.status}' style='border-left:4px solid {colour};"
            f"padding:4px 10px;margin:6px 0;text-align:left!important'>{''.join(parts)}</div>")


def _pass_row(r: CriterionResult) -> str:
    tr = r.trace
    shown = "; ".join(f.text for f in tr.figures) if tr is not None and tr.figures else ""
    shown = "; ".join(x for x in (shown, *provenance_lines(r.cite)) if x)
    mark = f"✔ {DECLARED[0]}" if declared(r) else STATUS_MARKS[r.status]
    return (f"<tr><td style='{_CELL};color:{STATUS_COLOURS[r.status]};white-space:nowrap'>"
            f"{_e(mark)}</td><td style='{_CELL};white-space:nowrap'>{_e(clause(r.cite))}</td>"
            f"<td style='{_CELL}'>{_e(r.text.zh)}</td><td style='{_CELL}'>{_e(shown)}</td></tr>")


def render_html(d: Decision) -> str:
    """One decision, clear at a glance: the verdict and a one-line summary first; the
    criteria that decide it (fail, unknown, review) with their gap, what it would take and
    what is missing; the checklist of what to ask for; the passes collapsed; each reading
    shown once; the officer's header (dates, footing, procedure) and warnings collapsed.
    Every element carries its own alignment, so a notebook's stylesheet cannot move it."""
    refs: dict[str, int] = {}
    readings = []
    for r in d.criteria:
        for u in r.readings:
            if u.name not in refs:
                refs[u.name] = len(refs) + 1
                readings.append(u)
    first = [r for r in d.criteria if r.status in _FIRST]
    first.sort(key=lambda r: _FIRST.index(r.status))
    rest = [r for r in d.criteria if r.status not in _FIRST]
    out = [f"<div class='ipdesignate-decision' style='{_BOX}'>",
           f"<div style='{_P};font-size:110%'>{_badge(d.verdict)} "
           f"<b>{_e(d.designation.name.zh)}</b> · {_e(d.applicant['name'])} · "
           f"<span style='{_SMALL}'>as of {d.as_of.isoformat()}</span></div>",
           f"<div class='ipd-summary' style='{_P};font-weight:bold'>{_e(summary_line(d))}</div>"]
    head = header(d)
    if d.basis.banner:
        out.append(f"<div style='{_P};border:2px solid #cf222e;padding:2px 6px'>"
                   f"{_e(head[0])}</div>")
    out.append(f"<div style='{_SMALL}'>{_e(head[2 if d.basis.banner else 1])}</div>")
    for s in d.suspensions:
        if s.status != "fail":
            out.append(f"<div style='{_P}'>{_e(suspension_line(s))}</div>")
    out += [_card(r, refs) for r in first]
    pri = priority_lines(d)
    if pri:  # what strengthens a competitive application; never part of the verdict
        out.append(f"<div class='ipd-priority' style='{_P};margin-top:8px'><b>"
                   f"{_e(PRIORITY_HEAD[0])} / {_e(PRIORITY_HEAD[1])}</b></div><ul style='margin:"
                   f"0 0 0 1.2em;padding:0;text-align:left!important'>"
                   + "".join(f"<li style='{_P}'>{_e(x)}</li>" for x in pri) + "</ul>")
    items = missing_items(d)
    if items:
        out.append(f"<div style='{_P};margin-top:8px'><b>请补充 / please provide</b></div>"
                   f"<ul class='ipd-checklist' style='margin:0 0 0 1.2em;padding:0;"
                   f"text-align:left!important'>" + "".join(
                       f"<li style='{_P}'>☐ {_e(m.label_text())} <span style='{_SMALL}'>"
                       f"{_e(m.label_en_text())} — 用于 {_e('、'.join(m.clauses))}</span></li>"
                       for m in items) + "</ul>")
    if rest:
        counts = ", ".join(f"{sum(1 for r in rest if r.status == s)} {s}"
                           for s in ("pass", "exempt", "not_applicable")
                           if any(r.status == s for r in rest))
        passes = "".join(_pass_row(r) for r in rest)
        out.append(f"<details style='{_DETAILS}'><summary style='{_SUMMARY}'>{_e(counts)}"
                   f"</summary><table style='{_TABLE}'><tbody>{passes}</tbody></table>"
                   "</details>")
    if readings:
        out.append(f"<details style='{_DETAILS}'><summary style='{_SUMMARY}'>readings used "
                   f"({len(readings)})</summary>" + "".join(
                       f"<div id='reading-{refs[u.name]}' style='{_SMALL}'>[{refs[u.name]}] "
                       f"<b>{_e(u.term)}</b> ({_e(u.name)}): {_e(u.option)} — {_e(u.says)}</div>"
                       for u in readings) + "</details>")
    notes = (head[(2 if d.basis.banner else 1):] + _notice_lines(d)
             + [suspension_line(s) for s in d.suspensions if s.status == "fail"]
             + list(d.warnings))
    out.append(f"<details style='{_DETAILS}'><summary style='{_SUMMARY}'>dates, footing and "
               f"warnings ({len(d.warnings)} warnings)</summary>"
               + "".join(f"<div style='{_SMALL}'>{_e(x)}</div>" for x in notes)
               + "</details>")
    out.append("</div>")
    return "".join(out)


__all__ = ["criterion_summary", "render_html", "render_report", "render_table"]


def render_report(rows: Sequence[TableRow], title: str = "ipdesignate report",
                  summary: Sequence[str] = ()) -> str:
    """A multi-client HTML report: the summary, the compact table, then each decision."""
    parts = [f"<h1 style='text-align:left!important'>{_e(title)}</h1>"]
    if summary:
        parts.append("<pre style='text-align:left!important'>" + _e("\n".join(summary)) + "</pre>")
    parts.append(render_table(rows))
    for i, (who, designation, d, error) in enumerate(rows):
        parts.append(f"<section id='r{i}'><h2 style='text-align:left!important'>{i}. {_e(who)} · "
                     f"{_e(designation)}</h2>")
        parts.append(render_html(d) if d is not None else
                     f"<p style='color:#cf222e'>error: {_e(error)}</p>")
        parts.append("</section>")
    return ("<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title></head><body style='font-family:sans-serif;"
            f"text-align:left!important'>{''.join(parts)}</body></html>\n")
