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
from visualizer.app.stage import MIN_SCALE
from visualizer.engine import builtin

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

LAPTOP, PROJECTOR = {"width": 1366, "height": 650}, {"width": 1280, "height": 720}
SCENARIOS = ["esxi-figure", "page-table-update", "context-switch", "no-vpid", "mmu-caches"]

IN_VIEW = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const inside = (r) => r[0] >= -0.5 && r[1] >= -0.5 && r[2] <= vw + 0.5 && r[3] <= vh + 0.5;
  // Streamlit may keep a second copy of a button with help (one hidden): the one on screen counts
  const step = [...document.querySelectorAll('.st-key-step_forward button')].find(b => b.getBoundingClientRect().width > 0);
  const out = {vw, vh, step: step ? rect(step) : null, diagrams: [], problems: []};
  if (!step || !inside(out.step)) out.problems.push('Step button ' + JSON.stringify(out.step));
  const reveal = [...document.querySelectorAll('.st-key-predict_reveal button')].find(b => b.getBoundingClientRect().width > 0);
  if (reveal && !inside(rect(reveal))) out.problems.push('Reveal button ' + JSON.stringify(rect(reveal)));
  // a diagram on screen (Streamlit may keep the one it is replacing for a moment, hidden: size 0)
  const boxes = [...document.querySelectorAll('.esxi-diagram.stage')].filter(b => b.getBoundingClientRect().width > 0);
  if (!boxes.length) out.problems.push('no diagram');
  for (const box of boxes) {
    const svg = box.querySelector('svg');
    // the drawn picture: its pages, arrows and VM boxes (the SVG may be wider than what it draws)
    const parts = [...svg.querySelectorAll('g.node, g.edge, g.cluster')].map(rect);
    const pic = [Math.min(...parts.map(p => p[0])), Math.min(...parts.map(p => p[1])),
                 Math.max(...parts.map(p => p[2])), Math.max(...parts.map(p => p[3]))];
    const b = rect(box);
    out.diagrams.push(pic);
    if (!inside(pic)) out.problems.push('diagram ' + JSON.stringify(pic.map(Math.round)));
    // not cut by its own box either (a box that scrolls sideways hides part of it)
    if (pic[0] < b[0] - 0.5 || pic[2] > b[2] + 0.5 || pic[1] < b[1] - 0.5 || pic[3] > b[3] + 0.5)
      out.problems.push('diagram cut by its box ' + JSON.stringify(b.map(Math.round)));
  }
  // the scale: CSS pixels per unit of the SVG's viewBox (at 1 its 7.5-unit text is 7.5 px high)
  out.scale = Math.min(...boxes.map(box => { const svg = box.querySelector('svg');
    return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; }));
  return out;
}"""


def open_step(page, server: str, query: str) -> None:
    page.goto(f"{server}/Step_through?{query}")
    page.wait_for_selector('.esxi-diagram.stage[data-step="0"] svg')
    page.wait_for_function("() => !!window.__esxiKeyHandler")
    settle(page)


def wait_step(page, step: int) -> None:
    page.wait_for_selector(f'.esxi-diagram.stage[data-step="{step}"] svg')
    page.evaluate(FRAMES)


def check_both_viewports(page, where: str) -> None:
    """The Step button and the whole diagram in view at the laptop's and the projector's size; the
    page is left at the laptop's."""
    for vp in (PROJECTOR, LAPTOP):
        page.set_viewport_size(vp)
        page.evaluate(FRAMES)
        got = page.evaluate(IN_VIEW)
        assert not got["problems"], f"{where} at {vp['width']}x{vp['height']}: {got['problems']}"
        # the text stays readable: the diagram is never drawn below the step page's least scale
        assert got["scale"] >= MIN_SCALE - 0.005, f"{where} at {vp['width']}x{vp['height']}: scale {got['scale']:.2f}"


FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
"""Two frames: the stage's size follows a resize or new markup in the next frame."""

LANGS = {"esxi-figure": ("en", "de"), "page-table-update": ("de", "en"), "context-switch": ("en", "de"),
         "no-vpid": ("de", "en"), "mmu-caches": ("en", "de")}
"""Each scenario's first language (the normal page) and second (the figure view); predict runs in
both for esxi-figure, in the first elsewhere — every variant is seen in English and in German."""


def switch_language(page, lang: str) -> None:
    page.locator(".st-key-_lang_widget label").filter(has_text={"en": "English", "de": "Deutsch"}[lang]).first.click()
    page.wait_for_url(f"**lang={lang}**")
    settle(page)


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


NARROW = """() => {
  const vw = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('[data-testid=stMain] *')].filter(el => {
    if (el.closest('.esxi-diagram')) return false;  // the diagram scrolls sideways in its own box
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
            text = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.esxi-diagram.stage svg text')]
                .filter(t => t.textContent.trim()).map(t => t.getBoundingClientRect().height))""")
            assert text >= 9, f"smallest diagram text {text:.1f} px on a phone"
        shots = SHOTS / "screen"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"step-phone-{lang}-390x844.png"), full_page=True)
    finally:
        ctx.close()
