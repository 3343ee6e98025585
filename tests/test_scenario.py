"""Scenarios: the TOML format, its validation (each message names the field or line at fault),
the built-ins, and determinism (same scenario and seed ⇒ identical events)."""
from __future__ import annotations

import textwrap

import pytest

from helpers_invariants import check_all
from visualizer.engine import (Mode, Note, OpKind, PageState, PmapChange, PmapReason, ScenarioError, builtin,
                               builtin_names, load_scenario_file, load_scenario_text, resolve)

GOOD = textwrap.dedent("""\
    name = "two"
    seed = 3
    mode = "nested"

    [machine]
    memory = "1MiB"

    [tlb]
    entries = 32
    ways = 8
    vpid = false

    [shadow]
    root_cache = 2

    [costs]
    walk_ref = 200

    [[vm]]
    name = "VM1"
    memory = "64KiB"
    processes = ["p1", "p2"]

    [[vm]]
    name = "VM2"
    memory = 65536

    [[trace]]
    op = "write"
    vm = "VM1"
    process = "p1"
    gva = 0x400000
    value = "0xB"

    [[trace]]
    op = "switch"
    vm = "VM1"
    process = "p2"

    [[trace]]
    op = "share"
    vm = "VM1"
    process = "p1"
    gva = "0x40_0000"
    with_vm = "VM2"
    with_gpa = 0x3000

    [[trace]]
    op = "swap_out"
    vm = "VM2"
    gpa = 0x2000
    """)


def test_a_valid_scenario_sets_every_field():
    s = load_scenario_text(GOOD)
    c = s.config
    assert (s.name, s.mode, c.seed, c.frames) == ("two", Mode.NESTED, 3, 256)
    assert (c.tlb_entries, c.tlb_ways, c.vpid, c.pcid, c.root_cache) == (32, 8, False, True, 2)
    assert c.costs.walk_ref == 200 and c.costs.vm_exit == 600
    assert [(v.name, v.pages, v.processes) for v in c.vms] == [("VM1", 16, ("p1", "p2")), ("VM2", 16, ("p1",))]
    ops = s.trace.ops()
    assert [o.kind for o in ops] == [OpKind.WRITE, OpKind.SWITCH, OpKind.SHARE, OpKind.SWAP_OUT]
    assert ops[0].value == 0xB and ops[0].gva == 0x400000
    assert (ops[2].gva, ops[2].with_vm, ops[2].with_gpa) == (0x400000, "VM2", 0x3000)
    assert ops[3].gpa == 0x2000 and ops[3].process is None
    m = s.machine()
    assert m.mode is Mode.NESTED and m.costs.walk_ref == 200
    steps = [m.execute(s.trace[i], i) for i in range(len(s.trace))]
    assert steps[0].walk_refs * 200 <= steps[0].cycles


def _error(text: str) -> str:
    with pytest.raises(ScenarioError) as exc:
        load_scenario_text(text)
    return str(exc.value)


VM = '[[vm]]\nname = "VM1"\n'
READ = '[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x400000\n'


@pytest.mark.parametrize("text, expected", [
    ('name = "a"\nseed = \n' + VM, "line 2"),
    (VM + 'name = "again"\n', "line 3"),
    ("", "vm: missing"),
    ("vm = []\n", "vm: at least one"),
    ('colour = "red"\n' + VM, "colour: unknown field"),
    ('mode = "turbo"\n' + VM, "mode: 'turbo' is not a mode"),
    ('seed = "x"\n' + VM, "seed: expected an integer"),
    ('[machine]\nmemory = "lots"\n' + VM, "machine.memory"),
    ('[machine]\nmemory = "8KiB"\n' + VM, "machine.memory: 2 frames is too small"),
    ('[machine]\nmemory = "64GiB"\n' + VM, "machine.memory"),
    ('[tlb]\nentries = 6\nways = 4\n' + VM, "tlb.entries"),
    ('[tlb]\npcid = "yes"\n' + VM, "tlb.pcid: expected true or false"),
    ('[shadow]\nroot_cache = 0\n' + VM, "shadow.root_cache"),
    ('[costs]\nwalk_rfe = 3\n' + VM, "unknown cost 'walk_rfe'"),
    ('[costs]\nvm_exit = -1\n' + VM, "cost 'vm_exit' must be a whole number"),
    ('[[vm]]\nmemory = "3KiB"\n', "vm[0].memory: 3072 bytes is not a positive multiple"),
    (VM + '[[vm]]\nname = "VM1"\n', "vm[1].name: duplicate VM name 'VM1'"),
    ('[[vm]]\nname = "VM 1"\n', "vm[0].name"),
    ('[[vm]]\nprocesses = []\n', "vm[0].processes: at least one"),
    ('[[vm]]\nprocesses = ["p1", "p1"]\n', "vm[0].processes: duplicate"),
    ('[[vm]]\nprocesses = ["p1", 2]\n', "vm[0].processes[1]"),
    ('[[vm]]\nmemory = "8KiB"\nprocesses = ["a", "b"]\n', "vm[0].memory: 2 pages cannot hold 2 processes"),
    ('[[vm]]\nsize = 1\n', "vm[0].size: unknown field"),
    (VM + READ + READ + READ + '[[trace]]\nop = "read"\nvm = "VM1"\ngva = "zz"\n', "trace[3].gva: 'zz' is not an address"),
    (VM + '[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x800000000000\n', "trace[0].gva: 0x800000000000 is not a canonical"),
    (VM + '[[trace]]\nop = "read"\nvm = "VM1"\n', "trace[0].gva: missing"),
    (VM + '[[trace]]\nop = "fly"\nvm = "VM1"\n', "trace[0].op: 'fly' is not an operation"),
    (VM + '[[trace]]\nvm = "VM1"\n', "trace[0].op: missing"),
    (VM + '[[trace]]\nop = "read"\nvm = "VM9"\ngva = 0\n', "trace[0].vm: no VM named 'VM9'"),
    (VM + '[[trace]]\nop = "read"\nvm = "VM1"\nprocess = "p9"\ngva = 0\n', "trace[0].process: VM 'VM1' has no process 'p9'"),
    (VM + '[[trace]]\nop = "switch"\nvm = "VM1"\n', "trace[0].process: missing"),
    (VM + '[[trace]]\nop = "write"\nvm = "VM1"\ngva = 0\nvalue = -1\n', "trace[0].value"),
    (VM + '[[trace]]\nop = "write"\nvm = "VM1"\ngva = 0\nvalue = 1.5\n', "trace[0].value"),
    (VM + '[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0\ncolour = 1\n', "trace[0].colour: unknown field"),
    (VM + '[[trace]]\nop = "swap_out"\nvm = "VM1"\n', "trace[0]: 'swap_out' needs gva"),
    (VM + '[[trace]]\nop = "swap_out"\nvm = "VM1"\ngva = 0\n', "trace[0].process: missing"),
    (VM + '[[trace]]\nop = "swap_out"\nvm = "VM1"\ngpa = 0x100000\n', "trace[0].gpa: 0x100000 is beyond VM 'VM1'"),
    (VM + '[[trace]]\nop = "share"\nvm = "VM1"\ngpa = 0\n', "trace[0]: 'share' needs with_gva"),
    (VM + '[[trace]]\nop = "share"\nvm = "VM1"\ngpa = 0\nwith_vm = "VM7"\nwith_gpa = 0\n', "trace[0].with_vm: no VM named 'VM7'"),
    (VM + '[[trace]]\nop = "share"\nvm = "VM1"\ngpa = 0\nwith_gva = 0\n', "trace[0].with_process: missing"),
    (VM + '[[trace]]\nop = "share"\nvm = "VM1"\ngpa = 0\nwith_gpa = 0x200000\n', "trace[0].with_gpa"),
    ('trace = [1]\n' + VM, "trace[0]: expected a table"),
    (VM + READ + '[trace_generator]\nkind = "uniform"\n', "either [[trace]] operations or a [trace_generator]"),
    (VM + '[trace_generator]\nkind = "spiral"\n', "trace_generator.kind: 'spiral' is not a generator"),
    (VM + '[trace_generator]\nkind = "uniform"\nfoo = 1\n', "trace_generator.foo: unknown parameter of 'uniform'"),
    (VM + '[trace_generator]\nkind = "uniform"\naccesses = "many"\n', "trace_generator.accesses: expected a number"),
    (VM + '[trace_generator]\nkind = "uniform"\nprocess = "p9"\n', "trace_generator.process: VM 'VM1' has no process 'p9'"),
    (VM + '[trace_generator]\nkind = "uniform"\nvm = "VM2"\n', "trace_generator.vm: no VM named 'VM2'"),
])
def test_validation_names_the_field_or_line_at_fault(text, expected):
    message = _error(text)
    assert expected in message, message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("memory, pages", [("65536", 16), ('"64KiB"', 16), ('"1 MiB"', 256), ('"1M"', 256),
                                            ('"8192B"', 2), ('"1GiB"', 262144)])
def test_sizes_accept_bytes_and_units(memory, pages):
    s = load_scenario_text(f'[[vm]]\nmemory = {memory}\nprocesses = ["p"]\n')
    assert s.config.vms[0].pages == pages


def test_defaults():
    s = load_scenario_text(VM)
    c = s.config
    assert s.mode is Mode.SHADOW and (c.seed, c.frames, c.tlb_entries, c.tlb_ways) == (0, 4096, 64, 4)
    assert c.vpid and c.pcid and c.root_cache == 4 and c.vms[0].pages == 256 and c.vms[0].processes == ("p1",)
    assert len(s.trace) == 0


def test_a_generated_trace_is_seeded():
    text = VM + '[trace_generator]\nkind = "uniform"\naccesses = 200\n'
    a, b = load_scenario_text("seed = 1\n" + text), load_scenario_text("seed = 1\n" + text)
    c = load_scenario_text("seed = 2\n" + text)
    assert a.trace.ops() == b.trace.ops() and a.trace.ops() != c.trace.ops() and len(a.trace) == 200


def test_files_and_resolve(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text(VM + READ, encoding="utf-8")
    s = load_scenario_file(p)
    assert s.name == "mine" and len(s.trace) == 1
    assert resolve(str(p)).trace.ops() == s.trace.ops()
    assert resolve("esxi-figure").name == "esxi-figure"
    with pytest.raises(ScenarioError, match="cannot read scenario file"):
        load_scenario_file(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("name = \"caf\xe9\"\n".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario_file(bad)
    with pytest.raises(ScenarioError, match="no built-in scenario or file 'nope'"):
        resolve("nope")
    with pytest.raises(ScenarioError, match="no built-in scenario 'nope'"):
        builtin("nope")


# -- built-ins ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_every_builtin_runs_in_every_mode_with_the_invariants_intact(name, mode):
    s = builtin(name)
    assert s.description and s.name == name
    m = s.machine(mode)
    n = min(len(s.trace), 400)
    for i in range(n):
        m.execute(s.trace[i], i)
    check_all(m)
    assert m.totals().accesses > 0


def test_esxi_figure_is_the_seeds_figure():
    """Two VMs; VM1 touches pages a and b, VM2 pages b and c; b has the same content in both,
    so sharing it frees a machine page; c is swapped out and back in; a write to b copies."""
    s = builtin("esxi-figure")
    assert [v.name for v in s.config.vms] == ["VM1", "VM2"]
    for mode in (Mode.SHADOW, Mode.NESTED):
        m = s.machine(mode)
        seen = []
        for i in range(len(s.trace)):
            op = s.trace[i]
            free = m.mem.free_count
            step = m.execute(op, i)
            reasons = [e.reason for e in step.events if isinstance(e, PmapChange)]
            if op.kind is OpKind.SHARE:
                assert reasons == [PmapReason.SHARE, PmapReason.SHARE] and m.mem.free_count == free + 1
                assert not [e for e in step.events if isinstance(e, Note)]
            seen += reasons
        assert PmapReason.SWAP_OUT in seen and PmapReason.SWAP_IN in seen and PmapReason.COW_BREAK in seen
        data = {vm: [g for g, st in enumerate(m.vms[vm].pmap.state)
                     if st is not PageState.UNMAPPED and g not in m.vms[vm].guest.pt_pages] for vm in ("VM1", "VM2")}
        assert len(data["VM1"]) == 2 and len(data["VM2"]) == 2, data
        check_all(m)


# -- determinism ------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_same_scenario_and_seed_give_identical_events(mode):
    for name in builtin_names():
        a, b = builtin(name), load_scenario_text(builtin(name).source, name)
        ma, mb = a.machine(mode), b.machine(mode)
        n = min(len(a.trace), 300)
        for i in range(n):
            sa, sb = ma.execute(a.trace[i], i), mb.execute(b.trace[i], i)
            assert sa == sb, (name, i)
        assert ma.mem.image.tobytes() == mb.mem.image.tobytes()


def test_the_seed_scatters_machine_pages_but_the_guest_sees_the_same():
    s = builtin("esxi-figure")
    text = s.source.replace("seed = 7", "seed = 8")
    assert text != s.source
    other = load_scenario_text(text, "esxi-figure")
    ma, mb = s.machine(Mode.SHADOW), other.machine(Mode.SHADOW)
    for i in range(len(s.trace)):
        ma.execute(s.trace[i], i)
        mb.execute(other.trace[i], i)
    assert ma.vms["VM1"].pmap.mpn != mb.vms["VM1"].pmap.mpn
    assert ma.views.guest_image("VM1").tobytes() == mb.views.guest_image("VM1").tobytes()
    mpns = sorted(m for m in ma.vms["VM1"].pmap.mpn if m >= 0)
    assert mpns != list(range(mpns[0], mpns[0] + len(mpns))), "machine pages are scattered, not contiguous"


def test_german_description_with_english_fallback():
    from visualizer.engine import ScenarioError, builtin, load_scenario_text
    base = '[[vm]]\nname = "A"\nmemory = "64KiB"\n'
    s = load_scenario_text('description = "Two pages."\ndescription_de = "Zwei Seiten."\n' + base)
    assert s.describe("en") == "Two pages." and s.describe("de") == "Zwei Seiten."
    s = load_scenario_text('description = "Two pages."\n' + base)
    assert s.describe("de") == "Two pages."
    with pytest.raises(ScenarioError, match="description_de: expected a string"):
        load_scenario_text('description_de = 3\n' + base)
    assert "Maschinenseite" in builtin("esxi-figure").describe("de")
