"""Lessons: a learning-mode page (being built)."""
from __future__ import annotations

import streamlit as st

from visualizer.app import ui
from visualizer.render.i18n import t

messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.lessons", ":material/school:")
ui.language_switch(lang)
ui.write_params(lang=lang)
st.title(t("nav.lessons", lang))
ui.show(messages)
