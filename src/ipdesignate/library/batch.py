"""Many answers at once: one result per input, in input order, errors kept as values.

This is the contract the batch edges (``ipdesignate screen``, the HTTP service, the
frames package, a columnar evaluator) build on:

- ``Library.check_many(profiles, designation)`` returns a ``Batch`` with exactly one
  ``Outcome`` per input, in input order; ``Outcome.index`` is the input position.
- A bad input never stops the batch and is never dropped: its outcome carries the error
  (``outcome.error``, with located ``problems`` when there are any) and no decision.
- An input may be a profile, a mapping (validated as ``parse_profile`` would), or an
  ``IpdesignateError`` that a reader already produced for that row (passed through).
- ``Library.check_all(profile)`` answers every designation open to the profile's kind and
  entity type, in the versions in force on the as-of date.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from .._core.errors import InputError, IpdesignateError, Problem
from ..decision.model import Decision

ERROR = "error"  # the verdict column of a row that produced no decision


@dataclass(frozen=True, slots=True)
class Outcome:
    """One input's answer for one designation: a decision, or the error that stopped it."""

    index: int
    designation: str
    applicant: str | None
    decision: Decision | None = None
    error: IpdesignateError | None = None

    @property
    def ok(self) -> bool:
        return self.decision is not None

    @property
    def verdict(self) -> str:
        """The decision's verdict, or ``"error"`` when there is no decision."""
        return self.decision.verdict if self.decision is not None else ERROR

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The located problems of an input error (empty for other errors)."""
        return self.error.problems if isinstance(self.error, InputError) else ()

    @property
    def error_text(self) -> str | None:
        if self.error is None:
            return None
        if self.problems:
            return "; ".join(str(p) for p in self.problems)
        return str(self.error)

    def __repr__(self) -> str:
        who = self.applicant or f"#{self.index}"
        if self.decision is not None:
            return f"<Outcome {self.index} {who} {self.designation}: {self.verdict}>"
        return f"<Outcome {self.index} {who} {self.designation}: error: {self.error_text}>"


class Batch(Sequence[Outcome]):
    """The outcomes of a batch, in input order; shows as a compact table in Jupyter."""

    def __init__(self, outcomes: Sequence[Outcome]) -> None:
        self.outcomes: tuple[Outcome, ...] = tuple(outcomes)

    @classmethod
    def of(cls, decisions: Sequence[Decision]) -> Batch:
        """Decisions made one by one, as a batch (to show them as one table)."""
        return cls([Outcome(i, d.designation.id, d.applicant["name"], d)
                    for i, d in enumerate(decisions)])

    @overload
    def __getitem__(self, i: int) -> Outcome: ...
    @overload
    def __getitem__(self, i: slice) -> Batch: ...

    def __getitem__(self, i: int | slice) -> Outcome | Batch:
        if isinstance(i, slice):
            return Batch(self.outcomes[i])
        return self.outcomes[i]

    def __len__(self) -> int:
        return len(self.outcomes)

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self.outcomes)

    @property
    def decisions(self) -> list[Decision]:
        """The decisions that were made (errors left out; see ``errors``)."""
        return [o.decision for o in self.outcomes if o.decision is not None]

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.decision is None]

    def counts(self) -> dict[str, int]:
        """How many outcomes ended in each verdict (``error`` for no decision)."""
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.verdict] = out.get(o.verdict, 0) + 1
        return out

    def __repr__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(self.counts().items()))
        return f"<Batch of {len(self)}: {counts or 'empty'}>"

    def _repr_html_(self) -> str:
        from ..decision.html import render_table

        return render_table([(o.applicant or f"#{o.index}", o.designation, o.decision,
                              o.error_text) for o in self.outcomes])


def applicant_name(item: Any) -> str | None:
    """The applicant's name from a profile or mapping, for labelling an error row."""
    name = item.get("name") if isinstance(item, dict) else getattr(item, "name", None)
    return name if isinstance(name, str) and name else None
