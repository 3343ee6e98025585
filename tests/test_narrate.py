"""Narration: the events of a step told in order, in English and German."""
from __future__ import annotations

import random

import numpy as np

import pytest

from helpers_invariants import scaled
from visualizer.engine import Machine, MachineConfig, Mode, Op, OpKind, VmConfig, builtin, builtin_names
from visualizer.text.narrate import html_list, narrate, sentence


def steps(name: str, mode: Mode):
    s = builtin(name)
    m = s.machine(mode)
    return m, [m.execute(s.trace[i], i) for i in range(len(s.trace))]


def order(phrases: list[str], *needles: str) -> list[int]:
    """Index of the first phrase containing each needle, searching after the previous one."""
    out, start = [], 0
    for n in needles:
        i = next(k for k in range(start, len(phrases)) if n in phrases[k])
        out.append(i)
        start = i + 1
    return out


def test_shadow_hidden_fault_story_in_order():
    _, recs = steps("esxi-figure", Mode.SHADOW)
    p = narrate(recs[8], "en")  # read of b after sharing: the shadow entry was dropped
    order(p, "TLB miss", "walks the shadow page tables (4 references) and finds no entry at the PT level",
          "hidden page fault", "the VMM walks the guest page tables in software (4 references)",
          "fills the shadow entry gVA 0x401000 → MA 0x0 (read-only for now)", "the retry misses the TLB",
          "the CPU walks the shadow page tables (4 references)", "the TLB caches", "the read returns 0xb")
    assert not any("guest page fault" in x or "#PF" in x for x in p)  # the guest never sees a hidden fault


def test_true_guest_fault_is_reflected_and_the_handler_summarised():
    _, recs = steps("esxi-figure", Mode.SHADOW)
    p = narrate(recs[0], "en")
    order(p, "VM1 starts running", "TLB miss", "a true guest page fault", "reflects the #PF",
          "allocates 3 page tables and the frame gPA 0x4000", "4 first touches", "a page table that the VMM write-protects",
          "the retry", "hidden page fault", "building 3 shadow tables", "the write stores 0xa")


def test_nested_walk_is_two_dimensional_and_faults_go_to_the_guest_without_exit():
    _, recs = steps("esxi-figure", Mode.NESTED)
    p = narrate(recs[0], "en")
    assert not any("exit to the VMM" in x or "hidden" in x for x in p[:4])
    assert any("the #PF goes to the guest's page-fault handler" in x for x in p)
    assert any("(24 references: 4 guest, 20 nested)" in x for x in p)
    swap_in = narrate(recs[11], "en")
    i = order(swap_in, "TLB miss", "EPT violation at gPA 0x5000", "swap-in from disk", "the retry misses the TLB",
              "24 references")
    assert "the VMM writes the nested (EPT) entry" in swap_in[i[2]]
    cow = narrate(recs[12], "en")
    order(cow, "does not allow this access", "EPT violation", "copy-on-write", "the last sharer")


def test_vmm_operations_are_told():
    _, recs = steps("esxi-figure", Mode.SHADOW)
    share = narrate(recs[7], "en")
    assert sum("shared, read-only machine page" in x for x in share) == 2
    swap = narrate(recs[10], "en")
    assert "swaps out VM2 gPA 0x5000" in swap[0]


def test_context_switch_and_shadow_root_cache():
    m, recs = steps("context-switch", Mode.SHADOW)
    first = narrate(recs[1], "en")
    order(first, "switch to process shell", "the CR3 load exits", "builds a new shadow root")
    again = narrate(recs[2], "en")
    order(again, "switch to process editor", "the CR3 load exits", "finds this address space's shadow root", "TLB hit")
    _, nrecs = steps("context-switch", Mode.NESTED)
    assert not any("exit" in x for x in narrate(nrecs[2], "en"))


def test_page_table_updates_exit_in_shadow_mode_only():
    _, recs = steps("page-table-update", Mode.SHADOW)
    protect = narrate(recs[3], "en")
    order(protect, "makes gVA 0x401000 read-only", "write-protects (gPA", "drops the shadow entry", "INVLPG")
    segv = narrate(recs[5], "en")
    assert "segmentation fault" in segv[-1]
    _, nrecs = steps("page-table-update", Mode.NESTED)
    assert not any("exit" in x.lower() for x in narrate(nrecs[3], "en"))


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_german_uses_the_seeds_terms(mode):
    _, recs = steps("esxi-figure", mode)
    text = " ".join(narrate(recs[0], "de") + narrate(recs[11], "de"))
    term = "Schattenseitentabellen" if mode is Mode.SHADOW else "verschachtelte Seitentabellen"
    assert term in text
    assert "Maschinenseite" in text
    for english in (" the ", " walks ", " retry ", "TLB miss"):
        assert english not in text


def test_every_step_of_random_operations_is_narrated():
    rng = random.Random(4)
    cfg = MachineConfig(frames=512, vms=(VmConfig("A", 64, ("p", "q")), VmConfig("B", 64, ("r",))), seed=4,
                        tlb_entries=8, tlb_ways=2)
    kinds = [OpKind.READ, OpKind.WRITE, OpKind.WRITE, OpKind.MAP, OpKind.UNMAP, OpKind.PROTECT, OpKind.INVLPG,
             OpKind.SWITCH]
    for mode in (Mode.SHADOW, Mode.NESTED):
        m = Machine(cfg, mode)
        for i in range(150):
            vm, proc = rng.choice([("A", "p"), ("A", "q"), ("B", "r")])
            gva = 0x400000 + rng.randrange(12) * 4096
            if rng.random() < 0.1:
                op = Op(OpKind.SWAP_OUT, vm, proc, gva)
            else:
                op = Op(rng.choice(kinds), vm, proc, gva, rng.randrange(1 << 32))
            rec = m.execute(op, i)
            for lang in ("en", "de"):
                p = narrate(rec, lang)
                assert p and all(x.strip() for x in p)
                s = sentence(rec, lang)
                assert s[0].isupper() and s.endswith(".")
    assert narrate(None) == [] and sentence(None) == ""


def test_html_list_escapes_and_numbers():
    html = html_list(["a < b", "c"])
    assert html.startswith("<ol") and "a &lt; b" in html.replace("A &lt; b", "a &lt; b") and html.count("<li") == 2


def test_walk_cache_hits_are_narrated_in_both_languages():
    """Each WalkCacheHit is told: which cache, which levels it skips, what it saved; the walk's
    own phrase counts only the references made, and a nested walk stays two-dimensional even
    when the nested TLB answered every gPA."""
    from visualizer.engine.events import WalkCacheHit
    _, recs = steps("mmu-caches", Mode.NESTED)
    st = recs[12]  # second round: a combined PDE-cache hit, the data gPA's cached translation: 1 reference left
    hits = [e for e in st.events if e.__class__ is WalkCacheHit]
    assert [h.cache.value for h in hits] == ["pde", "gpa"] and hits[0].combined
    en = narrate(st, "en")
    order(en, "TLB miss", "PDE cache hit — a combined mapping: it holds the host-physical address of the guest's next "
          "table, so the walk skips PML4, PDPT, PD and their nested walks (19 references saved)",
          "guest-physical mapping hit for gPA 0x4000: no nested walk (4 references saved)",
          "in two dimensions (1 reference: 1 guest, 0 nested)", "the TLB caches", "the read returns")
    assert sum(" hit" in p and "saved" in p for p in en) == len(hits)
    de = narrate(st, "de")
    order(de, "TLB-Fehltreffer", "Treffer im PDE-Cache — eine kombinierte Zuordnung",
          "Treffer im Cache der Guest-Physical-Zuordnungen für gPA 0x", "zweidimensional (1 Zugriff: 1 Gast, 0 verschachtelt)")
    for mode in (Mode.SHADOW, Mode.NATIVE):  # one dimension: 3 references saved, 1 made
        _, recs = steps("mmu-caches", mode)
        p = narrate(recs[12], "en")
        order(p, "TLB miss", "PDE cache hit: skips PML4, PDPT, PD (3 references saved)", "(1 reference)")
        assert not any("nested TLB" in x for x in p)


def test_no_cache_phrases_without_caches():
    for name in ("esxi-figure", "tlb-reach"):
        for mode in (Mode.SHADOW, Mode.NESTED, Mode.NATIVE):
            _, recs = steps(name, mode)
            for st in recs[:30]:
                assert not any("cache hit" in p or "nested TLB hit" in p for p in narrate(st, "en"))


# -- the narration follows the record's episodes ------------------------------------------------------
def _check_in_order(rec):
    """Each phrase tells a range of the record's events; the phrases follow the record: their
    ranges start in non-decreasing order, and every walk, exit, #PF and guest job at the top of
    the record is told by a phrase within it."""
    from visualizer.engine.record import EpisodeKind
    from visualizer.text.narrate import _narrate
    told = _narrate(rec, "en")
    starts = [span[0] for _p, span, _c in told]
    assert starts == sorted(starts), (rec.op.describe(), [(s, p[:60]) for p, s, _ in told])
    for e in rec.episodes:
        if e.depth or e.start == e.end or e.kind is EpisodeKind.VMM_WORK:
            continue
        if e.kind is EpisodeKind.WALK and not any(x.__class__.__name__ in ("WalkRef", "WalkCacheHit")
                                                  for x in rec.events[e.start:e.end]):
            continue
        assert any(e.start <= span[0] < e.end or span == (e.start, e.end) for _p, span, _c in told), \
            (rec.op.describe(), e)


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_every_builtin_is_told_in_the_records_order(name, mode):
    sc = builtin(name)
    m = sc.machine(mode)
    for i in range(min(len(sc.trace), 120)):
        _check_in_order(m.execute(sc.trace[i], i))


@pytest.mark.parametrize("seed", range(scaled(6)))
def test_random_scenarios_are_told_in_the_records_order(seed):
    """Random operations of every kind (fork, exit, sharing, swapping, copy-on-write) with large
    pages, both MMU-cache designs, with and without VPID."""
    from helpers_invariants import random_ops
    rng = np.random.default_rng(seed)
    base = 0x40000000
    pages = tuple(base + i * 0x1000 for i in (0, 1, 2, 511)) + (base + 0x200000,)
    cfg = MachineConfig(4096, tuple(VmConfig(v, 1536, ("p1", "p2"), seed % 2 == 0) for v in ("VM1", "VM2")), seed,
                        8, 2, bool(seed % 3), True, 2, ept_large_pages=seed % 3 == 0, pwc=True,
                        nested_tlb=bool(seed % 2), design=("intel", "amd")[seed % 2])
    ops = random_ops(rng, 60, ("VM1", "VM2"), ("p1", "p2"), pages, guest_pages=1536)
    for mode in Mode:
        m = Machine(cfg, mode)
        for i, op in enumerate(ops):
            _check_in_order(m.execute(op, i))
