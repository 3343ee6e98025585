"""Nested paging: the two-dimensional walk (24 references in QEMU/KVM order), guest #PF without
an exit, EPT violations that exit and retry, and no exits for guest page-table writes or CR3
loads."""
from __future__ import annotations

from helpers_invariants import (BASE, MAP, PAGE, PROTECT, R, SHARE, SWAP, SWAP_GPA, SWITCH, UNMAP, W,
                                assert_2d_walk_shape, check_all, exits, make_machine, of, walk_refs)
from visualizer.engine import (EptUpdate, ExitReason, FaultKind, GuestActionKind, GuestPageFault, Mode,
                               PageState, PmapChange, PmapReason, Stage, VmExit, Walker)
from visualizer.engine.events import GuestAction
from visualizer.engine.paging import EPT_W, FRAME_MASK

ONE_VM = (("VM1", 16, ("p1", "p2")),)


def machine(**kw):
    kw.setdefault("vms", ONE_VM)
    kw.setdefault("frames", 96)
    return make_machine(Mode.NESTED, **kw)


def test_a_cold_walk_is_24_references_in_qemu_kvm_order():
    m = machine()
    m.execute(W("VM1", "p1", BASE + 0x18, 0x77))
    m.tlb.flush_all()
    step = m.execute(R("VM1", "p1", BASE + 0x18))
    refs = walk_refs(step)
    proc = m.vms["VM1"].guest.current
    assert_2d_walk_shape(refs, proc.cr3)
    assert step.walk_refs == 24 and step.cycles == 24 * m.costs.walk_ref and not exits(step)
    # guest entries are references 5, 10, 15, 20; each nested group starts at the EPT root
    assert [i + 1 for i, r in enumerate(refs) if r.stage is Stage.GUEST] == [5, 10, 15, 20]
    ept_root = m.vms["VM1"].ept_root << 12
    assert all(refs[i].table == ept_root for i in (0, 5, 10, 15, 20))
    assert all(r.walker is Walker.CPU for r in refs)
    # the last nested group translates the data gPA to the MA the access used
    gpa = m.views.guest_translate("VM1", "p1", BASE + 0x18)
    assert refs[-1].address == gpa and (refs[-1].entry & FRAME_MASK) | (gpa & 0xFFF) == step.ma
    assert step.value == 0x77


def test_each_guest_table_read_uses_the_ma_its_nested_walk_found():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 1))
    m.tlb.flush_all()
    refs = walk_refs(m.execute(R("VM1", "p1", BASE)))
    for k in range(4):
        nested_leaf, guest = refs[5 * k + 3], refs[5 * k + 4]
        table_ma = nested_leaf.entry & FRAME_MASK
        assert table_ma == m.views.gpa_to_ma("VM1", guest.table), "the guest table is read where EPT says it is"


def test_the_guest_handles_its_own_page_faults_without_an_exit():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 1))          # tables and page exist now
    step = m.execute(R("VM1", "p1", BASE + PAGE))  # same tables, new page: a pure guest #PF …
    (pf,) = of(step, GuestPageFault)
    assert pf.kind is FaultKind.NOT_PRESENT and pf.gva == BASE + PAGE
    # … whose only exit is the EPT violation for the brand-new data page the guest zeroes
    assert exits(step) == ["ept-violation"]
    assert step.fault == "guest-pf+ept-violation"
    # a fault the guest cannot fix (write to a read-only page) makes no exit at all
    m.execute(PROTECT("VM1", "p1", BASE))
    step = m.execute(W("VM1", "p1", BASE, 2))
    assert not exits(step)
    assert [e.kind for e in of(step, GuestPageFault)] == [FaultKind.WRITE_PROTECT]
    assert [a.kind for a in of(step, GuestAction)] == [GuestActionKind.SEGV]
    guest_refs = [r for r in walk_refs(step) if r.stage is Stage.GUEST]
    assert len(guest_refs) == 4 and len(walk_refs(step)) == 20, "fault found at the guest leaf: no data gPA"
    check_all(m)


def test_an_ept_violation_exits_the_vmm_backs_the_page_and_the_access_retries():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 0x31))
    m.execute(SWAP("VM1", "p1", BASE))
    gppn = m.views.guest_translate("VM1", "p1", BASE) >> 12
    step = m.execute(R("VM1", "p1", BASE))
    (ex,) = of(step, VmExit)
    assert ex.reason is ExitReason.EPT_VIOLATION and ex.address == gppn << 12
    (ch,) = of(step, PmapChange)
    assert ch.reason is PmapReason.SWAP_IN
    assert [u.gppn for u in of(step, EptUpdate)] == [gppn]
    refs = walk_refs(step)
    # first 2D walk: 20 references, then the data gPA's nested walk fails at the leaf; retry: 24
    assert len(refs) == 24 + 24
    assert refs[23].stage is Stage.NESTED and refs[23].level == 1 and refs[23].entry == 0
    assert step.value == 0x31 and not of(step, GuestPageFault)
    check_all(m)


def test_an_ept_violation_on_a_guest_page_table_is_reported_as_such():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 1))
    vm = m.vms["VM1"]
    pd = sorted(vm.guest.pt_pages - {vm.guest.current.root_gppn, vm.guest.processes["p2"].root_gppn})[1]
    m.execute(SWAP_GPA("VM1", pd << 12))
    m.tlb.flush_all()
    step = m.execute(R("VM1", "p1", BASE))
    (ex,) = of(step, VmExit)
    assert ex.address == pd << 12, "the violation names the guest table's gPA (QEMU's S2_GPT case)"
    assert vm.pmap.state[pd] is PageState.PRIVATE and step.value == 1
    # the first walk stopped in the nested walk for the PD: 2 complete levels + 4 nested refs
    refs = walk_refs(step)
    assert len(refs) == 5 + 5 + 4 + 24
    check_all(m)


def test_guest_page_table_writes_and_cr3_loads_cause_no_exits():
    m = machine()
    m.execute(W("VM1", "p1", BASE, 1))
    for op in (MAP("VM1", "p1", BASE + PAGE), PROTECT("VM1", "p1", BASE), UNMAP("VM1", "p1", BASE + PAGE),
               SWITCH("VM1", "p2"), SWITCH("VM1", "p1")):
        step = m.execute(op)
        assert not [e for e in exits(step) if e != "ept-violation"], (op.describe(), exits(step))
    # the map's new page was backed by one EPT violation; nothing else exited
    check_all(m)


def test_shared_pages_are_read_only_in_the_ept_and_a_write_copies():
    m = machine(vms=(("VM1", 16, ("p1",)), ("VM2", 16, ("p2",))))
    m.execute(W("VM1", "p1", BASE, 4))
    m.execute(W("VM2", "p2", BASE, 4))
    step = m.execute(SHARE("VM1", "p1", BASE, "VM2", "p2", BASE))
    assert all(not u.entry & EPT_W for u in of(step, EptUpdate))
    r = m.execute(R("VM1", "p1", BASE))
    assert not exits(r) and r.walk_refs == 24, "a read of a shared page is a plain walk"
    w = m.execute(W("VM1", "p1", BASE, 5))
    assert exits(w) == ["ept-violation"]
    assert [c.reason for c in of(w, PmapChange)] == [PmapReason.COW_BREAK, PmapReason.UNSHARE]
    # the retry walks again and writes the private copy
    assert w.walk_refs == 48 and m.execute(R("VM2", "p2", BASE)).value == 4
    check_all(m)


def test_first_touch_guest_fault_then_ept_violations_for_each_new_guest_page():
    """Fresh process, first write: the walk faults in the guest's empty PML4 after 5 references
    (4 nested + the guest entry); the guest's handler allocates three tables and a page, each
    first touch an EPT violation the VMM backs; the retry is a full 24-reference walk."""
    m = machine()
    step = m.execute(W("VM1", "p1", BASE, 9))
    assert [e.kind for e in of(step, GuestPageFault)] == [FaultKind.NOT_PRESENT]
    assert exits(step) == ["ept-violation"] * 4
    backs = [c for c in of(step, PmapChange) if c.reason is PmapReason.BACK]
    assert len(backs) == 4 and [u.gppn for u in of(step, EptUpdate)] == [c.gppn for c in backs]
    assert step.walk_refs == 5 + 24
    assert_2d_walk_shape(walk_refs(step)[5:], m.vms["VM1"].guest.current.cr3)
    assert step.fault == "guest-pf+ept-violation"
