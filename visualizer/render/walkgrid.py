"""The walk grid: one TLB miss's page walk, reference by reference (pure: a step → HTML).

Nested mode: the 5×5 grid of Bhargava et al. (ASPLOS'08), Figure 1b — rows the guest levels
(PML4, PDPT, PD, PT) and the data gPA, columns the four nested (EPT) levels and the guest entry
itself; cell *n* is the *n*-th reference of a cold walk (24 in all: the data row has no guest
entry). Shadow and native mode: a strip of the four levels. Each cell is coloured as done (the
walk made that reference), skipped by a cache (a paging-structure cache or the nested TLB) or
not needed (a 2 MiB page ends the walk early). The walk shown is the step's last CPU walk
(after retries, the one that completed or faulted last).
"""
from __future__ import annotations

from html import escape
from typing import Optional

from ..engine.counters import Step
from ..engine.events import Stage, TlbLookup, WalkCacheHit, Walker, WalkRef
from ..text.i18n import t

DONE, CACHED, UNNEEDED, NOT_REACHED = "done", "cached", "unneeded", "not-reached"
COLOURS = {DONE: "#4c78a8", CACHED: "#f2b134", UNNEEDED: "#d9d9d9", NOT_REACHED: "#ffffff"}
_LEVELS = (4, 3, 2, 1)


def last_walk(step: Optional[Step]) -> list:
    """The CPU walk events (WalkRef, WalkCacheHit) after the step's last TLB miss."""
    if step is None:
        return []
    evs = step.events
    start = None
    for i, e in enumerate(evs):
        if e.__class__ is TlbLookup and not e.hit:
            start = i
    if start is None:
        return []
    out = []
    for e in evs[start + 1:]:
        if e.__class__ is WalkRef and e.walker is Walker.CPU:
            out.append(e)
        elif e.__class__ is WalkCacheHit:
            out.append(e)
        elif e.__class__ is TlbLookup:
            break
    return out


def grid_cells(step: Optional[Step], nested: bool) -> Optional[dict]:
    """{(row, col): state}. Nested: rows 4..1 (guest levels) and 0 (data gPA), cols 4..1 (nested
    levels) and 0 (the guest entry). Flat: row 0, cols 4..1. None: no walk at this step."""
    walk = last_walk(step)
    if not walk:
        return None
    if not nested:
        cells = {(0, lv): NOT_REACHED for lv in _LEVELS}
        leaf = None
        for e in walk:
            if e.__class__ is WalkCacheHit:
                for lv in e.skipped:
                    cells[(0, lv)] = CACHED
            else:
                cells[(0, e.level)] = DONE
                leaf = e.level
        if leaf is not None and leaf > 1 and walk[-1].__class__ is WalkRef and walk[-1].entry & 0x80:
            for lv in range(leaf - 1, 0, -1):
                cells[(0, lv)] = UNNEEDED
        return cells
    cells = {(r, c): NOT_REACHED for r in (4, 3, 2, 1, 0) for c in (4, 3, 2, 1, 0)}
    cells.update({(0, 0): None})  # the data row has no guest entry
    pending: list = []
    ntlb_next = False
    guest_leaf = None
    for e in walk:
        if e.__class__ is WalkCacheHit:
            if e.stage is Stage.GUEST:
                for lv in e.skipped:
                    for c in (4, 3, 2, 1, 0):
                        cells[(lv, c)] = CACHED
            else:
                ntlb_next = True
            continue
        if e.stage is Stage.NESTED:
            pending.append(e)
            continue
        row = e.level
        _place(cells, row, pending, ntlb_next)
        cells[(row, 0)] = DONE
        pending, ntlb_next = [], False
        if e.entry & 0x80 and row > 1:  # a 2 MiB guest leaf: the levels below are not needed
            guest_leaf = row
    if guest_leaf is not None:
        for lv in range(guest_leaf - 1, 0, -1):
            for c in (4, 3, 2, 1, 0):
                cells[(lv, c)] = UNNEEDED
    if pending or ntlb_next:
        _place(cells, 0, pending, ntlb_next)
    return cells


def _place(cells: dict, row: int, refs: list, ntlb: bool) -> None:
    if ntlb and not refs:
        for c in _LEVELS:
            cells[(row, c)] = CACHED
        return
    for r in refs:
        cells[(row, r.level)] = DONE
    if refs:
        last = refs[-1]
        if last.entry & 0x80 and last.level > 1:  # a 2 MiB EPT leaf
            for lv in range(last.level - 1, 0, -1):
                cells[(row, lv)] = UNNEEDED


def _number(row: int, col: int) -> int:
    """The cell's position in a cold walk (1…24), as in Bhargava et al.'s Figure 1b."""
    r = 4 - row if row else 4
    c = 4 - col if col else 4
    return r * 5 + c + 1


def walk_grid_html(step: Optional[Step], mode: str, lang: str = "en") -> str:
    """The walk grid of ``step`` as an HTML fragment (a table with inline styles, a legend and
    the total). ``mode``: "nested", "shadow" or "native"."""
    nested = mode == "nested"
    cells = grid_cells(step, nested)
    if cells is None:
        return f'<div class="walk-grid walk-grid-none">{escape(t("grid.none", lang))}</div>'
    full = 24 if nested else 4
    counts = {s: sum(1 for v in cells.values() if v == s) for s in (DONE, CACHED, UNNEEDED)}
    td = ('<td class="wg-cell wg-{s}" title="{title}" style="width:2.4em;height:2.0em;text-align:center;'
          'border:1px solid #888;background:{bg};color:{fg};font:12px sans-serif">{n}</td>')

    def cell(state, n):
        if state is None:
            return '<td style="border:none"></td>'
        return td.format(s=state, title=escape(t(_STATE_KEY[state], lang)) if state in _STATE_KEY else "",
                         bg=COLOURS[state], fg="#fff" if state == DONE else "#222", n=n)

    th = '<th style="font:11px sans-serif;padding:0 4px;text-align:{a}">{x}</th>'
    rows = []
    if nested:
        head = [th.format(a="left", x="")] + [th.format(a="center", x=escape(t("grid.col.nested", lang,
                                                                                 level=t(f"level.{c}", lang))))
                                              for c in _LEVELS] + [th.format(a="center", x=escape(t("grid.col.guest", lang)))]
        rows.append("<tr>" + "".join(head) + "</tr>")
        for r in (4, 3, 2, 1, 0):
            label = t("grid.row.guest", lang, level=t(f"level.{r}", lang)) if r else t("grid.row.data", lang)
            tds = [cell(cells[(r, c)], _number(r, c)) for c in (4, 3, 2, 1, 0)]
            rows.append("<tr>" + th.format(a="right", x=escape(label)) + "".join(tds) + "</tr>")
        title = t("grid.title.nested", lang)
    else:
        head = [th.format(a="center", x=escape(t(f"level.{c}", lang))) for c in _LEVELS]
        rows.append("<tr>" + "".join(head) + "</tr>")
        rows.append("<tr>" + "".join(cell(cells[(0, c)], 5 - c) for c in _LEVELS) + "</tr>")
        title = t("grid.title.flat", lang)
    legend = " ".join(
        f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{COLOURS[s]};'
        f'border:1px solid #888;vertical-align:middle"></span> {escape(t(_STATE_KEY[s], lang))}'
        for s in (DONE, CACHED, UNNEEDED))
    total = t("grid.total", lang, n=counts[DONE], full=full, cached=counts[CACHED], unneeded=counts[UNNEEDED])
    return (f'<div class="walk-grid" data-mode="{escape(mode)}" data-refs="{counts[DONE]}">'
            f'<div style="font:bold 13px sans-serif;margin-bottom:4px">{escape(title)}</div>'
            f'<table style="border-collapse:collapse">{"".join(rows)}</table>'
            f'<div style="font:12px sans-serif;margin-top:4px">{legend}</div>'
            f'<div class="wg-total" style="font:12px sans-serif;margin-top:2px">{escape(total)}</div></div>')


_STATE_KEY = {DONE: "grid.done", CACHED: "grid.cached", UNNEEDED: "grid.unneeded"}
