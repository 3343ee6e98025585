"""The walk grid on the step page, in a real browser, in English and German, in both MMU designs:
a cold 2D walk is 24 numbered cells; with Intel's caches a combined PDE-cache hit greys out the
guest PML4, PDPT and PD rows and the PT row's nested walk (1 + 4 references left); with AMD's
(a scenario uploaded with ``[mmu] design = "amd"``) the page-walk cache marks single cells and
the nested TLB whole rows of nested cells. Screenshots at 1280×720 and 1366×768 go to
``screenshots/latest`` (``UPDATE_SCREENSHOTS=1``: ``screenshots``)."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from visualizer.engine import Mode, builtin
from visualizer.engine.events import Stage, WalkCache, WalkCacheHit, WalkRef
from visualizer.engine.machine import Machine
from visualizer.render.walkgrid import last_walk

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

SIZES = ((1280, 720), (1366, 768))
NAV = {"en": "Step through", "de": "Schritt für Schritt"}


def records(design: str):
    s = builtin("mmu-caches")
    m = Machine(replace(s.config, design=design), Mode.NESTED)
    return [m.execute(s.trace[i], i) for i in range(len(s.trace))]


def first_step(recs, cache: WalkCache, stage: Stage = Stage.GUEST) -> int:
    """The first step (as the page numbers them, from 1) whose last walk used ``cache`` for an
    entry of ``stage``."""
    return next(i + 1 for i, r in enumerate(recs)
                if any(e.__class__ is WalkCacheHit and e.cache is cache and e.stage is stage for e in last_walk(r)))


def refs(rec) -> int:
    """The references of the step's last walk (the one the grid shows)."""
    return sum(1 for e in last_walk(rec) if e.__class__ is WalkRef)


def shoot(page, name: str) -> None:
    """The grid at the top of the window, at each size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(500)
        page.locator(".walk-grid").first.evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        grid = page.locator(".walk-grid").first.bounding_box()
        assert grid["x"] >= 0 and grid["x"] + grid["width"] <= w, (w, grid)  # the grid fits across
        page.screenshot(path=str(SHOTS / f"walkgrid-{name}-{w}x{h}.png"))


def at_step(page, step: int) -> None:
    page.wait_for_selector(f'.esxi-diagram[data-step="{step}"]:not([data-ahead]) svg', timeout=60_000)
    page.locator(".walk-grid").first.wait_for()


@pytest.mark.parametrize("lang, title, skipped", [("en", "The two-dimensional walk", "skipped by a cache"),
                                                  ("de", "Der zweidimensionale Seitentabellendurchlauf", "Cache")])
def test_walk_grid_cold_and_intels_combined_mapping(server, browser, lang, title, skipped):
    recs = records("intel")
    pde = first_step(recs, WalkCache.PDE)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=nested&step=1&lang={lang}&figure=0")
        grid = page.locator(".walk-grid").first
        grid.wait_for()
        assert title in grid.inner_text()
        assert page.locator(".walk-grid").get_attribute("data-refs") is not None
        assert page.locator(".walk-grid td.wg-cell").count() >= 24
        shoot(page, f"cold-{lang}")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{server}/Step_through?scenario=mmu-caches&mode=nested&step={pde}&lang={lang}&figure=0")
        at_step(page, pde)
        grid = page.locator(".walk-grid").first
        assert grid.get_attribute("data-design") == "intel"
        assert int(grid.get_attribute("data-refs")) == refs(recs[pde - 1]) == 1
        # the three guest rows and the PT row's nested walk: one combined mapping
        assert page.locator('.walk-grid td.wg-cached[data-cache="pde"]').count() == 19
        assert skipped in grid.inner_text()
        words = ("PDE cache (combined mapping)" if lang == "en" else "PDE-Cache (kombinierte Zuordnung)")
        assert words in grid.inner_text()
        shoot(page, f"intel-{lang}")
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_walk_grid_in_amds_design_from_an_uploaded_scenario(server, browser, lang, tmp_path):
    s = builtin("mmu-caches")
    text = s.source.replace("[mmu]\n", '[mmu]\ndesign = "amd"\n', 1)
    assert 'design = "amd"' in text
    recs = records("amd")
    step = first_step(recs, WalkCache.PWC)
    path = tmp_path / "mmu-caches-amd.toml"
    path.write_text(text, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/?lang={lang}")
        settle(page)
        page.locator('.st-key-_home_upload input[type="file"]').set_input_files(str(path))
        settle(page)
        # through the app's navigation: an upload lives in the browser session that made it
        page.locator("[data-testid=stSidebarNav] a", has_text=NAV[lang]).first.click()
        settle(page)
        box = page.locator(".step-box input")
        box.fill(str(step))
        box.press("Enter")
        at_step(page, step)
        grid = page.locator(".walk-grid").first
        assert grid.get_attribute("data-design") == "amd"
        assert int(grid.get_attribute("data-refs")) == refs(recs[step - 1])
        saved = {c: sum(e.saved for e in last_walk(recs[step - 1]) if e.__class__ is WalkCacheHit and e.cache is c)
                 for c in (WalkCache.PWC, WalkCache.NTLB)}
        assert page.locator('.walk-grid td.wg-cached[data-cache="pwc"]').count() == saved[WalkCache.PWC] > 0
        assert page.locator('.walk-grid td.wg-cached[data-cache="ntlb"]').count() == saved[WalkCache.NTLB]
        assert page.locator('.walk-grid td[data-cache="pde"]').count() == 0
        assert ("AMD's MMU caches answered" if lang == "en" else "Es antworteten AMDs MMU-Caches") in grid.inner_text()
        shoot(page, f"amd-{lang}")
    finally:
        ctx.close()
