"""Load inputs: a rulebook file into a compiled rulebook, a profile file into a Profile.

All problems of a file are collected and raised together, each with file:line:column.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path as FsPath
from typing import Any

from ._compile import Compiler, check_interpretations, compile_designation
from ._errors import LifecycleError, Path, Problem, ProfileError, RulebookError
from ._evaluate import CompiledRulebook
from ._model import Rulebook
from ._profile import PROFILE_KINDS, CarrierProfile, UnitProfile
from ._sourcetext import SourceText
from ._testing import check_cases
from ._validate import validate
from ._yaml import Located, load_bytes, load_file


def _citations(node: Any, path: Path) -> list[tuple[Path, dict[str, Any]]]:
    found: list[tuple[Path, dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "cite" and isinstance(value, dict):
                found.append(((*path, key), value))
            else:
                found.extend(_citations(value, (*path, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_citations(value, (*path, i)))
    return found


def _check_quotes(located: Located, rulebook: Rulebook, base: FsPath | None,
                  problems: list[Problem]) -> SourceText | None:
    if base is None:
        return None
    source_path = base / rulebook.source.file
    try:
        source = SourceText(source_path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(located.problem(("source", "file"), "cannot read the source text: "
                                        f"{exc.strerror or exc}", found=str(source_path)))
        return None
    for path, cite in _citations(located.data, ()):
        article, text = cite.get("article"), cite.get("text")
        if isinstance(article, int) and isinstance(text, str):
            why = source.find(article, text)
            if why is not None:
                problems.append(located.problem((*path, "text"), f"citation not in the source "
                                                f"text: {why}", found=repr(text)))
    return source


def compile_rulebook(located: Located, raw: bytes, file: FsPath | None,
                     problems: list[Problem] | None = None) -> CompiledRulebook:
    """Validate and compile a loaded document; raise RulebookError with every problem."""
    problems = problems if problems is not None else []
    model = validate(Rulebook, located, problems)
    if model is None:
        raise RulebookError(problems)
    compiler = Compiler(model, located, located.file)
    check_interpretations(compiler)
    designations = {did: compile_designation(compiler, did, d)
                    for did, d in model.designations.items()}
    problems.extend(compiler.problems)
    _check_quotes(located, model, file.parent if file else None, problems)
    check_cases(located, model, problems)
    lifecycle = None
    if model.lifecycle is not None:
        lifecycle = _compile_lifecycle(model, located, problems)
    if problems:
        raise RulebookError(problems)
    return CompiledRulebook(model, designations, hashlib.sha256(raw).hexdigest(),
                            str(file) if file else None, lifecycle)


def _compile_lifecycle(model: Rulebook, located: Located, problems: list[Problem]) -> Any:
    from ._lifecycle import compile_lifecycle

    try:
        return compile_lifecycle(model, problems, located=located)
    except LifecycleError:
        return None  # its problems, located, are already in ``problems``


def load_rulebook(path: str | FsPath) -> CompiledRulebook:
    """Load, validate and compile one rulebook file. Raises RulebookError."""
    file = FsPath(path)
    problems: list[Problem] = []
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RulebookError([Problem(str(path), None, None,
                                     f"cannot read file: {exc.strerror or exc}")]) from None
    located = load_bytes(raw, str(path), problems)
    if located is None:
        raise RulebookError(problems)
    return compile_rulebook(located, raw, file, problems)


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
