"""Elementwise helpers of the rules: each takes numbers (inside compiled code) or numpy arrays (from Python)."""

from __future__ import annotations

import numpy as np

from .compiled import rule


@rule
def logistic(x):
    """The logistic function 1 / (1 + e**-x), without overflow (e**700 is the most it computes; the exponential
    costs a fifth of the hyperbolic tangent of the equivalent 0.5 (1 + tanh(x / 2)))."""
    return 1.0 / (1.0 + np.exp(np.minimum(-x, 700.0)))


@rule
def clip(x, low=0.0, high=1.0):
    """x bounded to [low, high]."""
    return np.minimum(np.maximum(x, low), high)


@rule
def decay(half_life):
    """The monthly factor by which a quantity with this half-life (in months) shrinks."""
    return 0.5 ** (1.0 / half_life)


@rule
def relax(value, target, rate):
    """Move ``value`` a share ``rate`` of the way to ``target``."""
    return value + rate * (target - value)


@rule
def flag(condition):
    """1.0 for true, 0.0 for false (a yes/no fact as a number in a rule)."""
    return 1.0 if condition else 0.0


@rule
def power(x, y):
    """x ** y, by repeated multiplication when y is a small whole number (the usual case: four times faster
    than the general power function), else the general power."""
    n = int(y)
    if n == y and 0 <= n <= 8:
        out = 1.0
        for _ in range(n):
            out *= x
        return out
    return x**y
