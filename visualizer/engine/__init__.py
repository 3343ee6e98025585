"""The translation engine: ESXi-style memory virtualization, step by step.

Glossary — it is important not to get these spaces mixed up (Xen's ``mm.h`` says so too):

==========  ==================================================================================
gva         guest-virtual address, what a guest process uses. gvpn = gva >> 12.
gpa         guest-"physical" address: each VM sees contiguous, zero-based memory. gppn = gpa >> 12.
            (VMware calls these *physical pages*; KVM says gfn, Xen gfn.)
ma          machine address: host RAM, shared by all VMs, not contiguous per VM. mpn = ma >> 12.
            (VMware: *machine pages*; KVM: pfn/hpa; Xen: mfn.) Two pools: guest backing from
            the low frames, the VMM's own tables (spt, ept) from the top eighth (at least 16
            frames, at most half: ``memory.vmm_pool_frames``), so a guest page has the same ma
            in every mode.
gpt         the guest OS's page tables, gva → gpa, x86-64 4-level, in guest-physical memory.
pmap        the VMM's per-VM map gppn → mpn, with page states unmapped / private / shared /
            swapped (the seed's "shared, unmapped or swapped-out pages"), and ballooned /
            compressed where the host reclaims memory (``reclaim``: its memory states by free
            memory against minFree; sharing scan, balloon, compression, host swap).
spt         shadow page tables (software MMU): gva → ma, x86-64 format, in machine memory,
            maintained by the VMM from gpt ∘ pmap; the CPU walks these in shadow mode.
ept         nested page tables (Intel EPT format; AMD NPT): gpa → ma, in machine memory; in
            nested mode the CPU walks gpt and ept together (the 2D walk, 24 references).
tlb         caches gva → ma, tagged by VPID (per VM) and PCID (per address space).
hidden page fault   shadow mode: the shadow lacks an entry the guest tables have (the guest
            never sees it); true guest fault: the guest tables lack it (#PF goes to the guest).
==========  ==================================================================================

Layers: this package imports neither streamlit nor graphviz. Renderers (``visualizer.render``)
turn its state into DOT and tables; pages only hold widgets.
"""
from .costs import COSTS, CostInfo, CostTable
from .counters import Counters, Step, StepFault, TlbOutcome
from .errors import EngineError, ScenarioError, TraceError
from .events import (Access, AdUpdate, DataAccess, EptUpdate, ExitReason, Fault, FaultKind, FlushReason,
                     FlushScope, GuestAction, GuestActionKind, GuestNothing, GuestPageFault, Note, PageState,
                     PmapChange, PmapReason, Refusal, ShadowFill, ShadowInvalidate, ShadowRoot, ShadowZapReason,
                     Stage, TlbFill, TlbFlush, TlbLookup, VmExit, VmSwitch, Walker, WalkRef)
from .machine import Machine
from .memory import PAGE_SIZE, MachineMemory, OutOfMemory
from .ops import MachineConfig, Mode, Op, OpKind, VmConfig
from .scenario import Scenario, load_scenario_file, load_scenario_text
from .builtins import builtin, builtin_names, resolve
from .trace import Trace

__all__ = [
    "COSTS", "CostInfo", "CostTable", "Counters", "Step", "StepFault", "TlbOutcome", "EngineError", "ScenarioError",
    "TraceError",
    "Access", "AdUpdate", "DataAccess", "EptUpdate", "ExitReason", "Fault", "FaultKind", "FlushReason",
    "FlushScope", "GuestAction", "GuestActionKind", "GuestNothing", "GuestPageFault", "Note", "PageState",
    "PmapChange", "PmapReason", "Refusal", "ShadowFill", "ShadowInvalidate", "ShadowRoot", "ShadowZapReason",
    "Stage", "TlbFill", "TlbFlush", "TlbLookup", "VmExit", "VmSwitch", "Walker", "WalkRef", "Machine",
    "MachineConfig", "Mode", "Op", "OpKind", "VmConfig", "PAGE_SIZE", "MachineMemory", "OutOfMemory", "Scenario",
    "load_scenario_file", "load_scenario_text", "builtin", "builtin_names", "resolve", "Trace",
]
