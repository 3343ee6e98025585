"""The Practice page under AppTest: a seeded set from the link, an answer checked right and one wrong
(the verdict naming the wrong answer's field, the correct answer, the explanation and the score), a
question scored once (after a reload, after Next and Back, and a second check refused), links to the
step page (one per mode for an exercise about both), the kind filter, bad link values as messages,
the presenter view revealing an answer, and the set kept across a language switch."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from visualizer.learn import exercises as X
from visualizer.text.i18n import t
from visualizer.text.plain import JOINER

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "6_Practice.py")


def app(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescape(s: str) -> str:
    return s.replace("\\", "").replace(JOINER, "")


def key(ex, f, lang="en") -> str:
    return f"px_ans.{ex.key}.{f.name}.{f.mode}" + (f".{lang}" if f.choices else "")


def fill(at: AppTest, ex, right: bool, lang="en") -> None:
    """Answer every field of ``ex``: right, or wrong in the first field."""
    for n, f in enumerate(ex.fields):
        want = ex.expected(f)
        bad = not right and n == 0
        if f.kind == "hex":
            v = int(want, 16) + (0x1000 if bad else 0)
            at.text_input(key=key(ex, f, lang)).input(f" 0X{v:X} " if not bad else hex(v))
        elif f.kind == "int":
            at.text_input(key=key(ex, f, lang)).input(str(want + (1 if bad else 0)))
        elif f.kind == "choice":
            other = next(c for c in f.choices if c != want)
            at.radio(key=key(ex, f, lang)).set_value(other if bad else want)
        else:
            chosen = list(want)
            if bad:
                chosen = chosen[1:] if chosen else ["cr3-load"]
            at.multiselect(key=key(ex, f, lang)).set_value(chosen)


def texts(at: AppTest) -> str:
    return unescape(" ".join(m.value for m in [*at.markdown, *at.info, *at.success, *at.error, *at.warning]))


def test_a_seeded_set_answered_right_then_wrong_shows_verdicts_explanations_and_the_score():
    exs = X.generate(5, None, 5)
    at = app(seed="5", count="5")
    assert at.session_state["px.seed"] == 5 and at.query_params["seed"] == "5"
    assert unescape(at.markdown[0].value).startswith("**Question 1 of 5**")
    assert X.question(exs[0], "en") in texts(at)
    fill(at, exs[0], right=True)
    at.button(key="px_check").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [t("ex.page.right", "en")]
    assert X.explanation(exs[0], "en") in texts(at)
    assert "Score: 1 of 1 right" in texts(at)
    at.button(key="px_next").click().run()
    assert unescape(at.markdown[0].value).startswith("**Question 2 of 5**")
    fill(at, exs[1], right=False)
    at.button(key="px_check").click().run()
    wrong = exs[1].fields[0]
    assert len(at.error) == 1 and at.error[0].value.startswith(
        f"Not right: your answer to “{X.field_label(wrong, 'en')}”."), at.error[0].value
    shown = texts(at)
    assert X.explanation(exs[1], "en") in shown
    assert X.answer_text(exs[1], exs[1].fields[0], "en") in shown, "the correct answer is shown"
    assert "Score: 1 of 2 right" in shown
    assert at.query_params["q"] == "2"


def step_links(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "px-step-link" in m.value]


def test_the_step_page_link_names_the_exercise_and_its_step_before_and_after_the_check():
    exs = X.generate(5, ("translate",), 2)
    at = app(seed="5", kind="translate", count="2", lang="de")
    href = X.step_link(exs[0], "de").replace("&", "&amp;")
    links = step_links(at)
    assert len(links) == 1 and href in links[0] and 'target="_blank"' in links[0]  # in the scenario's expander
    assert f"Schritt {exs[0].step + 1} öffnen" in links[0] and links[0].count("<a ") == 1
    fill(at, exs[0], right=True, lang="de")
    at.button(key="px_check").click().run()
    links = step_links(at)
    assert len(links) == 2 and all(href in x for x in links)  # and under the explanation


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_exercise_about_both_modes_links_each_mode_at_the_step_its_question_names(lang):
    exs = X.generate(0, ("walk-refs",), 1)
    ex = exs[0]
    assert ex.mode == "both"
    at = app(seed="0", kind="walk-refs", count="1", lang=lang)
    (links,) = step_links(at)
    step = ex.step + 1
    assert f" {step} " in X.question(ex, lang) or f" {step}:" in X.question(ex, lang)
    for mode in ("shadow", "nested"):
        href = X.step_link(ex, lang, mode).replace("&", "&amp;")
        assert href in links and f"mode={mode}&amp;step={step}&amp;" in href
        assert t(f"ex.page.open_step.{mode}", lang, step=step) in links
    assert "mode=both" not in links
    assert ("Schattenmodus" in links and "verschachtelten Modus" in links) if lang == "de" else \
        ("with shadow page tables" in links and "with nested paging" in links)
    # and on the command line, each mode, with the CSV's numbering said
    code = " ".join(c.value for c in at.code)
    assert "--mode shadow" in code and "--mode nested" in code
    assert t("ex.page.csv_steps", lang, step=step, row=step - 1) in [c.value for c in at.caption]


def test_the_address_bar_keeps_the_answers_so_a_reload_keeps_the_score():
    exs = X.generate(5, None, 5)
    at = app(seed="5", count="5")
    assert "done" not in at.query_params
    fill(at, exs[0], right=True)
    at.button(key="px_check").click().run()
    at.button(key="px_next").click().run()
    at.button(key="px_next").click().run()
    fill(at, exs[2], right=False)
    at.button(key="px_check").click().run()
    assert at.query_params["done"] == "r-w"
    # a reload is a new session opening the same address: the question checked before shows its
    # verdict, the answer and the explanation, and cannot be checked again
    again = app(**{k: at.query_params[k] for k in ("seed", "count", "q", "done")})
    assert "Score: 1 of 2 right" in texts(again) and not again.warning
    assert again.session_state["px.i"] == 2 and again.query_params["done"] == "r-w"
    assert [e.value for e in again.error] == [t("ex.page.wrong_kept", "en")]
    assert X.explanation(exs[2], "en") in texts(again)
    assert X.answer_text(exs[2], exs[2].fields[0], "en") in texts(again)
    captions = [c.value for c in again.caption]
    assert t("ex.page.given_lost", "en") in captions and any(t("ex.page.scored_once", "en") in c for c in captions)
    assert not [b for b in again.button if b.key == "px_check"], "an answered question has no Check"
    again.button(key="px_prev").click().run()
    again.button(key="px_prev").click().run()
    assert [s.value for s in again.success] == [t("ex.page.right", "en")]
    # a link with answers for another set, in German
    other = app(seed="6", count="5", done="r-w", lang="de")
    assert "Punkte: 1 von 2 richtig" in texts(other)


def test_a_question_answered_shows_the_answer_given_after_next_and_back():
    exs = X.generate(5, ("translate",), 3)
    at = app(seed="5", kind="translate", count="3")
    fill(at, exs[0], right=False)
    at.button(key="px_check").click().run()
    at.button(key="px_next").click().run()
    assert not at.error and at.button(key="px_check") is not None
    at.button(key="px_prev").click().run()
    wrong, right = exs[0].fields
    assert [e.value for e in at.error] == [
        f"Not right: your answer to “{X.field_label(wrong, 'en')}”. Right: your answer to "
        f"“{X.field_label(right, 'en')}”."]
    given = {w.label: w.value for w in at.text_input if w.key.startswith("px_given")}
    assert given == {X.field_label(wrong, "en"): hex(int(exs[0].expected(wrong), 16) + 0x1000),
                     X.field_label(right, "en"): f" 0X{int(exs[0].expected(right), 16):X} "}
    assert all(w.disabled for w in at.text_input if w.key.startswith("px_given"))
    assert not [b for b in at.button if b.key == "px_check"]
    assert "Score: 0 of 1 right" in texts(at)


def test_a_second_check_of_a_question_is_refused_with_a_message():
    """A Check sent by a page drawn before the question was scored (another click, a slow
    connection) does not replace the verdict: it says so."""
    exs = X.generate(5, ("translate",), 3)
    at = app(seed="5", kind="translate", count="3")
    fill(at, exs[0], right=True)
    results = dict(at.session_state["px.results"])
    results[(5, 0, "translate")] = False  # scored meanwhile (as a done= link says)
    at.session_state["px.results"] = results
    at.button(key="px_check").click().run()
    assert [w.value for w in at.warning] == [t("ex.page.refused", "en")]
    assert at.session_state["px.results"][(5, 0, "translate")] is False and at.query_params["done"] == "w"
    assert [e.value for e in at.error] == [t("ex.page.wrong_kept", "en")]


def test_a_check_with_nothing_given_is_not_scored():
    exs = X.generate(5, ("translate",), 3)
    at = app(seed="5", kind="translate", count="3")
    at.text_input(key=key(exs[0], exs[0].fields[0])).input("  ")
    at.button(key="px_check").click().run()
    assert [w.value for w in at.warning] == [t("ex.page.empty", "en")]
    assert at.session_state["px.results"] == {} and "done" not in at.query_params
    fill(at, exs[0], right=True)
    at.button(key="px_check").click().run()
    assert not at.warning and [s.value for s in at.success] == [t("ex.page.right", "en")]


def test_the_kind_filter_from_the_link_and_the_widget():
    at = app(seed="3", kind="tlb", count="4")
    assert at.session_state["px.kinds"] == ("tlb",)
    assert [r.key for r in at.radio if r.key.startswith("px_ans")] == ["px_ans.3-0.tlb.None.en"]
    assert at.query_params["kind"] == "tlb"
    pills = at.pills(key="px_kinds.en")
    assert pills.value == ["tlb"] and pills.options == [X.kind_title(k, "en") for k in X.KINDS]
    pills.set_value(["exits", "cheaper"]).run()
    assert at.session_state["px.kinds"] == ("exits", "cheaper")
    assert {e.kind for e in X.generate(3, ("exits", "cheaper"), 4)} == {"exits", "cheaper"}
    assert at.query_params["kind"] == "exits,cheaper"
    at.pills(key="px_kinds.en").set_value([]).run()  # none picked: all kinds
    assert at.session_state["px.kinds"] == X.KINDS and "kind" not in at.query_params
    assert at.pills(key="px_kinds.en").value == list(X.KINDS)


@pytest.mark.parametrize("params, message", [
    ({"seed": "²"}, "seed"), ({"seed": "99999999999999999999"}, "seed"), ({"kind": "nope"}, "nope"),
    ({"count": "0"}, "count"), ({"count": "500"}, "count"), ({"q": "77"}, "question"),
    ({"count": "3", "done": "rrrr"}, "answers"), ({"done": "rx"}, "answers"), ({"done": "<b>"}, "answers"),
])
def test_bad_link_values_give_a_message_and_a_working_page(params, message):
    at = app(**params)
    assert len(at.warning) == 1 and message in unescape(at.warning[0].value)
    answers = [w for kind in (at.text_input, at.radio, at.multiselect) for w in kind if w.key.startswith("px_ans")]
    assert at.button(key="px_check") is not None and answers


def test_the_presenter_view_reveals_the_answer_and_moves_on():
    exs = X.generate(2, None, 3)
    at = app(seed="2", count="3", present="1")
    html = " ".join(m.value for m in at.markdown)
    assert 'class="px-question"' in html and "data-revealed" not in html
    at.button(key="pxp_reveal").click().run()
    html = " ".join(m.value for m in at.markdown)
    assert 'data-revealed="1"' in html
    assert X.answer_text(exs[0], exs[0].fields[0], "en").split(" × ")[0].split(",")[0] in html
    at.button(key="pxp_next").click().run()
    html = " ".join(m.value for m in at.markdown)
    assert 'data-q="2"' in html and "data-revealed" not in html
    assert at.query_params["present"] == "1" and at.query_params["q"] == "2"
    at.button(key="pxp_exit").click().run()
    assert at.button(key="px_check") is not None


def test_switching_to_german_keeps_the_set_and_the_question():
    exs = X.generate(4, None, 5)
    at = app(seed="4", count="5", q="3")
    assert at.session_state["px.i"] == 2
    at.radio(key="_lang_widget").set_value("de").run()
    assert not at.exception
    assert unescape(at.markdown[0].value).startswith("**Frage 3 von 5**")
    assert X.question(exs[2], "de") in texts(at)
