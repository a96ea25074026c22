"""Throughput and memory of sweeps: runs per second on 1 and 2 workers and through a local Dask cluster, and
peak memory for 1,000 and 5,000 runs.

    uv run python benchmarks/bench_sweep.py            # everything (about 6 minutes on 2 cores)
    uv run python benchmarks/bench_sweep.py --runs 200 # quicker, smaller sweeps

Each measurement is a fresh sweep of the baseline (an LHS design with replications, 120 months) in a subprocess,
so its start-up, its worker pool and its memory are its own. The subprocess first imports the libraries any
sweep command loads to read an experiment and write Parquet (pandas, pyarrow, scipy); the clock then runs from
``execute()`` to its return: the design, the results folder, loading the compiled engine and starting the
workers, every run, every file. Throughput counts runs over that wall time (worker start-up included); parallel
efficiency is (rate on 2 workers) / (2 x rate on 1 worker). The engine's disk cache is filled beforehand, as
after any first run. Peak
memory is the largest resident set (VmHWM) of the sweep's main process and of any one worker, read from /proc.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPERIMENT = """\
[experiment]
name = "bench-{runs}"
scenario = "baseline"
design = "lhs"
samples = {points}
replications = 10
months = 120
seed = 1

[[vary]]
parameter = "coup_base_hazard"
low = 0.006
high = 0.02

[[vary]]
parameter = "nonwestern_budget_factor"
low = 0.5
high = 1.5
"""

CHILD = """\
import json, resource, sys, time
import pandas, pyarrow.parquet, scipy.stats.qmc  # what any sweep command loads before it starts
from liptako.experiments import execute, load_experiment

if __name__ == "__main__":  # worker processes may import this file: run only in the parent
    e = load_experiment(sys.argv[1])
    start = time.perf_counter()
    counts = execute(e, sys.argv[2], workers=int(sys.argv[3]), dask=None if sys.argv[4] == "-" else sys.argv[4],
                     quiet=True)
    wall = time.perf_counter() - start
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"runs": counts["done"], "wall": wall, "main_mb": me}))
"""


def descendants(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = (task / "children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            out += [kid, *descendants(kid)]
    return out


def measure(runs: int, workers: int, dask: str | None, folder: Path) -> dict:
    """One sweep in a fresh process; its workers' peak resident memory (VmHWM) is polled from here, outside
    it, so that the sweep itself stays single-threaded (it forks warm workers only then)."""
    path = folder / f"bench-{runs}.toml"
    path.write_text(EXPERIMENT.format(runs=runs, points=runs // 10))
    out = folder / f"out-{runs}-{workers}-{dask or 'pool'}"
    script = folder / "child.py"
    script.write_text(CHILD)
    child = subprocess.Popen([sys.executable, str(script), str(path), str(out), str(workers), dask or "-"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    peaks: dict[int, float] = {}
    while child.poll() is None:
        for pid in descendants(child.pid):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = max(peaks.get(pid, 0.0), int(line.split()[1]) / 1024)
            except OSError:
                pass
        time.sleep(0.1)
    stdout, stderr = child.communicate()
    if child.returncode:
        raise SystemExit(f"the sweep failed:\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return {**result, "worker_mb": max(peaks.values(), default=0.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs in the throughput sweeps (default 1000)")
    parser.add_argument("--memory-runs", type=int, nargs="*", default=[1000, 5000])
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", "import liptako.experiments.warm"], check=True)  # fill the disk cache
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        one = measure(args.runs, 1, None, folder)
        two = measure(args.runs, 2, None, folder)
        dask = measure(args.runs, 2, "local", folder)
        rate = {k: v["runs"] / v["wall"] for k, v in (("1 worker", one), ("2 workers", two), ("dask local x2", dask))}
        print(f"baseline sweep, {args.runs} runs of 120 months:")
        for name, r in rate.items():
            print(f"  {name:14s} {r:6.1f} runs/s")
        print(f"  parallel efficiency on 2 workers: {rate['2 workers'] / (2 * rate['1 worker']):.0%} (goal >= 85%)")
        print(f"  Dask local on 2 workers vs the process pool: {rate['dask local x2'] / rate['2 workers']:.0%}")
        for runs in args.memory_runs:
            m = two if runs == args.runs else measure(runs, 2, None, folder)
            print(f"peak memory, {runs:,} runs on 2 workers: main process {m['main_mb']:.0f} MB, "
                  f"largest worker {m['worker_mb']:.0f} MB")  # fmt: skip
        print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
