"""The VMM's policy for guest-physical memory: backing pages lazily, transparent page sharing
with copy-on-write, swapping — and propagating each pmap change to the MMU structures (nested
tables, shadow entries, the TLB).

A collaborator of :class:`~visualizer.engine.machine.Machine`: it works on the machine's
memories, pmaps and tables, never walks for the CPU, and asks the CPU (:class:`CpuPort`) for
what only the CPU does — leaving the guest, invalidating cached translations.
"""
from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Optional, Protocol

from .events import (EptUpdate, ExitReason, FlushReason, Note, PageState, PmapChange, PmapReason, Refusal,
                     ShadowZapReason)
from .memory import PAGE_SHIFT
from .paging import FRAME_MASK
from .pmap import SLOT_BYTES
from .ops import Mode, Op
from .record import Record

if TYPE_CHECKING:
    from .machine import Machine, Vm


class CpuPort(Protocol):
    """What the VMM needs from the CPU side (:class:`~visualizer.engine.mmu.Mmu`)."""

    def exit(self, reason: ExitReason, address: int, rec: Record, fault=None):
        """A context manager: the guest has left for the VMM until the block ends."""

    def ept_violation_invalidates(self, vm: "Vm", gpa: int, key: Optional[int], rec: Record) -> None: ...

    def invalidate_gvas(self, vm: "Vm", zapped: list, reason: FlushReason, rec: Record) -> None: ...

    def invept(self, vm_names, rec: Record) -> None: ...


class Vmm:
    """The VMM's pmap policy for one machine."""

    def __init__(self, machine: "Machine"):
        self.m = machine
        self.cpu: CpuPort = None  # type: ignore[assignment]  # set by the machine once both exist

    # -- guest-physical memory as the guest kernel touches it --------------------------------
    def resident(self, vm: "Vm", gppn: int, write: bool, rec: Record) -> int:
        """The MPN behind ``gppn`` for a guest kernel access; an unusable page exits first."""
        pm = vm.pmap
        st = pm.state[gppn]
        if st is PageState.PRIVATE or (st is PageState.SHARED and not write):
            return pm.mpn[gppn]
        mode = self.m.mode
        if mode is Mode.NATIVE:
            return self.back(vm, gppn, write, rec)
        reason = ExitReason.HIDDEN_FAULT if mode is Mode.SHADOW else ExitReason.EPT_VIOLATION
        with self.cpu.exit(reason, gppn << PAGE_SHIFT, rec):
            if mode is Mode.NESTED:
                self.cpu.ept_violation_invalidates(vm, gppn << PAGE_SHIFT, None, rec)
            return self.back(vm, gppn, write, rec)

    def back(self, vm: "Vm", gppn: int, write: bool, rec: Record) -> int:
        """Make ``gppn`` resident (and private, for a write); returns its MPN."""
        m = self.m
        pm = vm.pmap
        st = pm.state[gppn]
        virt = m.mode is not Mode.NATIVE
        if st is PageState.UNMAPPED and m.ept is not None and m.config.ept_large_pages and \
                self._back_large(vm, gppn, rec):
            pass
        elif st is PageState.UNMAPPED or st is PageState.BALLOONED:
            mpn = self.alloc_frame(vm, rec)
            pm.set(gppn, PageState.PRIVATE, mpn)
            rec.append(PmapChange(vm.name, gppn, PmapReason.BACK, st, PageState.PRIVATE, None, mpn,
                                  m.costs.page_zero if virt else 0))
            self._pmap_changed(vm, gppn, rec, stale=False)
        elif st is PageState.COMPRESSED:
            mpn = self.alloc_frame(vm, rec)
            slot, n = pm.zcache.pages.pop(gppn)
            ma = pm.zcache.ma_of(slot)
            m.mem.load_page(mpn, zlib.decompress(m.mem.image[ma:ma + n].tobytes()))
            self._free_slot(vm, slot)
            pm.set(gppn, PageState.PRIVATE, mpn)
            rec.append(PmapChange(vm.name, gppn, PmapReason.DECOMPRESS, st, PageState.PRIVATE, None, mpn,
                                  m.costs.decompress))
            self._pmap_changed(vm, gppn, rec, stale=False)
        elif st is PageState.SWAPPED:
            mpn = self.alloc_frame(vm, rec)
            m.mem.load_page(mpn, pm.swap.pop(gppn))
            pm.set(gppn, PageState.PRIVATE, mpn)
            rec.append(PmapChange(vm.name, gppn, PmapReason.SWAP_IN, st, PageState.PRIVATE, None, mpn,
                                  m.costs.swap_in))
            self._pmap_changed(vm, gppn, rec, stale=False)
        elif st is PageState.SHARED and write:
            self._break_share(vm, gppn, rec)
        return pm.mpn[gppn]

    def alloc_frame(self, vm: "Vm", rec: Record) -> int:
        """A machine page for ``vm``: where the host reclaims memory, it first makes sure there
        is one to take (in the low state the VM waits while the host reclaims)."""
        if self.m.reclaim is not None:
            self.m.reclaim.before_alloc(vm, rec)
        return self.m.mem.alloc()

    def _back_large(self, vm: "Vm", gppn: int, events: list) -> bool:
        """Nested mode, EPT large pages: back the whole 2 MiB block around ``gppn`` with one
        2 MiB machine page — if every page of the block is still unbacked and an aligned machine
        block is free (ESXi's default under a hardware MMU). False: back 4 KiB as usual."""
        pm = vm.pmap
        block = gppn >> 9
        first = block << 9
        if first + 512 > pm.pages or any(s is not PageState.UNMAPPED for s in pm.state[first:first + 512]) or \
                not self.m.ept.can_map_large(vm.name, block):
            return False
        base = self.m.mem.alloc_large()
        if base is None:
            return False
        for i in range(512):
            pm.set(first + i, PageState.PRIVATE, base + i)
        pm.large.add(block)
        events.append(PmapChange(vm.name, first, PmapReason.BACK, PageState.UNMAPPED, PageState.PRIVATE, None,
                                 base, self.m.costs.page_zero, pages=512))
        events.append(EptUpdate(first, self.m.ept.set_large_leaf(vm.name, block, base), pages=512))
        return True

    def _split_large(self, vm: "Vm", gppn: int, events: list) -> None:
        """A 4 KiB part of a 2 MiB backing changes (sharing, swap-out, copy-on-write): the EPT
        leaf is split into 512 4 KiB entries and the machine block into 512 frames."""
        block = gppn >> 9
        vm.pmap.large.discard(block)
        slot = self.m.ept._pd_slot(vm.name, block << 21)
        base = (self.m.mem.q[slot] & FRAME_MASK) >> PAGE_SHIFT
        self.m.ept.split(vm.name, block)
        self.m.mem.split_large(base)
        events.append(EptUpdate(block << 9, self.m.mem.q[slot], pages=512, split=True))

    def _unlarge(self, vm: "Vm", gppn: int, events: list) -> None:
        """Before a 4 KiB part of a 2 MiB backing changes on its own: split the backing."""
        if vm.pmap.large and gppn >> 9 in vm.pmap.large:
            self._split_large(vm, gppn, events)

    def _pmap_changed(self, vm: "Vm", gppn: int, events: list, stale: bool = True) -> bool:
        """Propagate a pmap change to the MMU structures. ``stale``: the change removed the
        machine page, replaced it, or took away write access, so translations cached from the
        old entry must go. Only adding or widening (backing, swap-in, unsharing the last page)
        needs nothing: a stale entry with fewer rights faults and is refilled.

        Returns whether the VM needs an INVEPT (nested mode), which the caller issues once per
        operation (:meth:`_invept`). In shadow mode the VMM knows the gVA of every shadow entry
        it drops and invalidates exactly those (INVVPID)."""
        st = vm.pmap.state[gppn]
        if self.m.ept is not None:
            self._unlarge(vm, gppn, events)
            e = self.m.ept.set_leaf(vm.name, gppn, vm.pmap.lookup(gppn), st is PageState.PRIVATE)
            events.append(EptUpdate(gppn, e))
            return stale
        if stale and self.m.shadow is not None:
            zapped = self.m.shadow.zap_gppn(vm.name, gppn, ShadowZapReason.PMAP_CHANGE, events)
            self.cpu.invalidate_gvas(vm, zapped, FlushReason.PMAP_CHANGE, events)
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
        new = self.alloc_frame(vm, events)
        self.m.mem.copy_page(old, new)
        self._unlarge(vm, gppn, events)
        pm.set(gppn, PageState.PRIVATE, new)
        events.append(PmapChange(vm.name, gppn, PmapReason.COW_BREAK, PageState.SHARED, PageState.PRIVATE,
                                 old, new, self.m.costs.page_copy))
        if self._pmap_changed(vm, gppn, events):
            self.cpu.invept((vm.name,), events)
        self._leave_share(old, (vm.name, gppn), events)

    def _leave_share(self, mpn: int, page: tuple[str, int], events: list) -> None:
        group = self.m.sharers[mpn]
        group.discard(page)
        if len(group) == 1:
            (ovm_name, ogppn), = group
            del self.m.sharers[mpn]
            ovm = self.m.vms[ovm_name]
            ovm.pmap.set(ogppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(ovm_name, ogppn, PmapReason.UNSHARE, PageState.SHARED,
                                     PageState.PRIVATE, mpn, mpn))
            self._pmap_changed(ovm, ogppn, events, stale=False)  # write access added: nothing stale
        elif not group:
            del self.m.sharers[mpn]
            self.m.mem.free(mpn)

    def _page_of(self, vm: "Vm", process: Optional[str], gva: Optional[int], gpa: Optional[int]) -> Optional[int]:
        """The gPPN an operation names: by gPA, or by a process's gVA (None: not mapped)."""
        if gpa is not None:
            return gpa >> PAGE_SHIFT
        proc = vm.guest.processes[process] if process else vm.guest.current
        r = self.m.views.guest_translate(vm.name, proc.name, gva)
        return None if r is None else r >> PAGE_SHIFT

    def share(self, op: Op, events: list) -> None:
        """Transparent page sharing: point two gPPNs with identical contents at one read-only
        machine page (Waldspurger, OSDI'02) and free the duplicate."""
        if self.m.mode is Mode.NATIVE:
            events.append(Note(Refusal.NO_VMM_SHARE))
            return
        a_vm, b_vm = self.m.vms[op.vm], self.m.vms[op.with_vm or op.vm]
        a = self._page_of(a_vm, op.process, op.gva, op.gpa)
        b = self._page_of(b_vm, op.with_process, op.with_gva, op.with_gpa)
        if a is None or b is None:
            events.append(Note(Refusal.SHARE_NOT_MAPPED))
            return
        pa, pb = a_vm.pmap, b_vm.pmap
        for v, g in ((a_vm, a), (b_vm, b)):
            if v.pmap.state[g] not in (PageState.PRIVATE, PageState.SHARED):
                events.append(Note(Refusal.SHARE_STATE, v.name, g, v.pmap.state[g]))
                return
            if g in v.guest.pt_pages:
                events.append(Note(Refusal.SHARE_PAGE_TABLE, v.name, g))
                return
        ma_, mb = pa.mpn[a], pb.mpn[b]
        if ma_ == mb:
            events.append(Note(Refusal.ALREADY_SHARED))
            return
        if not self.m.mem.pages_equal(ma_, mb):
            events.append(Note(Refusal.CONTENTS_DIFFER))
            return
        self.share_pages(a_vm, a, b_vm, b, events)

    def share_pages(self, a_vm: "Vm", a: int, b_vm: "Vm", b: int, events: list) -> int:
        """Point two resident gPPNs of identical contents (checked by the caller) at one read-only
        machine page and free the duplicate; returns the shared MPN."""
        pa, pb = a_vm.pmap, b_vm.pmap
        ma_, mb = pa.mpn[a], pb.mpn[b]
        if pb.state[b] is PageState.SHARED and pa.state[a] is not PageState.SHARED:
            # the private page joins the existing group (not the other way round)
            a_vm, a, b_vm, b, pa, pb, ma_, mb = b_vm, b, a_vm, a, pb, pa, mb, ma_
        group = self.m.sharers.setdefault(ma_, {(a_vm.name, a)})
        invept: set[str] = set()
        if pa.state[a] is not PageState.SHARED:
            self._unlarge(a_vm, a, events)
            pa.set(a, PageState.SHARED, ma_)
            events.append(PmapChange(a_vm.name, a, PmapReason.SHARE, PageState.PRIVATE, PageState.SHARED, ma_, ma_))
            if self._pmap_changed(a_vm, a, events):
                invept.add(a_vm.name)
        # every page on mb (b alone, or b's whole group) moves to ma_, and mb is freed
        for vname, g in sorted(self.m.sharers.pop(mb, {(b_vm.name, b)})):
            v = self.m.vms[vname]
            old_state = v.pmap.state[g]
            self._unlarge(v, g, events)
            v.pmap.set(g, PageState.SHARED, ma_)
            group.add((vname, g))
            events.append(PmapChange(vname, g, PmapReason.SHARE, old_state, PageState.SHARED, mb, ma_))
            if self._pmap_changed(v, g, events):
                invept.add(vname)
        self.cpu.invept(invept, events)
        self.m.mem.free(mb)
        return ma_

    # -- swapping ----------------------------------------------------------------------------
    def swap_out(self, op: Op, events: list) -> None:
        if self.m.mode is Mode.NATIVE:
            events.append(Note(Refusal.NO_VMM_SWAP))
            return
        vm = self.m.vms[op.vm]
        g = self._page_of(vm, op.process, op.gva, op.gpa)
        if g is None:
            events.append(Note(Refusal.SWAP_NOT_MAPPED))
            return
        st = vm.pmap.state[g]
        if st is not PageState.PRIVATE:
            events.append(Note(Refusal.SWAP_STATE, vm.name, g, st))
            return
        self.host_swap(vm, g, events)

    def host_swap(self, vm: "Vm", g: int, events: list, cost: int = 0) -> None:
        """Write a private page out to the VM's swap file and free its machine page."""
        st = vm.pmap.state[g]
        mpn = vm.pmap.mpn[g]
        vm.pmap.swap[g] = self.m.mem.page_bytes(mpn)
        self._unlarge(vm, g, events)
        vm.pmap.set(g, PageState.SWAPPED, None)
        events.append(PmapChange(vm.name, g, PmapReason.SWAP_OUT, st, PageState.SWAPPED, mpn, None, cost))
        if self._pmap_changed(vm, g, events):
            self.cpu.invept((vm.name,), events)
        self.m.mem.free(mpn)


    # -- reclamation primitives (the host's policy, reclaim.py, decides when) ----------------------
    def compress(self, vm: "Vm", g: int, events: list, cost: int = 0) -> bool:
        """Compress a private page into the VM's compression cache and free its machine page.
        False (nothing changed): it does not compress to 2 KiB, or the cache is full."""
        m = self.m
        pm = vm.pmap
        mpn = pm.mpn[g]
        z = zlib.compress(m.mem.page_bytes(mpn), 6)
        if len(z) > SLOT_BYTES:
            return False
        limit = vm.pmap.pages * m.config.reclaim.compression_cache_percent // 100  # frames
        cache = pm.zcache

        def frame():
            if len(cache.frames) >= limit or m.mem.free_count == 0:
                return None
            return m.mem.alloc()
        slot = cache.take_slot(frame)
        if slot is None:
            return False
        ma = cache.ma_of(slot)
        m.mem.image[ma:ma + len(z)] = memoryview(z)
        cache.pages[g] = (slot, len(z))
        self._unlarge(vm, g, events)
        st = pm.state[g]
        pm.set(g, PageState.COMPRESSED, None)
        events.append(PmapChange(vm.name, g, PmapReason.COMPRESS, st, PageState.COMPRESSED, mpn, None, cost))
        if self._pmap_changed(vm, g, events):
            self.cpu.invept((vm.name,), events)
        m.mem.free(mpn)
        return True

    def _free_slot(self, vm: "Vm", slot: int) -> None:
        cache = vm.pmap.zcache
        ma = cache.ma_of(slot)
        self.m.mem.image[ma:ma + SLOT_BYTES] = 0
        empty = cache.release_slot(slot)
        if empty is not None:
            self.m.mem.free(empty)

    def balloon_take(self, vm: "Vm", g: int, events: list) -> None:
        """The guest's balloon driver pinned ``g``: the VMM frees whatever holds its contents (the
        guest will not use the page)."""
        m = self.m
        pm = vm.pmap
        st = pm.state[g]
        old = pm.mpn[g]
        if st is PageState.SWAPPED:
            pm.swap.pop(g, None)
        elif st is PageState.COMPRESSED:
            self._free_slot(vm, pm.zcache.pages.pop(g)[0])
        self._unlarge(vm, g, events)
        pm.set(g, PageState.BALLOONED, None)
        events.append(PmapChange(vm.name, g, PmapReason.BALLOON, st, PageState.BALLOONED,
                                 None if old < 0 else old, None))
        if self._pmap_changed(vm, g, events, stale=st in (PageState.PRIVATE, PageState.SHARED)):
            self.cpu.invept((vm.name,), events)
        if st is PageState.PRIVATE:
            m.mem.free(old)
        elif st is PageState.SHARED:
            self._leave_share(old, (vm.name, g), events)

    def balloon_return(self, vm: "Vm", g: int, events: list) -> None:
        """The balloon deflated by ``g``: the guest may use it again (backed on its next touch)."""
        vm.pmap.set(g, PageState.UNMAPPED, None)
        events.append(PmapChange(vm.name, g, PmapReason.DEFLATE, PageState.BALLOONED, PageState.UNMAPPED, None, None))
