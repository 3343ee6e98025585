"""The walk grid renderer (render/walkgrid.py): cells per reference, cache and large page, in each MMU design."""
from __future__ import annotations

from dataclasses import replace
from html import unescape

import pytest

from test_mmu_caches import ONE_MISS, X, op, run, scenario
from visualizer.engine import Mode, builtin, builtin_names
from visualizer.engine.events import WalkCache, WalkCacheHit, WalkRef
from visualizer.engine.machine import Machine
from visualizer.render.walkgrid import (CACHED, DONE, NOT_REACHED, UNNEEDED, grid_caches, grid_cells, last_walk,
                                        walk_grid_html)


def _count(cells, state):
    return sum(1 for v in cells.values() if v == state)


@pytest.mark.parametrize("gl,el,done,unneeded", [(False, False, 24, 0), (True, False, 19, 5),
                                                 (False, True, 19, 5), (True, True, 15, 9)])
def test_nested_grid_cells_for_one_miss(gl, el, done, unneeded):
    m, steps = run(scenario(gl, el, trace=ONE_MISS))
    cells = grid_cells(steps[-1], True)
    assert _count(cells, DONE) == done == steps[-1].walk_refs
    assert _count(cells, UNNEEDED) == unneeded and _count(cells, NOT_REACHED) == 0
    html = walk_grid_html(steps[-1], "nested", "en")
    assert f'data-refs="{done}"' in html and f"{done} references of 24" in html
    if gl:  # the guest PT row is not needed under a 2 MiB guest page
        assert all(cells[(1, c)] == UNNEEDED for c in (4, 3, 2, 1, 0))


def test_nested_grid_with_caches_marks_skipped_cells():
    trace = (op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("invlpg", X) +
             op("invlpg", X + 0x1000) + op("read", X) + op("read", X + 0x1000))
    m, steps = run(scenario(pwc=True, ntlb=True, trace=trace))
    cells = grid_cells(steps[-1], True)
    assert _count(cells, DONE) == steps[-1].walk_refs <= 5
    assert all(cells[(r, c)] == CACHED for r in (4, 3, 2) for c in (4, 3, 2, 1, 0))  # PDE cache hit
    assert cells[(1, 0)] == DONE
    de = walk_grid_html(steps[-1], "nested", "de")
    assert "von einem Cache erspart" in de and "Der zweidimensionale Seitentabellendurchlauf" in de
    assert f"{steps[-1].walk_refs} Zugriff" in de and "von 24" in de


def test_flat_strip_in_shadow_and_native():
    for mode in (Mode.SHADOW, Mode.NATIVE):
        m, steps = run(scenario(trace=ONE_MISS), mode)
        cells = grid_cells(steps[-1], False)
        # shadow: the INVLPG dropped the shadow entry, so a hidden fault came first; the grid
        # shows the walk that completed
        assert _count(cells, DONE) == 4
        assert steps[-1].walk_refs == (4 if mode is Mode.NATIVE else 8)
        html = walk_grid_html(steps[-1], mode.value, "en")
        assert "The page walk" in html and "4 references of 4" in html


def test_no_walk_and_every_builtin_step_renders():
    assert "No page walk" in walk_grid_html(None, "nested", "en")
    sc = builtin("esxi-figure")
    for mode in Mode:
        m = sc.machine(mode)
        for i, o in enumerate(sc.trace):
            st = m.execute(o, i)
            html = walk_grid_html(st, mode.value, "de")
            assert html.startswith('<div class="walk-grid')
            cells = grid_cells(st, mode is Mode.NESTED)
            if cells is not None and st.tlb.value == "miss" and not st.faults:
                assert _count(cells, DONE) == st.walk_refs


# -- the grid follows the MMU design -----------------------------------------------------------------

NEIGHBOURS = (op("write", X, value=1) + op("write", X + 0x1000, value=2) + op("invlpg", X) +
              op("invlpg", X + 0x1000) + op("read", X) + op("read", X + 0x1000))
"""Two pages of one page table, walked, flushed, walked again: the last walk follows a just-walked
neighbour, so the upper levels are cached."""


def design_run(design: str, pwc=True, ntlb=False, ept_large=False, trace=NEIGHBOURS):
    sc = scenario(pwc=pwc, ntlb=ntlb, ept_large=ept_large, trace=trace)
    m = Machine(replace(sc.config, design=design), Mode.NESTED)
    return [m.execute(o, i) for i, o in enumerate(sc.trace)]


def test_intel_combined_pde_hit_greys_out_three_guest_rows_and_the_pt_rows_nested_walk():
    """SDM Vol. 3C §29.4.1: a PDE-cache entry under EPT is a combined mapping — the PT's
    host-physical address — so the walk reads the guest PTE and the data gPA's nested walk: 1 + 4."""
    last = design_run("intel")[-1]
    assert last.walk_refs == 5
    cells, caches = grid_cells(last, True), grid_caches(last, True)
    assert all(cells[(r, c)] == CACHED for r in (4, 3, 2) for c in (4, 3, 2, 1, 0))
    assert all(cells[(1, c)] == CACHED for c in (4, 3, 2, 1))  # the PT row's nested walk: the combined mapping
    assert cells[(1, 0)] == DONE and all(cells[(0, c)] == DONE for c in (4, 3, 2, 1))
    assert _count(cells, CACHED) == 19 and set(caches.values()) == {WalkCache.PDE}
    html = unescape(walk_grid_html(last, "nested", "en"))
    assert 'data-design="intel"' in html and "skipped: PDE cache (combined mapping)" in html
    assert "Intel's MMU caches answered: PDE cache (combined mapping) ×1: 19 references saved." in html
    assert "5 references of 24: 19 skipped by caches, 0 not needed" in html


def test_intel_guest_physical_mappings_mark_a_rows_nested_cells():
    last = design_run("intel", ntlb=True)[-1]
    cells, caches = grid_cells(last, True), grid_caches(last, True)
    assert last.walk_refs == _count(cells, DONE) == 1  # the guest PTE; the data gPA was translated before
    assert all(caches[(0, c)] is WalkCache.GPA for c in (4, 3, 2, 1))
    de = unescape(walk_grid_html(last, "nested", "de"))
    assert "Es antworteten Intels MMU-Caches: PDE-Cache (kombinierte Zuordnung) ×1: 19 Zugriffe gespart, " \
           "Guest-Physical-Zuordnungen ×1: 4 Zugriffe gespart." in de


def test_amd_page_walk_cache_hits_mark_single_cells_and_the_nested_tlb_rows():
    steps = design_run("amd", ntlb=True)
    last = steps[-1]
    walk = last_walk(last)
    cells, caches = grid_cells(last, True), grid_caches(last, True)
    pwc = [e for e in walk if e.__class__ is WalkCacheHit and e.cache is WalkCache.PWC]
    assert pwc and all(len(e.skipped) == 1 for e in pwc)
    # a guest entry from the page-walk cache is one cell (its row's guest column), never a row
    guest = {e.skipped[0] for e in pwc if e.stage.value == "guest"}
    assert guest and all(caches[(r, 0)] is WalkCache.PWC for r in guest)
    # a gPA the nested TLB translates: that row's four nested cells
    for e in walk:
        if e.__class__ is WalkCacheHit and e.cache is WalkCache.NTLB:
            rows = {r for (r, c), k in caches.items() if k is WalkCache.NTLB}
            assert all(cells[(r, c)] == CACHED for r in rows for c in (4, 3, 2, 1))
    assert _count(cells, DONE) == last.walk_refs
    assert _count(cells, CACHED) == sum(e.saved for e in walk if e.__class__ is WalkCacheHit)
    html = unescape(walk_grid_html(last, "nested", "en"))
    assert 'data-design="amd"' in html and "AMD's MMU caches answered: " in html and "page-walk cache ×" in html
    assert "skipped: nested TLB" in html and "PDE cache" not in html


def test_a_combined_hit_under_2m_ept_backing_counts_what_a_walk_would_have_read():
    last = design_run("intel", ept_large=True)[-1]
    cells = grid_cells(last, True)
    hit = next(e for e in last_walk(last) if e.__class__ is WalkCacheHit and e.combined)
    assert hit.saved < 19  # the tables' nested walks end at the EPT PD under 2 MiB backing
    assert _count(cells, CACHED) == hit.saved and _count(cells, DONE) == last.walk_refs
    assert sum(1 for v in cells.values() if v is not None) == 24


@pytest.mark.parametrize("design", ["intel", "amd"])
def test_every_cell_is_a_reference_made_or_spared_on_every_builtin(design):
    """On every built-in (its first 200 operations, MMU caches on, both designs, every mode): the
    grid's done cells are the last walk's references and its skipped cells the references its
    cache hits saved."""
    for name in builtin_names():
        s = builtin(name)
        cfg = replace(s.config, design=design, pwc=True, nested_tlb=True)
        for mode in Mode:
            m = Machine(cfg, mode)
            for i in range(min(200, len(s.trace))):
                st = m.execute(s.trace[i], i)
                cells = grid_cells(st, mode is Mode.NESTED)
                if cells is None:
                    continue
                walk = last_walk(st)
                assert _count(cells, DONE) == sum(1 for e in walk if e.__class__ is WalkRef), (name, mode, i)
                assert _count(cells, CACHED) == sum(e.saved for e in walk if e.__class__ is WalkCacheHit), \
                    (name, mode, i)
