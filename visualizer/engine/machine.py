"""The machine: memories, VMs, the mode's MMU, the TLB — and the step that ties them together.

``Machine.execute(op)`` performs one operation and returns a :class:`Step`: the ordered,
immutable record of everything it caused. ``Machine.run_bulk`` runs a long trace with the same
semantics but keeps no records: TLB hits take a short path, everything else goes through the
same ``execute`` and is folded into the counters.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, NamedTuple, Optional

from .costs import CostTable
from .events import (Access, DataAccess, EptUpdate, ExitReason, Fault, FaultKind, FlushScope,
                     GuestAction, GuestActionKind as GA, GuestPageFault, Note, PageState,
                     PmapChange, PmapReason, ShadowRoot, Stage, TlbFill, TlbFlush, TlbLookup,
                     VmExit, VmSwitch, Walker, WalkRef)
from .guest import GuestOS, Process
from .memory import PAGE_SHIFT, PAGE_SIZE, MachineMemory
from .nested import NestedTables
from .paging import EPT, EPT_PS, EPT_R, EPT_W, EPT_X, FRAME_MASK, X86, Translation, peek, walk
from .pmap import Pmap
from .shadow import ShadowTables
from .tlb import PCID_SHIFT, VPID_SHIFT, Tlb, TlbEntry

MAX_RETRIES = 16
_tnew = tuple.__new__
_ACCESS_BITS = {Access.READ: 0, Access.WRITE: 1 << 62, Access.EXEC: 2 << 62}
_NOT_RESIDENT = Fault(FaultKind.NOT_PRESENT, Stage.GUEST, 0, 0, Access.READ)


_PURE_EVENTS = frozenset({TlbLookup, TlbFill, TlbFlush, DataAccess, VmSwitch, WalkRef, Fault, GuestPageFault,
                          Note, VmExit})
_PURE_GUEST_ACTIONS = frozenset({GA.CR3_LOAD, GA.INVLPG, GA.NOTHING_TO_DO, GA.SEGV, GA.OUT_OF_MEMORY})


def _changes_tables(ev) -> bool:
    """Whether an event may have changed memory a walk reads (guest, shadow or nested tables,
    A/D bits, the pmap, the current shadow root). Conservative: unknown kinds count as changes."""
    cls = ev.__class__
    if cls in _PURE_EVENTS:
        return False
    if cls is GuestAction:
        return ev.kind not in _PURE_GUEST_ACTIONS
    if cls is ShadowRoot:
        return not ev.cached
    return True


class Mode(Enum):
    """How memory is virtualized."""

    NATIVE = "native"
    """No virtualization: the guest's tables are walked directly (4 references); the baseline."""
    SHADOW = "shadow"
    """Software: the VMM keeps shadow tables gVA → MA; the CPU walks those."""
    NESTED = "nested"
    """Hardware-assisted: the CPU walks guest tables and nested (EPT) tables in two dimensions."""


class OpKind(Enum):
    READ = "read"
    WRITE = "write"
    EXEC = "exec"
    MAP = "map"
    UNMAP = "unmap"
    PROTECT = "protect"
    SWITCH = "switch"
    INVLPG = "invlpg"
    SHARE = "share"
    SWAP_OUT = "swap_out"


ACCESS_OPS = {OpKind.READ: Access.READ, OpKind.WRITE: Access.WRITE, OpKind.EXEC: Access.EXEC}
OP_CODES = list(OpKind)
"""Op kind ↔ small integer, for numpy traces."""


@dataclass(frozen=True, slots=True)
class Op:
    """One trace operation.

    Accesses and guest operations name ``vm``, ``process`` and ``gva``. ``share`` and
    ``swap_out`` are VMM operations on guest-physical pages, named either by ``gpa`` or by a
    mapped ``gva`` of a ``process``; ``share`` names its second page with the ``with_`` fields.
    """

    kind: OpKind
    vm: str
    process: Optional[str] = None
    gva: Optional[int] = None
    value: int = 0
    gpa: Optional[int] = None
    with_vm: Optional[str] = None
    with_process: Optional[str] = None
    with_gva: Optional[int] = None
    with_gpa: Optional[int] = None

    def describe(self) -> str:
        gva = None if self.kind is OpKind.SWITCH else self.gva  # a switch has no address (traces store 0)
        where = f" 0x{gva:x}" if gva is not None else (f" gPA 0x{self.gpa:x}" if self.gpa is not None else "")
        who = f"{self.vm}/{self.process}" if self.process else self.vm
        extra = f" = 0x{self.value:x}" if self.kind is OpKind.WRITE else ""
        if self.kind is OpKind.SHARE:
            other = f"0x{self.with_gva:x}" if self.with_gva is not None else f"gPA 0x{(self.with_gpa or 0):x}"
            extra = f" with {self.with_vm or self.vm}/{self.with_process or ''} {other}"
        return f"{self.kind.value} {who}{where}{extra}"


@dataclass(frozen=True, slots=True)
class VmConfig:
    name: str
    pages: int
    processes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MachineConfig:
    frames: int
    vms: tuple[VmConfig, ...]
    seed: int = 0
    tlb_entries: int = 64
    tlb_ways: int = 4
    vpid: bool = True
    pcid: bool = True
    root_cache: int = 4
    costs: CostTable = field(default_factory=CostTable)


class Step(NamedTuple):
    """The record of one operation (immutable; a NamedTuple because one is made per access)."""

    index: int
    op: Op
    events: tuple
    gpa: Optional[int]
    ma: Optional[int]
    tlb: str
    """"hit", "miss" or "" (not an access)."""
    fault: str
    """The faults it met, e.g. "hidden-fault" or "guest-pf+ept-violation" ("" none)."""
    value: Optional[int]
    cycles: int
    walk_refs: int
    vm_exits: int


_FAULT_LABEL = {ExitReason.HIDDEN_FAULT: "hidden-fault", ExitReason.EPT_VIOLATION: "ept-violation"}


class Counters:
    """Running totals for one VM, derived from events in one place (:meth:`fold`)."""

    __slots__ = ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "vm_exits", "guest_faults",
                 "cycles", "by_cause", "ops")

    def __init__(self):
        self.accesses = self.tlb_hits = self.tlb_misses = self.walk_refs = 0
        self.guest_faults = self.cycles = self.ops = 0
        self.vm_exits: dict[str, int] = {}
        self.by_cause: dict[str, int] = {}

    def fold(self, events: Iterable, is_access: bool) -> tuple[int, int, int, str, str]:
        """Add one operation's events. Returns for that operation: (cycles, walk refs, VM exits,
        "hit"/"miss"/"" of its first TLB lookup, the faults it met joined by "+")."""
        cycles = refs = exits = walk_cycles = 0
        by = self.by_cause
        tlb = ""
        faults: list[str] = []
        for ev in events:
            cls = ev.__class__
            if cls is WalkRef:
                refs += 1
                walk_cycles += ev[6]
                continue
            c = ev.cost
            if cls is TlbLookup:
                if not tlb:
                    if ev.hit:
                        self.tlb_hits += 1
                        tlb = "hit"
                    else:
                        self.tlb_misses += 1
                        tlb = "miss"
            elif cls is VmExit:
                exits += 1
                r = ev.reason.value
                self.vm_exits[r] = self.vm_exits.get(r, 0) + 1
                by["vm-exit:" + r] = by.get("vm-exit:" + r, 0) + c
                cycles += c
                label = _FAULT_LABEL.get(ev.reason)
                if label and label not in faults:
                    faults.append(label)
                continue
            elif cls is GuestPageFault:
                self.guest_faults += 1
                if "guest-pf" not in faults:
                    faults.append("guest-pf")
            elif cls is GuestAction and ev.kind is GA.SEGV:
                faults.append("segv")
            if c:
                cycles += c
                by[ev.cause] = by.get(ev.cause, 0) + c
        if refs:
            cycles += walk_cycles
            by["walk"] = by.get("walk", 0) + walk_cycles
        self.ops += 1
        if is_access:
            self.accesses += 1
        self.walk_refs += refs
        self.cycles += cycles
        return cycles, refs, exits, tlb, "+".join(faults)

    def add_hits(self, n: int, cost: int) -> None:
        """Bulk path: ``n`` accesses that hit the TLB."""
        self.accesses += n
        self.ops += n
        self.tlb_hits += n
        if cost:
            self.cycles += n * cost
            self.by_cause["tlb"] = self.by_cause.get("tlb", 0) + n * cost

    def add_quiet_misses(self, n: int, refs: int, ref_cost: int) -> None:
        """Bulk path: ``n`` accesses that missed the TLB and walked ``refs`` references in all,
        with nothing else to do."""
        self.accesses += n
        self.ops += n
        self.tlb_misses += n
        self.walk_refs += refs
        if refs and ref_cost:
            self.cycles += refs * ref_cost
            self.by_cause["walk"] = self.by_cause.get("walk", 0) + refs * ref_cost

    def merge(self, other: "Counters") -> None:
        for k in ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "guest_faults", "cycles", "ops"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k, v in other.vm_exits.items():
            self.vm_exits[k] = self.vm_exits.get(k, 0) + v
        for k, v in other.by_cause.items():
            self.by_cause[k] = self.by_cause.get(k, 0) + v

    def as_dict(self) -> dict:
        return {"accesses": self.accesses, "tlb_hits": self.tlb_hits, "tlb_misses": self.tlb_misses,
                "walk_refs": self.walk_refs, "vm_exits": sum(self.vm_exits.values()),
                "vm_exits_by_reason": dict(sorted(self.vm_exits.items())),
                "guest_faults": self.guest_faults, "cycles": self.cycles,
                "cycles_by_cause": dict(sorted(self.by_cause.items())), "operations": self.ops}


@dataclass(slots=True)
class Vm:
    name: str
    index: int
    vpid: int
    pmap: Pmap
    guest: GuestOS
    ept_root: Optional[int] = None
    shadow_root: Optional[int] = None


class Machine:
    """One physical machine running the scenario's VMs in one mode."""

    def __init__(self, config: MachineConfig, mode: Mode):
        self.config = config
        self.mode = mode
        self.costs = config.costs
        self.mem = MachineMemory(config.frames, config.seed)
        self.tlb = Tlb(config.tlb_entries, config.tlb_ways)
        self.vms: dict[str, Vm] = {}
        self.sharers: dict[int, set[tuple[str, int]]] = {}
        """Shared MPN → the (vm, gPPN) pages mapping it."""
        self.shadow = ShadowTables(self.mem, config.root_cache) if mode is Mode.SHADOW else None
        self.ept = NestedTables(self.mem) if mode is Mode.NESTED else None
        self.current_vm: Optional[Vm] = None
        self.steps_done = 0
        self._walk_memo: dict[int, tuple] = {}
        self._walk_gen = 0
        boot: list = []
        for i, vc in enumerate(config.vms):
            vm = Vm(vc.name, i, i + 1, Pmap(vc.pages), None)  # type: ignore[arg-type]
            vm.guest = GuestOS(vc.name, vc.pages, self, self.costs)
            self.vms[vc.name] = vm
            if self.ept is not None:
                vm.ept_root = self.ept.create(vc.name)
            for p in vc.processes:
                vm.guest.create_process(p, boot)
            if self.shadow is not None:
                vm.shadow_root = self.shadow.get_root(vc.name, vm.guest.current.root_gppn)[0]
        self.counters: dict[str, Counters] = {name: Counters() for name in self.vms}

    # -- copying (checkpoints) ---------------------------------------------------------------
    def clone(self) -> "Machine":
        """An independent copy (for checkpoints and replays)."""
        c = Machine.__new__(Machine)
        c.config, c.mode, c.costs = self.config, self.mode, self.costs
        c.mem = copy.deepcopy(self.mem)
        c.tlb = Tlb(self.config.tlb_entries, self.config.tlb_ways)
        c.tlb.sets = [dict(s) for s in self.tlb.sets]
        c.sharers = {k: set(v) for k, v in self.sharers.items()}
        c.shadow = self.shadow.copy_onto(c.mem) if self.shadow is not None else None
        c.ept = self.ept.copy_onto(c.mem) if self.ept is not None else None
        c.steps_done = self.steps_done
        c._walk_memo, c._walk_gen = {}, 0
        c.vms = {}
        for name, vm in self.vms.items():
            pm = Pmap.__new__(Pmap)
            pm.pages, pm.mpn, pm.state, pm.swap = vm.pmap.pages, list(vm.pmap.mpn), list(vm.pmap.state), dict(vm.pmap.swap)
            g = copy.copy(vm.guest)
            g.port = c
            g._free = list(vm.guest._free)
            g.pt_pages = set(vm.guest.pt_pages)
            g.processes = {k: Process(p.name, p.pcid, p.root_gppn) for k, p in vm.guest.processes.items()}
            g.current = g.processes[vm.guest.current.name] if vm.guest.current else None
            c.vms[name] = Vm(vm.name, vm.index, vm.vpid, pm, g, vm.ept_root, vm.shadow_root)
        c.current_vm = c.vms[self.current_vm.name] if self.current_vm else None
        c.counters = {}
        for name, ct in self.counters.items():
            n = Counters()
            n.merge(ct)
            c.counters[name] = n
        return c

    # -- tags --------------------------------------------------------------------------------
    def _vpid_tag(self, vm: Vm) -> int:
        return vm.vpid if (self.config.vpid or self.mode is Mode.NATIVE) else 0

    def _pcid_tag(self, proc: Process) -> int:
        return proc.pcid if self.config.pcid else 0

    def tlb_tag(self, vm: Vm, proc: Process) -> int:
        return self._pcid_tag(proc) << PCID_SHIFT | self._vpid_tag(vm) << VPID_SHIFT

    # -- guest-physical memory as the guest kernel touches it (GuestMemoryPort) --------------
    def _resident(self, vm: Vm, gppn: int, write: bool, events: list) -> int:
        pm = vm.pmap
        st = pm.state[gppn]
        if st is PageState.PRIVATE or (st is PageState.SHARED and not write):
            return pm.mpn[gppn]
        if self.mode is Mode.SHADOW:
            events.append(VmExit(ExitReason.HIDDEN_FAULT, gppn << PAGE_SHIFT, self.costs.exit_total))
        elif self.mode is Mode.NESTED:
            events.append(VmExit(ExitReason.EPT_VIOLATION, gppn << PAGE_SHIFT, self.costs.exit_total))
        return self._vmm_fix(vm, gppn, write, events)

    def kernel_read(self, guest: GuestOS, gpa: int, events: list) -> int:
        vm = self.vms[guest.vm_name]
        return self.mem.q[(self._resident(vm, gpa >> PAGE_SHIFT, False, events) << 9) + ((gpa & 0xFFF) >> 3)]

    def kernel_write(self, guest: GuestOS, gpa: int, value: int, events: list) -> None:
        vm = self.vms[guest.vm_name]
        gppn = gpa >> PAGE_SHIFT
        mpn = self._resident(vm, gppn, True, events)
        slot = (mpn << 9) + ((gpa & 0xFFF) >> 3)
        if self.shadow is not None and self.shadow.is_tracked(vm.name, gppn):
            # the page is write-protected: the write exits and the VMM emulates it
            events.append(VmExit(ExitReason.PT_WRITE, gpa, self.costs.exit_total))
            self.mem.q[slot] = value
            zapped = self.shadow.on_gpt_write(vm.name, gppn, (gpa & 0xFFF) >> 3, events)
            self._flush_zapped(vm, zapped, "shadow entry invalidated", events)
        else:
            self.mem.q[slot] = value

    def kernel_zero(self, guest: GuestOS, gppn: int, events: list) -> None:
        vm = self.vms[guest.vm_name]
        self.mem.zero(self._resident(vm, gppn, True, events))

    # -- the VMM -----------------------------------------------------------------------------
    def _vmm_fix(self, vm: Vm, gppn: int, write: bool, events: list) -> int:
        """Make ``gppn`` resident (and private, for a write); returns its MPN."""
        pm = vm.pmap
        st = pm.state[gppn]
        virt = self.mode is not Mode.NATIVE
        if st is PageState.UNMAPPED:
            mpn = self.mem.alloc()
            pm.set(gppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(vm.name, gppn, PmapReason.BACK, st, PageState.PRIVATE, None, mpn,
                                     self.costs.page_zero if virt else 0))
            self._pmap_changed(vm, gppn, events, stale=False)
        elif st is PageState.SWAPPED:
            mpn = self.mem.alloc()
            self.mem.load_page(mpn, pm.swap.pop(gppn))
            pm.set(gppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(vm.name, gppn, PmapReason.SWAP_IN, st, PageState.PRIVATE, None, mpn,
                                     self.costs.swap_in))
            self._pmap_changed(vm, gppn, events, stale=False)
        elif st is PageState.SHARED and write:
            self._break_share(vm, gppn, events)
        return pm.mpn[gppn]

    def _pmap_changed(self, vm: Vm, gppn: int, events: list, stale: bool = True) -> None:
        """Propagate a pmap change to the MMU structures; ``stale``: old translations may exist."""
        st = vm.pmap.state[gppn]
        if self.ept is not None:
            e = self.ept.set_leaf(vm.name, gppn, vm.pmap.lookup(gppn), st is PageState.PRIVATE)
            events.append(EptUpdate(gppn, e))
        if stale:
            if self.shadow is not None:
                self.shadow.zap_gppn(vm.name, gppn, "pmap change", events)
            n = self.tlb.flush_gppn(self._vpid_tag(vm), gppn) if self._vpid_tag(vm) else self.tlb.flush_all()
            events.append(TlbFlush(FlushScope.PAGE, f"gPPN 0x{gppn:x} remapped", n))

    def _break_share(self, vm: Vm, gppn: int, events: list) -> None:
        pm = vm.pmap
        old = pm.mpn[gppn]
        new = self.mem.alloc()
        self.mem.copy_page(old, new)
        pm.set(gppn, PageState.PRIVATE, new)
        events.append(PmapChange(vm.name, gppn, PmapReason.COW_BREAK, PageState.SHARED, PageState.PRIVATE,
                                 old, new, self.costs.page_copy))
        self._pmap_changed(vm, gppn, events)
        self._leave_share(old, (vm.name, gppn), events)

    def _leave_share(self, mpn: int, page: tuple[str, int], events: list) -> None:
        group = self.sharers[mpn]
        group.discard(page)
        if len(group) == 1:
            (ovm_name, ogppn), = group
            del self.sharers[mpn]
            ovm = self.vms[ovm_name]
            ovm.pmap.set(ogppn, PageState.PRIVATE, mpn)
            events.append(PmapChange(ovm_name, ogppn, PmapReason.UNSHARE, PageState.SHARED,
                                     PageState.PRIVATE, mpn, mpn))
            self._pmap_changed(ovm, ogppn, events)
        elif not group:
            del self.sharers[mpn]
            self.mem.free(mpn)

    def _page_of(self, vm: Vm, process: Optional[str], gva: Optional[int], gpa: Optional[int]) -> Optional[int]:
        if gpa is not None:
            return gpa >> PAGE_SHIFT
        proc = vm.guest.processes[process] if process else vm.guest.current
        r = self.guest_translate(vm.name, proc.name, gva)
        return None if r is None else r >> PAGE_SHIFT

    def share(self, op: Op, events: list) -> None:
        """Transparent page sharing: point two gPPNs with identical contents at one read-only
        machine page (Waldspurger, OSDI'02) and free the duplicate."""
        if self.mode is Mode.NATIVE:
            events.append(Note("no VMM in native mode: nothing to share"))
            return
        a_vm, b_vm = self.vms[op.vm], self.vms[op.with_vm or op.vm]
        a = self._page_of(a_vm, op.process, op.gva, op.gpa)
        b = self._page_of(b_vm, op.with_process, op.with_gva, op.with_gpa)
        if a is None or b is None:
            events.append(Note("not shared: a page is not mapped in the guest"))
            return
        pa, pb = a_vm.pmap, b_vm.pmap
        for v, g in ((a_vm, a), (b_vm, b)):
            if v.pmap.state[g] in (PageState.UNMAPPED, PageState.SWAPPED):
                events.append(Note(f"not shared: {v.name} gPPN 0x{g:x} is {v.pmap.state[g].value}"))
                return
            if g in v.guest.pt_pages:
                events.append(Note(f"not shared: {v.name} gPPN 0x{g:x} is a guest page-table page"))
                return
        ma_, mb = pa.mpn[a], pb.mpn[b]
        if ma_ == mb:
            events.append(Note("already sharing one machine page"))
            return
        if not self.mem.pages_equal(ma_, mb):
            events.append(Note("not shared: the contents differ (a hash match is confirmed by a full compare)"))
            return
        if pb.state[b] is PageState.SHARED and pa.state[a] is not PageState.SHARED:
            # the private page joins the existing group (not the other way round)
            a_vm, a, b_vm, b, pa, pb, ma_, mb = b_vm, b, a_vm, a, pb, pa, mb, ma_
        group = self.sharers.setdefault(ma_, {(a_vm.name, a)})
        if pa.state[a] is not PageState.SHARED:
            pa.set(a, PageState.SHARED, ma_)
            events.append(PmapChange(a_vm.name, a, PmapReason.SHARE, PageState.PRIVATE, PageState.SHARED, ma_, ma_))
            self._pmap_changed(a_vm, a, events)
        # every page on mb (b alone, or b's whole group) moves to ma_, and mb is freed
        for vname, g in sorted(self.sharers.pop(mb, {(b_vm.name, b)})):
            v = self.vms[vname]
            old_state = v.pmap.state[g]
            v.pmap.set(g, PageState.SHARED, ma_)
            group.add((vname, g))
            events.append(PmapChange(vname, g, PmapReason.SHARE, old_state, PageState.SHARED, mb, ma_))
            self._pmap_changed(v, g, events)
        self.mem.free(mb)

    def swap_out(self, op: Op, events: list) -> None:
        if self.mode is Mode.NATIVE:
            events.append(Note("no VMM in native mode: nothing to swap"))
            return
        vm = self.vms[op.vm]
        g = self._page_of(vm, op.process, op.gva, op.gpa)
        if g is None:
            events.append(Note("not swapped: the page is not mapped in the guest"))
            return
        st = vm.pmap.state[g]
        if st is not PageState.PRIVATE:
            events.append(Note(f"not swapped: gPPN 0x{g:x} is {st.value}"))
            return
        mpn = vm.pmap.mpn[g]
        vm.pmap.swap[g] = self.mem.page_bytes(mpn)
        vm.pmap.set(g, PageState.SWAPPED, None)
        events.append(PmapChange(vm.name, g, PmapReason.SWAP_OUT, st, PageState.SWAPPED, mpn, None))
        self._pmap_changed(vm, g, events)
        self.mem.free(mpn)

    # -- TLB maintenance ---------------------------------------------------------------------
    def _flush_zapped(self, vm: Vm, zapped: list, reason: str, events: list) -> None:
        if not zapped:
            return
        vpid = self._vpid_tag(vm)
        if all(level == 1 for _, level in zapped):
            n = sum(self.tlb.flush_page(vpid, gva >> PAGE_SHIFT) for gva, _ in zapped)
            events.append(TlbFlush(FlushScope.PAGE, reason, n))
        else:
            n = self.tlb.flush_vpid(vpid)
            events.append(TlbFlush(FlushScope.VM, reason, n))

    def _enter(self, vm: Vm, events: list) -> None:
        prev = self.current_vm
        if prev is vm:
            return
        self.current_vm = vm
        if self.mode is Mode.NATIVE:
            return
        events.append(VmSwitch(prev.name if prev else None, vm.name, self.costs.vm_switch if prev else 0))
        if not self.config.vpid:
            events.append(TlbFlush(FlushScope.ALL, "VM switch without VPID", self.tlb.flush_all()))

    def _cr3_load(self, vm: Vm, proc: Process, events: list) -> None:
        events.append(GuestAction(GA.CR3_LOAD, proc.root_gppn, f"switch to {proc.name}"))
        vm.guest.current = proc
        if self.shadow is not None:
            events.append(VmExit(ExitReason.CR3_LOAD, proc.cr3, self.costs.exit_total))
            root, cached, evicted, freed = self.shadow.get_root(vm.name, proc.root_gppn)
            vm.shadow_root = root
            events.append(ShadowRoot(proc.cr3, root << PAGE_SHIFT, cached,
                                     None if evicted is None else evicted << PAGE_SHIFT))
            if evicted is not None and self.config.pcid:
                ev_proc = next((p for p in vm.guest.processes.values() if p.root_gppn == evicted), None)
                if ev_proc is not None:
                    n = self.tlb.flush_pcid(self._vpid_tag(vm), ev_proc.pcid)
                    events.append(TlbFlush(FlushScope.ADDRESS_SPACE, "evicted shadow root", n))
        if not self.config.pcid:
            n = self.tlb.flush_vpid(self._vpid_tag(vm))
            events.append(TlbFlush(FlushScope.ADDRESS_SPACE, "CR3 load without PCID", n))

    def _invlpg(self, vm: Vm, gva: int, events: list) -> None:
        events.append(GuestAction(GA.INVLPG, None, f"gVA 0x{gva & ~0xFFF:x}"))
        if self.shadow is not None:
            events.append(VmExit(ExitReason.INVLPG, gva, self.costs.exit_total))
            self.shadow.zap_gva(vm.shadow_root, gva, "INVLPG", events)
        n = self.tlb.flush_page(self._vpid_tag(vm), gva >> PAGE_SHIFT)
        events.append(TlbFlush(FlushScope.PAGE, "INVLPG", n))

    # -- translation on a TLB miss, per mode --------------------------------------------------
    def _vmm_table_ma(self, vm: Vm, events: list):
        def to_ma(gpa: int, level: int) -> int:
            gppn = gpa >> PAGE_SHIFT
            mpn = vm.pmap.mpn[gppn]
            if mpn < 0:
                mpn = self._vmm_fix(vm, gppn, False, events)
            return (mpn << PAGE_SHIFT) | (gpa & 0xFFF)
        return to_ma

    def _walk2d(self, vm: Vm, proc: Process, gva: int, access: Access, events: list):
        q = self.mem.q
        cost = self.costs.walk_ref
        ept_root = vm.ept_root << PAGE_SHIFT
        READ, NESTED, CPU = Access.READ, Stage.NESTED, Walker.CPU

        def to_ma(gpa: int, level: int):
            # every guest-table reference is itself translated by a walk of the nested tables
            r = walk(q, ept_root, gpa, READ, EPT, NESTED, CPU, events, cost, user=False)
            if r.__class__ is Fault:
                return Fault(r.kind, NESTED, r.level, gpa, READ, True)
            return r[0]

        g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, events, cost, table_to_ma=to_ma)
        if g.__class__ is Fault:
            return g, None
        n = walk(q, ept_root, g.address, access, EPT, NESTED, CPU, events, cost, user=False)
        if n.__class__ is Fault:
            return n, None
        return Translation(n.address, g.writable and n.writable, g.executable and n.executable,
                           g.dirty, g.level, n.leaf_slot), g.address >> PAGE_SHIFT

    def _guest_fault(self, vm: Vm, proc: Process, gva: int, fault: Fault, events: list) -> Optional[Fault]:
        """Deliver #PF to the guest. None: the handler fixed it (retry); else the access aborts."""
        events.append(GuestPageFault(gva, fault.kind, self.costs.guest_fault))
        if fault.kind is FaultKind.NOT_PRESENT and \
                vm.guest.handle_not_present(proc, gva, events, fault.access is Access.EXEC):
            return None
        detail = "out of memory" if fault.kind is FaultKind.NOT_PRESENT else f"{fault.kind.value} fault"
        events.append(GuestAction(GA.SEGV, None, detail))
        return fault

    def _translate(self, vm: Vm, proc: Process, gva: int, access: Access, key: int, events: list):
        """A TLB miss. Returns the filled TlbEntry, None (fixed something: retry) or a Fault."""
        q = self.mem.q
        cost = self.costs.walk_ref
        mode = self.mode
        if mode is Mode.NESTED:
            t, gppn = self._walk2d(vm, proc, gva, access, events)
            if t.__class__ is Fault:
                if t.stage is Stage.GUEST:
                    return self._guest_fault(vm, proc, gva, t, events)
                events.append(VmExit(ExitReason.EPT_VIOLATION, t.address, self.costs.exit_total))
                self._vmm_fix(vm, t.address >> PAGE_SHIFT, access is Access.WRITE and not t.on_table, events)
                return None
        elif mode is Mode.SHADOW:
            t = walk(q, vm.shadow_root << PAGE_SHIFT, gva, access, X86, Stage.SHADOW, Walker.CPU, events, cost)
            if t.__class__ is Fault:
                sub: list = []
                g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.VMM, sub, cost,
                         table_to_ma=self._vmm_table_ma(vm, sub))
                if g.__class__ is Fault:
                    events.append(VmExit(ExitReason.GUEST_FAULT, gva, self.costs.exit_total))
                    events.extend(sub)
                    return self._guest_fault(vm, proc, gva, g, events)
                events.append(VmExit(ExitReason.HIDDEN_FAULT, gva, self.costs.exit_total))
                events.extend(sub)
                gppn = g.address >> PAGE_SHIFT
                mpn = self._vmm_fix(vm, gppn, access is Access.WRITE, events)
                # KVM protect_clean_gpte: a clean page is mapped read-only so the first write
                # exits and the VMM can set the guest's D bit; shared pages stay read-only too.
                writable = g.writable and g.dirty and vm.pmap.state[gppn] is PageState.PRIVATE
                tables = {r.level: r.table >> PAGE_SHIFT for r in sub if r.__class__ is WalkRef}
                self.shadow.fill(vm.name, vm.shadow_root, gva, tables, gppn, mpn, writable, g.executable, events)
                return None
            gppn = self.shadow.leaf_gppn[t.leaf_slot][1]
        else:
            t = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, events, cost,
                     table_to_ma=self._vmm_table_ma(vm, events))
            if t.__class__ is Fault:
                return self._guest_fault(vm, proc, gva, t, events)
            gppn = t.address >> PAGE_SHIFT
            t = t._replace(address=(self._vmm_fix(vm, gppn, access is Access.WRITE, events) << PAGE_SHIFT)
                           | (gva & 0xFFF))
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        evicted = self.tlb.insert(key, entry)
        events.append(TlbFill(gva >> PAGE_SHIFT, entry.mpn, entry.writable,
                              None if evicted is None else evicted & ((1 << 36) - 1)))
        return entry

    def _access(self, vm: Vm, proc: Process, gva: int, access: Access, value: int, events: list):
        vpid = vm.vpid if (self.config.vpid or self.mode is Mode.NATIVE) else 0
        pcid = proc.pcid if self.config.pcid else 0
        key = pcid << PCID_SHIFT | vpid << VPID_SHIFT | (gva >> PAGE_SHIFT)
        for _ in range(MAX_RETRIES):
            e = self.tlb.lookup(key)
            hit = e is not None and (access is Access.READ or
                                     (access is Access.WRITE and e.writable and e.dirty) or
                                     (access is Access.EXEC and e.executable))
            events.append(TlbLookup(hit, gva >> PAGE_SHIFT, vpid, pcid, self.costs.tlb_hit if hit else 0))
            if not hit:
                e = self._translate(vm, proc, gva, access, key, events)
                if e is None:
                    continue
                if e.__class__ is Fault:
                    return None, None, None
            slot = (e.mpn << 9) + ((gva & 0xFFF) >> 3)
            if access is Access.WRITE:
                self.mem.q[slot] = value
            else:
                value = self.mem.q[slot]
            gpa = (e.gppn << PAGE_SHIFT) | (gva & 0xFFF)
            ma = (e.mpn << PAGE_SHIFT) | (gva & 0xFFF)
            events.append(DataAccess(access, gva, gpa, ma, value))
            return gpa, ma, value
        raise RuntimeError(f"engine error: access to 0x{gva:x} did not complete after {MAX_RETRIES} retries")

    # -- operations --------------------------------------------------------------------------
    def execute(self, op: Op, index: Optional[int] = None) -> Step:
        """Perform one operation and return its record."""
        events: list = []
        vm = self.vms.get(op.vm)
        if vm is None:
            raise ValueError(f"unknown VM '{op.vm}'")
        gpa = ma = value = None
        kind = op.kind
        if kind is OpKind.SHARE:
            self.share(op, events)
        elif kind is OpKind.SWAP_OUT:
            self.swap_out(op, events)
        else:
            proc = vm.guest.processes.get(op.process) if op.process else vm.guest.current
            if proc is None:
                raise ValueError(f"unknown process '{op.process}' in VM '{op.vm}'")
            self._enter(vm, events)
            if proc is not vm.guest.current or kind is OpKind.SWITCH:
                self._cr3_load(vm, proc, events)
            if kind in ACCESS_OPS:
                gpa, ma, value = self._access(vm, proc, op.gva, ACCESS_OPS[kind], op.value, events)
            elif kind is OpKind.MAP:
                vm.guest.map(proc, op.gva, events)
            elif kind is OpKind.UNMAP:
                if vm.guest.unmap(proc, op.gva, events):
                    self._invlpg(vm, op.gva, events)
            elif kind is OpKind.PROTECT:
                if vm.guest.protect(proc, op.gva, events):
                    self._invlpg(vm, op.gva, events)
            elif kind is OpKind.INVLPG:
                self._invlpg(vm, op.gva, events)
        for ev in events:
            if ev.__class__ not in _PURE_EVENTS and _changes_tables(ev):
                self._walk_gen += 1  # memoised walks of the bulk path may be stale now
                break
        cycles, refs, exits, tlb, faults = self.counters[vm.name].fold(events, kind in ACCESS_OPS)
        if index is None:
            index = self.steps_done
        self.steps_done += 1
        return _tnew(Step, (index, op, tuple(events), gpa, ma, tlb, faults, value, cycles, refs, exits))

    def _quiet_miss(self, vm: Vm, proc: Process, gva: int, access: Access, key: int):
        """Bulk path for a TLB miss whose walk succeeds with nothing for the OS or VMM to do:
        the same walk, without records. Returns (TlbEntry, walk references) or None — then the
        caller runs the access through ``execute``. A walk that fails here has at most set A
        bits that the recorded walk would set too, so the fallback sees the same state."""
        # A walk is a function of the tables; tables change only inside ``execute`` or when a
        # walk sets A/D bits. So a walk repeated with nothing changed in between (a page that
        # keeps falling out of the TLB) is answered from a memo: same translation, same
        # references counted, no walking again.
        mkey = (gva >> PAGE_SHIFT) | proc.pcid << PCID_SHIFT | vm.vpid << VPID_SHIFT | _ACCESS_BITS[access]
        memo = self._walk_memo.get(mkey)
        if memo is not None and memo[0] == self._walk_gen:
            self.tlb.insert(key, memo[1])
            return memo[1], memo[2]
        q = self.mem.q
        mode = self.mode
        if mode is Mode.NESTED:
            # The 2D walk of _walk2d, with the nested walks written out: EPT entries have no
            # A/D here, so a nested walk only reads; anything unusual (not present, large
            # pages, missing rights) leaves the access to the recorded path.
            ept_root = vm.ept_root

            def ept(gpa: int) -> int:
                t = ept_root
                for shift in (39, 30, 21):
                    e = q[(t << 9) + ((gpa >> shift) & 0x1FF)]
                    if not e & 7 or e & EPT_PS:
                        return -1
                    t = (e & FRAME_MASK) >> PAGE_SHIFT
                return q[(t << 9) + ((gpa >> PAGE_SHIFT) & 0x1FF)]

            def to_ma(gpa: int, level: int):
                e = ept(gpa)
                return _NOT_RESIDENT if e < 0 or not e & EPT_R else (e & FRAME_MASK) | (gpa & 0xFFF)
            g = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, None, 0, table_to_ma=to_ma)
            if g.__class__ is Fault or g.level != 1:
                self._walk_gen += 1  # a failed walk may have set A bits on the way
                return None
            ad_set = g.ad_set
            e = ept(g.address)
            if e < 0 or not e & EPT_R or (access is Access.WRITE and not e & EPT_W) or \
                    (access is Access.EXEC and not e & EPT_X):
                self._walk_gen += 1
                return None
            gppn = g.address >> PAGE_SHIFT
            t = Translation((e & FRAME_MASK) | (gva & 0xFFF), g.writable and bool(e & EPT_W),
                            g.executable and bool(e & EPT_X), g.dirty, 1, 0)
            refs = 24  # (m+1)(n+1)-1 with m = n = 4
        elif mode is Mode.SHADOW:
            t = walk(q, vm.shadow_root << PAGE_SHIFT, gva, access, X86, Stage.SHADOW, Walker.CPU, None, 0)
            if t.__class__ is Fault:
                self._walk_gen += 1
                return None
            ad_set = t.ad_set
            gppn = self.shadow.leaf_gppn[t.leaf_slot][1]
            refs = 5 - t.level
        else:
            mpns = vm.pmap.mpn

            def to_ma(gpa: int, level: int):
                m = mpns[gpa >> PAGE_SHIFT]
                return _NOT_RESIDENT if m < 0 else (m << PAGE_SHIFT) | (gpa & 0xFFF)
            t = walk(q, proc.cr3, gva, access, X86, Stage.GUEST, Walker.CPU, None, 0, table_to_ma=to_ma)
            if t.__class__ is Fault:
                self._walk_gen += 1
                return None
            ad_set = t.ad_set
            gppn = t.address >> PAGE_SHIFT
            st = vm.pmap.state[gppn]
            if not (st is PageState.PRIVATE or (st is PageState.SHARED and access is not Access.WRITE)):
                self._walk_gen += 1
                return None
            t = t._replace(address=(mpns[gppn] << PAGE_SHIFT) | (gva & 0xFFF))
            refs = 5 - t.level
        entry = TlbEntry(t.address >> PAGE_SHIFT, t.writable, t.dirty, t.executable, gppn)
        self.tlb.insert(key, entry)
        if ad_set:
            self._walk_gen += 1  # the tables changed: earlier answers may be stale
        self._walk_memo[mkey] = (self._walk_gen, entry, refs)
        return entry, refs

    def run_bulk(self, trace, start: int = 0, stop: Optional[int] = None, progress=None) -> None:
        """Run ``trace[start:stop]`` keeping no records, with the semantics of ``execute``.

        Accesses by the current process of the current VM take a short path: a TLB hit, or a
        miss whose walk succeeds with nothing to fix (:meth:`_quiet_miss`). Anything else —
        faults, exits, switches, guest and VMM operations — goes through ``execute`` (whose
        record is dropped). Memory use is bounded by the touched pages, not the trace length.
        """
        stop = len(trace) if stop is None else stop
        self._walk_gen += 1  # tables may have changed since the last call
        self._walk_memo.clear()
        vm_names, proc_names = trace.vm_names, trace.proc_names
        sets = self.tlb.sets
        nsets = self.tlb.nsets
        q = self.mem.q
        hit_cost = self.costs.tlb_hit
        READ, WRITE, EXEC = OP_CODES.index(OpKind.READ), OP_CODES.index(OpKind.WRITE), OP_CODES.index(OpKind.EXEC)
        accesses = {READ: Access.READ, WRITE: Access.WRITE, EXEC: Access.EXEC}
        hits = [0] * len(vm_names)
        misses = [0] * len(vm_names)
        miss_refs = [0] * len(vm_names)
        quiet_miss = self._quiet_miss
        proc_index = {p: i for i, p in enumerate(proc_names)}
        vm_index = {v: i for i, v in enumerate(vm_names)}
        cur_vm = cur_proc = -1
        vm = proc = None
        tag = 0
        total = stop - start
        chunk = 16384
        for c0 in range(0, total, chunk):
            c1 = min(total, c0 + chunk)
            # columns as lists one chunk at a time: memory does not grow with the trace length
            vm_idx, proc_idx, ops, gvas, values = trace.columns(start + c0, start + c1)
            h = m = refs = 0  # hits, quiet misses, their references, for cur_vm
            for i, op, vi, pi, gva in zip(range(c0, c1), ops, vm_idx, proc_idx, gvas, strict=True):
                if op <= EXEC and vi == cur_vm and pi == cur_proc:
                    gvpn = gva >> 12
                    key = gvpn | tag
                    s = sets[gvpn % nsets]
                    e = s.get(key)
                    if e is not None and (op == READ or (op == WRITE and e[1] and e[2]) or (op == EXEC and e[3])):
                        del s[key]
                        s[key] = e
                        if op == WRITE:
                            q[(e[0] << 9) + ((gva & 0xFFF) >> 3)] = values[i - c0]
                        h += 1
                        continue
                    r = quiet_miss(vm, proc, gva, accesses[op], key)
                    if r is not None:
                        if op == WRITE:
                            q[(r[0][0] << 9) + ((gva & 0xFFF) >> 3)] = values[i - c0]
                        m += 1
                        refs += r[1]
                        continue
                if cur_vm >= 0:
                    hits[cur_vm] += h
                    misses[cur_vm] += m
                    miss_refs[cur_vm] += refs
                h = m = refs = 0
                self.execute(trace.op_at(start + i, vi, pi, op, gva, values[i - c0]), start + i)
                vm = self.current_vm  # VMM operations (share, swap_out) do not enter a VM
                if vm is None:
                    cur_vm = cur_proc = -1
                else:
                    cur_vm = vm_index.get(vm.name, -2)
                    proc = vm.guest.current
                    cur_proc = proc_index.get((vm.name, proc.name), -2)
                    tag = self.tlb_tag(vm, proc)
            if cur_vm >= 0:
                hits[cur_vm] += h
                misses[cur_vm] += m
                miss_refs[cur_vm] += refs
            if progress is not None:
                progress(c1, total)
        for vi, name in enumerate(vm_names):
            if hits[vi]:
                self.counters[name].add_hits(hits[vi], hit_cost)
            if misses[vi]:
                self.counters[name].add_quiet_misses(misses[vi], miss_refs[vi], self.costs.walk_ref)
        self.steps_done += sum(hits) + sum(misses)

    # -- side-effect-free views (renderers, checks, dumps) -----------------------------------
    def gpa_to_ma(self, vm_name: str, gpa: int) -> Optional[int]:
        m = self.vms[vm_name].pmap.lookup(gpa >> PAGE_SHIFT)
        return None if m is None else (m << PAGE_SHIFT) | (gpa & 0xFFF)

    def guest_translate(self, vm_name: str, process: str, gva: int) -> Optional[int]:
        """gVA → gPA by the guest's tables, without touching anything (None: not mapped)."""
        vm = self.vms[vm_name]
        proc = vm.guest.processes[process]

        def to_ma(gpa: int) -> Optional[int]:
            gppn = gpa >> PAGE_SHIFT
            m = vm.pmap.mpn[gppn]
            if m >= 0:
                return (m << PAGE_SHIFT) | (gpa & 0xFFF)
            return None
        if vm.pmap.mpn[proc.root_gppn] < 0:
            return self._peek_swapped(vm, proc, gva)
        r = peek(self.mem.q, proc.cr3, gva, X86, to_ma)
        if r is None and any(vm.pmap.state[g] is PageState.SWAPPED for g in vm.guest.pt_pages):
            return self._peek_swapped(vm, proc, gva)
        return r

    def _peek_swapped(self, vm: Vm, proc: Process, gva: int) -> Optional[int]:
        img = self.guest_image(vm.name)
        return peek(memoryview(img).cast("Q"), proc.cr3, gva, X86)

    def guest_mappings(self, vm_name: str, process: str) -> list[tuple[int, int, int]]:
        """(gvpn, gppn, pte) for every present user leaf of a process, in gVA order."""
        import numpy as np
        vm = self.vms[vm_name]
        img = self.guest_image(vm_name).view(np.uint64)
        out = []

        def rec(table_gppn: int, level: int, base: int):
            entries = img[table_gppn * 512:(table_gppn + 1) * 512]
            for idx in np.flatnonzero(entries & 1).tolist():
                e = int(entries[idx])
                va = base | (idx << (3 + 9 * level))
                if level == 1:
                    out.append((va >> PAGE_SHIFT, (e & FRAME_MASK) >> PAGE_SHIFT, e))
                else:
                    rec((e & FRAME_MASK) >> PAGE_SHIFT, level - 1, va)
        rec(vm.guest.processes[process].root_gppn, 4, 0)
        return out

    def guest_image(self, vm_name: str):
        """The VM's guest-physical memory as one contiguous, zero-based numpy image."""
        import numpy as np
        vm = self.vms[vm_name]
        pm = vm.pmap
        img = np.zeros(pm.pages * PAGE_SIZE, dtype=np.uint8)
        mimg = self.mem.image
        for g, m in enumerate(pm.mpn):
            if m >= 0:
                img[g * PAGE_SIZE:(g + 1) * PAGE_SIZE] = mimg[m * PAGE_SIZE:(m + 1) * PAGE_SIZE]
        for g, data in pm.swap.items():
            img[g * PAGE_SIZE:(g + 1) * PAGE_SIZE] = np.frombuffer(data, dtype=np.uint8)
        return img

    def totals(self) -> Counters:
        t = Counters()
        for c in self.counters.values():
            t.merge(c)
        return t

    def frames_in_use(self) -> dict[str, int]:
        """Machine frames by use (for the conservation check: these + free = total)."""
        data = set()
        for vm in self.vms.values():
            data.update(m for m in vm.pmap.mpn if m >= 0)
        return {"guest": len(data),
                "shadow": self.shadow.page_count() if self.shadow else 0,
                "nested": self.ept.page_count() if self.ept else 0,
                "free": self.mem.free_count, "total": self.mem.frames}
