"""Scenario discovery: the regions of parameter space in which an outcome of interest happens, found by PRIM
(the Patient Rule Induction Method, Friedman & Fisher 1999, as used for scenario discovery by Bryant & Lempert
2010, https://doi.org/10.1016/j.techfore.2009.08.002) from EMA Workbench, over a sweep's results folder.

``liptako discover DIR --outcome "first_exit_month <= 60"`` marks every run as of interest or not, hands the
varied parameters and that mark to :class:`ema_workbench.analysis.prim.Prim`, and reads back:

- the **peeling trajectory**: PRIM starts from the box holding every run and repeatedly peels off a thin
  slice (5% of the runs) along the parameter whose removal raises the share of runs of interest most; each
  step is a smaller, purer box. Each box has a *coverage* (the share of all runs of interest that fall in it),
  a *density* (the share of the runs in it that are of interest) and a *mass* (the share of all runs in it);
- the **chosen box**: along the trajectory density rises and coverage falls; the densest box that still covers
  ``min_coverage`` of the runs of interest (default one half) is chosen, unless ``box`` names a step;
- its **restricted parameters**: those whose range the box narrows, with the box's range, the design's range and
  EMA's quasi-p-value of each limit (a one-sided binomial test of whether the limit raises the density, Bryant &
  Lempert 2010; below 0.05 the limit is unlikely to be chance).

The outcome is a small expression, parsed here without ``eval``: ``NAME OP NUMBER`` (``<``, ``<=``, ``>``,
``>=``, ``==``, ``!=``) or ``NAME is missing`` / ``NAME is not missing``, joined by ``and`` and ``or`` (``and``
binds first). A **missing value satisfies no comparison**, not even ``!=``: a run in which no member left has
no ``first_exit_month`` (NaN), so it is not of interest for ``first_exit_month <= 60`` nor for
``first_exit_month > 60``; ask for it with ``first_exit_month is missing``.

EMA Workbench is an optional extra (``uv sync --extra discover``, or ``pip install 'liptako[discover]'``),
imported only when discovery runs. The results go to ``DIR/discovery/``: ``discovery.json`` (everything
below), ``trajectory.csv`` and ``prim.png``/``.svg``; ``liptako report DIR`` then adds a section.
"""

from __future__ import annotations

import base64
import difflib
import html
import json
import math
import operator
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from liptako.model.errors import InputError
from liptako.model.outputs import LABELS

from . import analysis as an
from .store import atomic_write_bytes, atomic_write_json, load_manifest

SUBFOLDER = "discovery"
DOCUMENT = "discovery.json"
TRAJECTORY = "trajectory.csv"
FIGURE = "prim"
INSTALL = "install it with `uv sync --extra discover` (or `pip install 'liptako[discover]'`)"
# PRIM's settings (EMA Workbench's defaults): the share of the box's runs peeled off per step, pasted back per
# step, and the smallest box (as a share of all runs) the peeling may reach.
PEEL_ALPHA = 0.05
PASTE_ALPHA = 0.05
MASS_MIN = 0.05
MIN_COVERAGE = 0.5
QP_LIMIT = 0.05  # a box limit whose quasi-p-value is above this could be chance (Bryant & Lempert 2010)
MAX_BOXES = 5

# --- the outcome expression -----------------------------------------------------------------------------------
COMPARISONS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
ALLOWED = (
    "write NAME OP NUMBER with OP one of < <= > >= == != (or NAME is missing, NAME is not missing), joined by "
    'and / or, e.g. "first_exit_month <= 60" or "members_end < 3 or coup_successes >= 2"'
)
_TOKEN = re.compile(r"\s*(?:(?P<op><=|>=|==|!=|<|>)|(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*))")  # fmt: skip
_KEYWORDS = {"and", "or", "is", "not", "missing"}


@dataclass(frozen=True)
class Condition:
    """One comparison of a run's column: ``column op value``, or (``op`` "missing") whether it is missing."""

    column: str
    op: str
    value: float = math.nan
    negated: bool = False  # "is not missing"

    def holds(self, runs: pd.DataFrame) -> np.ndarray:
        """Which runs satisfy it; a missing value satisfies no comparison (NaN is not <= 60, nor != 60)."""
        values = runs[self.column].to_numpy(dtype=float)
        missing = np.isnan(values)
        if self.op == "missing":
            return ~missing if self.negated else missing
        with np.errstate(invalid="ignore"):
            return COMPARISONS[self.op](values, self.value) & ~missing

    def __str__(self) -> str:
        if self.op == "missing":
            return f"{self.column} is {'not ' if self.negated else ''}missing"
        return f"{self.column} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Outcome:
    """A parsed outcome expression: an ``or`` of ``and`` groups of conditions."""

    text: str
    groups: tuple[tuple[Condition, ...], ...]

    @property
    def columns(self) -> list[str]:
        return list(dict.fromkeys(c.column for group in self.groups for c in group))

    def holds(self, runs: pd.DataFrame) -> np.ndarray:
        """Which runs are of interest."""
        out = np.zeros(len(runs), dtype=bool)
        for group in self.groups:
            inside = np.ones(len(runs), dtype=bool)
            for condition in group:
                inside &= condition.holds(runs)
            out |= inside
        return out

    def __str__(self) -> str:
        return " or ".join(" and ".join(str(c) for c in group) for group in self.groups)


def _bad(text: str, problem: str) -> InputError:
    return InputError("--outcome", None, f"{problem} in {text!r}; {ALLOWED}")


def _tokens(text: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text):
        if text[i:].strip() == "":
            break
        match = _TOKEN.match(text, i)
        if match is None or match.end() == i:
            raise _bad(text, f"unexpected {text[i:].strip()[:12]!r}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "name" and value.lower() in _KEYWORDS:
            kind, value = "keyword", value.lower()
        out.append((kind, value))
        i = match.end()
    return out


def parse_outcome(text: str, columns: Sequence[str] | None = None, parameters: Sequence[str] = ()) -> Outcome:
    """Parse an outcome expression (see the module docstring), checking its names against ``columns`` (the
    runs' outcome columns; ``parameters`` are refused with their own message). Raises :class:`InputError`
    (one line, naming what is allowed) on anything else."""
    tokens = _tokens(text)
    if not tokens:
        raise _bad(text, "empty outcome")
    groups: list[list[Condition]] = [[]]
    i = 0
    while True:
        if i >= len(tokens) or tokens[i][0] != "name":
            got = f"{tokens[i][1]!r}" if i < len(tokens) else "the end"
            raise _bad(text, f"expected a column name, got {got}")
        name = tokens[i][1]
        if name in parameters:
            raise InputError("--outcome", None, f"{name!r} is a varied parameter, not an outcome of the runs: PRIM "
                             "finds the parameters' ranges itself; name an outcome column")  # fmt: skip
        if columns is not None and name not in columns:
            close = difflib.get_close_matches(name, columns, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError("--outcome", None, f"unknown column {name!r}{hint}; these runs have "
                             f"{_listed(columns)}")  # fmt: skip
        kind, value = tokens[i + 1] if i + 1 < len(tokens) else ("end", "")
        if kind == "op":
            if i + 2 >= len(tokens) or tokens[i + 2][0] != "number":
                got = f"{tokens[i + 2][1]!r}" if i + 2 < len(tokens) else "the end"
                raise _bad(text, f"expected a number after {name} {value}, got {got}")
            groups[-1].append(Condition(name, value, float(tokens[i + 2][1])))
            i += 3
        elif (kind, value) == ("keyword", "is"):
            negated = i + 2 < len(tokens) and tokens[i + 2] == ("keyword", "not")
            j = i + 2 + negated
            if j >= len(tokens) or tokens[j] != ("keyword", "missing"):
                raise _bad(text, f"expected 'missing' or 'not missing' after {name} is")
            groups[-1].append(Condition(name, "missing", negated=negated))
            i = j + 1
        else:
            raise _bad(text, f"expected a comparison after {name}, got {value!r}" if value else
                       f"expected a comparison after {name}")  # fmt: skip
        if i == len(tokens):
            break
        if tokens[i] == ("keyword", "and"):
            i += 1
        elif tokens[i] == ("keyword", "or"):
            groups.append([])
            i += 1
        else:
            raise _bad(text, f"expected 'and', 'or' or the end, got {tokens[i][1]!r}")
    return Outcome(text, tuple(tuple(g) for g in groups))


def _listed(columns: Sequence[str]) -> str:
    """The outcome columns, briefly: the run-wide ones by name, the per-state ones counted with an example."""
    plain = [c for c in columns if "." not in c]
    dotted = [c for c in columns if "." in c]
    text = ", ".join(plain)
    if dotted:
        text += f", and {len(dotted)} per-state columns such as {', '.join(dotted[:2])}"
    return text


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """The runs' numeric outcome columns an expression may name (declared outputs and per-state columns)."""
    return [
        c for c in runs.columns
        if (c in LABELS or "." in c) and c not in an.ID_COLUMNS and pd.api.types.is_numeric_dtype(runs[c])
    ]  # fmt: skip


# --- running PRIM ---------------------------------------------------------------------------------------------
def _prim_module():
    """EMA Workbench's PRIM, imported only here (it takes seconds); a missing extra says how to install it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "ipyparallel not installed", "altair ... not available"
            from ema_workbench.analysis import prim
    except ImportError:
        raise InputError("discover", None, f"scenario discovery needs EMA Workbench, which is not "
                         f"installed: {INSTALL}") from None  # fmt: skip
    return prim


def _ema_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ema-workbench")
    except PackageNotFoundError:
        return "unknown"


def _choose(trajectory: pd.DataFrame, remaining: int, min_coverage: float) -> int:
    """The step to keep: the densest box covering at least ``min_coverage`` of the runs of interest not yet in
    an earlier box (ties: fewer restricted parameters, then more coverage); the whole box if none is denser."""
    t = trajectory.assign(cover=trajectory["k"] / max(remaining, 1))
    ok = t[(t["cover"] >= min_coverage - 1e-12) & (t["res_dim"] > 0)]
    if not len(ok):
        return 0
    best = ok.sort_values(["density", "res_dim", "cover"], ascending=[False, True, False], kind="stable")
    return int(best.index[0])


def _drop_insignificant(result, x: pd.DataFrame) -> list[str]:
    """Drop, one by one, the chosen box's restrictions whose every quasi-p-value is above ``QP_LIMIT``, the
    least significant first; returns their names (EMA appends each wider box to the trajectory)."""
    dropped = []
    while True:
        i = result._cur_box  # the selected step (EMA keeps it there; drop_restriction reads it the same way)
        limits, p_values = result.box_lims[i], result.p_values[i]
        weak = []
        for name in x.columns:
            qps = [q for q in p_values.get(name, []) if q is not None and q >= 0]
            restricted = (limits.loc[0, name], limits.loc[1, name]) != (x[name].min(), x[name].max())
            if restricted and qps and min(qps) > QP_LIMIT:
                weak.append((min(qps), name))
        if not weak or len(weak) == len([n for n in x.columns if n in p_values]):
            return dropped  # nothing to drop, or it would drop every restriction: keep the box as it is
        name = max(weak)[1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result.drop_restriction(name)
        dropped.append(name)


def _qp(value: float) -> float | None:
    return None if value is None or value < 0 or not math.isfinite(value) else float(value)


def discover(
    folder: str | Path,
    outcome: str,
    *,
    scenario: str | None = None,
    boxes: int = 1,
    min_coverage: float = MIN_COVERAGE,
    box: int | None = None,
    drop_insignificant: bool = True,
    write: bool = True,
) -> dict:
    """Run PRIM over a results folder's runs for ``outcome`` (an expression, see the module docstring).

    Returns the discovery document (also written, unless ``write`` is false, to ``DIR/discovery/``): the
    outcome, the counts, PRIM's settings and, per box found (at most ``boxes``, each on the runs the earlier
    ones left), its peeling trajectory, the chosen step (``box``, for the first box, overrides the rule of
    :func:`_choose`) and its restricted parameters' ranges and quasi-p-values. With ``drop_insignificant``
    the chosen box then gives up every restriction whose quasi-p-values are all above ``QP_LIMIT`` (a trim PRIM
    made by chance), one at a time through EMA's ``drop_restriction``, which adds the wider box to the end of
    the trajectory.
    """
    if not 1 <= boxes <= MAX_BOXES:
        raise InputError("--boxes", None, f"{boxes}: give 1 to {MAX_BOXES} boxes")
    if not 0 < min_coverage <= 1:
        raise InputError("--min-coverage", None, f"{min_coverage}: give a share above 0 and at most 1")
    folder = Path(folder)
    res = an.open_results(folder)
    runs = res.runs
    names = res.scenarios
    if scenario is not None and scenario not in names:
        raise InputError("--scenario", None, f"{scenario!r} has no runs here; the folder's scenarios: "
                         f"{', '.join(names)}")  # fmt: skip
    scenario = scenario or names[0]
    runs = runs[runs["scenario"] == scenario].reset_index(drop=True)
    parameters = [p for p in dict.fromkeys([*an.varied(res), *an.monte_carlo_parameters(res)]) if p in runs]
    parsed = parse_outcome(outcome, outcome_columns(runs), parameters)
    if not parameters:
        problem = 'no parameter varies in these runs: scenario discovery needs a sweep (e.g. design = "lhs")'
        raise InputError(str(folder), None, problem)
    y = parsed.holds(runs)
    interest = int(y.sum())
    if interest == 0 or interest == len(y):
        which = "no run" if interest == 0 else "every run"
        raise InputError("--outcome", None, f"{which} of the {len(y):,} satisfies {str(parsed)!r}: PRIM needs "
                         "some runs of interest and some not; change the threshold")  # fmt: skip
    prim = _prim_module()
    x = runs[parameters].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation warnings from inside EMA
        engine = prim.Prim(x, y.astype(int), peel_alpha=PEEL_ALPHA, paste_alpha=PASTE_ALPHA, mass_min=MASS_MIN)
    found, remaining = [], interest
    for b in range(boxes):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas FutureWarnings from inside EMA
            result = engine.find_box()
        if result is None:
            break
        trajectory = result.peeling_trajectory.astype({"n": int, "k": int, "res_dim": int, "id": int})
        if b == 0 and box is not None:
            if not 0 <= box < len(trajectory):
                raise InputError("--box", None, f"{box}: the peeling trajectory has steps 0 to {len(trajectory) - 1}")
            step = box
        else:
            step = _choose(trajectory, remaining, min_coverage)
        if step == 0:
            break  # no box denser than what is left: stop here
        result.select(step)
        dropped = _drop_insignificant(result, x) if drop_insignificant else []
        if dropped:
            trajectory = result.peeling_trajectory.astype({"n": int, "k": int, "res_dim": int, "id": int})
            step = len(trajectory) - 1
        found.append(_describe_box(result, trajectory, step, x, remaining) | {"dropped": dropped})
        remaining -= int(trajectory.loc[step, "k"])
        if remaining <= 0:
            break
    missing = {c: int(runs[c].isna().sum()) for c in parsed.columns if runs[c].isna().any()}
    document = {
        "outcome": str(parsed), "expression": outcome, "scenario": scenario,
        "experiment": res.manifest["experiment"]["name"], "design": res.manifest.get("design"),
        "fingerprint": res.manifest.get("fingerprint"), "runs": len(runs), "of_interest": interest,
        "base_rate": interest / len(runs), "missing": missing, "parameters": parameters,
        "ranges": {p: [float(x[p].min()), float(x[p].max())] for p in parameters},
        "prim": {"implementation": f"ema_workbench.analysis.prim.Prim (EMA Workbench {_ema_version()})",
                 "peel_alpha": PEEL_ALPHA, "paste_alpha": PASTE_ALPHA, "mass_min": MASS_MIN,
                 "objective": "lenient1 (EMA's default)", "min_coverage": min_coverage,
                 "rule": ("the densest box covering at least min_coverage of the runs of interest left"
                          if box is None else f"step {box} chosen by hand")
                 + (f"; then the limits whose quasi-p-values are all above {QP_LIMIT} dropped"
                    if drop_insignificant else ""), "qp_limit": QP_LIMIT if drop_insignificant else None},
        "boxes": found,
    }  # fmt: skip
    if write:
        write_discovery(folder, document)
    return document


def _describe_box(result, trajectory: pd.DataFrame, step: int, x: pd.DataFrame, remaining: int) -> dict:
    """One box: its statistics at the chosen step, its restricted parameters, and its whole trajectory."""
    limits = result.box_lims[step]
    p_values = result.p_values[step]
    restricted = []
    for name in x.columns:
        low, high = float(limits.loc[0, name]), float(limits.loc[1, name])
        full_low, full_high = float(x[name].min()), float(x[name].max())
        if (low, high) == (full_low, full_high):
            continue
        qp = p_values.get(name, [-1, -1])
        restricted.append({"parameter": name, "low": low, "high": high, "range_low": full_low,
                           "range_high": full_high, "qp_low": _qp(qp[0]) if low > full_low else None,
                           "qp_high": _qp(qp[1]) if high < full_high else None})  # fmt: skip
    row = trajectory.loc[step]
    rows = [
        {"step": int(r.id), "coverage": float(r.coverage), "density": float(r.density), "mass": float(r.mass),
         "restricted": int(r.res_dim), "runs": int(r.n), "of_interest": int(r.k)}
        for r in trajectory.itertuples()
    ]  # fmt: skip
    return {"step": step, "coverage": float(row.coverage), "density": float(row.density), "mass": float(row.mass),
            "runs": int(row.n), "of_interest": int(row.k), "coverage_of_remaining": float(row.k) / remaining,
            "restricted": restricted, "trajectory": rows}  # fmt: skip


# --- files ----------------------------------------------------------------------------------------------------
def write_discovery(folder: str | Path, document: dict) -> list[Path]:
    """Write ``discovery.json``, ``trajectory.csv`` and the figure (PNG and SVG) into ``DIR/discovery/``."""
    out = Path(folder) / SUBFOLDER
    out.mkdir(exist_ok=True)
    atomic_write_json(out / DOCUMENT, document)
    rows = [{"box": i + 1, **r, "chosen": r["step"] == b["step"]} for i, b in enumerate(document["boxes"])
            for r in b["trajectory"]]  # fmt: skip
    columns = ["box", "step", "coverage", "density", "mass", "restricted", "runs", "of_interest", "chosen"]
    atomic_write_bytes(out / TRAJECTORY, pd.DataFrame(rows, columns=columns).to_csv(index=False).encode())
    return [out / DOCUMENT, out / TRAJECTORY, *prim_chart(document, out / FIGURE)]


def load_discovery(folder: str | Path) -> dict | None:
    """The discovery document of a folder, or None when ``liptako discover`` has not been run on it."""
    path = Path(folder) / SUBFOLDER / DOCUMENT
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# --- the figure -----------------------------------------------------------------------------------------------
def prim_chart(document: dict, stem: str | Path) -> list[Path]:
    """Left: the peeling trajectory of the first box (coverage against density, coloured by the number of
    restricted parameters; the chosen box circled, later boxes' choices marked). Right: each chosen box's
    restricted parameters, as the share of the design's range it keeps, with its limits and quasi-p-values."""
    from matplotlib import colormaps

    from .explots import save
    from .figstyle import LABEL, SMALL, TINY, TITLE, colour, tidy

    boxes = document["boxes"]
    n_rows = max(1, sum(len(b["restricted"]) for b in boxes))
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.5, max(3.6, 1.4 + 0.55 * n_rows)), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.25])
    cmap = colormaps["viridis"]
    if boxes:
        t = pd.DataFrame(boxes[0]["trajectory"])
        top = max(int(t["restricted"].max()), 1)
        left.plot(t["coverage"], t["density"], color="0.75", lw=0.8, zorder=1)
        points = left.scatter(t["coverage"], t["density"], c=t["restricted"], cmap=cmap, vmin=0, vmax=top, s=18,
                              zorder=2)  # fmt: skip
        bar = fig.colorbar(points, ax=left, pad=0.01)
        bar.set_label("restricted parameters", fontsize=SMALL)
        bar.ax.tick_params(labelsize=SMALL)
        for i, b in enumerate(boxes):
            left.scatter([b["coverage"]], [b["density"]], s=110, facecolors="none", edgecolors=colour(1 + i),
                         linewidths=1.6, zorder=3)  # fmt: skip
            left.annotate(f"box {i + 1}: coverage {b['coverage']:.0%}, density {b['density']:.0%}",
                          (b["coverage"], b["density"]), xytext=(6, -12 - 10 * i), textcoords="offset points",
                          fontsize=TINY, color=colour(1 + i))  # fmt: skip
    left.axhline(document["base_rate"], color="0.4", lw=0.7, ls="--")
    left.annotate(f"all runs: {document['base_rate']:.0%} of interest", (0.02, document["base_rate"]),
                  xytext=(0, 3), textcoords="offset points", fontsize=TINY, color="0.3")  # fmt: skip
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1.02)
    left.set_xlabel("coverage (share of the runs of interest in the box)", fontsize=SMALL)
    left.set_ylabel("density (share of the box's runs of interest)", fontsize=SMALL)
    left.set_title("Peeling trajectory", fontsize=LABEL)
    tidy(left)

    labels, y = [], 0
    for i, b in enumerate(boxes):
        for r in b["restricted"]:
            span = (r["range_high"] - r["range_low"]) or 1.0
            lo, hi = (r["low"] - r["range_low"]) / span, (r["high"] - r["range_low"]) / span
            right.plot([0, 1], [-y, -y], color="0.85", lw=6, solid_capstyle="butt", zorder=1)
            right.plot([lo, hi], [-y, -y], color=colour(1 + i), lw=6, solid_capstyle="butt", zorder=2)
            right.annotate(f"{r['low']:.3g}", (lo, -y), xytext=(0, 6), textcoords="offset points", ha="left",
                           fontsize=TINY)  # fmt: skip
            right.annotate(f"{r['high']:.3g}", (hi, -y), xytext=(0, 6), textcoords="offset points", ha="right",
                           fontsize=TINY)  # fmt: skip
            qps = [f"{q:.2g}" for q in (r["qp_low"], r["qp_high"]) if q is not None]
            prefix = f"box {i + 1}: " if len(boxes) > 1 else ""
            labels.append((-y, f"{prefix}{r['parameter']}\n[{r['range_low']:.3g}, {r['range_high']:.3g}]"
                           + (f", qp {' / '.join(qps)}" if qps else "")))  # fmt: skip
            y += 1
    if labels:
        right.set_yticks([p for p, _ in labels], [text for _, text in labels], fontsize=SMALL)
    else:
        right.set_yticks([])
        right.text(0.5, 0.5, "no box denser than the runs left", ha="center", fontsize=SMALL)
    right.set_ylim(-y + 0.5, 0.7)
    right.set_xlim(-0.02, 1.02)
    right.set_xlabel("position in the design's range (0 = its low end, 1 = its high end)", fontsize=SMALL)
    right.set_title("The chosen box: restricted parameters", fontsize=LABEL)
    tidy(right, "x")
    fig.suptitle(f"Scenario discovery (PRIM): {document['outcome']}", fontsize=TITLE)
    return save(fig, stem)


# --- printing and the report ----------------------------------------------------------------------------------
def _pct(x: float) -> str:
    return f"{x:.1%}"


def _box_frame(b: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [{"parameter": r["parameter"], "box low": r["low"], "box high": r["high"], "design low": r["range_low"],
          "design high": r["range_high"], "qp low": r["qp_low"] if r["qp_low"] is not None else math.nan,
          "qp high": r["qp_high"] if r["qp_high"] is not None else math.nan} for r in b["restricted"]],
        columns=["parameter", "box low", "box high", "design low", "design high", "qp low", "qp high"],
    )  # fmt: skip


def _trajectory_frame(b: dict, most: int = 20) -> pd.DataFrame:
    """The trajectory's steps, thinned to about ``most`` rows (the first, the last and the chosen kept)."""
    t = pd.DataFrame(b["trajectory"])
    keep = set(np.linspace(0, len(t) - 1, min(most, len(t))).round().astype(int)) | {b["step"], len(t) - 1}
    t = t.iloc[sorted(keep)].copy()
    t["chosen"] = np.where(t["step"] == b["step"], "<- chosen", "")
    return t[["step", "coverage", "density", "mass", "restricted", "runs", "of_interest", "chosen"]]


def summary_lines(document: dict) -> list[str]:
    """What the document says, in sentences (the terminal's and the report's opening)."""
    d = document
    lines = [f"{d['runs']:,} runs of {d['experiment']} ({d['scenario']}); {d['of_interest']:,} satisfy "
             f"{d['outcome']!r} ({_pct(d['base_rate'])})."]  # fmt: skip
    for column, n in d["missing"].items():
        lines.append(f"{column} is missing in {n:,} runs (e.g. no member left): a missing value satisfies no "
                     "comparison, so those runs are not of interest unless the expression asks "
                     f"'{column} is missing'.")  # fmt: skip
    if not d["boxes"]:
        lines.append("PRIM found no box denser than the runs as a whole.")
    for i, b in enumerate(d["boxes"]):
        ranges = "; ".join(f"{r['parameter']} in [{r['low']:.4g}, {r['high']:.4g}]" for r in b["restricted"])
        left = f" ({_pct(b['coverage_of_remaining'])} of those the earlier boxes left)" if i else ""
        lines.append(f"Box {i + 1} (step {b['step']}): {ranges}. It holds {b['runs']:,} runs "
                     f"({_pct(b['mass'])} of all), {b['of_interest']:,} of them of interest: coverage "
                     f"{_pct(b['coverage'])}{left}, density {_pct(b['density'])} (against {_pct(d['base_rate'])} "
                     "overall).")  # fmt: skip
        if b.get("dropped"):
            lines.append(f"Box {i + 1}'s limits on {', '.join(b['dropped'])} were dropped: their quasi-p-values were "
                         f"all above {d['prim']['qp_limit']} (a trim PRIM could have made by chance).")  # fmt: skip
    return lines


def format_discovery(document: dict) -> str:
    """The discovery as text for the terminal: the sentences, each box's trajectory and restricted ranges."""
    parts = [f"Scenario discovery (PRIM, {document['prim']['implementation']})", "", *summary_lines(document)]
    for i, b in enumerate(document["boxes"]):
        parts += ["", f"### Box {i + 1}: peeling trajectory (thinned; every step in {SUBFOLDER}/{TRAJECTORY})", "",
                  an.markdown(_trajectory_frame(b)), "",
                  f"### Box {i + 1}: restricted parameters (qp: EMA's quasi-p-value of each limit)", "",
                  an.markdown(_box_frame(b))]  # fmt: skip
    return "\n".join(parts)


def report_section(folder: str | Path, html_table: Callable[[pd.DataFrame], str]) -> list[str]:
    """The report's scenario discovery section for a folder (HTML lines), empty when discover has not run;
    ``html_table`` renders a table as the report renders its own (the report passes it: no import cycle)."""
    document = load_discovery(folder)
    return discovery_section(document, folder, html_table) if document is not None else []


def discovery_section(document: dict, folder: str | Path, html_table: Callable[[pd.DataFrame], str]) -> list[str]:
    """The report's section (HTML lines): the sentences, the figure, each box's table."""
    e = html.escape
    parts = ['<h2 id="discovery">Scenario discovery (PRIM)</h2>',
             f"<p>Which parameter ranges lead to <code>{e(document['outcome'])}</code>? PRIM "
             f"({e(document['prim']['implementation'])}) peels the space of the varied parameters down to boxes "
             "where such runs are dense. <em>Coverage</em>: the share of all runs of interest inside the box; "
             "<em>density</em>: the share of the box's runs that are of interest; qp: the quasi-p-value of each "
             "limit (below 0.05, unlikely to be chance). Rule: "
             f"{e(document['prim']['rule'])} ({document['prim']['min_coverage']:.0%}).</p>"]  # fmt: skip
    manifest = load_manifest(folder)
    if document.get("fingerprint") != manifest.get("fingerprint") or document["runs"] > manifest.get("runs", 0):
        parts.append('<p class="warning">This discovery was run on another experiment, or before the folder was '
                     "replaced: run <code>liptako discover</code> again.</p>")  # fmt: skip
    parts += [f"<p>{e(line)}</p>" for line in summary_lines(document)]
    png = Path(folder) / SUBFOLDER / f"{FIGURE}.png"
    if png.is_file():
        uri = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(f'<figure id="fig-discovery">\n<img src="{uri}" alt="PRIM peeling trajectory and box">\n'
                     "<figcaption>Left: the peeling trajectory (each point a box, from the whole space at the "
                     "right to small dense boxes at the top left); the chosen box circled. Right: the ranges the "
                     "chosen box keeps of each restricted parameter.</figcaption>\n</figure>")  # fmt: skip
    for i, b in enumerate(document["boxes"]):
        parts += [f"<h3>Box {i + 1}: restricted parameters</h3>", html_table(_box_frame(b))]
    return parts
