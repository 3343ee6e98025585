"""Uploaded traces, held once for the whole server under a byte budget.

A class server may have dozens of sessions that each upload a trace: up to 500,000 operations
are kept parsed (~11 MiB in columns); a longer one (a real program's millions of accesses) is
kept as uploaded — gzip makes 3.8 million lackey accesses 2.4 MB — and read again by each run in
a worker. Sessions keep only a token; the traces live here, in one store
for the server, least recently used first out when the total would pass
:data:`BUDGET_BYTES`. A session whose trace was dropped is told so and uploads it again; the
trace being added is never the one dropped.

Plain Python (no Streamlit): the app keeps one :class:`UploadStore` in ``st.cache_resource``.
"""
from __future__ import annotations

import itertools
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Optional

from visualizer.engine.trace import Trace

BUDGET_BYTES = 256 << 20
"""Uploaded traces the server holds at once, over all sessions (bytes)."""


def trace_bytes(trace: Trace) -> int:
    """What a trace takes in memory: its columns, plus an estimate for the operations kept whole
    and the names."""
    columns = sum(a.nbytes for a in (trace.vm, trace.proc, trace.op, trace.gva, trace.value))
    names = sum(sys.getsizeof(v) for v in trace.vm_names) + sum(sys.getsizeof(p) + sys.getsizeof(v)
                                                                 for v, p in trace.proc_names)
    return columns + 200 * len(trace.extras) + names


@dataclass(frozen=True)
class StoredUpload:
    name: str
    format: str
    trace: Optional[Trace]
    """The parsed trace, or None for a long one (kept as the upload's bytes, ``data``)."""
    config: Any
    """The uploaded scenario's machine, or None for a bare trace."""
    nbytes: int
    data: Optional[bytes] = None
    """A long trace as uploaded (gzip keeps it small): each run reads it again in a worker."""
    stats: Any = None
    """A long trace's :class:`~visualizer.engine.traceio.TraceStats` (its default machine)."""
    operations: int = 0

    @property
    def length(self) -> int:
        return len(self.trace) if self.trace is not None else self.operations


class UploadStore:
    """Token → uploaded trace, least recently used first out beyond ``budget`` bytes."""

    def __init__(self, budget: int = BUDGET_BYTES):
        self.budget = budget
        self._items: OrderedDict[str, StoredUpload] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.evicted = 0

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(u.nbytes for u in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def put(self, name: str, fmt: str, trace: Optional[Trace], config: Any = None, replaces: Optional[str] = None, *,
            data: Optional[bytes] = None, stats: Any = None, operations: int = 0) -> str:
        """Store an upload; returns its token. ``replaces``: the session's previous token (dropped).
        A long trace comes as ``data`` (its bytes) and ``stats`` instead of ``trace``."""
        if trace is not None:
            item = StoredUpload(name, fmt, trace, config, trace_bytes(trace), operations=len(trace))
        else:
            if data is None:
                raise ValueError("an upload needs its trace or its bytes")
            keys = sum(getattr(a, "nbytes", 0) for a in getattr(stats, "_keys", {}).values())
            item = StoredUpload(name, fmt, None, config, len(data) + keys, data, stats, operations)
        with self._lock:
            if replaces is not None:
                self._items.pop(replaces, None)
            token = f"u{next(self._ids)}"
            total = sum(u.nbytes for u in self._items.values()) + item.nbytes
            while total > self.budget and self._items:
                _, old = self._items.popitem(last=False)
                total -= old.nbytes
                self.evicted += 1
            self._items[token] = item
            return token

    def get(self, token: Optional[str]) -> Optional[StoredUpload]:
        """The upload under ``token`` (now the most recently used), or None if it was dropped."""
        if token is None:
            return None
        with self._lock:
            item = self._items.get(token)
            if item is not None:
                self._items.move_to_end(token)
            return item

    def drop(self, token: Optional[str]) -> None:
        with self._lock:
            self._items.pop(token, None)
