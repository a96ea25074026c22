"""Time a 120-month baseline run against Mesa's Boltzmann wealth model in the same process.

    uv run python benchmarks/bench_run.py [--repeats 21]

The reference is Mesa's bundled ``mesa.examples.basic.boltzmann_wealth_model`` with 100 agents for 120
steps. Both are built and run from scratch in each repetition, alternately, so that machine noise hits both
alike; the script prints the median time of each and their ratio (goal: Liptako / Boltzmann <= 1.0).
The baseline scenario file is parsed once and cached, as in any batch of runs.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

from liptako.model import LiptakoModel, load


def boltzmann(seed: int) -> None:
    model = BoltzmannWealth(BoltzmannScenario(n=100, rng=seed))
    for _ in range(120):
        model.step()


def liptako(seed: int) -> None:
    LiptakoModel("baseline", rng=seed, months=120).run()


def timed(fn, seed: int) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(seed)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    load("baseline")  # parse and validate the scenario once
    boltzmann(0), liptako(0)  # warm up imports and caches
    times = {"boltzmann": [], "liptako": []}
    for i in range(args.repeats):
        times["boltzmann"].append(timed(boltzmann, i + 1))
        times["liptako"].append(timed(liptako, i + 1))
    b, lip = statistics.median(times["boltzmann"]), statistics.median(times["liptako"])
    print(f"Boltzmann wealth, 100 agents x 120 steps: median {b * 1e3:7.1f} ms over {args.repeats} runs")
    print(f"Liptako baseline, 120 months:              median {lip * 1e3:7.1f} ms over {args.repeats} runs")
    print(f"ratio Liptako / Boltzmann: {lip / b:.2f}  (goal <= 1.0)")


if __name__ == "__main__":
    main()
