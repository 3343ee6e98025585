"""Exercises as text: a printable HTML sheet (A4, the answer key on a page of its own) and plain text.

Pure functions of a list of :class:`~visualizer.learn.exercises.Exercise`; every text is escaped.
"""
from __future__ import annotations

from html import escape

from ..text.i18n import t
from . import exercises as X

_CSS = """
@page { size: A4; margin: 16mm 15mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; color: #111; margin: 0; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; }
h2 { font-size: 13pt; margin: 0 0 2mm 0; }
.meta { color: #333; font-size: 9.5pt; margin-bottom: 5mm; }
.ex { break-inside: avoid; page-break-inside: avoid; margin: 0 0 6mm 0; padding-top: 2mm; border-top: 1px solid #999; }
.kind { font-size: 9.5pt; color: #333; text-transform: uppercase; letter-spacing: 0.04em; }
pre { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-size: 9pt; line-height: 1.3;
      background: #f4f4f4; padding: 2mm 3mm; white-space: pre-wrap; margin: 2mm 0; }
.fields { margin: 2mm 0 0 0; padding: 0; list-style: none; }
.fields li { margin: 1.5mm 0; }
.blank { display: inline-block; min-width: 55mm; border-bottom: 1px solid #111; height: 1.1em; }
.choices { font-size: 10pt; }
.key { page-break-before: always; break-before: page; }
.answer { font-weight: bold; }
.why { font-size: 10pt; }
"""


def html_sheet(exs: list, seed: int, lang: str = "en", command: str = "") -> str:
    """A self-contained HTML page: the questions, then (on a new page) the answer key."""
    e = escape
    parts = [f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
             f"<title>{e(t('ex.sheet.title', lang, seed=seed))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
             f"<h1>{e(t('ex.sheet.title', lang, seed=seed))}</h1>\n",
             f'<p class="meta">{e(t("ex.sheet.meta", lang, n=len(exs), seed=seed))} {e(t("ex.sheet.steps", lang))}'
             + (f"<br><code>{e(command)}</code>" if command else "") + "</p>\n"]
    for n, ex in enumerate(exs, 1):
        parts.append(f'<section class="ex" id="q{n}">\n<div class="kind">{e(t("ex.sheet.number", lang, n=n))} · '
                     f"{e(X.kind_title(ex.kind, lang))}</div>\n<p>{e(X.question(ex, lang))}</p>\n"
                     f"<pre>{e(chr(10).join(X.given(ex, lang)))}</pre>\n<ul class=\"fields\">\n")
        for f in ex.fields:
            choices = ""
            if f.choices:
                box = "☐ " if f.kind == "set" else "○ "
                choices = '<br><span class="choices">' + " &nbsp; ".join(
                    e(box + X.choice_label(f, c, lang)) for c in f.choices) + "</span>"
                parts.append(f"<li>{e(X.field_label(f, lang))}:{choices}</li>\n")
            else:
                parts.append(f'<li>{e(X.field_label(f, lang))}: <span class="blank"></span></li>\n')
        parts.append("</ul>\n</section>\n")
    parts.append(f'<section class="key">\n<h2>{e(t("ex.sheet.key", lang, seed=seed))}</h2>\n')
    for n, ex in enumerate(exs, 1):
        answers = "; ".join(f"{X.field_label(f, lang)}: {X.answer_text(ex, f, lang)}" for f in ex.fields)
        parts.append(f'<div class="ex"><div class="kind">{e(t("ex.sheet.number", lang, n=n))} · '
                     f'{e(X.kind_title(ex.kind, lang))}</div>\n<p class="answer">{e(answers)}</p>\n'
                     f'<p class="why">{e(X.explanation(ex, lang))}</p></div>\n')
    parts.append("</section>\n</body>\n</html>\n")
    return "".join(parts)


def text_sheet(exs: list, seed: int, lang: str = "en") -> str:
    """The questions, then the answers with their explanations, as plain text."""
    out = [t("ex.sheet.title", lang, seed=seed), t("ex.sheet.steps", lang), ""]
    for n, ex in enumerate(exs, 1):
        out += [f"{t('ex.sheet.number', lang, n=n)} · {X.kind_title(ex.kind, lang)}", X.question(ex, lang), ""]
        out += ["    " + line if line else "" for line in X.given(ex, lang)]
        for f in ex.fields:
            choices = f" ({' / '.join(X.choice_label(f, c, lang) for c in f.choices)})" if f.choices else ""
            out.append(f"  - {X.field_label(f, lang)}{choices}: ____")
        out.append("")
    out += [t("ex.sheet.key", lang, seed=seed), ""]
    for n, ex in enumerate(exs, 1):
        answers = "; ".join(f"{X.field_label(f, lang)}: {X.answer_text(ex, f, lang)}" for f in ex.fields)
        out += [f"{t('ex.sheet.number', lang, n=n)}. {answers}", "   " + X.explanation(ex, lang), ""]
    return "\n".join(out)
