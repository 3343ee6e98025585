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
    held = np.ones(64 << 17)  # 64 MiB, mapped apart from the heap
    housekeeping.collect()
    first, second = [json.loads(line) for line in path.read_text().splitlines()]
    assert {"checkpoints", "machines", "rss", "heap_in_use", "heap_free", "mmapped"} <= set(first)
    assert second["mmapped"] - first["mmapped"] >= 60 << 20 and second["rss"] - first["rss"] >= 60 << 20
    del held
