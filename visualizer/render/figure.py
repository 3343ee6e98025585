"""The ESXi memory-mapping diagram, placed: machine state + highlight → a :class:`Figure`.

Laid out like Figure 1 of the vSphere documentation ("ESXi memory mapping"): per VM a box with
a row of guest-virtual pages (one group per process) above a row of guest-physical pages in
address order (contiguous, zero-based), and below all VMs one row of machine pages, shared by
every VM and scattered. Solid arrows are the guest OS's page tables (gVA → gPA) and the VMM's
mapping (gPA → MA: the pmap in shadow mode, the nested tables themselves in nested mode); dashed
arrows are the shadow page-table entries present now (gVA → MA, shadow mode only).

The rows are fixed by the figure (address order, MPN order), so there is nothing for a layout
engine to discover: this module places every page itself. Two writers draw the placed figure:
:func:`visualizer.render.dot.to_dot` (DOT with positions, for Graphviz and the exports) and
:func:`visualizer.render.svg.figure_svg` (SVG in Python, for the page).

:func:`figure` only reads the machine, through its read-only views; it never changes it. The
machine row shows the frames in use, centred under the VMs — or, given :func:`ma_slots` (every
frame a whole run draws, in both modes), keeps each frame in one place for the whole run.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional

from ..engine.events import DataAccess, PageState, PmapChange, Stage, WalkRef
from ..engine import Machine, MachineConfig, Mode, OutOfMemory, Step, Trace
from ..engine.memory import PAGE_SHIFT
from ..engine.paging import PS, RW, decode_entry
from ..engine.pmap import NO_MPN
from ..text.i18n import t

FULL_ROW = 32
"""A VM with at most this many guest-physical pages shows every one; larger VMs show the pages
in use, with gap markers for the runs left out."""
ROW_CAP = 256
"""At most this many pages in a VM's gVA row and in its gPA row; the machine row holds the
frames those pages use plus the VMM's table pages."""

# -- colours (the legend uses the same) -------------------------------------------------------
INK = "#263238"
MUTED = "#546e7a"
"""Secondary text: 5.4:1 on white, 5:1 on the VM tints (WCAG AA needs 4.5:1)."""
GUEST_MAP = "#0072b2"
"""Okabe-Ito blue; every colour's meaning is also carried by a row, a line style or a label."""
VMM_MAP = "#007a5a"
"""A darker Okabe-Ito bluish green (4.9:1 on white)."""
SHADOW_MAP = "#8e24aa"
CURRENT = "#e65100"
FILL_GVA = "#e3f2fd"
FILL_PAGE = "#ffffff"
FILL_GPT = "#fff59d"
FILL_SHARED = "#a5d6a7"
FILL_SWAPPED = "#ffcc80"
FILL_SPT = "#e1bee7"
FILL_EPT = "#b2ebf2"
FILL_EMPTY = "#f4f6f7"
EMPTY_BORDER = "#b0bec5"
WP_BORDER = "#c62828"
VM_TINTS = ("#eef4fb", "#fcf0f4", "#f1f7ea", "#fff8e6", "#f4f0f9", "#ebf6f5")
"""Background of each VM's box."""
VM_FILLS = ("#c5ddf5", "#f7cfdd", "#d6eac4", "#ffe6a8", "#ddd0ee", "#c4e4e1")
"""Fill of a VM's private data pages in the machine row: whose page is where, at a glance."""

LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}

# -- geometry, in points (Graphviz's unit; y grows upwards) ------------------------------------
PAGE_W, PAGE_H = 44, 30
TABLE_W = 40
"""Machine pages holding the VMM's own tables (shadow or nested) are drawn a little narrower."""
NARROW_W = 10
"""Unmapped pages of a small VM: drawn narrow and empty."""
GAP_W = 34
MA_GAP_W = 6
SEP = 3
LARGE_W = 3 * PAGE_W + 2 * SEP
"""A 2 MiB page (guest-virtual, guest-physical, or a 2 MiB machine block): one wide box."""
LARGE = 512
"""4 KiB pages in a 2 MiB page."""
GROUP_SEP = 14
VM_SEP = 26
VM_PAD = 12
LABEL_W = 60
"""The left margin holding the row names."""
ROW_GVA_Y = 0
ROW_GPA_Y = -92
ROW_MA_Y = -212
ARROW = 6.0
COMPACT_GPA_Y = -76
COMPACT_MA_Y = -168
"""Row heights of the compact (lecture) view: no title, rows closer together."""
MIN_FIT_FONT = 6.0
"""Text shrunk to fit its box never gets smaller than this (then it is shortened)."""
COMPACT_MIN_FONT = 9.0
"""The smallest text of the compact view, in points (fitted to a 1280 × 720 projector it renders
at about 15 px)."""
LANE_SEP = 7
"""Figure view: the distance between the lanes that shadow arrows take past the gPA row."""
LABEL_FONT = 13.0
"""A page the scenario names (a, b, c) shows the name in this size."""
CHANGED_PEN = 2.0
"""The dashed orange border of a page whose mapping changed in this step (no memory access
need touch it: share and swap-out change pages without one)."""
DIM_EDGES = 60
"""With more arrows than this, all but the current path are drawn faint."""


@dataclass(frozen=True, slots=True)
class View:
    """How much of the machine the diagram draws."""

    data_only: bool = False
    """The vSphere figure's view: data pages only — the guest's page-table pages, the VMM's
    shadow and EPT table pages and their arrows are left out (the same ids, never renamed)."""
    labels: tuple = ()
    """((vm, process, gvpn), name) pairs from the scenario: pages drawn with their names, which
    follow their mappings to the guest-physical and machine rows."""
    compact: bool = False
    """No title, rows closer together (the lecture layout)."""
    ma_slots: Optional[tuple] = None
    """MPNs of every machine frame the whole run draws (:func:`ma_slots`): each keeps its place
    in the machine row at every step and in both modes, a frame not in use now leaves a faint
    placeholder. None: the frames in use now, centred under the VMs (they move as frames come
    and go). Frames the slots did not foresee fall back to the latter."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """What the diagram emphasises: the current access's path and what the step touched."""

    vm: Optional[str] = None
    process: Optional[str] = None
    gvpn: Optional[int] = None
    """The page accessed (None: the step made no data access)."""
    gppn: Optional[int] = None
    mpn: Optional[int] = None
    walked_gpt: frozenset = frozenset()
    """gPPNs (in ``vm``) of guest page-table pages read in this step, by the CPU or the VMM."""
    walked_ma: frozenset = frozenset()
    """MPNs of shadow or nested table pages the CPU read in this step."""
    changed: frozenset = frozenset()
    """(vm, gPPN) whose pmap entry changed in this step (backed, shared, unshared, swapped out
    or in, copied on write)."""
    changed_ma: frozenset = frozenset()
    """MPNs those pmap changes concern: a frame newly in use, one that gained or lost a sharer,
    one freed (drawn only where the view keeps slots for it)."""


def highlight_of(step: Optional[Step], machine: Optional[Machine] = None) -> Highlight:
    """The highlight for a step's record (``machine``: the state after it, to name the process
    when the operation left it implicit)."""
    if step is None:
        return Highlight()
    op = step.op
    process = op.process
    if process is None and machine is not None:
        process = machine.views.current_process(op.vm)
    gpt: set[int] = set()
    ma: set[int] = set()
    changed: set[tuple[str, int]] = set()
    changed_ma: set[int] = set()
    gvpn = gppn = mpn = None
    for ev in step.events:
        cls = ev.__class__
        if cls is WalkRef:
            if ev.stage is Stage.GUEST:
                gpt.add(ev.table >> PAGE_SHIFT)
            else:
                ma.add(ev.table >> PAGE_SHIFT)
        elif cls is DataAccess:
            gvpn, gppn, mpn = ev.gva >> PAGE_SHIFT, ev.gpa >> PAGE_SHIFT, ev.ma >> PAGE_SHIFT
        elif cls is PmapChange:
            changed.add((ev.vm, ev.gppn))
            changed_ma.update(m for m in (ev.old_mpn, ev.new_mpn) if m is not None)
    return Highlight(op.vm, process, gvpn, gppn, mpn, frozenset(gpt), frozenset(ma), frozenset(changed),
                     frozenset(changed_ma))


# -- the machine row's slots ---------------------------------------------------------------------------
SLOT_MAX_OPS = 2000
""":func:`ma_slots` runs traces up to this long (in each mode); longer ones keep the layout of
the frames in use, so that opening a big trace stays fast."""
SLOT_MAX_FRAMES = 64
"""At most this many slots: a run that draws more frames keeps the layout of the frames in use
(a row of mostly empty places would push the pages in use apart)."""
SLOT_MODES = (Mode.SHADOW, Mode.NESTED)


def drawn_frames(machine: Machine, data_only: bool = False) -> set[int]:
    """The MPNs the machine row draws for ``machine`` now (without a highlight): in the figure
    view (``data_only``) the frames of the pages mapped by guest page tables, and in shadow mode
    the frames shadow entries point to; otherwise every frame backing guest-physical memory and
    every page of the VMM's tables."""
    views = machine.views
    out: set[int] = set()
    for vm in views.vms():
        if data_only:
            gppns: set[int] = set()
            for proc in vm.processes:
                for _gvpn, g, pte in views.guest_mappings(vm.name, proc.name):
                    if g < vm.pages:
                        gppns.update(range(g, min(g + LARGE, vm.pages)) if pte & PS else (g,))
            if machine.mode is Mode.SHADOW:
                out.update(m for pname, _gva, m, _e in views.shadow_leaves(vm.name) if pname is not None)
        else:
            gppns = {g for g, mpn in enumerate(vm.mpn) if mpn != NO_MPN}
        for g in gppns:
            m = views.vmm_mpn(vm.name, g)
            if m is not None:
                out.add(m)
    if not data_only:
        out.update(views.table_pages())
    return out


def ma_slots(config: MachineConfig, trace: Trace, data_only: bool = False,
             modes: tuple = SLOT_MODES) -> Optional[tuple[int, ...]]:
    """Every machine frame the diagram of ``trace`` draws, at any step and in any of ``modes``,
    in MPN order: :attr:`View.ma_slots`, so that each frame keeps its place while one steps
    through the run or switches modes (the engine gives a guest page the same machine address
    in both modes). None — the layout of the frames in use — for a trace longer than
    :data:`SLOT_MAX_OPS`, more than :data:`SLOT_MAX_FRAMES` frames, or 2 MiB machine pages.
    Where an operation fails, the run (like the step page's) stops there. Computed once per
    (config, trace object, view) and kept."""
    if len(trace) > SLOT_MAX_OPS or config.ept_large_pages:
        return None
    return _ma_slots(config, trace, bool(data_only), tuple(modes))


@functools.lru_cache(maxsize=32)
def _ma_slots(config: MachineConfig, trace: Trace, data_only: bool, modes: tuple) -> Optional[tuple[int, ...]]:
    # keyed by the trace object itself (a Trace compares by identity): the app's timelines keep theirs
    union: set[int] = set()
    for mode in modes:
        m = Machine(config, mode)
        union |= drawn_frames(m, data_only)
        for i in range(len(trace)):
            try:
                m.execute(trace[i], i)
            except (OutOfMemory, RuntimeError, ValueError):
                break
            union |= drawn_frames(m, data_only)
            if len(union) > SLOT_MAX_FRAMES:
                return None
    return tuple(sorted(union)) if len(union) <= SLOT_MAX_FRAMES else None


# -- the placed picture ----------------------------------------------------------------------------
@dataclass(slots=True)
class Box:
    """A node: a page, a gap marker or a text."""

    id: str
    x: float
    y: float
    w: float
    h: float
    top: str = ""
    bottom: str = ""
    fill: str = FILL_PAGE
    border: str = INK
    pen: float = 0.8
    dashed: bool = False
    classes: str = ""
    tooltip: str = ""
    text: bool = False
    """A label without a box (row names, gap markers)."""
    font: float = 8.5
    font_colour: str = INK
    bottom_colour: str = MUTED
    bottom_font: float = 7.5
    anchor: str = "middle"
    """For texts: "start" puts the text's left end at x."""


@dataclass(slots=True)
class Edge:
    tail: str
    head: str
    cls: str
    points: tuple
    """Spline control points (x0, y0, …, x3, y3) — 3n+1 points — ending where the arrow starts."""
    end: tuple
    """The arrow's tip."""
    colour: str
    pen: float = 1.0
    dashed: bool = False
    title: str = ""
    """What the arrow means, in words (the SVG's <title>, read by screen readers)."""


@dataclass(slots=True)
class Area:
    """A cluster: a VM's box or a process's group."""

    id: str
    x0: float
    y0: float
    x1: float
    y1: float
    label: str
    fill: str
    border: str
    dashed: bool = False
    font: float = 11.0
    bold: bool = False


@dataclass(slots=True)
class Figure:
    title: str
    width: float
    height: float
    areas: list = field(default_factory=list)
    boxes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    hidden: int = 0
    """Pages in use that the figure leaves out (rows are capped at :data:`ROW_CAP`)."""


# -- reading the state (through the engine's read-only views) --------------------------------------
@dataclass(slots=True)
class _VmView:
    name: str
    index: int
    pages: int
    state: tuple
    mpn: tuple
    pt_level: dict = field(default_factory=dict)
    """gPPN of a guest table page → (level, process)."""
    mappings: dict = field(default_factory=dict)
    """process → [(gvpn, gppn, pte)] in gVA order."""
    tracked: frozenset = frozenset()
    """Guest table pages write-protected by the VMM (shadow mode)."""


def _vm_views(machine: Machine) -> list[_VmView]:
    out = []
    views = machine.views
    for vm in views.vms():
        v = _VmView(vm.name, vm.index, vm.pages, vm.state, vm.mpn)
        for proc in vm.processes:
            leaves, levels = views.guest_tables(vm.name, proc.name)
            v.mappings[proc.name] = leaves
            for g, lvl in sorted(levels.items()):
                v.pt_level.setdefault(g, (lvl, proc.name))
        v.tracked = views.write_protected(vm.name)
        out.append(v)
    return out


def _content(word: int) -> str:
    """A short hint of a page's content: its first non-zero word, abbreviated."""
    if not word:
        return ""
    h = f"{word:x}"
    return f"= 0x{h}" if len(h) <= 5 else f"= 0x{h[:4]}…"


def gva_id(vm: str, process: str, gvpn: int) -> str:
    return f"gva-{vm}-{process}-{gvpn:x}"


def gpa_id(vm: str, gppn: int) -> str:
    return f"gpa-{vm}-{gppn:x}"


def ma_id(mpn: int) -> str:
    return f"ma-{mpn:x}"


def text_width(s: str, size: float) -> float:
    return len(s) * size * 0.6


def _shown_gppns(v: _VmView, wanted: set[int], large: frozenset = frozenset()) -> tuple[list[int], int]:
    """gPPNs to draw for a VM, in address order, and how many in-use pages were left out. A guest
    2 MiB page (first gPPN in ``large``) is one box: its first gPPN stands for all 512."""
    if v.pages <= FULL_ROW:
        return list(range(v.pages)), 0
    used = sorted(g for g in wanted | {g for g, s in enumerate(v.state) if s is not PageState.UNMAPPED}
                  if 0 <= g < v.pages and (not large or g & (LARGE - 1) == 0 or g & ~(LARGE - 1) not in large))
    if len(used) <= ROW_CAP:
        return used, 0
    keep = used[:ROW_CAP]
    extra = [g for g in sorted(wanted) if g not in set(keep)][:8]
    return sorted(keep + extra), len(used) - len(keep) - len(extra)


def _spread(xs: list[float], lo: float, width: float = PAGE_W, widths: Optional[list[float]] = None) -> list[float]:
    """Left edges as close to the wanted ``xs`` (least squares) as the order, the spacing and
    the left bound ``lo`` allow: isotonic regression (pool adjacent violators) on
    ``xs[i] - i * step`` (with ``widths``, boxes of different widths: on ``xs[i]`` less the
    widths and gaps before box i)."""
    step = width + SEP
    if widths is not None:
        offs = [0.0]
        for w_ in widths[:-1]:
            offs.append(offs[-1] + w_ + SEP)
        return [y + o for y, o in zip(_pava([x - o for x, o in zip(xs, offs, strict=True)], lo), offs, strict=True)]
    blocks: list[list[float]] = []  # [sum, count]
    for i, x in enumerate(xs):
        blocks.append([x - i * step, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    out: list[float] = []
    for s, c in blocks:
        out.extend([max(s / c, lo)] * int(c))
    return [y + i * step for i, y in enumerate(out)]


def _pava(xs: list[float], lo: float) -> list[float]:
    """Non-decreasing values closest to ``xs`` (least squares), at least ``lo``."""
    blocks: list[list[float]] = []
    for x in xs:
        blocks.append([x, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    out: list[float] = []
    for s, c in blocks:
        out.extend([max(s / c, lo)] * int(c))
    return out


def _curve(x0: float, y0: float, x1: float, y1: float) -> tuple[tuple, tuple]:
    """A vertical S-curve from (x0, y0) down to an arrow tip at (x1, y1)."""
    ys = y1 + ARROW
    k = (y0 - ys) * 0.45
    return (x0, y0, x0, y0 - k, x1, ys + k, x1, ys), (x1, y1)


def _fit(b: Box, min_font: float) -> None:
    """Keep a page's text inside its box: drop what the tooltip also says (a table's process
    name), then shrink the text, then shorten it with an ellipsis."""
    if b.text:
        return
    room = b.w - 2
    if b.bottom and text_width(b.bottom, b.bottom_font) > room:
        words = b.bottom.split(" ")
        if len(words) == 3 and words[0] in LEVEL_NAMES.values():  # "PML4 editor WP" → "PML4 WP"
            b.bottom = f"{words[0]} {words[2]}"
    for attr, size_attr in (("top", "font"), ("bottom", "bottom_font")):
        text, size = getattr(b, attr), getattr(b, size_attr)
        if not text or "\n" in text or text_width(text, size) <= room:
            continue
        size = max(min_font, room / (len(text) * 0.6))
        setattr(b, size_attr, size)
        while text_width(text, size) > room and len(text) > 2:
            text = text[:-2] + "…"
        setattr(b, attr, text)


def _vm_title(v: _VmView) -> str:
    return f"{v.name} · {v.pages} × 4 KiB · gPA 0x0 – 0x{v.pages * 4096 - 1:x}"


def _mark_changed(b: Box, lang: str) -> None:
    """A page this step changed (a pmap change: shared, swapped, backed, freed): a dashed orange
    border, unless it already has the solid one of the current access or of a walked table."""
    b.classes += " changed"
    b.tooltip += "\n" + t("dia.tip.changed", lang)
    if b.border != CURRENT:
        b.border, b.pen, b.dashed = CURRENT, CHANGED_PEN, True


def _name(b: Box) -> str:
    """A page as a screen reader should say it: the first line of its tooltip, else its label."""
    return b.tooltip.split("\n", 1)[0] if b.tooltip else (b.top or b.id)


def _curve_around(x0: float, y0: float, lane_x: float, y_in: float, y_out: float, x1: float,
                  y1: float) -> tuple[tuple, tuple]:
    """From (x0, y0) over to ``lane_x`` above the guest-physical row (``y_in``), straight down the
    lane past the row to ``y_out``, then to the arrow tip at (x1, y1): a shadow arrow that visibly
    skips the guest-physical pages (figure view)."""
    k = (y0 - y_in) * 0.5
    first = (x0, y0, x0, y0 - k, lane_x, y_in + k, lane_x, y_in)
    d = y_in - y_out
    down = (lane_x, y_in - d / 3, lane_x, y_out + d / 3, lane_x, y_out)
    pts, end = _curve(lane_x, y_out, x1, y1)
    return first + down + pts[2:], end


def _curve_below(x0: float, y0: float, y_turn: float, x1: float, y1: float) -> tuple[tuple, tuple]:
    """Straight down from (x0, y0) to ``y_turn``, then an S-curve to the arrow tip at (x1, y1):
    a shadow arrow passes the guest-physical row (behind the page under it) and turns below it."""
    d = y0 - y_turn
    pts, end = _curve(x0, y_turn, x1, y1)
    return (x0, y0, x0, y0 - d / 3, x0, y0 - 2 * d / 3) + pts, end


# -- building the figure ---------------------------------------------------------------------------
def figure(machine: Machine, highlight: Optional[Highlight] = None, lang: str = "en",
           view: Optional["View"] = None) -> Figure:
    """Place the memory-mapping diagram of ``machine`` (``view``: every page, or the vSphere
    figure's data pages only)."""
    h = highlight or Highlight()
    view = view or View()
    data_only = view.data_only
    labels = {k: v for k, v in view.labels}
    gpa_y, ma_y = (ROW_GPA_Y, ROW_MA_Y) if not view.compact else (COMPACT_GPA_Y, COMPACT_MA_Y)
    gpa_labels: dict[tuple[str, int], str] = {}
    for v_ in machine.views.vms():
        for p_ in v_.processes:
            for gvpn_, gppn_, _pte in machine.views.guest_mappings(v_.name, p_.name) if labels else ():
                lab = labels.get((v_.name, p_.name, gvpn_))
                if lab:
                    gpa_labels.setdefault((v_.name, gppn_), lab)
    mode = machine.mode
    views = _vm_views(machine)
    first_word = machine.views.first_word
    table_pages = machine.views.table_pages()
    fig = Figure("" if view.compact else t("dia.title." + mode.value, lang), 0, 0)
    ma_labels: dict[int, list[str]] = {}
    lanes: list[tuple[str, float]] = []  # data-only view: shadow arrows pass the gPA row in a lane
    boxes: dict[str, Box] = {}
    edge_specs: list[tuple[str, str, str, bool]] = []  # tail, head, class, current
    ma_owner: dict[int, list[tuple[str, int]]] = {}
    ma_pt: dict[int, tuple[int, str]] = {}
    x = LABEL_W
    ma_wanted_x: dict[int, list[float]] = {}
    # 2 MiB machine blocks (a 2 MiB EPT leaf): one wide box, id that of its first frame
    ma_large: set[int] = set()
    for v_ in views:
        for blk in machine.views.ept_large_blocks(v_.name):
            first = machine.views.vmm_mpn(v_.name, blk << 9)
            if first is not None:
                ma_large.add(first & ~(LARGE - 1))

    def ma_box(m: int) -> int:
        """The machine box a frame is drawn in: its 2 MiB block's first frame, or itself."""
        return m & ~(LARGE - 1) if ma_large and m & ~(LARGE - 1) in ma_large else m
    h_ma = None if h.mpn is None else ma_box(h.mpn)

    for v in views:
        vm_x0 = x
        rowx = x + VM_PAD
        # guest-physical row first: the gVA row is placed over it
        wanted: set[int] = set() if data_only else set(v.pt_level)
        for leaves in v.mappings.values():
            wanted.update(g for _, g, _ in leaves if g < v.pages)
        # guest 2 MiB pages (their first gPPN): one wide box in the gVA and the gPA row
        glarge = frozenset(g for leaves in v.mappings.values() for _, g, pte in leaves if pte & PS)
        h_gppn = h.gppn if h.vm == v.name else None
        if h_gppn is not None and glarge and h_gppn & ~(LARGE - 1) in glarge:
            h_gppn &= ~(LARGE - 1)
        if h_gppn is not None:
            wanted.add(h_gppn)
        gppns, hidden = (sorted(wanted), 0) if data_only else _shown_gppns(v, wanted, glarge)
        fig.hidden += hidden
        prev = None
        for g in gppns:
            if prev is not None and g > prev + 1 and not data_only:
                gid = f"gap-{v.name}-{prev + 1:x}-{g - 1:x}"
                boxes[gid] = Box(gid, rowx + GAP_W / 2, gpa_y, GAP_W, PAGE_H, top="⋯",
                                 bottom=t("dia.gap", lang, n=g - prev - 1), text=True, font=10,
                                 font_colour=MUTED, classes="gap")
                rowx += GAP_W + SEP
            big = g in glarge
            prev = g + LARGE - 1 if big else g
            st = v.state[g]
            narrow = st is PageState.UNMAPPED and v.pages <= FULL_ROW and g not in wanted
            w = LARGE_W if big else (NARROW_W if narrow else PAGE_W)
            nid = gpa_id(v.name, g)
            b = Box(nid, rowx + w / 2, gpa_y, w, PAGE_H, top="" if narrow else f"0x{g << PAGE_SHIFT:x}",
                    classes=f"page gpa {st.value}" + (" large" if big else ""))
            tip = [f"{v.name} gPA 0x{g << PAGE_SHIFT:x} (gPPN 0x{g:x}): {t('state.' + st.value, lang)}"]
            if big:
                tip[0] = f"{v.name} gPA 0x{g << PAGE_SHIFT:x} · 2 MiB (gPPN 0x{g:x}–0x{g + LARGE - 1:x})"
            if g in v.pt_level:
                level, pname = v.pt_level[g]
                b.fill = FILL_GPT
                b.classes += " gpt"
                b.bottom = LEVEL_NAMES[level] + (f" {pname}" if len(v.mappings) > 1 and level == 4 else "")
                tip.append(t("dia.tip.gpt", lang, level=LEVEL_NAMES[level], proc=pname))
                if g in v.tracked:
                    b.classes += " write-protected"
                    b.border, b.pen = WP_BORDER, 1.8
                    b.bottom += " WP"
                    b.bottom_colour = WP_BORDER
                    tip.append(t("dia.tip.wp", lang))
            if st is PageState.SHARED:
                b.fill, b.bottom = FILL_SHARED, t("dia.shared", lang)
            elif st is PageState.SWAPPED:
                b.fill, b.dashed, b.bottom = FILL_SWAPPED, True, t("dia.swapped", lang)
            elif st is PageState.UNMAPPED and narrow:
                # a page never touched in a small VM: a clean, quiet placeholder
                b.fill, b.border, b.pen, b.font_colour = FILL_EMPTY, EMPTY_BORDER, 0.6, MUTED
            elif st is PageState.UNMAPPED:
                b.dashed, b.border, b.font_colour = True, MUTED, MUTED
                b.bottom = t("dia.unmapped", lang)
            elif big:
                b.bottom = "2 MiB"
            elif g not in v.pt_level:
                b.bottom = _content(first_word(v.mpn[g]))
            lab = gpa_labels.get((v.name, g))
            if lab:
                b.top, b.bottom, b.font = lab, f"0x{g << PAGE_SHIFT:x}", LABEL_FONT
                b.classes += " labelled"
                tip.insert(0, t("dia.tip.page", lang, label=lab))
            if h_gppn == g:
                b.classes += " current"
                b.border, b.pen = CURRENT, 2.4
            elif h.vm == v.name and g in h.walked_gpt:
                b.classes += " walked"
                b.border, b.pen = CURRENT, 1.8
            b.tooltip = "\n".join(tip)
            if (v.name, g) in h.changed:
                _mark_changed(b, lang)
            boxes[nid] = b
            rowx += w + SEP
            # the VMM's mapping: the pmap, or in nested mode the nested tables themselves (a guest
            # 2 MiB page: its parts' frames, or the one 2 MiB machine block backing it)
            heads: list[int] = []
            for part in range(g, g + LARGE) if big else (g,):
                m = machine.views.vmm_mpn(v.name, part)
                if m is not None and ma_box(m) not in heads:
                    heads.append(ma_box(m))
            for m in heads:
                ma_owner.setdefault(m, []).append((v.name, g))
                if lab and lab not in ma_labels.get(m, []):
                    ma_labels.setdefault(m, []).append(lab)
                ma_wanted_x.setdefault(m, []).append(b.x)
                if g in v.pt_level:
                    ma_pt[m] = (v.pt_level[g][0], v.name)
                edge_specs.append((nid, ma_id(m), "vmm-map", h_gppn == g and h_ma == m))
        if prev is not None and prev < v.pages - 1 and v.pages > FULL_ROW and not data_only:
            gid = f"gap-{v.name}-{prev + 1:x}-{v.pages - 1:x}"
            boxes[gid] = Box(gid, rowx + GAP_W / 2, gpa_y, GAP_W, PAGE_H, top="⋯",
                             bottom=t("dia.gap", lang, n=v.pages - 1 - prev), text=True, font=10,
                             font_colour=MUTED, classes="gap")
            rowx += GAP_W + SEP
        gpa_end = rowx - SEP
        # guest-virtual row: each page over its guest-physical page, in process groups
        gx = x + VM_PAD
        shown_gva: set[tuple[str, int]] = set()
        gva_large: set[tuple[str, int]] = set()

        def gva_box(pname: str, gvpn: int, large: set = gva_large) -> int:
            """The gVA box a page is drawn in: its 2 MiB page's first page, or itself."""
            return gvpn & ~(LARGE - 1) if large and (pname, gvpn & ~(LARGE - 1)) in large else gvpn
        budget = ROW_CAP
        for pname, leaves in v.mappings.items():
            keep = leaves[:budget]

            def covers(gvpn: int, pte: int, x: Optional[int]) -> bool:
                return x is not None and gvpn <= x < gvpn + (LARGE if pte & PS else 1)
            hv = h.gvpn if h.vm == v.name and h.process == pname else None
            if hv is not None and not any(covers(g, pte, hv) for g, _, pte in keep):
                keep = keep + [lf for lf in leaves if covers(lf[0], lf[2], hv)]
            fig.hidden += len(leaves) - len(keep)
            budget = max(0, budget - len(keep))
            gw = max([PAGE_W] + [text_width(f"0x{gvpn << PAGE_SHIFT:x}", 8.5) + 6 for gvpn, _, _ in keep])
            widths = [max(gw, LARGE_W) if pte & PS else gw for _, _, pte in keep]
            targets = [boxes[gpa_id(v.name, g)].x - wd / 2 if gpa_id(v.name, g) in boxes else gx
                       for (_, g, _), wd in zip(keep, widths, strict=True)]
            xs = _spread(targets, gx, gw, widths if any(pte & PS for _, _, pte in keep) else None)
            group_x0 = xs[0] if keep else gx
            if not keep:
                nid = f"none-{v.name}-{pname}"
                w = max(PAGE_W * 2, text_width(t("dia.no_pages", lang), 8) + 8)
                boxes[nid] = Box(nid, gx + w / 2, ROW_GVA_Y, w, PAGE_H, top=t("dia.no_pages", lang), text=True,
                                 font=8, font_colour=MUTED, classes="none")
                group_x1 = gx + w
            else:
                group_x1 = xs[-1] + widths[-1]
            for (gvpn, gppn, pte), bx, wd in zip(keep, xs, widths, strict=True):
                nid = gva_id(v.name, pname, gvpn)
                cur = covers(gvpn, pte, hv)
                big = bool(pte & PS)
                size = " · 2 MiB" if big else ""
                b = Box(nid, bx + wd / 2, ROW_GVA_Y, wd, PAGE_H, top=f"0x{gvpn << PAGE_SHIFT:x}",
                        bottom=("2 MiB" if big else "") + ("" if pte & RW else (" " if big else "") +
                                                            t("dia.read_only", lang)),
                        fill=FILL_GVA, classes="page gva" + (" large" if big else ""),
                        tooltip=f"{v.name}/{pname} gVA 0x{gvpn << PAGE_SHIFT:x}{size} → gPA 0x{gppn << PAGE_SHIFT:x}\n"
                                f"{t('dia.tip.pte', lang)} 0x{pte:x}: {decode_entry(pte)}")
                lab = labels.get((v.name, pname, gvpn))
                if lab:
                    b.top, b.bottom, b.font = lab, f"0x{gvpn << PAGE_SHIFT:x}", LABEL_FONT
                    b.classes += " labelled"
                if cur:
                    b.classes += " current"
                    b.border, b.pen = CURRENT, 2.4
                boxes[nid] = b
                shown_gva.add((pname, gvpn))
                if big:
                    gva_large.add((pname, gvpn))
                if gpa_id(v.name, gppn) in boxes:
                    edge_specs.append((nid, gpa_id(v.name, gppn), "guest-map", cur))
            fig.areas.append(Area(f"cluster-proc-{v.name}-{pname}", group_x0 - 5, ROW_GVA_Y - PAGE_H / 2 - 5,
                                  group_x1 + 5, ROW_GVA_Y + PAGE_H / 2 + 17, t("dia.process", lang, name=pname),
                                  "#ffffff", MUTED, dashed=True, font=8.5))
            gx = group_x1 + GROUP_SEP
        vm_x1 = max(gpa_end, gx - GROUP_SEP) + VM_PAD
        if data_only and mode is Mode.SHADOW:
            # shadow arrows skip the gPA row: they pass it in lanes to its right, inside the VM's box
            n_sh = sum(1 for pname, gva, _m, _e in machine.views.shadow_leaves(v.name)
                       if pname is not None and (pname, gva_box(pname, gva >> PAGE_SHIFT)) in shown_gva)
            lane0 = gpa_end + LANE_SEP
            vm_x1 = max(vm_x1, lane0 + LANE_SEP * n_sh + VM_PAD / 2)
            lanes.extend((v.name, lane0 + LANE_SEP * k) for k in range(n_sh))
        title = _vm_title(v)
        vm_x1 = max(vm_x1, vm_x0 + text_width(title, 11) + 2 * VM_PAD)
        fig.areas.insert(0, Area(f"cluster-vm-{v.name}", vm_x0, gpa_y - PAGE_H / 2 - 12, vm_x1,
                                 ROW_GVA_Y + PAGE_H / 2 + 42, title, VM_TINTS[v.index % len(VM_TINTS)], MUTED,
                                 font=11, bold=True))
        # shadow entries present now: gVA → MA, dashed
        if mode is Mode.SHADOW:
            for pname, gva, m, _entry in machine.views.shadow_leaves(v.name):
                if pname is None or (pname, gva_box(pname, gva >> PAGE_SHIFT)) not in shown_gva:
                    continue
                cur = h.vm == v.name and h.process == pname and h.gvpn == gva >> PAGE_SHIFT and h.mpn == m
                edge_specs.append((gva_id(v.name, pname, gva_box(pname, gva >> PAGE_SHIFT)), ma_id(m), "shadow-map",
                                   cur))
                if data_only:
                    ma_owner.setdefault(m, [])
                ma_wanted_x.setdefault(m, [])
        x = vm_x1 + VM_SEP

    # machine row: frames in use, in MPN order, centred under the VMs — or, with slots, every
    # frame the run draws, each in its place at every step (a free one as a faint placeholder)
    table_frames = {} if data_only else {m: (tp.kind, tp.vm, tp.level) for m, tp in table_pages.items()}
    frames = sorted(set(ma_owner) | set(table_frames))
    slots = view.ma_slots
    if slots is not None and (ma_large or not set(frames) <= set(slots)):
        slots = None  # a frame the slots did not foresee, or a 2 MiB block: the layout of frames in use
    drawn = set(frames)
    vm_index = {v.name: v.index for v in views}
    vms_right = x - VM_SEP
    row: list[tuple[str, float, int]] = []  # id, width, mpn (-1: gap)
    prev = None
    for m in frames if slots is None else sorted(set(slots)):
        if prev is not None and m > prev + 1:
            row.append((f"gap-ma-{prev + 1:x}-{m - 1:x}", MA_GAP_W, -1))
        prev = m + LARGE - 1 if m in ma_large else m
        # slots: one width for all, so that no frame's place depends on what another holds now
        row.append((ma_id(m), PAGE_W if slots is not None else
                    TABLE_W if m in table_frames else (LARGE_W if m in ma_large else PAGE_W), m))
    row_w = sum(w for _, w, _ in row) + SEP * max(0, len(row) - 1)
    centre_right = vms_right
    if slots is not None:
        # centred under the VMs' narrowest extent (their titles, the same at every step, in every
        # mode and language), so that a VM growing as pages come does not move the row
        centre_right = LABEL_W + sum(text_width(_vm_title(v), 11) + 2 * VM_PAD + VM_SEP for v in views) - VM_SEP
    mx = max(LABEL_W, LABEL_W + ((centre_right - LABEL_W) - row_w) / 2)
    changed_ma = {ma_box(c) for c in h.changed_ma}
    busy = set() if slots is None else \
        {mpn for v in views for mpn in v.mpn if mpn != NO_MPN} | set(table_pages)
    for nid, w, m in row:
        if m < 0:
            boxes[nid] = Box(nid, mx + w / 2, ma_y, w, PAGE_H, top="·", text=True, font=9, font_colour=MUTED,
                             classes="gap")
            mx += w + SEP
            continue
        if m not in drawn:
            free = m not in busy
            b = Box(nid, mx + w / 2, ma_y, w, PAGE_H, top=f"0x{m << PAGE_SHIFT:x}",
                    bottom=t("dia.free", lang) if free else "", fill=FILL_EMPTY, border=EMPTY_BORDER, pen=0.6,
                    font=7.5, font_colour=MUTED, classes="ma slot" + (" free" if free else ""),
                    tooltip=f"MA 0x{m << PAGE_SHIFT:x} (MPN 0x{m:x})\n" +
                    t("dia.tip.free" if free else "dia.tip.not_drawn", lang))
            if m in changed_ma:
                _mark_changed(b, lang)
            boxes[nid] = b
            mx += w + SEP
            continue
        big = m in ma_large
        b = Box(nid, mx + w / 2, ma_y, w, PAGE_H, top=f"0x{m << PAGE_SHIFT:x}",
                classes="page ma large" if big else "page ma")
        tip = [f"MA 0x{m << PAGE_SHIFT:x} · 2 MiB (MPN 0x{m:x}–0x{m + LARGE - 1:x})" if big else
               f"MA 0x{m << PAGE_SHIFT:x} (MPN 0x{m:x})"]
        if m in table_frames:
            kind, vm_name, level = table_frames[m]
            b.classes += f" {kind}"
            b.fill = FILL_SPT if kind == "spt" else FILL_EPT
            b.font = 7.5
            b.bottom = f"{t('dia.' + kind, lang)} {LEVEL_NAMES[level]}"
            tip.append(t("dia.tip." + kind, lang, level=LEVEL_NAMES[level], vm=vm_name))
        else:
            owners = ma_owner[m]
            tip += [t("dia.tip.backs", lang, vm=vm, gpa=g << PAGE_SHIFT) for vm, g in owners]
            if (len(owners) > 1 and not big) or any(machine.views.page_state(*o) is PageState.SHARED for o in owners):
                b.classes += " shared"
                b.fill, b.bottom = FILL_SHARED, t("dia.shared_n", lang, n=len(owners))
            elif m in ma_pt:
                b.classes += " gpt"
                b.fill = FILL_GPT
                level, vm_name = ma_pt[m]
                b.bottom = LEVEL_NAMES[level] + (f" {vm_name}" if len(views) > 1 else "")
            elif owners:
                b.fill = VM_FILLS[vm_index[owners[0][0]] % len(VM_FILLS)]
                b.bottom = "2 MiB" if big else _content(first_word(m))
            if ma_labels.get(m):
                b.bottom, b.top, b.font = f"0x{m << PAGE_SHIFT:x}", " ".join(ma_labels[m]), LABEL_FONT
                b.classes += " labelled"
        if h_ma == m:
            b.classes += " current"
            b.border, b.pen = CURRENT, 2.4
        elif m in h.walked_ma:
            b.classes += " walked"
            b.border, b.pen = CURRENT, 1.8
        b.tooltip = "\n".join(tip)
        if m in changed_ma:
            _mark_changed(b, lang)
        boxes[nid] = b
        mx += w + SEP
    right = max(vms_right, mx - SEP) + 12
    # row names in the left margin
    for key, y in (("dia.gva_row", ROW_GVA_Y), ("dia.gpa_row", gpa_y), ("dia.ma_row", ma_y)):
        nid = "row-" + key.split(".")[1].split("_")[0]
        boxes[nid] = Box(nid, 2, y, LABEL_W - 6, PAGE_H, top=t(key, lang), text=True, font=8.5, font_colour=MUTED,
                         anchor="start", classes="row-label")
    ma_used, ma_total = machine.views.frames()
    if not view.compact:
        nid = "ma-caption"
        boxes[nid] = Box(nid, LABEL_W, ma_y - PAGE_H / 2 - 12, 10, 12,
                         top=t(("dia.ma_caption_figure" if view.data_only else "dia.ma_caption") +
                               ("_slots" if slots is not None else ""), lang, used=ma_used, total=ma_total),
                         text=True, font=8.5,
                         font_colour=MUTED, anchor="start", classes="caption")
        cap_end = LABEL_W + 2 + text_width(boxes[nid].top, 8.5)
        if fig.hidden:  # after the caption, not over it
            boxes["more"] = Box("more", cap_end + 10, ma_y - PAGE_H / 2 - 12, 10, 12,
                                top=t("dia.more", lang, n=fig.hidden), text=True, font=8.5, font_colour=MUTED,
                                anchor="start", classes="caption")
            cap_end += 12 + text_width(boxes["more"].top, 8.5)
        # a long caption (German, figure view) widens the picture rather than being cut off
        right = max(right, cap_end + 12)
    # edges: fan the arrow tips out over the top of a box that several arrows reach
    incoming: dict[str, list[tuple[float, int]]] = {}
    for i, (tail, head, _cls, _cur) in enumerate(edge_specs):
        if tail in boxes and head in boxes:
            incoming.setdefault(head, []).append((boxes[tail].x, i))
    tip_x: dict[int, float] = {}
    for head, lst in incoming.items():
        lst.sort()
        hb = boxes[head]
        n = len(lst)
        span = min(hb.w * 0.6, 8.0 * (n - 1))
        for k, (_, i) in enumerate(lst):
            tip_x[i] = hb.x + (0 if n == 1 else -span / 2 + span * k / (n - 1))
    normal, current = [], []
    # many arrows: fade all but the current path, so that it stands out
    faint = sum(1 for i in tip_x) > DIM_EDGES
    for i, (tail, head, cls, cur) in enumerate(edge_specs):
        if i not in tip_x:
            continue
        tb, hb = boxes[tail], boxes[head]
        x0 = tb.x + (8 if cls == "shadow-map" else (-4 if cls == "guest-map" else 0))
        if cls == "shadow-map" and data_only and lanes:
            lane = next((k for k, (vn, _x) in enumerate(lanes) if tail.startswith(f"gva-{vn}-")), None)
            if lane is None:
                pts, end = _curve_below(x0, tb.y - tb.h / 2, gpa_y - PAGE_H / 2 - 6, tip_x[i], hb.y + hb.h / 2)
            else:
                lane_x = lanes.pop(lane)[1]
                pts, end = _curve_around(x0, tb.y - tb.h / 2, lane_x, gpa_y + PAGE_H / 2 + 8,
                                         gpa_y - PAGE_H / 2 - 8, tip_x[i], hb.y + hb.h / 2)
        elif cls == "shadow-map":
            pts, end = _curve_below(x0, tb.y - tb.h / 2, gpa_y - PAGE_H / 2 - 6, tip_x[i], hb.y + hb.h / 2)
        else:
            pts, end = _curve(x0, tb.y - tb.h / 2, tip_x[i], hb.y + hb.h / 2)
        colour = {"guest-map": GUEST_MAP, "vmm-map": VMM_MAP, "shadow-map": SHADOW_MAP}[cls]
        pen = 2.6 if cur else (1.1 if cls == "shadow-map" else 1.0)
        if faint and not cur:
            colour, pen = colour + "66", 0.8
        meaning = t({"guest-map": "leg.guest_map", "shadow-map": "leg.shadow_map"}.get(
            cls, "leg.vmm_map_nested" if mode is Mode.NESTED else "leg.vmm_map"), lang)
        e = Edge(tail, head, cls + (" current" if cur else ""), pts, end, CURRENT if cur else colour, pen,
                 dashed=cls == "shadow-map",
                 title=f"{meaning}: {_name(boxes[tail])} → {_name(boxes[head])}" + (f" ({t('leg.current', lang)})"
                                                                                   if cur else ""))
        (current if cur else normal).append(e)
    fig.edges = normal + current
    top = ROW_GVA_Y + PAGE_H / 2 + 42 + (0 if view.compact else 28)
    bottom = ma_y - PAGE_H / 2 - (6 if view.compact else 24)
    # shift everything so that the picture starts at (0, 0)
    dy = -bottom
    for b in boxes.values():
        b.y += dy
    for a in fig.areas:
        a.y0 += dy
        a.y1 += dy
    for e in fig.edges:
        e.points = tuple(p + (dy if k % 2 else 0) for k, p in enumerate(e.points))
        e.end = (e.end[0], e.end[1] + dy)
    fig.boxes = list(boxes.values())
    if view.compact:
        # the lecture view is read from the back of a room: no text smaller than COMPACT_MIN_FONT
        for b in fig.boxes:
            b.font, b.bottom_font = max(b.font, COMPACT_MIN_FONT), max(b.bottom_font, COMPACT_MIN_FONT)
        for a in fig.areas:
            a.font = max(a.font, COMPACT_MIN_FONT)
    for b in fig.boxes:
        _fit(b, COMPACT_MIN_FONT if view.compact else MIN_FIT_FONT)
    fig.width, fig.height = right, top - bottom
    return fig


# -- shared by the writers ------------------------------------------------------------------------
def num(v: float) -> str:
    """A coordinate as the writers print it: at most two decimals, no "-0"."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def lines(b: Box) -> list[tuple[str, float, str]]:
    """A box's text lines: (text, point size, colour), top to bottom."""
    out = [(ln, b.font, b.font_colour) for ln in b.top.split("\n") if ln] if b.top else []
    if b.bottom:
        out.append((b.bottom, b.bottom_font, b.bottom_colour))
    return out
