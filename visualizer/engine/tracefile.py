"""Trace files at full size: read once, run in every mode, in bounded memory.

A :class:`TraceSource` is a trace file (or an upload's bytes) read block by block
(:class:`~.traceio.TraceReader`). Opening it reads it once: the operations are counted, the
default machine's needs gathered (:class:`~.traceio.TraceStats`) and, against a base scenario,
every VM and process checked (errors name the line). The parsed operations are kept in memory
while they fit in :data:`KEEP_BYTES` (23 bytes an operation: 11 million); a longer trace is read again, block
by block, by each run — so memory stays bounded by a block and the machine, not the trace.

:func:`run_mode` runs a source in one mode on a fresh machine through the bulk path
(:meth:`Machine.run_bulk`, chunk by chunk: bulk = step holds across chunks); :func:`compare`
runs several modes — and several sources — as tasks of an executor (:mod:`visualizer.executor`:
local worker processes, or a dask cluster), with the same results as one process.

**Sampling** (:class:`Sample`, optional): every Nth access (all other operations — switches,
maps, forks — are kept, so that the address spaces stay as the program made them), or a window
of operations (the machine starts cold at its first operation). A sampled run says so in its
result.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

import numpy as np

from .errors import TraceError
from .machine import Machine
from .ops import MachineConfig, Mode
from .trace import Trace
from .traceio import (EXEC, MAX_TRACE_BYTES, MAX_TRACE_ROWS, ParsedTrace, TraceReader, TraceStats, default_config)

KEEP_BYTES = 256 << 20
"""Parsed operations kept in memory after the first read (beyond, each run reads the file again)."""
OP_BYTES = 23
"""Bytes one operation takes in a Trace's columns (VM 2, process 4, op 1, gVA 8, value 8)."""


@dataclass(frozen=True)
class Sample:
    """Which operations of a trace run: every ``every``-th access (other operations all), and
    of those the window from operation ``start`` (0-based, counted before sampling) of
    ``count`` operations (None: to the end)."""

    every: int = 1
    start: int = 0
    count: Optional[int] = None

    def __post_init__(self):
        if self.every < 1:
            raise ValueError(f"every: {self.every} is not a whole number ≥ 1")
        if self.start < 0 or (self.count is not None and self.count < 1):
            raise ValueError("window: the start must be ≥ 0 and the count ≥ 1")

    @property
    def active(self) -> bool:
        return self.every > 1 or self.start > 0 or self.count is not None

    def describe(self) -> str:
        """What was simulated, in words ("" when everything was)."""
        parts = []
        if self.start > 0 or self.count is not None:
            end = "the end" if self.count is None else f"{self.start + self.count:,}"
            parts.append(f"operations {self.start:,} to {end} only (a window: the machine starts cold there)")
        if self.every > 1:
            parts.append(f"every {self.every:,}th access (other operations all)")
        return "sampled: " + "; ".join(parts) if parts else ""

    def as_dict(self) -> dict:
        return {"every": self.every, "start": self.start, "count": self.count}


def _subset(trace: Trace, keep: np.ndarray) -> Trace:
    idx = np.flatnonzero(keep)
    if len(idx) == len(trace):
        return trace
    extras = {}
    if trace.extras:
        pos = {int(i): k for k, i in enumerate(idx.tolist())}
        extras = {pos[i]: o for i, o in trace.extras.items() if i in pos}
    return Trace(trace.vm_names, trace.proc_names, trace.vm[idx], trace.proc[idx], trace.op[idx], trace.gva[idx],
                 trace.value[idx], extras)


class _Sampler:
    """Applies a :class:`Sample` to consecutive chunks."""

    def __init__(self, sample: Sample):
        self.s = sample
        self.ops = 0  # operations seen before this chunk
        self.accesses = 0

    def __call__(self, p: ParsedTrace) -> Optional[ParsedTrace]:
        t = p.trace
        n = len(t)
        s = self.s
        keep = np.ones(n, bool)
        if s.every > 1:
            acc = t.op <= EXEC
            k = self.accesses + np.cumsum(acc) - 1
            keep &= ~acc | (k % s.every == 0)
            self.accesses += int(acc.sum())
        if s.start > 0 or s.count is not None:
            i = self.ops + np.arange(n)
            keep &= i >= s.start
            if s.count is not None:
                keep &= i < s.start + s.count
        self.ops += n
        if keep.all():
            return p
        return ParsedTrace(_subset(t, keep), p.format, p.lines[keep], p.program)

    def past_window(self) -> bool:
        return self.s.count is not None and self.ops >= self.s.start + self.s.count


class TraceSource:
    """A trace file (``source`` a path) or an upload (bytes), opened: read once to count, check
    and size it; then :meth:`chunks` as often as runs need. ``base``: a scenario whose machine it
    runs on (a CSV trace must name only its VMs and processes; a lackey trace becomes its first
    VM's first process); without, the default machine (:func:`~.traceio.default_config`)."""

    def __init__(self, source, name: Optional[str] = None, *, base=None, sample: Sample = Sample(),
                 max_rows: int = MAX_TRACE_ROWS, max_bytes: int = MAX_TRACE_BYTES, keep_bytes: int = KEEP_BYTES,
                 progress: Optional[Callable[[int], None]] = None):
        self.source = str(source) if isinstance(source, Path) else source
        self.name = name or (Path(source).name if isinstance(source, (str, Path)) else "upload")
        self.sample = sample
        self.base_name = base.name if base is not None else None
        vm, process = "VM1", None
        if base is not None:
            vm, process = base.config.vms[0].name, base.config.vms[0].processes[0]
        self._reader_args = dict(vm=vm, process=process, max_rows=max_rows, max_bytes=max_bytes)
        reader = self._reader()
        self.format = reader.format
        if self.format == "toml":
            raise TraceError(f"{self.name}: this looks like a scenario file (TOML), not a trace")
        self.stats = TraceStats()
        self.total_operations = 0
        kept: Optional[list[Trace]] = []
        size = 0
        try:
            sampler = _Sampler(sample)
            for chunk in reader.chunks():
                self.total_operations += len(chunk.trace)
                chunk = sampler(chunk)
                self.stats.add(chunk.trace, chunk.lines)
                if base is not None:
                    _check_names(base.config, chunk, self.stats)
                if kept is not None:
                    size += len(chunk.trace) * OP_BYTES
                    if size <= keep_bytes:
                        kept.append(chunk.trace)
                    else:
                        kept = None
                if progress is not None:
                    progress(self.total_operations)
        except TraceError as exc:
            msg = str(exc)
            raise TraceError(msg if msg.startswith(self.name) else f"{self.name}: {msg}") from None
        self.program = reader.program
        self._kept = kept
        if not self.stats.operations:
            raise TraceError(f"{self.name}: the sample leaves no operations")
        if base is not None:
            _check_sizes(base.config, self.stats, self.name)
            self.config: MachineConfig = base.config
        else:
            self.config = default_config(self.stats)

    def _reader(self) -> TraceReader:
        return TraceReader(self.source, self.name, **self._reader_args)

    @property
    def operations(self) -> int:
        """Operations that run (after sampling)."""
        return self.stats.operations

    @property
    def kept(self) -> bool:
        """Whether the parsed operations are in memory (else each run reads the file again)."""
        return self._kept is not None

    def chunks(self) -> Iterator[Trace]:
        """The operations that run, in chunks (names as the whole trace has them)."""
        if self._kept is not None:
            yield from self._kept
            return
        sampler = _Sampler(self.sample)
        for chunk in self._reader().chunks():
            c = sampler(chunk)
            if len(c.trace):
                yield c.trace
            if sampler.past_window():
                return

    def trace(self) -> Trace:
        """All operations that run, as one Trace (only for traces that fit in memory)."""
        parts = list(self.chunks())
        from .traceio import concat
        return concat([ParsedTrace(t, self.format, np.zeros(len(t), np.int32)) for t in parts]).trace

    def head(self, n: int) -> Trace:
        """The first ``n`` operations that run."""
        parts, got = [], 0
        for t in self.chunks():
            parts.append(t)
            got += len(t)
            if got >= n:
                break
        from .traceio import concat
        whole = concat([ParsedTrace(t, self.format, np.zeros(len(t), np.int32)) for t in parts]).trace
        if len(whole) <= n:
            return whole
        return _subset(whole, np.arange(len(whole)) < n)

    def describe(self) -> str:
        what = f"program '{self.program}'" if self.program else f"{self.total_operations:,} operations"
        out = f"Trace {self.name} ({self.format}, {what})"
        out += f" on scenario {self.base_name}'s machine." if self.base_name else " on the default machine."
        if self.sample.active:
            out += f" {self.sample.describe()[0].upper()}{self.sample.describe()[1:]}: {self.operations:,} operations."
        return out



def _check_names(config: MachineConfig, chunk: ParsedTrace, stats: TraceStats) -> None:
    """Every VM and process the chunk names must exist in ``config``; the error names the line."""
    vms = {v.name: v for v in config.vms}
    t = chunk.trace
    for vi, v in enumerate(t.vm_names):
        if v not in vms:
            raise TraceError(f"line {stats.first_line_vm.get(vi, 0)}, field 'vm': the base scenario has no VM '{v}' "
                             f"(VMs: {', '.join(vms)})")
    for pi, (v, p) in enumerate(t.proc_names):
        if p not in vms[v].processes:
            raise TraceError(f"line {stats.first_line_proc.get(pi, 0)}, field 'process': VM '{v}' of the base "
                             f"scenario has no process '{p}' (processes: {', '.join(vms[v].processes)})")


def _check_sizes(config: MachineConfig, stats: TraceStats, name: str) -> None:
    vms = {v.name: v for v in config.vms}
    for v, (data, tables) in stats.touched().items():
        if data + tables > vms[v].pages:
            raise TraceError(f"{name}: VM '{v}' of the base scenario has {vms[v].pages:,} guest-physical pages, but the "
                             f"trace touches {data:,} pages that need {tables:,} page-table pages besides")


# -- running --------------------------------------------------------------------------------------
def _samples(n: int, samples: int) -> list[int]:
    samples = max(1, min(samples, n)) if n else 1
    return sorted({int(round(n * (i + 1) / samples)) for i in range(samples)})


def run_mode(config: MachineConfig, source: "TraceSource | Trace", mode: Mode, samples: int = 100,
             progress: Optional[Callable[[float], None]] = None):
    """Run ``source`` (or a Trace) in ``mode`` on a fresh machine, chunk by chunk through the bulk
    path, sampling cumulative cycles ``samples`` times: a :class:`~.compare.ModeResult`."""
    from .compare import ModeResult
    if progress is None:
        from ..executor import in_worker, report_progress
        if in_worker():
            progress = report_progress
    chunks = [source] if isinstance(source, Trace) else source.chunks()  # a TraceSource or an UploadStream
    n = len(source) if isinstance(source, Trace) else source.operations
    m = Machine(config, mode)
    points = _samples(n, samples)
    ops_done, cycles_done = [0], [0]
    done = k = 0
    t0 = time.perf_counter()
    for chunk in chunks:
        start = 0
        while start < len(chunk):
            stop = min(len(chunk), start + points[k] - done) if k < len(points) else len(chunk)
            m.run_bulk(chunk, start, stop)
            done += stop - start
            start = stop
            if k < len(points) and done >= points[k]:
                ops_done.append(done)
                cycles_done.append(sum(c.cycles for c in m.counters.values()))
                k += 1
                if progress is not None:
                    progress(done / n if n else 1.0)
    seconds = time.perf_counter() - t0
    return ModeResult(mode, m.totals().as_dict(), {k: c.as_dict() for k, c in m.counters.items()},
                      np.array(ops_done, np.int64), np.array(cycles_done, np.int64), seconds, m.views.frames_in_use())


def compare(runs: Sequence[tuple[MachineConfig, "TraceSource | Trace"]], modes: Sequence[Mode] = (
        Mode.NATIVE, Mode.SHADOW, Mode.NESTED), *, samples: int = 100, executor=None, workers: Optional[int] = None,
            progress=None, poll=None) -> list:
    """Each (machine, source) of ``runs`` in each of ``modes``, every run a task of ``executor``
    (:mod:`visualizer.executor`; None: one after another in this process) — the same results
    either way. Returns one :class:`~.compare.Comparison` per run, in order."""
    from .compare import Comparison, has_caches
    tasks = [(cfg, src, mode) for cfg, src in runs for mode in modes]
    labels = [(f"{src.name}: " if len(runs) > 1 and hasattr(src, "name") else "") + mode.value
              for cfg, src in runs for mode in modes]
    if executor is None:
        results = []
        for k, (cfg, src, mode) in enumerate(tasks):
            def report(f, k=k):
                if progress is not None:
                    progress((k + f) / len(tasks), labels[k])
                if poll is not None:
                    poll()
            results.append(run_mode(cfg, src, mode, samples, report))
        if progress is not None:
            progress(1.0, "")
    else:
        from ..executor import Task
        results = executor.map([Task(run_mode, (cfg, src, mode, samples), label=label)
                                for (cfg, src, mode), label in zip(tasks, labels, strict=True)],
                               workers=workers, progress=progress, poll=poll)
    out = []
    for i, (cfg, src) in enumerate(runs):
        n = len(src) if isinstance(src, Trace) else src.operations
        c = Comparison(n, design=cfg.design, caches=has_caches(cfg))
        for j, mode in enumerate(modes):
            c.results[mode.value] = results[i * len(modes) + j]
        out.append(c)
    return out


class UploadStream:
    """An upload's bytes as chunks, read again by each run (no first pass: ``operations`` is
    known from the upload's own read) — what a worker process or a cluster's worker runs."""

    def __init__(self, data: bytes, name: str, operations: int, max_rows: int = MAX_TRACE_ROWS,
                 max_bytes: int = MAX_TRACE_BYTES):
        self.data, self.name, self.operations = data, name, operations
        self.max_rows, self.max_bytes = max_rows, max_bytes

    def chunks(self) -> Iterator[Trace]:
        for p in TraceReader(self.data, self.name, max_rows=self.max_rows, max_bytes=self.max_bytes).chunks():
            if len(p.trace):
                yield p.trace


def compare_upload(config: MachineConfig, stream: UploadStream, *, samples: int = 100, cache_baseline: bool = False,
                   executor=None, workers: Optional[int] = None, progress=None, poll=None):
    """:func:`~.compare.compare` for an upload too long to hold parsed: each mode (and, with
    ``cache_baseline`` and MMU caches on, native and nested without them) is a task that reads
    the upload's bytes itself. The same results as :func:`~.compare.compare` on the parsed trace."""
    from .compare import BASELINE_LABEL, MODES, Comparison, has_caches, without_caches
    out = Comparison(stream.operations, design=config.design, caches=has_caches(config))
    runs = [(mode, config, mode.value, out.results) for mode in MODES]
    if cache_baseline and has_caches(config):
        off = without_caches(config)
        runs += [(mode, off, BASELINE_LABEL.format(mode=mode.value), out.without_caches)
                 for mode in MODES if mode is not Mode.SHADOW]
    if executor is None:
        for k, (mode, cfg, label, into) in enumerate(runs):
            def report(f, k=k, label=label):
                if progress is not None:
                    progress((k + f) / len(runs), label)
                if poll is not None:
                    poll()
            into[mode.value] = run_mode(cfg, stream, mode, samples, report)
        if progress is not None:
            progress(1.0, "")
        return out
    from ..executor import Task
    results = executor.map([Task(run_mode, (cfg, stream, mode, samples), label=label) for mode, cfg, label, _ in runs],
                           workers=workers, progress=progress, poll=poll)
    for (mode, _, _, into), r in zip(runs, results, strict=True):
        into[mode.value] = r
    return out


__all__ = ["KEEP_BYTES", "Sample", "TraceSource", "UploadStream", "compare", "compare_upload", "run_mode"]
