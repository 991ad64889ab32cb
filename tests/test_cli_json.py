"""``check --format json`` writes pydantic's indented JSON of the decision, byte for byte,
re-indented from the compact writer's output (cli/check.py ``indented``) so that a check
does not build the Decision's pydantic serializer (issue 13: start-up time)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipdesignate import Library
from ipdesignate.cli.check import indented
from ipdesignate.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _designation(example: Path) -> str:
    first = example.read_text(encoding="utf-8").splitlines()[0]  # "# expect: designation=…"
    return first.split("designation=")[1].split()[0]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_check_json_is_pydantics_indented_json(capsys: pytest.CaptureFixture[str],
                                               example: Path) -> None:
    designation = _designation(example)
    assert main(["check", str(example), "-d", designation, "--format", "json"]) == 0
    out = capsys.readouterr().out
    lib = Library.default()
    decision = lib.check(lib.load_profile(example), designation)
    assert out == decision.model_dump_json(indent=2) + "\n"


@pytest.mark.parametrize("value", [
    {}, [], {"a": [], "b": {}, "c": [[]], "d": [{}]},
    {"s": 'x,"y":{[]}\\', "t": "第四条\n\t\u0001", "n": [1, -2.5, None, True, False, "1e-7"]},
    {"nested": {"deep": [{"k": [1, {"v": "w"}]}]}, "": ""},
])
def test_indented_matches_pydantics_pretty_printer(value: object) -> None:
    from pydantic import TypeAdapter

    adapter: TypeAdapter[object] = TypeAdapter(object)
    compact = adapter.dump_json(value).decode()
    assert indented(compact) == adapter.dump_json(value, indent=2).decode()
