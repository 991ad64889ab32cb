"""Missing information as a checklist a client can answer: labelled, with unit and year,
and the clauses waiting for it (read from ``Decision.missing_items``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Decision


@dataclass(frozen=True)
class MissingItem:
    """A piece of information to ask the client for (see ``Decision.missing_items``)."""

    path: str
    field: str
    year: int | None
    label_zh: str
    label_en: str
    unit_zh: str | None
    unit_en: str | None
    criteria: tuple[str, ...]
    clauses: tuple[str, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> MissingItem:
        unit = data.get("unit") or {}
        return cls(data["path"], data["field"], data.get("year"), data["label"]["zh"],
                   data["label"]["en"], unit.get("zh"), unit.get("en"),
                   tuple(data.get("criteria", ())), tuple(data.get("clauses", ())))

    def label_text(self) -> str:
        """``2021年度知识产权投入（元）``."""
        year = f"{self.year}年度" if self.year else ""
        unit = f"（{self.unit_zh}）" if self.unit_zh else ""
        return f"{year}{self.label_zh}{unit}"

    def label_en_text(self) -> str:
        year = f" {self.year}" if self.year else ""
        unit = f" ({self.unit_en})" if self.unit_en else ""
        return f"{self.label_en}{year}{unit}"

    def checklist_line(self) -> str:
        """``请补充：2021年度知识产权投入（元）— 用于第五条第七项``."""
        return (f"请补充：{self.label_text()} — 用于{'、'.join(self.clauses)} / please provide: "
                f"{self.label_en_text()}")


def missing_items(d: Decision) -> list[MissingItem]:
    return [MissingItem.of(dict(m)) for m in d.missing_items]


def checklist(d: Decision) -> list[str]:
    return [m.checklist_line() for m in missing_items(d)]
