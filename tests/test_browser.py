"""The app in a real browser: Debian's Chromium, driven by Playwright, against a Streamlit server
this module starts on a free port. It loads the pages, steps, switches mode and checks the SVG
the server drew (shadow-map arrows present in shadow mode once a shadow entry exists, none in
nested mode), uploads a broken scenario, and saves full-page screenshots.

Screenshots go to ``screenshots/latest/`` (not committed); with ``UPDATE_SCREENSHOTS=1`` they
replace the committed ones in ``screenshots/``.
"""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

TIMEOUT_MS = 60_000



@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    ctx.close()


def diagram(page, step: int, mode: str) -> None:
    page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')


def count(page, selector: str) -> int:
    return page.locator(selector).count()


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let the last delta paint
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1600, "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1600, "height": 1000})


def test_step_mode_switch_and_the_svg_classes(server, page):
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang=en&figure=0")
    diagram(page, 0, "shadow")
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 0
    assert count(page, ".esxi-diagram svg g.edge.guest-map") == 0
    page.locator(".st-key-step_forward button").click()
    diagram(page, 1, "shadow")
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 1
    assert count(page, ".esxi-diagram svg g.edge.shadow-map.current") == 1
    assert count(page, '.esxi-diagram svg g.node.gva.current[id="gva-VM1-p1-400"]') == 1
    for step in (2, 3):
        page.locator(".st-key-step_forward button").click()
        diagram(page, step, "shadow")
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 3
    assert count(page, ".esxi-diagram svg g.node.gpa.write-protected") == 8
    page.locator(".st-key-step_back button").click()
    diagram(page, 2, "shadow")
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 2
    screenshot(page, "step-shadow-en")
    page.locator("[class*=\"st-key-_mode-\"] label").filter(has_text="nested").click()
    diagram(page, 2, "nested")
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 0
    assert count(page, ".esxi-diagram svg g.edge.vmm-map") == 7
    assert count(page, ".esxi-diagram svg g.node.ma.ept") > 0
    assert "mode=nested" in page.url and "step=2" in page.url
    page.locator("[class*=\"st-key-_mode-\"] label").filter(has_text="shadow").click()
    diagram(page, 2, "shadow")
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 2


def test_a_click_on_step_or_back_shows_that_step_before_the_server_answers(server, page):
    """The next and the previous step's stage came with this one: a click on Step (or Back) shows
    it in the same moment (before any answer of the server could arrive), marked data-ahead; the
    server's run then confirms it."""
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=nested&step=3&lang=de")
    diagram(page, 3, "nested")
    page.wait_for_timeout(500)
    page.wait_for_selector(".st-key-step_forward button")  # on a loaded machine it can come later
    at_click = page.evaluate("""async () => {
        document.querySelector('.st-key-step_forward button').click();
        await new Promise(r => setTimeout(r, 0));
        const d = document.querySelector('.esxi-diagram');
        return [d.dataset.step, d.hasAttribute('data-ahead'), document.querySelector('.esxi-status').textContent];
    }""")
    assert at_click[:2] == ["4", True] and "Schritt 4 von 14" in at_click[2]
    diagram(page, 4, "nested")
    assert count(page, "[data-ahead]") == 0 and page.locator(".step-box input").input_value() == "4"
    page.wait_for_timeout(300)
    page.wait_for_selector(".st-key-step_back button")
    at_back = page.evaluate("""async () => {
        document.querySelector('.st-key-step_back button').click();
        await new Promise(r => setTimeout(r, 0));
        const d = document.querySelector('.esxi-diagram');
        return [d.dataset.step, d.hasAttribute('data-ahead')];
    }""")
    assert at_back == ["3", True]  # Back shows the previous step as soon
    diagram(page, 3, "nested")
    assert count(page, "[data-ahead]") == 0 and page.locator(".step-box input").input_value() == "3"


def test_deep_link_in_german_and_nested_mode(server, page):
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=nested&step=12&lang=de")
    diagram(page, 12, "nested")
    assert page.get_by_text("Schritt 12 von 14").count() >= 1
    assert page.locator("ol.narration").inner_text().count("verschachtelte Seitentabellen") >= 1
    assert count(page, ".esxi-diagram svg g.edge.shadow-map") == 0
    assert count(page, ".esxi-diagram svg g.edge.vmm-map.current") == 1
    screenshot(page, "step-nested-de")


def test_bad_deep_link_shows_a_message_not_a_traceback(server, page):
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=warp&step=99x&lang=en")
    diagram(page, 0, "shadow")
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("warp" in a for a in alerts) and any("99x" in a for a in alerts)
    assert count(page, '[data-testid="stException"]') == 0


def test_home_in_both_languages_and_a_broken_upload(server, page):
    page.goto(f"{server}/?lang=en")
    page.wait_for_selector(".esxi-diagram svg")
    page.wait_for_selector(".esxi-legend")
    screenshot(page, "home-en")
    page.locator('.st-key-_home_upload input[type="file"]').set_input_files(
        files=[{"name": "broken.toml", "mimeType": "application/toml",
                "buffer": b'[[vm]]\nname = "VM1"\nmemory = 1000\n'}])
    error = page.locator('[data-testid="stAlert"]').filter(has_text="broken.toml")
    error.wait_for()
    assert "vm[0].memory" in error.inner_text()
    assert page.get_by_text("Active scenario:").locator("..").inner_text().count("esxi-figure") >= 1
    page.goto(f"{server}/?lang=de")
    page.wait_for_selector(".esxi-diagram svg")
    assert page.get_by_text("Szenario wählen").count() == 1
    screenshot(page, "home-de")


def test_step_page_english_shadow_and_german_shadow_screenshots(server, page):
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=9&lang=de")
    diagram(page, 9, "shadow")
    screenshot(page, "step-shadow-de")
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=nested&step=12&lang=en")
    diagram(page, 12, "nested")
    screenshot(page, "step-nested-en")


STICKY = """() => {
  const box = document.querySelector('.esxi-diagram');
  const b = box.getBoundingClientRect();
  const rows = [...box.querySelectorAll('g.row-label text')].map(t => t.getBoundingClientRect());
  const heads = [...box.querySelectorAll('g.cluster > text')].map(t => {
    const r = t.getBoundingClientRect(), f = t.parentNode.querySelector('rect, polygon').getBoundingClientRect();
    return {left: r.left, right: r.right, frameLeft: f.left, frameRight: f.right};
  });
  return {left: b.left, right: b.right, scroll: box.scrollLeft, wide: box.scrollWidth > box.clientWidth + 500,
          rows: rows.map(r => r.left), heads};
}"""


def test_row_names_and_vm_headings_stay_in_view_when_a_wide_diagram_scrolls(server, page):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/Step_through?scenario=tlb-reach&mode=shadow&step=40&lang=en&figure=0")
    diagram(page, 40, "shadow")
    page.wait_for_timeout(300)
    for target in (0, 1500, 4000, 0):
        page.evaluate(f"() => {{ const b = document.querySelector('.esxi-diagram'); b.scrollLeft = {target}; "
                      "b.dispatchEvent(new Event('scroll')); }")
        page.wait_for_timeout(150)
        m = page.evaluate(STICKY)
        assert m["wide"], "tlb-reach at step 40 should be wider than the page"
        assert len(m["rows"]) >= 3  # gVA, gPA and MA rows (a name may take two lines)
        for x in m["rows"]:  # the row names sit at the visible left edge
            assert m["left"] - 1 <= x <= m["left"] + 40, (target, m)
        for h in m["heads"]:  # each heading inside the visible part of its frame, where that is visible
            if h["frameRight"] > m["left"] + 200:
                assert h["left"] >= min(h["frameRight"], m["left"]) - 1 and h["right"] <= h["frameRight"], (target, h)
    shots = SHOTS
    shots.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => { const b = document.querySelector('.esxi-diagram'); b.scrollLeft = 2500; "
                  "b.dispatchEvent(new Event('scroll')); }")
    page.wait_for_timeout(200)
    page.locator(".esxi-diagram").screenshot(path=str(shots / "wide-diagram-scrolled-1280.png"))


def box_value(page) -> str:
    return page.locator(".step-box input").input_value()


def test_step_clicked_faster_than_reruns_finish_loses_no_click_and_the_box_follows(server, page):
    page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang=en")
    diagram(page, 0, "shadow")
    assert box_value(page) == "0"
    forward = page.locator(".st-key-step_forward button")
    for _ in range(5):  # each click lands while the previous rerun is still on its way
        forward.click(no_wait_after=True)
        page.wait_for_timeout(40)
    diagram(page, 5, "shadow")
    page.wait_for_timeout(1500)  # nothing more arrives: no click turned into a jump back
    assert page.locator(".esxi-diagram").first.get_attribute("data-step") == "5"
    page.wait_for_function("() => document.querySelector('.step-box input').value === '5'")  # the box follows
    # three clicks in one task, before the first has reached the server: Streamlit alone folds
    # them into one rerun (lost two steps in most runs before clicks were numbered like keys)
    page.evaluate("() => { const b = document.querySelector('.st-key-step_forward button');"
                  " for (let i = 0; i < 3; i++) b.click(); }")
    diagram(page, 8, "shadow")
    page.wait_for_timeout(1000)
    assert page.locator(".esxi-diagram").first.get_attribute("data-step") == "8"
    page.locator(".st-key-step_back button").click()
    diagram(page, 7, "shadow")
    page.wait_for_function("() => document.querySelector('.step-box input').value === '7'")
    # typed + Enter, + and − jump at once, and a click right after a jump is not lost either
    box = page.locator(".step-box input")
    box.fill("9")
    box.press("Enter")
    diagram(page, 9, "shadow")
    page.locator(".step-box .plus").click()
    diagram(page, 10, "shadow")
    forward.click()
    diagram(page, 11, "shadow")
    page.locator(".step-box .minus").click()
    diagram(page, 10, "shadow")
    page.wait_for_timeout(1000)
    assert page.locator(".esxi-diagram").first.get_attribute("data-step") == "10" and box_value(page) == "10"
    box.fill("12x")  # not a step: marked, nothing sent
    box.press("Enter")
    assert box.get_attribute("aria-invalid") == "true"
    page.wait_for_timeout(500)
    assert page.locator(".esxi-diagram").first.get_attribute("data-step") == "10"
    box.fill("99")
    page.locator(".step-box .go").click()
    diagram(page, 14, "shadow")
    assert "Step 99 is beyond the last step (14)" in page.locator('[data-testid="stAlert"]').first.inner_text()
    page.wait_for_function("() => document.querySelector('.step-box input').value === '14'")
    assert page.locator(".step-box .plus").is_disabled()
