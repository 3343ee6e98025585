"""What the test process has started: its child processes, read from /proc."""
from __future__ import annotations

import os
from pathlib import Path


def children() -> set[int]:
    """The PIDs of this process's children (of every thread)."""
    out: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            out |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            pass
    return out
