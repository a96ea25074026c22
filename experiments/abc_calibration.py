"""Calibration by approximate Bayesian computation: ``liptako calibrate PATTERNS``, and the posterior files that
``liptako run --posterior FILE`` draws from.

The method is ABC by sequential Monte Carlo (ABC-SMC, Toni et al. 2009, https://doi.org/10.1098/rsif.2008.0172)
as pyabc implements it (Schälte et al. 2022, https://doi.org/10.21105/joss.04304). In words:

1. The **free parameters** (``--free``, default :data:`DEFAULT_FREE`) get uniform priors over their registry
   ranges ``[low, high]``; every other parameter keeps its scenario value.
2. A **particle** is one vector of free parameters. Its summary statistics are the patterns' values (and, with
   ``--history``, the median of each observation) over ``reps`` replications of each scenario on the array
   engine (:class:`PatternModel`). Every particle runs on the same replication seeds, spawned from ``--seed``
   (common random numbers, as in sweeps), so that two particles differ by their parameters, not their luck.
3. The **distance** (:class:`BandDistance`) puts statistics of different units on one scale: a pattern counts
   0 inside its band and otherwise its distance to the nearest edge divided by the band's width; a history
   observation counts ``|median - observed| / spread``. The distance is the Euclidean norm of these, so an
   epsilon of 0.5 reads "half a band width away, all targets together".
4. pyabc samples a first population from the prior, keeps the particles nearer than an epsilon (the median
   distance of the previous population), perturbs the survivors, and so on, weighting particles so that the last
   population approximates the posterior. Every population is stored in ``OUT/abc.db`` (SQLite) as it ends: a
   stopped run loses only the generation in flight, and ``--resume`` continues from the stored populations.
5. ``--budget`` is the total number of particles simulated (each particle is ``reps`` runs per scenario). It
   sets the population size (:func:`population_size`) and stops the run before a generation whose expected cost
   would take it past the budget; a minimum epsilon of 0 (every target inside its band) stops it earlier.

Outputs (every file written atomically): ``posterior.parquet`` (the last population: one column per free
parameter and ``weight``), ``calibration.json`` (priors, posterior summaries, the point estimate, the
generations' epsilons, the predictive check), and the plots ``marginals``, ``pairs`` and ``predictive`` (PNG
and SVG). docs/calibrate.md tells the whole story, with the measured cost of a particle.

pyabc is an optional dependency (the ``calibrate`` extra, and the dev group): it is imported only inside the
functions that run a calibration, never by ``import liptako`` nor by ``liptako run --posterior``.
"""

from __future__ import annotations

import hashlib
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from liptako.model.errors import InputError
from liptako.model.parameters import BY_NAME

# The coup and insurgency parameters the record speaks to most directly (issue 8): the hazards and the trap of
# the coup submodel, the success odds, and the insurgency's growth.
# The parameters hand-calibrated against the patterns and the G5 history (docs/calibration.md, docs/validation.md)
DEFAULT_FREE = ("coup_base_hazard", "civilian_hazard_factor", "coup_trap_multiplier", "coup_success_intercept",
                "entrenchment_max", "coup_insecurity_effect", "victimisation", "estrangement")  # fmt: skip

DATABASE = "abc.db"
SETTINGS = "settings.json"  # what the stored run was started with; --resume checks it
POSTERIOR = "posterior.parquet"
CALIBRATION = "calibration.json"
PLOTS = ("marginals", "pairs", "predictive")

SIMULATIONS_PER_PARTICLE = 10  # the population size is the budget over this (see population_size)
MIN_POPULATION, MAX_POPULATION = 8, 1000
FIRST_ACCEPTANCE = 0.5  # a median epsilon keeps about half of the first population's proposals
DISTANCE = (
    "Euclidean norm of standardised distances: a pattern 0 inside its band, else the distance to the nearest "
    "edge over the band's width; a history observation |median - observed| / spread"
)
PREDICTIVE_DRAWS = 20  # posterior draws rerun for the posterior predictive check
HISTORY_SPREAD_FLOOR = 0.1  # a history observation's spread is at least 10% of the observed value
# Streams spawned from --seed, apart from the replications' own seeds (as the designs' is).
POSTERIOR_STREAM = 0x905
PREDICTIVE_STREAM = 0x906


# --- free parameters and their priors ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FreeParameter:
    """A registry parameter the calibration varies, with its uniform prior ``[low, high]`` (the registry range)."""

    name: str
    low: float
    high: float
    unit: str = ""
    default: float = 0.0
    integer: bool = False

    def value(self, x: float) -> float | int:
        """A particle's coordinate as the model takes it: rounded for a whole-number parameter, kept in range."""
        x = min(max(float(x), self.low), self.high)
        return round(x) if self.integer else x


def free_parameters(names: Sequence[str], where: str = "--free") -> list[FreeParameter]:
    """The registry entries of ``names``; :class:`InputError` names an unknown, fixed or repeated one."""
    import difflib

    out = []
    for name in names:
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, BY_NAME, n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise InputError(where, name, f"unknown parameter; {hint}`liptako params` lists all {len(BY_NAME)}")
        if any(p.name == name for p in out):
            raise InputError(where, name, "named twice")
        spec = BY_NAME[name]
        if not spec.low < spec.high:
            raise InputError(where, name, f"its registry range [{spec.low:g}, {spec.high:g}] is a single value")
        out.append(FreeParameter(name, float(spec.low), float(spec.high), spec.unit, float(spec.default),
                                 spec.integer))  # fmt: skip
    if not out:
        raise InputError(where, None, "name at least one registry parameter")
    return out


def priors(free: Sequence[FreeParameter]):
    """The pyabc prior: independent uniforms over the registry ranges (scipy's ``uniform(loc, scale)``)."""
    import pyabc

    return pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in free})


# --- what is fitted ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One statistic the calibration fits: a pattern's band, or a history observation's observed value.

    ``key`` names the statistic in pyabc's database (``pattern:ID`` or ``history:NAME:ID``).
    """

    key: str
    title: str
    kind: str  # "pattern" or "history"
    low: float
    high: float
    observed: float | None = None
    count: bool = False  # a history count: its spread is at least one event


def pattern_targets(patterns) -> list[Target]:
    """One target per pattern: its band, and the record's value where the pattern gives or computes one."""
    from .patterns import from_record

    out = []
    for p in patterns:
        record = p.observed if p.observed is not None else from_record(p)
        out.append(Target(f"pattern:{p.id}", p.title, "pattern", p.band[0], p.band[1],
                          None if record is None else float(record)))  # fmt: skip
    return out


def history_targets(history) -> tuple[list[Target], list[str]]:
    """One target per count or series observation of a history, and the ids of the memberships left out (a set
    of states has no distance to a median)."""
    out, skipped = [], []
    for obs in history.observations:
        if obs.form == "members":
            skipped.append(obs.id)
            continue
        x = float(obs.observed)
        out.append(Target(f"history:{history.name}:{obs.id}", f"{history.title}: {obs.id}", "history", x, x, x,
                          count=obs.form == "count"))  # fmt: skip
    return out, skipped


def history_file(source: str | Path) -> Path:
    """The file of a history named on the command line: a path, or a bundled history's name."""
    from importlib import resources

    path = Path(source)
    if path.is_file():
        return path
    return Path(str(resources.files("liptako.histories") / f"{source}.toml"))


def band_score(value: float, low: float, high: float) -> float:
    """A pattern's standardised distance: 0 inside ``[low, high]``, else the distance to the nearest edge over
    the band's width (a band of zero width: in the statistic's own units). A value the runs leave undefined (a
    share of attempts when no run had one) counts as one band width away."""
    if value is None or not math.isfinite(value):
        return 1.0
    width = high - low if high > low else 1.0
    return max(low - value, value - high, 0.0) / width


def history_score(median: float, spread: float, observed: float, count: bool) -> float:
    """A history observation's standardised distance: ``|median - observed| / spread``, where the spread is the
    runs' interquartile range, at least 10% of the observed value (and at least one event for a count), so that a
    particle cannot come nearer by making its runs vary more than that."""
    floor = max(HISTORY_SPREAD_FLOOR * abs(observed), 1.0 if count else 1e-9)
    return abs(median - observed) / max(spread, floor)


# --- the model of one particle ----------------------------------------------------------------------------------
class PatternModel:
    """A particle's summary statistics: run each scenario the patterns and histories need ``reps`` times with the
    particle's parameters (one batch per scenario on the array engine, on ``threads`` threads), then measure
    each pattern (``num.sum() / den.sum()`` pooled over replications, as ``liptako patterns`` does) and each
    history observation (the median over replications, and the interquartile range as ``KEY:spread``)."""

    def __init__(self, free: Sequence[FreeParameter], patterns, histories=(), reps: int = 50, seed: int = 1,
                 threads: int = 1) -> None:  # fmt: skip
        from liptako.model.scenario import load
        from liptako.model.seeds import replication_seeds

        self.free = list(free)
        self.patterns = list(patterns)
        self.histories = list(histories)
        self.threads = threads
        self.seeds = replication_seeds(seed, reps)
        self.scenarios: list = []  # each distinct scenario once; patterns and observations point into it
        self.pattern_scenario = [self._index(load(p.scenario)) for p in self.patterns]
        self.history_scenario = [self._index(h.scenario) for h in self.histories]

    def _index(self, scenario) -> int:
        for i, known in enumerate(self.scenarios):
            if known == scenario:
                return i
        self.scenarios.append(scenario)
        return len(self.scenarios) - 1

    def overrides(self, parameters: Mapping[str, float]) -> dict[str, float | int]:
        """The registry overrides of a particle (its coordinates as the model takes them)."""
        return {p.name: p.value(parameters[p.name]) for p in self.free}

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        return self.statistics(parameters)

    def statistics(self, parameters: Mapping[str, float], seeds: Sequence[int] | None = None) -> dict[str, float]:
        """The summary statistics of one parameter vector (on ``seeds``, default the calibration's)."""
        from .batch import replicate
        from .evaluation import values
        from .patterns import STATISTICS

        overrides = self.overrides(parameters)
        seeds = self.seeds if seeds is None else seeds
        batches = [replicate(s, seeds=seeds, overrides=overrides, threads=self.threads) for s in self.scenarios]
        out: dict[str, float] = {}
        for p, i in zip(self.patterns, self.pattern_scenario, strict=True):
            num, den = STATISTICS[p.statistic](batches[i], p.options)
            out[f"pattern:{p.id}"] = float(num.sum() / den.sum()) if den.sum() > 0 else math.nan
        for h, i in zip(self.histories, self.history_scenario, strict=True):
            for obs in h.observations:
                if obs.form == "members":
                    continue
                v = values(obs, batches[i]).astype(float)
                q25, q50, q75 = np.quantile(v, [0.25, 0.5, 0.75])
                out[f"history:{h.name}:{obs.id}"] = float(q50)
                out[f"history:{h.name}:{obs.id}:spread"] = float(q75 - q25)
        return out


class BandDistance:
    """The calibration's distance: the Euclidean norm of every target's standardised distance (:func:`band_score`
    for patterns, :func:`history_score` for history observations). The observed summary statistics pyabc passes
    are not read: the targets hold the bands."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self.targets = list(targets)

    def scores(self, x: Mapping[str, float]) -> dict[str, float]:
        """Each target's standardised distance, by key."""
        out = {}
        for t in self.targets:
            if t.kind == "pattern":
                out[t.key] = band_score(x[t.key], t.low, t.high)
            else:
                out[t.key] = history_score(x[t.key], x[f"{t.key}:spread"], t.observed, t.count)
        return out

    def __call__(self, x: Mapping[str, float], x_0: Mapping | None = None) -> float:
        return float(math.sqrt(sum(s * s for s in self.scores(x).values())))


def observed_statistics(targets: Sequence[Target]) -> dict[str, np.ndarray]:
    """What pyabc stores as the observed data: each target's band ``[low, high]`` (an observation: twice its
    value), for the record; the distance reads the targets themselves."""
    return {t.key: np.array([t.low, t.high]) for t in targets}


def population_size(budget: int) -> int:
    """Particles per generation for a budget of simulated particles: a tenth of it, within 8 to 1,000. A
    generation costs the population over its acceptance rate (about twice the population at first, more as the
    epsilon falls), so a budget buys a calibration sample and three to five generations."""
    return max(MIN_POPULATION, min(MAX_POPULATION, budget // SIMULATIONS_PER_PARTICLE))


# --- running ----------------------------------------------------------------------------------------------------
@dataclass
class Calibration:
    """What ``liptako calibrate`` was asked to do (checked by the command line before it starts)."""

    patterns_path: Path
    patterns: list
    histories: list = field(default_factory=list)
    history_paths: list[Path] = field(default_factory=list)
    free: list[FreeParameter] = field(default_factory=list)
    budget: int = 2000
    population: int | None = None
    generations: int | None = None
    min_epsilon: float = 0.0
    reps: int = 50
    seed: int = 1
    workers: int = 1
    out: Path = Path("results") / "calibrate"
    resume: bool = False

    def targets(self) -> tuple[list[Target], list[str]]:
        """Every target, and the history observations left out."""
        targets, skipped = pattern_targets(self.patterns), []
        for h in self.histories:
            more, left = history_targets(h)
            targets += more
            skipped += [f"{h.name}:{i}" for i in left]
        return targets, skipped

    def settings(self, population: int) -> dict:
        """What defines the stored run: a resumed run must be asked the same."""
        return {
            "patterns": {"file": str(self.patterns_path), "sha256": _sha256(self.patterns_path)},
            "histories": [{"file": str(p), "sha256": _sha256(p)} for p in self.history_paths],
            "free": [p.name for p in self.free],
            "reps": self.reps,
            "seed": self.seed,
            "population": population,
        }


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def calibrate(c: Calibration, log: Callable[[str], None] = _stderr) -> dict:
    """Run (or, with ``c.resume``, continue) the calibration into ``c.out`` and write its outputs; returns the
    contents of ``calibration.json``."""
    import pyabc

    from .store import atomic_write_json

    out = c.out
    db_path = out / DATABASE
    targets, skipped = c.targets()
    if skipped:
        log(f"calibrate: note: membership observations have no distance to a median and are left out: "
            f"{', '.join(skipped)}")  # fmt: skip
    stored = _check_folder(c, out)
    population = stored["population"] if stored else (c.population or population_size(c.budget))
    if c.budget < 3 * population and not stored:
        raise InputError("--budget", str(c.budget), f"too small for a population of {population}: a calibration "
                         f"sample and one generation take about {3 * population} simulations")  # fmt: skip
    model = PatternModel(c.free, c.patterns, c.histories, reps=c.reps, seed=c.seed, threads=1)
    with _pyabc_quiet():
        abc = pyabc.ABCSMC(model, priors(c.free), BandDistance(targets), population_size=population,
                           sampler=_sampler(c.workers, model))  # fmt: skip
        db = f"sqlite:///{db_path.absolute()}"
        if stored:
            abc.load(db, stored["run_id"])
        else:
            out.mkdir(parents=True, exist_ok=True)
            history = abc.new(db, observed_statistics(targets), meta_info={"liptako": "calibrate"})
            atomic_write_json(out / SETTINGS, {**c.settings(population), "run_id": int(history.id)})
        _run_generations(abc, c, population, log)
        return write_outputs(c, abc.history, targets, model, population, log)


@contextmanager
def _pyabc_quiet():
    """pyabc logs several lines per generation at INFO; the calibration prints one of its own instead."""
    import logging

    logger = logging.getLogger("ABC")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_folder(c: Calibration, out: Path) -> dict | None:
    """The stored run's settings when resuming (refusing one asked differently), else None (refusing a folder
    that holds a calibration already)."""
    import json

    settings = out / SETTINGS
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "exists and is not a folder")
    if not c.resume:
        if (out / DATABASE).exists() or settings.exists():
            raise InputError("--out", str(out), "holds a calibration already; add --resume to continue it, or "
                             "choose another --out")  # fmt: skip
        return None
    if not (out / DATABASE).exists() or not settings.exists():
        raise InputError("--resume", str(out), f"no calibration to resume there (no {DATABASE} and {SETTINGS}); "
                         "run without --resume first")  # fmt: skip
    stored = json.loads(settings.read_text())
    asked = c.settings(stored["population"])
    for key in ("patterns", "histories", "free", "reps", "seed"):
        if _content(stored.get(key)) != _content(asked[key]):
            raise InputError("--resume", key, f"the stored run in {out} used {_shown(stored.get(key))}, not "
                             f"{_shown(asked[key])}; resume with the same settings, or use another --out")  # fmt: skip
    return stored


def _content(value):
    """A setting as the resume check compares it: files by their contents (sha256), not the path they were
    named by."""
    if isinstance(value, dict) and "sha256" in value:
        return value["sha256"]
    if isinstance(value, list):
        return [_content(v) for v in value]
    return value


def _shown(value) -> str:
    if isinstance(value, dict) and "file" in value:
        return f"{value['file']} (sha256 {value['sha256'][:12]})"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _sampler(workers: int, model: PatternModel):
    """One process: pyabc's single-core sampler (reproducible from --seed). Several: its multicore evaluation
    parallel sampler, whose forked workers reseed themselves (the populations then differ from run to run)."""
    import pyabc

    if workers <= 1:
        return pyabc.SingleCoreSampler()
    # Every generation forks its workers afresh from this process: run one replication of a particle here first,
    # so that they start with the compiled engine and the statistics' code loaded instead of loading them anew.
    model.statistics({p.name: p.default for p in model.free}, seeds=model.seeds[:1])
    return pyabc.MulticoreEvalParallelSampler(n_procs=workers)


def _run_generations(abc, c: Calibration, population: int, log: Callable[[str], None]) -> None:
    """pyabc's ``ABCSMC.run`` loop, written out (with its public steps) to print one line per generation and to
    stop before a generation that would overspend the budget."""
    history = abc.history
    t0 = history.max_t + 1
    limit = math.inf if c.generations is None else c.generations
    spent = history.total_nr_simulations or 0
    if t0 >= limit or spent >= c.budget:
        log(f"calibrate: {t0} generations and {spent:,} simulations stored already; nothing left to run "
            f"(raise --generations or --budget to go on)")  # fmt: skip
        return
    np.random.seed([c.seed, t0])  # noqa: NPY002  # pyabc draws its proposals from numpy's global generator
    try:
        if t0 == 0:
            log(f"calibrate: {len(c.free)} free parameters, population {population}, {c.reps} replications per "
                f"particle, budget {c.budget:,} simulations; sampling the prior")  # fmt: skip
        else:
            log(f"calibrate: resuming after generation {t0 - 1} ({spent:,} simulations stored)")
        t = abc.initialize_components_before_run(
            minimum_epsilon=c.min_epsilon, max_nr_populations=limit - t0, min_acceptance_rate=0.0,
            max_total_nr_simulations=c.budget, max_walltime=None, min_eps_diff=0.0,
        )  # fmt: skip
        while True:
            spent = history.total_nr_simulations
            expected = population / _last_acceptance(history)
            if spent + expected > c.budget:
                log(f"calibrate: stopping before generation {t}: it would take about {expected:,.0f} simulations, "
                    f"past the budget ({spent:,} of {c.budget:,} spent)")  # fmt: skip
                break
            started = time.perf_counter()
            result = abc.run_generation(t=t)
            if not result["successful"]:
                log(f"calibrate: generation {t} did not fill its population; stopping")
                break
            rate = result["acceptance_rate"]
            seconds = time.perf_counter() - started
            log(f"generation {t}: epsilon {abc.eps(t):.4g}, accepted {population} of {round(population / rate):,} "
                f"({rate:.0%}), {history.total_nr_simulations:,} simulations, {seconds:.1f} s")  # fmt: skip
            if abc.check_terminate(t=t, acceptance_rate=rate):
                log(f"calibrate: stopping after generation {t}: {_why_stopped(abc, c, t)}")
                break
            t += 1
    finally:
        history.done(end_time=datetime.now())
        abc.sampler.stop()


def _last_acceptance(history) -> float:
    """The acceptance rate of the last stored generation (particles over simulations), or the first one's guess."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    if not len(pops):
        return FIRST_ACCEPTANCE
    last = pops.iloc[-1]
    return max(float(last["particles"]) / max(float(last["samples"]), 1.0), 1e-6)


def _why_stopped(abc, c: Calibration, t: int) -> str:
    if abc.eps(t) <= c.min_epsilon:
        return f"epsilon reached the minimum ({c.min_epsilon:g}: every target inside its band)" if c.min_epsilon == 0 \
            else f"epsilon reached the minimum, {c.min_epsilon:g}"  # fmt: skip
    if c.generations is not None and t + 1 >= c.generations:
        return f"{c.generations} generation{'s' if c.generations > 1 else ''}, as --generations asks"
    return f"the budget of {c.budget:,} simulations is spent"


# --- outputs ----------------------------------------------------------------------------------------------------
def posterior_of(history, free: Sequence[FreeParameter]) -> pd.DataFrame:
    """The last population: one row per particle, one column per free parameter (prior order) and ``weight``
    (summing to 1)."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    out = frame[[p.name for p in free]].reset_index(drop=True).astype(float)
    out.columns.name = None
    w = np.asarray(weights, dtype=float)
    out["weight"] = w / w.sum()
    return out


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``x`` with weights ``w``: the value below which a share ``q`` of the weight lies,
    interpolated between particles (each particle's weight centred on it, as pyabc's ``weighted_quantile``)."""
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order] / w.sum()
    return float(np.interp(q, np.cumsum(w) - 0.5 * w, x))


def summarise(posterior: pd.DataFrame, free: Sequence[FreeParameter]) -> dict[str, dict[str, float]]:
    """Per free parameter: the weighted mean, median, 5% and 95% quantiles of the posterior."""
    w = posterior["weight"].to_numpy()
    out = {}
    for p in free:
        x = posterior[p.name].to_numpy()
        out[p.name] = {"mean": float(np.sum(w * x) / w.sum()), "median": weighted_quantile(x, w, 0.5),
                       "q05": weighted_quantile(x, w, 0.05), "q95": weighted_quantile(x, w, 0.95)}  # fmt: skip
    return out


def generations_of(history) -> pd.DataFrame:
    """One row per stored generation: ``t``, ``epsilon``, ``samples`` (simulations), ``particles``,
    ``acceptance_rate`` and ``wall_time`` (seconds)."""
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    pops["acceptance_rate"] = pops["particles"] / pops["samples"]
    return pops[["t", "epsilon", "samples", "particles", "acceptance_rate", "wall_time"]]


def predictive_check(posterior: pd.DataFrame, model: PatternModel, targets: Sequence[Target], draws: int,
                     seed: int) -> dict[str, list[float]]:  # fmt: skip
    """Rerun the model at ``draws`` parameter vectors drawn from the posterior (weighted, from the seed's own
    stream), on replication seeds the calibration did not use; each target's statistic at each draw."""
    from liptako.model.seeds import replication_seeds

    root = int(np.random.SeedSequence([seed, PREDICTIVE_STREAM]).generate_state(1, dtype=np.uint32)[0])
    fresh = replication_seeds(root, len(model.seeds))
    vectors = Posterior(posterior, Path("posterior")).draw(draws, seed)
    out: dict[str, list[float]] = {t.key: [] for t in targets}
    for vector in vectors:
        stats = model.statistics(vector, seeds=fresh)
        for t in targets:
            out[t.key].append(stats[t.key])
    return out


def write_outputs(c: Calibration, history, targets: Sequence[Target], model: PatternModel, population: int,
                  log: Callable[[str], None] = _stderr, draws: int = PREDICTIVE_DRAWS) -> dict:  # fmt: skip
    """Write ``posterior.parquet``, ``calibration.json`` and the plots into ``c.out``; returns the document."""
    import pyabc

    from .runner import package_version
    from .store import atomic_parquet, atomic_write_json

    out = c.out
    if history.max_t < 0:
        raise InputError("--out", str(out), "the stored run has no finished generation yet; run it with --resume")
    posterior = posterior_of(history, c.free)
    atomic_parquet(posterior, out / POSTERIOR)
    gens = generations_of(history)
    summary = summarise(posterior, c.free)
    started = time.perf_counter()
    predictive = predictive_check(posterior, model, targets, draws, c.seed)
    per_particle = (time.perf_counter() - started) / max(draws, 1)
    inside = {t.key: float(np.mean([band_score(v, t.low, t.high) == 0 for v in predictive[t.key]]))
              for t in targets if t.kind == "pattern"}  # fmt: skip
    prior_table = {p.name: {"distribution": "uniform", "low": p.low, "high": p.high, "unit": p.unit,
                            "default": p.default} for p in c.free}  # fmt: skip
    target_table = [{"key": t.key, "title": t.title, "kind": t.kind, "low": t.low, "high": t.high,
                     "observed": t.observed} for t in targets]  # fmt: skip
    values = {key: [_finite(v) for v in vs] for key, vs in predictive.items()}
    document = {
        "patterns": {"file": str(c.patterns_path), "ids": [p.id for p in c.patterns]},
        "histories": [str(p) for p in c.history_paths],
        "free": [p.name for p in c.free],
        "priors": prior_table,
        "posterior": summary,
        "point_estimate": {name: s["median"] for name, s in summary.items()},
        "particles": len(posterior),
        "population": population,
        "generations": len(gens),
        "epsilons": [float(e) for e in gens["epsilon"]],
        "acceptance_rates": [float(a) for a in gens["acceptance_rate"]],
        "simulations_per_generation": [int(s) for s in gens["samples"]],
        "simulations": int(history.total_nr_simulations),
        "budget": c.budget,
        "min_epsilon": c.min_epsilon,
        "reps": c.reps,
        "seed": c.seed,
        "workers": c.workers,
        "seconds_per_particle": per_particle,
        "distance": DISTANCE,
        "targets": target_table,
        "predictive": {"draws": draws, "values": values, "share_in_band": inside},
        "database": DATABASE,
        "run_id": int(history.id),
        "liptako_version": package_version(),
        "pyabc_version": pyabc.__version__,
    }
    atomic_write_json(out / CALIBRATION, document)
    marginals_chart(posterior, c.free, out / "marginals")
    pairs_chart(posterior, c.free, out / "pairs")
    predictive_chart(targets, predictive, out / "predictive", draws=draws)
    log(f"calibrate: the posterior predictive check ran {draws} draws at {per_particle:.2f} s each")
    return document


def _finite(x: float) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def table(document: dict) -> str:
    """The posterior, one line per free parameter: prior range, registry default, median and 90% interval."""
    head = f"{'parameter':<26} {'prior range':>19} {'default':>9} {'median':>9} {'5%-95%':>21}"
    lines = [head, "-" * len(head)]
    for name in document["free"]:
        prior, post = document["priors"][name], document["posterior"][name]
        lines.append(f"{name[:26]:<26} {_g(prior['low']) + '..' + _g(prior['high']):>19} {_g(prior['default']):>9} "
                     f"{_g(post['median']):>9} {_g(post['q05']) + ' to ' + _g(post['q95']):>21}")  # fmt: skip
    eps = document["epsilons"]
    n = document["generations"]
    lines.append(f"{n} generation{'s' if n != 1 else ''}, epsilon {_g(eps[0])} to {_g(eps[-1])}, "
                 f"{document['simulations']:,} simulations of {document['reps']} replications")  # fmt: skip
    return "\n".join(lines)


def _g(x: float) -> str:
    return f"{x:.4g}"


# --- posterior files: liptako run --posterior -------------------------------------------------------------------
@dataclass(frozen=True)
class Posterior:
    """A weighted sample of parameter vectors (a ``posterior.parquet``): ``frame`` has a column per parameter
    and ``weight``."""

    frame: pd.DataFrame
    path: Path

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.frame.columns if c != "weight"]

    def draw(self, n: int, seed: int) -> list[dict[str, float | int]]:
        """``n`` parameter vectors drawn with replacement in proportion to the weights, from a stream of their
        own spawned from ``seed`` (``SeedSequence([seed, POSTERIOR_STREAM])``): draw i is the same whatever
        ``n``, so replication i of ``liptako run --reps N --posterior FILE --seed S`` gets the same values for
        any N. Whole-number parameters are rounded."""
        rng = np.random.default_rng(np.random.SeedSequence([seed, POSTERIOR_STREAM]))
        w = self.frame["weight"].to_numpy(dtype=float)
        cumulative = np.cumsum(w) / w.sum()
        rows = np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), len(w) - 1)
        values = self.frame[self.parameters].to_numpy(dtype=float)[rows]
        out = []
        for row in values:
            vector = {}
            for name, x in zip(self.parameters, row.tolist(), strict=True):
                vector[name] = round(x) if BY_NAME[name].integer else x
            out.append(vector)
        return out

    def sha256(self) -> str:
        return _sha256(self.path)


BUNDLED_POSTERIOR = "calibrated"  # the name of the posterior shipped in liptako/data (data/README.md)


def bundled_posterior() -> Path:
    """The posterior shipped with Liptako: the eighth ABC run's last population (docs/validation.md, section 5), a
    rerun on today's model of the run whose medians became the registry's defaults; its 90% intervals hold
    them."""
    from importlib import resources

    return Path(str(resources.files("liptako.data").joinpath("posterior.parquet")))


def load_posterior(path: str | Path) -> Posterior:
    """Read a ``posterior.parquet`` (or ``"calibrated"``: :func:`bundled_posterior`); :class:`InputError` names
    the file and what is wrong (not Parquet, no ``weight`` or no parameter column, an unknown parameter, a value
    outside its registry range, bad weights)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    if str(path) == BUNDLED_POSTERIOR and not path.exists():
        path = bundled_posterior()
    shown = str(path)
    what = "a posterior has one column per registry parameter and a weight column (from `liptako calibrate`)"
    if not path.is_file():
        raise InputError(shown, None, "no such file" if not path.exists() else "not a file; " + what)
    try:
        frame = pq.read_table(path, use_threads=False).to_pandas(use_threads=False)
    except (pa.ArrowException, OSError):
        raise InputError(shown, None, f"not a Parquet file; {what}") from None
    if "weight" not in frame.columns:
        raise InputError(shown, "weight", f"missing column; {what}")
    names = [c for c in frame.columns if c != "weight"]
    if not names:
        raise InputError(shown, None, f"no parameter column; {what}")
    if not len(frame):
        raise InputError(shown, None, "no rows: the posterior holds no particle")
    for name in names:
        if name not in BY_NAME:
            raise InputError(shown, str(name), f"not a registry parameter; {what}")
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise InputError(shown, name, "the values must be numbers")
        spec = BY_NAME[name]
        x = frame[name].to_numpy(dtype=float)
        bad = ~np.isfinite(x) | (x < spec.low) | (x > spec.high)
        if bad.any():
            raise InputError(shown, name, f"{x[bad][0]:g} is outside the parameter's range [{spec.low:g}, "
                             f"{spec.high:g}]")  # fmt: skip
    w = pd.to_numeric(frame["weight"], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(w).all() or (w < 0).any() or not w.sum() > 0:
        raise InputError(shown, "weight", "weights must be non-negative numbers with a positive sum")
    frame = frame[[*names, "weight"]].astype(float)
    return Posterior(frame.reset_index(drop=True), path)


# --- plots ------------------------------------------------------------------------------------------------------
def marginals_chart(posterior: pd.DataFrame, free: Sequence[FreeParameter], stem: Path) -> list[Path]:
    """One panel per free parameter: the posterior's weighted histogram over the whole prior range (the prior is
    flat across the panel), the point estimate (weighted median, solid) and the registry default (dashed)."""
    from .explots import save
    from .figstyle import LABEL, PANEL, SMALL, TITLE, colour, panel_grid, tidy

    fig, axes = panel_grid(len(free), 3, 3.2, 2.4)
    w = posterior["weight"].to_numpy()
    for ax, p in zip(axes, free, strict=True):
        x = posterior[p.name].to_numpy()
        ax.hist(x, bins=np.linspace(p.low, p.high, 21), weights=w, color=colour(0), alpha=0.8, edgecolor="white")
        ax.axhline(1 / 20, color="0.6", lw=1, ls=":", label="prior (uniform)")
        ax.axvline(weighted_quantile(x, w, 0.5), color=colour(1), lw=1.5, label="posterior median")
        ax.axvline(p.default, color="0.3", lw=1, ls="--", label="registry default")
        ax.set_xlim(p.low, p.high)
        ax.set_xlabel(p.unit or "value", fontsize=LABEL)  # the panel's title names the parameter
        ax.set_ylabel("posterior weight", fontsize=LABEL)
        ax.set_title(p.name, fontsize=PANEL)
        tidy(ax)
    axes[0].legend(fontsize=SMALL, loc="upper right")
    fig.suptitle(f"Posterior marginals ({len(posterior)} particles, weighted)", fontsize=TITLE)
    return save(fig, stem)


def pairs_chart(posterior: pd.DataFrame, free: Sequence[FreeParameter], stem: Path) -> list[Path]:
    """The scatter matrix of the posterior: weighted histograms on the diagonal, each pair of parameters below
    it (dot area in proportion to the weight), axes spanning the prior ranges."""
    from matplotlib.figure import Figure

    from .explots import save
    from .figstyle import SMALL, TINY, TITLE, colour

    d = len(free)
    size = max(1.6, min(2.4, 12 / d))
    fig = Figure(figsize=(size * d, size * d), layout="constrained")
    axes = np.atleast_2d(fig.subplots(d, d, squeeze=False))
    w = posterior["weight"].to_numpy()
    area = 8 + 400 * w / w.max()
    for i, pi in enumerate(free):
        for j, pj in enumerate(free):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(posterior[pi.name], bins=np.linspace(pi.low, pi.high, 16), weights=w, color=colour(0),
                        edgecolor="white")  # fmt: skip
                ax.set_yticks([])
            else:
                ax.scatter(posterior[pj.name], posterior[pi.name], s=area, color=colour(0), alpha=0.4, lw=0)
                ax.set_ylim(pi.low, pi.high)
            ax.set_xlim(pj.low, pj.high)
            ax.tick_params(labelsize=TINY)
            if i == d - 1:
                ax.set_xlabel(pj.name, fontsize=SMALL)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.name, fontsize=SMALL)
    fig.suptitle(f"Posterior pairs ({len(posterior)} particles; dot area: weight)", fontsize=TITLE)
    return save(fig, stem)


def predictive_chart(targets: Sequence[Target], predictive: Mapping[str, Sequence[float]], stem: Path,
                     draws: int = PREDICTIVE_DRAWS) -> list[Path]:  # fmt: skip
    """One panel per target: its band (shaded), the record's value (a diamond), and the statistic at each
    posterior draw rerun on fresh seeds (dots; an undefined value is not shown)."""
    from .explots import save
    from .figstyle import LABEL, PANEL, SMALL, TITLE, colour, panel_grid, tidy

    fig, axes = panel_grid(len(targets), 3, 3.4, 1.7)
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, size=draws)  # for legibility only
    for ax, t in zip(axes, targets, strict=True):
        v = np.asarray([np.nan if x is None else x for x in predictive[t.key]], dtype=float)
        ok = np.isfinite(v)
        if t.high > t.low:
            ax.axvspan(t.low, t.high, color=colour(2), alpha=0.25, label="band")
        if t.observed is not None:
            ax.plot([t.observed], [0], "D", color="0.2", ms=6, label="record")
        ax.plot(v[ok], jitter[: len(v)][ok], "o", color=colour(0), ms=4, alpha=0.7, label="posterior draws")
        values = [*v[ok], t.low, t.high] + ([t.observed] if t.observed is not None else [])
        lo, hi = min(values), max(values)
        pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(-0.6, 0.6)
        ax.set_yticks([])
        ax.set_title(t.title if len(t.title) <= 48 else t.title[:47] + "…", fontsize=PANEL)
        ax.set_xlabel(t.key.split(":")[-1] + ("" if ok.all() else f" ({int((~ok).sum())} undefined)"), fontsize=LABEL)
        tidy(ax, "x")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=SMALL, loc="outside lower center", ncols=len(labels))
    fig.suptitle(f"Posterior predictive check: {draws} posterior draws against each target", fontsize=TITLE)
    return save(fig, stem)


__all__ = ["DEFAULT_FREE", "BandDistance", "Calibration", "FreeParameter", "PatternModel", "Posterior", "Target",
           "calibrate", "free_parameters", "load_posterior", "population_size"]  # fmt: skip
