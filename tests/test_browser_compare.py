"""Browser test of the Compare and Costs pages: a Streamlit server started here, Debian's
Chromium driven by Playwright. Runs a comparison and a sweep, edits a cost and sees it reach
the comparison, uploads a bad trace and a good one, and saves screenshots of both pages in
both languages to ``screenshots/latest/`` (not committed); with ``UPDATE_SCREENSHOTS=1`` they
replace the committed ones in ``screenshots/``."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from browser_support import ROOT, SHOTS, browser, server, settle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to fit it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, height + 40)})
    time.sleep(1.5)  # charts re-lay themselves out at the new size
    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


_DRAWN = ("[...document.querySelectorAll('[data-testid=stVegaLiteChart]')]"
          ".filter(c => c.offsetParent !== null && c.querySelector('canvas, svg')).length")


def charts_drawn(page, at_least: int) -> int:
    """Wait until ``at_least`` visible charts are drawn (the chart library loads lazily)."""
    page.wait_for_function(f"() => {_DRAWN} >= {at_least}", timeout=60_000)
    return page.evaluate(f"() => {_DRAWN}")


@pytest.mark.parametrize("lang, run, crossover, wins", [
    ("en", "Run sweep", "Crossover near", "wins"),
    ("de", "Reihe berechnen", "Schnittpunkt bei", "gewinnt"),
])
def test_compare_page_runs_a_comparison_and_a_sweep(server, page, lang, run, crossover, wins):
    # the bare machine (no MMU caches, 4 KiB backing): the walk-cost sweep crosses over there
    page.goto(f"{server}/Compare?lang={lang}&machine=bare")
    settle(page)
    # the three figures (cycles under shadow, under nested, the ratio); the page streams them in
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stMetric]').length >= 3")
    assert page.locator("[data-testid=stMetric]").count() == 3
    assert page.get_by_text(wins, exact=False).first.is_visible()
    assert charts_drawn(page, 1) == 1  # the stacked bar (the curve waits in a hidden tab)
    page.get_by_role("button", name=run).click()
    page.get_by_text(crossover, exact=False).first.wait_for(timeout=90_000)
    settle(page)
    assert charts_drawn(page, 2) == 2  # and the sweep
    assert page.locator("[data-testid=stException]").count() == 0
    shot = screenshot(page, f"compare-{lang}.png")
    assert shot.stat().st_size > 50_000


@pytest.mark.parametrize("lang, preset, title", [("en", "DRAM (200)", "The cost model"),
                                                 ("de", "DRAM (200)", "Das Kostenmodell")])
def test_costs_page_and_a_preset_reaching_the_comparison(server, page, lang, preset, title):
    page.goto(f"{server}/Costs?lang={lang}")
    settle(page)
    page.get_by_role("heading", name=title).wait_for()
    screenshot(page, f"costs-{lang}.png")
    page.get_by_text(preset, exact=True).click()
    settle(page)
    assert page.locator("input[aria-label]").first.is_visible()
    # through the app's navigation (same session), the comparison now prices walks at 200 cycles
    page.locator("[data-testid=stSidebarNav] a", has_text="Compare").first.click()
    settle(page)
    summary = "walk reference 200 cycles" if lang == "en" else "Zugriff beim Seitentabellendurchlauf 200 Takte"
    page.get_by_text(summary, exact=False).first.wait_for(timeout=60_000)


def test_bad_upload_shows_the_error_and_keeps_the_trace(server, page, tmp_path):
    page.goto(f"{server}/Compare?lang=en")
    settle(page)
    page.get_by_text("an uploaded file", exact=True).click()
    settle(page)
    good = tmp_path / "mine.csv"
    good.write_text("vm,process,op,address\nVM1,p1,write,0x400000\nVM1,p1,read,0x400000\n")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_text("Loaded mine.csv: csv, 2 operations", exact=False).wait_for(timeout=60_000)
    settle(page)
    bad = tmp_path / "broken.csv"
    bad.write_text("VM1,p1,read,0x400000\nVM1,p1,read,0x900000000000\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("broken.csv: line 2, field 'address'", exact=False).wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text("Still comparing the previous trace: mine.csv").is_visible()
    assert page.locator("[data-testid=stMetric]").count() == 3
    assert page.locator("[data-testid=stException]").count() == 0


_DRAWN_TEXT = """e => {
  const shown = x => getComputedStyle(x, '::after').content.replace(/^"|"$/g, '');
  const hidden = x => getComputedStyle(x).fontSize === '0px';
  const p = e.querySelector('[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p');
  const note = e.querySelector('[data-testid=stFileUploaderDropzoneInstructions] span');
  return {button: shown(p), button_hidden: hidden(p), note: shown(note), note_hidden: hidden(note),
          width: p.getBoundingClientRect().width, clipped: note.scrollWidth > note.clientWidth + 1};
}"""


@pytest.mark.parametrize("lang, path, button, note", [
    ("de", "/?lang=de", "Hochladen", "TOML · höchstens 1\u00a0MiB"),
    ("en", "/?lang=en", "Upload", "TOML · at most 1\u00a0MiB"),
    ("de", "/Compare?lang=de", "Hochladen", "CSV, TXT, LOG, LACKEY, OUT, GZ, TOML · höchstens 16\u00a0MiB"),
    ("en", "/Compare?lang=en", "Upload", "CSV, TXT, LOG, LACKEY, OUT, GZ, TOML · at most 16\u00a0MiB"),
    ("de", "/Lessons?lang=de", "Hochladen", "TOML · höchstens 1\u00a0MiB"),
])
def test_the_uploaders_own_texts_speak_the_pages_language_and_the_apps_limit(server, page, lang, path, button, note):
    """Streamlit draws "Upload" and "200MB per file • TOML" itself; the app draws its own texts over them."""
    page.goto(f"{server}{path}")
    settle(page)
    if "Lessons" in path:  # the lesson uploader sits in a popover
        page.get_by_role("button", name="Eigene Lektion (.toml)").click()
    if "Compare" in path:  # a link cannot choose an upload (it lives in one session): click it
        page.get_by_text("einer hochgeladenen Datei" if lang == "de" else "an uploaded file", exact=True).click()
        settle(page)
    zone = page.locator("[data-testid=stFileUploader]").first
    zone.wait_for()
    # the style comes in its own element right after the uploader
    page.wait_for_function("""() => { const p = document.querySelector(
        '[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p');
        return p && getComputedStyle(p, '::after').content !== 'none'; }""")
    drawn = zone.evaluate(_DRAWN_TEXT)
    assert drawn["button"] == button and drawn["note"] == note, drawn
    assert drawn["button_hidden"] and drawn["note_hidden"], drawn  # Streamlit's English is not drawn
    assert drawn["width"] > 40, drawn  # and the button's own text takes room
    assert not drawn["clipped"], drawn  # the note wraps rather than being cut off


def top(locator) -> None:
    """Scroll ``locator`` to the top of the window (a screenshot then shows what follows it)."""
    locator.evaluate("e => e.scrollIntoView({block: 'start'})")
    locator.page.wait_for_timeout(400)


def clipped_labels(page) -> list[str]:
    """Widget labels Streamlit cuts off with an ellipsis (their text is wider than their box)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid=stCheckbox] [data-testid=stMarkdownContainer], [data-testid=stRadio] label '
        + '[data-testid=stMarkdownContainer], [data-testid=stWidgetLabel] [data-testid=stMarkdownContainer]')]
        .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")


PAPER = {"en": ("Run the paper check", "Paper check: references per TLB miss", "Bhargava et al. (simulated)",
                "today's machine", "bare machine", "page-walk cache", "ASID tags"),
         "de": ("Abgleich berechnen", "Abgleich mit der Literatur: Zugriffe je TLB-Fehltreffer",
                "Bhargava u. a. (simuliert)", "heutige Maschine", "Minimalmaschine", "Page-Walk-Cache", "ASID-Tags")}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_machine_switches_and_the_paper_check_at_projector_and_laptop_sizes(server, browser, lang):
    """The machine column (today's or the bare machine, the MMU design, the switches in the design's
    words) and the paper check's two tables and text at 1280×720 (projector) and 1366×768
    (laptop): nothing cut off, no table wider than the page. Screenshots of both, both sizes."""
    run, title, published, today, bare, pwc, asid = PAPER[lang]
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{server}/Compare?lang={lang}&accesses=5000&design=amd")
        settle(page)
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stMetric]').length >= 3")
        # the machine column may come a moment after the metrics: wait for it (raises if it never shows)
        page.get_by_text(today, exact=True).first.wait_for(state="visible")
        page.get_by_text(bare, exact=True).first.wait_for(state="visible")
        # AMD's words on the switches; every switch label whole (not cut off with an ellipsis)
        # (waited for: under load the page's last rerun may still be replacing the column)
        labels = "[...document.querySelectorAll('[data-testid=stCheckbox] [data-testid=stMarkdownContainer] p')]"
        try:
            page.wait_for_function(f"([a, b]) => {{ const t = {labels}.map(p => p.innerText);"
                                   " return t.includes(a) && t.includes(b); }", arg=[pwc, asid], timeout=30_000)
        except Exception:
            raise AssertionError(page.evaluate(f"() => {labels}.map(p => p.innerText)")) from None
        settle(page)
        assert clipped_labels(page) == []
        for w, h in ((1280, 720), (1366, 768)):
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(800)
            assert clipped_labels(page) == [], (w, h)
            SHOTS.mkdir(parents=True, exist_ok=True)
            top(page.get_by_text(today, exact=True).first)
            page.screenshot(path=str(SHOTS / f"compare-machine-top-{w}x{h}-{lang}.png"))
            top(page.get_by_text(pwc, exact=True).first)
            page.screenshot(path=str(SHOTS / f"compare-machine-{w}x{h}-{lang}.png"))
        page.set_viewport_size({"width": 1280, "height": 720})
        box = page.get_by_label("Accesses per point" if lang == "en" else "Zugriffe je Punkt").last
        box.fill("2000")
        box.press("Enter")
        settle(page)
        page.get_by_role("button", name=run).click()
        page.get_by_text(published, exact=True).first.wait_for(timeout=300_000)
        settle(page, 300)
        assert page.get_by_role("heading", name=title).is_visible()
        assert page.locator("[data-testid=stException]").count() == 0
        tables = page.locator("[data-testid=stTable]")
        n = tables.count()
        assert n >= 3  # the counters, the references per miss, the AMD steps
        for w, h in ((1280, 720), (1366, 768)):
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(800)
            wide = page.evaluate("""() => { const main = document.querySelector('[data-testid=stMainBlockContainer]');
                return [...document.querySelectorAll('[data-testid=stTable]')].slice(-2)
                  .map(t => t.getBoundingClientRect().right <= main.getBoundingClientRect().right + 1); }""")
            assert all(wide), (w, wide)
            top(page.get_by_role("heading", name=title))
            page.screenshot(path=str(SHOTS / f"compare-paper-{w}x{h}-{lang}.png"))
            top(tables.nth(n - 1))
            page.screenshot(path=str(SHOTS / f"compare-paper-text-{w}x{h}-{lang}.png"))
    finally:
        ctx.close()
