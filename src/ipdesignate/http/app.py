"""The FastAPI application: routes, access control, limits, problem+json errors, reload.

Endpoints read the raw body themselves (``requests.Body``): the profile goes through the
library's own input path (exact numbers, located problems) instead of a second model, and
a decision is written once, by ``Decision.model_dump_json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from .._core.errors import IpdesignateError
from .._core.problem_doc import document, problem_document
from .._version import __version__
from ..library.library import Library
from ..library.schema import SCHEMAS, schema
from . import openapi
from .requests import RequestProblem
from .service import Service
from .settings import SETTINGS_ENV, Settings

log = logging.getLogger("ipdesignate.http")
PROBLEM = "application/problem+json"
PUBLIC_PATHS = frozenset({"/healthz"})


def problem_response(doc: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(doc, ensure_ascii=False), status_code=doc["status"],
                    media_type=PROBLEM, headers=headers)


def load_library(settings: Settings) -> Library:
    return Library.load([settings.rulebooks]) if settings.rulebooks else Library.default()


class State:
    """The current service. A reload builds a new one and swaps the reference: a request
    keeps the service it started with."""

    def __init__(self, settings: Settings, library: Library) -> None:
        self.settings = settings
        self.service = Service(library, settings.max_batch)
        self._reloading = threading.Lock()

    def reload(self) -> Service:
        with self._reloading:
            service = Service(load_library(self.settings), self.settings.max_batch)
            self.service = service  # one reference assignment: atomic for readers
            return service


class AccessControl:
    """Bearer token on every path but /healthz, compared in constant time, never logged."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = ("Bearer " + token).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                given = value
                break
        if not hmac.compare_digest(given, self.token):
            doc = document("unauthorized", "missing or wrong API token" if given else
                           "this service requires an API token: Authorization: Bearer TOKEN")
            response = problem_response(doc, {"WWW-Authenticate": 'Bearer realm="ipdesignate"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is known to be larger than ``limit``."""
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip()
    if kind != "application/json" and not kind.endswith("+json"):
        raise RequestProblem(document("unsupported-media-type",
                                      f"the body is {kind}; send application/json"))
    length = request.headers.get("content-length")
    too_large = document("too-large", f"the body is larger than {limit} bytes",
                         limit=limit)
    if length is not None and length.isdigit() and int(length) > limit:
        raise RequestProblem(too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestProblem(too_large)
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(run: Callable[[], Any]) -> Response:
    """Run an endpoint's logic; every error becomes a problem document."""
    try:
        out = run()
    except RequestProblem as exc:
        return problem_response(exc.doc, exc.headers)
    except IpdesignateError as exc:
        return problem_response(problem_document(exc))
    except Exception as exc:  # a bug of ours: logged here, named (not quoted) to the client
        log.exception("internal error")
        return problem_response(problem_document(exc))
    if isinstance(out, bytes):
        return Response(out, media_type="application/json")
    return JSONResponse(out)


def create_app(settings: Settings, library: Library | None = None) -> FastAPI:
    """The application over ``library`` (default: loaded from ``settings``)."""
    state = State(settings, library if library is not None else load_library(settings))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settings.allow_reload and threading.current_thread() is threading.main_thread():
            loop = asyncio.get_running_loop()

            tasks: set[asyncio.Task[None]] = set()  # kept referenced until they end

            def on_hup() -> None:
                task = loop.create_task(_reload_in_background())
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            with contextlib.suppress(NotImplementedError, RuntimeError):  # not POSIX
                loop.add_signal_handler(signal.SIGHUP, on_hup)
        yield

    async def _reload_in_background() -> None:
        try:
            service = await run_in_threadpool(state.reload)
            log.warning("reloaded rulebooks: %s", ", ".join(
                f"{r['id']} {r['version']} {r['sha256'][:12]}"
                for r in service.ready()["rulebooks"]))
        except Exception as exc:
            log.error("reload failed; keeping the rulebooks loaded before: %s", exc)

    app = FastAPI(title="ipdesignate", version=__version__, lifespan=lifespan,
                  description="Beijing IP designation measures as code: clause-cited "
                  "decisions over HTTP. Errors are RFC 9457 problem documents; act on "
                  "their `type`. See docs/http.md.")

    def limited(fn: Callable[[Service, bytes], bytes], in_thread: bool = False
                ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                raw = await read_body(request, settings.max_body_bytes)
            except RequestProblem as exc:
                return problem_response(exc.doc, exc.headers)
            service = state.service
            if in_thread:  # a batch would hold the event loop; health checks must not wait
                return await run_in_threadpool(_answer, lambda: fn(service, raw))
            return _answer(lambda: fn(service, raw))
        return endpoint

    def post(path: str, fn: Callable[[Service, bytes], bytes], request_model: str,
             ok: str, summary: str, *errors: int, in_thread: bool = False) -> None:
        app.add_api_route(path, limited(fn, in_thread), methods=["POST"],
                          response_class=Response, summary=summary,
                          operation_id=fn.__name__,
                          openapi_extra=openapi.body(request_model),
                          responses=openapi.answers(ok, 400, 413, 415, *errors))

    post("/v1/check", Service.check, "CheckRequest", "Decision",
         "Decide one profile for one designation", 404, 422)
    post("/v1/check/batch", Service.check_batch, "BatchRequest", "BatchResults",
         "Decide many profiles for one designation (results in input order)", 404, 422,
         in_thread=True)
    post("/v1/check/all", Service.check_all, "AllRequest", "BatchResults",
         "Decide one profile for every designation open to its kind", 422, in_thread=True)
    post("/v1/timeline", Service.timeline, "TimelineRequest", "TimelineResult",
         "Run one unit's events through a measure's lifecycle rules", 404, 422)
    post("/v1/timeline/batch", Service.timeline_batch, "TimelineBatchRequest",
         "TimelineResults", "Timelines of many units (results in input order)", 404, 422,
         in_thread=True)

    @app.get("/v1/rulebooks", response_class=Response, operation_id="rulebooks",
             summary="Measures, versions, windows, designations and sha256 of the loaded "
             "rulebooks",
             responses=openapi.answers("RulebookList"))
    async def rulebooks() -> Response:
        return _answer(state.service.rulebooks)

    @app.get("/v1/rulebooks/{measure}/{version}", response_class=Response,
             summary="One rulebook version: header, designations, criteria with citations",
             responses=openapi.answers("RulebookDetail", 404))
    async def rulebook(measure: str, version: str) -> Response:
        service = state.service
        return _answer(lambda: service.rulebook(measure, version))

    schemas_cache: dict[str, bytes] = {}

    @app.get("/v1/schemas/{what}", response_class=Response,
             summary="JSON Schema of a document: " + ", ".join(SCHEMAS),
             responses=openapi.answers("AnySchema", 404))
    async def schemas(what: str) -> Response:
        if what not in SCHEMAS:
            return problem_response(document("not-found", f"no schema {what!r}; there are: "
                                             f"{', '.join(SCHEMAS)}"))
        if what not in schemas_cache:
            lib = state.service.library
            events = {m: lib.event_vocabulary(m) for m in lib.measures}
            schemas_cache[what] = json.dumps(schema(what, lib.vocabulary, events),
                                             ensure_ascii=False).encode()
        return Response(schemas_cache[what], media_type="application/json")

    @app.get("/healthz", response_class=Response, summary="The process is up (no token "
             "needed)", responses=openapi.answers("Health"))
    async def healthz() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @app.get("/readyz", response_class=Response, summary="Rulebooks are loaded: which, with "
             "their sha256", responses=openapi.answers("Ready", 503))
    async def readyz() -> Response:
        return _answer(state.service.ready)

    if settings.allow_reload:
        @app.post("/v1/admin/reload", response_class=Response, summary="Load the rulebooks "
                  "again and swap them in atomically (token required)",
                  responses=openapi.answers("Ready", 422))
        async def reload() -> Response:
            return await run_in_threadpool(_answer, lambda: state.reload().ready())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code)
        if slug is None:
            doc = {"type": "about:blank", "title": str(exc.detail), "status": exc.status_code,
                   "detail": str(exc.detail), "problems": []}
        else:
            doc = document(slug, str(exc.detail))
        return problem_response(doc, getattr(exc, "headers", None))

    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version,
                              description=app.description, routes=app.routes)
            doc.setdefault("components", {}).setdefault("schemas", {}).update(
                openapi.components(state.service.library.vocabulary))
            if settings.token:
                doc["components"]["securitySchemes"] = {
                    "bearer": {"type": "http", "scheme": "bearer"}}
                doc["security"] = [{"bearer": []}]
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = custom_openapi  # type: ignore[method-assign]

    # the last added runs first: CORS answers a preflight (which carries no token)
    if settings.token:
        app.add_middleware(AccessControl, token=settings.token)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.state.ipdesignate = state
    return app


def app_from_environment() -> FastAPI:
    """The factory uvicorn's worker processes call (settings from the environment)."""
    return create_app(Settings.from_env(os.environ[SETTINGS_ENV]))
