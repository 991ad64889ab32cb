"""The decision JSON as a contract: it reads back into an equal Decision, and its bytes do
not depend on the working directory or on how the rulebooks directory was named."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ipdesignate import Decision, Library, load_profile, load_rulebook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _designation(path: Path) -> str:
    m = re.search(r"^# expect: designation=(\S+)", path.read_text("utf-8"), re.M)
    assert m
    return m.group(1)


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.load([ROOT / "rulebooks"])


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_decision_round_trips(library: Library, path: Path) -> None:
    d = library.check(load_profile(path), _designation(path))
    back = Decision.model_validate_json(d.model_dump_json())
    assert back == d
    assert back.model_dump_json() == d.model_dump_json()
    assert back.missing == d.missing and back.counts == d.counts
    assert str(back) == str(d)  # the rebuilt decision renders the same text


def test_a_changed_decision_is_not_equal(library: Library) -> None:
    path = EXAMPLES[0]
    d = library.check(load_profile(path), _designation(path))
    text = d.model_dump_json().replace('"status":"pass"', '"status":"fail"', 1)
    assert Decision.model_validate_json(text) != d


def test_rulebook_file_is_relative_to_the_rulebooks_directory(library: Library) -> None:
    for rb in library.all():
        assert rb.ref.file is not None and not os.path.isabs(rb.ref.file)
        assert (ROOT / "rulebooks" / rb.ref.file).is_file()
    one = load_rulebook(ROOT / "rulebooks" / "bj-ip-cluster-zone" / "2020.yaml")
    assert one.ref.file == "bj-ip-cluster-zone/2020.yaml"


def test_decision_bytes_do_not_depend_on_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = EXAMPLES[0]
    profile = load_profile(path)
    outputs = set()
    for cwd, rulebooks in ((ROOT, "rulebooks"), (tmp_path, str(ROOT / "rulebooks")),
                           (ROOT / "rulebooks", ".")):
        monkeypatch.chdir(cwd)
        lib = Library.load([rulebooks])
        outputs.add(lib.check(profile, _designation(path)).model_dump_json())
    assert len(outputs) == 1
