"""``ipdesignate schema decision|profile|rulebook|events``: the JSON Schemas other systems use."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import EXIT_OK, add_rulebooks_option, library, write

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "schema", "print a JSON Schema"


KINDS = ("decision", "profile", "rulebook", "events")


def add_parser(sub: Any) -> None:
    s: argparse.ArgumentParser = sub.add_parser(NAME, help=HELP)
    s.add_argument("what", choices=KINDS)
    add_rulebooks_option(s)
    s.add_argument("--measure", metavar="ID",
                   help="events: one measure's event types (default: any measure's)")
    s.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os

    from ..library.library import ENV_VAR
    from ..library.schema import schema

    # the profile's fields are those of the rulebooks' vocabulary (with their extensions)
    vocabulary = None
    if args.what == "profile" and (args.rulebooks or os.environ.get(ENV_VAR)):
        vocabulary = library(args).vocabulary
    events = None
    if args.what == "events":
        lib = library(args)
        measures = [args.measure] if args.measure else sorted(lib.measures)
        events = {m: lib.event_vocabulary(m) for m in measures}
    write(json.dumps(schema(args.what, vocabulary, events), indent=2, ensure_ascii=False)
          + "\n", None)
    return EXIT_OK
