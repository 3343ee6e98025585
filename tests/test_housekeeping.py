"""Housekeeping (issue 20): sessions whose tabs closed longer ago than Streamlit's reconnect time
leave its store without waiting for another request — checked against Streamlit's own session
store and a running event loop, as the server has them."""
from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace

from visualizer.app import housekeeping


def test_closed_sessions_past_their_reconnect_time_leave_streamlits_store():
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.session_manager import SessionInfo

    store = MemorySessionStorage(ttl_seconds=0.2)
    for k in range(3):
        store.save(SessionInfo(client=None, session=SimpleNamespace(id=f"closed-{k}")))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        runtime = SimpleNamespace(_session_mgr=SimpleNamespace(_session_storage=store),
                                  _get_async_objs=lambda: SimpleNamespace(eventloop=loop))
        assert housekeeping.reap_closed_sessions(runtime) == 0  # within their reconnect time: kept
        assert len(store._cache._data) == 3
        time.sleep(0.3)
        assert len(store._cache._data) == 3  # expired, still held: Streamlit reaps when it stores another
        assert housekeeping.reap_closed_sessions(runtime) == 3  # housekeeping does not wait for that
        assert len(store._cache._data) == 0
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def test_reaped_sessions_are_shut_down_and_the_files_of_gone_sessions_go(monkeypatch):
    """Streamlit's store forgets an expired session without shutting it down: its deferred
    downloads (callables holding the step page's session) and uploads stayed. The reaping shuts
    the sessions it expires down, and lets go the files of every session id that is neither
    connected nor stored — a live session's stay."""
    from streamlit.runtime import media_file_manager as mfm_module
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.session_manager import SessionInfo
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    shut = []

    def session(sid):
        return SimpleNamespace(id=sid, shutdown=lambda: shut.append(sid))
    store = MemorySessionStorage(ttl_seconds=0.2)
    store.save(SessionInfo(client=None, session=session("expired")))
    live = session("live")  # connected
    media = MediaFileManager(MemoryMediaFileStorage("/media"))
    uploads = MemoryUploadedFileManager("/upload")
    held = {}
    for sid in ("expired", "dropped-by-streamlit", "live"):
        monkeypatch.setattr(mfm_module, "_get_session_id", lambda sid=sid: sid)
        machine = held[sid] = SimpleNamespace()  # what a download's callable holds

        def make(machine=machine) -> bytes:
            return repr(machine).encode()
        media.add_deferred(make, "text/plain", f"coord-{sid}", "x.txt")
        uploads.add_file(sid, UploadedFileRec(f"f-{sid}", "s.toml", "text/plain", b"x" * 1000))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        mgr = SimpleNamespace(_session_storage=store,
                              list_sessions=lambda: [SessionInfo(client=None, session=live)]
                              + store.list())
        runtime = SimpleNamespace(_session_mgr=mgr, _get_async_objs=lambda: SimpleNamespace(eventloop=loop),
                                  media_file_mgr=media, uploaded_file_mgr=uploads)
        time.sleep(0.3)
        assert housekeeping.reap_closed_sessions(runtime) == 1
        assert shut == ["expired"]
        assert set(media._files_by_session_and_coord) == {"live"}
        assert len(media._deferred_callables) == 1  # the live session's download
        assert set(uploads.file_storage) == {"live"}
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def test_without_a_streamlit_runtime_nothing_is_reaped():
    assert housekeeping.reap_closed_sessions(SimpleNamespace()) == 0
    assert housekeeping.reap_closed_sessions() == 0  # no server in this process


def test_a_pass_logs_what_the_process_holds_where_asked(tmp_path, monkeypatch):
    """VISUALIZER_MEMORY_REPORT names a file; each pass appends one JSON line of what the process
    holds (the ledgers, glibc's heap, the resident size); unset, nothing is written."""
    import json

    import numpy as np
    path = tmp_path / "memory.jsonl"
    monkeypatch.delenv(housekeeping.REPORT_ENV, raising=False)
    housekeeping.collect()
    assert not path.exists()
    monkeypatch.setenv(housekeeping.REPORT_ENV, str(path))
    housekeeping.collect()
    held = np.ones(64 << 17)  # 64 MiB: mapped apart, or from the heap's free top in a process that had it
    housekeeping.collect()
    first, second = [json.loads(line) for line in path.read_text().splitlines()]
    assert {"checkpoints", "machines", "rss", "heap_in_use", "heap_free", "mmapped"} <= set(first)

    def allocated(r):
        return r["heap_in_use"] + r["mmapped"]
    assert allocated(second) - allocated(first) >= 60 << 20
    del held


def test_the_report_names_what_holds_a_sessions_machine():
    """The report lists the step-page sessions holding machine memory, with what refers to each:
    a session a forgotten closure keeps shows it."""
    from visualizer.app.session import MACHINES, Session, Timeline
    from visualizer.engine import Mode, builtin
    sc = builtin("esxi-figure")
    tl = Timeline(sc.config, Mode.SHADOW, sc.trace).precompute()
    s = Session(sc, Mode.SHADOW, lambda scenario, mode: tl, MACHINES)
    s.goto(3)
    keeper = [lambda: s]  # noqa: F841 - a closure over the session, as a forgotten callback holds it
    held = housekeeping.memory_report()["held"]
    mine = [h for h in held if h["idle_s"] < 60]
    assert mine and any(r.startswith("cell<-") for r in mine[0]["referrers"]), held


def test_a_shut_down_session_lets_go_of_its_state_while_streamlit_still_holds_it():
    """Streamlit's message loop keeps the last session it flushed referenced (a local variable of
    its loop) until its next flush; what that session's pages stored must not stay with it. A real
    AppSession, made on an event loop as the server makes it, holds a session's worth of state, a
    button whose callback holds it too (SessionState.clear() leaves widgets' metadata), and a
    fragment; a stale ActiveSessionInfo keeps the AppSession itself alive after shutdown."""
    import gc
    import weakref
    from pathlib import Path

    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.script_data import ScriptData
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.runtime.session_manager import ActiveSessionInfo
    from streamlit.runtime.state.common import WidgetMetadata

    class Machine:  # stands for the step page's session and its machine
        pass

    assert housekeeping.install() and housekeeping.install()  # once, however often it is asked

    async def body():
        home = str(Path(__file__).resolve().parents[1] / "Home.py")
        app = AppSession(ScriptData(home, False), MemoryUploadedFileManager("/upload"), ScriptCache(), None, {})
        machine = Machine()
        app._session_state["_sess"] = machine
        app._fragment_storage.register("f1", lambda m=machine: m)  # a fragment closes over the page
        app._session_state._new_widget_state.widget_metadata["w1"] = WidgetMetadata(  # a button's callback
            "w1", lambda v, _k=None: v, lambda v: v, "trigger_value", callback=lambda m=machine: m)
        gone = weakref.ref(machine)
        del machine
        stale = ActiveSessionInfo(client=None, session=app)  # what the loop's local keeps
        app.shutdown()
        gc.collect()
        assert gone() is None, "the shut-down session still holds its state"
        assert "_sess" not in app._session_state and not app._fragment_storage.contains("f1")
        return stale
    assert asyncio.run(body()).session is not None
