"""The Overcommit page's settings: their defaults and bounds, the deep link that carries them
(``/Overcommit?vms=6&vm_kib=256&machine_kib=768&balloon=0``), and the lab they make.

Plain Python (no Streamlit). :func:`apply_link` checks a link's parameters and writes the good
ones into the page's state keys (``oc.<name>``); :func:`link_of` is the inverse, for the address
bar. :func:`lab_config` turns the settings into a :class:`~visualizer.engine.overcommit.LabConfig`
or says, in the catalogue's words, what is wrong with them — including a lab too large to run in
a request of a server shared by a class (:func:`estimated_seconds`, :data:`MAX_LAB_SECONDS`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import MutableMapping, Optional

from ..engine.memory import PAGE_SIZE, vmm_pool_frames
from ..engine.ops import ESXI_MINFREE_FRACTION, MINFREE_FRACTION, Mode, ReclaimConfig
from ..engine.overcommit import Content, LabConfig, SweepPoint, sharing_sweep


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: object
    lo: object = None
    hi: object = None
    choices: tuple = ()
    step: object = 1


VM_KIB = (64, 128, 256, 512, 1024)
"""A VM's memory: 16 to 256 pages (the lab's runtime grows with the pages the host looks at)."""
MODES = ("nested", "shadow")
MAX_SEED = 2**31 - 1
SETTINGS = (
    Setting("vms", 4, 1, 10),
    Setting("vm_kib", 256, choices=VM_KIB),
    Setting("touched_pct", 75, 10, 95, step=5),
    Setting("zero_pct", 20, 0, 100, step=5),
    Setting("image_pct", 50, 0, 100, step=5),
    Setting("work", 800, 0, 4000, step=100),
    Setting("mode", "nested", choices=MODES),
    Setting("seed", 1, 0, MAX_SEED),
    Setting("machine_kib", 800, 64, 16384, step=32),
    Setting("salting", True),
    Setting("balloon", True),
    Setting("compression", True),
    Setting("host_swap", True),
    Setting("scan_pages", 8, 1, 64),
    Setting("period", 16, 1, 64),
    Setting("min_free_pct", 12.5, 1.0, 50.0, step=0.5),
)
"""Every setting of the page, in the order of its controls (state key ``oc.<name>``)."""
BY_NAME = {s.name: s for s in SETTINGS}
DEFAULTS = {s.name: s.default for s in SETTINGS}
SAMPLES = 120
"""Points in time the lab records each VM's pages at."""
MAX_LAB_SECONDS = 1.5
"""The most a lab may cost by :func:`estimated_seconds` (measured: ``benchmarks/bench_overcommit.py``)."""
ESXI_MINFREE_PCT = ESXI_MINFREE_FRACTION * 100
MODEL_MINFREE_PCT = MINFREE_FRACTION * 100


def key(name: str) -> str:
    return f"oc.{name}"


def value(state: MutableMapping, name: str):
    """The setting's value in ``state``, or its default where absent or of the wrong kind."""
    s = BY_NAME[name]
    v = state.get(key(name), s.default)
    if isinstance(s.default, bool):
        return v if isinstance(v, bool) else s.default
    if s.choices:
        return v if v in s.choices else s.default
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return s.default
    return v


def values(state: MutableMapping) -> dict:
    return {s.name: value(state, s.name) for s in SETTINGS}


# -- the lab these settings make ---------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """What is wrong with the settings: a catalogue key and its values."""

    key: str
    values: dict = field(default_factory=dict)


def pages_of(kib: int) -> int:
    return kib * 1024 // PAGE_SIZE


def guest_pool(machine_pages: int) -> int:
    """Machine pages left for guest memory (the VMM's tables take the top eighth, at least 16)."""
    return machine_pages - vmm_pool_frames(machine_pages)


def min_free_pages(pct: float, machine_pages: int) -> int:
    return max(1, round(pct / 100 * guest_pool(machine_pages)))


def touched_pages(v: dict) -> int:
    """Pages each VM touches: its working set, less room for its page tables."""
    vm_pages = pages_of(v["vm_kib"])
    return max(1, min(vm_pages - 6, round(v["touched_pct"] / 100 * vm_pages)))


def estimated_seconds(cfg: LabConfig) -> float:
    """What the lab costs the server, by a model fitted to measured runs (``benchmarks/
    bench_overcommit.py``): each operation costs more the more pages the host looks after, each
    of the host's passes hashes up to twice its scan pages (the scan's active rate) and looks at
    every page."""
    pages = cfg.vms * cfg.vm_pages
    ops = cfg.vms * cfg.touched + cfg.work
    passes = ops // max(1, cfg.reclaim.period)
    return (ops * (250 + 0.1 * pages) + passes * (60 * cfg.reclaim.tps_scan_pages + 0.5 * pages)) * 1e-6


def lab_config(v: dict) -> tuple[Optional[LabConfig], list[Problem]]:
    """The lab the settings ``v`` (:func:`values`) make, or None and what is wrong."""
    problems: list[Problem] = []
    if v["zero_pct"] + v["image_pct"] > 100:
        problems.append(Problem("oc.bad.content", {"zero": v["zero_pct"], "image": v["image_pct"]}))
    if v["machine_kib"] % (PAGE_SIZE // 1024):
        problems.append(Problem("oc.bad.machine_page", {"kib": v["machine_kib"]}))
    machine_pages = pages_of(v["machine_kib"])
    vm_pages = pages_of(v["vm_kib"])
    need = v["vms"] * 6 + vmm_pool_frames(machine_pages) + 8
    if machine_pages < need:
        problems.append(Problem("oc.bad.machine_small", {"kib": v["machine_kib"], "need": need * PAGE_SIZE // 1024,
                                                         "vms": v["vms"]}))
    if problems:
        return None, problems
    rc = ReclaimConfig(enabled=True, min_free=min_free_pages(v["min_free_pct"], machine_pages), period=int(v["period"]),
                       tps_scan_pages=int(v["scan_pages"]), tps_salting=v["salting"], balloon=v["balloon"],
                       compression=v["compression"], host_swap=v["host_swap"])
    cfg = LabConfig(vms=int(v["vms"]), vm_pages=vm_pages, touched=touched_pages(v), machine_pages=machine_pages,
                    content=Content(v["zero_pct"] / 100, v["image_pct"] / 100), work=int(v["work"]),
                    mode=Mode(v["mode"]), seed=int(v["seed"]), reclaim=rc)
    seconds = estimated_seconds(cfg)
    if seconds > MAX_LAB_SECONDS:
        return None, [Problem("oc.bad.too_large", {"seconds": round(seconds, 1), "max": MAX_LAB_SECONDS})]
    try:
        cfg.check()
    except ValueError as exc:  # the engine's own bounds (the page's should keep within them)
        return None, [Problem("oc.bad.engine", {"error": str(exc)})]
    return cfg, []


# -- deep links --------------------------------------------------------------------------------------
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class LinkProblem:
    name: str
    value: str
    expected: str
    """i18n key of what the parameter takes."""
    values: dict = field(default_factory=dict)


def link_names() -> tuple[str, ...]:
    return tuple(s.name for s in SETTINGS)


def _number(raw: str, lo, hi, is_float: bool):
    s = raw.strip()
    if not s or len(s) > 24 or not s.isascii():
        return None
    try:
        v = float(s) if is_float else int(s, 10)
    except ValueError:
        return None
    if is_float and v != v:  # NaN
        return None
    return v if lo <= v <= hi else None


def apply_link(link: dict[str, str], state: MutableMapping) -> list[LinkProblem]:
    """Write a link's good values into ``state``; return the problems (the rest stays)."""
    problems = []
    for s in SETTINGS:
        if s.name not in link:
            continue
        raw = link[s.name]
        low = raw.strip().lower()
        if isinstance(s.default, bool):
            if low in _TRUE + _FALSE:
                state[key(s.name)] = low in _TRUE
            else:
                problems.append(LinkProblem(s.name, raw, "oc.link.bool"))
        elif s.choices:
            match = next((c for c in s.choices if str(c) == low), None)
            if match is None:
                problems.append(LinkProblem(s.name, raw, "oc.link.one_of",
                                            {"options": ", ".join(map(str, s.choices))}))
            else:
                state[key(s.name)] = match
        else:
            v = _number(low, s.lo, s.hi, isinstance(s.default, float))
            if v is None:
                problems.append(LinkProblem(s.name, raw, "oc.link.range", {"lo": s.lo, "hi": s.hi}))
            else:
                state[key(s.name)] = v
    return problems


def link_of(state: MutableMapping) -> dict[str, Optional[str]]:
    """The address of the lab set up in ``state``: the settings that differ from the defaults
    (None: a parameter to remove)."""
    out: dict[str, Optional[str]] = {}
    for s in SETTINGS:
        v = value(state, s.name)
        if v == s.default:
            out[s.name] = None
        elif isinstance(v, bool):
            out[s.name] = "1" if v else "0"
        elif isinstance(v, float) and v.is_integer():
            out[s.name] = str(int(v))
        else:
            out[s.name] = str(v)
    return out


# -- Waldspurger's Figure 4 --------------------------------------------------------------------------
FIG4_VM_PAGES = 48
"""Each VM's memory in the sweep (``sharing_sweep``'s default); its process touches all but 8."""
FIG4_TOUCHED = FIG4_VM_PAGES - 8


def fig4_sweeps(zero: float, image: float) -> tuple[list[SweepPoint], list[SweepPoint]]:
    """The sweep of 1 to 10 VMs of one image with the content model (``zero``, ``image``),
    salting off (as in 2002) and on (ESXi since 2015)."""
    content = Content(zero, image)
    return (sharing_sweep(10, FIG4_VM_PAGES, content, salting=False),
            sharing_sweep(10, FIG4_VM_PAGES, content, salting=True))
