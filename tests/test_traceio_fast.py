"""The vectorised trace import against the line-by-line parser it replaced (tests/trace_reference.py):
the same trace — columns, names, forks, line numbers, program — or the same error, on random valid
and invalid CSV and lackey texts, read whole and in small blocks (so that lines fall on block
boundaries and blocks mix the vectorised and the line-by-line parse)."""
import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trace_reference as R
from visualizer.engine import traceio as T
from visualizer.engine.errors import TraceError

VMS = ["VM1", "vm2", "a-very-long-vm-name.01", "X"]
PROCS = ["p1", "p2", "proc_3", "a_process_with_a_long_name", "Q"]
OPS = ["read", "write", "exec", "map", "unmap", "protect", "invlpg", "swap_out", "READ", "Write", "Swap_Out"]


def _addr(draw):
    v = draw(st.one_of(st.integers(0, 1 << 20), st.integers(0, (1 << 47) - 1), st.integers((1 << 47) - 2, 1 << 48),
                       st.integers(1 << 64, 1 << 66)))
    style = draw(st.sampled_from(["hex", "HEX", "dec", "pad", "under", "plus", "neg"]))
    if style == "hex":
        return f"0x{v:x}"
    if style == "HEX":
        return f"0X{v:X}"
    if style == "pad":
        return f"0x{v:020x}"
    if style == "under":
        s = f"{v:x}"
        return "0x" + "_".join(s[i:i + 4] for i in range(0, len(s), 4))
    if style == "plus":
        return f"+{v}"
    if style == "neg":
        return f"-{v}"
    return str(v)


@st.composite
def csv_line(draw, valid_only=False):
    kind = draw(st.sampled_from(["op"] * 8 + ["switch", "exit", "fork", "comment", "blank"] +
                                ([] if valid_only else ["bad"] * 2)))
    vm = draw(st.sampled_from(VMS))
    proc = draw(st.sampled_from(PROCS))
    if kind == "comment":
        return draw(st.sampled_from(["# a comment", "  # indented, with, commas,,,", "#", "# Größe"]))
    if kind == "blank":
        return draw(st.sampled_from(["", "   ", "\t"]))
    if kind in ("switch", "exit"):
        return f"{vm},{proc},{kind},"
    if kind == "fork":
        return f"{vm},{proc},fork,{draw(st.sampled_from(PROCS))}"
    if kind == "bad":
        return draw(st.sampled_from([
            f"{vm},{proc},rd,0x1", f"{vm},{proc},share,0x1", f"{vm},{proc},read", f"{vm},,read,0x1",
            f"VM 1,{proc},read,0x1", f"{vm},{proc},switch,0x1000", f"{vm},{proc},read,0x1,7",
            f"{vm},{proc},read,zz", f"{vm},{proc},read,", f"{vm},{proc},write,0x1,0x10000000000000000",
            f"{vm},{proc},read,0x1,2,3", f"{vm},p\u00e9,read,0x1", f"{vm},{proc},re\x7fd,0x1",
            f"{vm},{proc},read,0x", f"{vm},{proc},read,٣", f"{vm},{proc},fork,{proc}", f"{vm},{proc},fork,",
            "vm,process,op,address", f"{vm},{proc},swap\x7fout,0x1"]))
    op = draw(st.sampled_from(OPS))
    line = f"{vm},{proc},{op},{draw(st.builds(lambda: None).map(lambda _: None)) or _addr(draw)}"
    if op.lower() == "write" and draw(st.booleans()):
        line += "," + draw(st.sampled_from(["", "0x2a", "42", f"0x{(1 << 64) - 1:x}", "0xffff_ffff"]))
    elif draw(st.integers(0, 5)) == 0:
        line += ","
    if draw(st.integers(0, 12)) == 0:
        line = line.replace(",", " , ")
    return line


def _same(new, old):
    for col in ("vm", "proc", "op", "gva", "value"):
        a, b = getattr(new.trace, col), getattr(old.trace, col)
        assert a.dtype == b.dtype and a.tolist() == b.tolist(), col
    assert new.trace.vm_names == old.trace.vm_names
    assert new.trace.proc_names == old.trace.proc_names
    assert new.trace.extras == old.trace.extras
    assert new.lines.tolist() == old.lines.tolist()
    assert new.format == old.format and new.program == old.program


def _outcome(fn):
    try:
        return "ok", fn()
    except TraceError as exc:
        return "error", str(exc)


def _compare(new_fn, old_fn):
    """The new parse against the old: with the compiled scan of CSV blocks (where installed) and
    with numpy alone."""
    old = _outcome(old_fn)
    scan = T._scan
    try:
        for T._scan in ({scan, None} if scan is not None else {None}):
            new = _outcome(new_fn)
            assert new[0] == old[0], (new, old, T._scan)
            if new[0] == "ok":
                _same(new[1], old[1])
            else:
                assert new[1] == old[1]
    finally:
        T._scan = scan


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(csv_line(), min_size=0, max_size=40), header=st.sampled_from(["", "vm,process,op,address,value",
                                                                                     "VM,Process,Op,Address"]),
       crlf=st.booleans(), block=st.sampled_from([7, 64, 300, 1 << 20]), max_rows=st.sampled_from([5, 1000]))
def test_csv_same_trace_or_same_error(lines, header, crlf, block, max_rows):
    text = ("\r\n" if crlf else "\n").join(([header] if header else []) + lines) + ("\r\n" if crlf else "\n")
    _compare(lambda: T.parse_csv(text, max_rows), lambda: R.parse_csv(text, max_rows))
    data = text.encode()
    _compare(lambda: T.TraceReader(data, block_bytes=block, max_rows=max_rows).read(),
             lambda: R.parse_text(R.decode(data), max_rows=max_rows))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(csv_line(valid_only=True), min_size=1, max_size=60), block=st.sampled_from([16, 128, 4096]))
def test_csv_valid_texts_in_blocks(lines, block):
    text = "\n".join(lines) + "\n"
    _compare(lambda: T.TraceReader(text.encode(), block_bytes=block).read(), lambda: R.parse_csv(text))


@st.composite
def lackey_line(draw, valid_only=False):
    kind = draw(st.sampled_from(["I  ", " L ", " S ", " M "] * 4 + ["junk", "=="] + ([] if valid_only else ["bad"])))
    if kind == "junk":
        return draw(st.sampled_from(["", "--1234-- something", "random text", "IL 1,2", " X 1000,8"]))
    if kind == "==":
        return draw(st.sampled_from(["==42== Command: ./other", "==42== ", "==42== exit"]))
    if kind == "bad":
        return draw(st.sampled_from([" L zz,8", " L 1000,x", " L 1000,0", " S 800000000000,8", " S 7ffffffffffc,8",
                                     " M 1000", "I  1000,5000", "I   1000,4", " L 1000, 8", " L -10,8",
                                     " L 0x1000,8", " L 1_000,8", " L 1000,8,9", "I  00000000000000000001000,4"]))
    addr = draw(st.one_of(st.integers(0, 0xFFFFFF), st.integers(0, (1 << 47) - 4097)))
    width = draw(st.sampled_from([0, 8, 16]))
    size = draw(st.sampled_from([1, 2, 4, 8, 16, 64, 4096]))
    return f"{kind}{addr:0{width}x},{size}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(lackey_line(), min_size=0, max_size=40),
       command=st.sampled_from(["", "==9564== Command: ./listwalk 7", "==1== Command: /usr/bin/gzip -c x",
                                "==1== Command: ./we ird"]),
       crlf=st.booleans(), block=st.sampled_from([5, 64, 1 << 20]), max_rows=st.sampled_from([6, 1000]),
       process=st.sampled_from([None, "me"]))
def test_lackey_same_trace_or_same_error(lines, command, crlf, block, max_rows, process):
    head = ["==9564== Lackey, an example Valgrind tool"] + ([command] if command else [])
    text = ("\r\n" if crlf else "\n").join(head + lines) + "\n"
    _compare(lambda: T.parse_lackey(text, "VM1", process, max_rows),
             lambda: R.parse_lackey(text, "VM1", process, max_rows))
    data = gzip.compress(text.encode())
    _compare(lambda: T.TraceReader(data, process=process, block_bytes=block, max_rows=max_rows).read(),
             lambda: R.parse_text(R.decode(data), process=process, max_rows=max_rows))


def test_odd_line_breaks_and_control_characters_take_the_line_by_line_parse():
    # Python's splitlines() breaks at \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029 and a lone \r
    for sep in ["\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\r"]:
        text = f"VM1,p1,read,0x1000{sep}VM1,p1,read,0x2000\n# note{sep}\nVM1,p1,bad,0x1\n"
        _compare(lambda text=text: T.parse_csv(text), lambda text=text: R.parse_csv(text))
        _compare(lambda text=text: T.TraceReader(text.encode(), block_bytes=8).read(),
                 lambda text=text: R.parse_csv(text))


def test_utf8_errors_name_the_line_in_any_block():
    data = b"VM1,p1,read,0x1\n" * 50 + b"VM1,p1,read,0x1\xff\n"
    with pytest.raises(TraceError, match="t.csv: line 51 is not UTF-8 text"):
        T.TraceReader(data, "t.csv", block_bytes=64).read()
    with pytest.raises(TraceError, match="t.csv: line 51 is not UTF-8 text"):
        R.decode(data, "t.csv")


def test_a_large_generated_trace_is_the_same_and_mostly_vectorised():
    from visualizer.engine.workloads import generate
    t = generate("mix", 3, accesses=60_000, processes=3, update_rate=20.0, switch_rate=10.0)
    text = T.write_csv(t)
    _compare(lambda: T.TraceReader(text.encode(), block_bytes=1 << 16).read(), lambda: R.parse_csv(text))


def test_the_compiled_scan_reads_plain_blocks_and_leaves_unusual_ones_to_numpy():
    from visualizer.engine import kernel
    if not kernel.available():
        pytest.skip("the compiled kernel is not installed")
    from visualizer.engine.workloads import generate
    text = T.write_csv(generate("mix", 5, accesses=20_000, processes=3, update_rate=20.0, switch_rate=10.0))
    calls = []
    scan = T._scan

    def spy(*args):
        calls.append(scan(*args))
        return calls[-1]
    T._scan = spy
    try:
        whole = T.TraceReader(text.encode(), block_bytes=1 << 14).read()
        assert len(calls) > 20 and all(n >= 0 for n, _lines in calls)  # every block after the header's
        assert sum(n for n, _lines in calls) == len(whole.trace)  # the header is read line by line
        calls.clear()
        odd = text.replace(",p1,", ",process_one,")  # a name longer than 8 bytes: numpy reads it
        renamed = T.TraceReader(odd.encode(), block_bytes=1 << 14).read()
        assert calls and all(n == -1 for n, _lines in calls)
        assert renamed.trace.op.tolist() == whole.trace.op.tolist()
        assert ("VM1", "process_one") in renamed.trace.proc_names and ("VM1", "p1") not in renamed.trace.proc_names
    finally:
        T._scan = scan


def test_zstd_and_gzip_streams():
    pa = pytest.importorskip("pyarrow")
    text = "VM1,p1,read,0x400000\nVM1,p1,write,0x401000,0x2a\n"
    assert T.TraceReader(gzip.compress(text.encode())).read().trace.gva.tolist() == [0x400000, 0x401000]
    z = pa.compress(text.encode(), codec="zstd", asbytes=True)
    # pyarrow's one-shot compress writes a frame without the size; the stream reader takes either
    assert z[:4] == T.ZSTD_MAGIC
    assert T.TraceReader(z, "t.csv.zst").read().trace.value.tolist() == [0, 0x2A]
    with pytest.raises(TraceError, match="t.gz: not a readable gzip file"):
        T.TraceReader(b"\x1f\x8b" + b"garbage" * 10, "t.gz").read()


def test_stats_gathered_in_chunks_equal_the_whole_traces():
    from visualizer.engine.workloads import generate
    t = generate("mix", 5, accesses=30_000, processes=3)
    text = T.write_csv(t).encode()
    st_chunks = T.TraceStats()
    for chunk in T.TraceReader(text, block_bytes=1 << 14).chunks():
        st_chunks.add(chunk.trace, chunk.lines)
    whole = T.parse_csv(text.decode()).trace
    assert st_chunks.touched() == T.TraceStats.of(whole).touched()
    assert st_chunks.regions() == T.TraceStats.of(whole).regions()
    assert T.default_config(st_chunks) == T.default_config(whole)
    assert st_chunks.operations == len(whole)
    assert np.count_nonzero(whole.op <= T.EXEC) == st_chunks.accesses
