"""Issue 9 reproducers for reading and writing files: bounded reads, source texts confined
to the rulebook tree, no rulebook skipped silently, and ``-o`` that never replaces a
device or leaves a temporary file behind."""

from __future__ import annotations

import io
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipdesignate.cli.main import main
from tests.conftest import DEMO, ROOT

PILOT = ROOT / "examples" / "pilot-enterprise.yaml"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---- unbounded reads ---------------------------------------------------------------


def test_check_dev_zero_is_refused_after_the_byte_limit(
        capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    code, _, err = cli(capsys, "check", "/dev/zero", "-d", "pilot")
    assert code == 1 and "too large" in err
    assert time.perf_counter() - start < 2


def test_check_stdin_dev_zero_is_refused(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with open("/dev/zero", "rb") as zero:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(zero))
        code, _, err = cli(capsys, "check", "-", "-d", "pilot")
    assert code == 1 and "<stdin>" in err and "too large" in err


def test_timeline_dev_zero_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "timeline", "/dev/zero", "--measure", "bj-ip-cluster-zone")
    assert code == 1 and "too large" in err


# ---- source.file ---------------------------------------------------------------------


def _tree(tmp_path: Path, source: str) -> Path:
    """tmp/books/demo/v1.yaml whose source.file is ``source``; tmp/books/source.zh.txt."""
    books = tmp_path / "books"
    (books / "demo").mkdir(parents=True)
    shutil.copy(DEMO.parent.parent / "source.zh.txt", books / "source.zh.txt")
    text = DEMO.read_text("utf-8").replace("file: ../source.zh.txt", f"file: {source!r}")
    assert text != DEMO.read_text("utf-8")
    f = books / "demo" / "v1.yaml"
    f.write_text(text, "utf-8")
    return f


def test_source_inside_the_tree_loads(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    code, _, err = cli(capsys, "validate", str(_tree(tmp_path, "../source.zh.txt")))
    assert code == 0, err


@pytest.mark.parametrize("source", ["/etc/passwd", "/proc/self/environ", "../../../etc/passwd",
                                    "../../outside.txt", "link.txt", "fifo.txt", "zero.txt",
                                    "gbk.txt"])
def test_source_file_is_confined_regular_bounded_utf8(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, source: str) -> None:
    (tmp_path / "outside.txt").write_text("第一条 秘密", "utf-8")
    f = _tree(tmp_path, source)
    os.symlink("/etc/passwd", f.parent / "link.txt")
    os.mkfifo(f.parent / "fifo.txt")
    os.symlink("/dev/zero", f.parent / "zero.txt")
    (f.parent / "gbk.txt").write_bytes("第一条 示例".encode("gbk"))
    start = time.perf_counter()
    code, _, err = cli(capsys, "validate", str(f))
    assert time.perf_counter() - start < 2
    assert code == 1
    assert f"{f}:" in err and "[at source.file]" in err, err
    assert "internal error" not in err


# ---- rulebook files are never skipped silently --------------------------------------


def _library(tmp_path: Path) -> Path:
    books = tmp_path / "books"
    (books / "demo").mkdir(parents=True)
    shutil.copy(DEMO.parent.parent / "source.zh.txt", books / "source.zh.txt")
    return books


@pytest.mark.parametrize(("name", "change"), [
    ("long-header.yaml", lambda t: "# a comment\n" * 600 + t),
    ("quoted.yaml", lambda t: t.replace("rulebook: 1", '"rulebook": 1', 1)),
    ("upper.YAML", lambda t: t),
])
def test_rulebooks_are_found_however_written(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path, name: str, change) -> None:
    books = _library(tmp_path)
    text = DEMO.read_text("utf-8")
    assert text.startswith("rulebook: 1") or "\nrulebook: 1" in text
    (books / "demo" / name).write_text(change(text), "utf-8")
    code, out, err = cli(capsys, "validate", str(books))
    assert code == 0, err
    assert f"ok  {books / 'demo' / name}" in out


def test_yaml_that_is_not_a_rulebook_is_reported(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    books = _library(tmp_path)
    (books / "demo" / "v1.yaml").write_text(DEMO.read_text("utf-8"), "utf-8")
    (books / "demo" / "notes.yml").write_text("title: not a rulebook\n", "utf-8")
    code, out, _ = cli(capsys, "validate", str(books))
    assert code == 0
    assert f"skip {books / 'demo' / 'notes.yml'}: not a rulebook" in out
    code, out, _ = cli(capsys, "list", "--rulebooks", str(books))
    assert code == 0 and "notes.yml: not a rulebook, skipped: it has no top-level" in out


def test_validate_reports_overlapping_windows_across_files(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    books = _library(tmp_path)
    text = DEMO.read_text("utf-8")
    (books / "demo" / "v1.yaml").write_text(text, "utf-8")
    (books / "demo" / "v2.yaml").write_text(text.replace('version: "1"', 'version: "2"'),
                                            "utf-8")
    code, _, err = cli(capsys, "validate", str(books))
    assert code == 1
    assert "overlap" in err and "v2.yaml:" in err


# ---- -o ------------------------------------------------------------------------------


def _check_to(capsys: pytest.CaptureFixture[str], target: Path | str) -> tuple[int, str]:
    code, _, err = cli(capsys, "check", str(PILOT), "-d", "pilot", "-o", str(target))
    return code, err


def test_output_keeps_the_usual_mode(capsys: pytest.CaptureFixture[str],
                                     tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        code, _ = _check_to(capsys, tmp_path / "out.txt")
    finally:
        os.umask(old)
    assert code == 0
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o644
    (tmp_path / "out.txt").chmod(0o640)
    assert _check_to(capsys, tmp_path / "out.txt")[0] == 0
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640


def test_output_through_a_symlink_keeps_the_link(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("old", "utf-8")
    os.symlink("real.txt", tmp_path / "link.txt")
    assert _check_to(capsys, tmp_path / "link.txt")[0] == 0
    assert (tmp_path / "link.txt").is_symlink()
    assert "pilot" in (tmp_path / "real.txt").read_text("utf-8")


@pytest.mark.parametrize("kind", ["fifo", "device", "directory", "missing-dir"])
def test_output_to_a_non_regular_target_is_refused(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path, kind: str) -> None:
    target: Path | str
    if kind == "fifo":
        target = tmp_path / "fifo"
        os.mkfifo(target)
    elif kind == "device":
        target = "/dev/null"
    elif kind == "directory":
        target = tmp_path
    else:
        target = tmp_path / "nope" / "out.txt"
    code, err = _check_to(capsys, target)
    assert code == 1 and "cannot write" in err, err
    if kind == "device":
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_a_kill_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    # SIGTERM arrives while the output is being written: the temp file is removed
    script = (
        "import os, signal, sys\n"
        "from ipdesignate.cli import _common\n"
        "real = os.replace\n"
        "def slow(a, b):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real(a, b)\n"
        "_common.os.replace = slow\n"
        "from ipdesignate.cli.main import main\n"
        f"sys.exit(main(['check', {str(PILOT)!r}, '-d', 'pilot', '-o', "
        f"{str(tmp_path / 'out.txt')!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0 and proc.returncode != -signal.SIGTERM
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []
