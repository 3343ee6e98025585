"""Drawing the diagram: DOT → SVG (or PNG) with a Graphviz program, or SVG without one.

The figure's positions are all set (:mod:`visualizer.render.figure`), so Graphviz only draws:
``dot -Kneato -n2`` (native Graphviz), else ``neato -n2``, else ``graphviz-pure -Kneato -n2``
(the PyPI package ``graphviz-pure``, a self-contained Graphviz port). :func:`figure_svg` writes
the same picture in Python, with the same ids and classes, so pages and tests need not care
which drew it; it needs no layout program at all.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from typing import Optional

from .dot import to_dot
from .figure import Figure, lines, num

PROGRAMS = (("dot", ("-Kneato", "-n2")), ("neato", ("-n2",)), ("graphviz-pure", ("-Kneato", "-n2")))
"""Layout programs in order of preference, with the flags that draw a positioned graph."""


class LayoutError(RuntimeError):
    """The Graphviz program failed (its message is kept)."""


@functools.lru_cache(maxsize=1)
def layout_program() -> Optional[tuple[str, ...]]:
    """The command that draws a positioned DOT graph, or None where no Graphviz is installed."""
    for name, flags in PROGRAMS:
        path = shutil.which(name)
        if path:
            return (path, *flags)
    return None


PNG_DPI = 192
"""PNG exports at 2× a screen's 96 dpi: sharp on a slide or a high-density display."""


def render(dot_text: str, fmt: str = "svg", timeout: float = 20.0) -> bytes:
    """Draw ``dot_text`` with the layout program, as ``fmt`` ("svg", or "png" at :data:`PNG_DPI`)."""
    prog = layout_program()
    if prog is None:
        raise LayoutError("no Graphviz program (dot, neato or graphviz-pure) is installed")
    dpi = [f"-Gdpi={PNG_DPI}"] if fmt == "png" else []
    try:
        r = subprocess.run([*prog, f"-T{fmt}", *dpi], input=dot_text.encode("utf-8"), capture_output=True,
                           timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise LayoutError(f"{prog[0]} took longer than {timeout:.0f} s") from None
    if r.returncode != 0 or not r.stdout:
        raise LayoutError(f"{prog[0]} failed: {r.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return r.stdout


_PROLOG = re.compile(r"<\?xml.*?\?>\s*|<!DOCTYPE.*?>\s*|<!--.*?-->\s*", re.S)


def inline(svg: str) -> str:
    """An SVG document made ready to sit inside an HTML page: no XML prolog, doctype or comments."""
    return _PROLOG.sub("", svg).strip()


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def sized(svg: str, zoom: Optional[float] = None) -> str:
    """The SVG fitted to its container's width (``zoom`` None), or at ``zoom`` × its print size
    (1 pt = 4/3 CSS px) with the container scrolling."""
    m = _SIZE.search(svg)
    if m is None:
        return svg
    w, h = float(m.group(1)), float(m.group(2))
    if zoom is None:
        repl = f'<svg width="100%" style="max-width:{w * 1.6:.0f}px;height:auto" data-width="{w:.0f}"'
    else:
        repl = f'<svg width="{w * zoom * 4 / 3:.0f}px" height="{h * zoom * 4 / 3:.0f}px" data-width="{w:.0f}"'
    return svg[:m.start()] + repl + svg[m.end():]


def fitted(svg: str) -> str:
    """The SVG scaled to fill its container's width and height, keeping its proportions (the
    lecture view: a fixed box the diagram always fits into, so that it never moves or scrolls)."""
    m = _SIZE.search(svg)
    if m is None:
        return svg
    w = float(m.group(1))
    repl = f'<svg width="100%" height="100%" preserveAspectRatio="xMidYMid meet" data-width="{w:.0f}"'
    return svg[:m.start()] + repl + svg[m.end():]


def preferred() -> str:
    """Who draws the app's diagrams: ``python`` (the default) or, with ``VISUALIZER_SVG=graphviz``,
    Graphviz. Both draw the same placed figure with the same ids and classes; measured in the
    browser (benchmarks/bench_browser.py) the Python drawer is the faster of the two — it spares a
    process per diagram — so the app uses it, and Graphviz draws the exports."""
    return "graphviz" if os.environ.get("VISUALIZER_SVG", "").strip().lower() == "graphviz" else "python"


def to_svg(fig: Figure, prefer: Optional[str] = None) -> tuple[str, str]:
    """(SVG text, what drew it) for a figure: Graphviz if ``prefer`` (or :func:`preferred`) says
    so and a Graphviz program is installed, else Python."""
    if (prefer or preferred()) == "graphviz" and layout_program() is not None:
        try:
            return inline(render(to_dot(fig), "svg").decode("utf-8")), layout_program()[0].rsplit("/", 1)[-1]
        except LayoutError:
            pass
    return figure_svg(fig), "python"


# -- the same picture without Graphviz ----------------------------------------------------------------
def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def figure_svg(fig: Figure) -> str:
    """The figure as SVG, drawn in Python: clusters, then edges, then nodes (as Graphviz's
    ``outputorder=edgesfirst``), with Graphviz's ids and classes (``node``/``edge`` plus the
    figure's own classes)."""
    W, H = fig.width, fig.height

    def y(v: float) -> str:  # Graphviz's y grows upwards; SVG's downwards
        return num(H - v)

    out = [f'<svg width="{num(W + 8)}pt" height="{num(H + 8)}pt" viewBox="0.00 0.00 {num(W + 8)} {num(H + 8)}" '
           f'role="img" aria-label="{_esc(fig.title or "ESXi memory mapping")}" '
           'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
           '<g id="graph0" class="graph" transform="translate(4 4)">',
           f'<rect x="-4" y="-4" width="{num(W + 8)}" height="{num(H + 8)}" fill="white"/>']
    if fig.title:
        out.append(f'<text text-anchor="middle" x="{num(W / 2)}" y="{y(H - 16)}" font-family="Helvetica,sans-Serif" '
                   f'font-size="12" fill="#263238">{_esc(fig.title)}</text>')
    for i, a in enumerate(fig.areas):
        dash = ' stroke-dasharray="5,2"' if a.dashed else ""
        weight = ' font-weight="bold"' if a.bold else ""
        out.append(f'<g id="clust{i + 1}" class="cluster"><title>{_esc(a.id)}</title>'
                   f'<rect x="{num(a.x0)}" y="{y(a.y1)}" width="{num(a.x1 - a.x0)}" height="{num(a.y1 - a.y0)}" '
                   f'rx="6" fill="{a.fill}" stroke="{a.border}"{dash}/>'
                   f'<text x="{num(a.x0 + 6)}" y="{y(a.y1 - a.font - 3)}" font-family="Helvetica,sans-Serif" '
                   f'font-size="{num(a.font)}"{weight} fill="#263238">{_esc(a.label)}</text></g>')
    for i, e in enumerate(fig.edges):
        p = e.points
        d = f"M{num(p[0])},{y(p[1])}C" + " ".join(f"{num(p[k])},{y(p[k + 1])}" for k in range(2, len(p), 2))
        colour, opacity = e.colour[:7], ""
        if len(e.colour) == 9:
            opacity = f' stroke-opacity="{int(e.colour[7:], 16) / 255:.2f}" fill-opacity="{int(e.colour[7:], 16) / 255:.2f}"'
        dash = ' stroke-dasharray="5,2"' if e.dashed else ""
        # the arrowhead: a triangle from the spline's end to the tip
        ex, ey = e.end
        sx, sy = p[-2], p[-1]
        dx, dy = ex - sx, ey - sy
        length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
        ux, uy = dx / length, dy / length
        half = 2.2 + 0.4 * e.pen
        tri = (f"{num(ex)},{y(ey)} {num(sx - uy * half)},{y(sy + ux * half)} "
               f"{num(sx + uy * half)},{y(sy - ux * half)}")
        title = _esc(e.title) if e.title else f"{_esc(e.tail)}&#45;&gt;{_esc(e.head)}"
        out.append(f'<g id="edge{i + 1}" class="edge {_esc(e.cls)}" data-edge="{_esc(e.tail)}->{_esc(e.head)}">'
                   f'<title>{title}</title>'
                   f'<path fill="none" stroke="{colour}" stroke-width="{num(e.pen)}"{dash}{opacity} d="{d}"/>'
                   f'<polygon fill="{colour}" stroke="{colour}"{opacity} points="{tri}"/></g>')
    for i, b in enumerate(fig.boxes):
        nid = b.id if b.id.startswith(("gva-", "gpa-", "ma-")) and not b.text else f"node{i + 1}"
        cls = f"node {b.classes}".strip()
        # the <title> is what a screen reader says and a pointer shows: the page in words where the
        # figure gives them (Graphviz also wraps the box in an <a xlink:title> with the same text:
        # 1,200 more elements for the browser to build in a 600-page diagram, for no more to read)
        parts = [f'<g id="{_esc(nid)}" class="{_esc(cls)}"><title>{_esc(b.tooltip or b.top or b.id)}</title>']
        if not b.text:
            dash = ' stroke-dasharray="5,2"' if b.dashed else ""
            parts.append(f'<rect x="{num(b.x - b.w / 2)}" y="{y(b.y + b.h / 2)}" width="{num(b.w)}" height="{num(b.h)}" '
                         f'fill="{b.fill}" stroke="{b.border}" stroke-width="{num(b.pen)}"{dash}/>')
        anchor = "start" if b.text and b.anchor == "start" else "middle"
        tx = b.x + 2 if anchor == "start" else b.x
        rows = lines(b)
        total = sum(s + 1 for _, s, _ in rows)
        cy = b.y + total / 2
        for text, size, colour in rows:
            cy -= size
            parts.append(f'<text text-anchor="{anchor}" x="{num(tx)}" y="{y(cy)}" font-family="Helvetica,sans-Serif" '
                         f'font-size="{num(size)}" fill="{colour}">{_esc(text)}</text>')
            cy -= 1
        parts.append("</g>")
        out.append("".join(parts))
    out.append("</g></svg>")
    return "\n".join(out)
