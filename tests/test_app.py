"""The classroom app: the model behind it, Many futures, the drawings, and the page itself in headless Chromium
(Playwright) at a projector's 1024x768 and a 1920x1080 screen.

The browser tests need Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; `.ci/run` installs
it). Without it they skip with that hint, except under CI (CI=true), where they must run. They save the
screenshots docs/img/app-1024x768.png and docs/img/app-1920x1080.png.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from liptako.app import (
    CLASSROOM_PARAMETERS,
    ClassroomModel,
    initial_controls,
    model_from,
    read_controls,
    scenario_values,
    shown,
    slider,
)
from liptako.model.parameters import BY_NAME, DEFAULTS
from liptako.model.scenario import bundled_names, load

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "img"
SIZES = [(1024, 768), (1920, 1080)]
JARGON = ("Render Interval", "Use Threads", "PAGE 0", "Page 0", "Time:", "Solara", "solara")


# --- the model behind the page ------------------------------------------------------------------------------
def test_the_controls_build_a_model_and_every_slider_is_a_registry_parameter():
    assert set(CLASSROOM_PARAMETERS) <= set(BY_NAME)
    for name in CLASSROOM_PARAMETERS:
        s = slider(name)
        assert s["unit"] == BY_NAME[name].unit and s["min"] == BY_NAME[name].low and s["max"] == BY_NAME[name].high
    model = ClassroomModel(scenario_name="russia-withdraws", seed="7", coup_base_hazard=0.02)
    assert model.input_error == "" and model.spec.name == "russia-withdraws" and model.seed == 7
    assert model.p.coup_base_hazard == 0.02


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_slider_keeps_its_default_on_its_grid(name):
    """A slider snaps to min + k step: the registry's default must be such a value, or Reset changes it (the
    rally half-life's old step of 1.19 turned 12 into 11.71)."""
    s = slider(name)
    k = (s["value"] - s["min"]) / s["step"]
    assert abs(k - round(k)) < 1e-9, f"{name}: default {s['value']} is off the grid of step {s['step']}"
    assert (s["max"] - s["min"]) / s["step"] <= 5000 or BY_NAME[name].integer


@pytest.mark.parametrize("scenario", bundled_names())
def test_reset_with_the_sliders_untouched_gives_exactly_the_scenarios_parameters(scenario):
    """The page opens with every slider at the scenario's value; Reset builds the story from them: it must
    run with exactly the scenario's parameters (no slider rounding, no override), and each value must sit on
    its slider's grid."""
    controls = initial_controls(scenario)
    assert read_controls(scenario, "", "1", controls.values).overrides == {}
    model = model_from(controls)
    expected = {**DEFAULTS, **dict(load(scenario).parameters)}
    assert model.parameters(at_start=True) == expected
    for name, value in controls.values.items():
        s = slider(name, value)
        k = (value - s["min"]) / s["step"]
        assert abs(k - round(k)) < 1e-9 and shown(value, s["step"]) == shown(expected[name], s["step"])


def test_a_moved_slider_is_an_override_and_the_others_are_not():
    values = {**scenario_values(load("baseline")), "spillover": 0.05}
    choice = read_controls("baseline", "", "3", values)
    assert choice.overrides == {"spillover": 0.05} and choice.seed == 3 and choice.problems == ()


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ({"seed": "twelve"}, "not a whole number"),
        ({"seed": "-3"}, "not a whole number"),
        ({"exit_threshold": 0.9, "accession_threshold": 0.5}, "must be below accession_threshold"),
        ({"exit_threshold": 0.9, "accession_threshold": 0.5, "seed": "x"}, "Using the scenario's values"),
        ({"scenario_file": "/no/such/scenario.toml"}, "no such file"),
    ],
)
def test_bad_controls_give_a_message_and_a_model_that_still_runs(controls, message):
    model = ClassroomModel(**controls)
    assert message in model.input_error
    model.step()
    assert model.steps == 1


def test_a_scenario_file_that_fails_validation_is_named_in_the_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "bad"\ntitle = "Bad"\nextends = "baseline"\n[states.MLI]\ntroops = "many"\n')
    model = ClassroomModel(scenario_file=str(bad))
    assert "bad.toml" in model.input_error and "states.MLI.troops" in model.input_error


# --- Many futures, the map, the charts, the country card ------------------------------------------------------
def test_many_futures_gives_ordered_fans_and_a_chance_with_its_interval():
    from liptako.app_futures import draw_fans, holds_sentence, run_futures, wilson

    futures = run_futures(load("baseline"), seed=2, overrides={"coup_base_hazard": 0.03}, reps=40)
    assert futures.reps == 40 and futures.months == 120
    for name, (low, mid, high) in futures.fans.items():
        assert np.all(low <= mid) and np.all(mid <= high), name
    coups = futures.fans["coups"]
    assert np.all(np.diff(coups, axis=1) >= 0)  # coups so far never fall
    years = futures.years()
    assert years[0] == 2023 and years[-1] == 2032
    for year in years:
        p, low, high = futures.chance_holds(year)
        q, _, _ = futures.chance_founders_stay(year)
        assert 0 <= low <= p <= high <= 1 and q <= p
    assert "of 40 futures" in holds_sentence(futures, 2028)
    assert all(svg.startswith("<svg") and 'class="mark"' in svg for svg in draw_fans(futures, 2028))
    assert wilson(0, 100)[1] == 0 and wilson(100, 100)[2] == 1


def test_the_same_settings_give_the_same_futures():
    from liptako.app_futures import run_futures

    a, b = (run_futures("baseline", seed=5, reps=20) for _ in range(2))
    assert all(np.array_equal(a.fans[k], b.fans[k]) for k in a.fans) and np.array_equal(a.exists, b.exists)


def test_the_map_colours_every_state_and_outlines_the_blocs():
    from liptako.app_map import map_look, shapes

    model = ClassroomModel()
    look = map_look(model)
    countries, others = shapes(tuple((s.iso3, s.name) for s in model.states))
    assert {c["iso"] for c in countries} == set(look.fills) == {s.iso3 for s in model.states}
    assert others and all(f.startswith("#") for f in look.fills.values())
    assert {o["bloc"] for o in look.outlines} >= {"AES", "ECOWAS"}


def test_the_story_charts_and_the_country_card_show_the_run():
    from liptako.app_charts import story_charts
    from liptako.app_country import country_card_html

    model = ClassroomModel()
    for _ in range(3):
        model.step()
    charts = story_charts(model)
    assert len(charts) == 4 and all(c.startswith("<svg") and ("polyline" in c or "polygon" in c) for c in charts)
    card = country_card_html(model.state_by_id["MLI"])
    assert "Mali" in card and model.state_by_id["MLI"].regime.leader in card and "domestic" not in card
    assert "its own budget" in card and "Coup risk" in card and "% per month" in card


# --- the page in a browser ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    if not Path(CHROMIUM).exists():
        hint = "install Debian's chromium (apt-get install chromium) to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing under CI: {hint}")
        pytest.skip(hint)
    port = _free_port()
    liptako = shutil.which("liptako") or sys.executable
    cmd = [liptako, "app", "baseline", "--port", str(port)] if liptako != sys.executable else [
        sys.executable, "-m", "liptako", "app", "baseline", "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            proc.kill()
            pytest.fail(f"the app did not start: {out[-2000:]}")
        time.sleep(0.5)
    yield url
    os.killpg(proc.pid, 15)
    proc.wait(timeout=20)


def open_page(app_url, width: int, height: int):
    """A context manager: a fresh browser tab on the app at this viewport size, once the page and Many futures
    are drawn; the tab records the addresses it fetched in ``page.requests``."""
    from contextlib import contextmanager

    from playwright.sync_api import sync_playwright

    @contextmanager
    def tab():
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": width, "height": height})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(app_url, timeout=90_000)
            page.get_by_text("Month:").first.wait_for(timeout=90_000)
            page.get_by_text("still exists at the end of").first.wait_for(timeout=90_000)
            page.requests = requests
            try:
                yield page
            finally:
                browser.close()

    return tab()


@pytest.fixture
def page(app_url):
    with open_page(app_url, 1500, 1000) as page:
        yield page


def month(page) -> str:
    return page.locator(".liptako-month").inner_text()


def step(page) -> None:
    """Press Step and wait for the next month on the page."""
    before = month(page)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"() => document.querySelector('.liptako-month').innerText !== {before!r}",
                           timeout=30_000)  # fmt: skip


def boxes(page) -> dict[str, dict]:
    """The bounding boxes of the page's main parts."""
    parts = ("header", "controls", "map", "country", "story", "futures", "charts", "guide")
    return {part: page.locator(f".liptako-{part}").first.bounding_box() for part in parts}


def overlap(a: dict, b: dict) -> bool:
    """Whether two boxes share more than a pixel of area."""
    dx = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    dy = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return dx > 1 and dy > 1


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_layout_is_readable_at_projector_and_large_screen_sizes(app_url, width, height):
    """At 1024x768 and 1920x1080: the map at least half the viewport wide and its labels at least 12 px, no
    two main parts overlapping, every slider showing its value and unit beside a usable track, the heading on
    one line, none of Mesa's or Solara's words on the page. Saves the screenshot docs/img/app-WxH.png."""
    with open_page(app_url, width, height) as page:
        for _ in range(6):
            step(page)
        page.get_by_text("Founders' funding by source").first.wait_for(timeout=30_000)
        found = boxes(page)
        assert all(found.values()), f"missing parts: {[k for k, v in found.items() if not v]}"
        names = sorted(found)
        clashes = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :] if overlap(found[a], found[b])]
        assert not clashes, f"overlapping parts at {width}x{height}: {clashes}"
        svg = page.locator(".liptako-map-svg").bounding_box()
        assert svg["width"] >= width / 2, f"the map is {svg['width']:.0f} px wide in a {width} px window"
        assert svg["y"] < height / 2, "the map should start in the upper half of the first screen"
        label_height = page.locator(".liptako-map-label").first.bounding_box()["height"]
        assert label_height >= 12, f"map labels are {label_height:.0f} px high"
        sliders = page.locator(".liptako-slider")
        assert sliders.count() == len(CLASSROOM_PARAMETERS)
        for k, name in enumerate(CLASSROOM_PARAMETERS):
            box = sliders.nth(k)
            label = box.locator(".liptako-slider-label").inner_text()
            s = slider(name)
            assert name.replace("_", " ") in label and shown(s["value"], s["step"]) in label and s["unit"] in label
            track = box.locator(".v-slider").bounding_box()
            assert track and track["width"] >= 150, f"{name}: the slider's track is {track} (collapsed?)"
            value = box.locator(".value").bounding_box()
            assert value["width"] > 0 and value["x"] + value["width"] <= found["controls"]["x"] + found["controls"][
                "width"]  # fmt: skip
        h1 = page.locator("h1").bounding_box()
        assert h1["height"] < 2 * 26, f"the heading wraps onto {h1['height']:.0f} px"
        text = page.inner_text("body")
        assert not [word for word in JARGON if word in text], [word for word in JARGON if word in text]
        assert "Many futures" in text and "The story so far" in text
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"app-{width}x{height}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000


def test_the_page_steps_month_by_month_and_fetches_nothing_from_outside(page):
    text = page.inner_text("body")
    for name in ("Mali", "Burkina Faso", "Niger"):
        assert name in text
    assert month(page) == "Month: 2023-09 (start)"
    step(page)
    assert month(page) == "Month: 2023-09"
    step(page)
    assert month(page) == "Month: 2023-10"
    assert page.locator(".liptako-story li").count() >= 1
    outside = {u for u in page.requests if u.startswith("http") and not u.startswith("http://127.0.0.1")}
    assert not outside, f"the page fetched from outside this machine: {sorted(outside)[:5]}"


def test_play_runs_months_until_pause(page):
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => document.querySelector('.liptako-month').innerText >= 'Month: 2023-11'",
                           timeout=30_000)  # fmt: skip
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=10_000)
    paused = month(page)
    page.wait_for_timeout(1500)
    assert month(page) == paused


def test_reset_keeps_every_default(page):
    """Reset with the sliders untouched: the story runs with exactly the registry's defaults (the baseline
    sets none of its own), shown both on the sliders and in the list of the story's values."""
    step(page)
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => document.querySelector('.liptako-month').innerText.includes('(start)')",
                           timeout=30_000)  # fmt: skip
    guide = page.locator(".liptako-guide").inner_text()
    labels = page.locator(".liptako-slider-label").all_inner_texts()
    for name, label in zip(CLASSROOM_PARAMETERS, labels, strict=True):
        assert f"{name.replace('_', ' ')} = {DEFAULTS[name]:g} [" in guide
        assert shown(DEFAULTS[name], slider(name)["step"]) in label
    assert "press Reset" not in page.inner_text("body")


def test_a_moved_slider_says_reset_applies_it_and_redraws_many_futures(page):
    name = "coup_base_hazard"
    k = CLASSROOM_PARAMETERS.index(name)
    before = page.locator(".liptako-futures").inner_text()
    page.locator(".liptako-slider").nth(k).locator(".v-slider__thumb-container").focus()
    page.keyboard.press("ArrowRight")
    s = slider(name)
    moved = shown(DEFAULTS[name] + s["step"], s["step"])
    page.wait_for_function(
        f"() => document.querySelectorAll('.liptako-slider-label')[{k}].innerText.includes({moved!r})",
        timeout=30_000)  # fmt: skip
    page.get_by_text("press Reset to start the story again").wait_for(timeout=10_000)
    page.wait_for_function(f"() => document.querySelector('.liptako-futures').innerText !== {before!r} && "
                           "document.querySelector('.liptako-futures').innerText.includes('still exists')",
                           timeout=30_000)  # fmt: skip
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => !document.body.innerText.includes('press Reset to start')", timeout=30_000)
    assert f"coup base hazard = {float(moved):g} [" in page.locator(".liptako-guide").inner_text()


def test_clicking_a_country_on_the_map_shows_its_state(page):
    step(page)
    page.locator('g[data-iso="TCD"] path').first.click(force=True)  # force: a name may lie over the shape
    page.locator(".liptako-country-card h3", has_text="Chad").wait_for(timeout=30_000)
    page.locator(".liptako-map-label", has_text=re.compile("^Niger$")).click()
    page.locator(".liptako-country-card h3", has_text="Niger").wait_for(timeout=30_000)
    card = page.locator(".liptako-country-card").inner_text()
    assert "Regime" in card and "Legitimacy" in card and "Coup risk" in card and "Money this month" in card
    assert "its own budget" in card  # funding by source, after the first month


def test_text_in_the_seed_box_shows_a_message_at_once_and_after_reset(page):
    seed = page.get_by_label("Seed (whole number)")
    seed.fill("abc")
    seed.press("Enter")
    page.locator(".liptako-controls").get_by_text("is not a whole number").wait_for(timeout=30_000)
    page.get_by_role("button", name="Reset").click()
    page.locator(".liptako-header").get_by_text("is not a whole number").wait_for(timeout=30_000)
    assert "Month:" in page.inner_text("body")  # the page is still there, with a model to run


def test_a_scenario_file_that_fails_validation_shows_a_message_on_the_page(page, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[scenario]\nname = "broken"\ntitle = "Broken"\nextends = "baseline"\nmonths = 100000\n')
    box = page.get_by_label("or a scenario file (path)")
    box.fill(str(bad))
    box.press("Enter")
    page.get_by_text("scenario.months").first.wait_for(timeout=30_000)
    assert "broken.toml" in page.inner_text("body") and "Month:" in page.inner_text("body")
