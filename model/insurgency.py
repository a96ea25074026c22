"""Phase 3: insurgency. Balance of force, major offensives, territory, deaths, displacement; armed groups
recruit where the state is weak and illegitimate, and their fighters cross borders toward weaker neighbours.

Notation: T is the share of a state's territory contested or held by armed groups, F the armed groups'
fighters in it, C the state's capacity in soldier-equivalents, and x = m F / (m F + C) the armed groups'
share of the balance of force (m, the force multiplier, weighs one fighter against one soldier).
"""

from __future__ import annotations

import numpy as np

from . import armies, blocs, draws, records
from .compiled import kernel, rule
from .funding import security_support
from .mathutil import clip


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def capacity(troops_home, auxiliaries, allied_troops, joint_force, readiness, support, p):
    """State capacity in soldier-equivalents: (troops + auxiliaries + help) x readiness x (1 + support)."""
    bodies = troops_home + p.auxiliary_effectiveness * auxiliaries + allied_troops + joint_force
    return bodies * readiness * (1.0 + support)


@rule
def insurgent_share(fighters, state_capacity, p):
    """The armed groups' share x of the balance of force, in [0, 1] (0 where nobody fights)."""
    force = p.force_multiplier * fighters
    return force / np.maximum(force + state_capacity, 1e-12)


@rule
def reach(state_capacity, population, p):
    """The share of the ground the state's forces can reach, from their density: d / (d + d_half), d the
    capacity in soldier-equivalents per 1,000 inhabitants. Armies far below counter-insurgency densities
    (Sahel armies hold about 0.5-1.5 per 1,000) cannot be everywhere: where they are thin, armed groups lose
    fewer fighters and less ground whatever the national balance of force."""
    density = state_capacity / np.maximum(population / 1000.0, 1e-12)
    return density / (density + p.reach_density)


@rule
def territory_change(t, x, spill, reach, p):
    """Monthly change of territory contested.

    dT = g T (1 - T) x  -  r rho T (1 - x)  +  s (1 - T) spill, where rho is the state's :func:`reach` and
    ``spill`` the sum over neighbours of T_k x_k (contested territory where armed groups are strong), reduced
    for allies' joint operations in a common space.
    """
    grow = p.territory_growth * t * (1.0 - t) * x
    rollback = p.territory_rollback * reach * t * (1.0 - x)
    return grow - rollback + p.spillover * (1.0 - t) * spill


@rule
def deaths(t, fighters, intensity, p):
    """Conflict deaths in a month: lethality x 4 T (1 - T) x fighters x intensity (1, or more in offensives)."""
    return p.lethality * 4.0 * t * (1.0 - t) * fighters * intensity


@rule
def newly_displaced(month_deaths, territory_gain, population, p):
    """People newly displaced in a month by deaths and by territory newly contested."""
    return (
        p.displaced_per_death * month_deaths + p.displaced_per_territory * np.maximum(0.0, territory_gain) * population
    )


@rule
def returns(displaced, t, p):
    """Displaced people returning home in a month."""
    return p.return_rate * displaced * (1.0 - t)


@rule
def grievance(t, displaced_share, deaths_per_100k, legitimacy, p):
    """Epstein's grievance: hardship x (1 - legitimacy), hardship from poverty (a base level), insecurity,
    displacement and the killing itself (victims' kin join the armed groups: violence breeds recruits)."""
    hardship = p.base_hardship + t + displaced_share + p.victimisation * deaths_per_100k
    return clip(hardship) * (1.0 - legitimacy)


@rule
def fighter_change(fighters, x, grievance_level, ceiling, growth, reach, p):
    """Monthly change of an armed group's fighters in a state: recruitment against attrition, which the
    state inflicts where its forces reach."""
    room = np.maximum(0.0, 1.0 - fighters / np.maximum(ceiling, 1e-12))
    return fighters * (p.recruitment * growth * grievance_level * room - p.attrition * reach * (1.0 - x))


@rule
def offensive_probability(x, p):
    """Monthly probability of a major offensive: offensive_rate x the armed groups' share of force."""
    return p.offensive_rate * x


@rule
def pull(neighbour_capacity, fighters, p):
    """How strongly a neighbour draws fighters across the border: more where it is weaker against them."""
    force = p.force_multiplier * fighters
    return force / (force + neighbour_capacity)  # 1 / (1 + capacity / force), with one division instead of two


# --- Decisions --------------------------------------------------------------------------------------------------
@kernel
def assess_balance(s, w, r, i, p):
    """Capacity and the armed groups' share of the balance of force, before this month's fighting."""
    personnel = 0.0
    for k in range(len(s.partner_code)):
        personnel += w.security_forces[r, k, i]
    w.capacity[r, i] = capacity(
        armies.troops_home(s, w, r, i), s.auxiliaries[i], w.troops_received[r, i], w.joint_force[r, i],
        w.readiness[r, i], security_support(personnel, p), p,
    )  # fmt: skip
    fighters = w.fighters[r, i]
    if w.attacked_by[r, i] >= 0:
        fighters += w.attack_troops[r, i] / p.force_multiplier  # an invading army counts at face value
    w.insurgent_share[r, i] = insurgent_share(fighters, w.capacity[r, i], p)


@kernel(inline=True)
def spill(s, w, r, i, before, p):
    """Neighbours' contested territory, weighted by the armed groups' share of force there, and less between
    allies fighting jointly in a common space (AES Charter Art. 4). It contests ground only in a state where
    some armed group operates (see :func:`fight_insurgencies`): territory follows the fighters."""
    total = 0.0
    for k in range(s.nb_start[i], s.nb_start[i + 1]):
        j = s.nb[k]
        shared = blocs.strongest_clause(s, w, r, i, j)
        total += before[j] * w.insurgent_share[r, j] * (1.0 - p.common_space_effect * shared)
    return total


@kernel
def fight(s, w, r, t, i, spillover, surge, p):
    """Move territory, count deaths and displacement for the month.

    ``surge`` marks a month of major offensive or external intervention: ground changes hands at once and the
    fighting is deadlier.
    """
    t0 = w.territory[r, i]
    x = w.insurgent_share[r, i]
    dt = territory_change(t0, x, spillover, reach(w.capacity[r, i], s.population[i], p), p)
    intensity = 1.0
    if surge:
        dt += p.offensive_territory * x * (1.0 - t0)
        intensity = p.offensive_intensity
    w.territory[r, i] = clip(t0 + dt)
    fighters = w.fighters[r, i]
    if w.attacked_by[r, i] >= 0:
        fighters += w.attack_troops[r, i] * p.intervention_lethality
    w.deaths[r, i] = deaths(t0, fighters, intensity, p)
    w.deaths_total[r, i] += w.deaths[r, i]
    displaced = w.displaced[r, i] + newly_displaced(w.deaths[r, i], w.territory[r, i] - t0, s.population[i], p)
    displaced -= returns(displaced, w.territory[r, i], p)
    w.displaced[r, i] = min(displaced, s.population[i])
    w.territory_past[r, i, t % 13] = w.territory[r, i]
    w.peak_territory[r, i] = max(w.peak_territory[r, i], w.territory[r, i])


@kernel
def recruit(s, w, r, g, i, p):
    """Armed group g grows or shrinks in state i for the month."""
    n = w.group_fighters[r, g, i]
    if n <= 0.0:
        return
    level = grievance(w.territory[r, i], w.displaced[r, i] / s.population[i], w.deaths[r, i] / s.population[i] * 1e5,
                      w.legitimacy[r, i], p)  # fmt: skip
    ceiling = p.fighters_per_million * s.population[i] / 1e6
    rho = reach(w.capacity[r, i], s.population[i], p)
    n += fighter_change(n, w.insurgent_share[r, i], level, ceiling, s.growth[g], rho, p)
    w.group_fighters[r, g, i] = max(0.0, n)


@kernel
def move_across_borders(s, w, r, g, month, moves, touched, p):
    """Armed group g sends a share of its fighters toward weaker neighbours; states it newly operates in are
    recorded (a handful of fighters, under one, is no presence). ``moves`` and ``touched`` (1 where fighters
    leave or arrive) are scratch arrays of one entry per state."""
    S = len(s.code)
    for i in range(S):
        moves[i] = 0.0
        touched[i] = 0.0
    for i in range(S):
        n = w.group_fighters[r, g, i]
        if n < p.operating_threshold or s.nb_start[i] == s.nb_start[i + 1]:
            continue
        total = 0.0
        for k in range(s.nb_start[i], s.nb_start[i + 1]):
            total += pull(w.capacity[r, s.nb[k]], n, p)
        if total <= 0.0:
            continue
        leaving = p.fighter_spread * s.spread[g] * n * w.territory[r, i]
        moves[i] -= leaving
        touched[i] = 1.0
        for k in range(s.nb_start[i], s.nb_start[i + 1]):
            j = s.nb[k]
            moves[j] += leaving * pull(w.capacity[r, j], n, p) / total
            touched[j] = 1.0
    for i in range(S):
        if touched[i] == 0.0:
            continue
        before = w.group_fighters[r, g, i]
        after = before + moves[i]
        if after < 1.0:
            w.group_fighters[r, g, i] = 0.0
            continue
        w.group_fighters[r, g, i] = after
        if before < p.operating_threshold <= after:
            records.add(w, r, month, records.SPREAD, records.NONE, state=i, group=g)


@kernel(inline=True)
def main_group(w, r, i):
    """The armed group with the most fighters in state i."""
    best = 0
    for g in range(w.group_fighters.shape[1]):
        if w.group_fighters[r, g, i] > w.group_fighters[r, best, i]:
            best = g
    return best


@kernel
def count_fighters(w, r):
    for i in range(w.fighters.shape[1]):
        total = 0.0
        for g in range(w.group_fighters.shape[1]):
            total += w.group_fighters[r, g, i]
        w.fighters[r, i] = total


# --- Phase 3 ----------------------------------------------------------------------------------------------------
@kernel
def fight_insurgencies(s, w, r, t, p):
    """Balance of force, offensives, territory, deaths and displacement; fighters recruit and spread."""
    month = s.start + t
    S = len(s.code)
    for i in range(S):
        assess_balance(s, w, r, i, p)
    before, spills, moves, touched = w.scratch[r, 0], w.scratch[r, 1], w.scratch[r, 2], w.scratch[r, 3]
    for i in range(S):
        before[i] = w.territory[r, i]
    for i in range(S):
        # ground is contested where armed groups are: none spills into a state where none operates
        spills[i] = spill(s, w, r, i, before, p) if w.fighters[r, i] >= p.operating_threshold else 0.0
    key = draws.stream_key(w.seed[r], draws.INSURGENCY, t)
    for i in range(S):
        w.offensive[r, i] = w.fighters[r, i] >= p.offensive_min_fighters and draws.uniform(
            key, s.code[i]
        ) < offensive_probability(w.insurgent_share[r, i], p)
        fight(s, w, r, t, i, spills[i], w.offensive[r, i] or w.attacked_by[r, i] >= 0, p)
        if w.offensive[r, i]:
            records.add(w, r, month, records.OFFENSIVE, records.NONE, state=i, group=main_group(w, r, i),
                        x0=w.territory[r, i])  # fmt: skip
    for g in range(w.group_fighters.shape[1]):
        for i in range(S):
            if w.group_fighters[r, g, i] > 0.0:  # only where the group is
                recruit(s, w, r, g, i, p)
        move_across_borders(s, w, r, g, month, moves, touched, p)
    count_fighters(w, r)
