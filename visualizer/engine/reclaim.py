"""The host's memory reclamation when its VMs want more memory than it has: ESXi's policy, by the
host's free-memory state.

Sources: vSphere Resource Management ("Memory Reclamation"; vSphere 6 memory states); Waldspurger,
"Memory Resource Management in VMware ESX Server", OSDI 2002 (§3 ballooning, §4 content-based page
sharing, §6 the free-memory states); VMware KB 1021095 (the sharing scan: hints, full compares);
DOMAIN.md §7.

The host's **state** follows its free memory relative to ``minFree`` (each threshold the point
below which its actions start): at or above 100 % *high* (below 400 % the next sharing scan breaks
large pages), below 100 % *clear* (large pages broken, sharing active), below 64 % *soft* (also
ballooning), below 32 % *hard* (compression and swapping; ballooning stops), below 16 % *low*
(compression and swapping while the allocating VM waits). One operation of the trace is one tick
of the host's clock: every ``[reclaim] period`` operations the host makes a **pass** — it notes its
state, scans pages for sharing and does what the state calls for. An allocation that would take
free memory into the low state **blocks** the VM while the host reclaims.

A collaborator of :class:`~visualizer.engine.machine.Machine` (like the MMU and the VMM policy): it
decides *what* to reclaim and asks the VMM (:class:`~visualizer.engine.vmm.Vmm`) and the guests'
balloon drivers to do it.
"""
from __future__ import annotations

import copy
import hashlib
import math
import random
from bisect import bisect_left
from typing import TYPE_CHECKING, Optional

from .events import HostState, HostStateChange, PageState, ScanResult, ShareScan
from .ops import MINFREE_FRACTION
from .record import EpisodeKind, Reclaim, Record

if TYPE_CHECKING:
    from .machine import Machine, Vm

LARGE_BREAK = 4.0
"""Below 400 % of minFree the sharing scan breaks large pages (vSphere 6: the high state's threshold)."""
THRESHOLDS = ((HostState.HIGH, 1.0), (HostState.CLEAR, 0.64), (HostState.SOFT, 0.32), (HostState.HARD, 0.16))
"""A state holds at or above its fraction of minFree; below the last one the host is in the low state."""
_ORDER = {HostState.HIGH: 0, HostState.CLEAR: 1, HostState.SOFT: 2, HostState.HARD: 3, HostState.LOW: 4}
ACTIVE_SCAN = 2
"""From the clear state down the scan hashes this many times as many pages per pass ("share actively")."""


def page_hash(data: bytes) -> int:
    """A 64-bit hash of a page's contents (OSDI'02 §4.1: a 64-bit hash; here BLAKE2b)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


ZERO_HASH = page_hash(bytes(4096))


class Reclaimer:
    """The host's reclamation for one machine."""

    def __init__(self, machine: "Machine"):
        self.m = machine
        self.cfg = machine.config.reclaim
        pool = machine.mem.pools.guest_frames
        self.min_free = self.cfg.min_free or max(1, round(pool * MINFREE_FRACTION))
        """minFree in pages of the guest-backing pool."""
        self.rng = random.Random(machine.config.seed * 7919 + 17)
        """Which pages the scan hashes and which the host compresses or swaps: chosen at random, as
        ESXi does (the host cannot know what a guest uses)."""
        self.table: dict[tuple[str, int], tuple] = {}
        """The sharing table: (domain, hash) → ("hint", vm, gPPN) for a page seen once, or
        ("shared", MPN) for a shared page (OSDI'02 §4.1)."""
        self.host_cycles = 0
        """Cycles of the host's background work (hashing, compressing, writing swap) — no VM waits
        for them, so no VM's counters hold them."""
        self.busy = False
        self.margin = max(1, round(self.min_free / 10))
        """How far above a threshold free memory must rise to count as the better state."""
        self.state = self.state_for(machine.mem.guest_free)

    def copy_onto(self, machine: "Machine") -> "Reclaimer":
        c = copy.copy(self)
        c.m = machine
        c.rng = random.Random()
        c.rng.setstate(self.rng.getstate())
        c.table = dict(self.table)
        return c

    # -- the state ----------------------------------------------------------------------------------
    def state_for(self, free: int) -> HostState:
        r = free / self.min_free
        for state, fraction in THRESHOLDS:
            if r >= fraction:
                return state
        return HostState.LOW

    def threshold(self, state: HostState) -> float:
        """Free pages at or above which ``state`` (or a better one) holds."""
        return dict(THRESHOLDS).get(state, 0.0) * self.min_free

    def note_state(self, rec: Record) -> None:
        """Record a change of state. Free memory must rise a margin above a threshold before the
        host counts itself in the better state (ESXi too moves between states at an upper and a
        lower boundary, so that it does not flip at every page; the margin is the model's)."""
        free = self.m.mem.guest_free
        s = self.state_for(free)
        if s is self.state:
            return
        if _ORDER[s] < _ORDER[self.state]:  # better: only past the margin
            s = self.state_for(max(0, free - self.margin))
            if _ORDER[s] >= _ORDER[self.state]:
                return
        rec.append(HostStateChange(self.state, s, free, self.min_free))
        self.state = s

    # -- when it acts -------------------------------------------------------------------------------
    def after_step(self, rec: Record, index: int) -> None:
        """After an operation: a state change is recorded, and every ``period`` operations a pass."""
        if (index + 1) % self.cfg.period == 0:
            self.run_pass(rec)
        else:
            self.note_state(rec)

    def before_alloc(self, vm: "Vm", rec: Record) -> None:
        """Before a machine page is taken for ``vm``: where free memory is in the low band (or
        gone), the VM waits while the host compresses and swaps until it is out of it (an
        allocation never fails while anything is left to reclaim)."""
        if self.busy:
            return  # the host's own compressing and swapping takes no guest page
        free = self.m.mem.guest_free
        low = self.threshold(HostState.HARD)
        if free >= 1 and free >= low:
            return
        with rec.episode(EpisodeKind.RECLAIM, Reclaim.BLOCK, None):
            self.note_state(rec)
            self.compress_swap(max(math.floor(low) + 1 + self.margin, 2), rec, waiting=True)
            self.note_state(rec)

    def run_pass(self, rec: Record) -> None:
        m = self.m
        with rec.episode(EpisodeKind.RECLAIM, Reclaim.PASS):
            self.note_state(rec)
            self.share_scan(rec)
            state = self.state
            free = m.mem.guest_free
            if state is HostState.SOFT and self.cfg.balloon:
                self.balloon(math.ceil(self.threshold(HostState.HIGH)) - free, rec)
            elif free >= LARGE_BREAK * self.min_free and self.cfg.balloon:
                self.deflate(rec)
            if state in (HostState.HARD, HostState.LOW):
                self.compress_swap(math.ceil(self.threshold(HostState.SOFT)), rec)
            self.note_state(rec)

    # -- transparent page sharing ---------------------------------------------------------------------
    def _candidates(self) -> list[tuple["Vm", list[int]]]:
        """Per VM, its private pages that are not page tables (in VM order, then gPPN order: one
        pool, as :meth:`_pick` sees it)."""
        pools = []
        for vm in self.m.vms.values():
            gs = list(vm.pmap.private)
            for p in vm.guest.pt_pages:
                i = bisect_left(gs, p)
                if i < len(gs) and gs[i] == p:
                    del gs[i]
            pools.append((vm, gs))
        return pools

    def _pick(self, pools: list) -> Optional[tuple["Vm", int]]:
        """A page chosen uniformly from the pools, taken out of them."""
        total = sum(len(gs) for _vm, gs in pools)
        if not total:
            return None
        i = self.rng.randrange(total)
        for vm, gs in pools:
            if i < len(gs):
                return vm, gs.pop(i)
            i -= len(gs)
        raise AssertionError("unreachable")

    def share_scan(self, rec: Record) -> None:
        """Hash pages chosen at random; a page whose hash matches a hint's is compared in full and
        shared; a match with a shared page joins it; otherwise it becomes a hint. With salting
        (ESXi's default) a page is matched only within its own VM."""
        n = self.cfg.tps_scan_pages * (1 if self.state is HostState.HIGH else ACTIVE_SCAN)
        if n <= 0:
            return
        m = self.m
        pool = self._candidates()
        if not any(gs for _vm, gs in pool):
            return
        with rec.episode(EpisodeKind.RECLAIM, Reclaim.SHARE_SCAN):
            for _ in range(n):
                pick = self._pick(pool)
                if pick is None:
                    break
                vm, g = pick
                if vm.pmap.state[g] is not PageState.PRIVATE:  # shared by an earlier match in this pass
                    continue
                if vm.pmap.large and g >> 9 in vm.pmap.large:
                    if m.mem.guest_free >= LARGE_BREAK * self.min_free:
                        rec.append(ShareScan(vm.name, g, ScanResult.LARGE, 0))
                        continue
                    m.vmm._unlarge(vm, g, rec)  # below 400 %: break it, so its small pages can be shared
                self.host_cycles += m.costs.share_scan
                data = m.mem.page_bytes(vm.pmap.mpn[g])
                h = page_hash(data)
                key = (vm.name if self.cfg.tps_salting else "*", h)
                rec.append(self._match(vm, g, h, data, key, rec))

    def _match(self, vm: "Vm", g: int, h: int, data: bytes, key, rec: Record) -> ShareScan:
        m = self.m
        zero = h == ZERO_HASH
        entry = self.table.get(key)
        if entry is not None and entry[0] == "shared":
            mpn = entry[1]
            group = m.sharers.get(mpn)
            if group and m.mem.page_bytes(mpn) == data:
                ovm, og = min(group)
                m.vmm.share_pages(m.vms[ovm], og, vm, g, rec)
                return ShareScan(vm.name, g, ScanResult.ZERO if zero else ScanResult.SHARED, h, (ovm, og))
            entry = None  # the shared page is gone (every sharer broke away)
        if entry is not None:
            _, hv, hg = entry
            other = m.vms[hv]
            if (hv, hg) != (vm.name, g) and other.pmap.state[hg] is PageState.PRIVATE and \
                    m.mem.page_bytes(other.pmap.mpn[hg]) == data:
                mpn = m.vmm.share_pages(other, hg, vm, g, rec)
                self.table[key] = ("shared", mpn)
                return ShareScan(vm.name, g, ScanResult.ZERO if zero else ScanResult.SHARED, h, (hv, hg))
            if (hv, hg) != (vm.name, g):
                self.table[key] = ("hint", vm.name, g)
                return ShareScan(vm.name, g, ScanResult.STALE, h)
        self.table[key] = ("hint", vm.name, g)
        return ShareScan(vm.name, g, ScanResult.HINT, h)

    # -- ballooning -----------------------------------------------------------------------------------
    def _per_share(self, vm: "Vm") -> float:
        """Memory the VM holds per share: the more, the more the host reclaims from it (OSDI'02 §5)."""
        pm = vm.pmap
        held = pm.pages - pm.count(PageState.UNMAPPED) - pm.count(PageState.BALLOONED) - pm.count(PageState.SWAPPED)
        return held / max(1, vm.shares)

    def balloon(self, want: int, rec: Record) -> None:
        """Set balloon targets that free ``want`` pages, in proportion to memory per share, at most
        ``balloon_max_percent`` of a VM (Mem.CtlMaxPercent); each driver inflates a step toward it."""
        if want <= 0:
            return
        m = self.m
        vms = sorted(m.vms.values(), key=lambda v: (-self._per_share(v), v.name))
        weight = sum(self._per_share(v) for v in vms) or 1.0
        with rec.episode(EpisodeKind.RECLAIM, Reclaim.BALLOON):
            for vm in vms:
                cap = vm.pmap.pages * self.cfg.balloon_max_percent // 100 - len(vm.guest.balloon)
                n = min(cap, max(1, vm.pmap.pages // 8), math.ceil(want * self._per_share(vm) / weight))
                if n > 0:
                    self._guest_work(vm, rec, lambda sub, vm=vm, n=n: vm.guest.balloon_inflate(n, sub))

    def deflate(self, rec: Record) -> None:
        """Free memory is plentiful again: each balloon gives back a step of its pages."""
        vms = [vm for vm in self.m.vms.values() if vm.guest.balloon]
        if not vms:
            return
        with rec.episode(EpisodeKind.RECLAIM, Reclaim.BALLOON):
            for vm in vms:
                n = max(1, vm.pmap.pages // 8)
                self._guest_work(vm, rec, lambda sub, vm=vm, n=n: vm.guest.balloon_deflate(n, sub))

    def _guest_work(self, vm: "Vm", rec: Record, work) -> None:
        """Work the guest's balloon driver does in its VM: its cost (paging out to free frames)
        is that VM's, whatever operation the pass follows."""
        sub = rec.fresh()
        work(sub)
        self.m.counters[vm.name].fold(sub, False, count_op=False)
        rec.absorb(sub)

    # -- compression and swapping ---------------------------------------------------------------------
    def compress_swap(self, target: int, rec: Record, waiting: bool = False) -> None:
        """Compress, else swap, pages chosen at random from the VM with the most memory per share,
        until ``target`` pages are free. ``waiting``: a blocked VM waits for it (its cost), else it
        is the host's background work."""
        m = self.m
        costs = m.costs
        cfg = self.cfg
        self.busy = True
        try:
            self._compress_swap(target, rec, waiting, m, costs, cfg)
        finally:
            self.busy = False

    def _compress_swap(self, target, rec, waiting, m, costs, cfg) -> None:
        with rec.episode(EpisodeKind.RECLAIM, Reclaim.COMPRESS_SWAP):
            tries = 0
            while m.mem.guest_free < target and tries < 4 * target + 16:
                tries += 1
                pick = self._victim()
                if pick is None:
                    return
                vm, g = pick
                c = costs.compress if waiting else 0
                if cfg.compression and m.vmm.compress(vm, g, rec, c):
                    self.host_cycles += 0 if waiting else costs.compress
                    continue
                if not cfg.host_swap:
                    continue
                m.vmm.host_swap(vm, g, rec, costs.swap_out if waiting else 0)
                self.host_cycles += 0 if waiting else costs.swap_out

    def _victim(self) -> Optional[tuple["Vm", int]]:
        vms = sorted(self.m.vms.values(), key=lambda v: (-self._per_share(v), v.name))
        for vm in vms:
            pm = vm.pmap
            for _ in range(32):
                g = self.rng.randrange(pm.pages)
                if pm.state[g] is PageState.PRIVATE:
                    return vm, g
            private = [g for g in range(pm.pages) if pm.state[g] is PageState.PRIVATE]
            if private:
                return vm, private[self.rng.randrange(len(private))]
        return None
