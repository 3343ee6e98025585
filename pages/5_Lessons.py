"""Lessons: a built-in scenario step by step, with commentary and questions asked before each
step is revealed (``lesson=NAME&step=N`` in the link; N counts the lesson's steps from 1)."""
from __future__ import annotations

import html
import re

import streamlit as st

from visualizer import executor
from visualizer.app import budget, downloads, ui
from visualizer.app.session import StepError, step_error_text
from visualizer.learn import lessons as L
from visualizer.learn import questions as Q
from visualizer.render import figure as F
from visualizer.text import narrate as N
from visualizer.render import tables as T
from visualizer.learn.html import result_html
from visualizer.text.i18n import number, percent, t
from visualizer.text.plain import plain
from visualizer.render.svg import sized

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.lessons", initial_sidebar_state="collapsed")
ui.language_switch(lang)


@st.cache_resource(show_spinner=False, max_entries=16)
def builtin_lesson(name: str) -> L.Lesson:
    return L.builtin_lesson(name)


NAMES = L.lesson_names()
CUSTOM = "__upload__"
# The diagram's sizes: fitted to its column; readable (the default: fitted, but never so small
# that a page label is under READABLE_PX — then it scrolls sideways, and ui.svg_view keeps the
# current access in view and the row names on screen, as on the step page); or a multiple of its
# print size (the step page's zoom). (Comments, not docstrings: Streamlit would show those.)
ZOOMS = ["fit", "readable", 1.25, 1.5, 2.0]
READABLE_PX = 11.0
FIT_MAX = 1.6  # the most CSS px per point a fitted diagram grows to (sized's limit)


def diagram_body(fig: F.Figure, svg: str, zoom) -> str:
    """The lesson diagram's SVG at ``zoom`` (one of ZOOMS)."""
    if zoom == "fit":
        return sized(svg, None)
    if zoom != "readable":
        return sized(svg, float(zoom))
    fonts = [size for b in fig.boxes if not b.text
             for size, shown in ((b.font, b.top), (b.bottom_font, b.bottom)) if shown]
    px_per_pt = READABLE_PX / min(fonts, default=READABLE_PX)
    if px_per_pt > FIT_MAX:  # fitted, it could never grow that large: draw it at that size
        return sized(svg, px_per_pt * 3 / 4)
    body = sized(svg, None)
    m = re.search(r'data-width="(\d+)"', body)
    width = float(m.group(1)) if m else fig.width + 8
    return f'<div class="readable" style="min-width:{width * px_per_pt:.0f}px">{body}</div>'


def lesson() -> L.Lesson:
    name = S.get("lesson_name")
    if name == CUSTOM and S.get("lesson_upload") is not None:
        return S["lesson_upload"]
    return builtin_lesson(name if name in NAMES else NAMES[0])


def lesson_key() -> str:
    return S["lesson_name"] if S.get("lesson_name") != CUSTOM else CUSTOM + lesson().name


if S.get("lesson_name") not in NAMES and not (S.get("lesson_name") == CUSTOM and S.get("lesson_upload")):
    S["lesson_name"] = NAMES[0]
S.setdefault("lesson_i", 0)
S.setdefault("lesson_answers", {})

# -- deep link: lesson=NAME&step=N&done=ANSWERS ------------------------------------------------------------------------
link = ui.incoming(("lesson", "step", "done"))
if "lesson" in link:
    wanted = link["lesson"].strip()
    if wanted in NAMES:
        if wanted != S["lesson_name"]:
            S["lesson_name"], S["lesson_i"] = wanted, 0
    else:
        link.pop("done", None)  # answers to another lesson than the one shown
        messages.append(t("lesson.err.name", lang, value=plain(link["lesson"]), names=", ".join(NAMES),
                          fallback=plain(lesson().name)))
if "step" in link:
    n = len(lesson().steps)
    got = ui.link_number(link["step"], n)
    if got is None or got < 1:
        messages.append(t("lesson.err.step", lang, value=plain(link["step"]), last=n, fallback=S["lesson_i"] + 1))
    else:
        S["lesson_i"] = got - 1
les = lesson()
i = min(max(0, S["lesson_i"]), len(les.steps) - 1)
S["lesson_i"] = i


# -- callbacks ----------------------------------------------------------------------------------------------
def go(delta: int) -> None:
    S["lesson_i"] = min(max(0, S["lesson_i"] + delta), len(lesson().steps) - 1)


def restart() -> None:
    S["lesson_i"] = 0
    key = lesson_key()
    S["lesson_answers"] = {k: v for k, v in S["lesson_answers"].items() if k[0] != key}


def on_choose() -> None:
    S["lesson_i"] = 0


def state(les: L.Lesson, at: int, mode):
    return ui.timeline_for(les.scenario, mode).state_at(at)


def questions(les: L.Lesson, idx: int) -> list:
    step = les.steps[idx]
    if not step.ask:
        return []
    machine, rec = state(les, step.at, les.mode_of(idx))
    return Q.questions_for(rec, machine, les.mode_of(idx), kinds=list(step.ask))


def widget_key(idx: int, q: Q.Question, lg: str) -> str:
    return f"lq.{lesson_key()}.{idx}.{q.kind}.{lg}"


def on_check(idx: int) -> None:
    les = lesson()
    lg = S.get("lang", "en")
    try:
        qs = questions(les, idx)
    except StepError as exc:
        S["_lesson_error"] = step_error_text(exc, lg)
        return
    given = [S.get(widget_key(idx, q, lg)) for q in qs]
    S["lesson_answers"][(lesson_key(), idx)] = [(q, g, q.check(g)) for q, g in zip(qs, given, strict=True)]


def answered_steps() -> dict:
    """This lesson's recorded answers: {step index: [(question, given, right), …]}."""
    key = lesson_key()
    return {idx: results for (k, idx), results in S["lesson_answers"].items() if k == key}


def take_done(value: str) -> None:
    """The lesson's answers as a link's ``done`` gives them (a reload starts a new session: the
    address bar kept them); a bad value is named, and the lesson's score starts empty."""
    les, key = lesson(), lesson_key()
    try:
        got = L.read_done(value, les, lambda idx: questions(les, idx))
    except L.DoneError as exc:
        got = {}
        messages.append(t("lesson.err.done", lang, value=plain(value, 80),
                          problem=t(f"lesson.err.done.{exc.reason}", lang, **exc.fields)))
    except StepError as exc:
        got = {}
        messages.append(step_error_text(exc, lang))
    S["lesson_answers"] = {k: v for k, v in S["lesson_answers"].items() if k[0] != key}
    S["lesson_answers"].update({(key, idx): results for idx, results in got.items()})


def on_upload() -> None:
    f = S.get("lesson_file")
    lg = S.get("lang", "en")
    if f is None:
        return
    data = f.getvalue()
    if len(data) > L.MAX_LESSON_BYTES:
        S["_lesson_error"] = t("lesson.err.size", lg, kib=L.MAX_LESSON_BYTES >> 10)
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        S["_lesson_error"] = t("lesson.err.utf8", lg)
        return
    try:
        # read and checked in a worker (memory- and time-limited, stopped with the session)
        les = ui.run_task(executor.Task(budget.load_lesson_checked, (text, f.name.rsplit(".", 1)[0] or "lesson")))
    except budget.ScenarioTooLarge as exc:
        S["_lesson_error"] = t("lesson.err.invalid", lg, name=plain(f.name), error=t(
            "err.scenario_budget", lg, need=exc.need >> 20, limit=exc.limit >> 20, ops=number(exc.ops, lg)))
        return
    except (L.LessonError, ValueError, OverflowError) as exc:
        S["_lesson_error"] = t("lesson.err.invalid", lg, name=plain(f.name), error=plain(exc))
        return
    except (RecursionError, MemoryError, executor.JobError):
        S["_lesson_error"] = t("lesson.err.invalid", lg, name=plain(f.name), error=t("err.upload_shape", lg))
        return
    S["lesson_upload"] = les
    S["lesson_name"] = CUSTOM
    S["lesson_i"] = 0
    S["_lesson_ok"] = t("lesson.uploaded", lg, name=plain(les.title_in(lg)))


if "done" in link:
    take_done(link["done"])


# -- the page -------------------------------------------------------------------------------------------------
# no page title and no lesson heading: the lesson's title is in the box that chooses it, and the
# room goes to the diagram (drawn readable, it is taller)
ui.html("<style>.block-container, [data-testid='stMainBlockContainer'] { padding-top: 3.75rem !important; }"
        ".st-key-lesson_prompt p { font-size: 0.92rem; line-height: 1.4; }</style>")
ui.show(messages)
options = NAMES + ([CUSTOM] if S.get("lesson_upload") is not None else [])
pick, up = st.columns([3, 2], vertical_alignment="bottom")
ui.localized(pick.selectbox, t("lesson.choose", lang), options, "lesson_name", lang, on_change=on_choose,
             format_func=lambda n: (f"{S['lesson_upload'].title_in(lang)} {t('lesson.custom', lang)}" if n == CUSTOM
                                    else f"{NAMES.index(n) + 1}. {builtin_lesson(n).title_in(lang)}"))
with up.popover(t("lesson.upload", lang), icon=":material/upload_file:", width="stretch"):
    ui.uploader(t("lesson.upload", lang), ["toml"], "lesson_file", lang, L.MAX_LESSON_BYTES, on_change=on_upload,
                help=t("lesson.upload_help", lang, kib=L.MAX_LESSON_BYTES >> 10))
if "_lesson_error" in S:
    st.error(S.pop("_lesson_error"))
if "_lesson_ok" in S:
    st.success(S.pop("_lesson_ok"))

les = lesson()
i = min(S["lesson_i"], len(les.steps) - 1)
step = les.steps[i]
mode = les.mode_of(i)
n = len(les.steps)
score = L.score_of(answered_steps().values())  # this lesson's, from its answers: nothing counts twice

if les.intro_in(lang):
    with st.expander(t("lesson.intro", lang), expanded=i == 0):
        st.markdown(L.safe_markdown(les.intro_in(lang)))

c = st.columns([1, 1, 1.3, 2, 2], vertical_alignment="center")
c[0].button(t("lesson.back", lang), key="lesson_back", on_click=go, args=(-1,), disabled=i == 0, width="stretch",
            icon=":material/chevron_left:")
c[1].button(t("lesson.next", lang), key="lesson_next", on_click=go, args=(1,), disabled=i >= n - 1, type="primary",
            width="stretch", icon=":material/chevron_right:", icon_position="right")
c[2].button(t("lesson.restart", lang), key="lesson_restart", on_click=restart, width="stretch",
            icon=":material/first_page:")
c[3].markdown(f"**{t('lesson.position', lang, i=i + 1, n=n)}**")
c[4].markdown(f'<div class="lesson-score" data-right="{score.right}" data-asked="{score.asked}">'
              f'{t("learn.score", lang, right=score.right, asked=score.asked)}</div>', unsafe_allow_html=True)

answered = S["lesson_answers"].get((lesson_key(), i))
asking = bool(step.ask) and answered is None
shown = step.at - 1 if asking else step.at
try:
    machine, rec = state(les, shown, mode)
    qs = questions(les, i) if asking else []
except StepError as exc:
    st.error(step_error_text(exc, lang))
    st.stop()

text_col, fig_col = st.columns([1, 1.9])
with text_col:
    # the commentary explains what the step does: with questions to answer, it comes after the
    # reveal, so that it does not give the answers away
    if asking:
        st.caption(t("lesson.commentary_after", lang))
    else:
        with st.container(border=True, key="lesson_commentary"):
            st.markdown(L.safe_markdown(step.commentary(lang)))
    if asking:
        op = les.scenario.trace[step.at - 1]
        with st.form(f"lesson_form.{lesson_key()}.{i}", border=True):
            st.markdown(f"**{t('lesson.ask_title', lang, step=step.at, op=T.op_text(op, lang))}**")
            if step.prompt_in(lang):  # what helps to answer; the explanation waits for the reveal
                with st.container(key="lesson_prompt"):
                    st.markdown(L.safe_markdown(step.prompt_in(lang)))
            for q in qs:
                if q.choices:
                    st.radio(Q.prompt(q, lang), q.choices, index=None, key=widget_key(i, q, lang),
                             format_func=lambda ch, q=q: Q.choice_label(q, ch, lang))
                else:
                    st.number_input(Q.prompt(q, lang), min_value=0, max_value=L.MAX_NUMBER, step=1, value=None,
                                    key=widget_key(i, q, lang),
                                    placeholder=t("learn.number", lang))
            st.form_submit_button(t("lesson.check", lang), type="primary", on_click=on_check, args=(i,),
                                  key=f"lesson_check.{i}")
    elif answered:
        with st.container(border=True, key="lesson_results"):
            st.markdown(f"**{t('lesson.results', lang)}**")
            ui.html("".join(result_html(q, given, ok, lang) for q, given, ok in answered))
    # links open in a new tab: following one here would start a new session (the lesson's place
    # and score would be gone)
    links = []
    if step.link is not None:
        links.append((f"{step.link.href}{'&' if '?' in step.link.href else '?'}lang={lang}",
                      t("lesson.open_link", lang, label=step.link.text(lang))))
    if les.builtin:
        links.append((f"/Step_through?scenario={les.scenario.name}&mode={mode.value}&step={shown}&lang={lang}",
                      t("lesson.open_step", lang)))
    if links:
        ui.html("".join(f'<div class="lesson-link"><a href="{html.escape(href, quote=True)}" target="_blank" rel="noopener">'
                        f'{N.esc(label)} ↗</a></div>' for href, label in links))
    if i == n - 1 and not asking and score.asked:
        st.success(t("lesson.done", lang, right=score.right, asked=score.asked))
    with st.expander(t("step.exports", lang), icon=":material/download:"):
        downloads.lesson_page(les, lang)  # the lesson as one offline file, and its worksheet

with fig_col:
    total = len(les.scenario.trace)
    mode_name = t("mode.short." + mode.value, lang)
    cap_col, zoom_col = st.columns([3, 1.3], vertical_alignment="center")
    cap_col.caption(t("lesson.state", lang, step=shown, total=total, mode=mode_name) if shown else
                    t("lesson.state_boot", lang, mode=mode_name))
    zoom = ui.localized(zoom_col.select_slider, t("step.zoom", lang), ZOOMS, "lesson_zoom", lang,
                        default="readable", label_visibility="collapsed",
                        format_func=lambda z: t("step.fit", lang) if z == "fit" else
                        t("lesson.zoom_readable", lang) if z == "readable" else percent(z, lang))
    fig = F.figure(machine, F.highlight_of(rec, machine), lang,
                   F.View(data_only=les.figure, labels=les.scenario.labels,
                          ma_slots=F.ma_slots(les.scenario.config, les.scenario.trace, les.figure)))
    _dot, svg, _engine = ui.draw(fig)
    ui.svg_view(f'<div class="esxi-diagram" data-step="{shown}" data-mode="{mode.value}" data-zoom="{zoom}" '
                f'data-lesson-step="{i + 1}" style="overflow-x:auto;background:white">'
                f'{diagram_body(fig, svg, zoom)}</div>', "lesson_diagram")
    if rec is not None and not asking:
        with st.container(border=True):
            ui.html(f"<b>{t('step.narration', lang)}</b> — <code>{N.esc(T.op_text(rec.op, lang))}</code>"
                    + N.html_list(N.narrate_linked(rec, lang, machine.views.current_process(rec.op.vm))))

ui.write_params(lang=lang, lesson=S["lesson_name"] if S["lesson_name"] != CUSTOM else None, step=i + 1,
                done=L.done_param(answered_steps()) if S["lesson_name"] != CUSTOM else None)  # an upload is gone after a reload
