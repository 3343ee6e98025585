"""The step page on one screen, in a real browser: a 1366 × 768 laptop's browser window (viewport
1366 × 650) and a 1280 × 720 projector in fullscreen, English and German. At every step of the
built-ins a lecture uses, the Step button and the whole diagram are inside the viewport together
— on the normal page, in the figure view and in predict mode (while the question is open and
after the reveal). One page load sweeps a scenario's steps; each step is measured at both
viewports (a resize relays the page out without asking the server).

Also the narrow screen (390 × 844): one narration column, nothing runs off the screen."""
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

@pytest.mark.parametrize("name", SCENARIOS)
def test_step_button_and_whole_diagram_in_view_at_every_step(server, browser, name):
    """The normal page stepped by the keys → and j (first language), then the figure view stepped
    back by ← and k (second language)."""
    first, second = LANGS[name]
    total = len(builtin(name).trace)
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        open_step(page, server, f"scenario={name}&mode=shadow&step=0&figure=0&lang={first}")
        for step in range(total + 1):
            if step:
                page.keyboard.press("ArrowRight" if step % 2 else "j")
                wait_step(page, step)
            check_both_viewports(page, f"{name} {first} step {step}")
        switch_language(page, second)
        page.locator(".st-key-figure_view label").click()
        page.wait_for_selector(".figure-note[data-note=figure]")
        for step in range(total, -1, -1):
            if step < total:
                page.keyboard.press("ArrowLeft" if step % 2 else "k")
                wait_step(page, step)
            check_both_viewports(page, f"{name} {second} figure view step {step}")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        ctx.close()


NARROW = """() => {
  const vw = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('[data-testid=stMain] *')].filter(el => {
    if (el.closest('.esxi-diagram')) return false;  // the diagram scrolls sideways in its own box
    if (el.parentElement && el.parentElement.closest('.esxi-table-box')) return false;  // so do the tables
    if (el.closest('[data-testid=stElementToolbar]')) return false;  // a table's toolbar, shown on hover
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) return false;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.position === 'fixed') return false;
    return r.right > vw + 1 || r.left < -1;
  }).map(el => el.className || el.tagName);
  const ol = document.querySelector('.esxi-side ol.narration');
  return {over: over.slice(0, 8), columns: ol ? getComputedStyle(ol).columnCount : null,
          pageWidth: document.documentElement.scrollWidth, vw,
          box: (() => { const d = document.querySelector('.esxi-diagram.stage');
                        return d ? [d.clientWidth, d.scrollWidth] : null; })()};
}"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_phone_gets_one_narration_column_and_nothing_runs_off_the_screen(server, browser, lang):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        open_step(page, server, f"scenario=esxi-figure&mode=shadow&step=0&figure=0&lang={lang}")
        for step in (1, 12):
            if step == 1:
                page.locator(".st-key-step_forward button:visible").first.click()
            else:  # the swap-in step, whose summary and narration run longest
                page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=12&figure=0&lang={lang}")
            wait_step(page, step)
            page.wait_for_timeout(300)
            got = page.evaluate(NARROW)
            assert got["columns"] in ("1", "auto"), got
            assert got["pageWidth"] <= got["vw"] + 1, got
            assert not got["over"], got
            # the diagram keeps a readable size and scrolls sideways in its box instead
            assert got["box"][1] > got["box"][0], got
            # so do the details' tables, their box within the screen
            table = page.evaluate("""() => { const b = document.querySelector('.esxi-table-box');
                return b ? [b.getBoundingClientRect().right, b.clientWidth, b.scrollWidth, getComputedStyle(b).overflowX]
                         : null; }""")
            assert table is not None and table[0] <= got["vw"] + 1 and table[3] == "auto", table
            text = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.esxi-diagram.stage svg text')]
                .filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height))""")
            assert text >= 9, f"smallest diagram text {text:.1f} px on a phone"
        shots = SHOTS / "screen"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"step-phone-{lang}-390x844.png"), full_page=True)
    finally:
        ctx.close()
