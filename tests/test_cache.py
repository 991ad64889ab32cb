"""The on-disk cache of validated rulebooks: same results, never stale, safe to delete."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ipdesignate import RulebookError, load_profile
from ipdesignate.library import cache
from ipdesignate.library.load import load_rulebook

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "rulebooks" / "bj-ip-pilot-demonstration" / "2018.yaml"
PROFILES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture()
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the pilot rulebook and its source text, with an empty cache."""
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    shutil.copytree(BOOK.parent.parent, tmp_path / "rulebooks")
    return tmp_path / "rulebooks" / BOOK.parent.name / BOOK.name


def _decisions(path: Path) -> list[str]:
    rb = load_rulebook(path)
    out = []
    for f in PROFILES:
        profile = load_profile(f)
        for d in rb.designations:
            try:
                out.append(rb.evaluate(profile, d, profile.application_date)
                           .model_dump_json())
            except Exception as exc:  # the same refusal both ways counts too
                out.append(f"{type(exc).__name__}: {exc}")
    return out


def test_a_cache_hit_gives_byte_identical_decisions(book: Path) -> None:
    cold = _decisions(book)
    assert len(list((book.parents[2] / "cache").glob("*.pickle"))) == 1
    assert _decisions(book) == cold  # from the cache
    hit = load_rulebook(book)
    assert hit.lifecycle is not None and hit.lifecycle.rule_ids  # compiled on first use


def test_an_edited_rulebook_is_never_served_stale(book: Path) -> None:
    load_rulebook(book)
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("designations:", "designations:\n  broken: 1\n", 1),
                    encoding="utf-8")
    with pytest.raises(Exception, match="broken"):
        load_rulebook(book)


def test_a_changed_source_text_is_checked_again(book: Path) -> None:
    rb = load_rulebook(book)
    source = book.parent / rb.model.source.file
    source.write_text("nothing of the measure is left here\n", encoding="utf-8")
    with pytest.raises(Exception, match="citation not in the source text"):
        load_rulebook(book)


def test_damaged_entries_are_ignored_and_replaced(book: Path) -> None:
    cold = _decisions(book)
    for entry in (book.parents[2] / "cache").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert _decisions(book) == cold
    shutil.rmtree(book.parents[2] / "cache")  # deleting the cache is always safe
    assert _decisions(book) == cold


def test_the_cache_can_be_turned_off(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_VAR, "off")
    load_rulebook(book)
    assert not (book.parents[2] / "cache").exists()


def test_the_same_bytes_beside_another_source_text_are_checked_again(book: Path) -> None:
    """An entry vouches for the files it was validated with, not for a copy elsewhere."""
    rb = load_rulebook(book)  # fills the cache from the first tree
    other = book.parents[2] / "elsewhere"
    shutil.copytree(book.parents[1], other)
    (other / book.parent.name / rb.model.source.file).write_text(
        "nothing of the measure is left here\n", encoding="utf-8")
    with pytest.raises(Exception, match="citation not in the source text"):
        load_rulebook(other / book.parent.name / book.name)


def test_a_vocabulary_added_nearer_is_read_not_the_cached_one(book: Path) -> None:
    load_rulebook(book)
    nearer = book.parent / "vocabulary.yaml"
    nearer.write_text("kinds: {}\n", encoding="utf-8")  # not a valid vocabulary
    with pytest.raises(RulebookError, match=f"{book.parent.name}/vocabulary.yaml"):
        load_rulebook(book)  # validated again, against the nearer file


def test_a_hit_keeps_the_vocabulary_and_needs_no_engine_for_no_events(book: Path) -> None:
    cold = load_rulebook(book)
    hit = load_rulebook(book)
    assert hit.vocabulary.kinds == cold.vocabulary.kinds
    assert hit.vocabulary.sources == cold.vocabulary.sources
    # the timeline of no events, made without compiling the lifecycle, is the engine's
    assert hit.timelines is not None and cold.lifecycle is not None
    assert hit.timelines.timeline([]) == cold.lifecycle.run([])
    assert callable(hit._lifecycle)  # still not compiled


def test_the_engine_digest_follows_every_change_of_the_code(tmp_path: Path) -> None:
    """The digest is memoised under the source files' status; a file whose bytes change
    never matches the old status (its change time moves even when its size and
    modification time are put back), so the code is hashed again."""
    package = tmp_path / "pkg"
    shutil.copytree(Path(cache.__file__).resolve().parent.parent, package,
                    ignore=shutil.ignore_patterns("__pycache__", "law"))
    memo = tmp_path / "memo"
    first = cache.source_digest(package, memo)
    assert len(list(memo.glob("engine-*"))) == 1
    assert cache.source_digest(package, memo) == first  # from the memo
    assert cache.source_digest(package, None) == first  # the same as hashing afresh
    target = package / "eligibility" / "checks.py"
    before = target.stat()
    text = target.read_bytes()
    target.write_bytes(text.replace(b"PASS", b"PAZZ", 1))  # same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    changed = cache.source_digest(package, memo)
    assert changed != first
    assert changed == cache.source_digest(package, None)
    assert len(list(memo.glob("engine-*"))) == 2


def test_an_entry_of_another_shape_is_replaced_not_trusted(book: Path) -> None:
    cold = _decisions(book)
    import hashlib

    sha = hashlib.sha256(book.read_bytes()).hexdigest()
    cache.write(sha, [], model="not a rulebook")  # right key, wrong contents
    assert _decisions(book) == cold
