"""ESXi memory-virtualization visualizer: engine (``visualizer.engine``), renderers
(``visualizer.render``) and the Streamlit pages (``Home.py`` and ``pages/``)."""
__version__ = "0.1.0"
