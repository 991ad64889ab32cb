"""YAML syntax errors in plain words, for people who edit rulebooks but do not program.

The parser says where it noticed a problem ("did not find expected ',' or ']'"); the
cause is often earlier — a bracket or quote opened lines before, a line indented one
step too far. ``explain`` keeps the parser's position and says, in words, what to look
at and where it started.
"""

from __future__ import annotations

from typing import Any

_CLOSE = {"[": "]", "{": "}"}


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number] if 0 <= number < len(lines) else ""


def _where(mark: Any, start: tuple[int, int]) -> str:
    line0, col0 = start
    return (f"line {mark.line + line0}, column "
            f"{mark.column + (col0 if mark.line == 0 else 1)}")


def _char(text: str, mark: Any) -> str:
    line = _line(text, mark.line)
    return line[mark.column] if 0 <= mark.column < len(line) else ""


def explain(exc: Any, text: str, start: tuple[int, int] = (1, 1)) -> str:
    """A plain-words message for a ruamel ``MarkedYAMLError`` (without the position of
    the problem itself, which the caller reports as line:column)."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    pm, cm = exc.problem_mark, exc.context_mark
    line_no = (pm.line + start[0]) if pm is not None else None
    if ("expected ',' or ']'" in problem or "expected ',' or '}'" in problem) and cm:
        opener = _char(text, cm) or ("[" if "]" in problem else "{")
        closer = _CLOSE.get(opener, "]" if "]" in problem else "}")
        return (f"the '{opener}' opened on {_where(cm, start)} is not closed: add '{closer}' "
                f"where the list or mapping ends (inside '{opener}…{closer}', items are "
                "separated by ASCII commas; text with a comma or colon needs quotes)")
    if "quoted scalar" in context and cm is not None:
        quote = _char(text, cm) or '"'
        return (f"the quote {quote} opened on {_where(cm, start)} is never closed: add the "
                f"closing {quote} at the end of the text")
    if "mapping values are not allowed" in problem and pm is not None:
        line = _line(text, pm.line)
        before = line[:pm.column]
        if ": " in before.lstrip().lstrip("- "):
            return (f"a second ': ' on line {line_no}: when a value itself contains ': ', "
                    "put the value in quotes (key: \"a: b\")")
        return (f"check the indentation of line {line_no}: it is indented further than the "
                "line above, whose value is already given — a key lines up with the other "
                "keys of its mapping, or goes under a key that ends with ':'")
    if "expected key" in problem and pm is not None:
        opened = f" (that mapping starts on {_where(cm, start)})" if cm is not None else ""
        return (f"check the indentation of line {line_no}: it does not line up with the keys "
                f"above it{opened} — indent it exactly as far as the keys of the mapping it "
                "belongs to")
    if "expected '-' indicator" in problem and pm is not None:
        return (f"check the indentation of line {line_no}: in a list, every item starts with "
                "'- ' at the same indentation")
    if "could not find expected ':'" in problem and cm is not None:
        return (f"line {cm.line + start[0]} has a key without ':' — write 'key: value', or "
                "indent the line further if it continues the text above")
    if "cannot start any token" in problem and pm is not None:
        ch = _char(text, pm)
        if ch == "\t":
            return (f"line {line_no} has a tab: YAML indents with spaces only; replace the "
                    "tab with spaces")
        if ch:
            return f"a value cannot start with {ch!r}: put the value in quotes"
    if "tab character" in problem and pm is not None:
        return (f"line {line_no} has a tab: YAML indents with spaces only; replace the tab "
                "with spaces")
    words = problem or context or str(exc)
    if context and problem:
        words = f"{problem} ({context})"
    return words
