"""Run a rulebook's embedded test cases and measure clause coverage.

Coverage counts, for every (article, item) that carries a criterion, whether some test
case saw it pass and some saw it not pass (fail, unknown, review or exempt).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._core.errors import IpdesignateError, Path, Problem
from .._core.validate import validate
from .._core.yaml import Located
from ..applicant.events import check_history
from ..applicant.load import parse_profile
from ..applicant.vocabulary import Vocabulary
from ..eligibility.evaluate import CompiledRulebook
from ..rulebook.model import Rulebook, TestCase


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``dotted`` in ``data`` (a fresh top-level copy), copying only the mappings on
    the way down: the base profile is shared by every case and never changed."""
    parts: list[Any] = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    node = data
    for part in parts[:-1]:
        nxt = node.get(part)
        nxt = dict(nxt) if isinstance(nxt, dict) else {}
        node[part] = nxt
        node = nxt
    if value is None:
        node.pop(parts[-1], None)  # null removes a field: it becomes unknown
    else:
        node[parts[-1]] = value


def case_profile_data(rulebook: Rulebook, case: TestCase) -> dict[str, Any] | None:
    if case.profile is not None:
        return case.profile
    if case.base is None or case.base not in rulebook.test_profiles:
        return None
    # A copy of the top level and of the mappings a `with` goes through, not a deep copy
    # of the base: 200 cases of a large base cost 200 small copies (it took 23.7 s).
    data = dict(rulebook.test_profiles[case.base])
    for dotted, value in case.with_.items():
        _set(data, dotted, value)
    return data


Positions = dict[str, tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]]


def base_positions(located: Located) -> Positions:
    """Positions inside each ``test_profiles`` entry, relative to that profile (once per file)."""
    out: Positions = {}
    for index, table in enumerate((located.values, located.keys)):
        for path, pos in table.items():
            if len(path) > 1 and path[0] == "test_profiles" and isinstance(path[1], str):
                out.setdefault(path[1], ({}, {}))[index][path[2:]] = pos
    return out


def case_located(located: Located, rulebook: Rulebook, index: int,
                 bases: Positions | None = None) -> tuple[Located, Path] | None:
    """A Located for the case's profile, whose positions point into the rulebook file."""
    case = rulebook.tests[index]
    if case.profile is not None:
        return located, ("tests", index, "profile")
    data = case_profile_data(rulebook, case)
    if data is None:
        return None
    view = Located(data, located.file)
    values, keys = (bases if bases is not None else base_positions(located)).get(
        case.base or "", ({}, {}))
    view.values.update(values)
    view.keys.update(keys)
    for dotted in case.with_:
        parts = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
        where = located.keys.get(("tests", index, "with", dotted))
        if where is not None:
            for i in range(1, len(parts) + 1):
                view.values[parts[:i]] = where
                view.keys[parts[:i]] = where
    return view, ()


def check_cases(located: Located, rulebook: Rulebook, problems: list[Problem],
                vocabulary: Vocabulary) -> None:
    """Validate every case: its designation, expected criteria, base and profile, and
    the case's event history against the rulebook's event types."""
    bases = base_positions(located)
    base_problems: dict[tuple[str, str], set[str]] = {}
    for i, case in enumerate(rulebook.tests):
        path: Path = ("tests", i)
        d = rulebook.designations.get(case.designation)
        if d is None:
            problems.append(located.problem((*path, "designation"),
                                            f"no designation {case.designation!r}",
                                            expected=f"one of: {', '.join(rulebook.designations)}"))
            continue
        ids = {c.id for c in d.criteria}
        for k, nid in enumerate(case.expect.notices or ()):
            if nid not in {n.id for n in d.notices}:
                problems.append(located.problem((*path, "expect", "notices", k),
                                                f"no notice {nid!r} in {case.designation}"))
        for cid in case.expect.criteria:
            if cid not in ids:
                problems.append(located.problem((*path, "expect", "criteria", cid),
                                                f"no criterion {cid!r} in {case.designation}",
                                                key=True))
        if (case.profile is None) == (case.base is None):
            problems.append(located.problem(path, "a test case needs either 'profile' or "
                                            "'base' (with optional 'with')"))
            continue
        if case.base is not None and case.base not in rulebook.test_profiles:
            known = ", ".join(rulebook.test_profiles)
            problems.append(located.problem((*path, "base"), f"no test profile {case.base!r}",
                                            expected=f"one of: {known}"))
            continue
        if d.profile not in vocabulary.kinds:
            continue
        model = vocabulary.model(d.profile)
        if case.profile is not None:
            prefix: Path = (*path, "profile")
            _validate_profile(model, located, prefix, rulebook, problems)
            continue
        assert case.base is not None
        key = (case.base, d.profile)
        if key not in base_problems:  # the base in full, once per profile kind
            mine: list[Problem] = []
            values, keys = bases.get(case.base, ({}, {}))
            view = Located(rulebook.test_profiles[case.base], located.file, values, keys)
            _validate_profile(model, view, (), rulebook, mine, ("test_profiles", case.base))
            problems.extend(mine)
            base_problems[key] = {str(p) for p in mine}
        # the case: what its `with` changed, beside the base's plain values (a part
        # within its whole is checked against the whole); its problems, not the base's
        seen = base_problems[key]
        mine = []
        _validate_profile(model, _changed_view(located, rulebook, i, bases), (), rulebook,
                          mine)
        problems.extend(p for p in mine if str(p) not in seen)


def _changed_view(located: Located, rulebook: Rulebook, index: int,
                  bases: Positions) -> Located:
    """The case's profile as far as it differs from its (already validated) base: every
    plain value, and the lists and mappings its ``with`` touches; positions of the base's
    top-level keys and of the ``with`` entries."""
    case = rulebook.tests[index]
    data = case_profile_data(rulebook, case)
    assert data is not None and case.base is not None
    changed = {dotted.split(".")[0] for dotted in case.with_}
    partial = {k: v for k, v in data.items()
               if k in changed or not isinstance(v, (dict, list))}
    values, keys = bases.get(case.base, ({}, {}))
    view = Located(partial, located.file)
    case_at = located.values.get(("tests", index))
    if case_at is not None:  # a problem of the whole profile: at the case
        view.values[()] = case_at
    for k in partial:
        if (k,) in values:
            view.values[(k,)] = values[(k,)]
        if (k,) in keys:
            view.keys[(k,)] = keys[(k,)]
    for dotted in case.with_:
        parts = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
        where = located.keys.get(("tests", index, "with", dotted))
        if where is not None:
            for n in range(1, len(parts) + 1):
                view.values[parts[:n]] = where
                view.keys[parts[:n]] = where
    return view


def _validate_profile(model: Any, located: Located, prefix: Path, rulebook: Rulebook,
                      problems: list[Problem], shown_at: Path | None = None) -> None:
    """Validate the profile at ``prefix`` and check its events against the rulebook's
    event types (a history the lifecycle would refuse is refused when the rulebook
    loads, not when its tests run)."""
    mine: list[Problem] = []
    profile = validate(model, located, mine, prefix)
    events = getattr(profile, "events", None)
    if events and rulebook.event_types:
        # a profile lists its events as a set; evaluation runs them in date order
        order = sorted(range(len(events)), key=lambda n: events[n].date)
        for issue in check_history([events[n] for n in order], rulebook.event_types,
                                   frozenset(rulebook.designations)):
            at = order[issue.index]
            mine.append(located.problem((*prefix, "events", at, *issue.key),
                                        issue.message, expected=issue.expected,
                                        found=issue.found))
    if shown_at is not None:  # a base profile: its paths as written in the file
        mine = [dataclasses.replace(p, path=(*shown_at, *p.path)) for p in mine]
    problems.extend(mine)


@dataclass
class CaseResult:
    name: str
    designation: str
    ok: bool
    verdict: str
    expected: str
    mismatches: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    """Which clauses were seen passing and not passing."""

    clauses: dict[tuple[str, int, int | None], set[str]] = field(default_factory=dict)
    # criteria declared ``known_gap`` (wording not yet known): listed apart, not counted
    known_gaps: list[str] = field(default_factory=list)

    def add(self, key: tuple[str, int, int | None], outcome: str) -> None:
        self.clauses.setdefault(key, set()).add(outcome)

    def gaps(self) -> list[str]:
        out = []
        for (designation, article, item), seen in sorted(
                self.clauses.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)):
            missing = [o for o in ("pass", "not pass") if o not in seen]
            if missing:
                where = f"{designation} 第{article}条" + (f"第{item}项" if item else "")
                out.append(f"{where}: never seen {' or '.join(missing)}")
        return out

    def percent(self) -> float:
        if not self.clauses:
            return 100.0
        full = sum(1 for seen in self.clauses.values() if len(seen) == 2)
        return 100.0 * full / len(self.clauses)


# The statuses a verdict cannot coexist with (the verdict follows fail > unknown > review).
_INCOMPATIBLE = {"eligible": ("fail", "unknown", "review"), "needs_review": ("fail", "unknown"),
                 "undetermined": ("fail",), "ineligible": (), "suspended": ()}
# The status a verdict needs at least one criterion to have.
_NEEDED = {"ineligible": "fail", "undetermined": "unknown", "needs_review": "review"}


def _detail(r: Any) -> str:
    tr = r.trace
    if tr is None:
        return ""
    if tr.missing:
        return " — missing " + ", ".join(tr.missing)
    if tr.figures:
        return " — " + "; ".join(f.text for f in tr.figures)
    if tr.notes:
        return " — " + "; ".join(tr.notes)
    return ""


def _why_verdict(decision: Any, expected: str, stated: Mapping[str, str]) -> list[str]:
    """Name the criteria whose status makes the verdict differ from the expected one."""
    if decision.verdict == "suspended" or expected == "suspended":
        return [f"suspension: {s.id} {s.status}" for s in decision.suspensions]
    out = []
    bad = _INCOMPATIBLE[expected]
    for r in decision.criteria:
        if r.status in bad and r.id not in stated:
            out.append(f"{r.id}: {r.status}, which a verdict {expected} excludes{_detail(r)}")
    needed = _NEEDED.get(expected)
    if needed and not any(r.status == needed for r in decision.criteria):
        candidates = [r for r in decision.criteria
                      if r.status not in ("not_applicable", "exempt", needed)
                      and (expected != "ineligible" or r.status != "pass")]
        if not candidates:
            candidates = [r for r in decision.criteria if r.status == "pass"]
        names = ", ".join(f"{r.id} ({r.status})" for r in candidates)
        out.append(f"no criterion is {needed}, which a verdict {expected} needs"
                   + (f"; candidates: {names}" if names else ""))
    return out


def run_cases(compiled: CompiledRulebook) -> tuple[list[CaseResult], Coverage]:
    model = compiled.model
    coverage = Coverage()
    for did, d in compiled.designations.items():
        for cc in d.criteria:
            if cc.known_gap is not None:
                where = f"第{cc.cite.article}条" + (f"第{cc.cite.item}项" if cc.cite.item else "")
                coverage.known_gaps.append(f"{did} {where} {cc.id}: {cc.known_gap.en} / "
                                           f"{cc.known_gap.zh}")
                continue
            coverage.clauses.setdefault((did, cc.cite.article, cc.cite.item), set())
    results = []
    for case in model.tests:
        data = case_profile_data(model, case)
        if data is None:  # pragma: no cover - rejected when the rulebook loaded
            raise IpdesignateError(f"test {case.name!r} has no profile")
        try:
            decision = compiled.evaluate(parse_profile(data, f"test {case.name}",
                                                       compiled.vocabulary),
                                         case.designation, case.on)
        except IpdesignateError as exc:
            results.append(CaseResult(case.name, case.designation, False, "error",
                                      case.expect.verdict, [str(exc)]))
            continue
        mismatches = []
        if decision.verdict != case.expect.verdict:
            mismatches.append(f"verdict {decision.verdict}, expected {case.expect.verdict}")
            mismatches.extend(_why_verdict(decision, case.expect.verdict, case.expect.criteria))
        want_notices = case.expect.notices
        got_notices = tuple(n.id for n in decision.notices)
        if want_notices is not None and sorted(want_notices) != sorted(got_notices):
            mismatches.append(f"notices {list(got_notices)}, expected {list(want_notices)}")
        for r in decision.criteria:
            want = case.expect.criteria.get(r.id)
            if want is not None and want != r.status:
                mismatches.append(f"{r.id}: {r.status}, expected {want}")
            if r.status != "not_applicable" and r.known_gap is None:
                outcome = "pass" if r.status == "pass" else "not pass"
                coverage.add((case.designation, r.cite.article, r.cite.item), outcome)
        results.append(CaseResult(case.name, case.designation, not mismatches,
                                  decision.verdict, case.expect.verdict, mismatches))
    return results, coverage
