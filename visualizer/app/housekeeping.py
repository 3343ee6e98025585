"""Memory that sessions leave behind goes back to the system.

The app turns off Streamlit's garbage collection after every rerun (``runner.postScriptGC``:
it cost tens of milliseconds per click), so the objects of a session that has ended — its
machines, timelines and records hold reference cycles — wait for Python's own collector, which
runs only as new objects are made: on a quiet server, never. And what Python frees, glibc keeps
in its heap unless asked to give it back. So once a minute, in a thread of its own, this
collects cycles and trims the heap (``malloc_trim``); a collection of a server's worth of
objects takes some tens of milliseconds — once a minute, not once a click. Before that, timelines
no session has used for five minutes give up their checkpoints (:meth:`.session.CheckpointLedger.
release_idle`): a built-in's timeline is shared between sessions and outlives them, and its
checkpoints are the bulk of what a server holds after a class.
"""
from __future__ import annotations

import ctypes
import gc
import threading

INTERVAL = 60.0
"""Seconds between two collections."""

_started = False
_lock = threading.Lock()


def _trim() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def collect() -> int:
    """Release what idle timelines and drawings hold, collect cyclic garbage and give freed heap
    memory back; the objects collected."""
    from .session import IDLE_RELEASE, LEDGER
    LEDGER.release_idle(IDLE_RELEASE)
    n = gc.collect()
    _trim()
    return n


def start(interval: float = INTERVAL) -> bool:
    """Start the collector thread of this process (once); whether this call started it."""
    global _started
    with _lock:
        if _started:
            return False
        _started = True

    def loop() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            collect()
    threading.Thread(target=loop, name="esxi-housekeeping", daemon=True).start()
    return True
