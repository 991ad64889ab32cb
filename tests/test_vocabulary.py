"""The applicant vocabulary is data: a field added in YAML is read by rulebooks, listed by
``schema profile`` and in the generated field tables, with no Python change."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from ipdesignate import Library, ProfileError, RulebookError, field_label, parse_profile
from ipdesignate.applicant.fieldtable import markdown_tables, splice
from ipdesignate.applicant.vocabulary import default_vocabulary, load_vocabulary_file
from ipdesignate.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
VOCAB = ROOT / "rulebooks" / "vocabulary.yaml"
DEMO = ROOT / "tests" / "rulebooks" / "good" / "demo.yaml"

NEW_FIELD = """      valid_invention_patents:
        type: count
        unit: {zh: 件, en: patents}
        label: {zh: 有效发明专利, en: valid invention patents held}
"""
NEW_CRITERION = """      - id: invention_patents
        cite: {article: 1, text: 在本市注册}
        text: {zh: 有效发明专利, en: Valid invention patents}
        check: {measure: {field: valid_invention_patents}, at_least: 5}
"""
PROFILE = """kind: unit
name: Vocab Co
entity_type: enterprise
application_date: 2024-03-15
valid_invention_patents: 7
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_profiles_doc_tables_are_current() -> None:
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    assert splice(doc, load_vocabulary_file(VOCAB)) == doc, \
        "docs/profiles.md is stale: run python tools/update_profile_docs.py"


def _library_with_new_field(tmp_path: Path) -> Path:
    """A rulebooks folder whose vocabulary.yaml has one more field, and a rulebook that
    reads it: YAML edits only."""
    folder = tmp_path / "rulebooks"
    (folder / "good").mkdir(parents=True)
    vocab = VOCAB.read_text(encoding="utf-8")
    anchor = "      registered_in_beijing:\n"
    (folder / "vocabulary.yaml").write_text(vocab.replace(anchor, NEW_FIELD + anchor, 1),
                                            encoding="utf-8")
    shutil.copy(ROOT / "tests" / "rulebooks" / "source.zh.txt", folder / "source.zh.txt")
    demo = DEMO.read_text(encoding="utf-8")
    anchor = "      - id: legal_person\n"
    (folder / "good" / "demo.yaml").write_text(demo.replace(anchor, NEW_CRITERION + anchor, 1),
                                               encoding="utf-8")
    return folder


def test_a_field_added_in_yaml_is_read_listed_and_documented(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _library_with_new_field(tmp_path)
    profile = tmp_path / "p.yaml"
    profile.write_text(PROFILE, encoding="utf-8")

    code, out, err = run(capsys, "validate", str(folder))
    assert code == 0, err
    code, out, err = run(capsys, "check", str(profile), "-d", "unit_demo", "--rulebooks",
                         str(folder), "--format", "json")
    assert code == 0, err
    crit = {c["id"]: c for c in json.loads(out)["criteria"]}["invention_patents"]
    assert crit["status"] == "pass"
    assert crit["inputs"]["valid_invention_patents"] == 7

    code, out, err = run(capsys, "schema", "profile", "--rulebooks", str(folder))
    assert code == 0 and "valid_invention_patents" in out
    assert "有效发明专利" in json.dumps(json.loads(out), ensure_ascii=False)

    vocab = load_vocabulary_file(folder / "vocabulary.yaml")
    assert "| `valid_invention_patents` | 有效发明专利 |" in markdown_tables(vocab)
    # the bundled vocabulary does not know it: the same profile is refused there, located
    code, out, err = run(capsys, "check", str(profile), "-d", "pilot")
    assert code == 1 and "unknown key 'valid_invention_patents'" in err and ":5:1:" in err


def test_a_rulebook_may_extend_the_vocabulary(tmp_path: Path) -> None:
    folder = tmp_path / "rulebooks"
    (folder / "good").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "rulebooks" / "source.zh.txt", folder / "source.zh.txt")
    demo = DEMO.read_text(encoding="utf-8")
    extension = ("vocabulary:\n  kinds:\n    unit:\n      fields:\n"
                 + textwrap.indent(NEW_FIELD, "  "))
    demo = demo.replace("attestations:\n", extension + "attestations:\n", 1)
    demo = demo.replace("      - id: legal_person\n", NEW_CRITERION + "      - id: legal_person\n",
                        1)
    (folder / "good" / "demo.yaml").write_text(demo, encoding="utf-8")
    lib = Library.load([folder])
    profile = lib.parse_profile({"kind": "unit", "name": "X", "entity_type": "enterprise",
                                 "valid_invention_patents": 3})
    d = lib.check(profile, "unit_demo", __import__("datetime").date(2024, 3, 15))
    assert d.criterion("invention_patents").status == "fail"
    with pytest.raises(ProfileError):  # not in the shared vocabulary
        parse_profile({"kind": "unit", "name": "X", "entity_type": "enterprise",
                       "valid_invention_patents": 3})


def test_a_bad_vocabulary_is_a_located_error(tmp_path: Path) -> None:
    folder = tmp_path / "rulebooks"
    (folder / "good").mkdir(parents=True)
    shutil.copy(DEMO, folder / "good" / "demo.yaml")
    shutil.copy(ROOT / "tests" / "rulebooks" / "source.zh.txt", folder / "source.zh.txt")
    bad = VOCAB.read_text(encoding="utf-8").replace("within: member_units",
                                                    "within: member_unit", 1)
    bad = bad.replace("type: fact", "type: fcat", 1)
    (folder / "vocabulary.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        Library.load([folder])
    text = "\n".join(map(str, info.value.problems))
    assert "vocabulary.yaml:" in text and "fcat" in text


def test_field_labels_for_checklists() -> None:
    lab = field_label("unit", "yearly[2022].rd_expenditure")
    assert lab is not None and lab.zh == "研发投入或科研经费投入" and lab.year == 2022
    assert lab.unit_en == "yuan"
    staff = field_label("unit", "ip_full_time_staff")
    assert staff is not None and staff.unit_zh == "人" and staff.type == "count"
    assert field_label("carrier", "member_units") is not None
    assert field_label("unit", "no_such_field") is None
    assert field_label("nobody", "x") is None


def test_vocabulary_kinds_and_entity_types_come_from_yaml() -> None:
    v = default_vocabulary()
    assert set(v.kinds) == {"unit", "carrier"}
    assert "incubator" in v.entity_types("carrier")
    assert v.readable_fields("unit")["patent_implementation_rate"].quotient is not None
