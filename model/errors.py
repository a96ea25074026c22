"""The one error type for bad input: it names the file (or option), the key path and what is allowed."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: a scenario file, a parameter override or a command-line option.

    ``str(error)`` is the message shown to the user: ``"<where>: <key path>: <problem>"``, at most a few lines.
    The command line prints it and exits with status 2, writing nothing.
    """

    def __init__(self, where: str, key: str | None, problem: str) -> None:
        self.where = where
        self.key = key
        self.problem = problem
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
