"""Phase 7, after the coups: elections and transitions, the peaceful ways power changes hands.

A civilian government faces the voters every ``term_months``: the incumbent (or the incumbent's party) keeps
office with probability sigma(a + b (L - 1/2)), higher the more legitimate it is; otherwise the opposition
wins and a new leader takes office. Either way the winner starts a new term with a mandate: a new leader at
``mandate_legitimacy``, a re-elected incumbent halfway from its legitimacy to it. A leader who has served
``term_limit`` terms does not stand: if the party wins, a new leader of it takes office (entrenchment starts
again: Niger 2021).

A junta whose promised transition is due holds the election it promised at ``transition_rate`` a month
(until then it extends its rule and loses legitimacy for each year overdue, phase 6); the month it lets the
deadline pass, the blocs that sanction coups sanction it again for the broken promise. The junta's leader
stands and wins with probability ``junta_leader_wins`` (Chad 2024: the military council's head is elected);
otherwise an elected civilian takes over. Either way the regime is civilian again: blocs that suspended it
over the coup readmit it and lift their sanctions, and conditional partners resume their aid.
"""

from __future__ import annotations

import numpy as np

from . import blocs, draws, membership, partners, records
from .compiled import kernel, rule
from .mathutil import logistic
from .world import ELECTED, NEVER


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def incumbent_win_probability(legitimacy, p):
    """Probability that a civilian incumbent (or its party) wins an election."""
    return logistic(p.incumbent_advantage + p.election_legitimacy * (legitimacy - 0.5))


@rule
def re_elected_legitimacy(legitimacy, p):
    """An incumbent's legitimacy after winning again: halfway to a fresh mandate's."""
    return legitimacy + 0.5 * (p.mandate_legitimacy - legitimacy)


@rule
def term_limited(months_in_office, p):
    """Whether a leader ``months_in_office`` may not stand again: ``term_limit`` full terms served. The ruling
    party may still win, with a new leader (Niger 2021: Bazoum after Issoufou's two terms)."""
    return months_in_office >= p.term_limit * p.term_months - 1


@kernel(inline=True)
def first_election(took_power, month, term):
    """The first election after ``month`` of a government in office since ``took_power``, every ``term``
    months."""
    terms = max(1, int(np.ceil((month - took_power) / term)))
    return took_power + terms * term


# --- Decisions --------------------------------------------------------------------------------------------------
@kernel
def hold_election(s, w, r, i, month, draw, p):
    """A civilian government's election: the incumbent stays or the opposition takes office."""
    chance = incumbent_win_probability(w.legitimacy[r, i], p)
    if draw < chance:
        w.legitimacy[r, i] = re_elected_legitimacy(w.legitimacy[r, i], p)
        if term_limited(month - w.took_power[r, i], p):  # the party keeps office under a new leader
            w.leader[r, i] = ELECTED
            w.took_power[r, i] = month
        records.add(w, r, month, records.ELECTION, records.RE_ELECTED, state=i, code=w.leader[r, i],
                    x0=chance, x1=float(w.took_power[r, i]))  # fmt: skip
    else:
        install_elected(w, r, i, month, p)
        records.add(w, r, month, records.ELECTION, records.TURNOVER, state=i, code=ELECTED, x0=chance,
                    x1=float(month))  # fmt: skip
    w.next_election[r, i] = month + int(p.term_months)


@kernel(inline=True)
def install_elected(w, r, i, month, p):
    """A newly elected leader takes office with a fresh mandate."""
    w.leader[r, i] = ELECTED
    w.took_power[r, i] = month
    w.legitimacy[r, i] = p.mandate_legitimacy


@kernel(inline=True)
def end_military_rule(w, r, i, month, p):
    """The regime is civilian again, with its first term ahead of it."""
    w.civilian[r, i] = True
    w.transition_deadline[r, i] = NEVER
    w.next_election[r, i] = month + int(p.term_months)


@kernel
def hand_over(s, w, r, i, month, draw, p):
    """A junta holds its promised election: its leader wins it, or an elected civilian takes over; the regime
    is civilian again."""
    keeps = draw < p.junta_leader_wins
    end_military_rule(w, r, i, month, p)
    if keeps:
        w.legitimacy[r, i] = re_elected_legitimacy(w.legitimacy[r, i], p)
    else:
        install_elected(w, r, i, month, p)
    records.add(w, r, month, records.TRANSITION, records.RE_ELECTED if keeps else records.TURNOVER, state=i,
                code=w.leader[r, i], x0=p.junta_leader_wins, x1=float(w.took_power[r, i]))  # fmt: skip
    readmit(s, w, r, i, month)


@kernel
def restore_civilian_rule(s, w, r, i, month, p):
    """A junta overthrown by an intervention: an elected civilian government is restored (the Gambia, 2017)."""
    end_military_rule(w, r, i, month, p)
    install_elected(w, r, i, month, p)
    readmit(s, w, r, i, month)


@kernel
def readmit(s, w, r, i, month):
    """An elected government again: the blocs that suspended the junta take the state back and lift their
    sanctions; conditional partners resume their aid."""
    for b in range(len(s.bloc_code)):  # the blocs that suspended it over the coup take it back
        if s.sanctions_on_coup[b] and w.suspended[r, b, i]:
            w.suspended[r, b, i] = False
            w.threats[r, b, i] = 0.0
            if w.sanctioned_until[r, b, i] != NEVER:
                w.sanctioned_until[r, b, i] = NEVER
                records.add(w, r, month, records.SANCTIONS, records.LIFTED, state=i, bloc=b)
    for k in range(len(s.partner_code)):  # conditional partners resume their aid to an elected government
        if partners.suspended(w, r, k, i):
            w.suspended_until[r, k, i] = NEVER
            records.add(w, r, month, records.SUSPENSION, records.LIFTED, state=i, partner=k)


# --- Phase 7 (after coups) --------------------------------------------------------------------------------------
@kernel
def hold(s, w, r, t, p):
    """Elections that fall due this month, and transitions a junta whose deadline has passed carries out."""
    month = s.start + t
    key = draws.stream_key(w.seed[r], draws.ELECTIONS, t)
    for i in range(len(s.code)):
        if w.civilian[r, i]:
            if w.next_election[r, i] == NEVER:  # a government that came to power in the run: first term
                w.next_election[r, i] = first_election(w.took_power[r, i], month, int(p.term_months))
            if month >= w.next_election[r, i]:
                hold_election(s, w, r, i, month, draws.uniform(key, 3 * s.code[i]), p)
        elif w.transition_deadline[r, i] != NEVER and month >= w.transition_deadline[r, i]:
            if draws.uniform(key, 3 * s.code[i] + 1) < p.transition_rate:
                hand_over(s, w, r, i, month, draws.uniform(key, 3 * s.code[i] + 2), p)
            elif month == w.transition_deadline[r, i]:
                sanction_broken_promise(s, w, r, i, month, p)


@kernel
def sanction_broken_promise(s, w, r, i, month, p):
    """A junta that lets its promised transition pass unheld: the blocs that sanction coups and still count it a
    member sanction it again (ECOWAS on Mali, January 2022)."""
    for b in range(len(s.bloc_code)):
        if s.sanctions_on_coup[b] and w.members[r, b, i] and not blocs.dissolved(w, r, b):
            membership.sanction(s, w, r, b, i, False, month, p)
            records.add(w, r, month, records.SANCTIONS, records.IMPOSED, state=i, bloc=b, x0=w.threats[r, b, i])
