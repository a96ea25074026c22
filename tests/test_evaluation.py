"""`liptako evaluate`: history files, the scores of a forecast, and their calibration on histories drawn from
the model itself (a calibrated forecast must cover its own futures at the nominal rate)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import liptako
from liptako.cli import main
from liptako.experiments import evaluation
from liptako.experiments.history import History, Observation, load_history
from liptako.model.errors import InputError
from liptako.model.scenario import load, parse_month

ROOT = Path(__file__).resolve().parents[1]
G5 = ROOT / "histories" / "g5-sahel-2017.toml"
REQUIRED = {"id", "observed", "median", "low80", "high80", "inside80", "p_observed", "pit", "brier"}
SUMMARY = {"coverage50", "coverage80", "coverage90", "brier", "brier_reference", "brier_skill", "reps"}


@pytest.fixture(scope="module")
def g5_batch():
    return liptako.replicate("g5-sahel-2017", 200, seed=3)


def test_the_bundled_history_loads_and_names_its_scenario():
    history = load_history(G5)
    assert history.scenario.name == "g5-sahel-2017"
    assert {o.form for o in history.observations} == {"count", "series", "members"}
    assert next(o for o in history.observations if o.id == "g5-members-2023-12").observed == ("MRT", "TCD")


@pytest.mark.parametrize("path", sorted((ROOT / "histories").glob("*.toml")), ids=lambda p: p.stem)
def test_every_bundled_history_loads_by_name(path):
    history = load_history(path.stem)  # the bundled name, as on the command line
    assert history.name == path.stem
    ids = [o.id for o in history.observations]
    assert len(ids) == len(set(ids)) and all(o.source for o in history.observations)


def test_evaluate_help_names_every_bundled_history(capsys):
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    text = " ".join(capsys.readouterr().out.replace("-\n", "-").split())  # argparse wraps at hyphens
    assert "%%" not in text
    for path in (ROOT / "histories").glob("*.toml"):
        assert path.stem in text


def test_the_g5_history_is_inside_the_forecast_and_beats_the_base_rates():
    """Issue 8's bar: at least 80% of the G5's observations inside the central 80% intervals, and a Brier skill
    above 0 against the base rates (15 of 16 on every root seed 10-19 with 500 replications, 6 December)."""
    summary = evaluation.evaluate(load_history(G5), liptako.replicate("g5-sahel-2017", 500, seed=21))["summary"]
    assert summary["coverage80"] >= 0.8
    assert summary["brier_skill"] > 0


def test_evaluation_json_holds_the_promised_keys(g5_batch):
    result = evaluation.evaluate(load_history(G5), g5_batch)
    for row in result["observations"]:
        assert REQUIRED <= set(row)
        assert 0.0 <= row["p_observed"] <= 1.0
        assert row["low80"] <= row["median"] <= row["high80"]
        assert row["low90"] <= row["low80"] <= row["low50"] and row["high50"] <= row["high80"] <= row["high90"]
        assert row["inside80"] == (row["low80"] <= _number(row) <= row["high80"])
    assert SUMMARY <= set(result["summary"])
    assert result["summary"]["reps"] == 200
    json.dumps(result, allow_nan=False)  # strict JSON: no NaN


def test_count_scores_match_the_definitions(g5_batch):
    """P(observed), the PIT's bounds, the yes/no Brier score and the RPS computed by hand from the runs."""
    history = load_history(G5)
    obs = next(o for o in history.observations if o.id == "g5-coups")
    v = evaluation.values(obs, g5_batch)
    row = evaluation.score(obs, v, history, np.random.default_rng(0))
    x = obs.observed
    assert row["p_observed"] == pytest.approx(np.mean(v == x))
    assert np.mean(v < x) <= row["pit"] <= np.mean(v <= x)
    p = np.mean(v >= 1)
    assert row["brier"] == pytest.approx((p - 1.0) ** 2)
    cdf = np.cumsum(np.bincount(v, minlength=max(v.max(), x) + 1) / len(v))
    assert row["rps"] == pytest.approx(np.sum((cdf - (np.arange(len(cdf)) >= x)) ** 2))


def test_members_at_the_start_are_certain(g5_batch):
    """At the first month every run has the scenario's members: probability 1, Brier score 0, inside."""
    history = load_history(G5)
    scenario = history.scenario
    members = tuple(sorted(scenario.blocs["G5S"].members))
    obs = Observation(id="start", form="members", observed=members, first=scenario.start, last=scenario.start,
                      bloc="G5S")  # fmt: skip
    row = evaluation.score(obs, evaluation.values(obs, g5_batch), history, np.random.default_rng(0))
    assert row["p_observed"] == 1.0 and row["brier"] == 0.0 and row["inside80"]
    assert all(fact["p"] == 1.0 and fact["holds"] for fact in row["facts"].values())


def test_chunked_runs_give_the_same_evaluation(g5_batch, monkeypatch):
    """``run_and_evaluate`` in chunks of 64 equals one batch of the same 200 replications."""
    history = load_history(G5)
    monkeypatch.setattr(evaluation, "CHUNK", 64)
    assert evaluation.run_and_evaluate(history, 200, seed=3) == evaluation.evaluate(history, g5_batch, seed=3)


def test_counts_agree_with_the_event_records(g5_batch):
    """The count of an observation is the number of matching rows of ``batch.records``, run by run."""
    history = load_history(G5)
    obs = next(o for o in history.observations if o.id == "mali-coups")
    rec = g5_batch.records
    month = rec["date"].map(parse_month)
    mask = (rec["kind"] == "coup") & (rec["outcome"] == "success") & (rec["state"] == "MLI")
    mask &= (month >= obs.first) & (month <= obs.last)
    expected = np.bincount(rec.loc[mask, "rep"], minlength=g5_batch.reps)
    assert np.array_equal(evaluation.values(obs, g5_batch), expected)


def _synthetic_history(scenario, truth, i: int, observations) -> History:
    """History i: what replication i of ``truth`` recorded, for each observation."""
    obs = tuple(replace(o, observed=_as_observed(o, evaluation.observed_value(o, truth, i))) for o in observations)
    return History(name=f"synthetic-{i}", title="synthetic", scenario=scenario, source="the model", description="",
                   reference=0.5, observations=obs)  # fmt: skip


def _as_observed(obs: Observation, value):
    return tuple(value) if obs.form == "members" else value


def _observations(scenario) -> list[Observation]:
    start = scenario.start
    out = []
    for k, year in enumerate(range(3)):
        a, b = start + 12 * year, start + 12 * year + 11
        out.append(Observation(id=f"deaths-{k}", form="series", observed=0.0, first=a, last=b, series="deaths",
                               states=("MLI", "BFA", "NER")))  # fmt: skip
        out.append(Observation(id=f"legit-{k}", form="series", observed=0.0, first=b, last=b, series="legitimacy",
                               states=("MLI",), over_months="last"))  # fmt: skip
    for k, iso in enumerate(("MLI", "BFA", "NER", "NGA")):
        out.append(Observation(id=f"coups-{k}", form="count", observed=0, first=start, last=start + 59,
                               kind="coup", states=(iso,)))  # fmt: skip
    out.append(Observation(id="offensives", form="count", observed=0, first=start, last=start + 23,
                           kind="offensive"))  # fmt: skip
    return out


def _pits_and_coverage(forecast, truth, scenario, truths: int):
    observations = _observations(scenario)
    pits = {"count": [], "series": []}
    inside = {"count": [], "series": []}
    for i in range(truths):
        result = evaluation.evaluate(_synthetic_history(scenario, truth, i, observations), forecast, seed=i)
        for row in result["observations"]:
            pits[row["form"]].append(row["pit"])
            inside[row["form"]].append(row["inside80"])
    return pits, inside


def test_forecasts_of_the_models_own_futures_are_calibrated():
    """Truths drawn from the model with other seeds: the randomised PITs are uniform and the central 80%
    intervals of the continuous series cover about 80% of the truths (counts' intervals at least 80%)."""
    scenario = load("baseline")
    forecast = liptako.replicate(scenario, 400, seed=11, months=36 + 24)
    truth = liptako.replicate(scenario, 60, seed=12, months=36 + 24)
    pits, inside = _pits_and_coverage(forecast, truth, scenario, truths=60)
    for form in ("count", "series"):
        assert stats.kstest(pits[form], "uniform").pvalue > 0.001, form
    assert 0.72 <= np.mean(inside["series"]) <= 0.88
    assert np.mean(inside["count"]) >= 0.75


def test_a_wrong_model_is_caught():
    """Truths from a world with 2.5 times the base coup hazard (0.03 instead of 0.012): the PITs of the coup
    counts pile up near 1."""
    scenario = load("baseline")
    forecast = liptako.replicate(scenario, 400, seed=11, months=60)
    truth = liptako.replicate(scenario, 60, seed=12, months=60, overrides={"coup_base_hazard": 0.03})
    pits, _ = _pits_and_coverage(forecast, truth, scenario, truths=60)
    assert stats.kstest(pits["count"], "uniform").pvalue < 0.001
    assert np.mean(pits["count"]) > 0.6


def _number(row):
    return len(row["observed"]) if isinstance(row["observed"], list) else row["observed"]


# --- the command line -------------------------------------------------------------------------------------------
def test_cli_writes_json_and_plots_readable_by_others(tmp_path, capsys):
    out = tmp_path / "ev"
    assert main(["evaluate", str(G5), "--reps", "50", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "coverage of the central intervals" in printed and "g5-members-2023-12" in printed
    data = json.loads((out / "evaluation.json").read_text())
    assert data["summary"]["reps"] == 50 and len(data["observations"]) == 16
    for name in ("evaluation.json", "evaluation.png", "evaluation.svg"):
        assert (out / name).stat().st_mode & 0o044 == 0o044, name  # readable by group and others


def test_cli_results_do_not_depend_on_threads(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["evaluate", str(G5), "--reps", "40", "--workers", "1", "--out", str(one)]) == 0
    assert main(["evaluate", str(G5), "--reps", "40", "--workers", "2", "--out", str(two)]) == 0
    assert (one / "evaluation.json").read_text() == (two / "evaluation.json").read_text()


BAD = [
    ("[history]\nname='x'\nscenario='g5-sahel-2017'\n", "observations: a history needs at least one"),
    (
        "[history]\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='coup'\nfrom='2018-01'\nto='2018-12'\n"
        "observed=1\n",
        "history.name: required text is missing",
    ),
    (
        "[history]\nname='x'\nscenario='nowhere'\n[[observations]]\nid='a'\nkind='coup'\nfrom='2018-01'\n"
        "to='2018-12'\nobserved=1\n",
        "history.scenario: cannot load scenario 'nowhere'",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='cop'\nfrom='2018-01'\n"
        "to='2018-12'\nobserved=1\n",
        "observations[1].kind: unknown event kind 'cop'; allowed: coup,",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='coup'\nfrom='2012-01'\n"
        "to='2018-12'\nobserved=1\n",
        "observations[1].from: 2012-01 is outside the scenario's months",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='coup'\nfrom='2018-01'\n"
        "to='2018-12'\nobserved=1.5\n",
        "observations[1].observed: a count (a whole number, 0 or more)",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='coup'\nstates=['XXX']\n"
        "from='2018-01'\nto='2018-12'\nobserved=1\n",
        "observations[1].states: state 'XXX' is not in the scenario",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nseries='death'\nfrom='2018-01'\n"
        "to='2018-12'\nobserved=1\n",
        "observations[1].series: unknown series 'death'; allowed: legitimacy,",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nbloc='G5S'\nmembers_at='2019-01'\n"
        "observed=['MLI']\nfrom='2018-01'\n",
        "observations[1].from: unknown key for a members observation",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='coup'\nfrom='2018-01'\n"
        "to='2018-12'\nobserved=1\n[[observations]]\nid='a'\nkind='exit'\nfrom='2018-01'\nto='2018-12'\nobserved=0\n",
        "observations[2].id: id 'a' is used twice",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nfrom='2018-01'\nto='2018-12'\n"
        "observed=1\n",
        "observations[1]: say what was observed",
    ),
    (
        "[history]\nname='x'\nscenario='g5-sahel-2017'\nreference=2\n[[observations]]\nid='a'\nkind='coup'\n"
        "from='2018-01'\nto='2018-12'\nobserved=1\n",
        "history.reference: a probability between 0 and 1",
    ),
    ("", "file is empty"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_history_files_get_one_clear_line(tmp_path, text, message):
    path = tmp_path / "h.toml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_history(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_cli_bad_history_exits_2_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "h.toml"
    path.write_text("[history]\nname='x'\nscenario='g5-sahel-2017'\n[[observations]]\nid='a'\nkind='cop'\n"
                    "from='2018-01'\nto='2018-12'\nobserved=1\n")  # fmt: skip
    out = tmp_path / "out"
    assert main(["evaluate", str(path), "--reps", "10", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "observations[1].kind" in err
    assert not out.exists()


def test_report_of_an_evaluation_folder_and_a_section_in_an_experiment_report(tmp_path, capsys):
    alone, both = tmp_path / "alone", tmp_path / "both"
    assert main(["evaluate", "g5-sahel-2017", "--reps", "30", "--out", str(alone)]) == 0
    assert main(["report", str(alone)]) == 0
    page = (alone / "report.html").read_text()
    assert "Against the record" in page and "g5-members-2023-12" in page and "data:image/png;base64," in page
    assert main(["run", "baseline", "--reps", "10", "--out", str(both)]) == 0
    assert main(["report", str(both)]) == 0
    assert "Against the record" not in (both / "report.html").read_text()
    assert main(["evaluate", "g5-sahel-2017", "--reps", "30", "--out", str(both)]) == 0
    assert main(["report", str(both)]) == 0
    page = (both / "report.html").read_text()
    assert "Against the record" in page and "Kaplan" in page  # the experiment's own sections are still there


def test_cli_set_changes_the_forecast_and_is_recorded(tmp_path):
    plain, deadly = tmp_path / "plain", tmp_path / "deadly"
    assert main(["evaluate", "g5-sahel-2017", "--reps", "30", "--out", str(plain)]) == 0
    assert main(["evaluate", "g5-sahel-2017", "--reps", "30", "--set", "lethality=0.2", "--out", str(deadly)]) == 0
    a, b = (json.loads((x / "evaluation.json").read_text()) for x in (plain, deadly))
    median = {doc.get("overrides", {}).get("lethality"): next(o for o in doc["observations"]
                                                            if o["id"] == "deaths-2018-2019")["median"]
              for doc in (a, b)}  # fmt: skip
    assert median[0.2] > 1.5 * median[None] and b["overrides"] == {"lethality": 0.2} and "overrides" not in a
