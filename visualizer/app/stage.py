"""The step page on one screen: where the diagram, the narration and the predict questions go,
and how large the diagram is drawn.

Pure functions of the figure's size (in points, Graphviz's unit, as :class:`~visualizer.render.
figure.Figure` gives it) and of a screen's (in CSS pixels). The page asks :func:`stage_plan`
whether the side panel (narration or questions) goes beside the diagram or below it, and writes
the diagram's box with :func:`diagram_box`: CSS that fits the picture into the rest of the viewport
(``100vh`` less the top of the stage, which the browser measures into ``--esxi-stage-top``) and
never below a readable scale — a diagram too wide for that scrolls sideways in its own box.

Scales are CSS pixels per point of the SVG's viewBox (the figure plus a 4 pt margin on each side):
at scale 1 a 9 pt label is 9 px high on screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..render.figure import Figure, lines

MARGIN_PT = 8
"""The SVG's viewBox is the figure plus 4 pt on each side (:func:`visualizer.render.svg.figure_svg`)."""


@dataclass(frozen=True, slots=True)
class Viewport:
    """A browser's viewport in CSS pixels."""

    width: int
    height: int


LAPTOP = Viewport(1366, 650)
"""A browser window on a 1366 × 768 laptop (the most common screen): 118 px go to tabs and the address bar."""
PROJECTOR = Viewport(1280, 720)
"""A 1280 × 720 projector, the browser in fullscreen."""
PHONE = Viewport(390, 844)
"""A phone held upright."""


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the step page puts around the stage (the diagram and its side panel), in CSS pixels."""

    above: int = 160
    """From the viewport's top to the stage: Streamlit's header, the title row, the controls and the
    step's summary (measured in Chromium at 1366 × 650; the browser measures the real one)."""
    pad: int = 32
    """The page's left and right padding together."""
    gap: int = 16
    """Between the diagram and a panel beside or below it."""
    bottom: int = 8
    """Kept free under the stage."""


STEP_CHROME = Chrome()

PANEL_BESIDE = {"narration": 340, "questions": 380}
"""The narrowest side panel beside the diagram, by what it holds (px)."""
PANEL_BELOW = {"narration": 110, "questions": 190}
"""The lowest side panel below the diagram, by what it holds (px): four lines of narration; a
row of questions with their choices."""
NOTE_PX = 36
"""Room kept under the diagram for each note on it (the figure view's, the pages left out): two lines."""
MIN_SCALE = 1.0
"""The smallest scale the step page draws a diagram at (75 % of its print size: the smallest text,
7.5 pt, at 7.5 px); a diagram that would need less scrolls sideways in its box instead."""
NARROW_MIN_SCALE = 1.25
"""The same on a narrow screen (a phone), read closer but on a small, dense display."""
NARROW_PX = 640
"""Viewports up to this width are narrow: one column (Streamlit stacks its columns there too)."""
MAX_SCALE = 2.0
"""A small diagram is not blown up beyond this (its text would outgrow the page's)."""
LECTURE_TEXT_PX = 14.0
"""The lecture view's smallest diagram text, in CSS pixels: readable from the back of a room."""


def view_size(fig: Figure) -> tuple[float, float]:
    """The SVG's viewBox (width, height) in points."""
    return fig.width + MARGIN_PT, fig.height + MARGIN_PT


def fit_scale(width: float, height: float, box_w: float, box_h: float) -> float:
    """The largest scale at which a ``width`` × ``height`` picture fits a ``box_w`` × ``box_h`` box
    (0 for an empty box)."""
    if width <= 0 or height <= 0:
        return MAX_SCALE
    return max(0.0, min(box_w / width, box_h / height))


def smallest_font(fig: Figure) -> float:
    """The figure's smallest text, in points (page labels, addresses, row names, VM headings)."""
    sizes = [size for b in fig.boxes for text, size, _ in lines(b) if text.strip()]
    sizes += [a.font for a in fig.areas if a.label.strip()]
    return min(sizes) if sizes else 9.0


def readable_scale(fig: Figure, px: float = LECTURE_TEXT_PX) -> float:
    """The scale at which the figure's smallest text is ``px`` CSS pixels high."""
    return px / smallest_font(fig)


@dataclass(frozen=True, slots=True)
class StagePlan:
    """Where the side panel goes, and what that leaves the diagram on the reference screens."""

    beside: bool
    """The panel beside the diagram (True) or below it."""
    main: float
    """Beside: the diagram's share of the page's width (the panel has the rest)."""
    scale: float
    """The diagram's scale on the smallest of the reference screens, before :data:`MIN_SCALE`."""
    panel_px: int
    """Beside: the panel's least width; below: its least height (px)."""


def _room(vp: Viewport, chrome: Chrome) -> tuple[float, float]:
    return vp.width - chrome.pad, vp.height - chrome.above - chrome.bottom


def stage_plan(fig_w: float, fig_h: float, panel: str = "narration",
               screens: Iterable[Viewport] = (LAPTOP, PROJECTOR), chrome: Chrome = STEP_CHROME) -> StagePlan:
    """Beside or below: whichever leaves the diagram (``fig_w`` × ``fig_h`` points, the SVG's
    viewBox) the larger scale on the worst of ``screens``, the panel (``"narration"`` or
    ``"questions"``) at least :data:`PANEL_BESIDE` wide or :data:`PANEL_BELOW` high. A panel beside
    a diagram that would drop below :data:`MIN_SCALE` there goes below (the diagram's text first).

    Beside, the diagram's column is as wide as the height lets it be (the panel gets the rest), but
    never narrower than it must be."""
    screens = tuple(screens)
    side, low = PANEL_BESIDE[panel], PANEL_BELOW[panel]
    beside_scale = below_scale = float("inf")
    main = 1.0
    for vp in screens:
        w, h = _room(vp, chrome)
        s_beside = fit_scale(fig_w, fig_h, w - side - chrome.gap, h)
        beside_scale = min(beside_scale, s_beside)
        below_scale = min(below_scale, fit_scale(fig_w, fig_h, w, h - low - chrome.gap))
        # the diagram's share: what its height-bound width takes of the row (the panel keeps its least)
        main = min(main, max(0.3, min(fig_w * s_beside, w - side - chrome.gap) / w))
    beside = beside_scale >= below_scale and beside_scale >= MIN_SCALE
    if beside:
        return StagePlan(True, round(main, 3), beside_scale, side)
    return StagePlan(False, 1.0, below_scale, low)


def diagram_box(fig_w: float, fig_h: float, *, reserve: int = 0, min_scale: float = MIN_SCALE,
                narrow_min_scale: float = NARROW_MIN_SCALE, max_scale: float = MAX_SCALE,
                zoom: float | None = None) -> str:
    """The ``style`` of the step page's diagram box: CSS variables that the page's stylesheet
    (:data:`STAGE_CSS`) turns into the SVG's size — as wide as its column and as high as the
    viewport's rest less ``reserve`` px (a panel below it) allow, at least ``min_scale`` (on a
    narrow screen ``narrow_min_scale``) and at most ``max_scale``; or, with ``zoom``, at that scale
    exactly. Either way the box scrolls sideways where the picture is wider than the column."""
    lo = zoom if zoom is not None else min_scale
    hi = zoom if zoom is not None else max_scale
    narrow = zoom if zoom is not None else max(narrow_min_scale, min_scale)
    return (f"--vw:{fig_w:.0f};--vh:{fig_h:.0f};--smin:{lo:.3f};--smin-narrow:{narrow:.3f};--smax:{hi:.3f};"
            f"--reserve:{reserve}px")


def lecture_box(fig: Figure, px: float = LECTURE_TEXT_PX) -> str:
    """The ``style`` of a lecture diagram's box: it fills its fixed box, but never so small that the
    smallest text is under ``px`` CSS pixels (then it scrolls sideways, following the current page)."""
    w, h = view_size(fig)
    return f"--vw:{w:.0f};--vh:{h:.0f};--smin:{readable_scale(fig, px):.3f}"


LECTURE_ABOVE = 64
"""The lecture view's controls row and the page's top padding (px): where its status begins until
the browser has measured it (into ``--esxi-lec-top``)."""
LECTURE_LINE = 22
"""A line of the lecture status (17 px text)."""
NOTE_LINE = 18
"""A line of the figure view's note (14 px text)."""


NARR_LEAST = 96
"""The lecture narration's least height (px): four lines of 17 px text."""


def lecture_heights(both: bool, note_lines: int, stage: Optional[str], fig: Figure) -> dict[str, str]:
    """The heights of the lecture view's parts, as CSS: the status (two lines, three in "both"), the
    diagram's box (the rest of the viewport, never less than the figure at :func:`readable_scale`;
    exactly that while the questions are open, which get the rest), the figure view's note, the
    verdicts after a reveal and the narration. The status ends at the same place at every step of
    a mode, so the diagram's top never moves."""
    status = LECTURE_LINE * (3 if both else 2)
    note = NOTE_LINE * note_lines + (2 if note_lines else 0)
    results = 110 if stage == "revealed" else 0
    narr = 0 if stage == "asking" else (100 if stage == "revealed" else 150)
    least = view_size(fig)[1] * readable_scale(fig) + 2
    used = status + 4 + note + (results + 4 if results else 0) + (narr + 6 if narr else 0) + 6
    rest = f"calc(100vh - var(--esxi-lec-top, {LECTURE_ABOVE}px) - {used}px)"
    diagram = f"{least:.0f}px" if stage == "asking" else f"max({least:.0f}px, {rest})"
    if narr:
        # the narration takes what the diagram leaves (a diagram held at its readable size takes some
        # of the narration's room, never the viewport's bottom edge), at least four lines
        above = used - narr
        narr_css = f"max({NARR_LEAST}px, calc(100vh - var(--esxi-lec-top, {LECTURE_ABOVE}px) - {above}px - var(--diagram)))"
    else:
        narr_css = "0px"
    return {"status": f"{status}px", "diagram": diagram, "note": f"{note}px", "results": f"{results}px",
            "narr": narr_css}


def css_vars(values: dict[str, str]) -> str:
    """``{"narr": "150px"}`` → ``--narr:150px`` (an inline style)."""
    return ";".join(f"--{k}:{v}" for k, v in values.items())


STAGE_CSS = f"""
.esxi-diagram.stage {{ overflow-x: auto; overflow-y: hidden; background: #fff; }}
.esxi-diagram.stage svg {{ display: block; margin: 0 auto; width: 100%; height: auto;
  min-width: calc(var(--vw) * var(--smin) * 1px); min-height: calc(var(--vh) * var(--smin) * 1px);
  max-width: calc(var(--vw) * var(--smax) * 1px);
  max-height: max(calc(var(--vh) * var(--smin) * 1px),
    calc((100vh - var(--esxi-stage-top, {STEP_CHROME.above}px) - var(--reserve) - {STEP_CHROME.bottom}px)
         / var(--split, 1) - (var(--split, 1) - 1) * 1.6rem)); }}
@media (max-width: {NARROW_PX}px) {{
  .esxi-diagram.stage svg {{ min-width: calc(var(--vw) * var(--smin-narrow) * 1px);
    min-height: calc(var(--vh) * var(--smin-narrow) * 1px); max-height: none; }}
}}
.esxi-diagram.lecture svg {{ min-width: calc(var(--vw) * var(--smin) * 1px); min-height: calc(var(--vh) * var(--smin) * 1px); }}
"""
"""The stylesheet that sizes the diagrams from the variables :func:`diagram_box` and :func:`lecture_box`
write (the numbers in it come from this module's constants)."""

STEP_CSS = f"""
/* the step page on one screen: Streamlit's header is see-through, the title row sits beside its buttons */
header[data-testid="stHeader"] {{ background: transparent; pointer-events: none; }}
header[data-testid="stHeader"] div {{ pointer-events: none !important; }}
header[data-testid="stHeader"] :is(button, a, [role="button"]) {{ pointer-events: auto !important; }}
.block-container, [data-testid="stMainBlockContainer"] {{ padding: 0.5rem 1rem 2rem 1rem !important;
  max-width: 100% !important; }}
.st-key-step_head {{ padding: 0 2.75rem; min-height: 2.5rem; }}
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{ gap: 0.5rem; }}
[data-testid="stElementContainer"].st-key-step_keys, [data-testid="stElementContainer"].st-key-lecture_keys {{ display: none; }}
.step-head {{ display: flex; align-items: baseline; gap: 0.9rem; min-width: 0; }}
.step-head h1 {{ font-size: 1.4rem !important; line-height: 1.25; margin: 0; padding: 0 !important; white-space: nowrap; }}
.step-head .scen {{ font-size: 0.85rem; color: #546e7a; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  min-width: 0; }}
.st-key-step_head [data-testid="stElementContainer"]:first-child {{ flex: 1 1 0; min-width: 0; }}
/* the details' tables: plain HTML in a box of their own that scrolls, its header row kept in view */
.esxi-table-box {{ max-height: 24rem; overflow: auto; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
  margin: 0.4rem 0 1rem 0; }}
.esxi-table-box .esxi-table {{ margin: 0; }}
.esxi-table-box:focus-visible {{ outline: 2px solid #1565c0; outline-offset: 1px; }}
.esxi-table {{ border-collapse: collapse; width: 100%; font-size: 0.85rem; line-height: 1.35; color: #102027; }}
.esxi-table th {{ position: sticky; top: 0; background: #eef1f5; text-align: left; font-weight: 600;
  padding: 0.3rem 0.5rem; border-bottom: 1px solid rgba(49, 51, 63, 0.25); white-space: nowrap; }}
.esxi-table td {{ padding: 0.2rem 0.5rem; border-bottom: 1px solid rgba(49, 51, 63, 0.08); vertical-align: top; }}
.esxi-table tbody tr:nth-child(even) {{ background: #f8f9fb; }}
.esxi-table .num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.esxi-table td.mono {{ font-family: "Source Code Pro", ui-monospace, monospace; font-size: 0.8rem; white-space: nowrap; }}
.esxi-status {{ display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.6em; color: #102027;
  font-size: 0.95rem; line-height: 1.5; margin: 0 0 0.3rem 0; }}
.esxi-status .head {{ white-space: nowrap; }}
.esxi-status .line {{ display: flex; flex: 1 1 auto; min-width: 0; white-space: nowrap; }}
.esxi-status .summary, .esxi-status .mode-line {{ display: flex; min-width: 0; gap: 0 0.3em; }}
.esxi-status .fig, .esxi-status .sep, .esxi-status .mode-line > b {{ flex: none; }}
.esxi-status .cause {{ flex: 0 1 auto; min-width: 1.2em; overflow: hidden; text-overflow: ellipsis; }}
.esxi-status code {{ font-size: 0.88em; }}
.host-state {{ margin: 0 0 0.3rem 0 !important; }}
.esxi-stage.beside {{ display: grid; grid-template-columns: var(--main) minmax(0, 1fr); gap: {STEP_CHROME.gap}px;
  align-items: start; }}
.esxi-stage .esxi-main {{ min-width: 0; }}
.esxi-side {{ border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.35rem 0.8rem;
  overflow-y: auto; overscroll-behavior: contain; }}
.esxi-stage.beside .esxi-side {{ max-height: calc(100vh - var(--esxi-stage-top, {STEP_CHROME.above}px) - {STEP_CHROME.bottom}px); }}
.esxi-stage.below .esxi-side {{ margin-top: {STEP_CHROME.gap}px;
  max-height: max(var(--reserve), calc(100vh - var(--esxi-side-top, 500px) - {STEP_CHROME.bottom}px)); }}
.esxi-side .side-title {{ font-weight: 600; }}
.esxi-side ol.narration {{ column-count: 1 !important; }}
.esxi-stage.below .esxi-side ol.narration {{ max-width: 60rem; }}
.figure-note {{ font-size: 0.8rem; color: #546e7a; line-height: 1.35; margin: 2px 0 0 0; }}
.both-caption {{ font-size: 0.9rem; font-weight: 600; color: #102027; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.both-caption .summary {{ font-weight: 400; }}
details.story {{ font-size: 0.9rem; margin-top: 0.2rem; }}
.predict-results {{ border-bottom: 1px solid #eceff1; margin-bottom: 0.3rem; padding-bottom: 0.2rem; }}
.st-key-predict_box {{ max-height: calc(100vh - var(--esxi-ask-top, {STEP_CHROME.above}px) - {STEP_CHROME.bottom}px);
  overflow-y: auto; overscroll-behavior: contain; }}
.st-key-predict_box [data-testid="stRadio"] [role="radiogroup"] {{ gap: 0 !important; }}
@media (max-width: {NARROW_PX}px) {{
  .st-key-step_head {{ padding: 0 0 0 2.75rem; }}
  .st-key-step_head [data-testid="stElementContainer"]:first-child {{ flex: 1 1 100%; }}
  .step-head {{ flex-wrap: wrap; }}
  [class*="st-key-_details"] div {{ flex-wrap: wrap !important; }}
  .step-head .scen {{ display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }}
  .step-head h1 {{ white-space: normal; }}
  .step-head .scen, .esxi-status .head, .esxi-status .line {{ white-space: normal; }}
  .esxi-status .line, .esxi-status .summary, .esxi-status .mode-line {{ flex-wrap: wrap; }}
  .esxi-status .fig, .esxi-status code {{ white-space: nowrap; }}
  .esxi-stage.beside {{ display: block; }}
  .esxi-stage .esxi-side {{ max-height: none !important; margin-top: {STEP_CHROME.gap}px; }}
  .st-key-predict_box {{ max-height: none; }}
  ol.narration {{ column-count: 1 !important; }}
  ol.narration li, .esxi-status, .step-head, .esxi-side {{ overflow-wrap: anywhere; }}
}}
"""
"""The step page's own styles (with :data:`STAGE_CSS`)."""
