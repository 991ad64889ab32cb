"""Tables in and out: DataFrames (pandas or polars) and spreadsheets to profiles, decisions
to DataFrames and workbooks. An edge: the core never imports it.

- ``profiles_from_frame(df, kind=..., money_unit=...)`` — the column convention is in
  docs/frames.md;
- ``decisions_to_frame(decisions, form="wide"|"long")`` — one row per applicant and
  designation, or one per criterion;
- ``screen_frame(library, df, designation)`` — the wide frame of ``check_many``, with clients
  that fail no criterion answered from columnar statuses.
"""

from __future__ import annotations

from .profiles import profiles_from_frame
from .report import load_decisions, save_decisions, write_report
from .results import decisions_to_frame
from .screening import screen_frame

__all__ = ["decisions_to_frame", "load_decisions", "profiles_from_frame", "save_decisions",
           "screen_frame", "write_report"]
