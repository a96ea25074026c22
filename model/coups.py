"""Phase 7: coups. The monthly hazard of an attempt, the coup trap, an attempt's success, and what follows.

h = h0 exp(b_L (L_ref - L) + b_K (K_ref - K) + b_V c I(V) + b_D abroad + b_P unpaid + contagion)
    trap(t) (1 - protection) (1 - entrenchment(months in power)),
trap(t) = 1 + (m - 1) exp(-t / tau) for t months since the last attempt (Ulfelder; Londregan & Poole 1990);
I(V) = V^n / (V^n + V_half^n) for V the month's conflict deaths per 100,000 inhabitants, c 1 for a civilian
government led by politicians (officers blame them for a losing war; a junta, or its leader once elected, owns
its war);
success = sigma(s0 + s_K (1 - K) + s_L (1 - L) - s_P protection) (about one half: Powell & Thyne).

A successful coup installs a new junta (:func:`install_junta`): its alignment is drawn around the old one, with
a chance of a flip; commitment follows alignment; its legitimacy starts at its predecessor's, a little lower on
average (``coup_legitimacy_change``: usurpers are no more legitimate than those they overthrow); blocs that
sanction coups suspend and sanction a member they had not already suspended (a counter-coup within a suspended
junta brings no new sanctions: this bounds the loop sanctions -> unpaid army -> low cohesion -> coups), and
conditional partners suspend their aid. Elections and juntas' transitions follow in ``elections.py``.
"""

from __future__ import annotations

import numpy as np

from . import armies, blocs, draws, membership, partners, records
from .compiled import kernel, rule
from .legitimacy import rally_round
from .mathutil import clip, flag, logistic
from .orientation import alignment_match
from .world import N_COUNTRIES, NEVER


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def coup_trap(months_since_attempt, p):
    """Multiplier of the hazard t months after the last attempt: m just after, fading to 1."""
    return 1.0 + (p.coup_trap_multiplier - 1.0) * np.exp(-months_since_attempt / p.coup_trap_months)


@rule
def entrenchment(months_in_power, p):
    """How far a regime has made itself coup-proof, 0 on its first day rising to ``entrenchment_max``: regimes
    that survive their first years become self-enforcing (Little 2017); it divides the hazard by 1 - this."""
    return p.entrenchment_max * (1.0 - np.exp(-np.maximum(months_in_power, 0.0) / p.entrenchment_months))


@rule
def insecurity(deaths_per_100k, p):
    """How far a deadly war turns officers against civilian politicians, 0..1: V^n / (V^n + V_half^n) for V the
    month's conflict deaths per 100,000 inhabitants (a Hill curve of shape n: with n > 1, sporadic violence
    moves few officers while a war being lost, with massacres of soldiers at their posts, moves many)."""
    v = (np.maximum(deaths_per_100k, 0.0) / p.coup_insecurity_deaths) ** p.coup_insecurity_shape  # (V / V_half)^n
    return v / (1.0 + v)


@rule
def coup_hazard(legitimacy, cohesion, deaths_per_100k, share_abroad, unpaid_share, trap, protection, entrenched,
                civilian, politicians, contagion, p):  # fmt: skip
    """Monthly probability of a coup attempt against a regime (``civilian`` is 1 for civilian governments);
    ``deaths_per_100k`` is the month's conflict deaths per 100,000 inhabitants: officers frustrated by a
    losing war turn on civilian politicians (``politicians`` 1: a civilian government not led by the officer
    who seized power, in a country whose army attempted a coup within ``coup_insecurity_memory`` years), while
    a junta, or its leader once elected, owns the war it fights."""
    z = (
        p.coup_legitimacy_effect * (p.legitimacy_reference - legitimacy)
        + p.coup_cohesion_effect * (p.cohesion_reference - cohesion)
        + p.coup_insecurity_effect * insecurity(deaths_per_100k, p) * politicians
        + p.coup_deployment_effect * share_abroad
        + p.coup_unpaid_effect * unpaid_share
        + p.coup_contagion * contagion
    )
    kind = 1.0 + (p.civilian_hazard_factor - 1.0) * civilian
    return np.minimum(
        p.coup_hazard_cap, p.coup_base_hazard * kind * np.exp(z) * trap * (1.0 - protection) * (1.0 - entrenched)
    )


@rule
def coup_success_probability(legitimacy, cohesion, protection, p):
    """Probability that an attempt succeeds: divided ranks and unpopular regimes fall, protected ones hold."""
    z = (
        p.coup_success_intercept
        + p.coup_success_cohesion * (1.0 - cohesion)
        + p.coup_success_legitimacy * (1.0 - legitimacy)
        - p.coup_success_protection * protection
    )
    return logistic(z)


@rule
def successor_alignment(old, territory, flip_draw, normal_draw, p):
    """A new junta's alignment: around the old one (or its mirror, after a counter-coup), shifted toward the
    sovereigntist end by the insecurity it seized power in."""
    centre = -old if flip_draw < p.alignment_flip else old
    centre += p.sovereigntist_turn * territory  # officers who take power amid insecurity ride its frustration
    return clip(centre + p.alignment_drift * normal_draw, -1.0, 1.0)


# --- Decisions --------------------------------------------------------------------------------------------------
@kernel(inline=True)
def months_since_attempt(w, r, i, month):
    """Months since the last coup attempt (a long time if none is known)."""
    return 1e3 if w.last_attempt[r, i] == NEVER else float(month - w.last_attempt[r, i])


@kernel(inline=True)
def politicians(w, r, i):
    """A civilian government not led by an officer who seized power (a junta's leader elected in its
    transition is still the officer who took power by the coup)."""
    return w.civilian[r, i] and w.took_power[r, i] != w.last_success[r, i]


@kernel(inline=True)
def blamed_for_the_war(w, r, i, since_attempt, p):
    """Politicians whose officers may turn on them over a losing war: an army that attempted a coup within
    ``coup_insecurity_memory`` years, ``since_attempt`` the months since its last (Mali, Burkina Faso and Niger
    before their coups at war; not Nigeria in its war against Boko Haram, nor the coast's armies)."""
    return politicians(w, r, i) and since_attempt <= 12.0 * p.coup_insecurity_memory


@kernel(inline=True)
def contagion(s, w, r, i, month, p):
    """Recent successful coups next door, fading like the coup trap (0 if none)."""
    if p.coup_contagion == 0.0:  # off by default (Miller, Joseph & Ohl 2018): skip the search
        return 0.0
    best = 0.0
    for k in range(s.nb_start[i], s.nb_start[i + 1]):
        j = s.nb[k]
        if w.last_success[r, j] != NEVER:
            best = max(best, np.exp(-(month - w.last_success[r, j]) / p.coup_trap_months))
    return best


@kernel(inline=True)
def success_chance(w, r, i, p):
    """Probability that an attempt against state i's regime succeeds now."""
    return coup_success_probability(w.legitimacy[r, i], w.cohesion[r, i], w.protection[r, i], p)


@kernel
def attempt(s, w, r, t, i, draw, outcome, alignment, leader, forced, slot, p):
    """A coup attempt against state i's regime; returns whether it succeeded.

    ``outcome`` is -1 (drawn against ``draw``), 0 (fails) or 1 (succeeds); ``alignment`` (NaN: drawn) and
    ``leader`` (-1: a military council) describe the new junta if it succeeds; ``slot`` is the first of its
    succession draws (:func:`succession_slot`).
    """
    month = s.start + t
    risk = w.coup_risk[r, i]
    chance = success_chance(w, r, i, p)
    success = outcome == 1 if outcome >= 0 else draw < chance
    w.coup_attempts[r, i] += 1
    if not w.civilian[r, i]:
        w.junta_attempts[r] += 1
    if not success:  # the ranks split and purges follow; the coup-trap clock restarts
        w.cohesion[r, i] = clip(w.cohesion[r, i] - p.coup_attempt_shock)
        w.last_attempt[r, i] = month
        records.add(w, r, month, records.COUP, records.FAILURE, state=i, code=w.leader[r, i],
                    x0=risk, x1=chance, x2=float(w.took_power[r, i]), x3=flag(forced))  # fmt: skip
        return False
    install_junta(s, w, r, t, i, alignment, leader, slot, p)
    records.add(w, r, month, records.COUP, records.SUCCESS, state=i, code=w.leader[r, i],
                x0=risk, x1=chance, x2=w.alignment[r, i], x3=flag(forced))  # fmt: skip
    for b in range(len(s.bloc_code)):
        if s.sanctions_on_coup[b] and blocs.in_good_standing(w, r, b, i) and not blocs.dissolved(w, r, b):
            hostile = w.alignment[r, i] * s.bloc_alignment[b] < 0.0
            membership.sanction(s, w, r, b, i, hostile, month, p)
            rally_round(w, r, i, p)
            records.add(w, r, month, records.SANCTIONS, records.IMPOSED, state=i, bloc=b, x0=w.threats[r, b, i])
    for k in range(len(s.partner_code)):
        if partners.react_to_coup(s, w, r, k, i, month, p):
            records.add(w, r, month, records.SUSPENSION, records.IMPOSED, state=i, partner=k)
    return True


@kernel
def install_junta(s, w, r, t, i, alignment, leader, slot, p):
    """A new junta: alignment drawn around the old one (with a chance of a flip), commitments redrawn; a junta
    that turns toward a bloc may take back its predecessor's notice to leave it."""
    month = s.start + t
    old = w.alignment[r, i]
    if np.isnan(alignment):
        key = draws.stream_key(w.seed[r], draws.SUCCESSION, t)
        normal = draws.normal(key, slot, slot + 1)
        flip = draws.uniform(key, slot + 2)
        alignment = successor_alignment(old, w.territory[r, i], flip, normal, p)
    w.coup_successes[r, i] += 1
    w.last_success[r, i] = month
    if w.first_success[r, i] == NEVER:
        w.first_success[r, i] = month
    w.leader[r, i] = leader
    w.civilian[r, i] = False
    w.took_power[r, i] = month
    w.legitimacy[r, i] = clip(w.legitimacy[r, i] + p.coup_legitimacy_change)
    w.next_election[r, i] = NEVER
    # the winners command the army: no purge of the ranks as after a failed attempt (cohesion unchanged)
    w.alignment[r, i] = alignment
    w.transition_deadline[r, i] = month + int(p.transition_months)
    w.last_attempt[r, i] = month
    w.coup_risk[r, i] = 0.0
    w.protection[r, i] = 0.0
    if (old > 0.0) != (alignment > 0.0):  # the rally belongs to an orientation: a turn ends it
        w.rally[r, i] = 0.0
    for b in range(len(s.bloc_code)):  # commitment follows the new alignment
        w.months_below[r, b, i] = 0
        w.commitment[r, b, i] = np.nan
        if w.members[r, b, i]:
            w.commitment[r, b, i] = membership.target_outside(s, w, r, i, b, blocs.threat(s, w, r, i, b), p)
    for k in range(len(s.partner_code)):  # a new regime may welcome back partners of its orientation
        if s.partner_alignment[k] * alignment > 0.0:
            w.expelled[r, k, i] = False
    for b in range(len(s.bloc_code)):
        turned = alignment_match(alignment, s.bloc_alignment[b]) > alignment_match(old, s.bloc_alignment[b])
        c = w.commitment[r, b, i]
        if w.notice_due[r, b, i] != NEVER and turned and not np.isnan(c) and c >= p.exit_threshold:
            w.notice_due[r, b, i] = NEVER
            records.add(w, r, month, records.NOTICE, records.WITHDRAWN, state=i, bloc=b)


@kernel(inline=True)
def succession_slot(code, forced_k):
    """The first of the three succession draws of a coup on the state with this country code: drawn coups
    (``forced_k`` -1) use 3 * code; a scenario's k-th forced coup on the state that month another range."""
    return 3 * (code + N_COUNTRIES * (forced_k + 1))


# --- Phase 7 ----------------------------------------------------------------------------------------------------
@kernel
def resolve(s, w, r, t, p):
    """Each regime's coup hazard; an attempt is drawn, then its success."""
    month = s.start + t
    key = draws.stream_key(w.seed[r], draws.COUPS, t)
    for i in range(len(s.code)):
        since = months_since_attempt(w, r, i, month)  # the coup trap's clock and the insecurity term's memory
        trap = coup_trap(since, p)
        w.coup_risk[r, i] = coup_hazard(
            w.legitimacy[r, i], w.cohesion[r, i], w.deaths[r, i] / s.population[i] * 1e5,
            armies.share_abroad(s, w, r, i), w.unpaid_share[r, i], trap, w.protection[r, i],
            entrenchment(float(month - w.took_power[r, i]), p), flag(w.civilian[r, i]),
            flag(blamed_for_the_war(w, r, i, since, p)), contagion(s, w, r, i, month, p), p,
        )  # fmt: skip
        if not w.civilian[r, i]:
            w.junta_months[r] += 1
        if draws.uniform(key, 2 * s.code[i]) < w.coup_risk[r, i]:
            attempt(s, w, r, t, i, draws.uniform(key, 2 * s.code[i] + 1), -1, np.nan, -1, False,
                    succession_slot(s.code[i], -1), p)  # fmt: skip
