"""The machine: memories, VMs, the mode's MMU, the TLB — and the step that ties them together.

``Machine.execute(op)`` performs one operation and returns a :class:`~.counters.Step`: the
ordered, immutable record of everything it caused, its events grouped into episodes
(:mod:`.record`). The machine holds the state; its roles are collaborators that talk through
named methods: the CPU's MMU per mode (:class:`~.mmu.Mmu`), the VMM's pmap policy
(:class:`~.vmm.Vmm`), the bulk path (:class:`~.bulk.Bulk`); read-only questions go to
:attr:`Machine.views` (:mod:`.views`). The machine is also the guest kernel's view of its
guest-physical memory (:class:`~.guest.GuestMemoryPort`).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property
from typing import Optional

from .bulk import Bulk
from .counters import Counters, Step
from .events import (ExitReason, FlushReason, FlushScope, TlbFlush)
from .record import EpisodeKind, GuestWork, QuietRecord, Record
from .guest import GuestOS, Process
from .memory import PAGE_SHIFT, MachineMemory
from .mmu import Mmu
from .nested import NestedTables
from .ops import ACCESS_OPS, VMM_OPS, MachineConfig, Mode, Op, OpKind
from .pmap import Pmap
from .shadow import ShadowTables
from .tlb import Tlb
from .views import Views
from .reclaim import Reclaimer
from .vmm import Vmm

_tnew = tuple.__new__

@dataclass(slots=True)
class Vm:
    name: str
    index: int
    vpid: int
    pmap: Pmap
    guest: GuestOS
    ept_root: Optional[int] = None
    shadow_root: Optional[int] = None
    shares: int = 1000


class Machine:
    """One physical machine running the scenario's VMs in one mode."""

    def _collaborators(self) -> None:
        self.vmm = Vmm(self)
        self.mmu = Mmu(self, self.vmm)
        self.vmm.cpu = self.mmu
        self.bulk = Bulk(self)

    def __init__(self, config: MachineConfig, mode: Mode):
        self.config = config
        self.mode = mode
        self.costs = config.costs
        self.mem = MachineMemory(config.frames, config.seed)
        self.tlb = Tlb(config.tlb_entries, config.tlb_ways, config.tlb_entries_2m, config.tlb_ways_2m, config.design)
        self.vms: dict[str, Vm] = {}
        self.sharers: dict[int, set[tuple[str, int]]] = {}
        """Shared MPN → the (vm, gPPN) pages mapping it."""
        self.shadow = ShadowTables(self.mem, config.root_cache) if mode is Mode.SHADOW else None
        self.ept = NestedTables(self.mem) if mode is Mode.NESTED else None
        self.current_vm: Optional[Vm] = None
        self.steps_done = 0
        self.reclaim = None
        self._collaborators()
        boot = Record()
        for i, vc in enumerate(config.vms):
            vm = Vm(vc.name, i, i + 1, Pmap(vc.pages), None, shares=vc.shares)  # type: ignore[arg-type]
            vm.guest = GuestOS(vc.name, vc.pages, self, self.costs, vc.large_pages)
            vm.guest.swap = config.reclaim.enabled
            self.vms[vc.name] = vm
            if self.ept is not None:
                vm.ept_root = self.ept.create(vc.name)
            for p in vc.processes:
                vm.guest.create_process(p, boot)
            if self.shadow is not None:
                vm.shadow_root = self.shadow.get_root(vc.name, vm.guest.current.root_gppn)[0]
        self.counters: dict[str, Counters] = {name: Counters() for name in self.vms}
        self.reclaim: Optional[Reclaimer] = (Reclaimer(self) if config.reclaim.enabled and mode is not Mode.NATIVE
                                             else None)
        """The host's memory reclamation (:mod:`.reclaim`; None where it is off, and natively: no VMM)."""

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
        c._collaborators()
        c.vms = {}
        for name, vm in self.vms.items():
            g = copy.copy(vm.guest)
            g.port = c
            g._free = list(vm.guest._free)
            g.pt_pages = set(vm.guest.pt_pages)
            g.processes = {k: Process(p.name, p.pcid, p.root_gppn) for k, p in vm.guest.processes.items()}
            g.current = g.processes[vm.guest.current.name] if vm.guest.current else None
            c.vms[name] = Vm(vm.name, vm.index, vm.vpid, vm.pmap.copy(), g, vm.ept_root, vm.shadow_root, vm.shares)
        c.current_vm = c.vms[self.current_vm.name] if self.current_vm else None
        c.counters = {}
        for name, ct in self.counters.items():
            n = Counters()
            n.merge(ct)
            c.counters[name] = n
        c.reclaim = self.reclaim.copy_onto(c) if self.reclaim is not None else None
        return c

    # -- guest-physical memory as the guest kernel touches it (GuestMemoryPort) --------------
    def kernel_read(self, guest: GuestOS, gpa: int, events: Record) -> int:
        vm = self.vms[guest.vm_name]
        return self.mem.q[(self.vmm.resident(vm, gpa >> PAGE_SHIFT, False, events) << 9) + ((gpa & 0xFFF) >> 3)]

    def kernel_write(self, guest: GuestOS, gpa: int, value: int, events: Record) -> None:
        vm = self.vms[guest.vm_name]
        gppn = gpa >> PAGE_SHIFT
        mpn = self.vmm.resident(vm, gppn, True, events)
        slot = (mpn << 9) + ((gpa & 0xFFF) >> 3)
        if self.shadow is not None and self.shadow.is_tracked(vm.name, gppn):
            # the page is write-protected: the write exits and the VMM emulates it
            with self.mmu.exit(ExitReason.PT_WRITE, gpa, events):
                self.mem.q[slot] = value
                zapped = self.shadow.on_gpt_write(vm.name, gppn, (gpa & 0xFFF) >> 3, events)
                self.mmu.invalidate_gvas(vm, zapped, FlushReason.SHADOW_ENTRY_DROPPED, events)
        else:
            self.mem.q[slot] = value

    def kernel_zero(self, guest: GuestOS, gppn: int, events: Record) -> None:
        vm = self.vms[guest.vm_name]
        self.mem.zero(self.vmm.resident(vm, gppn, True, events))

    def kernel_page(self, guest: GuestOS, gppn: int, events: Record) -> bytes:
        """The guest reads a whole page (to write it to its disk)."""
        vm = self.vms[guest.vm_name]
        return self.mem.page_bytes(self.vmm.resident(vm, gppn, False, events))

    def kernel_load(self, guest: GuestOS, gppn: int, data: bytes, events: Record) -> None:
        """The guest fills a page (from its disk)."""
        vm = self.vms[guest.vm_name]
        self.mem.load_page(self.vmm.resident(vm, gppn, True, events), data)

    def invalidate_page(self, guest: GuestOS, gva: int, events: Record) -> None:
        self.mmu.invlpg(self.vms[guest.vm_name], gva, events)

    def balloon_pinned(self, guest: GuestOS, gppn: int, events: Record) -> None:
        self.vmm.balloon_take(self.vms[guest.vm_name], gppn, events)

    def balloon_released(self, guest: GuestOS, gppn: int, events: Record) -> None:
        self.vmm.balloon_return(self.vms[guest.vm_name], gppn, events)

    def kernel_copy(self, guest: GuestOS, src_gppn: int, dst_gppn: int, events: Record) -> None:
        """The guest copies a page (copy-on-write break): both made resident, then 4 KiB copied."""
        vm = self.vms[guest.vm_name]
        dst = self.vmm.resident(vm, dst_gppn, True, events)
        self.mem.copy_page(self.vmm.resident(vm, src_gppn, False, events), dst)

    # -- operations --------------------------------------------------------------------------
    def execute(self, op: Op, index: Optional[int] = None) -> Step:
        """Perform one operation and return its record."""
        rec = Record()
        vm, kind, gpa, ma, value = self._perform(op, rec)
        cycles, refs, exits, tlb, faults, vrefs = self.counters[vm.name].fold(rec, kind in ACCESS_OPS)
        if index is None:
            index = self.steps_done
        if self.reclaim is not None:
            self.reclaim.after_step(rec, index)  # its work is folded into the VMs it concerns
        self.bulk.note_changes(rec)
        self.steps_done += 1
        return _tnew(Step, (index, op, tuple(rec), gpa, ma, tlb, faults, value, cycles, refs, exits, vrefs,
                            rec.episodes(), self.config.design))

    def execute_quietly(self, op: Op, index: int) -> None:
        """:meth:`execute` for the bulk path, which keeps no records: the same state and counters,
        no :class:`Step` made (its events are counted, then dropped; no episodes are made)."""
        rec = QuietRecord()
        vm, kind, _gpa, _ma, _value = self._perform(op, rec)
        self.counters[vm.name].fold(rec, kind in ACCESS_OPS)
        if self.reclaim is not None:
            self.reclaim.after_step(rec, index)
        self.bulk.note_changes(rec)
        self.steps_done += 1

    def _perform(self, op: Op, rec: Record):
        """Do ``op``, its events into ``rec``: (vm, kind, gpa, ma, value)."""
        vm = self.vms.get(op.vm)
        if vm is None:
            raise ValueError(f"unknown VM '{op.vm}'")
        gpa = ma = value = None
        kind = op.kind
        mmu = self.mmu
        if kind in VMM_OPS:
            with rec.episode(EpisodeKind.VMM_WORK, kind):
                if kind is OpKind.SHARE:
                    self.vmm.share(op, rec)
                else:
                    self.vmm.swap_out(op, rec)
                if not self.config.vpid and self.mode is not Mode.NATIVE:
                    # the VMM ran between an exit and the next entry: without VPID, that entry flushes
                    rec.append(TlbFlush(FlushScope.ALL, FlushReason.VMM_RUN_NO_VPID, self.tlb.flush_all(),
                                        caches=self.tlb.cache_drops))
        else:
            proc = vm.guest.processes.get(op.process) if op.process else vm.guest.current
            if proc is None:
                raise ValueError(f"unknown process '{op.process}' in VM '{op.vm}'")
            mmu.enter(vm, rec)
            if proc is not vm.guest.current or kind is OpKind.SWITCH:
                mmu.cr3_load(vm, proc, rec)
            if kind in ACCESS_OPS:
                gpa, ma, value = mmu.access(vm, proc, op.gva, ACCESS_OPS[kind], op.value, rec)
            elif kind is OpKind.MAP:
                with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.MAP, op.gva):
                    vm.guest.map(proc, op.gva, rec)
            elif kind is OpKind.UNMAP:
                with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.UNMAP, op.gva):
                    gppn = vm.guest.unmap(proc, op.gva, rec)
                if vm.guest.split_pending:
                    mmu.flush_mm(vm, proc, rec)  # a 2 MiB page was split: its whole range
                elif gppn is not None:
                    mmu.invlpg(vm, op.gva, rec)
                if gppn is not None:
                    with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.RELEASE):
                        vm.guest.release_frame(gppn, rec)
            elif kind is OpKind.PROTECT:
                with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.PROTECT, op.gva):
                    changed = vm.guest.protect(proc, op.gva, rec)
                if vm.guest.split_pending:
                    mmu.flush_mm(vm, proc, rec)
                elif changed:
                    mmu.invlpg(vm, op.gva, rec)
            elif kind is OpKind.INVLPG:
                mmu.invlpg(vm, op.gva, rec)
            elif kind is OpKind.FORK:
                # copy the PTEs write-protected, then ONE flush of the parent's address space
                with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.FORK):
                    forked = vm.guest.fork(proc, op.child, rec)
                if forked:
                    mmu.flush_mm(vm, proc, rec)
            elif kind is OpKind.EXIT:
                # clear every PTE and table entry, flush the address space, only then free
                with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.TEARDOWN):
                    freed = vm.guest.exit(proc, rec)
                if freed is not None:
                    mmu.flush_mm(vm, proc, rec)
                    with rec.episode(EpisodeKind.GUEST_WORK, GuestWork.RELEASE):
                        vm.guest.release_pages(freed, rec)
        return vm, kind, gpa, ma, value

    def run_bulk(self, trace, start: int = 0, stop: Optional[int] = None, progress=None,
                 kernel: Optional[bool] = None) -> None:
        """Run ``trace[start:stop]`` keeping no records, with the semantics of :meth:`execute`
        (:meth:`~.bulk.Bulk.run`; ``kernel=False``: the pure-Python reference path)."""
        self.bulk.run(trace, start, stop, progress, kernel)

    def tlb_tag(self, vm: "Vm", proc: Process) -> int:
        return self.mmu.tlb_tag(vm, proc)

    def totals(self) -> Counters:
        t = Counters()
        for c in self.counters.values():
            t.merge(c)
        return t
