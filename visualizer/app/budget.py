"""What one session may hold on a class server, and the checks that keep it there.

The web app's engine state per session is bounded where it is allocated:

- **machine memory**: every machine a timeline runs (and its clones) may have at most
  :data:`MACHINE_BYTES` of frames in use (``MachineMemory.budget``: the allocator refuses the
  frame past it, and the timeline stops at that operation and says why). A sparse image is
  backed only where frames are in use, so that is what the host pays;
- **checkpoints**: :data:`~visualizer.app.session.CHECKPOINT_BYTES` per timeline and
  :data:`~visualizer.app.session.SERVER_CHECKPOINT_BYTES` for the server;
- **the scenario itself** (its trace's columns and a boot machine's pmaps and tables): at most
  :data:`SCENARIO_BYTES`, checked when the file is read — a scenario that needs more is refused
  up front with the figure (the command line runs it);
- **work**: long runs go to worker processes (:mod:`visualizer.executor`) with a memory and a
  CPU-time limit, and end with the session.

So one session holds about: the scenario (≤ 40 MiB), its live machine and one clone in
flight (≤ 2 × 32 MiB), the checkpoints of its timelines (≤ 64 MiB each, ≤ 512 MiB for the
server) — ≤ 256 MiB — and its uploaded trace on Compare is in the server's upload store (256 MiB
for all). A closed tab's session is let go after ``server.disconnectedSessionTTL`` (60 s).
"""
from __future__ import annotations

from ..engine import Scenario
from ..engine.memory import PAGE_SIZE
from ..engine.scenario import load_scenario_text
from .uploads import trace_bytes

MACHINE_BYTES = 32 << 20
"""Frames in use one machine of the step page may have (bytes)."""
MACHINE_FRAMES = MACHINE_BYTES // PAGE_SIZE
SCENARIO_BYTES = 40 << 20
"""A scenario's own weight in a session: its trace and a boot machine (bytes)."""
SESSION_BYTES = 256 << 20
"""What the limits above add up to for one session (see the module docstring)."""
TASK_CPU_SECONDS = 30.0
"""CPU time one job of a session may take (a parse, a timeline, a replay)."""


class ScenarioTooLarge(ValueError):
    """A scenario that would hold more than :data:`SCENARIO_BYTES` in a session."""

    def __init__(self, need: int, ops: int, limit: int = SCENARIO_BYTES):
        super().__init__(f"the scenario needs {need / (1 << 20):.0f} MiB in the server ({ops:,} operations), "
                         f"more than the {limit >> 20} MiB one session may hold")
        self.need, self.ops, self.limit = need, ops, limit

    def __reduce__(self):  # pickles with its figures (it comes back from a worker)
        return (ScenarioTooLarge, (self.need, self.ops, self.limit))


def boot_bytes(config) -> int:
    """About what a boot machine of ``config`` holds: per VM its pmap and free list (24 bytes a
    guest page) and a page of tables, and the machine's fixed part."""
    return sum(24 * v.pages + PAGE_SIZE for v in config.vms) + (64 << 10)


def scenario_bytes(s: Scenario) -> int:
    return trace_bytes(s.trace) + boot_bytes(s.config)


def check(s: Scenario) -> Scenario:
    """``s``, or :class:`ScenarioTooLarge` with the figure."""
    need = scenario_bytes(s)
    if need > SCENARIO_BYTES:
        raise ScenarioTooLarge(need, len(s.trace))
    return s


def load_checked(text: str, name: str) -> Scenario:
    """A scenario from TOML text, refused if it is too large for a session (in a worker: the
    refusal comes back, not the trace)."""
    return check(load_scenario_text(text, name))


def load_lesson_checked(text: str, name: str):
    """A lesson from TOML text, its scenario refused if too large for a session, every question
    checked against the engine (in a worker: only the lesson comes back)."""
    from ..learn import lessons as L
    lesson = L.load_lesson_text(text, name)
    check(lesson.scenario)
    L.check_answers(lesson)
    return lesson
