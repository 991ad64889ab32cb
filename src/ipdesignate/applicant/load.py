"""Load an applicant profile from a file, standard input or a Python mapping.

All problems of a profile are collected and raised together, each with where it is.
"""

from __future__ import annotations

import sys
from pathlib import Path as FsPath
from typing import Any

from .._core.errors import Problem, ProfileError
from .._core.validate import validate
from .._core.yaml import Located, load_bytes, load_file
from .profile import PROFILE_KINDS, CarrierProfile, UnitProfile


def profile_from_located(located: Located, problems: list[Problem] | None = None
                         ) -> UnitProfile | CarrierProfile:
    problems = problems if problems is not None else []
    data = located.data
    if not isinstance(data, dict):
        raise ProfileError([located.problem((), "a profile is a mapping of fields",
                                            found=type(data).__name__)])
    kind = data.get("kind")
    model = PROFILE_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ProfileError([located.problem(("kind",) if "kind" in data else (),
                                            "a profile needs a 'kind'",
                                            expected="'unit' or 'carrier'", found=repr(kind))])
    profile = validate(model, located, problems)
    if profile is None or problems:
        raise ProfileError(problems)
    return profile


def load_profile(path: str | FsPath) -> UnitProfile | CarrierProfile:
    """Load a profile from a YAML or JSON file, or ``-`` for standard input."""
    problems: list[Problem] = []
    if str(path) == "-":
        located = load_bytes(sys.stdin.buffer.read(), "<stdin>", problems)
    else:
        located = load_file(path, problems)
    if located is None:
        raise ProfileError(problems)
    return profile_from_located(located, problems)


def parse_profile(data: dict[str, Any], name: str = "<profile>") -> UnitProfile | CarrierProfile:
    """Validate a profile given as a Python mapping (e.g. from a notebook)."""
    located = Located(data, name)
    return profile_from_located(located)
