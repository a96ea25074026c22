"""Phase 1: the scenario's dated events fire, and what runs out this month ends.

What runs out: deployments whose time is up come home (and the memory of help received fades), interventions
end, blocs' sanctions expire, partners' aid suspensions lapse. Then the events of the month, in the order the
scenario lists them: a forced coup, a partner's exit or entry, a change of its budget, an intervention, an
accession request, a withdrawal, a parameter change.
"""

from __future__ import annotations

import numpy as np

from . import armies, coups, defence, draws, membership, partners, records
from .compiled import kernel, params_of
from .mathutil import decay, flag
from .world import (
    EV_ACCESSION_REQUEST,
    EV_COUP,
    EV_FUNDING_CHANGE,
    EV_INTERVENTION,
    EV_PARTNER_ENTRY,
    EV_PARTNER_EXIT,
    EV_SET_PARAMETER,
    EV_WITHDRAWAL,
    NEVER,
)


@kernel
def run_out(s, w, r, month, p):
    """End what ran out: deployments, the memory of help, interventions, sanctions, aid suspensions."""
    armies.end_deployments(w, r, month)
    fade = decay(p.help_half_life)
    for i in range(len(s.code)):
        w.help[r, i] *= fade
    defence.end_interventions(s, w, r, month)
    for b in range(len(s.bloc_code)):
        for i in range(len(s.code)):
            if w.sanctioned_until[r, b, i] != NEVER and w.sanctioned_until[r, b, i] <= month:
                w.sanctioned_until[r, b, i] = NEVER
                records.add(w, r, month, records.SANCTIONS, records.LIFTED, state=i, bloc=b)
    partners.review_suspensions(s, w, r, month, p)


@kernel
def apply_event(s, w, r, t, e, p):
    """Carry out the scenario's event e."""
    month = s.start + t
    kind = s.ev_type[e]
    i, b, k = s.ev_state[e], s.ev_bloc[e], s.ev_partner[e]
    if kind == EV_COUP:
        key = draws.stream_key(w.seed[r], draws.EVENTS, t)
        draw = draws.uniform(key, 4 * s.code[i] + s.ev_slot[e])
        coups.attempt(s, w, r, t, i, draw, s.ev_outcome[e], s.ev_alignment[e], s.ev_leader[e], True,
                      coups.succession_slot(s.code[i], s.ev_slot[e]), p)  # fmt: skip
    elif kind == EV_PARTNER_EXIT:
        for j in range(len(s.code)):
            if s.ev_targets[e, j]:
                present = partners.present_in(w, r, k, j)
                partners.leave(w, r, k, j, True)
                if present:
                    records.add(w, r, month, records.PARTNER_EXIT, records.WITHDRAWN, state=j, partner=k)
    elif kind == EV_PARTNER_ENTRY:
        for j in range(len(s.code)):
            if s.ev_targets[e, j]:
                partners.enter(w, r, k, j, s.ev_value[e])
                records.add(w, r, month, records.PARTNER_ENTRY, records.ENTERED, state=j, partner=k, x0=s.ev_value[e])
    elif kind == EV_FUNDING_CHANGE:
        before = w.budget[r, k]
        w.budget[r, k] = before * s.ev_value[e] if s.ev_factor[e] == 1 else s.ev_value[e]
        records.add(w, r, month, records.FUNDING, records.NONE, partner=k, x0=before, x1=w.budget[r, k])
    elif kind == EV_INTERVENTION:
        defence.start_intervention(s, w, r, t, s.ev_actor[e], i, s.ev_value[e], p)
    elif kind == EV_ACCESSION_REQUEST:
        membership.request_accession(s, w, r, t, i, b, p)
    elif kind == EV_WITHDRAWAL:
        if w.members[r, b, i] and w.notice_due[r, b, i] == NEVER:
            membership.give_notice(s, w, r, i, b, month, np.nan)
        else:
            records.add(w, r, month, records.NOTICE, records.NO_EFFECT, state=i, bloc=b,
                        x0=flag(w.members[r, b, i]))  # fmt: skip
    elif kind == EV_SET_PARAMETER:
        before = w.params[r, s.ev_param[e]]
        w.params[r, s.ev_param[e]] = s.ev_value[e]
        records.add(w, r, month, records.PARAMETER, records.NONE, code=s.ev_param[e], x0=before, x1=s.ev_value[e])


# --- Phase 1 ----------------------------------------------------------------------------------------------------
@kernel
def fire(s, w, r, t, p):
    """End what ran out; apply the scenario's events for this month, in order. Returns the parameters as they
    stand after the events (a set_parameter event changes them from its month on)."""
    month = s.start + t
    run_out(s, w, r, month, p)
    for e in range(len(s.ev_month)):
        if s.ev_month[e] == month:
            apply_event(s, w, r, t, e, p)
            if s.ev_type[e] == EV_SET_PARAMETER:
                p = params_of(w, r)
    return p
