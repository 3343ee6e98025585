"""Compare: the same trace native, with shadow page tables and with nested page tables."""
from __future__ import annotations

import hashlib
import re
import shlex
import time

import streamlit as st
from streamlit.errors import StreamlitAPIException

from visualizer.app import compare_link as L
from visualizer.app import state_link, ui
from visualizer.app.bytecache import ByteLru
from visualizer.app.uploads import trace_bytes
from visualizer.engine import compare as C
from visualizer import executor as X
from visualizer.engine import inputs, tracefile, traceio
from visualizer.engine.costs import CostTable
from visualizer.engine.isolate import IsolationError, run_isolated
from visualizer.engine.scenario import ScenarioError
from visualizer.engine.workloads import GENERATORS, program_names
from visualizer.render import compare as R
from visualizer.text.i18n import CATALOGUE, number, percent, t
from visualizer.text.plain import plain

S = st.session_state
messages: list[str] = []
lang = ui.language(messages)
ui.page_config(lang, "nav.compare")
active = ui.scenario(messages, lang)
ui.language_switch(lang)
ui.write_params(lang=lang)

# one server for a class: an upload is held in the server's memory as it arrives, so a file is at
# most the server's upload limit (.streamlit/config.toml, maxUploadSize); gzip makes a real
# program's millions of accesses a few MB. It is read in a worker process; up to APP_KEEP_ROWS
# operations are kept parsed, a longer trace as uploaded (each run reads it again in a worker).
# The command line streams traces of any length (traceio.MAX_TRACE_ROWS).
APP_TRACE_BYTES = 16 << 20  # an uploaded file, as uploaded (compressed or not)
APP_TEXT_BYTES = 1 << 30    # its text after decompression
APP_TRACE_ROWS = 8_000_000
APP_KEEP_ROWS = 500_000
KINDS = [k for k in GENERATORS if k != "program"]
MACHINE_DEFAULTS = L.MACHINE_DEFAULTS
MMU_SWITCHES = ("pwc", "nested_tlb", "ept_large", "guest_large")
PAPER_MAX_ACCESSES = 100_000  # per run: 63 runs keep the page responsive
TLB_SIZES = L.TLB_SIZES


# -- widget state that survives visits to other pages -------------------------------------------
def keep(key: str, default):
    """Widgets use ``_key``; the value lives on in ``key`` while other pages are shown."""
    if key not in S:
        S[key] = default
    S["_" + key] = S[key]


def store(key: str):
    S[key] = S["_" + key]


def on_preset():
    """Today's machine or the bare one: set its switches (deselecting the chosen one changes nothing)."""
    if S.get("_cmp.preset") in L.PRESETS:
        L.set_preset(S, S["_cmp.preset"])
        for k in C.MACHINES[S["_cmp.preset"]]:
            S[f"_cmp.m.{k}"] = S[f"cmp.m.{k}"]


# -- cached results: st.cache_data keyed by a hash of (trace, settings) ---------------------------
class _Miss(Exception):
    pass


_MISS = object()


@st.cache_data(max_entries=24, show_spinner=False)
def _slot(key: str, _value):
    """Get (``_value`` is the miss marker) or put a result under ``key``; raising on a miss
    stores nothing. Computing outside keeps progress updates out of the cached call."""
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


GENERATED_BYTES = 128 << 20  # generated traces the server keeps for all sessions (one may take half)


@st.cache_resource(show_spinner=False)
def _generated_traces() -> ByteLru:
    """Generated traces of all sessions by (kind, seed, parameters), bounded in bytes: a trace of
    2,000,000 accesses holds about 40 MB, and ``st.cache_data`` kept 16 of them (and unpickled a
    copy on every rerun). The traces are shared, never changed."""
    return ByteLru(GENERATED_BYTES, GENERATED_BYTES // 2, size=trace_bytes)


def generated(kind: str, seed: int, params: tuple):
    from visualizer.engine.workloads import generate
    return _generated_traces().get_or_make((kind, seed, params), lambda: generate(kind, seed, **dict(params)))


@st.cache_data(max_entries=4, show_spinner=False)
def program_trace(name: str):
    return traceio.read_trace_file(traceio.TRACE_DIR / f"{name}.lackey.gz")


# -- page -------------------------------------------------------------------------------------
st.title(t("cmp.title", lang))
ui.show(messages)
st.markdown(t("cmp.intro", lang))

keep("cmp.seed", 1)
keep("cmp.program", "listwalk")
for k, v in MACHINE_DEFAULTS.items():
    keep(f"cmp.m.{k}", v)
for problem in L.apply_link(ui.incoming(L.link_names()), S, kinds=KINDS, programs=program_names()):
    st.warning(t("cmp.link.bad", lang, name=plain(problem.name, 40), value=plain(problem.value, 80),
                 expected=t(problem.expected, lang, **problem.values)))
# the costs changed on the Costs page are in this page's link too (cost.walk_ref=200)
S["cost_overrides"], cost_problems = state_link.read_costs(ui.incoming(state_link.cost_names()),
                                                          S.get("cost_overrides", {}))
for problem in cost_problems:
    st.warning(t("link.err.cost", lang, name=problem.fields["name"], value=plain(problem.fields["value"], 40),
                 limit=number(problem.fields["limit"], lang)))
for k in list(S):
    if isinstance(k, str) and k.startswith(("cmp.m.", "cmp.p.")) or k in ("cmp.seed", "cmp.program"):
        S["_" + k] = S[k]

trace = None
long_upload = None  # an upload too long to keep parsed: its bytes, read again by each run in a worker
base_config = None
source_name = ""
generator_spec = None
errors: list[str] = []

with st.container(border=True):
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("cmp.workload", lang))
        sources = ["generator", "program", "scenario", "upload"]
        # labels change with the language: ui.localized keeps the value across switches
        source = ui.localized(st.radio, t("cmp.source", lang), sources, "cmp.source", lang, default="generator",
                              horizontal=True, format_func=lambda s: t(f"cmp.source.{s}", lang, name=plain(active.name)))
        if source == "generator":
            c1, c2 = st.columns([3, 1])
            kind = ui.localized(c1.selectbox, t("cmp.kind", lang), KINDS, "cmp.kind", lang, default="mix",
                                format_func=lambda k: t(f"gen.{k}", lang))
            seed = c2.number_input(t("cmp.seed", lang), min_value=0, max_value=2**31 - 1, step=1, key="_cmp.seed",
                                   on_change=store, args=("cmp.seed",))
            st.caption(t(f"gdesc.{kind}", lang))
            params = {}
            cols = st.columns(3)
            for i, p in enumerate(L.generator_params(kind)):
                key = f"cmp.p.{kind}.{p.name}"
                keep(key, L.param_default(p))
                label = t(f"param.{p.name}", lang) if f"param.{p.name}" in CATALOGUE else p.name
                lo, hi = L.param_bounds(p)
                with cols[i % 3]:
                    params[p.name] = st.number_input(label, min_value=lo, max_value=hi,
                                                     step=(0.1 if hi == 1 else 1.0) if isinstance(lo, float) else 1,
                                                     key="_" + key, on_change=store, args=(key,))
            try:
                trace = generated(kind, int(seed), tuple(sorted(params.items())))
                generator_spec = (kind, params, int(seed))
                source_name = f"{kind} (seed {seed})"
            except ValueError as exc:
                errors.append(t("param.bad", lang, error=exc))
        elif source == "program":
            names = program_names()
            name = st.selectbox(t("cmp.program", lang), names, key="_cmp.program", on_change=store,
                                args=("cmp.program",))
            trace = program_trace(name)
            source_name = f"{name}.lackey.gz"
            st.caption(t("cmp.program.caption", lang, name=name, ops=number(len(trace), lang)))
        elif source == "scenario":
            trace, base_config, source_name = active.trace, active.config, f"{active.name}.toml"
            st.caption(t("cmp.scenario.caption", lang, name=plain(active.name), ops=number(len(trace), lang),
                          description=plain(active.describe(lang), 2000)))
            if not len(trace):
                errors.append(t("cmp.scenario.empty", lang, name=plain(active.name)))
                trace = None
        else:
            # a fresh uploader after each upload: Streamlit then drops the old file's bytes (the
            # parsed trace is all the session keeps)
            up = ui.uploader(t("cmp.upload", lang), ["csv", "txt", "log", "lackey", "out", "gz", "toml"],
                             f"cmp.uploader.{S.get('cmp.uploader.n', 0)}", lang, APP_TRACE_BYTES)
            st.caption(t("cmp.upload.caps", lang, mib=APP_TRACE_BYTES >> 20, rows=number(APP_TRACE_ROWS, lang)) +
                       " " + t("cmp.upload.bigger", lang, rows=number(traceio.MAX_TRACE_ROWS, lang)))
            with st.expander(t("cmp.record.title", lang), icon=":material/terminal:"):
                st.markdown(t("cmp.record.body", lang, mib=APP_TRACE_BYTES >> 20))
            if up is not None and S.get("cmp.upload.file_id") != up.file_id:
                S["cmp.upload.file_id"] = up.file_id
                try:
                    # read in a worker process (lower priority, memory-limited): the server's
                    # thread only waits, so stepping sessions keep the CPU
                    data = up.getvalue()
                    if len(data) > APP_TRACE_BYTES:  # the server's own limit refuses it first
                        raise traceio.TraceError(f"{up.name}: larger than {APP_TRACE_BYTES >> 20} MiB (the limit)")
                    loaded = run_isolated(inputs.read_upload, data, up.name, max_bytes=APP_TEXT_BYTES,
                                          max_rows=APP_TRACE_ROWS, keep_rows=APP_KEEP_ROWS, poll=ui.yield_check)
                    # the trace lives in the server-wide store (a byte budget over all sessions); a
                    # long one as uploaded
                    token = ui.upload_store().put(up.name, loaded.format, loaded.trace,
                                                  loaded.scenario.config if loaded.scenario else None,
                                                  replaces=(S.get("cmp.upload") or {}).get("token"),
                                                  data=data if loaded.trace is None else None, stats=loaded.stats,
                                                  operations=loaded.operations)
                    S["cmp.upload"] = {"name": up.name, "format": loaded.format, "token": token}
                    S.pop("cmp.upload.error", None)
                    S["cmp.uploader.n"] = S.get("cmp.uploader.n", 0) + 1
                    st.rerun()  # draw the fresh uploader: the old one's file goes with it
                except (ScenarioError, ValueError, OverflowError) as exc:
                    S["cmp.upload.error"] = str(exc)
                except (RecursionError, MemoryError, IsolationError):
                    S["cmp.upload.error"] = t("err.upload_shape", lang)
            if S.get("cmp.upload.error"):
                st.error(t("cmp.upload.error", lang, error=plain(S["cmp.upload.error"], 1000)))
                if S.get("cmp.upload"):
                    st.caption(t("cmp.upload.kept", lang, name=plain(S["cmp.upload"]["name"])))
            current = S.get("cmp.upload")
            stored = ui.upload_store().get(current.get("token")) if current else None
            if current is None:
                st.info(t("cmp.upload.none", lang))
            elif stored is None:
                st.warning(t("cmp.upload.evicted", lang, name=plain(current["name"]),
                             mib=ui.upload_store().budget >> 20))
            else:
                trace, base_config, source_name = stored.trace, stored.config, current["name"]
                long_upload = stored if stored.trace is None else None
                if not S.get("cmp.upload.error"):
                    st.caption(t("cmp.upload.loaded", lang, name=plain(current["name"]), fmt=current["format"],
                                  ops=number(stored.length, lang)) +
                               (" " + t("cmp.upload.long", lang) if long_upload is not None else ""))

    with right:
        st.subheader(t("cmp.machine", lang))
        design = S["cmp.m.design"] if S.get("cmp.m.design") in C.DESIGNS else "intel"
        # today's machine or the bare one in one click; the switches below change either
        S["_cmp.preset"] = L.preset_of(S)
        st.segmented_control(t("cmp.preset", lang), L.PRESETS, key="_cmp.preset", on_change=on_preset,
                             format_func=lambda p: t(f"cmp.preset.{p}", lang), help=t("cmp.preset.help", lang))
        if S["_cmp.preset"] is None:
            st.caption(t("cmp.preset.custom", lang))
        # labels differ by language: ui.localized keeps the value across a switch
        ui.localized(st.radio, t("cmp.design", lang), C.DESIGNS, "cmp.m.design", lang, default="intel",
                     horizontal=True, format_func=lambda d: t(f"cmp.design.{d}", lang), help=t("cmp.design.help", lang))
        c1, c2 = st.columns(2)
        c1.selectbox(t("cmp.tlb_entries", lang), TLB_SIZES, key="_cmp.m.tlb_entries", on_change=store,
                     args=("cmp.m.tlb_entries",))
        c2.selectbox(t("cmp.tlb_ways", lang), L.TLB_WAYS, key="_cmp.m.tlb_ways", on_change=store,
                     args=("cmp.m.tlb_ways",))
        # short labels (long ones were cut off in this column); what each means is in its help
        t1, t2 = st.columns(2)
        t1.toggle(t("cmp.pcid", lang), key="_cmp.m.pcid", on_change=store, args=("cmp.m.pcid",),
                  help=t("cmp.pcid.help", lang))
        t2.toggle(t(R.design_key("cmp.vpid", design), lang), key="_cmp.m.vpid", on_change=store, args=("cmp.m.vpid",),
                  help=t(R.design_key("cmp.vpid.help", design), lang))
        st.number_input(t("cmp.root_cache", lang), min_value=1, max_value=64, step=1, key="_cmp.m.root_cache",
                        on_change=store, args=("cmp.m.root_cache",))
        st.markdown(f"**{t('cmp.mmu', lang)}**")
        # one under another: two side by side cut "guest-physical mappings" off at 1280 px
        for k in MMU_SWITCHES:  # in the design's words (AMD: page-walk cache, nested TLB)
            st.toggle(t(R.design_key(f"cmp.mmu.{k}", design), lang), key=f"_cmp.m.{k}", on_change=store,
                      args=(f"cmp.m.{k}",), help=t(R.design_key(f"cmp.mmu.{k}.help", design), lang))
        st.caption(t("cmp.mmu.caption", lang))
        overrides = dict(S.get("cost_overrides", {}))
        costs = CostTable().with_overrides(overrides)
        st.caption(t("cmp.costs.summary", lang, walk_ref=number(costs.walk_ref, lang),
                      exit=number(costs.exit_total, lang), vm_exit=number(costs.vm_exit, lang),
                      vmm_handler=number(costs.vmm_handler, lang)))
        try:
            st.page_link("pages/3_Costs.py", label=t("cmp.costs.edit", lang), icon=":material/payments:")
        except StreamlitAPIException:  # the page run on its own, outside the app
            st.caption(t("cmp.costs.edit", lang) + ": pages/3_Costs.py")

ui.write_params(**L.link_of(S), **state_link.cost_params(S.get("cost_overrides", {})))  # a link to this comparison
for e in errors:
    st.error(e)
if trace is None and long_upload is None:
    st.stop()
shape = trace if trace is not None else long_upload.stats  # what the default machine is sized by

machine = {k: S[f"cmp.m.{k}"] for k in MACHINE_DEFAULTS}
settings = C.Settings.with_costs(overrides, **machine)
try:
    config = C.with_large_page_room(settings.apply(base_config if base_config is not None
                                                   else traceio.default_config(shape)), shape)
except ValueError as exc:
    st.error(t("cmp.error", lang, error=plain(exc, 1000)))
    st.stop()
st.caption(t("cmp.machine.from_scenario" if base_config is not None else "cmp.machine.default", lang,
              vms=plain(R.machine_summary(config, lang), 2000)))

trace_key = C.trace_digest(trace) if trace is not None else \
    "upload:" + hashlib.sha256(long_upload.data).hexdigest()
key = f"compare:{trace_key}:{C.config_digest(config)}"
bar = st.empty()


def localized(what: str) -> str:
    for m in R.MODE_ORDER:
        what = what.replace(m, R.mode_label(m, lang))
    return what or "…"


def report(fraction: float, what: str) -> None:
    bar.progress(min(1.0, fraction), text=t("cmp.running", lang, what=localized(what)))




def run_comparison():
    if trace is not None:
        return C.compare(config, trace, samples=120, progress=report, workers=C.default_workers(), cache_baseline=True)
    # a long upload: each mode a worker's task that reads the upload again (the server's thread waits)
    stream = tracefile.UploadStream(long_upload.data, long_upload.name, long_upload.operations,
                                    max_rows=APP_TRACE_ROWS, max_bytes=APP_TEXT_BYTES)
    return tracefile.compare_upload(config, stream, samples=120, cache_baseline=True, executor=X.for_sweeps(),
                                    workers=C.default_workers(), progress=report, poll=ui.yield_check)


try:
    cmp = cached(key, run_comparison)
except (ValueError, OverflowError, traceio.TraceError, RuntimeError) as exc:
    bar.empty()
    st.error(t("cmp.error", lang, error=plain(exc, 1000)))
    st.stop()
bar.empty()

# -- results -------------------------------------------------------------------------------------
explanation = C.explain(cmp)
st.subheader(t("cmp.results.cpa", lang))
cols = st.columns(3)
native = cmp["native"]
for col, mode in zip(cols, R.MODE_ORDER, strict=True):
    r = cmp[mode]
    if mode == "native" or not native.cycles:
        col.metric(R.mode_label(mode, lang, long=True), number(r.cycles_per_access, lang, 1),
                   delta=t("cmp.metric.baseline", lang), delta_color="off", delta_arrow="off", border=True)
    else:
        col.metric(R.mode_label(mode, lang, long=True), number(r.cycles_per_access, lang, 1),
                   delta=t("cmp.metric.delta", lang, over=percent(r.cycles / native.cycles - 1, lang, signed=True)),
                   delta_color="inverse", border=True)

with st.container(border=True):
    st.markdown(R.explanation_text(explanation, lang, cmp.design))
    st.markdown(R.cache_effect_text(C.cache_effect(cmp), lang, cmp.design))
    st.caption(t("cmp.ran", lang, ops=number(cmp.operations, lang), seconds=number(cmp.seconds, lang, 1)))

tab_causes, tab_curve, tab_counters, tab_cli = st.tabs(
    [t("cmp.tab.causes", lang), t("cmp.tab.curve", lang), t("cmp.tab.counters", lang), t("cmp.tab.cli", lang)])
with tab_causes:
    st.caption(t("cmp.causes.caption", lang))
    st.vega_lite_chart(R.causes_chart(cmp, lang), width="stretch")
with tab_curve:
    st.caption(t("cmp.curve.caption", lang))
    st.vega_lite_chart(R.curve_chart(cmp, lang), width="stretch")
with tab_counters:
    st.table(R.counters_table(cmp, lang))

with tab_cli:
    # the command names only files the user has: comparison.toml, a trace file of this
    # repository, the file they uploaded, or the active scenario's file offered beside it
    trace_file = None
    if source == "scenario":
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", active.name).strip("._") or "scenario"
        trace_file = (f"{safe}.toml", active.source, "application/toml") if active.source else \
            (f"{safe}.csv", traceio.write_csv(active.trace), "text/csv")
        source_name = trace_file[0]
    st.caption(t("cmp.cli.caption.generator", lang if generator_spec is not None else "cmp.cli.caption.trace",
                  trace=plain(source_name)))
    toml = C.config_to_toml(config, name="comparison", description=f"Comparison of {source_name}.",
                            generator=generator_spec)
    d1, d2 = st.columns(2)
    d1.download_button(t("cmp.cli.download", lang), toml.encode("utf-8"), file_name="comparison.toml",
                       mime="application/toml", key="cmp.cli.toml", on_click="ignore", icon=":material/download:")
    if trace_file is not None:
        d2.download_button(t("cmp.cli.download_trace", lang, file=plain(trace_file[0])),
                           trace_file[1].encode("utf-8"), file_name=trace_file[0], mime=trace_file[2],
                           key="cmp.cli.trace", on_click="ignore", icon=":material/download:")
    if generator_spec is not None:
        head = "python -m visualizer run comparison.toml"
    else:
        path = f"visualizer/traces/{source_name}" if source == "program" else source_name
        head = f"python -m visualizer run --trace {shlex.quote(path)} --scenario comparison.toml"
    lines = [f"{head} --mode {m} --json" for m in R.MODE_ORDER]
    if generator_spec is None and source in ("program", "upload"):
        # the three modes on one read of the trace, at any length
        lines.append(f"python -m visualizer compare --trace {shlex.quote(path)} --scenario comparison.toml --json")
    st.code("\n".join(lines), language="bash")

st.subheader(t("cmp.tab.sweep", lang))
st.caption(t("cmp.sweep.intro", lang))
c1, c2, c3 = st.columns([2, 3, 1])
param = ui.localized(c1.selectbox, t("cmp.sweep.param", lang), list(C.SWEEPS), "cmp.sweep.param", lang,
                     default="walk_ref", format_func=lambda p: t(f"sweep.{p}", lang))
spec = C.SWEEPS[param]
vkey = f"cmp.sweep.values.{param}"
keep(vkey, ", ".join(str(v) for v in spec.values))
values_text = c2.text_input(t("cmp.sweep.values", lang), key="_" + vkey, on_change=store, args=(vkey,))
keep("cmp.sweep.accesses", L.PAGE_ACCESSES)
accesses = c3.number_input(t("cmp.sweep.accesses", lang), min_value=1000, max_value=1_000_000, step=10_000,
                           key="_cmp.sweep.accesses", on_change=store, args=("cmp.sweep.accesses",))
values = R.parse_values(values_text, spec.integer)
if values is None:
    st.error(t("cmp.sweep.bad_values", lang, text=plain(values_text)))
elif param == "tlb_entries" and not all(1 <= v <= 65536 for v in values):
    st.error(t("cmp.sweep.bad_tlb", lang))
    values = None
elif param == "features" and not all(v < len(C.FEATURE_SETS) for v in values):
    st.error(t("cmp.sweep.bad_values", lang, text=plain(values_text)))
    values = None
elif param == "design" and not all(v < len(C.DESIGN_SETS) for v in values):
    st.error(t("cmp.sweep.bad_values", lang, text=plain(values_text)))
    values = None
if param == "features":
    st.caption(t("cmp.sweep.features", lang, points=", ".join(f"{i} = {R.feature_label(i, lang, design)}"
                                                               for i in range(len(C.FEATURE_SETS)))))
elif param == "design":
    st.caption(t("cmp.sweep.design.intro", lang) + " " +
               ", ".join(f"{i} = {R.design_label(i, lang)}" for i in range(len(C.DESIGN_SETS))) + ".")
sweep_trace = None if spec.target == "workload" else trace
sweep_long = spec.target != "workload" and long_upload is not None  # its first operations, read when run
# workload sweeps start from the mix parameters chosen above, if the mix generator is chosen
sweep_workload = ({k: v for k, v in generator_spec[1].items() if k != "accesses"}
                  if generator_spec is not None and generator_spec[0] == "mix" else {})
sweep_key = (f"sweep:{param}:{values}:{accesses}:{C.config_digest(settings.apply(config))}:"
             f"{trace_key if sweep_trace is not None or sweep_long else sorted(sweep_workload.items())}:{settings}")
if st.button(t("cmp.sweep.run", lang), key="cmp.sweep.run", type="primary", disabled=values is None):
    sbar = st.empty()

    def sreport(fraction: float, what: str) -> None:
        sbar.progress(min(1.0, fraction), text=t("cmp.running", lang, what=localized(what)))
    try:
        if sweep_long:
            sweep_trace = run_isolated(inputs.upload_head, long_upload.data, long_upload.name, int(accesses),
                                       max_bytes=APP_TEXT_BYTES, max_rows=APP_TRACE_ROWS, poll=ui.yield_check)
        result = cached(sweep_key, lambda: C.sweep(
            param, values, trace=sweep_trace, config=config if sweep_trace is not None else None,
            workload=sweep_workload, settings=settings, accesses=int(accesses), progress=sreport,
            workers=C.default_workers()))
        S["cmp.sweep"] = {"key": sweep_key, "result": result, "accesses": int(accesses)}
    except (ValueError, OverflowError) as exc:
        st.error(t("cmp.error", lang, error=plain(exc, 1000)))
    sbar.empty()
done = S.get("cmp.sweep")
if done is not None:
    r = done["result"]
    if done["key"] != sweep_key:
        st.caption(t("cmp.sweep.stale", lang))
    st.vega_lite_chart(R.sweep_chart(r, lang, design), width="stretch")
    text = R.sweep_text(r, lang, design)
    if text:
        st.markdown(text)
    if C.SWEEPS[r.param].categorical:
        st.table(R.sweep_table(r, lang, design))
    st.caption(t("cmp.sweep.ran", lang, points=len(r.values), modes=len(r.modes),
                  accesses=number(done["accesses"], lang), seconds=number(r.seconds, lang, 1)))

# -- paper check -----------------------------------------------------------------------------------
st.subheader(t("paper.title", lang))
keep("cmp.paper.accesses", C.PAPER_ACCESSES)
p1, p2 = st.columns([1, 3])
paper_accesses = p1.number_input(t("cmp.sweep.accesses", lang), min_value=1000, max_value=PAPER_MAX_ACCESSES,
                                 step=5000, key="_cmp.paper.accesses", on_change=store, args=("cmp.paper.accesses",))
st.caption(t("paper.intro", lang, accesses=number(int(paper_accesses), lang)))
paper_key = f"paper:v2:{int(paper_accesses)}"
paper = S.get("cmp.paper") if (S.get("cmp.paper") or {}).get("key") == paper_key else None
if p2.button(t("paper.run", lang), key="cmp.paper.run", type="primary"):
    pbar = st.empty()

    def preport(fraction: float, what: str) -> None:
        pbar.progress(min(1.0, fraction), text=t("cmp.running", lang, what=localized(what)))
    t0 = time.perf_counter()
    rows = cached(paper_key, lambda: C.paper_check(int(paper_accesses), progress=preport,
                                                   workers=C.default_workers()))
    paper = {"key": paper_key, "rows": rows, "seconds": time.perf_counter() - t0}
    S["cmp.paper"] = paper
    pbar.empty()
if paper is not None:
    st.table(R.paper_table(paper["rows"], lang))
    st.markdown(f"**{t('paper.gains.title', lang)}**")
    st.table(R.paper_gains_table(paper["rows"], lang))
    st.markdown(R.paper_text(paper["rows"], lang))
    st.caption(t("paper.ran", lang, runs=C.paper_runs(paper["rows"]), accesses=number(int(paper_accesses), lang),
                 seconds=number(paper["seconds"], lang, 1)))
