"""Machine memory: one byte-addressable image shared by all VMs, and its frame allocator."""
from __future__ import annotations

import numpy as np

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
QWORDS_PER_PAGE = PAGE_SIZE // 8


class OutOfMemory(RuntimeError):
    """Machine memory has no free frame left (the scenario's machine is too small)."""


class MachineMemory:
    """Host RAM: ``frames`` 4 KiB machine pages in one numpy image.

    Frames are handed out in an order shuffled by ``seed``, so one VM's machine pages are
    scattered, as in the seed's figure (the underlying machine memory "is not necessarily
    contiguous"). ``q`` views the image as little-endian 64-bit words: ``q[ma >> 3]`` is the
    entry at machine address ``ma``.
    """

    def __init__(self, frames: int, seed: int = 0):
        if frames < 1:
            raise ValueError("machine memory needs at least one frame")
        self.frames = frames
        self.image = np.zeros(frames * PAGE_SIZE, dtype=np.uint8)
        self.q = memoryview(self.image).cast("Q")
        order = np.random.default_rng(seed).permutation(frames)
        # pop() takes from the end: reverse so the first frame handed out is order[0]
        self._free = [int(x) for x in order[::-1]]
        self._used: set[int] = set()

    def __deepcopy__(self, memo):
        clone = MachineMemory.__new__(MachineMemory)
        clone.frames = self.frames
        clone.image = self.image.copy()
        clone.q = memoryview(clone.image).cast("Q")
        clone._free = list(self._free)
        clone._used = set(self._used)
        memo[id(self)] = clone
        return clone

    def __getstate__(self):
        return {"frames": self.frames, "image": self.image, "free": self._free, "used": self._used}

    def __setstate__(self, state):
        self.frames = state["frames"]
        self.image = state["image"]
        self.q = memoryview(self.image).cast("Q")
        self._free = state["free"]
        self._used = state["used"]

    # -- allocator -------------------------------------------------------------------------
    def alloc(self) -> int:
        """Take a free frame (zeroed) and return its MPN."""
        if not self._free:
            raise OutOfMemory(f"machine memory exhausted: all {self.frames} frames in use")
        mpn = self._free.pop()
        self._used.add(mpn)
        return mpn

    def free(self, mpn: int) -> None:
        """Return a frame; it is zeroed so the next owner sees no stale data."""
        self._used.remove(mpn)
        self.zero(mpn)
        self._free.append(mpn)

    @property
    def free_count(self) -> int:
        return len(self._free)

    @property
    def used(self) -> frozenset[int]:
        return frozenset(self._used)

    # -- contents --------------------------------------------------------------------------
    def zero(self, mpn: int) -> None:
        self.image[mpn * PAGE_SIZE:(mpn + 1) * PAGE_SIZE] = 0

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
