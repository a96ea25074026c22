"""The classroom app: the model behind it, and the page itself in headless Chromium (Playwright).

The browser tests need Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; `.ci/run` installs
it). Without it they skip with that hint, except under CI (CI=true), where they must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from liptako.app import CLASSROOM_PARAMETERS, ClassroomModel, model_params
from liptako.model.parameters import BY_NAME

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


# --- the model behind the page ------------------------------------------------------------------------------
def test_the_controls_build_a_model_and_every_slider_is_a_registry_parameter():
    params = model_params("baseline")
    assert set(CLASSROOM_PARAMETERS) <= set(params) and set(CLASSROOM_PARAMETERS) <= set(BY_NAME)
    for name in CLASSROOM_PARAMETERS:
        assert BY_NAME[name].unit in params[name]["label"]
        assert params[name]["min"] == BY_NAME[name].low and params[name]["max"] == BY_NAME[name].high
    model = ClassroomModel(scenario_name="russia-withdraws", seed="7", coup_base_hazard=0.02)
    assert model.input_error == "" and model.spec.name == "russia-withdraws" and model.seed == 7
    assert model.p.coup_base_hazard == 0.02


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_slider_keeps_its_default_on_its_grid(name):
    """A slider snaps to min + k step: the registry's default must be such a value, or Reset changes it (the
    rally half-life's old step of 1.19 turned 12 into 11.71)."""
    from liptako.app import slider

    s = slider(name)
    k = (s["value"] - s["min"]) / s["step"]
    assert abs(k - round(k)) < 1e-9, f"{name}: default {s['value']} is off the grid of step {s['step']}"
    assert (s["max"] - s["min"]) / s["step"] <= 5000 or BY_NAME[name].integer


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ({"seed": "twelve"}, "not a whole number"),
        ({"seed": "-3"}, "not a whole number"),
        ({"exit_threshold": 0.9, "accession_threshold": 0.5}, "must be below accession_threshold"),
        ({"exit_threshold": 0.9, "accession_threshold": 0.5, "seed": "x"}, "Using the defaults"),
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


@pytest.fixture
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(app_url, timeout=90_000)
        page.get_by_text("Month:").first.wait_for(timeout=90_000)
        page.requests = requests
        yield page
        browser.close()


def month(page) -> str:
    return page.get_by_text("Month:").first.inner_text()


def test_the_page_shows_map_panels_story_and_steps_month_by_month(page, tmp_path):
    text = page.inner_text("body")
    for name in ("Mali", "Burkina Faso", "Niger"):
        assert name in text
    assert "The story so far" in text and "The sliders" in text
    from liptako.model.parameters import DEFAULTS

    shown = f"{DEFAULTS['coup_base_hazard']:g}"  # the slider shows the registry's default
    assert f"coup base hazard** = {shown}" in text or f"coup base hazard = {shown}" in text
    assert page.locator("img").count() >= 2  # the map and the panels
    assert month(page) == "Month: 2023-09 (start)"
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.body.innerText.includes('Month: 2023-09\\n')", timeout=30_000)
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Month: 2023-10").wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    assert (tmp_path / "app.png").stat().st_size > 10_000
    outside = {u for u in page.requests if u.startswith("http") and not u.startswith("http://127.0.0.1")}
    assert not outside, f"the page fetched from outside this machine: {sorted(outside)[:5]}"


def test_text_in_the_seed_box_shows_a_message_on_the_page(page):
    seed = page.get_by_label("Seed (whole number)")
    seed.fill("abc")
    seed.press("Enter")
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("is not a whole number").first.wait_for(timeout=30_000)
    assert "Month:" in page.inner_text("body")  # the page is still there, with a model to run


def test_a_scenario_file_that_fails_validation_shows_a_message_on_the_page(page, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[scenario]\nname = "broken"\ntitle = "Broken"\nextends = "baseline"\nmonths = 100000\n')
    box = page.get_by_label("or a scenario file (path)")
    box.fill(str(bad))
    box.press("Enter")
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("scenario.months").first.wait_for(timeout=30_000)
    assert "broken.toml" in page.inner_text("body") and "Month:" in page.inner_text("body")
