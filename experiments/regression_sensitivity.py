"""Regression-based sensitivity measures for sampled designs (Latin hypercubes, Monte Carlo draws): standardised
regression coefficients (SRC, with the R² of the linear fit) and partial rank correlation coefficients (PRCC),
each with a bootstrap confidence interval.

Where they fit: in a Latin hypercube or a Monte Carlo sample every parameter varies at once, so the mean
outcome in a parameter's lowest and highest decile mixes its effect with everything else's; a regression over
all parameters together separates them (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, ch. 1;
Marino et al. 2008, https://doi.org/10.1016/j.jtbi.2008.04.011, for PRCC).

- **SRC**: the coefficients of a least-squares fit of the outcome on the parameters, both standardised (mean 0,
  standard deviation 1). SRC = 0.5 says: one standard deviation more of the parameter moves the outcome by half
  a standard deviation, the others held fixed. They are to be read only as far as the linear fit explains the
  outcome: with R² near 1 the squared SRCs apportion the variance; with a low R² the outcome is nonlinear (or
  noisy) in the parameters and the PRCC, or a Sobol design, says more.
- **PRCC**: the correlation between the ranks of a parameter and the ranks of the outcome once the (linear
  effect of the) ranks of every other parameter is removed from both. It measures a monotone relation,
  however curved, between -1 and 1.

Intervals are percentile bootstrap intervals: the points are resampled with replacement ``resamples`` times
from a fixed seed (recorded in the table's note) and both measures recomputed on each resample (the PRCC on
the points' ranks among all points, taken once). A PRCC's
p-value is the usual t test of a partial correlation with ``n - 2 - k`` degrees of freedom (``k`` other
parameters).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

# The analysis module's seed and confidence, repeated here so this module stands alone; analysis passes its own.
SEED = 20_240_706
RESAMPLES = 1000
CONFIDENCE = 0.95

COLUMNS = ["parameter", "src", "src_low", "src_high", "prcc", "prcc_low", "prcc_high", "prcc_p"]


def src(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardised regression coefficients of ``y`` (n) on the columns of ``x`` (n x k), and the fit's R².

    Solved from the correlation matrix C of (x, y): SRC = C_xx⁻¹ C_xy and R² = SRC · C_xy, the same as a
    least-squares fit of the standardised variables (with an intercept), and cheap enough to bootstrap. A
    constant column gets NaN (there is nothing to standardise by), a constant outcome NaN everywhere.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    out = np.full(x.shape[1], np.nan)
    ok = x.std(axis=0) > 0
    if y.std() == 0 or len(y) <= int(ok.sum()) + 1:
        return out, math.nan
    c = np.corrcoef(np.column_stack([x[:, ok], y]), rowvar=False)
    beta = np.linalg.lstsq(c[:-1, :-1], c[:-1, -1], rcond=None)[0]
    out[ok] = beta
    return out, float(beta @ c[:-1, -1])


def prcc(x: np.ndarray, y: np.ndarray, *, ranked: bool = False) -> np.ndarray:
    """Partial rank correlation coefficients of ``y`` with each column of ``x`` (``ranked``: both are ranks
    already).

    Computed from the inverse P of the rank correlation matrix of (x, y): the partial correlation of column i
    with y given the others is -P[i, y] / sqrt(P[i, i] P[y, y]) (the standard identity; the same as correlating
    the residuals of the two rank regressions on the other columns).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    k = x.shape[1]
    out = np.full(k, np.nan)
    ranks = np.column_stack([x, y]) if ranked else stats.rankdata(np.column_stack([x, y]), axis=0)
    spread = ranks.std(axis=0)
    ok = np.append(spread[:k] > 0, True)
    if spread[k] == 0 or len(y) <= int(ok.sum()) + 1:
        return out
    corr = np.corrcoef(ranks[:, ok], rowvar=False)
    try:
        p = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        p = np.linalg.pinv(corr)
    r = -p[:-1, -1] / np.sqrt(p.diagonal()[:-1] * p[-1, -1])
    out[ok[:k]] = np.clip(r, -1.0, 1.0)
    return out


def prcc_p_values(r: np.ndarray, n: int) -> np.ndarray:
    """Two-sided p-values of partial correlations ``r`` over ``n`` points with ``len(r) - 1`` others held."""
    df = n - 2 - (len(r) - 1)
    if df < 1:
        return np.full(len(r), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(df / (1.0 - r**2))
    return 2.0 * stats.t.sf(np.abs(t), df)


def _percentiles(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """The central ``confidence`` interval of each column of bootstrap ``samples`` (NaN where all are NaN)."""
    tail = 100 * (1 - confidence) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN column: a parameter that did not vary
        return np.nanpercentile(samples, tail, axis=0), np.nanpercentile(samples, 100 - tail, axis=0)


def regression_sensitivity(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    resamples: int = RESAMPLES,
    confidence: float = CONFIDENCE,
    seed: int = SEED,
) -> pd.DataFrame:
    """SRC and PRCC of outcome ``y`` for each column (parameter) of ``x``, with percentile bootstrap intervals.

    Rows where ``y`` is missing are dropped first (say so in the caller's note). Columns: parameter, src,
    src_low, src_high, prcc, prcc_low, prcc_high, prcc_p. The frame's ``attrs`` hold ``r2`` (the linear fit's
    R²), ``n`` (points used), ``resamples``, ``confidence`` and ``seed``.
    """
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(y)
    xv = x.to_numpy(dtype=float)[keep]
    y = y[keep]
    n, k = xv.shape
    coef, r2 = src(xv, y)
    rho = prcc(xv, y)
    boot_src = np.full((resamples, k), np.nan)
    boot_prcc = np.full((resamples, k), np.nan)
    if n > k + 2 and np.ptp(y) > 0:
        ranks = stats.rankdata(np.column_stack([xv, y]), axis=0)  # once: a resample keeps its points' ranks
        rng = np.random.default_rng(seed)
        for b in range(resamples):
            i = rng.integers(0, n, n)
            boot_src[b], _ = src(xv[i], y[i])
            boot_prcc[b] = prcc(ranks[i, :k], ranks[i, k], ranked=True)
    src_low, src_high = _percentiles(boot_src, confidence)
    prcc_low, prcc_high = _percentiles(boot_prcc, confidence)
    frame = pd.DataFrame(
        {"parameter": list(x.columns), "src": coef, "src_low": src_low, "src_high": src_high, "prcc": rho,
         "prcc_low": prcc_low, "prcc_high": prcc_high, "prcc_p": prcc_p_values(rho, n)},
        columns=COLUMNS,
    )  # fmt: skip
    frame.attrs.update({"r2": r2, "n": n, "resamples": resamples, "confidence": confidence, "seed": seed})
    return frame
