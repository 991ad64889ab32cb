"""``ipdesignate serve``: the HTTP service (FastAPI on uvicorn); docs/http.md for integrators.

The rulebooks are loaded (and their problems reported, exit 1) before the port is bound.
The API token comes from ``$IPDESIGNATE_API_TOKEN``, ``$IPDESIGNATE_API_TOKEN_FILE`` or
``--token-file``: never from the command line, where other users of the machine see it.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import Any

from ._common import EXIT_OK, EXIT_USAGE, add_rulebooks_option

# the first word that chooses this subcommand (cli/main.py builds only its parser)
NAME, HELP = "serve", "run the HTTP service (OpenAPI at /openapi.json, docs at /docs)"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def add_parser(sub: Any) -> None:
    from ..http.settings import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES

    s: argparse.ArgumentParser = sub.add_parser(NAME, help=HELP)
    s.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    add_rulebooks_option(s)
    s.add_argument("--workers", type=_positive, default=1,
                   help="worker processes (default 1; one per core is a good start)")
    s.add_argument("--max-body-bytes", type=_positive, default=DEFAULT_MAX_BODY_BYTES,
                   help=f"largest request body accepted (default {DEFAULT_MAX_BODY_BYTES})")
    s.add_argument("--max-batch", type=_positive, default=DEFAULT_MAX_BATCH,
                   help=f"most profiles or units in one batch (default {DEFAULT_MAX_BATCH})")
    s.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                   help="allow browser calls from this origin (repeatable; default: none)")
    s.add_argument("--token-file", metavar="FILE",
                   help="file holding the API token (or set IPDESIGNATE_API_TOKEN[_FILE])")
    s.add_argument("--allow-reload", action="store_true",
                   help="enable POST /v1/admin/reload and SIGHUP (needs a token)")
    s.add_argument("--log-level", default="info",
                   choices=("critical", "error", "warning", "info", "debug"))
    s.set_defaults(run=run)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - a dependency
        print("error: ipdesignate serve needs uvicorn and fastapi (pip install ipdesignate)",
              file=sys.stderr)
        return EXIT_USAGE
    from ..http.app import create_app, load_library
    from ..http.settings import SETTINGS_ENV, Settings

    settings = Settings(rulebooks=args.rulebooks, max_body_bytes=args.max_body_bytes,
                        max_batch=args.max_batch, cors_origins=tuple(args.cors_origin),
                        allow_reload=args.allow_reload, token_file=args.token_file
                        ).with_token()
    library = load_library(settings)  # problems are reported before the port is bound
    if not _loopback(args.host) and settings.token is None:
        print(f"warning: serving on {args.host} without an API token: anyone who can reach "
              "it may call it", file=sys.stderr)
    common: dict[str, Any] = {"host": args.host, "port": args.port,
                              "log_level": args.log_level, "server_header": False,
                              "proxy_headers": False}
    if args.workers > 1:
        os.environ[SETTINGS_ENV] = settings.to_env()
        uvicorn.run("ipdesignate.http.app:app_from_environment", factory=True,
                    workers=args.workers, **common)
    else:
        uvicorn.run(create_app(settings, library), **common)
    return EXIT_OK
