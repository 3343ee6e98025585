"""What a server process shares with the other replicas on its machine.

``python -m visualizer serve --replicas N`` starts N Streamlit servers on one machine and tells
each (:data:`SHARE_ENV`) that it is one of N: each replica's server-wide budgets — the
timelines' checkpoints and the sessions' live machines (:mod:`visualizer.app.session`), the
worker processes of its executor (:func:`visualizer.executor.default`) — are then the machine's
divided by N, so N replicas hold what one server would. Replicas on machines of their own (a
container per pod) leave it unset and each has the whole budget."""
from __future__ import annotations

import os
from typing import Mapping, Optional

SHARE_ENV = "VISUALIZER_REPLICAS"
"""Environment variable: how many replicas on this machine share its server budgets."""
MAX_SHARE = 64


def host_share(environ: Optional[Mapping[str, str]] = None) -> int:
    """The replicas sharing this machine's server budgets (:data:`SHARE_ENV`): an integer from 1
    to 64; anything else counts as 1."""
    raw = (os.environ if environ is None else environ).get(SHARE_ENV, "").strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_SHARE else 1
