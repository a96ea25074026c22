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

from liptako.model import LiptakoModel

TARGETS = {
    "coup_attempt_rate": (
        "Coup attempts per junta-year",
        (0.15, 0.35),
        "calibration.md targets (West Africa x coup trap)",
    ),
    "coup_rate_all": (
        "Coup attempts per state-year, all states",
        (0.07, 0.13),
        "calibration.md: Africa ~0.07, West Africa ~0.13",
    ),
    "coup_success_share": ("Share of attempts that succeed", (0.40, 0.60), "Powell & Thyne: 106 of 214"),
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


def measure(runs: int, months: int) -> dict[str, tuple[float, float]]:
    """Pooled rates (attempts over junta-years, successes over attempts, honours over answers) and means."""
    tallies = dict.fromkeys(
        (
            "attempts",
            "all_attempts",
            "state_months",
            "junta_months",
            "successes",
            "answers",
            "honoured",
            "focal_answers",
            "focal_honoured",
        ),
        0.0,
    )
    deaths, displaced, bfa = [], [], []
    for seed in range(runs):
        model = LiptakoModel("baseline", rng=seed, months=months)
        model.run()
        tallies["attempts"] += model.junta_attempts
        tallies["junta_months"] += model.junta_months
        tallies["successes"] += sum(s.coup_successes for s in model.states)
        tallies["all_attempts"] += sum(s.coup_attempts for s in model.states)
        tallies["state_months"] += len(model.states) * model.steps
        tallies["answers"] += model.responses
        tallies["honoured"] += model.responses_honoured
        tallies["focal_answers"] += model.focal_responses
        tallies["focal_honoured"] += model.focal_honoured
        frame = model.timeseries()
        first = frame.iloc[:12]
        deaths.append(sum(first[f"deaths.{iso}"].sum() for iso in ("MLI", "BFA", "NER")))
        displaced.append(sum(frame[f"displaced.{iso}"].iloc[0] for iso in ("MLI", "BFA", "NER")))
        bfa.append(frame["territory.BFA"].iloc[0])
    return {
        "coup_attempt_rate": tallies["attempts"] / tallies["junta_months"] * 12,
        "coup_rate_all": tallies["all_attempts"] / tallies["state_months"] * 12,
        "coup_success_share": tallies["successes"] / max(1.0, tallies["all_attempts"]),
        "honour_rate": tallies["honoured"] / max(1.0, tallies["answers"]),
        "honour_rate_focal": tallies["focal_honoured"] / max(1.0, tallies["focal_answers"]),
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
    print(f"baseline, {args.runs} runs of {args.months} months (seeds 0..{args.runs - 1})\n")
    print(table(values))


if __name__ == "__main__":
    main()
