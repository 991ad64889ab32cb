"""Load a rulebook file: YAML → validated model → compiled designations and lifecycle.

All problems of a file are collected and raised together, each with file:line:column.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any

from .._core.errors import LifecycleError, Path, Problem, RulebookError
from .._core.validate import validate
from .._core.yaml import Located, load_bytes, read_bounded
from ..applicant.vocabulary import (
    Vocabulary,
    check_kinds,
    default_vocabulary,
    load_vocabulary_file,
    vocabulary_file_for,
)
from ..eligibility.compiler import Compiler
from ..eligibility.designations import check_interpretations, compile_designation
from ..eligibility.evaluate import CompiledRulebook, TimelineCache
from ..rulebook.model import Rulebook
from . import cache

if TYPE_CHECKING:
    from ..rulebook.sourcetext import SourceText


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


def source_root(rulebook_dir: FsPath) -> FsPath:
    """The rulebook tree a source text must lie in: the folder above the rulebook's own
    (``rulebooks/`` for ``rulebooks/<measure>/<version>.yaml``, beside ``sources/``)."""
    resolved = rulebook_dir.resolve()
    return resolved.parent if resolved.parent != resolved else resolved


def _read_source(located: Located, name: str, base: FsPath,
                 problems: list[Problem]) -> str | None:
    """The source text named by ``source.file``: confined to the rulebook tree (after
    resolving ``..`` and symbolic links), a regular file, at most ``LIMITS.max_bytes``,
    UTF-8. A rulebook cannot make the loader open /etc/passwd, block on a FIFO or read
    /dev/zero until memory runs out."""
    where = ("source", "file")
    root = source_root(base)
    if FsPath(name).is_absolute():
        problems.append(located.problem(where, "the source text must be a path relative to "
                                        "the rulebook file", expected=f"a file under {root}",
                                        found=repr(name)))
        return None
    try:
        resolved = (base / name).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        problems.append(located.problem(where, f"cannot resolve the source text: {exc}",
                                        found=repr(name)))
        return None
    if not resolved.is_relative_to(root):
        problems.append(located.problem(where, "the source text lies outside the rulebook "
                                        "tree", expected=f"a file under {root}",
                                        found=str(resolved)))
        return None
    mine: list[Problem] = []
    raw = read_bounded(resolved, mine, regular_only=True)
    if raw is None:
        problems.extend(located.problem(where, f"cannot read the source text: {p.message}",
                                        expected=p.expected, found=str(resolved))
                        for p in mine)
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(located.problem(where, f"the source text is not UTF-8: {exc.reason} "
                                        f"at byte {exc.start}", expected="UTF-8 text",
                                        found=str(resolved)))
        return None


def _check_quotes(located: Located, rulebook: Rulebook, base: FsPath | None,
                  problems: list[Problem]) -> SourceText | None:
    if base is None:
        return None
    text = _read_source(located, rulebook.source.file, base, problems)
    if text is None:
        return None
    from ..rulebook.sourcetext import SourceText  # only when validating (not on a cache hit)

    source = SourceText(text)
    for path, cite in _citations(located.data, ()):
        article, text = cite.get("article"), cite.get("text")
        paragraph, item = cite.get("paragraph"), cite.get("item")
        if isinstance(article, int) and isinstance(text, str):
            wrong = source.check(article, text,
                                 paragraph if isinstance(paragraph, int) else None,
                                 item if isinstance(item, int) else None)
            if wrong is not None:
                key, why = wrong
                found = repr(text) if key == "text" else str(cite.get(key))
                problems.append(located.problem((*path, key), f"citation not in the source "
                                                f"text: {why}", found=found))
    return source


def citation_notes(located: Located) -> list[str]:
    """What ``validate`` could not check in the citations, said rather than failed: an
    explanatory document's words are not in the measure's text; an inferred number."""
    out = []
    for path, cite in _citations(located.data, ()):
        explainer, inferred = cite.get("explainer"), cite.get("inferred")
        if isinstance(explainer, dict):
            line, col = located.where((*path, "explainer"))
            out.append(f"{located.file}:{line}:{col}: note: the words quoted from "
                       f"{explainer.get('document')} are not checked (not in the measure's "
                       "text); the measure's own words in this citation are")
        if isinstance(inferred, dict):
            line, col = located.where((*path, "inferred"))
            out.append(f"{located.file}:{line}:{col}: note: 第{cite.get('article')}条 is an "
                       f"inferred number: {inferred.get('reason')}")
    return out


def recorded_name(file: FsPath, root: FsPath | None = None) -> str:
    """How a decision names its rulebook file: relative to the rulebooks directory, else
    as ``MEASURE_DIR/FILE`` (the layout of every rulebooks directory). Never the path the
    caller typed, so a decision's bytes do not depend on the working directory."""
    if root is not None:
        try:
            return file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return FsPath(file.resolve().parent.name, file.name).as_posix()


def compile_rulebook(located: Located, raw: bytes, file: FsPath | None,
                     problems: list[Problem] | None = None, *,
                     root: FsPath | None = None) -> CompiledRulebook:
    """Validate and compile a loaded document; raise RulebookError with every problem."""
    problems = problems if problems is not None else []
    model = validate(Rulebook, located, problems)
    if model is None:
        raise RulebookError(problems)
    vocabulary = _vocabulary(located, model, file, problems)
    compiler = Compiler(model, located, located.file, vocabulary=vocabulary)
    check_interpretations(compiler)
    designations = {did: compile_designation(compiler, did, d)
                    for did, d in model.designations.items()}
    problems.extend(compiler.problems)
    _check_quotes(located, model, file.parent if file else None, problems)
    from ..testing.cases import check_cases  # only when the rulebook is not cached

    check_cases(located, model, problems, vocabulary)
    lifecycle = None
    if model.lifecycle is not None:
        from .carry import new_side_problems

        problems.extend(new_side_problems(model, located))
        lifecycle = _compile_lifecycle(model, located, problems)
    if problems:
        raise RulebookError(problems)
    compiled = CompiledRulebook(model, designations, hashlib.sha256(raw).hexdigest(),
                                str(file) if file else None, lifecycle, vocabulary)
    if file is not None:  # messages name the file as given; decisions, as recorded
        compiled.ref = compiled.ref.model_copy(update={"file": recorded_name(file, root)})
    compiled.located = located
    _check_test_dates(located, compiled, problems)
    if problems:
        raise RulebookError(problems)
    return compiled


def _check_test_dates(located: Located, compiled: CompiledRulebook,
                      problems: list[Problem]) -> None:
    """An embedded test dated outside its version's window tests nothing that will run."""
    for i, case in enumerate(compiled.model.tests):
        if not compiled.in_force(case.on):
            problems.append(located.problem(
                ("tests", i, "on"), f"test {case.name!r} is dated {case.on.isoformat()}, "
                f"outside this version's window ({compiled.window()})",
                expected="a date the version is in force"))


def _vocabulary(located: Located, model: Rulebook, file: FsPath | None,
                problems: list[Problem]) -> Vocabulary:
    """The shared vocabulary nearest the file, extended by the rulebook's ``vocabulary:``."""
    try:
        vocabulary = load_vocabulary_file(vocabulary_file_for(file)).copy()
    except RulebookError as exc:
        problems.extend(exc.problems)
        vocabulary = default_vocabulary()
    if model.vocabulary is not None:
        kinds = model.vocabulary.kinds
        check_kinds(located, kinds, ("vocabulary", "kinds"), problems)
        for conflict in vocabulary.extend(dict(kinds), located.file):
            problems.append(located.problem(("vocabulary",), conflict))
    return vocabulary


def _compile_lifecycle(model: Rulebook, located: Located, problems: list[Problem]) -> Any:
    from ..lifecycle.engine import compile_lifecycle

    try:
        return compile_lifecycle(model, problems, located=located)
    except LifecycleError:
        return None  # its problems, located, are already in ``problems``


def load_rulebook(path: str | FsPath, *, root: str | FsPath | None = None) -> CompiledRulebook:
    """Load, validate and compile one rulebook file. Raises RulebookError.

    ``root``: the rulebooks directory the file is recorded relative to (see
    ``recorded_name``). A file this engine already validated (same bytes, same source
    text and vocabulary) comes from the on-disk cache (``library.cache``): the same
    result, faster."""
    file = FsPath(path)
    problems: list[Problem] = []
    raw = read_bounded(file, problems, name=str(path), regular_only=True)
    if raw is None:
        raise RulebookError(problems)
    root_dir = FsPath(root) if root is not None else None
    sha256 = hashlib.sha256(raw).hexdigest()
    kept = cache.read(sha256)
    if kept is not None and _reads_the_same_files(kept, file):
        hit = _from_cache(kept, sha256, file, root_dir)
        hit.located = lambda: load_bytes(raw, str(path), [])  # positions, when asked for
        return hit
    located = load_bytes(raw, str(path), problems)
    if located is None:
        raise RulebookError(problems)
    compiled = compile_rulebook(located, raw, file, problems, root=root_dir)
    deps = _dependencies(file, compiled.model)
    # the shared vocabulary's kinds too: pure data, valid while its file (a dependency of
    # the entry) keeps its bytes, so a hit neither parses nor validates that file again
    cache.write(sha256, deps, model=compiled.model,
                vocabulary=load_vocabulary_file(deps[0]).kinds)
    return compiled


def _dependencies(file: FsPath, model: Rulebook) -> list[FsPath]:
    """The files a rulebook's validation read besides its own: the vocabulary nearest
    above it (first), and the legal source text its citations were checked against."""
    deps = [vocabulary_file_for(file)]
    if model.source.file:
        deps.append(file.parent / model.source.file)
    return deps


def _reads_the_same_files(kept: dict[str, Any], file: FsPath) -> bool:
    """Whether the files this rulebook would read, where it lies now, are those the entry
    was validated with. The same bytes copied next to another source text or vocabulary
    (or a vocabulary.yaml added nearer to it) must be validated again: the entry only
    vouches for the files it recorded (``cache.read`` checks their bytes)."""
    model, deps = kept.get("model"), kept.get("deps")
    if not isinstance(model, Rulebook) or not isinstance(deps, dict) or not isinstance(
            kept.get("vocabulary"), dict):
        return False  # not an entry this code wrote: a fresh load replaces it
    want = {str(p.resolve()) for p in _dependencies(file, model)}
    return want == set(deps)


def _from_cache(kept: dict[str, Any], sha256: str, file: FsPath,
                root: FsPath | None) -> CompiledRulebook:
    """Compile a model that passed every check before (a cache hit)."""
    model: Rulebook = kept["model"]
    # the vocabulary file's kinds were kept with the entry, which depends on that file's
    # bytes (so they are its kinds); its profile classes are made at run time, on first use
    vocabulary_file = vocabulary_file_for(file)
    vocabulary = Vocabulary(dict(kept["vocabulary"]), (str(vocabulary_file.resolve()),))
    if model.vocabulary is not None:
        vocabulary.extend(dict(model.vocabulary.kinds), str(file))
    compiler = Compiler(model, None, str(file), vocabulary=vocabulary)
    designations = {did: compile_designation(compiler, did, d)
                    for did, d in model.designations.items()}
    if compiler.problems:  # pragma: no cover - the same model compiled cleanly before
        raise RulebookError(compiler.problems)

    def lifecycle() -> Any:
        from ..lifecycle.engine import compile_lifecycle

        return compile_lifecycle(model)

    compiled = CompiledRulebook(model, designations, sha256, str(file),
                                lifecycle if model.lifecycle is not None else None, vocabulary)
    compiled.ref = compiled.ref.model_copy(update={"file": recorded_name(file, root)})
    if compiled.timelines is not None:
        compiled.timelines = TimelineCache(_NoEventsNoEngine(compiled))
    return compiled


class _NoEventsNoEngine:
    """Runs histories through a cached rulebook's lifecycle, compiled on first use; the
    empty history needs no compiling: rules fire only on events and what they derive,
    so its timeline has no facts (what ``CompiledLifecycle.run([])`` returns, tested).
    A profile with ``events: []`` (most checks) never loads the lifecycle engine."""

    def __init__(self, rulebook: CompiledRulebook) -> None:
        self._rulebook = rulebook

    def run(self, events: list[Any], until: _dt.date | None = None) -> Any:
        if events:
            return self._rulebook.lifecycle.run(events, until=until)
        from ..lifecycle.timeline import Timeline

        model = self._rulebook.model
        # constructed, not validated: these values are valid, and a check need not build
        # the timeline's validator
        return Timeline.model_construct(unit="unit", rulebook=f"{model.id}@{model.version}",
                                        facts=(), events=(), unused_events=())
