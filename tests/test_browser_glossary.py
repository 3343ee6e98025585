"""The Glossary and the "why?" in a real browser: a glossary entry's deep link opens the step
page at the step where the concept happens; a narration line's "why?" opens its explanation
inline, with a glossary link in a new tab; the lecture view keeps it small. Screenshots (EN and
DE, 1280×720 and 1920×1080) go to ``screenshots/latest/learn`` (``UPDATE_SCREENSHOTS=1``:
``screenshots/learn``)."""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from visualizer.text import concepts as C
from visualizer.text.i18n import t
from visualizer.text.narrate import narrate

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

OUT = SHOTS / "learn"


def expected_first_phrase(cid: str, lang: str) -> str:
    ex = C.get(cid).example
    from visualizer.engine import builtin
    s = builtin(ex.scenario)
    m = s.machine(ex.mode)
    rec = [m.execute(s.trace[i], i) for i in range(ex.step)][-1]
    first = narrate(rec, lang)[0]
    return first[0].upper() + first[1:]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_glossary_link_opens_the_step_that_shows_the_concept(server, browser, lang):
    OUT.mkdir(parents=True, exist_ok=True)
    cid = "2d-walk"
    ex = C.get(cid).example
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Glossary?concept={cid}&lang={lang}")
        link = page.locator(f'a.glossary-example[data-concept="{cid}"]')
        link.wait_for()
        settle(page)
        assert page.locator('[data-testid="stExpander"]').count() == len(C.IDS)
        assert page.locator(".glossary-entry").count() >= 1
        first = page.locator('[data-testid="stExpander"]').first
        assert C.title(cid, lang) in first.inner_text()
        page.screenshot(path=str(OUT / f"glossary-{lang}.png"))
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / f"glossary-wide-{lang}.png"))
        with ctx.expect_page() as opened:
            link.click()
        step = opened.value
        step.set_default_timeout(60_000)
        step.wait_for_selector(f'.esxi-diagram[data-step="{ex.step}"][data-mode="{ex.mode.value}"]:not([data-ahead]) svg')
        narration = step.locator("ol.narration").first
        narration.wait_for()
        assert expected_first_phrase(cid, lang) in narration.inner_text()
        # the line that walks in two dimensions explains why, inline, with a glossary link in a new tab
        why = step.locator(f'ol.narration li details.why[data-concepts~="{cid}"]').first
        summary = why.locator("summary")
        assert summary.inner_text().strip() == t("concept.why_label", lang)
        assert not why.locator(".why-body").is_visible()
        summary.click()
        body = why.locator(".why-body")
        body.wait_for(state="visible")
        text = body.inner_text()
        assert C.title(cid, lang) in text and "ASPLOS" in text
        # an open why? keeps the list in reading order: one column while it is open
        columns = "el => getComputedStyle(el.closest('ol')).columnCount"
        assert why.evaluate(columns) == "1"
        summary.click()
        step.wait_for_function("() => !document.querySelector('ol.narration details[open]')")
        beside = why.evaluate("el => !!el.closest('.esxi-side')")  # beside the diagram: always one column
        assert why.evaluate(columns) in (("1",) if beside else ("2", "auto"))
        summary.click()
        body.wait_for(state="visible")
        href = body.locator("a").first.get_attribute("href")
        assert href == C.glossary_link(cid, lang) and body.locator("a").first.get_attribute("target") == "_blank"
        step.set_viewport_size({"width": 1920, "height": 1080})
        step.wait_for_timeout(300)
        why.scroll_into_view_if_needed()
        step.screenshot(path=str(OUT / f"why-wide-{lang}.png"))
        step.set_viewport_size({"width": 1280, "height": 720})
        step.wait_for_timeout(300)
        why.scroll_into_view_if_needed()
        step.screenshot(path=str(OUT / f"why-{lang}.png"))
        step.close()
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_lecture_mode_keeps_the_why_small(server, browser, lang):
    OUT.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=9&lang={lang}&present=1")
        page.wait_for_selector('.lecture-narration[data-step="9"]:not([data-ahead]) li details.why')
        n = page.locator(".lecture-narration")
        box = n.bounding_box()
        assert box["y"] + box["height"] <= 720
        summaries = n.locator("summary")
        assert summaries.count() >= 5
        heights = [summaries.nth(i).bounding_box()["height"] for i in range(summaries.count())]
        line = n.locator("li").first.bounding_box()["height"]
        assert max(heights) < line, "the why? is smaller than a narration line"
        page.screenshot(path=str(OUT / f"why-lecture-{lang}.png"))
    finally:
        ctx.close()
