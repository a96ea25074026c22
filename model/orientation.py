"""Orientation on the axis from -1 (Western) to +1 (non-Western, sovereigntist): how close two actors stand.

Partners reward aligned recipients, regimes commit to blocs of their orientation, members vote for candidates
like themselves, and a junta invites or expels partners by it: all through :func:`alignment_match`. A junta
that Western conditionality punishes (sanctions, suspended aid) turns away from the West
(:func:`estranged_alignment`).
"""

from __future__ import annotations

import numpy as np

from .compiled import rule


@rule
def alignment_match(a, b):
    """How close two orientations are: 1 the same, 1/2 a neutral distance, 0 opposite ends of the axis."""
    return 1.0 - np.abs(a - b) / 2.0


@rule
def same_side(a, b):
    """Whether two orientations lean the same way (both above zero, or both at or below it)."""
    return (a > 0.0) == (b > 0.0)


@rule
def estranged_alignment(alignment, pressure, p):
    """A junta's alignment after a month under Western pressure (0..1: sanctions, or the share of its
    conditional partners suspending aid): it moves toward the sovereigntist end at ``estrangement`` a month."""
    return alignment + p.estrangement * pressure * (1.0 - alignment)
