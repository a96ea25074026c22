"""The State agent: a country, its army and its war with the armed groups on its territory."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from .fields import Field, MonthField

if TYPE_CHECKING:
    from .regime import Regime


class State(mesa.Agent):
    """A country: population, army, budget, territory contested, displacement, deaths and bloc memberships.

    Its regime (:class:`~liptako.agents.regime.Regime`) takes the political decisions; the state keeps the
    books (funding by source), fights the insurgency on its soil and sends or receives troops. The rules are
    in ``liptako.model`` (``funding``, ``insurgency``, ``defence``); this agent shows their results.
    """

    territory = Field("territory", doc="Share of territory contested or held by armed groups (0-1).")
    displaced = Field("displaced", doc="Internally displaced people.")
    deaths = Field("deaths", doc="Conflict deaths this month.")
    deaths_total = Field("deaths_total", doc="Conflict deaths since the start.")
    funds = Field("funds", doc="Money received this month, USD M.")
    spending_abroad = Field("spending_abroad", doc="USD M this month on deployments, aid and bloc dues.")
    readiness = Field("readiness", doc="Share of the army's upkeep its funds cover (0-1).")
    unpaid_share = Field("unpaid_share", doc="Share of the last 12 months the army went unpaid.")
    capacity = Field("capacity", doc="Capacity against armed groups, in soldier-equivalents.")
    fighters = Field("fighters", doc="All armed groups' fighters on its soil.")
    insurgent_share = Field("insurgent_share", doc="The armed groups' share of the balance of force (0-1).")
    offensive = Field("offensive", bool, doc="A major offensive this month.")
    joint_force = Field("joint_force", doc="Troops of a bloc's joint force operating here.")
    joint_force_share = Field("joint_force_share", doc="Troops it lends to joint forces.")
    troops_abroad = Field("troops_abroad", doc="Regular troops deployed in allies' territory.")
    troops_received = Field("troops_received", doc="Allied troops on its territory.")
    help = Field("help", doc="Decaying stock of honoured calls received.")
    left_trade_bloc = Field("left_trade_bloc", bool, doc="Has left a free-movement bloc.")
    coup_attempts = Field("coup_attempts", int, doc="Coup attempts since the start.")
    coup_successes = Field("coup_successes", int, doc="Successful coups since the start.")
    calls_made = Field("calls_made", int, doc="Calls for help it made.")
    last_success = MonthField("last_success", doc="Month of the last successful coup, None if none.")

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        names, setup = model.names, model.setup
        self.index = index
        self.iso3 = names.states[index]
        self.name = names.state_names[index]
        self.coastal = bool(setup.coastal[index])
        self.population = float(setup.population[index])
        self.troops = float(setup.troops[index])  # regular forces, at home or abroad
        self.auxiliaries = float(setup.auxiliaries[index])
        self.defence_budget = float(setup.defence_budget[index])  # domestic, USD M a year
        self.regime: Regime | None = None  # set by the model

    @property
    def neighbours(self) -> list[State]:
        """Its neighbours in the scenario (land borders)."""
        s = self.model.setup
        return [self.model.states[j] for j in s.nb[s.nb_start[self.index] : s.nb_start[self.index + 1]]]

    @property
    def troops_home(self) -> float:
        """Regular troops at home and under national command."""
        return max(0.0, self.troops - self.troops_abroad - self.joint_force_share)

    @property
    def share_abroad(self) -> float:
        """Share of the regular army deployed abroad."""
        return self.troops_abroad / self.troops if self.troops else 0.0

    @property
    def funding(self) -> dict[str, float]:
        """Money received this month, USD M, by source (domestic, a partner's ID, allies); sources that paid."""
        values = self.model.world.funding[0, :, self.index]
        return {src: float(v) for src, v in zip(self.model.names.sources, values, strict=True) if v}

    @property
    def security_forces(self) -> dict[str, float]:
        """Partner security personnel in the country, by partner."""
        values = self.model.world.security_forces[0, :, self.index]
        return {pid: float(v) for pid, v in zip(self.model.names.partners, values, strict=True) if v > 0}

    @property
    def partner_personnel(self) -> float:
        return sum(self.security_forces.values())

    @property
    def attacked_by(self) -> str | None:
        """The bloc or partner intervening militarily, or None."""
        actor = int(self.model.world.attacked_by[0, self.index])
        return self.model.names.actors[actor] if actor >= 0 else None

    @property
    def blocs(self) -> list[str]:
        """The blocs it is a member of."""
        flags = self.model.world.members[0, :, self.index]
        return [b for b, member in zip(self.model.names.blocs, flags, strict=True) if member]

    def __repr__(self) -> str:
        return f"State({self.iso3})"
