"""Render a Decision for people: terminal text, Markdown, and HTML for Jupyter."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from .._core.exact import exact_str
from ..rulebook.base import Citation
from ..rulebook.sourcetext import zh_number
from .trace import CriterionResult

if TYPE_CHECKING:  # the model imports this module to render itself
    from .model import Decision

VERDICT_WORDS = {
    "eligible": ("符合条件", "eligible"),
    "ineligible": ("不符合条件", "ineligible"),
    "undetermined": ("信息不足，无法判断", "undetermined: information is missing"),
    "needs_review": ("需人工审查", "needs an officer's review"),
    "suspended": ("暂停认定", "suspended"),
}
STATUS_MARKS = {
    "pass": "✔ pass", "fail": "✘ fail", "unknown": "? unknown", "review": "◇ review",
    "not_applicable": "– n/a", "exempt": "○ exempt",
}
STATUS_COLOURS = {
    "pass": "#1a7f37", "fail": "#cf222e", "unknown": "#9a6700", "review": "#8250df",
    "not_applicable": "#6e7781", "exempt": "#0969da",
}


def clause(c: Citation) -> str:
    """第十五条第二款第一项 — article, paragraph, item: the way laws refer to clauses."""
    text = f"第{zh_number(c.article)}条"
    if c.paragraph:
        text += f"第{zh_number(c.paragraph)}款"
    if c.item:
        text += f"第{zh_number(c.item)}项"
    return text


def _value(v: Any) -> str:
    if v is None:
        return "missing"
    if v is True:
        return "yes"
    if v is False:
        return "no"
    if isinstance(v, list):
        return "[" + "; ".join(map(str, v)) + "]" if v else "none"
    if hasattr(v, "as_integer_ratio") and not isinstance(v, (int, float)):
        return exact_str(v)
    return str(v)


def _lines(r: CriterionResult) -> list[str]:
    """The explanation lines of one criterion, in reading order."""
    out = [f"「{r.cite.text}」"]
    tr = r.trace
    if tr is not None:
        if tr.inputs and not tr.figures:
            out.append("; ".join(f"{k} = {_value(v)}" for k, v in tr.inputs.items()))
        for f in tr.figures:
            line = f"{f.text} → {f.status}"
            if f.gap_text:
                line += f"; {f.gap_text}"
            out.append(line)
        if tr.missing:
            out.append("missing: " + ", ".join(tr.missing))
        out.extend(tr.notes)
    for u in r.readings:
        out.append(f"reading {u.term} ({u.name}): {u.option} — {u.says}")
    if r.exemption is not None and r.exemption_status is not None:
        out.append(f"exemption {clause(r.exemption)} 「{r.exemption.text}」: "
                   f"{r.exemption_status}")
    if r.relaxation is not None:
        out.append(f"relaxed to review under {clause(r.relaxation)} 「{r.relaxation.text}」")
    return out


def render_text(d: Decision) -> str:
    zh, en = VERDICT_WORDS[d.verdict]
    rb = d.rulebook
    lines = [
        f"{d.designation.name.zh} · {d.designation.name.en}",
        f"申请单位 Applicant: {d.applicant['name']} ({d.applicant['entity_type']})"
        f" · 日期 as of {d.as_of.isoformat()}",
        f"依据 Rulebook: 《{rb.title.zh}》 {rb.id} {rb.version} (sha256 {rb.sha256[:12]}…)",
        f"结论 Verdict: {d.verdict.upper()} — {zh} / {en}",
        "",
    ]
    for r in d.criteria:
        head = f"{STATUS_MARKS[r.status]:<10} {clause(r.cite):<14} {r.text.zh} / {r.text.en}"
        lines.append(head)
        if r.status != "not_applicable":
            lines.extend(f"{'':11}{x}" for x in _lines(r))
    for s in d.suspensions:
        lines.append(f"{'suspension':<10} {clause(Citation(**s.citation)):<14} {s.text.zh} / "
                     f"{s.text.en}: {'holds' if s.status == 'pass' else s.status}")
    if d.missing:
        lines += ["", "尚缺信息 Missing information:"] + [f"  - {m}" for m in d.missing]
    if d.warnings:
        lines += ["", "提示 Warnings:"] + [f"  - {w}" for w in d.warnings]
    return "\n".join(lines) + "\n"


def render_markdown(d: Decision) -> str:
    zh, en = VERDICT_WORDS[d.verdict]
    rb = d.rulebook
    out = [
        f"## {d.designation.name.zh} · {d.designation.name.en}",
        "",
        f"**Verdict: {d.verdict}** — {zh} / {en}  ",
        f"Applicant: {d.applicant['name']} ({d.applicant['entity_type']}), "
        f"as of {d.as_of.isoformat()}  ",
        f"Rulebook: 《{rb.title.zh}》 `{rb.id}` {rb.version}, sha256 `{rb.sha256[:12]}…`",
        "",
        "| status | clause | criterion | explanation |",
        "|---|---|---|---|",
    ]
    for r in d.criteria:
        detail = "<br>".join(_md(x) for x in _lines(r)) if r.status != "not_applicable" else ""
        out.append(f"| {r.status} | {clause(r.cite)} | {_md(r.text.zh)}<br>{_md(r.text.en)} "
                   f"| {detail} |")
    if d.missing:
        out += ["", "**Missing information:** " + ", ".join(f"`{m}`" for m in d.missing)]
    if d.warnings:
        out += ["", "**Warnings:**", *[f"- {w}" for w in d.warnings]]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_html(d: Decision) -> str:
    zh, en = VERDICT_WORDS[d.verdict]
    rows = []
    for r in d.criteria:
        colour = STATUS_COLOURS[r.status]
        detail = ("<br>".join(html.escape(x) for x in _lines(r))
                  if r.status != "not_applicable" else "")
        rows.append(
            f"<tr><td style='color:{colour};font-weight:bold'>{html.escape(r.status)}</td>"
            f"<td>{html.escape(clause(r.cite))}</td>"
            f"<td>{html.escape(r.text.zh)}<br><small>{html.escape(r.text.en)}</small></td>"
            f"<td><small>{detail}</small></td></tr>")
    counts = ", ".join(f"{k}: {v}" for k, v in d.counts.items())
    missing = ("<p><b>Missing:</b> " + ", ".join(f"<code>{html.escape(m)}</code>"
                                                  for m in d.missing) + "</p>") if d.missing else ""
    warnings = ("<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in d.warnings) + "</ul>"
                if d.warnings else "")
    colour = {"eligible": "#1a7f37", "ineligible": "#cf222e"}.get(d.verdict, "#9a6700")
    return (
        f"<div><h4>{html.escape(d.designation.name.zh)} · "
        f"{html.escape(d.designation.name.en)}</h4>"
        f"<p><b style='color:{colour}'>{html.escape(d.verdict)}</b> — {html.escape(zh)} / "
        f"{html.escape(en)} · {html.escape(d.applicant['name'])} · as of {d.as_of.isoformat()}"
        f" · {html.escape(counts)}</p>"
        f"<table><thead><tr><th>status</th><th>clause</th><th>criterion</th>"
        f"<th>explanation</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{missing}{warnings}<p><small>{html.escape(d.rulebook.id)} "
        f"{html.escape(d.rulebook.version)} sha256 {d.rulebook.sha256[:12]}…</small></p></div>")
