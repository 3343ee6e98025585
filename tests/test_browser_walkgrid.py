"""The walk grid on the step page, in a real browser, in English and German: a cold 2D walk is
24 numbered cells; with the MMU caches on, a walk on the neighbour of a walked page leaves most
cells skipped by a cache. Screenshots go to ``screenshots/latest`` (``UPDATE_SCREENSHOTS=1``:
``screenshots``)."""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server  # noqa: F401 (fixtures)
from visualizer.engine import Mode, builtin

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")



@pytest.mark.parametrize("lang, title, skipped", [("en", "The two-dimensional walk", "skipped by a cache"),
                                                  ("de", "Der zweidimensionale Seitentabellendurchlauf", "Cache")])
def test_walk_grid_cold_and_with_caches(server, browser, lang, title, skipped):
    s = builtin("mmu-caches")
    m = s.machine(Mode.NESTED)
    recs = [m.execute(s.trace[i], i) for i in range(len(s.trace))]
    cached = next(i for i, r in enumerate(recs) if r.walk_refs and r.walk_refs <= 5)  # caches answered
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=nested&step=1&lang={lang}&figure=0")
        grid = page.locator(".walk-grid").first
        grid.wait_for()
        assert title in grid.inner_text()
        cells = page.locator(".walk-grid td.wg-cell")
        assert page.locator(".walk-grid").get_attribute("data-refs") is not None
        assert cells.count() >= 24
        grid.scroll_into_view_if_needed()
        grid.screenshot(path=str(SHOTS / f"walkgrid-cold-{lang}.png"))
        page.goto(f"{server}/Step_through?scenario=mmu-caches&mode=nested&step={cached + 1}&lang={lang}&figure=0")
        page.wait_for_selector(f'.esxi-diagram[data-step="{cached + 1}"] svg')
        grid = page.locator(".walk-grid").first
        grid.wait_for()
        assert int(grid.get_attribute("data-refs")) == recs[cached].walk_refs
        assert page.locator(".walk-grid td.wg-cached").count() >= 19
        assert skipped in grid.inner_text()
        grid.scroll_into_view_if_needed()
        grid.screenshot(path=str(SHOTS / f"walkgrid-cached-{lang}.png"))
    finally:
        ctx.close()
