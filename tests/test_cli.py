"""The command line's happy paths: run, scenarios, params, validate and help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from liptako.cli import main
from liptako.model.parameters import REGISTRY
from liptako.model.scenario import bundled_names, load

LINE = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])) ([^:]+): \S")


def call(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """``liptako run baseline --months 12 --seed 3`` twice, into two folders (with plots)."""
    root = tmp_path_factory.mktemp("cli-run")
    outputs = []
    for name in ("first", "second"):
        out = root / name
        status = main(["run", "baseline", "--months", "12", "--out", str(out), "--seed", "3"])
        assert status == 0
        outputs.append(out)
    return outputs


def test_run_writes_every_result_file(two_runs):
    out = two_runs[0]
    names = {p.name for p in out.iterdir()}
    assert {"timeseries.csv", "timeseries.parquet", "summary.json", "manifest.json"} <= names
    assert [n for n in names if "events" in n], names
    assert len([n for n in names if n.endswith(".png")]) >= 4
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    assert not [n for n in names if n.startswith(".")], "a staging file was left behind"


def test_run_files_hold_the_run(two_runs):
    out = two_runs[0]
    csv = pd.read_csv(out / "timeseries.csv")
    parquet = pd.read_parquet(out / "timeseries.parquet")
    assert len(csv) == len(parquet) == 12
    assert list(csv.columns) == list(parquet.columns)
    assert csv["date"].iloc[0] == "2023-09" and csv["date"].iloc[-1] == "2024-08"
    numeric = [c for c in csv.columns if c != "date"]
    pd.testing.assert_frame_equal(csv[numeric].astype(float), parquet[numeric].astype(float), rtol=1e-9)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 3 and summary["scenario"] == "baseline" and summary["months"] == 12
    assert summary["outcomes"]["survival_months"] == 12
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3
    assert set(manifest["files"]) == {p.name for p in out.iterdir()}


def test_event_log_lines_start_with_a_month_and_an_actor(two_runs):
    out = two_runs[0]
    events = out / "events.txt"
    lines = events.read_text(encoding="utf-8").splitlines()
    assert lines, "the event log is empty"
    spec = load("baseline")
    states = {spec.state_name(iso) for iso in spec.states}
    actors = (
        states
        | {p.name for p in spec.partners.values()}
        | {b.name for b in spec.blocs.values()}
        | {"Scenario", "Region"}
    )
    whos = []
    for line in lines:
        match = LINE.match(line)
        assert match, f"not 'YYYY-MM Actor: text': {line!r}"
        assert "2023-09" <= match.group(1) <= "2024-08"
        assert match.group(3) in actors, line
        whos.append(match.group(3))
    assert sum(w in states for w in whos) >= len(whos) / 2
    assert [LINE.match(line).group(1) for line in lines] == sorted(LINE.match(line).group(1) for line in lines)


def test_the_same_seed_writes_byte_identical_files(two_runs):
    first, second = two_runs
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        if name == "manifest.json":
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between runs"


def test_another_seed_writes_different_results(two_runs, tmp_path):
    assert main(["run", "baseline", "--months", "12", "--out", str(tmp_path / "o"), "--seed", "4", "--no-plots"]) == 0
    assert (tmp_path / "o" / "timeseries.csv").read_bytes() != (two_runs[0] / "timeseries.csv").read_bytes()
    assert not list((tmp_path / "o").glob("*.png"))  # --no-plots


def test_set_overrides_reach_the_run(tmp_path, capsys):
    status, _, err = call(
        [
            "run",
            "baseline",
            "--months",
            "6",
            "--no-plots",
            "--out",
            str(tmp_path / "o"),
            "--set",
            "coup_base_hazard=0",
            "--set",
            "exit_patience=7",
        ],
        capsys,
    )
    assert status == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["parameters"]["coup_base_hazard"] == 0 and summary["parameters"]["exit_patience"] == 7
    ts = pd.read_csv(tmp_path / "o" / "timeseries.csv")
    assert (ts[[c for c in ts.columns if c.startswith("coup_risk.")]] == 0).all().all()


def test_narrate_prints_the_event_log(tmp_path, capsys):
    status, out, err = call(
        ["run", "baseline", "--months", "12", "--seed", "3", "--narrate", "--no-plots", "--out", str(tmp_path / "o")],
        capsys,
    )
    assert status == 0, err
    printed = [line for line in out.splitlines() if LINE.match(line)]
    events = tmp_path / "o" / "events.txt"
    logged = events.read_text(encoding="utf-8").splitlines()
    assert printed and printed == logged


def test_the_printed_summary_names_the_scenario(tmp_path, capsys):
    status, out, _ = call(["run", "baseline", "--months", "3", "--no-plots", "--out", str(tmp_path / "o")], capsys)
    assert status == 0
    assert load("baseline").title in out and "seed 1" in out


def test_scenarios_lists_every_bundled_scenario(capsys):
    status, out, _ = call(["scenarios"], capsys)
    assert status == 0
    listed = [line.split()[0] for line in out.splitlines() if line.strip() and not line.startswith(" ")]
    assert listed == bundled_names()
    for name in bundled_names():
        assert load(name).title in out


def test_params_json_is_the_registry(capsys):
    status, out, _ = call(["params", "--json"], capsys)
    assert status == 0
    entries = json.loads(out)
    assert isinstance(entries, list) and len(entries) == len(REGISTRY)
    assert [e["name"] for e in entries] == [p.name for p in REGISTRY]
    for entry in entries:
        assert set(entry) == {"name", "default", "unit", "low", "high", "description", "source"}, entry["name"]
        assert entry["low"] <= entry["default"] <= entry["high"], entry["name"]
        assert entry["low"] < entry["high"], entry["name"]
        assert entry["unit"] and entry["description"] and entry["source"], entry["name"]


def test_params_table_lists_every_parameter(capsys):
    status, out, _ = call(["params"], capsys)
    assert status == 0
    for p in REGISTRY:
        assert p.name in out


@pytest.mark.parametrize(
    "argv", [["--help"], ["run", "--help"], ["scenarios", "--help"], ["params", "--help"], ["validate", "--help"]]
)
def test_help_exits_zero(argv, capsys):
    status, out, _ = call(argv, capsys)
    assert status == 0
    assert "usage:" in out


def test_no_command_is_a_usage_error(capsys):
    status, _, err = call([], capsys)
    assert status == 2 and "Traceback" not in err


def test_python_dash_m_runs_the_command_line():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "liptako", "scenarios"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent,
    )
    assert done.returncode == 0, done.stderr
    assert "baseline" in done.stdout


def test_manifest_records_the_command_that_was_run(tmp_path):
    assert main(["run", "baseline", "--months", "2", "--seed", "5", "--no-plots", "--out", str(tmp_path / "o")]) == 0
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["command"][1:] == [
        "run",
        "baseline",
        "--months",
        "2",
        "--seed",
        "5",
        "--no-plots",
        "--out",
        str(tmp_path / "o"),
    ]


def test_a_horizon_before_the_scenarios_events_says_so(tmp_path, capsys):
    """`run FILE --months 6` would quietly turn the what-if into the baseline: it warns, naming the events."""
    assert main(["run", "russia-withdraws", "--months", "6", "--no-plots", "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "warning: --months 6 ends the run in 2024-02; 2 of russia-withdraws's 2 events" in err
    assert "partner_exit 2024-09" in err
    assert main(["run", "russia-withdraws", "--months", "13", "--no-plots", "--out", str(tmp_path / "b")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_values_that_make_no_sense_together_run_with_a_warning(tmp_path, capsys):
    out = tmp_path / "a"
    args = ["run", "baseline", "--months", "3", "--no-plots", "--out", str(out)]
    assert main([*args, "--set", "exit_threshold=0.95", "--set", "accession_threshold=0.5"]) == 0
    err = capsys.readouterr().err
    assert "warning: baseline: exit_threshold = 0.95 must be below accession_threshold = 0.5" in err
    assert (out / "summary.json").exists()
    assert main(args) == 0
    assert "warning" not in capsys.readouterr().err


def test_analyze_and_report_on_a_single_run_folder_say_what_it_is(tmp_path, capsys):
    out = tmp_path / "one"
    assert main(["run", "baseline", "--months", "3", "--no-plots", "--out", str(out)]) == 0
    capsys.readouterr()
    for command in ("analyze", "report"):
        assert main([command, str(out)]) == 2
        err = capsys.readouterr().err
        assert "holds a single run" in err and "--reps" in err and err.count("\n") == 1


def test_a_long_sweep_says_roughly_how_long_before_it_starts(monkeypatch, capsys):
    """The note comes before any run: the sweep itself is stopped at once by a stub."""
    import liptako.experiments.sweep as sweep

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep, "execute", stop)
    assert main(["run", "baseline", "--reps", "1000000", "--workers", "2"]) == 130
    err = capsys.readouterr().err
    assert "note: 1,000,000 runs of 120 months will take roughly 12 minutes on 2 workers" in err
    assert main(["run", "baseline", "--reps", "1000", "--workers", "2"]) == 130
    assert "note:" not in capsys.readouterr().err
