"""Plots of an experiment's results folder: fan charts of the monthly series, Kaplan–Meier curves, paired
differences, a heatmap over a two-parameter grid, Sobol and Morris indices, regression sensitivity (SRC and
PRCC) and tornado charts.

Drawn with matplotlib's object API (no global pyplot state, safe in worker processes and tests). Every plot
is saved as PNG and SVG with the date and software stamps removed, so the same folder gives the same bytes;
files are written under a temporary name and renamed, like the results store's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from liptako.model.outputs import SWEEP_LABELS

from . import analysis as an
from .figstyle import (
    FORMATS,
    LABEL,
    PANEL,
    SMALL,
    TINY,
    TITLE,
    colour,
    image,
    label,
    month_ticks,
    panel_grid,
    tidy,
    unit_of,
)
from .store import atomic_write_bytes

TOP = 15  # bar charts show at most this many parameters (a screening may vary a hundred)


def _top(table: pd.DataFrame, column: str, n: int) -> pd.DataFrame:
    """The ``n`` rows with the largest absolute ``column``, largest first (NaN last); attrs kept."""
    order = np.argsort(-np.nan_to_num(table[column].abs().to_numpy(dtype=float), nan=-1.0), kind="stable")
    out = table.iloc[order[:n]].reset_index(drop=True)
    out.attrs = dict(table.attrs)
    return out


def save(fig: Figure, stem: str | Path) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` (reproducible bytes, atomic writes); returns both paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = stem.with_suffix(f".{fmt}")
        atomic_write_bytes(path, image(fig, fmt))
        paths.append(path)
    return paths


# --- monthly series -----------------------------------------------------------------------------------------
def fan_chart(
    series: pd.DataFrame,
    runs: pd.DataFrame,
    stem: str | Path,
    *,
    variables: Sequence[str] | None = None,
    scenarios: Sequence[str] | None = None,
    events: Mapping[str, Sequence[str]] | None = None,
    event_labels: Mapping[str, Mapping[str, str]] | None = None,
    title: str = "",
) -> list[Path]:
    """Fan charts of monthly series per scenario: the median run (line), 50% and 90% of runs (bands).

    ``series`` is :func:`~liptako.experiments.store.load_series`'s frame (with each run's scenario), ``runs``
    the runs frame (the scenarios' order). One panel per variable (default: every SWEEP_SERIES present).
    ``events`` maps a scenario to the dates (YYYY-MM) of its events, marked by dashed lines in its colour and
    named in the first panel by ``event_labels`` (scenario -> date -> words; default: the scenario's name).
    """
    variables = list(variables or [v for v in SWEEP_LABELS if v in series.columns])
    scenarios = list(scenarios or dict.fromkeys(runs["scenario"]))
    data = series
    dates = data.drop_duplicates("month").sort_values("month")["date"].tolist()
    fig, axes = panel_grid(len(variables), 2, 5.2, 2.7)
    for ax, variable in zip(axes, variables, strict=True):
        for i, name in enumerate(scenarios):
            # runs x months, so the quantiles are one vectorised call per scenario
            table = data[data["scenario"] == name].pivot(index="run_id", columns="month", values=variable)
            values = table.to_numpy(dtype=float)
            x = table.columns.to_numpy()
            quantiles = np.nanquantile(values, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
            for (lo, hi), alpha in zip(((0, 4), (1, 3)), (0.12, 0.25), strict=True):
                ax.fill_between(x, quantiles[lo], quantiles[hi], color=colour(i), alpha=alpha, lw=0)
            ax.plot(x, quantiles[2], color=colour(i), lw=1.6, label=name)
            for month in _event_months(data, (events or {}).get(name, ())):
                ax.axvline(month, color=colour(i), lw=0.9, ls="--", alpha=0.8)
                if ax is axes[0]:  # say once what the dashed line is
                    words = _label_at(data, month, (event_labels or {}).get(name, {})) or f"{name} event"
                    ax.annotate(words, (month, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                                fontsize=TINY, color=colour(i), ha="right", va="top", xytext=(-1, -2),
                                textcoords="offset points")  # fmt: skip
        ax.set_title(label(variable, outputs=SWEEP_LABELS), fontsize=PANEL)
        tidy(ax)
        month_ticks(ax, dates)
    if len(scenarios) > 1:
        axes[0].legend(fontsize=SMALL, loc="best")
    fig.suptitle(title or "Monthly outcomes: median, 50% and 90% of runs", fontsize=TITLE)
    return save(fig, stem)


# --- survival -------------------------------------------------------------------------------------------------
def survival_chart(
    panels: Mapping[str, Mapping[str, pd.DataFrame]],
    stem: str | Path,
    *,
    title: str = "",
) -> list[Path]:
    """Kaplan–Meier curves with their confidence bands, one panel per event and one curve per group.

    ``panels`` maps a panel title to the curves of :func:`~liptako.experiments.analysis.survival`.
    """
    fig, axes = panel_grid(len(panels), 2, 5.0, 3.4)
    for ax, (name, curves) in zip(axes, panels.items(), strict=True):
        for i, (group, curve) in enumerate(curves.items()):
            x = curve["months"].to_numpy()
            ax.fill_between(x, curve["lower"], curve["upper"], step="post", color=colour(i), alpha=0.18, lw=0)
            ax.step(
                x,
                curve["survival"],
                where="post",
                color=colour(i),
                lw=1.6,
                label=f"{group} (n={curve['at_risk'].iloc[0]})",
            )
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlim(left=0)
        ax.set_xlabel("months", fontsize=LABEL)
        ax.set_ylabel("share of runs", fontsize=LABEL)
        ax.set_title(name, fontsize=PANEL)
        tidy(ax)
        ax.legend(fontsize=SMALL, loc="lower left")
    fig.suptitle(title or "Kaplan–Meier estimates with 95% confidence bands", fontsize=TITLE)
    return save(fig, stem)


def _event_months(data: pd.DataFrame, dates: Sequence[str]) -> list[int]:
    """The months (x positions) of the dates that fall within the series."""
    at = dict(zip(data["date"], data["month"], strict=False))
    return sorted({int(at[d]) for d in dates if d in at})


def _label_at(data: pd.DataFrame, month: int, labels: Mapping[str, str]) -> str:
    """The words for the events of one month (their dates' labels joined)."""
    at = dict(zip(data["date"], data["month"], strict=False))
    return ", ".join(words for date, words in labels.items() if at.get(date) == month)


def scenario_event_labels(manifest: Mapping) -> dict[str, dict[str, str]]:
    """Each scenario's events in words by date (``{"2024-09": "partner exit RUS, funding change RUS"}``), for
    the fan chart's marks."""
    out: dict[str, dict[str, str]] = {}
    for s in manifest["experiment"].get("scenarios") or []:
        by_date: dict[str, list[str]] = {}
        for ev in s.get("events") or []:
            who = ev.get("state") or ev.get("partner") or ev.get("bloc") or ""
            by_date.setdefault(ev["date"], []).append(f"{ev['type'].replace('_', ' ')} {who}".strip())
        out[s["scenario"]["name"]] = {d: ", ".join(dict.fromkeys(w)) for d, w in by_date.items()}
    return out


def scenario_events(manifest: Mapping) -> dict[str, list[str]]:
    """Each scenario's event dates (YYYY-MM), from a results folder's manifest."""
    return {s["scenario"]["name"]: [ev["date"] for ev in s.get("events") or []]
            for s in manifest["experiment"].get("scenarios") or []}  # fmt: skip


def headline_chart(
    runs: pd.DataFrame, per_state: pd.DataFrame, stem: str | Path, *, title: str = "", note: str = ""
) -> list[Path]:
    """One figure per comparison for a slide (16:9, large type): left, the share of runs in which no member has
    left the alliance yet, per scenario (Kaplan–Meier, 95% band); right, each founding member's chance of
    leaving within the horizon per scenario, with its 95% Wilson interval (the axis as wide as the largest
    interval needs, so that small chances stay visible). ``note``: a line under the title (the headline's
    number)."""
    fig = Figure(figsize=(12.8, 7.2), layout="constrained")
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    big, medium = 15, 12
    for i, (name, curve) in enumerate(an.survival(runs, outcome="first_exit_month").items()):
        x = curve["months"].to_numpy() / 12
        left.fill_between(x, curve["lower"], curve["upper"], step="post", color=colour(i), alpha=0.18, lw=0)
        left.step(x, curve["survival"], where="post", color=colour(i), lw=3, label=name)
    left.set_ylim(-0.02, 1.02)
    left.set_xlim(left=0)
    left.set_xlabel("years from the start", fontsize=medium)
    left.set_ylabel("share of runs with no member gone", fontsize=medium)
    left.set_title("Does the alliance keep all its members?", fontsize=big)
    left.legend(fontsize=medium, loc="lower left")
    tidy(left)
    left.tick_params(labelsize=medium)
    founders = per_state[per_state["member at start"]]
    states = sorted(dict.fromkeys(founders["state"]))
    scenarios = list(dict.fromkeys(founders["scenario"]))
    share = next(c for c in founders.columns if c.startswith("P(leaves"))
    width = 0.8 / max(1, len(scenarios))
    for i, name in enumerate(scenarios):
        rows = founders[founders["scenario"] == name].set_index("state").reindex(states)
        y = np.arange(len(states)) + (i - (len(scenarios) - 1) / 2) * width
        p = rows[share].to_numpy(dtype=float)
        err = np.vstack([p - rows["leaves: low"].to_numpy(dtype=float), rows["leaves: high"].to_numpy(dtype=float) - p])
        right.barh(y, p, height=width * 0.9, color=colour(i), xerr=err, capsize=4, label=name)
    right.set_yticks(np.arange(len(states)), states, fontsize=medium)
    right.invert_yaxis()
    widest = float(np.nanmax(founders["leaves: high"].to_numpy(dtype=float), initial=0.0))
    right.set_xlim(0, min(1.0, max(0.05, widest * 1.2)))
    right.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set_xlabel("chance of leaving (95% interval)", fontsize=medium)
    right.set_title("Who leaves?", fontsize=big)
    tidy(right, "x")
    right.tick_params(labelsize=medium)
    fig.suptitle(title or "What the what-if changes", fontsize=big + 2)
    if note:
        fig.supxlabel(note, fontsize=medium, color="0.25")
    return save(fig, stem)


def per_state_chart(per_state: pd.DataFrame, stem: str | Path, *, title: str = "", top: int = 8) -> list[Path]:
    """Per-state outcomes, two panels: each state's chance of leaving the alliance within the horizon and of at
    least one successful coup, per scenario, with 95% Wilson intervals and, beside each bar, the median date it
    happens in the runs where it does. The founding members come first, then the ``top`` other states most
    likely to leave or have a coup.

    ``per_state`` is :func:`~liptako.experiments.analysis.per_state_table`'s table.
    """
    share = next(c for c in per_state.columns if c.startswith("P(leaves"))
    founders = sorted(dict.fromkeys(per_state.loc[per_state["member at start"], "state"]))
    others = per_state[~per_state["state"].isin(founders)]
    score = others.groupby("state")[[share, "P(successful coup)"]].max().max(axis=1).sort_values(ascending=False)
    states = founders + [s for s in score.index if score[s] > 0][:top]
    scenarios = list(dict.fromkeys(per_state["scenario"]))
    panels = ((share, "leaves", "leaves: median date", f"Leaves the {share[9:-1]}"),
              ("P(successful coup)", "coup", "first coup: median date", "A successful coup"))  # fmt: skip
    fig, axes = panel_grid(2, 2, 5.4, 0.9 + 0.36 * len(states) * max(1, len(scenarios)))
    width = 0.8 / max(1, len(scenarios))
    for ax, (column, prefix, when, name) in zip(axes, panels, strict=True):
        for i, scenario in enumerate(scenarios):
            rows = per_state[per_state["scenario"] == scenario].set_index("state").reindex(states)
            y = np.arange(len(states)) + (i - (len(scenarios) - 1) / 2) * width
            p = rows[column].to_numpy(dtype=float)
            err = np.vstack([p - rows[f"{prefix}: low"].to_numpy(dtype=float),
                             rows[f"{prefix}: high"].to_numpy(dtype=float) - p])  # fmt: skip
            ax.barh(y, p, height=width * 0.9, color=colour(i), xerr=np.nan_to_num(err), capsize=2,
                    error_kw={"lw": 0.8}, label=scenario)  # fmt: skip
            dates = rows[when] if when in rows.columns else pd.Series([None] * len(states))
            for yy, hi, date in zip(y, rows[f"{prefix}: high"].to_numpy(dtype=float), dates, strict=True):
                if isinstance(date, str):
                    ax.text(hi if hi == hi else 0, yy, f" {date}", va="center", fontsize=TINY, color="0.3")
        ax.set_yticks(np.arange(len(states)), states, fontsize=SMALL)
        ax.invert_yaxis()
        ax.set_xlim(0, min(1.0, max(0.05, float(np.nanmax(per_state[f"{prefix}: high"], initial=0)) * 1.25)))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel("share of runs (95% Wilson interval); beside: median date", fontsize=SMALL)
        ax.set_title(name, fontsize=PANEL)
        tidy(ax, "x")
    if len(scenarios) > 1:
        axes[0].legend(fontsize=SMALL, loc="lower right")
    fig.suptitle(title or "Per state: who leaves the alliance, who has a coup, and when", fontsize=TITLE)
    return save(fig, stem)


def _headline_words(manifest: Mapping, scenarios: Sequence[str], headline: pd.DataFrame | None) -> tuple[str, str]:
    """The headline figure's title (the what-if in words) and the line under it (how often a member leaves,
    with its interval, in each scenario)."""
    titles = {s["scenario"]["name"]: s["scenario"].get("title") or s["scenario"]["name"]
              for s in manifest["experiment"].get("scenarios") or []}  # fmt: skip
    if len(scenarios) == 2:
        title = f"What if: {titles.get(scenarios[1], scenarios[1])}? (against {scenarios[0]})"
    else:
        title = " vs ".join(scenarios)
    note = ""
    if headline is not None and len(headline):
        rows = headline[headline["measure"] == "member_leaves"]
        if len(rows):
            first = rows.iloc[0]
            parts = [f"{scenarios[0]} {100 * first.base:.1f}% ({100 * first.base_low:.1f}–{100 * first.base_high:.1f})"]
            parts += [f"{r.scenario} {100 * r.value:.1f}% ({100 * r.low:.1f}–{100 * r.high:.1f})"
                      for r in rows.itertuples(index=False)]  # fmt: skip
            note = "A member leaves within the horizon: " + "; ".join(parts) + " (95% intervals)"
    return title, note


# --- forecasts against a history ------------------------------------------------------------------------------
def evaluation_chart(evaluation: Mapping, stem: str | Path, *, bins: int = 5) -> list[Path]:
    """Two panels of ``liptako evaluate``'s scores: the reliability diagram of the yes/no facts (forecast
    probability against how often the fact held, binned, with the count of facts per bin) and the histogram
    of the PIT values (flat for a calibrated forecast)."""
    rows = evaluation["observations"]
    facts = [fact for r in rows for fact in r["facts"].values()]
    p = np.asarray([f["p"] for f in facts], dtype=float)
    y = np.asarray([f["holds"] for f in facts], dtype=float)
    pits = np.asarray([r["pit"] for r in rows if r["pit"] is not None], dtype=float)
    fig, (left, right) = panel_grid(2, 2, 4.6, 3.6)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    left.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect reliability")
    for k in range(bins):
        inside = which == k
        if inside.any():
            left.plot(p[inside].mean(), y[inside].mean(), "o", color=colour(0), ms=4 + 2 * np.sqrt(inside.sum()))
            left.annotate(str(int(inside.sum())), (p[inside].mean(), y[inside].mean()), fontsize=TINY,
                          xytext=(6, -3), textcoords="offset points")  # fmt: skip
    left.set_xlim(-0.02, 1.02)
    left.set_ylim(-0.05, 1.05)
    left.set_xlabel("forecast probability", fontsize=LABEL)
    left.set_ylabel("observed frequency", fontsize=LABEL)
    left.set_title(f"Reliability ({len(p)} yes/no facts)", fontsize=PANEL)
    left.legend(fontsize=SMALL, loc="upper left")
    tidy(left)
    right.hist(pits, bins=np.linspace(0, 1, bins + 1), color=colour(1), edgecolor="white")
    if len(pits):
        right.axhline(len(pits) / bins, color="0.6", lw=1, ls="--", label="calibrated")
        right.legend(fontsize=SMALL, loc="upper center")
    right.set_xlim(0, 1)
    right.set_xlabel("PIT (share of runs below the observed value)", fontsize=LABEL)
    right.set_ylabel("observations", fontsize=LABEL)
    right.set_title(f"PIT histogram ({len(pits)} observations)", fontsize=PANEL)
    tidy(right)
    summary = evaluation["summary"]
    fig.suptitle(f"{evaluation['history']['title']}: {summary['reps']:,} replications", fontsize=TITLE)
    return save(fig, stem)


# --- scenario comparisons -------------------------------------------------------------------------------------
def difference_chart(tables: Mapping[str, pd.DataFrame], stem: str | Path, *, title: str = "") -> list[Path]:
    """Paired differences from the baseline scenario with bootstrap intervals, one panel per outcome.

    ``tables`` maps outcomes to :func:`~liptako.experiments.analysis.compare_scenarios` tables.
    """
    fig, axes = panel_grid(len(tables), 3, 3.6, 0.6 + 0.45 * max(len(t) for t in tables.values()))
    for ax, (outcome, table) in zip(axes, tables.items(), strict=True):
        rows = table.iloc[1:]  # the first row is the baseline itself
        y = np.arange(len(rows))[::-1]
        d = rows["difference"].to_numpy(dtype=float)
        err = np.vstack([d - rows["low"].to_numpy(dtype=float), rows["high"].to_numpy(dtype=float) - d])
        ax.errorbar(d, y, xerr=np.nan_to_num(err), fmt="o", color=colour(0), capsize=3, ms=4)
        ax.axvline(0, color="0.4", lw=0.8, ls="--")
        ax.set_yticks(y, rows["scenario"].tolist(), fontsize=SMALL)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_title(label(outcome, unit=False), fontsize=LABEL)
        ax.set_xlabel(f"difference from {table['scenario'].iloc[0]}", fontsize=SMALL)
        tidy(ax, "x")
    fig.suptitle(title or "Paired differences from the baseline scenario (95% bootstrap intervals)", fontsize=TITLE)
    return save(fig, stem)


# --- parameter effects ----------------------------------------------------------------------------------------
def heatmap(runs: pd.DataFrame, outcome: str, x: str, y: str, stem: str | Path, *, title: str = "") -> list[Path]:
    """The mean of a per-run outcome in every cell of a two-parameter grid, values written in the cells."""
    table = an.grid_means(runs, outcome, x, y)
    values = table.to_numpy(dtype=float)
    fig = Figure(figsize=(1.2 + 0.9 * values.shape[1] + 1.5, 1.2 + 0.6 * values.shape[0] + 0.6), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis")
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if len(finite) else 0.0
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, an.format_value(v), ha="center", va="center", fontsize=SMALL,
                color="white" if np.isfinite(v) and v < middle else "black")  # fmt: skip
    ax.set_xticks(range(values.shape[1]), [f"{c:g}" for c in table.columns], fontsize=SMALL)
    ax.set_yticks(range(values.shape[0]), [f"{c:g}" for c in table.index], fontsize=SMALL)
    ax.set_xlabel(x, fontsize=LABEL)
    ax.set_ylabel(y, fontsize=LABEL)
    bar = fig.colorbar(image, ax=ax)
    bar.set_label(label(outcome), fontsize=LABEL)
    bar.ax.tick_params(labelsize=SMALL)
    ax.set_title(title or f"Mean {label(outcome, unit=False).lower()} per grid cell", fontsize=PANEL)
    return save(fig, stem)


PAIRED_BAR = 0.38  # the height of each of a parameter's two bars (S1 and ST, SRC and PRCC)
BAR_ERRORS = {"error_kw": {"lw": 0.8, "capsize": 2}}


def _ranked_panels(tables: Mapping[str, pd.DataFrame], key: str, top: int):
    """Each outcome's table cut to its ``top`` parameters by ``key``, and a grid of bar panels sized for them."""
    tables = {o: _top(t, key, top) for o, t in tables.items()}
    n_params = max(len(t) for t in tables.values())
    fig, axes = panel_grid(len(tables), 3, 4.2, 0.9 + 0.42 * n_params)
    return tables, fig, axes


def sobol_chart(tables: Mapping[str, pd.DataFrame], stem: str | Path, *, title: str = "", top: int = TOP) -> list[Path]:
    """First-order (S1) and total (ST) Sobol indices with their confidence intervals, one panel per outcome,
    parameters ranked by ST (the ``top`` largest when there are more).

    ``tables`` maps outcomes to :func:`~liptako.experiments.analysis.sobol_indices` tables.
    """
    tables, fig, axes = _ranked_panels(tables, "ST", top)
    for ax, (outcome, table) in zip(axes, tables.items(), strict=True):
        y, h, bars = np.arange(len(table))[::-1], PAIRED_BAR, BAR_ERRORS
        ax.barh(y + h / 2, table["S1"], h, xerr=table["S1_conf"], color=colour(0), label="first order S1", **bars)
        ax.barh(y - h / 2, table["ST"], h, xerr=table["ST_conf"], color=colour(3), label="total ST", **bars)
        ax.set_yticks(y, table["parameter"].tolist(), fontsize=SMALL)  # each panel ranks its own
        ax.axvline(0, color="0.3", lw=0.6)
        ax.set_xlim(min(-0.05, float(np.nanmin((table["S1"] - table["S1_conf"]).to_numpy(), initial=0))),
                    max(1.05, float(np.nanmax((table["ST"] + table["ST_conf"]).to_numpy(), initial=0))))  # fmt: skip
        ax.set_title(label(outcome, unit=False), fontsize=LABEL)
        tidy(ax, "x")
    axes[0].legend(fontsize=SMALL, loc="lower right")
    fig.suptitle(title or "Sobol indices: share of the outcome's variance (95% intervals)", fontsize=TITLE)
    return save(fig, stem)


def morris_chart(tables: Mapping[str, pd.DataFrame], stem: str | Path, *, title: str = "", top: int = 8) -> list[Path]:
    """Morris screening, one panel per outcome: mu* (mean absolute effect) against sigma (spread of the
    effects: nonlinearity or interactions). Points right are influential; points above the diagonal act
    mostly through interactions. Every parameter is drawn (grey); the ``top`` by mu* are named and get the
    interval of their mu* (naming a hundred would hide them all)."""
    fig, axes = panel_grid(len(tables), 3, 3.8, 3.4)
    for ax, (outcome, table) in zip(axes, tables.items(), strict=True):
        mu, sigma = table["mu_star"].to_numpy(dtype=float), table["sigma"].to_numpy(dtype=float)
        ax.scatter(mu, sigma, s=10, color="0.6", zorder=2)
        best = _top(table, "mu_star", top)
        ax.errorbar(best["mu_star"], best["sigma"], xerr=best["mu_star_conf"], fmt="o", color=colour(0), ms=4,
                    capsize=2, lw=0.8, zorder=3)  # fmt: skip
        for name, a, b in zip(best["parameter"], best["mu_star"], best["sigma"], strict=True):
            ax.annotate(name, (a, b), fontsize=TINY, xytext=(3, 3), textcoords="offset points")
        edge = float(np.nanmax(np.r_[mu, sigma, 0])) * 1.15 or 1.0
        ax.plot([0, edge], [0, edge], color="0.5", lw=0.7, ls="--")  # sigma = mu*
        ax.set_xlim(0, edge)
        ax.set_ylim(0, edge)
        ax.set_xlabel("mu* (per full range)", fontsize=SMALL)
        ax.set_ylabel("sigma", fontsize=SMALL)
        ax.set_title(label(outcome), fontsize=LABEL)
        tidy(ax)
    fig.suptitle(title or "Morris elementary effects", fontsize=TITLE)
    return save(fig, stem)


def regression_chart(
    tables: Mapping[str, pd.DataFrame], stem: str | Path, *, title: str = "", top: int = TOP
) -> list[Path]:
    """Standardised regression coefficients (SRC) and partial rank correlations (PRCC) with their bootstrap
    intervals, one panel per outcome, parameters ranked by |PRCC| (the ``top`` largest when there are more);
    each panel's title carries the R² of the linear fit behind the SRCs.

    ``tables`` maps outcomes to :func:`~liptako.experiments.analysis.regression_table` tables.
    """
    tables, fig, axes = _ranked_panels(tables, "prcc", top)
    for ax, (outcome, table) in zip(axes, tables.items(), strict=True):
        y, h, bars = np.arange(len(table))[::-1], PAIRED_BAR, BAR_ERRORS
        for offset, name, c, text in ((h / 2, "src", colour(0), "SRC"), (-h / 2, "prcc", colour(3), "PRCC")):
            value = table[name].to_numpy(dtype=float)
            err = np.abs(np.vstack([value - table[f"{name}_low"], table[f"{name}_high"] - value]))
            ax.barh(y + offset, value, h, xerr=np.nan_to_num(err), color=c, label=text, **bars)
        ax.set_yticks(y, table["parameter"].tolist(), fontsize=SMALL)
        ax.axvline(0, color="0.3", lw=0.6)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xticks([-1, -0.5, 0, 0.5, 1])
        r2 = table.attrs.get("r2", math.nan)
        fit = f"R² = {r2:.2f}" if math.isfinite(r2) else "no variation"
        ax.set_title(f"{label(outcome, unit=False)} ({fit})", fontsize=LABEL)
        tidy(ax, "x")
    axes[0].legend(fontsize=SMALL, loc="lower right")
    fig.suptitle(title or "Regression sensitivity: SRC and PRCC (95% bootstrap intervals)", fontsize=TITLE)
    return save(fig, stem)


def tornado_chart(
    tables: Mapping[str, pd.DataFrame], stem: str | Path, *, title: str = "", top: int = TOP
) -> list[Path]:
    """Tornado charts, one panel per outcome: the mean outcome at each parameter's low and high end, minus
    the overall mean, largest swing on top (the ``top`` largest when there are more).

    ``tables`` maps outcomes to :func:`~liptako.experiments.analysis.one_at_a_time` tables.
    """
    tables = {o: _top(t, "swing", top) for o, t in tables.items()}
    n_params = max(len(t) for t in tables.values())
    fig, axes = panel_grid(len(tables), 3, 4.0, max(2.4, 1.2 + 0.38 * n_params))
    for ax, (outcome, table) in zip(axes, tables.items(), strict=True):
        y = np.arange(len(table))[::-1]
        ax.barh(y, table["low_effect"], 0.6, color=colour(0), label="low end")
        ax.barh(y, table["high_effect"], 0.6, color=colour(1), alpha=0.75, label="high end")
        ax.axvline(0, color="0.2", lw=0.8)
        ax.set_yticks(y, table["parameter"].tolist(), fontsize=SMALL)
        ax.set_ylim(-0.7, len(table) - 0.3)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        overall = table.attrs.get("overall_mean", math.nan)
        ax.set_xlabel(f"change from the mean, {an.format_value(overall)} ({unit_of(outcome)})", fontsize=SMALL)
        ax.set_title(label(outcome, unit=False), fontsize=LABEL)
        tidy(ax, "x")
    axes[0].legend(fontsize=SMALL, loc="best")
    fig.suptitle(title or "One-at-a-time effects: each parameter's low and high end", fontsize=TITLE)
    return save(fig, stem)


# --- the whole folder ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plotted:
    """One drawn figure: a short name, a title and a caption for reports, its files (PNG first, then SVG)."""

    name: str
    title: str
    caption: str
    paths: list[Path]

    @property
    def png(self) -> Path:
        return self.paths[0]


def _varies(table: pd.DataFrame, column: str) -> bool:
    values = table[column].to_numpy(dtype=float)
    return bool(np.isfinite(values).any() and np.nanmax(np.abs(values)) > 0)


def figures(
    folder: str | Path,
    outcomes: Sequence[str] = an.KEY_OUTCOMES,
    *,
    results: an.Results | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> list[Plotted]:
    """Draw every plot that fits the folder's design into ``DIR/plots/`` and describe each one.

    ``tables`` (from :func:`~liptako.experiments.analysis.analyze`) saves recomputing the indices.
    """
    folder = Path(folder)
    res = results or an.open_results(folder)
    runs = res.runs
    tables = dict(tables) if tables is not None else an.analyses(res, outcomes)
    outcomes = [o for o in outcomes if o in runs.columns]
    out = folder / "plots"
    out.mkdir(exist_ok=True)
    scenarios = res.scenarios
    design = res.manifest["design"]
    n = len(runs)
    drawn: list[Plotted] = []
    spread = "" if res.manifest["points"] == 1 else f", spread over the design's {res.manifest['points']:,} points"

    def draw(name: str, title: str, caption: str, paths: list[Path]) -> None:
        drawn.append(Plotted(name, title, caption, paths))

    if len(res.series):
        caption = (
            "Monthly outcomes per scenario: the median (line) and the middle 50% and 90% (bands) of "
            f"{n:,} runs{spread}; dashed lines mark the months of each scenario's events."
        )
        paths = fan_chart(res.series, runs, out / "fan", scenarios=scenarios, events=scenario_events(res.manifest),
                          event_labels=scenario_event_labels(res.manifest))  # fmt: skip
        draw("fan", "Monthly outcomes", caption, paths)

    if {"survival_months", "dissolved", "first_exit_month"} <= set(runs.columns):
        panels = {
            "Alliance not dissolved": an.survival(runs, outcome="survival_months"),
            "No member has left": an.survival(runs, outcome="first_exit_month"),
        }
        caption = (
            "Kaplan–Meier estimates of the share of runs in which the alliance still exists (left) and in which "
            "no member has left yet (right), per scenario, with 95% Greenwood bands; runs are censored at the "
            "horizon."
        )
        draw("survival", "Survival of the alliance", caption, survival_chart(panels, out / "survival"))
        per_state = (tables or {}).get("per_state")
        if len(scenarios) > 1 and per_state is not None and len(per_state) and per_state["member at start"].any():
            caption = (
                "For a slide: the share of runs in which no member has left yet, per scenario (95% band), and "
                "each founding member's chance of leaving within the horizon (95% Wilson interval)."
            )
            title, note = _headline_words(res.manifest, scenarios, (tables or {}).get("headline"))
            draw("headline", "Headline figure", caption, headline_chart(runs, per_state, out / "headline",
                                                                        title=title, note=note))  # fmt: skip
        if per_state is not None and len(per_state):
            caption = (
                "Per state: the chance of leaving the alliance within the horizon and of at least one successful "
                "coup, per scenario, with 95% Wilson intervals; beside each bar, the median date it happens in the "
                "runs where it does. Founding members first, then the other states most concerned."
            )
            draw("per_state", "Per state", caption, per_state_chart(per_state, out / "per_state"))

    # One panel per outcome, for the outcomes whose table (``tables["<kind>_<outcome>"]``) says something: a
    # flat panel (e.g. survival when nothing dissolves) says nothing.
    per_outcome: list[tuple[str, str, str, Callable[[pd.DataFrame], bool], Callable[..., list[Path]], str]] = [
        ("differences", "Differences between scenarios", "compare",
         lambda t: _varies(t.iloc[1:], "difference") or t["sd"].gt(0).any(), difference_chart,
         f"Paired differences from {scenarios[0]} (same seeds, run by run): means with 95% bootstrap intervals."),
        ("sobol", "Sobol indices", "sobol", lambda t: t["ST"].notna().any(), sobol_chart,
         "Sobol indices of each outcome (its mean over replications at each point): first order S1 (the "
         "parameter alone) and total ST (with its interactions), with 95% intervals; base sample "
         f"N = {res.manifest['experiment']['samples']}."),
        ("morris", "Morris screening", "morris", lambda t: t["mu_star"].notna().any(), morris_chart,
         "Morris screening: mu* (mean absolute change of the outcome for a step across a parameter's full "
         "range) against sigma (how much that change depends on the other parameters); dashed: sigma = mu*. "
         "The most influential parameters are named, with 95% intervals of mu*."),
        ("regression", "Regression sensitivity", "regression", lambda t: t["prcc"].notna().any(), regression_chart,
         "Standardised regression coefficients (SRC: standard deviations of the outcome per standard deviation "
         "of the parameter, from a linear fit whose R² each panel gives) and partial rank correlation "
         "coefficients (PRCC: monotone association, the other parameters' ranks removed), with 95% bootstrap "
         "intervals."),
        ("tornado", "One-at-a-time effects", "effects", lambda t: len(t) > 0 and _varies(t, "swing"), tornado_chart,
         "One-at-a-time effects: the mean outcome over the runs at each parameter's lowest and highest value "
         "(or decile), minus the mean over all runs."),
    ]  # fmt: skip
    for name, title, kind, informative, chart, caption in per_outcome:
        found = {o: tables[f"{kind}_{o}"] for o in outcomes if f"{kind}_{o}" in tables}
        if found := {o: t for o, t in found.items() if informative(t)}:
            draw(name, title, caption, chart(found, out / name))

    params = an.varied(res)
    if design == "grid" and len(params) == 2:
        for o in outcomes:
            cells = an.grid_means(runs, o, params[0], params[1]).to_numpy(dtype=float)
            if not (np.isfinite(cells).any() and np.nanmax(cells) > np.nanmin(cells)):
                continue  # a flat map says nothing
            what = label(o, unit=False)
            caption = f"Mean {what.lower()} in each cell of the {params[0]} x {params[1]} grid."
            draw(
                f"grid_{o}", f"{what} over the grid", caption, heatmap(runs, o, params[0], params[1], out / f"grid_{o}")
            )
    return drawn


def plot_folder(folder: str | Path, outcomes: Sequence[str] = an.KEY_OUTCOMES) -> list[Path]:
    """Draw what fits the folder's design into ``DIR/plots/`` (PNG and SVG); returns the files written."""
    return [p for plotted in figures(folder, outcomes) for p in plotted.paths]
