"""One phase written both ways: the insurgency (phase 3) as numpy masked operations over the replication axis,
and as the engine has it, scalar code over arrays compiled with numba. The measurement behind the engine's
choice of technique.

    uv run python benchmarks/bench_technique.py [--reps 1 100 2000]

Both versions start from the same world (the baseline after its first two months), use the same rules (the
``@rule`` functions of ``liptako.model.insurgency``, which run as numpy from Python), the same draws (the
counter-based generator, transcribed to numpy below) and do the same work: balance of force, spillover,
offensives, territory, deaths, displacement, recruitment and the fighters' moves across borders. The numpy
version keeps the offensive flags but writes no event records (it would only be slower). The script checks
that both give the same territory, fighters and deaths (to rounding), then prints the time per
replication-month of each, for R replications at once, single-threaded.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from liptako.model import draws, insurgency
from liptako.model.compiled import as_struct, params_of
from liptako.model.engine import prepare
from liptako.model.month import run_months
from liptako.model.outputs import recorded_fields, series_arrays
from liptako.model.parameters import Params
from liptako.model.scenario import load
from liptako.model.world import World, new_world, parameter_rows


@numba.njit(nogil=True)
def compiled_phase(setup, world, t):
    """The engine's phase 3 over every replication."""
    s, w = as_struct(setup), as_struct(world)
    for r in range(len(world.seed)):
        insurgency.fight_insurgencies(s, w, r, t, params_of(w, r))


# --- The same phase with numpy over the replication axis ----------------------------------------------------------
def mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def uniforms(seeds: np.ndarray, stream: int, t: int, slots: np.ndarray) -> np.ndarray:
    """draws.uniform for every replication (rows) and slot (columns)."""
    with np.errstate(over="ignore"):
        k = mix(seeds.astype(np.uint64) + draws.GAMMA)
        k = mix(k ^ (np.uint64(stream + 1) * np.uint64(0xD6E8FEB86659FD93)))
        k = mix(k ^ (np.uint64(t + 1) * np.uint64(0xA0761D6478BD642F)))
        x = mix(k[:, None] + (slots.astype(np.uint64)[None, :] + np.uint64(1)) * draws.GAMMA)
    return (x >> np.uint64(11)).astype(np.float64) / 2.0**53


def numpy_phase(s, w: World, t: int, p: Params) -> None:
    """Phase 3 for every replication at once, as masked array operations (parameters shared by the batch)."""
    S = len(s.code)
    troops_home = np.maximum(0.0, s.troops - w.troops_abroad - w.joint_force_share)
    support = insurgency.security_support(w.security_forces.sum(axis=1), p)
    w.capacity[:] = insurgency.capacity(troops_home, s.auxiliaries, w.troops_received, w.joint_force, w.readiness,
                                        support, p)  # fmt: skip
    fighters = w.fighters + np.where(w.attacked_by >= 0, w.attack_troops / p.force_multiplier, 0.0)
    w.insurgent_share[:] = insurgency.insurgent_share(fighters, w.capacity, p)
    before = w.territory.copy()
    spill = np.zeros_like(before)
    for i in range(S):
        for k in range(s.nb_start[i], s.nb_start[i + 1]):
            j = s.nb[k]
            shared = np.zeros(len(w.seed))
            for b in range(len(s.bloc_code)):
                both = w.members[:, b, i] & w.members[:, b, j] & (w.dissolved_month[:, b] < -(2**39))
                shared = np.where(both, np.maximum(shared, s.mutual_defence[b]), shared)
            spill[:, i] += before[:, j] * w.insurgent_share[:, j] * (1.0 - p.common_space_effect * shared)
    u = uniforms(w.seed, draws.INSURGENCY, t, s.code)
    w.offensive[:] = (w.fighters >= p.offensive_min_fighters) & (u < insurgency.offensive_probability(
        w.insurgent_share, p))  # fmt: skip
    surge = w.offensive | (w.attacked_by >= 0)
    t0, x = w.territory.copy(), w.insurgent_share
    dt = insurgency.territory_change(t0, x, spill, p) + np.where(surge, p.offensive_territory * x * (1.0 - t0), 0.0)
    w.territory[:] = np.clip(t0 + dt, 0.0, 1.0)
    combatants = w.fighters + np.where(w.attacked_by >= 0, w.attack_troops * p.intervention_lethality, 0.0)
    w.deaths[:] = insurgency.deaths(t0, combatants, np.where(surge, p.offensive_intensity, 1.0), p)
    w.deaths_total[:] += w.deaths
    displaced = w.displaced + insurgency.newly_displaced(w.deaths, w.territory - t0, s.population, p)
    displaced -= insurgency.returns(displaced, w.territory, p)
    w.displaced[:] = np.minimum(displaced, s.population)
    w.territory_past[:, :, t % 13] = w.territory
    w.peak_territory[:] = np.maximum(w.peak_territory, w.territory)
    for g in range(w.group_fighters.shape[1]):
        n = w.group_fighters[:, g, :]
        present = n > 0.0
        level = insurgency.grievance(w.territory, w.displaced / s.population, w.legitimacy, p)
        ceiling = p.fighters_per_million * s.population / 1e6
        grown = n + insurgency.fighter_change(n, w.insurgent_share, level, ceiling, s.growth[g], p)
        w.group_fighters[:, g, :] = np.where(present, np.maximum(0.0, grown), n)
        n = w.group_fighters[:, g, :]
        moves = np.zeros_like(n)
        touched = np.zeros(n.shape, dtype=bool)
        for i in range(S):
            nbs = s.nb[s.nb_start[i] : s.nb_start[i + 1]]
            if not len(nbs):
                continue
            source = n[:, i] >= p.operating_threshold
            safe = np.where(source, n[:, i], 1.0)
            pulls = insurgency.pull(w.capacity[:, nbs], safe[:, None], p)
            leaving = np.where(source, p.fighter_spread * s.spread[g] * n[:, i] * w.territory[:, i], 0.0)
            moves[:, i] -= leaving
            moves[:, nbs] += leaving[:, None] * pulls / pulls.sum(axis=1, keepdims=True)
            touched[:, i] |= source
            touched[:, nbs] |= source[:, None]
        after = n + moves
        w.group_fighters[:, g, :] = np.where(touched, np.where(after < 1.0, 0.0, after), n)
    w.fighters[:] = w.group_fighters.sum(axis=1)


def world_at_month_two(reps: int):
    scenario, names, setup = prepare(load("baseline"))
    params = parameter_rows(dict(scenario.parameters), None, reps)
    series = series_arrays(reps, setup.months, len(names.states), len(names.blocs), len(names.sources))
    world = new_world(scenario, setup, names, np.arange(1, reps + 1), params, series, records=2000)
    run_months(setup, world, recorded_fields(world), 0, 2, True)
    return setup, world


def copy(world: World) -> World:
    return World(*(field.copy() for field in world))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, nargs="*", default=[1, 100, 2000])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    p = Params(*parameter_rows({}, None, 1)[0].tolist())
    setup, world = world_at_month_two(8)
    a, b = copy(world), copy(world)
    compiled_phase(setup, a, 2)
    numpy_phase(setup, b, 2, p)
    for name in ("territory", "fighters", "deaths", "displaced"):
        assert np.allclose(getattr(a, name), getattr(b, name), rtol=1e-10, atol=1e-9), name
    print("both versions give the same territory, fighters, deaths and displacement\n")
    print(f"{'replications':>12s}  {'numba, us per rep-month':>24s}  {'numpy, us per rep-month':>24s}  numpy / numba")
    for reps in args.reps:
        setup, world = world_at_month_two(reps)
        best = {"numba": 1e9, "numpy": 1e9}
        for _ in range(args.repeats):
            w = copy(world)
            start = time.perf_counter()
            compiled_phase(setup, w, 2)
            best["numba"] = min(best["numba"], time.perf_counter() - start)
            w = copy(world)
            start = time.perf_counter()
            numpy_phase(setup, w, 2, p)
            best["numpy"] = min(best["numpy"], time.perf_counter() - start)
        nb, npy = best["numba"] / reps * 1e6, best["numpy"] / reps * 1e6
        print(f"{reps:12d}  {nb:24.2f}  {npy:24.2f}  {npy / nb:10.1f}")


if __name__ == "__main__":
    main()
