"""Render a Decision for people: terminal text and Markdown (HTML: ``decision.html``).

Each reads like an officer's note: a headline that says what the verdict means and what
follows, a header saying which dates were used and on what footing the measure applied,
then the criteria with the clause, the words of the law and the figures, then the
procedural notes, what is missing and the warnings. Every wording comes from the decision;
nothing here knows a measure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core.exact import exact_str
from ..rulebook.base import Citation
from ..rulebook.sourcetext import zh_number
from .trace import CriterionResult

if TYPE_CHECKING:  # the model imports this module to render itself
    from .model import Decision, SuspensionResult

# The headline: what the verdict means for the applicant. "eligible" is eligible to apply.
VERDICT_WORDS = {
    "eligible": ("符合申报条件（自评辅助，非认定结论）",
                 "meets the conditions to apply (a self-assessment aid, not a designation)"),
    "ineligible": ("不符合", "does not meet the conditions"),
    "undetermined": ("待补充材料", "information is missing"),
    "needs_review": ("需人工审查", "needs an officer's review"),
    "suspended": ("暂停认定", "suspended"),
}
# What follows each verdict (the procedure itself comes from the rulebook).
NEXT_WORDS = {
    "eligible": ("可按下列程序提出申请", "the applicant may apply; the procedure follows"),
    "ineligible": ("见下列“不符合”项；条件满足前不宜申请",
                   "see the criteria marked fail; applying before they are met is pointless"),
    "undetermined": ("补充“尚缺信息”所列材料后重新评估",
                     "supply what is listed as missing, then assess again"),
    "needs_review": ("下列“需审查”项由审查人员判断，其余条件已满足或见各项",
                     "the criteria marked review are for an officer to judge"),
    "suspended": ("查证期间暂停认定工作，查证结束后再行评估",
                  "the designation is suspended while the bureau verifies; assess again after"),
}
STATUS_MARKS = {
    "pass": "✔ pass", "fail": "✘ fail", "unknown": "? unknown", "review": "◇ review",
    "not_applicable": "– n/a", "exempt": "○ exempt",
}
STATUS_COLOURS = {
    "pass": "#1a7f37", "fail": "#cf222e", "unknown": "#9a6700", "review": "#8250df",
    "not_applicable": "#6e7781", "exempt": "#0969da",
}
DECLARED = ("申请人自述，待核实", "self-declared, to be verified")


def clause(c: Citation) -> str:
    """第十五条第二款第一项 — article, paragraph, item: the way laws refer to clauses."""
    text = f"第{zh_number(c.article)}条"
    if c.paragraph:
        text += f"第{zh_number(c.paragraph)}款"
    if c.item:
        text += f"第{zh_number(c.item)}项"
    return text


def _cite(citation: Any) -> Citation:
    # for ``clause`` alone, from a citation the rulebook's validation already checked:
    # constructed, not validated (a text rendering need not build Citation's validator)
    return Citation.model_construct(**citation)


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


def declared(r: CriterionResult) -> bool:
    """A pass that rests on the applicant's own statement (an attestation)."""
    return r.status == "pass" and r.trace is not None and bool(r.trace.declared)


def status_word(r: CriterionResult) -> str:
    return "✔ 申请人自述" if declared(r) else STATUS_MARKS[r.status]


def _lines(r: CriterionResult) -> list[str]:
    """The explanation lines of one criterion, in reading order."""
    out = [f"「{r.cite.text}」", *provenance_lines(r.cite)]
    tr = r.trace
    if tr is not None:
        labels = {f.label for f in tr.figures}
        shown = {k: v for k, v in tr.inputs.items()
                 if not k.startswith("yearly[") and k not in labels}
        if shown:
            out.append("; ".join(f"{k} = {_value(v)}" for k, v in shown.items()))
        for f in tr.figures:
            line = f"{f.text} → {f.status}"
            if f.gap_text:
                line += f"; {f.gap_text}"
            out.append(line)
        if tr.missing and r.status == "unknown":
            out.append("missing: " + ", ".join(tr.missing))
        if r.status == "fail" and tr.needs:
            out.append("what it would take: " + "; ".join(n.text for n in tr.needs))
        out.extend(tr.notes)
        if declared(r):
            out.append(f"{DECLARED[0]} / {DECLARED[1]}: " + ", ".join(tr.declared))
    for u in r.readings:
        out.append(f"reading {u.term} ({u.name}): {u.option} — {u.says}")
    if r.exemption is not None and r.exemption_status is not None:
        out.append(f"exemption {clause(r.exemption)} 「{r.exemption.text}」: "
                   f"{r.exemption_status}")
    if r.relaxation is not None:
        out.append(f"relaxed to review under {clause(r.relaxation)} 「{r.relaxation.text}」")
    return out


def provenance_lines(c: Citation) -> list[str]:
    """Where a citation's words come from besides the measure, and an inferred number."""
    out = []
    if c.inferred is not None:
        out.append(f"条号为推定 article number inferred: {c.inferred.reason}")
    if c.explainer is not None:
        e = c.explainer
        when = f", {e.date.isoformat()}" if e.date else ""
        out.append(f"解读 explained in {e.document}{when}: 「{e.text}」（未与办法原文核对 / "
                   "not checked against the measure's text）" + (f" {e.url}" if e.url else ""))
    return out


PRIORITY_HEAD = ("择优因素（不改变结论）",
                 "Priority factors (beside the verdict, never changing it)")


def priority_lines(d: Decision) -> list[str]:
    """What strengthens a competitive application, factor by factor."""
    out = []
    for r in d.criteria:
        for p in r.priority:
            facts = [f.text for f in p.trace.figures] or [
                f"{k} = {_value(v)}" for k, v in p.trace.inputs.items()]
            detail = "; ".join(facts + p.trace.notes)
            out.append(f"{STATUS_MARKS.get(p.status, p.status)} {clause(p.cite)} "
                       f"「{p.cite.text}」 {p.text.zh} / {p.text.en}"
                       + (f" — {detail}" if detail else ""))
    return out


def suspension_line(s: SuspensionResult) -> str:
    """Why a decision is suspended, or that a suspending condition does not hold."""
    where = f"{clause(_cite(s.citation))} 「{s.citation['text']}」"
    facts = "; ".join(f"{k} = {_value(v)}" for k, v in s.inputs.items())
    why = " ".join(s.notes)
    if s.status == "pass":
        return f"暂停认定 suspended — {where}: {why or facts}"
    if s.status == "fail":
        return f"未暂停 not suspended — {where} does not apply ({facts})"
    return f"暂停与否不明 suspension unknown — {where} ({facts})"


def header(d: Decision) -> list[str]:
    """Headline, what follows, dates and footing: shared by every rendering."""
    zh, en = VERDICT_WORDS[d.verdict]
    nzh, nen = NEXT_WORDS[d.verdict]
    rb = d.rulebook
    out = []
    if d.basis.banner:
        out.append(f"【{d.basis.banner}】")
    out.append(f"结论 Verdict: {d.verdict.upper()} — {zh} / {en}")
    if d.basis.mode == "as_if":
        nzh, nen = ("参考评估，不能据此申请；申请须按现行办法另行评估",
                    "a reference only: an application must be assessed under the measure in "
                    "force")
    out.append(f"后续 What follows: {nzh} / {nen}")
    if d.verdict == "eligible" and d.procedure is not None and d.basis.mode != "as_if":
        p = d.procedure
        out.append(f"  程序 Procedure ({clause(_cite(p.citation))}): {p.steps.zh}")
        out.append(f"  {p.steps.en}")
        if p.competitive:
            out.append("  择优认定：符合条件者按综合排名择优认定，符合条件不等于获得认定 / "
                       "competitive: eligible applicants are ranked and the best designated")
    applied = d.application_date or d.as_of
    years = f"；近三年数据年度 data years {d.data_years}" if d.data_years else ""
    out.append(f"申请日期 Application date: {applied.isoformat()}（确定近三年数据年度与申报季度"
               f" / fixes the data years and the quarter{years}）")
    out.append(f"评估日期 Decision date: {d.as_of.isoformat()}"
               "（查询期间、资格状态与限制申请按此日计算；此日之后的事件未计入 / look-back "
               "windows, status and bars are read on it; later events are not counted）")
    if d.events_not_counted:
        out.append("未计入的后续事件 Later events not counted: " + "; ".join(d.events_not_counted))
    state = []
    if rb.trial_end is not None:
        state.append(f"试行办法，试行期至 {rb.trial_end.isoformat()}（日期未确认）"
                     "/ a trial measure")
    if rb.successor:
        until = rb.effective_until.isoformat() if rb.effective_until else "?"
        state.append(f"已被{rb.successor}替代（本版至 {until}，日期未确认）/ superseded")
    out.append(f"依据 Rulebook: 《{rb.title.zh}》 {rb.id} {rb.version} (sha256 {rb.sha256[:12]}…)"
               + (f" · {'; '.join(state)}" if state else ""))
    out.append(f"申请单位 Applicant: {d.applicant['name']} ({d.applicant['entity_type']})")
    return out


def _notice_lines(d: Decision) -> list[str]:
    return [f"{'⚠ 提示' if n.level == 'warning' else '· 说明'} {clause(_cite(n.citation))}: "
            f"{n.text.zh} / {n.text.en}" for n in d.notices]


def render_text(d: Decision) -> str:
    lines = [f"{d.designation.name.zh} · {d.designation.name.en} — 自评辅助意见 / "
             "self-assessment note", *header(d), ""]
    for r in d.criteria:
        lines.append(f"{status_word(r):<10} {clause(r.cite):<14} {r.text.zh} / {r.text.en}")
        if r.status != "not_applicable":
            lines.extend(f"{'':11}{x}" for x in _lines(r))
    if pri := priority_lines(d):
        lines += ["", f"{PRIORITY_HEAD[0]} {PRIORITY_HEAD[1]}:"] + [f"  {x}" for x in pri]
    if d.suspensions:
        lines += ["", "暂停认定 Suspension:"] + [f"  {suspension_line(s)}" for s in d.suspensions]
    if d.notices:
        lines += ["", "程序提示 Procedural notes:"] + [f"  {x}" for x in _notice_lines(d)]
    if d.missing:
        lines += ["", "尚缺信息 Missing information:"] + [f"  - {m}" for m in _asks(d)]
    if d.warnings:
        lines += ["", "提示 Warnings:"] + [f"  - {w}" for w in d.warnings]
    return "\n".join(lines) + "\n"


def render_markdown(d: Decision) -> str:
    out = [f"## {d.designation.name.zh} · {d.designation.name.en} — 自评辅助意见", ""]
    out += [f"{_md(x)}  " for x in header(d)]
    out += ["", "| status | clause | criterion | explanation |", "|---|---|---|---|"]
    for r in d.criteria:
        detail = "<br>".join(_md(x) for x in _lines(r)) if r.status != "not_applicable" else ""
        word = f"pass — {DECLARED[0]}" if declared(r) else r.status
        out.append(f"| {word} | {clause(r.cite)} | {_md(r.text.zh)}<br>{_md(r.text.en)} "
                   f"| {detail} |")
    if pri := priority_lines(d):
        out += ["", f"**{PRIORITY_HEAD[0]} {PRIORITY_HEAD[1]}:**", *[f"- {_md(x)}" for x in pri]]
    if d.suspensions:
        out += ["", "**暂停认定 Suspension:**", *[f"- {_md(suspension_line(s))}"
                                                  for s in d.suspensions]]
    if d.notices:
        out += ["", "**程序提示 Procedural notes:**", *[f"- {_md(x)}" for x in _notice_lines(d)]]
    if d.missing:
        out += ["", "**Missing information:**", "", *[f"- [ ] {m}" for m in _asks(d)]]
    if d.warnings:
        out += ["", "**Warnings:**", *[f"- {_md(w)}" for w in d.warnings]]
    return "\n".join(out) + "\n"


def _asks(d: Decision) -> list[str]:
    """The checklist of what to ask for (labelled), else the missing paths as they are."""
    from .checklist import checklist

    return checklist(d) or list(d.missing)


def _md(text: str) -> str:
    return text.replace("|", "\\|")
