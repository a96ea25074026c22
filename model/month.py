"""One month of Liptako, in order: the schedule of the model, in one numbered place.

1. Events (``events.fire``): what runs out ends (deployments, interventions, sanctions, aid suspensions); the
   scenario's dated events fire.
2. Funding (``funding.fund``): domestic revenue net of sanctions, blocs' dues and common funds, partners'
   budgets, joint forces, deployments' costs; readiness.
3. Insurgency (``insurgency.fight_insurgencies``): balance of force, offensives, territory, deaths and
   displacement; armed groups recruit and spread.
4. Aggression and calls for help (``defence.call_for_help``): blocs may carry out their intervention threats;
   a member under a major offensive or an attack invokes mutual defence.
5. Responses (``defence.answer_calls``): each ally honours or refuses; deployments strain armies and budgets.
6. Legitimacy (``legitimacy.update``): security record, rally, sanctions, help received, broken promises;
   then army cohesion.
7. Coups, elections and transitions (``coups.resolve``, ``elections.hold``): the hazard of an attempt; success
   installs a new junta; sanctions and aid suspensions follow. Civilian governments whose term is up hold
   elections; juntas past their promised transition may hold theirs and become civilian again.
8. Membership (``membership.update``): partners expelled or invited; commitment, notice, exit, accession and
   dissolution.
9. Record (``outputs.record``): the month's row of every declared series; event records are written as things
   happen.

Each phase is a function of the scenario's fixed data ``s``, the world ``w``, the replication ``r``, the month
``t`` (counted from 0 at the start) and the parameters ``p``; its random numbers come from fixed slots of its
streams (``draws``). :func:`run_months` advances every replication of a world.
"""

from __future__ import annotations

import numba
import numpy as np

from . import coups, defence, elections, events, funding, insurgency, legitimacy, membership, outputs
from .compiled import as_struct, borrowed_each, kernel, params_of, release


@kernel
def month(s, w, r, t, fields):
    """Advance replication r through month t: the nine phases of the module docstring."""
    p = events.fire(s, w, r, t, params_of(w, r))  # 1. Events (which may change a parameter)
    funding.fund(s, w, r, t, p)  # 2. Funding
    insurgency.fight_insurgencies(s, w, r, t, p)  # 3. Insurgency
    defence.call_for_help(s, w, r, t, p)  # 4. Aggression and calls for help
    defence.answer_calls(s, w, r, t, p)  # 5. Responses
    legitimacy.update(s, w, r, t, p)  # 6. Legitimacy (and cohesion)
    coups.resolve(s, w, r, t, p)  # 7. Coups,
    elections.hold(s, w, r, t, p)  #    then elections and transitions
    membership.update(s, w, r, t, p)  # 8. Membership and partnerships
    outputs.record(s, w, r, t, fields)  # 9. Record


@kernel
def initialise(s, w, r):
    """What the start needs beyond the scenario's numbers: members without a stated commitment start at their
    target."""
    p = params_of(w, r)
    for b in range(len(s.bloc_code)):
        for i in range(len(s.code)):
            if w.members[r, b, i] and np.isnan(w.commitment[r, b, i]):
                w.commitment[r, b, i] = membership.target_outside(s, w, r, i, b, 0.0, p)


@kernel
def advance(s, w, r, fields, first, last, start):
    """Replication r from month ``first`` to before ``last`` (``start``: initialise it first)."""
    if start:
        initialise(s, w, r)
    for t in range(first, last):
        month(s, w, r, t, fields)


@numba.njit(cache=True, nogil=True)
def run_months(setup, world, fields, first, last, start):
    """Advance every replication of ``world`` from month ``first`` to before ``last`` (see :func:`advance`).

    It releases the GIL: the engine runs slices of a batch on several threads at once. Each replication's
    results depend on its seed alone, not on the thread or the batch it ran in.
    """
    s, w, borrowed_fields = as_struct(setup), as_struct(world), borrowed_each(fields)
    for r in range(len(world.seed)):
        advance(s, w, r, borrowed_fields, first, last, start)
    release(s)
    release(w)
