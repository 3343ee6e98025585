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


def test_there_are_eight_lessons_of_six_to_fifteen_steps_in_both_languages():
    names = L.lesson_names()
    assert len(names) >= 8
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
                                "exit": q.answer, "fault": Q.fault_answer(rec),
                                "reclaim": Q.reclaim_answer(rec)}[q.kind]
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


def test_the_overcommit_lesson_says_what_the_engine_does():
    """Lesson 8's claims against the records of overcommit (nested): sharing in the high state within
    each VM (salting), a scan of zero pages that only remembers hints, the clear state at 5 free pages
    of 6, balloons that pin untouched pages (nothing freed) while VM1's guest pages out its oldest page,
    a VM blocked while VM1's PML4 is compressed, both layers faulting on the way back, the cache full at
    4 pages so the next is swapped, and what a swap-in costs beside a decompression."""
    from visualizer.engine.events import (GuestAction, GuestActionKind as GA, HostState, HostStateChange, PmapChange,
                                          PmapReason as PR, ScanResult, ShareScan)
    les = L.builtin_lesson("08-overcommit")
    assert les.scenario.name == "overcommit" and les.mode is Mode.NESTED and not les.figure
    assert [s.at for s in les.steps] == [4, 8, 12, 37, 40, 43, 46, 48, 58, 68]
    cfg = les.scenario.config
    assert cfg.reclaim.tps_salting and cfg.reclaim.period == 4 and [v.pages for v in cfg.vms] == [24] * 3
    m = les.scenario.machine(Mode.NESTED)
    assert m.views.host_state()[2] == 6 and m.mem.pools.guest_frames == 48  # minFree 6 of 48 pages for the guests
    recs, hosts, counts = {}, {}, {}
    for k in range(68):
        recs[k + 1] = m.execute(les.scenario.trace[k], k)
        hosts[k + 1] = m.views.host_state()
        counts[k + 1] = {v: m.views.page_counts(v) for v in ("VM1", "VM2", "VM3")}
        if k + 1 == 8:  # six gPPNs of one content, three machine pages: one per VM
            mpns = {v: {m.views.vmm_mpn(v, 4), m.views.vmm_mpn(v, 5)} for v in ("VM1", "VM2", "VM3")}
            assert all(len(x) == 1 for x in mpns.values()) and len(set.union(*mpns.values())) == 3
        if k + 1 == 46:
            zc46 = m.views.compression_cache("VM1")
        if k + 1 == 48:
            zc48 = m.views.compression_cache("VM1")

    def of(step, cls):
        return [e for e in recs[step].events if isinstance(e, cls)]
    scans = {k: of(k, ShareScan) for k in (4, 12)}
    assert hosts[3][0] is HostState.HIGH and [(e.vm, e.gppn, e.other) for e in scans[4]
                                             if e.result is ScanResult.SHARED] == [("VM1", 5, ("VM1", 4))]
    assert {e.result for e in scans[12]} == {ScanResult.HINT} and \
        {(e.vm, e.gppn) for e in scans[12]} >= {("VM1", 7), ("VM3", 7)} and \
        len({e.hash for e in scans[12] if e.gppn == 7}) == 1  # two zero pages alike, kept apart by salting
    assert all(e.vm == e.other[0] for k in recs for e in of(k, ShareScan) if e.other)  # never across VMs
    assert [(e.old, e.new, e.free) for e in of(37, HostStateChange)] == [(HostState.HIGH, HostState.CLEAR, 5)]
    assert hosts[39][0] is HostState.SOFT and hosts[39][1] == 3
    balloon = [e for e in of(40, PmapChange) if e.reason is PR.BALLOON]
    assert {e.vm for e in balloon} == {"VM1", "VM2", "VM3"} and all(e.old_mpn is None for e in balloon
                                                                   if e.vm != "VM1" or e.gppn != 4)
    assert [e for e in of(40, PmapChange) if e.reason is PR.UNSHARE and e.vm == "VM1"]  # 0x4000 was shared
    assert hosts[40][1] == 2 and hosts[41][0] is HostState.HARD and hosts[42][0] is HostState.LOW
    assert [(a.gva, a.process) for a in of(40, GuestAction) if a.kind is GA.SWAP_OUT] == [(0x400000, "p1")]
    assert counts[39]["VM1"]["unbacked"] == 1 and sum(counts[39]["VM1"][k] for k in ("private", "shared")) == 23
    assert recs[43].op.vm == "VM3" and recs[43].cycles == 189_760
    assert {(e.vm, e.gppn) for e in of(43, PmapChange) if e.reason is PR.COMPRESS} == {("VM1", 0), ("VM1", 6)}
    assert 0 in m.views.guest_pt_pages("VM1")  # gPA 0x0: VM1's PML4
    assert Q.fault_answer(recs[46]) == "guest-pf+ept-violation"
    assert [e.gppn for e in of(46, PmapChange) if e.reason is PR.DECOMPRESS] == [0]
    assert [(a.kind, a.gva) for a in of(46, GuestAction) if a.kind in (GA.SWAP_OUT, GA.SWAP_IN)] == \
        [(GA.SWAP_OUT, 0x401000), (GA.SWAP_IN, 0x400000)]
    assert hosts[47][0] is HostState.LOW and hosts[47][1] == 0 and hosts[48][1] == 2
    assert len(zc46) == 2 and sum(map(len, zc46.values())) == 3 and sum(map(len, zc48.values())) == 4
    assert [(e.reason, e.gppn) for e in of(48, PmapChange)] == [(PR.COMPRESS, 0xE), (PR.SWAP_OUT, 0x13)]
    assert Q.fault_answer(recs[58]) == "ept-violation" and recs[58].cycles == 3_006_920
    assert [e.gppn for e in of(58, PmapChange) if e.reason is PR.SWAP_IN] == [0x13]
    assert recs[55].cycles == 66_920 and [e.reason for e in of(55, PmapChange)] == [PR.DECOMPRESS]
    texts = " ".join(s.text for s in les.steps)
    for claim in ("189,760", "3,006,920", "66,920", "Barker", "less than 15%", "about 90%", "double paging",
                  "Mem.ShareForceSalting=2", "23 of its 24"):
        assert claim in texts, claim


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
