"""An answer known from statuses only (the columnar path of ``screen``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..decision.checklist import MissingItem


@dataclass(frozen=True)
class Answer:
    """One client's answer known from its statuses only (no failed criterion): what the
    wide table and the summary show of it, exactly as its decision would."""

    index: int
    designation: str
    applicant: str | None
    verdict: str
    as_of: str
    rulebook: str
    counts: dict[str, int]
    unknown_criteria: str | None
    review_criteria: str | None
    missing: tuple[MissingItem, ...] = field(default=())
    decision: None = None
    error: None = None
    error_text: None = None


__all__ = ["Answer"]
