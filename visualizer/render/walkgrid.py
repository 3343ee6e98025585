"""The walk grid: one TLB miss's page walk, reference by reference (pure: a step → HTML).

Nested mode: the 5×5 grid of Bhargava et al. (ASPLOS'08), Figure 1b — rows the guest levels
(PML4, PDPT, PD, PT) and the data gPA, columns the four nested (EPT) levels and the guest entry
itself; cell *n* is the *n*-th reference of a cold walk (24 in all: the data row has no guest
entry). Shadow and native mode: a strip of the four levels. Each cell is coloured as done (the
walk made that reference), skipped by a cache or not needed (a 2 MiB page ends a walk early);
a skipped cell names the cache that spared it. The walk shown is the step's last CPU walk
episode (after retries, the one that completed or faulted last).

The cells follow the MMU design, as the record's cache hits say:

- Intel's PML4E/PDPTE/PDE caches (SDM Vol. 3A §4.10.3) skip whole guest rows. Under EPT a hit
  is a *combined* mapping (Vol. 3C §29.4.1): it holds the next guest table's host-physical
  address, so the nested walk of that table's row is skipped too — a PDE-cache hit greys out
  the PML4, PDPT and PD rows and the PT row's nested cells, and leaves 1 + 4 references.
- A translation of a gPA (Intel's guest-physical mappings, AMD's nested TLB) skips a row's
  nested cells; Intel's EPT paging-structure caches skip the upper nested cells of a row.
- AMD's page-walk cache holds single entries by physical address: each hit marks one cell.

A combined mapping's ``saved`` counts the references a walk without caches makes to reach the
next table — fewer where a table's gPA is backed by a 2 MiB EPT page (its nested walk ends at
the PD level). The record gives that count, not which tables are so backed: the cells it leaves
over are shown as not needed, the lowest rows first.
"""
from __future__ import annotations

from html import escape
from typing import Optional

from ..engine.counters import Step
from ..engine.events import Stage, WalkCache, WalkCacheHit, Walker, WalkRef
from ..engine.record import EpisodeKind
from ..text.i18n import t

DONE, CACHED, UNNEEDED, NOT_REACHED = "done", "cached", "unneeded", "not-reached"
COLOURS = {DONE: "#4c78a8", CACHED: "#f2b134", UNNEEDED: "#d9d9d9", NOT_REACHED: "#ffffff"}
_LEVELS = (4, 3, 2, 1)
_COLS = (4, 3, 2, 1, 0)
_TRANSLATIONS = (WalkCache.GPA, WalkCache.NTLB)
"""Caches that translate a whole gPA (the row's nested walk is not needed)."""


def last_walk(step: Optional[Step]) -> list:
    """The events (WalkRef, WalkCacheHit) of the step's last CPU walk episode."""
    if step is None:
        return []
    walks = [e for e in step.episodes if e.kind is EpisodeKind.WALK and e.reason is Walker.CPU]
    if not walks:
        return []
    w = walks[-1]
    return [e for e in step.events[w.start:w.end]
            if e.__class__ is WalkCacheHit or (e.__class__ is WalkRef and e.walker is Walker.CPU)]


class _Grid:
    """Cells being filled from one walk: a state per cell, and the cache behind each skipped one."""

    def __init__(self, cells: dict):
        self.cells = cells
        self.by: dict = {}

    def cache(self, cell, hit: WalkCacheHit) -> None:
        self.cells[cell] = CACHED
        self.by[cell] = hit

    def nested_row(self, row: int, events: list) -> None:
        """Place a row's nested events (references and cache hits) in its nested cells."""
        last = None
        for e in events:
            if e.__class__ is WalkRef:
                self.cells[(row, e.level)] = DONE
                last = e
            elif e.cache in _TRANSLATIONS:
                for lv in e.skipped:
                    self.cache((row, lv), e)
                low = min(e.skipped, default=1)
                for lv in range(low - 1, 0, -1):  # a translation of a 2 MiB EPT page: fewer levels
                    self.cells[(row, lv)] = UNNEEDED
            else:  # EPT paging-structure caches (upper levels), AMD's page-walk cache (one entry)
                for lv in e.skipped:
                    self.cache((row, lv), e)
        if last is not None and last.entry & 0x80 and last.level > 1:  # a 2 MiB EPT leaf
            for lv in range(last.level - 1, 0, -1):
                self.cells[(row, lv)] = UNNEEDED

    def combined(self, hit: WalkCacheHit) -> None:
        """An Intel PML4E/PDPTE/PDE hit under EPT: its rows, and the next table's nested walk."""
        rows = sorted(hit.skipped)
        nxt = rows[0] - 1
        cells = [(r, c) for r in rows for c in _COLS] + ([(nxt, c) for c in _LEVELS] if nxt >= 1 else [])
        for cell in cells:
            self.cache(cell, hit)
        # the cells a walk without caches would not have read (2 MiB EPT backing of a table)
        spare = len(cells) - hit.saved
        for r in ([nxt] if nxt >= 1 else []) + rows:
            if spare <= 0:
                break
            self.cells[(r, 1)] = UNNEEDED
            self.by.pop((r, 1), None)
            spare -= 1


def _cells(step: Optional[Step], nested: bool) -> Optional[_Grid]:
    walk = last_walk(step)
    if not walk:
        return None
    if not nested:
        g = _Grid({(0, lv): NOT_REACHED for lv in _LEVELS})
        leaf = None
        for e in walk:
            if e.__class__ is WalkCacheHit:  # Intel: the levels above; AMD's page-walk cache: one entry
                for lv in e.skipped:
                    g.cache((0, lv), e)
            else:
                g.cells[(0, e.level)] = DONE
                leaf = e
        if leaf is not None and leaf.level > 1 and leaf.entry & 0x80:
            for lv in range(leaf.level - 1, 0, -1):
                g.cells[(0, lv)] = UNNEEDED
        return g
    g = _Grid({(r, c): NOT_REACHED for r in _COLS for c in _COLS})
    g.cells[(0, 0)] = None  # the data row has no guest entry
    pending: list = []  # the nested events of the row whose guest entry comes next
    guest_leaf = None
    for e in walk:
        if e.stage is Stage.NESTED:
            pending.append(e)
        elif e.__class__ is WalkRef:
            g.nested_row(e.level, pending)
            pending = []
            g.cells[(e.level, 0)] = DONE
            if e.entry & 0x80 and e.level > 1:  # a 2 MiB guest leaf: the levels below are not needed
                guest_leaf = e.level
        elif e.cache is WalkCache.PWC:  # AMD: the guest entry came from the page-walk cache
            row = e.skipped[0]
            g.nested_row(row, pending)
            pending = []
            g.cache((row, 0), e)
        else:  # Intel: a combined mapping (PML4E/PDPTE/PDE cache)
            g.combined(e)
    if guest_leaf is not None:
        for lv in range(guest_leaf - 1, 0, -1):
            for c in _COLS:
                g.cells[(lv, c)] = UNNEEDED
                g.by.pop((lv, c), None)
    if pending:
        g.nested_row(0, pending)
    return g


def grid_cells(step: Optional[Step], nested: bool) -> Optional[dict]:
    """{(row, col): state}. Nested: rows 4..1 (guest levels) and 0 (data gPA), cols 4..1 (nested
    levels) and 0 (the guest entry). Flat: row 0, cols 4..1. None: no walk at this step."""
    g = _cells(step, nested)
    return None if g is None else g.cells


def grid_caches(step: Optional[Step], nested: bool) -> dict:
    """{(row, col): WalkCache} of the cells a cache spared."""
    g = _cells(step, nested)
    return {} if g is None else {cell: hit.cache for cell, hit in g.by.items()}


def _number(row: int, col: int) -> int:
    """The cell's position in a cold walk (1…24), as in Bhargava et al.'s Figure 1b."""
    r = 4 - row if row else 4
    c = 4 - col if col else 4
    return r * 5 + c + 1


def _cache_name(hit: WalkCacheHit, lang: str) -> str:
    name = t(f"grid.name.{hit.cache.value}", lang)
    return t("grid.name.combined", lang, cache=name) if hit.combined else name


def _hits_line(walk: list, design: str, lang: str) -> str:
    """Which caches answered, each with how often and the references it spared."""
    seen: dict[str, list] = {}
    for e in walk:
        if e.__class__ is WalkCacheHit:
            k = _cache_name(e, lang)
            seen.setdefault(k, [0, 0])
            seen[k][0] += 1
            seen[k][1] += e.saved
    if not seen:
        return ""
    items = ", ".join(t("grid.hit", lang, cache=k, times=n, n=saved) for k, (n, saved) in seen.items())
    return t(f"grid.hits.{design}", lang, items=items)


def walk_grid_html(step: Optional[Step], mode: str, lang: str = "en") -> str:
    """The walk grid of ``step`` as an HTML fragment (a table with inline styles, a legend, the
    caches that answered and the total). ``mode``: "nested", "shadow" or "native"."""
    nested = mode == "nested"
    g = _cells(step, nested)
    if g is None:
        return f'<div class="walk-grid walk-grid-none">{escape(t("grid.none", lang))}</div>'
    cells = g.cells
    full = 24 if nested else 4
    counts = {s: sum(1 for v in cells.values() if v == s) for s in (DONE, CACHED, UNNEEDED)}
    td = ('<td class="wg-cell wg-{s}"{cache} title="{title}" style="width:2.4em;height:2.0em;text-align:center;'
          'border:1px solid #888;background:{bg};color:{fg};font:12px sans-serif">{n}</td>')

    def cell(key, n):
        state = cells[key]
        if state is None:
            return '<td style="border:none"></td>'
        hit = g.by.get(key)
        title = t("grid.by", lang, cache=_cache_name(hit, lang)) if hit is not None else \
            t(_STATE_KEY[state], lang) if state in _STATE_KEY else ""
        cache = f' data-cache="{hit.cache.value}"' if hit is not None else ""
        return td.format(s=state, cache=cache, title=escape(title), bg=COLOURS[state],
                         fg="#fff" if state == DONE else "#222", n=n)

    th = '<th style="font:11px sans-serif;padding:0 4px;text-align:{a}">{x}</th>'
    rows = []
    if nested:
        head = [th.format(a="left", x="")] + [th.format(a="center", x=escape(t("grid.col.nested", lang,
                                                                                 level=t(f"level.{c}", lang))))
                                              for c in _LEVELS] + [th.format(a="center", x=escape(t("grid.col.guest", lang)))]
        rows.append("<tr>" + "".join(head) + "</tr>")
        for r in _COLS:
            label = t("grid.row.guest", lang, level=t(f"level.{r}", lang)) if r else t("grid.row.data", lang)
            tds = [cell((r, c), _number(r, c)) for c in _COLS]
            rows.append("<tr>" + th.format(a="right", x=escape(label)) + "".join(tds) + "</tr>")
        title = t("grid.title.nested", lang)
    else:
        head = [th.format(a="center", x=escape(t(f"level.{c}", lang))) for c in _LEVELS]
        rows.append("<tr>" + "".join(head) + "</tr>")
        rows.append("<tr>" + "".join(cell((0, c), 5 - c) for c in _LEVELS) + "</tr>")
        title = t("grid.title.flat", lang)
    legend = " ".join(
        f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{COLOURS[s]};'
        f'border:1px solid #888;vertical-align:middle"></span> {escape(t(_STATE_KEY[s], lang))}'
        for s in (DONE, CACHED, UNNEEDED))
    design = getattr(step, "design", "intel")
    hits = _hits_line(last_walk(step), design, lang)
    hits_html = f'<div class="wg-hits" style="font:12px sans-serif;margin-top:2px">{escape(hits)}</div>' if hits else ""
    total = t("grid.total", lang, n=counts[DONE], full=full, cached=counts[CACHED], unneeded=counts[UNNEEDED])
    return (f'<div class="walk-grid" data-mode="{escape(mode)}" data-design="{escape(design)}" '
            f'data-refs="{counts[DONE]}">'
            f'<div style="font:bold 13px sans-serif;margin-bottom:4px">{escape(title)}</div>'
            f'<table style="border-collapse:collapse">{"".join(rows)}</table>'
            f'<div style="font:12px sans-serif;margin-top:4px">{legend}</div>{hits_html}'
            f'<div class="wg-total" style="font:12px sans-serif;margin-top:2px">{escape(total)}</div></div>')


_STATE_KEY = {DONE: "grid.done", CACHED: "grid.cached", UNNEEDED: "grid.unneeded"}
__all__ = ["DONE", "CACHED", "UNNEEDED", "NOT_REACHED", "grid_cells", "grid_caches", "last_walk", "walk_grid_html"]
