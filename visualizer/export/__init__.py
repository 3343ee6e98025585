"""Exported files: a run or a lesson as one self-contained HTML file, and its handout as PDF.

Pure functions of a scenario (or lesson) and the viewer's choices to an HTML string, so that
the command line (``python -m visualizer export``), the app's download buttons and the tests
make the same file:

- :func:`presentation_html` — a run, stepped with the lecture mode's keys (:mod:`.steps`);
- :func:`lesson_html` — a guided lesson with its questions answered and scored in the file
  (:mod:`.lesson`);
- :func:`to_pdf` — any of them (or the exercise sheet) printed to PDF by headless Chromium
  (:mod:`.pdf`).

The diagrams are the app's own: the placed figure and its SVG come from
:mod:`visualizer.render.figure` and :mod:`visualizer.render.svg`, the narration from
:mod:`visualizer.text.narrate`'s public functions — nothing is drawn a second way.
"""
from __future__ import annotations

import importlib

_WHERE = {"lesson_html": ".lesson", "PdfError": ".pdf", "chromium": ".pdf", "to_pdf": ".pdf",
          "HANDOUTS": ".limits", "MAX_STEPS": ".limits",
          **{name: ".steps" for name in ("ExportError", "Run", "collect", "modes_of",
                                          "parse_range", "presentation", "presentation_html", "window")}}
"""Where each name lives. They are imported when first used: the lesson's tables need pandas
(0.4 s to import), which the command line's other commands — ``run --trace`` among them — do
not, yet they build the ``export`` command's help."""


def __getattr__(name: str):
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


__all__ = ["HANDOUTS", "MAX_STEPS", "ExportError", "PdfError", "Run", "chromium", "collect", "lesson_html",
           "modes_of", "parse_range", "presentation", "presentation_html", "to_pdf", "window"]
