"""Experimental designs: the points of a sweep, from scipy.stats.qmc (Latin hypercube) and SALib (Sobol's
Saltelli scheme, Morris trajectories), with integer and categorical parameters.

Every design first draws points in the unit hypercube, then maps each coordinate to its parameter: a range is
scaled (and rounded for integers); a list of values is a categorical parameter whose coordinate picks one of
them. All draws are seeded from the experiment's root seed, so the design is reproducible.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import qmc

from liptako.model.seeds import replication_seeds

if TYPE_CHECKING:  # spec checks designs (count_points): designs only names spec's types
    from .spec import Experiment, Vary

__all__ = ["count_points", "map_coordinate", "points", "problem", "replication_seeds", "unit_points"]


def problem(e: Experiment) -> dict:
    """The SALib problem: every varied parameter on the unit interval (mapped afterwards)."""
    return {"num_vars": len(e.vary), "names": e.parameters, "bounds": [[0.0, 1.0]] * len(e.vary)}


def count_points(e: Experiment) -> int:
    """Number of parameter points the design has (before replications)."""
    d = len(e.vary)
    if e.design == "grid":
        return math.prod(len(v.values or [None]) for v in e.vary)
    if e.design == "lhs":
        return e.samples
    if e.design == "sobol":
        return e.samples * (d + 2)  # Saltelli without second-order terms
    return e.samples * (d + 1)  # morris trajectories


def unit_points(e: Experiment) -> np.ndarray:
    """The design in the unit hypercube, one row per point (grid designs return indices instead)."""
    seed = np.random.SeedSequence(e.seed, spawn_key=(1_000_003,))  # apart from the runs' seeds
    if e.design == "lhs":
        return qmc.LatinHypercube(d=len(e.vary), rng=np.random.default_rng(seed)).random(e.samples)
    if e.design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem(e), e.samples, calc_second_order=False, scramble=True,
                            seed=int(seed.generate_state(1)[0]))  # fmt: skip
    if e.design == "morris":
        from SALib.sample import morris

        return morris.sample(problem(e), e.samples, num_levels=e.levels, seed=int(seed.generate_state(1)[0]))
    raise ValueError(e.design)


def map_coordinate(v: Vary, u: np.ndarray) -> np.ndarray:
    """Unit coordinates to parameter values: scaled ranges, rounded integers, or picks from a list."""
    if v.values is not None:
        idx = np.minimum((u * len(v.values)).astype(int), len(v.values) - 1)
        return np.asarray(v.values, dtype=float)[idx]
    x = v.low + u * (v.high - v.low)
    return np.round(x) if v.integer else x


def points(e: Experiment) -> pd.DataFrame:
    """The design's points: one row per point, ``point_id`` then one column per varied parameter."""
    if e.design == "grid":
        grid = list(itertools.product(*(v.values for v in e.vary)))
        frame = pd.DataFrame(grid, columns=e.parameters, dtype=float)
    else:
        unit = unit_points(e)
        frame = pd.DataFrame({v.parameter: map_coordinate(v, unit[:, j]) for j, v in enumerate(e.vary)})
    frame.insert(0, "point_id", np.arange(len(frame), dtype=np.int64))
    return frame
