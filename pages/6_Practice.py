"""Practice: seeded exercises, answered, checked and explained, with a running score; ``present=1``
shows one question full-screen for a lecture (→ next, ← back, r or Enter reveals).

A question is scored once: once checked (in this session, or before a reload as ``done=`` in the
address bar says) it shows its verdict, the answer and the explanation, and the answer given where
the session still has it, in widgets that cannot be changed; a check of it again is refused."""
from __future__ import annotations

import html
import re
from typing import NamedTuple

import streamlit as st

from visualizer import executor
from visualizer.app import budget, downloads, ui
from visualizer.learn import exercises as X
from visualizer.learn.exercise_sheet import html_sheet as sheet_html
from visualizer.text.i18n import t
from visualizer.text.narrate import esc
from visualizer.text.plain import plain

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.practice", initial_sidebar_state="collapsed")
DEFAULT_COUNT = 10
PRESENT_KEYS = {"ArrowRight": "pxp_next", "PageDown": "pxp_next", " ": "pxp_next", "ArrowLeft": "pxp_prev",
                "PageUp": "pxp_prev", "r": "pxp_reveal", "R": "pxp_reveal", "Enter": "pxp_reveal"}


class Item(NamedTuple):
    """One exercise of the set, before it is made (what its result is filed under)."""

    seed: int
    index: int
    kind: str


def exercise_set(seed: int, kinds: tuple, count: int) -> list[Item]:
    """The set's exercises by kind, unmade: a set of 200 costs nothing until one is shown."""
    return [Item(seed, i, k) for i, k in enumerate(X.set_kinds(seed, kinds, count))]


@st.cache_resource(show_spinner=False, max_entries=256)
def exercise(seed: int, index: int, kind: str) -> X.Exercise:
    """One exercise, made when it is shown (tens of milliseconds), kept by its value for all."""
    return X.make(kind, seed, index)


def make_sheet(seed: int, kinds: tuple, count: int, lg: str, command: str) -> str:
    """The set on paper with its answer key (every exercise made: run in a worker)."""
    return sheet_html(X.generate(seed, kinds, count), seed, lg, command)


def sheet_command(lg: str) -> str:
    """The command line that writes the same sheet."""
    kinds = f" --kind {','.join(S['px.kinds'])}" if tuple(S["px.kinds"]) != tuple(X.KINDS) else ""
    return f"python -m visualizer exercises --seed {S['px.seed']} --count {S['px.count']}{kinds} --lang {lg} --html sheet.html"


def result_key(ex) -> tuple:
    return (ex.seed, ex.index, ex.kind)


def done_param():
    """The set's answers for the address bar: a letter per question (r right, w wrong, - not
    answered), so a reload keeps the score; None before the first check."""
    results = S["px.results"]
    done = "".join({True: "r", False: "w"}.get(results.get(result_key(ex)), "-") for ex in exs).rstrip("-")
    return done or None


# -- the set: seed, kinds and count from the link or the session ------------------------------------
S.setdefault("px.seed", 0)
S.setdefault("px.kinds", X.KINDS)
S.setdefault("px.count", DEFAULT_COUNT)
S.setdefault("px.i", 0)
S.setdefault("px.results", {})
S.setdefault("px.checked", {})  # result_key -> {"responses": …, "verdicts": …} of this session's checks
link = ui.incoming(("seed", "kind", "count", "q", "present", "done"))
if "seed" in link:
    seed = ui.link_number(link["seed"], X.MAX_SEED)
    if seed is None:
        messages.append(t("ex.err.seed", lang, value=plain(link["seed"]), max=X.MAX_SEED, fallback=S["px.seed"]))
    elif seed != S["px.seed"]:
        S["px.seed"], S["px.i"] = seed, 0
if "kind" in link:
    try:
        kinds = X.parse_kinds(link["kind"])
        if kinds != S["px.kinds"]:
            S["px.kinds"], S["px.i"] = kinds, 0
    except ValueError:
        messages.append(t("ex.err.kind", lang, value=plain(link["kind"]), kinds=", ".join(X.KINDS)))
if "count" in link:
    count = ui.link_number(link["count"], X.MAX_COUNT)
    if not count:
        messages.append(t("ex.err.count", lang, value=plain(link["count"]), max=X.MAX_COUNT, fallback=S["px.count"]))
    else:
        S["px.count"] = count
if "present" in link:
    S["px.present"] = link["present"].strip() in ("1", "true", "yes", "on")
exs = exercise_set(S["px.seed"], tuple(S["px.kinds"]), S["px.count"])
if "q" in link:
    q = ui.link_number(link["q"], len(exs))
    if not q:
        messages.append(t("ex.err.q", lang, value=plain(link["q"]), last=len(exs)))
    else:
        S["px.i"] = q - 1
S["px.i"] = min(max(S["px.i"], 0), len(exs) - 1)
if "done" in link:
    # the set's answers so far, as the address bar kept them (a reload starts a new session)
    done = link["done"].strip()
    if re.fullmatch(r"[rw-]+", done) and len(done) <= len(exs):
        for ex, c in zip(exs, done, strict=False):  # done may stop before the set does
            if c != "-":
                S["px.results"][result_key(ex)] = c == "r"
    else:
        messages.append(t("ex.err.done", lang, value=plain(link["done"]), n=len(exs)))


def step_links(ex: X.Exercise, label: str) -> None:
    """Links to the exercise's scenario on the step page, at the step its answer is about: one
    per mode for an exercise about both (side by side the step page narrates only the shadow
    run). They open a new tab: following one here would leave this set's place and score behind."""
    modes = X.link_modes(ex)
    out = []
    for mode in modes:
        href = html.escape(X.step_link(ex, lang, mode), quote=True)
        text = t(label if len(modes) == 1 else f"{label}.{mode}", lang, step=X.step_number(ex.step))
        out.append(f'<div class="px-step-link" data-mode="{mode}"><a href="{href}" target="_blank" '
                   f'rel="noopener">{esc(text)} ↗</a></div>')
    ui.html("".join(out))


def md(text: str) -> str:
    """Generated text for Markdown: escaped, and not cut (explanations run long)."""
    return plain(text, 20_000)




# -- callbacks --------------------------------------------------------------------------------------------
def move(delta: int) -> None:
    S["px.i"] = min(max(S["px.i"] + delta, 0), len(exs) - 1)
    S.pop("px.revealed", None)


def reveal() -> None:
    S["px.revealed"] = S["px.i"]


def on_present(value: bool) -> None:
    S["px.present"] = value
    S.pop("px.revealed", None)


def answer_key(ex, f, lang_: str) -> str:
    # choice widgets' labels change with the language: the language is part of their key
    suffix = f".{lang_}" if f.choices else ""
    return f"px_ans.{ex.key}.{f.name}.{f.mode}{suffix}"


def on_check(ex) -> None:
    rk = result_key(ex)
    if rk in S["px.results"]:  # scored once (a form sent from a page drawn before the first check)
        S["_px_refused"] = rk
        return
    lang_ = S.get("lang", "en")
    responses = {(f.name, f.mode): S.get(answer_key(ex, f, lang_)) for f in ex.fields}
    if not any(v.strip() if isinstance(v, str) else v for v in responses.values()):
        S["_px_empty"] = rk  # a question is scored once: a Check with nothing given is not an answer
        return
    verdicts = X.check(ex, responses)
    S["px.results"][rk] = all(verdicts.values())
    S["px.checked"][rk] = {"responses": responses, "verdicts": verdicts}
    S["_px_toast"] = rk  # the verdict may be below the fold: say it where it is seen


def on_set_changed() -> None:
    S["px.seed"] = int(S["px_seed_box"])
    S["px.count"] = int(S["px_count_box"])
    # none picked: all kinds (as a link without kind=)
    chosen = tuple(k for k in X.KINDS if k in (S.get(f"px_kinds.{S.get('lang', 'en')}") or ()))
    S["px.kinds"] = chosen or X.KINDS
    S["px.i"] = 0
    S.pop("px.revealed", None)


def on_next_seed() -> None:
    S["px.seed"] = min(S["px.seed"] + 1, X.MAX_SEED)
    S["px.i"] = 0
    S.pop("px.revealed", None)


def kind_param():
    return None if tuple(S["px.kinds"]) == X.KINDS else ",".join(S["px.kinds"])


def score_text() -> str:
    results = S["px.results"]
    mine = [v for (seed, _i, kind), v in results.items() if seed == S["px.seed"] and kind in S["px.kinds"]]
    if not mine:
        return t("ex.page.score_none", lang)
    return t("ex.page.score", lang, right=sum(mine), n=len(mine))


ex = exercise(*exs[S["px.i"]])
position = t("ex.page.position", lang, i=S["px.i"] + 1, n=len(exs))


def answer_lines(e) -> list[str]:
    return [f"{X.field_label(f, lang)}: {X.answer_text(e, f, lang)}" for f in e.fields]


def field_list(fields) -> str:
    """Field labels for a verdict, each quoted: “gPA” and “MA”."""
    quoted = [t("ex.page.quoted", lang, text=X.field_label(f, lang)) for f in fields]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + t("ex.page.and", lang) + quoted[-1]


def verdict_text(e, result: bool, verdicts) -> str:
    """What the check said: right, or which answers were not (and which were), by field."""
    if result:
        return t("ex.page.right", lang)
    if verdicts is None:  # checked before a reload: only the verdict survived
        return t("ex.page.wrong_kept", lang)
    wrong = [f for f in e.fields if not verdicts[(f.name, f.mode)]]
    right = [f for f in e.fields if verdicts[(f.name, f.mode)]]
    said = t("ex.page.wrong" if len(wrong) == 1 else "ex.page.wrong_many", lang, fields=field_list(wrong))
    if right:
        said += " " + t("ex.page.right_part" if len(right) == 1 else "ex.page.right_part_many", lang,
                        fields=field_list(right))
    return said


def answer_widgets(e, responses) -> None:
    """The answer given, in widgets that cannot be changed (their own keys: nothing is set from here)."""
    for f in e.fields:
        got = responses.get((f.name, f.mode))
        key = f"px_given.{e.key}.{f.name}.{f.mode}.{lang}"
        label = X.field_label(f, lang)
        if f.kind == "choice":
            st.radio(label, list(f.choices), key=key, horizontal=True, disabled=True,
                     index=list(f.choices).index(got) if got in f.choices else None,
                     format_func=lambda v, f=f: X.choice_label(f, v, lang))
        elif f.kind == "set":
            st.multiselect(label, list(f.choices), key=key, disabled=True,
                           default=[v for v in (got or ()) if v in f.choices],
                           format_func=lambda v, f=f: X.choice_label(f, v, lang), placeholder=t("ex.none", lang))
        else:
            st.text_input(label, key=key, value=str(got or ""), disabled=True)


# -- presenter view: one question full-screen ---------------------------------------------------------
PRESENT_CSS = """
<style>
.px-status { font-size: 20px; color: #102027; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.px-question { font-size: 28px; line-height: 1.3; color: #102027; margin: 4px 0 8px 0; }
[data-testid="stSidebar"] { display: none !important; }
.px-given { font-family: "DejaVu Sans Mono", monospace; font-size: 18px; line-height: 1.3; background: #f4f6f8;
  color: #102027; padding: 6px 12px; margin: 0; border-radius: 6px; overflow: hidden; }
.px-given .px-block > div { white-space: pre; }
.px-given.cols { column-count: 2; column-gap: 2rem; font-size: 16px; }
.px-given.cols .px-block { break-inside: avoid; }
.px-ask { font-size: 24px; color: #102027; margin: 8px 0 0 0; }
.px-answer { font-size: 26px; font-weight: 600; color: #1b5e20; margin: 8px 0 4px 0; }
.px-why { font-size: 19px; line-height: 1.35; color: #102027; max-height: 38vh; overflow-y: auto; }
</style>
"""


def presenter() -> None:
    ui.lecture_style()
    ui.html(PRESENT_CSS)
    ui.page_keys(PRESENT_KEYS, "practice_keys", {"pxp_next": lambda: move(1), "pxp_prev": lambda: move(-1),
                                                 "pxp_reveal": reveal})
    c = st.columns([1, 1, 1.3, 1.1], vertical_alignment="center", gap="small")
    c[0].button(t("ex.page.prev", lang), key="pxp_prev", on_click=move, args=(-1,), disabled=S["px.i"] == 0,
                width="stretch", icon=":material/chevron_left:", help=t("ex.page.key_prev", lang))
    c[1].button(t("ex.page.next", lang), key="pxp_next", on_click=move, args=(1,),
                disabled=S["px.i"] >= len(exs) - 1, width="stretch", icon=":material/chevron_right:",
                icon_position="right", help=t("ex.page.key_next", lang))
    c[2].button(t("ex.page.reveal", lang), key="pxp_reveal", on_click=reveal, type="primary", width="stretch",
                icon=":material/visibility:", help=t("ex.page.key_reveal", lang),
                disabled=S.get("px.revealed") == S["px.i"])  # shown: nothing more to reveal
    c[3].button(t("ex.page.exit", lang), key="pxp_exit", on_click=on_present, args=(False,), width="stretch",
                icon=":material/close_fullscreen:")
    ui.html(f'<div class="px-status" data-q="{S["px.i"] + 1}"><b>{esc(position)}</b> — '
            f'{esc(X.kind_title(ex.kind, lang))} — {esc(t("ex.page.seed_is", lang, seed=S["px.seed"]))}</div>')
    ui.html(f'<div class="px-question" data-q="{S["px.i"] + 1}">{esc(X.question(ex, lang))}</div>')
    given = X.given(ex, lang)
    cols = " cols" if len(given) > 14 else ""
    # one div a line (ui.html drops "\n"); a table's entries (indented deeper) stay with their table
    # in one block, so two columns never split "PD @ gPA 0x2000:" from its entries
    blocks: list[list[str]] = []
    for line in given:
        if blocks and blocks[-1] and line.startswith("    "):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    body = "".join('<div class="px-block">' + "".join(f"<div>{esc(line) or '&nbsp;'}</div>" for line in b)
                   + "</div>" for b in blocks)
    ui.html(f'<div class="px-given{cols}">{body}</div>')
    asks = []
    for f in ex.fields:
        opts = " · ".join(X.choice_label(f, v, lang) for v in f.choices)
        asks.append(f"{X.field_label(f, lang)}" + (f": {opts}" if opts and f.kind == "choice" else " = ?"))
    if S.get("px.revealed") == S["px.i"]:
        ui.html('<div class="px-answer" data-revealed="1">' + "<br>".join(esc(a) for a in answer_lines(ex))
                + f'</div><div class="px-why">{esc(X.explanation(ex, lang))}</div>')
    else:
        ui.html('<div class="px-ask">' + "<br>".join(esc(a) for a in asks) + "</div>")
    ui.write_params(seed=S["px.seed"], kind=kind_param(), count=S["px.count"], q=S["px.i"] + 1, lang=lang,
                    present=1)


if S.get("px.present"):
    ui.show(messages)
    presenter()
    st.stop()

# -- the page -------------------------------------------------------------------------------------------
ui.language_switch(lang)
st.title(t("nav.practice", lang))
ui.show(messages)
st.caption(t("ex.page.intro", lang))

# the set's widgets follow the set (a link, Next seed, a language switch) only where they differ from
# it: setting a widget's value on every run would lose a click made meanwhile
c = st.columns([1.1, 0.9, 1.1, 1.1, 1.8], vertical_alignment="bottom")
if S.get("px_seed_box") != S["px.seed"]:
    S["px_seed_box"] = S["px.seed"]
c[0].number_input(t("ex.page.seed", lang), min_value=0, max_value=X.MAX_SEED, step=1, key="px_seed_box",
                  on_change=on_set_changed, help=t("ex.page.seed_help", lang))
if S.get("px_count_box") != S["px.count"]:
    S["px_count_box"] = S["px.count"]
c[1].number_input(t("ex.page.count", lang), min_value=1, max_value=X.MAX_COUNT, step=1, key="px_count_box",
                  on_change=on_set_changed)
c[2].button(t("ex.page.new_set", lang), key="px_new", on_click=on_next_seed, width="stretch",
            icon=":material/casino:", help=t("ex.page.new_set_help", lang))
c[3].button(t("ex.page.present", lang), key="px_present", on_click=on_present, args=(True,), width="stretch",
            icon=":material/slideshow:", help=t("ex.page.present_help", lang))
# the kinds as pills on a row of their own: every kind's name readable at 1280 px (a multiselect
# of five long German names showed two and a half). The key holds the language: the labels do.
kinds_key = f"px_kinds.{lang}"
if S.get(kinds_key) != list(S["px.kinds"]):
    S[kinds_key] = list(S["px.kinds"])
for other in ("en", "de"):
    if other != lang:
        S.pop(f"px_kinds.{other}", None)
st.pills(t("ex.page.kinds", lang), list(X.KINDS), selection_mode="multi", key=kinds_key, on_change=on_set_changed,
         format_func=lambda k: X.kind_title(k, lang), help=t("ex.page.kinds_help", lang))

nav = st.columns([1, 1, 3, 2], vertical_alignment="center")
nav[0].button(t("ex.page.prev", lang), key="px_prev", on_click=move, args=(-1,), disabled=S["px.i"] == 0,
              width="stretch", icon=":material/chevron_left:")
nav[1].button(t("ex.page.next", lang), key="px_next", on_click=move, args=(1,), disabled=S["px.i"] >= len(exs) - 1,
              width="stretch", icon=":material/chevron_right:", icon_position="right")
nav[2].markdown(f"**{position}** — {md(X.kind_title(ex.kind, lang))}")
nav[3].markdown(f'<div class="px-score">{esc(score_text())}</div>', unsafe_allow_html=True)

rk = result_key(ex)
result = S["px.results"].get(rk)  # None: not checked yet
checked = S["px.checked"].get(rk)  # None: not checked in this session (a reload kept only the verdict)
with st.container(border=True):
    st.markdown(md(X.question(ex, lang)))
    st.code("\n".join(X.given(ex, lang)), language=None, wrap_lines=True)
    if S.pop("_px_refused", None) == rk:
        st.warning(t("ex.page.refused", lang), icon=":material/block:")
    if S.pop("_px_empty", None) == rk and result is None:
        st.warning(t("ex.page.empty", lang), icon=":material/edit:")
    if result is not None:
        if checked:
            answer_widgets(ex, checked["responses"])
        else:
            st.caption(t("ex.page.given_lost", lang))
        st.caption(":material/lock: " + t("ex.page.scored_once", lang))
    else:
        with st.form(f"px_form.{ex.key}", border=False):
            for f in ex.fields:
                key = answer_key(ex, f, lang)
                label = X.field_label(f, lang)
                if f.kind == "choice":
                    st.radio(label, list(f.choices), key=key, index=None, horizontal=True,
                             format_func=lambda v, f=f: X.choice_label(f, v, lang))
                elif f.kind == "set":
                    st.multiselect(label, list(f.choices), key=key, placeholder=t("ex.page.pick", lang),
                                   format_func=lambda v, f=f: X.choice_label(f, v, lang))
                else:
                    st.text_input(label, key=key, placeholder=t("ex.page.hex_hint" if f.kind == "hex" else
                                                                  "ex.page.int_hint", lang))
            st.form_submit_button(t("ex.page.check", lang), key="px_check", on_click=on_check, args=(ex,),
                                  type="primary", icon=":material/check:")

    if result is not None:
        said = verdict_text(ex, result, checked["verdicts"] if checked else None)
        if result:
            icon = ":material/check_circle:"
            st.success(said, icon=icon)
        else:
            icon = ":material/cancel:"
            st.error(said, icon=icon)
        if S.pop("_px_toast", None) == rk:  # short: a toast cuts a long verdict off
            st.toast(t("ex.page.right" if result else "ex.page.wrong_toast", lang), icon=icon)
        st.markdown("**" + t("ex.page.answer", lang) + "** " + md("; ".join(answer_lines(ex))))
        st.info(md(X.explanation(ex, lang)), icon=":material/lightbulb:")
        step_links(ex, "ex.page.see_it")
        st.markdown(f"**{md(score_text())}**")

with st.expander(t("ex.page.scenario", lang)):
    st.caption(t("ex.page.generated", lang, step=X.step_number(ex.step)))
    step_links(ex, "ex.page.open_step")
    st.code(ex.scenario, language="toml")
    commands = [f"python -m visualizer run exercise-{ex.key}.toml --mode {m} --csv steps-{m}.csv --json"
                for m in X.link_modes(ex)]
    st.code("\n".join(commands), language="sh")
    st.caption(t("ex.page.csv_steps", lang, step=X.step_number(ex.step), row=ex.step))
    st.download_button(t("ex.page.download", lang), ex.scenario, f"exercise-{ex.key}.toml", "application/toml",
                       key="px_dl", on_click="ignore", icon=":material/download:")

with st.expander(t("exp.sheet", lang), icon=":material/print:"):  # the set on paper, with the answer key
    # the whole set is made when the sheet is asked for, in a worker (bounded in memory and time)
    sheet_task = executor.Task(make_sheet, (S["px.seed"], tuple(S["px.kinds"]), S["px.count"], lang, sheet_command(lang)),
                               cpu=budget.TASK_CPU_SECONDS)
    downloads.sheet(lambda: executor.default().submit(sheet_task).result(), f"exercises-seed{S['px.seed']}-{lang}",
                    lang)

ui.write_params(seed=S["px.seed"], kind=kind_param(), count=S["px.count"], q=S["px.i"] + 1, lang=lang,
                present=None, done=done_param())
