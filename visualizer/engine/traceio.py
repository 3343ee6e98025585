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

Either may be gzip- or zstd-compressed. Caps: :data:`MAX_TRACE_BYTES` of text and
:data:`MAX_TRACE_ROWS` operations. Every error names the line and the field at fault.

**How it is read.** :class:`TraceReader` reads a file or an upload in blocks of about
:data:`BLOCK_BYTES` of text, cut at line ends, so memory stays bounded by the block, not the
file: :meth:`TraceReader.chunks` yields each block's operations as a :class:`ParsedTrace` whose
trace shares the index spaces of the whole file (VMs and processes numbered in order of first
mention). A block of plain lines is parsed with numpy, all lines at once (field boundaries from
the positions of commas and line ends, names by their bytes, hexadecimal by a table of digit
values); a block with anything unusual — a field the vectorised checks do not accept, spaces
inside a line, non-ASCII text, a limit reached — is parsed line by line, which gives every
error its line and field (:class:`_CsvLines`, :class:`_LackeyLines`). Both give the same trace.
:func:`parse_csv`, :func:`parse_lackey` and :func:`parse_text` read a whole text at once.

**The default machine** (:func:`default_config`) runs a trace that comes without a scenario:
VMs and processes are created on first mention, in that order; each VM gets guest-physical
memory for the pages its trace touches (distinct pages plus the page tables that map them,
doubled for headroom, rounded up to a power of two, at least 1 MiB); the machine gets enough
frames for all VMs' touched pages plus shadow and nested tables; TLB 64 entries, 4-way,
VPID and PCID on, 4 cached shadow roots per VM, seed 0 and the default costs — each of which
the caller may override. It needs only what :class:`TraceStats` gathers, so a file too long to
hold in memory gets its machine from one pass over its blocks.
"""
from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Optional

import numpy as np

from .costs import CostTable
from .errors import TraceError
from .memory import PAGE_SIZE
from .ops import (MAX_GUEST_BYTES, MAX_MACHINE_BYTES, MAX_PROCESSES, MAX_VM_BYTES, MAX_VMS, OP_CODES, MachineConfig,
                  Op, OpKind, VmConfig)
from .trace import Trace

TRACE_DIR = Path(__file__).resolve().parent.parent / "traces"
"""Built-in program traces (``NAME.lackey.gz``) and the sources they were recorded from."""
MAX_TRACE_BYTES = 16 << 30
"""Largest trace text accepted (after decompression): 16 GiB (read in blocks, never whole)."""
MAX_TRACE_ROWS = 200_000_000
"""Most operations accepted from one trace file."""
BLOCK_BYTES = 4 << 20
"""Text read and parsed at once (a block ends at a line end)."""
USER_LIMIT = 1 << 47
"""0x800000000000: canonical user gVAs are below it."""
NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")

try:  # the compiled kernel (setup.py) scans CSV blocks; without it numpy does
    from ._kernel import csv_scan as _scan
except ImportError:  # pragma: no cover - depends on the install
    _scan = None

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
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def decode(data: bytes, name: str = "trace", max_bytes: int = MAX_TRACE_BYTES) -> str:
    """Text of an upload or file: decompressed if it is gzip or zstd, at most ``max_bytes``, UTF-8."""
    if data[:2] == GZIP_MAGIC or data[:4] == ZSTD_MAGIC:
        stream = _decompressing(io.BytesIO(data), data[:4], name)
        chunks, total = [], 0
        while total <= max_bytes:
            part = _read(stream, min(BLOCK_BYTES, max_bytes + 1 - total), name)
            if not part:
                break
            chunks.append(part)
            total += len(part)
        data = b"".join(chunks)
    if len(data) > max_bytes:
        raise TraceError(f"{name}: more than {max_bytes >> 20} MiB of text (the limit)")
    try:
        return data.decode("utf-8-sig")  # a leading byte-order mark is accepted and dropped
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise TraceError(f"{name}: line {line} is not UTF-8 text") from None


class _ZstdStream:
    """zstd decompression through pyarrow (the standard library has none before Python 3.14)."""

    def __init__(self, raw: BinaryIO):
        import pyarrow as pa
        self._s = pa.CompressedInputStream(pa.PythonFile(raw, mode="r"), "zstd")

    def read(self, n: int) -> bytes:
        b = self._s.read(n)
        return b if isinstance(b, bytes) else b.to_pybytes()


def _decompressing(raw: BinaryIO, magic: bytes, name: str):
    if magic[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw)
    try:
        return _ZstdStream(raw)
    except ImportError:
        raise TraceError(f"{name}: a zstd file needs pyarrow (python -m pip install pyarrow), or gzip "
                         f"it instead") from None


def _read(stream, n: int, name: str) -> bytes:
    try:
        return stream.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        kind = "gzip" if isinstance(stream, gzip.GzipFile) else "zstd"
        raise TraceError(f"{name}: not a readable {kind} file ({exc})") from None


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


# -- the line-by-line parsers (every error, with its line and field) ----------------------------
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


class _Columns:
    """Operations collected by the line-by-line parsers."""

    def __init__(self):
        self.vms: list[int] = []
        self.procs: list[int] = []
        self.ops: list[int] = []
        self.gvas: list[int] = []
        self.values: list[int] = []
        self.lines: list[int] = []
        self.extras: dict[int, Op] = {}


class _CsvLines:
    """The CSV parser's state over a whole file (names seen, header, operations so far), and its
    line-by-line parse."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.vm_index: dict[str, int] = {}
        self.proc_index: dict[tuple[str, str], int] = {}
        self.per_vm: dict[str, int] = {}
        self.header_seen = False
        self.rows = 0

    def feed(self, lines: list[str], first_line: int, out: _Columns) -> None:
        """Parse ``lines`` (the first is line ``first_line``) into ``out``."""
        for lineno, raw in enumerate(lines, first_line):
            s = raw.strip()
            if not s or s.startswith("#"):
                continue
            self.line(lineno, s, out)

    def line(self, lineno: int, s: str, out: _Columns) -> None:
        fields = [f.strip() for f in s.split(",")]
        if not self.header_seen and not self.rows and \
                [f.lower() for f in fields[:4]] == ["vm", "process", "op", "address"]:
            self.header_seen = True
            if len(fields) > 5 or (len(fields) == 5 and fields[4].lower() != "value"):
                raise TraceError(f"line {lineno}: the header must be vm,process,op,address[,value]")
            return
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
        if self.rows >= self.max_rows:
            raise TraceError(f"line {lineno}: more than {self.max_rows:,} operations (the limit)")
        vi = self.vm_index.setdefault(vm, len(self.vm_index))
        if vi >= MAX_VMS:
            raise TraceError(f"line {lineno}, field 'vm': more than {MAX_VMS:,} VMs (the limit: a 16-bit VPID)")
        pi = self.proc_index.get((vm, proc))
        if pi is None:
            pi = self.proc_index[(vm, proc)] = len(self.proc_index)
            self.per_vm[vm] = self.per_vm.get(vm, 0) + 1
            if self.per_vm[vm] > MAX_PROCESSES:
                raise TraceError(f"line {lineno}, field 'process': more than {MAX_PROCESSES:,} processes in VM "
                                 f"'{vm}' (the limit: a 12-bit PCID)")
        if child is not None:
            if (vm, child) not in self.proc_index:  # the default machine declares it
                self.proc_index[(vm, child)] = len(self.proc_index)
                self.per_vm[vm] = self.per_vm.get(vm, 0) + 1
                if self.per_vm[vm] > MAX_PROCESSES:
                    raise TraceError(f"line {lineno}, field 'address': more than {MAX_PROCESSES:,} processes in VM "
                                     f"'{vm}' (the limit: a 12-bit PCID)")
            out.extras[len(out.ops)] = Op(OpKind.FORK, vm, proc, child=child)
        out.vms.append(vi)
        out.procs.append(pi)
        out.ops.append(code)
        out.gvas.append(gva)
        out.values.append(value)
        out.lines.append(lineno)
        self.rows += 1


_LACKEY_KIND = {"I  ": (EXEC,), " L ": (READ,), " S ": (WRITE,), " M ": (READ, WRITE)}
_COMMAND = re.compile(r"^==\d+==\s+Command:\s+(\S+)")


class _LackeyLines:
    """The lackey parser's state over a whole file (the program, operations so far), and its
    line-by-line parse."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.program: Optional[str] = None
        self.rows = 0

    def command(self, raw: str) -> None:
        if self.program is None:
            m = _COMMAND.match(raw)
            if m:
                self.program = m.group(1).rsplit("/", 1)[-1]

    def feed(self, lines: list[str], first_line: int, out: _Columns) -> None:
        kinds = _LACKEY_KIND
        for lineno, raw in enumerate(lines, first_line):
            kind = kinds.get(raw[:3])
            if kind is None:
                if self.program is None and raw.startswith("=="):
                    self.command(raw)
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
                out.ops.append(code)
                out.gvas.append(gva)
                out.lines.append(lineno)
                self.rows += 1
                if (last ^ gva) >> 12:  # straddles a page boundary: the next page is touched too
                    out.ops.append(code)
                    out.gvas.append(last & ~0xFFF)
                    out.lines.append(lineno)
                    self.rows += 1
            if self.rows > self.max_rows:
                raise TraceError(f"line {lineno}: more than {self.max_rows:,} operations (the limit)")


# -- the vectorised parsers ----------------------------------------------------------------------
def _lut(chars: bytes, values=None, default=0, dtype=np.uint8) -> np.ndarray:
    t = np.full(256, default, dtype)
    for i, c in enumerate(chars):
        t[c] = i if values is None else values[i]
    return t


_HEX = _lut(b"0123456789abcdefABCDEF", list(range(16)) + list(range(10, 16)), default=255)
_DEC = _lut(b"0123456789", default=255)
_NAME_OK = _lut(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", [1] * 65, default=0,
                dtype=bool)
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[ord("A"):ord("Z") + 1] += 32
# bytes the fast path leaves to the line-by-line parse: control characters other than tab, line
# feed and carriage return (Python's splitlines() breaks lines at \v, \f, \x1c-\x1e; strip() takes
# \x1f), and DEL (which lower-casing by OR 0x20 would confuse with '_')
_ODD = np.zeros(256, bool)
_ODD[[c for c in range(32) if c not in (9, 10, 13)] + [0x7F]] = True
_WS = np.zeros(256, bool)
_WS[[9, 10, 13, 32]] = True
_U64 = np.uint64


def _op_key(word: bytes) -> int:
    return int.from_bytes(word.ljust(8, b"\0"), "little")


_OP_KEYS = np.array(sorted(_op_key(bytes(c | 0x20 for c in k.encode())) for k in CSV_OPS), np.uint64)
_OP_OF_KEY = np.array([CSV_OPS[k.to_bytes(8, "little").rstrip(b"\0").replace(b"\x7f", b"_").decode()]
                       for k in _OP_KEYS.tolist()], np.int8)


_PAD = 64


class _Padded:
    """A block's bytes with zeros around them, so that every field can be read in 8-byte words
    (unaligned loads at any offset) without index checks."""

    def __init__(self, buf: np.ndarray):
        self.a = buf
        self.p = np.concatenate([np.zeros(_PAD, np.uint8), buf, np.zeros(_PAD + 8, np.uint8)])
        self.words = np.ndarray(shape=(len(self.p) - 7,), dtype="<u8", buffer=self.p, strides=(1,))

    def __len__(self) -> int:
        return len(self.a)


def _gather(buf: _Padded, s: np.ndarray, e: np.ndarray, width: int, fill: int = 0,
            right: bool = False) -> np.ndarray:
    """Bytes ``buf[s:e]`` of each field as rows of ``width`` bytes (a multiple of 8 at most 64
    is used; the caller reads the first ``width``), ``fill`` beyond the field (left-aligned, or
    right-aligned with ``right``); fields longer than ``width`` are cut."""
    nw = (width + 7) // 8
    w8 = nw * 8
    base = (e + (_PAD - w8)) if right else (s + _PAD)
    out = np.empty((len(s), nw), np.uint64)
    for k in range(nw):
        out[:, k] = buf.words[base + 8 * k]
    rows = out.view(np.uint8).reshape(len(s), w8)
    k = np.arange(w8)
    length = (e - s)[:, None]
    inside = (k >= w8 - length) if right else (k < length)
    rows = np.where(inside, rows, np.uint8(fill))
    return rows[:, w8 - width:] if right else rows[:, :width]


_H = np.uint64(0x8080808080808080)
_L7 = np.uint64(0x7F7F7F7F7F7F7F7F)


def _rep(byte: int) -> np.uint64:
    return np.uint64(byte * 0x0101010101010101)


def _ge(w: np.ndarray, k: int) -> np.ndarray:
    """Per byte of 7-bit words: 0x80 where the byte is ≥ ``k`` (≤ 0x80), else 0 (no borrow
    crosses bytes: each byte is (0x80 | c) - k ≥ 0)."""
    return ((w | _H) - _rep(k)) & _H


def _nonzero(w: np.ndarray) -> np.ndarray:
    """Per byte: 0x80 where the byte is not zero, else 0."""
    return (((w & _L7) + _L7) | w) & _H


def _hex_ok(w: np.ndarray) -> bool:
    """Whether every byte of every word is a hexadecimal digit."""
    low = w | _rep(0x20)
    ok = (_ge(w, 0x30) & ~_ge(w, 0x3A)) | (_ge(low, 0x61) & ~_ge(low, 0x67))
    return not ((ok ^ _H) | (w & _H)).any()


def _name_ok(w: np.ndarray) -> bool:
    """Whether every byte of every word is a name's (letters, digits, '_', '.', '-') or NUL."""
    low = w | _rep(0x20)
    ok = (_ge(w, 0x30) & ~_ge(w, 0x3A)) | (_ge(low, 0x61) & ~_ge(low, 0x7B) & _ge(w, 0x41))
    for c in (ord("_"), ord("."), ord("-")):
        ok |= _nonzero(w ^ _rep(c)) ^ _H
    ok |= _nonzero(w) ^ _H
    return not ((ok ^ _H) | (w & _H)).any()


_ZEROS = np.uint64(0x3030303030303030)
_LO4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_BIT6 = np.uint64(0x0101010101010101)


def _hex_word(w: np.ndarray) -> np.ndarray:
    """Words of 8 hexadecimal digits (ASCII, the first digit in the lowest byte) as their values."""
    x = (w & _LO4) + _U64(9) * ((w >> _U64(6)) & _BIT6)  # '0'-'9' → 0-9, 'a'-'f' and 'A'-'F' → 10-15
    m = _U64(0x000F000F000F000F)
    x = ((x & m) << _U64(4)) | ((x >> _U64(8)) & m)
    m = _U64(0x000000FF000000FF)
    x = ((x & m) << _U64(8)) | ((x >> _U64(16)) & m)
    m = _U64(0xFFFF)
    return ((x & m) << _U64(16)) | ((x >> _U64(32)) & m)


def _hex(buf: "_Padded", s: np.ndarray, e: np.ndarray) -> Optional[np.ndarray]:
    """Fields of 1 to 16 hexadecimal digits as uint64; None if any is not (the caller checks lengths)."""
    length = e - s
    lo_n = np.minimum(length, 8)
    hi_n = length - lo_n
    # the last 8 and the 8 before, the bytes before the field made '0'
    lo = buf.words[e + (_PAD - 8)]
    hi = buf.words[e + (_PAD - 16)]
    keep_lo = ~_MASK[8 - lo_n]
    keep_hi = ~_MASK[8 - hi_n]
    lo = (lo & keep_lo) | (_ZEROS & ~keep_lo)
    hi = (hi & keep_hi) | (_ZEROS & ~keep_hi)
    if not (_hex_ok(hi) and _hex_ok(lo)):
        return None
    return (_hex_word(hi) << _U64(32)) | _hex_word(lo)


def _number(buf: _Padded, s: np.ndarray, e: np.ndarray) -> Optional[np.ndarray]:
    """Fields written as ``0x`` + 1 to 16 hexadecimal digits or 1 to 19 decimal digits, as
    uint64; None if any field is written otherwise (the line-by-line parse decides)."""
    n = len(s)
    out = np.zeros(n, np.uint64)
    if not n:
        return out
    length = e - s
    first = buf.p[s + _PAD]
    second = buf.p[s + _PAD + 1]
    hexa = (length >= 3) & (first == ord("0")) & ((second == ord("x")) | (second == ord("X")))
    if (hexa & (length > 18)).any() or (~hexa & ((length < 1) | (length > 19))).any():
        return None
    h = np.flatnonzero(hexa)
    if len(h):
        v = _hex(buf, s[h] + 2, e[h])
        if v is None:
            return None
        out[h] = v
    dec = np.flatnonzero(~hexa)
    if len(dec):
        width = int((e[dec] - s[dec]).max())
        d = _DEC[_gather(buf, s[dec], e[dec], width, ord("0"), right=True)]
        if (d == 255).any():
            return None
        v = np.zeros(len(dec), np.uint64)
        for k in range(width):
            v = v * _U64(10) + d[:, k]
        # 19 digits can exceed 2**64 - 1 only from 18,446,744,073,709,551,616 on (20 digits): fine
        out[dec] = v
    return out


def _factorize(rows: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
    """Codes of equal rows (uint8 rows, NUL-padded), numbered in order of first appearance, and
    each code's bytes. Runs of equal rows are found first: names change rarely from line to line."""
    n = len(rows)
    if not n:
        return np.zeros(0, np.int64), []
    if rows.shape[1] == 0:
        return np.zeros(n, np.int64), [b""]
    starts = np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1]).any(axis=1)])
    heads = np.ascontiguousarray(rows[starts]).view(f"S{rows.shape[1]}").ravel()
    uniq, first, inv = np.unique(heads, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), np.int64)
    rank[order] = np.arange(len(uniq))
    codes = np.repeat(rank[inv.ravel()], np.diff(np.r_[starts, n]))
    return codes, [bytes(uniq[i]) for i in order]


_MASK = np.array([(1 << (8 * k)) - 1 for k in range(9)], np.uint64)
"""The low ``k`` bytes of a little-endian word."""


def _word(buf: _Padded, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Fields of at most 8 bytes as little-endian words (NUL beyond the field)."""
    return buf.words[s + _PAD] & _MASK[np.minimum(e - s, 8)]


def _names(buf: _Padded, s: np.ndarray, e: np.ndarray) -> Optional[tuple[np.ndarray, list[str]]]:
    """Name fields (letters, digits, '_', '.', '-'; at most 64 bytes) as codes in order of first
    appearance and the names; None if any is not such a name."""
    if not len(s):
        return np.zeros(0, np.int64), []
    length = e - s
    width = int(length.max())
    if length.min() < 1 or width > 64:
        return None
    if width <= 8:  # one word a name: runs and codes on integers
        w = _word(buf, s, e)
        if not _name_ok(w):
            return None
        return _word_codes(w)
    rows = _gather(buf, s, e, width)
    ok = _NAME_OK[rows] | (np.arange(width) >= length[:, None])
    if not ok.all():
        return None
    codes, names = _factorize(rows)
    return codes, [b.rstrip(b"\0").decode("ascii") for b in names]


def _line_bounds(buf: np.ndarray, last: bool) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (before any \\r\\n or \\n) of each line of ``buf``."""
    ends = np.flatnonzero(buf == 10)
    if last and len(buf) and buf[-1] != 10:
        ends = np.r_[ends, len(buf)]
    starts = np.r_[0, ends[:-1] + 1] if len(ends) else np.zeros(0, np.int64)
    cr = np.zeros(len(ends), bool)
    nz = ends > starts
    cr[nz] = buf[ends[nz] - 1] == 13
    return starts.astype(np.int64), (ends - cr).astype(np.int64)


def _plain(buf: np.ndarray) -> bool:
    """Whether the block has only characters whose line breaks numpy sees as Python does: no
    control characters but tab, line feed and \\r before \\n, no U+0085, U+2028, U+2029."""
    low = np.flatnonzero(buf < 0x20)
    if len(low) and _ODD[buf[low]].any() or (buf == 0x7F).any():
        return False
    cr = np.flatnonzero(buf == 13)
    if len(cr) and (cr[-1] + 1 >= len(buf) or (buf[cr + 1] != 10).any()):
        return False
    if (buf >= 0x80).any():
        b = buf.tobytes()
        if b"\xc2\x85" in b or b"\xe2\x80\xa8" in b or b"\xe2\x80\xa9" in b:
            return False
    return True


def _word_codes(w: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Names held as little-endian words (NUL-padded, at most 8 bytes) as codes in order of first
    appearance and the names (runs of equal names found first: they change rarely from line to line)."""
    if not len(w):
        return np.zeros(0, np.int64), []
    starts = np.flatnonzero(np.r_[True, w[1:] != w[:-1]])
    uniq, first, inv = np.unique(w[starts], return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), np.int64)
    rank[order] = np.arange(len(uniq))
    codes = np.repeat(rank[inv.ravel()], np.diff(np.r_[starts, len(w)]))
    return codes, [int(uniq[i]).to_bytes(8, "little").rstrip(b"\0").decode("ascii") for i in order]


_SCAN_CODES = np.array([WRITE, SWITCH, EXIT, FORK], np.int8)


def _csv_scan(state: _CsvLines, buf: np.ndarray, first_line: int, last: bool):
    """:func:`_csv_fast` in one compiled pass (``_kernel.csv_scan``), and the lines of the block:
    None where the block has anything the scan leaves to numpy (names longer than 8 bytes, white
    space, non-ASCII text, …). Not for a file's first lines of operations (a header may be among them)."""
    cap = len(buf) // 6 + 1  # a line of operations has at least 6 bytes ('a,b,c,' and its line end)
    row = np.empty(cap, np.int64)
    code = np.empty(cap, np.int8)
    gva, value, vmw, procw, childw = (np.empty(cap, np.uint64) for _ in range(5))
    n, nlines = _scan(buf, last, _OP_KEYS, _OP_OF_KEY, _SCAN_CODES, USER_LIMIT, row, code, gva, value, vmw, procw,
                      childw)
    if n < 0 or state.rows + n > state.max_rows:
        return None
    if n == 0:
        return (*_empty_columns(), nlines)
    f = np.flatnonzero(code[:n] == FORK)
    children = _word_codes(childw[f]) if len(f) else None
    got = _csv_accept(state, first_line, row[:n], code[:n].copy(), gva[:n].copy(), value[:n].copy(),
                      _word_codes(vmw[:n]), _word_codes(procw[:n]), f, children)
    return None if got is None else (*got, nlines)


def _csv_fast(state: _CsvLines, buf: np.ndarray, first_line: int, last: bool):
    """A block of CSV lines parsed all at once: (columns, lines, extras) — or None where anything
    is unusual, so that the line-by-line parse runs instead (and names the error). The state is
    changed only when the block is accepted."""
    if not _plain(buf):
        return None
    # separators: commas and line feeds (a last line without one ends at the block's end)
    sep = np.flatnonzero((buf == 44) | (buf == 10))
    if last and len(buf) and buf[-1] != 10:
        sep = np.r_[sep, len(buf)]
        is_nl = np.r_[buf[sep[:-1]] == 10, True]
    else:
        is_nl = buf[sep] == 10
    nl = np.flatnonzero(is_nl)  # index in sep of each line's end
    first_sep = np.r_[0, nl[:-1] + 1]  # index in sep of each line's first separator
    ends = sep[nl]
    starts = np.r_[0, ends[:-1] + 1]
    if len(ends):
        cr = (ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13)
        ends = ends - cr
    # lines of operations: not blank, not a comment ('#' first after any white space)
    data = ends > starts
    lead = buf[np.minimum(starts, max(0, len(buf) - 1))] if len(buf) else np.zeros(0, np.uint8)
    data &= lead != ord("#")
    odd = np.flatnonzero(data & _WS[lead])
    if len(odd):
        raw = buf.tobytes()
        for k in odd.tolist():
            t = raw[starts[k]:ends[k]].strip()
            if not t or t.startswith(b"#"):
                data[k] = False
    rows = np.flatnonzero(data)
    s, e = starts[rows], ends[rows]
    n = len(rows)
    if not n:
        return _empty_columns()
    if not state.header_seen and not state.rows:
        return None  # a header can only be the first line of operations: the line-by-line parse reads it
    if state.rows + n > state.max_rows:
        return None
    ws = np.flatnonzero((buf == 32) | (buf == 9))
    if len(ws) and (np.searchsorted(ws, e) - np.searchsorted(ws, s)).any():
        return None  # spaces inside a line: the line-by-line parse strips them
    pb = _Padded(buf)
    c0 = first_sep[rows]
    nc = nl[rows] - c0
    if ((nc != 3) & (nc != 4)).any():
        return None
    cc = sep[c0[:, None] + np.arange(4)]  # the 4th is the line's end where it has 3 commas
    five = nc == 4
    f0s, f0e = s, cc[:, 0]
    f1s, f1e = cc[:, 0] + 1, cc[:, 1]
    f2s, f2e = cc[:, 1] + 1, cc[:, 2]
    f3s, f3e = cc[:, 2] + 1, np.where(five, cc[:, 3], e)
    f4s, f4e = np.where(five, cc[:, 3] + 1, e), e
    # op
    oplen = f2e - f2s
    if ((oplen < 1) | (oplen > 8)).any():
        return None
    key = (_word(pb, f2s, f2e) | _U64(0x2020202020202020)) & _MASK[oplen]  # lower case (0x7f is not plain)
    at = np.minimum(np.searchsorted(_OP_KEYS, key), len(_OP_KEYS) - 1)
    if (_OP_KEYS[at] != key).any():
        return None
    code = _OP_OF_KEY[at]
    vms = _names(pb, f0s, f0e)
    procs = _names(pb, f1s, f1e)
    if vms is None or procs is None:
        return None
    no_addr = (code == SWITCH) | (code == EXIT)
    fork = code == FORK
    has_addr = ~no_addr & ~fork
    if (f3e[no_addr] > f3s[no_addr]).any():
        return None
    gva = np.zeros(n, np.uint64)
    a = np.flatnonzero(has_addr)
    num = _number(pb, f3s[a], f3e[a])
    if num is None or (num >= _U64(USER_LIMIT)).any():
        return None
    gva[a] = num
    value = np.zeros(n, np.uint64)
    v = np.flatnonzero(f4e > f4s)
    if len(v):
        if (code[v] != WRITE).any():
            return None
        num = _number(pb, f4s[v], f4e[v])
        if num is None:
            return None
        value[v] = num
    f = np.flatnonzero(code == FORK)
    children = None
    if len(f):
        children = _names(pb, f3s[f], f3e[f])
        if children is None:
            return None
    return _csv_accept(state, first_line, rows, code, gva, value, vms, procs, f, children)


def _csv_accept(state: _CsvLines, first_line: int, rows: np.ndarray, code: np.ndarray, gva: np.ndarray,
                value: np.ndarray, vms, procs, f: np.ndarray, children):
    """The names of a block's operations (``vms``, ``procs``, fork ``children`` at rows ``f``: codes
    and names, as :func:`_names` gives them) numbered as the whole file numbers them: (columns,
    lines, extras), the state moved on — or None where a limit is passed (the line-by-line parse
    names it)."""
    n = len(rows)
    # names: VMs and (VM, process) pairs in order of first mention, a fork's child right after its parent
    vm_codes, vm_names = vms
    new_vms: dict[str, int] = {}
    for x in vm_names:
        if x not in state.vm_index:
            new_vms[x] = len(state.vm_index) + len(new_vms)
    if len(state.vm_index) + len(new_vms) > MAX_VMS:
        return None
    vm_global = np.array([state.vm_index[x] if x in state.vm_index else new_vms[x] for x in vm_names], np.int64)
    vm_of_row = vm_global[vm_codes]
    pc, pnames = procs
    all_vm_names = list(state.vm_index) + list(new_vms)
    # pairs (VM, process) by row; fork children as extra mentions just after their row
    pos = np.arange(n, dtype=np.int64) * 2
    pair_vm = vm_of_row
    pair_name = [pnames[k] for k in range(len(pnames))]
    pair_code = pc
    if children is not None:
        cc_codes, cnames = children
        offset = len(pair_name)
        for k in range(len(f)):
            if cnames[cc_codes[k]] == pnames[pc[f[k]]]:
                return None  # the child is the parent itself
        pair_name = pair_name + cnames
        pos = np.r_[pos, f * 2 + 1]
        pair_vm = np.r_[pair_vm, vm_of_row[f]]
        pair_code = np.r_[pair_code, cc_codes + offset]
    key2 = pair_vm * (len(pair_name) + 1) + pair_code
    uniq, first_at = np.unique(key2, return_index=True)
    order = np.argsort(pos[first_at], kind="stable")
    per_vm = dict(state.per_vm)
    new_pairs: dict[tuple[str, str], int] = {}
    pair_global = {}
    for k in order.tolist():
        u = int(uniq[k])
        vi, ni = divmod(u, len(pair_name) + 1)
        pair = (all_vm_names[vi], pair_name[ni])
        g = state.proc_index.get(pair)
        if g is None:
            g = new_pairs.get(pair)
            if g is None:
                g = new_pairs[pair] = len(state.proc_index) + len(new_pairs)
                per_vm[pair[0]] = per_vm.get(pair[0], 0) + 1
                if per_vm[pair[0]] > MAX_PROCESSES:
                    return None
        pair_global[u] = g
    lookup_keys = np.array(sorted(pair_global), np.int64)
    lookup_vals = np.array([pair_global[k] for k in lookup_keys.tolist()], np.int32)
    row_key = vm_of_row * (len(pair_name) + 1) + pc
    proc_global = lookup_vals[np.searchsorted(lookup_keys, row_key)]
    # accepted: the state moves on
    for x in new_vms:
        state.vm_index[x] = len(state.vm_index)
    for pair in new_pairs:
        state.proc_index[pair] = len(state.proc_index)
    state.per_vm = per_vm
    state.rows += n
    extras = {}
    if children is not None:
        cc_codes, cnames = children
        for k, r in enumerate(f.tolist()):
            extras[r] = Op(OpKind.FORK, all_vm_names[vm_of_row[r]], pnames[pc[r]], child=cnames[cc_codes[k]])
    lines = (rows + first_line).astype(np.int32)
    return (vm_of_row.astype(np.uint16), proc_global, code, gva, value), lines, extras


def _empty_columns():
    z = np.zeros(0, np.int64)
    return (z.astype(np.uint16), z.astype(np.int32), z.astype(np.int8), z.astype(np.uint64), z.astype(np.uint64)), \
        z.astype(np.int32), {}


_LACKEY_PREFIX = {b"I  ": 0, b" L ": 1, b" S ": 2, b" M ": 3}


_KIND_WORDS = {int.from_bytes(k, "little"): i for k, i in _LACKEY_PREFIX.items()}
_DIGITS = _rep(0x30)


def _separators(buf: np.ndarray, last: bool):
    """Commas and line feeds of a block: (positions, index in them of each line's end, line
    starts, line ends before any \\r)."""
    sep = np.flatnonzero((buf == 44) | (buf == 10))
    if last and len(buf) and buf[-1] != 10:
        sep = np.r_[sep, len(buf)]
        is_nl = np.r_[buf[sep[:-1]] == 10, True]
    else:
        is_nl = buf[sep] == 10
    nl = np.flatnonzero(is_nl)
    ends = sep[nl]
    starts = np.r_[0, ends[:-1] + 1]
    if len(ends):
        ends = ends - ((ends > starts) & (buf[np.maximum(ends - 1, 0)] == 13))
    return sep, nl, starts, ends


def _lackey_fast(state: _LackeyLines, buf: np.ndarray, first_line: int, last: bool):
    """A block of lackey lines parsed all at once: (op codes, gVAs, lines) — or None where
    anything is unusual (the line-by-line parse then runs and names the error)."""
    none = np.zeros(0, np.int8), np.zeros(0, np.uint64), np.zeros(0, np.int32)
    if not _plain(buf):
        return None
    sep, nl, starts, ends = _separators(buf, last)
    if not len(starts):
        return none
    pb = _Padded(buf)
    head = pb.words[starts + _PAD] & _U64(0xFFFFFF)
    kind = np.full(len(starts), -1, np.int8)
    for word, i in _KIND_WORDS.items():
        kind[head == _U64(word)] = i
    kind[ends - starts < 3] = -1
    rec = kind >= 0
    if state.program is None:
        hdr = np.flatnonzero(~rec & ((head & _U64(0xFFFF)) == _U64(0x3D3D)))  # "=="
        for k in hdr.tolist():
            state.command(buf[starts[k]:ends[k]].tobytes().decode("utf-8", "replace"))
            if state.program is not None:
                break
    r = np.flatnonzero(rec)
    if not len(r):
        return none
    kind = kind[r]
    s, e = starts[r] + 3, ends[r]
    # exactly one comma: the line's first separator, then its end
    first = np.r_[0, nl[:-1] + 1][r]
    if ((nl[r] - first) != 1).any():
        return None
    comma = sep[first]
    if ((comma < s) | (comma >= e)).any():
        return None
    alen = comma - s
    if ((alen < 1) | (alen > 16)).any():
        return None
    gva = _hex(pb, s, comma)
    if gva is None:
        return None
    slen = e - comma - 1
    if ((slen < 1) | (slen > 4)).any():
        return None
    # the size right-aligned in a word, '0' before it: its top 4 bytes are its 4 digits
    x = pb.words[e + (_PAD - 8)]
    keep = ~_MASK[8 - slen]
    x = (x & keep) | (_DIGITS & ~keep)
    if ((_ge(x, 0x30) & ~_ge(x, 0x3A)) ^ _H).any() or (x & _H).any():
        return None
    d = (x - _DIGITS).view(np.uint8).reshape(-1, 8)[:, 4:].astype(np.int64)
    size = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    if ((size < 1) | (size > PAGE_SIZE)).any() or (gva + size.astype(np.uint64) > _U64(USER_LIMIT)).any():
        return None
    lastb = gva + (size - 1).astype(np.uint64)
    straddle = ((lastb ^ gva) >> _U64(12)) != 0
    modify = kind == 3
    base = np.array([EXEC, READ, WRITE, READ], np.int8)[kind]
    if not straddle.any() and not modify.any():
        total = len(r)
        if state.rows + total > state.max_rows:
            return None
        state.rows += total
        return base, gva, (r + first_line).astype(np.int32)
    per = (1 + modify) * (1 + straddle)
    total = int(per.sum())
    if state.rows + total > state.max_rows:
        return None
    idx = np.repeat(np.arange(len(r)), per)
    j = np.arange(total) - np.repeat(np.cumsum(per) - per, per)  # position within the record
    st = straddle[idx]
    second_half = np.where(st, j >= 2, j >= 1)  # M: the write after the read(s)
    code = np.where(modify[idx] & second_half, WRITE, base[idx]).astype(np.int8)
    next_page = st & (j % 2 == 1)
    g = np.where(next_page, lastb[idx] & ~_U64(0xFFF), gva[idx])
    state.rows += total
    return code, g, (r[idx] + first_line).astype(np.int32)


# -- reading in blocks -------------------------------------------------------------------------
class TraceReader:
    """A CSV or lackey trace — a file or an upload's bytes, plain, gzip or zstd — read in blocks
    (:meth:`chunks`). ``vm`` / ``process``: where a lackey trace runs (default VM1, the program's
    name). Decoding errors (compression, size, UTF-8) name the file; parse errors name line and
    field."""

    def __init__(self, source, name: Optional[str] = None, *, vm: str = "VM1", process: Optional[str] = None,
                 max_rows: int = MAX_TRACE_ROWS, max_bytes: int = MAX_TRACE_BYTES, block_bytes: Optional[int] = None):
        self.source = source
        self.name = name or (Path(source).name if isinstance(source, (str, Path)) else "trace")
        self.vm, self.process = vm, process
        self.max_rows, self.max_bytes, self.block_bytes = max_rows, max_bytes, block_bytes or BLOCK_BYTES
        self.program: Optional[str] = None
        self.format = self._detect()

    # bytes
    def _open(self):
        if isinstance(self.source, (bytes, bytearray, memoryview)):
            raw = io.BytesIO(self.source)
        else:
            try:
                raw = open(self.source, "rb")
            except OSError as exc:
                raise TraceError(f"cannot read trace file '{self.source}': {exc.strerror or exc}") from None
        magic = raw.read(4)
        raw.seek(0)
        if magic[:2] == GZIP_MAGIC or magic == ZSTD_MAGIC:
            return raw, _decompressing(raw, magic, self.name)
        return raw, raw

    def blocks(self) -> Iterator[tuple[bytes, bool]]:
        """The text in blocks that end at a line end: (block, is it the last)."""
        raw, stream = self._open()
        try:
            total = 0
            carry = b""
            first = True
            while True:
                part = _read(stream, self.block_bytes, self.name)
                total += len(part)
                if total > self.max_bytes:
                    raise TraceError(f"{self.name}: more than {self.max_bytes >> 20} MiB of text (the limit)")
                if first:
                    if part[:3] == b"\xef\xbb\xbf":
                        part = part[3:]
                    first = False
                if not part:
                    if carry:
                        yield carry, True
                    return
                data = carry + part if carry else part
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    carry = data
                    continue
                carry = data[cut:]
                yield data[:cut], False
        finally:
            raw.close()

    def _detect(self) -> str:
        for block, _ in self.blocks():
            head = block[:1 << 16]
            if len(block) > len(head):
                head = head[:head.rfind(b"\n") + 1] or head
            try:
                text = head.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.start < len(head) - 4:
                    line = head[:exc.start].count(b"\n") + 1
                    raise TraceError(f"{self.name}: line {line} is not UTF-8 text") from None
                text = head[:exc.start].decode("utf-8")
            return detect_format(text)
        return "csv"

    def _text(self, block: bytes, newlines_before: int) -> str:
        try:
            return block.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = newlines_before + block[:exc.start].count(b"\n") + 1
            raise TraceError(f"{self.name}: line {line} is not UTF-8 text") from None

    def chunks(self) -> Iterator[ParsedTrace]:
        """The trace, block by block: each a ParsedTrace of the block's operations (possibly none),
        its trace numbering VMs and processes as the whole file does (names so far)."""
        if self.format == "toml":
            raise TraceError("this looks like a scenario file (TOML), not a trace")
        if self.format == "lackey":
            yield from self._lackey_chunks()
        else:
            yield from self._csv_chunks()

    def _csv_slow(self, state: _CsvLines, block: bytes, line: int, newlines: int):
        text = self._text(block, newlines)
        split = text.splitlines()
        out = _Columns()
        state.feed(split, line, out)
        cols = (np.array(out.vms, np.uint16), np.array(out.procs, np.int32), np.array(out.ops, np.int8),
                np.array(out.gvas, np.uint64), np.array(out.values, np.uint64))
        return cols, np.array(out.lines, np.int32), out.extras, len(split)

    def _csv_block(self, state: _CsvLines, block: bytes, line: int, newlines: int, last: bool):
        """(columns, lines, extras, lines in the block)."""
        buf = np.frombuffer(block, np.uint8)
        if not state.header_seen and not state.rows and _plain(buf):
            # the first line of operations may be a header: it is read line by line, the rest at once
            starts, ends = _line_bounds(buf, last)
            for k in range(len(starts)):
                s = block[starts[k]:ends[k]].strip()
                if s and not s.startswith(b"#"):
                    cut = block.find(b"\n", int(ends[k])) + 1 or len(block)
                    head = self._csv_slow(state, block[:cut], line, newlines)
                    if cut >= len(block):
                        return head
                    tail = self._csv_block(state, block[cut:], line + head[3], newlines + head[3], last)
                    n = len(head[0][2])
                    cols = tuple(np.concatenate([a, b]) for a, b in zip(head[0], tail[0], strict=True))
                    extras = dict(head[2])
                    extras.update({n + i: o for i, o in tail[2].items()})
                    return cols, np.concatenate([head[1], tail[1]]), extras, head[3] + tail[3]
        if _scan is not None and (state.header_seen or state.rows):
            scanned = _csv_scan(state, buf, line, last)
            if scanned is not None:
                return scanned
        fast = _csv_fast(state, buf, line, last)
        if fast is None:
            return self._csv_slow(state, block, line, newlines)
        cols, lines, extras = fast
        return cols, lines, extras, block.count(b"\n") + (1 if last and not block.endswith(b"\n") else 0)

    def _csv_chunks(self) -> Iterator[ParsedTrace]:
        state = _CsvLines(self.max_rows)
        line = 1
        newlines = 0
        for block, last in self.blocks():
            cols, lines, extras, nlines = self._csv_block(state, block, line, newlines, last)
            line += nlines
            newlines += block.count(b"\n")
            trace = Trace(list(state.vm_index), list(state.proc_index), *cols, extras)
            yield ParsedTrace(trace, "csv", lines)
        if not state.rows:
            raise TraceError("no operations found (expected lines like 'VM1,p1,read,0x400000')")

    def _lackey_chunks(self) -> Iterator[ParsedTrace]:
        state = _LackeyLines(self.max_rows)
        line = 1
        newlines = 0
        process = self.process
        for block, last in self.blocks():
            buf = np.frombuffer(block, np.uint8)
            fast = _lackey_fast(state, buf, line, last)
            if fast is not None:
                code, gva, lines = fast
                nlines = block.count(b"\n") + (1 if last and not block.endswith(b"\n") else 0)
            else:
                text = self._text(block, newlines)
                split = text.splitlines()
                out = _Columns()
                state.feed(split, line, out)
                code, gva = np.array(out.ops, np.int8), np.array(out.gvas, np.uint64)
                lines, nlines = np.array(out.lines, np.int32), len(split)
            line += nlines
            newlines += block.count(b"\n")
            self.program = state.program
            if not len(code) and process is None:
                continue  # the process is named by the first block with records (the header is before them)
            if process is None:
                process = state.program if state.program and NAME_RE.fullmatch(state.program) else "p1"
            n = len(code)
            # what a store writes is not in the trace; store the line number (deterministic, non-zero)
            values = np.where(code == WRITE, lines, 0).astype(np.uint64)
            trace = Trace([self.vm], [(self.vm, process)], np.zeros(n, np.uint16), np.zeros(n, np.int32), code,
                          gva, values)
            yield ParsedTrace(trace, "lackey", lines, state.program)
        if not state.rows:
            raise TraceError("no lackey records found (expected lines such as 'I  04016d0,3' or ' L 1ffefffd08,8', "
                             "as valgrind --tool=lackey --trace-mem=yes writes)")

    def read(self) -> ParsedTrace:
        """The whole trace at once. (A lackey trace's process is named by its ``Command:`` header
        wherever that stands; read in chunks, by one before its first record, as valgrind writes it.)"""
        p = concat(list(self.chunks()))
        if p.format == "lackey" and self.process is None:
            name = p.program if p.program and NAME_RE.fullmatch(p.program) else "p1"
            p.trace.proc_names = [(self.vm, name)]
        return p


def concat(parts: list[ParsedTrace]) -> ParsedTrace:
    """Chunks of one file as one ParsedTrace (the last chunk's names cover all)."""
    if not parts:
        raise TraceError("no operations found")
    last = parts[-1]
    extras: dict[int, Op] = {}
    offset = 0
    for p in parts:
        extras.update({offset + i: o for i, o in p.trace.extras.items()})
        offset += len(p.trace)

    def col(name):
        return np.concatenate([getattr(p.trace, name) for p in parts])
    trace = Trace(last.trace.vm_names, last.trace.proc_names, col("vm"), col("proc"), col("op"), col("gva"),
                  col("value"), extras)
    return ParsedTrace(trace, last.format, np.concatenate([p.lines for p in parts]), last.program)


# -- whole texts ---------------------------------------------------------------------------------
def parse_csv(text: str, max_rows: int = MAX_TRACE_ROWS) -> ParsedTrace:
    r = TraceReader(text.encode("utf-8"), max_rows=max_rows)
    r.format = "csv"
    return r.read()


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


def parse_lackey(text: str, vm: str = "VM1", process: Optional[str] = None,
                 max_rows: int = MAX_TRACE_ROWS) -> ParsedTrace:
    """A lackey trace as one process (``process``, else the program's name, else "p1") in ``vm``."""
    r = TraceReader(text.encode("utf-8"), vm=vm, process=process, max_rows=max_rows)
    r.format = "lackey"
    return r.read()


def parse_text(text: str, *, vm: str = "VM1", process: Optional[str] = None,
               max_rows: int = MAX_TRACE_ROWS) -> ParsedTrace:
    fmt = detect_format(text)
    if fmt == "lackey":
        return parse_lackey(text, vm, process, max_rows)
    if fmt == "toml":
        raise TraceError("this looks like a scenario file (TOML), not a trace")
    return parse_csv(text, max_rows)


def read_trace_file(path: str | Path, *, vm: str = "VM1", process: Optional[str] = None) -> Trace:
    """A CSV or lackey trace file (optionally gzip- or zstd-compressed) as a Trace."""
    return TraceReader(path, vm=vm, process=process).read().trace


def read_bytes(path: str | Path, max_bytes: int = 64 << 20) -> bytes:
    """A whole (small) file: a scenario, or a trace to keep in memory."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise TraceError(f"cannot read trace file '{path}': {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise TraceError(f"{p.name}: larger than {max_bytes >> 20} MiB (the limit)")
    return data


# -- the default machine ---------------------------------------------------------------------
def _pow2(n: int) -> int:
    return 1 << max(0, int(n - 1).bit_length())


_NO_PROC = 1 << 22
"""Operations without a process (the VM's current one) count as one more process per VM:
``_NO_PROC + vm`` in :class:`TraceStats`' keys."""
_SHIFTS = (12, 21, 30, 39)


class TraceStats:
    """What the default machine needs to know about a trace, gathered chunk by chunk (a trace too
    long to hold in memory is seen once): its VMs and processes, the distinct (process, page)
    pairs at 4 KiB, 2 MiB, 1 GiB and 512 GiB granularity (the data pages and the page tables
    that map them), the operations, and the line where each VM and process is first named."""

    def __init__(self):
        self.vm_names: list[str] = []
        self.proc_names: list[tuple[str, str]] = []
        self.operations = 0
        self.accesses = 0
        self._keys: dict[int, np.ndarray] = {s: np.zeros(0, np.uint64) for s in _SHIFTS}
        self._pending: dict[int, list[np.ndarray]] = {s: [] for s in _SHIFTS}
        self._pending_n = 0
        self.first_line_vm: dict[int, int] = {}
        self.first_line_proc: dict[int, int] = {}

    @classmethod
    def of(cls, trace: Trace, lines: Optional[np.ndarray] = None) -> "TraceStats":
        st = cls()
        st.add(trace, lines)
        return st

    def add(self, trace: Trace, lines: Optional[np.ndarray] = None) -> None:
        """One more chunk (its names are the whole trace's so far)."""
        known_vms, known_procs = len(self.vm_names), len(self.proc_names)
        self.vm_names = list(trace.vm_names)
        self.proc_names = list(trace.proc_names)
        n = len(trace)
        if lines is None:
            lines = np.arange(self.operations + 1, self.operations + n + 1, dtype=np.int64)
        for vi in range(known_vms, len(self.vm_names)):
            at = np.flatnonzero(trace.vm == vi)
            if len(at):
                self.first_line_vm[vi] = int(lines[at[0]])
        for pi in range(known_procs, len(self.proc_names)):
            at = np.flatnonzero(trace.proc == pi)
            if len(at):
                self.first_line_proc[pi] = int(lines[at[0]])
        for i, o in trace.extras.items():
            if o.child is not None:
                pi = self.proc_names.index((o.vm, o.child)) if (o.vm, o.child) in self.proc_names else -1
                if pi >= 0 and pi not in self.first_line_proc:
                    self.first_line_proc[pi] = int(lines[i])
        self.operations += n
        self.accesses += int(np.count_nonzero(trace.op <= EXEC))
        has_page = (trace.op <= EXEC) | (trace.op == MAP)
        p = trace.proc[has_page].astype(np.int64)
        proc = np.where(p >= 0, p, _NO_PROC + trace.vm[has_page].astype(np.int64)).astype(np.uint64) << _U64(40)
        gva = trace.gva[has_page]
        for s in _SHIFTS:
            k = proc | (gva >> _U64(s))
            if len(k) > 1:
                # runs of one page are common: drop repeats before sorting
                k = np.unique(k[np.r_[True, k[1:] != k[:-1]]])
            self._pending[s].append(k)
            self._pending_n += len(k)
        if self._pending_n > max(1 << 20, 2 * len(self._keys[12])):
            self._merge()

    def _merge(self) -> None:
        for s in _SHIFTS:
            if self._pending[s]:
                self._keys[s] = np.unique(np.concatenate([self._keys[s]] + self._pending[s]))
                self._pending[s] = []
        self._pending_n = 0

    def _vm_of(self, keys: np.ndarray) -> np.ndarray:
        ids = (keys >> _U64(40)).astype(np.int64)
        vm_at = {v: i for i, v in enumerate(self.vm_names)}
        vm_of_proc = np.array([vm_at[v] for v, _ in self.proc_names] + [0], np.int64)
        return np.where(ids >= _NO_PROC, ids - _NO_PROC, vm_of_proc[np.minimum(ids, len(self.proc_names))])

    def distinct(self, shift: int) -> np.ndarray:
        """Per VM index: distinct (process, gva >> shift) pairs."""
        self._merge()
        return np.bincount(self._vm_of(self._keys[shift]), minlength=len(self.vm_names))

    def touched(self) -> dict[str, tuple[int, int]]:
        """Per VM: (distinct pages touched, page-table pages needed), counted per process."""
        nvms = len(self.vm_names)
        data = self.distinct(12)
        tables = sum(self.distinct(s) for s in (21, 30, 39))
        ids = np.unique(self._keys[12] >> _U64(40))
        procs = np.bincount(self._vm_of(ids << _U64(40)), minlength=nvms)
        return {v: (int(data[i]), int(tables[i] + procs[i] + 1)) for i, v in enumerate(self.vm_names)}

    def regions(self) -> dict[str, int]:
        """Per VM: distinct (process, 2 MiB region) pairs."""
        r = self.distinct(21)
        return {v: int(r[i]) for i, v in enumerate(self.vm_names)}


def stats_of(trace) -> TraceStats:
    """``trace``'s :class:`TraceStats` (a TraceStats is returned as it is)."""
    return trace if isinstance(trace, TraceStats) else TraceStats.of(trace)


def touched(trace) -> dict[str, tuple[int, int]]:
    """Per VM: (distinct pages touched, page-table pages needed), counted per process."""
    return stats_of(trace).touched()


def default_config(trace: "Trace | TraceStats", *, seed: int = 0, tlb_entries: int = 64, tlb_ways: int = 4, vpid: bool = True,
                   pcid: bool = True, root_cache: int = 4, costs: Optional[CostTable] = None) -> MachineConfig:
    """The documented default machine for ``trace`` (see the module docstring). A trace whose
    machine would break a cap (VMs, processes per VM, guest or machine memory) gets a
    :class:`TraceError` saying which. ``trace`` may be a :class:`TraceStats` (a trace seen in chunks)."""
    trace = stats_of(trace)
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
