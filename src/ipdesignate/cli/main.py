"""The ``ipdesignate`` command: a parser, and one module per subcommand.

Exit codes: 0 a result was produced (whatever the verdict); 1 invalid input, with the
located problems on stderr; 2 a usage error. No traceback reaches the user (3 marks a
bug of ours, said in one line).

Each subcommand module has ``NAME`` and ``add_parser(subparsers)``, which sets ``run``,
and imports what it needs inside ``run``: the parser is built without loading the engine,
and a run whose first word names a subcommand builds that subcommand's parser only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .._core.errors import InputError, IpdesignateError
from .._core.problem_doc import problem_document
from . import check, diff, listing, schema, screen, serve, test, timeline, validate
from ._common import EXIT_BUG, EXIT_INPUT, EXIT_OK

SUBCOMMANDS = (check, screen, validate, test, diff, timeline, listing, schema, serve)


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``command``, the parser of that subcommand alone: the same
    arguments, help and errors for it (argparse never looks at another subcommand once
    the first word has chosen one), without building the others."""
    p = argparse.ArgumentParser(prog="ipdesignate", description=(
        "Decide, clause by clause, whether an applicant qualifies for a Beijing IP "
        "designation, from versioned YAML rulebooks."))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        if command is None or command == module.NAME:
            module.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # the subcommand is the first word (the top level has no option but --help)
    named = argv[0] if argv and any(argv[0] == m.NAME for m in SUBCOMMANDS) else None
    args = parser(named).parse_args(argv)
    # --format json: errors too are JSON, one RFC 9457 problem document on stderr, the
    # shape the HTTP service answers with (docs/errors.md)
    as_json = getattr(args, "format", None) == "json"
    # A one-shot command has no use for pydantic plugins (observers of validation, found
    # by scanning every installed distribution's entry points: ~2% of a `check`). The
    # long-running server keeps them; a value the user set is kept; restored on return.
    plugins_off = named != "serve" and _PLUGINS_VAR not in os.environ
    if plugins_off:
        os.environ[_PLUGINS_VAR] = "__all__"
    try:
        code: int = args.run(args)
        return code
    except InputError as exc:
        _error(exc, str(exc), as_json)
    except IpdesignateError as exc:
        _error(exc, f"error: {exc}", as_json)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug of ours: say so in one line, not a traceback
        _error(exc, f"internal error ({type(exc).__name__}): {exc}\nplease report this "
               "with the input that caused it", as_json)
        return EXIT_BUG
    finally:
        if plugins_off:
            os.environ.pop(_PLUGINS_VAR, None)
    return EXIT_INPUT


_PLUGINS_VAR = "PYDANTIC_DISABLE_PLUGINS"


def _error(exc: BaseException, text: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps(problem_document(exc), ensure_ascii=False), file=sys.stderr)
    else:
        print(text, file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
