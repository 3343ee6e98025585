"""The executor: jobs in bounded worker processes give the caller's own results, stop at their
limits (memory, CPU time) with an error that says which, and end when their caller gives up."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from visualizer import executor as E
from helpers_proc import children

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts children through /proc")


def settle(before: set[int], timeout: float = 5.0) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and children() - before:
        time.sleep(0.05)
    return children() - before


def resident(n: int) -> int:
    """Make ``n`` bytes resident (written, not just mapped)."""
    a = np.ones(n, np.uint8)
    return int(a[::4096].sum())


def spin(seconds: float) -> int:
    end = time.process_time() + seconds
    k = 0
    while time.process_time() < end:
        k += 1
    return k


def steps(n: int) -> int:
    for i in range(n):
        E.report_progress(i / n)
        time.sleep(0.02)
    return n


def whoami() -> tuple[int, int, bool]:
    return os.getpid(), os.nice(0), E.in_worker()


def policy() -> int:
    return os.sched_getscheduler(0)


def test_a_job_runs_in_a_niced_child_and_gives_the_in_process_result():
    ex = E.LocalExecutor(max_workers=2)
    pid, nice, inside = ex.run(whoami)
    assert pid != os.getpid() and inside and nice >= os.nice(0) + 1
    from visualizer.engine import builtin
    s = builtin("esxi-figure")

    def totals(mode):
        m = s.machine(mode)
        m.run_bulk(s.trace)
        return m.totals().as_dict()
    assert ex.run(totals, s.mode) == totals(s.mode)
    assert E.InlineExecutor().run(totals, s.mode) == totals(s.mode)


def test_map_keeps_the_order_and_reports_progress():
    ex = E.LocalExecutor(max_workers=2)
    seen = []
    out = ex.map([E.Task(steps, (n,), label=f"steps {n}") for n in (5, 3, 4)], workers=2,
                 progress=lambda f, what: seen.append((f, what)))
    assert out == [5, 3, 4]
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and any(0 < f < 1 for f in fractions)
    assert any("steps" in what for _, what in seen)


def test_the_first_failure_stops_the_batch_with_its_own_exception():
    ex = E.LocalExecutor(max_workers=2)
    before = children()
    with pytest.raises(ZeroDivisionError):
        ex.map([E.Task(time.sleep, (30,)), E.Task(divmod, (1, 0))], workers=2)
    assert settle(before) == set()


def test_resident_memory_over_the_limit_stops_the_job_even_within_its_address_space():
    # a sparse machine image declares address space it does not use: the job's reserve; memory
    # made resident beyond the limit is what the watchdog stops
    ex = E.LocalExecutor(max_workers=1)
    before = children()
    with pytest.raises(E.JobMemoryError, match="more than 64 MiB"):
        ex.submit(E.Task(resident, (768 << 20,), memory=64 << 20, reserve=1 << 30)).result()
    assert settle(before) == set()
    assert ex.submit(E.Task(resident, (16 << 20,), memory=64 << 20)).result() == (16 << 20) // 4096


def test_an_allocation_past_the_address_space_limit_is_a_memory_error():
    with pytest.raises(MemoryError):
        E.LocalExecutor(max_workers=1).submit(E.Task(bytearray, (2 << 30,), memory=128 << 20)).result()


def test_cpu_time_over_the_limit_stops_the_job():
    # the job's CPU time, not the wall clock: a job in the idle scheduling class waits for a core
    # as long as the machine is busy (here: the other test processes and their browsers)
    import resource
    ex = E.LocalExecutor(max_workers=1, cpu_limit=1)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    with pytest.raises(E.JobTimeout, match="more than 1 s of CPU"):
        ex.run(spin, 30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the job's process is reaped by now
    cpu = (after.ru_utime + after.ru_stime) - (used.ru_utime + used.ru_stime)
    assert 0.9 <= cpu < 5, cpu


def test_a_caller_that_gives_up_stops_its_job_and_leaves_no_process():
    ex = E.LocalExecutor(max_workers=1)
    before = children()
    t0 = time.monotonic()

    class Gone(Exception):
        pass

    def poll():
        if time.monotonic() - t0 > 0.3:
            raise Gone  # what a closed tab raises in the app's poll
    with pytest.raises(Gone):
        ex.run(time.sleep, 30, poll=poll)
    assert time.monotonic() - t0 < 3
    assert settle(before) == set() and ex.running() == 0


def test_jobs_never_outnumber_the_workers_and_the_rest_wait_their_turn():
    ex = E.LocalExecutor(max_workers=1)
    before = children()
    peak = [0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], len(children() - before))
            time.sleep(0.01)
    w = threading.Thread(target=watch)
    w.start()
    results: list = []
    callers = [threading.Thread(target=lambda: results.append(ex.run(steps, 10))) for _ in range(3)]
    for c in callers:
        c.start()
    for c in callers:
        c.join(60)
    stop.set()
    w.join()
    assert results == [10, 10, 10] and peak[0] == 1
    assert settle(before) == set()


def test_a_dead_worker_is_an_error_that_says_so():
    with pytest.raises(E.WorkerLost, match="exit 3"):
        E.LocalExecutor(max_workers=1).run(os._exit, 3)


def collect_then_linger(seconds: float) -> int:
    """A job whose garbage collection runs over everything it inherited from its parent."""
    import gc
    gc.collect()
    time.sleep(seconds)  # long enough for the watchdog to look at it
    return gc.get_count()[0] >= 0


@pytest.fixture
def big_heap():
    """About 150 MB of container objects in this (the parent) process while the test runs."""
    return [[i] for i in range(2_000_000)]


def test_a_jobs_garbage_collection_does_not_count_the_parents_objects_against_its_limit(big_heap):
    # A forked job shares its parent's memory until one side writes to it. A full collection in
    # the job would write to the header of every object the parent made (Python's collector
    # keeps its state there), copying all those pages into the job: 150 MB of "its own" memory
    # that it never made. The job's collector leaves inherited objects alone (gc.freeze), so a
    # job with a 64 MiB limit runs under a parent holding far more.
    ex = E.LocalExecutor(max_workers=1)
    before = children()
    assert ex.submit(E.Task(collect_then_linger, (3 * E.WATCH_SECONDS + 0.5,), memory=64 << 20)).result() is True
    assert not settle(before)


def test_the_parents_writes_after_the_fork_do_not_count_against_a_jobs_limit(big_heap):
    # The other side of the fork: the parent (the server, with other sessions) goes on, and its
    # own full collection writes to all its objects — each page it copies leaves the job's copy
    # private to the job, which the job still never made.
    import gc
    ex = E.LocalExecutor(max_workers=1)
    job = ex.submit(E.Task(time.sleep, (3 * E.WATCH_SECONDS + 1.0,), memory=64 << 20))
    assert job.start()
    time.sleep(0.3)
    gc.collect()
    assert job.result() is None


def test_what_a_job_makes_still_counts_under_a_parent_with_a_large_heap(big_heap):
    ex = E.LocalExecutor(max_workers=1)
    with pytest.raises(E.JobMemoryError):
        # address space to spare (as a sparse machine image declares): the watchdog stops it
        ex.submit(E.Task(hold, (96 << 20, 3 * E.WATCH_SECONDS + 0.5), memory=64 << 20, reserve=256 << 20)).result()


def hold(n: int, seconds: float) -> int:
    """Make ``n`` bytes resident and keep them a while."""
    a = np.ones(n, np.uint8)
    time.sleep(seconds)
    return int(a[::4096].sum())


# -- worker slots shared by the replicas of one machine -----------------------------------------
def test_job_slots_of_a_shared_machine():
    from visualizer.host import SLOTS_ENV, job_slots, slots_dir
    assert job_slots(2, 1) == 2 and job_slots(2, 2) == 1 and job_slots(7, 4) == 4 and job_slots(1, 8) == 1
    assert slots_dir({}) is None and slots_dir({SLOTS_ENV: "/no/such/dir"}) is None
    assert slots_dir({SLOTS_ENV: "/tmp"}) == "/tmp"


def test_machine_slots_are_shared_by_every_holder_of_the_directory(tmp_path):
    a, b = E.MachineSlots(str(tmp_path), 1), E.MachineSlots(str(tmp_path), 1)
    token = a.take()
    assert token is not None
    assert b.take() is None and b.take(block=True) is None  # the one slot is held (by another server)
    a.give(token)
    again = b.take()
    assert again is not None
    b.give(again)


def hold_slot(directory: str, ready) -> None:
    slots = E.MachineSlots(directory, 1)
    assert slots.take() is not None
    ready.set()
    time.sleep(30)  # killed before that


def test_a_slot_held_by_a_process_that_dies_is_free_again(tmp_path):
    import multiprocessing
    ctx = multiprocessing.get_context("spawn")  # another process, as a second replica is
    ready = ctx.Event()
    p = ctx.Process(target=hold_slot, args=(str(tmp_path), ready))
    p.start()
    try:
        assert ready.wait(30)
        mine = E.MachineSlots(str(tmp_path), 1)
        assert mine.take() is None
        p.kill()
        p.join(10)
        token = mine.take(block=True)
        assert token is not None
        mine.give(token)
    finally:
        p.kill()
        p.join(10)


def test_jobs_on_machine_slots_wait_for_each_other_and_a_job_does_not_keep_another_jobs_slot(tmp_path):
    # two executors (two replicas' worth) on one directory with two slots; a job forked while
    # another job's slot is held must not keep that slot when the other ends
    slots = lambda: E.MachineSlots(str(tmp_path), 2)  # noqa: E731
    one, two = E.LocalExecutor(slots=slots()), E.LocalExecutor(slots=slots())
    assert one.max_workers == 2
    short = one.submit(E.Task(time.sleep, (0.3,)))
    assert short.start()
    long = two.submit(E.Task(time.sleep, (30,)))
    assert long.start()  # forked while the short job's slot file is open in this process
    third = one.submit(E.Task(os.getpid))
    assert not third.start()  # both of the machine's slots are taken
    short.result()
    assert third.start(block=True)  # the short job's slot is free, though the long job's process lives on
    assert third.result() > 0
    long.cancel()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling classes")
def test_a_job_runs_in_the_idle_scheduling_class():
    assert os.sched_getscheduler(0) != os.SCHED_IDLE
    assert E.LocalExecutor(max_workers=1).run(policy) == os.SCHED_IDLE
