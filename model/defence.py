"""Phases 4 and 5: aggression, calls for help and the allies' answers (mutual defence, AES Charter Art. 6).

An attack on one is an attack on all: a member under a major offensive or an external intervention calls on
its allies in each bloc it belongs to (a bloc's clause is invoked with a probability equal to its strength:
1 for the AES, 0.2 for ECOWAS's weak protocol), and each ally in good standing decides whether to honour the
call, given its commitment, its own security at home, its readiness and the requester's record of answering
it. Honouring sends a share of its troops (and money) for some months; it costs the sender and strains its
army. Blocs that threaten intervention may carry the threat out against a state they sanction. An intervention costs
the bloc's members in good standing the troops they contribute (in proportion to their armies; paid like
troops abroad, straining cohesion), and legitimacy at home while it lasts (phase 6); it succeeds if the regime
it targets falls (each month with a chance that grows with the force against the target's capacity), after
which an elected civilian government is restored, and fails if the regime is still there when it ends.
"""

from __future__ import annotations

import numpy as np

from . import armies, blocs, draws, elections, partners, records
from .compiled import kernel, rule
from .legitimacy import rally_round
from .mathutil import decay, logistic
from .world import N_BLOC_CODES, N_COUNTRIES

# The defence stream's slots: invocations, then answers (:func:`answer_slot`), then whether an intervention
# overthrows the regime it targets (one per target).
INTERVENTION_SLOT = N_BLOC_CODES * N_COUNTRIES * (1 + N_COUNTRIES)


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def honour_probability(commitment, own_territory, reciprocity, readiness, p):
    """Probability that one ally honours one call for help.

    sigma(b0 + b_c c - b_T T_own + b_r reciprocity + b_f readiness): committed, secure, funded allies whose
    calls were honoured by the requester go.
    """
    z = (
        p.honour_intercept
        + p.honour_commitment * commitment
        - p.honour_home_threat * own_territory
        + p.honour_reciprocity * reciprocity
        + p.honour_readiness * readiness
    )
    return logistic(z)


# --- Decisions --------------------------------------------------------------------------------------------------
@kernel
def start_intervention(s, w, r, t, actor, i, troops, p):
    """A military intervention by ``actor`` (a bloc, 0..B-1, or a partner, B..) against state i: an aggression
    under Article 6. ``troops`` NaN or 0: the bloc's planned force, else the registry's default."""
    month = s.start + t
    B = len(s.bloc_code)
    force = troops
    if np.isnan(force) or force <= 0.0:
        force = s.intervention_troops[actor] if actor < B else 0.0
        if force <= 0.0:
            force = p.intervention_troops
    force = float(int(force))
    w.attacked_by[r, i] = actor
    w.attack_start[r, i] = month
    w.attack_until[r, i] = month + int(p.intervention_months)
    w.attack_troops[r, i] = force
    if actor < B:
        commit_contingents(s, w, r, actor, i, force)
    rally_round(w, r, i, p)
    if actor >= B:
        partners.expelled_by(w, r, actor - B, i)
    records.add(w, r, month, records.INTERVENTION, records.STARTED, state=i, code=actor, x0=force)


@kernel
def commit_contingents(s, w, r, b, target, force):
    """Bloc b's members in good standing (the target apart) contribute ``force`` in proportion to their armies,
    each at most a third of its troops at home."""
    total = 0.0
    for j in range(len(s.code)):
        if j != target and blocs.in_good_standing(w, r, b, j):
            total += s.troops[j]
    if total <= 0.0:
        return
    for j in range(len(s.code)):
        if j != target and blocs.in_good_standing(w, r, b, j):
            w.intervening[r, j] += min(force * s.troops[j] / total, armies.troops_home(s, w, r, j) / 3.0)


@rule
def regime_falls_probability(force, capacity, p):
    """Monthly probability that an intervention overthrows the regime it targets: ``intervention_success`` x
    the intervening force's share of the balance against the target's capacity."""
    return p.intervention_success * force / np.maximum(force + capacity, 1e-12)


@kernel
def end_intervention(s, w, r, i, month, succeeded):
    """The intervention in state i ends: the contributors bring their troops home."""
    actor = w.attacked_by[r, i]
    records.add(w, r, month, records.INTERVENTION, records.SUCCESS if succeeded else records.FAILURE, state=i,
                code=actor, x0=w.territory[r, i])  # fmt: skip
    w.attacked_by[r, i] = -1
    w.attack_troops[r, i] = 0.0
    w.attack_until[r, i] = month
    if actor < len(s.bloc_code):  # the contingents come home; those of other interventions under way stay
        w.intervening[r, :] = 0.0
        for k in range(len(s.code)):
            if 0 <= w.attacked_by[r, k] < len(s.bloc_code):
                commit_contingents(s, w, r, w.attacked_by[r, k], k, w.attack_troops[r, k])


@kernel
def end_interventions(s, w, r, month):
    """Interventions whose time is up end, failed: the regime they targeted is still there (phase 1)."""
    for i in range(len(s.code)):
        if w.attacked_by[r, i] >= 0 and w.attack_until[r, i] <= month:
            end_intervention(s, w, r, i, month, False)


@kernel
def press_interventions(s, w, r, t, p):
    """Each intervention under way may overthrow the regime it targets: an elected civilian government is
    restored and the intervention ends, a success (phase 4)."""
    month = s.start + t
    key = draws.stream_key(w.seed[r], draws.DEFENCE, t)
    for i in range(len(s.code)):
        if w.attacked_by[r, i] < 0 or w.civilian[r, i]:
            continue
        chance = regime_falls_probability(w.attack_troops[r, i], w.capacity[r, i], p)
        if draws.uniform(key, INTERVENTION_SLOT + s.code[i]) < chance:
            elections.restore_civilian_rule(s, w, r, i, month, p)
            end_intervention(s, w, r, i, month, True)


@kernel(inline=True)
def reciprocity(w, r, requester, ally):
    """How the requester answered the ally's own calls: mean of +1 honoured / -1 refused (0 with no record)."""
    n = w.answers_n[r, ally, requester]
    return w.answers_sum[r, ally, requester] / n if n > 0 else 0.0


@kernel(inline=True)
def answer_slot(bloc_code, requester_code, ally_code):
    """The defence stream's slot of one ally's answer to one requester (after the invocation slots)."""
    return N_BLOC_CODES * N_COUNTRIES + (bloc_code * N_COUNTRIES + requester_code) * N_COUNTRIES + ally_code


@kernel
def answer_call(s, w, r, t, ally, requester, b, draw, p):
    """Ally decides whether to honour requester's call under bloc b; returns the troops sent (0: refused)."""
    month = s.start + t
    c = w.commitment[r, b, ally]
    chance = honour_probability(0.0 if np.isnan(c) else c, w.territory[r, ally], reciprocity(w, r, requester, ally),
                                w.readiness[r, ally], p)  # fmt: skip
    at_home = armies.troops_home(s, w, r, ally)
    honour = draw < chance and at_home > 0.0
    w.answers_sum[r, requester, ally] += 1.0 if honour else -1.0
    w.answers_n[r, requester, ally] += 1
    if not honour:
        return 0.0
    troops = p.deployment_share * at_home
    aid = p.ally_aid_share * w.funds[r, ally]
    armies.add_deployment(w, r, ally, requester, b, troops, aid, month + int(p.deployment_months))
    w.help[r, requester] += 1.0
    return troops


# --- Phase 4 ----------------------------------------------------------------------------------------------------
@kernel
def call_for_help(s, w, r, t, p):
    """Interventions under way may overthrow their target; blocs may intervene in states they sanction; members
    under attack invoke mutual defence."""
    press_interventions(s, w, r, t, p)
    month = s.start + t
    key = draws.stream_key(w.seed[r], draws.INSURGENCY, t)
    threat_fade = decay(p.threat_half_life)
    S = len(s.code)
    for b in range(len(s.bloc_code)):
        for i in range(S):  # intervention threats fade with their half-life
            w.threats[r, b, i] *= threat_fade
            if w.threats[r, b, i] < 1e-3:
                w.threats[r, b, i] = 0.0
        for i in range(S):
            if not blocs.sanctioned(w, r, b, i):
                continue
            chance = w.threats[r, b, i] * p.intervention_rate
            slot = N_COUNTRIES + s.bloc_code[b] * N_COUNTRIES + s.code[i]  # after the offensive slots
            if w.attacked_by[r, i] < 0 and s.intervention_troops[b] > 0 and draws.uniform(key, slot) < chance:
                start_intervention(s, w, r, t, b, i, np.nan, p)
    w.n_calls[r] = 0
    key = draws.stream_key(w.seed[r], draws.DEFENCE, t)
    for i in range(S):
        attacked_now = w.attacked_by[r, i] >= 0 and w.attack_start[r, i] == month
        if not (w.offensive[r, i] or attacked_now):
            continue
        cause = w.attacked_by[r, i] if attacked_now else -1
        for b in range(len(s.bloc_code)):
            invoked = draws.uniform(key, s.bloc_code[b] * N_COUNTRIES + s.code[i]) < s.mutual_defence[b]
            if (invoked and not blocs.dissolved(w, r, b) and w.attacked_by[r, i] != b
                    and blocs.in_good_standing(w, r, b, i) and blocs.n_members(w, r, b) > 1):  # fmt: skip
                c = w.n_calls[r]
                w.call_state[r, c] = i
                w.call_bloc[r, c] = b
                w.call_cause[r, c] = cause
                w.n_calls[r] = c + 1
                w.calls_made[r, i] += 1


# --- Phase 5 ----------------------------------------------------------------------------------------------------
@kernel
def answer_calls(s, w, r, t, p):
    """Each ally in good standing decides; the records say who went and who did not."""
    month = s.start + t
    key = draws.stream_key(w.seed[r], draws.DEFENCE, t)
    for c in range(w.n_calls[r]):
        i, b, cause = w.call_state[r, c], w.call_bloc[r, c], w.call_cause[r, c]
        first = w.rec_n[r]
        records.add(w, r, month, records.CALL, records.UNANSWERED, state=i, bloc=b, code=cause)
        answers = 0
        honoured = 0
        for j in range(len(s.code)):
            if j == i or not blocs.in_good_standing(w, r, b, j):
                continue
            draw = draws.uniform(key, answer_slot(s.bloc_code[b], s.code[i], s.code[j]))
            troops = answer_call(s, w, r, t, j, i, b, draw, p)
            answers += 1
            honoured += troops > 0.0
            records.add(w, r, month, records.ANSWER, records.HONOURED if troops > 0.0 else records.REFUSED,
                        state=j, other=i, bloc=b, x0=troops)  # fmt: skip
        if first < w.rec_n[r]:  # the call's record, completed now that the answers are known
            w.rec_outcome[r, first] = (
                (records.HONOURED if honoured else records.REFUSED) if answers else records.UNANSWERED
            )
            w.rec_x[r, first, 0] = answers
            w.rec_x[r, first, 1] = honoured
        w.calls_total[r] += 1
        w.responses[r] += answers
        w.honoured[r] += honoured
        if b == s.focal:
            w.focal_responses[r] += answers
            w.focal_honoured[r] += honoured
