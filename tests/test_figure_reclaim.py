"""The diagram where the host reclaims memory (built-in ``overcommit``): every guest-physical page
drawn in its pmap state (ballooned, compressed), the compression cache's machine frames, the
guest-virtual pages the guest paged out to its own disk; the legend's marks for them; the host's
memory state beside the step's summary. Checked against the engine's own views at every step."""
from __future__ import annotations

import functools

import pytest

from dot_parse import edges_of, node_classes
from visualizer.engine import Mode, builtin
from visualizer.engine.events import HostState, PageState
from visualizer.engine.memory import PAGE_SHIFT
from visualizer.render import dot as D
from visualizer.render import figure as F
from visualizer.render import tables as T
from visualizer.render.legend import legend_html

MODES = (Mode.SHADOW, Mode.NESTED)
STATE_CLASS = {PageState.BALLOONED: "ballooned", PageState.COMPRESSED: "compressed", PageState.SWAPPED: "swapped",
               PageState.SHARED: "shared"}


@functools.cache
def steps(mode: Mode) -> list:
    """(machine clone, record) after every operation of ``overcommit``."""
    s = builtin("overcommit")
    m = s.machine(mode)
    out = []
    for i in range(len(s.trace)):
        rec = m.execute(s.trace[i], i)
        out.append((m.clone(), rec))
    return out


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_every_page_is_drawn_in_its_state_at_every_step(mode):
    seen: set[str] = set()
    for k, (m, rec) in enumerate(steps(mode), 1):
        dot = D.to_dot(F.figure(m, F.highlight_of(rec, m)))
        classes = node_classes(dot)
        vmm = {tail for tail, _ in edges_of(dot, "vmm-map")}
        guest = {tail for tail, _ in edges_of(dot, "guest-map")}
        for v in m.views.vms():
            for g, st in enumerate(v.state):
                nid = F.gpa_id(v.name, g)
                assert st.value in classes[nid], f"step {k}: {nid} is {st.value}, drawn {classes[nid]}"
                if st in (PageState.BALLOONED, PageState.COMPRESSED, PageState.SWAPPED, PageState.UNMAPPED):
                    assert nid not in vmm, f"step {k}: {nid} ({st.value}) has no machine page, yet an arrow"
                seen |= {st.value} & classes[nid]
            zc = m.views.compression_cache(v.name)
            for mpn, _gppns in zc.items():
                assert "zcache" in classes[F.ma_id(mpn)], f"step {k}: MA 0x{mpn << PAGE_SHIFT:x}"
            assert sorted(g for gs in zc.values() for g in gs) == \
                [g for g, st in enumerate(v.state) if st is PageState.COMPRESSED]
            for p in v.processes:
                disk = m.views.guest_swapped(v.name, p.name)
                drawn = {n for n, c in classes.items() if "guest-swapped" in c and n.startswith(f"gva-{v.name}-{p.name}-")}
                assert drawn == {F.gva_id(v.name, p.name, gvpn) for gvpn, _slot in disk}, f"step {k}"
                assert not drawn & guest, f"step {k}: a page on the guest's disk has no gPA, yet an arrow"
                for gvpn, _slot in disk:  # the guest's own tables say so: not present
                    assert m.views.guest_translate(v.name, p.name, gvpn << PAGE_SHIFT) is None
            seen |= {"guest-swapped"} if any(m.views.guest_swapped(v.name, p.name) for p in v.processes) else set()
        zframes = {mpn for v in m.views.vms() for mpn in m.views.compression_cache(v.name)}
        assert {int(n[3:], 16) for n, c in classes.items() if "zcache" in c} == zframes
    assert {"ballooned", "compressed", "swapped", "shared", "guest-swapped"} <= seen  # every technique once


def test_the_guest_swapped_page_and_the_balloon_are_marked_changed_where_they_happen():
    m, rec = steps(Mode.NESTED)[39]  # step 40: the balloon inflates in every VM, VM1's guest pages one out
    h = F.highlight_of(rec, m)
    fig = F.figure(m, h, "de")
    boxes = {b.id: b for b in fig.boxes}
    out = m.views.guest_swapped("VM1", "p1")
    assert out and h.changed_gva == {("VM1", "p1", gvpn) for gvpn, _ in out}  # a pass after VM2's operation
    b = boxes[F.gva_id("VM1", "p1", out[0][0])]
    assert "changed" in b.classes and b.dashed and b.bottom == "auf Platte"
    assert f"({out[0][1]})" in b.tooltip.replace("Auslagerungsplatz ", "(")
    ballooned = [b for b in fig.boxes if "ballooned" in b.classes]
    assert len(ballooned) == sum(m.views.page_counts(v)["ballooned"] for v in ("VM1", "VM2", "VM3")) > 0
    assert all("changed" in b.classes and b.bottom == "Balloon" for b in ballooned)


def test_compressed_pages_name_their_cache_frame_and_the_frame_names_them():
    m, rec = steps(Mode.SHADOW)[44]
    fig = F.figure(m, F.highlight_of(rec, m), "en")
    boxes = {b.id: b for b in fig.boxes}
    zc = m.views.compression_cache("VM1")
    assert zc
    for mpn, gppns in zc.items():
        frame = boxes[F.ma_id(mpn)]
        assert frame.bottom == "cache VM1" and frame.fill == F.FILL_COMPRESSED
        for g in gppns:
            assert f"holds gPA 0x{g << PAGE_SHIFT:x}" in frame.tooltip
            page = boxes[F.gpa_id("VM1", g)]
            assert page.bottom == "compressed" and page.dashed and f"MA 0x{mpn << PAGE_SHIFT:x}" in page.tooltip


@pytest.mark.parametrize("data_only", [False, True])
def test_the_compression_cache_keeps_a_place_in_the_machine_row(data_only):
    """The run's slots hold the cache frames, so the row keeps its places at every step (no jump
    to the layout of the frames in use when the host compresses)."""
    s = builtin("overcommit")
    slots = F.ma_slots(s.config, s.trace, data_only)
    assert slots is not None
    for mode in MODES:
        for k, (m, _rec) in enumerate(steps(mode), 1):
            scene = F.scene_of(m, F.View(data_only=data_only, ma_slots=slots))
            frames = F.machine_frames(scene, [link for v in scene.vms
                                              for link in F.gpa_row(scene, v, 0, F.Highlight()).links])
            assert set(frames.zcache) <= set(slots), f"{mode.value} step {k}"
            assert F.row_slots(scene, frames) == slots, f"{mode.value} step {k}"


def test_the_lecture_view_uses_the_short_words():
    m, rec = steps(Mode.NESTED)[45]
    fig = F.figure(m, F.highlight_of(rec, m), "de", F.View(compact=True))
    bottoms = {b.bottom for b in fig.boxes if {"compressed", "guest-swapped", "zcache"} & set(b.classes.split())}
    assert bottoms == {"kompr.", "Platte", "Cache"}  # whole words at the lecture's 9 pt, not "kompri…"


def test_legend_has_the_marks_of_reclamation_only_where_the_host_reclaims():
    for lang, words in (("en", ("held by the balloon", "compression cache", "its own virtual disk")),
                        ("de", ("vom Balloon gehaltene", "Kompressions-Cache", "eigene virtuelle Platte"))):
        plain, reclaim = legend_html(Mode.NESTED, lang), legend_html(Mode.NESTED, lang, reclaim=True)
        for key in ("ballooned", "compressed", "zcache", "guest-swapped"):
            assert f'data-key="{key}"' in reclaim and f'data-key="{key}"' not in plain
        assert all(w in reclaim for w in words)
        assert reclaim.count('class="legend-item"') == plain.count('class="legend-item"') + 4


def test_host_state_beside_the_summary_follows_the_engine():
    assert T.host_state_html(None) == ""
    states = set()
    for m, _rec in steps(Mode.NESTED):
        host = m.views.host_state()
        state, free, min_free = host
        html = T.host_state_html(host, "en")
        assert f'data-state="{state.value}"' in html and f'data-free="{free}" data-min-free="{min_free}"' in html
        assert f"({min_free} pages)" in html and ">" + state.value + "<" in html
        states.add(state)
    assert states == set(HostState)  # the built-in passes through every state
    de = T.host_state_html((HostState.SOFT, 1, 6), "de")
    assert "1 Seite frei, 17 % von minFree (6 Seiten)" in de and "Ballooning" in de
    plenty = builtin("esxi-figure").machine(Mode.NESTED)  # its VMs fit the machine: no reclamation, no line
    assert plenty.views.host_state() is None


def test_a_state_held_by_the_hosts_margin_says_so():
    held = T.host_state_html((HostState.HARD, 2, 6), "en")  # 33% of minFree: above 32%, still hard
    assert "still hard" in held and "margin" in held
    assert "still" not in T.host_state_html((HostState.HARD, 1, 6), "en")
    assert "noch low" in T.host_state_html((HostState.LOW, 1, 6), "de")  # 17%: above 16%, still low


@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_a_steps_causes_add_up_to_its_cycles_when_a_pass_follows_it(mode):
    """The pass after an operation is not the operation's: a balloon's paging in another VM (its
    cost is that VM's) is not among the causes of the step's cycles."""
    passes = 0
    for k, (_m, rec) in enumerate(steps(mode), 1):
        assert sum(n for _c, n in T.cycles_by_cause(rec)) == rec.cycles, f"step {k}"
        passes += any(e.kind.value == "reclaim" and e.reason.value == "pass" for e in rec.episodes)
    assert passes >= 10
    m, rec = steps(mode)[39]  # step 40: VM2 writes; VM1's guest pages out for its balloon
    assert "3,001,000" not in T.step_summary(rec, "en")  # the guest swap-out of VM1 is not VM2's step
