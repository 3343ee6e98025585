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
    page.wait_for_selector(f'.esxi-diagram.lecture[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')
    page.wait_for_selector(f'.lecture-narration[data-step="{step}"]:not([data-ahead])')


SETTLED = """async () => {
  // the stage is sized in a frame after it arrives (visualizer.app.stage): wait until the diagram's
  // box stays the same over three frames in a row (a loaded machine may take more than one)
  const box = () => { const d = document.querySelector('.esxi-diagram.lecture svg');
                      const r = d ? d.getBoundingClientRect() : null;
                      return r ? [r.left, r.top, r.width, r.height].map(Math.round).join() : ''; };
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  let last = box(), same = 0;
  for (let i = 0; i < 120 && same < 3; i++) { await frame(); const b = box(); same = b === last ? same + 1 : 0; last = b; }
}"""


def settled(page) -> None:
    """Wait until the lecture stage has its size (no fixed pause: under load a frame comes late)."""
    page.evaluate(SETTLED)


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
                settled(page)
                got = page.evaluate(MEASURE)
                where = f"{lang} {mode} step {step}"
                assert 0 <= got["left"] and got["right"] <= got["vw"], f"{where}: diagram wider than the viewport {got}"
                assert 0 <= got["top"] and got["bottom"] <= got["vh"], f"{where}: diagram not inside the viewport {got}"
                assert got["minText"] >= 14, f"{where}: smallest diagram text {got['minText']:.1f} px"
                if step:
                    lecture_summary_ok(page.evaluate(BOTH), where, modes=("",))
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


BOTH = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const d = document.querySelector('.esxi-diagram.lecture');
  const svg = d.querySelector('svg');
  const parts = [...svg.querySelectorAll('g.node, g.edge, g.cluster')].map(g => g.getBoundingClientRect());
  // the page labels: the text of the machine's pages and places
  const labels = [...svg.querySelectorAll('g.node :is(text)')].filter(t => t.textContent.trim())
    .map(t => t.getBoundingClientRect().height);
  const status = document.querySelector('.lecture-status').getBoundingClientRect();
  // every figure of the summary lines whole on screen: inside the status box and the viewport
  const figs = [...document.querySelectorAll('.lecture-status .fig')].map(f => {
    const r = f.getBoundingClientRect();
    return {text: f.textContent, mode: (f.closest('[data-mode]') || {dataset: {}}).dataset.mode || '',
            whole: r.width > 0 && r.left >= status.left - 0.5 && r.right <= Math.min(status.right, vw) + 0.5
                   && r.top >= status.top - 0.5 && r.bottom <= Math.min(status.bottom, vh) + 0.5};
  });
  return {left: Math.min(...parts.map(p => p.left)), right: Math.max(...parts.map(p => p.right)),
          top: Math.min(...parts.map(p => p.top)), bottom: Math.max(...parts.map(p => p.bottom)),
          minLabel: Math.min(...labels), figs, vw, vh,
          narrBottom: document.querySelector('.lecture-narration').getBoundingClientRect().bottom};
}"""


def lecture_summary_ok(got: dict, where: str, modes=("shadow", "nested")) -> None:
    assert got["figs"] and all(f["whole"] for f in got["figs"]), f"{where}: a figure cut off {got['figs']}"
    for mode in modes:  # each mode's costs: cycles, walk references, VM exits
        kinds = [f for f in got["figs"] if f["mode"] == mode] if mode else got["figs"]
        assert len(kinds) >= 4, f"{where}: {mode} line has {kinds}"


LECTURE_LANGS = {"esxi-figure": "de", "page-table-update": "en", "context-switch": "de", "no-vpid": "en",
                 "mmu-caches": "de"}


@pytest.mark.parametrize("name", list(LECTURE_LANGS))
def test_both_modes_in_one_readable_figure_with_both_costs_at_every_step(server, browser, name):
    """"both" at 1280 × 720: one figure (the same pages and places in both modes), page labels at
    14 px or more, the whole figure and both modes' costs (every figure of both summary lines) on
    screen at every step; the narration ends inside the viewport. German for the scenarios with
    the longest summaries, English for the others (the single-mode lines are checked in the
    keyboard test above)."""
    lang = LECTURE_LANGS[name]
    total = len(builtin(name).trace)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario={name}&mode=both&step=0&lang={lang}&present=1")
        wait_step(page, 0, "both")
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        assert page.locator(".figure-note[data-note=both]").count() == 1
        for step in range(total + 1):
            if step:
                page.keyboard.press("ArrowRight")
                wait_step(page, step, "both")
            settled(page)
            got = page.evaluate(BOTH)
            where = f"{name} {lang} both step {step}"
            assert 0 <= got["left"] and got["right"] <= got["vw"], f"{where}: figure {got}"
            assert 0 <= got["top"] and got["bottom"] <= got["vh"], f"{where}: figure {got}"
            assert got["minLabel"] >= 14, f"{where}: smallest page label {got['minLabel']:.1f} px"
            assert got["narrBottom"] <= got["vh"] + 0.5, f"{where}: narration runs off {got['narrBottom']}"
            if step:
                lecture_summary_ok(got, where)
                assert page.locator(".lecture-status .mode-line").count() == 2
            if name == "esxi-figure" and step == 12:
                page.screenshot(path=str(SHOTS / "lecture" / f"esxi-figure-both-{lang}-step12.png"))
        # m: both → shadow → nested → both
        for mode in ("shadow", "nested", "both"):
            page.keyboard.press("m")
            wait_step(page, total, mode)
        assert "mode=both" in page.url
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
        page.wait_for_function("() => !!window.__esxiKeyHandler")

        def shown(text: str):
            """The narration line saying ``text``, turned to (↓) where it is on a later page."""
            line = page.locator(".lecture-narration li[data-ids]", has_text=text).first
            for _ in range(6):
                if line.count() and line.is_visible():
                    return line
                page.keyboard.press("ArrowDown")
                page.wait_for_timeout(150)
            raise AssertionError(f"no narration line says {text!r}")
        walk = shown("walks the shadow page tables")
        ids = walk.get_attribute("data-ids").split()
        assert ids and all(i.startswith("ma-") for i in ids)
        walk.hover()
        page.wait_for_function("() => document.querySelectorAll('.esxi-diagram svg g.node.hl').length > 0")
        lit = page.locator(".esxi-diagram svg g.node.hl").evaluate_all("els => els.map(e => e.id)")
        assert set(lit) == set(ids), (lit, ids)
        store = shown("the write stores")
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
        page.wait_for_selector('.esxi-diagram[data-step="1"][data-mode="shadow"]:not([data-ahead]) svg')
        page.locator(".st-key-step_forward button").click()
        page.wait_for_selector('.esxi-diagram[data-step="2"][data-mode="shadow"]:not([data-ahead]) svg')
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
            page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')
            page.locator(".st-key-step_forward button").click()
            step += 1
            page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')
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
        page.wait_for_selector('.esxi-diagram.lecture[data-step="1"]:not([data-ahead]) svg')
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
        assert page.locator('.esxi-diagram.lecture[data-step="1"]:not([data-ahead])').count() == 1
        numbers.first.fill("7")           # typed, not yet committed: focus stays in the field
        page.keyboard.press("PageDown")   # the clicker
        page.wait_for_selector('.esxi-diagram.lecture[data-step="2"]:not([data-ahead]) svg')
        page.wait_for_selector(f'.predict-score[data-asked="{n}"]')  # every answer counted, the typed one too
        assert page.locator(".predict-results .q-result.open").count() == 0
    finally:
        ctx.close()


SHOWN = """() => [...document.querySelectorAll('.esxi-paged')].map(box => {
  const b = box.getBoundingClientRect();
  const badge = box.classList.contains('narr-more') ? 24 : 0;  // the "↓ more" badge's corner
  return [...box.querySelectorAll('li')].map(li => {
    const r = li.getBoundingClientRect();
    const n = li.parentElement.start + [...li.parentElement.children].indexOf(li);
    return {n, text: li.innerText, whole: r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1
            && r.bottom <= b.bottom - badge + 1 && r.bottom <= window.innerHeight};
  });
})"""


@pytest.mark.parametrize("mode,step,lang", [("shadow", 1, "en"), ("both", 12, "de"), ("nested", 1, "de")])
def test_a_long_narration_pages_by_whole_items_each_shown_once(server, browser, mode, step, lang):
    """A narration longer than its box is shown a page at a time: ↓ turns to the next, whole items
    only (none cut at an edge or under the "↓ more" badge), every item of the step exactly once and
    in order over the pages; ↑ comes back to the first page; ↓ does not step."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode={mode}&step={step}&lang={lang}&present=1&figure=1")
        wait_step(page, step, mode)
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        page.wait_for_function("() => document.querySelectorAll('.esxi-paged').length > 0")
        # the pages are made again once the box has its final size and the fonts have come: wait
        # until they stay the same
        pages = "() => JSON.stringify([...document.querySelectorAll('.esxi-paged')].map(b => b.__pages))"
        last = None
        for _ in range(20):
            page.wait_for_timeout(200)
            now = page.evaluate(pages)
            if now == last:
                break
            last = now
        total = page.evaluate("() => [...document.querySelectorAll('.esxi-paged')].map(b => b.__items.length)")
        counts = page.evaluate("() => [...document.querySelectorAll('.esxi-paged')].map(b => b.__pages.length)")
        assert max(counts) > 1, f"the narration fits one page: {counts} (the test needs a long one)"
        seen = [[] for _ in total]
        for k in range(max(counts)):
            if k:
                page.keyboard.press("ArrowDown")
                page.wait_for_timeout(150)
            for box, items in enumerate(page.evaluate(SHOWN)):
                assert all(i["whole"] for i in items), f"page {k + 1}: cut off {[i for i in items if not i['whole']]}"
                if k < counts[box]:
                    seen[box] += [i["n"] for i in items]
        for box, n in enumerate(total):
            assert seen[box] == list(range(1, n + 1)), f"box {box}: items shown {seen[box]} of {n}"
        page.wait_for_selector(".narr-more", state="detached")  # the last page says nothing more follows
        assert page.locator(f'.esxi-diagram.lecture[data-step="{step}"]:not([data-ahead])').count() == 1  # ↓ did not step
        for _ in range(max(counts)):
            page.keyboard.press("ArrowUp")
        page.wait_for_timeout(150)
        assert all(items[0]["n"] == 1 for items in page.evaluate(SHOWN))
        page.screenshot(path=str(SHOTS / "lecture" / f"esxi-figure-{mode}-{lang}-narration.png"))
    finally:
        ctx.close()


def _lecture_at_step_2(browser, server):
    """A new browser context with the lecture view of esxi-figure (shadow) at step 2, loaded and
    settled, its key handler in place: (context, page)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=2&lang=en&present=1")
        wait_step(page, 2, "shadow")
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        settle(page)
    except Exception:
        ctx.close()
        raise
    return ctx, page


def test_a_press_before_the_buttons_are_drawn_waits_for_them(server, browser):
    """A presenter presses as soon as the figure appears; the lecture buttons may come a moment
    later (seen under load in CI: the diagram was drawn, the buttons not yet, and the press was
    lost). The press waits for its button and runs once it is there — once."""
    ctx, page = _lecture_at_step_2(browser, server)
    try:
        # the buttons "not drawn yet": their keyed containers hidden from the handler's lookup
        page.evaluate("""() => document.querySelectorAll('[class*="st-key-lec_"]').forEach(e => {
            e.dataset.was = e.className; e.className = e.className.replace(/st-key-lec_/g, 'later-lec_'); })""")
        page.keyboard.press("PageDown")
        page.wait_for_timeout(800)
        assert page.locator('.esxi-diagram.lecture[data-step="2"]:not([data-ahead])').count() == 1, "pressed without its button"
        page.evaluate("""() => document.querySelectorAll('[data-was]').forEach(e => {
            e.className = e.dataset.was; delete e.dataset.was; })""")
        wait_step(page, 3, "shadow")  # the waiting press ran when its button came
        settle(page)
        page.wait_for_timeout(1500)
        assert page.locator('.esxi-diagram.lecture[data-step="3"]:not([data-ahead])').count() == 1  # once
    finally:
        ctx.close()


def test_a_press_lost_on_the_way_is_sent_again_and_runs_once(server, browser):
    """A clicker's press that never reaches the server (sent while the page was still being set up,
    a dropped message) is sent again when no acknowledgement came: the view moves one step, not
    none and not two."""
    ctx, page = _lecture_at_step_2(browser, server)
    try:
        # the next send is lost: it never reaches the server (the page still thinks it sent it)
        page.evaluate("""() => { const real = window.__esxiKeysSend;
            window.__esxiKeysSend = (log) => { window.__esxiKeysSend = real; window.__esxiPressSentAt = Date.now(); }; }""")
        page.keyboard.press("PageDown")
        page.wait_for_timeout(2500)
        # the browser shows the step ahead at the press; the server has not run it
        assert page.locator('.esxi-diagram.lecture[data-step="3"][data-ahead]').count() == 1
        assert page.locator('.esxi-diagram.lecture[data-step="3"]:not([data-ahead])').count() == 0, "the lost press ran"
        wait_step(page, 3, "shadow")  # sent again after some seconds without an acknowledgement
        settle(page)
        page.wait_for_timeout(7000)   # … and run once: nothing is sent again after the acknowledgement
        assert page.locator('.esxi-diagram.lecture[data-step="3"]:not([data-ahead])').count() == 1
        assert page.evaluate("(window.__esxiPressLog || []).length") == 0
        page.keyboard.press("PageDown")  # the next press goes through at once
        wait_step(page, 4, "shadow")
    finally:
        ctx.close()


def test_a_step_shown_ahead_goes_back_when_its_press_is_given_up(server, browser):
    """The step ahead is shown at the press; a press the browser gives up sending (three tries
    without an acknowledgement) takes it back: the view is the server's step again."""
    ctx, page = _lecture_at_step_2(browser, server)
    try:
        page.evaluate("() => { window.__esxiKeysSend = (log) => { window.__esxiPressSentAt = Date.now(); }; }")
        page.keyboard.press("PageDown")
        page.wait_for_selector('.esxi-diagram.lecture[data-step="3"][data-ahead] svg')
        # the third resend is past: the next check of the log gives it up
        page.evaluate("() => { window.__esxiResent = 3; window.__esxiPressSentAt = 0; window.__esxiKeysSeenAt = 0; }")
        page.wait_for_selector('.esxi-diagram.lecture[data-step="2"]:not([data-ahead]) svg', timeout=5000)
        assert page.locator(".esxi-diagram.lecture[data-ahead]").count() == 0
        assert page.evaluate("(window.__esxiPressLog || []).length") == 0
    finally:
        ctx.close()
