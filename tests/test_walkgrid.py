"""The walk grid renderer (render/walkgrid.py): cells per reference, cache and large page."""
from __future__ import annotations

import pytest

from test_mmu_caches import ONE_MISS, X, op, run, scenario
from visualizer.engine import Mode, builtin
from visualizer.render.walkgrid import CACHED, DONE, NOT_REACHED, UNNEEDED, grid_cells, walk_grid_html


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
