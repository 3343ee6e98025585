"""The trace parser as it was before the vectorised one: a Python loop over lines, kept to
check the new parser against (same traces, same errors)."""
from __future__ import annotations

import gzip
import io
import re
import zlib
from typing import Optional

import numpy as np

from visualizer.engine.errors import TraceError
from visualizer.engine.memory import PAGE_SIZE
from visualizer.engine.ops import MAX_PROCESSES, MAX_VMS, Op, OpKind
from visualizer.engine.trace import Trace
from visualizer.engine.traceio import (CSV_OPS, EXEC, EXIT, FORK, NAME_RE, READ, SWITCH, USER_LIMIT, WRITE,
                                       ParsedTrace)

MAX_TRACE_BYTES = 64 << 20
MAX_TRACE_ROWS = 2_000_000


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


