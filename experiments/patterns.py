"""Patterns: statistics of the record the model should reproduce, computed from runs exactly as from the data.

A patterns file (``data/patterns.toml``) declares each pattern: the statistic and its settings, the band the
model's value should fall in, the observed value (given, or computed from the Powell & Thyne list with the same
function that measures runs), and its source. ``liptako patterns [FILE] --reps N`` runs each pattern's scenario
and prints, for every pattern, the record, the band, the model's value with a 90% interval over replications
(a bootstrap of whole replications) and whether it is in the band; ``patterns.json`` keeps the table.

Every statistic is a ratio of per-replication sums, ``num[r] / den[r]`` pooled over replications (a share of
country-years, a share of attempts, a mean per run), so that one bootstrap of replications serves them all:

- ``attempt_share``: the share of country-years with a coup attempt, over ``countries`` and the first
  ``years`` whole simulated years, optionally only those with (``prior = "with"``) or without (``"without"``)
  an attempt in the prior five years (the coup trap), and only those that began under a ``regime`` (civilian or
  military: the model's regime at the start of the year). The record's value comes from the Powell & Thyne
  panel of ``record_countries`` and ``record_years`` with the same function (:mod:`.coup_record`), when asked.
- ``success_share``: successful attempts over attempts, in the same countries and years.
- ``honour_rate``: answers to calls for help that honoured them, over all answers.
- ``decade_successes``: the share of runs in which some state has at least ``at_least`` successful coups within
  the first ten years.
- ``deaths``: conflict deaths in ``countries`` over the months ``first`` to ``last`` (counted from 0), a mean
  per run; ``deaths_trend``: the same window's deaths over those of the first twelve months.
- ``territory``: the territory contested in ``countries`` (their mean) at month ``month``, a mean per run.
- ``displaced``: the displaced in ``countries`` at month ``month``, a mean per run.
- ``exits``: exits from ``bloc`` (within the months ``first`` to ``last``, if given), a mean per run.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from liptako.model.errors import InputError, key_path
from liptako.model.scenario import load, read_toml

from . import coup_record as cr

GROUPS = {"west_africa": cr.WEST_AFRICA}  # named country groups a pattern may use instead of a list
PRIOR = ("any", "with", "without")
REGIMES = ("any", "civilian", "military")


@dataclass(frozen=True)
class Pattern:
    id: str
    title: str
    statistic: str
    band: tuple[float, float]
    observed: float | None
    source: str
    scenario: str = "baseline"
    options: dict[str, Any] = field(default_factory=dict)


# --- statistics: (num[r], den[r]) per replication -----------------------------------------------------------
def _countries(options: dict, batch) -> list[str]:
    named = options.get("countries", "west_africa")
    wanted = GROUPS[named] if isinstance(named, str) else named
    return [c for c in wanted if c in batch.states]


def _years(batch, options: dict) -> tuple[int, int]:
    """The first ``years`` whole calendar years of the runs."""
    start = batch.simulation.setup.start
    first = start // 12 + (1 if start % 12 else 0)
    last_full = (start + batch.simulation.months) // 12 - 1
    years = options.get("years", last_full - first + 1)
    return first, min(last_full, first + years - 1)


def _months(dates) -> np.ndarray:
    """The month numbers (``parse_month``'s: year x 12 + month - 1) of ``YYYY-MM`` dates."""
    d = dates.astype(str)
    return d.str[:4].astype(int).to_numpy() * 12 + d.str[5:7].astype(int).to_numpy() - 1


_PANELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # batch -> {(countries, years): panel}


def _panel(batch, options: dict):
    first, last = _years(batch, options)
    countries = _countries(options, batch)
    cache = _PANELS.setdefault(batch, {})
    key = (tuple(countries), first, last)
    if key not in cache:  # several patterns read the same panel of the same batch
        attempts = cr.model_attempts(batch)
        cache[key] = (attempts, cr.country_years(attempts, countries, first, last, by=["rep"],
                                                 groups=range(batch.reps)))  # fmt: skip
    attempts, panel = cache[key]
    keep = _condition(panel, options)
    regime = options.get("regime", "any")
    if regime != "any":
        military = _military_at_year_start(batch, panel)
        keep &= military if regime == "military" else ~military
    return panel, keep


def _condition(panel, options: dict) -> np.ndarray:
    prior = options.get("prior", "any")
    keep = np.ones(len(panel), dtype=bool)
    if prior == "with":
        keep &= panel["prior"].to_numpy()
    elif prior == "without":
        keep &= ~panel["prior"].to_numpy()
    return keep


def _military_at_year_start(batch, panel) -> np.ndarray:
    """Whether each country-year of ``panel`` began under military rule: the scenario's regime at the start,
    then the regime the last change before the year began left (a successful coup installs a junta; a junta's
    transition election, or an intervention that overthrows it, brings civilian rule back)."""
    import pandas as pd

    start_kind = np.asarray([batch.scenario.states[c].regime.kind == "military" for c in panel["country"]])
    rec = batch.records
    coup = (rec["kind"] == "coup") & (rec["outcome"] == "success")
    back = (rec["kind"] == "transition") | ((rec["kind"] == "intervention") & (rec["outcome"] == "success"))
    changes = rec[coup | back]
    if changes.empty:
        return start_kind
    table = pd.DataFrame({"rep": changes["rep"].to_numpy(dtype=np.int64), "country": changes["state"].to_numpy(),
                          "t": _months(changes["date"]), "military": coup[coup | back].to_numpy()})  # fmt: skip
    rows = pd.DataFrame({"rep": panel["rep"].to_numpy(dtype=np.int64), "country": panel["country"].to_numpy(),
                         "t": panel["year"].to_numpy(dtype=np.int64) * 12, "order": np.arange(len(panel))})  # fmt: skip
    table = table.sort_values("t", kind="stable")
    joined = pd.merge_asof(rows.sort_values("t", kind="stable"), table, on="t", by=["rep", "country"],
                           allow_exact_matches=False).sort_values("order")  # fmt: skip
    known = joined["military"].notna().to_numpy()
    return np.where(known, joined["military"].fillna(False).to_numpy(dtype=bool), start_kind)


def _per_rep(panel, keep, column: str, reps: int) -> np.ndarray:
    rows = panel[keep]
    return np.bincount(rows["rep"].to_numpy(), weights=rows[column].to_numpy(dtype=float), minlength=reps)


def attempt_share(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    panel, keep = _panel(batch, options)
    panel = panel.assign(one=1.0)
    return _per_rep(panel, keep, "attempt", batch.reps), _per_rep(panel, keep, "one", batch.reps)


def success_share(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    panel, keep = _panel(batch, options)
    return _per_rep(panel, keep, "successes", batch.reps), _per_rep(panel, keep, "attempts", batch.reps)


def honour_rate(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    s = batch.simulation.outcomes
    return s["responses_honoured"].astype(float), s["responses"].astype(float)


def decade_successes(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    rec = batch.records
    start = batch.simulation.setup.start
    month = _months(rec["date"]) - start
    won = rec[(rec["kind"] == "coup") & (rec["outcome"] == "success") & (month < 120)]
    most = won.groupby(["rep", "state"]).size().groupby("rep").max()
    hit = np.zeros(batch.reps)
    hit[most.index.to_numpy()] = (most.to_numpy() >= options.get("at_least", 4)).astype(float)
    return hit, np.ones(batch.reps)


def _state_series(batch, name: str, options: dict) -> np.ndarray:
    cols = [batch.states.index(c) for c in _countries(options, batch)]
    return batch.array(name)[:, :, cols].astype(np.float64)


def deaths(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    d = _state_series(batch, "deaths", options).sum(axis=2)
    return d[:, options.get("first", 0) : options.get("last", 11) + 1].sum(axis=1), np.ones(batch.reps)


def deaths_trend(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    d = _state_series(batch, "deaths", options).sum(axis=2)
    return d[:, options.get("first", 0) : options.get("last", 11) + 1].sum(axis=1), d[:, :12].sum(axis=1)


def territory(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    t = _state_series(batch, "territory", options)[:, options.get("month", 0), :].mean(axis=1)
    return t, np.ones(batch.reps)


def displaced(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    d = _state_series(batch, "displaced", options)[:, options.get("month", 0), :].sum(axis=1)
    return d, np.ones(batch.reps)


def exits(batch, options: dict) -> tuple[np.ndarray, np.ndarray]:
    rec = batch.records
    bloc = options.get("bloc", batch.scenario.scenario.focal_bloc)
    out = rec[(rec["kind"] == "exit") & (rec["bloc"] == bloc)]
    if "last" in options:  # months counted from 0 at the start, inclusive
        months = _months(out["date"]) - batch.simulation.setup.start
        out = out[(months >= options.get("first", 0)) & (months <= options["last"])]
    return np.bincount(out["rep"].to_numpy(), minlength=batch.reps).astype(float), np.ones(batch.reps)


STATISTICS: dict[str, Callable] = {f.__name__: f for f in (
    attempt_share, success_share, honour_rate, decade_successes, deaths, deaths_trend, territory, displaced, exits,
)}  # fmt: skip
OPTIONS = {"countries", "years", "prior", "regime", "at_least", "first", "last", "month", "bloc",
           "record_countries", "record_years"}  # fmt: skip


def from_record(pattern: Pattern) -> float | None:
    """The pattern's value in the Powell & Thyne list, computed with the same panel as for runs (for
    ``attempt_share`` and ``success_share`` with ``record_years``), or None."""
    o = pattern.options
    if pattern.statistic not in ("attempt_share", "success_share") or "record_years" not in o:
        return None
    named = o.get("record_countries", o.get("countries", "west_africa"))
    countries = GROUPS[named] if isinstance(named, str) else named
    first, last = o["record_years"]
    panel = cr.country_years(cr.powell_thyne(), countries, first, last)
    keep = _condition(panel, o)
    rows = panel[keep]
    if pattern.statistic == "attempt_share":
        return float(rows["attempt"].mean())
    return float(rows["successes"].sum() / rows["attempts"].sum())


# --- the file ---------------------------------------------------------------------------------------------------
def bundled() -> Path:
    return Path(str(resources.files("liptako.data") / "patterns.toml"))


def load_patterns(path: str | Path | None = None) -> list[Pattern]:
    """The patterns of a file (default: the bundled ``data/patterns.toml``); :class:`InputError` on the first
    problem."""
    path = Path(path) if path is not None else bundled()
    shown = str(path)
    data = read_toml(path, shown, what="a patterns file", needs="[[patterns]] tables")

    def fail(key: str, problem: str):
        raise InputError(shown, key, problem)

    rows = data.get("patterns")
    if set(data) - {"patterns"}:
        fail(sorted(set(data) - {"patterns"})[0], "unknown table; a patterns file has [[patterns]] tables")
    if not isinstance(rows, list) or not rows:
        fail("patterns", "at least one [[patterns]] table is required")
    out, seen = [], set()
    for i, row in enumerate(rows):
        loc = key_path(("patterns", i))
        for key in ("id", "statistic", "band"):
            if key not in row:
                fail(f"{loc}.{key}", "required key is missing")
        if row["id"] in seen:
            fail(f"{loc}.id", f"id {row['id']!r} is used twice")
        seen.add(row["id"])
        if row["statistic"] not in STATISTICS:
            fail(f"{loc}.statistic", f"unknown statistic {row['statistic']!r}; allowed: {', '.join(STATISTICS)}")
        band = row["band"]
        if not (isinstance(band, list) and len(band) == 2 and all(isinstance(x, int | float) for x in band)
                and band[0] <= band[1]):  # fmt: skip
            fail(f"{loc}.band", f"two numbers [low, high] with low <= high are required (got {band!r})")
        options = {k: v for k, v in row.items() if k in OPTIONS}
        unknown = set(row) - OPTIONS - {"id", "title", "statistic", "band", "observed", "source", "scenario"}
        if unknown:
            fail(f"{loc}.{sorted(unknown)[0]}", "unknown key; valid keys: id, title, statistic, band, observed, "
                                                "source, scenario, " + ", ".join(sorted(OPTIONS)))  # fmt: skip
        if options.get("prior", "any") not in PRIOR:
            fail(f"{loc}.prior", f"allowed: {', '.join(PRIOR)}")
        if options.get("regime", "any") not in REGIMES:
            fail(f"{loc}.regime", f"allowed: {', '.join(REGIMES)}")
        named = options.get("countries")
        if isinstance(named, str) and named not in GROUPS:
            fail(f"{loc}.countries", f"a list of ISO codes or a group: {', '.join(GROUPS)}")
        scenario = row.get("scenario", "baseline")
        try:
            load(scenario)
        except InputError as err:
            fail(f"{loc}.scenario", f"cannot load scenario {scenario!r}: {err}")
        out.append(Pattern(id=row["id"], title=row.get("title", row["id"]), statistic=row["statistic"],
                           band=(float(band[0]), float(band[1])), observed=row.get("observed"),
                           source=row.get("source", ""), scenario=scenario, options=options))  # fmt: skip
    return out


# --- measuring --------------------------------------------------------------------------------------------------
def measure(patterns: list[Pattern], reps: int, seed: int = 1, threads: int | None = None,
            resamples: int = 400, overrides: dict[str, float] | None = None) -> list[dict]:  # fmt: skip
    """Each pattern's value in ``reps`` replications of its scenario (with registry ``overrides`` on top of the
    scenario's values, if given), with a 90% bootstrap interval over replications, beside the record and the
    band."""
    from .batch import replicate

    batches: dict[str, Any] = {}
    rng = np.random.default_rng([seed, 0x9A77])
    rows = []
    for p in patterns:
        if p.scenario not in batches:
            batches[p.scenario] = replicate(p.scenario, reps, seed=seed, threads=threads, overrides=overrides)
        num, den = STATISTICS[p.statistic](batches[p.scenario], p.options)
        value = float(num.sum() / den.sum()) if den.sum() > 0 else None
        pick = rng.integers(0, len(num), size=(resamples, len(num)))
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = num[pick].sum(axis=1) / den[pick].sum(axis=1)
        boot = boot[np.isfinite(boot)]
        low, high = (float(x) for x in np.quantile(boot, [0.05, 0.95])) if len(boot) else (None, None)
        record = p.observed if p.observed is not None else from_record(p)
        rows.append({"id": p.id, "title": p.title, "statistic": p.statistic, "scenario": p.scenario,
                     "record": record, "band": list(p.band), "model": value, "low90": low, "high90": high,
                     "in_band": value is not None and p.band[0] <= value <= p.band[1], "source": p.source,
                     "reps": reps})  # fmt: skip
    return rows


def table(rows: list[dict]) -> str:
    head = f"{'pattern':<30} {'record':>9} {'band':>17} {'model':>9} {'90% interval':>19}  in band"
    lines = [head, "-" * len(head)]
    for r in rows:
        band = f"{_g(r['band'][0])}-{_g(r['band'][1])}"
        interval = f"{_g(r['low90'])}-{_g(r['high90'])}"
        lines.append(f"{r['id'][:30]:<30} {_g(r['record']):>9} {band:>17} {_g(r['model']):>9} {interval:>19}  "
                     f"{'yes' if r['in_band'] else 'NO'}")  # fmt: skip
    inside = sum(r["in_band"] for r in rows)
    lines.append(f"{inside} of {len(rows)} patterns in their bands ({rows[0]['reps']:,} replications)")
    return "\n".join(lines)


def _g(x) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
