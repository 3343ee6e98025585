"""The machine row keeps each frame in its place (View.ma_slots), and a step's changed pages show.

A lecturer stepping through ``esxi-figure`` in the figure view saw page a's machine box move
644 → 696 → 747 → 799 px over steps 1–4 (every frame re-centred whenever one came or went), and
nothing marked at the share and swap-out steps, which make no memory access.
"""
from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from dot_parse import node_classes
from visualizer.engine import Mode, Op, OpKind, Trace, builtin, builtin_names
from visualizer.render import dot as D
from visualizer.render import figure as F
from visualizer.render.legend import legend_html
from visualizer.render.svg import figure_svg

MODES = (Mode.SHADOW, Mode.NESTED)
NS = "{http://www.w3.org/2000/svg}"


def states(name: str, mode: Mode):
    """(step number, machine, record) after each operation of a built-in (one machine, stepped
    on: use each state before asking for the next)."""
    s = builtin(name)
    m = s.machine(mode)
    for i in range(len(s.trace)):
        rec = m.execute(s.trace[i], i)
        yield i + 1, m, rec


def ma_x(fig: F.Figure) -> dict[str, float]:
    return {b.id: b.x for b in fig.boxes if b.id.startswith("ma-") and not b.text}


@pytest.mark.parametrize("compact", [True, False], ids=["lecture", "page"])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_machine_boxes_keep_their_x_at_every_step_and_in_both_modes(lang, compact):
    s = builtin("esxi-figure")
    slots = F.ma_slots(s.config, s.trace, data_only=True)
    assert slots == (0x0, 0xc, 0x13, 0x1c)  # a, b, c and the copy b gets on write
    view = F.View(data_only=True, labels=s.labels, compact=compact, ma_slots=slots)
    places: dict[Mode, list[dict[str, float]]] = {}
    for mode in MODES:
        places[mode] = []
        for step, m, rec in states("esxi-figure", mode):
            xs = ma_x(F.figure(m, F.highlight_of(rec, m), lang, view))
            assert set(xs) == {F.ma_id(p) for p in slots}, (mode, step)
            places[mode].append(xs)
        assert all(xs == places[mode][0] for xs in places[mode]), f"{mode.value}: a machine box moved"
    assert places[Mode.SHADOW] == places[Mode.NESTED]  # side by side, the rows line up


def test_without_slots_the_row_is_the_frames_in_use_centred_as_before():
    """Today's layout: only frames in use, re-centred as they come and go (the goldens keep it)."""
    s = builtin("esxi-figure")
    view = F.View(data_only=True, labels=s.labels, compact=True)
    a_x, drawn = [], []
    for _step, m, rec in itertools.islice(states("esxi-figure", Mode.SHADOW), 4):
        fig = F.figure(m, F.highlight_of(rec, m), "en", view)
        a_x.append(ma_x(fig)[F.ma_id(0x1c)])
        drawn.append(len(ma_x(fig)))
        assert not any("slot" in b.classes for b in fig.boxes)
    assert drawn == [1, 2, 3, 4] and len(set(a_x)) == 4  # the lecturer's report, kept without slots


def test_a_free_slot_is_a_faint_placeholder_named_free():
    s = builtin("esxi-figure")
    slots = F.ma_slots(s.config, s.trace, data_only=True)
    view = F.View(data_only=True, labels=s.labels, ma_slots=slots)
    _step, m, rec = next(states("esxi-figure", Mode.SHADOW))  # step 1: only a's frame in use
    for lang, word in (("en", "free"), ("de", "frei")):
        fig = F.figure(m, F.highlight_of(rec, m), lang, view)
        boxes = {b.id: b for b in fig.boxes}
        for p in (0x0, 0xc, 0x13):
            b = boxes[F.ma_id(p)]
            assert "slot" in b.classes and "free" in b.classes and "page" not in b.classes
            assert b.bottom == word and b.fill == F.FILL_EMPTY and b.border == F.EMPTY_BORDER
        assert "page" in boxes[F.ma_id(0x1c)].classes
        caption = boxes["ma-caption"].top
        assert ("keeps its place" if lang == "en" else "behält ihren Platz") in caption
        assert F.LABEL_W + F.text_width(caption, 8.5) <= fig.width  # not cut off


@pytest.mark.parametrize("name", [n for n in builtin_names() if n != "tlb-reach"])
@pytest.mark.parametrize("data_only", [True, False], ids=["figure-view", "all-pages"])
def test_slots_foresee_every_frame_the_figure_draws(name, data_only):
    """No step falls back to the frames-in-use layout: every frame drawn has its slot."""
    s = builtin(name)
    slots = F.ma_slots(s.config, s.trace, data_only)
    assert slots is not None and len(slots) <= F.SLOT_MAX_FRAMES
    view = F.View(data_only=data_only, labels=s.labels, ma_slots=slots)
    for mode in MODES:
        first = None
        for step, m, rec in states(name, mode):
            fig = F.figure(m, F.highlight_of(rec, m), "en", view)
            xs = ma_x(fig)
            assert set(xs) == {F.ma_id(p) for p in slots}, (mode.value, step)
            first = first or xs
            assert xs == first, (mode.value, step)


def test_slots_are_skipped_for_long_traces_many_frames_and_2mib_machine_pages():
    big = builtin("tlb-reach")  # 2,000 operations touching hundreds of frames
    assert F.ma_slots(big.config, big.trace, True) is None
    s = builtin("esxi-figure")
    ops = [s.trace[i] for i in range(4)]
    ops += [Op(OpKind.READ, "VM1", "p1", 0x400000, 0)] * (F.SLOT_MAX_OPS + 1 - len(ops))
    assert F.ma_slots(s.config, Trace.from_ops(ops), True) is None
    assert F.ma_slots(s.config, Trace.from_ops(ops[:F.SLOT_MAX_OPS]), True) == (0x0, 0xc, 0x13, 0x1c)
    assert F.ma_slots(replace(s.config, ept_large_pages=True), s.trace, True) is None


def test_slots_that_miss_a_frame_fall_back_to_the_frames_in_use():
    s = builtin("esxi-figure")
    m, rec = _step("esxi-figure", Mode.NESTED, 4)  # four frames in use
    plain = F.figure(m, F.highlight_of(rec, m), "en", F.View(data_only=True, labels=s.labels))
    short = F.figure(m, F.highlight_of(rec, m), "en", F.View(data_only=True, labels=s.labels, ma_slots=(0x0, 0xc)))
    assert ma_x(short) == ma_x(plain)
    assert D.to_dot(short) == D.to_dot(plain)


def test_a_trace_with_an_added_access_gets_slots_for_it():
    """The page passes the session's trace (with accesses added by the form): its frames count."""
    s = builtin("esxi-figure")
    ops = [s.trace[i] for i in range(len(s.trace))] + [Op(OpKind.WRITE, "VM1", "p1", 0x402000, 5)]
    slots = F.ma_slots(s.config, Trace.from_ops(ops), True)
    assert set(slots) > {0x0, 0xc, 0x13, 0x1c} and len(slots) == 5


# -- changed pages ------------------------------------------------------------------------------------
def _step(name: str, mode: Mode, n: int):
    for step, m, rec in states(name, mode):
        if step == n:
            return m, rec
    raise AssertionError(n)


def _svg_nodes(svg: str) -> dict[str, tuple[set, dict]]:
    """SVG node id → (classes, its rect's attributes)."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{NS}g"):
        cls = (g.get("class") or "").split()
        if "node" in cls:
            rect = next(g.iter(f"{NS}rect"), None)
            out[g.get("id")] = (set(cls), rect.attrib if rect is not None else {})
    return out


def _dot_attrs(dot: str, nid: str) -> str:
    return re.search(rf'^\s*"{re.escape(nid)}" \[(.*)\];$', dot, flags=re.M).group(1)


CHANGED = {
    8: ({F.gpa_id("VM1", 5), F.gpa_id("VM2", 4), F.ma_id(0x0)}, F.ma_id(0x13)),  # share: b; VM2's old b frame freed
    11: ({F.gpa_id("VM2", 5)}, F.ma_id(0xc)),  # swap_out: c; its frame freed
}


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
@pytest.mark.parametrize("step", sorted(CHANGED))
@pytest.mark.parametrize("data_only", [True, False], ids=["figure-view", "all-pages"])
def test_changed_pages_are_marked_in_both_renderers(step, mode, data_only):
    s = builtin("esxi-figure")
    m, rec = _step("esxi-figure", mode, step)
    h = F.highlight_of(rec, m)
    assert h.gvpn is None  # no memory access: nothing else is highlighted
    pages, freed = CHANGED[step]
    slots = F.ma_slots(s.config, s.trace, data_only)
    for view in (F.View(data_only=data_only, labels=s.labels),
                 F.View(data_only=data_only, labels=s.labels, ma_slots=slots)):
        fig = F.figure(m, h, "en", view)
        marked = pages | ({freed} if view.ma_slots else set())
        svg, dot = _svg_nodes(figure_svg(fig)), D.to_dot(fig)
        classes = node_classes(dot)
        assert {n for n, c in classes.items() if "changed" in c} == marked
        assert freed in classes if view.ma_slots else freed not in classes
        for nid in marked:
            cls, rect = svg[nid]
            assert "changed" in cls
            assert rect["stroke"] == F.CURRENT and "stroke-dasharray" in rect, nid
            attrs = _dot_attrs(dot, nid)
            assert 'style="filled,dashed"' in attrs and f'color="{F.CURRENT}"' in attrs, nid
        # the rest keep their own borders: the mark says what changed, nothing more
        others = [n for n, (c, r) in svg.items() if n.startswith(("gpa-", "ma-")) and n not in marked]
        assert others and all(svg[n][1].get("stroke") != F.CURRENT for n in others)
        tips = {b.id: b.tooltip for b in fig.boxes}
        assert all("changed in this step" in tips[n] for n in marked)


def test_the_current_access_keeps_its_solid_border_when_it_also_changed():
    m, rec = _step("esxi-figure", Mode.SHADOW, 12)  # the read that swaps c back in
    fig = F.figure(m, F.highlight_of(rec, m), "en", F.View(data_only=True))
    c = next(b for b in fig.boxes if b.id == F.gpa_id("VM2", 5))
    assert "current" in c.classes and "changed" in c.classes
    assert c.border == F.CURRENT and c.pen == 2.4 and not c.dashed


def test_legend_explains_the_changed_mark_in_english_and_german():
    en, de = legend_html(Mode.SHADOW, "en"), legend_html(None, "de")
    assert 'data-key="changed"' in en and "changed in this step" in en and "stroke-dasharray" in en
    assert 'data-key="changed"' in de and "in diesem Schritt geändert" in de
