"""Tables for the step page: walked entries decoded, TLB contents, counters, events, and the
event log as CSV. Pure functions of a step record or of the machine state → pandas / text."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Iterable, Optional

import numpy as np
import pandas as pd

from ..engine.events import AdUpdate, Cause, EptUpdate, Stage, TlbLookup, Walker, WalkRef
from ..engine import Machine, Step
from ..engine.memory import PAGE_SHIFT
from ..engine.record import EpisodeKind, Reclaim
from ..engine.paging import EPT, X86, decode_entry
from ..text.i18n import CATALOGUE, number, percent, t
from ..text.narrate import op_text

_ADDRESS_FIELDS = {"gva", "gpa", "ma", "table", "address", "guest_cr3", "root", "evicted"}
_PAGE_FIELDS = {"gvpn", "gppn", "mpn", "old_mpn", "new_mpn"}


def _fmt(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        if name in _ADDRESS_FIELDS or name in _PAGE_FIELDS or name == "entry":
            return f"0x{value:x}"
        if name == "value":
            return f"0x{value:x}"
    return str(value)


def event_fields(ev) -> list[tuple[str, str]]:
    """(field, text) for a record, cost and constant fields left out; addresses in hex."""
    if is_dataclass(ev):
        names = [f.name for f in fields(ev)]
    else:
        names = list(ev._fields)
    out = []
    for name in names:
        if name in ("cost",):
            continue
        out.append((name, _fmt(name, getattr(ev, name))))
    return out


def event_detail(ev) -> str:
    return ", ".join(f"{k}={v}" for k, v in event_fields(ev) if v != "")


def _label(prefix: str, value: str, lang: str) -> str:
    """The catalogue's name for an engine identifier (``prefix + value``), else the identifier."""
    key = prefix + value
    return t(key, lang) if key in CATALOGUE else value


def event_name(ev, lang: str = "en") -> str:
    return _label("event.", ev.__class__.__name__, lang)


def walk_table(step: Optional[Step], lang: str = "en") -> pd.DataFrame:
    """Every page-walk reference of the step, in order: who walked, which tables, the entry read
    (hex and decoded with the table's own format)."""
    cols = [t(k, lang) for k in ("col.n", "col.attempt", "col.walker", "col.stage", "col.level", "col.table",
                                 "col.index", "col.entry", "col.bits", "col.for")]
    rows = []
    if step is not None:
        attempt = 0
        for ev in step.events:
            if ev.__class__ is TlbLookup:
                attempt += 1
            elif ev.__class__ is WalkRef:
                fmt = EPT if ev.stage is Stage.NESTED else X86
                space = "gPA" if ev.stage is Stage.GUEST else "MA"
                target = "gPA" if ev.stage is Stage.NESTED else "gVA"
                decoded = decode_entry(ev.entry, fmt)
                if decoded.startswith("not present"):
                    decoded = t("fault.not-present", lang) + decoded[len("not present"):]
                rows.append((len(rows) + 1, max(attempt, 1), t("walker." + ev.walker.value, lang),
                             t("stage." + ev.stage.value, lang), t(f"level.{ev.level}", lang),
                             f"{space} 0x{ev.table:x}", ev.index, f"0x{ev.entry:016x}", decoded,
                             f"{target} 0x{ev.address:x}"))
    return pd.DataFrame(rows, columns=cols)


def tlb_table(machine: Machine, lang: str = "en") -> pd.DataFrame:
    """The TLB's valid entries: set, owner (VM and process from the VPID/PCID tags), gVA page →
    gPA page → MA page, page size, rights; within a set, oldest (next to be evicted) first. The
    4 KiB array's entries come first, then the 2 MiB array's (its own sets; a 2 MiB entry shows
    the addresses of its first 4 KiB page)."""
    cols = [t(k, lang) for k in ("col.set", "col.vm", "col.process", "col.gva", "col.gpa", "col.ma",
                                 "col.size", "col.rights", "col.lru")]
    rows = []
    age = {}
    for s, vm, proc, vpid, pcid, gvpn, e in machine.views.tlb_entries():
        rights = "R" + ("W" if e.writable else "-") + ("X" if e.executable else "-") + (" D" if e.dirty else "")
        large = e.large
        age[large, s] = age.get((large, s), -1) + 1
        rows.append((s, vm or (f"VPID {vpid}" if vpid else "*"), proc or (f"PCID {pcid}" if pcid else "*"),
                     f"0x{gvpn << PAGE_SHIFT:x}", "" if e.gppn is None else f"0x{e.gppn << PAGE_SHIFT:x}",
                     f"0x{e.mpn << PAGE_SHIFT:x}", "2 MiB" if large else "4 KiB", rights, age[large, s]))
    return pd.DataFrame(rows, columns=cols)


def counters_table(machine: Machine, lang: str = "en") -> pd.DataFrame:
    """Cumulative counters per VM and in total, cycles first, named as on the Compare page:
    cycles, cycles per access, accesses, TLB hits and misses, hit rate, walk references (CPU and
    the VMM's software walks), VM exits (in all and by reason), guest page faults."""
    reasons = sorted({r for c in machine.counters.values() for r in c.vm_exits})
    cols = [t("cnt.vm", lang), t("row.cycles", lang), t("row.cycles_per_access", lang), t("row.accesses", lang),
            t("row.tlb_hits", lang), t("row.tlb_misses", lang), t("cnt.hit_rate", lang), t("row.walk_refs", lang),
            t("row.vmm_walk_refs", lang), t("row.vm_exits", lang)] + \
        [f"{t('row.vm_exits', lang)}: {_label('exit.', r, lang)}" for r in reasons] + [t("row.guest_faults", lang)]
    rows = []
    items = list(machine.counters.items()) + [(t("cnt.total", lang), machine.totals())]
    for name, c in items:
        rate = percent(c.tlb_hits / c.accesses, lang, decimals=0) if c.accesses else "–"
        per = number(round(c.cycles / c.accesses, 1), lang) if c.accesses else "–"
        rows.append([name, number(c.cycles, lang), per, c.accesses, c.tlb_hits, c.tlb_misses, rate, c.walk_refs,
                     c.vmm_walk_refs, sum(c.vm_exits.values())] + [c.vm_exits.get(r, 0) for r in reasons] +
                    [c.guest_faults])
    return pd.DataFrame(rows, columns=cols)


def events_table(step: Optional[Step], lang: str = "en") -> pd.DataFrame:
    """Every record of the step, in order: what it is, what happened (a sentence), its cost and
    cause."""
    cols = [t(k, lang) for k in ("col.n", "col.event", "col.what", "col.cost", "col.cause")]
    rows = []
    if step is not None:
        for i, ev in enumerate(step.events, 1):
            rows.append((i, event_name(ev, lang), event_sentence(ev, step, lang), number(ev.cost, lang),
                         _label("evcause.", ev.cause.group, lang)))
    return pd.DataFrame(rows, columns=cols)


_NUMERIC = re.compile(r"^[–-]?[\d.,\u202f\u00a0 %]+$|^–$")
_HEX = re.compile(r"^(?:(?:gPA|MA|gVA) )?0x[0-9a-f]+$")


def table_html(frame: pd.DataFrame, label: str, lang: str = "en") -> str:
    """A table as plain HTML: a ``<table>`` with its column headers, in a box that scrolls (a
    keyboard-focusable region named ``label``). Whole numbers get the language's thousands
    separators; number columns are right-aligned, addresses and entries set in a fixed-width
    font. Cheaper for the browser than an interactive grid at every step, and read by screen
    readers and printed as a table."""
    cols = [str(c) for c in frame.columns]
    rows = [[number(v, lang) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else
             ("" if v is None else str(v)) for v in row] for row in frame.itertuples(index=False, name=None)]
    numeric = [bool(rows) and all(not r[j] or _NUMERIC.match(r[j]) for r in rows) for j in range(len(cols))]
    head = "".join(f'<th scope="col"{" class=num" if numeric[j] else ""}>{_esc(c)}</th>' for j, c in enumerate(cols))
    body = []
    for r in rows:
        cells = []
        for j, v in enumerate(r):
            cls = "num" if numeric[j] else "mono" if _HEX.match(v) else ""
            cells.append(f'<td class="{cls}">{_esc(v)}</td>' if cls else f"<td>{_esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="esxi-table-box" role="region" tabindex="0" aria-label="{_esc(label)}">'
            f'<table class="esxi-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def event_sentence(ev, step: Step, lang: str = "en") -> str:
    """One event as a sentence: a walk reference or an A/D update as what the walker read or set,
    anything else as the narration tells it on its own."""
    from ..text.narrate import narrate
    cls = ev.__class__
    if cls is WalkRef or cls is AdUpdate:
        space = "gPA" if ev.stage is Stage.GUEST else "MA"
        table = f"{space} 0x{ev.table:x}"
        if cls is WalkRef:
            decoded = decode_entry(ev.entry, EPT if ev.stage is Stage.NESTED else X86)
            if decoded.startswith("not present"):
                decoded = t("fault.not-present", lang) + decoded[len("not present"):]
            return t("ev.walkref", lang, walker=t("walker." + ev.walker.value, lang),
                     level=t(f"level.{ev.level}", lang), stage=t("stage." + ev.stage.value, lang), table=table,
                     index=ev.index, decoded=decoded)
        return t("ev.ad", lang, walker=t("walker." + ev.walker.value, lang), bits=ev.bits,
                 level=t(f"level.{ev.level}", lang), table=table, index=ev.index)
    if cls is EptUpdate:
        return t("ev.ept", lang, gpa=ev.gppn << PAGE_SHIFT, decoded=decode_entry(ev.entry, EPT) if ev.entry
                 else t("fault.not-present", lang))
    phrases = narrate(step._replace(events=(ev,), episodes=()), lang)
    if phrases:
        text = phrases[0]
        return text[0].upper() + text[1:]
    if cls.__name__ == "TlbFlush":
        return t("ev.flush_none", lang)
    return event_detail(ev)


CSV_COLUMNS = ("step", "op", "event_index", "event", "cause", "cycles", "detail")


def event_log_csv(steps: Iterable[Step], first_step: int = 1) -> str:
    """The event log: one row per event of each step (``step`` counts from ``first_step`` for
    the first record given), with the operation, the record's kind, cause, cost and fields."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for k, step in enumerate(steps):
        op = step.op.describe()
        for i, ev in enumerate(step.events, 1):
            w.writerow((first_step + k, op, i, ev.__class__.__name__, ev.cause.group, ev.cost, event_detail(ev)))
    return buf.getvalue()


def summary_parts(step: Optional[Step], lang: str = "en", short: bool = False) -> list[tuple[str, str]]:
    """A step's summary as (kind, text) parts in reading order — ``tlb``, ``cycles``, ``cause``
    (what the cycles paid for; may be empty), ``refs``, ``exits`` — so that a line too narrow for
    all of it can shorten the cause and keep the figures (:func:`summary_html`)."""
    if step is None:
        return []
    tlb = {"hit": t("tlb.hit", lang), "miss": t("tlb.miss", lang)}.get(step.tlb, t("tlb.none", lang))
    refs = t("step.refs", lang, n=step.walk_refs)
    if step.vmm_walk_refs:
        refs += t("step.vmm_refs", lang, n=step.vmm_walk_refs)
    cycles = t("step.cycles", lang, n=number(step.cycles, lang))
    paid = cycles_by_cause(step)
    cause = ""
    if short:
        # the line's own figures (walk references, VM exits) explain those cycles; anything else
        # that paid most is named, so "TLB hit · 3,000 cycles · 0 VM exits" does not read as a
        # TLB hit costing 3,000 cycles
        if paid and paid[0][0] not in (Cause.WALK, Cause.VMM_WALK) and paid[0][0].exit_reason is None:
            c, n = paid[0]
            key = f"cause.one.{c.value}"
            name = t(key, lang) if key in CATALOGUE else _cause(c, lang)
            cause = (t("step.cycles_for", lang, cause=name) if n == step.cycles else
                     t("step.cycles_of_for", lang, n=number(n, lang), cause=name))
    elif paid:
        cause = " (" + ", ".join(f"{_cause(c, lang)} {number(n, lang)}" for c, n in paid[:2]) + \
            (", …" if len(paid) > 2 else "") + ")"
    return [("tlb", tlb), ("cycles", cycles), ("cause", cause), ("refs", refs),
            ("exits", t("step.exits", lang, n=step.vm_exits))]


def step_summary(step: Optional[Step], lang: str = "en", short: bool = False) -> str:
    """One line: TLB hit/miss, cycles, walk references and VM exits of a step."""
    if step is None:
        return ""
    p = dict(summary_parts(step, lang, short))
    return t("step.result", lang, tlb=p["tlb"], cycles=p["cycles"] + p["cause"], refs=p["refs"], exits=p["exits"])


def summary_html(step: Optional[Step], lang: str = "en", short: bool = False) -> str:
    """The summary as HTML for a line that may be too narrow: each figure a piece that never
    breaks (class ``fig`` and ``data-part``), the cause a piece that shortens with an ellipsis
    first (class ``cause``) — the figures stay whole on any width."""
    parts = summary_parts(step, lang, short)
    if not parts:
        return ""
    sep = '<span class="sep"> · </span>'
    out = []
    for kind, text in parts:
        if kind == "cause":
            if text.strip():
                out.append(f'<span class="cause" data-part="cause" title="{_esc(text.strip())}">{_esc(text)}</span>')
            continue
        if out and kind != "tlb":
            out.append(sep)
        out.append(f'<span class="fig" data-part="{kind}">{_esc(text)}</span>')
    return f'<span class="summary">{"".join(out)}</span>'


def cycles_by_cause(step: Step) -> list[tuple[Cause, int]]:
    """What a step's cycles paid for: (cause, cycles), largest first (the causes the counters and
    the Compare page use). The host's reclamation pass after the operation is left out: it is not
    the step's (its balloons' work is their VMs', the rest the host's own), so the causes add up
    to the step's cycles."""
    by: dict[Cause, int] = {}
    passes = [(e.start, e.end) for e in step.episodes if e.kind is EpisodeKind.RECLAIM and e.reason is Reclaim.PASS]
    for i, ev in enumerate(step.events):
        if passes and any(a <= i < b for a, b in passes):
            continue
        if ev.cost:
            cause = Cause.VMM_WALK if ev.__class__ is WalkRef and ev.walker is Walker.VMM else ev.cause
            by[cause] = by.get(cause, 0) + ev.cost
    return sorted(by.items(), key=lambda kv: (-kv[1], kv[0].value))


def _cause(cause: Cause, lang: str) -> str:
    key = f"cause.{cause.value}"
    return t(key, lang) if key in CATALOGUE else cause.value


__all__ = ["walk_table", "tlb_table", "counters_table", "events_table", "table_html", "event_log_csv", "event_detail",
           "event_name", "event_fields", "op_text", "step_summary", "summary_parts", "summary_html", "CSV_COLUMNS"]


# -- the host's memory state -------------------------------------------------------------------------
HOST_STATE_COLOURS = {"high": "#a5d6a7", "clear": "#dcedc8", "soft": "#fff59d", "hard": "#ffcc80", "low": "#ef9a9a"}
"""The badge of each host memory state, under dark text (its name is written in it: the colour only
repeats it)."""
HOST_THRESHOLDS = (("low", 0.16), ("hard", 0.32), ("soft", 0.64), ("clear", 1.0))
"""Where each state begins, as a fraction of minFree: below 100 % clear, below 64 % soft, … (vSphere 6)."""


def host_state_html(host, lang: str = "en") -> str:
    """The host's memory state, small (for beside a step's summary): its name in a badge, its free
    pages against minFree, and a bar of free memory with the thresholds marked where the states
    begin (16, 32, 64 and 100 % of minFree). ``host`` is ``views.host_state()``: (state, free
    pages, minFree); None (the host does not reclaim) gives ""."""
    if host is None:
        return ""
    state, free, min_free = host
    name = state.value
    frac = free / min_free if min_free else 0.0
    w, h, top = 120, 10, 1.25
    ticks = "".join(f'<line x1="{w * f / top:.1f}" y1="0" x2="{w * f / top:.1f}" y2="{h}" stroke="#37474f" '
                    f'stroke-width="1"/>' for _, f in HOST_THRESHOLDS)
    fill = w * min(frac, top) / top
    bar = (f'<svg class="host-bar" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{_esc(t("host.bar", lang))}" style="vertical-align:middle;margin:0 6px">'
           f'<rect x="0.5" y="0.5" width="{w - 1}" height="{h - 1}" fill="#eceff1" stroke="#90a4ae"/>'
           f'<rect x="0" y="0" width="{fill:.1f}" height="{h}" fill="{HOST_STATE_COLOURS[name]}"/>{ticks}</svg>')
    badge = (f'<span class="host-state-badge" title="{_esc(t("host.badge", lang))}" '
             f'style="background:{HOST_STATE_COLOURS[name]};color:#263238;'
             f'border-radius:4px;padding:0 6px;font-weight:600;border:1px solid #90a4ae">{_esc(t("hoststate." + name, lang))}</span>')
    text = t("host.summary", lang, n=free, pct=percent(frac, lang), min_free=min_free)
    by_threshold = next((s for s, f in (("high", 1.0), ("clear", 0.64), ("soft", 0.32), ("hard", 0.16))
                         if frac >= f), "low")
    if by_threshold != name:  # back above a threshold, but not yet by the host's margin
        text += " " + t("host.held", lang, state=t("hoststate." + name, lang))
    does = t("hostdoes." + name, lang)
    return (f'<div class="host-state" data-state="{name}" data-free="{free}" data-min-free="{min_free}" '
            f'title="{_esc(does)}" style="font-size:0.9rem;color:#37474f;margin:-0.4rem 0 0.4rem 0">'
            f'{_esc(t("host.label", lang))} {badge}{bar}{_esc(text)} — {_esc(does)}</div>')


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
