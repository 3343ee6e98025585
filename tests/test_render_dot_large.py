"""Issue 12: the diagram draws a 2 MiB page as one wide box — in the gVA and the gPA row, and in
the machine row where the EPT backs it with a 2 MiB block — labelled with its base and size,
with the node id of its first 4 KiB page and the class ``large`` (DOT text)."""
from __future__ import annotations

import re

import pytest

from dot_parse import edges_of, node_classes, node_ids
from visualizer.engine import Mode, load_scenario_text
from visualizer.render import dot as D
from visualizer.render import figure as F

X = 0x40000000


def scenario(ept_large: bool):
    return load_scenario_text(f"""
name = "large"
seed = 4
mode = "nested"
[machine]
memory = "32MiB"
[nested]
large_pages = {str(ept_large).lower()}
[[vm]]
name = "VM1"
memory = "8MiB"
processes = ["p1"]
large_pages = true
[[trace]]
op = "write"
vm = "VM1"
process = "p1"
gva = 0x{X + 0x5008:x}
value = 7
[[trace]]
op = "write"
vm = "VM1"
process = "p1"
gva = 0x{X + 0x200000:x}
value = 8
[[trace]]
op = "read"
vm = "VM1"
process = "p1"
gva = 0x{X + 0x7010:x}
""", "t")


def node_attrs(dot: str, nid: str) -> str:
    m = re.search(rf'^\s*"{re.escape(nid)}" \[(.*)\];?$', dot, flags=re.M)
    assert m, nid
    return m.group(1)


def width_pt(attrs: str) -> float:
    return float(re.search(r"width=([0-9.]+)", attrs).group(1)) * 72


def draw(mode: Mode, ept_large: bool):
    sc = scenario(ept_large)
    m = sc.machine(mode)
    rec = None
    for i, op in enumerate(sc.trace):
        rec = m.execute(op, i)
    return m, D.diagram(m, F.highlight_of(rec, m))


@pytest.mark.parametrize("mode,ept_large", [(Mode.NESTED, True), (Mode.NESTED, False), (Mode.SHADOW, False),
                                            (Mode.NATIVE, False)])
def test_a_2mib_page_is_one_wide_box(mode, ept_large):
    m, dot = draw(mode, ept_large)
    ids = node_ids(dot)
    assert len(ids) == len(set(ids))
    cls = node_classes(dot)
    [(gvpn, gppn, _pte), _second] = m.views.guest_mappings("VM1", "p1")
    assert gvpn == X >> 12 and gppn & 0x1FF == 0
    gva, gpa = F.gva_id("VM1", "p1", gvpn), F.gpa_id("VM1", gppn)
    # the ids are those of the first 4 KiB page; no box for the other 511
    assert {"large", "current"} <= cls[gva] and {"large", "current"} <= cls[gpa]
    assert all(F.gpa_id("VM1", gppn + k) not in ids for k in (1, 5, 7, 511))
    assert F.gva_id("VM1", "p1", gvpn + 7) not in ids
    for nid, base in ((gva, X), (gpa, gppn << 12)):
        a = node_attrs(dot, nid)
        assert f"0x{base:x}" in a and "2 MiB" in a
        assert width_pt(a) >= 3 * F.PAGE_W
    assert (gva, gpa) in edges_of(dot, "guest-map")
    assert (gva, gpa) in edges_of(dot, "current")
    large_ma = [i for i, c in cls.items() if i.startswith("ma-") and "large" in c]
    vmm = [(a, b) for a, b in edges_of(dot, "vmm-map") if a == gpa]
    if mode is Mode.NESTED and ept_large:
        # one 2 MiB machine block: one wide box, id of its first frame, one arrow from the gPA box
        base = m.views.vmm_mpn("VM1", gppn)
        assert base & 0x1FF == 0 and F.ma_id(base) in large_ma
        assert vmm == [(gpa, F.ma_id(base))] and (gpa, F.ma_id(base)) in edges_of(dot, "current")
        assert {"large", "current"} <= cls[F.ma_id(base)]
        a = node_attrs(dot, F.ma_id(base))
        assert "2 MiB" in a and f"0x{base << 12:x}" in a and width_pt(a) >= 3 * F.PAGE_W
        assert F.ma_id(base + 5) not in ids
    else:
        # 4 KiB machine pages behind it: no wide machine box, an arrow to each part's frame
        assert large_ma == []
        assert len(vmm) == 512 and all("large" not in cls[b] for _a, b in vmm)
        assert F.ma_id(m.views.vmm_mpn("VM1", gppn + 7)) in ids
    if mode is Mode.SHADOW:
        # the shadow's 4 KiB entries leave the wide gVA box
        sh = [(a, b) for a, b in edges_of(dot, "shadow-map") if a == gva]
        assert len(sh) == 2  # parts 5 and 7 were accessed


def test_4kib_guest_pages_over_a_2mib_ept_block_point_into_one_wide_machine_box():
    sc = load_scenario_text(f"""
seed = 4
mode = "nested"
[machine]
memory = "32MiB"
[nested]
large_pages = true
[[vm]]
name = "VM1"
memory = "8MiB"
processes = ["p1"]
[[trace]]
op = "write"
vm = "VM1"
process = "p1"
gva = 0x{X:x}
value = 1
""", "t")
    m = sc.machine(Mode.NESTED)
    for i, op in enumerate(sc.trace):
        m.execute(op, i)
    dot = D.diagram(m)
    cls = node_classes(dot)
    [blk] = m.views.ept_large_blocks("VM1")
    base = m.views.vmm_mpn("VM1", blk << 9)
    assert "large" in cls[F.ma_id(base)] and "shared" not in cls[F.ma_id(base)]
    heads = {b for a, b in edges_of(dot, "vmm-map") if a.startswith("gpa-VM1-") and int(a.split("-")[-1], 16) >> 9 == blk}
    assert heads == {F.ma_id(base)}
    assert not any("large" in c for i, c in cls.items() if i.startswith(("gva-", "gpa-")))


def test_builtins_draw_no_wide_box():
    from visualizer.engine import builtin
    s = builtin("esxi-figure")
    m = s.machine(Mode.NESTED)
    for i, op in enumerate(s.trace):
        m.execute(op, i)
    assert not any("large" in c for c in node_classes(D.diagram(m)).values())


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_figure_view_and_svg_draw_the_wide_boxes(mode):
    from visualizer.render.svg import figure_svg
    sc = scenario(True)
    m = sc.machine(mode)
    rec = None
    for i, op in enumerate(sc.trace):
        rec = m.execute(op, i)
    for view in (F.View(data_only=True), F.View(compact=True)):
        fig = F.figure(m, F.highlight_of(rec, m), "de", view)
        wide = [b for b in fig.boxes if "large" in b.classes.split()]
        assert wide and all(b.w >= 3 * F.PAGE_W for b in wide)
        svg = figure_svg(fig)
        assert 'class="page gva large' in svg or "large" in svg
