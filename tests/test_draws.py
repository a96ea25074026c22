"""Random numbers from fixed slots (liptako.model.draws): the generator is the SplitMix64 it claims to be, its
numbers look uniform and independent, slots never collide, and a draw that is not made (or an extra one) moves
no other."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import derive
from scipy import stats

from liptako import run
from liptako.model import draws
from liptako.model.world import N_BLOC_CODES, N_COUNTRIES, N_PARTNER_CODES

MASK = 2**64 - 1


def mix_reference(z: int) -> int:
    """SplitMix64's output function, transcribed from Steele, Lea & Flood (2014) in plain integers."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def uniform_reference(seed: int, stream: int, month: int, slot: int) -> float:
    gamma = 0x9E3779B97F4A7C15
    k = mix_reference((seed + gamma) & MASK)
    k = mix_reference(k ^ (((stream + 1) * 0xD6E8FEB86659FD93) & MASK))
    k = mix_reference(k ^ (((month + 1) * 0xA0761D6478BD642F) & MASK))
    return (mix_reference((k + (slot + 1) * gamma) & MASK) >> 11) / 2**53


def test_the_generator_is_splitmix64_as_documented():
    # Known outputs of SplitMix64 seeded with 0 (the reference sequence of Vigna's splitmix64.c): the n-th output
    # is mix(n * gamma).
    gamma = 0x9E3779B97F4A7C15
    assert mix_reference(gamma) == 0xE220A8397B1DCDAF
    assert mix_reference(2 * gamma & MASK) == 0x6E789E6AA1B965F4
    assert int(draws.mix(np.uint64(gamma))) == 0xE220A8397B1DCDAF
    for seed, stream, month, slot in [(0, 0, 0, 0), (1, 3, 7, 52), (2**62 + 5, 6, 599, 40_000), (123, 1, 0, 1)]:
        key = np.uint64(draws.stream_key(seed, stream, month))  # numba returns the 64-bit word as a Python int
        assert draws.uniform(key, slot) == uniform_reference(seed, stream, month, slot)


def sample(n_seeds=200, n_months=10, n_slots=50, stream=draws.COUPS) -> np.ndarray:
    out = np.empty((n_seeds, n_months, n_slots))
    for s in range(n_seeds):
        for t in range(n_months):
            key = np.uint64(draws.stream_key(1000 + s, stream, t))
            out[s, t] = [draws.uniform(key, k) for k in range(n_slots)]
    return out


def test_draws_are_uniform_and_uncorrelated_across_slots_months_seeds_and_streams():
    u = sample()
    assert 0.0 <= u.min() and u.max() < 1.0
    assert stats.kstest(u.ravel(), "uniform").pvalue > 0.001
    n = u[..., 0].size
    bound = 4.0 / np.sqrt(n)  # four standard errors of a correlation of independent uniforms
    assert abs(np.corrcoef(u[..., 0].ravel(), u[..., 1].ravel())[0, 1]) < bound  # neighbouring slots
    assert abs(np.corrcoef(u[:, 0, :].ravel(), u[:, 1, :].ravel())[0, 1]) < 4.0 / np.sqrt(u[:, 0, :].size)  # months
    assert abs(np.corrcoef(u[:-1].ravel(), u[1:].ravel())[0, 1]) < 4.0 / np.sqrt(u[:-1].size)  # neighbouring seeds
    other = sample(stream=draws.INSURGENCY)
    assert abs(np.corrcoef(u.ravel(), other.ravel())[0, 1]) < 4.0 / np.sqrt(u.size)
    # pairs fill the unit square evenly (a 10 x 10 chi-square of consecutive slots)
    counts, _, _ = np.histogram2d(u[..., ::2].ravel(), u[..., 1::2].ravel(), bins=10, range=[[0, 1], [0, 1]])
    assert stats.chisquare(counts.ravel()).pvalue > 0.001


def test_normal_draws_are_standard_normal():
    z = np.array([draws.normal(np.uint64(draws.stream_key(s, draws.SUCCESSION, 0)), 0, 1) for s in range(4000)])
    assert stats.kstest(z, "norm").pvalue > 0.001


def test_slots_of_a_stream_never_collide():
    """Every slot formula of every stream, over every state, bloc, partner and forced-coup index, is distinct
    within its stream: no two decisions ever share a random number."""
    from liptako.model import coups, defence, membership

    countries, blocs, partners = range(N_COUNTRIES), range(N_BLOC_CODES), range(N_PARTNER_CODES)
    used = {
        "insurgency": [c for c in countries] + [N_COUNTRIES + b * N_COUNTRIES + c for b in blocs for c in countries],
        "defence": [b * N_COUNTRIES + c for b in blocs for c in countries]
        + [defence.answer_slot(b, c, a) for b in blocs for c in countries for a in countries],
        "coups": [2 * c + k for c in countries for k in (0, 1)],
        "succession": [coups.succession_slot(c, k) + j for c in countries for k in (-1, 0, 1, 2, 3) for j in (0, 1, 2)],
        "membership": [b * N_COUNTRIES + c for b in blocs for c in countries]
        + [membership.vote_slot(b, c, v) for b in blocs for c in countries for v in countries],
        "partners": [2 * (p * N_COUNTRIES + c) + k for p in partners for c in countries for k in (0, 1)],
        "events": [4 * c + k for c in countries for k in range(4)],
    }
    for stream, slots in used.items():
        assert len(slots) == len(set(slots)), stream


def test_a_vote_that_changes_nothing_moves_no_other_draw():
    """A refused accession request draws the members' votes; every later draw, and so the whole run, is the
    same as without it (in the old engine the votes shifted the membership stream for the rest of the run)."""
    params = {"vote_alignment": 10.0, "accession_rate": 0.5, "accession_threshold": 0.6, "exit_threshold": 0.2}
    request = {"date": "2024-01", "type": "accession_request", "state": "CIV", "bloc": "AES"}
    plain = derive(name="plain", parameters=params)
    voted = derive(name="voted", parameters=params, events=[request])
    a, b = run(plain, seed=4, months=60), run(voted, seed=4, months=60)
    votes = b.events[(b.events["kind"] == "accession") & (b.events["date"] == "2024-01") & (b.events["state"] == "CIV")]
    assert votes["outcome"].tolist() == ["refused"] and votes["x1"].iloc[0] > 0  # members did vote
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    others = b.events.drop(votes.index).reset_index(drop=True)
    pd.testing.assert_frame_equal(a.events, others, check_exact=True)
    assert len(a.events[a.events["kind"] == "accession"]) > 0  # spontaneous applications did draw from the stream


@pytest.mark.parametrize("seed", [1, 2])
def test_common_random_numbers_are_exact_until_a_scenario_differs(seed):
    """Two scenarios that differ from month 24 on share every draw: their first 24 months are identical."""
    later = derive(name="later", events=[{"date": "2025-09", "type": "partner_exit", "partner": "RUS"}])
    a, b = run("baseline", seed=seed, months=48), run(later, seed=seed, months=48)
    pd.testing.assert_frame_equal(a.timeseries.iloc[:24], b.timeseries.iloc[:24], check_exact=True)
    assert not a.timeseries.iloc[24:].equals(b.timeseries.iloc[24:])
