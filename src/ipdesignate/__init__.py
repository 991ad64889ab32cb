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
    └── LifecycleError             a lifecycle rule failed while it ran
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._decision import Decision, RulebookRef, SuspensionResult, verdict_of
    from ._errors import (
        EventsError,
        InputError,
        IpdesignateError,
        LifecycleError,
        Problem,
        ProfileError,
        RulebookError,
        VersionError,
    )
    from ._evaluate import CompiledRulebook
    from ._events import Event
    from ._library import Library
    from ._load import load_profile, load_rulebook, parse_profile
    from ._model import Rulebook
    from ._profile import Attestation, CarrierProfile, UnitProfile, YearFigures
    from ._render import render_html, render_markdown, render_text
    from ._schema import schema
    from ._trace import CriterionResult, Figure

# Public names are re-exported lazily (PEP 562): ``import ipdesignate`` costs little, and
# the first use of a name imports the module that defines it.
_EXPORTS = {
    "Decision": "._decision",
    "RulebookRef": "._decision",
    "SuspensionResult": "._decision",
    "verdict_of": "._decision",
    "EventsError": "._errors",
    "InputError": "._errors",
    "IpdesignateError": "._errors",
    "LifecycleError": "._errors",
    "Problem": "._errors",
    "ProfileError": "._errors",
    "RulebookError": "._errors",
    "VersionError": "._errors",
    "CompiledRulebook": "._evaluate",
    "Event": "._events",
    "Library": "._library",
    "load_profile": "._load",
    "load_rulebook": "._load",
    "parse_profile": "._load",
    "Rulebook": "._model",
    "Attestation": "._profile",
    "CarrierProfile": "._profile",
    "UnitProfile": "._profile",
    "YearFigures": "._profile",
    "render_html": "._render",
    "render_markdown": "._render",
    "render_text": "._render",
    "schema": "._schema",
    "CriterionResult": "._trace",
    "Figure": "._trace",
}

__all__ = [
    "Attestation",
    "CarrierProfile",
    "CompiledRulebook",
    "CriterionResult",
    "Decision",
    "Event",
    "EventsError",
    "Figure",
    "InputError",
    "IpdesignateError",
    "Library",
    "LifecycleError",
    "Problem",
    "ProfileError",
    "Rulebook",
    "RulebookError",
    "RulebookRef",
    "SuspensionResult",
    "UnitProfile",
    "VersionError",
    "YearFigures",
    "__version__",
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
