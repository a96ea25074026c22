"""The classroom lessons (liptako/lessons.py) and their pages (docs/teaching/).

Each lesson runs once (its own seeds and horizon, a few seconds); the results are shared by the test of its
claim and by the test that the generated Markdown pages are up to date. The pages carry the figures the model
gives, so a change to the model makes them stale: rerun ``uv run python docs/teaching/generate.py``.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest

from liptako.lessons import LESSONS, Lesson, LessonResult, check_lessons, lesson, main
from liptako.model.parameters import BY_NAME
from liptako.model.scenario import load

REPO = Path(__file__).resolve().parents[1]


def _generator():
    """docs/teaching/generate.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("teaching_generate", REPO / "docs" / "teaching" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()
_RESULTS: dict[str, LessonResult] = {}


def evaluated(item: Lesson) -> LessonResult:
    """The lesson's result, computed once per test session."""
    if item.id not in _RESULTS:
        _RESULTS[item.id] = item.evaluate()
    return _RESULTS[item.id]


@pytest.mark.parametrize("item", LESSONS, ids=[x.id for x in LESSONS])
def test_claim_holds(item: Lesson) -> None:
    result = evaluated(item)
    assert set(result.figures) == set(item.figures)
    shown = "\n".join(f"  {label}: {value}" for label, value in item.table(result.figures))
    assert item.holds(result.figures), f"{item.id}: the claim no longer holds.\n{item.claim}\n{shown}"
    item.text(result.figures)  # the paragraph names only figures the lesson has


def test_pages_are_up_to_date() -> None:
    results = [evaluated(item) for item in LESSONS]
    files = generate.render_all(results)
    stale = [str(p.relative_to(REPO)) for p in generate.stale(files)]
    assert not stale, f"stale: {', '.join(stale)}; run: uv run python docs/teaching/generate.py"


def test_at_least_five_lessons_with_distinct_ids() -> None:
    ids = [x.id for x in LESSONS]
    assert len(ids) >= 5
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)


def test_lessons_name_real_scenarios_and_parameters() -> None:
    assert check_lessons() == []


def test_lessons_use_the_classroom_sliders() -> None:
    """Every parameter a lesson changes is a slider in the app (others go into a teaching scenario file)."""
    sliders = generate.classroom_sliders()
    assert sliders, "CLASSROOM_PARAMETERS not found in liptako/app.py"
    for item in LESSONS:
        for name in item.parameters():
            assert name in sliders, f"{item.id}: {name} is not a classroom slider"


def test_commands_name_loadable_scenarios_and_registry_parameters() -> None:
    for item in LESSONS:
        for command in item.commands():
            words = shlex.split(command)
            assert words[:4] == ["uv", "run", "liptako", "run"]
            args = words[4:]
            first_option = next(i for i, w in enumerate(args) if w.startswith("--"))
            for scenario in args[:first_option]:
                load(scenario if "/" not in scenario else REPO / scenario)
            options = dict(zip(args[first_option::2], args[first_option + 1 :: 2], strict=False))
            assert options["--reps"] == str(item.reps) and options["--months"] == str(item.months)
            for i, word in enumerate(args):
                if word == "--set":
                    name, value = args[i + 1].split("=")
                    assert name in BY_NAME
                    float(value)


def test_mechanism_references_point_at_real_code() -> None:
    for item in LESSONS:
        for path, name, _ in item.mechanism:
            source = (REPO / path).read_text(encoding="utf-8")
            assert re.search(rf"^\s*def {re.escape(name)}\(", source, re.M), f"{item.id}: no {name} in {path}"


def test_teaching_scenarios_load() -> None:
    for item in LESSONS:
        for arm in item.arms:
            scenario = load(arm.source())
            assert scenario.name


def test_module_command_line() -> None:
    assert main(["--help"]) == 0
    assert main(["no-such-lesson"]) == 2
    with pytest.raises(KeyError):
        lesson("no-such-lesson")
