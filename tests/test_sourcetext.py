"""Citations are checked to the paragraph (款) and item (项) in the shipped source texts."""

from __future__ import annotations

from pathlib import Path

from ipdesignate.rulebook.sourcetext import SourceText

SOURCES = Path(__file__).resolve().parents[1] / "rulebooks" / "sources"
PILOT = SourceText((SOURCES / "bj-ip-pilot-demonstration.zh.txt").read_text("utf-8"))
CLUSTER = SourceText((SOURCES / "bj-ip-cluster-zone.zh.txt").read_text("utf-8"))


def test_items_paragraphs_and_headings() -> None:
    art4 = PILOT.structure[4]
    assert len(art4.paragraphs) == 1 and sorted(art4.paragraphs[0].items) == list(range(1, 10))
    assert len(PILOT.structure[3].paragraphs) == 2
    assert "第二章" not in PILOT.articles[3]  # a chapter heading ends the article
    # a proviso line under item (一) belongs to that item
    assert PILOT.find(5, "在京中央企业、总部企业、集团企业", item=1) is None
    assert sorted(CLUSTER.structure[6].paragraphs[0].items) == [1, 2, 3, 4, 5, 6]


def test_a_missing_item_or_paragraph_is_named() -> None:
    assert PILOT.find(4, "在本市注册", item=12) == (
        "第四条 has 9 items (项); there is no 第四条第十二项")
    assert PILOT.find(4, "在本市注册", paragraph=2) == (
        "第四条 has 1 paragraph (款); there is no 第四条第二款")
    assert PILOT.find(4, "在本市注册", item=1) is None
    assert PILOT.find(99, "x") == "the source text has no article 第九十九条"


def test_words_in_another_place_say_where() -> None:
    why = PILOT.find(4, "企业近三年专利实施率平均不低于40%", item=7)
    assert why is not None
    assert why.endswith("do not occur in 第四条第七项; they are in 第四条第八项")
    why = CLUSTER.find(5, "辖区企业或成员单位超过70家")
    assert why is not None and "they are in 第六条第三项" in why
    # fragments joined by …… keep working at every level
    assert PILOT.find(4, "持续推动知识产权运用……不低于40%", item=8) is None
