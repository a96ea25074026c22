"""The classroom app: a Mesa SolaraViz page with a map of the region, live panels, the story of the run and
sliders for the parameters that matter most in class.

Start it with ``liptako app [SCENARIO]`` (it prints the URL); it needs no internet: Solara's front-end assets
come from the ``solara-assets`` package and every figure is drawn with matplotlib.

Bad input never blanks the page: a seed that is not a whole number, an impossible slider combination or a
scenario file that fails validation shows a message at the top, and the app keeps (or falls back to) a model
it can run.
"""

from __future__ import annotations

import os
from pathlib import Path

import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from liptako.experiments.figstyle import SOURCE_COLOURS
from liptako.experiments.maps import StateView, draw_map
from liptako.model.errors import InputError
from liptako.model.model import LiptakoModel
from liptako.model.parameters import BY_NAME, CONSTRAINTS, DEFAULTS, check_consistency
from liptako.model.scenario import bundled_names, format_month

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


class ClassroomModel(LiptakoModel):
    """A LiptakoModel built from the app's controls, that never fails to build.

    The controls arrive as text and numbers: a bundled scenario's name, an optional scenario file, the seed as
    typed, and the sliders. If any of them is bad, the model falls back to the last good choice (or the
    baseline) and keeps the reason in ``input_error`` for the page to show.
    """

    def __init__(self, scenario_name: str = "baseline", scenario_file: str = "", seed: str | int = "1",
                 scenario=None, rng=None, **sliders) -> None:  # fmt: skip
        # Mesa's Reset passes its own Scenario object as ``scenario``: the app's choice is scenario_name.
        del scenario, rng
        problems = []
        try:
            seed_value = int(str(seed).strip())
            if seed_value < 0:
                raise ValueError
        except ValueError:
            problems.append(f"Seed: {seed!r} is not a whole number of 0 or more; using seed 1.")
            seed_value = 1
        source: str | Path = scenario_name if scenario_name in bundled_names() else "baseline"
        if scenario_file and scenario_file.strip():
            source = Path(scenario_file.strip()).expanduser()
        try:
            check_consistency({**DEFAULTS, **sliders})
        except ValueError as err:
            problems.append(f"Sliders: {err}. Using the defaults for both.")
            for low, high, _ in CONSTRAINTS:
                sliders.pop(low, None)
                sliders.pop(high, None)
        try:
            super().__init__(source, rng=seed_value, parameters=sliders)
        except InputError as err:
            problems.append(f"{err}. Showing {scenario_name if scenario_name in bundled_names() else 'baseline'} "
                            "with default parameters instead.")  # fmt: skip
            fallback = scenario_name if scenario_name in bundled_names() else "baseline"
            super().__init__(fallback, rng=seed_value)
        self.input_error = " ".join(problems)


def slider_step(low: float, high: float, default: float) -> float:
    """The smallest round step (1, 2 or 5 times a power of ten) that puts ``default`` on the slider's grid
    (low + k step), so that Reset restores the default exactly, and cuts [low, high] into at most 200 steps (or,
    when no such step exists, at most 5,000)."""
    for most in (200, 5000):
        for exponent in range(-6, 7):
            for mantissa in (1, 2, 5):
                step = mantissa * 10.0**exponent
                on_grid = abs((default - low) / step - round((default - low) / step)) < 1e-9
                if (high - low) / step <= most and on_grid:
                    return round(step, 9)
    return (high - low) / 5000


def slider(name: str) -> dict:
    """A Solara slider for a registry parameter, labelled with its name and unit; its step keeps the default on
    the slider's grid."""
    p = BY_NAME[name]
    step = 1 if p.integer else slider_step(p.low, p.high, p.default)
    return {"type": "SliderInt" if p.integer else "SliderFloat", "value": p.default, "min": p.low, "max": p.high,
            "step": step, "label": f"{name.replace('_', ' ')} [{p.unit}]"}  # fmt: skip


def model_params(scenario: str) -> dict:
    """The controls in the sidebar: scenario, scenario file, seed and the classroom sliders."""
    return {
        "scenario_name": {"type": "Select", "value": scenario, "values": bundled_names(), "label": "Scenario"},
        "scenario_file": {"type": "InputText", "value": "", "label": "or a scenario file (path)"},
        "seed": {"type": "InputText", "value": "1", "label": "Seed (whole number)"},
        **{name: slider(name) for name in CLASSROOM_PARAMETERS},
    }


# --- Components -----------------------------------------------------------------------------------------------
def _date(model: LiptakoModel) -> str:
    return format_month(model.month) if model.steps else f"{format_month(model.spec.start)} (start)"


@solara.component
def Header(model: LiptakoModel):
    """The scenario, the month, and any input problem, above everything else."""
    update_counter.get()
    with solara.Column():
        if getattr(model, "input_error", ""):
            solara.Error(model.input_error)
        solara.Markdown(f"### {model.spec.title}")
        solara.Text(f"Month: {_date(model)}", classes=["liptako-month"])
        focal = model.focal
        members = ", ".join(model.state_by_id[i].name for i in sorted(focal.members)) or "none"
        status = f"dissolved in {format_month(focal.dissolved_month)}" if focal.dissolved else f"members: {members}"
        solara.Text(f"{focal.name}: {status}")


@solara.component
def MapView(model: LiptakoModel):
    """The region: legitimacy by colour, bloc outlines, territory contested hatched."""
    update_counter.get()
    states = {s.iso3: StateView(s.name, s.regime.legitimacy, s.territory) for s in model.states}
    blocs = {b.id: set(b.members) for b in model.blocs.values() if not b.dissolved}
    fig = Figure(figsize=(8.5, 5.2))
    draw_map(fig.add_subplot(), states, blocs, f"{model.spec.title} — {_date(model)}")
    fig.tight_layout()
    solara.FigureMatplotlib(fig, format="png", dependencies=[update_counter.value])


@solara.component
def Panels(model: LiptakoModel):
    """Bloc members, legitimacy and coup risk per state, and funding by source, month by month."""
    update_counter.get()
    frame = model.timeseries()
    fig = Figure(figsize=(8.5, 7.5))
    axes = fig.subplots(2, 2)
    if len(frame):
        x = frame["month"].to_numpy()
        for bloc in model.blocs:
            axes[0, 0].step(x, frame[f"members.{bloc}"], where="post", label=bloc)
        axes[0, 0].set_title("Bloc members", fontsize=9)
        axes[0, 0].legend(fontsize=7)
        founders = sorted(model.spec.blocs[model.spec.scenario.focal_bloc].members)
        for iso in founders:
            name = model.state_by_id[iso].name
            axes[0, 1].plot(x, frame[f"legitimacy.{iso}"], label=name)
            axes[1, 0].plot(x, frame[f"coup_risk.{iso}"] * 100, label=name)
        axes[0, 1].set_title("Legitimacy (0-1)", fontsize=9)
        axes[0, 1].legend(fontsize=7)
        axes[1, 0].set_title("Coup risk (% per month)", fontsize=9)
        sources = model.funding_sources
        stacks = [sum(frame[f"funding.{src}.{iso}"].to_numpy() for iso in founders) for src in sources]
        axes[1, 1].stackplot(x, stacks, labels=sources, colors=[SOURCE_COLOURS.get(s) for s in sources])
        axes[1, 1].set_title("Funding of the founders by source (USD M/month)", fontsize=9)
        axes[1, 1].legend(fontsize=6, ncol=2, loc="lower left")
        for ax in axes.flat:
            ax.set_xlabel(f"months since {format_month(model.spec.start)}", fontsize=7)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
    else:
        axes[0, 0].text(0.5, 0.5, "Press Step or Play to start", ha="center", va="center")
    fig.tight_layout()
    solara.FigureMatplotlib(fig, format="png", dependencies=[update_counter.value])


@solara.component
def Story(model: LiptakoModel):
    """The event log so far, newest first, in plain sentences."""
    update_counter.get()
    lines = model.story[::-1][:60]
    with solara.Card("The story so far (newest first)"):
        if not lines:
            solara.Text("Nothing has happened yet: press Step.")
        solara.Markdown("\n".join(f"- {line}" for line in lines))


@solara.component
def Guide(model: LiptakoModel):
    """What each slider means, with its unit (from the parameter registry) and the running model's value."""
    update_counter.get()
    with solara.Card("The sliders (value in this run)"):
        solara.Markdown("\n".join(
            f"- **{n.replace('_', ' ')}** = {getattr(model.p, n):g} [{BY_NAME[n].unit}]: {BY_NAME[n].description}"
            for n in CLASSROOM_PARAMETERS
        ))  # fmt: skip


def make_page(scenario: str = "baseline"):
    """The SolaraViz page for a scenario: a bundled name, or a path to a scenario file."""
    name, file = (scenario, "") if scenario in bundled_names() else ("baseline", scenario)
    params = model_params(name)
    params["scenario_file"]["value"] = file
    model = ClassroomModel(scenario_name=name, scenario_file=file)
    return SolaraViz(model, components=[Header, MapView, Panels, Story, Guide], model_params=params,
                     name="Liptako: the Alliance des États du Sahel", play_interval=400)  # fmt: skip


@solara.component
def Page():
    """The app's page (what ``solara run liptako.app`` serves)."""
    return make_page(os.environ.get(SCENARIO_ENV, "baseline"))


__all__ = ["ClassroomModel", "Page", "make_page"]
