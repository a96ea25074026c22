"""The Junta agent: the regime ruling a state (civilian governments are regimes of kind ``civilian``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from liptako.model import coups, funding, legitimacy, membership
from liptako.model.mathutil import clip, decay

if TYPE_CHECKING:
    from liptako.model.model import LiptakoModel

    from .bloc import Bloc
    from .state import State


class Junta(mesa.Agent):
    """A regime: its leader, legitimacy, army cohesion, alignment, commitments to blocs and coup risk.

    Alignment runs from -1 (Western) to +1 (non-Western, sovereigntist). Coup risk is the monthly hazard of
    an attempt, recomputed each month and recorded.
    """

    def __init__(
        self,
        model: LiptakoModel,
        state: State,
        *,
        leader: str,
        kind: str,
        took_power: int,
        legitimacy: float,
        cohesion: float,
        alignment: float,
        commitment: dict[str, float],
        transition_deadline: int | None,
        last_attempt: int | None,
    ) -> None:
        super().__init__(model)
        self.state = state
        self.leader = leader
        self.kind = kind
        self.took_power = took_power
        self.legitimacy = legitimacy
        self.cohesion = cohesion
        self.alignment = alignment
        self.commitment = dict(commitment)
        self.transition_deadline = transition_deadline
        self.last_attempt = last_attempt
        self.coup_risk = 0.0
        self.rally = 0.0  # the sovereigntist rally, 0..1
        self.protection = 0.0
        self.months_below: dict[str, int] = {}  # bloc -> consecutive months of commitment under the exit threshold

    @property
    def civilian(self) -> bool:
        return self.kind == "civilian"

    @property
    def sovereigntist(self) -> bool:
        """Leaning non-Western (alignment above zero)."""
        return self.alignment > 0.0

    def months_since_attempt(self, month: int) -> float:
        """Months since the last coup attempt (a long time if none is known)."""
        return 1e3 if self.last_attempt is None else float(month - self.last_attempt)

    def overdue_years(self, month: int) -> float:
        """Years past the promised transition to civilian rule (0 if none was promised or not yet due)."""
        if self.civilian or self.transition_deadline is None:
            return 0.0
        return max(0.0, (month - self.transition_deadline) / 12.0)

    # --- 6. legitimacy and cohesion -----------------------------------------------------------------------
    def rally_round(self) -> None:
        """An anti-French or anti-ECOWAS moment: the sovereigntist rally jumps (only for such a regime)."""
        if self.sovereigntist:
            self.rally = clip(self.rally + self.model.p.rally_jump)

    def update_legitimacy(self, sanctioned: bool) -> None:
        """Move legitimacy toward its target: security record, rally, sanctions, help and broken promises."""
        p, s = self.model.p, self.state
        self.rally *= decay(p.rally_half_life)
        target = legitimacy.legitimacy_target(
            t=s.territory, trend=s.territory_trend, deaths_per_100k=s.deaths / s.population * 1e5,
            rally=self.rally, sanctioned=float(sanctioned), help_received=clip(s.help),
            overdue_years=self.overdue_years(self.model.month), p=p,
        )  # fmt: skip
        self.legitimacy = clip(legitimacy.relax(self.legitimacy, target, p.legitimacy_adjustment))

    def update_cohesion(self) -> None:
        """Move cohesion toward its target: deployments abroad and unpaid months strain the ranks."""
        p, s = self.model.p, self.state
        self.protection = self.patron_protection()
        target = legitimacy.cohesion_target(self.legitimacy, s.share_abroad, s.unpaid_share, self.protection, p)
        self.cohesion = clip(legitimacy.relax(self.cohesion, target, p.cohesion_adjustment))

    def patron_protection(self) -> float:
        """Protection from the personnel of regime-protecting partners (Wagner) sharing its orientation."""
        if not self.state.security_forces:
            return 0.0
        partners = self.model.partners
        aligned = sum(
            n
            for pid, n in self.state.security_forces.items()
            if partners[pid].protects_regime and (partners[pid].alignment > 0) == self.sovereigntist
        )
        return funding.protection(aligned, self.model.p)

    # --- 7. coups -----------------------------------------------------------------------------------------
    def update_coup_risk(self, contagion: float) -> float:
        """Recompute and store the monthly hazard of a coup attempt."""
        p, s = self.model.p, self.state
        trap = coups.coup_trap(self.months_since_attempt(self.model.month), p)
        self.coup_risk = coups.coup_hazard(
            legitimacy=self.legitimacy, cohesion=self.cohesion, share_abroad=s.share_abroad,
            unpaid_share=s.unpaid_share, trap=trap, protection=self.protection, civilian=float(self.civilian),
            contagion=contagion, p=p,
        )  # fmt: skip
        return self.coup_risk

    def success_probability(self) -> float:
        """Probability that an attempt against this regime succeeds."""
        return coups.coup_success_probability(self.legitimacy, self.cohesion, self.protection, self.model.p)

    def survive_attempt(self) -> None:
        """A failed attempt: the ranks split and purges follow; the coup-trap clock restarts."""
        self.cohesion = clip(self.cohesion - self.model.p.coup_attempt_shock)
        self.last_attempt = self.model.month

    # --- 8. commitment ------------------------------------------------------------------------------------
    def update_commitment(self, bloc: Bloc, threat: float, burden: float, pressure: float, coercion: float) -> float:
        """Move commitment to one bloc toward its target; return it.

        ``threat`` is the threat shared with the bloc's members, ``burden`` the share of the army abroad for
        the bloc without help in return, ``pressure`` 1 if the bloc sanctions this state (1/2 if it only
        suspends it), ``coercion`` the bloc's intervention threat against it or its allies.
        """
        p, s, month = self.model.p, self.state, self.model.month
        match = funding.alignment_match(self.alignment, bloc.alignment)
        target = membership.commitment_target(
            match=match, threat=threat, help_received=clip(s.help), burden=burden,
            trade=float(bloc.free_movement), sanctioned=pressure, coercion=coercion,
            rally=self.rally if bloc.alignment > 0 else 0.0, age_years=bloc.age_years(month), p=p,
        )  # fmt: skip
        c = legitimacy.relax(self.commitment.get(bloc.id, target), target, p.commitment_adjustment)
        self.commitment[bloc.id] = c
        below = self.months_below.get(bloc.id, 0)
        self.months_below[bloc.id] = below + 1 if c < p.exit_threshold else 0
        return c

    def commitment_target(self, bloc: Bloc, threat: float) -> float:
        """The commitment this regime would have to a bloc it does not belong to (to decide to apply)."""
        match = funding.alignment_match(self.alignment, bloc.alignment)
        return membership.commitment_target(
            match=match, threat=threat, help_received=0.0, burden=0.0, trade=float(bloc.free_movement),
            sanctioned=0.0, coercion=0.0, rally=self.rally if bloc.alignment > 0 else 0.0, age_years=0.0,
            p=self.model.p,
        )  # fmt: skip

    def votes_to_admit(self, candidate: Junta, draw: float) -> bool:
        """A member's vote on a candidate's accession: the closer their orientations, the likelier a yes."""
        match = funding.alignment_match(self.alignment, candidate.alignment)
        return draw < membership.vote_probability(match, self.model.p)

    def __repr__(self) -> str:
        return f"Junta({self.state.iso3}, {self.leader!r}, {self.kind})"
