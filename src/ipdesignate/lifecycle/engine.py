"""Compile a rulebook's lifecycle section to durable_rules and run one unit's events.

The rules live in the rulebook; this module only knows the *language*: it turns each
lifecycle rule into a durable_rules rule in the engine's JSON form and runs the unit's
dated events through it with a logical clock.

How a run works
---------------
- The agenda holds the unit's events and "ticks" (the day after a due date), ordered by
  day; ticks first on a day, then events in the listed order. Nothing reads the wall
  clock, so the same events always give the same timeline, for any date asked about.
- Each event or tick is asserted as a transient fact and retracted after its cascade, so
  a rule only ever sees it at its own logical time (no late joins when facts change).
- Each derived fact is asserted as a persistent fact (what ``requires``/``unless`` join
  with) plus a transient announcement (what ``on: {fact: …}`` rules react to).
- Actions compute dates with ``_periods`` and assert what they derive back into the
  session, so rules chain inside the engine (Rete forward chaining).

durable_rules hazards and what we do about them (each has a test)
-----------------------------------------------------------------
- ``Host()`` starts timer/dispatch threads and the C core has no locks: we use a host
  whose ``_run`` starts nothing, and every call into the engine holds ``_ENGINE_LOCK``.
- Its Python layer costs ~10× the C core per call (JSON round trips of the session state
  around every action, wall-clock reads, an exception per unread fact): our host keeps
  durable_rules' rulesets and compiled actions but asserts, retracts and runs the actions
  through the C functions directly, as ``Ruleset._flush_actions`` does (``_host_class``).
- An exception in an action is stored in the session state, not raised: every action is
  wrapped to remember its rule id, and after every engine call we check both (our host
  abandons the action and raises; a state reporting an exception is refused too).
- More than 1,024 live sessions raise MemoryError: each run has its own session id and
  deletes its state at the end, whatever happened.
- A two-argument action is silently run asynchronously: every action takes one argument.
- Facts are identified by content: every event, tick and fact carries a unique id.
- Asserting a fact no rule matches raises MessageNotHandledException: caught; such a fact
  is not in working memory, which the end-of-run check knows.
- Batch calls (``assert_facts``) lost results in our measurement: we never use them, and
  at the end of a run we compare the engine's facts with the ones we derived.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import gc
import heapq
import itertools
import json
import pickle
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._core.errors import EventsError, IpdesignateError, LifecycleError, Path, Problem
from .._core.limits import LIMITS
from .._core.periods import (
    CalendarRangeError,
    Period,
    WorkCalendar,
    parse_period,
    period_end,
)
from .._core.yaml import Located
from ..applicant.events import Event, check_history
from ..rulebook.lifecycle_model import (
    BarOut,
    Derive,
    Due,
    EventMatch,
    EventType,
    Lifecycle,
    LifecycleRule,
    ObligationOut,
    OnDeadline,
    OnFact,
    PeriodOut,
    Requirement,
    StatusOut,
    derived_kind,
    derived_name,
)
from ..rulebook.model import Rulebook
from .calendar import load_calendar
from .timeline import DerivedFact, FactKind, Timeline

# One lock for every session of every compiled lifecycle: the C core keeps global tables.
_ENGINE_LOCK = threading.RLock()
_RULESET_NUMBERS = itertools.count(1)
_END_OPEN = _dt.date.max.toordinal()
_DEADLINE_KINDS = ("obligation", "period")
_OPEN_RULE = "ipdesignate#open"


def _opened(c: Any) -> None:
    """The no-op action every session runs first (see ``_definition``)."""


class _Durable:
    """durable_rules, imported on first use: most evaluations never run the rules engine
    (no event a rule reads), and importing it costs a command-line call ~50 ms."""

    _module: Any = None
    _host_class: Any = None

    def __getattr__(self, name: str) -> Any:
        if _Durable._module is None:
            from durable import engine

            _Durable._module = engine
        return getattr(_Durable._module, name)

    def quiet_host(self) -> Any:
        if _Durable._host_class is None:
            _Durable._host_class = _host_class(self.Host, self.durable_rules_engine)
        return _Durable._host_class()


_STRING = json.encoder.encode_basestring  # a JSON string, as ensure_ascii=False writes it
_C_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_ENCODER = (_C_ENCODER(None, None, _STRING, None, ": ", ", ", False, False, True)
            if _C_ENCODER is not None else None)
_DECODE: Callable[[str, int], tuple[Any, int]] = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _ENCODE(value: dict[str, Any]) -> str:
    """The text durable_rules' Python layer sends its C core, ``json.dumps(value,
    ensure_ascii=False)``, from one encoder built once (json builds one per call)."""
    if _ENCODER is None:  # pragma: no cover - a Python without the json accelerator
        return json.dumps(value, ensure_ascii=False)
    return "".join(_ENCODER(value, 0))


def _key(fact: dict[str, Any]) -> str:
    """What retracting ``fact`` needs: the C core finds a fact by session and id only."""
    return '{"sid":' + _STRING(fact["sid"]) + ',"id":' + _STRING(fact["id"]) + "}"


class _Match:
    """What an action is given: the session, the matched facts by name (``m``, ``t``,
    ``o``, ``r0``…) as plain dicts, and asserting/retracting into the session. It replaces
    durable_rules' ``Closure``, which reads the wall clock three times per action and
    round-trips the session state through JSON."""

    __slots__ = ("_core", "_handle", "match", "sid")

    def __init__(self, core: Any, handle: int, sid: str, match: dict[str, Any]) -> None:
        self._core = core
        self._handle = handle
        self.sid = sid
        self.match = match

    def assert_fact(self, fact: dict[str, Any]) -> bool:
        """Assert ``fact``; False when no rule looks at it (it is not in working memory).
        Actions it enables run after the current one (the C core queues them)."""
        code = self._core.assert_fact(self._handle, _ENCODE(fact))[0]
        return _handled(code, fact)

    def retract_fact(self, fact: dict[str, Any]) -> None:
        self._core.retract_fact(self._handle, _key(fact))


def _handled(code: int, fact: dict[str, Any]) -> bool:
    if code == 0:
        return True
    if code == 1:  # no rule looks at it
        return False
    if code == 2:  # a fact with this id is already held: ids are unique, never expected
        raise _durable.MessageObservedException(fact)
    raise LifecycleError(f"the rules engine answered {code} to a fact")  # pragma: no cover


def _host_class(base: Any, core: Any) -> Any:
    """A durable_rules host that starts no threads and calls the C core directly.

    ``Host.assert_fact`` costs about 40 µs of Python around 3 µs of C: JSON dumps and
    loads of the state around every action, a ``Closure`` with three wall-clock reads, a
    callback chain, and an exception (itself JSON-dumping the fact) for every fact no rule
    reads. This host keeps durable_rules' rulesets, handles and compiled actions (so
    ``get_ruleset``, ``get_facts``, ``delete_state`` are its own) and replaces only the
    assert/retract round trip: one ``json`` encode per fact, the matched facts decoded
    once per action, actions run in the order the core gives them, exactly as
    ``Ruleset._flush_actions`` does (the session state is never changed by our actions,
    so the ``update_state`` it makes after each one is left out).
    """

    class _FastHost(base):  # type: ignore[misc]
        def _run(self) -> None:
            # Host._run starts two threading.Timer loops that dispatch actions and timers
            # in the background; we run everything synchronously under our own lock.
            return None

        def assert_fact(self, ruleset_name: str, fact: dict[str, Any],
                        complete: Any = None) -> bool:
            """Assert ``fact`` and run the actions it enables; False when no rule reads it."""
            ruleset = self._ruleset_directory[ruleset_name]
            code, offset = core.assert_fact(ruleset._handle, _ENCODE(fact))
            if not _handled(code, fact):
                return False
            self._flush(ruleset, offset, fact["sid"])
            return True

        def retract_fact(self, ruleset_name: str, fact: dict[str, Any],
                         complete: Any = None) -> bool:
            """Retract ``fact`` and run the actions that enables (an ``unless`` now true)."""
            ruleset = self._ruleset_directory[ruleset_name]
            code, offset = core.retract_fact(ruleset._handle, _key(fact))
            if not _handled(code, fact):
                return False
            self._flush(ruleset, offset, fact["sid"])
            return True

        def drop(self, ruleset_name: str, fact: dict[str, Any]) -> int:
            """Retract a transient fact (an event, a tick, an announcement) without looking
            for actions: only ``unless`` terms can fire on a retraction, and they match
            derived facts only (``_requirement``). Returns the session's offset for
            ``check_idle``."""
            ruleset = self._ruleset_directory[ruleset_name]
            offset: int = core.retract_fact(ruleset._handle, _key(fact))[1]
            return offset

        def check_idle(self, ruleset_name: str, offset: int) -> None:
            """No action is left to run in the session (what ``drop`` relies on)."""
            handle = self._ruleset_directory[ruleset_name]._handle
            if core.start_action_for_state(handle, offset):
                core.abandon_action(handle, offset)
                raise LifecycleError("the rules engine had actions left to run after a "
                                     "transient fact was retracted; the result is not trusted")

        def _flush(self, ruleset: Any, offset: int, sid: str) -> None:
            handle = ruleset._handle
            started = core.start_action_for_state(handle, offset)
            if not started:
                return
            messages: str | None = started[1]
            actions = ruleset._actions
            while messages:
                name, match = next(iter(_DECODE(messages, 0)[0].items()))
                try:
                    actions[name]._func(_Match(core, handle, sid, match))
                except BaseException:
                    core.abandon_action(handle, offset)
                    raise
                messages = core.complete_and_start_action(handle, offset)

    _FastHost.__name__ = _FastHost.__qualname__ = "_FastHost"
    return _FastHost


_durable = _Durable()


# ---- the compiled form ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Action:
    """What one durable_rules rule does when it fires."""

    name: str  # the durable_rules rule name
    rule: LifecycleRule
    role: Literal["derive", "close", "after", "recur"]
    n_requires: int = 0
    deadline: bool = False  # the trigger is a tick ("t") joined with the fact ("m")
    item: Derive | None = None  # for close/after: the item that made the fact


@dataclass(frozen=True)
class LifecycleSource:
    """What compiling needs: the section, its event types and the rulebook's dates."""

    name: str
    event_types: Mapping[str, EventType]
    lifecycle: Lifecycle | None
    designations: frozenset[str] | None = None
    effective: _dt.date | None = None
    located: Located | None = None
    file: str = "<rulebook>"
    # named readings: name -> (chosen option, every option, "term: option — says")
    readings: Mapping[str, tuple[str, tuple[str, ...], str]] | None = None
    # facts about the measure itself (its trial period): context of every timeline, never
    # an obligation or period of the unit
    context: tuple[str, ...] = ()
    # the working-day calendar named by ``lifecycle.calendar`` (loaded when compiled)
    calendar: WorkCalendar | None = None

    def active(self, rule: LifecycleRule) -> bool:
        """Whether the readings in force let ``rule`` take part (no gate: always)."""
        if not rule.if_reading:
            return True
        if self.readings is None:
            return False
        for name, want in rule.if_reading.items():
            got = self.readings.get(name)
            if got is None or got[0] not in ((want,) if isinstance(want, str) else want):
                return False
        return True

    def reading_of(self, rule: LifecycleRule) -> str | None:
        if not rule.if_reading or self.readings is None:
            return None
        return "; ".join(self.readings[n][2] for n in rule.if_reading if n in self.readings)


def source_of(rulebook: Rulebook, located: Located | None = None) -> LifecycleSource:
    readings = {
        name: (i.use, tuple(i.options),
               f"{i.term} ({name}): {i.use} — {i.options[i.use].says}" if i.use in i.options
               else name)
        for name, i in rulebook.interpretations.items()}
    context: list[str] = []
    eff = rulebook.effective
    trial = parse_period(eff.trial) if eff.trial else None
    if trial is not None:
        end = period_end(eff.from_.date, trial)
        cite = f"第{eff.cite.article}条 “{eff.cite.text}”" if eff.cite else ""
        sure = "" if eff.from_.confirmed else "; dates not confirmed"
        context.append(f"measure trial ({eff.trial}) {eff.from_.date.isoformat()} – "
                       f"{end.isoformat()}, {cite}{sure}: a period of the measure, not an "
                       "obligation of the unit")
    return LifecycleSource(
        readings=readings,
        context=tuple(context),
        name=f"{rulebook.id}@{rulebook.version}",
        event_types=rulebook.event_types,
        lifecycle=rulebook.lifecycle,
        designations=frozenset(rulebook.designations),
        effective=rulebook.effective.from_.date,
        located=located,
        file=located.file if located is not None else "<rulebook>",
    )


def compile_lifecycle(
    rulebook: Rulebook,
    problems: list[Problem] | None = None,
    *,
    located: Located | None = None,
) -> CompiledLifecycle:
    """Compile ``rulebook``'s lifecycle section once; reuse the result for every unit.

    Problems in the section are appended to ``problems`` (located when ``located`` is the
    loaded rulebook file) and then raised as one ``LifecycleError``.
    """
    return compile_source(source_of(rulebook, located), problems)


def compile_source(source: LifecycleSource,
                   problems: list[Problem] | None = None) -> CompiledLifecycle:
    found: list[Problem] = []
    _Checker(source, found).check()
    name = source.lifecycle.calendar if source.lifecycle is not None else None
    if name is not None and source.calendar is None and not found:
        calendar = load_calendar(name, source.file, found, located_by=source.located)
        source = dataclasses.replace(source, calendar=calendar)
    if found:
        if problems is not None:
            problems.extend(found)
        raise LifecycleError("the lifecycle section is not valid:\n"
                             + "\n".join(str(p) for p in sorted(found, key=Problem.sort_key)))
    return CompiledLifecycle(source)


class _Checker:
    """Cross-references the section: names used must be declared or derived somewhere."""

    def __init__(self, source: LifecycleSource, problems: list[Problem]) -> None:
        self.s = source
        self.problems = problems
        self.rule_ids: set[str] = set()

    def problem(self, path: Path, message: str, *, expected: str | None = None,
                found: str | None = None) -> None:
        if self.s.located is not None:
            self.problems.append(self.s.located.problem(path, message, expected=expected,
                                                        found=found))
        else:
            self.problems.append(Problem(self.s.file, None, None, message, path, expected,
                                         found))

    def check(self) -> None:
        for name, etype in self.s.event_types.items():
            for i, other in enumerate(etype.after):
                if other not in self.s.event_types:
                    self.problem(("event_types", name, "after", i),
                                 f"unknown event type {other!r}",
                                 expected="a type declared under event_types", found=other)
        if self.s.lifecycle is None:
            return
        rules = self.s.lifecycle.rules
        self.rule_ids = {r.id for r in rules}
        kinds: dict[str, tuple[str, Path]] = {}
        seen: dict[str, int] = {}
        for i, rule in enumerate(rules):
            at: Path = ("lifecycle", "rules", i)
            if rule.id in seen:
                self.problem((*at, "id"), f"rule id {rule.id!r} is used twice",
                             expected="a unique id", found=f"also rule {seen[rule.id] + 1}")
            seen.setdefault(rule.id, i)
            for j, item in enumerate(rule.then):
                names = [(derived_name(item), derived_kind(item))]
                if isinstance(item, StatusOut) and item.after is not None:
                    names.append((item.after, "status"))
                for name, kind in names:
                    before = kinds.setdefault(name, (kind, (*at, "then", j)))
                    if before[0] != kind:
                        self.problem((*at, "then", j), f"{name!r} is derived as a {kind} here "
                                     f"but as a {before[0]} elsewhere",
                                     expected="one kind per name", found=kind)
        for i, rule in enumerate(rules):
            self.check_rule(("lifecycle", "rules", i), rule, kinds)
            self.check_gate(("lifecycle", "rules", i, "if_reading"), rule)
        self.check_cycles(rules)

    def check_cycles(self, rules: Sequence[LifecycleRule]) -> None:
        """A rule whose output can trigger itself again, through any chain of rules, would
        derive without end (memory grows until the process dies): refuse it here."""
        index = {r.id: i for i, r in enumerate(rules)}
        edges: dict[str, list[str]] = {r.id: [] for r in rules}
        for a in rules:
            derived = {derived_name(item) for item in a.then}
            derived |= {item.after for item in a.then
                        if isinstance(item, StatusOut) and item.after is not None}
            deadlines = {derived_name(item) for item in a.then
                         if isinstance(item, ObligationOut | PeriodOut)}
            for b in rules:
                on = b.on
                if (isinstance(on, OnFact) and on.fact in derived
                        and on.by in (None, a.id)) or (
                        isinstance(on, OnDeadline) and on.deadline_passed in deadlines):
                    edges[a.id].append(b.id)
        for cycle in _cycles(edges):
            first = min(cycle, key=lambda r: index[r])
            start = cycle.index(first)
            chain = [*cycle[start:], *cycle[:start], first]
            self.problem(("lifecycle", "rules", index[first], "on"),
                         "these rules trigger each other without end: " + " → ".join(chain),
                         expected="rules whose outputs never lead back to themselves",
                         found=" → ".join(chain))

    def check_gate(self, at: Path, rule: LifecycleRule) -> None:
        for name, want in rule.if_reading.items():
            known = self.s.readings.get(name) if self.s.readings is not None else None
            if known is None:
                self.problem((*at, name), f"no interpretation named {name!r}",
                             expected="a name defined under 'interpretations'", found=name)
                continue
            for option in (want,) if isinstance(want, str) else want:
                if option not in known[1]:
                    self.problem((*at, name), f"{name!r} has no option {option!r}",
                                 expected="one of " + ", ".join(known[1]), found=option)

    def check_calendar_use(self, at: Path, item: Derive) -> None:
        """Working days and the holiday shift need the section's ``calendar``."""
        if self.s.lifecycle is None or self.s.lifecycle.calendar is not None:
            return
        uses: list[tuple[Path, str]] = []
        if isinstance(item, ObligationOut | PeriodOut):
            key = "due" if isinstance(item, ObligationOut) else "lasts"
            spec = item.due if isinstance(item, ObligationOut) else item.lasts
            if spec.within is not None and "working" in spec.within:
                uses.append(((*at, key, "within"), spec.within))
            if spec.if_last_day_is_holiday is not None:
                uses.append(((*at, key, "if_last_day_is_holiday"), "if_last_day_is_holiday"))
        if isinstance(item, ObligationOut) and item.every and "working" in item.every:
            uses.append(((*at, "every"), item.every))
        if isinstance(item, StatusOut | BarOut) and item.lasts and "working" in item.lasts:
            uses.append(((*at, "lasts"), item.lasts))
        for path, what in uses:
            self.problem(path, f"{what!r} is counted against a working-day calendar, and "
                         "this lifecycle section names none",
                         expected="lifecycle: {calendar: NAME} (a file calendars/NAME.yaml)",
                         found=what)

    def check_rule(self, at: Path, rule: LifecycleRule,
                   kinds: Mapping[str, tuple[str, Path]]) -> None:
        on = rule.on
        if isinstance(on, EventMatch):
            self.check_match((*at, "on"), on)
        elif isinstance(on, OnFact):
            if on.fact not in kinds:
                self.problem((*at, "on", "fact"), f"no rule derives {on.fact!r}",
                             expected="a name some rule's 'then' derives", found=on.fact)
            elif on.by is not None and on.by not in self.rule_ids:
                self.problem((*at, "on", "by"), f"unknown rule {on.by!r}",
                             expected="the id of a rule in this section", found=on.by)
        elif isinstance(on, OnDeadline):
            kind = kinds.get(on.deadline_passed, (None,))[0]
            if kind not in _DEADLINE_KINDS:
                self.problem((*at, "on", "deadline_passed"),
                             f"{on.deadline_passed!r} is not an obligation or period any rule "
                             "derives", expected="the name of a derived obligation or period",
                             found=on.deadline_passed if kind is None else f"a {kind}")
        for key in ("requires", "unless"):
            reqs: tuple[Requirement, ...] = getattr(rule, key)
            for j, req in enumerate(reqs):
                if req.fact not in kinds:
                    self.problem((*at, key, j, "fact"), f"no rule derives {req.fact!r}",
                                 expected="a name some rule's 'then' derives", found=req.fact)
        for j, item in enumerate(rule.then):
            here: Path = (*at, "then", j)
            self.check_calendar_use(here, item)
            if isinstance(item, ObligationOut):
                self.check_match((*here, "met_by"), item.met_by)
            elif isinstance(item, PeriodOut) and item.closed_by is not None:
                self.check_match((*here, "closed_by"), item.closed_by)
            elif isinstance(item, BarOut) and item.designations and self.s.designations:
                for k, d in enumerate(item.designations):
                    if d not in self.s.designations:
                        self.problem((*here, "designations", k), f"unknown designation {d!r}",
                                     expected="one of " + ", ".join(sorted(self.s.designations)),
                                     found=d)

    def check_match(self, at: Path, match: EventMatch) -> None:
        if "effective" in (match.before, match.from_) and self.s.effective is None:
            self.problem(at, "'effective' names the day this version takes effect, which "
                         "is not known here", expected="a date")
        for k, etype_name in enumerate(match.types()):
            where: Path = (*at, "event") if isinstance(match.event, str) else (*at, "event", k)
            if etype_name not in self.s.event_types:
                self.problem(where, f"unknown event type {etype_name!r}",
                             expected="a type declared under event_types", found=etype_name)
                continue
            etype = self.s.event_types[etype_name]
            for key, want in match.where.items():
                if key == "designation":
                    continue
                spec = etype.fields.get(key)
                if spec is None:
                    self.problem((*at, "where", key), f"event type {etype_name!r} has no "
                                 f"detail {key!r}", expected="one of "
                                 + (", ".join(etype.fields) or "(no details)"), found=key)
                    continue
                values = want if isinstance(want, tuple) else (want,)
                if spec.choice is not None:
                    for v in values:
                        if v not in spec.choice:
                            self.problem((*at, "where", key), f"{v!r} is not a value of "
                                         f"detail {key!r}", expected="one of "
                                         + ", ".join(spec.choice), found=str(v))


def _cycles(edges: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle (as a list of nodes) per strongly connected part that has one."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(root: str) -> None:  # Tarjan, iteratively: a long chain of rules is no risk
        work = [(root, iter(edges[root]))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in order:
                    order[child] = low[child] = len(order)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], order[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == order[node]:
                part = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    part.append(top)
                    if top == node:
                        break
                if len(part) > 1 or node in edges[node]:
                    found.append(_one_cycle(part, edges))

    for node in edges:
        if node not in order:
            visit(node)
    return found


def _one_cycle(part: list[str], edges: Mapping[str, list[str]]) -> list[str]:
    """A closed path inside one strongly connected part, starting from its first node."""
    members = set(part)
    start = part[-1]
    path, seen = [start], {start}
    node = start
    while True:
        nxt = next(n for n in edges[node] if n in members)
        if nxt == start or nxt in seen:
            return path[path.index(nxt):] if nxt in seen and nxt != start else path
        path.append(nxt)
        seen.add(nxt)
        node = nxt


# ---- patterns in durable_rules' JSON form --------------------------------------------------


def _any_of(attr: str, values: Iterable[object]) -> dict[str, Any]:
    terms = [{attr: v} for v in values]
    return terms[0] if len(terms) == 1 else {"$or": terms}


def _day(ref: _dt.date | str, effective: _dt.date | None) -> int:
    day = effective if ref == "effective" else ref
    assert isinstance(day, _dt.date)  # "effective" without a date is refused by the checker
    return day.toordinal()


def _event_pattern(match: EventMatch, effective: _dt.date | None = None
                   ) -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = [{"kind": "event"}, _any_of("type", match.types())]
    if match.before is not None:
        terms.append({"$lt": {"day": _day(match.before, effective)}})
    if match.from_ is not None:
        terms.append({"$gte": {"day": _day(match.from_, effective)}})
    for key, want in match.where.items():
        attr = "designation" if key == "designation" else "f_" + key
        terms.append(_any_of(attr, want if isinstance(want, tuple) else (want,)))
    if match.in_quarter:
        terms.append(_any_of("quarter", match.in_quarter))
    return terms


def _requirement(req: Requirement, day_from: str) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [
        {"kind": "fact"}, {"name": req.fact}, {"$lte": {"start": {day_from: "day"}}},
    ]
    if req.current:
        terms += [{"$gte": {"end": {day_from: "day"}}}, {"open": 1}]
    if req.same_designation:
        terms.append({"designation": {"m": "designation"}})
    return {"$and": terms}


def _deadline_pattern(name: str, rule_id: str | None) -> list[dict[str, Any]]:
    tick: list[dict[str, Any]] = [{"kind": "tick"}, {"name": name}]
    if rule_id is not None:
        tick.append({"rule": rule_id})
    return [
        {"t": {"$and": tick}},
        {"m": {"$and": [{"kind": "fact"}, {"ref": {"t": "ref"}}, {"open": 1}]}},
    ]


# ---- one run -------------------------------------------------------------------------------


@dataclass
class _Fact:
    id: str
    kind: FactKind
    name: str
    designation: str | None
    start: _dt.date
    rule: LifecycleRule
    event_ids: tuple[str, ...]
    fact_ids: tuple[str, ...]
    end: _dt.date | None = None
    due: _dt.date | None = None
    closed: _dt.date | None = None
    closed_by: str | None = None
    superseded_by: str | None = None
    missing: str | None = None
    engine: dict[str, Any] = field(default_factory=dict)
    in_engine: bool = False
    after: StatusOut | None = None
    reading: str | None = None
    opener: str | None = None  # the event whose processing derived it: never its closer
    recurring: ObligationOut | None = None  # an instance of a recurring obligation
    origin: _dt.date | None = None  # the first instance's start
    cycle: int = 1

    def public(self) -> DerivedFact:
        return DerivedFact(
            id=self.id, kind=self.kind, name=self.name, designation=self.designation,
            start=self.start, end=self.end, due=self.due, closed=self.closed,
            closed_by=self.closed_by, superseded_by=self.superseded_by, missing=self.missing,
            rule_id=self.rule.id, cite=self.rule.cite, text=self.rule.text,
            event_ids=self.event_ids, fact_ids=self.fact_ids, reading=self.reading,
        )


def _sorted_ids(ids: Iterable[str], order: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(sorted(set(ids), key=lambda i: (order.get(i, len(order)), i)))


class _Run:
    """The state of one unit's run: derived facts, agenda, and the first error."""

    def __init__(self, compiled: CompiledLifecycle, sid: str, events: Sequence[Event]) -> None:
        self.compiled = compiled
        self.sid = sid
        self.facts: dict[str, _Fact] = {}
        self.order = {e.id: i for i, e in enumerate(events)}
        self.fired: set[tuple[str, ...]] = set()
        self.used: set[str] = set()
        self.agenda: list[tuple[int, int, int, dict[str, Any]]] = []
        self.seq = itertools.count()
        self.transient: list[dict[str, Any]] = []
        self.error: tuple[str, BaseException] | None = None
        self.ticks = 0
        self.started = False  # the engine holds a session for this run
        # statuses not yet replaced, per designation: a new status looks only at these
        self.open_status: dict[str | None, list[_Fact]] = {}
        self.by_name: dict[str, list[_Fact]] = {}
        self.derived: dict[str, int] = {}  # facts derived per rule, for the bound
        self.bound = LIMITS.max_derivations_per_event * (len(events) + 1)
        self.current: str | None = None  # the event being processed (its cascade)
        # recurring obligations open instances up to the first one after the last event
        self.horizon = events[-1].date if events else _dt.date.min
        self.series_used: set[tuple[str, str, str | None, str]] = set()

    # -- engine calls (made inside actions, so the lock is already held) --

    def _assert(self, c: _Match, fact: dict[str, Any]) -> bool:
        return c.assert_fact(fact)  # False: no rule looks at it, not in working memory

    def _retract(self, c: _Match, fact: dict[str, Any]) -> None:
        c.retract_fact(fact)

    # -- what actions do --

    def fire(self, action: _Action, c: _Match) -> None:
        match = c.match
        m: dict[str, Any] = match["m"]
        if action.role == "close":
            # The closer's trigger is the event "m" and the fact "o".
            m = {**m, "fact": match["o"]["ref"]}
        t: dict[str, Any] | None = match["t"] if action.deadline else None
        # ``requires`` asks that such a fact exists: one derivation per trigger, however
        # many facts satisfy it (joining with each would multiply findings, e.g. one per
        # earlier rectification); the basis recorded is the latest fact that satisfies it.
        key = (action.name, m["id"], m.get("fact", ""), t["id"] if t else "")
        ref: str = m["ref"]
        if key in self.fired:
            return  # the same match again (a fact re-asserted after it changed)
        self.fired.add(key)
        day = _dt.date.fromordinal(t["day"] if t is not None else m["day"])
        if action.role == "close":
            self.close(c, action, fact_id=m["fact"], event_id=ref, day=day)
            return
        if action.role == "recur":
            self.recur(c, self.facts[ref], day)
            return
        designation: str | None = m["designation"] or None
        reqs = [self.basis(req, day, designation, match[f"r{i}"])
                for i, req in enumerate(action.rule.requires[:action.n_requires])]
        event_ids: set[str] = set()
        fact_ids: list[str] = []
        if m["kind"] == "event":
            event_ids.add(ref)
            self.used.add(ref)
        else:
            fact_ids.append(ref)
        fact_ids += reqs
        for fid in fact_ids:
            event_ids.update(self.facts[fid].event_ids)
        evs = _sorted_ids(event_ids, self.order)
        if action.role == "after":
            source = self.facts[ref]
            assert source.after is not None and source.after.after is not None
            self.derive_status(c, action.rule, source.after.after, None, day, designation,
                               evs, (ref,))
            return
        for item in action.rule.then:
            self.derive(c, action.rule, item, day, designation, evs, tuple(fact_ids))

    def basis(self, req: Requirement, day: _dt.date, designation: str | None,
              matched: dict[str, Any]) -> str:
        """The latest fact satisfying ``req`` on ``day`` (the engine's match proves one does)."""
        for f in reversed(self.by_name.get(req.fact, ())):
            if f.start > day or (req.same_designation and f.designation != designation):
                continue
            if req.current and not (f.closed is None and f.superseded_by is None
                                    and (f.end is None or f.end >= day)):
                continue
            return f.id
        return str(matched["ref"])  # pragma: no cover - our records mirror the engine's

    def new_fact(self, rule: LifecycleRule, kind: FactKind, name: str,
                 designation: str | None, start: _dt.date, event_ids: tuple[str, ...],
                 fact_ids: tuple[str, ...]) -> _Fact:
        self.derived[rule.id] = self.derived.get(rule.id, 0) + 1
        if len(self.facts) >= self.bound:
            top = sorted(self.derived.items(), key=lambda kv: -kv[1])[:5]
            raise DerivationLimit(
                f"the rules derived more than {self.bound} facts from {len(self.order)} "
                f"events (at most {LIMITS.max_derivations_per_event} per event, "
                "IPDESIGNATE_LIMIT_MAX_DERIVATIONS_PER_EVENT): rules "
                + ", ".join(f"{r} ({n})" for r, n in top)
                + " keep deriving; check for rules that trigger each other", rule.id)
        fid = f"f{len(self.facts) + 1}"
        fact = _Fact(fid, kind, name, designation, start, rule, event_ids, fact_ids)
        fact.reading = self.compiled.source.reading_of(rule)
        fact.opener = self.current
        self.facts[fid] = fact
        self.by_name.setdefault(name, []).append(fact)
        return fact

    def derive(self, c: Any, rule: LifecycleRule, item: Derive, day: _dt.date,
               designation: str | None, event_ids: tuple[str, ...],
               fact_ids: tuple[str, ...]) -> None:
        if isinstance(item, StatusOut):
            self.derive_status(c, rule, item.status, item, day, designation, event_ids,
                               fact_ids)
            return
        if isinstance(item, BarOut):
            period = parse_period(item.lasts, working=True)
            assert period is not None  # checked by the model
            for target in item.designations or (designation,):
                fact = self.new_fact(rule, "bar", item.bar, target, day, event_ids, fact_ids)
                fact.end = period_end(day, period, self.compiled.source.calendar)
                self.publish(c, fact)
            return
        kind: FactKind = derived_kind(item)  # type: ignore[assignment]
        fact = self.new_fact(rule, kind, derived_name(item), designation, day, event_ids,
                             fact_ids)
        if isinstance(item, ObligationOut | PeriodOut):
            due_spec = item.due if isinstance(item, ObligationOut) else item.lasts
            fact.due, fact.missing = self.compiled.due(due_spec, day)
            if isinstance(item, PeriodOut):
                fact.end = fact.due
        if isinstance(item, ObligationOut) and item.every is not None:
            fact.recurring, fact.origin = item, day
        self.publish(c, fact)
        if fact.recurring is not None:
            self.schedule_recur(fact)

    def schedule_recur(self, fact: _Fact) -> None:
        """The next instance of a recurring obligation, on the corresponding day counted
        from the first (no month-end drift), while the history reaches that far: instances
        open up to the first one after the unit's last event."""
        assert fact.recurring is not None and fact.recurring.every is not None
        if fact.start > self.horizon:
            return
        every = parse_period(fact.recurring.every, working=True)
        assert every is not None and fact.origin is not None
        nxt = period_end(fact.origin, Period(every.amount * (fact.cycle), every.unit),
                         self.compiled.source.calendar)
        self.ticks += 1
        item = {"sid": self.sid, "id": f"recur:{self.ticks}", "kind": "recur",
                "rule": fact.rule.id, "name": fact.name, "ref": fact.id,
                "day": nxt.toordinal()}
        heapq.heappush(self.agenda, (nxt.toordinal(), 0, next(self.seq), item))

    def holds(self, rule: LifecycleRule, day: _dt.date, designation: str | None) -> bool:
        """Whether ``rule``'s requires hold and its unless do not, on ``day``."""
        def found(req: Requirement) -> bool:
            for f in self.by_name.get(req.fact, ()):
                if f.start > day or (req.same_designation and f.designation != designation):
                    continue
                if req.current and not (f.closed is None and f.superseded_by is None
                                        and (f.end is None or f.end >= day)):
                    continue
                return True
            return False
        return all(map(found, rule.requires)) and not any(map(found, rule.unless))

    def recur(self, c: Any, prev: _Fact, day: _dt.date) -> None:
        """Open the next instance of ``prev``'s recurring obligation, if it still applies."""
        item = prev.recurring
        assert item is not None
        # The new cycle is counted from the next day (第二百零一条): it opens only if
        # what the rule rests on still holds then, so a term's last day opens no cycle.
        if not self.holds(prev.rule, day + _dt.timedelta(days=1), prev.designation):
            return  # the designation it rests on has ended: the duty ends with it
        fact = self.new_fact(prev.rule, "obligation", prev.name, prev.designation, day,
                             prev.event_ids, (*prev.fact_ids, prev.id))
        fact.opener = None
        fact.due, fact.missing = self.compiled.due(item.due, day)
        fact.recurring, fact.origin, fact.cycle = item, prev.origin, prev.cycle + 1
        self.publish(c, fact)
        self.schedule_recur(fact)

    def derive_status(self, c: Any, rule: LifecycleRule, value: str, item: StatusOut | None,
                      day: _dt.date, designation: str | None, event_ids: tuple[str, ...],
                      fact_ids: tuple[str, ...]) -> None:
        fact = self.new_fact(rule, "status", value, designation, day, event_ids, fact_ids)
        if item is not None and item.lasts is not None:
            period = parse_period(item.lasts, working=True)
            assert period is not None
            fact.end = period_end(self.anchor(item, day, designation, fact_ids), period,
                                  self.compiled.source.calendar)
            if item.after is not None:
                fact.after = item
        # A new status replaces the one before it from its first day on. Only statuses not
        # replaced yet are looked at (days never go back in a run, so one that ended
        # before today stays ended): a long history costs linear time, not quadratic.
        for old in self.open_status.get(designation, ()):
            if old.end is not None and old.end < day:
                continue
            old.end = day - _dt.timedelta(days=1)
            old.superseded_by = fact.id
            self.update(c, old)
        self.open_status[designation] = [fact]
        self.publish(c, fact)

    def anchor(self, item: StatusOut, day: _dt.date, designation: str | None,
               fact_ids: tuple[str, ...]) -> _dt.date:
        """The day a status's ``lasts`` is counted from (see ``StatusOut.counted_from``)."""
        if item.counted_from == "trigger_start" and fact_ids:
            return self.facts[fact_ids[0]].start
        if item.counted_from == "replaced_end":
            running = [f for f in self.facts.values()
                       if f.kind == "status" and f.designation == designation
                       and f.superseded_by is None and f.end is not None and f.start <= day]
            if running:
                return running[-1].end  # type: ignore[return-value]
        return day

    def close(self, c: Any, action: _Action, *, fact_id: str, event_id: str,
              day: _dt.date) -> None:
        fact = self.facts[fact_id]
        if fact.closed is not None or event_id == fact.opener:
            return  # the event that opened an obligation never also meets it
        if fact.recurring is not None:
            # one event meets one instance: the earliest still open
            key = (fact.rule.id, fact.name, fact.designation, event_id)
            if key in self.series_used:
                return
            self.series_used.add(key)
            fact = next(f for f in self.by_name[fact.name]
                        if f.rule is fact.rule and f.designation == fact.designation
                        and f.recurring is not None and f.closed is None and f.start <= day
                        and f.opener != event_id)
        self.used.add(event_id)
        fact.closed = day
        fact.closed_by = event_id
        fact.end = day if fact.end is None else min(fact.end, day)
        self.update(c, fact)

    # -- keeping working memory in step with our records --

    def _engine_dict(self, fact: _Fact) -> dict[str, Any]:
        open_ = fact.closed is None and fact.superseded_by is None
        return {
            "sid": self.sid, "id": "fact:" + fact.id, "ref": fact.id, "kind": "fact",
            "cat": fact.kind,
            "name": fact.name, "rule": fact.rule.id, "designation": fact.designation or "",
            "start": fact.start.toordinal(), "day": fact.start.toordinal(),
            "end": fact.end.toordinal() if fact.end is not None else _END_OPEN,
            "open": 1 if open_ else 0,
        }

    def publish(self, c: Any, fact: _Fact) -> None:
        # Only what some rule can match goes into working memory (the engine would refuse
        # the rest as unhandled anyway): fewer round trips, the same result.
        wants = self.compiled.wants
        fact.engine = self._engine_dict(fact)
        if fact.name in wants.held:
            fact.in_engine = self._assert(c, fact.engine)
        if fact.name in wants.announced:
            # durable_rules identifies a fact by its "id" when it has one (not by
            # content): the announcement needs its own id or it is refused as observed.
            announce = {**fact.engine, "kind": "derived", "id": "new:" + fact.id}
            if self._assert(c, announce):
                self.transient.append(announce)
        tick_day: _dt.date | None = None
        if fact.kind in _DEADLINE_KINDS and fact.due is not None:
            tick_day = fact.due + _dt.timedelta(days=1)
        elif fact.after is not None and fact.end is not None:
            tick_day = fact.end + _dt.timedelta(days=1)
        if tick_day is not None and fact.name in wants.ticked:
            self.schedule_tick(fact, tick_day)

    def update(self, c: Any, fact: _Fact) -> None:
        if fact.in_engine:
            self._retract(c, fact.engine)
        fact.engine = self._engine_dict(fact)
        if fact.name in self.compiled.wants.held:
            fact.in_engine = self._assert(c, fact.engine)

    def schedule_tick(self, fact: _Fact, day: _dt.date) -> None:
        self.ticks += 1
        tick = {"sid": self.sid, "id": f"tick:{self.ticks}", "kind": "tick", "name": fact.name,
                "rule": fact.rule.id, "fact": "fact:" + fact.id, "ref": fact.id,
                "day": day.toordinal()}
        heapq.heappush(self.agenda, (day.toordinal(), 0, next(self.seq), tick))

    def timeline(self, unit: str, events: Sequence[Event]) -> Timeline:
        return Timeline(
            unit=unit,
            rulebook=self.compiled.source.name,
            facts=tuple(f.public() for f in self.facts.values()),
            events=tuple(e.id for e in events),
            unused_events=tuple(e.id for e in events if e.id not in self.used),
        )


# ---- the compiled lifecycle ------------------------------------------------------------------


class DerivationLimit(LifecycleError):
    """A run derived more facts than ``LIMITS.max_derivations_per_event`` allows."""


_LIVE_RULESETS: set[str] = set()  # rulesets the C core holds now (for tests and docs)


def live_rulesets() -> int:
    """How many compiled lifecycles' rulesets the rules engine holds right now."""
    return len(_LIVE_RULESETS)


def _release(host: Any, name: str) -> None:
    """Free a ruleset in durable_rules' C core (it never frees one by itself)."""
    with _ENGINE_LOCK:
        ruleset = host._ruleset_directory.pop(name, None)
        if ruleset is not None:
            with contextlib.suppress(ValueError):
                host._ruleset_list.remove(ruleset)
            with contextlib.suppress(Exception):
                _durable.durable_rules_engine.delete_ruleset(ruleset._handle)
        _LIVE_RULESETS.discard(name)


@dataclass(frozen=True)
class _Wants:
    """Which derived facts some rule can match, by name: only these enter the engine."""

    held: frozenset[str]  # joined by requires/unless, deadlines, closers, "after" ticks
    announced: frozenset[str]  # triggers of "on: {fact: …}" rules
    ticked: frozenset[str]  # whose deadline or end some rule waits for

    @staticmethod
    def of(source: LifecycleSource) -> _Wants:
        held: set[str] = set()
        announced: set[str] = set()
        ticked: set[str] = set()
        lc = source.lifecycle
        for rule in lc.rules if lc is not None else ():
            if not source.active(rule):
                continue
            held.update(req.fact for req in (*rule.requires, *rule.unless))
            if isinstance(rule.on, OnFact):
                announced.add(rule.on.fact)
            elif isinstance(rule.on, OnDeadline):
                ticked.add(rule.on.deadline_passed)
            for item in rule.then:
                if isinstance(item, ObligationOut) or (
                        isinstance(item, PeriodOut) and item.closed_by is not None):
                    held.add(derived_name(item))
                if isinstance(item, StatusOut) and item.after is not None:
                    ticked.add(item.status)
        held |= ticked
        return _Wants(frozenset(held), frozenset(announced), frozenset(ticked))


class CompiledLifecycle:
    """A lifecycle section compiled to one durable_rules ruleset; thread-safe to share."""

    def __init__(self, source: LifecycleSource) -> None:
        self.source = source
        self._runs: dict[str, _Run] = {}
        self._sids = itertools.count(1)
        self._actions: dict[str, _Action] = {}
        self._definition_now: dict[str, dict[str, Any]] | None = self._definition()
        self._name = f"ipdesignate_lifecycle_{next(_RULESET_NUMBERS)}"
        self._host_now: Any = None
        self.reads = frozenset(self._read_types())
        self.wants = _Wants.of(source)

    @property
    def _host(self) -> Any:
        """The durable_rules host with this section's ruleset, made on first use."""
        if self._host_now is None and self._definition_now:
            with _ENGINE_LOCK:
                if self._host_now is None:
                    host = _durable.quiet_host()
                    host.set_rulesets({self._name: self._definition_now})
                    self._host_now = host
                    _LIVE_RULESETS.add(self._name)
                    # the C core keeps a ruleset until told: free it with this object
                    # (1,000 rulebook versions or reloads would otherwise hold ~1 GB)
                    weakref.finalize(self, _release, host, self._name)
        return self._host_now

    def _read_types(self) -> set[str]:
        """Event types some rule reads (as its trigger or as what closes a fact)."""
        lc = self.source.lifecycle
        out: set[str] = set()
        for rule in lc.rules if lc is not None else ():
            if isinstance(rule.on, EventMatch):
                out.update(rule.on.types())
            for item in rule.then:
                if isinstance(item, ObligationOut):
                    out.update(item.met_by.types())
                elif isinstance(item, PeriodOut) and item.closed_by is not None:
                    out.update(item.closed_by.types())
        return out

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rules taking part: those a named reading in force did not leave out."""
        lc = self.source.lifecycle
        return tuple(r.id for r in lc.rules if self.source.active(r)) if lc is not None else ()

    def ruleset_json(self) -> dict[str, Any]:
        """The durable_rules ruleset (without actions), for inspection and docs."""
        return {name: {k: v for k, v in rule.items() if k != "run"}
                for name, rule in self._definition().items()}

    def _definition(self) -> dict[str, dict[str, Any]]:
        lc = self.source.lifecycle
        if lc is None:
            return {}
        # Every session starts with an action: durable_rules' delete_state crashes the
        # process (free(): invalid pointer) for a session in which no action ever ran.
        out: dict[str, dict[str, Any]] = {
            _OPEN_RULE: {"all": [{"m": {"kind": "open"}}], "run": _opened},
        }
        for rule in lc.rules:
            if not self.source.active(rule):
                continue  # a named reading in force chose another rule
            on = rule.on
            deadline = isinstance(on, OnDeadline)
            terms: list[dict[str, Any]]
            if isinstance(on, EventMatch):
                terms = [{"m": {"$and": _event_pattern(on, self.source.effective)}}]
            elif isinstance(on, OnFact):
                pattern = [{"kind": "derived"}, {"name": on.fact}]
                if on.by is not None:
                    pattern.append({"rule": on.by})
                terms = [{"m": {"$and": pattern}}]
            else:
                terms = _deadline_pattern(on.deadline_passed, None)
            day_from = "t" if deadline else "m"
            terms += [{f"r{i}": _requirement(req, day_from)}
                      for i, req in enumerate(rule.requires)]
            # (``$not`` terms match derived facts only: retracting a transient fact never
            # fires a rule, see ``drop``)
            terms += [{f"u{i}$not": _requirement(req, day_from)}
                      for i, req in enumerate(rule.unless)]
            self._add(out, _Action(rule.id, rule, "derive", len(rule.requires), deadline),
                      terms)
            for j, item in enumerate(rule.then):
                closer = (item.met_by if isinstance(item, ObligationOut)
                          else item.closed_by if isinstance(item, PeriodOut) else None)
                if closer is not None:
                    fact_terms = [{"kind": "fact"}, {"rule": rule.id},
                                  {"name": derived_name(item)}, {"open": 1}]
                    event_terms = [*_event_pattern(closer, self.source.effective),
                                   {"$gte": {"day": {"o": "start"}}},
                                   {"designation": {"o": "designation"}}]
                    if isinstance(item, PeriodOut):
                        # A period can only be closed while it runs; an obligation can
                        # still be met late.
                        event_terms.append({"$lte": {"day": {"o": "end"}}})
                    self._add(out, _Action(f"{rule.id}#closed{j}", rule, "close", item=item),
                              [{"o": {"$and": fact_terms}}, {"m": {"$and": event_terms}}])
                if isinstance(item, ObligationOut) and item.every is not None:
                    self._add(out, _Action(f"{rule.id}#recur{j}", rule, "recur", item=item),
                              [{"m": {"$and": [{"kind": "recur"}, {"rule": rule.id},
                                               {"name": item.obligation}]}}])
                if isinstance(item, StatusOut) and item.after is not None:
                    self._add(out, _Action(f"{rule.id}#after{j}", rule, "after", 0, True, item),
                              _deadline_pattern(item.status, rule.id))
        return out

    def _add(self, out: dict[str, dict[str, Any]], action: _Action,
             terms: list[dict[str, Any]]) -> None:
        self._actions[action.name] = action
        out[action.name] = {"all": terms, "run": self._callback(action)}

    def _callback(self, action: _Action) -> Callable[[Any], None]:
        # Exactly one parameter: durable_rules treats a two-parameter action as
        # asynchronous and would return before it ran. The action holds this object only
        # weakly: the engine's ruleset must not keep it alive (see ``_release``).
        owner = weakref.ref(self)

        def run(c: Any) -> None:
            me = owner()
            assert me is not None  # a run in progress holds it
            state = me._runs[c.sid]
            try:
                state.fire(action, c)
            except BaseException as exc:
                if state.error is None:
                    state.error = (action.rule.id, exc)
                raise  # durable_rules stores it in the state; run() checks both

        return run

    def due(self, spec: Due, day: _dt.date) -> tuple[_dt.date | None, str | None]:
        """The last day of an obligation or period opened on ``day``, or why it has none."""
        if spec.none is not None:
            return None, f"no period is set: {spec.none.en} ({spec.none.zh})"
        if spec.quarter_end is not None:
            month = spec.quarter_end * 3
            nxt = _dt.date(day.year + (month == 12), month % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1), None
        period = parse_period(spec.within, working=True)
        assert period is not None  # checked by the model
        shift = spec.if_last_day_is_holiday is not None
        if spec.from_ == "effective":
            if self.source.effective is None:
                return None, ("the day the measure took effect is not known "
                              "(the rulebook's effective.from)")
            day = self.source.effective
        return period_end(day, period, self.source.calendar, shift=shift), None

    # -- running --

    def run(self, events: Sequence[Event], *, unit: str = "unit",
            checked: bool = False, until: _dt.date | None = None) -> Timeline:
        """The timeline of one unit's ``events`` (in date order).

        Recurring obligations open their instances up to the first one after the last
        event, or after ``until`` when that is later (the date the timeline is read on).

        Raises ``EventsError`` for a history that does not fit the event types and
        ``LifecycleError`` (with the rule id) when a rule fails while it runs.
        """
        if not checked:
            problems = [
                Problem(f"<events of {unit}>", None, None, issue.message,
                        ("events", issue.index, *issue.key), issue.expected, issue.found)
                for issue in check_history(events, self.source.event_types,
                                           self.source.designations)
            ]
            if problems:
                raise EventsError(problems)
        with _ENGINE_LOCK:
            sid = f"s{next(self._sids)}"
            state = _Run(self, sid, events)
            if until is not None and until > state.horizon:
                state.horizon = until
            self._runs[sid] = state
            try:
                # A unit none of whose events any rule reads derives nothing: no engine.
                if any(e.type in self.reads for e in events) and self._host is not None:
                    state.started = True
                    self._drive(state, events)
                return state.timeline(unit, events)
            finally:
                del self._runs[sid]
                if state.started:
                    self._forget(sid)

    def _drive(self, state: _Run, events: Sequence[Event]) -> None:
        host, name = self._host, self._name
        opener = {"sid": state.sid, "id": "open", "kind": "open"}
        self._call(state, "assert_fact", opener)
        offset = host.drop(name, opener)
        for event in events:
            if event.type in self.reads:  # the others would only come back unhandled
                heapq.heappush(state.agenda, (event.date.toordinal(), 1, next(state.seq),
                                              self._event_dict(state.sid, event)))
        limit = 100 * (len(events) + 10)
        steps = 0
        while state.agenda:
            steps += 1
            if steps > limit:
                raise LifecycleError("the rules keep scheduling deadlines without end; "
                                     "check rules whose deadlines start new deadlines")
            _, _, _, item = heapq.heappop(state.agenda)
            state.current = item["ref"] if item["kind"] == "event" else None
            handled = self._call(state, "assert_fact", item)
            pending, state.transient = state.transient, []
            if handled:
                pending.insert(0, item)
            for fact in pending:  # transient: their retraction fires nothing
                offset = host.drop(name, fact)
        host.check_idle(name, offset)
        self._verify(state)

    def _event_dict(self, sid: str, event: Event) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sid": sid, "id": "event:" + event.id, "ref": event.id, "kind": "event",
            "type": event.type,
            "day": event.date.toordinal(), "quarter": (event.date.month - 1) // 3 + 1,
            "designation": event.designation or "",
        }
        for key, value in event.details.items():
            if isinstance(value, str | int | bool):
                out["f_" + key] = value
            elif isinstance(value, _dt.date):
                out["f_" + key] = value.toordinal()
            elif value is not None:
                out["f_" + key] = str(value)
        return out

    def _call(self, state: _Run, method: str, fact: dict[str, Any]) -> bool:
        """One engine call; False when no rule looks at ``fact``. Raises what an action
        raised, with its rule id."""
        try:
            result = getattr(self._host, method)(self._name, fact)
        except Exception as exc:
            if state.error is None:  # an engine error outside any action
                raise LifecycleError(f"the rules engine failed: {exc}") from exc
            result = None
        if state.error is not None:
            rule_id, error = state.error
            if isinstance(error, LifecycleError):
                raise error
            if isinstance(error, CalendarRangeError):
                raise LifecycleError(str(error), rule_id) from error
            raise LifecycleError(f"{type(error).__name__}: {error}", rule_id) from error
        # durable_rules' own host keeps an action's exception in the session state and
        # returns that state: never trust a call that reports one
        stored = result.get("exception") if isinstance(result, dict) else None
        if stored:
            raise LifecycleError(f"an action failed: {stored}")
        return result is not False

    def _verify(self, state: _Run) -> None:
        """The engine must hold exactly the facts we derived: never trust it unchecked."""
        expected = {f.engine["id"] for f in state.facts.values() if f.in_engine}
        held = {f["id"] for f in self._host.get_facts(self._name, state.sid)}
        if held != expected:
            missing = sorted(expected - held)
            extra = sorted(held - expected)
            raise LifecycleError(f"the rules engine lost or kept facts (missing {missing}, "
                                 f"unexpected {extra}); the result is not trusted")

    def _forget(self, sid: str) -> None:
        # More than 1,024 live sessions raise MemoryError: delete each one after its run.
        if self._host_now is None:
            return
        # Every run asserted its opener, so the state exists and an action ran in it.
        with contextlib.suppress(Exception):
            self._host.delete_state(self._name, sid)

    def live_sessions(self) -> int:
        """Sessions still held by this compiled lifecycle (always 0 between runs)."""
        return len(self._runs)


def run_batch(compiled: CompiledLifecycle, units: Sequence[tuple[str, Sequence[Event]]],
              *, jobs: int = 1, checked: bool = False, until: _dt.date | None = None
              ) -> list[Timeline | IpdesignateError]:
    """Every unit's timeline, or the error that unit raised, in input order (recurring
    obligations derived up to ``until``, see ``CompiledLifecycle.run``).

    ``jobs`` > 1 runs the units over that many processes: this one and ``jobs - 1``
    forked workers (forked, so each has the compiled rules already; durable_rules' C core
    takes one caller at a time, so threads would not help). A unit is never lost,
    duplicated or reordered: results come back in chunks tagged with their position, and
    every chunk's place and size are checked (see ``_run_forked``).
    """
    if jobs <= 1 or len(units) < 2 * _CHUNK:
        out: list[Timeline | IpdesignateError] = []
        for i in range(0, len(units), _CHUNK):
            with _gc_paused():
                out.extend(_run_one(compiled, unit, events, checked, until)
                           for unit, events in units[i:i + _CHUNK])
        return out
    return _run_forked(compiled, units, jobs, checked, until)


_CHUNK = 64


class _Shared:
    """What the forked workers inherit: the batch, its chunks, and where results go."""

    def __init__(self, compiled: CompiledLifecycle, checked: bool,
                 units: Sequence[tuple[str, Sequence[Event]]], ctx: Any,
                 until: _dt.date | None = None) -> None:
        self.compiled = compiled
        self.checked = checked
        self.until = until
        self.units = units
        self.chunks = [(i, min(i + _CHUNK, len(units))) for i in range(0, len(units), _CHUNK)]
        self.next = ctx.Value("q", 0)  # the next chunk to claim (its lock makes claims atomic)
        self.results = ctx.Queue()

    def claim(self) -> int | None:
        with self.next.get_lock():
            i: int = self.next.value
            if i >= len(self.chunks):
                return None
            self.next.value = i + 1
        return i

    def run(self, i: int) -> list[Timeline | IpdesignateError]:
        start, stop = self.chunks[i]
        with _gc_paused():
            return [_run_one(self.compiled, unit, events, self.checked, self.until)
                    for unit, events in self.units[start:stop]]


_WORKER: _Shared | None = None


def _run_forked(compiled: CompiledLifecycle, units: Sequence[tuple[str, Sequence[Event]]],
                jobs: int, checked: bool, until: _dt.date | None = None
                ) -> list[Timeline | IpdesignateError]:
    """``run_batch`` over ``jobs`` processes, the parent being one of them.

    The parent forks ``jobs - 1`` workers; every process, the parent too, claims the next
    chunk of units from a shared counter until none is left (so none idles while work
    remains), and the parent unpickles the workers' results between its own chunks. The
    workers inherit the units with the fork and send back only results. (Measured for
    issue 13: a pool of ``jobs`` workers left the parent only unpickling, three processes
    on two cores, and pickling the events to the workers cost the parent about as much as
    running them.)
    """
    import multiprocessing
    import queue

    global _WORKER
    ctx = multiprocessing.get_context("fork")
    shared = _Shared(compiled, checked, units, ctx, until)
    workers: list[Any] = []
    with _ENGINE_LOCK:  # no engine call is half done in the process being copied
        _WORKER = shared
        # Frozen objects are never scanned by the collector: the workers' collections do
        # not touch (and so copy) every page they inherited (Python's gc.freeze advice).
        # A caller that froze objects itself keeps them frozen: we then leave it alone.
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            for _ in range(min(jobs, len(shared.chunks)) - 1):
                worker = ctx.Process(target=_work, daemon=True)
                worker.start()
                workers.append(worker)
        finally:
            if freeze:
                gc.unfreeze()
            _WORKER = None
    done: dict[int, list[Timeline | IpdesignateError]] = {}

    def take(item: tuple[int, bytes | str]) -> None:
        i, blob = item
        if isinstance(blob, str):
            raise LifecycleError(f"a worker process failed: {blob}")
        with _gc_paused():
            done[i] = pickle.loads(blob)

    try:
        while (i := shared.claim()) is not None:
            done[i] = shared.run(i)
            with contextlib.suppress(queue.Empty):
                while True:
                    take(shared.results.get_nowait())
        while len(done) < len(shared.chunks):
            try:
                take(shared.results.get(timeout=0.5))
            except queue.Empty:
                if not any(w.is_alive() for w in workers):
                    with contextlib.suppress(queue.Empty):
                        take(shared.results.get(timeout=0.5))
                        continue
                    raise LifecycleError("a worker process ended without returning its "
                                         "units") from None
    finally:
        for w in workers:
            w.join(timeout=5)
            if w.is_alive():  # pragma: no cover - only after an error in the parent
                w.terminate()
                w.join()
    out: list[Timeline | IpdesignateError] = []
    for i, (start, stop) in enumerate(shared.chunks):  # never trust a batch unchecked
        results = done.get(i)
        if results is None or len(results) != stop - start:
            raise LifecycleError("a chunk of units came back incomplete")
        out.extend(results)
    if len(out) != len(units):
        raise LifecycleError("a unit's timeline is missing from the batch result")
    return out


def _run_one(compiled: CompiledLifecycle, unit: str, events: Sequence[Event],
             checked: bool, until: _dt.date | None = None) -> Timeline | IpdesignateError:
    try:
        return compiled.run(events, unit=unit, checked=checked, until=until)
    except IpdesignateError as exc:
        return exc


def _work() -> None:
    """A forked worker: claim chunks until none is left; send each one's results pickled
    (the parent unpickles them with the collector paused, see ``_gc_paused``)."""
    shared = _WORKER
    assert shared is not None  # set in the parent before the fork
    try:
        while (i := shared.claim()) is not None:
            results = shared.run(i)
            for k, r in enumerate(results):  # an error that cannot cross processes is said
                if isinstance(r, IpdesignateError):  # in words
                    try:
                        pickle.loads(pickle.dumps(r))
                    except Exception:
                        results[k] = LifecycleError(str(r), getattr(r, "rule_id", None))
            shared.results.put((i, pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)))
    except BaseException as exc:  # said to the parent, which raises it
        shared.results.put((-1, f"{type(exc).__name__}: {exc}"))
    finally:
        shared.results.close()
        shared.results.join_thread()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one chunk of units.

    A chunk builds a few hundred objects per unit that all survive (the results), so the
    collector's generational passes keep re-scanning them: measured, it took ~12% of a run
    in one process and ~80% of the parent's time collecting ``--jobs`` results (issue 13).
    The results hold no reference cycles. Paused for one chunk only, never across chunks:
    whatever cycles a chunk leaves (an error's traceback) are collected by the next
    collection after it, so memory stays flat on any number of units.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_units(compiled: CompiledLifecycle,
              units: Iterable[tuple[str, Sequence[Event]]], *, jobs: int = 1) -> list[Timeline]:
    """Run many units (over ``jobs`` processes) and check that every unit got its timeline;
    the first unit's error is raised."""
    wanted = list(units)
    out = run_batch(compiled, wanted, jobs=jobs)
    for r in out:
        if isinstance(r, IpdesignateError):
            raise r
    timelines = [r for r in out if isinstance(r, Timeline)]
    if [t.unit for t in timelines] != [u for u, _ in wanted]:  # never trust a batch
        raise LifecycleError("a unit's timeline is missing from the batch result")
    return timelines


__all__ = [
    "CompiledLifecycle",
    "DerivationLimit",
    "DerivedFact",
    "LifecycleSource",
    "compile_lifecycle",
    "compile_source",
    "live_rulesets",
    "run_batch",
    "run_units",
    "source_of",
]
