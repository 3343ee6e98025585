"""The VMM's pmap: per VM, guest-physical page number → machine page number, with state."""
from __future__ import annotations

from bisect import bisect_left, insort
from typing import Optional

from .events import PageState

NO_MPN = -1
"""``Pmap.mpn[gppn]`` where no machine page backs the page (unmapped or swapped) — Xen's
``INVALID_MFN``. A sentinel rather than None keeps the list a plain list of ints (fast to copy)."""


class Pmap:
    """gPPN → MPN for one VM (VMware's *pmap*; KVM's memslots + rmap play this part).

    ``mpn[gppn]`` is :data:`NO_MPN` where no machine page backs the page (unmapped, swapped,
    ballooned or compressed); ``swap[gppn]`` holds a swapped page's contents (the VM's swap file),
    ``zcache`` the compressed ones (in machine memory).
    """

    journal: Optional[set] = None
    """Where the bulk kernel mirrors this pmap: the gPPNs :meth:`set` changed since it last looked
    (:mod:`.kernel`); None otherwise."""

    def __init__(self, pages: int):
        self.pages = pages
        self.mpn: list[int] = [NO_MPN] * pages
        self.state: list[PageState] = [PageState.UNMAPPED] * pages
        self.private: list[int] = []
        """The gPPNs in state PRIVATE, ascending (kept by :meth:`set`; the host's page-sharing scan
        picks from them without looking at every page)."""
        self.swap: dict[int, bytes] = {}
        self.large: set[int] = set()
        """2 MiB blocks (gPPN >> 9) backed by one 2 MiB machine page (nested mode, EPT large pages)."""
        self.zcache = CompressionCache()

    def lookup(self, gppn: int) -> Optional[int]:
        """The MPN backing ``gppn``, or None (unmapped or swapped)."""
        m = self.mpn[gppn]
        return None if m == NO_MPN else m

    def set(self, gppn: int, state: PageState, mpn: Optional[int]) -> None:
        old = self.state[gppn]
        self.state[gppn] = state
        if (old is PageState.PRIVATE) != (state is PageState.PRIVATE):
            if state is PageState.PRIVATE:
                insort(self.private, gppn)
            else:
                del self.private[bisect_left(self.private, gppn)]
        self.mpn[gppn] = NO_MPN if mpn is None else mpn
        if self.journal is not None:
            self.journal.add(gppn)

    def copy(self) -> "Pmap":
        c = Pmap.__new__(Pmap)
        c.pages, c.mpn, c.state, c.swap = self.pages, list(self.mpn), list(self.state), dict(self.swap)
        c.private = list(self.private)
        c.large = set(self.large)
        c.zcache = self.zcache.copy()
        return c

    def count(self, state: PageState) -> int:
        return self.state.count(state)


SLOT_BYTES = 2048
"""A compressed page is kept only if it fits half a page (ESXi: compressed to 2 KB or less)."""


class CompressionCache:
    """One VM's compression cache: machine frames of its own, each holding two 2 KiB slots; a
    compressed page is written into a slot of machine memory (the model keeps only the slot map
    beside it)."""

    def __init__(self):
        self.frames: dict[int, int] = {}
        """Frame index → MPN."""
        self.free: list[int] = []
        """Free slots (slot s lies in frame s // 2, at byte (s % 2) × 2 KiB)."""
        self.pages: dict[int, tuple[int, int]] = {}
        """gPPN → (slot, length of its compressed bytes)."""
        self.next_frame = 0

    def copy(self) -> "CompressionCache":
        c = CompressionCache()
        c.frames, c.free, c.pages, c.next_frame = dict(self.frames), list(self.free), dict(self.pages), self.next_frame
        return c

    def ma_of(self, slot: int) -> int:
        return (self.frames[slot // 2] << 12) + (slot % 2) * SLOT_BYTES

    def take_slot(self, alloc) -> Optional[int]:
        """A free slot; ``alloc()`` gives a new machine frame when none is free (None: no room)."""
        if not self.free:
            mpn = alloc()
            if mpn is None:
                return None
            i = self.next_frame
            self.next_frame += 1
            self.frames[i] = mpn
            self.free += [2 * i + 1, 2 * i]
        return self.free.pop()

    def release_slot(self, slot: int) -> Optional[int]:
        """Free ``slot``; returns the MPN of its frame when both of the frame's slots are free (the
        caller frees that frame), else None."""
        self.free.append(slot)
        i = slot // 2
        if 2 * i in self.free and 2 * i + 1 in self.free:
            self.free.remove(2 * i)
            self.free.remove(2 * i + 1)
            return self.frames.pop(i)
        return None
