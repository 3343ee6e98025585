"""The one page walker (``paging.walk``) on hand-built tables, x86-64 and EPT formats.

Each test builds a small tree in a raw image and checks the walk's result, its records and the
A/D bits it leaves behind. (The random-table cross-check against unicorn is in
``test_crosscheck_unicorn.py``.)
"""
from __future__ import annotations

import numpy as np
import pytest

from visualizer.engine import Access, AdUpdate, Fault, FaultKind, Stage, Walker, WalkRef
from visualizer.engine.paging import (A, D, EPT, EPT_MT_WB, EPT_PS, EPT_R, EPT_W, EPT_X, NX, P, PS, RW, US,
                                      X86, Translation, decode_entry, index_of, peek, walk)

USER_RW = P | RW | US


class Tables:
    """A 64-page physical image with helpers to write entries."""

    def __init__(self, pages: int = 64):
        self.img = np.zeros(pages * 4096, np.uint8)
        self.q = memoryview(self.img).cast("Q")

    def set(self, table_page: int, index: int, value: int) -> None:
        self.q[table_page * 512 + index] = value

    def get(self, table_page: int, index: int) -> int:
        return self.q[table_page * 512 + index]

    def path(self, va: int, tables=(1, 2, 3, 4), leaf: int = 0x20, upper=USER_RW, leaf_flags=USER_RW) -> None:
        """Map ``va`` through PML4 ``tables[0]`` … PT ``tables[3]`` to frame ``leaf``."""
        for level, (t, nxt) in zip((4, 3, 2), zip(tables[:3], tables[1:], strict=True), strict=True):
            self.set(t, index_of(va, level), (nxt << 12) | upper)
        self.set(tables[3], index_of(va, 1), (leaf << 12) | leaf_flags)

    def walk(self, va, access=Access.READ, fmt=X86, user=True, root=1, **kw):
        events: list = []
        t = walk(self.q, root << 12, va, access, fmt, Stage.GUEST, Walker.CPU, events, 40, user=user, **kw)
        return t, events


VA = 0x0000_7F12_3456_7ABC  # indices 254, 72, 418, 359


def test_index_of_splits_the_address_into_four_9_bit_indices():
    assert [index_of(VA, lv) for lv in (4, 3, 2, 1)] == [0xFE, 0x48, 0x1A2, 0x167]
    assert index_of(0xFFFF_FFFF_FFFF, 4) == 511


def test_a_4k_walk_makes_four_references_in_order_and_translates():
    t = Tables()
    t.path(VA, leaf=0x20)
    r, events = t.walk(VA)
    assert isinstance(r, Translation)
    assert r.address == (0x20 << 12) | 0xABC and r.level == 1
    refs = [e for e in events if isinstance(e, WalkRef)]
    assert [(x.level, x.table, x.index) for x in refs] == [
        (4, 1 << 12, 0xFE), (3, 2 << 12, 0x48), (2, 3 << 12, 0x1A2), (1, 4 << 12, 0x167)]
    assert all(x.cost == 40 and x.stage is Stage.GUEST and x.walker is Walker.CPU and x.address == VA for x in refs)
    # a reference records the entry as read, before its A bit was set
    assert refs[0].entry == (2 << 12) | USER_RW
    assert r.leaf_slot == 4 * 512 + 0x167


def test_read_sets_a_on_every_level_and_d_nowhere():
    t = Tables()
    t.path(VA)
    r, events = t.walk(VA, Access.READ)
    assert not r.dirty
    for page, level in ((1, 4), (2, 3), (3, 2), (4, 1)):
        e = t.get(page, index_of(VA, level))
        assert e & A and not e & D, (level, hex(e))
    ads = [e for e in events if isinstance(e, AdUpdate)]
    assert [(e.level, e.bits) for e in ads] == [(4, "A"), (3, "A"), (2, "A"), (1, "A")]
    # a second read finds A set and records no update
    _, events2 = t.walk(VA, Access.READ)
    assert not [e for e in events2 if isinstance(e, AdUpdate)]


def test_write_sets_d_only_on_the_leaf():
    t = Tables()
    t.path(VA)
    r, events = t.walk(VA, Access.WRITE)
    assert r.dirty and r.writable
    assert t.get(4, index_of(VA, 1)) & (A | D) == A | D
    for page, level in ((1, 4), (2, 3), (3, 2)):
        assert not t.get(page, index_of(VA, level)) & D
    assert [e.bits for e in events if isinstance(e, AdUpdate)] == ["A", "A", "A", "AD"]
    # read first, then write: the write adds just D
    t2 = Tables()
    t2.path(VA)
    t2.walk(VA, Access.READ)
    _, ev = t2.walk(VA, Access.WRITE)
    assert [(e.level, e.bits) for e in ev if isinstance(e, AdUpdate)] == [(1, "D")]


def test_a_is_set_on_non_leaf_entries_as_walked_even_when_a_later_level_faults():
    t = Tables()
    t.path(VA)
    t.set(4, index_of(VA, 1), 0)  # leaf not present
    r, events = t.walk(VA)
    assert isinstance(r, Fault) and r.kind is FaultKind.NOT_PRESENT and r.level == 1 and r.address == VA
    for page, level in ((1, 4), (2, 3), (3, 2)):
        assert t.get(page, index_of(VA, level)) & A, level
    assert len([e for e in events if isinstance(e, WalkRef)]) == 4
    # a fault at level 3 sets A at level 4 only
    t = Tables()
    t.path(VA)
    t.set(2, index_of(VA, 3), 0)
    r, events = t.walk(VA)
    assert r.level == 3 and len([e for e in events if isinstance(e, WalkRef)]) == 2
    assert t.get(1, index_of(VA, 4)) & A


@pytest.mark.parametrize("access, leaf_flags, kind", [
    (Access.WRITE, P | US, FaultKind.WRITE_PROTECT),
    (Access.EXEC, P | RW | US | NX, FaultKind.NO_EXEC),
    (Access.READ, P | RW, FaultKind.USER),
])
def test_leaf_rights_are_checked_before_a_and_d_are_set(access, leaf_flags, kind):
    t = Tables()
    t.path(VA, leaf_flags=leaf_flags)
    r, events = t.walk(VA, access)
    assert isinstance(r, Fault) and r.kind is kind and r.level == 1 and r.access is access
    leaf = t.get(4, index_of(VA, 1))
    assert not leaf & (A | D), "a faulting access must not set the leaf's A/D"
    assert t.get(3, index_of(VA, 2)) & A, "the upper levels were used, so their A is set"
    assert [e.level for e in events if isinstance(e, AdUpdate)] == [4, 3, 2]


@pytest.mark.parametrize("level_without", [4, 3, 2, 1])
def test_rights_combine_by_and_over_the_levels(level_without):
    """R/W and U/S must be set at every level: clearing either at any one level forbids it."""
    t = Tables()
    t.path(VA)
    page = {4: 1, 3: 2, 2: 3, 1: 4}[level_without]
    idx = index_of(VA, level_without)
    t.set(page, idx, t.get(page, idx) & ~RW)
    r, _ = t.walk(VA, Access.WRITE)
    assert isinstance(r, Fault) and r.kind is FaultKind.WRITE_PROTECT
    r, _ = t.walk(VA, Access.READ)
    assert isinstance(r, Translation) and not r.writable
    t.set(page, idx, (t.get(page, idx) | RW) & ~US)
    r, _ = t.walk(VA, Access.READ, user=True)
    assert isinstance(r, Fault) and r.kind is FaultKind.USER
    r, _ = t.walk(VA, Access.WRITE, user=False)  # supervisor: U/S does not matter (and W is back)
    assert isinstance(r, Translation)


@pytest.mark.parametrize("level_with", [4, 3, 2, 1])
def test_nx_combines_by_or_over_the_levels(level_with):
    t = Tables()
    t.path(VA)
    r, _ = t.walk(VA, Access.EXEC)
    assert isinstance(r, Translation) and r.executable
    page = {4: 1, 3: 2, 2: 3, 1: 4}[level_with]
    idx = index_of(VA, level_with)
    t.set(page, idx, t.get(page, idx) | NX)
    r, _ = t.walk(VA, Access.EXEC)
    assert isinstance(r, Fault) and r.kind is FaultKind.NO_EXEC
    r, _ = t.walk(VA, Access.READ)
    assert isinstance(r, Translation) and not r.executable


def test_supervisor_writes_honour_read_only_pages():
    """CR0.WP=1, as every modern kernel runs: R/W binds the supervisor too."""
    t = Tables()
    t.path(VA, leaf_flags=P | US)
    r, _ = t.walk(VA, Access.WRITE, user=False)
    assert isinstance(r, Fault) and r.kind is FaultKind.WRITE_PROTECT


def test_a_2mib_page_ends_the_walk_at_level_2():
    t = Tables()
    va = 0x4000_0000 + 0x12_3456  # PD index 0, offset 0x123456 in the 2 MiB page
    t.set(1, index_of(va, 4), (2 << 12) | USER_RW)
    t.set(2, index_of(va, 3), (3 << 12) | USER_RW)
    t.set(3, index_of(va, 2), 0x60_0000 | USER_RW | PS)
    r, events = t.walk(va, Access.WRITE)
    assert isinstance(r, Translation) and r.level == 2
    assert r.address == 0x60_0000 | 0x12_3456
    assert len([e for e in events if isinstance(e, WalkRef)]) == 3
    assert t.get(3, index_of(va, 2)) & (A | D) == A | D, "the PS leaf gets A and D"
    assert not t.get(2, index_of(va, 3)) & D


def test_a_1gib_page_ends_the_walk_at_level_3():
    t = Tables()
    va = (5 << 30) | 0x2345_6789
    t.set(1, index_of(va, 4), (2 << 12) | USER_RW)
    t.set(2, index_of(va, 3), (1 << 30) | USER_RW | PS)
    r, events = t.walk(va)
    assert isinstance(r, Translation) and r.level == 3
    assert r.address == (1 << 30) | 0x2345_6789
    assert len([e for e in events if isinstance(e, WalkRef)]) == 2
    assert peek(t.q, 1 << 12, va, X86) == r.address


def test_frame_bits_above_51_and_available_bits_are_not_part_of_the_address():
    t = Tables()
    t.path(VA, leaf_flags=USER_RW | (0x7F << 52) | (0x7 << 9))
    r, _ = t.walk(VA)
    assert r.address == (0x20 << 12) | 0xABC


def test_set_ad_false_and_no_record_list_leave_no_trace():
    t = Tables()
    t.path(VA)
    before = t.img.copy()
    r = walk(t.q, 1 << 12, VA, Access.WRITE, X86, Stage.GUEST, Walker.CPU, None, 40, set_ad=False)
    assert isinstance(r, Translation)
    assert np.array_equal(before, t.img)


def test_table_to_ma_relocates_each_table_read_and_can_fault():
    """How the nested walk plugs in: table addresses are gPAs, translated before each read."""
    t = Tables()
    # the guest believes its tables are at gPPN 1..4; they really are at pages 11..14
    for level, (g, nxt) in zip((4, 3, 2), ((1, 2), (2, 3), (3, 4)), strict=True):
        t.set(g + 10, index_of(VA, level), (nxt << 12) | USER_RW)
    t.set(14, index_of(VA, 1), (0x20 << 12) | USER_RW)
    calls = []

    def to_ma(gpa, level):
        calls.append((gpa, level))
        return gpa + (10 << 12)
    r, events = t.walk(VA, table_to_ma=to_ma)
    assert isinstance(r, Translation) and r.address == (0x20 << 12) | 0xABC
    assert calls == [(1 << 12, 4), (2 << 12, 3), (3 << 12, 2), (4 << 12, 1)]
    assert [e.table for e in events if isinstance(e, WalkRef)] == [1 << 12, 2 << 12, 3 << 12, 4 << 12]
    assert t.get(12, index_of(VA, 3)) & A, "A/D are written at the relocated address"
    stop = Fault(FaultKind.NOT_PRESENT, Stage.NESTED, 2, 3 << 12, Access.READ, True)
    r, events = t.walk(VA, table_to_ma=lambda gpa, level: stop if level == 2 else gpa + (10 << 12))
    assert r is stop
    assert len([e for e in events if isinstance(e, WalkRef)]) == 2


# -- EPT format -----------------------------------------------------------------------------------
def ept_path(t: Tables, gpa: int, leaf_mpn: int, leaf_bits: int, upper: int = EPT_R | EPT_W | EPT_X):
    for level, (page, nxt) in zip((4, 3, 2), ((1, 2), (2, 3), (3, 4)), strict=True):
        t.set(page, index_of(gpa, level), (nxt << 12) | upper)
    t.set(4, index_of(gpa, 1), (leaf_mpn << 12) | leaf_bits)


def test_ept_read_write_execute_bits():
    gpa = 0x3_4567
    t = Tables()
    ept_path(t, gpa, 0x21, EPT_R | EPT_X | EPT_MT_WB)  # a shared page: not writable
    r, events = t.walk(gpa, Access.READ, fmt=EPT, user=False)
    assert isinstance(r, Translation) and r.address == (0x21 << 12) | 0x567
    assert not r.writable and r.executable
    r, _ = t.walk(gpa, Access.WRITE, fmt=EPT, user=False)
    assert isinstance(r, Fault) and r.kind is FaultKind.WRITE_PROTECT
    # X clear forbids execution; an entry with none of R/W/X is not present
    t.set(4, index_of(gpa, 1), (0x21 << 12) | EPT_R | EPT_W)
    r, _ = t.walk(gpa, Access.EXEC, fmt=EPT, user=False)
    assert isinstance(r, Fault) and r.kind is FaultKind.NO_EXEC
    t.set(4, index_of(gpa, 1), (0x21 << 12) | EPT_MT_WB)
    r, _ = t.walk(gpa, Access.READ, fmt=EPT, user=False)
    assert isinstance(r, Fault) and r.kind is FaultKind.NOT_PRESENT and r.level == 1


def test_ept_rights_combine_over_levels_and_no_a_d_is_written():
    gpa = 0x3_4567
    t = Tables()
    ept_path(t, gpa, 0x21, EPT_R | EPT_W | EPT_X | EPT_MT_WB, upper=EPT_R | EPT_X)
    before = t.img.copy()
    r, events = t.walk(gpa, Access.WRITE, fmt=EPT, user=False)
    assert isinstance(r, Fault) and r.kind is FaultKind.WRITE_PROTECT
    r, events = t.walk(gpa, Access.READ, fmt=EPT, user=False)
    assert isinstance(r, Translation) and r.dirty, "formats without A/D report dirty"
    assert np.array_equal(before, t.img) and not [e for e in events if isinstance(e, AdUpdate)]


def test_ept_large_page():
    gpa = 0x20_0000 + 0x1_2345
    t = Tables()
    t.set(1, index_of(gpa, 4), (2 << 12) | 7)
    t.set(2, index_of(gpa, 3), (3 << 12) | 7)
    t.set(3, index_of(gpa, 2), 0x40_0000 | EPT_R | EPT_W | EPT_X | EPT_PS)
    r, _ = t.walk(gpa, Access.WRITE, fmt=EPT, user=False)
    assert isinstance(r, Translation) and r.level == 2 and r.address == 0x40_0000 | 0x1_2345


def test_peek_agrees_with_walk_and_touches_nothing():
    t = Tables()
    t.path(VA)
    t.path(0x400000, tables=(1, 5, 6, 7), leaf=0x30)
    before = t.img.copy()
    assert peek(t.q, 1 << 12, VA, X86) == (0x20 << 12) | 0xABC
    assert peek(t.q, 1 << 12, 0x400123, X86) == (0x30 << 12) | 0x123
    assert peek(t.q, 1 << 12, 0x401000, X86) is None
    assert peek(t.q, 1 << 12, 0x1000_0000_0000, X86) is None
    assert np.array_equal(before, t.img)


def test_decode_entry():
    assert decode_entry(0) == "not present"
    assert decode_entry((0x1234 << 12) | P | RW | US | A | D | NX) == "P RW US A D NX frame=0x1234"
    assert decode_entry((0x42 << 12) | EPT_R | EPT_X | EPT_MT_WB, EPT) == "R X MT=6 frame=0x42"
    assert decode_entry(0x1000, X86) == "not present (0x1000)"
