"""Where the lessons live: this package's folder, and the lessons' own scenario files in ``scenarios/``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from liptako.model.errors import InputError
from liptako.model.scenario import Scenario, load


def folder() -> Path:
    """The lessons package's folder (lesson files and ``scenarios/``)."""
    return Path(str(resources.files("liptako.lessons")))


# The lessons' own scenario files (beyond the bundled ones): file name -> TOML text. docs/teaching/generate.py
# copies them to docs/teaching/scenarios, so that the classroom app and `liptako run` can open them there.
TEACHING_SCENARIOS: dict[str, str] = {
    p.name: p.read_text(encoding="utf-8") for p in sorted((folder() / "scenarios").glob("*.toml"))
}


@cache
def teaching_scenario(filename: str) -> Scenario:
    """A teaching scenario (a key of :data:`TEACHING_SCENARIOS`), loaded and validated like any scenario file."""
    if filename not in TEACHING_SCENARIOS:
        raise InputError(filename, None, "no such teaching scenario; there are: " + ", ".join(TEACHING_SCENARIOS))
    return load(folder() / "scenarios" / filename)
