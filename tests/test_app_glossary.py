"""The Glossary page (AppTest): every concept with its explanation, source and a deep link to a
step that shows it; ?concept= opens that entry first; a bad or hostile id gets a message and the
page still shows; the filter box narrows the list."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from visualizer.text import concepts as C

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "7_Glossary.py")


def run(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_concept_with_why_source_and_a_step_link():
    at = run(lang="en")
    assert [e.label for e in at.expander] == [C.title(c, "en") for c in C.IDS]
    assert not any(e.proto.expanded for e in at.expander)
    md = markdown(at)
    captions = "\n".join(c.value for c in at.caption)
    for c in C.CONCEPTS:
        assert C.why(c.id, "en").split(" ")[2] in md
        assert C.step_link(c.example, "en").replace("&", "&amp;") in md
        assert C.source(c.id, "en") in captions
    assert "See it happen: esxi-figure, nested mode, step 9" in md
    assert at.query_params["lang"] == "en" and "concept" not in at.query_params


def test_a_concept_link_opens_that_entry_first_in_german():
    at = run(concept="invept", lang="de")
    first = at.expander[0]
    assert first.label == C.title("invept", "de") and first.proto.expanded
    assert sum(e.proto.expanded for e in at.expander) == 1 and len(at.expander) == len(C.IDS)
    assert "So sieht es aus: esxi-figure, Modus verschachtelt, Schritt 8" in markdown(at)
    assert at.query_params["concept"] == "invept"


def test_a_bad_concept_gets_a_message_and_the_page_still_shows():
    at = run(concept="<img src=x onerror=alert(1)>", lang="en")
    warning = at.warning[0].value
    assert "does not have" in warning and "<img" not in warning and "&lt;img" in warning
    assert len(at.expander) == len(C.IDS) and not any(e.proto.expanded for e in at.expander)
    assert "concept" not in at.query_params  # the address bar no longer claims it


def test_the_filter_narrows_the_list_and_says_when_nothing_matches():
    at = run(lang="en")
    at.text_input[0].input("CR3").run()
    labels = [e.label for e in at.expander]
    assert C.title("cr3-exit", "en") in labels and len(labels) < len(C.IDS)
    assert labels == [C.title(c, "en") for c in C.search("CR3", "en")]
    assert f"{len(labels)} of {len(C.IDS)} concepts" in [c.value for c in at.caption]
    at.text_input[0].input("**bold** [x](y)").run()
    assert len(at.expander) == 0 and "\\*\\*bold" in at.info[0].value
