"""Property tests over random operation sequences (hypothesis).

Two VMs with two processes each touch a handful of pages (so that frames are reused, pages
collide in the small TLB, contents repeat and sharing succeeds), with every kind of operation:
accesses, map/unmap/protect, context switches, INVLPG, sharing and swapping (by gVA and by gPA,
page-table pages included), fork (copy-on-write in the guest) and exit. After each sequence, and for some properties after each step:

(a) the guest cannot tell the modes apart: every VM's guest-physical image (A/D bits included),
    every gVA → gPA, and every access's gPA, value read and fault are identical in shadow,
    nested and native mode;
(b) every present shadow entry equals pmap ∘ guest tables, with rights no wider than the guest's;
(c) machine frames are conserved and only shared pages are mapped by two gPPNs;
(d) a cold nested walk makes (m+1)(n+1)−1 = 24 references;
and the bulk path gives the same counters and images as the step path.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_invariants import (assert_2d_walk_shape, check_all, first_difference, guest_state, make_config,
                                random_ops, scaled, walk_refs)
from visualizer.engine import (GuestActionKind, Machine, Mode, Op, OpKind, PageState, PmapChange, PmapReason,
                               ShadowRoot, Trace, VmExit)
from visualizer.engine.events import GuestAction

VMS = ("VM1", "VM2")
PROCS = ("p1", "p2")
VM_PAGES = 24
# five pages side by side, and one far away (its own PDPT/PD/PT: more table pages, more tracking)
PAGES = tuple(0x400000 + i * 0x1000 for i in range(5)) + (0x7F12_3456_7000,)
OFFSETS = (0, 8, 0xFF8)
VALUES = (0, 1, 0xB)  # few values: identical pages are common, so sharing succeeds

SETTINGS = settings(max_examples=scaled(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


access = st.builds(lambda k, vm, p, page, off, v: Op(k, vm, p, page + off, v if k is OpKind.WRITE else 0),
                   st.sampled_from([OpKind.READ, OpKind.READ, OpKind.WRITE, OpKind.WRITE, OpKind.EXEC]),
                   st.sampled_from(VMS), st.sampled_from(PROCS), st.sampled_from(PAGES),
                   st.sampled_from(OFFSETS), st.sampled_from(VALUES))
guest_op = st.builds(lambda k, vm, p, page: Op(k, vm, p, page),
                     st.sampled_from([OpKind.MAP, OpKind.UNMAP, OpKind.PROTECT, OpKind.INVLPG]),
                     st.sampled_from(VMS), st.sampled_from(PROCS), st.sampled_from(PAGES))
switch = st.builds(lambda vm, p: Op(OpKind.SWITCH, vm, p), st.sampled_from(VMS), st.sampled_from(PROCS))
# fork into the other process (copy-on-write in the guest), exit (so that it can be forked into again)
fork = st.builds(lambda vm, i: Op(OpKind.FORK, vm, PROCS[i], child=PROCS[1 - i]), st.sampled_from(VMS),
                 st.integers(0, 1))
exit_ = st.builds(lambda vm, p: Op(OpKind.EXIT, vm, p), st.sampled_from(VMS), st.sampled_from(PROCS))
SHARE_PAGES = PAGES[:2] * 3 + PAGES  # mostly the warm-up's identical pages
share_gva = st.builds(lambda vm, p, page, wvm, wp, wpage: Op(OpKind.SHARE, vm, p, page, with_vm=wvm,
                                                               with_process=wp, with_gva=wpage),
                      st.sampled_from(VMS), st.sampled_from(PROCS), st.sampled_from(SHARE_PAGES),
                      st.sampled_from(VMS), st.sampled_from(PROCS), st.sampled_from(SHARE_PAGES))
# the same page in two address spaces: after the warm-up their contents are usually identical
share_same = st.builds(lambda vm, p, page, wvm, wp: Op(OpKind.SHARE, vm, p, page, with_vm=wvm, with_process=wp,
                                                       with_gva=page),
                       st.sampled_from(VMS), st.sampled_from(PROCS), st.sampled_from(PAGES[:2]),
                       st.sampled_from(VMS), st.sampled_from(PROCS))
share_gpa = st.builds(lambda vm, g, wvm, wg: Op(OpKind.SHARE, vm, gpa=g * 4096, with_vm=wvm, with_gpa=wg * 4096),
                      st.sampled_from(VMS), st.integers(0, 15), st.sampled_from(VMS), st.integers(0, 15))
swap_gva = st.builds(lambda vm, p, page: Op(OpKind.SWAP_OUT, vm, p, page),
                     st.sampled_from(VMS), st.sampled_from(PROCS), st.sampled_from(PAGES))
swap_gpa = st.builds(lambda vm, g: Op(OpKind.SWAP_OUT, vm, gpa=g * 4096),  # page-table pages too
                     st.sampled_from(VMS), st.integers(0, 15))
# weights: mostly accesses, then sharing and guest page-table operations
_CHOICES = [access] * 10 + [guest_op] * 3 + [switch] * 2 + [share_same] * 3 + [share_gva, share_gpa, swap_gva, swap_gpa] + \
    [fork, exit_]
any_op = st.integers(0, len(_CHOICES) - 1).flatmap(lambda i: _CHOICES[i])

# Half of the sequences start warm: every address space writes 0xB at the start of the first
# page and reads the second, so identical pages (shareable) exist in both VMs from the start.
WARM_UP = [op for vm in VMS for p in PROCS
           for op in (Op(OpKind.WRITE, vm, p, PAGES[0], 0xB), Op(OpKind.READ, vm, p, PAGES[1]))]
ops_lists = st.builds(lambda warm, ops: (WARM_UP if warm else []) + ops,
                      st.booleans(), st.lists(any_op, min_size=4, max_size=40))

configs = st.builds(lambda entries_ways, vpid, pcid, root_cache, seed: make_config(
    vms=tuple((v, VM_PAGES, PROCS) for v in VMS), frames=512, seed=seed, tlb_entries=entries_ways[0],
    tlb_ways=entries_ways[1], vpid=vpid, pcid=pcid, root_cache=root_cache),
    st.sampled_from([(4, 1), (8, 2), (8, 4), (16, 4)]), st.booleans(), st.booleans(),
    st.integers(1, 3), st.integers(0, 3))


def _observable(step) -> tuple:
    """What the guest sees of one operation: gPA, value read, and whether it was killed."""
    segv = any(e.__class__ is GuestAction and e.kind is GuestActionKind.SEGV for e in step.events)
    return step.op.kind.value, step.gpa, step.value if step.op.kind is OpKind.READ else None, segv


def assert_modes_agree(config, ops) -> dict:
    """Run ``ops`` in every mode, checking (b), (c) and TLB coherence after every step, then
    (a): what each access showed the guest and the guest's final state agree across modes.
    Returns the machines by mode."""
    gvas = [p + o for p in PAGES for o in (0, 0xFF8)]
    results, machines = {}, {}
    for mode in (Mode.SHADOW, Mode.NESTED, Mode.NATIVE):
        m = Machine(config, mode)
        seen = []
        for i, op in enumerate(ops):
            free = m.mem.free_count
            step = m.execute(op, i)
            seen.append(_observable(step))
            check_all(m)
            if step.gpa is not None:
                assert step.ma == m.views.gpa_to_ma(op.vm, step.gpa), f"step {i}: MA is not pmap(gPA)"
            if op.kind is OpKind.SHARE and any(e.__class__ is PmapChange for e in step.events):
                assert m.mem.free_count == free + 1, f"step {i} ({op.describe()}) shared without freeing a page"
        results[mode] = (seen, guest_state(m, gvas))
        machines[mode] = m
    base_seen, base_state = results[Mode.SHADOW]
    for mode in (Mode.NESTED, Mode.NATIVE):
        seen, state = results[mode]
        for i, (a, b) in enumerate(zip(base_seen, seen, strict=True)):
            assert a == b, f"step {i} ({ops[i].describe()}): shadow saw {a}, {mode.value} saw {b}"
        for vm in VMS:
            assert state[vm]["image"] == base_state[vm]["image"], \
                f"{vm} guest-physical image, shadow vs {mode.value}: " \
                f"{first_difference(base_state[vm]['image'], state[vm]['image'])}"
            assert state[vm] == base_state[vm], f"{vm}: guest view differs in {mode.value} mode"
    return machines


@settings(max_examples=scaled(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, ops=ops_lists)
def test_guest_cannot_tell_the_modes_apart(config, ops):
    """(a), with (b), (c) and TLB coherence checked after every step in every mode.

    Native mode has no VMM (share and swap_out are notes there), yet its guest state must match
    too: sharing and swapping are invisible to the guest by design."""
    assert_modes_agree(config, ops)


def _seeded_config(seed: int):
    rng = np.random.default_rng(1000 + seed)
    entries, ways = [(4, 1), (8, 2), (8, 4), (16, 4)][rng.integers(4)]
    return make_config(vms=tuple((v, VM_PAGES, PROCS) for v in VMS), frames=512, seed=seed, tlb_entries=entries,
                       tlb_ways=ways, vpid=bool(rng.integers(2)), pcid=bool(rng.integers(2)),
                       root_cache=int(rng.integers(1, 4)))


@pytest.mark.parametrize("seed", range(scaled(24)))
def test_modes_agree_on_seeded_random_sequences(seed):
    """The same properties on longer seeded sequences, biased towards share → write
    (copy-on-write), swap → touch and swapped page-table pages, which random shrinking-friendly
    draws reach less often."""
    ops = random_ops(np.random.default_rng(seed), 80, VMS, PROCS, PAGES, guest_pages=VM_PAGES)
    assert_modes_agree(_seeded_config(seed), ops)


def test_seeded_sequences_reach_the_interesting_cases():
    """The random sequences above are not vacuous: across the seeds, every pmap transition,
    every shadow exit reason, root-cache evictions, swapped page-table pages and killed
    accesses all occur."""
    seen = Counter()
    for seed in range(24):
        m = Machine(_seeded_config(seed), Mode.SHADOW)
        for op in random_ops(np.random.default_rng(seed), 80, VMS, PROCS, PAGES, guest_pages=VM_PAGES):
            step = m.execute(op)
            for e in step.events:
                if e.__class__ is PmapChange:
                    seen[e.reason.value] += 1
                    if e.reason is PmapReason.SWAP_OUT and e.gppn in m.vms[e.vm].guest.pt_pages:
                        seen["page-table page swapped"] += 1
                elif e.__class__ is VmExit:
                    seen[e.reason.value] += 1
                elif e.__class__ is ShadowRoot and e.evicted is not None:
                    seen["root evicted"] += 1
                elif e.__class__ is GuestAction and e.kind in (GuestActionKind.SEGV, GuestActionKind.FORK,
                                                                GuestActionKind.COPY_PAGE, GuestActionKind.REUSE_PAGE,
                                                                GuestActionKind.EXIT):
                    seen[e.kind.value] += 1
    reclamation = {PmapReason.BALLOON, PmapReason.DEFLATE, PmapReason.COMPRESS, PmapReason.DECOMPRESS}
    # (the host's own reclamation reaches those: tests/test_reclaim.py)
    for what in [r.value for r in PmapReason if r not in reclamation] + ["hidden-fault", "guest-fault", "pt-write", "cr3-load", "invlpg",
                                                 "page-table page swapped", "root evicted", "segv", "fork",
                                                 "copy-page", "reuse-page", "exit"]:
        assert seen[what] > 0, f"no '{what}' in the seeded sequences: {dict(seen)}"


@SETTINGS
@given(config=configs, ops=ops_lists)
def test_cold_nested_walks_make_24_references(config, ops):
    """(d) After any history, with the TLB flushed, a read of a resident page mapped by
    resident guest tables is one 2D walk of (4+1)(4+1)−1 = 24 references in QEMU/KVM order."""
    m = Machine(config, Mode.NESTED)
    for i, op in enumerate(ops):
        m.execute(op, i)
    for vm_name, vm in m.vms.items():
        for proc in vm.guest.processes.values():
            for gvpn, gppn, _pte in m.views.guest_mappings(vm_name, proc.name):
                tables_resident = all(vm.pmap.state[g] in (PageState.PRIVATE, PageState.SHARED)
                                      for g in vm.guest.pt_pages)
                if not tables_resident or vm.pmap.state[gppn] not in (PageState.PRIVATE, PageState.SHARED):
                    continue
                m.tlb.flush_all()
                step = m.execute(Op(OpKind.READ, vm_name, proc.name, gvpn << 12))
                refs = walk_refs(step)
                assert step.walk_refs == 24 and not [e for e in step.events if e.__class__ is VmExit], step.events
                assert_2d_walk_shape(refs, proc.cr3)


@settings(max_examples=scaled(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, ops=ops_lists, mode=st.sampled_from(list(Mode)))
def test_bulk_path_equals_step_path(config, ops, mode):
    """run_bulk (short paths for TLB hits and quiet misses, records dropped) ends in the same
    state with the same counters as executing the operations one by one."""
    # accesses repeat so that the bulk path's TLB-hit and quiet-miss paths are taken
    ops = ops + [op for op in ops if op.kind in (OpKind.READ, OpKind.WRITE, OpKind.EXEC)] * 2
    trace = Trace.from_ops(ops)
    stepped = Machine(config, mode)
    for i in range(len(trace)):
        stepped.execute(trace[i], i)
    bulk = Machine(config, mode)
    bulk.run_bulk(trace)
    for name in stepped.vms:
        assert bulk.counters[name].as_dict() == stepped.counters[name].as_dict(), name
        assert bulk.views.guest_image(name).tobytes() == stepped.views.guest_image(name).tobytes(), name
        assert bulk.vms[name].pmap.mpn == stepped.vms[name].pmap.mpn
        assert bulk.vms[name].pmap.state == stepped.vms[name].pmap.state
    assert bulk.mem.image.tobytes() == stepped.mem.image.tobytes(), "machine images differ"
    assert bulk.tlb.contents() == stepped.tlb.contents()
    assert bulk.steps_done == stepped.steps_done == len(trace)
    assert bulk.views.frames_in_use() == stepped.views.frames_in_use()
    check_all(bulk)


@settings(max_examples=scaled(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs, ops=ops_lists, cut=st.integers(0, 40), mode=st.sampled_from(list(Mode)))
def test_clone_continues_like_the_original(config, ops, cut, mode):
    """A checkpoint (Machine.clone) replays the rest of a trace exactly like the original, and
    running the clone leaves the original untouched."""
    cut = min(cut, len(ops))
    a = Machine(config, mode)
    for i, op in enumerate(ops[:cut]):
        a.execute(op, i)
    b = a.clone()
    before = a.mem.image.tobytes()
    rest_b = [b.execute(op, cut + i) for i, op in enumerate(ops[cut:])]
    assert a.mem.image.tobytes() == before, "running the clone changed the original"
    rest_a = [a.execute(op, cut + i) for i, op in enumerate(ops[cut:])]
    assert [s.events for s in rest_a] == [s.events for s in rest_b]
    assert a.mem.image.tobytes() == b.mem.image.tobytes()
    check_all(b)
