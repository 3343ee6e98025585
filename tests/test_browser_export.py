"""Exported files in a real browser, opened with ``file://`` and the network blocked: the keys step
forward and back through every step, ``m`` switches the modes, each step's diagram is the app's
SVG for that step (also compared with the running app's lecture view), nothing leaves the file;
a lesson's verdicts are the Lessons page's; the handout prints one legible step per page.
Screenshots go to ``screenshots/latest/export`` (``UPDATE_SCREENSHOTS=1``: ``screenshots/export``)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from browser_support import CHROMIUM, SHOTS, browser, server  # noqa: F401 (fixtures)
from test_export import lecture_state
from visualizer.engine import Mode, builtin
from visualizer.export import lesson_html, payload, presentation_html
from visualizer.learn import lessons as L
from visualizer.learn import questions as Q

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

OUT = SHOTS / "export"

MEASURE = """() => {
  const ds = [...document.querySelectorAll('#screen .esxi-diagram.lecture')];
  const texts = ds.flatMap(d => [...d.querySelectorAll('svg text')]).filter(t => t.textContent.trim())
    .map(t => t.getBoundingClientRect().height);
  const parts = ds.flatMap(d => [...d.querySelectorAll('svg g.node, svg g.edge, svg g.cluster')])
    .map(g => g.getBoundingClientRect());
  const n = document.getElementById('narr').getBoundingClientRect();
  return {minText: Math.min(...texts), top: Math.min(...parts.map(p => p.top)),
          bottom: Math.max(...parts.map(p => p.bottom)), left: Math.min(...parts.map(p => p.left)),
          right: Math.max(...parts.map(p => p.right)), narrBottom: n.bottom, vw: innerWidth, vh: innerHeight,
          narration: document.getElementById('narr').innerText,
          status: document.getElementById('status').innerText};
}"""

SHAPE = """(sel) => [...document.querySelectorAll(sel + ' svg g.node, ' + sel + ' svg g.edge')]
  .map(g => [g.id, g.getAttribute('class'), g.getAttribute('data-edge') || ''])"""
"""The diagram's nodes and edges: id, classes, and an edge's ends."""


def shape_of(svg: str) -> list:
    """:data:`SHAPE` of an SVG text (the app's, computed in Python)."""
    return [[m.group(1), m.group(2), m.group(3) or ""] for m in
            re.finditer(r'<g id="([^"]*)" class="((?:node|edge)[^"]*)"(?: data-edge="([^"]*)")?', svg)]


def open_file(browser, path, width=1280, height=720, hash_=""):  # noqa: F811
    """The file in a fresh context whose every request but the file's own is refused and noted."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith("file://"):
            r.continue_()
        else:
            outside.append(url)
            r.abort()
    ctx.route("**/*", route)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file://", "data:", "blob:")) else outside.append(r.url))
    page.goto(path.as_uri() + hash_)
    page.wait_for_selector("body[data-ready]")
    return ctx, page, outside, errors


def wait_step(page, step: int, mode: str) -> None:
    page.wait_for_selector(f'#screen .esxi-diagram.lecture[data-step="{step}"][data-mode="{mode}"]:not([data-ahead]) svg')


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_presentation_steps_through_every_step_by_keys_in_both_modes(browser, tmp_path, lang):  # noqa: F811
    s = builtin("esxi-figure")
    total = len(s.trace)
    path = tmp_path / "lecture.html"
    path.write_text(presentation_html(s, [Mode.SHADOW, Mode.NESTED], lang), encoding="utf-8")
    ctx, page, outside, errors = open_file(browser, path)
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        # it opens side by side; m cycles both → shadow → nested → both
        wait_step(page, 0, "shadow")
        wait_step(page, 0, "nested")
        page.keyboard.press("m")
        for mode in ("shadow", "nested"):
            expected = {k: lecture_state(s, Mode(mode), k, lang, True) for k in range(total + 1)}
            forward = ["ArrowRight", " ", "PageDown"]
            for k in range(total + 1):
                if k:
                    page.keyboard.press(forward[k % 3])
                wait_step(page, k, mode)
                sel = f'#screen .esxi-diagram.lecture[data-step="{k}"][data-mode="{mode}"]:not([data-ahead])'
                assert page.evaluate(SHAPE, sel) == shape_of(expected[k][0]), f"{mode} step {k}: not the app's SVG"
                assert page.locator("#screen .esxi-diagram.lecture").count() == 1
                got = page.evaluate(MEASURE)
                where = f"{lang} {mode} step {k}"
                assert got["minText"] >= 14, f"{where}: smallest diagram text {got['minText']:.1f} px"
                assert 0 <= got["left"] and got["right"] <= got["vw"] and 0 <= got["top"], f"{where}: {got}"
                assert got["bottom"] <= got["vh"] and got["narrBottom"] <= got["vh"], f"{where}: {got}"
                if k:
                    first = expected[k][1][0].text
                    assert first[0].upper() + first[1:] in got["narration"], f"{where}: narration of another step"
                assert f"{k}" in got["status"]
                if mode == "shadow" and k in (0, 1, 8):
                    page.screenshot(path=str(OUT / f"esxi-figure-{mode}-{lang}-step{k:02d}.png"))
            # back, one step at a time, with both back keys; Home from the middle
            for k in range(total - 1, -1, -1):
                page.keyboard.press("ArrowLeft" if k % 2 else "PageUp")
                wait_step(page, k, mode)
            page.keyboard.press("ArrowLeft")  # nothing before step 0
            wait_step(page, 0, mode)
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            wait_step(page, 5, mode)
            assert f"step=5&mode={mode}" in page.url
            page.keyboard.press("Home")
            wait_step(page, 0, mode)
            page.keyboard.press("m")
        # both side by side again: the same step in both modes, each with its own caption
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        wait_step(page, 3, "shadow")
        wait_step(page, 3, "nested")
        assert page.locator(".both-caption").count() == 2
        page.screenshot(path=str(OUT / f"esxi-figure-both-{lang}-step03.png"))
        # a reload keeps the place (the address's #fragment)
        page.reload()
        page.wait_for_selector("body[data-ready]")
        wait_step(page, 3, "nested")
        assert page.evaluate("document.body.dataset.view") == "both"
        assert outside == [] and errors == []
    finally:
        ctx.close()


def test_the_files_diagram_is_the_running_apps_at_every_step(server, browser, tmp_path):  # noqa: F811
    """The lecture view of the app and the file, stepped side by side: the same SVG, element for element."""
    s = builtin("esxi-figure")
    total = len(s.trace)
    path = tmp_path / "lecture.html"
    path.write_text(presentation_html(s, [Mode.SHADOW, Mode.NESTED], "en", view="shadow"), encoding="utf-8")
    ctx, page, outside, errors = open_file(browser, path)
    app_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    app = app_ctx.new_page()
    app.set_default_timeout(60_000)
    # the SVG as drawn: the app's page gives its pages roles, names and tab stops for keyboards and
    # screen readers after it is drawn (visualizer/app/a11y.py); those attributes are left out
    svg = """(sel) => { const c = document.querySelector(sel).cloneNode(true);
        for (const e of [c, ...c.querySelectorAll('*')])
            for (const a of ['role', 'tabindex', 'aria-label']) e.removeAttribute(a);
        return c.outerHTML; }"""
    try:
        app.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang=en&present=1&figure=1")
        app.wait_for_selector('.esxi-diagram.lecture[data-step="0"][data-mode="shadow"]:not([data-ahead]) svg')
        app.wait_for_function("() => !!window.__esxiKeyHandler")
        for mode in ("shadow", "nested"):
            for k in range(total + 1):
                if k:
                    app.keyboard.press("ArrowRight")
                    page.keyboard.press("ArrowRight")
                sel = f'.esxi-diagram.lecture[data-step="{k}"][data-mode="{mode}"]:not([data-ahead]) svg'
                app.wait_for_selector(sel)
                wait_step(page, k, mode)
                assert page.evaluate(svg, "#screen " + sel) == app.evaluate(svg, sel), f"{mode} step {k}"
            app.keyboard.press("Home")
            page.keyboard.press("Home")
            app.wait_for_selector(f'.esxi-diagram.lecture[data-step="0"][data-mode="{mode}"]:not([data-ahead]) svg')
            app.keyboard.press("m")
            page.keyboard.press("m")
        assert outside == [] and errors == []
    finally:
        app_ctx.close()
        ctx.close()


def test_a_compressed_file_opens_and_a_single_mode_has_no_mode_key(browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setattr(payload, "PLAIN_LIMIT", 0)
    s = builtin("tlb-reach")
    path = tmp_path / "long.html"
    path.write_text(presentation_html(s, [Mode.NESTED], "en", steps="1990-2000", figure=False), encoding="utf-8")
    assert 'data-encoding="deflate"' in path.read_text(encoding="utf-8")
    ctx, page, outside, errors = open_file(browser, path, 1366, 768)
    try:
        wait_step(page, 1990, "nested")
        assert page.locator("#b-mode").count() == 0
        page.keyboard.press("m")
        page.keyboard.press("End")
        for _ in range(10):
            page.keyboard.press("PageDown")
        wait_step(page, 2000, "nested")
        assert "Step 2000 of 2000" in page.locator("#status").inner_text()
        expected = lecture_state(s, Mode.NESTED, 2000, "en", False)[0]
        sel = '#screen .esxi-diagram.lecture[data-step="2000"][data-mode="nested"]:not([data-ahead])'
        assert page.evaluate(SHAPE, sel) == shape_of(expected)
        page.screenshot(path=str(OUT / "tlb-reach-nested-en-step2000-1366.png"))
        assert outside == [] and errors == []
    finally:
        ctx.close()


def test_printing_builds_the_same_handout_the_static_file_has(browser, tmp_path):  # noqa: F811
    s = builtin("esxi-figure")
    built, static = tmp_path / "built.html", tmp_path / "static.html"
    built.write_text(presentation_html(s, [Mode.SHADOW, Mode.NESTED], "de", steps="0-4"), encoding="utf-8")
    static.write_text(presentation_html(s, [Mode.SHADOW, Mode.NESTED], "de", steps="0-4", static=True),
                      encoding="utf-8")
    got = []
    for path in (built, static):
        ctx, page, outside, errors = open_file(browser, path)
        try:
            page.evaluate("window.buildPrint()")
            got.append(page.evaluate("document.getElementById('print').innerHTML"))
            assert outside == [] and errors == []
        finally:
            ctx.close()
    assert got[0] == got[1] and got[0].count('class="sheet"') == 10


def lesson_answers(les, right: bool) -> dict:
    """For every step that asks: a given answer per question — the right one, or a wrong one
    (the first question of the first step that asks is left open: it counts for nothing)."""
    out = {}
    for i, step in enumerate(les.steps):
        if not step.ask:
            continue
        given = []
        for q in L.step_questions(les, i):
            if q.choices:
                given.append(next(c for c in q.choices if q.check(c) == right))
            else:
                given.append(q.answer if right else q.answer + 1)
        if not right and not out:
            given[0] = None
        out[i] = given
    return out


def page_verdicts(name: str, lang: str, answers: dict) -> dict:
    """What the Lessons page records for ``answers`` (given through its link's ``done``, which it
    checks with its own questions): {step index: [(question, given, right)]}."""
    from streamlit.testing.v1 import AppTest

    from test_app_lessons import ROOT
    les = L.builtin_lesson(name)
    results = {i: [(q, g, q.check(g)) for q, g in zip(L.step_questions(les, i), given, strict=True)]
               for i, given in answers.items()}
    at = AppTest.from_file(str(ROOT / "pages" / "5_Lessons.py"), default_timeout=120)
    at.query_params.update({"lesson": name, "step": "1", "lang": lang, "done": L.done_param(results)})
    at.run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    return {idx: v for (key, idx), v in at.session_state["lesson_answers"].items() if key == name}


@pytest.mark.parametrize("name, lang", [("02-shadow-paging", "en"), ("04-nested-paging", "de")])
def test_a_lessons_verdicts_in_the_file_are_the_lessons_pages(browser, tmp_path, name, lang):  # noqa: F811
    les = L.builtin_lesson(name)
    path = tmp_path / "lesson.html"
    path.write_text(lesson_html(les, lang), encoding="utf-8")
    ctx, page, outside, errors = open_file(browser, path)
    try:
        for right in (False, True):
            answers = lesson_answers(les, right)
            on_page = page_verdicts(name, lang, answers)
            assert set(on_page) == set(answers)
            page.click("#b-restart")
            for i in range(len(les.steps)):
                page.wait_for_selector(f'body[data-step="{i + 1}"]')
                if i in answers:
                    form = page.locator("form.ask")
                    for k, given in enumerate(answers[i]):
                        field = form.locator("fieldset").nth(k)
                        q = on_page[i][k][0]
                        if given is None:
                            continue
                        if q.choices:
                            field.locator("input").nth(q.choices.index(given)).check()
                        else:
                            field.locator("input").fill(str(given))
                    form.locator("button").click()
                    shown = page.locator(".lesson-results .q-result")
                    assert shown.count() == len(answers[i])
                    for k, (q, given, ok) in enumerate(on_page[i]):
                        cls = shown.nth(k).get_attribute("class")
                        want = "open" if given is None else ("right" if ok else "wrong")
                        assert cls == f"q-result {want}", f"{name} step {i + 1} {q.kind}: {cls} on the page: {want}"
                        verdict = shown.nth(k).locator("xpath=./b").inner_text()
                        answer = Q.answer_label(q, lang)
                        assert answer in verdict and (given is None or ok or Q.choice_label(q, given, lang) in verdict
                                                      if q.choices else str(given) in verdict)
                    if i == 1 and not right:
                        page.screenshot(path=str(OUT / f"lesson-{name}-{lang}-checked.png"))
                if i < len(les.steps) - 1:
                    page.click("#b-next")
            score = L.score_of(on_page.values())
            assert page.locator("#score").get_attribute("data-right") == str(score.right)
            assert page.locator("#score").get_attribute("data-asked") == str(score.asked)
            assert page.locator(".done").count() == 1
        # a number the page's box would not take is named, not scored
        page.click("#b-restart")
        numbered = next((i for i in range(len(les.steps)) if any(not q.choices for q in L.step_questions(les, i))),
                        None)
        if numbered is not None:
            for _ in range(numbered):
                page.click("#b-next")
            page.locator("form.ask input[type=text]").first.fill("-3")
            page.locator("form.ask button").click()
            assert page.locator("form.ask .err").inner_text().strip()
            assert page.locator(".lesson-results").count() == 0
        assert outside == [] and errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_pdf_of_the_figure_in_both_modes_has_one_legible_step_per_page(browser, tmp_path, lang):  # noqa: F811
    from visualizer.cli import main
    s = builtin("esxi-figure")
    pdf = tmp_path / "handout.pdf"
    assert main(["export", "esxi-figure", "--mode", "both", "--lang", lang, "--pdf", "-o", str(pdf)]) == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    steps = 2 * (len(s.trace) + 1)
    assert steps < pages <= steps + 6, f"{pages} pages for {steps} steps (and the concepts at the end)"
    boxes = {tuple(round(float(v)) for v in m.group(1).split()) for m in re.finditer(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes == {(0, 0, 842, 595)}, boxes  # A4 landscape, in points
    # legible: the printed layout, measured as the print media lays it out on A4 landscape
    html = tmp_path / "handout.html"
    html.write_text(presentation_html(s, [Mode.SHADOW, Mode.NESTED], lang, static=True), encoding="utf-8")
    ctx, page, outside, errors = open_file(browser, html, 1032, 703)
    try:
        page.emulate_media(media="print")
        got = page.evaluate("""() => [...document.querySelectorAll('#print .sheet')].map(s => {
            const n = s.querySelector('.sheet-narr'), d = s.querySelector('.sheet-dia');
            const texts = [...d.querySelectorAll('svg text')].filter(t => t.textContent.trim())
              .map(t => t.getBoundingClientRect().height);
            const items = [...n.querySelectorAll('li')].map(li => li.getBoundingClientRect());
            const nb = n.getBoundingClientRect(), sb = s.getBoundingClientRect();
            return {step: s.dataset.step, minText: Math.min(...texts), cut: n.scrollHeight > n.clientHeight + 1,
                    below: items.some(r => r.bottom > sb.bottom + 1 || r.right > nb.right + 1),
                    narrFont: parseFloat(getComputedStyle(n.querySelector('ol')).fontSize)}; })""")
        assert len(got) == steps
        for g in got:
            assert not g["cut"] and not g["below"], f"{lang} step {g['step']}: narration cut off"
            assert g["minText"] >= 9 and g["narrFont"] >= 13, g  # 9 px ≈ 6.8 pt on paper; narration 10 pt
        assert outside == [] and errors == []
    finally:
        ctx.close()
    if shutil.which("pdftoppm"):
        OUT.mkdir(parents=True, exist_ok=True)
        for n in (2, 20):
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", str(n), "-l", str(n), "-singlefile", str(pdf),
                            str(OUT / f"esxi-figure-handout-{lang}-page{n:02d}")], check=True, timeout=60)


def test_the_step_pages_and_lessons_downloads_are_the_exported_files(server, browser, tmp_path):  # noqa: F811
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(90_000)
    from browser_support import settle
    s = builtin("esxi-figure")
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=both&step=3&lang=de&figure=1")
        settle(page)
        button = page.get_by_role("button", name="Präsentation herunterladen")
        button.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "step-page-downloads-de-1366.png"))
        with page.expect_download() as got:
            button.click()
        path = tmp_path / got.value.suggested_filename
        got.value.save_as(path)
        assert path.name == "esxi-figure-both-steps0-14.html"
        want = presentation_html(s, [Mode.SHADOW, Mode.NESTED], "de", figure=True, view="both")
        assert payload.read_script(path.read_text(encoding="utf-8")) == payload.read_script(want)
        with page.expect_download() as got:
            page.get_by_role("button", name="Druckfassung herunterladen").click()
        pdf = tmp_path / got.value.suggested_filename
        got.value.save_as(pdf)
        assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")

        # the diagram's own files, made when a button is pressed: those of the step shown (with
        # both modes shown, the session's own, shadow), here and after a click on Step
        from visualizer.render import dot as D
        from visualizer.render import figure as F
        from visualizer.render.svg import layout_program, render
        m = s.machine(Mode.SHADOW)
        view = F.View(data_only=True, labels=s.labels, ma_slots=F.ma_slots(s.config, s.trace, True))
        for i in range(4):
            rec = m.execute(s.trace[i], i)
            if i < 2:
                continue
            if i == 3:
                page.locator(".st-key-step_forward button").click()
                page.wait_for_selector('.esxi-diagram[data-step="4"]:not([data-ahead]) svg')
                settle(page)
            want = D.to_dot(F.figure(m, F.highlight_of(rec, m), "de", view))
            with page.expect_download() as got:
                page.get_by_role("button", name="Diagramm (DOT)").click()
            assert got.value.suggested_filename == f"esxi-figure-shadow-step{i + 1}.gv"
            got.value.save_as(tmp_path / "d.gv")
            assert (tmp_path / "d.gv").read_text(encoding="utf-8") == want, f"step {i + 1}"
            with page.expect_download() as got:
                page.get_by_role("button", name="Diagramm (SVG)").click()
            got.value.save_as(tmp_path / "d.svg")
            svg = (tmp_path / "d.svg").read_text(encoding="utf-8")
            if layout_program() is not None:
                assert svg == render(want, "svg").decode("utf-8"), f"step {i + 1}"
            assert "<svg" in svg and 'class="node' in svg

        page.goto(f"{server}/Lessons?lesson=05-pmap&step=2&lang=en")
        settle(page)
        page.get_by_text("Export", exact=True).click()
        with page.expect_download() as got:
            page.get_by_role("button", name="Download presentation").click()
        path = tmp_path / got.value.suggested_filename
        got.value.save_as(path)
        les = L.builtin_lesson("05-pmap")
        assert payload.read_script(path.read_text(encoding="utf-8")) == payload.read_script(lesson_html(les, "en"))
    finally:
        ctx.close()


def test_the_exercise_sheet_prints_to_pdf_by_the_same_machinery(tmp_path):
    from visualizer.cli import main
    pdf = tmp_path / "sheet.pdf"
    assert main(["exercises", "--seed", "3", "--count", "4", "--lang", "de", "--pdf", str(pdf)]) == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 2  # the key on its own page
