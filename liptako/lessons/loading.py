"""Reading a lesson file: the schema of its tables, and the checks that give a clear error.

A lesson file (``NN-<id>.toml`` in this folder) has the tables ``[lesson]`` (the prose), ``[run]``
(replications, months, seed and the commands), ``[[arms]]``, ``[[figures]]`` (see ``measures.py``),
``[model_says]`` (the claim in words and the paragraph's template), ``[[claims]]`` (the comparisons the claim
makes), ``[app]`` (what to read in the classroom app's Many futures panel, and the year to choose there) and
``[[mechanism]]``. Any problem raises :class:`~liptako.model.errors.InputError` naming the file, the
key path (``figures[2].states``) and what is allowed.
"""

from __future__ import annotations

import difflib
import re
import shlex
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from liptako.model.errors import InputError, key_path
from liptako.model.parameters import BY_NAME, check_value
from liptako.model.scenario import MAX_MONTHS, bundled_names, load, read_toml

from .engine import ATTRIBUTES, OPERATORS, RESERVED, Arm, Claim, Figure, Lesson, placeholders
from .measures import MEASURES, AnyFigure, Arena

FILE_NAME = re.compile(r"^(\d\d)-([a-z0-9][a-z0-9-]*)\.toml$")  # 03-coup-trap.toml: lesson 3, id coup-trap
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


class LessonText(_Strict):
    """``[lesson]``: the prose a student reads before running."""

    title: Annotated[str, Field(min_length=1, max_length=120)]
    question: Text
    background: str = ""
    predict: Text
    discuss: Text


class RunSpec(_Strict):
    """``[run]``: how many replications per arm, how many months, the root seed, and the commands."""

    reps: Annotated[int, Field(ge=2, le=100_000)]
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)]
    seed: Annotated[int, Field(ge=0)] = 1
    commands: Annotated[list[str], Field(min_length=1)]


class ArmSpec(_Strict):
    """``[[arms]]``: a scenario and the registry parameters it changes."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*$", max_length=20)]
    label: Text
    short: str = ""
    scenario: str = "baseline"
    overrides: dict[str, float] = {}


class ModelSays(_Strict):
    """``[model_says]``: the claim in words, and the paragraph "what the model says" as a template."""

    claim: Text
    text: Text


class ClaimSpec(_Strict):
    """``[[claims]]``: one comparison, ``a op b + margin`` (``within``: ``|a - b| <= margin``)."""

    a: str
    op: Literal["<", "<=", ">", ">=", "within"]
    b: str
    margin: float = 0.0


class AppSpec(_Strict):
    """``[app]``: the lesson in the classroom app. ``watch``: what to read in the Many futures panel (the fans of
    AES members, coups and territory over a few hundred runs of the current settings; ``{year}`` stands for
    ``year``); ``year``: the year to choose there for the chance that the alliance holds (default: the last
    whole year of the lesson's runs)."""

    watch: Text
    year: int | None = None


class MechanismSpec(_Strict):
    """``[[mechanism]]``: where a rule lives in the code."""

    file: Text
    function: Text
    what: Text


class LessonFile(_Strict):
    """A lesson file."""

    lesson: LessonText
    run: RunSpec
    arms: Annotated[list[ArmSpec], Field(min_length=1)]
    figures: Annotated[list[AnyFigure], Field(min_length=1)]
    model_says: ModelSays
    claims: Annotated[list[ClaimSpec], Field(min_length=1)]
    app: AppSpec
    mechanism: list[MechanismSpec] = []


# --- reading ----------------------------------------------------------------------------------------------------
def read_lesson(path: Path, shown: str | None = None, number: int | None = None) -> Lesson:
    """A validated :class:`Lesson` from its file; ``number`` (its place in the course) and id come from the
    file's name, ``NN-<id>.toml``."""
    shown = shown or path.name
    match = FILE_NAME.match(path.name)
    if not match:
        raise InputError(shown, None, "a lesson file is named NN-<id>.toml, e.g. 03-coup-trap.toml (id: lower-case "
                         "letters, digits and dashes)")  # fmt: skip
    raw = read_toml(path, shown, what="a lesson", needs="the tables [lesson], [run], [[arms]], [[figures]], [app], "
                    "[model_says] and [[claims]]")  # fmt: skip
    try:
        spec = LessonFile.model_validate(raw)
    except ValidationError as err:
        raise _explain(err, shown) from None
    return _build(spec, shown, match.group(2), int(match.group(1)) if number is None else number)


def _build(spec: LessonFile, shown: str, lesson_id: str, number: int) -> Lesson:
    from .teaching import TEACHING_SCENARIOS, teaching_scenario

    def fail(key: str, problem: str):
        raise InputError(shown, key, problem)

    # arms
    arms: list[Arm] = []
    arenas = {}
    for i, a in enumerate(spec.arms):
        key = key_path(("arms", i))
        if any(a.key == other.key for other in arms):
            fail(f"{key}.key", f"arm {a.key!r} is defined twice")
        if a.scenario.endswith(".toml"):
            if a.scenario not in TEACHING_SCENARIOS:
                fail(f"{key}.scenario", f"no teaching scenario {a.scenario!r} in liptako/lessons/scenarios; there are: "
                     + ", ".join(TEACHING_SCENARIOS))  # fmt: skip
            scenario = teaching_scenario(a.scenario)
        elif a.scenario in bundled_names():
            scenario = load(a.scenario)
        else:
            fail(f"{key}.scenario", f"unknown scenario {a.scenario!r}: give a bundled scenario ("
                 + ", ".join(bundled_names()) + ") or a teaching scenario's file name ("
                 + ", ".join(TEACHING_SCENARIOS) + ")")  # fmt: skip
        overrides = {}
        for name, value in a.overrides.items():
            try:
                overrides[name] = check_value(name, value)
            except ValueError as err:
                close = difflib.get_close_matches(name, BY_NAME, n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close and name not in BY_NAME else ""
                fail(f"{key}.overrides.{name}", f"{err}{hint}" if name in BY_NAME else f"unknown parameter{hint}; "
                     "`liptako params` lists the registry")  # fmt: skip
        arms.append(Arm(a.key, a.label, a.scenario, overrides, a.short or a.label))
        arenas[a.key] = Arena(a.key, scenario, spec.run.months)
    keys = [a.key for a in arms]

    # figures: one per declared figure and arm
    figures: dict[str, Figure] = {}
    declared = set()
    for i, f in enumerate(spec.figures):
        key = key_path(("figures", i))
        if f.name in declared:
            fail(f"{key}.name", f"figure {f.name!r} is declared twice")
        declared.add(f.name)
        try:
            format(0.5, f.format)
        except ValueError as err:
            fail(f"{key}.format", f'not a format spec ({err}); e.g. ".1%", ".2f", ".0f"')
        for arm_key in f.arms or ():
            if arm_key not in keys:
                fail(f"{key}.arms", f"no arm {arm_key!r}; the arms: {', '.join(keys)}")
        for arm in arms:
            if f.arms is not None and arm.key not in f.arms:
                continue

            def figure_fail(sub: str, problem: str, key=key):
                fail(f"{key}.{sub}", problem)

            f.check(arenas[arm.key], figure_fail)
            name = f"{f.name}_{arm.key}"
            if name in figures or name in RESERVED:
                fail(f"{key}.name", f"figure {name!r} (figure {f.name!r} of arm {arm.key!r}) is named twice")
            figures[name] = Figure(f"{f.label} ({arm.short})", f.format, arm.key, f)

    # claims
    claims = []
    for i, c in enumerate(spec.claims):
        for side in ("a", "b"):
            if getattr(c, side) not in figures:
                fail(
                    key_path(("claims", i, side)),
                    f"no figure {getattr(c, side)!r}; figures are named <figure>_<arm>: " + ", ".join(figures),
                )
        if c.op == "within" and c.margin < 0:
            fail(key_path(("claims", i, "margin")), "a margin for 'within' is 0 or more")
        claims.append(Claim(c.a, c.op, c.b, c.margin))

    # the paragraph
    try:
        fields = placeholders(spec.model_says.text)
    except ValueError as err:
        fail("model_says.text", str(err))
    for name, attr, fmt in fields:
        where = f"{{{name}{'.' + attr if attr else ''}{':' + fmt if fmt else ''}}}"
        if name in RESERVED:
            if attr:
                fail("model_says.text", f"{where}: {name} is a number, without .{attr}")
        else:
            parts = name.split("-")
            if len(parts) > 2 or any(p not in figures for p in parts):
                fail("model_says.text", f"{where}: no figure {name!r}; quote a figure (" + ", ".join(figures)
                     + "), a difference of two (a-b), or " + ", ".join(RESERVED))  # fmt: skip
            if attr is not None and attr not in ATTRIBUTES:
                fail("model_says.text", f"{where}: no attribute .{attr}; allowed: {', '.join(ATTRIBUTES)}")
        if fmt:
            try:
                format(0.5, fmt)
            except ValueError as err:
                fail("model_says.text", f"{where}: not a format spec ({err})")

    # the app arm: the year for the chance that the alliance holds is one the Many futures panel offers, a year
    # whose December falls within every arm's run in the app (the scenario's horizon)
    first = min(a.scenario.start for a in arenas.values())
    app_end = (min(a.scenario.start + a.scenario.months - 1 for a in arenas.values()) - 11) // 12
    year = max(first // 12, min(app_end, (first + spec.run.months - 12) // 12)) if spec.app.year is None else (
        spec.app.year)  # fmt: skip
    if not first // 12 <= year <= app_end:
        fail("app.year", f"{year} is outside the runs in the app: choose a year from {first // 12} to {app_end} "
             "(its December within the scenario's horizon)")  # fmt: skip

    lesson = Lesson(
        id=lesson_id,
        number=number,
        title=spec.lesson.title,
        question=_prose(spec.lesson.question),
        background=_prose(spec.lesson.background),
        predict=_prose(spec.lesson.predict),
        discuss=_prose(spec.lesson.discuss),
        arms=tuple(arms),
        reps=spec.run.reps,
        months=spec.run.months,
        seed=spec.run.seed,
        figures=figures,
        claim=_prose(spec.model_says.claim),
        claims=tuple(claims),
        says=_prose(spec.model_says.text),
        mechanism=tuple((m.file, m.function, m.what) for m in spec.mechanism),
        command_lines=tuple(" ".join(c.split()) for c in spec.run.commands),
        source=shown,
        watch=_prose(spec.app.watch).replace("{year}", str(year)),
        year=year,
    )
    _check_commands(lesson, fail)
    return lesson


def _prose(text: str) -> str:
    """A paragraph written over several lines of the file, as one line."""
    return " ".join(text.split())


# --- the commands -----------------------------------------------------------------------------------------------
OPTIONS = ("--reps", "--months", "--seed", "--set", "--out")


def _check_commands(lesson: Lesson, fail) -> None:
    """Each command runs some of the lesson's arms with its replications, months, seed and parameters, and
    together they run every arm once."""
    ran: dict[str, int] = {}
    example = "; e.g.\n  " + "\n  ".join(lesson.suggested_commands())
    for i, line in enumerate(lesson.command_lines):
        key = key_path(("run", "commands", i))
        try:
            words = shlex.split(line)
        except ValueError as err:
            fail(key, f"cannot split the command into words: {err}")
        if words[:4] != ["uv", "run", "liptako", "run"]:
            fail(key, "a command starts with `uv run liptako run`" + example)
        args = words[4:]
        scenarios = []
        while args and not args[0].startswith("--"):
            scenarios.append(args.pop(0))
        options: dict[str, str] = {}
        sets: dict[str, float] = {}
        while args:
            option = args.pop(0)
            if option not in OPTIONS:
                fail(key, f"option {option!r} is not one a lesson's command takes ({', '.join(OPTIONS)})")
            if not args:
                fail(key, f"{option} needs a value")
            value = args.pop(0)
            if option == "--set":
                name, _, text = value.partition("=")
                try:
                    sets[name] = check_value(name, float(text))
                except ValueError as err:
                    fail(key, f"--set {value}: {err}")
            elif option in options:
                fail(key, f"{option} is given twice")
            else:
                options[option] = value
        if not scenarios:
            fail(key, "name the scenarios to run before the options" + example)
        wanted = {"--reps": lesson.reps, "--months": lesson.months, "--seed": lesson.seed}
        for option, number in wanted.items():
            given = options.get(option, "1" if option == "--seed" else None)
            if given != str(number):
                what = {"--reps": "run.reps", "--months": "run.months", "--seed": "run.seed"}[option]
                fail(key, f"{option} {given if given is not None else '(missing)'}: the lesson runs {option} {number} "
                     f"({what})" + example)  # fmt: skip
        for scenario in scenarios:
            arm = next((a for a in lesson.arms if a.path == scenario and dict(a.overrides) == sets), None)
            if arm is None:
                setting = ", ".join(f"{k}={v:g}" for k, v in sets.items()) or "no --set"
                fail(key, f"{scenario} with {setting} is none of the lesson's arms" + example)
            if arm.key in ran:
                fail(key, f"arm {arm.key!r} is run twice (also by run.commands[{ran[arm.key]}])")
            ran[arm.key] = i
    missing = [a.key for a in lesson.arms if a.key not in ran]
    if missing:
        fail("run.commands", f"no command runs the arm{'s' if len(missing) > 1 else ''} {', '.join(missing)}" + example)


# --- error messages ---------------------------------------------------------------------------------------------
def _explain(err: ValidationError, shown: str) -> InputError:
    errors = err.errors()
    first = errors[0]
    raw_loc = tuple(first["loc"])
    loc = _strip_tags(raw_loc)
    kind = first["type"]
    if kind == "extra_forbidden":
        fields = _fields_at(raw_loc[:-1])
        value = first.get("input")
        tables = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        what = "table" if isinstance(value, dict) or tables else "key"
        problem = f"unknown {what} {loc[-1]!r}" + (f"; valid keys: {', '.join(fields)}" if fields else "")
    elif kind == "missing":
        fields = _fields_at(raw_loc[:-1])
        problem = "required key is missing" + (f" (the keys here: {', '.join(fields)})" if fields else "")
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = first["input"].get("measure") if isinstance(first.get("input"), dict) else None
        problem = (f"unknown measure {tag!r}" if tag is not None else "a figure needs a measure") + "; allowed: " + (
            ", ".join(MEASURES))  # fmt: skip
        loc = (*loc, "measure")
    else:
        problem = f"{first['msg']} (got {_short(first.get('input'))})".replace("Value error, ", "")
    more = len(errors) - 1
    if more:
        problem += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(shown, key_path(loc), problem)


def _strip_tags(loc: tuple) -> tuple:
    """The key path without pydantic's union tag: ``figures[1].ratio.scale`` is ``figures[1].scale``."""
    return tuple(p for k, p in enumerate(loc) if not (k == 2 and loc[0] == "figures" and p in MEASURES))


def _fields_at(loc: tuple) -> list[str]:
    """The valid keys of the table at ``loc`` (a pydantic location in :class:`LessonFile`)."""
    node: Any = LessonFile
    for part in loc:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = node.model_fields.get(part) or next(
                (f for f in node.model_fields.values() if f.alias == part), None
            )
            if field is None:
                return []
            node = field.annotation
        elif typing.get_origin(node) is list and isinstance(part, int):
            node = typing.get_args(node)[0]
        elif typing.get_origin(node) is dict:
            node = typing.get_args(node)[1]
        elif typing.get_origin(node) in (typing.Union, types.UnionType) and part in MEASURES:
            node = MEASURES[part]
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
            if len(args) != 1:
                return node
            node = args[0]
        else:
            return node


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


__all__ = ["FILE_NAME", "OPERATORS", "LessonFile", "read_lesson"]
