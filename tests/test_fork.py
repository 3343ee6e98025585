"""fork with copy-on-write in the guest OS, and exit — in every mode.

Linux ``copy_present_pte`` (fork write-protects the PTE in parent and child, the frame counts
its sharers), ``flush_tlb_mm`` (one address-space flush per fork, not an INVLPG per page) and
``do_wp_page`` (a write to a shared page copies it; the last sharer reuses it), while a page
made read-only by ``protect`` still ends in SIGSEGV.
"""
from __future__ import annotations

import pytest

from helpers_invariants import (BASE, EXIT, FORK, MAP, PAGE, PROTECT, R, UNMAP, W, check_all, exits, guest_pte,
                                make_machine, of, run)
from visualizer.engine import (FaultKind, FlushReason, FlushScope, GuestAction, GuestActionKind as GA, GuestNothing,
                               GuestPageFault, Mode, Op, OpKind, ScenarioError, TlbFlush, Trace, load_scenario_text)
from visualizer.engine import traceio as T
from visualizer.engine.paging import FRAME_MASK, A, P, RW

MODES = list(Mode)
VMS = (("VM1", 32, ("p1", "p2", "p3")),)


def machine(mode):
    return make_machine(mode, vms=VMS, frames=256)


def actions(step) -> list:
    return [e.kind for e in of(step, GuestAction)]


def frame(pte: int) -> int:
    return (pte & FRAME_MASK) >> 12


def forked(mode):
    """p1 writes two pages, then forks p2."""
    m = machine(mode)
    run(m, [W("VM1", "p1", BASE, 0x11), W("VM1", "p1", BASE + PAGE, 0x22)])
    step = m.execute(FORK("VM1", "p1", "p2"))
    check_all(m)
    return m, step


@pytest.mark.parametrize("mode", MODES)
def test_after_fork_both_ptes_are_read_only_and_share_the_frame(mode):
    m, step = forked(mode)
    g = m.vms["VM1"].guest
    for gva in (BASE, BASE + PAGE):
        parent, child = guest_pte(m, "VM1", "p1", gva), guest_pte(m, "VM1", "p2", gva)
        assert parent & P and child & P and not parent & RW and not child & RW
        assert frame(parent) == frame(child) and g.refs[frame(parent)] == 2
        # the other bits (D, NX, U/S) are kept; the child's entry is old: A clear (Linux pte_mkold)
        assert parent & A and not child & A and parent == child | A
    assert actions(step)[0] is GA.FORK and of(step, GuestAction)[0].process == "p2"
    # the child's tables were allocated (PDPT, PD, PT) through the guest's table-writing path
    assert actions(step).count(GA.ALLOC_TABLE) == 3
    assert m.views.guest_translate("VM1", "p2", BASE) == m.views.guest_translate("VM1", "p1", BASE)


@pytest.mark.parametrize("mode", MODES)
def test_one_address_space_flush_per_fork_not_an_invlpg_per_page(mode):
    m, step = forked(mode)
    # the guest's flushes (in shadow mode the VMM also invalidates the shadow entries that the
    # exiting page-table writes dropped: that is the VMM's work, not the guest's)
    flushes = [f for f in of(step, TlbFlush) if f.reason is not FlushReason.SHADOW_ENTRY_DROPPED]
    assert [(f.scope, f.reason) for f in flushes] == [(FlushScope.ADDRESS_SPACE, FlushReason.ADDRESS_SPACE_FLUSH)]
    assert actions(step).count(GA.FLUSH_TLB_MM) == 1 and GA.INVLPG not in actions(step)
    if mode is Mode.SHADOW:
        # the CR3 reload exits once; the parent's PTE writes exit as page-table writes
        assert exits(step).count("cr3-load") == 1 and exits(step).count("pt-write") >= 2
        assert "invlpg" not in exits(step)
    else:
        assert "cr3-load" not in exits(step)
    # the parent's old writable translations are gone: its next write faults
    assert not [e for e in m.tlb.contents() if e[4].writable and e[2] == m.vms["VM1"].guest.processes["p1"].pcid]


@pytest.mark.parametrize("mode", MODES)
def test_a_parent_write_copies_the_page_and_the_child_keeps_the_old_contents(mode):
    m, _ = forked(mode)
    g = m.vms["VM1"].guest
    old = frame(guest_pte(m, "VM1", "p1", BASE))
    step = m.execute(W("VM1", "p1", BASE + 8, 0x99))
    check_all(m)
    assert [(e.kind, e.gva) for e in of(step, GuestPageFault)] == [(FaultKind.WRITE_PROTECT, BASE + 8)]
    kinds = actions(step)
    assert kinds == [GA.ALLOC_FRAME, GA.COPY_PAGE, GA.WRITE_PTE, GA.INVLPG]
    copy = next(e for e in of(step, GuestAction) if e.kind is GA.COPY_PAGE)
    assert copy.cost == m.costs.page_copy
    new_pte = guest_pte(m, "VM1", "p1", BASE)
    new = frame(new_pte)
    assert new != old and new == copy.gppn and new_pte & RW and step.gpa >> 12 == new
    assert old not in g.refs  # the child is the last sharer now
    # the new frame has the old contents plus the write; the child still reads the old value
    assert m.execute(R("VM1", "p1", BASE)).value == 0x11
    assert m.execute(R("VM1", "p1", BASE + 8)).value == 0x99
    assert m.execute(R("VM1", "p2", BASE)).value == 0x11
    assert m.execute(R("VM1", "p2", BASE + 8)).value == 0
    assert frame(guest_pte(m, "VM1", "p2", BASE)) == old
    check_all(m)


@pytest.mark.parametrize("mode", MODES)
def test_the_last_sharer_reuses_the_page_without_a_copy(mode):
    m, _ = forked(mode)
    run(m, [W("VM1", "p1", BASE, 0x33)])  # p1 gets a copy; p2 is the last sharer of the old frame
    old = frame(guest_pte(m, "VM1", "p2", BASE))
    step = m.execute(W("VM1", "p2", BASE, 0x44))
    check_all(m)
    assert [e.kind for e in of(step, GuestPageFault)] == [FaultKind.WRITE_PROTECT]
    assert GA.COPY_PAGE not in actions(step) and GA.ALLOC_FRAME not in actions(step)
    assert actions(step)[-3:] == [GA.REUSE_PAGE, GA.WRITE_PTE, GA.INVLPG]
    pte = guest_pte(m, "VM1", "p2", BASE)
    assert frame(pte) == old and pte & RW
    assert m.execute(R("VM1", "p2", BASE)).value == 0x44 and m.execute(R("VM1", "p1", BASE)).value == 0x33


@pytest.mark.parametrize("mode", MODES)
def test_unmap_of_a_shared_frame_frees_it_only_with_its_last_pte_after_the_invlpg(mode):
    m, _ = forked(mode)
    g = m.vms["VM1"].guest
    shared = frame(guest_pte(m, "VM1", "p1", BASE))
    free = g.free_frames
    step = m.execute(UNMAP("VM1", "p1", BASE))
    check_all(m)
    assert actions(step)[-2:] == [GA.WRITE_PTE, GA.INVLPG] and GA.FREE_FRAME not in actions(step)
    assert g.free_frames == free and shared not in g.refs
    assert m.execute(R("VM1", "p2", BASE)).value == 0x11
    step = m.execute(UNMAP("VM1", "p2", BASE))
    check_all(m)
    kinds = actions(step)
    i = kinds.index(GA.WRITE_PTE)
    assert kinds[i:] == [GA.WRITE_PTE, GA.INVLPG, GA.FREE_FRAME]
    assert of(step, GuestAction)[-1].gppn == shared and g.free_frames == free + 1


@pytest.mark.parametrize("mode", MODES)
def test_a_write_to_a_protected_page_still_segfaults_in_parent_and_child(mode):
    m = machine(mode)
    run(m, [W("VM1", "p1", BASE, 1), W("VM1", "p1", BASE + PAGE, 2), PROTECT("VM1", "p1", BASE)])
    step = m.execute(W("VM1", "p1", BASE, 3))
    assert actions(step)[-1] is GA.SEGV and of(step, GuestAction)[-1].fault is FaultKind.WRITE_PROTECT
    run(m, [FORK("VM1", "p1", "p2")])
    for proc in ("p1", "p2"):
        step = m.execute(W("VM1", proc, BASE, 3))
        assert actions(step)[-1] is GA.SEGV and GA.COPY_PAGE not in actions(step), proc
        assert m.execute(R("VM1", proc, BASE)).value == 1
    # the page beside it is copy-on-write, not protected
    step = m.execute(W("VM1", "p2", BASE + PAGE, 5))
    assert GA.COPY_PAGE in actions(step) and GA.SEGV not in actions(step)
    # protect on a copy-on-write page makes it really read-only
    run(m, [PROTECT("VM1", "p1", BASE + PAGE)])
    step = m.execute(W("VM1", "p1", BASE + PAGE, 6))
    assert actions(step)[-1] is GA.SEGV
    check_all(m)


@pytest.mark.parametrize("mode", MODES)
def test_exit_tears_down_the_child_so_it_can_be_forked_into_again(mode):
    m, _ = forked(mode)
    g = m.vms["VM1"].guest
    run(m, [W("VM1", "p2", BASE + 2 * PAGE, 7)])  # a page of the child's own
    step = m.execute(FORK("VM1", "p1", "p2"))
    assert actions(step)[-1] is GA.NOTHING_TO_DO and of(step, GuestAction)[-1].why is GuestNothing.CHILD_NOT_EMPTY
    assert all(f.reason is not FlushReason.ADDRESS_SPACE_FLUSH for f in of(step, TlbFlush))
    tables = set(g.pt_pages)
    step = m.execute(EXIT("VM1", "p2"))
    check_all(m)
    kinds = actions(step)
    flush = kinds.index(GA.FLUSH_TLB_MM)
    assert kinds[kinds.index(GA.EXIT) + 1:flush] == [GA.WRITE_PTE] * (3 + 3)  # 3 leaves, then the PD, PDPT and PML4 entries
    freed = [e.gppn for e in of(step, GuestAction)[flush:] if e.kind is GA.FREE_FRAME]
    assert kinds[flush + 1:] == [GA.FREE_FRAME] * 4  # its own page and its three tables; shared pages stay
    assert set(freed[1:]) == tables - g.pt_pages and len(freed[1:]) == 3
    assert [(f.scope, f.reason) for f in of(step, TlbFlush)][-1] == (FlushScope.ADDRESS_SPACE,
                                                                     FlushReason.ADDRESS_SPACE_FLUSH)
    assert m.views.guest_mappings("VM1", "p2") == [] and g.refs == {}
    # p1's pages are its own again (read-only until its next write reuses them)
    step = m.execute(W("VM1", "p1", BASE + PAGE, 8))
    assert GA.REUSE_PAGE in actions(step) and GA.COPY_PAGE not in actions(step)
    step = m.execute(FORK("VM1", "p1", "p2"))
    assert GA.FORK in actions(step)
    assert m.execute(R("VM1", "p2", BASE + PAGE)).value == 8
    assert m.execute(R("VM1", "p2", BASE)).value == 0x11
    step = m.execute(EXIT("VM1", "p3"))
    assert of(step, GuestAction)[-1].why is GuestNothing.NOTHING_MAPPED
    check_all(m)


@pytest.mark.parametrize("mode", MODES)
def test_two_children_share_one_frame_three_ways(mode):
    m, _ = forked(mode)
    run(m, [FORK("VM1", "p1", "p3")])
    g = m.vms["VM1"].guest
    f = frame(guest_pte(m, "VM1", "p1", BASE))
    assert g.refs[f] == 3
    step = m.execute(W("VM1", "p3", BASE, 5))
    assert GA.COPY_PAGE in actions(step) and g.refs[f] == 2
    assert [m.execute(R("VM1", p, BASE)).value for p in ("p1", "p2", "p3")] == [0x11, 0x11, 5]
    check_all(m)


@pytest.mark.parametrize("mode", MODES)
def test_map_of_a_copy_on_write_page_has_nothing_to_do(mode):
    m, _ = forked(mode)
    step = m.execute(MAP("VM1", "p2", BASE))
    assert of(step, GuestAction)[-1].why is GuestNothing.ALREADY_MAPPED


def test_clone_keeps_the_sharing_independent():
    m, _ = forked(Mode.SHADOW)
    c = m.clone()
    run(c, [W("VM1", "p1", BASE, 9)])
    assert m.vms["VM1"].guest.refs != c.vms["VM1"].guest.refs
    check_all(m)
    check_all(c)


def test_bulk_path_equals_step_path_with_forks():
    ops = [W("VM1", "p1", BASE, 1), W("VM1", "p1", BASE + PAGE, 2), FORK("VM1", "p1", "p2"),
           W("VM1", "p1", BASE, 3), R("VM1", "p2", BASE), R("VM1", "p1", BASE), EXIT("VM1", "p2"),
           W("VM1", "p1", BASE + PAGE, 4), R("VM1", "p1", BASE)] * 3
    trace = Trace.from_ops(ops)
    assert trace[2] == ops[2] and trace[6] == ops[6] and trace[6].gva is None
    for mode in MODES:
        a, b = machine(mode), machine(mode)
        for i in range(len(trace)):
            a.execute(trace[i], i)
        b.run_bulk(trace)
        assert a.totals().as_dict() == b.totals().as_dict()
        assert a.mem.image.tobytes() == b.mem.image.tobytes()


# -- formats ----------------------------------------------------------------------------------
SCENARIO = """
[[vm]]
name = "VM1"
processes = ["p1", "p2"]
[[trace]]
op = "write"
vm = "VM1"
process = "p1"
gva = 0x400000
[[trace]]
op = "read"
vm = "VM1"
process = "p1"
gva = 0x400000
[[trace]]
op = "read"
vm = "VM1"
process = "p1"
gva = 0x400000
[[trace]]
op = "fork"
vm = "VM1"
process = "p1"
{child}
[[trace]]
op = "exit"
vm = "VM1"
process = "p2"
"""


def test_scenario_fork_and_exit():
    s = load_scenario_text(SCENARIO.format(child='child = "p2"'))
    fork, exit_ = s.trace[3], s.trace[4]
    assert fork == Op(OpKind.FORK, "VM1", "p1", child="p2") and fork.describe() == "fork VM1/p1 → p2"
    assert exit_ == Op(OpKind.EXIT, "VM1", "p2") and exit_.describe() == "exit VM1/p2"
    m = s.machine()
    steps = [m.execute(s.trace[i], i) for i in range(len(s.trace))]
    assert GA.FORK in actions(steps[3]) and GA.EXIT in actions(steps[4])


@pytest.mark.parametrize("child, message", [
    ("", "trace[3].child: missing"),
    ('child = "p9"', "trace[3].child: VM 'VM1' has no process 'p9'"),
    ('child = "p1"', "trace[3].child: 'p1' is the parent itself"),
    ("child = 3", "trace[3].child: expected a string"),
])
def test_scenario_fork_errors_name_the_field(child, message):
    with pytest.raises(ScenarioError) as e:
        load_scenario_text(SCENARIO.format(child=child))
    assert str(e.value).startswith(message), str(e.value)


def test_only_fork_takes_a_child():
    text = SCENARIO.format(child='child = "p2"').replace('process = "p2"\n', 'process = "p2"\nchild = "p1"\n')
    with pytest.raises(ScenarioError, match=r"trace\[4\]\.child: only 'fork' takes a child"):
        load_scenario_text(text)


def test_csv_fork_names_the_child_in_the_address_column():
    p = T.parse_csv("vm,process,op,address,value\nVM1,p1,write,0x400000,0x5\nVM1,p1,fork,p2\nVM1,p2,read,0x400000\n"
                    "VM1,p2,exit,\n")
    ops = p.trace.ops()
    assert ops[1] == Op(OpKind.FORK, "VM1", "p1", child="p2") and ops[3] == Op(OpKind.EXIT, "VM1", "p2")
    cfg = T.default_config(p.trace)
    assert cfg.vms[0].processes == ("p1", "p2")
    back = T.parse_csv(T.write_csv(p.trace)).trace
    assert back.ops() == ops
    for mode in MODES:
        m = make_machine(mode, vms=(("VM1", 32, ("p1", "p2")),))
        steps = [m.execute(op) for op in ops]
        assert steps[2].value == 5


@pytest.mark.parametrize("line, message", [
    ("VM1,p1,fork,", "line 1, field 'address': a fork names its child process"),
    ("VM1,p1,fork,p1", "line 1, field 'address': the child 'p1' is the parent itself"),
    ("VM1,p1,exit,0x400000", "line 1, field 'address': an exit takes no address"),
])
def test_csv_fork_errors(line, message):
    with pytest.raises(T.TraceError) as e:
        T.parse_csv(line + "\n")
    assert str(e.value).startswith(message), str(e.value)
