"""Load and faults against the real server (localhost only; bounded in count and time):
concurrent requests, malformed JSON, oversized bodies, slow clients and a client that
disconnects mid-batch. The server must stay up, answer every well-formed request
correctly, and not grow in memory from one round to the next."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ipdesignate import Library, load_profile

from .serving import EXAMPLES, RULEBOOKS, Server, as_json, expected, serve

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve("--rulebooks", str(RULEBOOKS), "--max-body-bytes", "2000000",
               tmp=tmp_path_factory.mktemp("load")) as s:
        yield s


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _bodies() -> list[tuple[bytes, bytes]]:
    """(request body, the exact answer Library.check gives) for every example."""
    lib = Library.load([RULEBOOKS])
    out = []
    for path in EXAMPLES:
        designation, _ = expected(path)
        body = f'{{"designation": "{designation}", "profile": {as_json(path)}}}'.encode()
        out.append((body, lib.check(load_profile(path), designation).model_dump_json()
                    .encode()))
    return out


def _raw(server: Server, data: bytes, *, read: bool = True, pause: float = 0.0) -> bytes:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        if pause:
            for i in range(0, len(data), 7):  # a slow client: a few bytes at a time
                s.sendall(data[i:i + 7])
                time.sleep(pause)
        else:
            s.sendall(data)
        if not read:
            return b""
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def _post(path: str, body: bytes, extra: str = "") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n").encode() + body


def _round(server: Server, bodies: list[tuple[bytes, bytes]], n: int) -> None:
    """``n`` well-formed checks from 8 threads, with faults interleaved; every check must
    get exactly the in-process answer."""
    wrong: list[str] = []
    local = threading.local()

    def one(i: int) -> None:
        body, answer = bodies[i % len(bodies)]
        if not hasattr(local, "client"):  # one keep-alive connection per thread
            local.client = httpx.Client(base_url=server.url, timeout=30)
        r = local.client.post("/v1/check", content=body,
                              headers={"content-type": "application/json"})
        if r.status_code != 200 or r.content != answer:
            wrong.append(f"{i}: {r.status_code} {r.text[:200]}")

    def faults() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            for k in range(10):
                r = c.post("/v1/check", content=b'{"profile": {"kind": ' + b"[" * k,
                           headers={"content-type": "application/json"})
                assert r.status_code == 400, r.text
                r = c.post("/v1/check", content=b"x" * 2_100_000,
                           headers={"content-type": "application/json"})
                assert r.status_code == 413

    with ThreadPoolExecutor(8) as pool:
        fault = pool.submit(faults)
        list(pool.map(one, range(n)))
        fault.result()
    assert wrong == []


def test_concurrency_faults_and_memory(server: Server) -> None:
    bodies = _bodies()
    pid = server.proc.pid
    _round(server, bodies, 300)  # warm-up: caches, lazy imports, allocator arenas
    before = _rss_kib(pid)
    for _ in range(3):
        _round(server, bodies, 300)
    after = _rss_kib(pid)
    assert server.proc.poll() is None
    # three more rounds of the same work may not keep what they used (bounded: 16 MiB)
    assert after - before < 16 * 1024, (before, after)


def test_slow_clients_do_not_stop_the_others(server: Server) -> None:
    body, answer = _bodies()[0]
    request = _post("/v1/check", body)
    slow = [threading.Thread(target=_raw, args=(server, request), kwargs={"pause": 0.02})
            for _ in range(4)]
    # a client that sends its headers and part of the body, then stops and goes away
    stalled = threading.Thread(target=_raw, args=(server, request[: len(request) // 2]),
                               kwargs={"read": False, "pause": 0.05})
    for t in [*slow, stalled]:
        t.start()
    started = time.monotonic()
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for _ in range(20):
            r = c.post("/v1/check", content=body, headers={"content-type": "application/json"})
            assert r.status_code == 200 and r.content == answer
    assert time.monotonic() - started < 10  # answered while the slow ones trickle in
    for t in [*slow, stalled]:
        t.join(timeout=60)
    assert server.proc.poll() is None


def test_a_client_leaving_mid_batch(server: Server) -> None:
    path = next(p for p in EXAMPLES if expected(p)[0] == "pilot")
    profiles = ", ".join([as_json(path)] * 1000)
    batch = f'{{"designation": "pilot", "profiles": [{profiles}]}}'.encode()
    for _ in range(3):  # send the batch, and leave before the answer
        _raw(server, _post("/v1/check/batch", batch), read=False)
    with httpx.Client(base_url=server.url, timeout=60) as c:
        r = c.post("/v1/check/batch", content=batch,
                   headers={"content-type": "application/json"})
        assert r.status_code == 200
        results = r.json()["results"]
        assert len(results) == 1000 and all(x["ok"] for x in results)
        assert [x["index"] for x in results] == list(range(1000))
        assert c.get("/healthz").json() == {"status": "ok"}
    assert server.proc.poll() is None


def test_malformed_requests_at_the_http_level(server: Server) -> None:
    answers = [
        _raw(server, b"GARBAGE\r\n\r\n"),
        _raw(server, b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"),
        _raw(server, _post("/v1/check", b"\xff\xfe\x00not utf-8")),
        _raw(server, _post("/v1/check", json.dumps({"designation": "pilot"}).encode())),
    ]
    assert answers[2].startswith(b"HTTP/1.1 400") and b"malformed-request" in answers[2]
    assert answers[3].startswith(b"HTTP/1.1 400") and b"invalid-request" in answers[3]
    with httpx.Client(base_url=server.url, timeout=10) as c:
        assert c.get("/healthz").status_code == 200
    assert server.proc.poll() is None
