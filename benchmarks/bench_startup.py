"""Start-up: how long a fresh process takes to answer, with ``PYTHONDONTWRITEBYTECODE=1`` as on these machines.

    uv run python benchmarks/bench_startup.py [--repeats 7]

Each command runs ``--repeats`` times in a fresh process (the venv's own ``liptako`` script and Python, not
``uv run``, which adds its own start-up); the script prints the median wall time of each:

- ``liptako --help`` (goal <= 0.3 s) and ``liptako validate scenarios/russia-withdraws.toml`` (goal <= 1 s);
- loading the compiled engine from its disk cache and running one month, what every command that simulates
  and every sweep worker pays first: once as Liptako loads it (numba's compiler registries skipped while
  cached code loads, ``model/compiled.py``) and once with numba's full load (``LIPTAKO_FULL_NUMBA_LOAD=1``),
  after the libraries a sweep imports anyway (pandas, pyarrow, scipy) are loaded, as in ``bench_sweep.py``.

The engine's disk cache is filled first, as after any first run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENGINE = """\
import time
import pandas, pyarrow.parquet, scipy.stats.qmc  # what a sweep loads before it starts its workers
start = time.perf_counter()
import liptako.experiments.warm  # the compiled month, loaded and run for one month
print(time.perf_counter() - start)
"""


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def inner(env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", ENGINE], check=True, env=env, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    full = {**env, "LIPTAKO_FULL_NUMBA_LOAD": "1"}
    subprocess.run([sys.executable, "-c", "import liptako.experiments.warm"], check=True, env=env)  # fill the cache
    liptako = str(BIN / "liptako")
    times: dict[str, list[float]] = {"help": [], "validate": [], "engine": [], "engine_full": []}
    for _ in range(args.repeats):  # alternating, so that machine noise hits each alike
        times["help"].append(wall([liptako, "--help"], env))
        times["validate"].append(wall([liptako, "validate", "scenarios/russia-withdraws.toml"], env))
        times["engine"].append(inner(env))
        times["engine_full"].append(inner(full))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"fresh processes, PYTHONDONTWRITEBYTECODE=1, median of {args.repeats}:")
    print(f"  liptako --help                                  {med['help']:6.3f} s  (goal <= 0.3 s)")
    print(f"  liptako validate scenarios/russia-withdraws.toml {med['validate']:6.3f} s  (goal <= 1 s)")
    print(f"  load the compiled engine and run a month        {med['engine']:6.3f} s")
    print(f"  the same with numba's full load                 {med['engine_full']:6.3f} s  "
          f"(Liptako's load takes {med['engine'] / med['engine_full']:.0%} of it)")  # fmt: skip


if __name__ == "__main__":
    main()
