"""Versions: the one in force on the as-of date decides; no silent fallback."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ipdesignate import Library, RulebookError, VersionError, parse_profile
from tests.conftest import DEMO

PROFILE = {"kind": "unit", "name": "X", "entity_type": "enterprise"}


def _versions(tmp_path: Path, second_from: str, first_until: str | None) -> Path:
    root = tmp_path / "books"
    (root / "demo").mkdir(parents=True)
    # the source text lies in the rulebook tree (books/), as source.file must
    shutil.copy(DEMO.parent.parent / "source.zh.txt", root / "source.zh.txt")
    text = DEMO.read_text("utf-8")
    first = text
    if first_until:
        # its embedded tests are dated after it ends: validate refuses them, so leave them out
        first = text.split("\ntests:")[0] + "\n"
        first = first.replace("  from: {date: 2020-01-01, confirmed: true}",
                             "  from: {date: 2020-01-01, confirmed: true}\n"
                             f"  until: {{date: {first_until}, confirmed: false, note: guess}}")
    second = text.replace('version: "1"', 'version: "2"').replace(
        "  from: {date: 2020-01-01, confirmed: true}",
        f"  from: {{date: {second_from}, confirmed: true}}")
    (root / "demo" / "v1.yaml").write_text(first, "utf-8")
    (root / "demo" / "v2.yaml").write_text(second, "utf-8")
    return root


def test_the_version_in_force_is_chosen(tmp_path: Path) -> None:
    lib = Library.load([_versions(tmp_path, "2022-01-01", "2021-12-31")])
    p = parse_profile(PROFILE)
    assert lib.check(p, "unit_demo", dt.date(2021, 12, 31)).rulebook.version == "1"
    assert lib.check(p, "unit_demo", dt.date(2022, 1, 1)).rulebook.version == "2"


def test_unconfirmed_dates_give_a_warning(tmp_path: Path) -> None:
    lib = Library.load([_versions(tmp_path, "2022-01-01", "2021-12-31")])
    d = lib.check(parse_profile(PROFILE), "unit_demo", dt.date(2021, 6, 1))
    assert any("end date 2021-12-31 is not confirmed" in w for w in d.warnings)


def test_a_date_before_every_window_lists_the_windows(tmp_path: Path) -> None:
    lib = Library.load([_versions(tmp_path, "2022-01-01", "2021-12-31")])
    with pytest.raises(VersionError) as info:
        lib.check(parse_profile(PROFILE), "unit_demo", dt.date(2019, 1, 1))
    assert info.value.windows == ("demo-measure 1: 2020-01-01 – 2021-12-31",
                                  "demo-measure 2: 2022-01-01 – open")


def test_overlapping_versions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="overlap"):
        Library.load([_versions(tmp_path, "2021-06-01", None)])


def test_trial_period_ends_on_the_corresponding_day(tmp_path: Path) -> None:
    """试行一年 from 2020-01-01 ends on 2021-01-01 (第二百零一条: day not counted); after it,
    with no later version in force, the trial measure still applies, with a warning."""
    root = _versions(tmp_path, "2023-01-01", None)
    v1 = root / "demo" / "v1.yaml"
    v1.write_text(v1.read_text("utf-8").split("\ntests:")[0].replace(
        "  from: {date: 2020-01-01, confirmed: true}",
        "  from: {date: 2020-01-01, confirmed: true}\n  trial: 1 year"), "utf-8")
    lib = Library.load([root])
    p = parse_profile(PROFILE)
    inside = lib.check(p, "unit_demo", dt.date(2021, 1, 1))
    assert inside.rulebook.version == "1" and inside.basis.mode == "in_force"
    after = lib.check(p, "unit_demo", dt.date(2021, 1, 2))
    assert after.rulebook.version == "1" and after.basis.mode == "trial_ended"
    assert "试行期" in after.warnings[0]
    assert lib.version_for("unit_demo", dt.date(2023, 1, 1)).version == "2"
