"""The parameter registry: every behavioural parameter of Liptako, once, with unit, range, meaning and source.

Rules read parameters only through a :class:`Parameters` object built from this registry (never a module
constant), so that a scenario's ``[parameters]`` table, ``liptako run --set`` and sweeps all reach them.
Sources cite ``calibration.md`` where a figure comes from there; "modelling assumption" marks a value chosen
by us, often tuned so that the baseline's emergent rates land in calibration.md's bands (see docs/calibration.md).

Actors' initial values (populations, budgets, troops, who belongs to which bloc) are not parameters: they are
data in the scenario files.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

ASSUMPTION = "modelling assumption"
CALIBRATED = "modelling assumption, tuned so the baseline lands in calibration.md's bands (docs/calibration.md)"
# the source of the parameters fitted by the ABC run of 3 December 2026 (2,659 particles; docs/validation.md §5)
_ABC = "calibrated: docs/validation.md (§5, the ABC posterior median; "


@dataclass(frozen=True, slots=True)
class Parameter:
    """One registry entry: a named number with its default, unit, valid range, meaning and source."""

    name: str
    default: float
    unit: str
    low: float
    high: float
    description: str
    source: str
    group: str
    integer: bool = False

    def as_dict(self) -> dict:
        """The entry as a plain dict with the keys of ``liptako params --json``."""
        return {
            "name": self.name,
            "default": self.default,
            "unit": self.unit,
            "low": self.low,
            "high": self.high,
            "description": self.description,
            "source": self.source,
            "group": self.group,
            "integer": self.integer,
        }


def _p(name, default, unit, low, high, description, source=ASSUMPTION, *, group, integer=False):
    return Parameter(name, default, unit, low, high, description, source, group, integer)


_FUNDING = "funding"
_INSURGENCY = "insurgency"
_DEFENCE = "mutual defence"
_LEGITIMACY = "legitimacy"
_COHESION = "cohesion"
_COUPS = "coups"
_ELECTIONS = "elections"
_MEMBERSHIP = "membership"
_PARTNERS = "partners"

REGISTRY: tuple[Parameter, ...] = (
    # --- 2. Funding and readiness -------------------------------------------------------------------------
    _p("upkeep_ratio", 1.3, "ratio", 0.2, 5.0,
       "Cost of keeping a state's whole army fully ready, relative to its domestic defence budget at the "
       "start; it fixes each state's cost per soldier-month, and readiness = funds / upkeep.",
       "modelling assumption: armies run short of funds (underequipped, unpaid), so domestic budgets cover "
       "about 3/4 of full readiness; SIPRI 2023 budgets over force sizes give 1,700-5,500 USD per "
       "soldier-month (calibration.md)", group=_FUNDING),
    _p("auxiliary_cost_share", 0.25, "fraction", 0.0, 1.0,
       "Cost of one auxiliary (e.g. Burkina Faso's VDP volunteers) relative to a soldier.", group=_FUNDING),
    _p("auxiliary_effectiveness", 0.4, "fraction", 0.0, 1.0,
       "Fighting weight of one auxiliary relative to a soldier.", group=_FUNDING),
    _p("unpaid_threshold", 0.7, "fraction", 0.0, 1.0,
       "Readiness below which the army counts as unpaid that month (arrears, missing supplies).",
       group=_FUNDING),
    _p("sanction_revenue_loss", 0.25, "fraction", 0.0, 1.0,
       "Share of domestic defence revenue lost while under bloc sanctions (border closure, frozen assets).",
       "modelling assumption; ECOWAS's 2023 sanctions on Niger closed borders and froze assets "
       "(calibration.md: 'uncharacteristically strong')", group=_FUNDING),
    _p("corridor_relief", 0.5, "fraction", 0.0, 1.0,
       "Share of sanction losses that allies bound by a non-aggression and no-blockade clause (AES Charter "
       "Art. 8) offset by keeping their roads and ports open.",
       "modelling assumption; Charter Art. 8 (calibration.md)", group=_FUNDING),
    _p("trade_loss_on_exit", 0.03, "fraction", 0.0, 0.5,
       "Share of domestic revenue lost after leaving a free-movement bloc (ECOWAS's trade and mobility).",
       group=_FUNDING),
    # --- Partners ------------------------------------------------------------------------------------------
    _p("western_budget_factor", 1.0, "ratio", 0.0, 5.0,
       "Multiplier of every Western partner's Sahel budget (alignment below zero: France, the EU, the USA).",
       "modelling assumption: a lever for sweeps; the budgets themselves are scenario data", group=_PARTNERS),
    _p("nonwestern_budget_factor", 1.0, "ratio", 0.0, 5.0,
       "Multiplier of every non-Western partner's Sahel budget (Russia, Türkiye, ...).",
       "modelling assumption: a lever for sweeps; the budgets themselves are scenario data", group=_PARTNERS),
    _p("budget_elasticity", 1.0, "exponent", 0.0, 3.0,
       "How closely a partner's Sahel spending follows its opportunities: it spends min(1, (W / W0) ** this) "
       "of its budget, W the summed allocation weight of its eligible clients (alignment, need, brand) and W0 "
       "the most it has been; 0 spends the whole budget whatever happens.",
       "modelling assumption: France ended Barkhane after its expulsions from Mali and Burkina Faso (2022-23) "
       "instead of respending the money on its other clients; Russia's Africa Corps grew with the juntas that "
       "invited it (calibration.md, seed article)", group=_PARTNERS),
    _p("alignment_reward", 2.0, "exponent", 0.0, 6.0,
       "How strongly partners favour aligned recipients: weight = alignment match to this power.",
       group=_PARTNERS),
    _p("need_weight", 1.0, "1", 0.0, 5.0,
       "How strongly partners favour needy recipients: weight x (1 + this x territory contested).",
       group=_PARTNERS),
    _p("brand_bonus", 0.5, "1", 0.0, 3.0,
       "Extra weight a partner gives a member of a bloc that shares its orientation: the alliance as a "
       "'shell' or 'brand' for attracting funding.",
       "modelling assumption; seed article ('a kind of shell or brand for attracting international "
       "security funding from non-Western partners')", group=_PARTNERS),
    _p("invite_match", 0.75, "fraction", 0.5, 1.0,
       "Alignment match a regime and a partner need before the regime invites the partner in.", group=_PARTNERS),
    _p("expel_threshold", 0.5, "alignment", 0.0, 1.0,
       "A junta whose alignment exceeds this may expel partners of the opposite orientation.",
       "modelling assumption; France was ordered out of Mali (2022), Burkina Faso (2023) and Niger (2023) "
       "by sovereigntist juntas (calibration.md)", group=_PARTNERS),
    _p("expel_rate", 0.15, "per month", 0.0, 1.0,
       "Monthly probability that such a junta expels one such partner.", group=_PARTNERS),
    _p("invite_rate", 0.05, "per month", 0.0, 1.0,
       "Monthly probability that a junta aligned with a security partner invites its forces in "
       "(Wagner, later Africa Corps).",
       "modelling assumption; Wagner in Mali since late 2021 (calibration.md)", group=_PARTNERS),
    _p("deployment_size", 500.0, "personnel", 0.0, 5000.0,
       "Security personnel a partner sends when invited (bounded by its pool).",
       "modelling assumption; Wagner in Mali ~1,000-1,500 (calibration.md, approximate)", group=_PARTNERS),
    _p("security_support", 0.15, "per 1,000 personnel", 0.0, 2.0,
       "Relative gain in state capacity per 1,000 partner security personnel deployed.", group=_PARTNERS),
    _p("protection_per_1000", 0.3, "per 1,000 personnel", 0.0, 2.0,
       "Regime protection per 1,000 patron security personnel (guards against coups).", group=_PARTNERS),
    _p("protection_max", 0.6, "fraction", 0.0, 1.0,
       "Upper bound on a patron's regime protection.", group=_PARTNERS),
    _p("aid_suspension_months", 12.0, "months", 0.0, 120.0,
       "Months a conditional partner suspends aid after a coup that brings a Western-leaning junta to power "
       "(for a sovereigntist junta the suspension lasts while it stays so).", group=_PARTNERS, integer=True),
    # --- 3. Insurgency -------------------------------------------------------------------------------------
    _p("force_multiplier", 4.0, "soldiers per fighter", 0.5, 20.0,
       "Weight of one insurgent fighter against one soldier (asymmetric warfare).", CALIBRATED,
       group=_INSURGENCY),
    _p("territory_growth", 0.08, "per month", 0.0, 0.5,
       "Rate at which armed groups gain territory when they hold the balance of force (g).",
       "calibrated by hand: docs/validation.md (§4, 4 December): Burkina Faso's territory contested from about "
       "0.05 in 2017 to over 0.40 in 2022 (pattern g5-bfa-territory; 0.24 at the earlier 0.05, 0.41 now), "
       "with the armed groups' ceiling below", group=_INSURGENCY),
    _p("territory_rollback", 0.06, "per month", 0.0, 0.5,
       "Rate at which state forces retake territory when they hold the balance of force and reach the whole "
       "ground (r).", CALIBRATED, group=_INSURGENCY),
    _p("reach_density", 1.0, "soldiers per 1,000 people", 0.05, 20.0,
       "Density of state forces (capacity in soldier-equivalents per 1,000 inhabitants) at which they reach "
       "half the ground: rollback and attrition scale with density / (density + reach_density).",
       "modelling assumption; counter-insurgency doctrine asks 20-25 per 1,000 (Quinlivan 1995; FM 3-24), "
       "Sahel armies hold 0.5-1.5 per 1,000 (troop figures in calibration.md)", group=_INSURGENCY),
    _p("spillover", 0.02, "per month", 0.0, 0.2,
       "Rate at which contested territory spills across a border, per unit of a neighbour's contested share "
       "weighted by the armed groups' share of force there (s).",
       "modelling assumption; the spread of jihadist violence to Benin, Togo and Ghana (seed article)",
       group=_INSURGENCY),
    _p("common_space_effect", 0.3, "fraction", 0.0, 1.0,
       "Reduction of spillover between members of a bloc with a mutual-defence clause, for joint "
       "counter-terrorism in the common space (AES Charter Art. 4), scaled by the clause's strength.",
       "modelling assumption; Charter Art. 4 (calibration.md)", group=_INSURGENCY),
    _p("recruitment", 0.055, "per month", 0.0, 0.3,
       "Monthly growth of an armed group's fighters at full grievance (hardship x (1 - legitimacy)).",
       "modelling assumption; grievance after Epstein 2002 (calibration.md)", group=_INSURGENCY),
    _p("base_hardship", 0.2, "fraction", 0.0, 1.0,
       "Hardship that feeds grievance even where there is no fighting (poverty, neglect of the periphery).",
       "modelling assumption; hardship in Epstein 2002's grievance (calibration.md)", group=_INSURGENCY),
    _p("victimisation", 0.3, "hardship per death/100k/month", 0.0, 2.0,
       "Hardship added to grievance per monthly conflict death per 100,000 inhabitants: the kin and "
       "neighbours of the killed join the armed groups, so violence breeds recruits.",
       "UNDP 2017, Journey to Extremism in Africa: 71% of recruits named government action, such as the "
       "killing or arrest of a relative, as what made them join; strength a modelling assumption",
       group=_INSURGENCY),
    _p("attrition", 0.05, "per month", 0.0, 0.3,
       "Monthly share of fighters lost when state forces hold the balance of force and reach the whole "
       "ground.", group=_INSURGENCY),
    _p("fighter_spread", 0.01, "per month", 0.0, 0.2,
       "Monthly share of fighters that move across a border toward weaker neighbours.", group=_INSURGENCY),
    _p("fighters_per_million", 500.0, "fighters per million people", 10.0, 20000.0,
       "Ceiling on an armed group's fighters in a state, per million inhabitants.",
       "calibrated by hand: docs/validation.md (§4, 4 December): JNIM had about 6,000-7,000 fighters and "
       "Islamic State Sahel 2,000-3,000 in 2023 across Mali, Burkina Faso and Niger (calibration.md); at the "
       "earlier 1,500 a million the G5 runs grew to 14,500 fighters in Mali alone by 2023; 500 a million still "
       "lets one group reach 11,500 in Mali", group=_INSURGENCY),
    _p("operating_threshold", 50.0, "fighters", 1.0, 1000.0,
       "Fighters from which an armed group counts as operating in a state (and can spread further from it).",
       group=_INSURGENCY),
    _p("offensive_min_fighters", 100.0, "fighters", 1.0, 5000.0,
       "Fighters an armed group needs in a state to mount a major offensive.", group=_INSURGENCY),
    _p("offensive_intensity", 2.0, "ratio", 1.0, 5.0,
       "Multiplier of a month's conflict deaths during a major offensive or an external intervention.",
       group=_INSURGENCY),
    _p("lethality", 0.1, "deaths per combatant-month", 0.0, 1.0,
       "Conflict deaths per combatant per month at the most contested point (T = 1/2 gives T(1-T) = 1/4).",
       "calibrated to 11,643 deaths in the Sahel in 2023 (Africa Center/ACLED, calibration.md)",
       group=_INSURGENCY),
    _p("displaced_per_death", 20.0, "persons", 0.0, 500.0,
       "People displaced per conflict death.", group=_INSURGENCY),
    _p("displaced_per_territory", 0.5, "fraction", 0.0, 1.0,
       "Share of the population of newly contested territory that flees.", group=_INSURGENCY),
    _p("return_rate", 0.01, "per month", 0.0, 0.2,
       "Monthly share of the displaced who return home, scaled by the share of territory not contested.",
       group=_INSURGENCY),
    _p("offensive_rate", 0.12, "per month", 0.0, 1.0,
       "Monthly probability of a major offensive where armed groups hold the whole balance of force "
       "(scaled by their share of it).", CALIBRATED, group=_INSURGENCY),
    _p("offensive_territory", 0.03, "fraction", 0.0, 0.3,
       "Share of territory that changes hands in a major offensive or an external intervention's month.",
       group=_INSURGENCY),
    _p("intervention_rate", 0.01, "per month", 0.0, 1.0,
       "Monthly probability, per unit of a bloc's intervention threat, that it intervenes militarily in a "
       "state it sanctions.",
       "modelling assumption; ECOWAS activated its standby force against Niger in Aug 2023 but did not "
       "intervene (calibration.md)", group=_INSURGENCY),
    _p("intervention_troops", 5000.0, "troops", 100.0, 100000.0,
       "Troops of an intervention when neither the event nor the bloc says how many.", group=_INSURGENCY),
    _p("intervention_lethality", 0.1, "fraction", 0.0, 1.0,
       "Share of an intervening army counted as combatants in the month's death toll (as fighters are).",
       group=_INSURGENCY),
    _p("intervention_success", 0.3, "per month", 0.0, 1.0,
       "Monthly probability that an intervention overthrows the junta it targets when its force holds the whole "
       "balance (scaled by the force's share of force against the target's capacity); then an elected "
       "civilian government is restored.",
       "modelling assumption; ECOWAS's ECOMIG made Jammeh leave the Gambia in Jan 2017 within days "
       "(calibration.md); its Niger threat of 2023 was never carried out", group=_INSURGENCY),
    _p("intervention_legitimacy_cost", 0.3, "log-odds", 0.0, 5.0,
       "Loss of legitimacy target of a state whose troops take part in an intervention abroad (an unpopular "
       "war: Nigeria's senate opposed sending troops to Niger in 2023).",
       "modelling assumption; Nigerian senate's rejection of military action in Niger (Aug 2023, press)",
       group=_LEGITIMACY),
    _p("intervention_months", 6.0, "months", 1.0, 36.0,
       "Duration of an external military intervention.", group=_INSURGENCY, integer=True),
    # --- 4-5. Calls for help and responses ---------------------------------------------------------------
    _p("honour_intercept", -3.0, "log-odds", -6.0, 6.0,
       "Baseline log-odds that an ally honours a call for help.", CALIBRATED, group=_DEFENCE),
    _p("honour_commitment", 3.0, "log-odds per unit", 0.0, 10.0,
       "Effect of the ally's commitment to the bloc on honouring.", CALIBRATED, group=_DEFENCE),
    _p("honour_home_threat", 2.5, "log-odds per unit", 0.0, 10.0,
       "Effect of the ally's own territory contested (security at home) against honouring.", group=_DEFENCE),
    _p("honour_reciprocity", 1.0, "log-odds per unit", 0.0, 10.0,
       "Effect of the requester's record of honouring the ally's calls.",
       "modelling assumption; reciprocity in alliance reliability (Leeds, Long & Mitchell 2000)",
       group=_DEFENCE),
    _p("honour_readiness", 2.0, "log-odds per unit", 0.0, 10.0,
       "Effect of the ally's readiness (funds over upkeep) on honouring: an unfunded army cannot go.",
       "modelling assumption; seed article ('if the AES cannot attract external funding, its efforts to "
       "mutualize defence commitments may not be realizable')", group=_DEFENCE),
    _p("deployment_share", 0.05, "fraction", 0.0, 0.5,
       "Share of its troops at home an ally sends when it honours a call.", group=_DEFENCE),
    _p("deployment_months", 6.0, "months", 1.0, 36.0,
       "How long a deployment in answer to a call lasts.", group=_DEFENCE, integer=True),
    _p("deployment_cost", 1.5, "multiple of upkeep", 1.0, 5.0,
       "Cost of a soldier abroad relative to one at home, paid by the sender.", group=_DEFENCE),
    _p("ally_aid_share", 0.02, "fraction", 0.0, 0.3,
       "Share of its monthly funds an honouring ally sends as money for the deployment's duration.",
       group=_DEFENCE),
    # --- 6. Legitimacy -------------------------------------------------------------------------------------
    _p("legitimacy_intercept", 0.6, "log-odds", -5.0, 5.0,
       "Log-odds of the legitimacy target with no insecurity, rally, sanctions or broken promises.",
       CALIBRATED, group=_LEGITIMACY),
    _p("legitimacy_territory", 1.5, "log-odds per unit", 0.0, 10.0,
       "Loss of legitimacy target per unit of territory contested.", group=_LEGITIMACY),
    _p("legitimacy_trend", 8.0, "log-odds per unit", 0.0, 50.0,
       "Loss of legitimacy target per unit rise of territory contested over the past 12 months.",
       "modelling assumption; after Epstein 2002, a sudden loss weighs more than a gradual one "
       "(calibration.md)", group=_LEGITIMACY),
    _p("legitimacy_deaths", 0.15, "log-odds per death/100k/month", 0.0, 5.0,
       "Loss of legitimacy target per monthly conflict death per 100,000 inhabitants.", group=_LEGITIMACY),
    _p("legitimacy_rally", 1.5, "log-odds per unit", 0.0, 10.0,
       "Gain of legitimacy target from the sovereigntist rally (against France and ECOWAS).",
       "modelling assumption; 'real popular frustration with the failures of international intervention' "
       "(seed article)", group=_LEGITIMACY),
    _p("legitimacy_sanctions", 0.8, "log-odds", 0.0, 5.0,
       "Loss of legitimacy target while under sanctions (economic pain).", group=_LEGITIMACY),
    _p("legitimacy_help", 0.5, "log-odds per unit", 0.0, 5.0,
       "Gain of legitimacy target per unit of allied help received (a count of honoured answers that fades with "
       "help_half_life, capped at 1).",
       group=_LEGITIMACY),
    _p("help_half_life", 6.0, "months", 1.0, 60.0,
       "Half-life of the memory of allied help received (it feeds legitimacy and commitment).", group=_LEGITIMACY),
    _p("legitimacy_overdue", 0.6, "log-odds per year", 0.0, 5.0,
       "Loss of legitimacy target per year a promised transition to civilian rule is overdue (capped at 3).",
       group=_LEGITIMACY),
    _p("legitimacy_adjustment", 0.1, "per month", 0.01, 1.0,
       "Share of the gap to its target that legitimacy closes each month.", group=_LEGITIMACY),
    _p("rally_half_life", 12.0, "months", 1.0, 120.0,
       "Half-life of the sovereigntist rally.", group=_LEGITIMACY),
    _p("rally_jump", 0.4, "fraction", 0.0, 1.0,
       "Rise of the rally at an anti-French or anti-ECOWAS moment (expulsion, sanctions, intervention).",
       group=_LEGITIMACY),
    _p("coup_legitimacy_change", -0.05, "fraction", -0.5, 0.5,
       "Legitimacy of a new junta relative to the regime it overthrew, on the day it takes power: no better "
       "on average; the popular support some coups draw comes as the sovereigntist rally (phase 6).",
       "modelling assumption: a new junta does not start more legitimate than its predecessor (issue 8); "
       "coups in Mali, Burkina Faso and Niger drew popular support (seed article)", group=_LEGITIMACY),
    _p("estrangement", 0.1, "per month", 0.0, 0.5,
       "Monthly move of a junta's alignment toward the sovereigntist end, per unit of Western pressure "
       "(bloc sanctions, or the share of its conditional partners suspending aid or expelled).",
       "modelling assumption; Mali (2021-22), Burkina Faso (2022-23) and Niger (2023) turned from France "
       "toward Russia after ECOWAS sanctions and Western aid suspensions (calibration.md, seed article)",
       group=_PARTNERS),
    _p("transition_months", 24.0, "months", 0.0, 120.0,
       "Months a new junta promises until a transition to civilian rule.", group=_LEGITIMACY, integer=True),
    # --- 7. Elections and transitions ----------------------------------------------------------------------
    _p("term_months", 60.0, "months", 12.0, 120.0,
       "Months between a civilian government's elections (when a scenario gives no next_election).",
       "modelling assumption: four- and five-year terms in the region (Nigeria, Ghana 4; Senegal, Mali, "
       "Burkina Faso, Niger, Benin 5)", group=_ELECTIONS, integer=True),
    _p("term_limit", 2.0, "terms", 1.0, 10.0,
       "Full terms a civilian leader may serve (10: in effect no limit); after them the ruling party stands with a new "
       "leader, whose entrenchment against coups starts again.",
       "modelling assumption: two-term limits in most of the region's constitutions, kept in Niger 2021 "
       "(Issoufou to Bazoum), Mauritania 2019, Nigeria 2023, Senegal 2024 (not in Togo or Côte d'Ivoire)",
       group=_ELECTIONS, integer=True),
    _p("incumbent_advantage", 1.0, "log-odds", -5.0, 5.0,
       "Log-odds that a civilian incumbent (or its party) wins an election at legitimacy 1/2.",
       "modelling assumption: most incumbents and ruling parties in the region kept office (Mali 2018, "
       "Burkina Faso 2020, Niger 2021, Nigeria 2019 and 2023), some lost (Nigeria 2015, Senegal 2024, "
       "Ghana 2024)", group=_ELECTIONS),
    _p("election_legitimacy", 4.0, "log-odds per unit", 0.0, 20.0,
       "Rise of the incumbent's log-odds of winning per unit of legitimacy above 1/2.", group=_ELECTIONS),
    _p("mandate_legitimacy", 0.6, "fraction", 0.0, 1.0,
       "Legitimacy of a newly elected government (a re-elected one moves halfway to it).", group=_ELECTIONS),
    _p("transition_rate", 0.01, "per month", 0.0, 1.0,
       "Monthly probability that a junta past its promised transition holds the election it promised "
       "(otherwise it extends its rule, losing legitimacy for each year overdue).",
       "modelling assumption: the juntas of Mali, Burkina Faso and Niger extended their transitions by years "
       "(2024-25, press); Chad's held its election in 2024, three years after taking power", group=_ELECTIONS),
    _p("junta_leader_wins", 0.7, "probability", 0.0, 1.0,
       "Probability that a junta's leader stands in its transition election and wins it (else an elected "
       "civilian takes over).",
       "modelling assumption: Chad 2024 (Mahamat Déby elected); Mauritania 2009 (Abdel Aziz elected after "
       "his 2008 coup)", group=_ELECTIONS),
    # --- Cohesion ------------------------------------------------------------------------------------------
    _p("cohesion_base", 0.75, "fraction", 0.0, 1.0,
       "Cohesion target of an army at peace with itself: paid, at home, with a legitimate government.",
       group=_COHESION),
    _p("cohesion_deployment_strain", 2.0, "per share abroad", 0.0, 20.0,
       "Fall of the cohesion target per unit share of the army deployed abroad.",
       "modelling assumption; seed article ('even small deployments of troops overseas place strain on "
       "the capacities of armies like Burkina Faso's, and cause dissidence within the ranks')",
       group=_COHESION),
    _p("cohesion_unpaid_strain", 0.3, "per year unpaid", 0.0, 2.0,
       "Fall of the cohesion target per year of unpaid months (counted over the last 12).", group=_COHESION),
    _p("cohesion_legitimacy", 0.3, "per unit", 0.0, 2.0,
       "Effect of the regime's legitimacy (around 1/2) on its army's cohesion target.", group=_COHESION),
    _p("cohesion_protection", 0.2, "per unit", 0.0, 2.0,
       "Rise of the cohesion target with a patron's protection.", group=_COHESION),
    _p("cohesion_adjustment", 0.1, "per month", 0.01, 1.0,
       "Share of the gap to its target that cohesion closes each month.", group=_COHESION),
    _p("coup_attempt_shock", 0.1, "fraction", 0.0, 1.0,
       "Fall of cohesion after a failed coup attempt (split ranks, purges); after a successful one the "
       "winners command the army.", group=_COHESION),
    # --- 7. Coups ------------------------------------------------------------------------------------------
    _p("coup_base_hazard", 0.011, "per month", 0.0, 0.2,
       "Monthly coup-attempt hazard of a regime at the reference legitimacy and cohesion, with no coup trap.",
       "calibrated against the coup patterns of data/patterns.toml (Powell & Thyne rates by regime and coup "
       "history; `liptako patterns`, docs/validation.md)",
       group=_COUPS),
    _p("coup_legitimacy_effect", 1.5, "log-hazard per unit", 0.0, 10.0,
       "Rise of log-hazard per unit of legitimacy below the reference.",
       "calibrated: with 3.0 some state had 4 or more successful coups in a decade in 9-14% of baseline runs "
       "(runaway-coups pattern, band 0-5%)", group=_COUPS),
    _p("coup_cohesion_effect", 1.5, "log-hazard per unit", 0.0, 10.0,
       "Rise of log-hazard per unit of cohesion below the reference.",
       "calibrated: with 3.0 some state had 4 or more successful coups in a decade in 9-14% of baseline runs "
       "(runaway-coups pattern, band 0-5%)", group=_COUPS),
    _p("coup_insecurity_effect", 7.08, "log-hazard", 0.0, 10.0,
       "Rise of a civilian government's log-hazard in a deadly war, at most: b I(V), I(V) = V^n / (V^n + "
       "V_half^n) for V monthly conflict deaths per 100,000 inhabitants. Officers frustrated by a losing war "
       "turn on the politicians (Mali 2012 and 2020, Burkina Faso 2022); a junta owns its war.",
       "seed article ('concerns over mounting insecurity and frustrations with the political class drove "
       "support for the coup'); " + _ABC + "90% interval 3.6-9.7)",
       group=_COUPS),
    _p("coup_insecurity_deaths", 0.5, "deaths per 100,000 per month", 0.01, 10.0,
       "V_half: the monthly conflict deaths per 100,000 inhabitants at which the insecurity effect on a "
       "civilian government's coup hazard is half its maximum.",
       "calibrated by hand: docs/validation.md (top, 6 December): once the G5 scenario's Mali insurgency was "
       "brought down to the record's share of the deaths, the earlier ABC median 0.807 set coups off at about "
       "twice the tolls that preceded Mali's and Burkina Faso's; the tenth ABC run, on today's model, puts the "
       "median at 0.43, 90% interval 0.09-1.21 (about Mali's toll in 2019-2020)", group=_COUPS),
    _p("coup_insecurity_memory", 15.0, "years", 0.0, 60.0,
       "Years after a coup attempt during which officers still turn on a civilian government over a losing war: "
       "with no attempt for longer (or none on record) the insecurity term is off, however deadly the war.",
       "modelling assumption from the record's cases (calibration.md and the Powell & Thyne list): the coups at "
       "war of Mali 2020, Burkina Faso 2022 and Niger 2021 and 2023 came 8, 6, 11 and 2 years after an attempt; "
       "Nigeria's war of 2009-2019, 16 years after its last, brought none; the coast's armies have none on record",
       group=_COUPS),
    _p("coup_insecurity_shape", 2.40, "exponent", 0.5, 6.0,
       "Shape n of the insecurity term V^n / (V^n + V_half^n): 1 a saturating curve, above 1 a threshold (little "
       "effect of sporadic violence, most of it once the toll nears V_half).",
       _ABC + "90% interval 0.6-5.8)", group=_COUPS),
    _p("coup_deployment_effect", 5.0, "log-hazard per share abroad", 0.0, 30.0,
       "Rise of log-hazard per unit share of the army abroad.",
       "modelling assumption; seed article (deployments cause dissidence within the ranks)", group=_COUPS),
    _p("coup_unpaid_effect", 1.0, "log-hazard per year unpaid", 0.0, 5.0,
       "Rise of log-hazard per year of unpaid months (counted over the last 12).", group=_COUPS),
    _p("legitimacy_reference", 0.5, "fraction", 0.0, 1.0,
       "Legitimacy at which the hazard equals the base hazard.", group=_COUPS),
    _p("cohesion_reference", 0.7, "fraction", 0.0, 1.0,
       "Cohesion at which the hazard equals the base hazard.", group=_COUPS),
    _p("coup_trap_multiplier", 2.0, "ratio", 1.0, 8.0,
       "Multiplier of the hazard just after a coup attempt (the coup trap), m in 1 + (m - 1) exp(-t/tau).",
       "calibrated against the Powell & Thyne coup-trap rates (16.2% a year with an attempt in the prior five "
       "years, 2.44% without, West Africa 2000-2019; calibration.md) together with entrenchment; Ulfelder "
       "(~2012), Londregan & Poole 1990", group=_COUPS),
    _p("coup_trap_months", 30.0, "months", 1.0, 240.0,
       "Decay time tau of the coup trap.",
       "modelling assumption; with tau = 30 the trap has mostly faded after five years (Ulfelder ~2012)",
       group=_COUPS),
    _p("entrenchment_max", 0.5, "fraction", 0.0, 0.95,
       "How much of its coup hazard a regime in power for many years has removed by coup-proofing (loyal "
       "units, purges, patronage, a consolidated mandate): the hazard is multiplied by 1 - e(t), e(t) = this "
       "x (1 - exp(-t / entrenchment_months)) for t months in power.",
       "Little 2017 (regimes that survive their first years become self-enforcing; calibration.md); "
       "strength calibrated against the runaway-coups pattern (docs/validation.md)", group=_COUPS),
    _p("entrenchment_months", 36.0, "months", 1.0, 240.0,
       "Time scale of a regime's entrenchment against coups.", group=_COUPS),
    _p("coup_hazard_cap", 0.5, "per month", 0.05, 1.0,
       "Upper bound on a regime's monthly hazard of a coup attempt, however weak it is.",
       "modelling assumption: a monthly hazard above one half would mean a coup nearly every other month",
       group=_COUPS),
    _p("civilian_hazard_factor", 0.20, "ratio", 0.0, 2.0,
       "Hazard of a civilian government relative to a junta with the same legitimacy and cohesion.",
       "calibrated by hand after the ABC of docs/validation.md §5 (0.25 puts attempts-without-prior at 4.3%, "
       "out of its band): established civilian governments attempt under 3.75% a year (0 attempts in 80 "
       "country-years, Ghana, Senegal, Nigeria, Benin 2000-2019; calibration.md); regimes that survive "
       "their first years become self-enforcing (Little 2017)",
       group=_COUPS),
    _p("coup_contagion", 0.0, "log-hazard", 0.0, 3.0,
       "Rise of log-hazard in the months after a successful coup in a neighbouring state (decays with the "
       "coup trap's time).",
       "Miller, Joseph & Ohl 2018: weak or none in robust tests, hence 0 (calibration.md)", group=_COUPS),
    _p("coup_success_intercept", -0.9, "log-odds", -6.0, 6.0,
       "Log-odds that an attempt succeeds against a fully cohesive, fully legitimate, unprotected regime.",
       "calibrated so about half of attempts succeed: Powell & Thyne 47% in West Africa 2000-2019, 106 of 214 in "
       "Africa (calibration.md; success-share pattern; -1.1 until the armed groups' ceiling of 4 December, which "
       "left the share at 0.35; -1.0 until the insecurity term's memory of 6 December, which left it at 0.355; "
       "-0.8 would put runaway-coups at 4.1%)",
       group=_COUPS),
    _p("coup_success_cohesion", 1.0, "log-odds per unit", 0.0, 10.0,
       "Rise of the success log-odds per unit of lost cohesion (1 - K).", group=_COUPS),
    _p("coup_success_legitimacy", 1.0, "log-odds per unit", 0.0, 10.0,
       "Rise of the success log-odds per unit of lost legitimacy (1 - L).", group=_COUPS),
    _p("coup_success_protection", 3.0, "log-odds per unit", 0.0, 10.0,
       "Fall of the success log-odds per unit of a patron's protection.", group=_COUPS),
    _p("alignment_drift", 0.2, "alignment", 0.0, 1.0,
       "Standard deviation of a new junta's alignment around its predecessor's.", group=_COUPS),
    _p("alignment_flip", 0.2, "probability", 0.0, 1.0,
       "Probability that a successful coup turns the regime's orientation around (a counter-coup).",
       group=_COUPS),
    _p("sovereigntist_turn", 1.0, "alignment per unit territory", 0.0, 3.0,
       "Shift toward the sovereigntist end of a new junta's alignment, per unit of territory contested at the "
       "coup: officers who take power amid insecurity ride frustration with foreign intervention.",
       "modelling assumption; seed article ('real popular frustration with the failures of international "
       "intervention')", group=_COUPS),
    # --- 8. Commitment and membership ----------------------------------------------------------------------
    _p("commitment_intercept", 0.0, "log-odds", -6.0, 6.0,
       "Log-odds of the commitment target with no alignment match, threat, trade, help or burden.",
       group=_MEMBERSHIP),
    _p("commitment_alignment", 3.0, "log-odds per unit", 0.0, 10.0,
       "Effect of the match between a member's alignment and its bloc's on commitment (from -1, opposite, to +1, "
       "the same).",
       "modelling assumption; alliances end after regime change and new outside alignments "
       "(Leeds & Savun 2007, calibration.md)", group=_MEMBERSHIP),
    _p("commitment_threat", 2.0, "log-odds per unit", 0.0, 10.0,
       "Effect of a shared threat (insurgency at home, a bloc's coercion of a fellow member) on commitment "
       "to a mutual-defence bloc: balance of threat.", group=_MEMBERSHIP),
    _p("commitment_help", 1.0, "log-odds per unit", 0.0, 10.0,
       "Effect of help received from the bloc in the past year on commitment.", group=_MEMBERSHIP),
    _p("commitment_burden", 3.0, "log-odds per unit", 0.0, 20.0,
       "Effect of troops sent abroad without help in return (share of the army) against commitment.",
       group=_MEMBERSHIP),
    _p("suspension_pressure", 0.5, "fraction", 0.0, 1.0,
       "Weight of a bloc's suspension of a member, relative to sanctions, against the member's commitment.",
       group=_MEMBERSHIP),
    _p("commitment_trade", 0.8, "log-odds", 0.0, 5.0,
       "Effect of a bloc's free movement and trade on commitment.",
       "modelling assumption; ECOWAS gives 90 days visa-free travel (seed article)", group=_MEMBERSHIP),
    _p("commitment_sanctions", 2.5, "log-odds", 0.0, 10.0,
       "Effect of being sanctioned by the bloc against commitment to it.", group=_MEMBERSHIP),
    _p("commitment_coercion", 1.5, "log-odds per unit", 0.0, 10.0,
       "Effect of the bloc's intervention threat against a member it sanctions on that member's commitment.",
       group=_MEMBERSHIP),
    _p("commitment_rally", 1.0, "log-odds per unit", 0.0, 10.0,
       "Effect of the sovereigntist rally on commitment to a bloc of sovereigntist orientation.",
       group=_MEMBERSHIP),
    _p("commitment_age", 0.03, "log-odds per year", 0.0, 1.0,
       "Yearly erosion of commitment as the alliance ages.",
       "modelling assumption; dissolution hazard rises with age (Bennett 1997, calibration.md)",
       group=_MEMBERSHIP),
    _p("commitment_rival", 5.26, "log-odds", 0.0, 10.0,
       "Loss of a member's commitment target to a bloc while it also belongs to a bloc of the opposite "
       "orientation that matches its own orientation better.",
       _ABC + "90% interval 0.5-9.5: weakly identified); Burkina Faso and Niger left the Western-funded G5 "
       "Sahel within three months of founding the AES (Sep to Nov-Dec 2023, calibration.md)", group=_MEMBERSHIP),
    _p("commitment_adjustment", 0.2, "per month", 0.01, 1.0,
       "Share of the gap to its target that commitment closes each month.",
       "calibrated against the G5 exits' lags (calibration.md's table: Mali left 21 months after its first coup, "
       "Burkina Faso 23 after its first and 15 after its second, Niger 5): at 0.2 the G5 runs' median lags are "
       "24, 15 and 13 months (at 0.1: 31, 20 and 13; docs/validation.md §4)", group=_MEMBERSHIP),
    _p("exit_threshold", 0.3, "fraction", 0.0, 1.0,
       "Commitment below which a member starts to weigh leaving.", group=_MEMBERSHIP),
    _p("dissolution_share", 0.5, "fraction", 0.0, 1.0,
       "A bloc's remaining members dissolve it when fewer than this share of the most members it has had are "
       "left (with fewer than two it is dissolved in any case).",
       "the G5 Sahel: dissolved by Chad and Mauritania in Dec 2023 once Mali, Burkina Faso and Niger had left, "
       "2 of 5 (calibration.md)", group=_MEMBERSHIP),
    _p("exit_patience", 4.0, "months", 1.0, 60.0,
       "Consecutive months below the exit threshold before a member gives notice.", group=_MEMBERSHIP,
       integer=True),
    _p("accession_rate", 0.02, "per month", 0.0, 1.0,
       "Monthly probability that a neighbour of a bloc's members whose commitment target to it is high applies "
       "to join.",
       group=_MEMBERSHIP),
    _p("accession_threshold", 0.9, "fraction", 0.0, 1.0,
       "Commitment target above which a non-member may apply to join a bloc (Charter Art. 11).",
       group=_MEMBERSHIP),
    _p("founding_rate", 0.416, "per month", 0.0, 1.0,
       "Monthly chance that two or more neighbouring juntas drawn to a latent pact (commitment target above "
       "the accession threshold) found it.",
       _ABC + "90% interval 0.05-0.89: weakly identified; the record's year from Burkina Faso's second coup, "
       "Sep 2022, to the Liptako-Gourma Charter, Sep 2023, would suggest about 0.08)", group=_MEMBERSHIP),
    _p("vote_alignment", 4.0, "log-odds per unit", 0.0, 10.0,
       "Effect of alignment match between a member and a candidate on the member's vote to admit it.",
       group=_MEMBERSHIP),
    _p("sanction_months", 8.0, "months", 0.0, 120.0,
       "How long a bloc's sanctions after a coup last (suspension lasts while the junta rules).",
       "modelling assumption; ECOWAS sanctions on Niger (Jul 2023) were the strongest in its history "
       "(calibration.md); their length is not given there", group=_MEMBERSHIP, integer=True),
    _p("threat_half_life", 6.0, "months", 1.0, 120.0,
       "Half-life of a bloc's intervention threat once made.", group=_MEMBERSHIP),
)  # fmt: skip

BY_NAME: MappingProxyType[str, Parameter] = MappingProxyType({p.name: p for p in REGISTRY})
DEFAULTS: MappingProxyType[str, float] = MappingProxyType({p.name: p.default for p in REGISTRY})
INDEX: MappingProxyType[str, int] = MappingProxyType({p.name: i for i, p in enumerate(REGISTRY)})

# The values of every parameter as the compiled rules read them (``p.coup_base_hazard``): one float per name, in
# registry order. The engine keeps one row of values per replication and builds this tuple from it each month.
Params = namedtuple("Params", list(BY_NAME))


def values_row(overrides: Mapping[str, float] | None = None) -> np.ndarray:
    """Every parameter's value as a float array in registry order: the defaults, then ``overrides`` (checked)."""
    row = np.array([p.default for p in REGISTRY], dtype=np.float64)
    for name, value in (overrides or {}).items():
        row[INDEX[name]] = check_value(name, value)
    return row


def parameters(overrides: Mapping[str, float] | None = None) -> Params:
    """Every parameter's value as a :data:`Params` tuple: the defaults, then ``overrides`` (names and ranges
    checked, :class:`ValueError` naming what is allowed). Rules read it as ``p.coup_base_hazard``."""
    return Params(*values_row(overrides).tolist())


def as_dict(values: Params | np.ndarray) -> dict[str, float | int]:
    """Parameter values by name, in registry order, whole numbers as ``int``."""
    row = values if isinstance(values, Params) else values.tolist()
    return {p.name: int(v) if p.integer else float(v) for p, v in zip(REGISTRY, row, strict=True)}


# Combinations of values that make no sense together, each with the reason. The classroom app refuses them;
# the model itself runs any values in range (a sweep may cross these lines on purpose).
CONSTRAINTS: tuple[tuple[str, str, str], ...] = (
    ("exit_threshold", "accession_threshold",
     "a state admitted with commitment at the accession threshold would at once count as wanting to leave"),
)  # fmt: skip


def check_consistency(values: dict[str, float]) -> None:
    """Raise ValueError if ``values`` break a constraint: for each (a, b, why), a must be below b."""
    for low, high, why in CONSTRAINTS:
        if not values[low] < values[high]:
            raise ValueError(f"{low} = {values[low]:g} must be below {high} = {values[high]:g}: {why}")


def check_value(name: str, value) -> float:
    """Return ``value`` as the parameter's type if ``name`` is known and ``value`` lies in its range."""
    if name not in BY_NAME:
        raise ValueError(f"unknown parameter {name!r}; valid names: {', '.join(BY_NAME)}")
    spec = BY_NAME[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"parameter {name!r} takes a number, not {value!r}")
    if value != value or not spec.low <= value <= spec.high:
        raise ValueError(f"parameter {name!r} = {value} is outside its range [{spec.low}, {spec.high}]")
    if spec.integer:
        if value != int(value):
            raise ValueError(f"parameter {name!r} takes a whole number, not {value}")
        return int(value)
    return float(value)
