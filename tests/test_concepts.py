"""Concepts: every one explained in EN and DE with a source, every example step shows its concept
(run the engine to it), concepts come from the records' types and enums, and each narration line
carries the concepts of the events it tells; the HTML narration adds a "why?" without changing
the plain text."""
from __future__ import annotations

import re

import pytest

from visualizer.engine import Mode, builtin, builtin_names
from visualizer.engine.events import ExitReason, PmapReason, VmExit
from visualizer.text import concepts as C
from visualizer.text.i18n import CATALOGUE
from visualizer.text.narrate import Line, html_list, narrate, narrate_linked


def records(name: str, mode: Mode, upto: int):
    s = builtin(name)
    m = s.machine(mode)
    return [m.execute(s.trace[i], i) for i in range(upto)]


@pytest.mark.parametrize("concept", C.CONCEPTS, ids=lambda c: c.id)
def test_the_example_step_shows_the_concept(concept):
    ex = concept.example
    assert ex.scenario in builtin_names() and ex.mode in (Mode.SHADOW, Mode.NESTED)
    assert 1 <= ex.step <= len(builtin(ex.scenario).trace)
    rec = records(ex.scenario, ex.mode, ex.step)[-1]  # link step N shows operation N - 1
    assert rec.index == ex.step - 1
    assert concept.id in C.concepts_of(rec)
    # and a line of that step's narration offers its "why?"
    assert any(concept.id in line.concepts for line in narrate_linked(rec, "en"))


@pytest.mark.parametrize("cid", C.IDS)
def test_every_concept_is_explained_in_both_languages_with_a_source(cid):
    for key in (f"concept.{cid}.title", f"concept.{cid}.why"):
        en, de = CATALOGUE[key]
        assert en.strip() and de.strip() and en != de
    en, de = CATALOGUE[f"concept.{cid}.why"]
    assert 3 <= len(re.findall(r"[.!?](\s|$)", en)) <= 7, "a short explanation: 3 to 6 sentences"
    assert not re.search(r"[*`$\[\]]|:\w+:", en + de), "no Markdown markup in an explanation"
    src = C.source(cid, "en")
    assert "{" not in src + C.source(cid, "de") and "older editions" not in C.source(cid, "de")
    assert any(s in src for s in ("Intel SDM", "KVM", "vSphere", "Waldspurger", "Bhargava")), src
    assert C.title(cid, "de") == CATALOGUE[f"concept.{cid}.title"][1] and C.why(cid, "en") == en


def test_ids_are_unique_and_lookups_forgive_case_and_spaces():
    assert len(set(C.IDS)) == len(C.IDS) >= 15
    assert C.get(" INVEPT ").id == "invept"
    assert C.get("no-such") is None and C.get(None) is None and C.get(3) is None
    assert set(k.split(".")[1] for k in CATALOGUE if k.startswith("concept.") and k.count(".") == 2
               and k.split(".")[1] not in ("why_label", "why_hint", "source", "in_glossary", "model_label")) == set(C.IDS)


def test_concepts_follow_the_events_not_the_text():
    # shadow: a hidden fault and its fill; nested: the 2D walk and an EPT violation, no shadow concepts
    shadow = records("esxi-figure", Mode.SHADOW, 9)[-1]
    assert {"hidden-fault", "shadow-fill", "shadow-walk", "tlb"} <= set(C.concepts_of(shadow))
    nested = records("esxi-figure", Mode.NESTED, 12)
    got = C.concepts_of(nested[-1])
    assert {"2d-walk", "ept-violation", "swapping"} <= set(got)
    assert not {"hidden-fault", "shadow-fill", "shadow-walk", "wp-guest-pt"} & set(got)
    # each concept's presence agrees with the records themselves
    for rec in nested:
        exits = {e.reason for e in rec.events if isinstance(e, VmExit)}
        assert ("ept-violation" in C.concepts_of(rec)) == (ExitReason.EPT_VIOLATION in exits)
        pmap = {e.reason for e in rec.events if e.__class__.__name__ == "PmapChange"}
        assert ("cow-sharing" in C.concepts_of(rec)) == bool(pmap & {PmapReason.SHARE, PmapReason.COW_BREAK,
                                                                      PmapReason.UNSHARE})
    # CR3 loads exit in shadow mode only; both modes show the guest's CR3 load
    sh = records("context-switch", Mode.SHADOW, 3)[-1]
    ne = records("context-switch", Mode.NESTED, 3)[-1]
    assert "shadow-root-cache" in C.concepts_of(sh) and "shadow-root-cache" not in C.concepts_of(ne)
    assert C.concepts_of(None) == []
    # the same concepts in both languages: derived from records, not from phrases
    for rec in nested:
        assert [x.concepts for x in narrate_linked(rec, "en")] == [x.concepts for x in narrate_linked(rec, "de")]


def test_each_line_speaks_of_its_own_concept():
    rec = records("esxi-figure", Mode.SHADOW, 9)[-1]
    lines = narrate_linked(rec, "en")
    by_text = {line.text: line.concepts for line in lines}
    assert by_text["hidden page fault: exit to the VMM (the guest never sees it)"] == ("hidden-fault",)
    assert next(c for x, c in by_text.items() if x.startswith("the VMM fills the shadow entry")) == ("shadow-fill",)
    assert next(c for x, c in by_text.items() if x.startswith("the read returns")) == ()
    guest = narrate_linked(records("esxi-figure", Mode.NESTED, 1)[-1], "en")
    work = {x.text.split(" ")[1]: x.concepts for x in guest if x.text.startswith(("the guest", "its "))}
    assert work["guest"] == ("guest-fault",)  # the handler's work
    assert work["4"] == ("ept-violation", "pmap")  # its first touches exit and get backed
    caches = narrate_linked(records("mmu-caches", Mode.NESTED, 13)[-1], "en")
    assert [x.concepts for x in caches if " hit" in x.text and "saved" in x.text] == [("mmu-caches",)] * 2
    assert all(len(x.concepts) <= 2 for x in caches)


def test_lines_still_unpack_as_pairs_and_the_plain_narration_is_unchanged():
    rec = records("page-table-update", Mode.SHADOW, 4)[-1]
    lines = narrate_linked(rec, "de")
    assert [text for text, _ids in lines] == narrate(rec, "de")
    assert all(isinstance(x, Line) and len(x) == 2 and x.lang == "de" for x in lines)


def test_the_html_narration_offers_why_with_source_and_glossary_link():
    rec = records("page-table-update", Mode.SHADOW, 4)[-1]
    for lang, label in (("en", "why?"), ("de", "warum?")):
        html = html_list(narrate_linked(rec, lang))
        assert html.count("<li") == len(narrate(rec, lang))
        assert html.count(f">{label}</summary>") == sum(1 for x in narrate_linked(rec, lang) if x.concepts)
        assert f'href="/Glossary?concept=wp-guest-pt&lang={lang}" target="_blank"' in html.replace("&amp;", "&")
        assert C.source("wp-guest-pt", lang) in html.replace("&amp;", "&")
        assert C.why("wp-guest-pt", lang).split(";")[0].replace("&", "&amp;") in html
    # plain strings (the boot line) get no "why?"
    assert "<details" not in html_list(["booted"])


def test_search_finds_words_in_the_language_shown():
    assert C.search("", "en") == list(C.IDS)
    assert "cr3-exit" in C.search("cr3", "en") and len(C.search("cr3", "en")) < len(C.IDS)
    assert C.search("Seitenfehler versteckter", "de")[0] == "hidden-fault"
    assert C.search("zzzz-nothing", "de") == []


def test_links():
    ex = C.get("2d-walk").example
    assert C.step_link(ex, "de") == f"/Step_through?scenario={ex.scenario}&mode=nested&step={ex.step}&lang=de"
    assert C.glossary_link("2d-walk", "en") == "/Glossary?concept=2d-walk&lang=en"
