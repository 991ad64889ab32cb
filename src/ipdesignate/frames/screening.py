"""Screening many clients for one designation through the columnar evaluator, with the
same output as deciding each one (``ipdesignate screen … -d ID -o X.csv``,
``screen_frame``).

The wide table (docs/frames.md) shows, for a client that fails no criterion, only what
statuses say: the verdict, how many criteria ended in each status, the clauses still
unknown or for review, and the missing items with their labels. Those rows are answered
from the columnar statuses (``Answer``). A client that fails a criterion is shown with
*what it would take* — the shortfall "by how much", which only the scalar evaluator's
figures give — so its full decision is fetched, as is every row the columnar path does not
take (an unreadable row, a profile of another kind or entity type, no as-of date or version,
events to read, a rulebook version whose criteria are not all columnar-capable).

The workbook's criteria sheet and the HTML report show every criterion's figures for
every client: they need every decision, and ``screen`` makes them as before.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .._core.errors import IpdesignateError
from ..applicant.profile import Profile
from ..decision.checklist import MissingItem
from ..decision.render import clause
from ..library.batch import Outcome, applicant_name
from .answer import Answer

COLUMNAR = True  # tests switch it off to compare with deciding every row


Item = Outcome | Answer


def screen_items(library: Any, items: Sequence[Any], designation: str,
                 on: _dt.date | None = None,
                 progress: Callable[[list[int]], Iterable[int]] | None = None
                 ) -> list[Item]:
    """One outcome per item, in order: an ``Answer`` where the statuses say everything the
    wide table shows, else the ``Outcome`` of ``check_many`` (what ``screen`` gave before).
    ``progress`` wraps the loop over the rows decided one by one."""
    out: list[Item | None] = [None] * len(items)
    scalar: list[int] = []
    groups: dict[_dt.date, list[int]] = {}
    for i, item in enumerate(items):
        when = on or getattr(item, "application_date", None)
        if not COLUMNAR or not isinstance(item, Profile) or when is None \
                or getattr(item, "events", None):
            scalar.append(i)
        else:
            groups.setdefault(when, []).append(i)
    for when, rows in groups.items():
        scalar += _columnar_group(library, items, rows, designation, when, on, out)
    scalar.sort()
    for i in (progress(scalar) if progress is not None else scalar):
        one = library.check_many([items[i]], designation, on)[0]
        out[i] = Outcome(i, one.designation, applicant_name(items[i]), one.decision, one.error)
    assert all(o is not None for o in out)
    return out  # type: ignore[return-value]


def _columnar_group(library: Any, items: Sequence[Any], rows: list[int], designation: str,
                    when: _dt.date, on: _dt.date | None, out: list[Item | None]) -> list[int]:
    """Answer the rows of one as-of date that the statuses answer; return the others."""
    from ..eligibility.asks import _item
    from ..eligibility.columnar import profiles_to_table

    short = designation.partition(":")[2] or designation
    try:
        rb = library.version_for(designation, when)
    except IpdesignateError:
        return rows
    d = rb.designation(short)
    ev = rb.columnar(short)
    if not ev.columnar_capable:  # the evaluator would decide every row one by one anyway
        return rows
    fit = [i for i in rows if items[i].kind == d.profile and items[i].entity_type in d.applies_to]
    rest = [i for i in rows if i not in set(fit)]
    if not fit:
        return rest
    frame = ev.evaluate(profiles_to_table([items[i] for i in fit]), when)
    ids = [c.id for c in d.criteria]
    cites = {c.id: clause(c.cite) for c in d.criteria}
    statuses = frame.select(ids).rows()
    verdicts = frame["verdict"].to_list()
    missing = frame["missing"].to_list()
    errors = frame["error"].to_list()
    ref = f"{rb.ref.id} {rb.ref.version}"
    for k, i in enumerate(fit):
        row = statuses[k]
        if errors[k] is not None or verdicts[k] is None or "fail" in row:
            rest.append(i)
            continue
        counts: dict[str, int] = {}
        for s in row:
            counts[s] = counts.get(s, 0) + 1
        unknown = [cites[c] for c, s in zip(ids, row, strict=True) if s == "unknown"]
        review = [cites[c] for c, s in zip(ids, row, strict=True) if s == "review"]
        item = items[i]
        out[i] = Answer(
            index=i, designation=designation, applicant=applicant_name(item),
            verdict=verdicts[k], as_of=when.isoformat(), rulebook=ref,
            counts=dict(sorted(counts.items())),
            unknown_criteria="; ".join(unknown) or None,
            review_criteria="; ".join(review) or None,
            missing=tuple(MissingItem.of(_item(rb.vocabulary, item.kind, path))
                          for path in missing[k]))
    return rest


def screen_frame(library: Any, df: Any, designation: str, on: _dt.date | None = None,
                 output: str = "pandas", **read: Any) -> Any:
    """A table of clients (the column convention of docs/frames.md) screened for one
    designation: the wide frame ``decisions_to_frame(library.check_many(profiles, …))``
    gives, row for row, with the columnar evaluator answering the clients that fail no
    criterion. ``read`` goes to ``profiles_from_frame`` (``money_unit=``, ``yearly=``, …)."""
    from .profiles import profiles_from_frame
    from .results import wide_columns

    read.setdefault("vocabulary", library.vocabulary)
    read.setdefault("errors", "keep")
    library.check_many([], designation)  # an unknown designation stops before the work
    items = profiles_from_frame(df, **read)
    cols = wide_columns(screen_items(library, items, designation, on))
    if output == "polars":
        import polars as pl

        return pl.DataFrame(cols, strict=False)
    import pandas as pd

    return pd.DataFrame(cols)


__all__ = ["Answer", "screen_frame", "screen_items"]
