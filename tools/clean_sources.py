#!/usr/bin/env python3
"""Regenerate the cleaned legal source texts in ``rulebooks/sources/`` from the raw seeds.

Maintainer tool, not part of the runtime package.  It needs the dev-only dependency
``opencc-python-reimplemented`` (``from opencc import OpenCC``).

Usage (from anywhere)::

    python tools/clean_sources.py                      # seeds from <repo>/../shared/seeds
    python tools/clean_sources.py CLUSTER_SEED PILOT_SEED
    python tools/clean_sources.py --check              # exit 1 if the outputs are stale

The output is fully deterministic: every edit that is not a mechanical rule (whitespace,
pinyin removal, OpenCC ``t2s``) is listed in ``MANUAL_REPAIRS`` below as an explicit
(old, new) replacement, and every replacement must match exactly once.

Rulebook citations quote these output files verbatim, so punctuation is never
"prettified": the seeds' own mix of ASCII and full-width punctuation is kept as is.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED_DIR = REPO_ROOT.parent / "shared" / "seeds"
DEFAULT_OUT_DIR = REPO_ROOT / "rulebooks" / "sources"

CLUSTER_SEED_NAME = "000_b7deda3fef36cd7a.txt"
PILOT_SEED_NAME = "001_7677a60ecdbdeb30.txt"
CLUSTER_OUT_NAME = "bj-ip-cluster-zone.zh.txt"
PILOT_OUT_NAME = "bj-ip-pilot-demonstration.zh.txt"

CLUSTER_ARTICLES = 15
PILOT_ARTICLES = 25

# A parenthesised group whose whole content is Latin letters, with or without tone marks
# (e.g. "(chǎn)", "(diǎn)", "(ji)").  Legal parentheses such as "(一)", "(含)" and
# "(京知局〔2017〕346號)" contain CJK characters or digits and are therefore never matched.
PINYIN_GROUP = re.compile(r"[(（][A-Za-z\u00C0-\u024F\u0300-\u036F]+[)）]")

LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


@dataclass(frozen=True)
class Repair:
    old: str
    new: str
    why: str


# Manual repairs for the pilot/demonstration text, applied to the *simplified* text, i.e.
# after pinyin removal and OpenCC t2s.  Each must occur exactly once.
MANUAL_REPAIRS: tuple[Repair, ...] = (
    # 第二十一条, second paragraph.  The seed has an encoding artefact where "專家庫(kù),優(yōu)先"
    # should be: the character 庫 and both opening parentheses were lost, leaving
    # "專家?guī)?,?yōu)先" (the "(yōu)" gloss after the lost 優 survives without its "(").
    # The intent is unambiguous: "优先入选本市知识产权专家库,优先推荐参加…".
    # The ASCII comma is the seed's own character and is kept, like every other comma in
    # this text.
    Repair(
        old="专家?guī)?,?yōu)先",
        new="专家库,优先",
        why="第二十一条: mojibake '专家?guī)?,?yōu)先' restored to '专家库,优先'",
    ),
)

# Phrases that must appear verbatim in the final pilot/demonstration text.  They cover
# characters that a traditional->simplified conversion can get wrong (准/準, 复/復/複,
# 发/發, 于/於, 余/餘, 制/製, 范/範 ...) and guard against a future OpenCC change.
PILOT_EXPECTED_PHRASES: tuple[str, ...] = (
    "北京市知识产权试点示范单位认定与管理办法",
    "知识产权试点示范单位",
    "参照知识产权管理规范国家标准建立符合本单位发展需要的知识产权管理制度",
    "企业近三年专利实施率平均不低于40%",
    "专利申请量超过100件的高等学校和科研组织等除外",
    "不少于3名(含)负责知识产权管理工作的专职人员",
    "高于知产权管理规范国家标准",  # sic: typo in the law itself, kept
    "知识产权产品及服务收入占主营业务收入的平均比例不低于60%",
    "作价入股合同金额合计不低于1000万元",
    "暂停对于申请单位的认定工作",
    "开展定期复审和考核工作",
    "三年之内不得再次申请知识产权试点示范单位",
    "优先入选本市知识产权专家库,优先推荐参加国家和本市知识产权系统各类人才培养计划",
    "自本办法实施之日起的12个月内",
    "(京知局〔2017〕346号)",
)

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1..99 as used in article numbers: 一, 十, 十一, 二十, 二十一, ..."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    prefix = "十" if tens == 1 else _DIGITS[tens] + "十"
    return prefix + (_DIGITS[ones] if ones else "")


ARTICLE_AT_LINE_START = re.compile(r"^第([一二三四五六七八九十百]+)条", re.MULTILINE)


def check_articles(text: str, count: int, label: str) -> None:
    found = ARTICLE_AT_LINE_START.findall(text)
    expected = [chinese_numeral(i) for i in range(1, count + 1)]
    if found != expected:
        raise SystemExit(f"{label}: article headings {found} != expected {expected}")


def normalise_lines(text: str) -> list[str]:
    """Strip BOM/CR and trailing whitespace; collapse runs of blank lines; trim ends."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def clean_cluster(raw: str) -> str:
    """《北京市中小企业知识产权集聚发展示范区认定和管理办法(试行)》 - already simplified."""
    lines = normalise_lines(raw)
    first_chapter = next(i for i, line in enumerate(lines) if line.startswith("第一章"))
    title = "".join(line.strip() for line in lines[:first_chapter])
    text = "\n".join([title, *lines[first_chapter:]]) + "\n"
    if title != "北京市中小企业知识产权集聚发展示范区认定和管理办法(试行)":
        raise SystemExit(f"cluster: unexpected title {title!r}")
    check_articles(text, CLUSTER_ARTICLES, "cluster")
    return text


def clean_pilot(raw: str) -> str:
    """《北京市知识产权试点示范单位认定与管理办法》 - traditional with pinyin glosses."""
    from opencc import OpenCC  # dev-only dependency, imported lazily

    text = PINYIN_GROUP.sub("", raw)
    text = OpenCC("t2s").convert(text)
    for rep in MANUAL_REPAIRS:
        n = text.count(rep.old)
        if n != 1:
            raise SystemExit(f"pilot: repair {rep.why!r} matched {n} times, expected 1")
        text = text.replace(rep.old, rep.new)
    text = "\n".join(normalise_lines(text)) + "\n"

    problems = []
    if LATIN.search(text):
        problems.append(f"latin letters left: {sorted(set(LATIN.findall(text)))}")
    if "?" in text or "\ufffd" in text:
        problems.append("'?' or U+FFFD left in text")
    if OpenCC("t2s").convert(text) != text:
        problems.append("text is not t2s-stable (traditional characters left)")
    problems += [f"missing phrase {p!r}" for p in PILOT_EXPECTED_PHRASES if p not in text]
    if problems:
        raise SystemExit("pilot: " + "; ".join(problems))
    check_articles(text, PILOT_ARTICLES, "pilot")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "cluster_seed", nargs="?", type=Path, default=DEFAULT_SEED_DIR / CLUSTER_SEED_NAME
    )
    ap.add_argument("pilot_seed", nargs="?", type=Path, default=DEFAULT_SEED_DIR / PILOT_SEED_NAME)
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    ap.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the files on disk differ"
    )
    args = ap.parse_args(argv)

    outputs = {
        args.out_dir / CLUSTER_OUT_NAME: clean_cluster(
            args.cluster_seed.read_text(encoding="utf-8")
        ),
        args.out_dir / PILOT_OUT_NAME: clean_pilot(args.pilot_seed.read_text(encoding="utf-8")),
    }
    stale = False
    for path, text in outputs.items():
        if args.check:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                print(f"stale: {path}")
                stale = True
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {path}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
