"""The TLB: sets and ways with LRU replacement, VPID/PCID tags, and the flush rules with tagging
on and off."""
from __future__ import annotations

import pytest

from helpers_invariants import BASE, INVLPG, PAGE, R, SWITCH, UNMAP, W, check_all, make_machine, of
from visualizer.engine import FlushReason, FlushScope, Mode, TlbFill, TlbFlush, TlbLookup
from visualizer.engine.tlb import Tlb, TlbEntry, tlb_key


def entry(mpn, gppn=None):
    return TlbEntry(mpn, True, True, True, gppn)


def test_geometry_is_validated():
    for entries, ways in ((0, 1), (6, 4), (4, 0)):
        with pytest.raises(ValueError):
            Tlb(entries, ways)
    t = Tlb(64, 4)
    assert t.nsets == 16 and len(t) == 0


def test_a_set_holds_ways_entries_and_evicts_the_least_recently_used():
    t = Tlb(8, 2)  # 4 sets of 2
    a, b, c = (tlb_key(g, 1, 1) for g in (0x10, 0x14, 0x18))  # all in set 0
    assert t.insert(a, entry(1)) is None and t.insert(b, entry(2)) is None
    assert t.lookup(a).mpn == 1         # a is now the most recently used
    assert t.insert(c, entry(3)) == b  # so b goes
    assert t.peek(b) is None and t.peek(a).mpn == 1 and t.peek(c).mpn == 3
    # other sets are unaffected by set 0's pressure
    d = tlb_key(0x11, 1, 1)
    assert t.insert(d, entry(4)) is None and len(t) == 3
    assert [(s, g) for s, _v, _p, g, _e in t.contents()] == [(0, 0x10), (0, 0x18), (1, 0x11)]


def test_peek_does_not_refresh_and_reinsert_does_not_evict():
    t = Tlb(2, 2)
    a, b, c = (tlb_key(g, 0, 0) for g in (1, 2, 3))
    t.insert(a, entry(1))
    t.insert(b, entry(2))
    t.peek(a)
    assert t.insert(a, entry(9)) is None and t.peek(a).mpn == 9  # refresh in place, a now newest
    assert t.insert(c, entry(3)) == b


def test_tags_separate_address_spaces_and_vms():
    t = Tlb(16, 4)
    keys = {(v, p): tlb_key(0x400, p, v) for v in (1, 2) for p in (1, 2)}
    for i, k in enumerate(keys.values()):
        t.insert(k, entry(i))
    assert len(t) == 4 and len({(k & 0xFFFFFFFFF) % t.nsets for k in keys.values()}) == 1
    assert t.flush_pcid(1, 2) == 1 and t.peek(keys[(1, 2)]) is None and t.peek(keys[(1, 1)]) is not None
    assert t.flush_vpid(2) == 2 and len(t) == 1
    t.insert(keys[(1, 2)], entry(5))
    t.insert(tlb_key(0x401, 1, 1), entry(6))
    assert t.flush_page(1, 0x400, 2) == 1, "INVLPG drops the page of the current PCID only"
    t.insert(keys[(1, 2)], entry(5))
    assert t.flush_page(1, 0x400) == 2, "INVVPID individual-address drops the page in every PCID of the VPID"
    assert [g for _s, _v, _p, g, _e in t.contents()] == [0x401]


def test_flush_by_vpid_keeps_other_vms_and_flush_all():
    t = Tlb(16, 4)
    t.insert(tlb_key(1, 1, 1), entry(10, gppn=7))
    t.insert(tlb_key(2, 2, 1), entry(11, gppn=7))
    t.insert(tlb_key(3, 1, 2), entry(12, gppn=7))  # another VM's gPPN 7
    t.insert(tlb_key(4, 1, 1), entry(13, gppn=8))
    assert t.flush_vpid(1) == 3 and len(t) == 1
    assert t.flush_all() == 1 and len(t) == 0


# -- the machine's use of the TLB -----------------------------------------------------------------
TWO = (("VM1", 16, ("p1", "p2")), ("VM2", 16, ("p1",)))


def warm(m):
    for vm, p in (("VM1", "p1"), ("VM1", "p2"), ("VM2", "p1")):
        m.execute(W(vm, p, BASE, 1))


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("pcid", [True, False], ids=["pcid", "no-pcid"])
def test_cr3_load_flushes_only_without_pcid(mode, pcid):
    m = make_machine(mode, vms=TWO, frames=128, pcid=pcid)
    warm(m)
    m.execute(SWITCH("VM1", "p1"))
    m.execute(R("VM1", "p1", BASE))
    step = m.execute(SWITCH("VM1", "p2"))
    flushes = [f for f in of(step, TlbFlush) if f.scope is FlushScope.ADDRESS_SPACE]
    back = m.execute(SWITCH("VM1", "p1"))
    again = m.execute(R("VM1", "p1", BASE))
    if pcid:
        assert not flushes and again.tlb == "hit"
        assert of(again, TlbLookup)[0].pcid == m.vms["VM1"].guest.processes["p1"].pcid
    else:
        assert len(flushes) == 1 and flushes[0].reason is FlushReason.CR3_NO_PCID and flushes[0].removed >= 1
        assert again.tlb == "miss" and of(again, TlbLookup)[0].pcid == 0
        assert of(back, TlbFlush)
    check_all(m)


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED], ids=lambda m: m.value)
@pytest.mark.parametrize("vpid", [True, False], ids=["vpid", "no-vpid"])
def test_vm_switch_flushes_everything_only_without_vpid(mode, vpid):
    m = make_machine(mode, vms=TWO, frames=128, vpid=vpid)
    warm(m)
    m.execute(R("VM1", "p2", BASE))
    step = m.execute(R("VM2", "p1", BASE))
    flush = [f for f in of(step, TlbFlush) if f.scope is FlushScope.ALL]
    again = m.execute(R("VM1", "p2", BASE))
    if vpid:
        assert not flush and again.tlb == "hit"
        assert {v for _s, v, _p, _g, _e in m.tlb.contents()} == {1, 2}
    else:
        assert len(flush) == 1 and flush[0].reason is FlushReason.VM_SWITCH_NO_VPID
        assert again.tlb == "miss" and of(again, TlbLookup)[0].vpid == 0
        assert {v for _s, v, _p, _g, _e in m.tlb.contents()} == {0}
    check_all(m)


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_invlpg_drops_one_page(mode):
    m = make_machine(mode, vms=TWO, frames=128)
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(W("VM1", "p1", BASE + PAGE, 1))
    before = len(m.tlb)
    step = m.execute(INVLPG("VM1", "p1", BASE))
    (f,) = [f for f in of(step, TlbFlush) if f.reason is FlushReason.INVLPG]
    assert f.scope is FlushScope.PAGE and f.removed == 1 and len(m.tlb) == before - 1
    assert m.execute(R("VM1", "p1", BASE)).tlb == "miss"
    assert m.execute(R("VM1", "p1", BASE + PAGE)).tlb == "hit"


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_unmap_leaves_no_stale_translation(mode):
    m = make_machine(mode, vms=TWO, frames=128)
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(UNMAP("VM1", "p1", BASE))
    assert not [e for e in m.tlb.contents() if e[3] == BASE >> 12]
    step = m.execute(R("VM1", "p1", BASE))
    assert step.tlb == "miss" and step.value == 0, "a fresh demand-zero page, not the old one"
    check_all(m)


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_a_working_set_beyond_one_set_thrashes_with_lru(mode):
    """Direct-mapped sets of 1 way (4 entries): pages 0 and 4 share set 0 and evict each other."""
    m = make_machine(mode, vms=(("VM1", 32, ("p1",)),), frames=128, tlb_entries=4, tlb_ways=1)
    base = BASE  # gVPN 0x400: set 0
    for i in (0, 4):
        m.execute(W("VM1", "p1", base + i * PAGE, i))
    results = []
    for _ in range(3):
        for i in (0, 4):
            step = m.execute(R("VM1", "p1", base + i * PAGE))
            results.append(step.tlb)
            fills = of(step, TlbFill)
            assert [f.evicted for f in fills] == [(base >> 12) + (4 - i)]
    assert results == ["miss"] * 6
    # pages 0..3 fit (one per set): all hits the second time round
    for i in range(4):
        m.execute(R("VM1", "p1", base + i * PAGE))
    assert [m.execute(R("VM1", "p1", base + i * PAGE)).tlb for i in range(4)] == ["hit"] * 4


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_a_write_after_a_read_misses_until_the_entry_is_dirty(mode):
    """The TLB caches the D bit: a write through a clean entry goes back to the walker (which
    sets D), as hardware does; then writes hit."""
    m = make_machine(mode, vms=(("VM1", 16, ("p1",)),), frames=64)
    m.execute(R("VM1", "p1", BASE))
    (fill,) = [f for f in m.tlb.contents() if f[3] == BASE >> 12]
    assert not fill[4].dirty
    assert m.execute(W("VM1", "p1", BASE, 1)).tlb == "miss"
    assert m.execute(W("VM1", "p1", BASE, 2)).tlb == "hit"
    assert m.execute(R("VM1", "p1", BASE)).value == 2
