"""The ``liptako`` command line.

Every sub-command checks its input before it writes anything; bad input prints one short message naming the
file or option, the key path and what is allowed, and exits with status 2.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import warnings
from pathlib import Path

EXIT_BAD_INPUT = 2

DESCRIPTION = """\
Liptako simulates the Alliance des États du Sahel (Mali, Burkina Faso, Niger), bound since 16 September 2023
by the Liptako-Gourma Charter and its mutual-defence clause: juntas with legitimacy, army cohesion and coup
risk, external partners who pay or leave, ECOWAS, and jihadist insurgencies spreading toward the coast.
One step is one month."""

EPILOG = """\
examples:
  liptako run baseline                      run the baseline (seed 1), write results/baseline-seed1/
  liptako run russia-withdraws --seed 7 --narrate
  liptako run my.toml --months 60 --set coup_base_hazard=0.02 --out results/my-run
  liptako run baseline no-external-funding --reps 200 --out results/compare
                                            200 paired replications each (common random numbers)
  liptako sweep experiments/coup-sensitivity.toml --workers 2 --out results/coup
  liptako calibrate data/patterns.toml --budget 2000 --workers 2 --out results/calibrate
                                            fit coup and insurgency parameters to the record (ABC-SMC, pyabc)
  liptako run baseline --reps 200 --posterior results/calibrate/posterior.parquet
                                            each replication draws its parameters from the posterior
  liptako analyze results/compare           Kaplan-Meier, log-rank, paired differences, Sobol, Morris
  liptako report results/compare            one self-contained HTML page with tables and figures
  liptako discover results/what-breaks-the-aes --outcome "first_exit_month <= 60"
                                            which parameter ranges lead there (PRIM; extra: discover)
  liptako scenarios                         list the bundled scenarios
  liptako params                            the parameter registry (units, ranges, sources)
  liptako validate my.toml                  check a scenario file without running it
  liptako app                               the classroom app: open the printed URL in a browser
"""


class UsageError(Exception):
    """A bad option value, reported like argparse's own errors (status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default is fine; keep it to one usage line + message
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="liptako",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"liptako {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser(
        "run",
        help="run one scenario (or compare several, with replications)",
        description="Run a scenario to its horizon. With one scenario and no --reps: writes "
        "timeseries.csv/.parquet, summary.json, events.txt, PNG plots and manifest.json into --out and prints a "
        "short summary. With several scenarios or --reps N: runs each scenario N times side by side with common "
        "random numbers (replication i uses the same seed in every scenario, spawned from --seed) into a results "
        "folder like a sweep's, which `liptako analyze` and `liptako report` read.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Outputs other than manifest.json are byte-identical for the same seed.",
    )
    p.add_argument(
        "scenario", metavar="SCENARIO", nargs="+",
        help="a bundled scenario's name (see `liptako scenarios`) or a path to a TOML file; several to compare",
    )  # fmt: skip
    p.add_argument(
        "--seed", type=int, default=1,
        help="the run's seed, or the root seed of the replications (non-negative integer; default: 1)",
    )  # fmt: skip
    p.add_argument("--months", type=int, default=None,
                   help="horizon in months, 1 to 600 (default: the scenario's, usually 120)")  # fmt: skip
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                   help="change a registry parameter (repeatable); `liptako params` lists them")  # fmt: skip
    p.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                   help="a posterior.parquet from `liptako calibrate`, or `calibrated` (the one shipped): each "
                        "replication draws its parameters from it (weighted; reproducible from --seed; recorded "
                        "with the results)")  # fmt: skip
    p.add_argument("--reps", type=int, default=None, metavar="N",
                   help="replications of each scenario (results folder of the sweep kind)")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="folder for the results (default: results/SCENARIO-seedSEED, or results/NAMES-xN)")  # fmt: skip
    p.add_argument("--narrate", action="store_true", help="print the event log as the run unfolds (single runs)")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots (single runs; faster)")
    p.add_argument("--map-month", default=None, metavar="YYYY-MM",
                   help="month of the region map written as map.png (default: the last month)")  # fmt: skip
    _executor_options(p)

    p = sub.add_parser(
        "evaluate",
        help="score the model's forecasts against a history file (what was observed)",
        description="Run the history's scenario --reps times and score the forecast of each observation: the "
        "median and central 50/80/90% intervals, the probability given to what was observed, the PIT, CRPS or "
        "ranked probability score, and Brier and log scores of the yes/no facts. Prints a table and writes "
        "evaluation.json and evaluation.png/.svg (reliability diagram and PIT histogram) into --out. "
        "Bundled histories (by name): g5-sahel-2017, the G5 Sahel 2017-2023, and sahel-region-2017, the "
        "region's other facts of those years (histories/*.toml).",
    )
    p.add_argument("history", metavar="HISTORY", help="a history TOML file, or a bundled history's name")
    _batch_options(p)
    p.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                   help="a posterior.parquet from `liptako calibrate`, or `calibrated` (the one shipped): each "
                        "replication draws its parameters from it, so the forecast carries parameter uncertainty as "
                        "well as chance")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="folder for evaluation.json and the plots (default: results/evaluate-NAME)")  # fmt: skip

    p = sub.add_parser(
        "patterns",
        help="measure the patterns of the record (coup rates, honour rate, deaths, exits) on runs",
        description="Run each pattern's scenario --reps times and print, for every pattern of the file (default: "
        "the bundled data/patterns.toml), the record's value, the band the model should fall in, the model's "
        "value with a 90% bootstrap interval over replications, and whether it is in the band. Writes "
        "patterns.json into --out.",
    )
    p.add_argument("file", metavar="FILE", nargs="?", default=None, help="a patterns TOML file")
    _batch_options(p)
    p.add_argument("--out", type=Path, default=Path("results") / "patterns", metavar="DIR",
                   help="folder for patterns.json (default: results/patterns)")  # fmt: skip

    p = sub.add_parser(
        "calibrate",
        help="fit free parameters to the patterns by approximate Bayesian computation (ABC-SMC, pyabc)",
        description="Approximate Bayesian computation by sequential Monte Carlo (pyabc) over the --free "
        "parameters, with uniform priors over their registry ranges. Each particle runs every pattern's scenario "
        "--reps times on the array engine; its distance is the Euclidean norm of each pattern's distance to its "
        "band in band widths (0 inside), plus each --history observation's |median - observed| / spread. Every "
        "generation is stored in OUT/abc.db as it ends; --resume continues from there. Writes posterior.parquet, "
        "calibration.json and the plots marginals, pairs and predictive (PNG and SVG) into --out. "
        "docs/calibrate.md explains the method, the budget and the outputs.",
    )
    p.add_argument("patterns", metavar="PATTERNS", nargs="?", default=None,
                   help="a patterns TOML file (default: the bundled data/patterns.toml)")  # fmt: skip
    p.add_argument("--history", action="append", default=[], metavar="FILE",
                   help="a history file (or a bundled history's name) whose count and series observations are "
                        "fitted too (repeatable)")  # fmt: skip
    p.add_argument("--free", default=None, metavar="NAME[,NAME...]",
                   help="the registry parameters to fit (default: coup_base_hazard, civilian_hazard_factor, "
                        "coup_trap_multiplier, coup_success_intercept, entrenchment_max, coup_insecurity_effect, "
                        "victimisation, estrangement)")  # fmt: skip
    p.add_argument("--budget", type=int, default=2000, metavar="N",
                   help="particles to simulate in all, the stored generations included (default: 2,000); the "
                        "population is a tenth of it, 8 to 1,000")  # fmt: skip
    p.add_argument("--population", type=int, default=None, metavar="N",
                   help="particles per generation (default: from --budget)")  # fmt: skip
    p.add_argument("--generations", type=int, default=None, metavar="N",
                   help="stop after N generations in all (default: when the budget is spent or every target is "
                        "in its band)")  # fmt: skip
    p.add_argument("--min-epsilon", type=float, default=0.0, metavar="E",
                   help="stop once the acceptance threshold reaches E (default: 0: every target in band)")  # fmt: skip
    p.add_argument("--reps", type=int, default=50, metavar="R",
                   help="replications per particle and scenario (default: 50)")  # fmt: skip
    p.add_argument("--seed", type=int, default=1,
                   help="root seed of the replications and of pyabc's draws (default: 1)")  # fmt: skip
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores; with 1, reproducible from --seed)")  # fmt: skip
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="folder for abc.db and the outputs (default: results/calibrate-PATTERNS)")  # fmt: skip
    p.add_argument("--resume", action="store_true",
                   help="continue the calibration stored in --out (same patterns, histories, --free, --reps, "
                        "--seed)")  # fmt: skip

    p = sub.add_parser(
        "sweep",
        help="run an experiment file: a grid, Latin hypercube, Sobol or Morris design",
        description="Run every point of an experiment file's design, each replicated, on all cores or a Dask "
        "cluster, streaming results to Parquet in --out. Running the same command again resumes: finished runs "
        "are skipped. See experiments/*.toml for examples.",
    )
    p.add_argument("file", metavar="FILE", help="an experiment TOML file")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="results folder (default: results/NAME; results/NAME-posterior with --posterior)")  # fmt: skip
    p.add_argument("--force", action="store_true", help="replace a results folder that holds another experiment")
    p.add_argument("--posterior", type=Path, default=None, metavar="FILE",
                   help="a posterior.parquet from `liptako calibrate`, or `calibrated` (the one shipped): "
                        "replication r of every design point draws its parameters from it (draw r, the same at "
                        "every point and in every scenario), so results "
                        "carry parameter uncertainty besides chance; a design cannot vary a drawn one")  # fmt: skip
    _executor_options(p)

    p = sub.add_parser(
        "analyze",
        help="analyse a results folder: survival, comparisons, sensitivity",
        description="Kaplan-Meier survival of the alliance (runs censored at the horizon) and log-rank tests "
        "between scenarios, paired differences with bootstrap intervals, Sobol or Morris indices, standardised "
        "regression and partial rank correlation coefficients (Latin hypercubes, Monte Carlo draws), one-at-a-time "
        "effects (grids): whatever fits the design. Prints the tables and writes them as CSV and Markdown in "
        "DIR/analysis.",
    )
    p.add_argument("folder", metavar="DIR", type=Path, help="a results folder from `liptako sweep` or `run --reps`")

    p = sub.add_parser(
        "report",
        help="write one self-contained HTML report of a results folder",
        description="Analyse a results folder, draw its plots (PNG and SVG in DIR/plots) and write DIR/report.html, "
        "a single page with every table and figure embedded. A folder holding evaluation.json (from `liptako "
        "evaluate --out DIR`) gets a section on the model against the record; a folder from evaluate alone, a "
        "report of that.",
    )
    p.add_argument("folder", metavar="DIR", type=Path,
                   help="a results folder from `liptako sweep`, `run --reps` or `evaluate`")  # fmt: skip

    p = sub.add_parser(  # scenario discovery: the logic is in experiments/discovery.py
        "discover",
        help="scenario discovery: which parameter ranges lead to an outcome (PRIM, EMA Workbench)",
        description="PRIM (EMA Workbench's, an optional extra: uv sync --extra discover) over a sweep's runs: "
        "the peeling trajectory and the chosen box(es) with coverage, density and the restricted parameters' "
        "ranges and quasi-p-values. Prints them and writes DIR/discovery/ (discovery.json, trajectory.csv, "
        "prim.png/.svg), which `liptako report DIR` shows. docs/discover.md explains how to read them.",
    )
    p.add_argument("folder", metavar="DIR", type=Path, help="a results folder from `liptako sweep`")
    p.add_argument("--outcome", required=True, metavar="EXPR",
                   help='which runs are of interest, e.g. "first_exit_month <= 60": NAME OP NUMBER (OP: < <= > >= '
                        "== !=) or NAME is [not] missing, joined by and/or; a missing value satisfies no "
                        "comparison")  # fmt: skip
    p.add_argument("--scenario", default=None, help="the scenario whose runs to use (default: the first)")
    p.add_argument("--boxes", type=int, default=1, metavar="N",
                   help="find up to N boxes, each on the runs the earlier ones leave (default: 1)")  # fmt: skip
    p.add_argument("--min-coverage", type=float, default=0.5, metavar="SHARE",
                   help="choose the densest box covering at least this share of the runs of interest (default: "
                        "0.5)")  # fmt: skip
    p.add_argument("--box", type=int, default=None, metavar="STEP",
                   help="choose this step of the first box's peeling trajectory instead")  # fmt: skip
    p.add_argument("--keep-weak-limits", action="store_true",
                   help="keep the box's limits whose quasi-p-values are all above 0.05 (by default they are "
                        "dropped, the box widened back along those parameters)")  # fmt: skip

    p = sub.add_parser(
        "app",
        help="open the classroom app in a browser: map, panels, story, sliders",
        description="Start the classroom app (Mesa SolaraViz) and print its URL. It works without internet. "
        "The page shows a map of the region, time series, the event log and sliders; Step, Play and Reset "
        "drive the run. Stop it with Ctrl-C.",
    )
    p.add_argument("scenario", metavar="SCENARIO", nargs="?", default="baseline",
                   help="the scenario to open with (a bundled name or a TOML path; default: baseline)")  # fmt: skip
    p.add_argument("--port", type=int, default=8765, help="port to serve on (default: 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only)")  # fmt: skip

    p = sub.add_parser(
        "scenarios",
        help="list the bundled scenarios",
        description="List the bundled scenarios: name and title (with -v, the description).",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="also print each scenario's description")

    p = sub.add_parser(
        "params",
        help="print the parameter registry",
        description="Print every registry parameter with its default, unit, valid range, meaning and source.",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list of objects (name, default, unit, low, high, description, source)",
    )

    p = sub.add_parser(
        "validate",
        help="check a scenario file without running it",
        description="Load and validate a scenario (a TOML path or a bundled name), its "
        "`extends` chain included. Prints 'ok' and exits 0, or names the problem and exits 2.",
    )
    p.add_argument("file", metavar="FILE", help="a scenario TOML file (or a bundled scenario's name)")
    return parser


def _say_overrides(overrides: dict[str, float]) -> None:
    """Tell the user which registry values a batch command (patterns, evaluate) runs with."""
    print(f"with {', '.join(f'{k}={v:g}' for k, v in overrides.items())}", file=sys.stderr)


def _batch_options(p: argparse.ArgumentParser) -> None:
    """--set, --reps, --seed and --workers of the commands that run one batch of replications (evaluate,
    patterns); :func:`_check_batch_options` checks them."""
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                   help="run with a registry parameter changed (repeatable), e.g. to see whether the model still "
                        "fits the record with another value; `liptako params` lists them")  # fmt: skip
    p.add_argument("--reps", type=int, default=1000, metavar="N", help="replications (default: 1,000)")
    p.add_argument("--seed", type=int, default=1, help="root seed of the replications (default: 1)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="threads to run on (default: all cores; the results do not depend on it)")  # fmt: skip


def _executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: all cores)")  # fmt: skip
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="a Dask cluster: tcp://HOST:PORT of its scheduler, or 'local' to start one here")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``liptako`` command; returns the exit status."""
    from liptako.model.errors import InputError

    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as err:
        print(f"liptako: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as err:
        print(f"liptako {args.command}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("liptako: interrupted; finished results are kept", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `liptako params --json | head`: the reader left, not an error of ours
        sys.stderr = open(os.devnull, "w")
        return 0


# --- run ---------------------------------------------------------------------------------------------------
def parse_overrides(items: list[str]) -> dict[str, float]:
    """``["name=value", ...]`` to ``{name: value}``, checking names and ranges against the registry."""
    from liptako.model.parameters import BY_NAME, check_value

    out: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--set {item!r}: expected NAME=VALUE, e.g. --set coup_base_hazard=0.02")
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, BY_NAME, n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise UsageError(f"--set {name}: unknown parameter; {hint}`liptako params` lists all {len(BY_NAME)}")
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"--set {name}={text}: the value must be a number") from None
        try:
            out[name] = check_value(name, value)
        except ValueError as err:
            raise UsageError(f"--set {name}={text}: {str(err).replace(f'parameter {name!r} = ', '')}") from None
    return out


def _check_common(args) -> None:
    from liptako.model.scenario import MAX_MONTHS

    _check_seed_and_reps(args.seed, args.reps)
    if args.months is not None and not 1 <= args.months <= MAX_MONTHS:
        raise UsageError(f"--months {args.months}: the horizon must be between 1 and {MAX_MONTHS} months")


def _check_seed_and_reps(seed: int, reps: int | None) -> None:
    if seed < 0:
        raise UsageError(f"--seed {seed}: the seed must be a non-negative integer")
    if reps is not None and not 1 <= reps <= 1_000_000:
        raise UsageError(f"--reps {reps}: give a number of replications from 1 to 1,000,000")


def _check_executor(args) -> None:
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise UsageError(f"--workers {args.workers}: give a number of worker processes from 1 to 1024")
    if args.dask is not None and args.dask != "local" and "://" not in args.dask:
        raise UsageError(f"--dask {args.dask}: give tcp://HOST:PORT of a Dask scheduler, or 'local'")


def cmd_run(args) -> int:
    from liptako.model.scenario import load

    _check_common(args)
    _check_executor(args)
    overrides = parse_overrides(args.overrides)
    posterior = _posterior(args.posterior, overrides)
    scenarios = [load(s) for s in args.scenario]  # validates before anything is written
    for scenario in scenarios:
        _warn_cut_events(scenario, args.months)
        _warn_inconsistent(scenario, overrides)
    if len(scenarios) > 1 or args.reps is not None:
        return _run_replications(args, scenarios, overrides, posterior)
    return _run_single(args, scenarios[0], overrides, posterior)


def _posterior(path: Path | None, overrides: dict[str, float]):
    """The posterior of ``--posterior FILE`` (None without it), refusing a parameter that --set gives too."""
    if path is None:
        return None
    from liptako.experiments.abc_calibration import load_posterior

    posterior = load_posterior(path)
    both = [name for name in posterior.parameters if name in overrides]
    if both:
        raise UsageError(f"--set {both[0]}: {path} draws {both[0]} already; set it with --set or draw it from "
                         "--posterior, not both")  # fmt: skip
    return posterior


def _with_posterior(experiment, file: str, path: Path):
    """The experiment with replication r of every point drawing draw r of the posterior in ``path`` (from the
    experiment's seed), refusing a parameter its design varies."""
    posterior = _posterior(path, {})
    both = [name for name in posterior.parameters if name in experiment.parameters]
    if both:
        raise UsageError(f"{file}: vary: {both[0]}: {path} draws {both[0]} already; vary it in the design or draw "
                         "it from --posterior, not both")  # fmt: skip
    draws, record = _draw_posterior(posterior, path, experiment.replications, experiment.seed,
                                    "replication r of every point")  # fmt: skip
    return experiment.model_copy(update={"draws": draws, "posterior": record})


def _draw_posterior(posterior, path: Path, n: int, seed: int, who: str = "each replication",
                    kept: str = "the values are columns of the runs and listed in manifest.json",
                    file=None) -> tuple[list[dict[str, float]], dict]:  # fmt: skip
    """``n`` draws of the posterior from ``seed`` (replication i takes draw i), said in a line, and what the
    results record of the posterior they came from."""
    print(f"{who} draws {', '.join(posterior.parameters)} from {path} (weighted, from seed {seed}); {kept}",
          file=file or sys.stdout)  # fmt: skip
    return posterior.draw(n, seed), _posterior_record(posterior, path, seed)


def _posterior_record(posterior, path: Path, seed: int) -> dict:
    """What a results folder records of the posterior its replications drew from."""
    from liptako.experiments.abc_calibration import POSTERIOR_STREAM

    stream = f"numpy SeedSequence([{seed}, {POSTERIOR_STREAM}])"
    return {"file": str(path), "sha256": posterior.sha256(), "parameters": posterior.parameters,
            "particles": len(posterior.frame), "stream": stream}  # fmt: skip


def _warn_cut_events(scenario, months: int | None, who: str = "liptako run", option: str = "--months") -> None:
    """A shorter horizon must not turn a what-if into the baseline without a word: say which of the
    scenario's dated events fall after it and will not happen (``who`` and ``option`` name the command and the
    setting that cut it)."""
    from liptako.model.scenario import cut_events_note

    note = cut_events_note(scenario, months, option)
    if note:
        print(f"{who}: warning: {note}", file=sys.stderr)


def _warn_inconsistent(scenario, overrides: dict[str, float]) -> None:
    """Values that make no sense together (``parameters.CONSTRAINTS``) run, as a sweep may cross those lines on
    purpose, but not without a word."""
    from liptako.model.parameters import REGISTRY, check_consistency

    values = {p.name: p.default for p in REGISTRY} | dict(scenario.parameters) | overrides
    try:
        check_consistency(values)
    except ValueError as err:
        print(f"liptako run: warning: {scenario.name}: {err} (the classroom app refuses this; the run goes ahead)",
              file=sys.stderr)  # fmt: skip


def _warn_design_constraints(experiment) -> None:
    """A sweep may cross a constraint of ``parameters.CONSTRAINTS`` on purpose (its points run as drawn), but
    says how many of its points do, and the first such point's problem."""
    from liptako.experiments.designs import points
    from liptako.model.parameters import REGISTRY, check_consistency

    if not experiment.vary:
        return
    frame = points(experiment)
    for scenario in experiment.scenarios:
        fixed = {p.name: p.default for p in REGISTRY} | dict(scenario.parameters)
        problems = []
        for row in frame[experiment.parameters].to_dict("records"):
            try:
                check_consistency(fixed | row)
            except ValueError as err:
                problems.append(str(err))
        if problems:
            print(f"liptako sweep: warning: {len(problems):,} of the {len(frame):,} design points of "
                  f"{scenario.name} break a constraint the classroom app refuses, e.g. {problems[0]} (they run "
                  "as drawn)", file=sys.stderr)  # fmt: skip


def _run_replications(args, scenarios, overrides, posterior=None) -> int:
    from liptako.experiments.spec import replications_experiment

    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise UsageError(f"the same scenario is named twice: {' '.join(args.scenario)}")
    reps = args.reps or 1
    draws = record = None
    if posterior is not None:
        draws, record = _draw_posterior(posterior, args.posterior, reps, args.seed)  # the same in every scenario
    experiment = replications_experiment(scenarios, reps, args.seed, args.months, overrides, draws, record)
    out = args.out or Path("results") / f"{experiment.name}-seed{args.seed}"
    _execute(experiment, out, args, force=False)
    _print_comparison(out)
    return 0


# Runs per second of one worker on the 120-month baseline, measured with benchmarks/bench_sweep.py (741 on a
# 2-core cloud machine, December 2026): the basis of the rough duration said before a long sweep.
RUNS_PER_SECOND_PER_WORKER = 700
LONG_SWEEP_SECONDS = 600


def _warn_duration(experiment, workers: int | None, dask: str | None) -> None:
    """A sweep that will take long says so before it starts, roughly, with how to stop it without loss."""
    from liptako.experiments.designs import count_points
    from liptako.model.engine import threads_available

    if dask is not None:
        return  # a cluster's size is not known here
    runs = count_points(experiment) * experiment.replications
    n = workers or threads_available()
    seconds = runs * experiment.months / 120 / (RUNS_PER_SECOND_PER_WORKER * n)
    if seconds >= LONG_SWEEP_SECONDS:
        hours = seconds / 3600
        span = f"{hours:,.1f} hours" if hours >= 1 else f"{seconds / 60:,.0f} minutes"
        print(f"liptako: note: {runs:,} runs of {experiment.months} months will take roughly {span} on {n} "
              f"worker{'s' if n > 1 else ''} (at about {RUNS_PER_SECOND_PER_WORKER} runs/s each); Ctrl-C stops it "
              "keeping every finished run, and the same command resumes", file=sys.stderr)  # fmt: skip


def _execute(experiment, out: Path, args, force: bool) -> None:
    from liptako.experiments.sweep import execute

    _warn_duration(experiment, args.workers, args.dask)
    counts = execute(experiment, out, workers=args.workers, dask=args.dask, force=force)
    kept = f", {counts['skipped']:,} already there" if counts["skipped"] else ""
    print(f"{experiment.name}: {counts['done']:,} runs done{kept}; {counts['total']:,} in {out}/")


def _print_comparison(out: Path) -> None:
    from liptako.experiments.store import load

    runs = load(out)
    from liptako.model.outputs import COMPARISON_OUTCOMES

    table = runs.groupby("scenario", sort=False)[list(COMPARISON_OUTCOMES)].mean()
    table.insert(0, "runs", runs.groupby("scenario", sort=False).size())
    print(table.to_string(float_format=lambda x: f"{x:,.3g}"))
    print(f"(means over replications; `liptako analyze {out}` for survival curves and paired differences)")


def cmd_sweep(args) -> int:
    from liptako.experiments.spec import load_experiment

    _check_executor(args)
    experiment = load_experiment(args.file)
    for scenario in experiment.scenarios:
        _warn_cut_events(scenario, experiment.months, "liptako sweep", "months =")
    _warn_design_constraints(experiment)
    name = experiment.name
    if args.posterior is not None:
        experiment = _with_posterior(experiment, args.file, args.posterior)
        name += "-posterior"
    out = args.out or Path("results") / name
    _execute(experiment, out, args, force=args.force)
    print(f"next: liptako analyze {out}   or   liptako report {out}")
    return 0


def cmd_analyze(args) -> int:
    from liptako.experiments.analysis import analyze, format_tables

    tables = analyze(_results_folder(args.folder))
    print(format_tables(tables))
    if "headline" in tables:  # a comparison: the headline in words, as the report opens
        from liptako.experiments.report import headline_sentences
        from liptako.experiments.store import load_manifest

        print("\n### Headline\n\n" + "\n\n".join(headline_sentences(load_manifest(args.folder), tables)))
    print(f"tables written to {args.folder}/analysis/")
    return 0


def cmd_report(args) -> int:
    from liptako.experiments.report import EVALUATION, write_report

    folder = args.folder if (args.folder / EVALUATION).exists() else _results_folder(args.folder)
    path = write_report(folder)
    print(f"wrote {path}")
    return 0


def cmd_discover(args) -> int:
    from liptako.experiments.discovery import SUBFOLDER, discover, format_discovery

    document = discover(_results_folder(args.folder), args.outcome, scenario=args.scenario, boxes=args.boxes,
                        min_coverage=args.min_coverage, box=args.box,
                        drop_insignificant=not args.keep_weak_limits)  # fmt: skip
    print(format_discovery(document))
    print(f"written to {args.folder}/{SUBFOLDER}/; `liptako report {args.folder}` adds a section")
    return 0


def _results_folder(folder: Path) -> Path:
    from liptako.experiments.store import load

    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    if (folder / "summary.json").is_file() and not (folder / "runs").is_dir():
        raise UsageError(f"{folder} holds a single run (its summary.json, timeseries and events.txt are the "
                         "analysis of one run); analyze and report read folders of many runs, e.g. "
                         "`liptako run SCENARIO --reps 100 --out DIR`")  # fmt: skip
    runs = load(folder)  # raises InputError when it is not a results folder
    if not len(runs):
        raise UsageError(f"{folder}: no finished runs yet")
    return folder


def _run_single(args, scenario, overrides, posterior=None) -> int:
    from liptako.experiments.runner import run, write_results

    kind = "-posterior" if posterior is not None else ""
    out = args.out or Path("results") / f"{scenario.name}{kind}-seed{args.seed}"
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    existing = next(p for p in (out.absolute(), *out.absolute().parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UsageError(f"--out {out}: cannot create or write a folder there")
    if args.map_month is not None:
        from liptako.model.scenario import format_month, parse_month

        try:
            when = parse_month(args.map_month)
        except ValueError as err:
            raise UsageError(f"--map-month {args.map_month}: {err}") from None
        months = args.months or scenario.months
        if not scenario.start <= when < scenario.start + months:
            raise UsageError(f"--map-month {args.map_month}: outside the run, {format_month(scenario.start)} to "
                             f"{format_month(scenario.start + months - 1)}")  # fmt: skip
    if posterior is not None:
        drawn = posterior.draw(1, args.seed)[0]
        overrides = overrides | drawn
        print(f"drawn from {args.posterior} (seed {args.seed}; recorded in summary.json's parameters): "
              + ", ".join(f"{k}={v:.6g}" for k, v in drawn.items()))  # fmt: skip
    narrate = (lambda line: print(line, flush=True)) if args.narrate else None
    from liptako.model.errors import CutEventsWarning

    with warnings.catch_warnings():  # the command line has said so already (_warn_cut_events)
        warnings.simplefilter("ignore", CutEventsWarning)
        result = run(scenario, seed=args.seed, months=args.months, overrides=overrides, narrate=narrate)
    try:
        written = write_results(
            result, out, command=["liptako", *args.argv], plots=not args.no_plots, map_month=args.map_month
        )
    except OSError as err:
        raise UsageError(f"--out {out}: cannot write there ({err.strerror or err})") from None
    print(describe(result))
    print(f"Wrote {out}/: " + ", ".join(p.name for p in written))
    return 0


def describe(result) -> str:
    """A short printed summary of one run."""
    s = result.summary
    names = result.state_names
    end = result.timeseries["date"].iloc[-1]
    lines = [
        f"{result.title}",
        f"  scenario {result.scenario}, seed {result.seed}, {result.start} to {end} ({result.months} months)",
    ]
    if s["dissolved"]:
        alliance = f"dissolved after {s['survival_months']} months"
    else:
        alliance = f"holds to the horizon ({s['survival_months']} months, censored), {s['members_end']} members"
    exit_note = ""
    if s["first_exit_state"] is not None:
        first = result.exits.query("bloc == @result.focal_bloc").iloc[0]
        exit_note = f"; first exit: {names[first.state]} in {first.date}"
    lines.append(f"  {result.focal_bloc}: {alliance}{exit_note}")
    per_state = ", ".join(
        f"{names[iso]} {s[f'coup_attempts.{iso}']}/{s[f'coup_successes.{iso}']}"
        for iso in names
        if s[f"coup_attempts.{iso}"]
    )
    share = s["coup_success_share"]
    lines.append(
        f"  coups: {s['coup_attempts']} attempt{'' if s['coup_attempts'] == 1 else 's'}, "
        f"{s['coup_successes']} successful "
        + (
            f"({s['coup_attempt_rate']:.2f} attempts per junta-year"
            if s["coup_attempt_rate"] == s["coup_attempt_rate"]
            else "(no junta ruled"
        )
        + (f", {share:.0%} succeed" if share == share else "")
        + ")"
        + (f" — attempts/successes: {per_state}" if per_state else "")
    )
    rate = s["honour_rate"]
    lines.append(
        f"  calls for help: {s['calls_for_help']}; answers honoured: "
        + (f"{s['responses_honoured']} of {s['responses']} ({rate:.0%})" if rate == rate else "none")
    )
    exits = [names[iso] for iso in result.exits.query("bloc == 'ECOWAS'")["state"]]
    lines.append(f"  ECOWAS exits: {', '.join(exits) if exits else 'none'}")
    lines.append(
        f"  peak territory contested: {s['peak_territory']:.0%} ({result.focal_bloc} members), "
        f"{s['peak_territory_coastal']:.0%} (coastal states); deaths {s['total_deaths']:,.0f}; "
        f"displaced at the end {s['displaced_end'] / 1e6:.1f} M"
    )
    share = s["nonwestern_funding_share"]
    lines.append("  funding from non-Western partners: "
                 + (f"{share:.0%} of partner money" if share == share else "no partner paid anything"))  # fmt: skip
    return "\n".join(lines)


# --- scenarios, params, validate ---------------------------------------------------------------------------
def cmd_app(args) -> int:
    import socket

    from liptako.app import SCENARIO_ENV
    from liptako.model.scenario import bundled_names, load

    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: give a port from 1 to 65535")
    scenario = load(args.scenario)  # a bad file is refused here, before the server starts
    with socket.socket() as probe:
        try:
            probe.bind((args.host, args.port))
        except OSError as err:
            raise UsageError(f"--port {args.port} on {args.host}: cannot listen there ({err.strerror})") from None
    choice = scenario.name if args.scenario in bundled_names() else str(Path(args.scenario).resolve())
    env = {**os.environ, SCENARIO_ENV: choice}
    print(f"Liptako classroom app ({scenario.name}): http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    cmd = [sys.executable, "-m", "solara", "run", "liptako.app", "--host", args.host, "--port", str(args.port),
           "--production", "--no-open", "--log-level", "warning"]  # fmt: skip
    import subprocess

    try:
        return subprocess.run(cmd, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0


def cmd_scenarios(args) -> int:
    from liptako.model.scenario import bundled_names, load

    names = bundled_names()
    width = max(map(len, names))
    for name in names:
        scenario = load(name)
        print(f"{name:{width}s}  {scenario.title}")
        if args.verbose and scenario.scenario.description:
            print("  " + " ".join(scenario.scenario.description.split()) + "\n")
    return 0


def cmd_params(args) -> int:
    from liptako.model.parameters import REGISTRY

    if args.json:
        keys = ("name", "default", "unit", "low", "high", "description", "source")
        print(json.dumps([{k: p.as_dict()[k] for k in keys} for p in REGISTRY], indent=2, ensure_ascii=False))
        return 0
    print(parameter_table())
    return 0


def parameter_table() -> str:
    """The registry as a plain-text table grouped by mechanism."""
    from liptako.model.parameters import REGISTRY

    lines = []
    width = max(len(p.name) for p in REGISTRY)
    group = None
    for p in REGISTRY:
        if p.group != group:
            group = p.group
            lines.append(f"\n[{group}]")
            lines.append(f"  {'name':{width}s}  {'default':>9s}  {'range':>17s}  unit / meaning / source")
        rng = f"{p.low:g}..{p.high:g}"
        lines.append(f"  {p.name:{width}s}  {p.default:>9g}  {rng:>17s}  {p.unit}")
        lines.append(f"  {'':{width}s}  {'':9s}  {'':17s}  {p.description}")
        lines.append(f"  {'':{width}s}  {'':9s}  {'':17s}  source: {p.source}")
    return "\n".join(lines).lstrip("\n")


def cmd_evaluate(args) -> int:
    from liptako.experiments import evaluation
    from liptako.experiments.history import load_history

    _check_batch_options(args)
    history = load_history(args.history)  # every check before any run or output
    overrides = parse_overrides(args.overrides)
    posterior = _posterior(args.posterior, overrides)
    out = args.out or Path("results") / f"evaluate-{history.name}"
    print(f"{history.title}: {len(history.observations)} observations; running {history.scenario.name} "
          f"{args.reps:,} times", file=sys.stderr)  # fmt: skip
    draws = record = None
    if posterior is not None:
        draws, record = _draw_posterior(posterior, args.posterior, args.reps, args.seed,
                                        kept="evaluation.json records the posterior", file=sys.stderr)  # fmt: skip
    if overrides:
        draws = [{**overrides, **d} for d in draws] if draws else [overrides] * args.reps
        _say_overrides(overrides)
    result = evaluation.run_and_evaluate(history, args.reps, seed=args.seed, threads=args.workers, progress=True,
                                         draws=draws)  # fmt: skip
    if record is not None:
        result["posterior"] = record
    if overrides:
        result["overrides"] = overrides
    result["version"] = _version()
    print(evaluation.table(result))
    paths = evaluation.write(result, out)
    print(f"wrote {', '.join(str(p) for p in paths)}")
    return 0


def cmd_patterns(args) -> int:
    from liptako.experiments import patterns
    from liptako.experiments.store import atomic_write_json

    _check_batch_options(args)
    found = patterns.load_patterns(args.file)  # every check before any run or output
    overrides = parse_overrides(args.overrides)
    if overrides:
        _say_overrides(overrides)
    rows = patterns.measure(found, args.reps, seed=args.seed, threads=args.workers, overrides=overrides or None)
    print(patterns.table(rows))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "patterns.json"
    document = {"patterns": rows, "seed": args.seed, "reps": args.reps, "overrides": overrides,
                "version": _version()}  # fmt: skip
    atomic_write_json(path, document)
    print(f"wrote {path}")
    return 0


def cmd_calibrate(args) -> int:
    from liptako.experiments import abc_calibration as ac
    from liptako.experiments.history import load_history
    from liptako.experiments.patterns import bundled, load_patterns

    _check_batch_options(args, "worker processes")
    if not 1 <= args.budget <= 100_000_000:
        raise UsageError(f"--budget {args.budget}: give a number of simulated particles from 1 to 100,000,000")
    if args.population is not None and not 2 <= args.population <= 100_000:
        raise UsageError(f"--population {args.population}: give a number of particles from 2 to 100,000")
    if args.generations is not None and args.generations < 1:
        raise UsageError(f"--generations {args.generations}: give 1 or more")
    if not 0 <= args.min_epsilon < float("inf"):
        raise UsageError(f"--min-epsilon {args.min_epsilon}: give a non-negative number")
    names = [n.strip() for n in (args.free if args.free is not None else ",".join(ac.DEFAULT_FREE)).split(",")]
    free = ac.free_parameters([n for n in names if n])
    path = Path(args.patterns) if args.patterns is not None else bundled()
    patterns = load_patterns(path)  # every check before any run or output
    histories = [load_history(h) for h in args.history]
    c = ac.Calibration(
        patterns_path=path, patterns=patterns, histories=histories,
        history_paths=[ac.history_file(source) for source in args.history],
        free=free, budget=args.budget, population=args.population, generations=args.generations,
        min_epsilon=args.min_epsilon, reps=args.reps, seed=args.seed, workers=args.workers or os.cpu_count() or 1,
        out=args.out or Path("results") / f"calibrate-{path.stem}", resume=args.resume,
    )  # fmt: skip
    try:
        document = ac.calibrate(c)
    except KeyboardInterrupt:
        print(f"liptako calibrate: interrupted; the finished generations are in {c.out}/{ac.DATABASE}: the same "
              "command with --resume continues", file=sys.stderr)  # fmt: skip
        return 130
    print(ac.table(document))
    plots = ", ".join(f"{name}.png" for name in ac.PLOTS)
    print(f"wrote {c.out}/: {ac.POSTERIOR}, {ac.CALIBRATION}, {plots} (and .svg)")
    print(f"next: liptako run baseline --reps 100 --posterior {c.out / ac.POSTERIOR}")
    return 0


def _check_batch_options(args, workers: str = "threads") -> None:
    """--seed, --reps and --workers (a number of ``workers``, 1 to 1024) of a batch command."""
    _check_seed_and_reps(args.seed, args.reps)
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise UsageError(f"--workers {args.workers}: give a number of {workers} from 1 to 1024")


def cmd_validate(args) -> int:
    from liptako.model.scenario import load

    scenario = load(args.file)
    print(
        f"ok: {args.file} is a valid scenario ({scenario.name}: {scenario.title}; "
        f"{len(scenario.states)} states, {len(scenario.events)} events, {scenario.months} months)"
    )
    return 0


COMMANDS = {
    "run": cmd_run,
    "app": cmd_app, "sweep": cmd_sweep, "analyze": cmd_analyze, "report": cmd_report,
    "scenarios": cmd_scenarios, "params": cmd_params, "validate": cmd_validate, "evaluate": cmd_evaluate,
    "patterns": cmd_patterns, "calibrate": cmd_calibrate, "discover": cmd_discover,
}  # fmt: skip


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("liptako")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
