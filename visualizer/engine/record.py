"""A step's record as the engine makes it: the ordered events, grouped into episodes.

An *episode* is a run of events that belong together because one actor did them for one reason
— one page walk, one VM exit and what the VMM did before it re-entered the guest, one #PF and
the guest's handler, one job of the guest kernel, one VMM operation. The engine opens and closes
episodes where the work happens (as KVM's tracepoints say what happened where it happens), so
no reader has to guess from a flat list which events go together: the narration tells episodes
in the order they began, cycles by cause and the exercises read the same records.

Episodes nest: a guest #PF handler may zero a page the VMM has not backed yet, so an EPT
violation (an exit episode) sits inside the handler's episode.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from enum import Enum
from typing import Optional


class EpisodeKind(Enum):
    """What kind of work an episode is; its ``reason`` says why it happened."""

    WALK = "walk"
    """One page walk: its references, the MMU-cache hits that spared others, the A/D updates.
    ``reason``: the :class:`~.events.Walker` (the CPU, or the VMM in software)."""
    VM_EXIT = "vm-exit"
    """The CPU leaves the guest, the VMM handles the exit, the CPU enters the guest again.
    ``reason``: the :class:`~.events.ExitReason`."""
    GUEST_FAULT = "guest-fault"
    """A #PF delivered to the guest (directly, or reflected by the VMM) and its handler's work.
    ``reason``: the :class:`~.events.FaultKind`."""
    GUEST_WORK = "guest-work"
    """One job of the guest kernel. ``reason``: the :class:`GuestWork`."""
    VMM_WORK = "vmm-work"
    """A VMM operation on guest-physical memory (sharing, swapping). ``reason``: the
    :class:`~.ops.OpKind`."""
    RECLAIM = "reclaim"
    """The host reclaiming memory. ``reason``: the :class:`Reclaim` step."""


class GuestWork(Enum):
    """The guest kernel's jobs, each one episode."""

    DEMAND_ZERO = "demand-zero"
    """The #PF handler builds the missing tables and maps a zeroed frame (or a 2 MiB page)."""
    MAP = "map"
    """An explicit map: as demand-zero, without a fault."""
    UNMAP = "unmap"
    """Clear a PTE (the frame is freed after the TLB flush)."""
    PROTECT = "protect"
    """Make a page read-only."""
    COPY_ON_WRITE = "copy-on-write"
    """A write to a page shared after fork: copy it to a new frame (Linux ``wp_page_copy``) or,
    for the last sharer, make it writable again (``wp_page_reuse``)."""
    SPLIT_2M = "split-2m"
    """Split a 2 MiB page into a page table of 512 PTEs (Linux ``split_huge_pmd``)."""
    FORK = "fork"
    """Copy the parent's PTEs into the child, write-protected in both."""
    TEARDOWN = "teardown"
    """Clear every entry of an exiting process's address space."""
    RELEASE = "release"
    """Free the frames and tables no PTE maps any more (after the TLB flush)."""
    CR3_LOAD = "cr3-load"
    """Load CR3: switch to another process's address space."""
    FLUSH_MM = "flush-mm"
    """Flush one address space (a CR3 reload without the PCID no-flush bit)."""
    INVLPG = "invlpg"
    """Invalidate one page's TLB entry."""
    PAGE_OUT = "page-out"
    """Page one of its own pages out to its virtual disk to free a frame."""
    SWAP_IN = "swap-in"
    """The #PF handler reads a page back from the virtual disk."""
    BALLOON = "balloon"
    """The balloon driver inflates (pins frames for the VMM) or deflates."""


class Reclaim(Enum):
    """The host's reclamation, each step one episode (vSphere 6 memory states; OSDI'02)."""

    PASS = "pass"
    """The periodic pass: the host state, then what that state calls for."""
    SHARE_SCAN = "share-scan"
    """Transparent page sharing: hash pages, share those that match."""
    BALLOON = "balloon"
    """Ballooning: the host sets balloon targets; the drivers inflate or deflate."""
    COMPRESS_SWAP = "compress-swap"
    """Compression and swapping of pages chosen at random (the host cannot know what a guest uses)."""
    BLOCK = "block"
    """Low state: the VM that allocates waits while the host reclaims."""


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode: events ``start`` up to (not including) ``end`` of the step's events."""

    kind: EpisodeKind
    reason: Enum
    """Why it happened (typed per kind, see :class:`EpisodeKind`)."""
    start: int
    end: int
    depth: int
    """0 for an episode of the step itself, 1 for one inside another, …"""
    parent: int
    """Index of the enclosing episode in the step's episodes (-1: none)."""
    address: Optional[int] = None
    """The address concerned, where there is one (the gVA of a walk or a fault, the gPA of an
    EPT violation)."""

    def holds(self, index: int) -> bool:
        return self.start <= index < self.end


class Record(list):
    """The events of one step as they are made (a list: records are appended), and the episodes
    that group them. ``begin``/``end`` (or ``with record.episode(...)``) bracket an episode."""

    __slots__ = ("_eps", "_open")

    def __init__(self):
        super().__init__()
        self._eps: list[list] = []
        self._open: list[int] = []

    def begin(self, kind: EpisodeKind, reason: Enum, address: Optional[int] = None) -> int:
        parent = self._open[-1] if self._open else -1
        self._eps.append([kind, reason, len(self), -1, len(self._open), parent, address])
        token = len(self._eps) - 1
        self._open.append(token)
        return token

    def end(self, token: int) -> None:
        self._eps[token][3] = len(self)
        # close it (and anything left open inside it: an episode ends where its parent ends)
        while self._open:
            t = self._open.pop()
            if self._eps[t][3] < 0:
                self._eps[t][3] = len(self)
            if t == token:
                break

    def episode(self, kind: EpisodeKind, reason: Enum, address: Optional[int] = None) -> "_Bracket":
        return _Bracket(self, kind, reason, address)

    def absorb(self, other: "Record") -> None:
        """Append ``other``'s events and episodes (made separately, e.g. a walk whose result
        decided what episode it belongs to) as if they had been made here."""
        base, ebase, depth = len(self), len(self._eps), len(self._open)
        outer = self._open[-1] if self._open else -1
        self.extend(other)
        for kind, reason, start, end, d, parent, address in other._eps:
            self._eps.append([kind, reason, start + base, (end if end >= 0 else len(other)) + base, d + depth,
                              parent + ebase if parent >= 0 else outer, address])

    def episodes(self) -> tuple[Episode, ...]:
        n = len(self)
        return tuple(Episode(kind, reason, start, end if end >= 0 else n, depth, parent, address)
                     for kind, reason, start, end, depth, parent, address in self._eps)

    def fresh(self) -> "Record":
        """An empty record of the same kind (for events made apart, then added with :meth:`absorb`)."""
        return type(self)()


class QuietRecord(Record):
    """The events of one step without their episodes: the bulk path folds the events into the
    counters and drops them (:meth:`Machine.execute_quietly
    <visualizer.engine.machine.Machine.execute_quietly>`), so grouping them would be work for
    nothing. Same events, in the same order, as a :class:`Record` of the same step."""

    __slots__ = ()

    def begin(self, kind: EpisodeKind, reason: Enum, address: Optional[int] = None) -> int:
        return -1

    def end(self, token: int) -> None:
        pass

    def episode(self, kind: EpisodeKind, reason: Enum, address: Optional[int] = None) -> "nullcontext[int]":
        return _NO_BRACKET

    def absorb(self, other: "Record") -> None:
        self.extend(other)

    def episodes(self) -> tuple[Episode, ...]:
        return ()


class _Bracket:
    __slots__ = ("record", "args", "token")

    def __init__(self, record: Record, kind, reason, address):
        self.record = record
        self.args = (kind, reason, address)
        self.token = -1

    def __enter__(self) -> int:
        self.token = self.record.begin(*self.args)
        return self.token

    def __exit__(self, *exc) -> None:
        self.record.end(self.token)


_NO_BRACKET = nullcontext(-1)
"""``with record.episode(...)`` of a :class:`QuietRecord`: nothing to bracket (gives the token -1)."""


def top_level(episodes: tuple[Episode, ...]) -> tuple[Episode, ...]:
    return tuple(e for e in episodes if e.depth == 0)


def children(episodes: tuple[Episode, ...], index: int) -> tuple[Episode, ...]:
    """The episodes directly inside episode ``index``."""
    return tuple(e for e in episodes if e.parent == index)
