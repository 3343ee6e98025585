"""The Compare page's deep links: a workload and machine settings in the address, so a lesson
or a slide can open a ready comparison (``/Compare?source=generator&kind=pt_churn&seed=1&
accesses=20000&vpid=0``, ``…&machine=bare``, ``…&design=amd``).

Plain Python (no Streamlit): :func:`apply_link` checks the parameters of a link being opened
and writes the good ones into the page's state keys (``cmp.source``, ``cmp.kind``, ``cmp.seed``,
``cmp.p.<kind>.<param>``, ``cmp.program``, ``cmp.m.<setting>``); :func:`link_of` is the inverse,
for the address bar. A bad value is reported (name, value, what was expected) and changes nothing.

The machine starts as today's (:data:`~visualizer.engine.compare.MACHINES`: the MMU caches of the
chosen design and 2 MiB EPT backing); ``machine=bare`` (or ``today``) sets those four switches at
once, and a switch named in the link as well wins. Links written before the design switch
existed (no ``design``) open Intel's design, as they always did; their switches keep their
meaning (``pwc=1``, ``nested_tlb=0``, …), and a switch they leave out now starts as today's.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Iterable, MutableMapping, Optional

from visualizer.engine.compare import MACHINES
from visualizer.engine.ops import DESIGNS
from visualizer.engine.workloads import GENERATORS

SOURCES = ("generator", "program", "scenario")
"""What a link may choose; an upload lives only in the session that made it."""
HIDDEN_PARAMS = {"rng", "vm", "process", "base", "name"}
PAGE_ACCESSES = 100_000
"""Generated workloads default to 100,000 accesses here: steady state dominates."""
MAX_PAGE_ACCESSES = 2_000_000
"""A generated workload on the page: at most this many accesses (generated in the server; trace
files of any length go through the command line, traceio.MAX_TRACE_ROWS)."""
MACHINE_DEFAULTS = {"tlb_entries": 64, "tlb_ways": 4, "pcid": True, "vpid": True, "root_cache": 4,
                    **MACHINES["today"], "design": "intel"}
"""The page's machine at the start: today's (the MMU caches of the design, 2 MiB EPT backing)."""
PRESETS = tuple(MACHINES)
"""``machine=`` values: "today", "bare"."""
TLB_SIZES = [8, 16, 32, 64, 128, 256, 512, 1024, 1536, 2048]
TLB_WAYS = [1, 2, 4, 8, 16]
ROOT_CACHE = (1, 64)
MAX_SEED = 2**31 - 1


def generator_params(kind: str) -> list[inspect.Parameter]:
    """The parameters of a generator the page shows (in signature order)."""
    fn = GENERATORS[kind][0]
    return [p for p in inspect.signature(fn).parameters.values() if p.name not in HIDDEN_PARAMS]


def param_default(p: inspect.Parameter):
    return PAGE_ACCESSES if p.name == "accesses" else p.default


def param_bounds(p: inspect.Parameter) -> tuple:
    """(low, high) of a generator parameter's field on the page."""
    if isinstance(p.default, float):
        return 0.0, 1.0 if p.name.endswith("ratio") else 1000.0
    lo = 8 if p.name == "stride" else 1
    hi = MAX_PAGE_ACCESSES if p.name in ("accesses", "burst_every", "quantum") else 1 << 20
    if p.name == "processes":
        hi = 64
    if p.name == "burst_pages":
        hi = 512
    return lo, hi


def preset_of(state: MutableMapping) -> Optional[str]:
    """The machine the switches in ``state`` make ("today", "bare"), or None (another mix)."""
    for name, values in MACHINES.items():
        if all(state.get(f"cmp.m.{k}", MACHINE_DEFAULTS[k]) == v for k, v in values.items()):
            return name
    return None


def set_preset(state: MutableMapping, name: str) -> None:
    """Set the switches of machine ``name`` (one of :data:`PRESETS`) in ``state``."""
    for k, v in MACHINES[name].items():
        state[f"cmp.m.{k}"] = v


def link_names() -> tuple[str, ...]:
    """Every parameter a Compare link may carry."""
    names = ["source", "kind", "seed", "program", "machine", *MACHINE_DEFAULTS]
    for kind in GENERATORS:
        if kind != "program":
            names += [p.name for p in generator_params(kind) if p.name not in names]
    return tuple(names)


@dataclass(frozen=True)
class LinkProblem:
    name: str
    value: str
    expected: str
    """i18n key of what the parameter takes."""
    values: dict = field(default_factory=dict)


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _number(raw: str, lo, hi, is_float: bool) -> Optional[float | int]:
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


def apply_link(link: dict[str, str], state: MutableMapping, *, kinds: Iterable[str],
               programs: Iterable[str]) -> list[LinkProblem]:
    """Write a link's good values into ``state``; return the problems (the rest stays)."""
    problems: list[LinkProblem] = []
    kinds, programs = list(kinds), list(programs)
    if "source" in link:
        v = link["source"].strip().lower()
        if v in SOURCES:
            state["cmp.source"] = v
        else:
            problems.append(LinkProblem("source", link["source"], "cmp.link.one_of", {"options": ", ".join(SOURCES)}))
    kind = state.get("cmp.kind", "mix")
    if "kind" in link:
        v = link["kind"].strip()
        if v in kinds:
            state["cmp.kind"] = kind = v
            if "source" not in link:
                state["cmp.source"] = "generator"
        else:
            problems.append(LinkProblem("kind", link["kind"], "cmp.link.one_of", {"options": ", ".join(kinds)}))
    if "seed" in link:
        v = _number(link["seed"], 0, MAX_SEED, False)
        if v is None:
            problems.append(LinkProblem("seed", link["seed"], "cmp.link.range", {"lo": 0, "hi": MAX_SEED}))
        else:
            state["cmp.seed"] = v
    if "program" in link:
        v = link["program"].strip()
        if v in programs:
            state["cmp.program"] = v
        else:
            problems.append(LinkProblem("program", link["program"], "cmp.link.one_of",
                                        {"options": ", ".join(programs)}))
    if kind in kinds:
        for p in generator_params(kind):
            if p.name in link:
                lo, hi = param_bounds(p)
                v = _number(link[p.name], lo, hi, isinstance(p.default, float))
                if v is None:
                    problems.append(LinkProblem(p.name, link[p.name], "cmp.link.range", {"lo": lo, "hi": hi}))
                else:
                    state[f"cmp.p.{kind}.{p.name}"] = v
    if "machine" in link:  # first: a switch named in the link as well wins
        v = link["machine"].strip().lower()
        if v in PRESETS:
            set_preset(state, v)
        else:
            problems.append(LinkProblem("machine", link["machine"], "cmp.link.one_of",
                                        {"options": ", ".join(PRESETS)}))
    for name, default in MACHINE_DEFAULTS.items():
        if name not in link:
            continue
        raw = link[name].strip().lower()
        if name == "design":
            if raw in DESIGNS:
                state["cmp.m.design"] = raw
            else:
                problems.append(LinkProblem(name, link[name], "cmp.link.one_of", {"options": ", ".join(DESIGNS)}))
            continue
        if isinstance(default, bool):
            if raw in _TRUE + _FALSE:
                state[f"cmp.m.{name}"] = raw in _TRUE
            else:
                problems.append(LinkProblem(name, link[name], "cmp.link.bool"))
            continue
        choices = {"tlb_entries": TLB_SIZES, "tlb_ways": TLB_WAYS}.get(name)
        if choices is not None:
            v = _number(raw, min(choices), max(choices), False)
            if v in choices:
                state[f"cmp.m.{name}"] = v
            else:
                problems.append(LinkProblem(name, link[name], "cmp.link.one_of",
                                            {"options": ", ".join(map(str, choices))}))
        else:
            v = _number(raw, *ROOT_CACHE, False)
            if v is None:
                problems.append(LinkProblem(name, link[name], "cmp.link.range",
                                            {"lo": ROOT_CACHE[0], "hi": ROOT_CACHE[1]}))
            else:
                state[f"cmp.m.{name}"] = v
    return problems


def link_of(state: MutableMapping) -> dict[str, Optional[str]]:
    """The address of the comparison set up in ``state`` (None: a parameter to remove)."""
    out: dict[str, Optional[str]] = {n: None for n in link_names()}
    source = state.get("cmp.source", "generator")
    if source not in SOURCES:
        return out  # an upload cannot be linked
    out["source"] = source
    if source == "generator":
        kind = state.get("cmp.kind", "mix")
        out["kind"], out["seed"] = kind, str(state.get("cmp.seed", 1))
        for p in generator_params(kind):
            v = state.get(f"cmp.p.{kind}.{p.name}", param_default(p))
            out[p.name] = str(v)
    elif source == "program":
        out["program"] = str(state.get("cmp.program", "listwalk"))
    preset = preset_of(state)
    if preset is not None and preset != "today":
        out["machine"] = preset  # one word on a slide instead of three switches
    for name, default in MACHINE_DEFAULTS.items():
        v = state.get(f"cmp.m.{name}", default)
        if preset is not None and name in MACHINES[preset]:
            continue
        if v != default:
            out[name] = str(int(v)) if isinstance(v, bool) else str(v)
    return out
