"""Hostile input: what a careless or malicious file, link or upload may try (issue 11).

Each case gets one line naming the problem (``error: …``, exit status 2 in the command line;
a ScenarioError/TraceError in the engine), or runs within bounded memory; text from a user is
shown inert (:func:`visualizer.text.plain.plain`)."""
from __future__ import annotations

import os

import subprocess
import sys
import time
from pathlib import Path

import pytest

from visualizer.engine import Machine, MachineConfig, Mode, ScenarioError, VmConfig, load_scenario_text
from visualizer.engine.errors import TraceError
from visualizer.engine.memory import MachineMemory
from visualizer.engine.ops import MAX_PROCESSES, MAX_VMS
from visualizer.engine.tlb import PCID_SHIFT, VPID_SHIFT, tlb_key
from visualizer.engine.tomlcheck import check_toml_shape
from visualizer.engine.traceio import default_config, parse_csv
from visualizer.text.plain import plain

ROOT = Path(__file__).resolve().parents[1]

# -- inert text ------------------------------------------------------------------------------
PAYLOADS = [
    'x". **Your session expired.** [Log in again](http://evil.example/login)',
    "![i](http://evil.example/pixel.png)",
    "<img src=http://evil.example/x.png onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "http://evil.example/bare www.evil.example mail@evil.example",
    ":red[alarm] :material/warning: :smile:",
    "# Heading\n- item\n\n| a | b |\n|---|---|",
    "$x^2$ `code` ~~strike~~ _em_ *em* __b__",
    "&lt;img src=x&gt; &amp;",
]


def test_plain_cuts_long_text():
    assert len(plain("a" * 5000)) <= 401


# -- scenario files: shape checked before tomllib ---------------------------------------------
def test_50000_dotted_key_parts_refused_at_once():
    text = ".".join(f"k{i}" for i in range(50_000)) + " = 1\n"
    assert len(text) > 330_000
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError, match="dotted parts"):
        load_scenario_text(text)
    assert time.perf_counter() - t0 < 0.5


@pytest.mark.parametrize("text", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 200 + "1" + "}" * 200,
                                  "[" + ".".join("t" * 3 for _ in range(100)) + "]\n"])
def test_deep_nesting_and_long_headers_refused(text):
    with pytest.raises(ScenarioError, match="line 1"):
        load_scenario_text(text)


def test_shape_check_passes_ordinary_toml():
    check_toml_shape('a.b = 1.5\nx = [1.5, [2.5, {c.d = "e.f.g.h"}]]\n[t.u]\n"q.q.q" = \'\'\'a.b\n.c\'\'\'\n')
    for p in (ROOT / "visualizer" / "scenarios").glob("*.toml"):
        check_toml_shape(p.read_text(encoding="utf-8"))


BASE = ('name = "x"\n{top}\n[machine]\nmemory = "1MiB"\n[[vm]]\nname = "VM1"\nmemory = "256KiB"\n'
        '[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x400000\n')


@pytest.mark.parametrize("top,match", [
    ("seed = -1", "seed: -1 is negative"),
    ("[costs]\nwalk_ref = 123456789012345678901234567890", "not valid TOML|more than the limit"),
    ("[costs]\nwalk_ref = 9223372036854775807", "more than the limit"),
])
def test_bad_numbers_are_scenario_errors(top, match):
    text = BASE.format(top="") + top + "\n" if top.startswith("[") else BASE.format(top=top)
    with pytest.raises(ScenarioError, match=match):
        load_scenario_text(text)


def test_generator_seed_must_not_be_negative():
    text = ('[[vm]]\nname = "VM1"\n[trace_generator]\nkind = "uniform"\nvm = "VM1"\nprocess = "p1"\n'
            'accesses = 10\npages = 4\nseed = -3\n')
    with pytest.raises(ScenarioError, match="trace_generator.seed"):
        load_scenario_text(text)


def test_leading_bom_accepted_in_toml_and_csv():
    s = load_scenario_text("\ufeff" + BASE.format(top="seed = 1"))
    assert s.config.seed == 1
    from visualizer.engine.traceio import decode
    text = decode("vm,process,op,address\nVM1,p1,read,0x400000\n".encode("utf-8-sig"))
    assert parse_csv(text).trace.vm_names == ["VM1"]


@pytest.mark.parametrize("field", ["²", "١٢٣", "9" * 5000, "0x" + "f" * 5000])
def test_csv_numbers_ascii_and_short(field):
    with pytest.raises(TraceError, match="line 1, field 'address'") as e:
        parse_csv(f"VM1,p1,read,{field}\n")
    assert len(str(e.value)) < 200


# -- caps: VMs (16-bit VPID), processes (12-bit PCID), memory -----------------------------------
def test_pcid_never_reaches_the_vpid_field():
    assert tlb_key(0, MAX_PROCESSES, 1) >> VPID_SHIFT == 1
    assert (tlb_key(0, MAX_PROCESSES, 1) >> PCID_SHIFT) & 0xFFF == MAX_PROCESSES
    procs = tuple(f"p{i}" for i in range(MAX_PROCESSES + 1))
    with pytest.raises(ScenarioError, match="4,095 per VM"):
        MachineConfig(65536, (VmConfig("VM1", 8192, procs),))
    assert tlb_key(0, 0, MAX_VMS) >> VPID_SHIFT == MAX_VMS


def test_highest_pcid_and_a_second_vm_keep_apart():
    """With 4,095 processes the last one's PCID (4095) fills the 12-bit field and nothing more:
    VM1's p4095 and VM2's p1 cache the same gVA in different entries."""
    procs = tuple(f"p{i}" for i in range(MAX_PROCESSES))
    cfg = MachineConfig(65536, (VmConfig("VM1", 16384, procs), VmConfig("VM2", 256, ("p1",))))
    m = Machine(cfg, Mode.NATIVE)
    from visualizer.engine import Op, OpKind
    m.execute(Op(OpKind.SWITCH, "VM1", procs[-1]))
    m.execute(Op(OpKind.WRITE, "VM1", procs[-1], 0x400000, 1))
    m.execute(Op(OpKind.WRITE, "VM2", "p1", 0x400000, 2))
    tags = {(vpid, pcid) for _, vpid, pcid, gvpn, _ in m.tlb.contents() if gvpn == 0x400}
    assert (1, MAX_PROCESSES) in tags and (2, 1) in tags
    assert m.execute(Op(OpKind.READ, "VM1", procs[-1], 0x400000)).value == 1


def test_too_many_vms_refused():
    with pytest.raises(ScenarioError, match="65,535"):
        MachineConfig(1 << 20, tuple(VmConfig(f"V{i}", 2, ("p",)) for i in range(MAX_VMS + 1)))


def test_machine_memory_cap():
    with pytest.raises(ScenarioError, match="4 GiB"):
        MachineConfig((4 << 30 >> 12) + 1, (VmConfig("VM1", 256, ("p1",)),))


@pytest.mark.parametrize("vms,pages,match", [(8, 250_000, "4 GiB"), (32_000, 1, "guest memory"),
                                             (40_000, 1, "guest memory")])
def test_default_machine_respects_the_caps(vms, pages, match):
    """8 VMs × 250,000 pages would need a 16 GiB machine; 32,000 and 40,000 one-line VMs (the
    latter overflowed an int16 trace column) too much guest memory: messages, not tracebacks."""
    lines = [f"V{v},p1,read,0x{0x400000 + p * 4096:x}" for v in range(vms) for p in range(pages)]
    trace = parse_csv("\n".join(lines) + "\n").trace
    with pytest.raises(TraceError, match=match):
        default_config(trace)


def test_csv_with_too_many_vms_or_processes():
    with pytest.raises(TraceError, match="line 65536, field 'vm'"):
        parse_csv("".join(f"V{i},p1,read,0x400000\n" for i in range(MAX_VMS + 1)))
    with pytest.raises(TraceError, match="field 'process': more than 4,095"):
        parse_csv("".join(f"VM1,p{i},read,0x400000\n" for i in range(MAX_PROCESSES + 1)))


# -- memory follows touched frames ------------------------------------------------------------
def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("size", ["256MiB", "1GiB", "4GiB"])
def test_large_declared_machine_costs_what_it_touches(size):
    """A 4 GiB machine with 64 reads and its checkpoints and clones: tens of MiB, not GiB."""
    from visualizer.app.session import Timeline
    ops = "".join(f'[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x{0x400000 + i * 0x10000:x}\n' for i in range(64))
    s = load_scenario_text(f'seed = 5\n[machine]\nmemory = "{size}"\n[[vm]]\nname = "VM1"\nmemory = "256MiB"\n'
                           + ops)
    before = _rss_kib()
    timelines = [Timeline(s.config, mode, s.trace).precompute() for mode in (Mode.SHADOW, Mode.NESTED)]
    states = [tl.state_at(n)[0] for tl in timelines for n in (1, 32, 64)]
    clones = [m.clone() for m in states]
    grew = _rss_kib() - before
    assert sum(len(tl.checkpoints) for tl in timelines) >= 4 and len(clones) == 6
    assert grew < 200 * 1024, f"RSS grew by {grew >> 10} MiB"


def test_sparse_image_pickles_and_clones_its_contents():
    import copy
    import pickle
    mem = MachineMemory((64 << 20) >> 12, seed=1)
    a, b = mem.alloc(), mem.alloc()
    mem.q[(a << 9) + 3] = 0xDEADBEEF
    mem.q[(b << 9)] = 7
    for other in (copy.deepcopy(mem), pickle.loads(pickle.dumps(mem))):
        assert other.q[(a << 9) + 3] == 0xDEADBEEF and other.q[b << 9] == 7
        assert other.used == mem.used and other.free_count == mem.free_count
        other.q[b << 9] = 8
        assert mem.q[b << 9] == 7


# -- the command line: one line and exit status 2 ---------------------------------------------
def _cli(tmp_path, name: str, content: str | bytes, *args: str) -> subprocess.CompletedProcess:
    p = tmp_path / name
    (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    argv = [sys.executable, "-m", "visualizer", "run", *(a.replace("FILE", str(p)) for a in args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.mark.parametrize("name,content,args", [
    ("dotted.toml", ".".join(f"k{i}" for i in range(50_000)) + " = 1\n", ("FILE",)),
    ("nested.toml", "a = " + "[" * 5000 + "]" * 5000 + "\n", ("FILE",)),
    ("negseed.toml", BASE.format(top="seed = -1"), ("FILE",)),
    ("cost.toml", BASE.format(top="") + "[costs]\nwalk_ref = 123456789012345678901234567890\n", ("FILE",)),
    ("procs.toml", BASE.format(top="").replace('memory = "256KiB"', 'memory = "64MiB"\nprocesses = ['
                                                + ",".join(f'"p{i}"' for i in range(5000)) + "]")
     .replace('memory = "1MiB"', 'memory = "64MiB"'), ("FILE",)),
    ("sup.csv", "VM1,p1,read,²\n", ("--trace", "FILE")),
    ("long.csv", "VM1,p1,read," + "9" * 5000 + "\n", ("--trace", "FILE")),
    ("vms.csv", "".join(f"V{i},p1,read,0x400000\n" for i in range(40_000)), ("--trace", "FILE")),
    ("bad.toml", b"\xff\xfe not utf-8", ("FILE",)),
])
def test_cli_hostile_input_gives_one_error_line(tmp_path, name, content, args):
    r = _cli(tmp_path, name, content, *args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr


def test_cli_steps_rejects_non_ascii_digits(tmp_path):
    r = subprocess.run([sys.executable, "-m", "visualizer", "dump", "esxi-figure", "--mode", "shadow", "--steps",
                        "²", "--vm", "VM1", "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1


def test_cli_accepts_bom_and_large_sparse_machine(tmp_path):
    ops = "".join(f'[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x{0x400000 + i * 0x10000:x}\n' for i in range(64))
    text = '\ufeffname = "big"\n[machine]\nmemory = "4GiB"\n[[vm]]\nname = "VM1"\nmemory = "1GiB"\n' + ops
    p = tmp_path / "big.toml"
    p.write_bytes(text.encode("utf-8"))
    code = ("import resource, sys\nfrom visualizer.cli import main\nrc = main(sys.argv[1:])\n"
            "print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(rc)")
    r = subprocess.run([sys.executable, "-c", code, "run", str(p), "--json", "--mode", "shadow"], capture_output=True,
                       text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert '"accesses": 64' in r.stdout
    maxrss_kib = int(r.stderr.split("maxrss")[1])
    assert maxrss_kib < 1 << 20  # within 1 GiB (measured: about 100 MiB)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_large_images_reserve_nothing_so_the_server_can_still_fork():
    """Twelve 4 GiB images (48 GiB declared) on a host with less: nothing is committed until
    written, and a fork (Compare's workers) still succeeds."""
    images = [MachineMemory((4 << 30) >> 12, seed=i) for i in range(12)]
    for mem in images:
        mem.q[mem.alloc() << 9] = 1
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    assert os.waitpid(pid, 0)[1] == 0
