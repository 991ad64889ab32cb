"""Safe, bounded YAML (and JSON) loading that remembers where every value came from.

We compose the node graph with ruamel.yaml and build plain Python values ourselves, so:
- no tag other than YAML's core scalars is ever constructed (no Python objects, no eval);
- floats stay exact: ``0.40`` becomes ``Decimal("0.40")``, never a binary float;
- duplicate keys are errors, with both positions;
- aliases are expanded against a node budget, so an alias bomb is refused, not expanded.
"""

from __future__ import annotations

import datetime as _dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path as _FsPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from .errors import Path, Problem

MAX_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000

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


def _parser() -> YAML:
    # The C parser (ruamel.yaml.clib) composes 3-4x faster than the pure one; we only
    # compose nodes, so both give the same tree, tags and marks.
    try:
        yaml = YAML(typ="safe", pure=False)
    except Exception:  # pragma: no cover - platforms without the C extension
        yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _Yaml12Resolver
    return yaml


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def load_text(text: str, file: str, problems: list[Problem]) -> Located | None:
    """Parse ``text``; append every problem found and return None if any is fatal."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        problems.append(
            Problem(file, None, None, "file is too large to load safely",
                    expected=f"at most {MAX_BYTES} bytes", found=f"{len(text)} characters")
        )
        return None
    try:
        root = _parser().compose(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        msg = f"YAML syntax error: {exc.problem or exc.context}"
        problems.append(Problem(file, line, col, msg))
        return None
    except YAMLError as exc:
        problems.append(Problem(file, None, None, f"YAML error: {exc}"))
        return None
    located = Located(None, file)
    if root is None:
        problems.append(Problem(file, 1, 1, "the file is empty", expected="a mapping"))
        return None
    builder = _Builder(located, problems)
    try:
        located.data = builder.build(root, ())
    except _Refused as refused:
        problems.append(refused.problem)
        return None
    return located


def load_file(path: str | _FsPath, problems: list[Problem]) -> Located | None:
    """Read and parse a file; unreadable or non-UTF-8 files are problems, not tracebacks."""
    name = str(path)
    try:
        size = _FsPath(path).stat().st_size
        if size > MAX_BYTES:
            problems.append(Problem(name, None, None, "file is too large to load safely",
                                    expected=f"at most {MAX_BYTES} bytes", found=f"{size} bytes"))
            return None
        raw = _FsPath(path).read_bytes()
    except OSError as exc:
        problems.append(Problem(name, None, None, f"cannot read file: {exc.strerror or exc}"))
        return None
    return load_bytes(raw, name, problems)


def load_bytes(raw: bytes, name: str, problems: list[Problem]) -> Located | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, None, f"file is not UTF-8 text: {exc.reason}",
                                expected="UTF-8"))
        return None
    return load_text(text, name, problems)


class _Builder:
    def __init__(self, located: Located, problems: list[Problem]) -> None:
        self.located = located
        self.problems = problems
        self.budget = MAX_NODES

    def _pos(self, node: Node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: Node, path: Path) -> Any:
        self.budget -= 1
        if self.budget < 0:
            line, col = self._pos(node)
            raise _Refused(Problem(
                self.located.file, line, col,
                "document expands to too many values (an alias bomb?); refused",
                expected=f"at most {MAX_NODES} values after expanding aliases",
            ))
        self.located.values.setdefault(path, self._pos(node))
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if str(node.tag) not in (_CORE + "seq",):
                self._bad_tag(node)
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node)

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

    def _bad_tag(self, node: Node) -> None:
        line, col = self._pos(node)
        raise _Refused(Problem(
            self.located.file, line, col, f"tag {node.tag!s} is not allowed",
            expected="plain YAML values (no tags)",
        ))

    def _scalar(self, node: ScalarNode) -> Any:
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
        if kind == "int":
            try:
                return int(value.replace("_", ""), 0)
            except ValueError:
                return int(value.replace("_", ""))
        if kind == "float":
            try:
                number = Decimal(value.replace("_", ""))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                line, col = self._pos(node)
                raise _Refused(Problem(self.located.file, line, col,
                                       f"{value!r} is not a finite number"))
            return number
        if kind == "timestamp":
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                line, col = self._pos(node)
                raise _Refused(Problem(
                    self.located.file, line, col, f"{value!r} is not a valid date",
                    expected="a calendar date YYYY-MM-DD")) from None
        self._bad_tag(node)
        return None
