"""Scoring the model's forecasts against a history: ``liptako evaluate HISTORY``.

For each observation of a :class:`~.history.History`, :func:`values` computes the observed statistic from every
replication of a batch, exactly as the history states it from the record (a count of typed events in a window,
a monthly series summed over states and aggregated over months, a bloc's members at a month). The same
function gives the synthetic "truths" of the tests, drawn from the model itself.

Each observation is then scored (:func:`score`):

- every form: the model's median and central 50/80/90% intervals (of the count, of the series' value, of the
  number of members), whether the observed value lies inside each, and ``p_observed``, the probability the
  model gave to what was observed (a count: P(X = x); a membership: P(exactly those members); a series: the
  share of runs within ``tolerance`` (10%) of the observed value);
- a count: the randomised PIT, P(X < x) + U P(X = x), and the ranked probability score over the counts 0, 1,
  ... (``scoringrules.rps_score``); and as a yes/no fact (none vs at least one), the Brier and log scores of
  P(X >= 1) (``scoringrules.brier_score``, ``scoringrules.log_score``);
- a series: the PIT, P(X < x) + U P(X = x), and the CRPS of the ensemble (``scoringrules.crps_ensemble``);
- a membership: each state that was a member at the start or observed one is a yes/no fact scored by its
  probability (Brier and log scores; the observation's Brier score is their mean).

The summary gives the coverage of the central intervals, the mean Brier score over the yes/no facts, the
reference forecast's mean Brier score (each fact's ``reference`` probability, else the history's, else 0.5)
and the Brier skill score, 1 - brier / brier_reference. Probabilities in log scores are kept within
[1/(2R), 1 - 1/(2R)] for R replications, so that a fact no run produced costs a finite penalty.
"""

from __future__ import annotations

import sys

import numpy as np

from liptako.model.records import KINDS, OUTCOMES
from liptako.model.world import names_of

from .history import History, Observation

LEVELS = (50, 80, 90)
TOLERANCE = 0.10  # a series' p_observed: the share of runs within 10% of the observed value


def values(obs: Observation, batch) -> np.ndarray:
    """The observed statistic of ``obs`` in every replication of ``batch`` (``[R]``; for a membership, an
    ``[R, S]`` boolean array over ``batch.states``)."""
    sim = batch.simulation
    start = sim.setup.start
    states = list(batch.states)
    if obs.form == "members":
        b = sim.names.blocs.index(obs.bloc)
        return sim.member_series[:, obs.first - start, b, :].astype(bool)
    if obs.form == "series":
        cols = [states.index(s) for s in obs.states] if obs.states else slice(None)
        window = batch.array(obs.series)[:, obs.first - start : obs.last - start + 1, cols]
        monthly = window.astype(np.float64).sum(axis=2)
        if obs.over_months == "sum":
            return monthly.sum(axis=1)
        if obs.over_months == "mean":
            return monthly.mean(axis=1)
        return monthly[:, -1]
    rec, names = sim.records, sim.names
    keep = (rec.kind == KINDS.index(obs.kind)) & (rec.month >= obs.first) & (rec.month <= obs.last)
    if obs.outcome is not None:
        keep &= rec.outcome == OUTCOMES.index(obs.outcome)
    if obs.states:
        keep &= np.isin(rec.state, [states.index(s) for s in obs.states])
    if obs.bloc is not None:
        keep &= rec.bloc == names.blocs.index(obs.bloc)
    if obs.partner is not None:
        keep &= rec.partner == names.partners.index(obs.partner)
    return np.bincount(rec.rep[keep], minlength=batch.reps).astype(np.int64)


def observed_value(obs: Observation, batch, i: int):
    """What replication i of ``batch`` would have recorded for ``obs``: a synthetic observation, in the form
    a history file gives it."""
    v = values(obs, batch)[i]
    if obs.form == "members":
        return sorted(s for s, m in zip(batch.states, v, strict=True) if m)
    return int(v) if obs.form == "count" else float(v)


def score(obs: Observation, v: np.ndarray, history: History, rng: np.random.Generator) -> dict:
    """Every score of one observation against its statistic in each replication, ``v`` (from
    :func:`values`; a JSON-ready dict)."""
    import scoringrules as sr

    reps = len(v)
    clip = 1.0 / (2 * reps)
    row: dict = {"id": obs.id, "form": obs.form, "window": obs.window, "observed": _json(obs.observed)}
    reference = obs.reference if obs.reference is not None else history.reference
    if obs.form == "members":
        states = list(names_of(history.scenario).states)  # the order of values()' columns
        observed = np.isin(states, obs.observed)
        counts = v.sum(axis=1)
        x = float(len(obs.observed))
        row["p_observed"] = float((v == observed).all(axis=1).mean())
        start_members = history.scenario.blocs[obs.bloc].members
        asked = [i for i, s in enumerate(states) if s in start_members or observed[i]]
        p = v[:, asked].mean(axis=0)
        y = observed[asked].astype(float)
        row["facts"] = {states[i]: {"p": float(p[k]), "holds": bool(y[k])} for k, i in enumerate(asked)}
        row["brier"] = float(np.mean(sr.brier_score(y, p)))
        row["log_score"] = float(np.mean(sr.log_score(y, np.clip(p, clip, 1 - clip))))
        row["brier_reference"] = float(np.mean((reference - y) ** 2))
        row["pit"] = None
        row["crps"] = row["rps"] = None
        _intervals(row, counts.astype(float), x, discrete=True)
        return row
    x = float(obs.observed)
    if obs.form == "count":
        below, equal = float((v < x).mean()), float((v == x).mean())
        row["p_observed"] = equal
        row["pit"] = below + rng.uniform() * equal
        top = int(max(v.max(), x)) + 1
        forecast = np.bincount(v, minlength=top) / reps
        row["rps"] = float(sr.rps_score(int(x) + 1, forecast))
        row["crps"] = None
        p_any, y = float((v >= 1).mean()), float(x >= 1)
        row["p_at_least_one"] = p_any
        row["brier"] = float(sr.brier_score(y, p_any))
        row["log_score"] = float(sr.log_score(y, np.clip(p_any, clip, 1 - clip)))
        row["brier_reference"] = (reference - y) ** 2
        row["facts"] = {"at least one": {"p": p_any, "holds": bool(y)}}
        _intervals(row, v.astype(float), x, discrete=True)
        return row
    below, equal = float((v < x).mean()), float((v == x).mean())
    row["pit"] = below + rng.uniform() * equal
    row["p_observed"] = float((np.abs(v - x) <= TOLERANCE * abs(x)).mean())
    row["crps"] = float(sr.crps_ensemble(x, v))
    row["rps"] = None
    row["brier"] = row["log_score"] = row["brier_reference"] = None
    row["facts"] = {}
    _intervals(row, v, x, discrete=False)
    return row


def _intervals(row: dict, sample: np.ndarray, x: float, discrete: bool) -> None:
    method = "inverted_cdf" if discrete else "linear"
    row["median"] = float(np.quantile(sample, 0.5, method=method))
    row["mean"] = float(sample.mean())
    for level in LEVELS:
        tail = (1 - level / 100) / 2
        low, high = np.quantile(sample, [tail, 1 - tail], method=method)
        row[f"low{level}"], row[f"high{level}"] = float(low), float(high)
        row[f"inside{level}"] = bool(low <= x <= high)


CHUNK = 10_000  # replications run at once by :func:`run_and_evaluate` (memory: about 130 MB of series per 1,000)


def samples(history: History, batch) -> dict[str, np.ndarray]:
    """Each observation's statistic in every replication of ``batch``, by id."""
    return {obs.id: values(obs, batch) for obs in history.observations}


def run_and_evaluate(history: History, reps: int, seed: int = 1, threads: int | None = None,
                     progress: bool = False, draws: list[dict[str, float]] | None = None) -> dict:  # fmt: skip
    """Run the history's scenario ``reps`` times (in batches of :data:`CHUNK`, so memory stays bounded) and
    score it; the same as :func:`evaluate` on one batch of the same replications. With ``draws`` (one dict of
    parameter values per replication, e.g. from a posterior), replication i runs with ``draws[i]``."""
    from liptako.model.seeds import replication_seeds

    from .batch import replicate

    seeds = replication_seeds(seed, reps)
    parts: list[dict[str, np.ndarray]] = []
    starts = range(0, reps, CHUNK)
    bar = None
    if progress and len(starts) > 1:
        from tqdm import tqdm

        bar = tqdm(total=reps, unit="run", desc=history.name, file=sys.stderr)
    for a in starts:
        chunk = seeds[a : a + CHUNK]
        overrides = draws[a : a + CHUNK] if draws else None
        parts.append(samples(history, replicate(history.scenario, seeds=chunk, threads=threads, overrides=overrides)))
        if bar is not None:
            bar.update(len(chunk))
    if bar is not None:
        bar.close()
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return score_all(history, merged, seed)


def evaluate(history: History, batch, seed: int = 1) -> dict:
    """Score every observation of ``history`` against ``batch`` (replications of its scenario): the
    contents of ``evaluation.json``."""
    return score_all(history, samples(history, batch), seed)


def score_all(history: History, sample: dict[str, np.ndarray], seed: int = 1) -> dict:
    """Score every observation from its statistic in each replication (:func:`samples`), and summarise."""
    rng = np.random.default_rng([seed, 0x50A7])  # the PIT's uniform draws: reproducible from the seed
    rows = [score(obs, sample[obs.id], history, rng) for obs in history.observations]
    reps = len(next(iter(sample.values())))
    summary: dict = {"reps": reps, "seed": seed, "observations": len(rows)}
    for level in LEVELS:
        inside = [r[f"inside{level}"] for r in rows]
        summary[f"coverage{level}"] = float(np.mean(inside)) if inside else None
    briers = [r for r in rows if r["brier"] is not None]
    if briers:
        summary["brier"] = float(np.mean([r["brier"] for r in briers]))
        summary["brier_reference"] = float(np.mean([r["brier_reference"] for r in briers]))
        summary["brier_skill"] = (
            1.0 - summary["brier"] / summary["brier_reference"] if summary["brier_reference"] > 0 else None
        )
        summary["log_score"] = float(np.mean([r["log_score"] for r in briers]))
    else:
        summary.update(brier=None, brier_reference=None, brier_skill=None, log_score=None)
    pits = [r["pit"] for r in rows if r["pit"] is not None]
    summary["pit_mean"] = float(np.mean(pits)) if pits else None
    return {"history": {"name": history.name, "title": history.title, "scenario": history.scenario.name,
                        "source": history.source, "path": history.path},
            "observations": rows, "summary": summary}  # fmt: skip


def _json(value):
    return list(value) if isinstance(value, tuple) else value


def table(evaluation: dict) -> str:
    """The terminal table of an evaluation: one line per observation, then the summary."""
    head = (f"{'observation':<22} {'window':<16} {'observed':>10} {'median':>9} {'80% interval':>19} "
            f"{'in80':>4} {'P(obs)':>7} {'PIT':>5} {'Brier':>6}")  # fmt: skip
    lines = [head, "-" * len(head)]
    for r in evaluation["observations"]:
        observed = ",".join(r["observed"]) if isinstance(r["observed"], list) else _number(r["observed"])
        interval = f"{_number(r['low80'])}-{_number(r['high80'])}"
        lines.append(
            f"{r['id'][:22]:<22} {r['window']:<16} {observed[:10]:>10} {_number(r['median']):>9} {interval:>19} "
            f"{'yes' if r['inside80'] else 'no':>4} {r['p_observed']:7.3f} {_cell(r['pit'], 5, 2)} "
            f"{_cell(r['brier'], 6, 3)}"
        )
    s = evaluation["summary"]
    lines.append("-" * len(head))
    lines.append(
        f"coverage of the central intervals: 50% {s['coverage50']:.2f}, 80% {s['coverage80']:.2f}, "
        f"90% {s['coverage90']:.2f} ({s['observations']} observations, {s['reps']:,} replications)"
    )
    if s["brier"] is not None:
        skill = "n/a" if s["brier_skill"] is None else f"{s['brier_skill']:+.2f}"
        lines.append(f"Brier score {s['brier']:.3f} (reference {s['brier_reference']:.3f}; skill {skill}); "
                     f"mean log score {s['log_score']:.2f}")  # fmt: skip
    return "\n".join(lines)


def write(evaluation: dict, folder) -> list:
    """``evaluation.json`` and the reliability and PIT chart (``evaluation.png``/``.svg``) in ``folder``,
    each written atomically; returns the paths."""
    from pathlib import Path

    from .explots import evaluation_chart
    from .store import atomic_write_json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "evaluation.json"
    atomic_write_json(path, evaluation)
    return [path, *evaluation_chart(evaluation, folder / "evaluation")]


def _number(x) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 or float(x).is_integer() else f"{x:.2f}"


def _cell(x, width: int, digits: int) -> str:
    return f"{'-':>{width}}" if x is None else f"{x:{width}.{digits}f}"
