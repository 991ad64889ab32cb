"""Histories that cross versions: ``lifecycle.carries_over`` of the superseding version.

A unit designated under an old version still holds that designation when a revision takes
effect, so its history begins in the old version's terms. The new version declares how
that history is read (rulebook/lifecycle_model.py ``CarriesOver``): events dated before
its effective date are checked against the old version's event types; an old designation
is either mapped to a new one (its events, renamed as declared, are read by the new
version's rules) or kept until it expires (its facts come from the old version's rules).
Every fact of such a timeline says which version's rules derived it, and every old event
says how it was read, so nothing is dropped silently and nothing is guessed: an old
designation the declaration does not name is an error at that event.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._core.errors import EventsError, Path, Problem, did_you_mean
from ..applicant.events import Event, HistoryIssue, check_history
from .timeline import DerivedFact, Timeline

if TYPE_CHECKING:
    from ..rulebook.lifecycle_model import CarriesOver, EventType
    from .engine import CompiledLifecycle

_AT = ("lifecycle", "carries_over")
MakeProblem = Callable[[Path, str, str | None, bool], Problem]  # (path, message, expected, key)


def declaration_problems(carry: CarriesOver, version: str, event_types: Mapping[str, Any],
                         designations: Sequence[str],
                         problem: MakeProblem) -> list[Problem]:
    """What the new version's own file can show wrong in its declaration: targets that are
    not its designations or event types, a designation both mapped and kept, itself as
    ``from``."""
    out: list[Problem] = []
    if carry.from_ == version:
        out.append(problem((*_AT, "from"), f"carries_over.from names this version itself "
                           f"({version!r})", "the version this one supersedes", False))
    for old, new in carry.designations.items():
        if new not in designations:
            out.append(problem((*_AT, "designations", old), f"{new!r} is not a designation of "
                               f"version {version}{did_you_mean(new, designations)}",
                               "one of " + ", ".join(designations), False))
        if old in carry.keep_until_expiry:
            out.append(problem((*_AT, "designations", old), f"designation {old!r} is both "
                               "mapped and kept until it expires", "one of the two", True))
    for old, target in carry.events.items():
        if target is not None and target not in event_types:
            out.append(problem((*_AT, "events", old), f"{target!r} is not an event type of "
                               f"version {version}{did_you_mean(target, event_types)}",
                               "one of " + ", ".join(sorted(event_types)) + ", or ~", False))
    return out


def old_side_problems(carry: CarriesOver, old_types: Mapping[str, Any],
                      old_designations: Sequence[str], old_version: str,
                      problem: MakeProblem) -> list[Problem]:
    """Names the declaration takes from the old version that the old version lacks."""
    out: list[Problem] = []
    for i, name in enumerate(carry.keep_until_expiry):
        if name not in old_designations:
            out.append(problem((*_AT, "keep_until_expiry", i), f"{name!r} is not a designation "
                               f"of version {old_version}{did_you_mean(name, old_designations)}",
                               "one of " + ", ".join(old_designations), False))
    for name in carry.designations:
        if name not in old_designations:
            out.append(problem((*_AT, "designations", name), f"{name!r} is not a designation "
                               f"of version {old_version}{did_you_mean(name, old_designations)}",
                               "one of " + ", ".join(old_designations), True))
    for name in carry.events:
        if name not in old_types:
            out.append(problem((*_AT, "events", name), f"{name!r} is not an event type of "
                               f"version {old_version}{did_you_mean(name, old_types)}",
                               "one of " + ", ".join(sorted(old_types)), True))
    return out


class CarriedLifecycle:
    """A version's compiled lifecycle that also reads histories begun under the version it
    supersedes. Runs like ``CompiledLifecycle`` (``run``, ``source``); a history with no
    event before the effective date is run by the new version alone, unchanged."""

    def __init__(self, new: CompiledLifecycle, new_version: str, carry: CarriesOver,
                 old: CompiledLifecycle | None, old_version: str | None) -> None:
        self.new = new
        self.source = new.source
        self.carry = carry
        self.old = old
        self.new_version = new_version
        self.old_version = old_version or carry.from_
        assert new.source.effective is not None  # a rulebook always has effective.from
        self.effective: _dt.date = new.source.effective

    # -- reading the history --

    def _split(self, events: Sequence[Event]
               ) -> tuple[list[int], list[tuple[int, Event]], list[HistoryIssue]]:
        """(indices read by the old rules, events given to the new rules with their
        index, issues of the declaration)."""
        carry = self.carry
        new_types = self.new.source.event_types
        old_types: Mapping[str, EventType] = (self.old.source.event_types
                                              if self.old is not None else {})
        old_idx: list[int] = []
        to_new: list[tuple[int, Event]] = []
        issues: list[HistoryIssue] = []
        for i, e in enumerate(events):
            if e.date >= self.effective:
                to_new.append((i, e))
                continue
            old_idx.append(i)
            if e.designation is not None and e.designation in carry.keep_until_expiry:
                continue
            if e.designation is not None and e.designation not in carry.designations:
                issues.append(HistoryIssue(
                    i, ("designation",),
                    f"designation {e.designation!r} of version {self.old_version} (this event "
                    f"predates version {self.new_version}, in force from "
                    f"{self.effective.isoformat()}) is not declared in version "
                    f"{self.new_version}'s lifecycle.carries_over",
                    "declare it under carries_over.designations (old: new) or "
                    "carries_over.keep_until_expiry", e.designation))
                continue
            if e.type in carry.events:
                target = carry.events[e.type]
                if target is None:
                    continue  # read under the old rules only
            elif e.type in new_types:
                target = e.type
            else:
                if e.type in old_types:
                    issues.append(HistoryIssue(
                        i, ("type",), f"event type {e.type!r} of version {self.old_version} "
                        f"has no counterpart in version {self.new_version}",
                        "map it under carries_over.events (to an event type of "
                        f"{self.new_version}, or ~ to read it under {self.old_version}'s "
                        "rules only)", e.type))
                continue  # an unknown type: the old version's check reports it
            designation = (carry.designations[e.designation] if e.designation is not None
                           else None)
            to_new.append((i, e.model_copy(update={"type": target,
                                                   "designation": designation})))
        return old_idx, to_new, issues

    def check_history(self, events: Sequence[Event],
                      event_types: Mapping[str, EventType] | None = None,
                      designations: frozenset[str] | None = None) -> list[HistoryIssue]:
        """Every way ``events`` does not fit: old events against the old version (and the
        declaration), the rest, with the carried ones as renamed, against this version.
        (The extra arguments are those of ``check_history``, which this replaces.)"""
        old_idx, to_new, issues = self._split(events)
        if old_idx and self.old is None:
            first = events[old_idx[0]]
            issues.append(HistoryIssue(
                old_idx[0], ("date",),
                f"this event predates version {self.new_version} (in force from "
                f"{self.effective.isoformat()}) and is read under version {self.old_version} "
                "(lifecycle.carries_over.from), which is not loaded",
                "the rulebooks of both versions (e.g. --rulebooks with the measure's "
                "folder)", first.date.isoformat()))
            return issues
        if self.old is not None and old_idx:
            src = self.old.source
            for issue in check_history([events[i] for i in old_idx], src.event_types,
                                       src.designations):
                issues.append(_at(issue, old_idx[issue.index], f"(version {self.old_version}) "))
        src = self.new.source
        for issue in check_history([e for _, e in to_new], src.event_types, src.designations):
            index, event = to_new[issue.index]
            prefix = ("" if event.date >= self.effective else
                      f"(carried over to version {self.new_version} as {event.type}"
                      + (f"[{event.designation}]" if event.designation else "") + ") ")
            issues.append(_at(issue, index, prefix))
        seen: set[tuple[int, tuple[str, ...], str]] = set()
        out = []
        for issue in sorted(issues, key=lambda s: s.index):
            k = (issue.index, issue.key, issue.message)
            if k not in seen:
                seen.add(k)
                out.append(issue)
        return out

    # -- running --

    def run(self, events: Sequence[Event], *, unit: str = "unit",
            checked: bool = False, until: _dt.date | None = None) -> Timeline:
        if not any(e.date < self.effective for e in events):
            return self.new.run(events, unit=unit, checked=checked, until=until)
        if not checked:
            problems = [
                Problem(f"<events of {unit}>", None, None, issue.message,
                        ("events", issue.index, *issue.key), issue.expected, issue.found)
                for issue in self.check_history(events)]
            if problems:
                raise EventsError(problems)
        assert self.old is not None  # checked: old events need the old version
        old_idx, to_new, _ = self._split(events)
        carried_ids = {events[i].id for i, e in to_new if e.date < self.effective}
        old_events = [events[i] for i in old_idx]
        old_only = {e.id for e in old_events} - carried_ids
        old_tl = self.old.run(old_events, unit=unit, checked=True, until=until)
        new_tl = self.new.run([e for _, e in to_new], unit=unit, checked=True, until=until)
        ov, nv = self.old_version, self.new_version
        kept = [f for f in old_tl.facts
                if f.designation in self.carry.keep_until_expiry
                or (f.event_ids and set(f.event_ids) <= old_only)]
        facts = [_renamed(f, ov) for f in kept] + list(new_tl.facts)
        versions = {f.id: ov for f in facts[:len(kept)]}
        versions.update((f.id, nv) for f in new_tl.facts)
        notes: dict[str, str] = {}
        for i in old_idx:
            e = events[i]
            head = (f"{e.date.isoformat()} {e.type}"
                    + (f"[{e.designation}]" if e.designation else "")
                    + f" of version {ov}")
            if e.id in carried_ids:
                new_e = next(n for j, n in to_new if j == i)
                notes[e.id] = (head + f": read by version {nv}'s rules as {new_e.type}"
                               + (f"[{new_e.designation}]" if new_e.designation else "")
                               + " (lifecycle.carries_over)")
            elif e.designation in self.carry.keep_until_expiry:
                notes[e.id] = (head + f": read by version {ov}'s rules, kept until it "
                               "expires (lifecycle.carries_over.keep_until_expiry)")
            else:
                notes[e.id] = (head + f": read by version {ov}'s rules only "
                               "(lifecycle.carries_over.events)")
        unused_old = set(old_tl.unused_events)
        unused_new = set(new_tl.unused_events)
        unused = tuple(e.id for e in events
                       if (e.id in old_only and e.id in unused_old)
                       or (e.id not in old_only and e.id in unused_new))
        return Timeline(unit=unit, rulebook=new_tl.rulebook, facts=tuple(facts),
                        events=tuple(e.id for e in events), unused_events=unused,
                        carried=notes, versions=versions)


def _at(issue: HistoryIssue, index: int, prefix: str) -> HistoryIssue:
    return HistoryIssue(index, issue.key, prefix + issue.message, issue.expected, issue.found)


def _renamed(f: DerivedFact, version: str) -> DerivedFact:
    """An old version's fact, with ids that cannot clash with the new version's."""
    def ref(x: str) -> str:
        return f"{version}:{x}"

    return f.model_copy(update={
        "id": ref(f.id),
        "fact_ids": tuple(ref(x) for x in f.fact_ids),
        "superseded_by": ref(f.superseded_by) if f.superseded_by else None,
    })
