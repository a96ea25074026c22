"""The Regime agent: who rules a state, a junta or a civilian government, and how firmly."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from .fields import Field, MonthField

if TYPE_CHECKING:
    from .state import State


class Regime(mesa.Agent):
    """The regime ruling a state: its leader, kind (``military`` or ``civilian``), legitimacy, army cohesion,
    alignment (-1 Western ... +1 sovereigntist), commitment to each bloc, and coup risk (the monthly hazard,
    recomputed each month). After a successful coup the same agent describes the new junta.
    """

    legitimacy = Field("legitimacy", doc="Legitimacy (0-1).")
    cohesion = Field("cohesion", doc="Army cohesion (0-1): 1 - dissidence in the ranks.")
    alignment = Field("alignment", doc="-1 Western ... +1 non-Western, sovereigntist.")
    coup_risk = Field("coup_risk", doc="Monthly hazard of a coup attempt.")
    rally = Field("rally", doc="The sovereigntist rally (0-1).")
    protection = Field("protection", doc="A patron's protection against coups (0-1).")
    civilian = Field("civilian", bool, doc="A civilian government (else a junta).")
    took_power = MonthField("took_power", doc="Month it took power.")
    transition_deadline = MonthField("transition_deadline", doc="Promised transition to civilian rule, or None.")
    next_election = MonthField("next_election", doc="A civilian government's next election, or None.")
    last_attempt = MonthField("last_attempt", doc="Month of the last coup attempt, None if none is known.")

    def __init__(self, model: mesa.Model, state: State) -> None:
        super().__init__(model)
        self.state = state
        self.index = state.index

    @property
    def kind(self) -> str:
        return "civilian" if self.civilian else "military"

    @property
    def leader(self) -> str:
        w = self.model.world
        return self.model.names.leader(int(w.leader[0, self.index]), int(w.took_power[0, self.index]))

    @property
    def sovereigntist(self) -> bool:
        """Leaning non-Western (alignment above zero)."""
        return self.alignment > 0.0

    @property
    def commitment(self) -> dict[str, float]:
        """Commitment (0-1) to each bloc it holds one for."""
        values = self.model.world.commitment[0, :, self.index]
        return {b: float(c) for b, c in zip(self.model.names.blocs, values, strict=True) if not math.isnan(c)}

    @property
    def months_below(self) -> dict[str, int]:
        """Consecutive months of commitment under the exit threshold, by bloc."""
        values = self.model.world.months_below[0, :, self.index]
        return {b: int(m) for b, m in zip(self.model.names.blocs, values, strict=True) if m}

    def __repr__(self) -> str:
        return f"Regime({self.state.iso3}, {self.leader!r}, {self.kind})"
