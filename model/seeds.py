"""The seeds of replications: replication i of a batch with root seed s runs with ``replication_seeds(s, n)[i]``
(for any n > i), the seed ``liptako run --seed`` takes to reproduce it alone.

The seed is numpy's: the first 64-bit word of the state of child i of ``SeedSequence(s)``
(``SeedSequence(s).spawn(n)[i].generate_state(1, np.uint64)[0]``), shifted right by one bit to fit a signed
64-bit integer. :func:`replication_seeds` computes it for all i at once with numpy's own algorithm
(O'Neill's seed_seq hash, ``numpy/random/bit_generator.pyx``) over arrays, since spawning ten thousand
SeedSequence objects in Python took longer than a Liptako replication; ``tests/test_seeds.py`` checks it
against numpy's SeedSequence.
"""

from __future__ import annotations

import numpy as np

# numpy's SeedSequence constants (bit_generator.pyx)
_POOL = 4
_INIT_A, _MULT_A = np.uint32(0x43B0D7E5), np.uint32(0x931E8875)
_INIT_B, _MULT_B = np.uint32(0x8B51F9DD), np.uint32(0x58F38DED)
_MIX_L, _MIX_R = np.uint32(0xCA01F9DD), np.uint32(0x4973F715)
_SHIFT = np.uint32(16)


def replication_seeds(root: int, replications: int) -> list[int]:
    """One seed per replication, spawned from the root seed as numpy's SeedSequence spawns children:
    replication i uses the same seed at every design point and in every scenario (common random numbers),
    whatever the batch size."""
    return spawned_seeds(root, replications).tolist()


def spawned_seeds(root: int, replications: int) -> np.ndarray:
    """:func:`replication_seeds` as an int64 array."""
    if replications <= 0:
        return np.zeros(0, dtype=np.int64)
    if replications > 2**32:
        raise ValueError("at most 2**32 replications")
    # the entropy of child i: the root's 32-bit words, zero-padded to the pool's size, then the spawn key (i,)
    words, rest = [], int(root)
    while True:
        words.append(rest & 0xFFFFFFFF)
        rest >>= 32
        if not rest:
            break
    words += [0] * max(0, _POOL - len(words))
    n = replications
    entropy = [np.full(n, w, dtype=np.uint32) for w in words] + [np.arange(n, dtype=np.uint32)]
    with np.errstate(over="ignore"):
        hash_const = _INIT_A

        def hashmix(value):
            nonlocal hash_const
            value = value ^ hash_const
            hash_const = hash_const * _MULT_A
            value = value * hash_const
            return value ^ (value >> _SHIFT)

        def mix(x, y):
            result = _MIX_L * x - _MIX_R * y
            return result ^ (result >> _SHIFT)

        pool = [hashmix(entropy[i]) for i in range(_POOL)]
        for src in range(_POOL):
            for dst in range(_POOL):
                if src != dst:
                    pool[dst] = mix(pool[dst], hashmix(pool[src]))
        for src in range(_POOL, len(entropy)):
            for dst in range(_POOL):
                pool[dst] = mix(pool[dst], hashmix(entropy[src]))
        # generate_state(1, uint64): two 32-bit words from the pool, little-endian
        state, hash_const = [], _INIT_B
        for k in range(2):
            value = pool[k] ^ hash_const
            hash_const = hash_const * _MULT_B
            value = value * hash_const
            state.append(value ^ (value >> _SHIFT))
    word = state[0].astype(np.uint64) | (state[1].astype(np.uint64) << np.uint64(32))
    return (word >> np.uint64(1)).astype(np.int64)
