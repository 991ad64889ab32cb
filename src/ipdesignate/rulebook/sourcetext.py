"""The legal source text a rulebook quotes, split into articles, paragraphs and items.

A citation's ``text`` must occur, verbatim, inside the article it names — and inside the
paragraph (款) and item (项) when it names them. Fragments may be joined with ``……`` to
skip words between them (they must then occur in order).

How the structure is read from a plain UTF-8 text (any text, however it was made):
- an article starts with a line ``第X条``; a chapter or section heading (``第X章``,
  ``第X节``) ends it;
- each line of an article is a paragraph, except that an item line — ``（一）``/``(一)``
  or ``1.``/``1、``/``1．`` at its start — belongs to the paragraph above it, and a line
  following an item continues that item (a proviso, or the text under an item heading);
- items are numbered within their paragraph; when a citation names an item but no
  paragraph, the first paragraph with items is meant; a second level of numbering inside
  an item (``1.`` under ``（一）``) stays part of that item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 25 → 二十五, 100 → 一百 (as article numbers are written)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + zh_number(rest) if rest < 10 else
                                 (_DIGITS[1] if rest < 20 else "") + zh_number(rest))
    return _DIGITS[hundreds] + "百" + tail


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


_ARTICLE = re.compile(r"^\s*第([零一二三四五六七八九十百]+)条")
_HEADING = re.compile(r"^\s*第[零一二三四五六七八九十百]+[章节]")
_ZH_ITEM = re.compile(r"^\s*[(（]([零一二三四五六七八九十]+)[)）]")
_NUM_ITEM = re.compile(r"^\s*(\d+)\s*[.．、]")
_NUMBERS = {zh_number(n): n for n in range(1, 200)}


@dataclass
class Paragraph:
    """One 款: its whole text, and its items (项) by number."""

    text: str = ""
    items: dict[int, str] = field(default_factory=dict)


@dataclass
class Article:
    text: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)


def _item_number(line: str) -> tuple[str, int] | None:
    m = _ZH_ITEM.match(line)
    if m and m.group(1) in _NUMBERS:
        return "zh", _NUMBERS[m.group(1)]
    m = _NUM_ITEM.match(line)
    if m:
        return "num", int(m.group(1))
    return None


def _parse_article(lines: list[str]) -> Article:
    art = Article(text=_squash("".join(lines)))
    level: str | None = None  # the numbering of items in this article: "zh" or "num"
    current_item: int | None = None
    for index, line in enumerate(lines):
        text = _squash(line)
        if not text:
            continue
        marker = _item_number(line) if index else None
        if marker is not None and level is None:
            level = marker[0]
        if marker is not None and marker[0] == level and art.paragraphs:
            current_item = marker[1]
            para = art.paragraphs[-1]
            para.items[current_item] = para.items.get(current_item, "") + text
            para.text += text
        elif current_item is not None and art.paragraphs:
            para = art.paragraphs[-1]  # continues the item above it
            para.items[current_item] += text
            para.text += text
        else:
            art.paragraphs.append(Paragraph(text))
    return art


def where_words(article: int, paragraph: int | None = None, item: int | None = None) -> str:
    """``第四条第二款第三项``: a place in the law, in its own numerals."""
    out = f"第{zh_number(article)}条"
    if paragraph is not None:
        out += f"第{zh_number(paragraph)}款"
    if item is not None:
        out += f"第{zh_number(item)}项"
    return out


def _occurs(body: str, quote: str) -> str | None:
    """None when ``quote`` (fragments joined by ……) occurs in ``body``; else the fragment
    that does not, and whether it came after an earlier one."""
    pos = 0
    for fragment in (_squash(f) for f in re.split(r"……|\.\.\.", quote)):
        if not fragment:
            continue
        at = body.find(fragment, pos)
        if at < 0:
            return repr(fragment) + (" (after the previous fragment)" if pos else "")
        pos = at + len(fragment)
    return None


class SourceText:
    """A legal text, indexed by article, paragraph and item."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.structure: dict[int, Article] = {}
        current: list[str] | None = None
        number: int | None = None
        for line in [*text.splitlines(), "第一章"]:  # a final heading closes the last one
            m = _ARTICLE.match(line)
            if m or _HEADING.match(line):
                if current is not None and number is not None \
                        and number not in self.structure:
                    self.structure[number] = _parse_article(current)
                current, number = None, None
                if m:
                    number = _NUMBERS.get(m.group(1))
                    current = [line[m.end():]]
                continue
            if current is not None:
                current.append(line)
        self.articles: dict[int, str] = {n: a.text for n, a in self.structure.items()}

    def _unit(self, article: int, paragraph: int | None, item: int | None
              ) -> tuple[str | None, str | None]:
        """(the text of the unit, or None with why it does not exist)."""
        art = self.structure.get(article)
        if art is None:
            return None, f"the source text has no article 第{zh_number(article)}条"
        if paragraph is not None and not 1 <= paragraph <= len(art.paragraphs):
            return None, (f"{where_words(article)} has {len(art.paragraphs)} paragraph"
                          f"{'s' if len(art.paragraphs) != 1 else ''} (款); there is no "
                          f"{where_words(article, paragraph)}")
        if item is None:
            return (art.paragraphs[paragraph - 1].text if paragraph else art.text), None
        if paragraph is not None:
            para = art.paragraphs[paragraph - 1]
        else:
            para = next((p for p in art.paragraphs if p.items), Paragraph())
        if item not in para.items:
            n = len(para.items)
            within = where_words(article, paragraph)
            what = f"{n} item{'s' if n != 1 else ''} (项)" if n else "no items (项)"
            return None, (f"{within} has {what}; there is no "
                          f"{where_words(article, paragraph, item)}")
        return para.items[item], None

    def units(self) -> list[tuple[int, int | None, int | None, str]]:
        """Every place a quote may be found, most specific first within an article."""
        out: list[tuple[int, int | None, int | None, str]] = []
        for n, art in self.structure.items():
            many = len(art.paragraphs) > 1
            for pi, para in enumerate(art.paragraphs, 1):
                for ii, text in para.items.items():
                    out.append((n, pi if many else None, ii, text))
                if many:
                    out.append((n, pi, None, para.text))
            out.append((n, None, None, art.text))
        return out

    def locate(self, quote: str) -> list[str]:
        """Where ``quote`` occurs: the most specific places (e.g. ``第五条第三项``)."""
        found: list[str] = []
        seen_articles: set[int] = set()
        for n, p, i, text in self.units():
            if n in seen_articles:
                continue
            if _occurs(text, quote) is None:
                found.append(where_words(n, p, i))
                seen_articles.add(n)
        return found

    def find(self, article: int, quote: str, paragraph: int | None = None,
             item: int | None = None) -> str | None:
        """None when ``quote`` occurs where the citation says; otherwise why it does not
        (and where the words do occur, when they are elsewhere)."""
        found = self.check(article, quote, paragraph, item)
        return found[1] if found else None

    def check(self, article: int, quote: str, paragraph: int | None = None,
              item: int | None = None) -> tuple[str, str] | None:
        """None when the citation is right; else (the key that is wrong, why)."""
        body, why = self._unit(article, paragraph, item)
        if body is None:
            assert why is not None
            key = ("article" if article not in self.structure else
                   "item" if item is not None and "项" in why.rsplit("there is no", 1)[-1]
                   else "paragraph")
            return key, why
        missing = _occurs(body, quote)
        if missing is None:
            return None
        place = where_words(article, paragraph, item)
        elsewhere = [w for w in self.locate(quote) if w != place]
        hint = f"; they are in {', '.join(elsewhere[:3])}" if elsewhere else ""
        return "text", f"the words {missing} do not occur in {place}{hint}"
