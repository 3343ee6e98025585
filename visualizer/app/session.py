"""A viewer's session on the step page, and the checkpointed timelines it moves along.

Plain Python (no Streamlit), so that tests and benchmarks drive it directly.

A :class:`Timeline` is one trace run in one mode. It keeps a clone of the machine every
``every`` steps (:meth:`Machine.clone`), so the state after any step is a clone of the nearest
checkpoint plus at most ``every`` replayed operations on the engine's bulk path, then the step
itself with its full record — jumping to step 10,000 never replays from zero. A timeline built
from a scenario's own trace is computed once and then only read (the app shares it between
viewers); a viewer who adds an access gets a private timeline that reuses the shared
checkpoints up to that point.

A :class:`Session` is what one viewer looks at: scenario, mode, current step, the live machine
at that step and the record of the step's operation. All of it is private to the session.
"""
from __future__ import annotations

import hashlib
import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..engine import EngineError, Machine, Mode, Op, OpKind, OutOfMemory, Scenario, Step, Trace
from ..engine.memory import PAGE_SIZE, SPARSE_MIN_BYTES, MemoryBudgetExceeded
from ..engine.ops import MachineConfig
from ..engine.paging import USER_TOP
from ..executor import JobError, Task
from ..host import host_share

CHECKPOINT_BYTES = 64 << 20
"""Memory budget of one timeline's checkpoints, in bytes as :func:`machine_bytes` counts them
(the frames a machine has written, not what it declares): a machine that has touched 4 MiB gets
16 checkpoints, so a jump replays at most 1/16 of the trace (on the bulk path). Past the budget
a timeline keeps every other checkpoint and doubles the distance."""
SERVER_CHECKPOINT_BYTES = (512 << 20) // host_share()
"""Memory budget of all timelines' checkpoints in this process (a classroom server; divided
among the replicas on one machine, :func:`host_share`): past it, the least recently used
timelines lose their checkpoints (all but the boot state; they replay from there, slower but the
same)."""
MAX_CHECKPOINTS = 64
MIN_EVERY = 16
MODES = (Mode.SHADOW, Mode.NESTED)
"""The modes the step page offers (native has no VMM to show)."""
LOG_CAP = 2000
"""The event-log export covers at most this many steps (the last ones up to the current step)."""
INLINE_OPS = 2_000
"""A timeline with a runner (the app's executor) runs longer stretches — precomputing, a jump
that replays more operations than this — in a worker process: bounded, and stopped when the
viewer leaves; shorter ones run here (a worker costs a fork and the pickled result; 2,000
operations that each fault take about 0.4 s of the server's one interpreter)."""
FIND_STRETCH = 4096
"""Operations a precompute runs at once on the bulk path (see :meth:`Timeline._advance`)."""
SERVER_MACHINE_BYTES = (256 << 20) // host_share()
"""Memory budget of the sessions' live machines in this process (divided among the replicas on
one machine, :func:`host_share`), as :func:`machine_bytes` counts them (a built-in's machine
is well under 1 MiB, one that filled the session's machine budget some 40 MiB): past it, the least recently used sessions' machines are let go — a tab closed a moment
ago, whose session Streamlit keeps for a reconnect, is the first. A session whose machine went
gets it back from its timeline when it is next used (:meth:`Timeline.state_at`: a replay from the
nearest checkpoint, the same machine)."""
AHEAD_BYTES = 8 << 20
"""A session looks one step ahead and one back (:meth:`Session.ahead`, :meth:`Session.behind`)
only where its machine is at most this large (:func:`machine_bytes`): a look costs a clone."""
Runner = Callable[[Task], object]
"""Runs a :class:`~visualizer.executor.Task` (in a worker) and returns its result."""


class StepError(Exception):
    """An operation could not run; :attr:`kind` says why, so that only machine-memory exhaustion
    is told as running out of machine pages:

    - ``"memory"``: machine memory is exhausted (:class:`~visualizer.engine.OutOfMemory`);
    - ``"input"``: the operation is not valid here (a ``ValueError``: an unknown VM or process…);
    - ``"budget"``: the run would go past what one session may use on a class server (its
      machine's frame budget, :class:`~visualizer.engine.memory.MemoryBudgetExceeded`, or a
      worker's memory or CPU-time limit, :class:`~visualizer.executor.JobError`);
    - ``"bug"``: anything else — the engine broke a rule of its own (:class:`EngineError`, or an
      exception nobody expected), told as a bug with what to report.
    """

    def __init__(self, message: str, kind: str = "input"):
        super().__init__(message)
        self.kind = kind

    def __reduce__(self):  # pickles with its kind (it comes back from a worker)
        return (StepError, (str(self), self.kind))

    @property
    def over_budget(self) -> bool:
        return self.kind == "budget"

    @classmethod
    def of(cls, exc: BaseException, prefix: str = "") -> "StepError":
        if isinstance(exc, StepError):
            return cls(prefix + str(exc), exc.kind)
        if isinstance(exc, (MemoryBudgetExceeded, JobError, MemoryError)):
            kind = "budget"
        elif isinstance(exc, OutOfMemory):
            kind = "memory"
        elif isinstance(exc, ValueError) and not isinstance(exc, EngineError):
            kind = "input"
        else:
            kind = "bug"
        text = str(exc) if kind != "bug" else f"{type(exc).__name__}: {exc}"
        return cls(prefix + text, kind)


def step_error_text(err: BaseException, lang: str) -> str:
    """What the page says about a failed operation, by its kind (:class:`StepError`; any other
    exception is classified first)."""
    from ..text.i18n import t
    if not isinstance(err, StepError):
        err = StepError.of(err)
    if err.kind == "budget":
        from .budget import MACHINE_BYTES, TASK_CPU_SECONDS
        from ..text.i18n import number
        return t("err.session_budget", lang, mib=MACHINE_BYTES >> 20, cpu=number(int(TASK_CPU_SECONDS), lang))
    key = {"memory": "err.out_of_memory", "bug": "err.engine_bug"}.get(err.kind, "err.engine")
    return t(key, lang, error=str(err))


def checkpoint_every(ops: int, nbytes: int) -> int:
    """How many steps apart checkpoints are for a trace of ``ops`` whose checkpoints hold about
    ``nbytes`` each."""
    budget = max(4, min(MAX_CHECKPOINTS, CHECKPOINT_BYTES // max(1, nbytes)))
    return max(MIN_EVERY, math.ceil(ops / budget))


def machine_bytes(m: Machine) -> int:
    """About what a clone of ``m`` holds: the machine image (of a large machine only the frames
    in use: see :func:`visualizer.engine.memory.new_image`) and per VM its pmap and free list."""
    image = m.mem.image.nbytes
    if image >= SPARSE_MIN_BYTES:
        image = (m.mem.frames - m.mem.free_count) * PAGE_SIZE
    return image + sum(24 * vm.pmap.pages + 4096 for vm in m.vms.values()) + 64 * 1024


class CheckpointLedger:
    """The server-wide checkpoint budget: every timeline registers here; a timeline that wants
    to keep a checkpoint past the budget makes room by evicting the least recently used others'.
    Eviction replaces a timeline's checkpoint dict (readers keep the one they hold)."""

    def __init__(self, budget: int):
        self.budget = budget
        self._timelines: "weakref.WeakSet[Timeline]" = weakref.WeakSet()
        self._lock = threading.Lock()

    def register(self, tl: "Timeline") -> None:
        with self._lock:
            self._timelines.add(tl)

    def total(self) -> int:
        return sum(tl.checkpoint_bytes for tl in list(self._timelines))

    def make_room(self, need: int, keep: "Timeline") -> bool:
        """Evict until ``need`` more bytes fit; False if even then they do not."""
        with self._lock:
            total = self.total()
            if total + need <= self.budget:
                return True
            for tl in sorted(list(self._timelines), key=lambda t: t.last_used):
                if tl is keep or tl.checkpoint_bytes == 0:
                    continue
                total -= tl.checkpoint_bytes
                tl.drop_checkpoints()
                if total + need <= self.budget:
                    return True
            return total + need <= self.budget


    def release_idle(self, idle: float, now: Optional[float] = None) -> int:
        """Drop the checkpoints of timelines nobody has used for ``idle`` seconds (a class has
        ended: the server gives their memory back; a later jump replays from the boot state and
        checkpoints again). The bytes released."""
        now = time.monotonic() if now is None else now
        freed = 0
        with self._lock:
            for tl in list(self._timelines):
                if tl.checkpoint_bytes and now - tl.last_used >= idle:
                    freed += tl.checkpoint_bytes
                    tl.drop_checkpoints()
                    tl.released = True
        return freed


class MachineLedger:
    """The server-wide budget of the sessions' live machines (:data:`SERVER_MACHINE_BYTES`):
    each session notes here what its machine holds after every move; past the budget, the least
    recently used others let theirs go (:meth:`Session.release_machine`). A session busy moving
    (its lock held) is passed over, never waited for."""

    def __init__(self, budget: int):
        self.budget = budget
        self._sessions: "weakref.WeakSet[Session]" = weakref.WeakSet()
        self._lock = threading.Lock()
        self.released = 0
        """Machines let go so far (a counter for tests and benchmarks)."""

    def total(self) -> int:
        return sum(s.held_bytes for s in list(self._sessions))

    def note(self, session: "Session") -> None:
        """``session`` has moved (its machine now holds ``session.held_bytes``): make room."""
        with self._lock:
            self._sessions.add(session)
            total = self.total()
            if total <= self.budget:
                return
            for other in sorted(self._sessions, key=lambda x: x.last_used):
                if other is session or other.held_bytes == 0:
                    continue
                freed = other.release_machine()
                if freed:
                    self.released += 1
                    total -= freed
                    if total <= self.budget:
                        return


LEDGER = CheckpointLedger(SERVER_CHECKPOINT_BYTES)
MACHINES = MachineLedger(SERVER_MACHINE_BYTES)
IDLE_RELEASE = 300.0
"""Seconds unused after which a timeline's checkpoints go back to the system (:mod:`.housekeeping`);
its next use makes them again (a built-in's in well under a second, the longest in a worker)."""


class Timeline:
    """A trace run in one mode, with checkpoints (see the module docstring).

    ``base``: a timeline of the same machine whose trace agrees with this one for the first
    ``shared`` operations; its checkpoints up to there are reused, never changed.
    """

    def __init__(self, config: MachineConfig, mode: Mode, trace: Trace, *,
                 base: Optional["Timeline"] = None, shared: int = 0, every: Optional[int] = None,
                 budget: Optional[int] = None, runner: Optional[Runner] = None,
                 start: Optional[tuple[int, Machine]] = None, ledger: Optional["CheckpointLedger"] = None):
        self.config = config
        self.mode = mode
        self.trace = trace
        self.checkpoints: dict[int, Machine] = {}
        self.checkpoint_bytes = 0
        """Bytes of the checkpoints this timeline made (not those shared from ``base``)."""
        self._sizes: dict[int, int] = {}
        self.last_used = time.monotonic()
        self.limit = len(trace)
        """Steps that can be reached (less than the trace where an operation fails)."""
        self.error: Optional[StepError] = None
        """Why the trace stops at ``limit`` (None: it does not)."""
        self.runner = runner if runner is not None else (base.runner if base is not None else None)
        if base is not None:
            self.checkpoints = {k: m for k, m in base.checkpoints.items() if k <= shared}
            if base.limit < shared:
                self.limit, self.error = base.limit, base.error
        elif start is not None:
            self.checkpoints[start[0]] = start[1]
        else:
            boot = Machine(config, mode)
            boot.mem.budget = budget
            self.checkpoints[0] = boot
        self.every = every or (base.every if base is not None else
                               checkpoint_every(len(trace), machine_bytes(self.checkpoints[min(self.checkpoints)])))
        self.ledger = ledger or LEDGER
        self.ledger.register(self)

    def _keep(self, k: int, m: Machine) -> None:
        """Keep a clone of ``m`` as the checkpoint after ``k`` steps, within the budgets: past
        this timeline's, every other checkpoint goes and the distance doubles; past the
        server's, other timelines' checkpoints go (or, failing that, this one is not kept)."""
        size = machine_bytes(m)
        if size > CHECKPOINT_BYTES // 2:
            return  # one checkpoint would take half the budget: replaying is cheaper than holding it
        while self.checkpoint_bytes + size > CHECKPOINT_BYTES and len(self._sizes) >= 2:
            self.every *= 2
            cps = {c: v for c, v in self.checkpoints.items() if c % self.every == 0 or c not in self._sizes}
            for c in [c for c in self._sizes if c not in cps]:
                self.checkpoint_bytes -= self._sizes.pop(c)
            self.checkpoints = cps
            if k % self.every:
                return
        if self.checkpoint_bytes + size > CHECKPOINT_BYTES or not self.ledger.make_room(size, self):
            return
        cps = dict(self.checkpoints)
        cps[k] = m.clone()
        self.checkpoints = cps  # replaced, not changed: other threads may be reading the old dict
        self._sizes[k] = size
        self.checkpoint_bytes += size

    def drop_checkpoints(self) -> None:
        """Forget this timeline's own checkpoints but the boot state (the ledger's eviction)."""
        self.checkpoints = {c: v for c, v in self.checkpoints.items() if c == 0 or c not in self._sizes}
        self._sizes = {}
        self.checkpoint_bytes = 0

    def precompute(self, progress: Optional[Callable[[int, int], None]] = None) -> "Timeline":
        """Run the whole trace once on the bulk path, keeping a checkpoint every ``every`` steps
        (in a worker, through the runner, where that is more than :data:`INLINE_OPS` operations)."""
        top = max(self.checkpoints)
        if self.runner is not None and self.limit - top > INLINE_OPS:
            return self._precompute_elsewhere(top)
        m = self.checkpoints[top].clone()
        k = top
        while k < self.limit:
            stop = min(self.limit, (k // self.every + 1) * self.every)
            m = self._advance(m, k, stop)
            if m is None:
                break
            k = stop
            if k % self.every == 0:
                self._keep(k, m)
            if progress is not None:
                progress(k, self.limit)
        return self

    def _precompute_elsewhere(self, top: int) -> "Timeline":
        boot = self.checkpoints[top]
        try:
            got = self.runner(Task(_precomputed, (boot, top, self.trace, self.limit, self.every),
                                   label="timeline", reserve=_reserve(boot, MAX_CHECKPOINTS + 3)))
        except (JobError, MemoryError) as exc:
            self.limit, self.error = top, StepError.of(exc, f"operation {top + 1} onwards: ")
            return self
        sizes = got["sizes"]
        total = sum(sizes.values())
        if total and not self.ledger.make_room(total, self):
            sizes = {}
        cps = dict(self.checkpoints)
        cps.update({k: got["checkpoints"][k] for k in sizes})
        self.checkpoints, self._sizes, self.checkpoint_bytes = cps, dict(sizes), sum(sizes.values())
        self.every, self.limit, self.error = got["every"], got["limit"], got["error"]
        return self

    def _advance(self, m: Machine, start: int, stop: int) -> Optional[Machine]:
        """Run ops [start, stop) on ``m``; on failure note where the trace stops and return None.

        The bulk path keeps no record of where it failed, so the run goes in stretches of
        :data:`FIND_STRETCH` operations, and a stretch that could run out of frames (the machine's
        or its budget) starts from a clone kept for that case; the stretch that fails is then
        stepped through, with records, to name the operation."""
        k = start
        while k < stop:
            nxt = min(stop, k + FIND_STRETCH)
            keep = m.clone() if _headroom(m) < _frames_per_op(m) * (nxt - k) else None
            try:
                m.run_bulk(self.trace, k, nxt)
                k = nxt
                continue
            except Exception:  # noqa: BLE001 - found again below, step by step, and told by its kind
                m = keep if keep is not None else self._nearest(k)
            for i in range(k, nxt):
                try:
                    m.execute(self.trace[i], i)
                except Exception as exc:  # noqa: BLE001 - told by its kind (StepError.of)
                    self.limit = i
                    self.error = StepError.of(exc, f"operation {i + 1} ({self.trace[i].describe()}): ")
                    return None
            k = nxt  # pragma: no cover - the bulk path failed where stepping did not
        return m

    def _nearest(self, n: int) -> Machine:
        """A private clone of the machine after ``n`` steps (no record). A private timeline
        keeps the checkpoints it passes on the way."""
        self.last_used = time.monotonic()
        if self.released:  # idle, it gave its checkpoints back: used again, it makes them again
            self.released = False
            self.precompute()
        cps = self.checkpoints  # one dict: eviction may replace the attribute meanwhile
        k = max(c for c in cps if c <= n)
        if self.runner is not None and n - k > INLINE_OPS:
            try:
                return self.runner(Task(_replayed, (cps[k], self.trace, k, n), label="replay",
                                        reserve=_reserve(cps[k], 3)))
            except (JobError, MemoryError) as exc:
                raise StepError.of(exc) from None
        m = cps[k].clone()
        while k < n:
            stop = min(n, (k // self.every + 1) * self.every)
            m.run_bulk(self.trace, k, stop)
            k = stop
            if self.private and k % self.every == 0 and k not in self.checkpoints:
                self._keep(k, m)
        return m

    def state_at(self, n: int) -> tuple[Machine, Optional[Step]]:
        """The machine after ``n`` steps (a private clone) and the record of step ``n`` (the
        operation at index n-1); (boot state, None) for n = 0. Raises :class:`StepError` if an
        operation on the way fails."""
        n = max(0, min(n, self.limit))
        if n == 0:
            self.last_used = time.monotonic()
            return self.checkpoints[0].clone(), None
        try:
            m = self._nearest(n - 1)
            step = m.execute(self.trace[n - 1], n - 1)
        except Exception as exc:  # noqa: BLE001 - told by its kind
            raise StepError.of(exc) from None
        return m, step

    def records(self, first: int, last: int) -> list[Step]:
        """The records of steps ``first``..``last`` (1-based, inclusive)."""
        first, last = max(1, first), min(last, self.limit)
        if last < first:
            return []
        try:
            m = self._nearest(first - 1)
            return [m.execute(self.trace[i], i) for i in range(first - 1, last)]
        except Exception as exc:  # noqa: BLE001 - told by its kind
            raise StepError.of(exc) from None

    private = False
    """Whether this timeline belongs to one session (then it may add checkpoints as it goes)."""
    released = False
    """Whether it gave its checkpoints back for being idle (:meth:`CheckpointLedger.release_idle`)."""

    @property
    def over_budget(self) -> bool:
        """Whether it stops at what one session may use (not at the machine's end)."""
        return self.error is not None and self.error.kind == "budget"


def _headroom(m: Machine) -> int:
    """Frames ``m`` may still take: the machine's free ones, within its budget."""
    free = m.mem.free_count
    if m.mem.budget is not None:
        free = min(free, m.mem.budget - len(m.mem.pools.used))
    return free


def _frames_per_op(m: Machine) -> int:
    """At most about this many frames one operation takes: its page, guest tables on three
    levels, shadow or EPT tables — a whole 2 MiB block with large pages on."""
    c = m.config
    return 1024 if c.ept_large_pages or any(v.large_pages for v in c.vms) else 8


def _reserve(m: Machine, machines: int) -> int:
    """Address space a job that holds ``machines`` clones of ``m`` maps without using: a sparse
    image declares its whole size (see :func:`visualizer.engine.memory.new_image`)."""
    return m.mem.image.nbytes * machines if m.mem.image.nbytes >= SPARSE_MIN_BYTES else 0


def _precomputed(boot: Machine, top: int, trace: Trace, limit: int, every: int) -> dict:
    """In a worker: a timeline from ``boot`` (the state after ``top`` steps) precomputed to
    ``limit``; what the caller's timeline adopts (its checkpoints, where and why it stops)."""
    # a ledger of its own: the job holds one timeline (and must not evict the caller's)
    tl = Timeline(boot.config, boot.mode, trace, every=every, start=(top, boot),
                  ledger=CheckpointLedger(SERVER_CHECKPOINT_BYTES))
    tl.limit = limit
    tl.precompute(progress=lambda k, n: _report(k / max(1, n)))
    return {"checkpoints": {k: tl.checkpoints[k] for k in tl._sizes}, "sizes": tl._sizes, "every": tl.every,
            "limit": tl.limit, "error": tl.error}


def _replayed(m: Machine, trace: Trace, start: int, stop: int) -> Machine:
    """In a worker: a clone of ``m`` (the state after ``start`` steps) after ``stop`` steps."""
    m = m.clone()
    step = max(1, (stop - start) // 20)
    for k in range(start, stop, step):
        m.run_bulk(trace, k, min(stop, k + step))
        _report((k - start) / max(1, stop - start))
    return m


def _report(fraction: float) -> None:
    from ..executor import report_progress
    report_progress(fraction)


def insert_op(trace: Trace, at: int, op: Op) -> Trace:
    """``trace`` with ``op`` inserted before index ``at``."""
    def part(a: int, b: int) -> Trace:
        extras = {i - a: o for i, o in trace.extras.items() if a <= i < b}
        return Trace(trace.vm_names, trace.proc_names, trace.vm[a:b], trace.proc[a:b], trace.op[a:b],
                     trace.gva[a:b], trace.value[a:b], extras)
    return Trace.concat([part(0, at), Trace.from_ops([op]), part(at, len(trace))])


def scenario_key(scenario: Scenario) -> str:
    """A short digest naming a scenario's contents (its TOML text, else its trace)."""
    h = hashlib.sha1(scenario.name.encode())
    if scenario.source:
        h.update(scenario.source.encode())
    else:
        for col in (scenario.trace.vm, scenario.trace.proc, scenario.trace.op, scenario.trace.gva, scenario.trace.value):
            h.update(np.ascontiguousarray(col).tobytes())
        h.update(repr(scenario.config).encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class AccessForm:
    """What the "access now" form asks for, as typed."""

    vm: str
    process: str
    gva: str
    kind: str
    value: str = "0"


def parse_hex(text: str, limit: int) -> Optional[int]:
    """A hexadecimal number (``0x`` optional, ``_`` allowed) below ``limit``; None if it is not one."""
    s = (text or "").strip().lower().replace("_", "")
    if s.startswith("0x"):
        s = s[2:]
    if not s or len(s) > 16:
        return None
    try:
        v = int(s, 16)
    except ValueError:
        return None
    return v if 0 <= v < limit else None


def parse_access(form: AccessForm, config: MachineConfig) -> tuple[Optional[Op], Optional[str]]:
    """The operation the form describes, or (None, the i18n key of what is wrong)."""
    vms = {v.name: v for v in config.vms}
    if form.vm not in vms:
        return None, "err.engine"
    if form.process not in vms[form.vm].processes:
        return None, "err.engine"
    gva = parse_hex(form.gva, USER_TOP)
    if gva is None:
        return None, "err.gva"
    kind = {"read": OpKind.READ, "write": OpKind.WRITE}.get(form.kind)
    if kind is None:
        return None, "err.engine"
    value = 0
    if kind is OpKind.WRITE:
        v = parse_hex(form.value, 1 << 64)
        if v is None:
            return None, "err.value"
        value = v
    return Op(kind, form.vm, form.process, gva, value), None


class Neighbour:
    """What a :class:`Session` will look like one step forward or back (:meth:`Session.ahead`,
    :meth:`Session.behind`): the attributes the page draws from, for the session's own mode."""

    def __init__(self, s: "Session", step: int, machine: Machine, record: Optional[Step]):
        self.scenario, self.mode, self.inserted, self.total = s.scenario, s.mode, s.inserted, s.total
        self.trace = s.trace
        self.step = step
        self.machine, self.record = machine, record

    def key(self) -> tuple:
        return Session.key(self)

    def state_in(self, mode: Mode):
        if mode is not self.mode:
            raise ValueError("a neighbouring step is drawn in the session's own mode only")
        return self.machine, self.record


class Session:
    """One viewer's state on the step page.

    ``timeline_for(scenario, mode)`` returns the (shared, precomputed) timeline of a scenario's
    own trace in a mode; the app passes a cached factory, tests a plain one.
    """

    def __init__(self, scenario: Scenario, mode: Mode, timeline_for: Callable[[Scenario, Mode], Timeline],
                 ledger: Optional[MachineLedger] = None):
        self.scenario = scenario
        self.timeline_for = timeline_for
        self.mode = mode if mode in MODES else Mode.SHADOW
        self.inserted: list[tuple[int, Op]] = []
        """Accesses added with the form: (index in the trace, operation), in the order added."""
        self._lock = threading.RLock()
        """Held while the session moves (and while its machine comes back): the ledger passes a
        busy session over, so a machine is never let go between a move's machine and its step."""
        self._ledger = ledger or MACHINES
        self.held_bytes = 0
        """What the live machine holds (:func:`machine_bytes`; 0 while it is let go)."""
        self.last_used = time.monotonic()
        self._timeline = timeline_for(scenario, self.mode)
        self.step = 0
        self._machine: Optional[Machine] = None
        self.machine, self.record = self._timeline.state_at(0)

    # -- the live machine, within the server's budget (:class:`MachineLedger`) ----------------------
    @property
    def machine(self) -> Machine:
        """The machine after the current step (brought back from the timeline where the ledger
        let it go)."""
        m = self._machine
        if m is None:
            with self._lock:
                if self._machine is None:
                    self.machine = self._timeline.state_at(self.step)[0]
                m = self._machine
        return m

    @machine.setter
    def machine(self, m: Machine) -> None:
        self._machine = m
        self._noted()

    def _noted(self) -> None:
        self.last_used = time.monotonic()
        self.held_bytes = machine_bytes(self._machine) if self._machine is not None else 0
        self._ledger.note(self)

    def release_machine(self) -> int:
        """Let the live machine go (the ledger's eviction), unless the session is busy moving;
        the bytes it held."""
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            freed, self._machine, self.held_bytes = self.held_bytes, None, 0
            return freed
        finally:
            self._lock.release()

    # -- what is shown ------------------------------------------------------------------------
    @property
    def timeline(self) -> Timeline:
        return self._timeline

    @property
    def trace(self) -> Trace:
        return self._timeline.trace

    @property
    def total(self) -> int:
        """The last step that can be reached."""
        return self._timeline.limit

    def key(self) -> tuple:
        """Everything the view at this step depends on (for caches shared between viewers)."""
        return (scenario_key(self.scenario), self.mode.value, tuple((i, repr(o)) for i, o in self.inserted),
                self.step)

    # -- moving -------------------------------------------------------------------------------
    def goto(self, n: int) -> None:
        n = max(0, min(int(n), self.total))
        if n == self.step:
            return
        with self._lock:
            if n == self.step + 1:
                try:
                    self.record = self.machine.execute(self.trace[self.step], self.step)
                    self.step = n
                    self._noted()
                    return
                except Exception as exc:  # noqa: BLE001 - told by its kind
                    self.machine, self.record = self._timeline.state_at(self.step)
                    raise StepError.of(exc) from None
            machine, self.record = self._timeline.state_at(n)  # StepError leaves the session as it was
            self.step = n
            self.machine = machine

    def forward(self) -> None:
        self.goto(self.step + 1)

    def ahead(self) -> Optional[Neighbour]:
        """The session as :meth:`forward` will leave it, on a clone (this session does not move):
        the page draws the next step before the click and the browser shows it at once. None at
        the end, where the step fails, or where the machine is too large to clone at every step
        (:data:`AHEAD_BYTES`)."""
        if self.step >= self.total or machine_bytes(self.machine) > AHEAD_BYTES:
            return None
        m = self.machine.clone()
        try:
            record = m.execute(self.trace[self.step], self.step)
        except Exception:  # noqa: BLE001 - the click will meet it and say what it is
            return None
        return Neighbour(self, self.step + 1, m, record)

    def behind(self) -> Optional[Neighbour]:
        """The session as :meth:`back` will leave it (from the timeline, as :meth:`back` gets
        it); None at step 0, where that fails, or past :data:`AHEAD_BYTES`."""
        if self.step == 0 or machine_bytes(self.machine) > AHEAD_BYTES:
            return None
        try:
            machine, record = self._timeline.state_at(self.step - 1)
        except StepError:
            return None
        return Neighbour(self, self.step - 1, machine, record)

    def back(self) -> None:
        self.goto(self.step - 1)

    def reset(self) -> None:
        self.goto(0)

    def set_mode(self, mode: Mode) -> None:
        """Replay the same trace (with any added accesses) to the same step in ``mode``."""
        if mode not in MODES or mode is self.mode:
            return
        tl = self._build_timeline(mode)
        step = min(self.step, tl.limit)
        machine, record = tl.state_at(step)  # a StepError leaves the session as it was
        with self._lock:
            self.mode, self._timeline, self.record, self.step = mode, tl, record, step
            self.machine = machine

    def state_in(self, mode: Mode):
        """(machine, record) of the same trace at the current step in another ``mode`` (the
        side-by-side view); the other mode's timeline is kept until accesses are added."""
        if mode is self.mode:
            return self.machine, self.record
        key = (mode, len(self.inserted))
        cached = getattr(self, "_other", None)
        if cached is None or cached[0] != key:
            cached = (key, self._build_timeline(mode))
            self._other = cached
        tl = cached[1]
        return tl.state_at(min(self.step, tl.limit))

    def _build_timeline(self, mode: Mode) -> Timeline:
        tl = self.timeline_for(self.scenario, mode)
        for at, op in self.inserted:
            nxt = Timeline(tl.config, mode, insert_op(tl.trace, at, op), base=tl, shared=at)
            nxt.private = True
            tl = nxt
        return tl

    def add_access(self, op: Op) -> None:
        """Insert ``op`` after the current step and run it: it becomes the current step."""
        at = self.step
        tl = Timeline(self._timeline.config, self.mode, insert_op(self.trace, at, op), base=self._timeline, shared=at)
        tl.private = True
        with self._lock:
            try:
                record = self.machine.execute(op, at)
            except Exception as exc:  # noqa: BLE001 - told by its kind
                self.machine, self.record = self._timeline.state_at(self.step)
                raise StepError.of(exc) from None
            self._timeline = tl
            self.inserted.append((at, op))
            self.record = record
            self.step = at + 1
            self._noted()


