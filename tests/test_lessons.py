"""The classroom lessons (liptako/lessons/: the lesson files and their engine) and their pages (docs/teaching/).

Each lesson runs once (its own replications and horizon, a second or two on ``liptako.replicate``); the results
are shared by the test of its claim and by the test that the generated Markdown pages are up to date. The pages
carry the figures the model gives, so a change to the model makes them stale: rerun
``uv run python docs/teaching/generate.py``.
"""

from __future__ import annotations

import importlib.util
import math
import re
import shlex
from pathlib import Path

import numpy as np
import pytest

import liptako
from liptako.lessons import LESSONS, Estimate, Lesson, LessonResult, check_lessons, lesson, main, read_lesson
from liptako.lessons.engine import estimate
from liptako.lessons.measures import MEASURES, Clustering, Mean, Ratio, Series, SeriesRatio, Share
from liptako.model.errors import InputError
from liptako.model.parameters import BY_NAME
from liptako.model.scenario import load, parse_month

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


# --- the lessons' claims and pages ------------------------------------------------------------------------------
@pytest.mark.parametrize("item", LESSONS, ids=[x.id for x in LESSONS])
def test_claim_holds(item: Lesson) -> None:
    result = evaluated(item)
    assert list(result.estimates) == list(item.figures)
    for name, e in result.estimates.items():
        assert math.isfinite(e.value), f"{item.id}: {name} is not defined"
        assert e.low <= e.value <= e.high, f"{item.id}: {name} lies outside its interval"
    table = "\n".join(f"  {c}: {d}: {v}" for c, d, v in item.claim_table(result))
    assert result.holds, f"{item.id}: the claim no longer holds.\n{item.claim}\n{table}"
    text = item.text(result)
    assert "{" not in text and "n/a" not in text


def test_pages_are_up_to_date() -> None:
    results = [evaluated(item) for item in LESSONS]
    files = generate.render_all(results)
    stale = [str(p.relative_to(REPO)) for p in generate.stale(files)]
    assert not stale, f"stale: {', '.join(stale)}; run: uv run python docs/teaching/generate.py"


def test_figures_are_reproducible() -> None:
    """The same seeds give the same figures, intervals and paired differences (a second run of a lesson)."""
    item = lesson("russia-leaves")
    again = item.evaluate()
    first = evaluated(item)
    assert again.estimates == first.estimates
    assert again.means == first.means
    assert [c.difference for c in again.claims] == [c.difference for c in first.claims]
    assert item.text(again) == item.text(first)


def test_lessons_have_distinct_ids_and_numbers() -> None:
    ids = [x.id for x in LESSONS]
    assert len(ids) >= 5
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    assert [x.number for x in LESSONS] == list(range(1, len(LESSONS) + 1))


def test_lesson_files_check_clean() -> None:
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
        assert item.mechanism, f"{item.id}: no [[mechanism]] references"
        for path, name, _ in item.mechanism:
            source = (REPO / path).read_text(encoding="utf-8")
            assert re.search(rf"^\s*def {re.escape(name)}\(", source, re.M), f"{item.id}: no {name} in {path}"


def test_teaching_scenarios_load() -> None:
    for item in LESSONS:
        for arm in item.arms:
            assert load(arm.source()).name


def test_module_command_line(capsys) -> None:
    assert main(["--help"]) == 0
    assert "coup-trap" in capsys.readouterr().out
    assert main(["no-such-lesson"]) == 2
    with pytest.raises(KeyError):
        lesson("no-such-lesson")


def test_text_from_plain_figures() -> None:
    """A paragraph renders from bare values too (old callers): the intervals are then n/a."""
    item = lesson("coup-trap")
    values = {name: 0.25 for name in item.figures}
    assert item.holds(values) is False  # equal figures do not make a direction of effect
    text = item.text(values)
    assert "0.250" in text and "n/a" in text


# --- the measures -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_batch():
    return liptako.replicate("baseline", 6, seed=3, months=36)


def _per_run(sample) -> np.ndarray:
    return np.divide(sample.y, sample.x, out=np.full(len(sample.y), np.nan), where=sample.x > 0) * sample.scale


def test_measures_agree_with_single_runs(small_batch) -> None:
    """Each measure, computed at once over a batch, equals the same computed by hand on each run's RunResult."""
    batch = small_batch
    common = {"name": "x", "label": "x"}
    series = Series(measure="series", series="territory", states=["BFA", "NER"], first="2024-01", until="2024-12",
                    **common)  # fmt: skip
    abroad = SeriesRatio(measure="series_ratio", numerator=["troops_abroad"], states=["MLI", "NER"],
                         denominator=["troops_abroad", "troops_home"], **common)  # fmt: skip
    coups = Mean(measure="mean", outcome="coup_attempts", states=["MLI", "BFA", "NER"], **common)
    months = Series(measure="series", series="member", bloc="ECOWAS", states=["MLI", "NER"], aggregate="sum",
                    **common)  # fmt: skip
    clustered = Clustering(measure="clustering", window=24, **common)
    share = Share(measure="share", outcome="first_exit_month", missing=False, **common)
    measures = {"series": series, "abroad": abroad, "coups": coups, "months": months, "clustered": clustered,
                "share": share}  # fmt: skip
    samples = {key: m.sample(batch) for key, m in measures.items()}
    for i in range(batch.reps):
        r = batch.run(i)
        ts = r.timeseries
        window = ts[(ts["date"] >= "2024-01") & (ts["date"] <= "2024-12")]
        assert _per_run(samples["series"])[i] == pytest.approx(
            window[["territory.BFA", "territory.NER"]].to_numpy().mean()
        )
        away = ts["troops_abroad.MLI"] + ts["troops_abroad.NER"]
        home = ts["troops_home.MLI"] + ts["troops_home.NER"]
        assert _per_run(samples["abroad"])[i] == pytest.approx((away / (away + home)).mean())
        assert _per_run(samples["coups"])[i] == sum(r.summary[f"coup_attempts.{s}"] for s in ("MLI", "BFA", "NER"))
        assert _per_run(samples["months"])[i] == pytest.approx(
            (ts["member.ECOWAS.MLI"] + ts["member.ECOWAS.NER"]).sum() / 2
        )
        last: dict[str, int] = {}
        near = total = 0
        for e in r.events[r.events["kind"] == "coup"].itertuples():
            month = parse_month(e.date)
            near += e.state in last and month - last[e.state] <= 24
            last[e.state] = month
            total += 1
        assert (samples["clustered"].y[i], samples["clustered"].x[i]) == (near, total)
        assert samples["share"].y[i] == (not math.isnan(r.summary["first_exit_month"]))


def test_estimates_and_intervals() -> None:
    """A pooled ratio is sum(y) / sum(x); its interval covers it; a share gets a Wilson interval in [0, 1]."""
    from liptako.lessons.measures import Sample

    rng = np.random.default_rng(0)
    y, x = rng.poisson(3, 500).astype(float), rng.integers(20, 40, 500).astype(float)
    e, z = estimate(Sample(y, x, scale=12.0))
    assert e.value == pytest.approx(12 * y.sum() / x.sum())
    assert e.low < e.value < e.high and abs(z.mean()) < 1e-9
    p, _ = estimate(Sample(np.ones(50), np.ones(50), binary=True))
    assert p.value == 1.0 and 0.9 < p.low < 1.0 and p.high == pytest.approx(1.0)
    empty, _ = estimate(Sample(np.zeros(5), np.zeros(5)))
    assert math.isnan(empty.value)
    assert isinstance(e, Estimate)


def test_measure_vocabulary_is_documented() -> None:
    page = (REPO / "docs" / "teaching" / "README.md").read_text(encoding="utf-8")
    for name in MEASURES:
        assert f"- `{name}`:" in page
    assert Ratio.__doc__


# --- a bad lesson file gives a clear error ----------------------------------------------------------------------
GOOD = (REPO / "liptako" / "lessons" / "03-coup-trap.toml").read_text(encoding="utf-8")

BAD = [
    # (what is wrong, replace this, with this, the key path named, words in the problem)
    ("unknown table", "[[mechanism]]", "[[mechanisms]]", "mechanisms", "valid keys: lesson, run, arms"),
    ("unknown measure", 'measure = "clustering"', 'measure = "median"', "figures[2].measure",
     "unknown measure 'median'; allowed: mean, share, ratio"),
    ("unknown key in a figure", "window = 24", "window = 24\nwindows = 3", "figures[2].windows",
     "valid keys: name, label, format, arms, measure, window, states"),
    ("wrong type", "window = 24", 'window = "two years"', "figures[2].window", "valid integer"),
    ("missing key", 'title = "The coup trap"\n', "", "lesson.title", "required key is missing"),
    ("unknown outcome", 'outcome = "coup_successes"', 'outcome = "coup_sucesses"', "figures[3].outcome",
     "unknown per-run outcome 'coup_sucesses'; allowed:"),
    ("state not in scenario", "window = 24", 'window = 24\nstates = ["XYZ"]', "figures[2].states",
     "is not in scenario 'baseline'"),
    ("per-state outcome of the run", 'outcome = "coup_successes"', 'outcome = "honour_rate"\nstates = ["MLI"]',
     "figures[3].states", "honour_rate is an outcome of the whole run"),
    ("bad format spec", 'format = ".3f"', 'format = ".3q"', "figures[1].format", "not a format spec"),
    ("claim names no figure", 'a = "rate_none"', 'a = "rate_nothing"', "claims[1].a", "no figure 'rate_nothing'"),
    ("claim operator", 'op = "<"', 'op = "<<"', "claims[1].op", "'<', '<=', '>', '>=' or 'within'"),
    ("paragraph names no figure", "{rate_none.ci}", "{rate_nil.ci}", "model_says.text", "no figure 'rate_nil'"),
    ("paragraph attribute", "{rate_none.ci}", "{rate_none.width}", "model_says.text", "no attribute .width"),
    ("unknown parameter", "coup_trap_multiplier = 1 }", "coup_trap_multiplyer = 1 }",
     "arms[1].overrides.coup_trap_multiplyer",
     "did you mean coup_trap_multiplier"),
    ("parameter out of range", "coup_trap_multiplier = 4 }", "coup_trap_multiplier = 40 }",
     "arms[3].overrides.coup_trap_multiplier", "outside its range"),
    ("unknown scenario", 'short = "no trap, m = 1"', 'short = "no trap, m = 1"\nscenario = "baseline2"',
     "arms[1].scenario", "unknown scenario 'baseline2'"),
    ("teaching scenario", 'short = "no trap, m = 1"', 'short = "no trap, m = 1"\nscenario = "mine.toml"',
     "arms[1].scenario", "no teaching scenario 'mine.toml'"),
    ("command's replications", "--reps 1000 --months 120 --out", "--reps 40 --months 120 --out", "run.commands[2]",
     "--reps 40: the lesson runs --reps 1000 (run.reps)"),
    ("command's arm", "--set coup_trap_multiplier=4", "--set coup_trap_multiplier=3", "run.commands[3]",
     "baseline with coup_trap_multiplier=3 is none of the lesson's arms"),
    ("an arm without a command", '    "uv run liptako run baseline --reps 1000 --months 120 '
     '--out results/lesson-coup-trap/calibrated",\n',
     "", "run.commands", "no command runs the arm calibrated; e.g.\n  uv run liptako run baseline --reps 1000"),
    ("window outside the runs", "window = 24", 'window = 24\n[[figures]]\nname = "late"\nlabel = "x"\n'
     'measure = "series"\nseries = "territory"\nstates = ["MLI"]\nfrom = "2040-01"', "figures[3].from",
     "outside the runs of arm 'none', 2023-09 to 2033-08"),
    ("malformed TOML", "[run]", "[run", None, "malformed TOML"),
    ("no app arm", "[app]", "[apps]", "app", "required key is missing (the keys here: lesson, run, arms"),
    ("app year outside the runs", "year = 2032", "year = 2033", "app.year",
     "2033 is outside the runs in the app: choose a year from 2023 to 2032"),
    ("app without what to watch", 'watch = """', 'wtach = """', "app.watch",
     "required key is missing (the keys here: watch, year)"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "key", "words"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_lesson_file_gives_a_clear_error(tmp_path, old, new, key, words) -> None:
    assert old in GOOD
    path = tmp_path / "03-coup-trap.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_lesson(path)
    err = caught.value
    assert err.where == "03-coup-trap.toml"
    assert err.key == key, str(err)
    assert words in err.problem, str(err)


def test_a_good_copy_reads_and_a_badly_named_file_does_not(tmp_path) -> None:
    path = tmp_path / "09-my-lesson.toml"
    path.write_text(GOOD, encoding="utf-8")
    mine = read_lesson(path)
    assert (mine.id, mine.number) == ("my-lesson", 9)
    assert mine.figures == lesson("coup-trap").figures
    wrong = tmp_path / "My Lesson.toml"
    wrong.write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("named NN-<id>.toml")):
        read_lesson(wrong)
    empty = tmp_path / "10-empty.toml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="file is empty; a lesson needs"):
        read_lesson(empty)


# --- the app arm: the Many futures panel -----------------------------------------------------------------------
@pytest.mark.parametrize("item", LESSONS, ids=[x.id for x in LESSONS])
def test_each_lesson_reads_its_arms_in_many_futures(item: Lesson) -> None:
    """Every lesson's app arm sends the class to the Many futures panel (a fan of a few hundred runs, not one
    story), says what to read there and which year to choose for the chance that the alliance holds."""
    assert item.watch and item.year is not None
    first = min(load(a.source()).start for a in item.arms) // 12
    assert first < item.year <= first + math.ceil(item.months / 12)
    page = generate.render_lesson(evaluated(item), generate.classroom_sliders())
    app = page[page.index("### In the classroom app") : page.index("## Predict")]
    assert "**Many futures** panel" in app and f"(choose {item.year})" in app and "redraws" in app
    assert f"**In Many futures:** {item.watch}" in app
    assert "press Reset, then Play" not in app  # one story is not the arm any more
    assert "{year}" not in item.watch  # the placeholder is filled in


@pytest.mark.parametrize("item", LESSONS, ids=[x.id for x in LESSONS])
def test_each_lesson_has_enough_replications_for_its_intervals(item: Lesson) -> None:
    """The array engine makes a thousand replications per arm cheap: every lesson runs at least that many, and its
    figures carry 95% intervals that the paragraph quotes."""
    assert item.reps >= 1000
    result = evaluated(item)
    assert all(e.low < e.high or e.low == e.value == e.high for e in result.estimates.values())
    assert "95% intervals in brackets" in item.says or ".ci}" in item.says


def test_the_index_describes_the_many_futures_panel() -> None:
    index = generate.render_index([evaluated(item) for item in LESSONS], generate.classroom_sliders())
    assert "**Many futures** panel" in index and "chance that the alliance holds" in index


def test_the_app_year_defaults_to_the_last_whole_year_and_fills_the_placeholder(tmp_path) -> None:
    """Without year, the last year whose December the lesson's runs reach (120 months from 2023-09: 2032);
    {year} in the text is that year."""
    text = re.sub(r"\nyear = \d+\n", "\n", GOOD, count=1)
    path = tmp_path / "03-coup-trap.toml"
    path.write_text(text, encoding="utf-8")
    mine = read_lesson(path)
    assert mine.year == 2032 and "holds to 2032" in mine.watch
