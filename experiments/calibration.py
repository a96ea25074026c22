"""The baseline's emergent rates beside calibration.md's base rates, over many seeds.

    uv run python benchmarks/calibration.py [--runs 200] [--months 120]

(or ``python -m liptako.experiments.calibration``).

Prints one table: coup attempts per junta-year, share of attempts that succeed, share of calls for help
honoured (all blocs, and the AES alone), first-year conflict deaths in Mali, Burkina Faso and Niger, and
Burkina Faso's territory contested at the start. docs/calibration.md quotes its output.
"""

from __future__ import annotations

import argparse

import numpy as np

TARGETS = {
    "coup_attempt_rate": (
        "Coup attempts per junta-year",
        (0.08, 0.25),
        "Powell & Thyne: 14.3% a year within five years of a successful coup, Africa 2000-2019 (calibration.md)",
    ),
    "coup_rate_all": (
        "Coup attempts per state-year, all states",
        (0.035, 0.10),
        "Powell & Thyne: 5.63% of West African country-years had an attempt, 2000-2019 (calibration.md)",
    ),
    "coup_success_share": (
        "Share of attempts that succeed",
        (0.35, 0.60),
        "Powell & Thyne: 47% in West Africa 2000-2019, 106 of 214 in Africa",
    ),
    "honour_rate": (
        "Share of calls honoured (all blocs)",
        (0.60, 0.85),
        "Leeds, Long & Mitchell 2000: 74.5%",
    ),
    "honour_rate_focal": ("Share of AES calls honoured", (0.60, 0.85), "Leeds, Long & Mitchell 2000: 74.5%"),
    "deaths_year1": (
        "Conflict deaths, MLI+BFA+NER, first year",
        (8000, 15000),
        "ACLED/Africa Center: 11,643 in 2023",
    ),
    "displaced_start": (
        "Displaced in MLI+BFA+NER at the start",
        (2.6e6, 3.0e6),
        "national registries, ~2.8 M",
    ),
    "bfa_territory_start": (
        "Burkina Faso territory contested, start",
        (0.40, 0.50),
        "official 2022: over 40%",
    ),
}


def measure(runs: int, months: int) -> dict[str, float]:
    """Pooled rates (attempts over junta-years, successes over attempts, honours over answers) and means, over
    ``runs`` replications of the baseline (root seed 1)."""
    from .batch import replicate

    batch = replicate("baseline", runs, seed=1, months=months)
    s = batch.summary
    founders = ("MLI", "BFA", "NER")
    deaths = batch.array("deaths")[:, :12, [batch.states.index(i) for i in founders]].sum(axis=(1, 2))
    displaced = batch.array("displaced")[:, 0, [batch.states.index(i) for i in founders]].sum(axis=1)
    bfa = batch.array("territory")[:, 0, batch.states.index("BFA")]
    state_months = len(batch.states) * months * runs
    return {
        "coup_attempt_rate": s["junta_attempts"].sum() / s["junta_months"].sum() * 12,
        "coup_rate_all": s["coup_attempts"].sum() / state_months * 12,
        "coup_success_share": s["coup_successes"].sum() / max(1.0, s["coup_attempts"].sum()),
        "honour_rate": s["responses_honoured"].sum() / max(1.0, s["responses"].sum()),
        "honour_rate_focal": s["focal_responses_honoured"].sum() / max(1.0, s["focal_responses"].sum()),
        "deaths_year1": float(np.mean(deaths)),
        "displaced_start": float(np.mean(displaced)),
        "bfa_territory_start": float(np.mean(bfa)),
    }


def table(values: dict[str, float]) -> str:
    """The Markdown table of model values beside their bands."""
    lines = [
        f"| {'Quantity':45s} | {'Model':>10s} | {'Band':>17s} | In band | Source |",
        f"|{'-' * 47}|{'-' * 12}|{'-' * 19}|---------|--------|",
    ]
    for key, (label, (lo, hi), source) in TARGETS.items():
        v = values[key]
        fmt = (lambda x: f"{x:,.0f}") if hi > 10 else (lambda x: f"{x:.3f}")
        ok = "yes" if lo <= v <= hi else "no"
        lines.append(f"| {label:45s} | {fmt(v):>10s} | {fmt(lo) + '-' + fmt(hi):>17s} | {ok:7s} | {source} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    values = measure(args.runs, args.months)
    print(f"baseline, {args.runs} replications of {args.months} months (root seed 1)\n")
    print(table(values))


if __name__ == "__main__":
    main()
