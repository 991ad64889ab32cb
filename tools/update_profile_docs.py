#!/usr/bin/env python3
"""Regenerate the field tables of docs/profiles.md from rulebooks/vocabulary.yaml.

    python tools/update_profile_docs.py           # rewrite the tables
    python tools/update_profile_docs.py --check   # exit 1 if they are stale
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ipdesignate.applicant.fieldtable import splice  # noqa: E402
from ipdesignate.applicant.vocabulary import load_vocabulary_file  # noqa: E402


def main(argv: list[str]) -> int:
    doc = ROOT / "docs" / "profiles.md"
    text = doc.read_text(encoding="utf-8")
    new = splice(text, load_vocabulary_file(ROOT / "rulebooks" / "vocabulary.yaml"))
    if "--check" in argv:
        if new != text:
            print(f"{doc} is stale: run python tools/update_profile_docs.py", file=sys.stderr)
            return 1
        return 0
    doc.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
