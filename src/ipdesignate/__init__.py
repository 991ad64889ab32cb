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
from ._version import __version__

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
