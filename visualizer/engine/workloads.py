"""Seeded workload generators: traces of memory accesses with known shapes.

Every generator takes a ``numpy.random.Generator`` first and keyword parameters with sensible
defaults, and returns a :class:`~visualizer.engine.trace.Trace`. The same seed gives the same
trace. :data:`GENERATORS` names them for scenario files (``[trace_generator] kind = "zipf"``)
and for the comparison page; each entry holds the function and a one-line description, and
each function's docstring documents its parameters.

The shapes and what they stress:

==================  ==========================================================================
``sequential``      a scan: many accesses per page, TLB-friendly.
``uniform``         uniformly random pages: misses once the pages exceed the TLB's reach.
``zipf``            hot/cold working set: a few pages take most accesses (Zipf ranks).
``tlb_thrash``      a cyclic walk over more pages than the TLB holds, with no page-table
                    activity after the first touch: every access misses — nested mode's worst
                    case (24 references per walk) and shadow mode's best.
``pt_churn``        bursts of map/unmap and real forks with copy-on-write in the guest: every
                    guest page-table write exits in shadow mode, none does in nested mode.
``context_switch``  N processes round-robin with a quantum: every switch is a CR3 load, which
                    exits in shadow mode and not in nested mode.
``mix``             a Zipf working set with page-table updates and context switches at chosen
                    rates — the knob-turning workload behind the comparison page's sweeps.
``program``         a real program's memory trace recorded with Valgrind's lackey tool
                    (``visualizer/traces/``), as one process in one VM.
==================  ==========================================================================

Addresses are canonical user gVAs from ``base`` (default 0x400000, where a Linux executable
starts); accesses are 8-byte aligned. Page-table operations (``map``, ``unmap``, ``protect``)
``switch``, ``fork`` and ``exit`` are operations, not accesses: "cycles per access" divides by
accesses only.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from .ops import OP_CODES, Op, OpKind
from .trace import Trace
from .traceio import TRACE_DIR, read_trace_file

PAGE = 4096
R, W, X = (OP_CODES.index(k) for k in (OpKind.READ, OpKind.WRITE, OpKind.EXEC))
MAP, UNMAP, PROTECT = (OP_CODES.index(k) for k in (OpKind.MAP, OpKind.UNMAP, OpKind.PROTECT))
SWITCH = OP_CODES.index(OpKind.SWITCH)
FORK, EXIT = OP_CODES.index(OpKind.FORK), OP_CODES.index(OpKind.EXIT)
DEFAULT_BASE = 0x0000_0040_0000
MAX_ACCESSES = 5_000_000
"""Generators refuse longer traces (the scenario loader's cap): accesses and the operations a
generator adds between them (switches, map/unmap bursts, forks) together."""
MAX_PAGES = 1 << 20
MAX_PROCESSES = 64


# -- checks ----------------------------------------------------------------------------------
def _count(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} must be a whole number from {lo:,} to {hi:,}, got {value!r}")
    return int(value)


def _ratio(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a fraction from 0 to 1, got {value!r}")
    return float(value)


def _nonneg(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e9:
        raise ValueError(f"{name} must be a number ≥ 0, got {value!r}")
    return float(value)


def _base(base, pages: int) -> int:
    if isinstance(base, bool) or not isinstance(base, int) or base < 0 or base % PAGE:
        raise ValueError(f"base must be a page-aligned address such as 0x400000, got {base!r}")
    if base + pages * PAGE > 1 << 47:
        raise ValueError(f"base 0x{base:x} + {pages} pages runs past the canonical user limit 0x800000000000")
    return base


def _too_long(accesses: int, added: str) -> ValueError:
    return ValueError(f"the trace would have more than {MAX_ACCESSES:,} operations (the limit): {accesses:,} accesses "
                      f"and the {added} the parameters add between them")


def _check_total(accesses: int, added: int, what: str) -> None:
    """Refuse before building: ``added`` operations (at least) come on top of the accesses."""
    if accesses + added > MAX_ACCESSES:
        raise _too_long(accesses, what)


# -- building blocks -------------------------------------------------------------------------
def _rw(rng, n, write_ratio):
    return np.where(rng.random(n) < write_ratio, W, R).astype(np.int8)


def _offsets(rng, n):
    return rng.integers(0, PAGE // 8, n, dtype=np.int64) * 8


def _values(rng, n):
    return rng.integers(1, 1 << 32, n, dtype=np.uint64)


def _gva(base, pages_idx, offsets):
    return np.uint64(base) + pages_idx.astype(np.uint64) * np.uint64(PAGE) + offsets.astype(np.uint64)


def _single(vm, process, pages_idx, offsets, ops, base, rng) -> Trace:
    n = len(ops)
    gva = _gva(base, pages_idx, offsets)
    values = np.where(ops == W, _values(rng, n), np.uint64(0))
    return Trace([vm], [(vm, process)], np.zeros(n, np.int16), np.zeros(n, np.int32), ops, gva, values)


def _zipf_pages(rng, n: int, pages: int, exponent: float) -> np.ndarray:
    """``n`` page indices in [0, pages) with P(rank k) ∝ 1/k^exponent; ranks are scattered over
    the pages by a seeded permutation so that hot pages are not neighbours."""
    weights = 1.0 / np.arange(1, pages + 1, dtype=np.float64) ** exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    ranks = np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), pages - 1)
    return rng.permutation(pages)[ranks]


class _Builder:
    """Access columns plus blocks of other operations inserted before given accesses."""

    def __init__(self, vm: str, procs: list[str], proc, ops, gva, values):
        self.vm, self.procs = vm, procs
        self.proc, self.ops, self.gva, self.values = proc, ops, gva, values
        self.at: list[int] = []
        self.block_proc: list[int] = []
        self.block_op: list[int] = []
        self.block_gva: list[int] = []
        self.block_child: dict[int, int] = {}
        """Inserted fork (its index among the inserted operations) → the child's process index."""

    def insert(self, position: int, proc: int, ops: list[int], gvas: list[int]) -> None:
        """Insert operations (in order) before access number ``position``. The whole trace stays
        within :data:`MAX_ACCESSES` operations (refused as soon as it would not)."""
        if len(self.ops) + len(self.at) + len(ops) > MAX_ACCESSES:
            raise _too_long(len(self.ops), "page-table operations, switches and forks")
        self.at.extend([position] * len(ops))
        self.block_proc.extend([proc] * len(ops))
        self.block_op.extend(ops)
        self.block_gva.extend(gvas)

    def insert_fork(self, position: int, parent: int, child: int) -> None:
        """Insert a fork of process ``parent`` into process ``child`` before access ``position``."""
        self.block_child[len(self.at)] = child
        self.insert(position, parent, [FORK], [0])

    def trace(self, rng) -> Trace:
        proc, ops, gva = self.proc, self.ops, self.gva
        values = np.where(ops == W, self.values, np.uint64(0))  # only a write stores a value
        extras = {}
        if self.at:
            at = np.asarray(self.at, np.int64)
            if self.block_child:
                # where np.insert puts each inserted operation: before its access, after the
                # operations inserted earlier at the same place (a stable sort of the positions)
                order = np.argsort(at, kind="stable")
                final = np.empty(len(at), np.int64)
                final[order] = at[order] + np.arange(len(at))
                extras = {int(final[j]): Op(OpKind.FORK, self.vm, self.procs[self.block_proc[j]],
                                            child=self.procs[c]) for j, c in self.block_child.items()}
            extra_vals = np.where(np.asarray(self.block_op) == W, _values(rng, len(at)), 0).astype(np.uint64)
            proc = np.insert(proc, at, np.asarray(self.block_proc, np.int32))
            ops = np.insert(ops, at, np.asarray(self.block_op, np.int8))
            gva = np.insert(gva, at, np.asarray(self.block_gva, np.uint64))
            values = np.insert(values, at, extra_vals)
        n = len(ops)
        return Trace([self.vm], [(self.vm, p) for p in self.procs], np.zeros(n, np.int16),
                     proc.astype(np.int32), ops.astype(np.int8), gva, values, extras)


def _round_robin(n: int, nprocs: int, quantum: int) -> tuple[np.ndarray, list[int]]:
    """Process index of each access, and the accesses where a new time slice starts."""
    if nprocs <= 1 or quantum <= 0:
        return np.zeros(n, np.int32), []
    proc = ((np.arange(n, dtype=np.int64) // quantum) % nprocs).astype(np.int32)
    return proc, list(range(quantum, n, quantum))


def _mmap_bursts(b: _Builder, positions, k: int, churn_first: int, base: int) -> None:
    """At each position: unmap the previous burst's buffer pages, map ``k`` new ones and write
    each once (a short-lived buffer, as malloc/mmap and free/munmap make)."""
    prev: dict[int, list[int]] = {}
    count: dict[int, int] = {}
    for pos in positions:
        p = int(b.proc[min(pos, len(b.proc) - 1)])
        half = count.get(p, 0) % 2
        count[p] = count.get(p, 0) + 1
        pages = [base + (churn_first + half * k + i) * PAGE for i in range(k)]
        old = prev.get(p, [])
        writes = [g + 8 * (i % 512) for i, g in enumerate(pages)]
        b.insert(pos, p, [UNMAP] * len(old) + [MAP] * k + [W] * k, old + pages + writes)
        prev[p] = pages


def _fork_burst(b: _Builder, rng, pos: int, k: int, pages: int, base: int, child: int) -> None:
    """A real fork: the parent forks process ``child`` (every present page shared copy-on-write),
    writes ``k`` of its working-set pages — each write a protection fault that copies the page
    — the child reads about half of them (it still sees the old contents) and exits, which
    drops its references to the shared frames."""
    p = int(b.proc[min(pos, len(b.proc) - 1)])
    chosen = rng.choice(pages, size=min(k, pages), replace=False)
    gvas = [base + int(c) * PAGE for c in chosen]
    b.insert_fork(pos, p, child)
    b.insert(pos, p, [W] * len(gvas), [g + 8 * (i % 512) for i, g in enumerate(gvas)])
    reads = gvas[:max(1, len(gvas) // 2)]
    b.insert(pos, child, [R] * len(reads) + [EXIT], [g + 8 * (i % 512) for i, g in enumerate(reads)] + [0])


# -- generators ------------------------------------------------------------------------------
def sequential(rng, *, vm="VM1", process="p1", accesses=10000, pages=64, stride=64, write_ratio=0.3,
               base=DEFAULT_BASE) -> Trace:
    """Scan ``pages`` pages in order, ``stride`` bytes apart, wrapping around.

    accesses: number of accesses · pages: pages scanned · stride: bytes between accesses (64 = one
    cache line; 4096 = one access per page) · write_ratio: fraction of writes · base: first gVA.
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    stride = _count("stride", stride, 8, 1 << 30)
    offs = (np.arange(accesses, dtype=np.int64) * stride) % (pages * PAGE)
    return _single(vm, process, offs // PAGE, (offs % PAGE) & ~7, _rw(rng, accesses, _ratio("write_ratio", write_ratio)),
                   _base(base, pages), rng)


def uniform(rng, *, vm="VM1", process="p1", accesses=10000, pages=64, write_ratio=0.3,
            base=DEFAULT_BASE) -> Trace:
    """Uniformly random pages and offsets.

    accesses: number of accesses · pages: working set in pages · write_ratio: fraction of
    writes · base: first gVA.
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    return _single(vm, process, rng.integers(0, pages, accesses), _offsets(rng, accesses),
                   _rw(rng, accesses, _ratio("write_ratio", write_ratio)), _base(base, pages), rng)


def zipf(rng, *, vm="VM1", process="p1", accesses=10000, pages=256, exponent=1.0, write_ratio=0.3,
         base=DEFAULT_BASE) -> Trace:
    """Hot/cold working set: page of rank k is chosen with probability ∝ 1/k^exponent.

    accesses: number of accesses · pages: all pages, hot and cold · exponent: Zipf skew (0 =
    uniform; 1 ≈ the classic "20% of pages take 80% of accesses" shape; higher = hotter) ·
    write_ratio: fraction of writes · base: first gVA.
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    idx = _zipf_pages(rng, accesses, pages, _nonneg("exponent", exponent))
    return _single(vm, process, idx, _offsets(rng, accesses), _rw(rng, accesses, _ratio("write_ratio", write_ratio)),
                   _base(base, pages), rng)


def tlb_thrash(rng, *, vm="VM1", process="p1", accesses=10000, pages=256, write_ratio=0.1,
               base=DEFAULT_BASE) -> Trace:
    """Walk ``pages`` pages cyclically in a fixed shuffled order, one access per page.

    With more pages than TLB entries (default 256 against the default 64-entry TLB, 4× its
    reach) an LRU TLB misses on every access, while after the first round the guest's tables
    never change. accesses: number of accesses · pages: pages in the cycle · write_ratio:
    fraction of writes · base: first gVA.
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    order = rng.permutation(pages)
    idx = order[np.arange(accesses, dtype=np.int64) % pages]
    return _single(vm, process, idx, _offsets(rng, accesses), _rw(rng, accesses, _ratio("write_ratio", write_ratio)),
                   _base(base, pages), rng)


def pt_churn(rng, *, vm="VM1", process="p1", accesses=10000, pages=32, burst_every=100, burst_pages=4,
             cow_ratio=0.5, write_ratio=0.3, base=DEFAULT_BASE) -> Trace:
    """A small working set with bursts of page-table updates every ``burst_every`` accesses.

    Each burst is either a buffer churn (the previous burst's buffer pages unmapped, then
    ``burst_pages`` new pages mapped and written, as malloc/mmap and free/munmap do) or, with
    probability ``cow_ratio``, a real fork with copy-on-write: the process forks a child (every
    present PTE copied write-protected into it, one flush of the parent's address space), then
    writes ``burst_pages`` working-set pages — each write a protection fault whose handler
    copies the page — and the child reads about half of them and exits (its address space torn
    down, so that the next fork can reuse it). The child is process ``p2`` (``p1`` when the
    parent is ``p2``), which the scenario's VM must declare (see :func:`processes_of`).
    accesses: working-set accesses (bursts add their own operations) · pages: working set in
    pages · burst_every: accesses between bursts · burst_pages: pages per burst · cow_ratio:
    fraction of bursts that are forks · write_ratio: fraction of writes among working-set
    accesses · base: first gVA (buffer pages follow the working set).
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    burst_every = _count("burst_every", burst_every, 1, MAX_ACCESSES)
    k = _count("burst_pages", burst_pages, 1, 512)
    cow_ratio = _ratio("cow_ratio", cow_ratio)
    child = fork_child(process)
    _base(base, pages + 2 * k)
    idx = rng.integers(0, pages, accesses)
    b = _Builder(vm, [process, child], np.zeros(accesses, np.int32), _rw(rng, accesses, _ratio("write_ratio", write_ratio)),
                 _gva(base, idx, _offsets(rng, accesses)), _values(rng, accesses))
    positions = range(burst_every, accesses, burst_every)
    # a burst adds at least k operations (k writes after a fork, k maps and k writes otherwise)
    _check_total(accesses, len(positions) * k, "map/unmap bursts and forks")
    positions = list(positions)
    cow = rng.random(len(positions)) < cow_ratio
    _mmap_bursts(b, [p for p, c in zip(positions, cow, strict=True) if not c], k, pages, base)
    for p, c in zip(positions, cow, strict=True):
        if c:
            _fork_burst(b, rng, p, k, pages, base, 1)
    return b.trace(rng)


def fork_child(process: str) -> str:
    """The process ``pt_churn`` forks into: ``p2`` (``p1`` when the parent is ``p2``)."""
    return "p1" if process == "p2" else "p2"


def context_switch(rng, *, vm="VM1", processes=4, accesses=10000, quantum=50, pages=16, write_ratio=0.3,
                   base=DEFAULT_BASE) -> Trace:
    """``processes`` processes (named p1, p2, …) take turns round-robin, ``quantum`` accesses each.

    A ``switch`` operation (a CR3 load) starts every time slice after the first. Every process
    uses the same gVAs (as processes running one program do) with its own tables and frames.
    accesses: number of accesses · processes: how many (the scenario's VM must have p1…pN) ·
    quantum: accesses per time slice · pages: each process's working set in pages ·
    write_ratio: fraction of writes · base: first gVA.
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    nprocs = _count("processes", processes, 1, MAX_PROCESSES)
    quantum = _count("quantum", quantum, 1, MAX_ACCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    procs = [f"p{i + 1}" for i in range(nprocs)]
    proc, starts = _round_robin(accesses, nprocs, quantum)
    _check_total(accesses, len(starts), "context switches")
    idx = rng.integers(0, pages, accesses)
    b = _Builder(vm, procs, proc, _rw(rng, accesses, _ratio("write_ratio", write_ratio)),
                 _gva(_base(base, pages), idx, _offsets(rng, accesses)), _values(rng, accesses))
    for s in starts:
        b.insert(s, int(proc[s]), [SWITCH], [0])
    return b.trace(rng)


def mix(rng, *, vm="VM1", processes=2, accesses=10000, pages=64, exponent=1.5, write_ratio=0.3,
        update_rate=10.0, switch_rate=5.0, burst_pages=4, base=DEFAULT_BASE) -> Trace:
    """A Zipf working set with page-table updates and context switches at chosen rates.

    The defaults sit near the balance point of the default machine and costs (about 9% TLB
    misses against 10 page-table updates and 5 context switches per 1,000 accesses), so that
    turning any one knob moves the winner.

    accesses: number of accesses · processes: processes p1…pN sharing the CPU round-robin ·
    pages: each process's working set in pages · exponent: Zipf skew (0 = uniform) ·
    write_ratio: fraction of writes · update_rate: guest page-table updates (map/unmap) per
    1,000 accesses, made as buffer-churn bursts of ``burst_pages`` pages · switch_rate: context
    switches per 1,000 accesses (0: none; with one process, none) · base: first gVA.
    """
    accesses = _count("accesses", accesses, 1, MAX_ACCESSES)
    nprocs = _count("processes", processes, 1, MAX_PROCESSES)
    pages = _count("pages", pages, 1, MAX_PAGES)
    k = _count("burst_pages", burst_pages, 1, 512)
    update_rate = _nonneg("update_rate", update_rate)
    switch_rate = _nonneg("switch_rate", switch_rate)
    if update_rate > 1000 or switch_rate > 1000:
        raise ValueError("update_rate and switch_rate are per 1,000 accesses: at most 1000")
    _base(base, pages + 2 * k)
    procs = [f"p{i + 1}" for i in range(nprocs)]
    quantum = int(round(1000.0 / switch_rate)) if switch_rate > 0 else 0
    proc, starts = _round_robin(accesses, nprocs, quantum)
    bursts = int(round(accesses * update_rate / 1000.0 / (2 * k)))
    if update_rate > 0 and bursts == 0:
        bursts = 1
    # each burst maps and writes k pages (and unmaps the previous burst's k)
    _check_total(accesses, len(starts) + min(bursts, accesses) * 2 * k, "context switches and map/unmap bursts")
    idx = _zipf_pages(rng, accesses, pages, _nonneg("exponent", exponent))
    b = _Builder(vm, procs, proc, _rw(rng, accesses, _ratio("write_ratio", write_ratio)),
                 _gva(base, idx, _offsets(rng, accesses)), _values(rng, accesses))
    for s in starts:
        b.insert(s, int(proc[s]), [SWITCH], [0])
    # a burst maps k pages and unmaps the previous k: 2k updates (k for the very first one)
    if bursts:
        positions = np.sort(rng.choice(np.arange(1, accesses + 1), size=min(bursts, accesses), replace=False))
        _mmap_bursts(b, [int(p) for p in positions], k, pages, base)
    return b.trace(rng)


def program(rng, *, vm="VM1", process="p1", name="listwalk", accesses=0) -> Trace:
    """A real program's memory trace shipped in ``visualizer/traces/`` (Valgrind lackey format,
    gzip-compressed), as one process in one VM: instruction fetches become ``exec``, loads
    ``read``, stores ``write``. name: which trace (see :func:`program_names`) · accesses: keep
    only the first N operations (0 = all). The seed plays no part: the trace is a recording.
    """
    names = program_names()
    if name not in names:
        raise ValueError(f"no program trace '{name}' (available: {', '.join(names) or 'none'})")
    accesses = _count("accesses", accesses, 0, MAX_ACCESSES)
    trace = read_trace_file(TRACE_DIR / f"{name}.lackey.gz", vm=vm, process=process)
    if accesses and accesses < len(trace):
        trace = Trace(trace.vm_names, trace.proc_names, trace.vm[:accesses], trace.proc[:accesses],
                      trace.op[:accesses], trace.gva[:accesses], trace.value[:accesses])
    return trace


def program_names() -> list[str]:
    return sorted(p.name[: -len(".lackey.gz")] for p in TRACE_DIR.glob("*.lackey.gz"))


GENERATORS: dict[str, tuple[Callable[..., Trace], str]] = {
    "sequential": (sequential, "Scan pages in order (TLB-friendly: many accesses per page)."),
    "uniform": (uniform, "Uniformly random pages: TLB misses once the pages exceed the TLB's reach."),
    "zipf": (zipf, "Hot/cold working set: a few pages take most accesses (Zipf)."),
    "tlb_thrash": (tlb_thrash, "A cyclic walk over 4× the TLB's reach, no page-table activity: every access misses."),
    "pt_churn": (pt_churn, "Bursts of map/unmap and real forks with copy-on-write in the guest."),
    "context_switch": (context_switch, "N processes round-robin with a quantum: a CR3 load per time slice."),
    "mix": (mix, "A Zipf working set with page-table updates and context switches at chosen rates."),
    "program": (program, "A real program's memory trace (Valgrind lackey): a linked-list walk."),
}


def generate(kind: str, seed: int, **params) -> Trace:
    if kind not in GENERATORS:
        raise ValueError(f"unknown generator '{kind}' (known: {', '.join(sorted(GENERATORS))})")
    return GENERATORS[kind][0](np.random.default_rng(seed), **params)


def processes_of(kind: str, params: Optional[dict] = None) -> list[str]:
    """The process names a generator's trace uses (what the scenario's VM must provide)."""
    import inspect

    params = params or {}
    sig = inspect.signature(GENERATORS[kind][0]).parameters
    if "processes" in sig:
        n = params.get("processes", sig["processes"].default)
        return [f"p{i + 1}" for i in range(int(n))]
    names = [params.get("process", sig["process"].default)]
    if kind == "pt_churn":  # it forks into a second process
        names.append(fork_child(names[0]))
    return names
