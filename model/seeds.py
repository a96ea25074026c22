"""The seeds of replications: replication i of a batch with root seed s runs with ``replication_seeds(s, n)[i]``
(for any n > i), the seed ``liptako run --seed`` takes to reproduce it alone."""

from __future__ import annotations

import numpy as np


def replication_seeds(root: int, replications: int) -> list[int]:
    """One seed per replication, spawned from the root seed by numpy's SeedSequence: replication i uses the
    same seed at every design point and in every scenario (common random numbers), whatever the batch size."""
    children = np.random.SeedSequence(root).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]
