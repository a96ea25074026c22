"""Insurgency rules (phase 3): balance of force, territory, deaths, displacement, fighters, offensives.

Notation: T is the share of a state's territory contested or held by armed groups, F the armed groups'
fighters in it, C the state's capacity in soldier-equivalents, and x = m F / (m F + C) the armed groups'
share of the balance of force (m, the force multiplier, weighs one fighter against one soldier).
"""

from __future__ import annotations

from .mathutil import clip, maximum


def capacity(troops_home, auxiliaries, allied_troops, joint_force, readiness, support, p):
    """State capacity in soldier-equivalents: (troops + auxiliaries + help) x readiness x (1 + support)."""
    bodies = troops_home + p.auxiliary_effectiveness * auxiliaries + allied_troops + joint_force
    return bodies * readiness * (1.0 + support)


def insurgent_share(fighters, state_capacity, p):
    """The armed groups' share x of the balance of force, in [0, 1]."""
    force = p.force_multiplier * fighters
    total = force + state_capacity
    if isinstance(total, (float, int)):
        return force / total if total > 0 else 0.0
    return force / maximum(total, 1e-12)


def territory_change(t, x, spill, p):
    """Monthly change of territory contested.

    dT = g T (1 - T) x  -  r T (1 - x)  +  s (1 - T) spill, where ``spill`` is the sum over neighbours of
    T_k x_k (contested territory where armed groups are strong), reduced for allies' joint operations in a
    common space.
    """
    grow = p.territory_growth * t * (1.0 - t) * x
    rollback = p.territory_rollback * t * (1.0 - x)
    return grow - rollback + p.spillover * (1.0 - t) * spill


def deaths(t, fighters, intensity, p):
    """Conflict deaths in a month: lethality x 4 T (1 - T) x fighters x intensity (1, or more in offensives)."""
    return p.lethality * 4.0 * t * (1.0 - t) * fighters * intensity


def newly_displaced(month_deaths, territory_gain, population, p):
    """People newly displaced in a month by deaths and by territory newly contested."""
    return p.displaced_per_death * month_deaths + p.displaced_per_territory * maximum(0.0, territory_gain) * population


def returns(displaced, t, p):
    """Displaced people returning home in a month."""
    return p.return_rate * displaced * (1.0 - t)


def grievance(t, displaced_share, legitimacy, p):
    """Epstein's grievance: hardship x (1 - legitimacy), hardship from poverty (a base level), insecurity and
    displacement."""
    return clip(p.base_hardship + t + displaced_share) * (1.0 - legitimacy)


def fighter_change(fighters, x, grievance_level, ceiling, growth, p):
    """Monthly change of an armed group's fighters in a state: recruitment against attrition."""
    room = maximum(0.0, 1.0 - fighters / maximum(ceiling, 1e-12))
    return fighters * (p.recruitment * growth * grievance_level * room - p.attrition * (1.0 - x))


def offensive_probability(x, p):
    """Monthly probability of a major offensive: offensive_rate x the armed groups' share of force."""
    return p.offensive_rate * x
