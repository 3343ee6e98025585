"""A set-associative, LRU translation lookaside buffer tagged by VPID and PCID, with 4 KiB and
2 MiB entries in separate arrays (as on real cores: Intel's L1 DTLB has one array per page size)."""
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
    large: bool = False
    """A 2 MiB entry (``mpn`` and ``gppn`` are then those of its first 4 KiB page)."""


LARGE_MASK = 0x1FF
"""The 4 KiB page's index within its 2 MiB page (gvpn bits 8:0)."""


class Tlb:
    """``entries`` 4 KiB translations in ``entries // ways`` sets of ``ways``, and ``entries_2m``
    2 MiB translations in ``entries_2m // ways_2m`` sets, least recently used out.

    Each set is a dict in LRU order (oldest first): a hit moves the key to the end. A 2 MiB
    entry's key is that of its first 4 KiB page (gvpn bits 8:0 clear); its value is
    ``(TlbEntry, mpns)`` — the machine page of each of its 512 parts — and it answers every
    4 KiB page in it. A lookup asks the 4 KiB array first; the 2 MiB array only once it has been
    filled (:attr:`large_used`), so a machine without 2 MiB translations pays nothing for it.
    """

    def __init__(self, entries: int = 64, ways: int = 4, entries_2m: int = 32, ways_2m: int = 4):
        if entries < 1 or ways < 1 or entries % ways:
            raise ValueError(f"TLB entries ({entries}) must be a positive multiple of ways ({ways})")
        if entries_2m < 1 or ways_2m < 1 or entries_2m % ways_2m:
            raise ValueError(f"TLB 2 MiB entries ({entries_2m}) must be a positive multiple of ways ({ways_2m})")
        self.entries = entries
        self.ways = ways
        self.nsets = entries // ways
        self.sets: list[dict[int, TlbEntry]] = [dict() for _ in range(self.nsets)]
        self.entries_2m = entries_2m
        self.ways_2m = ways_2m
        self.nsets_2m = entries_2m // ways_2m
        self.sets_2m: list[dict[int, tuple]] = [dict() for _ in range(self.nsets_2m)]
        self.large_used = False
        """A 2 MiB entry has been filled since the last full flush (else lookups skip the array)."""
        self.caches = WalkCaches()
        """Paging-structure caches and the nested TLB (flushed with the entries of their tags)."""

    def copy(self) -> "Tlb":
        c = Tlb(self.entries, self.ways, self.entries_2m, self.ways_2m)
        c.sets = [dict(s) for s in self.sets]
        c.sets_2m = [dict(s) for s in self.sets_2m]
        c.large_used = self.large_used
        c.caches = self.caches.copy()
        return c

    def lookup(self, key: int) -> Optional[TlbEntry]:
        s = self.sets[(key & GVPN_MASK) % self.nsets]
        entry = s.pop(key, None)
        if entry is not None:
            s[key] = entry
            return entry
        if self.large_used:
            return self.lookup_2m(key)
        return None

    def lookup_2m(self, key: int) -> Optional[TlbEntry]:
        """The 2 MiB entry covering the 4 KiB page of ``key``, as that page's translation."""
        k2 = key & ~LARGE_MASK
        s = self.sets_2m[((key & GVPN_MASK) >> 9) % self.nsets_2m]
        v = s.pop(k2, None)
        if v is None:
            return None
        s[k2] = v
        e, mpns = v
        off = key & LARGE_MASK
        return TlbEntry(mpns[off], e[1], e[2], e[3], None if e[4] is None else e[4] + off, True)

    def insert_2m(self, key: int, entry: TlbEntry, mpns) -> Optional[int]:
        """Insert (or refresh) the 2 MiB entry covering ``key``'s page: ``entry`` with the
        ``mpn``/``gppn`` of its first part, ``mpns`` the machine page of each of its 512 parts.
        A 4 KiB entry of the same page goes (the 4 KiB array is asked first). Returns the
        evicted key, if any."""
        k2 = key & ~LARGE_MASK
        s4 = self.sets[(key & GVPN_MASK) % self.nsets]
        if key in s4:
            del s4[key]
        s = self.sets_2m[((key & GVPN_MASK) >> 9) % self.nsets_2m]
        evicted = None
        if k2 in s:
            del s[k2]
        elif len(s) >= self.ways_2m:
            evicted = next(iter(s))
            del s[evicted]
        s[k2] = (entry, mpns)
        self.large_used = True
        return evicted

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
        for s in (self.sets + self.sets_2m) if self.large_used else self.sets:
            dead = [k for k in s if pred(k, s[k])]
            for k in dead:
                del s[k]
            removed += len(dead)
        return removed

    def flush_all(self) -> int:
        n = len(self)
        for s in self.sets:
            s.clear()
        if self.large_used:
            for s in self.sets_2m:
                s.clear()
            self.large_used = False
        self.caches.pwc_flush()
        return n

    def flush_vpid(self, vpid: int) -> int:
        self.caches.pwc_flush(lambda k: k >> VPID_SHIFT == vpid)
        return self._remove_if(lambda k, e: k >> VPID_SHIFT == vpid)

    def flush_pcid(self, vpid: int, pcid: int) -> int:
        self.caches.pwc_flush(lambda k: k >> VPID_SHIFT == vpid and (k >> PCID_SHIFT) & PCID_MASK == pcid)
        return self._remove_if(lambda k, e: k >> VPID_SHIFT == vpid and (k >> PCID_SHIFT) & PCID_MASK == pcid)

    def flush_page(self, vpid: int, gvpn: int, pcid: Optional[int] = None) -> int:
        """Drop the entries for ``gvpn`` of VPID ``vpid``: of one PCID (INVLPG invalidates the
        current PCID's mappings, SDM §4.10.4.1), or of every PCID (``pcid=None``: INVVPID
        individual-address, which a VMM uses)."""
        # INVLPG / INVVPID of an address drop all paging-structure-cache entries of the tag
        self.caches.pwc_flush(lambda k: k >> VPID_SHIFT == vpid and
                              (pcid is None or (k >> PCID_SHIFT) & PCID_MASK == pcid))
        s = self.sets[gvpn % self.nsets]
        dead = [k for k in s if k & GVPN_MASK == gvpn and k >> VPID_SHIFT == vpid and
                (pcid is None or (k >> PCID_SHIFT) & PCID_MASK == pcid)]
        for k in dead:
            del s[k]
        n = len(dead)
        if self.large_used:  # and the 2 MiB entry covering the address
            base = gvpn & ~LARGE_MASK
            s = self.sets_2m[(base >> 9) % self.nsets_2m]
            dead = [k for k in s if k & GVPN_MASK == base and k >> VPID_SHIFT == vpid and
                    (pcid is None or (k >> PCID_SHIFT) & PCID_MASK == pcid)]
            for k in dead:
                del s[k]
            n += len(dead)
        return n

    def contents(self) -> list[tuple[int, int, int, int, TlbEntry]]:
        """(set, vpid, pcid, gvpn, entry) for every valid entry, sorted by set then LRU age: the
        4 KiB array's, then the 2 MiB array's (``entry.large``; gvpn, mpn and gppn of its first
        4 KiB page; the set is that of the 2 MiB array)."""
        out = []
        for i, s in enumerate(self.sets):
            for k, e in s.items():
                out.append((i, k >> VPID_SHIFT, (k >> PCID_SHIFT) & PCID_MASK, k & GVPN_MASK, e))
        for i, s in enumerate(self.sets_2m):
            for k, (e, _mpns) in s.items():
                out.append((i, k >> VPID_SHIFT, (k >> PCID_SHIFT) & PCID_MASK, k & GVPN_MASK, e))
        return out

    def __len__(self) -> int:
        n = sum(len(s) for s in self.sets)
        return n + sum(len(s) for s in self.sets_2m) if self.large_used else n


_PWC_SHIFT = {4: 39, 3: 30, 2: 21}
_PWC_NAME = {4: "pml4e", 3: "pdpte", 2: "pde"}


class WalkCaches:
    """The MMU's caches beside the TLB (off unless the scenario turns them on).

    - **Paging-structure caches** (Intel, SDM §4.10.3): per level, a cached non-leaf entry —
      PML4E cache (keyed by linear-address bits 47:39), PDPTE cache (47:30), PDE cache (47:21) —
      tagged like TLB entries by PCID and VPID; each holds the next table's address and the
      rights of the levels above. A walk starts below the lowest level that hits. Flushed with
      the TLB entries of the same tags (INVLPG and INVVPID drop all of the tag's entries).
    - **Nested TLB** (guest-physical mappings, SDM Vol. 3C §29.4.1): gPPN → MA frame and EPT
      rights, per VM, used for every gPA the 2D walk translates. It survives VM exits, CR3
      loads and INVLPG; INVEPT, or an EPT violation on that gPA, drops it.
    LRU, sizes in :attr:`SIZES`.
    """

    SIZES = {4: 4, 3: 16, 2: 32, "ntlb": 64}

    def __init__(self):
        self.pwc: dict[int, dict[int, tuple]] = {4: {}, 3: {}, 2: {}}
        self.ntlb: dict[int, tuple] = {}

    def copy(self) -> "WalkCaches":
        c = WalkCaches()
        c.pwc = {k: dict(v) for k, v in self.pwc.items()}
        c.ntlb = dict(self.ntlb)
        return c

    @staticmethod
    def _put(d: dict, key, value, size: int) -> None:
        if key in d:
            del d[key]
        elif len(d) >= size:
            del d[next(iter(d))]
        d[key] = value

    def pwc_lookup(self, tag: int, address: int):
        """(cache level, next table, AND-rights, OR-rights) of the lowest level that hits, or None."""
        for level in (2, 3, 4):
            d = self.pwc[level]
            key = tag | (address >> _PWC_SHIFT[level])
            v = d.pop(key, None)
            if v is not None:
                d[key] = v
                return (level,) + v
        return None

    def pwc_fill(self, tag: int, address: int, fills: list) -> None:
        for level, table, a, o in fills:
            self._put(self.pwc[level], tag | (address >> _PWC_SHIFT[level]), (table, a, o), self.SIZES[level])

    def ntlb_lookup(self, vm_tag: int, gppn: int):
        key = vm_tag << VPID_SHIFT | gppn
        v = self.ntlb.pop(key, None)
        if v is not None:
            self.ntlb[key] = v
        return v

    def ntlb_fill(self, vm_tag: int, fills: list) -> None:
        for gppn, v in fills:
            self._put(self.ntlb, vm_tag << VPID_SHIFT | gppn, v, self.SIZES["ntlb"])

    def ntlb_drop(self, vm_tag: int, gppn: Optional[int] = None) -> int:
        """INVEPT of a VM (``gppn`` None) or an EPT violation on one gPA."""
        if gppn is not None:
            return 1 if self.ntlb.pop(vm_tag << VPID_SHIFT | gppn, None) is not None else 0
        dead = [k for k in self.ntlb if k >> VPID_SHIFT == vm_tag]
        for k in dead:
            del self.ntlb[k]
        return len(dead)

    def pwc_flush(self, pred=None) -> None:
        for d in self.pwc.values():
            if not d:
                continue
            if pred is None:
                d.clear()
            else:
                for k in [k for k in d if pred(k)]:
                    del d[k]


def pwc_name(level: int) -> str:
    return _PWC_NAME[level]
