"""Home: what the tool shows, the legend, the scenario picker, the language, the pages."""
from __future__ import annotations

import streamlit as st

from visualizer.app import ui
from visualizer.app.session import Timeline
from visualizer.engine import Mode, builtin_names
from visualizer.render.figure import figure, highlight_of
from visualizer.render.legend import legend_html
from visualizer.text.plain import plain
from visualizer.engine.ops import MAX_MACHINE_BYTES, MAX_PROCESSES, MAX_VMS
from visualizer.text.i18n import number, t
from visualizer.render.svg import sized

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.home")
scenario = ui.scenario(messages, lang)
ui.language_switch(lang)

PREVIEW_STEP = 10


@st.cache_data(show_spinner=False, max_entries=4)
def preview_svg(lang: str) -> str:
    """The vSphere figure, live: esxi-figure after PREVIEW_STEP steps in shadow mode."""
    s = ui.builtin_scenario("esxi-figure")
    machine, step = Timeline(s.config, Mode.SHADOW, s.trace).state_at(PREVIEW_STEP)
    _, svg, _ = ui.draw(figure(machine, highlight_of(step, machine), lang))
    return svg


def on_builtin() -> None:
    name = S["_home_builtin"]
    ui.set_scenario(ui.builtin_scenario(name), True)
    S.pop("_upload_error", None)


def on_upload() -> None:
    up = S.get("_home_upload")
    if up is None:
        S.pop("_upload_error", None)
        return
    loaded, error = ui.load_upload(up.name, up.getvalue(), S.get("lang", "en"))
    if loaded is None:
        S["_upload_error"] = (up.name, error)
        return
    S.pop("_upload_error", None)
    ui.set_scenario(loaded, False)
    S["_upload_ok"] = (up.name, loaded.name)


st.title(t("app.title", lang))
ui.show(messages)
st.markdown(t("home.intro", lang))
st.markdown(t("home.modes", lang))

st.subheader(t("home.what", lang))
ui.svg_view(f'<div class="esxi-diagram" style="overflow-x:auto">{sized(preview_svg(lang))}</div>', "preview")
st.caption(t("home.preview", lang, step=PREVIEW_STEP))
st.markdown(f"**{t('home.legend', lang)}**")
ui.html(legend_html(None, lang))

st.subheader(t("home.pick", lang))
names = builtin_names()
S["_home_builtin"] = S["scenario_name"] if S.get("scenario_builtin") and S.get("scenario_name") in names else None
left, right = st.columns(2)
with left:
    st.selectbox(t("home.builtin", lang), names, key="_home_builtin", on_change=on_builtin)
with right:
    ui.uploader(t("home.upload", lang), ["toml"], "_home_upload", lang, ui.MAX_UPLOAD_BYTES, on_change=on_upload,
                help=t("home.upload_help", lang))
st.caption(t("home.caps", lang, kib=ui.MAX_UPLOAD_BYTES >> 10, gib=MAX_MACHINE_BYTES >> 30, vms=number(MAX_VMS, lang),
              procs=number(MAX_PROCESSES, lang)))
if "_upload_error" in S:
    fname, error = S["_upload_error"]
    st.error(t("home.upload_error", lang, file=plain(fname), error=plain(error, 1000), name=plain(S["scenario_name"])))
elif "_upload_ok" in S and not S.get("scenario_builtin"):
    st.success(t("home.uploaded", lang, file=plain(S["_upload_ok"][0]), name=plain(S["_upload_ok"][1])),
               icon=":material/upload_file:")
scenario = S["scenario"]
st.markdown(t("home.current", lang, name=plain(scenario.name), vms=len(scenario.config.vms), ops=len(scenario.trace),
              mode=t("mode.short." + scenario.mode.value, lang)))
if scenario.describe(lang):
    st.caption(plain(scenario.describe(lang), 2000))

st.subheader(t("home.pages", lang))
ui.page_links(lang)
st.markdown(t("home.lecture", lang))
ui.lecture_link(t("home.lecture_link", lang), lang)
st.caption(t("home.deeplink", lang))

ui.write_params(lang=lang, scenario=ui.scenario_param())
