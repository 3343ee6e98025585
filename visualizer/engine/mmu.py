"""The memory-management unit per mode: an access through the TLB, the translation on a TLB
miss (native, shadow or two-dimensional nested walk), the guest faults and VM exits it causes,
and TLB maintenance (VM entry, CR3 load, INVLPG, invalidated shadow entries).

A mixin of :class:`~visualizer.engine.machine.Machine`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .events import (Access, DataAccess, ExitReason, Fault, FaultKind, FlushReason, FlushScope, GuestAction,
                     GuestActionKind as GA, GuestPageFault, PageState, ShadowRoot, ShadowZapReason, Stage,
                     TlbFill, TlbFlush, TlbLookup, VmExit, VmSwitch, WalkCacheHit, Walker, WalkRef)
from .memory import PAGE_SHIFT
from .ops import Mode
from .paging import EPT, X86, Translation, walk
from .pmap import NO_MPN
from .tlb import GVPN_MASK, PCID_SHIFT, VPID_SHIFT, TlbEntry, pwc_name

if TYPE_CHECKING:
    from .guest import Process
    from .machine import Vm

MAX_RETRIES = 16
"""An access that still faults after this many fixes is an engine error."""


class Mmu:
    """Machine mixin: accesses, translation per mode, TLB maintenance."""

    # -- tags --------------------------------------------------------------------------------
    def _vpid_tag(self, vm: "Vm") -> int:
        return vm.vpid if (self.config.vpid or self.mode is Mode.NATIVE) else 0

    def _pcid_tag(self, proc: "Process") -> int:
        return proc.pcid if self.config.pcid else 0

    def tlb_tag(self, vm: "Vm", proc: "Process") -> int:
        return self._pcid_tag(proc) << PCID_SHIFT | self._vpid_tag(vm) << VPID_SHIFT

    # -- exits and TLB maintenance -----------------------------------------------------------
    def _exit(self, reason: ExitReason, address: int, events: list, fault: Optional[Fault] = None) -> None:
        """The CPU leaves the guest for the VMM (and re-enters it when the VMM is done)."""
        events.append(VmExit(reason, address, self.costs.exit_total, fault))
        if not self.config.vpid:
            # SDM Vol. 3C "Caching Translation Information" (§29.4.3.1; §28.3.3.1 in older
            # editions): without VPID every VM exit and every VM entry invalidates the linear
            # and combined mappings. One record stands for both.
            events.append(TlbFlush(FlushScope.ALL, FlushReason.VM_EXIT_NO_VPID, self.tlb.flush_all()))

    def _invept(self, vm_names, events: list) -> None:
        """Nested mode: make removed or downgraded nested entries visible (INVEPT).

        Single-context drops every combined mapping of each VM's EPT root — other VMs' entries
        survive; all-context (KVM's remote flush, ``ept_sync_global``) drops them all. There is
        no INVEPT by guest-physical address."""
        if not vm_names:
            return
        caches = self.tlb.caches
        if caches.ntlb:  # guest-physical mappings go with INVEPT (single: that VM's EPTP)
            for vm in (self.vms.values() if self.config.invept == "all" else (self.vms[n] for n in vm_names)):
                caches.ntlb_drop(vm.vpid)
        if self.config.invept == "all":
            events.append(TlbFlush(FlushScope.ALL, FlushReason.INVEPT, self.tlb.flush_all()))
            return
        for name in sorted(vm_names):
            n = self.tlb.flush_vpid(self._vpid_tag(self.vms[name]))
            events.append(TlbFlush(FlushScope.VM, FlushReason.INVEPT, n, vm=name))

    def _flush_zapped(self, vm: "Vm", zapped: list, reason: FlushReason, events: list) -> None:
        if not zapped:
            return
        vpid = self._vpid_tag(vm)
        if all(level == 1 for _, level in zapped):
            n = sum(self.tlb.flush_page(vpid, gva >> PAGE_SHIFT) for gva, _ in zapped)
            events.append(TlbFlush(FlushScope.PAGE, reason, n))
        else:
            n = self.tlb.flush_vpid(vpid)
            events.append(TlbFlush(FlushScope.VM, reason, n))

    def _enter(self, vm: "Vm", events: list) -> None:
        prev = self.current_vm
        if prev is vm:
            return
        self.current_vm = vm
        if self.mode is Mode.NATIVE:
            return
        events.append(VmSwitch(prev.name if prev else None, vm.name, self.costs.vm_switch if prev else 0))
        if not self.config.vpid:
            events.append(TlbFlush(FlushScope.ALL, FlushReason.VM_SWITCH_NO_VPID, self.tlb.flush_all()))

    def _cr3_load(self, vm: "Vm", proc: "Process", events: list) -> None:
        events.append(GuestAction(GA.CR3_LOAD, proc.root_gppn, f"switch to {proc.name}", process=proc.name))
        vm.guest.current = proc
        if self.shadow is not None:
            self._exit(ExitReason.CR3_LOAD, proc.cr3, events)
            root, cached, evicted, freed = self.shadow.get_root(vm.name, proc.root_gppn)
            vm.shadow_root = root
            events.append(ShadowRoot(proc.cr3, root << PAGE_SHIFT, cached,
                                     None if evicted is None else evicted << PAGE_SHIFT))
            if evicted is not None and self.config.pcid:
                ev_proc = next((p for p in vm.guest.processes.values() if p.root_gppn == evicted), None)
                if ev_proc is not None:
                    n = self.tlb.flush_pcid(self._vpid_tag(vm), ev_proc.pcid)
                    events.append(TlbFlush(FlushScope.ADDRESS_SPACE, FlushReason.SHADOW_ROOT_EVICTED, n))
        if not self.config.pcid:
            n = self.tlb.flush_vpid(self._vpid_tag(vm))
            events.append(TlbFlush(FlushScope.ADDRESS_SPACE, FlushReason.CR3_NO_PCID, n))

    def _invlpg(self, vm: "Vm", gva: int, events: list) -> None:
        """The guest's INVLPG of ``gva`` (in its current address space)."""
        events.append(GuestAction(GA.INVLPG, None, f"gVA 0x{gva & ~0xFFF:x}", gva=gva & ~0xFFF))
        if self.shadow is not None:
            # it exits; the VMM drops the shadow entry and invalidates the address for the whole
            # VPID (KVM: kvm_mmu_invlpg, then INVVPID individual-address)
            self._exit(ExitReason.INVLPG, gva, events)
            self.shadow.zap_gva(vm.shadow_root, gva, ShadowZapReason.INVLPG, events)
            n = self.tlb.flush_page(self._vpid_tag(vm), gva >> PAGE_SHIFT)
        else:
            # the CPU executes it: the current PCID's entry goes (SDM §4.10.4.1)
            n = self.tlb.flush_page(self._vpid_tag(vm), gva >> PAGE_SHIFT, self._pcid_tag(vm.guest.current))
        events.append(TlbFlush(FlushScope.PAGE, FlushReason.INVLPG, n))

    def _flush_mm(self, vm: "Vm", proc: "Process", events: list) -> None:
        """The guest flushes the address space of ``proc`` (the current process) by reloading
        its CR3 without the PCID no-flush bit (Linux ``flush_tlb_mm`` → ``flush_tlb_local``):
        in shadow mode the CR3 load exits and the VMM finds the cached root."""
        events.append(GuestAction(GA.FLUSH_TLB_MM, proc.root_gppn, f"reload CR3 of {proc.name}",
                                  process=proc.name))
        vm.guest.split_pending = False
        if self.shadow is not None:
            self._exit(ExitReason.CR3_LOAD, proc.cr3, events)
            root, cached, _evicted, _freed = self.shadow.get_root(vm.name, proc.root_gppn)
            vm.shadow_root = root  # the current root: always cached (nothing evicted)
            events.append(ShadowRoot(proc.cr3, root << PAGE_SHIFT, cached))
        vpid = self._vpid_tag(vm)
        n = self.tlb.flush_pcid(vpid, proc.pcid) if self.config.pcid else self.tlb.flush_vpid(vpid)
        events.append(TlbFlush(FlushScope.ADDRESS_SPACE, FlushReason.ADDRESS_SPACE_FLUSH, n))

    # -- translation on a TLB miss, per mode --------------------------------------------------
    def _vmm_table_ma(self, vm: "Vm", events: list):
        """Guest-table gPA → MA for a walk by the VMM (or the native MMU): backs the page if needed."""
        def to_ma(gpa: int, level: int) -> int:
            gppn = gpa >> PAGE_SHIFT
            mpn = vm.pmap.mpn[gppn]
            if mpn == NO_MPN:
                mpn = self._vmm_fix(vm, gppn, False, events)
            return (mpn << PAGE_SHIFT) | (gpa & 0xFFF)
        return to_ma

    def _walk2d(self, vm: "Vm", proc: "Process", gva: int, access: Access, events: Optional[list],
                tag: int = 0, pending: Optional[list] = None):
        """The two-dimensional walk: every guest-table gPA and the final gPA through the EPT.

        With ``[mmu] pwc`` the guest dimension may start below a cached PML4E/PDPTE/PDE (keyed
        by the gVA and ``tag``); with ``[mmu] nested_tlb`` a gPA found in the nested TLB needs
        no nested walk. Both record a :class:`WalkCacheHit`. What the walk would cache is put
        in ``pending`` — the caller fills the caches only when the walk succeeds."""
        q = self.mem.q
        cost = self.costs.walk_ref
        ept_root = vm.ept_root << PAGE_SHIFT
        READ, NESTED, CPU = Access.READ, Stage.NESTED, Walker.CPU
        cfg = self.config
        caches = self.tlb.caches
        ntlb = cfg.nested_tlb
        vtag = vm.vpid
        nfills: list = []

        def nested(gpa: int, acc: Access):
            if ntlb:
                hit = caches.ntlb_lookup(vtag, gpa >> PAGE_SHIFT)
                if hit is not None and (acc is not Access.WRITE or hit[1]) and (acc is not Access.EXEC or hit[2]):
                    if events is not None:
                        events.append(WalkCacheHit(NESTED, "ntlb", hit[3], gpa, len(hit[3]), gva))
                    return Translation(hit[0] | (gpa & 0xFFF), hit[1], hit[2], True, 5 - len(hit[3]), -1)
            r = walk(q, ept_root, gpa, acc, EPT, NESTED, CPU, events, cost, user=False)
            if ntlb and r.__class__ is not Fault:
                nfills.append((gpa >> PAGE_SHIFT, (r[0] & ~0xFFF, r.writable, r.executable,
                                                   (4, 3, 2, 1)[:5 - r.level])))
            return r

        def to_ma(gpa: int, level: int):
            # every guest-table reference is itself translated by a walk of the nested tables
            r = nested(gpa, READ)
            if r.__class__ is Fault:
                return Fault(r.kind, NESTED, r.level, gpa, READ, True, table_level=level)
            return r[0]

        start, root, bits, fills = 4, proc.cr3, (-1, 0), None
        if cfg.pwc:
            fills = []
            hit = caches.pwc_lookup(tag, gva)
            if hit is not None:
                start, root, bits = hit[0] - 1, hit[1], (hit[2], hit[3])
                if events is not None:
                    skipped = tuple(range(4, start, -1))
                    events.append(WalkCacheHit(Stage.GUEST, pwc_name(hit[0]), skipped, root, 5 * len(skipped), gva))
        g = walk(q, root, gva, access, X86, Stage.GUEST, Walker.CPU, events, cost, table_to_ma=to_ma,
                 start=start, bits=bits, pwc_out=fills)
        if g.__class__ is Fault:
            return g, None
        n = nested(g.address, access)
        if n.__class__ is Fault:
            return n, None
        if pending is not None:
            pending.append((fills, nfills))
        elif fills or nfills:
            self._fill_caches(vm, tag, gva, fills, nfills)
        # the TLB entry covers the smaller of the guest page and its EPT backing
        return Translation(n.address, g.writable and n.writable, g.executable and n.executable,
                           g.dirty, 2 if g.level == 2 and n.level == 2 else 1, n.leaf_slot), g.address >> PAGE_SHIFT

    def _fill_caches(self, vm: "Vm", tag: int, gva: int, fills, nfills) -> None:
        caches = self.tlb.caches
        if fills:
            caches.pwc_fill(tag, gva, fills)
        if nfills:
            caches.ntlb_fill(vm.vpid, nfills)

    def _pwc_walk(self, root: int, gva: int, access: Access, stage: Stage, tag: int, events: Optional[list],
                  table_to_ma=None):
        """A one-dimensional CPU walk (shadow or native) through the paging-structure caches;
        fills them only when it succeeds."""
        caches = self.tlb.caches
        start, bits, fills = 4, (-1, 0), []
        hit = caches.pwc_lookup(tag, gva)
        if hit is not None:
            start, root, bits = hit[0] - 1, hit[1], (hit[2], hit[3])
            if events is not None:
                skipped = tuple(range(4, start, -1))
                events.append(WalkCacheHit(stage, pwc_name(hit[0]), skipped, root, len(skipped), gva))
        t = walk(self.mem.q, root, gva, access, X86, stage, Walker.CPU, events, self.costs.walk_ref,
                 table_to_ma=table_to_ma, start=start, bits=bits, pwc_out=fills)
        if t.__class__ is not Fault and fills:
            caches.pwc_fill(tag, gva, fills)
        return t

    def _guest_fault(self, vm: "Vm", proc: "Process", gva: int, fault: Fault, events: list) -> Optional[Fault]:
        """Deliver #PF to the guest. None: the handler fixed it (retry); else the access aborts."""
        events.append(GuestPageFault(gva, fault.kind, self.costs.guest_fault, fault.level))
        if fault.kind is FaultKind.NOT_PRESENT and \
                vm.guest.handle_not_present(proc, gva, events, fault.access is Access.EXEC):
            return None
        if fault.kind is FaultKind.WRITE_PROTECT:
            fixed = vm.guest.handle_write_protect(proc, gva, events)
            if vm.guest.split_pending:  # a 2 MiB page was split on the way: its whole range goes
                self._flush_mm(vm, proc, events)
            elif fixed:
                self._invlpg(vm, gva, events)  # copy-on-write: the PTE changed (Linux flushes the page)
            if fixed:
                return None
        if fault.kind is FaultKind.NOT_PRESENT:
            events.append(GuestAction(GA.SEGV, None, "out of memory"))
        else:
            events.append(GuestAction(GA.SEGV, None, f"{fault.kind.value} fault", fault=fault.kind))
        return fault

    def _translate(self, vm: "Vm", proc: "Process", gva: int, access: Access, key: int, events: list):
        """A TLB miss. Returns the filled TlbEntry, None (fixed something: retry) or a Fault."""
        q = self.mem.q
        cost = self.costs.walk_ref
        mode = self.mode
        if mode is Mode.NESTED:
            t, gppn = self._walk2d(vm, proc, gva, access, events, key & ~GVPN_MASK)
            if t.__class__ is Fault:
                if t.stage is Stage.GUEST:
                    return self._guest_fault(vm, proc, gva, t, events)
                self._exit(ExitReason.EPT_VIOLATION, t.address, events, t)
                if self.config.nested_tlb:
                    self.tlb.caches.ntlb_drop(vm.vpid, t.address >> PAGE_SHIFT)
                self._vmm_fix(vm, t.address >> PAGE_SHIFT, access is Access.WRITE and not t.on_table, events)
                return None
        elif mode is Mode.SHADOW:
            if self.config.pwc:
                t = self._pwc_walk(vm.shadow_root << PAGE_SHIFT, gva, access, Stage.SHADOW, key & ~GVPN_MASK, events)
            else:
                t = walk(q, vm.shadow_root << PAGE_SHIFT, gva, access, X86, Stage.SHADOW, Walker.CPU, events, cost)
            if t.__class__ is Fault:
                sub: list = []
                g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.VMM, sub, self.costs.vmm_walk_ref,
                         table_to_ma=self._vmm_table_ma(vm, sub))
                if g.__class__ is Fault:
                    self._exit(ExitReason.GUEST_FAULT, gva, events, g)
                    events.extend(sub)
                    return self._guest_fault(vm, proc, gva, g, events)
                self._exit(ExitReason.HIDDEN_FAULT, gva, events)
                events.extend(sub)
                gppn = g.address >> PAGE_SHIFT
                mpn = self._vmm_fix(vm, gppn, access is Access.WRITE, events)
                # KVM protect_clean_gpte: a clean page is mapped read-only so the first write
                # exits and the VMM can set the guest's D bit; shared pages stay read-only too.
                writable = g.writable and g.dirty and vm.pmap.state[gppn] is PageState.PRIVATE
                tables = {r.level: r.table >> PAGE_SHIFT for r in sub if r.__class__ is WalkRef}
                self.shadow.fill(vm.name, vm.shadow_root, gva, tables, gppn, mpn, writable, g.executable, events)
                return None
            gppn = self.shadow.leaf_gppn[t.leaf_slot][1]
        else:
            if self.config.pwc:
                t = self._pwc_walk(proc.cr3, gva, access, Stage.GUEST, key & ~GVPN_MASK, events,
                                   self._vmm_table_ma(vm, events))
            else:
                t = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, events, cost,
                         table_to_ma=self._vmm_table_ma(vm, events))
            if t.__class__ is Fault:
                return self._guest_fault(vm, proc, gva, t, events)
            gppn = t.address >> PAGE_SHIFT
            t = t._replace(address=(self._vmm_fix(vm, gppn, access is Access.WRITE, events) << PAGE_SHIFT)
                           | (gva & 0xFFF))
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        if t.level == 2:
            return self._fill_2m(vm, gva, key, entry, events)
        evicted = self.tlb.insert(key, entry)
        events.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                              None if evicted is None else evicted & GVPN_MASK))
        return entry

    def _fill_2m(self, vm: "Vm", gva: int, key: int, entry: TlbEntry, events: list) -> TlbEntry:
        """A translation 2 MiB in every dimension (native: the guest's 2 MiB leaf; shadow: a
        2 MiB shadow leaf; nested: a guest 2 MiB page backed by a 2 MiB EPT leaf) fills one
        2 MiB entry, which answers every 4 KiB page in it."""
        off = (gva >> PAGE_SHIFT) & 0x1FF
        base_gppn = entry.gppn - off
        if self.mode is Mode.NATIVE:
            # the guest's 2 MiB page is contiguous in its physical memory; the model keeps each
            # 4 KiB part's frame in the pmap (the guest zeroed all 512 when it mapped the page)
            mpns = tuple(vm.pmap.mpn[base_gppn:base_gppn + 512])
            if NO_MPN in mpns:  # not expected; a 4 KiB entry then
                evicted = self.tlb.insert(key, entry)
                events.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                                      None if evicted is None else evicted & GVPN_MASK))
                return entry
        else:  # a 2 MiB machine block (EPT 2 MiB leaf, or a 2 MiB shadow leaf)
            mpns = range(entry.mpn - off, entry.mpn - off + 512)
        large = TlbEntry(mpns[0], entry.writable, entry.dirty, entry.executable, base_gppn, True)
        evicted = self.tlb.insert_2m(key, large, mpns)
        events.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                              None if evicted is None else evicted & GVPN_MASK, large=True))
        return entry._replace(large=True)

    def _access(self, vm: "Vm", proc: "Process", gva: int, access: Access, value: int, events: list):
        """A guest access: TLB lookup, on a miss the mode's translation, retried after fixes."""
        vpid = self._vpid_tag(vm)
        pcid = self._pcid_tag(proc)
        key = pcid << PCID_SHIFT | vpid << VPID_SHIFT | (gva >> PAGE_SHIFT)
        for _ in range(MAX_RETRIES):
            e = self.tlb.lookup(key)
            hit = e is not None and (access is Access.READ or
                                     (access is Access.WRITE and e.writable and e.dirty) or
                                     (access is Access.EXEC and e.executable))
            events.append(TlbLookup(hit, gva >> PAGE_SHIFT, vpid, pcid, self.costs.tlb_hit if hit else 0))
            if not hit:
                e = self._translate(vm, proc, gva, access, key, events)
                if e is None:
                    continue
                if e.__class__ is Fault:
                    return None, None, None
            slot = (e.mpn << 9) + ((gva & 0xFFF) >> 3)
            if access is Access.WRITE:
                self.mem.q[slot] = value
            else:
                value = self.mem.q[slot]
            gpa = (e.gppn << PAGE_SHIFT) | (gva & 0xFFF)
            ma = (e.mpn << PAGE_SHIFT) | (gva & 0xFFF)
            events.append(DataAccess(access, gva, gpa, ma, value))
            return gpa, ma, value
        raise RuntimeError(f"engine error: access to 0x{gva:x} did not complete after {MAX_RETRIES} retries")
