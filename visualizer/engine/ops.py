"""What a machine is told to do: its configuration, the modes, and the trace's operations."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from .costs import CostTable
from .errors import ScenarioError
from .events import Access

MAX_MACHINE_BYTES = 4 << 30
"""Largest machine memory a scenario or a trace's default machine may declare."""
MAX_VM_BYTES = 4 << 30
"""Largest guest-physical memory of one VM."""
MAX_TRACE_OPS = 5_000_000
DESIGNS = ("intel", "amd")
"""The MMU designs (``[mmu] design``): Intel's caches and VMX names, or AMD's and SVM names."""
MAX_VMS = 65_535
"""Most VMs on one machine: each gets its own VPID, a 16-bit tag (0 is the host's)."""
MAX_PROCESSES = 4_095
"""Most processes (address spaces) per VM: each gets its own PCID, a 12-bit tag (0 unused)."""
MAX_GUEST_BYTES = 16 << 30
"""Largest sum of the VMs' guest-physical memories (4× the largest machine: overcommitted
memory is what sharing and swapping are for)."""


class Mode(Enum):
    """How memory is virtualized."""

    NATIVE = "native"
    """No virtualization: the guest's tables are walked directly (4 references); the baseline."""
    SHADOW = "shadow"
    """Software: the VMM keeps shadow tables gVA → MA; the CPU walks those."""
    NESTED = "nested"
    """Hardware-assisted: the CPU walks guest tables and nested (EPT) tables in two dimensions."""


class OpKind(Enum):
    """A trace operation: a guest access, a guest OS operation or a VMM operation."""

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
    FORK = "fork"
    """The guest forks ``process``: the parent's present user PTEs are copied into ``child``
    (an empty process of the VM), write-protected in both for copy-on-write; then one flush of
    the parent's address space."""
    EXIT = "exit"
    """The guest tears down ``process``'s address space (every user PTE and table): one flush of
    that address space, then frames no PTE maps any more are freed; the process may fork again."""


ACCESS_OPS = {OpKind.READ: Access.READ, OpKind.WRITE: Access.WRITE, OpKind.EXEC: Access.EXEC}
VMM_OPS = frozenset({OpKind.SHARE, OpKind.SWAP_OUT})
"""Operations of the VMM on guest-physical pages (the guest does not run)."""
OP_CODES = list(OpKind)
"""Op kind ↔ small integer, for numpy traces."""


@dataclass(frozen=True, slots=True)
class Op:
    """One trace operation.

    Accesses and guest operations name ``vm``, ``process`` and ``gva``. ``share`` and
    ``swap_out`` are VMM operations on guest-physical pages, named either by ``gpa`` or by a
    mapped ``gva`` of a ``process``; ``share`` names its second page with the ``with_`` fields.
    ``fork`` names the parent ``process`` and the ``child``; ``exit`` (like ``switch``) only a
    ``process``.
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
    child: Optional[str] = None
    """``fork``: the child process (in ``vm``)."""

    def describe(self) -> str:
        if self.kind is OpKind.FORK:
            return f"fork {self.vm}/{self.process} → {self.child}"
        # a switch or an exit has no address (traces store 0)
        gva = None if self.kind in (OpKind.SWITCH, OpKind.EXIT) else self.gva
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
    """Guest-physical memory in 4 KiB pages."""
    processes: tuple[str, ...]
    large_pages: bool = False
    """The guest maps 2 MiB pages where it can (Linux THP: a first touch of a 2 MiB-aligned
    region with a free, aligned 2 MiB block of guest-physical memory)."""
    shares: int = 1000
    """Memory shares (ESXi's default for normal priority: 10 per MB; here one number per VM): a
    balloon target is set in proportion to a VM's memory per share — the more memory per share,
    the more it gives (Waldspurger, OSDI'02 §5)."""


ESXI_MINFREE_FRACTION = 899 / (28 * 1024)
"""ESXi's minFree is 899 MB for the first 28 GB of host memory (plus 1 % of the rest, vSphere 6):
about 3.1 % of a 28 GB host — less than one page of a simulated machine of a few MiB."""
MINFREE_FRACTION = 1 / 8
"""The model's default minFree: one eighth of the guest-backing pool, so that on a teaching machine
of a few MiB each memory state spans a few pages and every state can be seen. ``[machine]
min_free = "3.1%"`` gives ESXi's share instead."""


@dataclass(frozen=True, slots=True)
class ReclaimConfig:
    """The host's memory reclamation (``[reclaim]``; on by default where the VMs' memory adds up to
    more than the machine's, as on ESXi). Defaults from ESXi where it has one, else the model's."""

    enabled: bool = False
    min_free: int = 0
    """minFree in pages (0: :data:`MINFREE_FRACTION` of the guest-backing pool)."""
    period: int = 16
    """Operations between two passes of the host's reclamation (its clock: one operation is one tick)."""
    tps_scan_pages: int = 8
    """Pages the sharing scan hashes per pass (ESXi scans at Mem.ShareScanGHz; the model per pass)."""
    tps_salting: bool = True
    """Share only within a VM (ESXi's default since 2015, Mem.ShareForceSalting=2); off: across VMs."""
    balloon: bool = True
    balloon_max_percent: int = 65
    """The most of a VM's memory its balloon may hold (Mem.CtlMaxPercent = 65)."""
    compression: bool = True
    compression_cache_percent: int = 10
    """The compression cache's limit per VM, in percent of its memory (ESXi: 10 %)."""
    host_swap: bool = True


@dataclass(frozen=True, slots=True)
class MachineConfig:
    frames: int
    """Machine memory in 4 KiB frames."""
    vms: tuple[VmConfig, ...]
    seed: int = 0
    tlb_entries: int = 64
    tlb_ways: int = 4
    vpid: bool = True
    """Tag TLB entries by VM (VPID); without it every VM exit, entry and switch flushes the TLB."""
    pcid: bool = True
    """Tag TLB entries by address space (PCID); without it a CR3 load flushes the TLB."""
    root_cache: int = 4
    costs: CostTable = field(default_factory=CostTable)
    invept: str = "single"
    """Nested mode: how the VMM makes a removed or downgraded nested entry visible — INVEPT
    "single" (-context: the VM's combined mappings) or "all" (-context, as KVM's remote flush)."""
    ept_large_pages: bool = False
    """Nested mode: back guest memory with 2 MiB machine pages where an aligned 2 MiB block is
    free (ESXi's default with a hardware MMU); sharing or swapping a 4 KiB part splits it."""
    pwc: bool = False
    """Intel: the paging-structure caches (PML4E/PDPTE/PDE, SDM Vol. 3A §4.10.3) — combined
    mappings under EPT; AMD: the page-walk cache of upper-level entries by physical address."""
    nested_tlb: bool = False
    """Intel: the guest-physical mappings (gPA → MA translations and EPT's paging-structure
    caches, SDM Vol. 3C §29.4.1); AMD: the nested TLB of gPA → MA translations."""
    tlb_entries_2m: int = 32
    """The TLB's array of 2 MiB entries (a translation 2 MiB in every dimension)."""
    tlb_ways_2m: int = 4
    reclaim: ReclaimConfig = field(default_factory=ReclaimConfig)
    design: str = "intel"
    """Whose MMU caches (and names): "intel" (VMX: VPID, EPT, INVEPT) or "amd" (SVM: ASID, NPT,
    TLB control on VMRUN)."""

    def __post_init__(self):
        # the caps every way of building a machine respects (scenario files, traces' default
        # machines, the app): VPID and PCID must fit their TLB tag fields, memory the host
        if self.design not in DESIGNS:
            raise ScenarioError(f"mmu.design: {self.design!r} is not one of {', '.join(DESIGNS)}")
        if self.frames * 4096 > MAX_MACHINE_BYTES:
            raise ScenarioError(f"machine memory: {self.frames * 4096:,} bytes is more than the limit of "
                                f"{MAX_MACHINE_BYTES >> 30} GiB")
        if len(self.vms) > MAX_VMS:
            raise ScenarioError(f"vm: {len(self.vms):,} VMs is more than the limit of {MAX_VMS:,} (16-bit VPID)")
        guest = 0
        for v in self.vms:
            if len(v.processes) > MAX_PROCESSES:
                raise ScenarioError(f"VM '{v.name}': {len(v.processes):,} processes is more than the limit of "
                                    f"{MAX_PROCESSES:,} per VM (12-bit PCID)")
            guest += v.pages
        if guest * 4096 > MAX_GUEST_BYTES:
            raise ScenarioError(f"vm: the VMs' guest memory adds up to {guest * 4096:,} bytes, more than the limit "
                                f"of {MAX_GUEST_BYTES >> 30} GiB")
