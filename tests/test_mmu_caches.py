"""Issue 12: large pages (guest THP, EPT 2 MiB backing), MMU caches (paging-structure caches,
nested TLB) and what they do to the references of a walk."""
from __future__ import annotations

import pytest

from visualizer.engine import Mode, load_scenario_text
from visualizer.engine.events import PageState, WalkCacheHit, WalkRef, Walker
from visualizer.engine.paging import EPT_PS, PS

X = 0x40000000  # 1 GiB: a 2 MiB-aligned region


def scenario(guest_large=False, ept_large=False, pwc=False, ntlb=False, trace="", extra=""):
    return load_scenario_text(f"""
seed = 3
mode = "nested"
[machine]
memory = "32MiB"
[nested]
large_pages = {str(ept_large).lower()}
[mmu]
pwc = {str(pwc).lower()}
nested_tlb = {str(ntlb).lower()}
[[vm]]
name = "VM1"
memory = "8MiB"
processes = ["p1"]
large_pages = {str(guest_large).lower()}
{extra}
{trace}
""", "t")


def op(kind, gva=None, **kw):
    s = f'[[trace]]\nop = "{kind}"\nvm = "VM1"\nprocess = "p1"\n'
    if gva is not None:
        s += f"gva = 0x{gva:x}\n"
    for k, v in kw.items():
        s += f"{k} = {v}\n"
    return s


def run(sc, mode=Mode.NESTED):
    m = sc.machine(mode)
    return m, [m.execute(o, i) for i, o in enumerate(sc.trace)]


def cpu_refs(step):
    return sum(1 for e in step.events if e.__class__ is WalkRef and e.walker is Walker.CPU)


# one TLB miss after the page is mapped and backed: write, INVLPG, read
ONE_MISS = op("write", X + 0x3000, value=7) + op("invlpg", X + 0x3000) + op("read", X + 0x3000)


@pytest.mark.parametrize("guest_large,ept_large,refs", [(False, False, 24), (True, False, 19),
                                                        (False, True, 19), (True, True, 15)])
def test_nested_tlb_miss_references_with_caches_off(guest_large, ept_large, refs):
    sc = scenario(guest_large, ept_large, trace=ONE_MISS)
    m, steps = run(sc)
    last = steps[-1]
    assert last.tlb.value == "miss" and last.value == 7
    assert last.walk_refs == refs == cpu_refs(last)
    # what makes the difference: a 2 MiB guest leaf (PD with PS) / a 2 MiB EPT leaf
    assert any(e.__class__ is WalkRef and e.level == 2 and e.stage.value == "guest" and e.entry & PS
               for e in last.events) == guest_large
    assert any(e.__class__ is WalkRef and e.level == 2 and e.stage.value == "nested" and e.entry & EPT_PS
               for e in last.events) == ept_large


def test_csv_walk_refs_column_for_one_miss(tmp_path):
    from visualizer.cli import main
    import io
    for (gl, el), refs in {(False, False): 24, (True, False): 19, (False, True): 19, (True, True): 15}.items():
        p = tmp_path / f"s{gl}{el}.toml"
        p.write_text(scenario(gl, el, trace=ONE_MISS).source)
        csv = tmp_path / "out.csv"
        assert main(["run", str(p), "--mode", "nested", "--csv", str(csv)], io.StringIO()) in (0, None)
        rows = csv.read_text().splitlines()
        head = rows[0].split(",")
        assert rows[-1].split(",")[head.index("walk_refs")] == str(refs)


def test_neighbour_of_a_just_walked_page_with_both_caches():
    trace = (op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("invlpg", X) +
             op("invlpg", X + 0x1000) + op("read", X) + op("read", X + 0x1000))
    for pwc, ntlb, most in ((True, True, 5), (False, False, 24)):
        m, steps = run(scenario(pwc=pwc, ntlb=ntlb, trace=trace))
        assert steps[-1].tlb.value == "miss" and steps[-1].value == 2
        assert steps[-1].walk_refs <= most if pwc else steps[-1].walk_refs == 24
    hits = [e for e in steps[-1].events if e.__class__ is WalkCacheHit]
    assert not hits
    m, steps = run(scenario(pwc=True, ntlb=True, trace=trace))
    hits = [e for e in steps[-1].events if e.__class__ is WalkCacheHit]
    assert hits[0].cache == "pde" and hits[0].skipped == (4, 3, 2)
    assert any(h.cache == "ntlb" for h in hits)


def test_pwc_in_shadow_and_native_skip_upper_levels():
    # a one-entry TLB: each access evicts the other page's entry; the shadow keeps both
    trace = op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("read", X) + op("read", X + 0x1000)
    for mode in (Mode.SHADOW, Mode.NATIVE):
        for pwc, refs in ((True, 1), (False, 4)):
            m, steps = run(scenario(pwc=pwc, trace=trace, extra="[tlb]\nentries = 1\nways = 1\n"), mode)
            assert [s.tlb.value for s in steps[-2:]] == ["miss", "miss"] and steps[-1].value == 2
            assert steps[-2].walk_refs == steps[-1].walk_refs == refs, mode
            hits = [e for e in steps[-1].events if e.__class__ is WalkCacheHit]
            assert [(h.cache, h.skipped) for h in hits] == ([("pde", (4, 3, 2))] if pwc else [])


def test_nested_tlb_survives_cr3_load_and_invlpg_but_not_invept():
    trace = (op("write", X, value=1) + op("invlpg", X) + op("read", X) + op("invlpg", X) + op("read", X))
    m, steps = run(scenario(ntlb=True, trace=trace))
    # second read: every gPA (4 guest tables + data) from the nested TLB: 4 guest references
    assert steps[-1].walk_refs == 4
    assert sum(1 for e in steps[-1].events if e.__class__ is WalkCacheHit and e.cache == "ntlb") == 5
    # INVEPT (swap-out of the page) empties the VM's nested TLB
    m._invept(("VM1",), [])
    assert not m.tlb.caches.ntlb


def test_guest_large_page_split_on_unmap_and_protect_every_mode():
    trace = (op("write", X + 0x5000, value=5) + op("read", X + 0x6000) + op("unmap", X + 0x6000) +
             op("protect", X + 0x7000) + op("read", X + 0x5000) + op("write", X + 0x8000, value=8))
    sc = scenario(guest_large=True, trace=trace)
    results = {}
    for mode in Mode:
        m, steps = run(sc, mode)
        leaves, _ = m.views.guest_tables("VM1", "p1")
        assert len(leaves) == 511  # split: 512 PTEs, one unmapped
        assert all(not pte & PS for _, _, pte in leaves)
        results[mode] = [(s.value, s.gpa) for s in steps]
    assert len(set(map(tuple, results.values()))) == 1  # the guest cannot tell the modes apart


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_split_flushes_the_whole_2mib_range(mode):
    """Linux's split_huge_pmd flushes the 2 MiB range (more pages than tlb_single_page_flush_ceiling:
    the whole address space), not the one page unmapped: no TLB entry of another part survives,
    so the next access to it walks the new tables (setting their A bits, as hardware does)."""
    from visualizer.engine.events import GuestAction, GuestActionKind, TlbLookup
    trace = op("read", X + 0x5000) + op("read", X + 0x6000) + op("unmap", X + 0x6000) + op("read", X + 0x5000)
    m, steps = run(scenario(guest_large=True, trace=trace), mode)
    kinds = [e.kind for e in steps[2].events if e.__class__ is GuestAction]
    assert GuestActionKind.FLUSH_TLB_MM in kinds
    assert [e.hit for e in steps[3].events if e.__class__ is TlbLookup][0] is False
    assert cpu_refs(steps[3]) > 0


def test_shadow_mode_maps_guest_2mib_pages_with_4kib_entries():
    trace = op("write", X + 0x5000, value=5) + op("read", X + 0x1FF000) + op("read", X + 0x5000)
    m, steps = run(scenario(guest_large=True, trace=trace), Mode.SHADOW)
    assert steps[-1].value == 5
    gvas = {gva for _, gva, _, _ in m.shadow.leaves("VM1")}
    assert {X + 0x5000, X + 0x1FF000} <= gvas


def test_ept_large_backing_breaks_on_share_and_swap():
    trace = (op("write", X, value=0) + op("write", X + 0x1000, value=0) + op("write", X + 0x2000, value=3))
    sc = scenario(ept_large=True, trace=trace)
    m, steps = run(sc)
    vm = m.vms["VM1"]
    assert vm.pmap.large  # the data pages' block is backed by one 2 MiB machine page
    block = next(iter(vm.pmap.large))
    base = vm.pmap.mpn[block << 9]
    assert base % 512 == 0 and all(vm.pmap.mpn[(block << 9) + i] == base + i for i in range(512))
    g = m.views.guest_translate("VM1", "p1", X + 0x2000) >> 12
    from visualizer.engine.ops import Op, OpKind
    m.execute(Op(OpKind.SWAP_OUT, "VM1", "p1", X + 0x2000))
    assert block not in vm.pmap.large and vm.pmap.state[g] is PageState.SWAPPED
    assert m.execute(Op(OpKind.READ, "VM1", "p1", X + 0x2000)).value == 3
    free = m.mem.free_count
    assert free == m.mem.frames - len(m.mem.used)
