"""Learning mode's markup: a question's marked answer with its explanation (the step page's
predict mode and the Lessons page show the same)."""
from __future__ import annotations

from typing import Any

from . import questions as Q

from ..text.i18n import t
from ..text.narrate import esc, html_list


def result_html(q: Q.Question, given: Any, ok: bool, lang: str, compact: bool = False) -> str:
    """One answered question: the prompt, right or wrong (with the right answer), and the
    explanation from the step's record, as a list whose narration lines carry their "why?".
    ``compact`` (lecture mode, where the narration shows under it): without the explanation."""
    if given is None:  # left open: the answer, neither right nor wrong (and not scored)
        cls, colour, verdict = "open", "#102027", t("learn.open", lang, answer=Q.answer_label(q, lang))
    elif ok:
        cls, colour, verdict = "right", "#1b5e20", t("learn.right", lang, answer=Q.answer_label(q, lang))
    else:
        shown = Q.choice_label(q, given, lang) if q.choices else str(given)
        cls, colour, verdict = "wrong", "#b71c1c", t("learn.wrong", lang, given=shown, answer=Q.answer_label(q, lang))
    return (f'<div class="q-result {cls}" data-kind="{q.kind}" style="margin:0.2rem 0">'
            f'<div style="font-size:0.85rem;color:#546e7a">{esc(Q.prompt(q, lang))}</div>'
            f'<b style="color:{colour}">{esc(verdict)}</b>'
            f'{"" if compact else html_list(Q.explanation_lines(q, lang))}</div>')
