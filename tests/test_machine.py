"""The machine as a whole: step records, counters and costs, determinism, traces, the bulk path,
clones, views, and running out of memory."""
from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pytest

from visualizer.engine.events import Cause

from helpers_invariants import (BASE, MAP, PAGE, R, SWITCH, W, X, check_all, make_config, make_machine, of,
                                random_ops)
from visualizer.engine import (CostTable, Walker, GuestAction, GuestActionKind, Machine, Mode, Op, OpKind, OutOfMemory,
                               Trace, VmExit, WalkRef)
from visualizer.engine.workloads import generate

TWO = (("VM1", 24, ("p1", "p2")), ("VM2", 24, ("p1", "p2")))


def test_a_step_records_what_happened_in_order_with_consistent_totals():
    for mode in Mode:
        m = make_machine(mode, vms=TWO, frames=128)
        step = m.execute(W("VM1", "p1", BASE + 0x10, 0x42), 0)
        assert step.index == 0 and step.op.kind is OpKind.WRITE and isinstance(step.events, tuple)
        assert step.tlb == "miss" and step.value == 0x42
        assert step.gpa == m.views.guest_translate("VM1", "p1", BASE + 0x10)
        assert step.ma == m.views.gpa_to_ma("VM1", step.gpa) and m.mem.read_u64(step.ma) == 0x42
        refs = of(step, WalkRef)
        assert step.walk_refs == sum(r.walker is Walker.CPU for r in refs)
        assert step.vmm_walk_refs == sum(r.walker is Walker.VMM for r in refs)
        assert step.vmm_walk_refs == 0 or mode is Mode.SHADOW  # only shadow mode's VMM walks in software
        assert step.vm_exits == len(of(step, VmExit))
        assert step.cycles == sum(e.cost for e in step.events)
        assert m.execute(R("VM1", "p1", BASE + 0x10)).index == 1


def test_records_are_immutable():
    m = make_machine(Mode.SHADOW, vms=TWO, frames=128)
    step = m.execute(W("VM1", "p1", BASE, 1))
    with pytest.raises(AttributeError):  # a NamedTuple: one is made per access
        step.cycles = 0
    assert isinstance(step.events, tuple)
    for e in step.events:
        if dataclasses.is_dataclass(e):
            with pytest.raises(dataclasses.FrozenInstanceError):
                e.cost = 1
        else:  # NamedTuple records
            with pytest.raises(AttributeError):
                e.cost = 1


def test_counters_add_up_per_vm_and_in_total():
    m = make_machine(Mode.NESTED, vms=TWO, frames=128)
    steps = [m.execute(op) for op in (W("VM1", "p1", BASE, 1), R("VM1", "p1", BASE), R("VM2", "p2", BASE),
                                      SWITCH("VM1", "p2"), MAP("VM2", "p1", BASE))]
    c1, c2 = m.counters["VM1"], m.counters["VM2"]
    assert (c1.accesses, c1.tlb_hits, c1.tlb_misses, c1.ops) == (2, 1, 1, 3)
    assert (c2.accesses, c2.tlb_misses, c2.ops) == (1, 1, 2)
    assert c1.cycles + c2.cycles == sum(s.cycles for s in steps)
    assert c1.walk_refs + c2.walk_refs == sum(s.walk_refs for s in steps)
    assert sum(c1.vm_exits.values()) + sum(c2.vm_exits.values()) == sum(s.vm_exits for s in steps)
    assert sum(c1.by_cause.values()) == c1.cycles
    total = m.totals().as_dict()
    assert total["accesses"] == 3 and total["cycles"] == c1.cycles + c2.cycles
    assert set(total) >= {"accesses", "tlb_hits", "tlb_misses", "walk_refs", "vm_exits", "guest_faults", "cycles"}
    assert total["guest_faults"] == 2


def test_costs_come_from_the_cost_table():
    base = make_config(vms=TWO, frames=128)
    dear = dataclasses.replace(base, costs=CostTable(walk_ref=200, vmm_walk_ref=300, vm_exit=1000, vmm_handler=0,
                                                     guest_fault=7))
    for mode in (Mode.SHADOW, Mode.NESTED):
        a, b = Machine(base, mode), Machine(dear, mode)
        for op in random_ops(np.random.default_rng(5), 40, ("VM1", "VM2"), ("p1", "p2")):
            sa, sb = a.execute(op), b.execute(op)
            assert sa.walk_refs == sb.walk_refs and sa.vm_exits == sb.vm_exits
            assert sa.vmm_walk_refs == sb.vmm_walk_refs
            for e in sb.events:
                if isinstance(e, WalkRef):
                    assert e.cost == (200 if e.walker is Walker.CPU else 300)
                elif isinstance(e, VmExit):
                    assert e.cost == 1000
        ca, cb = a.totals(), b.totals()
        assert cb.by_cause.get(Cause.WALK, 0) == 5 * ca.by_cause.get(Cause.WALK, 0)
        assert cb.by_cause.get(Cause.VMM_WALK, 0) == 300 * cb.vmm_walk_refs and (cb.vmm_walk_refs > 0) == (mode is Mode.SHADOW)
        assert cb.by_cause.get(Cause.GUEST_FAULT, 0) == 7 * cb.guest_faults
    with pytest.raises(ValueError, match="unknown cost"):
        CostTable().with_overrides({"nope": 1})
    assert CostTable().exit_total == 2000


def test_unknown_vm_or_process_is_a_clear_error():
    m = make_machine(Mode.SHADOW, vms=TWO, frames=128)
    with pytest.raises(ValueError, match="unknown VM 'VM9'"):
        m.execute(R("VM9", "p1", BASE))
    with pytest.raises(ValueError, match="unknown process 'p9' in VM 'VM1'"):
        m.execute(R("VM1", "p9", BASE))


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_same_operations_and_seed_give_identical_events(mode):
    ops = random_ops(np.random.default_rng(11), 120, ("VM1", "VM2"), ("p1", "p2"))
    cfg = make_config(vms=TWO, frames=256, seed=4, tlb_entries=8, tlb_ways=2)
    a, b = Machine(cfg, mode), Machine(cfg, mode)
    assert [a.execute(op, i) for i, op in enumerate(ops)] == [b.execute(op, i) for i, op in enumerate(ops)]
    assert a.mem.image.tobytes() == b.mem.image.tobytes()


def test_native_mode_is_the_unvirtualized_baseline():
    m = make_machine(Mode.NATIVE, vms=TWO, frames=128)
    ops = random_ops(np.random.default_rng(3), 100, ("VM1", "VM2"), ("p1", "p2"))
    steps = [m.execute(op) for op in ops]
    assert not any(of(s, VmExit) for s in steps)
    for s in steps:
        if s.tlb == "miss" and not s.fault:
            assert s.walk_refs == 4


# -- traces -----------------------------------------------------------------------------------------
def test_traces_round_trip_operations():
    ops = random_ops(np.random.default_rng(2), 200, ("VM1", "VM2"), ("p1", "p2")) + \
        [X("VM2", "p2", BASE), Op(OpKind.READ, "VM1", None, BASE)]
    t = Trace.from_ops(ops)
    assert len(t) == len(ops)
    for i, op in enumerate(ops):
        got = t[i]
        if op.kind is OpKind.SWITCH:
            assert (got.kind, got.vm, got.process) == (op.kind, op.vm, op.process)
            assert got.describe() == op.describe() == f"switch {op.vm}/{op.process}"
        else:
            assert got == op, i
    assert t[-1] == ops[-1]
    with pytest.raises(IndexError):
        t[len(ops)]
    halves = Trace.concat([Trace.from_ops(ops[:77]), Trace.from_ops(ops[77:])])
    assert [halves[i].describe() for i in range(len(ops))] == [t[i].describe() for i in range(len(ops))]
    longer = Trace.concat([t, Trace.from_ops([R("VM2", "p1", 0x1000)])])
    assert len(longer) == len(t) + 1 and longer[-1] == R("VM2", "p1", 0x1000) and len(t) == len(ops)


# -- bulk path --------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_bulk_in_pieces_with_progress_equals_one_run_and_the_step_path(mode):
    trace = Trace.concat([generate("uniform", 1, accesses=30000, pages=40),
                          Trace.from_ops(random_ops(np.random.default_rng(9), 60, ("VM1",), ("p1",)))])
    cfg = make_config(vms=(("VM1", 96, ("p1", "p2")),), frames=512)
    whole, pieces, stepped = Machine(cfg, mode), Machine(cfg, mode), Machine(cfg, mode)
    calls = []
    whole.run_bulk(trace, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(trace), len(trace)) and len(calls) >= 2
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    cut = 12345
    pieces.run_bulk(trace, 0, cut)
    pieces.run_bulk(trace, cut)
    for i in range(len(trace)):
        stepped.execute(trace[i], i)
    for m in (pieces, stepped):
        assert m.counters["VM1"].as_dict() == whole.counters["VM1"].as_dict()
        assert m.mem.image.tobytes() == whole.mem.image.tobytes()
    assert whole.totals().tlb_hits > 0.3 * len(trace)
    check_all(whole)


def test_bulk_memory_does_not_grow_with_the_trace_length():
    """No per-step records: the bulk path's peak allocation is the same for a 3× longer trace."""
    cfg = make_config(vms=(("VM1", 96, ("p1",)),), frames=256)
    peaks = []
    for n in (33_000, 99_000):  # both well above the bulk path's chunk of 16,384
        trace = generate("sequential", 1, accesses=n, pages=64)
        m = Machine(cfg, Mode.SHADOW)
        m.run_bulk(trace, 0, 2000)  # warm: demand paging and shadow fills
        tracemalloc.start()
        m.run_bulk(trace, 2000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.3 * peaks[0], peaks


# -- clones and views ----------------------------------------------------------------------------------
def test_a_clone_is_independent():
    m = make_machine(Mode.SHADOW, vms=TWO, frames=128)
    m.execute(W("VM1", "p1", BASE, 1))
    c = m.clone()
    c.execute(W("VM1", "p1", BASE, 2))
    c.execute(W("VM1", "p2", BASE, 3))
    assert m.execute(R("VM1", "p1", BASE)).value == 1
    assert m.counters["VM1"].accesses == 2 and c.counters["VM1"].accesses == 3
    assert m.vms["VM1"].guest.current.name == "p1" and c.vms["VM1"].guest.current.name == "p2"
    check_all(m)
    check_all(c)


def test_views_agree():
    m = make_machine(Mode.NESTED, vms=TWO, frames=128)
    for i in range(3):
        m.execute(W("VM1", "p2", BASE + i * PAGE, i + 1))
    maps = m.views.guest_mappings("VM1", "p2")
    assert [g for g, _, _ in maps] == [(BASE >> 12) + i for i in range(3)]
    img = m.views.guest_image("VM1")
    for gvpn, gppn, pte in maps:
        assert m.views.guest_translate("VM1", "p2", (gvpn << 12) | 0x18) == (gppn << 12) | 0x18
        assert (pte >> 12) & 0xFFFFFFFFFF == gppn
        ma = m.views.gpa_to_ma("VM1", gppn << 12)
        assert img[gppn * PAGE:(gppn + 1) * PAGE].tobytes() == m.mem.page_bytes(ma >> 12)
    assert m.views.guest_translate("VM1", "p1", BASE) is None and m.views.guest_mappings("VM1", "p1") == []
    f = m.views.frames_in_use()
    assert f["guest"] + f["shadow"] + f["nested"] + f["free"] == f["total"] == 128 and f["shadow"] == 0


# -- running out of memory ----------------------------------------------------------------------------
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_a_guest_out_of_memory_kills_the_access_not_the_machine(mode):
    m = make_machine(mode, vms=(("VM1", 6, ("p1",)),), frames=64)
    m.execute(W("VM1", "p1", BASE, 1))  # root + 3 tables + 1 page = 5 of 6
    m.execute(W("VM1", "p1", BASE + PAGE, 2))  # the 6th
    step = m.execute(W("VM1", "p1", BASE + 2 * PAGE, 3))
    kinds = [a.kind for a in of(step, GuestAction)]
    assert GuestActionKind.OUT_OF_MEMORY in kinds and kinds[-1] is GuestActionKind.SEGV
    assert step.gpa is None and step.fault.endswith("segv")
    assert m.execute(R("VM1", "p1", BASE + PAGE)).value == 2
    check_all(m)


def test_machine_memory_exhaustion_raises_a_clear_error():
    m = make_machine(Mode.SHADOW, vms=(("VM1", 64, ("p1",)),), frames=8)
    with pytest.raises(OutOfMemory, match="machine memory exhausted: all 8 frames in use"):
        for i in range(64):
            m.execute(W("VM1", "p1", BASE + i * PAGE, i))
