"""Loading a large rulebook with many embedded tests: a ~1.2 MB rulebook (the cluster-zone
rulebook whose base test profile carries 6,000 attestations) with 200 test cases.

Run: .venv/bin/python benchmarks/bench_embedded_tests.py

The issue measured 23.7 s for such a file: each case deep-copied its base and validated
all of it. Now a case copies only what its ``with`` touches and validates that beside the
base's plain values (the base is validated once). Prints the load time and, for scale,
the load time of the shipped rulebook.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ["IPDESIGNATE_CACHE"] = "off"

from ipdesignate.library.load import load_rulebook  # noqa: E402

CLUSTER = ROOT / "rulebooks" / "bj-ip-cluster-zone" / "2020.yaml"
ANCHOR = ("      resource_integration: {by: 李四 (运营总监), on: 2020-08-20, evidence: "
          "与北京某大学、某专利代理机构合作协议}\n")
CASE = """  - name: park case {i}
    designation: cluster_zone
    on: 2020-09-01
    base: incubator_zone
    with: {{entity_type: park, member_units: {n}}}
    expect: {{verdict: eligible, criteria: {{eligible_carrier_type: pass}}}}
"""


def big_rulebook(folder: Path) -> Path:
    text = CLUSTER.read_text("utf-8")
    pad = "".join(f"      note{i}: {{by: 李四 (运营总监) 第{i}号, on: 2020-08-20, "
                  f"evidence: 知识产权管理制度汇编(2020版)、财务管理制度 扩展说明 {i}}}\n"
                  for i in range(6000))
    assert ANCHOR in text
    text = text.replace(ANCHOR, ANCHOR + pad, 1)
    have = text.count("\n  - name: ")
    text += "".join(CASE.format(i=i, n=100 + i) for i in range(200 - have))
    (folder / "m").mkdir()
    shutil.copytree(ROOT / "rulebooks" / "sources", folder / "sources")
    shutil.copy(ROOT / "rulebooks" / "vocabulary.yaml", folder / "vocabulary.yaml")
    f = folder / "m" / "2020.yaml"
    f.write_text(text, "utf-8")
    return f


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        f = big_rulebook(Path(tmp))
        start = time.perf_counter()
        load_rulebook(CLUSTER)
        shipped = time.perf_counter() - start
        start = time.perf_counter()
        rb = load_rulebook(f)
        took = time.perf_counter() - start
        print(f"{f.stat().st_size / 1e6:.2f} MB, {len(rb.model.tests)} embedded tests: "
              f"{took:.2f}s (shipped rulebook, 51 kB: {shipped:.2f}s)")


if __name__ == "__main__":
    main()
