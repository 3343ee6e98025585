"""Predict-then-reveal questions: every answer is the engine's record, the choices hold it,
the distractors are other addresses, the explanations add up, and every kind speaks EN and DE."""
from __future__ import annotations

import re

import pytest

from visualizer.engine import Mode, builtin
from visualizer.engine.events import VmExit
from visualizer.learn import questions as Q
from visualizer.text.i18n import CATALOGUE


def records(name: str, mode: Mode, limit: int = 40):
    s = builtin(name)
    m = s.machine(mode)
    for i in range(min(limit, len(s.trace))):
        yield m.execute(s.trace[i], i), m


@pytest.mark.parametrize("name", ["esxi-figure", "no-vpid", "context-switch", "page-table-update", "mmu-caches"])
@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_answers_are_the_records_fields(name, mode):
    kinds_seen = set()
    for rec, m in records(name, mode):
        qs = Q.questions_for(rec, m, mode)
        assert 1 <= len(qs) <= 3
        again = Q.questions_for(rec, m, mode)
        assert [(q.kind, q.choices, q.answer) for q in qs] == [(q.kind, q.choices, q.answer) for q in again]
        for kind in Q.KINDS:
            q = Q.make_question(kind, rec, mode, m)
            if q is None:
                assert kind in ("tlb", "walk_refs", "gpa", "ma", "fault", "reclaim")
                continue
            kinds_seen.add(kind)
            expected = {"tlb": rec.tlb.value, "walk_refs": rec.walk_refs, "gpa": rec.gpa, "ma": rec.ma,
                        "exit": next((e.reason.value for e in rec.events if isinstance(e, VmExit)), Q.NO_EXIT),
                        "fault": Q.fault_answer(rec), "reclaim": Q.reclaim_answer(rec)}[kind]
            assert q.answer == expected
            assert q.check(q.answer)
            if q.choices:
                assert q.answer in q.choices and len(set(q.choices)) == len(q.choices)
                assert all(not q.check(c) for c in q.choices if c != q.answer)
            else:
                assert q.check(str(q.answer)) and not q.check(q.answer + 1) and not q.check("x")
            if kind in ("gpa", "ma"):
                assert len(q.choices) == Q.CHOICES_PER_ADDRESS
            for lang in ("en", "de"):
                assert Q.prompt(q, lang) and Q.explanation(q, lang)[0]
    assert {"tlb", "exit", "walk_refs", "ma", "fault"} <= kinds_seen


def test_the_fault_answer_names_what_the_step_met():
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    recs = [m.execute(op, i) for i, op in enumerate(s.trace)]
    assert Q.fault_answer(recs[0]) == "guest-pf+hidden-fault"
    assert Q.fault_answer(recs[8]) == "hidden-fault"      # the shared page's shadow entry was dropped
    assert Q.fault_answer(recs[4]) == Q.NO_EXIT           # a TLB hit
    m = s.machine(Mode.NESTED)
    recs = [m.execute(op, i) for i, op in enumerate(s.trace)]
    assert Q.fault_answer(recs[11]) == "ept-violation"    # the swapped page
    q = Q.make_question("exit", recs[8], Mode.NESTED)
    assert q.choices == (Q.NO_EXIT, "ept-violation") and q.answer == Q.NO_EXIT


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_the_walk_explanation_adds_up_to_the_answer(mode):
    for rec, m in records("esxi-figure", mode):
        q = Q.make_question("walk_refs", rec, mode, m)
        if q is None or not q.answer:
            continue
        walks = Q.explanation(q, "en")[1:]
        counted = sum(int(re.search(r"\((\d+) references?", w).group(1)) for w in walks)
        assert counted == q.answer, (rec.index, walks)


def test_address_distractors_are_other_mapped_pages():
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    recs = [m.execute(op, i) for i, op in enumerate(s.trace)]
    q = Q.make_question("ma", recs[4], Mode.SHADOW, m)   # read a: the machine holds four data pages by now
    backed = {v.name: {mpn << 12 for mpn in v.mpn if mpn >= 0} for v in m.views.vms()}
    others = [c for c in q.choices if c != q.answer]
    assert recs[4].gpa in others                          # the classic confusion: a gPA for an MA
    assert any(c in backed["VM1"] for c in others)


def test_every_question_kind_speaks_english_and_german():
    keys = [f"q.prompt.{k}" for k in Q.KINDS] + ["q.choice.tlb.hit", "q.choice.tlb.miss", "q.explain.tlb.hit",
                                               "q.explain.tlb.miss", "q.explain.exit", "q.explain.exit.none",
                                               "q.explain.walk_refs", "q.explain.vmm_refs", "q.explain.gpa",
                                               "q.explain.ma.shadow", "q.explain.ma.nested"]
    for reasons in Q.EXIT_REASONS.values():
        keys += [f"q.choice.exit.{r.value}" for r in reasons]
    keys.append(f"q.choice.exit.{Q.NO_EXIT}")
    for faults in Q.FAULTS.values():
        keys += [f"q.choice.fault.{f}" for f in faults] + [f"q.explain.fault.{f.replace('+', '_')}" for f in faults]
    missing = [k for k in keys if k not in CATALOGUE]
    assert missing == []
    for k in keys:
        en, de = CATALOGUE[k]
        assert en and de and en != de


def test_one_term_per_exit_reason_on_the_step_page_in_practice_and_in_the_glossary():
    """An exit reason has one name in each language: the step page's predict choice starts with the
    term Practice uses (a gloss may follow), the step page's German counters use it too, and the
    glossary's concept for that exit names it in its title."""
    from visualizer.engine.events import ExitReason
    from visualizer.text import concepts as C
    from visualizer.text.i18n import t
    core = {"hidden-fault": ("hidden page fault", "versteckter seitenfehler"),
            "guest-fault": ("true guest page fault", "echter seitenfehler des gasts"),
            "pt-write": ("write-protected guest page table", "schreibgeschützte seitentabelle"),
            "cr3-load": ("cr3 load", "cr3-laden"), "invlpg": ("invlpg", "invlpg"),
            "ept-violation": ("ept violation", "ept-verletzung")}
    concept = {r.value: C.concepts_of_event(type("VmExit", (), {"reason": r})())[0] for r in ExitReason}
    for reason in ExitReason:
        r = reason.value
        for i, lang in enumerate(("en", "de")):
            term = t(f"ex.exit.{r}", lang)
            assert t(f"q.choice.exit.{r}", lang).startswith(term), (r, lang)
            assert core[r][i] in term.casefold() and core[r][i] in C.title(concept[r], lang).casefold(), (r, lang)
        assert t(f"exit.{r}", "de") == t(f"ex.exit.{r}", "de") and t(f"exit.{r}", "en") == r


def test_german_questions_hold_no_english():
    from test_i18n import english_in
    shown = []
    for mode in (Mode.SHADOW, Mode.NESTED):
        for rec, m in records("esxi-figure", mode):
            for kind in Q.KINDS:
                q = Q.make_question(kind, rec, mode, m)
                if q is not None:
                    shown += [Q.prompt(q, "de"), *Q.explanation(q, "de")]
                    shown += [Q.choice_label(q, c, "de") for c in q.choices]
    assert english_in(shown) == []


def test_a_revealed_answers_narration_lines_carry_their_why():
    from visualizer.learn.html import result_html
    for rec, m in records("esxi-figure", Mode.NESTED):
        q = Q.make_question("exit", rec, Mode.NESTED, m)
        if q is not None and q.answer == "ept-violation":
            markup = result_html(q, "none", False, "en")
            assert 'class="q-result wrong"' in markup
            assert "why?" in markup and "/Glossary?concept=ept-violation" in markup
            assert [x if isinstance(x, str) else x.text for x in Q.explanation_lines(q, "en")] == \
                Q.explanation(q, "en")
            return
    raise AssertionError("esxi-figure in nested mode has no EPT-violation exit")


def test_no_question_asks_for_a_frame_an_allocator_picks_in_that_very_step():
    # which gPA the guest allocates, or which machine page the VMM backs it with, cannot be told
    # from the state before the step: such a step asks about its fault and exit instead
    asked = {"gpa": 0, "ma": 0}
    for mode in (Mode.SHADOW, Mode.NESTED):
        for rec, m in records("esxi-figure", mode):
            fresh_gpa = any(getattr(e, "kind", None) is not None and e.__class__.__name__ == "GuestAction"
                            and e.kind.value in ("alloc-frame", "copy-page") and e.gppn == (rec.gpa or 0) >> 12
                            for e in rec.events)
            fresh_ma = any(e.__class__.__name__ == "PmapChange" and e.reason.value in ("back", "cow-break", "swap-in")
                           and e.new_mpn == (rec.ma or 0) >> 12 for e in rec.events)
            for kind, fresh in (("gpa", fresh_gpa), ("ma", fresh_ma)):
                q = Q.make_question(kind, rec, mode, m)
                if getattr(rec, kind) is not None:
                    assert (q is None) == fresh, (mode, rec.index, kind)
                    asked[kind] += q is not None
                if fresh:
                    assert kind not in Q.pick_kinds(rec)
    assert asked["gpa"] and asked["ma"]


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_the_reclaim_question_names_what_the_host_did_to_the_pages(mode):
    """Asked only where the host reclaims (a pass, or a blocked VM); its answer is the most the host
    did, which the VMs' page counts show: shared, ballooned, compressed or swapped pages appear."""
    s = builtin("overcommit")
    m = s.machine(mode)
    counts = lambda: {k: sum(m.views.page_counts(v.name)[k] for v in s.config.vms)  # noqa: E731
                      for k in ("shared", "ballooned", "compressed", "swapped")}
    answers, before = {}, counts()
    for i in range(len(s.trace)):
        rec = m.execute(s.trace[i], i)
        after = counts()
        q = Q.make_question("reclaim", rec, mode, m)
        assert (q is None) == (not Q.reclaims(rec))
        if q is not None:
            rose = {k for k in after if after[k] > before[k]}
            did = ["none"] + (["share"] if "shared" in rose else []) + (["balloon"] if "ballooned" in rose else []) + \
                (["compress-swap"] if rose & {"compressed", "swapped"} else [])
            if q.answer == "block":  # the VM waited while the host compressed: its step paid for it
                assert "compress-swap" in did and rec.cycles >= m.costs.compress
            else:
                assert q.answer == did[-1], (i + 1, q.answer, did)
            assert q.choices == Q.RECLAIM_ACTIONS and q.check(q.answer)
            for lang in ("en", "de"):
                assert Q.prompt(q, lang) and Q.explanation(q, lang)[0]
            assert q.kind in Q.pick_kinds(rec) and len(Q.pick_kinds(rec)) <= 3
            answers[i + 1] = q.answer
        before = after
    assert set(answers.values()) == set(Q.RECLAIM_ACTIONS)  # the built-in shows every one
    assert answers[43] == "block" and answers[40] == "balloon" and answers[4] == "share"
    assert Q.make_question("reclaim", next(records("esxi-figure", mode))[0], mode) is None  # no reclamation there
