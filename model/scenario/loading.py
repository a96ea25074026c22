"""Loading a scenario: from a bundled name or a TOML file, following its ``extends`` chain.

A what-if scenario ``extends`` another and states only what differs: tables are merged key by key (the child
wins) and the child's events are added to its parent's. The merged data is validated against the schema and
its cross-references checked; problems become :class:`~liptako.model.errors.InputError` (see ``messages``).
Nothing else reads scenario files.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from ..errors import CutEventsWarning, InputError
from .messages import _check_references, _explain
from .schema import Scenario, format_month, parse_month


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


def validate(data: dict, shown: str = "scenario data") -> Scenario:
    """A Scenario from a dict of its tables (as a TOML file would give), checked like a file: schema and
    cross-references; errors name ``shown``."""
    return _validate(data, shown, {})


def changed(
    scenario: Scenario,
    *,
    months: int | None = None,
    parameters: Mapping[str, float] | None = None,
    where: str = "overrides",
) -> Scenario:
    """A copy of a scenario with another horizon and/or more parameter overrides, validated like the file.
    Events past a shortened horizon are never reached, and are dropped."""
    data = scenario.model_dump(by_alias=True)
    if months is not None:
        data["scenario"]["months"] = months
        data["events"] = [d for d, cut in zip(data["events"], _beyond(scenario, months), strict=True) if not cut]
    if parameters:
        data["parameters"] = {**data["parameters"], **parameters}
    return _validate(data, where, {})


def _beyond(scenario: Scenario, months: int) -> list[bool]:
    """For each of the scenario's events, whether it falls after the last month of a run of ``months``."""
    end = scenario.start + months - 1
    return [parse_month(ev.date) > end for ev in scenario.events]


def events_after(scenario: Scenario, months: int | None) -> list:
    """The scenario's dated events that a run of ``months`` months never reaches (none if ``months`` is None)."""
    if months is None:
        return []
    return [ev for ev, cut in zip(scenario.events, _beyond(scenario, months), strict=True) if cut]


def cut_events_note(scenario: Scenario, months: int | None, option: str = "months") -> str | None:
    """What a shorter horizon drops, in words (``option`` names the setting that cut it), or None: a what-if
    must not turn into its baseline without a word."""
    cut = events_after(scenario, months)
    if not cut:
        return None
    listed = ", ".join(f"{ev.type} {ev.date}" for ev in cut[:4]) + (", ..." if len(cut) > 4 else "")
    return (f"{option} {months} ends the run in {format_month(scenario.start + months - 1)}; {len(cut)} of "
            f"{scenario.name}'s {len(scenario.events)} events come later and will not happen ({listed})")  # fmt: skip


def warn_cut_events(scenario: Scenario, months: int | None, stacklevel: int = 3) -> None:
    """Warn (:class:`~liptako.model.errors.CutEventsWarning`) when ``months`` drops some of the scenario's
    dated events: the Python API's counterpart of the command line's warning."""
    note = cut_events_note(scenario, months)
    if note:
        warnings.warn(note, CutEventsWarning, stacklevel=stacklevel)
