"""Agent attributes that live in the world's arrays: reading one reads the world at the agent's index in the
model's single replication, and setting it writes there (so a test or the app can nudge a state and step on)."""

from __future__ import annotations

from liptako.model.world import FOREVER, NEVER


class Field:
    """``world.<name>[0, agent.index]`` (or ``[0, agent.index, ...]`` for a per-partner or per-bloc array,
    read through ``agent.model.world``), cast to a Python number."""

    def __init__(self, name: str, cast=float, doc: str = "") -> None:
        self.name, self.cast = name, cast
        self.__doc__ = doc

    def __set_name__(self, owner, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        return self.cast(getattr(agent.model.world, self.name)[0, agent.index])

    def __set__(self, agent, value) -> None:
        getattr(agent.model.world, self.name)[0, agent.index] = value


def month_or_none(value) -> int | None:
    """A month from the world, None where it has not happened (or will not come)."""
    value = int(value)
    return None if value in (NEVER, FOREVER) else value


class MonthField(Field):
    """A month (months since year 0), None where the world holds NEVER."""

    def __init__(self, name: str, doc: str = "") -> None:
        super().__init__(name, month_or_none, doc)

    def __set__(self, agent, value) -> None:
        super().__set__(agent, NEVER if value is None else value)
