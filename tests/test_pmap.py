"""The VMM's pmap: page states unmapped → private, shared (copy-on-write), swapped, and how each
change reaches the MMU structures (shadow entries, EPT leaves, TLB)."""
from __future__ import annotations

import pytest

from helpers_invariants import (BASE, PAGE, R, SHARE, SHARE_GPA, SWAP, SWAP_GPA, W, check_all, exits,
                                make_machine, of)
from visualizer.engine import (EptUpdate, Mode, Note, ShadowZapReason, PageState, PmapChange, PmapReason, ShadowInvalidate,
                               TlbFlush)
from visualizer.engine.paging import EPT_R, EPT_W

VIRT = [Mode.SHADOW, Mode.NESTED]
TWO_VMS = (("VM1", 16, ("p1",)), ("VM2", 16, ("p2",)))
A_, B_ = BASE, BASE + PAGE


def machine(mode, vms=TWO_VMS, **kw):
    return make_machine(mode, vms=vms, frames=128, **kw)


def gppn_of(m, vm, p, gva):
    return m.views.guest_translate(vm, p, gva) >> 12


def figure(mode):
    """The seed's figure: page b (0xB at offset 0) in both VMs, a in VM1, c in VM2."""
    m = machine(mode)
    for op in (W("VM1", "p1", A_, 0xA), W("VM1", "p1", B_, 0xB), W("VM2", "p2", A_, 0xB), W("VM2", "p2", B_, 0xC)):
        m.execute(op)
    return m


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_pages_start_unmapped_and_become_private_on_first_touch(mode):
    m = machine(mode)
    pm = m.vms["VM1"].pmap
    root = m.vms["VM1"].guest.current.root_gppn
    assert [g for g in range(pm.pages) if pm.state[g] is not PageState.UNMAPPED] == [root]
    f0 = m.views.frames_in_use()
    step = m.execute(W("VM1", "p1", A_, 7))
    backs = [e for e in of(step, PmapChange) if e.reason is PmapReason.BACK]
    # three tables (PDPT, PD, PT) and the data page, each backed when the guest first zeroes it
    assert len(backs) == 4
    assert all(e.old_state is PageState.UNMAPPED and e.new_state is PageState.PRIVATE and e.old_mpn is None
               for e in backs)
    data = gppn_of(m, "VM1", "p1", A_)
    assert backs[-1].gppn == data and pm.mpn[data] == backs[-1].new_mpn
    assert pm.state[data] is PageState.PRIVATE
    f1 = m.views.frames_in_use()
    assert f1["guest"] == f0["guest"] + 4
    assert f0["free"] - f1["free"] == 4 + (f1["shadow"] - f0["shadow"]) + (f1["nested"] - f0["nested"])
    if mode is Mode.SHADOW:
        assert f1["shadow"] - f0["shadow"] == 3, "the shadow path below the root: PDPT, PD, PT"
    assert step.ma == (pm.mpn[data] << 12) and m.mem.read_u64(step.ma) == 7
    if mode is Mode.NESTED:
        assert {e.gppn for e in of(step, EptUpdate)} == {e.gppn for e in backs}
    if mode is Mode.NATIVE:
        assert all(e.cost == 0 for e in backs), "no VMM in native mode: backing is the OS's own zeroing"
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_share_needs_identical_contents_and_frees_the_duplicate(mode):
    m = figure(mode)
    b1, b2 = gppn_of(m, "VM1", "p1", B_), gppn_of(m, "VM2", "p2", A_)
    m1, m2 = m.vms["VM1"].pmap.mpn[b1], m.vms["VM2"].pmap.mpn[b2]
    free = m.mem.free_count
    step = m.execute(SHARE("VM1", "p1", B_, "VM2", "p2", A_))
    changes = of(step, PmapChange)
    assert [(c.vm, c.gppn, c.reason, c.old_state, c.new_state, c.old_mpn, c.new_mpn) for c in changes] == [
        ("VM1", b1, PmapReason.SHARE, PageState.PRIVATE, PageState.SHARED, m1, m1),
        ("VM2", b2, PmapReason.SHARE, PageState.PRIVATE, PageState.SHARED, m2, m1)]
    assert m.vms["VM1"].pmap.state[b1] is m.vms["VM2"].pmap.state[b2] is PageState.SHARED
    assert m.vms["VM2"].pmap.mpn[b2] == m1 and m.sharers[m1] == {("VM1", b1), ("VM2", b2)}
    assert m.mem.free_count == free + 1 and m2 not in m.mem.used
    # both still read their (identical) contents, now from one machine page
    r1, r2 = m.execute(R("VM1", "p1", B_)), m.execute(R("VM2", "p2", A_))
    assert r1.value == r2.value == 0xB and r1.ma == r2.ma == m1 << 12
    if mode is Mode.NESTED:
        leaves = {e.gppn: e.entry for e in of(step, EptUpdate)}
        assert leaves[b1] & EPT_R and not leaves[b1] & EPT_W and not leaves[b2] & EPT_W
    else:
        assert {e.reason for e in of(step, ShadowInvalidate)} == {ShadowZapReason.PMAP_CHANGE}
        assert len(of(step, ShadowInvalidate)) == 2, "each VM's shadow leaf for its page b is dropped"
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_share_refuses_different_contents_page_tables_and_pages_without_contents(mode):
    m = figure(mode)
    before = (list(m.vms["VM1"].pmap.state), list(m.vms["VM2"].pmap.state), m.mem.free_count)
    cases = [
        (SHARE("VM1", "p1", A_, "VM2", "p2", A_), "contents differ"),          # 0xA vs 0xB
        (SHARE_GPA("VM1", 0, "VM2", 0), "guest page-table page"),              # both roots: identical? refused
        (SHARE("VM1", "p1", B_, "VM2", "p2", BASE + 5 * PAGE), "not mapped"),
        (SHARE_GPA("VM1", 15 * PAGE, "VM2", 15 * PAGE), "unmapped"),
    ]
    for op, why in cases:
        step = m.execute(op)
        notes = of(step, Note)
        assert len(notes) == 1 and why in notes[0].text, (op.describe(), notes)
        assert not of(step, PmapChange)
    assert before == (list(m.vms["VM1"].pmap.state), list(m.vms["VM2"].pmap.state), m.mem.free_count)
    # a swapped page has no machine page to share
    m.execute(SWAP("VM1", "p1", B_))
    step = m.execute(SHARE("VM1", "p1", B_, "VM2", "p2", A_))
    assert "swapped" in of(step, Note)[0].text
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_a_write_to_a_shared_page_breaks_sharing_and_the_last_sharer_becomes_private(mode):
    m = figure(mode)
    m.execute(SHARE("VM1", "p1", B_, "VM2", "p2", A_))
    b1, b2 = gppn_of(m, "VM1", "p1", B_), gppn_of(m, "VM2", "p2", A_)
    shared = m.vms["VM1"].pmap.mpn[b1]
    step = m.execute(W("VM1", "p1", B_ + 8, 0x1))
    assert exits(step) == (["hidden-fault"] if mode is Mode.SHADOW else ["ept-violation"])
    changes = of(step, PmapChange)
    cow = [c for c in changes if c.reason is PmapReason.COW_BREAK]
    unshare = [c for c in changes if c.reason is PmapReason.UNSHARE]
    assert len(cow) == 1 and (cow[0].vm, cow[0].gppn, cow[0].old_mpn) == ("VM1", b1, shared)
    new = cow[0].new_mpn
    assert new != shared and m.vms["VM1"].pmap.mpn[b1] == new
    assert len(unshare) == 1 and (unshare[0].vm, unshare[0].gppn) == ("VM2", b2)
    assert m.vms["VM2"].pmap.state[b2] is PageState.PRIVATE and m.vms["VM2"].pmap.mpn[b2] == shared
    assert shared not in m.sharers
    # the copy kept the old contents and took the write; the other VM's page is untouched
    assert m.execute(R("VM1", "p1", B_)).value == 0xB
    assert m.execute(R("VM1", "p1", B_ + 8)).value == 0x1
    assert m.execute(R("VM2", "p2", A_ + 8)).value == 0
    assert cow[0].cost == m.costs.page_copy
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_three_sharers_lose_one_at_a_time(mode):
    vms = (("VM1", 16, ("p1",)), ("VM2", 16, ("p2",)), ("VM3", 16, ("p3",)))
    m = machine(mode, vms=vms)
    for vm, p in (("VM1", "p1"), ("VM2", "p2"), ("VM3", "p3")):
        m.execute(W(vm, p, A_, 0x5))
    m.execute(SHARE("VM1", "p1", A_, "VM2", "p2", A_))
    step = m.execute(SHARE("VM3", "p3", A_, "VM1", "p1", A_))  # VM3 joins the existing group
    shared = m.vms["VM1"].pmap.mpn[gppn_of(m, "VM1", "p1", A_)]
    assert len(m.sharers[shared]) == 3 and [c.reason for c in of(step, PmapChange)] == [PmapReason.SHARE]
    m.execute(W("VM2", "p2", A_, 0x6))
    assert len(m.sharers[shared]) == 2
    assert all(m.vms[v].pmap.state[gppn_of(m, v, p, A_)] is PageState.SHARED for v, p in (("VM1", "p1"), ("VM3", "p3")))
    step = m.execute(W("VM3", "p3", A_, 0x7))
    assert [c.reason for c in of(step, PmapChange)] == [PmapReason.COW_BREAK, PmapReason.UNSHARE]
    assert shared not in m.sharers and m.vms["VM1"].pmap.mpn[gppn_of(m, "VM1", "p1", A_)] == shared
    assert [m.execute(R(v, p, A_)).value for v, p in (("VM1", "p1"), ("VM2", "p2"), ("VM3", "p3"))] == [5, 6, 7]
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_swap_out_then_swap_in_restores_the_contents(mode):
    m = figure(mode)
    c = gppn_of(m, "VM2", "p2", B_)
    pm = m.vms["VM2"].pmap
    old = pm.mpn[c]
    content = m.mem.page_bytes(old)
    free = m.mem.free_count
    step = m.execute(SWAP("VM2", "p2", B_))
    (ch,) = of(step, PmapChange)
    assert (ch.reason, ch.old_state, ch.new_state, ch.old_mpn, ch.new_mpn) == (
        PmapReason.SWAP_OUT, PageState.PRIVATE, PageState.SWAPPED, old, None)
    assert pm.state[c] is PageState.SWAPPED and pm.lookup(c) is None and pm.swap[c] == content
    assert m.mem.free_count == free + 1 and old not in m.mem.used
    assert m.views.guest_image("VM2")[c * PAGE:(c + 1) * PAGE].tobytes() == content, "the guest sees no difference"
    assert m.views.guest_translate("VM2", "p2", B_) == c << 12
    if mode is Mode.SHADOW:
        assert [e.reason for e in of(step, ShadowInvalidate)] == [ShadowZapReason.PMAP_CHANGE]
    assert any(isinstance(e, TlbFlush) for e in step.events)
    step = m.execute(R("VM2", "p2", B_))
    assert step.value == 0xC
    (ch,) = [e for e in of(step, PmapChange)]
    assert (ch.reason, ch.old_state, ch.new_state) == (PmapReason.SWAP_IN, PageState.SWAPPED, PageState.PRIVATE)
    assert ch.cost == m.costs.swap_in
    assert pm.state[c] is PageState.PRIVATE and c not in pm.swap and m.mem.page_bytes(pm.mpn[c]) == content
    assert exits(step) == (["hidden-fault"] if mode is Mode.SHADOW else ["ept-violation"])
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_swap_out_refuses_shared_and_unmapped_pages(mode):
    m = figure(mode)
    m.execute(SHARE("VM1", "p1", B_, "VM2", "p2", A_))
    for op, why in ((SWAP("VM1", "p1", B_), "shared"), (SWAP_GPA("VM1", 15 * PAGE), "unmapped"),
                    (SWAP("VM1", "p1", BASE + 9 * PAGE), "not mapped")):
        step = m.execute(op)
        assert not of(step, PmapChange) and why in of(step, Note)[0].text, op.describe()
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_a_swapped_guest_page_table_is_swapped_back_in_when_the_guest_needs_it(mode):
    m = figure(mode)
    vm = m.vms["VM1"]
    proc = vm.guest.current
    leaf_table = max(vm.guest.pt_pages)  # the PT, allocated last
    step = m.execute(SWAP_GPA("VM1", leaf_table * PAGE))
    assert vm.pmap.state[leaf_table] is PageState.SWAPPED
    assert m.views.guest_translate("VM1", proc.name, A_) is not None, "translation still works from the swap store"
    m.tlb.flush_all()
    # a page in the same PT, not yet mapped: the guest's #PF handler must read (and write) the PT
    step = m.execute(W("VM1", "p1", BASE + 2 * PAGE, 0x22))
    swap_ins = [c for c in of(step, PmapChange) if c.reason is PmapReason.SWAP_IN]
    assert [c.gppn for c in swap_ins] == [leaf_table]
    assert vm.pmap.state[leaf_table] is PageState.PRIVATE
    assert m.execute(R("VM1", "p1", BASE + 2 * PAGE)).value == 0x22
    assert m.execute(R("VM1", "p1", A_)).value == 0xA
    check_all(m)


def test_native_mode_has_no_vmm_to_share_or_swap():
    m = figure(Mode.NATIVE)
    states = [list(v.pmap.state) for v in m.vms.values()]
    for op in (SHARE("VM1", "p1", B_, "VM2", "p2", A_), SWAP("VM1", "p1", A_)):
        step = m.execute(op)
        assert [type(e) for e in step.events] == [Note] and "native" in step.events[0].text
    assert states == [list(v.pmap.state) for v in m.vms.values()]


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_pages_of_one_vm_can_share_too(mode):
    m = machine(mode, vms=(("VM1", 16, ("p1", "p2")),))
    m.execute(R("VM1", "p1", A_))   # two zero pages
    m.execute(R("VM1", "p2", B_))
    step = m.execute(SHARE("VM1", "p1", A_, "VM1", "p2", B_))
    assert [c.reason for c in of(step, PmapChange)] == [PmapReason.SHARE, PmapReason.SHARE]
    again = m.execute(SHARE("VM1", "p1", A_, "VM1", "p2", B_))
    assert "already" in of(again, Note)[0].text
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_sharing_two_groups_merges_them_onto_one_machine_page(mode):
    m = machine(mode)
    pages = [("VM1", "p1", A_), ("VM1", "p1", B_), ("VM2", "p2", A_), ("VM2", "p2", B_)]
    for vm, p, gva in pages:
        m.execute(W(vm, p, gva, 0x5))
    m.execute(SHARE("VM1", "p1", A_, "VM2", "p2", A_))
    m.execute(SHARE("VM1", "p1", B_, "VM2", "p2", B_))
    assert len(m.sharers) == 2
    free = m.mem.free_count
    step = m.execute(SHARE("VM2", "p2", B_, "VM1", "p1", A_))
    assert len(m.sharers) == 1 and m.mem.free_count == free + 1
    (mpn, group), = m.sharers.items()
    assert group == {(vm, gppn_of(m, vm, p, gva)) for vm, p, gva in pages}
    moved = of(step, PmapChange)
    assert len(moved) == 2 and all(c.reason is PmapReason.SHARE and c.new_mpn == mpn for c in moved)
    assert [m.execute(R(vm, p, gva)).ma for vm, p, gva in pages] == [mpn << 12] * 4
    check_all(m)


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_a_private_page_joins_an_existing_group_whichever_side_names_it(mode):
    """Sharing always frees a machine page: the private page moves onto the shared one."""
    vms = (("VM1", 16, ("p1",)), ("VM2", 16, ("p2",)), ("VM3", 16, ("p3",)))
    for first, second in ((("VM3", "p3"), ("VM1", "p1")), (("VM1", "p1"), ("VM3", "p3"))):
        m = machine(mode, vms=vms)
        for vm, p in (("VM1", "p1"), ("VM2", "p2"), ("VM3", "p3")):
            m.execute(W(vm, p, A_, 0x5))
        m.execute(SHARE("VM1", "p1", A_, "VM2", "p2", A_))
        shared = m.vms["VM1"].pmap.mpn[gppn_of(m, "VM1", "p1", A_)]
        free = m.mem.free_count
        m.execute(SHARE(first[0], first[1], A_, second[0], second[1], A_))
        assert m.mem.free_count == free + 1 and len(m.sharers[shared]) == 3
        check_all(m)
