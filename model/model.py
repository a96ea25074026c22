"""LiptakoModel: the Alliance des États du Sahel and its neighbours, month by month.

The model owns the schedule; agents hold state and make their own decisions; rules are small pure functions
in the neighbouring modules (``funding``, ``insurgency``, ``defence``, ``legitimacy``, ``coups``,
``membership``). One month, in order (see :meth:`LiptakoModel.step`):

1. Events: the scenario's dated events fire.
2. Funding: domestic revenue net of sanctions, blocs' dues and common funds, partners' budgets, deployments.
3. Insurgency: armed groups grow and spread; territory, deaths and displacement move against capacity.
4. Aggression and calls for help: a member under a major offensive or an external attack calls its allies.
5. Responses: each ally honours or refuses; deployments strain armies and budgets.
6. Legitimacy: security record, rally, sanctions, help received, broken promises; then army cohesion.
7. Coups: the hazard of an attempt; success installs a new junta; sanctions and aid suspensions follow.
8. Membership and partnerships: expulsions and invitations of partners, commitment, notice, exit,
   accession and dissolution.
9. Record: the month's row of every declared series; the event log is written as things happen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import mesa
import networkx as nx
import numpy as np
from mesa.discrete_space import Network
from mesa.experimental.scenarios import Scenario as MesaScenario

from liptako.agents import ArmedGroup, Bloc, Junta, Partner, State
from liptako.agents.state import ALLIES, DOMESTIC, Call

from . import defence, funding, insurgency
from .errors import InputError
from .eventlog import EventLog
from .geography import BORDERS, COUNTRIES
from .mathutil import clip, exp
from .outputs import Recorder, summarise
from .parameters import BY_NAME, Parameters
from .scenario import (
    AccessionRequestEvent,
    CoupEvent,
    FundingChangeEvent,
    InterventionEvent,
    PartnerEntryEvent,
    PartnerExitEvent,
    Scenario,
    SetParameterEvent,
    WithdrawalEvent,
    format_month,
    load,
    parse_month,
)

# Independent random streams, one per process, so that switching a mechanism off does not reshuffle the
# others (common random numbers across scenarios). Append new names at the end: the index is the stream.
STREAMS = ("events", "insurgency", "defence", "coups", "succession", "membership", "partners")


def spawn_streams(seed: int) -> dict[str, np.random.Generator]:
    """One numpy Generator per named stream, all derived from one seed by SeedSequence."""
    return {name: np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,))) for i, name in enumerate(STREAMS)}


class LiptakoModel(mesa.Model):
    """The Liptako model, built from a scenario.

    Args:
        scenario: a bundled scenario's name, a TOML file's path, or a :class:`Scenario`.
        rng: the run's seed (an int), a numpy Generator to draw one from, or None for a fresh one. The seed
            actually used is ``model.seed``; record it to rerun.
        months: horizon in months (default: the scenario's).
        parameters: registry parameter overrides, ``{"name": value}``.
        **overrides: more registry parameter overrides by keyword (so ``mesa.batch_run`` and SolaraViz can
            sweep them).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "baseline",
        *,
        rng=None,
        seed=None,
        months: int | None = None,
        parameters: Mapping[str, float] | None = None,
        **overrides,
    ) -> None:
        if isinstance(scenario, MesaScenario):  # Mesa's SolaraViz passes its own Scenario on Reset
            rng = rng if rng is not None else scenario.rng
            scenario = "baseline"
        spec = load(scenario)
        extra = {**(parameters or {}), **overrides}
        for name in extra:
            if name not in BY_NAME:
                raise InputError("parameters", name, "unknown parameter; valid names: " + ", ".join(BY_NAME))
        if months is not None and months != spec.months:
            spec = spec.replace(months=months)
        if rng is not None and seed is not None:
            raise ValueError("give rng or seed, not both")
        rng = seed if rng is None else rng
        if isinstance(rng, np.random.Generator):
            rng = int(rng.integers(2**63))
        elif rng is None:
            rng = int(np.random.SeedSequence().entropy % 2**63)
        elif isinstance(rng, bool) or not isinstance(rng, int | np.integer) or rng < 0:
            raise InputError("rng", None, f"the seed must be a non-negative integer, not {rng!r}")
        super().__init__(rng=int(rng))
        self.seed = int(rng)
        self.spec = spec  # Mesa reserves ``self.scenario`` for its own Scenario class
        try:  # the scenario's overrides, then the caller's (checked against the registry's ranges)
            self.p = Parameters({**spec.parameters, **extra})
        except ValueError as err:
            raise InputError("parameters", None, str(err)) from None
        self.streams = spawn_streams(self.seed)
        self.month = spec.start
        self.log = EventLog()
        self._build()
        self.recorder = Recorder(self)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "members": lambda m: len(m.focal.members),
                "coups": lambda m: sum(s.coup_successes for s in m.states),
                "territory": lambda m: sum(s.territory for s in m.states) / len(m.states),
            }
        )

    # --- construction -------------------------------------------------------------------------------------
    def _build(self) -> None:
        spec = self.spec
        isos = sorted(spec.states)
        graph = nx.Graph()
        graph.add_nodes_from(isos)
        graph.add_edges_from((a, b) for a, b in BORDERS if a in spec.states and b in spec.states)
        # A fixed layout from the capitals' coordinates (never an unseeded spring layout).
        layout = {iso: (COUNTRIES[iso].lon, COUNTRIES[iso].lat) for iso in isos}
        self.border = Network(graph, layout=layout, random=self.random)

        self.states: list[State] = []
        self.state_by_id: dict[str, State] = {}
        for iso in isos:
            st = spec.states[iso]
            coastal = COUNTRIES[iso].coastal if st.coastal is None else st.coastal
            state = State(self, iso, st, spec.state_name(iso), coastal, self.border[iso])
            self.states.append(state)
            self.state_by_id[iso] = state
        for state in self.states:
            state.neighbours = [self.state_by_id[n] for n in sorted(graph.neighbors(state.iso3))]
            r = spec.states[state.iso3].regime
            past = [parse_month(m) for m in r.coups] + ([parse_month(r.took_power)] if r.kind == "military" else [])
            state.regime = Junta(
                self,
                state,
                leader=r.leader,
                kind=r.kind,
                took_power=parse_month(r.took_power),
                legitimacy=r.legitimacy,
                cohesion=r.cohesion,
                alignment=r.alignment,
                commitment=r.commitment,
                transition_deadline=parse_month(r.transition_deadline) if r.transition_deadline else None,
                last_attempt=max(past) if past else None,
            )
            state.regime.rally = r.rally
            state.last_success = parse_month(r.took_power) if r.kind == "military" else None
        self.index = {s.iso3: i for i, s in enumerate(self.states)}

        self.partners: dict[str, Partner] = {}
        for pid in sorted(spec.partners):
            partner = Partner(self, pid, spec.partners[pid])
            for iso, n in sorted(spec.partners[pid].forces.items()):
                self.state_by_id[iso].security_forces[pid] = float(n)
            partner.force_pool = max(partner.force_pool, float(sum(spec.partners[pid].forces.values())))
            for iso in spec.partners[pid].suspended:
                partner.suspended[iso] = None
            self.partners[pid] = partner
        self.funding_sources = [DOMESTIC, *self.partners, ALLIES]

        self.groups: dict[str, ArmedGroup] = {
            gid: ArmedGroup(self, gid, spec.armed_groups[gid]) for gid in sorted(spec.armed_groups)
        }
        self._count_fighters()

        self.blocs: dict[str, Bloc] = {}
        for bid in sorted(spec.blocs):
            b = spec.blocs[bid]
            founded = parse_month(b.founded) if b.founded else spec.start
            self.blocs[bid] = Bloc(self, bid, b, founded)
            for iso in b.members:  # members without a stated commitment start at their target
                regime = self.state_by_id[iso].regime
                regime.commitment.setdefault(bid, regime.commitment_target(self.blocs[bid], 0.0))
        self.focal = self.blocs[spec.scenario.focal_bloc]

        self.schedule: dict[int, list] = defaultdict(list)
        for event in spec.events:
            self.schedule[parse_month(event.date)].append(event)

        # Per-run tallies
        self.calls_made = 0
        self.responses = 0
        self.responses_honoured = 0
        self.focal_responses = 0
        self.focal_honoured = 0
        self.junta_months = 0
        self.junta_attempts = 0
        self.ecowas_exits: list[str] = []
        self.partner_money: dict[str, float] = dict.fromkeys(self.partners, 0.0)  # USD M paid out, all months
        self.first_exit: tuple[str, int] | None = None
        self._threatened: set[str] = set()  # see _note_threats
        self._clause_cache: dict[tuple[str, int], list] = {}
        self._membership_version = 0  # bumped whenever a bloc's membership changes
        self._brand_cache: dict[tuple[bool, int], set[str]] = {}

    # --- the month ----------------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month through the nine phases of the module docstring."""
        self.month = self.spec.start + self.steps - 1
        self.fire_events()  # 1. Events
        self.fund()  # 2. Funding
        self.fight_insurgencies()  # 3. Insurgency
        calls = self.call_for_help()  # 4. Aggression and calls for help
        self.answer_calls(calls)  # 5. Responses
        self.update_legitimacy()  # 6. Legitimacy (and cohesion)
        self.resolve_coups()  # 7. Coups
        self.update_membership()  # 8. Membership and partnerships
        self.record()  # 9. Record

    def run(self, months: int | None = None) -> LiptakoModel:
        """Step to the horizon (or ``months`` more); returns the model."""
        for _ in range(self.spec.months - self.steps if months is None else months):
            self.step()
        return self

    # --- 1. events ----------------------------------------------------------------------------------------
    def fire_events(self) -> None:
        """Apply the scenario's events for this month, and end what ran out (deployments, sanctions, ...)."""
        month = self.month
        for state in self.states:
            state.end_deployments(month)
            if state.attacked_by is not None and state.attack_until <= month:
                self.say(
                    state,
                    "intervention",
                    f"the intervention by {state.attacked_by} ends (territory contested {state.territory:.0%})",
                )
                state.attacked_by = None
                state.attack_troops = 0.0
        for bloc in self.blocs.values():
            for iso in bloc.lift_expired_sanctions():
                self.say(self.state_by_id[iso], "sanctions", f"{bloc.id} lifts its sanctions")
        for partner in self.partners.values():
            for state in partner.review_suspensions(self.state_by_id):
                self.say(state, "partner", f"{partner.name} resumes aid")
        for event in self.schedule.get(month, ()):
            self.apply_event(event)

    def apply_event(self, ev) -> None:
        """Carry out one scenario event."""
        states = self.state_by_id
        if isinstance(ev, CoupEvent):
            u = self.streams["events"].random()
            self.coup(states[ev.state], u, outcome=ev.outcome, alignment=ev.alignment, leader=ev.leader, forced=True)
        elif isinstance(ev, PartnerExitEvent):
            partner = self.partners[ev.partner]
            targets = ev.from_ if ev.from_ is not None else [s.iso3 for s in self.states]
            for iso in sorted(targets):
                present = partner.present_in(states[iso])
                partner.leave(states[iso], for_good=True)
                if present:
                    self.say(states[iso], "partner", f"{partner.name} withdraws its funding and personnel")
        elif isinstance(ev, PartnerEntryEvent):
            partner = self.partners[ev.partner]
            for iso in ev.to:
                partner.enter(states[iso], ev.forces)
                extra = f" with {ev.forces:,} personnel" if ev.forces else ""
                self.say(states[iso], "partner", f"{partner.name} starts funding its security{extra}")
        elif isinstance(ev, FundingChangeEvent):
            partner = self.partners[ev.partner]
            before = partner.budget
            partner.budget = partner.budget * ev.factor if ev.factor is not None else ev.budget_musd
            self.say(
                None,
                "funding",
                f"{partner.name} changes its Sahel budget from USD {before:,.0f} M "
                f"to USD {partner.budget:,.0f} M a year",
                who=partner.name,
            )
        elif isinstance(ev, InterventionEvent):
            self.start_intervention(ev.by, states[ev.state], ev.troops)
        elif isinstance(ev, AccessionRequestEvent):
            self.request_accession(states[ev.state], self.blocs[ev.bloc])
        elif isinstance(ev, WithdrawalEvent):
            state, bloc = states[ev.state], self.blocs[ev.bloc]
            if state.iso3 in bloc.members and state.iso3 not in bloc.notices:
                self.give_notice(state, bloc, "decides to leave")
            else:
                why = "has already given notice" if state.iso3 in bloc.members else "is not a member"
                self.say(state, "notice", f"would leave {bloc.id} but {why}: no effect")
        elif isinstance(ev, SetParameterEvent):
            before = getattr(self.p, ev.parameter)
            self.p.set(ev.parameter, ev.value)
            self.say(None, "parameter", f"{ev.parameter} changes from {before:g} to {ev.value:g}", who="Scenario")

    # --- 2. funding ---------------------------------------------------------------------------------------
    def fund(self) -> None:
        """Every dollar to its source: domestic revenue, blocs' dues, partners' budgets, allies' aid."""
        p = self.p
        under_sanctions = self._under_sanctions()
        for state in self.states:
            sanctioned = state.iso3 in under_sanctions
            relief = p.corridor_relief if sanctioned and self._has_non_aggression_allies(state) else 0.0
            state.open_books(sanctioned, relief)
        for bloc in self.blocs.values():
            if bloc.dissolved or not bloc.common_fund or not bloc.members:
                continue
            members = [self.state_by_id[i] for i in sorted(bloc.members)]
            budgets = sum(s.defence_budget for s in members) or 1.0
            for s in members:  # dues in proportion to each member's defence budget
                bloc.fund += s.spend_abroad(bloc.common_fund / 12.0 * s.defence_budget / budgets)
        for partner in self.partners.values():
            partner.allocate(self.blocs)
            self.partner_money[partner.id] += partner.spent
        self._staff_joint_forces()
        for state in self.states:
            state.pay_deployments()
        for state in self.states:
            state.update_readiness()

    def _under_sanctions(self) -> set[str]:
        """States some bloc sanctions this month."""
        return {iso for b in self.blocs.values() for iso in b.sanctioned}

    def bloc_members_leaning(self, alignment: float) -> set[str]:
        """States in a live bloc whose orientation has the sign of ``alignment`` (partners' 'brand')."""
        key = (alignment > 0, self._membership_version)
        if key not in self._brand_cache:
            self._brand_cache[key] = {
                iso for b in self.blocs.values() if not b.dissolved and b.alignment * alignment > 0 for iso in b.members
            }
        return self._brand_cache[key]

    def _has_non_aggression_allies(self, state: State) -> bool:
        return any(
            b.non_aggression and state.iso3 in b.members and len(b.members) > 1 and not b.dissolved
            for b in self.blocs.values()
        )

    def _staff_joint_forces(self) -> None:
        """Members lend troops to their bloc's joint force, paid from the common fund, sent where most needed."""
        for state in self.states:
            state.joint_force = 0.0
            state.joint_force_share = 0.0
        for bloc in self.blocs.values():
            if bloc.dissolved or not bloc.joint_force_troops or not bloc.members:
                continue
            members = [self.state_by_id[i] for i in sorted(bloc.members)]
            troops = sum(s.troops for s in members) or 1.0
            upkeep = 0.0
            for s in members:
                lent = bloc.joint_force_troops * s.troops / troops
                s.joint_force_share += lent
                upkeep += lent * s.cost_per_soldier / 1e6
            bloc.joint_force_readiness = funding.readiness(bloc.fund, upkeep)
            bloc.fund_spent = upkeep * bloc.joint_force_readiness  # what the fund can pay; the rest carries over
            bloc.fund -= bloc.fund_spent
            need = [s.territory + 0.01 for s in members]
            for s, w in zip(members, need, strict=True):
                s.joint_force += bloc.joint_force_troops * bloc.joint_force_readiness * w / sum(need)

    # --- 3. insurgency ------------------------------------------------------------------------------------
    def fight_insurgencies(self) -> None:
        """Balance of force, offensives, territory, deaths and displacement; fighters recruit and spread."""
        p = self.p
        for state in self.states:
            state.assess_balance(funding.security_support(state.partner_personnel, p))
        draws = self.streams["insurgency"].random(len(self.states)).tolist()
        before = [s.territory for s in self.states]
        spills = [self._spill(s, before) for s in self.states]
        for i, state in enumerate(self.states):
            state.offensive = state.fighters >= p.offensive_min_fighters and draws[
                i
            ] < insurgency.offensive_probability(state.insurgent_share, p)
            state.fight(spills[i], surge=state.offensive or state.attacked_by is not None)
            if state.offensive:
                self.say(
                    state,
                    "offensive",
                    f"major offensive by {self._main_group(state)} (territory contested {state.territory:.0%})",
                )
        for group in self.groups.values():
            for iso in sorted(group.fighters):
                group.recruit(self.state_by_id[iso])
            for state in group.move_across_borders(self.state_by_id):
                self.say(state, "spread", f"{group.name} fighters cross the border and begin operating")
        self._count_fighters()

    def _spill(self, state: State, territory: list[float]) -> float:
        """Neighbours' contested territory, weighted by the armed groups' share of force there, and less
        between allies fighting jointly in a common space (Art. 4)."""
        cut = self.p.common_space_effect
        return sum(
            territory[self.index[nb.iso3]] * nb.insurgent_share * (1.0 - cut * shared)
            for nb, shared in self._shared_clause(state)
        )

    def _shared_clause(self, state: State) -> list[tuple[State, float]]:
        """Each neighbour with the strongest mutual-defence clause it shares with ``state`` (cached until
        membership changes)."""
        key = (state.iso3, self._membership_version)
        cached = self._clause_cache.get(key)
        if cached is None:
            cached = [(nb, self._strongest_clause(state.iso3, nb.iso3)) for nb in state.neighbours]
            self._clause_cache[key] = cached
        return cached

    def _strongest_clause(self, a: str, b: str) -> float:
        """The strongest mutual-defence clause of a live bloc both states belong to (0 if none)."""
        clauses = [x.mutual_defence for x in self.blocs.values() if not x.dissolved and {a, b} <= x.members]
        return max(clauses, default=0.0)

    def _count_fighters(self) -> None:
        for state in self.states:
            state.fighters = 0.0
        for group in self.groups.values():
            for iso, n in group.fighters.items():
                self.state_by_id[iso].fighters += n

    def _main_group(self, state: State) -> str:
        return max(self.groups.values(), key=lambda g: g.fighters.get(state.iso3, 0.0)).name

    # --- 4. aggression and calls for help -----------------------------------------------------------------
    def call_for_help(self) -> list[Call]:
        """Blocs may intervene in states they sanction; members under attack invoke mutual defence."""
        p = self.p
        draws = self.streams["insurgency"].random((len(self.blocs), len(self.states))).tolist()
        for b, bloc in enumerate(self.blocs.values()):
            bloc.fade_threats()
            for iso in sorted(bloc.sanctioned):
                state = self.state_by_id[iso]
                chance = bloc.threat_against(iso) * p.intervention_rate
                if state.attacked_by is None and bloc.intervention_troops and draws[b][self.index[iso]] < chance:
                    self.start_intervention(bloc.id, state, None)
        calls = []
        invoke = self.streams["defence"].random((len(self.blocs), len(self.states))).tolist()
        for i, state in enumerate(self.states):
            attacked_now = state.attacked_by is not None and state.attack_start == self.month
            if not (state.offensive or attacked_now):
                continue
            cause = f"the intervention by {state.attacked_by}" if attacked_now else "a major offensive"
            for b, bloc in enumerate(self.blocs.values()):
                if (
                    invoke[b][i] < defence.call_probability(bloc.mutual_defence)
                    and not bloc.dissolved
                    and bloc.id != state.attacked_by
                    and state.iso3 in bloc.active_members()
                    and len(bloc.members) > 1
                ):
                    calls.append(state.call_for_help(bloc, cause))
        return calls

    def start_intervention(self, by: str, state: State, troops: int | None) -> None:
        """An external military intervention against a state: an aggression under Article 6."""
        bloc = self.blocs.get(by)
        force = int(troops or (bloc.intervention_troops if bloc else 0) or self.p.intervention_troops)
        state.attacked_by = by
        state.attack_start = self.month
        state.attack_until = self.month + int(self.p.intervention_months)
        state.attack_troops = float(force)
        state.regime.rally_round()
        if by in self.partners:
            self.partners[by].expelled_by(state)
        self.say(state, "intervention", f"{by} intervenes militarily with {force:,} troops")

    # --- 5. responses -------------------------------------------------------------------------------------
    def answer_calls(self, calls: list[Call]) -> None:
        """Each ally in good standing decides; the story records who went and who did not."""
        n = len(self.states)
        draws = self.streams["defence"].random((len(self.blocs), n, n)).tolist()
        bloc_index = {bid: i for i, bid in enumerate(self.blocs)}
        for call in calls:
            requester = call.requester
            answers = []
            for iso in call.bloc.active_members():
                if iso == requester.iso3:
                    continue
                ally = self.state_by_id[iso]
                honoured = ally.answer_call(
                    call, draws[bloc_index[call.bloc.id]][self.index[requester.iso3]][self.index[iso]]
                )
                troops = ally.deployments_out[-1].troops if honoured else 0
                answers.append(f"{ally.name} sends {troops:,.0f} troops" if honoured else f"{ally.name} refuses")
            self.calls_made += 1
            self.responses += call.answers
            self.responses_honoured += call.honoured
            if call.bloc is self.focal:
                self.focal_responses += call.answers
                self.focal_honoured += call.honoured
            article = " under Article 6" if call.bloc.id == "AES" else ""
            self.say(
                requester,
                "call",
                f"calls on its {call.bloc.id} allies{article} after {call.cause}: "
                + ("; ".join(answers) if answers else "no ally in good standing answers"),
            )

    # --- 6. legitimacy ------------------------------------------------------------------------------------
    def update_legitimacy(self) -> None:
        """Each regime's legitimacy, then its army's cohesion."""
        under_sanctions = self._under_sanctions()
        for state in self.states:
            state.regime.update_legitimacy(state.iso3 in under_sanctions)
            state.regime.update_cohesion()

    # --- 7. coups -----------------------------------------------------------------------------------------
    def resolve_coups(self) -> None:
        """Each regime's coup hazard; an attempt is drawn, then its success."""
        draws = self.streams["coups"].random((2, len(self.states))).tolist()
        for i, state in enumerate(self.states):
            regime = state.regime
            hazard = regime.update_coup_risk(self._contagion(state))
            if not regime.civilian:
                self.junta_months += 1
            if draws[0][i] < hazard:
                self.coup(state, draws[1][i])

    def _contagion(self, state: State) -> float:
        """Recent successful coups next door, fading like the coup trap (0 if none)."""
        if not self.p.coup_contagion:  # off by default (Miller, Joseph & Ohl 2018): skip the search
            return 0.0
        recent = [self.month - nb.last_success for nb in state.neighbours if nb.last_success is not None]
        return max((exp(-m / self.p.coup_trap_months) for m in recent), default=0.0)

    def coup(
        self,
        state: State,
        draw: float,
        *,
        outcome: str | None = None,
        alignment: float | None = None,
        leader: str | None = None,
        forced: bool = False,
    ) -> bool:
        """A coup attempt against the state's regime; returns whether it succeeded."""
        regime = state.regime
        risk = regime.coup_risk
        chance = regime.success_probability()
        success = outcome == "success" if outcome is not None else draw < chance
        state.coup_attempts += 1
        if not regime.civilian:
            self.junta_attempts += 1
        how = "a coup attempt (scenario event)" if forced else f"a coup attempt (risk {risk:.1%}/month)"
        if not success:
            regime.survive_attempt()
            self.say(
                state,
                "coup",
                f"{how} fails; {regime.leader} stays in power (success chance was {chance:.0%})",
            )
            return False
        self._install_junta(state, alignment, leader)
        new = state.regime
        turn = "sovereigntist" if new.alignment > 0 else "pro-Western"
        self.say(
            state,
            "coup",
            f"{how} succeeds: {new.leader} takes power (alignment {new.alignment:+.2f}, {turn})",
        )
        for bloc in self.blocs.values():
            if bloc.sanctions_on_coup and state.iso3 in bloc.members and not bloc.dissolved:
                bloc.sanction(state.iso3, hostile=new.alignment * bloc.alignment < 0)
                new.rally_round()
                self.say(
                    state,
                    "sanctions",
                    f"{bloc.id} suspends and sanctions the new junta"
                    + (" and threatens intervention" if bloc.threat_against(state.iso3) else ""),
                )
        for partner in self.partners.values():
            if partner.react_to_coup(state):
                self.say(state, "partner", f"{partner.name} suspends aid")
        return True

    def _install_junta(self, state: State, alignment: float | None, leader: str | None) -> None:
        """A new junta: alignment drawn around the old one (with a chance of a flip), commitments redrawn."""
        p = self.p
        old = state.regime
        normal, flip = self.streams["succession"].standard_normal(), self.streams["succession"].random()
        if alignment is None:
            centre = -old.alignment if flip < p.alignment_flip else old.alignment
            # Officers who seize power amid insecurity ride frustration with foreign intervention.
            centre += p.sovereigntist_turn * state.territory
            alignment = float(clip(centre + p.alignment_drift * normal, -1.0, 1.0))
        state.coup_successes += 1
        state.last_success = self.month
        new = Junta(
            self,
            state,
            leader=leader or f"a military council ({format_month(self.month)})",
            kind="military",
            took_power=self.month,
            legitimacy=p.honeymoon_legitimacy,
            cohesion=clip(old.cohesion - p.coup_attempt_shock),
            alignment=alignment,
            commitment={},
            transition_deadline=self.month + int(p.transition_months),
            last_attempt=self.month,
        )
        new.rally = old.rally if (old.alignment > 0) == (alignment > 0) else 0.0
        self._note_threats()
        for bloc in self.blocs.values():  # commitment follows the new alignment
            if state.iso3 in bloc.members:
                new.commitment[bloc.id] = new.commitment_target(bloc, self._threat(state, bloc))
        for partner in self.partners.values():  # a new regime may welcome back partners of its orientation
            if partner.alignment * alignment > 0:
                partner.expelled.discard(state.iso3)
        old.remove()
        state.regime = new
        for bloc in self.blocs.values():  # a junta that turns toward a bloc may take back the notice to leave it
            turned = funding.alignment_match(alignment, bloc.alignment) > funding.alignment_match(
                old.alignment, bloc.alignment
            )
            if state.iso3 in bloc.notices and turned and new.commitment.get(bloc.id, 0.0) >= p.exit_threshold:
                del bloc.notices[state.iso3]
                self.say(state, "notice", f"the new junta withdraws the notice to leave {bloc.id}")

    # --- 8. membership and partnerships -------------------------------------------------------------------
    def update_membership(self) -> None:
        """Partners expelled or invited; commitments move; members give notice, leave, apply; blocs dissolve."""
        self._partnerships()
        self._note_threats()
        p = self.p
        month = self.month
        for bloc in self.blocs.values():
            if bloc.dissolved:
                continue
            shared = self._shared_threat(bloc) if bloc.mutual_defence else 0.0
            for iso in sorted(bloc.members):
                state = self.state_by_id[iso]
                threat = bloc.mutual_defence * clip(state.territory + shared)
                abroad = (sum(d.troops for d in state.deployments_out if d.bloc == bloc.id) / (state.troops or 1.0)
                          if state.deployments_out else 0.0)  # fmt: skip
                burden = abroad * (1.0 - clip(state.help))
                c = state.regime.update_commitment(bloc, threat, burden, *self._coercion(state, bloc))
                if iso not in bloc.notices and state.regime.months_below.get(bloc.id, 0) >= p.exit_patience:
                    self.give_notice(state, bloc, f"commitment has fallen to {c:.2f}")
            for iso, due in sorted(bloc.notices.items()):
                if due <= month:
                    self.leave(self.state_by_id[iso], bloc)
        self._applications()
        for bloc in self.blocs.values():
            if not bloc.dissolved and len(bloc.members) < 2:
                bloc.dissolved_month = month
                self._membership_version += 1
                for iso in sorted(bloc.members):
                    self.leave(self.state_by_id[iso], bloc, quiet=True)
                self.say(None, "dissolution", "dissolved: fewer than two members remain", who=bloc.name)

    def _threat(self, state: State, bloc: Bloc) -> float:
        """Threat shared within a mutual-defence bloc: insurgency at home, and any member (or the state
        itself) attacked or threatened with intervention by another bloc (balance of threat)."""
        if not bloc.mutual_defence:
            return 0.0
        if state.iso3 in bloc.members:
            external = self._shared_threat(bloc)
        else:  # a candidate weighs only the threats to itself
            external = self._coerced(state.iso3, bloc)
        return bloc.mutual_defence * clip(state.territory + external)

    def _shared_threat(self, bloc: Bloc) -> float:
        """The highest outside threat over any member of a bloc."""
        threatened = self._threatened
        if not threatened:
            return 0.0
        return max((self._coerced(iso, bloc) for iso in bloc.members if iso in threatened), default=0.0)

    def _coerced(self, iso3: str, bloc: Bloc) -> float:
        """1 if the state is under attack, else the highest intervention threat of a bloc other than ``bloc``."""
        if self.state_by_id[iso3].attacked_by is not None:
            return 1.0
        return max((b.threats.get(iso3, 0.0) for b in self.blocs.values() if b.threats and b is not bloc), default=0.0)

    def _note_threats(self) -> None:
        """Refresh the set of states under attack or under some bloc's intervention threat."""
        out = {s.iso3 for s in self.states if s.attacked_by is not None}
        for b in self.blocs.values():
            out.update(b.threats)
        self._threatened = out

    def _coercion(self, state: State, bloc: Bloc) -> tuple[float, float]:
        """Pressure a bloc puts on a member: sanctions on it (1) or suspension (1/2); and the bloc's
        intervention threat against the member or its mutual-defence allies."""
        pressure = (
            1.0
            if state.iso3 in bloc.sanctioned
            else self.p.suspension_pressure
            if state.iso3 in bloc.suspended
            else 0.0
        )
        if not bloc.threats:
            return pressure, 0.0
        allies = {state.iso3}
        for other in self.blocs.values():
            if other is not bloc and other.mutual_defence and state.iso3 in other.members:
                allies |= other.members
        return pressure, max(bloc.threats.get(i, 0.0) for i in allies)

    def give_notice(self, state: State, bloc: Bloc, why: str) -> None:
        """A member gives notice; it leaves when the bloc's notice period runs out."""
        due = self.month + bloc.notice_months
        bloc.notices[state.iso3] = due
        self.say(state, "notice", f"gives notice to leave {bloc.id} ({why}); it leaves in {format_month(due)}")
        if due <= self.month:
            self.leave(state, bloc)

    def leave(self, state: State, bloc: Bloc, quiet: bool = False) -> None:
        """A member leaves a bloc."""
        bloc.drop_member(state.iso3)
        self._membership_version += 1
        state.regime.commitment.pop(bloc.id, None)
        state.recall_troops(bloc.id)
        if bloc.free_movement:
            state.left_trade_bloc = True
        if bloc.id == "ECOWAS":
            self.ecowas_exits.append(state.iso3)
        if bloc is self.focal and self.first_exit is None and not quiet:
            self.first_exit = (state.iso3, self.month)
        if not quiet:
            self.say(state, "exit", f"leaves {bloc.id} ({len(bloc.members)} members remain)")

    def _applications(self) -> None:
        """Non-members drawn to a bloc apply (Charter Art. 11); members vote by the bloc's rule."""
        p = self.p
        draws = self.streams["membership"].random((len(self.blocs), len(self.states))).tolist()
        for b, bloc in enumerate(self.blocs.values()):
            if bloc.dissolved or not bloc.open_to_accession:
                continue
            for i, state in enumerate(self.states):
                if (
                    draws[b][i] >= p.accession_rate
                    or state.iso3 in bloc.members
                    or state.iso3 in bloc.former_members
                    or not any(nb.iso3 in bloc.members for nb in state.neighbours)
                ):
                    continue
                target = state.regime.commitment_target(bloc, self._threat(state, bloc))
                if target >= p.accession_threshold:
                    self.request_accession(state, bloc)

    def request_accession(self, state: State, bloc: Bloc) -> bool:
        """A candidate applies; each member in good standing votes; unanimity or majority decides."""
        if bloc.dissolved or state.iso3 in bloc.members:
            why = "it is dissolved" if bloc.dissolved else "it is already a member"
            self.say(state, "accession", f"asks to join {bloc.id}, but {why}: no effect")
            return False
        self._note_threats()
        voters = bloc.active_members()
        draws = self.streams["membership"].random(len(self.states)).tolist()
        yes = [v for v in voters if self.state_by_id[v].regime.votes_to_admit(state.regime, draws[self.index[v]])]
        if not voters:  # nobody in good standing to decide
            admitted = False
        elif bloc.decision_rule == "unanimity":
            admitted = len(yes) == len(voters)
        else:
            admitted = 2 * len(yes) > len(voters)
        if admitted:
            bloc.admit(state.iso3)
            self._membership_version += 1
            state.regime.commitment[bloc.id] = state.regime.commitment_target(bloc, self._threat(state, bloc))
        verdict = "admitted" if admitted else "refused"
        self.say(
            state,
            "accession",
            f"applies to join {bloc.id}: {verdict} ({len(yes)} of {len(voters)} "
            f"members in favour, {bloc.decision_rule})",
        )
        return admitted

    def _partnerships(self) -> None:
        """Sovereigntist juntas expel Western partners (and the reverse); aligned juntas invite partners in."""
        p = self.p
        draws = self.streams["partners"].random((2, len(self.partners), len(self.states))).tolist()
        for k, partner in enumerate(self.partners.values()):
            expel, invite = draws[0][k], draws[1][k]
            # Only states whose draws fall under a rate can act this month (most months, none do).
            acting = [i for i, (u, v) in enumerate(zip(expel, invite, strict=True))
                      if u < p.expel_rate or v < p.invite_rate]  # fmt: skip
            for i in acting:
                state = self.states[i]
                regime = state.regime
                if (
                    expel[i] < p.expel_rate
                    and partner.alignment * regime.alignment < 0
                    and (abs(regime.alignment) > p.expel_threshold and partner.present_in(state))
                ):
                    partner.expelled_by(state)
                    if partner.western:
                        regime.rally_round()
                    self.say(state, "partner", f"{regime.leader} orders {partner.name} out")
                    continue
                if (
                    invite[i] >= p.invite_rate
                    or not partner.welcomes(state)
                    or funding.alignment_match(partner.alignment, regime.alignment) < p.invite_match
                ):
                    continue
                if state.iso3 not in partner.clients:
                    partner.enter(state)
                    self.say(state, "partner", f"{partner.name} becomes a security partner")
                elif (
                    partner.force_pool - partner.personnel_deployed >= 100
                    and state.security_forces.get(partner.id, 0.0) < p.deployment_size
                ):
                    sent = partner.deploy(state, p.deployment_size)
                    self.say(state, "partner", f"{partner.name} deploys {sent:,.0f} security personnel")

    # --- 9. record ----------------------------------------------------------------------------------------
    def record(self) -> None:
        """The month's row of every declared series."""
        self.recorder.record()
        self.datacollector.collect(self)
        if self.steps >= self.spec.months:
            self.running = False

    # --- helpers ------------------------------------------------------------------------------------------
    def say(self, state: State | None, kind: str, text: str, who: str | None = None) -> None:
        """Add a line to the event log, dated this month and naming the state (or actor) in words."""
        self.log.add(self.month, who or (state.name if state else "Region"), kind, text, state.iso3 if state else None)

    def summary(self) -> dict[str, float | int]:
        """The per-run outcomes (see :mod:`liptako.model.outputs`)."""
        return summarise(self)

    def timeseries(self):
        """The monthly series as a pandas DataFrame."""
        return self.recorder.frame()
