"""Invariants that hold in every run, checked with hypothesis over seeds, scenarios and parameter values drawn
inside the registry's ranges: bounded series, no NaN, consistent membership, and money accounted for."""

from __future__ import annotations

import math

import numpy as np
from conftest import CRISIS_EVENTS, derive
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liptako.model.model import LiptakoModel
from liptako.model.outputs import column
from liptako.model.parameters import BY_NAME
from liptako.model.scenario import bundled_names, format_month, load, parse_month

# A handful of parameters that move many mechanisms at once.
SWEPT = (
    "coup_base_hazard",
    "offensive_rate",
    "upkeep_ratio",
    "deployment_share",
    "spillover",
    "legitimacy_intercept",
    "exit_threshold",
    "territory_growth",
    "force_multiplier",
    "recruitment",
    "honour_intercept",
    "commitment_intercept",
    "accession_rate",
    "intervention_rate",
    "alignment_flip",
)

UNIT = ("legitimacy", "cohesion", "territory", "readiness")
NON_NEGATIVE = ("deaths", "displaced", "fighters", "troops_home", "troops_abroad", "funding_total")
TOL = 1e-9


def value_of(name: str):
    spec = BY_NAME[name]
    if spec.integer:
        return st.integers(int(spec.low), int(spec.high))
    return st.floats(spec.low, spec.high, allow_nan=False, allow_infinity=False)


overrides = st.fixed_dictionaries({}, optional={name: value_of(name) for name in SWEPT})
scenarios = st.sampled_from([*bundled_names(), "crisis"])
seeds = st.integers(0, 2**32 - 1)


def horizon(scenario) -> int:
    """A short horizon that still reaches every event of the scenario."""
    spec = load(scenario)
    last = max((parse_month(e.date) - spec.start for e in spec.events), default=0)
    return min(spec.months, max(24, last + 1))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


class Audit:
    """Runs a model month by month, checking the books of each month's funding phase and the membership
    rules after each month."""

    def __init__(self, model: LiptakoModel) -> None:
        self.model = model
        self.problems: list[str] = []

    def fail(self, text: str) -> None:
        self.problems.append(f"{self.model.month}: {text}")

    def check_money(self) -> None:
        m = self.model
        p = m.p
        # Eligibility is read after the month; a coup or a partner's move after the funding phase may have
        # changed it since: those states' payments are not judged.
        ev = m.events
        movers = ev[(ev["date"] == format_month(m.month)) & ev["kind"].isin(["coup", "partner_exit", "partner_entry"])]
        changed = set(movers["state"])
        for pid, partner in m.partners.items():
            factor = p.western_budget_factor if partner.western else p.nonwestern_budget_factor
            monthly = partner.budget * factor / 12.0
            to_states = sum(s.funding.get(pid, 0.0) for s in m.states)
            to_blocs = partner.to_blocs
            if min(to_states, to_blocs, partner.unspent) < -TOL:
                self.fail(f"{pid}: negative allocation {to_states}, {to_blocs}, {partner.unspent}")
            if not close(to_states + to_blocs + partner.unspent, monthly):
                self.fail(
                    f"{pid}: {to_states} to states + {to_blocs} to blocs + {partner.unspent} unspent "
                    f"!= {monthly} a month"
                )
            if not close(partner.spent, to_states + to_blocs):
                self.fail(f"{pid}: spent {partner.spent} but paid {to_states + to_blocs}")
            for s in m.states:
                if s.funding.get(pid, 0.0) and not partner.eligible(s) and s.iso3 not in changed:
                    self.fail(f"{pid} pays {s.iso3}, which it may not fund")
        for s in m.states:
            if not close(sum(s.funding.values()), s.funds):
                self.fail(f"{s.iso3}: funding by source {sum(s.funding.values())} != funds {s.funds}")

    def check_membership(self) -> None:
        m = self.model
        row = m.timeseries().iloc[-1]
        month = parse_month(row["date"])
        for bid, bloc in m.blocs.items():
            recorded = row[f"members.{bid}"]
            # in the month it dissolves, the series counts the members who dissolve it
            expected = bloc.dissolved_by if bloc.dissolved_month == month else bloc.members
            if recorded != len(expected):
                self.fail(f"members.{bid} = {recorded} but {bid} has {len(expected)} members")
            if not bloc.dissolved and bloc.dissolved_by:
                self.fail(f"{bid} lasts but names members that dissolved it: {bloc.dissolved_by}")
            if bloc.dissolved and bloc.members:
                self.fail(f"dissolved {bid} still has members {bloc.members}")
            for what in ("notices", "suspended", "sanctioned"):
                stray = set(getattr(bloc, what)) - bloc.members
                if stray:
                    self.fail(f"{stray} in {bid}.{what} but not members")
            if not bloc.members <= set(m.state_by_id):
                self.fail(f"{bid} has unknown members")
            if bloc.members & bloc.former_members:
                self.fail(f"{bid}: {bloc.members & bloc.former_members} both member and former member")

    def run(self) -> None:
        m = self.model
        dissolved: set[str] = set()
        while m.running and m.steps < m.spec.months:
            m.step()
            self.check_money()
            self.check_membership()
            now = {bid for bid, b in m.blocs.items() if b.dissolved}
            if not dissolved <= now:
                self.fail(f"{dissolved - now} came back from dissolution")
            dissolved = now


def check_series(ts, model: LiptakoModel) -> list[str]:
    problems = []
    values = ts.drop(columns=["date"]).to_numpy(dtype=float)
    if not np.isfinite(values).all():
        bad = ts.columns.drop("date")[~np.isfinite(values).all(axis=0)]
        problems.append(f"non-finite values in {list(bad)}")
    if len(ts) != model.spec.months or ts["month"].tolist() != list(range(model.spec.months)):
        problems.append("not one row per month")
    for s in model.states:
        iso = s.iso3
        for name in UNIT:
            col = ts[f"{name}.{iso}"]
            if col.min() < 0 or col.max() > 1:
                problems.append(f"{name}.{iso} outside [0, 1]: {col.min()}..{col.max()}")
        risk = ts[f"coup_risk.{iso}"]
        cap = model.p.coup_hazard_cap
        if risk.min() < 0 or risk.max() > cap * (1 + 1e-6):
            problems.append(f"coup_risk.{iso} outside [0, {cap}]: {risk.min()}..{risk.max()}")
        align = ts[f"alignment.{iso}"]
        if align.min() < -1 or align.max() > 1:
            problems.append(f"alignment.{iso} outside [-1, 1]")
        for name in NON_NEGATIVE:
            if ts[f"{name}.{iso}"].min() < 0:
                problems.append(f"{name}.{iso} negative: {ts[f'{name}.{iso}'].min()}")
        if ts[f"displaced.{iso}"].max() > s.population:
            problems.append(f"more displaced than people in {iso}")
        sources = [column("funding", src, iso) for src in model.funding_sources]
        by_source = ts[sources].to_numpy().sum(axis=1)
        if not np.allclose(by_source, ts[f"funding_total.{iso}"].to_numpy(), rtol=1e-5, atol=1e-6):  # float32
            problems.append(f"funding by source does not add up to funding_total.{iso}")
        if (ts[sources].to_numpy() < -TOL).any():
            problems.append(f"negative funding for {iso}")
    for col in [column("members", bid) for bid in model.blocs]:
        if ts[col].min() < 0:
            problems.append(f"{col} negative")
    return problems


_CRISIS = None


def resolve(name: str):
    global _CRISIS
    if name != "crisis":
        return name
    if _CRISIS is None:
        _CRISIS = derive(
            name="test-crisis",
            events=CRISIS_EVENTS,
            edit=lambda d: d["partners"]["RUS"].update(bloc_funding={"AES": 0.3}),
        )
    return _CRISIS


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios, seed=seeds, params=overrides)
def test_invariants_hold_for_random_seeds_and_parameters(scenario, seed, params):
    scenario = resolve(scenario)
    model = LiptakoModel(scenario, rng=seed, months=horizon(scenario), parameters=params)
    audit = Audit(model)
    audit.run()
    assert not audit.problems, "\n".join(audit.problems[:10])
    problems = check_series(model.timeseries(), model)
    assert not problems, "\n".join(problems[:10])
    summary = model.summary()
    for key, value in summary.items():
        assert value is None or isinstance(value, str) or not math.isinf(value), key
    assert 0 <= summary["survival_months"] <= model.spec.months
    assert summary["members_end"] == len(model.focal.members)
    assert summary["coup_successes"] <= summary["coup_attempts"]


def test_the_audit_catches_a_leak():
    """The money audit is able to fail: a partner whose books lose money on the way is reported."""
    model = LiptakoModel("baseline", rng=1, months=2)
    audit = Audit(model)
    model.step()
    audit.check_money()
    assert not audit.problems
    model.partners["RUS"].unspent -= 1.0  # writes the world: the books no longer add up
    audit.check_money()
    assert any("RUS" in p for p in audit.problems)
