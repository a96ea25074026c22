"""Mutual-defence rules (phases 4-5): honouring a call for help, and what deployments cost.

An attack on one is an attack on all (AES Charter Art. 6): a member under a major offensive or an external
attack calls on its allies, and each decides whether to honour the call.
"""

from __future__ import annotations

from .mathutil import logistic


def honour_probability(commitment, own_territory, reciprocity, readiness, p):
    """Probability that one ally honours one call for help.

    sigma(b0 + b_c c - b_T T_own + b_r reciprocity + b_f readiness): committed, secure, funded allies whose
    calls were honoured by the requester go. (A weak clause is rarely invoked at all: see
    :func:`call_probability`.)
    """
    z = (
        p.honour_intercept
        + p.honour_commitment * commitment
        - p.honour_home_threat * own_territory
        + p.honour_reciprocity * reciprocity
        + p.honour_readiness * readiness
    )
    return logistic(z)


def call_probability(clause_strength):
    """Probability that a member under attack invokes a bloc's clause: its strength (1 for the AES's Art. 6)."""
    return clause_strength


def deployment_cost(troops_sent, cost_per_soldier_month, p):
    """Monthly cost (USD M) to the sender of keeping troops abroad."""
    return troops_sent * cost_per_soldier_month * p.deployment_cost / 1e6
