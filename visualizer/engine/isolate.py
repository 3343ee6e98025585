"""Run one function in a short-lived child process: at a lower priority, with a memory limit,
and stopped when the caller gives up.

A class server parses every upload this way (``read_upload`` of a 16 MiB trace holds the
interpreter for about a second and peaks at ~120 MiB): the server's own thread only waits, so
stepping sessions keep their share of the CPU, a hostile file that makes the parser's memory
explode ends the child (``RLIMIT_AS``) instead of the server, and the parse's transient memory
is given back to the system when the child exits.

The child is forked (it starts with the engine imported and runs only engine code), restores
the default signal handlers (a forked child inherits the web server's SIGTERM handler), lowers
its priority (``nice``), and dies with its parent (``PR_SET_PDEATHSIG``). Its result or exception
comes back pickled through a pipe. Where fork is unavailable, the function runs in the caller.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from typing import Any, Callable, Optional

MEMORY_LIMIT = 1 << 30
"""Address space a child may map beyond what it inherits (bytes)."""
NICE = 10
MAX_CHILDREN = 1
"""Isolated runs at once per server process (others wait their turn)."""
_slots = threading.BoundedSemaphore(MAX_CHILDREN)


class IsolationError(RuntimeError):
    """The child ended without an answer: killed (memory limit, OOM) or crashed."""


class _Raised:
    """An exception from the child, carried back: its type if picklable, else its text."""

    def __init__(self, exc: BaseException):
        self.text = str(exc) or type(exc).__name__
        try:
            pickle.loads(pickle.dumps(exc))
            self.exc: Optional[BaseException] = exc
        except Exception:
            self.exc = None


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
    except (OSError, StopIteration):
        return 0


def _child(conn, fn, args, kwargs, memory_limit: int, nice: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    try:  # Linux: SIGKILL when the parent dies
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    try:
        os.nice(nice)
    except OSError:
        pass
    try:
        import resource
        limit = _vm_size() + memory_limit
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    try:
        out: Any = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 — everything goes back to the parent
        out = ("raised", _Raised(exc))
    try:
        conn.send(out)
    except Exception as exc:  # the result or exception does not pickle
        conn.send(("raised", _Raised(IsolationError(f"the result could not be sent back: {exc}"))))
    finally:
        conn.close()


def run_isolated(fn: Callable, *args, memory_limit: int = MEMORY_LIMIT, nice: int = NICE,
                 poll: Optional[Callable[[], None]] = None, **kwargs):
    """``fn(*args, **kwargs)`` in a child process; returns its result or raises its exception
    (``MemoryError`` when it hit ``memory_limit``). ``poll`` is called about every 0.1 s while
    waiting; if it raises (a page rerun, a viewer gone) the child is killed and the exception
    goes on. Raises :class:`IsolationError` if the child dies without an answer."""
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        return fn(*args, **kwargs)
    while not _slots.acquire(timeout=0.1):
        if poll is not None:
            poll()
    proc = None
    try:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(child, fn, args, kwargs, memory_limit, nice), daemon=True)
        proc.start()
        child.close()
        while not parent.poll(0.1):
            if poll is not None:
                poll()
            if not proc.is_alive() and not parent.poll(0):
                code = proc.exitcode
                raise IsolationError(f"the worker ended without an answer (exit {code}"
                                     f"{', killed by signal ' + str(-code) if code and code < 0 else ''})")
        try:
            status, value = parent.recv()
        except EOFError:
            raise IsolationError("the worker ended without an answer") from None
        proc.join(5)
        if status == "ok":
            return value
        if value.exc is not None:
            raise value.exc
        raise IsolationError(value.text)
    finally:
        if proc is not None and proc.is_alive():
            proc.kill()
            proc.join(1)
        _slots.release()
