"""Trace files at full size: a source read in chunks runs as the whole trace does (bulk = step
across chunks, kept or read again), sampling says what it kept, an upload too long to keep
compares as the parsed trace does, and the command line's run --trace, compare and record."""
import csv
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from visualizer.engine import Mode
from visualizer.engine import compare as C
from visualizer.engine import inputs as I
from visualizer.engine import tracefile as F
from visualizer.engine import traceio as T
from visualizer.engine.errors import TraceError
from visualizer.engine.workloads import generate

ROOT = Path(__file__).resolve().parent.parent


def _csv(tmp_path, name="t.csv", kind="mix", n=20_000, seed=1, gz=False):
    text = T.write_csv(generate(kind, seed, accesses=n))
    p = tmp_path / (name + (".gz" if gz else ""))
    p.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return p


def _same(a, b):
    assert a.counters == b.counters and a.per_vm == b.per_vm and a.frames == b.frames
    assert np.array_equal(a.ops_done, b.ops_done) and np.array_equal(a.cycles_done, b.cycles_done)


@pytest.mark.parametrize("keep", [F.KEEP_BYTES, 0])
def test_a_source_in_chunks_runs_as_the_whole_trace(tmp_path, keep):
    p = _csv(tmp_path, gz=True, n=10_000)
    whole = T.read_trace_file(p)
    src = F.TraceSource(p, keep_bytes=keep)
    assert src.kept == (keep > 0) and src.operations == len(whole) == src.total_operations
    assert src.config == T.default_config(whole)
    for machine in ("today", "bare"):
        cfg = C.with_large_page_room(C.Settings(**C.MACHINES[machine]).apply(src.config), src.stats)
        assert cfg == C.with_large_page_room(C.Settings(**C.MACHINES[machine]).apply(T.default_config(whole)), whole)
        for mode in C.MODES:
            _same(F.run_mode(cfg, src, mode, samples=37), C.run_mode(cfg, whole, mode, samples=37))


def test_small_blocks_do_not_change_the_run(tmp_path, monkeypatch):
    p = _csv(tmp_path, n=6000, kind="pt_churn")
    whole = T.read_trace_file(p)
    monkeypatch.setattr(T, "BLOCK_BYTES", 4096)
    src = F.TraceSource(p, keep_bytes=0)
    assert len(list(src.chunks())) > 10
    cfg = src.config
    for mode in C.MODES:
        _same(F.run_mode(cfg, src, mode), C.run_mode(cfg, whole, mode))


def test_sampling_every_nth_access_keeps_other_operations(tmp_path):
    p = _csv(tmp_path, n=10_000, kind="mix")
    whole = T.read_trace_file(p)
    src = F.TraceSource(p, sample=F.Sample(every=10))
    t = src.trace()
    acc = whole.op <= T.EXEC
    assert np.count_nonzero(t.op <= T.EXEC) == -(-np.count_nonzero(acc) // 10)
    assert np.count_nonzero(t.op > T.EXEC) == np.count_nonzero(~acc)
    assert t.gva[t.op <= T.EXEC].tolist() == whole.gva[acc][::10].tolist()
    assert src.total_operations == len(whole) and src.operations == len(t)
    assert "every 10th access" in src.sample.describe() and "sampled" in src.describe().lower()


def test_sampling_a_window(tmp_path):
    p = _csv(tmp_path, n=10_000)
    whole = T.read_trace_file(p)
    src = F.TraceSource(p, sample=F.Sample(start=2000, count=3000), keep_bytes=0)
    t = src.trace()
    assert t.gva.tolist() == whole.gva[2000:5000].tolist() and t.op.tolist() == whole.op[2000:5000].tolist()
    assert "machine starts cold" in src.sample.describe()
    with pytest.raises(ValueError):
        F.Sample(every=0)
    with pytest.raises(TraceError, match="the sample leaves no operations"):
        F.TraceSource(p, sample=F.Sample(start=10**9))


def test_a_base_scenarios_checks_name_the_line(tmp_path):
    from visualizer.engine import builtin
    p = tmp_path / "t.csv"
    p.write_text("VM1,p1,read,0x400000\nVM9,p1,read,0x400000\n")
    with pytest.raises(TraceError, match="t.csv: line 2, field 'vm': the base scenario has no VM 'VM9'"):
        F.TraceSource(p, base=builtin("esxi-figure"))


def test_a_long_upload_compares_as_the_parsed_trace(tmp_path):
    p = _csv(tmp_path, gz=True, n=6_000, kind="context_switch")
    data = p.read_bytes()
    up = I.read_upload(data, p.name, keep_rows=1000)
    assert up.trace is None and up.operations > 1000 and up.format == "csv"
    full = I.read_upload(data, p.name)
    assert full.trace is not None and len(full.trace) == up.operations
    cfg = C.with_large_page_room(C.Settings(**C.MACHINES["today"]).apply(T.default_config(up.stats)), up.stats)
    assert cfg == C.with_large_page_room(C.Settings(**C.MACHINES["today"]).apply(T.default_config(full.trace)),
                                         full.trace)
    stream = F.UploadStream(data, p.name, up.operations)
    a = F.compare_upload(cfg, stream, samples=50, cache_baseline=True)
    b = C.compare(cfg, full.trace, samples=50, cache_baseline=True)
    assert a.results.keys() == b.results.keys() and a.without_caches.keys() == b.without_caches.keys()
    for k in b.results:
        _same(a.results[k], b.results[k])
    for k in b.without_caches:
        _same(a.without_caches[k], b.without_caches[k])
    head = I.upload_head(data, p.name, 777)
    assert head.op.tolist() == full.trace.op[:777].tolist()


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "visualizer", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=kw.get("timeout", 120))


def test_cli_compare_json_has_the_counters_of_run_json(tmp_path):
    p = _csv(tmp_path, n=8000)
    r = _cli("compare", "--trace", p, "--json", "--machine", "bare", "--workers", "0")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["native", "shadow", "nested"]
    for mode in doc:
        one = _cli("run", "--trace", p, "--mode", mode, "--json")
        assert one.returncode == 0, one.stderr
        d = json.loads(one.stdout)
        assert {k: doc[mode][k] for k in d} == d  # every counter run --json has, the same
        assert doc[mode]["machine"] == "bare"


def test_cli_compare_csv_text_workers_and_several_traces(tmp_path):
    a, b = _csv(tmp_path, "a.csv", n=5000), _csv(tmp_path, "b.csv.gz", kind="pt_churn", n=5000)
    out = tmp_path / "out.csv"
    r = _cli("compare", "--trace", a, "--trace", b, "--csv", out, "--workers", "2")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Nested wins") + r.stdout.count("Shadow wins") + r.stdout.count("cost the same") == 2
    rows = list(csv.DictReader(out.open()))
    assert [(Path(x["trace"]).name, x["mode"]) for x in rows] == [
        (n, m) for n in ("a.csv", "b.csv.gz") for m in ("native", "shadow", "nested")]
    j = _cli("compare", "--trace", a, "--trace", b, "--json", "--workers", "0")
    doc = json.loads(j.stdout)
    assert list(doc) == [str(a), str(b)]
    for x in rows:
        assert int(x["cycles"]) == doc[x["trace"]][x["mode"]]["cycles"]


def test_cli_compare_sampled_says_so(tmp_path):
    p = _csv(tmp_path, n=8000)
    r = _cli("compare", "--trace", p, "--every", "4", "--workers", "0")
    assert r.returncode == 0 and "sampled: every 4th access" in r.stdout
    j = json.loads(_cli("compare", "--trace", p, "--window", "1000:2000", "--json", "--workers", "0").stdout)
    assert j["shadow"]["sample"]["start"] == 1000 and j["shadow"]["operations"] == 2000
    r = _cli("run", "--trace", p, "--every", "2", "--json")
    assert json.loads(r.stdout)["sample"]["every"] == 2


@pytest.mark.parametrize("args, message", [
    (["compare", "--trace", "/nonexistent.csv"], "cannot read trace file"),
    (["compare", "--trace", "BAD"], "line 1, field 'address'"),
    (["compare", "--trace", "x.toml"], "compare takes trace files"),
    (["compare", "--trace", "OK", "--every", "0"], "must be at least 1"),
    (["compare", "--trace", "OK", "--window", "5"], "is not START:COUNT"),
    (["compare", "--trace", "OK", "--scheduler", "nowhere"], "is not a scheduler address"),
    (["record"], "give the program to record"),
])
def test_cli_bad_input_is_one_line(tmp_path, args, message):
    bad = tmp_path / "bad.csv"
    bad.write_text("VM1,p1,read,zz\n")
    ok = _csv(tmp_path, n=100)
    args = [str(bad) if a == "BAD" else str(ok) if a == "OK" else a for a in args]
    r = _cli(*args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: ") and len(r.stderr.strip().splitlines()) == 1 and message in r.stderr


def test_cli_record_without_valgrind_says_how_to_install(tmp_path, monkeypatch):
    from visualizer import cli, cli_traces
    monkeypatch.setattr(cli_traces, "valgrind", lambda: None)
    err = []
    monkeypatch.setattr(sys, "stderr", type("E", (), {"write": lambda self, s: err.append(s), "flush": lambda s: 0})())
    assert cli.main(["record", "--", "true"]) == 2
    assert "apt-get install valgrind" in "".join(err)


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_cli_records_a_tiny_program_and_compares_it(tmp_path):
    out = tmp_path / "true.lackey.gz"
    r = _cli("record", "--quiet-program", "-o", out, "--", shutil.which("true") or "/bin/true", timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"wrote {out}" in r.stdout and "compare --trace" in r.stdout
    src = F.TraceSource(out)
    assert src.format == "lackey" and src.program == "true" and src.operations > 10_000
    c = _cli("compare", "--trace", out, "--window", "0:20000", "--json", "--workers", "0")
    assert c.returncode == 0, c.stderr
    assert json.loads(c.stdout)["nested"]["accesses"] > 0


def test_mode_enum_is_what_run_mode_takes(tmp_path):
    src = F.TraceSource(_csv(tmp_path, n=500))
    assert F.run_mode(src.config, src, Mode.NATIVE).mode is Mode.NATIVE
