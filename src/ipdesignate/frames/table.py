"""A table as plain Python columns, from a pandas or polars frame or from a file.

Everything downstream reads ``Table``: one code path whatever the input, and cells are
Python values (numpy and pandas scalars are converted once, column by column).

Files: CSV is read with every cell as text (the exact characters typed, no float
inference), by polars; xlsx with openpyxl (cell values as Excel stores them; sheets
``yearly``, ``events`` and ``attestations`` are companion tables); parquet by polars.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from .._core.errors import InputError, Problem
from .cells import is_absent, plain

COMPANIONS = ("yearly", "events", "attestations")


class TableError(InputError):
    """A table file or frame cannot be read (bad file, duplicate or empty headers, …)."""


@dataclass
class Table:
    """Columns of Python values. ``lines`` are the file's row numbers (None for a frame,
    whose rows are named by position)."""

    name: str
    columns: list[str]
    data: dict[str, list[Any]]
    lines: list[int] | None = None
    height: int = field(init=False)

    def __post_init__(self) -> None:
        self.height = len(next(iter(self.data.values()))) if self.data else 0

    def where(self, row: int, column: str | None) -> tuple[int | None, int | None, str]:
        """(line, column number, prefix) locating a cell for a Problem."""
        col = self.columns.index(column) + 1 if column in self.columns else None
        what = f"column {column!r}" if column is not None else "row"
        if self.lines is not None:
            return self.lines[row], col, what
        return None, None, f"row {row}" + (f", column {column!r}" if column else "")

    def problem(self, row: int, column: str | None, message: str) -> Problem:
        line, col, prefix = self.where(row, column)
        return Problem(self.name, line, col, f"{prefix}: {message}")

    def label(self, row: int) -> str:
        return f"{self.name}:{self.lines[row]}" if self.lines is not None \
            else f"{self.name} row {row}"


def _headers(raw: Sequence[Any], name: str, line: int | None) -> list[str]:
    problems = []
    out: list[str] = []
    for i, h in enumerate(raw):
        text = "" if is_absent(plain(h)) else str(plain(h)).strip()
        if not text:
            problems.append(Problem(name, line, i + 1, "a column has no header"))
        elif text in out:
            problems.append(Problem(name, line, i + 1, f"column {text!r} appears twice"))
        out.append(text)
    if problems:
        raise TableError(problems)
    return out


def from_frame(df: Any, name: str = "<frame>") -> Table:
    """A pandas or polars DataFrame as a Table (others: a TypeError naming what is accepted)."""
    if isinstance(df, Table):
        return df
    module = type(df).__module__
    if module.startswith("polars"):
        columns = _headers(df.columns, name, None)
        data = {c: df.get_column(orig).to_list() for c, orig in zip(columns, df.columns,
                                                                     strict=True)}
    elif module.startswith("pandas"):
        columns = _headers(list(df.columns), name, None)
        data = {c: [plain(v) for v in df.iloc[:, i].tolist()] for i, c in enumerate(columns)}
    else:
        raise TypeError(f"a pandas or polars DataFrame is expected (found {type(df).__name__})")
    return Table(name, columns, data)


def _from_rows(name: str, rows: list[tuple[Any, ...]], first_line: int) -> Table:
    """Header row then data rows; fully blank rows are skipped (they are not applicants)."""
    if not rows:
        return Table(name, [], {}, [])
    columns = _headers(rows[0], name, first_line)
    width = len(columns)
    data: dict[str, list[Any]] = {c: [] for c in columns}
    lines: list[int] = []
    for n, row in enumerate(rows[1:], start=first_line + 1):
        values = [plain(v) for v in row[:width]] + [None] * (width - len(row))
        if all(is_absent(v) for v in values):
            continue
        if any(not is_absent(plain(v)) for v in row[width:]):
            raise TableError([Problem(name, n, width + 1, "a cell lies beyond the last "
                                      "column with a header")])
        lines.append(n)
        for c, v in zip(columns, values, strict=True):
            data[c].append(v)
    return Table(name, columns, data, lines)


def read_csv(path: FsPath) -> Table:
    import polars as pl

    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):  # Excel writes a byte-order mark
        raw = raw[3:]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TableError([Problem(str(path), None, None, "the file is not UTF-8 text "
                                  f"(byte {exc.start}); save it as CSV UTF-8")]) from None
    try:
        df = pl.read_csv(io.BytesIO(raw), infer_schema=False, has_header=False,
                         truncate_ragged_lines=False)
    except Exception as exc:  # polars' own errors say what is wrong with the CSV
        raise TableError([Problem(str(path), None, None, f"not a readable CSV file: "
                                  f"{str(exc).splitlines()[0]}")]) from None
    if df.height == 0:
        return Table(str(path), [], {}, [])
    columns = _headers(df.row(0), str(path), 1)
    body = df.slice(1)
    data = {c: body.to_series(i).to_list() for i, c in enumerate(columns)}
    blank = [all(data[c][i] is None or not data[c][i].strip() for c in columns)
             for i in range(body.height)]
    lines = [i + 2 for i in range(body.height) if not blank[i]]
    if any(blank):  # fully blank lines are not applicants
        data = {c: [v for v, b in zip(vs, blank, strict=True) if not b] for c, vs in data.items()}
    return Table(str(path), columns, data, lines)


def read_xlsx(path: FsPath) -> dict[str, Table]:
    """The first sheet (or one named ``clients``) and the companion sheets, by name."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise TableError([Problem(str(path), None, None,
                                  f"not a readable xlsx workbook: {exc}")]) from None
    try:
        names = wb.sheetnames
        main = "clients" if "clients" in names else names[0]
        out = {}
        for sheet in names:
            key = "main" if sheet == main else sheet
            if key != "main" and key not in COMPANIONS:
                continue
            rows = list(wb[sheet].iter_rows(values_only=True))
            out[key] = _from_rows(f"{path}#{sheet}", rows, 1)
        return out
    finally:
        wb.close()


def read_parquet(path: FsPath) -> Table:
    import polars as pl

    try:
        df = pl.read_parquet(path)
    except Exception as exc:
        raise TableError([Problem(str(path), None, None,
                                  f"not a readable parquet file: {exc}")]) from None
    table = from_frame(df, str(path))
    return table


def read_tables(path: str | FsPath) -> dict[str, Table]:
    """The tables of a clients file: ``main`` and any companions (xlsx sheets)."""
    p = FsPath(path)
    if not p.is_file():
        raise TableError([Problem(str(p), None, None, "no such file")])
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return {"main": read_csv(p)}
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p)
    if suffix == ".parquet":
        return {"main": read_parquet(p)}
    what = suffix or "a file without a suffix"
    raise TableError([Problem(str(p), None, None,
                              f"cannot read {what}: give a .csv, .xlsx or .parquet file")])
