"""``ipdesignate list``: measures, versions, windows and designations of the library."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import EXIT_OK, add_rulebooks_option, library

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "list", "measures, versions, windows and designations"


def add_parser(sub: Any) -> None:
    ls: argparse.ArgumentParser = sub.add_parser(NAME, help=HELP)
    add_rulebooks_option(ls)
    ls.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    lib = library(args)
    for measure, versions in sorted(lib.measures.items()):
        print(f"{measure}  《{versions[0].model.title.zh}》")
        for rb in versions:
            flag = "" if not rb.warnings else "  (dates not confirmed)"
            print(f"  {rb.version}: {rb.window().split(': ', 1)[1]}{flag}  {rb.file}")
            for did, d in rb.designations.items():
                print(f"    {did:<16} {d.name.zh} · {d.name.en} ({len(d.criteria)} criteria)")
    for skipped in lib.skipped:
        print(f"skip {skipped}")
    return EXIT_OK
