"""The bulk path's compiled kernel against the reference.

(1) Its walker is the one walker: on random x86-64 and EPT tables — every entry kind: missing
    levels, R/W, U/S, NX, R/W/X combinations, 2 MiB and 1 GiB leaves, A/D set or clear — it gives
    what :func:`paging.walk` gives (translation or fault, references read) and leaves the same
    A/D bits in memory.
(2) kernel = reference = step: random traces — stretches of accesses with faults, VM exits,
    guest and VMM operations, switches between processes and VMs in between — in native, shadow
    and nested mode, with 4 KiB and 2 MiB pages (guest and EPT), without MMU caches and with
    Intel's or AMD's, with and without VPID/PCID, with the host's reclamation on: the same
    counters, TLB (translations, LRU order), MMU caches, pmaps, machine image (A/D bits
    included), and the same translations afterwards.
"""
from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from helpers_invariants import PAGE, check_frames, check_tlb, random_ops, scaled
from visualizer.engine import Machine, MachineConfig, Mode, Op, OpKind, Trace, VmConfig
from visualizer.engine import kernel
from visualizer.engine.events import Access, Fault, Stage, Walker, WalkRef
from visualizer.engine.ops import ReclaimConfig
from visualizer.engine.paging import (A, D, EPT, EPT_MT_WB, EPT_PS, EPT_R, EPT_W, EPT_X, NX, PS, RW, US, X86, P,
                                      walk)

needs_kernel = pytest.mark.skipif(not kernel.available(), reason="the compiled kernel is not built (no C compiler "
                                                                   "when the package was installed)")


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI must have built it")
def test_ci_builds_the_kernel():
    """CI installs with a C compiler: there the kernel must exist, or every test below would skip."""
    assert kernel.available() and kernel.enabled()

FRAMES = 48


# -- (1) the walker ------------------------------------------------------------------------------
def random_tables(rng: np.random.Generator, ept: bool):
    """A machine image with a random 4-level tree at frame 1 and addresses that reach into it."""
    img = np.zeros(FRAMES * 4096, np.uint8)
    q = img.view(np.uint64)
    free = list(range(2, 24))
    addrs: list[int] = []

    def bits(leaf: bool) -> int:
        if ept:
            r = sum(b for b in (EPT_R, EPT_W, EPT_X) if rng.random() < 0.8)
            return r | (EPT_MT_WB if leaf else 0)
        b = P if rng.random() < 0.9 else 0
        for bit, pr in ((RW, 0.7), (US, 0.85), (A, 0.5)):
            b |= bit if rng.random() < pr else 0
        if leaf and rng.random() < 0.5:
            b |= D
        if rng.random() < 0.2:
            b |= NX
        return b

    def fill(table: int, level: int, base: int):
        for idx in rng.choice(512, size=int(rng.integers(1, 5)), replace=False).tolist():
            va = base | (idx << (12 + 9 * (level - 1)))
            large = level in (2, 3) and rng.random() < 0.3
            if level == 1 or large:
                frame = int(rng.integers(24, 1 << 20)) << 12 if not large else 0
                q[table * 512 + idx] = frame | bits(True) | ((EPT_PS if ept else PS) if large else 0)
                span = 1 << (12 + 9 * (level - 1))
                addrs.extend(va | (int(rng.integers(0, span)) & ~0x7) for _ in range(3))
            elif free:
                child = free.pop(int(rng.integers(len(free))))
                q[table * 512 + idx] = (child << 12) | bits(False)
                fill(child, level - 1, va)
                addrs.append(va | int(rng.integers(0, 4096)))
    fill(1, 4, 0)
    addrs += [int(g) for g in rng.integers(0, 1 << 47, size=4)]
    return img, addrs


@needs_kernel
@pytest.mark.parametrize("ept", [False, True], ids=["x86", "ept"])
@pytest.mark.parametrize("seed", range(scaled(2)))
def test_the_kernels_walker_is_the_walker(seed, ept):
    rng = np.random.default_rng(seed)
    fmt = EPT if ept else X86
    outcomes = set()
    for _ in range(8):
        img, addrs = random_tables(rng, ept)
        for address in addrs:
            for access in (Access.READ, Access.WRITE, Access.EXEC):
                ref, ker = img.copy(), img.copy()
                events: list = []
                r = walk(memoryview(ref).cast("Q"), 1 << 12, address, access, fmt, Stage.GUEST, Walker.CPU, events, 0,
                         user=not ept)
                k = kernel.walk(ker.view(np.uint64), 1 << 12, address, (Access.READ, Access.WRITE,
                                                                        Access.EXEC).index(access), ept)
                if r.__class__ is Fault:
                    assert k is None, (hex(address), access, r)
                    outcomes.add(("fault", r.kind))
                else:
                    assert k is not None, (hex(address), access, r)
                    assert k[:6] == (r.address, r.writable, r.executable, r.dirty, r.level, r.leaf_slot)
                    assert k[6] == sum(1 for e in events if e.__class__ is WalkRef)
                    outcomes.add(("ok", r.level))
                # the same A/D bits set, on the way to a fault too
                assert ref.tobytes() == ker.tobytes(), (hex(address), access)
    assert {("ok", 1), ("ok", 2), ("ok", 3)} <= outcomes and any(o[0] == "fault" for o in outcomes), outcomes


# -- (2) kernel = reference = step -----------------------------------------------------------------
VMS = ("VM1", "VM2")
PROCS = ("p1", "p2")
BASE = 0x40000000
# pages in one 2 MiB region (a guest 2 MiB page where the guest maps one), one in the next,
# and two far away
PAGES = tuple(BASE + i * PAGE for i in (0, 1, 2, 3, 511)) + (BASE + 0x200000, 0x400000, 0x7F12_3456_7000)


def traced(rng: np.random.Generator, rounds: int) -> list[Op]:
    """Rounds of a few operations of every kind, each followed by a stretch of accesses by one
    process to a few pages — mostly hits and quiet misses, with what the operations left behind
    (unbacked, shared, swapped, write-protected pages; another process's or VM's TLB entries)."""
    ops: list[Op] = []
    for _ in range(rounds):
        ops += random_ops(rng, int(rng.integers(1, 5)), VMS, PROCS, PAGES, guest_pages=1024)
        vm, p = VMS[rng.integers(2)], PROCS[rng.integers(2)]
        pages = [PAGES[i] for i in rng.choice(len(PAGES), size=int(rng.integers(1, 6)), replace=False)]
        for _ in range(int(rng.integers(5, 40))):
            g = pages[rng.integers(len(pages))] + 8 * int(rng.integers(0, 512))
            k = rng.random()
            kind = OpKind.READ if k < 0.55 else OpKind.WRITE if k < 0.9 else OpKind.EXEC
            ops.append(Op(kind, vm, p, g, int(rng.integers(0, 4)) if kind is OpKind.WRITE else 0))
    return ops


CACHES = {"off": {}, "intel-pwc": {"pwc": True}, "intel-both": {"pwc": True, "nested_tlb": True},
          "amd-pwc": {"pwc": True, "design": "amd"}, "amd-both": {"pwc": True, "nested_tlb": True, "design": "amd"},
          "intel-gpm": {"nested_tlb": True}, "amd-ntlb": {"nested_tlb": True, "design": "amd"}}
DESIGNS = {"off": ("off",), "intel": ("intel-both", "intel-pwc", "intel-gpm"), "amd": ("amd-both", "amd-pwc", "amd-ntlb")}


def machine_config(seed: int, caches: str, guest_large: bool, ept_large: bool, vpid=True, pcid=True, entries=8,
                   ways=2) -> MachineConfig:
    return MachineConfig(3072, tuple(VmConfig(v, 1024, PROCS, guest_large) for v in VMS), seed, entries, ways, vpid,
                         pcid, 2, ept_large_pages=ept_large, tlb_entries_2m=4, tlb_ways_2m=2, **CACHES[caches])


def run_three_ways(cfg: MachineConfig, mode: Mode, ops: list[Op]):
    trace = Trace.from_ops(ops)
    stepped = Machine(cfg, mode)
    for i in range(len(trace)):
        stepped.execute(trace[i], i)
    ref = Machine(cfg, mode)
    ref.run_bulk(trace, kernel=False)
    ker = Machine(cfg, mode)
    # a third in bulk, a third step by step (its mirrors must follow what the steps change), the
    # rest in bulk in two runs (the kernel picks up where the last left off)
    cut = len(trace) // 3
    ker.run_bulk(trace, 0, cut, kernel=True)
    for i in range(cut, 2 * cut):
        ker.execute(trace[i], i)
    ker.run_bulk(trace, 2 * cut, 2 * cut + 7, kernel=True)
    ker.run_bulk(trace, 2 * cut + 7, kernel=True)
    return stepped, ref, ker


def assert_same(a: Machine, b: Machine, what: str) -> None:
    for name in a.vms:
        assert b.counters[name].as_dict() == a.counters[name].as_dict(), (what, name)
        assert b.vms[name].pmap.mpn == a.vms[name].pmap.mpn, what
        assert b.vms[name].pmap.state == a.vms[name].pmap.state, what
    assert b.mem.image.tobytes() == a.mem.image.tobytes(), f"{what}: machine images differ"
    assert b.tlb.contents() == a.tlb.contents(), what
    assert [s.items() for s in b.tlb.sets_2m] == [s.items() for s in a.tlb.sets_2m], what
    assert b.tlb.large_used == a.tlb.large_used, what
    assert b.tlb.caches.state() == a.tlb.caches.state(), what
    assert b.steps_done == a.steps_done, what
    if a.reclaim is not None:
        assert b.reclaim.state is a.reclaim.state, what


def assert_translations_agree(a: Machine, b: Machine, ops: list[Op]) -> None:
    """Afterwards every page translates alike in both (read through the step path: TLB, caches
    and tables as the runs left them)."""
    gvas = sorted({op.gva for op in ops if op.kind in (OpKind.READ, OpKind.WRITE, OpKind.EXEC)})
    for vm in VMS:
        for p in PROCS:
            for g in gvas:
                op = Op(OpKind.READ, vm, p, g)
                sa, sb = a.execute(op), b.execute(op)
                assert (sb.gpa, sb.ma, sb.value, sb.tlb, sb.walk_refs, sb.fault) == \
                       (sa.gpa, sa.ma, sa.value, sa.tlb, sa.walk_refs, sa.fault), (vm, p, hex(g))


def kernel_did_work(m: Machine) -> tuple[int, int]:
    st = m.bulk._kernel_run.stats
    return st["kernel_calls"], st["reference_ops"]


@needs_kernel
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("design", list(DESIGNS))
def test_kernel_equals_reference_and_step(mode, design):
    """Every mode × no MMU caches, Intel's, AMD's (both parts, or one of them), with 4 KiB pages
    and with 2 MiB pages (guest, EPT, both), with or without VPID and PCID across the seeds."""
    calls = 0
    for seed in range(scaled(3)):
        rng = np.random.default_rng(1000 * seed + len(design))
        caches = DESIGNS[design][seed % len(DESIGNS[design])]
        guest_large, ept_large = ((False, False), (True, True), (False, True), (True, False))[seed % 4]
        cfg = machine_config(seed, caches, guest_large, ept_large, vpid=seed != 1, pcid=seed != 2)
        ops = traced(rng, 6)
        stepped, ref, ker = run_three_ways(cfg, mode, ops)
        assert_same(stepped, ref, "reference")
        assert_same(stepped, ker, "kernel")
        check_frames(ker)
        check_tlb(ker)
        calls += kernel_did_work(ker)[0]
        assert_translations_agree(stepped, ker, ops)
    assert calls > 0


@needs_kernel
def test_the_kernel_takes_the_short_paths():
    """Not vacuous: over the traces above the kernel finishes most accesses itself (hits, quiet
    misses through 2 MiB TLB entries and the caches), the reference path the rest."""
    for mode in Mode:
        cfg = machine_config(0, "intel-both", True, True)
        trace = Trace.from_ops(traced(np.random.default_rng(5), 20))
        m = Machine(cfg, mode)
        m.run_bulk(trace, kernel=True)
        calls, reference = kernel_did_work(m)
        t = m.totals()
        assert calls > 10 and reference < 0.6 * len(trace), (mode, calls, reference, len(trace))
        assert t.tlb_hits > 0 and t.tlb_misses > 0
    assert m.tlb.large_used  # nested, guest and EPT 2 MiB: 2 MiB TLB entries


def overcommitted(design: str, caches: bool) -> MachineConfig:
    vms = tuple(VmConfig(f"VM{i + 1}", 64, ("p1", "p2")) for i in range(3))
    return MachineConfig(96, vms, 3, 16, 4, reclaim=ReclaimConfig(enabled=True, period=3), design=design,
                         pwc=caches, nested_tlb=caches)


@needs_kernel
@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED], ids=lambda m: m.value)
@pytest.mark.parametrize("design,caches", [("intel", False), ("intel", True), ("amd", True)])
def test_kernel_equals_reference_with_reclamation(mode, design, caches):
    """With the host reclaiming (a pass every 3 operations: sharing, ballooning, compression,
    swapping), the kernel stops before each pass and the reference path runs it."""
    rng = np.random.default_rng(7)
    ops = []
    for _ in range(8):
        vm = f"VM{rng.integers(1, 4)}"
        p = ("p1", "p2")[rng.integers(2)]
        for page in rng.integers(0, 48, size=24).tolist():
            w = rng.random() < 0.4
            ops.append(Op(OpKind.WRITE if w else OpKind.READ, vm, p, 0x400000 + page * PAGE + 8 * (page % 3),
                          page % 5 if w else 0))
    cfg = overcommitted(design, caches)
    stepped, ref, ker = run_three_ways(cfg, mode, ops)
    assert_same(stepped, ref, "reference")
    assert_same(stepped, ker, "kernel")
    assert kernel_did_work(ker)[0] > 0
    assert sum(c.vm_exits.get("hidden-fault", 0) + c.vm_exits.get("ept-violation", 0)
               for c in stepped.counters.values()) > 0


@needs_kernel
def test_the_reference_path_is_a_switch_away(monkeypatch):
    """``VISUALIZER_BULK=reference`` runs the pure-Python bulk path; the result is the same."""
    cfg = machine_config(1, "amd-both", True, True)
    trace = Trace.from_ops(traced(np.random.default_rng(3), 6))
    monkeypatch.setenv(kernel.ENV, "reference")
    assert not kernel.enabled()
    ref = Machine(cfg, Mode.NESTED)
    ref.run_bulk(trace)
    assert ref.bulk._kernel_run is None
    monkeypatch.delenv(kernel.ENV)
    assert kernel.enabled()
    ker = Machine(cfg, Mode.NESTED)
    ker.run_bulk(trace)
    assert ker.bulk._kernel_run is not None
    assert_same(ref, ker, "kernel")
    # a machine turned to the reference explicitly stays there
    m = Machine(replace(cfg), Mode.NESTED)
    m.bulk.kernel = False
    m.run_bulk(trace)
    assert m.bulk._kernel_run is None
    assert_same(ref, m, "reference")


@needs_kernel
@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_a_machine_pickles_without_the_kernels_arrays_and_runs_on_the_same(mode):
    # a worker sends the machine it ran back pickled; the kernel's mirrors are derived state —
    # the shadow leaves' mirror of a 4 GiB machine is a sparse 256 MiB mapping that pickled dense
    import pickle
    from visualizer.engine import load_scenario_text
    s = load_scenario_text('seed = 3\n[machine]\nmemory = "4GiB"\n[[vm]]\nname = "VM1"\nmemory = "1GiB"\n'
                           '[trace_generator]\nkind = "uniform"\nvm = "VM1"\nprocess = "p1"\naccesses = 1200\n'
                           'pages = 262144\n')
    straight = s.machine(mode)
    straight.run_bulk(s.trace)
    m = s.machine(mode)
    m.run_bulk(s.trace, 0, 600)
    assert m.bulk._kernel_run is not None  # the kernel ran and keeps its arrays
    blob = pickle.dumps(m, pickle.HIGHEST_PROTOCOL)
    frames = len(m.mem.used) * 4096
    assert len(blob) < 4 * frames + (8 << 20), f"{len(blob) >> 20} MiB pickled for {frames >> 20} MiB of frames"
    back = pickle.loads(blob)
    assert back.bulk._kernel_run is None and m.bulk._kernel_run is not None  # the original keeps its own
    back.run_bulk(s.trace, 600, len(s.trace))
    m.run_bulk(s.trace, 600, len(s.trace))
    for other in (back, m):
        assert repr(other.totals().as_dict()) == repr(straight.totals().as_dict())
        assert sorted(other.mem.used) == sorted(straight.mem.used)
        assert bytes(other.mem.image[max(other.mem.used) * 4096:][:4096]) == \
            bytes(straight.mem.image[max(straight.mem.used) * 4096:][:4096])
