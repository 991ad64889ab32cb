"""What every subcommand shares: exit codes, dates, atomic output, the library to use."""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from .._core.errors import IpdesignateError

if TYPE_CHECKING:
    from ..library.library import Library

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def date_arg(text: str) -> _dt.date:
    """An argparse type: an ISO date within ``LIMITS``, or a usage error saying why not."""
    from .._core.limits import as_date

    try:
        return as_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_rulebooks_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rulebooks", metavar="DIR",
                   help="rulebooks directory (default: $IPDESIGNATE_RULEBOOKS, else the law "
                        "bundled with ipdesignate)")


def write(text: str, output: str | None) -> None:
    """Print, or write a file atomically: a reader never sees half an output.

    The target must be a regular file or not exist yet (a symbolic link to one is
    written through: the link stays, its file is replaced). A FIFO, a device or a
    directory is refused, not replaced by a file. The new file gets the mode an ordinary
    write would give it (the old file's, else 0666 less the umask), and the temporary
    file is removed on every path: an error, Ctrl-C, or SIGTERM/SIGHUP while writing.
    """
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    import tempfile  # only for -o FILE: every other run would pay for its import

    target = _target(output)
    mode = _mode_for(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                   suffix=".tmp")
    except OSError as exc:
        raise IpdesignateError(f"cannot write {output}: {exc.strerror or exc} "
                               f"(in {target.parent})") from None
    restore = _on_termination_raise()
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, target)
    except OSError as exc:
        FsPath(tmp).unlink(missing_ok=True)
        raise IpdesignateError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        FsPath(tmp).unlink(missing_ok=True)
        raise
    finally:
        restore()


def _target(output: str) -> FsPath:
    """The regular file ``-o`` names (through a symbolic link), or an error saying why not."""
    path = FsPath(output)
    try:
        real = path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:
        raise IpdesignateError(f"cannot write {output}: {exc}") from None
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise IpdesignateError(f"cannot write {output}: the directory {real.parent} "
                                   "does not exist") from None
        return real
    except OSError as exc:
        raise IpdesignateError(f"cannot write {output}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise IpdesignateError(f"cannot write {output}: it is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise IpdesignateError(f"cannot write {output}: it is not a regular file (a device, "
                               "FIFO or socket is not replaced); write to a file, or to "
                               "standard output without -o")
    if not os.access(real, os.W_OK):
        raise IpdesignateError(f"cannot write {output}: permission denied")
    return real


def _mode_for(target: FsPath) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _on_termination_raise() -> Callable[[], None]:
    """While writing, SIGTERM and SIGHUP raise (so the temporary file is removed) instead
    of ending the process where it stands. Returns the function that restores them."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    saved: dict[int, Any] = {}

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        saved[sig] = signal.signal(sig, interrupted)

    def restore() -> None:
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    return restore


def library(args: argparse.Namespace) -> Library:
    """``--rulebooks DIR``, else ``$IPDESIGNATE_RULEBOOKS``, else the bundled law."""
    from ..library.library import Library

    if getattr(args, "rulebooks", None):
        return Library.load([args.rulebooks])
    return Library.default()
