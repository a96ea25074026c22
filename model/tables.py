"""Outputs as pandas tables: a run's monthly table, a batch's summary (one row per replication), and the
monthly aggregates an experiment keeps. Column names come from the declarations in ``outputs.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .outputs import FUNDING, STATE_SERIES, SWEEP_SERIES, column
from .scenario import format_month
from .world import Names


def dates(start: int, months: int) -> list[str]:
    """``"YYYY-MM"`` of each month of a run."""
    return [format_month(start + t) for t in range(months)]


def monthly(names: Names, start: int, state_series: np.ndarray, funding_series: np.ndarray,
            member_series: np.ndarray, reps: np.ndarray | None = None) -> pd.DataFrame:  # fmt: skip
    """The monthly table of R replications ([R, T, ...] series): one row per replication and month, with
    ``month`` (from 0), ``date`` and, when ``reps`` is given, ``rep``; then ``members.<BLOC>``,
    ``<series>.<ISO>``, ``funding.<SOURCE>.<ISO>`` and ``member.<BLOC>.<ISO>`` (0/1)."""
    R, T = state_series.shape[:2]
    columns: dict[str, np.ndarray] = {}
    if reps is not None:
        columns["rep"] = np.repeat(np.asarray(reps, dtype=np.int64), T)
    columns["month"] = np.tile(np.arange(T, dtype=np.int64), R)
    columns["date"] = np.tile(np.asarray(dates(start, T), dtype=object), R)
    flags = member_series.reshape(R * T, len(names.blocs), len(names.states))
    for b, bloc in enumerate(names.blocs):
        columns[column("members", bloc)] = flags[:, b, :].sum(axis=1).astype(np.float64)
    values = state_series.reshape(R * T, len(STATE_SERIES), len(names.states))
    for k, out in enumerate(STATE_SERIES):
        for i, iso in enumerate(names.states):
            columns[column(out.name, iso)] = values[:, k, i].astype(np.float64)
    money = funding_series.reshape(R * T, len(names.sources), len(names.states))
    for f, source in enumerate(names.sources):
        for i, iso in enumerate(names.states):
            columns[column(FUNDING.name, source, iso)] = money[:, f, i].astype(np.float64)
    for b, bloc in enumerate(names.blocs):
        for i, iso in enumerate(names.states):
            columns[column("member", bloc, iso)] = flags[:, b, i].astype(np.float64)
    return pd.DataFrame(columns)


def aggregates(start: int, series: dict[str, np.ndarray], reps: np.ndarray) -> pd.DataFrame:
    """The :data:`~liptako.model.outputs.SWEEP_SERIES` of R replications ([R, T] each), one row per
    replication and month: ``rep``, ``month``, ``date``, then one column per aggregate."""
    first = series[SWEEP_SERIES[0].name]
    R, T = first.shape
    frame = pd.DataFrame({"rep": np.repeat(np.asarray(reps, dtype=np.int64), T), "month": np.tile(np.arange(T), R),
                          "date": np.tile(np.asarray(dates(start, T), dtype=object), R)})  # fmt: skip
    for out in SWEEP_SERIES:
        frame[out.name] = series[out.name].reshape(-1)
    return frame


def summary(outcomes: dict[str, np.ndarray], reps: np.ndarray, seeds: np.ndarray) -> pd.DataFrame:
    """One row per replication: ``rep``, ``seed``, then every per-run outcome (missing values NaN/None)."""
    frame = pd.DataFrame({"rep": np.asarray(reps, dtype=np.int64), "seed": np.asarray(seeds, dtype=np.int64)})
    return pd.concat([frame, pd.DataFrame(outcomes)], axis=1)
