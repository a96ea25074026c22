"""Phase 2: funding. Every dollar a state receives is attributed to its source: domestic revenue net of
sanctions, blocs' dues and common funds, partners' budgets, and the money allies send with their troops.

Readiness = min(1, funds / upkeep), upkeep = (troops at home + auxiliaries' share) x cost per soldier-month.
Each partner divides its budget among its eligible clients in proportion to alignment match and need, with a
bonus for members of a bloc of its own orientation (the alliance as a "brand"); a bloc's joint force is paid
from its common fund and sent where the fighting is. How much of its budget a partner spends follows its
opportunities (:func:`spending_share`): the summed weight of its eligible clients against the most it has
been, so that expulsions, aid suspended after coups and clients turning away leave money unspent, while new
clients and a growing "brand" bring it back up to the budget; the non-Western share of funding is an outcome
of events.
"""

from __future__ import annotations

import numpy as np

from . import armies, blocs, partners
from .compiled import kernel, rule
from .mathutil import flag, power
from .orientation import alignment_match
from .world import DOMESTIC


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def allocation_weight(match, territory, brand, p):
    """A partner's weight for one recipient: aligned, needy and, for a bloc's brand, a member of it.

    ``match`` is the alignment match of partner and junta; ``territory`` the share contested (need);
    ``brand`` is 1 when the recipient belongs to a bloc of the partner's orientation, else 0.
    """
    return power(match, p.alignment_reward) * (1.0 + p.need_weight * territory) * (1.0 + p.brand_bonus * brand)


@rule
def spending_share(weight_now, weight_peak, p):
    """Share of its budget a partner spends: (W / W0) ** budget_elasticity for W its clients' summed allocation
    weight now and W0 the most it has been (0 with no client; the budget is the most it spends)."""
    ratio = weight_now / np.maximum(weight_peak, 1e-12)
    return (weight_now > 0.0) * np.minimum(1.0, power(ratio, p.budget_elasticity))


@rule
def domestic_revenue(budget_musd_year, sanctioned, relief, left_trade_bloc, p):
    """Monthly domestic defence revenue (USD M) net of sanctions and lost trade.

    ``sanctioned`` is 1 under sanctions; ``relief`` the share of sanction losses allies offset by keeping
    corridors open (AES Charter Art. 8); ``left_trade_bloc`` is 1 after leaving a free-movement bloc.
    """
    loss = p.sanction_revenue_loss * sanctioned * (1.0 - relief) + p.trade_loss_on_exit * left_trade_bloc
    return budget_musd_year / 12.0 * np.maximum(0.0, 1.0 - loss)


@rule
def readiness(funds_musd, upkeep_musd):
    """Share of the army's monthly upkeep that its funds cover: min(1, funds / upkeep); 1 with no upkeep."""
    return np.minimum(1.0, np.maximum(0.0, funds_musd / np.maximum(upkeep_musd, 1e-12) + (upkeep_musd <= 0.0)))


@rule
def security_support(personnel, p):
    """Relative gain in capacity from partner security personnel in the country."""
    return p.security_support * personnel / 1000.0


@rule
def deployment_cost(troops_sent, cost_per_soldier_month, p):
    """Monthly cost (USD M) to the sender of keeping troops abroad."""
    return troops_sent * cost_per_soldier_month * p.deployment_cost / 1e6


# --- Decisions and bookkeeping ----------------------------------------------------------------------------------
@kernel(inline=True)
def receive(w, r, source, i, amount):
    """Book money received by state i from a source (DOMESTIC, 1 + a partner's index, or allies)."""
    w.funding[r, source, i] += amount
    w.funds[r, i] += amount


@kernel(inline=True)
def branded(s, w, r, k, i):
    """State i belongs to a live bloc whose orientation has the sign of partner k's (a neutral partner, of
    alignment 0, has no brand)."""
    for b in range(len(s.bloc_code)):
        if s.bloc_alignment[b] * s.partner_alignment[k] > 0.0 and w.members[r, b, i] and not blocs.dissolved(w, r, b):
            return True
    return False


@kernel
def allocate(s, w, r, k, p):
    """Partner k spends this month's budget: blocs' common funds first, then clients by alignment, need and
    brand, as much as its opportunities justify (:func:`spending_share`); the rest stays unspent."""
    western = s.partner_alignment[k] < 0.0
    factor = p.western_budget_factor if western else p.nonwestern_budget_factor
    monthly = w.budget[r, k] * factor / 12.0
    spent = 0.0
    for b in range(len(s.bloc_code)):
        share = s.bloc_funding[k, b]
        if share > 0.0 and blocs.live_with_members(w, r, b):
            w.fund[r, b] += monthly * share
            spent += monthly * share
    w.to_blocs[r, k] = spent
    weights = w.scratch[r, 3]
    total = 0.0
    for i in range(len(s.code)):
        weights[i] = weight(s, w, r, k, i, p) if partners.eligible(w, r, k, i) else 0.0
        total += weights[i]
    w.weight_peak[r, k] = max(w.weight_peak[r, k], total)  # the best opportunities it has had
    rest = (monthly - spent) * spending_share(total, w.weight_peak[r, k], p)
    if total > 0.0:
        for i in range(len(s.code)):
            if weights[i] > 0.0:
                receive(w, r, 1 + k, i, rest * weights[i] / total)
        spent += rest
    w.spent[r, k] = spent
    w.unspent[r, k] = max(0.0, monthly - spent)


@kernel(inline=True)
def weight(s, w, r, k, i, p):
    """Partner k's allocation weight for state i."""
    match = alignment_match(s.partner_alignment[k], w.alignment[r, i])
    return allocation_weight(match, w.territory[r, i], flag(branded(s, w, r, k, i)), p)


@kernel
def staff_joint_forces(s, w, r, p):
    """Members lend troops to their bloc's joint force, paid from the common fund, sent where most needed."""
    for i in range(len(s.code)):
        w.joint_force[r, i] = 0.0
        w.joint_force_share[r, i] = 0.0
    for b in range(len(s.bloc_code)):
        troops = s.joint_force_troops[b]
        if troops == 0.0 or not blocs.live_with_members(w, r, b):
            continue
        army = 0.0
        need = 0.0
        for i in range(len(s.code)):
            if w.members[r, b, i]:
                army += s.troops[i]
                need += w.territory[r, i] + 0.01
        army = army if army > 0.0 else 1.0
        upkeep = 0.0
        for i in range(len(s.code)):
            if w.members[r, b, i]:
                lent = troops * s.troops[i] / army
                w.joint_force_share[r, i] += lent
                upkeep += lent * armies.cost_per_soldier(w, r, i, p) / 1e6
        ready = readiness(w.fund[r, b], upkeep)
        w.joint_force_readiness[r, b] = ready
        w.fund_spent[r, b] = upkeep * ready  # what the fund can pay; the rest carries over
        w.fund[r, b] -= w.fund_spent[r, b]
        for i in range(len(s.code)):
            if w.members[r, b, i]:
                w.joint_force[r, i] += troops * ready * (w.territory[r, i] + 0.01) / need


# --- Phase 2 ----------------------------------------------------------------------------------------------------
@kernel
def fund(s, w, r, t, p):
    """Domestic revenue, blocs' dues, partners' budgets, joint forces, deployments, readiness."""
    n_sources = w.funding.shape[1]
    allies = n_sources - 1
    for i in range(len(s.code)):  # open the books with domestic revenue, net of sanctions and lost trade
        sanctioned = blocs.under_sanctions(w, r, i)
        relief = p.corridor_relief if sanctioned and blocs.has_non_aggression_allies(s, w, r, i) else 0.0
        for source in range(n_sources):
            w.funding[r, source, i] = 0.0
        w.funds[r, i] = 0.0
        w.spending_abroad[r, i] = 0.0
        revenue = domestic_revenue(s.defence_budget[i], flag(sanctioned), relief, flag(w.left_trade_bloc[r, i]), p)
        receive(w, r, DOMESTIC, i, revenue)
    for b in range(len(s.bloc_code)):  # dues to common funds, in proportion to each member's defence budget
        if s.common_fund[b] == 0.0 or not blocs.live_with_members(w, r, b):
            continue
        budgets = 0.0
        for i in range(len(s.code)):
            if w.members[r, b, i]:
                budgets += s.defence_budget[i]
        budgets = budgets if budgets > 0.0 else 1.0
        for i in range(len(s.code)):
            if w.members[r, b, i]:
                dues = s.common_fund[b] / 12.0 * s.defence_budget[i] / budgets
                w.spending_abroad[r, i] += dues
                w.fund[r, b] += dues
    for k in range(len(s.partner_code)):
        allocate(s, w, r, k, p)
        w.money_total[r, k] += w.spent[r, k]
    staff_joint_forces(s, w, r, p)
    for d in range(w.dep_sender.shape[1]):  # senders pay for troops abroad and send the promised money
        i = w.dep_sender[r, d]
        if i >= 0:
            w.spending_abroad[r, i] += deployment_cost(w.dep_troops[r, d], armies.cost_per_soldier(w, r, i, p), p)
            receive(w, r, allies, w.dep_receiver[r, d], w.dep_aid[r, d])
            w.spending_abroad[r, i] += w.dep_aid[r, d]
    for i in range(len(s.code)):  # contributors pay for their troops in an intervention
        if w.intervening[r, i] > 0.0:
            w.spending_abroad[r, i] += deployment_cost(w.intervening[r, i], armies.cost_per_soldier(w, r, i, p), p)
    for i in range(len(s.code)):  # readiness; a short month counts as unpaid
        bodies = armies.troops_home(s, w, r, i) + p.auxiliary_cost_share * s.auxiliaries[i]
        upkeep = bodies * armies.cost_per_soldier(w, r, i, p) / 1e6
        w.readiness[r, i] = readiness(max(0.0, w.funds[r, i] - w.spending_abroad[r, i]), upkeep)
        w.unpaid[r, i, t % 12] = 1 if w.readiness[r, i] < p.unpaid_threshold else 0
        unpaid = 0
        for m in range(12):
            unpaid += w.unpaid[r, i, m]
        w.unpaid_share[r, i] = unpaid / 12.0
