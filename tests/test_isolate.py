"""Uploads are parsed in a short-lived child process: the server gets the result or the parser's
own error, a memory explosion ends the child (not the server), and no child outlives its run."""
from __future__ import annotations

import os
import time

import pytest

from visualizer.engine import inputs
from visualizer.engine.isolate import IsolationError, run_isolated
from visualizer.engine.scenario import ScenarioError
from visualizer.engine.traceio import TraceError
from helpers_proc import children


def grab(n: int) -> int:
    return len(bytearray(n))


def pid_and_nice() -> tuple[int, int]:
    return os.getpid(), os.nice(0)


def test_the_result_comes_back_from_a_child_at_lower_priority():
    pid, nice = run_isolated(pid_and_nice)
    assert pid != os.getpid() and nice >= os.nice(0) + 1
    csv = b"vm,process,op,address\n" + b"".join(b"VM1,p1,read,0x%x\n" % (0x400000 + i * 4096) for i in range(1000))
    up = run_isolated(inputs.read_upload, csv, "t.csv")
    assert len(up.trace) == 1000 and up.trace.gva[-1] == 0x400000 + 999 * 4096


@pytest.mark.parametrize("data, name, error, words", [
    (b"vm,process,op,address\nVM1,p1,jump,0x1000\n", "t.csv", TraceError, "line 2, field 'op'"),
    (b"[machine]\nmemory = '9TiB'\n", "s.toml", ScenarioError, "machine.memory"),
    (b"a = " + b"[" * 5000, "d.toml", ScenarioError, "nested more than"),
])
def test_the_parsers_own_errors_come_back_as_they_are(data, name, error, words):
    with pytest.raises(error, match=words):
        run_isolated(inputs.read_upload, data, name)


def test_a_memory_explosion_ends_the_child_not_the_caller():
    with pytest.raises(MemoryError):
        run_isolated(grab, 3 << 30, memory_limit=256 << 20)
    assert run_isolated(grab, 16 << 20, memory_limit=256 << 20) == 16 << 20


def test_a_child_that_dies_is_an_error_and_leaves_nothing_behind():
    before = children()
    with pytest.raises(IsolationError):
        run_isolated(os._exit, 3)
    assert children() <= before


def test_a_caller_that_gives_up_stops_the_child():
    before = children()
    started = time.monotonic()

    def poll():
        if time.monotonic() - started > 0.3:
            raise KeyboardInterrupt  # what a page rerun does to the waiting script
    with pytest.raises(KeyboardInterrupt):
        run_isolated(time.sleep, 30, poll=poll)
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert children() <= before


# -- the server-wide store of uploaded traces ----------------------------------------------------
def test_uploaded_traces_share_a_byte_budget_oldest_out_first():
    import numpy as np

    from visualizer.app.uploads import UploadStore, trace_bytes
    from visualizer.engine.trace import Trace

    def trace(n):
        z = np.zeros(n, np.uint64)
        return Trace(["VM1"], [("VM1", "p1")], z, z, z, z + 0x400000, z)

    one = trace_bytes(trace(100_000))
    assert one >= 100_000 * 20  # five columns: 2 + 4 + 1 + 8 + 8 bytes an operation
    store = UploadStore(budget=int(one * 2.5))
    a = store.put("a.csv", "csv", trace(100_000))
    b = store.put("b.csv", "csv", trace(100_000))
    assert store.get(a).name == "a.csv"  # a is now the most recently used
    c = store.put("c.csv", "csv", trace(100_000))
    assert store.get(b) is None and store.get(a) is not None and store.get(c) is not None
    assert store.nbytes <= store.budget and store.evicted == 1
    # a session's new upload replaces its previous one; an upload larger than the budget still lands
    d = store.put("d.csv", "csv", trace(100_000), replaces=c)
    assert store.get(c) is None and store.get(d).name == "d.csv" and store.get(a) is not None
    e = store.put("e.csv", "csv", trace(400_000))
    assert store.get(e) is not None and len(store) == 1
