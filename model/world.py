"""The world as arrays: what a scenario fixes (:class:`Setup`) and the state of R replications (:class:`World`).

Every per-replication array has the replication axis first: ``[R, S]`` per state (and its regime), ``[R, B, S]``
per bloc and state, ``[R, P, S]`` per partner and state, ``[R, G, S]`` per armed group and state. States, blocs,
partners and groups are numbered in sorted order of their IDs (``Names`` holds the IDs and names in words).
Parameters are one row per replication (``params[R, n]``), so one batch can hold many design points.

Months are counted from year 0 (``parse_month("2023-09")``); ``NEVER`` marks a month that has not happened
(no attempt yet, no notice given, not dissolved) and ``FOREVER`` one that will not come (an aid suspension that
lasts while the junta stays hostile).

Both tuples hold plain numpy arrays: Python reads them directly (the Mesa agents are views on them) and
compiled code receives them as records (:func:`liptako.model.compiled.as_struct`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .geography import COUNTRIES
from .parameters import INDEX, REGISTRY
from .scenario import (
    BLOCS,
    PARTNERS,
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
    parse_month,
)

NEVER = -(2**40)  # a month that has not happened
ELECTED = -2  # leader code of a leader elected during the run (-1: a military council)
FOREVER = 2**40  # a month that will not come
NO_COMMITMENT = math.nan

# The vocabularies that random-number slots use (see liptako.model.draws): fixed, whatever the scenario.
COUNTRY_CODES = {iso: i for i, iso in enumerate(COUNTRIES)}
BLOC_CODES = {b: i for i, b in enumerate(BLOCS)}
PARTNER_CODES = {p: i for i, p in enumerate(PARTNERS)}
N_COUNTRIES, N_BLOC_CODES, N_PARTNER_CODES = len(COUNTRIES), len(BLOCS), len(PARTNERS)

# Scheduled event types, as numbered in Setup.ev_type.
EV_COUP, EV_PARTNER_EXIT, EV_PARTNER_ENTRY, EV_FUNDING_CHANGE = 0, 1, 2, 3
EV_INTERVENTION, EV_ACCESSION_REQUEST, EV_WITHDRAWAL, EV_SET_PARAMETER = 4, 5, 6, 7
_EVENT_TYPES = {
    CoupEvent: EV_COUP, PartnerExitEvent: EV_PARTNER_EXIT, PartnerEntryEvent: EV_PARTNER_ENTRY,
    FundingChangeEvent: EV_FUNDING_CHANGE, InterventionEvent: EV_INTERVENTION,
    AccessionRequestEvent: EV_ACCESSION_REQUEST, WithdrawalEvent: EV_WITHDRAWAL, SetParameterEvent: EV_SET_PARAMETER,
}  # fmt: skip

DOMESTIC = 0  # funding source 0; partners are sources 1..P; allies (money sent with deployments) is source P + 1


class Setup(NamedTuple):
    """What a scenario fixes, the same in every replication."""

    start: int  # first month (months since year 0)
    months: int  # horizon
    focal: int  # the focal bloc's index
    ecowas: int  # ECOWAS's index (its exits are counted), -1 if the scenario has none
    # States [S]
    code: np.ndarray  # country code (slots of the random streams)
    population: np.ndarray
    troops: np.ndarray  # regular forces, at home or abroad
    auxiliaries: np.ndarray
    defence_budget: np.ndarray  # domestic, USD M a year
    coastal: np.ndarray
    founders: np.ndarray  # members of the focal bloc at the start
    nb_start: np.ndarray  # neighbours of state i: nb[nb_start[i]:nb_start[i + 1]] (land borders, sorted)
    nb: np.ndarray
    # Blocs [B]
    bloc_code: np.ndarray
    bloc_alignment: np.ndarray
    mutual_defence: np.ndarray  # strength of the clause, 0..1 (AES Art. 6: 1)
    unanimity: np.ndarray  # accession decided by unanimity (else majority)
    notice_months: np.ndarray
    sanctions_on_coup: np.ndarray
    threat_level: np.ndarray  # intervention threat made after a coup in a member state
    intervention_troops: np.ndarray
    joint_force_troops: np.ndarray
    common_fund: np.ndarray  # members' dues, USD M a year
    free_movement: np.ndarray
    non_aggression: np.ndarray  # AES Charter Art. 8: no blockade of a member
    open_to_accession: np.ndarray  # neighbours may apply of their own accord (Art. 11)
    latent: np.ndarray  # a pact not yet founded: neighbouring juntas of its orientation may found it
    founded: np.ndarray
    start_members: np.ndarray  # [B, S] members at the start
    # Partners [P]
    partner_code: np.ndarray
    partner_alignment: np.ndarray
    conditional: np.ndarray  # suspends aid after a coup
    protects_regime: np.ndarray  # guards the regime (Wagner), not only the state
    bloc_funding: np.ndarray  # [P, B] share of the budget given to each bloc's common fund
    # Armed groups [G]
    growth: np.ndarray
    spread: np.ndarray
    # Scheduled events [E], in the order they fire
    ev_month: np.ndarray
    ev_type: np.ndarray
    ev_state: np.ndarray  # -1 when the event names no state
    ev_bloc: np.ndarray
    ev_partner: np.ndarray
    ev_actor: np.ndarray  # intervention: the bloc (0..B-1) or partner (B..B+P-1) that intervenes
    ev_outcome: np.ndarray  # coup: -1 drawn, 0 failure, 1 success
    ev_alignment: np.ndarray  # coup: the new junta's alignment (NaN: drawn)
    ev_leader: np.ndarray  # coup: the new leader's name (index into Names.leaders; -1: a military council)
    ev_value: np.ndarray  # funding factor or budget, troops, personnel, parameter value (NaN: not given)
    ev_factor: np.ndarray  # funding_change: 1 if ev_value is a factor, 0 if a budget
    ev_param: np.ndarray  # set_parameter: the parameter's index
    ev_slot: np.ndarray  # coup: how many coup events on the same state came before it that month
    ev_targets: np.ndarray  # [E, S] states a partner event applies to


class World(NamedTuple):
    """The state of R replications (see the module docstring for shapes and sentinels)."""

    seed: np.ndarray  # [R] each replication's seed
    params: np.ndarray  # [R, n] every registry parameter (set_parameter events change them)
    # --- State [R, S]
    territory: np.ndarray  # share contested or held by armed groups
    territory_past: np.ndarray  # [R, S, 13] the last 13 months' territory (ring, slot month % 13)
    peak_territory: np.ndarray  # the highest monthly value so far
    displaced: np.ndarray
    deaths: np.ndarray  # this month
    deaths_total: np.ndarray
    budget_per_soldier: np.ndarray  # USD per soldier-month that the start's budget pays for
    funding: np.ndarray  # [R, F, S] USD M received this month, by source
    funds: np.ndarray  # their sum
    spending_abroad: np.ndarray  # USD M this month on deployments, aid and bloc dues
    readiness: np.ndarray
    unpaid: np.ndarray  # [R, S, 12] 1 for each of the last 12 months the army went unpaid (ring, month % 12)
    unpaid_share: np.ndarray
    capacity: np.ndarray
    fighters: np.ndarray  # all armed groups' fighters on its soil
    insurgent_share: np.ndarray
    offensive: np.ndarray  # a major offensive this month
    joint_force: np.ndarray  # troops of a bloc's joint force operating here
    joint_force_share: np.ndarray  # troops it lends to joint forces
    troops_abroad: np.ndarray
    troops_received: np.ndarray
    troops_home: np.ndarray  # as recorded at the end of the month
    help: np.ndarray  # decaying stock of honoured calls received
    attacked_by: np.ndarray  # bloc (0..B-1) or partner (B..) intervening militarily, -1 none
    attack_start: np.ndarray
    attack_until: np.ndarray
    attack_troops: np.ndarray
    intervening: np.ndarray  # troops a state has committed to its bloc's intervention in another state
    left_trade_bloc: np.ndarray
    coup_attempts: np.ndarray
    coup_successes: np.ndarray
    last_success: np.ndarray
    first_success: np.ndarray  # month of the run's first successful coup in the state (NEVER: none yet)
    calls_made: np.ndarray
    answers_sum: np.ndarray  # [R, S, S] [i, j]: sum of +1 honoured / -1 refused that j gave to i's calls
    answers_n: np.ndarray  # [R, S, S] how many answers j gave to i's calls
    security_forces: np.ndarray  # [R, P, S] partner personnel in the country
    # --- Regime [R, S]
    civilian: np.ndarray
    leader: np.ndarray  # index into Names.leaders, or -1: "a military council (month it took power)"
    took_power: np.ndarray
    legitimacy: np.ndarray
    cohesion: np.ndarray
    alignment: np.ndarray  # -1 Western .. +1 sovereigntist
    coup_risk: np.ndarray  # monthly hazard of an attempt
    rally: np.ndarray  # the sovereigntist rally, 0..1
    protection: np.ndarray  # a patron's protection against coups
    transition_deadline: np.ndarray
    next_election: np.ndarray  # a civilian government's next election; NEVER: none set (a junta, or not yet)
    last_attempt: np.ndarray
    commitment: np.ndarray  # [R, B, S] NaN where the regime holds none
    months_below: np.ndarray  # [R, B, S] consecutive months of commitment under the exit threshold
    # --- Partners [R, P] and [R, P, S]
    budget: np.ndarray  # USD M a year
    force_pool: np.ndarray
    spent: np.ndarray  # this month, to states and blocs
    to_blocs: np.ndarray  # this month, to blocs' common funds
    unspent: np.ndarray
    weight_peak: np.ndarray  # the most its clients' summed allocation weight has been (the reference of spending)
    money_total: np.ndarray  # all months
    clients: np.ndarray
    expelled: np.ndarray
    withdrawn: np.ndarray  # left by a scenario's decision (partner_exit)
    suspended_until: np.ndarray  # month aid resumes; NEVER: not suspended; FOREVER: while the junta is hostile
    # --- Armed groups [R, G, S]
    group_fighters: np.ndarray
    # --- Blocs [R, B] and [R, B, S]
    members: np.ndarray
    suspended: np.ndarray
    former: np.ndarray
    sanctioned_until: np.ndarray  # NEVER: not sanctioned
    threats: np.ndarray  # intervention threat, 0..1
    notice_due: np.ndarray  # month a member that gave notice leaves; NEVER: no notice
    fund: np.ndarray  # the common fund's balance, USD M
    fund_spent: np.ndarray
    joint_force_readiness: np.ndarray
    dissolved_month: np.ndarray
    dissolvers: np.ndarray  # the members when the bloc dissolved: its last members, who dissolved it
    founded_month: np.ndarray  # NEVER: a latent pact not (yet) founded
    peak_members: np.ndarray  # the most members the bloc has had (its members dissolve it when few are left)
    # --- Deployments [R, D]: troops (and money) sent in answer to calls, until a month; sender -1: free slot
    dep_sender: np.ndarray
    dep_receiver: np.ndarray
    dep_bloc: np.ndarray
    dep_until: np.ndarray
    dep_troops: np.ndarray
    dep_aid: np.ndarray
    # --- This month's calls for help [R, C]
    n_calls: np.ndarray
    call_state: np.ndarray
    call_bloc: np.ndarray
    call_cause: np.ndarray  # the intervening actor, -1 for a major offensive
    # --- Run tallies [R]
    calls_total: np.ndarray
    responses: np.ndarray
    honoured: np.ndarray
    focal_responses: np.ndarray
    focal_honoured: np.ndarray
    junta_months: np.ndarray
    junta_attempts: np.ndarray
    ecowas_exits: np.ndarray
    first_exit_state: np.ndarray  # the first member to leave the focal bloc, -1 none
    first_exit_month: np.ndarray
    exit_month: np.ndarray  # [R, B, S] the month a state first left a bloc (NEVER: it did not)
    # --- Monthly series [R, T, ...] (float32; see liptako.model.outputs)
    state_series: np.ndarray  # [R, T, K, S]
    funding_series: np.ndarray  # [R, T, F, S]
    member_series: np.ndarray  # [R, T, B, S] (uint8)
    # --- Event records [R, E] (see liptako.model.records)
    rec_n: np.ndarray
    rec_month: np.ndarray
    rec_kind: np.ndarray
    rec_outcome: np.ndarray
    rec_state: np.ndarray
    rec_other: np.ndarray
    rec_bloc: np.ndarray
    rec_partner: np.ndarray
    rec_group: np.ndarray
    rec_code: np.ndarray
    rec_x: np.ndarray  # [R, E, 4]
    overflow: np.ndarray  # [R] 1: a deployment found no free slot, 2: an event record found none
    scratch: np.ndarray  # [R, 4, S] working space of the month's phases (so that they allocate nothing)


@dataclass(frozen=True)
class Names:
    """The IDs and names in words behind the indices of a Setup (for tables and the story)."""

    states: tuple[str, ...]
    state_names: tuple[str, ...]
    blocs: tuple[str, ...]
    bloc_names: tuple[str, ...]
    decision_rules: tuple[str, ...]
    partners: tuple[str, ...]
    partner_names: tuple[str, ...]
    groups: tuple[str, ...]
    group_names: tuple[str, ...]
    leaders: tuple[str, ...]

    @property
    def actors(self) -> tuple[str, ...]:
        """Who may intervene: blocs, then partners (the codes of World.attacked_by)."""
        return (*self.blocs, *self.partners)

    @property
    def sources(self) -> tuple[str, ...]:
        """Funding sources, in the order of World.funding: domestic, each partner, allies."""
        return ("domestic", *self.partners, "allies")

    def leader(self, code: int, took_power: int) -> str:
        if code >= 0:
            return self.leaders[code]
        if code == ELECTED:
            return f"the president elected in {format_month(took_power)}"
        return f"a military council ({format_month(took_power)})"


def names_of(scenario: Scenario) -> Names:
    """The Names of a scenario's Setup."""
    states = tuple(sorted(scenario.states))
    blocs = tuple(sorted(scenario.blocs))
    partners = tuple(sorted(scenario.partners))
    groups = tuple(sorted(scenario.armed_groups))
    leaders = [scenario.states[iso].regime.leader for iso in states]
    for ev in scenario.events:
        if isinstance(ev, CoupEvent) and ev.leader and ev.leader not in leaders:
            leaders.append(ev.leader)
    return Names(
        states=states,
        state_names=tuple(scenario.state_name(iso) for iso in states),
        blocs=blocs,
        bloc_names=tuple(scenario.blocs[b].name for b in blocs),
        decision_rules=tuple(scenario.blocs[b].decision_rule for b in blocs),
        partners=partners,
        partner_names=tuple(scenario.partners[p].name for p in partners),
        groups=groups,
        group_names=tuple(scenario.armed_groups[g].name for g in groups),
        leaders=tuple(leaders),
    )


def setup_of(scenario: Scenario, names: Names | None = None) -> Setup:
    """The Setup of a scenario (its horizon included)."""
    from .geography import BORDERS

    n = names or names_of(scenario)
    si = {iso: i for i, iso in enumerate(n.states)}
    bi = {b: i for i, b in enumerate(n.blocs)}
    pi = {p: i for i, p in enumerate(n.partners)}
    states = [scenario.states[iso] for iso in n.states]
    blocs = [scenario.blocs[b] for b in n.blocs]
    partners = [scenario.partners[p] for p in n.partners]
    groups = [scenario.armed_groups[g] for g in n.groups]
    neighbours: list[list[int]] = [[] for _ in n.states]
    for a, b in BORDERS:
        if a in si and b in si:
            neighbours[si[a]].append(si[b])
            neighbours[si[b]].append(si[a])
    nb_start = np.zeros(len(n.states) + 1, dtype=np.int64)
    nb_start[1:] = np.cumsum([len(x) for x in neighbours])
    nb = np.array([j for x in neighbours for j in sorted(x)], dtype=np.int64)

    events = scenario.events
    E, S = len(events), len(n.states)
    ev = {
        name: np.full(E, -1, dtype=np.int64)
        for name in ("ev_month", "ev_type", "ev_state", "ev_bloc", "ev_partner", "ev_actor", "ev_outcome",
                     "ev_leader", "ev_factor", "ev_param", "ev_slot")
    }  # fmt: skip
    ev_alignment = np.full(E, np.nan)
    ev_value = np.full(E, np.nan)
    ev_targets = np.zeros((E, S), dtype=np.bool_)
    seen: dict[tuple[int, int], int] = {}
    for k, e in enumerate(events):
        ev["ev_month"][k] = parse_month(e.date)
        ev["ev_type"][k] = _EVENT_TYPES[type(e)]
        if getattr(e, "state", None) is not None:
            ev["ev_state"][k] = si[e.state]
        if getattr(e, "bloc", None) is not None:
            ev["ev_bloc"][k] = bi[e.bloc]
        if getattr(e, "partner", None) is not None:
            ev["ev_partner"][k] = pi[e.partner]
        if isinstance(e, CoupEvent):
            ev["ev_outcome"][k] = {None: -1, "failure": 0, "success": 1}[e.outcome]
            ev_alignment[k] = np.nan if e.alignment is None else e.alignment
            ev["ev_leader"][k] = n.leaders.index(e.leader) if e.leader else -1
            key = (ev["ev_month"][k], si[e.state])
            ev["ev_slot"][k] = seen.get(key, 0)
            seen[key] = ev["ev_slot"][k] + 1
        elif isinstance(e, PartnerExitEvent):
            ev_targets[k] = True if e.from_ is None else np.isin(n.states, e.from_)
        elif isinstance(e, PartnerEntryEvent):
            ev_targets[k] = np.isin(n.states, e.to)
            ev_value[k] = e.forces
        elif isinstance(e, FundingChangeEvent):
            ev["ev_factor"][k] = int(e.factor is not None)
            ev_value[k] = e.factor if e.factor is not None else e.budget_musd
        elif isinstance(e, InterventionEvent):
            ev["ev_actor"][k] = bi[e.by] if e.by in bi else len(n.blocs) + pi[e.by]
            ev_value[k] = np.nan if not e.troops else e.troops
        elif isinstance(e, SetParameterEvent):
            ev["ev_param"][k] = INDEX[e.parameter]
            ev_value[k] = e.value
    order = np.argsort(ev["ev_month"], kind="stable")  # by month, then as written
    ev = {k: v[order] for k, v in ev.items()}

    f8 = np.float64
    focal = scenario.scenario.focal_bloc
    return Setup(
        start=scenario.start,
        months=scenario.months,
        focal=bi[focal],
        ecowas=bi.get("ECOWAS", -1),
        code=np.array([COUNTRY_CODES[iso] for iso in n.states], dtype=np.int64),
        population=np.array([st.population_m * 1e6 for st in states], dtype=f8),
        troops=np.array([st.troops for st in states], dtype=f8),
        auxiliaries=np.array([st.auxiliaries for st in states], dtype=f8),
        defence_budget=np.array([st.defence_budget_musd for st in states], dtype=f8),
        coastal=np.array(
            [
                COUNTRIES[i].coastal if st.coastal is None else st.coastal
                for i, st in zip(n.states, states, strict=True)
            ],
            dtype=np.bool_,
        ),
        founders=np.isin(n.states, scenario.blocs[focal].members),
        nb_start=nb_start,
        nb=nb,
        bloc_code=np.array([BLOC_CODES[b] for b in n.blocs], dtype=np.int64),
        bloc_alignment=np.array([b.alignment for b in blocs], dtype=f8),
        mutual_defence=np.array([b.mutual_defence for b in blocs], dtype=f8),
        unanimity=np.array([b.decision_rule == "unanimity" for b in blocs], dtype=np.bool_),
        notice_months=np.array([b.notice_months for b in blocs], dtype=np.int64),
        sanctions_on_coup=np.array([b.sanctions_on_coup for b in blocs], dtype=np.bool_),
        threat_level=np.array([b.intervention_threat for b in blocs], dtype=f8),
        intervention_troops=np.array([b.intervention_troops for b in blocs], dtype=f8),
        joint_force_troops=np.array([b.joint_force_troops for b in blocs], dtype=f8),
        common_fund=np.array([b.common_fund_musd for b in blocs], dtype=f8),
        free_movement=np.array([b.free_movement for b in blocs], dtype=np.bool_),
        non_aggression=np.array([b.non_aggression for b in blocs], dtype=np.bool_),
        open_to_accession=np.array([b.open_to_accession for b in blocs], dtype=np.bool_),
        latent=np.array([b.latent for b in blocs], dtype=np.bool_),
        founded=np.array([parse_month(b.founded) if b.founded else scenario.start for b in blocs], dtype=np.int64),
        start_members=np.array([np.isin(n.states, b.members) for b in blocs], dtype=np.bool_).reshape(
            len(blocs), len(n.states)
        ),
        partner_code=np.array([PARTNER_CODES[p] for p in n.partners], dtype=np.int64),
        partner_alignment=np.array([p.alignment for p in partners], dtype=f8),
        conditional=np.array([p.conditional for p in partners], dtype=np.bool_),
        protects_regime=np.array([p.regime_protection for p in partners], dtype=np.bool_),
        bloc_funding=np.array([[p.bloc_funding.get(b, 0.0) for b in n.blocs] for p in partners], dtype=f8).reshape(
            len(partners), len(blocs)
        ),
        growth=np.array([g.growth for g in groups], dtype=f8),
        spread=np.array([g.spread for g in groups], dtype=f8),
        ev_alignment=ev_alignment[order],
        ev_value=ev_value[order],
        ev_targets=ev_targets[order],
        **ev,
    )


def new_world(
    scenario: Scenario,
    setup: Setup,
    names: Names,
    seeds: np.ndarray,
    params: np.ndarray,
    series: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    deployments: int = 32,
    records: int = 192,
) -> World:
    """The World of ``len(seeds)`` replications at the start of the scenario.

    ``params`` holds one row of registry values per replication; ``deployments`` and ``records`` are the
    slots each replication has for concurrent deployments and event records (the engine retries with more if
    a replication runs out). ``series`` are the arrays the monthly series are written into
    (:func:`liptako.model.outputs.series_arrays`).
    """
    R = len(seeds)
    S, B, P, G = len(names.states), len(names.blocs), len(names.partners), len(names.groups)
    f8, i8, b1 = np.float64, np.int64, np.bool_
    start = setup.start
    st = [scenario.states[iso] for iso in names.states]
    rg = [s.regime for s in st]

    def rs(values, dtype=f8):
        return np.tile(np.asarray(values, dtype=dtype), (R, 1))

    def full(shape, value, dtype):
        return np.full(shape, value, dtype=dtype)

    p = params
    aux_cost = p[:, INDEX["auxiliary_cost_share"], None]
    bodies = setup.troops[None, :] + aux_cost * setup.auxiliaries[None, :]
    budget_per_soldier = np.divide(setup.defence_budget[None, :] * 1e6 / 12.0, bodies,
                                   out=np.zeros((R, S)), where=bodies > 0)  # fmt: skip
    territory = rs([s.territory_contested for s in st])

    # Partners: clients, personnel and suspensions from the scenario
    clients = np.zeros((R, P, S), dtype=b1)
    forces = np.zeros((R, P, S))
    suspended_until = full((R, P, S), NEVER, i8)
    force_pool = np.zeros((R, P))
    si = {iso: i for i, iso in enumerate(names.states)}
    for k, pid in enumerate(names.partners):
        spec = scenario.partners[pid]
        for iso in spec.clients:
            clients[:, k, si[iso]] = True
        for iso, count in spec.forces.items():
            forces[:, k, si[iso]] = count
        force_pool[:, k] = max(spec.force_pool, sum(spec.forces.values()))
        for iso in spec.suspended:
            suspended_until[:, k, si[iso]] = FOREVER

    # Blocs: members, suspensions, sanctions (lasting sanction_months from the start) and the threat with them
    members = np.zeros((R, B, S), dtype=b1)
    suspended = np.zeros((R, B, S), dtype=b1)
    sanctioned_until = full((R, B, S), NEVER, i8)
    threats = np.zeros((R, B, S))
    sanction_months = p[:, INDEX["sanction_months"]].astype(i8)
    for b, bid in enumerate(names.blocs):
        spec = scenario.blocs[bid]
        for iso in spec.members:
            members[:, b, si[iso]] = True
        for iso in spec.suspended:
            suspended[:, b, si[iso]] = True
        for iso in spec.sanctioned:
            sanctioned_until[:, b, si[iso]] = start + sanction_months
            threats[:, b, si[iso]] = spec.intervention_threat

    # Regimes' stated commitments (members without one start at their target: liptako.model.month.initialise)
    commitment = full((R, B, S), NO_COMMITMENT, f8)
    alignment = rs([r.alignment for r in rg])
    rally = rs([r.rally for r in rg])
    for i, r in enumerate(rg):
        for bid, c in r.commitment.items():
            commitment[:, names.blocs.index(bid), i] = c
    last_attempt = np.array(
        [max([parse_month(m) for m in r.coups] + ([parse_month(r.took_power)] if r.kind == "military" else []),
             default=NEVER) for r in rg], dtype=i8)  # fmt: skip

    groups = np.zeros((R, G, S))
    for g, gid in enumerate(names.groups):
        for iso, count in scenario.armed_groups[gid].fighters.items():
            if count > 0:
                groups[:, g, si[iso]] = count
    state_series, funding_series, member_series = series
    C = S * B
    D, E = deployments, records
    return World(
        seed=np.asarray(seeds, dtype=i8),
        params=np.ascontiguousarray(params, dtype=f8),
        territory=territory,
        territory_past=np.repeat(territory[:, :, None], 13, axis=2),
        peak_territory=np.zeros((R, S)),
        displaced=rs([s.displaced for s in st]),
        deaths=np.zeros((R, S)),
        deaths_total=np.zeros((R, S)),
        budget_per_soldier=budget_per_soldier,
        funding=np.zeros((R, P + 2, S)),
        funds=np.zeros((R, S)),
        spending_abroad=np.zeros((R, S)),
        readiness=np.ones((R, S)),
        unpaid=np.zeros((R, S, 12), dtype=np.int8),
        unpaid_share=np.zeros((R, S)),
        capacity=np.zeros((R, S)),
        fighters=groups.sum(axis=1),
        insurgent_share=np.zeros((R, S)),
        offensive=np.zeros((R, S), dtype=b1),
        joint_force=np.zeros((R, S)),
        joint_force_share=np.zeros((R, S)),
        troops_abroad=np.zeros((R, S)),
        troops_received=np.zeros((R, S)),
        troops_home=np.tile(setup.troops, (R, 1)),
        help=np.zeros((R, S)),
        attacked_by=full((R, S), -1, i8),
        attack_start=full((R, S), NEVER, i8),
        attack_until=full((R, S), NEVER, i8),
        attack_troops=np.zeros((R, S)),
        intervening=np.zeros((R, S)),
        left_trade_bloc=np.zeros((R, S), dtype=b1),
        coup_attempts=np.zeros((R, S), dtype=i8),
        coup_successes=np.zeros((R, S), dtype=i8),
        last_success=rs([parse_month(r.took_power) if r.kind == "military" else NEVER for r in rg], i8),
        first_success=full((R, S), NEVER, i8),
        calls_made=np.zeros((R, S), dtype=i8),
        answers_sum=np.zeros((R, S, S)),
        answers_n=np.zeros((R, S, S), dtype=i8),
        security_forces=forces,
        civilian=rs([r.kind == "civilian" for r in rg], b1),
        leader=rs(np.arange(S), i8),
        took_power=rs([parse_month(r.took_power) for r in rg], i8),
        legitimacy=rs([r.legitimacy for r in rg]),
        cohesion=rs([r.cohesion for r in rg]),
        alignment=alignment,
        coup_risk=np.zeros((R, S)),
        rally=rally,
        protection=np.zeros((R, S)),
        transition_deadline=rs(
            [parse_month(r.transition_deadline) if r.transition_deadline else NEVER for r in rg], i8
        ),
        next_election=rs(
            [parse_month(r.next_election) if r.next_election and r.kind == "civilian" else NEVER for r in rg], i8
        ),
        last_attempt=np.tile(last_attempt, (R, 1)),
        commitment=commitment,
        months_below=np.zeros((R, B, S), dtype=i8),
        budget=rs([scenario.partners[k].budget_musd for k in names.partners]).reshape(R, P),
        force_pool=force_pool,
        spent=np.zeros((R, P)),
        to_blocs=np.zeros((R, P)),
        unspent=np.zeros((R, P)),
        weight_peak=np.zeros((R, P)),
        money_total=np.zeros((R, P)),
        clients=clients,
        expelled=np.zeros((R, P, S), dtype=b1),
        withdrawn=np.zeros((R, P, S), dtype=b1),
        suspended_until=suspended_until,
        group_fighters=groups,
        members=members,
        suspended=suspended,
        former=np.zeros((R, B, S), dtype=b1),
        sanctioned_until=sanctioned_until,
        threats=threats,
        notice_due=full((R, B, S), NEVER, i8),
        fund=np.zeros((R, B)),
        fund_spent=np.zeros((R, B)),
        joint_force_readiness=np.zeros((R, B)),
        dissolved_month=full((R, B), NEVER, i8),
        dissolvers=np.zeros((R, B, S), dtype=b1),
        founded_month=np.tile(np.where(setup.latent, NEVER, setup.founded), (R, 1)).astype(i8),
        peak_members=members.sum(axis=2).astype(i8),
        dep_sender=full((R, D), -1, i8),
        dep_receiver=full((R, D), -1, i8),
        dep_bloc=full((R, D), -1, i8),
        dep_until=full((R, D), NEVER, i8),
        dep_troops=np.zeros((R, D)),
        dep_aid=np.zeros((R, D)),
        n_calls=np.zeros(R, dtype=i8),
        call_state=full((R, C), -1, i8),
        call_bloc=full((R, C), -1, i8),
        call_cause=full((R, C), -1, i8),
        calls_total=np.zeros(R, dtype=i8),
        responses=np.zeros(R, dtype=i8),
        honoured=np.zeros(R, dtype=i8),
        focal_responses=np.zeros(R, dtype=i8),
        focal_honoured=np.zeros(R, dtype=i8),
        junta_months=np.zeros(R, dtype=i8),
        junta_attempts=np.zeros(R, dtype=i8),
        ecowas_exits=np.zeros(R, dtype=i8),
        first_exit_state=full(R, -1, i8),
        first_exit_month=full(R, NEVER, i8),
        exit_month=full((R, B, S), NEVER, i8),
        state_series=state_series,
        funding_series=funding_series,
        member_series=member_series,
        rec_n=np.zeros(R, dtype=i8),
        rec_month=np.zeros((R, E), dtype=np.int32),
        rec_kind=np.zeros((R, E), dtype=np.int8),
        rec_outcome=np.zeros((R, E), dtype=np.int8),
        rec_state=np.zeros((R, E), dtype=np.int8),
        rec_other=np.zeros((R, E), dtype=np.int8),
        rec_bloc=np.zeros((R, E), dtype=np.int8),
        rec_partner=np.zeros((R, E), dtype=np.int8),
        rec_group=np.zeros((R, E), dtype=np.int8),
        rec_code=np.zeros((R, E), dtype=np.int32),
        rec_x=np.zeros((R, E, 4)),
        overflow=np.zeros(R, dtype=i8),
        scratch=np.zeros((R, 4, S)),
    )


def parameter_rows(base: dict[str, float], overrides: list[dict[str, float]] | None, reps: int) -> np.ndarray:
    """``[reps, n]`` registry values: the defaults, then ``base`` (a scenario's table), then each
    replication's own ``overrides`` (one dict per replication, or None for none)."""
    from .parameters import check_value, values_row

    row = values_row(base)
    rows = np.tile(row, (reps, 1))
    for r, extra in enumerate(overrides or ()):
        for name, value in extra.items():
            rows[r, INDEX[name]] = check_value(name, value)  # ValueError naming what is allowed
    return rows


__all__ = ["FOREVER", "NEVER", "REGISTRY", "Names", "Setup", "World", "names_of", "new_world", "setup_of"]
