"""Legitimacy and cohesion rules (phase 6).

Legitimacy L moves toward a target L* at rate rho:
L* = sigma(a0 - a_T T - a_dT dT12 - a_d deaths + a_r rally - a_s sanctions + a_h help - a_p overdue).
Cohesion K (1 - dissidence in the ranks) moves toward its own target, lowered by deployments abroad and
unpaid months, raised by legitimacy and a patron's protection.
"""

from __future__ import annotations

from .mathutil import clip, logistic, minimum


def legitimacy_target(t, trend, deaths_per_100k, rally, sanctioned, help_received, overdue_years, p):
    """The legitimacy a regime tends to, given its security record and politics."""
    z = (
        p.legitimacy_intercept
        - p.legitimacy_territory * t
        - p.legitimacy_trend * trend
        - p.legitimacy_deaths * deaths_per_100k
        + p.legitimacy_rally * rally
        - p.legitimacy_sanctions * sanctioned
        + p.legitimacy_help * help_received
        - p.legitimacy_overdue * minimum(overdue_years, 3.0)
    )
    return logistic(z)


def cohesion_target(legitimacy, share_abroad, unpaid_share, protection, p):
    """The cohesion an army tends to: paid, at home, under a legitimate and protected regime."""
    return clip(
        p.cohesion_base
        - p.cohesion_deployment_strain * share_abroad
        - p.cohesion_unpaid_strain * unpaid_share
        + p.cohesion_legitimacy * (legitimacy - 0.5)
        + p.cohesion_protection * protection
    )


def relax(value, target, rate):
    """Move ``value`` a share ``rate`` of the way to ``target``."""
    return value + rate * (target - value)
