"""The classroom app's Step and Many futures, timed: in Python, and in the browser as a class sees them.

    uv run python benchmarks/bench_app.py [--steps 20] [--futures 5] [--no-browser]

Goals (issue 9): a Step in under 0.5 s; Many futures redrawn within about 2 s of a change. It prints medians
and maxima of:

- **Step, in Python**: ``model.step()`` and everything a Step redraws (the map's colours and outlines, the
  four charts as SVG, the country card, the story in words), without a browser;
- **Many futures, in Python**: ``run_futures`` (300 replications of the baseline through ``liptako.replicate``)
  and the fans drawn as SVG, after one warm-up run (numba's cache loaded);
- **in the browser** (headless Chromium at /usr/bin/chromium, 1024x768, the app started by ``liptako app``):
  from a click on Step to the next month on the page, and from a new seed typed in the seed box to the new
  futures on the page (this includes the panel's 0.15 s wait for the last of a slider's values).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from liptako.app import Controls, model_from, with_scenario_values
from liptako.app_charts import story_charts
from liptako.app_country import country_card_html
from liptako.app_futures import FUTURES, draw_fans, run_futures
from liptako.app_map import map_look

CHROMIUM = "/usr/bin/chromium"


def report(name: str, seconds: list[float]) -> None:
    print(f"{name:<48} median {statistics.median(seconds):6.3f} s   max {max(seconds):6.3f} s   (n = {len(seconds)})")


def step_in_python(steps: int) -> list[float]:
    """Seconds per Step: the month and what the page redraws after it."""
    model = model_from(with_scenario_values(Controls()))
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        model.step()
        map_look(model)
        story_charts(model)
        country_card_html(model.states[0])
        _ = model.story
        times.append(time.perf_counter() - started)
    return times


def futures_in_python(runs: int) -> list[float]:
    """Seconds per Many futures redraw (300 replications and their fans), seeds 2, 3, ..."""
    run_futures("baseline", seed=1)  # warm-up: numba's compiled code loads on first use
    times = []
    for seed in range(2, 2 + runs):
        started = time.perf_counter()
        draw_fans(run_futures("baseline", seed=seed), 2028)
        times.append(time.perf_counter() - started)
    return times


def start_app() -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    liptako = shutil.which("liptako")
    cmd = [liptako] if liptako else [sys.executable, "-m", "liptako"]
    proc = subprocess.Popen([*cmd, "app", "baseline", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, 15)
    raise SystemExit("the app did not start within two minutes")


def in_the_browser(steps: int, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from a click on Step to the next month on the page, and from a new seed to its futures."""
    from playwright.sync_api import sync_playwright

    proc, url = start_app()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            page.goto(url, timeout=90_000)
            page.locator(".liptako-futures-footer").wait_for(timeout=90_000)
            step_times = []
            for _ in range(steps):
                before = page.locator(".liptako-month").inner_text()
                started = time.perf_counter()
                page.get_by_role("button", name="Step").click()
                changed = f"() => document.querySelector('.liptako-month').innerText !== {before!r}"
                page.wait_for_function(changed, timeout=30_000)
                step_times.append(time.perf_counter() - started)
            futures_times = []
            seed_box = page.get_by_label("Seed (whole number)")
            for seed in range(2, 2 + runs):
                seed_box.fill(str(seed))
                started = time.perf_counter()
                seed_box.press("Enter")
                page.wait_for_function(
                    "() => document.querySelector('.liptako-futures-footer').innerText"
                    f".includes('futures from seed {seed},')", timeout=30_000)  # fmt: skip
                futures_times.append(time.perf_counter() - started)
            browser.close()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)
    return step_times, futures_times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="Steps to time (default 20)")
    parser.add_argument("--futures", type=int, default=5, help="Many futures redraws to time (default 5)")
    parser.add_argument("--no-browser", action="store_true", help="only the Python timings")
    args = parser.parse_args()
    print(f"Classroom app, baseline; Many futures = {FUTURES} replications; {os.cpu_count()} cores")
    report("Step, in Python (month + redraws)", step_in_python(args.steps))
    report(f"Many futures, in Python ({FUTURES} runs + fans)", futures_in_python(args.futures))
    if args.no_browser:
        return
    if not Path(CHROMIUM).exists():
        print(f"(no browser timings: {CHROMIUM} is missing)")
        return
    steps, futures = in_the_browser(args.steps, args.futures)
    report("Step, in the browser (click to next month)", steps)
    report("Many futures, in the browser (new seed to fans)", futures)


if __name__ == "__main__":
    main()
