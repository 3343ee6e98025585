"""Step through: the live ESXi diagram, one operation at a time, in shadow or nested mode."""
from __future__ import annotations

import time
from typing import Optional

import streamlit as st

from visualizer.app import downloads, state_link, ui
from visualizer.app import stage as L
from visualizer.app.session import LOG_CAP, MODES, AccessForm, Session, StepError, parse_access, step_error_text
from visualizer.engine import Mode
from visualizer.learn import questions as Q
from visualizer.render import figure as F
from visualizer.learn.html import result_html
from visualizer.render.legend import legend_html
from visualizer.render import step_html as H
from visualizer.text.plain import plain
from visualizer.render.walkgrid import walk_grid_html
from visualizer.text import narrate as N
from visualizer.render import tables as T
from visualizer.text.i18n import percent, t
from visualizer.render.svg import LayoutError, fitted, layout_program, render

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.step", initial_sidebar_state="collapsed")
scenario = ui.scenario(messages, lang)
SPEEDS = [0.5, 1.0, 2.0, 4.0]
BOTH = "both"  # both modes at the same step
ZOOMS = ["fit", 0.75, 1.0, 1.25, 1.5, 2.0]
# the page's fragments: a step reruns the stage (controls, summary, diagram, narration), the details
# (legend, tables) and the exports, never the header or the access form; lecture mode has its own
STAGE, DETAILS, ACCESS, EXPORTS, LECTURE = "step_stage", "step_details", "step_access", "step_exports", "step_lecture"
UNDER = [STAGE, DETAILS, EXPORTS]  # what a step, a mode or a view changes (not the access form)


def session() -> Session:
    return S["step_session"]


# -- the session: created for the active scenario, then moved by deep links and widgets ---------
sess = S.get("step_session")
if sess is None or sess.scenario is not scenario:
    mode = sess.mode if sess is not None else (scenario.mode if scenario.mode in MODES else Mode.SHADOW)
    sess = Session(scenario, mode, ui.timeline_for)
    S["step_session"] = sess
    S.pop("_added", None)

if "figure_view" not in S or S.get("_figure_view_for") != scenario.name:
    # the vSphere figure's view (data pages only) is the default where the scenario names its pages
    S["figure_view"] = bool(scenario.labels)
    S["_figure_view_for"] = scenario.name

link = ui.incoming(("mode", "step", "present", "figure", "predict", "added", "score", "answers"))
if "predict" in link:
    S["predict_on"] = link["predict"].strip() in ("1", "true", "yes", "on")
if "present" in link:
    S["present"] = link["present"].strip() in ("1", "true", "yes", "on")
if "figure" in link:
    S["figure_view"] = link["figure"].strip() in ("1", "true", "yes", "on")
if "mode" in link:
    wanted = link["mode"].strip().lower()
    if wanted in ("shadow", "nested", "both"):
        S["both"] = wanted == "both"
        try:
            sess.set_mode(Mode.SHADOW if wanted == "both" else Mode(wanted))
        except StepError as exc:
            messages.append(step_error_text(exc, lang))
    else:
        messages.append(t("err.mode", lang, value=plain(link["mode"]),
                          fallback=t("mode.short." + sess.mode.value, lang)))
if "added" in link and link["added"] != state_link.added_param(sess.inserted, scenario.config):
    # the accesses added in the session the link was copied from, replayed in the order added
    try:
        fresh = Session(scenario, sess.mode, ui.timeline_for)
        for k, (at, op) in enumerate(state_link.read_added(link["added"], scenario.config), 1):
            if at > fresh.total:
                raise state_link.LinkError("added_step", k=k, value=at, last=fresh.total)
            fresh.goto(at)
            fresh.add_access(op)
    except state_link.LinkError as exc:
        messages.append(t("link.err.added", lang, value=plain(link["added"], 80),
                          problem=t("link.err." + exc.reason, lang, **exc.fields)))
    except StepError as exc:
        messages.append(step_error_text(exc, lang))
    else:
        sess = fresh
        S["step_session"] = fresh
if "step" in link:
    raw = link["step"].strip()
    target = ui.link_number(raw, sess.total)
    if target is None:
        # a whole number beyond the end shows the end; anything else ("²", "١٢", "-3") stays put
        beyond = raw.isascii() and raw.isdigit()
        target = sess.total if beyond else sess.step
        messages.append(t("err.step_range" if beyond else "err.step", lang, value=plain(link["step"], 24),
                          last=sess.total, fallback=target))
    try:
        sess.goto(target)
    except StepError as exc:
        messages.append(step_error_text(exc, lang))
if "score" in link:
    try:
        S["predict_score"] = Q.Score(*state_link.read_score(link["score"]))
    except state_link.LinkError as exc:
        messages.append(t("link.err.score", lang, value=plain(link["score"], 40), **exc.fields))
if "answers" in link:
    # the verdicts shown at this step: answers about the operation that led to it
    try:
        if not S.get("predict_on") or sess.step == 0:
            raise state_link.LinkError("answers_none")
        machine_before, _ = sess.timeline.state_at(sess.step - 1)
        rec_after = machine_before.execute(sess.trace[sess.step - 1], sess.step - 1)
        S["_revealed"] = (sess.key(), state_link.read_answers(
            link["answers"], Q.questions_for(rec_after, machine_before, sess.mode)))
        S.pop("_asking", None)
    except state_link.LinkError as exc:
        messages.append(t("link.err.answers", lang, value=plain(link["answers"], 80),
                          problem=t("link.err." + exc.reason, lang, **exc.fields)))
    except StepError as exc:
        messages.append(step_error_text(exc, lang))
if sess.timeline.error and sess.total < len(scenario.trace):
    messages.append(step_error_text(sess.timeline.error, lang))


# -- callbacks (run before the script, on the session as it is then) ---------------------------
def follow(*also: str) -> None:
    """End a callback that moved the step, the mode or the view: on the step page the stage, the
    details and the exports rerun (and the fragments ``also``; the header stays as it is); in
    lecture mode its own fragment does."""
    if not S.get("present"):
        st.rerun(UNDER + list(also))


def act(fn, *args) -> None:
    try:
        fn(*args)
    except StepError as exc:
        S["_step_error"] = step_error_text(exc, S.get("lang", "en"))


def forward() -> None:
    """Step — or, in predict mode, first ask about the next step, then reveal it."""
    s = session()
    if not S.get("predict_on") or s.step >= s.total:
        act(s.forward)
    elif S.get("_asking") == asking_key(s):
        reveal()
    else:
        S["_asking"] = asking_key(s)


def on_forward() -> None:
    forward()
    follow()


# -- predict, then reveal: questions about the next step from its record (run on a clone) ----------
def asking_key(s: Session) -> tuple:
    return s.key()


def next_questions(s: Session) -> list:
    """The questions about the operation after the current step (the session is not moved)."""
    cached = S.get("_questions")
    if cached is not None and cached[0] == s.key():
        return cached[1]
    machine = s.machine.clone()
    rec = machine.execute(s.trace[s.step], s.step)
    qs = Q.questions_for(rec, machine, s.mode)
    S["_questions"] = (s.key(), qs)
    return qs


def answer_key(s: Session, q: Q.Question, lg: str) -> str:
    return f"pq.{s.step}.{q.kind}.{lg}"


def reveal() -> None:
    s = session()
    lg = S.get("lang", "en")
    try:
        qs = next_questions(s)
    except Exception as exc:  # noqa: BLE001 - told by its kind
        S["_step_error"] = step_error_text(exc, lg)
        return
    results = []
    for q in qs:
        given = S.get(answer_key(s, q, lg))
        ok = q.check(given)
        S.setdefault("predict_score", Q.Score()).add(ok, answered=given is not None)
        results.append((q, given, ok))
    S.pop("_asking", None)
    act(s.forward)
    S["_revealed"] = (s.key(), results)


def on_reveal() -> None:
    reveal()
    follow()


def on_cancel_predict() -> None:
    S.pop("_asking", None)


def on_predict() -> None:
    S["predict_on"] = bool(S.get("_predict_toggle"))
    if not S.get("predict_on"):
        S.pop("_asking", None)


def predict_questions(s: Session, lecture: bool, beside: bool = False) -> None:
    """The questions about the next step, as widgets (their answers are read when revealing):
    beside the diagram one under another, below it side by side."""
    try:
        qs = next_questions(s)
    except Exception as exc:  # noqa: BLE001 - told by its kind
        st.error(step_error_text(exc, lang))
        return
    op = T.op_text(s.trace[s.step], lang)
    with st.container(border=True, key="predict_box"):
        # the title and the buttons first: they stay in sight however long the choices run
        title = f"**{t('learn.ask_title', lang, step=s.step + 1, op=op)}**"
        if beside:
            st.markdown(title)
            b1, b2 = st.columns(2)
        else:
            head, b1, b2 = st.columns([5, 1.6, 1.6], vertical_alignment="center")
            head.markdown(title)
        b1.button(t("learn.reveal", lang), key="predict_reveal", on_click=on_reveal, type="primary", width="stretch",
                  icon=":material/visibility:", help=t("learn.reveal_key", lang) if lecture else None)
        b2.button(t("learn.cancel", lang), key="predict_cancel", on_click=on_cancel_predict, width="stretch")
        # below the diagram side by side: one question's choices under another's pushed the diagram off screen
        cols = [st.container() for _ in qs] if beside else st.columns(max(1, len(qs)))
        for col, q in zip(cols, qs, strict=False):
            if q.choices:
                col.radio(Q.prompt(q, lang), q.choices, index=None, key=answer_key(s, q, lang),
                          format_func=lambda ch, q=q: Q.choice_label(q, ch, lang))
            else:
                col.number_input(Q.prompt(q, lang), min_value=0, step=1, value=None, key=answer_key(s, q, lang),
                                 placeholder=t("learn.number", lang))
        if not qs:
            st.caption(t("learn.nothing_to_ask", lang))


def predict_results_html(s: Session, lecture: bool = False) -> str:
    """The answers given before the current step was revealed, marked (side by side, short); on the
    step page with their explanations folded under them (the narration tells the step too)."""
    revealed = S.get("_revealed")
    if not revealed or revealed[0] != s.key():
        return ""
    items = "".join(f'<div style="flex:1;min-width:12rem">{result_html(q, given, ok, lang, compact=True)}</div>'
                    for q, given, ok in revealed[1])
    more = ""
    if not lecture:
        more = (f'<details class="explanations"><summary>{N.esc(t("learn.explanations", lang))}</summary>'
                f'{"".join(result_html(q, given, ok, lang) for q, given, ok in revealed[1])}</details>')
    return (f'<div class="predict-results"><b>{N.esc(t("learn.revealed_title", lang, step=s.step))}</b>'
            f'<div style="display:flex;flex-wrap:wrap;gap:0.2rem 1.2rem">{items}</div>{more}</div>')


def score_text() -> str:
    sc = S.get("predict_score") or Q.Score()
    return (f'<span class="predict-score" data-right="{sc.right}" data-asked="{sc.asked}">'
            f'{t("learn.score", lang, right=sc.right, asked=sc.asked)}</span>')


def back() -> None:
    """Back — or, with the next step's questions open, close them (the view is at this step)."""
    if S.get("predict_on") and S.get("_asking") == asking_key(session()):
        S.pop("_asking", None)
        return
    act(session().back)


def on_back() -> None:
    back()
    follow()


def on_reset() -> None:
    act(session().reset)
    follow()


def on_jump_box() -> None:
    target = ui.jump_target("jump_box")
    if target is not None:
        jump_to(target)
    follow()


def on_jump(box: str) -> None:
    if S.get(box) is not None:
        jump_to(int(S[box]))
    follow()


def jump_to(target: int) -> None:
    s = session()
    if target > s.total:
        S["_step_error"] = t("err.jump", S.get("lang", "en"), value=target, last=s.total, fallback=s.total)
    act(s.goto, target)


def on_mode() -> None:
    S["both"] = S["mode"] == BOTH
    act(session().set_mode, Mode.SHADOW if S["both"] else Mode(S["mode"]))
    follow()


def on_cycle_mode() -> None:
    """m in lecture mode: shadow → nested → both in one figure → shadow."""
    s = session()
    if S.get("both"):
        S["both"] = False
    elif s.mode is Mode.SHADOW:
        act(s.set_mode, Mode.NESTED)
    else:
        S["both"] = True
        act(s.set_mode, Mode.SHADOW)


def shown_mode(s: Session) -> str:
    """The view's mode as the link writes it: shadow, nested or both."""
    return BOTH if S.get("both") else s.mode.value


def predict_state(s: Session) -> Optional[str]:
    """Predict mode's stage at this step: "asking" (questions open), "revealed" (verdicts shown) or None."""
    if not S.get("predict_on"):
        return None
    if S.get("_asking") == asking_key(s) and s.step < s.total:
        return "asking"
    revealed = S.get("_revealed")
    return "revealed" if revealed and revealed[0] == s.key() else None


def kept_params(s: Session) -> dict:
    """What the address bar keeps of the work done here (see :mod:`visualizer.app.state_link`):
    added accesses, the predict score and the answers whose verdicts this step shows."""
    sc = S.get("predict_score") or Q.Score()
    revealed = S.get("_revealed") if predict_state(s) == "revealed" else None
    return {"added": state_link.added_param(s.inserted, s.scenario.config),
            "score": state_link.score_param(sc.right, sc.asked) if S.get("predict_on") else None,
            "answers": state_link.answers_param(revealed[1]) if revealed else None}


def on_present(value: bool) -> None:
    S["present"] = value


def on_exit_lecture() -> None:
    S["present"] = False
    st.rerun()  # the whole page: the header and the details come back


def figure_view(s: Session, data_only: Optional[bool] = None):
    """What the diagram draws: the figure's data pages (with the scenario's page names) or all."""
    data_only = bool(S.get("figure_view")) if data_only is None else data_only
    # every machine page the run will draw gets a fixed place: the row does not jump from step to step
    return F.View(data_only=data_only, labels=s.scenario.labels, compact=bool(S.get("present")),
                  ma_slots=F.ma_slots(s.scenario.config, s.trace, data_only))


def drawn(s: Session, mode: Mode, data_only: Optional[bool] = None):
    """(figure, DOT, SVG, what drew it, step record) of ``mode`` at the current step."""
    machine, rec = s.state_in(mode)
    fig = F.figure(machine, F.highlight_of(rec, machine), lang, figure_view(s, data_only))
    dot_text, svg, engine = ui.draw(fig)
    return fig, dot_text, svg, engine, rec


def figure_files(s: Session):
    """``files()`` → (DOT, SVG) of the diagram the details' exports give, made when an export
    button is pressed: the step's machine again from the timeline (a session keeps no file it
    may never be asked for). Everything the picture depends on is taken now."""
    timeline, step, view, lg = s.timeline, s.step, figure_view(s), lang

    def files() -> tuple[str, str]:
        machine, rec = timeline.state_at(step)
        dot_text, svg, _engine = ui.draw(F.figure(machine, F.highlight_of(rec, machine), lg, view))
        return dot_text, svg
    return files


# -- the steps beside: the next and the previous step's stage, sent with this one, shown by the
# browser at the click on Step or Back (the server's run then confirms them) ----------------------
def view_key(s, view: str, step: Optional[int] = None) -> tuple:
    """What a stage's markup depends on (``view``: "stage"/"lecture"): the session at ``step`` (its
    own by default) and every view setting."""
    key = s.key()
    if step is not None:
        key = key[:-1] + (step,)
    return (key, view, lang, bool(S.get("figure_view")), S.get("zoom", "fit"), bool(S.get("both")),
            bool(S.get("predict_on")), bool(S.get("present")))


def can_look_beside() -> bool:
    """Whether the steps beside go with this one: one mode shown, predict off (a step then asks
    first), no autoplay (the clock steps)."""
    return not (S.get("both") or S.get("predict_on") or S.get("autoplay"))


def with_beside(s: Session, view: str, markup_of) -> tuple[str, Optional[str], Optional[str]]:
    """(this step's markup, the next step's, the previous step's; None where there is none).
    ``markup_of(session_like)`` makes a stage's markup. The stages made at the last run are kept
    for this one, as UTF-8 (the markup's arrows and accents make a Python string of it twice
    that size): a click on Step or Back then costs the server one new stage, not three."""
    made = S.get("_beside") or {}
    key = view_key(s, view)
    got = made.get(key)
    if got is None:
        got = markup_of(s).encode("utf-8")
    keep = {key: got}
    out = [got]
    for step, look in ((s.step + 1, s.ahead), (s.step - 1, s.behind)):
        hit = None
        if can_look_beside() and 0 <= step <= s.total:
            k = view_key(s, view, step)
            hit = made.get(k)
            if hit is None:
                nb = look()
                if nb is not None:
                    hit = markup_of(nb).encode("utf-8")
            if hit is not None:
                keep[k] = hit
        out.append(hit)
    S["_beside"] = keep
    here, following, preceding = (None if b is None else b.decode("utf-8") for b in out)
    return here, following, preceding


def on_access() -> None:
    s = session()
    vm, _, process = (S.get("acc_target") or "/").partition("/")
    kind = S.get(f"acc_kind.{S.get('lang', 'en')}", "read")
    form = AccessForm(vm, process, S.get("acc_gva", ""), kind, S.get("acc_value", "0"))
    op, error = parse_access(form, s.scenario.config)
    if len(s.inserted) >= state_link.MAX_ADDED:
        S["_form_error"] = t("step.added_limit", S.get("lang", "en"), n=state_link.MAX_ADDED)
    elif op is None:
        value = form.value if error == "err.value" else form.gva
        S["_form_error"] = t(error, S.get("lang", "en"), value=value, error=value)
    else:
        try:
            s.add_access(op)
            S["_added"] = (s.step, op)
        except StepError as exc:
            S["_form_error"] = step_error_text(exc, S.get("lang", "en"))
    follow(ACCESS)  # the exports say what it did; the form is drawn again too


def narration_of(s: Session, mode: Mode) -> list:
    machine, rec = s.state_in(mode)
    if rec is None:
        return [t("nar.boot", lang)]
    return N.narrate_linked(rec, lang, machine.views.current_process(rec.op.vm))


def status_head(s: Session, rec) -> str:
    position = t("step.position", lang, step=s.step, total=s.total)
    if rec is None:
        return f"<b>{N.esc(position)}</b> — {N.esc(t('step.boot', lang))}"
    return f"<b>{N.esc(position)}</b> — <code>{N.esc(T.op_text(rec.op, lang))}</code>"


# -- lecture mode: compact controls, keys, then the diagram and the narration at fixed places ------
def lecture_parts(s, stage: Optional[str]) -> tuple[str, str, str]:
    """Lecture mode's stage at the session's step: (status line, diagram and note, the sizes' CSS)."""
    both = bool(S.get("both"))
    # "both": one figure — in the figure view the pages and machine places are the same in both
    # modes; what differs is the dashed shadow entries, the current path and each mode's costs
    fig, _dot, svg, engine, rec = drawn(s, s.mode, data_only=True if both else None)
    head = status_head(s, rec) + (" — " + score_text() if S.get("predict_on") else "")
    if rec is None:
        lines = []
    elif both:
        lines = [H.mode_line(t("mode.short." + m.value, lang), T.summary_html(s.state_in(m)[1], lang, short=True),
                             m.value) for m in (Mode.SHADOW, Mode.NESTED)]
    else:
        lines = [T.summary_html(rec, lang, short=True)]
    status = H.status_html(s.step, head, lines, cls="lecture-status" + (" three" if both else ""))
    cls = "esxi-diagram lecture" + (f" {stage}" if stage else "")
    noted = (both or bool(S.get("figure_view"))) and stage is None
    note = H.figure_note(lang, both=both) if noted else ""
    sizes = L.css_vars(L.lecture_heights(both, 2 if noted else 0, stage, fig))
    diagram = (f'<div class="{cls}" data-step="{s.step}" data-mode="{BOTH if both else s.mode.value}" '
               f'data-engine="{engine}" style="{L.lecture_box(fig)}">{fitted(svg)}</div>{note}')
    return status, diagram, sizes


def lecture_markup(s, stage: Optional[str]) -> str:
    """Lecture mode's stage with its narration (or predict's verdicts and the narration)."""
    both = bool(S.get("both"))
    status, diagram, sizes = lecture_parts(s, stage)
    phrases = narration_of(s, s.mode)
    if both and s.record is not None:
        narration = (f'<div class="both-narration"><div><b>{t("mode.short.shadow", lang)}</b>{N.html_list(phrases)}'
                     f'</div><div><b>{t("mode.short.nested", lang)}</b>'
                     f'{N.html_list(narration_of(s, Mode.NESTED))}</div></div>')
    else:
        narration = N.html_list(phrases)
    results = predict_results_html(s, lecture=True) if stage == "revealed" else ""
    ncls = "lecture-narration" + (" in-both" if both and s.record is not None else "") + \
        (" after-results" if results else "")
    return (f'<div class="lec-stage" style="{sizes}">{status}{diagram}{results}'
            f'<div class="{ncls}" data-step="{s.step}" data-more="{t("lec.narration_more", lang)}">'
            f'{narration}</div></div>')


@st.fragment(key=LECTURE)
def lecture_view() -> None:
    if not S.get("present"):
        st.rerun(scope="app")
    s = session()
    ui.lecture_style()
    ui.lecture_keys({"lec_forward": forward, "lec_back": back, "lec_reset": on_reset, "lec_mode": on_cycle_mode})
    c = st.columns([1, 1, 1.25, 1.5, 1.7, 1.1], vertical_alignment="center", gap="small")
    c[0].button(t("step.reset", lang), key="lec_reset", on_click=on_reset, disabled=s.step == 0, width="stretch",
                icon=":material/first_page:", help=t("lec.key.reset", lang))
    c[1].button(t("step.back", lang), key="lec_back", on_click=on_back, disabled=s.step == 0, width="stretch",
                icon=":material/chevron_left:", help=t("lec.key.back", lang))
    c[2].button(t("step.forward", lang), key="lec_forward", on_click=on_forward, disabled=s.step >= s.total,
                type="primary", width="stretch", icon=":material/chevron_right:", icon_position="right",
                help=t("lec.key.forward", lang))
    c[3].button(t("mode.short." + shown_mode(s), lang), key="lec_mode", on_click=on_cycle_mode, width="stretch",
                icon=":material/swap_horiz:", help=t("lec.key.mode", lang))
    c[4].toggle(t("lec.figure_view", lang), key="figure_view")
    c[5].button(t("lec.exit", lang), key="lec_exit", on_click=on_exit_lecture, width="stretch",
                icon=":material/close_fullscreen:")
    if "_step_error" in S:
        st.error(S.pop("_step_error"))
    stage = predict_state(s)
    if stage == "asking":
        status, diagram, sizes = lecture_parts(s, stage)
        ui.svg_view(f'<div class="lec-stage" style="{sizes}">{status}{diagram}</div>', "diagram")
        predict_questions(s, lecture=True)
    else:
        markup, following, preceding = with_beside(s, "lecture", lambda v: lecture_markup(v, stage))
        ui.svg_view(markup, "diagram", ahead=following, behind=preceding)
    ui.write_params(scenario=ui.scenario_param(), mode=shown_mode(s),
                    step=s.step, lang=lang, present=1, figure=int(bool(S.get("figure_view"))),
                    predict=1 if S.get("predict_on") else None, **kept_params(s))


if S.get("present"):
    ui.show(messages)
    lecture_view()
    st.stop()

# -- header: title, scenario, autoplay, view, lecture, language (a step does not rerun it) --------
if S.pop("_autoplay_stop", False):
    S["autoplay"] = False
if "speed" not in S:
    S["speed"] = 1.0
if "zoom" not in S:
    S["zoom"] = "fit"
with st.container(horizontal=True, key="step_head", vertical_alignment="center", gap="small"):
    described = scenario.describe(lang)
    ui.html(ui.step_style() + f'<div class="step-head"><h1>{N.esc(t("step.title", lang))}</h1>'
            f'<span class="scen" title="{N.esc(described)}"><b>{N.esc(scenario.name)}</b>'
            f'{" — " + N.esc(described) if described else ""}</span></div>')
    autoplay = st.toggle(t("step.autoplay", lang), key="autoplay", width="content")
    with st.popover(t("stage.view", lang), icon=":material/tune:", help=t("stage.view_help", lang), width="content"):
        speed = ui.localized(st.select_slider, t("step.speed", lang), SPEEDS, "speed", lang,
                             format_func=lambda v: t("step.speed_value", lang, n=v))
        ui.localized(st.select_slider, t("step.zoom", lang), ZOOMS, "zoom", lang,
                     format_func=lambda z: t("step.fit", lang) if z == "fit" else percent(z, lang))
        st.caption(t("stage.keys", lang))  # the keys, here: not as the Step button's help
    st.button(t("lec.start", lang), key="lec_start", on_click=on_present, args=(True,), width="content",
              icon=":material/slideshow:", help=t("lec.start_help", lang))
    ui.language_switch(lang, st, label_visibility="collapsed")
ui.show(messages)
TICK = (1.0 / speed) if autoplay else None


def controls(s: Session) -> None:
    """Reset, Back, Step, the step box, the mode, predict, the figure view — one row; keys → j and
    ← k step too (not while typing in a field)."""
    # The step box is not made to follow the current step: a value the server sets while the
    # browser still shows the old one comes back with the next click as a change of its own.
    if S.get("mode") != shown_mode(s):
        S["mode"] = shown_mode(s)
    with st.container(horizontal=True, key="step_controls", vertical_alignment="center", gap="small"):
        st.button(t("step.reset", lang), key="reset", on_click=on_reset, disabled=s.step == 0, width="content",
                  icon=":material/first_page:")
        st.button(t("step.back", lang), key="step_back", on_click=on_back, disabled=s.step == 0, width="content",
                  icon=":material/chevron_left:")
        st.button(t("step.forward", lang), key="step_forward", on_click=on_forward, disabled=s.step >= s.total,
                  type="primary", width="content", icon=":material/chevron_right:", icon_position="right")
        # The step box shows the current step; Enter, + and − jump at once (ui.step_box: a jump is a
        # one-time trigger, so a click on Step is never taken for a change of the box).
        with st.container(width=190, key="step_box_cell"):
            if not ui.step_box(s.step, s.total, lang, "jump_box", on_jump_box):
                box, go = st.columns([1.3, 1], gap="small")
                box.number_input(t("step.jump", lang), min_value=0, step=1, key="jump_step",
                                 label_visibility="collapsed", on_change=on_jump, args=("jump_step",),
                                 help=t("step.jump_help", lang, step=s.step, last=s.total))
                go.button(t("step.jump_go", lang), key="jump_go", on_click=on_jump, args=("jump_step",),
                          width="stretch")
        ui.localized(st.radio, t("app.mode", lang), [m.value for m in MODES] + [BOTH], "mode", lang,
                     on_change=on_mode, horizontal=True, format_func=lambda v: t("mode.short." + v, lang),
                     label_visibility="collapsed", width="content")
        # the value lives in predict_on (lecture mode has no toggle); the widget is set only when
        # that differs, never on every run
        if S.get("_predict_toggle") != bool(S.get("predict_on")):
            S["_predict_toggle"] = bool(S.get("predict_on"))
        st.toggle(t("learn.predict", lang), key="_predict_toggle", on_change=on_predict,
                  help=t("learn.predict_help", lang), width="content")
        st.toggle(t("lec.figure_view", lang), key="figure_view", on_change=follow,
                  help=t("lec.figure_view_help", lang), width="content")
    ui.page_keys(ui.STEP_KEYS, "step_keys", {"step_forward": forward, "step_back": back}, rerun=UNDER)


def stage_parts(s, stage: Optional[str]) -> tuple[str, str, "L.StagePlan"]:
    """The stage at the session's step: (status line, diagrams, layout plan)."""
    both = bool(S.get("both"))
    modes = (Mode.SHADOW, Mode.NESTED) if both else (s.mode,)
    pictures = [drawn(s, m) for m in modes]
    rec = s.record
    w = max(L.view_size(p[0])[0] for p in pictures)
    h = sum(L.view_size(p[0])[1] for p in pictures)
    plan = L.stage_plan(w, h, "questions" if stage == "asking" else "narration")
    zoom = S.get("zoom", "fit")
    notes = bool(S.get("figure_view")) + sum(bool(p[0].hidden) for p in pictures)
    reserve = L.NOTE_PX * notes + (0 if plan.beside else plan.panel_px + L.STEP_CHROME.gap)
    main = []
    for mode, (fig, _dot, svg, engine, mrec) in zip(modes, pictures, strict=True):
        vw, vh = L.view_size(fig)
        style = L.diagram_box(vw, vh, reserve=reserve, zoom=None if zoom == "fit" else float(zoom) * 4 / 3)
        if both:  # each diagram says what its mode paid for the step (the point of comparing)
            main.append(f'<div class="both-caption" data-mode="{mode.value}">{N.esc(t("mode." + mode.value, lang))}'
                        f'{" — " + T.summary_html(mrec, lang, short=True) if mrec is not None else ""}</div>')
            style += f";--split:{len(modes)}"
        main.append(f'<div class="esxi-diagram stage" data-step="{s.step}" data-mode="{mode.value}" '
                    f'data-engine="{engine}" style="{style}">{fitted(svg)}</div>')
        if fig.hidden:
            main.append(f'<div class="figure-note">{N.esc(t("step.hidden_pages", lang, n=fig.hidden, cap=F.ROW_CAP))}</div>')
    if S.get("figure_view"):
        main.append(H.figure_note(lang))

    extra = ""
    if S.get("predict_on"):
        extra += " — " + score_text()
    if rec is not None and s.step >= s.total:
        extra += f" · {N.esc(t('step.end', lang))}"
    lines = [T.summary_html(rec, lang)] if rec is not None and not both else []
    host = T.host_state_html(s.machine.views.host_state(), lang)  # "" unless the host reclaims
    status = H.status_html(s.step, status_head(s, rec), lines, extra) + host
    return status, "".join(main), plan


def stage_markup(s, stage: Optional[str]) -> str:
    """The stage with its narration (or predict's verdicts and the narration) at the session's step."""
    status, main, plan = stage_parts(s, stage)
    results = predict_results_html(s) if stage == "revealed" else ""
    side = H.side_html(t("step.narration", lang), results + N.html_list(narration_of(s, s.mode)),
                       "narr-side" if plan.beside else "narr-below")
    return status + H.stage_html(main, side, plan.beside, plan.main, plan.panel_px)


@st.fragment(run_every=TICK, key=STAGE)
def stage_view() -> None:
    """The controls, the step's summary, the diagram and the narration (or the questions) — sized
    to the screen: the Step button and the whole diagram are in view together."""
    s = session()
    if S.get("autoplay"):
        now = time.monotonic()
        last = S.get("_auto_last")
        if s.step >= s.total:
            S["_autoplay_stop"] = True
            S.pop("_auto_last", None)
            st.rerun(scope="app")
        if last is None:
            S["_auto_last"] = now
        elif now - last >= 0.8 / S["speed"]:
            act(s.forward)
            S["_auto_last"] = now
    else:
        S.pop("_auto_last", None)
    controls(s)
    if "_step_error" in S:
        st.error(S.pop("_step_error"))

    stage = predict_state(s)
    if stage == "asking":
        # the questions are about the next step: beside the diagram (or under it, where it is wide)
        status, main, plan = stage_parts(s, stage)
        story = (f'<details class="story"><summary>{N.esc(t("step.narration", lang))}</summary>'
                 f'{N.html_list(narration_of(s, s.mode))}</details>')
        markup = status + H.stage_html(main + story, "", False, 1.0)
        if plan.beside:
            left, right = st.columns([plan.main, 1 - plan.main], gap="medium")
            with left:
                ui.svg_view(markup, "diagram")
            with right:
                predict_questions(s, lecture=False, beside=True)
        else:
            ui.svg_view(markup, "diagram")
            predict_questions(s, lecture=False)
    else:
        markup, following, preceding = with_beside(s, "stage", lambda v: stage_markup(v, stage))
        ui.svg_view(markup, "diagram", ahead=following, behind=preceding)
    ui.write_params(scenario=ui.scenario_param(), mode=shown_mode(s),
                    step=s.step, lang=lang, present=None, figure=int(bool(S.get("figure_view"))),
                    predict=1 if S.get("predict_on") else None, **kept_params(s))


@st.fragment(run_every=TICK, key=DETAILS)
def details_view() -> None:
    """Under the stage, left: the legend and one table at a time."""
    s = session()
    rec = s.record
    host = s.machine.views.host_state() is not None
    ui.html(legend_html(None if S.get("both") else s.mode, lang, reclaim=host))

    # details: one table at a time, as plain HTML (an interactive grid cost the browser more at
    # every step than the rest of the details together)
    views = {"walk": t("step.walk", lang), "tlb": t("step.tlb", lang), "counters": t("step.counters", lang),
             "events": t("step.events", lang)}
    if S.get("details") not in views:
        S["details"] = "walk"
    view = ui.localized(st.segmented_control, t("step.details", lang), list(views), "details", lang,
                        format_func=views.get, label_visibility="collapsed")
    if view == "walk":
        walk = T.walk_table(rec, lang)
        if walk.empty:
            st.caption(t("step.no_walk", lang))
        else:
            ui.html(walk_grid_html(rec, s.mode.value, lang) + T.table_html(walk, views[view], lang))
    elif view == "tlb":
        tlb = T.tlb_table(s.machine, lang)
        if tlb.empty:
            st.caption(t("step.tlb_empty", lang))
        else:
            ui.html(T.table_html(tlb, views[view], lang))
    elif view == "counters":
        ui.html(T.table_html(T.counters_table(s.machine, lang), views[view], lang))
        st.caption(t("step.costs_used", lang))
    else:
        ui.html(T.table_html(T.events_table(rec, lang), views[view], lang))


@st.fragment(run_every=TICK, key=EXPORTS)
def exports_view() -> None:
    """Under the stage, right, below the access form: what the form did, then the exports of
    the step shown."""
    s = session()
    files = figure_files(s)
    if "_form_error" in S:
        st.error(S.pop("_form_error"))
    elif S.get("_added") and S["_added"][0] == s.step:
        st.success(t("step.added", lang, n=S["_added"][0], op=T.op_text(S["_added"][1], lang)))

    st.markdown(f"**{t('step.exports', lang)}**")
    stem = f"{s.scenario.name}-{s.mode.value}-step{s.step}"
    # deferred: the files are made only when a button is pressed
    st.download_button(t("step.export_dot", lang), lambda: files()[0], f"{stem}.gv", "text/vnd.graphviz",
                       key="dl_dot", on_click="ignore", icon=":material/download:")

    def svg_file() -> str:
        dot_text, svg = files()
        if layout_program() is not None:
            try:
                return render(dot_text, "svg").decode("utf-8")
            except LayoutError:
                pass
        return svg
    st.download_button(t("step.export_svg", lang), svg_file, f"{stem}.svg", "image/svg+xml", key="dl_svg",
                       on_click="ignore", icon=":material/download:")
    if layout_program() is not None:
        def png() -> bytes:
            try:
                return render(files()[0], "png")
            except LayoutError as exc:
                return str(exc).encode()
        st.download_button(t("step.export_png", lang), png, f"{stem}.png", "image/png", key="dl_png",
                           on_click="ignore", icon=":material/download:")
    else:
        st.caption(t("step.no_layout", lang))
    timeline, upto = s.timeline, s.step

    def log() -> str:
        first = max(1, upto - LOG_CAP + 1)
        return T.event_log_csv(timeline.records(first, upto), first)
    capped = t("step.export_capped", lang, n=LOG_CAP) if upto > LOG_CAP else ""
    st.download_button(t("step.export_csv", lang), log, f"{stem}-events.csv", "text/csv", key="dl_csv",
                       on_click="ignore", icon=":material/download:", disabled=upto == 0,
                       help=t("step.export_csv_help", lang, step=upto, capped=capped))
    downloads.step_page(s, shown_mode(s), bool(S.get("figure_view")), lang)  # the lecture, offline


@st.fragment(key=ACCESS)
def access_view() -> None:
    """The form that adds an access after the current step (its callback reruns the stage, the
    details, the exports — which say what it did — and the form; a step leaves the form as it is)."""
    s = session()
    with st.form("access_form", border=True):
        st.markdown(f"**{t('step.access_now', lang)}**")
        st.caption(t("step.access_help", lang))
        targets = [f"{v.name}/{p}" for v in s.scenario.config.vms for p in v.processes]
        if S.get("acc_target") not in targets:
            S["acc_target"] = targets[0]
        st.selectbox(f"{t('step.vm', lang)} / {t('step.process', lang)}", targets, key="acc_target")
        if "acc_gva" not in S:
            S["acc_gva"] = "0x400000"
        st.text_input(t("step.gva", lang), key="acc_gva")
        # a form's widgets take no callbacks: the language is in the key (labels change with it)
        st.radio(t("step.kind", lang), ["read", "write"], key=f"acc_kind.{lang}", horizontal=True,
                 format_func=lambda k: t("step." + k, lang))
        if "acc_value" not in S:
            S["acc_value"] = "0x2a"
        st.text_input(t("step.value", lang), key="acc_value")
        st.form_submit_button(t("step.run_access", lang), on_click=on_access, key="acc_submit")
        st.caption(t("step.added_kept", lang, n=state_link.MAX_ADDED))


stage_view()
# under the stage: the legend and a table (left) beside the access form, what it did and the
# exports (right). A step reruns the stage, the details and the exports; the form (four widgets
# a server registers at every run: a sixth of a step's work) stays as it is.
_left, _right = st.columns([2.2, 1])
with _left:
    details_view()
with _right:
    access_view()
    exports_view()
