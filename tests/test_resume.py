"""A resumed session's answers go over its new websocket (visualizer.app.resume).

Streamlit's message loop looks each session's connection up once per flush cycle and yields
between messages; a session dropped and resumed within the cycle had its next run's answer sent
to the closed connection and lost (the two-replica scale-out lost 44–70 of 120 sessions so).
Here the cycle's steps are taken one by one with Streamlit's own session manager, session store
and AppSession: the lookup, the websocket dropped, the session resumed over a new one, then the
send of a message the resumed session's run queued."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import Runtime
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.runtime.session_manager import SessionClientDisconnectedError
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from visualizer.app import resume

HOME = str(Path(__file__).resolve().parents[1] / "Home.py")


class Socket:
    """A websocket as Streamlit's server wraps it: takes messages until it is closed."""

    def __init__(self):
        self.got: list[ForwardMsg] = []
        self.closed = False

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        if self.closed:
            raise SessionClientDisconnectedError
        self.got.append(msg)

    @property
    def client_context(self):
        return None


def on_the_event_loop(test):
    """Run ``test(runtime, mgr, sid, looked_up, old, new)`` on an event loop, as the server does
    (an AppSession is made on one): a session, its connection as a flush cycle looked it up, and
    the old and new sockets after the session was dropped and resumed."""
    async def body():
        mgr = WebsocketSessionManager(MemorySessionStorage(ttl_seconds=60), MemoryUploadedFileManager("/upload"),
                                      ScriptCache(), None)
        data = ScriptData(HOME, False)
        old = Socket()
        sid = mgr.connect_session(old, data, {})
        looked_up = mgr.get_active_session_info(sid)  # the flush cycle's lookup
        old.closed = True
        mgr.disconnect_session(sid)  # the websocket dropped: the session waits in the store
        new = Socket()
        assert mgr.connect_session(new, data, {}, existing_session_id=sid) == sid  # resumed, not a new one
        runtime = Runtime.__new__(Runtime)  # only its send path: the session manager is all it reads
        runtime._session_mgr = mgr
        try:
            test(runtime, mgr, sid, looked_up, old, new)
        finally:
            for info in mgr.list_sessions():
                info.session.shutdown()
    asyncio.run(body())


def finished() -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    return msg


def test_without_it_streamlit_sends_a_resumed_sessions_answer_to_the_closed_socket():
    on_the_event_loop(_lost)


def _lost(runtime, _mgr, _sid, looked_up, old, new):
    send = getattr(Runtime._send_message, "__wrapped__", Runtime._send_message)
    with pytest.raises(SessionClientDisconnectedError):
        send(runtime, looked_up, finished())
    assert new.got == [] and old.got == []  # the answer is lost: what the browsers waited for


def test_a_resumed_sessions_answer_goes_over_its_new_socket():
    on_the_event_loop(_delivered)


def _delivered(runtime, mgr, sid, looked_up, old, new):
    assert resume.install() and resume.install()  # once, however often it is asked
    Runtime._send_message(runtime, looked_up, finished())
    assert [m.script_finished for m in new.got] == [ForwardMsg.FINISHED_SUCCESSFULLY] and old.got == []
    assert mgr.get_active_session_info(sid).script_run_count == 1  # counted where the session is now


def test_a_session_not_connected_keeps_streamlits_behaviour():
    on_the_event_loop(_not_connected)


def _not_connected(runtime, mgr, sid, _looked_up, _old, new):
    resume.install()
    now = mgr.get_active_session_info(sid)
    new.closed = True
    mgr.disconnect_session(sid)  # dropped again, not yet resumed
    with pytest.raises(SessionClientDisconnectedError):  # the loop then disconnects it, as before
        Runtime._send_message(runtime, now, finished())
    assert mgr.connect_session(Socket(), ScriptData(HOME, False), {}, existing_session_id=sid) == sid
