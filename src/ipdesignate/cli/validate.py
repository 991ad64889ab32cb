"""``ipdesignate validate RULEBOOK_OR_DIR...``: every problem as file:line:column."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._core.errors import IpdesignateError
from ._common import EXIT_INPUT, EXIT_OK

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "validate", "check rulebook files; report every problem"


def add_parser(sub: Any) -> None:
    v: argparse.ArgumentParser = sub.add_parser(NAME, help=HELP)
    v.add_argument("rulebooks", nargs="+", help="rulebook files or directories")
    v.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._core.errors import RulebookError
    from ..library.carry import carry_notes
    from ..library.checks import library_problems
    from ..library.library import scan
    from ..library.load import citation_notes, load_rulebook

    files, skipped = scan(args.rulebooks)
    for s in skipped:  # never silently: say which YAML files were not taken, and why
        print(f"skip {s}")
    if not files:
        raise IpdesignateError("no rulebook files found in " + ", ".join(args.rulebooks))
    failed = 0
    loaded = []
    for f in files:
        try:
            rb = load_rulebook(f)
        except RulebookError as exc:
            failed += 1
            print(exc, file=sys.stderr)
            continue
        loaded.append(rb)
        n = sum(len(d.criteria) for d in rb.designations.values())
        gaps = sum(c.known_gap is not None for d in rb.designations.values()
                   for c in d.criteria)
        print(f"ok  {f}: {rb.id} {rb.version}, {len(rb.designations)} designations, "
              f"{n} criteria, {len(rb.model.tests)} test cases"
              + (f", {gaps} known gap(s)" if gaps else ""))
        for note in citation_notes(rb.located):
            print(f"    {note}")
    # across files: what breaks a library although each file is fine on its own
    across = library_problems(loaded)
    for note in carry_notes(loaded):
        print(f"    {note}")
    for p in sorted(across, key=lambda p: p.sort_key()):
        print(p, file=sys.stderr)
    if len(loaded) > 1 and not across:
        print(f"ok  library: {len(loaded)} files, no overlapping windows")
    return EXIT_INPUT if failed or across else EXIT_OK
