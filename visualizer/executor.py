"""Work that ends with its session: heavy runs in bounded worker processes, behind one interface.

A class server runs each session's heavy work — a long timeline on the step page, Compare's
runs and sweeps, an upload's parse — outside its own interpreter, so that the work

- **is bounded**: each job has a memory limit (an address-space limit, ``RLIMIT_AS``, plus a
  watchdog on the memory the job itself makes resident: a machine image is a sparse mapping
  whose declared size is address space but not memory), an optional CPU-time limit
  (``RLIMIT_CPU``), and runs at a lower priority (``nice``), at most ``max_workers`` jobs at
  once per server process;
- **ends with its session**: a caller that waits gives a ``poll`` function (the app's says
  whether the page has been rerun or the tab closed); when it raises, the job's process is
  killed and the exception goes on. Workers also die with the server (``PR_SET_PDEATHSIG``);
- **gives the same result** as the call in the caller's own process: a job is a module-level
  function and its arguments (:class:`Task`), its result or exception comes back pickled.

:class:`LocalExecutor` forks one process per job (the child starts with the engine imported and
the caller's data in memory; only the result is pickled). :class:`InlineExecutor` runs jobs in
the caller (where fork is not available). :class:`DaskExecutor` runs jobs on a dask.distributed
cluster, for sweeps that outgrow one machine (the optional ``cluster`` extra; the command line's
``--scheduler``, the app's :data:`SCHEDULER_ENV`, :func:`for_sweeps`). All implement the same
three calls: ``submit(task) -> Job``, ``map(tasks) -> list`` and ``Job.result(poll) / Job.cancel()``.

A job reports how far it is with :func:`report_progress` (a fraction; a no-op outside a job).
"""
from __future__ import annotations

import gc
import math
import multiprocessing
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

MEMORY_LIMIT = 512 << 20
"""Memory one job may make resident beyond what it inherits (bytes)."""
NICE = 10
"""Jobs run at a lower priority: stepping sessions (the server's own threads) come first. On
Linux a job also runs in the idle scheduling class (``SCHED_IDLE``, weight 3 against a nice-0
thread's 1024): at nice 10 alone (weight 110) it took about a tenth of a core that a server
thread wanted too."""
POLL_SECONDS = 0.1
WATCH_SECONDS = 0.25
"""How often a running job's resident memory is measured."""

Poll = Callable[[], None]
"""Called while waiting; raising gives up the wait (and kills the job)."""
Progress = Callable[[float, str], None]
"""Called with the fraction of a batch done (0…1) and what is running."""


def default_workers() -> int:
    """Worker slots of a server's executor: one core is left to the server's own threads, and at
    least two, so that a short job (an upload's parse) need not wait behind a long one (they are
    niced: the server's threads come first)."""
    return max(2, _cores() - 1)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# -- errors -------------------------------------------------------------------------------------
class JobError(RuntimeError):
    """A job ended without an answer: its process died, or a limit stopped it."""


class WorkerLost(JobError):
    """The job's process ended without an answer (killed, crashed)."""


class JobMemoryError(JobError, MemoryError):
    """The job made more memory resident than its limit allows (it was stopped)."""

    def __init__(self, limit: int):
        super().__init__(f"the run needed more than {limit >> 20} MiB of memory, the limit of one run on this "
                         f"server")
        self.limit = limit


class JobTimeout(JobError):
    """The job used more CPU time than its limit allows (it was stopped)."""

    def __init__(self, seconds: float):
        super().__init__(f"the run took more than {seconds:g} s of CPU time, the limit of one run on this server")
        self.seconds = seconds


class _Raised:
    """An exception from the child, carried back: itself if it pickles, else its text."""

    def __init__(self, exc: BaseException):
        self.text = str(exc) or type(exc).__name__
        try:
            pickle.loads(pickle.dumps(exc))
            self.exc: Optional[BaseException] = exc
        except Exception:
            self.exc = None


# -- worker slots -------------------------------------------------------------------------------
class ProcessSlots:
    """Worker slots of one server process."""

    def __init__(self, n: int):
        self.n = n
        self._sem = threading.BoundedSemaphore(n)

    def take(self, block: bool = False) -> Optional[object]:
        """A slot (a token for :meth:`give`), or None if none is free (``block``: wait up to one
        poll interval)."""
        ok = self._sem.acquire(timeout=POLL_SECONDS) if block else self._sem.acquire(blocking=False)
        return True if ok else None

    def give(self, token: object) -> None:
        self._sem.release()


_held_fds: set[int] = set()
"""The slot files this process holds locked (a forked child closes its copies at once)."""
_fds_lock = threading.Lock()


def _close_held_in_child() -> None:
    # A forked process shares its parent's open files: a slot file it kept open would keep the
    # slot's lock after the parent gave the slot back, until the child ended.
    for fd in _held_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    _held_fds.clear()
    global _fds_lock
    _fds_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=lambda: _fds_lock.acquire(), after_in_parent=lambda: _fds_lock.release(),
                        after_in_child=_close_held_in_child)


class MachineSlots:
    """Worker slots shared by the server processes of one machine (the replicas of
    ``python -m visualizer serve``): slot k is an exclusive lock (``flock``) on the file
    ``slot-k`` in a directory they share. The kernel lets go of a lock when its process ends,
    however it ends, so a replica that dies gives its slots back."""

    def __init__(self, directory: str, n: int):
        import fcntl
        self._fcntl = fcntl
        self.n = n
        self.paths = [os.path.join(directory, f"slot-{k}") for k in range(n)]

    def take(self, block: bool = False) -> Optional[int]:
        deadline = time.monotonic() + (POLL_SECONDS if block else 0.0)
        while True:
            for path in self.paths:
                with _fds_lock:
                    try:
                        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                    except OSError:
                        continue
                    try:
                        self._fcntl.flock(fd, self._fcntl.LOCK_EX | self._fcntl.LOCK_NB)
                    except OSError:
                        os.close(fd)
                        continue
                    _held_fds.add(fd)
                    return fd
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    def give(self, token: object) -> None:
        with _fds_lock:
            _held_fds.discard(token)
            os.close(token)


# -- tasks and jobs -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    """One call to run: ``fn(*args, **kwargs)`` with the limits of its job."""

    fn: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""
    """What the progress line says while it runs."""
    memory: Optional[int] = None
    """Resident memory the job may add (bytes); None: the executor's default."""
    reserve: int = 0
    """Address space the job maps but does not make resident (a sparse machine image declares
    its size): added to the address-space limit, not to the memory limit."""
    cpu: Optional[float] = None
    """CPU seconds the job may use; None: the executor's default (which may be no limit)."""


class Job:
    """A submitted task. ``result(poll)`` waits for it (and starts it if it has not started);
    ``cancel()`` stops it; ``progress`` is what it last reported."""

    def result(self, poll: Optional[Poll] = None, timeout: Optional[float] = None) -> Any:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def done(self) -> bool:
        raise NotImplementedError

    @property
    def progress(self) -> float:
        return 1.0 if self.done() else 0.0


class Executor:
    """The interface (see the module docstring)."""

    max_workers: int = 1

    def submit(self, task: Task) -> Job:
        raise NotImplementedError

    def map(self, tasks: Sequence[Task], *, workers: Optional[int] = None, poll: Optional[Poll] = None,
            progress: Optional[Progress] = None) -> list:
        """Run ``tasks`` (at most ``workers`` at once) and return their results in order. The
        first task that raises stops the others and its exception goes on; so does ``poll``'s
        or ``progress``'s."""
        jobs = [self.submit(t) for t in tasks]
        try:
            out = []
            for k, (t, j) in enumerate(zip(tasks, jobs, strict=True)):
                if progress is not None:
                    progress(k / max(1, len(tasks)), t.label)
                out.append(j.result(poll=poll))
            if progress is not None:
                progress(1.0, "")
            return out
        except BaseException:
            for j in jobs:
                j.cancel()
            raise

    def run(self, fn: Callable, *args, poll: Optional[Poll] = None, **kwargs) -> Any:
        """``fn(*args, **kwargs)`` as one job, waited for."""
        return self.submit(Task(fn, args, kwargs)).result(poll=poll)


# -- in the caller ------------------------------------------------------------------------------
class _InlineJob(Job):
    def __init__(self, task: Task):
        self.task = task
        self._done = False
        self._value: Any = None
        self._exc: Optional[BaseException] = None

    def result(self, poll: Optional[Poll] = None, timeout: Optional[float] = None) -> Any:
        if not self._done:
            if poll is not None:
                poll()
            try:
                self._value = self.task.fn(*self.task.args, **self.task.kwargs)
            except Exception as exc:  # noqa: BLE001 - kept and raised to every caller of result()
                self._exc = exc
            self._done = True
        if self._exc is not None:
            raise self._exc
        return self._value

    def cancel(self) -> None:
        pass

    def done(self) -> bool:
        return self._done


class InlineExecutor(Executor):
    """Runs every job in the caller's thread, when its result is asked for (no limits)."""

    max_workers = 1

    def submit(self, task: Task) -> Job:
        return _InlineJob(task)


# -- in forked worker processes -----------------------------------------------------------------
_progress_slot = None
"""In a job's process: the shared double its progress goes to."""


def report_progress(fraction: float) -> None:
    """Say how far the running job is (0…1); a no-op outside a job."""
    if _progress_slot is not None:
        _progress_slot.value = float(fraction)


def in_worker() -> bool:
    """Whether this code runs in a job's process."""
    return _progress_slot is not None


def _status_bytes(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))
    except (OSError, StopIteration, ValueError):
        return 0


def anon_bytes(pid: int) -> int:
    """A process's anonymous memory, resident or swapped (``RssAnon`` + ``VmSwap``). 0 where /proc
    is not there.

    What a forked job has *made* is how far this has grown since the fork: a fork maps the
    parent's anonymous pages into the child, so the child starts with the parent's figure, and a
    copy-on-write break on either side (the parent writing to its objects, its garbage
    collection) swaps a shared page for a private one without changing it — where counting the
    child's private pages would charge it with every page its parent writes to after the fork."""
    try:
        with open(f"/proc/{pid}/status") as f:
            total = 0
            for line in f:
                if line.startswith(("RssAnon:", "VmSwap:")):
                    total += int(line.split()[1]) * 1024
            return total
    except (OSError, ValueError):
        return 0


def _child(conn, task: Task, memory: int, cpu: Optional[float], nice: int, slot) -> None:
    global _progress_slot
    # Everything inherited from the parent leaves the job's garbage collection: a full collection
    # writes to the header of every object it looks at, which would copy every page of the
    # parent's objects into this process — hundreds of MB of the server's memory counted (and
    # paid) as the job's own, and a job killed at its memory limit for what it never made
    # (Python's documentation of gc.freeze: "avoiding unnecessary copy-on-write in child
    # processes"). O(1): the collector's lists are moved, not the objects.
    gc.freeze()
    _progress_slot, base = slot
    base.value = float(anon_bytes(os.getpid()))  # the watchdog counts the growth from here
    # a forked child inherits the web server's signal handlers (Streamlit's SIGTERM handler
    # would keep it alive when terminated)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    try:  # Linux: SIGKILL when the parent dies
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    try:
        os.nice(nice)
    except OSError:
        pass
    try:  # Linux: the job gets little of a core another process wants (sched(7), SCHED_IDLE)
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
    try:
        import resource
        limit = _status_bytes(os.getpid(), "VmSize:") + memory + task.reserve
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if cpu is not None:
            used = resource.getrusage(resource.RUSAGE_SELF)
            start = used.ru_utime + used.ru_stime
            soft = max(1, math.ceil(start + cpu))  # whole seconds; a fork starts from 0
            resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
    except (ImportError, ValueError, OSError):
        pass
    try:
        out: Any = ("ok", task.fn(*task.args, **task.kwargs))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        out = ("raised", _Raised(exc))
    try:
        conn.send(out)
    except Exception as exc:  # noqa: BLE001 - the result or the exception does not pickle
        try:
            conn.send(("raised", _Raised(JobError(f"the result could not be sent back: {exc}"))))
        except Exception:  # noqa: BLE001
            pass
    finally:
        conn.close()


class _LocalJob(Job):
    PENDING, RUNNING, DONE = range(3)

    def __init__(self, ex: "LocalExecutor", task: Task):
        self.ex = ex
        self.task = task
        self.state = self.PENDING
        self.proc = None
        self.conn = None
        self.slot = self.base = None
        self._token: Optional[object] = None
        self._value: Any = None
        self._exc: Optional[BaseException] = None
        self._watched = 0.0
        self._lock = threading.Lock()

    # -- lifecycle --------------------------------------------------------------------------
    def start(self, block: bool = False) -> bool:
        """Start the job if a worker slot is free (``block``: wait up to one poll interval)."""
        with self._lock:
            if self.state != self.PENDING:
                return True
            self._token = self.ex.slots.take(block)
            if self._token is None:
                return False
            try:
                ctx = multiprocessing.get_context("fork")
                self.slot = ctx.RawValue("d", 0.0)
                self.base = ctx.RawValue("d", -1.0)  # the child's anonymous memory at its start
                parent, child = ctx.Pipe(duplex=False)
                memory = self.task.memory if self.task.memory is not None else self.ex.memory_limit
                cpu = self.task.cpu if self.task.cpu is not None else self.ex.cpu_limit
                self.proc = ctx.Process(target=_child, args=(child, self.task, memory, cpu, self.ex.nice, (self.slot, self.base)),
                                        daemon=True)
                self.proc.start()
                child.close()
                self.conn = parent
                self.memory = memory
                self.cpu = cpu
            except BaseException:
                self.ex.slots.give(self._token)
                raise
            self.state = self.RUNNING
            self.ex._running.add(self)
            return True

    def _finish(self, value: Any = None, exc: Optional[BaseException] = None) -> None:
        # with self._lock held
        self._value, self._exc = value, exc
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.state == self.RUNNING:
            self.ex.slots.give(self._token)
            self.ex._running.discard(self)
        self.state = self.DONE

    def check(self) -> bool:
        """Collect the job's answer if it has one, enforce its memory limit; whether it is done."""
        with self._lock:
            if self.state != self.RUNNING:
                return self.state == self.DONE
            if self.conn.poll(0):
                try:
                    status, value = self.conn.recv()
                except (EOFError, OSError):
                    self._finish(exc=self._died())
                    return True
                if status == "ok":
                    self._finish(value=value)
                else:
                    self._finish(exc=value.exc if value.exc is not None else JobError(value.text))
                return True
            if not self.proc.is_alive():
                if self.conn.poll(0):
                    return False  # the answer arrived just now: collected next time
                self._finish(exc=self._died())
                return True
            now = time.monotonic()
            if now - self._watched >= WATCH_SECONDS:
                self._watched = now
                if self.base.value >= 0 and anon_bytes(self.proc.pid) - self.base.value > self.memory:
                    self._finish(exc=JobMemoryError(self.memory))
                    return True
            return False

    def _died(self) -> JobError:
        code = self.proc.exitcode if self.proc is not None else None
        if code is None and self.proc is not None:
            self.proc.join(1)
            code = self.proc.exitcode
        if code == -signal.SIGXCPU and self.cpu is not None:
            return JobTimeout(self.cpu)
        if code == -signal.SIGKILL and self.proc is not None:
            # killed from outside: most often the kernel's OOM killer
            return WorkerLost("the worker was killed (out of memory?)")
        return WorkerLost(f"the worker ended without an answer (exit {code}"
                          f"{', killed by signal ' + str(-code) if code and code < 0 else ''})")

    # -- the interface ----------------------------------------------------------------------
    def result(self, poll: Optional[Poll] = None, timeout: Optional[float] = None) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                if self.state == self.PENDING:
                    self.start(block=True)
                if self.state == self.RUNNING and not self.check():
                    conn = self.conn
                    try:
                        if conn is not None:
                            conn.poll(POLL_SECONDS)
                    except (OSError, EOFError, ValueError):
                        pass
                if self.state == self.DONE:
                    break
                if poll is not None:
                    poll()
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError("the job did not finish in time")
        except BaseException:
            self.cancel()
            raise
        if self._exc is not None:
            raise self._exc
        return self._value

    def cancel(self) -> None:
        with self._lock:
            if self.state == self.DONE:
                return
            self._finish(exc=JobError("cancelled"))

    def done(self) -> bool:
        if self.state == self.RUNNING:
            self.check()
        return self.state == self.DONE

    @property
    def progress(self) -> float:
        if self.state == self.DONE:
            return 1.0
        return min(1.0, self.slot.value) if self.slot is not None else 0.0


class LocalExecutor(Executor):
    """Jobs in forked processes of this one: at most ``max_workers`` at once over all callers
    (the others wait their turn), each niced, memory- and optionally CPU-limited, killed when
    its caller gives up. Where fork is not available, jobs run in the caller. ``slots``: where
    the ``max_workers`` slots are (default: this process's own; :class:`MachineSlots`: the
    machine's, shared with other server processes)."""

    def __init__(self, max_workers: Optional[int] = None, memory_limit: int = MEMORY_LIMIT,
                 cpu_limit: Optional[float] = None, nice: int = NICE, slots: Optional[Any] = None):
        self.max_workers = slots.n if slots is not None else (max_workers or default_workers())
        self.memory_limit = memory_limit
        self.cpu_limit = cpu_limit
        self.nice = nice
        self.slots = slots if slots is not None else ProcessSlots(self.max_workers)
        self._running: set[_LocalJob] = set()
        try:
            multiprocessing.get_context("fork")
            self._fork = True
        except ValueError:
            self._fork = False

    def submit(self, task: Task) -> Job:
        return _LocalJob(self, task) if self._fork else _InlineJob(task)

    def running(self) -> int:
        """Jobs running now (over all callers)."""
        return len(self._running)

    def map(self, tasks: Sequence[Task], *, workers: Optional[int] = None, poll: Optional[Poll] = None,
            progress: Optional[Progress] = None) -> list:
        if not self._fork:
            return super().map(tasks, workers=workers, poll=poll, progress=progress)
        width = max(1, min(workers or self.max_workers, len(tasks) or 1))
        jobs = [self.submit(t) for t in tasks]
        try:
            while True:
                live = [j for j in jobs if j.state == _LocalJob.RUNNING]
                for j in live:
                    j.check()
                live = [j for j in jobs if j.state == _LocalJob.RUNNING]
                failed = next((j for j in jobs if j.state == _LocalJob.DONE and j._exc is not None), None)
                if failed is not None:
                    raise failed._exc
                pending = [j for j in jobs if j.state == _LocalJob.PENDING]
                if not pending and not live:
                    break
                # start what this batch's width and the server's free slots allow: at least one
                # job runs (waiting for a slot if need be), more only where slots are free now
                for j in pending[:max(0, width - len(live))]:
                    if not j.start(block=not live and j is pending[0]):
                        break
                if progress is not None:
                    done = sum(j.progress for j in jobs)
                    running = " · ".join(t.label for t, j in zip(tasks, jobs, strict=True)
                                         if j.state == _LocalJob.RUNNING and t.label)
                    progress(done / max(1, len(jobs)), running)
                if poll is not None:
                    poll()
                conns = [j.conn for j in jobs if j.state == _LocalJob.RUNNING and j.conn is not None]
                if conns:
                    try:
                        multiprocessing.connection.wait(conns, timeout=POLL_SECONDS)
                    except (OSError, ValueError):
                        time.sleep(0.01)
            if progress is not None:
                progress(1.0, "")
            return [j.result() for j in jobs]
        except BaseException:
            for j in jobs:
                j.cancel()
            raise

    def shutdown(self) -> None:
        """Stop every running job (the server is going)."""
        for j in list(self._running):
            j.cancel()


_default: Optional[Executor] = None
_default_lock = threading.Lock()


def default() -> Executor:
    """This process's executor (one per server: its worker slots are shared by all sessions;
    replicas on one machine share the machine's slots, :mod:`visualizer.host`)."""
    global _default
    with _default_lock:
        if _default is None:
            from .host import host_share, job_slots, slots_dir
            directory, share = slots_dir(), host_share()
            if directory is not None:
                _default = LocalExecutor(slots=MachineSlots(directory, job_slots(default_workers(), share)))
            else:
                _default = LocalExecutor(max(1, default_workers() // share))
        return _default


# -- a dask.distributed cluster ------------------------------------------------------------------
SCHEDULER_ENV = "VISUALIZER_SCHEDULER"
"""The environment variable that sends the app's sweeps and comparisons to a dask cluster
(``tcp://HOST:PORT``); unset, they run in local worker processes."""
CLUSTER_HINT = "pip install 'esxi-memory-visualizer[cluster]' (dask.distributed)"


class _DaskJob(Job):
    def __init__(self, future):
        self.future = future

    def result(self, poll: Optional[Poll] = None, timeout: Optional[float] = None) -> Any:
        from distributed import TimeoutError as DaskTimeout
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                try:
                    return self.future.result(timeout=POLL_SECONDS)
                except (DaskTimeout, TimeoutError):
                    pass
                if poll is not None:
                    poll()
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError("the job did not finish in time")
        except BaseException:
            self.cancel()
            raise

    def cancel(self) -> None:
        try:
            self.future.cancel()
        except Exception:  # noqa: BLE001 - a client already closed cancels nothing
            pass

    def done(self) -> bool:
        return self.future.done()


def _dask_call(fn, args, kwargs):
    return fn(*args, **kwargs)


class DaskExecutor(Executor):
    """Jobs on a dask.distributed cluster (``address``: its scheduler, ``tcp://HOST:PORT``; or a
    ``distributed.Client``). The same interface as :class:`LocalExecutor`; a job's function and
    arguments are pickled to a worker, which needs this package installed (the same version).
    Memory and CPU limits are the cluster's (its workers' ``--memory-limit``); jobs are
    cancelled when their caller gives up. ``max_workers``: the cluster's threads."""

    def __init__(self, address, timeout: float = 10.0):
        try:
            from distributed import Client
        except ImportError:
            raise JobError(f"a cluster needs dask.distributed: {CLUSTER_HINT}") from None
        if isinstance(address, Client):
            self.client, self._own = address, False
        else:
            try:
                self.client, self._own = Client(address, timeout=timeout, set_as_default=False), True
            except (OSError, TimeoutError) as exc:
                raise JobError(f"cannot reach the dask scheduler at {address}: {exc}") from None
        self.address = self.client.scheduler.address
        info = self.client.scheduler_info()
        self.max_workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def submit(self, task: Task) -> Job:
        return _DaskJob(self.client.submit(_dask_call, task.fn, task.args, task.kwargs, pure=False))

    def map(self, tasks: Sequence[Task], *, workers: Optional[int] = None, poll: Optional[Poll] = None,
            progress: Optional[Progress] = None) -> list:
        from distributed import wait as dask_wait
        jobs = [self.submit(t) for t in tasks]
        try:
            while True:
                done = sum(j.done() for j in jobs)
                failed = next((j for j in jobs if j.future.status == "error"), None)
                if failed is not None:
                    failed.future.result()  # raises the task's exception
                if progress is not None:
                    running = " · ".join(t.label for t, j in zip(tasks, jobs, strict=True) if not j.done() and t.label)
                    progress(done / max(1, len(jobs)), running)
                if done == len(jobs):
                    break
                if poll is not None:
                    poll()
                try:
                    dask_wait([j.future for j in jobs if not j.done()], timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
                except Exception:  # noqa: BLE001 - dask's timeout: go round again
                    pass
            if progress is not None:
                progress(1.0, "")
            return [j.future.result() for j in jobs]
        except BaseException:
            for j in jobs:
                j.cancel()
            raise

    def shutdown(self) -> None:
        if self._own:
            self.client.close()


def dask_executor(address) -> DaskExecutor:
    """A :class:`DaskExecutor` on the cluster at ``address`` (JobError where dask is missing or
    the scheduler cannot be reached)."""
    return DaskExecutor(address)


_sweeps: Optional[Executor] = None


def for_sweeps() -> Executor:
    """Where sweeps and comparisons run: the dask cluster named by :data:`SCHEDULER_ENV` if set
    (and reachable), else this process's local executor (:func:`default`)."""
    global _sweeps
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if not address:
        return default()
    with _default_lock:
        if _sweeps is None or getattr(_sweeps, "address", None) is None:
            try:
                _sweeps = DaskExecutor(address)
            except JobError:
                return default()
        return _sweeps


import multiprocessing.connection  # noqa: E402 - wait() lives there

__all__ = ["DaskExecutor", "Executor", "InlineExecutor", "Job", "JobError", "JobMemoryError", "JobTimeout",
           "LocalExecutor", "MachineSlots", "ProcessSlots", "SCHEDULER_ENV", "Task", "dask_executor", "for_sweeps",
           "WorkerLost", "default", "in_worker", "anon_bytes", "report_progress"]
