"""The reclamation lab: N VMs on one overcommitted machine, run with the host's reclamation, and
what happened to each VM's memory over time (the Overcommit page's engine; pure Python).

**Content model.** Each VM runs "the same OS image": of the pages a VM touches, a fraction stays
zero (read but never written), a fraction holds what every VM of the image holds at the same
place (the image's pages: the same gVA, the same value), the rest is the VM's own. One word per
page is written, so two pages are identical exactly when the model says so.

**The run.** Every VM first touches its pages (the image loading), then the VMs take turns
working: reads and writes over their private pages (a write changes a page, so sharing it would
break by copy-on-write). Every ``samples``-th operation the lab records, per VM, where its pages
are (``views.page_counts``), the host's state and free memory, and the events by kind.

:func:`sharing_sweep` reproduces the shape of Waldspurger's Figure 4 (OSDI'02): 1 to 10 VMs of
the same image on a machine with room for all, sharing between VMs (salting off, as in 2002), the
scan given enough passes to see every page; the shared and reclaimed fractions as the VMs grow.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .events import HostStateChange, PageState, PmapChange, ShareScan
from .machine import Machine
from .memory import PAGE_SIZE, vmm_pool_frames
from .ops import MachineConfig, Mode, Op, OpKind, ReclaimConfig, VmConfig
from .trace import Trace

BASE = 0x400000
MAX_LAB_VMS = 10
MAX_LAB_PAGES = 1024
"""Pages per VM at most (4 MiB): the lab runs in a request of the web app."""
MAX_LAB_OPS = 60_000


@dataclass(frozen=True, slots=True)
class Content:
    """What the pages a VM touches hold (fractions of its touched pages)."""

    zero: float = 0.2
    """Pages that stay zero."""
    image: float = 0.5
    """Pages every VM of the image holds alike (same place, same contents)."""

    def kind(self, p: int, pages: int) -> str:
        """"zero", "image" or "private" for the page at index ``p`` of ``pages`` (a fixed layout:
        zero pages first, then the image's, then the VM's own)."""
        if p < round(self.zero * pages):
            return "zero"
        if p < round((self.zero + self.image) * pages):
            return "image"
        return "private"


@dataclass(frozen=True, slots=True)
class LabConfig:
    """One lab run. Sizes in pages (4 KiB)."""

    vms: int = 4
    vm_pages: int = 64
    """Each VM's guest-physical memory."""
    touched: int = 48
    """Pages each VM's process touches (its working set)."""
    machine_pages: int = 160
    content: Content = field(default_factory=Content)
    work: int = 400
    """Operations of the working phase, all VMs together."""
    write_ratio: float = 0.3
    mode: Mode = Mode.NESTED
    seed: int = 1
    reclaim: ReclaimConfig = field(default_factory=lambda: ReclaimConfig(enabled=True))
    design: str = "intel"
    ept_large_pages: bool = False

    def check(self) -> "LabConfig":
        """The configuration, or ValueError naming what is out of range (bounds what a run makes)."""
        if not 1 <= self.vms <= MAX_LAB_VMS:
            raise ValueError(f"VMs: {self.vms} is not between 1 and {MAX_LAB_VMS}")
        if not 8 <= self.vm_pages <= MAX_LAB_PAGES:
            raise ValueError(f"VM memory: {self.vm_pages} pages is not between 8 and {MAX_LAB_PAGES}")
        if not 1 <= self.touched <= self.vm_pages - 6:
            raise ValueError(f"touched pages: {self.touched} is not between 1 and {self.vm_pages - 6} "
                             "(the VM's memory less room for its page tables)")
        need = self.vms * 6 + vmm_pool_frames(self.machine_pages) + 8
        if not need <= self.machine_pages <= self.vms * self.vm_pages * 4 + 4096:
            raise ValueError(f"machine memory: {self.machine_pages} pages is not between {need} and "
                             f"{self.vms * self.vm_pages * 4 + 4096}")
        if not 0 <= self.content.zero and 0 <= self.content.image and self.content.zero + self.content.image <= 1:
            raise ValueError("content: the zero and image fractions must be ≥ 0 and add up to at most 1")
        if not 0 <= self.work <= MAX_LAB_OPS - self.vms * self.touched:
            raise ValueError(f"working phase: {self.work} operations is not between 0 and "
                             f"{MAX_LAB_OPS - self.vms * self.touched}")
        return self

    def machine_config(self) -> MachineConfig:
        vms = tuple(VmConfig(f"VM{i + 1}", self.vm_pages, ("p1",)) for i in range(self.vms))
        return MachineConfig(self.machine_pages, vms, self.seed, 64, 4, ept_large_pages=self.ept_large_pages,
                             reclaim=self.reclaim, design=self.design)


def image_value(p: int) -> int:
    """The word an image page holds (the same in every VM)."""
    return 0x1_0000_0000 + 0x9E3779B1 * (p + 1) & 0xFFFF_FFFF_FFFF


def private_value(v: int, p: int, version: int = 0) -> int:
    return (0xA << 44) | (v << 32) | (version << 16) | p


def lab_trace(cfg: LabConfig) -> Trace:
    """The image loading (each VM touches its pages: zero pages read, the others written), then
    the working phase: VMs in turn, reads and writes of their private pages."""
    rng = np.random.default_rng(cfg.seed)
    ops: list[Op] = []
    n = cfg.touched
    for v in range(cfg.vms):
        name = f"VM{v + 1}"
        for p in range(n):
            gva = BASE + p * PAGE_SIZE + 8 * (p % 7)
            kind = cfg.content.kind(p, n)
            if kind == "zero":
                ops.append(Op(OpKind.READ, name, "p1", gva))
            else:
                val = image_value(p) if kind == "image" else private_value(v, p)
                ops.append(Op(OpKind.WRITE, name, "p1", gva, val))
    private = [p for p in range(n) if cfg.content.kind(p, n) == "private"] or list(range(n))
    turn = max(1, cfg.work // max(1, 4 * cfg.vms))
    for i in range(cfg.work):
        v = (i // turn) % cfg.vms
        p = private[int(rng.integers(len(private)))]
        gva = BASE + p * PAGE_SIZE + 8 * (p % 7)
        if rng.random() < cfg.write_ratio:
            ops.append(Op(OpKind.WRITE, f"VM{v + 1}", "p1", gva, private_value(v, p, 1 + i % 1000)))
        else:
            ops.append(Op(OpKind.READ, f"VM{v + 1}", "p1", gva))
    return Trace.from_ops(ops)


@dataclass(frozen=True, slots=True)
class Sample:
    op: int
    """Operations done."""
    pages: dict
    """VM → its page counts (``views.page_counts``)."""
    state: str
    free: int


@dataclass(frozen=True, slots=True)
class LabResult:
    config: LabConfig
    min_free: int
    guest_pool: int
    samples: tuple[Sample, ...]
    transitions: tuple[tuple[int, str, str], ...]
    """(operation, old state, new state) of every state change."""
    events: dict
    """Events by kind: pmap changes by reason, scan results, guest paging, balloon pages."""
    counters: dict
    """VM → its counters (``Counters.as_dict``)."""
    host_cycles: int
    ops: int
    lost: int
    """Reads that returned another value than the last written there (0: nothing lost)."""


def run_lab(cfg: LabConfig, samples: int = 120, progress=None) -> LabResult:
    """Run the lab step by step (every record is read: the events by kind), sampling the pages'
    states ``samples`` times, and check every read against the last value written."""
    cfg = cfg.check()
    trace = lab_trace(cfg)
    m = Machine(cfg.machine_config(), cfg.mode)
    every = max(1, len(trace) // samples)
    out, transitions = [], []
    events: Counter = Counter()
    memory: dict[tuple[str, int], int] = {}
    lost = 0

    def sample(i: int) -> Sample:
        st = m.views.host_state()
        return Sample(i, {name: m.views.page_counts(name) for name in m.vms},
                      st[0].value if st else "high", st[1] if st else m.mem.guest_free)
    out.append(sample(0))
    for i in range(len(trace)):
        op = trace[i]
        step = m.execute(op, i)
        if op.kind is OpKind.WRITE:
            memory[(op.vm, op.gva)] = op.value
        elif op.kind is OpKind.READ and step.value != memory.get((op.vm, op.gva), 0):
            lost += 1
        for e in step.events:
            cls = e.__class__
            if cls is PmapChange:
                events["pmap:" + e.reason.value] += 1
            elif cls is ShareScan:
                events["scan:" + e.result.value] += 1
            elif cls is HostStateChange:
                transitions.append((i + 1, e.old.value, e.new.value))
            elif cls.__name__ == "GuestAction" and e.kind.value in ("swap-out", "swap-in", "balloon-inflate",
                                                                      "balloon-deflate"):
                events["guest:" + e.kind.value] += 1
        if (i + 1) % every == 0 or i + 1 == len(trace):
            out.append(sample(i + 1))
        if progress is not None and i % 500 == 0:
            progress(i, len(trace))
    return LabResult(cfg, m.reclaim.min_free if m.reclaim else 0, m.mem.pools.guest_frames, tuple(out),
                     tuple(transitions), dict(events), {n: c.as_dict() for n, c in m.counters.items()},
                     m.reclaim.host_cycles if m.reclaim else 0, len(trace), lost)


# -- Waldspurger's Figure 4 ------------------------------------------------------------------------------
PAPER_FIG4 = {"vms": 10, "shared_fraction": 0.67}
"""OSDI'02 §4.3, Figure 4 as DOMAIN.md §7 gives it: 1 to 10 identical Linux VMs (40 MB each,
SPEC95), sharing grows with the number of VMs to ~67 % of memory at 10 VMs, a large part of it
zero pages."""


@dataclass(frozen=True, slots=True)
class SweepPoint:
    vms: int
    touched: int
    """Pages the VMs touched, all together."""
    shared: int
    """Of those, pages backed by a shared machine page."""
    zero: int
    """Of the shared, pages of zeros."""
    frames: int
    """Machine pages the shared pages use."""
    cross_vm: int
    """Shared machine pages mapped by more than one VM."""

    @property
    def shared_fraction(self) -> float:
        return self.shared / self.touched if self.touched else 0.0

    @property
    def reclaimed_fraction(self) -> float:
        """Memory sharing saves: shared pages less the machine pages they use."""
        return (self.shared - self.frames) / self.touched if self.touched else 0.0

    @property
    def zero_fraction(self) -> float:
        return self.zero / self.touched if self.touched else 0.0


def sharing_sweep(max_vms: int = 10, vm_pages: int = 48, content: Content = Content(), salting: bool = False,
                  seed: int = 1) -> list[SweepPoint]:
    """1 … ``max_vms`` VMs of the same image, on a machine with room for them all (sharing is the
    only reclamation, at the scan's normal rate, given enough passes to hash every page)."""
    touched = vm_pages - 8
    out = []
    for n in range(1, max_vms + 1):
        pool = n * vm_pages + 64
        frames = pool + vmm_pool_frames(pool * 8 // 7)
        rc = ReclaimConfig(enabled=True, balloon=False, compression=False, host_swap=False, tps_salting=salting,
                           period=1, tps_scan_pages=32)
        cfg = LabConfig(vms=n, vm_pages=vm_pages, touched=touched, machine_pages=frames, content=content,
                        work=0, seed=seed, reclaim=rc, mode=Mode.NESTED)
        m = Machine(cfg.machine_config(), Mode.NESTED)
        trace = lab_trace(cfg)
        for i in range(len(trace)):
            m.execute(trace[i], i)
        # the scan's passes go on while the VMs idle: enough to hash every page more than once
        idle = Op(OpKind.READ, "VM1", "p1", BASE)
        for k in range(math.ceil(4 * n * vm_pages / 32)):
            m.execute(idle, len(trace) + k)
        shared = zero = 0
        frames_used, cross = set(), 0
        for _name, vm in m.vms.items():
            for g in range(vm.pmap.pages):
                if vm.pmap.state[g] is PageState.SHARED and g not in vm.guest.pt_pages:
                    shared += 1
                    mpn = vm.pmap.mpn[g]
                    frames_used.add(mpn)
                    if not any(m.mem.image[mpn * PAGE_SIZE:(mpn + 1) * PAGE_SIZE]):
                        zero += 1
        cross = sum(1 for group in m.sharers.values() if len({v for v, _ in group}) > 1)
        out.append(SweepPoint(n, n * touched, shared, zero, len(frames_used), cross))
    return out


__all__ = ["BASE", "Content", "LabConfig", "LabResult", "MAX_LAB_OPS", "MAX_LAB_PAGES", "MAX_LAB_VMS", "PAPER_FIG4",
           "Sample", "SweepPoint", "image_value", "lab_trace", "private_value", "run_lab", "sharing_sweep"]
