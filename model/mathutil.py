"""Elementwise helpers that take floats or numpy arrays: a fast path for scalars, numpy for arrays.

The rules call these instead of ``np.exp`` or ``np.clip`` so that the same function serves an agent's
scalar update (where numpy's per-call overhead would dominate) and a vectorised engine's arrays.
"""

from __future__ import annotations

import math

import numpy as np

_SCALAR = (float, int)  # a tuple: isinstance with it is faster than with float | int


def exp(x):
    """e**x, elementwise."""
    return math.exp(x) if isinstance(x, _SCALAR) else np.exp(x)


def logistic(x):
    """The logistic function 1 / (1 + e**-x), elementwise, without overflow."""
    if isinstance(x, _SCALAR):
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        z = math.exp(x)
        return z / (1.0 + z)
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def clip(x, low: float = 0.0, high: float = 1.0):
    """x bounded to [low, high], elementwise."""
    if isinstance(x, _SCALAR):
        return low if x < low else high if x > high else x
    return np.clip(x, low, high)


def minimum(x, y):
    """The smaller of x and y, elementwise."""
    if isinstance(x, _SCALAR) and isinstance(y, _SCALAR):
        return x if x < y else y
    return np.minimum(x, y)


def maximum(x, y):
    """The larger of x and y, elementwise."""
    if isinstance(x, _SCALAR) and isinstance(y, _SCALAR):
        return x if x > y else y
    return np.maximum(x, y)


def decay(half_life: float) -> float:
    """The monthly factor by which a quantity with this half-life (in months) shrinks."""
    return 0.5 ** (1.0 / half_life)
