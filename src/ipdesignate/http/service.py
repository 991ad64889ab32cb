"""What each endpoint does, without HTTP: bytes in, JSON out, errors as problem documents.

A ``Service`` wraps one immutable ``Library``; a reload builds a new ``Service`` and swaps
the reference (``app.State``), so a request in flight finishes with the library it began
with, and every decision's ``rulebook.sha256`` says which one that was.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from .._core.errors import (
    EventsError,
    InputError,
    IpdesignateError,
    Problem,
    ProfileError,
    UnknownNameError,
    VersionError,
    did_you_mean,
)
from .._core.problem_doc import document, problem_document
from ..applicant.events import Event, parse_events
from ..applicant.load import profile_from_located
from ..applicant.profile import Profile
from ..decision.model import Decision
from ..decision.trace import citation_json
from ..eligibility.evaluate import CompiledRulebook
from ..library.batch import Batch
from ..library.library import Library
from ..lifecycle.engine import CompiledLifecycle
from .requests import (
    AllRequest,
    BatchRequest,
    Body,
    CheckRequest,
    RequestProblem,
    TimelineBatchRequest,
    TimelineRequest,
    envelope,
    relocated,
)


def _join(items: list[bytes]) -> bytes:
    return b"[" + b",".join(items) + b"]"


def _item(index: int, key: str, payload: bytes, **labels: str) -> bytes:
    """One batch result: ``{"index", "ok", labels..., key: payload}`` (payload is JSON)."""
    head: dict[str, Any] = {"index": index, "ok": key != "problem", **labels}
    start = json.dumps(head, ensure_ascii=False)[:-1].encode()
    return start + b',"' + key.encode() + b'":' + payload + b"}"


def _problem_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode()


class Service:
    """The endpoints' logic over one loaded library."""

    def __init__(self, library: Library, max_batch: int) -> None:
        self.library = library
        self.max_batch = max_batch
        self.loaded_at = _dt.datetime.now(_dt.UTC).replace(microsecond=0)

    # ---- eligibility ---------------------------------------------------------------------

    def _profile(self, body: Body, at: tuple[str | int, ...]) -> Profile:
        try:
            return profile_from_located(body.located, vocabulary=self.library.vocabulary, at=at)
        except ProfileError as exc:
            raise relocated(exc, body, ()) from None

    def _decide(self, body: Body, at: tuple[str | int, ...], profile: Profile,
                designation: str, on: _dt.date | None, version: str | None) -> Decision:
        try:
            return self.library.check(profile, designation, on, version)
        except InputError as exc:  # its paths are the profile's: say where in the body
            raise relocated(exc, body, at) from None

    def check(self, raw: bytes) -> bytes:
        body = Body(raw)
        req: CheckRequest = envelope(CheckRequest, body.located, raw)
        profile = self._profile(body, ("profile",))
        decision = self._decide(body, ("profile",), profile, req.designation, req.on,
                                req.version)
        return decision.model_dump_json().encode()

    def _limit(self, n: int, what: str) -> None:
        if n > self.max_batch:
            raise RequestProblem(document(
                "batch-too-long", f"{n} {what}; this service accepts at most {self.max_batch} "
                "in one request (split the batch)", limit=self.max_batch, length=n))

    def check_batch(self, raw: bytes) -> bytes:
        body = Body(raw)
        data = body.located.data
        if isinstance(data, dict) and isinstance(data.get("profiles"), list):
            self._limit(len(data["profiles"]), "profiles")  # before validating them
        req: BatchRequest = envelope(BatchRequest, body.located, raw)
        # Profiles are read here, so their problems carry lines in the body; a row that
        # cannot be read goes to check_many as its error, and keeps its place.
        items: list[Profile | IpdesignateError] = []
        for i in range(len(req.profiles)):
            try:
                items.append(self._profile(body, ("profiles", i)))
            except IpdesignateError as exc:
                items.append(exc)
        try:
            batch = self.library.check_many(items, req.designation, req.on, req.version)
        except InputError as exc:
            raise relocated(exc, body, ()) from None
        return self._results(body, batch, "profiles", label=False)

    def _results(self, body: Body, batch: Batch, where: str, *, label: bool) -> bytes:
        out = []
        for i, o in enumerate(batch):
            labels = {"designation": o.designation} if label else {}
            if o.decision is not None:
                out.append(_item(i, "decision", o.decision.model_dump_json().encode(), **labels))
                continue
            error: BaseException | None = o.error
            if isinstance(error, InputError):  # evaluation problems are the profile's
                error = relocated(error, body, (where, o.index) if where == "profiles"
                                  else (where,))
            doc = problem_document(error if error is not None else RuntimeError("no answer"))
            out.append(_item(i, "problem", _problem_bytes(doc), **labels))
        return b'{"results":' + _join(out) + b"}"

    def check_all(self, raw: bytes) -> bytes:
        body = Body(raw)
        req: AllRequest = envelope(AllRequest, body.located, raw)
        profile = self._profile(body, ("profile",))
        try:
            batch = self.library.check_all(profile, req.on)
        except InputError as exc:
            raise relocated(exc, body, ("profile",)) from None
        return self._results(body, batch, "profile", label=True)

    # ---- lifecycle -------------------------------------------------------------------------

    def lifecycle_for(self, measure: str | None, version: str | None, on: _dt.date | None,
                      types_used: set[str]) -> CompiledLifecycle:
        lib = self.library
        if measure is None:
            fits = sorted(m for m, versions in lib.measures.items()
                          if any(rb.lifecycle is not None
                                 and types_used <= set(rb.model.event_types) for rb in versions))
            if len(fits) != 1:
                raise IpdesignateError(
                    "cannot tell which measure's lifecycle to use: "
                    + (f"several declare these event types ({', '.join(fits)})" if fits else
                       "no measure declares all of the event types "
                       f"{', '.join(sorted(types_used)) or '(none)'}") + "; give 'measure'")
            measure = fits[0]
        versions = lib.measures.get(measure)
        if not versions:
            raise UnknownNameError(f"no measure {measure!r}{did_you_mean(measure, lib.measures)}",
                                   kind="measure", name=measure, known=sorted(lib.measures))
        with_rules = [rb for rb in versions if rb.lifecycle is not None]
        chosen: list[CompiledRulebook]
        if version is not None:
            chosen = [rb for rb in versions if rb.version == version]
            if not chosen:
                known = [rb.version for rb in versions]
                raise UnknownNameError(f"{measure} has no version {version!r}; it has: "
                                       f"{', '.join(known)}", kind="version", name=version,
                                       known=known)
        elif on is not None:
            chosen = [rb for rb in with_rules if rb.in_force(on)]
            if not chosen:
                raise VersionError(f"no version of {measure} with lifecycle rules is in force "
                                   f"on {on.isoformat()}", [rb.window() for rb in versions])
        else:
            chosen = with_rules if len(with_rules) == 1 else []
            if not chosen:
                raise IpdesignateError(f"{measure}: several versions have lifecycle rules; "
                                       "give 'version' or 'on'")
        if chosen[0].lifecycle is None:
            raise IpdesignateError(f"{measure} {chosen[0].version} has no lifecycle rules")
        lifecycle: CompiledLifecycle = lib.lifecycle_of(chosen[0])  # carries_over, if any
        return lifecycle

    def _timeline_json(self, body: Body, at: tuple[str | int, ...], unit: str,
                       lifecycle: CompiledLifecycle, on: _dt.date | None) -> bytes:
        problems: list[Problem] = []
        events: list[Event] | None = parse_events(
            body.located, (*at, "events"), lifecycle.source.event_types, problems,
            lifecycle.source.designations, getattr(lifecycle, "check_history", None))
        if events is None:
            raise relocated(EventsError(problems), body, ())
        try:
            timeline = lifecycle.run(events, unit=unit, checked=True, until=on)
        except InputError as exc:
            raise relocated(exc, body, ()) from None
        payload = timeline.model_dump(mode="json") if on is None else timeline.on_date(on)
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    @staticmethod
    def _types(events: Any) -> set[str]:
        if not isinstance(events, list):
            return set()
        return {e["type"] for e in events if isinstance(e, dict) and isinstance(e.get("type"), str)}

    def timeline(self, raw: bytes) -> bytes:
        body = Body(raw)
        req: TimelineRequest = envelope(TimelineRequest, body.located, raw)
        lifecycle = self.lifecycle_for(req.measure, req.version, req.on, self._types(req.events))
        return self._timeline_json(body, (), req.unit, lifecycle, req.on)

    def timeline_batch(self, raw: bytes) -> bytes:
        body = Body(raw)
        data = body.located.data
        if isinstance(data, dict) and isinstance(data.get("units"), list):
            self._limit(len(data["units"]), "units")
        req: TimelineBatchRequest = envelope(TimelineBatchRequest, body.located, raw)
        used: set[str] = set()
        for u in req.units:
            used |= self._types(u.events)
        lifecycle = self.lifecycle_for(req.measure, req.version, req.on, used)
        out = []
        for i, u in enumerate(req.units):
            try:
                payload = self._timeline_json(body, ("units", i), u.unit, lifecycle, req.on)
            except Exception as exc:
                out.append(_item(i, "problem", _problem_bytes(problem_document(exc)), unit=u.unit))
                continue
            out.append(_item(i, "timeline", payload, unit=u.unit))
        return b'{"results":' + _join(out) + b"}"

    # ---- what is loaded --------------------------------------------------------------------

    def rulebooks(self) -> dict[str, Any]:
        measures = []
        for measure, versions in sorted(self.library.measures.items()):
            measures.append({
                "id": measure,
                "title": versions[0].model.title.model_dump(),
                "versions": [_version_summary(rb) for rb in versions],
            })
        return {"measures": measures}

    def rulebook(self, measure: str, version: str) -> dict[str, Any]:
        versions = self.library.measures.get(measure)
        if not versions:
            raise UnknownNameError(
                f"no measure {measure!r}{did_you_mean(measure, self.library.measures)}",
                kind="measure", name=measure, known=sorted(self.library.measures))
        for rb in versions:
            if rb.version == version:
                return _version_detail(rb)
        known = [rb.version for rb in versions]
        raise UnknownNameError(f"{measure} has no version {version!r}; it has: "
                               f"{', '.join(known)}", kind="version", name=version, known=known)

    def ready(self) -> dict[str, Any]:
        return {"status": "ready", "loaded_at": self.loaded_at.isoformat(),
                "rulebooks": [{"id": rb.id, "version": rb.version, "sha256": rb.sha256}
                              for rb in self.library.all()]}


def _version_summary(rb: CompiledRulebook) -> dict[str, Any]:
    return {
        "version": rb.version,
        "effective_from": rb.effective_from.isoformat(),
        "effective_until": rb.effective_until.isoformat() if rb.effective_until else None,
        "window": rb.window(),
        "sha256": rb.sha256,
        "file": rb.ref.file,  # relative to the rulebooks directory: no server paths
        "dates_confirmed": not rb.warnings,
        "lifecycle": rb.lifecycle is not None,
        "designations": [{"id": did, "name": d.name.model_dump(), "profile": d.profile,
                          "criteria": len(d.criteria)} for did, d in rb.designations.items()],
    }


def _version_detail(rb: CompiledRulebook) -> dict[str, Any]:
    m = rb.model
    return {
        "id": rb.id,
        **_version_summary(rb),
        "title": m.title.model_dump(),
        "document_number": m.document_number.value,
        "warnings": list(rb.warnings),
        "designations": [{
            "id": did,
            "name": d.name.model_dump(),
            "profile": d.profile,
            "applies_to": sorted(d.applies_to),
            "criteria": [{
                "id": c.id,
                "text": c.text.model_dump(),
                "citation": citation_json(c.cite),
                "applies_to": sorted(c.applies_to) if c.applies_to is not None else None,
                "exemption": citation_json(c.exemption),
                "relaxation": citation_json(c.relaxation),
            } for c in d.criteria],
            "suspensions": [{"id": s.id, "text": s.text.model_dump(),
                             "citation": citation_json(s.cite)} for s in d.suspensions],
        } for did, d in rb.designations.items()],
    }
