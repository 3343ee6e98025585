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

    def __init__(self, entries: int = 64, ways: int = 4, entries_2m: int = 32, ways_2m: int = 4,
                 design: str = "intel"):
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
        self.cache_drops = 0
        """How many MMU-cache entries the last flush dropped with the TLB entries."""
        self.caches = walk_caches(design)
        """The MMU caches of the design (:class:`IntelCaches`, :class:`AmdCaches`); their entries
        tagged like TLB entries go with the TLB flushes of those tags."""

    def copy(self) -> "Tlb":
        c = Tlb(self.entries, self.ways, self.entries_2m, self.ways_2m, self.caches.design)
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
        self.cache_drops = self.caches.flush()
        return n

    def flush_vpid(self, vpid: int) -> int:
        self.cache_drops = self.caches.flush(lambda k: k >> VPID_SHIFT == vpid)
        return self._remove_if(lambda k, e: k >> VPID_SHIFT == vpid)

    def flush_pcid(self, vpid: int, pcid: int) -> int:
        self.cache_drops = self.caches.flush(lambda k: k >> VPID_SHIFT == vpid and (k >> PCID_SHIFT) & PCID_MASK == pcid)
        return self._remove_if(lambda k, e: k >> VPID_SHIFT == vpid and (k >> PCID_SHIFT) & PCID_MASK == pcid)

    def flush_page(self, vpid: int, gvpn: int, pcid: Optional[int] = None) -> int:
        """Drop the entries for ``gvpn`` of VPID ``vpid``: of one PCID (INVLPG invalidates the
        current PCID's mappings, SDM §4.10.4.1), or of every PCID (``pcid=None``: INVVPID
        individual-address, which a VMM uses)."""
        # INVLPG / INVVPID of an address drop all paging-structure-cache entries of the tag
        self.cache_drops = self.caches.flush(lambda k: k >> VPID_SHIFT == vpid and
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

    def drop_address(self, key: int) -> int:
        """A page fault or an EPT violation: drop the TLB entries (4 KiB, and the 2 MiB entry
        covering it) and the linear/combined cache entries that would translate the page of
        ``key`` under its tag — nothing else (SDM Vol. 3A §4.10.4.1, Vol. 3C §29.4.3.1).
        Returns the TLB entries dropped; :attr:`cache_drops` the cache entries."""
        gvpn = key & GVPN_MASK
        n = int(self.sets[gvpn % self.nsets].pop(key, None) is not None)
        if self.large_used:
            k2 = key & ~LARGE_MASK
            n += self.sets_2m[(gvpn >> 9) % self.nsets_2m].pop(k2, None) is not None
        self.cache_drops = self.caches.lin_drop_address(key & ~GVPN_MASK, gvpn << 12)
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


_SHIFT = {4: 39, 3: 30, 2: 21}
TAG_MASK = ~GVPN_MASK
"""The PCID and VPID bits of a key (what a flush selects by)."""


def _put(d: dict, key, value, size: int) -> None:
    """Insert or refresh ``key``, least recently used out."""
    if key in d:
        del d[key]
    elif len(d) >= size:
        del d[next(iter(d))]
    d[key] = value


def _get(d: dict, key):
    v = d.pop(key, None)
    if v is not None:
        d[key] = v
    return v


def _drop_where(d: dict, pred) -> int:
    dead = [k for k in d if pred(k)]
    for k in dead:
        del d[k]
    return len(dead)


class IntelCaches:
    """Intel's MMU caches beside the TLB (``[mmu] design = "intel"``; each part off unless the
    scenario turns it on).

    - **Paging-structure caches** (``[mmu] pwc``; SDM Vol. 3A §4.10.3): the PML4E cache (keyed by
      linear-address bits 47:39), PDPTE cache (47:30) and PDE cache (47:21), tagged by PCID and
      VPID like TLB entries. Each holds the next table's address and the rights of the levels
      above. Under EPT an entry is a *combined* mapping (Vol. 3C §29.4.1): the next guest table's
      **host-physical** address, so a hit spares the nested walks of the skipped tables and of
      the next one. Keyed by the linear address, tag in the high bits (:data:`TAG_MASK`).
    - **Guest-physical mappings** (``[mmu] nested_tlb``; Vol. 3C §29.4.1), tagged by the EPT root:
      guest-physical translations (gPA → MA: what AMD's nested TLB does, named as Intel names
      it) and EPT's own paging-structure caches (EPT PML4E/PDPTE/PDE: gPA bits → the next EPT
      table). They survive VM exits, CR3 loads and INVLPG; INVEPT drops them, an EPT violation
      those used for its gPA.
    LRU; sizes in :attr:`SIZES` (the model's choice; CPUs do not document theirs).
    """

    design = "intel"
    SIZES = {4: 4, 3: 16, 2: 32, "gpa": 64, "ept": 16}

    def __init__(self):
        self.lin: dict[int, dict[int, tuple]] = {4: {}, 3: {}, 2: {}}
        self.gpa: dict[int, tuple] = {}
        self.ept: dict[int, dict[int, tuple]] = {4: {}, 3: {}, 2: {}}

    def copy(self) -> "IntelCaches":
        c = IntelCaches()
        c.lin = {k: dict(v) for k, v in self.lin.items()}
        c.gpa = dict(self.gpa)
        c.ept = {k: dict(v) for k, v in self.ept.items()}
        return c

    def state(self) -> tuple:
        """Everything the caches hold, in LRU order (for comparisons: bulk = step)."""
        return tuple(tuple(d.items()) for d in (*self.lin.values(), self.gpa, *self.ept.values()))

    def __len__(self) -> int:
        return sum(map(len, self.lin.values())) + len(self.gpa) + sum(map(len, self.ept.values()))

    # -- linear (1D walks) and combined (2D walks) mappings ---------------------------------------
    def lin_lookup(self, tag: int, gva: int):
        """(level, next table, AND-rights, OR-rights, next table as the walk names it, references a
        walk without caches makes to get there) of the lowest level that hits, or None. The next
        table is what the walker reads: a host-physical address for a combined mapping (the
        walk names the guest table by its gPA), the shadow or guest table otherwise."""
        for level in (2, 3, 4):
            v = _get(self.lin[level], tag | (gva >> _SHIFT[level]))
            if v is not None:
                return (level,) + v
        return None

    def lin_fill(self, tag: int, gva: int, fills) -> None:
        """``fills``: (level, next table, AND, OR, its name in the walk, saved) per non-leaf entry used."""
        for level, table, a, o, shown, saved in fills:
            _put(self.lin[level], tag | (gva >> _SHIFT[level]), (table, a, o, shown, saved), self.SIZES[level])

    def lin_drop_address(self, tag: int, gva: int) -> int:
        """The entries that would be used to translate ``gva`` under ``tag`` (a #PF, an EPT
        violation: SDM Vol. 3A §4.10.4.1, Vol. 3C §29.4.3.1)."""
        return sum(self.lin[level].pop(tag | (gva >> _SHIFT[level]), None) is not None for level in (4, 3, 2))

    def flush(self, pred=None) -> int:
        """Drop the linear and combined mappings whose tag satisfies ``pred`` (all: None)."""
        n = 0
        for d in self.lin.values():
            if d:
                n += len(d) if pred is None else _drop_where(d, lambda k: pred(k & TAG_MASK))
                if pred is None:
                    d.clear()
        return n

    # -- guest-physical mappings -------------------------------------------------------------------
    def gpa_lookup(self, ept_tag: int, gppn: int):
        """(frame MA, writable, executable, EPT levels a walk would read) or None."""
        return _get(self.gpa, ept_tag << VPID_SHIFT | gppn)

    def gpa_fill(self, ept_tag: int, gppn: int, value: tuple) -> None:
        _put(self.gpa, ept_tag << VPID_SHIFT | gppn, value, self.SIZES["gpa"])

    def ept_lookup(self, ept_tag: int, gpa: int):
        """(level, next EPT table MA, AND-rights, OR-rights) of the lowest EPT level that hits."""
        for level in (2, 3, 4):
            v = _get(self.ept[level], ept_tag << VPID_SHIFT | (gpa >> _SHIFT[level]))
            if v is not None:
                return (level,) + v
        return None

    def ept_fill(self, ept_tag: int, gpa: int, fills) -> None:
        for level, table, a, o in fills:
            _put(self.ept[level], ept_tag << VPID_SHIFT | (gpa >> _SHIFT[level]), (table, a, o), self.SIZES["ept"])

    def drop_gpa(self, ept_tag: int, gpa: int) -> int:
        """An EPT violation: the guest-physical mappings that would be used for ``gpa``."""
        n = self.gpa.pop(ept_tag << VPID_SHIFT | (gpa >> 12), None) is not None
        return n + sum(self.ept[lv].pop(ept_tag << VPID_SHIFT | (gpa >> _SHIFT[lv]), None) is not None
                       for lv in (4, 3, 2))

    def invept(self, ept_tag: Optional[int] = None) -> int:
        """INVEPT: the guest-physical mappings of one EPT root (single-context) or all. (The
        combined mappings go through :meth:`flush`, by the VPID that stands for the root.)"""
        pred = None if ept_tag is None else (lambda k: k >> VPID_SHIFT == ept_tag)
        n = 0
        for d in (self.gpa, *self.ept.values()):
            if pred is None:
                n += len(d)
                d.clear()
            else:
                n += _drop_where(d, pred)
        return n


class AmdCaches:
    """AMD's MMU caches beside the TLB as Bhargava et al. (ASPLOS'08) model them for nested
    paging (``[mmu] design = "amd"``; each part off unless the scenario turns it on).

    - **Page-walk cache** (``[mmu] pwc``): upper-level page-table entries (levels 4 to 2; never
      a leaf), guest and nested alike, found by the machine address they are stored at, so a walk
      that meets one reads no memory for it. Unlike Intel's, it is not keyed by the linear
      address: a guest table's entry can only be found once the table's machine address is known
      — through the nested TLB or a nested walk. Entries carry the tag of the walk that made them
      (the ASID and PCID) and go with that tag's TLB flushes.
    - **Nested TLB** (``[mmu] nested_tlb``): gPA → MA translations, per VM, which spare the nested
      walk of a guest table or of the data's gPA. Dropped when the VMM has the guest's ASID
      flushed after it changed a nested entry, or for one gPA by a nested page fault.
    LRU; sizes in :attr:`SIZES` (the model's choice).
    """

    design = "amd"
    SIZES = {"pwc": 24, "ntlb": 64}

    def __init__(self):
        self.pwc: dict[tuple[int, int], int] = {}
        self.ntlb: dict[int, tuple] = {}

    def copy(self) -> "AmdCaches":
        c = AmdCaches()
        c.pwc = dict(self.pwc)
        c.ntlb = dict(self.ntlb)
        return c

    def state(self) -> tuple:
        return tuple(self.pwc.items()), tuple(self.ntlb.items())

    def __len__(self) -> int:
        return len(self.pwc) + len(self.ntlb)

    def pwc_get(self, tag: int, slot: int) -> Optional[int]:
        return _get(self.pwc, (tag, slot))

    def pwc_fill(self, tag: int, fills) -> None:
        """``fills``: (slot, entry) of each upper-level entry a successful walk read from memory."""
        for slot, e in fills:
            _put(self.pwc, (tag, slot), e, self.SIZES["pwc"])

    def flush(self, pred=None) -> int:
        if pred is None:
            n = len(self.pwc)
            self.pwc.clear()
            return n
        return _drop_where(self.pwc, lambda k: pred(k[0]))

    def lin_drop_address(self, tag: int, gva: int) -> int:
        """Nothing in these caches is keyed by a linear address."""
        return 0

    def ntlb_lookup(self, vm_tag: int, gppn: int):
        return _get(self.ntlb, vm_tag << VPID_SHIFT | gppn)

    def ntlb_fill(self, vm_tag: int, gppn: int, value: tuple) -> None:
        _put(self.ntlb, vm_tag << VPID_SHIFT | gppn, value, self.SIZES["ntlb"])

    def drop_gpa(self, vm_tag: int, gpa: int) -> int:
        return int(self.ntlb.pop(vm_tag << VPID_SHIFT | (gpa >> 12), None) is not None)

    def invept(self, vm_tag: Optional[int] = None) -> int:
        """The nested TLB of one VM (or all) — with its ASID's flush after a nested-table change."""
        if vm_tag is None:
            n = len(self.ntlb)
            self.ntlb.clear()
            return n
        return _drop_where(self.ntlb, lambda k: k >> VPID_SHIFT == vm_tag)


def walk_caches(design: str):
    """The MMU caches of ``design`` ("intel" or "amd")."""
    return AmdCaches() if design == "amd" else IntelCaches()


LIN_CACHE = {4: "pml4e", 3: "pdpte", 2: "pde"}
EPT_CACHE = {4: "ept-pml4e", 3: "ept-pdpte", 2: "ept-pde"}
