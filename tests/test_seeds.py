"""The replications' seeds are numpy's SeedSequence children, computed over arrays."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from liptako.model.seeds import replication_seeds


def numpy_seeds(root: int, n: int) -> list[int]:
    """The definition: the first 64-bit word of each spawned child's state, shifted to fit int64."""
    children = np.random.SeedSequence(root).spawn(n)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


@settings(max_examples=60, deadline=None)
@given(root=st.integers(0, 2**63 - 1), n=st.integers(1, 40))
def test_the_seeds_are_numpys_seedsequence_children(root, n):
    assert replication_seeds(root, n) == numpy_seeds(root, n)


def test_a_longer_batch_starts_with_the_same_seeds_and_they_fit_int64():
    long = replication_seeds(2024, 5000)
    assert long[:100] == replication_seeds(2024, 100) == numpy_seeds(2024, 100)
    assert long[4321] == numpy_seeds(2024, 4322)[-1]
    assert all(0 <= s < 2**63 for s in long) and len(set(long)) == len(long)


def test_no_replications_no_seeds():
    assert replication_seeds(1, 0) == []
