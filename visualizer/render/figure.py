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

:func:`figure` composes the picture from parts, one function each, in the manner of
python-chess's ``chess.svg.board``: per VM :func:`gpa_row` (with :func:`gpa_page` for each page,
:func:`reclaimed_page` for one the host ballooned or compressed), :func:`gva_row` over it (with
:func:`disk_page` for a page the guest paged out to its own disk), :func:`shadow_arrows` and :func:`vm_area`, together :func:`vm_part`;
then :func:`machine_frames` and :func:`ma_row` (with :func:`ma_page`, :func:`zcache_frame` for a
frame of a compression cache, :func:`ma_slot_box`),
:func:`row_names` and :func:`ma_captions`; then :func:`edges` (:func:`arrow_tips`,
:func:`arrow_path`, :func:`arrow_style`, :func:`arrow_title`); last the text fitting
(:func:`fit_text`, :func:`fitted`). Each reads a :class:`Scene` and returns what it placed.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from ..engine.events import DataAccess, GuestAction, GuestActionKind, PageState, PmapChange, Stage, WalkRef
from ..engine import Machine, MachineConfig, Mode, OutOfMemory, Step, Trace
from ..engine.memory import PAGE_SHIFT
from ..engine.paging import PS, RW, decode_entry
from ..engine.pmap import NO_MPN
from ..engine.record import EpisodeKind, GuestWork
from ..engine.views import Views
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
FILL_BALLOONED = "#d7ccc8"
"""A guest-physical page the balloon driver holds: no machine page behind it."""
FILL_COMPRESSED = "#e6ee9c"
"""A guest-physical page compressed into its VM's compression cache, and the cache's machine frames."""
FILL_DISK = "#ffe0b2"
"""A guest-virtual page the guest has paged out to its own virtual disk (a swap entry in its PTE)."""
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
    changed_gva: frozenset = frozenset()
    """(vm, process, gvpn) the guest paged out to its virtual disk or read back in this step."""


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
    changed_gva: set[tuple[str, Optional[str], int]] = set()
    gvpn = gppn = mpn = None
    for i, ev in enumerate(step.events):
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
        elif cls is GuestAction and ev.kind in _GUEST_PAGING and ev.gva is not None:
            changed_gva.add((_guest_vm(step, i), ev.process, ev.gva >> PAGE_SHIFT))
    return Highlight(op.vm, process, gvpn, gppn, mpn, frozenset(gpt), frozenset(ma), frozenset(changed),
                     frozenset(changed_ma), frozenset(changed_gva))


_GUEST_PAGING = (GuestActionKind.SWAP_OUT, GuestActionKind.SWAP_IN)


def _guest_vm(step: Step, i: int) -> str:
    """The VM whose guest made event ``i``: the operation's, or — inside a balloon driver's work,
    which a host pass does in any VM — the VM whose pages that balloon changed."""
    for e in reversed(step.episodes):
        if e.holds(i) and e.kind is EpisodeKind.GUEST_WORK and e.reason is GuestWork.BALLOON:
            return next((x.vm for x in step.events[e.start:e.end] if x.__class__ is PmapChange), step.op.vm)
    return step.op.vm


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
    every page of the VMM's tables; in both the frames of the VMs' compression caches."""
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
        if PageState.COMPRESSED in vm.state:
            out.update(views.compression_cache(vm.name))
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
    disk: dict = field(default_factory=dict)
    """process → [(gvpn, slot)] of the pages its guest paged out to its virtual disk, in gVA order."""
    zcache: dict = field(default_factory=dict)
    """MPN of each frame of the VM's compression cache → the gPPNs compressed into it."""


def _vm_views(views: Views) -> list[_VmView]:
    out = []
    for vm in views.vms():
        v = _VmView(vm.name, vm.index, vm.pages, vm.state, vm.mpn)
        for proc in vm.processes:
            leaves, levels = views.guest_tables(vm.name, proc.name)
            v.mappings[proc.name] = leaves
            for g, lvl in sorted(levels.items()):
                v.pt_level.setdefault(g, (lvl, proc.name))
            disk = views.guest_swapped(vm.name, proc.name)
            if disk:
                v.disk[proc.name] = disk
        v.tracked = views.write_protected(vm.name)
        if PageState.COMPRESSED in vm.state:
            v.zcache = views.compression_cache(vm.name)
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


def _shown_gppns(v: _VmView, wanted: set[int], large: frozenset = frozenset(),
                 current: Optional[int] = None) -> tuple[list[int], int]:
    """gPPNs to draw for a VM, in address order, and how many in-use pages were left out. A guest
    2 MiB page (first gPPN in ``large``) is one box: its first gPPN stands for all 512. The
    current access's page (``current``) is always among them."""
    if v.pages <= FULL_ROW:
        return list(range(v.pages)), 0
    used = sorted(g for g in wanted | {g for g, s in enumerate(v.state) if s is not PageState.UNMAPPED}
                  if 0 <= g < v.pages and (not large or g & (LARGE - 1) == 0 or g & ~(LARGE - 1) not in large))
    if len(used) <= ROW_CAP:
        return used, 0
    keep = used[:ROW_CAP]
    kept = set(keep)
    extra = [g for g in sorted(wanted) if g not in kept][:8]
    if current is not None and current not in kept and current not in extra and 0 <= current < v.pages:
        extra.append(current)
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


def _vm_title(v: _VmView) -> str:
    return f"{v.name} · {v.pages} × 4 KiB · gPA 0x0 – 0x{v.pages * 4096 - 1:x}"


def _mark_changed(b: Box, lang: str) -> None:
    """A page this step changed (a pmap change: shared, swapped, backed, freed): a dashed orange
    border, unless it already has the solid one of the current access or of a walked table."""
    b.classes += " changed"
    b.tooltip += "\n" + t("dia.tip.changed", lang)
    if b.border != CURRENT:
        b.border, b.pen, b.dashed = CURRENT, CHANGED_PEN, True


def _mark_current(b: Box, current: bool, walked: bool = False) -> None:
    """The page of the current access (a solid orange border), or a table page the step walked
    (a thinner one)."""
    if current:
        b.classes += " current"
        b.border, b.pen = CURRENT, 2.4
    elif walked:
        b.classes += " walked"
        b.border, b.pen = CURRENT, 1.8


def _name(b: Box) -> str:
    """A page as a screen reader should say it: the first line of its tooltip, else its label."""
    return b.tooltip.split("\n", 1)[0] if b.tooltip else (b.top or b.id)


# -- the parts ------------------------------------------------------------------------------------
# figure() composes the diagram from parts, as the rows read top to bottom: per VM its
# guest-physical row, the guest-virtual row placed over it and the VM's box around both; then
# the machine row under all VMs, the row names and the caption; then the arrows between the
# boxes placed; last, every text fitted into its box. Each part is a function of what it reads
# (a Scene: the machine's state through its read-only views, and the view) to what it places;
# none changes the machine or what another part returned.
@dataclass(frozen=True, slots=True)
class Scene:
    """What the parts read, gathered once per figure: the machine (through its read-only views)
    and the view's choices."""

    views: Views
    mode: Mode
    vms: tuple
    """The :class:`_VmView` s, in the machine's order."""
    view: View
    labels: dict
    """(vm, process, gvpn) → the name the scenario gives the page."""
    gpa_labels: dict
    """(vm, gppn) → that name, followed to the guest-physical page it maps."""
    ma_large: frozenset
    """First MPN of each 2 MiB machine block (a 2 MiB EPT leaf): one wide box."""
    table_pages: dict
    """MPN → :class:`~visualizer.engine.views.TablePage` of the VMM's own tables."""
    gpa_y: float
    ma_y: float

    @property
    def data_only(self) -> bool:
        return self.view.data_only


class EdgeSpec(NamedTuple):
    """An arrow before it is routed: from box ``tail`` down to box ``head``."""

    tail: str
    head: str
    cls: str
    """"guest-map" (gVA → gPA), "vmm-map" (gPA → MA) or "shadow-map" (gVA → MA)."""
    current: bool = False
    """On the current access's path."""


def scene_of(machine: Machine, view: Optional[View] = None) -> Scene:
    """Read what the parts need of ``machine`` for ``view`` (default: every page)."""
    view = view or View()
    views = machine.views
    labels = {k: v for k, v in view.labels}
    vms = tuple(_vm_views(views))
    gpa_y, ma_y = (ROW_GPA_Y, ROW_MA_Y) if not view.compact else (COMPACT_GPA_Y, COMPACT_MA_Y)
    return Scene(views, machine.mode, vms, view, labels, _gpa_labels(views, labels), _ma_large(views, vms),
                 views.table_pages(), gpa_y, ma_y)


def _gpa_labels(views: Views, labels: dict) -> dict[tuple[str, int], str]:
    """A named guest-virtual page's name for the guest-physical page it maps (the first name, if
    several processes map one page)."""
    out: dict[tuple[str, int], str] = {}
    if not labels:
        return out
    for vm in views.vms():
        for proc in vm.processes:
            for gvpn, gppn, _pte in views.guest_mappings(vm.name, proc.name):
                lab = labels.get((vm.name, proc.name, gvpn))
                if lab:
                    out.setdefault((vm.name, gppn), lab)
    return out


def _ma_large(views: Views, vms: tuple) -> frozenset[int]:
    """First MPNs of the 2 MiB machine blocks the EPT maps with one leaf."""
    out: set[int] = set()
    for v in vms:
        for blk in views.ept_large_blocks(v.name):
            first = views.vmm_mpn(v.name, blk << 9)
            if first is not None:
                out.add(first & ~(LARGE - 1))
    return frozenset(out)


def ma_box(mpn: int, ma_large: frozenset) -> int:
    """The machine box a frame is drawn in: its 2 MiB block's first frame, or itself."""
    return mpn & ~(LARGE - 1) if ma_large and mpn & ~(LARGE - 1) in ma_large else mpn


def _gva_box(pname: str, gvpn: int, large: frozenset) -> int:
    """The gVA box a page is drawn in: its process's 2 MiB page's first page, or itself."""
    return gvpn & ~(LARGE - 1) if large and (pname, gvpn & ~(LARGE - 1)) in large else gvpn


def _covers(gvpn: int, pte: int, x: Optional[int]) -> bool:
    """Whether the leaf for ``gvpn`` (a 2 MiB one with PS in ``pte``) maps page ``x``."""
    return x is not None and gvpn <= x < gvpn + (LARGE if pte & PS else 1)


def gap_box(nid: str, x: float, y: float, n: int, lang: str) -> Box:
    """A marker for ``n`` guest-physical pages left out of a row, its left edge at ``x``."""
    return Box(nid, x + GAP_W / 2, y, GAP_W, PAGE_H, top="⋯", bottom=t("dia.gap", lang, n=n), text=True, font=10,
               font_colour=MUTED, classes="gap")


# -- the guest-physical row ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GpaRow:
    """A VM's guest-physical row, placed."""

    boxes: tuple
    """Pages and gap markers, left to right."""
    end: float
    """The right edge of its last box."""
    hidden: int
    """Pages in use left out (the row is capped at :data:`ROW_CAP`)."""
    links: tuple
    """The VMM's mapping of the pages drawn: (gPA box id, vm, gPPN, machine box MPN, current), in
    row order — the pmap, or in nested mode the nested tables themselves."""


def guest_large(v: _VmView) -> frozenset[int]:
    """First gPPNs of the guest's 2 MiB pages: one wide box in the gVA and the gPA row."""
    return frozenset(g for leaves in v.mappings.values() for _, g, pte in leaves if pte & PS)


def current_gppn(h: Highlight, v: _VmView, glarge: frozenset) -> Optional[int]:
    """The gPA box of the current access in ``v``: its page, or its 2 MiB page's first (None: the
    access is not in this VM, or there is none)."""
    g = h.gppn if h.vm == v.name else None
    if g is not None and glarge and g & ~(LARGE - 1) in glarge:
        g &= ~(LARGE - 1)
    return g


def gpa_wanted(v: _VmView, data_only: bool, h_gppn: Optional[int]) -> set[int]:
    """The gPPNs the row must show: those the guest maps, its table pages (unless ``data_only``)
    and the current access's."""
    wanted: set[int] = set() if data_only else set(v.pt_level)
    for leaves in v.mappings.values():
        wanted.update(g for _, g, _ in leaves if g < v.pages)
    if h_gppn is not None:
        wanted.add(h_gppn)
    return wanted


def vmm_heads(scene: Scene, vm: str, g: int, big: bool) -> list[int]:
    """The machine boxes the VMM maps gPPN ``g`` to (a guest 2 MiB page: its parts' frames, or
    the one 2 MiB machine block backing it), in order, each once."""
    heads: list[int] = []
    for part in range(g, g + LARGE) if big else (g,):
        m = scene.views.vmm_mpn(vm, part)
        if m is not None and ma_box(m, scene.ma_large) not in heads:
            heads.append(ma_box(m, scene.ma_large))
    return heads


def gpa_page(scene: Scene, v: _VmView, g: int, x: float, *, big: bool = False, wanted: bool = True,
             current: bool = False, walked: bool = False, changed: bool = False, lang: str = "en") -> Box:
    """The box of guest-physical page ``g`` of ``v``, its left edge at ``x``: its state (shared,
    swapped, unmapped), a guest table page's level and write protection, a scenario's name, and
    the highlight (``wanted``: the row must show it, so an untouched page of a small VM is not
    drawn narrow)."""
    st = v.state[g]
    narrow = st is PageState.UNMAPPED and v.pages <= FULL_ROW and not wanted
    w = LARGE_W if big else (NARROW_W if narrow else PAGE_W)
    b = Box(gpa_id(v.name, g), x + w / 2, scene.gpa_y, w, PAGE_H, top="" if narrow else f"0x{g << PAGE_SHIFT:x}",
            classes=f"page gpa {st.value}" + (" large" if big else ""))
    tip = [f"{v.name} gPA 0x{g << PAGE_SHIFT:x} (gPPN 0x{g:x}): {t('state.' + st.value, lang)}"]
    if big:
        tip[0] = f"{v.name} gPA 0x{g << PAGE_SHIFT:x} · 2 MiB (gPPN 0x{g:x}–0x{g + LARGE - 1:x})"
    if g in v.pt_level:
        tip += _gpt_page(b, v, g, lang)
    if st is PageState.SHARED:
        b.fill, b.bottom = FILL_SHARED, t("dia.shared", lang)
    elif st is PageState.SWAPPED:
        b.fill, b.dashed, b.bottom = FILL_SWAPPED, True, t("dia.swapped", lang)
    elif st is PageState.BALLOONED or st is PageState.COMPRESSED:
        tip += reclaimed_page(b, v, g, st, lang, scene.view.compact)
    elif st is PageState.UNMAPPED and narrow:
        # a page never touched in a small VM: a clean, quiet placeholder
        b.fill, b.border, b.pen, b.font_colour = FILL_EMPTY, EMPTY_BORDER, 0.6, MUTED
    elif st is PageState.UNMAPPED:
        b.dashed, b.border, b.font_colour = True, MUTED, MUTED
        b.bottom = t("dia.unmapped", lang)
    elif big:
        b.bottom = "2 MiB"
    elif g not in v.pt_level:
        b.bottom = _content(scene.views.first_word(v.mpn[g]))
    lab = scene.gpa_labels.get((v.name, g))
    if lab:
        b.top, b.bottom, b.font = lab, f"0x{g << PAGE_SHIFT:x}", LABEL_FONT
        b.classes += " labelled"
        tip.insert(0, t("dia.tip.page", lang, label=lab))
    _mark_current(b, current, walked)
    b.tooltip = "\n".join(tip)
    if changed:
        _mark_changed(b, lang)
    return b


def reclaimed_page(b: Box, v: _VmView, g: int, st: PageState, lang: str = "en", short: bool = False) -> list[str]:
    """Mark ``b`` a page the host reclaimed without swapping it — held by the balloon driver (no
    machine page behind it) or compressed into the VM's compression cache (dashed: its contents
    are in part of a cache frame, not in a page of its own) — and return the tooltip line
    (``short``: the lecture view's larger text, a shorter word)."""
    if st is PageState.BALLOONED:
        b.fill, b.border, b.bottom = FILL_BALLOONED, MUTED, t("dia.ballooned", lang)
        return [t("dia.tip.ballooned", lang)]
    b.fill, b.dashed, b.bottom = FILL_COMPRESSED, True, t("dia.compressed" + (".short" if short else ""), lang)
    frame = next((m for m, gs in v.zcache.items() if g in gs), None)
    return [t("dia.tip.compressed", lang, ma=(frame or 0) << PAGE_SHIFT)] if frame is not None else []


def _gpt_page(b: Box, v: _VmView, g: int, lang: str) -> list[str]:
    """Mark ``b`` a guest page-table page (its level; "WP" if the VMM write-protects it) and
    return the tooltip lines that say so."""
    level, pname = v.pt_level[g]
    b.fill = FILL_GPT
    b.classes += " gpt"
    b.bottom = LEVEL_NAMES[level] + (f" {pname}" if len(v.mappings) > 1 and level == 4 else "")
    tip = [t("dia.tip.gpt", lang, level=LEVEL_NAMES[level], proc=pname)]
    if g in v.tracked:
        b.classes += " write-protected"
        b.border, b.pen = WP_BORDER, 1.8
        b.bottom += " WP"
        b.bottom_colour = WP_BORDER
        tip.append(t("dia.tip.wp", lang))
    return tip


def gpa_row(scene: Scene, v: _VmView, x: float, h: Highlight, lang: str = "en") -> GpaRow:
    """Place ``v``'s guest-physical row from ``x``: its pages in address order (every page of a
    small VM; of a larger one the pages in use, with gap markers), and the VMM's mapping of each."""
    glarge = guest_large(v)
    h_gppn = current_gppn(h, v, glarge)
    h_ma = None if h.mpn is None else ma_box(h.mpn, scene.ma_large)
    wanted = gpa_wanted(v, scene.data_only, h_gppn)
    if not scene.data_only:
        gppns, hidden = _shown_gppns(v, wanted, glarge, h_gppn)
    elif len(wanted) > ROW_CAP:  # the data pages the gVA row keeps (and the current one), no more
        shown = _kept_gppns(v, h) | ({h_gppn} if h_gppn is not None else set())
        gppns, hidden = sorted(shown), len(wanted) - len(shown)
    else:
        gppns, hidden = sorted(wanted), 0
    boxes: list[Box] = []
    links: list[tuple[str, str, int, int, bool]] = []
    prev = None
    for g in gppns:
        if prev is not None and g > prev + 1 and not scene.data_only:
            boxes.append(gap_box(f"gap-{v.name}-{prev + 1:x}-{g - 1:x}", x, scene.gpa_y, g - prev - 1, lang))
            x += GAP_W + SEP
        big = g in glarge
        prev = g + LARGE - 1 if big else g
        b = gpa_page(scene, v, g, x, big=big, wanted=g in wanted, current=h_gppn == g,
                     walked=h.vm == v.name and g in h.walked_gpt, changed=(v.name, g) in h.changed, lang=lang)
        boxes.append(b)
        x += b.w + SEP
        links += [(b.id, v.name, g, m, h_gppn == g and h_ma == m) for m in vmm_heads(scene, v.name, g, big)]
    if prev is not None and prev < v.pages - 1 and v.pages > FULL_ROW and not scene.data_only:
        boxes.append(gap_box(f"gap-{v.name}-{prev + 1:x}-{v.pages - 1:x}", x, scene.gpa_y, v.pages - 1 - prev, lang))
        x += GAP_W + SEP
    return GpaRow(tuple(boxes), x - SEP, hidden, tuple(links))


def vmm_arrows(links: tuple) -> list[EdgeSpec]:
    """The VMM's mapping as arrows gPA → MA (solid)."""
    return [EdgeSpec(nid, ma_id(m), "vmm-map", cur) for nid, _vm, _g, m, cur in links]


# -- the guest-virtual row ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class GvaRow:
    """A VM's guest-virtual row, placed: one group per process."""

    boxes: tuple
    groups: tuple
    """The process groups' :class:`Area` s."""
    arrows: tuple
    """The guest's page tables as :class:`EdgeSpec` s gVA → gPA."""
    shown: frozenset
    """(process, gvpn) of every gVA box."""
    large: frozenset
    """(process, gvpn) of the 2 MiB pages among them."""
    hidden: int
    end: float
    """The right edge of the last group."""


def gva_kept(leaves: list, budget: int, hv: Optional[int]) -> list:
    """The first ``budget`` of a process's leaves, and the one mapping the current access's page
    ``hv`` if it is not among them."""
    keep = leaves[:budget]
    if hv is not None and not any(_covers(g, pte, hv) for g, _, pte in keep):
        keep = keep + [lf for lf in leaves if _covers(lf[0], lf[2], hv)]
    return keep


def gva_selection(v: _VmView, h: Highlight):
    """What :func:`gva_row` draws of each process, within :data:`ROW_CAP` pages in all: per
    process (name, the current access's gVPN there or None, the leaves kept, its pages on the
    guest's disk kept ({gvpn: slot}), how many it leaves out)."""
    budget = ROW_CAP
    for pname, leaves in v.mappings.items():
        hv = h.gvpn if h.vm == v.name and h.process == pname else None
        keep = gva_kept(leaves, budget, hv)
        hidden = len(leaves) - len(keep)
        budget = max(0, budget - len(keep))
        disk = dict(v.disk.get(pname, ())[:budget])
        if disk:
            hidden += len(v.disk[pname]) - len(disk)
            budget -= len(disk)
        yield pname, hv, keep, disk, hidden


def _kept_gppns(v: _VmView, h: Highlight) -> set[int]:
    """The gPPNs of the pages :func:`gva_row` keeps (the figure view draws these in the gPA row,
    so that a large run's figure stays as small as the full view's)."""
    return {g for _p, _hv, keep, _d, _n in gva_selection(v, h) for _, g, _ in keep if g is not None and 0 <= g < v.pages}


def gva_places(vm: str, keep: list, x: float, gpa_boxes: dict) -> tuple[list[float], list[float]]:
    """Left edges and widths of a process's gVA boxes from ``x``: each as close over its gPA box as
    the order allows (every box wide enough for its address; a 2 MiB page wider)."""
    gw = max([PAGE_W] + [text_width(f"0x{gvpn << PAGE_SHIFT:x}", 8.5) + 6 for gvpn, _, _ in keep])
    widths = [max(gw, LARGE_W) if pte & PS else gw for _, _, pte in keep]
    targets = [gpa_boxes[gpa_id(vm, g)].x - wd / 2 if g is not None and gpa_id(vm, g) in gpa_boxes else x
               for (_, g, _), wd in zip(keep, widths, strict=True)]
    if any(g is None for _, g, _ in keep):
        targets = _disk_targets(keep, targets, x, gw)
    return _spread(targets, x, gw, widths if any(pte & PS for _, _, pte in keep) else None), widths


def _disk_targets(keep: list, targets: list[float], x: float, gw: float) -> list[float]:
    """Targets for the pages on the guest's disk (gPPN None: nothing under them to stand over):
    next to the page before them in gVA order (the first: before the page after it)."""
    out = list(targets)
    for i, (_, g, _) in enumerate(keep):
        if g is None:
            if i > 0:
                out[i] = out[i - 1] + gw + SEP
            else:
                nxt = next((out[j] for j, (_, h, _) in enumerate(keep) if h is not None), x + gw + SEP)
                out[i] = max(x, nxt - gw - SEP)
    return out


def disk_page(vm: str, pname: str, gvpn: int, slot: int, x: float, w: float, changed: bool = False,
              lang: str = "en", short: bool = False) -> Box:
    """The box of a guest-virtual page the guest paged out to its virtual disk, its left edge at
    ``x``: its PTE is not present and holds the swap slot, so no arrow leaves it (dashed: its
    contents are on the guest's disk, in no guest-physical page)."""
    b = Box(gva_id(vm, pname, gvpn), x + w / 2, ROW_GVA_Y, w, PAGE_H, top=f"0x{gvpn << PAGE_SHIFT:x}",
            bottom=t("dia.on_disk" + (".short" if short else ""), lang), fill=FILL_DISK, border=MUTED, dashed=True,
            classes="page gva guest-swapped",
            tooltip=f"{vm}/{pname} gVA 0x{gvpn << PAGE_SHIFT:x}\n" + t("dia.tip.on_disk", lang, slot=slot))
    if changed:
        _mark_changed(b, lang)
    return b


def gva_page(scene: Scene, vm: str, pname: str, leaf: tuple, x: float, w: float, current: bool = False,
             lang: str = "en", changed: bool = False) -> Box:
    """The box of a guest-virtual page, ``leaf`` = (gvpn, gppn, pte), its left edge at ``x``."""
    gvpn, gppn, pte = leaf
    big = bool(pte & PS)
    size = " · 2 MiB" if big else ""
    b = Box(gva_id(vm, pname, gvpn), x + w / 2, ROW_GVA_Y, w, PAGE_H, top=f"0x{gvpn << PAGE_SHIFT:x}",
            bottom=("2 MiB" if big else "") + ("" if pte & RW else (" " if big else "") + t("dia.read_only", lang)),
            fill=FILL_GVA, classes="page gva" + (" large" if big else ""),
            tooltip=f"{vm}/{pname} gVA 0x{gvpn << PAGE_SHIFT:x}{size} → gPA 0x{gppn << PAGE_SHIFT:x}\n"
                    f"{t('dia.tip.pte', lang)} 0x{pte:x}: {decode_entry(pte)}")
    lab = scene.labels.get((vm, pname, gvpn))
    if lab:
        b.top, b.bottom, b.font = lab, f"0x{gvpn << PAGE_SHIFT:x}", LABEL_FONT
        b.classes += " labelled"
    _mark_current(b, current)
    if changed:
        _mark_changed(b, lang)
    return b


def no_pages_box(vm: str, pname: str, x: float, lang: str = "en") -> Box:
    """The text standing for a process that maps no page, its left edge at ``x``."""
    w = max(PAGE_W * 2, text_width(t("dia.no_pages", lang), 8) + 8)
    return Box(f"none-{vm}-{pname}", x + w / 2, ROW_GVA_Y, w, PAGE_H, top=t("dia.no_pages", lang), text=True,
               font=8, font_colour=MUTED, classes="none")


def process_area(vm: str, pname: str, x0: float, x1: float, lang: str = "en") -> Area:
    """A process's group around its gVA boxes from ``x0`` to ``x1`` (dashed, named below)."""
    return Area(f"cluster-proc-{vm}-{pname}", x0 - 5, ROW_GVA_Y - PAGE_H / 2 - 5, x1 + 5, ROW_GVA_Y + PAGE_H / 2 + 17,
                t("dia.process", lang, name=pname), "#ffffff", MUTED, dashed=True, font=8.5)


def gva_row(scene: Scene, v: _VmView, x: float, gpa_boxes: dict, h: Highlight, lang: str = "en") -> GvaRow:
    """Place ``v``'s guest-virtual row from ``x``: per process a group of its mapped pages, each
    over its guest-physical page in ``gpa_boxes`` (the VM's gPA row), and the guest's mappings as
    arrows. At most :data:`ROW_CAP` pages in all, and always the current access's."""
    boxes: list[Box] = []
    groups: list[Area] = []
    arrows: list[EdgeSpec] = []
    shown: set[tuple[str, int]] = set()
    large: set[tuple[str, int]] = set()
    hidden = 0
    for pname, hv, keep, disk, left_out in gva_selection(v, h):
        hidden += left_out
        if disk:  # pages on the guest's disk, in gVA order among the mapped ones
            keep = sorted(keep + [(gvpn, None, 0) for gvpn in disk], key=lambda lf: lf[0])
        xs, widths = gva_places(v.name, keep, x, gpa_boxes)
        x0 = xs[0] if keep else x
        if not keep:
            boxes.append(no_pages_box(v.name, pname, x, lang))
            x1 = x + boxes[-1].w
        else:
            x1 = xs[-1] + widths[-1]
        for leaf, bx, wd in zip(keep, xs, widths, strict=True):
            gvpn, gppn, pte = leaf
            changed = (v.name, pname, gvpn) in h.changed_gva
            if gppn is None:
                boxes.append(disk_page(v.name, pname, gvpn, disk[gvpn], bx, wd, changed, lang, scene.view.compact))
                continue
            b = gva_page(scene, v.name, pname, leaf, bx, wd, _covers(gvpn, pte, hv), lang, changed)
            boxes.append(b)
            shown.add((pname, gvpn))
            if pte & PS:
                large.add((pname, gvpn))
            if gpa_id(v.name, gppn) in gpa_boxes:
                arrows.append(EdgeSpec(b.id, gpa_id(v.name, gppn), "guest-map", _covers(gvpn, pte, hv)))
        groups.append(process_area(v.name, pname, x0, x1, lang))
        x = x1 + GROUP_SEP
    return GvaRow(tuple(boxes), tuple(groups), tuple(arrows), frozenset(shown), frozenset(large), hidden,
                  x - GROUP_SEP)


# -- a VM: both rows in a box, and the shadow arrows -----------------------------------------------
def shadow_arrows(scene: Scene, vm: str, shown: frozenset, large: frozenset,
                  h: Highlight) -> tuple[list[EdgeSpec], list[int]]:
    """The shadow page-table entries present now as arrows gVA → MA (dashed; shadow mode only),
    from the gVA boxes drawn, and the MPNs they point to."""
    arrows: list[EdgeSpec] = []
    frames: list[int] = []
    if scene.mode is not Mode.SHADOW:
        return arrows, frames
    for pname, gva, m, _entry in scene.views.shadow_leaves(vm):
        if pname is None or (pname, _gva_box(pname, gva >> PAGE_SHIFT, large)) not in shown:
            continue
        cur = h.vm == vm and h.process == pname and h.gvpn == gva >> PAGE_SHIFT and h.mpn == m
        arrows.append(EdgeSpec(gva_id(vm, pname, _gva_box(pname, gva >> PAGE_SHIFT, large)), ma_id(m), "shadow-map",
                               cur))
        frames.append(m)
    return arrows, frames


def vm_area(scene: Scene, v: _VmView, x0: float, gpa_end: float, gva_end: float,
            n_shadow: int = 0) -> tuple[Area, tuple]:
    """The VM's box from ``x0`` around its rows (wide enough for its title), and in the figure
    view of shadow mode the lanes (vm, x) its ``n_shadow`` shadow arrows take past the gPA row,
    inside the box to the row's right."""
    x1 = max(gpa_end, gva_end) + VM_PAD
    lanes: tuple = ()
    if scene.data_only and scene.mode is Mode.SHADOW:
        lane0 = gpa_end + LANE_SEP
        x1 = max(x1, lane0 + LANE_SEP * n_shadow + VM_PAD / 2)
        lanes = tuple((v.name, lane0 + LANE_SEP * k) for k in range(n_shadow))
    title = _vm_title(v)
    x1 = max(x1, x0 + text_width(title, 11) + 2 * VM_PAD)
    return Area(f"cluster-vm-{v.name}", x0, scene.gpa_y - PAGE_H / 2 - 12, x1, ROW_GVA_Y + PAGE_H / 2 + 42, title,
                VM_TINTS[v.index % len(VM_TINTS)], MUTED, font=11, bold=True), lanes


@dataclass(frozen=True, slots=True)
class VmPart:
    """One VM, placed: its rows, its box, and the arrows from its pages."""

    boxes: tuple
    area: Area
    groups: tuple
    arrows: tuple
    """VMM arrows, guest arrows, shadow arrows, in that order."""
    links: tuple
    """:attr:`GpaRow.links`."""
    shadow_frames: tuple
    lanes: tuple
    hidden: int


def vm_part(scene: Scene, v: _VmView, x: float, h: Highlight, lang: str = "en") -> VmPart:
    """Place VM ``v`` with its box's left edge at ``x``: the gPA row first, the gVA row over it."""
    gpa = gpa_row(scene, v, x + VM_PAD, h, lang)
    gva = gva_row(scene, v, x + VM_PAD, {b.id: b for b in gpa.boxes}, h, lang)
    shadow, frames = shadow_arrows(scene, v.name, gva.shown, gva.large, h)
    area, lanes = vm_area(scene, v, x, gpa.end, gva.end, len(shadow))
    return VmPart(gpa.boxes + gva.boxes, area, gva.groups, (*vmm_arrows(gpa.links), *gva.arrows, *shadow),
                  gpa.links, tuple(frames), lanes, gpa.hidden + gva.hidden)


# -- the machine row -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Frames:
    """What the machine row draws of each frame."""

    owners: dict
    """MPN → [(vm, gPPN)] the VMM maps to it, in the order drawn (a frame only a shadow arrow
    reaches, in the figure view: [])."""
    names: dict
    """MPN → the scenario's names of the pages it backs."""
    gpt: dict
    """MPN → (level, vm) of a guest page-table page it backs."""
    tables: dict
    """MPN → (kind, vm, level) of a page of the VMM's own tables (none in the figure view)."""
    zcache: dict = field(default_factory=dict)
    """MPN → (vm, gPPNs) of a frame of a VM's compression cache (the pages compressed into it)."""

    def drawn(self) -> set[int]:
        """Every frame the row draws a page for."""
        return set(self.owners) | set(self.tables) | set(self.zcache)


def machine_frames(scene: Scene, links: list, shadow_frames: list = ()) -> Frames:
    """The frames the machine row draws, from the VMs' :attr:`GpaRow.links` and shadow arrows."""
    owners: dict[int, list[tuple[str, int]]] = {}
    names: dict[int, list[str]] = {}
    gpt: dict[int, tuple[int, str]] = {}
    pt_level = {v.name: v.pt_level for v in scene.vms}
    for _nid, vm, g, m, _cur in links:
        owners.setdefault(m, []).append((vm, g))
        lab = scene.gpa_labels.get((vm, g))
        if lab and lab not in names.get(m, []):
            names.setdefault(m, []).append(lab)
        if g in pt_level[vm]:
            gpt[m] = (pt_level[vm][g][0], vm)
    if scene.data_only:
        for m in shadow_frames:
            owners.setdefault(m, [])
    tables = {} if scene.data_only else {m: (tp.kind, tp.vm, tp.level) for m, tp in scene.table_pages.items()}
    zcache = {m: (v.name, gs) for v in scene.vms for m, gs in v.zcache.items()}
    return Frames(owners, names, gpt, tables, zcache)


def row_slots(scene: Scene, frames: Frames) -> Optional[tuple]:
    """The view's slots, if they hold every frame drawn now and no 2 MiB block is drawn (else
    None: the layout of the frames in use)."""
    slots = scene.view.ma_slots
    if slots is not None and (scene.ma_large or not frames.drawn() <= set(slots)):
        return None
    return slots


def ma_layout(frames: Frames, slots: Optional[tuple], ma_large: frozenset = frozenset()) -> list[tuple[str, float, int]]:
    """The machine row's boxes left to right as (id, width, MPN; -1 for a gap marker): the frames
    drawn in MPN order, or with ``slots`` every slot — one width for all, so that no frame's place
    depends on what another holds now."""
    row: list[tuple[str, float, int]] = []
    prev = None
    for m in sorted(frames.drawn()) if slots is None else sorted(set(slots)):
        if prev is not None and m > prev + 1:
            row.append((f"gap-ma-{prev + 1:x}-{m - 1:x}", MA_GAP_W, -1))
        prev = m + LARGE - 1 if m in ma_large else m
        row.append((ma_id(m), PAGE_W if slots is not None else
                    TABLE_W if m in frames.tables else (LARGE_W if m in ma_large else PAGE_W), m))
    return row


def ma_row_x(scene: Scene, row: list, vms_right: float, slots: Optional[tuple]) -> float:
    """The machine row's left edge: centred under the VMs (which end at ``vms_right``) — with
    slots, under their narrowest extent (their titles, the same at every step, in every mode and
    language), so that a VM growing as pages come does not move the row."""
    row_w = sum(w for _, w, _ in row) + SEP * max(0, len(row) - 1)
    centre_right = vms_right
    if slots is not None:
        centre_right = LABEL_W + sum(text_width(_vm_title(v), 11) + 2 * VM_PAD + VM_SEP for v in scene.vms) - VM_SEP
    return max(LABEL_W, LABEL_W + ((centre_right - LABEL_W) - row_w) / 2)


def ma_gap_box(nid: str, x: float, y: float, w: float) -> Box:
    """A dot between frames that are not neighbours."""
    return Box(nid, x + w / 2, y, w, PAGE_H, top="·", text=True, font=9, font_colour=MUTED, classes="gap")


def ma_slot_box(m: int, x: float, y: float, w: float, free: bool, changed: bool = False, lang: str = "en") -> Box:
    """A faint placeholder for frame ``m``'s slot while it draws no page (``free``: no page uses
    the frame now)."""
    b = Box(ma_id(m), x + w / 2, y, w, PAGE_H, top=f"0x{m << PAGE_SHIFT:x}",
            bottom=t("dia.free", lang) if free else "", fill=FILL_EMPTY, border=EMPTY_BORDER, pen=0.6,
            font=7.5, font_colour=MUTED, classes="ma slot" + (" free" if free else ""),
            tooltip=f"MA 0x{m << PAGE_SHIFT:x} (MPN 0x{m:x})\n" +
            t("dia.tip.free" if free else "dia.tip.not_drawn", lang))
    if changed:
        _mark_changed(b, lang)
    return b


def ma_page(scene: Scene, frames: Frames, m: int, x: float, w: float, *, current: bool = False,
            walked: bool = False, changed: bool = False, lang: str = "en") -> Box:
    """The box of machine page ``m`` (a 2 MiB block's first frame stands for the block), its left
    edge at ``x``: a VMM table page, or what it backs — shared, a guest table, a VM's page."""
    big = m in scene.ma_large
    b = Box(ma_id(m), x + w / 2, scene.ma_y, w, PAGE_H, top=f"0x{m << PAGE_SHIFT:x}",
            classes="page ma large" if big else "page ma")
    tip = [f"MA 0x{m << PAGE_SHIFT:x} · 2 MiB (MPN 0x{m:x}–0x{m + LARGE - 1:x})" if big else
           f"MA 0x{m << PAGE_SHIFT:x} (MPN 0x{m:x})"]
    if m in frames.tables:
        kind, vm_name, level = frames.tables[m]
        b.classes += f" {kind}"
        b.fill = FILL_SPT if kind == "spt" else FILL_EPT
        b.font = 7.5
        b.bottom = f"{t('dia.' + kind, lang)} {LEVEL_NAMES[level]}"
        tip.append(t("dia.tip." + kind, lang, level=LEVEL_NAMES[level], vm=vm_name))
    elif m in frames.zcache:
        tip += zcache_frame(scene, b, *frames.zcache[m], lang)
    else:
        tip += _backed_page(scene, frames, b, m, big, lang)
    _mark_current(b, current, walked)
    b.tooltip = "\n".join(tip)
    if changed:
        _mark_changed(b, lang)
    return b


def zcache_frame(scene: Scene, b: Box, vm: str, gppns: tuple, lang: str = "en") -> list[str]:
    """Mark ``b`` a frame of ``vm``'s compression cache (two 2 KiB slots, each a compressed page)
    and return the tooltip lines naming the pages in it."""
    b.classes += " zcache"
    b.fill, b.font = FILL_COMPRESSED, 7.5
    b.bottom = t("dia.zcache", lang) + (f" {vm}" if len(scene.vms) > 1 and not scene.view.compact else "")
    return [t("dia.tip.zcache", lang, vm=vm)] + [t("dia.tip.zcache_holds", lang, gpa=g << PAGE_SHIFT) for g in gppns]


def _backed_page(scene: Scene, frames: Frames, b: Box, m: int, big: bool, lang: str) -> list[str]:
    """Mark ``b`` with what frame ``m`` backs (shared, a guest table, a VM's page, a scenario's
    names) and return the tooltip lines naming its guest-physical pages."""
    owners = frames.owners[m]
    tip = [t("dia.tip.backs", lang, vm=vm, gpa=g << PAGE_SHIFT) for vm, g in owners]
    if (len(owners) > 1 and not big) or any(scene.views.page_state(*o) is PageState.SHARED for o in owners):
        b.classes += " shared"
        b.fill, b.bottom = FILL_SHARED, t("dia.shared_n", lang, n=len(owners))
    elif m in frames.gpt:
        b.classes += " gpt"
        b.fill = FILL_GPT
        level, vm_name = frames.gpt[m]
        b.bottom = LEVEL_NAMES[level] + (f" {vm_name}" if len(scene.vms) > 1 else "")
    elif owners:
        index = next(v.index for v in scene.vms if v.name == owners[0][0])
        b.fill = VM_FILLS[index % len(VM_FILLS)]
        b.bottom = "2 MiB" if big else _content(scene.views.first_word(m))
    if frames.names.get(m):
        b.bottom, b.top, b.font = f"0x{m << PAGE_SHIFT:x}", " ".join(frames.names[m]), LABEL_FONT
        b.classes += " labelled"
    return tip


@dataclass(frozen=True, slots=True)
class MaRow:
    """The machine row, placed."""

    boxes: tuple
    end: float
    """The right edge of its last box."""
    slots: Optional[tuple]
    """The slots it keeps (None: the frames in use)."""


def ma_row(scene: Scene, frames: Frames, vms_right: float, h: Highlight, lang: str = "en") -> MaRow:
    """Place the machine row under the VMs (which end at ``vms_right``): the frames in use, in
    MPN order, centred under the VMs — or, with the view's slots, every frame the run draws, each
    in its place at every step (a frame not drawn now as a faint placeholder)."""
    slots = row_slots(scene, frames)
    row = ma_layout(frames, slots, scene.ma_large)
    x = ma_row_x(scene, row, vms_right, slots)
    drawn = frames.drawn()
    h_ma = None if h.mpn is None else ma_box(h.mpn, scene.ma_large)
    changed = {ma_box(c, scene.ma_large) for c in h.changed_ma}
    busy = set() if slots is None else \
        {mpn for v in scene.vms for mpn in v.mpn if mpn != NO_MPN} | set(scene.table_pages)
    boxes: list[Box] = []
    for nid, w, m in row:
        if m < 0:
            boxes.append(ma_gap_box(nid, x, scene.ma_y, w))
        elif m not in drawn:
            boxes.append(ma_slot_box(m, x, scene.ma_y, w, m not in busy, m in changed, lang))
        else:
            boxes.append(ma_page(scene, frames, m, x, w, current=h_ma == m, walked=m in h.walked_ma,
                                 changed=m in changed, lang=lang))
        x += w + SEP
    return MaRow(tuple(boxes), x - SEP, slots)


# -- row names and captions ------------------------------------------------------------------------
def row_names(scene: Scene, lang: str = "en") -> list[Box]:
    """The rows' names in the left margin."""
    out = []
    for key, y in (("dia.gva_row", ROW_GVA_Y), ("dia.gpa_row", scene.gpa_y), ("dia.ma_row", scene.ma_y)):
        nid = "row-" + key.split(".")[1].split("_")[0]
        out.append(Box(nid, 2, y, LABEL_W - 6, PAGE_H, top=t(key, lang), text=True, font=8.5, font_colour=MUTED,
                       anchor="start", classes="row-label"))
    return out


def ma_captions(scene: Scene, slots: Optional[tuple], hidden: int, lang: str = "en") -> tuple[list[Box], float]:
    """The caption over the machine row (frames in use; with ``slots``, that each keeps its
    place) and after it how many pages the figure leaves out, with the right edge of the last;
    none in the compact view (then the edge is 0)."""
    if scene.view.compact:
        return [], 0.0
    used, total = scene.views.frames()
    y = scene.ma_y - PAGE_H / 2 - 12
    key = ("dia.ma_caption_figure" if scene.data_only else "dia.ma_caption") + ("_slots" if slots is not None else "")
    caption = Box("ma-caption", LABEL_W, y, 10, 12, top=t(key, lang, used=used, total=total), text=True, font=8.5,
                  font_colour=MUTED, anchor="start", classes="caption")
    out = [caption]
    end = LABEL_W + 2 + text_width(caption.top, 8.5)
    if hidden:  # after the caption, not over it
        more = Box("more", end + 10, y, 10, 12, top=t("dia.more", lang, n=hidden), text=True, font=8.5,
                   font_colour=MUTED, anchor="start", classes="caption")
        out.append(more)
        end += 12 + text_width(more.top, 8.5)
    return out, end


# -- the arrows --------------------------------------------------------------------------------------
EDGE_COLOURS = {"guest-map": GUEST_MAP, "vmm-map": VMM_MAP, "shadow-map": SHADOW_MAP}


def arrow_tips(arrows: list, boxes: dict) -> dict[int, float]:
    """Arrow index → the x of its tip: fanned out over the top of a box that several arrows reach,
    in the order of their tails. Arrows whose tail or head is not drawn get none."""
    incoming: dict[str, list[tuple[float, int]]] = {}
    for i, a in enumerate(arrows):
        if a.tail in boxes and a.head in boxes:
            incoming.setdefault(a.head, []).append((boxes[a.tail].x, i))
    tip_x: dict[int, float] = {}
    for head, lst in incoming.items():
        lst.sort()
        hb = boxes[head]
        n = len(lst)
        span = min(hb.w * 0.6, 8.0 * (n - 1))
        for k, (_, i) in enumerate(lst):
            tip_x[i] = hb.x + (0 if n == 1 else -span / 2 + span * k / (n - 1))
    return tip_x


def arrow_path(cls: str, tb: Box, hb: Box, tip_x: float, gpa_y: float,
               lane_x: Optional[float] = None) -> tuple[tuple, tuple]:
    """The spline of an arrow of class ``cls`` from box ``tb`` down to ``tip_x`` on box ``hb``:
    an S-curve; a shadow arrow drops past the gPA row first (down the lane at ``lane_x``, if
    given, else behind the page under it)."""
    x0 = tb.x + (8 if cls == "shadow-map" else (-4 if cls == "guest-map" else 0))
    if cls == "shadow-map" and lane_x is not None:
        return _curve_around(x0, tb.y - tb.h / 2, lane_x, gpa_y + PAGE_H / 2 + 8, gpa_y - PAGE_H / 2 - 8, tip_x,
                             hb.y + hb.h / 2)
    if cls == "shadow-map":
        return _curve_below(x0, tb.y - tb.h / 2, gpa_y - PAGE_H / 2 - 6, tip_x, hb.y + hb.h / 2)
    return _curve(x0, tb.y - tb.h / 2, tip_x, hb.y + hb.h / 2)


def arrow_style(cls: str, current: bool, faint: bool = False) -> tuple[str, float]:
    """An arrow's colour and pen: its class's, thicker in orange on the current path; ``faint``
    (many arrows): all but the current path translucent and thin."""
    colour = EDGE_COLOURS[cls]
    pen = 2.6 if current else (1.1 if cls == "shadow-map" else 1.0)
    if faint and not current:
        colour, pen = colour + "66", 0.8
    return (CURRENT if current else colour), pen


def arrow_title(a: EdgeSpec, tb: Box, hb: Box, mode: Mode, lang: str = "en") -> str:
    """What an arrow means, in words (read by screen readers)."""
    meaning = t({"guest-map": "leg.guest_map", "shadow-map": "leg.shadow_map"}.get(
        a.cls, "leg.vmm_map_nested" if mode is Mode.NESTED else "leg.vmm_map"), lang)
    return f"{meaning}: {_name(tb)} → {_name(hb)}" + (f" ({t('leg.current', lang)})" if a.current else "")


def edges(scene: Scene, arrows: list, boxes: dict, lanes: list = (), lang: str = "en") -> list[Edge]:
    """Route and style the arrows between the boxes placed (those whose ends are both drawn):
    the current path last, so that it is drawn over the rest. In the figure view of shadow mode a
    shadow arrow takes the next free lane of its VM (``lanes``: (vm, x))."""
    tip_x = arrow_tips(arrows, boxes)
    faint = len(tip_x) > DIM_EDGES
    lanes = list(lanes)
    normal, current = [], []
    for i, a in enumerate(arrows):
        if i not in tip_x:
            continue
        lane_x = None
        if a.cls == "shadow-map" and scene.data_only and lanes:
            k = next((k for k, (vn, _x) in enumerate(lanes) if a.tail.startswith(f"gva-{vn}-")), None)
            if k is not None:
                lane_x = lanes.pop(k)[1]
        tb, hb = boxes[a.tail], boxes[a.head]
        pts, end = arrow_path(a.cls, tb, hb, tip_x[i], scene.gpa_y, lane_x)
        colour, pen = arrow_style(a.cls, a.current, faint)
        e = Edge(a.tail, a.head, a.cls + (" current" if a.current else ""), pts, end, colour, pen,
                 dashed=a.cls == "shadow-map", title=arrow_title(a, tb, hb, scene.mode, lang))
        (current if a.current else normal).append(e)
    return normal + current


# -- the text, fitted -------------------------------------------------------------------------------
def fit_text(text: str, size: float, room: float, min_font: float) -> tuple[str, float]:
    """A line of text in ``size`` points within ``room`` points: as it is if it fits (or has
    several lines), else shrunk — never below ``min_font`` — and then shortened with an ellipsis."""
    if not text or "\n" in text or text_width(text, size) <= room:
        return text, size
    size = max(min_font, room / (len(text) * 0.6))
    while text_width(text, size) > room and len(text) > 2:
        text = text[:-2] + "…"
    return text, size


def fitted(b: Box, min_font: float) -> tuple[str, float, str, float]:
    """A page's (top, font, bottom, bottom_font) kept inside its box (texts without a box as they
    are): first drop what the tooltip also says (a table's process name), then shrink the text,
    then shorten it with an ellipsis."""
    if b.text:
        return b.top, b.font, b.bottom, b.bottom_font
    room = b.w - 2
    bottom = b.bottom
    if bottom and text_width(bottom, b.bottom_font) > room:
        words = bottom.split(" ")
        if len(words) == 3 and words[0] in LEVEL_NAMES.values():  # "PML4 editor WP" → "PML4 WP"
            bottom = f"{words[0]} {words[2]}"
    return (*fit_text(b.top, b.font, room, min_font), *fit_text(bottom, b.bottom_font, room, min_font))


# -- the composition ---------------------------------------------------------------------------------
def shifted_points(points: tuple, dy: float) -> tuple:
    """Spline control points (x0, y0, x1, y1, …) moved up by ``dy``."""
    return tuple(p + (dy if k % 2 else 0) for k, p in enumerate(points))


def _settle(fig: Figure, dy: float, compact: bool) -> None:
    """The last pass over the figure's own new objects, in place: move everything up by ``dy`` so
    that the picture starts at (0, 0), raise the lecture view's text to :data:`COMPACT_MIN_FONT`
    (it is read from the back of a room), and fit every text into its box."""
    for b in fig.boxes:
        b.y += dy
    for a in fig.areas:
        a.y0 += dy
        a.y1 += dy
    for e in fig.edges:
        e.points = shifted_points(e.points, dy)
        e.end = (e.end[0], e.end[1] + dy)
    if compact:
        for b in fig.boxes:
            b.font, b.bottom_font = max(b.font, COMPACT_MIN_FONT), max(b.bottom_font, COMPACT_MIN_FONT)
        for a in fig.areas:
            a.font = max(a.font, COMPACT_MIN_FONT)
    for b in fig.boxes:
        b.top, b.font, b.bottom, b.bottom_font = fitted(b, COMPACT_MIN_FONT if compact else MIN_FIT_FONT)


def figure(machine: Machine, highlight: Optional[Highlight] = None, lang: str = "en",
           view: Optional["View"] = None) -> Figure:
    """Place the memory-mapping diagram of ``machine`` (``view``: every page, or the vSphere
    figure's data pages only): the VMs left to right, the machine row under them, then the
    arrows, then the text fitted, each by its part."""
    h = highlight or Highlight()
    scene = scene_of(machine, view)
    boxes: dict[str, Box] = {}
    vm_areas: list[Area] = []
    groups: list[Area] = []
    arrows: list[EdgeSpec] = []
    links: list = []
    shadow_frames: list[int] = []
    lanes: list = []
    hidden = 0
    x = LABEL_W
    for v in scene.vms:
        part = vm_part(scene, v, x, h, lang)
        for b in part.boxes:
            boxes[b.id] = b
        vm_areas.insert(0, part.area)  # drawn first, behind their pages: the last VM's first, as ever
        groups += part.groups
        arrows += part.arrows
        links += part.links
        shadow_frames += part.shadow_frames
        lanes += part.lanes
        hidden += part.hidden
        x = part.area.x1 + VM_SEP
    vms_right = x - VM_SEP
    row = ma_row(scene, machine_frames(scene, links, shadow_frames), vms_right, h, lang)
    captions, caption_end = ma_captions(scene, row.slots, hidden, lang)
    for b in (*row.boxes, *row_names(scene, lang), *captions):
        boxes[b.id] = b
    right = max(vms_right, row.end) + 12
    if captions:  # a long caption (German, figure view) widens the picture rather than being cut off
        right = max(right, caption_end + 12)
    compact = scene.view.compact
    top = ROW_GVA_Y + PAGE_H / 2 + 42 + (0 if compact else 28)
    bottom = scene.ma_y - PAGE_H / 2 - (6 if compact else 24)
    fig = Figure("" if compact else t("dia.title." + machine.mode.value, lang), right, top - bottom,
                 vm_areas + groups, list(boxes.values()), edges(scene, arrows, boxes, lanes, lang), hidden)
    _settle(fig, -bottom, compact)
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
