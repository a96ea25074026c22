"""The Partner agent: an external patron (France, the EU, the USA, Russia, Türkiye, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from liptako.model import funding

if TYPE_CHECKING:
    from liptako.model.model import LiptakoModel
    from liptako.model.scenario import PartnerSpec

    from .bloc import Bloc
    from .state import State


class Partner(mesa.Agent):
    """An external patron with a Sahel security budget, an orientation and reaction rules.

    It funds its client states in proportion to alignment and need (and, for a bloc of its orientation, the
    bloc's brand), and may fund blocs' common funds. A *conditional* partner suspends aid after a coup; every
    partner leaves a state that expels it, and may lend security personnel (contractors, trainers) that add
    capacity and protect the regime.
    """

    def __init__(self, model: LiptakoModel, pid: str, spec: PartnerSpec) -> None:
        super().__init__(model)
        self.id = pid
        self.name = spec.name
        self.budget = spec.budget_musd  # USD M a year
        self.alignment = spec.alignment
        self.conditional = spec.conditional
        self.clients: set[str] = set(spec.clients)
        self.force_pool = float(spec.force_pool)
        self.bloc_funding = dict(spec.bloc_funding)
        self.expelled: set[str] = set()  # states whose regime ordered it out
        self.withdrawn: set[str] = set()  # states it left by a scenario's decision (partner_exit)
        self.protects_regime = spec.regime_protection  # guards the regime (Wagner), not only the state
        self.suspended: dict[str, int | None] = {}  # state -> month aid resumes (None: while the junta stays hostile)
        self.spent = 0.0  # this month, USD M
        self.unspent = 0.0

    @property
    def western(self) -> bool:
        """Leaning West (alignment below zero)."""
        return self.alignment < 0.0

    @property
    def personnel_deployed(self) -> float:
        return sum(s.security_forces.get(self.id, 0.0) for s in self.model.states)

    def present_in(self, state: State) -> bool:
        """Funding or deploying in a state."""
        return state.iso3 in self.clients or state.security_forces.get(self.id, 0.0) > 0

    def deploy(self, state: State, personnel: float) -> float:
        """Send security personnel to a state, within the pool; returns how many went."""
        sent = min(personnel, max(0.0, self.force_pool - self.personnel_deployed))
        if sent > 0:
            state.security_forces[self.id] = state.security_forces.get(self.id, 0.0) + sent
        return sent

    # --- 2. funding ---------------------------------------------------------------------------------------
    def eligible(self, state: State) -> bool:
        """Whether this partner funds a state this month."""
        return state.iso3 in self.clients and state.iso3 not in self.expelled and state.iso3 not in self.suspended

    def allocate(self, blocs: dict[str, Bloc]) -> None:
        """Spend this month's budget: blocs' common funds first, then clients by alignment, need and brand."""
        p = self.model.p
        factor = p.western_budget_factor if self.western else p.nonwestern_budget_factor
        monthly = self.budget * factor / 12.0
        self.spent = 0.0
        for bloc_id, share in self.bloc_funding.items():
            bloc = blocs.get(bloc_id)
            if bloc is not None and not bloc.dissolved and bloc.members:
                bloc.fund += monthly * share
                self.spent += monthly * share
        rest = monthly - self.spent
        by_id = self.model.state_by_id
        recipients = [by_id[iso] for iso in sorted(self.clients) if self.eligible(by_id[iso])]
        branded = self.model.bloc_members_leaning(self.alignment)
        weights = [
            funding.allocation_weight(
                match=funding.alignment_match(self.alignment, s.regime.alignment), territory=s.territory,
                brand=float(s.iso3 in branded), p=p,
            )
            for s in recipients
        ]  # fmt: skip
        total = sum(weights)
        if total > 0:
            for state, w in zip(recipients, weights, strict=True):
                state.receive(self.id, rest * w / total)
            self.spent += rest
        self.unspent = monthly - self.spent

    # --- reactions ----------------------------------------------------------------------------------------
    def react_to_coup(self, state: State) -> bool:
        """A conditional partner suspends aid after a successful coup; returns whether it did."""
        if not self.conditional or not self.present_in(state):
            return False
        leaning_west = state.regime.alignment * self.alignment > 0
        self.suspended[state.iso3] = (
            self.model.month + int(self.model.p.aid_suspension_months) if leaning_west else None
        )
        return True

    def review_suspensions(self, states: dict[str, State]) -> list[State]:
        """Lift suspensions that ran out; a hostile junta that turned friendly starts its countdown."""
        resumed = []
        month = self.model.month
        for iso, until in list(self.suspended.items()):
            regime = states[iso].regime
            if until is None and regime.alignment * self.alignment > 0:
                self.suspended[iso] = month + int(self.model.p.aid_suspension_months)
            elif until is not None and until <= month:
                del self.suspended[iso]
                resumed.append(states[iso])
        return resumed

    def expelled_by(self, state: State) -> None:
        """Leave a state whose regime ordered this partner out."""
        self.expelled.add(state.iso3)
        self.leave(state)

    def leave(self, state: State, for_good: bool = False) -> None:
        """Stop funding and withdraw personnel from a state; ``for_good`` (a scenario's ``partner_exit``)
        means the partner does not come back unless a later ``partner_entry`` says so."""
        self.clients.discard(state.iso3)
        state.security_forces.pop(self.id, None)
        if for_good:
            self.withdrawn.add(state.iso3)

    def enter(self, state: State, personnel: float = 0.0) -> None:
        """Start funding a state (and optionally deploy personnel, enlarging the pool if needed); lifts a past
        expulsion or withdrawal."""
        self.expelled.discard(state.iso3)
        self.withdrawn.discard(state.iso3)
        self.clients.add(state.iso3)
        if personnel:
            self.force_pool = max(self.force_pool, self.personnel_deployed + personnel)
            self.deploy(state, personnel)

    def welcomes(self, state: State) -> bool:
        """Whether the partner would take up an invitation from this state: it has a budget, was neither
        expelled nor withdrawn from it, and does not suspend its aid there."""
        iso = state.iso3
        return self.budget > 0 and iso not in self.expelled and iso not in self.withdrawn and iso not in self.suspended

    def __repr__(self) -> str:
        return f"Partner({self.id})"
