"""Phase 8: membership. Commitment, notice and exit, accession and votes, sanctions, dissolution.

Commitment c of a member to a bloc moves toward a target that rises with aligned orientation, a shared
threat (balance of threat), help received, trade and the rally, and falls with burdens borne without
return, sanctions and coercion by the bloc, and the alliance's age. Below an exit threshold for some months
the member gives notice; it leaves when the bloc's notice period runs out. Neighbours drawn to a bloc apply
(AES Charter Art. 11) and its members in good standing vote, by unanimity or majority. A bloc with fewer
than two members is dissolved, and its remaining members dissolve it once it has lost most of its members
(the G5 Sahel, Dec 2023). A latent pact (a scenario's bloc with ``latent = true``) is founded by neighbouring
juntas drawn to it (the AES, Sep 2023); membership of a bloc of the opposite orientation lowers commitment.
"""

from __future__ import annotations

import numpy as np

from . import armies, blocs, draws, partners, records
from .compiled import kernel, rule
from .mathutil import clip, flag, logistic, relax
from .orientation import alignment_match
from .world import N_BLOC_CODES, N_COUNTRIES, NEVER


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def commitment_target(match, threat, help_received, burden, trade, sanctioned, coercion, rally, age_years, rival, p):
    """The commitment a member tends to toward one bloc (``match`` in 0..1, 1/2 counting as neutral; ``rival``
    1 while it also belongs to a bloc of the opposite orientation that it leans to more, :func:`blocs.rival`)."""
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
        - p.commitment_rival * rival
    )
    return logistic(z)


@rule
def dissolves(n_members, peak_members, p):
    """Whether a bloc's remaining members dissolve it: fewer than two, or fewer than ``dissolution_share`` of the
    most it has had (Chad and Mauritania dissolved the G5 Sahel when three of its five members had left)."""
    return np.logical_or(n_members < 2, n_members < p.dissolution_share * peak_members)


@rule
def vote_probability(match, p):
    """Probability that a member votes to admit a candidate whose orientation matches its own by ``match``."""
    return logistic(p.vote_alignment * (match - 0.5))


# --- Decisions --------------------------------------------------------------------------------------------------
@kernel(inline=True)
def rally_for(s, w, r, i, b):
    """The rally counts toward commitment to a bloc of sovereigntist orientation only."""
    return w.rally[r, i] if s.bloc_alignment[b] > 0.0 else 0.0


@kernel(inline=True)
def target_outside(s, w, r, i, b, threat, p):
    """The commitment state i's regime would have to bloc b with no history in it (to decide to apply or found,
    or as a new junta's or a new member's first commitment). A rival bloc it belongs to does not hold it back:
    Burkina Faso and Niger founded the AES while still in the G5 Sahel, and left the G5 after."""
    match = alignment_match(w.alignment[r, i], s.bloc_alignment[b])
    return commitment_target(match, threat, 0.0, 0.0, flag(s.free_movement[b]), 0.0, 0.0, rally_for(s, w, r, i, b),
                             0.0, 0.0, p)  # fmt: skip


@kernel
def update_commitment(s, w, r, i, b, shared, month, p):
    """Move member i's commitment to bloc b toward its target (``shared``: the outside threat over any member,
    :func:`~liptako.model.blocs.shared_threat`); count months below the exit threshold."""
    threat = s.mutual_defence[b] * clip(w.territory[r, i] + shared)
    abroad = armies.troops_abroad_for(w, r, i, b) / (s.troops[i] if s.troops[i] > 0 else 1.0)
    burden = abroad * (1.0 - clip(w.help[r, i]))  # troops sent for the bloc without help in return
    age_years = max(0.0, (month - w.founded_month[r, b]) / 12.0)
    match = alignment_match(w.alignment[r, i], s.bloc_alignment[b])
    target = commitment_target(
        match, threat, clip(w.help[r, i]), burden, flag(s.free_movement[b]), blocs.pressure(w, r, i, b, p),
        blocs.coercion(s, w, r, i, b), rally_for(s, w, r, i, b), age_years, blocs.rival(s, w, r, i, b), p,
    )  # fmt: skip
    before = w.commitment[r, b, i]
    c = relax(target if np.isnan(before) else before, target, p.commitment_adjustment)
    w.commitment[r, b, i] = c
    w.months_below[r, b, i] = w.months_below[r, b, i] + 1 if c < p.exit_threshold else 0
    return c


@kernel
def sanction(s, w, r, b, i, hostile, month, p):
    """Suspend a member after a coup and sanction it; threaten intervention if the junta is ``hostile`` (its
    orientation opposed to the bloc's)."""
    w.suspended[r, b, i] = True
    w.sanctioned_until[r, b, i] = month + int(p.sanction_months)
    if s.threat_level[b] > 0.0 and hostile:
        w.threats[r, b, i] = max(w.threats[r, b, i], s.threat_level[b])


@kernel
def give_notice(s, w, r, i, b, month, commitment):
    """Member i gives notice to leave bloc b (``commitment`` NaN: a scenario decided); it leaves when the
    notice runs out (at once for a bloc without a notice period)."""
    due = month + s.notice_months[b]
    w.notice_due[r, b, i] = due
    records.add(w, r, month, records.NOTICE, records.GIVEN, state=i, bloc=b, x0=commitment, x1=float(due))
    if due <= month:
        leave(s, w, r, i, b, month, False)


@kernel
def leave(s, w, r, i, b, month, quiet):
    """Member i leaves bloc b (``quiet`` when the bloc dissolves around it)."""
    w.members[r, b, i] = False
    w.suspended[r, b, i] = False
    w.sanctioned_until[r, b, i] = NEVER
    w.threats[r, b, i] = 0.0
    w.notice_due[r, b, i] = NEVER
    w.former[r, b, i] = True
    w.commitment[r, b, i] = np.nan
    armies.recall_troops(w, r, i, b)
    if s.free_movement[b]:
        w.left_trade_bloc[r, i] = True
    if b == s.ecowas:
        w.ecowas_exits[r] += 1
    if quiet:
        return
    if w.exit_month[r, b, i] == NEVER:
        w.exit_month[r, b, i] = month
    if b == s.focal and w.first_exit_state[r] < 0:
        w.first_exit_state[r] = i
        w.first_exit_month[r] = month
    records.add(w, r, month, records.EXIT, records.NONE, state=i, bloc=b, x0=float(blocs.n_members(w, r, b)))


@kernel(inline=True)
def vote_slot(bloc_code, candidate_code, voter_code):
    """The membership stream's slot of one member's vote on one candidate (after the application slots)."""
    return N_BLOC_CODES * N_COUNTRIES + (bloc_code * N_COUNTRIES + candidate_code) * N_COUNTRIES + voter_code


@kernel
def request_accession(s, w, r, t, i, b, p):
    """Candidate i applies to bloc b; each member in good standing votes; unanimity or majority decides."""
    month = s.start + t
    if blocs.dissolved(w, r, b) or w.members[r, b, i]:
        records.add(w, r, month, records.ACCESSION, records.NO_EFFECT, state=i, bloc=b,
                    x0=flag(blocs.dissolved(w, r, b)))  # fmt: skip
        return False
    key = draws.stream_key(w.seed[r], draws.MEMBERSHIP, t)
    voters = 0
    yes = 0
    for v in range(len(s.code)):
        if blocs.in_good_standing(w, r, b, v):
            voters += 1
            match = alignment_match(w.alignment[r, v], w.alignment[r, i])
            if draws.uniform(key, vote_slot(s.bloc_code[b], s.code[i], s.code[v])) < vote_probability(match, p):
                yes += 1
    if voters == 0:  # nobody in good standing to decide
        admitted = False
    elif s.unanimity[b]:
        admitted = yes == voters
    else:
        admitted = 2 * yes > voters
    if admitted:
        w.members[r, b, i] = True
        w.former[r, b, i] = False
        w.commitment[r, b, i] = target_outside(s, w, r, i, b, blocs.threat(s, w, r, i, b), p)
    records.add(w, r, month, records.ACCESSION, records.ADMITTED if admitted else records.REFUSED, state=i, bloc=b,
                x0=float(yes), x1=float(voters))  # fmt: skip
    return admitted


@kernel
def applications(s, w, r, t, p):
    """Non-members drawn to a bloc apply (Charter Art. 11): neighbours of a member whose commitment target
    passes the accession threshold, each with a monthly chance."""
    key = draws.stream_key(w.seed[r], draws.MEMBERSHIP, t)
    for b in range(len(s.bloc_code)):
        if blocs.dissolved(w, r, b) or not blocs.founded(w, r, b) or not s.open_to_accession[b]:
            continue
        for i in range(len(s.code)):
            if w.members[r, b, i] or w.former[r, b, i]:
                continue
            next_to_member = False
            for k in range(s.nb_start[i], s.nb_start[i + 1]):
                if w.members[r, b, s.nb[k]]:
                    next_to_member = True
            if not next_to_member:
                continue
            if draws.uniform(key, s.bloc_code[b] * N_COUNTRIES + s.code[i]) >= p.accession_rate:
                continue
            if target_outside(s, w, r, i, b, blocs.threat(s, w, r, i, b), p) >= p.accession_threshold:
                request_accession(s, w, r, t, i, b, p)


@kernel(inline=True)
def founding_slot(bloc_code):
    """The membership stream's slot of a latent pact's founding draw (after every vote slot)."""
    return N_BLOC_CODES * N_COUNTRIES * (1 + N_COUNTRIES) + bloc_code


@kernel(inline=True)
def would_found(s, w, r, i, b, p):
    """Whether state i's regime would found latent pact b: a junta (juntas found pacts of juntas: the AES's
    founders had all seized power) whose commitment target to it passes the accession threshold."""
    if w.civilian[r, i] or w.members[r, b, i]:
        return False
    return target_outside(s, w, r, i, b, blocs.threat(s, w, r, i, b), p) >= p.accession_threshold


@kernel
def found_pacts(s, w, r, t, p):
    """Latent pacts founded (the Liptako-Gourma Charter, Sep 2023): once two or more neighbouring juntas would
    found one, they found it with a monthly chance ``founding_rate``; its founders are every such junta next to
    another."""
    month = s.start + t
    key = draws.stream_key(w.seed[r], draws.MEMBERSHIP, t)
    S = len(s.code)
    for b in range(len(s.bloc_code)):
        if not s.latent[b] or blocs.founded(w, r, b) or blocs.dissolved(w, r, b):
            continue
        if draws.uniform(key, founding_slot(s.bloc_code[b])) >= p.founding_rate:
            continue
        drawn, founder = w.scratch[r, 0], w.scratch[r, 1]
        for i in range(S):  # each regime's verdict once
            drawn[i] = 1.0 if would_found(s, w, r, i, b, p) else 0.0
        founders = 0
        for i in range(S):  # a founder borders another
            founder[i] = 0.0
            if drawn[i] == 1.0:
                for k in range(s.nb_start[i], s.nb_start[i + 1]):
                    if drawn[s.nb[k]] == 1.0:
                        founder[i] = 1.0
                        founders += 1
                        break
        if founders < 2:
            continue
        w.founded_month[r, b] = month
        for i in range(S):
            if founder[i] == 1.0:
                w.commitment[r, b, i] = target_outside(s, w, r, i, b, blocs.threat(s, w, r, i, b), p)
                w.members[r, b, i] = True
                records.add(w, r, month, records.FOUNDING, records.NONE, state=i, bloc=b, x0=float(founders))
        w.peak_members[r, b] = founders


# --- Phase 8 ----------------------------------------------------------------------------------------------------
@kernel
def update(s, w, r, t, p):
    """Partners expelled or invited; commitments move; members give notice, leave, apply; blocs dissolve."""
    month = s.start + t
    partners.partnerships(s, w, r, t, p)
    for b in range(len(s.bloc_code)):
        if blocs.dissolved(w, r, b):
            continue
        shared = blocs.shared_threat(w, r, b) if s.mutual_defence[b] > 0.0 else 0.0
        for i in range(len(s.code)):
            if not w.members[r, b, i]:
                continue
            c = update_commitment(s, w, r, i, b, shared, month, p)
            if w.notice_due[r, b, i] == NEVER and w.months_below[r, b, i] >= p.exit_patience:
                give_notice(s, w, r, i, b, month, c)
        for i in range(len(s.code)):
            if w.members[r, b, i] and w.notice_due[r, b, i] != NEVER and w.notice_due[r, b, i] <= month:
                leave(s, w, r, i, b, month, False)
    applications(s, w, r, t, p)
    found_pacts(s, w, r, t, p)
    for b in range(len(s.bloc_code)):
        if blocs.dissolved(w, r, b) or not blocs.founded(w, r, b):
            continue
        n = blocs.n_members(w, r, b)
        w.peak_members[r, b] = max(w.peak_members[r, b], n)
        if dissolves(n, w.peak_members[r, b], p):
            w.dissolved_month[r, b] = month
            for i in range(len(s.code)):
                if w.members[r, b, i]:
                    w.dissolvers[r, b, i] = True  # members in the month they dissolve it (outputs.record)
                    leave(s, w, r, i, b, month, True)
            records.add(w, r, month, records.DISSOLUTION, records.NONE, bloc=b)
