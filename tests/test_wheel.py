"""The installed package carries the law: a wheel built from the checkout, installed into a
fresh virtual environment outside it, runs from another directory with nothing else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv holding only the wheel (and its dependencies)."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist),
                    str(ROOT)], check=True, timeout=600, cwd=base)
    wheel = next(dist.glob("ipdesignate-*.whl"))
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / "bin"
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, timeout=900, cwd=base)
    return bindir


def _run(bindir: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("IPDESIGNATE_RULEBOOKS", "PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**env, "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}"})


def test_the_wheel_carries_the_rulebooks_and_sources(installed: Path) -> None:
    wheel = next((installed.parent.parent / "dist").glob("ipdesignate-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    yaml = [n for n in names if n.startswith("ipdesignate/law/") and n.endswith(".yaml")]
    sources = [n for n in names if n.startswith("ipdesignate/law/sources/")]
    shipped = {p.relative_to(ROOT / "rulebooks").as_posix()
               for p in (ROOT / "rulebooks").rglob("*") if p.is_file()}
    assert {n.removeprefix("ipdesignate/law/") for n in names
            if n.startswith("ipdesignate/law/")} == shipped
    assert len(yaml) >= 2 and sources


def test_list_check_and_default_from_another_directory(installed: Path,
                                                       tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    example = shutil.copy(ROOT / "examples" / "pilot-enterprise.yaml", elsewhere)

    listed = _run(installed, "ipdesignate", "list", cwd=elsewhere)
    assert listed.returncode == 0, listed.stderr
    assert "bj-ip-pilot-demonstration" in listed.stdout

    checked = _run(installed, "ipdesignate", "check", str(example), "-d", "pilot",
                   "--format", "json", cwd=elsewhere)
    assert checked.returncode == 0, checked.stderr
    assert '"verdict": "eligible"' in checked.stdout

    code = ("import ipdesignate; lib = ipdesignate.Library.default(); "
            "print(ipdesignate.__file__); print(sorted(lib.measures))")
    py = _run(installed, str(installed / "python"), "-c", code, cwd=elsewhere)
    assert py.returncode == 0, py.stderr
    assert str(ROOT) not in py.stdout  # the installed copy, not the checkout
    assert "bj-ip-cluster-zone" in py.stdout


def test_screen_from_the_wheel_with_the_frames_extra(installed: Path, tmp_path: Path) -> None:
    """``pip install 'ipdesignate[frames]'`` outside the checkout, then ``screen`` on the example
    spreadsheet: a progress bar, a summary, the workbook with every input row."""
    wheel = next((installed.parent.parent / "dist").glob("ipdesignate-*.whl"))
    subprocess.run([str(installed / "python"), "-m", "pip", "install", "-q",
                    f"{wheel}[frames]"], check=True, timeout=900, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(ROOT / "examples" / "clients.xlsx", elsewhere)
    done = _run(installed, "ipdesignate", "screen", "clients.xlsx", "--all", "-o", "out.xlsx",
                cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert "screening" in done.stderr and "100%" in done.stderr  # the progress bar
    assert "10 applicants" in done.stderr and "most common failing clauses" in done.stderr
    rows = subprocess.run(
        [str(installed / "python"), "-c", "import openpyxl; ws = openpyxl.load_workbook("
         "'out.xlsx')['applicants']; print(sorted({r[0] for r in ws.iter_rows(min_row=2, "
         "values_only=True)}))"], capture_output=True, text=True, cwd=elsewhere, check=True)
    assert rows.stdout.strip() == str(list(range(10)))
