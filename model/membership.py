"""Commitment and membership rules (phase 8).

Commitment c of a member to a bloc moves toward a target that rises with aligned orientation, a shared
threat (balance of threat), help received, trade and the rally, and falls with burdens borne without
return, sanctions and coercion by the bloc, and the alliance's age. Below an exit threshold for some months
the member gives notice; it leaves when the bloc's notice period runs out.
"""

from __future__ import annotations

from .mathutil import logistic


def commitment_target(match, threat, help_received, burden, trade, sanctioned, coercion, rally, age_years, p):
    """The commitment a member tends to toward one bloc (``match`` in 0..1, 1/2 counting as neutral)."""
    z = (
        p.commitment_intercept
        + p.commitment_alignment * (2.0 * match - 1.0)
        + p.commitment_threat * threat
        + p.commitment_help * help_received
        - p.commitment_burden * burden
        + p.commitment_trade * trade
        - p.commitment_sanctions * sanctioned
        - p.commitment_coercion * coercion
        + p.commitment_rally * rally
        - p.commitment_age * age_years
    )
    return logistic(z)


def vote_probability(match, p):
    """Probability that a member votes to admit a candidate whose orientation matches its own by ``match``."""
    return logistic(p.vote_alignment * (match - 0.5))
