"""``ipdesignate schema decision|profile|rulebook``: the JSON Schemas other systems use."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import EXIT_OK, write

KINDS = ("decision", "profile", "rulebook")


def add_parser(sub: Any) -> None:
    s: argparse.ArgumentParser = sub.add_parser("schema", help="print a JSON Schema")
    s.add_argument("what", choices=KINDS)
    s.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..library.schema import schema

    write(json.dumps(schema(args.what), indent=2, ensure_ascii=False) + "\n", None)
    return EXIT_OK
