"""The coup record in the project: the Powell & Thyne list gives calibration.md's rates when read as a
country-year panel, and runs are read into the same panel the same way."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liptako import replicate
from liptako.experiments.coup_record import (
    WEST_AFRICA,
    attempt_rates,
    country_years,
    model_attempts,
    older_coups,
    powell_thyne,
)


@pytest.fixture(scope="module")
def record() -> pd.DataFrame:
    return powell_thyne()


def test_the_list_is_the_versioned_powell_thyne_list(record):
    assert len(record) == 476 and record["year"].between(1950, 2019).all()
    assert set(WEST_AFRICA) <= set(record["country"]) | {"CPV"}  # Cape Verde never had an attempt


def test_west_africa_2000_2019_gives_calibration_mds_rates(record):
    panel = country_years(record, WEST_AFRICA, 2000, 2019)
    rates = attempt_rates(panel)
    assert rates["country_years"] == 320
    assert rates["share"] == pytest.approx(18 / 320)  # calibration.md: 5.63%
    assert rates["with_prior"] == pytest.approx(0.162, abs=5e-4) and rates["n_with_prior"] == 74
    assert rates["without_prior"] == pytest.approx(0.0244, abs=5e-5)
    assert rates["with_prior"] / rates["without_prior"] == pytest.approx(6.6, abs=0.05)
    assert (panel["successes"].sum(), panel["attempts"].sum()) == (9, 19)


def test_calm_coastal_states_and_the_founders_records(record):
    calm = country_years(record, ["GHA", "SEN", "NGA", "BEN"], 2000, 2019)
    assert len(calm) == 80 and calm["attempts"].sum() == 0
    for iso, share in {"MLI": 0.067, "BFA": 0.133, "NER": 0.100}.items():
        assert attempt_rates(country_years(record, [iso], 1960, 2019))["share"] == pytest.approx(share, abs=5e-4)


def test_an_older_coup_does_not_raise_the_chance_beyond_the_trap(record):
    """Why the model has no "coup culture" term: in West Africa 2000-2019, among years without an attempt in the
    prior five, those with a successful coup 6-20 years before saw fewer attempts (2 in 118), not more, than
    those without (4 in 128); the same holds with a recent attempt, and for 1980-2019."""
    table = older_coups(record, WEST_AFRICA, 2000, 2019)
    assert table["country_years"].sum() == 320 and table["attempts"].sum() == 18
    assert list(table["attempts"]) == [4, 2, 8, 4] and list(table["country_years"]) == [128, 118, 37, 37]
    longer = older_coups(record, WEST_AFRICA, 1980, 2019)
    assert longer["rate"][1] < longer["rate"][0] and longer["rate"][3] < longer["rate"][2]


def test_older_coups_counts_a_success_in_the_window_only():
    attempts = pd.DataFrame({"country": ["AAA", "AAA"], "year": [1990, 1995], "success": [True, False]})
    table = older_coups(attempts, ["AAA"], 2000, 2012).set_index(
        ["attempt_in_prior_5_years", "successful_coup_6_20_years_before"]
    )
    # 1990's success is 6-20 years before 2000..2010; 1995's failed attempt is in the five years before 2000 only
    assert table.loc[(True, True), "country_years"] == 1  # 2000
    assert table.loc[(False, True), "country_years"] == 10  # 2001..2010
    assert table.loc[(False, False), "country_years"] == 2 and table["attempts"].sum() == 0  # 2011, 2012


def test_the_prior_five_years_are_the_five_calendar_years_before():
    attempts = pd.DataFrame({"country": ["AAA", "AAA", "BBB"], "year": [1998, 2003, 2010],
                             "success": [True, False, True]})  # fmt: skip
    panel = country_years(attempts, ["AAA", "BBB"], 2000, 2010).set_index(["country", "year"])
    prior_years = {y for (c, y), row in panel.iterrows() if c == "AAA" and row["prior"]}
    assert prior_years == {2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008}  # 1998 covers 1999-2003
    assert not panel.loc[("BBB", slice(None)), "prior"].any()  # its attempt is in the last year
    assert panel.loc[("AAA", 2003), "attempt"] and panel["attempts"].sum() == 2


def test_runs_are_read_into_the_same_panel_with_the_scenarios_past_coups():
    batch = replicate("baseline", 40, seed=2)
    attempts = model_attempts(batch)
    states = [iso for iso in WEST_AFRICA if iso in batch.scenario.states]
    panel = country_years(attempts, states, 2024, 2032, by=["rep"], groups=range(batch.reps))
    assert len(panel) == 40 * len(states) * 9
    coups = batch.records[batch.records["kind"] == "coup"]
    simulated = coups[coups["state"].isin(states) & coups["date"].between("2024-01", "2032-12")]
    assert panel["attempts"].sum() == len(simulated)
    assert panel["successes"].sum() == (simulated["outcome"] == "success").sum()
    # Mali's coups of 2020 and 2021 are its history: 2024 and 2025 follow an attempt in the prior five years
    mali = panel[(panel["country"] == "MLI") & panel["year"].isin([2024, 2025, 2026])]
    assert mali.groupby("year")["prior"].all().tolist()[:2] == [True, True]
    rates = attempt_rates(panel)
    assert 0 < rates["without_prior"] < rates["with_prior"] < 1


def test_a_replication_without_attempts_still_counts_its_country_years():
    attempts = pd.DataFrame({"rep": [0], "country": ["MLI"], "year": [2025], "success": [False]})
    panel = country_years(attempts, ["MLI", "NER"], 2024, 2026, by=["rep"], groups=range(3))
    assert len(panel) == 3 * 2 * 3 and panel["attempts"].sum() == 1
    assert attempt_rates(panel)["share"] == pytest.approx(1 / 18)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(["MLI", "BFA", "NER"]), st.integers(1990, 2012), st.booleans()),
        max_size=30,
    )
)
def test_the_panel_counts_attempts_and_the_prior_five_years_as_a_plain_loop_does(rows):
    """Each country-year's ``attempts``, ``successes`` and ``prior`` (an attempt in the five calendar years
    before) against a loop over the attempts, for every replication, including those without an attempt."""
    attempts = pd.DataFrame(rows, columns=["rep", "country", "year", "success"])
    panel = country_years(attempts, ["MLI", "BFA", "NER"], 2000, 2010, by=["rep"], groups=range(3))
    assert len(panel) == 3 * 3 * 11
    for row in panel.itertuples(index=False):
        same = [r for r in rows if r[0] == row.rep and r[1] == row.country]
        assert row.attempts == sum(1 for r in same if r[2] == row.year)
        assert row.successes == sum(1 for r in same if r[2] == row.year and r[3])
        assert row.prior == any(row.year - 5 <= r[2] < row.year for r in same)
