"""The CPU's memory-management unit per mode: an access through the TLB, the translation on a TLB
miss (native, shadow or two-dimensional nested walk) through the MMU caches of the design, the
guest faults and VM exits it causes, and TLB maintenance (VM entry, CR3 load, INVLPG,
invalidations after the VMM's changes).

The MMU is a collaborator of :class:`~visualizer.engine.machine.Machine`: it reads the machine's
state (memories, VMs, TLB, tables) and asks the VMM for one thing only, through
:class:`VmmPort` — a machine page for a guest-physical page. The VMM asks it, through its public
methods, to leave the guest (:meth:`Mmu.exit`) and to invalidate what a change made stale
(:meth:`Mmu.invalidate_gvas`, :meth:`Mmu.invept`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Protocol

from .errors import EngineError
from .events import (Access, DataAccess, ExitReason, Fault, FaultKind, FlushReason, FlushScope, GuestAction,
                     GuestActionKind as GA, GuestPageFault, PageState, ShadowRoot, ShadowZapReason, Stage,
                     TlbFill, TlbFlush, TlbLookup, TlbMiss, VmExit, VmSwitch, WalkCache, WalkCacheHit, Walker, WalkRef)
from .memory import PAGE_SHIFT
from .ops import Mode
from .paging import EPT, X86, Translation, walk
from .pmap import NO_MPN
from .record import EpisodeKind, GuestWork, Record
from .tlb import GVPN_MASK, PCID_SHIFT, VPID_SHIFT, TlbEntry

if TYPE_CHECKING:
    from .guest import Process
    from .machine import Machine, Vm

MAX_RETRIES = 16
"""An access that still faults after this many fixes is an engine error."""

_LIN = {4: WalkCache.PML4E, 3: WalkCache.PDPTE, 2: WalkCache.PDE}
_EPT = {4: WalkCache.EPT_PML4E, 3: WalkCache.EPT_PDPTE, 2: WalkCache.EPT_PDE}
_LEVELS_DOWN = (4, 3, 2, 1)


class VmmPort(Protocol):
    """What the MMU needs from the VMM."""

    def back(self, vm: "Vm", gppn: int, write: bool, rec: Record) -> int:
        """Make ``gppn`` resident (and private, for a write) and return its machine page."""


class _Exit:
    """A VM exit as an episode: ``with mmu.exit(reason, address, rec):`` the VMM's work inside."""

    __slots__ = ("mmu", "rec", "reason", "address", "fault", "token")

    def __init__(self, mmu: "Mmu", reason: ExitReason, address: int, rec: Record, fault: Optional[Fault]):
        self.mmu, self.rec, self.reason, self.address, self.fault = mmu, rec, reason, address, fault

    def __enter__(self) -> "_Exit":
        rec, m = self.rec, self.mmu.m
        self.token = rec.begin(EpisodeKind.VM_EXIT, self.reason, self.address)
        rec.append(VmExit(self.reason, self.address, m.costs.exit_total, self.fault))
        if not m.config.vpid:
            # SDM Vol. 3C "Caching Translation Information" (§29.4.3.1; §28.3.3.1 in older
            # editions): without VPID every VM exit and every VM entry invalidates the linear
            # and combined mappings. One record stands for both.
            n = m.tlb.flush_all()
            rec.append(TlbFlush(FlushScope.ALL, FlushReason.VM_EXIT_NO_VPID, n, caches=m.tlb.cache_drops))
        return self

    def __exit__(self, *exc) -> None:
        self.rec.end(self.token)


class Mmu:
    """The CPU side of one machine: accesses, translation per mode, TLB maintenance."""

    def __init__(self, machine: "Machine", vmm: VmmPort):
        self.m = machine
        self.vmm = vmm

    # -- tags --------------------------------------------------------------------------------
    def vpid_tag(self, vm: "Vm") -> int:
        return vm.vpid if (self.m.config.vpid or self.m.mode is Mode.NATIVE) else 0

    def pcid_tag(self, proc: "Process") -> int:
        return proc.pcid if self.m.config.pcid else 0

    def tlb_tag(self, vm: "Vm", proc: "Process") -> int:
        return self.pcid_tag(proc) << PCID_SHIFT | self.vpid_tag(vm) << VPID_SHIFT

    # -- exits and TLB maintenance (also for the VMM) -------------------------------------------
    def exit(self, reason: ExitReason, address: int, rec: Record, fault: Optional[Fault] = None) -> _Exit:
        """The CPU leaves the guest for the VMM; the ``with`` block is the VMM's handling, after
        which the CPU re-enters the guest."""
        return _Exit(self, reason, address, rec, fault)

    def invept(self, vm_names, rec: Record) -> None:
        """Nested mode: make removed or downgraded nested entries visible.

        Intel: INVEPT. Single-context drops every combined and guest-physical mapping of each
        VM's EPT root — other VMs' entries survive; all-context (KVM's remote flush,
        ``ept_sync_global``) drops them all. There is no INVEPT by guest-physical address.
        AMD: no such instruction — the VMM has the next VMRUN flush the guest's ASID (TLB
        control), which takes the nested TLB and page-walk cache entries with it."""
        if not vm_names:
            return
        m = self.m
        caches = m.tlb.caches
        everything = m.config.invept == "all"
        dropped = 0
        for vm in (m.vms.values() if everything else (m.vms[n] for n in vm_names)):
            dropped += caches.invept(vm.vpid)
        if everything:
            n = m.tlb.flush_all()
            rec.append(TlbFlush(FlushScope.ALL, FlushReason.INVEPT, n, caches=dropped + m.tlb.cache_drops))
            return
        for name in sorted(vm_names):
            n = m.tlb.flush_vpid(self.vpid_tag(m.vms[name]))
            rec.append(TlbFlush(FlushScope.VM, FlushReason.INVEPT, n, vm=name, caches=dropped + m.tlb.cache_drops))
            dropped = 0

    def invalidate_gvas(self, vm: "Vm", zapped: list, reason: FlushReason, rec: Record) -> None:
        """Shadow mode: the VMM dropped shadow entries (``zapped``: (gVA, level) each) and
        invalidates their gVAs — INVVPID of one address each, of the whole VPID when a shadow
        table went."""
        if not zapped:
            return
        tlb = self.m.tlb
        vpid = self.vpid_tag(vm)
        if all(level == 1 for _, level in zapped):
            n = drops = 0
            for gva, _ in zapped:
                n += tlb.flush_page(vpid, gva >> PAGE_SHIFT)
                drops += tlb.cache_drops
            rec.append(TlbFlush(FlushScope.PAGE, reason, n, caches=drops))
        else:
            n = tlb.flush_vpid(vpid)
            rec.append(TlbFlush(FlushScope.VM, reason, n, caches=tlb.cache_drops))

    def enter(self, vm: "Vm", rec: Record) -> None:
        m = self.m
        prev = m.current_vm
        if prev is vm:
            return
        m.current_vm = vm
        if m.mode is Mode.NATIVE:
            return
        rec.append(VmSwitch(prev.name if prev else None, vm.name, m.costs.vm_switch if prev else 0))
        if not m.config.vpid:
            n = m.tlb.flush_all()
            rec.append(TlbFlush(FlushScope.ALL, FlushReason.VM_SWITCH_NO_VPID, n, caches=m.tlb.cache_drops))

    def cr3_load(self, vm: "Vm", proc: "Process", rec: Record) -> None:
        m = self.m
        with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.CR3_LOAD):
            rec.append(GuestAction(GA.CR3_LOAD, proc.root_gppn, f"switch to {proc.name}", process=proc.name))
            vm.guest.current = proc
            if m.shadow is not None:
                with self.exit(ExitReason.CR3_LOAD, proc.cr3, rec):
                    root, cached, evicted, _freed = m.shadow.get_root(vm.name, proc.root_gppn)
                    vm.shadow_root = root
                    rec.append(ShadowRoot(proc.cr3, root << PAGE_SHIFT, cached,
                                          None if evicted is None else evicted << PAGE_SHIFT))
                    if evicted is not None and m.config.pcid:
                        ev_proc = next((p for p in vm.guest.processes.values() if p.root_gppn == evicted), None)
                        if ev_proc is not None:
                            n = m.tlb.flush_pcid(self.vpid_tag(vm), ev_proc.pcid)
                            rec.append(TlbFlush(FlushScope.ADDRESS_SPACE, FlushReason.SHADOW_ROOT_EVICTED, n,
                                                caches=m.tlb.cache_drops))
            if not m.config.pcid:
                n = m.tlb.flush_vpid(self.vpid_tag(vm))
                rec.append(TlbFlush(FlushScope.ADDRESS_SPACE, FlushReason.CR3_NO_PCID, n, caches=m.tlb.cache_drops))

    def invlpg(self, vm: "Vm", gva: int, rec: Record) -> None:
        """The guest's INVLPG of ``gva`` (in its current address space)."""
        m = self.m
        with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.INVLPG, gva & ~0xFFF):
            rec.append(GuestAction(GA.INVLPG, None, f"gVA 0x{gva & ~0xFFF:x}", gva=gva & ~0xFFF))
            if m.shadow is not None:
                # it exits; the VMM drops the shadow entry and invalidates the address for the
                # whole VPID (KVM: kvm_mmu_invlpg, then INVVPID individual-address)
                with self.exit(ExitReason.INVLPG, gva, rec):
                    m.shadow.zap_gva(vm.shadow_root, gva, ShadowZapReason.INVLPG, rec)
                    n = m.tlb.flush_page(self.vpid_tag(vm), gva >> PAGE_SHIFT)
                    rec.append(TlbFlush(FlushScope.PAGE, FlushReason.INVLPG, n, caches=m.tlb.cache_drops))
            else:
                # the CPU executes it: the current PCID's entry goes, and the paging-structure
                # caches' entries of the PCID (SDM §4.10.4.1)
                n = m.tlb.flush_page(self.vpid_tag(vm), gva >> PAGE_SHIFT, self.pcid_tag(vm.guest.current))
                rec.append(TlbFlush(FlushScope.PAGE, FlushReason.INVLPG, n, caches=m.tlb.cache_drops))

    def flush_mm(self, vm: "Vm", proc: "Process", rec: Record) -> None:
        """The guest flushes the address space of ``proc`` (the current process) by reloading
        its CR3 without the PCID no-flush bit (Linux ``flush_tlb_mm`` → ``flush_tlb_local``):
        in shadow mode the CR3 load exits and the VMM finds the cached root."""
        m = self.m
        with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.FLUSH_MM):
            rec.append(GuestAction(GA.FLUSH_TLB_MM, proc.root_gppn, f"reload CR3 of {proc.name}",
                                   process=proc.name))
            vm.guest.split_pending = False
            if m.shadow is not None:
                with self.exit(ExitReason.CR3_LOAD, proc.cr3, rec):
                    root, cached, _evicted, _freed = m.shadow.get_root(vm.name, proc.root_gppn)
                    vm.shadow_root = root  # the current root: always cached (nothing evicted)
                    rec.append(ShadowRoot(proc.cr3, root << PAGE_SHIFT, cached))
            vpid = self.vpid_tag(vm)
            n = m.tlb.flush_pcid(vpid, proc.pcid) if m.config.pcid else m.tlb.flush_vpid(vpid)
            rec.append(TlbFlush(FlushScope.ADDRESS_SPACE, FlushReason.ADDRESS_SPACE_FLUSH, n,
                                caches=m.tlb.cache_drops))

    def _fault_invalidates(self, key: int, rec: Record) -> None:
        """A page fault drops the TLB entries and paging-structure-cache entries that would be
        used for the faulting linear address (SDM Vol. 3A §4.10.4.1); recorded where it
        dropped something."""
        tlb = self.m.tlb
        n = tlb.drop_address(key)
        if n or tlb.cache_drops:
            rec.append(TlbFlush(FlushScope.PAGE, FlushReason.PAGE_FAULT, n, caches=tlb.cache_drops))

    def ept_violation_invalidates(self, vm: "Vm", gpa: int, key: Optional[int], rec: Record) -> None:
        """An EPT violation drops the guest-physical mappings used for ``gpa`` and, where the gPA
        came from translating a linear address (``key``), the combined mappings for that linear
        address (SDM Vol. 3C §29.4.3.1; AMD's nested page fault: the model does the same)."""
        tlb = self.m.tlb
        drops = tlb.caches.drop_gpa(vm.vpid, gpa)
        n = 0
        if key is not None:
            n = tlb.drop_address(key)
            drops += tlb.cache_drops
        if n or drops:
            rec.append(TlbFlush(FlushScope.PAGE, FlushReason.EPT_VIOLATION, n, caches=drops))

    # -- translation on a TLB miss, per mode --------------------------------------------------
    def _vmm_table_ma(self, vm: "Vm", rec: Record):
        """Guest-table gPA → MA for a walk by the VMM (or the native MMU): backs the page if needed."""
        mpns = vm.pmap.mpn
        back = self.vmm.back

        def to_ma(gpa: int, level: int) -> int:
            gppn = gpa >> PAGE_SHIFT
            mpn = mpns[gppn]
            if mpn == NO_MPN:
                mpn = back(vm, gppn, False, rec)
            return (mpn << PAGE_SHIFT) | (gpa & 0xFFF)
        return to_ma

    def _ept_depth(self, vm: "Vm", gpa: int) -> int:
        """The references an EPT walk of ``gpa`` reads without caches (3 under a 2 MiB backing)."""
        return 3 if vm.pmap.large and (gpa >> 21) in vm.pmap.large else 4

    def walk2d(self, vm: "Vm", proc: "Process", gva: int, access: Access, rec: Optional[list], tag: int = 0):
        """The two-dimensional walk: every guest-table gPA and the final gPA through the EPT, with
        the MMU caches of the design. Returns (Translation or Fault, gPPN of the data or None)."""
        if self.m.tlb.caches.design == "amd":
            return self._walk2d_amd(vm, proc, gva, access, rec, tag)
        return self._walk2d_intel(vm, proc, gva, access, rec, tag)

    def _walk2d_intel(self, vm: "Vm", proc: "Process", gva: int, access: Access, rec: Optional[list], tag: int):
        """Intel: combined mappings (``[mmu] pwc``) key the guest dimension by the linear address and
        hold the next guest table's *host-physical* address, so a hit skips the upper guest
        levels and their nested walks; guest-physical mappings (``[mmu] nested_tlb``: gPA → MA
        translations and the EPT paging-structure caches) shorten or spare each nested walk."""
        m = self.m
        q = m.mem.q
        cost = m.costs.walk_ref
        ept_root = vm.ept_root << PAGE_SHIFT
        cfg = m.config
        caches = m.tlb.caches
        gpm = cfg.nested_tlb  # guest-physical mappings
        etag = vm.vpid  # guest-physical mappings are tagged by the EPT root (one per VM)
        ma_of: dict[int, int] = {}

        def nested(gpa: int, acc: Access):
            gppn = gpa >> PAGE_SHIFT
            if gpm:
                hit = caches.gpa_lookup(etag, gppn)
                if hit is not None and (acc is not Access.WRITE or hit[1]) and (acc is not Access.EXEC or hit[2]):
                    if rec is not None:
                        rec.append(WalkCacheHit(Stage.NESTED, WalkCache.GPA, hit[3], gpa, len(hit[3]), gva))
                    return Translation(hit[0] | (gpa & 0xFFF), hit[1], hit[2], True, 5 - len(hit[3]), -1)
                start, root, bits, efills = 4, ept_root, (-1, 0), []
                phit = caches.ept_lookup(etag, gpa)
                if phit is not None:
                    start, root, bits = phit[0] - 1, phit[1], (phit[2], phit[3])
                    if rec is not None:
                        skipped = tuple(range(4, start, -1))
                        rec.append(WalkCacheHit(Stage.NESTED, _EPT[phit[0]], skipped, gpa, len(skipped), gva))
                r = walk(q, root, gpa, acc, EPT, Stage.NESTED, Walker.CPU, rec, cost, user=False,
                         start=start, bits=bits, pwc_out=efills)
                if r.__class__ is not Fault:
                    caches.gpa_fill(etag, gppn, (r[0] & ~0xFFF, r.writable, r.executable, _LEVELS_DOWN[:5 - r.level]))
                    if efills:
                        caches.ept_fill(etag, gpa, efills)
                return r
            return walk(q, ept_root, gpa, acc, EPT, Stage.NESTED, Walker.CPU, rec, cost, user=False)

        def to_ma(gpa: int, level: int):
            # every guest-table reference is itself translated by a walk of the nested tables
            r = nested(gpa, Access.READ)
            if r.__class__ is Fault:
                return Fault(r.kind, Stage.NESTED, r.level, gpa, Access.READ, True, table_level=level)
            ma_of[gpa & ~0xFFF] = r[0] & ~0xFFF
            return r[0]

        start, root, root_ma, bits, fills = 4, proc.cr3, None, (-1, 0), None
        if cfg.pwc:
            fills = []
            hit = caches.lin_lookup(tag, gva)
            if hit is not None:
                level, root_ma, a, o, root, saved = hit
                start, bits = level - 1, (a, o)
                if rec is not None:
                    rec.append(WalkCacheHit(Stage.GUEST, _LIN[level], tuple(range(4, start, -1)), root, saved, gva,
                                            combined=True))
        g = walk(q, root, gva, access, X86, Stage.GUEST, Walker.CPU, rec, cost, table_to_ma=to_ma,
                 start=start, bits=bits, pwc_out=fills, root_ma=root_ma)
        if g.__class__ is Fault:
            return g, None
        n = nested(g.address, access)
        if n.__class__ is Fault:
            return n, None
        if fills:
            # combined mappings: each holds the host-physical address of the next guest table,
            # and what a walk without caches reads to get there (its "saved" when it hits)
            tgpa = {start: root}
            tgpa.update((lv - 1, tb) for lv, tb, _a, _o in fills)

            def depth(level: int) -> int:
                g = tgpa.get(level)
                return 4 if g is None else self._ept_depth(vm, g)
            caches.lin_fill(tag, gva, [(lv, ma_of.get(tb & ~0xFFF, tb), a, o, tb,
                                        sum(1 + depth(k) for k in range(lv, 5)) + depth(lv - 1))
                                       for lv, tb, a, o in fills])
        # the TLB entry covers the smaller of the guest page and its EPT backing
        return Translation(n.address, g.writable and n.writable, g.executable and n.executable,
                           g.dirty, 2 if g.level == 2 and n.level == 2 else 1, n.leaf_slot), g.address >> PAGE_SHIFT

    def _walk2d_amd(self, vm: "Vm", proc: "Process", gva: int, access: Access, rec: Optional[list], tag: int):
        """AMD (Bhargava et al.): the page-walk cache (``[mmu] pwc``) holds upper-level guest and
        nested entries by the machine address they are stored at; the nested TLB (``[mmu]
        nested_tlb``) spares the nested walk of a gPA. Each guest table still needs its machine
        address — from the nested TLB or a nested walk — before its entry can be looked up."""
        m = self.m
        q = m.mem.q
        cost = m.costs.walk_ref
        ept_root = vm.ept_root << PAGE_SHIFT
        cfg = m.config
        caches = m.tlb.caches
        vtag = vm.vpid
        entry_cache = (lambda slot: caches.pwc_get(tag, slot)) if cfg.pwc else None

        def nested(gpa: int, acc: Access):
            gppn = gpa >> PAGE_SHIFT
            if cfg.nested_tlb:
                hit = caches.ntlb_lookup(vtag, gppn)
                if hit is not None and (acc is not Access.WRITE or hit[1]) and (acc is not Access.EXEC or hit[2]):
                    if rec is not None:
                        rec.append(WalkCacheHit(Stage.NESTED, WalkCache.NTLB, hit[3], gpa, len(hit[3]), gva))
                    return Translation(hit[0] | (gpa & 0xFFF), hit[1], hit[2], True, 5 - len(hit[3]), -1)
            slots: Optional[list] = [] if cfg.pwc else None
            r = walk(q, ept_root, gpa, acc, EPT, Stage.NESTED, Walker.CPU, rec, cost, user=False,
                     entry_cache=entry_cache, slot_out=slots)
            if r.__class__ is not Fault:
                if cfg.nested_tlb:
                    caches.ntlb_fill(vtag, gppn, (r[0] & ~0xFFF, r.writable, r.executable, _LEVELS_DOWN[:5 - r.level]))
                if slots:
                    caches.pwc_fill(tag, slots)
            return r

        def to_ma(gpa: int, level: int):
            r = nested(gpa, Access.READ)
            if r.__class__ is Fault:
                return Fault(r.kind, Stage.NESTED, r.level, gpa, Access.READ, True, table_level=level)
            return r[0]

        gslots: Optional[list] = [] if cfg.pwc else None
        g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, rec, cost, table_to_ma=to_ma,
                 entry_cache=entry_cache, slot_out=gslots)
        if g.__class__ is Fault:
            return g, None
        n = nested(g.address, access)
        if n.__class__ is Fault:
            return n, None
        if gslots:
            caches.pwc_fill(tag, gslots)
        return Translation(n.address, g.writable and n.writable, g.executable and n.executable,
                           g.dirty, 2 if g.level == 2 and n.level == 2 else 1, n.leaf_slot), g.address >> PAGE_SHIFT

    def walk1d(self, root: int, gva: int, access: Access, stage: Stage, tag: int, rec: Optional[list],
               table_to_ma=None, ref_cost: Optional[int] = None):
        """A one-dimensional CPU walk (shadow or native) through the MMU caches of the design;
        caches are filled only by a walk that succeeds."""
        m = self.m
        cost = m.costs.walk_ref if ref_cost is None else ref_cost
        if not m.config.pwc:
            return walk(m.mem.q, root, gva, access, X86, stage, Walker.CPU, rec, cost, table_to_ma=table_to_ma)
        caches = m.tlb.caches
        if caches.design == "amd":
            slots: list = []
            t = walk(m.mem.q, root, gva, access, X86, stage, Walker.CPU, rec, cost, table_to_ma=table_to_ma,
                     entry_cache=lambda slot: caches.pwc_get(tag, slot), slot_out=slots)
            if t.__class__ is not Fault and slots:
                caches.pwc_fill(tag, slots)
            return t
        start, bits, fills = 4, (-1, 0), []
        hit = caches.lin_lookup(tag, gva)
        if hit is not None:
            level, root, a, o, _shown, _saved = hit
            start, bits = level - 1, (a, o)
            if rec is not None:
                skipped = tuple(range(4, start, -1))
                rec.append(WalkCacheHit(stage, _LIN[level], skipped, root, len(skipped), gva))
        t = walk(m.mem.q, root, gva, access, X86, stage, Walker.CPU, rec, cost,
                 table_to_ma=table_to_ma, start=start, bits=bits, pwc_out=fills)
        if t.__class__ is not Fault and fills:
            caches.lin_fill(tag, gva, [(lv, tb, a, o, tb, 0) for lv, tb, a, o in fills])
        return t

    def guest_fault(self, vm: "Vm", proc: "Process", gva: int, fault: Fault, rec: Record,
                    key: Optional[int] = None) -> Optional[Fault]:
        """Deliver #PF to the guest. None: the handler fixed it (retry); else the access aborts.
        ``key``: the faulting access's TLB key — the #PF invalidates what would translate it."""
        m = self.m
        with rec.episode(EpisodeKind.GUEST_FAULT, fault.kind, gva):
            rec.append(GuestPageFault(gva, fault.kind, m.costs.guest_fault, fault.level))
            if key is not None:
                self._fault_invalidates(key, rec)
            if fault.kind is FaultKind.NOT_PRESENT and \
                    vm.guest.handle_not_present(proc, gva, rec, fault.access is Access.EXEC):
                return None
            if fault.kind is FaultKind.WRITE_PROTECT:
                fixed = vm.guest.handle_write_protect(proc, gva, rec)
                if vm.guest.split_pending:  # a 2 MiB page was split on the way: its whole range goes
                    self.flush_mm(vm, proc, rec)
                elif fixed:
                    self.invlpg(vm, gva, rec)  # copy-on-write: the PTE changed (Linux flushes the page)
                if fixed:
                    return None
            if fault.kind is FaultKind.NOT_PRESENT:
                rec.append(GuestAction(GA.SEGV, None, "out of memory"))
            else:
                rec.append(GuestAction(GA.SEGV, None, f"{fault.kind.value} fault", fault=fault.kind))
            return fault

    def _shadow_miss(self, vm: "Vm", proc: "Process", gva: int, access: Access, key: int, rec: Record):
        """Shadow mode: the CPU's walk of the shadow tables failed — a #PF, which exits. The VMM
        walks the guest tables in software: a true guest fault is reflected, else (a hidden page
        fault) it fills the shadow entry from guest tables ∘ pmap."""
        m = self.m
        self._fault_invalidates(key, rec)
        sub = rec.fresh()
        with sub.episode(EpisodeKind.WALK, Walker.VMM, gva):
            g = walk(m.mem.q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.VMM, sub, m.costs.vmm_walk_ref,
                     table_to_ma=self._vmm_table_ma(vm, sub))
        if g.__class__ is Fault:
            with self.exit(ExitReason.GUEST_FAULT, gva, rec, g):
                rec.absorb(sub)
            return self.guest_fault(vm, proc, gva, g, rec)
        with self.exit(ExitReason.HIDDEN_FAULT, gva, rec):
            rec.absorb(sub)
            gppn = g.address >> PAGE_SHIFT
            mpn = self.vmm.back(vm, gppn, access is Access.WRITE, rec)
            # KVM protect_clean_gpte: a clean page is mapped read-only so the first write
            # exits and the VMM can set the guest's D bit; shared pages stay read-only too.
            writable = g.writable and g.dirty and vm.pmap.state[gppn] is PageState.PRIVATE
            tables = {r.level: r.table >> PAGE_SHIFT for r in sub if r.__class__ is WalkRef}
            m.shadow.fill(vm.name, vm.shadow_root, gva, tables, gppn, mpn, writable, g.executable, rec)
        return None

    def translate(self, vm: "Vm", proc: "Process", gva: int, access: Access, key: int, rec: Record):
        """A TLB miss. Returns the filled TlbEntry, None (fixed something: retry) or a Fault."""
        m = self.m
        mode = m.mode
        tag = key & ~GVPN_MASK
        if mode is Mode.NESTED:
            with rec.episode(EpisodeKind.WALK, Walker.CPU, gva):
                t, gppn = self.walk2d(vm, proc, gva, access, rec, tag)
            if t.__class__ is Fault:
                if t.stage is Stage.GUEST:
                    return self.guest_fault(vm, proc, gva, t, rec, key)
                with self.exit(ExitReason.EPT_VIOLATION, t.address, rec, t):
                    self.ept_violation_invalidates(vm, t.address, key, rec)
                    self.vmm.back(vm, t.address >> PAGE_SHIFT, access is Access.WRITE and not t.on_table, rec)
                return None
        elif mode is Mode.SHADOW:
            with rec.episode(EpisodeKind.WALK, Walker.CPU, gva):
                t = self.walk1d(vm.shadow_root << PAGE_SHIFT, gva, access, Stage.SHADOW, tag, rec)
            if t.__class__ is Fault:
                return self._shadow_miss(vm, proc, gva, access, key, rec)
            gppn = m.shadow.leaf_gppn[t.leaf_slot][1]
        else:
            with rec.episode(EpisodeKind.WALK, Walker.CPU, gva):
                t = self.walk1d(proc.cr3, gva, access, Stage.GUEST, tag, rec, self._vmm_table_ma(vm, rec))
            if t.__class__ is Fault:
                return self.guest_fault(vm, proc, gva, t, rec, key)
            gppn = t.address >> PAGE_SHIFT
            t = t._replace(address=(self.vmm.back(vm, gppn, access is Access.WRITE, rec) << PAGE_SHIFT)
                           | (gva & 0xFFF))
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        if t.level == 2:
            return self._fill_2m(vm, gva, key, entry, rec)
        evicted = m.tlb.insert(key, entry)
        rec.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                           None if evicted is None else evicted & GVPN_MASK))
        return entry

    def _fill_2m(self, vm: "Vm", gva: int, key: int, entry: TlbEntry, rec: Record) -> TlbEntry:
        """A translation 2 MiB in every dimension (native: the guest's 2 MiB leaf; shadow: a
        2 MiB shadow leaf; nested: a guest 2 MiB page backed by a 2 MiB EPT leaf) fills one
        2 MiB entry, which answers every 4 KiB page in it."""
        m = self.m
        off = (gva >> PAGE_SHIFT) & 0x1FF
        base_gppn = entry.gppn - off
        if m.mode is Mode.NATIVE:
            # the guest's 2 MiB page is contiguous in its physical memory; the model keeps each
            # 4 KiB part's frame in the pmap (the guest zeroed all 512 when it mapped the page)
            mpns = tuple(vm.pmap.mpn[base_gppn:base_gppn + 512])
            if NO_MPN in mpns:  # not expected; a 4 KiB entry then
                evicted = m.tlb.insert(key, entry)
                rec.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                                   None if evicted is None else evicted & GVPN_MASK))
                return entry
        else:  # a 2 MiB machine block (EPT 2 MiB leaf, or a 2 MiB shadow leaf)
            mpns = range(entry.mpn - off, entry.mpn - off + 512)
        large = TlbEntry(mpns[0], entry.writable, entry.dirty, entry.executable, base_gppn, True)
        evicted = m.tlb.insert_2m(key, large, mpns)
        rec.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                           None if evicted is None else evicted & GVPN_MASK, large=True))
        return entry._replace(large=True)

    def access(self, vm: "Vm", proc: "Process", gva: int, access: Access, value: int, rec: Record):
        """A guest access: TLB lookup, on a miss the mode's translation, retried after fixes."""
        m = self.m
        vpid = self.vpid_tag(vm)
        pcid = self.pcid_tag(proc)
        key = pcid << PCID_SHIFT | vpid << VPID_SHIFT | (gva >> PAGE_SHIFT)
        hit_cost = m.costs.tlb_hit
        for _ in range(MAX_RETRIES):
            e = m.tlb.lookup(key)
            if e is None:
                miss = TlbMiss.ABSENT
            elif access is Access.READ or (access is Access.EXEC and e.executable):
                miss = None
            elif access is Access.WRITE and e.writable:
                miss = None if e.dirty else TlbMiss.CLEAN
            else:
                miss = TlbMiss.DENIED
            rec.append(TlbLookup(miss is None, gva >> PAGE_SHIFT, vpid, pcid, hit_cost if miss is None else 0, miss))
            if miss is not None:
                e = self.translate(vm, proc, gva, access, key, rec)
                if e is None:
                    continue
                if e.__class__ is Fault:
                    return None, None, None
            slot = (e.mpn << 9) + ((gva & 0xFFF) >> 3)
            if access is Access.WRITE:
                m.mem.q[slot] = value
            else:
                value = m.mem.q[slot]
            gpa = (e.gppn << PAGE_SHIFT) | (gva & 0xFFF)
            ma = (e.mpn << PAGE_SHIFT) | (gva & 0xFFF)
            rec.append(DataAccess(access, gva, gpa, ma, value))
            return gpa, ma, value
        raise EngineError(f"engine error: the access to gVA 0x{gva:x} did not complete after {MAX_RETRIES} "
                          "fixes (a fault the engine fixes the same way again and again)")
