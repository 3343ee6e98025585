"""The Lessons page and predict mode on the step page, driven by AppTest."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from visualizer.engine import Mode, builtin

ROOT = Path(__file__).resolve().parents[1]


def lessons_page(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "5_Lessons.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def html_of(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


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
