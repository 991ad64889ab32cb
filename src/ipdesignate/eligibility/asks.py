"""What to ask the client for: each missing item with its bilingual label, unit and year,
and the criteria waiting for it; and the exemption alternative of a failed criterion.

Labels come from the applicant vocabulary (the profile fields' declarations), never from
here: this module only reads a missing path (``yearly[2021].ip_expenditure``) apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..applicant.vocabulary import Vocabulary
from ..decision.render import clause
from ..decision.trace import UNKNOWN, CriterionResult, Need
from ..rulebook.base import Citation


def exemption_need(cite: Citation) -> Need:
    return Need("exemption", f"or qualify for the exemption of {clause(cite)} 「{cite.text}」")


_LABELS: dict[tuple[int, str, str], tuple[Vocabulary, dict[str, Any]]] = {}


def _item(vocab: Vocabulary, kind: str, path: str) -> dict[str, Any]:
    """A fresh item for ``path``; the label lookup is done once per vocabulary and path (it is
    the costly part: undetermined decisions were ~2.5× slower without this cache)."""
    key = (id(vocab), kind, path)
    hit = _LABELS.get(key)
    if hit is None or hit[0] is not vocab:
        if len(_LABELS) > 4096:
            _LABELS.clear()
        hit = _LABELS[key] = (vocab, _lookup(vocab, kind, path))
    return {**hit[1], "criteria": [], "clauses": []}


def _lookup(vocab: Vocabulary, kind: str, path: str) -> dict[str, Any]:
    lab = vocab.label(kind, path)
    if lab is None:  # a path the vocabulary does not know (never expected): said as it is
        return {"path": path, "field": path, "year": None, "label": {"zh": path, "en": path},
                "unit": None, "criteria": [], "clauses": []}
    unit = {"zh": lab.unit_zh, "en": lab.unit_en or lab.unit_zh} if lab.unit_zh else None
    return {"path": path, "field": lab.name, "year": lab.year,
            "label": {"zh": lab.zh, "en": lab.en}, "unit": unit, "criteria": [], "clauses": []}


def missing_items(vocab: Vocabulary, kind: str, results: Sequence[CriterionResult]
                  ) -> tuple[dict[str, Any], ...]:
    """One item per missing path of the undecided criteria, in criterion order."""
    items: dict[str, dict[str, Any]] = {}
    for r in results:
        if r.status != UNKNOWN or r.trace is None:
            continue
        for path in r.trace.missing:
            item = items.get(path)
            if item is None:
                item = items[path] = _item(vocab, kind, path)
            if r.id not in item["criteria"]:
                item["criteria"].append(r.id)
                item["clauses"].append(clause(r.cite))
    return tuple(items.values())
