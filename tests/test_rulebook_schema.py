"""The editor schema accepts every shipped rulebook and ships with the package."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ipdesignate._core.yaml import load_file
from ipdesignate.cli.main import main
from ipdesignate.library.library import bundled_directory

ROOT = Path(__file__).resolve().parents[1]
BOOKS = [
    *sorted(p for p in (ROOT / "rulebooks").glob("*/*.yaml")
            if p.parent.name != "calendars"),  # calendars are not rulebooks
    ROOT / "tests" / "rulebooks" / "good" / "demo.yaml",
    ROOT / "tests" / "rulebooks" / "provenance" / "v1.yaml",
    *sorted((ROOT / "tests" / "revision" / "rulebooks").glob("*/*.yaml"))]


def _schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["schema", "rulebook"]) == 0
    out = capsys.readouterr().out
    shipped = (ROOT / "rulebooks" / "rulebook.schema.json").read_text("utf-8")
    assert out == shipped, "rulebooks/rulebook.schema.json is stale: run " \
        "ipdesignate schema rulebook > rulebooks/rulebook.schema.json"
    assert (bundled_directory() / "rulebook.schema.json").read_text("utf-8") == shipped
    data: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def _data(path: Path) -> Any:
    located = load_file(path, [])
    assert located is not None
    # what an editor sees: YAML dates and exact numbers as their JSON forms
    return json.loads(json.dumps(located.data, default=str))


@pytest.mark.parametrize("path", BOOKS, ids=[f"{p.parent.name}/{p.name}" for p in BOOKS])
def test_every_shipped_rulebook_validates_against_the_schema(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validator = jsonschema.Draft202012Validator(_schema(capsys))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}"
              for e in validator.iter_errors(_data(path))]
    assert not errors, "\n".join(errors)


def test_the_schema_refuses_what_the_loader_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    validator = jsonschema.Draft202012Validator(_schema(capsys))
    data = _data(ROOT / "tests" / "rulebooks" / "good" / "demo.yaml")
    assert validator.is_valid(data)
    bad = json.loads(json.dumps(data))
    bad["designations"]["unit_demo"]["criteria"][0]["cite"]["artcle"] = 1
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(data))
    bad["event_types"]["intentional_infringement_finding"]["fields"] = {"x": 3}
    assert not validator.is_valid(bad)
    # the shorthand forms the loader expands are accepted
    ok = json.loads(json.dumps(data))
    ok["event_types"]["intentional_infringement_finding"]["fields"] = {
        "result": ["pass", "fail"], "ref": "text"}
    assert validator.is_valid(ok)
