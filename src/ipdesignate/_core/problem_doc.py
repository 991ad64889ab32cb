"""Errors as RFC 9457 problem documents: one shape for the CLI (``--format json``) and HTTP.

A program acts on ``type`` (stable; one per error class, listed in ``PROBLEM_TYPES`` and in
docs/errors.md) and reads the located ``problems``; ``title`` and ``detail`` are for people.
"""

from __future__ import annotations

from typing import Any

from .errors import (
    EventsError,
    InputError,
    IpdesignateError,
    LifecycleError,
    Problem,
    ProfileError,
    RulebookError,
    UnknownNameError,
    VersionError,
    format_path,
)

TYPE_PREFIX = "urn:ipdesignate:problem:"

# slug -> (title, HTTP status). Slugs never change meaning; new ones may be added.
PROBLEM_TYPES: dict[str, tuple[str, int]] = {
    "malformed-request": ("The request body is not well-formed JSON", 400),
    "invalid-request": ("The request does not have the documented shape", 400),
    "unauthorized": ("A valid API token is required", 401),
    "not-found": ("No such resource", 404),
    "unknown-designation": ("No designation has this name", 404),
    "unknown-measure": ("No measure has this id", 404),
    "unknown-version": ("The measure has no version with this name", 404),
    "method-not-allowed": ("This resource does not accept this method", 405),
    "too-large": ("The request body is larger than the service accepts", 413),
    "batch-too-long": ("The batch has more items than the service accepts", 413),
    "unsupported-media-type": ("The request body must be application/json", 415),
    "invalid-profile": ("The applicant profile is not valid", 422),
    "invalid-events": ("The event history is not valid", 422),
    "invalid-rulebook": ("A rulebook is not valid", 422),
    "invalid-input": ("The input is not valid", 422),
    "ambiguous-designation": ("Several measures have a designation of this name", 422),
    "no-version-in-force": ("No version of the measure is in force on the date", 422),
    "error": ("The request could not be carried out", 422),
    "lifecycle-rule-failed": ("A lifecycle rule of the rulebook failed while it ran", 500),
    "internal-error": ("An internal error; please report it with the input", 500),
    "not-ready": ("The service has no rulebooks loaded", 503),
}


def problem_type(slug: str) -> str:
    return TYPE_PREFIX + slug


def slug_of(exc: BaseException) -> str:
    """The stable problem type of an exception (most specific class first)."""
    if isinstance(exc, ProfileError):
        return "invalid-profile"
    if isinstance(exc, EventsError):
        return "invalid-events"
    if isinstance(exc, RulebookError):
        return "invalid-rulebook"
    if isinstance(exc, InputError):
        return "invalid-input"
    if isinstance(exc, VersionError):
        return "no-version-in-force"
    if isinstance(exc, UnknownNameError):
        return "ambiguous-designation" if exc.ambiguous else f"unknown-{exc.kind}"
    if isinstance(exc, LifecycleError):
        return "lifecycle-rule-failed"
    if isinstance(exc, IpdesignateError):
        return "error"
    return "internal-error"


def json_pointer(path: tuple[str | int, ...]) -> str:
    """RFC 6901: ``("profile", "yearly", 2021)`` -> ``/profile/yearly/2021``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def problem_item(p: Problem) -> dict[str, Any]:
    """One located problem: where (file, line, column, path), what, expected, found."""
    return {
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "path": list(p.path),
        "pointer": json_pointer(p.path),
        "location": format_path(p.path) if p.path else "",
        "message": p.message,
        "expected": p.expected,
        "found": p.found,
    }


def document(slug: str, detail: str, *, problems: list[Problem] | tuple[Problem, ...] = (),
             **extra: Any) -> dict[str, Any]:
    """A problem document of type ``slug``; ``extra`` members follow the standard ones."""
    title, status = PROBLEM_TYPES[slug]
    out: dict[str, Any] = {"type": problem_type(slug), "title": title, "status": status,
                           "detail": detail, "problems": [problem_item(p) for p in problems]}
    out.update(extra)
    return out


def problem_document(exc: BaseException) -> dict[str, Any]:
    """The problem document of an exception raised by ipdesignate (or of a bug of ours)."""
    slug = slug_of(exc)
    if isinstance(exc, InputError):
        n = len(exc.problems)
        return document(slug, f"{n} problem{'s' if n != 1 else ''}: "
                        + "; ".join(p.message for p in exc.problems[:3])
                        + ("; …" if n > 3 else ""), problems=exc.problems)
    if isinstance(exc, VersionError):
        return document(slug, str(exc).splitlines()[0], windows=list(exc.windows))
    if isinstance(exc, UnknownNameError):
        return document(slug, str(exc), name=exc.name, kind=exc.kind, known=list(exc.known))
    if isinstance(exc, LifecycleError):
        return document(slug, str(exc), rule_id=exc.rule_id)
    if isinstance(exc, IpdesignateError):
        return document(slug, str(exc))
    # never the exception's text: it may quote internals; the class names the bug
    return document(slug, f"internal error ({type(exc).__name__})")
