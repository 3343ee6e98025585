"""Nested page tables (Intel EPT format): per VM, gPA → MA, in machine memory.

A leaf is present exactly when the pmap has a machine page for the gPPN; a shared page's leaf
lacks W, so a write to it is an EPT violation that the VMM answers with copy-on-write. EPT
accessed/dirty flags are left disabled (EPTP bit 6 clear), as the walk then needs no writes.
"""
from __future__ import annotations

from typing import Optional

from .memory import PAGE_SHIFT, MachineMemory
from .paging import EPT, EPT_MT_WB, EPT_PS, EPT_R, EPT_W, EPT_X, FRAME_MASK, index_of

EPT_TABLE = EPT_R | EPT_W | EPT_X
"""Upper-level EPT entries allow everything; the leaf decides."""


class NestedTables:
    def __init__(self, mem: MachineMemory):
        self.mem = mem
        self.roots: dict[str, int] = {}
        self.table_pages: dict[str, set[int]] = {}

    def copy_onto(self, mem: MachineMemory) -> "NestedTables":
        c = NestedTables(mem)
        c.roots = dict(self.roots)
        c.table_pages = {k: set(v) for k, v in self.table_pages.items()}
        return c

    def create(self, vm: str) -> int:
        root = self.mem.alloc(vmm=True)
        self.roots[vm] = root
        self.table_pages[vm] = {root}
        return root

    def set_leaf(self, vm: str, gppn: int, mpn: Optional[int], writable: bool) -> int:
        """Point gPPN at ``mpn`` (None: not present). Returns the leaf entry written."""
        q = self.mem.q
        table = self.roots[vm]
        gpa = gppn << PAGE_SHIFT
        for level in (4, 3, 2):
            slot = (table << 9) + index_of(gpa, level)
            e = q[slot]
            if not e & EPT.present:
                if mpn is None:
                    return 0
                child = self.mem.alloc(vmm=True)
                self.table_pages[vm].add(child)
                e = (child << PAGE_SHIFT) | EPT_TABLE
                q[slot] = e
            table = (e & FRAME_MASK) >> PAGE_SHIFT
        e = 0 if mpn is None else (mpn << PAGE_SHIFT) | EPT_R | EPT_X | (EPT_W if writable else 0) | EPT_MT_WB
        q[(table << 9) + index_of(gpa, 1)] = e
        return e

    def _pd_slot(self, vm: str, gpa: int) -> int:
        """Slot of the EPT PD entry for ``gpa`` (building the PML4E/PDPTE path)."""
        q = self.mem.q
        table = self.roots[vm]
        for level in (4, 3):
            slot = (table << 9) + index_of(gpa, level)
            e = q[slot]
            if not e & EPT.present:
                child = self.mem.alloc(vmm=True)
                self.table_pages[vm].add(child)
                e = (child << PAGE_SHIFT) | EPT_TABLE
                q[slot] = e
            table = (e & FRAME_MASK) >> PAGE_SHIFT
        return (table << 9) + index_of(gpa, 2)

    def can_map_large(self, vm: str, block: int) -> bool:
        """No EPT page table exists yet under the PD entry of this 2 MiB block."""
        q = self.mem.q
        table = self.roots[vm]
        gpa = block << 21
        for level in (4, 3):
            e = q[(table << 9) + index_of(gpa, level)]
            if not e & EPT.present:
                return True
            table = (e & FRAME_MASK) >> PAGE_SHIFT
        return not q[(table << 9) + index_of(gpa, 2)] & EPT.present

    def set_large_leaf(self, vm: str, block: int, base_mpn: int) -> int:
        """Map the 2 MiB block ``block`` (gPPN >> 9) to the machine block at ``base_mpn`` with one
        EPT PD entry (PS set). Returns the entry."""
        e = (base_mpn << PAGE_SHIFT) | EPT_R | EPT_W | EPT_X | EPT_MT_WB | EPT_PS
        self.mem.q[self._pd_slot(vm, block << 21)] = e
        return e

    def split(self, vm: str, block: int) -> int:
        """Replace a 2 MiB EPT leaf by a page table of 512 entries with the same translations
        and rights. Returns the new table's MPN."""
        q = self.mem.q
        slot = self._pd_slot(vm, block << 21)
        e = q[slot]
        pt = self.mem.alloc(vmm=True)
        self.table_pages[vm].add(pt)
        base = e & FRAME_MASK
        rights = e & (EPT_R | EPT_W | EPT_X | EPT_MT_WB)
        for i in range(512):
            q[(pt << 9) + i] = (base + (i << PAGE_SHIFT)) | rights
        q[slot] = (pt << PAGE_SHIFT) | EPT_TABLE
        return pt

    def page_count(self) -> int:
        return sum(len(s) for s in self.table_pages.values())
