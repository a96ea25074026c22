"""The baseline's emergent rates stay in calibration.md's bands (docs/calibration.md has the full check)."""

import pytest

from liptako.experiments.calibration import TARGETS, measure


@pytest.fixture(scope="module")
def values():
    return measure(runs=40, months=120)


@pytest.mark.parametrize("key", list(TARGETS))
def test_baseline_lands_in_band(values, key):
    label, (low, high), source = TARGETS[key]
    assert low <= values[key] <= high, f"{label}: {values[key]:.3f} outside [{low}, {high}] ({source})"
