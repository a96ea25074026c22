"""Phase 6: legitimacy and army cohesion.

Legitimacy L moves toward a target L* at rate rho:
L* = sigma(a0 - a_T T - a_dT dT12 - a_d deaths + a_r rally - a_s sanctions + a_h help - a_p overdue).
Cohesion K (1 - dissidence in the ranks) moves toward its own target, lowered by deployments abroad and
unpaid months, raised by legitimacy and a patron's protection. The sovereigntist rally jumps at anti-French
or anti-ECOWAS moments and fades with a half-life.
"""

from __future__ import annotations

import numpy as np

from . import armies, blocs
from .compiled import kernel, rule
from .mathutil import clip, decay, flag, logistic, relax
from .world import NEVER


# --- Rules ------------------------------------------------------------------------------------------------------
@rule
def legitimacy_target(t, trend, deaths_per_100k, rally, sanctioned, help_received, overdue_years, at_war_abroad, p):
    """The legitimacy a regime tends to, given its security record and politics (``at_war_abroad`` 1 while its
    troops take part in an intervention)."""
    z = (
        p.legitimacy_intercept
        - p.legitimacy_territory * t
        - p.legitimacy_trend * trend
        - p.legitimacy_deaths * deaths_per_100k
        + p.legitimacy_rally * rally
        - p.legitimacy_sanctions * sanctioned
        + p.legitimacy_help * help_received
        - p.legitimacy_overdue * np.minimum(overdue_years, 3.0)
        - p.intervention_legitimacy_cost * at_war_abroad
    )
    return logistic(z)


@rule
def cohesion_target(legitimacy, share_abroad, unpaid_share, protection, p):
    """The cohesion an army tends to: paid, at home, under a legitimate and protected regime."""
    return clip(
        p.cohesion_base
        - p.cohesion_deployment_strain * share_abroad
        - p.cohesion_unpaid_strain * unpaid_share
        + p.cohesion_legitimacy * (legitimacy - 0.5)
        + p.cohesion_protection * protection
    )


@rule
def protection(personnel, p):
    """Regime protection (0..protection_max) from a patron's personnel in the country."""
    return np.minimum(p.protection_max, p.protection_per_1000 * personnel / 1000.0)


# --- Decisions and bookkeeping ----------------------------------------------------------------------------------
@kernel(inline=True)
def rally_round(w, r, i, p):
    """An anti-French or anti-ECOWAS moment: the sovereigntist rally jumps (only for such a regime)."""
    if w.alignment[r, i] > 0.0:
        w.rally[r, i] = clip(w.rally[r, i] + p.rally_jump)


@kernel(inline=True)
def overdue_years(w, r, i, month):
    """Years past the promised transition to civilian rule (0 if none was promised or not yet due)."""
    if w.civilian[r, i] or w.transition_deadline[r, i] == NEVER:
        return 0.0
    return max(0.0, (month - w.transition_deadline[r, i]) / 12.0)


@kernel(inline=True)
def territory_trend(w, r, i, t):
    """Change of territory contested over the past 12 months (after this month's fighting)."""
    return w.territory_past[r, i, t % 13] - w.territory_past[r, i, (t + 1) % 13]


@kernel(inline=True)
def patron_protection(s, w, r, i, p):
    """Protection from the personnel of regime-protecting partners (Wagner) sharing the regime's orientation."""
    aligned = 0.0
    for k in range(len(s.partner_code)):
        if s.protects_regime[k] and (s.partner_alignment[k] > 0.0) == (w.alignment[r, i] > 0.0):
            aligned += w.security_forces[r, k, i]
    return protection(aligned, p) if aligned > 0.0 else 0.0


# --- Phase 6 ----------------------------------------------------------------------------------------------------
@kernel
def update(s, w, r, t, p):
    """Each regime's legitimacy, then its army's cohesion."""
    month = s.start + t
    rally_fade = decay(p.rally_half_life)
    for i in range(len(s.code)):
        w.rally[r, i] *= rally_fade
        target = legitimacy_target(
            w.territory[r, i], territory_trend(w, r, i, t), w.deaths[r, i] / s.population[i] * 1e5,
            w.rally[r, i], flag(blocs.under_sanctions(w, r, i)), clip(w.help[r, i]),
            overdue_years(w, r, i, month), flag(w.intervening[r, i] > 0.0), p,
        )  # fmt: skip
        w.legitimacy[r, i] = clip(relax(w.legitimacy[r, i], target, p.legitimacy_adjustment))
        w.protection[r, i] = patron_protection(s, w, r, i, p)
        target = cohesion_target(
            w.legitimacy[r, i], armies.share_abroad(s, w, r, i), w.unpaid_share[r, i], w.protection[r, i], p
        )
        w.cohesion[r, i] = clip(relax(w.cohesion[r, i], target, p.cohesion_adjustment))
