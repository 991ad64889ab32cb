"""``ipdesignate check PROFILE --designation ID``: one decision, as text, Markdown or JSON."""

from __future__ import annotations

import argparse
import re
from typing import Any

from ._common import EXIT_OK, add_rulebooks_option, date_arg, library, write

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "check", "evaluate a profile for a designation"


def add_parser(sub: Any) -> None:
    c: argparse.ArgumentParser = sub.add_parser(NAME, help=HELP)
    c.add_argument("profile", help="profile file (YAML or JSON), or - for standard input")
    c.add_argument("--designation", "-d", required=True,
                   help="designation id (see: ipdesignate list)")
    c.add_argument("--on", type=date_arg,
                   help="date of the decision: look-back windows, status and bars are read on "
                        "it, later events are not counted (default: the application date)")
    c.add_argument("--application-date", type=date_arg, metavar="DATE",
                   help="application date: it fixes the data years of 近三年 and the quarter "
                        "(default: the profile's application_date, else --on)")
    c.add_argument("--version", metavar="V", dest="rulebook_version",
                   help="evaluate as if version V applied, whatever the date: a reference, "
                        "not the basis of a designation (the decision says so)")
    add_rulebooks_option(c)
    c.add_argument("--rulebook", help="one rulebook file instead of a directory")
    c.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text")
    c.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    applied = args.application_date
    if args.rulebook:
        from ..applicant.load import load_profile
        from ..library.library import Library
        from ..library.load import load_rulebook

        rb = load_rulebook(args.rulebook)
        profile = load_profile(args.profile, rb.vocabulary)
        decision = Library([rb]).check(profile, args.designation, args.on,
                                       version=args.rulebook_version,
                                       application_date=applied)
    else:
        lib = library(args)
        decision = lib.check(lib.load_profile(args.profile), args.designation, args.on,
                             version=args.rulebook_version, application_date=applied)
    # each renderer imported only when asked for: a check pays for one
    if args.format == "json":
        text = indented(decision.model_dump_json()) + "\n"
    elif args.format == "markdown":
        from ..decision.render import render_markdown

        text = render_markdown(decision)
    elif args.format == "html":
        from ..decision.html import render_html

        text = render_html(decision) + "\n"
    else:
        from ..decision.render import render_text

        text = render_text(decision)
    write(text, args.output)
    return EXIT_OK


# a compact JSON document's tokens: strings (escapes kept), punctuation, bare scalars
_TOKEN = re.compile(r'"(?:[^"\\]+|\\.)*"|[{}\[\],:]|[^"{}\[\],:]+')


def indented(compact: str) -> str:
    """``model_dump_json(indent=2)`` from ``model_dump_json()``: the same bytes (pydantic's
    pretty printer: two spaces a level, ``": "``, empty containers as ``{}`` and ``[]``),
    without building the Decision's serializer, which the compact writer never needs
    (~3% of a ``check --format json``). Tokens are copied as they are."""
    out: list[str] = []
    depth = 0
    tokens = _TOKEN.findall(compact)
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t == "{" or t == "[":
            close = "}" if t == "{" else "]"
            if i + 1 < n and tokens[i + 1] == close:
                out.append(t + close)
                i += 2
                continue
            depth += 1
            out.append(t + "\n" + "  " * depth)
        elif t == "}" or t == "]":
            depth -= 1
            out.append("\n" + "  " * depth + t)
        elif t == ",":
            out.append(",\n" + "  " * depth)
        elif t == ":":
            out.append(": ")
        else:
            out.append(t)
        i += 1
    return "".join(out)
