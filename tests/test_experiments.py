"""Experiments at scale: experiment files, designs, the results store, workers, Dask, resuming, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from liptako.cli import main
from liptako.experiments import execute, load, load_experiment, load_series
from liptako.experiments.designs import count_points, points, replication_seeds
from liptako.experiments.spec import replications_experiment
from liptako.experiments.sweep import MAX_CHUNK, MIN_CHUNK, chunk_sizes
from liptako.model.errors import InputError
from liptako.model.parameters import BY_NAME
from liptako.model.scenario import bundled_names
from liptako.model.scenario import load as load_scenario

ROOT = Path(__file__).resolve().parents[1]
SMALL = """\
[experiment]
name = "small"
scenario = "baseline"
design = "lhs"
samples = 6
replications = 2
months = 24
seed = 5

[[vary]]
parameter = "coup_base_hazard"
low = 0.005
high = 0.03

[[vary]]
parameter = "deployment_months"
low = 2
high = 12
integer = true
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("exp"), SMALL)


@pytest.fixture(scope="module")
def reference(small_file, tmp_path_factory) -> pd.DataFrame:
    """The small sweep on one worker: the table every other way of running it must reproduce."""
    out = tmp_path_factory.mktemp("ref") / "out"
    execute(load_experiment(small_file), out, workers=1, quiet=True)
    return load(out)


# --- experiment files and designs ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["coup-sensitivity", "budgets-grid", "morris-screening"])
def test_bundled_experiments_validate(name):
    e = load_experiment(ROOT / "experiments" / f"{name}.toml")
    assert count_points(e) == len(points(e)) > 0


def test_morris_screening_names_every_registry_parameter():
    e = load_experiment(ROOT / "experiments" / "morris-screening.toml")
    assert sorted(e.parameters) == sorted(BY_NAME)


def test_designs_respect_ranges_integers_and_values(small_file):
    e = load_experiment(small_file)
    design = points(e)
    assert design["coup_base_hazard"].between(0.005, 0.03).all()
    assert (design["deployment_months"] == design["deployment_months"].round()).all()
    assert len(design) == 6


def test_replication_seeds_are_spawned_from_the_root_and_shared_across_scenarios(tmp_path):
    assert replication_seeds(1, 3) == replication_seeds(1, 3) != replication_seeds(2, 3)
    e = replications_experiment([load_scenario("baseline"), load_scenario("no-external-funding")], 3, 9, 12)
    execute(e, tmp_path / "cmp", workers=1, quiet=True)
    runs = load(tmp_path / "cmp")
    seeds = runs.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds["baseline"] == seeds["no-external-funding"]).all()
    assert seeds["baseline"].nunique() == 3


# --- the store -----------------------------------------------------------------------------------------------
def test_results_folder_holds_manifest_design_runs_and_series(small_file, tmp_path, reference):
    out = tmp_path / "out"
    execute(load_experiment(small_file), out, workers=1, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["root_seed"] == 5 and manifest["design"] == "lhs" and manifest["runs"] == 12
    assert manifest["liptako_version"]
    runs = load(out)
    assert list(runs["run_id"]) == list(range(12))
    assert {"coup_base_hazard", "deployment_months", "seed", "survival_months", "honour_rate"} <= set(runs)
    series = load_series(out)
    assert len(series) == 12 * 24 and set(series["run_id"]) == set(range(12))
    assert list(series.columns[:2]) == ["run_id", "scenario"]
    by_run = dict(zip(runs["run_id"], runs["scenario"], strict=True))
    assert (series["scenario"] == series["run_id"].map(by_run)).all()
    assert not list(out.rglob(".*"))  # no temporary files left behind


def test_running_again_skips_finished_runs(small_file, tmp_path):
    out = tmp_path / "out"
    first = execute(load_experiment(small_file), out, workers=1, quiet=True)
    again = execute(load_experiment(small_file), out, workers=1, quiet=True)
    assert first["done"] == 12 and again == {"total": 12, "skipped": 12, "done": 0}


def test_two_workers_give_the_same_table(small_file, tmp_path, reference):
    out = tmp_path / "two"
    execute(load_experiment(small_file), out, workers=2, quiet=True)
    pd.testing.assert_frame_equal(load(out), reference)


def test_a_real_local_dask_cluster_gives_the_same_table(small_file, tmp_path, reference):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,  # fmt: skip
    ):
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        out = tmp_path / "dask"
        execute(load_experiment(small_file), out, dask=cluster.scheduler_address, quiet=True)
    pd.testing.assert_frame_equal(load(out), reference)


@pytest.mark.parametrize("runs", [1, 31, 64, 1000, 3000, 45056])
@pytest.mark.parametrize("workers", [1, 2, 8])
def test_chunks_shrink_toward_the_end_so_that_workers_finish_together(runs, workers):
    sizes = chunk_sizes(runs, workers)
    assert sum(sizes) == runs and all(1 <= s <= MAX_CHUNK for s in sizes)
    assert sizes[:-1] == sorted(sizes[:-1], reverse=True)  # (the last may be a little bigger: it takes the stub)
    assert all(s >= MIN_CHUNK for s in sizes) or len(sizes) == 1
    if runs >= 1000:
        assert len(sizes) >= 2 * workers  # every worker gets work, more than once
        assert sizes[-1] <= 2 * MIN_CHUNK  # and the last chunk is short: little time with one worker idle


def test_a_sweep_killed_midway_and_resumed_gives_the_uninterrupted_table(tmp_path):
    # 3,000 runs: chunks of 1,000, 1,000, 500, ... on one worker, long enough (a second or so) to kill between
    text = SMALL.replace("samples = 6", "samples = 1500").replace("months = 24", "months = 60")
    path = write(tmp_path, text)
    whole = tmp_path / "whole"
    execute(load_experiment(path), whole, workers=1, quiet=True)

    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "liptako", "sweep", str(path), "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "runs").glob("part-*.parquet"))) < 1:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = load(out)
    assert 0 < len(partial) < 3000, "the kill should land mid-way"
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out)]) == 0
    pd.testing.assert_frame_equal(load(out), load(whole))
    pd.testing.assert_frame_equal(load_series(out), load_series(whole))


# --- the command line ----------------------------------------------------------------------------------------
def test_run_with_reps_writes_a_sweep_like_folder(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["run", "baseline", "russia-withdraws", "--reps", "3", "--months", "24", "--workers", "1",
                 "--out", str(out)]) == 0  # fmt: skip
    runs = load(out)
    assert sorted(runs["scenario"].unique()) == ["baseline", "russia-withdraws"] and len(runs) == 6
    assert "russia-withdraws" in capsys.readouterr().out


def test_progress_is_a_plain_line_when_not_a_terminal(small_file, tmp_path, capfd):
    assert main(["sweep", str(small_file), "--workers", "1", "--out", str(tmp_path / "p")]) == 0
    err = capfd.readouterr().err
    assert "small: 12/12 runs (100%)" in err and "runs/s" in err


BAD = {
    "unknown-parameter": (
        SMALL.replace('"coup_base_hazard"', '"coup_hazard"'),
        "vary[1].parameter",
        "(did you mean coup_hazard_cap, coup_base_hazard",
    ),
    "unknown-parameter-points-to-params": (
        SMALL.replace('"coup_base_hazard"', '"coup_hazard"'),
        "vary[1].parameter",
        "`liptako params` lists the",
    ),
    "inverted-range": (SMALL.replace("high = 0.03", "high = 0.001"), "vary[1].high", "inverted"),
    "empty-values": (SMALL.replace("low = 0.005\nhigh = 0.03", "values = []"), "vary[1].values", "empty"),
    "outside-registry": (SMALL.replace("high = 0.03", "high = 0.9"), "vary[1].high", "valid range"),
    "grid-with-range": (SMALL.replace('"lhs"', '"grid"'), "experiment.design", "values"),
    "sobol-not-power-of-two": (SMALL.replace('"lhs"', '"sobol"'), "experiment.samples", "power of 2"),
    "morris-one-parameter": (
        (SMALL.split("[[vary]]")[0] + "[[vary]]" + SMALL.split("[[vary]]")[1]).replace('"lhs"', '"morris"'),
        "experiment.design",
        "at least two",
    ),
    "unknown-design": (SMALL.replace('"lhs"', '"factorial"'), "experiment.design", "grid"),
    "unknown-key": (SMALL.replace("seed = 5", "seed = 5\nsede = 4"), "experiment.sede", "valid keys"),
    "malformed": ("[experiment\nname=", "exp.toml", "malformed TOML"),
    "unknown-scenario": (SMALL.replace('"baseline"', '"atlantis"'), "experiment.scenario", "bundled"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_experiment_files_exit_2_naming_the_key_and_write_nothing(case, tmp_path, capsys):
    text, key, hint = BAD[case]
    path = write(tmp_path, text)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(path.name) in err and key in err and hint in err, err
    assert len(err.strip().splitlines()) <= 3 and "Traceback" not in err
    assert not out.exists()


def test_a_folder_holding_another_experiment_is_refused_and_kept(small_file, tmp_path, capsys):
    out = tmp_path / "out"
    execute(load_experiment(small_file), out, workers=1, quiet=True)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in out.rglob("*"))
    other = write(tmp_path, SMALL.replace("seed = 5", "seed = 6"), name="other.toml")
    assert main(["sweep", str(other), "--out", str(out)]) == 2
    assert "holds a different experiment" in capsys.readouterr().err
    assert sorted((p.name, p.stat().st_mtime_ns) for p in out.rglob("*")) == before


def test_an_unreachable_dask_address_is_refused_and_nothing_written(small_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", str(small_file), "--dask", "tcp://127.0.0.1:9", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--dask" in err and "cannot reach" in err and not out.exists()


@pytest.mark.parametrize("argv", [["--workers", "0"], ["--dask", "nonsense"]])
def test_bad_executor_options_exit_2(small_file, tmp_path, argv, capsys):
    assert main(["sweep", str(small_file), "--out", str(tmp_path / "o"), *argv]) == 2
    assert argv[0] in capsys.readouterr().err


def test_every_bundled_scenario_can_be_replicated(tmp_path):
    scenarios = [load_scenario(n) for n in bundled_names()]
    e = replications_experiment(scenarios, 1, 1, 6)
    execute(e, tmp_path / "all", workers=2, quiet=True)
    runs = load(tmp_path / "all")
    assert sorted(runs["scenario"]) == sorted(bundled_names())
    assert np.isfinite(runs["survival_months"]).all()


def test_result_files_are_readable_by_others(tmp_path):
    """Atomic writes go through ``mkstemp`` (mode 0600); the files that land get 0666 less the umask, as a
    plain ``open`` would give them: 0644 under the usual umask 022, 0640 under 027."""
    from liptako.experiments.store import atomic_parquet, atomic_write_bytes

    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.json", b"{}")
        atomic_parquet(pd.DataFrame({"x": [1]}), tmp_path / "b.parquet")
        os.umask(0o027)
        atomic_write_bytes(tmp_path / "c.json", b"{}")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == {"a.json": 0o644, "b.parquet": 0o644, "c.json": 0o640}


def test_a_misspelt_key_is_named_as_such_not_as_a_missing_one(tmp_path):
    """`desing = "grid"` is both an unknown key and a missing `design`: the message names the misspelling."""
    path = tmp_path / "x.toml"
    path.write_text('[experiment]\nname = "x"\ndesing = "grid"\n[[vary]]\nparameter = "coup_base_hazard"\n'
                    "low = 0.01\nhigh = 0.02\n")  # fmt: skip
    with pytest.raises(InputError) as err:
        load_experiment(path)
    assert str(err.value).startswith(f"{path}: experiment.desing: unknown key; did you mean 'design'? valid keys:")
