"""Shadow page tables: the VMM's gVA → MA tables in machine memory (software MMU).

Each shadow table page mirrors one guest table page (KVM: ``kvm_mmu_page.gfn``); ``mirrors``
maps a guest page-table page to the shadow pages built from it. A guest page with a mirror is
*tracked*: it is write-protected, so a guest write to it exits and lands in :meth:`on_gpt_write`.
``rmap`` maps a guest-physical page to the shadow leaf entries pointing at its machine page, so
a pmap change (sharing, copy-on-write, swapping) can drop exactly those (KVM's rmap).
Coherence policy: on a guest PTE write the affected shadow entries are *invalidated* (not
updated in place); the next access refills them through a hidden fault.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from .events import ShadowFill, ShadowInvalidate, ShadowZapReason
from .memory import PAGE_SHIFT, MachineMemory
from .paging import FRAME_MASK, NX, P, RW, US, index_of

_SPAN_SHIFT = {4: 39, 3: 30, 2: 21, 1: 12}


@dataclass(slots=True)
class SptPage:
    """What one shadow table page is."""

    vm: str
    level: int
    va_base: int
    """The first gVA this table covers."""
    gpt_gppn: int
    """The guest table page it mirrors."""
    root: int
    """MPN of the shadow root it hangs under."""


class ShadowTables:
    journal = None
    """Where the bulk kernel mirrors :attr:`leaf_gppn`: the set of leaf slots changed since it
    last looked (:mod:`.kernel`); None otherwise."""

    def __init__(self, mem: MachineMemory, root_cache: int = 4):
        if root_cache < 1:
            raise ValueError("the shadow root cache needs room for at least one root")
        self.mem = mem
        self.root_cache = root_cache
        self.pages: dict[int, SptPage] = {}
        self.mirrors: dict[tuple[str, int], set[int]] = {}
        self.rmap: dict[tuple[str, int], set[int]] = {}
        self.leaf_gppn: dict[int, tuple[str, int]] = {}
        """Leaf slot (index into the machine image's 64-bit view) → (vm, gppn) it maps."""
        self.roots: dict[str, OrderedDict[int, int]] = {}
        """Per VM: guest CR3 gPPN → shadow root MPN, least recently used first."""

    def __deepcopy__(self, memo):
        raise TypeError("copy ShadowTables through Machine.clone()")

    def copy_onto(self, mem: MachineMemory) -> "ShadowTables":
        c = ShadowTables.__new__(ShadowTables)
        c.mem, c.root_cache = mem, self.root_cache
        c.pages = {k: SptPage(v.vm, v.level, v.va_base, v.gpt_gppn, v.root) for k, v in self.pages.items()}
        c.mirrors = {k: set(v) for k, v in self.mirrors.items()}
        c.rmap = {k: set(v) for k, v in self.rmap.items()}
        c.leaf_gppn = dict(self.leaf_gppn)
        c.roots = {k: OrderedDict(v) for k, v in self.roots.items()}
        return c

    # -- queries -----------------------------------------------------------------------------
    def is_tracked(self, vm: str, gppn: int) -> bool:
        return (vm, gppn) in self.mirrors

    def tracked(self, vm: str) -> list[int]:
        return sorted(g for (v, g) in self.mirrors if v == vm)

    def leaves(self, vm: str) -> list[tuple[int, int, int, int]]:
        """(root MPN, gVA, gPPN, entry) for every present shadow leaf of ``vm``."""
        out = []
        for slot, (v, gppn) in self.leaf_gppn.items():
            if v != vm:
                continue
            desc = self.pages[slot >> 9]
            gva = desc.va_base + ((slot & 511) << 12)
            out.append((desc.root, gva, gppn, self.mem.q[slot]))
        return sorted(out)

    # -- roots -------------------------------------------------------------------------------
    def get_root(self, vm: str, cr3_gppn: int) -> tuple[int, bool, int | None, int]:
        """The shadow root for a guest CR3: (root MPN, found in cache, evicted guest CR3 gPPN,
        tables freed by the eviction)."""
        cache = self.roots.setdefault(vm, OrderedDict())
        if cr3_gppn in cache:
            cache.move_to_end(cr3_gppn)
            return cache[cr3_gppn], True, None, 0
        evicted, freed = None, 0
        if len(cache) >= self.root_cache:
            evicted, old_root = cache.popitem(last=False)
            freed = self._free_tree(old_root)
        root = self._new_page(SptPage(vm, 4, 0, cr3_gppn, -1))
        self.pages[root].root = root
        cache[cr3_gppn] = root
        return root, False, evicted, freed

    def _new_page(self, desc: SptPage) -> int:
        mpn = self.mem.alloc(vmm=True)  # the VMM's own pool
        self.pages[mpn] = desc
        if desc.gpt_gppn is not None:  # a direct page mirrors no guest table
            self.mirrors.setdefault((desc.vm, desc.gpt_gppn), set()).add(mpn)
        return mpn

    # -- fill --------------------------------------------------------------------------------
    def fill(self, vm: str, root: int, gva: int, gpt_gppns: dict[int, int], gppn: int, mpn: int,
             writable: bool, executable: bool, events: list) -> int:
        """Build the shadow path for ``gva`` and write its leaf; returns the leaf entry.

        ``gpt_gppns[level]`` is the guest table page at each level of the guest walk; under a
        guest 2 MiB page there is no guest page table: the shadow maps its 4 KiB parts with a
        *direct* shadow page table that mirrors no guest table (KVM's ``role.direct``). Upper
        shadow entries are permissive (P|RW|US): the rights live in the leaf, which gets the
        guest's combined rights narrowed further by the VMM (clean or shared pages read-only).
        """
        q = self.mem.q
        table = root
        for level in (4, 3, 2):
            idx = index_of(gva, level)
            slot = (table << 9) + idx
            e = q[slot]
            if not e & P:
                parent = self.pages[table]
                child = self._new_page(SptPage(vm, level - 1,
                                               parent.va_base + (idx << _SPAN_SHIFT[level]),
                                               gpt_gppns.get(level - 1), root))
                e = (child << PAGE_SHIFT) | P | RW | US
                q[slot] = e
                events.append(ShadowFill(gva, level, table << PAGE_SHIFT, idx, e))
            table = (e & FRAME_MASK) >> PAGE_SHIFT
        idx = index_of(gva, 1)
        slot = (table << 9) + idx
        old = self.leaf_gppn.pop(slot, None)
        if old is not None:
            self._rmap_remove(old, slot)
        e = (mpn << PAGE_SHIFT) | P | US | (RW if writable else 0) | (0 if executable else NX)
        q[slot] = e
        self.leaf_gppn[slot] = (vm, gppn)
        if self.journal is not None:
            self.journal.add(slot)
        self.rmap.setdefault((vm, gppn), set()).add(slot)
        events.append(ShadowFill(gva, 1, table << PAGE_SHIFT, idx, e))
        return e

    # -- invalidation ------------------------------------------------------------------------
    def _rmap_remove(self, key: tuple[str, int], slot: int) -> None:
        s = self.rmap.get(key)
        if s is not None:
            s.discard(slot)
            if not s:
                del self.rmap[key]

    def _free_tree(self, mpn: int) -> int:
        """Free a shadow table page and everything below it; returns pages freed."""
        desc = self.pages.pop(mpn)
        freed = 1
        base = mpn << 9
        entries = self.mem.image.view(np.uint64)[base:base + 512]
        for idx in np.flatnonzero(entries & P).tolist():
            slot = base + idx
            if desc.level > 1:
                freed += self._free_tree((self.mem.q[slot] & FRAME_MASK) >> PAGE_SHIFT)
            else:
                key = self.leaf_gppn.pop(slot, None)
                if key is not None:
                    self._rmap_remove(key, slot)
                    if self.journal is not None:
                        self.journal.add(slot)
        m = self.mirrors.get((desc.vm, desc.gpt_gppn))
        if m is not None:
            m.discard(mpn)
            if not m:
                del self.mirrors[(desc.vm, desc.gpt_gppn)]
        self.mem.free(mpn)
        return freed

    def zap_slot(self, slot: int, reason: ShadowZapReason, events: list) -> tuple[int, int] | None:
        """Drop one shadow entry (and its subtree). Returns (gVA, level) if it was present."""
        q = self.mem.q
        e = q[slot]
        if not e & P:
            return None
        desc = self.pages[slot >> 9]
        idx = slot & 511
        gva = desc.va_base + (idx << _SPAN_SHIFT[desc.level])
        freed = 0
        if desc.level > 1:
            freed = self._free_tree((e & FRAME_MASK) >> PAGE_SHIFT)
        else:
            key = self.leaf_gppn.pop(slot, None)
            if key is not None:
                self._rmap_remove(key, slot)
                if self.journal is not None:
                    self.journal.add(slot)
        q[slot] = 0
        events.append(ShadowInvalidate(gva, desc.level, (slot >> 9) << PAGE_SHIFT, idx, reason, freed))
        return gva, desc.level

    def on_gpt_write(self, vm: str, gppn: int, index: int, events: list) -> list[tuple[int, int]]:
        """The guest wrote entry ``index`` of its table page ``gppn`` (emulated by the VMM):
        invalidate that entry in every shadow page mirroring it."""
        zapped = []
        for spt in sorted(self.mirrors.get((vm, gppn), ())):
            if spt in self.pages:
                z = self.zap_slot((spt << 9) + index, ShadowZapReason.GUEST_PTE_WRITE, events)
                if z is not None:
                    zapped.append(z)
        return zapped

    def zap_gppn(self, vm: str, gppn: int, reason: ShadowZapReason, events: list) -> list[tuple[int, int]]:
        """Drop every shadow leaf that maps ``gppn`` (via the rmap): its pmap entry changed."""
        return [z for slot in sorted(self.rmap.get((vm, gppn), ()))
                if (z := self.zap_slot(slot, reason, events)) is not None]

    def zap_gva(self, root: int, gva: int, reason: ShadowZapReason, events: list) -> list[tuple[int, int]]:
        """INVLPG: drop the shadow leaf for ``gva`` under ``root``."""
        q = self.mem.q
        table = root
        for level in (4, 3, 2):
            e = q[(table << 9) + index_of(gva, level)]
            if not e & P:
                return []
            table = (e & FRAME_MASK) >> PAGE_SHIFT
        z = self.zap_slot((table << 9) + index_of(gva, 1), reason, events)
        return [z] if z else []

    def page_count(self) -> int:
        return len(self.pages)
