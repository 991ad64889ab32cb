"""Columnar evaluation of one table partition, for Dask's ``map_partitions`` and Spark's
``mapInArrow``: only picklable arguments (a rulebooks directory, a designation, a date)
cross to a worker, which loads the library once (from the compiled-rulebook cache).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from .library import Library

_LIBRARIES: dict[str, Any] = {}


def evaluate_frame(frame: Any, rulebooks: str, designation: str, on: _dt.date) -> Any:
    """One partition in (pandas, polars or Arrow), one pandas partition out: for Dask's
    ``map_partitions`` or Spark's ``mapInArrow``. Only picklable arguments cross to a
    worker; each worker process loads the library once (from the rulebook cache)."""
    lib = _LIBRARIES.get(rulebooks)
    if lib is None:
        lib = _LIBRARIES[rulebooks] = Library.load([rulebooks])
    rb = lib.version_for(designation, on)
    out = rb.columnar(designation.partition(":")[2] or designation).evaluate(frame, on)
    return out.with_columns([out[c].cast(str) for c in out.columns
                             if c not in ("missing", "error")]).to_pandas()


__all__ = ["evaluate_frame"]
