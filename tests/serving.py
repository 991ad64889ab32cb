"""Start the real ``ipdesignate serve`` as a separate process on a free localhost port.

Tests call it over HTTP with httpx, as an integrator would, and check every response
against the service's own /openapi.json.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import jsonschema

ROOT = Path(__file__).resolve().parent.parent
RULEBOOKS = ROOT / "rulebooks"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.proc = proc
        self.url = url
        self.log = log
        self._openapi: dict[str, Any] | None = None
        self.openapi_headers: dict[str, str] = {}

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kw)

    def openapi(self) -> dict[str, Any]:
        if self._openapi is None:
            with self.client() as c:
                r = c.get("/openapi.json", headers=self.openapi_headers)
                r.raise_for_status()
                self._openapi = r.json()
        return self._openapi

    def conforms(self, method: str, template: str, r: httpx.Response) -> Any:
        """Validate ``r`` against the OpenAPI document: status declared, media type and
        body as declared. Returns the parsed body."""
        doc = self.openapi()
        op = doc["paths"][template][method.lower()]
        declared = op["responses"].get(str(r.status_code))
        assert declared is not None, f"{method} {template}: {r.status_code} not declared"
        media = r.headers["content-type"].split(";")[0]
        content = declared["content"]
        assert media in content, f"{method} {template}: {media} not in {list(content)}"
        body = r.json()
        schema = {**content[media]["schema"], "components": doc["components"]}
        jsonschema.Draft202012Validator(schema).validate(body)
        return body

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None, tmp: Path,
          inherit: bool = True) -> Iterator[Server]:
    """The server on a free port; ``env`` adds to this process's environment (or, with
    ``inherit=False``, is the whole of it)."""
    port = free_port()
    log = tmp / f"server-{port}.log"
    full_env = {**(os.environ if inherit else {}), **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ipdesignate", "serve", "--port", str(port),
             "--log-level", "warning", *args],
            stdout=out, stderr=subprocess.STDOUT, env=full_env, cwd=tmp)
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}):\n{server.stderr()}")
            try:
                if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start:\n" + server.stderr())
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def expected(path: Path) -> tuple[str, str]:
    m = re.search(r"^# expect: designation=(\S+) verdict=(\S+)$", path.read_text("utf-8"), re.M)
    assert m
    return m.group(1), m.group(2)


def as_json(path: Path) -> str:
    """An example profile (YAML) as the JSON text an integrator would send: numbers keep
    their written digits, dates are ISO text."""
    from ipdesignate._core.yaml import load_file

    located = load_file(path, [])
    assert located is not None

    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            return f"@@{o}@@"
        if isinstance(o, date):
            return o.isoformat()
        raise TypeError(type(o))

    text = json.dumps(located.data, default=default, ensure_ascii=False)
    return re.sub(r'"@@([^@]*)@@"', r"\1", text)
