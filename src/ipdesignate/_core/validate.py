"""Validate loaded data against a pydantic model; every error becomes a located Problem.

pydantic reports a location as a tuple of keys, indices and union tags; we walk it over
the data (for the file position) and over the model types (for the keys that were allowed,
so an unknown key gets a "did you mean").
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import Path, Problem
from .limits import shown
from .yaml import Located

M = TypeVar("M", bound=BaseModel)


class ErrorAt(ValueError):
    """What a model validator raises to say *where* inside the model's value the problem
    lies (the path of the offending key or value, from the model), so the error is located
    there and not at the model as a whole (for a file's root model: its line 1)."""

    def __init__(self, path: Path, message: str, *, key: bool = False,
                 found: str | None = None) -> None:
        super().__init__(message)
        self.path = tuple(path)
        self.key = key
        self.found = found
_KEYLIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _unwrap(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    meta: tuple[Any, ...] = ()
    while get_origin(tp) is Annotated:
        args = get_args(tp)
        tp, meta = args[0], meta + tuple(args[1:])
    return tp, meta


def _members(tp: Any) -> list[Any]:
    tp, _ = _unwrap(tp)
    if get_origin(tp) in (Union, types.UnionType):
        out = []
        for arg in get_args(tp):
            out.extend(_members(arg))
        return out
    return [tp]


def _tag(member: Any) -> str | None:
    for meta in _unwrap(member)[1]:
        tag = getattr(meta, "tag", None)
        if isinstance(tag, str):
            return tag
    return None


def _step(tp: Any, item: Any) -> tuple[Any, bool]:
    """One step of a location through the types: (next type, whether ``item`` was used)."""
    bare, _ = _unwrap(tp)
    if get_origin(bare) in (Union, types.UnionType):
        raw = [a for a in get_args(bare) if a is not type(None)]
        for member in raw:
            inner = _unwrap(member)[0]
            if _tag(member) == item or getattr(inner, "__name__", None) == item:
                return inner, True
        if len(raw) == 1:
            return _step(raw[0], item)
        return None, False
    origin = get_origin(bare)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        for name, info in bare.model_fields.items():
            if item in (name, info.alias):
                return info.annotation, True
        return None, False
    if origin is dict:
        return get_args(bare)[1], True
    if origin in (tuple, list):
        return get_args(bare)[0], True
    return None, False


def allowed_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    tp: Any = root
    for item in loc:
        nxt, _ = _step(tp, item)
        if nxt is None:
            return None
        tp = nxt
    bare = _unwrap(tp)[0]
    members = [m for m in _members(bare) if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(members) != 1:
        return None
    return [info.alias or name for name, info in members[0].model_fields.items()]


def _is_tag(union: Any, item: Any) -> bool:
    """Whether ``item`` names a member of ``union`` (not an index into an Optional list)."""
    for member in get_args(union):
        inner = _unwrap(member)[0]
        if _tag(member) == item or getattr(inner, "__name__", None) == item:
            return True
    return False


def data_path(data: Any, loc: tuple[Any, ...], root: Any = None) -> Path:
    """The part of a pydantic location that indexes real data (union tags are skipped)."""
    out: list[str | int] = []
    node, tp = data, root
    for item in loc:
        bare = _unwrap(tp)[0] if tp is not None else None
        if bare is not None and get_origin(bare) in (Union, types.UnionType):
            nxt, used = _step(bare, item)
            if used and _is_tag(bare, item):  # a union tag or member name: a step in
                tp = nxt                      # the types, not in the data
                continue
        if tp is not None:
            tp = _step(tp, item)[0]
        if isinstance(node, dict) and item in node:
            node = node[item]
            out.append(item)
        elif isinstance(node, dict) and isinstance(item, int) and str(item) in node:
            node = node[str(item)]
            out.append(str(item))
        elif isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
            node = node[item]
            out.append(item)
    return tuple(out)


def _found(value: Any) -> str:
    from decimal import Decimal

    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (Decimal, int)):
        return shown(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _other_level(root: type[BaseModel], loc: tuple[Any, ...], allowed: list[str]
                 ) -> str | None:
    """Where an unknown key would be allowed one level up or down (an indentation slip):
    ``"the mapping one level up"``, ``"'share' (one level down)"``, or None."""
    key = loc[-1]
    for k in range(len(loc) - 2, -1, -1):
        up = allowed_keys(root, loc[:k])
        if up is not None and up != allowed:
            if key in up:
                return "the mapping one level up"
            break
    for name in allowed:
        down = allowed_keys(root, (*loc[:-1], name))
        if down is not None and key in down:
            return f"{name!r}, one level down"
    return None


def problem_of(err: ErrorDetails, root: type[BaseModel], located: Located,
               prefix: Path = ()) -> Problem:
    import difflib  # only on the way to an error: not every run's import

    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        key = loc[-1]
        allowed = allowed_keys(root, loc[:-1]) or []
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        if not close and err.get("input") is None and not _KEYLIKE.fullmatch(str(key)):
            hint = ("; inside {a flow mapping} an ASCII comma ends the value: put the text "
                    "in quotes")
        path = (*prefix, *data_path(located_data(located, prefix), loc, root))
        if not close:
            level = _other_level(root, loc, allowed)
            if level is not None:
                line, _ = located.where(path, key=True)
                hint = (f"; {key!r} is a key of {level}: check the indentation of line "
                        f"{line}" if line is not None else f"; {key!r} is a key of {level}: "
                        "check its indentation")
        return located.problem(path, f"unknown key {key!r}{hint}", key=True,
                               expected=f"one of: {', '.join(allowed)}" if allowed else None)
    if kind == "missing":
        path = (*prefix, *data_path(located_data(located, prefix), loc[:-1], root))
        return located.problem(path, f"missing required key {loc[-1]!r}")
    at = (err.get("ctx") or {}).get("error")
    if isinstance(at, ErrorAt):  # a model validator that said where
        path = (*prefix, *data_path(located_data(located, prefix), (*loc, *at.path), root))
        return located.problem(path, str(at), key=at.key, found=at.found)
    path = (*prefix, *data_path(located_data(located, prefix), loc, root))
    msg = err["msg"]
    if kind in ("check_head", "measure_head"):
        value = err.get("input")
        keys = list(value) if isinstance(value, dict) else []
        heads = msg.split(": ", 1)[1].split(", ")
        hints = []
        for k in keys:
            close = difflib.get_close_matches(str(k), heads, n=1, cutoff=0.6)
            if close and k not in heads:
                hints.append(f"did you mean {close[0]!r} for {k!r}?")
        found = ", ".join(map(str, keys)) if keys else _found(value)
        return located.problem(path, msg + (f"; {' '.join(hints)}" if hints else ""),
                               found=found)
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return located.problem(path, msg, found=_found(err.get("input")))


def located_data(located: Located, prefix: Path) -> Any:
    node = located.data
    for item in prefix:
        node = node[item]
    return node


def validate(model: type[M], located: Located, problems: list[Problem], prefix: Path = ()
             ) -> M | None:
    """Validate the value at ``prefix`` of a located document; problems are appended."""
    try:
        return model.model_validate(located_data(located, prefix))
    except ValidationError as exc:
        errors = exc.errors()
        deeper = {tuple(e["loc"])[:-1] for e in errors}
        for e in errors:
            # an empty-after-validation artefact of items that already failed
            if e["type"] == "too_short" and any(
                    d[:len(e["loc"])] == tuple(e["loc"]) for d in deeper if d != ()):
                continue
            problems.append(problem_of(e, model, located, prefix))
        return None
