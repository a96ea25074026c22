"""The classroom app: one story of the region stepped month by month (a map, the state of a chosen country,
charts, the events in words) beside Many futures (a few hundred runs of the same settings at once), with the
scenario, the seed and sliders for the parameters that matter most in class.

Start it with ``liptako app [SCENARIO]`` (it prints the URL); it needs no internet: Solara's front-end assets
come from the ``solara-assets`` package, and the map and charts are SVG drawn by the browser.

- **Controls.** A change of scenario, scenario file, seed or slider redraws Many futures at once; the story
  goes on with the settings it started with until Reset starts it again with the new ones (the page says so).
  Choosing another scenario (or file) moves the sliders to that scenario's values; "Scenario's values" puts them
  back. A slider left at the scenario's value overrides nothing, so Reset gives exactly the scenario.
- **Bad input never blanks the page:** a seed that is not a whole number, an impossible slider combination or
  a scenario file that fails validation shows a message at once, and the app keeps (or falls back to) a model
  it can run.

The page is laid out for a classroom projector (1024x768) as well as a large screen: the controls in a column
on the left, the map first and large; on a wide screen the country card and the story sit beside the map, and
Many futures and the story's charts run the full width below it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import solara
import solara.lab
import solara.server.settings

from liptako.app_charts import CHART_CSS, story_charts
from liptako.app_country import CARD_CSS, country_card_html
from liptako.app_futures import FUTURES, Futures, draw_fans, holds_sentence, run_futures
from liptako.app_map import LEGEND_CSS, RegionMap, legend_html, map_look, shapes
from liptako.model.errors import InputError
from liptako.model.model import LiptakoModel
from liptako.model.parameters import BY_NAME, CONSTRAINTS, DEFAULTS, check_consistency
from liptako.model.scenario import Scenario, bundled_names, format_month, load

# The parameters a class plays with, in the order they appear.
CLASSROOM_PARAMETERS = (
    "western_budget_factor",
    "nonwestern_budget_factor",
    "coup_base_hazard",
    "coup_trap_multiplier",
    "deployment_share",
    "cohesion_deployment_strain",
    "sanction_revenue_loss",
    "spillover",
    "rally_half_life",
    "exit_threshold",
    "accession_threshold",
)
SCENARIO_ENV = "LIPTAKO_APP_SCENARIO"  # `liptako app SCENARIO` passes its choice to the server this way
TITLE = "Liptako: the Alliance des États du Sahel"
PLAY_INTERVAL = 0.4  # seconds between months while playing
SEED_LABEL = "Seed (whole number)"
FILE_LABEL = "or a scenario file (path)"

# The server shows no "This website runs on Solara" badge (it covered the story) and names the tab after the app.
solara.server.settings.theme.show_banner = False
solara.server.settings.theme.title = TITLE


# --- From the controls to a model ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Controls:
    """What the page's controls hold, as the class set them: a bundled scenario's name, a scenario file's path
    (it wins over the name when given), the seed as typed, and the sliders' values."""

    scenario_name: str = "baseline"
    scenario_file: str = ""
    seed: str = "1"
    sliders: tuple[tuple[str, float], ...] = ()

    @property
    def values(self) -> dict[str, float]:
        return dict(self.sliders)


@dataclass(frozen=True)
class Choice:
    """What the controls amount to: the scenario to run, the seed, the parameters the sliders change from the
    scenario's values, and what was wrong with the controls (in plain sentences; empty if nothing)."""

    scenario: Scenario
    seed: int
    overrides: dict[str, float]
    problems: tuple[str, ...]


def scenario_values(scenario: Scenario) -> dict[str, float]:
    """The classroom parameters' values in a scenario (its own settings, else the registry's defaults)."""
    own = dict(scenario.parameters)
    return {name: own.get(name, DEFAULTS[name]) for name in CLASSROOM_PARAMETERS}


def read_controls(scenario_name: str = "baseline", scenario_file: str = "", seed: str | int = "1",
                  sliders: dict[str, float] | None = None) -> Choice:  # fmt: skip
    """The choice the controls make, with a message for each bad value and a fallback that runs: seed 1 for
    a bad seed, the chosen bundled scenario (or the baseline) for a bad file, the scenario's values for an
    impossible pair of sliders."""
    problems = []
    try:
        seed_value = int(str(seed).strip())
        if seed_value < 0:
            raise ValueError
    except ValueError:
        problems.append(f"Seed: {seed!r} is not a whole number of 0 or more; using seed 1.")
        seed_value = 1
    fallback = scenario_name if scenario_name in bundled_names() else "baseline"
    scenario = load(fallback)
    if scenario_file and scenario_file.strip():
        try:
            scenario = load(Path(scenario_file.strip()).expanduser())
        except InputError as err:
            problems.append(f"{err}. Showing {fallback} with its own parameters instead.")
    own = scenario_values(scenario)
    sliders = {name: value for name, value in (sliders or {}).items() if name in BY_NAME}
    try:
        check_consistency({**DEFAULTS, **dict(scenario.parameters), **sliders})
    except ValueError as err:
        problems.append(f"Sliders: {err}. Using the scenario's values for both.")
        for low, high, _ in CONSTRAINTS:
            sliders.pop(low, None)
            sliders.pop(high, None)
    overrides = {name: value for name, value in sliders.items() if not same_value(value, own.get(name))}
    return Choice(scenario, seed_value, overrides, tuple(problems))


def same_value(value: float, other: float | None) -> bool:
    """Whether a slider's value is the scenario's (up to the float noise of a slider's grid)."""
    return other is not None and abs(value - other) <= 1e-9 * max(1.0, abs(other))


def controls_choice(controls: Controls) -> Choice:
    """The choice a page's controls make."""
    return read_controls(controls.scenario_name, controls.scenario_file, controls.seed, controls.values)


class ClassroomModel(LiptakoModel):
    """A LiptakoModel built from the app's controls, that never fails to build.

    The controls arrive as text and numbers: a bundled scenario's name, an optional scenario file, the seed as
    typed, and the sliders (see :func:`read_controls`). If any of them is bad, the model falls back to one it
    can run and keeps the reasons in ``input_error`` for the page to show.
    """

    def __init__(self, scenario_name: str = "baseline", scenario_file: str = "", seed: str | int = "1",
                 scenario=None, rng=None, **sliders) -> None:  # fmt: skip
        del scenario, rng  # Mesa's own Scenario and rng, when built by Mesa's tools: the controls decide
        choice = read_controls(scenario_name, scenario_file, seed, sliders)
        problems = list(choice.problems)
        try:
            super().__init__(choice.scenario, rng=choice.seed, parameters=choice.overrides)
        except InputError as err:
            problems.append(f"{err}. Showing {choice.scenario.name} with its own parameters instead.")
            super().__init__(choice.scenario, rng=choice.seed)
        self.choice = choice
        self.input_error = " ".join(problems)


def model_from(controls: Controls) -> ClassroomModel:
    """A new story built from the page's controls."""
    return ClassroomModel(controls.scenario_name, controls.scenario_file, controls.seed, **controls.values)


def initial_controls(scenario: str = "baseline") -> Controls:
    """The controls the page opens with: a bundled scenario's name or a scenario file, seed 1, and the
    sliders at the scenario's values."""
    name, file = (scenario, "") if scenario in bundled_names() else ("baseline", scenario)
    return with_scenario_values(Controls(scenario_name=name, scenario_file=file))


def with_scenario_values(controls: Controls) -> Controls:
    """The same controls with the sliders at their scenario's values."""
    values = scenario_values(controls_choice(replace(controls, sliders=())).scenario)
    return replace(controls, sliders=tuple(values.items()))


# --- Sliders ----------------------------------------------------------------------------------------------------
def slider_step(low: float, high: float, *values: float) -> float:
    """The smallest round step (1, 2 or 5 times a power of ten) that puts every one of ``values`` (the
    registry's default, a scenario's value) on the slider's grid (low + k step), so that Reset restores them
    exactly, and cuts [low, high] into at most 200 steps (or, when no such step exists, at most 5,000)."""
    for most in (200, 5000):
        for exponent in range(-6, 7):
            for mantissa in (1, 2, 5):
                step = mantissa * 10.0**exponent
                on_grid = all(abs((v - low) / step - round((v - low) / step)) < 1e-9 for v in values)
                if (high - low) / step <= most and on_grid:
                    return round(step, 9)
    return (high - low) / 5000


def slider(name: str, value: float | None = None) -> dict:
    """A slider for a registry parameter: its label and unit, range, step (the default and ``value`` on its
    grid) and value (the default unless given)."""
    p = BY_NAME[name]
    value = p.default if value is None else value
    step = 1 if p.integer else slider_step(p.low, p.high, p.default, value)
    return {"value": value, "min": p.low, "max": p.high, "step": step, "integer": p.integer,
            "label": name.replace("_", " "), "unit": p.unit}  # fmt: skip


def shown(value: float, step: float) -> str:
    """A slider's value as the page shows it: to the step's precision, without float noise."""
    decimals = max(0, -int(f"{step:e}".split("e")[1]))
    return f"{round(value, decimals):.{decimals}f}"


# --- Components -------------------------------------------------------------------------------------------------
def month_text(model: LiptakoModel) -> str:
    """The story's month: "2024-03", or the first month with "(start)" before any Step."""
    return format_month(model.month) if model.steps else f"{format_month(model.spec.start)} (start)"


@solara.component
def Header(model: ClassroomModel, version: int, stale: bool):
    """The app's name, the story's scenario and month, the alliance's members, and any problem with the input."""
    del version  # a new month: draw again
    focal = model.focal
    members = ", ".join(model.state_by_id[i].name for i in sorted(focal.members)) or "none"
    status = f"dissolved in {format_month(focal.dissolved_month)}" if focal.dissolved else f"members: {members}"
    with solara.Div(classes=["liptako-header"]):
        solara.HTML(tag="h1", unsafe_innerHTML=TITLE)
        with solara.Div(classes=["liptako-status"]):
            solara.Text(f"Month: {month_text(model)}", classes=["liptako-month"])
            solara.Text(f"Story: {model.spec.title}", classes=["liptako-scenario"])
            solara.Text(f"{focal.name}: {status}")
        if model.input_error:
            solara.Error(model.input_error)
        if stale:
            solara.Warning("You changed the settings: press Reset to start the story again with them. "
                           "Many futures already shows them.")  # fmt: skip


@solara.component
def SliderControl(name: str, value: float, on_value):
    """One parameter's slider, with its name, value and unit written above it at all times."""
    s = slider(name, value)
    with solara.Div(classes=["liptako-slider"]):
        value_html = f'<span class="value">{shown(value, s["step"])} <span class="unit">{s["unit"]}</span></span>'
        label_html = f'<span class="name">{s["label"]}</span> {value_html}'
        solara.HTML(tag="div", classes=["liptako-slider-label"], unsafe_innerHTML=label_html)
        control = solara.SliderInt if s["integer"] else solara.SliderFloat
        control(label="", value=value, min=s["min"], max=s["max"], step=s["step"], on_value=on_value,
                thumb_label=False)  # fmt: skip


@solara.component
def ControlsPanel(controls: solara.Reactive[Controls], playing: solara.Reactive[bool], running: bool,
                  on_step, on_reset):  # fmt: skip
    """The column of controls: Step, Play and Reset; the scenario, file and seed; the sliders."""
    c = controls.value
    problems = controls_choice(c).problems

    # Each change reads the controls as they are when it arrives (two quick changes must not undo each other).
    def set_scenario(name: str) -> None:
        controls.set(with_scenario_values(replace(controls.value, scenario_name=name)))

    def set_file(path: str | None) -> None:
        controls.set(with_scenario_values(replace(controls.value, scenario_file=path or "")))

    def set_seed(seed: str | None) -> None:
        controls.set(replace(controls.value, seed=seed or ""))

    def set_slider(name: str, value: float) -> None:
        values = {**controls.value.values, name: value}
        controls.set(replace(controls.value, sliders=tuple(values.items())))

    with solara.Div(classes=["liptako-controls", "liptako-box"]):
        with solara.Div(classes=["liptako-buttons"]):
            solara.Button("Step", on_click=on_step, disabled=playing.value or not running, color="primary")
            solara.Button("Pause" if playing.value else "Play", on_click=lambda: playing.set(not playing.value),
                          disabled=not running and not playing.value, color="primary")  # fmt: skip
            solara.Button("Reset", on_click=on_reset, color="primary", outlined=True)
        solara.Select(label="Scenario", values=list(bundled_names()), value=c.scenario_name, on_value=set_scenario)
        solara.InputText(FILE_LABEL, value=c.scenario_file, on_value=set_file, continuous_update=False)
        if c.scenario_file.strip():
            solara.Text("The file is used instead of the scenario above; empty the box to use the list.",
                        classes=["liptako-caption"])  # fmt: skip
        solara.InputText(SEED_LABEL, value=c.seed, on_value=set_seed, continuous_update=False)
        for problem in problems:
            solara.Error(problem)
        solara.HTML(tag="h3", unsafe_innerHTML="Sliders")
        for name in CLASSROOM_PARAMETERS:
            SliderControl(name, c.values[name], lambda v, name=name: set_slider(name, v))
        solara.Button("Scenario's values", on_click=lambda: controls.set(with_scenario_values(controls.value)),
                      outlined=True, small=True)  # fmt: skip


@solara.component
def MapPanel(model: ClassroomModel, version: int, selected: solara.Reactive[str]):
    """The map (click a country to see its state below) and its legend."""
    del version
    countries, others = shapes(tuple((s.iso3, s.name) for s in model.states))
    look = map_look(model)
    with solara.Div(classes=["liptako-map", "liptako-box"]):
        solara.HTML(tag="h2", unsafe_innerHTML=f"The region in {month_text(model)}")
        RegionMap.element(countries=countries, others=others, fills=look.fills, hatches=look.hatches,
                          outlines=look.outlines, selected=selected.value, on_selected=selected.set)  # fmt: skip
        solara.HTML(tag="div", unsafe_innerHTML=legend_html(model))
        solara.Text("Colour: the regime's legitimacy. Click a country (or choose it from the list) to see its state.",
                    classes=["liptako-caption"])  # fmt: skip


@solara.component
def CountryPanel(model: ClassroomModel, version: int, selected: solara.Reactive[str]):
    """The chosen country's regime, legitimacy, coup risk and funding by source."""
    del version
    names = {s.name: s.iso3 for s in model.states}
    state = model.state_by_id.get(selected.value) or model.states[0]
    with solara.Div(classes=["liptako-country", "liptako-box"]):
        solara.Select(label="Country", values=list(names), value=state.name,
                      on_value=lambda name: selected.set(names[name]))  # fmt: skip
        solara.HTML(tag="div", unsafe_innerHTML=country_card_html(state, started=model.steps > 0))


@solara.component
def StoryPanel(model: ClassroomModel, version: int):
    """The event log so far, newest first, in plain sentences."""
    del version
    lines = model.story[::-1][:80]
    with solara.Div(classes=["liptako-story", "liptako-box"]):
        solara.HTML(tag="h2", unsafe_innerHTML="The story so far (newest first)")
        with solara.Div(classes=["liptako-story-list"]):
            if not lines:
                solara.Text("Nothing has happened yet: press Step.")
            solara.Markdown("\n".join(f"- {line}" for line in lines))


@solara.component
def ChartsPanel(model: ClassroomModel, version: int):
    """The story's charts month by month."""
    del version
    with solara.Div(classes=["liptako-charts", "liptako-box"]):
        solara.HTML(tag="h2", unsafe_innerHTML="This story, month by month")
        if not model.steps:
            solara.Text("Press Step or Play to start.")
            return
        with solara.Div(classes=["liptako-chart-grid"]):
            for svg in story_charts(model):
                solara.HTML(tag="div", unsafe_innerHTML=svg)


def futures_of(choice: Choice) -> tuple[Futures, float]:
    """Many futures of a choice, and the seconds they took."""
    started = time.perf_counter()
    futures = run_futures(choice.scenario, choice.seed, choice.overrides)
    return futures, time.perf_counter() - started


@solara.component
def FuturesPanel(controls: Controls):
    """Many futures: a few hundred runs of the current settings, as fans, and the chance the alliance holds to
    a chosen year."""
    choice = solara.use_memo(lambda: controls_choice(controls), [controls])
    year = solara.use_reactive(0)

    def compute():
        time.sleep(0.15)  # a slider being dragged sends many values: run only the last of them
        if not task.is_current():
            return None
        return futures_of(choice)

    task = solara.lab.use_task(compute, dependencies=[controls], prefer_threaded=True)
    last = solara.use_reactive(None)  # the last fans drawn, kept on the page while new ones run
    if task.finished and task.value is not None and task.value is not last.value:
        last.set(task.value)
    with solara.Div(classes=["liptako-futures", "liptako-box"]):
        solara.HTML(tag="h2", unsafe_innerHTML="Many futures")
        caption = (f"{FUTURES} runs of the settings on the left, each with its own seed (from seed {choice.seed}): "
                   "the line is the median, the band the middle 80% of them.")  # fmt: skip
        solara.Text(caption, classes=["liptako-caption"])
        solara.ProgressLinear(task.pending)
        if task.pending and last.value is not None:
            solara.Text("Running the futures of the new settings…", classes=["liptako-pending"])
        if task.error:
            solara.Error(f"Many futures could not run: {task.exception}")
        if last.value is None:
            solara.Text(f"Running {FUTURES} futures…")
            return
        futures, seconds = last.value
        years = futures.years()
        chosen = year.value if year.value in years else years[min(5, len(years) - 1)]
        with solara.Div(classes=["liptako-fans"]):
            with solara.Div(classes=["liptako-holds"]):
                solara.Text("Does the alliance hold to the end of:")
                solara.ToggleButtonsSingle(value=str(chosen), values=[str(y) for y in years],
                                           on_value=lambda y: year.set(int(y)), dense=True)  # fmt: skip
                solara.Markdown(holds_sentence(futures, chosen), style={"font-size": "17px"})
            for svg in draw_fans(futures, chosen):
                solara.HTML(tag="div", unsafe_innerHTML=svg)
        footer = (f"{futures.title}: {futures.reps} futures from seed {futures.seed}, run in {seconds:.1f} s. "
                  f"The dashed line marks the end of {chosen}.")  # fmt: skip
        solara.Text(footer, classes=["liptako-caption", "liptako-futures-footer"])


@solara.component
def SliderGuide(model: ClassroomModel, version: int):
    """What each slider means, with its unit (from the parameter registry) and the story's value."""
    del version
    with solara.Div(classes=["liptako-guide", "liptako-box"]):
        solara.HTML(tag="h2", unsafe_innerHTML="The sliders (value in this story)")
        solara.Markdown("\n".join(
            f"- **{n.replace('_', ' ')}** = {getattr(model.p, n):g} [{BY_NAME[n].unit}]: {BY_NAME[n].description}"
            for n in CLASSROOM_PARAMETERS
        ))  # fmt: skip


PAGE_CSS = """
.liptako-page { display: grid; grid-template-columns: 290px minmax(0, 1fr); gap: 12px; padding: 6px 10px;
                font-size: 16px; line-height: 1.35; }
.liptako-page h1 { font-size: 26px; margin: 0 0 2px; line-height: 1.2; word-break: normal; overflow-wrap: normal;
                   hyphens: none; }
.liptako-page h2 { font-size: 19px; margin: 0 0 6px; }
.liptako-page h3 { font-size: 17px; margin: 10px 0 0; }
.liptako-header { grid-column: 1 / -1; }
.liptako-status { display: flex; flex-wrap: wrap; gap: 2px 22px; font-size: 17px; }
.liptako-month { font-weight: bold; }
.liptako-box { border: 1px solid #d6d6d6; border-radius: 6px; padding: 8px 10px; background: #fff; min-width: 0; }
.liptako-controls { grid-column: 1; align-self: start; }
.liptako-buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; }
.liptako-slider { margin: 2px 0 0; }
.liptako-slider-label { display: flex; justify-content: space-between; gap: 6px; font-size: 15px; }
.liptako-slider-label .value { font-weight: bold; white-space: nowrap; }
.liptako-slider-label .unit { font-weight: normal; color: #444; }
.liptako-slider .v-input { margin-top: 0; padding-top: 0; }
.liptako-slider .v-messages { display: none; }
.liptako-main { grid-column: 2; display: grid; gap: 12px; align-items: start; grid-template-columns: minmax(0, 1fr);
                grid-template-areas: "map" "country" "futures" "charts" "story" "guide"; }
@media (min-width: 1500px) {
  .liptako-main { grid-template-columns: minmax(0, 1.8fr) minmax(0, 1fr);
                  grid-template-areas: "map country" "map story" "futures futures" "charts charts" "guide guide"; }
}
.liptako-map { grid-area: map; }
.liptako-country { grid-area: country; }
.liptako-story { grid-area: story; }
.liptako-futures { grid-area: futures; }
.liptako-charts { grid-area: charts; }
.liptako-guide { grid-area: guide; }
.liptako-story-list { max-height: 360px; overflow-y: auto; font-size: 15px; }
.liptako-chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px; }
.liptako-fans { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px; }
.liptako-holds .v-btn-toggle { flex-wrap: wrap; margin: 4px 0; }
.liptako-caption { font-size: 14px; color: #444; }
"""


@solara.component
def Page():
    """The app's page (what ``solara run liptako.app`` serves)."""
    opening = solara.use_memo(lambda: initial_controls(os.environ.get(SCENARIO_ENV, "baseline")), [])
    controls = solara.use_reactive(opening)
    started_with = solara.use_reactive(opening)  # the controls the story was built from
    model = solara.use_reactive(solara.use_memo(lambda: model_from(opening), []))
    version = solara.use_reactive(0)  # counts the months stepped, so that the story's panels redraw
    playing = solara.use_reactive(False)
    founders = sorted(model.value.spec.blocs[model.value.spec.scenario.focal_bloc].members)
    selected = solara.use_reactive(founders[0] if founders else model.value.states[0].iso3)

    def step() -> None:
        model.value.step()
        version.set(version.value + 1)

    def play() -> None:
        while playing.value and model.value.running:
            time.sleep(PLAY_INTERVAL)
            if playing.value:
                step()
        playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        playing.set(False)
        model.set(model_from(controls.value))
        started_with.set(controls.value)
        version.set(version.value + 1)

    m = model.value
    solara.Title(TITLE)
    solara.Style(PAGE_CSS + LEGEND_CSS + CHART_CSS + CARD_CSS)
    with solara.Div(classes=["liptako-page"]):
        Header(m, version.value, stale=controls.value != started_with.value)
        ControlsPanel(controls, playing, m.running, on_step=step, on_reset=reset)
        with solara.Div(classes=["liptako-main"]):
            MapPanel(m, version.value, selected)
            CountryPanel(m, version.value, selected)
            StoryPanel(m, version.value)
            FuturesPanel(controls.value)
            ChartsPanel(m, version.value)
            SliderGuide(m, version.value)


@solara.component
def Layout(children=()):
    """The page alone, without Solara's app bar around it."""
    return solara.Div(children=list(children))


__all__ = ["CLASSROOM_PARAMETERS", "ClassroomModel", "Controls", "Page", "read_controls", "slider", "slider_step"]
