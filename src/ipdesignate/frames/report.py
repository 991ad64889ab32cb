"""Reports from outcomes: the HTML report, the workbook, the CSV; and outcomes saved to and
loaded from JSON, so a report can be rebuilt without the rulebooks or evaluating again."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

from .._core.errors import IpdesignateError, Problem
from ..decision.html import render_report
from ..decision.model import Decision
from ..library.batch import Batch, Outcome
from .answer import Answer
from .results import _outcomes, wide_columns
from .summary import summarise

BATCH_FORMAT = "ipdesignate.batch/1"
REPORTS = (".xlsx", ".csv", ".html")


def _atomic_text(text: str, target: FsPath) -> None:
    from ..cli._common import write  # the one atomic writer (umask kept, no temp left)

    write(text, str(target))


def write_report(decisions: Iterable[Decision | Outcome | Answer], target: str | FsPath,
                 title: str | None = None, source: str = "", asked: str = "") -> None:
    """Write outcomes (or decisions) as ``.html`` (the multi-client report), ``.xlsx`` (the
    screening workbook) or ``.csv`` (the wide table), atomically."""
    path = FsPath(target)
    outcomes = _outcomes(decisions)
    suffix = path.suffix.lower()
    summary = summarise(outcomes)
    if suffix in (".xlsx", ".html"):  # every criterion's figures: decisions only
        full = [o for o in outcomes if isinstance(o, Outcome)]
        if len(full) != len(outcomes):
            raise TypeError(f"{suffix} shows every criterion's figures: give decisions "
                            "(check_many), not statuses-only answers")
    if suffix == ".xlsx":
        from .excel import write_workbook

        write_workbook(full, summary, path, source, asked)
    elif suffix == ".csv":
        cols = wide_columns(outcomes)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(list(cols))
        for row in zip(*cols.values(), strict=True):
            w.writerow(["" if v is None else v for v in row])
        _atomic_text("\ufeff" + buf.getvalue(), path)  # the BOM lets Excel read UTF-8
    elif suffix == ".html":
        rows = [(o.applicant or f"#{o.index}", o.designation, o.decision, o.error_text)
                for o in full]
        _atomic_text(render_report(rows, title=title or f"ipdesignate report {source}".strip(),
                                   summary=summary.lines()), path)
    else:
        raise IpdesignateError(f"cannot write {path}: give a .xlsx, .csv or .html file")


def save_decisions(decisions: Iterable[Decision | Outcome], target: str | FsPath) -> None:
    """Every outcome, errors included, as JSON (``ipdesignate.batch/1``)."""
    outcomes = _outcomes(decisions)
    if any(isinstance(o, Answer) for o in outcomes):
        raise TypeError("saved decisions are decisions: a statuses-only answer has none "
                        "(check_many)")
    data = {"format": BATCH_FORMAT, "outcomes": [
        {"index": o.index, "designation": o.designation, "applicant": o.applicant,
         "decision": o.decision.model_dump(mode="json") if o.decision is not None else None,
         "error": o.error_text} for o in outcomes]}
    _atomic_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", FsPath(target))


def load_decisions(source: str | FsPath) -> Batch:
    """Outcomes saved by ``save_decisions``: decisions as they were, without evaluating."""
    from .._core.errors import InputError

    path = FsPath(source)
    try:
        data: Any = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError([Problem(str(path), None, None, f"cannot read saved decisions: "
                                  f"{exc}")]) from None
    if not isinstance(data, dict) or data.get("format") != BATCH_FORMAT:
        raise InputError([Problem(str(path), None, None, "not a file of saved decisions",
                                  expected=f"format {BATCH_FORMAT!r}")])
    out = []
    problems = []
    for i, o in enumerate(data.get("outcomes", [])):
        try:
            decision = (Decision.model_validate(o["decision"]) if o.get("decision") is not None
                        else None)
            error = IpdesignateError(o["error"]) if o.get("error") else None
            out.append(Outcome(int(o["index"]), str(o["designation"]), o.get("applicant"),
                               decision, error))
        except Exception as exc:  # a hand-edited file: say where, do not guess
            problems.append(Problem(str(path), None, None, f"outcome {i} cannot be read: "
                                    f"{str(exc).splitlines()[0]}", ("outcomes", i)))
    if problems:
        raise InputError(problems)
    return Batch(out)
