"""The step page's stage as HTML: the step's status line, the diagram(s) with the panel beside or
below them, the figure view's note. Pure functions of texts the callers made (the summary comes
from :func:`visualizer.render.tables.summary_html`); the sizes come from :mod:`visualizer.app.stage`.
"""
from __future__ import annotations

from ..text.i18n import t


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def status_html(step: int, head: str, lines: list[str], extra: str = "", cls: str = "") -> str:
    """The status block: ``head`` (position and operation, as HTML) with ``extra`` after it (a
    score, "end of the trace"), then each of ``lines`` (summaries, as HTML), each a line of its own
    where the width runs out. ``data-step`` names the step it is about."""
    lines = [ln for ln in lines if ln]
    dash = " —" if lines and not cls.startswith("lecture") else ""
    body = f'<span class="head">{head}{extra}{dash}</span>' + "".join(f'<span class="line">{ln}</span>' for ln in lines)
    return f'<div class="{" ".join(("esxi-status", cls)).strip()}" data-step="{step}">{body}</div>'


def mode_line(label: str, summary: str, mode: str) -> str:
    """One mode's summary in "both": the mode's name, then its figures."""
    return f'<span class="mode-line" data-mode="{mode}"><b>{esc(label)}:</b> {summary}</span>'


def side_html(title: str, body: str, cls: str = "") -> str:
    """The panel beside or below the diagram: a title and its body (HTML)."""
    head = f'<div class="side-title">{esc(title)}</div>' if title else ""
    return f'<div class="{" ".join(("esxi-side", cls)).strip()}">{head}{body}</div>'


def stage_html(main: str, side: str, beside: bool, main_share: float, reserve: int = 0) -> str:
    """The diagram column (``main``) and the panel (``side``): beside it, the diagram's column
    ``main_share`` of the width; or below it, at least ``reserve`` px high."""
    layout = "beside" if beside else "below"
    style = f"--main:{main_share * 100:.1f}%;--reserve:{reserve}px"
    return (f'<div class="esxi-stage {layout}" style="{style}"><div class="esxi-main">{main}</div>'
            f'{side}</div>')


def figure_note(lang: str, both: bool = False) -> str:
    """What the figure view leaves out and how to show it (and, for "both", why one figure serves
    both modes)."""
    key = "stage.note_both" if both else "stage.note_figure"
    return f'<div class="figure-note" data-note="{"both" if both else "figure"}">{esc(t(key, lang))}</div>'
