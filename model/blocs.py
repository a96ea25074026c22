"""What the rules ask about blocs: who is a member in good standing, which clause binds two neighbours, and
the threats that bind a mutual-defence bloc together (balance of threat) or push a member out (coercion)."""

from __future__ import annotations

from .compiled import kernel
from .orientation import alignment_match
from .world import NEVER


@kernel(inline=True)
def dissolved(w, r, b):
    return w.dissolved_month[r, b] != NEVER


@kernel(inline=True)
def founded(w, r, b):
    """Whether the bloc exists yet (a latent pact exists once its founders have founded it)."""
    return w.founded_month[r, b] != NEVER


@kernel(inline=True)
def rival(s, w, r, i, b):
    """1 if state i also belongs to a live bloc of the opposite orientation to bloc b's that matches its own
    orientation better (the AES's founders in the Western-funded G5 Sahel: the pull is toward the bloc they
    lean to), else 0."""
    own = alignment_match(w.alignment[r, i], s.bloc_alignment[b])
    for x in range(len(s.bloc_code)):
        if x != b and w.members[r, x, i] and not dissolved(w, r, x):
            if (
                s.bloc_alignment[x] * s.bloc_alignment[b] < 0.0
                and alignment_match(w.alignment[r, i], s.bloc_alignment[x]) > own
            ):
                return 1.0
    return 0.0


@kernel(inline=True)
def n_members(w, r, b):
    count = 0
    for i in range(w.members.shape[2]):
        count += w.members[r, b, i]
    return count


@kernel(inline=True)
def live_with_members(w, r, b):
    """Not dissolved and with at least one member."""
    return not dissolved(w, r, b) and n_members(w, r, b) > 0


@kernel(inline=True)
def in_good_standing(w, r, b, i):
    """A member that the bloc has not suspended."""
    return w.members[r, b, i] and not w.suspended[r, b, i]


@kernel(inline=True)
def sanctioned(w, r, b, i):
    return w.sanctioned_until[r, b, i] != NEVER


@kernel(inline=True)
def under_sanctions(w, r, i):
    """Some bloc sanctions state i this month."""
    for b in range(w.members.shape[1]):
        if sanctioned(w, r, b, i):
            return True
    return False


@kernel(inline=True)
def strongest_clause(s, w, r, i, j):
    """The strongest mutual-defence clause of a live bloc both states belong to (0 if none)."""
    best = 0.0
    for b in range(len(s.bloc_code)):
        if w.members[r, b, i] and w.members[r, b, j] and not dissolved(w, r, b):
            best = max(best, s.mutual_defence[b])
    return best


@kernel(inline=True)
def has_non_aggression_allies(s, w, r, i):
    """A member of a live bloc with a non-aggression and no-blockade clause (AES Charter Art. 8) and allies."""
    for b in range(len(s.bloc_code)):
        if s.non_aggression[b] and w.members[r, b, i] and n_members(w, r, b) > 1 and not dissolved(w, r, b):
            return True
    return False


@kernel(inline=True)
def coerced(w, r, i, b):
    """1 if state i is under attack, else the highest intervention threat over it of a bloc other than b."""
    if w.attacked_by[r, i] >= 0:
        return 1.0
    best = 0.0
    for x in range(w.threats.shape[1]):
        if x != b:
            best = max(best, w.threats[r, x, i])
    return best


@kernel(inline=True)
def threatened(w, r, i):
    """Under attack, or under some bloc's intervention threat."""
    if w.attacked_by[r, i] >= 0:
        return True
    for x in range(w.threats.shape[1]):
        if w.threats[r, x, i] > 0.0:
            return True
    return False


@kernel(inline=True)
def shared_threat(w, r, b):
    """The highest outside threat over any member of bloc b."""
    best = 0.0
    for i in range(w.members.shape[2]):
        if w.members[r, b, i] and threatened(w, r, i):
            best = max(best, coerced(w, r, i, b))
    return best


@kernel(inline=True)
def threat(s, w, r, i, b):
    """Threat shared within a mutual-defence bloc: insurgency at home, and any member (or the state itself)
    attacked or threatened with intervention by another bloc (balance of threat). A candidate weighs only
    the threats to itself."""
    if s.mutual_defence[b] == 0.0:
        return 0.0
    external = shared_threat(w, r, b) if w.members[r, b, i] else coerced(w, r, i, b)
    return s.mutual_defence[b] * min(1.0, max(0.0, w.territory[r, i] + external))


@kernel(inline=True)
def pressure(w, r, i, b, p):
    """Pressure bloc b puts on member i: 1 under its sanctions, ``suspension_pressure`` if only suspended."""
    if sanctioned(w, r, b, i):
        return 1.0
    return p.suspension_pressure if w.suspended[r, b, i] else 0.0


@kernel(inline=True)
def coercion(s, w, r, i, b):
    """Bloc b's intervention threat against member i or its allies in another mutual-defence bloc."""
    best = 0.0
    for j in range(w.members.shape[2]):
        if w.threats[r, b, j] <= 0.0:
            continue
        allied = j == i
        for x in range(len(s.bloc_code)):
            if x != b and s.mutual_defence[x] > 0 and w.members[r, x, i] and w.members[r, x, j]:
                allied = True
        if allied:
            best = max(best, w.threats[r, b, j])
    return best
