"""Benchmark: the HTTP service against the in-process library, measured in the same run.

    python benchmarks/bench_http.py [--workers 2] [--connections 16] [--seconds 10]

Starts ``ipdesignate serve`` as a separate process on a free localhost port and drives
``POST /v1/check`` with the bundled examples from a load generator in another process
(asyncio, raw keep-alive HTTP/1.1 connections, requests prepared in advance, so the client
costs as little CPU as it can: it shares the machine's cores with the server). Prints:

- in-process ``Library.check`` on parsed profiles (checks/s), and the whole in-process
  path of a request (parse the JSON body, check, write the decision JSON);
- HTTP: requests/s, p50/p90/p99 latency (send to last byte) at the chosen concurrency,
  and at one connection (latency without queueing);
- ``POST /v1/check/batch`` of 1,000 profiles against ``Library.check_many`` of the same.

Targets (issue 12): ≥ 2,000 requests/s with p99 < 20 ms on 2 cores; a batch of 1,000
within 2× the in-process ``check_many``. Nothing is asserted: it prints what it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ipdesignate  # noqa: E402
from tests.serving import EXAMPLES, RULEBOOKS, as_json, expected, free_port  # noqa: E402


def bodies() -> list[tuple[str, bytes]]:
    out = []
    for path in EXAMPLES:
        designation, _ = expected(path)
        out.append((designation, f'{{"designation": "{designation}", "profile": '
                                  f'{as_json(path)}}}'.encode()))
    return out


# ---- in-process ----------------------------------------------------------------------------


def in_process(seconds: float) -> dict[str, float]:
    lib = ipdesignate.Library.load([RULEBOOKS])
    cases = [(lib.load_profile(p), expected(p)[0]) for p in EXAMPLES]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for profile, designation in cases:
            lib.check(profile, designation)
        n += len(cases)
    check_rate = n / (time.perf_counter() - start)

    from ipdesignate.http.service import Service

    service = Service(lib, 1000)
    raw = [b for _, b in bodies()]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for body in raw:
            service.check(body)
        n += len(raw)
    path_rate = n / (time.perf_counter() - start)
    return {"check": check_rate, "path": path_rate}


# ---- the load generator (its own process) -------------------------------------------------


def _request(port: int, path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    m = re.search(rb"(?i)content-length: *(\d+)", head)
    assert m is not None, head
    return status, await reader.readexactly(int(m.group(1)))


async def _drive(port: int, requests: list[bytes], connections: int, seconds: float
                 ) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def one(k: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = k
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            writer.write(requests[i % len(requests)])
            status, _ = await _read_response(reader)
            latencies.append(time.perf_counter() - t0)
            errors += status != 200
            i += 1
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(one(k) for k in range(connections)))
    return latencies, errors, time.perf_counter() - start


def _client(port: int, requests: list[bytes], connections: int, seconds: float,
            out: Any) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    latencies, errors, elapsed = asyncio.run(_drive(port, requests, connections, seconds))
    out.send((latencies, errors, elapsed))


def load(port: int, requests: list[bytes], connections: int, seconds: float
         ) -> dict[str, float]:
    parent, child = mp.Pipe()
    p = mp.Process(target=_client, args=(port, requests, connections, seconds, child))
    p.start()
    latencies, errors, elapsed = parent.recv()
    p.join()
    latencies.sort()

    def q(x: float) -> float:
        return latencies[min(len(latencies) - 1, int(x * len(latencies)))] * 1000

    return {"rps": len(latencies) / elapsed, "p50": q(0.50), "p90": q(0.90), "p99": q(0.99),
            "n": len(latencies), "errors": errors}


# ---- the server ----------------------------------------------------------------------------


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    log = open(Path(tempfile.gettempdir()) / f"bench-http-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "ipdesignate", "serve", "--port",
                             str(port), "--workers", str(workers), "--log-level", "warning",
                             "--rulebooks", str(RULEBOOKS), "--max-batch", "1000"],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if s.recv(100).startswith(b"HTTP/1.1 200"):
                    return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def batch(port: int, repeat: int = 5) -> dict[str, float]:
    import httpx

    lib = ipdesignate.Library.load([RULEBOOKS])
    path = next(p for p in EXAMPLES if expected(p)[0] == "pilot")
    profile_json = as_json(path)
    body = ('{"designation": "pilot", "profiles": [' + ", ".join([profile_json] * 1000)
            + "]}").encode()
    dicts = [json.loads(profile_json, parse_float=Decimal) for _ in range(1000)]
    local = []
    for _ in range(repeat):
        t = time.perf_counter()
        lib.check_many(dicts, "pilot")
        local.append(time.perf_counter() - t)
    remote = []
    with httpx.Client(timeout=120) as c:
        for _ in range(repeat):
            t = time.perf_counter()
            r = c.post(f"http://127.0.0.1:{port}/v1/check/batch", content=body,
                       headers={"content-type": "application/json"})
            r.read()
            remote.append(time.perf_counter() - t)
            assert r.status_code == 200 and len(r.json()["results"]) == 1000
    return {"local": statistics.median(local), "remote": statistics.median(remote),
            "bytes": len(body)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()

    print(f"machine: {os.cpu_count()} cores; server workers: {args.workers}; "
          f"load generator: 1 process, {args.connections} keep-alive connections")
    ip = in_process(min(args.seconds, 5))
    print(f"in-process Library.check (parsed profiles)       {ip['check']:10,.0f} checks/s")
    print(f"in-process request path (parse, check, JSON)     {ip['path']:10,.0f} /s")
    proc, port = start_server(args.workers)
    try:
        requests = [_request(port, "/v1/check", b) for _, b in bodies()]
        load(port, requests, args.connections, 2)  # warm-up
        hot = load(port, requests, args.connections, args.seconds)
        one = load(port, requests, 1, min(args.seconds, 5))
        b = batch(port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for label, r in ((f"{args.connections} connections", hot), ("1 connection", one)):
        print(f"HTTP POST /v1/check, {label:<15} {r['rps']:10,.0f} req/s   p50 "
              f"{r['p50']:6.2f} ms  p90 {r['p90']:6.2f} ms  p99 {r['p99']:6.2f} ms  "
              f"({r['n']:,} requests, {r['errors']} not 200)")
    print(f"HTTP / in-process Library.check: {hot['rps'] / ip['check']:.2f}×; "
          f"/ in-process request path: {hot['rps'] / ip['path']:.2f}×")
    print(f"batch of 1,000: HTTP {b['remote'] * 1000:.0f} ms ({b['bytes'] / 1e6:.1f} MB body) "
          f"vs in-process check_many {b['local'] * 1000:.0f} ms: "
          f"{b['remote'] / b['local']:.2f}×")
    print("targets (issue 12): ≥ 2,000 req/s with p99 < 20 ms on 2 cores; batch within 2×")


if __name__ == "__main__":
    main()
