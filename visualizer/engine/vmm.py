"""The VMM's policy for guest-physical memory: backing pages lazily, transparent page sharing
with copy-on-write, swapping — and propagating each pmap change to the MMU structures (nested
tables, shadow entries, the TLB).

A mixin of :class:`~visualizer.engine.machine.Machine`: it works on the machine's memories,
pmaps and MMU structures, and never walks for the CPU.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .events import (EptUpdate, ExitReason, FlushReason, Note, PageState, PmapChange, PmapReason, Refusal,
                     ShadowZapReason)
from .memory import PAGE_SHIFT
from .paging import FRAME_MASK
from .ops import Mode, Op

if TYPE_CHECKING:
    from .machine import Vm


class VmmPolicy:
    """Machine mixin: the VMM's pmap policy."""

    # -- guest-physical memory as the guest kernel touches it --------------------------------
    def _resident(self, vm: "Vm", gppn: int, write: bool, events: list) -> int:
        """The MPN behind ``gppn`` for a guest kernel access; an unusable page exits first."""
        pm = vm.pmap
        st = pm.state[gppn]
        if st is PageState.PRIVATE or (st is PageState.SHARED and not write):
            return pm.mpn[gppn]
        if self.mode is Mode.SHADOW:
            self._exit(ExitReason.HIDDEN_FAULT, gppn << PAGE_SHIFT, events)
        elif self.mode is Mode.NESTED:
            self._exit(ExitReason.EPT_VIOLATION, gppn << PAGE_SHIFT, events)
        return self._vmm_fix(vm, gppn, write, events)

    def _vmm_fix(self, vm: "Vm", gppn: int, write: bool, events: list) -> int:
        """Make ``gppn`` resident (and private, for a write); returns its MPN."""
        pm = vm.pmap
        st = pm.state[gppn]
        virt = self.mode is not Mode.NATIVE
        if st is PageState.UNMAPPED and self.ept is not None and self.config.ept_large_pages and \
                self._back_large(vm, gppn, events):
            pass
        elif st is PageState.UNMAPPED:
            mpn = self.mem.alloc()
            pm.set(gppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(vm.name, gppn, PmapReason.BACK, st, PageState.PRIVATE, None, mpn,
                                     self.costs.page_zero if virt else 0))
            self._pmap_changed(vm, gppn, events, stale=False)
        elif st is PageState.SWAPPED:
            mpn = self.mem.alloc()
            self.mem.load_page(mpn, pm.swap.pop(gppn))
            pm.set(gppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(vm.name, gppn, PmapReason.SWAP_IN, st, PageState.PRIVATE, None, mpn,
                                     self.costs.swap_in))
            self._pmap_changed(vm, gppn, events, stale=False)
        elif st is PageState.SHARED and write:
            self._break_share(vm, gppn, events)
        return pm.mpn[gppn]

    def _back_large(self, vm: "Vm", gppn: int, events: list) -> bool:
        """Nested mode, EPT large pages: back the whole 2 MiB block around ``gppn`` with one
        2 MiB machine page — if every page of the block is still unbacked and an aligned machine
        block is free (ESXi's default under a hardware MMU). False: back 4 KiB as usual."""
        pm = vm.pmap
        block = gppn >> 9
        first = block << 9
        if first + 512 > pm.pages or any(s is not PageState.UNMAPPED for s in pm.state[first:first + 512]) or \
                not self.ept.can_map_large(vm.name, block):
            return False
        base = self.mem.alloc_large()
        if base is None:
            return False
        for i in range(512):
            pm.set(first + i, PageState.PRIVATE, base + i)
        pm.large.add(block)
        events.append(PmapChange(vm.name, gppn, PmapReason.BACK, PageState.UNMAPPED, PageState.PRIVATE, None,
                                 base + (gppn - first), self.costs.page_zero))
        events.append(EptUpdate(first, self.ept.set_large_leaf(vm.name, block, base)))
        return True

    def _split_large(self, vm: "Vm", gppn: int) -> None:
        """A 4 KiB part of a 2 MiB backing changes (sharing, swap-out, copy-on-write): the EPT
        leaf is split into 512 4 KiB entries and the machine block into 512 frames."""
        block = gppn >> 9
        vm.pmap.large.discard(block)
        base = (self.mem.q[self.ept._pd_slot(vm.name, block << 21)] & FRAME_MASK) >> PAGE_SHIFT
        self.ept.split(vm.name, block)
        self.mem.split_large(base)

    def _pmap_changed(self, vm: "Vm", gppn: int, events: list, stale: bool = True) -> bool:
        """Propagate a pmap change to the MMU structures. ``stale``: the change removed the
        machine page, replaced it, or took away write access, so translations cached from the
        old entry must go. Only adding or widening (backing, swap-in, unsharing the last page)
        needs nothing: a stale entry with fewer rights faults and is refilled.

        Returns whether the VM needs an INVEPT (nested mode), which the caller issues once per
        operation (:meth:`_invept`). In shadow mode the VMM knows the gVA of every shadow entry
        it drops and invalidates exactly those (INVVPID)."""
        st = vm.pmap.state[gppn]
        if self.ept is not None:
            if vm.pmap.large and gppn >> 9 in vm.pmap.large:
                self._split_large(vm, gppn)
            e = self.ept.set_leaf(vm.name, gppn, vm.pmap.lookup(gppn), st is PageState.PRIVATE)
            events.append(EptUpdate(gppn, e))
            return stale
        if stale and self.shadow is not None:
            zapped = self.shadow.zap_gppn(vm.name, gppn, ShadowZapReason.PMAP_CHANGE, events)
            self._flush_zapped(vm, zapped, FlushReason.PMAP_CHANGE, events)
        return False

    # -- transparent page sharing ------------------------------------------------------------
    def _break_share(self, vm: "Vm", gppn: int, events: list) -> None:
        """Copy-on-write: a write to a shared page gets a private copy (after an exit).

        The page gets another machine page, so cached translations of the old one must go:
        the EPT violation dropped those of the faulting linear address only, and another gVA
        mapping the same gPA could still reach the old page (KVM flushes whenever an entry's
        page frame changes)."""
        pm = vm.pmap
        old = pm.mpn[gppn]
        new = self.mem.alloc()
        self.mem.copy_page(old, new)
        pm.set(gppn, PageState.PRIVATE, new)
        events.append(PmapChange(vm.name, gppn, PmapReason.COW_BREAK, PageState.SHARED, PageState.PRIVATE,
                                 old, new, self.costs.page_copy))
        if self._pmap_changed(vm, gppn, events):
            self._invept((vm.name,), events)
        self._leave_share(old, (vm.name, gppn), events)

    def _leave_share(self, mpn: int, page: tuple[str, int], events: list) -> None:
        group = self.sharers[mpn]
        group.discard(page)
        if len(group) == 1:
            (ovm_name, ogppn), = group
            del self.sharers[mpn]
            ovm = self.vms[ovm_name]
            ovm.pmap.set(ogppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(ovm_name, ogppn, PmapReason.UNSHARE, PageState.SHARED,
                                     PageState.PRIVATE, mpn, mpn))
            self._pmap_changed(ovm, ogppn, events, stale=False)  # write access added: nothing stale
        elif not group:
            del self.sharers[mpn]
            self.mem.free(mpn)

    def _page_of(self, vm: "Vm", process: Optional[str], gva: Optional[int], gpa: Optional[int]) -> Optional[int]:
        """The gPPN an operation names: by gPA, or by a process's gVA (None: not mapped)."""
        if gpa is not None:
            return gpa >> PAGE_SHIFT
        proc = vm.guest.processes[process] if process else vm.guest.current
        r = self.views.guest_translate(vm.name, proc.name, gva)
        return None if r is None else r >> PAGE_SHIFT

    def share(self, op: Op, events: list) -> None:
        """Transparent page sharing: point two gPPNs with identical contents at one read-only
        machine page (Waldspurger, OSDI'02) and free the duplicate."""
        if self.mode is Mode.NATIVE:
            events.append(Note(Refusal.NO_VMM_SHARE))
            return
        a_vm, b_vm = self.vms[op.vm], self.vms[op.with_vm or op.vm]
        a = self._page_of(a_vm, op.process, op.gva, op.gpa)
        b = self._page_of(b_vm, op.with_process, op.with_gva, op.with_gpa)
        if a is None or b is None:
            events.append(Note(Refusal.SHARE_NOT_MAPPED))
            return
        pa, pb = a_vm.pmap, b_vm.pmap
        for v, g in ((a_vm, a), (b_vm, b)):
            if v.pmap.state[g] in (PageState.UNMAPPED, PageState.SWAPPED):
                events.append(Note(Refusal.SHARE_STATE, v.name, g, v.pmap.state[g]))
                return
            if g in v.guest.pt_pages:
                events.append(Note(Refusal.SHARE_PAGE_TABLE, v.name, g))
                return
        ma_, mb = pa.mpn[a], pb.mpn[b]
        if ma_ == mb:
            events.append(Note(Refusal.ALREADY_SHARED))
            return
        if not self.mem.pages_equal(ma_, mb):
            events.append(Note(Refusal.CONTENTS_DIFFER))
            return
        if pb.state[b] is PageState.SHARED and pa.state[a] is not PageState.SHARED:
            # the private page joins the existing group (not the other way round)
            a_vm, a, b_vm, b, pa, pb, ma_, mb = b_vm, b, a_vm, a, pb, pa, mb, ma_
        group = self.sharers.setdefault(ma_, {(a_vm.name, a)})
        invept: set[str] = set()
        if pa.state[a] is not PageState.SHARED:
            pa.set(a, PageState.SHARED, ma_)
            events.append(PmapChange(a_vm.name, a, PmapReason.SHARE, PageState.PRIVATE, PageState.SHARED, ma_, ma_))
            if self._pmap_changed(a_vm, a, events):
                invept.add(a_vm.name)
        # every page on mb (b alone, or b's whole group) moves to ma_, and mb is freed
        for vname, g in sorted(self.sharers.pop(mb, {(b_vm.name, b)})):
            v = self.vms[vname]
            old_state = v.pmap.state[g]
            v.pmap.set(g, PageState.SHARED, ma_)
            group.add((vname, g))
            events.append(PmapChange(vname, g, PmapReason.SHARE, old_state, PageState.SHARED, mb, ma_))
            if self._pmap_changed(v, g, events):
                invept.add(vname)
        self._invept(invept, events)
        self.mem.free(mb)

    # -- swapping ----------------------------------------------------------------------------
    def swap_out(self, op: Op, events: list) -> None:
        if self.mode is Mode.NATIVE:
            events.append(Note(Refusal.NO_VMM_SWAP))
            return
        vm = self.vms[op.vm]
        g = self._page_of(vm, op.process, op.gva, op.gpa)
        if g is None:
            events.append(Note(Refusal.SWAP_NOT_MAPPED))
            return
        st = vm.pmap.state[g]
        if st is not PageState.PRIVATE:
            events.append(Note(Refusal.SWAP_STATE, vm.name, g, st))
            return
        mpn = vm.pmap.mpn[g]
        vm.pmap.swap[g] = self.mem.page_bytes(mpn)
        vm.pmap.set(g, PageState.SWAPPED, None)
        events.append(PmapChange(vm.name, g, PmapReason.SWAP_OUT, st, PageState.SWAPPED, mpn, None))
        if self._pmap_changed(vm, g, events):
            self._invept((vm.name,), events)
        self.mem.free(mpn)

