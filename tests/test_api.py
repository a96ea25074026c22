"""The Python API: ``from liptako import LiptakoModel, run, replicate``."""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest
from conftest import derive

import liptako
import liptako.model.seeds
from liptako import LiptakoModel, replicate, run
from liptako.model.errors import CutEventsWarning, InputError
from liptako.model.outputs import LABELS, STATE_SERIES
from liptako.model.parameters import DEFAULTS


def test_public_names():
    assert {"LiptakoModel", "run", "replicate", "Batch", "RunResult"} <= set(liptako.__all__)
    assert liptako.LiptakoModel is LiptakoModel and liptako.run is run and liptako.replicate is replicate


def test_run_returns_scalars_a_monthly_frame_and_events(baseline_24):
    r = baseline_24
    assert isinstance(r.summary, dict) and r.summary
    for key, value in r.summary.items():
        assert isinstance(key, str)
        if key == "first_exit_state":  # an ISO code, or None when nobody left
            assert value is None or value in r.state_names
            continue
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, type(value))
    ts = r.timeseries
    assert isinstance(ts, pd.DataFrame) and len(ts) == 24
    assert ts["month"].is_monotonic_increasing and ts["month"].tolist() == list(range(24))
    assert ts["date"].is_monotonic_increasing and ts["date"].is_unique
    ev = r.events
    assert isinstance(ev, pd.DataFrame) and len(ev)
    assert {"date", "kind", "state", "other", "bloc", "partner", "group", "outcome", "who", "text"} <= set(ev.columns)
    assert ev["date"].is_monotonic_increasing
    assert r.seed == 1 and r.months == 24 and r.scenario == "baseline"
    told = ev[ev["kind"] != "answer"]
    assert r.story == [f"{d} {w}: {t}" for d, w, t in zip(told["date"], told["who"], told["text"], strict=True)]


def test_replicate_returns_tables_of_every_replication():
    batch = replicate("baseline", 12, seed=3, months=18)
    assert len(batch) == 12 and batch.seeds == liptako.model.seeds.replication_seeds(3, 12)
    s = batch.summary
    assert s["rep"].tolist() == list(range(12)) and s["seed"].tolist() == batch.seeds
    assert (s["survival_months"] <= 18).all()
    ts = batch.timeseries
    assert len(ts) == 12 * 18 and ts.groupby("rep").size().eq(18).all()
    assert {"rep", "date", "legitimacy.MLI", "members.AES"} <= set(ts.columns)
    ev = batch.events
    assert {"rep", "date", "kind", "state", "bloc", "partner", "outcome", "text"} <= set(ev.columns)
    assert set(ev["rep"]) <= set(range(12))
    # the records are the same rows without their sentences
    pd.testing.assert_frame_equal(batch.records, ev.drop(columns=["who", "text"]), check_exact=True)
    assert batch.array("territory").shape == (12, 18, len(batch.states))
    assert set(batch.aggregates.columns) >= {"rep", "month", "date", "members", "territory_mean"}


def test_replication_i_is_the_single_run_with_its_seed():
    batch = replicate("burkina-countercoup", 40, seed=5, months=30)
    for i in (0, 17, 39):
        single = run("burkina-countercoup", seed=batch.seeds[i], months=30)
        from_batch = batch.run(i)
        pd.testing.assert_frame_equal(single.timeseries, from_batch.timeseries, check_exact=True)
        pd.testing.assert_frame_equal(single.events, from_batch.events, check_exact=True)
        assert single.parameters == from_batch.parameters
        for key, value in single.summary.items():
            other = from_batch.summary[key]
            assert value == other or (value != value and other != other), key
        row = batch.summary.iloc[i]
        assert row["seed"] == single.seed and row["coup_attempts"] == single.summary["coup_attempts"]


def test_replicate_refuses_bad_input():
    with pytest.raises(InputError, match="replications"):
        replicate("baseline", 0)
    with pytest.raises(InputError, match="coup_base_hazard"):
        replicate("baseline", 2, overrides={"coup_base_hazard": 5.0})
    with pytest.raises(InputError, match="3 sets of overrides for 2"):
        replicate("baseline", 2, overrides=[{}, {}, {}])


def test_run_records_its_parameters(baseline_24):
    assert baseline_24.parameters == dict(DEFAULTS)
    r = run("baseline", seed=1, months=2, overrides={"coup_base_hazard": 0.05})
    assert r.parameters["coup_base_hazard"] == 0.05
    meta = r.metadata()
    assert meta["seed"] == 1 and meta["parameters"]["coup_base_hazard"] == 0.05 and meta["liptako_version"]


def test_series_gives_one_variable_by_state(baseline_24):
    legit = baseline_24.series("legitimacy")
    assert set(legit.columns) >= {"MLI", "BFA", "NER"}
    assert list(legit.index) == baseline_24.timeseries["date"].tolist()
    assert legit["MLI"].tolist() == baseline_24.timeseries["legitimacy.MLI"].tolist()
    with pytest.raises(KeyError):
        baseline_24.series("happiness")


def test_every_state_series_is_declared_with_label_and_unit():
    for out in STATE_SERIES:
        assert LABELS[out.name].label and LABELS[out.name].unit


def test_run_accepts_a_scenario_object_and_a_path(tmp_path):
    scenario = derive(parameters={"coup_base_hazard": 0.0})
    assert run(scenario, seed=1, months=3).parameters["coup_base_hazard"] == 0.0
    path = tmp_path / "mine.toml"
    path.write_text(
        '[scenario]\nname = "mine"\ntitle = "Mine"\nextends = "baseline"\n[parameters]\ncoup_base_hazard = 0.0\n',
        encoding="utf-8",
    )
    r = run(path, seed=1, months=3)
    assert r.scenario == "mine" and r.parameters["coup_base_hazard"] == 0.0
    assert r.summary["coup_attempts"] == 0


def test_the_model_steps_like_a_mesa_model():
    model = LiptakoModel("baseline", rng=2, months=5)
    assert model.running
    while model.running:
        model.step()
    assert model.steps == 5 and len(model.timeseries()) == 5
    assert model.summary()["survival_months"] == 5
    assert model.datacollector.get_model_vars_dataframe().shape[0] == 5


def test_the_model_accepts_overrides_by_keyword_and_refuses_unknown_ones():
    assert LiptakoModel("baseline", rng=1, months=2, coup_base_hazard=0.0).p.coup_base_hazard == 0.0
    with pytest.raises(InputError, match="coup_hazard"):
        LiptakoModel("baseline", rng=1, months=2, coup_hazard=0.0)
    with pytest.raises(InputError):
        LiptakoModel("baseline", rng=1, months=2, coup_base_hazard=5.0)
    with pytest.raises(InputError):
        LiptakoModel("baseline", rng=1, months=0)


def test_summary_ratios(baseline_24):
    s = baseline_24.summary
    if s["responses"]:
        assert s["honour_rate"] == pytest.approx(s["responses_honoured"] / s["responses"])
    if s["coup_attempts"]:
        assert s["coup_success_share"] == pytest.approx(s["coup_successes"] / s["coup_attempts"])
    else:
        assert math.isnan(s["coup_success_share"])
    isos = list(baseline_24.state_names)
    assert s["coup_attempts"] == sum(s[f"coup_attempts.{i}"] for i in isos)
    assert s["coup_successes"] == sum(s[f"coup_successes.{i}"] for i in isos)
    ts = baseline_24.timeseries
    assert s["total_deaths"] == pytest.approx(ts[[f"deaths.{i}" for i in isos]].to_numpy().sum(), rel=1e-6)
    assert s["displaced_end"] == pytest.approx(ts[[f"displaced.{i}" for i in isos]].iloc[-1].sum(), rel=1e-6)
    assert s["members_end"] == ts["members.AES"].iloc[-1]


def test_a_child_scenario_states_only_what_differs(tmp_path):
    from liptako.model.scenario import load

    path = tmp_path / "grandchild.toml"
    path.write_text(
        '[scenario]\nname = "grandchild"\ntitle = "t"\nextends = "russia-withdraws"\n'
        "[states.MLI]\ntroops = 40000\n"
        '[[events]]\ndate = "2025-01"\ntype = "coup"\nstate = "NER"\noutcome = "failure"\n',
        encoding="utf-8",
    )
    child, parent, base = load(path), load("russia-withdraws"), load("baseline")
    assert child.name == "grandchild" and child.scenario.extends is None
    assert child.states["MLI"].troops == 40000
    # the rest of the table is the ancestors'
    assert child.states["MLI"].population_m == base.states["MLI"].population_m
    assert child.states["MLI"].regime == base.states["MLI"].regime
    assert child.states["BFA"] == base.states["BFA"]
    # events are the parent's followed by the child's own
    assert [e.model_dump() for e in child.events[:-1]] == [e.model_dump() for e in parent.events]
    assert child.events[-1].type == "coup" and child.events[-1].state == "NER"


def test_scenarios_are_frozen():
    from pydantic import ValidationError

    from liptako.model.scenario import load

    scenario = load("baseline")
    with pytest.raises(ValidationError):
        scenario.states["MLI"].troops = 1


def test_a_horizon_that_drops_a_scenarios_events_warns_from_python_too():
    """`liptako.run` and `liptako.replicate` with `months` shorter than a what-if's events say which events will
    not happen (the command line prints the same note); at the full horizon they say nothing."""

    with pytest.warns(CutEventsWarning, match=r"months 6 ends the run in 2024-02; .* will not happen \(partner_exit"):
        liptako.run("russia-withdraws", seed=1, months=6)
    with pytest.warns(CutEventsWarning, match="will not happen"):
        liptako.replicate("russia-withdraws", 2, months=6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CutEventsWarning)
        liptako.replicate("russia-withdraws", 2, months=None)
        liptako.run("g5-sahel-2017", seed=1, months=6)  # no dated events to drop
