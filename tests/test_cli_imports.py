"""``ipdesignate check`` imports only what one decision needs (issue 13: start-up time).

Run as the user runs it, in a fresh process: the first run fills the rulebook cache, the
second is the one a user repeats. Neither may load the rules engine, DataFrames or the
JSON Schema validator; the second, served from the cache, not even our lifecycle engine,
the embedded-case runner or the legal source texts. A module listed here that creeps
back onto the path costs every ``check`` its import time, so the gain cannot silently
regress. (Timings themselves live in benchmarks/bench_all.py, never in tests.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "pilot-enterprise.yaml"

NEVER = ("durable_rules", "polars", "pyarrow", "pandas", "numpy", "jsonschema", "dateutil.rrule",
         "fastapi", "uvicorn", "openpyxl", "rich", "ipdesignate.frames", "ipdesignate.http")
NOT_ON_A_HIT = ("ipdesignate.lifecycle.engine", "ipdesignate.testing", "ipdesignate.testing.cases",
                "ipdesignate.decision.html",
                "ipdesignate.library.diff", "ipdesignate.rulebook.diff")

_PROBE = """
import json, sys
from ipdesignate.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _run(cache_dir: Path, *argv: str) -> tuple[int, set[str]]:
    env = dict(os.environ, IPDESIGNATE_CACHE=str(cache_dir))
    env.pop("IPDESIGNATE_RULEBOOKS", None)
    out = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True,
                         text=True, env=env, cwd=ROOT, timeout=120)
    assert out.stderr == ""
    report = json.loads(out.stdout.rstrip().rsplit("\n", 1)[1])
    return report["code"], set(report["modules"])


def _prefixed(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules for n in names if m == n or m.startswith(n + "."))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_imports_only_what_a_decision_needs(tmp_path: Path, fmt: str) -> None:
    argv = ("check", str(EXAMPLE), "-d", "pilot", "--format", fmt)
    code, cold = _run(tmp_path, *argv)
    assert code == 0
    assert _prefixed(cold, NEVER) == []
    code, hit = _run(tmp_path, *argv)  # served from the cache filled by the first run
    assert code == 0
    assert _prefixed(hit, NEVER) == []
    assert _prefixed(hit, NOT_ON_A_HIT) == []


def test_other_subcommands_still_load_what_they_need(tmp_path: Path) -> None:
    """The lazy imports are lazy, not missing: html still renders, the engine still runs."""
    code, mods = _run(tmp_path, "check", str(EXAMPLE), "-d", "pilot", "--format", "html")
    assert code == 0 and "ipdesignate.decision.html" in mods
    code, mods = _run(tmp_path, "timeline", str(ROOT / "examples" / "lifecycle" /
                                                 "pilot-unit-history.yaml"),
                      "--on", "2022-06-01")
    assert code == 0 and "ipdesignate.lifecycle.engine" in mods


_PLUGIN_PROBE = """
import json, os, sys
from ipdesignate.cli.main import main
code = main(sys.argv[1:])
from pydantic.plugin import _loader
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "scanned": _loader._plugins is not None,
                          "left": os.environ.get("PYDANTIC_DISABLE_PLUGINS")}))
"""


@pytest.mark.parametrize("preset", [None, "some-plugin"])
def test_check_does_not_scan_for_pydantic_plugins(tmp_path: Path, preset: str | None) -> None:
    """A one-shot command skips pydantic's entry-point scan and leaves no trace of that in
    the environment; a value the user set is theirs (honoured, not removed)."""
    env = dict(os.environ, IPDESIGNATE_CACHE=str(tmp_path))
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    if preset is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = preset
    out = subprocess.run([sys.executable, "-c", _PLUGIN_PROBE, "check", str(EXAMPLE), "-d",
                          "pilot"], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120)
    report = json.loads(out.stdout.rstrip().rsplit("\n", 1)[1])
    assert report["code"] == 0
    assert report["left"] == preset
    assert report["scanned"] is (preset is not None)


MODEL_MODULES = ("applicant/events.py", "applicant/profile.py", "decision/model.py",
                 "lifecycle/timeline.py", "rulebook/base.py", "rulebook/lifecycle_model.py",
                 "rulebook/model.py", "rulebook/vocabulary.py")


@pytest.mark.parametrize("module", MODEL_MODULES)
def test_model_modules_on_the_check_path_keep_real_annotations(module: str) -> None:
    """String annotations (the __future__ import) make pydantic evaluate each one again as
    each class is created: ~2.5% of every `check`, for nothing."""
    source = (ROOT / "src" / "ipdesignate" / module).read_text(encoding="utf-8")
    assert "from __future__ import annotations" not in source.splitlines()
