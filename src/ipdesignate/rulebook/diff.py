"""The semantic difference between two versions of a rulebook.

Criteria are matched by designation and id, lifecycle rules by id. A changed criterion is
reported per aspect a reader cares about — threshold, comparator, window, reading default,
citation, applies_to, exemption, relaxation, wording, check — each with the citation of
both versions. Nothing here evaluates a profile (see ``library.diff`` for who flips).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .._core.periods import parse_period
from .base import Citation
from .model import Criterion, Designation, Rulebook
from .sourcetext import where_words

COMPARATORS = ("at_least", "more_than", "at_most", "less_than", "equals")

Aspect = Literal["added", "removed", "threshold", "comparator", "window", "reading default",
                 "citation", "applies_to", "exemption", "relaxation", "wording", "check",
                 "period", "rule", "date", "designation", "suspension", "reading", "profile",
                 "priority", "known_gap", "provenance", "recurrence", "reading switch",
                 "calendar", "carries_over"]


class Change(BaseModel):
    """One difference: where (``what``), which aspect, the old and new value and citations."""

    model_config = ConfigDict(frozen=True)

    section: Literal["criterion", "designation", "lifecycle", "dates", "readings"]
    what: str  # e.g. "pilot/implementation_rate", "lifecycle rule validity_three_years"
    aspect: Aspect
    path: str = ""  # where inside the item, e.g. "check.at_least"
    old: str | None = None
    new: str | None = None
    old_cite: str | None = None
    new_cite: str | None = None

    def text(self) -> str:
        """``threshold (check.at_least): 40% → 50%`` — the change without its subject."""
        if self.aspect == "added":
            return f"added: {self.new}"
        if self.aspect == "removed":
            return f"removed: {self.old}"
        where = f" ({self.path})" if self.path else ""
        old = self.old if self.old is not None else "—"
        new = self.new if self.new is not None else "—"
        return f"{self.aspect}{where}: {old} → {new}"


def cite_words(c: Citation | None) -> str | None:
    if c is None:
        return None
    return f"{where_words(c.article, c.paragraph, c.item)} 「{c.text}」"


def _show(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"reading"}:
        return f"reading {value['reading']}"
    if isinstance(value, (dict, list, tuple)):
        import json
        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"check.measure.window.years": 3, …}`` — leaves of a dumped model."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        if set(value) == {"reading"}:  # a reading reference is one leaf
            out[prefix] = value
            return out
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, (list, tuple)) and value and any(
            isinstance(v, (dict, list, tuple)) for v in value):
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = list(value) if isinstance(value, tuple) else value
    return out


def _dump(model: BaseModel | None) -> dict[str, Any]:
    if model is None:
        return {}
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def _readings_used(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        if set(value) == {"reading"} and isinstance(value["reading"], str):
            found.add(value["reading"])
        for v in value.values():
            found |= _readings_used(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            found |= _readings_used(v)
    return found


def _aspect(path: str, old: Any, new: Any) -> Aspect:
    head = path.split(".")[0].split("[")[0]
    last = path.rsplit(".", 1)[-1]
    steps = path.replace("[", ".[").split(".")
    if head in ("priority", "known_gap"):
        return head  # type: ignore[return-value]
    if "explainer" in steps or "inferred" in steps:
        return "provenance"  # where the words come from, beside the measure's own
    if head in ("cite",):
        return "citation"
    if head == "if_reading" or last == "switch" or (
            "cases" in steps and (old is None or new is None)):
        return "reading switch"  # which reading chooses, or a case added or removed
    if last == "every":
        return "recurrence"
    if head in ("applies_to", "exemption", "relaxation"):
        return head  # type: ignore[return-value]
    if head == "text" or last in ("zh", "en", "note"):
        return "wording"
    if last in COMPARATORS:
        return "threshold" if old is not None and new is not None else "comparator"
    if "window" in path or "within" in path.split(".") or last in ("years", "ending"):
        return "window"
    if isinstance(old, str) and isinstance(new, str) and parse_period(old) and parse_period(new):
        return "period"
    return "check"


def _compare(section: Any, what: str, old: dict[str, Any], new: dict[str, Any],
             old_cite: str | None, new_cite: str | None) -> list[Change]:
    fo, fn = _flat(old), _flat(new)
    changes: list[Change] = []
    # a comparator swapped (at_least 3 → more_than 3) is one change, not two
    cmp_old = {p.rsplit(".", 1)[0]: p for p in fo if p.rsplit(".", 1)[-1] in COMPARATORS}
    cmp_new = {p.rsplit(".", 1)[0]: p for p in fn if p.rsplit(".", 1)[-1] in COMPARATORS}
    paired: set[str] = set()
    for base, po in cmp_old.items():
        pn = cmp_new.get(base)
        if pn is not None and pn != po:
            paired |= {po, pn}
            op_o, op_n = po.rsplit(".", 1)[-1], pn.rsplit(".", 1)[-1]
            changes.append(Change(section=section, what=what, aspect="comparator", path=base,
                                  old=f"{op_o} {_show(fo[po])}", new=f"{op_n} {_show(fn[pn])}",
                                  old_cite=old_cite, new_cite=new_cite))
    for path in sorted(set(fo) | set(fn)):
        if path in paired:
            continue
        a, b = fo.get(path), fn.get(path)
        if a == b:
            continue
        changes.append(Change(section=section, what=what, aspect=_aspect(path, a, b),
                              path=path, old=None if a is None else _show(a),
                              new=None if b is None else _show(b),
                              old_cite=old_cite, new_cite=new_cite))
    return changes


def _reading_changes(old: Rulebook, new: Rulebook) -> dict[str, tuple[str, str]]:
    """Readings whose default (the option in use, or its value) differs."""
    out: dict[str, tuple[str, str]] = {}
    for name, io in old.interpretations.items():
        inew = new.interpretations.get(name)
        if inew is None:
            continue
        vo = io.options.get(io.use)
        vn = inew.options.get(inew.use)
        if io.use != inew.use or (vo and vn and vo.value != vn.value):
            out[name] = (f"{io.use} ({vo.says if vo else '?'})",
                         f"{inew.use} ({vn.says if vn else '?'})")
    return out


def _criteria(did: str, do: Designation, dn: Designation,
              readings: dict[str, tuple[str, str]]) -> list[Change]:
    changes: list[Change] = []
    old_by = {c.id: c for c in do.criteria}
    new_by = {c.id: c for c in dn.criteria}
    for cid, c in old_by.items():
        if cid not in new_by:
            changes.append(Change(section="criterion", what=f"{did}/{cid}", aspect="removed",
                                  old=c.text.en, old_cite=cite_words(c.cite)))
    for cid, c in new_by.items():
        co: Criterion | None = old_by.get(cid)
        if co is None:
            changes.append(Change(section="criterion", what=f"{did}/{cid}", aspect="added",
                                  new=c.text.en, new_cite=cite_words(c.cite)))
            continue
        oc, nc = cite_words(co.cite), cite_words(c.cite)
        dump_o = {k: v for k, v in _dump(co).items() if k != "id"}
        dump_n = {k: v for k, v in _dump(c).items() if k != "id"}
        changes += _compare("criterion", f"{did}/{cid}", dump_o, dump_n, oc, nc)
        for name in sorted(_readings_used(dump_o) & _readings_used(dump_n)):
            if name in readings:
                o, n = readings[name]
                changes.append(Change(section="criterion", what=f"{did}/{cid}",
                                      aspect="reading default", path=name, old=o, new=n,
                                      old_cite=oc, new_cite=nc))
    return changes


def diff_models(old: Rulebook, new: Rulebook) -> list[Change]:
    """Every semantic difference from ``old`` to ``new``."""
    changes: list[Change] = []
    # dates and identity of the version
    for label, a, b in (
            ("effective from", old.effective.from_.date, new.effective.from_.date),
            ("effective until", old.effective.until.date if old.effective.until else None,
             new.effective.until.date if new.effective.until else None),
            ("trial", old.effective.trial, new.effective.trial),
            ("issued", old.issued.date, new.issued.date),
            ("document number", old.document_number.value, new.document_number.value)):
        if a != b:
            effective = label.startswith("effective") or label == "trial"
            changes.append(Change(section="dates", what=label, aspect="date",
                                  old=None if a is None else str(a),
                                  new=None if b is None else str(b),
                                  old_cite=cite_words(old.effective.cite) if effective else None,
                                  new_cite=cite_words(new.effective.cite) if effective else None))
    readings = _reading_changes(old, new)
    for name, (o, n) in readings.items():
        cite_o = old.interpretations[name].cite
        cite_n = new.interpretations[name].cite
        changes.append(Change(section="readings", what=f"reading {name}",
                              aspect="reading default", old=o, new=n,
                              old_cite=cite_words(cite_o), new_cite=cite_words(cite_n)))
    for did, d in old.designations.items():
        if did not in new.designations:
            changes.append(Change(section="designation", what=did, aspect="removed",
                                  old=d.name.zh))
    for did, dn in new.designations.items():
        do = old.designations.get(did)
        if do is None:
            changes.append(Change(section="designation", what=did, aspect="added",
                                  new=f"{dn.name.zh} ({len(dn.criteria)} criteria)"))
            for c in dn.criteria:
                changes.append(Change(section="criterion", what=f"{did}/{c.id}",
                                      aspect="added", new=c.text.en,
                                      new_cite=cite_words(c.cite)))
            continue
        for key, aspect in (("applies_to", "applies_to"), ("profile", "profile"),
                            ("name", "wording")):
            a, b = _dump(do).get(key), _dump(dn).get(key)
            if a != b:
                changes.append(Change(section="designation", what=did, aspect=aspect,
                                      path=key, old=_show(a), new=_show(b)))
        so = {s.id: _dump(s) for s in do.suspensions}
        sn = {s.id: _dump(s) for s in dn.suspensions}
        for sid in sorted(set(so) | set(sn)):
            if so.get(sid) != sn.get(sid):
                changes.append(Change(
                    section="designation", what=f"{did} suspension {sid}", aspect="suspension",
                    old=_show(so[sid]) if sid in so else None,
                    new=_show(sn[sid]) if sid in sn else None))
        changes += _criteria(did, do, dn, readings)
    changes += _lifecycle(old, new)
    return changes


def _lifecycle(old: Rulebook, new: Rulebook) -> list[Change]:
    ro = {r.id: r for r in (old.lifecycle.rules if old.lifecycle else ())}
    rn = {r.id: r for r in (new.lifecycle.rules if new.lifecycle else ())}
    changes: list[Change] = []
    for rid, r in ro.items():
        if rid not in rn:
            changes.append(Change(section="lifecycle", what=f"lifecycle rule {rid}",
                                  aspect="removed", old=r.text.en, old_cite=cite_words(r.cite)))
    for rid, r in rn.items():
        o = ro.get(rid)
        if o is None:
            periods = [f"{k} {v}" for k, v in _flat(_dump(r)).items()
                       if isinstance(v, str) and parse_period(v) is not None]
            shown = r.text.en + (f" ({'; '.join(periods)})" if periods else "")
            changes.append(Change(section="lifecycle", what=f"lifecycle rule {rid}",
                                  aspect="added", new=shown, new_cite=cite_words(r.cite)))
            continue
        for ch in _compare("lifecycle", f"lifecycle rule {rid}",
                           {k: v for k, v in _dump(o).items() if k != "id"},
                           {k: v for k, v in _dump(r).items() if k != "id"},
                           cite_words(o.cite), cite_words(r.cite)):
            aspect = ch.aspect if ch.aspect in _RULE_ASPECTS else "rule"
            changes.append(ch.model_copy(update={"aspect": aspect}))
    return changes + _section(old, new)


_RULE_ASPECTS = ("citation", "wording", "period", "provenance", "recurrence", "reading switch")


def _section(old: Rulebook, new: Rulebook) -> list[Change]:
    """The lifecycle section's own keys: its working-day calendar, and how histories of
    superseded versions carry over (``carries_over``, with its transitional clause)."""
    lo, ln = old.lifecycle, new.lifecycle
    changes: list[Change] = []
    co, cn = (lo.calendar if lo else None), (ln.calendar if ln else None)
    if co != cn:
        changes.append(Change(section="lifecycle", what="lifecycle calendar", aspect="calendar",
                              path="lifecycle.calendar", old=co, new=cn))
    ko, kn = (lo.carries_over if lo else None), (ln.carries_over if ln else None)
    if _dump(ko) != _dump(kn):
        oc = cite_words(ko.cite) if ko else None
        nc = cite_words(kn.cite) if kn else None
        # the clause is shown as each change's citation, not as changes of its own
        do = {k: v for k, v in _dump(ko).items() if k != "cite"}
        dn = {k: v for k, v in _dump(kn).items() if k != "cite"}
        for ch in _compare("lifecycle", "lifecycle carries_over", do, dn, oc, nc):
            changes.append(ch.model_copy(update={"aspect": "carries_over"}))
    return changes
