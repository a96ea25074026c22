"""The coup record: the Powell & Thyne list of coup attempts, and country-year statistics computed from it and
from runs in exactly the same way.

A country-year *has an attempt* if at least one coup attempt, failed or successful, began in it; its *prior
five years* are the five calendar years before it. :func:`country_years` builds that panel from any table of
attempts (the list's, or a batch's coup records with the scenario's past coups as their history), and
:func:`attempt_rates` gives the statistics ``../shared/calibration.md`` reports: the share of country-years
with an attempt, and the chance of an attempt with and without one in the prior five years (the coup trap).

>>> rates = attempt_rates(country_years(powell_thyne(), WEST_AFRICA, 2000, 2019))
>>> round(rates["with_prior"], 3), round(rates["without_prior"], 4)      # calibration.md: 16.2% and 2.44%
(0.162, 0.0244)
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from importlib import resources

import numpy as np
import pandas as pd

# Correlates of War country codes (the list's ``ccode``) of the countries a scenario may name; Western Sahara has
# none.
COW_CODES: dict[str, int] = {
    "CPV": 402, "GNB": 404, "GMB": 420, "MLI": 432, "SEN": 433, "BEN": 434, "MRT": 435, "NER": 436, "CIV": 437,
    "GIN": 438, "BFA": 439, "LBR": 450, "SLE": 451, "GHA": 452, "TGO": 461, "CMR": 471, "NGA": 475, "CAF": 482,
    "TCD": 483, "MAR": 600, "DZA": 615, "TUN": 616, "LBY": 620, "SDN": 625, "EGY": 651,
}  # fmt: skip
# West Africa as calibration.md counts it: the ECOWAS states and Mauritania (16).
WEST_AFRICA: tuple[str, ...] = (
    "BEN", "BFA", "CIV", "CPV", "GHA", "GIN", "GMB", "GNB", "LBR", "MLI", "MRT", "NER", "NGA", "SEN", "SLE", "TGO",
)  # fmt: skip
PRIOR_YEARS = 5


def powell_thyne() -> pd.DataFrame:
    """The list, one row per attempt: ``country`` (ISO 3166 alpha-3 for the region's countries, else the
    ``ccode`` as text), ``ccode``, ``year``, ``month``, ``success`` (bool). A copy: callers may change it."""
    return _read_list().copy()


@functools.cache
def _read_list() -> pd.DataFrame:
    with resources.files("liptako.data").joinpath("powell-thyne-coups.csv").open("rb") as f:
        raw = pd.read_csv(f)
    iso = {code: iso for iso, code in COW_CODES.items()}
    return pd.DataFrame({
        "country": [iso.get(int(c), str(int(c))) for c in raw["ccode"]],
        "ccode": raw["ccode"].astype(int),
        "year": raw["year"].astype(int),
        "month": raw["month"].astype(int),
        "success": raw["coup"].astype(int) == 2,
    })  # fmt: skip


def country_years(
    attempts: pd.DataFrame,
    countries: Iterable[str],
    first: int,
    last: int,
    by: Sequence[str] = (),
    groups: Iterable | None = None,
) -> pd.DataFrame:
    """The country-year panel of ``countries`` from ``first`` to ``last`` (inclusive), for each group of the
    ``by`` columns (e.g. ``["rep"]`` for runs): ``attempts`` (how many began that year), ``successes``,
    ``attempt`` (at least one) and ``prior`` (an attempt in the five years before). ``attempts`` needs the
    columns ``country``, ``year`` and ``success``, and may reach back before ``first`` (the prior years).
    ``groups`` lists the values of ``by`` to cover (default: those in ``attempts``), e.g. ``range(batch.reps)``
    so that a replication without a single attempt still counts its country-years."""
    countries = list(dict.fromkeys(countries))
    keys = [*by, "country", "year"]
    counts = attempts.groupby(keys).agg(attempts=("success", "size"), successes=("success", "sum"))
    if not by:
        groups = [()]
    elif groups is None:
        groups = list(attempts[list(by)].drop_duplicates().itertuples(index=False, name=None))
    else:
        groups = [g if isinstance(g, tuple) else (g,) for g in groups]
    span = np.arange(first - PRIOR_YEARS, last + 1)
    index = pd.MultiIndex.from_tuples([(*g, c, y) for g in groups for c in countries for y in span], names=keys)
    full = counts.reindex(index, fill_value=0).reset_index()
    full["attempt"] = full["attempts"] > 0
    # the index runs group, country, year: one row of years per (group, country), so the prior five years are a
    # difference of running sums along it (attempts in years k-5 .. k-1)
    years = full["attempt"].to_numpy().reshape(-1, len(span)).astype(np.int64)
    before = np.concatenate([np.zeros((len(years), 1), np.int64), np.cumsum(years, axis=1)], axis=1)
    k = np.arange(len(span))
    full["prior"] = (before[:, k] - before[:, np.maximum(0, k - PRIOR_YEARS)]).reshape(-1) > 0
    return full[full["year"] >= first].reset_index(drop=True)


def attempt_rates(panel: pd.DataFrame) -> dict[str, float | int]:
    """The panel's country-years, the share with an attempt, and the chance of an attempt in a year with
    (``with_prior``) and without (``without_prior``) an attempt in the prior five years, with their counts;
    a rate over no country-years is NaN."""
    prior = panel["prior"].to_numpy()
    attempt = panel["attempt"].to_numpy()

    def share(mask):
        return float(attempt[mask].mean()) if mask.any() else float("nan")

    return {
        "country_years": len(panel),
        "share": share(np.ones(len(panel), dtype=bool)),
        "with_prior": share(prior),
        "without_prior": share(~prior),
        "n_with_prior": int(prior.sum()),
        "n_without_prior": int((~prior).sum()),
    }


def older_coups(
    attempts: pd.DataFrame, countries: Iterable[str], first: int, last: int, older: tuple[int, int] = (6, 20)
) -> pd.DataFrame:
    """Does a coup longer ago than the trap's five years still raise the chance of an attempt? Among the
    country-years without an attempt in the prior five years, the chance of one with and without a *successful*
    coup ``older[0]``..``older[1]`` years before (a "coup culture"), and the same among those with a recent
    attempt: one row each, with ``country_years``, ``attempts`` and ``rate``."""
    panel = country_years(attempts, countries, first, last)
    wins = attempts[attempts["success"]]
    by_country = {c: wins.loc[wins["country"] == c, "year"].to_numpy() for c in dict.fromkeys(countries)}
    old = np.array([
        bool(((y - older[1] <= by_country[c]) & (by_country[c] <= y - older[0])).any())
        for c, y in zip(panel["country"], panel["year"], strict=True)
    ])  # fmt: skip
    rows = []
    for recent in (False, True):
        for culture in (False, True):
            keep = (panel["prior"].to_numpy() == recent) & (old == culture)
            n, k = int(keep.sum()), int(panel["attempt"].to_numpy()[keep].sum())
            rows.append(
                {
                    "attempt_in_prior_5_years": recent,
                    f"successful_coup_{older[0]}_{older[1]}_years_before": culture,
                    "country_years": n,
                    "attempts": k,
                    "rate": k / n if n else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def model_attempts(batch) -> pd.DataFrame:
    """A batch's coup attempts as the list's rows would be: ``rep``, ``country``, ``year``, ``month``,
    ``success``, ``history``. Each replication also carries the scenario's past coups and attempts
    (``regime.coups``, ``history`` true) so that a panel's prior years see them as the data's would; a
    scenario does not say which of them succeeded (``success`` false), so start a panel at the first whole
    simulated year."""
    coups = batch.records[batch.records["kind"] == "coup"]
    years = coups["date"].str.slice(0, 4).astype(int)
    months = coups["date"].str.slice(5, 7).astype(int)
    runs = pd.DataFrame({
        "rep": coups["rep"].to_numpy(), "country": coups["state"].to_numpy(), "year": years.to_numpy(),
        "month": months.to_numpy(), "success": (coups["outcome"] == "success").to_numpy(), "history": False,
    })  # fmt: skip
    past = [(iso, int(m[:4]), int(m[5:7])) for iso, state in batch.scenario.states.items() for m in state.regime.coups]
    history = pd.DataFrame(
        [(rep, iso, y, mo, False, True) for rep in range(batch.reps) for iso, y, mo in past],
        columns=["rep", "country", "year", "month", "success", "history"],
    )  # fmt: skip
    return pd.concat([history, runs], ignore_index=True)
