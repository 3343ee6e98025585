"""The concepts behind the events — the "why" of each narration line — with their sources.

Pure Python (no streamlit, no graphviz). Each :class:`Concept` has an id, a citation of the
source it rests on (DOMAIN.md's sources: the Intel SDM, the KVM documentation, the vSphere
text, the papers it names) and an :class:`Example`: a built-in scenario, a mode and a link step
where the engine's record shows it. Titles and explanations live in the string catalogue
(:mod:`visualizer.text.i18n.learn_concepts`): ``concept.<id>.title``, ``concept.<id>.why``
and, where the engine simplifies, ``concept.<id>.model``.

The API other modules use (kept small):

- ``CONCEPTS`` — every concept, in teaching order; ``IDS`` their ids; ``get(cid)`` → the
  :class:`Concept` or None.
- ``title(cid, lang)``, ``why(cid, lang)``, ``source(cid, lang)``, ``model_note(cid, lang)`` (None where the model
  adds nothing) — the texts.
- ``concepts_of(step)`` → the ids of the concepts a step's record shows, in order of first
  occurrence (``[]`` for no step); ``concepts_of_events(events)`` the same for any run of
  events; ``concepts_of_event(ev)`` for one record. All derived from the records' types and
  enums, never from narration text.
- ``search(query, lang)`` → the ids whose texts contain every word of ``query``.
- ``step_link(example, lang)`` / ``glossary_link(cid, lang)`` — the app's relative addresses.

A link step N shows the state after N operations: the record of operation N − 1 (the CSV's
``step`` column) is the step that shows the concept.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional
from urllib.parse import urlencode

from ..engine.events import (ExitReason, FlushReason, GuestActionKind, Note, PmapReason, Refusal, ShadowZapReason,
                             Stage, Walker)
from ..engine.ops import Mode
from .i18n import CATALOGUE, t

TLB = "tlb"
GUEST_FAULT = "guest-fault"
PMAP = "pmap"
SHADOW_WALK = "shadow-walk"
HIDDEN_FAULT = "hidden-fault"
SHADOW_FILL = "shadow-fill"
WP_GUEST_PT = "wp-guest-pt"
CR3_EXIT = "cr3-exit"
SHADOW_ROOT_CACHE = "shadow-root-cache"
INVLPG_EXIT = "invlpg-exit"
WALK_2D = "2d-walk"
EPT_VIOLATION = "ept-violation"
INVEPT = "invept"
VPID_PCID = "vpid-pcid"
MMU_CACHES = "mmu-caches"
COW_SHARING = "cow-sharing"
SWAPPING = "swapping"


@dataclass(frozen=True, slots=True)
class Example:
    """Where a concept happens: a built-in scenario in a mode, at a link step."""

    scenario: str
    """A built-in scenario's name."""
    mode: Mode
    step: int
    """The link's step (1 = after the first operation): the record of operation ``step - 1`` shows it."""


@dataclass(frozen=True, slots=True)
class Concept:
    """One idea the narration speaks of."""

    id: str
    """Stable id, used in links (``/Glossary?concept=ID``) and catalogue keys (``concept.ID.*``)."""
    source: str
    """The citation it rests on (documents' own titles, not translated); ``{older}`` stands for
    the catalogue's "in older editions": show it with :func:`source`."""
    example: Example


_SDM_3A_CACHE = "Intel SDM Vol. 3A §4.10, “Caching Translation Information”"
_SDM_3A_INV = "Intel SDM Vol. 3A §4.10.4.1"
_SDM_3C_EXITS = "Intel SDM Vol. 3C §29.3.3 (§28.2.3 {older}), “EPT-Induced VM Exits”"
_SDM_3C_EPT = "Intel SDM Vol. 3C §29.3.2 (§28.2.2 {older}), “EPT Translation Mechanism”"
_SDM_3C_INV = ("Intel SDM Vol. 3C §29.4.3 (§28.3.3 {older}), “Invalidating Cached Translation "
               "Information”")
_SDM_3C_VPID = "Intel SDM Vol. 3C §29.4.3.1 (§28.3.3.1 {older})"
_KVM = "KVM Documentation/virt/kvm/x86/mmu.rst"
_VSPHERE = "vSphere Resource Management, “Memory Virtualization”"
_OSDI02 = "Waldspurger, “Memory Resource Management in VMware ESX Server”, OSDI 2002"
_ASPLOS08 = "Bhargava et al., “Accelerating Two-Dimensional Page Walks for Virtualized Systems”, ASPLOS 2008"

CONCEPTS: tuple[Concept, ...] = (
    Concept(TLB, f"{_SDM_3A_CACHE}; {_VSPHERE}", Example("esxi-figure", Mode.SHADOW, 6)),
    Concept(GUEST_FAULT, f"{_KVM}; {_SDM_3C_EXITS}", Example("esxi-figure", Mode.SHADOW, 1)),
    Concept(PMAP, f"{_VSPHERE}; {_OSDI02}; {_KVM} (reverse map)", Example("esxi-figure", Mode.NESTED, 1)),
    Concept(SHADOW_WALK, f"{_VSPHERE}; {_KVM}", Example("esxi-figure", Mode.SHADOW, 9)),
    Concept(HIDDEN_FAULT, f"{_KVM}; {_VSPHERE}", Example("esxi-figure", Mode.SHADOW, 9)),
    Concept(SHADOW_FILL, f"{_KVM} (protect_clean_gpte)", Example("esxi-figure", Mode.SHADOW, 9)),
    Concept(WP_GUEST_PT, _KVM, Example("page-table-update", Mode.SHADOW, 4)),
    Concept(CR3_EXIT, f"{_VSPHERE}; {_KVM}", Example("context-switch", Mode.SHADOW, 2)),
    Concept(SHADOW_ROOT_CACHE, _KVM, Example("context-switch", Mode.SHADOW, 3)),
    Concept(INVLPG_EXIT, f"{_SDM_3A_INV}; {_KVM}", Example("no-vpid", Mode.SHADOW, 5)),
    Concept(WALK_2D, f"{_SDM_3C_EPT}; {_ASPLOS08}", Example("esxi-figure", Mode.NESTED, 9)),
    Concept(EPT_VIOLATION, _SDM_3C_EXITS, Example("esxi-figure", Mode.NESTED, 12)),
    Concept(INVEPT, f"{_SDM_3C_INV}; Linux KVM ept_sync_global", Example("esxi-figure", Mode.NESTED, 8)),
    Concept(VPID_PCID, f"{_SDM_3C_VPID}; {_SDM_3A_INV}", Example("no-vpid", Mode.SHADOW, 5)),
    Concept(MMU_CACHES, f"Intel SDM Vol. 3A §4.10.3, “Paging-Structure Caches”; {_ASPLOS08}",
            Example("mmu-caches", Mode.NESTED, 13)),
    Concept(COW_SHARING, f"{_OSDI02}; {_VSPHERE}", Example("esxi-figure", Mode.NESTED, 13)),
    Concept(SWAPPING, f"{_VSPHERE}; {_OSDI02}", Example("esxi-figure", Mode.SHADOW, 12)),
)
"""Every concept, in teaching order."""

IDS: tuple[str, ...] = tuple(c.id for c in CONCEPTS)
_BY_ID = {c.id: c for c in CONCEPTS}


def get(cid: object) -> Optional[Concept]:
    """The concept with id ``cid`` (any value; surrounding spaces and case ignored), or None."""
    if not isinstance(cid, str):
        return None
    return _BY_ID.get(cid.strip().lower())


def title(cid: str, lang: str = "en") -> str:
    return t(f"concept.{cid}.title", lang)


def why(cid: str, lang: str = "en") -> str:
    return t(f"concept.{cid}.why", lang)


def source(cid: str, lang: str = "en") -> str:
    """The citation of concept ``cid`` in ``lang``."""
    return _BY_ID[cid].source.format(older=t("concept.older_editions", lang))


def model_note(cid: str, lang: str = "en") -> Optional[str]:
    """Where the engine simplifies the concept, what it does instead (None: nothing to add)."""
    key = f"concept.{cid}.model"
    return t(key, lang) if key in CATALOGUE else None


# -- which concepts a record shows ------------------------------------------------------------------
_EXIT = {ExitReason.HIDDEN_FAULT: HIDDEN_FAULT, ExitReason.GUEST_FAULT: GUEST_FAULT,
         ExitReason.PT_WRITE: WP_GUEST_PT, ExitReason.CR3_LOAD: CR3_EXIT, ExitReason.INVLPG: INVLPG_EXIT,
         ExitReason.EPT_VIOLATION: EPT_VIOLATION}
_FLUSH = {FlushReason.VM_SWITCH_NO_VPID: VPID_PCID, FlushReason.VM_EXIT_NO_VPID: VPID_PCID,
          FlushReason.VMM_RUN_NO_VPID: VPID_PCID, FlushReason.CR3_NO_PCID: VPID_PCID,
          FlushReason.ADDRESS_SPACE_FLUSH: VPID_PCID, FlushReason.INVLPG: INVLPG_EXIT,
          FlushReason.SHADOW_ENTRY_DROPPED: WP_GUEST_PT, FlushReason.SHADOW_ROOT_EVICTED: SHADOW_ROOT_CACHE,
          FlushReason.PMAP_CHANGE: PMAP, FlushReason.INVEPT: INVEPT, FlushReason.PAGE_FAULT: MMU_CACHES,
          FlushReason.EPT_VIOLATION: MMU_CACHES}
_PMAP = {PmapReason.BACK: PMAP, PmapReason.SHARE: COW_SHARING, PmapReason.COW_BREAK: COW_SHARING,
         PmapReason.UNSHARE: COW_SHARING, PmapReason.SWAP_OUT: SWAPPING, PmapReason.SWAP_IN: SWAPPING}
_ZAP = {ShadowZapReason.GUEST_PTE_WRITE: WP_GUEST_PT, ShadowZapReason.PMAP_CHANGE: PMAP,
        ShadowZapReason.INVLPG: INVLPG_EXIT}
_GUEST = {GuestActionKind.ALLOC_TABLE: GUEST_FAULT, GuestActionKind.ALLOC_FRAME: GUEST_FAULT,
          GuestActionKind.ZERO_FRAME: GUEST_FAULT, GuestActionKind.WRITE_PTE: GUEST_FAULT,
          GuestActionKind.SEGV: GUEST_FAULT, GuestActionKind.OUT_OF_MEMORY: GUEST_FAULT,
          GuestActionKind.CR3_LOAD: CR3_EXIT, GuestActionKind.INVLPG: INVLPG_EXIT,
          GuestActionKind.FLUSH_TLB_MM: VPID_PCID}
_SHARING_REFUSALS = {Refusal.SHARE_NOT_MAPPED, Refusal.SHARE_STATE, Refusal.SHARE_PAGE_TABLE,
                     Refusal.ALREADY_SHARED, Refusal.CONTENTS_DIFFER}
_SWAP_REFUSALS = {Refusal.SWAP_NOT_MAPPED, Refusal.SWAP_STATE}


def concepts_of_event(ev) -> tuple[str, ...]:
    """The concepts one event record shows (usually one; ``()`` for records that need no
    explanation of their own: data accesses, A/D updates, EPT writes told with their cause)."""
    name = ev.__class__.__name__
    if name in ("TlbLookup", "TlbFill"):
        return (TLB,)
    if name == "WalkRef":
        if ev.walker is Walker.VMM:
            return (HIDDEN_FAULT,)  # the VMM's software walk of the guest tables after a shadow miss
        if ev.stage is Stage.NESTED:
            return (WALK_2D,)
        if ev.stage is Stage.SHADOW:
            return (SHADOW_WALK,)
        return ()  # a guest-table reference: part of a 2D walk (told by its nested ones) or native
    if name == "WalkCacheHit":
        return (MMU_CACHES,)
    if name == "VmExit":
        return (_EXIT[ev.reason],)
    if name == "GuestPageFault":
        return (GUEST_FAULT,)
    if name == "GuestAction":
        c = _GUEST.get(ev.kind)
        return (c,) if c else ()
    if name == "ShadowFill":
        return (SHADOW_FILL,)
    if name == "ShadowInvalidate":
        return (_ZAP[ev.reason],)
    if name == "ShadowRoot":
        return (SHADOW_ROOT_CACHE,)
    if name == "PmapChange":
        return (_PMAP[ev.reason],)
    if name == "TlbFlush":
        return (_FLUSH[ev.reason],)
    if name == "VmSwitch":
        return (VPID_PCID,)
    if isinstance(ev, Note):
        if ev.refusal in _SHARING_REFUSALS:
            return (COW_SHARING,)
        if ev.refusal in _SWAP_REFUSALS:
            return (SWAPPING,)
    return ()


def concepts_of_events(events: Iterable) -> list[str]:
    """The concepts a run of events shows, each once, in order of first occurrence."""
    out: list[str] = []
    for ev in events:
        for c in concepts_of_event(ev):
            if c not in out:
                out.append(c)
    return out


def concepts_of(step) -> list[str]:
    """The concepts a step's record (:class:`~visualizer.engine.counters.Step`) shows, each
    once, in order of first occurrence; ``[]`` for no step (the boot state)."""
    if step is None:
        return []
    return concepts_of_events(step.events)


def search(query: object, lang: str = "en") -> list[str]:
    """The ids of the concepts whose id, title, explanation or model note in ``lang`` contain
    every word of ``query`` (case ignored), in teaching order; all of them for an empty query."""
    words = str(query or "").casefold().split()
    out = []
    for c in CONCEPTS:
        hay = " ".join((c.id, title(c.id, lang), why(c.id, lang), model_note(c.id, lang) or "")).casefold()
        if all(w in hay for w in words):
            out.append(c.id)
    return out


# -- links ---------------------------------------------------------------------------------------
def step_link(example: Example, lang: str = "en") -> str:
    """The step page's relative address showing ``example``."""
    return "/Step_through?" + urlencode({"scenario": example.scenario, "mode": example.mode.value,
                                        "step": example.step, "lang": lang})


def glossary_link(cid: str, lang: str = "en") -> str:
    """The glossary's relative address, opened at concept ``cid``."""
    return "/Glossary?" + urlencode({"concept": cid, "lang": lang})


__all__ = ["CONCEPTS", "Concept", "Example", "IDS", "concepts_of", "concepts_of_event", "concepts_of_events", "get",
           "glossary_link", "model_note", "search", "source", "step_link", "title", "why"]
