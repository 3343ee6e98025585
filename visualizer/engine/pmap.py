"""The VMM's pmap: per VM, guest-physical page number → machine page number, with state."""
from __future__ import annotations

from typing import Optional

from .events import PageState


class Pmap:
    """gPPN → MPN for one VM (VMware's *pmap*; KVM's memslots + rmap play this part).

    ``mpn[gppn]`` is -1 where no machine page backs the page (unmapped or swapped);
    ``swap[gppn]`` holds a swapped page's contents.
    """

    def __init__(self, pages: int):
        self.pages = pages
        self.mpn: list[int] = [-1] * pages
        self.state: list[PageState] = [PageState.UNMAPPED] * pages
        self.swap: dict[int, bytes] = {}

    def lookup(self, gppn: int) -> Optional[int]:
        """The MPN backing ``gppn``, or None (unmapped or swapped)."""
        m = self.mpn[gppn]
        return None if m < 0 else m

    def set(self, gppn: int, state: PageState, mpn: Optional[int]) -> None:
        self.state[gppn] = state
        self.mpn[gppn] = -1 if mpn is None else mpn

    def touched(self) -> list[int]:
        """gPPNs that are not unmapped, in address order."""
        return [g for g, s in enumerate(self.state) if s is not PageState.UNMAPPED]

    def resident_count(self) -> int:
        return sum(1 for m in self.mpn if m >= 0)
