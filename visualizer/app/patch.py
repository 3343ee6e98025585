"""One way to put the app's checks around a function of Streamlit's: :func:`wrap_once`.

The app wraps three of Streamlit's functions (``guard``: a widget value's decoding; ``resume``:
the message loop's send; ``housekeeping``: a session's shutdown). Each is wrapped once per
process, however often the pages import the module that asks, the original stays reachable as
``__wrapped__``, and a Streamlit without the function keeps its own behaviour."""
from __future__ import annotations

from typing import Any, Callable


def wrap_once(owner: Any, name: str, make: Callable[[Callable], Callable]) -> bool:
    """Replace ``owner.name`` by ``make(original)`` unless that was done before; whether the
    wrapper is in place (False where ``owner`` has no such function)."""
    original = getattr(owner, name, None)
    if original is None:
        return False
    if getattr(original, "_app_wrapper", False):
        return True
    wrapper = make(original)
    wrapper.__wrapped__ = original
    wrapper._app_wrapper = True
    setattr(owner, name, wrapper)
    return True
