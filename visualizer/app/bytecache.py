"""A least-recently-used cache bounded by the bytes it holds, for what the server keeps for every
session (drawn diagrams): ``st.cache_data`` bounds entries, not bytes — 512 diagrams are 15 MB
for the built-ins and 500 MB for runs at the machine budget (about 1 MB each) — and copies each
value out of a pickle on every hit. Plain Python (no Streamlit); the app keeps one per server in
``st.cache_resource``. Safe to share between sessions' threads."""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, Optional


def _deep_size(value: Any) -> int:
    """Bytes a cached value holds: a string's or a tuple of strings' own sizes (what a diagram
    is); anything else as ``sys.getsizeof`` says."""
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(_deep_size(v) for v in value)
    return sys.getsizeof(value)


class ByteLru:
    """Values by key, the least recently used dropped first once they hold more than
    ``max_bytes``; a value larger than ``max_item`` is not kept at all (it would push out many
    others for one session's view)."""

    def __init__(self, max_bytes: int, max_item: Optional[int] = None, size: Callable[[Any], int] = _deep_size):
        self.max_bytes = max_bytes
        self.max_item = max_bytes if max_item is None else min(max_item, max_bytes)
        self._size = size
        self._items: "OrderedDict[Hashable, tuple[Any, int]]" = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any:
        """The value under ``key`` (now the most recently used), or None."""
        with self._lock:
            got = self._items.get(key)
            if got is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return got[0]

    def put(self, key: Hashable, value: Any) -> bool:
        """Keep ``value`` under ``key``; False where it is too large to keep."""
        n = self._size(value)
        if n > self.max_item:
            return False
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, n)
            self.bytes += n
            while self.bytes > self.max_bytes:
                _k, (_v, m) = self._items.popitem(last=False)
                self.bytes -= m
            return True

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value under ``key``, made (outside the lock) and kept where it is missing."""
        got = self.get(key)
        if got is None:
            got = make()
            self.put(key, got)
        return got

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


__all__ = ["ByteLru"]
