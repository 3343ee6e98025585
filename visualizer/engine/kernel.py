"""The bulk path's compiled kernel: TLB lookups and page walks in C, the reference path for the rest.

:mod:`._kernel` (``_kernel.c``, compiled when the package is installed) runs a stretch of a trace
as long as every operation is an access of the current process of the current VM that either
hits the TLB or misses and walks to a translation with nothing for the OS or the VMM to do — in
native, shadow and nested mode, with 4 KiB and 2 MiB pages, with the MMU caches of either design
(``[mmu] design``). It stops *before* the first operation that needs more (a fault, a VM exit, a
guest or VMM operation, a VM or process switch, the host's reclamation pass at the end of a
period), leaving the TLB and the caches as they were before that operation; the reference path
(:meth:`Machine.execute <visualizer.engine.machine.Machine.execute>`) runs it, and the kernel
goes on after it. So ``bulk = step`` holds whatever the trace does.

The engine's structures stay the truth between runs: :class:`KernelRun` copies the TLB and the
MMU caches (both in LRU order) into arrays before the kernel runs and back before the reference
path runs, and keeps mirrors of what walks read besides machine memory — the current VM's pmap
(native mode: guest tables and data through it), the shadow leaves' guest-physical pages (the
TLB entry's ``gppn``) and the VM's 2 MiB EPT backings (the "saved" count of Intel's combined
mappings) — up to date from journals the pmap and the shadow tables keep once the kernel has
mirrored them (sets of the pages and slots changed since it last looked: they stay on between
runs, so a trace run in slices copies no pmap again, and never name more than there is). Machine
memory is shared: the kernel reads and writes the engine's image itself.

``VISUALIZER_BULK=reference`` (or ``run_bulk(..., kernel=False)``, ``Bulk.kernel = False``) selects the pure-Python bulk path, the
reference the property tests compare the kernel with. Where the extension was not built (no C
compiler when the package was installed) the reference path runs: slower, same results.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

import numpy as np

from .events import PageState
from .memory import PAGE_SHIFT, new_image
from .ops import OP_CODES, Mode, OpKind
from .tlb import TlbEntry

try:  # built by `pip install` (setup.py); absent where no C compiler was found
    from . import _kernel
except ImportError:  # pragma: no cover - depends on the install
    _kernel = None

if TYPE_CHECKING:
    from .machine import Machine

ENV = "VISUALIZER_BULK"
"""``reference`` (or ``python``): the bulk path runs without the kernel."""

READ, WRITE, EXEC = (OP_CODES.index(k) for k in (OpKind.READ, OpKind.WRITE, OpKind.EXEC))
assert (READ, WRITE, EXEC) == (0, 1, 2), "the kernel numbers accesses 0, 1, 2"

_STATE_CODE = {PageState.PRIVATE: 1, PageState.SHARED: 2}
_LEVELS_DOWN = (4, 3, 2, 1)
_LEVEL_TUPLES = tuple(_LEVELS_DOWN[:5 - lv] for lv in range(5))
"""The EPT levels a walk that ends at level ``l`` reads (the caches' ``levels`` field), by ``l``."""
_MODE = {Mode.NATIVE: 0, Mode.SHADOW: 1, Mode.NESTED: 2}
_EMPTY_I64 = np.zeros(0, np.int64)
_EMPTY_U8 = np.zeros(0, np.uint8)
_EMPTY_I32 = np.zeros(0, np.int32)

# parameter slots (``P_*`` in _kernel.c)
P_START, P_STOP, P_VM, P_PROC, P_PERIOD, P_MODE, P_TAG, P_CR3, P_SROOT, P_EROOT, P_VTAG, P_PWC, P_NTLB, P_AMD, \
    P_NSETS, P_WAYS, P_NSETS2, P_WAYS2, P_LARGE_USED, P_LEAF_BASE, P_PERIOD_BASE = range(21)
P_END, P_HITS, P_MISSES, P_REFS, P_CHANGED, P_WHY = range(24, 30)
P_COUNT = 32


def available() -> bool:
    """Whether the compiled kernel is installed."""
    return _kernel is not None


def enabled() -> bool:
    """Whether bulk runs use the kernel (installed, and not turned off by ``VISUALIZER_BULK``)."""
    return _kernel is not None and os.environ.get(ENV, "").strip().lower() not in ("reference", "python")


def walk(q: np.ndarray, root: int, address: int, access: int, ept: bool = False):
    """The kernel's walker alone (no caches, table addresses taken as machine addresses):
    ``(address, writable, executable, dirty, level, slot, references)`` or None for a fault.
    For tests that hold it against :func:`~.paging.walk`."""
    return _kernel.walk(q, root, address, access, 1 if ept else 0)


class KernelRun:
    """The kernel's arrays for one machine, and the run loop that alternates the kernel and the
    reference path (:meth:`run`)."""

    def __init__(self, machine: "Machine"):
        self.m = machine
        tlb = machine.tlb
        self.nsets, self.ways, self.nsets2, self.ways2 = tlb.nsets, tlb.ways, tlb.nsets_2m, tlb.ways_2m
        n4, n2 = self.nsets * self.ways, self.nsets2 * self.ways2
        self.t4key = np.zeros(n4, np.uint64)
        self.t4mpn = np.zeros(n4, np.int64)
        self.t4gppn = np.zeros(n4, np.int64)
        self.t4fl = np.zeros(n4, np.uint8)
        self.t4src = np.zeros(n4, np.int64)
        self.t4cnt = np.zeros(self.nsets, np.int32)
        self.t2key = np.zeros(n2, np.uint64)
        self.t2mpn = np.zeros(n2, np.int64)
        self.t2gppn = np.zeros(n2, np.int64)
        self.t2fl = np.zeros(n2, np.uint8)
        self.t2src = np.zeros(n2, np.int64)
        self.t2cnt = np.zeros(self.nsets2, np.int32)
        self.t2mpns = np.zeros(n2 * 512, np.int64)
        self.t2kind = np.zeros(n2, np.uint8)
        self.t4objs: list = []
        self.t2objs: list = []
        self.t2last: list = [None] * n2
        """The 2 MiB entry (value object) each place of the arrays holds, where known."""
        cfg = machine.config
        self.design = tlb.caches.design
        sizes = type(tlb.caches).SIZES
        if self.design == "intel":
            self.lin = {lv: np.zeros((sizes[lv], 6), np.uint64) for lv in (4, 3, 2)}
            self.gpa = np.zeros((sizes["gpa"], 5), np.uint64)
            self.ept = {lv: np.zeros((sizes["ept"], 4), np.uint64) for lv in (4, 3, 2)}
            self.pwc = np.zeros((0, 3), np.uint64)
            self.ntlb = np.zeros((0, 5), np.uint64)
        else:
            self.lin = {lv: np.zeros((0, 6), np.uint64) for lv in (4, 3, 2)}
            self.gpa = np.zeros((0, 5), np.uint64)
            self.ept = {lv: np.zeros((0, 4), np.uint64) for lv in (4, 3, 2)}
            self.pwc = np.zeros((sizes["pwc"], 3), np.uint64)
            self.ntlb = np.zeros((sizes["ntlb"], 5), np.uint64)
        self.ccnt = np.zeros(16, np.int32)
        self.pwc_on, self.ntlb_on = bool(cfg.pwc), bool(cfg.nested_tlb)
        self.p = np.zeros(P_COUNT, np.int64)
        p = self.p
        p[P_MODE] = _MODE[machine.mode]
        p[P_PWC], p[P_NTLB], p[P_AMD] = self.pwc_on, self.ntlb_on, self.design == "amd"
        p[P_NSETS], p[P_WAYS], p[P_NSETS2], p[P_WAYS2] = self.nsets, self.ways, self.nsets2, self.ways2
        # mirrors
        self.pmaps: dict[str, tuple] = {}
        self.larges: dict[str, tuple[frozenset, np.ndarray]] = {}
        self.leaf: Optional[np.ndarray] = None
        self.leaf_owner = None
        self.leaf_base = 0
        self.stats = {"kernel_calls": 0, "reference_ops": 0, "loads": 0, "stores": 0}

    # -- the engine's TLB and caches <-> arrays ----------------------------------------------------
    def load(self) -> None:
        """Copy the TLB and the MMU caches into the arrays (the engine's are the truth)."""
        tlb = self.m.tlb
        self.t4objs = _kernel.load_tlb4(tlb.sets, self.ways, self.t4key, self.t4mpn, self.t4gppn, self.t4fl,
                                        self.t4src, self.t4cnt)
        if tlb.large_used or any(tlb.sets_2m):
            self._load_2m(tlb)
        else:
            self.t2cnt[:] = 0
        self.p[P_LARGE_USED] = tlb.large_used
        c = tlb.caches
        ccnt = self.ccnt
        load = _kernel.load_cache
        if self.design == "intel":
            if self.pwc_on or any(c.lin.values()):
                for i, lv in enumerate((4, 3, 2)):
                    ccnt[i] = load(c.lin[lv], self.lin[lv], 0)
            if self.ntlb_on or c.gpa:
                ccnt[3] = load(c.gpa, self.gpa, 1)
                for i, lv in enumerate((4, 3, 2)):
                    ccnt[4 + i] = load(c.ept[lv], self.ept[lv], 0)
        else:
            if self.pwc_on or c.pwc:
                ccnt[7] = load(c.pwc, self.pwc, 2)
            if self.ntlb_on or c.ntlb:
                ccnt[8] = load(c.ntlb, self.ntlb, 1)
        self.stats["loads"] += 1

    def _load_2m(self, tlb) -> None:
        """The 2 MiB sets: an entry whose value object the arrays already hold at its place is
        not copied again (its 512 machine pages)."""
        self.t2objs = objs2 = []
        ways2 = self.ways2
        last = self.t2last
        for si, s in enumerate(tlb.sets_2m):
            self.t2cnt[si] = len(s)
            for j, (k, v) in enumerate(s.items()):
                at = si * ways2 + j
                self.t2src[at] = len(objs2)
                objs2.append(v)
                if last[at] is v and self.t2key[at] == k:
                    continue
                e, mpns = v
                self.t2key[at] = k
                self.t2mpn[at] = e[0]
                self.t2gppn[at] = -1 if e[4] is None else e[4]
                self.t2fl[at] = bool(e[1]) | bool(e[2]) << 1 | bool(e[3]) << 2
                if isinstance(mpns, range) and mpns.step == 1 and len(mpns) == 512:
                    self.t2kind[at] = 0
                    self.t2mpns[at * 512:(at + 1) * 512] = np.arange(mpns.start, mpns.start + 512)
                else:
                    self.t2kind[at] = 1
                    row = np.full(512, -1, np.int64)
                    row[:len(mpns)] = mpns[:512]
                    self.t2mpns[at * 512:(at + 1) * 512] = row
                last[at] = v

    def store(self, tlb_changed: bool = True, caches_changed: bool = True) -> None:
        """Copy the arrays back into the engine's TLB and MMU caches."""
        tlb = self.m.tlb
        if tlb_changed:
            _kernel.store_tlb4(tlb.sets, self.ways, self.t4key, self.t4mpn, self.t4gppn, self.t4fl, self.t4src,
                               self.t4cnt, self.t4objs, TlbEntry)
            if self.p[P_LARGE_USED] or tlb.large_used:
                self._store_2m(tlb)
            tlb.large_used = bool(self.p[P_LARGE_USED])
        if caches_changed:
            c = tlb.caches
            ccnt = self.ccnt.tolist()
            store = _kernel.store_cache
            if self.design == "intel":
                if self.pwc_on:
                    for i, lv in enumerate((4, 3, 2)):
                        store(c.lin[lv], self.lin[lv], ccnt[i], 0, _LEVEL_TUPLES)
                if self.ntlb_on:
                    store(c.gpa, self.gpa, ccnt[3], 1, _LEVEL_TUPLES)
                    for i, lv in enumerate((4, 3, 2)):
                        store(c.ept[lv], self.ept[lv], ccnt[4 + i], 0, _LEVEL_TUPLES)
            else:
                if self.pwc_on:
                    store(c.pwc, self.pwc, ccnt[7], 2, _LEVEL_TUPLES)
                if self.ntlb_on:
                    store(c.ntlb, self.ntlb, ccnt[8], 1, _LEVEL_TUPLES)
        self.stats["stores"] += 1

    def _store_2m(self, tlb) -> None:
        ways2 = self.ways2
        objs2 = self.t2objs
        last = self.t2last
        cnt2 = self.t2cnt.tolist()
        for si, s in enumerate(tlb.sets_2m):
            s.clear()
            for at in range(si * ways2, si * ways2 + cnt2[si]):
                k = int(self.t2key[at])
                src = int(self.t2src[at])
                if src >= 0:
                    v = objs2[src]
                else:
                    f = int(self.t2fl[at])
                    g = int(self.t2gppn[at])
                    mpn0 = int(self.t2mpn[at])
                    if self.t2kind[at] == 0:
                        mpns = range(mpn0, mpn0 + 512)
                    else:
                        mpns = tuple(self.t2mpns[at * 512:(at + 1) * 512].tolist())
                    v = (TlbEntry(mpn0, bool(f & 1), bool(f & 2), bool(f & 4), None if g < 0 else g, True), mpns)
                s[k] = v
                last[at] = v

    # -- mirrors ------------------------------------------------------------------------------------
    def _pmap_mirror(self, vm) -> tuple[np.ndarray, np.ndarray]:
        pm = vm.pmap
        mir = self.pmaps.get(vm.name)
        if mir is None or mir[0] is not pm or pm.journal is None:
            pm.journal = set()
            mpn = np.array(pm.mpn, np.int64)
            code = _STATE_CODE
            state = np.array([code.get(s, 0) for s in pm.state], np.uint8)
            self.pmaps[vm.name] = mir = (pm, mpn, state)
        elif pm.journal:
            _pm, mpn, state = mir
            for g in pm.journal:
                mpn[g] = pm.mpn[g]
                state[g] = _STATE_CODE.get(pm.state[g], 0)
            pm.journal.clear()
        return mir[1], mir[2]

    def _leaf_mirror(self) -> np.ndarray:
        sh = self.m.shadow
        if self.leaf is None or self.leaf_owner is not sh or sh.journal is None:
            sh.journal = set()
            self.leaf_owner = sh
            pools = self.m.mem.pools
            self.leaf_base = pools.guest_frames * 512
            n = pools.vmm_frames * 512
            # lazily committed: only the shadow tables' 2 KiB stretches are ever touched
            self.leaf = new_image(max(1, -(-n * 4 // 4096))).view(np.int32)[:n]
            base = self.leaf_base
            for slot, (_v, g) in sh.leaf_gppn.items():
                if 0 <= slot - base < n:
                    self.leaf[slot - base] = g + 1
        elif sh.journal:
            base, n, leaf, lg = self.leaf_base, len(self.leaf), self.leaf, sh.leaf_gppn
            for slot in sh.journal:
                if 0 <= slot - base < n:
                    v = lg.get(slot)
                    leaf[slot - base] = 0 if v is None else v[1] + 1
            sh.journal.clear()
        return self.leaf

    def _large_mirror(self, vm) -> np.ndarray:
        large = vm.pmap.large
        if not large:
            return _EMPTY_I64
        have = self.larges.get(vm.name)
        if have is None or have[0] != large:
            have = (frozenset(large), np.array(sorted(large), np.int64))
            self.larges[vm.name] = have
        return have[1]

    # -- the run ---------------------------------------------------------------------------------------
    def run(self, trace, start: int, stop: int, progress=None) -> None:
        """``Bulk.run`` with the kernel: see the module docstring."""
        mach = self.m
        bulk = mach.bulk
        kernel_run = _kernel.run
        ops = np.ascontiguousarray(trace.op)
        vms = np.ascontiguousarray(trace.vm)
        procs = np.ascontiguousarray(trace.proc)
        gvas = np.ascontiguousarray(trace.gva)
        vals = np.ascontiguousarray(trace.value)
        q = mach.mem.image.view(np.uint64)
        vm_names, proc_names = trace.vm_names, trace.proc_names
        proc_index = {p: i for i, p in enumerate(proc_names)}
        vm_index = {v: i for i, v in enumerate(vm_names)}
        period = mach.config.reclaim.period if mach.reclaim is not None else 0
        mode = mach.mode
        p = self.p
        p[P_PERIOD] = period
        p[P_PERIOD_BASE] = 0
        hits = [0] * len(vm_names)
        misses = [0] * len(vm_names)
        miss_refs = [0] * len(vm_names)
        nested_intel_pwc = mode is Mode.NESTED and self.design == "intel" and self.pwc_on
        cur_vm = cur_proc = -1
        vm = proc = None
        loaded = False  # the arrays hold the engine's TLB and caches
        dirty_tlb = dirty_caches = False  # the arrays hold changes the engine has not got
        total = stop - start
        chunk = 16384
        i = start
        next_report = start + min(chunk, total)
        tag = 0
        while i < stop:
            if cur_vm >= 0:
                o = int(ops[i])
                if o <= EXEC and vms[i] == cur_vm and procs[i] == cur_proc and (not period or (i + 1) % period):
                    if not loaded:
                        self.load()
                        loaded = True
                    # what the walk reads besides memory, for the current VM
                    if mode is Mode.NATIVE:
                        pmpn, pstate = self._pmap_mirror(vm)
                        leaf, large = _EMPTY_I32, _EMPTY_I64
                    elif mode is Mode.SHADOW:
                        pmpn, pstate = _EMPTY_I64, _EMPTY_U8
                        leaf, large = self._leaf_mirror(), _EMPTY_I64
                        p[P_SROOT] = vm.shadow_root << PAGE_SHIFT
                        p[P_LEAF_BASE] = self.leaf_base
                    else:
                        pmpn, pstate, leaf = _EMPTY_I64, _EMPTY_U8, _EMPTY_I32
                        large = self._large_mirror(vm) if nested_intel_pwc else _EMPTY_I64
                        p[P_EROOT] = vm.ept_root << PAGE_SHIFT
                    p[P_START], p[P_STOP] = i, next_report
                    p[P_VM], p[P_PROC] = cur_vm, cur_proc
                    p[P_TAG], p[P_CR3], p[P_VTAG] = tag, proc.cr3, vm.vpid
                    kernel_run((q, ops, vms, procs, gvas, vals,
                                self.t4key, self.t4mpn, self.t4gppn, self.t4fl, self.t4src, self.t4cnt,
                                self.t2key, self.t2mpn, self.t2gppn, self.t2fl, self.t2src, self.t2cnt,
                                self.t2mpns, self.t2kind,
                                self.lin[4], self.lin[3], self.lin[2], self.gpa, self.ept[4], self.ept[3],
                                self.ept[2], self.pwc, self.ntlb, self.ccnt,
                                pmpn, pstate, leaf, large), p)
                    self.stats["kernel_calls"] += 1
                    j = int(p[P_END])
                    if j > i:
                        hits[cur_vm] += int(p[P_HITS])
                        misses[cur_vm] += int(p[P_MISSES])
                        miss_refs[cur_vm] += int(p[P_REFS])
                    changed = int(p[P_CHANGED])
                    if changed & 1:
                        dirty_tlb = True
                    if changed & 2:
                        dirty_caches = True
                    if changed:
                        bulk.gen += 1  # walks set A/D bits, data was written: the memo is stale
                    i = j
                    if i == next_report:
                        if progress is not None:
                            progress(i - start, total)
                        next_report = min(stop, next_report + chunk)
                        continue
            # the reference path for operation i
            if dirty_tlb or dirty_caches:
                self.store(dirty_tlb, dirty_caches)
                dirty_tlb = dirty_caches = False
            loaded = False
            mach.execute_quietly(trace.op_at(i, int(vms[i]), int(procs[i]), int(ops[i]), int(gvas[i]), int(vals[i])), i)
            self.stats["reference_ops"] += 1
            vm = mach.current_vm
            if vm is None:
                cur_vm = cur_proc = -1
            else:
                cur_vm = vm_index.get(vm.name, -2)
                proc = vm.guest.current
                cur_proc = proc_index.get((vm.name, proc.name), -2)
                tag = mach.mmu.tlb_tag(vm, proc)
            i += 1
            if i == next_report:
                if progress is not None:
                    progress(i - start, total)
                next_report = min(stop, next_report + chunk)
        if dirty_tlb or dirty_caches:
            self.store(dirty_tlb, dirty_caches)
        for vi, name in enumerate(vm_names):
            if hits[vi]:
                mach.counters[name].add_hits(hits[vi], mach.costs.tlb_hit)
            if misses[vi]:
                mach.counters[name].add_quiet_misses(misses[vi], miss_refs[vi], mach.costs.walk_ref)
        mach.steps_done += sum(hits) + sum(misses)


__all__ = ["ENV", "KernelRun", "available", "enabled", "walk"]
