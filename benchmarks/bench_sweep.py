"""Throughput and memory of sweeps: runs per second on 1 and 2 workers and through a local Dask cluster, and
peak memory for 1,000 and 5,000 runs.

    uv run python benchmarks/bench_sweep.py                  # everything (about 2 minutes on 2 cores)
    uv run python benchmarks/bench_sweep.py --runs 10000     # bigger sweeps
    uv run python benchmarks/bench_sweep.py --repeats 1      # one measurement of each, quicker

Each measurement is a fresh sweep of the baseline (an LHS design with replications, 120 months) in a subprocess,
so its start-up, its worker pool and its memory are its own. The subprocess first imports the libraries any
sweep command loads to read an experiment and write Parquet (pandas, pyarrow, scipy); the clock then runs from
``execute()`` to its return: the design, the results folder, loading the compiled engine and starting the
workers, every run, every file. Throughput counts runs over that wall time (worker start-up included); parallel
efficiency is (rate on 2 workers) / (2 x rate on 1 worker). Each sweep is measured ``--repeats`` times, the
configurations alternating so that machine noise hits them alike; the script prints the median rates and the
range of the efficiency over the repeats. The engine's disk cache is filled beforehand, as after any first run.
Peak memory is the largest resident set (VmHWM) of the sweep's main process and of any one worker, read from /proc.
"""

from __future__ import annotations

import argparse
import json
import statistics
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
    out = Path(tempfile.mkdtemp(dir=folder)) / "results"  # a fresh folder each time: a sweep resumes otherwise
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
    parser.add_argument("--repeats", type=int, default=3, help="measurements of each configuration (default 3)")
    parser.add_argument("--memory-runs", type=int, nargs="*", default=[1000, 5000])
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", "import liptako.experiments.warm"], check=True)  # fill the disk cache
    configs = {"1 worker": (1, None), "2 workers": (2, None), "dask local x2": (2, "local")}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        found: dict[str, list[dict]] = {name: [] for name in configs}
        for _ in range(args.repeats):
            for name, (workers, dask) in configs.items():
                found[name].append(measure(args.runs, workers, dask, folder))
        rates = {name: [m["runs"] / m["wall"] for m in ms] for name, ms in found.items()}
        rate = {name: statistics.median(r) for name, r in rates.items()}
        print(f"baseline sweep, {args.runs} runs of 120 months, median of {args.repeats}:")
        for name, r in rate.items():
            print(f"  {name:14s} {r:6.1f} runs/s  (wall {statistics.median(m['wall'] for m in found[name]):.2f} s)")
        each = [two / (2 * one) for one, two in zip(rates["1 worker"], rates["2 workers"], strict=True)]
        print(f"  parallel efficiency on 2 workers: {rate['2 workers'] / (2 * rate['1 worker']):.0%} of the medians; "
              f"{min(each):.0%} to {max(each):.0%} over the repeats (goal >= 85%)")  # fmt: skip
        print(f"  each repeat: {', '.join(f'{x:.0%}' for x in each)}")
        print(f"  Dask local on 2 workers vs the process pool: {rate['dask local x2'] / rate['2 workers']:.0%}")
        for runs in args.memory_runs:
            m = found["2 workers"][0] if runs == args.runs else measure(runs, 2, None, folder)
            print(f"peak memory, {runs:,} runs on 2 workers: main process {m['main_mb']:.0f} MB, "
                  f"largest worker {m['worker_mb']:.0f} MB")  # fmt: skip
        print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
