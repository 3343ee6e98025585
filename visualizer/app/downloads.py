"""The download buttons of exported files (:mod:`visualizer.export`): the step page's and the
Lessons page's presentation and handout, and Practice's printable sheet. Each file is made only
when its button is pressed (deferred data); a handout or sheet is a PDF where the server has
Chromium, else HTML laid out for printing (the browser's print dialog saves it as PDF)."""
from __future__ import annotations

from typing import Callable

import streamlit as st

from .. import export as E
from ..text.i18n import t


def _safe(make: Callable[[], bytes], lang: str) -> Callable[[], bytes]:
    """``make`` whose failure gives a file that says what went wrong (the page stays as it is)."""
    def data() -> bytes:
        try:
            return make()
        except (E.ExportError, E.PdfError, OSError) as exc:
            return t("exp.failed", lang, error=exc).encode("utf-8")
    return data


def _buttons(make_html: Callable[[bool], str], stem: str, lang: str, help_file: str,
             help_handout: Callable[[bool], str], key: str) -> None:
    """"Download presentation" and "Download handout"; ``make_html(static)`` writes the file
    (``static``: with the handout written out, to print without the file's script)."""
    st.download_button(t("exp.download", lang), _safe(lambda: make_html(False).encode("utf-8"), lang),
                       f"{stem}.html", "text/html", key=f"{key}_present", on_click="ignore",
                       icon=":material/co_present:", help=help_file)
    pdf = E.chromium() is not None
    handout = (lambda: E.to_pdf(make_html(True))) if pdf else (lambda: make_html(True).encode("utf-8"))
    st.download_button(t("exp.download_handout", lang), _safe(handout, lang),
                       f"{stem}-handout.{'pdf' if pdf else 'html'}", "application/pdf" if pdf else "text/html",
                       key=f"{key}_handout", on_click="ignore", icon=":material/print:", help=help_handout(pdf))


def step_page(session, view: str, figure: bool, lang: str) -> None:
    """The step page's buttons: its scenario (with any added accesses), mode or both, language and
    view, every step — or, for a long run, :data:`visualizer.export.MAX_STEPS` from the current one."""
    first, last = E.window(session.step, session.total)
    modes = E.modes_of(view)
    names = ", ".join(t("mode.short." + m.value, lang) for m in modes)
    capped = t("exp.range_capped", lang) if (first, last) != (0, session.total) else ""
    scenario, trace = session.scenario, session.trace
    _buttons(lambda static: E.presentation_html(scenario, modes, lang, figure=figure, trace=trace,
                                                first_last=(first, last), view=view, static=static),
             f"{scenario.name}-{view}-steps{first}-{last}", lang,
             t("exp.download_help", lang, first=first, last=last, modes=names) + capped,
             lambda pdf: t("exp.download_handout_help_" + ("pdf" if pdf else "html"), lang, first=first, last=last),
             "dl_export")


def lesson_page(lesson, lang: str) -> None:
    """The Lessons page's buttons: the lesson in the page's language (the worksheet to print)."""
    html = lambda static: E.lesson_html(lesson, lang)  # noqa: E731 (a lesson file prints as it is)
    _buttons(html, f"lesson-{lesson.name}-{lang}", lang, t("exp.lesson_download_help", lang),
             lambda pdf: t("exp.lesson_handout_help", lang), "dl_lesson")


def sheet(html: Callable[[], str], stem: str, lang: str) -> None:
    """Practice's printable sheet (the same machinery: HTML, and PDF where Chromium is), made only
    when a button is pressed (a set of 200 exercises is seconds of work)."""
    st.download_button(t("exp.sheet_download", lang), _safe(lambda: html().encode("utf-8"), lang), f"{stem}.html",
                       "text/html", key="px_sheet_html", on_click="ignore", icon=":material/print:")
    if E.chromium() is not None:
        st.download_button(t("exp.sheet_download_pdf", lang), _safe(lambda: E.to_pdf(html()), lang), f"{stem}.pdf",
                           "application/pdf", key="px_sheet_pdf", on_click="ignore", icon=":material/picture_as_pdf:")
