"""The step page on one screen in predict mode, in a real browser, at the laptop's and the
projector's viewport (:mod:`screen_support`): at every step of the built-ins a lecture uses, the
Step button, the Reveal button and the whole diagram are in view together, while the question is
open and after the reveal. The normal page and the phone: ``test_browser_screen.py``."""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from screen_support import (LANGS, LAPTOP, PROJECTOR, SCENARIOS, FRAMES, check_both_viewports, open_step,  # noqa: F401
                            switch_language, wait_step)
from visualizer.engine import builtin

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

PREDICT = [(name, lang) for name in SCENARIOS for lang in (("en", "de") if name == "esxi-figure" else LANGS[name][:1])]


@pytest.mark.parametrize("name,lang", PREDICT)
def test_predict_keeps_step_reveal_and_whole_diagram_in_view(server, browser, name, lang):
    """Every step asked (the questions beside or under the diagram) and revealed."""
    total = len(builtin(name).trace)
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        open_step(page, server, f"scenario={name}&mode=shadow&step=0&predict=1&lang={lang}")
        settle(page)
        for step in range(total):
            page.locator(".st-key-step_forward button:visible").first.click()
            page.locator(".st-key-predict_reveal button").wait_for()
            check_both_viewports(page, f"{name} {lang} predict asking at step {step}")
            page.locator(".st-key-predict_reveal button").click()
            wait_step(page, step + 1)
            page.locator(".predict-results").wait_for()
            # the run that drew the results ends by taking the questions away (on a loaded
            # machine the stage came a moment before the Reveal button left)
            page.locator(".st-key-predict_reveal button").wait_for(state="detached")
            check_both_viewports(page, f"{name} {lang} predict revealed step {step + 1}")
            if name == "esxi-figure" and step == 2:
                page.locator(".st-key-step_forward button:visible").first.click()
                page.locator(".st-key-predict_reveal button").wait_for()
                page.evaluate(FRAMES)
                shots = SHOTS / "screen"
                shots.mkdir(parents=True, exist_ok=True)
                for vp in (LAPTOP, PROJECTOR):
                    page.set_viewport_size(vp)
                    page.evaluate(FRAMES)
                    page.screenshot(path=str(shots / f"step-predict-{lang}-{vp['width']}x{vp['height']}.png"))
                page.locator(".st-key-predict_cancel button").click()
                page.locator(".st-key-predict_box").wait_for(state="detached")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        ctx.close()
