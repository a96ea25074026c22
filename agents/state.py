"""The State agent: a country, its army and its war with the armed groups on its territory."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mesa.discrete_space import FixedAgent

from liptako.model import defence, funding, insurgency
from liptako.model.mathutil import clip, decay

if TYPE_CHECKING:
    from liptako.model.model import LiptakoModel
    from liptako.model.scenario import StateSpec

    from .bloc import Bloc
    from .junta import Junta

DOMESTIC = "domestic"
ALLIES = "allies"


@dataclass(slots=True)
class Deployment:
    """Troops (and money) an ally sends in answer to a call for help, until a given month."""

    sender: State
    receiver: State
    bloc: str
    troops: float
    aid_musd: float
    until: int


@dataclass(slots=True)
class Call:
    """A call for help under a bloc's mutual-defence clause (AES Charter Art. 6)."""

    requester: State
    bloc: Bloc
    cause: str  # "offensive" or "intervention by XXX"
    answers: int = 0
    honoured: int = 0


class State(FixedAgent):
    """A country: population, army, budget, territory contested, displacement, deaths and bloc memberships.

    Its regime (a :class:`~liptako.agents.junta.Junta`) takes the political decisions; the state keeps the
    books (funding by source), fights the insurgency on its soil and sends or receives troops.
    """

    def __init__(self, model: LiptakoModel, iso3: str, spec: StateSpec, name: str, coastal: bool, cell) -> None:
        super().__init__(model)
        self.cell = cell
        self.iso3 = iso3
        self.name = name
        self.coastal = coastal
        self.population = spec.population_m * 1e6
        self.troops = float(spec.troops)  # regular forces, at home or abroad
        self.auxiliaries = float(spec.auxiliaries)
        self.defence_budget = spec.defence_budget_musd  # domestic, USD M a year
        self.territory = spec.territory_contested
        self.displaced = float(spec.displaced)
        p = model.p
        # Each army's cost per soldier-month follows from its own budget (see the upkeep_ratio parameter).
        bodies = self.troops + p.auxiliary_cost_share * self.auxiliaries
        self.budget_per_soldier = self.defence_budget * 1e6 / 12.0 / bodies if bodies else 0.0
        self.regime: Junta | None = None
        self.neighbours: list[State] = []  # set by the model from the border network
        # Books and forces, month by month
        self.funding: dict[str, float] = {}  # source -> USD M received this month
        self.funds = 0.0  # their sum
        self.spending_abroad = 0.0  # USD M this month on deployments, aid and bloc dues
        self.readiness = 1.0
        self.unpaid = deque([0] * 12, maxlen=12)  # 1 for each of the last 12 months the army went unpaid
        self.unpaid_share = 0.0  # share of those 12 months
        self.capacity = 0.0
        self.fighters = 0.0  # all armed groups' fighters on its soil
        self.insurgent_share = 0.0
        self.deaths = 0.0  # this month
        self.deaths_total = 0.0
        self.territory_12 = deque([self.territory] * 13, maxlen=13)  # for the 12-month trend
        self.joint_force = 0.0  # troops of a bloc's joint force operating here
        self.joint_force_share = 0.0  # troops it lends to joint forces
        self.security_forces: dict[str, float] = {}  # partner -> personnel here
        self.deployments_out: list[Deployment] = []
        self.deployments_in: list[Deployment] = []
        self.troops_abroad = 0.0  # regular troops deployed in allies' territory (sum of deployments_out)
        self.troops_received = 0.0  # allied troops on this state's territory (sum of deployments_in)
        self.offensive = False  # a major offensive this month
        self.attacked_by: str | None = None  # bloc or partner intervening militarily
        self.attack_start = -1
        self.attack_until = -1
        self.attack_troops = 0.0
        self.help = 0.0  # decaying stock of honoured calls received
        self.record_toward: dict[str, list[int]] = {}  # ally -> +1/-1 for each answer it gave to our calls
        self.left_trade_bloc = False
        self.coup_attempts = 0
        self.last_success: int | None = None  # month of the last successful coup
        self.coup_successes = 0
        self.calls_made = 0

    # --- derived quantities ------------------------------------------------------------------------------
    @property
    def troops_home(self) -> float:
        """Regular troops at home and under national command."""
        return max(0.0, self.troops - self.troops_abroad - self.joint_force_share)

    @property
    def share_abroad(self) -> float:
        """Share of the regular army deployed abroad."""
        return self.troops_abroad / self.troops if self.troops else 0.0

    @property
    def cost_per_soldier(self) -> float:
        """USD per soldier-month at full readiness: the start's budget per soldier times ``upkeep_ratio``."""
        return self.model.p.upkeep_ratio * self.budget_per_soldier

    @property
    def partner_personnel(self) -> float:
        """Partner security personnel (contractors, trainers, troops) in the country."""
        return sum(self.security_forces.values())

    def reciprocity_from(self, other: State) -> float:
        """How this state answered ``other``'s calls for help: mean of +1 honoured / -1 refused (0 with no
        record). ``other`` weighs it when this state calls on it in turn."""
        record = other.record_toward.get(self.iso3)
        return sum(record) / len(record) if record else 0.0

    # --- 2. funding ---------------------------------------------------------------------------------------
    def open_books(self, sanctioned: bool, relief: float) -> None:
        """Start the month's books with domestic revenue, net of sanctions and lost trade."""
        p = self.model.p
        self.funding = {
            DOMESTIC: funding.domestic_revenue(
                self.defence_budget, float(sanctioned), relief, float(self.left_trade_bloc), p
            )
        }
        self.funds = self.funding[DOMESTIC]  # all money received this month, USD M
        self.spending_abroad = 0.0

    def receive(self, source: str, amount: float) -> None:
        """Book money received from a source (a partner's ID, ``allies`` or ``domestic``)."""
        if amount:
            self.funding[source] = self.funding.get(source, 0.0) + amount
            self.funds += amount

    def spend_abroad(self, amount: float) -> float:
        """Pay for deployments, aid to allies or bloc dues; returns what was paid."""
        self.spending_abroad += amount
        return amount

    def update_readiness(self) -> None:
        """Readiness = funds left at home / upkeep of the forces at home; a short month counts as unpaid."""
        p = self.model.p
        upkeep = (self.troops_home + p.auxiliary_cost_share * self.auxiliaries) * self.cost_per_soldier / 1e6
        self.readiness = funding.readiness(max(0.0, self.funds - self.spending_abroad), upkeep)
        self.unpaid.append(1 if self.readiness < p.unpaid_threshold else 0)
        self.unpaid_share = sum(self.unpaid) / 12.0

    # --- 3. insurgency ------------------------------------------------------------------------------------
    def assess_balance(self, protection_support: float) -> None:
        """Capacity and the armed groups' share of the balance of force, before this month's fighting."""
        p = self.model.p
        self.capacity = insurgency.capacity(
            self.troops_home,
            self.auxiliaries,
            self.troops_received,
            self.joint_force,
            self.readiness,
            protection_support,
            p,
        )
        fighters = self.fighters
        if self.attacked_by is not None:
            fighters += self.attack_troops / p.force_multiplier  # an invading army counts at face value
        self.insurgent_share = insurgency.insurgent_share(fighters, self.capacity, p)

    def fight(self, spill: float, surge: bool) -> float:
        """Move territory, count deaths and displacement for the month; returns the change of territory.

        ``surge`` marks a month of major offensive or external intervention: ground changes hands at once and
        the fighting is deadlier.
        """
        p = self.model.p
        t = self.territory
        dt = insurgency.territory_change(t, self.insurgent_share, spill, p)
        intensity = 1.0
        if surge:
            dt += p.offensive_territory * self.insurgent_share * (1.0 - t)
            intensity = p.offensive_intensity
        self.territory = clip(t + dt)
        fighters = self.fighters + (self.attack_troops if self.attacked_by else 0.0) * p.intervention_lethality
        self.deaths = insurgency.deaths(t, fighters, intensity, p)
        self.deaths_total += self.deaths
        self.displaced += insurgency.newly_displaced(self.deaths, self.territory - t, self.population, p)
        self.displaced -= insurgency.returns(self.displaced, self.territory, p)
        self.displaced = min(self.displaced, self.population)
        self.territory_12.append(self.territory)
        return self.territory - t

    @property
    def territory_trend(self) -> float:
        """Change of territory contested over the past 12 months."""
        return self.territory_12[-1] - self.territory_12[0]

    # --- 4-5. calls for help ------------------------------------------------------------------------------
    def call_for_help(self, bloc: Bloc, cause: str) -> Call:
        """Invoke a bloc's mutual-defence clause."""
        self.calls_made += 1
        return Call(self, bloc, cause)

    def answer_call(self, call: Call, draw: float) -> bool:
        """Decide whether to honour an ally's call; ``draw`` is this month's uniform number for the pair.

        Commitment, security at home, readiness and the requester's own record of answering decide.
        """
        p = self.model.p
        commitment = self.regime.commitment.get(call.bloc.id, 0.0)
        chance = defence.honour_probability(
            commitment, self.territory, call.requester.reciprocity_from(self), self.readiness, p
        )
        honour = draw < chance and self.troops_home > 0
        call.requester.record_toward.setdefault(self.iso3, []).append(1 if honour else -1)
        call.answers += 1
        if honour:
            call.honoured += 1
            troops = p.deployment_share * self.troops_home
            aid = p.ally_aid_share * self.funds
            deployment = Deployment(
                self, call.requester, call.bloc.id, troops, aid, self.model.month + p.deployment_months
            )
            self._add(deployment)
            call.requester.help += 1.0
        return honour

    def pay_deployments(self) -> None:
        """Pay for troops abroad and send the promised money to the allies they help."""
        p = self.model.p
        for d in self.deployments_out:
            self.spend_abroad(defence.deployment_cost(d.troops, self.cost_per_soldier, p))
            d.receiver.receive(ALLIES, self.spend_abroad(d.aid_musd))

    def end_deployments(self, month: int) -> None:
        """Bring home deployments whose time is up; let the stock of help received fade."""
        for d in [d for d in self.deployments_out if d.until <= month]:
            self._drop(d)
        self.help *= decay(self.model.p.help_half_life)

    def recall_troops(self, bloc_id: str | None = None) -> None:
        """Bring every deployment home (all, or those under one bloc), e.g. on leaving the bloc."""
        for d in [d for d in self.deployments_out if bloc_id is None or d.bloc == bloc_id]:
            self._drop(d)
        for d in [d for d in self.deployments_in if bloc_id is None or d.bloc == bloc_id]:
            self._drop(d)

    @staticmethod
    def _add(d: Deployment) -> None:
        d.sender.deployments_out.append(d)
        d.sender.troops_abroad += d.troops
        d.receiver.deployments_in.append(d)
        d.receiver.troops_received += d.troops

    @staticmethod
    def _drop(d: Deployment) -> None:
        d.sender.deployments_out.remove(d)
        d.sender.troops_abroad = sum(x.troops for x in d.sender.deployments_out)
        d.receiver.deployments_in.remove(d)
        d.receiver.troops_received = sum(x.troops for x in d.receiver.deployments_in)

    def __repr__(self) -> str:
        return f"State({self.iso3})"
