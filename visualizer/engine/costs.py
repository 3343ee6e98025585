"""The cost model: cycles per event, with defaults, sources and presets (DOMAIN.md §9).

All values are cycles at about 3 GHz and every one is user-editable. Values marked
``estimate=True`` are this project's estimates, not measurements; the UI says so.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class CostInfo:
    name: str
    default: int
    label: str
    source: str
    estimate: bool = False


MAX_COST = 10**9
"""Largest cost of one event, in cycles (a second at 1 GHz; larger values overflow counters)."""

COSTS: tuple[CostInfo, ...] = (
    CostInfo("tlb_hit", 0, "TLB hit", "Overlapped with the L1 cache lookup."),
    CostInfo("walk_ref", 40, "One page-walk memory reference",
             "Intel Nehalem load latencies: L1 4, L2 10, L3 40, DRAM ~200 cycles."),
    CostInfo("vmm_walk_ref", 40, "One reference of the VMM's software walk of the guest tables",
             "Estimate: like a hardware walk reference (an L3 hit), though the VMM's reads of guest "
             "page-table entries also pay for its own lookups.", estimate=True),
    CostInfo("vm_exit", 600, "VM exit + entry, hardware round trip",
             "RDTSC round trips (yulyugin/vmlatency): Core2 ~1,681; Westmere ~713; "
             "Coffee Lake ~535; Skylake-SP ~634."),
    CostInfo("vmm_handler", 1400, "VMM handler work per exit (beyond the round trip)",
             "Estimate. SplitX (WIOV'11) measured ~2,000 cycles for the bare round trip "
             "(guest → VMM → guest) on a Nehalem Xeon, and says handling the exit can cost an order "
             "of magnitude more.", estimate=True),
    CostInfo("guest_fault", 1000, "Guest #PF handler (entry, lookup, return)",
             "Estimate: exception delivery plus a short handler.", estimate=True),
    CostInfo("page_zero", 1000, "Zeroing a 4 KiB page", "Estimate: 4 KiB of stores plus cache misses.",
             estimate=True),
    CostInfo("page_copy", 2000, "Copying a 4 KiB page (copy-on-write break)",
             "Estimate: 4 KiB of loads and stores.", estimate=True),
    CostInfo("decompress", 60000, "Decompressing a page from the compression cache",
             "vSphere docs: about 20 µs."),
    CostInfo("swap_in", 3000000, "Swapping a page in from disk",
             "vSphere docs: milliseconds; 1 ms at 3 GHz.", estimate=True),
    CostInfo("vm_switch", 3000, "Switching the CPU to another VM (world switch)",
             "Estimate: two exit/entry round trips plus VMM state switch.", estimate=True),
    CostInfo("compress", 90000, "Compressing a page into the compression cache",
             "Estimate: about 30 µs, a few times decompression (zlib-class compressors compress several "
             "times slower than they decompress). Charged to a VM only while it waits for it.", estimate=True),
    CostInfo("swap_out", 3000000, "Writing a page out to disk",
             "Estimate: like a swap-in (milliseconds). Charged to a VM only while it waits for it (the host "
             "blocking it in the low state); other writes, the host's and the guest's own page-outs, go out in "
             "the background — what a VM waits for is reading a page back.", estimate=True),
    CostInfo("share_scan", 4000, "Hashing one page for the sharing scan",
             "Estimate: a 64-bit hash of 4 KiB. Background work of the host: not charged to a VM.",
             estimate=True),
)

PRESETS_WALK_REF = {"L1": 4, "L2": 10, "L3": 40, "DRAM": 200}
"""Cost of one walk reference by where the entry is found (Intel Nehalem latencies)."""
PRESETS_VM_EXIT = {"newer CPU": 600, "older CPU (Core 2)": 1700}
"""Hardware exit round trip (yulyugin/vmlatency)."""


@dataclass(frozen=True, slots=True)
class CostTable:
    """Cycles per event. ``CostTable(walk_ref=200)`` overrides one value."""

    tlb_hit: int = 0
    walk_ref: int = 40
    vmm_walk_ref: int = 40
    vm_exit: int = 600
    vmm_handler: int = 1400
    guest_fault: int = 1000
    page_zero: int = 1000
    page_copy: int = 2000
    decompress: int = 60000
    swap_in: int = 3000000
    vm_switch: int = 3000
    compress: int = 90000
    swap_out: int = 3000000
    share_scan: int = 4000

    @property
    def exit_total(self) -> int:
        """A VMM-handled exit: round trip plus handler (2,000 by default; its software walk, if
        any, is counted apart as ``vmm_walk_ref`` per reference)."""
        return self.vm_exit + self.vmm_handler

    def with_overrides(self, values: dict) -> "CostTable":
        """Return a copy with ``values`` applied; unknown names or negative values raise."""
        known = {f.name for f in fields(self)}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown cost '{key}' (known: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"cost '{key}' must be a whole number of cycles ≥ 0, got {value!r}")
            if value > MAX_COST:
                raise ValueError(f"cost '{key}': {value} cycles is more than the limit of {MAX_COST:,}")
        return replace(self, **values)

    def as_dict(self) -> dict:
        return asdict(self)


assert [c.name for c in COSTS] == [f.name for f in fields(CostTable)]
assert all(c.default == getattr(CostTable(), c.name) for c in COSTS)
