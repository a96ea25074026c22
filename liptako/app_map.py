"""The app's map of the region, drawn in the browser as SVG: legitimacy by colour, an outline for each bloc's
members, hatching for territory contested, the countries' names; a click on a country selects it.

It shows what :func:`liptako.experiments.maps.draw_map` shows (the same outlines, colours, outline widths and
hatching thresholds, imported from there), but the browser draws it: the countries' shapes are sent once, and
each month only their colours, hatching and outlines change, so a Step costs milliseconds instead of a
matplotlib redraw, and the labels stay sharp at any screen size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ipyvue
import matplotlib as mpl
import traitlets

from liptako.experiments.figstyle import LEGITIMACY
from liptako.experiments.maps import BLOC_STYLE, BORDER, COAST, EXTENT, LAND, SEA, hatch, outlines
from liptako.model.model import LiptakoModel

SCALE = 20.0  # SVG units per degree
WIDTH, HEIGHT = (EXTENT[1] - EXTENT[0]) * SCALE, (EXTENT[3] - EXTENT[2]) * SCALE
# The hatching patterns, by the hatch string maps.hatch gives for a share of territory contested.
HATCH_PATTERNS = {"/": "hatch-light", "//": "hatch-medium", "////": "hatch-dense"}
HATCH_SPACING = {"hatch-light": 14, "hatch-medium": 8, "hatch-dense": 4.5}
# Where a name would not fit at its country's centre (or the centre is off the map), lon/lat of the label.
LABEL_AT = {"DZA": (2.5, 24.6), "MRT": (-10.5, 20.0), "GHA": (-1.2, 7.6), "TGO": (1.05, 8.9), "BEN": (2.35, 10.6),
            "CIV": (-5.6, 7.6), "GIN": (-10.9, 10.6), "SEN": (-14.6, 14.8), "NGA": (8.0, 9.6)}  # fmt: skip


def xy(lon: float, lat: float) -> tuple[float, float]:
    """A lon/lat point in the map's SVG coordinates (plate carrée, north up)."""
    return round((lon - EXTENT[0]) * SCALE, 1), round((EXTENT[3] - lat) * SCALE, 1)


def svg_path(polygons) -> str:
    """The SVG path data of a country's polygons (lon/lat rings)."""
    parts = []
    for ring in polygons:
        points = [xy(lon, lat) for lon, lat in ring]
        parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
    return " ".join(parts)


def centre(polygons) -> tuple[float, float]:
    """The mean vertex of a country's largest polygon (lon/lat): where its name goes unless LABEL_AT says."""
    largest = max(polygons, key=len)
    return sum(p[0] for p in largest) / len(largest), sum(p[1] for p in largest) / len(largest)


@cache
def shapes(states: tuple[tuple[str, str], ...]) -> tuple[list[dict], list[dict]]:
    """The static geometry, computed once per set of states: the scenario's countries (iso, name, path,
    label position) and the other countries' paths (grey land)."""
    geometry = outlines()
    ours = []
    for iso, name in states:
        polygons = geometry.get(iso)
        if not polygons:
            continue
        x, y = xy(*LABEL_AT.get(iso, centre(polygons)))
        ours.append({"iso": iso, "name": name, "d": svg_path(polygons), "x": x, "y": y})
    others = [{"iso": iso, "d": svg_path(p)} for iso, p in geometry.items() if iso not in dict(states)]
    return ours, others


@dataclass(frozen=True, slots=True)
class MapLook:
    """What the map shows in one month: each state's colour and hatching, and each bloc's outline."""

    fills: dict[str, str]
    hatches: dict[str, str]
    outlines: list[dict]


def map_look(model: LiptakoModel) -> MapLook:
    """The map's colours, hatching and bloc outlines for the model's current month."""
    fills = {s.iso3: mpl.colors.to_hex(LEGITIMACY(s.regime.legitimacy)) for s in model.states}
    hatches = {s.iso3: HATCH_PATTERNS.get(hatch(s.territory), "") for s in model.states}
    ours, _ = shapes(tuple((s.iso3, s.name) for s in model.states))
    path_of = {shape["iso"]: shape["d"] for shape in ours}
    lines = []
    for bloc, (colour, width) in BLOC_STYLE.items():  # widest first, so that the outlines nest
        b = model.blocs.get(bloc)
        if b is not None and not b.dissolved and b.members:
            d = " ".join(path_of[iso] for iso in sorted(b.members) if iso in path_of)
            lines.append({"bloc": bloc, "colour": colour, "width": width * 1.6, "d": d})
    return MapLook(fills, hatches, lines)


TEMPLATE = """
<template>
  <svg :viewBox="'0 0 ' + width + ' ' + height" class="liptako-map-svg" role="img"
       aria-label="Map of the region: click a country to see its state">
    <defs>
      <pattern v-for="(gap, id) in spacing" :key="id" :id="id" patternUnits="userSpaceOnUse"
               :width="gap" :height="gap" patternTransform="rotate(45)">
        <line x1="0" y1="0" x2="0" :y2="gap" stroke="#333" stroke-width="1.3" />
      </pattern>
    </defs>
    <rect x="0" y="0" :width="width" :height="height" :fill="sea" />
    <path v-for="c in others" :key="'o' + c.iso" :d="c.d" :fill="land" :stroke="coast" stroke-width="0.8" />
    <g v-for="c in countries" :key="c.iso" class="liptako-map-country" :data-iso="c.iso" style="cursor: pointer"
       @click="selected = c.iso">
      <title>{{ c.name }}</title>
      <path :d="c.d" :fill="fills[c.iso] || land" :stroke="border" stroke-width="0.9" />
      <path v-if="hatches[c.iso]" :d="c.d" :fill="'url(#' + hatches[c.iso] + ')'" stroke="none" />
    </g>
    <path v-for="o in outlines" :key="'b' + o.bloc" :d="o.d" fill="none" :stroke="o.colour"
          :stroke-width="o.width" stroke-linejoin="round" style="pointer-events: none" />
    <path v-for="c in countries" v-if="c.iso === selected" :key="'s' + c.iso" :d="c.d" fill="none"
          stroke="#000" stroke-width="4" stroke-dasharray="10 5" style="pointer-events: none" />
    <text v-for="c in countries" :key="'t' + c.iso" :x="c.x" :y="c.y" text-anchor="middle"
          dominant-baseline="middle" class="liptako-map-label" @click="selected = c.iso"
          :font-weight="c.iso === selected ? 'bold' : 'normal'">{{ c.name }}</text>
  </svg>
</template>
"""


class RegionMap(ipyvue.VueTemplate):
    """The SVG map widget: ``countries`` and ``others`` are the static shapes, ``fills``, ``hatches`` and
    ``outlines`` the month's look; a click sets ``selected`` to the country's ISO code."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    width = traitlets.Float(WIDTH).tag(sync=True)
    height = traitlets.Float(HEIGHT).tag(sync=True)
    sea = traitlets.Unicode(SEA).tag(sync=True)
    land = traitlets.Unicode(LAND).tag(sync=True)
    coast = traitlets.Unicode(COAST).tag(sync=True)
    border = traitlets.Unicode(BORDER).tag(sync=True)
    spacing = traitlets.Dict(HATCH_SPACING).tag(sync=True)
    countries = traitlets.List().tag(sync=True)
    others = traitlets.List().tag(sync=True)
    fills = traitlets.Dict().tag(sync=True)
    hatches = traitlets.Dict().tag(sync=True)
    outlines = traitlets.List().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)


LEGEND_CSS = """
.liptako-map-svg { width: 100%; height: auto; display: block; border: 1px solid #ccc; }
.liptako-map-label { font-size: 17px; font-family: sans-serif; paint-order: stroke; stroke: white;
                     stroke-width: 4px; stroke-linejoin: round; fill: #111; cursor: pointer; }
.liptako-legend { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: center; font-size: 15px; }
.liptako-legend .swatch { display: inline-block; width: 26px; height: 0; vertical-align: middle; margin-right: 4px; }
.liptako-legend .hatch { display: inline-block; width: 20px; height: 14px; vertical-align: middle;
                         margin-right: 4px; border: 1px solid #555; }
.liptako-legend .scale { display: inline-block; width: 120px; height: 14px; vertical-align: middle;
                         margin: 0 4px; border: 1px solid #555; }
"""


def legend_html(model: LiptakoModel) -> str:
    """The map's legend as HTML: the legitimacy scale, each bloc's outline, the hatching of territory contested."""
    stops = ", ".join(mpl.colors.to_hex(LEGITIMACY(v / 4)) for v in range(5))
    items = [f'<span>legitimacy 0<span class="scale" style="background: linear-gradient(to right, {stops})">'
             "</span>1</span>"]  # fmt: skip
    for bloc, (colour, width) in BLOC_STYLE.items():
        if bloc in model.blocs and not model.blocs[bloc].dissolved:
            items.append(f'<span><span class="swatch" style="border-top: {width + 1:.0f}px solid {colour}"></span>'
                         f"{bloc} members</span>")  # fmt: skip
    for mark, share in (("/", "5-20%"), ("//", "20-40%"), ("////", "over 40%")):
        gap = HATCH_SPACING[HATCH_PATTERNS[mark]] / 1.5
        stripes = f"repeating-linear-gradient(45deg, #333 0 1px, white 1px {gap:.1f}px)"
        items.append(f'<span><span class="hatch" style="background: {stripes}"></span>{share} contested</span>')
    return '<div class="liptako-legend">' + "".join(items) + "</div>"


__all__ = ["LEGEND_CSS", "MapLook", "RegionMap", "legend_html", "map_look", "shapes"]
