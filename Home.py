"""The app's entry file (``streamlit run Home.py``): the sidebar's pages, named in the session's
language, at their fixed addresses (/, /Step_through, /Compare, /Overcommit, /Costs, …). The pages are the files
in pages/; each sets itself up, so each also runs on its own."""
from __future__ import annotations

from visualizer.app import ui

# the language decides the page names; the page itself reports a bad ?lang= value
lang = ui.language([])
ui.page_config(lang, "nav.home", entry=True)
ui.navigation(lang).run()
