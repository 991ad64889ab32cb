"""Profiles from a flat table: one row per applicant, the column convention of docs/frames.md.

Every bad cell of every row is reported, each by its row and column, all at once: a
reader's error is a list of Problems, and with ``errors="keep"`` a bad row becomes a
``ProfileError`` value in its place (``Library.check_many`` passes it through).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from .._core.errors import Path, Problem, ProfileError, did_you_mean
from ..applicant.load import parse_profile
from ..applicant.vocabulary import Vocabulary, default_vocabulary
from . import cells
from .cells import MONEY_UNITS, CellError, is_absent
from .table import Table, TableError, from_frame

Profile = Any
_UNIT_SUFFIX = re.compile(r"\s*[（(]\s*(万元|亿元|元)\s*[)）]\s*$")
_YEARLY = re.compile(r"^(?P<field>[a-z_]+?)_(?P<year>(19|20)\d\d)$")
_HEAD = ("kind", "name", "entity_type", "application_date")
_EVENT_KEYS = ("id", "type", "date", "designation", "ref", "note")
_ATTESTATION_KEYS = ("attestation", "holds", "by", "on", "evidence", "note")


@dataclass(frozen=True)
class Column:
    """What one header means: the profile path it fills and how its cells are read."""

    header: str
    path: Path
    read: Callable[[Any], Any]


def _reader(type_: str, scale: Decimal) -> Callable[[Any], Any]:
    """How a cell is read, by the vocabulary type of its field."""
    if type_ == "fact":
        return cells.fact
    if type_ == "date":
        return cells.date
    if type_ == "money":
        return lambda v: cells.money(v, scale)
    if type_ == "rate":
        return cells.rate
    if type_ == "count":
        return cells.number
    if type_ == "events":
        return cells.events_cell
    return cells.text


def _fields(vocab: Vocabulary, kind: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """``{field: type}`` of a kind's plain fields (the format's own included), and
    ``{figure: (series, type)}`` of its yearly figures."""
    plain = {"kind": "text", "name": "text", "entity_type": "text", "application_date": "date"}
    series: dict[str, tuple[str, str]] = {}
    for name, spec in vocab.kinds[kind].fields.items():
        if spec.type == "yearly":
            for fname, fspec in (spec.fields or {}).items():
                series.setdefault(fname, (name, fspec.type))
        elif spec.type != "attestations":
            plain[name] = spec.type
    return plain, series


def _scale(header: str, money_unit: str) -> tuple[str, Decimal]:
    m = _UNIT_SUFFIX.search(header)
    if m is None:
        return header, MONEY_UNITS[money_unit]
    return header[: m.start()], MONEY_UNITS[m.group(1)]


def _columns(table: Table, vocab: Vocabulary, kind: str, money_unit: str, key: str
             ) -> tuple[list[Column], list[str]]:
    """Map headers to the paths of a ``kind`` profile: (columns, headers it does not have)."""
    plain, series = _fields(vocab, kind)
    out, unknown = [], []
    for header in table.columns:
        if header.startswith(("#", "_")) or (header == key and key not in plain):
            continue
        bare, scale = _scale(header, money_unit)
        m = _YEARLY.match(bare)
        if m and m.group("field") in series:
            container, type_ = series[m.group("field")]
            out.append(Column(header, (container, int(m.group("year")), m.group("field")),
                              _reader(type_, scale)))
        elif bare in plain:
            out.append(Column(header, (bare,), _reader(plain[bare], scale)))
        else:
            unknown.append(header)
    return out, unknown


def _unknown_headers(table: Table, vocab: Vocabulary, unknown: dict[str, list[str]]
                     ) -> list[Problem]:
    """A header that fits no kind of the rows is a mistake (a typo, usually): said once."""
    problems = []
    kinds = list(unknown)
    for header in unknown[kinds[0]] if kinds else []:
        if all(header in unknown[k] for k in kinds):
            bare = _scale(header, "元")[0]
            known: list[str] = []
            for k in kinds:
                plain, series = _fields(vocab, k)
                known += list(plain) + [f"{f}_YYYY" for f in series]
            guess = re.sub(r"_(19|20)\d\d$", "_YYYY", bare)
            problems.append(Problem(table.name, table.lines[0] - 1 if table.lines else None,
                                    table.columns.index(header) + 1,
                                    f"column {header!r} is not a profile field of a "
                                    f"{' or '.join(kinds)}{did_you_mean(guess, known)}; start "
                                    "a header with # for a column the reader skips"))
    return problems


def _put(data: dict[Any, Any], path: Path, value: Any) -> None:
    node = data
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = value


class FrameError(ProfileError):
    """The problems of a table, in table order (row by row, then column by column)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = tuple(problems)  # not sorted as text: "row 10" after "row 9"
        Exception.__init__(self, "\n".join(str(p) for p in self.problems))


class RowError(FrameError):
    """The problems of one row that could not become a profile; ``name`` is the row's key
    (the applicant's name, when the key column is ``name``) and ``row`` its position."""

    def __init__(self, problems: list[Problem], name: str | None, row: int) -> None:
        super().__init__(problems)
        self.name = name
        self.row = row


class _Row:
    """One applicant being assembled, with where each value came from."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.data: dict[str, Any] = {}
        self.origin: dict[Path, tuple[Table, int, str | None]] = {}
        self.problems: list[Problem] = []


def _companion_rows(table: Table | None, key: str, problems: list[Problem]
                    ) -> dict[str, list[int]]:
    if table is None:
        return {}
    if key not in table.columns:
        problems.append(Problem(table.name, None, None, f"the table has no {key!r} column to "
                                "say which applicant a row belongs to"))
        return {}
    out: dict[str, list[int]] = {}
    for i, v in enumerate(table.data[key]):
        if is_absent(v):
            problems.append(table.problem(i, key, "empty: which applicant is this row for?"))
            continue
        out.setdefault(str(cells.plain(v)).strip(), []).append(i)
    return out


def _add_yearly(row: _Row, table: Table, rows: list[int], vocab: Vocabulary, kind: str,
                money_unit: str, key: str) -> None:
    _, series = _fields(vocab, kind)
    for i in rows:
        year_raw = table.data["year"][i] if "year" in table.columns else None
        try:
            year = int(cells.number(year_raw)) if not is_absent(year_raw) else None
        except CellError:
            year = None
        if year is None or not 1900 <= year <= 2099:
            row.problems.append(table.problem(i, "year" if "year" in table.columns else None,
                                              "a four-digit year is needed"))
            continue
        for header in table.columns:
            if header in (key, "year") or header.startswith(("#", "_")):
                continue
            bare, scale = _scale(header, money_unit)
            if bare not in series:
                hint = did_you_mean(bare, series)
                row.problems.append(table.problem(i, header,
                                                  f"{bare!r} is not a yearly figure{hint}"))
                continue
            container, type_ = series[bare]
            _cell(row, table, i, header, (container, year, bare), _reader(type_, scale))


def _cell(row: _Row, table: Table, i: int, header: str, path: Path,
          read: Callable[[Any], Any]) -> None:
    raw = cells.plain(table.data[header][i])
    if is_absent(raw):
        return
    try:
        value = read(raw)
    except ValueError as exc:  # CellError, or a number beyond the engine's bounds
        row.problems.append(table.problem(i, header, str(exc)))
        return
    if path in row.origin:
        first = row.origin[path]
        row.problems.append(table.problem(i, header, f"given twice (also in {first[0].name}, "
                                          f"{first[0].label(first[1])})"))
        return
    _put(row.data, path, value)
    row.origin[path] = (table, i, header)


def _add_listed(row: _Row, table: Table, rows: list[int], what: str, key: str) -> None:
    """Events (a list) or attestations (by name) from a companion table."""
    if what == "events":
        events = row.data.setdefault("events", [])
        if not isinstance(events, list):
            return
        for i in rows:
            event: dict[str, Any] = {}
            details: dict[str, Any] = {}
            for header in table.columns:
                raw = cells.plain(table.data[header][i])
                if header.startswith(("#", "_")) or is_absent(raw) or header == key:
                    continue
                try:
                    value = cells.date(raw) if header == "date" else raw
                except CellError as exc:
                    row.problems.append(table.problem(i, header, str(exc)))
                    continue
                if header in _EVENT_KEYS:
                    event[header] = value.strip() if isinstance(value, str) else value
                else:
                    details[header] = cells.number(value) if isinstance(value, float) else value
            if details:
                event["details"] = details
            row.origin[("events", len(events))] = (table, i, None)
            events.append(event)
        return
    atts = row.data.setdefault("attestations", {})
    for i in rows:
        att: dict[str, Any] = {}
        for header in table.columns:
            raw = cells.plain(table.data[header][i])
            if header not in _ATTESTATION_KEYS or is_absent(raw):
                if header not in _ATTESTATION_KEYS and header != key \
                        and not header.startswith(("#", "_")):
                    row.problems.append(table.problem(i, header, "not an attestation column "
                                                      f"({', '.join(_ATTESTATION_KEYS)})"))
                continue
            try:
                att[header] = (cells.fact(raw) if header == "holds" else
                               cells.date(raw) if header == "on" else cells.text(raw))
            except CellError as exc:
                row.problems.append(table.problem(i, header, str(exc)))
        name = att.pop("attestation", None)
        if not name:
            row.problems.append(table.problem(i, "attestation" if "attestation" in
                                              table.columns else None,
                                              "which attestation? (a name the rulebook declares)"))
            continue
        atts[name] = att
        row.origin[("attestations", name)] = (table, i, None)


def _locate(row: _Row, main: Table, p: Problem) -> Problem:
    """A validation problem at a profile path, moved to the cell it came from."""
    path = p.path
    for n in range(len(path), 0, -1):
        hit = row.origin.get(path[:n])
        if hit is not None:
            table, i, header = hit
            return table.problem(i, header, p.message + (f" (expected {p.expected})"
                                                         if p.expected else ""))
    return main.problem(row.index, None, str(p).split(": ", 1)[-1])


def profiles_from_frame(
    df: Any,
    kind: str | None = None,
    money_unit: Literal["元", "万元", "亿元"] = "元",
    *,
    yearly: Any = None,
    events: Any = None,
    attestations: Any = None,
    key: str = "name",
    errors: Literal["raise", "keep"] = "raise",
    name: str = "<frame>",
    vocabulary: Vocabulary | None = None,
) -> list[Profile]:
    """Profiles from a table with one row per applicant (pandas or polars; see docs/frames.md).

    ``kind`` applies to every row (else a ``kind`` column says it). ``money_unit`` is the
    unit of bare numbers in money columns; a header ending in ``(万元)`` or ``(元)`` sets it
    for that column. ``yearly``, ``events`` and ``attestations`` are companion tables whose
    rows name their applicant in the ``key`` column. With ``errors="raise"`` every problem of
    every row is raised together as one ``ProfileError``; with ``errors="keep"`` the result
    has one entry per row, a ``ProfileError`` in place of each bad row. ``vocabulary`` is
    the applicant vocabulary (default: the bundled one; give ``library.vocabulary`` when the
    library's rulebooks extend it).
    """
    vocab = vocabulary if vocabulary is not None else default_vocabulary()
    if money_unit not in MONEY_UNITS:
        raise ValueError(f"money_unit is one of {', '.join(MONEY_UNITS)} (found {money_unit!r})")
    main = from_frame(df, name)
    sides = {k: from_frame(v, f"<{k}>") if not isinstance(v, Table) else v
             for k, v in (("yearly", yearly), ("events", events),
                          ("attestations", attestations)) if v is not None}
    header_problems: list[Problem] = []
    if kind is None and "kind" not in main.columns:
        raise TableError([Problem(main.name, None, None, "say which kind of profile the rows "
                                  "are: kind='unit' or 'carrier', or a 'kind' column")])
    kinds = [kind or cells.plain(v) for v in (main.data["kind"] if kind is None
                                              else [kind] * main.height)]
    columns_of: dict[str, list[Column]] = {}
    unknown_of: dict[str, list[str]] = {}
    for k in sorted({k for k in kinds if k in vocab.kinds}):
        columns_of[k], unknown_of[k] = _columns(main, vocab, k, money_unit, key)
        columns_of[k] = [Column(c.header, c.path, cells.fact01)
                         if c.read is cells.fact and cells.zero_one_column(main.data[c.header])
                         else c for c in columns_of[k]]
    header_problems += _unknown_headers(main, vocab, unknown_of)
    by_key = {what: _companion_rows(sides.get(what), key, header_problems)
              for what in ("yearly", "events", "attestations")}
    if key not in main.columns:
        header_problems.append(Problem(main.name, None, None, f"no {key!r} column"))
    else:
        idents = {str(cells.plain(v)).strip() for v in main.data[key]
                  if not is_absent(cells.plain(v))}
        header_problems += _orphans(by_key, idents, sides, key)
    if header_problems:
        raise TableError(header_problems)
    out: list[Any] = []
    seen: dict[str, int] = {}
    for i in range(main.height):
        row = _Row(i)
        k = kinds[i]
        if k not in vocab.kinds:
            row.problems.append(main.problem(i, "kind" if kind is None else None,
                                             f"kind is one of {', '.join(vocab.kinds)} "
                                             f"(found {k!r})"))
            ident = cells.plain(main.data[key][i]) if key in main.columns else None
            out.append(RowError(row.problems, None if is_absent(ident) else str(ident), i))
            continue
        row.data["kind"] = k
        for col in columns_of[k]:
            if col.path == ("kind",):
                row.origin[("kind",)] = (main, i, col.header)
                continue
            _cell(row, main, i, col.header, col.path, col.read)
        for header in unknown_of[k]:
            if not is_absent(cells.plain(main.data[header][i])):
                row.problems.append(main.problem(i, header, f"not a field of a {k} profile"))
        ident = main.data[key][i]
        ident_text = "" if is_absent(cells.plain(ident)) else str(cells.plain(ident)).strip()
        if ident_text in seen:
            row.problems.append(main.problem(i, key, f"{ident_text!r} is also in "
                                             f"{main.label(seen[ident_text])}: one row per "
                                             "applicant"))
        elif ident_text:
            seen[ident_text] = i
        for what in ("yearly", "events", "attestations"):
            rows = by_key[what].get(ident_text, [])
            if not rows:
                continue
            if what == "yearly":
                _add_yearly(row, sides[what], rows, vocab, k, money_unit, key)
            elif what == "events" and ("events",) in row.origin:
                row.problems.append(main.problem(i, "events", "the events cell and the events "
                                                 "table both speak for this applicant"))
            else:
                _add_listed(row, sides[what], rows, what, key)
        try:  # validated even after a bad cell: every problem of the row is reported at once
            profile = parse_profile(row.data, main.label(i), vocab)
            if not row.problems:
                out.append(profile)
                continue
        except ProfileError as exc:
            row.problems.extend(_locate(row, main, p) for p in exc.problems)
        out.append(RowError(row.problems, ident_text or None, i))
    if errors == "raise":
        bad = [p for x in out if isinstance(x, ProfileError) for p in x.problems]
        if bad:
            raise FrameError(bad)
    return out


def _orphans(by_key: dict[str, dict[str, list[int]]], idents: set[str],
             sides: dict[str, Table], key: str) -> list[Problem]:
    """A companion row naming no applicant of the main table is an error, not dropped."""
    return [sides[what].problem(i, key, f"{ident!r} is not an applicant of the main table"
                                f"{did_you_mean(ident, idents)}")
            for what, groups in by_key.items() for ident, rows in groups.items()
            if ident not in idents for i in rows]


