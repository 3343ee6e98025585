"""The bulk path: long traces with the semantics of ``Machine.execute`` and no records.

TLB hits and "quiet" misses (a walk that succeeds with nothing for the OS or the VMM to do)
take a short path; everything else goes through ``execute`` and is folded into the counters.
A collaborator of :class:`~visualizer.engine.machine.Machine`; ``bulk = step`` is a property
test. The short path runs in the compiled kernel (:mod:`.kernel`) where it is installed; the
Python short path here is the reference the kernel is tested against (``VISUALIZER_BULK=reference``
or ``run_bulk(..., kernel=False)`` select it). For speed, the nested dimension of a quiet walk
reads EPT entries itself (:func:`ept_leaf`); a test proves it equal to :func:`~.paging.walk` on
random tables.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from . import kernel as _kernel
from .events import (Access, AdUpdate, DataAccess, Fault, FaultKind, GuestAction, GuestActionKind as GA, GuestPageFault, Note,
                     PageState, ShadowRoot, Stage, TlbFill, TlbFlush, TlbLookup, VmExit, VmSwitch, WalkCacheHit, Walker,
                     WalkRef)
from .memory import PAGE_SHIFT
from .ops import OP_CODES, Mode, OpKind
from .paging import EPT, EPT_PS, EPT_R, EPT_W, EPT_X, FRAME_MASK, X86, Translation, walk
from .pmap import NO_MPN
from .tlb import GVPN_MASK, PCID_SHIFT, VPID_SHIFT, TlbEntry

if TYPE_CHECKING:
    from .guest import Process
    from .machine import Machine, Vm

_ACCESS_BITS = {Access.READ: 0, Access.WRITE: 1 << 62, Access.EXEC: 2 << 62}
_NOT_RESIDENT = Fault(FaultKind.NOT_PRESENT, Stage.GUEST, 0, 0, Access.READ)
_PURE_EVENTS = frozenset({TlbLookup, TlbFill, TlbFlush, DataAccess, VmSwitch, WalkRef, Fault, GuestPageFault,
                          Note, VmExit, WalkCacheHit})
_PURE_GUEST_ACTIONS = frozenset({GA.CR3_LOAD, GA.INVLPG, GA.NOTHING_TO_DO, GA.SEGV, GA.OUT_OF_MEMORY})


def changes_tables(ev) -> bool:
    """Whether an event may have changed memory a walk reads (guest, shadow or nested tables,
    A/D bits, the pmap, the current shadow root). Conservative: unknown kinds count as changes."""
    cls = ev.__class__
    if cls in _PURE_EVENTS:
        return False
    if cls is GuestAction:
        return ev.kind not in _PURE_GUEST_ACTIONS
    if cls is ShadowRoot:
        return not ev.cached
    return True


def ept_leaf(q, root_mpn: int, gpa: int) -> int:
    """The 4 KiB EPT leaf entry for ``gpa`` under the EPT root ``root_mpn`` as the walker sees it:
    its R/W/X are ANDed with those of the levels above (the engine's upper entries allow all
    three). -1 where the walk would not end in a present 4 KiB leaf (a missing upper entry or a
    2 MiB leaf: the recorded path handles those); the leaf's rights are the caller's to check."""
    t = root_mpn
    present = EPT.present
    rights = EPT_R | EPT_W | EPT_X
    for shift in (39, 30, 21):
        e = q[(t << 9) + ((gpa >> shift) & 0x1FF)]
        if not e & present or e & EPT_PS:
            return -1
        rights &= e
        t = (e & FRAME_MASK) >> PAGE_SHIFT
    e = q[(t << 9) + ((gpa >> PAGE_SHIFT) & 0x1FF)]
    return e & ~(EPT_R | EPT_W | EPT_X) | (e & rights)


class Bulk:
    """The bulk path of one machine: :meth:`run`."""

    def __init__(self, machine: "Machine"):
        self.m = machine
        self.memo: dict[int, tuple] = {}
        self.gen = 0
        self.cached_walks = machine.config.pwc or machine.config.nested_tlb
        self.kernel: Optional[bool] = None
        """Use the compiled kernel: None follows ``VISUALIZER_BULK`` (:func:`.kernel.enabled`)."""
        self._kernel_run = None

    def __getstate__(self) -> dict:
        # What the bulk path derives from the machine — the compiled kernel's arrays and mirrors,
        # the walk memo — is made again by the next run, so a pickled machine (a worker's result)
        # does not carry it: the kernel's mirror of the shadow leaves is a sparse mapping that
        # pickled dense (256 MiB for a 4 GiB machine whose 8,192 frames in use are 32 MiB).
        state = dict(self.__dict__)
        state["_kernel_run"] = None
        state["memo"] = {}
        return state

    def note_changes(self, events) -> None:
        """After a recorded step: memoised walks may be stale if it changed any table."""
        for ev in events:
            if ev.__class__ not in _PURE_EVENTS and changes_tables(ev):
                self.gen += 1
                return

    def _quiet_miss(self, vm: "Vm", proc: "Process", gva: int, access: Access, key: int):
        """Bulk path for a TLB miss whose walk succeeds with nothing for the OS or VMM to do:
        the same walk, without records. Returns (TlbEntry, walk references) or None — then the
        caller runs the access through ``execute``. A walk that fails here has at most set A
        bits that the recorded walk would set too, so the fallback sees the same state."""
        # A walk is a function of the tables; tables change only inside ``execute`` or when a
        # walk sets A/D bits. So a walk repeated with nothing changed in between (a page that
        # keeps falling out of the TLB) is answered from a memo: same translation, same
        # references counted, no walking again.
        if self.cached_walks:
            # with MMU caches a walk's references depend on the caches' state: no memo
            return self._quiet_cached(vm, proc, gva, access, key)
        mkey = (gva >> PAGE_SHIFT) | proc.pcid << PCID_SHIFT | vm.vpid << VPID_SHIFT | _ACCESS_BITS[access]
        m = self.m
        memo = self.memo.get(mkey)
        if memo is not None and memo[0] == self.gen:
            m.tlb.insert(key, memo[1])
            return memo[1], memo[2]
        q = m.mem.q
        mode = m.mode
        if mode is Mode.NESTED:
            # The 2D walk of _walk2d, with the nested walks written out: EPT entries have no
            # A/D here, so a nested walk only reads; anything unusual (not present, large
            # pages, missing rights) leaves the access to the recorded path.
            ept_root = vm.ept_root

            def to_ma(gpa: int, level: int):
                e = ept_leaf(q, ept_root, gpa)
                return _NOT_RESIDENT if e < 0 or not e & EPT_R else (e & FRAME_MASK) | (gpa & 0xFFF)
            g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, None, 0, table_to_ma=to_ma)
            if g.__class__ is Fault or g.level != 1:
                self.gen += 1  # a failed walk may have set A bits on the way
                return None
            ad_set = g.ad_set
            e = ept_leaf(q, ept_root, g.address)
            if e < 0 or not e & EPT_R or (access is Access.WRITE and not e & EPT_W) or \
                    (access is Access.EXEC and not e & EPT_X):
                self.gen += 1
                return None
            gppn = g.address >> PAGE_SHIFT
            t = Translation((e & FRAME_MASK) | (gva & 0xFFF), g.writable and bool(e & EPT_W),
                            g.executable and bool(e & EPT_X), g.dirty, 1, 0)
            refs = 24  # (m+1)(n+1)-1 with m = n = 4
        elif mode is Mode.SHADOW:
            t = walk(q, vm.shadow_root << PAGE_SHIFT, gva, access, X86, Stage.SHADOW, Walker.CPU, None, 0)
            if t.__class__ is Fault or t.level != 1:  # a 2 MiB leaf fills a 2 MiB entry: recorded path
                self.gen += 1
                return None
            ad_set = t.ad_set
            gppn = m.shadow.leaf_gppn[t.leaf_slot][1]
            refs = 5 - t.level
        else:
            mpns = vm.pmap.mpn

            def to_ma(gpa: int, level: int):
                m = mpns[gpa >> PAGE_SHIFT]
                return _NOT_RESIDENT if m == NO_MPN else (m << PAGE_SHIFT) | (gpa & 0xFFF)
            t = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, None, 0, table_to_ma=to_ma)
            if t.__class__ is Fault or t.level != 1:  # a 2 MiB leaf fills a 2 MiB entry: recorded path
                self.gen += 1
                return None
            ad_set = t.ad_set
            gppn = t.address >> PAGE_SHIFT
            st = vm.pmap.state[gppn]
            if not (st is PageState.PRIVATE or (st is PageState.SHARED and access is not Access.WRITE)):
                self.gen += 1
                return None
            t = t._replace(address=(mpns[gppn] << PAGE_SHIFT) | (gva & 0xFFF))
            refs = 5 - t.level
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        m.tlb.insert(key, entry)
        if ad_set:
            self.gen += 1  # the tables changed: earlier answers may be stale
        self.memo[mkey] = (self.gen, entry, refs)
        return entry, refs

    def _quiet_cached(self, vm: "Vm", proc: "Process", gva: int, access: Access, key: int):
        """With MMU caches: the recorded path's own walk (the same code, the same cache lookups and
        fills), keeping only its references. Where it does not end quietly, the caches are put back
        as they were (their contents and LRU order) and the access takes the recorded path, which
        walks again from the same state."""
        m = self.m
        tlb = m.tlb
        saved = tlb.caches.copy()
        evs: list = []
        tag = key & ~GVPN_MASK
        mode = m.mode
        gppn = None
        if mode is Mode.NESTED:
            t, gppn = m.mmu.walk2d(vm, proc, gva, access, evs, tag)
            ok = t.__class__ is not Fault and t.level == 1
        elif mode is Mode.SHADOW:
            t = m.mmu.walk1d(vm.shadow_root << PAGE_SHIFT, gva, access, Stage.SHADOW, tag, evs)
            ok = t.__class__ is not Fault and t.level == 1
            if ok:
                gppn = m.shadow.leaf_gppn[t.leaf_slot][1]
        else:
            mpns = vm.pmap.mpn

            def to_ma(gpa: int, level: int):
                mpn = mpns[gpa >> PAGE_SHIFT]
                return _NOT_RESIDENT if mpn == NO_MPN else (mpn << PAGE_SHIFT) | (gpa & 0xFFF)
            t = m.mmu.walk1d(proc.cr3, gva, access, Stage.GUEST, tag, evs, to_ma)
            ok = t.__class__ is not Fault and t.level == 1
            if ok:
                gppn = t.address >> PAGE_SHIFT
                st = vm.pmap.state[gppn]
                ok = st is PageState.PRIVATE or (st is PageState.SHARED and access is not Access.WRITE)
                if ok:
                    t = t._replace(address=(mpns[gppn] << PAGE_SHIFT) | (gva & 0xFFF))
        if not ok:
            tlb.caches = saved
            self.gen += 1  # a failed walk may have set A bits on the way
            return None
        refs = 0
        for e in evs:
            if e.__class__ is WalkRef:
                refs += 1
            elif e.__class__ is AdUpdate:
                self.gen += 1
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        tlb.insert(key, entry)
        return entry, refs

    def run(self, trace, start: int = 0, stop: Optional[int] = None, progress=None,
            kernel: Optional[bool] = None) -> None:
        """Run ``trace[start:stop]`` keeping no records, with the semantics of ``execute``.

        Accesses by the current process of the current VM take a short path: a TLB hit, or a
        miss whose walk succeeds with nothing to fix — in the compiled kernel (``kernel``: None
        follows :attr:`kernel`, then ``VISUALIZER_BULK``), else in Python (:meth:`_quiet_miss`).
        Anything else — faults, exits, switches, guest and VMM operations — goes through
        ``execute`` (whose record is dropped). Memory use is bounded by the touched pages, not
        the trace length.
        """
        mach = self.m
        stop = len(trace) if stop is None else stop
        self.gen += 1  # tables may have changed since the last call
        self.memo.clear()
        if kernel is None:
            kernel = self.kernel
        if kernel is None:
            kernel = _kernel.enabled()
        if kernel and _kernel.available():
            if self._kernel_run is None:
                self._kernel_run = _kernel.KernelRun(mach)
            self._kernel_run.run(trace, start, stop, progress)
            return
        vm_names, proc_names = trace.vm_names, trace.proc_names
        tlb = mach.tlb
        sets = tlb.sets
        nsets = tlb.nsets
        large = tlb.large_used  # 2 MiB entries are filled only inside execute: refreshed after it
        lookup_2m = tlb.lookup_2m
        q = mach.mem.q
        hit_cost = mach.costs.tlb_hit
        # with the host's reclamation on, the operation that ends a period takes the recorded
        # path, where the host's pass runs after it (bulk = step)
        period = mach.config.reclaim.period if mach.reclaim is not None else 1 << 62
        READ, WRITE, EXEC = OP_CODES.index(OpKind.READ), OP_CODES.index(OpKind.WRITE), OP_CODES.index(OpKind.EXEC)
        accesses = {READ: Access.READ, WRITE: Access.WRITE, EXEC: Access.EXEC}
        hits = [0] * len(vm_names)
        misses = [0] * len(vm_names)
        miss_refs = [0] * len(vm_names)
        quiet_miss = self._quiet_miss
        proc_index = {p: i for i, p in enumerate(proc_names)}
        vm_index = {v: i for i, v in enumerate(vm_names)}
        cur_vm = cur_proc = -1
        vm = proc = None
        tag = 0
        total = stop - start
        chunk = 16384
        for c0 in range(0, total, chunk):
            c1 = min(total, c0 + chunk)
            # columns as lists one chunk at a time: memory does not grow with the trace length
            vm_idx, proc_idx, ops, gvas, values = trace.columns(start + c0, start + c1)
            h = m = refs = 0  # hits, quiet misses, their references, for cur_vm
            for i, op, vi, pi, gva in zip(range(c0, c1), ops, vm_idx, proc_idx, gvas, strict=True):
                if op <= EXEC and vi == cur_vm and pi == cur_proc and (start + i + 1) % period:
                    gvpn = gva >> 12
                    key = gvpn | tag
                    s = sets[gvpn % nsets]
                    e = s.get(key)
                    if e is not None:
                        if op == READ or (op == WRITE and e[1] and e[2]) or (op == EXEC and e[3]):
                            del s[key]
                            s[key] = e
                            if op == WRITE:
                                q[(e[0] << 9) + ((gva & 0xFFF) >> 3)] = values[i - c0]
                            h += 1
                            continue
                    elif large:
                        e = lookup_2m(key)
                        if e is not None and (op == READ or (op == WRITE and e[1] and e[2]) or
                                              (op == EXEC and e[3])):
                            if op == WRITE:
                                q[(e[0] << 9) + ((gva & 0xFFF) >> 3)] = values[i - c0]
                            h += 1
                            continue
                    r = quiet_miss(vm, proc, gva, accesses[op], key)
                    if r is not None:
                        if op == WRITE:
                            q[(r[0][0] << 9) + ((gva & 0xFFF) >> 3)] = values[i - c0]
                        m += 1
                        refs += r[1]
                        continue
                if cur_vm >= 0:
                    hits[cur_vm] += h
                    misses[cur_vm] += m
                    miss_refs[cur_vm] += refs
                h = m = refs = 0
                mach.execute_quietly(trace.op_at(start + i, vi, pi, op, gva, values[i - c0]), start + i)
                large = tlb.large_used
                vm = mach.current_vm  # VMM operations (share, swap_out) do not enter a VM
                if vm is None:
                    cur_vm = cur_proc = -1
                else:
                    cur_vm = vm_index.get(vm.name, -2)
                    proc = vm.guest.current
                    cur_proc = proc_index.get((vm.name, proc.name), -2)
                    tag = mach.mmu.tlb_tag(vm, proc)
            if cur_vm >= 0:
                hits[cur_vm] += h
                misses[cur_vm] += m
                miss_refs[cur_vm] += refs
            if progress is not None:
                progress(c1, total)
        for vi, name in enumerate(vm_names):
            if hits[vi]:
                mach.counters[name].add_hits(hits[vi], hit_cost)
            if misses[vi]:
                mach.counters[name].add_quiet_misses(misses[vi], miss_refs[vi], mach.costs.walk_ref)
        mach.steps_done += sum(hits) + sum(misses)
