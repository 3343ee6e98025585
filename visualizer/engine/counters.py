"""The record of one operation (:class:`Step`) and the running totals per VM (:class:`Counters`).

Counts are derived from the events in one place, :meth:`Counters.fold`, so a counter always
counts what its name says: ``walk_refs`` the references of the CPU's page walker,
``vmm_walk_refs`` the VMM's software reads of guest tables (shadow mode, on an exit).
"""
from __future__ import annotations

from enum import StrEnum
from typing import Iterable, NamedTuple, Optional

from .events import Cause, ExitReason, GuestAction, GuestActionKind as GA, GuestPageFault, TlbLookup, VmExit, Walker, WalkRef
from .ops import Op


class TlbOutcome(StrEnum):
    """What the first TLB lookup of an operation found."""

    HIT = "hit"
    MISS = "miss"
    NONE = ""
    """The operation made no access."""


class StepFault(StrEnum):
    """A fault an operation met (the CSV's ``fault`` column joins them with "+")."""

    GUEST_PF = "guest-pf"
    """A #PF delivered to the guest (directly, or reflected by the VMM)."""
    HIDDEN_FAULT = "hidden-fault"
    """Shadow mode: an exit to fill or fix the shadow (the guest never sees it)."""
    EPT_VIOLATION = "ept-violation"
    """Nested mode: the nested tables lacked a usable entry."""
    SEGV = "segv"
    """The guest could not fix its fault: the access was aborted."""


class Step(NamedTuple):
    """The record of one operation (immutable; a NamedTuple because one is made per access)."""

    index: int
    op: Op
    events: tuple
    gpa: Optional[int]
    ma: Optional[int]
    tlb: TlbOutcome
    faults: tuple
    """The :class:`StepFault` s it met, in order of first occurrence."""
    value: Optional[int]
    cycles: int
    walk_refs: int
    """References of the CPU's page walker."""
    vm_exits: int
    vmm_walk_refs: int = 0
    """References of the VMM's software walks of the guest tables."""
    episodes: tuple = ()
    """The :class:`~visualizer.engine.record.Episode` s that group ``events``, in the order they
    began (an episode inside another follows it)."""
    design: str = "intel"
    """The machine's MMU design ("intel" or "amd"): whose names the record's events go by."""

    @property
    def fault(self) -> str:
        """The faults as the CSV writes them, e.g. "guest-pf+hidden-fault" ("" none)."""
        return "+".join(self.faults)


_FAULT_OF_EXIT = {ExitReason.HIDDEN_FAULT: StepFault.HIDDEN_FAULT, ExitReason.EPT_VIOLATION: StepFault.EPT_VIOLATION}


class Counters:
    """Running totals for one VM, derived from events in one place (:meth:`fold`)."""

    __slots__ = ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "vmm_walk_refs", "vm_exits", "guest_faults",
                 "cycles", "by_cause", "ops")

    def __init__(self):
        self.accesses = self.tlb_hits = self.tlb_misses = self.walk_refs = self.vmm_walk_refs = 0
        self.guest_faults = self.cycles = self.ops = 0
        self.vm_exits: dict[str, int] = {}
        self.by_cause: dict[Cause, int] = {}
        """Cycles per :class:`~visualizer.engine.events.Cause` (a typed value; ``as_dict`` writes
        its name, e.g. "vm-exit:hidden-fault")."""

    def fold(self, events: Iterable, is_access: bool, count_op: bool = True) -> tuple[int, int, int, TlbOutcome, tuple, int]:
        """Add one operation's events. Returns for that operation: (cycles, CPU walk references,
        VM exits, the outcome of its first TLB lookup, the faults it met, VMM walk references).
        ``count_op`` False: work the VM did apart from an operation of its own (its balloon
        driver's, during the host's reclamation pass) — its costs count, no operation does."""
        cycles = refs = vrefs = exits = walk_cycles = vwalk_cycles = 0
        by = self.by_cause
        tlb = TlbOutcome.NONE
        faults: list[StepFault] = []
        for ev in events:
            cls = ev.__class__
            if cls is WalkRef:
                if ev[5] is Walker.CPU:
                    refs += 1
                    walk_cycles += ev[6]
                else:
                    vrefs += 1
                    vwalk_cycles += ev[6]
                continue
            c = ev.cost
            if cls is TlbLookup:
                if not tlb and count_op:
                    if ev.hit:
                        self.tlb_hits += 1
                        tlb = TlbOutcome.HIT
                    else:
                        self.tlb_misses += 1
                        tlb = TlbOutcome.MISS
            elif cls is VmExit:
                exits += 1
                r = ev.reason.value
                self.vm_exits[r] = self.vm_exits.get(r, 0) + 1
                cause = ev.cause
                by[cause] = by.get(cause, 0) + c
                cycles += c
                label = _FAULT_OF_EXIT.get(ev.reason)
                if label and label not in faults:
                    faults.append(label)
                continue
            elif cls is GuestPageFault:
                self.guest_faults += 1
                if StepFault.GUEST_PF not in faults:
                    faults.append(StepFault.GUEST_PF)
            elif cls is GuestAction and ev.kind is GA.SEGV:
                faults.append(StepFault.SEGV)
            if c:
                cycles += c
                by[ev.cause] = by.get(ev.cause, 0) + c
        if refs:
            cycles += walk_cycles
            by[Cause.WALK] = by.get(Cause.WALK, 0) + walk_cycles
        if vrefs:
            cycles += vwalk_cycles
            by[Cause.VMM_WALK] = by.get(Cause.VMM_WALK, 0) + vwalk_cycles
        if count_op:
            self.ops += 1
        if is_access:
            self.accesses += 1
        self.walk_refs += refs
        self.vmm_walk_refs += vrefs
        self.cycles += cycles
        return cycles, refs, exits, tlb, tuple(faults), vrefs

    def add_hits(self, n: int, cost: int) -> None:
        """Bulk path: ``n`` accesses that hit the TLB."""
        self.accesses += n
        self.ops += n
        self.tlb_hits += n
        if cost:
            self.cycles += n * cost
            self.by_cause[Cause.TLB] = self.by_cause.get(Cause.TLB, 0) + n * cost

    def add_quiet_misses(self, n: int, refs: int, ref_cost: int) -> None:
        """Bulk path: ``n`` accesses that missed the TLB and walked ``refs`` references in all,
        with nothing else to do."""
        self.accesses += n
        self.ops += n
        self.tlb_misses += n
        self.walk_refs += refs
        if refs and ref_cost:
            self.cycles += refs * ref_cost
            self.by_cause[Cause.WALK] = self.by_cause.get(Cause.WALK, 0) + refs * ref_cost

    def merge(self, other: "Counters") -> None:
        for k in ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "vmm_walk_refs", "guest_faults", "cycles", "ops"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k, v in other.vm_exits.items():
            self.vm_exits[k] = self.vm_exits.get(k, 0) + v
        for k, v in other.by_cause.items():
            self.by_cause[k] = self.by_cause.get(k, 0) + v

    def as_dict(self) -> dict:
        return {"accesses": self.accesses, "tlb_hits": self.tlb_hits, "tlb_misses": self.tlb_misses,
                "walk_refs": self.walk_refs, "vmm_walk_refs": self.vmm_walk_refs,
                "vm_exits": sum(self.vm_exits.values()),
                "vm_exits_by_reason": dict(sorted(self.vm_exits.items())),
                "guest_faults": self.guest_faults, "cycles": self.cycles,
                "cycles_by_cause": dict(sorted((c.value, v) for c, v in self.by_cause.items())), "operations": self.ops}
