"""The memory-management unit per mode: an access through the TLB, the translation on a TLB
miss (native, shadow or two-dimensional nested walk), the guest faults and VM exits it causes,
and TLB maintenance (VM entry, CR3 load, INVLPG, invalidated shadow entries).

A mixin of :class:`~visualizer.engine.machine.Machine`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .events import (Access, DataAccess, ExitReason, Fault, FaultKind, FlushReason, FlushScope, GuestAction,
                     GuestActionKind as GA, GuestPageFault, PageState, ShadowRoot, ShadowZapReason, Stage,
                     TlbFill, TlbFlush, TlbLookup, VmExit, VmSwitch, Walker, WalkRef)
from .memory import PAGE_SHIFT
from .ops import Mode
from .paging import EPT, X86, Translation, walk
from .pmap import NO_MPN
from .tlb import GVPN_MASK, PCID_SHIFT, VPID_SHIFT, TlbEntry

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

    # -- TLB maintenance ---------------------------------------------------------------------
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
            events.append(VmExit(ExitReason.CR3_LOAD, proc.cr3, self.costs.exit_total))
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
        events.append(GuestAction(GA.INVLPG, None, f"gVA 0x{gva & ~0xFFF:x}", gva=gva & ~0xFFF))
        if self.shadow is not None:
            events.append(VmExit(ExitReason.INVLPG, gva, self.costs.exit_total))
            self.shadow.zap_gva(vm.shadow_root, gva, ShadowZapReason.INVLPG, events)
        n = self.tlb.flush_page(self._vpid_tag(vm), gva >> PAGE_SHIFT)
        events.append(TlbFlush(FlushScope.PAGE, FlushReason.INVLPG, n))

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

    def _walk2d(self, vm: "Vm", proc: "Process", gva: int, access: Access, events: list):
        """The two-dimensional walk: every guest-table gPA and the final gPA through the EPT."""
        q = self.mem.q
        cost = self.costs.walk_ref
        ept_root = vm.ept_root << PAGE_SHIFT
        READ, NESTED, CPU = Access.READ, Stage.NESTED, Walker.CPU

        def to_ma(gpa: int, level: int):
            # every guest-table reference is itself translated by a walk of the nested tables
            r = walk(q, ept_root, gpa, READ, EPT, NESTED, CPU, events, cost, user=False)
            if r.__class__ is Fault:
                return Fault(r.kind, NESTED, r.level, gpa, READ, True)
            return r[0]

        g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, events, cost, table_to_ma=to_ma)
        if g.__class__ is Fault:
            return g, None
        n = walk(q, ept_root, g.address, access, EPT, NESTED, CPU, events, cost, user=False)
        if n.__class__ is Fault:
            return n, None
        return Translation(n.address, g.writable and n.writable, g.executable and n.executable,
                           g.dirty, g.level, n.leaf_slot), g.address >> PAGE_SHIFT

    def _guest_fault(self, vm: "Vm", proc: "Process", gva: int, fault: Fault, events: list) -> Optional[Fault]:
        """Deliver #PF to the guest. None: the handler fixed it (retry); else the access aborts."""
        events.append(GuestPageFault(gva, fault.kind, self.costs.guest_fault))
        if fault.kind is FaultKind.NOT_PRESENT and \
                vm.guest.handle_not_present(proc, gva, events, fault.access is Access.EXEC):
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
            t, gppn = self._walk2d(vm, proc, gva, access, events)
            if t.__class__ is Fault:
                if t.stage is Stage.GUEST:
                    return self._guest_fault(vm, proc, gva, t, events)
                events.append(VmExit(ExitReason.EPT_VIOLATION, t.address, self.costs.exit_total))
                self._vmm_fix(vm, t.address >> PAGE_SHIFT, access is Access.WRITE and not t.on_table, events)
                return None
        elif mode is Mode.SHADOW:
            t = walk(q, vm.shadow_root << PAGE_SHIFT, gva, access, X86, Stage.SHADOW, Walker.CPU, events, cost)
            if t.__class__ is Fault:
                sub: list = []
                g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.VMM, sub, cost,
                         table_to_ma=self._vmm_table_ma(vm, sub))
                if g.__class__ is Fault:
                    events.append(VmExit(ExitReason.GUEST_FAULT, gva, self.costs.exit_total))
                    events.extend(sub)
                    return self._guest_fault(vm, proc, gva, g, events)
                events.append(VmExit(ExitReason.HIDDEN_FAULT, gva, self.costs.exit_total))
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
            t = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, events, cost,
                     table_to_ma=self._vmm_table_ma(vm, events))
            if t.__class__ is Fault:
                return self._guest_fault(vm, proc, gva, t, events)
            gppn = t.address >> PAGE_SHIFT
            t = t._replace(address=(self._vmm_fix(vm, gppn, access is Access.WRITE, events) << PAGE_SHIFT)
                           | (gva & 0xFFF))
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        evicted = self.tlb.insert(key, entry)
        events.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                              None if evicted is None else evicted & GVPN_MASK))
        return entry

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
