"""Lecture mode on a 1280 × 720 projector, in a real browser: the seed's scenario from the first
step to the last by keyboard only, in both modes and both languages. At every step the whole
diagram is inside the viewport, its top does not move, its smallest text renders at 14 px or more
and the narration of the current step is visible. Screenshots of every step go to
``screenshots/latest/lecture`` (``UPDATE_SCREENSHOTS=1``: ``screenshots/lecture``)."""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from visualizer.engine import Mode, builtin
from visualizer.text.narrate import narrate

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

MEASURE = """() => {
  const d = document.querySelector('.esxi-diagram.lecture');
  const svg = d.querySelector('svg');
  const r = svg.getBoundingClientRect();
  // the drawn picture: the union of its visible parts (the SVG keeps its proportions inside the box)
  const parts = [...svg.querySelectorAll('g.node, g.edge, g.cluster')].map(g => g.getBoundingClientRect());
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => t.getBoundingClientRect().height);
  const n = document.querySelector('.lecture-narration');
  const nr = n.getBoundingClientRect();
  return {boxTop: d.getBoundingClientRect().top, top: Math.min(...parts.map(p => p.top)),
          bottom: Math.max(...parts.map(p => p.bottom)), left: Math.min(...parts.map(p => p.left)),
          right: Math.max(...parts.map(p => p.right)), svgTop: r.top, minText: Math.min(...texts),
          narrTop: nr.top, narrBottom: nr.bottom, narration: n.innerText,
          vw: window.innerWidth, vh: window.innerHeight};
}"""



MA_X = """() => Object.fromEntries([...document.querySelectorAll('.esxi-diagram.lecture svg g.node.ma')]
  .map(g => [g.id, Math.round(g.getBoundingClientRect().left)]))"""
"""Where each machine page's box is on screen, by node id."""


def wait_step(page, step: int, mode: str) -> None:
    page.wait_for_selector(f'.esxi-diagram.lecture[data-step="{step}"][data-mode="{mode}"] svg')
    page.wait_for_selector(f'.lecture-narration[data-step="{step}"]')


@pytest.mark.parametrize("lang", ["en", "de"])
def test_lecture_by_keyboard_at_1280x720(server, browser, lang):
    scenario = builtin("esxi-figure")
    total = len(scenario.trace)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    shots = SHOTS / "lecture"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang={lang}&present=1")
        wait_step(page, 0, "shadow")
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        assert page.locator('[data-testid="stHeader"]').is_hidden(), "Streamlit's toolbar shows in lecture mode"
        for mode in ("shadow", "nested"):
            m = scenario.machine(Mode(mode))
            expected = [None] + [m.execute(scenario.trace[i], i) for i in range(total)]
            tops, ma_x = set(), {}
            for step in range(total + 1):
                if step:
                    page.keyboard.press("PageDown" if step % 3 == 0 else ("ArrowRight" if step % 3 == 1 else " "))
                    wait_step(page, step, mode)
                page.wait_for_timeout(60)
                got = page.evaluate(MEASURE)
                where = f"{lang} {mode} step {step}"
                assert 0 <= got["left"] and got["right"] <= got["vw"], f"{where}: diagram wider than the viewport {got}"
                assert 0 <= got["top"] and got["bottom"] <= got["vh"], f"{where}: diagram not inside the viewport {got}"
                assert got["minText"] >= 14, f"{where}: smallest diagram text {got['minText']:.1f} px"
                assert got["narrTop"] < got["vh"] - 40 and got["narrBottom"] <= got["vh"], f"{where}: narration {got}"
                if step:
                    first = narrate(expected[step], lang)[0]
                    assert (first[0].upper() + first[1:]) in got["narration"], f"{where}: narration of another step"
                tops.add(round(got["boxTop"]))
                for mid, x in page.evaluate(MA_X).items():
                    ma_x.setdefault(mid, set()).add(x)
                page.screenshot(path=str(shots / f"esxi-figure-{mode}-{lang}-step{step:02d}.png"))
            assert len(tops) == 1, f"{lang} {mode}: the diagram's top moved between steps: {sorted(tops)}"
            # (a pixel of rounding aside: the picture is scaled to fit, and its width may differ by a hair)
            moved = {mid: sorted(xs) for mid, xs in ma_x.items() if max(xs) - min(xs) > 2}
            assert not moved, f"{lang} {mode}: machine pages moved on screen between steps: {moved}"
            # Home resets, m switches the mode; ← steps back
            page.keyboard.press("ArrowLeft")
            wait_step(page, total - 1, mode)
            page.keyboard.press("Home")
            wait_step(page, 0, mode)
            if mode == "shadow":
                page.keyboard.press("m")
                wait_step(page, 0, "nested")
    finally:
        ctx.close()


def test_figure_view_shows_the_named_data_pages_only(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=8&lang=en&present=1")
        wait_step(page, 8, "shadow")
        svg = ".esxi-diagram.lecture svg"
        for cls in ("gpt", "spt", "ept"):
            assert page.locator(f"{svg} g.node.{cls}").count() == 0, cls
        names = page.locator(f"{svg} g.node.labelled text").evaluate_all("els => els.map(e => e.textContent)")
        assert {"a", "b", "c"} <= set(names)
        assert page.locator(f"{svg} g.edge.shadow-map").count() >= 1
        page.locator(".st-key-figure_view label").click()  # the switch shows every page again
        page.wait_for_function(f"() => document.querySelectorAll('{svg} g.node.gpt').length > 0")
        page.wait_for_url("**figure=0**")  # the link is written at the end of the rerun
    finally:
        ctx.close()


def test_side_by_side_shows_both_modes_at_the_same_step_and_m_cycles(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=both&step=3&lang=en&present=1&figure=0")
        page.wait_for_selector('.esxi-diagram.lecture[data-mode="shadow"][data-step="3"] svg')
        page.wait_for_selector('.esxi-diagram.lecture[data-mode="nested"][data-step="3"] svg')
        shadow, nested = '.esxi-diagram[data-mode="shadow"] svg', '.esxi-diagram[data-mode="nested"] svg'
        assert page.locator(f"{shadow} g.edge.shadow-map").count() > 0
        assert page.locator(f"{nested} g.edge.shadow-map").count() == 0
        assert page.locator(f"{nested} g.node.ept").count() > 0
        # the same data page at the same machine address in both diagrams
        ids = page.locator(f"{shadow} g.node.current").evaluate_all("els => els.map(e => e.id)")
        assert ids and all(page.locator(f'{nested} g.node[id="{i}"]').count() == 1 for i in ids if i.startswith("ma-"))
        # both diagrams inside the viewport (once the layout has settled)
        page.wait_for_function("""() => { const b = [...document.querySelectorAll('.esxi-diagram.lecture')]
            .map(d => d.getBoundingClientRect()); return b.length === 2 && b.every(r => r.top >= 0 &&
            r.bottom <= window.innerHeight); }""", timeout=10_000)
        assert "mode=both" in page.url
        # the whole page fits the projector, and each diagram's caption gives its own mode's figures
        assert page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight") <= 720
        from visualizer.render import tables as T
        s = builtin("esxi-figure")
        for mode in (Mode.SHADOW, Mode.NESTED):
            m = s.machine(mode)
            rec = [m.execute(s.trace[i], i) for i in range(3)][-1]
            caption = page.locator(f'.both-caption[data-mode="{mode.value}"]').inner_text()
            assert T.step_summary(rec, "en", short=True) in caption, caption
        assert "cycles" not in page.locator(".lecture-status").inner_text()
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        page.keyboard.press("m")  # both → shadow
        page.wait_for_function("() => document.querySelectorAll('.esxi-diagram.lecture').length == 1")
        page.wait_for_selector('.esxi-diagram.lecture[data-mode="shadow"]')
        page.keyboard.press("m")  # shadow → nested
        page.wait_for_selector('.esxi-diagram.lecture[data-mode="nested"]')
        page.keyboard.press("m")  # nested → both
        page.wait_for_function("() => document.querySelectorAll('.esxi-diagram.lecture').length == 2")
        page.screenshot(path=str(SHOTS / "lecture" / "esxi-figure-both-en-step03.png"))
    finally:
        ctx.close()


def test_pointing_at_a_narration_line_highlights_its_pages(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=2&lang=en&present=1&figure=0")
        wait_step(page, 2, "shadow")
        lines = page.locator(".lecture-narration li[data-ids]")
        assert lines.count() >= 3
        walk = page.locator(".lecture-narration li[data-ids]", has_text="walks the shadow page tables").first
        ids = walk.get_attribute("data-ids").split()
        assert ids and all(i.startswith("ma-") for i in ids)
        walk.hover()
        page.wait_for_function("() => document.querySelectorAll('.esxi-diagram svg g.node.hl').length > 0")
        lit = page.locator(".esxi-diagram svg g.node.hl").evaluate_all("els => els.map(e => e.id)")
        assert set(lit) == set(ids), (lit, ids)
        store = page.locator(".lecture-narration li[data-ids]", has_text="the write stores").first
        store.hover()
        page.wait_for_function("() => document.querySelectorAll('.esxi-diagram svg g.edge.hl').length > 0")
        assert page.locator(".esxi-diagram svg g.node.hl").count() == 3  # gVA, gPA and MA of the write
        page.screenshot(path=str(SHOTS / "lecture" / "esxi-figure-hover-en-step02.png"))
        page.mouse.move(5, 5)
        page.wait_for_function("() => document.querySelectorAll('.esxi-diagram svg g.hl').length === 0")
    finally:
        ctx.close()


@pytest.mark.parametrize("order", [("Deutsch", "English"), ("Deutsch",), ("Deutsch", "English", "Deutsch")])
def test_language_and_mode_switches_in_any_order_then_step(server, browser, order):
    """Streamlit keeps a radio's value by its formatted label: a label that changes with the
    language must not come back as a stale value (or a traceback) after a switch."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=1&lang=en&figure=0")
        page.wait_for_selector('.esxi-diagram[data-step="1"][data-mode="shadow"] svg')
        page.locator(".st-key-step_forward button").click()
        page.wait_for_selector('.esxi-diagram[data-step="2"][data-mode="shadow"] svg')
        step, mode = 2, "shadow"
        for lang in order:
            page.locator('.st-key-_lang_widget label').filter(has_text=lang).first.click()
            code = "de" if lang == "Deutsch" else "en"
            page.wait_for_url(f"**lang={code}**")
            page.wait_for_selector(f".st-key-_mode-{code}")  # the mode radio of the new language
            mode = "nested" if mode == "shadow" else "shadow"
            label = {"shadow": ("Schatten" if lang == "Deutsch" else "shadow"),
                     "nested": ("verschachtelt" if lang == "Deutsch" else "nested")}[mode]
            page.locator(f".st-key-_mode-{code} label").filter(has_text=label).first.click()
            page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"] svg')
            page.locator(".st-key-step_forward button").click()
            step += 1
            page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"] svg')
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        ctx.close()


def test_the_clicker_reveals_after_the_rooms_answer_was_clicked_or_typed(server, browser):
    """A lecturer clicks the room's answer (focus then sits in the radio button, whose own arrow keys
    move the selection) or types it: the clicker's PageDown still reveals, and the answers count."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=1&lang=en&present=1&predict=1")
        page.wait_for_selector('.esxi-diagram.lecture[data-step="1"] svg')
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        page.keyboard.press("PageDown")
        box = page.locator(".st-key-predict_box")
        box.locator(".st-key-predict_reveal").wait_for()
        settle(page)
        groups = box.get_by_role("radiogroup")
        numbers = box.locator("input[type=number]")
        n = groups.count() + numbers.count()
        assert groups.count() >= 1 and numbers.count() >= 1, "step 2 asks a choice and a number"
        for k in range(groups.count()):
            groups.nth(k).locator("label").nth(1).click()
        page.keyboard.press("ArrowDown")  # the radio's own key: the selection moves, nothing is revealed
        page.wait_for_timeout(300)
        assert page.locator('.esxi-diagram.lecture[data-step="1"]').count() == 1
        numbers.first.fill("7")           # typed, not yet committed: focus stays in the field
        page.keyboard.press("PageDown")   # the clicker
        page.wait_for_selector('.esxi-diagram.lecture[data-step="2"] svg')
        page.wait_for_selector(f'.predict-score[data-asked="{n}"]')  # every answer counted, the typed one too
        assert page.locator(".st-key-predict_results .q-result.open").count() == 0
    finally:
        ctx.close()


def test_a_long_narration_pages_on_in_reading_order_with_the_down_key(server, browser):
    """Step 1 in shadow mode tells 18 events: the box shows the first ones in order (column 1, then
    column 2), says "↓ more", and ↓ turns to the next columns until the last line is shown."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=1&lang=en&present=1&figure=1")
        wait_step(page, 1, "shadow")
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        box = page.locator(".lecture-narration")
        seen = """() => { const b = document.querySelector('.lecture-narration').getBoundingClientRect();
            return [...document.querySelectorAll('.lecture-narration li')].map(li => {
              const r = li.getBoundingClientRect();
              return r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1; }); }"""
        items = page.evaluate(seen)
        assert len(items) > 8 and items[0] and not items[-1], items
        first_hidden = items.index(False)
        assert all(items[:first_hidden]) and not any(items[first_hidden:]), items  # a prefix: reading order
        page.wait_for_selector(".narr-more")
        pages = 0
        while not page.evaluate(seen)[-1]:
            page.keyboard.press("ArrowDown")
            page.wait_for_timeout(500)  # a smooth scroll
            pages += 1
            assert pages <= 5, "↓ does not reach the last line"
        page.wait_for_selector(".narr-more", state="detached")
        assert page.locator('.esxi-diagram.lecture[data-step="1"]').count() == 1  # ↓ did not step
        page.keyboard.press("ArrowUp")
        page.wait_for_timeout(500)
        assert box.evaluate("b => b.scrollLeft") < box.evaluate("b => b.scrollWidth - b.clientWidth")
    finally:
        ctx.close()


def test_a_press_lost_on_the_way_is_sent_again_and_runs_once(server, browser):
    """A clicker's press that never reaches the server (sent while the page was still being set up,
    a dropped message) is sent again when no acknowledgement came: the view moves one step, not
    none and not two."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=2&lang=en&present=1")
        wait_step(page, 2, "shadow")
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        settle(page)
        # the next send is lost: it never reaches the server (the page still thinks it sent it)
        page.evaluate("""() => { const real = window.__esxiKeysSend;
            window.__esxiKeysSend = (log) => { window.__esxiKeysSend = real; window.__esxiPressSentAt = Date.now(); }; }""")
        page.keyboard.press("PageDown")
        page.wait_for_timeout(2500)
        assert page.locator('.esxi-diagram.lecture[data-step="2"]').count() == 1, "the lost press ran"
        wait_step(page, 3, "shadow")  # sent again after some seconds without an acknowledgement
        settle(page)
        page.wait_for_timeout(7000)   # … and run once: nothing is sent again after the acknowledgement
        assert page.locator('.esxi-diagram.lecture[data-step="3"]').count() == 1
        assert page.evaluate("(window.__esxiPressLog || []).length") == 0
        page.keyboard.press("PageDown")  # the next press goes through at once
        wait_step(page, 4, "shadow")
    finally:
        ctx.close()
