"""Seeded, checked exercises: each one a small scenario the engine runs, its answer the engine's record.

``generate(seed, kinds, count)`` makes a list of :class:`Exercise`. Each is built from a scenario
written as TOML text (the documented format), loaded by the engine's own loader and run in the
mode(s) it asks about — step by step, as ``python -m visualizer run SCENARIO --csv`` runs it — so
its answer is right by construction. Kinds (:data:`KINDS`):

- ``translate``: a gVA through the guest's page tables and the VMM's pmap, given as entries
  → ``gpa`` and ``ma`` at one step;
- ``walk-refs``: a TLB miss that faults nowhere → the CPU's ``walk_refs`` in shadow and nested
  mode (with or without 2 MiB pages and MMU caches);
- ``exits``: a short trace → which VM exits (``vm_exits_by_reason``) each mode takes;
- ``tlb``: a sequence with VPID and PCID on or off → does the last access hit the TLB (``tlb``);
- ``cheaper``: a described workload → which mode costs fewer ``cycles``, and why;
- ``reclaim``: a host short of memory (free pages against minFree) and its VMs' pages → what the
  host does at its next pass (``reclaim``: nothing, share, balloon, compress or swap, block).

Answers use the CSV's column names (``gpa``, ``ma``, ``tlb``, ``walk_refs``, ``vm_exits``,
``cycles``; addresses as ``0x…`` hex) or the JSON's (``vm_exits_by_reason``); kinds that compare
the modes put them under ``answer["by_mode"]["shadow"|"nested"]``. ``step`` is the CSV step (the
0-based operation index) an answer refers to; ``scope`` says whether the answer is that step's
row (``"step"``) or the whole run's counters (``"run"``, what ``run --json`` prints).

The texts (questions, given traces, explanations) number operations as the step page does: from 1
(:func:`step_number`), so "step 7" in a question is ``step=7`` in the step page's link and the CSV's
row ``step = 6``.

Randomness comes from one ``random.Random`` per exercise, seeded by the set's seed and the
exercise's index: the same seed gives the same exercises, byte for byte.

Pure: no streamlit or graphviz. Texts come from the catalogue (keys ``ex.*``), in English or German.
"""
from __future__ import annotations

import math
import random
from urllib.parse import urlencode
from dataclasses import dataclass, field
from typing import Mapping, Optional

from ..engine import Mode, load_scenario_text
from ..engine.counters import Step
from ..engine.events import ExitReason, FlushReason, FlushScope, Stage, TlbFill, TlbFlush, WalkCacheHit, WalkRef
from ..engine.memory import PAGE_SHIFT
from ..engine.ops import Op, OpKind
from ..engine.paging import FRAME_MASK, X86
from ..text.i18n import CATALOGUE, number, percent, t
from . import questions as Q

KINDS = ("translate", "walk-refs", "exits", "tlb", "cheaper", "reclaim")
"""The exercise kinds, in the order the catalogue and ``--help`` list them."""
MODES = ("shadow", "nested")
EXIT_REASONS = tuple(r.value for r in ExitReason)
MAX_COUNT = 200
"""Most exercises in one set."""
MAX_SEED = 2 ** 53 - 1
"""Largest seed (a browser's number box holds whole numbers up to 2⁵³ − 1 exactly)."""
_LEVEL = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
_ATTEMPTS = 40


@dataclass(frozen=True, slots=True)
class Field:
    """One thing an exercise asks for."""

    name: str
    """The answer field: a CSV column (``gpa``, ``ma``, ``tlb``, ``walk_refs``), the JSON's
    ``vm_exits_by_reason`` (asked as the set of reasons that occur) or ``cheaper`` (a mode)."""
    mode: Optional[str] = None
    """``shadow``/``nested`` for a per-mode answer (under ``answer["by_mode"]``), else None."""
    kind: str = "int"
    """How it is answered: ``hex`` (an address), ``int``, ``choice`` (one of ``choices``) or
    ``set`` (any of ``choices``)."""
    choices: tuple = ()


@dataclass(frozen=True)
class Exercise:
    """One exercise: its scenario, what it asks, the engine's answer and the facts its texts use."""

    kind: str
    index: int
    seed: int
    scenario: str
    """The scenario as TOML text (run it with ``python -m visualizer run FILE --mode M``)."""
    mode: str
    """``shadow`` or ``nested``; ``both`` where the answer is per mode (``answer["by_mode"]``)."""
    step: int
    """The CSV step the answer refers to (0-based operation index). The texts and the step page's
    link say :func:`step_number` of it (1-based)."""
    scope: str
    """``step``: the answer is the CSV row at ``step``; ``run``: the whole run's counters."""
    answer: Mapping
    fields: tuple
    facts: Mapping = field(default_factory=dict)
    """Language-independent data the question and explanation are written from."""

    @property
    def key(self) -> str:
        """A stable id within a set: seed and index."""
        return f"{self.seed}-{self.index}"

    def expected(self, f: Field):
        """The answer to one field."""
        src = self.answer["by_mode"][f.mode] if f.mode else self.answer
        return src[f.name]


# -- scenario text ----------------------------------------------------------------------------------
def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"0x{v:x}" if v >= 0x1000 else str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


def scenario_toml(name: str, seed: int, mode: str, *, machine: str, tlb: Optional[dict] = None,
                  nested: Optional[dict] = None, mmu: Optional[dict] = None, costs: Optional[dict] = None,
                  vms: list, trace: Optional[list] = None, generator: Optional[dict] = None,
                  description: str = "", description_de: str = "") -> str:
    """A scenario in the documented TOML format. ``vms``: (name, memory, processes, large_pages);
    ``description`` and ``description_de``: what the step page says about it, in English and German."""
    lines = [f"name = {_value(name)}"]
    if description:
        lines.append(f"description = {_value(description)}")
    if description_de:
        lines.append(f"description_de = {_value(description_de)}")
    lines += [f"seed = {seed}", f"mode = {_value(mode)}", "", "[machine]", f"memory = {_value(machine)}"]
    for title, table in (("tlb", tlb), ("nested", nested), ("mmu", mmu), ("costs", costs)):
        if table:
            lines += ["", f"[{title}]"] + [f"{k} = {_value(v)}" for k, v in table.items()]
    for vname, memory, procs, large in vms:
        lines += ["", "[[vm]]", f"name = {_value(vname)}", f"memory = {_value(memory)}",
                  f"processes = {_value(list(procs))}"]
        if large:
            lines.append("large_pages = true")
    for op in trace or ():
        lines += ["", "[[trace]]"] + [f"{k} = {_value(v)}" for k, v in op.items()]
    if generator:
        lines += ["", "[trace_generator]"] + [f"{k} = {_value(v)}" for k, v in generator.items()]
    return "\n".join(lines) + "\n"


def _op(kind: str, vm: str, process: str, gva: Optional[int] = None, value: Optional[int] = None) -> dict:
    d = {"op": kind, "vm": vm, "process": process}
    if gva is not None:
        d["gva"] = gva
    if value is not None:
        d["value"] = value
    return d


def run(text: str, mode: str):
    """Load the scenario text with the engine's loader and run it step by step in ``mode``, as
    ``run --csv`` does: (scenario, machine, records)."""
    scenario = load_scenario_text(text, "exercise")
    machine = scenario.machine(Mode(mode))
    records = [machine.execute(scenario.trace[i], i) for i in range(len(scenario.trace))]
    return scenario, machine, records


def _hex(v: Optional[int]) -> str:
    return "" if v is None else f"0x{v:x}"


def step_number(index: int) -> int:
    """The step a text names for operation ``index`` (0-based, as the CSV's ``step`` column): the
    step page's number, 1-based — its ``step=N`` shows the machine after N operations."""
    return index + 1


def _op_line(i: int, op, lang: str) -> str:
    """A trace operation as the question lists it, numbered as the step page numbers it:
    " 1  VM1/p1  write 0x400000 = 0xa" for operation 0."""
    from ..text.narrate import op_text  # the step page's wording
    return f"{step_number(i):>2}  {op_text(op, lang)}"


def _trace_lines(scenario, lang: str) -> list[str]:
    return [_op_line(i, scenario.trace[i], lang) for i in range(len(scenario.trace))]


class _Retry(Exception):
    """The drawn scenario does not show what the exercise asks about: draw again."""


# -- translate ----------------------------------------------------------------------------------------
_REGIONS = (0x400000, 0x600000, 0x10000000, 0x7f000000, 0x40000000, 0x7fff00000000)


def _translate(rng: random.Random, name: str, describe) -> dict:
    mode = rng.choice(MODES)
    npages = rng.choice((2, 3))
    bases = rng.sample(_REGIONS, 2)
    gvas = sorted({b + rng.randrange(0, 4) * 0x1000 for b in bases for _ in range(2)})[:npages]
    if len(gvas) < 2:
        raise _Retry
    target = rng.choice(gvas)
    offset = rng.randrange(0, 512) * 8
    ops = [_op("write", "VM1", "p1", g + rng.randrange(0, 512) * 8, rng.randrange(1, 1 << 16)) for g in gvas]
    ops.append(_op("read", "VM1", "p1", target + offset))
    text = scenario_toml(name, rng.randrange(1, 1000), mode, machine="512KiB", vms=[("VM1", "128KiB", ["p1"], False)],
                         trace=ops, **describe(len(ops) - 1))
    scenario = load_scenario_text(text, "exercise")
    machine = scenario.machine(Mode(mode))
    k = len(scenario.trace) - 1
    for i in range(k):
        machine.execute(scenario.trace[i], i)
    views = machine.views
    proc = machine.vms["VM1"].guest.processes["p1"]
    # the given tables: every present entry of the process's guest tables, and the pmap
    _leaves, levels = views.guest_tables("VM1", "p1")
    tables = []
    for gppn, level in sorted(levels.items(), key=lambda x: (-x[1], x[0])):
        entries = views.table_entries("VM1", gppn)
        present = [(i, int(entries[i])) for i in range(512) if int(entries[i]) & X86.present]
        tables.append((level, gppn << PAGE_SHIFT, present))
    pmap = [(g, views.vmm_mpn("VM1", g)) for g in range(machine.vms["VM1"].pmap.pages)]
    pmap = [(g, m) for g, m in pmap if m is not None]
    # the path, read from the given entries (what the learner does)
    gva = target + offset
    path, table = [], proc.cr3
    for level in (4, 3, 2, 1):
        idx = (gva >> (12 + 9 * (level - 1))) & 511
        entry = dict(next(p for lv, a, p in tables if a == table))[idx]
        path.append((level, table, idx, entry))
        table = entry & FRAME_MASK
    gpa = table | (gva & 0xFFF)
    ma = (dict(pmap)[gpa >> PAGE_SHIFT] << PAGE_SHIFT) | (gva & 0xFFF)
    rec = machine.execute(scenario.trace[k], k)
    if rec.gpa != gpa or rec.ma != ma:
        raise _Retry
    return dict(text=text, mode=mode, step=k, scope="step", answer={"gpa": _hex(gpa), "ma": _hex(ma)},
                fields=(Field("gpa", None, "hex"), Field("ma", None, "hex")),
                facts={"gva": gva, "cr3": proc.cr3, "tables": tables, "pmap": pmap, "path": path, "gpa": gpa,
                       "ma": ma, "trace": [(i, scenario.trace[i]) for i in range(k + 1)]})


# -- walk-refs ------------------------------------------------------------------------------------------
_COLD = {"none": 24, "guest2m": 19, "ept2m": 19, "both2m": 15}
"""References of a cold nested walk, by the formula (m+1)(n+1)-1 of the levels walked."""
_FEATURES = ("none", "none", "guest2m", "ept2m", "both2m", "pwc", "pwc", "pwc+ntlb")


def _walk_refs(rng: random.Random, name: str, describe) -> dict:
    feature = rng.choice(_FEATURES)
    glarge = feature in ("guest2m", "both2m")
    elarge = feature in ("ept2m", "both2m")
    pwc = feature.startswith("pwc")
    ntlb = feature == "pwc+ntlb"
    base = rng.choice((0x400000, 0x10000000, 0x40000000))
    if pwc:  # neighbours under one guest PT: the paging-structure caches keep its upper levels
        gvas = [base + i * 0x1000 for i in range(6)]
    else:  # one page in each of six 2 MiB regions: six TLB entries of either size
        gvas = [base + i * 0x200000 + rng.randrange(0, 8) * 0x1000 for i in range(6)]
    ops = [_op("write", "VM1", "p1", g, rng.randrange(1, 1 << 16)) for g in gvas]
    again = rng.choice(gvas[:2])
    ops.append(_op(rng.choice(("read", "write")), "VM1", "p1", again + rng.randrange(0, 512) * 8,
                   None))
    if ops[-1]["op"] == "write":
        ops[-1]["value"] = rng.randrange(1, 1 << 16)
    tlb = {"entries": 4, "ways": 4, "entries_2m": 2, "ways_2m": 2}
    text = scenario_toml(name, rng.randrange(1, 1000), "nested", machine="64MiB" if (glarge or elarge) else "1MiB",
                         tlb=tlb, nested={"large_pages": True} if elarge else None,
                         mmu={"pwc": pwc, "nested_tlb": ntlb} if pwc else None,
                         vms=[("VM1", "32MiB" if (glarge or elarge) else "256KiB", ["p1"], glarge)], trace=ops,
                         **describe(len(ops) - 1))
    k = len(ops) - 1
    by_mode, walks = {}, {}
    for mode in MODES:
        scenario, _machine, records = run(text, mode)
        rec = records[k]
        if rec.tlb != "miss" or rec.faults or rec.vm_exits:
            raise _Retry
        by_mode[mode] = {"walk_refs": rec.walk_refs, "tlb": rec.tlb.value}
        walks[mode] = _walk_facts(rec)
    if not pwc and (by_mode["nested"]["walk_refs"] != _COLD[feature] or by_mode["shadow"]["walk_refs"] != 4):
        raise _Retry  # the explanation states these counts (DOMAIN §4): the run must show them
    return dict(text=text, mode="both", step=k, scope="step", answer={"by_mode": by_mode},
                fields=tuple(Field("walk_refs", m, "int") for m in MODES),
                facts={"feature": feature, "tlb": tlb, "walks": walks,
                       "trace": [(i, scenario.trace[i]) for i in range(len(scenario.trace))]})


def _walk_facts(rec: Step) -> dict:
    refs = [e for e in rec.events if e.__class__ is WalkRef and e.walker.value == "cpu"]
    hits = [(e.cache.value, tuple(e.skipped), e.saved, e.address, e.combined)
            for e in rec.events if e.__class__ is WalkCacheHit]
    g = sum(1 for r in refs if r.stage is not Stage.NESTED)
    return {"n": len(refs), "g": g, "e": len(refs) - g, "hits": hits,
            "nested": any(r.stage is Stage.NESTED for r in refs) or any(h[0] in ("gpa", "ntlb") or h[4] for h in hits)}


# -- exits ------------------------------------------------------------------------------------------------
def _exits(rng: random.Random, name: str, describe) -> dict:
    procs = ["p1", "p2"]
    cur = "p1"
    touched: dict[str, list[int]] = {"p1": [], "p2": []}
    ops = []
    pages = [0x400000 + i * 0x1000 for i in range(4)] + [0x600000, 0x10000000]
    for _ in range(rng.randrange(3, 7)):
        choices = ["new", "new"]
        if touched[cur]:
            choices += ["read", "invlpg", "unmap", "swap"]
        choices.append("switch")
        what = rng.choice(choices)
        if what == "new":
            free = [g for g in pages if g not in touched[cur]]
            if not free:
                continue
            g = rng.choice(free)
            touched[cur].append(g)
            ops.append(_op(rng.choice(("read", "write")), "VM1", cur, g))
            if ops[-1]["op"] == "write":
                ops[-1]["value"] = rng.randrange(1, 1 << 16)
        elif what == "read":
            ops.append(_op("read", "VM1", cur, rng.choice(touched[cur])))
        elif what == "invlpg":
            ops.append(_op("invlpg", "VM1", cur, rng.choice(touched[cur])))
        elif what == "unmap":
            g = rng.choice(touched[cur])
            touched[cur].remove(g)
            ops.append(_op("unmap", "VM1", cur, g))
        elif what == "swap":
            g = rng.choice(touched[cur])
            ops.append(_op("swap_out", "VM1", cur, g))
            ops.append(_op("read", "VM1", cur, g))
        else:
            cur = "p2" if cur == "p1" else "p1"
            ops.append(_op("switch", "VM1", cur))
    if len(ops) < 3 or len(ops) > 8:
        raise _Retry
    text = scenario_toml(name, rng.randrange(1, 1000), "shadow", machine="512KiB",
                         vms=[("VM1", "128KiB", procs, False)], trace=ops, **describe(None))
    by_mode, steps = {}, {}
    for mode in MODES:
        scenario, machine, records = run(text, mode)
        d = machine.totals().as_dict()
        by_mode[mode] = {"vm_exits": d["vm_exits"], "vm_exits_by_reason": d["vm_exits_by_reason"]}
        where: dict[str, list[int]] = {}
        for rec in records:
            for ev in rec.events:
                if ev.__class__.__name__ == "VmExit":
                    lst = where.setdefault(ev.reason.value, [])
                    if rec.index not in lst:
                        lst.append(rec.index)
        steps[mode] = where
    if not by_mode["shadow"]["vm_exits"]:
        raise _Retry
    return dict(text=text, mode="both", step=len(ops) - 1, scope="run", answer={"by_mode": by_mode},
                fields=tuple(Field("vm_exits_by_reason", m, "set", EXIT_REASONS) for m in MODES),
                facts={"steps": steps, "trace": [(i, scenario.trace[i]) for i in range(len(scenario.trace))]})


# -- tlb --------------------------------------------------------------------------------------------------
_SETUPS = ("vm-switch", "process-switch", "new-page", "invlpg")


def _tlb(rng: random.Random, name: str, describe) -> dict:
    setup = rng.choice(_SETUPS)
    mode = rng.choice(MODES)
    vpid, pcid = rng.random() < 0.5, rng.random() < 0.5
    a = rng.choice((0x400000, 0x401000, 0x600000))
    b = a + rng.choice((0x1000, 0x2000, 0x200000))
    vms = [("VM1", "128KiB", ["p1", "p2"], False)]
    ops = [_op("write", "VM1", "p1", a, rng.randrange(1, 1 << 16))]
    if rng.random() < 0.5:
        ops.append(_op("read", "VM1", "p1", a))
    if setup == "vm-switch":
        vms.append(("VM2", "128KiB", ["p1"], False))
        ops.append(_op("write", "VM2", "p1", rng.choice((a, b)), rng.randrange(1, 1 << 16)))
        if rng.random() < 0.5:
            ops.append(_op("read", "VM2", "p1", b))
    elif setup == "process-switch":
        ops += [_op("switch", "VM1", "p2"), _op("write", "VM1", "p2", rng.choice((a, b)), rng.randrange(1, 1 << 16)),
                _op("switch", "VM1", "p1")]
    elif setup == "new-page":
        ops.append(_op(rng.choice(("read", "write")), "VM1", "p1", b))
        if ops[-1]["op"] == "write":
            ops[-1]["value"] = rng.randrange(1, 1 << 16)
    else:
        ops.append(_op("write", "VM1", "p1", b, rng.randrange(1, 1 << 16)))
        ops.append(_op("invlpg", "VM1", "p1", rng.choice((a, b, b))))
    ops.append(_op("read", "VM1", "p1", a + rng.randrange(0, 512) * 8))
    tlb = {"entries": 64, "ways": 4, "vpid": vpid, "pcid": pcid}
    text = scenario_toml(name, rng.randrange(1, 1000), mode, machine="1MiB", tlb=tlb, vms=vms, trace=ops,
                         **describe(len(ops) - 1))
    scenario = load_scenario_text(text, "exercise")
    machine = scenario.machine(Mode(mode))
    k = len(ops) - 1
    gvpn = a >> PAGE_SHIFT
    filled, dropped, tag = None, None, None
    records = []
    for i in range(k + 1):
        rec = machine.execute(scenario.trace[i], i)
        records.append(rec)
        if i == k:
            break
        entries = {(e[3], e[4], e[5]) for e in machine.views.tlb_entries()}
        if rec.op.vm == "VM1" and (rec.op.process or "p1") == "p1" and any(
                ev.__class__ is TlbFill and ev.gvpn == gvpn for ev in rec.events):
            tags = [(e[3], e[4], e[5]) for e in machine.views.tlb_entries()
                    if e[5] == gvpn and e[1] in ("VM1", None) and e[2] in ("p1", None)]
            if tags:
                filled, tag, dropped = i, tags[0], None
        elif tag is not None and dropped is None and tag not in entries:
            dropped = i
    rec = records[k]
    hit = rec.tlb == "hit"
    if filled is None or hit != (dropped is None):
        raise _Retry
    reasons = []
    if dropped is not None:
        for ev in records[dropped].events:
            if ev.__class__ is TlbFlush and ev.removed:
                key = _flush_key(ev)
                if key not in reasons:
                    reasons.append(key)
    between = records[filled + 1:k]
    facts = {"setup": setup, "vpid": vpid, "pcid": pcid, "a": a, "filled": filled, "dropped": dropped,
             "reasons": reasons, "exits_between": sum(r.vm_exits for r in between),
             "vm_switch": any(r.op.vm != "VM1" for r in between),
             "cr3": any(r.op.kind is OpKind.SWITCH for r in between),
             "invlpg": [r.op.gva for r in between if r.op.kind is OpKind.INVLPG],
             "trace": [(i, scenario.trace[i]) for i in range(len(scenario.trace))]}
    return dict(text=text, mode=mode, step=k, scope="step", answer={"tlb": rec.tlb.value},
                fields=(Field("tlb", None, "choice", ("hit", "miss")),), facts=facts)


def _flush_key(ev: TlbFlush) -> str:
    """The catalogue key of a flush's reason (as the narration names it)."""
    key = "reason." + ev.reason.name.lower()
    if ev.reason in (FlushReason.SHADOW_ENTRY_DROPPED, FlushReason.PMAP_CHANGE) and ev.scope is FlushScope.VM:
        key += ".vm"
    return key


# -- cheaper ------------------------------------------------------------------------------------------------
_WORKLOADS = ("pt_churn", "context_switch", "tlb_thrash", "uniform", "zipf")


def _cheaper(rng: random.Random, name: str, describe) -> dict:
    gen = rng.choice(_WORKLOADS)
    accesses = rng.choice((300, 400, 500))
    params: dict = {"kind": gen}
    procs = ["p1"]
    if gen == "pt_churn":
        params.update(vm="VM1", process="p1", accesses=accesses, pages=rng.choice((8, 16)),
                      burst_every=rng.choice((25, 50, 100)), burst_pages=rng.choice((2, 4)))
        procs = ["p1", "p2"]
    elif gen == "context_switch":
        n = rng.choice((2, 3, 4))
        params.update(vm="VM1", processes=n, accesses=accesses, quantum=rng.choice((5, 10, 25, 50)),
                      pages=rng.choice((4, 8)))
        procs = [f"p{i + 1}" for i in range(n)]
    tlb_entries = rng.choice((16, 64))
    if gen == "tlb_thrash":
        # its premise: a cyclic walk over more pages than the TLB holds, so every access misses
        pages = tlb_entries * rng.choice((2, 4))  # rounds enough that the steady state, not first touches, decides
        params.update(vm="VM1", process="p1", accesses=min(pages * rng.choice((8, 16)), 2048), pages=pages)
    elif gen not in ("pt_churn", "context_switch"):
        params.update(vm="VM1", process="p1", accesses=accesses, pages=rng.choice((16, 32, 64)))
    walk_ref = rng.choice((10, 40, 200))
    costs = {"walk_ref": walk_ref}
    # mostly today's machine (DOMAIN §6, §8a): Intel's MMU caches and, in nested mode, 2 MiB backing
    # where a 2 MiB block of the VM is untouched — what ESXi runs on by default; sometimes the bare
    # machine (no caches, 4 KiB backing), which shows what the caches and large pages buy
    today = rng.random() < 0.65
    text = scenario_toml(name, rng.randrange(1, 1000), "shadow", machine="16MiB",
                         tlb={"entries": tlb_entries, "ways": 4}, costs=costs,
                         nested={"large_pages": True} if today else None,
                         mmu={"pwc": True, "nested_tlb": True} if today else None,
                         vms=[("VM1", "4MiB", procs, False)], generator=params, **describe(None))
    by_mode, totals, misses = {}, {}, {}
    for mode in MODES:
        scenario, machine, records = run(text, mode)
        d = machine.totals().as_dict()
        totals[mode] = d
        by_mode[mode] = {"cycles": d["cycles"], "vm_exits": d["vm_exits"], "walk_refs": d["walk_refs"]}
        misses[mode] = _miss_facts(records)
    lo, hi = sorted(by_mode[m]["cycles"] for m in MODES)
    if hi < lo * 1.15:
        raise _Retry  # not a clear winner: a class would argue about rounding
    if gen == "tlb_thrash" and any(totals[m]["tlb_misses"] < 0.9 * totals[m]["accesses"] for m in MODES):
        raise _Retry  # the workload's description says every access misses: the run must show it
    cheaper = min(MODES, key=lambda m: by_mode[m]["cycles"])
    return dict(text=text, mode="both", step=len(scenario.trace) - 1, scope="run",
                answer={"cheaper": cheaper, "by_mode": by_mode},
                fields=(Field("cheaper", None, "choice", MODES),),
                facts={"gen": gen, "params": {k: v for k, v in params.items() if k not in ("kind", "vm", "process")},
                       "tlb_entries": tlb_entries, "walk_ref": walk_ref, "totals": totals, "misses": misses,
                       "today": today,
                       "ops": len(scenario.trace)})


def _miss_facts(records) -> dict:
    """The TLB misses of a run in two groups, from the records: those that met no fault (one walk
    each) and those that met one (a guest #PF, a hidden fault or an EPT violation: the walk that
    finds it counts, and so does the walk of the retried access after the fix)."""
    quiet = [r.walk_refs for r in records if r.tlb == "miss" and not r.faults]
    faulted = [r for r in records if r.tlb == "miss" and r.faults]
    kinds = sorted({f.value for r in faulted for f in r.faults})
    return {"quiet": len(quiet), "quiet_refs": sum(quiet), "quiet_max": max(quiet, default=0),
            "faulted": len(faulted), "faulted_refs": sum(r.walk_refs for r in faulted), "fault_kinds": kinds,
            # references outside TLB misses (none today: a hit walks nothing); kept so the groups add up
            "other_refs": sum(r.walk_refs for r in records if r.tlb != "miss")}


# -- reclaim ------------------------------------------------------------------------------------------------
_RECLAIM_CASES = ("none", "share", "balloon", "compress-swap", "compress-swap", "block")
"""What the drawn host will do (the exercise's answer, which the run must show): compress-swap twice,
once in the hard state and once in the low state after a read."""
_RECLAIM_MACHINE = "160KiB"
"""40 frames: 16 for the VMM's tables, 24 for the guests — two VMs of 24 pages overcommit it."""
_BANDS = (("high", 1.0), ("clear", 0.64), ("soft", 0.32), ("hard", 0.16))


def _state_for(free: int, min_free: int) -> str:
    """The host state of ``free`` pages (vSphere 6: each threshold the point below which its state begins)."""
    return next((name for name, f in _BANDS if free >= f * min_free), "low")


def _reclaim(rng: random.Random, name: str, describe) -> dict:
    """A host with two VMs brought to a chosen free-memory state, one more operation, then the host's
    first pass: what it does is read from the step's record (:func:`~visualizer.learn.questions.reclaim_answer`).
    Where the answer rests on the state (balloon, compress or swap, block) no two pages are alike, so
    the scan shares nothing; where it rests on the scan (share or nothing) memory is plentiful."""
    case = rng.choice(_RECLAIM_CASES)
    min_free = rng.choice((8, 10))
    salting = case not in ("none", "share") or rng.random() < 0.7
    mode = rng.choice(MODES)
    low_ok = math.ceil(0.16 * min_free)  # an allocation goes ahead while at least this many pages are free
    want = {"none": ("high", "clear"), "share": ("high", "clear"), "balloon": ("soft",),
            "compress-swap": ("hard", "low"), "block": ("low",)}[case]
    target_state = rng.choice(want)
    bands = {s: [f for f in range(0, 25) if _state_for(f, min_free) == s] for s in ("high", "clear", "soft", "hard", "low")}
    choices = [f for f in bands[target_state] if f <= 14 and (target_state != "low" or f == low_ok - 1)]
    if not choices:
        raise _Retry
    free_target = rng.choice(choices)
    # contents: distinct values, but where the scan decides, maybe a pair alike (in one VM, or across
    # the VMs, which only counts without salting), written or two zero pages read
    values = rng.sample(range(0x100, 0x10000), 30)
    pair = None
    if case == "share":
        pair = rng.choice(("same-vm", "same-vm", "zero") + (() if salting else ("across",)))
    elif case == "none" and salting and rng.random() < 0.6:
        pair = "across"  # alike in two VMs: with salting no match
    ops: list[dict] = []
    nxt = {"VM1": 0x400000, "VM2": 0x400000}

    def new_page(vm: str, value: Optional[int]) -> None:
        gva = nxt[vm]
        nxt[vm] += 0x1000
        ops.append(_op("write", vm, "p1", gva, value) if value is not None else _op("read", vm, "p1", gva))

    new_page("VM1", values.pop())
    new_page("VM2", values.pop())
    if pair == "same-vm":
        v = values.pop()
        new_page("VM1", v)
        new_page("VM1", v)
    elif pair == "zero":
        vm = rng.choice(("VM1", "VM2"))
        new_page(vm, None)
        new_page(vm, None)
    elif pair == "across":
        v = values.pop()
        new_page("VM1", v)
        new_page("VM2", v)
    # fill to the target, one page at a time (each a frame: the tables exist), the engine counting
    scenario = load_scenario_text(_reclaim_scenario(name, mode, min_free, salting, ops, 1_000_000, describe),
                                  "exercise")  # no pass while filling
    machine = scenario.machine(Mode(mode))
    for i in range(len(scenario.trace)):
        machine.execute(scenario.trace[i], i)
    free = machine.views.host_state()[1]
    vm_turn = rng.choice(("VM1", "VM2"))
    while free > free_target:
        if not values or nxt[vm_turn] >= 0x400000 + 20 * 0x1000:
            raise _Retry
        new_page(vm_turn, values.pop())
        vm_turn = "VM2" if vm_turn == "VM1" else "VM1"
        o = ops[-1]
        machine.execute(Op(OpKind(o["op"]), o["vm"], o["process"], o["gva"], o.get("value", 0)), len(ops) - 1)
        free = machine.views.host_state()[1]
    if free != free_target:
        raise _Retry
    # the step asked about: a read of a page in memory, or (block) a write of a new page
    k = len(ops)
    if case == "block":
        new_page("VM1", values.pop())
    else:
        ops.append(_op("read", "VM1", "p1", 0x400000 + rng.randrange(0, 512) * 8))
    text = _reclaim_scenario(name, mode, min_free, salting, ops, k + 1, describe)
    scenario = load_scenario_text(text, "exercise")  # run step by step, as run --csv does
    machine = scenario.machine(Mode(mode))
    records = [machine.execute(scenario.trace[i], i) for i in range(k)]
    state, free_k, mf = machine.views.host_state()
    state, pages = state.value, _reclaim_pages(machine)
    records.append(machine.execute(scenario.trace[k], k))
    answer = Q.reclaim_answer(records[k])
    if answer != case or mf != min_free or free_k != free_target or state != target_state or \
            _state_for(free_k, min_free) != state:
        raise _Retry  # the run must show what the texts say (a state held by the host's margin is not asked)
    q = Q.make_question("reclaim", records[k], Mode(mode))
    return dict(text=text, mode=mode, step=k, scope="step", answer={"reclaim": answer},
                fields=(Field("reclaim", None, "choice", Q.RECLAIM_ACTIONS),),
                facts={"free": free_k, "min_free": min_free, "state": state, "salting": salting,
                       "pool": machine.mem.pools.guest_frames, "pages": pages,
                       "allocates": case == "block", "question": q, "pair": pair,
                       "trace": [(i, scenario.trace[i]) for i in range(len(scenario.trace))]})


def _reclaim_scenario(name: str, mode: str, min_free: int, salting: bool, ops: list, period: int, describe) -> str:
    """The exercise's scenario: the host's first pass after operation ``period`` (1-based), a scan
    that hashes every page in that pass."""
    text = scenario_toml(name, 1, mode, machine=_RECLAIM_MACHINE, vms=[("VM1", "96KiB", ["p1"], False),
                                                                       ("VM2", "96KiB", ["p1"], False)],
                         trace=ops, **describe(period - 1))
    extra = (f'min_free = "{min_free * 4}KiB"\n\n[reclaim]\nperiod = {period}\ntps_scan_pages = 64\n'
             f'tps_salting = {"true" if salting else "false"}\n')
    return text.replace(f'memory = "{_RECLAIM_MACHINE}"\n', f'memory = "{_RECLAIM_MACHINE}"\n' + extra, 1)


def _reclaim_pages(machine) -> list:
    """The VMs' guest-physical pages in memory now: (vm, gPA, what it holds) — a page table (never
    scanned), or a data page and its first non-zero word (0: all zero)."""
    views = machine.views
    out = []
    for v in views.vms():
        tables = views.guest_pt_pages(v.name)
        for g, mpn in enumerate(v.mpn):
            if mpn >= 0:
                out.append((v.name, g << PAGE_SHIFT, "table" if g in tables else views.first_word(mpn)))
    return out


_MAKERS = {"translate": _translate, "walk-refs": _walk_refs, "exits": _exits, "tlb": _tlb, "cheaper": _cheaper,
           "reclaim": _reclaim}


# -- the set --------------------------------------------------------------------------------------------------
def parse_kinds(value) -> tuple:
    """Kinds from a comma-separated string or a list ("" or None: all). Unknown names raise
    ValueError naming them."""
    if value is None:
        return KINDS
    items = value.split(",") if isinstance(value, str) else list(value)
    kinds = []
    for k in items:
        k = str(k).strip().lower()
        if not k:
            continue
        if k not in KINDS:
            raise ValueError(f"'{k}' is not an exercise kind (kinds: {', '.join(KINDS)})")
        if k not in kinds:
            kinds.append(k)
    return tuple(kinds) or KINDS


def make(kind: str, seed: int, index: int) -> Exercise:
    """Exercise ``index`` of the set with ``seed``, of ``kind``."""
    rng = random.Random(seed * 1_000_003 + index * 7919 + KINDS.index(kind))

    def describe(step: Optional[int]) -> dict:
        """The scenario's description for the step page (English and German): which exercise it
        is, and the step its question is about (None: the whole run)."""
        out = {}
        for lang, key in (("en", "description"), ("de", "description_de")):
            text = t("ex.scn.description", lang, n=index + 1, seed=seed, kind=kind, title=kind_title(kind, lang))
            tail = t("ex.scn.run", lang) if step is None else t("ex.scn.step", lang, step=step_number(step))
            out[key] = f"{text} {tail}"
        return out

    for _ in range(_ATTEMPTS):
        try:
            d = _MAKERS[kind](rng, f"exercise-{seed}-{index + 1}", describe)
        except _Retry:
            continue
        return Exercise(kind, index, seed, d["text"], d["mode"], d["step"], d["scope"], d["answer"], d["fields"],
                        d["facts"])
    raise RuntimeError(f"no {kind} exercise for seed {seed} after {_ATTEMPTS} attempts")  # pragma: no cover


LINK_PREFIX = "exercise:"
"""``scenario=exercise:KIND:SEED:N`` on the step page names exercise N (1-based) of kind KIND in
the set with SEED: the scenario is made again from them (exercises are deterministic by seed)."""


def link_name(ex: Exercise) -> str:
    """What a link's ``scenario`` parameter says to open ``ex``'s scenario on the step page."""
    return f"{LINK_PREFIX}{ex.kind}:{ex.seed}:{ex.index + 1}"


def from_link(text: str) -> Exercise:
    """The exercise a link's ``exercise:KIND:SEED:N`` names; ``ValueError`` says what is wrong."""
    parts = str(text).strip().split(":")
    if len(parts) != 4 or parts[0] + ":" != LINK_PREFIX:
        raise ValueError("not of the form exercise:KIND:SEED:N")
    kind, seed, n = (x.strip() for x in parts[1:])
    if kind not in KINDS:
        raise ValueError(f"KIND must be one of {', '.join(KINDS)}")
    if not seed.isdigit() or int(seed) > MAX_SEED:
        raise ValueError(f"SEED must be a whole number from 0 to {MAX_SEED}")
    if not n.isdigit() or not 1 <= int(n) <= MAX_COUNT:
        raise ValueError(f"N must be a whole number from 1 to {MAX_COUNT}")
    return make(kind, int(seed), int(n) - 1)


def link_modes(ex: Exercise) -> tuple:
    """The modes to open ``ex`` in on the step page, one link each: its own mode, or shadow and
    nested for an exercise about both (the side-by-side view narrates only the shadow run, so the
    nested half of the answer would go undescribed)."""
    return MODES if ex.mode == "both" else (ex.mode,)


def step_link(ex: Exercise, lang: str = "en", mode: Optional[str] = None) -> str:
    """The step page's relative address showing ``ex``'s scenario right after the step the
    answer is about (for a whole-run answer: at the end), in ``mode`` (default: the exercise's
    own; one of :func:`link_modes` for an exercise about both)."""
    mode = mode or ex.mode
    if mode not in ("shadow", "nested", "both"):
        raise ValueError(f"mode must be shadow, nested or both, got {mode!r}")
    return "/Step_through?" + urlencode({"scenario": link_name(ex), "mode": mode, "step": step_number(ex.step),
                                        "lang": lang}, safe=":")


def generate(seed: int = 0, kinds=None, count: int = 10) -> list[Exercise]:
    """``count`` exercises of ``kinds`` (all by default) for ``seed``: every kind in turn, the
    order of each round shuffled by the seed — a set of 5 or more has every kind asked for."""
    return [make(kind, seed, i) for i, kind in enumerate(set_kinds(seed, kinds, count))]


def set_kinds(seed: int = 0, kinds=None, count: int = 10) -> list[str]:
    """The kind of each exercise of the set :func:`generate` makes, without making them (cheap:
    a page shows one exercise at a time and makes only that one, with :func:`make`)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number from 0 to {MAX_SEED}, got {seed!r}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"count must be a whole number from 1 to {MAX_COUNT}, got {count!r}")
    kinds = parse_kinds(kinds)
    order_rng = random.Random(seed)
    order: list[str] = []
    while len(order) < count:
        block = list(kinds)
        order_rng.shuffle(block)
        order += block
    return order[:count]


# -- answers -------------------------------------------------------------------------------------------------
def parse_hex(text) -> Optional[int]:
    """An address as a learner types it: "0x1C238", "1c238", "0X1c 238" → 0x1c238 (None: not hex)."""
    s = "".join(str(text or "").split()).lower().replace("_", "")
    s = s.removeprefix("0x")
    if not s or len(s) > 16 or not all(c in "0123456789abcdef" for c in s):
        return None
    return int(s, 16)


def parse_int(text) -> Optional[int]:
    """A whole number as a learner types it: " 24 ", "1,000", "1.000" → the number (None: not one)."""
    s = "".join(str(text or "").split()).replace(",", "").replace(".", "").replace("_", "")
    if not s or len(s) > 18 or not s.isascii() or not s.isdigit():
        return None
    return int(s)


def field_correct(ex: Exercise, f: Field, response) -> bool:
    """Whether ``response`` (text, a choice, or a collection of choices) answers ``f`` right."""
    want = ex.expected(f)
    if f.kind == "hex":
        got = parse_hex(response)
        return got is not None and got == int(want, 16)
    if f.kind == "int":
        got = parse_int(response)
        return got is not None and got == want
    if f.kind == "set":
        return set(response or ()) == set(want)
    return response == want


def check(ex: Exercise, responses: Mapping) -> dict:
    """Each field's verdict: ``responses`` maps ``(name, mode)`` to what the learner gave."""
    return {(f.name, f.mode): field_correct(ex, f, responses.get((f.name, f.mode))) for f in ex.fields}


# -- texts ------------------------------------------------------------------------------------------------------
def kind_title(kind: str, lang: str) -> str:
    return t(f"ex.kind.{kind}", lang)


def mode_name(mode: str, lang: str) -> str:
    return t(f"ex.mode.{mode}", lang)


def field_label(f: Field, lang: str) -> str:
    label = t(f"ex.field.{f.name}", lang)
    return t("ex.field_in_mode", lang, field=label, mode=mode_name(f.mode, lang)) if f.mode else label


def choice_label(f: Field, value: str, lang: str) -> str:
    if f.name == "tlb":
        return t(f"tlb.{value}", lang)
    if f.name == "cheaper":
        return t(f"ex.choice.{value}", lang)
    if f.name == "vm_exits_by_reason":
        return t(f"ex.exit.{value}", lang)
    if f.name == "reclaim":
        return t(f"q.choice.reclaim.{value}", lang)  # the lesson's and the step page's words
    return str(value)


def answer_text(ex: Exercise, f: Field, lang: str) -> str:
    """The expected answer to ``f`` as a learner would write it."""
    want = ex.expected(f)
    if f.kind == "set":
        if not want:
            return t("ex.none", lang)
        return ", ".join(f"{choice_label(f, r, lang)} × {n}" for r, n in want.items())
    if f.kind == "choice":
        return choice_label(f, want, lang)
    if f.kind == "int":
        return number(want, lang)
    return str(want)


def question(ex: Exercise, lang: str) -> str:
    """What is asked, in one paragraph."""
    F = ex.facts
    if ex.kind == "translate":
        return t("ex.q.translate", lang, step=step_number(ex.step), gva=F["gva"], mode=mode_name(ex.mode, lang))
    if ex.kind == "walk-refs":
        return t("ex.q.walk-refs", lang, step=step_number(ex.step))
    if ex.kind == "exits":
        return t("ex.q.exits", lang)
    if ex.kind == "tlb":
        return t("ex.q.tlb", lang, step=step_number(ex.step), gva=F["a"], mode=mode_name(ex.mode, lang),
                 vpid=t("ex.on" if F["vpid"] else "ex.off", lang), pcid=t("ex.on" if F["pcid"] else "ex.off", lang))
    if ex.kind == "reclaim":
        return t("ex.q.reclaim", lang, pool=F["pool"], min_free=F["min_free"], k=step_number(ex.step - 1),
                 free=t("ex.q.reclaim.free", lang, n=F["free"]), step=step_number(ex.step),
                 what=t("ex.q.reclaim." + ("write" if F["allocates"] else "read"), lang),
                 salting=t("ex.q.reclaim." + ("salted" if F["salting"] else "unsalted"), lang))
    return t("ex.q.cheaper", lang)


def given(ex: Exercise, lang: str) -> list[str]:
    """What the question gives: the trace, the tables, the machine's settings (monospaced lines)."""
    F = ex.facts
    lines: list[str] = []
    if ex.kind == "translate":
        lines.append(t("ex.g.trace", lang))
        lines += [_op_line(i, op, lang) for i, op in F["trace"]]
        lines += ["", t("ex.g.cr3", lang, cr3=F["cr3"]), t("ex.g.tables", lang)]
        for level, addr, present in F["tables"]:
            head = f"  {_LEVEL[level]:<4} @ gPA 0x{addr:x}:"
            lines += [head] + [f"      [{i:>3}] 0x{e:016x}" for i, e in present]
        lines += ["", t("ex.g.pmap", lang)]
        lines += [f"  gPPN 0x{g:x} → MPN 0x{m:x}" for g, m in F["pmap"]]
        return lines
    if ex.kind == "walk-refs":
        feat = F["feature"]
        lines.append(t("ex.g.tlb_small", lang, n4=F["tlb"]["entries"], n2=F["tlb"]["entries_2m"]))
        lines.append(t(f"ex.g.feature.{feat}", lang))
        lines += ["", t("ex.g.trace", lang)] + [_op_line(i, op, lang) for i, op in F["trace"]]
        return lines
    if ex.kind == "reclaim":
        lines.append(t("ex.g.trace", lang))
        lines += [_op_line(i, op, lang) for i, op in F["trace"]]
        lines += ["", t("ex.g.rc_pages", lang, k=step_number(ex.step - 1))]
        for vm in dict.fromkeys(vm for vm, _g, _w in F["pages"]):
            tables = [f"0x{g:x}" for v, g, w in F["pages"] if v == vm and w == "table"]
            lines.append("  " + t("ex.g.rc_tables", lang, vm=vm, gpas=", ".join(tables)))
            lines += [f"  {vm} gPA 0x{g:<6x} 0x{w:x}" for v, g, w in F["pages"] if v == vm and w != "table"]
        return lines
    if ex.kind in ("exits", "tlb"):
        if ex.kind == "tlb":
            lines.append(t("ex.g.tlb_tags", lang, vpid=t("ex.on" if F["vpid"] else "ex.off", lang),
                           pcid=t("ex.on" if F["pcid"] else "ex.off", lang)))
            lines.append("")
        lines.append(t("ex.g.trace", lang))
        return lines + [_op_line(i, op, lang) for i, op in F["trace"]]
    params = ", ".join(f"{t(f'param.{k}', lang) if f'param.{k}' in CATALOGUE else k} = {number(v, lang)}"
                       for k, v in F["params"].items())
    lines += [t("ex.g.workload", lang, name=t(f"gen.{F['gen']}", lang), params=params),
              t(f"gdesc.{F['gen']}", lang), t("ex.g.short", lang),
              t("ex.g.machine", lang, entries=F["tlb_entries"], walk_ref=F["walk_ref"], ops=number(F["ops"], lang)),
              t("ex.g.today" if F.get("today") else "ex.g.bare", lang)]
    return lines


def question_text(ex: Exercise, lang: str) -> str:
    """The question and what it gives, as one text (the JSON's ``question``)."""
    return question(ex, lang) + "\n\n" + "\n".join(given(ex, lang))


def explanation(ex: Exercise, lang: str) -> str:
    """Why the answer is what it is, written from the engine's records."""
    return " ".join(_explain(ex, lang))


def _explain(ex: Exercise, lang: str) -> list[str]:
    F = ex.facts
    out: list[str] = []
    if ex.kind == "translate":
        gva = F["gva"]
        idx = [(gva >> (12 + 9 * (lv - 1))) & 511 for lv in (4, 3, 2, 1)]
        out.append(t("ex.e.translate.split", lang, gva=gva, i4=idx[0], i3=idx[1], i2=idx[2], i1=idx[3],
                     off=gva & 0xFFF))
        hops = [t("ex.e.translate.hop", lang, level=_LEVEL[lv], table=table, index=i, entry=e & FRAME_MASK)
                for lv, table, i, e in F["path"]]
        out.append(t("ex.e.translate.path", lang, cr3=F["cr3"], hops="; ".join(hops), gpa=F["gpa"]))
        out.append(t("ex.e.translate.pmap", lang, gppn=F["gpa"] >> PAGE_SHIFT, mpn=F["ma"] >> PAGE_SHIFT,
                     ma=F["ma"]))
        out.append(t(f"ex.e.translate.{ex.mode}", lang))
        return out
    if ex.kind == "walk-refs":
        for mode in MODES:
            w = F["walks"][mode]
            if mode == "shadow":
                out.append(t("ex.e.walk.shadow", lang, n=w["n"]))
            else:
                out.append(t("ex.e.walk.nested", lang, n=w["n"], g=w["g"], e=w["e"]))
                if not w["hits"] and w["g"]:
                    per = w["e"] // (w["g"] + 1)
                    out.append(t("ex.e.walk.formula", lang, g=w["g"], per=per, n=w["n"], gpas=w["g"] + 1))
            hits = [_cache_phrase(h, lang) for h in w["hits"]]
            if hits:
                out.append(t("ex.e.walk.caches", lang, mode=mode_name(mode, lang), hits="; ".join(hits)))
        out.append(t(f"ex.e.walk.feature.{F['feature']}", lang))
        return out
    if ex.kind == "exits":
        for mode in MODES:
            by = ex.answer["by_mode"][mode]["vm_exits_by_reason"]
            if not by:
                out.append(t("ex.e.exits.none", lang, mode=mode_name(mode, lang)))
                continue
            parts = [t("ex.e.exits.reason", lang, reason=t(f"ex.exit.{r}", lang), count=n,
                       where=t("ex.e.steps" if len(F["steps"][mode][r]) > 1 else "ex.e.step", lang,
                               steps=", ".join(str(step_number(s)) for s in F["steps"][mode][r])),
                       why=t(f"ex.why.{r}", lang))
                     for r, n in by.items()]
            out.append(t("ex.e.exits.mode", lang, mode=mode_name(mode, lang), parts="; ".join(parts)))
        out.append(t("ex.e.exits.nested_note", lang))
        return out
    if ex.kind == "tlb":
        out.append(t("ex.e.tlb.filled", lang, step=step_number(F["filled"]), gva=F["a"]))
        if F["dropped"] is not None:
            reasons = ", ".join(t(k, lang) for k in F["reasons"]) or t("ex.e.tlb.evicted", lang)
            out.append(t("ex.e.tlb.dropped", lang, step=step_number(F["dropped"]), reasons=reasons))
            out.append(t("ex.e.tlb.so_miss", lang, step=step_number(ex.step)))
        else:
            out.append(t("ex.e.tlb.kept", lang))
            if F["vm_switch"]:
                out.append(t("ex.e.tlb.kept_vpid_switch", lang))
            elif F["exits_between"]:
                out.append(t("ex.e.tlb.kept_vpid_exits", lang, n=F["exits_between"]))
            if F["cr3"]:
                out.append(t("ex.e.tlb.kept_pcid", lang))
            for g in F["invlpg"]:
                out.append(t("ex.e.tlb.kept_invlpg", lang, gva=g))
            out.append(t("ex.e.tlb.so_hit", lang, step=step_number(ex.step)))
        out.append(t("ex.e.tlb.rule_vpid_" + ("on" if F["vpid"] else "off"), lang))
        out.append(t("ex.e.tlb.rule_pcid_" + ("on" if F["pcid"] else "off"), lang))
        return out
    if ex.kind == "reclaim":
        out.append(t("ex.e.rc.state", lang, n=F["free"], min_free=F["min_free"],
                     pct=percent(F["free"] / F["min_free"], lang), state=t("hoststate." + F["state"], lang),
                     rule=t("ex.e.rc.rule." + F["state"], lang)))
        if F["pair"] == "across":
            out.append(t("ex.e.rc.salted" if F["salting"] else "ex.e.rc.unsalted", lang))
        for line in Q.explanation(F["question"], lang):
            out.append(line if line.endswith((".", "!")) else line + ".")
        return out
    # cheaper
    tot = F["totals"]
    cheaper = ex.answer["cheaper"]
    other = "nested" if cheaper == "shadow" else "shadow"
    c1, c2 = tot[cheaper]["cycles"], tot[other]["cycles"]
    out.append(t("ex.e.cheaper.win", lang, mode=mode_name(cheaper, lang), c1=number(c1, lang), c2=number(c2, lang),
                 pct=percent(1 - c1 / c2, lang)))
    groups = {m: _groups(tot[m]) for m in MODES}
    for m in MODES:
        d, g = tot[m], groups[m]
        per = d["walk_refs"] / d["tlb_misses"] if d["tlb_misses"] else 0.0
        # only the walkers the mode has: the VMM walks guest tables in software only in shadow mode
        key = "ex.e.cheaper.mode_vmm" if d["vmm_walk_refs"] else "ex.e.cheaper.mode"
        out.append(t(key, lang, mode=mode_name(m, lang), cycles=number(d["cycles"], lang),
                     exits=number(d["vm_exits"], lang), exit_cycles=number(g["exits"], lang),
                     refs=number(d["walk_refs"], lang), per=round(per, 1) * 1.0, misses=number(d["tlb_misses"], lang),
                     walk_cycles=number(g["walks"], lang), vmm_refs=number(d["vmm_walk_refs"], lang)))
        out += _per_miss(F["misses"][m], lang)
    diffs = {k: groups["shadow"][k] - groups["nested"][k] for k in ("exits", "walks", "other")}
    top = max(diffs, key=lambda k: abs(diffs[k]))
    more = "shadow" if diffs[top] > 0 else "nested"
    out.append(t(f"ex.e.cheaper.top.{top}", lang, mode=mode_name(more, lang), diff=number(abs(diffs[top]), lang)))
    return out


def _per_miss(M: dict, lang: str) -> list[str]:
    """Why a run's references per TLB miss exceed one walk's: the misses that met a fault walked
    more than once (the walk that finds the fault, and the walk of the retried access)."""
    if not M["faulted"]:
        return []
    kinds = t("ex.e.cheaper.or", lang).join(t(f"ex.fault.{k}", lang) for k in M["fault_kinds"])
    faulted = dict(kinds=kinds, n=M["faulted"], faulted_per=round(M["faulted_refs"] / M["faulted"], 1) * 1.0)
    if not M["quiet"]:
        return [t("ex.e.cheaper.all_faulted", lang, **faulted)]
    return [t("ex.e.cheaper.quiet", lang, n=M["quiet"], most=M["quiet_max"],
              quiet_per=round(M["quiet_refs"] / M["quiet"], 1) * 1.0),
            t("ex.e.cheaper.faulted", lang, **faulted)]


def _groups(d: dict) -> dict:
    """A run's cycles in three groups: VM exits, page walks (the CPU's and the VMM's), the rest."""
    by = d["cycles_by_cause"]
    exits = sum(v for k, v in by.items() if k.startswith("vm-exit:"))
    walks = by.get("walk", 0) + by.get("vmm-walk", 0)
    return {"exits": exits, "walks": walks, "other": d["cycles"] - exits - walks}


def _cache_phrase(hit: tuple, lang: str) -> str:
    """One cache hit as the narration tells it (the same catalogue entries)."""
    cache, skipped, saved, address, combined = hit
    name = t("cache." + cache, lang)
    if cache in ("gpa", "ntlb"):
        return t("nar.gpa_hit", lang, cache=name, gpa=address, n=saved)
    if cache.startswith("ept-"):
        return t("nar.ept_psc_hits", lang, n=saved)
    if cache == "pwc":
        return t("nar.pwc_hits", lang, n=saved)
    return t("nar.cache_hit_combined" if combined else "nar.cache_hit", lang, cache=name,
             levels=", ".join(_LEVEL[lv] for lv in skipped), n=saved)


def as_json(ex: Exercise, lang: str = "en") -> dict:
    """The exercise as the command line's JSON writes it."""
    d = {"kind": ex.kind, "question": question_text(ex, lang)}
    choices = [c for f in ex.fields for c in f.choices]
    if choices:
        d["choices"] = list(dict.fromkeys(choices))
    d.update({"answer": ex.answer, "explanation": explanation(ex, lang), "scenario": ex.scenario, "mode": ex.mode,
              "step": ex.step, "scope": ex.scope,
              "fields": [{"name": f.name, "mode": f.mode, "kind": f.kind} for f in ex.fields]})
    return d


__all__ = ["EXIT_REASONS", "Exercise", "Field", "KINDS", "LINK_PREFIX", "MAX_COUNT", "MODES", "answer_text", "as_json",
           "check", "choice_label", "explanation", "field_correct", "field_label", "from_link", "generate", "given",
           "kind_title", "link_modes", "link_name", "make", "mode_name", "parse_hex", "parse_int", "parse_kinds",
           "question", "question_text", "run", "scenario_toml", "set_kinds", "step_link", "step_number"]
