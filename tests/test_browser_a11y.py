"""Keyboard-only use and the accessibility tree, in Debian's Chromium.

- A keyboard-only run: Tab, Enter, Space and the arrow keys step through ``esxi-figure`` and
  answer a predict question (no mouse); the folded sidebar's page links are no tab stops.
- The diagram's pages by keyboard and by tap: each says what its tooltip says.
- Chromium's accessibility tree (Playwright's ``aria_snapshot``) of every page has no control
  without a name, and axe-core (the ``axe-playwright-python`` package ships it) finds no label,
  name or contrast violation, in English and German.
"""
from __future__ import annotations

import os
import re

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

TIMEOUT_MS = 60_000
CONTROLS = ("button", "link", "textbox", "combobox", "slider", "switch", "checkbox", "radio", "spinbutton",
            "searchbox", "menuitem", "tab", "option", "listbox", "radiogroup")
"""Roles a user operates: each needs a name a screen reader can say."""


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 650})
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    ctx.close()


def open_page(page, server, path: str) -> None:
    page.goto(f"{server}{path}")
    settle(page)
    page.wait_for_selector("[data-testid=stSidebar][data-collapsed]", state="attached")
    # the access component is on every page; its style and skip link come with it
    page.wait_for_function("() => window.__esxiA11yOn === true")
    page.wait_for_timeout(300)


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; const r = e.getBoundingClientRect();
      return {tag: e.tagName, label: e.getAttribute('aria-label') || '', text: (e.innerText || '').trim(),
              id: e.id || '', visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0,
              inNav: !!e.closest('[data-testid=stSidebar]'), inPredict: !!e.closest('.st-key-predict_box'),
              value: e.value || '', checked: !!e.checked, role: e.getAttribute('role') || '',
              type: e.getAttribute('type') || ''}; }""")


def tab_to(page, want, limit: int = 40, back: bool = False) -> dict:
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        f = focused(page)
        if want(f):
            return f
    raise AssertionError(f"no tab stop found in {limit} presses; last: {f}")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def step_shown(page) -> int:
    return int(page.locator(".esxi-diagram").first.get_attribute("data-step"))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_keyboard_only_run_steps_through_the_figure_and_answers_a_predict_question(server, page, lang):
    open_page(page, server, f"/Step_through?scenario=esxi-figure&mode=shadow&step=0&figure=1&lang={lang}")
    # the folded sidebar's links are no tab stops; the skip link to the step controls is the second
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    assert not [s for s in stops if s["inNav"] or not s["visible"]], stops
    open_page(page, server, f"/Step_through?scenario=esxi-figure&mode=shadow&step=0&figure=1&lang={lang}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "A" and skip["text"] == {"en": "Skip to the step controls",
                                                   "de": "Zu den Schritt-Knöpfen springen"}[lang]
    shot(page, f"a11y-skip-link-{lang}")
    page.keyboard.press("Enter")
    step_button = focused(page)
    assert step_button["id"] == "esxi-step" and step_button["tag"] == "BUTTON"
    for want in (1, 2, 3):
        page.keyboard.press("Enter")
        settle(page)
        page.wait_for_selector(f'.esxi-diagram[data-step="{want}"]:not([data-ahead])')
        assert focused(page)["id"] == "esxi-step"  # the focus stays on Step after the page updates
    shot(page, f"a11y-step-focus-{lang}")
    # predict: the switch by Space, then Step asks; a choice by the arrow keys; Reveal by Enter
    tab_to(page, lambda f: f["role"] == "switch" and f["label"].startswith(("Predict", "Erst vorhersagen")))
    page.keyboard.press("Space")
    settle(page)
    page.wait_for_selector(".predict-score")
    tab_to(page, lambda f: f["id"] == "esxi-step", back=True)
    page.keyboard.press("Enter")
    settle(page)
    page.wait_for_selector(".st-key-predict_box")
    assert step_shown(page) == 3  # asking: the diagram still shows the step before
    first = tab_to(page, lambda f: f["type"] == "radio" and f["inPredict"])
    page.keyboard.press("ArrowDown")  # the second choice of the first question
    settle(page)
    now = focused(page)
    assert now["inPredict"] and now["type"] == "radio" and now["checked"] and now["value"] != first["value"]
    # Reveal sits above the questions (in sight however long their choices run): back to it
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].endswith(("Reveal", "Aufdecken")), back=True)
    page.keyboard.press("Enter")
    settle(page)
    page.wait_for_selector('.esxi-diagram[data-step="4"]:not([data-ahead])')
    score = page.locator(".predict-score").first
    assert int(score.get_attribute("data-asked")) >= 1  # the answer was counted
    assert page.locator(".predict-results").count() == 1
    shot(page, f"a11y-predict-revealed-{lang}")


def test_the_diagrams_pages_are_reached_by_keyboard_and_by_tap_with_their_tooltip_as_text(server, page):
    open_page(page, server, "/Step_through?scenario=esxi-figure&mode=shadow&step=3&figure=1&lang=en")
    box = page.locator(".esxi-diagram").first
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "group"
    assert "arrow keys" in box.get_attribute("aria-label")
    box.focus()
    page.keyboard.press("ArrowRight")  # into the diagram: the current access's page
    f = page.evaluate("() => ({id: document.activeElement.id, cls: document.activeElement.getAttribute('class'),"
                      " title: document.activeElement.querySelector('title').textContent})")
    assert "node" in f["cls"] and "current" in f["cls"]
    info = page.locator("[data-testid=esxiPageInfo]")
    assert info.is_visible()
    assert info.inner_text() == re.sub(r"\s*\n\s*", " — ", f["title"])
    seen = {f["id"]}
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", "End", "Home"):
        page.keyboard.press(key)
        seen.add(page.evaluate("() => document.activeElement.id"))
    assert len(seen) >= 4  # the keys move between pages
    assert step_shown(page) == 3  # and do not step the page
    shot(page, "a11y-diagram-page-focus-en")
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.classList.contains('esxi-diagram')")
    assert not info.is_visible()
    # a tap (no pointing on a touch screen) shows a page's details too
    node = page.locator(".esxi-diagram svg g.node.gpa").first
    node.click()
    title = node.locator("title").text_content()
    assert info.inner_text() == re.sub(r"\s*\n\s*", " — ", title)


PAGES = [
    "/", "/Step_through?scenario=esxi-figure&step=3", "/Step_through?scenario=esxi-figure&step=3&predict=1",
    "/Step_through?scenario=esxi-figure&step=3&present=1", "/Lessons?lesson=02-shadow-paging&step=2",
    "/Practice", "/Compare", "/Overcommit", "/Costs", "/Glossary", "/About",
]
AXE_RULES = {"label", "button-name", "link-name", "aria-input-field-name", "aria-toggle-field-name", "select-name",
             "input-button-name", "image-alt", "svg-img-alt", "role-img-alt", "color-contrast", "aria-command-name",
             "nested-interactive", "scrollable-region-focusable"}
"""What axe-core checks here: names of controls and images, contrast."""


def unnamed_controls(snapshot: str) -> list[str]:
    out = []
    for line in snapshot.splitlines():
        m = re.match(r"\s*- (\w+)(.*)$", line)
        if m and m.group(1) in CONTROLS:
            rest = m.group(2).strip()
            if not rest.startswith('"') or rest.startswith('""'):
                out.append(line.strip())
    return out


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_control_has_a_name_and_axe_finds_no_label_or_contrast_problem(server, page, lang):
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    problems = []
    for path in PAGES:
        open_page(page, server, path + ("&" if "?" in path else "?") + f"lang={lang}")
        if "predict=1" in path:  # the questions open: their choices are controls too
            page.locator("#esxi-step").click()
            settle(page)
            page.wait_for_selector(".st-key-predict_box")
        snapshot = page.locator("body").aria_snapshot()
        problems += [f"{path}: {c}" for c in unnamed_controls(snapshot)]
        result = axe.run(page, options={"runOnly": {"type": "rule", "values": sorted(AXE_RULES)}})
        for v in result.response["violations"]:
            problems += [f"{path}: axe {v['id']}: {n['html'][:120]}" for n in v["nodes"]]
    assert not problems, "\n".join(problems)


def test_a_reload_and_a_copied_link_show_the_same_work(server, browser, page):
    def state(pg) -> dict:
        score = pg.locator(".predict-score").first
        return {"right": score.get_attribute("data-right"), "asked": score.get_attribute("data-asked"),
                "step": pg.locator(".esxi-diagram").first.get_attribute("data-step"),
                "verdicts": pg.locator(".predict-results .q-result").count(),
                "added": pg.locator("code").filter(has_text="0x7000").count()}

    open_page(page, server, "/Step_through?scenario=esxi-figure&mode=shadow&step=4&predict=1&lang=en")
    page.locator("#esxi-step").click()
    settle(page)
    page.locator(".st-key-predict_box [role=radiogroup]").first.locator("label").first.click()
    settle(page)
    page.locator(".st-key-predict_reveal button").click()
    settle(page)
    page.wait_for_selector('.esxi-diagram[data-step="5"]:not([data-ahead])')
    answered = state(page)
    assert answered["asked"] == "1" and answered["verdicts"] >= 2 and "answers=" in page.url
    page.reload()
    settle(page)
    assert state(page) == answered  # the score and the verdicts of this step
    # an added access: a read of VM1/p1 0x7000 after step 5
    page.locator(".st-key-acc_gva input").fill("0x7000")
    page.locator(".st-key-acc_submit button").click()
    settle(page)
    page.wait_for_selector('.esxi-diagram[data-step="6"]:not([data-ahead])')
    before = state(page)
    assert before["asked"] == "1" and before["added"] and "added=5.r.0.7000" in page.url
    page.reload()
    settle(page)
    assert state(page) == before
    other = browser.new_context(viewport={"width": 1366, "height": 650}).new_page()  # the link sent to someone
    other.goto(page.url)
    settle(other)
    assert state(other) == before
    other.context.close()
    # a changed cost
    open_page(page, server, "/Costs?lang=en")
    box = page.locator(".st-key-_cost-walk_ref input")
    box.fill("200")
    box.press("Enter")
    settle(page)
    assert "cost.walk_ref=200" in page.url
    page.reload()
    settle(page)
    page.wait_for_function("() => { const i = document.querySelector('.st-key-_cost-walk_ref input');"
                           " return i && i.value === '200'; }", timeout=20_000)


QUIET_PAGES = ["/Step_through?scenario=mmu-caches&mode=nested&step=5&lang=en",
               "/Step_through?scenario=esxi-figure&mode=both&step=3&lang=de&lecture=1",
               "/Step_through?scenario=esxi-figure&mode=shadow&step=3&lang=en&predict=1",
               "/Lessons?lang=de", "/Compare?lang=en"]


def test_a_page_left_alone_changes_nothing_in_itself(page, server):
    """The app's page scripts (accessibility names, the skip link, fitting, paging) run when the
    page changes; a page nobody touches must not change itself. A script writing the skip link's
    text again on every run made each write trigger the next: 60 runs a second, 15 % of a core,
    for as long as a step page was open."""
    for path in QUIET_PAGES:
        open_page(page, server, path)
        page.wait_for_timeout(1500)  # the first runs of the page scripts (fonts, fitting) end
        changes = page.evaluate("""() => new Promise(done => {
            const seen = [];
            const o = new MutationObserver(ms => { for (const m of ms) seen.push(
                m.type + ' ' + (m.target.id || m.target.className || m.target.nodeName) +
                (m.attributeName ? ' @' + m.attributeName : '')); });
            o.observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
            setTimeout(() => { o.disconnect(); done(seen); }, 2000); })""")
        assert changes == [], (path, changes[:10], len(changes))
