"""Shadow paging: hidden faults, true guest faults, write-protected guest tables, INVLPG and
CR3 exits, the root cache, clean pages read-only until written, and pmap changes reaching the
shadow entries through the rmap."""
from __future__ import annotations

import pytest

from helpers_invariants import (BASE, INVLPG, MAP, PAGE, PROTECT, R, SHARE, SWAP, SWITCH, UNMAP, W, X, check_all,
                                exits, guest_pte, make_machine, of, walk_refs)
from visualizer.engine import (DataAccess, ExitReason, FaultKind, GuestActionKind, GuestPageFault, Mode,
                               ShadowFill, ShadowInvalidate, ShadowRoot, Stage, TlbFill, TlbLookup, VmExit,
                               Walker)
from visualizer.engine.events import GuestAction, ShadowZapReason
from visualizer.engine.paging import A, D, FRAME_MASK, NX, P, RW, US

ONE_VM = (("VM1", 16, ("p1", "p2", "p3")),)


def machine(**kw):
    kw.setdefault("vms", ONE_VM)
    kw.setdefault("frames", 96)
    return make_machine(Mode.SHADOW, **kw)


def shadow_leaf(m, gva, vm="VM1"):
    root = m.vms[vm].shadow_root
    found = [e for r, g, _gppn, e in m.shadow.leaves(vm) if r == root and g == gva & ~0xFFF]
    return found[0] if found else None


def test_a_hidden_fault_fills_the_shadow_from_guest_tables_and_pmap_without_the_guest_knowing():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 0x5))
    m.execute(INVLPG("VM1", "p1", BASE))  # drops the shadow leaf and the TLB entry
    assert shadow_leaf(m, BASE) is None
    step = m.execute(R("VM1", "p1", BASE))
    assert step.fault == "hidden-fault" and exits(step) == ["hidden-fault"]
    assert not of(step, GuestPageFault) and not of(step, GuestAction)
    refs = walk_refs(step)
    # the CPU's shadow walk fails at the leaf, the VMM walks the guest's 4 levels, the CPU retries
    assert [(r.stage, r.walker) for r in refs] == [(Stage.SHADOW, Walker.CPU)] * 4 + \
        [(Stage.GUEST, Walker.VMM)] * 4 + [(Stage.SHADOW, Walker.CPU)] * 4
    assert refs[3].entry == 0 and (step.walk_refs, step.vmm_walk_refs) == (8, 4)
    fills = of(step, ShadowFill)
    assert [f.level for f in fills] == [1], "the upper shadow levels were still there"
    gpa = m.views.guest_translate("VM1", "p1", BASE)
    mpn = m.vms["VM1"].pmap.mpn[gpa >> 12]
    assert (fills[0].entry & FRAME_MASK) >> 12 == mpn and fills[0].entry & (P | US)
    assert [e.hit for e in of(step, TlbLookup)] == [False, False]
    assert step.value == 0x5 and step.ma == mpn << 12
    (exit_,) = of(step, VmExit)
    assert exit_.address == BASE and exit_.cost == m.costs.exit_total
    check_all(m)


def test_a_tlb_miss_with_the_shadow_filled_is_a_4_reference_walk_and_no_exit():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 0x5))
    m.tlb.flush_all()
    step = m.execute(R("VM1", "p1", BASE))
    assert step.walk_refs == 4 and not exits(step) and step.tlb == "miss"
    assert [r.stage for r in walk_refs(step)] == [Stage.SHADOW] * 4
    assert [r.table for r in walk_refs(step)][0] == m.vms["VM1"].shadow_root << 12
    again = m.execute(R("VM1", "p1", BASE))
    assert again.tlb == "hit" and again.walk_refs == 0 and again.cycles == 0


def test_a_true_guest_fault_is_reflected_into_the_guest():
    m = machine()
    step = m.execute(R("VM1", "p1", BASE + 3 * PAGE))  # never mapped: demand paging
    kinds = [e.reason for e in of(step, VmExit)]
    assert kinds[0] is ExitReason.GUEST_FAULT
    (pf,) = of(step, GuestPageFault)
    assert pf.kind is FaultKind.NOT_PRESENT and pf.gva == BASE + 3 * PAGE and pf.cost == m.costs.guest_fault
    # the exit comes first, then the VMM's walk that finds the guest entry missing, then the guest
    order = [type(e) for e in step.events if type(e) in (VmExit, GuestPageFault)]
    assert order[:2] == [VmExit, GuestPageFault]
    assert GuestActionKind.ALLOC_FRAME in [a.kind for a in of(step, GuestAction)]
    assert step.fault.startswith("guest-pf") and step.value == 0
    # a write the guest's tables forbid is reflected and kills the access: no shadow entry
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(PROTECT("VM1", "p1", BASE))
    step = m.execute(W("VM1", "p1", BASE, 2))
    assert exits(step) == ["guest-fault"]
    assert [e.kind for e in of(step, GuestPageFault)] == [FaultKind.WRITE_PROTECT]
    assert [a.kind for a in of(step, GuestAction)] == [GuestActionKind.SEGV]
    assert not of(step, ShadowFill) and not of(step, DataAccess) and step.gpa is None
    assert m.execute(R("VM1", "p1", BASE)).value == 1
    check_all(m)


def test_guest_writes_to_tracked_page_tables_exit_and_invalidate():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 0x5))
    proc = m.vms["VM1"].guest.processes["p1"]
    tracked = set(m.shadow.tracked("VM1"))
    assert proc.root_gppn in tracked and tracked <= m.vms["VM1"].guest.pt_pages
    assert len(tracked) == 4, "PML4, PDPT, PD and PT of p1 mirror into shadow pages"
    assert (m.views.guest_translate("VM1", "p1", BASE) >> 12) not in tracked
    step = m.execute(UNMAP("VM1", "p1", BASE))
    assert exits(step) == ["pt-write", "invlpg"]
    pt_write = of(step, VmExit)[0]
    pt = max(tracked - {proc.root_gppn})
    assert pt_write.address >> 12 in tracked and pt_write.address >> 12 == pt
    (inv,) = of(step, ShadowInvalidate)
    assert (inv.reason, inv.level, inv.gva) == (ShadowZapReason.GUEST_PTE_WRITE, 1, BASE)
    assert shadow_leaf(m, BASE) is None
    check_all(m)


def test_writes_to_guest_tables_not_yet_shadowed_do_not_exit():
    """A new PDPT/PD/PT is zeroed and filled by the guest before any shadow page mirrors it:
    only the write into the (tracked) root exits."""
    m = machine()
    step = m.execute(MAP("VM1", "p1", BASE))
    writes = [a for a in of(step, GuestAction) if a.kind is GuestActionKind.WRITE_PTE]
    assert len(writes) == 4 and exits(step).count("pt-write") == 1
    (pt_write,) = [e for e in of(step, VmExit) if e.reason is ExitReason.PT_WRITE]
    assert pt_write.address >> 12 == m.vms["VM1"].guest.processes["p1"].root_gppn
    assert exits(step).count("hidden-fault") == 4, "each new guest page is backed on first touch"
    assert not of(step, ShadowInvalidate), "the shadow had nothing there to invalidate"


def test_invlpg_exits_and_drops_the_shadow_leaf():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 0x5))
    assert shadow_leaf(m, BASE) is not None
    step = m.execute(INVLPG("VM1", "p1", BASE))
    assert exits(step) == ["invlpg"]
    (inv,) = of(step, ShadowInvalidate)
    assert (inv.reason, inv.gva, inv.level) == (ShadowZapReason.INVLPG, BASE, 1)
    assert shadow_leaf(m, BASE) is None and len(m.tlb) == 0
    # INVLPG of an address with no shadow entry still exits, and drops nothing
    step = m.execute(INVLPG("VM1", "p1", BASE + 7 * PAGE))
    assert exits(step) == ["invlpg"] and not of(step, ShadowInvalidate)


def test_cr3_loads_exit_and_use_the_root_cache():
    m = machine(root_cache=2)
    vm = m.vms["VM1"]
    procs = vm.guest.processes
    roots = {}
    seen = []
    for p in ("p2", "p1", "p2", "p3", "p1"):
        step = m.execute(SWITCH("VM1", p))
        assert exits(step) == ["cr3-load"]
        (sr,) = of(step, ShadowRoot)
        seen.append((p, sr.cached, None if sr.evicted is None else sr.evicted >> 12))
        assert sr.guest_cr3 == procs[p].cr3 and sr.root == vm.shadow_root << 12
        roots.setdefault(p, set()).add(vm.shadow_root)
        check_all(m)
    # p1's root was built at boot; p3 evicts the least recently used (p2); p1 is still cached
    assert seen == [("p2", False, None), ("p1", True, None), ("p2", True, None),
                    ("p3", False, procs["p1"].root_gppn), ("p1", False, procs["p2"].root_gppn)]
    assert len(m.shadow.roots["VM1"]) == 2


def test_an_evicted_root_frees_its_shadow_tables():
    m = machine(root_cache=1)
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(W("VM1", "p1", BASE + 0x7F00_0000_0000, 1))  # a second path: more shadow tables
    pages = m.shadow.page_count()
    assert pages == 1 + 3 + 3
    free = m.mem.free_count
    step = m.execute(SWITCH("VM1", "p2"))
    (sr,) = of(step, ShadowRoot)
    assert not sr.cached and sr.evicted == m.vms["VM1"].guest.processes["p1"].cr3
    assert m.shadow.page_count() == 1 and m.mem.free_count == free + pages - 1
    assert not [t for t in m.shadow.tracked("VM1") if t != m.vms["VM1"].guest.processes["p2"].root_gppn]
    check_all(m)


def test_clean_pages_stay_read_only_in_the_shadow_until_written_so_the_guest_d_bit_is_right():
    m = machine()
    m.execute(MAP("VM1", "p1", BASE))
    step = m.execute(R("VM1", "p1", BASE))
    pte = guest_pte(m, "VM1", "p1", BASE)
    assert pte & A and not pte & D and pte & RW
    assert not shadow_leaf(m, BASE) & RW, "guest page is clean: shadow entry read-only"
    assert [f.writable for f in of(step, TlbFill)] == [False]
    step = m.execute(W("VM1", "p1", BASE, 0x9))
    assert exits(step) == ["hidden-fault"], "the first write exits so the VMM can set D"
    assert guest_pte(m, "VM1", "p1", BASE) & D
    assert shadow_leaf(m, BASE) & RW
    # the VMM's walk set D for the guest; later writes hit the TLB
    assert m.execute(W("VM1", "p1", BASE + 8, 0xA)).tlb == "hit"
    check_all(m)


def test_exec_respects_the_guest_and_never_widens_rights():
    m = machine()
    step = m.execute(X("VM1", "p1", BASE))
    assert step.fault.startswith("guest-pf") and not of(step, DataAccess)[0].value
    leaf = shadow_leaf(m, BASE)
    assert leaf & P and not leaf & NX and not leaf & RW
    check_all(m)


def test_pmap_changes_drop_exactly_the_shadow_entries_of_that_page_in_every_root():
    """Via the rmap (gPPN → shadow leaves): sharing p1's and p2's identical pages drops their
    leaves under both processes' roots; a third page is left alone."""
    m = machine()
    for p in ("p1", "p2"):
        m.execute(R("VM1", p, BASE))          # zero pages, identical
        m.execute(W("VM1", p, BASE + PAGE, 3))  # other pages
    leaves_before = {(r, g) for r, g, _, _ in m.shadow.leaves("VM1")}
    assert len(leaves_before) == 4
    step = m.execute(SHARE("VM1", "p1", BASE, "VM1", "p2", BASE))
    dropped = of(step, ShadowInvalidate)
    assert {(i.gva, i.reason) for i in dropped} == {(BASE, ShadowZapReason.PMAP_CHANGE)} and len(dropped) == 2
    leaves_after = {(r, g) for r, g, _, _ in m.shadow.leaves("VM1")}
    assert leaves_after == {x for x in leaves_before if x[1] == BASE + PAGE}
    # swapping one page out drops its one leaf
    step = m.execute(SWAP("VM1", "p1", BASE + PAGE))
    assert [(i.gva, i.reason) for i in of(step, ShadowInvalidate)] == [(BASE + PAGE, ShadowZapReason.PMAP_CHANGE)]
    check_all(m)


def test_shared_pages_are_read_only_in_the_shadow_and_a_write_copies():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 7))
    m.execute(W("VM1", "p2", BASE, 7))
    m.execute(SHARE("VM1", "p1", BASE, "VM1", "p2", BASE))
    m.execute(SWITCH("VM1", "p1"))
    step = m.execute(R("VM1", "p1", BASE))
    assert exits(step) == ["hidden-fault"]
    leaf = shadow_leaf(m, BASE)
    assert not leaf & RW, "dirty guest page, but shared: read-only"
    step = m.execute(W("VM1", "p1", BASE, 8))
    assert exits(step) == ["hidden-fault"] and shadow_leaf(m, BASE) & RW
    assert step.ma != (leaf & FRAME_MASK)
    check_all(m)


@pytest.mark.parametrize("pcid", [True, False])
def test_switching_back_to_a_cached_root_needs_no_refill(pcid):
    """The root cache keeps p1's shadow while p2 runs: back on p1, its pages need no hidden
    fault — only TLB misses (all of them without PCID, whose CR3 load flushed the TLB)."""
    m = machine(pcid=pcid)
    for i in range(4):
        m.execute(W("VM1", "p1", BASE + i * PAGE, i))
    m.execute(W("VM1", "p2", BASE, 9))
    m.execute(SWITCH("VM1", "p1"))
    steps = [m.execute(R("VM1", "p1", BASE + i * PAGE)) for i in range(4)]
    assert [s.value for s in steps] == [0, 1, 2, 3]
    assert not any(of(s, ShadowFill) or exits(s) for s in steps)
    assert [s.tlb for s in steps] == (["hit"] * 4 if pcid else ["miss"] * 4)
    assert sum(s.walk_refs for s in steps) == (0 if pcid else 16)
