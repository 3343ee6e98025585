"""Files into scenarios: an uploaded scenario or trace, and a trace file run on a base scenario."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from .errors import ScenarioError, TraceError
from .ops import MachineConfig, Mode
from .scenario import Scenario, load_scenario_text
from .trace import Trace
from .traceio import (MAX_TRACE_BYTES, MAX_TRACE_ROWS, ParsedTrace, TraceReader, TraceStats, decode, default_config,
                      detect_format, parse_lackey, parse_text, read_bytes, touched)


@dataclass(frozen=True)
class Upload:
    """What an uploaded file gave: a trace, and the scenario if it was a scenario file. A trace
    longer than the caller keeps (``keep_rows``) comes without its operations: ``trace`` is None,
    ``stats`` says what its default machine needs, and the runs read the upload's bytes again
    (:func:`~.tracefile.compare_upload`)."""

    trace: Optional[Trace]
    format: str
    """"csv", "lackey" or "toml"."""
    scenario: Optional[Scenario] = None
    program: Optional[str] = None
    operations: int = 0
    stats: Optional[TraceStats] = None


SCENARIO_BYTES = 64 << 20
"""A scenario file (TOML) is read whole: at most this much text."""


def read_upload(data: bytes, name: str = "upload", *, max_bytes: int = MAX_TRACE_BYTES,
                max_rows: int = MAX_TRACE_ROWS, keep_rows: Optional[int] = None) -> Upload:
    """An uploaded CSV trace, lackey trace (plain, gzip or zstd) or scenario file. Raises
    TraceError/ScenarioError with a message naming the line and field at fault. ``max_bytes`` /
    ``max_rows``: the caps on text (after decompression) and operations (a shared server sets
    lower ones than the command line); ``keep_rows``: a longer trace is returned without its
    operations (see :class:`Upload`)."""
    if not data:
        raise TraceError(f"{name}: the file is empty")
    reader = TraceReader(data, name, max_bytes=max_bytes, max_rows=max_rows)
    if name.lower().endswith((".toml", ".toml.gz")) or reader.format == "toml":
        text = decode(data, name, min(max_bytes, SCENARIO_BYTES))
        stem = re.sub(r"\.toml(\.gz)?$", "", Path(name).name, flags=re.I)
        scenario = load_scenario_text(text, stem)
        if not len(scenario.trace):
            raise ScenarioError(f"{name}: the scenario has no trace to compare")
        return Upload(scenario.trace, "toml", scenario, operations=len(scenario.trace))
    from .tracefile import OP_BYTES, TraceSource
    keep = MAX_TRACE_ROWS if keep_rows is None else keep_rows
    src = TraceSource(data, name, max_rows=max_rows, max_bytes=max_bytes, keep_bytes=keep * OP_BYTES)
    trace = src.trace() if src.kept else None
    return Upload(trace, src.format, None, src.program, src.operations, src.stats)


def upload_head(data: bytes, name: str, n: int, *, max_bytes: int = MAX_TRACE_BYTES,
                max_rows: int = MAX_TRACE_ROWS) -> Trace:
    """The first ``n`` operations of an uploaded trace (a sweep runs that many)."""
    from .tracefile import Sample, TraceSource
    return TraceSource(data, name, max_rows=max_rows, max_bytes=max_bytes, sample=Sample(count=n)).trace()


def check_against(config: MachineConfig, parsed: ParsedTrace) -> None:
    """Every VM and process the trace names must exist in ``config``; the error names the line."""
    vms = {v.name: v for v in config.vms}
    t = parsed.trace
    for vi, v in enumerate(t.vm_names):
        if v not in vms:
            i = int(np.flatnonzero(t.vm == vi)[0])
            raise TraceError(f"line {int(parsed.lines[i])}, field 'vm': the base scenario has no VM '{v}' "
                             f"(VMs: {', '.join(vms)})")
    for pi, (v, p) in enumerate(t.proc_names):
        if p not in vms[v].processes:
            i = int(np.flatnonzero(t.proc == pi)[0])
            raise TraceError(f"line {int(parsed.lines[i])}, field 'process': VM '{v}' of the base scenario has "
                             f"no process '{p}' (processes: {', '.join(vms[v].processes)})")
    for v, (data, tables) in touched(t).items():
        if data + tables > vms[v].pages:
            raise TraceError(f"VM '{v}' of the base scenario has {vms[v].pages:,} guest-physical pages, but the trace "
                             f"touches {data:,} pages that need {tables:,} page-table pages besides")


def scenario_with_trace(base: Optional[Scenario], trace_path: str | Path) -> Scenario:
    """The scenario that runs the trace in ``trace_path`` (CSV, lackey or a scenario file's trace).

    With a ``base`` scenario the trace replaces the base's trace and runs on the base's
    machine: a CSV trace must name only the base's VMs and processes; a lackey trace becomes
    the first process of the base's first VM. Without a base, the trace runs on
    :func:`default_config`'s machine in shadow mode (the command line's ``--mode`` chooses).
    """
    path = Path(trace_path)
    text = decode(read_bytes(path), path.name)
    if path.name.lower().endswith((".toml", ".toml.gz")) or detect_format(text) == "toml":
        other = load_scenario_text(text, re.sub(r"\.toml(\.gz)?$", "", path.name, flags=re.I))
        if base is None:
            return other
        lines = np.arange(1, len(other.trace) + 1, dtype=np.int32)
        parsed = ParsedTrace(other.trace, "toml", lines)
        try:
            check_against(base.config, parsed)
        except TraceError as exc:
            raise TraceError(f"{path.name}: {str(exc).replace('line ', 'operation ', 1)}") from None
        return base.with_trace(other.trace)
    try:
        if base is not None and detect_format(text) == "lackey":
            vm = base.config.vms[0]
            parsed = parse_lackey(text, vm.name, vm.processes[0])
        else:
            parsed = parse_text(text)
        if base is not None:
            check_against(base.config, parsed)
    except TraceError as exc:
        raise TraceError(f"{path.name}: {exc}") from None
    if base is not None:
        return base.with_trace(parsed.trace)
    name = re.sub(r"(\.lackey|\.csv|\.txt|\.log)?(\.gz)?$", "", path.name, flags=re.I) or "trace"
    what = f"program '{parsed.program}'" if parsed.program else f"{len(parsed.trace):,} operations"
    return Scenario(name, f"Trace {path.name} ({parsed.format}, {what}) on the default machine.",
                    Mode.SHADOW, default_config(parsed.trace), parsed.trace)
