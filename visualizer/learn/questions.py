"""Predict, then reveal: questions about a step, asked from the engine's own record of it.

``questions_for(record, machine)`` looks at what the engine recorded for one operation (a
:class:`~visualizer.engine.counters.Step`) and asks one to three questions about it — TLB hit or
miss, whether and why it exits to the VMM, how many references the CPU's page walker makes,
which gPA or MA the access reaches, which kind of fault it meets. The answers are the record's
fields; nothing is written per scenario. The distractors of the address questions are real
addresses of the machine (other mapped pages of the VM), chosen deterministically.

A :class:`Question` holds no text: the page asks :func:`prompt`, :func:`choice_label` and
:func:`explanation` for it in the viewer's language (so a language switch between asking and
revealing changes nothing else). The explanation reuses the narration's phrases
(:mod:`visualizer.text.narrate`) of the events the question is about.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

from ..engine import Mode
from ..engine.ops import OpKind
from ..engine.counters import Step, StepFault, TlbOutcome
from ..engine.events import (ExitReason, GuestAction, GuestActionKind, GuestPageFault, HostStateChange, PmapChange,
                              PmapReason, ScanResult, ShareScan, TlbLookup, VmExit, WalkCacheHit, Walker, WalkRef)
from ..engine.record import EpisodeKind, Reclaim
from ..engine.memory import PAGE_SHIFT
from ..text import narrate as N
from ..text.i18n import t

KINDS = ("tlb", "exit", "walk_refs", "gpa", "ma", "fault", "reclaim")
"""Every question kind (a lesson's ``ask`` names some of these)."""

RECLAIM_ACTIONS = ("none", "share", "balloon", "compress-swap", "block")
"""The ``reclaim`` question's choices, from least to most: what the host did to reclaim memory in a
step — nothing, shared pages (transparent page sharing), inflated balloons, compressed or swapped
pages, or blocked the VM that allocated while it compressed and swapped (vSphere 6's memory
states: high and clear share, soft also balloons, hard compresses and swaps, low also blocks)."""

NO_EXIT = "none"
"""The ``exit`` and ``fault`` questions' answer when nothing of the kind happens."""

EXIT_REASONS = {
    Mode.SHADOW: (ExitReason.HIDDEN_FAULT, ExitReason.GUEST_FAULT, ExitReason.PT_WRITE, ExitReason.CR3_LOAD,
                  ExitReason.INVLPG),
    Mode.NESTED: (ExitReason.EPT_VIOLATION,),
    Mode.NATIVE: (),
}
"""The exit reasons a mode can record (the choices of an ``exit`` question)."""

FAULTS = {
    Mode.SHADOW: (NO_EXIT, "guest-pf", "hidden-fault", "guest-pf+hidden-fault"),
    Mode.NESTED: (NO_EXIT, "guest-pf", "ept-violation", "guest-pf+ept-violation"),
    Mode.NATIVE: (NO_EXIT, "guest-pf"),
}
"""The choices of a ``fault`` question per mode: none, a guest #PF, the VMM's own fault, or both."""

CHOICES_PER_ADDRESS = 4


@dataclass(frozen=True)
class Question:
    """One question about one step. ``answer`` is what the engine recorded."""

    kind: str
    """One of :data:`KINDS`."""
    record: Step
    """The step asked about (the explanation is built from it)."""
    mode: Mode
    choices: tuple = ()
    """The options, as values (addresses are ints, the rest strings); empty: a number is asked."""
    answer: object = None

    def check(self, user_answer) -> bool:
        """Whether ``user_answer`` (a choice, or a number given as int or text) is right."""
        if user_answer is None:
            return False
        if not self.choices:
            try:
                return int(str(user_answer).strip()) == self.answer
            except ValueError:
                return False
        return user_answer == self.answer


# -- the answers, straight from the record ---------------------------------------------------------
def first_exit(record: Step) -> Optional[ExitReason]:
    return next((e.reason for e in record.events if e.__class__ is VmExit), None)


def fault_answer(record: Step) -> str:
    """The ``fault`` question's answer: which of guest #PF and the VMM's fault the step met."""
    got = [f.value for f in record.faults if f is not StepFault.SEGV]
    ordered = [f for f in ("guest-pf", "hidden-fault", "ept-violation") if f in got]
    return "+".join(ordered) if ordered else NO_EXIT


def reclaims(record: Step) -> bool:
    """Whether the host reclaimed memory in this step: made its periodic pass, or blocked the VM."""
    return any(e.kind is EpisodeKind.RECLAIM for e in record.episodes)


_RECLAIMED = {PmapReason.COMPRESS: "compress-swap", PmapReason.SWAP_OUT: "compress-swap",
              PmapReason.BALLOON: "balloon"}


def reclaim_answer(record: Step) -> str:
    """The ``reclaim`` question's answer: the most the host did in this step (one of
    :data:`RECLAIM_ACTIONS`), read from the record's reclamation episodes — a blocked VM; pages
    compressed or swapped; pages a balloon took; pages the sharing scan shared; else nothing (a
    scan that only remembered hints reclaims nothing)."""
    eps = [e for e in record.episodes if e.kind is EpisodeKind.RECLAIM]
    if any(e.reason is Reclaim.BLOCK for e in eps):
        return "block"
    done = {"none"}
    for e in eps:
        for ev in record.events[e.start:e.end]:
            if ev.__class__ is PmapChange and ev.reason in _RECLAIMED:
                done.add(_RECLAIMED[ev.reason])
            elif ev.__class__ is ShareScan and ev.result in (ScanResult.ZERO, ScanResult.SHARED):
                done.add("share")
    return max(done, key=RECLAIM_ACTIONS.index)


def _address_choices(answer: int, record: Step, machine, kind: str) -> tuple:
    """The right address and distractors: other pages the machine really maps (same offset in
    the page), then the classic confusions (the gVA for a gPA, the gPA for an MA), then
    neighbouring pages; shuffled by the step's index."""
    vm, offset = record.op.vm, answer & 0xFFF
    seen = {answer}
    pool: list[int] = []

    def add(a: Optional[int]) -> None:
        if a is not None and a >= 0 and a not in seen:
            seen.add(a)
            pool.append(a)

    views = machine.views if machine is not None else None
    if views is not None:
        for v in views.vms():
            if v.name != vm:
                continue
            if kind == "gpa":
                for p in v.processes:
                    for _gvpn, gppn, _pte in views.guest_mappings(vm, p.name):
                        add((gppn << PAGE_SHIFT) | offset)
            else:
                for mpn in v.mpn:
                    if mpn >= 0:
                        add((mpn << PAGE_SHIFT) | offset)
    rng = random.Random(record.index * 7919 + len(kind))
    real = sorted(pool)
    rng.shuffle(real)
    pool = []
    seen = {answer}
    confusion = record.op.gva if kind == "gpa" else record.gpa
    add(confusion)
    for a in real:
        add(a)
    step = 1
    while len(pool) < CHOICES_PER_ADDRESS - 1:
        add(answer + (step << PAGE_SHIFT))
        if len(pool) < CHOICES_PER_ADDRESS - 1:
            add(answer - (step << PAGE_SHIFT))
        step += 1
    choices = [answer] + pool[:CHOICES_PER_ADDRESS - 1]
    rng.shuffle(choices)
    return tuple(choices)


def make_question(kind: str, record: Step, mode: Mode, machine=None) -> Optional[Question]:
    """A question of ``kind`` about ``record`` (None where the record has no answer to it: an
    operation without an access has no TLB outcome, gPA or MA)."""
    if kind == "tlb":
        if record.tlb is TlbOutcome.NONE:
            return None
        return Question(kind, record, mode, ("hit", "miss"), record.tlb.value)
    if kind == "exit":
        reasons = EXIT_REASONS.get(mode, ())
        first = first_exit(record)
        return Question(kind, record, mode, (NO_EXIT,) + tuple(r.value for r in reasons),
                        first.value if first is not None else NO_EXIT)
    if kind == "walk_refs":
        if record.tlb is TlbOutcome.NONE:
            return None
        return Question(kind, record, mode, (), record.walk_refs)
    if kind == "gpa":
        if record.gpa is None or not knowable(record, kind):
            return None
        return Question(kind, record, mode, _address_choices(record.gpa, record, machine, kind), record.gpa)
    if kind == "ma":
        if record.ma is None or not knowable(record, kind):
            return None
        return Question(kind, record, mode, _address_choices(record.ma, record, machine, kind), record.ma)
    if kind == "fault":
        if record.tlb is TlbOutcome.NONE:
            return None
        return Question(kind, record, mode, FAULTS.get(mode, FAULTS[Mode.NATIVE]), fault_answer(record))
    if kind == "reclaim":
        if not reclaims(record):
            return None
        return Question(kind, record, mode, RECLAIM_ACTIONS, reclaim_answer(record))
    raise ValueError(f"{kind!r} is not a question kind (one of {', '.join(KINDS)})")


_NEW_FRAME = (GuestActionKind.ALLOC_FRAME, GuestActionKind.COPY_PAGE)
_NEW_MPN = (PmapReason.BACK, PmapReason.COW_BREAK, PmapReason.SWAP_IN)


def knowable(record: Step, kind: str) -> bool:
    """Whether the step's gPA (``kind`` "gpa") or MA ("ma") can be told from the state before it:
    not where the guest allocates the data page's frame in this very step, or the VMM a new
    machine page for it (backing, copy-on-write, swap-in) — which frame an allocator picks is no
    thing to predict."""
    if kind == "gpa":
        gppn = record.gpa >> 12 if record.gpa is not None else None
        return not any(isinstance(e, GuestAction) and e.kind in _NEW_FRAME and e.gppn == gppn for e in record.events)
    mpn = record.ma >> 12 if record.ma is not None else None
    return not any(isinstance(e, PmapChange) and e.reason in _NEW_MPN and e.new_mpn == mpn for e in record.events)


def pick_kinds(record: Step) -> list[str]:
    """Which 1–3 questions a step is worth, by what is interesting in its record: an operation
    without an access asks whether it exits; a miss with exits asks about the fault, the exit
    and the walk; a quiet miss about the walk and the machine address; a hit whether it hits;
    where the host reclaims memory in the step, what it does."""
    kinds = _pick_kinds(record)
    # a step in which the host reclaims asks what it did (its last question gives way)
    return kinds[:2] + ["reclaim"] if reclaims(record) else kinds


def _pick_kinds(record: Step) -> list[str]:
    exits = record.vm_exits > 0
    if record.tlb is TlbOutcome.NONE:
        return ["exit"]
    address = next((k for k in ("ma", "gpa") if getattr(record, k) is not None and knowable(record, k)), None)
    if record.tlb is TlbOutcome.HIT:
        return ["tlb", "exit"] + ([address] if address else []) if exits else ["tlb"] + ([address] if address else [])
    if exits:
        return ["fault", "exit", "walk_refs"]
    return ["tlb", "walk_refs"] + ([address] if address else [])


def questions_for(record: Optional[Step], machine=None, mode: Optional[Mode] = None,
                  kinds: Optional[list[str]] = None) -> list[Question]:
    """The questions about ``record`` (the step about to be shown): ``kinds`` if given (those
    the record can answer), else 1–3 picked by :func:`pick_kinds`. ``machine``: the machine
    after the step (for real distractor addresses); ``mode``: its mode (default the machine's,
    else shadow)."""
    if record is None:
        return []
    mode = mode or (machine.mode if machine is not None else Mode.SHADOW)
    out = []
    for kind in (kinds if kinds is not None else pick_kinds(record)):
        q = make_question(kind, record, mode, machine)
        if q is not None:
            out.append(q)
    return out


# -- text -------------------------------------------------------------------------------------------
def prompt(q: Question, lang: str) -> str:
    """The question in ``lang``."""
    op = q.record.op
    gva = op.gva or 0
    if q.kind == "ma":
        return t("q.prompt.ma", lang, gva=gva, vm=op.vm)
    return t("q.prompt." + q.kind, lang, gva=gva, vm=op.vm)


def choice_label(q: Question, choice, lang: str) -> str:
    """One option of ``q`` in ``lang``."""
    if q.kind in ("gpa", "ma"):
        return f"0x{choice:x}"
    return t(f"q.choice.{q.kind}.{choice}", lang)


def answer_label(q: Question, lang: str) -> str:
    return str(q.answer) if not q.choices else choice_label(q, q.answer, lang)


def _about(kind: str):
    """Which events' narration explains a question kind (the walk: the CPU's walks only, whose
    references the answer counts)."""
    if kind == "walk_refs":
        return lambda e: (e.__class__ is WalkRef and e.walker is Walker.CPU) or e.__class__ is WalkCacheHit
    if kind == "reclaim":
        return lambda e: e.__class__ in (HostStateChange, ShareScan) or (
            e.__class__ is PmapChange and e.reason in _RECLAIMED) or (
            e.__class__ is GuestAction and e.kind is GuestActionKind.BALLOON_INFLATE)
    classes = {"tlb": (TlbLookup,), "exit": (VmExit,), "fault": (VmExit, GuestPageFault)}[kind]
    return lambda e: e.__class__ in classes


def _phrases_about(record: Step, kind: str, lang: str) -> list[str]:
    """The narration's phrases that tell the events ``kind`` is about (all the walks for
    ``walk_refs``, so that their references add up to the answer; else at most four)."""
    return [line.text for line in _lines_about(record, kind, lang)]


def _lines_about(record: Step, kind: str, lang: str) -> list:
    """:func:`_phrases_about` as the narration's lines (:class:`~visualizer.text.narrate.Line`:
    with the pages they speak of and their concepts, for the "why?")."""
    about, limit = _about(kind), (16 if kind == "walk_refs" else 6 if kind == "reclaim" else 4)
    out, seen = [], set()
    # (phrase, (first, end) of its events, ...) beside the same phrase as a linked line
    for item, line in zip(N._narrate(record, lang), N.narrate_linked(record, lang), strict=True):
        phrase, (a, b) = item[0], item[1]
        text = phrase[0].upper() + phrase[1:]
        if any(about(e) for e in record.events[a:b]) and (kind == "walk_refs" or text not in seen):
            seen.add(text)
            out.append(N.Line(text, line.ids, line.concepts, lang))
        if len(out) >= limit:
            break
    return out


def explanation(q: Question, lang: str) -> list[str]:
    """Why the answer is what it is: a first sentence from the record, then the narration's
    phrases of the events concerned."""
    return [x if isinstance(x, str) else x.text for x in explanation_lines(q, lang)]


def explanation_lines(q: Question, lang: str) -> list:
    """:func:`explanation` with the narration's phrases as lines that know their pages and
    concepts (:func:`visualizer.text.narrate.html_list` adds a "why?" to each)."""
    r = q.record
    op = r.op
    if q.kind == "tlb":
        # a write can miss on an entry that forbids it; a read misses only where there is none
        read = r.tlb is TlbOutcome.MISS and op.kind is not OpKind.WRITE
        lead = t("q.explain.tlb." + r.tlb.value + ("_read" if read else ""), lang, gva=(op.gva or 0) & ~0xFFF)
    elif q.kind == "exit":
        if q.answer == NO_EXIT:
            lead = t("q.explain.exit.none", lang)
        else:
            reasons = [e.reason for e in r.events if e.__class__ is VmExit]
            counted = ", ".join(f"{reasons.count(x)} × {t('q.choice.exit.' + x.value, lang)}"
                                for x in dict.fromkeys(reasons))
            lead = t("q.explain.exit", lang, n=len(reasons), first=choice_label(q, q.answer, lang), all=counted)
    elif q.kind == "walk_refs":
        lead = t("q.explain.walk_refs", lang, n=r.walk_refs)
        if r.vmm_walk_refs:
            lead += " " + t("q.explain.vmm_refs", lang, n=r.vmm_walk_refs)
    elif q.kind == "gpa":
        lead = t("q.explain.gpa", lang, gva=op.gva or 0, gpa=r.gpa, vm=op.vm)
    elif q.kind == "ma":
        lead = t("q.explain.ma." + q.mode.value if q.mode is not Mode.NATIVE else "q.explain.ma.shadow", lang,
                 gva=op.gva or 0, gpa=r.gpa if r.gpa is not None else 0, ma=r.ma, vm=op.vm)
    elif q.kind == "reclaim":
        lead = t("q.explain.reclaim." + q.answer, lang)
    else:
        lead = t("q.explain.fault." + q.answer.replace("+", "_"), lang)
    if q.kind in ("gpa", "ma"):
        return [lead]
    return [lead] + _lines_about(r, q.kind, lang)


@dataclass
class Score:
    """A running score: questions answered right out of those answered (a question left open —
    a lecturer revealing to the room — shows its answer and counts for nothing)."""

    right: int = 0
    asked: int = 0

    def add(self, ok: bool, answered: bool = True) -> None:
        if not answered:
            return
        self.asked += 1
        self.right += int(bool(ok))
