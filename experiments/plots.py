"""Plots of one run, drawn with matplotlib's object API (no global pyplot state) and labelled from the
declared outputs in :mod:`liptako.model.outputs`; colours, sizes and save options come from :mod:`.figstyle`.

The plots read a run through :class:`~.figstyle.Run` (a :class:`~liptako.experiments.runner.RunResult`), so
this module does not import the runner, which imports it only when it plots.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from liptako.model.outputs import FUNDING, column

from .figstyle import (
    BLOC_COLOURS,
    GRID_ALPHA,
    LABEL,
    PANEL,
    SMALL,
    SOURCE_COLOURS,
    TITLE,
    Run,
    blocs_recorded,
    dates,
    funding_sources,
    label,
    month_ticks,
    panel_grid,
    write_png,
)
from .maps import plot_map


def _figure(result: Run, n: int, width: float, height: float) -> tuple[Figure, list[Axes], np.ndarray]:
    """A figure of ``n`` panels stacked over the run's months, and the months' x positions (0, 1, ...)."""
    fig, axes = panel_grid(n, 1, width, height, layout="tight", sharex=True)
    return fig, axes, np.arange(len(result.timeseries))


def _finish(result: Run, fig: Figure, axes: Sequence[Axes], path: Path) -> Path:
    """Dates on the month axes and a light grid (the run plots are large: ticks keep their size), then the
    PNG file."""
    for ax in axes:
        month_ticks(ax, dates(result), fontsize=LABEL, fit=False)  # margins: the last month shows
        ax.grid(alpha=GRID_ALPHA)
    return write_png(fig, path)


def _per_state(ax: Axes, result: Run, variable: str, x: np.ndarray, style: Callable[[str], dict] | None = None,
               **line) -> None:  # fmt: skip
    """One line per state of a per-state series, labelled with the state's name; ``line``: the lines' style,
    ``style``: a state's (by ISO code)."""
    frame = result.series(variable)
    for iso in frame.columns:
        ax.plot(x, frame[iso].to_numpy(), label=result.state_names[iso], **line, **(style(iso) if style else {}))


def _founders(result: Run) -> list[str]:
    """The focal bloc's members at the start."""
    return list(result.founders) or list(result.state_names)


def plot_membership(result: Run, path: Path) -> Path:
    """Members of each bloc over time, the focal bloc's line the widest."""
    fig, (ax,), x = _figure(result, 1, 8, 4.2)
    for bloc in blocs_recorded(result.timeseries.columns):
        ax.step(x, result.timeseries[column("members", bloc)], where="post", color=BLOC_COLOURS.get(bloc),
                lw=2.5 if bloc == result.focal_bloc else 1.3, label=bloc)  # fmt: skip
    ax.set_ylabel(label("members"))
    ax.set_title(f"Bloc membership — {result.title}", fontsize=TITLE)
    ax.legend(fontsize=LABEL, ncol=4)
    return _finish(result, fig, [ax], path)


def plot_legitimacy(result: Run, path: Path) -> Path:
    """Legitimacy and coup risk per state, one line each."""
    fig, axes, x = _figure(result, 2, 9, 3.25)
    for variable, ax in zip(("legitimacy", "coup_risk"), axes, strict=True):
        _per_state(ax, result, variable, x, lw=1.2)
        ax.set_ylabel(label(variable), fontsize=PANEL)
    axes[0].legend(fontsize=SMALL, ncol=5, loc="lower left")
    axes[0].set_title(f"Legitimacy and coup risk per state — {result.title}", fontsize=TITLE)
    return _finish(result, fig, axes, path)


def plot_funding(result: Run, path: Path) -> Path:
    """Funding received by source, stacked, for the focal bloc's founding members and for all states."""
    sources = funding_sources(result.timeseries.columns, result.state_names)
    focal = _founders(result)
    fig, axes, x = _figure(result, 2, 9, 3.25)
    panels = (
        (axes[0], focal, sources, f"{result.focal_bloc} founding members ({', '.join(focal)})"),
        (axes[1], list(result.state_names), [s for s in sources if s != "domestic"],
         "partners' and allies' money, all states"),
    )  # fmt: skip
    for ax, isos, shown, title in panels:
        # per source, the states' money: the series "funding.<SOURCE>.<ISO>", one column per state
        stacks = [result.series(column(FUNDING.name, src))[isos].sum(axis=1).to_numpy() for src in shown]
        ax.stackplot(x, stacks, labels=shown, colors=[SOURCE_COLOURS.get(s) for s in shown])
        ax.set_ylabel(label(FUNDING.name), fontsize=PANEL)
        ax.set_title(title, fontsize=PANEL)
    axes[0].legend(fontsize=SMALL, ncol=7, loc="upper right")
    fig.suptitle(f"Funding by source — {result.title}", fontsize=TITLE)
    return _finish(result, fig, axes, path)


def plot_territory(result: Run, path: Path) -> Path:
    """Territory contested per state (coastal states dashed) and internally displaced people."""
    fig, axes, x = _figure(result, 2, 9, 3.25)
    focal = _founders(result)
    _per_state(axes[0], result, "territory", x,
               lambda iso: {"lw": 2.2, "ls": "-"} if iso in focal else {"lw": 1.0, "ls": "--"})  # fmt: skip
    axes[0].set_ylabel(label("territory"), fontsize=PANEL)
    axes[0].legend(fontsize=SMALL, ncol=5, loc="upper left")
    displaced = result.series("displaced")
    axes[1].stackplot(x, [displaced[iso].to_numpy() / 1e6 for iso in displaced.columns],
                      labels=[result.state_names[i] for i in displaced.columns])  # fmt: skip
    axes[1].set_ylabel("Internally displaced (millions)", fontsize=PANEL)
    axes[0].set_title(f"Territory contested and displacement — {result.title}", fontsize=TITLE)
    return _finish(result, fig, axes, path)


PLOTS = {
    "membership.png": plot_membership,
    "legitimacy_coup_risk.png": plot_legitimacy,
    "funding.png": plot_funding,
    "territory_displacement.png": plot_territory,
}


def plot_run(result: Run, folder: str | Path, map_month: str | None = None) -> list[Path]:
    """Draw every plot of one run into ``folder``, the map at ``map_month`` (default: the last month)."""
    folder = Path(folder)
    return [*(draw(result, folder / name) for name, draw in PLOTS.items()),
            plot_map(result, folder / "map.png", map_month)]  # fmt: skip
