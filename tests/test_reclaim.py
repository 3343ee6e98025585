"""The host's memory reclamation under overcommit (sharing, ballooning, compression, swapping):
nothing the guests wrote is lost, frames are conserved, every page is in one state, pages brought
back translate as an x86 MMU says, salting keeps sharing within a VM, bulk = step."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from helpers_invariants import check_frames, check_tlb, scaled
from visualizer.engine import Machine, MachineConfig, Mode, Op, OpKind, Trace, VmConfig
from visualizer.engine.events import (GuestAction, GuestActionKind, HostState, HostStateChange, PageState, PmapChange,
                                      PmapReason, ScanResult, ShareScan)
from visualizer.engine.ops import ReclaimConfig

BASE = 0x400000
VIRT = (Mode.SHADOW, Mode.NESTED)


def overcommitted(nvms=4, pages=64, seed=1, design="intel", **reclaim) -> MachineConfig:
    """``nvms`` VMs of ``pages`` pages each on a machine half their size (the VMM's tables take an
    eighth of it, so the guests get less still)."""
    vms = tuple(VmConfig(f"VM{i + 1}", pages, ("p1",)) for i in range(nvms))
    return MachineConfig(nvms * pages // 2, vms, seed, 16, 4, reclaim=ReclaimConfig(enabled=True, **reclaim),
                         design=design)


def value_of(v: int, p: int) -> int:
    """Some zero pages, some identical within and across VMs, some private."""
    kind = p % 4
    return 0 if kind == 0 else 0xC0FFEE00 + p if kind == 1 else 0xBEEF00 + (p % 3) if kind == 2 else 0x1000 * v + p + 7


def write_then_read(nvms=4, npages=56, seed=1, rounds=2):
    rng = random.Random(seed)
    ops, expect = [], {}
    for v in range(nvms):
        for p in range(npages):
            ops.append(Op(OpKind.WRITE, f"VM{v + 1}", "p1", BASE + p * 0x1000 + 8 * (p % 5), value_of(v, p)))
            expect[(v, p)] = value_of(v, p)
    for _ in range(rounds):
        order = [(v, p) for v in range(nvms) for p in range(npages)]
        rng.shuffle(order)
        ops += [Op(OpKind.READ, f"VM{v + 1}", "p1", BASE + p * 0x1000 + 8 * (p % 5)) for v, p in order]
    return ops, expect


@pytest.mark.parametrize("period,salting", [(2, False), (3, True), (16, False)])
@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
def test_nothing_is_lost_under_twofold_overcommit(mode, period, salting):
    """Four VMs whose memory adds up to twice the machine's each write every page (zero pages,
    pages identical within and across VMs, private pages) and read all of them back: every read
    returns the last value written there, while the host shares, balloons, compresses and swaps."""
    m = Machine(overcommitted(period=period, tps_salting=salting), mode)
    ops, expect = write_then_read()
    seen = Counter()
    for i, op in enumerate(ops):
        step = m.execute(op, i)
        for e in step.events:
            if e.__class__ is PmapChange:
                seen[e.reason] += 1
            elif e.__class__ is GuestAction and e.kind in (GuestActionKind.SWAP_OUT, GuestActionKind.SWAP_IN):
                seen[e.kind] += 1
            elif e.__class__ is HostStateChange:
                seen[e.new] += 1
        if op.kind is OpKind.READ:
            v, p = int(op.vm[2:]) - 1, (op.gva - BASE) >> 12
            assert step.value == expect[(v, p)], f"step {i}: {op.describe()} read 0x{step.value:x}"
        if i % 37 == 0:
            check_frames(m)
            check_tlb(m)
    check_frames(m)
    assert seen[PmapReason.SHARE] and (seen[PmapReason.COMPRESS] or seen[PmapReason.BALLOON])
    if period == 2:  # a pass every other operation: memory fills slowly enough to balloon
        assert seen[PmapReason.BALLOON] and seen[GuestActionKind.SWAP_OUT] and seen[GuestActionKind.SWAP_IN]
    if period == 16:  # it fills between passes: the host compresses and swaps, blocking the VM
        assert seen[PmapReason.COMPRESS] and seen[PmapReason.DECOMPRESS] and seen[PmapReason.SWAP_OUT]
        assert seen[PmapReason.SWAP_IN] and seen[HostState.HARD]


def test_every_state_is_reached_and_each_page_is_in_exactly_one():
    m = Machine(overcommitted(period=4), Mode.NESTED)
    ops, _ = write_then_read()
    states = {m.reclaim.state}
    for i, op in enumerate(ops):
        step = m.execute(op, i)
        states |= {e.new for e in step.events if e.__class__ is HostStateChange}
        for name in m.vms:
            counts = m.views.page_counts(name)
            assert sum(v for k, v in counts.items() if k != "guest_swapped") == m.vms[name].pmap.pages
    assert states >= {HostState.HIGH, HostState.CLEAR, HostState.SOFT, HostState.HARD}


def test_salting_keeps_sharing_within_a_vm():
    """With salting (ESXi's default since 2015) no machine page is shared by two VMs; without it
    the pages the VMs have in common are shared between them (the seed's figure, OSDI'02)."""
    def cross_vm(salting: bool) -> int:
        m = Machine(overcommitted(period=2, tps_salting=salting, tps_scan_pages=32), Mode.SHADOW)
        for i, op in enumerate(write_then_read(rounds=1)[0]):
            m.execute(op, i)
        return sum(1 for group in m.sharers.values() if len({vm for vm, _ in group}) > 1)
    assert cross_vm(True) == 0
    assert cross_vm(False) > 0


def test_the_scan_hints_then_shares_after_a_full_compare():
    m = Machine(overcommitted(period=2, tps_salting=False), Mode.SHADOW)
    results = Counter()
    for i, op in enumerate(write_then_read(rounds=1)[0]):
        for e in m.execute(op, i).events:
            if e.__class__ is ShareScan:
                results[e.result] += 1
                if e.result in (ScanResult.SHARED, ScanResult.ZERO):
                    ovm, og = e.other
                    assert m.vms[e.vm].pmap.state[e.gppn] in (PageState.SHARED, PageState.PRIVATE, PageState.COMPRESSED,
                                                              PageState.SWAPPED, PageState.BALLOONED)
    assert results[ScanResult.HINT] and results[ScanResult.SHARED] and results[ScanResult.ZERO]


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
@pytest.mark.parametrize("design", ["intel", "amd"])
def test_bulk_equals_step_with_reclamation(mode, design):
    cfg = overcommitted(period=3, design=design)
    trace = Trace.from_ops(write_then_read()[0])
    stepped = Machine(cfg, mode)
    for i in range(len(trace)):
        stepped.execute(trace[i], i)
    bulk = Machine(cfg, mode)
    bulk.run_bulk(trace)
    for name in stepped.vms:
        assert bulk.counters[name].as_dict() == stepped.counters[name].as_dict(), name
        assert bulk.vms[name].pmap.state == stepped.vms[name].pmap.state
    assert bulk.mem.image.tobytes() == stepped.mem.image.tobytes()
    assert bulk.reclaim.state is stepped.reclaim.state


def random_trace(rng: np.random.Generator, n: int, nvms: int, npages: int):
    """Writes, reads, maps, unmaps and protects over a few pages per VM; the values a read must
    return follow from the writes (an unmapped page reads as zero again)."""
    ops, pages = [], [BASE + i * 0x1000 for i in range(npages)]
    for _ in range(n):
        v = f"VM{rng.integers(nvms) + 1}"
        gva = pages[rng.integers(npages)] + 8 * int(rng.integers(4))
        k = rng.random()
        if k < 0.45:
            ops.append(Op(OpKind.WRITE, v, "p1", gva, int(rng.choice([0, 1, 7, 0xABCDEF, int(rng.integers(1 << 40))]))))
        elif k < 0.9:
            ops.append(Op(OpKind.READ, v, "p1", gva))
        elif k < 0.95:
            ops.append(Op(OpKind.UNMAP, v, "p1", gva))
        else:
            ops.append(Op(OpKind.MAP, v, "p1", gva))
    return ops


@pytest.mark.parametrize("seed", range(scaled(6)))
def test_random_traces_with_random_reclamation_lose_nothing(seed):
    """Property: whatever the host reclaims and when, a read returns the last value written at
    that address (zero after an unmap), frames are conserved, bulk = step."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    cfg = overcommitted(nvms=3, pages=48, seed=seed, design=r.choice(["intel", "amd"]), period=r.choice([1, 2, 5, 13]),
                        tps_salting=r.random() < 0.5, balloon=r.random() < 0.8, compression=r.random() < 0.8,
                        tps_scan_pages=r.choice([0, 4, 16]))
    ops = random_trace(rng, 400, 3, 40)
    for mode in VIRT:
        m = Machine(cfg, mode)
        memory: dict[tuple[str, int], int] = {}
        for i, op in enumerate(ops):
            step = m.execute(op, i)
            word = (op.vm, op.gva or 0)
            if op.kind is OpKind.WRITE:
                memory[word] = op.value
            elif op.kind is OpKind.UNMAP:
                for k in [k for k in memory if k[0] == op.vm and k[1] >> 12 == op.gva >> 12]:
                    del memory[k]
            elif op.kind is OpKind.READ:
                assert step.value == memory.get(word, 0), f"{mode.value} step {i}: {op.describe()}"
            if i % 50 == 0:
                check_frames(m)
        check_frames(m)
        bulk = Machine(cfg, mode)
        bulk.run_bulk(Trace.from_ops(ops))
        assert bulk.mem.image.tobytes() == m.mem.image.tobytes()
        assert {n: c.as_dict() for n, c in bulk.counters.items()} == {n: c.as_dict() for n, c in m.counters.items()}


BROUGHT_BACK = {PmapReason.SWAP_IN, PmapReason.DECOMPRESS}


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
@pytest.mark.parametrize("period", [2, 16])
def test_pages_brought_back_translate_as_an_x86_mmu_does(mode, period):
    """Every access that brought a page back — swapped in or decompressed by the host, or read
    back from the guest's own disk — ends in a state an x86 MMU agrees with: on the guest image
    after the step, unicorn (QEMU's MMU) walks the guest's tables to the gPA the engine used and
    reads the value the engine's access returned or stored."""
    unicorn_mmu = pytest.importorskip("unicorn_mmu", reason="unicorn >= 2.1 (QEMU's x86 MMU) is not installed")
    m = Machine(overcommitted(period=period), mode)
    ops, expect = write_then_read()
    mmus: dict[str, object] = {}
    checked = Counter()
    for i, op in enumerate(ops):
        step = m.execute(op, i)
        back = {e.reason for e in step.events if e.__class__ is PmapChange and e.vm == op.vm
                and e.reason in BROUGHT_BACK}
        if any(e.__class__ is GuestAction and e.kind is GuestActionKind.SWAP_IN for e in step.events):
            back.add("guest-swap-in")
        if not back or step.gpa is None:
            continue
        image = m.views.guest_image(op.vm)
        mmu = mmus.get(op.vm)
        if mmu is None:
            mmu = mmus[op.vm] = unicorn_mmu.UnicornMmu(image)
        else:
            mmu.load(image)
        proc = m.vms[op.vm].guest.processes[op.process]
        u = mmu.access(proc.cr3, op.gva, "read", user=True)
        assert u.ok and u.physical == step.gpa, f"{mode.value} step {i} {op.describe()}: unicorn {u}"
        v, p = int(op.vm[2:]) - 1, (op.gva - BASE) >> 12
        assert u.value == step.value == expect[(v, p)]
        checked.update(back)
    assert sum(checked.values()) >= 5, checked


def test_a_2mib_backing_is_broken_before_its_parts_are_reclaimed():
    """Item 6: nested mode backs guest memory with 2 MiB machine pages (ESXi's default); before a
    4 KiB part is shared, compressed or swapped, the backing is split into 512 4 KiB EPT entries (and
    the change made visible with INVEPT). The contents survive."""
    from visualizer.engine.events import EptUpdate, FlushReason, TlbFlush
    vms = tuple(VmConfig(f"VM{i + 1}", 1024, ("p1",)) for i in range(2))
    cfg = MachineConfig(1536, vms, 3, 64, 4, ept_large_pages=True,
                        reclaim=ReclaimConfig(enabled=True, period=4, tps_scan_pages=16))
    m = Machine(cfg, Mode.NESTED)
    ops = [Op(OpKind.WRITE, f"VM{v + 1}", "p1", BASE + p * 0x1000, 0x77 if p % 2 else v * 1000 + p)
           for p in range(600) for v in range(2)]
    ops += [Op(OpKind.READ, f"VM{v + 1}", "p1", BASE + p * 0x1000) for p in range(0, 600, 7) for v in range(2)]
    large_backed = sum(len(vm.pmap.large) for vm in m.vms.values())  # backed at boot (the first tables)
    split = invept_after_split = 0
    for i, op in enumerate(ops):
        step = m.execute(op, i)
        if op.kind is OpKind.READ:
            p, v = (op.gva - BASE) >> 12, int(op.vm[2:]) - 1
            assert step.value == (0x77 if p % 2 else v * 1000 + p)
        evs = step.events
        for k, e in enumerate(evs):
            if e.__class__ is EptUpdate and e.pages == 512 and not e.split:
                large_backed += 1
            if e.__class__ is EptUpdate and e.split:
                split += 1
                invept_after_split += any(x.__class__ is TlbFlush and x.reason is FlushReason.INVEPT for x in evs[k:])
    check_frames(m)
    assert large_backed and split and invept_after_split == split
