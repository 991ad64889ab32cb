"""``ipdesignate diff OLD NEW``: what changed between two versions, and who flips."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import EXIT_OK, date_arg, write

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "diff", "the semantic difference between two rulebook versions, and who flips"


def add_parser(sub: Any) -> None:
    d: argparse.ArgumentParser = sub.add_parser(NAME, help=HELP)
    d.add_argument("old", help="the old rulebook file")
    d.add_argument("new", help="the new rulebook file")
    d.add_argument("--profiles", metavar="DIR_OR_FILE", action="append",
                   help="evaluate these profiles under both versions (repeatable)")
    d.add_argument("--on", type=date_arg,
                   help="as-of date for both versions (default: each application_date)")
    d.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    d.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")
    d.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..library.diff import diff

    result = diff(args.old, args.new, args.profiles, args.on)
    if args.format == "json":
        text = result.model_dump_json(indent=2) + "\n"
    elif args.format == "markdown":
        text = result.render_markdown()
    else:
        text = result.render_text()
    write(text, args.output)
    return EXIT_OK
