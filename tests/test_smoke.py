"""Tier 1, smoke: every bundled scenario loads, runs to its horizon and gives well-formed outputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from liptako import run
from liptako.model.outputs import RUN_OUTCOMES, STATE_SERIES
from liptako.model.records import KINDS
from liptako.model.scenario import bundled_names, format_month, load, parse_month

SCENARIOS = bundled_names()

# Outcomes that are undefined (NaN) exactly when their denominator is zero.
RATIOS = {"coup_success_share": "coup_attempts", "honour_rate": "responses", "focal_honour_rate": "focal_responses",
          "coup_attempt_rate": "junta_months"}  # fmt: skip
# Outcomes that are missing (NaN) when what they time did not happen.
MISSING_WHEN_IT_DID_NOT_HAPPEN = {"first_exit_month", "nonwestern_funding_share"} | {
    o.name for o in RUN_OUTCOMES if o.name.startswith("exit_month")
}


def test_the_baseline_is_bundled():
    assert "baseline" in SCENARIOS
    assert len(SCENARIOS) >= 2


@pytest.fixture(scope="module", params=SCENARIOS)
def result(request):
    return run(request.param, seed=2)


def test_scenario_runs_with_one_row_per_month(result):
    spec = load(result.scenario)
    ts = result.timeseries
    assert len(ts) == spec.months == result.months
    assert ts["month"].tolist() == list(range(spec.months))
    assert ts["date"].tolist() == [format_month(spec.start + i) for i in range(spec.months)]
    assert result.start == spec.scenario.start


def test_timeseries_has_every_declared_series_and_no_nan(result):
    ts = result.timeseries
    spec = load(result.scenario)
    for out in STATE_SERIES:
        for iso in spec.states:
            assert f"{out.name}.{iso}" in ts.columns
    for bloc in spec.blocs:
        assert f"members.{bloc}" in ts.columns
    values = ts.drop(columns=["date"]).to_numpy(dtype=float)
    bad = [c for c, ok in zip(ts.columns.drop("date"), np.isfinite(values).all(axis=0), strict=True) if not ok]
    assert np.isfinite(values).all(), f"non-finite values in {bad}"


def test_summary_is_finite_where_it_should_be(result):
    s = result.summary
    for out in RUN_OUTCOMES:
        assert out.name in s, f"summary lacks {out.name}"
    for key, value in s.items():
        if key == "first_exit_state":  # who left first: an ISO code, or None if nobody did
            assert (value is None) == math.isnan(s["first_exit_month"])
            continue
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        if key.startswith("coup_month."):  # months to the first successful coup: missing exactly when none
            assert math.isnan(value) == (s["coup_successes." + key.split(".")[1]] == 0), (key, value)
            continue
        if key in MISSING_WHEN_IT_DID_NOT_HAPPEN or key.startswith("exit_month."):
            continue
        if key in RATIOS and math.isnan(value):
            denominator = RATIOS[key]
            if denominator is not None:
                assert s[denominator] == 0, f"{key} is NaN although {denominator} = {s[denominator]}"
            continue
        assert math.isfinite(value), f"summary[{key!r}] = {value}"
    assert 0 <= s["survival_months"] <= result.months
    assert s["dissolved"] in (0, 1)
    assert s["coup_successes"] <= s["coup_attempts"]
    assert s["responses_honoured"] <= s["responses"]


def test_events_are_dated_within_the_horizon(result):
    spec = load(result.scenario)
    months = [parse_month(d) for d in result.events["date"]]
    assert all(spec.start <= m < spec.start + spec.months for m in months)
    assert months == sorted(months)
    assert set(result.events["kind"]) <= set(KINDS)
    for line, (date, who) in zip(result.story, result.events.loc[result.events["kind"] != "answer", ["date", "who"]]
                                 .itertuples(index=False), strict=True):  # fmt: skip
        assert line.startswith(f"{date} {who}: ")
