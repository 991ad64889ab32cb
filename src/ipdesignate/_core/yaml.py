"""Safe, bounded YAML (and JSON) loading that remembers where every value came from.

We compose the node graph with ruamel.yaml and build plain Python values ourselves, so:
- no tag other than YAML's core scalars is ever constructed (no Python objects, no eval);
- floats stay exact: ``0.40`` becomes ``Decimal("0.40")``, never a binary float;
- duplicate keys are errors, with both positions;
- aliases are expanded against a budget (values produced by an alias count, plain values
  do not), so an alias bomb is refused, not expanded;
- numbers, dates and nesting are held to ``limits.LIMITS`` as they are built, so a number
  of a billion digits or a list nested a thousand levels deep is a located error.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path as _FsPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from .errors import Path, Problem
from .limits import LIMITS, bounded, date_problem, digit_text_problem, number_problem
from .yaml_hints import explain

_CORE = "tag:yaml.org,2002:"


@dataclass
class Located:
    """A loaded document and the 1-based (line, column) of each value and mapping key."""

    data: Any
    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of ``path``; falls back to the nearest located ancestor."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while True:
            if probe in table:
                return table[probe]
            if key and probe in self.values:
                return self.values[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]

    def problem(
        self,
        path: Path,
        message: str,
        *,
        key: bool = False,
        expected: str | None = None,
        found: str | None = None,
    ) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, message, tuple(path), expected, found)


class _Yaml12Resolver(VersionedResolver):
    """YAML 1.2 resolution, without asking the parser for the version at every scalar
    (that lookup was a quarter of the load time of a rulebook). Documents are 1.2."""

    @property
    def processing_version(self) -> tuple[int, int]:
        return (1, 2)


_PER_THREAD = threading.local()


def _parser() -> YAML:
    # The C parser (ruamel.yaml.clib) composes 3-4x faster than the pure one; we only
    # compose nodes, so both give the same tree, tags and marks. One per thread, reused:
    # building it costs as much as composing a small document (a batch loads thousands).
    yaml: YAML | None = getattr(_PER_THREAD, "yaml", None)
    if yaml is not None:
        return yaml
    try:
        yaml = YAML(typ="safe", pure=False)
    except Exception:  # pragma: no cover - platforms without the C extension
        yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _Yaml12Resolver
    _PER_THREAD.yaml = yaml
    return yaml


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _too_large(file: str, found: str) -> Problem:
    return Problem(file, None, None, "file is too large to load safely",
                   expected=f"at most {LIMITS.max_bytes} bytes", found=found)


_BLOCK_PREFIX = re.compile(r"(?m)^[ \t?:-]*")


def _at(mark: Any, start: tuple[int, int]) -> tuple[int, int]:
    """1-based (line, column) of a mark in a text that starts at ``start`` of its file."""
    line0, col0 = start
    return (mark.line + line0, mark.column + (col0 if mark.line == 0 else 1))


def _too_deep(file: str, text: str, start: tuple[int, int] = (1, 1)) -> Problem | None:
    """Where a document first nests deeper than the limit, or None.

    It must be found before composing: the C composer recurses on the C stack, so a
    document nested some thousands of levels deep kills the process (SIGSEGV) instead of
    raising. A block level needs a deeper indentation and a flow level a bracket, so most
    documents are cleared by a cheap bound; the others are walked as parse events
    (iteratively) to find the first level too deep.
    """
    limit = LIMITS.max_depth
    indent = max((len(m) for m in _BLOCK_PREFIX.findall(text)), default=0)
    if indent + 2 + text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    try:
        for event in _parser().parse(io.StringIO(text)):
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                depth += 1
                if depth > limit:
                    line, col = _at(event.start_mark, start)
                    return Problem(file, line, col,
                                   "the document is nested too deeply",
                                   expected=f"at most {limit} nested levels (limit max_depth)")
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1
    except YAMLError:
        return None  # composing reports the syntax error, located
    return None


def load_text(text: str, file: str, problems: list[Problem], *,
              start: tuple[int, int] = (1, 1)) -> Located | None:
    """Parse ``text``; append every problem found and return None if any is fatal.

    ``start`` is where ``text`` begins in ``file`` (line, column): a part of a file (one
    unit of a batch) is parsed alone and still reports the file's own positions."""
    limit = LIMITS.max_bytes
    if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
        problems.append(_too_large(file, f"{len(text)} characters"))
        return None
    deep = _too_deep(file, text, start)
    if deep is not None:
        problems.append(deep)
        return None
    try:
        root = _parser().compose(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _at(mark, start) if mark is not None else (None, None)
        msg = f"YAML syntax error: {explain(exc, text, start)}"
        problems.append(Problem(file, line, col, msg))
        return None
    except YAMLError as exc:
        position = getattr(exc, "position", None)  # a reader error: a character offset
        if isinstance(position, int) and 0 <= position <= len(text):
            line = text.count("\n", 0, position)
            col = position - (text.rfind("\n", 0, position) + 1)
            char = getattr(exc, "character", None)
            code = ord(char) if isinstance(char, str) and len(char) == 1 else char
            what = (f"the character U+{code:04X} is not allowed in YAML"
                    if isinstance(code, int) else "a character is not allowed in YAML")
            problems.append(Problem(file, line + start[0],
                                    col + (start[1] if line == 0 else 1), what,
                                    expected="printable text (escape it inside double "
                                    "quotes, e.g. \"\\u0000\")"))
        else:
            problems.append(Problem(file, None, None, f"YAML error: {exc}"))
        return None
    located = Located(None, file)
    if root is None:
        problems.append(Problem(file, *start, "the file is empty", expected="a mapping"))
        return None
    builder = _Builder(located, problems, start)
    try:
        located.data = builder.build(root, ())
    except _Refused as refused:
        problems.append(refused.problem)
        return None
    return located


def read_bounded(path: str | _FsPath, problems: list[Problem], *, name: str | None = None,
                 regular_only: bool = False) -> bytes | None:
    """The bytes of a file (``-``: standard input), reading at most ``LIMITS.max_bytes``.

    ``stat`` says 0 bytes for a device, a FIFO or a pipe, so the limit is enforced while
    reading: ``/dev/zero`` is refused after max_bytes, not read until memory runs out.
    ``regular_only`` refuses anything but a regular file before opening it (a FIFO would
    block the open itself).
    """
    import os
    import stat
    import sys

    label = name or ("<stdin>" if str(path) == "-" else str(path))
    limit = LIMITS.max_bytes
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            if regular_only:
                mode = os.stat(path).st_mode
                if not stat.S_ISREG(mode):
                    problems.append(Problem(label, None, None, "not a regular file",
                                            expected="a regular file"))
                    return None
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        problems.append(Problem(label, None, None, f"cannot read file: {exc.strerror or exc}"))
        return None
    except ValueError as exc:  # e.g. a path with a NUL byte
        problems.append(Problem(label, None, None, f"cannot read file: {exc}"))
        return None
    if len(data) > limit:
        problems.append(_too_large(label, f"more than {limit} bytes"))
        return None
    return data


def load_file(path: str | _FsPath, problems: list[Problem]) -> Located | None:
    """Read and parse a file; unreadable or non-UTF-8 files are problems, not tracebacks."""
    raw = read_bounded(path, problems)
    if raw is None:
        return None
    return load_bytes(raw, "<stdin>" if str(path) == "-" else str(path), problems)


def load_bytes(raw: bytes, name: str, problems: list[Problem]) -> Located | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, None, f"file is not UTF-8 text: {exc.reason}",
                                expected="UTF-8"))
        return None
    return load_text(text, name, problems)


class _Builder:
    def __init__(self, located: Located, problems: list[Problem],
                 start: tuple[int, int] = (1, 1)) -> None:
        self.start = start
        self.located = located
        self.problems = problems
        self.budget = LIMITS.max_alias_values
        # Nodes built once: building one again is an alias expansion, which is what an
        # alias bomb multiplies. Plain values are bounded by the file size already.
        self.built: set[int] = set()

    def _pos(self, node: Node) -> tuple[int, int]:
        return _at(node.start_mark, self.start)

    def _refuse(self, node: Node, message: str, expected: str | None = None,
                path: Path = ()) -> _Refused:
        line, col = self._pos(node)
        return _Refused(Problem(self.located.file, line, col, message, path, expected))

    def build(self, node: Node, path: Path) -> Any:
        key = id(node)
        if key in self.built:
            self.budget -= 1
            if self.budget < 0:
                # an aliased node keeps its anchor's mark: point at the line that uses it
                line, col = self.located.where(path[:-1])
                raise _Refused(Problem(
                    self.located.file, line, col,
                    "aliases expand to too many values (an alias bomb?); refused",
                    expected=f"at most {LIMITS.max_alias_values} values produced by "
                    "aliases (limit max_alias_values)"))
        else:
            self.built.add(key)
        if len(path) > LIMITS.max_depth and not isinstance(node, ScalarNode):
            raise self._refuse(node, "the document is nested too deeply",
                               f"at most {LIMITS.max_depth} nested levels (limit max_depth)",
                               path[:3])
        self.located.values.setdefault(path, self._pos(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if str(node.tag) not in (_CORE + "seq",):
                self._bad_tag(node)
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        if str(node.tag) not in (_CORE + "map",):
            self._bad_tag(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                line, col = self._pos(key_node)
                raise _Refused(Problem(self.located.file, line, col,
                                       "mapping keys must be plain scalars"))
            if key_node.value == "<<":
                line, col = self._pos(key_node)
                self.problems.append(Problem(
                    self.located.file, line, col,
                    "YAML merge keys ('<<') are not supported; write the keys out",
                    path=path))
                continue
            key = self._scalar(key_node)
            if isinstance(key, (_dt.date, Decimal, bool)) or key is None:
                key = key_node.value
            if key in out:
                line, col = self._pos(key_node)
                first = self.located.keys.get((*path, key))
                where = f" (first at line {first[0]})" if first else ""
                self.problems.append(Problem(self.located.file, line, col,
                                             f"duplicate key {key!r}{where}", path=(*path, key)))
                continue
            self.located.keys[(*path, key)] = self._pos(key_node)
            out[key] = self.build(value_node, (*path, key))
        return out

    def _number(self, node: ScalarNode, kind: str, value: str, path: Path) -> Any:
        """An int or an exact Decimal, inside ``LIMITS`` (checked on the text first, so a
        5,000-digit integer or ``1e999999999`` is refused before any arithmetic)."""
        text = value.replace("_", "")
        why = digit_text_problem(text)
        number: int | Decimal | None = None
        if why is None and kind == "int":
            try:
                number = int(text, 0)
            except ValueError:
                number = int(text)
        elif why is None:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise self._refuse(node, f"{value!r} is not a finite number", path=path)
        if number is not None:
            why = number_problem(number)
        if why is not None:
            raise self._refuse(node, why, path=path)
        assert number is not None
        return bounded(number)

    def _bad_tag(self, node: Node) -> None:
        line, col = self._pos(node)
        raise _Refused(Problem(
            self.located.file, line, col, f"tag {node.tag!s} is not allowed",
            expected="plain YAML values (no tags)",
        ))

    def _scalar(self, node: ScalarNode, path: Path = ()) -> Any:
        tag = str(node.tag)
        value: str = node.value
        if not tag.startswith(_CORE):
            self._bad_tag(node)
        kind = tag[len(_CORE):]
        if kind == "str":
            return value
        if kind == "null":
            return None
        if kind == "bool":
            return value.lower() == "true"
        if kind in ("int", "float"):
            return self._number(node, kind, value, path)
        if kind == "timestamp":
            try:
                day = _dt.date.fromisoformat(value)
            except ValueError:
                raise self._refuse(node, f"{value!r} is not a valid date",
                                   "a calendar date YYYY-MM-DD", path) from None
            why = date_problem(day)
            if why is not None:
                raise self._refuse(node, why, path=path)
            return day
        self._bad_tag(node)
        return None
