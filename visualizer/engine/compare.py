"""Shadow vs nested (vs native) on the same trace: runs, cycles by cause, sweeps, and why.

:func:`compare` runs one trace in each mode through :meth:`Machine.run_bulk` and keeps the
counters, the cycles by cause and the cumulative cycles sampled along the trace.
:func:`sweep` varies one parameter — a workload rate, the working-set size, the TLB size or the
cost of a walk reference — and records cycles per access for each mode, so that the point
where the winner changes (the crossover) shows. :func:`explain` says why the winner wins,
from the numbers: which causes of cycles differ most between the two modes.

A trace without a scenario runs on :func:`~visualizer.engine.traceio.default_config`'s
machine: VMs and processes created on first mention, memory sized to the trace. The comparison
page starts from today's machine (:data:`MACHINES`: the MMU caches of the chosen design, 2 MiB
EPT backing) and offers the bare one; the ``design`` sweep runs one trace with each design's
caches, and :func:`paper_check` sets both designs beside the published figures.

Long runs can use worker processes (``workers=``): the modes of a comparison, or the points of
a sweep, run side by side on the machine's cores with identical results. :func:`config_to_toml`
writes the scenario file that reproduces a comparison from the command line
(``python -m visualizer run FILE --mode M --json``).
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np

from .. import executor as _executor
from .costs import CostTable
from .events import Cause, ExitReason
from .machine import Machine
from .ops import DESIGNS, MachineConfig, Mode
from .trace import Trace
from .traceio import TraceStats, default_config
from .workloads import generate

MODES = (Mode.NATIVE, Mode.SHADOW, Mode.NESTED)
PARALLEL_MIN_OPS = 50_000
"""Below this many operations in all, worker processes cost more than they save."""
Progress = Callable[[float, str], None]
"""Called with the fraction done (0…1) and what is running."""


# -- settings --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """What the comparison page lets a user change about the machine (None: keep the base's)."""

    tlb_entries: Optional[int] = None
    tlb_ways: Optional[int] = None
    vpid: Optional[bool] = None
    pcid: Optional[bool] = None
    root_cache: Optional[int] = None
    costs: tuple[tuple[str, int], ...] = ()
    """Cost overrides, (name, cycles) pairs sorted by name."""
    guest_large: Optional[bool] = None
    """Every VM's guest maps 2 MiB pages where it can (``[[vm]] large_pages``)."""
    ept_large: Optional[bool] = None
    """The VMM backs guest memory with 2 MiB machine pages in nested mode (``[nested] large_pages``)."""
    pwc: Optional[bool] = None
    """Paging-structure caches (``[mmu] pwc``)."""
    nested_tlb: Optional[bool] = None
    """Intel's guest-physical mappings, AMD's nested TLB (``[mmu] nested_tlb``)."""
    design: Optional[str] = None
    """Whose MMU caches: "intel" or "amd" (``[mmu] design``)."""

    @staticmethod
    def with_costs(overrides: dict, **kw) -> "Settings":
        return Settings(costs=tuple(sorted((k, int(v)) for k, v in overrides.items())), **kw)

    def apply(self, config: MachineConfig) -> MachineConfig:
        changes = {k: getattr(self, k) for k in ("tlb_entries", "tlb_ways", "vpid", "pcid", "root_cache")
                   if getattr(self, k) is not None}
        entries = changes.get("tlb_entries", config.tlb_entries)
        ways = changes.get("tlb_ways", config.tlb_ways)
        if ways < 1 or entries < ways or entries % ways:
            raise ValueError(f"TLB: {entries} entries is not a multiple of {ways} ways")
        if self.costs:
            changes["costs"] = config.costs.with_overrides(dict(self.costs))
        if self.ept_large is not None:
            changes["ept_large_pages"] = self.ept_large
        for k in ("pwc", "nested_tlb", "design"):
            if getattr(self, k) is not None:
                changes[k] = getattr(self, k)
        if self.design is not None and self.design not in DESIGNS:
            raise ValueError(f"design: {self.design!r} is not one of {', '.join(DESIGNS)}")
        if self.guest_large is not None:
            changes["vms"] = tuple(replace(v, large_pages=self.guest_large) for v in config.vms)
        return replace(config, **changes) if changes else config


MACHINES: dict[str, dict] = {
    "today": {"pwc": True, "nested_tlb": True, "ept_large": True, "guest_large": False},
    "bare": {"pwc": False, "nested_tlb": False, "ept_large": False, "guest_large": False},
}
"""The machines the comparison starts from (:class:`Settings` fields). *today*: a current CPU —
the MMU caches of the chosen design (Intel's paging-structure caches and guest-physical
mappings, AMD's page-walk cache and nested TLB) — with the guest-physical memory backed by
2 MiB machine pages in nested mode, as ESXi does by default under a hardware MMU (DOMAIN §6).
*bare*: none of it (4 KiB backing, no MMU caches) — the textbook machine whose TLB miss walks
24 references, to show what the caches and large pages buy. Guest 2 MiB pages are off in both:
that is the guest's choice, not the machine's."""


def machine_of(settings: "Settings") -> Optional[str]:
    """Which of :data:`MACHINES` ``settings`` sets up ("today", "bare"), or None (another mix)."""
    for name, values in MACHINES.items():
        if all(getattr(settings, k) == v for k, v in values.items()):
            return name
    return None


def with_large_page_room(config: MachineConfig, trace: "Trace | TraceStats") -> MachineConfig:
    """With guest 2 MiB pages on, each VM gets one more aligned 2 MiB block of guest-physical
    memory per 2 MiB region its trace touches, and the machine the frames to back them — the
    default machine is sized for 4 KiB pages, and a guest maps a 2 MiB page only where a free,
    aligned block exists. With 2 MiB EPT backing the machine gets room for every VM's memory in
    aligned 2 MiB machine blocks, and each VM's guest-physical memory is a whole number of 2 MiB
    blocks (at least one): a VM smaller than 2 MiB has no block to back with a 2 MiB page, and a
    real VM has thousands. Memory only grows; without large pages ``config`` is returned."""
    if not any(v.large_pages for v in config.vms) and not config.ept_large_pages:
        return config
    from .ops import MAX_MACHINE_BYTES, MAX_VM_BYTES
    from .traceio import _pow2, stats_of
    by_name = stats_of(trace).regions()  # a trace, or the TraceStats of one read in chunks
    vms, extra = [], 0
    for v in config.vms:
        want = _pow2(v.pages + 512 * (by_name.get(v.name, 0) + 1)) if v.large_pages else v.pages
        if config.ept_large_pages:
            want = -(-want // 512) * 512
        want = max(v.pages, min(want, MAX_VM_BYTES >> 12))
        extra += want - v.pages
        vms.append(replace(v, pages=want))
    if config.ept_large_pages:
        extra += sum(v.pages for v in vms)
    frames = max(config.frames, min(_pow2(config.frames + extra + extra // 4), MAX_MACHINE_BYTES >> 12))
    return replace(config, vms=tuple(vms), frames=frames)


def without_caches(config: MachineConfig) -> MachineConfig:
    """``config`` with the MMU caches off (large pages as they are)."""
    return replace(config, pwc=False, nested_tlb=False)


def has_caches(config: MachineConfig) -> bool:
    return config.pwc or config.nested_tlb


# -- one comparison ----------------------------------------------------------------------------
@dataclass
class ModeResult:
    """One mode's run over the whole trace. ``counters`` keeps the JSON form of the counters
    (what ``run --json`` prints, strings as keys); :attr:`by_cause` and :attr:`exits_by_reason`
    are the same figures keyed by :class:`~.events.Cause` and :class:`~.events.ExitReason`,
    converted once."""

    mode: Mode
    counters: dict
    """``Counters.as_dict()`` totals over all VMs (cycles, cycles_by_cause, vm_exits_by_reason…)."""
    per_vm: dict[str, dict]
    ops_done: np.ndarray
    """Operations done at each sample point (the last is the trace length)."""
    cycles_done: np.ndarray
    """Cumulative cycles at each sample point."""
    seconds: float
    frames: dict
    """Machine frames by use at the end (guest, shadow, nested, free, total)."""
    by_cause: dict[Cause, int] = field(init=False, repr=False)
    """Cycles by cause."""
    exits_by_reason: dict[ExitReason, int] = field(init=False, repr=False)
    """VM exits by reason."""

    def __post_init__(self):
        self.by_cause = {Cause(k): v for k, v in self.counters["cycles_by_cause"].items()}
        self.exits_by_reason = {ExitReason(k): v for k, v in self.counters["vm_exits_by_reason"].items()}

    @property
    def cycles(self) -> int:
        return self.counters["cycles"]

    @property
    def accesses(self) -> int:
        return self.counters["accesses"]

    @property
    def cycles_per_access(self) -> float:
        return self.cycles / self.accesses if self.accesses else 0.0

    @property
    def exits(self) -> int:
        return self.counters["vm_exits"]

    @property
    def refs_per_miss(self) -> float:
        m = self.counters["tlb_misses"]
        return self.counters["walk_refs"] / m if m else 0.0


@dataclass
class Comparison:
    """The same trace in several modes."""

    operations: int
    results: dict[str, ModeResult] = field(default_factory=dict)
    """By mode value ("native", "shadow", "nested"), in run order."""
    without_caches: dict[str, ModeResult] = field(default_factory=dict)
    """With MMU caches on: native and nested again with the caches off (``compare(...,
    cache_baseline=True)``), to say what the caches remove."""
    design: str = "intel"
    """The machine's MMU design (whose caches, and whose names for them)."""
    caches: bool = False
    """The machine has MMU caches on (``[mmu] pwc`` or ``nested_tlb``)."""

    def __getitem__(self, mode: Mode | str) -> ModeResult:
        return self.results[mode.value if isinstance(mode, Mode) else mode]

    def __contains__(self, mode: Mode | str) -> bool:
        return (mode.value if isinstance(mode, Mode) else mode) in self.results

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.results.values()) + sum(r.seconds for r in self.without_caches.values())


def _samples(n: int, samples: int) -> list[int]:
    samples = max(1, min(samples, n)) if n else 1
    return sorted({int(round(n * (i + 1) / samples)) for i in range(samples)})


def run_mode(config: MachineConfig, trace: Trace, mode: Mode, samples: int = 100,
             progress: Optional[Callable[[float], None]] = None) -> ModeResult:
    """Run ``trace`` in ``mode`` on a fresh machine, sampling cumulative cycles ``samples`` times."""
    m = Machine(config, mode)
    n = len(trace)
    ops_done, cycles_done = [0], [0]
    start = 0
    t0 = time.perf_counter()
    for stop in _samples(n, samples):
        if stop > start:
            m.run_bulk(trace, start, stop)
        start = stop
        ops_done.append(stop)
        cycles_done.append(sum(c.cycles for c in m.counters.values()))
        if progress is not None:
            progress(stop / n if n else 1.0)
    seconds = time.perf_counter() - t0
    return ModeResult(mode, m.totals().as_dict(), {k: c.as_dict() for k, c in m.counters.items()},
                      np.array(ops_done, np.int64), np.array(cycles_done, np.int64), seconds, m.views.frames_in_use())


BASELINE_LABEL = "{mode} without MMU caches"


def compare(config: MachineConfig, trace: Trace, modes: Sequence[Mode] = MODES, samples: int = 100,
            progress: Optional[Progress] = None, workers: int = 0, cache_baseline: bool = False) -> Comparison:
    """Run ``trace`` in each of ``modes`` (each on a fresh machine built from ``config``).

    ``workers`` ≥ 1 runs the modes in up to that many worker processes (same results: each run
    is deterministic and independent of the others); 0 runs them in the calling process.
    ``cache_baseline`` with MMU caches on: native and nested (those of ``modes``) run once more
    with the caches off, into :attr:`Comparison.without_caches`.
    """
    out = Comparison(len(trace), design=config.design, caches=has_caches(config))
    runs = [(mode, config, mode.value, out.results) for mode in modes]
    if cache_baseline and has_caches(config):
        off = without_caches(config)
        runs += [(mode, off, BASELINE_LABEL.format(mode=mode.value), out.without_caches)
                 for mode in modes if mode is not Mode.SHADOW]
    if workers >= 1 and len(trace) >= PARALLEL_MIN_OPS:
        tasks = [(run_mode, (cfg, trace, mode, samples)) for mode, cfg, _, _ in runs]
        rows = _parallel(tasks, [label for _, _, label, _ in runs], workers, progress)
        if rows is not None:
            for (mode, _, _, into), r in zip(runs, rows, strict=True):
                into[mode.value] = r
            return out
    for i, (mode, cfg, label, into) in enumerate(runs):
        report = None
        if progress is not None:
            def report(f, i=i, label=label):
                progress((i + f) / len(runs), label)
        into[mode.value] = run_mode(cfg, trace, mode, samples, report)
    if progress is not None:
        progress(1.0, "")
    return out


@dataclass(frozen=True)
class CacheEffect:
    """What the MMU caches remove from nested paging's cost (one trace, caches on and off)."""

    refs_per_miss_off: float
    refs_per_miss_on: float
    """Nested mode: CPU walk references per TLB miss without and with the caches."""
    walk_cycles_off: int
    walk_cycles_on: int
    """Nested mode: cycles of walk references without and with the caches."""
    nested_cycles_off: int
    nested_cycles_on: int
    native_cycles_off: int
    native_cycles_on: int

    @property
    def walk_removed(self) -> float:
        """The share of nested paging's walk cycles the caches remove."""
        return 1 - self.walk_cycles_on / self.walk_cycles_off if self.walk_cycles_off else 0.0

    @property
    def overhead_off(self) -> float:
        return self.nested_cycles_off / self.native_cycles_off - 1 if self.native_cycles_off else 0.0

    @property
    def overhead_on(self) -> float:
        return self.nested_cycles_on / self.native_cycles_on - 1 if self.native_cycles_on else 0.0

    @property
    def gap_removed(self) -> float:
        """The share of nested paging's cost over native (cycles) that the caches remove."""
        off = self.nested_cycles_off - self.native_cycles_off
        on = self.nested_cycles_on - self.native_cycles_on
        return 1 - on / off if off > 0 else 0.0


def cache_effect(cmp: Comparison) -> Optional[CacheEffect]:
    """Nested paging with and without the MMU caches (None unless the comparison ran both)."""
    off, on = cmp.without_caches, cmp.results
    if not all(m in off and m in on for m in ("native", "nested")):
        return None
    n_off, n_on = off["nested"], on["nested"]
    return CacheEffect(n_off.refs_per_miss, n_on.refs_per_miss, n_off.by_cause.get(Cause.WALK, 0),
                       n_on.by_cause.get(Cause.WALK, 0), n_off.cycles, n_on.cycles, off["native"].cycles,
                       on["native"].cycles)


# -- why the winner wins -----------------------------------------------------------------------
CAUSE_ORDER: tuple[Cause, ...] = (
    Cause.WALK, Cause.VMM_WALK, Cause.EXIT_HIDDEN_FAULT, Cause.EXIT_GUEST_FAULT, Cause.EXIT_PT_WRITE,
    Cause.EXIT_INVLPG, Cause.EXIT_CR3_LOAD, Cause.EXIT_EPT_VIOLATION, Cause.GUEST_FAULT, Cause.GUEST, Cause.PMAP,
    Cause.VM_SWITCH, Cause.TLB)
"""Causes of cycles in a stable display order (others follow, by name)."""


def causes(results: Sequence[ModeResult]) -> list[Cause]:
    """Every cause with cycles in any of ``results``, in display order."""
    seen = {c for r in results for c, v in r.by_cause.items() if v}
    return [c for c in CAUSE_ORDER if c in seen] + sorted(seen - set(CAUSE_ORDER), key=lambda c: c.value)


@dataclass(frozen=True)
class CauseDelta:
    cause: Cause
    cycles: int
    """How many more cycles the mode paid for this cause than the other one."""
    count: int
    """The events behind it: exits for a VM-exit cause, walk references for "walk", else 0."""


@dataclass(frozen=True)
class Explanation:
    """Why the winner (fewer cycles) of shadow and nested wins, in numbers."""

    winner: str
    loser: str
    winner_cycles: int
    loser_cycles: int
    accesses: int
    loser_extra: tuple[CauseDelta, ...]
    """Causes where the loser paid more, largest first (what sank it)."""
    winner_extra: tuple[CauseDelta, ...]
    """Causes where the winner paid more, largest first (what it gave up)."""
    native_cycles: Optional[int]
    shadow_refs_per_miss: float
    nested_refs_per_miss: float
    tlb_misses: int
    tie: bool
    native_refs_per_miss: Optional[float] = None
    """CPU walk references per TLB miss natively (None: native did not run)."""

    @property
    def margin(self) -> float:
        """The loser's cycles over the winner's, as a fraction (0.25: 25% more)."""
        return self.loser_cycles / self.winner_cycles - 1 if self.winner_cycles else 0.0

    def overhead(self, cycles: int) -> Optional[float]:
        """Cycles over native's, as a fraction."""
        if not self.native_cycles:
            return None
        return cycles / self.native_cycles - 1

    def summary(self) -> str:
        """A short English explanation (the page renders its own, translated)."""
        if self.tie:
            return f"Shadow and nested cost the same here ({self.winner_cycles:,} cycles)."
        parts = [f"{self.winner.capitalize()} wins: {self.loser} costs {self.margin:.0%} more "
                 f"({self.loser_cycles:,} against {self.winner_cycles:,} cycles over {self.accesses:,} accesses)."]
        if self.loser_extra:
            top = self.loser_extra[0]
            parts.append(f"{self.loser.capitalize()} pays most extra for {top.cause.value} (+{top.cycles:,} cycles).")
        if self.winner_extra:
            top = self.winner_extra[0]
            parts.append(f"{self.winner.capitalize()} pays more only for {top.cause.value} (+{top.cycles:,} cycles).")
        if self.tlb_misses:
            parts.append(f"A TLB miss walks {self.shadow_refs_per_miss:.1f} references in shadow mode "
                         f"and {self.nested_refs_per_miss:.1f} in nested mode on average.")
        return " ".join(parts)


def _count_for(r: ModeResult, cause: Cause) -> int:
    reason = cause.exit_reason
    if reason is not None:
        return r.exits_by_reason.get(reason, 0)
    if cause is Cause.WALK:
        return r.counters["walk_refs"]
    if cause is Cause.VMM_WALK:
        return r.counters["vmm_walk_refs"]
    if cause is Cause.GUEST_FAULT:
        return r.counters["guest_faults"]
    return 0


def _deltas(a: ModeResult, b: ModeResult) -> tuple[CauseDelta, ...]:
    """Causes where ``a`` paid more than ``b``, largest first."""
    out = []
    for c in causes([a, b]):
        d = a.by_cause.get(c, 0) - b.by_cause.get(c, 0)
        if d > 0:
            out.append(CauseDelta(c, d, _count_for(a, c) - _count_for(b, c)))
    return tuple(sorted(out, key=lambda x: -x.cycles))


def explain(cmp: Comparison) -> Explanation:
    """Compare shadow with nested (both must have run)."""
    s, n = cmp[Mode.SHADOW], cmp[Mode.NESTED]
    tie = s.cycles == n.cycles
    win, lose = (n, s) if n.cycles <= s.cycles else (s, n)
    native = cmp[Mode.NATIVE] if Mode.NATIVE in cmp else None
    return Explanation(win.mode.value, lose.mode.value, win.cycles, lose.cycles, s.accesses,
                       _deltas(lose, win), _deltas(win, lose), native.cycles if native else None, s.refs_per_miss,
                       n.refs_per_miss, s.counters["tlb_misses"], tie,
                       native.refs_per_miss if native else None)


MAX_WALK_REFS = {"native": 4, "shadow": 4, "nested": 24}
"""The most references one walk reads, by mode (4-level tables, 4 KiB pages, no MMU caches:
DOMAIN §4). A mean per TLB miss above it means walks were repeated: a walk that meets a fault
is made again once the fault is handled, and every walk counts."""


# -- sweeps ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepParam:
    name: str
    target: str
    """"workload" (a parameter of the ``mix`` generator), "machine" (MachineConfig) or "cost"."""
    key: str
    values: tuple
    integer: bool = True
    log: bool = False
    """Plot on a logarithmic axis (the default values span orders of magnitude)."""
    categorical: bool = False
    """The values are indices of named settings (:data:`FEATURE_SETS`, :data:`DESIGN_SETS`): no
    crossovers between them."""


FEATURE_SETS: tuple[tuple[str, dict], ...] = (
    ("plain", {}),
    ("pwc", {"pwc": True}),
    ("pwc_ntlb", {"pwc": True, "nested_tlb": True}),
    ("ept_large", {"ept_large_pages": True}),
    ("both_large", {"ept_large_pages": True, "guest_large": True}),
    ("all", {"ept_large_pages": True, "guest_large": True, "pwc": True, "nested_tlb": True}),
)
"""The ``features`` sweep's points: large pages and MMU caches, off, one by one, all on (each
point sets all four: what is not named is off)."""


def apply_features(config: MachineConfig, index: int) -> MachineConfig:
    """``config`` with the large-page and MMU-cache switches of :data:`FEATURE_SETS` [``index``]."""
    _, f = FEATURE_SETS[index]
    guest = f.get("guest_large", False)
    return replace(config, ept_large_pages=f.get("ept_large_pages", False), pwc=f.get("pwc", False),
                   nested_tlb=f.get("nested_tlb", False),
                   vms=tuple(replace(v, large_pages=guest) for v in config.vms))


DESIGN_SETS: tuple[tuple[str, dict], ...] = (
    ("none", {"pwc": False, "nested_tlb": False}),
    ("intel", {"design": "intel", "pwc": True, "nested_tlb": True}),
    ("amd", {"design": "amd", "pwc": True, "nested_tlb": True}),
)
"""The ``design`` sweep's points: the same trace without MMU caches, with Intel's (paging-structure
caches and guest-physical mappings) and with AMD's (page-walk cache and nested TLB); the other
settings (large pages, TLB, costs) as chosen."""


def apply_design(config: MachineConfig, index: int) -> MachineConfig:
    """``config`` with the MMU caches of :data:`DESIGN_SETS` [``index``]."""
    return replace(config, **DESIGN_SETS[index][1])


SWEEPS: dict[str, SweepParam] = {
    "update_rate": SweepParam("update_rate", "workload", "update_rate",
                              (0, 2, 5, 10, 15, 20, 30, 40, 60, 80), integer=False),
    "switch_rate": SweepParam("switch_rate", "workload", "switch_rate",
                              (0.5, 1, 2, 5, 10, 20, 30, 50, 75, 100), integer=False, log=True),
    "pages": SweepParam("pages", "workload", "pages", (8, 16, 32, 48, 64, 96, 128, 192, 256, 384), log=True),
    "tlb_entries": SweepParam("tlb_entries", "machine", "tlb_entries",
                              (16, 32, 64, 128, 192, 256, 384, 512, 768, 1024), log=True),
    "walk_ref": SweepParam("walk_ref", "cost", "walk_ref", (4, 10, 20, 40, 60, 80, 100, 150, 200, 300), log=True),
    "features": SweepParam("features", "features", "features", tuple(range(len(FEATURE_SETS))), categorical=True),
    "design": SweepParam("design", "design", "design", tuple(range(len(DESIGN_SETS))), categorical=True),
}
"""What a sweep can vary, with default values (10 points each)."""

SWEEP_WORKLOAD = {"processes": 2, "pages": 64, "exponent": 1.5, "write_ratio": 0.3, "update_rate": 10.0,
                  "switch_rate": 5.0, "burst_pages": 4}
"""The ``mix`` workload a sweep varies by default: two processes with hot/cold working sets of
64 pages each (about 9% TLB misses on the default 64-entry TLB), 10 page-table updates and 5
context switches per 1,000 accesses — close to the balance point, so that moving any one knob
moves the winner."""


@dataclass
class SweepResult:
    param: str
    values: tuple
    modes: tuple[str, ...]
    cycles_per_access: dict[str, list[float]]
    """By mode value: one figure per value."""
    cycles: dict[str, list[int]]
    tlb_misses: dict[str, list[int]]
    vm_exits: dict[str, list[int]]
    seconds: float
    walk_refs: dict[str, list[int]] = field(default_factory=dict)
    """By mode value: the CPU's walk references at each point."""

    def refs_per_miss(self, mode: str) -> list[float]:
        """CPU walk references per TLB miss of ``mode`` at each point."""
        return [r / m if m else 0.0 for r, m in zip(self.walk_refs.get(mode, ()), self.tlb_misses[mode], strict=False)]

    def crossovers(self, a: str = "shadow", b: str = "nested") -> list[tuple[float, str, str]]:
        """Where the cheaper of ``a`` and ``b`` changes: (x, winner before, winner after), x
        interpolated linearly between the two sweep points."""
        if a not in self.cycles_per_access or b not in self.cycles_per_access:
            return []
        if self.param in SWEEPS and SWEEPS[self.param].categorical:
            return []
        out = []
        xs = [float(v) for v in self.values]
        d = [sa - sb for sa, sb in zip(self.cycles_per_access[a], self.cycles_per_access[b], strict=True)]
        for i in range(1, len(d)):
            if d[i - 1] == 0 or d[i] == 0 or (d[i - 1] > 0) == (d[i] > 0):
                continue
            x = xs[i - 1] + (xs[i] - xs[i - 1]) * d[i - 1] / (d[i - 1] - d[i])
            before, after = (b, a) if d[i - 1] > 0 else (a, b)
            out.append((x, before, after))
        return out


def sweep_point(param: SweepParam, value, *, trace: Optional[Trace], config: Optional[MachineConfig],
                workload: dict, settings: Settings, accesses: int, seed: int) -> tuple[MachineConfig, Trace]:
    """The machine and trace for one point of a sweep."""
    value = int(value) if param.integer else float(value)
    # a machine made here needs room for its large pages; the caller's has it already
    fresh = param.target == "workload" or trace is None or config is None
    if param.target == "workload" or trace is None:
        wl = dict(SWEEP_WORKLOAD, **workload, accesses=accesses)
        if param.target == "workload":
            wl[param.key] = value
        t = generate("mix", seed, **wl)
        cfg = settings.apply(default_config(t))
    else:
        t = _head(trace, accesses)
        cfg = settings.apply(config if config is not None else default_config(t))
    if param.target == "machine":
        ways = min(cfg.tlb_ways, value)
        cfg = replace(cfg, tlb_entries=value, tlb_ways=ways if value % ways == 0 else 1)
    elif param.target == "cost":
        cfg = replace(cfg, costs=cfg.costs.with_overrides({param.key: value}))
    elif param.target == "features":
        if not 0 <= value < len(FEATURE_SETS):
            raise ValueError(f"features: {value} is not one of 0…{len(FEATURE_SETS) - 1}")
        cfg = with_large_page_room(apply_features(cfg, value), t)
    elif param.target == "design":
        if not 0 <= value < len(DESIGN_SETS):
            raise ValueError(f"design: {value} is not one of 0…{len(DESIGN_SETS) - 1}")
        cfg = apply_design(cfg, value)
    if fresh and param.target != "features":
        cfg = with_large_page_room(cfg, t)
    return cfg, t


def sweep(param: str, values: Optional[Sequence] = None, *, trace: Optional[Trace] = None,
          config: Optional[MachineConfig] = None, workload: Optional[dict] = None,
          settings: Settings = Settings(), accesses: int = 100_000, seed: int = 0,
          modes: Sequence[Mode] = MODES, progress: Optional[Progress] = None, workers: int = 1) -> SweepResult:
    """Vary ``param`` (a key of :data:`SWEEPS`) over ``values`` and run each mode at each point.

    Workload parameters regenerate the ``mix`` workload (:data:`SWEEP_WORKLOAD` updated by
    ``workload``) with ``accesses`` accesses. Machine and cost parameters run ``trace`` (its
    first ``accesses`` operations; the ``mix`` workload when no trace is given) on ``config``
    (default: the trace's default machine), with ``settings`` applied first.
    """
    if param not in SWEEPS:
        raise ValueError(f"unknown sweep parameter '{param}' (one of {', '.join(SWEEPS)})")
    p = SWEEPS[param]
    values = tuple(p.values if values is None else values)
    if not values:
        raise ValueError("a sweep needs at least one value")
    out = {m.value: [] for m in modes}
    cyc = {m.value: [] for m in modes}
    miss = {m.value: [] for m in modes}
    exits = {m.value: [] for m in modes}
    refs = {m.value: [] for m in modes}
    t0 = time.perf_counter()
    kw = dict(trace=trace, config=config, workload=workload or {}, settings=settings, accesses=accesses, seed=seed)
    tasks = [(_sweep_task, (p, v, mode, kw)) for v in values for mode in modes]
    labels = [f"{param} = {v}: {mode.value}" for v in values for mode in modes]
    parallel = workers >= 1 and accesses * len(tasks) >= PARALLEL_MIN_OPS
    rows = _parallel(tasks, labels, workers, progress) if parallel else None
    if rows is None:
        rows = []
        for k, (fn, args) in enumerate(tasks):
            if progress is not None:
                progress(k / len(tasks), labels[k])
            rows.append(fn(*args))
        if progress is not None:
            progress(1.0, "")
    k = 0
    for _ in values:
        for mode in modes:
            cycles, accs, misses, n_exits, n_refs = rows[k]
            k += 1
            out[mode.value].append(cycles / accs if accs else 0.0)
            cyc[mode.value].append(cycles)
            miss[mode.value].append(misses)
            exits[mode.value].append(n_exits)
            refs[mode.value].append(n_refs)
    return SweepResult(param, values, tuple(m.value for m in modes), out, cyc, miss, exits,
                       time.perf_counter() - t0, refs)


def _sweep_task(p: SweepParam, value, mode: Mode, kw: dict) -> tuple[int, int, int, int, int]:
    cfg, t = sweep_point(p, value, **kw)
    m = Machine(cfg, mode)
    m.run_bulk(t)
    tot = m.totals()
    return tot.cycles, tot.accesses, tot.tlb_misses, sum(tot.vm_exits.values()), tot.walk_refs


# -- the paper check: references per TLB miss with and without the MMU caches of each design ------
PAPER_WORKLOADS = ("sequential", "uniform", "zipf", "tlb_thrash", "pt_churn", "context_switch", "mix")
"""The built-in workload generators (``program`` aside), each with its default parameters."""


@dataclass(frozen=True)
class PaperSetting:
    """One machine of the paper check: whose MMU caches, which of them, the EPT backing."""

    name: str
    design: str
    pwc: bool
    nested_tlb: bool
    ept_large: bool
    modes: tuple[Mode, ...]
    """The modes it runs (native only where it differs from another setting: native mode has
    no nested dimension, so the nested TLB or the EPT backing change nothing there)."""


_BOTH = (Mode.NATIVE, Mode.NESTED)
PAPER_SETTINGS: tuple[PaperSetting, ...] = (
    PaperSetting("none", "intel", False, False, False, _BOTH),
    PaperSetting("intel_psc", "intel", True, False, False, _BOTH),
    PaperSetting("intel_gpm", "intel", True, True, False, (Mode.NESTED,)),
    PaperSetting("amd_pwc", "amd", True, False, False, _BOTH),
    PaperSetting("amd_ntlb", "amd", True, True, False, (Mode.NESTED,)),
    PaperSetting("amd_ntlb_large", "amd", True, True, True, (Mode.NESTED,)),
)
"""No MMU caches; Intel's paging-structure caches (combined mappings under EPT), then with its
guest-physical mappings; AMD's page-walk cache (the 2D PWC of Bhargava et al.), then with the
nested TLB, then with 2 MiB pages in the nested dimension — the three steps whose gains
Bhargava et al. report (DOMAIN §8a). All on 4 KiB pages except the last."""
PAPER_ACCESSES = 20_000
PAPER_GAINS = (("pwc", "none", "amd_pwc"), ("ntlb", "amd_pwc", "amd_ntlb"), ("large", "amd_ntlb", "amd_ntlb_large"))
"""Bhargava et al.'s three gains, as (name, setting before, setting after) of the AMD design."""


@dataclass(frozen=True)
class PaperRow:
    """One workload under each of :data:`PAPER_SETTINGS`: CPU walk references per TLB miss, cycles
    and the faults met (keys ``(mode value, setting name)``)."""

    workload: str
    accesses: int
    refs_per_walk: dict
    """CPU walk references per TLB miss: every walk a miss needs (one made again after a fault too)."""
    cycles: dict
    faults: dict = field(default_factory=dict)
    """Faults that make a walk be repeated: guest #PFs and EPT violations (nested mode)."""
    tlb_misses: dict = field(default_factory=dict)

    def speedup(self, before: str = "none", after: str = "amd_ntlb") -> float:
        """Nested mode: cycles under setting ``before`` over cycles under ``after``, minus one (how
        much faster ``after`` runs)."""
        on = self.cycles[("nested", after)]
        return self.cycles[("nested", before)] / on - 1 if on else 0.0

    def gains(self) -> dict[str, float]:
        """Bhargava et al.'s three steps (:data:`PAPER_GAINS`) in the model, AMD's design."""
        return {name: self.speedup(a, b) for name, a, b in PAPER_GAINS}


def _paper_task(kind: str, seed: int, accesses: int, setting: PaperSetting, mode: Mode) -> tuple:
    t = generate(kind, seed, accesses=accesses)
    # every setting on the same machine: guest memory in whole 2 MiB blocks (what 2 MiB backing needs)
    base = with_large_page_room(replace(default_config(t), ept_large_pages=True), t)
    cfg = replace(base, design=setting.design, pwc=setting.pwc, nested_tlb=setting.nested_tlb,
                  ept_large_pages=setting.ept_large)
    m = Machine(cfg, mode)
    m.run_bulk(t)
    tot = m.totals()
    faults = tot.guest_faults + tot.vm_exits.get(ExitReason.EPT_VIOLATION, 0)
    return (tot.walk_refs / tot.tlb_misses if tot.tlb_misses else 0.0), tot.cycles, faults, tot.tlb_misses


def paper_check(accesses: int = PAPER_ACCESSES, seed: int = 0, workloads: Sequence[str] = PAPER_WORKLOADS,
                progress: Optional[Progress] = None, workers: int = 0) -> list[PaperRow]:
    """Each workload (``accesses`` accesses, default parameters, ``seed``) on its default machine
    under each of :data:`PAPER_SETTINGS` — the figures to set beside the published ones (DOMAIN
    §4, §8a)."""
    if not 1 <= accesses <= 1_000_000:
        raise ValueError(f"accesses: {accesses} is not between 1 and 1,000,000")
    keys = [(kind, st, mode) for kind in workloads for st in PAPER_SETTINGS for mode in st.modes]
    tasks = [(_paper_task, (kind, seed, accesses, st, mode)) for kind, st, mode in keys]
    labels = [f"{kind}: {mode.value}, {st.name}" for kind, st, mode in keys]
    rows = None
    if workers >= 1 and accesses * len(tasks) >= PARALLEL_MIN_OPS:
        rows = _parallel(tasks, labels, workers, progress)
    if rows is None:
        rows = []
        for k, (fn, args) in enumerate(tasks):
            if progress is not None:
                progress(k / len(tasks), labels[k])
            rows.append(fn(*args))
        if progress is not None:
            progress(1.0, "")
    out = []
    for kind in workloads:
        refs, cyc, faults, misses = {}, {}, {}, {}
        for (k, st, mode), (r, c, f, n) in zip(keys, rows, strict=True):
            if k == kind:
                key = (mode.value, st.name)
                refs[key], cyc[key], faults[key], misses[key] = r, c, f, n
        out.append(PaperRow(kind, accesses, refs, cyc, faults, misses))
    return out


def paper_runs(rows: Sequence[PaperRow]) -> int:
    """How many runs made ``rows``."""
    return sum(len(r.cycles) for r in rows)


def paper_means(rows: Sequence[PaperRow]) -> dict:
    """The mean over workloads of references per TLB miss, by (mode, setting name)."""
    if not rows:
        return {}
    return {k: sum(r.refs_per_walk[k] for r in rows) / len(rows) for k in rows[0].refs_per_walk}


# -- running in several processes ------------------------------------------------------------
def _cores() -> int:
    return _executor._cores()


def default_workers() -> int:
    """Worker processes for long runs: one core is left to the rest of the server (stepping
    sessions), at least one, at most three (the three modes)."""
    return max(1, min(3, _cores() - 1))


MAX_SERVER_WORKERS = _executor.default().max_workers
"""Worker processes this process (a web server) runs at once, over all runs and all kinds of
work (:mod:`visualizer.executor`): a run gets the slots that are free and waits for one if none is."""
WORKER_NICE = _executor.NICE
"""Workers run at a lower priority, so that stepping sessions stay responsive."""


def _task(fn, args):
    """Run ``fn(*args)`` in a worker; a run_mode task reports its progress to the executor."""
    if fn is run_mode:
        return fn(*args, progress=_executor.report_progress)
    return fn(*args)


def _parallel(tasks: list, labels: list[str], workers: int, progress: Optional[Progress]) -> Optional[list]:
    """Run ``(fn, args)`` tasks in up to ``workers`` worker processes of the executor; results in
    task order, or None where worker processes are not available (the caller then runs the
    tasks itself). Progress is polled every 0.1 s, so a caller whose progress callback raises (a
    page rerun) stops here, and the workers with it."""
    ex = _executor.for_sweeps()  # local worker processes, or the dask cluster the app is told of
    if not isinstance(ex, _executor.DaskExecutor) and (not isinstance(ex, _executor.LocalExecutor) or not ex._fork):
        return None
    return ex.map([_executor.Task(_task, (fn, args), label=label) for (fn, args), label in zip(tasks, labels, strict=True)],
                  workers=workers, progress=progress)


def _head(trace: Trace, n: int) -> Trace:
    if n >= len(trace):
        return trace
    extras = {i: o for i, o in trace.extras.items() if i < n}
    return Trace(trace.vm_names, trace.proc_names, trace.vm[:n], trace.proc[:n], trace.op[:n], trace.gva[:n],
                 trace.value[:n], extras)


# -- cache keys ------------------------------------------------------------------------------
def trace_digest(trace: Trace) -> str:
    """A content hash of a trace (names, columns and extra operations)."""
    h = hashlib.sha256()
    h.update(repr((trace.vm_names, trace.proc_names)).encode())
    for col in (trace.vm, trace.proc, trace.op, trace.gva, trace.value):
        h.update(np.ascontiguousarray(col).tobytes())
    h.update(repr(sorted(trace.extras.items(), key=lambda kv: kv[0])).encode())
    return h.hexdigest()


def config_digest(config: MachineConfig) -> str:
    return hashlib.sha256(repr(config).encode()).hexdigest()


# -- reproducing a comparison from the command line ---------------------------------------------
def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return toml_string(str(v))


def toml_string(s: str) -> str:
    """A TOML basic string of ``s`` in real Unicode (an emoji stays an emoji: JSON's surrogate
    escapes such as ``\\ud83d`` are not valid TOML); control characters escaped; a lone
    surrogate (a file name that was not UTF-8) becomes U+FFFD."""
    out = []
    for c in s:
        o = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif o < 0x20 or o == 0x7F:
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(c, f"\\u{o:04X}"))
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\uFFFD")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def config_to_toml(config: MachineConfig, *, name: str = "comparison", description: str = "",
                   generator: Optional[tuple[str, dict, int]] = None) -> str:
    """A scenario file for ``config`` (and, if given, a ``(kind, params, seed)`` trace generator)
    from which ``python -m visualizer run`` reproduces a comparison exactly: with a generator,
    ``run FILE --mode M``; without, ``run --trace TRACE --scenario FILE --mode M``."""
    out = [f"name = {_toml_value(name)}"]
    if description:
        out.append(f"description = {_toml_value(description)}")
    out += [f"seed = {config.seed}", "", "[machine]", f"memory = {config.frames * 4096}", "",
            "[tlb]", f"entries = {config.tlb_entries}", f"ways = {config.tlb_ways}",
            f"vpid = {_toml_value(config.vpid)}", f"pcid = {_toml_value(config.pcid)}"] + \
        ([f"entries_2m = {config.tlb_entries_2m}", f"ways_2m = {config.tlb_ways_2m}"]
         if (config.tlb_entries_2m, config.tlb_ways_2m) != (32, 4) else []) + ["",
            "[shadow]", f"root_cache = {config.root_cache}", ""]
    nested = ([f"invept = {_toml_value(config.invept)}"] if config.invept != "single" else []) + \
        ([f"large_pages = {_toml_value(config.ept_large_pages)}"] if config.ept_large_pages else [])
    if nested:
        out += ["[nested]"] + nested + [""]
    if config.pwc or config.nested_tlb or config.design != "intel":
        out += ["[mmu]", f"pwc = {_toml_value(config.pwc)}", f"nested_tlb = {_toml_value(config.nested_tlb)}"] + \
            ([f"design = {_toml_value(config.design)}"] if config.design != "intel" else []) + [""]
    defaults = CostTable()
    changed = {k: v for k, v in config.costs.as_dict().items() if v != getattr(defaults, k)}
    if changed:
        out += ["[costs]"] + [f"{k} = {v}" for k, v in changed.items()] + [""]
    for vm in config.vms:
        procs = ", ".join(_toml_value(p) for p in vm.processes)
        out += ["[[vm]]", f"name = {_toml_value(vm.name)}", f"memory = {vm.pages * 4096}",
                f"processes = [{procs}]"] + (["large_pages = true"] if vm.large_pages else []) + [""]
    if generator is not None:
        kind, params, seed = generator
        out += ["[trace_generator]", f"kind = {_toml_value(kind)}", f"seed = {int(seed)}"]
        out += [f"{k} = {_toml_value(v)}" for k, v in params.items()]
        out.append("")
    return "\n".join(out)
