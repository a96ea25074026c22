"""Standardised regression coefficients and partial rank correlations (experiments/regression_sensitivity.py)
on data with a known relation, and their place in the analysis of Latin hypercubes and Monte Carlo draws."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liptako.cli import main
from liptako.experiments import analysis as an
from liptako.experiments.regression_sensitivity import regression_sensitivity
from liptako.experiments.store import atomic_parquet, atomic_write_json

SD_UNIFORM = math.sqrt(1 / 12)


def test_src_and_prcc_recover_a_known_linear_relation():
    rng = np.random.default_rng(11)
    n = 600
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n), "c": rng.random(n)})
    noise = 0.2
    y = 2.0 * x["a"] - 1.0 * x["b"] + rng.normal(0, noise, n)
    table = regression_sensitivity(x, y.to_numpy()).set_index("parameter")
    sd_y = math.sqrt((4 + 1) / 12 + noise**2)
    truth = {"a": 2 * SD_UNIFORM / sd_y, "b": -SD_UNIFORM / sd_y, "c": 0.0}
    for name, src in truth.items():
        row = table.loc[name]
        assert row["src_low"] <= src <= row["src_high"], (name, src, row.to_dict())  # the interval covers it
        assert abs(row["src"] - src) < 0.05
    assert table.loc["a", "prcc"] > 0.9 and table.loc["b", "prcc"] < -0.6  # signs and sizes
    assert table.loc["c", "prcc_low"] < 0 < table.loc["c", "prcc_high"] and table.loc["c", "prcc_p"] > 0.01
    assert table.loc["a", "prcc_p"] < 1e-10
    assert table.attrs["r2"] == pytest.approx(1 - noise**2 / sd_y**2, abs=0.03)
    assert table.attrs["n"] == n and table.attrs["seed"] and table.attrs["resamples"] == 1000
    # the same data give the same table: the resampling is seeded
    again = regression_sensitivity(x, y.to_numpy()).set_index("parameter")
    pd.testing.assert_frame_equal(table, again)


def test_prcc_sees_a_monotone_curve_that_the_linear_fit_misses():
    rng = np.random.default_rng(5)
    n = 500
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n)})
    y = np.exp(8 * x["a"].to_numpy()) + rng.normal(0, 1, n)
    table = regression_sensitivity(x, y).set_index("parameter")
    assert table.loc["a", "prcc"] > 0.95  # ranks straighten any monotone curve
    assert table.attrs["r2"] < 0.85  # a straight line does not fit it
    assert abs(table.loc["b", "prcc"]) < 0.15


def test_missing_outcomes_are_left_out_and_a_constant_outcome_gives_nan():
    rng = np.random.default_rng(2)
    x = pd.DataFrame({"a": rng.random(200), "b": rng.random(200)})
    y = 3 * x["a"].to_numpy() + rng.normal(0, 0.1, 200)
    y[:50] = np.nan
    table = regression_sensitivity(x, y)
    assert table.attrs["n"] == 150 and table.set_index("parameter").loc["a", "prcc"] > 0.9
    flat = regression_sensitivity(x, np.ones(200))
    assert flat[["src", "prcc", "src_low", "prcc_high"]].isna().all().all() and math.isnan(flat.attrs["r2"])


def _folder(root: Path, *, posterior: bool) -> Path:
    """A results folder: an lhs design of 300 points x 2 replications, or Monte Carlo draws (a one-point grid
    whose replications draw coup_base_hazard and exit_threshold, as `run --posterior` does)."""
    rng = np.random.default_rng(9)
    points, reps = (1, 600) if posterior else (300, 2)
    n = points * reps
    point_id = np.repeat(np.arange(points), reps)
    u = rng.random((n if posterior else points, 2))
    if not posterior:
        u = u[point_id]
    hazard, threshold = 0.005 + 0.025 * u[:, 0], 0.1 + 0.6 * u[:, 1]
    coups = rng.poisson(60 * hazard * 3)  # more coups with a higher hazard
    members = 3 - (rng.random(n) < threshold).astype(int)  # fewer members with a higher exit threshold
    runs = pd.DataFrame({"run_id": np.arange(n), "point_id": point_id, "replication": np.tile(np.arange(reps), points),
                         "scenario": "baseline", "seed": 100 + np.tile(np.arange(reps), points),
                         "coup_base_hazard": hazard, "exit_threshold": threshold, "coup_attempts": coups,
                         "members_end": members, "survival_months": 60, "dissolved": 0,
                         "first_exit_month": np.where(members < 3, 30.0, np.nan)})  # fmt: skip
    design = "grid" if posterior else "lhs"
    experiment = {"name": "synthetic", "design": design, "samples": points, "replications": reps, "months": 60,
                  "seed": 1, "levels": 4, "description": "", "scenarios": [],
                  "vary": [] if posterior else [{"parameter": "coup_base_hazard", "low": 0.005, "high": 0.03},
                                                {"parameter": "exit_threshold", "low": 0.1, "high": 0.7}]}  # fmt: skip
    if posterior:
        experiment["posterior"] = {"parameters": ["coup_base_hazard", "exit_threshold"], "draws": []}
    manifest = {"experiment": experiment, "fingerprint": "x", "root_seed": 1, "design": design, "points": points,
                "runs": n, "scenarios": ["baseline"],
                "parameters": [] if posterior else ["coup_base_hazard", "exit_threshold"]}  # fmt: skip
    (root / "runs").mkdir(parents=True)
    atomic_write_json(root / "manifest.json", manifest)
    atomic_parquet(runs, root / "runs" / "part-000001.parquet")
    return root


@pytest.mark.parametrize("posterior", [False, True], ids=["lhs", "monte-carlo"])
def test_sampled_designs_get_src_and_prcc_correctly_labelled(tmp_path, capsys, posterior):
    folder = _folder(tmp_path / "f", posterior=posterior)
    tables = an.analyze(folder)
    assert not [k for k in tables if k.startswith("effects_")]  # no "one-at-a-time effects" for a sampled design
    coups = tables["regression_coup_attempts"].set_index("parameter")
    assert coups.attrs["title"] == "Regression sensitivity (SRC and PRCC): Coup attempts"
    assert coups.loc["coup_base_hazard", "prcc_low"] > 0.3 and coups.loc["coup_base_hazard", "src"] > 0.3
    assert coups.loc["exit_threshold", "prcc_low"] < 0 < coups.loc["exit_threshold", "prcc_high"]
    members = tables["regression_members_end"].set_index("parameter")
    assert members.loc["exit_threshold", "prcc_high"] < 0 and members.index[0] == "exit_threshold"
    unit = "600 runs (one Monte Carlo draw each)" if posterior else "300 design points (means over 2 replications)"
    assert unit in coups.attrs["note"] and "R² = " in coups.attrs["note"]
    assert (folder / "analysis" / "regression_coup_attempts.csv").exists()
    assert main(["analyze", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "### Regression sensitivity (SRC and PRCC): Coup attempts" in out and "prcc_low" in out
    assert "One-at-a-time" not in out
