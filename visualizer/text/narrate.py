"""Plain-language narration of a step: its events, in order, as short phrases.

``narrate(step, lang)`` turns the engine's ordered records into what a teacher would say:
"TLB miss → hidden page fault: exit to the VMM → the VMM walks the guest page tables in software
(4 references) → the VMM fills the shadow entry → the retry misses the TLB → the CPU walks the
shadow page tables (4 references) → …". Runs of records that belong together are told as one
phrase: the references of one walk, the shadow entries of one fill, and the guest kernel's work
in a #PF handler (with the exits it causes on the way).
"""
from __future__ import annotations

from typing import Optional

from ..engine.events import (AdUpdate, DataAccess, EptUpdate, ExitReason, FaultKind, FlushReason, FlushScope,
                             GuestAction, GuestActionKind, GuestPageFault, Note, PmapChange, PmapReason, ShadowFill,
                             ShadowInvalidate, ShadowRoot, ShadowZapReason, Stage, TlbFill, TlbFlush, TlbLookup,
                             VmExit, VmSwitch, WalkCacheHit, Walker, WalkRef)
from ..engine.ops import OpKind
from ..engine.counters import Step
from ..engine.memory import PAGE_SHIFT
from ..engine.paging import EPT, X86, FRAME_MASK, RW
from . import concepts as C
from .i18n import t

ARROW = " → "
_LEVEL = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
_SCOPED = (FlushReason.SHADOW_ENTRY_DROPPED, FlushReason.PMAP_CHANGE)
"""Shadow-mode flushes that invalidate single gVAs (INVVPID individual-address) unless a whole
shadow table went (then the whole VPID)."""


def op_text(op, lang: str = "en") -> str:
    """An operation as the trace describes it ("read VM1/p1 0x400000"), its kind named in ``lang``."""
    text = op.describe()
    kind = op.kind.value
    if not text.startswith(kind):
        return text
    return t("op." + kind, lang) + text[len(kind):].replace(" with ", t("op.with", lang))


def _flush_reason(ev: TlbFlush, lang: str) -> str:
    key = "reason." + ev.reason.name.lower()
    if ev.reason in _SCOPED and ev.scope is FlushScope.VM:
        key += ".vm"
    return t(key, lang)


def _flush_phrase(ev: TlbFlush, lang: str) -> Optional[str]:
    """A TLB flush in words: INVEPT always (the VMM's instruction is the lesson), any other flush
    when it dropped entries."""
    if ev.reason is FlushReason.INVEPT:
        if ev.scope is FlushScope.ALL:
            return t("nar.invept_all", lang, n=ev.removed)
        return t("nar.invept", lang, n=ev.removed, vm=ev.vm)
    if ev.removed:
        return t("nar.tlb_flush", lang, n=ev.removed, reason=_flush_reason(ev, lang))
    return None


def _fault_text(kind: FaultKind, level: int, lang: str) -> str:
    if kind is FaultKind.NOT_PRESENT and level:
        return t("fault.not-present.level", lang, level=_LEVEL.get(level, str(level)))
    return t("fault." + kind.value, lang)


def _exit_phrase(e: VmExit, lang: str) -> str:
    """Why the CPU left the guest, as precisely as the exit's record says."""
    r = e.reason
    f = e.fault
    if r is ExitReason.GUEST_FAULT:
        why = (t("why.guest." + f.kind.value, lang, level=_LEVEL.get(f.level, str(f.level))) if f is not None
               else t("why.guest.not-present", lang, level="?"))
        return t("nar.exit_guest", lang, why=why)
    if r is ExitReason.EPT_VIOLATION and f is not None:
        if f.on_table:
            return t("nar.exit_ept_table", lang, gpa=e.address, level=_LEVEL.get(f.level, str(f.level)),
                     table=_LEVEL.get(f.table_level, str(f.table_level)))
        if f.kind is FaultKind.NOT_PRESENT:
            return t("nar.exit_ept_data", lang, gpa=e.address, level=_LEVEL.get(f.level, str(f.level)))
        return t("nar.exit_ept_write", lang, gpa=e.address)
    if r is ExitReason.EPT_VIOLATION:
        return t("nar.exit_ept", lang, gpa=e.address)
    if r is ExitReason.HIDDEN_FAULT:
        return t("nar.exit_hidden", lang)
    if r is ExitReason.CR3_LOAD:
        return t("nar.exit_cr3", lang)
    if r is ExitReason.INVLPG:
        return t("nar.exit_invlpg", lang)
    return t("nar.exit_ptw", lang, gpa=e.address)


def _note(e: Note, lang: str) -> str:
    state = t("state." + e.state.value, lang) if e.state is not None else ""
    return t("refusal." + e.refusal.name.lower(), lang, vm=e.vm, gppn=e.gppn or 0, state=state)


def _cache_hit_phrase(e: WalkCacheHit, lang: str) -> str:
    """A walk cache used instead of reading tables: "PDE cache hit: skips PML4, PDPT, PD (15
    references saved)", or the nested TLB answering a gPA."""
    if e.cache == "ntlb":
        return t("nar.ntlb_hit", lang, gpa=e.address, n=e.saved)
    levels = ", ".join(_LEVEL.get(lv, str(lv)) for lv in e.skipped)
    return t("nar.cache_hit", lang, cache=t("cache." + e.cache, lang), levels=levels, n=e.saved)


def _walk_phrase(refs: list, lang: str, faulted: bool, nested: bool = False) -> str:
    """One walk: its references (consecutive WalkRef records of one walker); ``faulted``: a
    fault or an exit follows it; ``nested``: a two-dimensional walk even if the nested TLB
    answered every gPA (no nested reference)."""
    n = len(refs)
    first = refs[0]
    stages = {r.stage for r in refs}
    if first.walker is Walker.VMM:
        text = t("nar.walk_vmm", lang, n=n)
    elif nested or Stage.NESTED in stages:
        g = sum(1 for r in refs if r.stage is Stage.GUEST)
        text = t("nar.walk_2d", lang, n=n, g=g, e=n - g)
    elif Stage.SHADOW in stages:
        text = t("nar.walk_shadow", lang, n=n)
    else:
        text = t("nar.walk_native", lang, n=n)
    last = refs[-1]
    fmt = EPT if last.stage is Stage.NESTED else X86
    if not last.entry & fmt.present:
        return t("nar.walk_missing", lang, walk=text, level=_LEVEL.get(last.level, str(last.level)))
    if faulted:
        return t("nar.walk_denied", lang, walk=text)
    return text


def _guest_work(events: list, lang: str) -> list[tuple[str, tuple]]:
    """The guest kernel's work (its #PF handler, or an explicit operation), with the exits and
    pmap changes it causes on the way, as at most four phrases, each with the concepts it
    speaks of."""
    parts: list[str] = []
    tables = zeroed = ptes = 0
    frames: list[int] = []
    backs = ptws = novpid = 0
    back_concepts: list[str] = []
    tail: list[str] = []
    for ev in events:
        cls = ev.__class__
        if cls is GuestAction:
            k = ev.kind
            if k is GuestActionKind.ALLOC_TABLE:
                tables += 1
            elif k is GuestActionKind.ALLOC_FRAME:
                frames.append(ev.gppn)
            elif k is GuestActionKind.ZERO_FRAME:
                zeroed += 1
            elif k is GuestActionKind.WRITE_PTE:
                ptes += 1
            elif k is GuestActionKind.FREE_FRAME:
                tail.append(t("nar.gw_free", lang, gpa=ev.gppn << PAGE_SHIFT))
            elif k is GuestActionKind.CR3_LOAD:
                tail.append(t("nar.gw_cr3", lang, proc=ev.process))
            elif k is GuestActionKind.INVLPG:
                tail.append(t("nar.gw_invlpg", lang, gva=ev.gva or 0))
            elif k is GuestActionKind.NOTHING_TO_DO:
                detail = t("nothing." + ev.why.name.lower(), lang) if ev.why else ev.detail
                tail.append(t("nar.gw_nothing", lang, detail=detail))
            elif k is GuestActionKind.FORK:
                tail.append(t("nar.gw_fork", lang, proc=ev.process))
            elif k is GuestActionKind.COPY_PAGE:
                tail.append(t("nar.gw_copy", lang, gpa=(ev.gppn or 0) << PAGE_SHIFT))
            elif k is GuestActionKind.REUSE_PAGE:
                tail.append(t("nar.gw_reuse", lang, gva=ev.gva or 0))
            elif k is GuestActionKind.FLUSH_TLB_MM:
                tail.append(t("nar.gw_flush_mm", lang))
            elif k is GuestActionKind.EXIT:
                tail.append(t("nar.gw_exit", lang, proc=ev.process))
            elif k is GuestActionKind.SEGV:
                detail = t("fault." + ev.fault.value, lang) if ev.fault else t("nar.segv_oom", lang)
                tail.append(t("nar.gw_segv", lang, detail=detail))
            elif k is GuestActionKind.OUT_OF_MEMORY:
                tail.append(t("nar.gw_oom", lang))
        elif cls is VmExit:
            if ev.reason in (ExitReason.HIDDEN_FAULT, ExitReason.EPT_VIOLATION):
                backs += 1
                back_concepts += [c for c in C.concepts_of_event(ev) if c not in back_concepts]
            elif ev.reason is ExitReason.PT_WRITE:
                ptws += 1
        elif cls is TlbFlush and ev.reason is FlushReason.VM_EXIT_NO_VPID:
            novpid += 1
    frames = [g for g in frames if g is not None]
    if tables and len(frames) == 1:
        parts.append(t("nar.gw_tables_frame", lang, n=tables, gpa=frames.pop() << PAGE_SHIFT))
    elif tables:
        parts.append(t("nar.gw_tables", lang, n=tables))
    parts += [t("nar.gw_frame", lang, gpa=g << PAGE_SHIFT) for g in frames]
    if zeroed:
        parts.append(t("nar.gw_zero", lang, n=zeroed))
    if ptes:
        parts.append(t("nar.gw_ptes", lang, n=ptes))
    parts += tail
    out = []
    if parts:
        joined = ", ".join(parts[:-1]) + (t("nar.and", lang) if len(parts) > 1 else "") + parts[-1]
        actions = [ev for ev in events if ev.__class__ is GuestAction]
        out.append((t("nar.guest_work", lang, parts=joined), tuple(C.concepts_of_events(actions))))
    if backs:
        out.append((t("nar.during_back", lang, n=backs), (*back_concepts, C.PMAP)))
    if ptws:
        out.append((t("nar.during_ptw", lang, n=ptws), (C.WP_GUEST_PT,)))
    if novpid:
        out.append((t("nar.during_novpid", lang, n=novpid), (C.VPID_PCID,)))
    return out


def narrate(step: Optional[Step], lang: str = "en") -> list[str]:
    """The step's events as phrases, in order (``[]`` for no step)."""
    return [p for p, _span, _hint in _narrate(step, lang)]


class Line(tuple):
    """One narration line as :func:`narrate_linked` gives it: unpacks as ``(text, ids)`` like a
    pair, and also knows the concepts it speaks of (``concepts``: ids of
    :mod:`visualizer.text.concepts`, at most :data:`MAX_CONCEPTS`) and its language
    (``lang``), so that :func:`html_list` can add the "why?" to it."""

    def __new__(cls, text: str, ids: tuple = (), concepts: tuple = (), lang: str = "en"):
        self = super().__new__(cls, (text, ids))
        self.concepts = tuple(concepts)
        self.lang = lang
        return self

    @property
    def text(self) -> str:
        return self[0]

    @property
    def ids(self) -> tuple:
        return self[1]


MAX_CONCEPTS = 2
"""A line explains at most this many concepts (the first ones it shows)."""


def narrate_linked(step: Optional[Step], lang: str = "en", process: Optional[str] = None) -> list[Line]:
    """The phrases with the diagram's node ids each one speaks of (pages, tables, frames):
    what the page highlights when a phrase is pointed at. ``process``: the one the step ran in
    (when the operation leaves it implicit). Each is a :class:`Line`: a ``(text, ids)`` pair
    that also carries the concepts it shows (from its events' types and enums)."""
    if step is None:
        return []
    proc = step.op.process or process or ""
    out = []
    for phrase, (a, b), hint in _narrate(step, lang):
        ids: list[str] = []
        for ev in step.events[a:b]:
            for nid in _ids(ev, step.op.vm, proc):
                if nid not in ids:
                    ids.append(nid)
        concepts = hint if hint is not None else C.concepts_of_events(step.events[a:b])
        out.append(Line(phrase, tuple(ids), tuple(concepts[:MAX_CONCEPTS]), lang))
    return out


def _ids(ev, vm: str, proc: str) -> list[str]:
    """The diagram nodes an event concerns (ids of the DOT contract)."""
    cls = ev.__class__
    gva = lambda a: f"gva-{vm}-{proc}-{a >> PAGE_SHIFT:x}"  # noqa: E731
    if cls is WalkRef:
        return [f"gpa-{vm}-{ev.table >> PAGE_SHIFT:x}" if ev.stage is Stage.GUEST else f"ma-{ev.table >> PAGE_SHIFT:x}"]
    if cls is TlbLookup:
        return [gva(ev.gvpn << PAGE_SHIFT)]
    if cls is TlbFill:
        return [gva(ev.gvpn << PAGE_SHIFT), f"ma-{ev.mpn:x}"]
    if cls is DataAccess:
        return [gva(ev.gva), f"gpa-{vm}-{ev.gpa >> PAGE_SHIFT:x}", f"ma-{ev.ma >> PAGE_SHIFT:x}"]
    if cls is PmapChange:
        out = [f"gpa-{ev.vm}-{ev.gppn:x}"]
        out += [f"ma-{m:x}" for m in (ev.old_mpn, ev.new_mpn) if m is not None]
        return out
    if cls is ShadowFill and ev.level == 1:
        return [gva(ev.gva), f"ma-{(ev.entry & FRAME_MASK) >> PAGE_SHIFT:x}"]
    if cls is ShadowInvalidate and ev.level == 1:
        return [gva(ev.gva)]
    if cls is VmExit and ev.reason in (ExitReason.EPT_VIOLATION, ExitReason.PT_WRITE):
        return [f"gpa-{vm}-{ev.address >> PAGE_SHIFT:x}"]
    if cls is GuestAction and ev.gppn is not None and ev.kind is not GuestActionKind.CR3_LOAD:
        return [f"gpa-{vm}-{ev.gppn:x}"]
    return []


def _narrate(step: Optional[Step], lang: str) -> list[tuple[str, tuple[int, int], Optional[tuple]]]:
    """The phrases, each with the range of events it tells and, where several phrases tell one
    range, the concepts this one speaks of (None: those of its range)."""
    if step is None:
        return []
    ev = list(step.events)
    out: list[str] = []
    hints: dict[int, tuple] = {}
    spans: list[tuple[int, int]] = []
    lookups = 0
    i = 0
    n = len(ev)
    told = 0  # events before this index are told by the phrases so far
    while i < n:
        if len(out) > len(spans):
            spans += [(told, i)] * (len(out) - len(spans))
        if len(spans) == len(out):
            told = i
        e = ev[i]
        cls = e.__class__
        if cls is WalkRef or cls is WalkCacheHit:
            # one walk: its references and the cache hits that spared others (the CPU's only)
            walker = Walker.CPU if cls is WalkCacheHit else e.walker
            j = i
            refs = []
            hits = []
            while j < n:
                c = ev[j].__class__
                if c is WalkRef and ev[j].walker is walker:
                    refs.append(ev[j])
                elif c is WalkCacheHit and walker is Walker.CPU:
                    hits.append(ev[j])
                elif c is not AdUpdate:
                    break
                j += 1
            faulted = j < n and ev[j].__class__ in (VmExit, GuestPageFault)
            for h in hits:
                hints[len(out)] = (C.MMU_CACHES,)
                out.append(_cache_hit_phrase(h, lang))
            if refs:
                nested = any(h.stage is Stage.NESTED for h in hits)
                hints[len(out)] = tuple(C.concepts_of_events(refs)) or ((C.WALK_2D,) if nested else ())
                out.append(_walk_phrase(refs, lang, faulted, nested))
            i = j
            continue
        if cls is AdUpdate:
            i += 1
            continue
        if cls is TlbLookup:
            if lookups == 0:
                out.append(t("nar.tlb_hit" if e.hit else "nar.tlb_miss", lang, gva=e.gvpn << PAGE_SHIFT))
            else:
                out.append(t("nar.retry_hit" if e.hit else "nar.retry_miss", lang))
            lookups += 1
        elif cls is VmSwitch:
            out.append(t("nar.vm_switch", lang, old=e.from_vm, new=e.to_vm) if e.from_vm
                       else t("nar.vm_enter", lang, vm=e.to_vm))
        elif cls is GuestPageFault or cls is GuestAction:
            # the guest kernel's work runs until the access is retried (or the step ends)
            j = i + 1 if cls is GuestPageFault else i
            while j < n and ev[j].__class__ not in (TlbLookup, DataAccess, ShadowInvalidate) and not (
                    ev[j].__class__ is TlbFlush and ev[j].reason is not FlushReason.VM_EXIT_NO_VPID) and not (
                    ev[j].__class__ is VmExit and ev[j].reason in (ExitReason.INVLPG, ExitReason.CR3_LOAD)):
                j += 1
            if cls is GuestPageFault:
                reflected = i > 0 and ev[i - 1].__class__ in (VmExit, WalkRef, AdUpdate) and any(
                    x.__class__ is VmExit and x.reason is ExitReason.GUEST_FAULT for x in ev[max(0, i - 8):i])
                hints[len(out)] = (C.GUEST_FAULT,)
                out.append(t("nar.guest_pf_reflect" if reflected else "nar.guest_pf", lang,
                             kind=_fault_text(e.kind, e.level, lang)))
                work = _guest_work(ev[i + 1:j], lang)
            else:
                work = _guest_work(ev[i:j], lang)
            for phrase, concepts in work:
                hints[len(out)] = concepts
                out.append(phrase)
            i = max(j, i + 1)
            continue
        elif cls is VmExit:
            r = e.reason
            if r is ExitReason.HIDDEN_FAULT and i + 1 < n and ev[i + 1].__class__ is PmapChange:
                i += 1
                continue  # told by the pmap change that follows
            out.append(_exit_phrase(e, lang))
            if r is ExitReason.INVLPG and not any(x.__class__ is ShadowInvalidate and x.reason is ShadowZapReason.INVLPG
                                                  for x in ev[i + 1:]):
                page = e.address & ~0xFFF
                gone = any(x.__class__ is ShadowInvalidate and x.reason is ShadowZapReason.GUEST_PTE_WRITE
                           and x.gva == page for x in ev[:i])
                out.append(t("nar.invlpg_gone" if gone else "nar.invlpg_none", lang, gva=page))
        elif cls is PmapChange:
            key = {PmapReason.BACK: "nar.back", PmapReason.SHARE: "nar.share", PmapReason.COW_BREAK: "nar.cow",
                   PmapReason.UNSHARE: "nar.unshare", PmapReason.SWAP_OUT: "nar.swap_out",
                   PmapReason.SWAP_IN: "nar.swap_in"}[e.reason]
            ma = e.new_mpn if e.new_mpn is not None else e.old_mpn
            out.append(t(key, lang, vm=e.vm, gpa=e.gppn << PAGE_SHIFT, ma=(ma or 0) << PAGE_SHIFT))
        elif cls is EptUpdate:
            if out and not out[-1].endswith(t("nar.ept_write", lang)):
                out[-1] += ", " + t("nar.ept_write" if e.entry else "nar.ept_clear", lang)
        elif cls is ShadowFill:
            j = i
            while j < n and ev[j].__class__ is ShadowFill:
                j += 1
            fills = ev[i:j]
            leaf = fills[-1]
            ro = "" if leaf.entry & RW else t("nar.shadow_fill_ro", lang)
            text = t("nar.shadow_fill", lang, gva=leaf.gva & ~0xFFF, ma=leaf.entry & FRAME_MASK, ro=ro)
            built = sum(1 for f in fills if f.level > 1)
            if built:
                text += t("nar.shadow_tables", lang, n=built)
            out.append(text)
            i = j
            continue
        elif cls is ShadowInvalidate:
            out.append(t("nar.shadow_zap", lang, gva=e.gva, reason=t("zap." + e.reason.name.lower(), lang)))
        elif cls is ShadowRoot:
            out.append(t("nar.shadow_root_cached" if e.cached else "nar.shadow_root_new", lang))
        elif cls is TlbFill:
            out.append(t("nar.tlb_fill", lang, gva=e.gvpn << PAGE_SHIFT, ma=e.mpn << PAGE_SHIFT))
        elif cls is TlbFlush:
            phrase = _flush_phrase(e, lang)
            if phrase:
                out.append(phrase)
        elif cls is DataAccess:
            key = {"read": "nar.read", "write": "nar.write", "exec": "nar.exec"}[e.access.value]
            out.append(t(key, lang, value=e.value, ma=e.ma))
        elif cls is Note:
            out.append(_note(e, lang))
        i += 1
    if len(out) > len(spans):
        spans += [(told, n)] * (len(out) - len(spans))
    op = step.op
    if op.kind is OpKind.SHARE and (op.with_vm or op.vm) != op.vm and any(x.__class__ is PmapChange for x in ev):
        hints[len(out)] = (C.COW_SHARING,)
        out.append(t("nar.salting", lang))
        spans.append((n, n))
    return [(p, span, hints.get(k)) for k, (p, span) in enumerate(zip(out, spans, strict=True))]


def sentence(step: Optional[Step], lang: str = "en", **kw) -> str:
    """The narration as one line, phrases joined by arrows, the first letter capitalised."""
    phrases = narrate(step, lang, **kw)
    if not phrases:
        return ""
    text = ARROW.join(phrases)
    return text[0].upper() + text[1:] + "."


def esc(text: str) -> str:
    """Text for HTML: ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def why_html(concepts: tuple, lang: str = "en") -> str:
    """The "why?" of a narration line: a closed ``<details>`` whose summary is a small "why?"
    and whose body gives each concept's title, explanation, the model's simplification where
    there is one, the source, and a link to the glossary entry in a new tab (so the step's
    session stays). ``""`` for no concepts."""
    if not concepts:
        return ""
    body = []
    for cid in concepts:
        note = C.model_note(cid, lang)
        model = (f'<div style="margin-top:0.2rem;font-style:italic">{esc(t("concept.model_label", lang, note=note))}</div>'
                 if note else "")
        body.append(f'<div class="why-concept" data-concept="{cid}" style="margin:0.25rem 0 0.35rem 0">'
                    f'<b>{esc(C.title(cid, lang))}</b> — {esc(C.why(cid, lang))}{model}'
                    f'<div style="margin-top:0.2rem;color:#546e7a">{esc(t("concept.source", lang, source=C.source(cid, lang)))}'
                    f' · <a href="{esc(C.glossary_link(cid, lang))}" target="_blank" rel="noopener">'
                    f'{esc(t("concept.in_glossary", lang))}</a></div></div>')
    summary = (f'<summary title="{esc(t("concept.why_hint", lang))}" style="display:inline;cursor:pointer;'
               f'color:#1565c0;font-size:0.8em;white-space:nowrap;list-style:none">{esc(t("concept.why_label", lang))}'
               '</summary>')
    return (f'<details class="why" data-concepts="{" ".join(concepts)}" style="display:inline">{summary}'
            f'<div class="why-body" style="display:block;font-size:0.88em;line-height:1.4;background:#f5f7fa;'
            f'border-left:3px solid #1565c0;padding:0.3rem 0.6rem;margin:0.25rem 0 0.4rem 0;column-span:all">'
            f'{"".join(body)}</div></details>')


def html_list(phrases: list) -> str:
    """The phrases as a numbered HTML list, in two columns when there are many. A phrase given
    as (text, node ids) carries its ids in ``data-ids``: pointing at it highlights those pages.
    A :class:`Line` that shows concepts ends in a small "why?" that opens their explanation
    (:func:`why_html`)."""
    style = "margin:0.3rem 0 0 0;padding-left:1.6rem;font-size:0.92rem;line-height:1.35"
    if len(phrases) > 6:
        style += ";column-count:2;column-gap:2.2rem"
    items = []
    for p in phrases:
        text, ids = (p, ()) if isinstance(p, str) else p
        if text:
            data = f' data-ids="{" ".join(ids)}" tabindex="0"' if ids else ""
            why = why_html(p.concepts, p.lang) if isinstance(p, Line) else ""
            items.append(f'<li style="break-inside:avoid"{data}>{esc(text[0].upper() + text[1:])}'
                         f'{" " + why if why else ""}</li>')
    return f'<ol class="narration" style="{style}">{"".join(items)}</ol>'
