"""Bad input through the command line: exit status 2, one short message naming the file (or option) and the
key path, no traceback, and nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from liptako.cli import main

HEADER = '[scenario]\nname = "child"\ntitle = "A test scenario"\nextends = "baseline"\n'


def call(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``liptako ARGV`` in-process; returns (status, stdout, stderr)."""
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse's own errors and --help
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_refused(argv, capsys, tmp_path: Path, *must_name: str, max_lines: int = 3) -> str:
    """The run is refused with status 2 and a short message naming each of ``must_name``; nothing written."""
    before = sorted(p.name for p in tmp_path.iterdir())
    out_dir = tmp_path / "out"
    status, out, err = call([*argv, "--out", str(out_dir)] if argv[0] == "run" else argv, capsys)
    assert status == 2, f"status {status}; stderr: {err}"
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= max_lines, f"{len(lines)} lines on stderr:\n{err}"
    for name in must_name:
        assert name in err, f"{name!r} is not named in: {err}"
    assert not out_dir.exists(), "the refused run wrote its output folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "the refused run left files behind"
    return err


def scenario_file(tmp_path: Path, text: str | bytes, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# Each case: a file's text, and what the message must name besides the file.
FILE_CASES = {
    "malformed TOML": ('[scenario]\nname = "x"\ntitle = [1,\n', ["TOML"]),
    "empty file": ("", ["empty"]),
    "whitespace only": ("  \n\n\t\n", ["empty"]),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00", ["text"]),
    "unknown top-level table": (HEADER + "[weather]\nrain = 1\n", ["weather", "scenario", "states"]),
    "unknown key in a state": (
        HEADER + "[states.MLI]\ntroopz = 5000\n",
        ["states.MLI.troopz", "troops", "population_m"],
    ),
    "wrong type": (HEADER + '[states.MLI]\ntroops = "many"\n', ["states.MLI.troops"]),
    "force pool smaller than the forces": (
        HEADER + "[partners.RUS]\nforces = { MLI = 5000 }\nforce_pool = 10\n",
        ["partners.RUS.force_pool", "fewer than the 5,000 already deployed"],
    ),
    "out-of-range value": (HEADER + "[states.MLI.regime]\nlegitimacy = 1.5\n", ["states.MLI.regime.legitimacy"]),
    "absurd horizon": (
        HEADER.replace('extends = "baseline"\n', 'extends = "baseline"\nmonths = 100000\n'),
        ["scenario.months", "600"],
    ),
    "unknown state ID": (
        HEADER + "[states.XYZ]\npopulation_m = 1.0\ntroops = 100\ndefence_budget_musd = 1.0\n",
        ["states.XYZ", "XYZ"],
    ),
    "unknown parameter": (HEADER + "[parameters]\ncoup_hazard = 0.1\n", ["parameters.coup_hazard"]),
    "parameter out of range": (HEADER + "[parameters]\ncoup_base_hazard = 3.0\n", ["parameters.coup_base_hazard"]),
    "unknown partner in an event": (
        HEADER + '[[events]]\ndate = "2024-01"\ntype = "partner_exit"\npartner = "CHN"\n',
        ["events[1].partner", "CHN"],
    ),
    "unknown state in an event": (
        HEADER + '[[events]]\ndate = "2024-01"\ntype = "coup"\nstate = "XYZ"\n',
        ["events[1].state", "XYZ"],
    ),
    "unknown event type": (
        HEADER + '[[events]]\ndate = "2024-01"\ntype = "earthquake"\n',
        ["events[1].type", "earthquake", "coup"],
    ),
    "event missing a field": (HEADER + '[[events]]\ndate = "2024-01"\ntype = "coup"\n', ["events[1].state"]),
    "event date outside the horizon": (
        HEADER + '[[events]]\ndate = "2040-01"\ntype = "coup"\nstate = "MLI"\n',
        ["events[1].date", "2040-01"],
    ),
    "malformed event date": (
        HEADER + '[[events]]\ndate = "January 2024"\ntype = "coup"\nstate = "MLI"\n',
        ["events[1].date"],
    ),
    "unknown set_parameter": (
        HEADER + '[[events]]\ndate = "2024-01"\ntype = "set_parameter"\nparameter = "nope"\nvalue = 1.0\n',
        ["events[1].parameter"],
    ),
    "missing parent": (
        '[scenario]\nname = "orphan"\ntitle = "t"\nextends = "no-such-parent.toml"\n',
        ["scenario.extends", "no-such-parent.toml"],
    ),
    "no [scenario] table": ("[states.MLI]\ntroops = 1\n", ["scenario"]),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_a_bad_scenario_file_is_refused(case, tmp_path, capsys):
    text, names = FILE_CASES[case]
    path = scenario_file(tmp_path, text)
    assert_refused(["run", str(path), "--months", "12"], capsys, tmp_path, path.name, *names)


@pytest.mark.parametrize(
    "case",
    [
        "unknown key in a state",
        "wrong type",
        "event date outside the horizon",
        "empty file",
        "binary file",
        "malformed TOML",
    ],
)
def test_validate_refuses_what_run_refuses(case, tmp_path, capsys):
    text, names = FILE_CASES[case]
    path = scenario_file(tmp_path, text)
    assert_refused(["validate", str(path)], capsys, tmp_path, path.name, *names)


def test_an_unknown_key_lists_the_valid_keys(tmp_path, capsys):
    path = scenario_file(tmp_path, HEADER + "[states.MLI.regime]\nlegitmacy = 0.5\n")
    err = assert_refused(["run", str(path)], capsys, tmp_path, path.name, "states.MLI.regime.legitmacy")
    for key in ("leader", "kind", "legitimacy", "cohesion", "alignment", "commitment"):
        assert key in err


def test_an_error_in_a_parent_names_the_parent(tmp_path, capsys):
    scenario_file(
        tmp_path,
        HEADER.replace('name = "child"', 'name = "parent"') + '[states.MLI]\ntroops = "many"\n',
        name="parent.toml",
    )
    child = scenario_file(
        tmp_path,
        '[scenario]\nname = "kid"\ntitle = "t"\nextends = "parent.toml"\n[parameters]\ncoup_base_hazard = 0.02\n',
        name="child.toml",
    )
    err = assert_refused(["run", str(child)], capsys, tmp_path, "parent.toml", "states.MLI.troops")
    assert "child.toml" not in err.replace(str(child), "")  # the culprit is the parent


def test_an_extends_cycle_is_refused(tmp_path, capsys):
    scenario_file(tmp_path, '[scenario]\nname = "a"\ntitle = "t"\nextends = "b.toml"\n', name="a.toml")
    scenario_file(tmp_path, '[scenario]\nname = "b"\ntitle = "t"\nextends = "a.toml"\n', name="b.toml")
    err = assert_refused(["run", str(tmp_path / "a.toml")], capsys, tmp_path, "a.toml", "b.toml", "scenario.extends")
    assert "cycle" in err


def test_a_scenario_that_extends_itself_is_refused(tmp_path, capsys):
    scenario_file(tmp_path, '[scenario]\nname = "a"\ntitle = "t"\nextends = "self.toml"\n', name="self.toml")
    assert_refused(["run", str(tmp_path / "self.toml")], capsys, tmp_path, "self.toml", "cycle")


def test_a_missing_scenario_file_is_refused(tmp_path, capsys):
    assert_refused(["run", str(tmp_path / "nowhere.toml")], capsys, tmp_path, "nowhere.toml")
    err = assert_refused(["run", "no-such-scenario"], capsys, tmp_path, "no-such-scenario")
    assert "baseline" in err  # lists the bundled scenarios


def test_a_folder_given_as_scenario_is_refused(tmp_path, capsys):
    (tmp_path / "folder.toml").mkdir()
    assert_refused(["run", str(tmp_path / "folder.toml")], capsys, tmp_path, "folder.toml")


OPTION_CASES = {
    "unknown --set name": (["--set", "coup_hazard=0.1"], ["--set", "coup_hazard"]),
    "--set with a non-number": (["--set", "coup_base_hazard=high"], ["--set", "coup_base_hazard", "number"]),
    "--set out of range": (["--set", "coup_base_hazard=5"], ["--set", "coup_base_hazard", "0.2"]),
    "--set an integer parameter with a fraction": (["--set", "exit_patience=2.5"], ["--set", "exit_patience"]),
    "--set without a value": (["--set", "coup_base_hazard"], ["--set", "coup_base_hazard"]),
    "--set NaN": (["--set", "coup_base_hazard=nan"], ["--set", "coup_base_hazard"]),
    "--months 0": (["--months", "0"], ["--months"]),
    "--months too many": (["--months", "100000"], ["--months", "600"]),
    "--seed -5": (["--seed", "-5"], ["--seed"]),
}


@pytest.mark.parametrize("case", list(OPTION_CASES))
def test_a_bad_option_is_refused(case, tmp_path, capsys):
    args, names = OPTION_CASES[case]
    assert_refused(["run", "baseline", *args], capsys, tmp_path, *names)


@pytest.mark.parametrize("args", [["--months", "ten"], ["--seed", "abc"], ["--colour", "red"]])
def test_an_option_argparse_rejects_is_refused(args, tmp_path, capsys, monkeypatch):
    """argparse's own errors: its usage (wrapped at 80 columns) and one line naming the option."""
    monkeypatch.setenv("COLUMNS", "80")
    err = assert_refused(["run", "baseline", *args], capsys, tmp_path, args[0], max_lines=8)
    *usage, last = err.strip().splitlines()
    assert re.match(r"^liptako( run)?: error: ", last)
    assert usage[0].startswith("usage: ") and all(line.startswith(" ") for line in usage[1:])


def test_a_suggestion_for_a_misspelt_parameter(tmp_path, capsys):
    err = assert_refused(["run", "baseline", "--set", "coup_base_hazzard=0.01"], capsys, tmp_path, "--set")
    assert "coup_base_hazard" in err


def test_an_out_path_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    status, _, err = call(["run", "baseline", "--months", "2", "--out", str(target), "--no-plots"], capsys)
    assert status == 2 and "--out" in err and "Traceback" not in err
    assert target.read_text() == "not a folder"


def test_a_horizon_shorter_than_the_events_names_the_option(tmp_path, capsys):
    path = scenario_file(
        tmp_path, HEADER + '[[events]]\ndate = "2024-12"\ntype = "coup"\nstate = "MLI"\n', name="late.toml"
    )
    status, _, err = call(["run", str(path), "--months", "12", "--out", str(tmp_path / "out"), "--no-plots"], capsys)
    assert status == 0 and "Traceback" not in err, err
    assert "warning: --months 12 ends the run in 2024-08; 1 of child's 1 events come later" in err  # 2024-12


# --- validate ---------------------------------------------------------------------------------------------------
def test_validate_accepts_a_good_file(tmp_path, capsys):
    path = scenario_file(
        tmp_path,
        HEADER + "[parameters]\ncoup_base_hazard = 0.02\n"
        '[[events]]\ndate = "2024-01"\ntype = "withdrawal"\nstate = "NER"\nbloc = "AES"\n',
        name="good.toml",
    )
    status, out, err = call(["validate", str(path)], capsys)
    assert status == 0, err
    assert out.startswith("ok") and "good.toml" in out
    assert err == ""


def test_validate_accepts_every_bundled_scenario(capsys):
    from liptako.model.scenario import bundled_names

    for name in bundled_names():
        status, out, err = call(["validate", name], capsys)
        assert status == 0, f"{name}: {err}"
        assert re.match(r"^ok", out)


# --- sweeps: the silent cases of `run`, in an experiment file ----------------------------------------------------
def _experiment(tmp_path: Path, scenario: str, months: int, vary: str) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(f'[experiment]\nname = "exp"\nscenario = "{scenario}"\ndesign = "lhs"\nsamples = 3\n'
                    f"replications = 1\nmonths = {months}\nseed = 1\n\n{vary}")  # fmt: skip
    return path


VARY_HAZARD = '[[vary]]\nparameter = "coup_base_hazard"\nlow = 0.004\nhigh = 0.03\n'


def test_a_sweep_shorter_than_its_scenarios_events_says_so(tmp_path, capsys):
    """An experiment's months = 6 on russia-withdraws cuts both its events: a warning names them; the sweep runs."""
    path = _experiment(tmp_path, "russia-withdraws", 6, VARY_HAZARD)
    status, _, err = call(["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "out")], capsys)
    assert status == 0, err
    assert "liptako sweep: warning: months = 6 ends the run in 2024-02; 2 of russia-withdraws's 2 events" in err
    assert "partner_exit 2024-09" in err
    assert (tmp_path / "out" / "manifest.json").exists()
    path = _experiment(tmp_path, "russia-withdraws", 13, VARY_HAZARD)
    status, _, err = call(["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "out13")], capsys)
    assert status == 0 and "warning" not in err


def test_a_sweep_whose_points_break_a_constraint_says_how_many(tmp_path, capsys):
    """exit_threshold drawn above the accession threshold (0.9 in the registry) at every point: a warning with
    the count and the first point's problem, and the points run as drawn."""
    vary = '[[vary]]\nparameter = "exit_threshold"\nlow = 0.92\nhigh = 0.99\n'
    path = _experiment(tmp_path, "baseline", 3, vary)
    status, _, err = call(["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "out")], capsys)
    assert status == 0, err
    assert "liptako sweep: warning: 3 of the 3 design points of baseline break a constraint" in err
    assert "must be below accession_threshold" in err and "they run as drawn" in err
    path = _experiment(tmp_path, "baseline", 3, '[[vary]]\nparameter = "exit_threshold"\nlow = 0.1\nhigh = 0.5\n')
    status, _, err = call(["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "ok")], capsys)
    assert status == 0 and "warning" not in err
