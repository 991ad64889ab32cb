"""``ipdesignate schema decision|profile|rulebook|events``: the JSON Schemas other systems use."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import EXIT_OK, add_rulebooks_option, library, write

KINDS = ("decision", "profile", "rulebook", "events")


def add_parser(sub: Any) -> None:
    s: argparse.ArgumentParser = sub.add_parser("schema", help="print a JSON Schema")
    s.add_argument("what", choices=KINDS)
    add_rulebooks_option(s)
    s.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os

    from ..library.library import ENV_VAR
    from ..library.schema import schema

    # the profile's fields are those of the rulebooks' vocabulary (with their extensions)
    vocabulary = None
    if args.what == "profile" and (args.rulebooks or os.environ.get(ENV_VAR)):
        vocabulary = library(args).vocabulary
    write(json.dumps(schema(args.what, vocabulary), indent=2, ensure_ascii=False) + "\n", None)
    return EXIT_OK
