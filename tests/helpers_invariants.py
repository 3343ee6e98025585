"""Shared test helpers: small machines, operation builders, and the engine's invariants.

The invariant checks read the engine's state through its public views (``guest_translate``,
``guest_mappings``, ``guest_image``, ``frames_in_use``, ``shadow.leaves`` …) and the raw
machine image, and recompute what must hold from first principles; each raises
AssertionError naming the VM, page and entry at fault.
"""
from __future__ import annotations

import os
from collections import Counter
from typing import Iterable, Optional

import numpy as np

from visualizer.engine import (Machine, MachineConfig, Mode, Op, OpKind, PageState, Stage, VmConfig,
                               WalkRef)
from visualizer.engine.paging import A, D, EPT_R, EPT_W, EPT_X, FRAME_MASK, NX, P, RW, US

PAGE = 4096
BASE = 0x400000

FUZZ_SCALE = max(1, int(os.environ.get("ENGINE_FUZZ_SCALE", "1")))
"""Multiplies the number of random sequences and hypothesis examples (``ENGINE_FUZZ_SCALE=20
python -m pytest tests/test_properties.py`` for a long hunt; the default keeps the suite fast)."""


def scaled(n: int) -> int:
    return n * FUZZ_SCALE


# -- building machines and operations -----------------------------------------------------------
def make_config(vms=(("VM1", 32, ("p1",)),), frames: int = 256, seed: int = 0, tlb_entries: int = 16,
                tlb_ways: int = 4, vpid: bool = True, pcid: bool = True, root_cache: int = 4,
                costs=None) -> MachineConfig:
    kw = {} if costs is None else {"costs": costs}
    return MachineConfig(frames, tuple(VmConfig(n, pages, tuple(procs)) for n, pages, procs in vms), seed,
                         tlb_entries, tlb_ways, vpid, pcid, root_cache, **kw)


def make_machine(mode: Mode, **kw) -> Machine:
    return Machine(make_config(**kw), mode)


def R(vm, p, gva):
    return Op(OpKind.READ, vm, p, gva)


def W(vm, p, gva, value=0):
    return Op(OpKind.WRITE, vm, p, gva, value)


def X(vm, p, gva):
    return Op(OpKind.EXEC, vm, p, gva)


def MAP(vm, p, gva):
    return Op(OpKind.MAP, vm, p, gva)


def UNMAP(vm, p, gva):
    return Op(OpKind.UNMAP, vm, p, gva)


def PROTECT(vm, p, gva):
    return Op(OpKind.PROTECT, vm, p, gva)


def INVLPG(vm, p, gva):
    return Op(OpKind.INVLPG, vm, p, gva)


def SWITCH(vm, p):
    return Op(OpKind.SWITCH, vm, p)


def FORK(vm, p, child):
    return Op(OpKind.FORK, vm, p, child=child)


def EXIT(vm, p):
    return Op(OpKind.EXIT, vm, p)


def SHARE(vm, p, gva, with_vm, with_p, with_gva):
    return Op(OpKind.SHARE, vm, p, gva, with_vm=with_vm, with_process=with_p, with_gva=with_gva)


def SHARE_GPA(vm, gpa, with_vm, with_gpa):
    return Op(OpKind.SHARE, vm, gpa=gpa, with_vm=with_vm, with_gpa=with_gpa)


def SWAP(vm, p, gva):
    return Op(OpKind.SWAP_OUT, vm, p, gva)


def SWAP_GPA(vm, gpa):
    return Op(OpKind.SWAP_OUT, vm, gpa=gpa)


def run(m: Machine, ops: Iterable[Op]) -> list:
    return [m.execute(op) for op in ops]


def of(step, cls) -> list:
    """The events of one class in a step, in order."""
    return [e for e in step.events if e.__class__ is cls]


def exits(step) -> list[str]:
    from visualizer.engine import VmExit
    return [e.reason.value for e in step.events if e.__class__ is VmExit]


# -- views ----------------------------------------------------------------------------------------
def guest_pte(m: Machine, vm: str, process: str, gva: int) -> Optional[int]:
    """The guest's leaf PTE for ``gva`` (None if no present leaf)."""
    for gvpn, _gppn, pte in m.views.guest_mappings(vm, process):
        if gvpn == gva >> 12 or (pte & 0x80 and gvpn == (gva >> 12) & ~0x1FF):  # a 2 MiB leaf (PS)
            return pte
    return None


def guest_state(m: Machine, gvas: Iterable[int]) -> dict:
    """What the guest can observe: every VM's guest-physical image and, per process, gVA → gPA."""
    gvas = list(gvas)
    out = {}
    for name, vm in m.vms.items():
        out[name] = {"image": m.views.guest_image(name).tobytes(),
                     "translate": {p: tuple(m.views.guest_translate(name, p, g) for g in gvas)
                                   for p in vm.guest.processes},
                     "mappings": {p: tuple(m.views.guest_mappings(name, p)) for p in vm.guest.processes},
                     "pt_pages": frozenset(vm.guest.pt_pages),
                     "free_frames": vm.guest.free_frames,
                     "current": vm.guest.current.name}
    return out


def first_difference(a: bytes, b: bytes) -> str:
    x, y = np.frombuffer(a, np.uint64), np.frombuffer(b, np.uint64)
    idx = np.flatnonzero(x != y)
    if not len(idx):
        return "identical"
    i = int(idx[0])
    return f"{len(idx)} qwords differ, first at gPA 0x{i * 8:x}: 0x{int(x[i]):x} vs 0x{int(y[i]):x}"


# -- invariants -----------------------------------------------------------------------------------
def check_frames(m: Machine) -> None:
    """(c) Machine frames are conserved, each used frame has exactly one use, and only shared
    pages are mapped by more than one gPPN."""
    f = m.views.frames_in_use()
    assert f["guest"] + f["shadow"] + f["nested"] + f["zcache"] + f["free"] == f["total"], f
    owners = Counter()
    data: dict[int, set] = {}
    for name, vm in m.vms.items():
        pm = vm.pmap
        assert pm.private == [g for g in range(pm.pages) if pm.state[g] is PageState.PRIVATE], \
            f"{name}: the pmap's list of private pages is not its private pages"
        for g in range(pm.pages):
            st, mpn = pm.state[g], pm.mpn[g]
            if st in (PageState.PRIVATE, PageState.SHARED):
                assert mpn >= 0, f"{name} gPPN 0x{g:x} is {st.value} without a machine page"
                data.setdefault(mpn, set()).add((name, g))
            else:
                assert mpn == -1, f"{name} gPPN 0x{g:x} is {st.value} but maps MPN 0x{mpn:x}"
            assert (g in pm.swap) == (st is PageState.SWAPPED), f"{name} gPPN 0x{g:x}: swap store vs state {st}"
            assert (g in pm.zcache.pages) == (st is PageState.COMPRESSED), \
                f"{name} gPPN 0x{g:x}: compression cache vs state {st}"
            assert (g in vm.guest.balloon) == (st is PageState.BALLOONED), \
                f"{name} gPPN 0x{g:x}: balloon vs state {st}"
    for mpn in data:
        owners[mpn] += 1
    for vm in m.vms.values():
        for mpn in vm.pmap.zcache.frames.values():
            owners[mpn] += 1
    shadow_pages = set(m.shadow.pages) if m.shadow is not None else set()
    nested_pages = set().union(*m.ept.table_pages.values()) if m.ept is not None else set()
    for mpn in shadow_pages:
        owners[mpn] += 1
    for mpn in nested_pages:
        owners[mpn] += 1
    double = {mpn: n for mpn, n in owners.items() if n > 1}
    assert not double, f"machine frames with two uses: {double}"
    assert set(owners) == set(m.mem.used), "frames in use differ from the allocator's used set"
    assert len(owners) + m.mem.free_count == m.mem.frames
    assert f["guest"] == len(data) and f["shadow"] == len(shadow_pages) and f["nested"] == len(nested_pages)
    assert f["zcache"] == sum(len(vm.pmap.zcache.frames) for vm in m.vms.values())
    # sharing
    for mpn, pages in data.items():
        states = {m.vms[v].pmap.state[g] for v, g in pages}
        if len(pages) > 1:
            assert states == {PageState.SHARED}, f"MPN 0x{mpn:x} mapped by {sorted(pages)} in states {states}"
            assert m.sharers.get(mpn) == pages, f"sharers of MPN 0x{mpn:x}: {m.sharers.get(mpn)} vs {pages}"
        else:
            assert states == {PageState.PRIVATE}, f"MPN 0x{mpn:x} has one mapper {pages} but states {states}"
    assert set(m.sharers) <= set(data), "sharers name a machine page no pmap maps"
    for name, vm in m.vms.items():
        for g in vm.guest.pt_pages:
            assert vm.pmap.state[g] is not PageState.SHARED, f"{name} guest page-table page 0x{g:x} is shared"


def _shadow_tree(m: Machine, root: int):
    """(mpn, level, va_base) of every shadow page reachable from ``root``."""
    q = m.mem.q
    out = []
    stack = [(root, 4, 0)]
    while stack:
        mpn, level, base = stack.pop()
        out.append((mpn, level, base))
        if level == 1:
            continue
        for idx in range(512):
            e = q[(mpn << 9) + idx]
            if e & P:
                stack.append(((e & FRAME_MASK) >> 12, level - 1, base | (idx << (12 + 9 * (level - 1)))))
    return out


def check_shadow(m: Machine) -> None:
    """(b) Every present shadow leaf equals pmap ∘ guest tables with rights no wider than the
    guest's; shadow upper entries point at shadow pages mirroring the guest's current tables;
    bookkeeping (pages, mirrors, rmap, tracked pages) matches the tables in memory."""
    if m.shadow is None:
        return
    sh = m.shadow
    q = m.mem.q
    reachable: dict[int, tuple] = {}
    leaf_slots = {}
    for name, vm in m.vms.items():
        roots = sh.roots.get(name, {})
        assert vm.shadow_root in roots.values(), f"{name}: the current shadow root is not in the root cache"
        assert roots.get(vm.guest.current.root_gppn) == vm.shadow_root, f"{name}: shadow root is not the current CR3's"
        by_root = {gppn: p for p in vm.guest.processes.values() for gppn in [p.root_gppn]}
        for cr3_gppn, root in roots.items():
            proc = by_root[cr3_gppn]
            mappings = {gvpn: (gppn, pte) for gvpn, gppn, pte in m.views.guest_mappings(name, proc.name)}
            img = m.views.guest_image(name).view(np.uint64)
            for mpn, level, base in _shadow_tree(m, root):
                assert mpn not in reachable, f"shadow page 0x{mpn:x} reachable twice"
                reachable[mpn] = (name, level, base, root)
                desc = sh.pages.get(mpn)
                assert desc is not None, f"reachable shadow page 0x{mpn:x} is not in the page list"
                assert (desc.vm, desc.level, desc.va_base, desc.root) == (name, level, base, root), \
                    f"shadow page 0x{mpn:x}: {desc} vs reached as {(name, level, base, root)}"
                # the guest table this shadow page mirrors is the one the guest's walk reaches
                gtable = proc.root_gppn
                for lv in range(4, level, -1):
                    ge = int(img[gtable * 512 + ((base >> (12 + 9 * (lv - 1))) & 0x1FF)])
                    assert ge & P, f"{name}: shadow page 0x{mpn:x} (level {level}, gVA 0x{base:x}) hangs " \
                                   f"under a guest entry that is not present at level {lv}"
                    gtable = (ge & FRAME_MASK) >> 12
                assert desc.gpt_gppn == gtable, \
                    f"{name}: shadow page 0x{mpn:x} mirrors gPPN 0x{desc.gpt_gppn:x}, guest table is 0x{gtable:x}"
                assert sh.is_tracked(name, gtable), f"{name}: mirrored guest table 0x{gtable:x} not tracked"
                if level > 1:
                    continue
                for idx in range(512):
                    slot = (mpn << 9) + idx
                    e = int(q[slot])
                    if not e & P:
                        assert slot not in sh.leaf_gppn, f"stale leaf record for slot 0x{slot:x}"
                        continue
                    gva = base | (idx << 12)
                    leaf_slots[slot] = (name, gva)
                    assert gva >> 12 in mappings, f"{name}/{proc.name}: shadow maps gVA 0x{gva:x}, the guest does not"
                    gppn, pte = mappings[gva >> 12]
                    assert sh.leaf_gppn.get(slot) == (name, gppn), \
                        f"{name}: leaf record of gVA 0x{gva:x} says {sh.leaf_gppn.get(slot)}, guest says gPPN 0x{gppn:x}"
                    mpn_expected = vm.pmap.mpn[gppn]
                    assert mpn_expected >= 0 and (e & FRAME_MASK) >> 12 == mpn_expected, \
                        f"{name}: shadow gVA 0x{gva:x} → MPN 0x{(e & FRAME_MASK) >> 12:x}, pmap ∘ guest gives " \
                        f"0x{mpn_expected:x} (gPPN 0x{gppn:x} {vm.pmap.state[gppn].value})"
                    assert pte & A, f"{name}: shadow maps gVA 0x{gva:x} but the guest PTE's A bit is clear"
                    if e & RW:
                        assert pte & RW and pte & D and vm.pmap.state[gppn] is PageState.PRIVATE, \
                            f"{name}: shadow gVA 0x{gva:x} writable; guest PTE 0x{pte:x}, page {vm.pmap.state[gppn].value}"
                    if e & US:
                        assert pte & US
                    if pte & NX:
                        assert e & NX, f"{name}: guest gVA 0x{gva:x} is NX, its shadow entry is not"
    assert set(reachable) == set(sh.pages), \
        f"shadow pages not reachable from a cached root: {sorted(set(sh.pages) - set(reachable))}"
    assert set(leaf_slots) == set(sh.leaf_gppn), "leaf records differ from the present shadow leaves"
    rmap_slots = {(k, s) for k, ss in sh.rmap.items() for s in ss}
    assert rmap_slots == {(v, s) for s, v in sh.leaf_gppn.items()}, "rmap differs from the leaf records"
    mirrored = {(desc.vm, desc.gpt_gppn) for desc in sh.pages.values()}
    assert mirrored == set(sh.mirrors), "tracked pages differ from the mirrored guest tables"
    for (name, g), spts in sh.mirrors.items():
        assert all(sh.pages[s].gpt_gppn == g for s in spts)
        assert g in m.vms[name].guest.pt_pages, f"{name}: tracked gPPN 0x{g:x} is not a guest table"


def check_nested(m: Machine) -> None:
    """Every EPT leaf is present exactly where the pmap has a machine page, points at it, and
    is writable exactly for private pages; every EPT table page is reachable."""
    if m.ept is None:
        return
    q = m.mem.q
    for name, vm in m.vms.items():
        pages = set()
        leaves = {}
        stack = [(vm.ept_root, 4, 0)]
        while stack:
            mpn, level, base = stack.pop()
            pages.add(mpn)
            for idx in range(512):
                e = int(q[(mpn << 9) + idx])
                if not e & 7:
                    continue
                gpa = base | (idx << (12 + 9 * (level - 1)))
                if level == 1:
                    leaves[gpa >> 12] = e
                else:
                    assert e & 7 == 7, f"{name}: EPT upper entry 0x{e:x} is not R|W|X"
                    stack.append(((e & FRAME_MASK) >> 12, level - 1, gpa))
        assert pages == m.ept.table_pages[name], f"{name}: EPT table pages differ from the reachable ones"
        for g in range(vm.pmap.pages):
            e = leaves.pop(g, 0)
            mpn = vm.pmap.mpn[g]
            if mpn < 0:
                assert not e & 7, f"{name}: gPPN 0x{g:x} ({vm.pmap.state[g].value}) has EPT leaf 0x{e:x}"
                continue
            assert e & EPT_R and e & EPT_X and (e & FRAME_MASK) >> 12 == mpn, \
                f"{name}: gPPN 0x{g:x} EPT leaf 0x{e:x}, pmap MPN 0x{mpn:x}"
            assert bool(e & EPT_W) == (vm.pmap.state[g] is PageState.PRIVATE), \
                f"{name}: gPPN 0x{g:x} ({vm.pmap.state[g].value}) EPT leaf 0x{e:x}"
        assert not leaves, f"{name}: EPT leaves beyond guest memory: {leaves}"


def check_tlb(m: Machine) -> None:
    """Every TLB entry is a current translation: pmap ∘ guest tables of the address space it is
    tagged with, its guest PTE has A set, and it allows a write only where the guest PTE has W
    and D (and, virtualized, the page is private)."""
    cfg = m.config
    by_vpid = {vm.vpid: vm for vm in m.vms.values()}
    for _set, vpid, pcid, gvpn, e in m.tlb.contents():
        if cfg.vpid or m.mode is Mode.NATIVE:
            vm = by_vpid[vpid]
        else:
            assert vpid == 0
            vm = m.current_vm
        if cfg.pcid:
            proc = next(p for p in vm.guest.processes.values() if p.pcid == pcid)
        else:
            assert pcid == 0
            proc = vm.guest.current
        gpa = m.views.guest_translate(vm.name, proc.name, gvpn << 12)
        assert gpa is not None, f"TLB holds {vm.name}/{proc.name} gVPN 0x{gvpn:x}, which the guest does not map"
        gppn = gpa >> 12
        assert e.gppn == gppn and e.mpn == vm.pmap.mpn[gppn], \
            f"stale TLB entry {vm.name}/{proc.name} gVPN 0x{gvpn:x}: {e}, now gPPN 0x{gppn:x} MPN 0x{vm.pmap.mpn[gppn]:x}"
        if e.large:  # a 2 MiB entry: each of its parts is a current translation too
            _e, mpns = m.tlb.sets_2m[(gvpn >> 9) % m.tlb.nsets_2m][gvpn | pcid << 36 | vpid << 48]
            for off in (0, 1, 255, 511):
                part = m.views.guest_translate(vm.name, proc.name, (gvpn + off) << 12)
                assert part is not None and part >> 12 == gppn + off and mpns[off] == vm.pmap.mpn[gppn + off], \
                    f"stale 2 MiB TLB entry {vm.name}/{proc.name} gVPN 0x{gvpn:x}, part {off}"
        pte = guest_pte(m, vm.name, proc.name, gvpn << 12)
        assert pte & A, f"TLB entry for gVPN 0x{gvpn:x} while the guest PTE's A bit is clear"
        if e.writable:
            assert pte & RW, f"TLB allows writes to gVPN 0x{gvpn:x}, the guest PTE does not"
        if e.writable and e.dirty:
            assert pte & D, f"TLB writes gVPN 0x{gvpn:x} without a walk while the guest PTE is clean"
            if m.mode is not Mode.NATIVE:
                assert vm.pmap.state[gppn] is PageState.PRIVATE


def check_guest(m: Machine) -> None:
    """Guest frames are conserved: every gPPN is free, a page table, mapped (a frame shared
    copy-on-write counted once) or held by the balloon driver, and each mapped frame's reference count is the number of PTEs
    that map it; every page table is reachable from a process's CR3; ``protect``ed pages are
    mapped read-only."""
    for name, vm in m.vms.items():
        g = vm.guest
        mapped = Counter()
        reachable: set[int] = set()
        for p in g.processes.values():
            leaves, levels = m.views.guest_tables(name, p.name)
            reachable |= set(levels)
            mapped.update(gppn for _gvpn, gppn, _pte in leaves)
            ptes = {gvpn: pte for gvpn, _gppn, pte in leaves}
            for gvpn in g.protected.get(p.name, ()):
                assert gvpn in ptes, f"{name}/{p.name}: protected gVPN 0x{gvpn:x} is not mapped"
                assert not ptes[gvpn] & RW, f"{name}/{p.name}: protected gVPN 0x{gvpn:x} is writable"
        free = set(g._free)
        assert len(free) == len(g._free), f"{name}: a guest frame is free twice"
        assert reachable == g.pt_pages, f"{name}: page tables {sorted(g.pt_pages)} vs reachable {sorted(reachable)}"
        uses = [free, g.pt_pages, set(mapped), g.balloon]
        assert all(not a & b for i, a in enumerate(uses) for b in uses[i + 1:]), \
            f"{name}: a guest frame has two uses"
        assert len(free) + len(g.pt_pages) + len(mapped) + len(g.balloon) == g.pages, \
            f"{name}: {len(free)} free + {len(g.pt_pages)} tables + {len(mapped)} mapped" \
            f" + {len(g.balloon)} ballooned ≠ {g.pages} pages"
        for gppn, n in mapped.items():
            assert g.refs.get(gppn, 1) == n, f"{name}: gPPN 0x{gppn:x} mapped {n}× but counted {g.refs.get(gppn, 1)}"
        assert set(g.refs) <= set(mapped) and all(n > 1 for n in g.refs.values()), f"{name}: stale counts {g.refs}"


def check_all(m: Machine) -> None:
    check_frames(m)
    check_guest(m)
    check_shadow(m)
    check_nested(m)
    check_tlb(m)


# -- the two-dimensional walk ---------------------------------------------------------------------
def walk_refs(step) -> list:
    return [e for e in step.events if e.__class__ is WalkRef]


def assert_2d_walk_shape(refs: list, guest_cr3: int) -> None:
    """A complete cold 2D walk: (4 nested refs, then the guest entry) × 4, then 4 nested refs
    for the data gPA — 24 in all, each nested group walking EPT levels 4…1 for the gPA of the
    guest table read next (or of the data page), as QEMU's ptw_translate and KVM's
    walk_addr_generic do it."""
    assert len(refs) == 24, f"{len(refs)} references"
    stages = [r.stage for r in refs]
    expected = ([Stage.NESTED] * 4 + [Stage.GUEST]) * 4 + [Stage.NESTED] * 4
    assert stages == expected
    table = guest_cr3
    for k in range(4):
        nested, guest = refs[5 * k:5 * k + 4], refs[5 * k + 4]
        assert [r.level for r in nested] == [4, 3, 2, 1]
        assert all(r.address == table for r in nested), "nested refs translate the guest table's gPA"
        assert guest.level == 4 - k and guest.table == table
        # the nested leaf's frame is where the guest entry was read
        table = guest.entry & FRAME_MASK
    data_gpa = refs[-1].address
    assert [r.level for r in refs[20:]] == [4, 3, 2, 1]
    assert all(r.address == data_gpa for r in refs[20:])
    assert data_gpa >> 12 == table >> 12



# -- random operation sequences (seeded; the hypothesis strategies draw from the same vocabulary) --
VMS2 = ("VM1", "VM2")
PROCS2 = ("p1", "p2")
PAGES6 = tuple(BASE + i * PAGE for i in range(5)) + (0x7F12_3456_7000,)
"""Five neighbouring pages and one far away (its own PDPT, PD and PT)."""


def random_ops(rng: np.random.Generator, n: int, vms=VMS2, procs=PROCS2, pages=PAGES6,
               guest_pages: int = 16) -> list[Op]:
    """``n`` random operations of every kind over a few pages, biased so that the interesting
    cases happen often: identical pages (values from a tiny set, same offsets) get shared and
    then written (copy-on-write), swapped pages are touched again, page-table pages are swapped;
    a process forks into another (copy-on-write in the guest) or exits (so it can be forked into
    again)."""
    ops: list[Op] = []
    kinds = ["read"] * 5 + ["write"] * 5 + ["exec", "map", "unmap", "protect", "invlpg", "switch"] + \
            ["share"] * 3 + ["share_gpa", "swap", "swap_gpa", "fork", "exit"]
    for _ in range(n):
        k = kinds[rng.integers(len(kinds))]
        vm, p = vms[rng.integers(len(vms))], procs[rng.integers(len(procs))]
        page = pages[rng.integers(len(pages))] if rng.random() < 0.5 else pages[rng.integers(2)]
        off = (0, 8, 0xFF8)[rng.integers(3)]
        if k == "read":
            ops.append(R(vm, p, page + off))
        elif k == "write":
            ops.append(W(vm, p, page + off, (0, 1, 0xB)[rng.integers(3)]))
        elif k == "exec":
            ops.append(X(vm, p, page))
        elif k in ("map", "unmap", "protect", "invlpg"):
            ops.append(Op(OpKind(k), vm, p, page))
        elif k == "switch":
            ops.append(SWITCH(vm, p))
        elif k == "fork":
            others = [c for c in procs if c != p]
            if others:
                ops.append(FORK(vm, p, others[rng.integers(len(others))]))
        elif k == "exit":
            ops.append(EXIT(vm, p))
        elif k == "share":
            ops.append(SHARE(vm, p, page, vms[rng.integers(len(vms))], procs[rng.integers(len(procs))],
                             page if rng.random() < 0.7 else pages[rng.integers(len(pages))]))
        elif k == "share_gpa":
            ops.append(SHARE_GPA(vm, int(rng.integers(guest_pages)) * PAGE, vms[rng.integers(len(vms))],
                                 int(rng.integers(guest_pages)) * PAGE))
        elif k == "swap":
            ops.append(SWAP(vm, p, page))
        else:
            ops.append(SWAP_GPA(vm, int(rng.integers(guest_pages)) * PAGE))
    return ops
