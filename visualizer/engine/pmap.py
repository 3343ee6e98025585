"""The VMM's pmap: per VM, guest-physical page number → machine page number, with state."""
from __future__ import annotations

from typing import Optional

from .events import PageState

NO_MPN = -1
"""``Pmap.mpn[gppn]`` where no machine page backs the page (unmapped or swapped) — Xen's
``INVALID_MFN``. A sentinel rather than None keeps the list a plain list of ints (fast to copy)."""


class Pmap:
    """gPPN → MPN for one VM (VMware's *pmap*; KVM's memslots + rmap play this part).

    ``mpn[gppn]`` is :data:`NO_MPN` where no machine page backs the page (unmapped or swapped);
    ``swap[gppn]`` holds a swapped page's contents.
    """

    def __init__(self, pages: int):
        self.pages = pages
        self.mpn: list[int] = [NO_MPN] * pages
        self.state: list[PageState] = [PageState.UNMAPPED] * pages
        self.swap: dict[int, bytes] = {}
        self.large: set[int] = set()
        """2 MiB blocks (gPPN >> 9) backed by one 2 MiB machine page (nested mode, EPT large pages)."""

    def lookup(self, gppn: int) -> Optional[int]:
        """The MPN backing ``gppn``, or None (unmapped or swapped)."""
        m = self.mpn[gppn]
        return None if m == NO_MPN else m

    def set(self, gppn: int, state: PageState, mpn: Optional[int]) -> None:
        self.state[gppn] = state
        self.mpn[gppn] = NO_MPN if mpn is None else mpn

    def copy(self) -> "Pmap":
        c = Pmap.__new__(Pmap)
        c.pages, c.mpn, c.state, c.swap = self.pages, list(self.mpn), list(self.state), dict(self.swap)
        c.large = set(self.large)
        return c
