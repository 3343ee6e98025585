"""About the model: what the engine does as hardware does, and where it simplifies (EN/DE)."""
from __future__ import annotations

import streamlit as st

from visualizer.app import ui
from visualizer.text.i18n import UNTRANSLATED_STREAMLIT_TEXTS, t

messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.about")
ui.language_switch(lang)
ui.write_params(lang=lang)

st.title(t("model.title", lang))
ui.show(messages)
st.markdown(t("model.intro", lang))
st.subheader(t("model.exact", lang))
st.markdown(t("model.exact_list", lang))
st.subheader(t("model.simplified", lang))
st.markdown(t("model.simplified_list", lang))
st.subheader(t("model.streamlit", lang))
st.markdown(t("about.untranslated", lang))
st.markdown("\n".join(f"- {en if lang != 'de' else de}" for en, de in UNTRANSLATED_STREAMLIT_TEXTS))
