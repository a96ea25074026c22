"""A Sobol study of 20 parameters, end to end: N = 512 (Saltelli, first and total order), 4 replications each,
45,056 runs of the 120-month baseline on 2 workers, then its Sobol indices.

    uv run python benchmarks/bench_sobol.py [--samples 512] [--replications 4] [--workers 2]

The experiment file is written to a temporary folder (the 20 parameters and their ranges are below: each is
varied from half to one and a half times its default, within the registry's range). The script times
``liptako sweep`` and ``liptako analyze`` as the command line runs them, in a fresh process each, and prints
both times (goal: the sweep under 2 minutes on 2 cores) and the largest total-order indices of coup attempts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from liptako.model.parameters import BY_NAME

PARAMETERS = (
    "coup_base_hazard", "coup_legitimacy_effect", "coup_cohesion_effect", "coup_trap_multiplier",
    "coup_success_intercept", "honour_intercept", "honour_commitment", "deployment_share",
    "cohesion_deployment_strain", "legitimacy_intercept", "legitimacy_territory", "rally_half_life",
    "commitment_alignment", "commitment_threat", "exit_threshold", "territory_growth", "force_multiplier",
    "spillover", "western_budget_factor", "nonwestern_budget_factor",
)  # fmt: skip


def experiment(samples: int, replications: int) -> str:
    lines = ["[experiment]", 'name = "sobol-20"', 'scenario = "baseline"', 'design = "sobol"',
             f"samples = {samples}", f"replications = {replications}", "months = 120", "seed = 1", ""]  # fmt: skip
    for name in PARAMETERS:
        p = BY_NAME[name]
        default = p.default if p.default else 0.5 * (p.low + p.high)
        low, high = max(p.low, 0.5 * default), min(p.high, 1.5 * default)
        if low > high:
            low, high = high, low
        lines += ["[[vary]]", f'parameter = "{name}"', f"low = {low:g}", f"high = {high:g}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    runs = args.samples * (len(PARAMETERS) + 2) * args.replications
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "sobol-20.toml", Path(tmp) / "out"
        path.write_text(experiment(args.samples, args.replications))
        liptako = [sys.executable, "-m", "liptako"]
        start = time.perf_counter()
        subprocess.run([*liptako, "sweep", str(path), "--workers", str(args.workers), "--out", str(out)],
                       check=True, capture_output=True)  # fmt: skip
        sweep = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run([*liptako, "analyze", str(out)], check=True, capture_output=True, text=True)
        analysis = time.perf_counter() - start
        from liptako.experiments.analysis import sobol_indices

        table = sobol_indices(out, "coup_attempts").sort_values("ST", ascending=False).head(5)
    print(f"Sobol, {len(PARAMETERS)} parameters, N = {args.samples}, {args.replications} replications: "
          f"{runs:,} runs of 120 months on {args.workers} workers")  # fmt: skip
    print(f"  liptako sweep:   {sweep:6.1f} s  ({runs / sweep:,.0f} runs/s; goal: under 120 s)")
    print(f"  liptako analyze: {analysis:6.1f} s")
    print("  largest total-order indices of coup attempts (with 95% intervals):")
    print(table.to_string(float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
