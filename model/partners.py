"""External partners' decisions: where they are present, whom they fund, when they come, deploy, suspend aid,
resume it, or leave; and the juntas' estrangement from the West, expulsions and invitations (phase 8).

A *conditional* partner suspends aid after a coup (for a junta of its own orientation, for
``aid_suspension_months``; for a hostile one, while it stays hostile). A partner leaves a state that expels
it; a scenario's ``partner_exit`` is final unless a later ``partner_entry`` says otherwise. A security partner
lends personnel (contractors, trainers) from its pool.
"""

from __future__ import annotations

from . import blocs, draws, records
from .compiled import kernel
from .legitimacy import rally_round
from .orientation import alignment_match, estranged_alignment
from .world import FOREVER, N_COUNTRIES, NEVER


@kernel(inline=True)
def present_in(w, r, k, i):
    """Partner k funds or deploys in state i."""
    return w.clients[r, k, i] or w.security_forces[r, k, i] > 0.0


@kernel(inline=True)
def suspended(w, r, k, i):
    return w.suspended_until[r, k, i] != NEVER


@kernel(inline=True)
def eligible(w, r, k, i):
    """Partner k funds state i this month."""
    return w.clients[r, k, i] and not w.expelled[r, k, i] and not suspended(w, r, k, i)


@kernel(inline=True)
def welcomes(w, r, k, i):
    """Partner k would take up an invitation from state i: it has a budget, was neither expelled nor withdrawn
    from it, and does not suspend its aid there."""
    return w.budget[r, k] > 0.0 and not w.expelled[r, k, i] and not w.withdrawn[r, k, i] and not suspended(w, r, k, i)


@kernel(inline=True)
def personnel_deployed(w, r, k):
    total = 0.0
    for i in range(w.security_forces.shape[2]):
        total += w.security_forces[r, k, i]
    return total


@kernel
def deploy(w, r, k, i, personnel):
    """Send security personnel to a state, within the pool; returns how many went."""
    sent = min(personnel, max(0.0, w.force_pool[r, k] - personnel_deployed(w, r, k)))
    if sent > 0.0:
        w.security_forces[r, k, i] += sent
    return sent


@kernel
def enter(w, r, k, i, personnel):
    """Start funding a state (and deploy personnel, enlarging the pool if needed); lifts a past expulsion or
    withdrawal."""
    w.expelled[r, k, i] = False
    w.withdrawn[r, k, i] = False
    w.clients[r, k, i] = True
    if personnel > 0.0:
        w.force_pool[r, k] = max(w.force_pool[r, k], personnel_deployed(w, r, k) + personnel)
        deploy(w, r, k, i, personnel)


@kernel
def leave(w, r, k, i, for_good):
    """Stop funding and withdraw personnel from a state; ``for_good`` (a scenario's ``partner_exit``) means
    the partner does not come back unless a later ``partner_entry`` says so."""
    w.clients[r, k, i] = False
    w.security_forces[r, k, i] = 0.0
    if for_good:
        w.withdrawn[r, k, i] = True


@kernel
def expelled_by(w, r, k, i):
    """Leave a state whose regime ordered this partner out."""
    w.expelled[r, k, i] = True
    leave(w, r, k, i, False)


@kernel
def react_to_coup(s, w, r, k, i, month, p):
    """A conditional partner present in state i suspends aid after a successful coup; returns whether it did."""
    if not s.conditional[k] or not present_in(w, r, k, i):
        return False
    leaning_with_it = w.alignment[r, i] * s.partner_alignment[k] > 0.0
    w.suspended_until[r, k, i] = month + int(p.aid_suspension_months) if leaning_with_it else FOREVER
    return True


@kernel
def review_suspensions(s, w, r, month, p):
    """Lift suspensions that ran out; a hostile junta that turned friendly starts the countdown (phase 1)."""
    for k in range(len(s.partner_code)):
        for i in range(len(s.code)):
            until = w.suspended_until[r, k, i]
            if until == FOREVER and w.alignment[r, i] * s.partner_alignment[k] > 0.0:
                w.suspended_until[r, k, i] = month + int(p.aid_suspension_months)
            elif until != NEVER and until != FOREVER and until <= month:
                w.suspended_until[r, k, i] = NEVER
                records.add(w, r, month, records.SUSPENSION, records.LIFTED, state=i, partner=k)


@kernel(inline=True)
def western_pressure(s, w, r, i):
    """How hard Western conditionality presses on state i's regime: 1 under a bloc's sanctions, else the share
    of the conditional partners it deals with (present, or expelled by it) that suspend their aid or were
    expelled (a broken relationship keeps pressing); 0 if it deals with none."""
    if blocs.under_sanctions(w, r, i):
        return 1.0
    dealing, pressing = 0, 0
    for k in range(len(s.partner_code)):
        if s.conditional[k] and (present_in(w, r, k, i) or w.expelled[r, k, i]):
            dealing += 1
            pressing += suspended(w, r, k, i) or w.expelled[r, k, i]
    return pressing / dealing if dealing else 0.0


@kernel
def partnerships(s, w, r, t, p):
    """Juntas under Western pressure turn away from the West; sovereigntist juntas expel Western partners (and
    the reverse); aligned juntas invite partners in."""
    month = s.start + t
    for i in range(len(s.code)):
        if not w.civilian[r, i]:
            w.alignment[r, i] = estranged_alignment(w.alignment[r, i], western_pressure(s, w, r, i), p)
    key = draws.stream_key(w.seed[r], draws.PARTNERS, t)
    for k in range(len(s.partner_code)):
        western = s.partner_alignment[k] < 0.0
        for i in range(len(s.code)):
            slot = 2 * (s.partner_code[k] * N_COUNTRIES + s.code[i])  # expel at slot, invite at slot + 1
            a = w.alignment[r, i]
            # who could act comes first: a draw is a function of its slot, so skipping one changes nothing
            if (s.partner_alignment[k] * a < 0.0 and abs(a) > p.expel_threshold and present_in(w, r, k, i)
                    and draws.uniform(key, slot) < p.expel_rate):  # fmt: skip
                expelled_by(w, r, k, i)
                if western:
                    rally_round(w, r, i, p)
                records.add(w, r, month, records.PARTNER_EXIT, records.EXPELLED, state=i, partner=k,
                            code=w.leader[r, i], x0=float(w.took_power[r, i]))  # fmt: skip
                continue
            if (not welcomes(w, r, k, i) or alignment_match(s.partner_alignment[k], a) < p.invite_match
                    or draws.uniform(key, slot + 1) >= p.invite_rate):  # fmt: skip
                continue
            if not w.clients[r, k, i]:
                enter(w, r, k, i, 0.0)
                records.add(w, r, month, records.PARTNER_ENTRY, records.INVITED, state=i, partner=k)
            elif (w.force_pool[r, k] - personnel_deployed(w, r, k) >= 100.0
                  and w.security_forces[r, k, i] < p.deployment_size):  # fmt: skip
                sent = deploy(w, r, k, i, p.deployment_size)
                records.add(w, r, month, records.PARTNER_ENTRY, records.DEPLOYED, state=i, partner=k, x0=sent)
