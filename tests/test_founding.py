"""A latent pact founded by neighbouring juntas (the AES of September 2023), and the pull of a rival bloc.

The G5 Sahel scenario of 2017 carries the AES as a latent pact: no members, no founding date. Coups forced on
Mali and Burkina Faso that install sovereigntist juntas make them candidate founders; the pact is founded with
a monthly chance (``founding_rate``) by every such junta next to another, and membership of the sovereigntist
pact then pulls its founders out of the Western-funded G5 Sahel (``commitment_rival``).
"""

from __future__ import annotations

import pytest
from conftest import derive

from liptako.model.errors import InputError
from liptako.model.model import LiptakoModel
from liptako.model.scenario import format_month, parse_month

JUNTAS = [
    {"type": "coup", "date": "2017-08", "state": "MLI", "outcome": "success", "alignment": 0.9},
    {"type": "coup", "date": "2017-08", "state": "BFA", "outcome": "success", "alignment": 0.9},
]


def run(events=JUNTAS, months=36, seed=1, **parameters):
    model = LiptakoModel(derive("g5-sahel-2017", events=events, parameters=parameters or None), rng=seed,
                         months=months)  # fmt: skip
    model.run()
    return model.events


def founding(events):
    return events[events["kind"] == "founding"]


def test_two_neighbouring_sovereigntist_juntas_found_the_pact():
    ev = run(founding_rate=1.0)
    f = founding(ev)
    assert set(f["state"]) == {"MLI", "BFA"} and set(f["bloc"]) == {"AES"}
    assert f["date"].nunique() == 1 and f["date"].iloc[0] <= "2017-10"
    assert "founds Alliance des États du Sahel" in f["text"].iloc[0]


def test_no_pact_without_the_chance_or_without_two_juntas():
    assert founding(run(founding_rate=0.0)).empty
    one = [JUNTAS[0]]  # Mali alone: a pact needs two neighbours
    assert founding(run(events=one, months=12, founding_rate=1.0)).empty
    assert founding(run(events=(), months=12, founding_rate=1.0, coup_base_hazard=0.0)).empty  # civilians


def test_founders_of_a_rival_pact_leave_the_g5_sooner():
    """Burkina Faso and Niger left the G5 Sahel within three months of founding the AES (calibration.md)."""

    lukewarm = [{**e, "alignment": 0.5} for e in JUNTAS]  # drawn to the AES, not yet out of the G5 by alignment

    def g5_exits(**parameters):
        ev = run(events=lukewarm, months=48, founding_rate=1.0, **parameters)
        assert set(founding(ev)["state"]) == {"MLI", "BFA"}
        exits = ev[(ev["kind"] == "exit") & (ev["bloc"] == "G5S") & ev["state"].isin(["MLI", "BFA"])]
        return exits.groupby("state")["date"].min()

    pulled, unpulled = g5_exits(commitment_rival=4.0), g5_exits(commitment_rival=0.0)
    assert set(pulled.index) == {"MLI", "BFA"}
    for state in pulled.index:
        assert state not in unpulled.index or pulled[state] < unpulled[state]


def test_a_latent_pact_exists_in_no_output_until_founded():
    model = LiptakoModel(derive("g5-sahel-2017", parameters={"founding_rate": 0.0}), rng=2, months=12)
    model.run()
    assert (model.timeseries()["members.AES"] == 0).all()
    assert not (model.events["bloc"] == "AES").any()


@pytest.mark.parametrize(
    ("edit", "where", "what"),
    [
        (lambda d: d["blocs"]["AES"].update(members=["MLI", "BFA"]), "blocs.AES.members", "no members"),
        (lambda d: d["blocs"]["AES"].update(founded="2017-07"), "blocs.AES.founded", "founded in the run"),
        (lambda d: d["blocs"]["AES"].update(latent=False), "blocs.AES.members", "latent = true"),
        (lambda d: d["scenario"].update(focal_bloc="AES"), "blocs.AES.latent", "focal bloc"),
    ],
)
def test_bad_latent_pacts_are_refused(edit, where, what):
    with pytest.raises(InputError) as err:
        derive("g5-sahel-2017", edit=edit)
    assert where in str(err.value) and what in str(err.value)


def test_the_founding_draw_is_a_fixed_slot():
    """Common random numbers: the founding month does not move when a coup fails far away (Senegal), which
    draws nothing from the founding's slot."""
    far = [*JUNTAS, {"type": "coup", "date": "2017-08", "state": "SEN", "outcome": "failure"}]
    a, b = founding(run(founding_rate=0.2, seed=5)), founding(run(events=far, founding_rate=0.2, seed=5))
    assert not a.empty and a["date"].tolist() == b["date"].tolist()


def test_the_mesa_bloc_knows_when_its_pact_was_founded():
    """The Mesa face reads the founding month from the world: None until the founders found the pact, then that
    month, and its age counts from it (as the commitment rule's does)."""
    model = LiptakoModel(derive("g5-sahel-2017", events=JUNTAS, parameters={"founding_rate": 1.0}), rng=1, months=6)
    aes = model.blocs["AES"]
    assert aes.founded is None and aes.age_years(model.spec.start + 30) == 0.0
    model.run()
    when = founding(model.events)["date"].iloc[0]
    assert format_month(aes.founded) == when and aes.age_years(aes.founded + 18) == pytest.approx(1.5)
    assert model.blocs["G5S"].founded == parse_month("2014-02")
