"""Trace import: CSV traces and Valgrind lackey traces, and the default machine to run them on.

(Turning files into scenarios — uploads, a trace on a base scenario — is :mod:`.inputs`.)

**CSV** — one operation per line, ``vm,process,op,address`` with an optional fifth column
``value`` (what a write stores)::

    vm,process,op,address,value
    VM1,p1,write,0x400000,0x2a
    VM1,p1,read,0x400008
    VM1,p2,switch,
    VM1,p1,protect,0x400000
    VM1,p1,fork,p2
    VM1,p2,exit,

``op`` is one of read, write, exec (accesses), map, unmap, protect, invlpg (guest page-table
operations on the page holding ``address``), switch (a context switch to ``process``: a CR3
load; no address), fork (``process`` forks: its pages are shared copy-on-write with the
child process named in the ``address`` column, which must have no address space yet), exit
(``process``'s address space is torn down, so that it can be a fork child again; no address)
and swap_out (the VMM swaps out the guest-physical page behind ``address``). Addresses are gVAs, hexadecimal with ``0x`` or decimal, below the canonical user
limit 0x800000000000. A header line, blank lines and lines starting with ``#`` are skipped.

**Lackey** — what ``valgrind --tool=lackey --trace-mem=yes --log-file=FILE PROGRAM`` writes:
``I  addr,size`` (instruction fetch → exec), `` L addr,size`` (load → read), `` S addr,size``
(store → write), `` M addr,size`` (modify → read then write); addresses in hexadecimal. An
access that straddles a page boundary also touches the next page. Other lines (``==pid==``
headers) are skipped; the ``Command:`` header names the process. The whole trace is one process
in one VM.

Either may be gzip-compressed. Caps: :data:`MAX_TRACE_BYTES` of text and
:data:`MAX_TRACE_ROWS` operations. Every error names the line and the field at fault.

**The default machine** (:func:`default_config`) runs a trace that comes without a scenario:
VMs and processes are created on first mention, in that order; each VM gets guest-physical
memory for the pages its trace touches (distinct pages plus the page tables that map them,
doubled for headroom, rounded up to a power of two, at least 1 MiB); the machine gets enough
frames for all VMs' touched pages plus shadow and nested tables; TLB 64 entries, 4-way,
VPID and PCID on, 4 cached shadow roots per VM, seed 0 and the default costs — each of which
the caller may override.
"""
from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from .costs import CostTable
from .errors import TraceError
from .memory import PAGE_SIZE
from .ops import (MAX_GUEST_BYTES, MAX_MACHINE_BYTES, MAX_PROCESSES, MAX_VM_BYTES, MAX_VMS, OP_CODES, MachineConfig,
                  Op, OpKind, VmConfig)
from .trace import Trace

TRACE_DIR = Path(__file__).resolve().parent.parent / "traces"
"""Built-in program traces (``NAME.lackey.gz``) and the sources they were recorded from."""
MAX_TRACE_BYTES = 64 << 20
"""Largest trace text accepted (after decompression): 64 MiB."""
MAX_TRACE_ROWS = 2_000_000
"""Most operations accepted from one trace file."""
USER_LIMIT = 1 << 47
"""0x800000000000: canonical user gVAs are below it."""
NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")

_CODE = {k: OP_CODES.index(k) for k in OpKind}
READ, WRITE, EXEC = _CODE[OpKind.READ], _CODE[OpKind.WRITE], _CODE[OpKind.EXEC]
MAP, SWITCH = _CODE[OpKind.MAP], _CODE[OpKind.SWITCH]
CSV_OPS = {k.value: _CODE[k] for k in (OpKind.READ, OpKind.WRITE, OpKind.EXEC, OpKind.MAP, OpKind.UNMAP,
                                       OpKind.PROTECT, OpKind.INVLPG, OpKind.SWITCH, OpKind.SWAP_OUT,
                                       OpKind.FORK, OpKind.EXIT)}
FORK, EXIT = _CODE[OpKind.FORK], _CODE[OpKind.EXIT]


@dataclass(frozen=True)
class ParsedTrace:
    """A trace read from a file, with where each operation came from."""

    trace: Trace
    format: str
    """"csv" or "lackey"."""
    lines: np.ndarray
    """The 1-based line number of each operation."""
    program: Optional[str] = None
    """Lackey: the program named in the ``Command:`` header."""


# -- bytes → text --------------------------------------------------------------------------
def decode(data: bytes, name: str = "trace", max_bytes: int = MAX_TRACE_BYTES) -> str:
    """Text of an upload or file: gunzipped if it is gzip, at most ``max_bytes``, UTF-8."""
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
                data = f.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise TraceError(f"{name}: not a readable gzip file ({exc})") from None
    if len(data) > max_bytes:
        raise TraceError(f"{name}: more than {max_bytes >> 20} MiB of text (the limit)")
    try:
        return data.decode("utf-8-sig")  # a leading byte-order mark is accepted and dropped
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TraceError(f"{name}: line {line} is not UTF-8 text") from None


_LACKEY_LINE = re.compile(r"^(I  | [LSM] )\S")


def detect_format(text: str) -> str:
    """"lackey", "toml" or "csv", from the first meaningful lines."""
    for raw in text.splitlines()[:200]:
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith(("==", "--")) or _LACKEY_LINE.match(line):
            return "lackey"
        s = line.strip()
        if s.startswith("#"):
            continue
        if s.startswith("[") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", s):
            return "toml"
        return "csv"
    return "csv"


# -- CSV -----------------------------------------------------------------------------------
def _int_field(text: str, line: int, field: str, limit: int, what: str) -> int:
    s = text.strip().replace("_", "")
    try:
        if not s.isascii() or len(s) > 24:  # int() takes "²", "١٢" and 4,300 digits; a field does not
            raise ValueError
        v = int(s, 16) if s[:2].lower() == "0x" else int(s, 10)
    except ValueError:
        shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:40] + "…"
        raise TraceError(f"line {line}, field '{field}': '{shown}' is not {what} "
                         f"(write hexadecimal with 0x, e.g. 0x400000, or decimal)") from None
    if v < 0:
        raise TraceError(f"line {line}, field '{field}': must not be negative")
    if v >= limit:
        if field == "address":
            raise TraceError(f"line {line}, field 'address': 0x{v:x} is not a canonical user address "
                             f"(must be below 0x{USER_LIMIT:x})")
        raise TraceError(f"line {line}, field '{field}': 0x{v:x} does not fit in 64 bits")
    return v


def parse_csv(text: str, max_rows: int = MAX_TRACE_ROWS) -> ParsedTrace:
    vm_index: dict[str, int] = {}
    proc_index: dict[tuple[str, str], int] = {}
    vms: list[int] = []
    procs: list[int] = []
    ops: list[int] = []
    gvas: list[int] = []
    values: list[int] = []
    lines: list[int] = []
    extras: dict[int, Op] = {}
    per_vm: dict[str, int] = {}
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        fields = [f.strip() for f in s.split(",")]
        if not header_seen and not ops and [f.lower() for f in fields[:4]] == ["vm", "process", "op", "address"]:
            header_seen = True
            if len(fields) > 5 or (len(fields) == 5 and fields[4].lower() != "value"):
                raise TraceError(f"line {lineno}: the header must be vm,process,op,address[,value]")
            continue
        if len(fields) not in (4, 5):
            raise TraceError(f"line {lineno}: expected 4 or 5 fields (vm,process,op,address[,value]), "
                             f"got {len(fields)}")
        vm, proc, op_s, addr_s = fields[:4]
        if not NAME_RE.fullmatch(vm):
            raise TraceError(f"line {lineno}, field 'vm': '{vm}' — use letters, digits, '_', '.' or '-'")
        if not NAME_RE.fullmatch(proc):
            raise TraceError(f"line {lineno}, field 'process': '{proc}' — use letters, digits, '_', '.' or '-'")
        code = CSV_OPS.get(op_s.lower())
        if code is None:
            hint = " ('share' needs two pages: use a scenario file)" if op_s.lower() == "share" else ""
            raise TraceError(f"line {lineno}, field 'op': '{op_s}' is not an operation "
                             f"(one of {', '.join(CSV_OPS)}){hint}")
        child = None
        if code == SWITCH or code == EXIT:
            if addr_s:
                raise TraceError(f"line {lineno}, field 'address': {'a switch' if code == SWITCH else 'an exit'} "
                                 f"takes no address (leave it empty)")
            gva = 0
        elif code == FORK:
            if not NAME_RE.fullmatch(addr_s):
                raise TraceError(f"line {lineno}, field 'address': a fork names its child process there "
                                 f"(letters, digits, '_', '.' or '-'), got '{addr_s}'")
            if addr_s == proc:
                raise TraceError(f"line {lineno}, field 'address': the child '{addr_s}' is the parent itself")
            child, gva = addr_s, 0
        else:
            if not addr_s:
                raise TraceError(f"line {lineno}, field 'address': missing (operation '{op_s}' needs an address)")
            gva = _int_field(addr_s, lineno, "address", USER_LIMIT, "an address")
        value = 0
        if len(fields) == 5 and fields[4]:
            if code != WRITE:
                raise TraceError(f"line {lineno}, field 'value': only a write stores a value")
            value = _int_field(fields[4], lineno, "value", 1 << 64, "a number")
        if len(ops) >= max_rows:
            raise TraceError(f"line {lineno}: more than {max_rows:,} operations (the limit)")
        vi = vm_index.setdefault(vm, len(vm_index))
        if vi >= MAX_VMS:
            raise TraceError(f"line {lineno}, field 'vm': more than {MAX_VMS:,} VMs (the limit: a 16-bit VPID)")
        pi = proc_index.get((vm, proc))
        if pi is None:
            pi = proc_index[(vm, proc)] = len(proc_index)
            per_vm[vm] = per_vm.get(vm, 0) + 1
            if per_vm[vm] > MAX_PROCESSES:
                raise TraceError(f"line {lineno}, field 'process': more than {MAX_PROCESSES:,} processes in VM "
                                 f"'{vm}' (the limit: a 12-bit PCID)")
        if child is not None:
            if (vm, child) not in proc_index:  # the default machine declares it
                proc_index[(vm, child)] = len(proc_index)
                per_vm[vm] = per_vm.get(vm, 0) + 1
                if per_vm[vm] > MAX_PROCESSES:
                    raise TraceError(f"line {lineno}, field 'address': more than {MAX_PROCESSES:,} processes in VM "
                                     f"'{vm}' (the limit: a 12-bit PCID)")
            extras[len(ops)] = Op(OpKind.FORK, vm, proc, child=child)
        vms.append(vi)
        procs.append(pi)
        ops.append(code)
        gvas.append(gva)
        values.append(value)
        lines.append(lineno)
    if not ops:
        raise TraceError("no operations found (expected lines like 'VM1,p1,read,0x400000')")
    trace = Trace(list(vm_index), list(proc_index), np.array(vms, np.uint16), np.array(procs, np.int32),
                  np.array(ops, np.int8), np.array(gvas, np.uint64), np.array(values, np.uint64), extras)
    return ParsedTrace(trace, "csv", np.array(lines, np.int32))


def write_csv(trace: Trace) -> str:
    """The trace as CSV text (operations without a single gVA, such as share, are left out)."""
    out = ["vm,process,op,address,value"]
    for i in range(len(trace)):
        op = trace[i]
        if op.kind is OpKind.FORK:
            out.append(f"{op.vm},{op.process or ''},fork,{op.child},")
            continue
        if op.kind is OpKind.SHARE or (op.gva is None and op.kind not in (OpKind.SWITCH, OpKind.EXIT)):
            continue
        addr = "" if op.kind in (OpKind.SWITCH, OpKind.EXIT) else f"0x{op.gva:x}"
        value = f"0x{op.value:x}" if op.kind is OpKind.WRITE else ""
        out.append(f"{op.vm},{op.process or ''},{op.kind.value},{addr},{value}")
    return "\n".join(out) + "\n"


# -- lackey --------------------------------------------------------------------------------
_LACKEY_KIND = {"I  ": (EXEC,), " L ": (READ,), " S ": (WRITE,), " M ": (READ, WRITE)}
_COMMAND = re.compile(r"^==\d+==\s+Command:\s+(\S+)")


def parse_lackey(text: str, vm: str = "VM1", process: Optional[str] = None,
                 max_rows: int = MAX_TRACE_ROWS) -> ParsedTrace:
    """A lackey trace as one process (``process``, else the program's name, else "p1") in ``vm``."""
    ops: list[int] = []
    gvas: list[int] = []
    lines: list[int] = []
    program = None
    kinds = _LACKEY_KIND
    for lineno, raw in enumerate(text.splitlines(), 1):
        kind = kinds.get(raw[:3])
        if kind is None:
            if program is None and raw.startswith("=="):
                m = _COMMAND.match(raw)
                if m:
                    program = m.group(1).rsplit("/", 1)[-1]
            continue
        rest = raw[3:]
        comma = rest.find(",")
        if comma < 0:
            raise TraceError(f"line {lineno}: expected 'address,size' after '{raw[:3].strip()}'")
        try:
            gva = int(rest[:comma], 16)
        except ValueError:
            raise TraceError(f"line {lineno}, field 'address': '{rest[:comma].strip()}' is not a "
                             f"hexadecimal address") from None
        try:
            size = int(rest[comma + 1:])
        except ValueError:
            raise TraceError(f"line {lineno}, field 'size': '{rest[comma + 1:].strip()}' is not a "
                             f"number of bytes") from None
        if not 1 <= size <= PAGE_SIZE:
            raise TraceError(f"line {lineno}, field 'size': {size} bytes (expected 1 to {PAGE_SIZE})")
        if gva < 0 or gva + size > USER_LIMIT:
            raise TraceError(f"line {lineno}, field 'address': 0x{gva:x} is not a canonical user address "
                             f"(must be below 0x{USER_LIMIT:x})")
        last = gva + size - 1
        for code in kind:
            ops.append(code)
            gvas.append(gva)
            lines.append(lineno)
            if (last ^ gva) >> 12:  # straddles a page boundary: the next page is touched too
                ops.append(code)
                gvas.append(last & ~0xFFF)
                lines.append(lineno)
        if len(ops) > max_rows:
            raise TraceError(f"line {lineno}: more than {max_rows:,} operations (the limit)")
    if not ops:
        raise TraceError("no lackey records found (expected lines such as 'I  04016d0,3' or ' L 1ffefffd08,8', "
                         "as valgrind --tool=lackey --trace-mem=yes writes)")
    if process is None:
        process = program if program and NAME_RE.fullmatch(program) else "p1"
    n = len(ops)
    op_arr = np.array(ops, np.int8)
    line_arr = np.array(lines, np.int32)
    # what a store writes is not in the trace; store the line number (deterministic, non-zero)
    values = np.where(op_arr == WRITE, line_arr, 0).astype(np.uint64)
    trace = Trace([vm], [(vm, process)], np.zeros(n, np.int16), np.zeros(n, np.int32), op_arr,
                  np.array(gvas, np.uint64), values)
    return ParsedTrace(trace, "lackey", line_arr, program)


# -- any -------------------------------------------------------------------------------------
def parse_text(text: str, *, vm: str = "VM1", process: Optional[str] = None,
               max_rows: int = MAX_TRACE_ROWS) -> ParsedTrace:
    fmt = detect_format(text)
    if fmt == "lackey":
        return parse_lackey(text, vm, process, max_rows)
    if fmt == "toml":
        raise TraceError("this looks like a scenario file (TOML), not a trace")
    return parse_csv(text, max_rows)


def read_trace_file(path: str | Path, *, vm: str = "VM1", process: Optional[str] = None) -> Trace:
    """A CSV or lackey trace file (optionally gzip-compressed) as a Trace."""
    return parse_text(decode(read_bytes(path), Path(path).name), vm=vm, process=process).trace


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(MAX_TRACE_BYTES + 1)
    except OSError as exc:
        raise TraceError(f"cannot read trace file '{path}': {exc.strerror or exc}") from None
    if len(data) > MAX_TRACE_BYTES:
        raise TraceError(f"{p.name}: larger than {MAX_TRACE_BYTES >> 20} MiB (the limit)")
    return data


# -- the default machine ---------------------------------------------------------------------
def _pow2(n: int) -> int:
    return 1 << max(0, int(n - 1).bit_length())


def _distinct(vm_of_proc: np.ndarray, proc: np.ndarray, gva: np.ndarray, shift: int, nvms: int) -> np.ndarray:
    """Per VM: distinct (process, gva >> shift) pairs (process indices are unique per trace)."""
    keys = np.unique((proc << np.uint64(40)) | (gva >> np.uint64(shift)))
    return np.bincount(vm_of_proc[(keys >> np.uint64(40)).astype(np.int64)], minlength=nvms)


def touched(trace: Trace) -> dict[str, tuple[int, int]]:
    """Per VM: (distinct pages touched, page-table pages needed), counted per process."""
    nvms = len(trace.vm_names)
    vm_at = {v: i for i, v in enumerate(trace.vm_names)}
    # an operation without a process (the VM's current one) counts as one more process per VM
    vm_of_proc = np.array([vm_at[v] for v, _ in trace.proc_names] + list(range(nvms)), np.int64)
    has_page = (trace.op <= EXEC) | (trace.op == MAP)
    p = trace.proc[has_page].astype(np.int64)
    proc = np.where(p >= 0, p, len(trace.proc_names) + trace.vm[has_page].astype(np.int64)).astype(np.uint64)
    gva = trace.gva[has_page]
    data = _distinct(vm_of_proc, proc, gva, 12, nvms)
    tables = sum(_distinct(vm_of_proc, proc, gva, s, nvms) for s in (21, 30, 39))
    procs = np.bincount(vm_of_proc[np.unique(proc).astype(np.int64)], minlength=nvms)
    return {v: (int(data[i]), int(tables[i] + procs[i] + 1)) for i, v in enumerate(trace.vm_names)}


def default_config(trace: Trace, *, seed: int = 0, tlb_entries: int = 64, tlb_ways: int = 4, vpid: bool = True,
                   pcid: bool = True, root_cache: int = 4, costs: Optional[CostTable] = None) -> MachineConfig:
    """The documented default machine for ``trace`` (see the module docstring). A trace whose
    machine would break a cap (VMs, processes per VM, guest or machine memory) gets a
    :class:`TraceError` saying which."""
    if len(trace.vm_names) > MAX_VMS:
        raise TraceError(f"the trace names {len(trace.vm_names):,} VMs, more than the limit of {MAX_VMS:,}")
    procs: dict[str, list[str]] = {v: [] for v in trace.vm_names}
    for v, p in trace.proc_names:
        procs[v].append(p)
    need = touched(trace)
    vms = []
    frames = 64
    guest = 0
    for v in trace.vm_names:
        names = procs[v] or ["p1"]
        if len(names) > MAX_PROCESSES:
            raise TraceError(f"VM '{v}': the trace names {len(names):,} processes, more than the limit of "
                             f"{MAX_PROCESSES:,} per VM")
        data, tables = need.get(v, (0, 0))
        pages = _pow2(max(256, 2 * (data + tables) + len(names) + 16))
        if pages * PAGE_SIZE > MAX_VM_BYTES:
            raise TraceError(f"VM '{v}': the trace touches {data:,} pages, more than a VM's "
                             f"{MAX_VM_BYTES >> 30} GiB can hold with its tables")
        guest += pages
        vms.append(VmConfig(v, pages, tuple(names)))
        frames += 2 * (data + tables) + (root_cache + 1) * tables + pages // 512 + 8
    if guest * PAGE_SIZE > MAX_GUEST_BYTES:
        raise TraceError(f"the trace's {len(vms):,} VMs would need {guest * PAGE_SIZE / (1 << 30):,.1f} GiB of "
                         f"guest memory in all, more than the limit of {MAX_GUEST_BYTES >> 30} GiB")
    frames = _pow2(frames)
    if frames * PAGE_SIZE > MAX_MACHINE_BYTES:
        raise TraceError(f"the trace touches too many pages for the default machine: it would need "
                         f"{frames * PAGE_SIZE >> 30} GiB of machine memory, more than the limit of "
                         f"{MAX_MACHINE_BYTES >> 30} GiB")
    return MachineConfig(frames, tuple(vms), seed, tlb_entries, tlb_ways, vpid, pcid, root_cache,
                         costs or CostTable())
