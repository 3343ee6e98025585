"""The placed ESXi diagram as Graphviz DOT text (:func:`to_dot`), with positions.

The figure is placed by :mod:`visualizer.render.figure`; this module only writes it: positions
(``pos``) for nodes, clusters (``bb``) and edge splines, so ``neato -n2`` (or ``dot -Kneato -n2``)
only draws — the same picture in ~20 ms for any size, where a ``dot`` layout of a few hundred
pages takes much longer and may reorder the rows.

The DOT contract (the README documents it; tests and other tools rely on it):

* node ids ``gva-<vm>-<process>-<gvpn hex>``, ``gpa-<vm>-<gppn hex>``, ``ma-<mpn hex>`` — no
  colons, which Graphviz would read as a port;
* every mapping edge has ``class`` ``guest-map``, ``vmm-map`` or ``shadow-map``, plus
  ``current`` on the highlighted path; Graphviz copies ``class`` (and ``id``) into the SVG;
* the same state and highlight give byte-identical text (sorted iteration, no clocks).
"""
from __future__ import annotations

from typing import Optional

from ..engine import Machine
from .figure import INK, Box, Edge, Figure, Highlight, figure, lines, num, text_width


def diagram(machine: Machine, highlight: Optional[Highlight] = None, lang: str = "en") -> str:
    """The memory-mapping diagram of ``machine`` as DOT text (see the module docstring)."""
    return to_dot(figure(machine, highlight, lang))


# -- DOT text ---------------------------------------------------------------------------------------
def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _label(b: Box) -> str:
    parts = [f'<font point-size="{num(size)}" color="{colour}">{_html(text)}</font>' for text, size, colour in lines(b)]
    return "<" + "<br/>".join(parts) + ">" if parts else '""'



def _node_dot(b: Box) -> str:
    attrs = [f'pos="{num(b.x)},{num(b.y)}!"', f"width={num(b.w / 72)}", f"height={num(b.h / 72)}"]
    if b.text:
        # text anchored at its left end: a box as wide as the text, starting at x
        if b.anchor == "start":
            w = max(text_width(text, size) for text, size, _ in lines(b)) + 4
            attrs = [f'pos="{num(b.x + w / 2)},{num(b.y)}!"', f"width={num(w / 72)}", f"height={num(b.h / 72)}"]
        attrs += ['shape=plaintext', 'style=""', "fixedsize=false"]
    else:
        style = "filled,dashed" if b.dashed else "filled"
        attrs += [f'style="{style}"', f'fillcolor="{b.fill}"', f'color="{b.border}"']
        if b.pen != 0.8:
            attrs.append(f"penwidth={num(b.pen)}")
    attrs.append(f"label={_label(b)}")
    if b.id.startswith(("gva-", "gpa-", "ma-")) and not b.text:
        attrs.insert(0, f"id={_q(b.id)}")
    if b.classes:
        attrs.append(f"class={_q(b.classes)}")
    if b.tooltip:
        attrs.append(f"tooltip={_q(b.tooltip)}")
    return f"  {_q(b.id)} [" + ", ".join(attrs) + "];"


def _edge_dot(e: Edge) -> str:
    pts = e.points
    pos = f"e,{num(e.end[0])},{num(e.end[1])} " + " ".join(f"{num(pts[i])},{num(pts[i + 1])}" for i in range(0, len(pts), 2))
    attrs = [f"class={_q(e.cls)}", f'color="{e.colour}"', f'pos="{pos}"']
    if e.pen != 1.0:
        attrs.append(f"penwidth={num(e.pen)}")
    if e.dashed:
        attrs.append("style=dashed")
    return f"  {_q(e.tail)} -> {_q(e.head)} [" + ", ".join(attrs) + "];"


def to_dot(fig: Figure) -> str:
    """The placed figure as DOT text, positions included."""
    lines = [
        "// ESXi memory mapping. Positions are set: draw with  neato -n2 -Tsvg file.gv  (or dot -Kneato -n2).",
        "digraph esxi {",
        f'  graph [layout=neato, outputorder=edgesfirst, bb="0,0,{num(fig.width)},{num(fig.height)}", '
        f'fontname="Helvetica", fontsize=12, fontcolor="{INK}", label={_q(fig.title)}, '
        f'lp="{num(fig.width / 2)},{num(fig.height - 12)}", pad=0.1];',
        f'  node [shape=box, fixedsize=true, fontname="Helvetica", fontsize=9, fontcolor="{INK}", '
        f'color="{INK}", penwidth=0.8, margin=0];',
        '  edge [arrowsize=0.6, penwidth=1.0];',
    ]
    for a in fig.areas:
        style = "rounded,filled,dashed" if a.dashed else "rounded,filled"
        label = f"<<b>{_html(a.label)}</b>>" if a.bold else _q(a.label)
        lw = text_width(a.label, a.font)
        lines.append(f"  subgraph {_q(a.id)} {{")
        lines.append(f'    graph [bb="{num(a.x0)},{num(a.y0)},{num(a.x1)},{num(a.y1)}", label={label}, '
                     f'lp="{num(a.x0 + 6 + lw / 2)},{num(a.y1 - a.font / 2 - 4)}", style="{style}", '
                     f'fillcolor="{a.fill}", color="{a.border}", fontsize={num(a.font)}, fontcolor="{INK}"];')
        lines.append("  }")
    for b in fig.boxes:
        lines.append(_node_dot(b))
    for e in fig.edges:
        lines.append(_edge_dot(e))
    lines.append("}")
    return "\n".join(lines) + "\n"
