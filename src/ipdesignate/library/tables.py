"""Statuses only, for a whole table: ``Library.screen_table`` through the columnar evaluator.

A row's answer is its per-criterion statuses, priority factors, verdict and ``missing`` —
the same as the scalar ``check`` gives — without the trace, figures or text of a
``Decision``. Callers who need a decision ask ``check`` / ``check_many`` for the rows they
show (docs/batch.md, "Statuses only").
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from .._core.errors import IpdesignateError

if TYPE_CHECKING:
    from .library import Library


def screen_table(library: Library, table: Any, designation: str,
                 on: _dt.date | None = None, version: str | None = None) -> Any:
    """Statuses for every row of ``table`` (the column layout of ``profiles_to_table``;
    polars, pyarrow, pandas or a mapping of columns), as a polars DataFrame in row order:
    one status column per criterion, one per priority factor, ``verdict``, ``missing``,
    ``error``, and ``as_of`` and ``rulebook`` (``id version``) saying what decided the row.

    ``on`` is the as-of date of every row; without it each row's ``application_date`` is
    its as-of date (rows are evaluated in groups of equal dates, each with the version in
    force then, as ``check`` chooses it). A row that cannot be decided (no date, no version
    in force, an invalid value) keeps its place with ``error`` set. ``version`` applies one
    version whatever the date ("as if"); its rows' answers are those of ``check(...,
    version=...)``, whose decisions also carry the banner.
    """
    import polars as pl

    from ..eligibility.columnar import _Table

    short = designation.partition(":")[2] or designation
    library._measure_of(designation)  # an unknown designation is the caller's mistake
    t = _Table(table)
    n = t.n
    if on is not None:
        dates = pl.Series("as_of", [on] * n, dtype=pl.Date)
    elif t.has("application_date") and t.df["application_date"].dtype == pl.Date:
        dates = t.df["application_date"].alias("as_of")
    elif t.has("application_date") and t.df["application_date"].dtype != pl.Null:
        raise IpdesignateError("the application_date column must hold dates (or give on=)")
    else:
        dates = pl.Series("as_of", [None] * n, dtype=pl.Date)
    frame = t.df.with_row_index("__row")
    parts: list[Any] = []
    errors: list[tuple[int, str]] = []
    for (day,), group in frame.with_columns(dates).group_by("as_of", maintain_order=True):
        rows = group["__row"]
        if day is None:
            errors += [(int(i), "no as-of date: give on=… or set application_date")
                       for i in rows]
            continue
        try:
            rb = (library.version_named(designation, version) if version is not None
                  else library.version_for(designation, day))
        except IpdesignateError as exc:
            errors += [(int(i), str(exc).splitlines()[0]) for i in rows]
            continue
        out = rb.columnar(short).evaluate(group.drop("__row", "as_of"), day)
        parts.append(out.with_columns(
            rows.alias("__row"), pl.lit(day, dtype=pl.Date).alias("as_of"),
            pl.lit(f"{rb.id} {rb.version}").alias("rulebook")))
    if errors:
        parts.append(pl.DataFrame({
            "__row": pl.Series([i for i, _ in errors], dtype=pl.UInt32),
            "error": pl.Series([e for _, e in errors], dtype=pl.String)}))
    if not parts:
        return pl.DataFrame()
    result = pl.concat(parts, how="diagonal_relaxed").sort("__row").drop("__row")
    result = result.with_columns(pl.col("missing").fill_null(pl.lit([], dtype=pl.List(pl.String))))
    first = [c for c in result.columns if c not in ("verdict", "missing", "error", "as_of",
                                                    "rulebook")]
    return result.select(*first, "verdict", "missing", "error", "as_of", "rulebook")


__all__ = ["screen_table"]
