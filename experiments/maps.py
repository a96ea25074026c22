"""The map of the region: legitimacy by colour, an outline for each bloc's members, hatching for territory
contested, the month in the title. Drawn from the Natural Earth outlines shipped in ``liptako/data``.

:func:`draw_map` draws one month's state of the world onto a matplotlib Axes (the app uses it live);
:func:`plot_map` writes the map of a finished run at a chosen month (``liptako run`` writes ``map.png``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from liptako.model.geography import COUNTRIES, outlines_path

from .figstyle import (
    BLOC_COLOURS,
    LEGITIMACY,
    SMALL,
    TITLE,
    Run,
    blocs_recorded,
    dates,
    label,
    membership,
    panel_grid,
    write_png,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Each bloc's outline: its colour and line width; wider lines are drawn first so they nest.
OUTLINE_WIDTHS = {"AES": 3.2, "ECOWAS": 2.2, "G5S": 1.5, "ACCRA": 0.9}
BLOC_STYLE = {bloc: (BLOC_COLOURS[bloc], width) for bloc, width in OUTLINE_WIDTHS.items()}
EXTENT = (-18.5, 24.5, 3.5, 26.0)  # lon, lat box: the Sahel and the Gulf of Guinea
SEA, LAND, COAST, BORDER = "#dbe9f4", "#eeeeee", "#bbbbbb", "#555555"  # others' land and coasts; states' borders


@dataclass(frozen=True, slots=True)
class StateView:
    """What the map shows of one state in one month."""

    name: str
    legitimacy: float
    territory: float


@cache
def outlines() -> dict[str, list[list[tuple[float, float]]]]:
    """Each country's polygons (outer rings, lon/lat) from the bundled GeoJSON."""
    with outlines_path().open() as f:
        data = json.load(f)
    shapes: dict[str, list] = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        shapes[feature["properties"]["iso3"]] = [[tuple(pt) for pt in poly[0]] for poly in polygons]
    return shapes


def hatch(territory: float) -> str:
    """Denser hatching for more territory contested."""
    if territory < 0.05:
        return ""
    if territory < 0.2:
        return "/"
    if territory < 0.4:
        return "//"
    return "////"


def draw_map(ax: Axes, states: Mapping[str, StateView], blocs: Mapping[str, set[str]], title: str) -> None:
    """Draw the region: scenario states coloured by legitimacy and hatched by territory contested, other
    countries grey, each bloc's members outlined, and a legend."""
    shapes = outlines()
    ax.set_facecolor(SEA)
    others = [poly for iso, polys in shapes.items() if iso not in states for poly in polys]
    ax.add_collection(PolyCollection(others, facecolor=LAND, edgecolor=COAST, linewidth=0.5))
    for iso, view in states.items():
        for poly in shapes.get(iso, ()):
            ax.add_collection(PolyCollection([poly], facecolor=LEGITIMACY(view.legitimacy), edgecolor=BORDER,
                                             linewidth=0.5, hatch=hatch(view.territory)))  # fmt: skip
    for bloc, (colour, width) in BLOC_STYLE.items():
        members = blocs.get(bloc, set())
        polys = [poly for iso in sorted(members) for poly in shapes.get(iso, ())]
        if polys:
            ax.add_collection(PolyCollection(polys, facecolor="none", edgecolor=colour, linewidth=width))
    for iso, view in states.items():
        c = COUNTRIES[iso]
        ax.annotate(view.name, (c.lon, c.lat), fontsize=SMALL, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})  # fmt: skip
    ax.set_xlim(EXTENT[0], EXTENT[1])
    ax.set_ylim(EXTENT[2], EXTENT[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=TITLE)
    handles = [Line2D([], [], color=colour, lw=width, label=bloc) for bloc, (colour, width) in BLOC_STYLE.items()
               if blocs.get(bloc)]  # fmt: skip
    handles += [Patch(facecolor="white", edgecolor=BORDER, hatch=h, label=f"territory contested {share}")
                for h, share in (("/", "5-20%"), ("//", "20-40%"), ("////", "over 40%"))]  # fmt: skip
    ax.legend(handles=handles, loc="lower left", fontsize=6.5, framealpha=0.85)
    sm = mpl.cm.ScalarMappable(cmap=LEGITIMACY, norm=mpl.colors.Normalize(0, 1))
    ax.figure.colorbar(sm, ax=ax, fraction=0.03, pad=0.01, label=label("legitimacy"))


def views_at(result: Run, row: int) -> tuple[dict[str, StateView], dict[str, set[str]]]:
    """The states' views and the blocs' members in one row (month) of a run's series."""
    legitimacy, territory = (result.series(v).iloc[row] for v in ("legitimacy", "territory"))
    states = {iso: StateView(name, float(legitimacy[iso]), float(territory[iso]))
              for iso, name in result.state_names.items()}  # fmt: skip
    blocs: dict[str, set[str]] = {}
    for bloc in blocs_recorded(result.timeseries.columns):
        flags = membership(result, bloc).iloc[row]
        if members := {iso for iso in result.state_names if flags[iso]}:
            blocs[bloc] = members
    return states, blocs


def plot_map(result: Run, path: str | Path, month: str | None = None) -> Path:
    """Write the map of a run at ``month`` ("YYYY-MM", default: the last month) to a PNG file."""
    months = dates(result)
    if month is None:
        month = months[-1]
    if month not in months:
        raise ValueError(f"month {month} is outside the run ({months[0]} to {months[-1]})")
    states, blocs = views_at(result, months.index(month))
    fig, (ax,) = panel_grid(1, 1, 9, 5.6, layout="tight")
    draw_map(ax, states, blocs, f"{result.title} — {month}")
    return write_png(fig, path)
