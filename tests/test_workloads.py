"""Workload generators: seeded, the shapes they promise, valid on a machine, usable from TOML."""
from collections import Counter

import numpy as np
import pytest

from visualizer.engine import GuestActionKind, Machine, Mode, OpKind, ScenarioError, load_scenario_text
from visualizer.engine.ops import OP_CODES
from visualizer.engine.traceio import default_config
from visualizer.engine.workloads import GENERATORS, generate, processes_of, program_names

KINDS = sorted(GENERATORS)
GENERATED = [k for k in KINDS if k != "program"]


def kinds(trace):
    return Counter(OP_CODES[c].value for c in trace.op.tolist())


def columns(trace):
    return (trace.vm_names, trace.proc_names, trace.vm.tolist(), trace.proc.tolist(), trace.op.tolist(),
            trace.gva.tolist(), trace.value.tolist())


@pytest.mark.parametrize("kind", GENERATED)
def test_same_seed_same_trace_other_seed_other_trace(kind):
    a, b, c = generate(kind, 5, accesses=2000), generate(kind, 5, accesses=2000), generate(kind, 6, accesses=2000)
    assert columns(a) == columns(b)
    assert columns(a) != columns(c)


@pytest.mark.parametrize("kind", KINDS)
def test_every_generator_documents_its_parameters(kind):
    fn, description = GENERATORS[kind]
    assert description
    import inspect
    params = [p for p in inspect.signature(fn).parameters if p != "rng"]
    for p in params:
        if p not in ("vm", "process"):
            assert p in fn.__doc__, f"{kind}: parameter {p} is not documented"


@pytest.mark.parametrize("kind", KINDS)
def test_runs_in_every_mode_without_a_guest_crash(kind):
    """A generated workload is a valid program: no access ends in SIGSEGV or out-of-memory."""
    trace = generate(kind, 3, accesses=3000)
    cfg = default_config(trace)
    for mode in Mode:
        m = Machine(cfg, mode)
        for i in range(len(trace)):
            step = m.execute(trace[i], i)
            assert "segv" not in step.fault, f"{kind} {mode.value} op {i}: {trace[i].describe()}"


def test_sequential_scans_in_order():
    t = generate("sequential", 0, accesses=1000, pages=4, stride=1024)
    pages = ((t.gva - np.uint64(0x400000)) >> np.uint64(12)).tolist()
    assert pages[:12] == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    assert max(pages) == 3


def test_zipf_concentrates_on_hot_pages_and_exponent_zero_is_uniform():
    hot = generate("zipf", 1, accesses=50000, pages=256, exponent=1.2)
    flat = generate("zipf", 1, accesses=50000, pages=256, exponent=0.0)
    top = lambda t: Counter((t.gva >> np.uint64(12)).tolist()).most_common(1)[0][1] / len(t)  # noqa: E731
    assert top(hot) > 0.1          # rank 1 of 256 with s=1.2: ~20%
    assert top(flat) < 0.01        # uniform: ~0.4%
    assert len(set((hot.gva >> np.uint64(12)).tolist())) > 150  # the cold tail is still touched


def test_tlb_thrash_cycles_through_every_page_once_per_round():
    t = generate("tlb_thrash", 2, accesses=1024, pages=256)
    pages = (t.gva >> np.uint64(12)).tolist()
    assert all(n == 4 for n in Counter(pages).values()) and len(set(pages)) == 256
    assert pages[:256] == pages[256:512]                     # the same order each round
    assert set(kinds(t)) <= {"read", "write"}                # no page-table activity


def test_tlb_thrash_misses_every_access_once_warm():
    t = generate("tlb_thrash", 2, accesses=2560, pages=256)
    m = Machine(default_config(t), Mode.NATIVE)
    m.run_bulk(t, 0, 256)
    before = m.totals().tlb_misses
    m.run_bulk(t, 256, len(t))
    assert m.totals().tlb_misses - before == len(t) - 256


def test_pt_churn_has_buffer_bursts_and_real_forks():
    t = generate("pt_churn", 4, accesses=2000, burst_every=100, burst_pages=4, cow_ratio=0.5)
    k = kinds(t)
    assert k["map"] and k["unmap"] and k["fork"] and k["fork"] == k["exit"] and not k["protect"]
    assert t.proc_names == [("VM1", "p1"), ("VM1", "p2")] and processes_of("pt_churn") == ["p1", "p2"]
    ops = t.ops()
    # a fork: p1 forks p2, writes burst_pages pages, p2 reads about half of them and exits
    i = next(i for i, o in enumerate(ops) if o.kind is OpKind.FORK)
    assert ops[i].process == "p1" and ops[i].child == "p2" and ops[i].describe() == "fork VM1/p1 → p2"
    burst = ops[i + 1:i + 8]
    assert [(o.kind, o.process) for o in burst] == [(OpKind.WRITE, "p1")] * 4 + [(OpKind.READ, "p2")] * 2 + \
        [(OpKind.EXIT, "p2")]
    assert [o.gva & ~0xFFF for o in burst[4:6]] == [o.gva & ~0xFFF for o in burst[:2]]
    # one burst every 100 accesses: a fork or a run of maps beyond the 32-page working set
    churn = 0x400000 + 32 * 4096
    starts = [b for a, b in zip(ops, ops[1:], strict=False) if b.kind is not a.kind and
              (b.kind is OpKind.FORK or (b.kind is OpKind.MAP and b.gva >= churn))]
    assert len(starts) == 2000 // 100 - 1


def test_pt_churn_forks_copy_on_write_in_every_mode():
    t = generate("pt_churn", 4, accesses=1000, burst_every=100, cow_ratio=1.0)
    for mode in Mode:
        m = Machine(default_config(t), mode)
        copies = 0
        for i in range(len(t)):
            step = m.execute(t[i], i)
            copies += sum(1 for e in step.events if getattr(e, "kind", None) is GuestActionKind.COPY_PAGE)
            assert not any(getattr(e, "kind", None) is GuestActionKind.SEGV for e in step.events), step.op
        assert copies > 0, mode


def test_pt_churn_without_cow_only_maps_and_unmaps():
    k = kinds(generate("pt_churn", 4, accesses=2000, cow_ratio=0.0))
    assert k["fork"] == k["protect"] == 0 and k["map"] > 0 and abs(k["map"] - k["unmap"]) <= 4


def test_context_switch_round_robin_with_quantum():
    t = generate("context_switch", 1, accesses=1000, processes=3, quantum=100)
    assert [p for _, p in t.proc_names] == ["p1", "p2", "p3"]
    ops = t.ops()
    switches = [o.process for o in ops if o.kind is OpKind.SWITCH]
    assert switches == ["p2", "p3", "p1"] * 3
    # each time slice belongs to one process: 100 accesses, then the next one
    procs = [o.process for o in ops if o.kind is not OpKind.SWITCH]
    assert procs[:100] == ["p1"] * 100 and procs[100:200] == ["p2"] * 100


def test_mix_rates_per_thousand_accesses():
    t = generate("mix", 2, accesses=20000, update_rate=20.0, switch_rate=5.0, processes=2, burst_pages=4)
    k = kinds(t)
    assert k["switch"] == 20000 // 200 - 1
    assert abs((k["map"] + k["unmap"]) - 20 * 20) <= 2 * 4 + 4
    quiet = kinds(generate("mix", 2, accesses=20000, update_rate=0.0, switch_rate=0.0))
    assert quiet["map"] == quiet["unmap"] == quiet["switch"] == 0


def test_program_is_the_shipped_lackey_trace():
    assert "listwalk" in program_names()
    t = generate("program", 0)
    k = kinds(t)
    assert k["exec"] > k["read"] > k["write"] > 0
    assert len(generate("program", 0, accesses=500)) == 500
    with pytest.raises(ValueError, match="no program trace 'nope'"):
        generate("program", 0, name="nope")


@pytest.mark.parametrize("bad, message", [
    (dict(pages=0), "pages must be a whole number"),
    (dict(write_ratio=1.5), "write_ratio must be a fraction"),
    (dict(accesses=-1), "accesses must be a whole number"),
    (dict(base=0x400001), "page-aligned"),
])
def test_bad_parameters_are_named(bad, message):
    with pytest.raises(ValueError, match=message):
        generate("uniform", 0, **bad)


def test_processes_of():
    assert processes_of("context_switch", {"processes": 3}) == ["p1", "p2", "p3"]
    assert processes_of("mix") == ["p1", "p2"]
    assert processes_of("zipf") == ["p1"]


def _toml(kind: str, processes: list[str], extra: str = "") -> str:
    procs = ", ".join(f'"{p}"' for p in processes)
    return f"""
seed = 4
[machine]
memory = "8MiB"
[[vm]]
name = "VM1"
memory = "4MiB"
processes = [{procs}]
[trace_generator]
kind = "{kind}"
accesses = 500
{extra}
"""


@pytest.mark.parametrize("kind", KINDS)
def test_every_generator_works_from_a_scenario_file(kind):
    s = load_scenario_text(_toml(kind, processes_of(kind)))
    assert len(s.trace) >= 500
    s.machine(Mode.SHADOW).run_bulk(s.trace)


def test_scenario_file_names_missing_processes_and_bad_values():
    with pytest.raises(ScenarioError, match="process 'p3' of VM 'VM1'"):
        load_scenario_text(_toml("context_switch", ["p1", "p2"], "processes = 3"))
    with pytest.raises(ScenarioError, match=r"trace_generator: write_ratio must be a fraction"):
        load_scenario_text(_toml("zipf", ["p1"], "write_ratio = 2.0"))
    with pytest.raises(ScenarioError, match=r"trace_generator.quantum: expected an integer"):
        load_scenario_text(_toml("context_switch", ["p1", "p2", "p3", "p4"], "quantum = 2.5"))
