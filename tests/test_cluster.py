"""Sweeps and comparisons on a dask.distributed cluster (a 2-worker LocalCluster) give the same
results as one process; skipped where dask.distributed is not installed (the ``cluster`` extra)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from visualizer import executor as X  # noqa: E402
from visualizer.engine import compare as C  # noqa: E402
from visualizer.engine import tracefile as F  # noqa: E402
from visualizer.engine import traceio as T  # noqa: E402
from visualizer.engine.workloads import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")  # workers import this checkout
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      silence_logs=40) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _same_results(a, b):
    assert a.results.keys() == b.results.keys()
    for k in a.results:
        ra, rb = a.results[k], b.results[k]
        assert ra.counters == rb.counters and ra.per_vm == rb.per_vm and ra.frames == rb.frames
        assert np.array_equal(ra.ops_done, rb.ops_done) and np.array_equal(ra.cycles_done, rb.cycles_done)


def test_compare_of_two_traces_on_the_cluster_equals_one_process(cluster, tmp_path):
    paths = []
    for i, kind in enumerate(("mix", "pt_churn")):
        p = tmp_path / f"t{i}.csv"
        p.write_text(T.write_csv(generate(kind, i, accesses=8000)))
        paths.append(p)
    runs = []
    for p in paths:
        src = F.TraceSource(p)
        runs.append((C.with_large_page_room(C.Settings(**C.MACHINES["today"]).apply(src.config), src.stats), src))
    ex = X.DaskExecutor(cluster.scheduler_address)
    try:
        seen = []
        on_cluster = F.compare(runs, executor=ex, progress=lambda f, what: seen.append(f))
    finally:
        ex.shutdown()
    alone = F.compare(runs, executor=None)
    assert len(on_cluster) == 2
    for a, b in zip(on_cluster, alone, strict=True):
        _same_results(a, b)
    assert seen[-1] == 1.0


def test_a_sweep_through_the_apps_scheduler_setting_equals_one_process(cluster, monkeypatch):
    monkeypatch.setenv(X.SCHEDULER_ENV, cluster.scheduler_address)
    monkeypatch.setattr(X, "_sweeps", None)
    assert isinstance(X.for_sweeps(), X.DaskExecutor)
    kw = dict(values=(16, 64, 256), accesses=20_000)
    on_cluster = C.sweep("tlb_entries", workers=2, **kw)
    X.for_sweeps().shutdown()
    monkeypatch.delenv(X.SCHEDULER_ENV)
    alone = C.sweep("tlb_entries", workers=0, **kw)
    for field in ("cycles", "tlb_misses", "vm_exits", "walk_refs", "cycles_per_access"):
        assert getattr(on_cluster, field) == getattr(alone, field), field


def _boom():
    raise ValueError("the task's own error")


def test_a_task_error_comes_back_and_the_others_are_cancelled(cluster):
    ex = X.DaskExecutor(cluster.scheduler_address)
    try:
        with pytest.raises(ValueError, match="the task's own error"):
            ex.map([X.Task(_boom), X.Task(sum, ([1, 2],))])
        assert ex.submit(X.Task(sum, ([1, 2, 3],))).result() == 6
    finally:
        ex.shutdown()


def test_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(X.JobError, match="cannot reach the dask scheduler"):
        X.DaskExecutor("tcp://127.0.0.1:9", timeout=1.0)


def test_cli_compare_with_scheduler_equals_workers_0(cluster, tmp_path):
    p = tmp_path / "t.csv"
    p.write_text(T.write_csv(generate("mix", 7, accesses=6000)))
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def run(*extra):
        r = subprocess.run([sys.executable, "-m", "visualizer", "compare", "--trace", str(p), "--json", *extra],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)
    assert run("--scheduler", cluster.scheduler_address) == run("--workers", "0")
