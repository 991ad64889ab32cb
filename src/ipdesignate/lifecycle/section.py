"""A lifecycle section on its own: a file with exactly ``event_types`` and ``lifecycle``.

Policy staff can try lifecycle rules without a whole rulebook; the section is validated
and compiled exactly as the same keys inside a rulebook are.
"""

from __future__ import annotations

from pathlib import Path as FsPath

from pydantic import Field

from .._core.errors import LifecycleError, Problem
from .._core.validate import validate
from .._core.yaml import Located
from ..rulebook.base import Strict
from ..rulebook.lifecycle_model import EventType, Lifecycle
from .engine import CompiledLifecycle, LifecycleSource, compile_source


class Section(Strict):
    """A lifecycle section file: exactly ``event_types`` and ``lifecycle``."""

    event_types: dict[str, EventType] = Field(default_factory=dict)
    lifecycle: Lifecycle


def compile_section(located: Located, path: str, problems: list[Problem]
                    ) -> CompiledLifecycle | None:
    """The compiled section, or None with every problem (located) in ``problems``."""
    section = validate(Section, located, problems)
    if section is None:
        return None
    source = LifecycleSource(
        name=FsPath(path).name, event_types=section.event_types, lifecycle=section.lifecycle,
        located=located, file=path,
    )
    try:
        return compile_source(source, problems)
    except LifecycleError:
        return None  # the problems are in ``problems``
