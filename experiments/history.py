"""History files: what was observed after a scenario's start, for ``liptako evaluate`` to score.

A history names a scenario and lists observations in three forms (``histories/g5-sahel-2017.toml`` is an
example)::

    [history]
    name = "g5-sahel-2017"
    scenario = "g5-sahel-2017"       # a bundled name, or a path relative to the history file
    reference = 0.5                  # optional: the reference forecast's probability of each yes/no fact

    [[observations]]                 # a count of typed event records in a window (months inclusive)
    id = "mali-coups"
    kind = "coup"                    # optional filters: outcome, states (summed), bloc, partner
    outcome = "success"
    states = ["MLI"]
    from = "2017-07"
    to = "2023-12"
    observed = 2
    reference = 0.3                  # optional: the reference probability of "at least one"

    [[observations]]                 # a monthly series summed over states, aggregated over the window
    id = "deaths-2023"
    series = "deaths"
    states = ["MLI", "BFA", "NER"]   # optional: every state when absent
    from = "2023-01"
    to = "2023-12"
    over_months = "sum"              # sum | mean | last
    observed = 11643

    [[observations]]                 # the members of a bloc at the end of a month
    id = "g5-members-2023-12"
    bloc = "G5S"
    members_at = "2023-12"
    observed = ["MRT", "TCD"]

Bad files raise :class:`~liptako.model.errors.InputError` naming the file, the key path and what is allowed,
as scenario files do. Observations outside the scenario's months, unknown states, blocs, partners, kinds or
series are errors, so that a history never scores a forecast the model did not make.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from liptako.model.errors import InputError, key_path
from liptako.model.outputs import STATE_INDEX
from liptako.model.records import KINDS, OUTCOMES
from liptako.model.scenario import Scenario, format_month, load, parse_month, read_toml

AGGREGATES = ("sum", "mean", "last")
HISTORY_KEYS = ("name", "title", "scenario", "source", "description", "reference")
COMMON_KEYS = ("id", "observed", "source", "note", "reference")
FORMS = {
    "count": ("kind", "outcome", "states", "bloc", "partner", "from", "to"),
    "series": ("series", "states", "from", "to", "over_months"),
    "members": ("bloc", "members_at"),
}


@dataclass(frozen=True)
class Observation:
    """One observation of a history (see the module docstring); months are counted as in scenarios."""

    id: str
    form: str  # count | series | members
    observed: Any  # int (count), float (series) or a tuple of ISO codes (members)
    first: int = 0  # the window's first and last months (inclusive); for members both are members_at
    last: int = 0
    kind: str | None = None
    outcome: str | None = None
    states: tuple[str, ...] = ()
    bloc: str | None = None
    partner: str | None = None
    series: str | None = None
    over_months: str = "sum"
    reference: float | None = None
    source: str = ""

    @property
    def window(self) -> str:
        a, b = format_month(self.first), format_month(self.last)
        return a if a == b else f"{a}..{b}"


@dataclass(frozen=True)
class History:
    name: str
    title: str
    scenario: Scenario
    source: str
    description: str
    reference: float
    observations: tuple[Observation, ...] = field(default_factory=tuple)
    path: str = ""


def bundled_histories() -> list[str]:
    """Names of the histories shipped in ``histories/``."""
    root = resources.files("liptako.histories")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def load_history(source: str | Path) -> History:
    """Read and check a history file (a path, or the name of a bundled history); raise :class:`InputError`
    on the first problem."""
    path = Path(source)
    shown = str(source)
    if not path.exists() and isinstance(source, str) and source in bundled_histories():
        path = Path(str(resources.files("liptako.histories") / f"{source}.toml"))
    elif not path.exists():
        raise InputError(shown, None, f"no such file (bundled histories: {', '.join(bundled_histories())})")
    data = read_toml(path, shown, what="a history", needs="a [history] table and [[observations]]")

    def fail(key: str | None, problem: str):
        raise InputError(shown, key, problem)

    unknown = sorted(set(data) - {"history", "observations"})
    if unknown:
        fail(unknown[0], "unknown table; a history has [history] and [[observations]]")
    head = data.get("history")
    if not isinstance(head, dict):
        fail("history", "required table is missing")
    for key in head:
        if key not in HISTORY_KEYS:
            fail(f"history.{key}", f"unknown key; valid keys: {', '.join(HISTORY_KEYS)}")
    for key in ("name", "scenario"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            fail(f"history.{key}", "required text is missing")
    reference = _probability(head.get("reference", 0.5), "history.reference", fail)
    scenario = _scenario(head["scenario"], path, fail)
    rows = data.get("observations")
    if not isinstance(rows, list) or not rows:
        fail("observations", "a history needs at least one [[observations]] table")
    seen: set[str] = set()
    observations = []
    for i, row in enumerate(rows):
        obs = _observation(row, key_path(("observations", i)), scenario, fail)
        if obs.id in seen:
            fail(key_path(("observations", i, "id")), f"id {obs.id!r} is used twice; ids must be unique")
        seen.add(obs.id)
        observations.append(obs)
    return History(
        name=head["name"], title=str(head.get("title", head["name"])), scenario=scenario,
        source=str(head.get("source", "")), description=str(head.get("description", "")), reference=reference,
        observations=tuple(observations), path=shown,
    )  # fmt: skip


def _scenario(name: str, path: Path, fail) -> Scenario:
    relative = (path.parent / name) if not Path(name).is_absolute() else Path(name)
    source = relative if relative.suffix == ".toml" and relative.exists() else name
    try:
        return load(source)
    except InputError as err:
        fail("history.scenario", f"cannot load scenario {name!r}: {err}")


def _probability(value, key: str, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        fail(key, f"a probability between 0 and 1 is required (got {value!r})")
    return float(value)


def _observation(row, loc: str, scenario: Scenario, fail) -> Observation:
    if not isinstance(row, dict):
        fail(loc, "each observation is a table")
    if not isinstance(row.get("id"), str) or not row["id"].strip():
        fail(f"{loc}.id", "required text is missing")
    if "members_at" in row:
        form = "members"
    elif "series" in row:
        form = "series"
    elif "kind" in row:
        form = "count"
    else:
        fail(loc, "say what was observed: 'kind' (a count of events), 'series' (a monthly series) or "
                  "'members_at' (a bloc's members)")  # fmt: skip
    allowed = (*COMMON_KEYS, *FORMS[form])
    for key in row:
        if key not in allowed:
            fail(f"{loc}.{key}", f"unknown key for a {form} observation; valid keys: {', '.join(allowed)}")
    if "observed" not in row:
        fail(f"{loc}.observed", "required key is missing")
    observed = row["observed"]
    states = _states(row.get("states"), f"{loc}.states", scenario, fail)
    bloc = row.get("bloc")
    if bloc is not None and bloc not in scenario.blocs:
        fail(f"{loc}.bloc", f"bloc {bloc!r} is not in the scenario; its blocs: {', '.join(scenario.blocs)}")
    common = {"id": row["id"], "form": form, "states": states, "bloc": bloc, "source": str(row.get("source", ""))}
    if "reference" in row:
        common["reference"] = _probability(row["reference"], f"{loc}.reference", fail)
    if form == "members":
        if bloc is None:
            fail(f"{loc}.bloc", "required key is missing (the bloc whose members were observed)")
        month = _month(row["members_at"], f"{loc}.members_at", scenario, fail)
        if not isinstance(observed, list) or not all(isinstance(x, str) for x in observed):
            fail(f"{loc}.observed", 'a list of ISO codes is required, e.g. ["MRT", "TCD"]')
        codes = _states(observed, f"{loc}.observed", scenario, fail)
        return Observation(observed=tuple(sorted(codes)), first=month, last=month, **common)
    for key in ("from", "to"):
        if key not in row:
            fail(f"{loc}.{key}", "required key is missing (months YYYY-MM, inclusive)")
    first = _month(row["from"], f"{loc}.from", scenario, fail)
    last = _month(row["to"], f"{loc}.to", scenario, fail)
    if last < first:
        fail(f"{loc}.to", f"{row['to']} is before from = {row['from']}")
    if form == "series":
        series = row["series"]
        if series not in STATE_INDEX:
            fail(f"{loc}.series", f"unknown series {series!r}; allowed: {', '.join(STATE_INDEX)}")
        over = row.get("over_months", "sum")
        if over not in AGGREGATES:
            fail(f"{loc}.over_months", f"unknown aggregate {over!r}; allowed: {', '.join(AGGREGATES)}")
        if isinstance(observed, bool) or not isinstance(observed, int | float):
            fail(f"{loc}.observed", f"a number is required (got {observed!r})")
        return Observation(observed=float(observed), first=first, last=last, series=series, over_months=over,
                           **common)  # fmt: skip
    kind = row["kind"]
    if kind not in KINDS:
        fail(f"{loc}.kind", f"unknown event kind {kind!r}; allowed: {', '.join(KINDS)}")
    outcome = row.get("outcome")
    if outcome is not None and outcome not in OUTCOMES[1:]:
        fail(f"{loc}.outcome", f"unknown outcome {outcome!r}; allowed: {', '.join(OUTCOMES[1:])}")
    partner = row.get("partner")
    if partner is not None and partner not in scenario.partners:
        fail(f"{loc}.partner", f"partner {partner!r} is not in the scenario; its partners: "
                               f"{', '.join(scenario.partners)}")  # fmt: skip
    if isinstance(observed, bool) or not isinstance(observed, int) or observed < 0:
        fail(f"{loc}.observed", f"a count (a whole number, 0 or more) is required (got {observed!r})")
    return Observation(observed=observed, first=first, last=last, kind=kind, outcome=outcome, partner=partner,
                       **common)  # fmt: skip


def _states(value, key: str, scenario: Scenario, fail) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        fail(key, 'a list of ISO codes is required, e.g. ["MLI", "BFA"]')
    for iso in value:
        if iso not in scenario.states:
            fail(key, f"state {iso!r} is not in the scenario; its states: {', '.join(scenario.states)}")
    return tuple(value)


def _month(value, key: str, scenario: Scenario, fail) -> int:
    try:
        month = parse_month(str(value))
    except ValueError:
        fail(key, f"a month YYYY-MM is required (got {value!r})")
    first, last = scenario.start, scenario.start + scenario.months - 1
    if not first <= month <= last:
        fail(key, f"{value} is outside the scenario's months ({format_month(first)} to {format_month(last)})")
    return month
