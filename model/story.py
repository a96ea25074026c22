"""The story of a run in words, rendered from its event records (``records.py``): one dated sentence each.

``frame`` gives the records as a DataFrame (rep, date, kind, state, other, bloc, partner, group, outcome, the
parameter a ``parameter`` record changed, the numbers x0..x3, who and text); ``lines`` the story,
``"2025-03 Burkina Faso: a coup attempt ... fails"``. The answers to a call for help are records of their own
and are told within the call's sentence.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import records as rec
from .parameters import REGISTRY
from .scenario import format_month
from .world import Names


def sentence(names: Names, kind: int, outcome: int, month: int, state: int, other: int, bloc: int, partner: int,
             group: int, code: int, x: tuple[float, ...], answers: str = "") -> tuple[str, str]:  # fmt: skip
    """(who, what) of one record; ``answers`` is the told answers of a call."""
    state_name = names.state_names[state] if state >= 0 else "Region"
    bloc_id = names.blocs[bloc] if bloc >= 0 else ""
    partner_name = names.partner_names[partner] if partner >= 0 else ""
    x0, x1, x2, x3 = x
    if kind == rec.COUP:
        how = "a coup attempt (scenario event)" if x3 else f"a coup attempt (risk {x0:.1%}/month)"
        if outcome == rec.FAILURE:
            leader = names.leader(code, int(x2))
            return state_name, f"{how} fails; {leader} stays in power (success chance was {x1:.0%})"
        turn = "sovereigntist" if x2 > 0 else "pro-Western"
        return state_name, f"{how} succeeds: {names.leader(code, month)} takes power (alignment {x2:+.2f}, {turn})"
    if kind == rec.SANCTIONS:
        if outcome == rec.LIFTED:
            return state_name, f"{bloc_id} lifts its sanctions"
        threat = " and threatens intervention" if x0 > 0 else ""
        return state_name, f"{bloc_id} suspends and sanctions the new junta{threat}"
    if kind == rec.SUSPENSION:
        return state_name, f"{partner_name} {'resumes' if outcome == rec.LIFTED else 'suspends'} aid"
    if kind == rec.PARTNER_EXIT:
        if outcome == rec.EXPELLED:
            return state_name, f"{names.leader(code, int(x0))} orders {partner_name} out"
        return state_name, f"{partner_name} withdraws its funding and personnel"
    if kind == rec.PARTNER_ENTRY:
        if outcome == rec.INVITED:
            return state_name, f"{partner_name} becomes a security partner"
        if outcome == rec.DEPLOYED:
            return state_name, f"{partner_name} deploys {x0:,.0f} security personnel"
        extra = f" with {x0:,.0f} personnel" if x0 else ""
        return state_name, f"{partner_name} starts funding its security{extra}"
    if kind == rec.FUNDING:
        return partner_name, f"changes its Sahel budget from USD {x0:,.0f} M to USD {x1:,.0f} M a year"
    if kind == rec.INTERVENTION:
        actor = names.actors[code]
        if outcome == rec.SUCCESS:
            return state_name, f"the intervention by {actor} overthrows the junta; an elected government is restored"
        if outcome in (rec.FAILURE, rec.ENDED):
            return (
                state_name,
                f"the intervention by {actor} ends with the junta still in power (territory contested {x0:.0%})",
            )
        return state_name, f"{actor} intervenes militarily with {x0:,.0f} troops"
    if kind == rec.CALL:
        article = " under Article 6" if bloc_id == "AES" else ""
        cause = "a major offensive" if code < 0 else f"the intervention by {names.actors[code]}"
        told = answers or "no ally in good standing answers"
        return state_name, f"calls on its {bloc_id} allies{article} after {cause}: {told}"
    if kind == rec.ANSWER:
        requester = names.state_names[other]
        if outcome == rec.HONOURED:
            return state_name, f"sends {x0:,.0f} troops to {requester} ({bloc_id})"
        return state_name, f"refuses {requester}'s call ({bloc_id})"
    if kind == rec.OFFENSIVE:
        return state_name, f"major offensive by {names.group_names[group]} (territory contested {x0:.0%})"
    if kind == rec.SPREAD:
        return state_name, f"{names.group_names[group]} fighters cross the border and begin operating"
    if kind == rec.PARAMETER:
        return "Scenario", f"{REGISTRY[code].name} changes from {x0:g} to {x1:g}"
    if kind == rec.NOTICE:
        if outcome == rec.WITHDRAWN:
            return state_name, f"the new junta withdraws the notice to leave {bloc_id}"
        if outcome == rec.NO_EFFECT:
            why = "has already given notice" if x0 else "is not a member"
            return state_name, f"would leave {bloc_id} but {why}: no effect"
        why = "decides to leave" if math.isnan(x0) else f"commitment has fallen to {x0:.2f}"
        return state_name, f"gives notice to leave {bloc_id} ({why}); it leaves in {format_month(int(x1))}"
    if kind == rec.EXIT:
        return state_name, f"leaves {bloc_id} ({x0:.0f} members remain)"
    if kind == rec.ACCESSION:
        if outcome == rec.NO_EFFECT:
            why = "it is dissolved" if x0 else "it is already a member"
            return state_name, f"asks to join {bloc_id}, but {why}: no effect"
        verdict = "admitted" if outcome == rec.ADMITTED else "refused"
        votes = f"{x0:.0f} of {x1:.0f} members in favour, {names.decision_rules[bloc]}"
        return state_name, f"applies to join {bloc_id}: {verdict} ({votes})"
    if kind == rec.DISSOLUTION:
        return names.bloc_names[bloc], "dissolved: too few of its members remain"
    if kind == rec.FOUNDING:
        return state_name, f"founds {names.bloc_names[bloc]} with its neighbours ({x0:.0f} founding members)"
    if kind == rec.ELECTION:
        if outcome == rec.RE_ELECTED and int(x1) == month:  # term-limited: the party wins with a new leader
            return state_name, f"election: the ruling party keeps office with a new president (chance was {x0:.0%})"
        if outcome == rec.RE_ELECTED:
            return state_name, f"election: {names.leader(code, int(x1))} keeps office (chance was {x0:.0%})"
        return state_name, f"election: the opposition wins; a new president takes office (incumbent had {x0:.0%})"
    if kind == rec.TRANSITION:
        if outcome == rec.RE_ELECTED:
            return state_name, f"the junta holds its promised election: {names.leader(code, int(x1))} is elected"
        return state_name, "the junta hands power to an elected civilian government"
    raise ValueError(f"unknown record kind {kind}")


def frame(names: Names, records, with_rep: bool = True, text: bool = True) -> pd.DataFrame:
    """The records as a DataFrame, one row each, with who and the sentence (answers told within calls) unless
    ``text`` is false."""
    n = len(records.kind)

    def ids(values, table):
        table = np.asarray([*table, None], dtype=object)  # index -1 reads None
        return table[np.asarray(values, dtype=np.int64)]

    data = {
        "date": _dates(records.month),
        "kind": np.asarray(rec.KINDS, dtype=object)[records.kind.astype(np.int64)],
        "state": ids(records.state, names.states),
        "other": ids(records.other, names.states),
        "bloc": ids(records.bloc, names.blocs),
        "partner": ids(records.partner, names.partners),
        "group": ids(records.group, names.groups),
        "outcome": np.asarray([None, *rec.OUTCOMES[1:]], dtype=object)[records.outcome.astype(np.int64)],
        "parameter": np.where(records.kind == rec.PARAMETER, ids(records.code, [q.name for q in REGISTRY]), None),
        **{f"x{i}": records.x[:, i] if n else np.zeros(0) for i in range(4)},
    }
    if text:
        data["who"], data["text"] = _sentences(names, records)
    out = pd.DataFrame(data)
    if with_rep:
        out.insert(0, "rep", records.rep)
    return out


def _sentences(names: Names, records) -> tuple[list[str], list[str]]:
    """Who each record is about, and its sentence (a call's answers are told within the call's)."""
    n = len(records.kind)
    kinds, outcomes = records.kind.tolist(), records.outcome.tolist()
    months = records.month.tolist()
    states, others = records.state.tolist(), records.other.tolist()
    blocs, partners, groups = records.bloc.tolist(), records.partner.tolist(), records.group.tolist()
    codes, xs, reps = records.code.tolist(), records.x.tolist(), records.rep.tolist()
    who, sentences = [""] * n, [""] * n
    for k in range(n):
        answers = ""
        if kinds[k] == rec.CALL:
            told = []
            j = k + 1
            while j < n and kinds[j] == rec.ANSWER and reps[j] == reps[k] and months[j] == months[k]:
                ally = names.state_names[states[j]]
                told.append(
                    f"{ally} sends {xs[j][0]:,.0f} troops" if outcomes[j] == rec.HONOURED else f"{ally} refuses"
                )
                j += 1
            answers = "; ".join(told)
        who[k], sentences[k] = sentence(names, kinds[k], outcomes[k], months[k], states[k], others[k], blocs[k],
                                        partners[k], groups[k], codes[k], tuple(xs[k]), answers)  # fmt: skip
    return who, sentences


def _dates(months: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` of each month, formatting each distinct month once."""
    distinct, where = np.unique(np.asarray(months, dtype=np.int64), return_inverse=True)
    return np.asarray([format_month(int(m)) for m in distinct], dtype=object)[where.reshape(-1)]


def lines(events: pd.DataFrame) -> list[str]:
    """The story: one line per event ("YYYY-MM Who: what happened"), answers told within their calls."""
    told = events[events["kind"] != "answer"]
    return [f"{d} {w}: {t}" for d, w, t in zip(told["date"], told["who"], told["text"], strict=True)]
