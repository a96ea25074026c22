"""Tier 2, direction of effect, on the pure rule functions (one or more per mechanism).

Each rule is a small function of numbers that also works elementwise on numpy arrays when called from Python
(``@rule``, design.md); the tests sweep one input over a grid, as an array, and check the direction of its
effect. The engine compiles the very same functions into the month.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from liptako.model import coups, defence, funding, insurgency, legitimacy, membership, orientation
from liptako.model.mathutil import power
from liptako.model.parameters import parameters as Parameters

p = Parameters()
GRID = np.linspace(0.0, 1.0, 11)


def strictly_decreasing(values) -> bool:
    return bool(np.all(np.diff(np.asarray(values, dtype=float)) < 0))


def strictly_increasing(values) -> bool:
    return bool(np.all(np.diff(np.asarray(values, dtype=float)) > 0))


def hazard(
    legitimacy=0.5,
    cohesion=0.7,
    deaths=0.0,
    abroad=0.0,
    unpaid=0.0,
    trap=1.0,
    protection=0.0,
    entrenched=0.0,
    civilian=0.0,
    politicians=0.0,
    contagion=0.0,
    params=p,
):
    return coups.coup_hazard(
        legitimacy, cohesion, deaths, abroad, unpaid, trap, protection, entrenched, civilian, politicians, contagion,
        params,
    )  # fmt: skip


# --- 7. Coups -------------------------------------------------------------------------------------------------
def test_lower_legitimacy_raises_the_coup_hazard():
    h = hazard(legitimacy=GRID)
    assert isinstance(h, np.ndarray) and h.shape == GRID.shape
    assert strictly_decreasing(h)
    # the scalar path agrees with the array path
    assert hazard(legitimacy=0.2) == pytest.approx(float(hazard(legitimacy=np.array([0.2]))[0]))


def test_the_hazard_equals_the_base_hazard_at_the_reference_point():
    h = hazard(legitimacy=p.legitimacy_reference, cohesion=p.cohesion_reference)
    assert h == pytest.approx(p.coup_base_hazard)


def test_lower_cohesion_troops_abroad_and_unpaid_months_raise_the_hazard():
    assert strictly_decreasing(hazard(cohesion=GRID))
    assert strictly_increasing(hazard(abroad=np.linspace(0, 0.3, 7)))
    assert strictly_increasing(hazard(unpaid=np.linspace(0, 1, 7)))


def test_hazard_is_capped_by_the_registry():
    assert hazard(legitimacy=0.0, cohesion=0.0, abroad=1.0, unpaid=1.0, trap=6.0) == p.coup_hazard_cap == 0.5
    assert np.all(hazard(legitimacy=GRID, cohesion=0.0, abroad=1.0, unpaid=1.0, trap=6.0) <= p.coup_hazard_cap)
    lower = Parameters({"coup_hazard_cap": 0.1})
    assert hazard(legitimacy=0.0, cohesion=0.0, abroad=1.0, unpaid=1.0, trap=6.0, params=lower) == 0.1
    assert hazard(params=lower) == hazard()  # a hazard under the cap is not touched


def test_civilian_governments_face_a_lower_hazard():
    assert hazard(civilian=1.0) == pytest.approx(p.civilian_hazard_factor * hazard(civilian=0.0))
    assert hazard(civilian=1.0) < hazard(civilian=0.0)


def test_contagion_raises_the_hazard_only_when_switched_on():
    assert hazard(contagion=1.0) == hazard(contagion=0.0)  # default coup_contagion = 0 (calibration.md)
    q = Parameters({"coup_contagion": 1.0})
    assert hazard(contagion=1.0, params=q) == pytest.approx(math.e * hazard(contagion=0.0, params=q))


def test_coup_trap_right_after_an_attempt_is_the_multiplier_times_the_later_hazard():
    for m in (1.0, 2.0, 3.5, 6.0):
        q = Parameters({"coup_trap_multiplier": m})
        just_after = hazard(trap=coups.coup_trap(0.0, q), params=q)
        much_later = hazard(trap=coups.coup_trap(1e4, q), params=q)
        assert just_after / much_later == pytest.approx(m, rel=1e-9)
    # the trap fades monotonically with time since the attempt, and has mostly faded after five years
    trap = coups.coup_trap(np.arange(0, 121, 6.0), p)
    assert strictly_decreasing(trap)
    assert trap[-1] - 1.0 < 0.2 * (p.coup_trap_multiplier - 1.0)
    # after tau months the excess is 1/e of its initial value
    assert coups.coup_trap(p.coup_trap_months, p) - 1 == pytest.approx((p.coup_trap_multiplier - 1) / math.e)


def test_protection_lowers_the_hazard_and_the_chance_of_success():
    protection = np.linspace(0.0, p.protection_max, 7)
    assert strictly_decreasing(hazard(protection=protection))
    assert strictly_decreasing(coups.coup_success_probability(0.5, 0.7, protection, p))
    # the patron's protection grows with its personnel, up to its cap
    personnel = np.array([0.0, 500.0, 1000.0, 1500.0])
    assert strictly_increasing(legitimacy.protection(personnel, p))
    assert legitimacy.protection(1e6, p) == p.protection_max


def test_success_is_likelier_against_divided_and_unpopular_regimes():
    assert strictly_decreasing(coups.coup_success_probability(0.5, GRID, 0.0, p))
    assert strictly_decreasing(coups.coup_success_probability(GRID, 0.7, 0.0, p))
    # about one half at the baseline's typical legitimacy and cohesion (Powell & Thyne, calibration.md)
    assert 0.3 < coups.coup_success_probability(0.55, 0.65, 0.0, p) < 0.7


# --- 6. Legitimacy and cohesion -------------------------------------------------------------------------------
def legitimacy_target(t=0.2, trend=0.0, deaths=0.0, rally=0.0, sanctioned=0.0, help_received=0.0, overdue=0.0,
                      at_war=0.0):  # fmt: skip
    return legitimacy.legitimacy_target(t, trend, deaths, rally, sanctioned, help_received, overdue, at_war, p)


def test_rally_raises_the_legitimacy_target():
    assert strictly_increasing(legitimacy_target(rally=GRID))


def test_insecurity_sanctions_and_broken_promises_lower_the_legitimacy_target():
    assert strictly_decreasing(legitimacy_target(t=GRID))
    assert strictly_decreasing(legitimacy_target(trend=np.linspace(0, 0.2, 5)))
    assert strictly_decreasing(legitimacy_target(deaths=np.linspace(0, 5, 5)))
    assert legitimacy_target(sanctioned=1.0) < legitimacy_target(sanctioned=0.0)
    assert legitimacy_target(at_war=1.0) < legitimacy_target(at_war=0.0)  # troops in an intervention abroad
    assert strictly_decreasing(legitimacy_target(overdue=np.array([0.0, 1.0, 2.0, 3.0])))
    # overdue years are capped at three
    assert legitimacy_target(overdue=3.0) == legitimacy_target(overdue=10.0)


def test_help_received_raises_the_legitimacy_target():
    assert strictly_increasing(legitimacy_target(help_received=GRID))


def test_more_troops_abroad_lowers_the_cohesion_target():
    abroad = np.linspace(0.0, 0.3, 7)
    target = legitimacy.cohesion_target(0.5, abroad, 0.0, 0.0, p)
    assert strictly_decreasing(target)
    assert np.all((0.0 <= target) & (target <= 1.0))
    assert legitimacy.cohesion_target(0.5, 0.0, 0.0, 0.0, p) == pytest.approx(p.cohesion_base)


def test_unpaid_months_lower_and_protection_and_legitimacy_raise_the_cohesion_target():
    assert strictly_decreasing(legitimacy.cohesion_target(0.5, 0.0, np.linspace(0, 1, 5), 0.0, p))
    assert strictly_increasing(legitimacy.cohesion_target(0.5, 0.0, 0.0, np.linspace(0, 0.6, 5), p))
    assert strictly_increasing(legitimacy.cohesion_target(GRID, 0.0, 0.0, 0.0, p))


def test_relax_moves_a_share_of_the_gap():
    assert legitimacy.relax(0.2, 0.6, 0.25) == pytest.approx(0.3)
    assert legitimacy.relax(0.6, 0.2, 1.0) == pytest.approx(0.2)


# --- 8. Commitment and membership -----------------------------------------------------------------------------
def commitment_target(
    match=0.9, threat=0.2, help_received=0.0, burden=0.0, trade=0.0, sanctioned=0.0, coercion=0.0, rally=0.0, age=1.0,
    rival=0.0,
):  # fmt: skip
    return membership.commitment_target(
        match, threat, help_received, burden, trade, sanctioned, coercion, rally, age, rival, p
    )


def test_sanctions_lower_the_commitment_target():
    assert commitment_target(sanctioned=1.0) < commitment_target(sanctioned=0.5) < commitment_target()
    assert strictly_decreasing(commitment_target(coercion=GRID))


def test_alignment_threat_help_trade_and_rally_raise_the_commitment_target():
    assert strictly_increasing(commitment_target(match=GRID))
    assert strictly_increasing(commitment_target(threat=GRID))
    assert strictly_increasing(commitment_target(help_received=GRID))
    assert strictly_increasing(commitment_target(rally=GRID))
    assert commitment_target(trade=1.0) > commitment_target(trade=0.0)


def test_a_rival_bloc_lowers_the_commitment_target():
    """A member of a bloc of the opposite orientation (the AES's founders in the G5 Sahel) commits less."""
    assert commitment_target(rival=1.0) < commitment_target(rival=0.0)


def test_burdens_and_age_lower_the_commitment_target():
    assert strictly_decreasing(commitment_target(burden=np.linspace(0, 0.3, 7)))
    assert strictly_decreasing(commitment_target(age=np.linspace(0, 50, 6)))


def test_votes_follow_alignment_match():
    votes = membership.vote_probability(GRID, p)
    assert strictly_increasing(votes)
    assert membership.vote_probability(0.5, p) == pytest.approx(0.5)
    strict = Parameters({"vote_alignment": 10.0})
    assert membership.vote_probability(0.0, strict) < 0.01 < 0.99 < membership.vote_probability(1.0, strict)


def test_alignment_match():
    assert orientation.alignment_match(0.8, 0.8) == 1.0
    assert orientation.alignment_match(-1.0, 1.0) == 0.0
    assert orientation.alignment_match(0.0, 1.0) == 0.5
    assert np.allclose(orientation.alignment_match(np.array([-1.0, 0.0, 1.0]), 1.0), [0.0, 0.5, 1.0])


# --- 4-5. Calls for help ---------------------------------------------------------------------------------------
def test_lower_readiness_means_fewer_calls_honoured():
    assert strictly_increasing(defence.honour_probability(0.8, 0.2, 0.0, GRID, p))


def test_commitment_and_reciprocity_raise_and_trouble_at_home_lowers_honouring():
    assert strictly_increasing(defence.honour_probability(GRID, 0.2, 0.0, 1.0, p))
    assert strictly_increasing(defence.honour_probability(0.8, 0.2, np.linspace(-1, 1, 5), 1.0, p))
    assert strictly_decreasing(defence.honour_probability(0.8, GRID, 0.0, 1.0, p))


def test_a_deployment_costs_its_troops_times_the_cost_of_a_soldier_abroad():
    assert strictly_increasing(funding.deployment_cost(np.array([0.0, 100.0, 1000.0]), 3000.0, p))
    # 1,000 troops at USD 3,000 a soldier-month, abroad at 1.5 times the cost at home: USD 4.5 M a month
    assert funding.deployment_cost(1000.0, 3000.0, p) == pytest.approx(1000 * 3000 * p.deployment_cost / 1e6)
    assert funding.deployment_cost(1000.0, 3000.0, Parameters({"deployment_cost": 3.0})) == pytest.approx(9.0)


@pytest.mark.parametrize("y", [0.0, 1.0, 2.0, 3.0, 8.0, 0.5, 2.5, 9.0])
def test_power_is_the_power_function_whole_exponents_or_not(y):
    x = np.array([0.0, 0.1, 0.5, 0.99, 1.0])
    assert np.allclose(power(x, y), x**y, rtol=1e-12, atol=0.0)


# --- 2. Funding -------------------------------------------------------------------------------------------------
def test_readiness_is_funds_over_upkeep_capped_at_one():
    assert funding.readiness(50.0, 100.0) == pytest.approx(0.5)
    assert funding.readiness(500.0, 100.0) == 1.0
    assert funding.readiness(5.0, 0.0) == 1.0
    assert np.allclose(
        funding.readiness(np.array([0.0, 50.0, 200.0]), np.array([100.0, 100.0, 100.0])), [0.0, 0.5, 1.0]
    )


def test_sanctions_cut_domestic_revenue_and_corridors_relieve_them():
    free = funding.domestic_revenue(120.0, 0.0, 0.0, 0.0, p)
    sanctioned = funding.domestic_revenue(120.0, 1.0, 0.0, 0.0, p)
    relieved = funding.domestic_revenue(120.0, 1.0, p.corridor_relief, 0.0, p)
    assert free == pytest.approx(10.0)
    assert sanctioned == pytest.approx(10.0 * (1 - p.sanction_revenue_loss))
    assert sanctioned < relieved < free
    assert funding.domestic_revenue(120.0, 0.0, 0.0, 1.0, p) < free  # leaving a free-movement bloc costs trade


def test_partners_favour_aligned_needy_and_branded_recipients():
    assert strictly_increasing(funding.allocation_weight(GRID[1:], 0.2, 0.0, p))
    assert strictly_increasing(funding.allocation_weight(0.8, GRID, 0.0, p))
    assert funding.allocation_weight(0.8, 0.2, 1.0, p) > funding.allocation_weight(0.8, 0.2, 0.0, p)


def test_a_bloc_dissolves_under_two_members_or_a_share_of_its_peak():
    assert membership.dissolves(1, 3, p) and membership.dissolves(0, 2, p)
    assert membership.dissolves(2, 5, p) and not membership.dissolves(3, 5, p)  # the G5 Sahel: 2 of 5 left
    assert not membership.dissolves(2, 3, p)  # the AES after one exit goes on
    assert not membership.dissolves(2, 5, Parameters({"dissolution_share": 0.0}))


# --- 3. Insurgency ------------------------------------------------------------------------------------------------
def test_insurgent_share_up_means_territory_grows():
    dt = insurgency.territory_change(0.3, GRID, 0.0, 0.5, p)
    assert strictly_increasing(dt)
    assert dt[0] < 0 < dt[-1]  # state forces roll back when they hold the balance, lose ground when they don't


def test_a_thin_army_reaches_less_ground_and_retakes_less_of_it():
    density = np.array([0.25, 0.5, 1.0, 2.0, 4.0])  # soldier-equivalents per 1,000 inhabitants
    rho = insurgency.reach(density * 1e4, 1e7, p)  # capacity over a population of 10 million
    assert strictly_increasing(rho) and np.all((0.0 < rho) & (rho < 1.0))
    assert insurgency.reach(1e4 * p.reach_density, 1e7, p) == pytest.approx(0.5)  # half the ground at d_half
    # the same balance of force: the thinner army loses ground where the denser one retakes it
    thin, dense = (
        insurgency.territory_change(0.2, 0.3, 0.0, rho[0], p),
        insurgency.territory_change(0.2, 0.3, 0.0, rho[-1], p),
    )
    assert thin > 0 > dense
    # and it kills fewer fighters, so the same grievance grows the armed groups faster
    assert insurgency.fighter_change(1000.0, 0.2, 0.1, 1e5, 1.0, rho[0], p) > insurgency.fighter_change(
        1000.0, 0.2, 0.1, 1e5, 1.0, rho[-1], p
    )


def test_spillover_lets_an_untouched_state_next_to_a_contested_one_gain_territory():
    spill = 0.4 * 0.6  # a neighbour with 40% contested where armed groups hold 60% of the force
    assert insurgency.territory_change(0.0, 0.0, spill, 0.5, p) > 0
    assert insurgency.territory_change(0.0, 0.0, 0.0, 0.5, p) == 0
    assert insurgency.territory_change(0.0, 0.0, spill, 0.5, Parameters({"spillover": 0.0})) == 0
    assert strictly_increasing(insurgency.territory_change(0.0, 0.0, GRID, 0.5, p))


def test_capacity_and_insurgent_share():
    cap = insurgency.capacity(np.array([1000.0, 2000.0, 4000.0]), 0.0, 0.0, 0.0, 1.0, 0.0, p)
    assert strictly_increasing(cap)
    assert insurgency.capacity(1000.0, 0.0, 0.0, 0.0, 0.5, 0.0, p) == pytest.approx(500.0)
    x = insurgency.insurgent_share(np.array([0.0, 100.0, 1000.0]), 1000.0, p)
    assert x[0] == 0.0 and strictly_increasing(x) and np.all(x < 1.0)
    assert insurgency.insurgent_share(0.0, 0.0, p) == 0.0
    assert strictly_increasing(insurgency.offensive_probability(GRID, p))


def test_deaths_and_displacement_grow_with_the_fighting():
    assert insurgency.deaths(0.5, 1000.0, 1.0, p) == pytest.approx(p.lethality * 1000.0)
    assert insurgency.deaths(0.5, 1000.0, 2.0, p) > insurgency.deaths(0.5, 1000.0, 1.0, p)
    assert insurgency.deaths(0.0, 1000.0, 1.0, p) == 0.0
    assert insurgency.newly_displaced(10.0, 0.01, 1e6, p) > insurgency.newly_displaced(10.0, 0.0, 1e6, p)
    assert insurgency.newly_displaced(10.0, -0.01, 1e6, p) == insurgency.newly_displaced(10.0, 0.0, 1e6, p)


def test_fighters_grow_with_grievance_and_stop_at_the_ceiling():
    growth = insurgency.fighter_change(1000.0, 0.5, GRID, 1e5, 1.0, 0.5, p)
    assert strictly_increasing(growth)
    assert insurgency.fighter_change(1000.0, 1.0, 1.0, 1000.0, 1.0, 0.5, p) == 0.0  # at the ceiling, no recruits
