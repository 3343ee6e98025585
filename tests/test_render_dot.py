"""The diagram's DOT text: node ids, edge classes, the mappings it draws against the engine's own
views, page states, the highlighted path, determinism, large VMs, and the SVG both drawers make."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from dot_parse import edges_of, node_classes, node_ids
from visualizer.engine import Machine, MachineConfig, Mode, Op, OpKind, VmConfig, builtin
from visualizer.engine.memory import PAGE_SHIFT
from visualizer.engine.paging import EPT, peek
from visualizer.render import dot as D
from visualizer.render import figure as F
from visualizer.render.legend import legend_html
from visualizer.render.svg import figure_svg, layout_program, render

ID = re.compile(r"^(gva-[A-Za-z0-9_.-]+-[A-Za-z0-9_.-]+-[0-9a-f]+|gpa-[A-Za-z0-9_.-]+-[0-9a-f]+|ma-[0-9a-f]+)$")
EDGE_CLASSES = {"guest-map", "vmm-map", "shadow-map"}


def run(name: str, mode: Mode, steps: int | None = None):
    s = builtin(name)
    m = s.machine(mode)
    rec = None
    n = len(s.trace) if steps is None else steps
    for i in range(n):
        rec = m.execute(s.trace[i], i)
    return m, rec


def all_edges(dot: str) -> list[tuple[str, str, set]]:
    return [(a, b, set(c.split())) for a, b, c in
            re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[class="([^"]*)"', dot, flags=re.M)]


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
@pytest.mark.parametrize("name", ["esxi-figure", "page-table-update", "context-switch"])
def test_ids_and_edge_classes_follow_the_contract(name, mode):
    s = builtin(name)
    m = s.machine(mode)
    for i in range(len(s.trace)):
        rec = m.execute(s.trace[i], i)
        dot = D.diagram(m, F.highlight_of(rec, m))
        ids = node_ids(dot)
        assert ids and len(ids) == len(set(ids))
        for nid in ids:
            assert ID.match(nid), nid
            assert ":" not in nid
        edges = all_edges(dot)
        assert edges
        for a, b, classes in edges:
            assert len(classes & EDGE_CLASSES) == 1, (a, b, classes)
            assert classes <= EDGE_CLASSES | {"current"}
            assert a in ids and b in ids


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_guest_and_vmm_arrows_are_the_engines_mappings(mode):
    m, rec = run("esxi-figure", mode, 7)
    dot = D.diagram(m, F.highlight_of(rec, m))
    guest = set(edges_of(dot, "guest-map"))
    expected = {(F.gva_id(vm, p, gvpn), F.gpa_id(vm, gppn))
                for vm in m.vms for p in m.vms[vm].guest.processes
                for gvpn, gppn, _ in m.views.guest_mappings(vm, p)}
    assert guest == expected and len(guest) == 4
    vmm = set(edges_of(dot, "vmm-map"))
    want = set()
    for vm_name, vm in m.vms.items():
        for gppn in range(vm.pmap.pages):
            if mode is Mode.NESTED:
                ma = peek(m.mem.q, vm.ept_root << PAGE_SHIFT, gppn << PAGE_SHIFT, EPT)
            else:
                ma = m.views.gpa_to_ma(vm_name, gppn << PAGE_SHIFT)
            if ma is not None:
                want.add((F.gpa_id(vm_name, gppn), F.ma_id(ma >> PAGE_SHIFT)))
    assert vmm == want and len(vmm) == 12  # 4 tables + 2 data pages per VM


def test_dashed_shadow_arrows_are_the_present_shadow_leaves_and_absent_in_nested_mode():
    m, rec = run("esxi-figure", Mode.SHADOW, 4)
    dot = D.diagram(m, F.highlight_of(rec, m))
    shadow = set(edges_of(dot, "shadow-map"))
    want = set()
    for vm_name, vm in m.vms.items():
        procs = {p.root_gppn: p.name for p in vm.guest.processes.values()}
        for root, gva, _gppn, entry in m.shadow.leaves(vm_name):
            proc = procs[m.shadow.pages[root].gpt_gppn]
            want.add((F.gva_id(vm_name, proc, gva >> PAGE_SHIFT), F.ma_id((entry & 0xFFFFFFFFFF000) >> PAGE_SHIFT)))
    assert shadow == want and len(shadow) == 4
    assert 'style=dashed' in next(line for line in dot.splitlines() if 'class="shadow-map' in line)
    n, rec = run("esxi-figure", Mode.NESTED, 4)
    assert edges_of(D.diagram(n, F.highlight_of(rec, n)), "shadow-map") == []


def test_no_shadow_arrow_before_the_first_access():
    m = builtin("esxi-figure").machine(Mode.SHADOW)
    assert edges_of(D.diagram(m), "shadow-map") == []


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_the_current_access_path_is_highlighted(mode):
    m, rec = run("esxi-figure", mode, 1)
    dot = D.diagram(m, F.highlight_of(rec, m))
    cur = [(a, b, c) for a, b, c in all_edges(dot) if "current" in c]
    gva, gpa, ma = F.gva_id("VM1", "p1", 0x400), F.gpa_id("VM1", rec.gpa >> 12), F.ma_id(rec.ma >> 12)
    got = {(a, b) for a, b, _ in cur}
    want = {(gva, gpa), (gpa, ma)} | ({(gva, ma)} if mode is Mode.SHADOW else set())
    assert got == want
    classes = node_classes(dot)
    assert {"current"} <= classes[gva] and {"current"} <= classes[gpa] and {"current"} <= classes[ma]
    # the tables the walks read are marked: the guest's four tables of VM1
    walked = {n for n, c in classes.items() if "walked" in c and n.startswith("gpa-VM1-")}
    assert walked == {F.gpa_id("VM1", g) for g in range(4)}
    # a step without a data access highlights no path
    m2, rec2 = run("esxi-figure", mode, 8)  # step 8: share
    assert not [e for e in all_edges(D.diagram(m2, F.highlight_of(rec2, m2))) if "current" in e[2]]


def test_page_states_are_classes_shared_swapped_unmapped_and_write_protected_tables():
    m, rec = run("esxi-figure", Mode.SHADOW, 8)  # after the share
    dot = D.diagram(m, F.highlight_of(rec, m))
    classes = node_classes(dot)
    b1, b2 = F.gpa_id("VM1", 5), F.gpa_id("VM2", 4)
    assert "shared" in classes[b1] and "shared" in classes[b2]
    vmm = dict(edges_of(dot, "vmm-map"))
    assert vmm[b1] == vmm[b2] and "shared" in classes[vmm[b1]]
    assert "changed" in classes[b1] and "changed" in classes[b2]
    assert "unmapped" in classes[F.gpa_id("VM1", 15)]
    pts = {n for n, c in classes.items() if "gpt" in c and n.startswith("gpa-")}
    assert pts == {F.gpa_id(vm, g) for vm in ("VM1", "VM2") for g in range(4)}
    assert all("write-protected" in classes[n] for n in pts)  # tracked by the shadow tables
    assert {n for n, c in classes.items() if "spt" in c} == {F.ma_id(p) for p in m.shadow.pages}
    m, rec = run("esxi-figure", Mode.SHADOW, 11)  # after swapping c out
    dot = D.diagram(m, F.highlight_of(rec, m))
    c = F.gpa_id("VM2", 5)
    assert "swapped" in node_classes(dot)[c]
    assert c not in dict(edges_of(dot, "vmm-map"))
    n, rec = run("esxi-figure", Mode.NESTED, 8)
    classes = node_classes(D.diagram(n, F.highlight_of(rec, n)))
    assert not any("write-protected" in c for c in classes.values())
    assert {x for x, c in classes.items() if "ept" in c} == {F.ma_id(p) for s in n.ept.table_pages.values() for p in s}


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_same_state_gives_byte_identical_dot(mode):
    a, ra = run("esxi-figure", mode)
    b, rb = run("esxi-figure", mode)
    da = D.diagram(a, F.highlight_of(ra, a), "de")
    assert da == D.diagram(b, F.highlight_of(rb, b), "de")
    assert da == D.diagram(a.clone(), F.highlight_of(ra, a), "de")
    assert da != D.diagram(a, F.highlight_of(ra, a), "en")


def test_a_large_vm_shows_its_touched_pages_with_gap_markers_and_a_cap():
    cfg = MachineConfig(frames=2048, vms=(VmConfig("VM1", 1024, ("p1",)),), seed=2, tlb_entries=16, tlb_ways=4)
    m = Machine(cfg, Mode.SHADOW)
    for i in range(0, 600, 2):  # every other page: runs of one untouched page between them
        m.execute(Op(OpKind.WRITE, "VM1", "p1", 0x400000 + i * 4096, i + 1))
    fig = F.figure(m)
    gpas = [b for b in fig.boxes if b.id.startswith("gpa-")]
    assert len(gpas) <= F.ROW_CAP + 8
    assert fig.hidden > 0
    assert any(b.id.startswith("gap-VM1-") for b in fig.boxes)
    dot = D.to_dot(fig)
    assert "unmapped" not in {c for cs in node_classes(dot).values() for c in cs}  # only touched pages drawn
    assert all(ID.match(n) for n in node_ids(dot))


def test_small_vm_shows_every_guest_physical_page_in_address_order():
    m, _ = run("esxi-figure", Mode.NESTED, 2)
    ids = [n for n in node_ids(D.diagram(m)) if n.startswith("gpa-VM1-")]
    assert ids == [F.gpa_id("VM1", g) for g in range(16)]
    mas = [int(n[3:], 16) for n in node_ids(D.diagram(m)) if n.startswith("ma-")]
    assert mas == sorted(mas)


def _svg_parts(svg: str) -> tuple[set, dict]:
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    nodes, edges = set(), {}
    for g in root.iter(f"{ns}g"):
        cls = set((g.get("class") or "").split())
        if "node" in cls and ID.match(g.get("id") or ""):
            nodes.add(g.get("id"))
        if "edge" in cls:
            # Graphviz titles an edge "tail->head"; the Python drawer says what it means in its
            # <title> (for screen readers) and keeps the ends in data-edge
            ends = g.get("data-edge") or g.find(f"{ns}title").text
            edges[ends] = cls - {"edge"}
    return nodes, edges


def test_python_svg_has_the_same_nodes_and_edge_classes_as_the_dot_text():
    m, rec = run("esxi-figure", Mode.SHADOW, 5)
    fig = F.figure(m, F.highlight_of(rec, m))
    nodes, edges = _svg_parts(figure_svg(fig))
    dot = D.to_dot(fig)
    assert nodes == set(node_ids(dot))
    assert {f"{a}->{b}": c for a, b, c in all_edges(dot)} == edges


@pytest.mark.skipif(layout_program() is None, reason="no Graphviz program (dot, neato, graphviz-pure) installed")
def test_graphviz_copies_ids_and_classes_into_the_svg():
    m, rec = run("esxi-figure", Mode.SHADOW, 5)
    fig = F.figure(m, F.highlight_of(rec, m))
    svg = render(D.to_dot(fig), "svg").decode()
    g_nodes, g_edges = _svg_parts(svg)
    p_nodes, p_edges = _svg_parts(figure_svg(fig))
    assert g_nodes == p_nodes
    assert g_edges == p_edges
    assert any("shadow-map" in c for c in g_edges.values())
    assert render(D.to_dot(fig), "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_legend_names_the_marks_of_each_mode():
    shadow = legend_html(Mode.SHADOW, "en")
    nested = legend_html(Mode.NESTED, "de")
    assert 'data-key="shadow-map"' in shadow and 'data-key="spt"' in shadow and 'data-key="ept"' not in shadow
    assert 'data-key="shadow-map"' not in nested and 'data-key="ept"' in nested
    assert "verschachtelte Seitentabellen" in nested
    both = legend_html(None, "en")
    assert 'data-key="spt"' in both and 'data-key="ept"' in both


def test_figure_view_only_hides_nodes_and_follows_page_names():
    s = builtin("esxi-figure")
    for mode in (Mode.SHADOW, Mode.NESTED):
        m = s.machine(mode)
        for i in range(len(s.trace)):
            rec = m.execute(s.trace[i], i)
            h = F.highlight_of(rec, m)
            full = D.to_dot(F.figure(m, h, "en"))
            data = D.to_dot(F.figure(m, h, "en", F.View(data_only=True, labels=s.labels)))
            ids_full, ids_data = set(node_ids(full)), set(node_ids(data))
            pages = {n for n in ids_data if n.startswith(("gva-", "gpa-", "ma-"))}
            assert pages <= ids_full, f"step {i}: figure view renamed or invented nodes {pages - ids_full}"
            classes = node_classes(data)
            assert not any({"gpt", "spt", "ept"} & c for c in classes.values()), f"step {i}"
            for cls in ("guest-map", "vmm-map", "shadow-map"):
                assert set(edges_of(data, cls)) <= set(edges_of(full, cls)), (i, cls)
        labelled = {n for n, c in classes.items() if "labelled" in c}
        assert "gva-VM1-p1-400" in labelled and "gva-VM2-p2-401" in labelled


@pytest.mark.skipif(layout_program() is None, reason="no Graphviz program installed")
def test_png_export_is_at_twice_screen_resolution():
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    rec = None
    for i in range(4):
        rec = m.execute(s.trace[i], i)
    fig = F.figure(m, F.highlight_of(rec, m), "en")
    png = render(D.to_dot(fig), "png")
    width = int.from_bytes(png[16:20], "big")
    assert width >= 2 * fig.width * 96 / 72 * 0.95, (width, fig.width)


def test_svg_titles_say_what_pages_and_arrows_are():
    m, rec = run("esxi-figure", Mode.SHADOW, 5)
    svg = figure_svg(F.figure(m, F.highlight_of(rec, m), "de"))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-label")
    titles = [g.find(f"{ns}title").text for g in root.iter(f"{ns}g") if "edge" in (g.get("class") or "")]
    assert titles and all("→" in x and not x.startswith(("gva-", "gpa-", "ma-")) for x in titles)
    from visualizer.text.i18n import t
    assert any(x.startswith(t("leg.guest_map", "de")) and "gVA 0x400000" in x for x in titles)
    pages = [g.find(f"{ns}title").text for g in root.iter(f"{ns}g") if (g.get("id") or "").startswith("gpa-")]
    assert all(x.startswith("VM") and "gPA" in x for x in pages)


def test_palette_text_contrast_meets_wcag_aa():
    def lum(hexcol):
        c = [int(hexcol[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    def contrast(a, b):
        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)
    for text in (F.INK, F.MUTED, F.WP_BORDER):
        for bg in ("#ffffff", *F.VM_TINTS, F.FILL_GVA):
            assert contrast(text, bg) >= 4.5, (text, bg)
    for line in (F.GUEST_MAP, F.VMM_MAP, F.SHADOW_MAP, F.CURRENT):
        assert contrast(line, "#ffffff") >= 3.0, line  # WCAG 1.4.11: graphics 3:1


@pytest.mark.parametrize("name", ["esxi-figure", "context-switch", "page-table-update", "no-vpid"])
def test_no_label_overflows_its_box(name):
    s = builtin(name)
    for mode in (Mode.SHADOW, Mode.NESTED):
        m = s.machine(mode)
        for i in range(len(s.trace)):
            rec = m.execute(s.trace[i], i)
            for view in (F.View(), F.View(True, s.labels), F.View(True, s.labels, True)):
                for b in F.figure(m, F.highlight_of(rec, m), "de", view).boxes:
                    if b.text:
                        continue
                    for text, size, _ in F.lines(b):
                        assert F.text_width(text, size) <= b.w - 2 + 1e-6, (name, mode.value, i, b.id, text, size)
