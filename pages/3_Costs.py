"""Costs: every value of the engine's cost model, its default, its source and presets."""
from __future__ import annotations

import streamlit as st

from visualizer.app import state_link, ui
from visualizer.engine.costs import COSTS, PRESETS_VM_EXIT, PRESETS_WALK_REF, CostTable
from visualizer.render import compare as R
from visualizer.text.i18n import number, t
from visualizer.text.plain import plain

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.costs")
ui.language_switch(lang)
DEFAULTS = CostTable()
CUSTOM = "custom"

if "cost_overrides" not in S:
    S["cost_overrides"] = {}
# changed costs live in the address bar too (cost.walk_ref=200): a reload or a copied link keeps them
S["cost_overrides"], problems = state_link.read_costs(ui.incoming(state_link.cost_names()), S["cost_overrides"])
messages += [t("link.err.cost", lang, name=p.fields["name"], value=plain(p.fields["value"], 40),
               limit=number(p.fields["limit"], lang)) for p in problems]


def current() -> CostTable:
    return DEFAULTS.with_overrides(S["cost_overrides"])


def set_cost(name: str, value: int) -> None:
    overrides = dict(S["cost_overrides"])
    overrides[name] = int(value)
    S["cost_overrides"] = R.cost_overrides(overrides)


def on_value(name: str) -> None:
    set_cost(name, S[f"_cost.{name}"])


def on_preset(which: str) -> None:
    choice = S[f"cost.preset.{which}"]
    table = PRESETS_WALK_REF if which == "walk" else PRESETS_VM_EXIT
    if choice in table:
        set_cost("walk_ref" if which == "walk" else "vm_exit", table[choice])


def on_reset() -> None:
    S["cost_overrides"] = {}


costs = current()
# widgets show the session's values (they live on while other pages are shown)
for c in COSTS:
    S[f"_cost.{c.name}"] = getattr(costs, c.name)
S["cost.preset.walk"] = next((k for k, v in PRESETS_WALK_REF.items() if v == costs.walk_ref), CUSTOM)
S["cost.preset.exit"] = next((k for k, v in PRESETS_VM_EXIT.items() if v == costs.vm_exit), CUSTOM)

st.title(t("cost.title", lang))
ui.show(messages)
st.markdown(t("cost.intro", lang))

st.subheader(t("cost.presets", lang))
p1, p2 = st.columns(2, gap="large")
walk_options = list(PRESETS_WALK_REF) + [CUSTOM]
# the labels change with the language: ui.localized keeps the choice across switches
ui.localized(p1.radio, t("cost.preset.walk", lang), walk_options, "cost.preset.walk", lang, horizontal=True,
             on_change=on_preset, args=("walk",),
             format_func=lambda k: t("cost.preset.custom", lang) if k == CUSTOM else f"{k} ({PRESETS_WALK_REF[k]})")
exit_options = list(PRESETS_VM_EXIT) + [CUSTOM]
ui.localized(p2.radio, t("cost.preset.exit", lang), exit_options, "cost.preset.exit", lang, horizontal=True,
             on_change=on_preset, args=("exit",),
             format_func=lambda k: t("cost.preset.custom", lang) if k == CUSTOM
             else f"{t('cost.preset.' + k, lang)} ({number(PRESETS_VM_EXIT[k], lang)})")

head, reset = st.columns([3, 1], vertical_alignment="bottom")
head.subheader(t("cost.table", lang))
reset.button(t("cost.reset", lang), key="cost.reset", on_click=on_reset, disabled=not S["cost_overrides"],
             width="stretch")
for row in R.cost_rows(costs, lang):
    with st.container(border=True):
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        badges = []
        if row["estimate"]:
            badges.append(f":orange-badge[{t('cost.estimate', lang)}]")
        if row["changed"]:
            badges.append(f":blue-badge[{t('cost.changed', lang)}]")
        c1.markdown(f"**{row['label']}** " + " ".join(badges))
        c1.caption(f"{t('cost.default', lang, value=number(row['default'], lang))} · {row['source']}")
        c2.number_input(row["label"], min_value=0, max_value=10**9, step=10 if row["default"] < 10_000 else 1000,
                        key=f"_cost.{row['name']}", on_change=on_value, args=(row["name"],),
                        label_visibility="collapsed")

st.caption(t("cost.applies", lang))
st.subheader(t("cost.derived", lang))
st.table(R.derived_costs(costs, lang))

st.subheader(t("cost.pwc", lang))
st.info(t("cost.pwc.off", lang))
ui.write_params(lang=lang, **state_link.cost_params(S["cost_overrides"]))
