"""What an access can cause, as immutable records.

Every step of the engine returns the ordered tuple of these records. Each record carries its
cost in cycles (taken from the :class:`~visualizer.engine.costs.CostTable` when it was made) and a
``cause`` used to break cycles down by cause. Walk references are by far the most frequent
record (24 per cold nested walk), so :class:`WalkRef` — and the records every access makes,
:class:`TlbLookup`, :class:`TlbFill`, :class:`DataAccess` — are ``NamedTuple``s (a tuple is
several times cheaper to build than a frozen dataclass); all other records are frozen
dataclasses. Both kinds are immutable.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple, Optional


class Stage(Enum):
    """Which table a walk reference or a fault belongs to."""

    GUEST = "guest"
    """The guest OS's page tables (gVA → gPA); table addresses are gPAs."""
    NESTED = "nested"
    """The VMM's nested (EPT) tables (gPA → MA); table addresses are MAs."""
    SHADOW = "shadow"
    """The VMM's shadow tables (gVA → MA); table addresses are MAs."""


class Walker(Enum):
    """Who performs a walk."""

    CPU = "cpu"
    """The hardware page walker, on a TLB miss."""
    VMM = "vmm"
    """The VMM in software (shadow mode: reading the guest tables on a hidden fault)."""


class Access(Enum):
    """The kind of a memory access."""

    READ = "read"
    WRITE = "write"
    EXEC = "exec"



class Cause(Enum):
    """What a record's cycles pay for (the counters' cycles by cause). A typed value: each record
    class names its cause; a VM exit's cause is its reason (:meth:`of_exit`)."""

    WALK = "walk"
    """References of the CPU's page walker."""
    VMM_WALK = "vmm-walk"
    """The VMM's software walks of the guest tables (shadow mode, on an exit)."""
    EXIT_HIDDEN_FAULT = "vm-exit:hidden-fault"
    EXIT_GUEST_FAULT = "vm-exit:guest-fault"
    EXIT_PT_WRITE = "vm-exit:pt-write"
    EXIT_INVLPG = "vm-exit:invlpg"
    EXIT_CR3_LOAD = "vm-exit:cr3-load"
    EXIT_EPT_VIOLATION = "vm-exit:ept-violation"
    GUEST_FAULT = "guest-fault"
    """Delivering a #PF to the guest."""
    GUEST = "guest"
    """The guest kernel's work (zeroing, copying pages)."""
    PMAP = "pmap"
    """The VMM's changes of guest-physical memory (backing, copying, swapping pages)."""
    VMM = "vmm"
    """The VMM's table maintenance (shadow entries, EPT entries)."""
    VM_SWITCH = "vm-switch"
    RECLAIM = "reclaim"
    """The host's memory reclamation (sharing scan, compression, swap-out) where the VM waits for it."""
    TLB = "tlb"
    AD = "ad"
    DATA = "data"
    FAULT = "fault"
    NOTE = "note"

    @property
    def exit_reason(self) -> Optional["ExitReason"]:
        """The exit reason of a VM-exit cause (None for every other cause)."""
        return _EXIT_OF_CAUSE.get(self)

    @property
    def group(self) -> str:
        """The record kind as the CSV's ``cause`` column writes it: "vm-exit" for every exit."""
        return "vm-exit" if self in _EXIT_OF_CAUSE else self.value

    @staticmethod
    def of_exit(reason: "ExitReason") -> "Cause":
        return _CAUSE_OF_EXIT[reason]

class FaultKind(Enum):
    """Why a walk failed."""

    NOT_PRESENT = "not-present"
    """An entry on the path has no present bit (x86 P=0; EPT R=W=X=0)."""
    WRITE_PROTECT = "write-protect"
    """A write where the combined rights forbid writing."""
    NO_EXEC = "no-exec"
    """An instruction fetch where NX is set (EPT: X clear)."""
    USER = "user"
    """A user-mode access to a supervisor-only page."""


class ExitReason(Enum):
    """Why the CPU left the guest for the VMM."""

    HIDDEN_FAULT = "hidden-fault"
    """Shadow mode: the shadow lacks what the guest tables have; the guest never sees it."""
    GUEST_FAULT = "guest-fault"
    """Shadow mode: a true guest fault; the VMM reflects #PF into the guest."""
    PT_WRITE = "pt-write"
    """Shadow mode: the guest wrote a write-protected guest page-table page."""
    CR3_LOAD = "cr3-load"
    """Shadow mode: the guest loaded CR3 (context switch); the VMM switches shadow roots."""
    INVLPG = "invlpg"
    """Shadow mode: the guest invalidated one TLB entry; the VMM drops the shadow entry."""
    EPT_VIOLATION = "ept-violation"
    """Nested mode: the gPA has no usable nested entry (unbacked, swapped, shared on write)."""



_CAUSE_OF_EXIT = {r: Cause("vm-exit:" + r.value) for r in ExitReason}
_EXIT_OF_CAUSE = {c: r for r, c in _CAUSE_OF_EXIT.items()}

class PageState(Enum):
    """The state of a guest-physical page in the VMM's pmap (the seed's four states)."""

    UNMAPPED = "unmapped"
    """Never touched: no machine page yet; backed lazily on first touch."""
    PRIVATE = "private"
    """Backed by a machine page of its own."""
    SHARED = "shared"
    """Backed by a read-only machine page that other gPPNs map too (transparent page sharing)."""
    SWAPPED = "swapped"
    """Contents kept off machine memory, in the VM's swap file; the next touch swaps the page in."""
    BALLOONED = "ballooned"
    """Held by the guest's balloon driver (pinned, never used by the guest): the VMM has freed its
    machine page. The guest gets it back when the balloon deflates."""
    COMPRESSED = "compressed"
    """Contents compressed (to at most 2 KiB) into the VM's compression cache in machine memory;
    the next touch decompresses the page into a machine page of its own."""


class PmapReason(Enum):
    """Why a pmap entry changed."""

    BACK = "back"
    """First touch of an unmapped page: a zeroed machine page is allocated."""
    SHARE = "share"
    """Identical contents found: the gPPN now maps the shared machine page."""
    COW_BREAK = "cow-break"
    """A write to a shared page: the gPPN gets a private copy."""
    UNSHARE = "unshare"
    """The last other sharer left: the remaining gPPN's page becomes private again."""
    SWAP_OUT = "swap-out"
    """The page's contents were written out and its machine page freed."""
    SWAP_IN = "swap-in"
    """A touch of a swapped page read it back into a new machine page."""
    BALLOON = "balloon"
    """The balloon driver pinned the page and handed it to the VMM, which freed its machine page."""
    DEFLATE = "deflate"
    """The balloon deflated: the page is the guest's again (backed lazily on its next touch)."""
    COMPRESS = "compress"
    """The page's contents went into the VM's compression cache; its machine page was freed."""
    DECOMPRESS = "decompress"
    """A touch of a compressed page decompressed it into a new machine page."""


class GuestActionKind(Enum):
    """What the guest OS did (its #PF handler and its explicit operations)."""

    ALLOC_TABLE = "alloc-table"
    ALLOC_FRAME = "alloc-frame"
    ZERO_FRAME = "zero-frame"
    WRITE_PTE = "write-pte"
    FREE_FRAME = "free-frame"
    CR3_LOAD = "cr3-load"
    INVLPG = "invlpg"
    SEGV = "segv"
    OUT_OF_MEMORY = "out-of-memory"
    NOTHING_TO_DO = "nothing-to-do"
    FORK = "fork"
    """fork: the guest copies the parent's present user PTEs into the child (``process``),
    write-protecting them in both (Linux ``copy_present_pte``); ``gppn``: the child's PML4."""
    COPY_PAGE = "copy-page"
    """Copy-on-write break in the guest (Linux ``wp_page_copy``): a write to a page that another
    process still shares gets a new frame (``gppn``) with a copy of the old contents; costs
    ``page_copy``."""
    REUSE_PAGE = "reuse-page"
    """Copy-on-write fault by the last sharer (Linux ``wp_page_reuse``): the frame (``gppn``) is
    made writable again, no copy."""
    FLUSH_TLB_MM = "flush-tlb-mm"
    """The guest flushes one address space (``process``) by reloading its CR3 without the PCID
    no-flush bit (Linux ``flush_tlb_mm`` after fork, and at exit)."""
    EXIT = "exit"
    """exit: the guest tears down the address space of ``process`` (every user PTE and page
    table); frames no PTE maps any more are freed after the TLB flush."""
    BALLOON_INFLATE = "balloon-inflate"
    """The balloon driver allocated the frame ``gppn`` and pinned it for the VMM."""
    BALLOON_DEFLATE = "balloon-deflate"
    """The balloon driver gave the frame ``gppn`` back to the guest's free list."""
    SWAP_OUT = "swap-out"
    """The guest paged its page at ``gva`` (frame ``gppn``) out to its virtual disk (its least
    recently used page with the accessed flag clear: a second chance for the rest) and freed the frame."""
    SWAP_IN = "swap-in"
    """The guest's #PF handler read the page at ``gva`` back from its virtual disk into ``gppn``."""
    SPLIT_LARGE = "split-large"
    """The guest splits a 2 MiB page (``gppn``: its first frame) into a new page table of 512
    PTEs with the same frames and rights (Linux ``split_huge_pmd``)."""


class HostState(Enum):
    """The host's memory state from its free memory relative to ``minFree`` (vSphere 6): the state
    whose threshold free memory has fallen below, else high. Each threshold is the point below
    which its actions start."""

    HIGH = "high"
    """Free memory at least 100% of minFree. Below 400% the next sharing scan breaks large pages."""
    CLEAR = "clear"
    """Below 100%: large pages broken, pages shared actively."""
    SOFT = "soft"
    """Below 64%: sharing and ballooning."""
    HARD = "hard"
    """Below 32%: sharing, compression and swapping; ballooning stops."""
    LOW = "low"
    """Below 16%: compression and swapping, and a VM that allocates is blocked until memory frees."""


class ScanResult(Enum):
    """What the sharing scan found for one page (OSDI'02 §3.2: a hash, then a hint or a full compare)."""

    ZERO = "zero"
    """A page of zeros: shared with the zero page of its sharing domain."""
    SHARED = "shared"
    """Its hash matched a page's and a full compare confirmed it: the two now share one page."""
    HINT = "hint"
    """Its hash matched nothing: a hint entry remembers it (the page stays private)."""
    STALE = "stale"
    """Its hash matched a hint whose page has changed since (the compare failed): it becomes the hint."""
    LARGE = "large"
    """Part of a 2 MiB backing: not scanned while free memory is above 400% of minFree."""


class GuestNothing(Enum):
    """Why a guest operation had nothing to do."""

    ALREADY_MAPPED = "already mapped"
    NOT_MAPPED = "not mapped"
    ALREADY_READ_ONLY = "already read-only"
    CHILD_NOT_EMPTY = "the child already has an address space"
    """fork: the child process has page tables (it must exit before it can be a fork child)."""
    NOTHING_MAPPED = "nothing mapped"
    """exit: the process has no address space to tear down."""
    SWAPPED_OUT = "swapped out"
    """protect: the page is on the guest's swap space; it comes back read-only."""


class FlushScope(Enum):
    """How much of the TLB an invalidation covers."""

    ALL = "all"
    """Every entry (no VPID to tell VMs apart)."""
    VM = "vm"
    """Every entry of one VPID (INVVPID single-context) or of one EPT root (INVEPT single-context)."""
    ADDRESS_SPACE = "address-space"
    """Every entry of one PCID (or of the current address space without PCID)."""
    PAGE = "page"
    """The entries of one linear page (INVLPG, INVVPID individual-address)."""


class FlushReason(Enum):
    """Why TLB entries were invalidated."""

    VM_SWITCH_NO_VPID = "VM switch without VPID"
    """Entering another VM without VPID tags: nothing tells the VMs' entries apart."""
    VM_EXIT_NO_VPID = "VM exit and entry without VPID"
    """Without VPID every VM exit and every VM entry invalidates the linear and combined
    mappings (Intel SDM Vol. 3C, "Caching Translation Information", §29.4.3.1; §28.3.3.1 in
    older editions)."""
    VMM_RUN_NO_VPID = "VM entry after VMM work without VPID"
    """The VMM ran (a VMM operation between an exit and the next entry): without VPID the
    entry back into the guest invalidates the TLB."""
    CR3_NO_PCID = "CR3 load without PCID"
    """A CR3 load without PCID tags drops the address space's non-global entries (SDM §4.10.4.1)."""
    INVLPG = "INVLPG"
    """The guest invalidated one page (in shadow mode the VMM does it for the guest)."""
    SHADOW_ENTRY_DROPPED = "shadow entry invalidated"
    """Shadow mode: the VMM dropped shadow entries after a guest page-table write, so it
    invalidates their gVAs in the TLB (INVVPID of one address; of the whole VPID when a
    shadow table went)."""
    SHADOW_ROOT_EVICTED = "evicted shadow root"
    """The shadow root of an address space left the VMM's root cache; its PCID's entries go too."""
    PMAP_CHANGE = "pmap change"
    """Shadow mode: a guest-physical page lost its machine page or got a read-only or another
    one (sharing, copy-on-write, swapping); the VMM dropped the shadow entries that mapped it
    (found through its reverse map, so it knows their gVAs) and invalidates those gVAs
    (INVVPID of one address each; of the whole VPID when a shadow table went)."""
    ADDRESS_SPACE_FLUSH = "address-space flush"
    """The guest flushed one address space (a CR3 reload without the PCID no-flush bit: Linux
    ``flush_tlb_mm`` after fork and at exit)."""
    INVEPT = "INVEPT"
    """Nested mode: the VMM removed or downgraded a nested entry (sharing, copy-on-write, swapping)
    and makes it visible with INVEPT — single-context (every combined mapping of that VM's EPT
    root) or all-context. x86 cannot invalidate combined mappings by guest-physical address."""
    PAGE_FAULT = "page fault"
    """A page fault invalidates the TLB entries and the PML4E/PDPTE/PDE-cache entries that would
    be used for the faulting linear address (Intel SDM Vol. 3A §4.10.4.1), so the access retried
    after the handler walks the tables again from the top."""
    EPT_VIOLATION = "EPT violation"
    """An EPT violation invalidates the guest-physical mappings used for the faulting gPA and,
    where that gPA came from translating a linear address, the combined mappings for that linear
    address (Intel SDM Vol. 3C §29.4.3.1)."""


class ShadowZapReason(Enum):
    """Why the VMM dropped a shadow entry."""

    GUEST_PTE_WRITE = "guest PTE write"
    """The guest wrote the guest page-table entry it mirrors (the write-protected page exited)."""
    PMAP_CHANGE = "pmap change"
    """The guest-physical page it maps changed machine page (sharing, copy-on-write, swapping)."""
    INVLPG = "INVLPG"
    """The guest's INVLPG (which exits in shadow mode)."""


class Refusal(Enum):
    """Why a VMM operation of the scenario did nothing."""

    NO_VMM_SHARE = "no VMM in native mode: nothing to share"
    NO_VMM_SWAP = "no VMM in native mode: nothing to swap"
    SHARE_NOT_MAPPED = "not shared: a page is not mapped in the guest"
    SHARE_STATE = "not shared: {vm} gPPN 0x{gppn:x} is {state}"
    SHARE_PAGE_TABLE = "not shared: {vm} gPPN 0x{gppn:x} is a guest page-table page"
    ALREADY_SHARED = "already sharing one machine page"
    CONTENTS_DIFFER = "not shared: the contents differ (a hash match is confirmed by a full compare)"
    SWAP_NOT_MAPPED = "not swapped: the page is not mapped in the guest"
    SWAP_STATE = "not swapped: gPPN 0x{gppn:x} is {state}"


class WalkRef(NamedTuple):
    """One memory reference made by a page walk."""

    stage: Stage
    level: int
    """4 = PML4 (EPT PML4) … 1 = PT."""
    table: int
    """Address of the table: a gPA for guest tables, an MA for shadow and nested tables."""
    index: int
    """Which of the 512 entries."""
    entry: int
    """The 64-bit entry as read (before any A/D update)."""
    walker: Walker
    cost: int
    address: int
    """The address being translated: a gVA (guest and shadow walks) or, for nested references,
    the gPA."""

    cause = Cause.WALK


class WalkCache(Enum):
    """Which MMU cache answered part of a walk (``[mmu] design`` says whose caches these are)."""

    PML4E = "pml4e"
    """Intel PML4E cache: linear-address bits 47:39 → the PDPT (SDM Vol. 3A §4.10.3.1)."""
    PDPTE = "pdpte"
    """Intel PDPTE cache: bits 47:30 → the page directory."""
    PDE = "pde"
    """Intel PDE cache: bits 47:21 → the page table. Under EPT these three hold *combined*
    mappings: the host-physical address of the next guest table (SDM Vol. 3C §29.4.1)."""
    GPA = "gpa"
    """Intel guest-physical translation: gPA → MA, tagged by the EPT root (SDM Vol. 3C §29.4.1)."""
    EPT_PML4E = "ept-pml4e"
    """Intel EPT paging-structure caches (guest-physical mappings): gPA bits 47:39 → EPT PDPT,"""
    EPT_PDPTE = "ept-pdpte"
    """… bits 47:30 → EPT page directory,"""
    EPT_PDE = "ept-pde"
    """… bits 47:21 → EPT page table."""
    PWC = "pwc"
    """AMD page-walk cache: one upper-level entry (guest or nested) found by the machine address
    it is stored at (Bhargava et al., ASPLOS'08: the 2D PWC)."""
    NTLB = "ntlb"
    """AMD nested TLB: gPA → MA, so the gPA needs no nested walk (Bhargava et al.)."""


class WalkCacheHit(NamedTuple):
    """A walk used a cached entry instead of reading tables. A paging-structure cache
    (PML4E/PDPTE/PDE, or their EPT counterparts): the walk starts below the levels in
    ``skipped``; a translation cache (Intel's guest-physical translations, AMD's nested TLB):
    the gPA ``address`` needs no nested walk, ``skipped`` its EPT levels; AMD's page-walk cache:
    the one entry at level ``skipped[0]`` of the table at ``address`` came from the cache.
    ``saved``: the references the walk did not make."""

    stage: Stage
    cache: WalkCache
    skipped: tuple
    address: int
    """The table the walk goes on with (paging-structure caches: its gPA for guest tables, the
    host-physical address being cached for display only), the gPA (translations) or the table
    holding the cached entry (AMD's page-walk cache)."""
    saved: int
    gva: int
    cost: int = 0
    combined: bool = False
    """An Intel PML4E/PDPTE/PDE-cache hit under EPT: a combined mapping, which also spares the
    nested walks of the skipped guest tables and of the next one."""

    cause = Cause.WALK


class TlbMiss(Enum):
    """Why a TLB lookup did not answer the access."""

    ABSENT = "absent"
    """No entry for the page."""
    DENIED = "denied"
    """An entry whose cached rights forbid the access. The SDM allows either a #PF straight from
    the entry or a new walk (Vol. 3A §4.10.4.3); the model walks again, and the walk decides."""
    CLEAN = "clean"
    """A write through a writable entry whose dirty flag is clear: the CPU walks again to set D
    in the tables (the entry caches D; SDM Vol. 3A §4.8)."""


class TlbLookup(NamedTuple):
    """The TLB was asked for a translation of ``gvpn`` (a NamedTuple: one per access)."""

    hit: bool
    gvpn: int
    vpid: int
    pcid: int
    cost: int = 0
    miss: Optional[TlbMiss] = None
    """Why it missed (None for a hit)."""

    cause = Cause.TLB


class TlbFill(NamedTuple):
    """A translation gvpn → mpn entered the TLB (``evicted`` names the victim's gvpn: its first
    4 KiB page for a 2 MiB victim)."""

    gvpn: int
    mpn: int
    writable: bool
    evicted: Optional[int] = None
    cost: int = 0
    large: bool = False
    """A 2 MiB entry (it answers every 4 KiB page of its 2 MiB page)."""

    cause = Cause.TLB


@dataclass(frozen=True, slots=True)
class TlbFlush:
    """TLB entries were invalidated."""

    scope: FlushScope
    reason: FlushReason
    removed: int
    """How many TLB entries were dropped."""
    cost: int = 0
    vm: Optional[str] = None
    """INVEPT single-context: the VM whose EPT root's mappings went."""
    caches: int = 0
    """How many MMU-cache entries (paging-structure caches, guest-physical mappings, page-walk
    cache, nested TLB) went with them."""
    cause = Cause.TLB


@dataclass(frozen=True, slots=True)
class Fault:
    """A failed translation. Walks return this record; they never raise."""

    kind: FaultKind
    stage: Stage
    level: int
    """The level whose entry failed (for rights faults: the leaf level)."""
    address: int
    """The address being translated: a gVA (guest, shadow) or a gPA (nested)."""
    access: Access
    on_table: bool = False
    """Nested faults only: the failing gPA was a guest page-table page (QEMU's S2_GPT), not the
    data page (S2_GPA)."""
    table_level: int = 0
    """Nested faults on a guest table: the guest level of that table (4 = the PML4 …)."""
    cost: int = 0
    cause = Cause.FAULT


@dataclass(frozen=True, slots=True)
class VmExit:
    """The CPU left the guest; ``cost`` is the hardware round trip plus the VMM's handler."""

    reason: ExitReason
    address: int
    """The gVA (hidden and guest faults, INVLPG), gPA (EPT violation, page-table write) or CR3 concerned."""
    cost: int
    fault: Optional["Fault"] = None
    """GUEST_FAULT: the guest walk's fault (what the guest tables lack or deny); EPT_VIOLATION:
    the nested walk's fault (which nested level, and whether a guest table or the data page)."""

    @property
    def cause(self) -> Cause:
        return _CAUSE_OF_EXIT[self.reason]


@dataclass(frozen=True, slots=True)
class GuestPageFault:
    """A #PF delivered to the guest OS (directly in nested mode, reflected in shadow mode)."""

    gva: int
    kind: FaultKind
    cost: int
    level: int = 0
    """The guest level whose entry failed (4 = PML4 … 1 = PT; for rights faults the leaf)."""
    cause = Cause.GUEST_FAULT


@dataclass(frozen=True, slots=True)
class GuestAction:
    """Something the guest OS did: allocate a frame, write an entry, load CR3 …"""

    kind: GuestActionKind
    gppn: Optional[int] = None
    detail: str = ""
    """For the event table: what it did, in English (the narration uses the typed fields)."""
    cost: int = 0
    gva: Optional[int] = None
    """INVLPG, ALLOC_FRAME: the page concerned."""
    process: Optional[str] = None
    """CR3_LOAD: the process switched to."""
    why: Optional["GuestNothing"] = None
    """NOTHING_TO_DO: why."""
    fault: Optional[FaultKind] = None
    """SEGV: the fault the handler could not fix (None: out of memory)."""
    pages: int = 1
    """How many 4 KiB pages it covers (512 for a 2 MiB page allocated, zeroed or split)."""
    cause = Cause.GUEST


@dataclass(frozen=True, slots=True)
class ShadowFill:
    """The VMM wrote a shadow entry (``level`` 1 = leaf)."""

    gva: int
    level: int
    table: int
    """MA of the shadow table written."""
    index: int
    entry: int
    cost: int = 0
    cause = Cause.VMM


@dataclass(frozen=True, slots=True)
class ShadowInvalidate:
    """The VMM dropped a shadow entry (and any shadow tables below it)."""

    gva: int
    level: int
    table: int
    index: int
    reason: ShadowZapReason
    freed_tables: int = 0
    cost: int = 0
    cause = Cause.VMM


@dataclass(frozen=True, slots=True)
class ShadowRoot:
    """Shadow mode CR3 load: the VMM found (``cached``) or built a shadow root."""

    guest_cr3: int
    root: int
    cached: bool
    evicted: Optional[int] = None
    cost: int = 0
    cause = Cause.VMM


@dataclass(frozen=True, slots=True)
class EptUpdate:
    """The VMM wrote a nested (EPT) leaf entry for ``gppn`` (``entry`` 0 = removed)."""

    gppn: int
    entry: int
    cost: int = 0
    pages: int = 1
    """How many 4 KiB pages the entry maps (512: a 2 MiB EPT leaf)."""
    split: bool = False
    """The 2 MiB EPT leaf of ``gppn``'s block was split into a table of 512 4 KiB entries (the entry
    written is the new PD entry), so that one 4 KiB part can change."""
    cause = Cause.VMM


@dataclass(frozen=True, slots=True)
class PmapChange:
    """A pmap entry changed state or machine page."""

    vm: str
    gppn: int
    reason: PmapReason
    old_state: PageState
    new_state: PageState
    old_mpn: Optional[int]
    new_mpn: Optional[int]
    cost: int = 0
    pages: int = 1
    """How many 4 KiB pages changed together (512: a 2 MiB block backed by one 2 MiB machine page)."""
    cause = Cause.PMAP


@dataclass(frozen=True, slots=True)
class AdUpdate:
    """A walker set the accessed (and dirty) bit of an entry."""

    stage: Stage
    level: int
    table: int
    index: int
    bits: str
    """"A", "D" or "AD"."""
    walker: Walker
    cost: int = 0
    cause = Cause.AD


@dataclass(frozen=True, slots=True)
class VmSwitch:
    """The physical CPU switched from one VM to another."""

    from_vm: Optional[str]
    to_vm: str
    cost: int
    cause = Cause.VM_SWITCH


@dataclass(frozen=True, slots=True)
class HostStateChange:
    """The host's memory state changed (free memory crossed a threshold of minFree)."""

    old: HostState
    new: HostState
    free: int
    """Free machine pages (of the guest-backing pool)."""
    min_free: int
    """minFree in pages."""
    cost: int = 0
    cause = Cause.NOTE


@dataclass(frozen=True, slots=True)
class ShareScan:
    """The sharing scan hashed one page."""

    vm: str
    gppn: int
    result: ScanResult
    hash: int
    """The page's 64-bit content hash."""
    other: Optional[tuple] = None
    """SHARED: the (vm, gPPN) it now shares a machine page with (the first such page)."""
    cost: int = 0
    cause = Cause.RECLAIM


class DataAccess(NamedTuple):
    """The access itself reached machine memory (a NamedTuple: one per access)."""

    access: Access
    gva: int
    gpa: int
    ma: int
    value: int
    cost: int = 0

    cause = Cause.DATA


@dataclass(frozen=True, slots=True)
class Note:
    """A VMM operation of the scenario that did nothing, and why."""

    refusal: Refusal
    vm: Optional[str] = None
    gppn: Optional[int] = None
    state: Optional[PageState] = None
    cost: int = 0
    cause = Cause.NOTE

    @property
    def text(self) -> str:
        return self.refusal.value.format(vm=self.vm, gppn=self.gppn or 0,
                                         state=self.state.value if self.state else "")


Event = object  # any of the records above
