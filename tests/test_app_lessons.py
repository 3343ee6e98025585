"""The Lessons page and predict mode on the step page, driven by AppTest."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_support import svg_views

from visualizer.engine import Mode, builtin

ROOT = Path(__file__).resolve().parents[1]


def lessons_page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "5_Lessons.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def html_of(at: AppTest) -> str:
    """The page's markdown and the markup of its SVG views (the step page's stage holds the status
    line and the verdicts)."""
    return "\n".join([m.value for m in at.markdown] + list(svg_views(at).values()))


def test_a_lesson_step_asks_then_reveals_marks_and_scores():
    at = lessons_page(lesson="02-shadow-paging", step="1")
    assert not at.exception
    radios = {r.key.split(".")[-2]: r for r in at.radio if r.key and r.key.startswith("lq.")}
    assert set(radios) == {"fault", "exit"}
    radios["fault"].set_value("guest-pf+hidden-fault")   # right (the engine's record)
    radios["exit"].set_value("cr3-load")                 # wrong: the first exit is the true guest fault
    next(b for b in at.button if b.label == "Reveal and check").click().run()
    assert not at.exception
    text = html_of(at)
    assert 'data-right="1" data-asked="2"' in text
    assert 'q-result right" data-kind="fault"' in text and 'q-result wrong" data-kind="exit"' in text
    assert "true guest page fault" in text                # the explanation
    at.button(key="lesson_next").click().run()
    assert at.query_params["step"] in ("2", ["2"]) and at.session_state["lesson_i"] == 1


def test_bad_lesson_links_say_so_and_show_a_lesson():
    at = lessons_page(lesson="<b>nope</b>", step="99")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "nope" in warnings and "<b>" not in warnings and "99" in warnings


def test_every_lesson_step_renders_in_german():
    from visualizer.learn.lessons import builtin_lesson, lesson_names
    for name in lesson_names()[:2]:
        n = len(builtin_lesson(name).steps)
        for step in (1, n):
            at = lessons_page(lesson=name, step=str(step), lang="de")
            assert not at.exception, (name, step)


def step_page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "1_Step_through.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def test_predict_mode_asks_before_stepping_and_keeps_score():
    at = step_page(scenario="esxi-figure", step="4", predict="1", mode="shadow")
    at.button(key="step_forward").click().run()
    assert at.session_state["step_session"].step == 4        # asked, not stepped
    radios = {r.key.split(".")[-2]: r for r in at.radio if r.key and r.key.startswith("pq.")}
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    rec = [m.execute(op, i) for i, op in enumerate(s.trace)][4]
    assert set(radios) == {"tlb", "ma"}
    radios["tlb"].set_value(rec.tlb.value)
    radios["ma"].set_value(rec.gpa)                          # the gPA offered as an MA: wrong
    at.button(key="predict_reveal").click().run()
    assert not at.exception
    assert at.session_state["step_session"].step == 5
    text = html_of(at)
    assert 'data-right="1" data-asked="2"' in text and 'q-result wrong" data-kind="ma"' in text
    assert at.query_params["predict"] in ("1", ["1"])


def test_without_predict_step_moves_at_once():
    at = step_page(scenario="esxi-figure", step="4")
    at.button(key="step_forward").click().run()
    assert at.session_state["step_session"].step == 5
    assert not [r for r in at.radio if r.key and r.key.startswith("pq.")]
    assert "predict" not in at.query_params


def test_a_lessons_links_open_in_a_new_tab_and_the_compare_preset_is_taken():
    # following a link in the same tab would start a new session: the lesson's place and score gone
    at = lessons_page(lesson="06-when-each-wins", step="6", lang="de")
    assert not at.exception
    text = html_of(at)
    href = "/Compare?source=generator&amp;kind=pt_churn&amp;seed=1&amp;accesses=3000&amp;lang=de"
    assert f'<a href="{href}" target="_blank" rel="noopener">' in text
    assert '<a href="/Step_through?scenario=' in text and text.count('target="_blank"') >= 2
    # the Compare page opens the preset the lesson names
    cmp = AppTest.from_file(str(ROOT / "pages" / "2_Compare.py"), default_timeout=120)
    for k, v in {"source": "generator", "kind": "pt_churn", "seed": "1", "accesses": "3000", "lang": "de"}.items():
        cmp.query_params[k] = v
    cmp.run()
    assert not cmp.exception and not cmp.warning
    assert cmp.session_state["cmp.kind"] == "pt_churn" and cmp.session_state["cmp.p.pt_churn.accesses"] == 3000


# -- the score: one per lesson, from its recorded answers ------------------------------------------------
def lesson_questions(name: str, i: int) -> list:
    from visualizer.learn import lessons as L
    return L.step_questions(L.builtin_lesson(name), i)


def answer_all(at: AppTest, name: str, right: bool = True) -> list:
    """Answer the open step's questions (each right, or each wrong) and reveal."""
    i = at.session_state["lesson_i"]
    qs = lesson_questions(name, i)
    for q in qs:
        key = next(w.key for w in [*at.radio, *at.number_input] if w.key and w.key.startswith("lq.")
                   and w.key.split(".")[-2] == q.kind)
        if q.choices:
            at.radio(key=key).set_value(q.answer if right else next(c for c in q.choices if c != q.answer))
        else:
            at.number_input(key=key).set_value(q.answer if right else q.answer + 3)
    next(b for b in at.button if b.key and b.key.startswith("lesson_check")).click().run()
    assert not at.exception
    return qs


def score_of(at: AppTest) -> tuple[int, int]:
    import re
    m = re.search(r'class="lesson-score" data-right="(\d+)" data-asked="(\d+)"', html_of(at))
    return int(m.group(1)), int(m.group(2))


def test_each_lesson_has_its_own_score_and_start_over_clears_it():
    one, two = "01-address-spaces", "02-shadow-paging"
    at = lessons_page(lesson=one, step="2")
    asked = len(answer_all(at, one, right=True))
    at.button(key="lesson_next").click().run()
    asked += len(answer_all(at, one, right=False))
    assert score_of(at) == (asked - 1, asked)   # the second step's single question was wrong
    at.selectbox(key="_lesson_name.en").set_value(two).run()
    assert not at.exception and score_of(at) == (0, 0)            # lesson 2 starts at nothing
    n1 = len(answer_all(at, two, right=True))
    assert score_of(at) == (n1, n1)
    at.button(key="lesson_restart").click().run()
    assert score_of(at) == (0, 0) and at.session_state["lesson_i"] == 0
    answer_all(at, two, right=False)
    assert score_of(at) == (0, n1)                                 # the same questions count once
    at.selectbox(key="_lesson_name.en").set_value(one).run()
    assert score_of(at) == (asked - 1, asked)                      # lesson 1's answers are still its own


def test_the_end_of_a_lesson_counts_that_lesson_only():
    name = "02-shadow-paging"
    from visualizer.learn import lessons as L
    les = L.builtin_lesson(name)
    at = lessons_page(lesson="01-address-spaces", step="2")
    answer_all(at, "01-address-spaces")
    at.selectbox(key="_lesson_name.en").set_value(name).run()
    asked = 0
    for i, s in enumerate(les.steps):
        if s.ask:
            asked += len(answer_all(at, name))
        if i < len(les.steps) - 1:
            at.button(key="lesson_next").click().run()
    assert asked == sum(len(s.ask) for s in les.steps)
    assert f"End of the lesson: {asked} of {asked} predictions right." in [s.value for s in at.success]


# -- the answers in the address bar: a reload (a new session) keeps them ---------------------------------------
def test_a_reload_keeps_the_answers_the_score_and_the_results():
    name = "02-shadow-paging"
    at = lessons_page(lesson=name, step="1")
    answer_all(at, name, right=True)
    at.button(key="lesson_next").click().run()
    answer_all(at, name, right=False)
    done = at.query_params["done"]
    done = done[0] if isinstance(done, list) else done
    assert done.startswith("1.") and "_2." in done
    before = score_of(at)
    # F5: a new session with the address bar's parameters
    again = lessons_page(lesson=name, step="2", done=done)
    assert not again.exception and not again.warning
    assert score_of(again) == before == (2, 3)
    text = html_of(again)
    assert 'q-result wrong" data-kind="walk_refs"' in text              # the results box, not the question
    assert not [r for r in again.number_input if r.key and r.key.startswith("lq.")]
    assert again.query_params["done"] in (done, [done])
    again.button(key="lesson_back").click().run()
    assert 'q-result right" data-kind="fault"' in html_of(again) and score_of(again) == (2, 3)
    again.button(key="lesson_restart").click().run()                     # Start over: the link forgets them
    assert score_of(again) == (0, 0) and "done" not in again.query_params


def test_a_bad_done_says_what_is_wrong_and_the_score_starts_empty():
    at = lessons_page(lesson="02-shadow-paging", step="2", done="1.b.z_2.12", lang="de")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "1\\.b\\.z\\_2\\.12" in warnings                      # the value, as the characters it is
    assert "Schritt 1, Frage 2: ihre Auswahl reicht von a bis f" in warnings
    assert score_of(at) == (0, 0) and [r for r in at.number_input if r.key and r.key.startswith("lq.")]
    assert "done" not in at.query_params


def test_the_prompt_shows_with_the_questions_and_the_explanation_after_the_reveal():
    from visualizer.learn import lessons as L
    name = "02-shadow-paging"
    step = L.builtin_lesson(name).steps[1]
    for lang in ("en", "de"):
        at = lessons_page(lesson=name, step="2", lang=lang)
        shown = [m.value for m in at.markdown]
        assert L.safe_markdown(step.prompt_in(lang)) in shown
        assert L.safe_markdown(step.commentary(lang)) not in shown     # it would give the answer away
        answer_all(at, name)
        shown = [m.value for m in at.markdown]
        assert L.safe_markdown(step.commentary(lang)) in shown and L.safe_markdown(step.prompt_in(lang)) not in shown
