"""Error messages for scenario files: pydantic's errors and broken cross-references as one InputError.

Each problem becomes an :class:`~liptako.model.errors.InputError` naming the file of the ``extends`` chain
that wrote the offending key, the key path (``states.MLI.regime.kind``, ``events[2].date``; list positions
counted from 1) and what is
allowed; an unknown key lists the valid ones. Only the first problem is described, with a count of the rest.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, key_path
from ..geography import COUNTRIES
from ..parameters import BY_NAME, check_value
from .schema import (
    BLOCS,
    EVENT_TYPES,
    PARTNERS,
    InterventionEvent,
    PartnerEntryEvent,
    Scenario,
    SetParameterEvent,
    format_month,
    parse_month,
)


def _check_references(s: Scenario, data: dict, shown: str, provenance: dict) -> None:
    def fail(loc: tuple, problem: str):
        raise InputError(_culprit(loc, shown, provenance), key_path(loc), problem)

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
        deployed = sum(p.forces.values())
        if 0 < p.force_pool < deployed:
            fail(("partners", pid, "force_pool"),
                 f"{p.force_pool:,} troops is fewer than the {deployed:,} already deployed in forces; give at "
                 f"least {deployed} (the pool includes them) or leave force_pool out")  # fmt: skip
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
        if b.latent:
            if b.members:
                fail(("blocs", bid, "members"), "a latent pact has no members until its founders found it: give []")
            if b.founded is not None:
                fail(("blocs", bid, "founded"), "a latent pact is founded in the run: leave founded out")
            if bid == s.scenario.focal_bloc:
                fail(("blocs", bid, "latent"), "the focal bloc must exist at the start: it cannot be latent")
        elif not b.members:
            fail(("blocs", bid, "members"), "a bloc needs members at the start (or latent = true, for a pact "
                 "founded in the run)")  # fmt: skip
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
    return InputError(_culprit(loc, shown, provenance), key_path(loc), problem)


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
