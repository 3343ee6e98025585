"""Browser messages checked before they are decoded.

A widget or component sends its value to the server as JSON text (the lecture keys' press log,
the step box's jump, a component's state); Streamlit decodes it with ``json.loads`` before the
page sees it — so a forged message of a million presses costs seconds of CPU and hundreds of
MiB before any check of the page, and one nested 1,500 arrays deep ends in a ``RecursionError``
that every later rerun of the session shows again. Here every such value is checked first —
its size, how deeply it nests, how many values it holds, whether it decodes at all — and one
that fails is dropped: the widget reads as if nothing was sent, the page shows a quiet warning
(:func:`take_dropped`), and the session goes on. The websocket message as a whole is bounded
before this, by ``server.maxWidgetStateSize`` and ``server.maxMessageSize`` in
``.streamlit/config.toml``.

:func:`install` puts the check in front of Streamlit's decoding (once per process).
"""
from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from typing import Any, Optional

from .patch import wrap_once

MAX_BYTES = 64 << 10
"""A widget value's JSON text (the press log of 32 presses is about 1 KiB)."""
MAX_DEPTH = 16
"""Arrays and objects inside each other (the press log nests 5 deep)."""
MAX_VALUES = 4096
"""Values in all (the press log holds about 100)."""
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def problem(text: Any) -> Optional[str]:
    """What is wrong with a JSON value from the browser (None: nothing), found without decoding
    more than :data:`MAX_BYTES` of it."""
    if not isinstance(text, str):
        return None
    if len(text) > MAX_BYTES:
        return f"larger than {MAX_BYTES >> 10} KiB"
    bare = _STRING.sub('""', text)
    depth = deepest = 0
    for c in _BRACKETS.findall(bare):
        depth += 1 if c in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} deep"
    if bare.count(",") + bare.count(":") >= MAX_VALUES:
        return f"more than {MAX_VALUES} values"
    try:
        json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or a number of thousands of digits
        return "not valid JSON"
    return None


# -- what was dropped, per session (the page says so once) ---------------------------------------
_dropped: "OrderedDict[str, str]" = OrderedDict()
_lock = threading.Lock()
_KEEP = 1024


def _session_id() -> Optional[str]:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:
        return None
    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "session_id", None)


def _note(why: str) -> None:
    sid = _session_id() or "-"
    with _lock:
        _dropped[sid] = why
        _dropped.move_to_end(sid)
        while len(_dropped) > _KEEP:
            _dropped.popitem(last=False)


def take_dropped() -> Optional[str]:
    """Why this session's last dropped message was dropped, once (None: none was)."""
    sid = _session_id() or "-"
    with _lock:
        return _dropped.pop(sid, None)


# -- in front of Streamlit's decoding --------------------------------------------------------------
def install() -> bool:
    """Check every JSON widget value before Streamlit decodes it. Returns whether the check is
    in place (a Streamlit without the expected function keeps its own behaviour)."""
    try:
        from streamlit.runtime.state import session_state as ss
    except ImportError:
        return False

    def checked(original):
        def unpack_checked(widget_state):
            field = widget_state.WhichOneof("value")
            if field in ("json_value", "json_trigger_value"):
                why = problem(getattr(widget_state, field))
                if why is not None:
                    _note(why)
                    return None  # as if the browser had sent nothing
            return original(widget_state)
        return unpack_checked
    return wrap_once(ss, "unpack_widget_state_value", checked)
