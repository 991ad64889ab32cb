"""The README's Python examples run as printed, from a directory outside the checkout."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs_elsewhere(block: str, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_lifecycle_block_prints_what_it_says() -> None:
    block = next(b for b in BLOCKS if "timeline" in b)
    done = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.split() == ["valid", "review_renewed_from_review", "14"]
