"""The Bloc agent: an alliance or regional organisation (the AES, ECOWAS, the G5 Sahel, the Accra Initiative)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from liptako.model.mathutil import decay

if TYPE_CHECKING:
    from liptako.model.model import LiptakoModel
    from liptako.model.scenario import BlocSpec


class Bloc(mesa.Agent):
    """A bloc: its members and its rules.

    Rules: the strength of its mutual-defence clause (AES: 1, an attack on one is an attack on all), its
    decision rule for accession (AES: unanimity), the notice a leaving member must give (AES: six months),
    sanctions and an intervention threat after coups (ECOWAS), a joint force and common fund, free movement.
    """

    def __init__(self, model: LiptakoModel, bid: str, spec: BlocSpec, founded: int) -> None:
        super().__init__(model)
        self.id = bid
        self.name = spec.name
        self.members: set[str] = set(spec.members)
        self.founded = founded
        self.alignment = spec.alignment
        self.mutual_defence = spec.mutual_defence
        self.decision_rule = spec.decision_rule
        self.notice_months = spec.notice_months
        self.sanctions_on_coup = spec.sanctions_on_coup
        self.threat_level = spec.intervention_threat  # threat made after a coup in a member state
        self.intervention_troops = float(spec.intervention_troops)
        self.joint_force_troops = float(spec.joint_force_troops)
        self.common_fund = spec.common_fund_musd  # members' dues, USD M a year
        self.free_movement = spec.free_movement
        self.non_aggression = spec.non_aggression  # AES Charter Art. 8: no blockade of a member
        self.open_to_accession = spec.open_to_accession  # neighbours may apply of their own accord (Art. 11)
        self.suspended: set[str] = set(spec.suspended)
        self.sanctioned: dict[str, int] = {
            iso: model.month + int(model.p.sanction_months) for iso in spec.sanctioned
        }  # state -> month sanctions end
        self.threats: dict[str, float] = {iso: self.threat_level for iso in spec.sanctioned}
        self.notices: dict[str, int] = {}  # member -> month it leaves
        self.fund = 0.0  # the common fund's balance, USD M (unspent money carries over)
        self.fund_spent = 0.0  # this month, on the joint force
        self.joint_force_readiness = 0.0
        self.dissolved_month: int | None = None
        self.former_members: set[str] = set()

    @property
    def dissolved(self) -> bool:
        return self.dissolved_month is not None

    def active_members(self) -> list[str]:
        """Members in good standing (not suspended), sorted."""
        return sorted(m for m in self.members if m not in self.suspended)

    def age_years(self, month: int) -> float:
        return max(0.0, (month - self.founded) / 12.0)

    def threat_against(self, iso3: str) -> float:
        """The intervention threat this bloc holds over a state (0..1)."""
        return self.threats.get(iso3, 0.0)

    def fade_threats(self) -> None:
        """Intervention threats fade with their half-life."""
        factor = decay(self.model.p.threat_half_life)
        for iso in list(self.threats):
            self.threats[iso] *= factor
            if self.threats[iso] < 1e-3:
                del self.threats[iso]

    def sanction(self, iso3: str, hostile: bool) -> None:
        """Suspend a member after a coup and sanction it; threaten intervention if the junta is ``hostile``
        (its orientation opposed to the bloc's)."""
        self.suspended.add(iso3)
        self.sanctioned[iso3] = self.model.month + int(self.model.p.sanction_months)
        if self.threat_level > 0 and hostile:
            self.threats[iso3] = max(self.threats.get(iso3, 0.0), self.threat_level)

    def lift_expired_sanctions(self) -> list[str]:
        """End sanctions whose time is up; returns the states relieved."""
        done = [iso for iso, until in self.sanctioned.items() if until <= self.model.month]
        for iso in done:
            del self.sanctioned[iso]
        return done

    def admit(self, iso3: str) -> None:
        self.members.add(iso3)
        self.former_members.discard(iso3)

    def drop_member(self, iso3: str) -> None:
        """A member leaves (its notice ran out, or it was never in good standing)."""
        self.members.discard(iso3)
        self.suspended.discard(iso3)
        self.sanctioned.pop(iso3, None)
        self.threats.pop(iso3, None)
        self.notices.pop(iso3, None)
        self.former_members.add(iso3)

    def __repr__(self) -> str:
        return f"Bloc({self.id})"
