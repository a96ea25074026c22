"""Funding rules (phase 2): readiness, partners' allocation weights and domestic revenue.

Every dollar a state receives is attributed to its source (domestic, a partner, or its allies); these rules
only compute the numbers, the agents keep the books.
"""

from __future__ import annotations

from .mathutil import clip, maximum, minimum


def alignment_match(a, b):
    """How close two orientations on the -1 (Western) ... +1 (sovereigntist) axis are: 1 same, 0 opposite."""
    d = a - b
    return 1.0 - (d if d >= 0 else -d) / 2.0 if isinstance(d, (float, int)) else 1.0 - abs(d) / 2.0


def allocation_weight(match, territory, brand, p):
    """A partner's weight for one recipient: aligned, needy and, for a bloc's brand, a member of it.

    ``match`` is :func:`alignment_match` of partner and junta; ``territory`` the share contested (need);
    ``brand`` is 1 when the recipient belongs to a bloc of the partner's orientation, else 0.
    """
    return match**p.alignment_reward * (1.0 + p.need_weight * territory) * (1.0 + p.brand_bonus * brand)


def domestic_revenue(budget_musd_year, sanctioned, relief, left_trade_bloc, p):
    """Monthly domestic defence revenue (USD M) net of sanctions and lost trade.

    ``sanctioned`` is 1 under sanctions; ``relief`` the share of sanction losses allies offset by keeping
    corridors open (AES Charter Art. 8); ``left_trade_bloc`` is 1 after leaving a free-movement bloc.
    """
    loss = p.sanction_revenue_loss * sanctioned * (1.0 - relief) + p.trade_loss_on_exit * left_trade_bloc
    return budget_musd_year / 12.0 * maximum(0.0, 1.0 - loss)


def readiness(funds_musd, upkeep_musd):
    """Share of the army's monthly upkeep that its funds cover: min(1, funds / upkeep)."""
    if isinstance(upkeep_musd, (float, int)):
        return 1.0 if upkeep_musd <= 0 else clip(funds_musd / upkeep_musd)
    return minimum(1.0, maximum(0.0, funds_musd / maximum(upkeep_musd, 1e-12)))


def security_support(personnel, p):
    """Relative gain in capacity from partner security personnel in the country."""
    return p.security_support * personnel / 1000.0


def protection(personnel, p):
    """Regime protection (0..protection_max) from a patron's personnel in the country."""
    return minimum(p.protection_max, p.protection_per_1000 * personnel / 1000.0)
