"""Outputs, declared once with label and unit: the monthly series, the per-run outcomes and the event log.

Plots and tables take their labels from here. The model fills a :class:`Recorder` each month; the per-run
outcomes are computed from the model at the end by :func:`summarise`.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .scenario import format_month

if TYPE_CHECKING:
    from .model import LiptakoModel


@dataclass(frozen=True, slots=True)
class Output:
    """One declared output: its name, a label for plots and tables, its unit, and (for monthly per-state
    series) the State attribute it reads, e.g. ``"regime.legitimacy"``."""

    name: str
    label: str
    unit: str
    attribute: str = ""


# Per state, per month (columns "<name>.<ISO>").
STATE_SERIES: tuple[Output, ...] = (
    Output("legitimacy", "Legitimacy", "0-1", "regime.legitimacy"),
    Output("cohesion", "Army cohesion", "0-1", "regime.cohesion"),
    Output("coup_risk", "Coup risk", "per month", "regime.coup_risk"),
    Output("alignment", "Alignment", "-1 West .. +1 sovereigntist", "regime.alignment"),
    Output("territory", "Territory contested", "share", "territory"),
    Output("deaths", "Conflict deaths", "per month", "deaths"),
    Output("displaced", "Internally displaced", "persons", "displaced"),
    Output("fighters", "Armed-group fighters", "fighters", "fighters"),
    Output("troops_home", "Troops at home", "troops", "troops_home"),
    Output("troops_abroad", "Troops abroad", "troops", "troops_abroad"),
    Output("readiness", "Readiness", "0-1", "readiness"),
    Output("funding_total", "Funding received", "USD M per month", "funds"),
)
# Per funding source and state, per month (columns "funding.<SOURCE>.<ISO>").
FUNDING = Output("funding", "Funding by source", "USD M per month")
# Per bloc, per month (columns "members.<BLOC>"); membership per bloc and state is "member.<BLOC>.<ISO>" (0/1).
BLOC_SERIES: tuple[Output, ...] = (Output("members", "Members", "states"),)

# Per run (the keys of the summary; per-state ones are "<name>.<ISO>").
RUN_OUTCOMES: tuple[Output, ...] = (
    Output("survival_months", "Alliance survival", "months (censored at the horizon)"),
    Output("dissolved", "Alliance dissolved", "0/1"),
    Output("members_end", "Members at the end", "states"),
    Output("first_exit_month", "Months to the first exit", "months (-1: none)"),
    Output("coup_attempts", "Coup attempts", "attempts"),
    Output("coup_successes", "Successful coups", "coups"),
    Output("coup_attempt_rate", "Coup attempts per junta-year", "per year"),
    Output("coup_success_share", "Share of attempts that succeed", "share"),
    Output("calls_for_help", "Calls for help", "calls"),
    Output("responses", "Allies' answers to calls", "answers"),
    Output("responses_honoured", "Answers that honoured the call", "answers"),
    Output("honour_rate", "Honour rate", "share of answers"),
    Output("focal_honour_rate", "Honour rate within the alliance", "share of answers"),
    Output("ecowas_exits", "States leaving ECOWAS", "states"),
    Output("peak_territory", "Peak territory contested (focal members)", "share"),
    Output("peak_territory_coastal", "Peak territory contested (coastal states)", "share"),
    Output("total_deaths", "Conflict deaths", "deaths"),
    Output("displaced_end", "Internally displaced at the end", "persons"),
    Output("nonwestern_funding_share", "Funding from non-Western partners", "share of partner funding"),
)
# The outcomes `liptako run A B --reps N` prints per scenario (means over replications).
COMPARISON_OUTCOMES = ("survival_months", "dissolved", "coup_attempts", "coup_successes", "honour_rate",
                       "peak_territory", "total_deaths")  # fmt: skip

# Monthly outcomes kept for every run of an experiment (fan charts): aggregates, not the full per-state table.
SWEEP_SERIES: tuple[Output, ...] = (
    Output("members", "Members of the alliance", "states"),
    Output("legitimacy_mean", "Legitimacy, founding members' mean", "0-1"),
    Output("coup_risk_mean", "Coup risk, founding members' mean", "per month"),
    Output("territory_mean", "Territory contested, founding members' mean", "share"),
    Output("territory_coastal", "Territory contested, coastal states' mean", "share"),
    Output("deaths", "Conflict deaths, all states", "per month"),
    Output("displaced", "Internally displaced, all states", "persons"),
)

LABELS: dict[str, Output] = {o.name: o for o in (*STATE_SERIES, FUNDING, *BLOC_SERIES, *RUN_OUTCOMES)}
SWEEP_LABELS: dict[str, Output] = {o.name: o for o in SWEEP_SERIES}


class Recorder:
    """Collects one row per month of every declared series into preallocated arrays (phase 9)."""

    def __init__(self, model: LiptakoModel) -> None:
        self.model = model
        self.sources = model.funding_sources
        states = model.states
        self.columns: list[str] = ["month", "date"]
        self.columns += [f"members.{b}" for b in model.blocs]
        self.columns += [f"{o.name}.{s.iso3}" for o in STATE_SERIES for s in states]
        self.columns += [f"funding.{src}.{s.iso3}" for src in self.sources for s in states]
        self.columns += [f"member.{b}.{s.iso3}" for b in model.blocs for s in states]
        self._getters = [attrgetter(o.attribute) for o in STATE_SERIES]
        self._rows: list[list] = []  # one list per month; stacked into an array when read
        self._array: np.ndarray | None = None

    def record(self) -> None:
        """Store this month's row."""
        m = self.model
        states = m.states
        row = [len(b.members) for b in m.blocs.values()]
        for get in self._getters:
            row += map(get, states)
        for src in self.sources:
            row += [s.funding.get(src, 0.0) for s in states]
        for bloc in m.blocs.values():
            row += [s.iso3 in bloc.members for s in states]
        self._rows.append(row)
        self._array = None

    @property
    def rows(self) -> int:
        """Months recorded so far."""
        return len(self._rows)

    @property
    def values(self) -> np.ndarray:
        """The recorded months as a float array, one row per month (built on first read after a month)."""
        if self._array is None:
            width = len(self.columns) - 2
            self._array = np.array(self._rows, dtype=float) if self._rows else np.zeros((0, width))
        return self._array

    def frame(self) -> pd.DataFrame:
        """The monthly series as a DataFrame, one row per month (``month`` counts from 0, ``date`` YYYY-MM)."""
        start = self.model.spec.start
        data = pd.DataFrame(self.values[: self.rows], columns=self.columns[2:])
        data.insert(0, "date", [format_month(start + i) for i in range(self.rows)])
        data.insert(0, "month", np.arange(self.rows))
        return data


def summarise(model: LiptakoModel) -> dict[str, float | int]:
    """The per-run outcomes as a flat dict of scalars (per-state counts under ``<name>.<ISO>``)."""
    focal = model.blocs[model.spec.scenario.focal_bloc]
    months = model.steps
    states = model.states
    attempts = sum(s.coup_attempts for s in states)
    successes = sum(s.coup_successes for s in states)
    values = model.recorder.values[: model.recorder.rows]
    cols = model.recorder.columns[2:]
    index = {c: i for i, c in enumerate(cols)}

    def peak(isos: list[str]) -> float:
        if not isos or not len(values):
            return 0.0
        return float(values[:, [index[f"territory.{i}"] for i in isos]].max())

    partner_total = sum(model.partner_money.values())  # to states and to blocs' common funds
    nonwestern = sum(v for pid, v in model.partner_money.items() if not model.partners[pid].western)
    first_exit = model.first_exit
    out: dict[str, float | int] = {
        "survival_months": focal.dissolved_month - model.spec.start if focal.dissolved else months,
        "dissolved": int(focal.dissolved),
        "members_end": len(focal.members),
        "first_exit_month": first_exit[1] - model.spec.start if first_exit else -1,
        "coup_attempts": attempts,
        "coup_successes": successes,
        "coup_attempt_rate": model.junta_attempts / model.junta_months * 12 if model.junta_months else 0.0,
        "coup_success_share": successes / attempts if attempts else float("nan"),
        "calls_for_help": model.calls_made,
        "responses": model.responses,
        "responses_honoured": model.responses_honoured,
        "honour_rate": model.responses_honoured / model.responses if model.responses else float("nan"),
        "focal_honour_rate": (model.focal_honoured / model.focal_responses if model.focal_responses else float("nan")),
        "ecowas_exits": len(model.ecowas_exits),
        "peak_territory": peak(sorted(focal.members | focal.former_members)),
        "peak_territory_coastal": peak([s.iso3 for s in states if s.coastal]),
        "total_deaths": float(sum(s.deaths_total for s in states)),
        "displaced_end": float(sum(s.displaced for s in states)),
        "nonwestern_funding_share": nonwestern / partner_total if partner_total else 0.0,
    }
    for s in states:
        out[f"coup_attempts.{s.iso3}"] = s.coup_attempts
        out[f"coup_successes.{s.iso3}"] = s.coup_successes
    return out


def sweep_series(model: LiptakoModel) -> dict[str, np.ndarray]:
    """The :data:`SWEEP_SERIES` of one run, computed from the recorder's arrays."""
    rec = model.recorder
    values = rec.values[: rec.rows]
    index = {c: i for i, c in enumerate(rec.columns[2:])}
    focal = model.spec.scenario.focal_bloc
    founders = sorted(model.spec.blocs[focal].members)
    coastal = [s.iso3 for s in model.states if s.coastal]
    isos = [s.iso3 for s in model.states]

    def cols(variable: str, which: list[str]) -> np.ndarray:
        return values[:, [index[f"{variable}.{iso}"] for iso in which]]

    def mean(variable: str, which: list[str]) -> np.ndarray:
        return cols(variable, which).mean(axis=1) if which else np.zeros(len(values))

    return {
        "members": values[:, index[f"members.{focal}"]],
        "legitimacy_mean": mean("legitimacy", founders),
        "coup_risk_mean": mean("coup_risk", founders),
        "territory_mean": mean("territory", founders),
        "territory_coastal": mean("territory", coastal),
        "deaths": cols("deaths", isos).sum(axis=1),
        "displaced": cols("displaced", isos).sum(axis=1),
    }
