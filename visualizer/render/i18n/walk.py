"""Strings of the MMU caches and the walk grid (render/walkgrid.py)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "event.WalkCacheHit": ("walk cache hit", "Treffer im Walk-Cache"),
    "cache.pml4e": ("PML4E cache", "PML4E-Cache"),
    "cache.pdpte": ("PDPTE cache", "PDPTE-Cache"),
    "cache.pde": ("PDE cache", "PDE-Cache"),
    "cache.ntlb": ("nested TLB", "verschachtelter TLB"),
    "nar.cache_hit": ("{cache} hit: skips {levels} (1 reference saved)|"
                      "{cache} hit: skips {levels} ({n} references saved)",
                      "Treffer im {cache}: überspringt {levels} (1 Zugriff gespart)|"
                      "Treffer im {cache}: überspringt {levels} ({n} Zugriffe gespart)"),
    "nar.ntlb_hit": ("nested TLB hit for gPA 0x{gpa:x}: no nested walk (1 reference saved)|"
                     "nested TLB hit for gPA 0x{gpa:x}: no nested walk ({n} references saved)",
                     "Treffer im verschachtelten TLB für gPA 0x{gpa:x}: kein verschachtelter Walk "
                     "(1 Zugriff gespart)|"
                     "Treffer im verschachtelten TLB für gPA 0x{gpa:x}: kein verschachtelter Walk "
                     "({n} Zugriffe gespart)"),
    "grid.title.nested": ("The two-dimensional walk", "Der zweidimensionale Walk"),
    "grid.title.flat": ("The page walk", "Der Seitentabellen-Walk"),
    "grid.col.guest": ("guest entry", "Gast-Eintrag"),
    "grid.col.nested": ("nested {level}", "verschachtelt {level}"),
    "grid.row.guest": ("guest {level}", "Gast {level}"),
    "grid.row.data": ("data gPA", "Daten-gPA"),
    "grid.row.data_flat": ("data", "Daten"),
    "grid.done": ("done", "ausgeführt"),
    "grid.cached": ("skipped by a cache", "von einem Cache erspart"),
    "grid.unneeded": ("not needed (large page)", "nicht nötig (große Seite)"),
    "grid.total": ("{n} reference of {full}: {cached} skipped by caches, {unneeded} not needed|"
                   "{n} references of {full}: {cached} skipped by caches, {unneeded} not needed",
                   "{n} Zugriff von {full}: {cached} von Caches erspart, {unneeded} nicht nötig|"
                   "{n} Zugriffe von {full}: {cached} von Caches erspart, {unneeded} nicht nötig"),
    "grid.none": ("No page walk at this step (TLB hit or no access).",
                  "Kein Seitentabellen-Walk in diesem Schritt (TLB-Treffer oder kein Zugriff)."),
}
