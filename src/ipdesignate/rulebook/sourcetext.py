"""The legal source text a rulebook quotes, split into articles.

A citation's ``text`` must occur, verbatim, inside the article it names. Fragments may be
joined with ``……`` to skip words between them (they must then occur in order).
"""

from __future__ import annotations

import re

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


class SourceText:
    """A legal text, indexed by article."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.articles: dict[int, str] = {}
        starts = [(m.start(), m.group(1)) for m in
                  re.finditer(r"(?m)^\s*第([零一二三四五六七八九十百]+)条", text)]
        numbers = {zh_number(n): n for n in range(1, 200)}
        for i, (start, word) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
            n = numbers.get(word)
            if n is not None and n not in self.articles:
                self.articles[n] = _squash(text[start:end])

    def find(self, article: int, quote: str) -> str | None:
        """None when ``quote`` occurs in ``article``; otherwise why it does not."""
        body = self.articles.get(article)
        if body is None:
            return f"the source text has no article 第{zh_number(article)}条"
        pos = 0
        for fragment in (_squash(f) for f in re.split(r"……|\.\.\.", quote)):
            if not fragment:
                continue
            at = body.find(fragment, pos)
            if at < 0:
                return (f"the words {fragment!r} do not occur in 第{zh_number(article)}条"
                        + (" (after the previous fragment)" if pos else ""))
            pos = at + len(fragment)
        return None
