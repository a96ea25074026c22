"""Random numbers from fixed slots: each draw is a pure function of (seed, stream, month, slot).

A run's seed is split into independent streams, one per process (``STREAMS``), and each month of a stream
into numbered slots: the coup draw of Mali in month 7 is always the same number for a given seed, whatever
else happens. So:

- replication i of a batch is exactly the single run with replication i's seed, whatever the batch size;
- switching a mechanism off, or a vote that does or does not take place, moves no other draw;
- two scenarios run with the same seed share every draw they both make (exact common random numbers).

Slots name states, blocs and partners by their code in the fixed vocabularies of the scenario schema (the 26
countries of the map, the blocs and partners a scenario may define), not by their place in one scenario, so
that adding a state to a what-if moves nobody else's draws.

The generator is SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"; the
generator behind Java's SplittableRandom, and the one numpy uses to expand seeds): the n-th output of a
SplitMix64 sequence is ``mix(key + n * gamma)``, so it can be computed for any n directly. The key of a
(seed, stream, month) is itself three rounds of the same mixing function. ``tests/test_draws.py`` checks it
against a plain-Python transcription and for uniformity and independence.
"""

from __future__ import annotations

import numpy as np

from .compiled import kernel

# One stream per process. Append new names at the end: the index is the stream.
STREAMS = ("events", "insurgency", "defence", "coups", "succession", "membership", "partners", "elections")
EVENTS, INSURGENCY, DEFENCE, COUPS, SUCCESSION, MEMBERSHIP, PARTNERS, ELECTIONS = range(len(STREAMS))

GAMMA = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio, SplitMix64's increment
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STREAM = np.uint64(0xD6E8FEB86659FD93)
_MONTH = np.uint64(0xA0761D6478BD642F)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_ONE = np.uint64(1)
_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@kernel(inline=True)
def mix(z):
    """SplitMix64's output function: a bijection of 64-bit words that scrambles every bit."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@kernel(inline=True)
def stream_key(seed, stream, month):
    """The key of one stream's draws in one month (``month`` counts from 0 at the scenario's start)."""
    k = mix(np.uint64(seed) + GAMMA)
    k = mix(k ^ ((np.uint64(stream) + _ONE) * _STREAM))
    return mix(k ^ ((np.uint64(month) + _ONE) * _MONTH))


@kernel(inline=True)
def uniform(key, slot):
    """The uniform number in [0, 1) at ``slot`` of the stream-month with this key (53 random bits)."""
    return float(mix(np.uint64(key) + (np.uint64(slot) + _ONE) * GAMMA) >> _S11) * _UNIT


@kernel(inline=True)
def normal(key, slot_a, slot_b):
    """A standard normal number from the uniforms at two slots (Box-Muller)."""
    u = 1.0 - uniform(key, slot_a)  # in (0, 1]: the logarithm is finite
    v = uniform(key, slot_b)
    return np.sqrt(-2.0 * np.log(u)) * np.cos(2.0 * np.pi * v)
