"""Many futures: a few hundred replications of the app's current settings at once (``liptako.replicate``), shown
as fans (the median and the central 80% of the futures, month by month) of the alliance's members, the
successful coups so far and the territory contested, with the chance that the alliance holds to a chosen year.

One run of the story is one possible history; the fans show how much the futures of the same settings differ.
:func:`run_futures` does the arithmetic (no page needed, so the tests and ``benchmarks/bench_app.py`` call it);
:func:`draw_fans` draws the fans (SVG, like the story's charts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import liptako
from liptako.app_charts import Curve, chart_svg
from liptako.experiments.figstyle import BLUE
from liptako.model.records import COUP, SUCCESS

FUTURES = 300  # replications per redraw: a 95% interval of about +-6 points on a chance, in about a second
BAND = (10, 50, 90)  # percentiles: the central 80% band and the median


@dataclass(frozen=True)
class Futures:
    """The fans and the survival of R replications of one setting.

    ``fans`` maps a series' name to its percentiles ``[3, T]`` (10th, 50th, 90th); ``exists`` and
    ``founders_in`` are ``[R, T]`` booleans: the alliance still exists at the end of month t, and every
    founding member is still in it.
    """

    title: str
    start: int  # the first month (months since year 0)
    reps: int
    seed: int
    fans: dict[str, np.ndarray]
    exists: np.ndarray
    founders_in: np.ndarray
    bloc: str

    @property
    def months(self) -> int:
        return self.exists.shape[1]

    def years(self) -> list[int]:
        """The years whose December falls within the horizon (the choices of the year selector)."""
        first, last = self.start // 12, (self.start + self.months - 1) // 12
        return [y for y in range(first, last + 1) if 12 * y + 11 - self.start < self.months]

    def chance_holds(self, year: int) -> tuple[float, float, float]:
        """The share of futures in which the alliance still exists at the end of ``year``, with a 95% Wilson
        interval: (share, low, high)."""
        return wilson(int(self.exists[:, self.month_index(year)].sum()), self.reps)

    def chance_founders_stay(self, year: int) -> tuple[float, float, float]:
        """The share of futures in which every founding member is still in the alliance at the end of ``year``,
        with a 95% Wilson interval."""
        return wilson(int(self.founders_in[:, self.month_index(year)].sum()), self.reps)

    def month_index(self, year: int) -> int:
        """The index of December of ``year`` (clipped to the horizon)."""
        return min(max(12 * year + 11 - self.start, 0), self.months - 1)


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float, float]:
    """A share and its Wilson score interval (95% by default): good near 0% and 100%, unlike share +- 2 se."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exactly 0 and 1 at the ends, not float noise
    high = 1.0 if successes == n else min(1.0, centre + half)
    return p, low, high


def cumulative_coups(records, reps: int, start: int, months: int) -> np.ndarray:
    """Successful coups in the region since the start, ``[R, T]``, from the batch's event records."""
    won = (records.kind == COUP) & (records.outcome == SUCCESS)
    counts = np.zeros((reps, months), dtype=np.int64)
    np.add.at(counts, (records.rep[won], np.clip(records.month[won] - start, 0, months - 1)), 1)
    return counts.cumsum(axis=1)


def run_futures(scenario: str | Path, seed: int, overrides: Mapping[str, float] | None = None,
                reps: int = FUTURES) -> Futures:  # fmt: skip
    """Run ``reps`` replications of a scenario with the app's slider overrides, from the root seed ``seed``,
    and reduce them to the fans and survival the panel shows."""
    batch = liptako.replicate(scenario, reps, seed=seed, overrides=dict(overrides or {}))
    sim = batch.simulation
    setup, T = sim.setup, sim.months
    series = {
        "members": sim.sweep_series["members"],
        "coups": cumulative_coups(sim.records, reps, setup.start, T),
        "territory_mean": sim.sweep_series["territory_mean"] * 100,
    }
    fans = {name: np.percentile(values, BAND, axis=0) for name, values in series.items()}
    survival = np.where(sim.outcomes["dissolved"].astype(bool), sim.outcomes["survival_months"], T + 1)
    exists = np.arange(T)[None, :] < np.asarray(survival)[:, None]
    founders_in = sim.member_series[:, :, setup.focal, :][:, :, setup.founders].all(axis=2)
    return Futures(title=sim.scenario.title, start=setup.start, reps=reps, seed=seed, fans=fans, exists=exists,
                   founders_in=founders_in & exists, bloc=sim.scenario.scenario.focal_bloc)  # fmt: skip


# What each fan shows: its title with the unit, and whether it changes in steps (a count) or smoothly.
FAN_TITLES = {
    "members": ("Members of the alliance (states)", "step"),
    "coups": ("Successful coups in the region, so far", "step"),
    "territory_mean": ("Territory contested, founders' mean (%)", "line"),
}


def draw_fans(futures: Futures, year: int) -> list[str]:
    """The three fans as SVG charts (median line, central 80% band), with the end of ``year`` dashed."""
    charts = []
    for name, (title, kind) in FAN_TITLES.items():
        low, mid, high = futures.fans[name]
        fan = Curve("", BLUE, mid, low=low, high=high)
        charts.append(chart_svg(title, futures.start, [fan], kind, mark=futures.month_index(year)))
    return charts


def holds_sentence(futures: Futures, year: int) -> str:
    """The chance the alliance holds to the end of ``year``, in words, with its interval."""
    p, low, high = futures.chance_holds(year)
    q, qlow, qhigh = futures.chance_founders_stay(year)
    return (f"The {futures.bloc} still exists at the end of {year} in **{p:.0%}** of {futures.reps} futures "
            f"(95% interval {low:.0%}-{high:.0%}); all its founding members are still in it in **{q:.0%}** "
            f"({qlow:.0%}-{qhigh:.0%}).")  # fmt: skip


__all__ = ["FUTURES", "Futures", "draw_fans", "holds_sentence", "run_futures", "wilson"]
