"""Statistical equivalence of two engines (or two versions of the model), scenario by scenario.

    uv run python benchmarks/equivalence.py record DIR [--reps 2000] [--scenarios a b ...]
    uv run python benchmarks/equivalence.py compare OLD_DIR NEW_DIR

``record`` runs every bundled scenario ``--reps`` times (the seeds of ``liptako run --reps``, root seed 1) and
writes, per scenario, ``SCENARIO-runs.parquet`` (one row per run: every per-run outcome) and
``SCENARIO-series.parquet`` (per month and monthly column: mean, variance and count over the runs). It uses
``liptako.replicate`` when the installed Liptako has it, and one ``liptako.run`` per seed otherwise, so the same
script records the engine before and after a change.

``compare`` prints, per scenario, each per-run outcome's test of equal distributions (two-sample
Kolmogorov-Smirnov for continuous outcomes, chi-square on the table of values for counts, both from
scipy.stats) and the share of monthly means that agree within Monte Carlo error. The rule for many tests:
within a scenario, Holm's step-down correction at family-wise 5% (it controls the chance of declaring any
outcome different when none is, which is what "every outcome agrees" asks); a monthly mean agrees if it lies
within 3 standard errors of the other engine's, plus the rounding of 32-bit storage (7 significant digits).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

# Outcomes that take a handful of whole values are compared as counts (chi-square); the rest as continuous (KS).
COUNT_OUTCOMES = {
    "dissolved", "members_end", "coup_attempts", "coup_successes", "calls_for_help", "responses",
    "responses_honoured", "ecowas_exits",
}  # fmt: skip
SKIP = {"rep", "seed", "run_id"}


def _seeds(reps: int) -> list[int]:
    children = np.random.SeedSequence(1).spawn(reps)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def record(folder: Path, reps: int, scenarios: list[str]) -> None:
    import liptako

    folder.mkdir(parents=True, exist_ok=True)
    for name in scenarios:
        t0 = time.perf_counter()
        if hasattr(liptako, "replicate"):
            batch = liptako.replicate(name, reps, seed=1)
            runs = batch.summary.drop(columns=["rep"])
            frames = batch.timeseries
        else:
            rows, series = [], []
            for i, seed in enumerate(_seeds(reps)):
                result = liptako.run(name, seed=seed)
                rows.append({"seed": seed, **result.summary})
                ts = result.timeseries.drop(columns=["date"])
                ts.insert(0, "rep", i)
                series.append(ts)
            runs = pd.DataFrame(rows)
            frames = pd.concat(series, ignore_index=True)
        if "first_exit_month" in runs:  # the old engine wrote -1 for "no exit"
            runs["first_exit_month"] = runs["first_exit_month"].where(runs["first_exit_month"] >= 0)
        numeric = frames.drop(columns=[c for c in ("rep", "date") if c in frames]).astype(float)
        numeric["month"] = frames["month"].to_numpy()
        grouped = numeric.groupby("month")
        summary = pd.concat({"mean": grouped.mean(), "var": grouped.var(ddof=1), "n": grouped.count()}, axis=1)
        summary.columns = [f"{stat}|{col}" for stat, col in summary.columns]
        runs.to_parquet(folder / f"{name}-runs.parquet", index=False)
        summary.reset_index().to_parquet(folder / f"{name}-series.parquet", index=False)
        print(f"{name}: {reps} runs in {time.perf_counter() - t0:.1f} s", flush=True)


def holm(pvalues: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """Holm's step-down test: which hypotheses are rejected at family-wise error ``alpha``."""
    order = np.argsort(pvalues)
    m = len(pvalues)
    reject = np.zeros(m, dtype=bool)
    for k, i in enumerate(order):
        if pvalues[i] > alpha / (m - k):
            break
        reject[i] = True
    return reject


def compare_outcome(a: pd.Series, b: pd.Series, name: str) -> tuple[str, float, float]:
    """(test, statistic, p-value) for one outcome; NaN (never happened) is compared as its own value."""
    base = name.split(".")[0]
    if base in COUNT_OUTCOMES or name.startswith(("coup_attempts.", "coup_successes.")):
        values = sorted(set(a.dropna()) | set(b.dropna()))
        table = np.array([[(a == v).sum() for v in values] + [a.isna().sum()],
                          [(b == v).sum() for v in values] + [b.isna().sum()]], dtype=float)  # fmt: skip
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2:
            return "chi2", 0.0, 1.0
        # Pool sparse values at the top so that expected counts stay at 5 or more (Cochran's rule).
        while table.shape[1] > 2 and (stats.contingency.expected_freq(table) < 5).any():
            table = np.c_[table[:, :-2], table[:, -2:].sum(axis=1)]
        res = stats.chi2_contingency(table)
        return "chi2", float(res.statistic), float(res.pvalue)
    x, y = a.to_numpy(float), b.to_numpy(float)
    nan_x, nan_y = np.isnan(x), np.isnan(y)
    if nan_x.any() or nan_y.any():  # first exit: whether it happened (chi-square), then when (KS), Bonferroni 2
        _, _, p_happened = compare_outcome(pd.Series(nan_x), pd.Series(nan_y), "dissolved")
        x, y = x[~nan_x], y[~nan_y]
        if len(x) < 2 or len(y) < 2:
            return "chi2", 0.0, p_happened
        res = stats.ks_2samp(x, y)
        return "chi2+KS", float(res.statistic), float(min(1.0, 2 * min(p_happened, res.pvalue)))
    if np.ptp(np.r_[x, y]) == 0:
        return "KS", 0.0, 1.0
    res = stats.ks_2samp(x, y)
    return "KS", float(res.statistic), float(res.pvalue)


def markdown(frame: pd.DataFrame) -> str:
    """A DataFrame as a Markdown table."""
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def compare(old: Path, new: Path) -> int:
    failures = 0
    rows = []
    for path in sorted(old.glob("*-runs.parquet")):
        name = path.name.removesuffix("-runs.parquet")
        a, b = pd.read_parquet(path), pd.read_parquet(new / path.name)
        outcomes = [c for c in a.columns if c in b.columns and c not in SKIP]
        tests = [compare_outcome(a[c], b[c], c) for c in outcomes]
        p = np.array([t[2] for t in tests])
        reject = holm(p)
        worst = int(np.argmin(p))
        sa = pd.read_parquet(old / f"{name}-series.parquet")
        sb = pd.read_parquet(new / f"{name}-series.parquet")
        cols = [c.split("|", 1)[1] for c in sa.columns if c.startswith("mean|")]
        cols = [c for c in cols if f"mean|{c}" in sb.columns]
        n = min(len(sa), len(sb))
        z = []
        for c in cols:
            diff = sa[f"mean|{c}"].to_numpy()[:n] - sb[f"mean|{c}"].to_numpy()[:n]
            se = np.sqrt(sa[f"var|{c}"].to_numpy()[:n] / sa[f"n|{c}"].to_numpy()[:n]
                         + sb[f"var|{c}"].to_numpy()[:n] / sb[f"n|{c}"].to_numpy()[:n])  # fmt: skip
            scale = np.maximum(np.abs(sa[f"mean|{c}"].to_numpy()[:n]), np.abs(sb[f"mean|{c}"].to_numpy()[:n]))
            rounding = 1e-6 * scale  # float32 storage of monthly series: about 6e-8 relative per value
            with np.errstate(divide="ignore", invalid="ignore"):
                zc = np.where(np.abs(diff) <= rounding, 0.0, np.abs(diff) / se)
            z.append(zc)
        z = np.concatenate(z) if z else np.zeros(0)
        within = float((z <= 3.0).mean()) if len(z) else 1.0
        rows.append({
            "scenario": name, "runs": f"{len(a)} / {len(b)}", "outcomes": len(outcomes),
            "rejected (Holm 5%)": int(reject.sum()),
            "smallest p": f"{p[worst]:.3g} ({outcomes[worst]})",
            "monthly means within 3 SE": f"{within:.1%}",
        })  # fmt: skip
        failures += int(reject.sum())
        for c, t, r in zip(outcomes, tests, reject, strict=True):
            if r:
                print(f"  {name}: {c} differs ({t[0]} statistic {t[1]:.3g}, p = {t[2]:.2g}); "
                      f"means {a[c].mean():.4g} vs {b[c].mean():.4g}")  # fmt: skip
    print(markdown(pd.DataFrame(rows)))
    print("\nRule: within each scenario, an outcome's distributions differ if Holm's step-down test rejects at "
          "family-wise 5%; a monthly mean agrees if |difference| <= 3 standard errors, after 32-bit rounding "
          "(0.27% of agreeing means fall outside by chance, more where months are correlated).")  # fmt: skip
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record")
    r.add_argument("folder", type=Path)
    r.add_argument("--reps", type=int, default=2000)
    r.add_argument("--scenarios", nargs="*", default=None)
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        from liptako.model.scenario import bundled_names

        record(args.folder, args.reps, args.scenarios or bundled_names())
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    raise SystemExit(main())
