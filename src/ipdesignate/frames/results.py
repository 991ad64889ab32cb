"""Decisions to tables: wide (one row per applicant and designation) or long (one per criterion).

The rows are built as plain Python columns (``wide_columns``/``long_columns``) and only then
handed to pandas or polars, so the workbook, CSV and HTML outputs share them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ..decision.advice import missing_items, what_it_takes
from ..decision.model import Decision
from ..decision.render import clause
from ..library.batch import Outcome
from .answer import Answer

STATUSES = ("pass", "fail", "unknown", "review", "exempt", "not_applicable")
Columns = dict[str, list[Any]]


def _outcomes(items: Iterable[Decision | Outcome | Answer]) -> list[Outcome | Answer]:
    out: list[Outcome | Answer] = []
    for i, x in enumerate(items):
        if isinstance(x, Outcome | Answer):
            out.append(x)
        elif isinstance(x, Decision):
            out.append(Outcome(i, x.designation.id, x.applicant["name"], x))
        else:
            raise TypeError(f"a Decision or an Outcome is expected (found {type(x).__name__})")
    return out


def wide_columns(items: Iterable[Decision | Outcome | Answer]) -> Columns:
    """One row per (applicant, designation): verdict, counts, what decides it, what is missing."""
    cols: Columns = {k: [] for k in (
        "row", "applicant", "designation", "verdict", "as_of", "rulebook", *STATUSES,
        "failed", "unknown_criteria", "review_criteria", "what_it_would_take", "missing",
        "error")}
    for o in _outcomes(items):
        d = o.decision
        cols["row"].append(o.index)
        cols["applicant"].append(o.applicant)
        cols["designation"].append(o.designation)
        cols["verdict"].append(o.verdict)
        cols["error"].append(o.error_text)
        if isinstance(o, Answer):  # statuses only: what its decision would show here
            cols["as_of"].append(o.as_of)
            cols["rulebook"].append(o.rulebook)
            for s in STATUSES:
                cols[s].append(o.counts.get(s, 0))
            cols["failed"].append(None)
            cols["unknown_criteria"].append(o.unknown_criteria)
            cols["review_criteria"].append(o.review_criteria)
            cols["what_it_would_take"].append(None)
            cols["missing"].append("; ".join(m.label_text() for m in o.missing) or None)
            continue
        if d is None:
            for k in ("as_of", "rulebook", *STATUSES, "failed", "unknown_criteria",
                      "review_criteria", "what_it_would_take", "missing"):
                cols[k].append(None)
            continue
        cols["as_of"].append(d.as_of.isoformat())
        cols["rulebook"].append(f"{d.rulebook.id} {d.rulebook.version}")
        counts = d.counts
        for s in STATUSES:
            cols[s].append(counts.get(s, 0))
        by = {s: [r for r in d.criteria if r.status == s] for s in ("fail", "unknown", "review")}
        cols["failed"].append("; ".join(clause(r.cite) for r in by["fail"]) or None)
        cols["unknown_criteria"].append("; ".join(clause(r.cite) for r in by["unknown"]) or None)
        cols["review_criteria"].append("; ".join(clause(r.cite) for r in by["review"]) or None)
        takes = [f"{clause(r.cite)}: {t.text}" for r in by["fail"] for t in what_it_takes(r)]
        cols["what_it_would_take"].append("; ".join(takes) or None)
        cols["missing"].append("; ".join(m.label_text() for m in missing_items(d)) or None)
    return cols


def long_columns(items: Iterable[Decision | Outcome]) -> Columns:
    """One row per criterion (a row without a decision keeps one line, with its error)."""
    cols: Columns = {k: [] for k in (
        "row", "applicant", "designation", "verdict", "criterion", "clause", "status",
        "criterion_zh", "criterion_en", "figures", "gap", "what_it_would_take", "missing",
        "error")}
    for o in _outcomes(items):
        if isinstance(o, Answer):
            raise TypeError("a statuses-only answer has no per-criterion figures: decide it "
                            "(check_many) for the long table")
        base = (o.index, o.applicant, o.designation, o.verdict)
        if o.decision is None:
            for k, v in zip(("row", "applicant", "designation", "verdict"), base, strict=True):
                cols[k].append(v)
            for k in ("criterion", "clause", "status", "criterion_zh", "criterion_en",
                      "figures", "gap", "what_it_would_take", "missing"):
                cols[k].append(None)
            cols["error"].append(o.error_text)
            continue
        for r in o.decision.criteria:
            for k, v in zip(("row", "applicant", "designation", "verdict"), base, strict=True):
                cols[k].append(v)
            tr = r.trace
            cols["criterion"].append(r.id)
            cols["clause"].append(clause(r.cite))
            cols["status"].append(r.status)
            cols["criterion_zh"].append(r.text.zh)
            cols["criterion_en"].append(r.text.en)
            figures = [f.text for f in tr.figures] if tr else []
            cols["figures"].append("; ".join(figures) or None)
            gaps = [f.gap_text for f in tr.figures if f.gap_text] if tr else []
            cols["gap"].append("; ".join(gaps) or None)
            takes = [t.text for t in what_it_takes(r)] if r.status == "fail" else []
            cols["what_it_would_take"].append("; ".join(takes) or None)
            missing = list(tr.missing) if tr and r.status == "unknown" else []
            cols["missing"].append("; ".join(missing) or None)
            cols["error"].append(None)
    return cols


def decisions_to_frame(decisions: Iterable[Decision | Outcome],
                       form: Literal["wide", "long"] = "wide",
                       library: Literal["pandas", "polars"] = "pandas") -> Any:
    """Decisions (or a ``Batch``) as a DataFrame; see docs/frames.md for the columns.

    ``wide``: one row per applicant and designation; ``long``: one row per criterion.
    Rows without a decision are kept, with ``verdict`` ``"error"`` and the ``error`` text.
    """
    if form not in ("wide", "long"):
        raise ValueError(f"form is 'wide' or 'long' (found {form!r})")
    cols = wide_columns(decisions) if form == "wide" else long_columns(decisions)
    if library == "polars":
        import polars as pl

        return pl.DataFrame(cols, strict=False)
    if library != "pandas":
        raise ValueError(f"library is 'pandas' or 'polars' (found {library!r})")
    import pandas as pd

    return pd.DataFrame(cols)
