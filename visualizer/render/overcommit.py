"""The reclamation lab's results → tables, chart data, Vega-Lite specs and text.

Pure functions of :class:`~visualizer.engine.overcommit.LabResult` (and of the sweep's
:class:`~visualizer.engine.overcommit.SweepPoint` lists) and a language ("en" or "de"); the
Overcommit page only shows what these return.
"""
from __future__ import annotations

from typing import Optional

import pandas as pd

from ..engine.costs import CostTable
from ..engine.events import Cause, HostState
from ..engine.overcommit import PAPER_FIG4, LabResult, SweepPoint, lab_trace
from ..engine.ops import OpKind
from ..engine.reclaim import LARGE_BREAK, THRESHOLDS
from ..text.i18n import CATALOGUE, number, percent, t
from .compare import CAUSE_COLORS, _locale

STATES = ("private", "shared", "ballooned", "compressed", "swapped", "unbacked", "guest_swapped")
"""Page states in stacking order, bottom up: the guest-physical ones add up to the VM's memory;
pages on the guest's own virtual disk (pages of its processes) are stacked above."""
STATE_COLORS = {"private": "#5b8fc7", "shared": "#43a047", "ballooned": "#8e63c7", "compressed": "#26a69a",
                "swapped": "#fb8c00", "unbacked": "#dfe5e8", "guest_swapped": "#c62828"}
HOST_STATES = tuple(s.value for s in HostState)
"""high … low, best first."""
HOST_COLORS = {"high": "#66bb6a", "clear": "#c0ca33", "soft": "#ffb300", "hard": "#f4511e", "low": "#b71c1c"}
EVENT_ROWS = (
    ("backing", "pmap:back"),
    ("sharing", "scan:hint"), ("sharing", "scan:stale"), ("sharing", "scan:large"), ("sharing", "scan:zero"),
    ("sharing", "scan:shared"), ("sharing", "pmap:share"), ("sharing", "pmap:cow-break"),
    ("sharing", "pmap:unshare"),
    ("balloon", "guest:balloon-inflate"), ("balloon", "pmap:balloon"), ("balloon", "guest:balloon-deflate"),
    ("balloon", "pmap:deflate"),
    ("guest", "guest:swap-out"), ("guest", "guest:swap-in"),
    ("compression", "pmap:compress"), ("compression", "pmap:decompress"),
    ("swap", "pmap:swap-out"), ("swap", "pmap:swap-in"),
)
"""Every event kind the lab counts, by technique, in the order the host reaches for them."""
TECH_COLORS = {"backing": "#90a4ae", "sharing": "#43a047", "balloon": "#8e63c7", "guest": "#c62828",
               "compression": "#26a69a", "swap": "#fb8c00", "other": "#546e7a"}
LAB_CAUSE_KEYS = {"guest": "oc.cause.guest", "pmap": "oc.cause.pmap"}
"""Causes whose general label says less than they hold in the lab (the guest's own paging; decompression)."""
LAB_CAUSE_COLORS = {Cause.GUEST: "#c62828", Cause.RECLAIM: "#37474f"}
"""The guest's own paging in the colour of its pages on the guest's disk (the Compare page's grey says
"little")."""


def _pct(f: float, lang: str) -> str:
    """A whole percentage; in German the space before the sign does not break ("29 %" stays on one line)."""
    return percent(f, lang, decimals=0).replace(" %", "\u00a0%")


# -- nothing lost ------------------------------------------------------------------------------------
def reads(result: LabResult) -> int:
    """Reads the lab checked: every read of its trace."""
    trace = lab_trace(result.config)
    return sum(1 for i in range(len(trace)) if trace[i].kind is OpKind.READ)


def lost_text(result: LabResult, lang: str) -> tuple[bool, str]:
    """(nothing lost?, the sentence saying so)."""
    n = number(reads(result), lang)
    if result.lost == 0:
        return True, t("oc.lost.none", lang, reads=n)
    return False, t("oc.lost.some", lang, lost=number(result.lost, lang), reads=n)


# -- per VM: the stacked bands ---------------------------------------------------------------------
def state_label(state: str, lang: str) -> str:
    return t(f"oc.state.{state}", lang)


def bands_frame(result: LabResult, lang: str) -> pd.DataFrame:
    """Long table: one row per sample, VM and state (pages), with the stacking order."""
    rows = []
    for s in result.samples:
        for vm, counts in s.pages.items():
            for i, state in enumerate(STATES):
                rows.append({"vm": vm, "op": s.op, "state": state_label(state, lang), "key": state,
                             "pages": int(counts.get(state, 0)), "order": i})
    return pd.DataFrame(rows, columns=["vm", "op", "state", "key", "pages", "order"])


def bands_chart(result: LabResult, lang: str) -> dict:
    """Vega-Lite spec: per VM a stacked area of its pages by state over the run, the VM's memory
    as a grey rule (the guest's own swapped pages stack above it)."""
    df = bands_frame(result, lang)
    vms = list(result.samples[0].pages) if result.samples else []
    columns = 1 if len(vms) == 1 else 2
    op_title = t("oc.col.op", lang)
    return {
        "data": {"values": df.to_dict("records")},
        "facet": {"field": "vm", "type": "nominal", "title": None, "sort": vms,
                  "header": {"labelFontSize": 14, "labelFontWeight": "bold", "labelAnchor": "start"}},
        "columns": columns,
        "spec": {
            "width": 680 if columns == 1 else 340,
            "height": 120,
            "layer": [
                {"mark": {"type": "area", "tooltip": True, "interpolate": "step-after"},
                 "encoding": {
                     "x": {"field": "op", "type": "quantitative", "title": op_title},
                     "y": {"field": "pages", "type": "quantitative", "stack": "zero", "title": t("oc.col.pages", lang)},
                     "color": {"field": "state", "type": "nominal", "title": t("oc.col.state", lang),
                               "scale": {"domain": [state_label(s, lang) for s in STATES],
                                         "range": [STATE_COLORS[s] for s in STATES]},
                               "legend": {"orient": "bottom", "columns": 4, "labelLimit": 260}},
                     "order": {"field": "order", "type": "quantitative"},
                     "tooltip": [{"field": "vm", "title": t("oc.col.vm", lang)},
                                 {"field": "op", "title": op_title},
                                 {"field": "state", "title": t("oc.col.state", lang)},
                                 {"field": "pages", "title": t("oc.col.pages", lang)}]}},
                {"mark": {"type": "rule", "color": "#455a64", "strokeDash": [4, 3]},
                 "encoding": {"y": {"datum": result.config.vm_pages}}},
            ],
        },
        "resolve": {"scale": {"x": "shared", "y": "shared"}},
        **_locale(lang),
    }


# -- the host's state ------------------------------------------------------------------------------
def thresholds(result: LabResult) -> list[tuple[str, float, float]]:
    """(what, fraction of minFree, pages) of each threshold, highest first: 400 % (large pages
    broken at the next scan), then the one below which each state's actions start."""
    out = [("large", LARGE_BREAK, LARGE_BREAK * result.min_free)]
    below = [s for s, _ in THRESHOLDS][1:] + [HostState.LOW]
    for state, (_, fraction) in zip(below, THRESHOLDS, strict=True):
        out.append((state.value, fraction, fraction * result.min_free))
    return out


def thresholds_table(result: LabResult, lang: str) -> pd.DataFrame:
    """Each threshold: free memory in percent of minFree and in pages, the state, what the host does."""
    rows = []
    for what, fraction, pages in thresholds(result):
        if what == "large":
            state, does = t("oc.threshold.large", lang), t("oc.threshold.large.does", lang)
        else:
            state, does = t(f"hoststate.{what}", lang), t(f"hostdoes.{what}", lang)
        if what == HostState.CLEAR.value:  # at or above 100 %: high
            rows.append([f"≥ {_pct(fraction, lang)}", f"≥ {number(round(pages, 1), lang)}", t("hoststate.high", lang),
                         t("hostdoes.high", lang)])
        rows.append([f"< {_pct(fraction, lang)}", f"< {number(round(pages, 1), lang)}", state, does])
    return pd.DataFrame(rows, columns=[t("oc.col.below", lang), t("oc.col.free", lang),
                                       t("oc.col.host_state", lang), t("oc.col.does", lang)])


def state_segments(result: LabResult) -> list[tuple[int, int, str]]:
    """(from operation, to operation, state) of the host's states over the run, from its
    recorded state changes."""
    first = result.samples[0].state if result.samples else "high"
    end = result.ops
    out, start, state = [], 0, first
    for op, _old, new in result.transitions:
        if op > start:
            out.append((start, op, state))
        start, state = op, new
    out.append((start, max(end, start + 1), state))
    return out


AXIS_EXTENT = 40
"""Pixels both host charts give their y axis, so that their time axes line up."""


def host_chart(result: LabResult, lang: str) -> dict:
    """Vega-Lite spec: free pages over time against the thresholds, on a symlog scale (the
    thresholds lie a few pages apart near zero, free memory starts at the whole pool), in bands
    coloured by the state each starts."""
    op_title = t("oc.col.op", lang)
    free_title = t("oc.col.free", lang)
    marks = thresholds(result)
    top = max([s.free for s in result.samples] + [marks[0][2]]) * 1.1
    # each state's band: from the threshold below which the next state starts up to its own
    # (high: from 100 % of minFree up; low: below 16 %)
    levels = [top] + [pages for _, _, pages in marks[1:]] + [0.0]
    band_rows = [{"state": t(f"hoststate.{s}", lang), "key": s, "lo": levels[i + 1], "hi": levels[i],
                  "mid": (levels[i + 1] * levels[i]) ** 0.5 if levels[i + 1] else levels[i] / 2}
                 for i, s in enumerate(HOST_STATES)]
    rule_rows = [{"pages": p, "label": f"{_pct(f, lang)} · {number(round(p, 1), lang)}"} for _, f, p in marks]
    free_rows = [{"op": s.op, "free": s.free} for s in result.samples]
    domain = [t(f"hoststate.{s}", lang) for s in HOST_STATES]
    colours = [HOST_COLORS[s] for s in HOST_STATES]
    y_scale = {"type": "symlog", "domain": [0, top], "nice": False}
    ticks = [v for v in (0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if v <= top]
    return {
        "width": "container", "height": 260,
        "layer": [
            {"data": {"values": band_rows}, "mark": {"type": "rect", "opacity": 0.2},
             "encoding": {"y": {"field": "lo", "type": "quantitative", "title": free_title, "scale": y_scale,
                                "axis": {"values": ticks, "minExtent": AXIS_EXTENT, "maxExtent": AXIS_EXTENT}},
                          "y2": {"field": "hi"},
                          "color": {"field": "state", "type": "nominal", "legend": None,
                                    "scale": {"domain": domain, "range": colours}}}},
            {"data": {"values": band_rows}, "mark": {"type": "text", "align": "left", "baseline": "middle", "dx": 6,
                                                     "fontSize": 13, "fontWeight": "bold", "color": "#37474f"},
             "encoding": {"y": {"field": "mid", "type": "quantitative", "scale": y_scale}, "x": {"value": 0},
                          "text": {"field": "state"}}},
            {"data": {"values": rule_rows}, "mark": {"type": "rule", "strokeDash": [3, 3], "color": "#78909c"},
             "encoding": {"y": {"field": "pages", "type": "quantitative", "scale": y_scale}}},
            {"data": {"values": rule_rows}, "mark": {"type": "text", "align": "right", "baseline": "bottom",
                                                     "dx": -4, "dy": -1, "fontSize": 11, "color": "#455a64"},
             "encoding": {"y": {"field": "pages", "type": "quantitative", "scale": y_scale}, "x": {"value": "width"},
                          "text": {"field": "label"}}},
            {"data": {"values": free_rows}, "mark": {"type": "line", "color": "#263238", "strokeWidth": 2,
                                                     "interpolate": "step-after", "tooltip": True},
             "encoding": {"x": {"field": "op", "type": "quantitative", "title": op_title,
                                "scale": {"domain": [0, max(1, result.ops)]}},
                          "y": {"field": "free", "type": "quantitative", "scale": y_scale},
                          "tooltip": [{"field": "op", "title": op_title}, {"field": "free", "title": free_title}]}},
        ],
        **_locale(lang),
    }


def states_chart(result: LabResult, lang: str) -> dict:
    """Vega-Lite spec: a strip of the state the host was in over the run (from its state changes)."""
    op_title = t("oc.col.op", lang)
    state_title = t("oc.col.host_state", lang)
    rows = [{"start": a, "end": b, "state": t(f"hoststate.{s}", lang), "key": s, "lane": state_title}
            for a, b, s in state_segments(result)]
    return {
        "width": "container",
        "data": {"values": rows},
        "mark": {"type": "rect", "tooltip": True},
        "height": {"step": 30},
        "encoding": {"x": {"field": "start", "type": "quantitative", "title": op_title,
                           "scale": {"domain": [0, max(1, result.ops)]}},
                     "x2": {"field": "end"},
                     "y": {"field": "lane", "type": "nominal", "title": "\u00a0",
                           "axis": {"labels": False, "ticks": False, "domain": False, "minExtent": AXIS_EXTENT,
                                    "maxExtent": AXIS_EXTENT}},
                     "color": {"field": "state", "type": "nominal", "title": state_title,
                               "scale": {"domain": [t(f"hoststate.{s}", lang) for s in HOST_STATES],
                                         "range": [HOST_COLORS[s] for s in HOST_STATES]},
                               "legend": {"orient": "bottom", "direction": "horizontal"}},
                     "tooltip": [{"field": "state", "title": state_title}, {"field": "start", "title": op_title},
                                 {"field": "end", "title": op_title}]},
        **_locale(lang),
    }


def transitions_text(result: LabResult, lang: str) -> str:
    """The states the host went through, in order (repeats folded: high → clear → soft → hard ⇄ low)."""
    if not result.transitions:
        return t("oc.transitions.none", lang)
    path = [result.transitions[0][1]]
    for _, _, new in result.transitions:
        path.append(new)
    folded: list[str] = []
    for s in path:  # hard → low → hard → low … is one back-and-forth
        if len(folded) >= 2 and folded[-2] == s:
            folded[-1] = f"{folded[-1]}*"
            continue
        if folded and folded[-1].rstrip("*") == s:
            continue
        folded.append(s)
    words = []
    for i, s in enumerate(folded):
        name = t(f"hoststate.{s.rstrip('*')}", lang)
        if s.endswith("*") and i > 0:
            words[-1] = f"{words[-1]} ⇄ {name}"
        else:
            words.append(name)
    return t("oc.transitions", lang, path=" → ".join(words))


def lowest_state(result: LabResult) -> str:
    seen = [result.samples[0].state if result.samples else "high"] + [new for _, _, new in result.transitions]
    return max(seen, key=HOST_STATES.index)


# -- events by kind ------------------------------------------------------------------------------
def event_label(key: str, lang: str) -> str:
    k = f"oc.ev.{key}"
    return t(k, lang) if k in CATALOGUE else key


def events_frame(result: LabResult, lang: str) -> pd.DataFrame:
    """The run's events by kind (those that happened), grouped by technique."""
    known = {k for _, k in EVENT_ROWS}
    rows = [(tech, k) for tech, k in EVENT_ROWS if result.events.get(k)]
    rows += [("other", k) for k in sorted(result.events) if k not in known and result.events[k]]
    return pd.DataFrame([{"technique": t(f"oc.tech.{tech}", lang), "tech": tech, "event": event_label(k, lang),
                          "key": k, "count": int(result.events[k]), "order": i} for i, (tech, k) in enumerate(rows)],
                        columns=["technique", "tech", "event", "key", "count", "order"])


def events_chart(result: LabResult, lang: str) -> dict:
    df = events_frame(result, lang)
    techs = list(dict.fromkeys(df["tech"]))
    return {
        "data": {"values": df.to_dict("records")},
        "mark": {"type": "bar", "tooltip": True},
        "height": {"step": 22},
        "encoding": {
            "y": {"field": "event", "type": "nominal", "title": None, "sort": list(df["event"]),
                  "axis": {"labelLimit": 420, "labelFontSize": 12}},
            "x": {"field": "count", "type": "quantitative", "title": t("oc.col.count", lang)},
            "color": {"field": "technique", "type": "nominal", "title": t("oc.col.technique", lang),
                      "scale": {"domain": [t(f"oc.tech.{x}", lang) for x in techs],
                                "range": [TECH_COLORS[x] for x in techs]},
                      "legend": {"orient": "bottom", "columns": 3, "labelLimit": 200}},
            "tooltip": [{"field": "technique", "title": t("oc.col.technique", lang)},
                        {"field": "event", "title": t("oc.col.event", lang)},
                        {"field": "count", "title": t("oc.col.count", lang)}],
        },
        **_locale(lang),
    }


def events_table(result: LabResult, lang: str) -> pd.DataFrame:
    df = events_frame(result, lang)
    out = pd.DataFrame({t("oc.col.technique", lang): df["technique"], t("oc.col.event", lang): df["event"],
                        t("oc.col.count", lang): [number(c, lang) for c in df["count"]]})
    return out


# -- cycles by cause -----------------------------------------------------------------------------
def cause_label(key: str, lang: str) -> str:
    if key in LAB_CAUSE_KEYS:
        return t(LAB_CAUSE_KEYS[key], lang)
    k = f"cause.{key}"
    return t(k, lang) if k in CATALOGUE else key


def _cause_colour(key: str) -> str:
    try:
        c = Cause(key)
    except ValueError:
        return "#999999"
    return LAB_CAUSE_COLORS.get(c) or CAUSE_COLORS.get(c, "#999999")


def cycles_frame(result: LabResult, lang: str) -> pd.DataFrame:
    """Long table: VM, cause, cycles (causes in one order for every VM: most cycles first)."""
    totals: dict[str, int] = {}
    for c in result.counters.values():
        for k, v in c.get("cycles_by_cause", {}).items():
            totals[k] = totals.get(k, 0) + v
    order = sorted(totals, key=lambda k: (-totals[k], k))
    rows = []
    for vm, c in result.counters.items():
        by = c.get("cycles_by_cause", {})
        for i, k in enumerate(order):
            if by.get(k):
                rows.append({"vm": vm, "cause": cause_label(k, lang), "key": k, "cycles": int(by[k]),
                             "share": by[k] / c["cycles"] if c.get("cycles") else 0.0, "order": i})
    return pd.DataFrame(rows, columns=["vm", "cause", "key", "cycles", "share", "order"])


def cycles_chart(result: LabResult, lang: str) -> dict:
    """Vega-Lite spec: one horizontal bar per VM, stacked by cause (cycles)."""
    df = cycles_frame(result, lang)
    keys = list(dict.fromkeys(df.sort_values("order")["key"]))
    vms = list(result.counters)
    return {
        "data": {"values": df.to_dict("records")},
        "mark": {"type": "bar", "tooltip": True},
        "height": {"step": 30},
        "encoding": {
            "y": {"field": "vm", "type": "nominal", "title": None, "sort": vms, "axis": {"labelFontSize": 13}},
            "x": {"field": "cycles", "type": "quantitative", "stack": "zero", "title": t("oc.col.cycles", lang)},
            "color": {"field": "cause", "type": "nominal", "title": t("oc.col.cause", lang),
                      "scale": {"domain": [cause_label(k, lang) for k in keys],
                                "range": [_cause_colour(k) for k in keys]},
                      "legend": {"orient": "bottom", "columns": 2, "labelLimit": 340}},
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [{"field": "vm", "title": t("oc.col.vm", lang)},
                        {"field": "cause", "title": t("oc.col.cause", lang)},
                        {"field": "cycles", "type": "quantitative", "format": ",", "title": t("oc.col.cycles", lang)},
                        {"field": "share", "type": "quantitative", "format": ".0%", "title": t("col.share", lang)}],
        },
        **_locale(lang),
    }


def _rate(back: int, out: int, lang: str) -> str:
    return _pct(back / out, lang) if out else "—"


def double_paging_text(result: LabResult, lang: str, costs: Optional[CostTable] = None) -> str:
    """Ballooning against host swapping in this run: what each took, how much came back, why."""
    e = result.events
    rc = result.config.reclaim
    costs = costs or CostTable()
    parts = []
    pinned = e.get("pmap:balloon", 0)
    out, back = e.get("guest:swap-out", 0), e.get("guest:swap-in", 0)
    if not pinned:
        parts.append(t("oc.double.balloon.none", lang, off="" if rc.balloon else t("oc.double.balloon.off", lang)))
    elif not out:
        parts.append(t("oc.double.balloon.noswap", lang, pinned=number(pinned, lang)))
    else:
        parts.append(t("oc.double.balloon", lang, pinned=number(pinned, lang), out=number(out, lang),
                       back=number(back, lang), rate=_rate(back, out, lang)))
    h_out, h_back = e.get("pmap:swap-out", 0), e.get("pmap:swap-in", 0)
    comp, decomp = e.get("pmap:compress", 0), e.get("pmap:decompress", 0)
    if not (h_out or comp):
        parts.append(t("oc.double.host.none", lang))
    else:
        parts.append(t("oc.double.host", lang, out=number(h_out, lang), back=number(h_back, lang),
                       rate=_rate(h_back, h_out, lang), compressed=number(comp, lang),
                       decompressed=number(decomp, lang)))
    parts.append(t("oc.double.why", lang))
    parts.append(t("oc.double.costs", lang, disk=number(costs.swap_in, lang), compress=number(costs.compress, lang),
                   decompress=number(costs.decompress, lang)))
    return "\n\n".join(parts)


# -- summary figures -----------------------------------------------------------------------------
def end_pages(result: LabResult) -> dict[str, int]:
    """Pages in each state at the end of the run, all VMs together."""
    last = result.samples[-1].pages if result.samples else {}
    return {s: sum(c.get(s, 0) for c in last.values()) for s in STATES}


def fewest_free(result: LabResult) -> int:
    return min((s.free for s in result.samples), default=0)


# -- Waldspurger's Figure 4 ---------------------------------------------------------------------
def fig4_frame(off: list[SweepPoint], on: list[SweepPoint], lang: str) -> pd.DataFrame:
    """Long table for the chart: number of VMs, series, salting, fraction of touched memory."""
    rows = []
    for salting, points in (("off", off), ("on", on)):
        label = t(f"oc.fig4.{salting}", lang)
        for p in points:
            series = [("shared", p.shared_fraction), ("reclaimed", p.reclaimed_fraction)]
            if salting == "off":
                series.append(("zero", p.zero_fraction))
            for what, value in series:
                rows.append({"vms": p.vms, "series": f"{t(f'oc.fig4.{what}', lang)}, {label}", "what": what,
                             "salting": label, "key": salting, "fraction": value})
    return pd.DataFrame(rows, columns=["vms", "series", "what", "salting", "key", "fraction"])


FIG4_COLORS = {("shared", "off"): "#2e7d32", ("reclaimed", "off"): "#1565c0", ("zero", "off"): "#757575",
               ("shared", "on"): "#9ccc65", ("reclaimed", "on"): "#64b5f6"}
"""Salting off in dark tones (solid lines), on in light ones (dashed)."""


def fig4_chart(off: list[SweepPoint], on: list[SweepPoint], lang: str) -> dict:
    """Vega-Lite spec: shared, reclaimed (and, salting off, zero-page) fractions by number of VMs,
    salting off solid and on dashed, and the paper's 67 % at 10 VMs as a point."""
    df = fig4_frame(off, on, lang)
    series = list(dict.fromkeys(df["series"]))
    colour_of = {row.series: FIG4_COLORS[(row.what, row.key)] for row in df.itertuples()}
    on_label = t("oc.fig4.on", lang)
    paper = [{"vms": PAPER_FIG4["vms"], "fraction": PAPER_FIG4["shared_fraction"], "label": t("oc.fig4.paper", lang)}]
    x = {"field": "vms", "type": "quantitative", "title": t("oc.fig4.x", lang),
         "scale": {"domain": [1, max([p.vms for p in off + on] + [PAPER_FIG4["vms"]])]}, "axis": {"tickMinStep": 1}}
    y = {"field": "fraction", "type": "quantitative", "title": t("oc.fig4.y", lang), "axis": {"format": ".0%"},
         "scale": {"domain": [0, 1]}}
    return {
        "width": "container", "height": 300,
        # the legend below the plot adds to the height instead of squeezing the plot into it
        "autosize": {"type": "fit-x", "contains": "padding"},
        "layer": [
            {"data": {"values": df.to_dict("records")},
             "mark": {"type": "line", "point": True, "tooltip": True},
             "encoding": {
                 "x": x, "y": y,
                 "color": {"field": "series", "type": "nominal", "title": t("oc.fig4.series", lang),
                           "scale": {"domain": series, "range": [colour_of[s] for s in series]},
                           "legend": {"orient": "bottom", "columns": 2, "labelLimit": 360}},
                 "strokeDash": {"field": "salting", "type": "nominal", "legend": None,
                                "scale": {"domain": [t("oc.fig4.off", lang), on_label], "range": [[1, 0], [5, 4]]}},
                 "tooltip": [{"field": "vms", "title": t("oc.fig4.col.vms", lang)},
                             {"field": "series", "title": t("oc.fig4.series", lang)},
                             {"field": "fraction", "type": "quantitative", "format": ".1%",
                              "title": t("oc.fig4.y", lang)}]}},
            {"data": {"values": paper}, "mark": {"type": "point", "shape": "diamond", "size": 160, "filled": True,
                                                 "color": "#b71c1c", "tooltip": True},
             "encoding": {"x": x, "y": y, "tooltip": [{"field": "label", "title": t("oc.fig4.col.paper", lang)}]}},
            {"data": {"values": paper}, "mark": {"type": "text", "align": "right", "baseline": "top", "dx": -10,
                                                 "dy": 10, "fontSize": 12, "color": "#b71c1c"},
             "encoding": {"x": x, "y": y, "text": {"field": "label"}}},
        ],
        **_locale(lang),
    }


def fig4_table(off: list[SweepPoint], on: list[SweepPoint], lang: str) -> pd.DataFrame:
    """Per number of VMs: the model's fractions with salting off and on, the paper's at 10 VMs."""
    on_by = {p.vms: p for p in on}
    rows = []
    for p in off:
        q = on_by.get(p.vms)
        rows.append([str(p.vms), _pct(p.shared_fraction, lang), _pct(p.zero_fraction, lang),
                     _pct(p.reclaimed_fraction, lang), number(p.cross_vm, lang),
                     _pct(q.shared_fraction, lang) if q else "—", _pct(q.reclaimed_fraction, lang) if q else "—",
                     number(q.cross_vm, lang) if q else "—",
                     t("oc.fig4.paper_cell", lang) if p.vms == PAPER_FIG4["vms"] else ""])
    cols = [t(f"oc.fig4.col.{c}", lang) for c in ("vms", "shared_off", "zero_off", "reclaimed_off", "cross_off",
                                                  "shared_on", "reclaimed_on", "cross_on", "paper")]
    return pd.DataFrame(rows, columns=cols)


def fig4_text(off: list[SweepPoint], on: list[SweepPoint], lang: str) -> str:
    """The model's result, the papers' numbers, and what differs."""
    first, last = off[0], off[-1]
    last_on = on[-1] if on else None
    model = t("oc.fig4.model", lang, shared1=_pct(first.shared_fraction, lang), shared10=_pct(last.shared_fraction, lang),
              zero10=_pct(last.zero / last.shared if last.shared else 0.0, lang),
              rec1=_pct(first.reclaimed_fraction, lang), rec10=_pct(last.reclaimed_fraction, lang),
              shared_on10=_pct(last_on.shared_fraction, lang) if last_on else "—")
    return "\n\n".join([model, t("oc.fig4.paper_text", lang), t("oc.fig4.differs", lang)])
