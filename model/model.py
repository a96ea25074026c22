"""LiptakoModel: the Mesa face of the array engine, one replication stepped month by month.

Its world is the engine's, with one replication; its agents (states, their regimes, partners, armed groups,
blocs) are Mesa agents whose attributes read and write that world at their index. ``step()`` runs one month
of the compiled schedule (``liptako.model.month``), the same code ``liptako.replicate`` runs over thousands of
replications, so the model's run with seed s equals replication i of any batch whose i-th seed is s.

The model holds no rules: they are functions in the modules named after them (``coups``, ``membership``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario as MesaScenario

from liptako.agents import ArmedGroup, Bloc, Partner, Regime, State

from . import engine, outputs, story, tables
from .errors import InputError
from .month import run_months
from .parameters import BY_NAME, Params, as_dict
from .scenario import Scenario, load
from .world import FOREVER, NEVER, new_world, parameter_rows


def seed_of(rng, seed) -> int:
    """The run's seed from Mesa's ``rng`` (an int, a numpy Generator to draw one from, or None for a fresh one)
    or ``seed``; raises :class:`InputError` for anything else."""
    if rng is not None and seed is not None:
        raise ValueError("give rng or seed, not both")
    rng = seed if rng is None else rng
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(2**63))
    if rng is None:
        return int(np.random.SeedSequence().entropy % 2**63)
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer) or not 0 <= rng < 2**63:
        raise InputError("rng", None, f"the seed must be a non-negative integer below 2**63, not {rng!r}")
    return int(rng)


class LiptakoModel(mesa.Model):
    """The Liptako model, built from a scenario, one replication.

    Args:
        scenario: a bundled scenario's name, a TOML file's path, or a :class:`Scenario`.
        rng: the run's seed (an int), a numpy Generator to draw one from, or None for a fresh one. The seed
            actually used is ``model.seed``; record it to rerun.
        months: horizon in months (default: the scenario's).
        parameters: registry parameter overrides, ``{"name": value}``.
        **overrides: more registry parameter overrides by keyword (so ``mesa.batch_run`` and SolaraViz can
            sweep them).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "baseline",
        *,
        rng=None,
        seed=None,
        months: int | None = None,
        parameters: Mapping[str, float] | None = None,
        **overrides,
    ) -> None:
        if isinstance(scenario, MesaScenario):  # Mesa's SolaraViz passes its own Scenario on Reset
            rng = rng if rng is not None else scenario.rng
            scenario = "baseline"
        extra = {**(parameters or {}), **overrides}
        for name in extra:
            if name not in BY_NAME:
                raise InputError("parameters", name, "unknown parameter; valid names: " + ", ".join(BY_NAME))
        seed_value = seed_of(rng, seed)
        super().__init__(rng=seed_value)
        self.seed = seed_value
        try:
            spec, self.names, self.setup = engine.prepare(load(scenario), months)
            self.spec = spec  # Mesa reserves ``self.scenario`` for its own Scenario class
            self._params = parameter_rows(dict(spec.parameters), [extra], 1)
        except ValueError as err:
            if isinstance(err, InputError):
                raise
            raise InputError("parameters", None, str(err)) from None
        self._capacity = (engine.DEPLOYMENT_SLOTS, engine.RECORD_SLOTS)
        self._build()
        self.states = [State(self, i) for i in range(len(self.names.states))]
        self.state_by_id = {s.iso3: s for s in self.states}
        for state in self.states:
            state.regime = Regime(self, state)
        self.partners = {pid: Partner(self, k) for k, pid in enumerate(self.names.partners)}
        self.groups = {gid: ArmedGroup(self, g) for g, gid in enumerate(self.names.groups)}
        self.blocs = {bid: Bloc(self, b) for b, bid in enumerate(self.names.blocs)}
        self.focal = self.blocs[spec.scenario.focal_bloc]
        self.funding_sources = list(self.names.sources)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "members": lambda m: len(m.focal.members),
                "coups": lambda m: sum(s.coup_successes for s in m.states),
                "territory": lambda m: sum(s.territory for s in m.states) / len(m.states),
            }
        )

    def _build(self) -> None:
        """A fresh world for this model's seed and parameters, initialised (no month run yet)."""
        S, B, F = len(self.names.states), len(self.names.blocs), len(self.names.sources)
        series = outputs.series_arrays(1, self.setup.months, S, B, F)
        self.world = new_world(self.spec, self.setup, self.names, np.array([self.seed]), self._params.copy(), series,
                               deployments=self._capacity[0], records=self._capacity[1])  # fmt: skip
        self._fields = outputs.recorded_fields(self.world)
        run_months(self.setup, self.world, self._fields, 0, 0, True)
        self._events: pd.DataFrame | None = None

    # --- the month ----------------------------------------------------------------------------------------
    @property
    def month(self) -> int:
        """The current month (months since year 0): the last one stepped, or the start before any step."""
        return self.spec.start + max(0, self.steps - 1)

    NEVER, FOREVER = NEVER, FOREVER  # the world's sentinel months, for the agents that read it

    @property
    def p(self) -> Params:
        """The parameters' current values (a scenario's set_parameter events change them)."""
        return Params(*self.world.params[0].tolist())

    def step(self) -> None:
        """Advance one month through the nine phases of ``liptako.model.month``."""
        t = self.steps - 1  # Mesa counted this step already
        if t >= self.spec.months:
            self.running = False
            return
        run_months(self.setup, self.world, self._fields, t, t + 1, False)
        if self.world.overflow[0]:  # more deployments or events than slots: replay this far with more room
            self._capacity = tuple(2 * c for c in self._capacity)
            self._build()
            run_months(self.setup, self.world, self._fields, 0, t + 1, False)
        self._events = None
        self.datacollector.collect(self)
        if t + 1 >= self.spec.months:
            self.running = False

    def run(self, months: int | None = None) -> LiptakoModel:
        """Step to the horizon (or ``months`` more); returns the model."""
        for _ in range(self.spec.months - self.steps if months is None else months):
            self.step()
        return self

    # --- outputs ------------------------------------------------------------------------------------------
    @property
    def months_done(self) -> int:
        return min(self.steps, self.spec.months)

    def timeseries(self) -> pd.DataFrame:
        """The monthly series so far as a DataFrame (``month`` counts from 0, ``date`` YYYY-MM)."""
        w, t = self.world, self.months_done
        return tables.monthly(self.names, self.spec.start, w.state_series[:, :t], w.funding_series[:, :t],
                              w.member_series[:, :t])  # fmt: skip

    def summary(self) -> dict[str, float | int | str | None]:
        """The per-run outcomes so far (see :data:`liptako.model.outputs.RUN_OUTCOMES`)."""
        values = outputs.outcomes(self.setup, self.names, self.world, self.months_done)
        return {key: _scalar(v[0]) for key, v in values.items()}

    @property
    def events(self) -> pd.DataFrame:
        """The event records so far, one row each, with the sentence that tells it (see ``story.py``)."""
        if self._events is None:
            self._events = story.frame(self.names, engine.records_of(self.world), with_rep=False)
        return self._events

    @property
    def story(self) -> list[str]:
        """The story so far, one line per event: ``"2025-03 Burkina Faso: ..."``."""
        return story.lines(self.events)

    def parameters(self, at_start: bool = False) -> dict[str, float | int]:
        """Every parameter's current value (or its value at the start), by name."""
        return as_dict(self._params[0] if at_start else self.world.params[0])


def _scalar(value):
    if isinstance(value, np.generic):
        return value.item()
    return value
