"""Learning mode: what the tool asks and explains, built from the engine's own records.

Pure Python like the engine (no streamlit or graphviz import): pages and the CLI call in.

- :mod:`.concepts` — the concepts behind the events (the "why"), with sources, and which
  concepts a step shows; the glossary page lists them.
- :mod:`.questions` — predict-then-reveal questions about the next step, asked from what the
  engine is about to record.
- :mod:`.lessons` — guided lessons: TOML files in ``visualizer/lessons/`` (a built-in scenario
  plus per-step commentary and questions), loaded and checked like scenarios.
- :mod:`.exercises` — seeded, checked exercises (the Practice page and ``python -m visualizer
  exercises``), each answer the engine's record.
"""
