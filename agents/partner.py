"""The Partner agent: an external patron (France, the EU, the USA, Russia, Türkiye, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from .fields import Field

if TYPE_CHECKING:
    from .state import State


class Partner(mesa.Agent):
    """An external patron with a Sahel security budget, an orientation and reaction rules.

    It funds its client states by alignment and need (and, for a bloc of its orientation, the bloc's brand),
    may fund blocs' common funds, suspends aid after coups if *conditional*, leaves states that expel it, and
    may lend security personnel. The rules are in ``liptako.model.funding`` and ``liptako.model.partners``.
    """

    budget = Field("budget", doc="Sahel security budget, USD M a year.")
    force_pool = Field("force_pool", doc="Security personnel it can lend.")
    spent = Field("spent", doc="Paid out this month, USD M (to states and common funds).")
    to_blocs = Field("to_blocs", doc="Paid to blocs' common funds this month, USD M.")
    unspent = Field("unspent", doc="This month's budget that found no recipient, USD M.")
    money_total = Field("money_total", doc="Paid out since the start, USD M.")

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        names, s = model.names, model.setup
        self.index = index
        self.id = names.partners[index]
        self.name = names.partner_names[index]
        self.alignment = float(s.partner_alignment[index])
        self.conditional = bool(s.conditional[index])
        self.protects_regime = bool(s.protects_regime[index])  # guards the regime (Wagner), not only the state
        self.bloc_funding = {b: float(x) for b, x in zip(names.blocs, s.bloc_funding[index], strict=True) if x}

    @property
    def western(self) -> bool:
        """Leaning West (alignment below zero)."""
        return self.alignment < 0.0

    def _states(self, array) -> set[str]:
        return {iso for iso, flag in zip(self.model.names.states, array[0, self.index], strict=True) if flag}

    @property
    def clients(self) -> set[str]:
        return self._states(self.model.world.clients)

    @property
    def expelled(self) -> set[str]:
        return self._states(self.model.world.expelled)

    @property
    def withdrawn(self) -> set[str]:
        return self._states(self.model.world.withdrawn)

    @property
    def suspended(self) -> dict[str, int | None]:
        """States where it suspends aid: the month aid resumes, None while the junta stays hostile."""
        until, m = self.model.world.suspended_until[0, self.index], self.model
        return {iso: (None if u == m.FOREVER else int(u)) for iso, u in zip(m.names.states, until, strict=True)
                if u != m.NEVER}  # fmt: skip

    @property
    def personnel_deployed(self) -> float:
        return float(self.model.world.security_forces[0, self.index].sum())

    def present_in(self, state: State) -> bool:
        """Funding or deploying in a state."""
        w = self.model.world
        return bool(w.clients[0, self.index, state.index] or w.security_forces[0, self.index, state.index] > 0)

    def eligible(self, state: State) -> bool:
        """Whether this partner funds a state this month."""
        return state.iso3 in self.clients and state.iso3 not in self.expelled and state.iso3 not in self.suspended

    def __repr__(self) -> str:
        return f"Partner({self.id})"
