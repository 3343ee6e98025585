"""Seeded workload generators: traces of memory accesses with known shapes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .machine import OP_CODES, OpKind
from .trace import Trace

PAGE = 4096
R, W, X = (OP_CODES.index(k) for k in (OpKind.READ, OpKind.WRITE, OpKind.EXEC))
MAP, UNMAP, PROTECT = (OP_CODES.index(k) for k in (OpKind.MAP, OpKind.UNMAP, OpKind.PROTECT))
DEFAULT_BASE = 0x0000_0040_0000


@dataclass(frozen=True)
class Param:
    name: str
    default: object
    help: str


def _rw(rng, n, write_ratio):
    return np.where(rng.random(n) < write_ratio, W, R).astype(np.int8)


def _single(vm, process, pages_idx, offsets, ops, base, rng) -> Trace:
    n = len(ops)
    gva = (np.uint64(base) + pages_idx.astype(np.uint64) * np.uint64(PAGE) + offsets.astype(np.uint64))
    value = rng.integers(1, 1 << 32, n, dtype=np.uint64)
    return Trace([vm], [(vm, process)], np.zeros(n, np.int16), np.zeros(n, np.int32), ops, gva, value)


def sequential(rng, *, vm="VM1", process="p1", accesses=10000, pages=64, stride=64, write_ratio=0.3,
               base=DEFAULT_BASE) -> Trace:
    """Scan ``pages`` pages in order, ``stride`` bytes apart, wrapping around."""
    offs = (np.arange(accesses, dtype=np.int64) * stride) % (pages * PAGE)
    return _single(vm, process, offs // PAGE, (offs % PAGE) & ~7, _rw(rng, accesses, write_ratio), base, rng)


def uniform(rng, *, vm="VM1", process="p1", accesses=10000, pages=64, write_ratio=0.3,
            base=DEFAULT_BASE) -> Trace:
    """Uniformly random pages and offsets."""
    return _single(vm, process, rng.integers(0, pages, accesses), rng.integers(0, PAGE // 8, accesses) * 8,
                   _rw(rng, accesses, write_ratio), base, rng)


GENERATORS: dict[str, tuple[Callable[..., Trace], str]] = {
    "sequential": (sequential, "Scan pages in order (TLB-friendly: many accesses per page)."),
    "uniform": (uniform, "Uniformly random pages: TLB misses once the pages exceed the TLB's reach."),
}


def generate(kind: str, seed: int, **params) -> Trace:
    if kind not in GENERATORS:
        raise ValueError(f"unknown generator '{kind}' (known: {', '.join(sorted(GENERATORS))})")
    return GENERATORS[kind][0](np.random.default_rng(seed), **params)
