"""Compare's worker processes: they end when their run is abandoned, do not keep the web
server's signal handlers, run at a lower priority and never outnumber cores − 1 per server
(issue 11). Counts the test process's children before and after."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from visualizer.engine import compare as C
from visualizer.engine.workloads import generate

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts children through /proc")


def children() -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            out.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return out


def describe(pid: int) -> str:
    try:
        return f"{pid}: " + Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:100]
    except OSError:
        return f"{pid}: gone"


def settle(before: set[int], timeout: float = 5.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        extra = children() - before
        if not extra:
            return extra
        time.sleep(0.05)
    return children() - before


@pytest.fixture
def server_like_sigterm():
    """A SIGTERM handler that does not exit, as Streamlit's server installs one."""
    old = signal.signal(signal.SIGTERM, lambda *a: None)
    yield
    signal.signal(signal.SIGTERM, old)


class Abandoned(Exception):
    pass


def long_trace():
    return generate("uniform", 1, accesses=400_000, pages=4096)


def test_abandoned_run_leaves_no_worker(server_like_sigterm):
    trace = long_trace()
    cfg = C.default_config(trace)
    before = children()
    seen: list[set[int]] = []
    calls = {"n": 0}

    def progress(fraction, what):
        calls["n"] += 1
        seen.append(children() - before)
        if calls["n"] >= 5:
            raise Abandoned  # what a Streamlit rerun or a closed tab raises in the callback

    with pytest.raises(Abandoned):
        C.compare(cfg, trace, samples=10, progress=progress, workers=3)
    assert any(seen), "the run used no worker process"
    assert max(len(s) for s in seen) <= C.MAX_SERVER_WORKERS, [describe(p) for p in max(seen, key=len)]
    assert settle(before) == set(), "a worker outlived its abandoned run"


def test_workers_reset_signals_and_run_niced():
    before = children()
    tasks = [(os.nice, (0,)), (signal.getsignal, (signal.SIGTERM,))]
    old = signal.signal(signal.SIGTERM, lambda *a: None)
    try:
        nice, handler = C._parallel(tasks, ["nice", "signal"], 2, None)
    finally:
        signal.signal(signal.SIGTERM, old)
    assert nice >= os.nice(0) + C.WORKER_NICE or nice == 19
    assert handler == signal.SIG_DFL
    assert settle(before) == set()


def test_concurrent_runs_share_the_server_budget():
    """Two viewers comparing at once: never more workers than cores − 1 in all."""
    trace = generate("uniform", 2, accesses=150_000, pages=1024)
    cfg = C.default_config(trace)
    before = children()
    peak = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], len(children() - before))
            time.sleep(0.01)

    w = threading.Thread(target=watch)
    w.start()
    results = []
    runs = [threading.Thread(target=lambda: results.append(C.compare(cfg, trace, samples=10, workers=3)))
            for _ in range(2)]
    for r in runs:
        r.start()
    for r in runs:
        r.join(120)
    stop.set()
    w.join()
    assert len(results) == 2
    assert results[0]["nested"].cycles == results[1]["nested"].cycles
    assert 1 <= peak[0] <= C.MAX_SERVER_WORKERS
    assert settle(before) == set()


def test_default_workers_leave_a_core():
    assert 1 <= C.default_workers() <= max(1, C._cores() - 1)
