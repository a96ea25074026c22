"""Agent attributes that live in the world's arrays: reading one reads the world at the agent's index in the
model's single replication, and setting it writes there (so a test or the app can nudge a state and step on).

The agents see the engine only through their model (``agent.model.world``, its sentinels ``agent.model.NEVER``
and ``FOREVER``, its rules): the agents package imports nothing of the engine, which builds them."""

from __future__ import annotations


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


class MonthField(Field):
    """A month (months since year 0), None where it has not happened or will not come (the world's NEVER and
    FOREVER)."""

    def __init__(self, name: str, doc: str = "") -> None:
        super().__init__(name, int, doc)

    def __get__(self, agent, owner=None):
        if agent is None:
            return self
        value = super().__get__(agent, owner)
        return None if value in (agent.model.NEVER, agent.model.FOREVER) else value

    def __set__(self, agent, value) -> None:
        super().__set__(agent, agent.model.NEVER if value is None else value)
