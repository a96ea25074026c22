"""The schema of a scenario file: one frozen pydantic model per TOML table, and the vocabularies they use.

:class:`Scenario` is the whole file: its ``[scenario]`` :class:`Header`, the ``[states.XXX]`` tables
(:class:`StateSpec`, each with its ``[states.XXX.regime]`` :class:`RegimeSpec`), the partners, armed groups and
blocs, parameter overrides and the dated ``[[events]]`` (:data:`Event`, one class per type in
:data:`EVENT_TYPES`). Every table refuses unknown keys; months are ``"YYYY-MM"`` strings
(:func:`parse_month`, :func:`format_month`). The IDs allowed for states, partners and blocs are
:data:`StateId`, :data:`PARTNERS` and :data:`BLOCS`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..geography import COUNTRIES

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


_MONTH_FIELDS = {"start", "took_power", "transition_deadline", "next_election", "coups", "founded", "date"}


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


class RegimeSpec(_Strict):
    """``[states.XXX.regime]``: the junta or civilian government ruling a state at the start."""

    leader: str
    kind: Literal["military", "civilian"]
    took_power: YearMonth
    legitimacy: Unit
    cohesion: Unit
    alignment: Alignment
    commitment: dict[BlocId, Unit] = {}
    transition_deadline: YearMonth | None = None
    next_election: YearMonth | None = None  # a civilian government's next election (else every term_months)
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
    regime: RegimeSpec


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
    latent: bool = False
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
