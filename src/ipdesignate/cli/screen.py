"""``ipdesignate screen CLIENTS --designation ID|--all -o RESULTS``: a spreadsheet of clients
in, a workbook (or CSV, or an HTML report) of answers out, with a progress bar and a summary.

Every input row is in the output: a row that cannot be read or decided keeps its place,
with its errors located by row and column.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import EXIT_OK, add_rulebooks_option, date_arg, library

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "screen", "check a spreadsheet of clients (xlsx, csv, parquet)"


OUTPUTS = (".xlsx", ".csv", ".html")


def add_parser(sub: Any) -> None:
    c: argparse.ArgumentParser = sub.add_parser(
        NAME, help=HELP,
        description="Check every client of a spreadsheet; see docs/frames.md for the columns.")
    c.add_argument("clients", help="clients file: .xlsx (sheets: clients, yearly, events, "
                   "attestations), .csv or .parquet")
    which = c.add_mutually_exclusive_group(required=True)
    which.add_argument("--designation", "-d", help="designation id (see: ipdesignate list)")
    which.add_argument("--all", action="store_true",
                       help="every designation each client can apply for")
    c.add_argument("--on", type=date_arg, help="as-of date (default: each application_date)")
    c.add_argument("--kind", choices=("unit", "carrier"),
                   help="profile kind of every row (default: a 'kind' column)")
    c.add_argument("--money-unit", choices=("元", "万元", "亿元"), default="元",
                   help="unit of bare numbers in money columns (default 元)")
    c.add_argument("--output", "-o", required=True, help="results: .xlsx, .csv or .html")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    add_rulebooks_option(c)
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .._core.errors import IpdesignateError
    from ..frames.profiles import profiles_from_frame
    from ..frames.summary import summarise
    from ..frames.table import read_tables
    from ..library.batch import Outcome, applicant_name

    try:
        import openpyxl  # noqa: F401
        import polars  # noqa: F401
        import rich  # noqa: F401
    except ImportError as exc:
        raise IpdesignateError(f"screen needs the table extras ({exc.name} is missing): "
                               "pip install 'ipdesignate[frames]'") from None
    out_suffix = Path(args.output).suffix.lower()
    if out_suffix not in OUTPUTS:
        raise IpdesignateError(f"cannot write {args.output}: give a .xlsx, .csv or .html file")
    tables = read_tables(args.clients)
    items = profiles_from_frame(tables["main"], kind=args.kind, money_unit=args.money_unit,
                                yearly=tables.get("yearly"), events=tables.get("events"),
                                attestations=tables.get("attestations"), errors="keep",
                                name=args.clients)
    lib = library(args)
    if args.designation:
        lib.check_many([], args.designation)  # an unknown designation stops before the work
    outcomes: list[Any] = []
    if args.designation and out_suffix == ".csv":
        # the wide table only: clients that fail no criterion are answered from columnar
        # statuses, the others decided one by one (frames/screening.py says why)
        from ..frames.screening import screen_items

        outcomes = screen_items(lib, items, args.designation, args.on,
                                progress=lambda rows: (i for _, i in _progress(rows, args.quiet)))
        items = []
    for i, item in _progress(items, args.quiet):
        name = applicant_name(item)
        if args.designation:
            one = lib.check_many([item], args.designation, args.on)[0]
            outcomes.append(Outcome(i, one.designation, name, one.decision, one.error))
            continue
        if isinstance(item, IpdesignateError):
            outcomes.append(Outcome(i, "*", name, None, item))
            continue
        try:
            answers = lib.check_all(item, args.on)
        except IpdesignateError as exc:
            outcomes.append(Outcome(i, "*", name, None, exc))
            continue
        outcomes += [Outcome(i, o.designation, name, o.decision, o.error) for o in answers]
    summary = summarise(outcomes)
    asked = args.designation or "every open designation"
    _write(outcomes, summary, args, asked)
    if not args.quiet:
        for line in summary.lines():
            print(line, file=sys.stderr)
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _progress(items: list[Any], quiet: bool) -> Any:
    if quiet:
        return enumerate(items)
    from rich.console import Console
    from rich.progress import track

    return track(enumerate(items), total=len(items), description="screening",
                 console=Console(stderr=True), transient=False)


def _write(outcomes: list[Any], summary: Any, args: argparse.Namespace, asked: str) -> None:
    from ..frames.report import write_report

    write_report(outcomes, args.output, title=f"ipdesignate screening: {args.clients}",
                 source=args.clients, asked=asked)
