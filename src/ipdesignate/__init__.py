"""ipdesignate: Beijing IP designation measures as versioned YAML rulebooks.

Parse once, evaluate many::

    import ipdesignate
    library = ipdesignate.Library.load(["rulebooks"])
    profile = ipdesignate.load_profile("examples/pilot-enterprise.yaml")
    decision = library.check(profile, "pilot")
    decision.verdict, decision.model_dump_json()

Errors (all subclasses of ``IpdesignateError``)::

    IpdesignateError
    ├── InputError                 one or more located Problems (file:line:column)
    │   ├── RulebookError          a rulebook file is not valid
    │   ├── ProfileError           an applicant profile is not valid
    │   └── EventsError            a lifecycle event history is not valid
    ├── VersionError               no rulebook version is in force on the date
    ├── UnknownNameError           no designation, measure or version has this name
    └── LifecycleError             a lifecycle rule failed while it ran

docs/errors.md says what each carries and when it is raised.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._core.errors import (
        EventsError,
        InputError,
        IpdesignateError,
        LifecycleError,
        Problem,
        ProfileError,
        RulebookError,
        UnknownNameError,
        VersionError,
    )
    from ._core.limits import LIMITS, Limits
    from .applicant.events import Event
    from .applicant.load import load_profile, parse_profile
    from .applicant.profile import Attestation, Profile
    from .applicant.vocabulary import FieldLabel, Vocabulary, field_label
    from .decision.html import render_html
    from .decision.model import Decision, RulebookRef, SuspensionResult, verdict_of
    from .decision.render import render_markdown, render_text
    from .decision.trace import CriterionResult, Figure
    from .eligibility.evaluate import CompiledRulebook
    from .library.batch import Batch, Outcome
    from .library.diff import RulebookDiff, diff
    from .library.library import Library
    from .library.load import load_rulebook
    from .library.schema import schema
    from .lifecycle.timeline import DerivedFact, Timeline
    from .rulebook.model import Rulebook

# Public names are re-exported lazily (PEP 562): ``import ipdesignate`` costs little, and
# the first use of a name imports the module that defines it.
_EXPORTS = {
    "Decision": ".decision.model",
    "RulebookRef": ".decision.model",
    "SuspensionResult": ".decision.model",
    "verdict_of": ".decision.model",
    "EventsError": "._core.errors",
    "InputError": "._core.errors",
    "IpdesignateError": "._core.errors",
    "LifecycleError": "._core.errors",
    "Problem": "._core.errors",
    "ProfileError": "._core.errors",
    "RulebookError": "._core.errors",
    "UnknownNameError": "._core.errors",
    "VersionError": "._core.errors",
    "LIMITS": "._core.limits",
    "Limits": "._core.limits",
    "CompiledRulebook": ".eligibility.evaluate",
    "Event": ".applicant.events",
    "Library": ".library.library",
    "RulebookDiff": ".library.diff",
    "diff": ".library.diff",
    "Batch": ".library.batch",
    "Outcome": ".library.batch",
    "load_profile": ".applicant.load",
    "load_rulebook": ".library.load",
    "parse_profile": ".applicant.load",
    "Rulebook": ".rulebook.model",
    "Attestation": ".applicant.profile",
    "Profile": ".applicant.profile",
    "FieldLabel": ".applicant.vocabulary",
    "Vocabulary": ".applicant.vocabulary",
    "field_label": ".applicant.vocabulary",
    "render_html": ".decision.html",
    "render_markdown": ".decision.render",
    "render_text": ".decision.render",
    "schema": ".library.schema",
    "CriterionResult": ".decision.trace",
    "Figure": ".decision.trace",
    "Timeline": ".lifecycle.timeline",
    "DerivedFact": ".lifecycle.timeline",
}

__all__ = [
    "LIMITS",
    "Attestation",
    "Batch",
    "CompiledRulebook",
    "CriterionResult",
    "Decision",
    "DerivedFact",
    "Event",
    "EventsError",
    "FieldLabel",
    "Figure",
    "InputError",
    "IpdesignateError",
    "Library",
    "LifecycleError",
    "Limits",
    "Outcome",
    "Problem",
    "Profile",
    "ProfileError",
    "Rulebook",
    "RulebookDiff",
    "RulebookError",
    "RulebookRef",
    "SuspensionResult",
    "Timeline",
    "UnknownNameError",
    "VersionError",
    "Vocabulary",
    "__version__",
    "diff",
    "field_label",
    "load_profile",
    "load_rulebook",
    "parse_profile",
    "render_html",
    "render_markdown",
    "render_text",
    "schema",
    "verdict_of",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ipdesignate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"__version__"})
