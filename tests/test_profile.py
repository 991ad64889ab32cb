"""Bad profile input gets one clear message naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipdesignate import ProfileError, load_profile

BASE = "kind: unit\nname: X\nentity_type: enterprise\n"


def _problems(tmp_path: Path, text: str) -> list[str]:
    f = tmp_path / "p.yaml"
    f.write_text(BASE + text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(f)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("text", "where", "words"), [
    ("ip_full_time_staff: -2\n", "4:21", "cannot be negative"),
    ("yearly:\n  2023: {patent_implementation_rate: 40}\n", "5:38", "write '40%' or 0.4"),
    ("registred_in_beijing: true\n", "4:1", "unknown key 'registred_in_beijing'; did you mean"),
    ("application_date: 2024-02-30\n", "4:19", "not a valid date"),
    ("independent_legal_person: maybe\n", "4:27", "valid boolean"),
    ("independent_legal_person: yes\n", "4:27", "valid boolean"),
    ("yearly:\n  2023: {rd_expenditure: 12.5.3}\n", "5:26", "not an amount of money"),
    ("yearly:\n  23: {rd_expenditure: 1}\n", "5:3", "four-digit year"),
])
def test_one_located_message(tmp_path: Path, text: str, where: str, words: str) -> None:
    problems = _problems(tmp_path, text)
    assert len(problems) == 1, problems
    assert f"p.yaml:{where}:" in problems[0] and words in problems[0], problems[0]


def test_percent_and_wan_yuan_are_exact(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text(BASE + "yearly:\n  2023: {patent_implementation_rate: 40%, rd_expenditure: "
                 "1200.5万元}\n", encoding="utf-8")
    y = load_profile(f).yearly[2023]  # type: ignore[union-attr]
    assert str(y.patent_implementation_rate) == "0.40" and y.rd_expenditure == 12005000


def test_part_cannot_exceed_whole(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "yearly:\n  2023: {valid_patents: 3, implemented_patents: 5}\n")
    assert "implemented_patents (5) cannot exceed valid_patents (3)" in problems[0]


def test_missing_kind(tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("name: X\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="needs a 'kind'"):
        load_profile(f)
