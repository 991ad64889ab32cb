"""The screening workbook: a summary sheet, one row per applicant, one row per criterion, and
the checklist of missing information. Written atomically (a reader never sees half a file).
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path as FsPath
from typing import Any

from ..decision.advice import missing_items
from ..library.batch import Outcome
from .results import long_columns, wide_columns
from .summary import ORDER, Summary

_WIDTHS = {"applicant": 28, "failed": 28, "what_it_would_take": 60, "missing": 60,
           "error": 60, "criterion_zh": 40, "criterion_en": 40, "figures": 60, "gap": 30,
           "item": 36, "checklist": 70, "unknown_criteria": 28, "review_criteria": 20}


def _sheet(wb: Any, title: str, cols: dict[str, list[Any]]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    names = list(cols)
    ws.append(names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    height = len(next(iter(cols.values()))) if cols else 0
    for i in range(height):
        ws.append([cols[c][i] for c in names])
    for j, name in enumerate(names, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(name, 14)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=False)
    ws.freeze_panes = "C2" if "applicant" in names else "A2"
    if height:
        ws.auto_filter.ref = ws.dimensions


def _checklist(outcomes: Sequence[Outcome]) -> dict[str, list[Any]]:
    cols: dict[str, list[Any]] = {k: [] for k in (
        "row", "applicant", "designation", "item", "year", "unit", "clauses", "checklist")}
    for o in outcomes:
        if o.decision is None:
            continue
        for m in missing_items(o.decision):
            for k, v in (("row", o.index), ("applicant", o.applicant),
                         ("designation", o.designation), ("item", m.label_zh),
                         ("year", m.year), ("unit", m.unit_zh), ("clauses", "、".join(m.clauses)),
                         ("checklist", m.checklist_line())):
                cols[k].append(v)
    return cols


def write_workbook(outcomes: Sequence[Outcome], summary: Summary, target: str | FsPath,
                   source: str = "", asked: str = "") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "summary"
    ws.append(["ipdesignate screening"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["clients", source])
    ws.append(["asked", asked])
    ws.append(["written", _dt.datetime.now().isoformat(timespec="seconds")])
    ws.append(["applicants", summary.applicants])
    ws.append(["answers", summary.outcomes])
    ws.append([])
    ws.append(["verdict", "answers"])
    for v in ORDER:
        ws.append([v, summary.verdicts[v]])
    ws.append([])
    ws.append(["designation", *ORDER])
    for d, c in summary.by_designation.items():
        ws.append([d, *(c[v] for v in ORDER)])
    ws.append([])
    ws.append(["most common failing clauses", "answers"])
    for what, n in summary.failing.most_common(10):
        ws.append([what, n])
    ws.append([])
    ws.append(["most often missing", "answers"])
    for what, n in summary.missing.most_common(10):
        ws.append([what, n])
    ws.column_dimensions["A"].width = 60
    for row in ws.iter_rows():
        if row[0].value in ("verdict", "designation", "most common failing clauses",
                            "most often missing"):
            for cell in row:
                cell.font = Font(bold=True)
    _sheet(wb, "applicants", wide_columns(outcomes))
    _sheet(wb, "criteria", long_columns(outcomes))
    _sheet(wb, "missing", _checklist(outcomes))
    path = FsPath(target)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        FsPath(tmp).unlink(missing_ok=True)
        raise
