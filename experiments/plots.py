"""Plots of one run, drawn with matplotlib's object API (no global pyplot state) and labelled from the
declared outputs in :mod:`liptako.model.outputs`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from liptako.model.outputs import LABELS

if TYPE_CHECKING:
    from .runner import RunResult

SOURCE_COLOURS = {
    "domestic": "#7f7f7f",
    "FRA": "#1f4e9c",
    "EU": "#3b7dd8",
    "USA": "#7aa6e8",
    "GBR": "#9fbfe9",
    "DEU": "#5d8fcf",
    "UN": "#a0c4ff",
    "RUS": "#c0392b",
    "TUR": "#e67e22",
    "CHN": "#d35400",
    "UAE": "#b9770e",
    "allies": "#27ae60",
}
PNG = {"dpi": 110, "metadata": {"Software": None}}  # no version stamp: same seed, same bytes


def _label(name: str) -> str:
    out = LABELS[name]
    return f"{out.label} ({out.unit})"


def _dates(result: RunResult) -> np.ndarray:
    return np.arange(len(result.timeseries))


def _ticks(ax, result: RunResult) -> None:
    dates = result.timeseries["date"].tolist()
    step = max(1, len(dates) // 8 // 12 * 12) or 12
    idx = list(range(0, len(dates), step))
    ax.set_xticks(idx, [dates[i] for i in idx], rotation=30, ha="right", fontsize=8)
    ax.grid(alpha=0.3)


def plot_membership(result: RunResult, path: Path) -> Path:
    """Members of each bloc over time, with the focal bloc's dissolution (if any) marked."""
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    x = _dates(result)
    for col in [c for c in result.timeseries.columns if c.startswith("members.")]:
        bloc = col.split(".", 1)[1]
        ax.step(x, result.timeseries[col], where="post", lw=2.5 if bloc == result.focal_bloc else 1.3, label=bloc)
    ax.set_ylabel(_label("members"))
    ax.set_title(f"Bloc membership — {result.title}", fontsize=10)
    ax.legend(fontsize=8, ncol=4)
    _ticks(ax, result)
    fig.tight_layout()
    fig.savefig(path, **PNG)
    return path


def plot_legitimacy(result: RunResult, path: Path) -> Path:
    """Legitimacy and coup risk per state, one line each."""
    fig = Figure(figsize=(9, 6.5))
    axes = fig.subplots(2, 1, sharex=True)
    x = _dates(result)
    for variable, ax in zip(("legitimacy", "coup_risk"), axes, strict=True):
        frame = result.series(variable)
        for iso in frame.columns:
            ax.plot(x, frame[iso].to_numpy(), lw=1.2, label=result.state_names[iso])
        ax.set_ylabel(_label(variable), fontsize=9)
        _ticks(ax, result)
    axes[0].legend(fontsize=7, ncol=5, loc="lower left")
    axes[0].set_title(f"Legitimacy and coup risk per state — {result.title}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, **PNG)
    return path


def plot_funding(result: RunResult, path: Path) -> Path:
    """Funding received by source, stacked, for the focal bloc's founding members and for all states."""
    ts = result.timeseries
    sources = sorted(
        {c.split(".")[1] for c in ts.columns if c.startswith("funding.")},
        key=lambda s: (s != "domestic", s == "allies", s),
    )
    focal = _founders(result)
    fig = Figure(figsize=(9, 6.5))
    axes = fig.subplots(2, 1, sharex=True)
    x = _dates(result)
    panels = (
        (axes[0], focal, sources, f"{result.focal_bloc} founding members ({', '.join(focal)})"),
        (
            axes[1],
            list(result.state_names),
            [s for s in sources if s != "domestic"],
            "partners' and allies' money, all states",
        ),
    )
    for ax, isos, shown, title in panels:
        stacks = [sum(ts[f"funding.{src}.{iso}"].to_numpy() for iso in isos) for src in shown]
        ax.stackplot(x, stacks, labels=shown, colors=[SOURCE_COLOURS.get(s, None) for s in shown])
        ax.set_ylabel(_label("funding"), fontsize=9)
        ax.set_title(title, fontsize=9)
        _ticks(ax, result)
    axes[0].legend(fontsize=7, ncol=7, loc="upper right")
    fig.suptitle(f"Funding by source — {result.title}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, **PNG)
    return path


def plot_territory(result: RunResult, path: Path) -> Path:
    """Territory contested per state (coastal states dashed) and internally displaced people."""
    fig = Figure(figsize=(9, 6.5))
    axes = fig.subplots(2, 1, sharex=True)
    x = _dates(result)
    frame = result.series("territory")
    focal = _founders(result)
    for iso in frame.columns:
        axes[0].plot(
            x,
            frame[iso].to_numpy(),
            lw=2.2 if iso in focal else 1.0,
            ls="-" if iso in focal else "--",
            label=result.state_names[iso],
        )
    axes[0].set_ylabel(_label("territory"), fontsize=9)
    axes[0].legend(fontsize=7, ncol=5, loc="upper left")
    displaced = result.series("displaced")
    axes[1].stackplot(
        x,
        [displaced[iso].to_numpy() / 1e6 for iso in displaced.columns],
        labels=[result.state_names[i] for i in displaced.columns],
    )
    axes[1].set_ylabel("Internally displaced (millions)", fontsize=9)
    for ax in axes:
        _ticks(ax, result)
    axes[0].set_title(f"Territory contested and displacement — {result.title}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, **PNG)
    return path


def _founders(result: RunResult) -> list[str]:
    """The focal bloc's members at the start."""
    return list(result.founders) or list(result.state_names)


PLOTS = {
    "membership.png": plot_membership,
    "legitimacy_coup_risk.png": plot_legitimacy,
    "funding.png": plot_funding,
    "territory_displacement.png": plot_territory,
}


def plot_run(result: RunResult, folder: str | Path, map_month: str | None = None) -> list[Path]:
    """Draw every plot of one run into ``folder``, the map at ``map_month`` (default: the last month)."""
    from .maps import plot_map

    folder = Path(folder)
    return [*(draw(result, folder / name) for name, draw in PLOTS.items()),
            plot_map(result, folder / "map.png", map_month)]  # fmt: skip
