"""The OpenAPI document: FastAPI's paths, and components generated from the same pydantic
models the library validates and serialises with (profile, decision, events, timeline).

JSON Schema ``$defs`` of each document are hoisted into ``components/schemas`` (their
``$ref``s rewritten), so one document holds every schema and a validator resolves them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from ..applicant.vocabulary import Vocabulary
from ..library.schema import schema
from ..lifecycle.timeline import Timeline
from . import requests, responses

REF = "#/components/schemas/{model}"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _rewrite(v) for k, v in node.items()}
        component = out.pop("x-component", None)
        if isinstance(component, str):
            out["$ref"] = REF.format(model=component)
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/components/schemas/" + ref[len("#/$defs/"):]
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def _add(components: dict[str, Any], name: str, sch: dict[str, Any]) -> None:
    sch = dict(sch)
    defs = sch.pop("$defs", {})
    for def_name, d in defs.items():
        _put(components, def_name, _rewrite(d))
    _put(components, name, _rewrite(sch))


def _put(components: dict[str, Any], name: str, sch: dict[str, Any]) -> None:
    old = components.get(name)
    if old is not None and old != sch:
        raise ValueError(f"two different schemas are called {name!r}")
    components[name] = sch


def _model(components: dict[str, Any], model: type[BaseModel], mode: str = "validation") -> None:
    _add(components, model.__name__,
         model.model_json_schema(ref_template="#/$defs/{model}", mode=mode))  # type: ignore[arg-type]


def components(vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """Every schema the paths refer to; the profile as the loaded library's vocabulary
    declares it."""
    out: dict[str, Any] = {}
    _add(out, "Profile", schema("profile", vocabulary))
    _add(out, "Decision", schema("decision"))
    _add(out, "Events", schema("events"))
    _add(out, "Timeline", Timeline.model_json_schema(mode="serialization"))
    on_date = responses.timeline_on_date_model()
    _model(out, on_date, "serialization")
    out["TimelineResult"] = {"anyOf": [{"$ref": REF.format(model="Timeline")},
                                       {"$ref": REF.format(model=on_date.__name__)}]}
    inputs: tuple[type[BaseModel], ...] = (
        requests.CheckRequest, requests.BatchRequest, requests.AllRequest,
        requests.TimelineRequest, requests.TimelineBatchRequest)
    outputs: tuple[type[BaseModel], ...] = (
        responses.ProblemDocument, responses.BatchResults, responses.TimelineResults,
        responses.RulebookList, responses.RulebookDetail, responses.Health, responses.Ready)
    for m in inputs:
        _model(out, m)
    for m in outputs:
        _model(out, m, "serialization")
    _add(out, "AnySchema", TypeAdapter(dict[str, Any]).json_schema())
    return out


def body(name: str) -> dict[str, Any]:
    """An operation's ``requestBody``: JSON of component ``name``."""
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": REF.format(model=name)}}}}}


def answers(ok: str | None, *errors: int) -> dict[int | str, dict[str, Any]]:
    """An operation's ``responses``: 200 with component ``ok``, and problem documents."""
    out: dict[int | str, dict[str, Any]] = {}
    if ok is not None:
        out[200] = {"description": "OK", "content": {
            "application/json": {"schema": {"$ref": REF.format(model=ok)}}}}
    for status in (*errors, 401, 500):
        out[status] = {"description": "a problem (RFC 9457)", "content": {
            "application/problem+json": {"schema": {
                "$ref": REF.format(model="ProblemDocument")}}}}
    return out
