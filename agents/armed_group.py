"""The ArmedGroup agent: a jihadist insurgency (JNIM, Islamic State Sahel, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from liptako.model import insurgency

if TYPE_CHECKING:
    from liptako.model.model import LiptakoModel
    from liptako.model.scenario import ArmedGroupSpec

    from .state import State


class ArmedGroup(mesa.Agent):
    """An armed group: its fighters in each state it operates in, and how fast it grows and spreads.

    Fighters are recruited from grievance (Epstein 2002: hardship x (1 - legitimacy)) where the state is weak,
    lost to attrition where it is strong, and move across borders toward weaker neighbours.
    """

    def __init__(self, model: LiptakoModel, gid: str, spec: ArmedGroupSpec) -> None:
        super().__init__(model)
        self.id = gid
        self.name = spec.name
        self.fighters: dict[str, float] = {iso: float(n) for iso, n in spec.fighters.items() if n > 0}
        self.growth = spec.growth
        self.spread = spec.spread

    def recruit(self, state: State) -> None:
        """Grow or shrink in one state for the month."""
        n = self.fighters.get(state.iso3, 0.0)
        if n <= 0.0:
            return
        p = self.model.p
        grievance = insurgency.grievance(
            state.territory, state.displaced / state.population, state.regime.legitimacy, p
        )
        ceiling = p.fighters_per_million * state.population / 1e6
        n += insurgency.fighter_change(n, state.insurgent_share, grievance, ceiling, self.growth, p)
        self.fighters[state.iso3] = max(0.0, n)

    def move_across_borders(self, states: dict[str, State]) -> list[State]:
        """Send a share of fighters toward weaker neighbours; returns states the group newly enters."""
        p = self.model.p
        moves: dict[str, float] = {}
        for iso, n in self.fighters.items():
            if n < p.operating_threshold:
                continue
            neighbours = states[iso].neighbours
            # Weaker neighbours (less capacity against these fighters) draw more of them.
            pull = [(nb, 1.0 / (1.0 + nb.capacity / (p.force_multiplier * n))) for nb in neighbours]
            total = sum(w for _, w in pull)
            if total <= 0:
                continue
            leaving = p.fighter_spread * self.spread * n * states[iso].territory
            moves[iso] = moves.get(iso, 0.0) - leaving
            for nb, w in pull:
                moves[nb.iso3] = moves.get(nb.iso3, 0.0) + leaving * w / total
        entered = []
        for iso, dn in moves.items():
            before = self.fighters.get(iso, 0.0)
            after = before + dn
            if after < 1.0:  # a handful of fighters is no presence
                self.fighters.pop(iso, None)
                continue
            self.fighters[iso] = after
            if before < p.operating_threshold <= self.fighters[iso]:
                entered.append(states[iso])
        return entered

    def __repr__(self) -> str:
        return f"ArmedGroup({self.id})"
