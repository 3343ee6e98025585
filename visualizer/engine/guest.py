"""The guest OS model: processes with x86-64 page tables in guest-physical memory.

The guest does what a simple Unix kernel does: demand-zero paging for user addresses (a
first touch faults; the #PF handler allocates intermediate tables and a frame, zeroes them and
writes the entries), plus explicit map, unmap, protect, context switch and INVLPG. It writes its
tables through :class:`GuestMemoryPort`, which the machine implements per mode — that is where
shadow mode's write protection and nested mode's EPT violations happen.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Optional, Protocol

from .events import GuestAction, GuestActionKind as GA, GuestNothing
from .memory import PAGE_SHIFT
from .paging import FRAME_MASK, NX, P, RW, US, index_of

USER_PTE = P | RW | US
"""Rights the guest gives user pages and intermediate tables (data leaves add NX)."""


class GuestMemoryPort(Protocol):
    def kernel_read(self, vm: "GuestOS", gpa: int, events: list) -> int: ...
    def kernel_write(self, vm: "GuestOS", gpa: int, value: int, events: list) -> None: ...
    def kernel_zero(self, vm: "GuestOS", gppn: int, events: list) -> None: ...


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

    def __init__(self, vm_name: str, pages: int, port: GuestMemoryPort, costs):
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

    # -- frames ------------------------------------------------------------------------------
    def alloc_frame(self) -> Optional[int]:
        return heapq.heappop(self._free) if self._free else None

    def free_frame(self, gppn: int) -> None:
        heapq.heappush(self._free, gppn)

    @property
    def free_frames(self) -> int:
        return len(self._free)

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
    def _leaf_slot(self, proc: Process, gva: int, events: list) -> Optional[int]:
        """gPA of the PT entry for ``gva``, or None where an upper level is not present."""
        table = proc.root_gppn << PAGE_SHIFT
        for level in (4, 3, 2):
            e = self.port.kernel_read(self, table + 8 * index_of(gva, level), events)
            if not e & P:
                return None
            table = e & FRAME_MASK
        return table + 8 * index_of(gva, 1)

    def _populate(self, proc: Process, gva: int, events: list, executable: bool = False) -> bool:
        """Build the missing tables and a zeroed frame for ``gva``. False: out of memory.

        Data pages are mapped no-execute (NX), as Linux maps heap and stack; a page first
        touched by an instruction fetch is mapped executable instead."""
        table = proc.root_gppn << PAGE_SHIFT
        for level in (4, 3, 2, 1):
            slot = table + 8 * index_of(gva, level)
            e = self.port.kernel_read(self, slot, events)
            if not e & P:
                new = self.alloc_frame()
                if new is None:
                    events.append(GuestAction(GA.OUT_OF_MEMORY, None, "no free guest-physical page"))
                    return False
                if level > 1:
                    events.append(GuestAction(GA.ALLOC_TABLE, new, f"level-{level - 1} table"))
                    self.pt_pages.add(new)
                else:
                    events.append(GuestAction(GA.ALLOC_FRAME, new, f"for gVA 0x{gva & ~0xFFF:x}", gva=gva & ~0xFFF))
                self.port.kernel_zero(self, new, events)
                events.append(GuestAction(GA.ZERO_FRAME, new, "", self.costs.page_zero))
                e = (new << PAGE_SHIFT) | USER_PTE | (NX if level == 1 and not executable else 0)
                self.port.kernel_write(self, slot, e, events)
                events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                          f"level {level} [{index_of(gva, level)}] = 0x{e:x}"))
            table = e & FRAME_MASK
        return True

    def handle_not_present(self, proc: Process, gva: int, events: list, executable: bool = False) -> bool:
        """The #PF handler for a not-present fault: demand-zero (an instruction fetch gets an
        executable page). True: retry the access."""
        return self._populate(proc, gva, events, executable)

    def map(self, proc: Process, gva: int, events: list) -> None:
        slot = self._leaf_slot(proc, gva, events)
        if slot is not None and self.port.kernel_read(self, slot, events) & P:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "already mapped", why=GuestNothing.ALREADY_MAPPED))
            return
        self._populate(proc, gva, events)

    def unmap(self, proc: Process, gva: int, events: list) -> bool:
        """Clear the PTE and free the frame. True if something was mapped (caller INVLPGs)."""
        slot = self._leaf_slot(proc, gva, events)
        e = self.port.kernel_read(self, slot, events) if slot is not None else 0
        if not e & P:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "not mapped", why=GuestNothing.NOT_MAPPED))
            return False
        self.port.kernel_write(self, slot, 0, events)
        events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT, f"level 1 [{index_of(gva, 1)}] = 0x0"))
        gppn = (e & FRAME_MASK) >> PAGE_SHIFT
        self.free_frame(gppn)
        events.append(GuestAction(GA.FREE_FRAME, gppn))
        return True

    def protect(self, proc: Process, gva: int, events: list) -> bool:
        """Make the page read-only (clear R/W in its PTE, keeping A/D). True if it was mapped."""
        slot = self._leaf_slot(proc, gva, events)
        e = self.port.kernel_read(self, slot, events) if slot is not None else 0
        if not e & P:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "not mapped", why=GuestNothing.NOT_MAPPED))
            return False
        if not e & RW:
            events.append(GuestAction(GA.NOTHING_TO_DO, None, "already read-only", why=GuestNothing.ALREADY_READ_ONLY))
            return False
        self.port.kernel_write(self, slot, e & ~RW, events)
        events.append(GuestAction(GA.WRITE_PTE, slot >> PAGE_SHIFT,
                                  f"level 1 [{index_of(gva, 1)}] = 0x{e & ~RW:x} (read-only)"))
        return True
