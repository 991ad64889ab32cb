"""``ipdesignate check PROFILE --designation ID``: one decision, as text, Markdown or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import EXIT_OK, add_rulebooks_option, date_arg, library, write


def add_parser(sub: Any) -> None:
    c: argparse.ArgumentParser = sub.add_parser("check",
                                                help="evaluate a profile for a designation")
    c.add_argument("profile", help="profile file (YAML or JSON), or - for standard input")
    c.add_argument("--designation", "-d", required=True,
                   help="designation id (see: ipdesignate list)")
    c.add_argument("--on", type=date_arg, help="as-of date (default: the application_date)")
    add_rulebooks_option(c)
    c.add_argument("--rulebook", help="one rulebook file instead of a directory")
    c.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    c.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .._core.errors import VersionError
    from ..applicant.load import load_profile
    from ..decision.render import render_markdown, render_text
    from ..library.load import load_rulebook

    if args.rulebook:
        rb = load_rulebook(args.rulebook)
        profile = load_profile(args.profile, rb.vocabulary)
        when = args.on or profile.application_date
        if when is not None and not rb.in_force(when):
            raise VersionError(f"{rb.id} {rb.version} is not in force on {when.isoformat()}",
                               [rb.window()])
        decision = rb.evaluate(profile, args.designation, args.on)
    else:
        lib = library(args)
        decision = lib.check(lib.load_profile(args.profile), args.designation, args.on)
    if args.format == "json":
        text = decision.model_dump_json(indent=2) + "\n"
    elif args.format == "markdown":
        text = render_markdown(decision)
    else:
        text = render_text(decision)
    write(text, args.output)
    return EXIT_OK
