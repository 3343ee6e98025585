"""Learning mode in a real browser: a lesson from its first step to its last, answering one
question right and one wrong at each step, with the score and the explanations shown; predict
mode on the step page. Screenshots at 1280 × 720 (and 1920 × 1080), EN and DE, go to
``screenshots/latest/learn/`` (``UPDATE_SCREENSHOTS=1``: ``screenshots/learn/``)."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from visualizer.learn import lessons as L
from visualizer.learn import questions as Q
from visualizer.text.i18n import t

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

LESSON = "02-shadow-paging"


lesson_questions = L.step_questions


def answer(page, q: Q.Question, lang: str, right: bool) -> None:
    prompt = Q.prompt(q, lang)
    if q.choices:
        value = q.answer if right else next(c for c in q.choices if c != q.answer)
        group = page.get_by_role("radiogroup", name=prompt)
        group.get_by_text(Q.choice_label(q, value, lang), exact=True).click()
    else:
        box = page.get_by_label(prompt)
        box.fill(str(q.answer if right else q.answer + 3))
        box.press("Tab")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_lesson_from_start_to_end(server, browser, lang):
    les = L.builtin_lesson(LESSON)
    (SHOTS / "learn").mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    right = asked = 0
    try:
        page.goto(f"{server}/Lessons?lesson={LESSON}&step=1&lang={lang}")
        for i, step in enumerate(les.steps):
            page.wait_for_selector(f'.esxi-diagram[data-lesson-step="{i + 1}"] svg')
            qs = lesson_questions(les, i)
            if qs:
                # the step's explanation would give the answers away: it comes after the reveal;
                # what helps to answer (the prompt) comes with the questions
                assert page.locator(".st-key-lesson_commentary").count() == 0
                assert page.locator(".st-key-lesson_prompt").inner_text().strip()[:30] == \
                    step.prompt_in(lang).replace("*", "").strip()[:30]
                for k, q in enumerate(qs):
                    answer(page, q, lang, right=(k == 0))
                page.locator('[data-testid="stFormSubmitButton"] button').click()
                right, asked = right + 1, asked + len(qs)
                page.wait_for_selector(f'.lesson-score[data-right="{right}"][data-asked="{asked}"]')
                page.wait_for_selector(f'.esxi-diagram[data-step="{step.at}"]:not([data-ahead]) svg')
                settle(page)
                results = page.locator(".q-result")
                assert results.count() == len(qs)
                assert page.locator(".q-result.right").count() == 1
                assert page.locator(".q-result.wrong").count() == len(qs) - 1
                first = Q.explanation(qs[0], lang)[0]
                assert first in page.locator(".q-result").first.inner_text()
            assert page.locator(".st-key-lesson_commentary").count() == 1  # the explanation, after the reveal
            assert page.locator(".st-key-lesson_prompt").count() == 0
            page.locator('[data-testid="stSelectbox"]').first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / "learn" / f"lesson-{LESSON}-step{i + 1}-{lang}.png"))
            if i < len(les.steps) - 1:
                page.locator(".st-key-lesson_next button").click()
        assert right == len([s for s in les.steps if s.ask]) and asked > right
        done = t("lesson.done", lang, right=right, asked=asked)
        page.get_by_text(done).wait_for()
    finally:
        ctx.close()


def test_a_reload_keeps_the_lessons_answers_and_score(server, browser):
    """F5 starts a new Streamlit session: the answers live in the address bar (done=)."""
    les = L.builtin_lesson(LESSON)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Lessons?lesson={LESSON}&step=1&lang=de")
        asked = 0
        for i in range(2):
            page.wait_for_selector(f'.esxi-diagram[data-lesson-step="{i + 1}"] svg')
            qs = lesson_questions(les, i)
            for q in qs:
                answer(page, q, "de", right=True)
            page.locator('[data-testid="stFormSubmitButton"] button').click()
            asked += len(qs)
            page.wait_for_selector(f'.lesson-score[data-right="{asked}"][data-asked="{asked}"]')
            settle(page)
            if i == 0:
                page.locator(".st-key-lesson_next button").click()
        page.wait_for_function("() => location.search.includes('done=1.')")
        page.reload()
        page.wait_for_selector('.esxi-diagram[data-lesson-step="2"] svg')
        settle(page)
        assert page.locator(f'.lesson-score[data-right="{asked}"][data-asked="{asked}"]').count() == 1
        assert page.locator(".q-result.right").count() == len(lesson_questions(les, 1))  # the results, not the form
        assert page.locator('[data-testid="stFormSubmitButton"]').count() == 0
        assert page.locator('[data-testid="stAlert"]').count() == 0
        page.locator(".st-key-lesson_restart button").click()
        page.wait_for_selector('.lesson-score[data-right="0"][data-asked="0"]')
        settle(page)
        assert "done=" not in page.url
    finally:
        ctx.close()


LABELS = """() => {
  const box = document.querySelector('.esxi-diagram'), svg = box.querySelector('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const px = [...svg.querySelectorAll('g.node[id^="gva-"] text, g.node[id^="gpa-"] text, g.node[id^="ma-"] text')]
    .map(t => parseFloat(t.getAttribute('font-size')) * scale);
  const b = box.getBoundingClientRect();
  const cur = [...box.querySelectorAll('g.node.current')].map(n => n.getBoundingClientRect());
  return {min: Math.min(...px), n: px.length, scrolls: box.scrollWidth > box.clientWidth + 1,
          zoom: box.dataset.zoom, inView: cur.length > 0 && cur.some(r => r.left >= b.left - 1 && r.right <= b.right + 1)};
}"""


@pytest.mark.parametrize("lang, size", [("de", (1366, 768)), ("en", (1280, 720)), ("en", (1920, 1080))])
def test_the_lesson_diagrams_page_labels_are_readable(server, browser, lang, size):
    """The full view of a late step: at 1366 x 768 its page labels were 5.5 px high (fitted to the
    column); drawn readable they are at least 11 px, the diagram scrolls sideways with the
    current access in view — and "fit to width" still shows it whole."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    tag = f"{lang}-{size[0]}x{size[1]}"
    try:
        page.goto(f"{server}/Lessons?lesson={LESSON}&step=7&lang={lang}")
        page.wait_for_selector('.esxi-diagram[data-lesson-step="7"] svg')
        settle(page)
        m = page.evaluate(LABELS)
        assert m["zoom"] == "readable" and m["n"] > 40 and m["min"] >= 11 - 0.05, m
        assert m["scrolls"] and m["inView"], m
        (SHOTS / "learn").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "learn" / f"lesson-readable-{tag}.png"))
        page.locator(f'.st-key-_lesson_zoom-{lang} input[type="range"]').focus()
        page.keyboard.press("ArrowLeft")                           # readable → fit to width
        page.wait_for_selector('.esxi-diagram[data-zoom="fit"] svg')
        settle(page)
        m = page.evaluate(LABELS)
        assert not m["scrolls"] and m["min"] < 11, m
    finally:
        ctx.close()


@pytest.mark.parametrize("lang, size", [("en", (1280, 720)), ("de", (1280, 720)), ("en", (1920, 1080))])
def test_predict_mode_on_the_step_page(server, browser, lang, size):
    (SHOTS / "learn").mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    tag = f"{lang}-{size[0]}x{size[1]}"
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=8&predict=1&lang={lang}")
        page.wait_for_selector('.esxi-diagram[data-step="8"]:not([data-ahead]) svg')
        page.locator(".st-key-step_forward button").click()
        page.wait_for_selector(".st-key-predict_box")
        # not stepped yet (a retrying check: while the rerun's output replaces the last, the old
        # stage can be on the page beside the new one for a moment)
        expect(page.locator('.esxi-diagram:not([data-ahead])')).to_have_count(1)
        expect(page.locator('.esxi-diagram[data-step="8"]:not([data-ahead])')).to_have_count(1)
        from visualizer.engine import Mode, builtin
        s = builtin("esxi-figure")
        m = s.machine(Mode.SHADOW)
        rec = [m.execute(op, i) for i, op in enumerate(s.trace)][8]
        qs = Q.questions_for(rec, m, Mode.SHADOW)
        for k, q in enumerate(qs):
            answer(page, q, lang, right=(k != 1))
        page.screenshot(path=str(SHOTS / "learn" / f"predict-ask-{tag}.png"))
        if size[1] >= 1080:  # the questions side by side, the last step's story folded: the diagram starts on screen
            top = page.evaluate("() => document.querySelector('.esxi-diagram').getBoundingClientRect().top")
            assert top < size[1] - 200, f"diagram starts at {top:.0f} px while asking"
        page.locator(".st-key-predict_reveal button").click()
        page.wait_for_selector('.esxi-diagram[data-step="9"]:not([data-ahead]) svg')
        page.wait_for_selector(f'.predict-score[data-right="{len(qs) - 1}"][data-asked="{len(qs)}"]')
        settle(page)
        assert page.locator(".q-result.wrong:visible").count() == 1
        results = page.locator(".predict-results")
        assert Q.explanation(qs[0], lang)[0] not in results.inner_text()  # folded: the diagram stays near
        results.locator("summary").first.click()                          # the explanations, on request
        page.wait_for_function("([t]) => document.querySelector('.predict-results').innerText.includes(t)",
                               arg=[Q.explanation(qs[0], lang)[0]])
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / "learn" / f"predict-reveal-{tag}.png"))
        assert "predict=1" in page.url
    finally:
        ctx.close()


FITS = """() => {
  const vh = window.innerHeight;
  const d = document.querySelector('.esxi-diagram.lecture');
  const parts = [...d.querySelectorAll('svg g.node, svg g.edge, svg g.cluster')].map(g => g.getBoundingClientRect());
  const box = document.querySelector('.st-key-predict_box, .predict-results');
  const narr = document.querySelector('.lecture-narration');
  return {vh, diagram: Math.max(...parts.map(p => p.bottom)), diagramTop: Math.min(...parts.map(p => p.top)),
          box: box ? box.getBoundingClientRect().bottom : null, boxTop: box ? box.getBoundingClientRect().top : null,
          narrTop: narr ? narr.getBoundingClientRect().top : null,
          reveal: !!document.querySelector('.st-key-predict_reveal button'),
          minText: Math.min(...[...d.querySelectorAll('svg text')].filter(t => t.textContent.trim())
            .map(t => t.getBoundingClientRect().height))};
}"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_predict_in_lecture_mode_fits_1280x720_and_the_key_reveals(server, browser, lang):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=3&lang={lang}&present=1&predict=1")
        page.wait_for_selector('.esxi-diagram.lecture[data-step="3"]:not([data-ahead]) svg')
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        settle(page)  # the presenter presses once the page has loaded
        page.wait_for_selector(".st-key-lec_forward button:not([disabled])")
        page.keyboard.press("PageDown")  # a clicker: first the questions about step 4
        page.wait_for_selector(".st-key-predict_box .st-key-predict_reveal")
        page.wait_for_timeout(400)
        m = page.evaluate(FITS)
        assert m["reveal"] and m["diagram"] <= m["boxTop"] + 1, m   # the whole diagram above the questions
        assert m["box"] <= m["vh"], m                                # the questions and the reveal button on screen
        assert m["minText"] >= 14, m                                 # the diagram stays readable from the back row
        (SHOTS / "learn").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "learn" / f"predict-lecture-ask-{lang}.png"))
        page.keyboard.press("PageUp")  # back closes the questions: the view stays at step 3
        page.wait_for_selector(".st-key-predict_box", state="detached")
        assert page.locator('.esxi-diagram.lecture[data-step="3"]:not([data-ahead])').count() == 1
        page.keyboard.press("PageDown")
        page.wait_for_selector(".st-key-predict_box .st-key-predict_reveal")
        page.keyboard.press("PageDown")  # … then the step, the answers and the narration
        page.wait_for_selector('.esxi-diagram.lecture[data-step="4"]:not([data-ahead]) svg')
        page.wait_for_selector(".predict-results .q-result")
        page.wait_for_timeout(400)
        m = page.evaluate(FITS)
        assert m["diagram"] <= m["boxTop"] + 1 and m["box"] <= m["narrTop"] + 1, m
        assert m["narrTop"] < m["vh"] - 60, m                        # the narration starts on screen
        # revealed to the room without answers: each answer shown, none marked wrong, nothing scored
        results = page.locator(".predict-results .q-result")
        assert results.count() >= 1 and results.count() == page.locator(".q-result.open").count()
        for k in range(results.count()):
            box = results.nth(k).bounding_box()
            assert box["y"] + box["height"] <= m["vh"], "every answer on screen"
        assert page.locator('.predict-score[data-right="0"][data-asked="0"]').count() == 1
        page.screenshot(path=str(SHOTS / "learn" / f"predict-lecture-reveal-{lang}.png"))
    finally:
        ctx.close()
