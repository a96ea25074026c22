"""Coup rules (phase 7): the monthly hazard of an attempt, the coup trap, and an attempt's success.

h = h0 exp(b_L (L_ref - L) + b_K (K_ref - K) + b_D abroad + b_P unpaid + contagion) trap(t) (1 - protection),
trap(t) = 1 + (m - 1) exp(-t / tau) for t months since the last attempt (Ulfelder; Londregan & Poole 1990);
success = sigma(s0 + s_K (1 - K) + s_L (1 - L) - s_P protection) (about one half: Powell & Thyne).
"""

from __future__ import annotations

from .mathutil import exp, logistic, minimum

MAX_HAZARD = 0.5  # a monthly hazard above one half would mean a coup nearly every other month


def coup_trap(months_since_attempt, p):
    """Multiplier of the hazard t months after the last attempt: m just after, fading to 1."""
    return 1.0 + (p.coup_trap_multiplier - 1.0) * exp(-months_since_attempt / p.coup_trap_months)


def coup_hazard(legitimacy, cohesion, share_abroad, unpaid_share, trap, protection, civilian, contagion, p):
    """Monthly probability of a coup attempt against a regime (``civilian`` is 1 for civilian governments)."""
    z = (
        p.coup_legitimacy_effect * (p.legitimacy_reference - legitimacy)
        + p.coup_cohesion_effect * (p.cohesion_reference - cohesion)
        + p.coup_deployment_effect * share_abroad
        + p.coup_unpaid_effect * unpaid_share
        + p.coup_contagion * contagion
    )
    kind = 1.0 + (p.civilian_hazard_factor - 1.0) * civilian
    return minimum(MAX_HAZARD, p.coup_base_hazard * kind * exp(z) * trap * (1.0 - protection))


def coup_success_probability(legitimacy, cohesion, protection, p):
    """Probability that an attempt succeeds: divided ranks and unpopular regimes fall, protected ones hold."""
    z = (
        p.coup_success_intercept
        + p.coup_success_cohesion * (1.0 - cohesion)
        + p.coup_success_legitimacy * (1.0 - legitimacy)
        - p.coup_success_protection * protection
    )
    return logistic(z)
