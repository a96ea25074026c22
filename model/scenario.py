"""Scenarios: one typed, frozen object per scenario, loaded and validated from TOML files.

A scenario names the states, their regimes, the partners, armed groups and blocs with their initial values,
parameter overrides and dated events. A what-if scenario ``extends`` another and states only what differs:
tables are merged key by key (the child wins) and the child's events are added to its parent's.

Loading checks everything and raises :class:`~liptako.model.errors.InputError` naming the file, the key path
and what is allowed; an unknown key is an error that lists the valid ones. Nothing else reads scenario files.
"""

from __future__ import annotations

import re
import tomllib
import types
import typing
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError
from .geography import COUNTRIES
from .parameters import BY_NAME, check_value

MAX_MONTHS = 600  # fifty years: past that the model's assumptions (fixed actors, no new states) mean nothing

StateId = Literal[tuple(COUNTRIES)]  # type: ignore[valid-type]
PARTNERS = ("FRA", "EU", "USA", "RUS", "TUR", "CHN", "GBR", "DEU", "UAE", "UN")
PartnerId = Literal[PARTNERS]  # type: ignore[valid-type]
BLOCS = ("AES", "ECOWAS", "G5S", "ACCRA")
BlocId = Literal[BLOCS]  # type: ignore[valid-type]
GroupId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Alignment = Annotated[float, Field(ge=-1.0, le=1.0)]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """Months since year 0 for a ``"YYYY-MM"`` string (so differences are month counts)."""
    m = _MONTH.match(text) if isinstance(text, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2200:
        raise ValueError(f'expected a month "YYYY-MM" between 1900-01 and 2200-12, not {text!r}')
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def format_month(index: int) -> str:
    """Inverse of :func:`parse_month`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month(value: str) -> str:
    parse_month(value)
    return value


YearMonth = Annotated[str, Field(description='a month, "YYYY-MM"')]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    @field_validator("*", mode="after")
    @classmethod
    def _check_months(cls, value, info):
        if info.field_name in _MONTH_FIELDS and value is not None:
            for item in value if isinstance(value, list) else (value,):
                _month(item)
        return value


_MONTH_FIELDS = {"start", "took_power", "transition_deadline", "coups", "founded", "date"}


# --- Header and actors -------------------------------------------------------------------------------------
class Header(_Strict):
    """The ``[scenario]`` table."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    extends: str | None = None
    start: YearMonth = "2023-09"
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] = 120
    focal_bloc: BlocId = "AES"


class Regime(_Strict):
    """``[states.XXX.regime]``: the junta or civilian government ruling a state at the start."""

    leader: str
    kind: Literal["military", "civilian"]
    took_power: YearMonth
    legitimacy: Unit
    cohesion: Unit
    alignment: Alignment
    commitment: dict[BlocId, Unit] = {}
    transition_deadline: YearMonth | None = None
    coups: list[YearMonth] = []
    rally: Unit = 0.0


class StateSpec(_Strict):
    """``[states.XXX]``: a country's initial values (names and coasts default to the built-in geography)."""

    name: str | None = None
    coastal: bool | None = None
    population_m: Annotated[float, Field(gt=0.0, le=2000.0)]
    troops: Annotated[int, Field(ge=0, le=5_000_000)]
    auxiliaries: Annotated[int, Field(ge=0, le=5_000_000)] = 0
    defence_budget_musd: Annotated[float, Field(ge=0.0, le=1e6)]
    territory_contested: Unit = 0.0
    displaced: Annotated[int, Field(ge=0, le=500_000_000)] = 0
    regime: Regime


class PartnerSpec(_Strict):
    """``[partners.XXX]``: an external patron's Sahel security budget, orientation and rules."""

    name: str
    budget_musd: Annotated[float, Field(ge=0.0, le=1e6)]
    alignment: Alignment
    conditional: bool
    clients: list[StateId] = []
    forces: dict[StateId, Annotated[int, Field(ge=0, le=1_000_000)]] = {}
    force_pool: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    bloc_funding: dict[BlocId, Unit] = {}
    suspended: list[StateId] = []
    regime_protection: bool = False


class ArmedGroupSpec(_Strict):
    """``[armed_groups.XXX]``: an armed group's fighters by state and its growth and spread multipliers."""

    name: str
    fighters: dict[StateId, Annotated[int, Field(ge=0, le=10_000_000)]]
    growth: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0
    spread: Annotated[float, Field(ge=0.0, le=5.0)] = 1.0


class BlocSpec(_Strict):
    """``[blocs.XXX]``: a bloc's members and rules."""

    name: str
    members: list[StateId]
    founded: YearMonth | None = None
    alignment: Alignment = 0.0
    mutual_defence: Unit = 0.0
    decision_rule: Literal["unanimity", "majority"] = "unanimity"
    notice_months: Annotated[int, Field(ge=0, le=120)] = 6
    sanctions_on_coup: bool = False
    intervention_threat: Unit = 0.0
    intervention_troops: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    joint_force_troops: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    common_fund_musd: Annotated[float, Field(ge=0.0, le=1e6)] = 0.0
    free_movement: bool = False
    non_aggression: bool = False
    open_to_accession: bool = False
    suspended: list[StateId] = []
    sanctioned: list[StateId] = []


# --- Events ------------------------------------------------------------------------------------------------
class _Event(_Strict):
    date: YearMonth


class CoupEvent(_Event):
    """A coup attempt forced on a state; ``outcome`` left out lets the model draw it."""

    type: Literal["coup"]
    state: StateId
    outcome: Literal["success", "failure"] | None = None
    alignment: Alignment | None = None
    leader: str | None = None


class PartnerExitEvent(_Event):
    """A partner leaves the listed states (all of them when ``from`` is left out)."""

    type: Literal["partner_exit"]
    partner: PartnerId
    from_: list[StateId] | None = Field(default=None, alias="from")


class PartnerEntryEvent(_Event):
    """A partner starts funding the listed states, optionally deploying security personnel in each."""

    type: Literal["partner_entry"]
    partner: PartnerId
    to: list[StateId]
    forces: Annotated[int, Field(ge=0, le=1_000_000)] = 0


class FundingChangeEvent(_Event):
    """A partner's budget is multiplied by ``factor`` or set to ``budget_musd`` (give exactly one)."""

    type: Literal["funding_change"]
    partner: PartnerId
    factor: Annotated[float, Field(ge=0.0, le=100.0)] | None = None
    budget_musd: Annotated[float, Field(ge=0.0, le=1e6)] | None = None

    @model_validator(mode="after")
    def _one_of(self):
        if (self.factor is None) == (self.budget_musd is None):
            raise ValueError("give exactly one of 'factor' or 'budget_musd'")
        return self


class InterventionEvent(_Event):
    """A military intervention by a bloc or partner against a state: an aggression under Article 6."""

    type: Literal["intervention"]
    by: Literal[BLOCS + PARTNERS]  # type: ignore[valid-type]
    state: StateId
    troops: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class AccessionRequestEvent(_Event):
    """A state applies to join a bloc; members decide by the bloc's rule."""

    type: Literal["accession_request"]
    state: StateId
    bloc: BlocId


class WithdrawalEvent(_Event):
    """A member gives notice to leave a bloc."""

    type: Literal["withdrawal"]
    state: StateId
    bloc: BlocId


class SetParameterEvent(_Event):
    """A registry parameter takes a new value from this month on."""

    type: Literal["set_parameter"]
    parameter: str
    value: float | int


Event = Annotated[
    CoupEvent
    | PartnerExitEvent
    | PartnerEntryEvent
    | FundingChangeEvent
    | InterventionEvent
    | AccessionRequestEvent
    | WithdrawalEvent
    | SetParameterEvent,
    Field(discriminator="type"),
]
EVENT_TYPES = ("coup", "partner_exit", "partner_entry", "funding_change", "intervention",
               "accession_request", "withdrawal", "set_parameter")  # fmt: skip


class Scenario(_Strict):
    """A whole scenario, validated: the only object the model reads its set-up from."""

    scenario: Header
    parameters: dict[str, float | int] = {}
    states: dict[StateId, StateSpec]
    partners: dict[PartnerId, PartnerSpec] = {}
    armed_groups: dict[GroupId, ArmedGroupSpec] = {}
    blocs: dict[BlocId, BlocSpec] = {}
    events: list[Event] = ()

    # --- convenience -------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def title(self) -> str:
        return self.scenario.title

    @property
    def start(self) -> int:
        """The first simulated month, as months since year 0."""
        return parse_month(self.scenario.start)

    @property
    def months(self) -> int:
        return self.scenario.months

    def state_name(self, iso3: str) -> str:
        """The state's name in words."""
        spec = self.states.get(iso3)
        return (spec.name if spec and spec.name else None) or COUNTRIES[iso3].name

    def replace(
        self,
        *,
        months: int | None = None,
        parameters: Mapping[str, float] | None = None,
        where: str = "overrides",
    ) -> Scenario:
        """A copy with another horizon and/or more parameter overrides, validated like the file."""
        data = self.model_dump(by_alias=True)
        if months is not None:
            data["scenario"]["months"] = months
            end = self.start + months - 1  # events past a shortened horizon are never reached: drop them
            data["events"] = [e for e in data["events"] if parse_month(e["date"]) <= end]
        if parameters:
            data["parameters"] = {**data["parameters"], **parameters}
        return _validate(data, where, {})


# --- Loading -----------------------------------------------------------------------------------------------
def bundled_names() -> list[str]:
    """Names of the scenarios shipped in ``scenarios/``."""
    root = resources.files("liptako.scenarios")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def load(source: str | Path | Scenario) -> Scenario:
    """A validated scenario from a bundled name, a TOML file's path, or a scenario object (returned as is)."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, str) and source in bundled_names():
        return _load_bundled(source)
    path = Path(source)
    if not path.suffix and not path.exists():
        raise InputError(
            str(source),
            None,
            "no such bundled scenario or file; bundled scenarios: " + ", ".join(bundled_names()),
        )
    return _load_path(path.resolve(), str(source))


@cache
def _load_bundled(name: str) -> Scenario:
    with resources.as_file(resources.files("liptako.scenarios") / f"{name}.toml") as path:
        return _load_path(Path(path), f"{name}.toml")


def _load_path(path: Path, shown: str) -> Scenario:
    layers = _read_chain(path, shown, chain=())
    merged: dict = {}
    origins: list[tuple[str, dict]] = []  # (shown name, raw dict), child first
    event_origin: list[tuple[str, int]] = []
    for shown_name, raw in reversed(layers):  # parent first
        parent_events = merged.get("events", [])
        merged = _merge(merged, {k: v for k, v in raw.items() if k != "events"})
        own = raw.get("events", [])
        if not isinstance(own, list):
            raise InputError(shown_name, "events", "must be an array of tables, [[events]]")
        merged["events"] = parent_events + own
        event_origin += [(shown_name, i) for i in range(len(own))]
        origins.insert(0, (shown_name, raw))
    merged["scenario"] = {k: v for k, v in merged.get("scenario", {}).items() if k != "extends"}
    return _validate(merged, shown, {"origins": origins, "events": event_origin})


def _read_chain(path: Path, shown: str, chain: tuple[Path, ...]) -> list[tuple[str, dict]]:
    """The file and its ancestors by ``extends``, child first."""
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise InputError(shown, "scenario.extends", f"extends cycle: {cycle}")
    raw = read_toml(path, shown)
    header = raw.get("scenario")
    if not isinstance(header, dict):
        raise InputError(shown, "scenario", "missing [scenario] table (name, title, start, months, ...)")
    parent = header.get("extends")
    if parent is None:
        return [(shown, raw)]
    if not isinstance(parent, str) or not parent:
        raise InputError(shown, "scenario.extends", "must be a bundled scenario name or a path to a .toml file")
    if parent in bundled_names() and not (path.parent / parent).is_file():
        with resources.as_file(resources.files("liptako.scenarios") / f"{parent}.toml") as p:
            parent_path, parent_shown = Path(p).resolve(), f"{parent}.toml"
    else:
        parent_path, parent_shown = (path.parent / parent).resolve(), parent
        if not parent_path.is_file():
            raise InputError(
                shown,
                "scenario.extends",
                f"parent {parent!r} is neither a bundled scenario ("
                + ", ".join(bundled_names())
                + ") nor a file next to this one",
            )
    return [(shown, raw), *_read_chain(parent_path, parent_shown, (*chain, path))]


def read_toml(path: Path, shown: str, what: str = "a scenario", needs: str = "a [scenario] table") -> dict:
    """Parse a TOML file, or raise :class:`InputError` naming ``shown`` (missing, empty, binary, malformed)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(shown, None, "no such file") from None
    except IsADirectoryError:
        raise InputError(shown, None, "is a directory, not a TOML file") from None
    except OSError as err:
        raise InputError(shown, None, f"cannot read: {err.strerror}") from None
    if not data.strip():
        raise InputError(shown, None, f"file is empty; {what} needs at least {needs}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(shown, None, f"not a text file (not UTF-8); {what} is a TOML text file") from None
    if "\x00" in text:
        raise InputError(shown, None, f"not a text file (contains NUL bytes); {what} is a TOML text file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(shown, None, f"malformed TOML: {err}") from None


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _validate(data: dict, shown: str, provenance: dict) -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise _explain(err, shown, provenance) from None
    _check_references(scenario, data, shown, provenance)
    return scenario


# --- Cross-references and error messages -------------------------------------------------------------------
def _check_references(s: Scenario, data: dict, shown: str, provenance: dict) -> None:
    def fail(loc: tuple, problem: str):
        raise InputError(_culprit(loc, shown, provenance), _path(loc), problem)

    states = set(s.states)
    states_list = ", ".join(sorted(states))
    for name, value in s.parameters.items():
        try:
            check_value(name, value)
        except ValueError as err:
            fail(
                ("parameters", name),
                str(err)
                .replace(f"parameter {name!r} ", "")
                .replace(f"unknown parameter {name!r}", "unknown parameter"),
            )
    if s.scenario.focal_bloc not in s.blocs:
        fail(
            ("scenario", "focal_bloc"),
            f"bloc {s.scenario.focal_bloc!r} is not defined; defined blocs: " + (", ".join(s.blocs) or "none"),
        )
    for iso, st in s.states.items():
        for bloc in st.regime.commitment:
            if bloc not in s.blocs:
                fail(
                    ("states", iso, "regime", "commitment", bloc),
                    "no such bloc in this scenario; defined: " + ", ".join(s.blocs),
                )
    for pid, p in s.partners.items():
        for field, ids in (("clients", p.clients), ("forces", p.forces)):
            for iso in ids:
                if iso not in states:
                    fail(
                        ("partners", pid, field),
                        f"state {iso!r} is not in this scenario's states ({states_list})",
                    )
        for bloc in p.bloc_funding:
            if bloc not in s.blocs:
                fail(("partners", pid, "bloc_funding", bloc), "no such bloc in this scenario")
        if sum(p.bloc_funding.values()) > 1.0:
            fail(("partners", pid, "bloc_funding"), "shares of the budget given to blocs add up to more than 1")
    for gid, g in s.armed_groups.items():
        for iso in g.fighters:
            if iso not in states:
                fail(("armed_groups", gid, "fighters", iso), f"state not in this scenario ({states_list})")
    for bid, b in s.blocs.items():
        for field in ("members", "suspended", "sanctioned"):
            for iso in getattr(b, field):
                if iso not in states:
                    fail(
                        ("blocs", bid, field),
                        f"state {iso!r} is not in this scenario's states ({states_list})",
                    )
        for field in ("suspended", "sanctioned"):
            for iso in getattr(b, field):
                if iso not in b.members:
                    fail(("blocs", bid, field), f"{iso!r} is not a member of {bid}")
    start, end = s.start, s.start + s.months - 1
    for i, ev in enumerate(s.events):
        loc = ("events", i)
        when = parse_month(ev.date)
        if not start <= when <= end:
            fail(
                (*loc, "date"),
                f"{ev.date} is outside the horizon {format_month(start)} to {format_month(end)}",
            )
        for field in ("state", "to", "from_"):
            ids = getattr(ev, field, None)
            for iso in (ids,) if isinstance(ids, str) else ids or ():
                if iso not in states:
                    fail((*loc, field.rstrip("_")), f"state {iso!r} is not in this scenario ({states_list})")
        partner = getattr(ev, "partner", None) or (ev.by if isinstance(ev, InterventionEvent) else None)
        if partner in PARTNERS and partner not in s.partners and not isinstance(ev, PartnerEntryEvent):
            fail(
                (*loc, "partner" if hasattr(ev, "partner") else "by"),
                f"partner {partner!r} is not defined in this scenario; defined: {', '.join(s.partners)}",
            )
        if isinstance(ev, PartnerEntryEvent) and ev.partner not in s.partners:
            fail(
                (*loc, "partner"),
                f"partner {ev.partner!r} must be defined under [partners.{ev.partner}] "
                "(budget, alignment) before it can enter",
            )
        bloc = getattr(ev, "bloc", None) or (ev.by if isinstance(ev, InterventionEvent) and ev.by in BLOCS else None)
        if bloc is not None and bloc not in s.blocs:
            fail(
                (*loc, "bloc" if hasattr(ev, "bloc") else "by"),
                f"bloc {bloc!r} is not defined in this scenario; defined: {', '.join(s.blocs)}",
            )
        if isinstance(ev, SetParameterEvent):
            try:
                check_value(ev.parameter, ev.value)
            except ValueError as err:
                fail((*loc, "parameter" if ev.parameter not in BY_NAME else "value"), str(err))


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _culprit(loc: tuple, shown: str, provenance: dict) -> str:
    """The file (of an ``extends`` chain) that wrote the key at ``loc``: the child-most that has it."""
    if loc and loc[0] == "events" and len(loc) > 1 and isinstance(loc[1], int) and provenance.get("events"):
        origin = provenance["events"]
        return origin[loc[1]][0] if loc[1] < len(origin) else shown
    for name, raw in provenance.get("origins", ()):
        node: Any = raw
        for part in loc:
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                break
        else:
            return name
    return shown


def _explain(err: ValidationError, shown: str, provenance: dict) -> InputError:
    errors = err.errors()
    first = errors[0]
    loc = tuple(p for p in first["loc"] if p not in EVENT_TYPES or not _in_events(first["loc"]))
    kind = first["type"]
    if loc and loc[-1] == "[key]":
        key_loc = loc[:-1]
        table = key_loc[-2] if len(key_loc) > 1 else ""
        allowed = _allowed_ids(table, key_loc)
        problem = f"unknown ID {key_loc[-1]!r}" + (f"; allowed: {allowed}" if allowed else "")
        loc = key_loc
    elif kind == "extra_forbidden":
        fields = _fields_at(loc[:-1], first["loc"])
        what = "table" if isinstance(first.get("input"), dict) else "key"
        problem = f"unknown {what} {loc[-1]!r}; valid keys: {', '.join(fields)}" if fields else f"unknown {what}"
    elif kind == "missing":
        problem = "required key is missing"
    elif kind == "union_tag_invalid":
        problem = f"unknown event type {first['input'].get('type')!r}; allowed: {', '.join(EVENT_TYPES)}"
        loc = (*loc, "type")
    elif kind == "union_tag_not_found":
        problem = f"event has no 'type'; allowed: {', '.join(EVENT_TYPES)}"
    elif (kind == "literal_error" and loc and loc[-1] in ("state", "members", "clients", "to", "from")) or (
        kind == "literal_error" and len(loc) > 1 and isinstance(loc[-1], int)
    ):
        problem = f"unknown ID {first['input']!r}; allowed: {first['ctx']['expected']}"
    else:
        problem = f"{first['msg']} (got {_short(first.get('input'))})"
        problem = problem.replace("Value error, ", "")
    more = len(errors) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(_culprit(loc, shown, provenance), _path(loc), problem)


def _in_events(loc: tuple) -> bool:
    return len(loc) > 2 and loc[0] == "events"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _allowed_ids(table: str, loc: tuple) -> str:
    if table in ("states", "forces", "fighters"):
        return ", ".join(COUNTRIES)
    if table == "partners":
        return ", ".join(PARTNERS)
    if table in ("blocs", "commitment", "bloc_funding"):
        return ", ".join(BLOCS)
    return ""


def _fields_at(loc: tuple, full_loc: tuple) -> list[str]:
    """The valid keys of the table at ``loc`` (a path into :class:`Scenario`)."""
    node: Any = Scenario
    parts = list(full_loc[: len(full_loc) - 1])
    while parts:
        part = parts.pop(0)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(part) or next(
                (f for f in node.model_fields.values() if f.alias == part), None
            )
            if field is None:
                return []
            node = field.annotation
            continue
        node = _unwrap(node)
        origin = typing.get_origin(node)
        if origin is dict:
            node = typing.get_args(node)[1]
        elif origin is list:
            node = typing.get_args(node)[0]
        elif origin in (typing.Union, types.UnionType):
            node = next(
                (
                    a
                    for a in typing.get_args(node)
                    if isinstance(a, type)
                    and issubclass(a, BaseModel)
                    and part in typing.get_args(a.model_fields["type"].annotation)
                ),
                None,
            )
            if node is None:
                return []
        else:
            return []
    node = _unwrap(node)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return [f.alias or n for n, f in node.model_fields.items()]
    return []


def _unwrap(node: Any) -> Any:
    while True:
        origin = typing.get_origin(node)
        if origin is Annotated:
            node = typing.get_args(node)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(node) if a is not type(None)]
            if len(args) == 1:
                node = args[0]
            else:
                return node
        else:
            return node
