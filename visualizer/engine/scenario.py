"""Scenarios: a machine, its VMs, settings and a trace, read from TOML (see README).

``load_scenario_text`` validates everything and raises :class:`ScenarioError` whose message
names the field (``vm[1].memory``, ``trace[3].gva``) or the TOML line at fault.
"""
from __future__ import annotations

import inspect
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

from .costs import CostTable
from .errors import ScenarioError
from .machine import Machine
from .memory import PAGE_SIZE
from .ops import DESIGNS, MAX_MACHINE_BYTES, MAX_TRACE_OPS, ReclaimConfig, MAX_VM_BYTES, MachineConfig, Mode, Op, OpKind, VmConfig
from .paging import USER_TOP
from .tomlcheck import MAX_SCENARIO_BYTES, check_toml_shape
from .trace import Trace
from .workloads import GENERATORS, generate

__all__ = ["MAX_MACHINE_BYTES", "MAX_TRACE_OPS", "MAX_VM_BYTES", "Scenario", "ScenarioError", "load_scenario_file",
           "load_scenario_text"]


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    mode: Mode
    config: MachineConfig
    trace: Trace
    source: str = ""
    """The TOML text it came from ("" for scenarios built in code)."""
    description_de: str = ""
    labels: tuple = ()
    """((vm, process, gvpn), label) pairs: names the scenario gives pages (``label`` on a trace
    entry), e.g. the vSphere figure's a, b, c. User text: renderers show it escaped."""
    """The description in German, where the scenario gives one."""

    def describe(self, lang: str = "en") -> str:
        """The description in ``lang`` ("en" or "de"), falling back to English."""
        return self.description_de if lang == "de" and self.description_de else self.description

    def machine(self, mode: Optional[Mode] = None) -> Machine:
        return Machine(self.config, mode or self.mode)

    def with_trace(self, trace: Trace) -> "Scenario":
        return replace(self, trace=trace)


_SIZE = re.compile(r"^\s*(\d+)\s*(B|KiB|MiB|GiB|K|M|G)?\s*$", re.I)
_UNITS = {None: 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30}


def parse_size(value: Any, where: str, limit: int) -> int:
    """A memory size (bytes as an integer, or "64KiB"/"1MiB") → number of 4 KiB pages."""
    if isinstance(value, bool):
        raise ScenarioError(f"{where}: expected a size such as 1048576 or \"1MiB\", got {value!r}")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and (m := _SIZE.match(value)):
        n = int(m.group(1)) * _UNITS[(m.group(2) or "").lower() or None]
    else:
        raise ScenarioError(f"{where}: expected a size such as 1048576 or \"1MiB\", got {value!r}")
    if n <= 0 or n % PAGE_SIZE:
        raise ScenarioError(f"{where}: {n} bytes is not a positive multiple of the 4 KiB page size")
    if n > limit:
        raise ScenarioError(f"{where}: {n} bytes is more than the limit of {limit} bytes")
    return n // PAGE_SIZE


def parse_address(value: Any, where: str, *, user: bool = True) -> int:
    if isinstance(value, str):
        try:
            value = int(value.replace("_", ""), 0)
        except ValueError:
            raise ScenarioError(f"{where}: '{value}' is not an address (write e.g. 0x400000)") from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{where}: expected an address such as 0x400000, got {value!r}")
    if value < 0:
        raise ScenarioError(f"{where}: address must not be negative")
    if user and value >= USER_TOP:
        raise ScenarioError(f"{where}: 0x{value:x} is not a canonical user address (must be below 0x800000000000)")
    return value


def _check_keys(table: dict, allowed: set, where: str) -> None:
    for k in table:
        if k not in allowed:
            raise ScenarioError(f"{where}{'.' if where else ''}{k}: unknown field (allowed: {', '.join(sorted(allowed))})")


def _get(table: dict, key: str, typ, where: str, default=None, required=False):
    if key not in table:
        if required:
            raise ScenarioError(f"{where}.{key}: missing" if where else f"{key}: missing")
        return default
    v = table[key]
    ok = isinstance(v, typ) and not (typ is int and isinstance(v, bool))
    if not ok:
        name = {int: "an integer", str: "a string", bool: "true or false", list: "a list", dict: "a table"}.get(typ, str(typ))
        raise ScenarioError(f"{where + '.' if where else ''}{key}: expected {name}, got {v!r}")
    return v


_RECLAIM_KEYS = {"enabled", "period", "tps_scan_pages", "tps_salting", "balloon", "balloon_max_percent", "compression",
                 "compression_cache_percent", "host_swap"}


def parse_reclaim(doc: dict, machine: dict, frames: int, vms: tuple) -> ReclaimConfig:
    """``[reclaim]`` and ``[machine] min_free``. Reclamation is on by default where the VMs' memory
    adds up to more than the machine's (as on ESXi); ``enabled`` says otherwise."""
    r = _get(doc, "reclaim", dict, "", default={})
    _check_keys(r, _RECLAIM_KEYS, "reclaim")
    over = sum(v.pages for v in vms) > frames
    kw: dict = {"enabled": _get(r, "enabled", bool, "reclaim", default=over)}
    for key, lo, hi in (("period", 1, 1_000_000), ("tps_scan_pages", 0, 1 << 20), ("balloon_max_percent", 0, 100),
                        ("compression_cache_percent", 0, 100)):
        if key in r:
            v = _get(r, key, int, "reclaim")
            if not lo <= v <= hi:
                raise ScenarioError(f"reclaim.{key}: {v} is not a whole number from {lo} to {hi:,}")
            kw[key] = v
    for key in ("tps_salting", "balloon", "compression", "host_swap"):
        if key in r:
            kw[key] = _get(r, key, bool, "reclaim")
    if "min_free" in machine:
        raw = machine["min_free"]
        if isinstance(raw, str) and raw.strip().endswith("%"):
            try:
                pct = float(raw.strip()[:-1])
            except ValueError:
                raise ScenarioError(f"machine.min_free: '{raw}' is not a percentage such as \"3%\"") from None
            if not 0 < pct <= 50:
                raise ScenarioError(f"machine.min_free: {raw} is not between 0% and 50% of machine memory")
            kw["min_free"] = max(1, round(frames * pct / 100))
        else:
            kw["min_free"] = parse_size(raw, "machine.min_free", frames * PAGE_SIZE // 2)
    return ReclaimConfig(**kw)


def parse_mode(value: Any, where: str = "mode") -> Mode:
    try:
        return Mode(value)
    except ValueError:
        raise ScenarioError(f"{where}: '{value}' is not a mode (shadow, nested or native)") from None


_TOP = {"name", "description", "description_de", "seed", "mode", "machine", "tlb", "shadow", "nested", "mmu", "costs", "vm",
        "reclaim",
        "trace", "trace_generator"}
_OP_FIELDS = {"op", "vm", "process", "gva", "value", "gpa", "with_vm", "with_process", "with_gva", "with_gpa", "label",
              "child"}


def parse_op(t: dict, where: str, vms: dict[str, VmConfig]) -> Op:
    if not isinstance(t, dict):
        raise ScenarioError(f"{where}: expected a table such as {{op = \"read\", vm = \"VM1\", gva = 0x400000}}")
    _check_keys(t, _OP_FIELDS, where)
    kind_s = _get(t, "op", str, where, required=True)
    try:
        kind = OpKind(kind_s)
    except ValueError:
        raise ScenarioError(f"{where}.op: '{kind_s}' is not an operation "
                            f"(one of {', '.join(k.value for k in OpKind)})") from None
    vm = _get(t, "vm", str, where, required=True)
    if vm not in vms:
        raise ScenarioError(f"{where}.vm: no VM named '{vm}' (VMs: {', '.join(vms)})")
    process = _get(t, "process", str, where)
    if process is not None and process not in vms[vm].processes:
        raise ScenarioError(f"{where}.process: VM '{vm}' has no process '{process}' "
                            f"(processes: {', '.join(vms[vm].processes)})")
    gva = parse_address(t["gva"], f"{where}.gva") if "gva" in t else None
    gpa = parse_address(t["gpa"], f"{where}.gpa", user=False) if "gpa" in t else None
    if gpa is not None and gpa >= vms[vm].pages * PAGE_SIZE:
        raise ScenarioError(f"{where}.gpa: 0x{gpa:x} is beyond VM '{vm}' memory ({vms[vm].pages * PAGE_SIZE} bytes)")
    value = t.get("value", 0)
    if isinstance(value, str):
        value = parse_address(value, f"{where}.value", user=False)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 64:
        raise ScenarioError(f"{where}.value: expected a 64-bit unsigned integer, got {value!r}")
    needs_gva = kind in (OpKind.READ, OpKind.WRITE, OpKind.EXEC, OpKind.MAP, OpKind.UNMAP, OpKind.PROTECT,
                         OpKind.INVLPG)
    if needs_gva and gva is None:
        raise ScenarioError(f"{where}.gva: missing (operation '{kind.value}' needs an address)")
    if kind is OpKind.SWITCH and process is None:
        raise ScenarioError(f"{where}.process: missing (switch to which process?)")
    child = None
    if kind in (OpKind.FORK, OpKind.EXIT) and process is None:
        raise ScenarioError(f"{where}.process: missing ('{kind.value}' needs the process that "
                            f"{'forks' if kind is OpKind.FORK else 'exits'})")
    if kind is OpKind.FORK:
        child = _get(t, "child", str, where, required=True)
        if child not in vms[vm].processes:
            raise ScenarioError(f"{where}.child: VM '{vm}' has no process '{child}' "
                                f"(processes: {', '.join(vms[vm].processes)})")
        if child == process:
            raise ScenarioError(f"{where}.child: '{child}' is the parent itself (fork into another process)")
    elif "child" in t:
        raise ScenarioError(f"{where}.child: only 'fork' takes a child")
    with_vm = with_process = with_gva = with_gpa = None
    if kind in (OpKind.SHARE, OpKind.SWAP_OUT):
        if gva is None and gpa is None:
            raise ScenarioError(f"{where}: '{kind.value}' needs gva (with process) or gpa")
        if gva is not None and process is None:
            raise ScenarioError(f"{where}.process: missing (gva is translated by a process's tables)")
    if kind is OpKind.SHARE:
        with_vm = _get(t, "with_vm", str, where, default=vm)
        if with_vm not in vms:
            raise ScenarioError(f"{where}.with_vm: no VM named '{with_vm}'")
        with_process = _get(t, "with_process", str, where)
        if with_process is not None and with_process not in vms[with_vm].processes:
            raise ScenarioError(f"{where}.with_process: VM '{with_vm}' has no process '{with_process}'")
        with_gva = parse_address(t["with_gva"], f"{where}.with_gva") if "with_gva" in t else None
        with_gpa = parse_address(t["with_gpa"], f"{where}.with_gpa", user=False) if "with_gpa" in t else None
        if with_gva is None and with_gpa is None:
            raise ScenarioError(f"{where}: 'share' needs with_gva (with with_process) or with_gpa")
        if with_gva is not None and with_process is None:
            raise ScenarioError(f"{where}.with_process: missing (with_gva is translated by a process's tables)")
        if with_gpa is not None and with_gpa >= vms[with_vm].pages * PAGE_SIZE:
            raise ScenarioError(f"{where}.with_gpa: 0x{with_gpa:x} is beyond VM '{with_vm}' memory")
    return Op(kind, vm, process, gva, value, gpa, with_vm, with_process, with_gva, with_gpa, child)


MAX_LABEL = 12
"""Longest page label (characters): a label is drawn inside a page's box."""


def _labels(items: list, ops: list[Op], vms: dict[str, VmConfig]) -> tuple:
    """The ``label`` of trace entries, attached to (VM, process, gVA page): the process is the
    entry's, else the VM's first process. The first label given to a page wins."""
    out: dict[tuple[str, str, int], str] = {}
    for i, (t, op) in enumerate(zip(items, ops, strict=True)):
        if "label" not in t:
            continue
        label = t["label"]
        where = f"trace[{i}].label"
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL or not label.isprintable():
            raise ScenarioError(f"{where}: expected a short name (1 to {MAX_LABEL} printable characters), "
                                f"got {label!r}")
        if op.gva is None:
            raise ScenarioError(f"{where}: only an operation with a gva names a page")
        key = (op.vm, op.process or vms[op.vm].processes[0], op.gva >> 12)
        out.setdefault(key, label.strip())
    return tuple(sorted(out.items()))


def parse_generator(t: dict, vms: dict[str, VmConfig], seed: int) -> Trace:
    where = "trace_generator"
    kind = _get(t, "kind", str, where, required=True)
    if kind not in GENERATORS:
        raise ScenarioError(f"{where}.kind: '{kind}' is not a generator (one of {', '.join(sorted(GENERATORS))})")
    fn = GENERATORS[kind][0]
    params = {k: v for k, v in t.items() if k not in ("kind", "seed")}
    allowed = [p for p in inspect.signature(fn).parameters if p != "rng"]
    for k, v in params.items():
        if k not in allowed:
            raise ScenarioError(f"{where}.{k}: unknown parameter of '{kind}' (allowed: {', '.join(allowed)})")
        default = inspect.signature(fn).parameters[k].default
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ScenarioError(f"{where}.{k}: expected a number, got {v!r}")
            if isinstance(default, int) and not isinstance(v, int):
                raise ScenarioError(f"{where}.{k}: expected an integer, got {v!r}")
            if v < 0:
                raise ScenarioError(f"{where}.{k}: must not be negative")
        elif isinstance(default, str) and not isinstance(v, str):
            raise ScenarioError(f"{where}.{k}: expected a string, got {v!r}")
    if "accesses" in params and params["accesses"] > MAX_TRACE_OPS:
        raise ScenarioError(f"{where}.accesses: at most {MAX_TRACE_OPS} operations")
    vm = params.get("vm", inspect.signature(fn).parameters.get("vm").default
                    if "vm" in inspect.signature(fn).parameters else None)
    if vm is not None and vm not in vms:
        raise ScenarioError(f"{where}.vm: no VM named '{vm}'")
    proc = params.get("process")
    if proc is not None and vm is not None and proc not in vms[vm].processes:
        raise ScenarioError(f"{where}.process: VM '{vm}' has no process '{proc}'")
    gseed = t.get("seed", seed)
    if isinstance(gseed, bool) or not isinstance(gseed, int) or gseed < 0:
        raise ScenarioError(f"{where}.seed: expected a whole number from 0, got {gseed!r}")
    try:
        trace = generate(kind, gseed, **params)
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    for v, p in trace.proc_names:
        if v not in vms or p not in vms[v].processes:
            raise ScenarioError(f"{where}: the trace uses process '{p}' of VM '{v}', which the scenario lacks")
    return trace


def load_scenario_text(text: str, name_hint: str = "scenario") -> Scenario:
    text = text.removeprefix("\ufeff")  # a leading UTF-8 byte-order mark is not content
    check_toml_shape(text)  # size, key parts and nesting checked before tomllib sees the text
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        raise ScenarioError("not valid TOML: nested too deeply or too large to read") from None
    _check_keys(doc, _TOP, "")
    name = _get(doc, "name", str, "", default=name_hint)
    description = _get(doc, "description", str, "", default="")
    description_de = _get(doc, "description_de", str, "", default="")
    seed = _get(doc, "seed", int, "", default=0)
    if seed < 0:
        raise ScenarioError(f"seed: {seed} is negative (use a whole number from 0)")
    mode = parse_mode(doc.get("mode", "shadow"))
    machine = _get(doc, "machine", dict, "", default={})
    _check_keys(machine, {"memory", "min_free"}, "machine")
    frames = parse_size(machine.get("memory", "16MiB"), "machine.memory", MAX_MACHINE_BYTES)
    tlb = _get(doc, "tlb", dict, "", default={})
    _check_keys(tlb, {"entries", "ways", "vpid", "pcid", "entries_2m", "ways_2m"}, "tlb")
    entries = _get(tlb, "entries", int, "tlb", default=64)
    ways = _get(tlb, "ways", int, "tlb", default=4)
    if not 1 <= ways <= entries or entries % ways or entries > 65536:
        raise ScenarioError(f"tlb.entries: {entries} entries must be a multiple of tlb.ways ({ways}), at most 65536")
    entries_2m = _get(tlb, "entries_2m", int, "tlb", default=32)
    ways_2m = _get(tlb, "ways_2m", int, "tlb", default=4)
    if not 1 <= ways_2m <= entries_2m or entries_2m % ways_2m or entries_2m > 65536:
        raise ScenarioError(f"tlb.entries_2m: {entries_2m} entries must be a multiple of tlb.ways_2m ({ways_2m}), "
                            "at most 65536")
    vpid = _get(tlb, "vpid", bool, "tlb", default=True)
    pcid = _get(tlb, "pcid", bool, "tlb", default=True)
    shadow = _get(doc, "shadow", dict, "", default={})
    _check_keys(shadow, {"root_cache"}, "shadow")
    root_cache = _get(shadow, "root_cache", int, "shadow", default=4)
    if root_cache < 1:
        raise ScenarioError("shadow.root_cache: must be at least 1")
    nested = _get(doc, "nested", dict, "", default={})
    _check_keys(nested, {"invept", "large_pages"}, "nested")
    invept = _get(nested, "invept", str, "nested", default="single")
    ept_large = _get(nested, "large_pages", bool, "nested", default=False)
    mmu = _get(doc, "mmu", dict, "", default={})
    _check_keys(mmu, {"pwc", "nested_tlb", "design"}, "mmu")
    pwc = _get(mmu, "pwc", bool, "mmu", default=False)
    nested_tlb = _get(mmu, "nested_tlb", bool, "mmu", default=False)
    design = _get(mmu, "design", str, "mmu", default="intel")
    if design not in DESIGNS:
        raise ScenarioError(f"mmu.design: '{design}' is not an MMU design (intel or amd)")
    if invept not in ("single", "all"):
        raise ScenarioError(f"nested.invept: '{invept}' is not an INVEPT type (single or all)")
    try:
        costs = CostTable().with_overrides(_get(doc, "costs", dict, "", default={}))
    except ValueError as exc:
        raise ScenarioError(f"costs: {exc}") from None
    vm_list = _get(doc, "vm", list, "", required=True)
    if not vm_list:
        raise ScenarioError("vm: at least one [[vm]] is needed")
    vms: dict[str, VmConfig] = {}
    for i, v in enumerate(vm_list):
        where = f"vm[{i}]"
        if not isinstance(v, dict):
            raise ScenarioError(f"{where}: expected a table ([[vm]])")
        _check_keys(v, {"name", "memory", "processes", "large_pages", "shares"}, where)
        vname = _get(v, "name", str, where, default=f"VM{i + 1}")
        if not vname or not re.fullmatch(r"[A-Za-z0-9_.-]+", vname):
            raise ScenarioError(f"{where}.name: '{vname}' — use letters, digits, '_', '.' or '-'")
        if vname in vms:
            raise ScenarioError(f"{where}.name: duplicate VM name '{vname}'")
        pages = parse_size(v.get("memory", "1MiB"), f"{where}.memory", MAX_VM_BYTES)
        procs = _get(v, "processes", list, where, default=["p1"])
        if not procs:
            raise ScenarioError(f"{where}.processes: at least one process")
        for j, p in enumerate(procs):
            if not isinstance(p, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", p):
                raise ScenarioError(f"{where}.processes[{j}]: '{p}' — use letters, digits, '_', '.' or '-'")
        if len(set(procs)) != len(procs):
            raise ScenarioError(f"{where}.processes: duplicate process names")
        if len(procs) >= pages:
            raise ScenarioError(f"{where}.memory: {pages} pages cannot hold {len(procs)} processes' tables")
        shares = _get(v, "shares", int, where, default=1000)
        if not 1 <= shares <= 1_000_000:
            raise ScenarioError(f"{where}.shares: {shares} is not a whole number from 1 to 1,000,000")
        vms[vname] = VmConfig(vname, pages, tuple(procs), _get(v, "large_pages", bool, where, default=False), shares)
    if "trace" in doc and "trace_generator" in doc:
        raise ScenarioError("trace: give either [[trace]] operations or a [trace_generator], not both")
    labels: tuple = ()
    if "trace_generator" in doc:
        trace = parse_generator(_get(doc, "trace_generator", dict, ""), vms, seed)
    else:
        items = _get(doc, "trace", list, "", default=[])
        if len(items) > MAX_TRACE_OPS:
            raise ScenarioError(f"trace: at most {MAX_TRACE_OPS} operations")
        ops = [parse_op(t, f"trace[{i}]", vms) for i, t in enumerate(items)]
        trace = Trace.from_ops(ops)
        labels = _labels(items, ops, vms)
    reclaim = parse_reclaim(doc, machine, frames, tuple(vms.values()))
    config = MachineConfig(frames, tuple(vms.values()), seed, entries, ways, vpid, pcid, root_cache, costs, invept,
                           ept_large, pwc, nested_tlb, entries_2m, ways_2m, reclaim=reclaim, design=design)
    needed = sum(3 + len(v.processes) for v in vms.values())
    if frames < needed:
        raise ScenarioError(f"machine.memory: {frames} frames is too small for the VMs' tables (need ≥ {needed})")
    return Scenario(name, description, mode, config, trace, text, description_de, labels)


def load_scenario_file(path: str | Path) -> Scenario:
    p = Path(path)
    try:
        with p.open("rb") as f:  # read no more than the limit: check_toml_shape refuses the rest
            text = f.read(MAX_SCENARIO_BYTES + 1).decode("utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario file '{path}': {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"scenario file '{path}' is not UTF-8 text") from None
    return load_scenario_text(text, p.stem)
