"""The HTTP service as integrators use it: a real ``ipdesignate serve`` process, called
over HTTP with httpx; every response is checked against the service's /openapi.json, and
every decision against what ``Library.check`` answers in-process."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ipdesignate import Decision, Library, load_profile

from .serving import EXAMPLES, RULEBOOKS, Server, as_json, expected, serve

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
URN = "urn:ipdesignate:problem:"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve("--rulebooks", str(RULEBOOKS), tmp=tmp_path_factory.mktemp("srv")) as s:
        yield s


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load([RULEBOOKS])


def _post(server: Server, path: str, body: str | bytes | dict[str, Any],
          headers: dict[str, str] | None = None) -> tuple[httpx.Response, Any]:
    with server.client() as c:
        if isinstance(body, dict):
            r = c.post(path, json=body, headers=headers)
        else:
            r = c.post(path, content=body, headers={"content-type": "application/json",
                                                    **(headers or {})})
    return r, server.conforms("POST", path, r)


def _check_body(path: Path, **extra: str) -> str:
    designation, _ = expected(path)
    more = "".join(f', "{k}": {json.dumps(v)}' for k, v in extra.items())
    return f'{{"profile": {as_json(path)}, "designation": "{designation}"{more}}}'


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_check_answers_what_the_library_answers(server: Server, library: Library,
                                                path: Path) -> None:
    designation, verdict = expected(path)
    r, body = _post(server, "/v1/check", _check_body(path))
    assert r.status_code == 200, r.text
    local = library.check(load_profile(path), designation)
    assert body == json.loads(local.model_dump_json())
    assert r.content == local.model_dump_json().encode()  # byte for byte
    assert body["verdict"] == verdict
    assert Decision.model_validate_json(r.content) == local


def test_batch_answers_in_input_order_with_errors_as_values(server: Server,
                                                            library: Library) -> None:
    pilot = [p for p in EXAMPLES if expected(p)[0] == "pilot"]
    items = [as_json(p) for p in pilot]
    body = ('{"designation": "pilot", "profiles": [' + items[0] + ', {"kind": "unit"}, '
            + ", ".join(items) + "]}")
    r, out = _post(server, "/v1/check/batch", body)
    assert r.status_code == 200, r.text
    results = out["results"]
    assert [x["index"] for x in results] == list(range(len(pilot) + 2))
    assert results[1]["ok"] is False
    assert results[1]["problem"]["type"] == URN + "invalid-profile"
    assert results[1]["problem"]["problems"][0]["pointer"] == "/profiles/1"
    for x, p in zip([results[0], *results[2:]], [pilot[0], *pilot], strict=True):
        assert x["ok"] is True
        assert x["decision"] == json.loads(library.check(load_profile(p), "pilot")
                                           .model_dump_json())


def test_all_designations_for_a_profile(server: Server, library: Library) -> None:
    path = next(p for p in EXAMPLES if expected(p)[0] == "pilot")
    r, out = _post(server, "/v1/check/all", '{"profile": ' + as_json(path) + "}")
    assert r.status_code == 200, r.text
    local = library.check_all(load_profile(path))
    assert [x["designation"] for x in out["results"]] == [o.designation for o in local]
    assert "pilot" in [o.designation for o in local]
    for x, o in zip(out["results"], local, strict=True):
        assert x["ok"] == o.ok
        if o.decision is not None:
            assert x["decision"] == json.loads(o.decision.model_dump_json())


def test_malformed_json_is_a_located_400(server: Server) -> None:
    r, doc = _post(server, "/v1/check", '{"profile": {"kind": "unit",\n  "name": }')
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert doc["type"] == URN + "malformed-request"
    assert (doc["problems"][0]["line"], doc["problems"][0]["column"]) == (2, 11)


def test_duplicate_keys_and_nan_are_malformed(server: Server) -> None:
    for body in ('{"designation": "pilot", "designation": "x", "profile": {}}',
                 '{"designation": "pilot", "profile": {"yearly": {"2021": '
                 '{"rd_expenditure": NaN}}}}'):
        r, doc = _post(server, "/v1/check", body)
        assert r.status_code == 400, body
        assert doc["type"] == URN + "malformed-request"
        assert doc["problems"][0]["line"] == 1


def test_invalid_profile_is_a_422_with_line_and_column(server: Server) -> None:
    body = ('{"designation": "pilot",\n "profile": {"kind": "unit", "name": "x", '
            '"entity_type": "enterprise",\n  "yearly": {"2021": {"rd_expenditure": -1, '
            '"valid_patent": 3}}}}')
    r, doc = _post(server, "/v1/check", body)
    assert r.status_code == 422
    assert doc["type"] == URN + "invalid-profile"
    found = {p["pointer"]: (p["line"], p["column"], p["message"]) for p in doc["problems"]}
    assert found["/profile/yearly/2021/rd_expenditure"][:2] == (3, 41)
    assert "did you mean 'valid_patents'" in found["/profile/yearly/2021/valid_patent"][2]


def test_request_shape_errors_are_400(server: Server) -> None:
    r, doc = _post(server, "/v1/check", '{"profile": {}, "designation": "pilot", "oon": 1}')
    assert r.status_code == 400
    assert doc["type"] == URN + "invalid-request"
    assert doc["problems"][0]["pointer"] == "/oon"
    r, doc = _post(server, "/v1/check", "[1, 2]")
    assert r.status_code == 400 and doc["type"] == URN + "invalid-request"


def test_unknown_designation_is_a_404(server: Server) -> None:
    path = EXAMPLES[0]
    r, doc = _post(server, "/v1/check",
                   '{"designation": "pilott", "profile": ' + as_json(path) + "}")
    assert r.status_code == 404
    assert doc["type"] == URN + "unknown-designation"
    assert doc["name"] == "pilott" and "pilot" in doc["known"]
    assert "did you mean 'pilot'" in doc["detail"]


def test_no_version_in_force_is_a_422_with_windows(server: Server) -> None:
    path = next(p for p in EXAMPLES if expected(p)[0] == "pilot")
    r, doc = _post(server, "/v1/check", _check_body(path, on="1990-01-01"))
    assert r.status_code == 422
    assert doc["type"] == URN + "no-version-in-force"
    assert doc["windows"]


def test_a_named_version_is_used_as_if_in_force(server: Server, library: Library) -> None:
    path = next(p for p in EXAMPLES if expected(p)[0] == "pilot")
    version = library.measures["bj-ip-pilot-demonstration"][0].version
    r, body = _post(server, "/v1/check", _check_body(path, on="1990-01-01", version=version))
    assert r.status_code == 200, r.text
    assert body["rulebook"]["version"] == version and body["as_of"] == "1990-01-01"
    r, doc = _post(server, "/v1/check", _check_body(path, version="1066"))
    assert r.status_code == 422 and doc["type"] == URN + "no-version-in-force"


def test_wrong_media_type_is_a_415(server: Server) -> None:
    with server.client() as c:
        r = c.post("/v1/check", content=b"a=b",
                   headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert server.conforms("POST", "/v1/check", r)["type"] == URN + "unsupported-media-type"


def test_rulebooks_list_and_detail(server: Server, library: Library) -> None:
    with server.client() as c:
        r = c.get("/v1/rulebooks")
        out = server.conforms("GET", "/v1/rulebooks", r)
        ids = {m["id"] for m in out["measures"]}
        assert ids == set(library.measures)
        for m in out["measures"]:
            for v in m["versions"]:
                rb = next(x for x in library.measures[m["id"]] if x.version == v["version"])
                assert v["sha256"] == rb.sha256
                assert v["file"] == rb.ref.file and not v["file"].startswith("/")
                d = c.get(f"/v1/rulebooks/{m['id']}/{v['version']}")
                detail = server.conforms("GET", "/v1/rulebooks/{measure}/{version}", d)
                crits = [c for des in detail["designations"] for c in des["criteria"]]
                assert crits and all(c["citation"]["article"] >= 1 for c in crits)
        r = c.get("/v1/rulebooks/nope/1")
        assert server.conforms("GET", "/v1/rulebooks/{measure}/{version}", r)["type"] == (
            URN + "unknown-measure")


def test_schemas(server: Server) -> None:
    with server.client() as c:
        for what in ("profile", "decision", "rulebook", "events"):
            r = c.get(f"/v1/schemas/{what}")
            assert r.status_code == 200
            server.conforms("GET", "/v1/schemas/{what}", r)
        r = c.get("/v1/schemas/nope")
        assert r.status_code == 404
        assert server.conforms("GET", "/v1/schemas/{what}", r)["type"] == URN + "not-found"


def test_health_ready_openapi_docs(server: Server, library: Library) -> None:
    with server.client() as c:
        assert server.conforms("GET", "/healthz", c.get("/healthz")) == {"status": "ok"}
        ready = server.conforms("GET", "/readyz", c.get("/readyz"))
        assert {r["sha256"] for r in ready["rulebooks"]} == {rb.sha256 for rb in library.all()}
        assert c.get("/docs").status_code == 200
        r = c.get("/nowhere")
        assert r.status_code == 404 and r.json()["type"] == URN + "not-found"
        r = c.get("/v1/check")
        assert r.status_code == 405 and r.json()["type"] == URN + "method-not-allowed"
    doc = server.openapi()
    assert doc["openapi"].startswith("3.1")
    for name in ("Profile", "Decision", "Events", "ProblemDocument", "CheckRequest"):
        assert name in doc["components"]["schemas"]


EVENTS = [{"id": "d1", "type": "designated", "date": "2022-11-18", "designation": "pilot"}]


def test_timeline(server: Server) -> None:
    r, out = _post(server, "/v1/timeline", {"unit": "u1", "events": EVENTS,
                                              "measure": "bj-ip-pilot-demonstration"})
    assert r.status_code == 200, r.text
    assert out["unit"] == "u1" and out["facts"]
    r, out = _post(server, "/v1/timeline", {"unit": "u1", "events": EVENTS,
                                              "measure": "bj-ip-pilot-demonstration",
                                              "on": "2023-01-01"})
    assert r.status_code == 200, r.text
    assert out["on"] == "2023-01-01" and "pilot" in out["status"]
    r, out = _post(server, "/v1/timeline", {"events": [{"id": "e1", "type": "nope",
                                                        "date": "2019-06-01"}],
                                             "measure": "bj-ip-pilot-demonstration"})
    assert r.status_code == 422 and out["type"] == URN + "invalid-events"
    assert out["problems"][0]["pointer"].startswith("/events/0")


def test_timeline_batch_in_input_order(server: Server) -> None:
    units = [{"unit": "a", "events": EVENTS}, {"unit": "b", "events": [{"id": "x"}]},
             {"unit": "c", "events": []}]
    r, out = _post(server, "/v1/timeline/batch", {"units": units,
                                                    "measure": "bj-ip-pilot-demonstration"})
    assert r.status_code == 200, r.text
    assert [(x["unit"], x["ok"]) for x in out["results"]] == [
        ("a", True), ("b", False), ("c", True)]
    assert out["results"][1]["problem"]["problems"][0]["pointer"].startswith("/units/1/")


# ---- limits, access, CORS, reload: a second server, configured ------------------------------


TOKEN = "s3cret-token-for-tests"
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("guarded")
    token_file = tmp / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with serve("--rulebooks", str(RULEBOOKS), "--max-body-bytes", "20000", "--max-batch",
               "3", "--cors-origin", "https://officer.example", "--allow-reload",
               env={"IPDESIGNATE_API_TOKEN_FILE": str(token_file)}, tmp=tmp) as s:
        s.openapi_headers = AUTH
        yield s


def test_token_missing_wrong_right(guarded: Server) -> None:
    body = _check_body(EXAMPLES[0])
    for headers, status in (({}, 401), ({"authorization": "Bearer nope"}, 401),
                            ({"authorization": TOKEN}, 401), (AUTH, 200)):
        r, _ = _post(guarded, "/v1/check", body, headers)
        assert r.status_code == status, headers
        if status == 401:
            assert r.json()["type"] == URN + "unauthorized"
            assert r.headers["www-authenticate"].startswith("Bearer")
    with guarded.client() as c:
        assert c.get("/healthz").status_code == 200  # no token needed
        assert c.get("/readyz").status_code == 401
        assert c.get("/openapi.json").status_code == 401
        assert c.get("/openapi.json", headers=AUTH).json()["security"] == [{"bearer": []}]
    assert TOKEN not in guarded.stderr()


def test_body_and_batch_limits(guarded: Server) -> None:
    r, doc = _post(guarded, "/v1/check", b'{"profile": "' + b"x" * 30000 + b'"}', AUTH)
    assert r.status_code == 413 and doc["type"] == URN + "too-large"
    item = '{"kind": "unit"}'
    r, doc = _post(guarded, "/v1/check/batch",
                   '{"designation": "pilot", "profiles": [' + ", ".join([item] * 4) + "]}",
                   AUTH)
    assert r.status_code == 413 and doc["type"] == URN + "batch-too-long"
    assert doc["limit"] == 3


def test_cors_only_for_listed_origins(server: Server, guarded: Server) -> None:
    pre = {"origin": "https://officer.example", "access-control-request-method": "POST",
           "access-control-request-headers": "authorization,content-type"}
    with guarded.client() as c:
        r = c.options("/v1/check", headers=pre)
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == "https://officer.example"
        r = c.options("/v1/check", headers={**pre, "origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
    with server.client() as c:  # no origins listed: no CORS at all
        r = c.get("/healthz", headers={"origin": "https://officer.example"})
        assert "access-control-allow-origin" not in r.headers


def test_reload_needs_the_token_and_swaps_the_library(guarded: Server) -> None:
    with guarded.client() as c:
        assert c.post("/v1/admin/reload").status_code == 401
        before = c.get("/readyz", headers=AUTH).json()
        r = c.post("/v1/admin/reload", headers=AUTH)
        after = guarded.conforms("POST", "/v1/admin/reload", r)
        assert after["loaded_at"] >= before["loaded_at"]
        assert {x["sha256"] for x in after["rulebooks"]} == {
            x["sha256"] for x in before["rulebooks"]}
        guarded.proc.send_signal(signal.SIGHUP)  # the same, by signal
        time.sleep(1.5)
        assert guarded.proc.poll() is None
        assert c.get("/readyz", headers=AUTH).status_code == 200


def test_no_reload_endpoint_unless_asked(server: Server) -> None:
    with server.client() as c:
        assert c.post("/v1/admin/reload").status_code == 404


def test_serve_refuses_reload_without_a_token(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "ipdesignate", "serve", "--allow-reload",
                        "--rulebooks", str(RULEBOOKS)], capture_output=True, text=True,
                       timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 1
    assert "needs an API token" in r.stderr and "Traceback" not in r.stderr


def test_serve_starts_with_the_bundled_law(tmp_path: Path, library: Library) -> None:
    """As from a fresh install: no --rulebooks, no environment, another directory."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("IPDESIGNATE_")}
    with serve(tmp=tmp_path, env=env, inherit=False) as s, s.client() as c:
        ready = s.conforms("GET", "/readyz", c.get("/readyz"))
        assert {r["sha256"] for r in ready["rulebooks"]} == {rb.sha256 for rb in library.all()}
