"""Read-only views of a machine, for renderers, checks and dumps.

Nothing here changes the machine: walks are made without A/D updates or records. A renderer
asks these questions instead of reading memories and walking tables itself
(python-chess: ``chess.svg.board`` asks the board).
"""
from __future__ import annotations

import zlib

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from .events import Access, Fault, FaultKind, PageState, Stage
from .memory import PAGE_SHIFT, PAGE_SIZE
from .ops import Mode
from .paging import EPT, EPT_PS, FRAME_MASK, X86, peek
from .pmap import NO_MPN

if TYPE_CHECKING:
    from .machine import Machine

_UNBACKED = Fault(FaultKind.NOT_PRESENT, Stage.GUEST, 0, 0, Access.READ)


@dataclass(frozen=True, slots=True)
class ProcessView:
    name: str
    pcid: int
    root_gppn: int
    """gPPN of the process's PML4 (its guest CR3)."""


@dataclass(frozen=True, slots=True)
class VmView:
    name: str
    index: int
    pages: int
    """Guest-physical memory in pages."""
    state: tuple
    """pmap state of every gPPN."""
    mpn: tuple
    """pmap machine page of every gPPN (:data:`~visualizer.engine.pmap.NO_MPN`: none)."""
    processes: tuple
    """:class:`ProcessView` s in PCID order."""
    current: Optional[str]
    """The process whose CR3 is loaded."""


@dataclass(frozen=True, slots=True)
class TablePage:
    """A page of the VMM's own tables in machine memory."""

    kind: str
    """"spt" (shadow) or "ept" (nested)."""
    vm: str
    level: int
    """4 = PML4 … 1 = PT."""


class Views:
    """Read-only questions about one machine's state."""

    def __init__(self, machine: "Machine"):
        self._m = machine

    # -- VMs and guest-physical memory -------------------------------------------------------
    def vms(self) -> list[VmView]:
        out = []
        for vm in self._m.vms.values():
            procs = sorted(vm.guest.processes.values(), key=lambda p: p.pcid)
            out.append(VmView(vm.name, vm.index, vm.pmap.pages, tuple(vm.pmap.state), tuple(vm.pmap.mpn),
                              tuple(ProcessView(p.name, p.pcid, p.root_gppn) for p in procs),
                              vm.guest.current.name if vm.guest.current else None))
        return out

    def current_process(self, vm: str) -> Optional[str]:
        """The process whose CR3 ``vm`` has loaded (None: no such VM, or none)."""
        v = self._m.vms.get(vm)
        return v.guest.current.name if v is not None and v.guest.current is not None else None

    def page_state(self, vm: str, gppn: int) -> PageState:
        return self._m.vms[vm].pmap.state[gppn]

    def gpa_to_ma(self, vm: str, gpa: int) -> Optional[int]:
        """gPA → MA by the pmap (None: no machine page backs it)."""
        m = self._m.vms[vm].pmap.lookup(gpa >> PAGE_SHIFT)
        return None if m is None else (m << PAGE_SHIFT) | (gpa & 0xFFF)

    def vmm_mpn(self, vm: str, gppn: int) -> Optional[int]:
        """The machine page the VMM's mapping gives ``gppn`` as the CPU would use it: the nested
        tables' leaf in nested mode, the pmap otherwise (None: none)."""
        m = self._m
        if m.mode is Mode.NESTED and m.ept is not None:
            r = peek(m.mem.q, m.ept.roots[vm] << PAGE_SHIFT, gppn << PAGE_SHIFT, EPT)
            return None if r is None else r >> PAGE_SHIFT
        return m.vms[vm].pmap.lookup(gppn)

    def ept_large_blocks(self, vm: str) -> frozenset[int]:
        """The 2 MiB blocks (gPPN >> 9) of ``vm`` that the EPT maps with one 2 MiB leaf (nested
        mode with ``[nested] large_pages``; empty otherwise)."""
        m = self._m
        return frozenset(m.vms[vm].pmap.large) if m.mode is Mode.NESTED else frozenset()

    def table_entries(self, vm: str, gppn: int) -> np.ndarray:
        """The 512 entries of guest-physical page ``gppn`` (backed, swapped, or all zero)."""
        pm = self._m.vms[vm].pmap
        mpn = pm.mpn[gppn]
        if mpn != NO_MPN:
            return self._m.mem.image.view(np.uint64)[mpn * 512:(mpn + 1) * 512]
        data = pm.swap.get(gppn)
        if data is None and gppn in pm.zcache.pages:
            data = self.compressed_page(vm, gppn)
        if data is not None:
            return np.frombuffer(data, dtype="<u8")
        return np.zeros(512, dtype=np.uint64)

    def guest_image(self, vm: str) -> np.ndarray:
        """The VM's guest-physical memory as one contiguous, zero-based numpy image."""
        pm = self._m.vms[vm].pmap
        img = np.zeros(pm.pages * PAGE_SIZE, dtype=np.uint8)
        mimg = self._m.mem.image
        for g, mpn in enumerate(pm.mpn):
            if mpn != NO_MPN:
                img[g * PAGE_SIZE:(g + 1) * PAGE_SIZE] = mimg[mpn * PAGE_SIZE:(mpn + 1) * PAGE_SIZE]
        for g, data in pm.swap.items():
            img[g * PAGE_SIZE:(g + 1) * PAGE_SIZE] = np.frombuffer(data, dtype=np.uint8)
        for g in pm.zcache.pages:
            img[g * PAGE_SIZE:(g + 1) * PAGE_SIZE] = np.frombuffer(self.compressed_page(vm, g), dtype=np.uint8)
        return img

    def compression_cache(self, vm: str) -> dict[int, tuple[int, ...]]:
        """The machine frames of ``vm``'s compression cache: MPN → the gPPNs compressed into it
        (two 2 KiB slots a frame; a frame with both slots free has gone back to the host)."""
        zc = self._m.vms[vm].pmap.zcache
        out: dict[int, list[int]] = {mpn: [] for mpn in zc.frames.values()}
        for g, (slot, _n) in sorted(zc.pages.items()):
            out[zc.frames[slot // 2]].append(g)
        return {mpn: tuple(gs) for mpn, gs in sorted(out.items())}

    def compressed_page(self, vm: str, gppn: int) -> bytes:
        """The contents of a compressed page, decompressed from its slot in machine memory."""
        pm = self._m.vms[vm].pmap
        slot, n = pm.zcache.pages[gppn]
        ma = pm.zcache.ma_of(slot)
        return zlib.decompress(self._m.mem.image[ma:ma + n].tobytes())

    # -- the guest's page tables -------------------------------------------------------------
    def guest_translate(self, vm: str, process: str, gva: int) -> Optional[int]:
        """gVA → gPA by the guest's tables, without touching anything (None: not mapped)."""
        v = self._m.vms[vm]
        proc = v.guest.processes[process]
        mpns = v.pmap.mpn

        def to_ma(gpa: int, level: int):
            mpn = mpns[gpa >> PAGE_SHIFT]
            return _UNBACKED if mpn == NO_MPN else (mpn << PAGE_SHIFT) | (gpa & 0xFFF)
        if mpns[proc.root_gppn] == NO_MPN:
            return self._translate_image(vm, proc.cr3, gva)
        r = peek(self._m.mem.q, proc.cr3, gva, X86, to_ma)
        if r is None and any(v.pmap.state[g] in (PageState.SWAPPED, PageState.COMPRESSED) for g in v.guest.pt_pages):
            return self._translate_image(vm, proc.cr3, gva)  # a table page is swapped out or compressed
        return r

    def _translate_image(self, vm: str, cr3: int, gva: int) -> Optional[int]:
        return peek(memoryview(self.guest_image(vm)).cast("Q"), cr3, gva, X86)

    def guest_tables(self, vm: str, process: str) -> tuple[list[tuple[int, int, int]], dict[int, int]]:
        """(gvpn, gppn, pte) of every present leaf of a process in gVA order, and the level of
        each of its table pages (gPPN → 4 … 1). Swapped table pages are read from swap."""
        v = self._m.vms[vm]
        pages = v.pmap.pages
        leaves: list[tuple[int, int, int]] = []
        levels: dict[int, int] = {}

        def rec(gppn: int, level: int, base: int) -> None:
            if gppn >= pages or gppn in levels:
                return
            levels[gppn] = level
            entries = self.table_entries(vm, gppn)
            for idx in np.flatnonzero(entries & np.uint64(X86.present)).tolist():
                e = int(entries[idx])
                va = base | (idx << (3 + 9 * level))
                target = (e & FRAME_MASK) >> PAGE_SHIFT
                if level == 1 or (level < 4 and e & X86.large):
                    leaves.append((va >> PAGE_SHIFT, target, e))
                else:
                    rec(target, level - 1, va)
        rec(v.guest.processes[process].root_gppn, 4, 0)
        leaves.sort()
        return leaves, levels

    def guest_mappings(self, vm: str, process: str) -> list[tuple[int, int, int]]:
        """(gvpn, gppn, pte) for every present leaf of a process, in gVA order."""
        return self.guest_tables(vm, process)[0]

    def guest_swapped(self, vm: str, process: str) -> list[tuple[int, int]]:
        """(gvpn, slot) of every page of a process that its guest has paged out to its virtual disk
        (a not-present PTE holding a swap entry, :data:`~visualizer.engine.guest.SWAP_PTE`), in gVA
        order. Empty where the guest has nothing on its disk."""
        from .guest import SWAP_PTE
        v = self._m.vms[vm]
        if not v.guest.disk:
            return []
        pages = v.pmap.pages
        out: list[tuple[int, int]] = []
        seen: set[int] = set()
        present, large, swap = np.uint64(X86.present), np.uint64(X86.large), np.uint64(SWAP_PTE)

        def rec(gppn: int, level: int, base: int) -> None:
            if gppn >= pages or gppn in seen:
                return
            seen.add(gppn)
            entries = self.table_entries(vm, gppn)
            if level == 1:
                for idx in np.flatnonzero(((entries & present) == 0) & ((entries & swap) != 0)).tolist():
                    out.append(((base | (idx << 12)) >> PAGE_SHIFT, int(entries[idx]) >> PAGE_SHIFT))
                return
            for idx in np.flatnonzero((entries & present) != 0).tolist():
                e = int(entries[idx])
                if not e & int(large):
                    rec((e & FRAME_MASK) >> PAGE_SHIFT, level - 1, base | (idx << (3 + 9 * level)))
        rec(v.guest.processes[process].root_gppn, 4, 0)
        return sorted(out)

    def guest_pt_pages(self, vm: str) -> frozenset[int]:
        """gPPNs the guest uses as page tables."""
        return frozenset(self._m.vms[vm].guest.pt_pages)

    # -- the VMM's tables ----------------------------------------------------------------------
    def write_protected(self, vm: str) -> frozenset[int]:
        """Guest page-table pages the VMM write-protects because shadow pages mirror them."""
        sh = self._m.shadow
        return frozenset(sh.tracked(vm)) if sh is not None else frozenset()

    def shadow_leaves(self, vm: str) -> list[tuple[Optional[str], int, int, int]]:
        """(process, gVA, MPN, entry) for every present shadow leaf of ``vm``; the process is the
        one whose guest CR3 the leaf's shadow root mirrors (None if no process has it now)."""
        m = self._m
        if m.shadow is None:
            return []
        by_root = {p.root_gppn: p.name for p in m.vms[vm].guest.processes.values()}
        out = []
        for root, gva, _gppn, entry in m.shadow.leaves(vm):
            desc = m.shadow.pages.get(root)
            out.append((by_root.get(desc.gpt_gppn) if desc is not None else None, gva,
                        (entry & FRAME_MASK) >> PAGE_SHIFT, entry))
        return out

    def table_pages(self) -> dict[int, TablePage]:
        """MPN → what it is, for every page of the VMM's shadow and nested tables."""
        m = self._m
        out: dict[int, TablePage] = {}
        if m.shadow is not None:
            out.update({mpn: TablePage("spt", d.vm, d.level) for mpn, d in m.shadow.pages.items()})
        if m.ept is not None:
            img = m.mem.image.view(np.uint64)
            for vm_name, root in sorted(m.ept.roots.items()):
                stack = [(root, 4)]
                while stack:
                    mpn, level = stack.pop()
                    out[mpn] = TablePage("ept", vm_name, level)
                    if level > 1:
                        entries = img[mpn * 512:(mpn + 1) * 512]
                        for idx in np.flatnonzero(entries & np.uint64(EPT.present)).tolist():
                            e = int(entries[idx])
                            if e & EPT_PS:  # a 2 MiB leaf maps data, not a table
                                continue
                            stack.append(((e & FRAME_MASK) >> PAGE_SHIFT, level - 1))
        return out

    # -- machine memory ------------------------------------------------------------------------
    def first_word(self, mpn: int) -> int:
        """The first non-zero 8-byte word of a machine page: a hint of its content (0: all zero)."""
        page = self._m.mem.image.view(np.uint64)[mpn * 512:(mpn + 1) * 512]
        nz = np.flatnonzero(page)
        return int(page[nz[0]]) if len(nz) else 0

    def frames(self) -> tuple[int, int]:
        """(machine frames in use, machine frames in all)."""
        mem = self._m.mem
        return mem.frames - mem.free_count, mem.frames

    def frames_in_use(self) -> dict[str, int]:
        """Machine frames by use (for the conservation check: these + free = total)."""
        m = self._m
        data = set()
        for vm in m.vms.values():
            data.update(mpn for mpn in vm.pmap.mpn if mpn != NO_MPN)
        return {"guest": len(data),
                "shadow": m.shadow.page_count() if m.shadow else 0,
                "nested": m.ept.page_count() if m.ept else 0,
                "zcache": sum(len(vm.pmap.zcache.frames) for vm in m.vms.values()),
                "free": m.mem.free_count, "total": m.mem.frames}

    def page_counts(self, vm: str) -> dict[str, int]:
        """A VM's guest-physical pages by where their contents are (each page in exactly one
        state), and its guest's pages on its own virtual disk (``guest_swapped``: pages of its
        processes, not guest-physical pages)."""
        v = self._m.vms[vm]
        st = v.pmap.state
        return {"private": st.count(PageState.PRIVATE), "shared": st.count(PageState.SHARED),
                "ballooned": st.count(PageState.BALLOONED), "compressed": st.count(PageState.COMPRESSED),
                "swapped": st.count(PageState.SWAPPED), "guest_swapped": len(v.guest.disk),
                "unbacked": st.count(PageState.UNMAPPED)}

    def host_state(self):
        """(state, free pages of the guest-backing pool, minFree) where the host reclaims, else None."""
        r = self._m.reclaim
        return None if r is None else (r.state, self._m.mem.guest_free, r.min_free)

    def tlb_entries(self) -> list[tuple[int, Optional[str], Optional[str], int, int, int, object]]:
        """Every valid TLB entry as (set, VM, process, vpid tag, pcid tag, gvpn, entry), by set
        then LRU age (oldest first). VM and process are named from the tags (None where a tag is
        0 because tagging is off)."""
        m = self._m
        by_vpid = {vm.vpid: vm for vm in m.vms.values()}
        out = []
        for s, vpid, pcid, gvpn, e in m.tlb.contents():
            vm = by_vpid.get(vpid)
            proc = next((p.name for p in vm.guest.processes.values() if p.pcid == pcid), None) if vm else None
            out.append((s, vm.name if vm else None, proc, vpid, pcid, gvpn, e))
        return out
