"""The Bloc agent: an alliance or regional organisation (the AES, ECOWAS, the G5 Sahel, the Accra Initiative)."""

from __future__ import annotations

import mesa

from .fields import Field, MonthField


class Bloc(mesa.Agent):
    """A bloc: its members and its rules.

    Rules: the strength of its mutual-defence clause (AES: 1, an attack on one is an attack on all), its
    decision rule for accession (AES: unanimity), the notice a leaving member must give (AES: six months),
    sanctions and an intervention threat after coups (ECOWAS), a joint force and common fund, free movement.
    The rules that use them are in ``liptako.model.membership`` and ``liptako.model.defence``.
    """

    fund = Field("fund", doc="The common fund's balance, USD M.")
    dissolved_month = MonthField("dissolved_month", doc="Month it dissolved, None if it has not.")
    founded = MonthField("founded_month", doc="Month it was founded, None for a latent pact not yet founded.")

    def __init__(self, model: mesa.Model, index: int) -> None:
        super().__init__(model)
        names = model.names
        spec = model.spec.blocs[names.blocs[index]]
        self.index = index
        self.id = names.blocs[index]
        self.name = names.bloc_names[index]
        self.alignment = spec.alignment
        self.mutual_defence = spec.mutual_defence
        self.decision_rule = spec.decision_rule
        self.notice_months = spec.notice_months
        self.sanctions_on_coup = spec.sanctions_on_coup
        self.threat_level = spec.intervention_threat
        self.intervention_troops = float(spec.intervention_troops)
        self.joint_force_troops = float(spec.joint_force_troops)
        self.common_fund = spec.common_fund_musd
        self.free_movement = spec.free_movement
        self.non_aggression = spec.non_aggression
        self.open_to_accession = spec.open_to_accession

    def _states(self, array) -> set[str]:
        return {iso for iso, flag in zip(self.model.names.states, array[0, self.index], strict=True) if flag}

    def _months(self, array) -> dict[str, int]:
        return {iso: int(m) for iso, m in zip(self.model.names.states, array[0, self.index], strict=True)
                if m != self.model.NEVER}  # fmt: skip

    @property
    def members(self) -> set[str]:
        return self._states(self.model.world.members)

    @property
    def dissolved_by(self) -> set[str]:
        """The members that dissolved it (its last members; empty while it lasts). The monthly series count them
        as members in the month it dissolves."""
        return self._states(self.model.world.dissolvers)

    @property
    def suspended(self) -> set[str]:
        return self._states(self.model.world.suspended)

    @property
    def former_members(self) -> set[str]:
        return self._states(self.model.world.former)

    @property
    def sanctioned(self) -> dict[str, int]:
        """Members under its sanctions, with the month they end."""
        return self._months(self.model.world.sanctioned_until)

    @property
    def notices(self) -> dict[str, int]:
        """Members that gave notice, with the month they leave."""
        return self._months(self.model.world.notice_due)

    @property
    def threats(self) -> dict[str, float]:
        """Its intervention threats (0-1), by state."""
        values = self.model.world.threats[0, self.index]
        return {iso: float(x) for iso, x in zip(self.model.names.states, values, strict=True) if x > 0}

    @property
    def dissolved(self) -> bool:
        return self.dissolved_month is not None

    def active_members(self) -> list[str]:
        """Members in good standing (not suspended), sorted."""
        return sorted(self.members - self.suspended)

    def threat_against(self, iso3: str) -> float:
        return self.threats.get(iso3, 0.0)

    def age_years(self, month: int) -> float:
        """Years since its founding (0 for a latent pact not yet founded), as ``membership.update_commitment``
        counts them."""
        return 0.0 if self.founded is None else max(0.0, (month - self.founded) / 12.0)

    def __repr__(self) -> str:
        return f"Bloc({self.id})"
