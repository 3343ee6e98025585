"""A resumed session's answers go over its new websocket.

When a browser's websocket drops and it reconnects (a network hiccup, a laptop roaming between
access points, a load balancer's connection handed over), Streamlit resumes the session and
binds it to the new connection. Streamlit's message loop, though, sends each session's queued
messages through the connection it looked up at the start of a flush cycle, and yields between
messages: on a busy server a session can be disconnected and resumed within one cycle, its next
click run meanwhile, and that run's whole answer — from "script started" to "script finished" —
be written to the closed connection and dropped. The browser then waits for an answer that never
comes. Measured: 120 simulated students through two replicas, each dropping and resuming its
websocket before every other click, lost 44–70 sessions this way (benchmarks/bench_scaleout.py).

:func:`install` wraps the loop's send (``Runtime._send_message``, once per process) so a message
goes to the connection the session holds when it is sent; a session that is not connected at
that moment keeps Streamlit's behaviour (the closed connection refuses it).
"""
from __future__ import annotations

from .patch import wrap_once


def current(runtime, session_info):
    """The session's connection now: ``session_info`` as Streamlit's session manager holds it at
    this moment, or the one given where the session is not connected (or the manager is not the
    one this was written against)."""
    try:
        now = runtime._session_mgr.get_active_session_info(session_info.session.id)
    except Exception:  # noqa: BLE001 - another Streamlit: keep what it looked up
        return session_info
    return now if now is not None else session_info


def install() -> bool:
    """Send every message through the session's current connection. Returns whether the wrap is
    in place (a Streamlit without ``Runtime._send_message`` keeps its own behaviour)."""
    try:
        from streamlit.runtime.runtime import Runtime
    except ImportError:
        return False

    def to_current(original):
        def send_to_current(self, session_info, msg):
            return original(self, current(self, session_info), msg)
        return send_to_current
    return wrap_once(Runtime, "_send_message", to_current)
