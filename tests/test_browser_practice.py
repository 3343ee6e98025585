"""The Practice page in a real browser: a seeded set from the link, one answer right and one wrong —
the verdicts, the explanations and the score shown, and after a reload the answered question's
verdict — in English and German; an exercise about both modes opening each mode on the step page at
the step its question names; the kinds readable at 1366 × 768; and the presenter view at 1280 × 720
(Streamlit's chrome hidden, the question in large text) revealing the answer by key and moving on by
key. Screenshots go to ``screenshots/latest/learn`` (``UPDATE_SCREENSHOTS=1``: ``screenshots/learn``)."""
from __future__ import annotations

import os

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server, settle  # noqa: F401 (fixtures)
from visualizer.learn import exercises as X
from visualizer.text.i18n import t

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def first_sentence(text: str) -> str:
    return text.split(". ")[0]


def answer(page, ex, lang: str, right: bool) -> None:
    for f in ex.fields:  # translate: two hex fields
        v = int(ex.expected(f), 16) + (0 if right else 0x1000)
        box = page.get_by_label(X.field_label(f, lang))
        # after "next" the new exercise's fields can be drawn while the last one's are still on
        # the page (the rerun not yet finished): wait for the one field
        page.wait_for_function("([label]) => [...document.querySelectorAll('input')].filter(i => "
                               "i.getAttribute('aria-label') === label).length === 1", arg=[X.field_label(f, lang)])
        box.fill(f"0X{v:X}" if right else f"0x{v:x}")
    page.get_by_role("button", name=t("ex.page.check", lang), exact=True).click()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_practice_one_answer_right_one_wrong_with_score_and_explanations(server, browser, lang):
    exs = X.generate(5, ("translate",), 3)
    shots = SHOTS / "learn"
    shots.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Practice?seed=5&kind=translate&count=3&lang={lang}")
        page.get_by_text(t("ex.page.position", lang, i=1, n=3)).wait_for()
        page.get_by_text(first_sentence(X.question(exs[0], lang))).wait_for()
        answer(page, exs[0], lang, right=True)
        page.get_by_test_id("stAlertContentSuccess").get_by_text(t("ex.page.right", lang), exact=True).wait_for()
        # and where it is seen whatever the scroll: a toast
        page.get_by_test_id("stToastText").get_by_text(t("ex.page.right", lang), exact=True).wait_for()
        page.get_by_text(first_sentence(X.explanation(exs[0], lang))).wait_for()
        page.get_by_text(t("ex.page.score", lang, right=1, n=1)).first.wait_for()
        page.get_by_role("button", name=t("ex.page.next", lang), exact=True).click()
        page.get_by_text(t("ex.page.position", lang, i=2, n=3)).wait_for()
        answer(page, exs[1], lang, right=False)
        page.get_by_text(t("ex.page.score", lang, right=1, n=2)).first.wait_for()
        q = ("“{}”", "„{}“")[lang == "de"]
        wrong = q.format(X.field_label(exs[1].fields[0], lang)) + t("ex.page.and", lang) + \
            q.format(X.field_label(exs[1].fields[1], lang))
        page.get_by_test_id("stAlertContentError").get_by_text(t("ex.page.wrong_many", lang, fields=wrong)).wait_for()
        page.get_by_text(first_sentence(X.explanation(exs[1], lang))).wait_for()
        assert exs[1].answer["ma"] in page.locator('[data-testid="stMain"]').inner_text()
        page.wait_for_url("**q=2**")
        # "see it happen": the exercise's own scenario on the step page, in a new tab, after its step
        with ctx.expect_page() as opened:
            page.locator(".px-step-link a").get_by_text(t("ex.page.see_it", lang, step=exs[1].step + 1)).click()
        step_page = opened.value
        step_page.wait_for_selector(f'.esxi-diagram[data-step="{exs[1].step + 1}"][data-mode="{exs[1].mode}"]:not([data-ahead]) svg')
        shown = step_page.locator('[data-testid="stMain"]').inner_text()
        assert exs[1].answer["ma"].lower() in shown.lower(), "the step's narration names the MA of the answer"
        step_page.close()
        # a reload starts a new session: the address bar kept the answers, so the score stays
        page.wait_for_url("**done=rw**")
        page.reload()
        page.get_by_text(t("ex.page.position", lang, i=2, n=3)).wait_for()
        page.get_by_text(t("ex.page.score", lang, right=1, n=2)).first.wait_for()
        # and the question answered before shows its verdict and answer, not an empty form
        page.get_by_test_id("stAlertContentError").get_by_text(t("ex.page.wrong_kept", lang), exact=True).wait_for()
        page.get_by_text(first_sentence(X.explanation(exs[1], lang))).wait_for()
        assert page.get_by_role("button", name=t("ex.page.check", lang), exact=True).count() == 0
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"practice-{lang}.png"))
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.wait_for_timeout(400)
        page.screenshot(path=str(shots / f"practice-wide-{lang}.png"))
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_exercise_about_both_modes_opens_each_mode_at_the_step_its_question_names(server, browser, lang):
    (ex,) = X.generate(0, ("walk-refs",), 1)
    assert ex.mode == "both"
    step = ex.step + 1
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Practice?seed=0&kind=walk-refs&count=1&lang={lang}")
        page.get_by_text(first_sentence(X.question(ex, lang))).wait_for()
        assert f" {step} " in X.question(ex, lang)
        settle(page)  # the page's run has ended: an expander opened while it runs may be drawn anew, closed
        page.get_by_text(t("ex.page.scenario", lang)).click()
        for mode, count in (("shadow", ex.answer["by_mode"]["shadow"]["walk_refs"]),
                            ("nested", ex.answer["by_mode"]["nested"]["walk_refs"])):
            with ctx.expect_page() as opened:
                page.locator(f'.px-step-link[data-mode="{mode}"] a').get_by_text(
                    t(f"ex.page.open_step.{mode}", lang, step=step)).click()
            step_page = opened.value
            step_page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')
            main = step_page.locator('[data-testid="stMain"]').inner_text()
            # the step page names the same step, describes the generated scenario, and narrates
            # this mode's walk (its reference count)
            assert t("step.position", lang, step=step, total=len(ex.facts["trace"])) in main
            assert X.kind_title(ex.kind, lang) in main and ("Practice exercise 1" in main or "Übungsaufgabe 1" in main)
            assert str(count) in main
            step_page.close()
    finally:
        ctx.close()


def test_the_kinds_are_readable_at_1366_by_768(server, browser):
    shots = SHOTS / "learn"
    shots.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Practice?seed=0&lang=de")
        page.get_by_text(t("ex.page.position", "de", i=1, n=10)).wait_for()
        settle(page)
        for kind in X.KINDS:
            label = page.get_by_test_id("stMain").get_by_text(X.kind_title(kind, "de"), exact=True)
            box = label.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768, kind
            # not cut off: the whole label fits in its pill
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), kind
        page.screenshot(path=str(shots / "practice-kinds-de.png"))
        # a click on a kind leaves it out, and the set follows
        page.get_by_test_id("stMain").get_by_text(X.kind_title("cheaper", "de"), exact=True).click()
        page.wait_for_url("**kind=translate%2Cwalk-refs%2Cexits%2Ctlb**")
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_presenter_view_full_screen_reveals_by_key(server, browser, lang):
    exs = X.generate(2, None, 3)
    shots = SHOTS / "learn"
    shots.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Practice?seed=2&count=3&present=1&lang={lang}")
        q = page.locator('.px-question[data-q="1"]')
        q.wait_for()
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        assert page.locator('[data-testid="stHeader"]').is_hidden(), "Streamlit's toolbar shows in the presenter view"
        assert X.question(exs[0], lang) in q.inner_text()
        size = q.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 24, f"question text {size} px"
        box = q.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720 and box["x"] + box["width"] <= 1280
        assert page.locator("[data-revealed]").count() == 0
        page.screenshot(path=str(shots / f"practice-present-{lang}.png"))
        page.keyboard.press("r")
        page.locator('[data-revealed="1"]').wait_for()
        shown = page.locator(".px-answer").inner_text()
        assert X.field_label(exs[0].fields[0], lang) in shown
        assert first_sentence(X.explanation(exs[0], lang)) in page.locator(".px-why").inner_text()
        page.screenshot(path=str(shots / f"practice-present-revealed-{lang}.png"))
        page.keyboard.press("ArrowRight")
        page.locator('.px-question[data-q="2"]').wait_for()
        # the next question comes unrevealed (the last one's answer may linger for a frame while
        # the page is redrawn on a loaded machine: wait for it to go, fail if it stays)
        page.wait_for_function("() => document.querySelectorAll('[data-revealed]').length === 0", timeout=10_000)
        page.keyboard.press("Enter")
        page.locator('[data-revealed="1"]').wait_for()
        page.keyboard.press("PageUp")
        page.locator('.px-question[data-q="1"]').wait_for()
    finally:
        ctx.close()


def test_presenter_view_keeps_each_table_with_its_entries_and_keys_are_not_lost(server, browser):
    """A translation's page tables in two columns: no column break between "PD @ gPA …:" and its
    entries (a lecturer saw one); and five quick → presses move five questions on."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Practice?seed=2&kind=translate&count=8&present=1&lang=en")
        page.locator('.px-question[data-q="1"]').wait_for()
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        assert page.locator(".px-given.cols").count() == 1
        lefts = page.evaluate("""() => [...document.querySelectorAll('.px-given .px-block')]
            .map(b => [...b.children].map(d => Math.round(d.getBoundingClientRect().left)))""")
        tables = [b for b in lefts if len(b) > 1]
        assert tables and all(len(set(b)) == 1 for b in tables), lefts
        assert len({b[0] for b in lefts}) == 2, "two columns"
        for _ in range(5):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(120)
        try:
            page.locator('.px-question[data-q="6"]').wait_for()
        except Exception:
            shown = page.evaluate("() => [document.querySelector('.px-question')?.dataset.q, "
                                  "JSON.stringify(window.__esxiPressLog), !!window.__esxiKeysSend]")
            raise AssertionError(f"after five presses: question, unacknowledged presses, sender: {shown}") from None
    finally:
        ctx.close()
