"""Browser test of the Overcommit page: a Streamlit server started here, Debian's Chromium driven by
Playwright. Runs the default lab, turns ballooning off and sees the address and the lab follow,
runs Figure 4's sweep, gives bad settings and a bad link (a message, the previous lab kept),
follows the link to the built-in scenario on the step page, and saves screenshots in both languages
at 1280×720 (projector) and 1366×768 (laptop) to ``screenshots/latest/`` (not committed); with
``UPDATE_SCREENSHOTS=1`` the whole pages replace the committed ones in ``screenshots/``."""
from __future__ import annotations

import time

import pytest

from browser_support import SHOTS, browser, server, settle, shoot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

SIZES = ((1280, 720), (1366, 768))
WORDS = {
    "en": {"lost": "Nothing lost", "ballooning": "ballooning", "no_balloon": "took no pages in this run",
           "sweep": "Run the sweep", "vms": "number of VMs", "differs": "What differs.",
           "machine": "machine memory (KiB)", "not_multiple": "is not a multiple of the 4 KiB page size",
           "kept": "Still showing the previous lab.", "open": "Step through the built-in scenario"},
    "de": {"lost": "Nichts verloren", "ballooning": "Ballooning", "no_balloon": "nahm in diesem Lauf keine Seiten",
           "sweep": "Reihe berechnen", "vms": "Anzahl der VMs", "differs": "Was sich unterscheidet.",
           "machine": "Maschinenspeicher (KiB)", "not_multiple": "ist kein Vielfaches der Seitengröße von 4 KiB",
           "kept": "Angezeigt wird weiterhin das vorige Labor.", "open": "Das mitgelieferte Szenario"},
}
_DRAWN = ("[...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
          ".filter(c => c.offsetParent !== null && c.querySelector('canvas, svg')).length")


def charts_drawn(page, at_least: int) -> int:
    page.wait_for_function(f"() => {_DRAWN} >= {at_least}", timeout=60_000)
    return page.evaluate(f"() => {_DRAWN}")


def clipped(page) -> list[str]:
    """Labels Streamlit cuts off with an ellipsis (widgets and metrics)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stCheckbox] [data-testid=stMarkdownContainer], [data-testid=stRadio] label '
        + '[data-testid=stMarkdownContainer], [data-testid=stWidgetLabel] [data-testid=stMarkdownContainer], '
        + '[data-testid=stMetricLabel] [data-testid=stMarkdownContainer]')]
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")


def too_wide(page) -> list[str]:
    """Tables and charts reaching past the main column's right edge."""
    return page.evaluate("""() => { const main = document.querySelector('[data-testid=stMainBlockContainer]');
        const right = main.getBoundingClientRect().right + 1;
        return [...document.querySelectorAll('[data-testid=stTable], [data-testid=stVegaLiteChart]')]
          .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > right)
          .map(e => e.getAttribute('data-testid')); }""")


def whole_page(page, name: str, width: int) -> None:
    """The whole page (Streamlit scrolls inside its main block: grow the viewport to fit it)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for _ in range(2):  # charts below lay themselves out once the viewport has grown
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": width, "height": max(800, height + 40)})
        time.sleep(1.5)
    shoot(page, SHOTS / name, full_page=True)


def top(locator) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    locator.page.wait_for_timeout(500)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_lab_its_controls_and_figure_4_at_projector_and_laptop_sizes(server, browser, lang):
    w = WORDS[lang]
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{server}/Overcommit?lang={lang}")
        settle(page)
        page.get_by_text(w["lost"], exact=False).first.wait_for()
        # the page streams its results in: wait for the last of them
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stMetric]').length >= 4")
        settle(page)
        assert page.locator("[data-testid=stMetric]").count() == 4
        assert charts_drawn(page, 5) == 5  # bands, host state, state strip, events, cycles
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(1000)
            assert clipped(page) == [], (width, clipped(page))
            assert too_wide(page) == [], (width, too_wide(page))
            shoot(page, SHOTS / f"overcommit-top-{width}x{height}-{lang}.png")
            for i, heading in enumerate(page.locator("h3").all()[2:6]):  # the result sections
                top(heading)
                shoot(page, SHOTS / f"overcommit-{i}-{width}x{height}-{lang}.png")
        page.set_viewport_size({"width": 1280, "height": 720})
        # a control: ballooning off — the lab runs again and the address bar says so
        page.locator("[data-testid=stCheckbox]", has_text=w["ballooning"]).first.locator("label").click()
        settle(page)
        page.get_by_text(w["no_balloon"], exact=False).first.wait_for()
        assert "balloon=0" in page.url
        page.locator("[data-testid=stCheckbox]", has_text=w["ballooning"]).first.locator("label").click()
        settle(page)
        assert "balloon=0" not in page.url
        # Figure 4: the sweep (20 runs in a child process), its chart, table and notes
        page.get_by_role("button", name=w["sweep"]).click()
        page.get_by_text(w["differs"], exact=False).first.wait_for(timeout=180_000)
        settle(page, 180)
        assert charts_drawn(page, 6) == 6
        table = page.locator("[data-testid=stTable]").last
        assert w["vms"] in table.inner_text()
        assert table.locator("tbody tr").count() == 10
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(1000)
            assert too_wide(page) == [], (width, too_wide(page))
            top(page.locator("h3").last)
            shoot(page, SHOTS / f"overcommit-fig4-{width}x{height}-{lang}.png")
            top(table)
            shoot(page, SHOTS / f"overcommit-fig4-table-{width}x{height}-{lang}.png")
        assert page.locator("[data-testid=stException]").count() == 0
        whole_page(page, f"overcommit-{lang}.png", 1400)
    finally:
        ctx.close()


def test_bad_settings_and_a_bad_link_give_messages_and_keep_the_lab(server, browser):
    w = WORDS["en"]
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{server}/Overcommit?lang=en&vms=3&period=zero&salting=2")
        settle(page)
        warnings = page.locator("[data-testid=stAlertContentWarning]").all_inner_texts()
        assert any("“period” = “zero” ignored" in x for x in warnings), warnings
        assert any("“salting” = “2” ignored" in x for x in warnings), warnings
        page.get_by_text(w["lost"], exact=False).first.wait_for()
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stMetric]').length >= 4")
        settle(page)
        shown = page.locator("[data-testid=stMetricValue]").all_inner_texts()
        box = page.get_by_label(w["machine"])
        box.fill("802")
        box.press("Enter")
        settle(page)
        error = page.locator("[data-testid=stAlertContentError]").first.inner_text()
        assert "Machine memory: 802 KiB " + w["not_multiple"] in error
        assert page.get_by_text(w["kept"]).is_visible()
        assert page.locator("[data-testid=stMetricValue]").all_inner_texts() == shown
        assert page.locator("[data-testid=stException]").count() == 0
        shoot(page, SHOTS / "overcommit-bad-setting-1366x768-en.png")
    finally:
        ctx.close()


def test_the_link_opens_the_built_in_scenario_on_the_step_page(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{server}/Overcommit?lang=de")
        settle(page)
        page.get_by_text(WORDS["de"]["open"], exact=False).first.click()
        settle(page)
        assert "/Step_through" in page.url and "scenario=overcommit" in page.url and "lang=de" in page.url
        page.locator(".esxi-diagram").first.wait_for()
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        ctx.close()
