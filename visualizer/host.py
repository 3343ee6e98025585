"""What a server process shares with the other replicas on its machine.

``python -m visualizer serve --replicas N`` starts N Streamlit servers on one machine and tells
each (:data:`SHARE_ENV`) that it is one of N: each replica's server-wide budgets — the
timelines' checkpoints and the sessions' live machines (:mod:`visualizer.app.session`), and
the worker slots of its executor where the replicas have no slots to share (below) — are then
the machine's divided by N, so N replicas hold what one server would. Replicas on machines of their own (a
container per pod) leave it unset and each has the whole budget.

The worker slots are the machine's, not divided but shared (:data:`SLOTS_ENV`, :func:`job_slots`):
a job of any replica takes a free slot of the machine, so that N replicas never run more jobs
at once than the machine has slots for — and the machine has one slot fewer for each replica
beyond the first (its server process needs a core, and its memory)."""
from __future__ import annotations

import os
from typing import Mapping, Optional

SHARE_ENV = "VISUALIZER_REPLICAS"
"""Environment variable: how many replicas on this machine share its server budgets."""
MAX_SHARE = 64
SLOTS_ENV = "VISUALIZER_SLOTS_DIR"
"""Environment variable: a directory the replicas on this machine share, where their worker
slots are (one lock file per slot; :class:`visualizer.executor.MachineSlots`)."""


def host_share(environ: Optional[Mapping[str, str]] = None) -> int:
    """The replicas sharing this machine's server budgets (:data:`SHARE_ENV`): an integer from 1
    to 64; anything else counts as 1."""
    raw = (os.environ if environ is None else environ).get(SHARE_ENV, "").strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_SHARE else 1


def slots_dir(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The directory of this machine's shared worker slots (:data:`SLOTS_ENV`), if it is set and
    is a directory; else None (this process's slots are its own)."""
    raw = (os.environ if environ is None else environ).get(SLOTS_ENV, "").strip()
    return raw if raw and os.path.isdir(raw) else None


def job_slots(workers: int, share: int) -> int:
    """Worker slots of a machine whose one server would have ``workers``, shared by ``share``
    replicas: one fewer for each replica beyond the first, at least one."""
    return max(1, workers - (share - 1))
