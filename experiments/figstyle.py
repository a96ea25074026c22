"""What every Liptako figure shares: the colours (partners and funding sources, blocs, scenarios, legitimacy),
the font sizes, the PNG and SVG save options, labels from the declared outputs, and the helpers that lay out
panels, label the month axis and find what a run recorded.

The figure modules draw on it: :mod:`.plots` (one run), :mod:`.maps` (the region map) and :mod:`.explots`
(an experiment's results folder); the app takes its colours here. Drawn with matplotlib's object API only.

Run plots read a run through :class:`Run`, the part of :class:`~liptako.experiments.runner.RunResult` they
use, so nothing here (or in the figure modules) imports the runner.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from liptako.model.outputs import FUNDING, LABELS, Output, column
from liptako.model.scenario import BLOCS, PARTNERS

# --- colours --------------------------------------------------------------------------------------------------
BLUE, RED, GREEN, ORANGE = "#1f4e9c", "#c0392b", "#27ae60", "#e67e22"
PURPLE, TEAL, GREY, PUMPKIN, NAVY = "#8e44ad", "#16a085", "#7f8c8d", "#d35400", "#2c3e50"

# Funding sources: Western partners in blues, non-Western ones in reds and oranges, allies green.
SOURCE_COLOURS = {
    "domestic": "#7f7f7f",
    "FRA": BLUE,
    "EU": "#3b7dd8",
    "USA": "#7aa6e8",
    "GBR": "#9fbfe9",
    "DEU": "#5d8fcf",
    "UN": "#a0c4ff",
    "RUS": RED,
    "TUR": ORANGE,
    "CHN": PUMPKIN,
    "UAE": "#b9770e",
    "allies": GREEN,
}
# Every source a run may record: the state's own money, each partner, allies' money sent with deployments.
SOURCES = ("domestic", *PARTNERS, "allies")
BLOC_COLOURS = {"AES": "#8e0000", "ECOWAS": BLUE, "G5S": ORANGE, "ACCRA": TEAL}
SCENARIO_COLOURS = (BLUE, RED, GREEN, ORANGE, PURPLE, TEAL, GREY, PUMPKIN, NAVY)  # in the order given
LEGITIMACY = mpl.colormaps["RdYlGn"]  # 0 (red) to 1 (green)


def colour(i: int) -> str:
    """The colour of the ``i``-th scenario (or curve) of a figure."""
    return SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]


# --- text -----------------------------------------------------------------------------------------------------
TITLE = 10  # font sizes: a figure's title,
PANEL = 9  # a panel's title,
LABEL = 8  # axis labels,
SMALL = 7  # ticks and legends,
TINY = 6  # annotations
GRID_ALPHA = 0.3


def label(name: str, unit: bool = True, outputs: Mapping[str, Output] = LABELS) -> str:
    """A declared output's label, with its unit unless ``unit`` is false (``outputs``: e.g. SWEEP_LABELS for an
    experiment's monthly series); a name not declared stays as it is."""
    out = outputs.get(name)
    if out is None:
        return name
    return f"{out.label} ({out.unit})" if unit else out.label


def unit_of(name: str, outputs: Mapping[str, Output] = LABELS) -> str:
    """A declared output's unit ("" for a name not declared)."""
    out = outputs.get(name)
    return out.unit if out else ""


# --- figures and axes -----------------------------------------------------------------------------------------
def panel_grid(
    n: int, ncols: int, width: float, height: float, *, layout: str = "constrained", sharex: bool = False
) -> tuple[Figure, list[Axes]]:
    """A figure with ``n`` panels of ``width`` x ``height`` inches in rows of at most ``ncols`` (two by two
    for four); unused cells are hidden."""
    ncols = 2 if n == 4 else max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(width * ncols, height * nrows), layout=layout)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False, sharex=sharex)).ravel().tolist()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def tidy(ax: Axes, axis: str = "both") -> None:
    """Small tick labels and a light grid, on one axis ("x", "y") or both."""
    ax.tick_params(axis=axis, labelsize=SMALL)
    ax.grid(alpha=GRID_ALPHA, axis=axis)


def month_ticks(ax: Axes, dates: Sequence[str], fontsize: float = SMALL, fit: bool = True) -> None:
    """Label a month axis (x = 0, 1, ... for ``dates``, "YYYY-MM") with dates: at most eight ticks, on
    months, quarters, half years or whole years; ``fit``: the axis spans the months exactly (no margins)."""
    n = len(dates)
    step = next((s for s in (1, 3, 6, 12, 24, 36, 60) if n / s <= 8), 12 * math.ceil(n / 96))
    idx = list(range(0, n, step))
    ax.set_xticks(idx, [dates[i] for i in idx], rotation=30, ha="right", fontsize=fontsize)
    if fit:
        ax.set_xlim(0, max(n - 1, 1))


# --- saving ---------------------------------------------------------------------------------------------------
# No version or date stamps: the same seed (or results folder) gives the same bytes.
PNG = {"format": "png", "dpi": 110, "metadata": {"Software": None}}
SVG = {"format": "svg", "metadata": {"Date": None}}
FORMATS = {"png": PNG, "svg": SVG}
# SVG element ids are salted with a random uuid unless a salt is set: fix it for reproducible files.
SVG_RC = {"svg.hashsalt": "liptako", "svg.fonttype": "path"}


def image(fig: Figure, fmt: str = "png") -> bytes:
    """``fig`` as a PNG or SVG file's bytes, reproducibly."""
    buffer = io.BytesIO()
    with mpl.rc_context(SVG_RC):
        fig.savefig(buffer, **FORMATS[fmt])
    return buffer.getvalue()


def write_png(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as a PNG file; returns its path."""
    path = Path(path)
    path.write_bytes(image(fig, "png"))
    return path


# --- what a run recorded --------------------------------------------------------------------------------------
class Run(Protocol):
    """What the run plots read of a :class:`~liptako.experiments.runner.RunResult`."""

    @property
    def title(self) -> str: ...
    @property
    def focal_bloc(self) -> str: ...
    @property
    def founders(self) -> list[str]: ...
    @property
    def state_names(self) -> dict[str, str]: ...
    @property
    def timeseries(self) -> pd.DataFrame: ...
    def series(self, variable: str) -> pd.DataFrame: ...


def dates(run: Run) -> list[str]:
    """The run's months, "YYYY-MM"."""
    return run.timeseries["date"].tolist()


def funding_sources(columns: Iterable[str], state_names: Iterable[str]) -> list[str]:
    """The funding sources recorded for any of the states (``columns``: a run's table's), domestic first,
    partners A to Z, allies last."""
    present = set(columns)
    found = {s for s in SOURCES for iso in state_names if column(FUNDING.name, s, iso) in present}
    return sorted(found, key=lambda s: (s != "domestic", s == "allies", s))


def blocs_recorded(columns: Iterable[str]) -> list[str]:
    """The blocs whose members a run's table (``columns``) counts, A to Z."""
    present = set(columns)
    return sorted(b for b in BLOCS if column("members", b) in present)


def membership(run: Run, bloc: str) -> pd.DataFrame:
    """Whether each state is a member of ``bloc`` (0/1), indexed by date, one column per state."""
    return run.series(column("member", bloc))  # the columns "member.<BLOC>.<ISO>"
