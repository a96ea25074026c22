"""``liptako calibrate`` (ABC-SMC with pyabc) on a tiny budget, resuming a stored run, ``liptako run --posterior``
drawing each replication's parameters from the posterior, and the bad input both refuse.

The calibration runs two free parameters, populations of 8, two generations and 5 replications per particle
against two cheap patterns copied from data/patterns.toml: a few seconds. pyabc is in the dev group, so a missing
pyabc fails these tests rather than skipping them.
"""

from __future__ import annotations

import json
import math
import stat
import subprocess
import sys

import numpy as np
import pandas as pd
import pyabc
import pytest

from liptako.cli import main
from liptako.experiments import abc_calibration as ac
from liptako.model.parameters import BY_NAME

# Two patterns of data/patterns.toml, copied as they are there.
PATTERNS = """\
[[patterns]]
id = "success-share"
title = "Share of attempts that succeed (West Africa)"
statistic = "success_share"
countries = "west_africa"
record_years = [2000, 2019]
band = [0.35, 0.60]
source = "Powell & Thyne, West Africa 2000-2019: 47% (9 of 19; calibration.md)"

[[patterns]]
id = "deaths-first-year"
title = "Conflict deaths in Mali, Burkina Faso and Niger, first simulated year"
statistic = "deaths"
countries = ["MLI", "BFA", "NER"]
first = 0
last = 11
observed = 11643
band = [8000, 15000]
source = "Africa Center/ACLED: 11,643 in 2023 (calibration.md)"
"""
FREE = ["coup_success_intercept", "recruitment"]
TINY = ["--free", ",".join(FREE), "--population", "8", "--reps", "5", "--budget", "200"]


def calibrate(patterns, out, *extra: str) -> int:
    return main(["calibrate", str(patterns), *TINY, "--out", str(out), *extra])


@pytest.fixture(scope="module")
def patterns(tmp_path_factory):
    path = tmp_path_factory.mktemp("patterns") / "two-patterns.toml"
    path.write_text(PATTERNS)
    return path


@pytest.fixture(scope="module")
def tiny(patterns, tmp_path_factory):
    """A finished calibration: two generations on one process (reproducible from the seed)."""
    out = tmp_path_factory.mktemp("calibration") / "out"
    assert calibrate(patterns, out, "--generations", "2", "--workers", "1", "--seed", "3") == 0
    return out


# --- the calibration's outputs ---------------------------------------------------------------------------------
def test_the_posterior_has_a_column_per_free_parameter_and_weights_summing_to_one(tiny):
    posterior = pd.read_parquet(tiny / ac.POSTERIOR)
    assert list(posterior.columns) == [*FREE, "weight"]
    assert len(posterior) == 8  # one row per particle of the last population
    assert posterior["weight"].sum() == pytest.approx(1.0)
    assert (posterior["weight"] > 0).all()
    for name in FREE:
        assert posterior[name].between(BY_NAME[name].low, BY_NAME[name].high).all(), name


def test_calibration_json_holds_priors_summaries_and_the_run(tiny):
    doc = json.loads((tiny / ac.CALIBRATION).read_text())
    for key in ("free", "priors", "posterior", "point_estimate", "generations", "epsilons", "simulations", "seed",
                "liptako_version", "pyabc_version", "predictive", "targets", "acceptance_rates"):  # fmt: skip
        assert key in doc, key
    assert doc["free"] == FREE
    assert doc["generations"] == 2 and len(doc["epsilons"]) == 2
    assert doc["epsilons"][1] <= doc["epsilons"][0]  # the threshold never rises
    assert doc["seed"] == 3 and doc["reps"] == 5 and doc["population"] == 8
    assert doc["pyabc_version"] == pyabc.__version__
    # the calibration sample and both generations: at least one simulation per accepted particle
    assert doc["simulations"] >= 3 * 8 and doc["simulations"] <= 200
    for name in FREE:
        prior, post = doc["priors"][name], doc["posterior"][name]
        assert prior == {"distribution": "uniform", "low": BY_NAME[name].low, "high": BY_NAME[name].high,
                         "unit": BY_NAME[name].unit, "default": BY_NAME[name].default}  # fmt: skip
        assert prior["low"] <= post["q05"] <= post["median"] <= post["q95"] <= prior["high"]
        assert doc["point_estimate"][name] == post["median"]
    assert [t["key"] for t in doc["targets"]] == ["pattern:success-share", "pattern:deaths-first-year"]
    assert all(len(v) == ac.PREDICTIVE_DRAWS for v in doc["predictive"]["values"].values())


def test_the_summaries_are_the_weighted_statistics_of_the_posterior_file(tiny):
    doc = json.loads((tiny / ac.CALIBRATION).read_text())
    posterior = pd.read_parquet(tiny / ac.POSTERIOR)
    w = posterior["weight"].to_numpy()
    for name in FREE:
        x = posterior[name].to_numpy()
        assert doc["posterior"][name]["mean"] == pytest.approx(np.sum(w * x))
        assert doc["posterior"][name]["median"] == pytest.approx(pyabc.weighted_median(x, w))


def test_the_plots_are_written_readable_by_others(tiny):
    for name in ac.PLOTS:
        for suffix in (".png", ".svg"):
            path = tiny / f"{name}{suffix}"
            assert path.stat().st_size > 1000, path
    for path in [tiny / ac.POSTERIOR, tiny / ac.CALIBRATION, tiny / "marginals.png"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044, path  # atomic writers give 0644, not 0600
    assert not list(tiny.glob(".*")), "temporary files left behind"


def test_the_same_seed_on_one_process_gives_the_same_posterior(tiny, patterns, tmp_path):
    out = tmp_path / "again"
    assert calibrate(patterns, out, "--generations", "2", "--workers", "1", "--seed", "3") == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / ac.POSTERIOR), pd.read_parquet(tiny / ac.POSTERIOR))


def test_a_history_adds_its_count_and_series_observations_as_targets(patterns, tmp_path, capsys):
    out = tmp_path / "with-history"
    assert calibrate(patterns, out, "--history", "g5-sahel-2017", "--generations", "1", "--workers", "1") == 0
    assert "membership observations" in capsys.readouterr().err  # a set of members has no median: said, left out
    doc = json.loads((out / ac.CALIBRATION).read_text())
    keys = [t["key"] for t in doc["targets"]]
    assert keys[:2] == ["pattern:success-share", "pattern:deaths-first-year"]
    assert "history:g5-sahel-2017:mali-coups" in keys and "history:g5-sahel-2017:deaths-2023" in keys
    assert "history:g5-sahel-2017:g5-members-2023-12" not in keys
    assert all(len(doc["predictive"]["values"][k]) == ac.PREDICTIVE_DRAWS for k in keys)


# --- checkpoints and resuming ------------------------------------------------------------------------------------
def _population(out, t: int) -> pd.DataFrame:
    history = pyabc.History(f"sqlite:///{out / ac.DATABASE}", _id=1)
    frame, w = history.get_distribution(m=0, t=t)
    return frame.assign(w=w).reset_index(drop=True)


def test_a_resumed_run_continues_from_the_stored_populations(patterns, tmp_path, capsys):
    out = tmp_path / "resumed"
    assert calibrate(patterns, out, "--generations", "1", "--workers", "1") == 0
    first = json.loads((out / ac.CALIBRATION).read_text())
    assert first["generations"] == 1
    stored = _population(out, 0)
    capsys.readouterr()
    # on two processes this time (pyabc's multicore sampler): the stored run does not depend on it
    assert calibrate(patterns, out, "--generations", "2", "--workers", "2", "--resume") == 0
    err = capsys.readouterr().err
    assert "resuming after generation 0" in err and "generation 1:" in err and "generation 0:" not in err
    second = json.loads((out / ac.CALIBRATION).read_text())
    assert second["generations"] == 2
    assert second["epsilons"][0] == first["epsilons"][0]  # generation 0 is the stored one, not run again
    assert second["simulations_per_generation"][0] == first["simulations_per_generation"][0]
    assert second["simulations"] > first["simulations"]
    pd.testing.assert_frame_equal(_population(out, 0), stored)
    assert pyabc.History(f"sqlite:///{out / ac.DATABASE}", _id=1).max_t == 1
    # the posterior is the last population
    assert len(pd.read_parquet(out / ac.POSTERIOR)) == 8
    # nothing left to run: the outputs are written again, no generation is added
    assert calibrate(patterns, out, "--generations", "2", "--workers", "1", "--resume") == 0
    assert "nothing left to run" in capsys.readouterr().err
    assert json.loads((out / ac.CALIBRATION).read_text())["generations"] == 2


# --- liptako run --posterior ----------------------------------------------------------------------------------
def test_posterior_draws_are_reproducible_weighted_and_prefix_stable(tiny):
    posterior = ac.load_posterior(tiny / ac.POSTERIOR)
    draws = posterior.draw(200, seed=5)
    assert draws == posterior.draw(200, seed=5)
    assert draws[:7] == posterior.draw(7, seed=5)  # replication i draws the same whatever --reps
    assert draws != posterior.draw(200, seed=6)
    rows = {tuple(r) for r in posterior.frame[FREE].itertuples(index=False)}
    assert all(tuple(d[n] for n in FREE) in rows for d in draws)  # every draw is a particle


def test_weights_decide_how_often_a_particle_is_drawn(tmp_path):
    path = tmp_path / "posterior.parquet"
    pd.DataFrame({"recruitment": [0.1, 0.2], "weight": [0.9, 0.1]}).to_parquet(path)
    draws = ac.load_posterior(path).draw(2000, seed=1)
    share = np.mean([d["recruitment"] == 0.1 for d in draws])
    assert 0.87 < share < 0.93


def test_run_with_a_posterior_draws_each_replication_and_records_the_values(tiny, tmp_path, capsys):
    posterior = tiny / ac.POSTERIOR
    common = ["run", "baseline", "--reps", "4", "--months", "12", "--posterior", str(posterior), "--seed", "5",
              "--workers", "1"]  # fmt: skip
    assert main([*common, "--out", str(tmp_path / "a")]) == 0
    assert main([*common, "--out", str(tmp_path / "b")]) == 0
    a = pd.read_parquet(tmp_path / "a" / "runs").sort_values("run_id", ignore_index=True)
    b = pd.read_parquet(tmp_path / "b" / "runs").sort_values("run_id", ignore_index=True)
    pd.testing.assert_frame_equal(a, b)  # same seed: same drawn parameters and the same results
    expected = ac.load_posterior(posterior).draw(4, seed=5)
    assert a[FREE].to_dict("records") == expected
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    recorded = manifest["experiment"]["posterior"]
    assert recorded["file"] == str(posterior) and recorded["draws"] == expected
    assert recorded["parameters"] == FREE
    assert "draws coup_success_intercept, recruitment from" in capsys.readouterr().out


def test_a_single_run_with_a_posterior_records_its_draw(tiny, tmp_path):
    posterior = tiny / ac.POSTERIOR
    out = tmp_path / "one"
    assert main(["run", "baseline", "--months", "6", "--no-plots", "--posterior", str(posterior), "--seed", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    parameters = json.loads((out / "summary.json").read_text())["parameters"]
    drawn = ac.load_posterior(posterior).draw(1, seed=2)[0]
    assert {name: parameters[name] for name in FREE} == pytest.approx(drawn)


SWEEP = """\
[experiment]
name = "posterior-sweep"
scenario = "baseline"
design = "grid"
replications = 3
months = 6
seed = 4

[[vary]]
parameter = "{parameter}"
values = [{low}, {high}]
"""


def test_a_sweep_with_a_posterior_draws_replication_r_the_same_at_every_point(tiny, tmp_path, capsys):
    posterior = tiny / ac.POSTERIOR
    file = tmp_path / "sweep.toml"
    file.write_text(SWEEP.format(parameter="western_budget_factor", low=0.5, high=1.5))
    out = tmp_path / "out"
    common = ["sweep", str(file), "--posterior", str(posterior), "--workers", "1"]
    assert main([*common, "--out", str(out)]) == 0
    assert "draws coup_success_intercept, recruitment from" in capsys.readouterr().out
    runs = pd.read_parquet(out / "runs").sort_values("run_id", ignore_index=True)
    expected = ac.load_posterior(posterior).draw(3, seed=4)
    for _, point in runs.groupby("point_id"):  # draw r at every point: the design's effect is not confounded
        assert point.sort_values("replication")[FREE].to_dict("records") == expected
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["experiment"]["posterior"]["draws"] == expected
    assert main([*common, "--out", str(out)]) == 0  # the same command resumes: nothing to run again
    assert "0 runs done, 6 already there" in capsys.readouterr().out


def test_a_sweep_cannot_vary_a_parameter_the_posterior_draws(tiny, tmp_path, capsys):
    file = tmp_path / "sweep.toml"
    file.write_text(SWEEP.format(parameter="recruitment", low=0.05, high=0.1))
    assert main(["sweep", str(file), "--posterior", str(tiny / ac.POSTERIOR), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "vary: recruitment" in err and "not both" in err, err
    assert not (tmp_path / "o").exists()


def test_evaluate_with_a_posterior_draws_each_replication_and_says_so(tiny, tmp_path):
    posterior = tiny / ac.POSTERIOR
    common = ["evaluate", "g5-sahel-2017", "--reps", "20", "--seed", "3", "--workers", "1"]
    assert main([*common, "--posterior", str(posterior), "--out", str(tmp_path / "a")]) == 0
    assert main([*common, "--posterior", str(posterior), "--out", str(tmp_path / "b")]) == 0
    assert main([*common, "--out", str(tmp_path / "plain")]) == 0
    a, b, plain = (json.loads((tmp_path / d / "evaluation.json").read_text()) for d in ("a", "b", "plain"))
    assert a["observations"] == b["observations"]  # the same seed and posterior: the same draws and scores
    assert a["posterior"]["file"] == str(posterior) and a["posterior"]["parameters"] == FREE
    assert "posterior" not in plain
    assert a["observations"] != plain["observations"]  # the drawn parameters change the forecast


# --- bad input: one line naming the file or option, exit status 2 ------------------------------------------------
def _bad_posteriors(folder):
    (folder / "text.parquet").write_text("not parquet at all\n")
    pd.DataFrame({"recruitment": [0.1]}).to_parquet(folder / "no-weight.parquet")
    pd.DataFrame({"recruitmnt": [0.1], "weight": [1.0]}).to_parquet(folder / "unknown.parquet")
    pd.DataFrame({"recruitment": [0.1, 9.0], "weight": [1.0, 1.0]}).to_parquet(folder / "range.parquet")
    pd.DataFrame({"recruitment": [0.1], "weight": [-1.0]}).to_parquet(folder / "weights.parquet")
    return {
        "text.parquet": "not a Parquet file",
        "no-weight.parquet": "weight: missing column",
        "unknown.parquet": "recruitmnt: not a registry parameter",
        "range.parquet": "recruitment: 9 is outside the parameter's range [0, 0.3]",
        "weights.parquet": "weight: weights must be non-negative",
        "missing.parquet": "no such file",
    }


def test_a_bad_posterior_file_is_refused_naming_the_file_and_the_column(tmp_path, capsys):
    for name, problem in _bad_posteriors(tmp_path).items():
        path = tmp_path / name
        assert main(["run", "baseline", "--months", "3", "--posterior", str(path)]) == 2, name
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1, err
        assert err.startswith(f"liptako: error: {path}: ") and problem in err, err


def test_set_and_posterior_of_the_same_parameter_is_an_error(tiny, capsys):
    posterior = tiny / ac.POSTERIOR
    assert main(["run", "baseline", "--posterior", str(posterior), "--set", "recruitment=0.1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "--set recruitment" in err and str(posterior) in err and "not both" in err


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--free", "coup_base_hazard,recruitmnt"], "--free: recruitmnt: unknown parameter; did you mean recruitment?"),
        (["--free", "recruitment,recruitment"], "--free: recruitment: named twice"),
        (["--budget", "10"], "--budget: 10: too small for a population of 8"),
        (["--resume"], "--resume: "),
        (["--reps", "0"], "--reps 0"),
        (["--generations", "0"], "--generations 0"),
    ],
)
def test_bad_calibrate_options_are_refused(patterns, tmp_path, capsys, args, problem):
    assert main(["calibrate", str(patterns), "--population", "8", "--out", str(tmp_path / "out"), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and problem in err, err
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_a_missing_patterns_file_is_refused(tmp_path, capsys):
    missing = tmp_path / "nope.toml"
    assert main(["calibrate", str(missing), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == f"liptako: error: {missing}: no such file"


def test_a_folder_holding_a_calibration_needs_resume_and_the_same_settings(tiny, patterns, capsys):
    assert calibrate(patterns, tiny) == 2
    assert "holds a calibration already; add --resume" in capsys.readouterr().err
    assert main(["calibrate", str(patterns), "--free", "recruitment", "--reps", "5", "--out", str(tiny),
                 "--resume"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "--resume: free: the stored run" in err and "['recruitment']" in err


# --- the distance, the budget, the defaults --------------------------------------------------------------------
def test_the_band_score_counts_band_widths_outside_the_band():
    assert ac.band_score(0.5, 0.4, 0.6) == 0.0
    assert ac.band_score(0.4, 0.4, 0.6) == 0.0
    assert ac.band_score(0.7, 0.4, 0.6) == pytest.approx(0.5)
    assert ac.band_score(0.0, 0.4, 0.6) == pytest.approx(2.0)
    assert ac.band_score(math.nan, 0.4, 0.6) == 1.0  # undefined in the runs: one band width away
    assert ac.band_score(0.02, 0.0, 0.0) == pytest.approx(0.02)  # zero width: the statistic's own units


def test_the_distance_is_the_euclidean_norm_of_the_scores():
    targets = [ac.Target("pattern:a", "a", "pattern", 0.0, 1.0), ac.Target("pattern:b", "b", "pattern", 10, 20),
               ac.Target("history:h:c", "c", "history", 5, 5, observed=5, count=True)]  # fmt: skip
    distance = ac.BandDistance(targets)
    x = {"pattern:a": 1.3, "pattern:b": 24.0, "history:h:c": 7.0, "history:h:c:spread": 0.0}
    # 0.3 band widths, 0.4 band widths, and (7 - 5) / max(IQR 0, 10% of 5, one event) = 2
    assert distance(x, {}) == pytest.approx(math.sqrt(0.3**2 + 0.4**2 + 2.0**2))
    inside = {"pattern:a": 0.5, "pattern:b": 15.0, "history:h:c": 5.0, "history:h:c:spread": 1.0}
    assert distance(inside, {}) == 0.0


def test_the_population_follows_the_budget_within_limits():
    assert ac.population_size(50) == ac.MIN_POPULATION
    assert ac.population_size(2000) == 200
    assert ac.population_size(10**7) == ac.MAX_POPULATION


def test_the_default_free_parameters_are_registry_parameters_with_a_range():
    free = ac.free_parameters(ac.DEFAULT_FREE)
    assert [p.name for p in free] == list(ac.DEFAULT_FREE)
    assert all(p.low < p.high for p in free)


def test_the_help_names_the_default_free_parameters(capsys):
    with pytest.raises(SystemExit):
        main(["calibrate", "--help"])
    assert ", ".join(ac.DEFAULT_FREE) in " ".join(capsys.readouterr().out.split())


def test_neither_import_liptako_nor_loading_a_posterior_imports_pyabc(tiny):
    code = (f"import sys, liptako, liptako.cli; from liptako.experiments.abc_calibration import load_posterior; "
            f"load_posterior({str(tiny / ac.POSTERIOR)!r}).draw(3, 1); print('pyabc' in sys.modules)")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_shipped_posterior_is_named_calibrated_and_holds_the_defaults(tmp_path):
    """`--posterior calibrated` is the posterior shipped in liptako/data (data/README.md): its parameters are the
    registry's calibrated ones, and each default lies inside its central 90% (the defaults are the medians of the
    run it repeats on today's model)."""
    posterior = ac.load_posterior(ac.BUNDLED_POSTERIOR)
    assert posterior.path == ac.bundled_posterior() and posterior.path.is_file()
    assert set(posterior.parameters) == {"coup_insecurity_effect", "coup_insecurity_shape", "coup_insecurity_deaths",
                                         "commitment_rival", "founding_rate"}  # fmt: skip
    summary = ac.summarise(posterior.frame, ac.free_parameters(posterior.parameters))
    for name, s in summary.items():
        assert s["q05"] < BY_NAME[name].default < s["q95"], name
    assert main(["run", "baseline", "--reps", "3", "--months", "6", "--posterior", "calibrated", "--workers", "1",
                 "--out", str(tmp_path / "runs")]) == 0  # fmt: skip
    manifest = json.loads((tmp_path / "runs" / "manifest.json").read_text())
    assert manifest["experiment"]["posterior"]["draws"] == posterior.draw(3, seed=1)
