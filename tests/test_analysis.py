"""The analysis of results folders against known answers: Sobol indices of the Ishigami function, a
Kaplan–Meier estimate worked by hand, the log-rank test, paired scenario differences and one-at-a-time
effects. Synthetic data only (fast); real folders are in test_report.py."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from liptako.experiments import analysis as an
from liptako.experiments.designs import points
from liptako.experiments.spec import Experiment, Vary
from liptako.experiments.store import Store
from liptako.model.scenario import load

# Ishigami function, a = 7, b = 0.1: analytic first-order and total indices (Saltelli et al. 2008, 4.4.3).
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


@pytest.fixture(scope="module")
def ishigami_folder(tmp_path_factory):
    """A results folder of a sobol experiment whose 'runs' evaluate the Ishigami function.

    Three registry parameters are mapped back to the unit cube and on to [-pi, pi]. Each point has two
    replications, +0.5 and -0.5 around the function's value, so the per-point mean is exactly the function:
    the test also checks that replications are averaged before the indices are computed.
    """
    vary = [
        Vary(parameter="coup_base_hazard", low=0.004, high=0.03),
        Vary(parameter="nonwestern_budget_factor", low=0.0, high=2.0),
        Vary(parameter="exit_threshold", low=0.1, high=0.5),
    ]
    e = Experiment(name="ishigami", design="sobol", samples=1024, replications=2, months=12, seed=5, levels=4,
                   description="Ishigami", vary=vary, scenarios=[load("baseline")])  # fmt: skip
    design = points(e)
    unit = np.column_stack([(design[v.parameter] - v.low) / (v.high - v.low) for v in vary])
    y = ishigami(-np.pi + 2 * np.pi * unit)
    root = tmp_path_factory.mktemp("ishigami")
    store = Store(root)
    store.prepare(e, design, 2 * len(design), force=False, where="test")
    rows = []
    for r, shift in enumerate((0.5, -0.5)):
        frame = design.copy()
        frame.insert(1, "replication", r)
        frame.insert(2, "scenario", "baseline")
        frame.insert(3, "seed", r)
        frame["survival_months"] = y + shift
        rows.append(frame)
    runs = pd.concat(rows, ignore_index=True)
    runs.insert(0, "run_id", np.arange(len(runs)))
    store.write_chunk(1, runs, pd.DataFrame({"run_id": runs["run_id"], "month": 0}))
    return root


def test_sobol_indices_of_ishigami_match_the_analytic_values(ishigami_folder):
    table = an.sobol_indices(ishigami_folder, "survival_months")
    assert list(table["parameter"]) == ["coup_base_hazard", "nonwestern_budget_factor", "exit_threshold"]
    # N = 1024 (5,120 points): over 20 sample seeds the largest error was 0.024; 0.05 leaves room.
    np.testing.assert_allclose(table["S1"], ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(table["ST"], ISHIGAMI_ST, atol=0.05)
    assert (table["S1_conf"] > 0).all() and (table["ST_conf"] < 0.15).all()
    again = an.sobol_indices(ishigami_folder, "survival_months")
    pd.testing.assert_frame_equal(table, again)  # seeded resampling: same table twice


def test_sobol_from_outputs_on_arrays():
    from SALib.sample import sobol

    prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}
    x = sobol.sample(prob, 2048, calc_second_order=False, scramble=True, seed=3)
    table = an.sobol_from_outputs(prob["names"], ishigami(x))
    np.testing.assert_allclose(table["S1"], ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(table["ST"], ISHIGAMI_ST, atol=0.05)


def test_sobol_of_a_constant_outcome_is_undefined_not_an_error():
    table = an.sobol_from_outputs(["a", "b"], np.full(4 * 8, 120.0))
    assert table[["S1", "ST"]].isna().all().all()
    with pytest.raises(ValueError, match="Saltelli"):
        an.sobol_from_outputs(["a", "b"], np.ones(7))


def test_morris_indices_of_a_linear_function(tmp_path):
    """y = 3 u1 - u2 (u: unit coordinates): every elementary effect of the first parameter is 3 per full range,
    of the second -1, of the third 0, with no spread."""
    vary = [
        Vary(parameter="coup_base_hazard", low=0.004, high=0.03),
        Vary(parameter="nonwestern_budget_factor", low=0.0, high=2.0),
        Vary(parameter="exit_threshold", low=0.1, high=0.5),
    ]
    e = Experiment(name="linear", design="morris", samples=6, replications=1, months=12, seed=7, levels=4,
                   description="", vary=vary, scenarios=[load("baseline")])  # fmt: skip
    design = points(e)
    unit = np.column_stack([(design[v.parameter] - v.low) / (v.high - v.low) for v in vary])
    runs = design.copy()
    runs.insert(0, "run_id", np.arange(len(runs)))
    runs.insert(2, "replication", 0)
    runs.insert(3, "scenario", "baseline")
    runs.insert(4, "seed", 0)
    runs["coup_attempts"] = 3 * unit[:, 0] - unit[:, 1]
    store = Store(tmp_path)
    store.prepare(e, design, len(runs), force=False, where="test")
    store.write_chunk(1, runs, pd.DataFrame({"run_id": runs["run_id"], "month": 0}))
    table = an.morris_indices(tmp_path, "coup_attempts")
    np.testing.assert_allclose(table["mu"], [3, -1, 0], atol=1e-9)
    np.testing.assert_allclose(table["mu_star"], [3, 1, 0], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0, atol=1e-9)
    assert an.analyze(tmp_path)["morris_coup_attempts"]["parameter"].iloc[0] == "coup_base_hazard"


def test_kaplan_meier_equals_the_hand_computation():
    # Eight runs: months to dissolution, and whether it happened (0: still together at that month).
    months = [1, 2, 2, 3, 4, 5, 5, 6]
    dissolved = [1, 1, 0, 1, 0, 1, 1, 0]
    runs = pd.DataFrame({"scenario": "s", "survival_months": months, "dissolved": dissolved})
    curve = an.survival(runs)["s"]
    # By hand, S(t) = prod over event times (1 - d/n), n counting the runs censored at t as still at risk:
    # t=1: 8 at risk, 1 event; t=2: 7, 1 (the other run at 2 is censored); t=3: 5, 1; t=4: censored only;
    # t=5: 3 at risk, 2 events; t=6: censored only.
    s1 = 7 / 8
    s2 = s1 * 6 / 7
    s3 = s2 * 4 / 5
    s5 = s3 * 1 / 3
    expected = {0: 1.0, 1: s1, 2: s2, 3: s3, 4: s3, 5: s5, 6: s5}
    assert curve["months"].tolist() == list(expected)
    np.testing.assert_allclose(curve["survival"], list(expected.values()), rtol=1e-12)
    assert curve["at_risk"].tolist() == [8, 8, 7, 5, 4, 3, 1]
    assert curve["events"].tolist() == [0, 1, 1, 1, 0, 2, 0]
    # Greenwood at t=3: var = S^2 * sum d / (n (n - d)) over the event times up to 3.
    var3 = s3**2 * (1 / (8 * 7) + 1 / (7 * 6) + 1 / (5 * 4))
    z = stats.norm.ppf(0.975)
    row = curve[curve["months"] == 3].iloc[0]
    assert row["lower"] == pytest.approx(s3 - z * math.sqrt(var3), rel=1e-9)
    assert row["upper"] == pytest.approx(min(1.0, s3 + z * math.sqrt(var3)), rel=1e-9)


def test_kaplan_meier_with_nothing_happening_stays_at_one():
    runs = pd.DataFrame({"scenario": "s", "survival_months": [24] * 5, "dissolved": [0] * 5})
    curve = an.survival(runs)["s"]
    assert curve["survival"].tolist() == [1.0, 1.0]
    table = an.survival_table(runs)
    assert "no run" in table.attrs["note"] and table["survival"].tolist() == [1.0]


def test_first_exit_is_censored_where_nobody_left():
    runs = pd.DataFrame({"scenario": "s", "survival_months": [60, 60, 30], "dissolved": [0, 0, 1],
                         "first_exit_month": [np.nan, 12, 20]})  # fmt: skip
    curve = an.survival(runs, outcome="first_exit_month")["s"]
    assert curve["months"].tolist() == [0, 12, 20, 60]
    np.testing.assert_allclose(curve["survival"], [1, 2 / 3, 1 / 3, 1 / 3])


def _two_groups(a_times, a_events, b_times, b_events) -> pd.DataFrame:
    return pd.DataFrame({
        "scenario": ["a"] * len(a_times) + ["b"] * len(b_times),
        "survival_months": list(a_times) + list(b_times),
        "dissolved": list(a_events) + list(b_events),
    })  # fmt: skip


def test_logrank_separates_different_samples_and_not_identical_ones():
    early = np.arange(1, 21)  # every run of a dissolves within 20 months
    late = np.r_[np.arange(40, 55), [60] * 5]  # b's dissolve after 40, five still together at 60
    runs = _two_groups(early, [1] * 20, late, [1] * 15 + [0] * 5)
    stat, p = an.logrank(runs, "a", "b")
    assert p < 1e-6 and stat > 0  # a dies sooner
    same = _two_groups(late, [1] * 15 + [0] * 5, late, [1] * 15 + [0] * 5)
    stat, p = an.logrank(same, "a", "b")
    assert p > 0.99 and stat == pytest.approx(0.0, abs=1e-12)
    none = _two_groups([60] * 4, [0] * 4, [60] * 4, [0] * 4)
    assert all(math.isnan(v) for v in an.logrank(none, "a", "b"))


def test_compare_scenarios_recovers_a_known_paired_difference():
    rng = np.random.default_rng(0)
    base = rng.normal(50.0, 10.0, 12)  # large run-to-run spread...
    noise = np.tile([0.1, -0.1], 6)  # ...but a pair differs by exactly 2 on average, 2 +- 0.1 each
    runs = pd.DataFrame({
        "point_id": 0,
        "replication": np.tile(np.arange(12), 3),
        "scenario": np.repeat(["base", "plus2", "same"], 12),
        "coup_attempts": np.r_[base, base + 2 + noise, base],
    })  # fmt: skip
    runs = runs.sample(frac=1.0, random_state=1)  # pairing must not depend on row order
    runs.loc[(runs["scenario"] == "plus2") & (runs["replication"] == 3), "coup_attempts"] = np.nan
    table = an.compare_scenarios(runs, "coup_attempts", baseline="base").set_index("scenario")
    assert table.index[0] == "base" and set(table.index) == {"base", "plus2", "same"}
    plus2 = table.loc["plus2"]
    assert plus2["pairs"] == 11  # the NaN run drops its pair
    expected = np.mean(np.delete(2 + noise, 3))
    assert plus2["difference"] == pytest.approx(expected, abs=1e-12)
    assert plus2["low"] < expected < plus2["high"] and plus2["high"] - plus2["low"] < 0.2
    assert table.loc["same", "difference"] == 0 and table.loc["same", "low"] == table.loc["same", "high"] == 0
    assert math.isnan(table.loc["base", "difference"])
    assert table.loc["base", "mean"] == pytest.approx(base.mean())
    # the default baseline is the first scenario in the runs
    assert an.compare_scenarios(runs, "coup_attempts").iloc[0]["scenario"] == runs["scenario"].iloc[0]


def test_one_at_a_time_on_a_grid_and_on_a_continuous_range():
    a, b = np.meshgrid([0.0, 1.0, 2.0], [10.0, 20.0], indexing="ij")
    runs = pd.DataFrame({"seed": 1, "a": a.ravel(), "b": b.ravel(), "survival_months": 3 * a.ravel() + 5})
    table = an.one_at_a_time(runs, "survival_months").set_index("parameter")
    assert list(table.index) == ["a", "b"]  # the larger swing first
    assert table.loc["a", "low_mean"] == 5 and table.loc["a", "high_mean"] == 11
    assert table.loc["a", "low_effect"] == -3 and table.loc["a", "high_effect"] == 3  # mean is 8
    assert table.loc["b", "swing"] == 0
    x = np.linspace(0, 1, 101)
    cont = pd.DataFrame({"seed": 1, "c": x, "coup_attempts": x})
    row = an.one_at_a_time(cont, "coup_attempts").iloc[0]
    assert row["low_runs"] == row["high_runs"] == 11  # lowest and highest decile
    assert row["low_mean"] == pytest.approx(0.05) and row["high_mean"] == pytest.approx(0.95)


def test_markdown_tables_are_aligned_and_titled():
    frame = an._titled(pd.DataFrame({"name": ["a", "bb"], "value": [1.23456, math.nan]}), "T", "a note")
    text = an.format_tables({"t": frame})
    lines = text.splitlines()
    assert lines[0] == "### T" and "_a note_" in text
    table = [line for line in lines if line.startswith("|")]
    assert len({len(line) for line in table}) == 1  # columns aligned
    assert "1.235" in text and "—" in text
