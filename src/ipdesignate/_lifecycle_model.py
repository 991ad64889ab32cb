"""Placeholder: the lifecycle section of the rulebook language (owned by the lifecycle work)."""

from __future__ import annotations

from ._base import Strict, Text


class EventType(Strict):
    """A kind of dated event a unit's history may contain."""

    text: Text
    fields: dict[str, str] = {}


class Lifecycle(Strict):
    """Rules that derive status, obligations and bars from dated events."""

    rules: tuple[dict[str, object], ...] = ()
