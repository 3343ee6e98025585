"""Comparison results → tables, chart data, Vega-Lite specs and explanation text.

Pure functions of engine results and a language ("en" or "de"); the pages only show what
these return (``st.dataframe``, ``st.vega_lite_chart``, ``st.markdown``).
"""
from __future__ import annotations

from typing import Optional

import pandas as pd

from ..engine.compare import (CAUSE_ORDER, DESIGN_SETS, FEATURE_SETS, MAX_WALK_REFS, PAPER_GAINS, SWEEPS,
                               CacheEffect, Comparison, Explanation, PaperRow, SweepResult, causes, paper_means)
from ..engine.costs import COSTS, CostInfo, CostTable
from ..engine.events import Cause
from ..engine.ops import MachineConfig
from ..text.i18n import CATALOGUE, number, percent, t

MODE_ORDER = ("native", "shadow", "nested")
MODE_COLORS = {"native": "#8c8c8c", "shadow": "#e4572e", "nested": "#2e86ab"}
"""One colour per mode on every chart: grey baseline, warm software, cool hardware."""
CAUSE_COLORS = {
    Cause.WALK: "#2e86ab", Cause.VMM_WALK: "#6fb1cf",
    Cause.EXIT_HIDDEN_FAULT: "#f6ae2d", Cause.EXIT_GUEST_FAULT: "#f26419", Cause.EXIT_PT_WRITE: "#c1292e",
    Cause.EXIT_INVLPG: "#ff8c94", Cause.EXIT_CR3_LOAD: "#8f2d56", Cause.EXIT_EPT_VIOLATION: "#d17a22",
    Cause.GUEST_FAULT: "#7d5ba6", Cause.GUEST: "#b8b8b8", Cause.PMAP: "#8d6e63", Cause.VM_SWITCH: "#4f6d7a",
    Cause.TLB: "#a8dadc",
}


def num(value: float, lang: str, decimals: int = 0) -> str:
    """A number on this page: whole unless ``decimals`` are asked for."""
    return number(value, lang, decimals)


def mode_label(mode: str, lang: str, long: bool = False) -> str:
    return t(f"mode.{'long' if long else 'short'}.{mode}", lang)


def design_key(key: str, design: str) -> str:
    """``key.design`` where the catalogue words it for that MMU design (AMD's names: page-walk
    cache, nested TLB, ASID, nested page fault), else ``key``."""
    return f"{key}.{design}" if f"{key}.{design}" in CATALOGUE else key


def cause_label(cause: Cause, lang: str, design: str = "intel") -> str:
    key = f"cause.{cause.value}"
    return t(design_key(key, design), lang) if key in CATALOGUE else cause.value


def _modes(cmp: Comparison) -> list[str]:
    return [m for m in MODE_ORDER if m in cmp.results]


# -- tables ------------------------------------------------------------------------------------
def counters_table(cmp: Comparison, lang: str) -> pd.DataFrame:
    """The counters side by side: one row per counter, one column per mode (formatted text)."""
    modes = _modes(cmp)
    res = [cmp[m] for m in modes]
    native = cmp["native"] if "native" in cmp else None
    reasons = sorted({r for x in res for r in x.exits_by_reason}, key=lambda r: r.value)
    rows: list[tuple[str, list[str]]] = []

    def add(key: str, values, decimals: int = 0, **fmt):
        rows.append((t(key, lang, **fmt), [num(v, lang, decimals) for v in values]))

    add("row.operations", [cmp.operations] * len(res))
    add("row.accesses", [r.accesses for r in res])
    add("row.tlb_hits", [r.counters["tlb_hits"] for r in res])
    add("row.tlb_misses", [r.counters["tlb_misses"] for r in res])
    add("row.walk_refs", [r.counters["walk_refs"] for r in res])
    add("row.vmm_walk_refs", [r.counters["vmm_walk_refs"] for r in res])
    add("row.refs_per_miss", [r.refs_per_miss for r in res], 1)
    add("row.vm_exits", [r.exits for r in res])
    for reason in reasons:
        rows.append(("  " + cause_label(Cause.of_exit(reason), lang, cmp.design),
                     [num(r.exits_by_reason.get(reason, 0), lang) for r in res]))
    add("row.guest_faults", [r.counters["guest_faults"] for r in res])
    add("row.cycles", [r.cycles for r in res])
    add("row.cycles_per_access", [r.cycles_per_access for r in res], 1)
    if native is not None and native.cycles:
        rows.append((t("row.overhead", lang),
                     ["—" if r is native else percent(r.cycles / native.cycles - 1, lang, signed=True) for r in res]))
    add("row.frames", [r.frames["total"] - r.frames["free"] for r in res])
    df = pd.DataFrame([v for _, v in rows], index=[k for k, _ in rows],
                      columns=[mode_label(m, lang) for m in modes])
    df.index.name = t("col.metric", lang)
    return df


def causes_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """Long table for the stacked bar: mode, cause, cycles, cycles per access, stacking order."""
    modes = _modes(cmp)
    res = [cmp[m] for m in modes]
    order = causes(res)
    rows = []
    for m, r in zip(modes, res, strict=True):
        for i, c in enumerate(order):
            v = r.by_cause.get(c, 0)
            if v:
                rows.append({"mode": mode_label(m, lang), "cause": cause_label(c, lang, cmp.design), "key": c.value,
                             "cycles": int(v), "cycles_per_access": v / r.accesses if r.accesses else 0.0,
                             "share": v / r.cycles if r.cycles else 0.0, "order": i})
    return pd.DataFrame(rows, columns=["mode", "cause", "key", "cycles", "cycles_per_access", "share", "order"])


GERMAN_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]}
"""d3-format locale: the charts' axes and tooltips write 1.234,5 in German."""


def _locale(lang: str) -> dict:
    """Vega-Lite ``config`` entry formatting the chart's numbers in ``lang``."""
    return {"config": {"locale": {"number": GERMAN_NUMBERS}}} if lang == "de" else {}


def causes_chart(cmp: Comparison, lang: str) -> dict:
    """Vega-Lite spec: horizontal bars per mode, stacked by cause (cycles per access)."""
    df = causes_frame(cmp, lang)
    keys = [c for c in causes([cmp[m] for m in _modes(cmp)])]
    return {
        "data": {"values": df.to_dict("records")},
        "mark": {"type": "bar", "tooltip": True},
        "height": {"step": 46},
        "encoding": {
            "y": {"field": "mode", "type": "nominal", "title": None,
                  "sort": [mode_label(m, lang) for m in _modes(cmp)], "axis": {"labelFontSize": 13}},
            "x": {"field": "cycles_per_access", "type": "quantitative", "stack": "zero",
                  "title": t("col.cycles_per_access", lang)},
            "color": {"field": "cause", "type": "nominal", "title": t("col.cause", lang),
                      "scale": {"domain": [cause_label(c, lang, cmp.design) for c in keys],
                                "range": [CAUSE_COLORS.get(c, "#999999") for c in keys]},
                      "legend": {"orient": "bottom", "columns": 2, "labelLimit": 320}},
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [{"field": "mode", "title": t("col.mode", lang)},
                        {"field": "cause", "title": t("col.cause", lang)},
                        {"field": "cycles", "type": "quantitative", "format": ",", "title": t("col.cycles", lang)},
                        {"field": "cycles_per_access", "type": "quantitative", "format": ",.1f",
                         "title": t("col.cycles_per_access", lang)},
                        {"field": "share", "type": "quantitative", "format": ".0%", "title": t("col.share", lang)}],
        },
        **_locale(lang),
    }


def curve_frame(cmp: Comparison, lang: str) -> pd.DataFrame:
    """Long table: operations done, mode, cumulative cycles."""
    rows = []
    for m in _modes(cmp):
        r = cmp[m]
        for x, y in zip(r.ops_done.tolist(), r.cycles_done.tolist(), strict=True):
            rows.append({"operation": x, "mode": mode_label(m, lang), "cycles": y})
    return pd.DataFrame(rows, columns=["operation", "mode", "cycles"])


def _mode_scale(modes: list[str], lang: str) -> dict:
    return {"domain": [mode_label(m, lang) for m in modes], "range": [MODE_COLORS[m] for m in modes]}


def curve_chart(cmp: Comparison, lang: str) -> dict:
    df = curve_frame(cmp, lang)
    modes = _modes(cmp)
    return {
        "data": {"values": df.to_dict("records")},
        "mark": {"type": "line", "strokeWidth": 2.5},
        "height": 300,
        "encoding": {
            "x": {"field": "operation", "type": "quantitative", "title": t("col.operation", lang),
                  "scale": {"domain": [0, max(1, cmp.operations)], "nice": False}},
            "y": {"field": "cycles", "type": "quantitative", "title": t("col.cumulative", lang)},
            "color": {"field": "mode", "type": "nominal", "title": t("col.mode", lang),
                      "scale": _mode_scale(modes, lang), "legend": {"orient": "top"}},
            "tooltip": [{"field": "mode", "title": t("col.mode", lang)},
                        {"field": "operation", "type": "quantitative", "format": ",", "title": t("col.operation", lang)},
                        {"field": "cycles", "type": "quantitative", "format": ",", "title": t("col.cumulative", lang)}],
        },
        **_locale(lang),
    }


# -- sweeps ------------------------------------------------------------------------------------
def feature_label(index: int, lang: str, design: str = "intel") -> str:
    """A point of the ``features`` sweep by name ("paging-structure caches + guest-physical
    mappings"; AMD's names where the design is AMD's)."""
    if not 0 <= int(index) < len(FEATURE_SETS):
        return str(index)
    return t(design_key(f"feat.{FEATURE_SETS[int(index)][0]}", design), lang)


def design_label(index: int, lang: str) -> str:
    """A point of the ``design`` sweep by name ("no MMU caches", "Intel's MMU caches", …)."""
    return t(f"dsgn.{DESIGN_SETS[int(index)][0]}", lang) if 0 <= int(index) < len(DESIGN_SETS) else str(index)


def point_label(r: SweepResult, v, lang: str, design: str = "intel") -> str:
    """A categorical sweep's point by name."""
    return design_label(v, lang) if r.param == "design" else feature_label(v, lang, design)


def _categorical(r: SweepResult) -> bool:
    return SWEEPS[r.param].categorical if r.param in SWEEPS else False


def sweep_frame(r: SweepResult, lang: str, design: str = "intel") -> pd.DataFrame:
    rows = []
    categorical = _categorical(r)
    for m in [x for x in MODE_ORDER if x in r.modes]:
        rpm = r.refs_per_miss(m) or [0.0] * len(r.values)
        for v, cpa, miss, ex, refs in zip(r.values, r.cycles_per_access[m], r.tlb_misses[m], r.vm_exits[m], rpm,
                                          strict=True):
            rows.append({"x": point_label(r, v, lang, design) if categorical else float(v), "mode": mode_label(m, lang),
                         "cycles_per_access": round(cpa, 2), "tlb_misses": miss, "vm_exits": ex,
                         "refs_per_miss": round(refs, 2)})
    return pd.DataFrame(rows, columns=["x", "mode", "cycles_per_access", "tlb_misses", "vm_exits", "refs_per_miss"])


def sweep_table(r: SweepResult, lang: str, design: str = "intel") -> pd.DataFrame:
    """A categorical sweep as a table: one row per point, per mode its cycles per access and
    CPU walk references per TLB miss (formatted text)."""
    modes = [m for m in MODE_ORDER if m in r.modes]
    cols = [t("sweep.col.cpa", lang, mode=mode_label(m, lang)) for m in modes] + \
        [t("sweep.col.refs", lang, mode=mode_label(m, lang)) for m in modes]
    data = [[num(r.cycles_per_access[m][i], lang, 1) for m in modes] +
            [num(r.refs_per_miss(m)[i], lang, 2) if r.walk_refs else "—" for m in modes]
            for i in range(len(r.values))]
    df = pd.DataFrame(data, index=[point_label(r, v, lang, design) for v in r.values], columns=cols)
    df.index.name = t(f"sweep.{r.param}", lang)
    return df


def sweep_chart(r: SweepResult, lang: str, design: str = "intel") -> dict:
    """Vega-Lite spec: cycles per access against the swept value, one line per mode, a rule at
    each crossover of shadow and nested."""
    df = sweep_frame(r, lang, design)
    modes = [m for m in MODE_ORDER if m in r.modes]
    title = t(f"sweep.{r.param}", lang)
    x_enc = {"field": "x", "type": "quantitative", "title": title}
    xs = [float(v) for v in r.values]
    if _categorical(r):  # named settings, in sweep order
        x_enc = {"field": "x", "type": "nominal", "title": title,
                 "sort": [point_label(r, v, lang, design) for v in r.values],
                 "axis": {"labelAngle": 0, "labelLimit": 160}}
    elif SWEEPS[r.param].log and all(v > 0 for v in xs):
        x_enc["scale"] = {"type": "log", "domain": [min(xs), max(xs)], "nice": False}
        x_enc["axis"] = {"values": xs}
    else:
        x_enc["scale"] = {"domain": [min(xs), max(xs)], "nice": False, "zero": False}
    lines = {
        "mark": {"type": "line", "point": {"size": 60}, "strokeWidth": 2.5},
        "encoding": {
            "x": x_enc,
            "y": {"field": "cycles_per_access", "type": "quantitative", "title": t("col.cycles_per_access", lang)},
            "color": {"field": "mode", "type": "nominal", "title": t("col.mode", lang),
                      "scale": _mode_scale(modes, lang), "legend": {"orient": "top"}},
            "tooltip": [{"field": "mode", "title": t("col.mode", lang)}, {"field": "x", "title": title},
                        {"field": "cycles_per_access", "format": ",.1f", "title": t("col.cycles_per_access", lang)},
                        {"field": "tlb_misses", "format": ",", "title": t("row.tlb_misses", lang)},
                        {"field": "refs_per_miss", "format": ",.2f", "title": t("row.refs_per_miss", lang)},
                        {"field": "vm_exits", "format": ",", "title": t("row.vm_exits", lang)}],
        },
    }
    layers = [lines]
    cross = r.crossovers()
    if cross:
        decimals = _decimals(r)
        marks = [{"x": x, "label": "≈ " + num(x, lang, decimals)} for x, _, _ in cross]
        layers.append({
            "data": {"values": marks},
            "mark": {"type": "rule", "strokeDash": [6, 4], "color": "#444444"},
            "encoding": {"x": x_enc},
        })
        layers.append({
            "data": {"values": marks},
            "mark": {"type": "text", "align": "left", "dx": 5, "dy": -6, "baseline": "bottom", "color": "#444444",
                     "fontSize": 12, "y": 0},
            "encoding": {"x": x_enc, "text": {"field": "label"}},
        })
    return {"data": {"values": df.to_dict("records")}, "height": 340, "layer": layers, **_locale(lang)}


def design_sweep_text(r: SweepResult, lang: str) -> str:
    """Markdown: the two designs on this trace, in nested mode, from the sweep's numbers."""
    at = {DESIGN_SETS[int(v)][0]: i for i, v in enumerate(r.values) if 0 <= int(v) < len(DESIGN_SETS)}
    if "nested" not in r.modes or not {"intel", "amd"} <= set(at):
        return ""
    cpa, refs = r.cycles_per_access["nested"], r.refs_per_miss("nested")
    i, a = cpa[at["intel"]], cpa[at["amd"]]
    if i == a:
        verdict = t("cmp.sweep.design.same", lang)
    else:
        cheaper, dearer = ("intel", "amd") if i < a else ("amd", "intel")
        verdict = t("cmp.sweep.design.cheaper", lang, cheaper=t(f"dsgn.who.{cheaper}", lang),
                    margin=percent(max(i, a) / min(i, a) - 1, lang), dearer=t(f"dsgn.who.{dearer}", lang))
    parts = [t("cmp.sweep.design", lang, intel_refs=num(refs[at["intel"]], lang, 2),
               amd_refs=num(refs[at["amd"]], lang, 2), intel_cpa=num(i, lang, 1), amd_cpa=num(a, lang, 1)), verdict]
    if "none" in at:
        parts.append(t("cmp.sweep.design.none", lang, refs=num(refs[at["none"]], lang, 2),
                       cpa=num(cpa[at["none"]], lang, 1)))
    return " ".join(parts)


def _decimals(r: SweepResult) -> int:
    cross = r.crossovers()
    return 0 if all(float(v).is_integer() for v in r.values) and all(abs(x) >= 10 for x, _, _ in cross) else 1


def sweep_text(r: SweepResult, lang: str, design: str = "intel") -> str:
    param = t(f"sweep.{r.param}", lang)
    if r.param == "design":
        return design_sweep_text(r, lang)
    if _categorical(r):  # named settings: the chart and the table tell it
        return t("cmp.sweep.features", lang,
                 points=", ".join(f"{v} = {feature_label(v, lang, design)}" for v in r.values))
    cross = r.crossovers()
    if not cross:
        if "shadow" not in r.modes or "nested" not in r.modes:
            return ""
        s, n = r.cycles_per_access["shadow"], r.cycles_per_access["nested"]
        winner = "shadow" if sum(s) < sum(n) else "nested"
        return t("cmp.sweep.none", lang, winner=mode_label(winner, lang))
    decimals = _decimals(r)
    return " ".join(t("cmp.sweep.cross", lang, param=param, x=num(x, lang, decimals),
                       before=mode_label(a, lang), after=mode_label(b, lang)) for x, a, b in cross)


# -- MMU caches: what they remove, and the paper check ------------------------------------------------
def cache_effect_text(e: Optional[CacheEffect], lang: str, design: str = "intel") -> str:
    """Markdown: how much of nested paging's cost the MMU caches remove (``None``: caches off)."""
    if e is None:
        return t(f"why.caches.off.{design}", lang)
    return t("why.caches", lang, whose=t(f"dsgn.whose.{design}", lang), on=num(e.refs_per_miss_on, lang, 1),
             off=num(e.refs_per_miss_off, lang, 1), walk=percent(e.walk_removed, lang),
             gap=percent(e.gap_removed, lang), over_off=percent(e.overhead_off, lang, signed=True),
             over_on=percent(e.overhead_on, lang, signed=True))


PAPER_COLUMNS = (("native", "none"), ("native", "intel_psc"), ("native", "amd_pwc"), ("nested", "none"),
                 ("nested", "intel_psc"), ("nested", "intel_gpm"), ("nested", "amd_pwc"), ("nested", "amd_ntlb"))
"""The paper table's columns: (mode, setting) — native only where its caches differ (native mode
has no nested dimension: neither the nested TLB nor guest-physical mappings apply there)."""


def paper_table(rows: list[PaperRow], lang: str) -> pd.DataFrame:
    """One row per workload and the mean: CPU walk references per TLB miss natively and nested
    without MMU caches and with each design's."""
    cols = [(k, t("paper.col", lang, mode=mode_label(k[0], lang), caches=t(f"paper.set.{k[1]}", lang)))
            for k in PAPER_COLUMNS]
    data = [[num(r.refs_per_walk[k], lang, 2) for k, _ in cols] for r in rows]
    index = [t(f"gen.{r.workload}", lang) for r in rows]
    if rows:
        means = paper_means(rows)
        data.append([num(means[k], lang, 2) for k, _ in cols])
        index.append(t("paper.mean", lang))
    df = pd.DataFrame(data, index=index, columns=[label for _, label in cols])
    df.index.name = t("paper.workload", lang)
    return df


PUBLISHED_GAINS = {"pwc": (0.15, 0.38), "ntlb": (0.03, 0.07), "large": (0.03, 0.22)}
"""Bhargava et al. (ASPLOS'08, abstract): guest speed-ups from extending the page-walk cache to
the nested dimension, then adding the nested TLB, then hypervisor large pages (DOMAIN §8a)."""


def _range(lo: float, hi: float, lang: str, decimals: Optional[int] = None) -> str:
    a, b = percent(lo, lang, decimals=decimals), percent(hi, lang, decimals=decimals)
    return f"{a}–{b}" if a != b else a


def paper_gains_table(rows: list[PaperRow], lang: str) -> pd.DataFrame:
    """AMD's design, nested mode: how much faster each of Bhargava et al.'s three steps makes a
    workload, the model's range over the workloads and the published range."""
    names = [n for n, _, _ in PAPER_GAINS]
    gains = [r.gains() for r in rows]
    data = [[percent(g[n], lang, signed=True) for n in names] for g in gains]
    index = [t(f"gen.{r.workload}", lang) for r in rows]
    if rows:
        data.append([_range(min(g[n] for g in gains), max(g[n] for g in gains), lang) for n in names])
        index.append(t("paper.gains.model", lang))
    data.append([_range(*PUBLISHED_GAINS[n], lang, decimals=0) for n in names])
    index.append(t("paper.gains.published", lang))
    df = pd.DataFrame(data, index=index, columns=[t(f"paper.gain.{n}", lang) for n in names])
    df.index.name = t("paper.workload", lang)
    return df


def paper_text(rows: list[PaperRow], lang: str) -> str:
    """Markdown: the model's figures beside the published ones (both simulated), why a mean can
    exceed one walk's references, and where the model differs."""
    if not rows:
        return ""
    means = paper_means(rows)
    f = lambda k: num(means[k], lang, 1)  # noqa: E731
    parts = [t("paper.asplos22", lang, native_intel=f(("native", "intel_psc")), native_amd=f(("native", "amd_pwc")),
               nested_intel=f(("nested", "intel_gpm")), nested_amd=f(("nested", "amd_ntlb")),
               nested_none=f(("nested", "none")))]
    gains = [r.gains() for r in rows]
    rng = {n: _range(min(g[n] for g in gains), max(g[n] for g in gains), lang) for n, _, _ in PAPER_GAINS}
    parts.append(t("paper.bhargava", lang, pwc=rng["pwc"], ntlb=rng["ntlb"], large=rng["large"]))
    # a mean above what one walk reads: say why, with that run's numbers
    over = [(r.refs_per_walk[("nested", "none")], r) for r in rows
            if r.refs_per_walk[("nested", "none")] > MAX_WALK_REFS["nested"]]
    if over:
        refs, r = max(over, key=lambda x: x[0])
        parts.append(t("paper.retries", lang, refs=num(refs, lang, 1), workload=t(f"gen.{r.workload}", lang),
                       faults=num(r.faults.get(("nested", "none"), 0), lang),
                       misses=num(r.tlb_misses.get(("nested", "none"), 0), lang)))
    parts.append(t("paper.differs", lang))
    return "\n\n".join(parts)


# -- explanation ---------------------------------------------------------------------------------
def _item(d, lang: str, design: str = "intel") -> str:
    count = ""
    if d.count > 0:
        if d.cause.exit_reason is not None:
            count = t("why.count.exits", lang, n=num(d.count, lang))
        elif d.cause in (Cause.WALK, Cause.VMM_WALK):
            count = t("why.count.refs", lang, n=num(d.count, lang))
        elif d.cause is Cause.GUEST_FAULT:
            count = t("why.count.faults", lang, n=num(d.count, lang))
    return t("why.item", lang, cause=cause_label(d.cause, lang, design), cycles=num(d.cycles, lang), count=count)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('why.and', lang)} " + items[-1]


def walks_text(e: Explanation, lang: str, design: str = "intel") -> str:
    """Markdown: CPU walk references per TLB miss as this run measured them, what one walk reads
    at most, and — where a mean exceeds that — why (walks repeated after faults)."""
    native = num(e.native_refs_per_miss, lang, 1) if e.native_refs_per_miss is not None else "—"
    parts = [t("why.walks", lang, native=native, shadow=num(e.shadow_refs_per_miss, lang, 1),
               nested=num(e.nested_refs_per_miss, lang, 1))]
    over = [m for m, v in (("native", e.native_refs_per_miss), ("shadow", e.shadow_refs_per_miss),
                           ("nested", e.nested_refs_per_miss)) if v is not None and v > MAX_WALK_REFS[m]]
    if over:
        where = _join([t(f"why.walks.where.{m}", lang) for m in over], lang)
        parts.append(t(design_key("why.walks.retries", design), lang, where=where))
    return " ".join(parts)


def explanation_text(e: Explanation, lang: str, design: str = "intel") -> str:
    """Markdown: who wins, by how much, and which causes of cycles decide it."""
    if e.tie:
        return t("why.tie", lang, cycles=num(e.winner_cycles, lang))
    per = lambda c: num(c / e.accesses if e.accesses else 0, lang, 1)  # noqa: E731
    win, lose = mode_label(e.winner, lang), mode_label(e.loser, lang)
    cap = lambda s: s[:1].upper() + s[1:]  # noqa: E731
    parts = [t("why.head", lang, Winner=cap(win), loser=lose, margin=percent(e.margin, lang),
                loser_cpa=per(e.loser_cycles), winner_cpa=per(e.winner_cycles))]
    significant = [d for d in e.loser_extra if d.cycles >= 0.05 * (e.loser_cycles - e.winner_cycles)][:3]
    if significant:
        parts.append(t("why.loser_extra", lang, Loser=cap(lose),
                       items=_join([_item(d, lang, design) for d in significant], lang)))
    if e.winner_extra:
        parts.append(t("why.winner_extra", lang, Winner=cap(win),
                       items=_join([_item(d, lang, design) for d in e.winner_extra[:2]], lang)))
    if e.tlb_misses:
        parts.append(walks_text(e, lang, design))
    parts.append(t(f"why.rule.{e.winner}", lang))
    if e.native_cycles:
        parts.append(t("why.native", lang, native_cpa=per(e.native_cycles),
                       shadow_over=percent(e.overhead(e.loser_cycles if e.loser == "shadow" else e.winner_cycles),
                                           lang),
                       nested_over=percent(e.overhead(e.loser_cycles if e.loser == "nested" else e.winner_cycles),
                                           lang)))
    return "\n\n".join(parts)


# -- machine and costs -----------------------------------------------------------------------------
def _size(pages: int, lang: str) -> str:
    b = pages * 4096
    if b >= 1 << 30 and b % (1 << 30) == 0:
        return f"{b >> 30} GiB"
    if b >= 1 << 20 and b % (1 << 20) == 0:
        return f"{b >> 20} MiB"
    return f"{num(b >> 10, lang)} KiB"


def machine_summary(config: MachineConfig, lang: str) -> str:
    vms = "; ".join(f"{v.name} {_size(v.pages, lang)} ({', '.join(v.processes)})" for v in config.vms)
    tlb = f"TLB {config.tlb_entries}×{config.tlb_ways}"
    mmu = [t(design_key(f"cmp.mmu.{k}", config.design), lang) for k, on in
           (("pwc", config.pwc), ("nested_tlb", config.nested_tlb)) if on]
    caches = t("cmp.summary.caches", lang, whose=t(f"dsgn.whose.{config.design}", lang), caches=_join(mmu, lang)) \
        if mmu else t("cmp.summary.no_caches", lang)
    backing = t("cmp.summary.backing_2m" if config.ept_large_pages else "cmp.summary.backing_4k", lang)
    return f"{vms}; {_size(config.frames, lang)} {t('cmp.machine_memory', lang)}; {tlb}; {caches}; {backing}"


def cost_label(info: CostInfo, lang: str) -> str:
    return t(f"cost.label.{info.name}", lang)


def cost_source(info: CostInfo, lang: str) -> str:
    return t(f"cost.source.{info.name}", lang)


def cost_rows(costs: CostTable, lang: str) -> list[dict]:
    """One row per cost: name, label, value, default, source, estimate, changed."""
    return [{"name": c.name, "label": cost_label(c, lang), "value": getattr(costs, c.name), "default": c.default,
             "source": cost_source(c, lang), "estimate": c.estimate, "changed": getattr(costs, c.name) != c.default}
            for c in COSTS]


def derived_costs(costs: CostTable, lang: str) -> pd.DataFrame:
    """What the values add up to for the events that decide shadow against nested."""
    native_miss = 4 * costs.walk_ref
    nested_miss = 24 * costs.walk_ref
    exit_total = costs.exit_total
    extra = nested_miss - native_miss
    rows = [
        (t("cost.d.native_miss", lang), num(native_miss, lang)),
        (t("cost.d.nested_miss", lang), num(nested_miss, lang)),
        (t("cost.d.exit", lang), num(exit_total, lang)),
        (t("cost.d.hidden", lang), num(exit_total + 4 * costs.walk_ref, lang)),
        (t("cost.d.pt_write", lang), f"{num(exit_total, lang)} / 0"),
        (t("cost.d.breakeven", lang), num(exit_total / extra, lang, 1) if extra else "—"),
    ]
    return pd.DataFrame([v for _, v in rows], index=[k for k, _ in rows], columns=[t("col.cycles", lang)])


def cost_overrides(values: dict) -> dict:
    """Only the values that differ from the defaults (what the session keeps)."""
    return {c.name: int(values[c.name]) for c in COSTS if c.name in values and int(values[c.name]) != c.default}


def parse_values(text: str, integer: bool, limit: Optional[int] = 20) -> Optional[tuple]:
    """Comma-separated numbers ≥ 0 for a sweep ("4, 10, 40"); None when the text is not that."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts or (limit and len(parts) > limit):
        return None
    out = []
    for p in parts:
        try:
            v = float(p.replace("_", ""))
        except ValueError:
            return None
        if v < 0 or v != v or v > 1e9 or (integer and not v.is_integer()):
            return None
        out.append(int(v) if integer else v)
    return tuple(out)


__all__ = ["CAUSE_ORDER", "MODE_ORDER", "counters_table", "causes_frame", "causes_chart", "curve_frame", "curve_chart",
           "sweep_frame", "sweep_chart", "sweep_table", "sweep_text", "explanation_text", "walks_text",
           "machine_summary", "cost_rows", "derived_costs", "cost_overrides", "parse_values", "mode_label",
           "cause_label", "feature_label", "design_label", "design_key", "cache_effect_text", "paper_table",
           "paper_gains_table", "paper_text"]
