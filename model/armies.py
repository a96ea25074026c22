"""Armies: troops at home and abroad, what a soldier costs, and the deployments sent in answer to calls.

A deployment is troops (and money) an ally sends to a state that called for help under a bloc's
mutual-defence clause, until a given month. It is kept in one of a replication's deployment slots; the sums
``troops_abroad`` (of the sender) and ``troops_received`` (of the receiver) are kept with them.
"""

from __future__ import annotations

from .compiled import kernel


@kernel(inline=True)
def troops_home(s, w, r, i):
    """Regular troops at home and under national command."""
    return max(0.0, s.troops[i] - w.troops_abroad[r, i] - w.intervening[r, i] - w.joint_force_share[r, i])


@kernel(inline=True)
def share_abroad(s, w, r, i):
    """Share of the regular army deployed abroad (answering calls, or in its bloc's intervention)."""
    return (w.troops_abroad[r, i] + w.intervening[r, i]) / s.troops[i] if s.troops[i] > 0 else 0.0


@kernel(inline=True)
def cost_per_soldier(w, r, i, p):
    """USD per soldier-month at full readiness: the start's budget per soldier times ``upkeep_ratio``."""
    return p.upkeep_ratio * w.budget_per_soldier[r, i]


@kernel(inline=True)
def troops_abroad_for(w, r, i, b):
    """Troops state i has deployed under bloc b."""
    total = 0.0
    if w.troops_abroad[r, i] <= 0.0:  # most states, most months: nobody abroad, no slot to scan
        return total
    for d in range(w.dep_sender.shape[1]):
        if w.dep_sender[r, d] == i and w.dep_bloc[r, d] == b:
            total += w.dep_troops[r, d]
    return total


@kernel
def add_deployment(w, r, sender, receiver, b, troops, aid, until):
    """Send troops (and aid, USD M a month) from ``sender`` to ``receiver`` under bloc b until a month."""
    for d in range(w.dep_sender.shape[1]):
        if w.dep_sender[r, d] < 0:
            w.dep_sender[r, d] = sender
            w.dep_receiver[r, d] = receiver
            w.dep_bloc[r, d] = b
            w.dep_troops[r, d] = troops
            w.dep_aid[r, d] = aid
            w.dep_until[r, d] = until
            w.troops_abroad[r, sender] += troops
            w.troops_received[r, receiver] += troops
            return
    w.overflow[r] |= 1  # no free slot: the engine runs this replication again with more


@kernel
def drop_deployment(w, r, d):
    """Bring deployment d home."""
    sender, receiver = w.dep_sender[r, d], w.dep_receiver[r, d]
    w.dep_sender[r, d] = -1
    w.troops_abroad[r, sender] = 0.0
    w.troops_received[r, receiver] = 0.0
    for k in range(w.dep_sender.shape[1]):  # recount, as sums of what is still deployed
        if w.dep_sender[r, k] == sender:
            w.troops_abroad[r, sender] += w.dep_troops[r, k]
        if w.dep_receiver[r, k] == receiver and w.dep_sender[r, k] >= 0:
            w.troops_received[r, receiver] += w.dep_troops[r, k]


@kernel
def end_deployments(w, r, month):
    """Bring home every deployment whose time is up."""
    for d in range(w.dep_sender.shape[1]):
        if w.dep_sender[r, d] >= 0 and w.dep_until[r, d] <= month:
            drop_deployment(w, r, d)


@kernel
def recall_troops(w, r, i, b):
    """Bring home every deployment under bloc b that state i sent or received (e.g. on leaving the bloc)."""
    for d in range(w.dep_sender.shape[1]):
        if w.dep_sender[r, d] >= 0 and w.dep_bloc[r, d] == b and (w.dep_sender[r, d] == i or w.dep_receiver[r, d] == i):
            drop_deployment(w, r, d)
