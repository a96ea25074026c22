"""Analysis of an experiment's results folder: sensitivity indices, paired scenario comparisons, survival
curves and one-at-a-time effects. Pure functions on DataFrames (no plotting: see :mod:`.explots`).

What fits which folder (:func:`analyze` chooses):

- a ``sobol`` design: first-order and total Sobol indices (SALib, Saltelli scheme without second order);
- a ``morris`` design: Morris elementary effects (mu*, sigma);
- several scenarios (``liptako run A B --reps N``): per-scenario means and paired differences against the
  first scenario, Kaplan–Meier curves of the alliance's survival and of the time to the first exit, and
  log-rank tests against the first scenario;
- a ``grid`` design: the outcome at each parameter's low and high end (a tornado chart's data);
- a sampled design, where every parameter varies at once (an ``lhs`` design, or the Monte Carlo draws of
  ``liptako run --posterior``): standardised regression coefficients (SRC, with R²) and partial rank
  correlation coefficients (PRCC), with bootstrap intervals (:mod:`.regression_sensitivity`).

Replications are averaged per design point before sensitivity indices are computed: the indices then
apportion the variance of the expected outcome, and the run-to-run noise shrinks as replications grow.
Every resampling (Sobol and Morris confidence intervals, bootstrap intervals) is seeded, so the same folder
always gives the same tables.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from liptako.model.outputs import LABELS, RUN_OUTCOMES

from .designs import map_coordinate, problem, unit_points
from .regression_sensitivity import regression_sensitivity
from .spec import Experiment, Vary
from .store import atomic_write_bytes, load, load_manifest, load_series

# The outcomes analysed by default: how long the alliance holds and how many members it keeps, how often
# juntas face coups, whether allies honour calls for help, and how much ground the insurgents take.
KEY_OUTCOMES: tuple[str, ...] = ("survival_months", "members_end", "coup_attempts", "honour_rate", "peak_territory")
# Time-to-event outcomes :func:`survival` knows how to censor.
EVENTS: dict[str, str] = {
    "survival_months": "the alliance's dissolution",
    "first_exit_month": "a member's first exit",
}
# Fixed seed for every resampling here: analyses are reproducible. SALib ignores a seed of 0 (it then draws
# from numpy's global generator), so this must not be 0.
ANALYSIS_SEED = 20_240_706
SOBOL_RESAMPLES = 1000
BOOTSTRAP_RESAMPLES = 9999
CONFIDENCE = 0.95


# --- opening a folder ---------------------------------------------------------------------------------------
@dataclass
class Results:
    """An experiment folder in memory: its manifest, finished runs and design (series loaded on demand)."""

    manifest: dict
    runs: pd.DataFrame
    design: pd.DataFrame | None = None
    root: Path | None = None
    _series: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def series(self) -> pd.DataFrame:
        if self._series is None:
            self._series = load_series(self.root) if self.root is not None else pd.DataFrame()
        return self._series

    @property
    def parameters(self) -> list[str]:
        return list(self.manifest.get("parameters", []))

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in the experiment's order, keeping only those with finished runs."""
        present = set(self.runs["scenario"]) if len(self.runs) else set()
        return [s for s in self.manifest.get("scenarios", []) if s in present]


def open_results(folder: str | Path) -> Results:
    """Read a results folder (manifest, runs, design; the monthly series only when first asked for)."""
    root = Path(folder)
    manifest = load_manifest(root)
    design_path = root / "design.parquet"
    design = pd.read_parquet(design_path) if design_path.exists() else None
    return Results(manifest=manifest, runs=load(root), design=design, root=root)


def _results(source: Results | str | Path | tuple[pd.DataFrame, dict]) -> Results:
    """Accept a folder, an opened :class:`Results`, or a ``(runs, manifest)`` pair."""
    if isinstance(source, Results):
        return source
    if isinstance(source, tuple):
        runs, manifest = source
        return Results(manifest=manifest, runs=runs)
    return open_results(source)


def _runs(source: pd.DataFrame | Results | str | Path) -> pd.DataFrame:
    """Accept a runs DataFrame, an opened :class:`Results`, or a folder."""
    if isinstance(source, pd.DataFrame):
        return source
    return _results(source).runs


def experiment_from_manifest(manifest: dict) -> Experiment:
    """Rebuild the :class:`Experiment` a folder was run from (to recompute its design in the unit cube).

    Should the stored scenarios no longer validate (a folder from an older Liptako), the experiment is built
    without them: the design depends only on the design settings and the varied parameters.
    """
    from pydantic import ValidationError

    from liptako.model.scenario import Scenario

    e = manifest["experiment"]
    fields = {k: e[k] for k in ("name", "design", "samples", "replications", "months", "seed", "levels")}
    fields |= {"description": e.get("description", ""), "vary": [Vary(**v) for v in e["vary"]]}
    try:
        return Experiment(**fields, scenarios=[Scenario.model_validate(s) for s in e["scenarios"]])
    except ValidationError:
        return Experiment.model_construct(**fields, scenarios=[])


# Columns of a runs frame that identify a run rather than describe its parameters or outcomes.
ID_COLUMNS = ("run_id", "point_id", "replication", "scenario", "seed")


def _parameters_of(runs: pd.DataFrame) -> list[str]:
    """The varied parameters of a runs frame: the numeric columns that are neither ids nor outcomes."""
    outcomes = {o.name for o in RUN_OUTCOMES}
    return [
        c
        for c in runs.columns
        if c not in ID_COLUMNS and c not in outcomes and "." not in c and pd.api.types.is_numeric_dtype(runs[c])
    ]


def _check_outcome(runs: pd.DataFrame, outcome: str) -> None:
    if outcome not in runs.columns:
        known = [c for c in runs.columns if c in LABELS or "." in c]
        raise ValueError(f"unknown outcome {outcome!r}; the runs have: {', '.join(known)}")


def _titled(frame: pd.DataFrame, title: str, note: str = "") -> pd.DataFrame:
    """Attach a title (and a note) for the Markdown, console and HTML renderings."""
    frame.attrs["title"] = title
    if note:
        frame.attrs["note"] = note
    return frame


def label(name: str, unit: bool = True) -> str:
    """A declared output's label (with its unit unless ``unit`` is false), or the name itself."""
    out = LABELS.get(name)
    if out is None:
        return name
    return f"{out.label} ({out.unit})" if unit else out.label


# --- sensitivity: Sobol and Morris ---------------------------------------------------------------------------
def point_means(res: Results, outcome: str, scenario: str | None = None) -> tuple[np.ndarray, str]:
    """The outcome averaged over replications at every design point, in ``point_id`` (= design) order.

    Returns the means and a note. A point whose every replication gave NaN (a ratio with no denominator,
    such as the honour rate when nobody called for help) gets the overall mean: Sobol and Morris estimators
    need every point, and the mean adds no variance; the note says how many points that was.
    """
    runs = res.runs
    _check_outcome(runs, outcome)
    names = res.scenarios
    scenario = scenario or (names[0] if names else None)
    if scenario is not None:
        runs = runs[runs["scenario"] == scenario]
    n_points = int(res.manifest["points"])
    means = runs.groupby("point_id")[outcome].mean().reindex(range(n_points))
    missing = int(runs.groupby("point_id").size().reindex(range(n_points)).isna().sum())
    if missing:
        raise ValueError(f"{missing} of {n_points} design points have no finished run yet; sensitivity indices "
                         "need the whole design (run the sweep again to finish it)")  # fmt: skip
    values = means.to_numpy(dtype=float)
    nan = np.isnan(values)
    note = ""
    if nan.all():
        return values, f"{outcome} is undefined at every point"
    if nan.any():
        values = np.where(nan, np.nanmean(values), values)
        note = f"{int(nan.sum())} of {n_points} points had no defined {outcome} and were set to the mean"
    return values, note


def sobol_from_outputs(
    names: list[str],
    y: np.ndarray,
    *,
    num_resamples: int = SOBOL_RESAMPLES,
    conf_level: float = CONFIDENCE,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """First-order and total Sobol indices from outputs ``y`` in SALib's Saltelli order (no second order).

    A constant output has no variance to apportion: the indices are NaN rather than SALib's division by zero.
    """
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=float)
    d = len(names)
    if y.size % (d + 2):
        raise ValueError(f"{y.size} outputs do not form a Saltelli sample of {d} parameters (N x {d + 2})")
    frame = pd.DataFrame({"parameter": names})
    if not np.isfinite(y).all() or np.ptp(y) == 0:
        for col in ("S1", "S1_conf", "ST", "ST_conf"):
            frame[col] = np.nan
        return frame
    prob = {"num_vars": d, "names": list(names), "bounds": [[0.0, 1.0]] * d}
    si = sobol.analyze(prob, y, calc_second_order=False, num_resamples=num_resamples, conf_level=conf_level,
                       seed=seed)  # fmt: skip
    for col in ("S1", "S1_conf", "ST", "ST_conf"):
        frame[col] = np.asarray(si[col], dtype=float)
    return frame


def sobol_indices(
    source: Results | str | Path | tuple[pd.DataFrame, dict],
    outcome: str,
    *,
    scenario: str | None = None,
    num_resamples: int = SOBOL_RESAMPLES,
    conf_level: float = CONFIDENCE,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """Sobol indices of one outcome in a ``sobol`` folder: parameter, S1, S1_conf, ST, ST_conf.

    ``S1`` is the share of the outcome's variance (over the design's ranges) due to the parameter alone,
    ``ST`` the share it takes part in, interactions included; ``*_conf`` are half-widths of bootstrap
    intervals at ``conf_level``. Indices are of the per-point mean over replications.
    """
    res = _results(source)
    if res.manifest["design"] != "sobol":
        raise ValueError(f"Sobol indices need a sobol design, not {res.manifest['design']}")
    y, note = point_means(res, outcome, scenario)
    frame = sobol_from_outputs(res.parameters, y, num_resamples=num_resamples, conf_level=conf_level, seed=seed)
    if frame["S1"].isna().all() and not note:
        note = f"{outcome} does not vary over the design: no variance to apportion"
    return _titled(frame, f"Sobol indices: {label(outcome, unit=False)}", note)


def morris_indices(
    source: Results | str | Path | tuple[pd.DataFrame, dict],
    outcome: str,
    *,
    scenario: str | None = None,
    num_resamples: int = SOBOL_RESAMPLES,
    conf_level: float = CONFIDENCE,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """Morris elementary effects of one outcome in a ``morris`` folder: parameter, mu, mu_star, mu_star_conf,
    sigma.

    Effects are computed in the unit cube the design was drawn in, so ``mu_star`` is the outcome's change for
    a step across each parameter's whole range (comparable between parameters of different units).
    """
    from SALib.analyze import morris

    res = _results(source)
    if res.manifest["design"] != "morris":
        raise ValueError(f"Morris indices need a morris design, not {res.manifest['design']}")
    experiment = experiment_from_manifest(res.manifest)
    x = unit_points(experiment)
    _check_design(experiment, x, res.design)
    y, note = point_means(res, outcome, scenario)
    frame = pd.DataFrame({"parameter": res.parameters})
    if not np.isfinite(y).all() or np.ptp(y) == 0:
        for col in ("mu", "mu_star", "mu_star_conf", "sigma"):
            frame[col] = np.nan
        return _titled(frame, f"Morris effects: {label(outcome, unit=False)}",
                       note or f"{outcome} does not vary over the design")  # fmt: skip
    si = morris.analyze(problem(experiment), x, y, num_resamples=num_resamples, conf_level=conf_level,
                        num_levels=experiment.levels, seed=seed)  # fmt: skip
    for col in ("mu", "mu_star", "mu_star_conf", "sigma"):
        frame[col] = np.asarray(si[col], dtype=float)
    return _titled(frame, f"Morris effects: {label(outcome, unit=False)}", note)


def _check_design(experiment: Experiment, unit: np.ndarray, design: pd.DataFrame | None) -> None:
    """The unit points recomputed here must map onto the stored design; if they do not (another SALib that
    samples differently), the effects would be attributed to the wrong steps."""
    if design is None:
        return
    for j, v in enumerate(experiment.vary):
        if not np.allclose(map_coordinate(v, unit[:, j]), design[v.parameter].to_numpy(dtype=float)):
            raise ValueError("the design recomputed from the manifest does not match design.parquet "
                             f"(parameter {v.parameter}); was the folder made with another SALib version?")  # fmt: skip


# --- scenario comparisons -------------------------------------------------------------------------------------
def _bootstrap_mean(d: np.ndarray, confidence: float, n_resamples: int, seed: int) -> tuple[float, float]:
    """A bootstrap interval for the mean of the paired differences ``d`` (BCa; percentile if BCa fails)."""
    if len(d) < 2:
        return math.nan, math.nan
    if np.ptp(d) == 0:  # every pair differs by the same amount: no sampling variation to bootstrap
        return float(d[0]), float(d[0])
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # BCa warns (and gives NaN) on very lumpy data; we fall back
            ci = stats.bootstrap((d,), np.mean, n_resamples=n_resamples, confidence_level=confidence,
                                 method=method, rng=np.random.default_rng(seed)).confidence_interval  # fmt: skip
        if np.isfinite(ci.low) and np.isfinite(ci.high):
            return float(ci.low), float(ci.high)
    return math.nan, math.nan


def compare_scenarios(
    runs: pd.DataFrame | Results | str | Path,
    outcome: str,
    baseline: str | None = None,
    *,
    confidence_level: float = CONFIDENCE,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """Each scenario's mean of ``outcome`` and its paired difference from the baseline scenario.

    Runs are paired by design point and replication: under common random numbers the pair shares its seed,
    so the difference isolates the scenario's effect. The interval is a bootstrap of the mean of the paired
    differences. Columns: scenario, runs, mean, sd, pairs, difference, low, high (the baseline's row has no
    difference). ``baseline`` defaults to the first scenario.
    """
    runs = _runs(runs)
    _check_outcome(runs, outcome)
    order = list(dict.fromkeys(runs["scenario"]))
    baseline = baseline or order[0]
    if baseline not in order:
        raise ValueError(f"no scenario {baseline!r}; the runs have {', '.join(order)}")
    order = [baseline] + [s for s in order if s != baseline]
    wide = runs.pivot_table(index=["point_id", "replication"], columns="scenario", values=outcome, dropna=False)
    rows = []
    for name in order:
        values = runs.loc[runs["scenario"] == name, outcome].to_numpy(dtype=float)
        values = values[np.isfinite(values)]  # a ratio with no denominator is no observation
        row = {"scenario": name, "runs": len(values)}
        row["mean"] = float(values.mean()) if len(values) else math.nan
        row["sd"] = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        if name == baseline:
            row |= {"pairs": math.nan, "difference": math.nan, "low": math.nan, "high": math.nan}
        else:
            d = (wide[name] - wide[baseline]).to_numpy(dtype=float)
            d = d[np.isfinite(d)]  # a pair counts only when both runs define the outcome
            low, high = _bootstrap_mean(d, confidence_level, n_resamples, seed)
            row |= {"pairs": len(d), "difference": float(d.mean()) if len(d) else math.nan, "low": low, "high": high}
        rows.append(row)
    frame = pd.DataFrame(rows).astype({"pairs": "Int64"})
    note = (
        f"difference: mean of the run-by-run differences from {baseline} (runs paired by point and replication, "
        f"so by seed), with a {confidence_level:.0%} bootstrap interval (low, high)"
    )
    return _titled(frame, f"{label(outcome, unit=False)} by scenario, against {baseline}", note)


# The headline of a comparison: what a reader asks first of a what-if, each as (key, words, kind, how to read
# it from a run). "share": the share of runs in which something happens (a Wilson interval); "mean": a mean per
# run (a bootstrap interval); "rate": a mean of a share (also a bootstrap), shown in percent.
HEADLINE_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("member_leaves", "a member leaves the {bloc}", "share"),
    ("dissolves", "the {bloc} dissolves", "share"),
    ("coup_successes", "successful coups per run", "mean"),
    ("peak_territory", "peak territory contested in the founding members", "rate"),
    ("honour_rate", "calls for help honoured", "rate"),
)


def _headline_values(runs: pd.DataFrame, key: str) -> pd.Series:
    """One headline measure per run (NaN where it is not defined, e.g. an honour rate without a call)."""
    if key == "member_leaves":
        return runs["first_exit_month"].notna().astype(float)
    if key == "dissolves":
        return (runs["dissolved"] == 1).astype(float)
    return runs[key].astype(float)


def headline_table(
    res: Results,
    *,
    confidence_level: float = CONFIDENCE,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """The few numbers a comparison's headline says, per scenario against the first: the share of runs in
    which a member leaves the alliance and in which it dissolves (Wilson intervals, ``scipy.stats.binomtest``),
    successful coups per run, peak territory contested and the honour rate (bootstrap intervals of the mean),
    and each one's paired difference from the first scenario (runs paired by seed; bootstrap interval of the
    mean difference). ``clear`` says whether that interval excludes zero.

    Columns: scenario, measure, what (in words), kind, runs, value, low, high, base, base_low, base_high,
    difference, diff_low, diff_high, clear."""
    from scipy.stats import binomtest

    names = res.scenarios
    runs = res.runs
    specs = {s["scenario"]["name"]: s for s in res.manifest["experiment"].get("scenarios", [])}
    bloc = specs.get(names[0], {}).get("scenario", {}).get("focal_bloc", "AES") if names else "AES"
    by = {name: runs[runs["scenario"] == name].set_index(["point_id", "replication"]) for name in names}

    def interval(values: np.ndarray, kind: str) -> tuple[float, float, float]:
        values = values[np.isfinite(values)]
        if not len(values):
            return math.nan, math.nan, math.nan
        if kind == "share":
            ci = binomtest(int(values.sum()), len(values)).proportion_ci(confidence_level, method="wilson")
            return float(values.mean()), float(ci.low), float(ci.high)
        low, high = _bootstrap_mean(values, confidence_level, n_resamples, seed)
        return float(values.mean()), low, high

    rows = []
    for key, words, kind in HEADLINE_MEASURES:
        if key not in ("member_leaves", "dissolves") and key not in runs.columns:
            continue
        base = _headline_values(by[names[0]], key)
        b = interval(base.to_numpy(dtype=float), kind)
        for name in names[1:]:
            other = _headline_values(by[name], key)
            v = interval(other.to_numpy(dtype=float), kind)
            d = (other - base.reindex(other.index)).to_numpy(dtype=float)
            d = d[np.isfinite(d)]
            low, high = _bootstrap_mean(d, confidence_level, n_resamples, seed)
            diff = float(d.mean()) if len(d) else math.nan
            rows.append({"scenario": name, "measure": key, "what": words.format(bloc=bloc), "kind": kind,
                         "runs": int(np.isfinite(other.to_numpy(dtype=float)).sum()), "value": v[0], "low": v[1],
                         "high": v[2], "base": b[0], "base_low": b[1], "base_high": b[2], "difference": diff,
                         "diff_low": low, "diff_high": high,
                         "clear": bool(low > 0 or high < 0) if low == low and high == high else False})  # fmt: skip
    return _titled(pd.DataFrame(rows), f"Headline: each scenario against {names[0] if names else '?'}",
                   f"value and base (the first scenario) with {confidence_level:.0%} intervals (Wilson for shares "
                   "of runs, bootstrap for means); difference: mean of the paired run-by-run differences with a "
                   "bootstrap interval; clear: the interval excludes zero")  # fmt: skip


# --- survival -------------------------------------------------------------------------------------------------
def _times_events(runs: pd.DataFrame, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Event times and whether the event happened (else the run is right-censored at that time)."""
    if outcome == "survival_months":
        return runs["survival_months"].to_numpy(dtype=float), runs["dissolved"].to_numpy() == 1
    if outcome == "first_exit_month":
        exit_month = runs["first_exit_month"].to_numpy(dtype=float)
        happened = ~np.isnan(exit_month)  # missing: nobody left; censored where the run (or the alliance) ended
        return np.where(happened, exit_month, runs["survival_months"].to_numpy(dtype=float)), happened
    raise ValueError(f"no time-to-event outcome {outcome!r}; known: {', '.join(EVENTS)}")


def _censored(runs: pd.DataFrame, outcome: str) -> stats.CensoredData:
    times, events = _times_events(runs, outcome)
    return stats.CensoredData(uncensored=times[events], right=times[~events])


def kaplan_meier(times: np.ndarray, events: np.ndarray, confidence_level: float = CONFIDENCE) -> pd.DataFrame:
    """Kaplan–Meier estimate: months, survival, lower, upper (Greenwood interval), at_risk, events.

    The curve starts at month 0 with survival 1 and steps at every observed time (censored times included,
    where it does not drop).
    """
    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=bool)
    sf = stats.ecdf(stats.CensoredData(uncensored=times[events], right=times[~events])).sf
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # Greenwood divides by zero where everyone left at risk has the event
        ci = sf.confidence_interval(confidence_level)
    t = sf.quantiles
    frame = pd.DataFrame({
        "months": np.r_[0.0, t],
        "survival": np.r_[1.0, sf.probabilities],
        "lower": np.r_[1.0, ci.low.probabilities],
        "upper": np.r_[1.0, ci.high.probabilities],
        "at_risk": np.r_[len(times), [(times >= x).sum() for x in t]].astype(int),
        "events": np.r_[0, [(events & (times == x)).sum() for x in t]].astype(int),
    })  # fmt: skip
    return frame


def survival(
    runs: pd.DataFrame | Results | str | Path,
    by: str = "scenario",
    *,
    outcome: str = "survival_months",
    confidence_level: float = CONFIDENCE,
) -> dict[str, pd.DataFrame]:
    """Kaplan–Meier curves per group (scenario by default): {group: DataFrame(months, survival, lower, upper,
    at_risk, events)}.

    ``outcome`` is ``survival_months`` (the alliance's dissolution; runs where it holds are censored at the
    horizon) or ``first_exit_month`` (the first member's exit).
    """
    runs = _runs(runs)
    curves = {}
    for group, frame in runs.groupby(by, sort=False):
        times, events = _times_events(frame, outcome)
        curves[str(group)] = kaplan_meier(times, events, confidence_level)
    return curves


def logrank(
    runs: pd.DataFrame | Results | str | Path,
    a: str,
    b: str,
    *,
    by: str = "scenario",
    outcome: str = "survival_months",
) -> tuple[float, float]:
    """The log-rank test of group ``a`` against group ``b`` (two-sided): (statistic, p-value).

    With no event in either group the test is undefined: (nan, nan).
    """
    runs = _runs(runs)
    x, y = runs[runs[by] == a], runs[runs[by] == b]
    if not len(x) or not len(y):
        raise ValueError(f"no runs for {a if not len(x) else b!r} in column {by!r}")
    if not (_times_events(x, outcome)[1].any() or _times_events(y, outcome)[1].any()):
        return math.nan, math.nan
    result = stats.logrank(_censored(x, outcome), _censored(y, outcome))
    return float(result.statistic), float(result.pvalue)


def survival_table(
    runs: pd.DataFrame, outcome: str = "survival_months", by: str = "scenario", step: int = 12
) -> pd.DataFrame:
    """Kaplan–Meier survival at every ``step`` months (yearly by default) per group, for tables."""
    curves = survival(runs, by, outcome=outcome)
    horizon = int(runs["survival_months"].max()) if len(runs) else 0
    what = EVENTS[outcome]
    title = f"Kaplan–Meier: share of runs before {what}"
    if not any(curve["events"].sum() for curve in curves.values()):
        # nothing happened anywhere: a column of ones says less than one line
        frame = pd.DataFrame({by: list(curves), "months": horizon, "survival": 1.0, "runs": [
            int(curve["at_risk"].iloc[0]) for curve in curves.values()]})  # fmt: skip
        return _titled(frame, title, f"no run saw {what} within {horizon} months")
    step = step * max(1, math.ceil(horizon / (10 * step)))  # at most about ten rows per group
    marks = list(range(step, horizon + 1, step)) or [horizon]
    rows = []
    for group, frame in runs.groupby(by, sort=False):
        times, events = _times_events(frame, outcome)
        curve = kaplan_meier(times, events)
        for m in marks:
            i = int(np.searchsorted(curve["months"].to_numpy(), m, side="right")) - 1  # step function
            rows.append({by: group, "months": m, "survival": curve["survival"].iloc[i],
                         "lower": curve["lower"].iloc[i], "upper": curve["upper"].iloc[i],
                         "at_risk": int((times >= m).sum())})  # fmt: skip
    return _titled(pd.DataFrame(rows), title, f"runs without {what} are censored at the horizon; "
                   f"{CONFIDENCE:.0%} Greenwood intervals; at_risk: runs still without it at that month")  # fmt: skip


def logrank_table(runs: pd.DataFrame, by: str = "scenario") -> pd.DataFrame:
    """Log-rank tests of every group against the first, for dissolution and for the first exit."""
    groups = list(dict.fromkeys(runs[by]))
    rows = []
    for outcome, what in EVENTS.items():
        for other in groups[1:]:
            stat, p = logrank(runs, groups[0], other, by=by, outcome=outcome)
            events = [int(_times_events(runs[runs[by] == g], outcome)[1].sum()) for g in (groups[0], other)]
            rows.append({"event": what, "a": groups[0], "b": other, "events_a": events[0], "events_b": events[1],
                         "statistic": stat, "p_value": p})  # fmt: skip
    return _titled(pd.DataFrame(rows), f"Log-rank tests against {groups[0]}",
                   "p_value is empty where neither group had the event")  # fmt: skip


# --- effects over a grid or a Latin hypercube ----------------------------------------------------------------
def one_at_a_time(
    runs: pd.DataFrame | Results | str | Path,
    outcome: str,
    parameters: Iterable[str] | None = None,
    *,
    tail: float = 0.1,
    max_levels: int = 10,
) -> pd.DataFrame:
    """Each varied parameter's effect: the mean outcome at its low end and at its high end, against the
    overall mean (a tornado chart's data), sorted by the size of the swing.

    A parameter with at most ``max_levels`` distinct values (a grid, Morris levels, a categorical) is taken
    at its lowest and highest value; a continuous one (lhs, sobol) at its lowest and highest ``tail``
    (decile), the other parameters averaged over. Columns: parameter, low_value, high_value, low_mean,
    high_mean, low_effect, high_effect (minus the overall mean), swing (high minus low), low_runs, high_runs.
    """
    runs = _runs(runs)
    _check_outcome(runs, outcome)
    params = list(parameters) if parameters is not None else _parameters_of(runs)
    y = runs[outcome].to_numpy(dtype=float)
    overall = float(np.nanmean(y)) if np.isfinite(y).any() else math.nan
    rows = []
    for p in params:
        x = runs[p].to_numpy(dtype=float)
        levels = np.unique(x)
        if len(levels) < 2:
            continue  # held fixed: no effect to show
        if len(levels) <= max_levels:
            lo_value, hi_value = levels[0], levels[-1]
            lo, hi = x == lo_value, x == hi_value
        else:
            lo_value, hi_value = np.quantile(x, [tail, 1 - tail])
            lo, hi = x <= lo_value, x >= hi_value
        lo_mean = float(np.nanmean(y[lo])) if np.isfinite(y[lo]).any() else math.nan
        hi_mean = float(np.nanmean(y[hi])) if np.isfinite(y[hi]).any() else math.nan
        row = {"parameter": p, "low_value": float(lo_value), "high_value": float(hi_value)}
        row |= {"low_mean": lo_mean, "high_mean": hi_mean, "low_effect": lo_mean - overall}
        row |= {"high_effect": hi_mean - overall, "swing": hi_mean - lo_mean}
        row |= {"low_runs": int(np.isfinite(y[lo]).sum()), "high_runs": int(np.isfinite(y[hi]).sum())}
        rows.append(row)
    columns = ["parameter", "low_value", "high_value", "low_mean", "high_mean", "low_effect", "high_effect",
               "swing", "low_runs", "high_runs"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    if len(frame):
        frame = frame.iloc[np.argsort(-frame["swing"].abs().fillna(-1).to_numpy(), kind="stable")]
        frame = frame.reset_index(drop=True)
    frame.attrs["overall_mean"] = overall
    return _titled(frame, f"One-at-a-time effects: {label(outcome, unit=False)}",
                   f"overall mean {overall:.4g}; low/high: lowest and highest value, or decile for continuous "
                   "ranges")  # fmt: skip


def monte_carlo_parameters(res: Results) -> list[str]:
    """The parameters a folder's runs drew at random, one draw per replication (``run --posterior``: a Monte
    Carlo sample); empty for a folder without draws."""
    drawn = res.manifest.get("experiment", {}).get("posterior", {}).get("parameters", [])
    return [p for p in drawn if p in res.runs.columns and res.runs[p].nunique() > 1]


def sampled_parameters(res: Results) -> list[str]:
    """The parameters of a sampled design, which vary all at once (the design's for an ``lhs`` folder, the
    drawn ones for Monte Carlo draws); empty when the folder is not one."""
    if res.manifest.get("design") == "lhs":
        return varied(res)
    return monte_carlo_parameters(res)


def regression_table(
    res: Results,
    outcome: str,
    *,
    resamples: int = SOBOL_RESAMPLES,
    confidence_level: float = CONFIDENCE,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """SRC (with R²) and PRCC of one outcome over a sampled design, with bootstrap intervals, ranked by |PRCC|.

    In a Latin hypercube the unit is the design point (the outcome averaged over its replications, as for
    Sobol indices); in Monte Carlo draws, where each replication has parameters of its own, the run. Units
    whose outcome is missing (e.g. no exit) are left out and counted in the note. The first scenario's runs.
    """
    runs = res.runs
    _check_outcome(runs, outcome)
    if res.scenarios:
        runs = runs[runs["scenario"] == res.scenarios[0]]
    params = sampled_parameters(res)
    what = label(outcome, unit=False)
    title = f"Regression sensitivity (SRC and PRCC): {what}"
    if res.manifest.get("design") == "lhs":
        data = runs.groupby("point_id")[[*params, outcome]].mean()
        unit = f"design points (means over {res.manifest['experiment']['replications']:,} replications)"
    else:
        data = runs[[*params, outcome]]
        unit = "runs (one Monte Carlo draw each)"
    frame = regression_sensitivity(data[params], data[outcome].to_numpy(dtype=float), resamples=resamples,
                                   confidence=confidence_level, seed=seed)  # fmt: skip
    order = np.argsort(-np.nan_to_num(frame["prcc"].abs().to_numpy(dtype=float), nan=-1.0), kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    n, r2 = frame.attrs["n"], frame.attrs["r2"]
    dropped = len(data) - n
    missing = f"; {dropped:,} {unit.split(' (')[0]} without a defined {outcome} are left out" if dropped else ""
    fit = "no variation to explain" if not math.isfinite(r2) else f"R² = {r2:.3f}"
    note = (
        f"over {n:,} {unit}{missing}. SRC: the outcome's change in standard deviations per standard deviation "
        f"of the parameter, the others held fixed, from a linear fit ({fit}; read SRC only when R² is high). "
        "PRCC: the rank correlation of parameter and outcome once the other parameters' ranks are removed "
        f"(monotone, however curved). {confidence_level:.0%} percentile bootstrap intervals over {resamples:,} "
        f"resamples (seed {seed}); prcc_p: the t test of PRCC = 0"
    )
    frame.attrs.update({"title": title, "note": note[0].upper() + note[1:]})
    return frame


def grid_means(runs: pd.DataFrame, outcome: str, x: str, y: str) -> pd.DataFrame:
    """The mean outcome in every cell of a two-parameter grid: rows ``y``'s values, columns ``x``'s."""
    _check_outcome(runs, outcome)
    table = runs.pivot_table(index=y, columns=x, values=outcome, aggfunc="mean", dropna=False)
    return table.sort_index().sort_index(axis=1)


def summary_table(runs: pd.DataFrame, outcomes: Iterable[str] = KEY_OUTCOMES, by: str = "scenario") -> pd.DataFrame:
    """Mean, standard deviation and 5/50/95% quantiles of each outcome per group, over all runs."""
    rows = []
    for group, frame in runs.groupby(by, sort=False):
        for outcome in outcomes:
            values = frame[outcome].to_numpy(dtype=float)
            ok = values[np.isfinite(values)]
            q = np.quantile(ok, [0.05, 0.5, 0.95]) if len(ok) else [math.nan] * 3
            rows.append({by: group, "outcome": outcome, "runs": len(ok),
                         "mean": ok.mean() if len(ok) else math.nan,
                         "sd": ok.std(ddof=1) if len(ok) > 1 else math.nan,
                         "p05": q[0], "median": q[1], "p95": q[2]})  # fmt: skip
    return _titled(pd.DataFrame(rows), "Outcomes over all runs",
                   "runs: runs where the outcome is defined (ratios need a denominator)")  # fmt: skip


# --- the whole folder ----------------------------------------------------------------------------------------
def varied(res: Results) -> list[str]:
    """Parameters that take more than one value in the folder's runs."""
    return [p for p in res.parameters if p in res.runs.columns and res.runs[p].nunique() > 1]


def _median_date(start: str | None, months: float) -> str | None:
    """The month (YYYY-MM) a median number of months after the start (missing when the median is)."""
    from liptako.model.scenario import format_month, parse_month

    if start is None or months != months:
        return None
    return format_month(parse_month(start) + int(months))


def per_state_table(res: Results, confidence_level: float = CONFIDENCE) -> pd.DataFrame:
    """Per scenario and state: the chance that the state leaves the scenario's focal bloc within the horizon and
    when (the median month and date among the runs where it does), and the chance of at least one successful
    coup and when the first comes (likewise), each chance with its Wilson interval (``scipy.stats.binomtest``).
    States that are members of the focal bloc at the start, or that leave it or have a coup in some run, are
    listed. "When" is missing (NaN, no date) where it never happens, and for a folder made before the runs
    recorded the month of each state's first coup."""
    from scipy.stats import binomtest

    specs = {s["scenario"]["name"]: s for s in res.manifest["experiment"].get("scenarios", [])}
    rows = []
    for name in res.scenarios:
        runs = res.runs[res.runs["scenario"] == name]
        spec = specs.get(name, {})
        focal = spec.get("scenario", {}).get("focal_bloc", "AES")
        start = spec.get("scenario", {}).get("start")
        founders = set(spec.get("blocs", {}).get(focal, {}).get("members", []))
        n = len(runs)
        states = sorted({c.split(".")[-1] for c in runs.columns if c.startswith("coup_successes.")} | founders)
        for iso in states:
            exit_col, coup_col, when_col = f"exit_month.{focal}.{iso}", f"coup_successes.{iso}", f"coup_month.{iso}"
            months = runs[exit_col].dropna() if exit_col in runs else pd.Series(dtype=float)
            coups = int((runs[coup_col] > 0).sum()) if coup_col in runs else 0
            if iso not in founders and not len(months) and not coups:
                continue
            coup_months = runs[when_col].dropna() if when_col in runs else pd.Series(dtype=float)
            leave = binomtest(len(months), n).proportion_ci(confidence_level, method="wilson")
            coup = binomtest(coups, n).proportion_ci(confidence_level, method="wilson")
            left_at = float(months.median()) if len(months) else np.nan
            coup_at = float(coup_months.median()) if len(coup_months) else np.nan
            rows.append({
                "scenario": name, "state": iso, "member at start": iso in founders, "runs": n,
                f"P(leaves {focal})": len(months) / n, "leaves: low": leave.low, "leaves: high": leave.high,
                "leaves: median month": left_at, "leaves: median date": _median_date(start, left_at),
                "P(successful coup)": coups / n, "coup: low": coup.low, "coup: high": coup.high,
                "first coup: median month": coup_at, "first coup: median date": _median_date(start, coup_at),
            })  # fmt: skip
    frame = pd.DataFrame(rows)
    if not any(c.startswith("coup_month.") for c in res.runs.columns):  # a folder from before they were kept
        frame = frame.drop(columns=["first coup: median month", "first coup: median date"], errors="ignore")
    level = f"{confidence_level:.0%}"
    return _titled(frame, "Per state: leaving the alliance and coups",
                   f"chances over the runs of each scenario with {level} Wilson intervals (low, high); months "
                   "counted from the start; the median month (and date) of leaving, or of the first successful "
                   "coup, is over the runs in which it happens (missing: it never does)")  # fmt: skip


def analyses(res: Results, outcomes: Iterable[str] = KEY_OUTCOMES) -> dict[str, pd.DataFrame]:
    """Every table that fits the folder's design, keyed by a file-safe name (see the module docstring)."""
    outcomes = [o for o in outcomes if o in res.runs.columns]
    runs = res.runs
    tables: dict[str, pd.DataFrame] = {"summary": summary_table(runs, outcomes)}
    notes: list[str] = []
    design = res.manifest["design"]
    if design in ("sobol", "morris"):
        compute = sobol_indices if design == "sobol" else morris_indices
        for outcome in outcomes:
            try:
                table = compute(res, outcome)
                # ranked for reading: the most influential parameter first (a screening may list a hundred)
                key = table["ST" if design == "sobol" else "mu_star"].fillna(-1.0).to_numpy()
                ranked = table.iloc[np.argsort(-key, kind="stable")].reset_index(drop=True)
                ranked.attrs = dict(table.attrs)
                tables[f"{design}_{outcome}"] = ranked
            except ValueError as err:  # an unfinished sweep: say so, keep the other tables
                notes.append(f"{design} indices not computed: {err}")
                break
    if len(res.scenarios) > 1:
        if {"first_exit_month", "dissolved"} <= set(runs.columns):
            tables["headline"] = headline_table(res)
        for outcome in outcomes:
            tables[f"compare_{outcome}"] = compare_scenarios(runs, outcome, res.scenarios[0])
    if any(c.startswith("coup_successes.") for c in runs.columns) and "scenarios" in res.manifest["experiment"]:
        tables["per_state"] = per_state_table(res)
    if {"survival_months", "dissolved", "first_exit_month"} <= set(runs.columns):
        tables["survival"] = survival_table(runs, "survival_months")
        tables["first_exit"] = survival_table(runs, "first_exit_month")
        if len(res.scenarios) > 1:
            tables["logrank"] = logrank_table(runs)
    params = varied(res)
    if sampled_parameters(res):  # a Latin hypercube or Monte Carlo draws: every parameter varies at once
        for outcome in outcomes:
            tables[f"regression_{outcome}"] = regression_table(res, outcome)
    elif design == "grid" and params:
        for outcome in outcomes:
            tables[f"effects_{outcome}"] = one_at_a_time(runs, outcome, params)
        if design == "grid" and len(params) == 2:
            for outcome in outcomes:
                cells = grid_means(runs, outcome, params[0], params[1]).reset_index()
                cells.columns = [str(c) if i == 0 else f"{params[0]}={c:g}" for i, c in enumerate(cells.columns)]
                tables[f"grid_{outcome}"] = _titled(cells, f"Mean {label(outcome, unit=False)} on the grid")
    if notes:
        tables["notes"] = _titled(pd.DataFrame({"note": notes}), "Notes")
    return tables


def analyze(
    folder: str | Path, outcomes: Iterable[str] = KEY_OUTCOMES, *, write: bool = True
) -> dict[str, pd.DataFrame]:
    """Analyse a results folder: the tables that fit its design, written as CSV and Markdown to
    ``DIR/analysis/`` (unless ``write`` is false) and returned by name."""
    res = open_results(folder)
    if not len(res.runs):
        raise ValueError(f"{folder}: no finished runs yet")
    tables = analyses(res, outcomes)
    if write:
        write_tables(folder, tables)
    return tables


def write_tables(folder: str | Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each table as ``DIR/analysis/<name>.csv`` (full precision) and ``.md`` (titled, rounded)."""
    out = Path(folder) / "analysis"
    out.mkdir(exist_ok=True)
    paths = []
    for name, frame in tables.items():
        for path, text in ((out / f"{name}.csv", frame.to_csv(index=False)),
                           (out / f"{name}.md", _markdown_block(frame) + "\n")):  # fmt: skip
            atomic_write_bytes(path, text.encode())
            paths.append(path)
    return paths


# --- rendering ------------------------------------------------------------------------------------------------
def format_value(value) -> str:
    """Numbers to 4 significant digits, integers whole, missing values as a dash."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v == int(v) and abs(v) < 1e6:
            return str(int(v))
        return f"{v:,.4g}" if abs(v) < 1e6 else f"{v:.4g}"
    return str(value)


def formatted(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every cell formatted for display (strings)."""
    return pd.DataFrame({c: [format_value(v) for v in frame[c].tolist()] for c in frame.columns})


def markdown(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (pandas' ``to_markdown`` needs tabulate, which we do not depend on)."""
    cells = formatted(frame)
    header = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    widths = [max([len(h), *(len(v) for v in cells[c])]) for h, c in zip(header, frame.columns, strict=True)]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "| " + " | ".join(parts) + " |"

    # a colon on the right of the rule right-aligns a numeric column
    rule = "| " + " | ".join("-" * (w - 1) + ":" if num else "-" * w for w, num in zip(widths, numeric, strict=True))
    rule += " |"
    rows = [line(header), rule] + [line(list(r)) for r in cells.itertuples(index=False)]
    return "\n".join(rows)


def _markdown_block(frame: pd.DataFrame) -> str:
    parts = [f"### {frame.attrs.get('title', '')}".rstrip(), ""]
    if frame.attrs.get("note"):
        parts += [f"_{frame.attrs['note']}_", ""]
    parts.append(markdown(frame) if len(frame.columns) else "(empty)")
    return "\n".join(parts)


def format_tables(tables: Mapping[str, pd.DataFrame]) -> str:
    """Every table as a titled Markdown block, for printing."""
    return "\n\n".join(_markdown_block(frame) for frame in tables.values())
