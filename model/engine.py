"""The engine: many replications of a scenario at once, in chunks and on several threads, from Python.

:func:`simulate` builds the world of R replications (each with its own seed and parameter row), runs the
compiled month over every one to the horizon, and returns a :class:`Simulation`: the monthly series as
``[R, T, ...]`` arrays, the per-run outcomes, and the event records of every replication.

Replications are independent: each one's results depend only on its seed and parameters (random numbers come
from fixed slots, ``draws.py``), never on the batch it ran in, the chunk, the thread, or the machine. So the
engine is free to cut a batch into chunks (bounded memory), run the slices of a chunk on threads at once
(the compiled month releases the GIL) while it collects the outcomes and records of the chunk before, and
run again, with more room, any replication that filled its deployment or event-record slots.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from . import outputs
from .scenario import Scenario, changed
from .world import Names, Setup, World, names_of, new_world, parameter_rows, setup_of

CHUNK = 1000  # replications per chunk: a chunk's world (not its series) stays under about 50 MB (two are in flight)
DEPLOYMENT_SLOTS = 32  # room per replication; a replication that runs out is run again with twice as much
RECORD_SLOTS = 512


class Records(NamedTuple):
    """Event records of many replications, one row each (see :mod:`liptako.model.records` for the fields)."""

    rep: np.ndarray
    month: np.ndarray
    kind: np.ndarray
    outcome: np.ndarray
    state: np.ndarray
    other: np.ndarray
    bloc: np.ndarray
    partner: np.ndarray
    group: np.ndarray
    code: np.ndarray
    x: np.ndarray  # [N, 4]

    def take(self, mask: np.ndarray) -> Records:
        return Records(*(field[mask] for field in self))


def threads_available() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Simulation:
    """What :func:`simulate` returns: R replications of one scenario, to its horizon."""

    scenario: Scenario
    names: Names
    setup: Setup
    seeds: np.ndarray  # [R]
    params: np.ndarray  # [R, n] each replication's parameters at the start
    state_series: np.ndarray  # [R, T, K, S] float32 (outputs.STATE_SERIES)
    funding_series: np.ndarray  # [R, T, F, S] float32 (funding by source: Names.sources)
    member_series: np.ndarray  # [R, T, B, S] uint8
    outcomes: dict[str, np.ndarray]  # per-run outcomes, arrays over R (outputs.RUN_OUTCOMES and per-state ones)
    records: Records

    @property
    def reps(self) -> int:
        return len(self.seeds)

    @property
    def months(self) -> int:
        return self.setup.months

    @cached_property
    def sweep_series(self) -> dict[str, np.ndarray]:
        """The :data:`~liptako.model.outputs.SWEEP_SERIES`, each ``[R, T]``."""
        return outputs.sweep_series(self.setup, self.state_series, self.member_series)


def prepare(scenario: Scenario, months: int | None = None) -> tuple[Scenario, Names, Setup]:
    """The scenario at the horizon asked for, its Names and Setup."""
    if months is not None and months != scenario.months:
        scenario = changed(scenario, months=months)
    names = names_of(scenario)
    return scenario, names, setup_of(scenario, names)


def simulate(
    scenario: Scenario,
    seeds,
    overrides: list[dict[str, float]] | dict[str, float] | None = None,
    *,
    months: int | None = None,
    threads: int | None = None,
    chunk: int = CHUNK,
) -> Simulation:
    """Run ``len(seeds)`` replications of a scenario to its horizon (or ``months``).

    ``overrides`` are registry values on top of the scenario's own: one dict for every replication, or one
    dict per replication (a batch may hold many design points of a sweep). ``threads`` defaults to every
    core this process may use; the results do not depend on it.
    """
    scenario, names, setup = prepare(scenario, months)
    seeds = np.asarray(seeds, dtype=np.int64).reshape(-1)
    R = len(seeds)
    per_rep = [overrides] * R if isinstance(overrides, dict) else overrides
    params = parameter_rows(dict(scenario.parameters), per_rep, R)
    S, B, F = len(names.states), len(names.blocs), len(names.partners) + 2
    state_series, funding_series, member_series = outputs.series_arrays(R, setup.months, S, B, F)
    threads = max(1, threads or threads_available())
    results, parts = [], []
    with ThreadPoolExecutor(threads) as pool:
        # a pipeline: while the threads run chunk k + 1, this thread collects chunk k's outcomes and records
        running = None
        for a in range(0, R, chunk):
            b = min(R, a + chunk)
            views = (state_series[a:b], funding_series[a:b], member_series[a:b])
            started = (a, views, *_start(pool, scenario, setup, names, seeds[a:b], params[a:b], views, threads))
            if running is not None:
                _collect(running, scenario, setup, names, seeds, params, threads, results, parts)
            running = started
        if running is not None:
            _collect(running, scenario, setup, names, seeds, params, threads, results, parts)
    outcome = {key: np.concatenate([res[key] for res in results]) for key in results[0]} if results else {}
    return Simulation(
        scenario=scenario, names=names, setup=setup, seeds=seeds, params=params, state_series=state_series,
        funding_series=funding_series, member_series=member_series, outcomes=outcome,
        records=Records(*(np.concatenate(cols) for cols in zip(*parts, strict=True))) if parts else _no_records(),
    )  # fmt: skip


def _start(pool, scenario, setup, names, seeds, params, views, threads, deployments=DEPLOYMENT_SLOTS,
           records=RECORD_SLOTS):  # fmt: skip
    """Build one chunk's world and start its slices on the pool's threads; returns the world and the futures."""
    from .month import run_months

    world = new_world(scenario, setup, names, seeds, params, views, deployments=deployments, records=records)
    parts = [World(*(field[a:b] for field in world)) for a, b in _slices(len(seeds), threads)]
    futures = [pool.submit(lambda w: run_months(setup, w, outputs.recorded_fields(w), 0, setup.months, True), part)
               for part in parts]  # fmt: skip
    return world, futures


def _collect(running, scenario, setup, names, seeds, params, threads, results, parts):
    """Wait for a started chunk, run again what ran out of slots, and keep its outcomes and records."""
    a, views, world, futures = running
    for future in futures:
        future.result()  # raise what a thread raised
    world = _rerun_overflowed(world, scenario, setup, names, seeds[a : a + len(world.seed)],
                              params[a : a + len(world.seed)], views, threads)  # fmt: skip
    results.append(outputs.outcomes(setup, names, world, setup.months))
    parts.append(records_of(world, offset=a))


def _run(scenario, setup, names, seeds, params, views, threads, deployments=DEPLOYMENT_SLOTS, records=RECORD_SLOTS):
    """Run one chunk to the end (replications that ran out of slots again, with twice the room)."""
    with ThreadPoolExecutor(threads) as pool:
        world, futures = _start(pool, scenario, setup, names, seeds, params, views, threads, deployments, records)
        for future in futures:
            future.result()
    return _rerun_overflowed(world, scenario, setup, names, seeds, params, views, threads)


def _rerun_overflowed(world, scenario, setup, names, seeds, params, views, threads):
    """Replications that filled their deployment or record slots, run again with twice the room and put in
    place."""
    full = np.flatnonzero(world.overflow)
    if not len(full):
        return world
    deployments, records = world.dep_sender.shape[1], world.rec_month.shape[1]
    more_d = deployments * 2 if (world.overflow[full] & 1).any() else deployments
    more_e = records * 2 if (world.overflow[full] & 2).any() else records
    sub_views = tuple(np.zeros_like(v[full]) for v in views)
    again = _run(scenario, setup, names, seeds[full], params[full], sub_views, threads, more_d, more_e)
    for view, sub in zip(views, sub_views, strict=True):
        view[full] = sub
    return _merge(world, again, full)


def _slices(n: int, threads: int) -> list[tuple[int, int]]:
    k = max(1, min(threads, n // 16 or 1))  # a thread for fewer than 16 replications is not worth starting
    edges = np.linspace(0, n, k + 1).astype(int)
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _merge(world: World, again: World, rows: np.ndarray) -> World:
    """``world`` with the replications at ``rows`` replaced by those of ``again`` (which may have more slots;
    the monthly series were already written in place)."""
    fields = {}
    for name, old, new in zip(World._fields, world, again, strict=True):
        if name.endswith("_series"):
            fields[name] = old
            continue
        if old.ndim >= 2 and old.shape[1:] != new.shape[1:]:  # slots: widen every replication's to the new room
            wide = np.full((old.shape[0], *new.shape[1:]), -1 if name in _SLOT_IDS else 0, dtype=old.dtype)
            wide[:, : old.shape[1]] = old
            old = wide
        old[rows] = new
        fields[name] = old
    return World(**fields)


_SLOT_IDS = {"dep_sender", "dep_receiver", "dep_bloc"}  # -1 marks a free deployment slot


def records_of(world: World, offset: int = 0) -> Records:
    """The event records of a world's replications, in order, numbered from ``offset``."""
    n = world.rec_n
    mask = np.arange(world.rec_month.shape[1])[None, :] < n[:, None]
    reps = np.broadcast_to(np.arange(len(n))[:, None] + offset, mask.shape)
    return Records(
        rep=reps[mask].astype(np.int64), month=world.rec_month[mask].astype(np.int64),
        kind=world.rec_kind[mask], outcome=world.rec_outcome[mask], state=world.rec_state[mask],
        other=world.rec_other[mask], bloc=world.rec_bloc[mask], partner=world.rec_partner[mask],
        group=world.rec_group[mask], code=world.rec_code[mask], x=world.rec_x[mask],
    )  # fmt: skip


def _no_records() -> Records:
    return Records(*(np.zeros(0, dtype=np.int64) for _ in range(10)), x=np.zeros((0, 4)))
