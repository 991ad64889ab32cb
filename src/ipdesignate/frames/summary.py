"""The summary of a screening: verdict counts and the most common failing clauses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..decision.model import VERDICTS
from ..decision.render import clause
from ..library.batch import ERROR, Outcome
from .answer import Answer

ORDER = (*VERDICTS, ERROR)


@dataclass
class Summary:
    applicants: int = 0
    outcomes: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    by_designation: dict[str, Counter[str]] = field(default_factory=dict)
    failing: Counter[str] = field(default_factory=Counter)  # "第五条第五项 text" -> count
    missing: Counter[str] = field(default_factory=Counter)

    def lines(self, top: int = 5) -> list[str]:
        out = [f"{self.applicants} applicants, {self.outcomes} answers: " + ", ".join(
            f"{self.verdicts[v]} {v}" for v in ORDER if self.verdicts[v])]
        if len(self.by_designation) > 1:
            for d, c in self.by_designation.items():
                out.append(f"  {d}: " + ", ".join(f"{c[v]} {v}" for v in ORDER if c[v]))
        if self.failing:
            out.append("most common failing clauses:")
            out += [f"  {n:>4} × {what}" for what, n in self.failing.most_common(top)]
        if self.missing:
            out.append("most often missing:")
            out += [f"  {n:>4} × {what}" for what, n in self.missing.most_common(top)]
        return out


def summarise(outcomes: Iterable[Outcome | Answer]) -> Summary:
    from ..decision.advice import missing_items

    s = Summary()
    rows = set()
    for o in outcomes:
        rows.add(o.index)
        s.outcomes += 1
        s.verdicts[o.verdict] += 1
        s.by_designation.setdefault(o.designation, Counter())[o.verdict] += 1
        if isinstance(o, Answer):  # statuses only: no failed criterion, its missing items
            s.missing.update({m.label_zh + (f"（{m.unit_zh}）" if m.unit_zh else "")
                              for m in o.missing})
            continue
        if o.decision is None:
            continue
        for r in o.decision.criteria:
            if r.status == "fail":
                s.failing[f"{clause(r.cite)} {r.text.zh}"] += 1
        asked = {m.label_zh + (f"（{m.unit_zh}）" if m.unit_zh else "")
                 for m in missing_items(o.decision)}
        s.missing.update(asked)  # once per answer, whatever the number of years
    s.applicants = len(rows)
    return s
