"""The guest OS model: processes with x86-64 page tables in guest-physical memory.

The guest does what a simple Unix kernel does: demand-zero paging for user addresses (a
first touch faults; the #PF handler allocates intermediate tables and a frame, zeroes them and
writes the entries), plus explicit map, unmap, protect, context switch and INVLPG, and fork
with copy-on-write (Linux ``copy_present_pte``: the parent's PTEs are copied into the child
write-protected in both, each shared frame counts its PTEs; a write then takes a protection
#PF and the handler copies the page, or reuses it when it is the last sharer — Linux
``do_wp_page``) and exit (the whole address space torn down). Pages made read-only by
``protect`` are remembered per process (Linux keeps that in the VMA), so a write to them still
ends in SIGSEGV while a write to a copy-on-write page is fixed. It writes its
tables through :class:`GuestMemoryPort`, which the machine implements per mode — that is where
shadow mode's write protection and nested mode's EPT violations happen.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Optional, Protocol

from .events import GuestAction, GuestActionKind as GA, GuestNothing
from .memory import PAGE_SHIFT
from .paging import FRAME_MASK, NX, A, P, PS, RW, US, index_of
from .record import EpisodeKind, GuestWork

USER_PTE = P | RW | US
"""Rights the guest gives user pages and intermediate tables (data leaves add NX)."""
_USER_PML4E = 256
"""PML4 entries of the user half (gVAs below 0x800000000000)."""


class GuestMemoryPort(Protocol):
    def kernel_read(self, vm: "GuestOS", gpa: int, events: list) -> int: ...
    def kernel_write(self, vm: "GuestOS", gpa: int, value: int, events: list) -> None: ...
    def kernel_zero(self, vm: "GuestOS", gppn: int, events: list) -> None: ...
    def kernel_copy(self, vm: "GuestOS", src_gppn: int, dst_gppn: int, events: list) -> None: ...
    def kernel_page(self, vm: "GuestOS", gppn: int, events: list) -> bytes: ...
    def kernel_load(self, vm: "GuestOS", gppn: int, data: bytes, events: list) -> None: ...
    def invalidate_page(self, vm: "GuestOS", gva: int, events: list) -> None:
        """The guest's INVLPG of ``gva`` in its current address space."""
    def balloon_pinned(self, vm: "GuestOS", gppn: int, events: list) -> None:
        """The balloon driver hands the pinned frame ``gppn`` to the VMM."""
    def balloon_released(self, vm: "GuestOS", gppn: int, events: list) -> None:
        """The balloon driver takes the frame ``gppn`` back from the VMM."""

SWAP_PTE = 1 << 9
"""A not-present PTE with this software bit (AVL, ignored by the MMU when P = 0) holds a slot of the
guest's swap space in its frame bits — as Linux keeps a swap entry in a not-present PTE."""


@dataclass(slots=True)
class Process:
    name: str
    pcid: int
    """Process-context identifier (1…4095), used when the TLB has PCID tagging on."""
    root_gppn: int
    """gPPN of the process's PML4 (what the guest loads into CR3)."""

    @property
    def cr3(self) -> int:
        return self.root_gppn << PAGE_SHIFT


class GuestOS:
    """One VM's operating system: a frame allocator, the processes and their tables."""

    def __init__(self, vm_name: str, pages: int, port: GuestMemoryPort, costs, large_pages: bool = False):
        self.large_pages = large_pages
        """Map 2 MiB pages on demand where possible (Linux THP)."""
        self.vm_name = vm_name
        self.pages = pages
        self.port = port
        self.costs = costs
        self._free = list(range(pages))  # lowest frame first: gPA rows fill from 0
        heapq.heapify(self._free)
        self.pt_pages: set[int] = set()
        """gPPNs the guest uses as page tables."""
        self.processes: dict[str, Process] = {}
        self.current: Optional[Process] = None
        self.refs: dict[int, int] = {}
        """Frames mapped by more than one PTE (fork's copy-on-write sharing) → how many PTEs map
        them; a mapped frame that is absent has one (Linux: the page's mapcount)."""
        self.protected: dict[str, set[int]] = {}
        """Per process, the gVPNs made read-only by ``protect`` (Linux: a read-only VMA): a write
        there is a SIGSEGV, unlike a write to a page read-only for copy-on-write."""
        self.swap = False
        """The guest has swap space on a virtual disk (set where the host reclaims memory: the
        overcommitted machines of the reclamation lab); without it a guest out of frames kills
        the access."""
        self.balloon: set[int] = set()
        """Frames the balloon driver holds (pinned: the guest does not use them)."""
        self.disk: dict[int, tuple[bytes, int]] = {}
        """The guest's swap space on its virtual disk: slot → (page contents, PTE flags)."""
        self.disk_refs: dict[int, int] = {}
        """Slots named by more than one PTE (a fork copies swap entries) → how many."""
        self.next_slot = 1
        self.lru: dict[tuple[str, int], None] = {}
        """Mapped 4 KiB user pages (process, gVPN) in the order they were mapped: the page-out
        clock walks it oldest first, giving a page with the accessed flag set a second chance."""
        self.split_pending = False
        """A 2 MiB page was split since the last address-space flush: Linux's ``split_huge_pmd``
        flushes the whole 2 MiB range (``flush_tlb_range``; 512 pages is more than
        ``tlb_single_page_flush_ceiling``, so the whole address space), not one page — the
        caller flushes instead of an INVLPG."""

    def __copy__(self) -> "GuestOS":
        """An independent copy of the guest's state (the processes' records included)."""
        g = GuestOS.__new__(GuestOS)
        g.__dict__.update(self.__dict__)
        g._free = list(self._free)
        g.pt_pages = set(self.pt_pages)
        g.refs = dict(self.refs)
        g.protected = {k: set(v) for k, v in self.protected.items()}
        g.processes = {k: Process(p.name, p.pcid, p.root_gppn) for k, p in self.processes.items()}
        g.current = g.processes[self.current.name] if self.current is not None else None
        g.balloon = set(self.balloon)
        g.disk = dict(self.disk)
        g.disk_refs = dict(self.disk_refs)
        g.lru = dict(self.lru)
        return g

    # -- frames ------------------------------------------------------------------------------
    def alloc_frame(self) -> Optional[int]:
        return heapq.heappop(self._free) if self._free else None

    def free_frame(self, gppn: int) -> None:
        heapq.heappush(self._free, gppn)

    @property
    def free_frames(self) -> int:
        return len(self._free)

    def alloc_block(self) -> Optional[int]:
        """The lowest free, aligned 2 MiB block of guest-physical memory (its first gPPN), taken
        whole; None if there is none."""
        free = set(self._free)
        for b in range(self.pages >> 9):
            first = b << 9
            if all(first + i in free for i in range(512)):
                self._free = [g for g in self._free if g >> 9 != b]
                heapq.heapify(self._free)
                return first
        return None

    def _split(self, pde_gpa: int, e: int, events: list, gva: int = 0) -> Optional[int]:
        """Split the 2 MiB page of PD entry ``e`` (at ``pde_gpa``) into a page table of 512 PTEs
        with the same frames and rights (Linux ``split_huge_pmd``). Returns the table's gPPN."""
        with events.episode(EpisodeKind.GUEST_WORK, GuestWork.SPLIT_2M, gva & ~0x1FFFFF):
            new = self.take_frame(events)
            if new is None:
                events.append(GuestAction(GA.OUT_OF_MEMORY, None, "no free guest-physical page"))
                return None
            events.append(GuestAction(GA.ALLOC_TABLE, new, "level-1 table: splits a 2 MiB page"))
            self.split_pending = True
            self.pt_pages.add(new)
            self.port.kernel_zero(self, new, events)
            base = e & FRAME_MASK
            flags = e & ~FRAME_MASK & ~PS
            for i in range(512):
                self.port.kernel_write(self, (new << PAGE_SHIFT) + 8 * i, (base + (i << PAGE_SHIFT)) | flags, events)
            pde = (new << PAGE_SHIFT) | USER_PTE
            self.port.kernel_write(self, pde_gpa, pde, events)
            events.append(GuestAction(GA.SPLIT_LARGE, base >> PAGE_SHIFT,
                                      f"level 2 [{(pde_gpa & 0xFFF) >> 3}] = 0x{pde:x}: a table of 512 PTEs",
                                      gva=gva & ~0x1FFFFF, pages=512))
            return new

    # -- processes ---------------------------------------------------------------------------
    def create_process(self, name: str, events: list) -> Process:
        root = self.alloc_frame()
        if root is None:
            raise ValueError(f"VM '{self.vm_name}' has no guest-physical page left for process '{name}'")
        self.port.kernel_zero(self, root, events)
        self.pt_pages.add(root)
        proc = Process(name, len(self.processes) + 1, root)
        self.processes[name] = proc
        if self.current is None:
            self.current = proc
        return proc

    # -- page tables -------------------------------------------------------------------------
    def _leaf_slot(self, proc: Process, gva: int, events: list, split: bool = True) -> Optional[int]:
        """gPA of the PT entry for ``gva``, or None where an upper level is not present. A 2 MiB
        page on the way is split first (``split``), else its PD entry's gPA is returned."""
        table = proc.root_gppn << PAGE_SHIFT
        for level in (4, 3, 2):
            slot = table + 8 * index_of(gva, level)
            e = self.port.kernel_read(self, slot, events)
            if not e & P:
                return None
            if level == 2 and e & PS:
                if not split:
                    return slot
                new = self._split(slot, e, events, gva)
                if new is None:
                    return None
                e = new << PAGE_SHIFT
            table = e & FRAME_MASK
        return table + 8 * index_of(gva, 1)

    def _populate(self, proc: Process, gva: int, events: list, executable: bool = False) -> bool:
        """Build the missing tables and a zeroed frame for ``gva``. False: out of memory.

        Data pages are mapped no-execute (NX), as Linux maps heap and stack; a page first
        touched by an instruction fetch is mapped executable instead."""
        return self._build(proc, gva, events, executable, (4, 3, 2, 1)) is not None

    def _build(self, proc: Process, gva: int, events: list, executable: bool, levels) -> Optional[int]:
        """Allocate (zeroed, with their entries written) what is missing on the path of ``gva``
        at ``levels``; returns the gPA of the entry below the last level built through (the PT
        entry's slot after levels 4, 3, 2) — None: out of memory."""
        table = proc.root_gppn << PAGE_SHIFT
        for level in levels:
            slot = table + 8 * index_of(gva, level)
            e = self.port.kernel_read(self, slot, events)
            if not e & P and level == 2 and self.large_pages and levels[-1] == 1:
                first = self.alloc_block()
                if first is not None:  # THP: one 2 MiB page for the whole aligned region
                    base = gva & ~0x1FFFFF
                    events.append(GuestAction(GA.ALLOC_FRAME, first, f"2 MiB page for gVA 0x{base:x}", gva=base,
                                              pages=512))
                    for g in range(first, first + 512):
                        self.port.kernel_zero(self, g, events)
                    events.append(GuestAction(GA.ZERO_FRAME, first, "2 MiB", 512 * self.costs.page_zero, pages=512))
                    e = (first << PAGE_SHIFT) | USER_PTE | PS | (0 if executable else NX)
                    self.port.kernel_write(self, slot, e, events)
                    events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                              f"level 2 [{index_of(gva, 2)}] = 0x{e:x} (2 MiB page)"))
                    return slot
            if not e & P:
                new = self.take_frame(events, keep=proc if level > 1 else None)
                if new is None:
                    events.append(GuestAction(GA.OUT_OF_MEMORY, None, "no free guest-physical page"))
                    return None
                if level > 1:
                    events.append(GuestAction(GA.ALLOC_TABLE, new, f"level-{level - 1} table"))
                    self.pt_pages.add(new)
                else:
                    events.append(GuestAction(GA.ALLOC_FRAME, new, f"for gVA 0x{gva & ~0xFFF:x}", gva=gva & ~0xFFF))
                    self.lru[(proc.name, gva >> PAGE_SHIFT)] = None
                self.port.kernel_zero(self, new, events)
                events.append(GuestAction(GA.ZERO_FRAME, new, "", self.costs.page_zero))
                e = (new << PAGE_SHIFT) | USER_PTE | (NX if level == 1 and not executable else 0)
                self.port.kernel_write(self, slot, e, events)
                events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                          f"level {level} [{index_of(gva, level)}] = 0x{e:x}"))
            table = e & FRAME_MASK
        return table + 8 * index_of(gva, levels[-1] - 1) if levels[-1] > 1 else table

    def _present(self, table_gppn: int, events: list, limit: int = 512, swapped: bool = False):
        """(index, entry) of the present entries of a table (and, ``swapped``, of its swap
        entries), read one by one as the kernel does."""
        base = table_gppn << PAGE_SHIFT
        want = P | SWAP_PTE if swapped else P
        for i in range(limit):
            e = self.port.kernel_read(self, base + 8 * i, events)
            if e & want:
                yield i, e

    def _leaves(self, proc: Process, events: list):
        """(gVA, gPA of the leaf entry, entry, level) of every user leaf of ``proc``, in gVA order:
        PTEs (level 1; a swap entry too) and 2 MiB pages (level 2, a PD entry with PS)."""
        for i4, e4 in self._present(proc.root_gppn, events, _USER_PML4E):
            for i3, e3 in self._present((e4 & FRAME_MASK) >> PAGE_SHIFT, events):
                pd = e3 & FRAME_MASK
                for i2, e2 in self._present(pd >> PAGE_SHIFT, events):
                    base = (i4 << 39) | (i3 << 30) | (i2 << 21)
                    if e2 & PS:
                        yield base, pd + 8 * i2, e2, 2
                        continue
                    pt = e2 & FRAME_MASK
                    for i1, e1 in self._present(pt >> PAGE_SHIFT, events, swapped=True):
                        yield base | (i1 << 12), pt + 8 * i1, e1, 1

    def _unref(self, gppn: int) -> int:
        """Drop one PTE's reference to a frame; returns how many are left."""
        n = self.refs.get(gppn, 1) - 1
        if n > 1:
            self.refs[gppn] = n
        else:
            self.refs.pop(gppn, None)
        return n

    def handle_not_present(self, proc: Process, gva: int, events: list, executable: bool = False) -> bool:
        """The #PF handler for a not-present fault: demand-zero (an instruction fetch gets an
        executable page). True: retry the access."""
        slot = self._leaf_slot(proc, gva, events, split=False)
        if slot is not None:
            e = self.port.kernel_read(self, slot, events)
            if not e & P and e & SWAP_PTE:
                return self._swap_in(proc, gva, slot, e, events)
        with events.episode(EpisodeKind.GUEST_WORK, GuestWork.DEMAND_ZERO, gva & ~0xFFF):
            return self._populate(proc, gva, events, executable)

    # -- the guest's own paging: page-out to its virtual disk, swap-in on a #PF ------------------
    def take_frame(self, events, keep: Optional[Process] = None) -> Optional[int]:
        """A free frame, or — none left — one freed by paging out a page of the current process
        (what a guest short of memory does, as after its balloon inflated). None: nothing left
        to page out either."""
        f = self.alloc_frame()
        return f if f is not None or not self.swap else self._page_out(events)

    def _page_out(self, events) -> Optional[int]:
        """Page out the current process's least recently mapped page whose accessed flag is clear
        (a page with it set gets a second chance: the flag is cleared and the page goes to the
        back — the clock Linux's reclaim approximates); its frame is returned, not freed."""
        proc = self.current
        if proc is None:
            return None
        order = [k for k in self.lru if k[0] == proc.name]
        for pass_ in (0, 1):
            for key in order:
                gva = key[1] << PAGE_SHIFT
                slot = self._leaf_slot(proc, gva, events, split=False)
                e = self.port.kernel_read(self, slot, events) if slot is not None else 0
                if not e & P or e & PS or (slot is not None and (slot >> PAGE_SHIFT) not in self.pt_pages):
                    self.lru.pop(key, None)  # gone (unmapped, or now part of a 2 MiB page)
                    continue
                frame = (e & FRAME_MASK) >> PAGE_SHIFT
                if self.refs.get(frame, 1) > 1 or frame in self.pt_pages:
                    continue  # shared after fork: not this process's alone to page out
                if e & A and pass_ == 0:
                    self.port.kernel_write(self, slot, e & ~A, events)  # second chance
                    self.lru.pop(key)
                    self.lru[key] = None
                    continue
                with events.episode(EpisodeKind.GUEST_WORK, GuestWork.PAGE_OUT, gva):
                    n = self.next_slot
                    self.next_slot += 1
                    self.disk[n] = (self.port.kernel_page(self, frame, events), e & ~FRAME_MASK & ~A)
                    swap_pte = (n << PAGE_SHIFT) | SWAP_PTE
                    self.port.kernel_write(self, slot, swap_pte, events)
                    # the write goes out in the background (Linux writes swap asynchronously): what the
                    # guest waits for is reading a page back, as with the host's swapping
                    events.append(GuestAction(GA.SWAP_OUT, frame, f"gVA 0x{gva:x} → slot {n}", 0,
                                              gva=gva, process=proc.name))
                    self.lru.pop(key, None)
                    self.port.invalidate_page(self, gva, events)
                return frame
        return None

    def _swap_in(self, proc: Process, gva: int, slot: int, e: int, events) -> bool:
        with events.episode(EpisodeKind.GUEST_WORK, GuestWork.SWAP_IN, gva & ~0xFFF):
            frame = self.take_frame(events)
            if frame is None:
                events.append(GuestAction(GA.OUT_OF_MEMORY, None, "no free guest-physical page"))
                return False
            n = e >> PAGE_SHIFT
            data, flags = self.disk[n]
            self.port.kernel_load(self, frame, data, events)
            pte = (frame << PAGE_SHIFT) | (flags & ~SWAP_PTE) | P
            self.port.kernel_write(self, slot, pte, events)
            events.append(GuestAction(GA.SWAP_IN, frame, f"slot {n} → gVA 0x{gva & ~0xFFF:x}", self.costs.swap_in,
                                      gva=gva & ~0xFFF, process=proc.name))
            self._release_slot(n)
            self.lru[(proc.name, gva >> PAGE_SHIFT)] = None
            return True

    def _release_slot(self, n: int) -> None:
        left = self.disk_refs.get(n, 1) - 1
        if left > 0:
            if left > 1:
                self.disk_refs[n] = left
            else:
                self.disk_refs.pop(n, None)
            return
        self.disk_refs.pop(n, None)
        self.disk.pop(n, None)

    @property
    def swapped_pages(self) -> int:
        """Pages of the guest's processes now on its virtual disk (slots, each counted once)."""
        return len(self.disk)

    # -- the balloon driver ------------------------------------------------------------------
    def balloon_inflate(self, n: int, events) -> int:
        """Pin up to ``n`` frames for the VMM (a guest short of frames pages out its own pages to
        free them: the cost of ballooning shows up inside the guest). Returns how many."""
        done = 0
        with events.episode(EpisodeKind.GUEST_WORK, GuestWork.BALLOON):
            for _ in range(n):
                f = self.take_frame(events)
                if f is None:
                    break
                self.balloon.add(f)
                events.append(GuestAction(GA.BALLOON_INFLATE, f, "pinned for the VMM"))
                self.port.balloon_pinned(self, f, events)
                done += 1
        return done

    def balloon_deflate(self, n: int, events) -> int:
        """Give up to ``n`` pinned frames back to the guest's free list. Returns how many."""
        frames = sorted(self.balloon)[:n]
        if frames:
            with events.episode(EpisodeKind.GUEST_WORK, GuestWork.BALLOON):
                for f in frames:
                    self.balloon.remove(f)
                    events.append(GuestAction(GA.BALLOON_DEFLATE, f, "back to the guest"))
                    self.port.balloon_released(self, f, events)
                    self.free_frame(f)
        return len(frames)

    def handle_write_protect(self, proc: Process, gva: int, events: list) -> bool:
        """The #PF handler for a write to a read-only page (Linux ``do_wp_page``). A page made
        read-only by ``protect`` stays so (False: SIGSEGV). A copy-on-write page shared with
        another process gets a new frame with a copy of its contents (``wp_page_copy``); the
        last sharer just gets write access back (``wp_page_reuse``). A 2 MiB page (after fork)
        is made writable whole when no other process maps any of it, else split first and its
        4 KiB page copied (``do_huge_pmd_wp_page``). True: the PTE changed — the caller
        invalidates the page's TLB entry (INVLPG, or the whole address space after a split) and
        retries the access."""
        page = gva & ~0xFFF
        if gva >> PAGE_SHIFT in self.protected.get(proc.name, ()):
            return False
        with events.episode(EpisodeKind.GUEST_WORK, GuestWork.COPY_ON_WRITE, page):
            slot = self._leaf_slot(proc, gva, events, split=False)
            e = self.port.kernel_read(self, slot, events) if slot is not None else 0
            if e & P and e & PS and not e & RW:
                first = (e & FRAME_MASK) >> PAGE_SHIFT
                if all(self.refs.get(g, 1) <= 1 for g in range(first, first + 512)):
                    base = gva & ~0x1FFFFF
                    events.append(GuestAction(GA.REUSE_PAGE, first, f"2 MiB page at gVA 0x{base:x}: no other sharer",
                                              gva=base, pages=512))
                    self.port.kernel_write(self, slot, e | RW, events)
                    events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                              f"level 2 [{index_of(gva, 2)}] = 0x{e | RW:x}"))
                    return True
                slot = self._leaf_slot(proc, gva, events)  # split: the 4 KiB page is copied below
                e = self.port.kernel_read(self, slot, events) if slot is not None else 0
            if not e & P or e & RW:
                return False
            old = (e & FRAME_MASK) >> PAGE_SHIFT
            if self.refs.get(old, 1) > 1:
                new = self.take_frame(events)
                if new is None:
                    events.append(GuestAction(GA.OUT_OF_MEMORY, None, "no free guest-physical page"))
                    return False
                events.append(GuestAction(GA.ALLOC_FRAME, new, f"for gVA 0x{page:x}", gva=page))
                self.port.kernel_copy(self, old, new, events)
                events.append(GuestAction(GA.COPY_PAGE, new, f"copy of gPPN 0x{old:x}", self.costs.page_copy,
                                          gva=page))
                ne = (e & ~FRAME_MASK) | (new << PAGE_SHIFT) | RW
                self._unref(old)
            else:
                events.append(GuestAction(GA.REUSE_PAGE, old, f"gVA 0x{page:x}: no other sharer", gva=page))
                ne = e | RW
            self.port.kernel_write(self, slot, ne, events)
            events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT, f"level 1 [{index_of(gva, 1)}] = 0x{ne:x}"))
            return True

    def map(self, proc: Process, gva: int, events: list) -> None:
        slot = self._leaf_slot(proc, gva, events, split=False)
        if slot is not None and self.port.kernel_read(self, slot, events) & P:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "already mapped", why=GuestNothing.ALREADY_MAPPED))
            return
        self._populate(proc, gva, events)

    def unmap(self, proc: Process, gva: int, events: list) -> Optional[int]:
        """Clear the PTE. Returns the frame it mapped (None: nothing was mapped): the caller
        invalidates the TLB entry (INVLPG) and only then frees the frame with
        :meth:`release_frame` — Linux frees pages after the TLB flush, so no CPU can still
        reach a frame that has a new owner."""
        self.protected.get(proc.name, set()).discard(gva >> PAGE_SHIFT)  # munmap drops the VMA
        slot = self._leaf_slot(proc, gva, events)
        e = self.port.kernel_read(self, slot, events) if slot is not None else 0
        if not e & (P | SWAP_PTE):
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "not mapped", why=GuestNothing.NOT_MAPPED))
            return None
        self.port.kernel_write(self, slot, 0, events)
        events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT, f"level 1 [{index_of(gva, 1)}] = 0x0"))
        if not e & P:  # a swap entry: its slot goes, no frame (and nothing cached to invalidate)
            self._release_slot(e >> PAGE_SHIFT)
            return None
        self.lru.pop((proc.name, gva >> PAGE_SHIFT), None)
        return (e & FRAME_MASK) >> PAGE_SHIFT

    def release_frame(self, gppn: int, events: list) -> None:
        """Drop a cleared PTE's reference to its frame (after the TLB flush) and free the frame
        when no PTE maps it any more (a copy-on-write frame may still have sharers)."""
        if self._unref(gppn) > 0:
            return
        self.free_frame(gppn)
        events.append(GuestAction(GA.FREE_FRAME, gppn))

    def release_pages(self, freed: tuple[list[int], list[int]], events: list) -> None:
        """After :meth:`exit` and its TLB flush: release the data frames it unmapped (see
        :meth:`release_frame`) and free the page-table pages it emptied."""
        frames, tables = freed
        for g in frames:
            self.release_frame(g, events)
        for g in tables:
            self.pt_pages.discard(g)
            self.free_frame(g)
            events.append(GuestAction(GA.FREE_FRAME, g, "page table"))

    def protect(self, proc: Process, gva: int, events: list) -> bool:
        """Make the page read-only (clear R/W in its PTE, keeping A/D). True if it was mapped."""
        slot = self._leaf_slot(proc, gva, events)
        e = self.port.kernel_read(self, slot, events) if slot is not None else 0
        if not e & P and e & SWAP_PTE:
            # swapped out: the read-only right goes with the page when it comes back
            self.protected.setdefault(proc.name, set()).add(gva >> PAGE_SHIFT)
            n = e >> PAGE_SHIFT
            data, flags = self.disk[n]
            self.disk[n] = (data, flags & ~RW)
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "swapped out: read-only when it comes back",
                                      why=GuestNothing.SWAPPED_OUT))
            return False
        if not e & P:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "not mapped", why=GuestNothing.NOT_MAPPED))
            return False
        self.protected.setdefault(proc.name, set()).add(gva >> PAGE_SHIFT)  # a copy-on-write page too
        if not e & RW:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "already read-only", why=GuestNothing.ALREADY_READ_ONLY))
            return False
        self.port.kernel_write(self, slot, e & ~RW, events)
        events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                  f"level 1 [{index_of(gva, 1)}] = 0x{e & ~RW:x} (read-only)"))
        return True

    # -- fork and exit -----------------------------------------------------------------------
    def fork(self, parent: Process, child_name: Optional[str], events: list) -> bool:
        """Copy the parent's present user PTEs into ``child_name``'s tables (allocating them as
        needed), write-protected in both (Linux ``copy_present_pte``: R/W cleared, the other
        bits kept); each shared frame counts its PTEs. A child that already has an address
        space: nothing to do. True: the parent's PTEs may have changed — the caller flushes
        the parent's address space once (Linux ``flush_tlb_mm``)."""
        child = self.processes.get(child_name) if child_name else None
        if child is None:
            raise ValueError(f"fork: VM '{self.vm_name}' has no process '{child_name}'")
        if child is parent:
            raise ValueError(f"fork: process '{parent.name}' cannot be its own child")
        if next(self._present(child.root_gppn, events, _USER_PML4E), None) is not None:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, f"{child.name} already has an address space",
                                      why=GuestNothing.CHILD_NOT_EMPTY))
            return False
        events.append(GuestAction(GA.FORK, child.root_gppn, f"{parent.name} → {child.name}", process=child.name))
        protected = self.protected.get(parent.name, set())
        inherited = set()
        for gva, slot, e, level in self._leaves(parent, events):
            if not e & P:  # a swap entry: the child names the same slot (Linux copy_nonpresent_pte)
                cslot = self._build(child, gva, events, False, (4, 3, 2))
                if cslot is None:
                    break
                self.port.kernel_write(self, cslot, e, events)
                events.append(GuestAction(GA.WRITE_PTE, cslot >> PAGE_SHIFT,
                                          f"level 1 [{index_of(gva, 1)}] = 0x{e:x} (swap entry)", gva=gva,
                                          process=child.name))
                n = e >> PAGE_SHIFT
                self.disk_refs[n] = self.disk_refs.get(n, 1) + 1
                continue
            # Linux copy_present_pte / copy_huge_pmd: write-protect in the parent; the child's
            # entry is write-protected and old (accessed flag clear, pte_mkold / pmd_mkold)
            ro = e & ~RW
            note = " (copy-on-write)" if level == 1 else " (copy-on-write, 2 MiB page)"
            pages = 512 if level == 2 else 1
            if e & RW:
                self.port.kernel_write(self, slot, ro, events)
                events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                          f"level {level} [{index_of(gva, level)}] = 0x{ro:x}{note}", gva=gva,
                                          process=parent.name, pages=pages))
            cslot = self._build(child, gva, events, False, (4, 3, 2) if level == 1 else (4, 3))
            if cslot is None:
                break  # out of memory: the child keeps what was copied
            old = ro & ~A
            self.port.kernel_write(self, cslot, old, events)
            events.append(GuestAction(GA.WRITE_PTE, cslot >> PAGE_SHIFT,
                                      f"level {level} [{index_of(gva, level)}] = 0x{old:x}{note}", gva=gva,
                                      process=child.name, pages=pages))
            first = (e & FRAME_MASK) >> PAGE_SHIFT
            for gppn in range(first, first + (512 if level == 2 else 1)):
                self.refs[gppn] = self.refs.get(gppn, 1) + 1
            if level == 1:
                self.lru[(child.name, gva >> PAGE_SHIFT)] = None
            if level == 1 and gva >> PAGE_SHIFT in protected:
                inherited.add(gva >> PAGE_SHIFT)
        if inherited:
            self.protected[child.name] = inherited
        return True

    def exit(self, proc: Process, events: list) -> Optional[tuple[list[int], list[int]]]:
        """Tear down ``proc``'s address space: clear every user PTE and every table entry
        (bottom-up), keeping the PML4. Returns (data frames unmapped, table pages emptied) —
        the caller flushes the address space and only then releases them
        (:meth:`release_pages`); None: nothing was mapped."""
        if next(self._present(proc.root_gppn, events, _USER_PML4E), None) is None:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "nothing mapped", why=GuestNothing.NOTHING_MAPPED))
            self.protected.pop(proc.name, None)
            return None
        events.append(GuestAction(GA.EXIT, proc.root_gppn, f"tear down {proc.name}", process=proc.name))
        frames: list[int] = []
        tables: list[int] = []
        self._teardown(proc.root_gppn, 4, _USER_PML4E, frames, tables, events, proc.name)
        self.protected.pop(proc.name, None)
        return frames, tables

    def _teardown(self, table_gppn: int, level: int, limit: int, frames: list, tables: list, events: list,
                  proc: str = "", va: int = 0) -> None:
        base = table_gppn << PAGE_SHIFT
        for i, e in self._present(table_gppn, events, limit, swapped=level == 1):
            below = (e & FRAME_MASK) >> PAGE_SHIFT
            gva = va | (i << (12 + 9 * (level - 1)))
            if not e & P:
                self._release_slot(below)
            elif level == 2 and e & PS:
                frames.extend(range(below, below + 512))
            elif level > 1:
                self._teardown(below, level - 1, 512, frames, tables, events, proc, gva)
                tables.append(below)
            else:
                frames.append(below)
                self.lru.pop((proc, gva >> PAGE_SHIFT), None)
            self.port.kernel_write(self, base + 8 * i, 0, events)
            events.append(GuestAction(GA.WRITE_PTE, table_gppn, f"level {level} [{i}] = 0x0"))
