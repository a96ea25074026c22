"""The ArmedGroup agent: a jihadist insurgency (JNIM, Islamic State Sahel, ...)."""

from __future__ import annotations

import mesa


class ArmedGroup(mesa.Agent):
    """An armed group: its fighters in each state it operates in, and how fast it grows and spreads.

    Fighters are recruited from grievance (Epstein 2002: hardship x (1 - legitimacy)) where the state is weak,
    lost to attrition where it is strong, and move across borders toward weaker neighbours (the rules are in
    ``liptako.model.insurgency``).
    """

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        names, s = model.names, model.setup
        self.index = index
        self.id = names.groups[index]
        self.name = names.group_names[index]
        self.growth = float(s.growth[index])
        self.spread = float(s.spread[index])

    @property
    def fighters(self) -> dict[str, float]:
        """Fighters by state, where it has any."""
        values = self.model.world.group_fighters[0, self.index]
        return {iso: float(n) for iso, n in zip(self.model.names.states, values, strict=True) if n > 0}

    def __repr__(self) -> str:
        return f"ArmedGroup({self.id})"
