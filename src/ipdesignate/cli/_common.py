"""What every subcommand shares: exit codes, dates, atomic output, the library to use."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import tempfile
from pathlib import Path as FsPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..library.library import Library

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def date_arg(text: str) -> _dt.date:
    """An argparse type: an ISO date, or a usage error naming the format."""
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_rulebooks_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rulebooks", metavar="DIR",
                   help="rulebooks directory (default: $IPDESIGNATE_RULEBOOKS, else the law "
                        "bundled with ipdesignate)")


def write(text: str, output: str | None) -> None:
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


def library(args: argparse.Namespace) -> Library:
    """``--rulebooks DIR``, else ``$IPDESIGNATE_RULEBOOKS``, else the bundled law."""
    from ..library.library import Library

    if getattr(args, "rulebooks", None):
        return Library.load([args.rulebooks])
    return Library.default()
