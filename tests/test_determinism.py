"""One recorded seed per run (style.md, item 7): same seed, same results, in a single run, a batch of any size
split over any number of threads, or Mesa's batch_run. (The random numbers themselves: test_draws.py.)"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from conftest import numeric

from liptako import LiptakoModel, run
from liptako.model.errors import InputError


def events_of(result):
    return result.events.to_dict("records")


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
    assert len({tuple(r.story) for r in runs}) == 3


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


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_batch_does_not_depend_on_its_size_its_chunks_or_its_threads(threads):
    from liptako.model.engine import simulate
    from liptako.model.scenario import load

    seeds = [11, 12, 13, 14, 15, 16, 17]
    whole = simulate(load("baseline"), seeds, months=36, threads=1)
    parts = simulate(load("baseline"), seeds, months=36, threads=threads, chunk=3)
    assert np.array_equal(whole.state_series, parts.state_series)
    assert np.array_equal(whole.member_series, parts.member_series)
    for key, values in whole.outcomes.items():
        assert np.array_equal(values, parts.outcomes[key], equal_nan=values.dtype.kind == "f"), key
    assert all(np.array_equal(a, b) for a, b in zip(whole.records, parts.records, strict=True))
    alone = simulate(load("baseline"), seeds[4:5], months=36)
    assert np.array_equal(alone.state_series[0], whole.state_series[4])


def test_a_replication_that_runs_out_of_slots_is_run_again_with_the_same_results(monkeypatch):
    from liptako.model import engine
    from liptako.model.scenario import load

    roomy = engine.simulate(load("baseline"), [3, 4], months=48)
    monkeypatch.setattr(engine, "DEPLOYMENT_SLOTS", 1)
    monkeypatch.setattr(engine, "RECORD_SLOTS", 4)
    cramped = engine.simulate(load("baseline"), [3, 4], months=48)
    assert np.array_equal(roomy.state_series, cramped.state_series)
    assert all(np.array_equal(a, b) for a, b in zip(roomy.records, cramped.records, strict=True))
    assert len(roomy.records.kind) > 8  # the records did overflow four slots a replication


def test_the_mesa_model_grows_its_slots_and_replays_exactly(monkeypatch):
    from liptako.model import engine

    reference = LiptakoModel("baseline", rng=6, months=40).run()
    monkeypatch.setattr(engine, "DEPLOYMENT_SLOTS", 1)
    monkeypatch.setattr(engine, "RECORD_SLOTS", 2)
    small = LiptakoModel("baseline", rng=6, months=40).run()
    pd.testing.assert_frame_equal(reference.timeseries(), small.timeseries(), check_exact=True)
    assert reference.story == small.story


LOAD = """\
import hashlib, sys
import numba, numpy as np
import liptako
batch = liptako.replicate("baseline", 20, seed=5)
digest = hashlib.sha256(batch.simulation.state_series.tobytes() + batch.summary.to_csv().encode()).hexdigest()
print(digest, "numba.np.arraymath" in sys.modules)

@numba.njit
def fresh(x):  # compiled in the same process after the engine loaded: needs the compiler's registries
    return np.sort(x)[::-1].cumsum()[-1] + np.linalg.norm(x)

print(fresh(np.arange(4.0)) == 6.0 + 14.0**0.5)
"""


def test_the_engine_loads_from_the_cache_without_the_compiler_and_gives_the_same_results():
    """The cached engine loads without numba's compiler registries (compiled.py: most of a worker's start-up);
    the results equal those of numba's full load, and code compiled later in the process still works."""
    import os
    import subprocess
    import sys

    run("baseline", seed=1, months=2)  # the engine is in the disk cache before the fresh processes start
    out = {}
    for mode in ("lean", "full"):
        env = {**os.environ, "LIPTAKO_FULL_NUMBA_LOAD": "1" if mode == "full" else "0"}
        done = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, env=env, check=True)
        out[mode] = done.stdout.split()
    lean_digest, lean_registries, lean_compiles = out["lean"]
    full_digest, full_registries, full_compiles = out["full"]
    assert lean_digest == full_digest
    assert (lean_registries, full_registries) == ("False", "True")
    assert lean_compiles == full_compiles == "True"
