"""The field tables of docs/profiles.md, generated from the vocabulary.

The doc carries the tables between two marker lines; ``splice`` replaces what is between
them, and a test checks that the committed doc equals the spliced one.
"""

from __future__ import annotations

from ..rulebook.vocabulary import FieldSpec, KindSpec
from .vocabulary import Vocabulary

BEGIN = ("<!-- BEGIN field tables: generated from rulebooks/vocabulary.yaml by "
         "`python tools/update_profile_docs.py`; do not edit by hand -->")
END = "<!-- END field tables -->"

_TYPE_WORDS = {"fact": "yes/no", "count": "count", "money": "money (元)", "rate": "rate (0–1)",
               "date": "date", "text": "text", "events": "list of events",
               "attestations": "mapping of attestations", "yearly": "figures by year"}


def _type(spec: FieldSpec) -> str:
    if spec.type == "category":
        return "one of: " + ", ".join(f"`{v}` ({t.zh})" for v, t in (spec.values or {}).items())
    text = _TYPE_WORDS[spec.type]
    if spec.unit is not None:
        text += f" ({spec.unit.zh} / {spec.unit.en})"
    if spec.within:
        text += f", ≤ `{spec.within}`"
    if spec.quotient:
        text += f"; derived: `{spec.quotient.part}` / `{spec.quotient.whole}` when absent"
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(fields: dict[str, FieldSpec]) -> list[str]:
    out = ["| field | 中文 | meaning | type |", "|---|---|---|---|"]
    for name, spec in fields.items():
        zh = spec.label.zh if spec.label else ""
        en = spec.label.en if spec.label else ""
        if spec.description:
            en += f" — {spec.description}"
        out.append(f"| `{name}` | {_cell(zh)} | {_cell(en)} | {_cell(_type(spec))} |")
    return out


def _kind(name: str, kind: KindSpec) -> list[str]:
    label = f" — {kind.label.zh} ({kind.label.en})" if kind.label else ""
    out = [f"### `kind: {name}`{label}", ""]
    types = ", ".join(f"`{e}` ({t.zh})" for e, t in kind.entity_types.items())
    out += [f"`entity_type`: {types}. Every profile also has `kind`, `name` (required) and "
            "`application_date` (it fixes the data years of 近三年; the default date of "
            "the decision).", ""]
    out += _rows(kind.fields)
    for fname, spec in kind.fields.items():
        if spec.type == "yearly":
            out += ["", f"#### `{fname}` — each year (keyed by a four-digit year)", ""]
            out += _rows(spec.fields or {})
    return [*out, ""]


def markdown_tables(vocabulary: Vocabulary) -> str:
    lines: list[str] = []
    for name, kind in vocabulary.kinds.items():
        lines += _kind(name, kind)
    return "\n".join(lines).rstrip() + "\n"


def splice(doc: str, vocabulary: Vocabulary) -> str:
    """``doc`` with the text between the markers replaced by the current tables."""
    start, end = doc.index(BEGIN), doc.index(END)
    return doc[:start] + BEGIN + "\n\n" + markdown_tables(vocabulary) + "\n" + doc[end:]
