"""Plain-language narration of a step: its episodes, in the order they happened, as short phrases.

``narrate(step, lang)`` turns the engine's record into what a teacher would say:
"TLB miss → the CPU walks the shadow page tables and finds no entry → hidden page fault: exit to
the VMM → the VMM walks the guest page tables in software (4 references) → the VMM fills the
shadow entry → the retry misses the TLB → …". The engine groups the events into episodes as it
makes them (:mod:`visualizer.engine.record`: one walk, one exit and the VMM's work, one #PF and
its handler, one job of the guest kernel); each kind of episode has a small teller here, and the
events outside episodes are told one by one — so nothing is re-derived from a flat list, and the
phrases follow the record's order. Where the design is AMD's (``Step.design``), the phrases use
AMD's names (ASID, nested page fault, page-walk cache) where a catalogue entry ``<key>.amd``
exists.
"""
from __future__ import annotations

from typing import Optional

from ..engine.events import (AdUpdate, DataAccess, EptUpdate, ExitReason, FaultKind, FlushReason, FlushScope,
                             GuestAction, GuestActionKind, GuestPageFault, Note, PmapChange, PmapReason, ShadowFill,
                             ShadowInvalidate, ShadowRoot, ShadowZapReason, Stage, TlbFill, TlbFlush, TlbLookup,
                             TlbMiss, VmExit, VmSwitch, WalkCache, WalkCacheHit, Walker, WalkRef, HostState,
                             HostStateChange, ScanResult, ShareScan)
from ..engine.ops import OpKind
from ..engine.counters import Step
from ..engine.memory import PAGE_SHIFT
from ..engine.paging import EPT, X86, FRAME_MASK, RW
from ..engine.record import Episode, EpisodeKind, GuestWork, Reclaim
from . import concepts as C
from .i18n import CATALOGUE, t

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


def _flush_reason(ev: TlbFlush, lang: str, amd: bool = False) -> str:
    key = "reason." + ev.reason.name.lower()
    if ev.reason in _SCOPED and ev.scope is FlushScope.VM:
        key += ".vm"
    if amd and key + ".amd" in CATALOGUE:
        key += ".amd"
    return t(key, lang)


def _fault_text(kind: FaultKind, level: int, lang: str) -> str:
    if kind is FaultKind.NOT_PRESENT and level:
        return t("fault.not-present.level", lang, level=_LEVEL.get(level, str(level)))
    return t("fault." + kind.value, lang)


def _note(e: Note, lang: str) -> str:
    state = t("state." + e.state.value, lang) if e.state is not None else ""
    return t("refusal." + e.refusal.name.lower(), lang, vm=e.vm, gppn=e.gppn or 0, state=state)


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


_LINEAR = (WalkCache.PML4E, WalkCache.PDPTE, WalkCache.PDE)
_TRANSLATIONS = (WalkCache.GPA, WalkCache.NTLB)
_EPT_PSC = (WalkCache.EPT_PML4E, WalkCache.EPT_PDPTE, WalkCache.EPT_PDE)
_SPAN = {1: "4 KiB", 2: "2 MiB", 3: "1 GiB", 4: "512 GiB"}
"""What one entry at each level maps."""
_PMAP_KEY = {PmapReason.BACK: "nar.back", PmapReason.SHARE: "nar.share", PmapReason.COW_BREAK: "nar.cow",
             PmapReason.UNSHARE: "nar.unshare", PmapReason.SWAP_OUT: "nar.swap_out", PmapReason.SWAP_IN: "nar.swap_in",
             PmapReason.BALLOON: "nar.balloon", PmapReason.DEFLATE: "nar.deflate", PmapReason.COMPRESS: "nar.compress",
             PmapReason.DECOMPRESS: "nar.decompress"}
_STATE_ORDER = {s: i for i, s in enumerate(HostState)}
_EXIT_CONCEPT = {ExitReason.HIDDEN_FAULT: C.HIDDEN_FAULT, ExitReason.GUEST_FAULT: C.GUEST_FAULT,
                 ExitReason.PT_WRITE: C.WP_GUEST_PT, ExitReason.CR3_LOAD: C.CR3_EXIT, ExitReason.INVLPG: C.INVLPG_EXIT,
                 ExitReason.EPT_VIOLATION: C.EPT_VIOLATION}


class _Teller:
    """Tells one step's record episode by episode, in the order the engine made them: each
    episode by its own small teller, the events outside episodes one by one. Collects
    (phrase, (first, end) of the events it tells, concepts or None for those of its events)."""

    def __init__(self, step: Step, lang: str):
        self.step, self.lang = step, lang
        self.ev = step.events
        self.eps = step.episodes
        self.amd = step.design == "amd"
        self.out: list[tuple[str, tuple[int, int], Optional[tuple]]] = []
        self.lookups = 0
        self.done: set[int] = set()
        """Episodes told already (a job tells the jobs inside it where they belong)."""

    # -- words ---------------------------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        """``key`` in the step's language — AMD's wording where the design is AMD's and one exists."""
        if self.amd and key + ".amd" in CATALOGUE:
            key += ".amd"
        return t(key, self.lang, **values)

    def say(self, phrase: str, a: int, b: int, concepts: Optional[tuple] = None) -> None:
        self.out.append((phrase, (a, b), concepts))

    def guest(self, parts: list[str], a: int, b: int, concepts: Optional[tuple] = None) -> None:
        if parts:
            joined = ", ".join(parts[:-1]) + (self.t("nar.and") if len(parts) > 1 else "") + parts[-1]
            self.say(self.t("nar.guest_work", parts=joined), a, b, concepts)

    # -- structure ------------------------------------------------------------------------------
    def items(self, a: int, b: int, parent: int):
        """The episodes directly inside ``parent`` and the loose events, in order, in [a, b)."""
        kids = [k for k, e in enumerate(self.eps) if e.parent == parent and a <= e.start < b]
        i, ki = a, 0
        while i < b:
            if ki < len(kids) and self.eps[kids[ki]].start <= i:
                yield "episode", kids[ki]
                i = max(i, self.eps[kids[ki]].end)
                ki += 1
            else:
                yield "event", i
                i += 1

    def tell(self, a: int, b: int, parent: int = -1) -> None:
        for what, x in self.items(a, b, parent):
            if what == "episode":
                self.episode(x)
            else:
                self.event(x)

    def episode(self, k: int) -> None:
        e = self.eps[k]
        if e.start == e.end or k in self.done:
            return
        self.done.add(k)
        if e.kind is EpisodeKind.RECLAIM:
            self.reclaim(k)
        elif e.kind is EpisodeKind.WALK:
            self.walk(k)
        elif e.kind is EpisodeKind.VM_EXIT:
            self.vm_exit(k)
        elif e.kind is EpisodeKind.GUEST_FAULT:
            self.guest_fault(k)
        elif e.kind is EpisodeKind.GUEST_WORK:
            self.guest_work(k)
        else:
            self.tell(e.start, e.end, k)

    def prior(self, k: int) -> Optional[Episode]:
        """The episode before ``k`` at the same depth and in the same parent."""
        e = self.eps[k]
        for j in range(k - 1, -1, -1):
            if self.eps[j].parent == e.parent:
                return self.eps[j]
        return None

    # -- walks ------------------------------------------------------------------------------------
    def walk(self, k: int) -> None:
        e = self.eps[k]
        evs = self.ev[e.start:e.end]
        refs = [x for x in evs if x.__class__ is WalkRef]
        hits = [x for x in evs if x.__class__ is WalkCacheHit]
        span = (e.start, e.end)
        for h in hits:
            if h.cache in _LINEAR:
                levels = ", ".join(_LEVEL[lv] for lv in h.skipped)
                key = "nar.cache_hit_combined" if h.combined else "nar.cache_hit"
                self.say(self.t(key, cache=self.t("cache." + h.cache.value), levels=levels, n=h.saved), *span,
                         (C.MMU_CACHES,))
        translated = [h for h in hits if h.cache in _TRANSLATIONS]
        if translated:
            self.say(self.t("nar.gpa_hits" if len(translated) > 1 else "nar.gpa_hit",
                            cache=self.t("cache." + translated[0].cache.value), gpa=translated[0].address,
                            k=len(translated), n=sum(h.saved for h in translated)), *span, (C.MMU_CACHES,))
        psc = [h for h in hits if h.cache in _EPT_PSC]
        if psc:
            self.say(self.t("nar.ept_psc_hits", k=len(psc), n=sum(h.saved for h in psc)), *span, (C.MMU_CACHES,))
        pwc = [h for h in hits if h.cache is WalkCache.PWC]
        if pwc:
            self.say(self.t("nar.pwc_hits", k=len(pwc), n=len(pwc)), *span, (C.MMU_CACHES,))
        if not refs:
            return
        n = len(refs)
        stages = {r.stage for r in refs}
        nested = Stage.NESTED in stages or any(h.stage is Stage.NESTED or h.combined for h in hits)
        if e.reason is Walker.VMM:
            text = self.t("nar.walk_vmm", n=n)
            failed = self._exit_reason(e) is ExitReason.GUEST_FAULT
            concepts = (C.HIDDEN_FAULT,)
        else:
            failed = e.end >= len(self.ev) or self.ev[e.end].__class__ is not TlbFill
            if nested:
                g = sum(1 for r in refs if r.stage is Stage.GUEST)
                text = self.t("nar.walk_2d", n=n, g=g, e=n - g)
                concepts = (C.WALK_2D,)
            elif Stage.SHADOW in stages:
                text, concepts = self.t("nar.walk_shadow", n=n), (C.SHADOW_WALK,)
            else:
                text, concepts = self.t("nar.walk_native", n=n), ()
        last = refs[-1]
        fmt = EPT if last.stage is Stage.NESTED else X86
        if not last.entry & fmt.present:
            level = ("EPT " if last.stage is Stage.NESTED and not self.amd else "") + _LEVEL[last.level]
            text = self.t("nar.walk_missing", walk=text, level=level)
        elif failed:
            text = self.t("nar.walk_denied", walk=text)
        self.say(text, *span, concepts)

    def _exit_reason(self, e: Episode) -> Optional[ExitReason]:
        p = self.eps[e.parent] if e.parent >= 0 else None
        return p.reason if p is not None and p.kind is EpisodeKind.VM_EXIT else None

    # -- exits ------------------------------------------------------------------------------------
    def vm_exit(self, k: int) -> None:
        e = self.eps[k]
        x = self.ev[e.start]
        self.say(self.exit_phrase(x), e.start, e.start + 1, (_EXIT_CONCEPT[x.reason],))
        if x.reason is ExitReason.INVLPG and not any(
                v.__class__ is ShadowInvalidate and v.reason is ShadowZapReason.INVLPG for v in self.ev[e.start:e.end]):
            # what the VMM looked for and did not find, before it invalidates the address
            page = x.address & ~0xFFF
            gone = any(v.__class__ is ShadowInvalidate and v.reason is ShadowZapReason.GUEST_PTE_WRITE and v.gva == page
                       for v in self.ev[:e.start])
            self.say(self.t("nar.invlpg_gone" if gone else "nar.invlpg_none", gva=page), e.start, e.end,
                     (C.INVLPG_EXIT,))
        self.tell(e.start + 1, e.end, k)

    def exit_phrase(self, e: VmExit) -> str:
        """Why the CPU left the guest, as precisely as the exit's record says."""
        r, f = e.reason, e.fault
        if r is ExitReason.GUEST_FAULT:
            why = (self.t("why.guest." + f.kind.value, level=_LEVEL.get(f.level, str(f.level))) if f is not None
                   else self.t("why.guest.not-present", level="?"))
            return self.t("nar.exit_guest", why=why)
        if r is ExitReason.EPT_VIOLATION and f is not None:
            if f.on_table:
                return self.t("nar.exit_ept_table", gpa=e.address, level=_LEVEL.get(f.level, str(f.level)),
                              table=_LEVEL.get(f.table_level, str(f.table_level)))
            if f.kind is FaultKind.NOT_PRESENT:
                return self.t("nar.exit_ept_data", gpa=e.address, level=_LEVEL.get(f.level, str(f.level)))
            return self.t("nar.exit_ept_write", gpa=e.address)
        if r is ExitReason.EPT_VIOLATION:
            return self.t("nar.exit_ept", gpa=e.address)
        if r is ExitReason.HIDDEN_FAULT:
            return self.t("nar.exit_hidden")
        if r is ExitReason.CR3_LOAD:
            return self.t("nar.exit_cr3")
        if r is ExitReason.INVLPG:
            return self.t("nar.exit_invlpg")
        return self.t("nar.exit_ptw", gpa=e.address)

    def exits_on_the_way(self, k: int) -> None:
        """The exits the guest kernel's own memory accesses caused in job ``k``: the backing exits
        told as one phrase (the job is the story, the exits are what it cost), one or two
        page-table-write exits told in full (the VMM's emulation is the lesson), more as one
        phrase; the phrases in the order their first exit happened."""
        backs, ptws, novpid = [], [], []
        back_ids = set()
        for j, e in enumerate(self.eps):
            if e.parent != k or e.kind is not EpisodeKind.VM_EXIT:
                continue
            if e.reason in (ExitReason.HIDDEN_FAULT, ExitReason.EPT_VIOLATION):
                backs.append(e)
                back_ids.add(j)
            elif e.reason is ExitReason.PT_WRITE:
                ptws.append((j, e))
            if any(v.__class__ is TlbFlush and v.reason is FlushReason.VM_EXIT_NO_VPID for v in self.ev[e.start:e.end]):
                novpid.append(e)
        told = []
        if backs:
            blocks = sum(1 for e in backs for v in self.ev[e.start:e.end]
                         if v.__class__ is PmapChange and v.pages == 512)
            key = "nar.during_back_2m" if blocks == len(backs) else "nar.during_back"
            concepts = (_EXIT_CONCEPT[backs[0].reason], C.PMAP)
            told.append((backs[0].start, lambda: self.say(self.t(key, n=len(backs)), backs[0].start, backs[-1].end,
                                                          concepts)))
            # the host's reclamation inside one of them (the VM blocked in the low state) is told in full
            inside = [j for j, x in enumerate(self.eps) if x.parent in back_ids]
            for j in inside:
                if self.eps[j].kind is EpisodeKind.RECLAIM:
                    told.append((self.eps[j].start, lambda j=j: self.episode(j)))
        if len(ptws) > 2:
            first, last = ptws[0][1], ptws[-1][1]
            told.append((first.start, lambda: self.say(self.t("nar.during_ptw", n=len(ptws)), first.start, last.end,
                                                       (C.WP_GUEST_PT,))))
        else:  # one or two: the lesson itself (the VMM emulates the write and drops shadow entries)
            told += [(e.start, lambda j=j: self.vm_exit(j)) for j, e in ptws]
            novpid = [e for e in novpid if e.reason is not ExitReason.PT_WRITE]  # told with their exits
        if novpid:
            told.append((novpid[0].start, lambda: self.say(self.t("nar.during_novpid", n=len(novpid)), novpid[0].start,
                                                           novpid[-1].end, (C.VPID_PCID,))))
        for _start, tell in sorted(told, key=lambda x: x[0]):  # stable: a summary before the flushes it caused
            tell()

    # -- the guest ----------------------------------------------------------------------------------
    def guest_fault(self, k: int) -> None:
        e = self.eps[k]
        pf = self.ev[e.start]
        before = self.prior(k)
        reflected = (before is not None and before.kind is EpisodeKind.VM_EXIT
                     and before.reason is ExitReason.GUEST_FAULT and before.end == e.start)
        self.say(self.t("nar.guest_pf_reflect" if reflected else "nar.guest_pf", kind=_fault_text(pf.kind, pf.level, self.lang)),
                 e.start, e.start + 1, (C.GUEST_FAULT,))
        self.tell(e.start + 1, e.end, k)

    def own_actions(self, k: int) -> list[tuple[int, GuestAction]]:
        """The guest's actions in job ``k`` that no episode inside it tells."""
        e = self.eps[k]
        inner = [x for x in self.eps if x.parent == k]
        return [(i, self.ev[i]) for i in range(e.start, e.end)
                if self.ev[i].__class__ is GuestAction and not any(x.holds(i) for x in inner)]

    def guest_work(self, k: int) -> None:
        e = self.eps[k]
        job = e.reason
        acts = self.own_actions(k)
        kinds = [a.kind for _, a in acts]
        # the job's own phrase starts after any job inside it (a split is told first)
        inner = [x for x in self.eps if x.parent == k and x.kind is EpisodeKind.GUEST_WORK]
        first = next((i for i in range(e.start, e.end) if not any(x.holds(i) for x in inner)), e.start)
        span = (first, e.end)
        if job is GuestWork.BALLOON:  # its page-outs are told as one phrase
            self.guest_paging(k, acts, (e.start, e.end))
            return
        self.tell_children(k, before=first)  # jobs that came first (a page-out to free a frame)
        if job in (GuestWork.PAGE_OUT, GuestWork.SWAP_IN):
            self.guest_paging(k, acts, span)
            return
        nothing = [a for _, a in acts if a.kind is GuestActionKind.NOTHING_TO_DO]
        if job in (GuestWork.DEMAND_ZERO, GuestWork.MAP) and not nothing:
            self.populate(k, acts, span)
        elif job is GuestWork.SPLIT_2M:
            split = next((a for _, a in acts if a.kind is GuestActionKind.SPLIT_LARGE), None)
            if split is not None:
                self.guest([self.t("nar.gw_split", gva=split.gva or 0)], *span, (C.GUEST_FAULT,))
        elif job is GuestWork.FORK:
            self.fork(k, acts, span)
        elif job is GuestWork.COPY_ON_WRITE:
            self.tell_children(k)
            for _, a in acts:
                if a.kind is GuestActionKind.COPY_PAGE:
                    self.guest([self.t("nar.gw_copy", gpa=(a.gppn or 0) << PAGE_SHIFT)], *span, (C.GUEST_FAULT,))
                elif a.kind is GuestActionKind.REUSE_PAGE:
                    key = "nar.gw_reuse_2m" if a.pages == 512 else "nar.gw_reuse"
                    self.guest([self.t(key, gva=a.gva or 0)], *span, (C.GUEST_FAULT,))
        elif job is GuestWork.TEARDOWN and GuestActionKind.EXIT in kinds:
            ex = next(a for _, a in acts if a.kind is GuestActionKind.EXIT)
            n = kinds.count(GuestActionKind.WRITE_PTE)
            self.guest([self.t("nar.gw_exit", proc=ex.process), self.t("nar.gw_cleared", n=n)], *span)
        elif job is GuestWork.RELEASE:
            freed = [a for _, a in acts if a.kind is GuestActionKind.FREE_FRAME]
            if len(freed) == 1:
                self.guest([self.t("nar.gw_free", gpa=(freed[0].gppn or 0) << PAGE_SHIFT)], *span)
            elif freed:
                self.guest([self.t("nar.gw_free_n", n=len(freed))], *span)
        elif job is GuestWork.UNMAP and not nothing:
            self.tell_children(k)
            self.guest([self.t("nar.gw_unmap", gva=e.address or 0)], *span)
        elif job is GuestWork.PROTECT and not nothing:
            self.tell_children(k)
            self.guest([self.t("nar.gw_protect", gva=e.address or 0)], *span)
        elif job in (GuestWork.CR3_LOAD, GuestWork.FLUSH_MM, GuestWork.INVLPG):
            a = acts[0][1]
            key = {GuestWork.CR3_LOAD: "nar.gw_cr3", GuestWork.FLUSH_MM: "nar.gw_flush_mm",
                   GuestWork.INVLPG: "nar.gw_invlpg"}[job]
            concept = {GuestWork.CR3_LOAD: C.CR3_EXIT, GuestWork.FLUSH_MM: C.VPID_PCID,
                       GuestWork.INVLPG: C.INVLPG_EXIT}[job]
            self.guest([self.t(key, proc=a.process, gva=a.gva or 0)], acts[0][0], acts[0][0] + 1, (concept,))
            self.tell(acts[0][0] + 1, e.end, k)
            return
        for _, a in acts:
            if a.kind is GuestActionKind.NOTHING_TO_DO:
                detail = self.t("nothing." + a.why.name.lower()) if a.why else a.detail
                self.guest([self.t("nar.gw_nothing", detail=detail)], *span)
            elif a.kind is GuestActionKind.SEGV:
                detail = self.t("fault." + a.fault.value) if a.fault else self.t("nar.segv_oom")
                self.guest([self.t("nar.gw_segv", detail=detail)], *span, (C.GUEST_FAULT,))
            elif a.kind is GuestActionKind.OUT_OF_MEMORY:
                self.guest([self.t("nar.gw_oom")], *span)
        self.exits_on_the_way(k)

    def guest_paging(self, k: int, acts, span: tuple[int, int]) -> None:
        """The guest's own paging (page-out to its virtual disk, swap-in) and its balloon driver."""
        e = self.eps[k]
        job = e.reason
        kinds = [a.kind for _, a in acts]
        if job is GuestWork.PAGE_OUT:
            a = next(a for _, a in acts if a.kind is GuestActionKind.SWAP_OUT)
            self.guest([self.t("nar.gw_page_out", gva=a.gva or 0)], *span, (C.BALLOONING,))
            self.exits_on_the_way(k)
            self.tell_children(k)  # its INVLPG
        elif job is GuestWork.SWAP_IN:
            a = next((a for _, a in acts if a.kind is GuestActionKind.SWAP_IN), None)
            if a is not None:
                self.guest([self.t("nar.gw_swap_in", gva=a.gva or 0)], *span, (C.BALLOONING,))
            self.exits_on_the_way(k)
        else:
            vm = self.step.op.vm if not self.vm_of(k) else self.vm_of(k)
            pinned = kinds.count(GuestActionKind.BALLOON_INFLATE)
            freed = kinds.count(GuestActionKind.BALLOON_DEFLATE)
            paged = sum(1 for x in self.eps if x.parent == k and x.reason is GuestWork.PAGE_OUT)
            for x in (j for j, x in enumerate(self.eps) if x.parent == k):
                self.done.add(x)  # its page-outs are told here, as one phrase
            if pinned:
                self.say(self.t("nar.balloon_inflate", vm=vm, n=pinned), e.start, e.end, (C.BALLOONING,))
                if paged:
                    self.say(self.t("nar.balloon_paged", vm=vm, n=paged), e.start, e.end, (C.BALLOONING,))
            if freed:
                self.say(self.t("nar.balloon_deflate", vm=vm, n=freed), e.start, e.end, (C.BALLOONING,))

    def vm_of(self, k: int) -> Optional[str]:
        """The VM whose pages an episode's pmap changes concern (a balloon's)."""
        e = self.eps[k]
        return next((x.vm for x in self.ev[e.start:e.end] if x.__class__ is PmapChange), None)

    # -- the host's reclamation ------------------------------------------------------------------------
    def reclaim(self, k: int) -> None:
        e = self.eps[k]
        what = e.reason
        evs = self.ev[e.start:e.end]
        if what is Reclaim.PASS:
            self.say(self.t("nar.rc_pass"), e.start, e.start + 1, (C.MEMORY_STATES,))
            self.tell(e.start, e.end, k)
        elif what is Reclaim.BLOCK:
            self.say(self.t("nar.rc_block", vm=self.step.op.vm), e.start, e.end, (C.MEMORY_STATES,))
            self.tell(e.start, e.end, k)
        elif what is Reclaim.SHARE_SCAN:
            scans = [x for x in evs if x.__class__ is ShareScan]
            by = {r: sum(1 for x in scans if x.result is r) for r in ScanResult}
            parts = [self.t("nar.rc_scan." + r.value, n=by[r]) for r in ScanResult if by[r]]
            if scans:
                self.say(self.t("nar.rc_scan", n=len(scans), parts=", ".join(parts)), e.start, e.end,
                         (C.COW_SHARING,))
            if any(x.__class__ is ShareScan and x.other and x.other[0] != x.vm for x in scans):
                self.say(self.t("nar.rc_unsalted"), e.start, e.end, (C.COW_SHARING,))
        elif what is Reclaim.BALLOON:
            self.tell(e.start, e.end, k)
        else:
            changes = [x for x in evs if x.__class__ is PmapChange]
            comp = sum(1 for x in changes if x.reason is PmapReason.COMPRESS)
            swap = sum(1 for x in changes if x.reason is PmapReason.SWAP_OUT)
            if comp or swap:
                parts = ([self.t("nar.rc_compressed", n=comp)] if comp else []) + \
                    ([self.t("nar.rc_swapped", n=swap)] if swap else [])
                self.say(self.t("nar.rc_compress_swap", parts=self.t("nar.and").join(parts)), e.start, e.end,
                         (C.SWAPPING,))

    def tell_children(self, k: int, before: Optional[int] = None) -> None:
        """The guest jobs inside job ``k`` (a split before a copy, a page-out to free a frame), in
        order; ``before``: only those that begin before that event."""
        for j, x in enumerate(self.eps):
            if x.parent == k and x.kind is EpisodeKind.GUEST_WORK and (before is None or x.start < before):
                self.episode(j)

    def populate(self, k: int, acts, span: tuple[int, int]) -> None:
        """Demand-zero (or an explicit map): tables, the frame (or a 2 MiB page), zeroing, entries."""
        kinds = [a.kind for _, a in acts]
        tables = kinds.count(GuestActionKind.ALLOC_TABLE)
        frames = [a for _, a in acts if a.kind is GuestActionKind.ALLOC_FRAME]
        zeroed = [a for _, a in acts if a.kind is GuestActionKind.ZERO_FRAME]
        ptes = kinds.count(GuestActionKind.WRITE_PTE)
        parts = []
        big = [f for f in frames if f.pages == 512]
        if big:
            gpa = (big[0].gppn or 0) << PAGE_SHIFT
            parts.append(self.t("nar.gw_tables_2m", n=tables, gpa=gpa) if tables else self.t("nar.gw_2m", gpa=gpa))
            small = sum(1 for z in zeroed if z.pages == 1)
            parts.append(self.t("nar.gw_zero_2m", n=small) if small else self.t("nar.gw_zero_2m_only"))
        else:
            if tables and len(frames) == 1:
                parts.append(self.t("nar.gw_tables_frame", n=tables, gpa=(frames[0].gppn or 0) << PAGE_SHIFT))
            elif tables:
                parts.append(self.t("nar.gw_tables", n=tables))
            elif frames:
                parts += [self.t("nar.gw_frame", gpa=(f.gppn or 0) << PAGE_SHIFT) for f in frames]
            if zeroed:
                parts.append(self.t("nar.gw_zero", n=len(zeroed)))
        if ptes:
            parts.append(self.t("nar.gw_ptes", n=ptes))
        self.guest(parts, *span, (C.GUEST_FAULT,))

    def fork(self, k: int, acts, span: tuple[int, int]) -> None:
        fork = next((a for _, a in acts if a.kind is GuestActionKind.FORK), None)
        if fork is None:
            return
        child = fork.process
        writes = [a for _, a in acts if a.kind is GuestActionKind.WRITE_PTE]
        copied = [a for a in writes if a.process == child]
        protected = [a for a in writes if a.process != child]
        tables = sum(1 for _, a in acts if a.kind is GuestActionKind.ALLOC_TABLE)
        big = sum(1 for a in copied if a.pages == 512)
        small = len(copied) - big
        if small:
            parts = [self.t("nar.gw_fork", proc=child, n=small, m=len(protected), tables=tables)]
            if big:
                parts.append(self.t("nar.gw_fork_2m", n=big))
        else:
            parts = [self.t("nar.gw_fork_2m_only", proc=child, n=big)]
        self.guest(parts, *span)

    # -- one event ------------------------------------------------------------------------------------
    def event(self, i: int) -> None:
        x = self.ev[i]
        cls = x.__class__
        if cls is AdUpdate or cls is WalkRef or cls is WalkCacheHit:
            return
        if cls is TlbLookup:
            self.lookup(x, i)
        elif cls is VmSwitch:
            self.say(self.t("nar.vm_switch", old=x.from_vm, new=x.to_vm) if x.from_vm
                     else self.t("nar.vm_enter", vm=x.to_vm), i, i + 1)
        elif cls is PmapChange:
            ma = x.new_mpn if x.new_mpn is not None else x.old_mpn
            key = "nar.back_2m" if x.reason is PmapReason.BACK and x.pages == 512 else _PMAP_KEY[x.reason]
            self.say(self.t(key, vm=x.vm, gpa=x.gppn << PAGE_SHIFT, ma=(ma or 0) << PAGE_SHIFT), i, i + 1)
        elif cls is EptUpdate:
            if x.split:
                self.say(self.t("nar.ept_split", gpa=x.gppn << PAGE_SHIFT), i, i + 1, (C.PMAP,))
            elif self.out and self.out[-1][1][1] == i:
                # told with the pmap change it follows: extend that phrase
                phrase, (a, _b), concepts = self.out.pop()
                key = ("nar.ept_write_2m" if x.pages == 512 else "nar.ept_write") if x.entry else "nar.ept_clear"
                self.say(phrase + ", " + self.t(key), a, i + 1, concepts)
        elif cls is ShadowFill:
            if i > 0 and self.ev[i - 1].__class__ is ShadowFill:
                return  # told with the first of its run
            j = i
            while j < len(self.ev) and self.ev[j].__class__ is ShadowFill:
                j += 1
            leaf = self.ev[j - 1]
            ro = "" if leaf.entry & RW else self.t("nar.shadow_fill_ro")
            text = self.t("nar.shadow_fill", gva=leaf.gva & ~0xFFF, ma=leaf.entry & FRAME_MASK, ro=ro)
            built = sum(1 for f in self.ev[i:j] if f.level > 1)
            if built:
                text += self.t("nar.shadow_tables", n=built)
            self.say(text, i, j)
        elif cls is ShadowInvalidate:
            reason = self.t("zap." + x.reason.name.lower())
            if x.level == 1:
                self.say(self.t("nar.shadow_zap", gva=x.gva, reason=reason), i, i + 1)
            else:
                self.say(self.t("nar.shadow_zap_table", gva=x.gva, span=_SPAN[x.level], reason=reason,
                                n=x.freed_tables), i, i + 1)
        elif cls is ShadowRoot:
            self.say(self.t("nar.shadow_root_cached" if x.cached else "nar.shadow_root_new"), i, i + 1)
        elif cls is TlbFill:
            self.say(self.t("nar.tlb_fill_2m" if x.large else "nar.tlb_fill", gva=x.gvpn << PAGE_SHIFT,
                            ma=x.mpn << PAGE_SHIFT), i, i + 1)
        elif cls is TlbFlush:
            phrase = self.flush_phrase(x, i)
            if phrase:
                self.say(phrase, i, i + 1)
        elif cls is DataAccess:
            key = {"read": "nar.read", "write": "nar.write", "exec": "nar.exec"}[x.access.value]
            self.say(self.t(key, value=x.value, ma=x.ma), i, i + 1)
        elif cls is Note:
            self.say(_note(x, self.lang), i, i + 1)
        elif cls is GuestAction:
            part = self.action(x)
            if part:
                self.guest([part], i, i + 1, (C.GUEST_FAULT,) if x.kind is GuestActionKind.SEGV else None)
        elif cls is GuestPageFault:
            self.say(self.t("nar.guest_pf", kind=_fault_text(x.kind, x.level, self.lang)), i, i + 1, (C.GUEST_FAULT,))
        elif cls is HostStateChange:
            worse = _STATE_ORDER[x.new] > _STATE_ORDER[x.old]
            self.say(self.t("nar.rc_state_down" if worse else "nar.rc_state_up", n=x.free, min_free=x.min_free,
                            state=self.t("hoststate." + x.new.value), does=self.t("hostdoes." + x.new.value)),
                     i, i + 1, (C.MEMORY_STATES,))
        elif cls is ShareScan:
            self.say(self.t("nar.rc_scan", n=1, parts=self.t("nar.rc_scan." + x.result.value, n=1)), i, i + 1,
                     (C.COW_SHARING,))
        elif cls is VmExit:
            self.say(self.exit_phrase(x), i, i + 1, (_EXIT_CONCEPT[x.reason],))

    def action(self, a: GuestAction) -> str:
        """One action of the guest on its own (the events table tells each record by itself)."""
        k = a.kind
        if k is GuestActionKind.ALLOC_TABLE:
            return self.t("nar.gw_tables", n=1)
        if k is GuestActionKind.ALLOC_FRAME:
            return self.t("nar.gw_2m" if a.pages == 512 else "nar.gw_frame", gpa=(a.gppn or 0) << PAGE_SHIFT)
        if k is GuestActionKind.ZERO_FRAME:
            return self.t("nar.gw_zero_2m_only") if a.pages == 512 else self.t("nar.gw_zero", n=1)
        if k is GuestActionKind.WRITE_PTE:
            return self.t("nar.gw_ptes", n=1)
        if k is GuestActionKind.FREE_FRAME:
            return self.t("nar.gw_free", gpa=(a.gppn or 0) << PAGE_SHIFT)
        if k is GuestActionKind.CR3_LOAD:
            return self.t("nar.gw_cr3", proc=a.process)
        if k is GuestActionKind.INVLPG:
            return self.t("nar.gw_invlpg", gva=a.gva or 0)
        if k is GuestActionKind.FLUSH_TLB_MM:
            return self.t("nar.gw_flush_mm")
        if k is GuestActionKind.FORK:
            return self.t("nar.gw_fork_start", proc=a.process)
        if k is GuestActionKind.COPY_PAGE:
            return self.t("nar.gw_copy", gpa=(a.gppn or 0) << PAGE_SHIFT)
        if k is GuestActionKind.REUSE_PAGE:
            return self.t("nar.gw_reuse_2m" if a.pages == 512 else "nar.gw_reuse", gva=a.gva or 0)
        if k is GuestActionKind.EXIT:
            return self.t("nar.gw_exit", proc=a.process)
        if k is GuestActionKind.SPLIT_LARGE:
            return self.t("nar.gw_split", gva=a.gva or 0)
        if k is GuestActionKind.SWAP_OUT:
            return self.t("nar.gw_page_out", gva=a.gva or 0)
        if k is GuestActionKind.SWAP_IN:
            return self.t("nar.gw_swap_in", gva=a.gva or 0)
        if k is GuestActionKind.BALLOON_INFLATE:
            return self.t("nar.gw_balloon_pin", gpa=(a.gppn or 0) << PAGE_SHIFT)
        if k is GuestActionKind.BALLOON_DEFLATE:
            return self.t("nar.gw_balloon_free", gpa=(a.gppn or 0) << PAGE_SHIFT)
        if k is GuestActionKind.NOTHING_TO_DO:
            return self.t("nar.gw_nothing", detail=self.t("nothing." + a.why.name.lower()) if a.why else a.detail)
        if k is GuestActionKind.SEGV:
            return self.t("nar.gw_segv", detail=self.t("fault." + a.fault.value) if a.fault else self.t("nar.segv_oom"))
        return self.t("nar.gw_oom")

    def lookup(self, x: TlbLookup, i: int) -> None:
        gva = x.gvpn << PAGE_SHIFT
        if self.lookups == 0:
            if x.hit:
                key = "nar.tlb_hit"
            else:
                key = {TlbMiss.DENIED: "nar.tlb_denied", TlbMiss.CLEAN: "nar.tlb_clean"}.get(x.miss, "nar.tlb_miss")
        else:
            key = "nar.retry_hit" if x.hit else "nar.retry_miss"
        self.lookups += 1
        self.say(self.t(key, gva=gva), i, i + 1)

    def flush_phrase(self, x: TlbFlush, i: int) -> Optional[str]:
        """A TLB flush in words: INVEPT always (the VMM's instruction is the lesson), a fault's
        invalidation and any other flush where it dropped something."""
        if x.reason is FlushReason.INVEPT:
            if x.scope is FlushScope.ALL:
                return self.t("nar.invept_all", n=x.removed, c=x.caches)
            return self.t("nar.invept", n=x.removed, vm=x.vm, c=x.caches)
        if x.reason in (FlushReason.PAGE_FAULT, FlushReason.EPT_VIOLATION):
            what = ([self.t("nar.tlb_entries", n=x.removed)] if x.removed else []) + \
                ([self.t("nar.cache_entries", n=x.caches)] if x.caches else [])
            key = "nar.pf_drops" if x.reason is FlushReason.PAGE_FAULT else "nar.eptv_drops"
            return self.t(key, what=self.t("nar.and").join(what))
        if x.removed or x.caches:
            text = self.t("nar.tlb_flush", n=x.removed, reason=_flush_reason(x, self.lang, self.amd))
            if x.caches:
                text += self.t("nar.and_caches", n=x.caches)
            return text
        return None

    def story(self) -> list[tuple[str, tuple[int, int], Optional[tuple]]]:
        self.tell(0, len(self.ev))
        op = self.step.op
        if op.kind is OpKind.SHARE and (op.with_vm or op.vm) != op.vm and \
                any(x.__class__ is PmapChange for x in self.ev):
            n = len(self.ev)
            self.say(self.t("nar.salting"), n, n, (C.COW_SHARING,))
        return self.out


def _narrate(step: Optional[Step], lang: str) -> list[tuple[str, tuple[int, int], Optional[tuple]]]:
    """The phrases in the order of the record's episodes, each with the range of events it tells
    and the concepts it speaks of (None: those of its events)."""
    if step is None:
        return []
    return _Teller(step, lang).story()


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
