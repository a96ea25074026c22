"""Classroom lessons: questions about alliance dynamics that students answer by predicting, then running.

Each lesson is a data file in this folder, ``NN-<id>.toml`` (lesson NN of the course): the question, what to
predict, the arms (a scenario plus registry parameters changed, the same as sliders in the classroom app or
``--set`` on the command line), how many replications and months, the commands to run, the figures as
declarations of what to measure (``measures.py``), the claim as comparisons of figures, and the paragraph
"what the model says" as a template quoting the figures. ``loading.py`` reads and checks a file; ``engine.py``
runs its arms on :func:`liptako.replicate`, measures each figure with a 95% interval and checks the claim.
The lessons' own scenario files are in ``scenarios/`` (:data:`TEACHING_SCENARIOS`).

The seeds are those of ``liptako run A B --reps N --seed S`` (replication i uses the i-th seed spawned from S in
every arm: common random numbers), so the commands in a lesson run exactly the runs its figures come from.

>>> from liptako.lessons import LESSONS, lesson
>>> trap = lesson("coup-trap")
>>> result = trap.evaluate()          # a second or two
>>> result.holds, result.estimates["rate_none"]
(True, Estimate(value=0.18..., low=0.17..., high=0.19...))
>>> print(trap.text(result))          # the paragraph, with the figures and their intervals

From the command line: ``uv run python -m liptako.lessons coup-trap`` prints the figures and the paragraph;
``docs/teaching/generate.py`` writes one Markdown page per lesson from the same data.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from liptako.model.errors import InputError

from .engine import (
    COMMAND_COLUMNS,
    TEACHING_FOLDER,
    Arm,
    Claim,
    ClaimResult,
    Estimate,
    Figure,
    Lesson,
    LessonResult,
)
from .loading import FILE_NAME, read_lesson
from .teaching import TEACHING_SCENARIOS, folder, teaching_scenario

__all__ = [
    "COMMAND_COLUMNS",
    "LESSONS",
    "TEACHING_FOLDER",
    "TEACHING_SCENARIOS",
    "Arm",
    "Claim",
    "ClaimResult",
    "Estimate",
    "Figure",
    "Lesson",
    "LessonResult",
    "check_lessons",
    "lesson",
    "lesson_files",
    "read_lesson",
    "teaching_scenario",
]


def lesson_files() -> list[Path]:
    """The lesson files, in the course's order."""
    return sorted(p for p in folder().iterdir() if FILE_NAME.match(p.name))


LESSONS: tuple[Lesson, ...] = tuple(read_lesson(p) for p in lesson_files())


def lesson(lesson_id: str) -> Lesson:
    """The lesson with this id."""
    for item in LESSONS:
        if item.id == lesson_id:
            return item
    raise KeyError(f"no lesson {lesson_id!r}; lessons: {', '.join(x.id for x in LESSONS)}")


def check_lessons() -> list[str]:
    """Problems in the lesson files (empty if none): each file is read again and checked."""
    problems = []
    numbers = {}
    for path in lesson_files():
        try:
            item = read_lesson(path)
        except InputError as err:
            problems.append(str(err))
            continue
        if item.number in numbers:
            problems.append(f"{path.name}: lesson number {item.number:02d} is also {numbers[item.number]}")
        numbers[item.number] = path.name
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m liptako.lessons [ID ...]``: run lessons and print their figures (all lessons by default)."""
    ids = list(sys.argv[1:] if argv is None else argv)
    if any(i in ("-h", "--help") for i in ids):
        print("usage: python -m liptako.lessons [LESSON ...]\nlessons: " + ", ".join(x.id for x in LESSONS))
        return 0
    try:
        chosen = [lesson(i) for i in ids] if ids else list(LESSONS)
    except KeyError as err:
        print(err.args[0], file=sys.stderr)
        return 2
    for i, item in enumerate(chosen):
        if i:
            print()
        print(item.report(item.evaluate()))
    return 0
