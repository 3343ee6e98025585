"""Issue 12: the property tests with guest 2 MiB pages, EPT 2 MiB backing and the MMU caches on.

(a) the guest cannot tell the modes apart (values, gPAs, faults, guest images), (c) machine
frames are conserved — after every step — and the bulk path equals the step path with the
caches on (same counters, walk references included, same images, same TLB)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_invariants import check_frames, check_tlb, guest_state, random_ops, scaled
from visualizer.engine import Machine, MachineConfig, Mode, Op, OpKind, Trace, VmConfig

VMS = ("VM1", "VM2")
PROCS = ("p1", "p2")
BASE = 0x40000000
# pages in one 2 MiB region (a guest large page when the guest uses them), one in the next
PAGES = tuple(BASE + i * 0x1000 for i in (0, 1, 2, 511)) + (BASE + 0x200000,)


def config(seed: int, guest_large: bool, ept_large: bool, pwc: bool, ntlb: bool, vpid=True, pcid=True,
           entries=8, ways=2, design="intel") -> MachineConfig:
    return MachineConfig(4096, tuple(VmConfig(v, 1536, PROCS, guest_large) for v in VMS), seed, entries, ways,
                         vpid, pcid, 2, ept_large_pages=ept_large, pwc=pwc, nested_tlb=ntlb, design=design)


def _observable(step):
    return (step.op.kind, step.gpa, step.value, tuple(f for f in step.faults if f.value in ("guest-pf", "segv")))


def run_all_modes(cfg, ops):
    gvas = [p + o for p in PAGES for o in (0, 0xFF8)]
    seen, states = {}, {}
    for mode in Mode:
        m = Machine(cfg, mode)
        obs = []
        for i, op in enumerate(ops):
            step = m.execute(op, i)
            obs.append(_observable(step))
            check_frames(m)
            check_tlb(m)
            if step.gpa is not None:
                assert step.ma == m.views.gpa_to_ma(op.vm, step.gpa), f"step {i}: MA is not pmap(gPA)"
        seen[mode], states[mode] = obs, guest_state(m, gvas)
    for mode in (Mode.NESTED, Mode.NATIVE):
        for i, (a, b) in enumerate(zip(seen[Mode.SHADOW], seen[mode], strict=True)):
            assert a == b, f"step {i} ({ops[i].describe()}): shadow {a}, {mode.value} {b}"
        assert states[mode] == states[Mode.SHADOW], mode


FLAGS = st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans())


@pytest.mark.parametrize("seed", range(scaled(10)))
def test_modes_agree_with_large_pages_and_caches(seed):
    rng = np.random.default_rng(seed)
    flags = [bool(x) for x in rng.integers(0, 2, 4)]
    flags[0] = flags[0] or seed % 2 == 0  # guest large pages in most runs
    ops = random_ops(rng, 60, VMS, PROCS, PAGES, guest_pages=1536)
    run_all_modes(config(seed, *flags, vpid=bool(seed % 3), pcid=bool(seed % 4), design=("intel", "amd")[seed % 2]),
                  ops)


@settings(max_examples=scaled(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 1000), flags=FLAGS, mode=st.sampled_from(list(Mode)), design=st.sampled_from(["intel", "amd"]))
def test_bulk_equals_step_with_large_pages_and_caches(seed, flags, mode, design):
    rng = np.random.default_rng(seed)
    ops = random_ops(rng, 50, VMS, PROCS, PAGES, guest_pages=1536)
    ops = ops + [op for op in ops if op.kind in (OpKind.READ, OpKind.WRITE, OpKind.EXEC)] * 2
    cfg = config(seed % 4, *flags, design=design)
    trace = Trace.from_ops(ops)
    stepped = Machine(cfg, mode)
    for i in range(len(trace)):
        stepped.execute(trace[i], i)
    bulk = Machine(cfg, mode)
    bulk.run_bulk(trace)
    for name in stepped.vms:
        assert bulk.counters[name].as_dict() == stepped.counters[name].as_dict(), name
        assert bulk.vms[name].pmap.mpn == stepped.vms[name].pmap.mpn
    assert bulk.mem.image.tobytes() == stepped.mem.image.tobytes()
    assert bulk.tlb.contents() == stepped.tlb.contents()
    assert bulk.tlb.caches.state() == stepped.tlb.caches.state()


def test_large_pages_occur():
    """The runs above are not vacuous: EPT 2 MiB backings, 2 MiB TLB entries and cache hits occur."""
    large = hits = fills_2m = 0
    for seed in range(5):
        m = Machine(config(seed, True, True, True, True), Mode.NESTED)
        for op in random_ops(np.random.default_rng(seed), 60, VMS, PROCS, PAGES, guest_pages=1536):
            events = m.execute(op).events
            hits += sum(e.__class__.__name__ == "WalkCacheHit" for e in events)
            fills_2m += sum(e.__class__.__name__ == "TlbFill" and e.large for e in events)
        large += sum(len(vm.pmap.large) for vm in m.vms.values())
    assert large > 0 and hits > 0 and fills_2m > 0
    from visualizer.engine.paging import PS
    m2 = Machine(config(1, True, False, False, False), Mode.SHADOW)
    m2.execute(Op(OpKind.WRITE, "VM1", "p1", BASE, 1))
    leaves, _ = m2.views.guest_tables("VM1", "p1")
    assert len(leaves) == 1 and leaves[0][2] & PS
