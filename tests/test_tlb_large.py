"""Issue 12: the TLB's 2 MiB entries — a separate array, filled by a translation that is 2 MiB in
every dimension, answering every 4 KiB page in it, and dropped by every flush rule."""
from __future__ import annotations

import pytest

from visualizer.engine import Mode, ScenarioError, load_scenario_text
from visualizer.engine.events import TlbFill, TlbFlush, TlbLookup
from visualizer.engine.tlb import Tlb, TlbEntry, tlb_key

X = 0x40000000  # a 2 MiB-aligned region


def scenario(guest_large=True, ept_large=True, trace="", tlb="", vpid=True, pcid=True, procs='["p1"]'):
    return load_scenario_text(f"""
seed = 5
mode = "nested"
[machine]
memory = "32MiB"
[tlb]
vpid = {str(vpid).lower()}
pcid = {str(pcid).lower()}
{tlb}
[nested]
large_pages = {str(ept_large).lower()}
[[vm]]
name = "VM1"
memory = "8MiB"
processes = {procs}
large_pages = {str(guest_large).lower()}
{trace}
""", "t")


def op(kind, gva=None, **kw):
    s = f'[[trace]]\nop = "{kind}"\nvm = "VM1"\nprocess = "{kw.pop("process", "p1")}"\n'
    if gva is not None:
        s += f"gva = 0x{gva:x}\n"
    for k, v in kw.items():
        s += f"{k} = {v}\n"
    return s


def run(sc, mode):
    m = sc.machine(mode)
    return m, [m.execute(o, i) for i, o in enumerate(sc.trace)]


def fills(steps):
    return [e for s in steps for e in s.events if e.__class__ is TlbFill]


def lookups(step):
    return [e.hit for e in step.events if e.__class__ is TlbLookup]


# one write maps the 2 MiB page (and backs it), then every 4 KiB page of it is read once
TOUCH_512 = op("write", X + 0x10, value=3) + "".join(op("read", X + i * 0x1000 + 8 * (i % 7)) for i in range(512))


@pytest.mark.parametrize("mode", [Mode.NATIVE, Mode.NESTED])
def test_a_2mib_page_touched_at_512_offsets_misses_once(mode):
    sc = scenario(trace=TOUCH_512)
    m, steps = run(sc, mode)
    f = fills(steps)
    assert len(f) == 1 and f[0].large
    assert all(lookups(s) == [True] for s in steps[1:]), "every 4 KiB page of the 2 MiB page hits"
    c = m.counters["VM1"]
    assert (c.tlb_misses, c.tlb_hits) == (1, 512)
    # the values and addresses are those of each 4 KiB part
    assert all(s.gpa >> 12 == (steps[0].gpa >> 12) + i for i, s in enumerate(steps[1:]))
    assert all(s.ma == m.views.gpa_to_ma("VM1", s.gpa) for s in steps)
    [(_s, _v, _p, gvpn, e)] = m.tlb.contents()
    assert e.large and gvpn == X >> 12 and e.gppn == steps[0].gpa >> 12 & ~0x1FF


@pytest.mark.parametrize("mode", [Mode.NATIVE, Mode.NESTED])
def test_bulk_equals_step_with_2mib_entries(mode):
    sc = scenario(trace=TOUCH_512 + op("write", X + 0x5000, value=9) + op("invlpg", X + 0x1FF000) +
                  "".join(op("read", X + i * 0x3000) for i in range(150)))
    ms, _ = run(sc, mode)
    mb = sc.machine(mode)
    mb.run_bulk(sc.trace)
    assert mb.totals().as_dict() == ms.totals().as_dict()
    assert mb.mem.image.tobytes() == ms.mem.image.tobytes()
    assert mb.tlb.contents() == ms.tlb.contents()
    assert mb.totals().tlb_hits > 500


def test_shadow_mode_fills_4kib_entries_under_a_guest_2mib_page():
    m, steps = run(scenario(trace=TOUCH_512), Mode.SHADOW)
    assert not any(f.large for f in fills(steps))
    assert m.counters["VM1"].tlb_misses >= 512


@pytest.mark.parametrize("guest_large,ept_large", [(True, False), (False, True), (False, False)])
def test_nested_fills_4kib_entries_unless_2mib_in_both_dimensions(guest_large, ept_large):
    m, steps = run(scenario(guest_large, ept_large, trace=op("write", X, value=1) + op("read", X + 0x1000)),
                   Mode.NESTED)
    assert [f.large for f in fills(steps)] == [False, False]
    assert lookups(steps[1]) == [False, True] or lookups(steps[1])[0] is False
    assert all(not e.large for *_x, e in m.tlb.contents())


@pytest.mark.parametrize("mode", [Mode.NATIVE, Mode.NESTED])
@pytest.mark.parametrize("page", [0, 5, 511])
def test_invlpg_of_any_address_in_it_drops_the_2mib_entry(mode, page):
    sc = scenario(trace=op("write", X, value=1) + op("invlpg", X + page * 0x1000 + 0x18) + op("read", X + 0x7000))
    m, steps = run(sc, mode)
    [fl] = [e for e in steps[1].events if e.__class__ is TlbFlush]
    assert fl.removed == 1
    assert lookups(steps[2])[0] is False and fills(steps[2:])[0].large


def test_invlpg_outside_the_2mib_page_keeps_it():
    sc = scenario(trace=op("write", X, value=1) + op("write", X + 0x200000, value=2) + op("invlpg", X + 0x200000) +
                  op("read", X + 0x9000))
    _m, steps = run(sc, Mode.NESTED)
    assert lookups(steps[3]) == [True]


def test_cr3_load_without_pcid_and_no_vpid_flush_the_2mib_entries():
    sc = scenario(pcid=False, procs='["p1", "p2"]',
                  trace=op("write", X, value=1) + op("switch", process="p2") + op("switch", process="p1") +
                  op("read", X + 0x2000))
    _m, steps = run(sc, Mode.NESTED)
    assert any(e.__class__ is TlbFlush and e.removed == 1 for e in steps[1].events)
    assert lookups(steps[3])[0] is False
    # without VPID every VM exit flushes: a share's INVEPT path aside, a plain exit suffices
    sc = scenario(vpid=False, trace=op("write", X, value=1) + op("read", X + 0x3000))
    m, steps = run(sc, Mode.NESTED)
    assert lookups(steps[1]) == [True]
    assert m.tlb.flush_all() == 1 and len(m.tlb) == 0 and not m.tlb.large_used


def test_invept_after_swapping_a_part_drops_the_2mib_entry():
    sc = scenario(trace=op("write", X, value=1) + '[[trace]]\nop = "swap_out"\nvm = "VM1"\nprocess = "p1"\n'
                  f"gva = 0x{X + 0x4000:x}\n" + op("read", X + 0x8000))
    m, steps = run(sc, Mode.NESTED)
    assert any(e.__class__ is TlbFlush and e.reason.value == "INVEPT" and e.removed == 1 for e in steps[1].events)
    # the EPT leaf was split: the page is now backed by 4 KiB EPT entries, so a 4 KiB entry fills
    assert lookups(steps[2])[0] is False and not fills(steps[2:])[0].large


def test_tlb_unit_flush_rules_apply_to_both_arrays():
    t = Tlb(8, 2, 4, 4)
    e = TlbEntry(0x200, True, True, False, 0x400, True)
    for vpid, pcid in ((1, 1), (1, 2), (2, 1)):
        t.insert_2m(tlb_key(0x40005, pcid, vpid), e, range(0x200, 0x400))
    assert len(t) == 3
    hit = t.lookup(tlb_key(0x40007, 1, 1))
    assert hit.large and hit.mpn == 0x207 and hit.gppn == 0x407
    assert t.lookup(tlb_key(0x40207, 1, 1)) is None  # the next 2 MiB page
    assert t.flush_page(1, 0x401FF, 2) == 1 and len(t) == 2  # INVLPG: that PCID only
    assert t.flush_pcid(1, 1) == 1 and t.flush_vpid(2) == 1 and len(t) == 0
    t.insert_2m(tlb_key(0x40005, 1, 1), e, range(0x200, 0x400))
    assert t.flush_page(1, 0x40000) == 1  # INVVPID individual-address: every PCID
    # a 4 KiB entry of the same page gives way to the 2 MiB entry; eviction is LRU per set
    t.insert(tlb_key(0x40005, 1, 1), TlbEntry(1, False, False, False, 2))
    t.insert_2m(tlb_key(0x40005, 1, 1), e, range(0x200, 0x400))
    assert len(t) == 1 and t.lookup(tlb_key(0x40005, 1, 1)).large
    t = Tlb(8, 2, 4, 2)
    t.insert_2m(tlb_key(0x40005, 1, 1), e, range(0x200, 0x400))
    assert t.insert_2m(tlb_key(0x80000, 1, 1), e, range(512)) is None
    assert t.insert_2m(tlb_key(0xC0000, 1, 1), e, range(512)) == tlb_key(0x40000, 1, 1)  # 2 ways, set 0
    c = t.copy()
    assert c.contents() == t.contents() and c.large_used


def test_scenario_sizes_of_the_2mib_array():
    m = scenario(tlb="entries_2m = 8\nways_2m = 2").machine(Mode.NESTED)
    assert (m.tlb.entries_2m, m.tlb.ways_2m, m.tlb.nsets_2m) == (8, 2, 4)
    assert (m.tlb.entries_2m, m.tlb.ways_2m) == (8, 2)
    d = scenario().machine(Mode.NESTED).tlb
    assert (d.entries_2m, d.ways_2m) == (32, 4)
    with pytest.raises(ScenarioError, match="entries_2m"):
        scenario(tlb="entries_2m = 6\nways_2m = 4")


def test_tlb_table_shows_the_page_size():
    from visualizer.render.tables import tlb_table
    m, _ = run(scenario(trace=op("write", X, value=1) + op("write", X + 0x400000, value=1)), Mode.NESTED)
    m2, _ = run(scenario(False, False, trace=op("write", X, value=1)), Mode.NESTED)
    df = tlb_table(m, "en")
    assert list(df["page size"]) == ["2 MiB", "2 MiB"]
    assert list(tlb_table(m2, "en")["page size"]) == ["4 KiB"]
    assert list(tlb_table(m, "de")["Seitengröße"]) == ["2 MiB", "2 MiB"]
