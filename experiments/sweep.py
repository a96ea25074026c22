"""Running an experiment: many runs through a ``concurrent.futures.Executor``, streamed to a results folder.

The executor is a local process pool by default (all cores, or ``workers``), or a Dask distributed cluster
(``dask="tcp://host:port"`` or ``"local"``). Runs travel in chunks so that per-task overhead stays small; a
local worker writes its chunk's part files itself, a Dask worker returns its tables (never models). Each run's
seed depends only on its replication (common random numbers), so results are identical on one worker, many,
or a cluster.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from liptako.model.errors import InputError
from liptako.model.scenario import Scenario, changed

from .designs import points, replication_seeds
from .spec import Experiment
from .store import Store


@dataclass(frozen=True, slots=True)
class Task:
    """One run: its id, where it sits in the design, and what it needs."""

    run_id: int
    point_id: int
    replication: int
    scenario: int  # index into the chunk's scenarios
    seed: int
    overrides: dict[str, float]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Runs that travel to a worker together. With ``store`` (a results folder on this machine) the worker
    writes the chunk's part files itself; without (a Dask cluster, whose workers may not share the folder) it
    sends its tables back."""

    number: int
    scenarios: tuple[Scenario, ...]
    tasks: tuple[Task, ...]
    store: str | None = None


def run_chunk(chunk: Chunk) -> tuple[int, int, pd.DataFrame | None, pd.DataFrame | None]:
    """Run every task of a chunk (in a worker) as one batch per scenario, on one thread (the worker is one
    process of many); return the chunk number, its number of runs, and its runs and monthly series (``None``
    once written to the chunk's store)."""
    runs, series = _run_tasks(chunk)
    if chunk.store is not None:
        Store(chunk.store).write_chunk(chunk.number, runs, series)
        return chunk.number, len(runs), None, None
    return chunk.number, len(runs), runs, series


def _run_tasks(chunk: Chunk) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chunk's runs (one row each) and monthly series."""
    from liptako.model.engine import simulate
    from liptako.model.tables import dates

    rows, series = [], []
    for index, scenario in enumerate(chunk.scenarios):
        tasks = [t for t in chunk.tasks if t.scenario == index]
        if not tasks:
            continue
        sim = simulate(scenario, [t.seed for t in tasks], [t.overrides for t in tasks], threads=1)
        ids = pd.DataFrame({"run_id": [t.run_id for t in tasks], "point_id": [t.point_id for t in tasks],
                            "replication": [t.replication for t in tasks], "scenario": scenario.name,
                            "seed": [t.seed for t in tasks]})  # fmt: skip
        varied = pd.DataFrame([t.overrides for t in tasks], index=ids.index)
        rows.append(pd.concat([ids, varied, pd.DataFrame(sim.outcomes)], axis=1))
        T = sim.months
        run_ids = np.array([t.run_id for t in tasks], dtype=np.int64)
        frame = pd.DataFrame(
            {
                "run_id": np.repeat(run_ids, T),
                "month": np.tile(np.arange(T), len(tasks)),
                "date": np.tile(np.asarray(dates(scenario.start, T), dtype=object), len(tasks)),
            }
        )
        for name, values in sim.sweep_series.items():
            frame[name] = values.reshape(-1)
        series.append(frame)
    return pd.concat(rows, ignore_index=True), pd.concat(series, ignore_index=True)


def plan(e: Experiment) -> tuple[pd.DataFrame, list[Task]]:
    """The design's points and every run's task, in run-id order: scenario, then point, then replication.
    Replication r also takes the experiment's posterior draw r, if it has draws (``run --posterior``)."""
    design = points(e)
    seeds = replication_seeds(e.seed, e.replications)
    params = e.parameters
    tasks = []
    run_id = 0
    for s in range(len(e.scenarios)):
        for row in design.itertuples(index=False):
            overrides = {name: float(getattr(row, name)) for name in params}
            for r, seed in enumerate(seeds):
                drawn = e.draws[r] if e.draws else {}
                tasks.append(Task(run_id, int(row.point_id), r, s, seed, overrides | drawn))
                run_id += 1
    return design, tasks


MAX_CHUNK, MIN_CHUNK = 1000, 32


def chunk_sizes(n_runs: int, workers: int) -> list[int]:
    """Runs per chunk, in order: each a share of the runs not yet given out (guided scheduling), at most
    ``MAX_CHUNK`` and at least ``MIN_CHUNK``. The first chunks are big enough to amortise a chunk's cost (a
    batch, two tables, two files), the last small so that the workers finish together instead of one idling
    while another runs a big last chunk; no chunk loses much on a kill."""
    sizes, left = [], n_runs
    while left > 0:
        size = min(left, max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(left / (2 * workers)))))
        size = left if left - size < MIN_CHUNK else size  # no stub of a chunk at the end
        sizes.append(size)
        left -= size
    return sizes


@contextmanager
def make_executor(workers: int | None, dask: str | None) -> Iterator[tuple[Executor, int]]:
    """A process pool, or a Dask cluster's executor; yields (executor, number of workers)."""
    if dask is None:
        n = workers or os.cpu_count() or 1
        import multiprocessing
        import threading

        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods and threading.active_count() == 1:
            # One thread (the command line, a script): load the compiled engine here once, then fork workers
            # that have it already: they start in milliseconds.
            import liptako.experiments.warm  # noqa: F401

            context = multiprocessing.get_context("fork")
        elif "forkserver" in methods:
            # Threads here (a notebook, a server): forking this process could deadlock. A fork server forks
            # clean workers, with the engine loaded once in the server.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["liptako.experiments.warm"])
        else:
            context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
            yield pool, n
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--dask", None, "Dask is not installed; install the extra: uv sync --extra dask") from None
    if dask == "local":
        n = workers or os.cpu_count() or 1
        with (
            LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            ) as cluster,  # fmt: skip
            Client(cluster) as client,
        ):
            yield client.get_executor(), n
        return
    try:
        client = Client(dask, timeout="5s")
    except (OSError, TimeoutError) as err:
        raise InputError("--dask", dask, f"cannot reach a Dask scheduler there ({err}); give tcp://HOST:PORT of "
                         "a running scheduler, or 'local' to start one on this machine") from None  # fmt: skip
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})))
        yield client.get_executor(), n
    finally:
        client.close()


class Progress:
    """A progress bar on a terminal; a plain line every few seconds otherwise (logs, CI)."""

    def __init__(self, total: int, done: int, label: str, stream=None) -> None:
        self.total, self.done, self.label = total, done, label
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.last = 0.0
        self.new = 0
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=done, unit="run", desc=label, file=self.stream, smoothing=0.1)

    def update(self, n: int) -> None:
        self.done += n
        self.new += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = time.monotonic()
        if now - self.last >= 5.0 or self.done == self.total:
            self.last = now
            rate = self.new / max(now - self.start, 1e-9)
            left = (self.total - self.done) / rate if rate > 0 else float("inf")
            print(f"{self.label}: {self.done:,}/{self.total:,} runs ({self.done / self.total:.0%}), "
                  f"{rate:.1f} runs/s, about {left:.0f} s left", file=self.stream, flush=True)  # fmt: skip

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def execute(
    e: Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    dask: str | None = None,
    force: bool = False,
    where: str = "--out",
    quiet: bool = False,
) -> dict:
    """Run (or resume) an experiment into ``out``; returns counts of runs done, skipped and total.

    A KeyboardInterrupt cancels the runs in flight and keeps every finished one; run again to resume.
    """
    design, tasks = plan(e)
    store = Store(out)
    store.check(e, force, where)  # refuse a wrong folder before starting workers or writing anything
    scenarios = tuple(s if s.months == e.months else changed(s, months=e.months) for s in e.scenarios)
    with make_executor(workers, dask) as (executor, n_workers):
        finished = store.prepare(e, design, len(tasks), force, where)
        todo = [t for t in tasks if t.run_id not in finished]
        result = {"total": len(tasks), "skipped": len(tasks) - len(todo), "done": 0}
        if not todo:
            return result
        number = store.next_part()
        # Workers of a local pool write their own part files (atomically, as the main process would), so that
        # converting and writing Parquet runs in parallel instead of in this process.
        here = str(store.root) if isinstance(executor, ProcessPoolExecutor) else None
        chunks, first = [], 0
        for size in chunk_sizes(len(todo), n_workers):
            chunks.append(Chunk(number, scenarios, tuple(todo[first : first + size]), here))
            number += 1
            first += size
        progress = Progress(len(tasks), result["skipped"], e.name, stream=open(os.devnull, "w") if quiet else None)
        pending: set[Future] = set()
        queue = iter(chunks)
        try:
            for chunk in queue:  # keep a bounded number of chunks in flight: memory stays flat
                pending.add(executor.submit(run_chunk, chunk))
                if len(pending) >= 2 * n_workers:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk_number, count, runs, series = future.result()
                    if runs is not None:
                        store.write_chunk(chunk_number, runs, series)
                    result["done"] += count
                    progress.update(count)
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.add(executor.submit(run_chunk, nxt))
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            if isinstance(executor, ProcessPoolExecutor):
                executor.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            progress.close()
    return result
