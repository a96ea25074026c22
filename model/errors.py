"""The one error type for bad input: it names the file (or option), the key path and what is allowed."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: a scenario file, a parameter override or a command-line option.

    ``str(error)`` is the message shown to the user: ``"<where>: <key path>: <problem>"``, at most a few lines
    (key paths as :func:`key_path` writes them).
    The command line prints it and exits with status 2, writing nothing.
    """

    def __init__(self, where: str, key: str | None, problem: str) -> None:
        self.where = where
        self.key = key
        self.problem = problem
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")


class CutEventsWarning(UserWarning):
    """A horizon shorter than the scenario's drops some of its dated events (``liptako.run`` and
    ``liptako.replicate`` with ``months``): the run is not the what-if its file describes."""


def key_path(loc) -> str:
    """A key path as messages show it: names joined by dots, list positions counted from 1 as a reader counts
    the tables of a file (``events[1].date`` is the first ``[[events]]`` table's date)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out
