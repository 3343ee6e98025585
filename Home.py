"""The app's entry file (``streamlit run Home.py``): the sidebar's pages, named in the session's
language, at their fixed addresses (/, /Step_through, /Compare, /Overcommit, /Costs, …). The pages are the files
in pages/; each sets itself up, so each also runs on its own."""
from __future__ import annotations

from visualizer.app import a11y, ui

# the language decides the page names; the page itself reports a bad ?lang= value
lang = ui.language([])
ui.page_config(lang, "nav.home", entry=True)
a11y.install(lang)  # keyboard, screen reader and touch access on every page
ui.navigation(lang).run()
