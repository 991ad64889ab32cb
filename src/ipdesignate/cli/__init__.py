"""The command line: an edge over the public API, never imported by the core."""

from .main import main

__all__ = ["main"]
