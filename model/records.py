"""Typed event records: what happened, as data. The story in words is rendered from them (``story.py``).

Each record has a month, a kind, an outcome, the state it concerns (and another state: the requester of a call
an ally answers), the bloc, partner or armed group involved, one code (a leader, an actor, a parameter) and up
to four numbers. :data:`FIELDS` says what each kind keeps where. Compiled code writes records with
:func:`add`; :func:`liptako.model.story.frame` turns them into a DataFrame with the sentence of each.
"""

from __future__ import annotations

from .compiled import kernel

KINDS = (
    "coup", "notice", "exit", "accession", "dissolution", "partner_entry", "partner_exit", "suspension",
    "sanctions", "intervention", "call", "answer", "offensive", "spread", "parameter", "funding", "election",
    "transition", "founding",
)  # fmt: skip
(COUP, NOTICE, EXIT, ACCESSION, DISSOLUTION, PARTNER_ENTRY, PARTNER_EXIT, SUSPENSION,
 SANCTIONS, INTERVENTION, CALL, ANSWER, OFFENSIVE, SPREAD, PARAMETER, FUNDING, ELECTION,
 TRANSITION, FOUNDING) = range(len(KINDS))  # fmt: skip

OUTCOMES = (
    "", "success", "failure", "given", "withdrawn", "no_effect", "admitted", "refused", "invited", "entered",
    "deployed", "expelled", "imposed", "lifted", "started", "ended", "honoured", "unanswered", "re_elected",
    "turnover",
)  # fmt: skip
(NONE, SUCCESS, FAILURE, GIVEN, WITHDRAWN, NO_EFFECT, ADMITTED, REFUSED, INVITED, ENTERED,
 DEPLOYED, EXPELLED, IMPOSED, LIFTED, STARTED, ENDED, HONOURED, UNANSWERED, RE_ELECTED,
 TURNOVER) = range(len(OUTCOMES))  # fmt: skip

# What each kind keeps in its fields (outcomes, code, x0..x3); "state" is the state concerned unless noted.
FIELDS = {
    "coup": "success | failure; code: the leader after the attempt; x0 risk, x1 success chance, x2 the new "
    "junta's alignment (success) or the month the surviving leader took power (failure), x3 1 if a "
    "scenario event forced the attempt",
    "notice": "given (x0 commitment, NaN if a scenario decided; x1 month it leaves) | withdrawn | no_effect "
    "(x0 1 if notice was already given, 0 if not a member)",
    "exit": "x0 members that remain",
    "accession": "admitted | refused (x0 votes in favour, x1 voters) | no_effect (x0 1 if dissolved, 0 if a member)",
    "dissolution": "bloc",
    "partner_entry": "invited | entered (by a scenario; x0 personnel) | deployed (x0 personnel)",
    "partner_exit": "expelled (code: the leader who ordered it; x0 the month that leader took power) | "
    "withdrawn (by a scenario)",
    "suspension": "a partner's aid: imposed | lifted",
    "sanctions": "a bloc's: imposed (x0 intervention threat) | lifted",
    "intervention": "started (x0 troops) | success (the regime it targeted fell) | failure (it ended with the "
    "regime still there); x0 territory contested at the end; code: the actor (bloc, then partner)",
    "call": "honoured | refused | unanswered; code: the attacker, -1 a major offensive; x0 answers, x1 honoured",
    "answer": "honoured | refused; state: the ally, other: the requester; x0 troops sent",
    "offensive": "group: the strongest armed group there; x0 territory contested",
    "spread": "group: the armed group that begins operating",
    "parameter": "code: the parameter's index; x0 before, x1 after",
    "funding": "partner: x0 budget before, x1 after (USD M a year)",
    "election": "re_elected (the incumbent or its party: with a new leader when the incumbent had served its "
    "terms, x1 then this month) | turnover (code: the new leader); x0 the incumbent's chance, x1 the month the "
    "leader in office took power",
    "transition": "a junta's promised election: re_elected (its leader wins) | turnover (an elected civilian "
    "takes over); x0 the junta leader's chance, x1 the month the leader in office took power",
    "founding": "a latent pact founded: one record per founding member (state), bloc; x0 the founders",
}


@kernel
def add(w, r, month, kind, outcome, state=-1, other=-1, bloc=-1, partner=-1, group=-1, code=-1,
        x0=0.0, x1=0.0, x2=0.0, x3=0.0):  # fmt: skip
    """Append a record to replication r's log (a full log sets the overflow flag; the engine retries)."""
    k = w.rec_n[r]
    if k >= w.rec_month.shape[1]:
        w.overflow[r] |= 2
        return
    w.rec_month[r, k] = month
    w.rec_kind[r, k] = kind
    w.rec_outcome[r, k] = outcome
    w.rec_state[r, k] = state
    w.rec_other[r, k] = other
    w.rec_bloc[r, k] = bloc
    w.rec_partner[r, k] = partner
    w.rec_group[r, k] = group
    w.rec_code[r, k] = code
    w.rec_x[r, k, 0] = x0
    w.rec_x[r, k, 1] = x1
    w.rec_x[r, k, 2] = x2
    w.rec_x[r, k, 3] = x3
    w.rec_n[r] = k + 1
