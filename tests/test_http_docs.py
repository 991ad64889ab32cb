"""docs/http.md as integrators read it: every ``curl`` in it runs against a real server,
from the repository root, and answers the status written after ``# →``."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipdesignate._core.problem_doc import PROBLEM_TYPES

from .serving import ROOT, RULEBOOKS, Server, serve

DOC = ROOT / "docs" / "http.md"
TOKEN = "docs-example-token"
BLOCK = re.compile(r"```sh\n(curl .*?)\n# → (\d{3})( \(token\))?\n```", re.S)
EXAMPLES = BLOCK.findall(DOC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, Server]]:
    tmp = tmp_path_factory.mktemp("docs")
    with serve("--rulebooks", str(RULEBOOKS), tmp=tmp) as open_, \
            serve("--rulebooks", str(RULEBOOKS), tmp=tmp,
                  env={"IPDESIGNATE_API_TOKEN": TOKEN}) as guarded:
        yield {False: open_, True: guarded}


def test_the_page_has_examples_for_every_endpoint() -> None:
    text = " ".join(cmd for cmd, _, _ in EXAMPLES)
    for path in ("/v1/check ", "/v1/check/batch", "/v1/check/all", "/v1/timeline ",
                 "/v1/timeline/batch", "/v1/rulebooks ", "/v1/rulebooks/", "/v1/schemas/",
                 "/healthz", "/readyz", "/openapi.json"):
        assert path.strip() in text, path
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("command, status, token", EXAMPLES,
                         ids=[f"{i}-{c.split()[-1][:30]}" for i, (c, _, _) in
                              enumerate(EXAMPLES)])
def test_curl_example(servers: dict[bool, Server], command: str, status: str,
                      token: str) -> None:
    server = servers[bool(token)]
    cmd = command.replace("http://127.0.0.1:8000", server.url).replace("\\\n", " ")
    cmd += " -o /dev/null -w '%{http_code}'"
    env = {**os.environ, "IPDESIGNATE_API_TOKEN": TOKEN}
    r = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, cwd=ROOT,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == status, cmd


def test_the_request_bodies_are_in_the_repository() -> None:
    for cmd, _, _ in EXAMPLES:
        for name in re.findall(r"@(\S+)", cmd):
            assert (ROOT / name).is_file(), name


def test_every_problem_type_is_documented() -> None:
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \|", errors, re.M))
    assert rows == {slug: str(status) for slug, (_, status) in PROBLEM_TYPES.items()}


def test_every_public_error_class_is_documented() -> None:
    import ipdesignate

    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    public = [n for n in ipdesignate.__all__ if n.endswith("Error")]
    assert len(public) >= 8
    for name in public:
        assert f"### `{name}`" in errors, name
        cls = getattr(ipdesignate, name)
        assert issubclass(cls, ipdesignate.IpdesignateError)
    assert Path(ROOT / "docs" / "http.md").read_text(encoding="utf-8").count("errors.md") >= 1
