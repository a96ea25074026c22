"""Running one scenario and writing its results: the entry point for notebooks, the command line and tools.

>>> from liptako import run
>>> result = run("baseline", seed=7)
>>> result.summary["survival_months"], result.timeseries["legitimacy.MLI"].iloc[-1], result.story[:3]
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from liptako.model.outputs import column
from liptako.model.scenario import Scenario, format_month

__all__ = ["RunResult", "run", "write_results"]


def package_version() -> str:
    """Liptako's installed version."""
    return version("liptako")


@dataclass(frozen=True)
class RunResult:
    """One run's results: per-run outcomes, the monthly series and the event records, with what made them.

    ``events`` is a DataFrame of typed records (date, kind, state, other, bloc, partner, group, outcome, the
    numbers x0..x3, who and text); ``story`` is the event log in words, one line per event.
    """

    scenario: str
    title: str
    seed: int
    start: str
    months: int
    focal_bloc: str
    founders: list[str]
    parameters: dict[str, float]
    summary: dict[str, float | int | str | None]
    timeseries: pd.DataFrame
    events: pd.DataFrame = field(repr=False)
    state_names: dict[str, str] = field(repr=False)

    @property
    def story(self) -> list[str]:
        """The event log as lines, ``"YYYY-MM Country: what happened"`` (answers told within their calls)."""
        from liptako.model.story import lines

        return lines(self.events)

    @property
    def exits(self) -> pd.DataFrame:
        """Who left which bloc, and when: the exit records (date, state, bloc)."""
        return self.events.loc[self.events["kind"] == "exit", ["date", "state", "bloc"]].reset_index(drop=True)

    def series(self, variable: str) -> pd.DataFrame:
        """One per-state variable (e.g. ``"legitimacy"``) as a DataFrame indexed by date, one column per state."""
        cols = {column(variable, iso): iso for iso in self.state_names}
        if not set(cols) <= set(self.timeseries.columns):
            raise KeyError(f"no per-state series {variable!r}")
        frame = self.timeseries[list(cols)].rename(columns=cols)
        frame.index = self.timeseries["date"]
        return frame

    def metadata(self) -> dict:
        """What a reader needs to reproduce the run: scenario, seed, horizon, parameters, version."""
        return {
            "scenario": self.scenario,
            "title": self.title,
            "seed": self.seed,
            "start": self.start,
            "months": self.months,
            "focal_bloc": self.focal_bloc,
            "liptako_version": package_version(),
            "parameters": self.parameters,
        }


def run(
    scenario: str | Path | Scenario = "baseline",
    seed: int = 1,
    months: int | None = None,
    overrides: Mapping[str, float] | None = None,
    narrate: Callable[[str], None] | None = None,
) -> RunResult:
    """Run a scenario to its horizon and return its results.

    Args:
        scenario: a bundled scenario's name, a TOML path or a :class:`~liptako.model.scenario.Scenario`.
        seed: the run's seed; the same seed gives the same results, and equals replication i of any batch
            (``liptako.replicate``) whose i-th seed it is.
        months: horizon in months (default: the scenario's); one that drops some of the scenario's dated
            events warns (``CutEventsWarning``).
        overrides: registry parameters to change, ``{"name": value}``.
        narrate: called with each line of the story as the run unfolds (e.g. ``print``).
    """
    from liptako.model.model import LiptakoModel
    from liptako.model.scenario import load, warn_cut_events

    spec = load(scenario)
    warn_cut_events(spec, months)
    model = LiptakoModel(spec, rng=seed, months=months, parameters=overrides)
    told = 0
    while model.running and model.steps < model.spec.months:
        model.step()
        if narrate is not None:
            lines = model.story
            for line in lines[told:]:
                narrate(line)
            told = len(lines)
    return result_of(model)


def result_of(model) -> RunResult:
    """The RunResult of a LiptakoModel that has run (as far as it has)."""
    spec = model.spec
    return RunResult(
        scenario=spec.name,
        title=spec.title,
        seed=model.seed,
        start=format_month(spec.start),
        months=spec.months,
        focal_bloc=spec.scenario.focal_bloc,
        founders=sorted(spec.blocs[spec.scenario.focal_bloc].members),
        parameters=model.parameters(at_start=True),
        summary=model.summary(),
        timeseries=model.timeseries(),
        events=model.events,
        state_names={s.iso3: s.name for s in model.states},
    )


# --- Writing results ---------------------------------------------------------------------------------------
def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def summary_document(result: RunResult) -> dict:
    """The JSON summary: the run's metadata, its per-run outcomes, the first exit, who left which bloc and
    when, and per-state coup counts."""
    outcomes = {k: v for k, v in result.summary.items() if "." not in k}
    per_state = {
        iso: {
            "name": name,
            "coup_attempts": result.summary[column("coup_attempts", iso)],
            "coup_successes": result.summary[column("coup_successes", iso)],
        }
        for iso, name in result.state_names.items()
    }
    first = result.summary["first_exit_state"]
    first_exit = None
    if first is not None:
        month = result.summary["first_exit_month"]
        date = _date(result.start, int(month))
        first_exit = {"state": first, "name": result.state_names[first], "date": date}
    exits = [{"state": e.state, "name": result.state_names[e.state], "bloc": e.bloc, "date": e.date}
             for e in result.exits.itertuples()]  # fmt: skip
    return _json_safe({**result.metadata(), "outcomes": outcomes, "first_exit": first_exit, "exits": exits,
                       "per_state": per_state})  # fmt: skip


def _date(start: str, months_after: int) -> str:
    from liptako.model.scenario import parse_month

    return format_month(parse_month(start) + months_after)


def write_results(
    result: RunResult,
    out: str | Path,
    command: list[str] | None = None,
    plots: bool = True,
    map_month: str | None = None,
) -> list[Path]:
    """Write a run's files into ``out`` atomically; returns the paths written.

    Files: ``timeseries.csv`` and ``timeseries.parquet`` (monthly series), ``summary.json``, ``events.txt``
    (the story) and ``events.parquet`` (the typed event records), PNG plots, and ``manifest.json`` (time,
    version, command: what may differ between identical runs). Every file but the manifest is byte-identical
    for the same seed. Each file is written to a temporary folder beside ``out`` and moved into place only
    when all are ready.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        result.timeseries.to_csv(staging / "timeseries.csv", index=False, float_format="%.10g")
        result.timeseries.to_parquet(staging / "timeseries.parquet", index=False)
        (staging / "summary.json").write_text(json.dumps(summary_document(result), indent=2) + "\n")
        (staging / "events.txt").write_text("".join(line + "\n" for line in result.story))
        result.events.to_parquet(staging / "events.parquet", index=False)
        if plots:
            from .plots import plot_run  # matplotlib only when plotting

            plot_run(result, staging, map_month)
        manifest = {
            "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "liptako_version": package_version(),
            "python": sys.version.split()[0],
            "command": command if command is not None else sys.argv,
            "scenario": result.scenario,
            "seed": result.seed,
            "files": sorted([*(p.name for p in staging.iterdir()), "manifest.json"]),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        out.mkdir(exist_ok=True)
        written = []
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
            written.append(out / path.name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
