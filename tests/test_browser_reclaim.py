"""The step page where the host reclaims memory (built-in ``overcommit``), in Chromium: the host's
memory state beside the step's summary, above the fold at 1280x720 and 1366x768, in English and
German, in both modes; the reclaimed pages' classes in the SVG the page drew, and the legend's marks
for them. Screenshots go to ``screenshots/latest/reclaim/``."""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from visualizer.engine import Mode, builtin
from visualizer.text.i18n import t

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def host_after(mode: Mode, steps: int):
    s = builtin("overcommit")
    m = s.machine(mode)
    for i in range(steps):
        m.execute(s.trace[i], i)
    return m


@pytest.mark.parametrize("lang, size, mode, step", [
    ("en", (1366, 768), "nested", 46), ("de", (1280, 720), "shadow", 46),
    ("de", (1366, 768), "nested", 40), ("en", (1280, 720), "shadow", 48)])
def test_the_host_state_shows_beside_the_summary_and_the_reclaimed_pages_are_drawn(server, browser, lang, size,
                                                                                      mode, step):
    m = host_after(Mode(mode), step)
    state, free, min_free = m.views.host_state()
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=overcommit&mode={mode}&step={step}&lang={lang}&figure=0")
        page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')
        settle(page)
        line = page.locator(".host-state")
        assert line.get_attribute("data-state") == state.value
        assert (line.get_attribute("data-free"), line.get_attribute("data-min-free")) == (str(free), str(min_free))
        assert t("hoststate." + state.value, lang) in line.inner_text() and "minFree" in line.inner_text()
        box = line.bounding_box()  # beside the summary, above the narration, on the first screen
        summary = page.get_by_text(t("step.position", lang, step=step, total=len(builtin("overcommit").trace)))
        assert box and box["y"] + box["height"] <= size[1] and box["x"] + box["width"] <= size[0]
        assert summary.first.bounding_box()["y"] < box["y"] < page.locator("ol.narration").first.bounding_box()["y"]
        svg = ".esxi-diagram svg"
        counts = {v.name: m.views.page_counts(v.name) for v in m.views.vms()}
        assert page.locator(f"{svg} g.node.gpa.ballooned").count() == sum(c["ballooned"] for c in counts.values())
        assert page.locator(f"{svg} g.node.gpa.compressed").count() == sum(c["compressed"] for c in counts.values())
        assert page.locator(f"{svg} g.node.gva.guest-swapped").count() == sum(
            len(m.views.guest_swapped(v.name, p.name)) for v in m.views.vms() for p in v.processes) > 0
        zc = {mpn for v in m.views.vms() for mpn in m.views.compression_cache(v.name)}
        assert page.locator(f"{svg} g.node.ma.zcache").count() == len(zc)
        for key in ("ballooned", "compressed", "zcache", "guest-swapped"):
            assert page.locator(f'.esxi-legend [data-key="{key}"]').count() == 1
        shots = SHOTS / "reclaim"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"step-{mode}-{step}-{lang}-{size[0]}x{size[1]}.png"))
    finally:
        ctx.close()


def test_no_host_line_and_no_reclamation_marks_where_the_host_does_not_reclaim(server, browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=nested&step=12&lang=en")
        page.wait_for_selector('.esxi-diagram[data-step="12"]:not([data-ahead]) svg')
        settle(page)
        assert page.locator(".host-state").count() == 0
        assert page.locator('.esxi-legend [data-key="ballooned"]').count() == 0
        assert page.locator('.esxi-legend [data-key="swapped"]').count() == 1
    finally:
        ctx.close()
