"""Every registry parameter moves some output (style.md, item 3: rules read parameters only through the
scenario, never a module constant; a parameter that moves nothing is a bug or dead weight).

Each parameter is run at the low and at the high end of its range, with a fixed seed (a second seed if the
first happens to leave the mechanism idle), and the monthly series or the summary must differ. Some mechanisms
only act in particular circumstances (an intervention, a coup, an accession vote, many calls for help); those
parameters are run in a scenario where the mechanism is surely active.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import numeric

from liptako import run
from liptako.model.parameters import BY_NAME, REGISTRY
from liptako.model.scenario import format_month, load

MONTHS = 36
SEEDS = (1, 2)

# Parameters whose mechanism needs a particular situation, and the scenario fixture that provides it.
ACTIVE_IN = {
    # an external intervention (ECOWAS in Niger)
    "intervention_months": "crisis",
    "intervention_rate": "crisis",
    "threat_half_life": "crisis",
    "offensive_territory": "crisis",
    "intervention_troops": "crisis",
    "intervention_lethality": "crisis",
    "intervention_success": "crisis",
    "intervention_legitimacy_cost": "crisis",
    # a sanctioned member with non-aggression allies, and sanctions after a coup
    "corridor_relief": "crisis",
    "sanction_months": "crisis",
    "sanction_revenue_loss": "crisis",
    # successful and failed coups, forced or drawn
    "coup_contagion": "crisis",
    "alignment_flip": "crisis",
    "alignment_drift": "crisis",
    "aid_suspension_months": "crisis",
    "coup_legitimacy_change": "crisis",
    "transition_months": "crisis",
    "coup_attempt_shock": "crisis",
    "coup_success_protection": "crisis",
    "coup_success_intercept": "crisis",
    "sovereigntist_turn": "crisis",  # a drawn junta in a contested state (Mali), not in Guinea or Chad
    "coup_hazard_cap": "unstable",  # hazards above the lowest cap, 5% a month
    # a suspended member weighing its commitment
    "suspension_pressure": "crisis",
    # an accession vote
    "vote_alignment": "crisis",
    "accession_rate": "suitors",
    "accession_threshold": "crisis",
    # many calls for help, and commitment near the exit threshold
    "honour_reciprocity": "war",
    "commitment_help": "war",
    "commitment_burden": "war",
    "commitment_rally": "war",
    "deployment_months": "war",
    "ally_aid_share": "war",
    # a latent pact two juntas may found, and a civilian leader at his term limit (Mauritania, 2019)
    "founding_rate": "g5_juntas",
    "term_limit": "g5_juntas",
    # officers turning on civilian politicians over a deadly war: armies with a recent coup, at war
    "coup_insecurity_effect": "g5",
    "coup_insecurity_deaths": "g5",
    "coup_insecurity_shape": "g5",
    "coup_insecurity_memory": "g5",
}


def test_the_mapping_names_registry_parameters():
    unknown = set(ACTIVE_IN) - set(BY_NAME)
    assert not unknown, f"ACTIVE_IN names parameters that are not in the registry: {unknown}"


def same_outputs(a, b) -> bool:
    """The same monthly series, per-run outcomes and event records (with their numbers)."""
    if a.timeseries.shape != b.timeseries.shape or not a.events.equals(b.events):
        return False
    if not np.array_equal(numeric(a.timeseries), numeric(b.timeseries)):
        return False
    for key in a.summary.keys() | b.summary.keys():
        x, y = a.summary.get(key), b.summary.get(key)
        if not (x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))):
            return False
    return True


@pytest.mark.parametrize("name", [p.name for p in REGISTRY])
def test_every_parameter_moves_some_output(name, request):
    spec = BY_NAME[name]
    where = ACTIVE_IN.get(name, "baseline")
    scenario = request.getfixturevalue(where) if where != "baseline" else where
    tried = []
    for seed in SEEDS:
        low = run(scenario, seed=seed, months=MONTHS, overrides={name: spec.low})
        high = run(scenario, seed=seed, months=MONTHS, overrides={name: spec.high})
        assert low.parameters[name] == spec.low and high.parameters[name] == spec.high
        if not same_outputs(low, high):
            return
        tried.append(seed)
    pytest.fail(
        f"{name}: {spec.low} and {spec.high} give identical series and summary in {where!r} "
        f"(seeds {tried}, {MONTHS} months): the parameter moves nothing"
    )


# A set_parameter event at the first month must act like the same override given at the start: the event log
# says the parameter changed, so the run must behave differently.
LATE_SET_BUGS: dict[str, str] = {}  # parameters a set_parameter event cannot move (none known)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(p.name, marks=pytest.mark.xfail(strict=True, reason=LATE_SET_BUGS[p.name]))
        if p.name in LATE_SET_BUGS
        else p.name
        for p in REGISTRY
    ],
)
def test_a_set_parameter_event_moves_every_parameter(name, request):
    from conftest import derive

    spec = BY_NAME[name]
    where = ACTIVE_IN.get(name, "baseline")
    base = request.getfixturevalue(where) if where != "baseline" else where
    start = format_month(load(base).start)  # the scenario's first month

    def changed_to(value):
        return derive(
            base, name="test-set", events=[{"date": start, "type": "set_parameter", "parameter": name, "value": value}]
        )

    low_scenario, high_scenario = changed_to(spec.low), changed_to(spec.high)
    for seed in SEEDS:
        low = run(low_scenario, seed=seed, months=MONTHS)
        high = run(high_scenario, seed=seed, months=MONTHS)
        changes = high.events[high.events["kind"] == "parameter"]
        assert changes["parameter"].tolist() == [name]
        if not same_outputs(low, high):
            return
    pytest.fail(
        f"a set_parameter event taking {name} from {spec.low} to {spec.high} in {start} changes nothing in {where!r}"
    )
