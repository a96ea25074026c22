"""The charts of the one story the app steps through: the blocs' members, the founding members' legitimacy and
coup risk, and their funding by source, month by month.

They are small SVG drawings written here as text (a few lines, steps or stacked areas on axes with round
ticks), which the browser draws: a Step costs a millisecond of Python instead of a matplotlib redraw, and the
charts stay sharp on a projector at any size. The colours and labels are the report's (``figstyle``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
from matplotlib.ticker import MaxNLocator

from liptako.experiments.figstyle import BLOC_COLOURS, SCENARIO_COLOURS, SOURCE_COLOURS, label
from liptako.model.model import LiptakoModel

W, H = 520, 320  # the chart's SVG units (it scales to its box); its text is large, to be read when shrunk
LEFT, RIGHT, BOTTOM = 52, 12, 34  # the plot area's margins: ticks on the left, years below
TOP = {True: 64, False: 40}  # above it, the title and (when a curve has a name) the legend


@dataclass(frozen=True, slots=True)
class Curve:
    """One curve of a chart: its name in the legend, colour and values (one per month); with ``low`` and
    ``high`` too, a band drawn under the curve (a fan's central 80%)."""

    name: str
    colour: str
    values: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None


def ticks(low: float, high: float, integer: bool = False) -> list[float]:
    """Round tick values from ``low`` up to the first round value at or above ``high`` (matplotlib's locator,
    without a figure); whole numbers only if ``integer``."""
    values = [float(v) for v in MaxNLocator(4, integer=integer).tick_values(low, high) if v >= low - 1e-9]
    above = [v for v in values if v >= high - 1e-9]
    return [v for v in values if v <= above[0] + 1e-9] if above else values


def chart_svg(title: str, start: int, curves: Sequence[Curve], kind: str = "line",
              y_range: tuple[float, float] | None = None, months: int = 12,
              mark: int | None = None) -> str:  # fmt: skip
    """An SVG chart of monthly curves from month ``start`` (months since year 0): ``kind`` is "line", "step"
    (a count that changes in steps) or "stack" (stacked areas); the x axis spans at least ``months``; ``mark``
    draws a dashed line at that month."""
    n = len(curves[0].values) if curves else 0
    span = max(months, n - 1, 1)
    stacked = np.cumsum([c.values for c in curves], axis=0) if kind == "stack" and curves else None
    top_values = stacked[-1] if stacked is not None else np.concatenate(
        [v for c in curves for v in (c.values, c.high) if v is not None] or [[0.0]])  # fmt: skip
    low, high = y_range or (0.0, float(np.nanmax(top_values)) if np.isfinite(top_values).any() else 1.0)
    high = high if high > low else low + 1
    y_ticks = ticks(low, high, integer=kind == "step")
    top = TOP[any(c.name for c in curves)]
    high = y_ticks[-1] if y_ticks else high

    def px(t):
        return LEFT + (W - LEFT - RIGHT) * np.asarray(t) / span

    def py(v):
        return H - BOTTOM - (H - top - BOTTOM) * (np.asarray(v) - low) / (high - low)

    out = [f'<svg viewBox="0 0 {W} {H}" class="liptako-chart" role="img" aria-label="{escape(title)}">',
           f'<text x="{W / 2}" y="22" text-anchor="middle" class="title">{escape(title)}</text>']  # fmt: skip
    x_legend = LEFT
    for c in (c for c in curves if c.name):  # the legend, one row under the title
        out.append(f'<rect x="{x_legend}" y="36" width="16" height="12" fill="{c.colour}"/>')
        out.append(f'<text x="{x_legend + 20}" y="48" class="legend">{escape(c.name)}</text>')
        x_legend += 34 + sum(11.5 if ch.isupper() else 8.8 for ch in c.name)
    for v in y_ticks:
        y = py(v)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 5}" y="{y + 5:.1f}" text-anchor="end" class="tick">{v:g}</text>')
    every = 1 if span <= 60 else 2  # years between labels
    for t in range(0, span + 1):
        if (start + t) % (12 * every) == 0:  # a January: mark the year
            x = px(t)
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{H - BOTTOM}" class="grid"/>')
            out.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 22}" text-anchor="middle" class="tick">'
                       f"{(start + t) // 12}</text>")  # fmt: skip
    out.append(f'<rect x="{LEFT}" y="{top}" width="{W - LEFT - RIGHT}" height="{H - top - BOTTOM}" class="frame"/>')
    x = px(np.arange(n))
    for k, c in enumerate(curves):
        if n == 0:
            break
        if kind == "stack":
            upper = stacked[k]
            lower = stacked[k - 1] if k else np.zeros(n)
            out.append(f'<polygon points="{area(x, py(upper), py(lower))}" fill="{c.colour}" stroke="none"/>')
            continue
        if c.low is not None and c.high is not None:
            xs, lows = stepped(kind, x, py(c.low))
            _, highs = stepped(kind, x, py(c.high))
            out.append(f'<polygon points="{area(xs, highs, lows)}" fill="{c.colour}" fill-opacity="0.25"/>')
        xs, ys = stepped(kind, x, py(c.values))
        out.append(f'<polyline points="{points(xs, ys)}" fill="none" stroke="{c.colour}" stroke-width="2.2"/>')
    if mark is not None and 0 <= mark <= span:
        out.append(f'<line x1="{px(mark):.1f}" x2="{px(mark):.1f}" y1="{top}" y2="{H - BOTTOM}" class="mark"/>')
    out.append("</svg>")
    return "".join(out)


def points(xs: np.ndarray, ys: np.ndarray) -> str:
    """SVG points "x,y x,y ..." of a curve."""
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))


def area(xs: np.ndarray, upper: np.ndarray, lower: np.ndarray) -> str:
    """SVG points of the area between two curves (along the upper one, back along the lower)."""
    return points(np.concatenate([xs, xs[::-1]]), np.concatenate([upper, lower[::-1]]))


def stepped(kind: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points of a curve: as they are, or (``kind`` "step") each value held until the next month."""
    if kind != "step" or len(x) < 2:
        return x, y
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]


CHART_CSS = """
.liptako-chart { width: 100%; height: auto; display: block; font-family: sans-serif; }
.liptako-chart .title { font-size: 20px; font-weight: bold; }
.liptako-chart .legend { font-size: 16px; }
.liptako-chart .tick { font-size: 16px; fill: #333; }
.liptako-chart .grid { stroke: #ddd; stroke-width: 1; }
.liptako-chart .frame { fill: none; stroke: #999; stroke-width: 1; }
.liptako-chart .mark { stroke: #333; stroke-width: 1.5; stroke-dasharray: 6 4; }
"""


def story_charts(model: LiptakoModel) -> list[str]:
    """The four charts of the run so far, as SVG text: members of each bloc, the founders' legitimacy, their
    coup risk, and their funding by source."""
    frame = model.timeseries()
    start = model.spec.start
    founders = sorted(model.spec.blocs[model.spec.scenario.focal_bloc].members)
    names = {iso: model.state_by_id[iso].name for iso in founders}
    colours = dict(zip(founders, SCENARIO_COLOURS, strict=False))

    def col(name: str) -> np.ndarray:
        return frame[name].to_numpy(dtype=float) if len(frame) else np.zeros(0)

    members = [Curve(bloc, BLOC_COLOURS.get(bloc, "#555"), col(f"members.{bloc}")) for bloc in model.blocs]
    legitimacy = [Curve(names[iso], colours[iso], col(f"legitimacy.{iso}")) for iso in founders]
    risk = [Curve(names[iso], colours[iso], col(f"coup_risk.{iso}") * 100) for iso in founders]
    funding = [Curve(src, SOURCE_COLOURS.get(src, "#999"), sum(col(f"funding.{src}.{iso}") for iso in founders))
               for src in model.funding_sources]  # fmt: skip
    funding = [c for c in funding if len(c.values) and c.values.max() > 0] or funding
    return [
        chart_svg("Members of each bloc (states)", start, members, "step"),
        chart_svg(label("legitimacy"), start, legitimacy, y_range=(0.0, 1.0)),
        chart_svg("Coup risk (% per month)", start, risk),
        chart_svg("Founders' funding by source (USD M per month)", start, funding, "stack"),
    ]


__all__ = ["CHART_CSS", "Curve", "chart_svg", "story_charts"]
