"""Overcommit: N VMs on a machine with less memory than they have, and the host's reclamation."""
from __future__ import annotations

import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from visualizer.app import overcommit_lab as L
from visualizer.app import ui
from visualizer.engine.isolate import IsolationError, run_isolated
from visualizer.engine.memory import OutOfMemory
from visualizer.engine.overcommit import run_lab
from visualizer.render import overcommit as R
from visualizer.text.i18n import number, percent, t
from visualizer.text.plain import plain

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.overcommit")
ui.language_switch(lang)
ui.write_params(lang=lang)


# -- widget state that survives visits to other pages -------------------------------------------
def keep(name: str) -> None:
    """Widgets use ``_oc.<name>``; the value lives on in ``oc.<name>`` while other pages are shown."""
    k = L.key(name)
    S[k] = L.value(S, name)
    S["_" + k] = S[k]


def store(name: str) -> None:
    S[L.key(name)] = S["_" + L.key(name)]


# -- cached results: the same lab gives the same result for everyone -----------------------------
class _Miss(Exception):
    pass


_MISS = object()


@st.cache_data(max_entries=32, show_spinner=False)
def _slot(key: str, _value):
    """Get (``_value`` is the miss marker) or put a result under ``key``; a miss stores nothing.
    Computing outside keeps the waiting (and its rerun checks) out of the cached call."""
    if _value is _MISS:
        raise _Miss
    return _value


def cached(key: str, compute):
    try:
        return _slot(key, _MISS)
    except _Miss:
        value = compute()
        _slot(key, value)
        return value


def isolated(fn, *args, note):
    """``fn(*args)`` in a child process at a lower priority (the server's thread only waits, so
    other sessions keep the CPU); ``note`` is redrawn while waiting, which also ends the child if
    the page is rerun meanwhile."""
    t0 = time.perf_counter()

    def poll() -> None:
        note(time.perf_counter() - t0)
    return run_isolated(fn, *args, poll=poll)


# -- page -------------------------------------------------------------------------------------
st.title(t("oc.title", lang))
ui.show(messages)
for problem in L.apply_link(ui.incoming(L.link_names()), S):
    st.warning(t("oc.link.bad", lang, name=plain(problem.name, 40), value=plain(problem.value, 80),
                 expected=t(problem.expected, lang, **problem.values)))
for s in L.SETTINGS:
    keep(s.name)
st.markdown(t("oc.intro", lang))
step_params = {"scenario": "overcommit", "mode": "nested", "step": "0", "lang": lang}
try:
    st.page_link(ui.PAGES[1].path, label=t("oc.open_step", lang), icon=":material/footprint:",
                 query_params=step_params)
except (StreamlitAPIException, KeyError):  # the page run on its own, outside the app
    st.markdown(f"- [{t('oc.open_step', lang)}](/{ui.PAGES[1].url_path}?"
                f"{'&'.join(f'{k}={v}' for k, v in step_params.items())})")


def kib_label(kib: int) -> str:
    return f"{kib // 1024} MiB" if kib >= 1024 and kib % 1024 == 0 else f"{kib} KiB"


def number_box(container, name: str, label: str, **kw):
    s = L.BY_NAME[name]
    return container.number_input(label, min_value=s.lo, max_value=s.hi, step=s.step, key="_" + L.key(name),
                                  on_change=store, args=(name,), **kw)


with st.container(border=True):
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("oc.vms_box", lang))
        c1, c2 = st.columns(2)
        c1.slider(t("oc.vms", lang), min_value=1, max_value=10, key="_oc.vms", on_change=store, args=("vms",))
        c2.select_slider(t("oc.vm_kib", lang), L.VM_KIB, key="_oc.vm_kib", on_change=store, args=("vm_kib",),
                         format_func=kib_label)
        st.slider(t("oc.touched_pct", lang), min_value=10, max_value=95, step=5, key="_oc.touched_pct",
                  on_change=store, args=("touched_pct",))
        c1, c2 = st.columns(2)
        c1.slider(t("oc.zero_pct", lang), min_value=0, max_value=100, step=5, key="_oc.zero_pct", on_change=store,
                  args=("zero_pct",), help=t("oc.content.help", lang))
        c2.slider(t("oc.image_pct", lang), min_value=0, max_value=100, step=5, key="_oc.image_pct",
                  on_change=store, args=("image_pct",), help=t("oc.content.help", lang))
        c1, c2 = st.columns(2)
        number_box(c1, "work", t("oc.work", lang), help=t("oc.work.help", lang))
        number_box(c2, "seed", t("oc.seed", lang))
        ui.localized(st.radio, t("oc.mode", lang), L.MODES, "oc.mode", lang, default="nested", horizontal=True,
                     format_func=lambda m: t(f"mode.long.{m}", lang))
    with right:
        st.subheader(t("oc.host_box", lang))
        number_box(st, "machine_kib", t("oc.machine_kib", lang))
        machine_caption = st.empty()
        st.markdown(f"**{t('oc.policies', lang)}**")
        c1, c2 = st.columns(2)
        for col, name in ((c1, "salting"), (c2, "balloon"), (c1, "compression"), (c2, "host_swap")):
            col.toggle(t(f"oc.{name}", lang), key=f"_oc.{name}", on_change=store, args=(name,),
                       help=t(f"oc.{name}.help", lang))
        c1, c2 = st.columns(2)
        number_box(c1, "scan_pages", t("oc.scan_pages", lang), help=t("oc.scan_pages.help", lang))
        number_box(c2, "period", t("oc.period", lang), help=t("oc.period.help", lang))
        number_box(st, "min_free_pct", t("oc.min_free_pct", lang), format="%.1f", help=t("oc.min_free_pct.help", lang))
        minfree_caption = st.empty()

ui.write_params(**L.link_of(S))  # the address bar is a link to this lab
v = L.values(S)
vm_pages = L.pages_of(v["vm_kib"])
machine_pages = L.pages_of(v["machine_kib"])
pool = L.guest_pool(machine_pages)
if machine_pages >= 16 and pool > 0:
    vm_total = v["vms"] * vm_pages
    caption = "oc.machine.caption" if vm_total > pool else "oc.machine.roomy"
    machine_caption.caption(t(caption, lang, pool=number(pool, lang), vmm=number(machine_pages - pool, lang),
                              vm_total=number(vm_total, lang), ratio=number(round(vm_total / pool, 2), lang)))
    minfree_caption.caption(t("oc.minfree.caption", lang, pages=number(L.min_free_pages(v["min_free_pct"],
                                                                                        machine_pages), lang),
                              pct=percent(v["min_free_pct"] / 100, lang, decimals=1), pool=number(pool, lang),
                              esxi=percent(L.ESXI_MINFREE_PCT / 100, lang, decimals=1),
                              model=percent(L.MODEL_MINFREE_PCT / 100, lang, decimals=1)))
left.caption(t("oc.touched.caption", lang, touched=L.touched_pages(v), pages=vm_pages) + " " +
             t("oc.content.caption", lang, zero=percent(v["zero_pct"] / 100, lang),
               image=percent(v["image_pct"] / 100, lang),
               private=percent(max(0, 100 - v["zero_pct"] - v["image_pct"]) / 100, lang)))

cfg, problems = L.lab_config(v)
for p in problems:
    st.error(t(p.key, lang, **{k: plain(x, 1000) if isinstance(x, str) else x for k, x in p.values.items()}))

result = None
if cfg is not None:
    lab_key = f"lab:v1:{cfg!r}"
    note = st.empty()

    def running(seconds: float) -> None:
        note.caption(f"{t('oc.running', lang)} {number(seconds, lang, 1)} s")
    def compute():
        t0 = time.perf_counter()
        return isolated(run_lab, cfg, L.SAMPLES, note=running), time.perf_counter() - t0
    try:
        result, seconds = cached(lab_key, compute)
        note.empty()
        S["oc.result"] = {"key": lab_key, "result": result, "seconds": seconds}
    except OutOfMemory as exc:
        note.empty()
        off = not (cfg.reclaim.host_swap or cfg.reclaim.compression)
        st.error(t("oc.failed.exhausted" if off else "oc.failed", lang, error=plain(exc, 1000)))
    except (ValueError, RuntimeError, MemoryError, IsolationError) as exc:
        note.empty()
        st.error(t("oc.failed", lang, error=plain(exc, 1000) or type(exc).__name__))
if result is None and S.get("oc.result"):
    result = S["oc.result"]["result"]
    st.caption(t("oc.kept", lang))
if result is None:
    st.stop()

# -- results -------------------------------------------------------------------------------------
ok, lost = R.lost_text(result, lang)
(st.success if ok else st.error)(lost, icon=":material/verified:" if ok else ":material/error:")
end = R.end_pages(result)
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("oc.metric.states", lang), t(f"hoststate.{R.lowest_state(result)}", lang), border=True,
          delta=t("oc.metric.changes", lang, n=len(result.transitions)), delta_color="off", delta_arrow="off")
m2.metric(t("oc.metric.free", lang), number(R.fewest_free(result), lang), border=True,
          delta=t("oc.metric.free.delta", lang, min_free=number(result.min_free, lang)), delta_color="off",
          delta_arrow="off")
of_all = t("oc.metric.of", lang, n=number(result.config.vms * result.config.vm_pages, lang))
m3.metric(t("oc.metric.shared", lang), number(end["shared"], lang), border=True, help=t("oc.metric.shared.help", lang),
          delta=of_all, delta_color="off", delta_arrow="off")
m4.metric(t("oc.metric.reclaimed", lang), number(end["ballooned"] + end["compressed"] + end["swapped"], lang),
          border=True, help=t("oc.metric.reclaimed.help", lang), delta=of_all, delta_color="off", delta_arrow="off")
st.caption(t("oc.ran", lang, ops=number(result.ops, lang), vms=result.config.vms, samples=len(result.samples),
             seconds=number(S["oc.result"]["seconds"], lang, 2)))

st.subheader(t("oc.bands.title", lang))
st.caption(t("oc.bands.caption", lang))
st.vega_lite_chart(R.bands_chart(result, lang), width="stretch")

st.subheader(t("oc.host.title", lang))
st.caption(t("oc.host.caption", lang, min_free=number(result.min_free, lang)))
st.vega_lite_chart(R.host_chart(result, lang), width="stretch")
st.vega_lite_chart(R.states_chart(result, lang), width="stretch")
st.markdown(R.transitions_text(result, lang))
st.table(R.thresholds_table(result, lang))

st.subheader(t("oc.events.title", lang))
st.caption(t("oc.events.caption", lang))
st.vega_lite_chart(R.events_chart(result, lang), width="stretch")

st.subheader(t("oc.cost.title", lang))
st.caption(t("oc.cost.caption", lang, host=number(result.host_cycles, lang)))
st.vega_lite_chart(R.cycles_chart(result, lang), width="stretch")
with st.container(border=True):
    st.markdown(f"**{t('oc.double.title', lang)}**")
    st.markdown(R.double_paging_text(result, lang))

# -- Waldspurger's Figure 4 ---------------------------------------------------------------------------
st.subheader(t("oc.fig4.title", lang))
zero, image = v["zero_pct"], v["image_pct"]
content_ok = zero + image <= 100
st.caption(t("oc.fig4.intro", lang, zero=percent(zero / 100, lang), image=percent(image / 100, lang),
             pages=L.FIG4_TOUCHED))
fig4_key = f"fig4:v1:{zero}:{image}"
if st.button(t("oc.fig4.run", lang), key="oc.fig4.run", type="primary", disabled=not content_ok):
    fnote = st.empty()

    def sweeping(seconds: float) -> None:
        fnote.caption(f"{t('oc.fig4.running', lang)} {number(seconds, lang, 1)} s")
    try:
        t0 = time.perf_counter()
        off, on = cached(fig4_key, lambda: isolated(L.fig4_sweeps, zero / 100, image / 100, note=sweeping))
        S["oc.fig4"] = {"key": fig4_key, "zero": zero, "image": image, "off": off, "on": on,
                        "seconds": time.perf_counter() - t0}
    except (ValueError, RuntimeError, MemoryError, IsolationError) as exc:
        st.error(t("oc.failed", lang, error=plain(exc, 1000) or type(exc).__name__))
    fnote.empty()
done = S.get("oc.fig4")
if done is not None:
    if done["key"] != fig4_key:
        st.caption(t("oc.fig4.stale", lang, zero=percent(done["zero"] / 100, lang),
                     image=percent(done["image"] / 100, lang)))
    st.vega_lite_chart(R.fig4_chart(done["off"], done["on"], lang), width="stretch")
    st.table(R.fig4_table(done["off"], done["on"], lang))
    st.markdown(R.fig4_text(done["off"], done["on"], lang))
    st.caption(t("oc.fig4.ran", lang, seconds=number(done["seconds"], lang, 1)))
