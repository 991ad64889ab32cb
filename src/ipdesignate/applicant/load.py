"""Load an applicant profile from a file, standard input or a Python mapping.

All problems of a profile are collected and raised together, each with where it is.
The fields a profile may have come from a vocabulary: the one shipped with the package,
or that of a library (``library.vocabulary``) when its rulebooks extend it.

One input path: files (YAML or JSON) keep every number's written digits as a Decimal;
a Python mapping may hold floats (``json.loads`` gives them), which are read by their
shortest decimal representation, ``Decimal(repr(x))`` (0.1 is 0.1, not
0.1000000000000000055…); a float that is not finite is refused where it is. Then the
same validation runs for all. docs/profiles.md documents this.
"""

from __future__ import annotations

import math
import weakref
from decimal import Decimal
from pathlib import Path as FsPath
from typing import Any

from .._core.errors import Path, Problem, ProfileError
from .._core.limits import LIMITS, depth_problem
from .._core.validate import validate
from .._core.yaml import Located, load_file
from .profile import Profile
from .vocabulary import Vocabulary, known_kinds, profile_model


def profile_from_located(located: Located, problems: list[Problem] | None = None,
                         vocabulary: Vocabulary | None = None, at: Path = ()) -> Profile:
    """The profile at ``at`` in a loaded document (``()``: the document is the profile)."""
    problems = problems if problems is not None else []
    data = located.data
    for step in at:
        data = data[step]
    if not isinstance(data, dict):
        raise ProfileError([located.problem(at, "a profile is a mapping of fields",
                                            found=type(data).__name__)])
    kind = data.get("kind")
    # only this kind's model is built: each one costs a schema build, and one profile
    # needs one
    model = profile_model(kind, vocabulary) if isinstance(kind, str) else None
    if model is None:
        kinds = known_kinds(vocabulary)
        raise ProfileError([located.problem((*at, "kind") if "kind" in data else at,
                                            "a profile needs a 'kind'",
                                            expected=" or ".join(repr(k) for k in kinds),
                                            found=repr(kind))])
    profile = validate(model, located, problems, at)
    if profile is None or problems:
        raise ProfileError(problems)
    _SOURCES[id(profile)] = (located, at)
    weakref.finalize(profile, _SOURCES.pop, id(profile), None)
    return profile


# Where each loaded profile came from, by identity (a profile is frozen, and equal profiles
# from two files are still two inputs): a problem found later, when it is evaluated, is
# reported at the file, line and column of the value, not just at a path.
_SOURCES: dict[int, tuple[Located, Path]] = {}


def profile_problem(profile: Any, path: Path, message: str, expected: str | None = None,
                    found: str | None = None) -> Problem:
    """A problem about ``profile`` at ``path``, located in its file when it came from one."""
    source = _SOURCES.get(id(profile))
    if source is None:
        return Problem("<profile>", None, None, message, path, expected, found)
    located, at = source
    return located.problem((*at, *path), message, expected=expected, found=found)


def load_profile(path: str | FsPath, vocabulary: Vocabulary | None = None) -> Profile:
    """Load a profile from a YAML or JSON file, or ``-`` for standard input."""
    problems: list[Problem] = []
    located = load_file(path, problems)  # "-" is standard input, read with a byte limit
    if located is None:
        raise ProfileError(problems)
    return profile_from_located(located, problems, vocabulary)


def exact_numbers(data: Any, problems: list[Problem], name: str, path: Path = ()) -> Any:
    """``data`` with every float replaced by ``Decimal(repr(x))``; a float that is not
    finite is a problem at its path. Other values are returned as they are."""
    if isinstance(data, float):
        if not math.isfinite(data):
            problems.append(Problem(name, None, None, f"{data!r} is not a finite number",
                                    path, "a finite number", repr(data)))
            return data
        return Decimal(repr(data))
    if isinstance(data, dict):
        return {k: exact_numbers(v, problems, name, (*path, k)) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [exact_numbers(v, problems, name, (*path, i)) for i, v in enumerate(data)]
    return data


def parse_profile(data: dict[str, Any], name: str = "<profile>",
                  vocabulary: Vocabulary | None = None) -> Profile:
    """Validate a profile given as a Python mapping (e.g. from a notebook or
    ``json.loads``); floats are read by their shortest decimal representation."""
    why = depth_problem(data)
    if why is not None:
        raise ProfileError([Problem(name, None, None, f"the profile is {why}"
                                    if "nested" in why else f"the profile {why}",
                                    expected=f"at most {LIMITS.max_depth} nested levels, "
                                    "no cycles")])
    problems: list[Problem] = []
    data = exact_numbers(data, problems, name)
    if problems:
        raise ProfileError(problems)
    return profile_from_located(Located(data, name), vocabulary=vocabulary)
