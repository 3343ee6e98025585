"""Lesson files: the built-in lessons load, have 6–15 steps with EN and DE commentary, every
question they ask has an answer in the engine's run; bad files get errors naming the field; the
teacher's Markdown can only emphasise, list and show links with their targets."""
from __future__ import annotations

import pytest

from visualizer.engine import Mode
from visualizer.engine.workloads import GENERATORS
from visualizer.learn import lessons as L
from visualizer.learn import questions as Q

GOOD = '''
title = "T"
scenario = "esxi-figure"
[[step]]
step = 1
text = "first"
ask = ["tlb"]
'''


def test_there_are_seven_lessons_of_six_to_fifteen_steps_in_both_languages():
    names = L.lesson_names()
    assert len(names) >= 7
    for name in names:
        les = L.builtin_lesson(name)
        assert 6 <= len(les.steps) <= 15, name
        assert les.title and les.title_de and les.intro and les.intro_de and les.title != les.title_de
        for s in les.steps:
            assert s.text.strip() and s.text_de.strip() and s.text != s.text_de, (name, s.at)
            if s.link:
                assert s.link.label and s.link.label_de


@pytest.mark.parametrize("name", L.lesson_names())
def test_every_asked_kind_has_an_answer_from_the_engine(name):
    les = L.builtin_lesson(name)
    L.check_answers(les)
    asked = 0
    for i, s in enumerate(les.steps):
        if not s.ask:
            continue
        mode = les.mode_of(i)
        m = les.scenario.machine(mode)
        rec = None
        for k in range(s.at):
            rec = m.execute(les.scenario.trace[k], k)
        qs = Q.questions_for(rec, m, mode, kinds=list(s.ask))
        assert [q.kind for q in qs] == list(s.ask)
        for q in qs:
            assert q.answer == {"tlb": rec.tlb.value, "walk_refs": rec.walk_refs, "gpa": rec.gpa, "ma": rec.ma,
                                "exit": q.answer, "fault": Q.fault_answer(rec)}[q.kind]
            asked += 1
    assert asked >= 5


def test_the_lesson_on_when_each_mode_wins_links_to_compare_presets():
    les = L.builtin_lesson("06-when-each-wins")
    links = [s.link.href for s in les.steps if s.link]
    assert len(links) >= 3
    for href in links:
        assert href.startswith("/Compare?source=generator&kind=")
        kind = href.split("kind=")[1].split("&")[0]
        assert kind in GENERATORS


def test_the_mmu_caches_lesson_says_what_the_engine_does():
    """Lesson 7's claims against the records: a PDE-cache hit on a combined mapping leaves the guest PTE and
    the data's nested walk (1 + 4 of 24), a #PF drops the PML4E/PDPTE/PDE entries of its address (SDM Vol. 3A
    4.10.4.1) so the retry's guest walk starts at the PML4 again, and guest-physical mappings survive it."""
    from visualizer.engine.events import FlushReason, Stage, TlbFlush, WalkCacheHit, WalkCache, WalkRef
    les = L.builtin_lesson("07-mmu-caches")
    assert les.scenario.name == "mmu-caches" and les.scenario.config.design == "intel"
    m = les.scenario.machine(Mode.NESTED)
    recs = [m.execute(les.scenario.trace[k], k) for k in range(13)]
    second = recs[1].events  # link step 2: the first read of the second page
    pf = next(i for i, e in enumerate(second) if isinstance(e, TlbFlush) and e.reason is FlushReason.PAGE_FAULT)
    assert second[pf].caches == 3
    before = [e for e in second[:pf] if isinstance(e, (WalkRef, WalkCacheHit))]
    after = [e for e in second[pf:] if isinstance(e, (WalkRef, WalkCacheHit))]
    assert isinstance(before[0], WalkCacheHit) and before[0].combined and before[0].cache is WalkCache.PDE
    assert [e.level for e in after if isinstance(e, WalkRef) and e.stage is Stage.GUEST] == [4, 3, 2, 1]
    assert sum(1 for e in after if isinstance(e, WalkCacheHit) and e.cache is WalkCache.GPA) == 4
    assert recs[1].walk_refs == 9
    hit = [e for e in recs[12].events if isinstance(e, WalkCacheHit)]
    assert hit[0].combined and hit[0].saved == 19 and recs[12].walk_refs == 1  # 24 - 19 = 5, the data gPA's 4 cached
    texts = " ".join(s.text for s in les.steps)
    assert "§4.10.4.1" in texts and "combined mapping" in texts and "1 + 4 = 5" in texts


def test_lessons_cover_both_modes_and_all_question_kinds():
    kinds, modes = set(), set()
    for name in L.lesson_names():
        les = L.builtin_lesson(name)
        for i, s in enumerate(les.steps):
            kinds |= set(s.ask)
            modes.add(les.mode_of(i))
    assert kinds == set(Q.KINDS) and modes == {Mode.SHADOW, Mode.NESTED}


@pytest.mark.parametrize("text, field", [
    (GOOD + "colour = 1\n", "colour: unknown field"),
    (GOOD.replace('ask = ["tlb"]', 'ask = ["tlb", "colour"]'), "step[0].ask[1]: 'colour' is not a question kind"),
    (GOOD.replace("step = 1", "step = 99"), "step[0].step: 99 is not an operation"),
    (GOOD.replace("step = 1", 'step = "one"'), "step[0].step: expected an integer"),
    (GOOD.replace("step = 1", "step = 0"), "step[0].ask: step 0"),
    (GOOD.replace('"esxi-figure"', '"nope"'), "scenario: no built-in scenario 'nope'"),
    (GOOD.replace('title = "T"', ''), "title: missing"),
    (GOOD.replace('text = "first"', 'text = "first"\nmode = "native"'), "step[0].mode: 'native' is not a mode"),
    (GOOD.replace('text = "first"', 'text = "x"\nlink = { href = "https://evil.example", label = "x" }'),
     "step[0].link.href"),
    (GOOD.replace('scenario = "esxi-figure"', 'scenario = { vm = [{ name = "VM 1" }] }'), "scenario.vm[0].name"),
    ('title = "T"\nscenario = "esxi-figure"\n', "step: at least one"),
    ("a" + ".a" * 40 + " = 1", "dotted parts"),
    ("x = " + "[" * 40 + "]" * 40, "nested more than"),
    ("title = ", "not valid TOML"),
    ("x" * (L.MAX_LESSON_BYTES + 1), "larger than"),
])
def test_bad_lesson_files_get_errors_naming_the_field(text, field):
    with pytest.raises(L.LessonError) as err:
        L.load_lesson_text(text, "t")
    assert field in str(err.value)


def test_a_question_without_an_answer_names_the_step():
    les = L.load_lesson_text(GOOD.replace("step = 1", "step = 8"), "t")  # operation 8 shares: no access
    with pytest.raises(L.LessonError, match=r"step\[0\]\.ask\[0\]: operation 8 \(share"):
        L.check_answers(les)


def test_an_inline_scenario_is_read_in_the_scenario_format():
    les = L.builtin_lesson("03-shadow-coherence")
    assert not les.builtin and les.scenario.name == "shadow-coherence" and len(les.scenario.trace) == 9
    assert les.scenario.config.vms[0].processes == ("p1", "p2")


def test_teacher_markdown_is_restricted():
    md = L.safe_markdown("**bold** and *em*, see [the SDM](https://intel.com/sdm) ![x](http://e/x.png)\n"
                         "- one\n1. two\n# heading <img src=x onerror=alert(1)> `code` $x$")
    assert "**bold**" in md and "*em*" in md
    assert "the SDM (https" in md and "](" not in md.replace("\\](", "")
    assert "<img" not in md and "&lt;img" in md
    assert "\\!\\[x\\]" in md
    lines = md.split("\n")
    assert lines[1] == "- one" and lines[2] == "1. two" and lines[3].startswith("\\#")
    assert "\\`code\\`" in md and "\\$x\\$" in md


# -- the answers in a link (done=) ----------------------------------------------------------------------------
step_questions = L.step_questions


def test_the_answers_go_into_a_link_and_come_back_the_same():
    les = L.builtin_lesson("02-shadow-paging")
    answered = {}
    for i, s in enumerate(les.steps):
        if not s.ask:
            continue
        qs = step_questions(les, i)
        given = []
        for k, q in enumerate(qs):
            if k == 1:
                given.append(None)                                  # left open
            elif q.choices:
                given.append(q.choices[-1] if i % 2 else q.answer)  # wrong or right
            else:
                given.append(q.answer + i % 2)
        answered[i] = [(q, g, q.check(g)) for q, g in zip(qs, given, strict=True)]
    text = L.done_param(answered)
    assert len(text) < 80 and text.startswith("1.") and ".-" in text
    back = L.read_done(text, les, lambda i: step_questions(les, i))
    assert sorted(back) == sorted(answered)
    for i, results in answered.items():
        assert [(q.kind, g, ok) for q, g, ok in back[i]] == [(q.kind, g, ok) for q, g, ok in results]
    assert L.score_of(back.values()) == L.score_of(answered.values())
    assert L.done_param({}) is None


@pytest.mark.parametrize("text, reason, fields", [
    ("x", "form", {}),
    ("2.b.a_", "form", {}),
    ("2.١", "form", {}),
    ("1.a" + "_1.a" * 300, "form", {}),
    ("9.a", "step", {"step": 9, "last": 7}),
    ("0.a", "step", {"step": 0, "last": 7}),
    ("2.7_2.7", "twice", {"step": 2}),
    ("1.a", "count", {"step": 1, "n": 2, "given": 1}),
    ("1.a.z", "choice", {"step": 1, "k": 2, "last": "f"}),
    ("1.4.a", "choice", {"step": 1, "k": 1, "last": "d"}),
    ("2.b", "number", {"step": 2, "k": 1}),
])
def test_a_bad_done_names_its_problem(text, reason, fields):
    les = L.builtin_lesson("02-shadow-paging")
    with pytest.raises(L.DoneError) as err:
        L.read_done(text, les, lambda i: step_questions(les, i))
    assert err.value.reason == reason and err.value.fields == fields


def test_a_step_without_questions_has_no_answers_in_a_link():
    les = L.builtin_lesson("01-address-spaces")
    with pytest.raises(L.DoneError) as err:
        L.read_done("1.a", les, lambda i: step_questions(les, i))
    assert err.value.reason == "nothing_asked"


# -- before the reveal a prompt, after it the explanation ----------------------------------------------------
def test_every_asking_step_has_a_prompt_and_its_explanation_asks_nothing():
    import re
    talk = re.compile(r"\?|\b(predict|count|compare|Sagen Sie|Zählen Sie|Vergleichen Sie|vorhersag\w*)\b", re.I)
    for name in L.lesson_names():
        les = L.builtin_lesson(name)
        for i, s in enumerate(les.steps):
            where = (name, i + 1)
            if not s.ask:
                assert not s.prompt and not s.prompt_de, where
                continue
            assert s.prompt.strip() and s.prompt_de.strip() and s.prompt != s.prompt_de, where
            # the explanation shows after the answers: it speaks of what happened, not to the learner
            assert not talk.search(s.text) and not talk.search(s.text_de), where


def test_no_prompt_states_its_steps_answer():
    import re
    for name in L.lesson_names():
        les = L.builtin_lesson(name)
        for i, s in enumerate(les.steps):
            if not s.ask:
                continue
            for q in step_questions(les, i):
                for lang, prompt in (("en", s.prompt), ("de", s.prompt_de)):
                    if q.choices:
                        assert Q.answer_label(q, lang).lower() not in prompt.lower(), (name, i + 1, q.kind, lang)
                    else:
                        assert not re.search(rf"(?<![\w.]){q.answer}(?![\w.])", prompt), (name, i + 1, lang)


def test_a_prompt_belongs_to_a_step_that_asks():
    text = GOOD.replace('ask = ["tlb"]', 'prompt = "look"')
    with pytest.raises(L.LessonError, match=r"step\[0\]\.prompt: only a step that asks"):
        L.load_lesson_text(text, "t")
    les = L.load_lesson_text(GOOD.replace('text = "first"', 'text = "first"\nprompt = "look"\nprompt_de = "schau"'), "t")
    assert les.steps[0].prompt_in("de") == "schau" and les.steps[0].prompt_in("en") == "look"
