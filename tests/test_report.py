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
    """Each state's chance of leaving the alliance and of a successful coup, with intervals that hold it, and
    when: the median month (and date) over the runs where it happens, missing (not -1) where it never does."""
    res = an.open_results(folders["compare"])
    table = an.per_state_table(res)
    assert set(table["scenario"]) == {"baseline", "no-external-funding"}
    assert {"MLI", "BFA", "NER"} <= set(table.loc[table["member at start"], "state"])
    for row in table.to_dict("records"):
        runs = res.runs[res.runs["scenario"] == row["scenario"]]
        left = runs[f"exit_month.AES.{row['state']}"].notna()
        coup = runs[f"coup_successes.{row['state']}"] > 0
        assert row["P(leaves AES)"] == left.mean()
        assert row["P(successful coup)"] == coup.mean()
        assert row["leaves: low"] <= row["P(leaves AES)"] <= row["leaves: high"]
        assert row["coup: low"] <= row["P(successful coup)"] <= row["coup: high"]
        for happened, column, when in ((left, f"exit_month.AES.{row['state']}", "leaves"),
                                       (coup, f"coup_month.{row['state']}", "first coup")):  # fmt: skip
            if happened.any():
                median = runs.loc[happened, column].median()
                assert row[f"{when}: median month"] == median
                assert row[f"{when}: median date"] == an._median_date("2023-09", median)
            else:
                assert row[f"{when}: median month"] != row[f"{when}: median month"]  # missing, not -1
                assert row[f"{when}: median date"] is None
    assert "per_state" in an.analyze(folders["compare"])


def test_runs_record_when_each_state_first_has_a_successful_coup(folders):
    """coup_month.<ISO>: months from the start to the first successful coup, missing exactly when none."""
    runs = an.open_results(folders["compare"]).runs
    for iso in ("MLI", "BFA", "NER", "CIV"):
        month, count = runs[f"coup_month.{iso}"], runs[f"coup_successes.{iso}"]
        assert (month.notna() == (count > 0)).all()
        assert month.dropna().between(0, 23).all()
    assert not any(c.startswith("coup_month") for c in an._parameters_of(runs))  # an outcome, not a parameter


def test_a_forced_coup_is_dated_at_its_event(tmp_path):
    """burkina-countercoup forces a successful coup in Burkina Faso in 2024-06, nine months after the start."""
    experiment = replications_experiment([load("burkina-countercoup")], reps=3, seed=1, months=12)
    execute(experiment, tmp_path / "bfa", workers=1, quiet=True)
    runs = an.open_results(tmp_path / "bfa").runs
    assert (runs["coup_month.BFA"] == 9).all()


def test_the_headline_table_pairs_runs_and_gives_intervals(folders):
    res = an.open_results(folders["compare"])
    table = an.headline_table(res)
    assert set(table["scenario"]) == {"no-external-funding"}
    assert {"member_leaves", "dissolves", "coup_successes", "peak_territory"} <= set(table["measure"])
    runs = res.runs
    for row in table.to_dict("records"):
        assert row["low"] <= row["value"] <= row["high"] and row["base_low"] <= row["base"] <= row["base_high"]
        assert row["diff_low"] <= row["difference"] <= row["diff_high"]
        assert row["clear"] == (row["diff_low"] > 0 or row["diff_high"] < 0)
    leaves = table.set_index("measure").loc["member_leaves"]
    by = {s: runs[runs["scenario"] == s] for s in ("baseline", "no-external-funding")}
    assert leaves["value"] == by["no-external-funding"]["first_exit_month"].notna().mean()
    assert leaves["base"] == by["baseline"]["first_exit_month"].notna().mean()
    assert leaves["difference"] == pytest.approx(leaves["value"] - leaves["base"])
    coups = table.set_index("measure").loc["coup_successes"]
    assert coups["difference"] == pytest.approx(coups["value"] - coups["base"])


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
    # the headline in plain words: the what-if, how many paired runs, a share with its interval, how sure
    paragraphs = re.findall(r'<p class="headline">(.*?)</p>', opening)
    assert len(paragraphs) == 2, paragraphs
    what_if = paragraphs[0]
    assert what_if.startswith(f"What if: {load('no-external-funding').title} (no-external-funding)? Against baseline")
    assert "over 6 pairs of runs of 2 years" in what_if
    assert re.search(r"a member leaves the alliance in [\d.]+% of runs \(95% interval [\d.]+% to [\d.]+%\)", what_if)
    assert "Successful coups in the region" in what_if
    assert "clear" in what_if or "tell apart" in what_if
    assert paragraphs[1].startswith("How sure:")
    # the heading says the what-if too; the folder's name stays in the subtitle
    assert f"<h1>What if: {load('no-external-funding').title}? Against baseline</h1>" in page.replace("&#x27;", "'")
    assert "(results folder baseline-no-external-funding-x6)" in page


def test_the_headline_names_the_member_most_affected():
    """The per-state sentences pick the founder whose chance changes most, by name, with when it happens."""
    import pandas as pd

    from liptako.experiments.report import _state_sentences

    rows = [("a", "MLI", 0.01, 0.1, None, None), ("a", "NER", 0.05, 0.3, "2029-01", None),
            ("b", "MLI", 0.20, 0.6, "2028-09", "2026-02"), ("b", "NER", 0.05, 0.3, "2029-01", None)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["scenario", "state", "P(leaves AES)", "P(successful coup)",
                                        "leaves: median date", "first coup: median date"])  # fmt: skip
    frame["member at start"] = True
    for prefix, column in (("leaves", "P(leaves AES)"), ("coup", "P(successful coup)")):
        frame[f"{prefix}: low"], frame[f"{prefix}: high"] = frame[column] / 2, frame[column] * 1.5
    leave, coup = _state_sentences(frame, "b", "a")
    assert leave == ("Mali changes most: it leaves in 20% of runs (10% to 30%) against 1.0% (median date of "
                     "leaving: 2028-09).")  # fmt: skip
    assert coup.startswith("Mali has a successful coup in 60% of runs")
    assert "(median date of the first: 2026-02)" in coup


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
    assert [text.get_text() for text in axes[0].texts] == ["baseline event"]  # named once, in the first panel
    labels = explots.scenario_event_labels(res.manifest)
    assert labels["baseline"] == {} and "partner exit" in labels["no-external-funding"]["2023-09"]
    drawn.clear()
    explots.fan_chart(res.series, res.runs, tmp_path / "fan", events={"baseline": ["2024-03"]},
                      event_labels={"baseline": {"2024-03": "coup BFA"}})  # fmt: skip
    assert [text.get_text() for text in drawn[0].axes[0].texts] == ["coup BFA"]


def test_a_comparison_gets_a_slide_sized_headline_figure(folders):
    drawn = {p.name: p for p in explots.figures(folders["compare"])}
    assert "headline" in drawn
    png = drawn["headline"].paths[0]
    assert png.suffix == ".png" and png.exists()
    # the figure is 16:9: the PNG header holds its width and height
    width, height = int.from_bytes(png.read_bytes()[16:20], "big"), int.from_bytes(png.read_bytes()[20:24], "big")
    assert abs(width / height - 16 / 9) < 0.02
    assert "per_state" in drawn  # the per-state chart: leaving and coups, with intervals and dates


def test_the_headline_figure_says_the_what_if_and_keeps_small_chances_visible(folders, monkeypatch, tmp_path):
    res = an.open_results(folders["compare"])
    tables = an.analyses(res)
    title, note = explots._headline_words(res.manifest, res.scenarios, tables["headline"])
    assert title == f"What if: {load('no-external-funding').title}? (against baseline)"
    assert note.startswith("A member leaves within the horizon: baseline ") and "(95% intervals)" in note
    drawn = []
    monkeypatch.setattr(explots, "save", lambda fig, stem: drawn.append(fig) or [])
    explots.headline_chart(res.runs, tables["per_state"], tmp_path / "h", title=title, note=note)
    right = drawn[0].axes[1]
    highest = tables["per_state"].loc[tables["per_state"]["member at start"], "leaves: high"].max()
    assert right.get_xlim()[1] == pytest.approx(min(1.0, max(0.05, highest * 1.2)))  # not always 0 to 1


def test_the_per_state_chart_puts_the_founders_first(folders, monkeypatch, tmp_path):
    res = an.open_results(folders["compare"])
    per_state = an.per_state_table(res)
    drawn = []
    monkeypatch.setattr(explots, "save", lambda fig, stem: drawn.append(fig) or [])
    explots.per_state_chart(per_state, tmp_path / "p")
    leave, coup = [ax for ax in drawn[0].axes if ax.get_visible()]
    names = [label.get_text() for label in leave.get_yticklabels()]
    assert names[:3] == ["BFA", "MLI", "NER"] and names == [label.get_text() for label in coup.get_yticklabels()]
    assert leave.get_title() == "Leaves the AES" and coup.get_title() == "A successful coup"


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
    assert manifest["experiment"]["name"] in text
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


def test_analyze_prints_the_headline_in_words(folders, capsys):
    from liptako.cli import main

    assert main(["analyze", str(folders["compare"])]) == 0
    out = capsys.readouterr().out
    headline = out[out.index("### Headline") :]
    assert "What if: " in headline and "How sure:" in headline
