"""Outputs, declared once: name, label, unit, and how each is computed. Plots and tables take their labels here.

- Monthly series per state (:data:`STATE_SERIES`), per funding source and state, and bloc membership are
  recorded by phase 9 (:func:`record`) into ``[R, T, ...]`` arrays, as 32-bit floats (seven significant digits;
  half the memory of a 10,000-run batch).
- Per-run outcomes (:data:`RUN_OUTCOMES`) are computed from the replications' final state by :func:`outcomes`.
  A value that did not happen (no exit, no call answered) is missing: NaN, never a stand-in number.
- :data:`SWEEP_SERIES` are the monthly aggregates an experiment keeps for every run (fan charts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import armies
from .compiled import kernel
from .world import NEVER

if TYPE_CHECKING:
    from .world import Names, Setup, World


@dataclass(frozen=True, slots=True)
class Output:
    """One declared output: its name, a label for plots and tables, its unit, and how it is computed (for a
    monthly per-state series, the World field recorded at the end of each month)."""

    name: str
    label: str
    unit: str
    field: str = ""
    computed: str = ""


# Per state, per month (columns "<name>.<ISO>" of a run's table), in the order phase 9 records them.
STATE_SERIES: tuple[Output, ...] = (
    Output("legitimacy", "Legitimacy", "0-1", "legitimacy"),
    Output("cohesion", "Army cohesion", "0-1", "cohesion"),
    Output("coup_risk", "Coup risk", "per month", "coup_risk"),
    Output("alignment", "Alignment", "-1 West .. +1 sovereigntist", "alignment"),
    Output("territory", "Territory contested", "share", "territory"),
    Output("deaths", "Conflict deaths", "per month", "deaths"),
    Output("displaced", "Internally displaced", "persons", "displaced"),
    Output("fighters", "Armed-group fighters", "fighters", "fighters"),
    Output("troops_home", "Troops at home", "troops", "troops_home"),
    Output("troops_abroad", "Troops abroad", "troops", "troops_abroad"),
    Output("readiness", "Readiness", "0-1", "readiness"),
    Output("funding_total", "Funding received", "USD M per month", "funds"),
)
STATE_INDEX = {o.name: k for k, o in enumerate(STATE_SERIES)}
# Per funding source and state, per month (columns "funding.<SOURCE>.<ISO>").
FUNDING = Output("funding", "Funding by source", "USD M per month", "funding")
# Per bloc, per month: members (columns "members.<BLOC>"), and membership per bloc and state ("member.<BLOC>.<ISO>");
# in the month a bloc dissolves, its members are those who dissolve it (the G5 Sahel in Dec 2023: MRT and TCD).
BLOC_SERIES: tuple[Output, ...] = (Output("members", "Members", "states", "members"),)

# Per run (a batch's summary columns; per-state ones are "<name>.<ISO>", exits "exit_month.<BLOC>.<ISO>").
RUN_OUTCOMES: tuple[Output, ...] = (
    Output("survival_months", "Alliance survival", "months (censored at the horizon)",
           computed="months from the start to the focal bloc's dissolution, or the horizon"),
    Output("dissolved", "Alliance dissolved", "0/1"),
    Output("members_end", "Members at the end", "states"),
    Output("first_exit_month", "Months to the first exit", "months (missing: none)",
           computed="months from the start to the first member's exit from the focal bloc"),
    Output("first_exit_state", "First member to leave", "ISO code (missing: none)"),
    Output("coup_attempts", "Coup attempts", "attempts"),
    Output("coup_successes", "Successful coups", "coups"),
    Output("junta_attempts", "Coup attempts against juntas", "attempts"),
    Output("junta_months", "Months of military rule, all states", "state-months"),
    Output("coup_attempt_rate", "Coup attempts per junta-year", "per year",
           computed="attempts against juntas over junta-months, times 12 (missing: no junta ruled)"),
    Output("coup_success_share", "Share of attempts that succeed", "share"),
    Output("calls_for_help", "Calls for help", "calls"),
    Output("responses", "Allies' answers to calls", "answers"),
    Output("responses_honoured", "Answers that honoured the call", "answers"),
    Output("honour_rate", "Honour rate", "share of answers"),
    Output("focal_responses", "Allies' answers to calls within the alliance", "answers"),
    Output("focal_responses_honoured", "Answers within the alliance that honoured the call", "answers"),
    Output("focal_honour_rate", "Honour rate within the alliance", "share of answers"),
    Output("ecowas_exits", "States leaving ECOWAS", "states"),
    Output("peak_territory", "Peak territory contested (focal members)", "share",
           computed="the highest monthly territory contested of any state that was ever a focal member"),
    Output("peak_territory_coastal", "Peak territory contested (coastal states)", "share"),
    Output("total_deaths", "Conflict deaths", "deaths"),
    Output("displaced_end", "Internally displaced at the end", "persons"),
    Output("nonwestern_funding_share", "Funding from non-Western partners", "share of partner funding",
           computed="money partners of alignment 0 or above actually paid out, over all partner money paid out "
                    "(to states and common funds), all months"),
)  # fmt: skip
PER_STATE_OUTCOMES: tuple[Output, ...] = (
    Output("coup_attempts", "Coup attempts", "attempts"),
    Output("coup_successes", "Successful coups", "coups"),
    Output("coup_month", "Months to a state's first successful coup", "months (missing: none)"),
)
EXIT_OUTCOME = Output("exit_month", "Months to a state's exit from a bloc", "months (missing: it did not leave)")
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

LABELS: dict[str, Output] = {
    o.name: o for o in (*STATE_SERIES, FUNDING, *BLOC_SERIES, *RUN_OUTCOMES, *PER_STATE_OUTCOMES, EXIT_OUTCOME)
}
SWEEP_LABELS: dict[str, Output] = {o.name: o for o in SWEEP_SERIES}


def column(name: str, *keys: str) -> str:
    """The flat column name of a declared output for some bloc, source or state: ``column("legitimacy",
    "MLI")`` is ``"legitimacy.MLI"``. Code that builds or reads tables names columns through this."""
    return ".".join((name, *keys))


# --- Phase 9 ----------------------------------------------------------------------------------------------------
def series_arrays(R: int, T: int, S: int, B: int, F: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empty monthly series of R replications: per state, per funding source and state, membership."""
    return (
        np.zeros((R, T, len(STATE_SERIES), S), dtype=np.float32),
        np.zeros((R, T, F, S), dtype=np.float32),
        np.zeros((R, T, B, S), dtype=np.uint8),
    )


def recorded_fields(world: World) -> tuple[np.ndarray, ...]:
    """The World arrays phase 9 records, in the order of :data:`STATE_SERIES`."""
    return tuple(getattr(world, o.field) for o in STATE_SERIES)


@kernel
def record(s, w, r, t, fields):
    """The month's row of every declared series (``fields``: :func:`recorded_fields`)."""
    if t >= w.state_series.shape[1]:
        return
    for i in range(len(s.code)):
        w.troops_home[r, i] = armies.troops_home(s, w, r, i)
    for k in range(len(fields)):
        field = fields[k]  # once per series: a tuple indexed at run time is copied at every access
        for i in range(len(s.code)):
            w.state_series[r, t, k, i] = field[r, i]
    for source in range(w.funding.shape[1]):
        for i in range(len(s.code)):
            w.funding_series[r, t, source, i] = w.funding[r, source, i]
    for b in range(w.members.shape[1]):
        dissolving = w.dissolved_month[r, b] == s.start + t  # its last members dissolve it: members that month
        for i in range(len(s.code)):
            w.member_series[r, t, b, i] = w.members[r, b, i] or (dissolving and w.dissolvers[r, b, i])


# --- Per-run outcomes -------------------------------------------------------------------------------------------
def outcomes(setup: Setup, names: Names, w: World, months: int) -> dict[str, np.ndarray]:
    """Every per-run outcome of the replications in ``w`` after ``months`` months, as arrays over replications
    (missing values NaN; ``first_exit_state`` an object array of ISO codes or None)."""
    start, focal = setup.start, setup.focal
    dissolved = w.dissolved_month[:, focal] != NEVER
    attempts = w.coup_attempts.sum(axis=1)
    successes = w.coup_successes.sum(axis=1)
    ever_member = w.members[:, focal] | w.former[:, focal]
    peak_focal = np.where(ever_member, w.peak_territory, 0.0).max(axis=1)
    coastal = setup.coastal
    peak_coastal = w.peak_territory[:, coastal].max(axis=1) if coastal.any() else np.zeros(len(w.seed))
    western = setup.partner_alignment < 0.0
    partner_total = w.money_total.sum(axis=1)
    nonwestern = w.money_total[:, ~western].sum(axis=1)
    first = w.first_exit_month != NEVER
    states = np.array(names.states, dtype=object)
    out: dict[str, np.ndarray] = {
        "survival_months": np.where(dissolved, w.dissolved_month[:, focal] - start, months).astype(np.int64),
        "dissolved": dissolved.astype(np.int64),
        "members_end": w.members[:, focal].sum(axis=1).astype(np.int64),
        "first_exit_month": np.where(first, w.first_exit_month - start, np.nan),
        "first_exit_state": np.where(first, states[np.maximum(w.first_exit_state, 0)], None),
        "coup_attempts": attempts,
        "coup_successes": successes,
        "junta_attempts": w.junta_attempts.copy(),
        "junta_months": w.junta_months.copy(),
        "coup_attempt_rate": _ratio(w.junta_attempts * 12.0, w.junta_months),
        "coup_success_share": _ratio(successes, attempts),
        "calls_for_help": w.calls_total.copy(),
        "responses": w.responses.copy(),
        "responses_honoured": w.honoured.copy(),
        "honour_rate": _ratio(w.honoured, w.responses),
        "focal_responses": w.focal_responses.copy(),
        "focal_responses_honoured": w.focal_honoured.copy(),
        "focal_honour_rate": _ratio(w.focal_honoured, w.focal_responses),
        "ecowas_exits": w.ecowas_exits.copy(),
        "peak_territory": peak_focal,
        "peak_territory_coastal": peak_coastal,
        "total_deaths": w.deaths_total.sum(axis=1),
        "displaced_end": w.displaced.sum(axis=1),
        "nonwestern_funding_share": _ratio(nonwestern, partner_total),
    }
    for i, iso in enumerate(names.states):
        out[column("coup_attempts", iso)] = w.coup_attempts[:, i].copy()
        out[column("coup_successes", iso)] = w.coup_successes[:, i].copy()
        first_coup = w.first_success[:, i]
        out[column("coup_month", iso)] = np.where(first_coup != NEVER, first_coup - start, np.nan)
    for b, i in exit_pairs(setup):
        left = w.exit_month[:, b, i]
        out[column("exit_month", names.blocs[b], names.states[i])] = np.where(left != NEVER, left - start, np.nan)
    return out


def exit_pairs(setup: Setup) -> list[tuple[int, int]]:
    """The (bloc, state) pairs whose exit month is an outcome: members at the start, and every state for a bloc
    open to accession."""
    B, S = setup.start_members.shape
    return [(b, i) for b in range(B) for i in range(S) if setup.open_to_accession[b] or setup.start_members[b, i]]


def _ratio(num, den) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    return np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0)


def sweep_series(setup: Setup, state_series: np.ndarray, member_series: np.ndarray) -> dict[str, np.ndarray]:
    """The :data:`SWEEP_SERIES` of R replications, each ``[R, T]``, from their recorded series."""
    founders, coastal = setup.founders, setup.coastal

    def mean(name: str, which: np.ndarray) -> np.ndarray:
        values = state_series[:, :, STATE_INDEX[name], :]
        return values[:, :, which].mean(axis=2, dtype=np.float64) if which.any() else np.zeros(values.shape[:2])

    def total(name: str) -> np.ndarray:
        return state_series[:, :, STATE_INDEX[name], :].sum(axis=2, dtype=np.float64)

    return {
        "members": member_series[:, :, setup.focal, :].sum(axis=2).astype(np.float64),
        "legitimacy_mean": mean("legitimacy", founders),
        "coup_risk_mean": mean("coup_risk", founders),
        "territory_mean": mean("territory", founders),
        "territory_coastal": mean("territory", coastal),
        "deaths": total("deaths"),
        "displaced": total("displaced"),
    }
