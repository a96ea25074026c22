"""Many replications of a scenario at once: :func:`replicate` and the :class:`Batch` it returns.

>>> import liptako
>>> batch = liptako.replicate("baseline", 1000, seed=1)
>>> batch.summary["dissolved"].mean()              # one row per replication, with its rep and seed
>>> batch.events.query("kind == 'exit'")            # typed event records of every replication
>>> batch.run(7).summary == liptako.run("baseline", seed=batch.seeds[7]).summary
True

Replication i uses the i-th seed spawned from the root seed (``liptako.model.seeds``), the seed printed in
``summary["seed"]``: ``liptako run SCENARIO --seed SEED`` reruns it alone, with the same results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from liptako.model import engine, story, tables
from liptako.model.parameters import as_dict
from liptako.model.scenario import Scenario, format_month, load, warn_cut_events
from liptako.model.seeds import replication_seeds

from .runner import RunResult


class Batch:
    """R replications of one scenario (see the module docstring); tables are built when first read."""

    def __init__(self, simulation: engine.Simulation) -> None:
        self.simulation = simulation

    @property
    def scenario(self) -> Scenario:
        return self.simulation.scenario

    @property
    def reps(self) -> int:
        return self.simulation.reps

    @property
    def seeds(self) -> list[int]:
        return self.simulation.seeds.tolist()

    def __len__(self) -> int:
        return self.reps

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per replication: ``rep``, ``seed``, then every per-run outcome (missing: NaN or None)."""
        sim = self.simulation
        return tables.summary(sim.outcomes, np.arange(sim.reps), sim.seeds)

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """The monthly table of every replication: ``rep``, ``month``, ``date``, then the columns of a run's
        table (about 300 per month: mind the memory for thousands of replications)."""
        sim = self.simulation
        return tables.monthly(sim.names, sim.setup.start, sim.state_series, sim.funding_series, sim.member_series,
                              reps=np.arange(sim.reps))  # fmt: skip

    @cached_property
    def aggregates(self) -> pd.DataFrame:
        """The monthly aggregates an experiment keeps (alliance members, founders' legitimacy, coup risk and
        territory, coastal territory, deaths, displaced): ``rep``, ``month``, ``date``, one column each."""
        sim = self.simulation
        return tables.aggregates(sim.setup.start, sim.sweep_series, np.arange(sim.reps))

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every replication's event records: ``rep``, ``date``, ``kind``, ``state``, ``other``, ``bloc``,
        ``partner``, ``group``, ``outcome``, ``parameter``, ``x0``..``x3``, ``who``, ``text``. Rendering the
        sentences takes a few seconds for 10,000 replications; :attr:`records` is the same without them."""
        sim = self.simulation
        return story.frame(sim.names, sim.records)

    @cached_property
    def records(self) -> pd.DataFrame:
        """The event records without their sentences (no ``who`` and ``text``): the same rows as
        :attr:`events`, at a fraction of the cost, for analyses that count or filter events."""
        sim = self.simulation
        return story.frame(sim.names, sim.records, text=False)

    def array(self, name: str) -> np.ndarray:
        """A per-state monthly series as an array ``[R, T, S]`` (states in ``batch.states`` order)."""
        from liptako.model.outputs import STATE_INDEX

        if name not in STATE_INDEX:
            raise KeyError(f"no per-state series {name!r}; declared: {', '.join(STATE_INDEX)}")
        return self.simulation.state_series[:, :, STATE_INDEX[name], :]

    @property
    def states(self) -> tuple[str, ...]:
        return self.simulation.names.states

    @property
    def dates(self) -> list[str]:
        return tables.dates(self.simulation.setup.start, self.simulation.months)

    def run(self, i: int) -> RunResult:
        """Replication i as a RunResult: the same as ``liptako.run`` with its seed and parameters."""
        sim = self.simulation
        if not 0 <= i < sim.reps:
            raise IndexError(f"replication {i} of a batch of {sim.reps}")
        spec = sim.scenario
        names = sim.names
        return RunResult(
            scenario=spec.name,
            title=spec.title,
            seed=int(sim.seeds[i]),
            start=format_month(spec.start),
            months=spec.months,
            focal_bloc=spec.scenario.focal_bloc,
            founders=sorted(spec.blocs[spec.scenario.focal_bloc].members),
            parameters=self.parameters(i),
            summary={key: _scalar(values[i]) for key, values in sim.outcomes.items()},
            timeseries=tables.monthly(
                names,
                spec.start,
                sim.state_series[i : i + 1],
                sim.funding_series[i : i + 1],
                sim.member_series[i : i + 1],
            ),
            events=story.frame(names, sim.records.take(sim.records.rep == i), with_rep=False),
            state_names=dict(zip(names.states, names.state_names, strict=True)),
        )

    def parameters(self, i: int) -> dict[str, float | int]:
        """Replication i's parameters at the start, by name."""
        return as_dict(self.simulation.params[i])

    def __repr__(self) -> str:
        return f"Batch({self.scenario.name!r}, {self.reps} replications)"


def replicate(
    scenario: str | Path | Scenario = "baseline",
    reps: int = 100,
    seed: int = 1,
    months: int | None = None,
    overrides: Mapping[str, float] | Sequence[Mapping[str, float]] | None = None,
    *,
    seeds: Sequence[int] | None = None,
    threads: int | None = None,
) -> Batch:
    """Run ``reps`` replications of a scenario at once.

    Args:
        scenario: a bundled scenario's name, a TOML path or a Scenario.
        reps: how many replications.
        seed: the root seed; replication i uses ``replication_seeds(seed, reps)[i]`` (or ``seeds[i]``).
        months: horizon in months (default: the scenario's); one that drops some of the scenario's dated
            events warns (``CutEventsWarning``).
        overrides: registry values for every replication (a dict), or one dict per replication.
        seeds: the replications' own seeds, instead of those spawned from ``seed``.
        threads: threads to run on (default: every core); the results do not depend on it.
    """
    from liptako.model.errors import InputError
    from liptako.model.parameters import check_value

    spec = load(scenario)
    warn_cut_events(spec, months)
    if seeds is None:
        if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 1:
            raise InputError("reps", None, f"give a number of replications of 1 or more, not {reps!r}")
        seeds = replication_seeds(seed, int(reps))
    per_rep = [dict(overrides or {})] * len(seeds) if overrides is None or isinstance(overrides, Mapping) else [
        dict(o) for o in overrides]  # fmt: skip
    if len(per_rep) != len(seeds):
        raise InputError("overrides", None, f"{len(per_rep)} sets of overrides for {len(seeds)} replications")
    for extra in per_rep:
        for name, value in extra.items():
            try:
                extra[name] = check_value(name, value)
            except ValueError as err:
                raise InputError("overrides", name, str(err)) from None
    return Batch(engine.simulate(spec, seeds, per_rep, months=months, threads=threads))


def _scalar(value):
    return value.item() if isinstance(value, np.generic) else value


__all__ = ["Batch", "replicate"]
