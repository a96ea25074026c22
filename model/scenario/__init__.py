"""Scenarios: one typed, frozen object per scenario, loaded and validated from TOML files.

A scenario names the states, their regimes, the partners, armed groups and blocs with their initial values,
parameter overrides and dated events. A what-if scenario ``extends`` another and states only what differs:
tables are merged key by key (the child wins) and the child's events are added to its parent's.

Loading checks everything and raises :class:`~liptako.model.errors.InputError` naming the file, the key path
and what is allowed; an unknown key is an error that lists the valid ones. Nothing else reads scenario files.

The package holds three modules, each imported only by those after it:

- ``schema``: the pydantic models of the file's tables (:class:`Scenario`, :class:`Header`,
  :class:`StateSpec`, :class:`RegimeSpec`, :class:`PartnerSpec`, :class:`ArmedGroupSpec`, :class:`BlocSpec`,
  the event classes), the ID vocabularies (:data:`StateId`, :data:`PARTNERS`, :data:`BLOCS`, ...),
  :data:`MAX_MONTHS` and the month helpers :func:`parse_month` and :func:`format_month`;
- ``messages``: the cross-reference checks and the translation of pydantic's errors into ``InputError``;
- ``loading``: :func:`load`, :func:`bundled_names`, :func:`read_toml` and the ``extends`` chain.

Everything public is re-exported here: import from ``liptako.model.scenario``.
"""

from .loading import (
    bundled_names,
    changed,
    cut_events_note,
    events_after,
    load,
    read_toml,
    validate,
    warn_cut_events,
)
from .schema import (
    BLOCS,
    EVENT_TYPES,
    MAX_MONTHS,
    PARTNERS,
    AccessionRequestEvent,
    Alignment,
    ArmedGroupSpec,
    BlocId,
    BlocSpec,
    CoupEvent,
    Event,
    FundingChangeEvent,
    GroupId,
    Header,
    InterventionEvent,
    PartnerEntryEvent,
    PartnerExitEvent,
    PartnerId,
    PartnerSpec,
    RegimeSpec,
    Scenario,
    SetParameterEvent,
    StateId,
    StateSpec,
    Unit,
    WithdrawalEvent,
    YearMonth,
    format_month,
    parse_month,
)

__all__ = [
    "BLOCS",
    "EVENT_TYPES",
    "MAX_MONTHS",
    "PARTNERS",
    "AccessionRequestEvent",
    "Alignment",
    "ArmedGroupSpec",
    "BlocId",
    "BlocSpec",
    "CoupEvent",
    "Event",
    "FundingChangeEvent",
    "GroupId",
    "Header",
    "InterventionEvent",
    "PartnerEntryEvent",
    "PartnerExitEvent",
    "PartnerId",
    "PartnerSpec",
    "RegimeSpec",
    "Scenario",
    "SetParameterEvent",
    "StateId",
    "StateSpec",
    "Unit",
    "WithdrawalEvent",
    "YearMonth",
    "bundled_names",
    "changed",
    "cut_events_note",
    "events_after",
    "format_month",
    "load",
    "parse_month",
    "read_toml",
    "validate",
    "warn_cut_events",
]
