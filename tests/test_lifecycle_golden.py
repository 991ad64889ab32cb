"""``ipdesignate timeline`` stays byte-identical (single unit and batch, every format, one
process and ``--jobs 2``) over a generated corpus: see tests/lifecycle/golden.py."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lifecycle.golden import GOLDEN, command_lines, digest, run


def test_timeline_output_matches_the_golden_corpus(tmp_path: Path) -> None:
    expected: dict[str, str] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = {key: digest(run(argv), tmp_path) for key, argv in command_lines(tmp_path)}
    assert found.keys() == expected.keys()
    changed = sorted(k for k in found if found[k] != expected[k])
    assert not changed, ("timeline output changed (regenerate with "
                         "`python -m tests.lifecycle.golden --write` only if that is meant): "
                         + "; ".join(changed))
