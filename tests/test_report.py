"""Real (tiny) results folders through the analysis, the plots and the HTML report: a two-scenario
comparison, a Sobol sweep and a two-parameter grid, each a few dozen short runs."""

from __future__ import annotations

import base64
import re

import pytest
from matplotlib.figure import Figure

from liptako.experiments import analysis as an
from liptako.experiments import explots
from liptako.experiments.report import write_report
from liptako.experiments.spec import load_experiment, replications_experiment
from liptako.experiments.sweep import execute
from liptako.model.scenario import load

SOBOL = """
[experiment]
name = "tiny-sobol"
design = "sobol"
samples = 4
replications = 1
months = 24
seed = 2
description = "A tiny Sobol sweep <for tests> & nothing else."

[[vary]]
parameter = "coup_base_hazard"
low = 0.004
high = 0.03

[[vary]]
parameter = "nonwestern_budget_factor"
low = 0.0
high = 2.0

[[vary]]
parameter = "exit_threshold"
low = 0.1
high = 0.5
"""

GRID = """
[experiment]
name = "tiny-grid"
design = "grid"
replications = 2
months = 12
seed = 3

[[vary]]
parameter = "nonwestern_budget_factor"
values = [0.0, 2.0]

[[vary]]
parameter = "coup_base_hazard"
values = [0.004, 0.03]
"""

DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Three results folders: compare (2 scenarios x 6 replications x 24 months), sobol (N = 4, three
    parameters: 20 runs of 24 months) and grid (2 x 2 values, 2 replications, 12 months)."""
    root = tmp_path_factory.mktemp("folders")
    compare = replications_experiment([load("baseline"), load("no-external-funding")], reps=6, seed=1, months=24)
    execute(compare, root / "compare", workers=2, quiet=True)
    out = {"compare": root / "compare"}
    for name, text in (("sobol", SOBOL), ("grid", GRID)):
        path = root / f"{name}.toml"
        path.write_text(text)
        execute(load_experiment(path), root / name, workers=2, quiet=True)
        out[name] = root / name
    return out


def test_analyze_a_comparison_folder(folders):
    folder = folders["compare"]
    tables = an.analyze(folder)
    for key in ("summary", "compare_coup_attempts", "survival", "first_exit", "logrank"):
        assert key in tables
    coups = tables["compare_coup_attempts"]
    assert coups["scenario"].tolist() == ["baseline", "no-external-funding"] and coups["pairs"].iloc[1] == 6
    names = {p.name for p in (folder / "analysis").iterdir()}
    assert {f"{k}.csv" for k in tables} | {f"{k}.md" for k in tables} == names  # nothing half-written left
    text = an.format_tables(tables)
    assert "### Coup attempts by scenario, against baseline" in text


def test_per_state_outcomes_are_counted_from_the_runs(folders):
    """Each state's chance of leaving the alliance and of a successful coup, with intervals that hold it."""
    res = an.open_results(folders["compare"])
    table = an.per_state_table(res)
    assert set(table["scenario"]) == {"baseline", "no-external-funding"}
    assert {"MLI", "BFA", "NER"} <= set(table.loc[table["member at start"], "state"])
    for row in table.itertuples(index=False):
        runs = res.runs[res.runs["scenario"] == row.scenario]
        left = runs[f"exit_month.AES.{row.state}"].notna()
        assert row[4] == left.mean()  # P(leaves AES)
        assert row[8] == (runs[f"coup_successes.{row.state}"] > 0).mean()
        assert row[5] <= row[4] <= row[6] and row[9] <= row[8] <= row[10]
        if left.any():
            assert row[7] == runs.loc[left, f"exit_month.AES.{row.state}"].median()
        else:
            assert row[7] != row[7]  # missing, not -1
    assert "per_state" in an.analyze(folders["compare"])


def test_a_comparison_report_states_the_what_if_and_a_headline(folders):
    """The page opens with each scenario's title, description and events, then a headline per outcome that says
    whether the difference from the baseline is clear."""
    folder = folders["compare"]
    page = (write_report(folder)).read_text()
    opening = page[page.index("The scenarios") : page.index("<h2>Overview</h2>")]
    for name in ("baseline", "no-external-funding"):
        assert load(name).title in opening.replace("&#x27;", "'")
    assert "No dated events" in opening  # the baseline has none
    assert opening.count("<li>20") >= 3  # no-external-funding's dated events, one item each
    assert "Headline: what differs from baseline" in opening
    assert opening.count("<li><b>no-external-funding</b>") == 5  # one per key outcome
    assert "clear: the interval excludes zero" in opening or "not clear: the interval includes zero" in opening


def test_fans_mark_each_scenarios_event_dates(folders, monkeypatch, tmp_path):
    res = an.open_results(folders["compare"])
    events = explots.scenario_events(res.manifest)
    assert events["baseline"] == [] and set(events["no-external-funding"]) == {"2023-09"}
    drawn = []
    monkeypatch.setattr(explots, "save", lambda fig, stem: drawn.append(fig) or [])
    explots.fan_chart(res.series, res.runs, tmp_path / "fan", events={"baseline": ["2024-03", "2030-01"]})
    axes = [ax for ax in drawn[0].axes if ax.get_visible()]
    for ax in axes:  # one dashed line in each panel: 2024-03 is month 6; 2030-01 is past the 24 months
        marks = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
        assert [line.get_xdata()[0] for line in marks] == [6]


def test_a_comparison_gets_a_slide_sized_headline_figure(folders):
    drawn = {p.name: p for p in explots.figures(folders["compare"])}
    assert "headline" in drawn
    png = drawn["headline"].paths[0]
    assert png.suffix == ".png" and png.exists()
    # the figure is 16:9: the PNG header holds its width and height
    width, height = int.from_bytes(png.read_bytes()[16:20], "big"), int.from_bytes(png.read_bytes()[20:24], "big")
    assert abs(width / height - 16 / 9) < 0.02


def test_analyze_a_sobol_folder(folders):
    tables = an.analyze(folders["sobol"])
    for outcome in ("survival_months", "coup_attempts", "honour_rate", "peak_territory"):
        table = tables[f"sobol_{outcome}"]
        assert set(table["parameter"]) == {"coup_base_hazard", "nonwestern_budget_factor", "exit_threshold"}
        assert table["ST"].isna().all() or table["ST"].is_monotonic_decreasing  # ranked, most influential first
    assert "compare_coup_attempts" not in tables


def test_plot_folder_draws_png_and_svg(folders):
    paths = explots.plot_folder(folders["grid"])
    names = {p.name for p in paths}
    assert {"fan.png", "fan.svg", "survival.png", "tornado.png"} <= names
    assert any(n.startswith("grid_") for n in names)  # the heatmap of a two-parameter grid
    for p in paths:
        head = p.read_bytes()[:8]
        assert head == b"\x89PNG\r\n\x1a\n" if p.suffix == ".png" else head.startswith(b"<?xml")


@pytest.mark.parametrize("name", ["compare", "sobol"])
def test_report_is_one_self_contained_page(folders, name):
    folder = folders[name]
    path = write_report(folder)
    assert path == folder / "report.html"
    text = path.read_text(encoding="utf-8")
    images = DATA_URI.findall(text)
    pngs = sorted((folder / "plots").glob("*.png"))
    assert len(images) == len(pngs) >= 2
    for data in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    rest = DATA_URI.sub("", text)  # base64 can spell anything; look only at the page's own text
    assert "http:" not in rest and "https:" not in rest and "<script" not in rest and "<link" not in rest
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'src="([^"]*)"', text))
    manifest = an.load_manifest(folder)
    assert f"<h1>{manifest['experiment']['name']}</h1>" in text
    assert f"<td>{manifest['root_seed']}</td>" in text and manifest["liptako_version"] in text
    assert "<table" in text and "<figcaption>" in text
    if name == "sobol":
        assert "A tiny Sobol sweep &lt;for tests&gt; &amp; nothing else." in text  # escaped
        assert "Sobol indices" in text


def test_saved_figures_are_byte_identical(tmp_path):
    def draw(stem):
        fig = Figure(figsize=(3, 2))
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [1, 0, 1], label="x")
        ax.legend()
        return explots.save(fig, stem)

    first = [p.read_bytes() for p in draw(tmp_path / "a")]
    second = [p.read_bytes() for p in draw(tmp_path / "b")]
    assert first == second
