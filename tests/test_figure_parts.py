"""The diagram's parts, each on its own: the guest-physical, guest-virtual and machine rows, a VM's
box, the row names and captions, the arrows (their tips, paths, styles and titles, the current
path) and the text fitting. Each part is called with what the figure would give it — a real
machine's state — and the structures (or DOT) it returns are checked against the engine's own
views and the rules of the layout; ``figure()`` is checked to be their composition."""
from __future__ import annotations

import dataclasses
import functools
import itertools

import pytest

from dot_parse import edges_of, node_classes
from visualizer.engine import Machine, MachineConfig, Mode, Op, OpKind, VmConfig, builtin
from visualizer.engine.events import PageState
from visualizer.engine.memory import PAGE_SHIFT
from visualizer.engine.paging import PS, RW
from visualizer.render import dot as D
from visualizer.render import figure as F
from visualizer.text.i18n import t

MODES = (Mode.SHADOW, Mode.NESTED)


@functools.cache
def state(name: str, mode: Mode, steps: int):
    """(machine, highlight) after the first ``steps`` operations of a built-in (shared between
    tests: the parts only read it)."""
    s = builtin(name)
    m = s.machine(mode)
    rec = None
    for i in range(steps):
        rec = m.execute(s.trace[i], i)
    return m, F.highlight_of(rec, m)


def esxi(mode: Mode, steps: int, data_only: bool = False, compact: bool = False):
    m, h = state("esxi-figure", mode, steps)
    view = F.View(data_only=data_only, labels=builtin("esxi-figure").labels, compact=compact)
    return m, h, F.scene_of(m, view)


def vm(scene: F.Scene, name: str):
    return next(v for v in scene.vms if v.name == name)


def left(b: F.Box) -> float:
    return b.x - b.w / 2


def right(b: F.Box) -> float:
    return b.x + b.w / 2


def in_a_row(boxes) -> bool:
    """Left to right, apart by at least SEP, none overlapping."""
    return all(left(b) - right(a) >= F.SEP - 1e-9 for a, b in itertools.pairwise(boxes))


# -- what the parts read ----------------------------------------------------------------------------
def test_the_scene_follows_each_named_page_to_the_guest_physical_page_it_maps():
    s = builtin("esxi-figure")
    m, _h, scene = esxi(Mode.NESTED, 4)
    assert scene.gpa_labels and scene.labels == dict(s.labels)
    for (vm_name, proc, gvpn), name in s.labels:
        gpa = m.views.guest_translate(vm_name, proc, gvpn << PAGE_SHIFT)
        assert scene.gpa_labels[(vm_name, gpa >> PAGE_SHIFT)] == name
    assert F.scene_of(m).gpa_labels == {}  # no names in the view: none followed


def test_the_compact_scene_puts_the_rows_closer():
    m, _h = state("esxi-figure", Mode.SHADOW, 1)
    page, lecture = F.scene_of(m), F.scene_of(m, F.View(compact=True))
    assert (page.gpa_y, page.ma_y) == (F.ROW_GPA_Y, F.ROW_MA_Y)
    assert (lecture.gpa_y, lecture.ma_y) == (F.COMPACT_GPA_Y, F.COMPACT_MA_Y)
    assert F.ROW_GVA_Y > lecture.gpa_y > page.gpa_y and lecture.gpa_y > lecture.ma_y > page.ma_y


def test_a_frame_of_a_2mib_block_is_drawn_in_the_blocks_first_frame():
    large = frozenset({0x200})
    assert [F.ma_box(m, large) for m in (0x200, 0x201, 0x3ff, 0x400, 0x1ff)] == [0x200, 0x200, 0x200, 0x400, 0x1ff]
    assert F.ma_box(0x201, frozenset()) == 0x201


# -- the guest-physical row ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_a_small_vms_row_is_every_page_in_address_order_untouched_ones_narrow(mode):
    _m, h, scene = esxi(mode, 2)
    v = vm(scene, "VM1")
    row = F.gpa_row(scene, v, 100.0, h)
    assert [b.id for b in row.boxes] == [F.gpa_id("VM1", g) for g in range(v.pages)]
    assert in_a_row(row.boxes) and left(row.boxes[0]) == 100.0 and row.end == right(row.boxes[-1])
    assert row.hidden == 0 and all(b.y == scene.gpa_y for b in row.boxes)
    for g, b in enumerate(row.boxes):
        touched = v.state[g] is not PageState.UNMAPPED
        assert b.w == (F.PAGE_W if touched else F.NARROW_W), g
        assert (b.top == "") == (not touched)


def test_a_large_vms_row_shows_the_pages_in_use_and_gap_markers_that_count_the_rest():
    cfg = MachineConfig(frames=512, vms=(VmConfig("VM1", 256, ("p1",)),), seed=2, tlb_entries=16, tlb_ways=4)
    m = Machine(cfg, Mode.SHADOW)
    for i in (3, 9, 10, 40):
        m.execute(Op(OpKind.WRITE, "VM1", "p1", 0x400000 + i * 4096, i + 1))
    scene = F.scene_of(m)
    v = vm(scene, "VM1")
    row = F.gpa_row(scene, v, 0.0, F.Highlight())
    pages = [int(b.id.rsplit("-", 1)[1], 16) for b in row.boxes if b.id.startswith("gpa-")]
    in_use = [g for g in range(v.pages) if v.state[g] is not PageState.UNMAPPED]
    assert pages == in_use and len(pages) < v.pages
    left_out = 0
    for b in row.boxes:
        if b.id.startswith("gap-"):
            lo, hi = (int(x, 16) for x in b.id.split("-")[2:])
            assert b.text and b.top == "⋯" and b.bottom == t("dia.gap", "en", n=hi - lo + 1)
            left_out += hi - lo + 1
    assert left_out + len(pages) == v.pages  # a marker for every run left out, the last one too
    assert row.boxes[-1].id.startswith("gap-") and in_a_row(row.boxes)


def test_a_capped_row_counts_the_pages_it_leaves_out():
    cfg = MachineConfig(frames=2048, vms=(VmConfig("VM1", 1024, ("p1",)),), seed=2, tlb_entries=16, tlb_ways=4)
    m = Machine(cfg, Mode.NESTED)
    for i in range(F.ROW_CAP + 40):
        rec = m.execute(Op(OpKind.WRITE, "VM1", "p1", 0x400000 + i * 4096, i + 1))
    scene = F.scene_of(m)
    v = vm(scene, "VM1")
    in_use = sum(1 for s in v.state if s is not PageState.UNMAPPED)
    h = F.highlight_of(rec, m)
    row = F.gpa_row(scene, v, 0.0, h)
    shown = [b for b in row.boxes if b.id.startswith("gpa-")]
    assert row.hidden == in_use - len(shown) > 0
    assert F.ROW_CAP <= len(shown) <= F.ROW_CAP + 9 and in_a_row(row.boxes)  # the cap, 8 wanted, the access
    assert F.gpa_id("VM1", F.current_gppn(h, v, F.guest_large(v))) in {b.id for b in shown}
    assert all(v.state[int(b.id.rsplit("-", 1)[1], 16)] is not PageState.UNMAPPED for b in shown)


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_the_figure_view_of_a_large_run_is_capped_like_the_full_view(mode):
    # the figure view (data pages only) drew every data page in use: a run at the 32 MiB machine
    # budget made a 10 MB SVG and 1.1 s of drawing per step; it keeps the gVA row's pages now
    cfg = MachineConfig(frames=4096, vms=(VmConfig("VM1", 2048, ("p1", "p2")),), seed=2, tlb_entries=16, tlb_ways=4)
    m = Machine(cfg, mode)
    for i in range(F.ROW_CAP + 300):
        rec = m.execute(Op(OpKind.WRITE, "VM1", "p1" if i % 3 else "p2", 0x400000 + i * 4096, i + 1))
    h = F.highlight_of(rec, m)
    scene = F.scene_of(m, F.View(data_only=True))
    v = vm(scene, "VM1")
    data = {g for leaves in v.mappings.values() for _, g, _ in leaves}
    row = F.gpa_row(scene, v, 0.0, h)
    gva = F.gva_row(scene, v, 0.0, {b.id: b for b in row.boxes}, h)
    shown = {int(b.id.rsplit("-", 1)[1], 16) for b in row.boxes if b.id.startswith("gpa-")}
    assert len(data) == F.ROW_CAP + 300 and len(shown) <= F.ROW_CAP + 1 and shown <= data
    assert row.hidden == len(data) - len(shown) > 0
    assert F.current_gppn(h, v, F.guest_large(v)) in shown
    # every gVA page the row keeps has its gPA page under it, with the guest's arrow
    guest = [a for a in gva.arrows if a.cls == "guest-map"]
    assert len(guest) == len(gva.shown) == len(shown) and {a.head for a in guest} == {F.gpa_id("VM1", g) for g in shown}
    fig = F.figure(m, h, "en", F.View(data_only=True))
    assert sum(b.id.startswith("gpa-") for b in fig.boxes) == len(shown) and fig.hidden >= row.hidden


@pytest.mark.parametrize("mode", MODES)
def test_the_vmm_links_are_the_engines_mapping_and_only_the_access_is_current(mode):
    m, h, scene = esxi(mode, 5)  # VM1 reads page a
    row = F.gpa_row(scene, vm(scene, "VM1"), 0.0, h)
    links = {(nid, mpn): cur for nid, _vm, _g, mpn, cur in row.links}
    want = {(F.gpa_id("VM1", g), m.views.vmm_mpn("VM1", g)) for g in range(16) if m.views.vmm_mpn("VM1", g) is not None}
    assert set(links) == want
    assert [k for k, cur in links.items() if cur] == [(F.gpa_id("VM1", h.gppn), h.mpn)]
    specs = F.vmm_arrows(row.links)
    assert {(a.tail, a.head) for a in specs} == {(nid, F.ma_id(mpn)) for nid, mpn in want}
    assert {a.cls for a in specs} == {"vmm-map"} and sum(a.current for a in specs) == 1


def test_a_guest_physical_page_says_its_state():
    m, _h = state("esxi-figure", Mode.SHADOW, 11)  # after the share (step 8) and the swap-out (step 11)
    scene = F.scene_of(m)  # no page names: they would stand where the state is said
    seen = {}
    for v in scene.vms:
        for g in range(v.pages):
            st = v.state[g]
            b = F.gpa_page(scene, v, g, 0.0, wanted=st is not PageState.UNMAPPED or g % 2 == 0)
            assert st.value in b.classes.split(), (v.name, g)
            assert b.tooltip.startswith(f"{v.name} gPA 0x{g << PAGE_SHIFT:x} (gPPN 0x{g:x}): ")
            seen.setdefault(st, set()).add(b.tooltip.splitlines()[0].split(": ", 1)[1])
            if st is PageState.SHARED:
                assert b.fill == F.FILL_SHARED and b.bottom == t("dia.shared", "en")
            elif st is PageState.SWAPPED:
                assert b.fill == F.FILL_SWAPPED and b.dashed and b.bottom == t("dia.swapped", "en")
            elif st is PageState.UNMAPPED and g % 2:  # untouched, not wanted: a narrow, quiet placeholder
                assert b.w == F.NARROW_W and b.fill == F.FILL_EMPTY and b.top == b.bottom == ""
            elif st is PageState.UNMAPPED:
                assert b.w == F.PAGE_W and b.dashed and b.bottom == t("dia.unmapped", "en")
            elif g not in v.pt_level:
                word = m.views.first_word(v.mpn[g])
                assert b.fill == F.FILL_PAGE and (b.bottom == "" if not word else b.bottom.startswith("= 0x"))
    assert {PageState.SHARED, PageState.SWAPPED, PageState.UNMAPPED} <= set(seen)
    assert len({frozenset(words) for words in seen.values()}) == len(seen)  # each state in its own words


def test_a_guest_table_page_shows_its_level_and_write_protection_in_shadow_mode():
    for mode in MODES:
        _m, _h, scene = esxi(mode, 2)
        v = vm(scene, "VM1")
        assert v.pt_level
        for g, (level, _proc) in v.pt_level.items():
            b = F.gpa_page(scene, v, g, 0.0)
            assert "gpt" in b.classes.split() and b.fill == F.FILL_GPT
            assert b.bottom.split()[0] == F.LEVEL_NAMES[level]
            wp = g in v.tracked
            assert wp == (mode is Mode.SHADOW)  # the VMM write-protects guest tables only in shadow mode
            assert ("write-protected" in b.classes.split()) == wp == b.bottom.endswith(" WP")
            assert (b.border == F.WP_BORDER) == wp


def test_a_named_page_shows_its_name_over_its_address_and_the_highlight_marks():
    _m, h, scene = esxi(Mode.NESTED, 1)
    v = vm(scene, "VM1")
    g = h.gppn
    plain = F.gpa_page(scene, v, g, 0.0)
    assert plain.top == "a" and plain.bottom == f"0x{g << PAGE_SHIFT:x}" and plain.font == F.LABEL_FONT
    assert "labelled" in plain.classes.split() and plain.tooltip.startswith("page a")
    cur = F.gpa_page(scene, v, g, 0.0, current=True, walked=True)
    assert "current" in cur.classes.split() and "walked" not in cur.classes.split() and cur.border == F.CURRENT and cur.pen == 2.4
    walked = F.gpa_page(scene, v, 0, 0.0, walked=True)
    assert "walked" in walked.classes.split() and walked.pen == 1.8
    changed = F.gpa_page(scene, v, g, 0.0, changed=True)
    assert "changed" in changed.classes.split() and changed.dashed and changed.pen == F.CHANGED_PEN
    assert changed.tooltip.count("\n") == plain.tooltip.count("\n") + 1
    both = F.gpa_page(scene, v, g, 0.0, current=True, changed=True)
    assert not both.dashed and both.pen == 2.4  # the current access's solid border stays


# -- the guest-virtual row ------------------------------------------------------------------------------
LEAVES = [(0x400 + i, 0x10 + i, RW) for i in range(6)]


def test_the_kept_leaves_are_the_first_within_budget_and_always_the_current_one():
    assert F.gva_kept(LEAVES, 3, None) == LEAVES[:3]
    assert F.gva_kept(LEAVES, 3, 0x401) == LEAVES[:3]
    assert F.gva_kept(LEAVES, 3, 0x405) == LEAVES[:3] + [LEAVES[5]]
    assert F.gva_kept(LEAVES, 0, 0x402) == [LEAVES[2]]
    big = [(0x600, 0x200, RW | PS)]
    assert F.gva_kept(LEAVES[:1] + big, 1, 0x7ff) == LEAVES[:1] + big  # a 2 MiB leaf covers 512 pages


def test_gva_boxes_stand_over_their_gpa_boxes_where_the_order_allows():
    gpa = {F.gpa_id("VM1", g): F.Box(F.gpa_id("VM1", g), x, 0, F.PAGE_W, F.PAGE_H)
           for g, x in ((0x10, 300.0), (0x11, 400.0), (0x12, 420.0))}
    keep = [(0x400, 0x10, RW), (0x401, 0x11, RW), (0x402, 0x12, RW)]
    xs, widths = F.gva_places("VM1", keep, 50.0, gpa)
    gw = F.text_width("0x400000", 8.5) + 6  # wide enough for its address
    assert widths == [gw] * 3
    assert xs[0] + gw / 2 == pytest.approx(300.0)  # free to stand right over its page
    assert all(b - a >= gw + F.SEP - 1e-9 for a, b in itertools.pairwise(xs))  # never overlapping
    assert xs[1] < 400.0 - gw / 2 < xs[2]  # the crowded two share the difference
    assert F.gva_places("VM1", [(0x403, 0x99, RW)], 50.0, gpa)[0] == [50.0]  # no gPA box drawn: at the start
    wide = [(0x12345, 0x10, RW)]
    (_x,), (w,) = F.gva_places("VM1", wide, 50.0, gpa)
    assert w == F.text_width("0x12345000", 8.5) + 6 > F.PAGE_W  # wide enough for its address
    assert F.gva_places("VM1", [(0x400, 0x10, RW | PS)], 0.0, gpa)[1] == [F.LARGE_W]


@pytest.mark.parametrize("mode", MODES)
def test_the_gva_row_draws_each_process_in_a_group_with_the_guests_mappings(mode):
    m, h, scene = esxi(mode, 5)
    v = vm(scene, "VM1")
    gpa = F.gpa_row(scene, v, 10.0, h)
    row = F.gva_row(scene, v, 10.0, {b.id: b for b in gpa.boxes}, h)
    mappings = m.views.guest_mappings("VM1", "p1")
    assert [b.id for b in row.boxes] == [F.gva_id("VM1", "p1", gvpn) for gvpn, _g, _pte in mappings]
    assert {(a.tail, a.head) for a in row.arrows} == \
        {(F.gva_id("VM1", "p1", gvpn), F.gpa_id("VM1", g)) for gvpn, g, _pte in mappings}
    assert [a.tail for a in row.arrows if a.current] == [F.gva_id("VM1", "p1", h.gvpn)]
    assert {a.cls for a in row.arrows} == {"guest-map"}
    (group,) = row.groups
    assert group.id == "cluster-proc-VM1-p1" and group.label == t("dia.process", "en", name="p1") and group.dashed
    assert all(group.x0 < left(b) and right(b) < group.x1 for b in row.boxes)
    assert row.end == group.x1 - 5 and row.shown == {("p1", gvpn) for gvpn, _g, _p in mappings}
    labelled = {b.top for b in row.boxes if "labelled" in b.classes}
    assert labelled == {"a", "b"}


def test_a_process_without_pages_says_so():
    _m, _h, scene = esxi(Mode.SHADOW, 0)
    for lang, words in (("en", "no pages mapped"), ("de", "keine seiten")):
        row = F.gva_row(scene, vm(scene, "VM2"), 20.0, {}, F.Highlight(), lang)
        (b,) = row.boxes
        assert b.id == "none-VM2-p2" and b.text and words in b.top.lower()
        assert left(b) == pytest.approx(20.0) and row.end == right(b) and row.arrows == ()


# -- a VM -----------------------------------------------------------------------------------------
def test_shadow_arrows_are_the_present_shadow_leaves_and_none_in_nested_mode():
    m, h, scene = esxi(Mode.SHADOW, 5)
    shown = frozenset(("p1", gvpn) for gvpn, _g, _p in m.views.guest_mappings("VM1", "p1"))
    arrows, frames = F.shadow_arrows(scene, "VM1", shown, frozenset(), h)
    leaves = [(p, gva, mpn) for p, gva, mpn, _e in m.views.shadow_leaves("VM1") if p is not None]
    assert [(a.tail, a.head) for a in arrows] == [(F.gva_id("VM1", p, gva >> PAGE_SHIFT), F.ma_id(mpn))
                                                 for p, gva, mpn in leaves]
    assert frames == [mpn for _p, _g, mpn in leaves] and {a.cls for a in arrows} == {"shadow-map"}
    assert [a.tail for a in arrows if a.current] == [F.gva_id("VM1", "p1", h.gvpn)]
    assert F.shadow_arrows(scene, "VM1", frozenset(), frozenset(), h) == ([], [])  # no gVA box drawn, no arrow
    _m, hn, nested = esxi(Mode.NESTED, 5)
    assert F.shadow_arrows(nested, "VM1", shown, frozenset(), hn) == ([], [])


@pytest.mark.parametrize("data_only", [False, True])
def test_the_vm_box_holds_its_rows_and_title_and_in_the_figure_view_the_shadow_lanes(data_only):
    _m, _h, scene = esxi(Mode.SHADOW, 5, data_only=data_only)
    v = vm(scene, "VM1")
    area, lanes = F.vm_area(scene, v, 60.0, 200.0, 150.0, n_shadow=3)
    assert area.label.startswith("VM1 · 16 × 4 KiB") and area.bold
    assert area.x0 == 60.0 and area.x1 >= 60.0 + F.text_width(area.label, 11) + 2 * F.VM_PAD
    assert area.y0 < scene.gpa_y - F.PAGE_H / 2 and area.y1 > F.ROW_GVA_Y + F.PAGE_H / 2
    if data_only:
        assert [vn for vn, _x in lanes] == ["VM1"] * 3
        xs = [x for _vn, x in lanes]
        assert 200.0 < xs[0] < xs[1] < xs[2] < area.x1  # right of the gPA row, inside the box
    else:
        assert lanes == ()
    _m, _h, nested = esxi(Mode.NESTED, 5, data_only=True)
    assert F.vm_area(nested, vm(nested, "VM1"), 60.0, 200.0, 150.0, n_shadow=3)[1] == ()


def test_a_vm_part_is_its_rows_its_box_and_its_arrows_in_order():
    _m, h, scene = esxi(Mode.SHADOW, 5)
    v = vm(scene, "VM1")
    part = F.vm_part(scene, v, F.LABEL_W, h)
    gpa = F.gpa_row(scene, v, F.LABEL_W + F.VM_PAD, h)
    assert part.boxes[:len(gpa.boxes)] == gpa.boxes
    assert [a.cls for a in part.arrows] == sorted((a.cls for a in part.arrows),
                                                 key=["vmm-map", "guest-map", "shadow-map"].index)
    assert all(part.area.x0 < left(b) and right(b) < part.area.x1 for b in part.boxes)


# -- the machine row ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_the_machine_frames_are_the_backing_frames_and_in_the_full_view_the_vmms_tables(mode):
    m, h, scene = esxi(mode, 4)
    links = [lk for v in scene.vms for lk in F.gpa_row(scene, v, 0.0, h).links]
    frames = F.machine_frames(scene, links)
    assert set(frames.tables) == set(m.views.table_pages())
    assert {k for k, tp in frames.tables.items()} and \
        {kind for kind, _vm, _lvl in frames.tables.values()} == {"spt" if mode is Mode.SHADOW else "ept"}
    for mpn, owners in frames.owners.items():
        assert all(m.views.vmm_mpn(vm_name, g) == mpn for vm_name, g in owners)
    names = {n for ns in frames.names.values() for n in ns}
    assert names == {"a", "b", "c"}
    assert frames.gpt
    for mpn, (level, vm_name) in frames.gpt.items():  # it backs a guest table page of that level
        assert any(vm(scene, vm_name).pt_level.get(g, (0,))[0] == level for vmn, g in frames.owners[mpn] if vmn == vm_name)
    _m, h2, figure_view = esxi(mode, 4, data_only=True)
    links = [lk for v in figure_view.vms for lk in F.gpa_row(figure_view, v, 0.0, h2).links]
    only = F.machine_frames(figure_view, links, [0x3f])
    assert only.tables == {} and only.owners[0x3f] == []  # a frame only a shadow arrow reaches


def test_the_machine_layout_is_mpn_order_with_gaps_and_with_slots_every_slot():
    frames = F.Frames({5: [("VM1", 1)], 6: [("VM1", 2)], 9: [("VM2", 1)]}, {}, {}, {7: ("spt", "VM1", 4)})
    row = F.ma_layout(frames, None)
    assert row == [("ma-5", F.PAGE_W, 5), ("ma-6", F.PAGE_W, 6), ("ma-7", F.TABLE_W, 7),
                   ("gap-ma-8-8", F.MA_GAP_W, -1), ("ma-9", F.PAGE_W, 9)]
    slotted = F.ma_layout(frames, (2, 5, 6, 7, 9, 12))
    assert [m for _id, _w, m in slotted if m >= 0] == [2, 5, 6, 7, 9, 12]
    assert {w for _id, w, m in slotted if m >= 0} == {F.PAGE_W}  # one width for all: places do not move
    big = F.ma_layout(F.Frames({0x200: [("VM1", 0)], 0x400: [("VM1", 0x200)]}, {}, {}, {}), None,
                      frozenset({0x200}))
    assert big == [("ma-200", F.LARGE_W, 0x200), ("ma-400", F.PAGE_W, 0x400)]  # no gap after a block's 512


def test_the_machine_row_is_centred_under_the_vms_and_never_in_the_margin():
    _m, _h, scene = esxi(Mode.NESTED, 4)
    row = [("ma-1", 40.0, 1), ("ma-2", 40.0, 2)]  # 83 wide
    x = F.ma_row_x(scene, row, 1000.0, None)
    assert x + 83 / 2 == pytest.approx((F.LABEL_W + 1000.0) / 2)
    assert F.ma_row_x(scene, row * 30, 200.0, None) == F.LABEL_W
    titles = F.ma_row_x(scene, row, 1000.0, (1, 2))  # slots: under the titles, whatever the VMs hold
    assert titles == F.ma_row_x(scene, row, 5000.0, (1, 2)) != x


@pytest.mark.parametrize("mode", MODES)
def test_machine_pages_say_what_they_hold(mode):
    m, h = state("esxi-figure", mode, 12)
    scene = F.scene_of(m)  # no page names: they would stand where the content is said
    links = [lk for v in scene.vms for lk in F.gpa_row(scene, v, 0.0, h).links]
    frames = F.machine_frames(scene, links)
    kinds = set()
    for mpn in set(frames.owners) | set(frames.tables):
        b = F.ma_page(scene, frames, mpn, 0.0, F.PAGE_W)
        cls = b.classes.split()
        assert b.top == f"0x{mpn << PAGE_SHIFT:x}" and b.y == scene.ma_y and b.tooltip.startswith(f"MA {b.top} ")
        owners = frames.owners.get(mpn, [])
        for vm_name, g in owners:
            assert t("dia.tip.backs", "en", vm=vm_name, gpa=g << PAGE_SHIFT) in b.tooltip.splitlines()
        if mpn in frames.tables:
            kind, vm_name, level = frames.tables[mpn]
            assert kind in cls and b.bottom.endswith(F.LEVEL_NAMES[level]) and vm_name in b.tooltip
            assert b.fill == (F.FILL_SPT if kind == "spt" else F.FILL_EPT)
            kinds.add(kind)
        elif len(owners) > 1 or any(m.views.page_state(*o) is PageState.SHARED for o in owners):
            assert "shared" in cls and b.fill == F.FILL_SHARED and b.bottom == t("dia.shared_n", "en", n=len(owners))
            kinds.add("shared")
        elif mpn in frames.gpt:
            level, vm_name = frames.gpt[mpn]
            assert "gpt" in cls and b.fill == F.FILL_GPT and b.bottom == f"{F.LEVEL_NAMES[level]} {vm_name}"
            kinds.add("gpt")
        else:
            index = vm(scene, owners[0][0]).index
            assert b.fill == F.VM_FILLS[index % len(F.VM_FILLS)] and cls == ["page", "ma"]
            kinds.add("data")
    assert kinds == {"spt" if mode is Mode.SHADOW else "ept", "shared", "gpt", "data"}
    labelled = F.scene_of(m, F.View(labels=builtin("esxi-figure").labels))
    frames = F.machine_frames(labelled, [lk for v in labelled.vms for lk in F.gpa_row(labelled, v, 0.0, h).links])
    named = {mpn: F.ma_page(labelled, frames, mpn, 0.0, F.PAGE_W) for mpn in frames.names}
    assert {b.top for b in named.values()} >= {"a", "c"} and all(b.font == F.LABEL_FONT for b in named.values())
    assert all(b.bottom == f"0x{mpn << PAGE_SHIFT:x}" for mpn, b in named.items())


def test_the_machine_row_marks_the_access_the_walked_tables_and_the_changed_frames():
    m, h, scene = esxi(Mode.NESTED, 1)
    assert h.mpn is not None and h.walked_ma and h.changed_ma
    links = [lk for v in scene.vms for lk in F.gpa_row(scene, v, 0.0, h).links]
    row = F.ma_row(scene, F.machine_frames(scene, links), 900.0, h)
    boxes = {b.id: b for b in row.boxes}
    assert "current" in boxes[F.ma_id(h.mpn)].classes.split()
    for mpn in h.walked_ma:
        assert "walked" in boxes[F.ma_id(mpn)].classes.split()
    for mpn in h.changed_ma:
        assert "changed" in boxes[F.ma_id(mpn)].classes.split()
    assert [b.id for b in row.boxes if "current" in b.classes.split()] == [F.ma_id(h.mpn)]
    assert in_a_row(row.boxes) and row.end == right(row.boxes[-1]) and row.slots is None


def test_slots_not_in_use_are_placeholders_free_or_not_drawn():
    s = builtin("esxi-figure")
    m, h = state("esxi-figure", Mode.SHADOW, 1)
    slots = F.ma_slots(s.config, s.trace, True)
    scene = F.scene_of(m, F.View(data_only=True, labels=s.labels, ma_slots=slots))
    links = [lk for v in scene.vms for lk in F.gpa_row(scene, v, 0.0, h).links]
    frames = F.machine_frames(scene, links)
    assert F.row_slots(scene, frames) == slots
    row = F.ma_row(scene, frames, 900.0, h)
    assert [b.id for b in row.boxes if not b.text] == [F.ma_id(p) for p in slots] and row.slots == slots
    placeholders = [b for b in row.boxes if "slot" in b.classes.split()]
    assert placeholders and all(b.fill == F.FILL_EMPTY and b.border == F.EMPTY_BORDER for b in placeholders)
    free = F.ma_slot_box(0x13, 0.0, 0.0, F.PAGE_W, free=True, lang="de")
    busy = F.ma_slot_box(0x13, 0.0, 0.0, F.PAGE_W, free=False)
    assert free.bottom == t("dia.free", "de") and "free" in free.classes.split()
    assert busy.bottom == "" and "free" not in busy.classes.split()
    short = F.scene_of(m, F.View(data_only=True, labels=s.labels, ma_slots=slots[:1]))
    assert F.row_slots(short, frames) is None  # a frame the slots did not foresee: frames in use
    blocks = dataclasses.replace(scene, ma_large=frozenset({0x200}))
    assert F.row_slots(blocks, frames) is None  # a 2 MiB block is drawn wide: frames in use


# -- row names and captions ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_row_names_stand_in_the_margin_at_each_rows_height(lang):
    _m, _h, scene = esxi(Mode.NESTED, 1, compact=True)
    names = F.row_names(scene, lang)
    assert [b.id for b in names] == ["row-gva", "row-gpa", "row-ma"]
    assert [b.y for b in names] == [F.ROW_GVA_Y, scene.gpa_y, scene.ma_y]
    assert all(b.text and b.anchor == "start" and b.x + b.w <= F.LABEL_W for b in names)
    assert len({b.top for b in names}) == 3


def test_the_caption_counts_the_frames_and_then_the_pages_left_out():
    m, _h, scene = esxi(Mode.SHADOW, 4)
    used, total = m.views.frames()
    (caption,), end = F.ma_captions(scene, None, 0)
    assert f"{used} of {total}" in caption.top and caption.y < scene.ma_y - F.PAGE_H / 2  # under the row
    assert end == F.LABEL_W + 2 + F.text_width(caption.top, 8.5)
    boxes, end2 = F.ma_captions(scene, None, 17, "de")
    assert [b.id for b in boxes] == ["ma-caption", "more"] and "17" in boxes[1].top
    assert boxes[1].x > F.LABEL_W + 2 + F.text_width(boxes[0].top, 8.5)  # after the caption, not over it
    assert end2 > boxes[1].x
    assert F.ma_captions(esxi(Mode.SHADOW, 4, compact=True)[2], None, 17) == ([], 0.0)
    slotted = F.ma_captions(scene, (1, 2), 0)[0][0].top
    assert slotted != caption.top


# -- the arrows -----------------------------------------------------------------------------------
def box(nid: str, x: float, y: float, w: float = F.PAGE_W) -> F.Box:
    return F.Box(nid, x, y, w, F.PAGE_H, tooltip=f"{nid} says\nmore")


def test_arrow_tips_fan_out_over_a_shared_head_in_the_order_of_their_tails():
    boxes = {b.id: b for b in (box("t1", 300, 0), box("t2", 100, 0), box("t3", 200, 0), box("h", 200, -100),
                               box("solo", 500, -100))}
    arrows = [F.EdgeSpec("t1", "h", "vmm-map"), F.EdgeSpec("t2", "h", "vmm-map"), F.EdgeSpec("t3", "h", "vmm-map"),
              F.EdgeSpec("t1", "solo", "vmm-map"), F.EdgeSpec("t1", "missing", "vmm-map")]
    tips = F.arrow_tips(arrows, boxes)
    assert set(tips) == {0, 1, 2, 3}  # no tip for an arrow to a box not drawn
    assert tips[1] < tips[2] < tips[0] and tips[2] == 200  # left tail, left tip; symmetric about the head
    assert tips[0] - tips[1] == pytest.approx(min(F.PAGE_W * 0.6, 16.0))
    assert tips[3] == 500
    narrow = dict(boxes, h=box("h", 200, -100, w=20))  # a narrow head: the fan spans 60 % of it
    tips = F.arrow_tips(arrows, narrow)
    assert tips[0] - tips[1] == pytest.approx(20 * 0.6)


def test_an_arrow_runs_from_the_bottom_of_its_tail_to_the_top_of_its_head():
    tb, hb = box("t", 100, 0), box("h", 300, -200)
    for cls, lane in (("guest-map", None), ("vmm-map", None), ("shadow-map", None), ("shadow-map", 400.0)):
        pts, end = F.arrow_path(cls, tb, hb, 310.0, -92.0, lane)
        assert (len(pts) // 2 - 1) % 3 == 0  # 3n + 1 control points
        assert pts[1] == -F.PAGE_H / 2 and end == (310.0, -200 + F.PAGE_H / 2)
        assert pts[-2:] == (310.0, end[1] + F.ARROW)
        assert pts[0] == 100 + {"shadow-map": 8, "guest-map": -4}.get(cls, 0)
        if cls == "shadow-map":
            ys = pts[1::2]
            below = -92.0 - F.PAGE_H / 2
            if lane is None:  # straight down past the gPA row, then across
                assert pts[0::2][:4] == (108.0,) * 4 and ys[3] < below
            else:  # down the lane, past the row
                xs = pts[0::2]
                assert any(x == lane and y <= below for x, y in zip(xs, ys, strict=True))


def test_arrow_style_current_thick_and_orange_many_faint():
    assert F.arrow_style("guest-map", False) == (F.GUEST_MAP, 1.0)
    assert F.arrow_style("shadow-map", False) == (F.SHADOW_MAP, 1.1)
    assert F.arrow_style("vmm-map", True) == (F.CURRENT, 2.6)
    assert F.arrow_style("vmm-map", False, faint=True) == (F.VMM_MAP + "66", 0.8)
    assert F.arrow_style("vmm-map", True, faint=True) == (F.CURRENT, 2.6)


def test_an_arrows_title_says_what_it_means_between_which_pages():
    tb, hb = box("t", 0, 0), box("h", 0, -100)
    shadow = F.arrow_title(F.EdgeSpec("t", "h", "shadow-map", True), tb, hb, Mode.SHADOW)
    assert shadow.endswith("t says → h says (the current access)") and shadow.lower().startswith("shadow")
    nested = F.arrow_title(F.EdgeSpec("t", "h", "vmm-map"), tb, hb, Mode.NESTED, "de")
    pmap = F.arrow_title(F.EdgeSpec("t", "h", "vmm-map"), tb, hb, Mode.SHADOW, "de")
    assert nested != pmap and nested.endswith(": t says → h says")
    assert F.arrow_title(F.EdgeSpec("t", "h", "guest-map"), F.Box("t", 0, 0, 1, 1, top="a"), hb,
                         Mode.SHADOW).endswith(": a → h says")


def test_edges_draw_the_current_path_last_and_only_between_drawn_boxes():
    m, h, scene = esxi(Mode.SHADOW, 5)
    fig = F.figure(m, h, "en", scene.view)
    boxes = {b.id: b for b in fig.boxes}
    arrows = [F.EdgeSpec(e.tail, e.head, e.cls.split()[0], "current" in e.cls) for e in fig.edges]
    arrows.insert(0, F.EdgeSpec("gva-VM1-p1-400", "ma-nowhere", "shadow-map"))
    out = F.edges(scene, arrows, boxes)
    cur = ["current" in e.cls for e in out]
    assert len(out) == len(fig.edges) and sum(cur) == 3 and cur == sorted(cur)  # gVA→gPA→MA and the shadow one
    assert {e.colour for e in out if "current" in e.cls} == {F.CURRENT}
    assert all(e.dashed == e.cls.startswith("shadow-map") for e in out)
    many = F.edges(scene, arrows * 6, boxes)
    assert len(many) > F.DIM_EDGES and {e.pen for e in many if "current" not in e.cls} == {0.8}


def test_in_the_figure_view_each_shadow_arrow_takes_its_own_lane():
    m, h, scene = esxi(Mode.SHADOW, 12, data_only=True)
    part = F.vm_part(scene, vm(scene, "VM1"), F.LABEL_W, h)
    shadow = [a for a in part.arrows if a.cls == "shadow-map"]
    assert len(part.lanes) == len(shadow) >= 2
    fig = F.figure(m, h, "en", scene.view)
    boxes = {b.id: b for b in fig.boxes}
    out = [e for e in F.edges(scene, shadow, boxes, part.lanes) if e.cls.startswith("shadow-map")]
    lane_xs = {x for _vn, x in part.lanes}
    used = [next(x for x in e.points[0::2] if x in lane_xs) for e in out]
    assert sorted(used) == sorted(lane_xs)  # one lane each, none shared


# -- the text, fitted ---------------------------------------------------------------------------------
def test_text_that_fits_stays_as_it_is():
    assert F.fit_text("0x1000", 8.5, 42, 6) == ("0x1000", 8.5)
    assert F.fit_text("two\nlines that are far too long for it", 8.5, 10, 6)[1] == 8.5
    assert F.fit_text("", 8.5, 1, 6) == ("", 8.5)


def test_text_too_wide_shrinks_to_the_minimum_then_gets_an_ellipsis():
    text, size = F.fit_text("0x7fff0000", 8.5, 40, 6)
    assert text == "0x7fff0000" and 6 <= size < 8.5 and F.text_width(text, size) <= 40
    text, size = F.fit_text("a page name much too long for a box", 8.5, 40, 6)
    assert size == 6 and text.endswith("…") and F.text_width(text, size) <= 40
    assert F.fit_text("a page name much too long for a box", 8.5, 40, 9.0)[1] == 9.0  # never below the floor


def test_a_box_first_drops_a_table_pages_process_name():
    b = F.Box("gpa-VM1-0", 0, 0, F.PAGE_W, F.PAGE_H, top="0x0", bottom="PML4 editor WP", bottom_font=7.5)
    top, font, bottom, bottom_font = F.fitted(b, F.MIN_FIT_FONT)
    assert (top, font, bottom, bottom_font) == ("0x0", 8.5, "PML4 WP", 7.5)
    label = F.Box("row-gva", 0, 0, 10, 10, top="a row name far wider than its box", text=True)
    assert F.fitted(label, F.MIN_FIT_FONT) == (label.top, label.font, "", label.bottom_font)


# -- the composition ----------------------------------------------------------------------------------
@pytest.mark.parametrize("data_only", [False, True], ids=["all-pages", "figure-view"])
@pytest.mark.parametrize("mode", MODES)
def test_the_figure_is_the_parts_composed(mode, data_only):
    m, h, scene = esxi(mode, 12, data_only=data_only)
    fig = F.figure(m, h, "de", scene.view)
    x, ids, arrows, links, frames = F.LABEL_W, [], [], [], []
    for v in scene.vms:
        part = F.vm_part(scene, v, x, h, "de")
        ids += [b.id for b in part.boxes]
        arrows += part.arrows
        links += part.links
        frames += part.shadow_frames
        x = part.area.x1 + F.VM_SEP
    row = F.ma_row(scene, F.machine_frames(scene, links, frames), x - F.VM_SEP, h, "de")
    ids += [b.id for b in row.boxes] + [b.id for b in F.row_names(scene, "de")] + \
        [b.id for b in F.ma_captions(scene, row.slots, fig.hidden, "de")[0]]
    assert [b.id for b in fig.boxes] == ids
    drawn = [a for a in arrows if a.tail in ids and a.head in ids]
    assert sorted((e.tail, e.head) for e in fig.edges) == sorted((a.tail, a.head) for a in drawn)
    assert min(b.y - b.h / 2 for b in fig.boxes) >= 0 and max(b.y + b.h / 2 for b in fig.boxes) <= fig.height
    assert max(b.x + b.w / 2 for b in fig.boxes if not b.text) <= fig.width
    dot = D.to_dot(fig)
    current = edges_of(dot, "current")
    assert (F.gva_id(h.vm, h.process, h.gvpn), F.gpa_id(h.vm, h.gppn)) in current
    assert (F.gpa_id(h.vm, h.gppn), F.ma_id(h.mpn)) in current
    assert ('class="shadow-map' in dot) == (mode is Mode.SHADOW)
    classes = node_classes(dot)
    assert ("spt" in set().union(*classes.values())) == (mode is Mode.SHADOW and not data_only)


def test_a_capped_row_always_shows_the_current_access():
    """A VM with more pages in use than a row holds: the current access's page is drawn even when
    more than eight other wanted pages lie beyond the cap."""
    from visualizer.engine.events import PageState
    from visualizer.render.figure import ROW_CAP, _shown_gppns, _VmView
    pages = 4 * ROW_CAP
    state = tuple(PageState.PRIVATE for _ in range(pages))
    v = _VmView("VM1", 0, pages, state, tuple(range(pages)))
    wanted = set(range(ROW_CAP, ROW_CAP + 40)) | {pages - 1}
    shown, hidden = _shown_gppns(v, wanted, current=pages - 1)
    assert pages - 1 in shown and shown == sorted(shown)
    assert len(shown) + hidden == pages
    shown, _ = _shown_gppns(v, wanted)
    assert pages - 1 not in shown  # without it the cap would leave it out
