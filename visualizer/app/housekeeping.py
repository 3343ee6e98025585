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
checkpoints are the bulk of what a server holds after a class. And first, sessions whose tabs
closed longer ago than ``server.disconnectedSessionTTL`` leave Streamlit's store: Streamlit keeps
such a session for a reconnect and reaps expired ones only when it stores another — on a server
nobody uses any more, never (:func:`reap_closed_sessions`). A session shut down, by this or by
Streamlit, lets go of its pages' state at once (:func:`install`, :func:`release`).
"""
from __future__ import annotations

import ctypes
import gc
import json
import os
import sys
import threading
import time

from .patch import wrap_once

INTERVAL = 60.0
"""Seconds between two collections."""
REPORT_ENV = "VISUALIZER_MEMORY_REPORT"
"""Environment variable: a file to which each pass appends a line of :func:`memory_report`
(JSON), for a benchmark that wants to know what a server holds; unset, nothing is written."""

_started = False
_lock = threading.Lock()


def release(app) -> None:
    """Let go of what a shut-down Streamlit session's pages stored: its session state (the step
    page's session, its machine and timelines), its widgets' callbacks and its fragments (the
    page's functions, which hold the page's globals). Streamlit's message loop keeps the last
    session it sent messages to referenced in a local variable until its next flush — on a server
    nobody uses any more, for good — so the last session of a class outlived the others with its
    whole machine (in every soak: one session at the machine budget, ~100 MiB of a replica). A
    session whose run is still unwinding keeps its state: that run still reads it."""
    thread = getattr(getattr(app, "_scriptrunner", None), "_script_thread", None)
    if thread is not None and thread.is_alive():
        return
    try:
        state = app._session_state
        state.clear()
        # its widgets' metadata (their callbacks, their value converters: the page's functions)
        # is not part of what SessionState.clear() empties
        getattr(getattr(state, "_new_widget_state", None), "widget_metadata", {}).clear()
        app._fragment_storage.clear()
        getattr(app._fragment_storage, "clear_outside_wrappers", lambda: None)()
    except Exception:  # noqa: BLE001 - another Streamlit: the session keeps what it holds
        pass


def install() -> bool:
    """Release a Streamlit session's state when it is shut down (:func:`release`), however it is
    shut down (reaped here, closed by Streamlit); once per process. Returns whether it is in place."""
    try:
        from streamlit.runtime.app_session import AppSession
    except ImportError:
        return False

    def releasing(original):
        def shutdown_and_release(self):
            original(self)
            release(self)
        return shutdown_and_release
    return wrap_once(AppSession, "shutdown", releasing)


def _trim() -> None:
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def reap_closed_sessions(runtime=None, timeout: float = 5.0) -> int:
    """Let Streamlit drop the stored sessions whose reconnect time has passed, and shut them
    down as it shuts down a session it closes (on its event loop, where its session store is
    used); how many went.

    Streamlit's store forgets an expired session without shutting it down, so what the session
    registered elsewhere stays: its files in the media file manager — among them the deferred
    download buttons' callables, which hold the step page's session and its machine — and its
    uploads. So after the reaping, the files of every session id that is neither connected nor
    stored (also those Streamlit's own store let go when it stored another) are let go too.
    Reaches into Streamlit's runtime (its session manager's store, a ``TTLCache`` with
    ``expire()``; the media and upload managers): another Streamlit without them keeps its own
    reaping, and this does nothing."""
    try:
        if runtime is None:
            from streamlit.runtime import Runtime
            if not Runtime.exists():
                return 0
            runtime = Runtime.instance()
        mgr = runtime._session_mgr
        store = mgr._session_storage._cache
        loop = runtime._get_async_objs().eventloop
        expire = store.expire
    except Exception:  # noqa: BLE001 - not the Streamlit this was written against, or not running
        return 0
    done, reaped = threading.Event(), []

    def reap() -> None:
        try:
            reaped.extend(expire())
            for _sid, info in reaped:
                try:
                    info.session.shutdown()
                except Exception:  # noqa: BLE001 - one session's shutdown must not stop the rest
                    pass
            _drop_orphaned_files(runtime, mgr)
        finally:
            done.set()
    try:
        loop.call_soon_threadsafe(reap)
    except RuntimeError:  # the loop has closed: the server is stopping
        return 0
    done.wait(timeout)
    return len(reaped)


def _drop_orphaned_files(runtime, mgr) -> None:
    """The media files and uploads of sessions that are neither connected nor stored."""
    try:
        live = {info.session.id for info in mgr.list_sessions()}
    except Exception:  # noqa: BLE001 - not the session manager this was written against
        return
    media = getattr(runtime, "media_file_mgr", None)
    refs = getattr(media, "_files_by_session_and_coord", None)
    if refs is not None:
        for sid in [sid for sid in list(refs) if sid not in live]:
            media.clear_session_refs(sid)
        media.remove_orphaned_files()
    uploads = getattr(runtime, "uploaded_file_mgr", None)
    stored = getattr(uploads, "file_storage", None)
    if stored is not None:
        for sid in [sid for sid in list(stored) if sid not in live]:
            uploads.remove_session_files(sid)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def memory_report() -> dict:
    """What this process holds, by who holds it, in bytes: the timelines' checkpoints and the
    sessions' live machines (their ledgers), the drawn diagrams, glibc's heap — in use, free but
    kept, and mapped apart (``mallinfo2``) — and the resident size; and as counts, Python's
    allocated blocks (pymalloc's: none where ``PYTHONMALLOC=malloc``) and the objects its
    collector tracks; and the sessions holding the most machine memory (:func:`_held_sessions`).
    Tells a server that holds things from one whose allocator keeps freed memory."""
    from .session import LEDGER, MACHINES
    out = {"checkpoints": LEDGER.total(), "machines": MACHINES.total(),
           "python_blocks": sys.getallocatedblocks(), "gc_objects": len(gc.get_objects())}
    out["held"] = _held_sessions()
    try:
        from .ui import svg_cache
        out["svg_cache"] = svg_cache().bytes
    except Exception:  # noqa: BLE001 - outside a Streamlit server
        pass
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        mi = libc.mallinfo2()
        out.update(heap_in_use=mi.uordblks, heap_free=mi.fordblks, mmapped=mi.hblkhd)
    except (OSError, AttributeError):  # not glibc, or older than 2.33
        pass
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1]) << 10
    except OSError:
        pass
    return out


def _held_sessions(top: int = 3) -> list:
    """The step-page sessions that hold the most machine memory: MiB, seconds since their last
    move, and what refers to each (two levels of type names) — to tell a session a viewer still
    has from one something forgot to let go."""
    from .session import MACHINES
    now = time.monotonic()
    sessions = sorted((s for s in list(MACHINES._sessions) if s.held_bytes), key=lambda s: -s.held_bytes)[:top]
    out = []
    for s in sessions:
        refs = []
        for r in gc.get_referrers(s):
            if r is sessions or isinstance(r, type(sys._getframe())):
                continue
            refs.append(_two_levels(r))
        out.append({"mib": s.held_bytes >> 20, "idle_s": round(now - s.last_used), "referrers": refs[:8],
                    "streamlit": _owners(s), "functions": _functions_holding(s)})
    return out


def _two_levels(obj, skip=None, top: int = 6) -> str:
    """``obj``'s type and the types of what refers to it (not ``skip``, the caller's own list of
    such objects): "Type<-A|B"."""
    up = sorted({type(u).__name__ for u in gc.get_referrers(obj) if u is not skip})[:top]
    return f"{type(obj).__name__}<-{'|'.join(up)}"


def _functions_holding(obj, top: int = 6) -> list:
    """The functions that refer to a dict holding ``obj`` — mostly as their globals: a page
    script's namespace lives as long as one of its functions does — each as its name, how it
    refers to the dict, and the types of what refers to it, two levels."""
    import types
    out = []
    for d in [r for r in gc.get_referrers(obj) if isinstance(r, dict)]:
        for fn in [f for f in gc.get_referrers(d) if isinstance(f, types.FunctionType)][:top]:
            holders = []
            for h in gc.get_referrers(fn):
                if isinstance(h, type(sys._getframe())) or h is d:
                    continue
                holders.append(_two_levels(h, top=5))
            how = "globals" if fn.__globals__ is d else "kwdefaults" if fn.__kwdefaults__ is d else "other"
            out.append({"fn": f"{fn.__module__}.{fn.__qualname__}", "how": how, "held_by": sorted(set(holders))[:6]})
    return out


def _owners(obj) -> list:
    """The Streamlit sessions whose state holds ``obj``: each as its id, where Streamlit keeps it
    (``active``: connected, ``stored``: kept for a reconnect, ``neither``), its state, whether a
    script thread of it runs, and the types of what refers to the session object itself."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.app_session import AppSession
        mgr = Runtime.instance()._session_mgr
        active = {i.session.id for i in mgr.list_active_sessions()}
        stored = {i.session.id for i in mgr.list_sessions()} - active
    except Exception:  # noqa: BLE001 - outside a server, or another Streamlit
        return []
    out = []
    from streamlit.runtime.state.session_state import SessionState
    for st_state in gc.get_referrers(*[r for r in gc.get_referrers(obj) if isinstance(r, dict)]):
        if isinstance(st_state, SessionState):
            up = gc.get_referrers(st_state)
            out.append({"session_state_held_by": sorted({_two_levels(u, up) for u in up})[:8]})
    for app in (o for o in gc.get_objects() if isinstance(o, AppSession)):
        try:
            state = app._session_state
            state = getattr(state, "_state", state)  # a SafeSessionState wraps it
            held = any(v is obj for d in (state._new_session_state, state._old_state) for v in d.values())
        except AttributeError:
            continue
        if not held:
            continue
        runner = getattr(app, "_scriptrunner", None)
        thread = getattr(runner, "_script_thread", None)
        refs = sorted({type(r).__name__ for r in gc.get_referrers(app)})[:8]
        out.append({"id": app.id[:8], "kept": "active" if app.id in active else "stored" if app.id in stored else "neither",
                    "state": str(getattr(app, "_state", "?")), "script_running": bool(thread and thread.is_alive()),
                    "referrers": refs})
    return out


def _log_report() -> None:
    path = os.environ.get(REPORT_ENV, "").strip()
    if not path:
        return
    try:
        with open(path, "a") as f:
            f.write(json.dumps({"time": round(time.time(), 1), "pid": os.getpid(), **memory_report()}) + "\n")
    except OSError:
        pass


def collect() -> int:
    """Release what closed sessions, idle timelines and drawings hold, collect cyclic garbage and
    give freed heap memory back; the objects collected."""
    from .session import IDLE_RELEASE, LEDGER
    reap_closed_sessions()
    LEDGER.release_idle(IDLE_RELEASE)
    n = gc.collect()
    _trim()
    _log_report()
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
