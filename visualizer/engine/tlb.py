"""A set-associative, LRU translation lookaside buffer tagged by VPID and PCID."""
from __future__ import annotations

from typing import NamedTuple, Optional

GVPN_BITS = 36
PCID_SHIFT = 36
VPID_SHIFT = 48
GVPN_MASK = (1 << GVPN_BITS) - 1
PCID_MASK = 0xFFF


def tlb_key(gvpn: int, pcid: int, vpid: int) -> int:
    """The tag a TLB entry is found by: gvpn | pcid << 36 | vpid << 48."""
    return gvpn | pcid << PCID_SHIFT | vpid << VPID_SHIFT


class TlbEntry(NamedTuple):
    mpn: int
    writable: bool
    dirty: bool
    executable: bool
    gppn: Optional[int]
    """The guest-physical page behind it — for the display only: hardware keeps no such field,
    and no flush decision uses it (x86 cannot invalidate combined mappings by gPA)."""


class Tlb:
    """``entries`` translations in ``entries // ways`` sets of ``ways``, least recently used out.

    Each set is a dict in LRU order (oldest first): a hit moves the key to the end.
    """

    def __init__(self, entries: int = 64, ways: int = 4):
        if entries < 1 or ways < 1 or entries % ways:
            raise ValueError(f"TLB entries ({entries}) must be a positive multiple of ways ({ways})")
        self.entries = entries
        self.ways = ways
        self.nsets = entries // ways
        self.sets: list[dict[int, TlbEntry]] = [dict() for _ in range(self.nsets)]

    def lookup(self, key: int) -> Optional[TlbEntry]:
        s = self.sets[(key & GVPN_MASK) % self.nsets]
        entry = s.pop(key, None)
        if entry is not None:
            s[key] = entry
        return entry

    def peek(self, key: int) -> Optional[TlbEntry]:
        return self.sets[(key & GVPN_MASK) % self.nsets].get(key)

    def insert(self, key: int, entry: TlbEntry) -> Optional[int]:
        """Insert (or refresh) an entry; returns the evicted key, if any."""
        s = self.sets[(key & GVPN_MASK) % self.nsets]
        evicted = None
        if key in s:
            del s[key]
        elif len(s) >= self.ways:
            evicted = next(iter(s))
            del s[evicted]
        s[key] = entry
        return evicted

    def _remove_if(self, pred) -> int:
        removed = 0
        for s in self.sets:
            dead = [k for k in s if pred(k, s[k])]
            for k in dead:
                del s[k]
            removed += len(dead)
        return removed

    def flush_all(self) -> int:
        n = sum(len(s) for s in self.sets)
        for s in self.sets:
            s.clear()
        return n

    def flush_vpid(self, vpid: int) -> int:
        return self._remove_if(lambda k, e: k >> VPID_SHIFT == vpid)

    def flush_pcid(self, vpid: int, pcid: int) -> int:
        return self._remove_if(lambda k, e: k >> VPID_SHIFT == vpid and (k >> PCID_SHIFT) & PCID_MASK == pcid)

    def flush_page(self, vpid: int, gvpn: int, pcid: Optional[int] = None) -> int:
        """Drop the entries for ``gvpn`` of VPID ``vpid``: of one PCID (INVLPG invalidates the
        current PCID's mappings, SDM §4.10.4.1), or of every PCID (``pcid=None``: INVVPID
        individual-address, which a VMM uses)."""
        s = self.sets[gvpn % self.nsets]
        dead = [k for k in s if k & GVPN_MASK == gvpn and k >> VPID_SHIFT == vpid and
                (pcid is None or (k >> PCID_SHIFT) & PCID_MASK == pcid)]
        for k in dead:
            del s[k]
        return len(dead)

    def contents(self) -> list[tuple[int, int, int, int, TlbEntry]]:
        """(set, vpid, pcid, gvpn, entry) for every valid entry, sorted by set then LRU age."""
        out = []
        for i, s in enumerate(self.sets):
            for k, e in s.items():
                out.append((i, k >> VPID_SHIFT, (k >> PCID_SHIFT) & PCID_MASK, k & GVPN_MASK, e))
        return out

    def __len__(self) -> int:
        return sum(len(s) for s in self.sets)
