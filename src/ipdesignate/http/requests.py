"""Request bodies: JSON parsed exactly, envelopes validated, problems located in the body.

Bodies take the same input path as files: numbers keep their written digits (``0.40`` is
``Decimal("0.40")``), duplicate keys and non-finite numbers are refused, and a profile is
validated by ``applicant.load.profile_from_located``. The fast path parses with ``json``
and has no positions; only when something is wrong is the body read again with the
located loader, so every problem carries its line and column in the body.
"""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from .._core.errors import InputError, Path, Problem
from .._core.problem_doc import document
from .._core.validate import validate
from .._core.yaml import Located, load_bytes

BODY = "<request>"


class RequestProblem(Exception):
    """An HTTP-level problem (malformed body, too large, wrong shape): its document."""

    def __init__(self, doc: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.doc = doc
        self.status: int = doc["status"]
        self.headers = headers or {}
        super().__init__(doc["detail"])


def _ref(name: str) -> Any:
    # a placeholder the OpenAPI builder turns into a $ref to the component (pydantic
    # would try to resolve a $ref itself)
    return WithJsonSchema({"x-component": name})


ProfileBody = Annotated[Any, _ref("Profile")]
EventsBody = Annotated[Any, _ref("Events")]


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckRequest(_Envelope):
    """One profile, one designation."""

    profile: ProfileBody
    designation: str = Field(min_length=1, description="designation id, or MEASURE:ID")
    on: _dt.date | None = Field(None, description="as-of date (default: the profile's "
                                "application_date)")
    version: str | None = Field(None, description="evaluate as if this version of the "
                                "measure were in force (default: the one in force on the date)")


class BatchRequest(_Envelope):
    """Many profiles, one designation; results come back in input order."""

    profiles: list[ProfileBody]
    designation: str = Field(min_length=1)
    on: _dt.date | None = None
    version: str | None = None


class AllRequest(_Envelope):
    """One profile, every designation of the library open to its kind."""

    profile: ProfileBody
    on: _dt.date | None = None


class TimelineRequest(_Envelope):
    """One unit's dated events through a measure's lifecycle rules."""

    events: EventsBody
    unit: str = Field("unit", min_length=1)
    measure: str | None = Field(None, description="default: the one measure whose event "
                                "types cover the events")
    version: str | None = Field(None, description="default: the version in force on 'on', "
                                "else the measure's only version with lifecycle rules")
    on: _dt.date | None = Field(None, description="report this day's status, obligations "
                                "and bars instead of the whole timeline")


class UnitEvents(_Envelope):
    unit: str = Field(min_length=1)
    events: EventsBody


class TimelineBatchRequest(_Envelope):
    units: list[UnitEvents]
    measure: str | None = None
    version: str | None = None
    on: _dt.date | None = None


# ---- parsing ---------------------------------------------------------------------------------


class _Duplicate(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


class _NonFinite:
    """Where JSON (as Python reads it) had NaN or Infinity: refused, at its path."""

    def __init__(self, name: str) -> None:
        self.name = name


def _non_finite(data: Any, path: Path = ()) -> list[Problem]:
    if isinstance(data, _NonFinite):
        return [Problem(BODY, None, None, f"{data.name} is not a finite number", path,
                        "a finite number", data.name)]
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _non_finite(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _non_finite(v, (*path, i))]
    return []


def parse_json(raw: bytes) -> Any:
    """The body as Python data, numbers exact; a malformed body is a located 400."""
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_NonFinite,
                          object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise RequestProblem(document(
            "malformed-request", f"the body is not JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}", problems=[Problem(BODY, exc.lineno, exc.colno, exc.msg)]
        )) from None
    except (_Duplicate, ValueError, UnicodeDecodeError, RecursionError):
        # the located loader says where (a duplicate key, NaN, bad UTF-8, nesting)
        problems: list[Problem] = []
        load_bytes(raw, BODY, problems)
        if not problems:
            problems = [Problem(BODY, None, None, "the body is not well-formed JSON")]
        raise RequestProblem(document("malformed-request", problems[0].message,
                                      problems=problems)) from None
    if b"NaN" in raw or b"Infinity" in raw:  # cheap test first: the walk is rarely needed
        bad = _non_finite(data)
        if bad:
            raise RequestProblem(document("malformed-request", bad[0].message,
                                          problems=located_in(raw, bad)))
    return data


def envelope(model: type[BaseModel], located: Located, raw: bytes) -> Any:
    """The request's envelope (the keys around the profiles), or a located 400."""
    if not isinstance(located.data, dict):
        raise RequestProblem(document(
            "invalid-request", "the body is a JSON object",
            problems=[Problem(BODY, 1, 1, "the body is a JSON object",
                              expected="an object", found=type(located.data).__name__)]))
    problems: list[Problem] = []
    req = validate(model, located, problems)
    if req is None:
        raise RequestProblem(document("invalid-request", "; ".join(p.message for p in problems),
                                      problems=located_in(raw, problems)))
    return req


class Body:
    """A parsed body, and its positions when they are needed (loaded once, lazily)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.located = Located(parse_json(raw), BODY)
        self._positions: Located | None = None

    def locate(self, problems: tuple[Problem, ...] | list[Problem], prefix: Path = ()
               ) -> list[Problem]:
        """Problems (paths relative to ``prefix``) as problems of the body, with lines."""
        if self._positions is None:
            self._positions = load_bytes(self.raw, BODY, []) or Located(None, BODY)
        return located_in(self.raw, problems, prefix, self._positions)


def located_in(raw: bytes, problems: tuple[Problem, ...] | list[Problem], prefix: Path = (),
               positions: Located | None = None) -> list[Problem]:
    if positions is None:
        positions = load_bytes(raw, BODY, []) or Located(None, BODY)
    out = []
    for p in problems:
        if p.file == BODY and p.line is not None:  # located in the body already
            out.append(p)
            continue
        path = (*prefix, *p.path)
        line, column = positions.where(path, key=p.message.startswith("unknown key"))
        out.append(Problem(BODY, line, column, p.message, path, p.expected, p.found))
    return out


def relocated(exc: InputError, body: Body, prefix: Path) -> InputError:
    """The same error, its problems located in the request body under ``prefix``."""
    return type(exc)(body.locate(exc.problems, prefix))
