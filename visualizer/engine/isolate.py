"""Run one function in a short-lived worker process: at a lower priority, with a memory limit,
and stopped when the caller gives up — one job of the server's executor
(:mod:`visualizer.executor`).

A class server parses every upload this way (``read_upload`` of a 16 MiB trace holds the
interpreter for about a second and peaks at ~120 MiB): the server's own thread only waits, so
stepping sessions keep their share of the CPU, a hostile file that makes the parser's memory
explode ends the child instead of the server, and the parse's transient memory is given back to
the system when the child exits.
"""
from __future__ import annotations

from typing import Callable, Optional

from .. import executor as _executor

MEMORY_LIMIT = 1 << 30
"""Memory a parse may use beyond what it inherits (bytes)."""
NICE = _executor.NICE
IsolationError = _executor.JobError
"""The child ended without an answer: killed (memory limit, OOM) or crashed."""


def run_isolated(fn: Callable, *args, memory_limit: int = MEMORY_LIMIT, nice: int = NICE,
                 poll: Optional[Callable[[], None]] = None, **kwargs):
    """``fn(*args, **kwargs)`` in a worker process; returns its result or raises its exception
    (``MemoryError`` when it hit ``memory_limit``). ``poll`` is called about every 0.1 s while
    waiting; if it raises (a page rerun, a viewer gone) the child is killed and the exception
    goes on. Raises :class:`IsolationError` if the child dies without an answer."""
    ex = _executor.default()
    task = _executor.Task(fn, args, kwargs, memory=memory_limit)
    if nice != _executor.NICE and isinstance(ex, _executor.LocalExecutor):
        ex = _executor.LocalExecutor(1, memory_limit, ex.cpu_limit, nice)
    return ex.submit(task).result(poll=poll)
