"""Shared fixtures and helpers for Liptako's tests.

The suite has three tiers (style.md, item 8): smoke tests that every scenario runs, direction-of-effect tests
for each mechanism, and a golden baseline. Runs are short (a few years) and shared through session-scoped
fixtures so that the whole suite stays fast.

Helpers:
- :func:`derive` builds a validated scenario object from a bundled one plus events, parameters or edits,
  without writing a file (a what-if in a few lines).
- :func:`model_run` builds and runs a :class:`LiptakoModel` and returns the model itself, so that tests can
  read the agents' state as well as the outputs.
- :func:`numeric` is a run's timeseries without its text column, as a float array, for exact comparisons.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd
import pytest

from liptako.model.model import LiptakoModel
from liptako.model.scenario import Scenario, load, validate

START = "2023-09"  # the baseline's first month


def derive(
    base: str | Scenario = "baseline",
    *,
    name: str = "test-derived",
    events: Iterable[dict] = (),
    parameters: Mapping[str, float] | None = None,
    edit: Callable[[dict], None] | None = None,
) -> Scenario:
    """A scenario object built from ``base`` with more events, parameter overrides or any edit of its data.

    The result is validated like a scenario file (schema and cross-references), so a test that builds an
    impossible scenario fails loudly instead of testing nonsense.
    """
    data = load(base).model_dump(by_alias=True)
    data["scenario"]["name"] = name
    data["events"] = [*data["events"], *events]
    if parameters:
        data["parameters"] = {**data["parameters"], **parameters}
    if edit is not None:
        edit(data)
    # ``replace`` re-validates the data with the cross-reference checks a file gets.
    return validate(data, "test scenario")


def model_run(
    scenario: str | Scenario = "baseline", seed: int = 1, months: int = 24, **parameters: float
) -> LiptakoModel:
    """A model run to its (short) horizon; parameters are registry overrides."""
    model = LiptakoModel(scenario, rng=seed, months=months, parameters=parameters or None)
    model.run()
    return model


def numeric(frame: pd.DataFrame) -> np.ndarray:
    """A timeseries' numeric columns as one float array (``date`` is text)."""
    return frame.drop(columns=["date"]).to_numpy(dtype=float)


def month_index(date: str, start: str = START) -> int:
    """Row of ``date`` ("YYYY-MM") in a run starting at ``start``."""
    y, m = map(int, date.split("-"))
    y0, m0 = map(int, start.split("-"))
    return (y - y0) * 12 + (m - m0)


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return math.fsum(values) / len(values)


# --- Scenarios where particular mechanisms are surely active ------------------------------------------------
CRISIS_EVENTS = (
    # A successful coup in an ECOWAS member with Western conditional partners; the new junta's alignment is
    # drawn (drift, flip), ECOWAS sanctions it and its neighbours feel contagion.
    {"date": "2023-10", "type": "coup", "state": "SEN", "outcome": "success"},
    # A failed coup: the coup trap and the cohesion shock.
    {"date": "2023-10", "type": "coup", "state": "TGO", "outcome": "failure"},
    # Coups whose outcome is drawn against a regime protected by its patron (Wagner in Mali).
    {"date": "2023-10", "type": "coup", "state": "MLI"},
    {"date": "2024-01", "type": "coup", "state": "MLI"},
    {"date": "2024-04", "type": "coup", "state": "MLI"},
    # An external intervention: Article 6, the rally, balance of threat.
    {"date": "2023-11", "type": "intervention", "by": "ECOWAS", "state": "NER"},
    # An intervention of unstated size (the registry's default troops): France back in Burkina Faso.
    {"date": "2024-02", "type": "intervention", "by": "FRA", "state": "BFA"},
    # An accession vote.
    {"date": "2023-12", "type": "accession_request", "state": "DZA", "bloc": "AES"},
)


@pytest.fixture(scope="session")
def crisis() -> Scenario:
    """The baseline plus forced coups, an ECOWAS intervention in Niger and an accession request."""
    return derive(name="test-crisis", events=CRISIS_EVENTS)


@pytest.fixture(scope="session")
def war(crisis) -> Scenario:
    """The crisis with frequent offensives (many calls for help) and commitment free of alignment."""
    return derive(crisis, name="test-war", parameters={"offensive_rate": 0.6, "commitment_alignment": 0.0})


@pytest.fixture(scope="session")
def suitors(crisis) -> Scenario:
    """The crisis with a low accession threshold: neighbours apply to join of their own accord."""
    return derive(crisis, name="test-suitors", parameters={"accession_threshold": 0.6})


@pytest.fixture(scope="session")
def baseline_24():
    """``run("baseline", seed=1, months=24)``, shared by the tests that only read it."""
    from liptako import run

    return run("baseline", seed=1, months=24)


@pytest.fixture(scope="session")
def g5_juntas() -> Scenario:
    """The G5 Sahel of 2017 with sovereigntist juntas forced on Mali and Burkina Faso in its second month: its
    latent AES may be founded, and Mauritania's president reaches his term limit in 2019."""
    coups = [{"type": "coup", "date": "2017-08", "state": iso, "outcome": "success", "alignment": 0.9}
             for iso in ("MLI", "BFA")]  # fmt: skip
    return derive("g5-sahel-2017", name="test-g5-juntas", events=coups)


@pytest.fixture(scope="session")
def g5() -> Scenario:
    """The G5 Sahel of 2017 as bundled: civilian governments at war whose armies attempted coups within the
    insecurity term's memory (the baseline's civilian governments have none on record)."""
    return derive("g5-sahel-2017", name="test-g5")


@pytest.fixture(scope="session")
def unstable() -> Scenario:
    """The baseline with a base coup hazard of 10% a month: hazards well above the lowest cap."""
    return derive(name="test-unstable", parameters={"coup_base_hazard": 0.1})
