"""Issue 12: large pages (guest THP, EPT 2 MiB backing), MMU caches (paging-structure caches,
nested TLB) and what they do to the references of a walk."""
from __future__ import annotations

import pytest

from visualizer.engine import Mode, load_scenario_text
from visualizer.engine.events import PageState, WalkCache, WalkCacheHit, WalkRef, Walker
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


def design_scenario(design, pwc=True, ntlb=False, trace="", **kw):
    sc = scenario(pwc=pwc, ntlb=ntlb, trace=trace, **kw)
    return load_scenario_text(sc.source.replace("[mmu]\n", f'[mmu]\ndesign = "{design}"\n'), "t")


NEIGHBOUR = (op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("invlpg", X) +
             op("invlpg", X + 0x1000) + op("read", X) + op("read", X + 0x1000))


def hits_of(step):
    return [e for e in step.events if e.__class__ is WalkCacheHit]


@pytest.mark.parametrize("ntlb,refs", [(False, 5), (True, 1)])
def test_intel_combined_pde_hit_leaves_the_pte_and_the_data_gpas_nested_walk(ntlb, refs):
    """SDM Vol. 3C §29.4.1: under EPT the PDE cache holds a *combined* mapping — the host-physical
    address of the guest page table — so a hit leaves the guest PTE read and the EPT walk of the
    data gPA: 1 + 4 = 5 references of 24 (19 saved). With the guest-physical mappings on, the
    data gPA's translation (cached when the page was first walked) spares that walk too."""
    m, steps = run(design_scenario("intel", ntlb=ntlb, trace=NEIGHBOUR))
    last = steps[-1]
    assert last.tlb.value == "miss" and last.value == 2
    assert last.walk_refs == refs == cpu_refs(last)
    hits = hits_of(last)
    assert hits[0].cache is WalkCache.PDE and hits[0].combined and hits[0].skipped == (4, 3, 2) and hits[0].saved == 19
    # the guest PTE is read right after the hit, at the page table's gPA, with no nested reference before it
    refs_ = [e for e in last.events if e.__class__ is WalkRef]
    assert refs_[0].stage.value == "guest" and refs_[0].level == 1
    assert [h.cache for h in hits[1:]] == ([WalkCache.GPA] if ntlb else [])
    assert last.walk_refs + sum(h.saved for h in hits) == 24


@pytest.mark.parametrize("pwc,ntlb,refs", [(True, False, 6), (False, True, 4), (True, True, 1)])
def test_amd_page_walk_cache_and_nested_tlb(pwc, ntlb, refs):
    """Bhargava et al.'s model: the page-walk cache finds upper-level entries by the machine
    address they are stored at, so each guest table still needs its machine address from the
    nested TLB or a nested walk (whose upper levels the page-walk cache holds); the nested TLB
    spares whole nested walks."""
    m, steps = run(design_scenario("amd", pwc=pwc, ntlb=ntlb, trace=NEIGHBOUR))
    last = steps[-1]
    assert last.tlb.value == "miss" and last.value == 2
    assert last.walk_refs == refs == cpu_refs(last)
    kinds = {h.cache for h in hits_of(last)}
    assert kinds == ({WalkCache.PWC} if pwc else set()) | ({WalkCache.NTLB} if ntlb else set())
    assert last.walk_refs + sum(h.saved for h in hits_of(last)) == 24


@pytest.mark.parametrize("design", ["intel", "amd"])
@pytest.mark.parametrize("mode", [Mode.NESTED, Mode.SHADOW, Mode.NATIVE], ids=lambda m: m.value)
def test_walk_references_plus_saved_is_the_cold_walk(design, mode):
    """Every reference a cache spares is counted once: a successful walk's references plus the
    saved ones of its cache hits are what the same walk costs with no caches."""
    trace = "".join(op("write", X + i * 0x1000, value=i) for i in range(6)) + \
        "".join(op("invlpg", X + i * 0x1000) + op("read", X + i * 0x1000) for i in range(6))
    cold = {Mode.NESTED: 24, Mode.SHADOW: 4, Mode.NATIVE: 4}[mode]
    m, steps = run(design_scenario(design, ntlb=True, trace=trace), mode)
    reads = [s for s in steps if s.op.kind.value == "read"]
    assert reads and all(s.value == i for i, s in enumerate(reads))
    from visualizer.engine.record import EpisodeKind
    for s in reads:
        last = [e for e in s.episodes if e.kind is EpisodeKind.WALK and e.reason is Walker.CPU][-1]
        events = s.events[last.start:last.end]
        refs = sum(1 for e in events if e.__class__ is WalkRef)
        assert refs + sum(e.saved for e in events if e.__class__ is WalkCacheHit) == cold


LINEAR = (WalkCache.PML4E, WalkCache.PDPTE, WalkCache.PDE)


def retry_walks(step):
    """The CPU walks of a step after its first fault, each as its events."""
    from visualizer.engine.record import EpisodeKind
    walks = [step.events[e.start:e.end] for e in step.episodes
             if e.kind is EpisodeKind.WALK and e.reason is Walker.CPU]
    return walks[1:]


@pytest.mark.parametrize("mode", [Mode.NESTED, Mode.SHADOW, Mode.NATIVE], ids=lambda m: m.value)
def test_a_page_fault_drops_the_linear_and_combined_entries_for_its_address(mode):
    """SDM Vol. 3A §4.10.4.1: a page fault invalidates the TLB entries and the PML4E/PDPTE/PDE-cache
    entries that would be used for the faulting linear address; the retry after the handler
    walks from the top. (Guest-physical mappings may still answer its nested walks.)"""
    from visualizer.engine.events import FlushReason, TlbFlush
    trace = op("write", X, value=1) + op("write", X + 0x1000, value=2)
    m, steps = run(design_scenario("intel", ntlb=True, trace=trace), mode)
    second = steps[-1]
    # the neighbour's first touch: the PDE cache answers the first walk, which finds no PTE
    first_walk = [e for e in second.events if e.__class__ is WalkCacheHit][0]
    assert first_walk.cache is WalkCache.PDE
    drop = [e for e in second.events if e.__class__ is TlbFlush and e.reason is FlushReason.PAGE_FAULT]
    assert drop and drop[0].caches == 3  # the PML4E, PDPTE and PDE entries for the address
    for walk_ in retry_walks(second):
        assert not any(e.__class__ is WalkCacheHit and e.cache in LINEAR for e in walk_)
    assert second.value == 2


def test_an_ept_violation_drops_the_combined_mappings_of_its_linear_address_and_its_gpas_mappings():
    """SDM Vol. 3C §29.4.3.1: an EPT violation invalidates the guest-physical mappings used for
    the faulting gPA and, where it came from translating a linear address, the combined mappings
    for that linear address — not the other addresses' entries."""
    from visualizer.engine.record import Record
    trace = op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("read", X) + op("read", X + 0x1000)
    m, steps = run(design_scenario("intel", ntlb=True, trace=trace))
    caches = m.tlb.caches
    vm = m.vms["VM1"]
    key = m.tlb_tag(vm, vm.guest.current) | (X >> 12)
    gpa = steps[0].gpa & ~0xFFF
    other_gpa = steps[1].gpa & ~0xFFF
    assert caches.gpa_lookup(vm.vpid, gpa >> 12) and caches.lin_lookup(key & ~0xFFFFFFFFF, X)
    rec = Record()
    m.mmu.ept_violation_invalidates(vm, gpa, key, rec)
    assert caches.gpa_lookup(vm.vpid, gpa >> 12) is None
    assert caches.lin_lookup(key & ~0xFFFFFFFFF, X) is None
    assert caches.gpa_lookup(vm.vpid, other_gpa >> 12) is not None  # another gPA's translation stays
    assert m.tlb.peek(key) is None and m.tlb.peek(key + 1) is not None  # the neighbour's TLB entry stays
    (flush,) = rec
    assert flush.reason.name == "EPT_VIOLATION" and flush.removed == 1 and flush.caches >= 4


def test_pwc_in_shadow_and_native_skip_upper_levels():
    # a one-entry TLB: each access evicts the other page's entry; the shadow keeps both
    trace = op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("read", X) + op("read", X + 0x1000)
    for mode in (Mode.SHADOW, Mode.NATIVE):
        for pwc, refs in ((True, 1), (False, 4)):
            m, steps = run(scenario(pwc=pwc, trace=trace, extra="[tlb]\nentries = 1\nways = 1\n"), mode)
            assert [s.tlb.value for s in steps[-2:]] == ["miss", "miss"] and steps[-1].value == 2
            assert steps[-2].walk_refs == steps[-1].walk_refs == refs, mode
            hits = [e for e in steps[-1].events if e.__class__ is WalkCacheHit]
            assert [(h.cache, h.skipped, h.combined) for h in hits] == \
                ([(WalkCache.PDE, (4, 3, 2), False)] if pwc else [])


@pytest.mark.parametrize("design,cache", [("intel", WalkCache.GPA), ("amd", WalkCache.NTLB)])
def test_gpa_translations_survive_cr3_load_and_invlpg_but_not_invept(design, cache):
    from visualizer.engine.record import Record
    trace = (op("write", X, value=1) + op("invlpg", X) + op("read", X) + op("invlpg", X) + op("read", X))
    m, steps = run(design_scenario(design, pwc=False, ntlb=True, trace=trace))
    # second read: every gPA (4 guest tables + data) from the translations: 4 guest references
    assert steps[-1].walk_refs == 4
    assert sum(1 for e in steps[-1].events if e.__class__ is WalkCacheHit and e.cache is cache) == 5
    # INVEPT (AMD: the TLB-control flush of the guest's ASID) empties the VM's translations
    m.mmu.invept(("VM1",), Record())
    assert len(m.tlb.caches) == 0


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


@pytest.mark.parametrize("design,ntlb,refs", [("intel", False, 5), ("intel", True, 1), ("amd", False, 6), ("amd", True, 1)])
def test_csv_walk_refs_of_a_neighbours_miss_with_the_caches(tmp_path, design, ntlb, refs):
    """The same counts from the command line's per-step CSV (SDM Vol. 3C §29.4.1 for Intel)."""
    from visualizer.cli import main
    import io
    p = tmp_path / "s.toml"
    p.write_text(design_scenario(design, ntlb=ntlb, trace=NEIGHBOUR).source)
    csv = tmp_path / "out.csv"
    assert main(["run", str(p), "--mode", "nested", "--csv", str(csv)], io.StringIO()) in (0, None)
    rows = csv.read_text().splitlines()
    head = rows[0].split(",")
    assert rows[-1].split(",")[head.index("walk_refs")] == str(refs)
