"""The HTML view in a real browser (Debian's chromium, headless): laid out, screenshotted,
and measured from inside the page — left-aligned under a hostile notebook stylesheet, the
verdict and summary first, the passes collapsed, each reading once, compact.

``.ci/run`` installs chromium; on a machine without it the test is skipped, except on CI
(``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from ipdesignate import Batch, Library, load_profile
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WIDTH, HEIGHT = 1100, 900
# What Jupyter's stylesheet does to tables (and worse): the view must not care.
HOSTILE = ("td, th { text-align: right !important; } table { margin-left: auto; "
           "margin-right: auto; } body { text-align: right; }")
PROBE = """<script>
window.addEventListener('load', () => {
  const box = document.querySelector('.ipdesignate-decision, .ipdesignate-table');
  const cells = [...box.querySelectorAll('div, td, th, li, summary, span')]
    .filter(e => e.offsetParent !== null);
  const aligns = [...new Set(cells.map(e => getComputedStyle(e).textAlign))];
  const summary = box.querySelector('.ipd-summary');
  const visibleCriteria = [...box.querySelectorAll('.ipd-criterion')]
    .filter(e => e.offsetParent !== null).length;
  const shown = e => e.checkVisibility ? e.checkVisibility() : e.offsetParent !== null;
  const passRows = [...box.querySelectorAll('details tr')].filter(shown).length;
  const out = {aligns, summary: summary ? summary.textContent : null,
               summaryTop: summary ? summary.getBoundingClientRect().top : null,
               left: box.getBoundingClientRect().left, height: box.scrollHeight,
               visibleCriteria, passRows,
               readings: [...box.querySelectorAll('[id^=reading-]')].map(e => e.id)};
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _browser(url: str, *extra: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
         f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=3000", *extra, url],
        capture_output=True, text=True, timeout=120, check=False)


def _render(tmp_path: Path, body: str, name: str) -> tuple[dict[str, object], Path]:
    page = tmp_path / f"{name}.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{HOSTILE}"
                    f"</style>{PROBE}</head><body>{body}</body></html>", "utf-8")
    dom = _browser(page.as_uri(), "--dump-dom", profile=tmp_path / f"profile-{name}")
    m = re.search(r"<pre id=\"probe\">(.*?)</pre>", dom.stdout, re.S)
    assert m, dom.stderr[-2000:]
    probe = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&")
                       .replace("&lt;", "<").replace("&gt;", ">"))
    shot = tmp_path / f"{name}.png"
    run = _browser(page.as_uri(), f"--screenshot={shot}", profile=tmp_path / f"shot-{name}")
    assert shot.exists(), run.stderr[-2000:]
    return probe, shot


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.default()


def test_one_decision_at_a_glance(library: Library, tmp_path: Path) -> None:
    d = library.check(load_profile(ROOT / "examples" / "demonstration-near-miss.yaml"),
                      "demonstration")
    probe, shot = _render(tmp_path, d._repr_html_(), "decision")
    assert _png_size(shot) == (WIDTH, HEIGHT)
    _, blank_shot = _render(tmp_path, "<div class='ipdesignate-table'></div>", "blank")
    assert shot.stat().st_size > 3 * blank_shot.stat().st_size  # something was drawn
    assert probe["aligns"] in (["left"], ["start"], ["left", "start"], ["start", "left"])
    assert str(probe["summary"]).startswith("fails 1 of")
    assert "short by ≈1.37 percentage points" in str(probe["summary"])
    assert float(str(probe["summaryTop"])) < 80  # the summary comes first
    assert float(str(probe["left"])) < 40  # not pushed to the right or centred
    assert probe["visibleCriteria"] == 1 and probe["passRows"] == 0  # passes collapsed
    readings = list(probe["readings"])  # type: ignore[call-overload]
    assert len(readings) == len(set(readings)) > 0  # each reading once
    assert int(str(probe["height"])) < 600  # one screen, not a 1,600 px table


def test_a_batch_is_a_compact_table(library: Library, tmp_path: Path) -> None:
    profiles = [load_profile(ROOT / "examples" / f"{n}.yaml")
                for n in ("pilot-enterprise", "demonstration-near-miss", "carrier-missing-data")]
    batch = library.check_many(profiles, "demonstration")
    probe, shot = _render(tmp_path, batch._repr_html_(), "batch")
    assert _png_size(shot) == (WIDTH, HEIGHT)
    assert probe["aligns"] in (["left"], ["start"], ["left", "start"], ["start", "left"])
    assert str(probe["summary"]) == "3 answers: 2 ineligible, 1 error"
    assert int(str(probe["height"])) < 300
    probe, _ = _render(tmp_path, Batch.of(batch.decisions)._repr_html_(), "list")
    assert str(probe["summary"]) == "2 answers: 2 ineligible"
