"""The event log: one dated line per thing that happened, readable as the story of a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .scenario import format_month


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One entry: month (months since year 0), who (a name in words), what kind, and the sentence."""

    month: int
    who: str
    kind: str
    text: str
    iso3: str | None = None

    @property
    def date(self) -> str:
        return format_month(self.month)

    def __str__(self) -> str:
        return f"{self.date} {self.who}: {self.text}"

    def as_dict(self) -> dict:
        return {"date": self.date, "who": self.who, "iso3": self.iso3, "kind": self.kind, "text": self.text}


class EventLog:
    """A list of :class:`LoggedEvent` with an optional listener (``--narrate`` prints as the run unfolds)."""

    def __init__(self) -> None:
        self.entries: list[LoggedEvent] = []
        self.listeners: list[Callable[[LoggedEvent], None]] = []

    def add(self, month: int, who: str, kind: str, text: str, iso3: str | None = None) -> None:
        entry = LoggedEvent(month, who, kind, text, iso3)
        self.entries.append(entry)
        for listener in self.listeners:
            listener(entry)

    def lines(self) -> list[str]:
        return [str(e) for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)
