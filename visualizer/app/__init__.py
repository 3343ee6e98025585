"""The app layer: session state and Streamlit helpers shared by the pages.

``visualizer.app.session`` is plain Python (a viewer's :class:`~visualizer.app.session.Session`
and the checkpointed :class:`~visualizer.app.session.Timeline`); ``visualizer.app.ui`` holds the
Streamlit helpers (language, scenario, deep links, cached resources, page links).

Keys in ``st.session_state`` that every page may read (pages own no other shared keys):

==================  ============================================================================
``lang``            ``"en"`` or ``"de"``: the interface language. Set from the query parameter
                    ``lang`` when a page is opened with one, and by the language switch.
``scenario``        the active :class:`~visualizer.engine.scenario.Scenario` (a built-in or an
                    uploaded file; treat it as read-only).
``scenario_name``   its name; a built-in's name is also what the ``scenario`` query parameter
                    takes.
``scenario_builtin``  True if it is a built-in (then deep links can name it).
``scenario_link``   (scenario, what a link's ``scenario`` parameter says to open it again): a
                    built-in's name, ``exercise:KIND:SEED:N`` for a Practice exercise's, None
                    for an upload. Holds only while that scenario is the active one.
``step_session``    the step page's :class:`~visualizer.app.session.Session` (scenario, mode,
                    step, live machine). Other pages may read its ``mode`` and ``step``.
==================  ============================================================================

Nothing per viewer lives in module globals. ``st.cache_resource`` holds only what is the same
for everyone and never changed after it is built: parsed built-in scenarios and the precomputed
timelines of their traces (sessions clone their checkpoints, never modify them; any other
scenario's timelines live in the session, ``_timelines``, and go with it); a byte-bounded cache
(:mod:`.bytecache`, one per server) holds drawn SVG keyed by the DOT text. What one session may
hold is bounded (``budget.py``);
heavy work runs in the server's executor (``visualizer.executor``) and ends with the session.
"""
