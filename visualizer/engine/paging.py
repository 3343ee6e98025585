"""x86-64 4-level paging: entry formats and the one page walker.

One walker serves every table in the product — the guest's x86-64 tables, the VMM's shadow
tables (also x86-64 format) and the nested tables (EPT format). As in KVM's ``paging_tmpl.h``
the formats differ only in a few masks (:class:`EntryFormat`). As in QEMU's ``mmu_translate``
a walk returns a result or a :class:`~visualizer.engine.events.Fault`; it never raises, and the
caller decides what a fault means. For a nested (two-dimensional) walk the caller passes
``table_to_ma``, which translates each guest-table gPA through the nested tables — so every
guest-table reference costs a nested walk, exactly QEMU's ``ptw_translate`` structure.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple, Optional, Union

from .events import Access, AdUpdate, Fault, FaultKind, Stage, WalkCache, WalkCacheHit, Walker, WalkRef
from .memory import PAGE_SHIFT

LEVELS = 4
ENTRIES = 512
FRAME_MASK = 0x000F_FFFF_FFFF_F000
"""Bits 12..51: the frame address in an entry (and in CR3)."""
USER_TOP = 1 << 47
"""Canonical user addresses are below 2^47."""

# x86-64 entry bits (Linux arch/x86/include/asm/pgtable_types.h)
P, RW, US, PWT, PCD, A, D, PS, G = 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x100
NX = 1 << 63
# EPT entry bits (Linux arch/x86/include/asm/vmx.h)
EPT_R, EPT_W, EPT_X = 1, 2, 4
EPT_MT_WB = 6 << 3
"""Memory type write-back, in bits 5:3 of an EPT leaf."""
EPT_PS = 0x80
EPT_A, EPT_D = 0x100, 0x200


@dataclass(frozen=True, slots=True)
class EntryFormat:
    """The few masks that distinguish one table format from another."""

    name: str
    present: int
    """Any of these bits set means present (x86: P; EPT: R|W|X)."""
    read: int
    write: int
    user: int
    """The U/S bit (0: the format has none, as EPT)."""
    nx: int
    """A bit that forbids execution (x86 NX)."""
    exec: int
    """A bit that allows execution (EPT X)."""
    accessed: int
    """0: the walker does not maintain A/D in this format (EPT with A/D disabled in EPTP)."""
    dirty: int
    large: int


X86 = EntryFormat("x86-64", P, P, RW, US, NX, 0, A, D, PS)
EPT = EntryFormat("EPT", EPT_R | EPT_W | EPT_X, EPT_R, EPT_W, 0, 0, EPT_X, 0, 0, EPT_PS)


class Translation(NamedTuple):
    """A successful walk."""

    address: int
    """The translated address (page frame plus the offset)."""
    writable: bool
    executable: bool
    dirty: bool
    """The leaf's D bit after the walk (always True for formats without A/D)."""
    level: int
    """1 for a 4 KiB page, 2 for 2 MiB, 3 for 1 GiB."""
    leaf_slot: int
    """Index into the machine image's 64-bit view of the leaf entry."""
    ad_set: bool = False
    """The walk set an A or D bit (it wrote to the tables)."""


WalkOutcome = Union[Translation, Fault]
TableToMa = Callable[[int, int], Union[int, Fault]]

_tnew = tuple.__new__
_SHIFTS = {4: 39, 3: 30, 2: 21, 1: 12}
_LEVEL_SHIFTS = ((4, 39), (3, 30), (2, 21), (1, 12))


def index_of(address: int, level: int) -> int:
    """The 9-bit table index of ``address`` at ``level`` (4 = PML4 … 1 = PT)."""
    return (address >> _SHIFTS[level]) & 0x1FF


def walk(q, root: int, address: int, access: Access, fmt: EntryFormat, stage: Stage,
         walker: Walker, events: Optional[list], ref_cost: int, *,
         table_to_ma: Optional[TableToMa] = None, user: bool = True, set_ad: bool = True,
         start: int = 4, bits: tuple = (-1, 0), pwc_out: Optional[list] = None,
         root_ma: Optional[int] = None, entry_cache=None, slot_out: Optional[list] = None,
         ) -> WalkOutcome:
    """Walk the 4-level tables at ``root`` for ``address``.

    ``q`` is the machine image viewed as 64-bit words. Table addresses are those the format
    uses (gPAs for guest tables); ``table_to_ma`` maps one to a machine address, or returns a
    Fault (nested walks). Each reference is appended to ``events`` as a :class:`WalkRef`.

    A/D as QEMU does it: A is set on each non-leaf entry as it is used, even if a later level
    faults; at the leaf the combined rights (AND of R/W and U/S, OR of NX) are checked first,
    then A — and D for a write — are set.

    MMU caches (the caller looks them up and fills them; the walker only reads what it is given):

    - Paging-structure caches: ``start`` < 4 begins at that level with ``root`` the table a
      cached entry pointed to and ``bits`` the (AND, OR) of the rights of the levels above it, as
      the cache holds them (SDM §4.10.3.1); ``root_ma``: that table's machine address where the
      cache held it (a combined mapping: no translation of the first table). ``pwc_out``
      receives (level, next table, AND, OR) for each non-leaf entry used.
    - A cache of entries by where they are stored (AMD's page-walk cache): ``entry_cache(slot)``
      gives the cached entry of an upper level (4–2) or None; a cached one is recorded as a
      :class:`WalkCacheHit` instead of a reference. ``slot_out`` receives (slot, entry) of each
      upper-level entry read from memory and used.
    """
    table = root & FRAME_MASK
    present, large = fmt.present, fmt.large
    abit = fmt.accessed if set_ad else 0
    append = events.append if events is not None else None
    changed = False
    all_bits, any_bits = bits  # AND over the levels: R/W, U/S (x86); R, W, X (EPT) / OR: NX (x86)
    for level, shift in (_LEVEL_SHIFTS if start == 4 else _LEVEL_SHIFTS[4 - start:]):
        idx = (address >> shift) & 0x1FF
        if root_ma is not None:
            tma, root_ma = root_ma & FRAME_MASK, None
        elif table_to_ma is None:
            tma = table
        else:
            tma = table_to_ma(table, level)
            if tma.__class__ is Fault:
                return tma
        slot = (tma >> 3) + idx
        e = entry_cache(slot) if entry_cache is not None and level > 1 else None
        if e is None:
            e = q[slot]
            cached = False
            if append is not None:
                append(_tnew(WalkRef, (stage, level, table, idx, e, walker, ref_cost, address)))
        else:
            cached = True
            if append is not None:
                append(WalkCacheHit(stage, WalkCache.PWC, (level,), table, 1, address))
        if not e & present:
            return Fault(FaultKind.NOT_PRESENT, stage, level, address, access)
        all_bits &= e
        any_bits |= e
        if level == 1 or (e & large and level < 4):  # PS is reserved in a PML4E
            break
        if abit and not e & abit:
            e |= abit
            q[slot] = e
            changed = True
            if append is not None:
                append(AdUpdate(stage, level, table, idx, "A", walker))
        table = e & FRAME_MASK
        if pwc_out is not None:
            pwc_out.append((level, table, all_bits, any_bits))
        if slot_out is not None and not cached:
            slot_out.append((slot, e))
    # leaf: rights first, then A/D
    if fmt.user and not all_bits & fmt.user and user:
        return Fault(FaultKind.USER, stage, level, address, access)
    write_ok = bool(all_bits & fmt.write)
    exec_ok = bool(all_bits & fmt.exec) if fmt.exec else not any_bits & fmt.nx
    if access is Access.WRITE:
        if not write_ok:
            return Fault(FaultKind.WRITE_PROTECT, stage, level, address, access)
    elif access is Access.EXEC:
        if not exec_ok:
            return Fault(FaultKind.NO_EXEC, stage, level, address, access)
    elif not all_bits & fmt.read:
        return Fault(FaultKind.NOT_PRESENT, stage, level, address, access)
    dirty = True
    if abit:
        dbit = fmt.dirty
        want = abit | dbit if access is Access.WRITE else abit
        if e & want != want:
            q[slot] = e | want
            changed = True
            if append is not None:
                bits = ("A" if not e & abit else "") + ("D" if want & dbit and not e & dbit else "")
                append(AdUpdate(stage, level, table, idx, bits, walker))
            e |= want
        dirty = bool(e & dbit)
    offset_mask = (1 << (3 + 9 * level)) - 1
    frame = e & FRAME_MASK & ~offset_mask
    return _tnew(Translation, (frame | (address & offset_mask), write_ok, exec_ok, dirty, level, slot, changed))


def peek(q, root: int, address: int, fmt: EntryFormat, table_to_ma: Optional[TableToMa] = None) -> Optional[int]:
    """The walk without side effects — no A/D updates, no records, no rights checks — for
    renderers and checks: the translated address, or None where the walk finds no mapping."""
    r = walk(q, root, address, Access.READ, fmt, Stage.GUEST, Walker.CPU, None, 0,
             table_to_ma=table_to_ma, user=False, set_ad=False)
    return None if r.__class__ is Fault else r.address


def decode_entry(entry: int, fmt: EntryFormat = X86) -> str:
    """Entry bits as text, e.g. ``P RW US A D frame=0x1234``."""
    if fmt is EPT:
        names = [(EPT_R, "R"), (EPT_W, "W"), (EPT_X, "X"), (EPT_PS, "PS"), (EPT_A, "A"), (EPT_D, "D")]
        bits = [n for m, n in names if entry & m]
        if entry & EPT.present and (entry >> 3) & 7:
            bits.append(f"MT={(entry >> 3) & 7}")
    else:
        names = [(P, "P"), (RW, "RW"), (US, "US"), (PWT, "PWT"), (PCD, "PCD"), (A, "A"), (D, "D"),
                 (PS, "PS"), (G, "G"), (NX, "NX")]
        bits = [n for m, n in names if entry & m]
    if not bits:
        return "not present" if entry == 0 else f"not present (0x{entry:x})"
    return " ".join(bits) + f" frame=0x{(entry & FRAME_MASK) >> PAGE_SHIFT:x}"
