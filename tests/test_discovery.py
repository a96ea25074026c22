"""Scenario discovery (`liptako discover`, experiments/discovery.py): the outcome expression, PRIM (EMA
Workbench) finding a known box in a synthetic results folder, the files and the report section, and the
errors (exit status 2, one line)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liptako.cli import main
from liptako.experiments import discovery
from liptako.experiments.store import atomic_parquet, atomic_write_json
from liptako.model.errors import InputError

PARAMETERS = {"exit_threshold": (0.1, 0.7), "coup_base_hazard": (0.005, 0.03), "western_budget_factor": (0.0, 3.0)}
TRUE_LOW, TRUE_HIGH = 0.4, 0.6  # a member leaves (early) when exit_threshold is in here, and rarely otherwise


def synthetic_folder(root: Path, n: int = 1500, seed: int = 3) -> Path:
    """A results folder of an lhs-like design whose first exit depends on exit_threshold's range only."""
    rng = np.random.default_rng(seed)
    x = {name: rng.uniform(low, high, n) for name, (low, high) in PARAMETERS.items()}
    inside = (x["exit_threshold"] >= TRUE_LOW) & (x["exit_threshold"] <= TRUE_HIGH)
    leaves = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.03)
    first_exit = np.where(leaves, rng.integers(10, 55, n), np.nan)  # missing: nobody left
    runs = pd.DataFrame({"run_id": np.arange(n), "point_id": np.arange(n), "replication": 0, "scenario": "baseline",
                         "seed": np.arange(n) + 100, **x, "first_exit_month": first_exit,
                         "survival_months": 60, "dissolved": 0,
                         "members_end": np.where(leaves, 2, 3), "coup_attempts": rng.poisson(2, n)})  # fmt: skip
    vary = [{"parameter": name, "low": low, "high": high} for name, (low, high) in PARAMETERS.items()]
    experiment = {"name": "synthetic", "design": "lhs", "samples": n, "replications": 1, "months": 60, "seed": 1,
                  "levels": 4, "description": "a synthetic folder", "vary": vary, "scenarios": []}  # fmt: skip
    root.mkdir(parents=True, exist_ok=True)
    (root / "runs").mkdir(exist_ok=True)
    manifest = {"experiment": experiment, "fingerprint": "synthetic", "root_seed": 1, "design": "lhs", "points": n,
                "runs": n, "scenarios": ["baseline"], "parameters": list(PARAMETERS)}  # fmt: skip
    atomic_write_json(root / "manifest.json", manifest)
    atomic_parquet(runs[["point_id", *PARAMETERS]], root / "design.parquet")
    atomic_parquet(runs, root / "runs" / "part-000001.parquet")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return synthetic_folder(tmp_path_factory.mktemp("discovery") / "synthetic")


# --- the outcome expression -----------------------------------------------------------------------------------
def test_an_expression_is_parsed_without_eval_and_missing_values_satisfy_no_comparison():
    runs = pd.DataFrame({"first_exit_month": [10.0, 70.0, np.nan], "members_end": [2, 3, 3]})
    columns = list(runs.columns)
    assert discovery.parse_outcome("first_exit_month <= 60", columns).holds(runs).tolist() == [True, False, False]
    # NaN is not <= 60, nor > 60, nor != 60: a run in which nobody left satisfies no comparison
    assert discovery.parse_outcome("first_exit_month > 60", columns).holds(runs).tolist() == [False, True, False]
    assert discovery.parse_outcome("first_exit_month != 60", columns).holds(runs).tolist() == [True, True, False]
    assert discovery.parse_outcome("first_exit_month is missing", columns).holds(runs).tolist() == [False, False, True]
    either = discovery.parse_outcome("first_exit_month <= 60 or first_exit_month is missing", columns)
    assert either.holds(runs).tolist() == [True, False, True]
    # "and" binds before "or"
    mixed = discovery.parse_outcome("members_end < 3 and first_exit_month > 60 or members_end == 3", columns)
    assert mixed.holds(runs).tolist() == [False, True, True]
    assert str(mixed) == "members_end < 3 and first_exit_month > 60 or members_end == 3"
    assert discovery.parse_outcome("first_exit_month<=6e1", columns).groups[0][0].value == 60


@pytest.mark.parametrize(
    "text, words",
    [
        ("first_exit_month <=", "expected a number"),
        ("first_exit_month = 60", "unexpected"),
        ("60 >= first_exit_month", "expected a column name"),
        ("first_exit_month <= 60 and", "expected a column name"),
        ("first_exit_month <= 60 members_end < 3", "expected 'and', 'or'"),
        ("__import__('os').system('true')", "unexpected"),
        ("", "empty"),
        ("first_exit_month is", "expected 'missing'"),
    ],
)
def test_a_bad_expression_names_what_is_allowed(text, words):
    with pytest.raises(InputError) as err:
        discovery.parse_outcome(text, ["first_exit_month", "members_end"])
    message = str(err.value)
    assert words in message and "<= >" in message and "\n" not in message


def test_an_unknown_column_or_a_parameter_is_refused():
    with pytest.raises(InputError, match=r"unknown column 'first_exit_mnth' \(did you mean 'first_exit_month'"):
        discovery.parse_outcome("first_exit_mnth <= 60", ["first_exit_month"])
    with pytest.raises(InputError, match="is a varied parameter"):
        discovery.parse_outcome("exit_threshold > 0.4", ["first_exit_month"], ["exit_threshold"])


# --- PRIM on a known box --------------------------------------------------------------------------------------
def test_prim_finds_the_parameter_and_the_range_that_make_members_leave(folder):
    document = discovery.discover(folder, "first_exit_month <= 60")
    assert document["runs"] == 1500 and 0 < document["base_rate"] < 0.5
    assert document["missing"]["first_exit_month"] == 1500 - document["of_interest"]
    box = document["boxes"][0]
    restricted = {r["parameter"]: r for r in box["restricted"]}
    assert set(restricted) == {"exit_threshold"}  # the other two do not matter; their chance trims are dropped
    r = restricted["exit_threshold"]
    # close to the truth: PRIM peels on while density rises, so by chance a little into the true range too
    assert abs(r["low"] - TRUE_LOW) < 0.05 and abs(r["high"] - TRUE_HIGH) < 0.05
    assert r["qp_low"] < 1e-6 and r["qp_high"] < 1e-6
    assert box["coverage"] > 0.6 and box["density"] > 0.85  # the true box: about 0.94 and 0.88
    assert box["trajectory"][0]["coverage"] == 1 and box["trajectory"][0]["restricted"] == 0
    # the files: the JSON holds the same document, the trajectory every step, the figure PNG and SVG
    out = folder / "discovery"
    assert json.loads((out / "discovery.json").read_text()) == json.loads(json.dumps(document))
    steps = pd.read_csv(out / "trajectory.csv")
    assert len(steps) == len(box["trajectory"]) and steps["chosen"].sum() == 1
    assert (out / "prim.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (out / "prim.svg").exists()


def test_the_command_prints_the_trajectory_and_the_box(folder, capsys):
    assert main(["discover", str(folder), "--outcome", "first_exit_month <= 60", "--boxes", "2"]) == 0
    out = capsys.readouterr().out
    assert "peeling trajectory" in out and "<- chosen" in out
    assert "exit_threshold in [0.4" in out and "coverage" in out and "density" in out and "qp low" in out
    assert "missing in" in out  # the runs in which nobody left are counted and explained


def test_the_report_gets_a_discovery_section(folder):
    from liptako.experiments.report import write_report

    discovery.discover(folder, "first_exit_month <= 60")
    text = write_report(folder).read_text(encoding="utf-8")
    assert '<h2 id="discovery">Scenario discovery (PRIM)</h2>' in text
    assert "exit_threshold" in text and "data:image/png;base64," in text


# --- errors: exit status 2, one line --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "outcome, words",
    [
        ("first_exit_month <== 60", "--outcome"),
        ("first_exit_mnth <= 60", "unknown column 'first_exit_mnth'"),
        ("exit_threshold >= 0.4", "varied parameter"),
        ("first_exit_month <= 0", "no run of the 1,500"),
    ],
)
def test_bad_outcomes_exit_with_status_2_and_one_line(folder, capsys, outcome, words):
    assert main(["discover", str(folder), "--outcome", outcome]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and err.startswith("liptako: error: ")


def test_a_missing_folder_exits_with_status_2(tmp_path, capsys):
    assert main(["discover", str(tmp_path / "nowhere"), "--outcome", "first_exit_month <= 60"]) == 2
    err = capsys.readouterr().err
    assert "no such folder" in err and err.count("\n") == 1


def test_without_the_extra_the_command_says_how_to_install_it(folder, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # `import ema_workbench` now raises ImportError
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    assert main(["discover", str(folder), "--outcome", "first_exit_month <= 60"]) == 2
    err = capsys.readouterr().err
    assert "uv sync --extra discover" in err and "liptako[discover]" in err and err.count("\n") == 1


def test_liptako_help_does_not_import_ema_workbench():
    code = ("import sys\nfrom liptako.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'ema_workbench' not in sys.modules, 'imported'\n")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_shipped_experiment_is_a_latin_hypercube_over_sixty_months():
    from liptako.experiments.spec import load_experiment

    e = load_experiment(Path(__file__).resolve().parents[1] / "experiments" / "what-breaks-the-aes.toml")
    assert e.design == "lhs" and e.months == 60 and len(e.vary) >= 8
    assert {"exit_threshold", "commitment_intercept", "commitment_alignment"} <= set(e.parameters)


def test_a_folder_without_varied_parameters_is_refused(tmp_path, capsys):
    root = synthetic_folder(tmp_path / "flat", n=200)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["parameters"], manifest["design"] = [], "grid"
    atomic_write_json(root / "manifest.json", manifest)
    assert main(["discover", str(root), "--outcome", "first_exit_month <= 60"]) == 2
    err = capsys.readouterr().err
    assert "no parameter varies" in err and err.count("\n") == 1
