"""Regenerate the golden baseline, ``tests/golden/baseline.json``.

Run it when a change to the model's results is intended (a new mechanism, a recalibrated default, a fixed
bug), then commit the new file together with the change::

    uv run python tests/update_golden.py

The file holds the summary of ``run("baseline", seed=1, months=120)``, a few checksummed monthly series and a
digest of the event log; ``tests/test_golden.py`` compares a fresh run with it to within 1e-9.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).with_name("golden") / "baseline.json"
SCENARIO, SEED, MONTHS = "baseline", 1, 120
# Series checked one by one (sum, weighted sum, last value); every other column enters the overall checksums.
SERIES = (
    "members.AES",
    "members.ECOWAS",
    "legitimacy.MLI",
    "legitimacy.BFA",
    "legitimacy.NER",
    "cohesion.BFA",
    "coup_risk.NER",
    "territory.BFA",
    "territory.BEN",
    "deaths.MLI",
    "displaced.NER",
    "readiness.NER",
    "funding_total.MLI",
    "funding.RUS.MLI",
    "funding.domestic.NER",
)


def _finite(value):
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _checksums(values: np.ndarray) -> dict[str, float]:
    """Sum, weighted sum (by row) and last value: a change anywhere, or a shift in time, shows."""
    weights = np.arange(1, len(values) + 1, dtype=float)
    return {"sum": float(values.sum()), "weighted": float((weights @ values).sum()), "last": float(values[-1].sum())}


def compute_golden() -> dict:
    """The golden record of a fresh run."""
    from liptako import run

    result = run(SCENARIO, seed=SEED, months=MONTHS)
    ts = result.timeseries
    everything = ts.drop(columns=["date"]).to_numpy(dtype=float)
    lines = result.story
    return {
        "about": "run('baseline', seed=1, months=120); regenerate with `uv run python tests/update_golden.py`",
        "scenario": SCENARIO,
        "seed": SEED,
        "months": MONTHS,
        "summary": {k: _finite(v) for k, v in result.summary.items()},
        "series": {col: _checksums(ts[col].to_numpy(dtype=float)) for col in SERIES if col in ts.columns},
        "all_columns": {"names": list(ts.columns), **_checksums(everything)},
        "events": {
            "count": len(lines),
            "first": lines[:12],
            "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
        },
    }


def main() -> int:
    golden = compute_golden()
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"wrote {GOLDEN} ({len(golden['summary'])} summary values, {len(golden['series'])} series, "
        f"{golden['events']['count']} events)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
