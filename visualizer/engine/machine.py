"""The machine: memories, VMs, the mode's MMU, the TLB — and the step that ties them together.

``Machine.execute(op)`` performs one operation and returns a :class:`~.counters.Step`: the
ordered, immutable record of everything it caused. The machine's roles live in their own
modules, mixed in here: the MMU per mode (:mod:`.mmu`), the VMM's pmap policy (:mod:`.vmm`),
the bulk path (:mod:`.bulk`); read-only questions go to :attr:`Machine.views` (:mod:`.views`).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property
from typing import Optional

from .bulk import Bulk
from .counters import Counters, Step
from .events import (DataAccess, ExitReason, Fault, FlushReason, FlushScope, GuestAction, GuestActionKind as GA, GuestPageFault,
                     Note, ShadowRoot,
                     TlbFill, TlbFlush, TlbLookup, VmExit, VmSwitch, WalkCacheHit, WalkRef)
from .guest import GuestOS, Process
from .memory import PAGE_SHIFT, MachineMemory
from .mmu import Mmu
from .nested import NestedTables
from .ops import ACCESS_OPS, VMM_OPS, MachineConfig, Mode, Op, OpKind
from .pmap import Pmap
from .shadow import ShadowTables
from .tlb import Tlb
from .views import Views
from .vmm import VmmPolicy

_tnew = tuple.__new__

_PURE_EVENTS = frozenset({TlbLookup, TlbFill, TlbFlush, DataAccess, VmSwitch, WalkRef, Fault, GuestPageFault,
                          Note, VmExit, WalkCacheHit})
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


@dataclass(slots=True)
class Vm:
    name: str
    index: int
    vpid: int
    pmap: Pmap
    guest: GuestOS
    ept_root: Optional[int] = None
    shadow_root: Optional[int] = None


class Machine(Mmu, VmmPolicy, Bulk):
    """One physical machine running the scenario's VMs in one mode."""

    def __init__(self, config: MachineConfig, mode: Mode):
        self.config = config
        self.mode = mode
        self.costs = config.costs
        self.mem = MachineMemory(config.frames, config.seed)
        self.tlb = Tlb(config.tlb_entries, config.tlb_ways, config.tlb_entries_2m, config.tlb_ways_2m)
        self.vms: dict[str, Vm] = {}
        self.sharers: dict[int, set[tuple[str, int]]] = {}
        """Shared MPN → the (vm, gPPN) pages mapping it."""
        self.shadow = ShadowTables(self.mem, config.root_cache) if mode is Mode.SHADOW else None
        self.ept = NestedTables(self.mem) if mode is Mode.NESTED else None
        self.current_vm: Optional[Vm] = None
        self.steps_done = 0
        self._walk_memo: dict[int, tuple] = {}
        self._walk_gen = 0
        self._cached_walks = config.pwc or config.nested_tlb
        boot: list = []
        for i, vc in enumerate(config.vms):
            vm = Vm(vc.name, i, i + 1, Pmap(vc.pages), None)  # type: ignore[arg-type]
            vm.guest = GuestOS(vc.name, vc.pages, self, self.costs, vc.large_pages)
            self.vms[vc.name] = vm
            if self.ept is not None:
                vm.ept_root = self.ept.create(vc.name)
            for p in vc.processes:
                vm.guest.create_process(p, boot)
            if self.shadow is not None:
                vm.shadow_root = self.shadow.get_root(vc.name, vm.guest.current.root_gppn)[0]
        self.counters: dict[str, Counters] = {name: Counters() for name in self.vms}

    @cached_property
    def views(self) -> Views:
        """Read-only questions about this machine's state (for renderers, checks, dumps)."""
        return Views(self)

    # -- copying (checkpoints) ---------------------------------------------------------------
    def clone(self) -> "Machine":
        """An independent copy (for checkpoints and replays)."""
        c = Machine.__new__(Machine)
        c.config, c.mode, c.costs = self.config, self.mode, self.costs
        c.mem = copy.deepcopy(self.mem)
        c.tlb = self.tlb.copy()
        c.sharers = {k: set(v) for k, v in self.sharers.items()}
        c.shadow = self.shadow.copy_onto(c.mem) if self.shadow is not None else None
        c.ept = self.ept.copy_onto(c.mem) if self.ept is not None else None
        c.steps_done = self.steps_done
        c._walk_memo, c._walk_gen, c._cached_walks = {}, 0, self._cached_walks
        c.vms = {}
        for name, vm in self.vms.items():
            g = copy.copy(vm.guest)
            g.port = c
            g._free = list(vm.guest._free)
            g.pt_pages = set(vm.guest.pt_pages)
            g.processes = {k: Process(p.name, p.pcid, p.root_gppn) for k, p in vm.guest.processes.items()}
            g.current = g.processes[vm.guest.current.name] if vm.guest.current else None
            c.vms[name] = Vm(vm.name, vm.index, vm.vpid, vm.pmap.copy(), g, vm.ept_root, vm.shadow_root)
        c.current_vm = c.vms[self.current_vm.name] if self.current_vm else None
        c.counters = {}
        for name, ct in self.counters.items():
            n = Counters()
            n.merge(ct)
            c.counters[name] = n
        return c

    # -- guest-physical memory as the guest kernel touches it (GuestMemoryPort) --------------
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
            self._exit(ExitReason.PT_WRITE, gpa, events)
            self.mem.q[slot] = value
            zapped = self.shadow.on_gpt_write(vm.name, gppn, (gpa & 0xFFF) >> 3, events)
            self._flush_zapped(vm, zapped, FlushReason.SHADOW_ENTRY_DROPPED, events)
        else:
            self.mem.q[slot] = value

    def kernel_zero(self, guest: GuestOS, gppn: int, events: list) -> None:
        vm = self.vms[guest.vm_name]
        self.mem.zero(self._resident(vm, gppn, True, events))

    def kernel_copy(self, guest: GuestOS, src_gppn: int, dst_gppn: int, events: list) -> None:
        """The guest copies a page (copy-on-write break): both made resident, then 4 KiB copied."""
        vm = self.vms[guest.vm_name]
        dst = self._resident(vm, dst_gppn, True, events)
        self.mem.copy_page(self._resident(vm, src_gppn, False, events), dst)

    # -- operations --------------------------------------------------------------------------
    def execute(self, op: Op, index: Optional[int] = None) -> Step:
        """Perform one operation and return its record."""
        events: list = []
        vm = self.vms.get(op.vm)
        if vm is None:
            raise ValueError(f"unknown VM '{op.vm}'")
        gpa = ma = value = None
        kind = op.kind
        if kind in VMM_OPS:
            if kind is OpKind.SHARE:
                self.share(op, events)
            else:
                self.swap_out(op, events)
            if not self.config.vpid and self.mode is not Mode.NATIVE:
                # the VMM ran between an exit and the next entry: without VPID, that entry flushes
                events.append(TlbFlush(FlushScope.ALL, FlushReason.VMM_RUN_NO_VPID, self.tlb.flush_all()))
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
                gppn = vm.guest.unmap(proc, op.gva, events)
                if vm.guest.split_pending:
                    self._flush_mm(vm, proc, events)  # a 2 MiB page was split: its whole range
                elif gppn is not None:
                    self._invlpg(vm, op.gva, events)
                if gppn is not None:
                    vm.guest.release_frame(gppn, events)
            elif kind is OpKind.PROTECT:
                changed = vm.guest.protect(proc, op.gva, events)
                if vm.guest.split_pending:
                    self._flush_mm(vm, proc, events)
                elif changed:
                    self._invlpg(vm, op.gva, events)
            elif kind is OpKind.INVLPG:
                self._invlpg(vm, op.gva, events)
            elif kind is OpKind.FORK:
                # copy the PTEs write-protected, then ONE flush of the parent's address space
                if vm.guest.fork(proc, op.child, events):
                    self._flush_mm(vm, proc, events)
            elif kind is OpKind.EXIT:
                # clear every PTE and table entry, flush the address space, only then free
                freed = vm.guest.exit(proc, events)
                if freed is not None:
                    self._flush_mm(vm, proc, events)
                    vm.guest.release_pages(freed, events)
        for ev in events:
            if ev.__class__ not in _PURE_EVENTS and _changes_tables(ev):
                self._walk_gen += 1  # memoised walks of the bulk path may be stale now
                break
        cycles, refs, exits, tlb, faults, vrefs = self.counters[vm.name].fold(events, kind in ACCESS_OPS)
        if index is None:
            index = self.steps_done
        self.steps_done += 1
        return _tnew(Step, (index, op, tuple(events), gpa, ma, tlb, faults, value, cycles, refs, exits, vrefs))

    def totals(self) -> Counters:
        t = Counters()
        for c in self.counters.values():
            t.merge(c)
        return t
