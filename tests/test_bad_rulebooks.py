"""Data-driven: every file in rulebooks/bad/ declares the problems it must produce.

A file ends with lines ``# expect: LINE:COLUMN message-start``; loading it must raise a
RulebookError with exactly those problems (every one of them, in file order).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipdesignate import RulebookError, load_rulebook

BAD = Path(__file__).parent / "rulebooks" / "bad"
FILES = sorted(BAD.glob("*.yaml"))


def _expectations(path: Path) -> list[tuple[int, int, str]]:
    out = []
    for line in path.read_bytes().decode("utf-8").splitlines():
        m = re.match(r"^# expect: (\d+):(\d+) (.+)$", line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return out


def test_the_folder_is_not_empty() -> None:
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_bad_rulebook_reports_located_problems(path: Path) -> None:
    expected = _expectations(path)
    assert expected, f"{path.name} declares no '# expect:' line"
    with pytest.raises(RulebookError) as info:
        load_rulebook(path)
    got = [(p.line, p.column, p.message) for p in info.value.problems]
    assert len(got) == len(expected), "\n".join(map(str, info.value.problems))
    for (line, col, msg), (eline, ecol, emsg) in zip(got, expected, strict=True):
        assert (line, col) == (eline, ecol), msg
        assert msg.startswith(emsg), msg
    for p in info.value.problems:
        assert str(p).startswith(f"{path}:{p.line}:{p.column}: ")
