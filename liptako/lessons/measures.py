"""The measures a lesson's figures are made of: what to compute from an arm's replications.

A figure in a lesson file (``[[figures]]``) names one measure and its settings; the same figure is computed
for every arm. The vocabulary:

``mean``
    Mean over runs of a per-run outcome (``outcome``; a per-state outcome such as ``coup_attempts`` with
    ``states`` is summed over them; ``exit_month`` takes a ``bloc`` and one state). Runs where the outcome is
    missing (NaN) are left out.
``share``
    Share of runs whose outcome meets every condition given: ``at_least``, ``at_most``, ``above``, ``below``,
    ``equals`` (a missing value meets none of them) and ``missing`` (true: the outcome is missing, e.g. a state
    never left; false: it is not). A 95% Wilson interval.
``ratio``
    A pooled ratio of two per-run outcomes, summed over runs: ``scale * sum(numerator) / sum(denominator)``
    (coup attempts per junta-year: ``junta_attempts`` over ``junta_months``, scale 12).
``series``
    Mean over runs of a monthly series (a per-state series such as ``territory``, or ``member`` of a ``bloc``)
    averaged over ``states`` and the months of a window (``from`` and ``until``, ``"YYYY-MM"``, both included;
    by default the whole run). ``aggregate = "sum"`` adds up the window's months instead (months as a member).
``series_ratio``
    Mean over runs of a monthly ratio, averaged over the window: the sum over ``states`` of the ``numerator``
    series over that of the ``denominator`` series (share of troops abroad: ``troops_abroad`` over
    ``troops_abroad`` and ``troops_home``).
``clustering``
    Of all coup attempts (the typed ``coup`` records of the event log, optionally only in ``states``), the
    share that came within ``window`` months of the previous attempt in the same state, pooled over runs.

Every measure reduces the R replications of an arm to two numbers per replication, y_i and x_i; the figure is
``scale * sum(y) / sum(x)``. A mean has x_i = 1 (0 where the value is missing), a pooled ratio the per-run
numerator and denominator. One estimator then gives every figure's 95% interval (normal approximation with the
delta method; Wilson for a share), and, because a lesson's arms run the same seeds, the paired interval of the
difference between two figures (see ``engine.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from liptako.model.outputs import PER_STATE_OUTCOMES, RUN_OUTCOMES, STATE_INDEX, column
from liptako.model.scenario import Scenario, format_month, parse_month

Fail = Callable[[str, str], None]  # fail(key path within the figure, problem): raises InputError

# Per-run outcomes a figure may read: every numeric one (not first_exit_state, an ISO code).
NUMERIC_OUTCOMES = tuple(o.name for o in RUN_OUTCOMES if o.name != "first_exit_state")
PER_STATE = tuple(o.name for o in PER_STATE_OUTCOMES)
EXIT = "exit_month"
MONTHLY = (*STATE_INDEX, "member")  # per-state monthly series, and bloc membership (0/1) per state


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Spec = Annotated[str, Field(max_length=20)]


@dataclass(frozen=True)
class Sample:
    """An arm's figure per replication: the figure is ``scale * sum(y) / sum(x)``; ``binary`` for a share."""

    y: np.ndarray
    x: np.ndarray
    scale: float = 1.0
    binary: bool = False


@dataclass(frozen=True)
class Arena:
    """What a figure is checked against: one arm's scenario and horizon."""

    arm: str
    scenario: Scenario
    months: int

    @property
    def first(self) -> int:
        return self.scenario.start

    @property
    def last(self) -> int:
        return self.scenario.start + self.months - 1


class Figure(_Strict):
    """The keys every ``[[figures]]`` table has, whatever its measure."""

    name: Name  # figures are named "<name>_<arm key>", e.g. bfa_territory_paper
    label: Annotated[str, Field(min_length=1, max_length=120)]
    format: Spec = ".3f"  # how the value is printed: a Python format spec, ".1%", ".2f"
    arms: list[str] | None = None  # arm keys the figure is computed for (default: every arm)

    def check(self, arena: Arena, fail: Fail) -> None:
        """Cross-references: states, blocs, outcomes and dates against one arm's scenario."""

    def sample(self, batch) -> Sample:  # pragma: no cover - every measure overrides it
        raise NotImplementedError


# --- helpers ----------------------------------------------------------------------------------------------------
def _check_states(states: list[str], arena: Arena, fail: Fail, key: str = "states") -> None:
    known = arena.scenario.states
    for iso in states:
        if iso not in known:
            fail(key, f"state {iso!r} is not in scenario {arena.scenario.name!r} (arm {arena.arm!r}); its states: "
                 + ", ".join(known))  # fmt: skip
    if len(set(states)) != len(states):
        fail(key, "a state is listed twice")


def _check_bloc(bloc: str | None, arena: Arena, fail: Fail) -> None:
    if bloc is not None and bloc not in arena.scenario.blocs:
        fail("bloc", f"bloc {bloc!r} is not in scenario {arena.scenario.name!r}; its blocs: "
             + ", ".join(arena.scenario.blocs))  # fmt: skip


def _check_outcome(name: str, states: list[str], bloc: str | None, arena: Arena, fail: Fail) -> None:
    allowed = ", ".join((*NUMERIC_OUTCOMES, EXIT))
    if name == EXIT:
        if bloc is None or len(states) != 1:
            fail("outcome", 'exit_month needs a bloc and exactly one state (bloc = "AES", states = ["BFA"])')
        _check_bloc(bloc, arena, fail)
        _check_states(states, arena, fail)
        spec = arena.scenario.blocs[bloc]
        if not (spec.open_to_accession or states[0] in spec.members):
            fail("states", f"{states[0]} is not a member of {bloc} at the start and {bloc} takes no new members: "
                 "it has no exit month")  # fmt: skip
        return
    if name not in NUMERIC_OUTCOMES:
        fail("outcome", f"unknown per-run outcome {name!r}; allowed: {allowed}")
    if bloc is not None:
        fail("bloc", "only exit_month takes a bloc")
    if states:
        if name not in PER_STATE:
            fail("states", f"{name} is an outcome of the whole run; per-state outcomes: {', '.join(PER_STATE)}")
        _check_states(states, arena, fail)


def _outcome_values(batch, name: str, states: list[str], bloc: str | None) -> np.ndarray:
    summary = batch.summary
    if name == EXIT:
        return summary[column(EXIT, bloc, states[0])].to_numpy(dtype=float)
    if states:
        return sum(summary[column(name, iso)].to_numpy(dtype=float) for iso in states)
    return summary[name].to_numpy(dtype=float)


def _window(first: str | None, until: str | None, arena: Arena, fail: Fail) -> None:
    months = {}
    for key, value in (("from", first), ("until", until)):
        if value is None:
            continue
        try:
            months[key] = parse_month(value)
        except ValueError as err:
            fail(key, str(err))
        if not arena.first <= months[key] <= arena.last:
            fail(key, f"{value} is outside the runs of arm {arena.arm!r}, {format_month(arena.first)} to "
                 f"{format_month(arena.last)}")  # fmt: skip
    if len(months) == 2 and months["from"] > months["until"]:
        fail("until", f"the window ends ({until}) before it starts ({first})")


def _months(batch, first: str | None, until: str | None) -> slice:
    dates = batch.dates
    a = dates.index(first) if first is not None else 0
    b = dates.index(until) + 1 if until is not None else len(dates)
    return slice(a, b)


def _monthly(batch, series: str, states: list[str], bloc: str | None, months: slice) -> np.ndarray:
    """The series as ``[R, T, len(states)]`` (float64) over the window."""
    if series == "member":
        table = batch.timeseries
        R, T = batch.reps, len(batch.dates)
        cols = [table[column("member", bloc, iso)].to_numpy(dtype=float).reshape(R, T) for iso in states]
        return np.stack(cols, axis=2)[:, months, :]
    index = [batch.states.index(iso) for iso in states]
    return batch.array(series)[:, months, :][:, :, index].astype(np.float64)


def _check_series(series: str, states: list[str], bloc: str | None, arena: Arena, fail: Fail, key: str) -> None:
    if series not in MONTHLY:
        fail(key, f"unknown monthly series {series!r}; allowed: {', '.join(MONTHLY)}")
    if series == "member":
        if bloc is None:
            fail("bloc", 'the member series needs a bloc (bloc = "ECOWAS")')
        _check_bloc(bloc, arena, fail)
    elif bloc is not None:
        fail("bloc", "only the member series takes a bloc")
    if not states:
        fail("states", "name at least one state")
    _check_states(states, arena, fail)


# --- the measures -----------------------------------------------------------------------------------------------
class Mean(Figure):
    """`outcome` (a per-state one summed over `states`; `exit_month` with a `bloc` and one state): its mean
    over runs, leaving out runs where it is missing."""

    measure: Literal["mean"]
    outcome: str
    states: list[str] = []
    bloc: str | None = None

    def check(self, arena, fail):
        _check_outcome(self.outcome, self.states, self.bloc, arena, fail)

    def sample(self, batch):
        v = _outcome_values(batch, self.outcome, self.states, self.bloc)
        ok = np.isfinite(v)
        return Sample(np.where(ok, v, 0.0), ok.astype(float))


class Share(Figure):
    """`outcome` (as for mean) and conditions `at_least`, `at_most`, `above`, `below`, `equals`, `missing`
    (true or false): the share of runs that meet them all (a Wilson interval)."""

    measure: Literal["share"]
    outcome: str
    states: list[str] = []
    bloc: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    above: float | None = None
    below: float | None = None
    equals: float | None = None
    missing: bool | None = None

    CONDITIONS: ClassVar[tuple[str, ...]] = ("at_least", "at_most", "above", "below", "equals", "missing")

    def check(self, arena, fail):
        _check_outcome(self.outcome, self.states, self.bloc, arena, fail)
        if all(getattr(self, c) is None for c in self.CONDITIONS):
            fail("outcome", "a share needs a condition: " + ", ".join(self.CONDITIONS))
        if self.missing is True and any(getattr(self, c) is not None for c in self.CONDITIONS[:-1]):
            fail("missing", "a missing value meets no other condition: give missing = true alone")

    def sample(self, batch):
        v = _outcome_values(batch, self.outcome, self.states, self.bloc)
        ok = np.isfinite(v)
        met = np.ones(len(v), dtype=bool)
        with np.errstate(invalid="ignore"):
            tests = {"at_least": np.greater_equal, "at_most": np.less_equal, "above": np.greater,
                     "below": np.less, "equals": np.equal}  # fmt: skip
            for name, test in tests.items():
                bound = getattr(self, name)
                if bound is not None:
                    met &= ok & test(v, bound)
        if self.missing is not None:
            met &= ~ok if self.missing else ok
        return Sample(met.astype(float), np.ones(len(v)), binary=True)


class Ratio(Figure):
    """`numerator`, `denominator` (per-run outcomes) and `scale`: scale * sum(numerator) / sum(denominator)
    over runs, a pooled ratio."""

    measure: Literal["ratio"]
    numerator: str
    denominator: str
    scale: float = 1.0

    def check(self, arena, fail):
        for key in ("numerator", "denominator"):
            name = getattr(self, key)
            if name not in NUMERIC_OUTCOMES:
                fail(key, f"unknown per-run outcome {name!r}; allowed: {', '.join(NUMERIC_OUTCOMES)}")

    def sample(self, batch):
        y = batch.summary[self.numerator].to_numpy(dtype=float)
        x = batch.summary[self.denominator].to_numpy(dtype=float)
        ok = np.isfinite(y) & np.isfinite(x)
        return Sample(np.where(ok, y, 0.0), np.where(ok, x, 0.0), scale=self.scale)


class _Window(Figure):
    states: list[str]
    first: str | None = Field(None, alias="from")
    until: str | None = None


class Series(_Window):
    """`series` (per-state, or `member` of a `bloc`), `states`, a window `from`, `until` ("YYYY-MM", both
    included; default the whole run) and `aggregate` (mean or sum over months): the mean over runs of the
    series averaged over the states and the window."""

    measure: Literal["series"]
    series: str
    bloc: str | None = None
    aggregate: Literal["mean", "sum"] = "mean"

    def check(self, arena, fail):
        _check_series(self.series, self.states, self.bloc, arena, fail, "series")
        _window(self.first, self.until, arena, fail)

    def sample(self, batch):
        values = _monthly(batch, self.series, self.states, self.bloc, _months(batch, self.first, self.until))
        per_run = values.sum(axis=1).mean(axis=1) if self.aggregate == "sum" else values.mean(axis=(1, 2))
        return Sample(per_run, np.ones(len(per_run)))


class SeriesRatio(_Window):
    """`numerator`, `denominator` (lists of per-state series), `states` and a window: the mean over runs of
    the monthly ratio of their sums over the states, averaged over the window."""

    measure: Literal["series_ratio"]
    numerator: list[str]
    denominator: list[str]

    def check(self, arena, fail):
        for key in ("numerator", "denominator"):
            names = getattr(self, key)
            if not names:
                fail(key, "name at least one monthly series")
            for name in names:
                if name not in STATE_INDEX:
                    fail(key, f"unknown per-state series {name!r}; allowed: {', '.join(STATE_INDEX)}")
        _check_series(self.numerator[0], self.states, None, arena, fail, "numerator")
        _window(self.first, self.until, arena, fail)

    def sample(self, batch):
        months = _months(batch, self.first, self.until)
        num = sum(_monthly(batch, s, self.states, None, months).sum(axis=2) for s in self.numerator)
        den = sum(_monthly(batch, s, self.states, None, months).sum(axis=2) for s in self.denominator)
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        defined = np.isfinite(ratio).any(axis=1)
        per_run = np.where(defined, np.nanmean(np.where(defined[:, None], ratio, 0.0), axis=1), 0.0)
        return Sample(per_run, defined.astype(float))


class Clustering(Figure):
    """`window` (months) and optional `states`: of all coup attempts (the typed coup records), the share that
    came within the window of the previous attempt in the same state, pooled over runs."""

    measure: Literal["clustering"]
    window: Annotated[int, Field(ge=1, le=600)]
    states: list[str] = []

    def check(self, arena, fail):
        _check_states(self.states, arena, fail)

    def sample(self, batch):
        events = batch.events
        coups = events.loc[events["kind"] == "coup", ["rep", "state", "date"]]
        if self.states:
            coups = coups[coups["state"].isin(self.states)]
        reps = coups["rep"].to_numpy(dtype=np.int64)
        state = coups["state"].to_numpy(dtype=object)
        month = np.array([parse_month(d) for d in coups["date"]], dtype=np.int64)
        order = np.lexsort((month, state, reps))
        reps, state, month = reps[order], state[order], month[order]
        same = (reps[1:] == reps[:-1]) & (state[1:] == state[:-1])
        near = np.zeros(len(reps), dtype=bool)
        near[1:] = same & (month[1:] - month[:-1] <= self.window)
        R = batch.reps
        return Sample(np.bincount(reps, weights=near, minlength=R).astype(float),
                      np.bincount(reps, minlength=R).astype(float))  # fmt: skip


MEASURES: dict[str, type[Figure]] = {
    "mean": Mean,
    "share": Share,
    "ratio": Ratio,
    "series": Series,
    "series_ratio": SeriesRatio,
    "clustering": Clustering,
}
AnyFigure = Annotated[Mean | Share | Ratio | Series | SeriesRatio | Clustering, Field(discriminator="measure")]
