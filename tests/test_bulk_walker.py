"""The bulk path's quick EPT reader (``bulk.ept_leaf``) is the one walker's answer, written out
for speed: on random EPT tables — every entry kind: missing upper levels, R/W/X combinations,
2 MiB and 1 GiB leaves — it gives the leaf ``paging.walk`` ends at wherever that walk ends in a
4 KiB leaf, and "not mine" (-1) wherever it does not, so the bulk path hands those accesses to the
recorded path."""
from __future__ import annotations

import numpy as np
import pytest

from helpers_invariants import scaled
from visualizer.engine.bulk import ept_leaf
from visualizer.engine.events import Access, Fault, Stage, Walker
from visualizer.engine.paging import EPT, EPT_MT_WB, EPT_PS, EPT_R, EPT_W, EPT_X, FRAME_MASK, walk

PAGES = 128


def random_ept(rng: np.random.Generator):
    img = np.zeros(PAGES * 4096, np.uint8)
    q = memoryview(img).cast("Q")  # as the machine's image is read: Python integers
    free = list(range(2, 48))
    gpas: list[int] = []

    def rights() -> int:
        r = 0
        for bit in (EPT_R, EPT_W, EPT_X):
            r |= bit if rng.random() < 0.75 else 0
        return r

    def fill(table: int, level: int, base: int):
        for idx in rng.choice(512, size=int(rng.integers(1, 5)), replace=False).tolist():
            gpa = base | (idx << (12 + 9 * (level - 1)))
            large = level in (2, 3) and rng.random() < 0.25
            if level == 1 or large:
                frame = int(rng.integers(48, PAGES)) << 12 if not large else 0
                q[table * 512 + idx] = frame | rights() | EPT_MT_WB | (EPT_PS if large else 0)
                gpas.extend(gpa | (int(rng.integers(0, 1 << (12 + 9 * (level - 1)))) & ~0xFFF) for _ in range(2))
            elif free:
                child = free.pop(int(rng.integers(len(free))))
                q[table * 512 + idx] = (child << 12) | rights()
                fill(child, level - 1, gpa)
                gpas.append(gpa)
    fill(1, 4, 0)
    gpas += [int(g) & ~0xFFF for g in rng.integers(0, 1 << 48, size=6)]
    return q, gpas


@pytest.mark.parametrize("seed", range(scaled(10)))
def test_ept_leaf_agrees_with_the_walker(seed):
    rng = np.random.default_rng(seed)
    agreed = declined = 0
    for q, gpa in ((q, g) for q, gpas in (random_ept(rng) for _ in range(4)) for g in gpas):
        r = walk(q, 1 << 12, gpa, Access.READ, EPT, Stage.NESTED, Walker.CPU, None, 0, user=False)
        e = ept_leaf(q, 1, gpa)
        if r.__class__ is not Fault and r.level == 1:
            assert e >= 0 and (e & FRAME_MASK) | (gpa & 0xFFF) == r.address
            agreed += 1
        elif r.__class__ is Fault and r.level == 1:
            # the walk reached a 4 KiB leaf that denies reading: the reader returns that leaf,
            # whose rights the bulk path checks (and declines)
            assert e >= 0 and not e & EPT_R
        else:
            # a fault above the leaf or a large leaf: the recorded path's
            assert e < 0 or not e & EPT.present
            declined += 1
    assert agreed and declined
