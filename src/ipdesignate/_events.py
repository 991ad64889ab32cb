"""Dated events in a unit's history: findings, penalties, designations, reports."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Event(BaseModel):
    """One dated event. ``id`` makes two otherwise equal events distinct."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    type: str = Field(min_length=1)
    date: _dt.date
    designation: str | None = None
    details: dict[str, Any] = {}
    ref: str | None = None
    note: str | None = None
