"""Tier 3, the golden baseline: a fresh ``run("baseline", seed=1, months=120)`` must match the stored record
(tests/golden/baseline.json) to within 1e-9. When a change of results is intended, regenerate the record with
``uv run python tests/update_golden.py`` and commit it with the change."""

from __future__ import annotations

import json
import math

import pytest
from update_golden import GOLDEN, compute_golden

REL, ABS = 1e-9, 1e-9
HINT = (
    "The baseline's results changed. If the change is intended, regenerate the record with "
    "`uv run python tests/update_golden.py` and commit tests/golden/baseline.json with it; if not, "
    "something changed the model's behaviour by accident."
)


def differences(expected, actual, path="") -> list[str]:
    """Every place where ``actual`` departs from ``expected`` beyond the tolerance."""
    out = []
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() | actual.keys():
            where = f"{path}.{key}" if path else key
            if key not in actual:
                out.append(f"{where}: missing (expected {expected[key]!r})")
            elif key not in expected:
                out.append(f"{where}: new (now {actual[key]!r})")
            else:
                out += differences(expected[key], actual[key], where)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} items expected, {len(actual)} now")
        out += [
            d
            for e, a, i in zip(expected, actual, range(len(expected)), strict=False)
            for d in differences(e, a, f"{path}[{i}]")
        ]
    elif isinstance(expected, bool | str | None) or isinstance(actual, bool | str | None):
        if expected != actual:
            out.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif not math.isclose(expected, actual, rel_tol=REL, abs_tol=ABS):
        out.append(f"{path}: expected {expected!r}, got {actual!r}")
    return out


@pytest.fixture(scope="module")
def golden():
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing. {HINT}")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fresh():
    # through JSON, as the record was written: NaN becomes null, tuples lists
    return json.loads(json.dumps(compute_golden()))


def test_golden_record_is_well_formed(golden):
    assert golden["scenario"] == "baseline" and golden["seed"] == 1 and golden["months"] == 120
    assert {"survival_months", "coup_attempts", "honour_rate", "total_deaths"} <= golden["summary"].keys()
    assert len(golden["series"]) >= 5 and golden["events"]["count"] > 0


@pytest.mark.parametrize("part", ["summary", "series", "all_columns", "events"])
def test_baseline_matches_the_golden_record(golden, fresh, part):
    diffs = differences(golden[part], fresh[part], part)
    assert not diffs, f"{len(diffs)} difference(s), first: " + "; ".join(diffs[:8]) + "\n" + HINT


def test_the_comparison_can_fail(golden):
    tampered = json.loads(json.dumps(golden))
    tampered["summary"]["total_deaths"] *= 1 + 1e-7
    assert differences(golden["summary"], tampered["summary"])
    assert not differences(golden["summary"], json.loads(json.dumps(golden["summary"])))
