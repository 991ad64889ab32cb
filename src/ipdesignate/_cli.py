"""The ``ipdesignate`` command.

Exit codes: 0 a result was produced (whatever the verdict); 1 invalid input, with the
located problems on stderr; 2 a usage error. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path as FsPath
from typing import Any

from ._errors import InputError, IpdesignateError

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _write(text: str, output: str | None) -> None:
    """Print, or write a file atomically: a reader never sees half an output."""
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    target = FsPath(output)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        FsPath(tmp).unlink(missing_ok=True)
        raise


def _library(args: argparse.Namespace) -> Any:
    from ._library import Library, default_directory

    return Library.load([args.rulebooks or default_directory()])


def cmd_check(args: argparse.Namespace) -> int:
    from ._load import load_profile, load_rulebook
    from ._render import render_markdown, render_text

    profile = load_profile(args.profile)
    if args.rulebook:
        rb = load_rulebook(args.rulebook)
        when = args.on or profile.application_date
        if when is not None and not rb.in_force(when):
            from ._errors import VersionError

            raise VersionError(f"{rb.id} {rb.version} is not in force on {when.isoformat()}",
                               [rb.window()])
        decision = rb.evaluate(profile, args.designation, args.on)
    else:
        decision = _library(args).check(profile, args.designation, args.on)
    if args.format == "json":
        text = decision.model_dump_json(indent=2) + "\n"
    elif args.format == "markdown":
        text = render_markdown(decision)
    else:
        text = render_text(decision)
    _write(text, args.output)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from ._errors import RulebookError
    from ._library import rulebook_files
    from ._load import load_rulebook

    files = rulebook_files(args.rulebooks)
    if not files:
        raise IpdesignateError("no rulebook files found in " + ", ".join(args.rulebooks))
    failed = 0
    for f in files:
        try:
            rb = load_rulebook(f)
        except RulebookError as exc:
            failed += 1
            print(exc, file=sys.stderr)
            continue
        n = sum(len(d.criteria) for d in rb.designations.values())
        print(f"ok  {f}: {rb.id} {rb.version}, {len(rb.designations)} designations, "
              f"{n} criteria, {len(rb.model.tests)} test cases")
    return EXIT_INPUT if failed else EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from ._library import default_directory, rulebook_files
    from ._load import load_rulebook
    from ._testing import run_cases

    files = rulebook_files(args.rulebooks or [default_directory()])
    if not files:
        raise IpdesignateError("no rulebook files found")
    failures = passed = 0
    incomplete = False
    for f in files:
        rb = load_rulebook(f)
        results, coverage = run_cases(rb)
        print(f"{rb.id} {rb.version} ({f})")
        for r in results:
            mark = "ok  " if r.ok else "FAIL"
            if not r.ok or args.verbose:
                print(f"  {mark} [{r.designation}] {r.name}: {r.verdict}")
            for m in r.mismatches:
                print(f"         {m}")
        ok = sum(r.ok for r in results)
        passed += ok
        failures += len(results) - ok
        gaps = coverage.gaps()
        incomplete = incomplete or bool(gaps)
        print(f"  {ok}/{len(results)} cases pass; clause coverage {coverage.percent():.0f}% "
              f"({len(coverage.clauses)} clauses, each seen passing and not passing)")
        for g in gaps:
            print(f"  uncovered: {g}")
    print(f"{passed} passed, {failures} failed")
    return EXIT_INPUT if failures or incomplete else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from ._schema import schema

    _write(json.dumps(schema(args.what), indent=2, ensure_ascii=False) + "\n", None)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    lib = _library(args)
    for measure, versions in sorted(lib.measures.items()):
        print(f"{measure}  《{versions[0].model.title.zh}》")
        for rb in versions:
            flag = "" if not rb.warnings else "  (dates not confirmed)"
            print(f"  {rb.version}: {rb.window().split(': ', 1)[1]}{flag}  {rb.file}")
            for did, d in rb.designations.items():
                print(f"    {did:<16} {d.name.zh} · {d.name.en} ({len(d.criteria)} criteria)")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ipdesignate", description=(
        "Decide, clause by clause, whether an applicant qualifies for a Beijing IP "
        "designation, from versioned YAML rulebooks."))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("check", help="evaluate a profile for a designation")
    c.add_argument("profile", help="profile file (YAML or JSON), or - for standard input")
    c.add_argument("--designation", "-d", required=True,
                   help="designation id (see: ipdesignate list)")
    c.add_argument("--on", type=_date, help="as-of date (default: the application_date)")
    c.add_argument("--rulebooks", help="rulebooks directory (default: $IPDESIGNATE_RULEBOOKS "
                   "or ./rulebooks)")
    c.add_argument("--rulebook", help="one rulebook file instead of a directory")
    c.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    c.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")
    c.set_defaults(run=cmd_check)

    v = sub.add_parser("validate", help="check rulebook files; report every problem")
    v.add_argument("rulebooks", nargs="+", help="rulebook files or directories")
    v.set_defaults(run=cmd_validate)

    t = sub.add_parser("test", help="run the rulebooks' embedded test cases, with coverage")
    t.add_argument("rulebooks", nargs="*", help="rulebook files or directories")
    t.add_argument("--verbose", "-v", action="store_true", help="list every case")
    t.set_defaults(run=cmd_test)

    s = sub.add_parser("schema", help="print a JSON Schema")
    s.add_argument("what", choices=("decision", "profile", "rulebook"))
    s.set_defaults(run=cmd_schema)

    ls = sub.add_parser("list", help="measures, versions, windows and designations")
    ls.add_argument("--rulebooks", help="rulebooks directory")
    ls.set_defaults(run=cmd_list)

    try:
        from ._cli_timeline import add_timeline_parser
    except ImportError:  # pragma: no cover - lifecycle layer not built yet
        pass
    else:
        add_timeline_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except InputError as exc:
        print(exc, file=sys.stderr)
    except IpdesignateError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: say so in one line, not a traceback
        print(f"internal error ({type(exc).__name__}): {exc}\nplease report this with the "
              "input that caused it", file=sys.stderr)
        return EXIT_BUG
    return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
