"""One recorded seed per run, split into independent streams (style.md, item 7): same seed, same results;
switching a mechanism off does not reshuffle the other mechanisms' random numbers."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from conftest import numeric

from liptako import LiptakoModel, run
from liptako.model.errors import InputError
from liptako.model.model import STREAMS, spawn_streams


def events_of(result):
    return [e.as_dict() for e in result.events]


@pytest.mark.parametrize("scenario", ["baseline", "crisis"])
def test_same_seed_gives_identical_results(scenario, request):
    scenario = request.getfixturevalue("crisis") if scenario == "crisis" else scenario
    a = run(scenario, seed=11, months=48)
    b = run(scenario, seed=11, months=48)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    assert events_of(a) == events_of(b)
    assert a.summary.keys() == b.summary.keys()
    for key in a.summary:
        assert a.summary[key] == b.summary[key] or (
            a.summary[key] != a.summary[key] and b.summary[key] != b.summary[key]
        ), key


def test_different_seeds_give_different_runs():
    runs = [run("baseline", seed=s, months=36) for s in (1, 2, 3)]
    for i in range(3):
        for j in range(i + 1, 3):
            assert not np.array_equal(numeric(runs[i].timeseries), numeric(runs[j].timeseries))
    assert len({tuple(map(str, r.events)) for r in runs}) == 3


def test_the_seed_is_recorded():
    assert run("baseline", seed=42, months=2).seed == 42
    fresh = LiptakoModel("baseline", months=6)  # no seed given: one is drawn and recorded
    assert isinstance(fresh.seed, int) and fresh.seed >= 0
    fresh.run()
    again = LiptakoModel("baseline", rng=fresh.seed, months=6).run()
    pd.testing.assert_frame_equal(fresh.timeseries(), again.timeseries())
    from_generator = LiptakoModel("baseline", rng=np.random.default_rng(5), months=2)
    assert from_generator.seed == LiptakoModel("baseline", rng=np.random.default_rng(5), months=2).seed


@pytest.mark.parametrize("bad", [-5, 1.5, "seven", True])
def test_a_bad_seed_is_refused(bad):
    with pytest.raises((InputError, ValueError, TypeError)):
        LiptakoModel("baseline", rng=bad, months=2)


def test_mesa_batch_run_works_and_reproduces_direct_runs():
    rows = mesa.batch_run(
        LiptakoModel,
        parameters={"scenario": ["baseline"]},
        rng=[1, 2],
        max_steps=12,
        number_processes=1,
        display_progress=False,
    )
    assert len(rows) == 2
    assert all(row["Step"] == 12 for row in rows)
    for row, seed in zip(rows, (1, 2), strict=True):
        direct = LiptakoModel("baseline", rng=seed)
        for _ in range(12):
            direct.step()
        assert row["coups"] == sum(s.coup_successes for s in direct.states)
        assert row["members"] == len(direct.focal.members)
        assert row["territory"] == pytest.approx(sum(s.territory for s in direct.states) / len(direct.states))


def test_batch_run_can_sweep_a_registry_parameter():
    rows = mesa.batch_run(
        LiptakoModel,
        parameters={"scenario": "baseline", "coup_base_hazard": [0.0, 0.2]},
        rng=[3],
        max_steps=24,
        number_processes=1,
        display_progress=False,
    )
    by_value = {row["coup_base_hazard"]: row for row in rows}
    assert set(by_value) == {0.0, 0.2}
    assert by_value[0.0]["coups"] == 0
    assert by_value[0.2]["coups"] > 0


def test_spawn_streams_gives_independent_reproducible_generators():
    a, b = spawn_streams(7), spawn_streams(7)
    assert list(a) == list(STREAMS)
    first = {name: g.random(64) for name, g in a.items()}
    # reproducible
    for name, g in b.items():
        assert np.array_equal(g.random(64), first[name])
    # distinct from one another and from another seed's
    names = list(first)
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            assert not np.array_equal(first[x], first[y])
            assert abs(np.corrcoef(first[x], first[y])[0, 1]) < 0.5
    other = spawn_streams(8)
    assert not np.array_equal(other["coups"].random(64), first["coups"])
    # drawing from one stream does not move another
    c = spawn_streams(7)
    c["insurgency"].random(10_000)
    assert np.array_equal(c["coups"].random(64), first["coups"])


class RecordingGenerator:
    """Wraps a numpy Generator and keeps a copy of everything drawn from it."""

    def __init__(self, generator: np.random.Generator) -> None:
        self.generator = generator
        self.draws: list[np.ndarray] = []

    def __getattr__(self, name):
        method = getattr(self.generator, name)

        def recorded(*args, **kwargs):
            out = method(*args, **kwargs)
            self.draws.append(np.array(out, copy=True))
            return out

        return recorded


def coup_draws(months: int, **parameters):
    model = LiptakoModel("baseline", rng=9, months=months, parameters=parameters or None)
    recorder = RecordingGenerator(model.streams["coups"])
    model.streams["coups"] = recorder
    states = []
    for _ in range(months):
        model.step()
        states.append(recorder.generator.bit_generator.state["state"]["state"])
    return recorder.draws, states, model


def test_switching_offensives_off_does_not_change_the_coup_streams_draws():
    on_draws, on_states, on = coup_draws(36)
    off_draws, off_states, off = coup_draws(36, offensive_rate=0.0)
    # the switch does change the run ...
    assert on.calls_made > 0 and off.calls_made == 0
    assert not np.array_equal(numeric(on.timeseries()), numeric(off.timeseries()))
    # ... but not the numbers the coup stream hands out
    assert len(on_draws) == len(off_draws) == 36
    for x, y in zip(on_draws, off_draws, strict=True):
        assert np.array_equal(x, y)
    assert on_states == off_states


def test_a_forced_coup_does_not_shift_the_insurgency_stream():
    """Events draw from their own stream: the insurgency's numbers stay the same with or without a forced coup."""
    from conftest import derive

    def draws(scenario):
        model = LiptakoModel(scenario, rng=4, months=12)
        recorder = RecordingGenerator(model.streams["insurgency"])
        model.streams["insurgency"] = recorder
        model.run()
        return recorder.draws

    forced = derive(events=[{"date": "2023-11", "type": "coup", "state": "GHA", "outcome": "failure"}])
    for x, y in zip(draws("baseline"), draws(forced), strict=True):
        assert np.array_equal(x, y)
