"""Evaluate a profile against a compiled rulebook: the hot path.

Everything that does not depend on the profile was settled at compile time; this loop
only reads the profile, compares, and records what it read.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from typing import Any

from .._core.errors import ProfileError, UnknownNameError, did_you_mean
from .._core.periods import parse_period, period_end
from .._version import __version__
from ..applicant.load import profile_problem
from ..applicant.vocabulary import Vocabulary, default_vocabulary
from ..decision.model import (
    _IN_FORCE,
    DECISION_FORMAT,
    Basis,
    Decision,
    DesignationRef,
    NoticeResult,
    ProcedureRef,
    RulebookRef,
    SuspensionResult,
    make_decision,
    verdict_of,
)
from ..decision.trace import (
    EXEMPT,
    FAIL,
    NOT_APPLICABLE,
    PASS,
    REVIEW,
    UNKNOWN,
    CriterionResult,
    PriorityResult,
    Trace,
    any_of,
    citation_json,
)
from ..rulebook.model import Rulebook
from .asks import exemption_need, missing_items
from .compiler import Ctx
from .designations import CompiledCriterion, CompiledDesignation, CompiledPriority


def _priority(ctx: Ctx, factor: CompiledPriority) -> PriorityResult:
    tr = Trace()
    return PriorityResult(factor.id, factor.check(ctx, tr), factor.cite, factor.text, tr)


_ENGINE = {"name": "ipdesignate", "version": __version__}
_LAZY_LOCK = threading.Lock()


class TimelineCache:
    """Timelines of recent event histories, so that evaluating one profile for several
    designations (or re-evaluating it) runs the rules engine once.

    Rules only fire on events and on what events derive, so the empty history has one
    timeline for all. Bounded, and safe to share between threads (the engine call itself
    is serialised inside the lifecycle layer).
    """

    SIZE = 256

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled  # a compiled lifecycle, or a function making it
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._empty: Any = None

    @property
    def compiled(self) -> Any:
        if callable(self._compiled):
            self._compiled = self._compiled()
        return self._compiled

    def timeline(self, events: list[Any], until: _dt.date | None = None) -> Any:
        """The timeline of ``events``; recurring obligations derived up to ``until`` (the
        as-of date) when it lies beyond the last event."""
        if not events:  # one timeline for every empty history, without a key or a lock
            empty = self._empty  # (rules fire only on events: no date changes it)
            if empty is None:
                empty = self._empty = self.compiled.run([])
            return empty
        # A profile lists events as a set; the lifecycle needs them as a history.
        history = sorted(events, key=lambda e: e.date)
        key = (until, *((e.id, e.type, e.date, e.designation,
                         json.dumps(e.details, sort_keys=True, default=str)) for e in history))
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        result = self.compiled.run(history, until=until)
        with self._lock:
            if len(self._cache) >= self.SIZE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = result
        return result


class CompiledRulebook:
    """A rulebook compiled once, ready to evaluate many profiles."""

    def __init__(self, model: Rulebook, designations: dict[str, CompiledDesignation],
                 sha256: str, file: str | None, lifecycle: Any = None,
                 vocabulary: Vocabulary | None = None) -> None:
        """``lifecycle`` is the compiled lifecycle, or a function that compiles it on
        first use (a rulebook loaded from the cache defers it: most checks never need it)."""
        self.model = model
        # the applicant vocabulary this version was compiled against (its profiles' fields)
        self.vocabulary = vocabulary if vocabulary is not None else default_vocabulary()
        # the loaded document, for positions in library-level checks (or a function that
        # parses it again, for a rulebook that came from the cache)
        self._located: Any = None
        self.designations = designations
        self.sha256 = sha256
        self.file = file
        self._lifecycle = lifecycle
        self.timelines = (TimelineCache(lambda: self.lifecycle) if lifecycle is not None
                          else None)
        eff = model.effective
        self.effective_from: _dt.date = eff.from_.date
        self.effective_until: _dt.date | None = eff.until.date if eff.until else None
        self.trial_end: _dt.date | None = None
        if eff.trial is not None:
            trial = parse_period(eff.trial)
            if trial is not None:
                # 试行一年 from the day it takes effect: 民法典 第二百零一条 counting. The end of
                # the trial is a fact about the measure, not its window: a trial measure with
                # no successor in force is still applied after it (with a warning).
                self.trial_end = period_end(self.effective_from, trial)
        self.ref = RulebookRef(
            id=model.id, version=model.version, sha256=sha256, title=model.title,
            document_number=model.document_number.value, effective_from=self.effective_from,
            effective_until=self.effective_until, file=file,
            trial_end=self.trial_end, successor=self.successor)
        self.warnings = tuple(self._unconfirmed())
        self._event_types = frozenset(model.event_types)
        self._designation_refs = {did: DesignationRef(id=did, name=d.name)
                                  for did, d in designations.items()}
        self._suspension_cache: dict[tuple[Any, ...], SuspensionResult] = {}
        self._notice_results = {
            (did, n.id): NoticeResult.model_validate(
                {"id": n.id, "level": n.level, "citation": citation_json(n.cite),
                 "text": n.text})
            for did, d in designations.items() for n in d.notices}
        self._procedures = {
            did: ProcedureRef(citation=citation_json(d.procedure.cite), steps=d.procedure.steps,
                              competitive=d.procedure.competitive)
            for did, d in designations.items() if d.procedure is not None}

    def columnar(self, designation: str) -> Any:
        """The designation compiled for tables (``eligibility.columnar``), made once."""
        cache = self.__dict__.setdefault("_columnar", {})
        got = cache.get(designation)
        if got is None:
            from .columnar import ColumnarDesignation

            got = cache[designation] = ColumnarDesignation(self, designation)
        return got

    @property
    def located(self) -> Any:
        if callable(self._located):
            self._located = self._located()
        return self._located

    @located.setter
    def located(self, value: Any) -> None:
        self._located = value

    @property
    def lifecycle(self) -> Any:
        """The compiled lifecycle section (None without one)."""
        if callable(self._lifecycle):
            with _LAZY_LOCK:
                if callable(self._lifecycle):
                    self._lifecycle = self._lifecycle()
        return self._lifecycle

    def _unconfirmed(self) -> list[str]:
        m = self.model
        out = []
        for label, fact in (("issue date", m.issued), ("effective date", m.effective.from_),
                            ("end date", m.effective.until)):
            if fact is not None and not fact.confirmed:
                note = f" ({fact.note})" if fact.note else ""
                out.append(f"{m.id} {m.version}: the {label} {fact.date.isoformat()} is not "
                           f"confirmed by the source text{note}")
        if not m.document_number.confirmed:
            out.append(f"{m.id} {m.version}: the document number "
                       f"{m.document_number.value or '(unknown)'} is not confirmed")
        return out

    def _check_event_types(self, profile: Any, events: list[Any]) -> None:
        """An event type the rulebook does not declare is a mistake, not something to skip."""
        bad = [profile_problem(profile, ("events", i, "type"),
                               f"unknown event type {e.type!r}"
                               f"{did_you_mean(e.type, self._event_types)}",
                               "a type declared by the rulebook", repr(e.type))
               for i, e in enumerate(events) if e.type not in self._event_types]
        if bad:
            raise ProfileError(bad)

    def _suspension_result(self, did: str, s: Any, status: str, tr: Trace) -> SuspensionResult:
        """The result of a suspension, shared between evaluations that read the same facts
        (the common case: not suspended, for the same reasons)."""
        inputs = tuple((k, v if isinstance(v, (str, int, bool)) or v is None else str(v))
                       for k, v in tr.inputs.items())
        key = (did, s.id, status, inputs, tuple(tr.notes))
        hit = self._suspension_cache.get(key)
        if hit is None:
            if len(self._suspension_cache) >= 256:
                self._suspension_cache.clear()
            # built from values the evaluator guarantees: no validation on the hot path
            hit = self._suspension_cache[key] = SuspensionResult.model_construct(
                id=s.id, status=status, citation=citation_json(s.cite),  # type: ignore[arg-type]
                text=s.text,
                inputs=dict(inputs), notes=key[4])
        return hit

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def successor(self) -> str | None:
        """The title of the measure that replaced this version, as 《title》."""
        return f"《{self.model.successors[0].title}》" if self.model.successors else None

    @property
    def successor_detail(self) -> str | None:
        """When the successor dates from, and that ipdesignate does not encode it."""
        if not self.model.successors:
            return None
        s = self.model.successors[0]
        when = ""
        if s.date is not None:
            when = f"日期 {s.date.date.isoformat()}{'' if s.date.confirmed else '（未确认）'}，"
        return f"{when}未编入 ipdesignate"

    def trial_warning(self, on: _dt.date) -> str | None:
        if self.trial_end is None or on <= self.trial_end:
            return None
        return (f"《{self.model.title.zh}》为试行办法，试行期至 {self.trial_end.isoformat()} 届满"
                f"（{self.model.effective.trial}）；{on.isoformat()} 已过试行期，且未编入在此日期"
                "生效的后续办法：按试行办法评估，请核实其是否延期或已被替代 / the trial period "
                "has ended and no successor in force on this date is encoded")

    @property
    def version(self) -> str:
        return self.model.version

    def in_force(self, on: _dt.date) -> bool:
        return self.effective_from <= on and (self.effective_until is None
                                              or on <= self.effective_until)

    def window(self) -> str:
        until = self.effective_until.isoformat() if self.effective_until else "open"
        return f"{self.id} {self.version}: {self.effective_from.isoformat()} – {until}"

    def designation(self, designation: str) -> CompiledDesignation:
        d = self.designations.get(designation)
        if d is None:
            raise UnknownNameError(
                f"{self.id} {self.version} has no designation {designation!r}"
                f"{did_you_mean(designation, self.designations)}; it has: "
                f"{', '.join(self.designations)}", kind="designation", name=designation,
                known=list(self.designations))
        return d

    def _criterion(self, cc: CompiledCriterion, ctx: Ctx, entity: str) -> CriterionResult:
        """The result of a criterion that is not plain: traced at once, with its exemption,
        relaxation and priority factors settled (or not applicable to ``entity``)."""
        if cc.applies_to is not None and entity not in cc.applies_to:
            return CriterionResult(cc.id, NOT_APPLICABLE, cc.cite, cc.text, None, cc.readings)
        tr = Trace()
        status = cc.check(ctx, tr)
        if status == PASS and not cc.priority:  # nothing else to settle
            return CriterionResult(cc.id, status, cc.cite, cc.text, tr, cc.readings,
                                   cc.exemption, None, None, cc.known_gap)
        ex_status = relaxed = None
        if cc.exemption_check is not None:
            needs = len(tr.needs)
            ex_status = cc.exemption_check(ctx, tr)
            status = EXEMPT if ex_status == PASS else any_of([status, ex_status])
            del tr.needs[needs:]
            if status == FAIL and cc.exemption is not None:
                tr.needs.append(exemption_need(cc.exemption))
        if status == FAIL and cc.relaxation is not None:
            needs = len(tr.needs)
            allowed = cc.relaxation_check(ctx, tr) if cc.relaxation_check else PASS
            del tr.needs[needs:]
            if allowed != FAIL:
                status, relaxed = REVIEW, cc.relaxation
            elif cc.relaxation_hint is not None:
                tr.notes.append(f"{cc.relaxation_hint.zh} / {cc.relaxation_hint.en}")
        priority: tuple[PriorityResult, ...] = ()
        if cc.priority:  # beside the verdict: read, never folded into the status
            priority = tuple(_priority(ctx, f) for f in cc.priority)
        return CriterionResult(cc.id, status, cc.cite, cc.text, tr, cc.readings,
                               cc.exemption, ex_status, relaxed, cc.known_gap, priority)

    def evaluate(self, profile: Any, designation: str, on: _dt.date | None = None, *,
                 application_date: _dt.date | None = None, basis: Basis | None = None
                 ) -> Decision:
        """Decide whether ``profile`` qualifies for ``designation`` on ``on``.

        ``on`` is the date of the decision: look-back windows, status and bars are read on
        it, and events dated after it are not counted (they are listed and warned about).
        ``application_date`` (default: the profile's) fixes the data years of 近三年 and
        the quarter of the application. Each defaults to the other; with neither, it is an
        error rather than a guess at today's date.
        """
        d = self.designation(designation)
        if profile.kind != d.profile:
            raise ProfileError([profile_problem(profile, ("kind",),
                                                f"{designation} is for a {d.profile} profile",
                                                d.profile, profile.kind)])
        applied = application_date or profile.application_date or on
        if on is None:
            on = applied
        if on is None or applied is None:
            raise ProfileError([profile_problem(
                profile, ("application_date",), "no as-of date: give --on DATE or set "
                "application_date in the profile")])
        entity = profile.entity_type
        if entity not in d.applies_to:
            raise ProfileError([profile_problem(
                profile, ("entity_type",), f"{designation} is open to "
                f"{', '.join(sorted(d.applies_to))}, not to a {entity}",
                " or ".join(sorted(d.applies_to)), entity)])
        events = getattr(profile, "events", None)
        if events:
            self._check_event_types(profile, events)
        ctx = Ctx(profile, on, self.timelines, applied)
        results, statuses = d.run(ctx, entity, self._criterion)
        suspensions = []
        suspended = False
        warnings = list(self.warnings)
        for s in d.suspensions:
            tr = Trace()
            st = s.check(ctx, tr)
            suspended = suspended or st == PASS
            suspensions.append(self._suspension_result(d.id, s, st, tr))
            if st == UNKNOWN:
                warnings.append(f"whether {s.id} applies is unknown: "
                                f"{', '.join(tr.missing)} not stated")
        notice_results = self._notice_results
        notices = tuple(notice_results[(d.id, n.id)] for n in d.notices
                        if n.fast(ctx) == PASS)
        stated = ctx.attestations
        if stated:
            undeclared = [a for a in stated if a not in self.model.attestations]
            if undeclared:
                warnings.append("attestations not used by this rulebook: "
                                + ", ".join(sorted(undeclared)))
        later: tuple[str, ...] = ()
        if events and ctx.events is not events:  # Ctx dropped the events after ``on``
            later = tuple(f"{e.id} {e.type} {e.date.isoformat()}"
                          for e in sorted(events, key=lambda e: e.date) if e.date > on)
            warnings.append(f"晚于评估日期 {on.isoformat()} 的事件未计入 / events dated after "
                            f"the as-of date were not counted: {'; '.join(later)}")
        if basis is None:
            if self.trial_end is not None and on > self.trial_end:
                basis = Basis(mode="trial_ended", banner=self.trial_warning(on))
            else:
                basis = _IN_FORCE
        if basis.banner:
            warnings.insert(0, basis.banner)

        # every field, in the schema's order (the JSON keys follow it)
        return make_decision({
            "format": DECISION_FORMAT,
            "engine": _ENGINE,
            "rulebook": self.ref,
            "designation": self._designation_refs[d.id],
            "applicant": {"name": profile.name, "kind": profile.kind, "entity_type": entity},
            "as_of": on,
            "application_date": applied,
            "basis": basis,
            "verdict": verdict_of(statuses, suspended),
            "criteria": results,
            "suspensions": tuple(suspensions),
            "notices": notices,
            "procedure": self._procedures.get(d.id),
            "events_not_counted": later,
            "warnings": tuple(warnings),
            "missing_items": (missing_items(self.vocabulary, profile.kind, results)
                              if UNKNOWN in statuses else ()),
        })
