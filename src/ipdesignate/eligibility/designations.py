"""Compile a validated rulebook's designations into closures: parse once, evaluate many.

Everything that can be known without a profile is settled here, and every mistake is
reported with its position: a field the profile does not have ("did you mean …"), an
undefined reading, a threshold that does not fit its measure, duplicate ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._core.errors import Path, did_you_mean
from ..decision.trace import PASS, CriterionResult, ReadingUsed
from ..rulebook.base import Citation, Text
from ..rulebook.model import Criterion, Designation, Notice, Procedure, Suspension
from .checks import compile_check, fast_of
from .compiler import CheckFn, Compiler, Ctx, FastFn


@dataclass(frozen=True)
class CompiledCriterion:
    id: str
    cite: Citation
    text: Text
    applies_to: frozenset[str] | None
    check: CheckFn
    readings: tuple[ReadingUsed, ...]
    exemption: Citation | None
    exemption_check: CheckFn | None
    relaxation: Citation | None
    relaxation_check: CheckFn | None
    relaxation_hint: Text | None = None
    known_gap: Text | None = None
    plain: bool = field(default=False, init=False)
    fast: FastFn = field(init=False, repr=False, compare=False)
    priority: tuple[CompiledPriority, ...] = ()
    # it reads statuses of criteria decided after it, which a later trace would see
    traced_at_once: bool = False
    deferred: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # no exemption, relaxation or priority factor: the check's status is the result
        object.__setattr__(self, "plain", self.exemption_check is None
                           and self.relaxation is None and not self.priority
                           and not self.traced_at_once)
        # the status alone: a plain criterion's trace is built when it is read
        object.__setattr__(self, "fast", fast_of(self.check))
        # A passing check with no priority factor settles the result alone (no exemption or
        # relaxation is looked at): the status now, the trace when it is read.
        object.__setattr__(self, "deferred", not self.priority and not self.traced_at_once)


@dataclass(frozen=True)
class CompiledPriority:
    id: str
    cite: Citation
    text: Text
    check: CheckFn


@dataclass(frozen=True)
class CompiledSuspension:
    id: str
    cite: Citation
    text: Text
    check: CheckFn


@dataclass(frozen=True)
class CompiledNotice:
    id: str
    cite: Citation
    text: Text
    level: str
    check: CheckFn

    def __post_init__(self) -> None:
        object.__setattr__(self, "fast", fast_of(self.check))  # only its status is kept

    fast: FastFn = field(init=False, repr=False, compare=False)


@dataclass(frozen=True)
class CompiledDesignation:
    id: str
    name: Text
    profile: str
    applies_to: frozenset[str]
    criteria: tuple[CompiledCriterion, ...]
    suspensions: tuple[CompiledSuspension, ...]
    notices: tuple[CompiledNotice, ...] = ()
    procedure: Procedure | None = None
    # the criteria, fused into one function (``fuse``)
    run: Callable[[Ctx, str, GeneralFn], tuple[tuple[CriterionResult, ...], list[str]]] = \
        field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Fused on first use: a command that checks one designation does not generate code
        # for every designation of every rulebook it loads. Two threads racing here each
        # build an equivalent function; either may stay.
        def first(ctx: Ctx, entity: str, general: GeneralFn
                  ) -> tuple[tuple[CriterionResult, ...], list[str]]:
            fused = fuse(self.criteria)
            object.__setattr__(self, "run", fused)
            return fused(ctx, entity, general)

        object.__setattr__(self, "run", first)


# What the evaluator does for a criterion that is not plain (or not applicable to the
# entity): the whole result, at once.
GeneralFn = Callable[[CompiledCriterion, Ctx, str], CriterionResult]


def fuse(criteria: tuple[CompiledCriterion, ...]
         ) -> Callable[[Ctx, str, GeneralFn], tuple[tuple[CriterionResult, ...], list[str]]]:
    """One function that decides every criterion of a designation in order: for a plain
    criterion, its status-only check and a result holding the check and the context (the
    trace is built from them when read); for one with an exemption or a
    relaxation, the same when its check passes, else ``general``; for any other,
    ``general``. Each
    status is recorded in ``ctx.results`` before the next criterion runs (``outcome``
    reads it). The code is generated from the criteria's positions only: every value
    (check, citation, id, entity types) is a name bound to the compiled object."""
    env: dict[str, Any] = {"CR": CriterionResult, "PASS": PASS}
    lines = ["def run(ctx, entity, general):", "    known = ctx.results"]
    for i, cc in enumerate(criteria):
        env[f"cc{i}"], env[f"id{i}"] = cc, cc.id
        general = (f"    r{i} = general(cc{i}, ctx, entity)", f"    s{i} = r{i}.status")
        if not cc.deferred:
            lines += general
        else:
            env.update({f"f{i}": cc.fast, f"cite{i}": cc.cite, f"text{i}": cc.text,
                        f"rd{i}": cc.readings, f"ex{i}": cc.exemption, f"gap{i}": cc.known_gap,
                        f"chk{i}": cc.check})
            # one class for every result: attribute reads elsewhere stay monomorphic
            plain = [f"s{i} = f{i}(ctx)", f"r{i} = CR(id{i}, s{i}, cite{i}, text{i}, None, "
                     f"rd{i}, ex{i}, None, None, gap{i}, (), chk{i}, ctx)"]
            if not cc.plain:  # an exemption or relaxation: only a pass is settled alone
                plain = [plain[0], f"if s{i} == PASS:", *("    " + line for line in plain[1:]),
                         "else:", f"    r{i} = general(cc{i}, ctx, entity)",
                         f"    s{i} = r{i}.status"]
            if cc.applies_to is None:
                lines += ["    " + line for line in plain]
            else:
                env[f"a{i}"] = cc.applies_to
                lines += [f"    if entity in a{i}:", *("        " + line for line in plain),
                          "    else:", *("    " + line for line in general)]
        lines.append(f"    known[id{i}] = s{i}")
    n = len(criteria)
    lines.append(f"    return ({''.join(f'r{i}, ' for i in range(n))}), "
                 f"[{', '.join(f's{i}' for i in range(n))}]")
    exec("\n".join(lines), env)  # code made above from positions only
    run: Callable[[Ctx, str, GeneralFn], tuple[tuple[CriterionResult, ...], list[str]]] = \
        env["run"]
    return run


def check_interpretations(c: Compiler) -> None:
    for name, interp in c.rulebook.interpretations.items():
        if interp.use not in interp.options:
            c.problem(("interpretations", name, "use"),
                      f"reading {name!r} uses option {interp.use!r}, which it does not define"
                      f"{did_you_mean(interp.use, interp.options)}",
                      expected=f"one of: {', '.join(interp.options)}", found=repr(interp.use))


def _criterion(c: Compiler, crit: Criterion, path: Path, kinds: tuple[str, ...]
               ) -> CompiledCriterion:
    c.used = {}
    c.reads_outcomes = False
    if crit.applies_to is not None:
        for i, kind in enumerate(crit.applies_to):
            if kinds and kind not in kinds:
                c.problem((*path, "applies_to", i), f"unknown entity type {kind!r}"
                          f"{did_you_mean(kind, kinds)}", expected=f"one of: {', '.join(kinds)}")
    check = compile_check(c, crit.check, (*path, "check"))
    ex_check = rx_check = None
    seen: dict[str, int] = {}
    priority = []
    for i, factor in enumerate(crit.priority):
        if factor.id in seen:
            c.problem((*path, "priority", i, "id"), f"duplicate priority factor id "
                      f"{factor.id!r} (first at priority[{seen[factor.id]}])")
        seen.setdefault(factor.id, i)
        priority.append(CompiledPriority(factor.id, factor.cite, factor.text, compile_check(
            c, factor.check, (*path, "priority", i, "check"))))
    if crit.exemption is not None:
        ex_check = compile_check(c, crit.exemption.when, (*path, "exemption", "when"))
    if crit.relaxation is not None and crit.relaxation.when is not None:
        rx_check = compile_check(c, crit.relaxation.when, (*path, "relaxation", "when"))
    return CompiledCriterion(
        id=crit.id, cite=crit.cite, text=crit.text,
        applies_to=frozenset(crit.applies_to) if crit.applies_to is not None else None,
        check=check, readings=tuple(c.used[k] for k in sorted(c.used)),
        exemption=crit.exemption.cite if crit.exemption else None, exemption_check=ex_check,
        relaxation=crit.relaxation.cite if crit.relaxation else None, relaxation_check=rx_check,
        relaxation_hint=crit.relaxation.hint if crit.relaxation else None,
        known_gap=crit.known_gap.reason if crit.known_gap else None,
        priority=tuple(priority), traced_at_once=c.reads_outcomes,
    )


def _suspension(c: Compiler, s: Suspension, path: Path) -> CompiledSuspension:
    return CompiledSuspension(s.id, s.cite, s.text, compile_check(c, s.when, (*path, "when")))


def _notice(c: Compiler, n: Notice, path: Path) -> CompiledNotice:
    return CompiledNotice(n.id, n.cite, n.text, n.level,
                          compile_check(c, n.when, (*path, "when")))


def compile_designation(c: Compiler, did: str, d: Designation) -> CompiledDesignation:
    path: Path = ("designations", did)
    c.kind = d.profile
    c.criteria = tuple(crit.id for crit in d.criteria)
    vocab = c.vocabulary
    if vocab is not None and d.profile not in vocab.kinds:
        c.problem((*path, "profile"), f"no profile kind {d.profile!r} in the vocabulary"
                  f"{did_you_mean(d.profile, vocab.kinds)}",
                  expected=f"one of: {', '.join(vocab.kinds)}", found=repr(d.profile))
        vocab = None
    c.fields = vocab.readable_fields(d.profile) if vocab is not None else {}
    kinds = c.entity_types()
    for i, kind in enumerate(d.applies_to):
        if kinds and kind not in kinds:
            c.problem((*path, "applies_to", i), f"unknown entity type {kind!r}"
                      f"{did_you_mean(kind, kinds)}", expected=f"one of: {', '.join(kinds)}")
    seen: dict[str, int] = {}
    criteria = []
    for i, crit in enumerate(d.criteria):
        if crit.id in seen:
            c.problem((*path, "criteria", i, "id"),
                      f"duplicate criterion id {crit.id!r} (first at criteria[{seen[crit.id]}])")
        seen.setdefault(crit.id, i)
        criteria.append(_criterion(c, crit, (*path, "criteria", i), kinds))
        if crit.applies_to is not None and not set(crit.applies_to) & set(d.applies_to):
            c.problem((*path, "criteria", i, "applies_to"),
                      f"criterion {crit.id!r} can never apply: its applies_to "
                      f"({', '.join(crit.applies_to) or 'nothing'}) shares no entity type with "
                      f"the designation's ({', '.join(d.applies_to)})",
                      expected=f"some of: {', '.join(d.applies_to)}")
    suspensions = tuple(_suspension(c, s, (*path, "suspensions", i))
                        for i, s in enumerate(d.suspensions))
    c.used = {}
    notices = tuple(_notice(c, n, (*path, "notices", i)) for i, n in enumerate(d.notices))
    return CompiledDesignation(did, d.name, d.profile, frozenset(d.applies_to), tuple(criteria),
                               suspensions, notices, d.procedure)
