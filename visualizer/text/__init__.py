"""Words: everything that turns the engine's records into text, in English and German.

The layer below both :mod:`visualizer.render` (drawings, tables) and :mod:`visualizer.learn`
(lessons, questions, exercises), so that the two never import each other:

- :mod:`.i18n` — the one catalogue of user-visible strings, ``t(key, lang)``;
- :mod:`.narrate` — a step's record told as phrases, episode by episode, in the order the
  engine made them;
- :mod:`.concepts` — the ideas the narration speaks of (the "why?" of each line), their sources,
  and which records show them;
- :mod:`.plain` — text made safe to show as plain text.

Imports only :mod:`visualizer.engine` (and the standard library).
"""
