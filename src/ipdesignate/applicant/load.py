"""Load an applicant profile from a file, standard input or a Python mapping.

All problems of a profile are collected and raised together, each with where it is.
The fields a profile may have come from a vocabulary: the one shipped with the package,
or that of a library (``library.vocabulary``) when its rulebooks extend it.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from .._core.errors import Problem, ProfileError
from .._core.limits import LIMITS, depth_problem
from .._core.validate import validate
from .._core.yaml import Located, load_file
from .profile import Profile
from .vocabulary import Vocabulary, known_kinds, profile_models


def profile_from_located(located: Located, problems: list[Problem] | None = None,
                         vocabulary: Vocabulary | None = None) -> Profile:
    problems = problems if problems is not None else []
    data = located.data
    if not isinstance(data, dict):
        raise ProfileError([located.problem((), "a profile is a mapping of fields",
                                            found=type(data).__name__)])
    kind = data.get("kind")
    models = profile_models(vocabulary)
    model = models.get(kind) if isinstance(kind, str) else None
    if model is None:
        kinds = known_kinds(vocabulary)
        raise ProfileError([located.problem(("kind",) if "kind" in data else (),
                                            "a profile needs a 'kind'",
                                            expected=" or ".join(repr(k) for k in kinds),
                                            found=repr(kind))])
    profile = validate(model, located, problems)
    if profile is None or problems:
        raise ProfileError(problems)
    return profile


def load_profile(path: str | FsPath, vocabulary: Vocabulary | None = None) -> Profile:
    """Load a profile from a YAML or JSON file, or ``-`` for standard input."""
    problems: list[Problem] = []
    located = load_file(path, problems)  # "-" is standard input, read with a byte limit
    if located is None:
        raise ProfileError(problems)
    return profile_from_located(located, problems, vocabulary)


def parse_profile(data: dict[str, Any], name: str = "<profile>",
                  vocabulary: Vocabulary | None = None) -> Profile:
    """Validate a profile given as a Python mapping (e.g. from a notebook)."""
    why = depth_problem(data)
    if why is not None:
        raise ProfileError([Problem(name, None, None, f"the profile is {why}"
                                    if "nested" in why else f"the profile {why}",
                                    expected=f"at most {LIMITS.max_depth} nested levels, "
                                    "no cycles")])
    located = Located(data, name)
    return profile_from_located(located, vocabulary=vocabulary)
