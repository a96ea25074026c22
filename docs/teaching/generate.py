"""Write the classroom lessons in docs/teaching/ from the lesson files in liptako/lessons/.

    uv run python docs/teaching/generate.py          # run every lesson, rewrite the pages
    uv run python docs/teaching/generate.py --check  # exit 1 if any page is out of date

Every page carries the figures the model gives, with their 95% intervals (the classroom example's expected
output), so the pages are regenerated whenever the model or a lesson changes; ``--check`` (and
tests/test_lessons.py) catches a stale page. The script writes:

- ``NN-<lesson id>.md``: one page per lesson file ``liptako/lessons/NN-<lesson id>.toml`` (question, setup, what
  to predict, the commands, the result, a discussion prompt, and where in the code the mechanism lives);
- ``README.md``: the index, with how to open the classroom app and how to run a lesson;
- ``scenarios/*.toml``: copies of the lessons' own scenario files (``liptako/lessons/scenarios/``).

Never edit these files by hand: change the lesson's file (or its scenario) and run the script.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from liptako.lessons import (
    COMMAND_COLUMNS,
    LESSONS,
    TEACHING_FOLDER,
    TEACHING_SCENARIOS,
    Lesson,
    LessonResult,
    teaching_scenario,
)
from liptako.lessons.measures import MEASURES
from liptako.model.parameters import BY_NAME, DEFAULTS
from liptako.model.scenario import load

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PAGE = re.compile(r"^\d\d-[a-z0-9-]+\.md$")  # a lesson page's file name


# --- helpers ------------------------------------------------------------------------------------------------
def classroom_sliders() -> tuple[str, ...]:
    """The registry parameters the classroom app shows as sliders (``CLASSROOM_PARAMETERS`` in liptako/app.py),
    read from the source so that the app and its web stack need not be imported."""
    spec = importlib.util.find_spec("liptako.app")
    if spec is None or spec.origin is None:
        return ()
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "CLASSROOM_PARAMETERS" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def page_name(lesson: Lesson) -> str:
    """File name of a lesson's page: its place in the course, then its id (as its file's name)."""
    return f"{lesson.number:02d}-{lesson.id}.md"


def source_file(lesson: Lesson) -> str:
    """The lesson file, from the repository's root."""
    return f"liptako/lessons/{lesson.number:02d}-{lesson.id}.toml"


def footer(source: str) -> list[str]:
    return ["---", f"*Written by `docs/teaching/generate.py` from `{source}`; do not edit by hand.*", ""]


def number(value: float) -> str:
    """A parameter value as a reader writes it: 0, 0.15, 24, 1,500."""
    return f"{value:,.6g}" if not float(value).is_integer() else f"{int(value):,}"


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def command_value(value: float) -> str:
    """A value as the command line shows it (``liptako run`` prints means with three significant digits)."""
    if value != value:  # NaN: no run defined it
        return "n/a"
    return f"{value:,.3g}"


def scenario_name(lesson_arm) -> str:
    """The scenario's own name (what ``liptako run`` prints in its table)."""
    return teaching_scenario(lesson_arm.scenario).name if lesson_arm.teaching else lesson_arm.scenario


def slider_label(name: str) -> str:
    """A slider's label in the app: the name in words and the unit."""
    return f"{name.replace('_', ' ')} [{BY_NAME[name].unit}]"


def scenario_parameters(arm) -> dict[str, float]:
    """Parameters a teaching scenario sets away from the registry defaults."""
    if not arm.teaching:
        return {}
    spec = teaching_scenario(arm.scenario)
    return {k: v for k, v in spec.parameters.items() if v != DEFAULTS[k]}


# --- a lesson's page ------------------------------------------------------------------------------------------
def setup_section(lesson: Lesson, sliders: Sequence[str]) -> list[str]:
    """The arms, the parameters they change (from the registry) and the settings in the classroom app."""
    start = load("baseline").scenario.start
    starts = {load(a.source()).scenario.start for a in lesson.arms}
    if len(starts) == 1:
        start = starts.pop()
    out = ["## Setup", ""]
    out += [
        f"Each arm runs the same {lesson.reps:,} replications (the seeds `liptako run --reps {lesson.reps} "
        f"--seed {lesson.seed}` uses, so every arm faces the same luck: common random numbers) for "
        f"{lesson.months} months from {start}.",
        "",
        "| Arm | Scenario | Parameters changed |",
        "|---|---|---|",
    ]
    for arm in lesson.arms:
        scenario = f"[`{arm.scenario}`](scenarios/{arm.scenario})" if arm.teaching else f"`{arm.scenario}`"
        changed = {**scenario_parameters(arm), **arm.overrides}
        what = ", ".join(f"`{k}` = {number(v)}" for k, v in changed.items()) or "none (defaults)"
        out.append(f"| {cell(arm.label)} | {scenario} | {what} |")
    names = list(dict.fromkeys([*lesson.parameters(), *(k for a in lesson.arms for k in scenario_parameters(a))]))
    if names:
        out += ["", "The parameters, from the registry (`uv run liptako params`):", ""]
        out += ["| Parameter | In this lesson | Default | Unit | Range | Meaning |", "|---|---|---|---|---|---|"]
        for name in names:
            p = BY_NAME[name]
            values = []
            for arm in lesson.arms:
                v = {**scenario_parameters(arm), **arm.overrides}.get(name, p.default)
                if number(v) not in values:
                    values.append(number(v))
            out.append(
                f"| `{name}` | {', '.join(values)} | {number(p.default)} | {cell(p.unit)} | "
                f"{number(p.low)} to {number(p.high)} | {cell(p.description)} |"
            )
    out += ["", "### In the classroom app", ""]
    out.append(
        "Start the app with `uv run liptako app` and open the address it prints. For each arm, set the controls "
        "below (every other slider at its default) and read the **Many futures** panel, which redraws for the "
        "new settings: it runs a few hundred replications of them and draws the fans of AES members, coups and "
        "territory, with the chance that the alliance holds to the end of the year you choose there (choose "
        f"{lesson.year}). Note or screenshot each arm's fans to compare them. Reset and Play then tell one of "
        "those futures month by month: one possible history among many."
    )
    out.append("")
    for arm in lesson.arms:
        if arm.teaching:
            where = f"scenario file `{TEACHING_FOLDER}/{arm.scenario}`"
        else:
            where = f"scenario `{arm.scenario}`"
        settings = []
        for name, value in arm.overrides.items():
            if name in sliders:
                settings.append(f"slider **{slider_label(name)}** = {number(value)}")
            else:
                settings.append(f"`{name}` = {number(value)} (not a slider: use the command line)")
        out.append(f"- {arm.label}: {where}" + (", " + ", ".join(settings) if settings else ""))
    out += ["", f"**In Many futures:** {lesson.watch}", ""]
    out.append(
        f"The panel's few hundred runs give wider bands than the {lesson.reps:,} replications per arm behind the "
        "figures below: where two arms' fans overlap, the table of what the model says tells whether they differ."
    )
    return out


def run_section(lesson: Lesson, result: LessonResult) -> list[str]:
    """The commands, the table they print (expected output), and the command for the lesson's figures."""
    out = ["## Run", "", "From the repository's folder:", "", "```sh"]
    out += lesson.commands()
    out += ["```", ""]
    out.append(
        f"Each command prints the means over its {lesson.reps:,} replications; with the model as it is now they "
        "are (expected output):"
    )
    out += ["", "| Scenario | Parameters | runs | " + " | ".join(COMMAND_COLUMNS) + " |"]
    out.append("|---|---|---|" + "---|" * len(COMMAND_COLUMNS))
    for arm in lesson.arms:
        means = result.means[arm.key]
        params = ", ".join(f"{k}={number(v)}" for k, v in arm.overrides.items()) or "defaults"
        values = " | ".join(command_value(means[c]) for c in COMMAND_COLUMNS)
        out.append(f"| {scenario_name(arm)} | {params} | {lesson.reps} | {values} |")
    out += [
        "",
        "The lesson's own figures come from the same runs; to print them with the paragraph below:",
        "",
        "```sh",
        lesson.python_command(),
        "```",
    ]
    return out


def result_section(lesson: Lesson, result: LessonResult) -> list[str]:
    """The figures with their intervals, the paragraph, and the claim's comparisons."""
    out = ["## What the model says", "", "| Figure | Value | 95% interval |", "|---|---|---|"]
    out += [f"| {cell(label)} | {value} | {cell(ci)} |" for label, value, ci in lesson.interval_table(result)]
    out += ["", lesson.text(result), ""]
    if result.clear:
        verdict = "holds, every comparison beyond the noise (its whole 95% interval on the claimed side)"
    elif result.holds:
        verdict = "holds, but not every comparison beyond the noise (see the table)"
    else:
        verdict = "does NOT hold (see the table: the model shows what the figures above say)"
    out.append(
        f"**The claim** (checked by `tests/test_lessons.py` on these runs): {lesson.claim} With the model as it "
        f"is now, it {verdict}."
    )
    out += ["", "| Comparison | Difference a - b (95% interval, paired) | Holds |", "|---|---|---|"]
    out += [f"| `{cell(c)}` | {cell(d)} | {v} |" for c, d, v in lesson.claim_table(result)]
    return out


def render_lesson(result: LessonResult, sliders: Sequence[str]) -> str:
    """The Markdown page of one lesson."""
    lesson = result.lesson
    out = [f"# Lesson {lesson.number}: {lesson.title}", "", f"> {lesson.question}", ""]
    if lesson.background:
        out += [lesson.background, ""]
    out += setup_section(lesson, sliders)
    out += ["", "## Predict", "", lesson.predict, ""]
    out += run_section(lesson, result)
    out += ["", *result_section(lesson, result)]
    out += ["", "## Discuss", "", lesson.discuss, "", "## Where the mechanism lives", ""]
    out += [f"- `{path}`, `{name}`: {what}." for path, name, what in lesson.mechanism]
    out += ["", "The month's phases are listed, in order, in the docstring of `model/month.py`.", ""]
    out += footer(source_file(lesson))
    return "\n".join(out)


# --- the index ----------------------------------------------------------------------------------------------
def render_index(results: Sequence[LessonResult], sliders: Sequence[str]) -> str:
    """docs/teaching/README.md: the lessons, the classroom app, and how to run a lesson."""
    total = sum(len(r.lesson.arms) * r.lesson.reps for r in results)
    out = [
        "# Teaching with Liptako",
        "",
        "Lessons on alliance dynamics in the central Sahel, built on the questions the seed article asks: how long "
        "can an alliance of coup-led states hold, and what breaks it? Each lesson asks a question, has students "
        "**predict** an outcome, **run** the model (in the classroom app or from the command line), compare "
        "with **what the model says**, and **discuss**. Every page carries the figures the model gives, computed "
        "over a thousand replications per arm with their 95% intervals, and names the code where the mechanism "
        "lives.",
        "",
        "| # | Lesson | Arms compared | Runs |",
        "|---|---|---|---|",
    ]
    for r in results:
        lesson = r.lesson
        arms = "; ".join(a.label for a in lesson.arms)
        runs = f"{len(lesson.arms)} × {lesson.reps:,} replications × {lesson.months} months"
        out.append(f"| {lesson.number} | [{cell(lesson.title)}]({page_name(lesson)}) | {cell(arms)} | {runs} |")
    out += [
        "",
        "## The classroom app",
        "",
        "```sh",
        "uv run liptako app                      # opens on the baseline; prints the address to open",
        "uv run liptako app russia-withdraws     # or start on another scenario (a bundled name or a .toml path)",
        "```",
        "",
        "Open the printed address (by default http://127.0.0.1:8765) in a browser; the app needs no internet. "
        "It shows a map of the region, the members of each bloc, legitimacy, coup risk and funding month by "
        "month, and the story of the run as it unfolds. Step, Play and Reset drive the run. Beside the one story, "
        "the **Many futures** panel runs a few hundred replications of the current settings and shows the fan of "
        "AES members, coups and territory (the median and the spread of the runs), and the chance that the "
        "alliance holds to a year you choose: every lesson reads its arms there. In the sidebar choose "
        "a bundled scenario, or type the path of a scenario file (the lessons' own files are in "
        "[`scenarios/`](scenarios/), e.g. `docs/teaching/scenarios/ecowas-engages.toml`), a seed, and set the "
        "sliders:",
        "",
    ]
    for name in sliders:
        p = BY_NAME[name]
        out.append(f"- **{slider_label(name)}** (default {number(p.default)}): {cell(p.description)}")
    if not sliders:
        out.append("- (the app's slider list could not be read from liptako/app.py)")
    out += [
        "",
        "Change a setting and read Many futures as it redraws; press Reset and Play to follow one of those "
        "futures. One run is one possible history: the panel shows many at once, and the command line runs "
        "thousands.",
        "",
        "## Running a lesson",
        "",
        "1. Read the question and the setup; write down a prediction for each figure.",
        "2. Explore each arm in the app's Many futures panel, or run the lesson's commands from the repository's "
        "folder, e.g.",
        "",
        "   ```sh",
        f"   {results[0].lesson.commands()[0] if results else 'uv run liptako run baseline --reps 16'}",
        "   ```",
        "",
        "   Each command runs its scenarios over the same seeds (common random numbers) into a results folder and "
        "prints the means; `uv run liptako analyze FOLDER` adds survival curves and paired differences with "
        "confidence intervals, `uv run liptako report FOLDER` an HTML report.",
        '3. Print the lesson\'s figures and the paragraph "what the model says": '
        "`uv run python -m liptako.lessons LESSON-ID` (all lessons without an id).",
        "4. Compare with the predictions, then discuss. The page names the functions to read in the code.",
        "",
        "For a scenario comparison in Python (pandas, matplotlib, the event log), see the notebook "
        "[`docs/notebooks/compare-scenarios.ipynb`](../notebooks/compare-scenarios.ipynb).",
        "",
        "## For teachers: how the lessons are made",
        "",
        "Each lesson is a data file in [`liptako/lessons/`](../../liptako/lessons/), `NN-<id>.toml`: in "
        "`[lesson]` the question, background, prompt to predict and discussion; in `[run]` the replications, "
        "months, seed and the commands (checked against the arms); the `[[arms]]` (a scenario and the registry "
        "parameters it changes); the `[[figures]]`, each a declaration of what to measure in every arm; in "
        "`[model_says]` the claim in words and the paragraph as a template quoting the figures (`{name}`, "
        "`{name:.1%}`, its interval `{name.ci}`, a paired difference `{a-b}`); the `[[claims]]`, comparisons of "
        "figures (`a`, `op` one of <, <=, >, >=, within, `b`, an optional `margin`); in `[app]` what to read "
        "in the app's Many futures panel (`watch`, where `{year}` stands for the year) and the `year` to choose "
        "there; and the `[[mechanism]]` references. The lessons' own scenarios are plain files in "
        "[`liptako/lessons/scenarios/`](../../liptako/lessons/scenarios/), copied to [`scenarios/`](scenarios/). "
        "A figure's measure is one of:",
        "",
        *(f"- `{name}`: {cell(cls.__doc__ or '')}" for name, cls in MEASURES.items()),
        "",
        "Each arm runs its replications at once (`liptako.replicate`); every figure comes with a 95% interval "
        "(normal approximation by the delta method; Wilson for a share), and each comparison of a claim with the "
        "interval of the paired difference, since every arm runs the same seeds. `tests/test_lessons.py` runs "
        "every lesson, checks its claim and that these pages are up to date; a lesson file with a mistake fails "
        f"with the file, the key and what is allowed. All {len(results)} lessons together make {total:,} runs "
        "and take a few seconds.",
        "",
        "```sh",
        "uv run python docs/teaching/generate.py           # rerun the lessons and rewrite these pages",
        "uv run python docs/teaching/generate.py --check   # exit 1 if a page is out of date",
        "```",
        "",
        "When the model changes, the figures change: regenerate the pages, and if a claim no longer holds, the "
        "test says which.",
        "",
        *footer("liptako/lessons/"),
    ]
    return "\n".join(out)


# --- all files ----------------------------------------------------------------------------------------------
def compute(lessons: Sequence[Lesson] = LESSONS, verbose: bool = False) -> list[LessonResult]:
    """Run every lesson (a second or two each)."""
    results = []
    for lesson in lessons:
        began = time.perf_counter()
        results.append(lesson.evaluate())
        if verbose:
            print(f"  {lesson.id}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return results


def render_all(results: Sequence[LessonResult], sliders: Sequence[str] | None = None) -> dict[Path, str]:
    """Every file this script owns, path -> content."""
    sliders = classroom_sliders() if sliders is None else sliders
    files = {HERE / "README.md": render_index(results, sliders)}
    for result in results:
        files[HERE / page_name(result.lesson)] = render_lesson(result, sliders)
    for name, text in TEACHING_SCENARIOS.items():
        files[HERE / "scenarios" / name] = text
    return files


def stale(files: Mapping[Path, str]) -> list[Path]:
    """Files that differ from what they should be, are missing, or are lesson pages no lesson writes."""
    out = [path for path, text in files.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    for folder, pattern in ((HERE, PAGE), (HERE / "scenarios", re.compile(r".*\.toml$"))):
        if folder.is_dir():
            out += [p for p in sorted(folder.iterdir()) if pattern.match(p.name) and p not in files]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if any page is out of date; write nothing")
    args = parser.parse_args(argv)
    results = compute(verbose=True)
    files = render_all(results)
    broken = [r.lesson.id for r in results if not r.holds]
    if broken:
        print(f"warning: the claim of {', '.join(broken)} does not hold with the model as it is", file=sys.stderr)
    if args.check:
        out_of_date = stale(files)
        for path in out_of_date:
            print(f"stale: {path.relative_to(REPO)}", file=sys.stderr)
        if out_of_date:
            print("run: uv run python docs/teaching/generate.py", file=sys.stderr)
            return 1
        print(f"docs/teaching is up to date ({len(files)} files)")
        return 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    for path in stale(files):  # pages or scenario files of lessons that no longer exist
        path.unlink()
        print(f"removed {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
