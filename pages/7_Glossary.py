"""Glossary: every concept behind the narration — why it happens, the source, a step that shows it."""
from __future__ import annotations

import streamlit as st

from visualizer.app import ui
from visualizer.text import concepts as C
from visualizer.text.i18n import t
from visualizer.text.narrate import esc
from visualizer.text.plain import plain

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.glossary")
ui.language_switch(lang)

link = ui.incoming(("concept",))
if "concept" in link:
    wanted = C.get(link["concept"])
    if wanted is None:
        messages.append(t("glossary.bad_concept", lang, value=plain(link["concept"], 80)))
    S["glossary_concept"] = wanted.id if wanted is not None else None
focus = S.get("glossary_concept")
ui.write_params(lang=lang, concept=focus)

st.title(t("nav.glossary", lang))
ui.show(messages)
st.caption(t("glossary.intro", lang))
query = st.text_input(t("glossary.filter", lang), key=f"glossary_filter.{lang}", max_chars=100,
                      help=t("glossary.filter_help", lang), icon=":material/search:")
shown = C.search(query, lang)
if focus in shown:  # the concept a link asked for comes first, opened
    shown.remove(focus)
    shown.insert(0, focus)
if shown:
    st.caption(t("glossary.count", lang, n=len(shown), total=len(C.CONCEPTS)))
else:
    st.info(t("glossary.none", lang, query=plain(query, 100)))

for cid in shown:
    concept = C.get(cid)
    ex = concept.example
    with st.expander(C.title(cid, lang), expanded=cid == focus):
        ui.html(f'<div class="glossary-entry" data-concept="{cid}" id="concept-{cid}">{esc(C.why(cid, lang))}</div>')
        note = C.model_note(cid, lang)
        if note:
            st.caption(f"{t('glossary.model', lang)}: {note}")
        st.caption(f"{t('glossary.source', lang)}: {C.source(cid, lang)}")
        label = t("glossary.see_it", lang, scenario=ex.scenario, mode=t("mode.short." + ex.mode.value, lang),
                  step=ex.step)
        ui.html(f'<a class="glossary-example" data-concept="{cid}" href="{esc(C.step_link(ex, lang))}" '
                f'target="_blank" rel="noopener">▶ {esc(label)}</a>')
