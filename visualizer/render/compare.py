"""Comparison results → tables, chart data, Vega-Lite specs and explanation text.

Pure functions of engine results and a language ("en" or "de"); the pages only show what
these return (``st.dataframe``, ``st.vega_lite_chart``, ``st.markdown``).
"""
from __future__ import annotations

from typing import Optional

import pandas as pd

from ..engine.compare import (CAUSE_ORDER, FEATURE_SETS, PAPER_CACHES, SWEEPS, CacheEffect, Comparison, Explanation,
                               PaperRow, SweepResult, causes, paper_means)
from ..engine.costs import COSTS, CostInfo, CostTable
from ..engine.ops import MachineConfig
from ..text.i18n import CATALOGUE, number, percent, t

MODE_ORDER = ("native", "shadow", "nested")
MODE_COLORS = {"native": "#8c8c8c", "shadow": "#e4572e", "nested": "#2e86ab"}
"""One colour per mode on every chart: grey baseline, warm software, cool hardware."""
CAUSE_COLORS = {
    "walk": "#2e86ab", "vmm-walk": "#6fb1cf",
    "vm-exit:hidden-fault": "#f6ae2d", "vm-exit:guest-fault": "#f26419", "vm-exit:pt-write": "#c1292e",
    "vm-exit:invlpg": "#ff8c94", "vm-exit:cr3-load": "#8f2d56", "vm-exit:ept-violation": "#d17a22",
    "guest-fault": "#7d5ba6", "guest": "#b8b8b8", "pmap": "#8d6e63", "vm-switch": "#4f6d7a", "tlb": "#a8dadc",
}


def num(value: float, lang: str, decimals: int = 0) -> str:
    """A number on this page: whole unless ``decimals`` are asked for."""
    return number(value, lang, decimals)


def mode_label(mode: str, lang: str, long: bool = False) -> str:
    return t(f"mode.{'long' if long else 'short'}.{mode}", lang)


def cause_label(cause: str, lang: str) -> str:
    key = f"cause.{cause}"
    return t(key, lang) if key in CATALOGUE else cause


def _modes(cmp: Comparison) -> list[str]:
    return [m for m in MODE_ORDER if m in cmp.results]


# -- tables ------------------------------------------------------------------------------------
def counters_table(cmp: Comparison, lang: str) -> pd.DataFrame:
    """The counters side by side: one row per counter, one column per mode (formatted text)."""
    modes = _modes(cmp)
    res = [cmp[m] for m in modes]
    native = cmp["native"] if "native" in cmp else None
    reasons = sorted({r for x in res for r in x.counters["vm_exits_by_reason"]})
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
        rows.append(("  " + cause_label(f"vm-exit:{reason}", lang),
                     [num(r.counters["vm_exits_by_reason"].get(reason, 0), lang) for r in res]))
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
                rows.append({"mode": mode_label(m, lang), "cause": cause_label(c, lang), "key": c,
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
                      "scale": {"domain": [cause_label(c, lang) for c in keys],
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
def feature_label(index: int, lang: str) -> str:
    """A point of the ``features`` sweep by name ("PWC + nested TLB")."""
    return t(f"feat.{FEATURE_SETS[int(index)][0]}", lang) if 0 <= int(index) < len(FEATURE_SETS) else str(index)


def sweep_frame(r: SweepResult, lang: str) -> pd.DataFrame:
    rows = []
    categorical = SWEEPS[r.param].categorical if r.param in SWEEPS else False
    for m in [x for x in MODE_ORDER if x in r.modes]:
        for v, cpa, miss, ex in zip(r.values, r.cycles_per_access[m], r.tlb_misses[m], r.vm_exits[m], strict=True):
            rows.append({"x": feature_label(v, lang) if categorical else float(v), "mode": mode_label(m, lang),
                         "cycles_per_access": round(cpa, 2), "tlb_misses": miss, "vm_exits": ex})
    return pd.DataFrame(rows, columns=["x", "mode", "cycles_per_access", "tlb_misses", "vm_exits"])


def sweep_chart(r: SweepResult, lang: str) -> dict:
    """Vega-Lite spec: cycles per access against the swept value, one line per mode, a rule at
    each crossover of shadow and nested."""
    df = sweep_frame(r, lang)
    modes = [m for m in MODE_ORDER if m in r.modes]
    title = t(f"sweep.{r.param}", lang)
    x_enc = {"field": "x", "type": "quantitative", "title": title}
    xs = [float(v) for v in r.values]
    if SWEEPS[r.param].categorical:  # named settings, in sweep order
        x_enc = {"field": "x", "type": "nominal", "title": title, "sort": [feature_label(v, lang) for v in r.values],
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


def _decimals(r: SweepResult) -> int:
    cross = r.crossovers()
    return 0 if all(float(v).is_integer() for v in r.values) and all(abs(x) >= 10 for x, _, _ in cross) else 1


def sweep_text(r: SweepResult, lang: str) -> str:
    param = t(f"sweep.{r.param}", lang)
    if r.param in SWEEPS and SWEEPS[r.param].categorical:  # named settings: the chart tells it
        return t("cmp.sweep.features", lang, points=", ".join(f"{v} = {feature_label(v, lang)}" for v in r.values))
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
def cache_effect_text(e: Optional[CacheEffect], lang: str) -> str:
    """Markdown: how much of nested paging's cost the MMU caches remove (``None``: caches off)."""
    if e is None:
        return t("why.caches.off", lang)
    return t("why.caches", lang, on=num(e.refs_per_miss_on, lang, 1), off=num(e.refs_per_miss_off, lang, 1),
             walk=percent(e.walk_removed, lang), gap=percent(e.gap_removed, lang),
             over_off=percent(e.overhead_off, lang, signed=True), over_on=percent(e.overhead_on, lang, signed=True))


def _paper_columns(lang: str) -> list[tuple[tuple[str, str], str]]:
    return [((m, c), t("paper.col", lang, mode=mode_label(m, lang), caches=t(f"paper.caches.{c}", lang)))
            for m in ("native", "nested") for c, _, _ in PAPER_CACHES]


def paper_table(rows: list[PaperRow], lang: str) -> pd.DataFrame:
    """One row per workload and the mean: references per walk natively and nested under each cache
    setting, and nested mode's speed-up from both caches."""
    cols = _paper_columns(lang)
    data = [[num(r.refs_per_walk[k], lang, 2) for k, _ in cols] + [percent(r.speedup(), lang)] for r in rows]
    index = [t(f"gen.{r.workload}", lang) for r in rows]
    if rows:
        means = paper_means(rows)
        data.append([num(means[k], lang, 2) for k, _ in cols] + ["—"])
        index.append(t("paper.mean", lang))
    df = pd.DataFrame(data, index=index, columns=[label for _, label in cols] + [t("paper.speedup", lang)])
    df.index.name = t("paper.workload", lang)
    return df


def paper_text(rows: list[PaperRow], lang: str) -> str:
    """Markdown: the model's figures beside the published ones, and where the model differs."""
    if not rows:
        return ""
    means = paper_means(rows)
    speed = [r.speedup() for r in rows]
    return "\n\n".join([
        t("paper.compare", lang, native=num(means[("native", "both")], lang, 1),
          nested=num(means[("nested", "both")], lang, 1), nested_none=num(means[("nested", "none")], lang, 1),
          lo=percent(min(speed), lang), hi=percent(max(speed), lang)),
        t("paper.differs", lang)])


# -- explanation ---------------------------------------------------------------------------------
def _item(d, lang: str) -> str:
    count = ""
    if d.cause.startswith("vm-exit:") and d.count > 0:
        count = t("why.count.exits", lang, n=num(d.count, lang))
    elif d.cause in ("walk", "vmm-walk") and d.count > 0:
        count = t("why.count.refs", lang, n=num(d.count, lang))
    elif d.cause == "guest-fault" and d.count > 0:
        count = t("why.count.faults", lang, n=num(d.count, lang))
    return t("why.item", lang, cause=cause_label(d.cause, lang), cycles=num(d.cycles, lang), count=count)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {t('why.and', lang)} " + items[-1]


def explanation_text(e: Explanation, lang: str) -> str:
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
        parts.append(t("why.loser_extra", lang, Loser=cap(lose), items=_join([_item(d, lang) for d in significant],
                                                                               lang)))
    if e.winner_extra:
        parts.append(t("why.winner_extra", lang, Winner=cap(win),
                        items=_join([_item(d, lang) for d in e.winner_extra[:2]], lang)))
    if e.tlb_misses:
        parts.append(t("why.walks", lang, shadow=num(e.shadow_refs_per_miss, lang, 1),
                        nested=num(e.nested_refs_per_miss, lang, 1)))
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
    return f"{vms}; {_size(config.frames, lang)} {t('cmp.machine_memory', lang)}; {tlb}"


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
           "sweep_frame", "sweep_chart", "sweep_text", "explanation_text", "machine_summary", "cost_rows",
           "derived_costs", "cost_overrides", "parse_values", "mode_label", "cause_label", "feature_label",
           "cache_effect_text", "paper_table", "paper_text"]
