"""Trace import: CSV and lackey parsing, validation naming line and field, caps, the default
machine, traces replacing a scenario's trace, and the command line's --trace."""
import gzip
import io
import json

import numpy as np
import pytest

from visualizer import cli
from visualizer.engine import Machine, Mode, OpKind, ScenarioError, builtin
from visualizer.engine import inputs as I
from visualizer.engine import traceio as T
from visualizer.engine.workloads import generate

CSV = """vm,process,op,address,value
# a comment
VM1,p1,write,0x400000,0x2a
VM1,p1,read,0x400008

VM1,p2,switch,
VM2,q,protect,4194304
VM1,p1,exec,0x401000
"""

LACKEY = """==4242== Lackey, an example Valgrind tool
==4242== Command: ./listwalk 7
==4242==
I  04014f0,2
 L 1fff000760,8
 S 1fff000758,8
 M 0403ffc,8
I  0401502,7
==4242== exit
"""


def test_csv_parses_ops_in_order_with_lines():
    p = T.parse_csv(CSV)
    ops = p.trace.ops()
    assert [(o.vm, o.process, o.kind.value, o.gva) for o in ops] == [
        ("VM1", "p1", "write", 0x400000), ("VM1", "p1", "read", 0x400008), ("VM1", "p2", "switch", None),
        ("VM2", "q", "protect", 0x400000), ("VM1", "p1", "exec", 0x401000)]
    assert ops[0].value == 0x2A
    assert p.lines.tolist() == [3, 4, 6, 7, 8]
    assert p.trace.vm_names == ["VM1", "VM2"]
    assert p.trace.proc_names == [("VM1", "p1"), ("VM1", "p2"), ("VM2", "q")]


def test_csv_without_header_and_write_csv_round_trip():
    t = generate("pt_churn", 1, accesses=500)
    text = T.write_csv(t)
    back = T.parse_csv(text).trace
    for col in ("vm", "proc", "op", "gva", "value"):
        assert getattr(back, col).tolist() == getattr(t, col).tolist()
    headless = "\n".join(text.splitlines()[1:])
    assert T.parse_csv(headless).trace.op.tolist() == t.op.tolist()


@pytest.mark.parametrize("line, message", [
    ("VM1,p1,rd,0x1", "line 2, field 'op': 'rd' is not an operation"),
    ("VM1,p1,share,0x1", "'share' needs two pages"),
    ("VM1,p1,read,0x800000000000", "line 2, field 'address': 0x800000000000 is not a canonical user address"),
    ("VM1,p1,read,0x7fffffffffff", None),
    ("VM1,p1,read,zz", "line 2, field 'address': 'zz' is not an address"),
    ("VM1,p1,read,-5", "line 2, field 'address': must not be negative"),
    ("VM1,p1,read,", "line 2, field 'address': missing"),
    ("VM1,p1,read", "line 2: expected 4 or 5 fields"),
    ("VM 1,p1,read,0x1", "line 2, field 'vm'"),
    ("VM1,,read,0x1", "line 2, field 'process'"),
    ("VM1,p1,switch,0x1000", "line 2, field 'address': a switch takes no address"),
    ("VM1,p1,read,0x1,7", "line 2, field 'value': only a write stores a value"),
    ("VM1,p1,write,0x1,0x10000000000000000", "line 2, field 'value': 0x10000000000000000 does not fit in 64 bits"),
])
def test_csv_errors_name_line_and_field(line, message):
    text = "# header-less trace\n" + line + "\n"
    if message is None:
        assert len(T.parse_csv(text).trace) == 1
    else:
        with pytest.raises(T.TraceError, match=message.replace("(", r"\(").replace(")", r"\)")):
            T.parse_csv(text)


def test_caps_on_rows_and_bytes():
    text = "".join(f"VM1,p1,read,0x{0x400000 + 8 * i:x}\n" for i in range(11))
    assert len(T.parse_csv(text, max_rows=11).trace) == 11
    with pytest.raises(T.TraceError, match="line 11: more than 10 operations"):
        T.parse_csv(text, max_rows=10)
    with pytest.raises(T.TraceError, match="more than 0 MiB of text"):
        T.decode(text.encode(), "t.csv", max_bytes=100)
    bomb = gzip.compress(b"\n" * 5000)
    with pytest.raises(T.TraceError, match="the limit"):
        T.decode(bomb, "t.csv.gz", max_bytes=4096)
    with pytest.raises(T.TraceError, match="line 2 is not UTF-8"):
        T.decode(b"VM1,p1,read,0x1\n\xff\xfe\n", "t.csv")
    with pytest.raises(T.TraceError, match="not a readable gzip"):
        T.decode(b"\x1f\x8b" + b"garbage", "t.gz")


def test_lackey_maps_kinds_splits_page_crossings_and_names_the_process():
    p = T.parse_lackey(LACKEY)
    ops = p.trace.ops()
    assert p.program == "listwalk"
    assert p.trace.proc_names == [("VM1", "listwalk")]
    assert [(o.kind.value, o.gva) for o in ops] == [
        ("exec", 0x4014F0), ("read", 0x1FFF000760), ("write", 0x1FFF000758),
        # M at 0x403ffc, 8 bytes: read then write, each touching 0x403000 and 0x404000
        ("read", 0x403FFC), ("read", 0x404000), ("write", 0x403FFC), ("write", 0x404000),
        ("exec", 0x401502)]
    assert p.lines.tolist() == [4, 5, 6, 7, 7, 7, 7, 8]
    assert T.parse_lackey(LACKEY, vm="G", process="me").trace.proc_names == [("G", "me")]


@pytest.mark.parametrize("line, message", [
    (" L zz,8", "line 2, field 'address': 'zz' is not a hexadecimal address"),
    (" L 1000,x", "line 2, field 'size': 'x' is not a number"),
    (" L 1000,0", "line 2, field 'size': 0 bytes"),
    (" S 800000000000,8", "line 2, field 'address': 0x800000000000 is not a canonical user address"),
    (" S 7ffffffffffc,8", "line 2, field 'address': 0x7ffffffffffc is not a canonical user address"),
    (" M 1000", "line 2: expected 'address,size' after 'M'"),
])
def test_lackey_errors_name_line_and_field(line, message):
    with pytest.raises(T.TraceError, match=message):
        T.parse_lackey("==1== header\n" + line + "\n")


def test_a_malformed_lackey_record_is_still_read_as_lackey():
    with pytest.raises(T.TraceError, match="line 1, field 'address': 'zz' is not a hexadecimal address"):
        T.parse_text(" L zz,8\n")


def test_lackey_without_records_is_an_error():
    with pytest.raises(T.TraceError, match="no lackey records"):
        T.parse_lackey("==1== only a header\n")


def test_detect_format_and_gzip():
    assert T.detect_format(LACKEY) == "lackey"
    assert T.detect_format(CSV) == "csv"
    assert T.detect_format('name = "x"\n[[vm]]\n') == "toml"
    up = I.read_upload(gzip.compress(LACKEY.encode()), "trace.lackey.gz")
    assert up.format == "lackey" and up.program == "listwalk" and len(up.trace) == 8


def test_read_upload_of_a_scenario_file_and_errors():
    up = I.read_upload(builtin("page-table-update").source.encode(), "mine.toml")
    assert up.format == "toml" and up.scenario.name == "page-table-update"
    assert up.trace.op.tolist() == builtin("page-table-update").trace.op.tolist()
    with pytest.raises(T.TraceError, match="empty"):
        I.read_upload(b"", "x.csv")
    with pytest.raises(T.TraceError, match="x.csv: line 1, field 'op'"):
        I.read_upload(b"VM1,p1,jump,0x1\n", "x.csv")
    with pytest.raises(ScenarioError, match="vm: missing"):
        I.read_upload(b'name = "broken"\n', "b.toml")


def test_default_machine_creates_vms_and_processes_on_first_mention_and_fits_the_trace():
    cfg = T.default_config(T.parse_csv(CSV).trace)
    assert [(v.name, v.processes) for v in cfg.vms] == [("VM1", ("p1", "p2")), ("VM2", ("q",))]
    assert all(v.pages >= 256 for v in cfg.vms)
    big = generate("uniform", 1, accesses=20000, pages=3000)
    cfg = T.default_config(big)
    assert cfg.vms[0].pages >= 3000 + 6
    for mode in Mode:
        m = Machine(cfg, mode)
        m.run_bulk(big)
        assert m.totals().guest_faults == len(np.unique(big.gva >> np.uint64(12)))  # one demand fault per page
        used = m.views.frames_in_use()
        assert used["free"] > 0


def test_default_machine_settings_are_overridable():
    cfg = T.default_config(T.parse_csv(CSV).trace, tlb_entries=32, tlb_ways=2, pcid=False, seed=9)
    assert (cfg.tlb_entries, cfg.tlb_ways, cfg.pcid, cfg.seed) == (32, 2, False, 9)


def test_scenario_with_trace_on_the_default_machine(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text(CSV)
    s = I.scenario_with_trace(None, f)
    assert s.name == "mine" and s.mode is Mode.SHADOW and len(s.trace) == 5
    assert [v.name for v in s.config.vms] == ["VM1", "VM2"]


def test_scenario_with_trace_replaces_a_base_scenarios_trace(tmp_path):
    base = builtin("context-switch")
    f = tmp_path / "t.csv"
    f.write_text("VM1,shell,write,0x400000,0x5\nVM1,editor,read,0x400000\n")
    s = I.scenario_with_trace(base, f)
    assert s.config == base.config and [o.process for o in s.trace.ops()] == ["shell", "editor"]
    f.write_text("VM1,shell,read,0x400000\nVM1,nope,read,0x400000\n")
    with pytest.raises(T.TraceError, match="t.csv: line 2, field 'process': VM 'VM1' of the base scenario has no "
                                           "process 'nope'"):
        I.scenario_with_trace(base, f)
    f.write_text("VM1,shell,read,0x400000\nVM9,a,read,0x400000\n")
    with pytest.raises(T.TraceError, match="line 2, field 'vm'"):
        I.scenario_with_trace(base, f)
    # a lackey trace becomes the base's first process of its first VM
    g = tmp_path / "prog.lackey"
    g.write_text(LACKEY)
    s = I.scenario_with_trace(base, g)
    assert s.trace.proc_names == [("VM1", "editor")]
    # a trace too big for the base VM's memory is refused up front, not crashed into
    h = tmp_path / "big.csv"
    h.write_text("".join(f"VM1,editor,read,0x{0x400000 + 4096 * i:x}\n" for i in range(100)))
    with pytest.raises(T.TraceError, match="32 guest-physical pages, but the trace touches 100 pages"):
        I.scenario_with_trace(base, h)


def test_scenario_with_trace_missing_file():
    with pytest.raises(T.TraceError, match="cannot read trace file '/nonexistent.csv'"):
        I.scenario_with_trace(None, "/nonexistent.csv")


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    import contextlib
    with contextlib.redirect_stderr(err):
        code = cli.main(list(argv), out)
    return code, out.getvalue(), err.getvalue()


def test_cli_run_trace_json_for_each_mode(tmp_path):
    f = tmp_path / "t.csv.gz"
    f.write_bytes(gzip.compress(T.write_csv(generate("pt_churn", 2, accesses=1000)).encode()))
    results = {}
    for mode in ("native", "shadow", "nested"):
        code, out, err = run_cli("run", "--trace", str(f), "--mode", mode, "--json")
        assert code == 0, err
        d = json.loads(out)
        assert d["mode"] == mode and d["accesses"] > 1000
        results[mode] = d["cycles"]
    assert results["native"] < results["nested"] < results["shadow"]


def test_cli_run_trace_on_a_base_scenario_and_bad_input(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("VM1,p1,write,0x400000,0x1\nVM1,p1,read,0x400000\n")
    code, out, _ = run_cli("run", "--trace", str(f), "--scenario", "tlb-reach", "--json")
    assert code == 0 and json.loads(out)["accesses"] == 2 and json.loads(out)["mode"] == "nested"
    f.write_text("VM1,p1,write,0x400000,0x1\nVM1,p1,reed,0x400000\n")
    code, out, err = run_cli("run", "--trace", str(f))
    assert code == 2 and out == ""
    assert err.strip() == ("error: t.csv: line 2, field 'op': 'reed' is not an operation "
                           "(one of read, write, exec, map, unmap, protect, invlpg, switch, swap_out, fork, exit)")


def test_the_shipped_program_trace_and_its_source():
    src = T.TRACE_DIR / "listwalk.c"
    assert "valgrind --tool=lackey --trace-mem=yes" in src.read_text()
    p = T.parse_text(T.decode((T.TRACE_DIR / "listwalk.lackey.gz").read_bytes()))
    assert p.program == "listwalk" and p.format == "lackey"
    # 256 nodes, one per page, walked 24 times: each node's page is read at least 24 times
    reads = p.trace.gva[p.trace.op == T.READ]
    pages, counts = np.unique(reads >> np.uint64(12), return_counts=True)
    assert int((counts >= 24).sum()) >= 256
    assert OpKind.EXEC.value in {o.kind.value for o in p.trace.ops()[:10]}
