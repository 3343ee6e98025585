"""Machine memory: one byte-addressable image shared by all VMs, and its frame allocator.

Two pools (:class:`FramePools`): guest backing (the pmap's machine pages) from the low frames,
the VMM's own table frames (shadow tables, EPT tables) from the top :func:`vmm_pool_frames`
frames — a hypervisor's own memory is separate from the memory backing its guests. So a guest
data page gets the same machine address whatever tables the mode builds beside it.
"""
from __future__ import annotations

import mmap
import sys
from array import array
from typing import Optional

import numpy as np

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
QWORDS_PER_PAGE = PAGE_SIZE // 8
BLOCK_FRAMES = 512
"""4 KiB frames in a 2 MiB block (a large page)."""


def vmm_pool_frames(frames: int) -> int:
    """Frames reserved for the VMM's own tables: one eighth of machine memory, at least 16
    frames, at most half of it. (Teaching machines are tiny, so tables weigh a lot; a cold
    EPT needs about 1/512 of guest memory plus 3 pages per VM, shadow tables about as many per
    cached root as the guest has tables.)"""
    return min(frames // 2, max(16, frames // 8))


def _frames(mpns: np.ndarray) -> array:
    """Frame numbers as an array of machine integers (see :attr:`FramePools.free`)."""
    out = array("q")
    out.frombytes(np.ascontiguousarray(mpns, dtype=np.int64).tobytes())
    return out


class FramePools:
    """The allocation policy (not the storage): which frame the next ``alloc`` returns.

    - **Guest pool**, frames ``0 … guest_frames-1``: in 2 MiB blocks. 4 KiB frames come from one
      block at a time, blocks opened in an order shuffled by the seed and the frames of a block
      in a shuffled order (so one VM's pages are scattered, as in the seed's figure); a freed
      frame is reused first (LIFO). Blocks never opened stay whole, so :meth:`alloc_block` finds
      an aligned 2 MiB block for a large backing while one is left (taken from the other end of
      the block order).
    - **VMM pool**, the top ``vmm_frames`` frames, shuffled too, for shadow and EPT tables.

    A pool that runs dry borrows from the other (then addresses are no longer independent of
    the mode; no built-in gets there). Deterministic: same seed, same sequence of calls, same
    frames.
    """

    def __init__(self, frames: int, seed: int):
        self.frames = frames
        self.seed = seed
        self.vmm_frames = vmm_pool_frames(frames) if frames > 1 else 0
        self.guest_frames = frames - self.vmm_frames
        nblocks = -(-self.guest_frames // BLOCK_FRAMES)
        rng = np.random.default_rng(seed)
        # pop() takes from the end: reversed so that order[0] comes first
        self.blocks = [int(b) for b in rng.permutation(nblocks)[::-1]]
        """Guest blocks never opened (4 KiB allocations pop from the end, 2 MiB ones from the start)."""
        self.untouched = self.guest_frames
        """Frames in never-opened blocks."""
        self.free = array("q")
        """Guest-pool frames free for 4 KiB allocation (LIFO). The free lists are arrays of
        machine integers, not lists of Python ints: a 4 GiB machine's VMM pool is 130,556 frames,
        and as a list it was as many objects in every machine, clone and checkpoint (4.7 MB each,
        and a fragmented heap after they went)."""
        self.vmm_free = _frames(rng.permutation(self.vmm_frames)[::-1] + self.guest_frames)
        self.used: set[int] = set()
        self.large: set[int] = set()
        """First MPN of each 2 MiB block handed out whole."""

    def copy(self) -> "FramePools":
        c = FramePools.__new__(FramePools)
        c.__dict__.update(self.__dict__)
        c.blocks, c.free, c.vmm_free = list(self.blocks), self.free[:], self.vmm_free[:]
        c.used, c.large = set(self.used), set(self.large)
        return c

    def _block_frames(self, b: int) -> int:
        return min(BLOCK_FRAMES, self.guest_frames - b * BLOCK_FRAMES)

    def _open_block(self) -> bool:
        if not self.blocks:
            return False
        b = self.blocks.pop()
        n = self._block_frames(b)
        self.untouched -= n
        order = np.random.default_rng((self.seed, b)).permutation(n)
        self.free.extend(_frames(order[::-1] + b * BLOCK_FRAMES))
        return True

    def alloc(self, vmm: bool) -> Optional[int]:
        if vmm and self.vmm_free:
            mpn = self.vmm_free.pop()
        elif self.free or self._open_block():
            mpn = self.free.pop()
        elif self.vmm_free:
            mpn = self.vmm_free.pop()
        else:
            return None
        self.used.add(mpn)
        return mpn

    def release(self, mpn: int) -> None:
        self.used.remove(mpn)
        (self.vmm_free if mpn >= self.guest_frames else self.free).append(mpn)

    def alloc_block(self) -> Optional[int]:
        """A whole, aligned 2 MiB block of the guest pool (its first MPN), or None."""
        for i, b in enumerate(self.blocks):
            if self._block_frames(b) == BLOCK_FRAMES:
                del self.blocks[i]
                self.untouched -= BLOCK_FRAMES
                base = b * BLOCK_FRAMES
                self.large.add(base)
                self.used.update(range(base, base + BLOCK_FRAMES))
                return base
        return None

    def split_block(self, base: int) -> None:
        """A 2 MiB block handed out whole becomes 512 frames, each freed on its own."""
        self.large.remove(base)

    def release_block(self, base: int) -> None:
        self.large.remove(base)
        self.used.difference_update(range(base, base + BLOCK_FRAMES))
        self.blocks.insert(0, base // BLOCK_FRAMES)
        self.untouched += BLOCK_FRAMES

    @property
    def free_count(self) -> int:
        return len(self.free) + len(self.vmm_free) + self.untouched

    @property
    def guest_free(self) -> int:
        """Free frames of the guest-backing pool (what the host's memory state is measured by)."""
        return len(self.free) + self.untouched


SPARSE_MIN_BYTES = 1 << 20
"""Images at least this large are held sparsely (see :func:`new_image`)."""


_MAP_NORESERVE = getattr(mmap, "MAP_NORESERVE", 0x4000 if sys.platform.startswith("linux") else 0)
"""Python's mmap module names MAP_NORESERVE only from 3.13; without it a 4 GiB image counts in
full against the kernel's commit limit (and a fork of the server — Compare's workers — fails)."""


def new_image(frames: int) -> np.ndarray:
    """A zeroed machine image of ``frames`` frames whose memory follows the frames written.

    Small images are plain numpy arrays. From :data:`SPARSE_MIN_BYTES` on the image is an
    anonymous private mapping the kernel fills lazily (``MAP_NORESERVE``: a 4 GiB machine
    reserves no RAM or swap) with transparent huge pages off (numpy asks for them on large
    arrays, and one write to a scattered frame would then commit 2 MiB instead of 4 KiB): the
    host pays 4 KiB per frame written, not per frame declared. ``q`` and the slices the engine
    uses work the same on both."""
    size = frames * PAGE_SIZE
    if size < SPARSE_MIN_BYTES:
        return np.zeros(size, dtype=np.uint8)
    m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | _MAP_NORESERVE)
    if hasattr(mmap, "MADV_NOHUGEPAGE"):
        m.madvise(mmap.MADV_NOHUGEPAGE)
    return np.frombuffer(m, dtype=np.uint8)


def copy_image(image: np.ndarray, used) -> np.ndarray:
    """A copy of ``image`` for a clone: small images whole; a sparse image copies only the
    frames in ``used`` (a freed frame is zeroed, so the others hold nothing)."""
    if image.nbytes < SPARSE_MIN_BYTES:
        return image.copy()
    out = new_image(image.nbytes // PAGE_SIZE)
    if used:
        idx = np.fromiter(used, np.int64, len(used))
        out.reshape(-1, PAGE_SIZE)[idx] = image.reshape(-1, PAGE_SIZE)[idx]
    return out


_MADV_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)


def _mapping(image: np.ndarray) -> Optional[mmap.mmap]:
    """The anonymous mapping under a sparse image (None for a plain array)."""
    base = image.base
    obj = getattr(base, "obj", None)
    return obj if isinstance(obj, mmap.mmap) else None


class OutOfMemory(RuntimeError):
    """Machine memory has no free frame left (the scenario's machine is too small)."""


class MemoryBudgetExceeded(OutOfMemory):
    """The run would hold more frames than the budget its machine was given (a class server
    gives each session's machines one): the machine has free frames, the host will not back
    them. The run stops at the operation that asks for the frame past the budget."""

    def __init__(self, budget: int):
        super().__init__(f"the run needs more than {budget:,} machine frames "
                         f"({budget * PAGE_SIZE >> 20} MiB) in use, the budget this machine was given")
        self.budget = budget


class MachineMemory:
    """Host RAM: ``frames`` 4 KiB machine pages in one numpy image.

    Frames are handed out in an order shuffled by ``seed``, so one VM's machine pages are
    scattered, as in the seed's figure (the underlying machine memory "is not necessarily
    contiguous"); guest backing and the VMM's tables come from separate pools
    (:class:`FramePools`). ``q`` views the image as little-endian 64-bit words: ``q[ma >> 3]`` is the
    entry at machine address ``ma``.
    """

    def __init__(self, frames: int, seed: int = 0):
        if frames < 1:
            raise ValueError("machine memory needs at least one frame")
        self.frames = frames
        self.image = new_image(frames)
        self.q = memoryview(self.image).cast("Q")
        self.pools = FramePools(frames, seed)
        self.budget: Optional[int] = None
        """Frames that may be in use at once (None: all of them). The host backs a sparse image
        only where it is written, so frames in use are what a run costs the host."""

    def __deepcopy__(self, memo):
        clone = MachineMemory.__new__(MachineMemory)
        clone.frames = self.frames
        clone.image = copy_image(self.image, self.pools.used)
        clone.q = memoryview(clone.image).cast("Q")
        clone.pools = self.pools.copy()
        clone.budget = self.budget
        memo[id(self)] = clone
        return clone

    def __getstate__(self):
        # only the frames in use hold data (freed frames are zeroed): pickle those
        idx = np.fromiter(sorted(self.pools.used), np.int64, len(self.pools.used))
        return {"frames": self.frames, "pages": (idx, self.image.reshape(-1, PAGE_SIZE)[idx]), "pools": self.pools,
                "budget": self.budget}

    def __setstate__(self, state):
        self.frames = state["frames"]
        self.image = new_image(self.frames)
        idx, pages = state["pages"]
        self.image.reshape(-1, PAGE_SIZE)[idx] = pages
        self.q = memoryview(self.image).cast("Q")
        self.pools = state["pools"]
        self.budget = state.get("budget")

    # -- allocator -------------------------------------------------------------------------
    def alloc(self, vmm: bool = False) -> int:
        """Take a free frame (zeroed) and return its MPN: guest backing, or (``vmm``) a frame
        for the VMM's own tables."""
        if self.budget is not None and len(self.pools.used) >= self.budget:
            raise MemoryBudgetExceeded(self.budget)
        mpn = self.pools.alloc(vmm)
        if mpn is None:
            raise OutOfMemory(f"machine memory exhausted: all {self.frames} frames in use")
        return mpn

    def free(self, mpn: int) -> None:
        """Return a frame; it is zeroed so the next owner sees no stale data."""
        self.pools.release(mpn)
        self.zero(mpn)

    def alloc_large(self) -> Optional[int]:
        """An aligned 2 MiB block (zeroed) for a large backing: its first MPN, or None."""
        if self.budget is not None and len(self.pools.used) + BLOCK_FRAMES > self.budget:
            raise MemoryBudgetExceeded(self.budget)
        return self.pools.alloc_block()

    def split_large(self, base: int) -> None:
        """The large backing at ``base`` is split: its frames are freed one by one from now on."""
        self.pools.split_block(base)

    def free_large(self, base: int) -> None:
        self.pools.release_block(base)
        self._zero(base * PAGE_SIZE, BLOCK_FRAMES * PAGE_SIZE)

    @property
    def free_count(self) -> int:
        return self.pools.free_count

    @property
    def guest_free(self) -> int:
        return self.pools.guest_free

    @property
    def used(self) -> frozenset[int]:
        return frozenset(self.pools.used)

    # -- contents --------------------------------------------------------------------------
    def zero(self, mpn: int) -> None:
        self._zero(mpn * PAGE_SIZE, PAGE_SIZE)

    def _zero(self, start: int, length: int) -> None:
        """Zero bytes ``start`` … ``start + length`` (page-aligned). In a sparse image the pages
        go back to the host (the next read sees zeros, the next write gets a fresh page), so the
        host backs the frames in use, not every frame ever written."""
        m = _mapping(self.image)
        if m is not None and _MADV_DONTNEED is not None:
            m.madvise(_MADV_DONTNEED, start, length)
        else:
            self.image[start:start + length] = 0

    def copy_page(self, src_mpn: int, dst_mpn: int) -> None:
        self.image[dst_mpn * PAGE_SIZE:(dst_mpn + 1) * PAGE_SIZE] = \
            self.image[src_mpn * PAGE_SIZE:(src_mpn + 1) * PAGE_SIZE]

    def page_bytes(self, mpn: int) -> bytes:
        return self.image[mpn * PAGE_SIZE:(mpn + 1) * PAGE_SIZE].tobytes()

    def load_page(self, mpn: int, data: bytes) -> None:
        self.image[mpn * PAGE_SIZE:(mpn + 1) * PAGE_SIZE] = np.frombuffer(data, dtype=np.uint8)

    def pages_equal(self, a: int, b: int) -> bool:
        return bool(np.array_equal(self.image[a * PAGE_SIZE:(a + 1) * PAGE_SIZE],
                                   self.image[b * PAGE_SIZE:(b + 1) * PAGE_SIZE]))

    def read_u64(self, ma: int) -> int:
        return self.q[ma >> 3]
