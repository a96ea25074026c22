"""The engine against Mesa's Boltzmann wealth model, timed in the same process: one run, and a batch.

    uv run python benchmarks/bench_run.py [--repeats 15] [--reps 10000]

The reference is Mesa's bundled ``mesa.examples.basic.boltzmann_wealth_model`` with 100 agents for 120 steps,
built and run from scratch each time. Measurements alternate with the reference, so that machine noise hits
both alike, and the script prints medians and their ratios:

- one run (R = 1): the Mesa model of the baseline stepped month by month for 120 months
  (``LiptakoModel("baseline").run()``), and ``liptako.run("baseline")`` (the same, plus its tables);
  goal: at most one Boltzmann run;
- a batch: ``liptako.replicate("baseline", 10000)`` in one call, on every core, as time per replication;
  goal: at most 1/100 of a Boltzmann run.

Then, in a fresh process each (so that the figure is the batch's own), the peak resident memory of a
10,000-replication batch with its monthly series (goal: under 2 GB). Compiled code is loaded before timing
(its first load in a process takes about half a second; a cold compile after a model change about a minute).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time

from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

import liptako
from liptako.model.engine import threads_available
from liptako.model.model import LiptakoModel

MEMORY_CHILD = """\
import json, resource, sys, time
import liptako
start = time.perf_counter()
batch = liptako.replicate("baseline", int(sys.argv[1]))
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "peak_mb": peak, "series_mb": batch.simulation.state_series.nbytes / 2**20
                  + batch.simulation.funding_series.nbytes / 2**20 + batch.simulation.member_series.nbytes / 2**20}))
"""


def boltzmann(seed: int) -> None:
    model = BoltzmannWealth(BoltzmannScenario(n=100, rng=seed))
    for _ in range(120):
        model.step()


def timed(fn, *args) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--reps", type=int, default=10_000, help="replications of the batch (default 10,000)")
    parser.add_argument("--batch-repeats", type=int, default=3)
    args = parser.parse_args()
    boltzmann(0), LiptakoModel("baseline", rng=0).run(), liptako.run("baseline", seed=0)  # load code and caches
    liptako.replicate("baseline", 32)
    times: dict[str, list[float]] = {"boltzmann": [], "model": [], "run": [], "batch": []}
    for i in range(args.repeats):
        times["boltzmann"].append(timed(boltzmann, i + 1))
        times["model"].append(timed(lambda s: LiptakoModel("baseline", rng=s).run(), i + 1))
        times["run"].append(timed(lambda s: liptako.run("baseline", seed=s), i + 1))
        if i < args.batch_repeats:
            times["batch"].append(timed(lambda s: liptako.replicate("baseline", args.reps, seed=s), i + 1) / args.reps)
    b = statistics.median(times["boltzmann"])
    model, one, per_rep = (statistics.median(times[k]) for k in ("model", "run", "batch"))
    print(f"Boltzmann wealth, 100 agents x 120 steps:   median {b * 1e3:8.2f} ms over {args.repeats} runs")
    print(f"LiptakoModel('baseline').run(), 120 months: median {model * 1e3:8.2f} ms  "
          f"ratio {model / b:.3f}  (goal <= 1.0)")  # fmt: skip
    print(f"liptako.run('baseline'), with its tables:   median {one * 1e3:8.2f} ms  ratio {one / b:.3f}")
    print(f"liptako.replicate('baseline', {args.reps:,}) on {threads_available()} threads: median "
          f"{per_rep * 1e3:.3f} ms per replication ({per_rep * args.reps:.1f} s in all) over {args.batch_repeats}  "
          f"ratio 1/{b / per_rep:.0f}  (goal <= 1/100)")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(args.reps)], capture_output=True, text=True,
                          check=True)  # fmt: skip
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"peak memory of a fresh process running {args.reps:,} replications: {memory['peak_mb']:,.0f} MB "
          f"(monthly series {memory['series_mb']:,.0f} MB; goal < 2,048 MB)")  # fmt: skip


if __name__ == "__main__":
    main()
