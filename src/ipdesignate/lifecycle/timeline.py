"""The result of running a unit's events through the lifecycle rules: dated, cited facts.

Every fact is an interval of days with the rule that derived it, the clause that rule
cites and the events it rests on, so the questions "what is the status on D", "which
obligations are open or overdue on D" and "may it apply on D" are answered by looking
dates up, for any D, without running the rules again.
"""

# No `from __future__ import annotations` in a module of pydantic models: pydantic
# would evaluate every string annotation again as each class is created, on every
# start-up (issue 13); forward references are quoted by hand.
import datetime as _dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from ..rulebook.base import Citation, Text

FactKind = Literal["status", "obligation", "period", "bar", "breach", "finding"]


class DerivedFact(BaseModel):
    """One fact a lifecycle rule derived.

    ``start`` and ``end`` are inclusive; ``end`` None means open-ended. A status that a
    later status replaced has ``end`` cut to the day before and ``superseded_by`` set (a
    status replaced on its first day ends before it starts: it was never in force).
    Obligations and periods carry ``due`` (their last day; None when the law sets none,
    with ``missing`` saying why) and ``closed`` (the day an event met or closed them).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use

    id: str
    kind: FactKind
    name: str
    designation: str | None
    start: _dt.date
    end: _dt.date | None = None
    due: _dt.date | None = None
    closed: _dt.date | None = None
    closed_by: str | None = None
    superseded_by: str | None = None
    missing: str | None = None
    rule_id: str
    cite: Citation
    text: Text
    event_ids: tuple[str, ...]
    fact_ids: tuple[str, ...] = ()
    reading: str | None = None  # the named reading that chose the rule, when one did

    @property
    def value(self) -> str:
        """The status value (``valid``, ``terminated``…); the fact's name for other kinds."""
        return self.name

    def in_force(self, on: _dt.date) -> bool:
        if on < self.start:
            return False
        return self.end is None or on <= self.end


# A period (a publicity, a trial) runs and ends; only an obligation of the unit can be overdue.
ObligationState = Literal["open", "met", "met_late", "overdue", "ended"]


class ObligationOnDate(BaseModel):
    """An obligation (or period) as it stands on ``on``."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use

    on: _dt.date
    state: ObligationState
    fact: DerivedFact


class Timeline(BaseModel):
    """All facts derived for one unit, in the order the rules derived them."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use

    unit: str
    rulebook: str
    facts: tuple[DerivedFact, ...]
    events: tuple[str, ...]
    unused_events: tuple[str, ...] = ()
    # A timeline that crosses versions (lifecycle.carries_over): event id -> how an event
    # of a superseded version was read, and fact id -> the version whose rules derived it.
    # Kept here, not on each fact, so a timeline within one version costs nothing more.
    carried: dict[str, str] = {}
    versions: dict[str, str] = {}

    @model_serializer(mode="wrap")
    def _additive(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # within one version: the same keys and bytes as before; across versions each
        # fact carries its ``version``
        out = handler(self)
        if isinstance(out, dict):
            versions = out.pop("versions", None)
            if not self.carried:
                out.pop("carried", None)
            if versions:
                for f in out.get("facts", ()):
                    if f.get("id") in versions:
                        f["version"] = versions[f["id"]]
        return out

    def version_of(self, fact: DerivedFact) -> str | None:
        """The version whose rules derived ``fact``, when the timeline crosses versions."""
        return self.versions.get(fact.id) if self.versions else None

    def _fact_json(self, fact: DerivedFact) -> dict[str, Any]:
        out = fact.model_dump(mode="json")
        if self.versions and fact.id in self.versions:
            out["version"] = self.versions[fact.id]
        return out

    def _obligation_json(self, o: ObligationOnDate) -> dict[str, Any]:
        out = o.model_dump(mode="json")
        if self.versions and o.fact.id in self.versions:
            out["fact"]["version"] = self.versions[o.fact.id]
        return out

    def fact(self, fact_id: str) -> DerivedFact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def by_rule(self, rule_id: str) -> list[DerivedFact]:
        return [f for f in self.facts if f.rule_id == rule_id]

    def status(self, designation: str, on: _dt.date) -> DerivedFact | None:
        """The fact giving ``designation``'s status on ``on``; None when no rule gave one."""
        found = [f for f in self.facts
                 if f.kind == "status" and f.designation == designation and f.in_force(on)]
        # Replaced statuses are cut, so at most one is in force; the last is the safe pick.
        return found[-1] if found else None

    def bars(self, designation: str, on: _dt.date) -> list[DerivedFact]:
        """Bars on applying for ``designation`` in force on ``on``."""
        return [f for f in self.facts
                if f.kind == "bar" and f.designation == designation and f.in_force(on)]

    def obligations(self, on: _dt.date, *, include_periods: bool = False
                    ) -> list[ObligationOnDate]:
        """Obligations opened on or before ``on``: open, met, met late or overdue on that day
        (with ``include_periods``, periods too: open, or ended once their last day passed)."""
        kinds = ("obligation", "period") if include_periods else ("obligation",)
        out: list[ObligationOnDate] = []
        for f in self.facts:
            if f.kind not in kinds or f.start > on:
                continue
            state: ObligationState
            if f.closed is not None and f.closed <= on:
                state = "met_late" if f.due is not None and f.closed > f.due else "met"
            elif f.due is not None and on > f.due:
                state = "ended" if f.kind == "period" else "overdue"
            else:
                state = "open"
            out.append(ObligationOnDate(on=on, state=state, fact=f))
        return out

    def in_force(self, on: _dt.date, kind: FactKind | None = None) -> list[DerivedFact]:
        """Every fact (of ``kind``) in force on ``on``."""
        return [f for f in self.facts if (kind is None or f.kind == kind) and f.in_force(on)]

    def designations(self) -> list[str]:
        seen: dict[str, None] = {}
        for f in self.facts:
            if f.kind == "status" and f.designation is not None:
                seen.setdefault(f.designation)
        return list(seen)

    def on_date(self, on: _dt.date) -> dict[str, Any]:
        """The JSON view on one day: status per designation, obligations, bars."""
        return {
            "unit": self.unit,
            "rulebook": self.rulebook,
            "on": on.isoformat(),
            "status": {d: (self._fact_json(s) if (s := self.status(d, on)) else None)
                       for d in self.designations()},
            "obligations": [self._obligation_json(o)
                            for o in self.obligations(on, include_periods=True)],
            "bars": [self._fact_json(b) for d in sorted(
                {f.designation for f in self.facts if f.kind == "bar" and f.designation})
                for b in self.bars(d, on)],
            **({"carried": dict(self.carried)} if self.carried else {}),
        }
