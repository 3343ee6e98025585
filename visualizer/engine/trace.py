"""Traces: sequences of operations, stored column-wise in numpy so that a million accesses
take ~20 MB, not a million Python objects."""
from __future__ import annotations

from typing import Iterable, Optional, Sequence

import numpy as np

from .ops import OP_CODES, VMM_OPS, Op, OpKind

_CODE = {k: i for i, k in enumerate(OP_CODES)}
_NO_ADDRESS = (OpKind.SWITCH, OpKind.EXIT)
"""Operations on a whole address space: no gVA (the column holds 0)."""


class Trace:
    """Operations in columns: VM index, (VM, process) index, op code, gVA, value.

    Operations with more fields than the columns hold (``share``, ``swap_out`` by gPA, ``fork``
    with its child) are kept whole in ``extras``; a fork's child is listed in ``proc_names``
    too, so that the trace declares every process it uses.
    """

    def __init__(self, vm_names: Sequence[str], proc_names: Sequence[tuple[str, str]],
                 vm: np.ndarray, proc: np.ndarray, op: np.ndarray, gva: np.ndarray,
                 value: np.ndarray, extras: Optional[dict[int, Op]] = None):
        self.vm_names = list(vm_names)
        self.proc_names = list(proc_names)
        self.vm = vm.astype(np.uint16, copy=False)  # up to 65,535 VMs (16-bit VPID)
        self.proc = proc.astype(np.int32, copy=False)
        self.op = op.astype(np.int8, copy=False)
        self.gva = gva.astype(np.uint64, copy=False)
        self.value = value.astype(np.uint64, copy=False)
        self.extras = dict(extras or {})

    @classmethod
    def from_ops(cls, ops: Iterable[Op]) -> "Trace":
        ops = list(ops)
        n = len(ops)
        vm = np.zeros(n, np.uint16)
        proc = np.full(n, -1, np.int32)
        code = np.zeros(n, np.int8)
        gva = np.zeros(n, np.uint64)
        value = np.zeros(n, np.uint64)
        extras = {}
        vm_at: dict[str, int] = {}
        proc_at: dict[tuple[str, str], int] = {}
        for i, o in enumerate(ops):
            # dicts, not list.index: a scenario may name thousands of VMs and processes
            vm[i] = vm_at.setdefault(o.vm, len(vm_at))
            if o.process is not None:
                proc[i] = proc_at.setdefault((o.vm, o.process), len(proc_at))
            if o.child is not None:
                proc_at.setdefault((o.vm, o.child), len(proc_at))
            code[i] = _CODE[o.kind]
            gva[i] = o.gva or 0
            value[i] = o.value
            if o.kind in VMM_OPS or o.kind is OpKind.FORK or \
                    (o.gva is None and o.kind not in (OpKind.SWITCH, OpKind.EXIT)):
                extras[i] = o
        return cls(list(vm_at), list(proc_at), vm, proc, code, gva, value, extras)

    @classmethod
    def concat(cls, traces: Sequence["Trace"]) -> "Trace":
        ops_vm: list[str] = []
        ops_proc: list[tuple[str, str]] = []
        for t in traces:
            for v in t.vm_names:
                if v not in ops_vm:
                    ops_vm.append(v)
            for p in t.proc_names:
                if p not in ops_proc:
                    ops_proc.append(p)
        parts = {k: [] for k in ("vm", "proc", "op", "gva", "value")}
        extras: dict[int, Op] = {}
        offset = 0
        for t in traces:
            vmap = np.array([ops_vm.index(v) for v in t.vm_names] or [0], np.uint16)
            pmap = np.array([ops_proc.index(p) for p in t.proc_names] + [-1], np.int32)
            parts["vm"].append(vmap[t.vm])
            parts["proc"].append(pmap[t.proc])
            parts["op"].append(t.op)
            parts["gva"].append(t.gva)
            parts["value"].append(t.value)
            extras.update({offset + i: o for i, o in t.extras.items()})
            offset += len(t)
        return cls(ops_vm, ops_proc, *(np.concatenate(parts[k]) if parts[k] else np.zeros(0)
                                       for k in ("vm", "proc", "op", "gva", "value")), extras)

    def __len__(self) -> int:
        return len(self.op)

    def op_at(self, i: int, vm_i: int, proc_i: int, code: int, gva: int, value: int) -> Op:
        extra = self.extras.get(i)
        if extra is not None:
            return extra
        kind = OP_CODES[code]
        vm_name = self.vm_names[vm_i]
        process = self.proc_names[proc_i][1] if proc_i >= 0 else None
        return Op(kind, vm_name, process, None if kind in _NO_ADDRESS else int(gva), int(value))

    def __getitem__(self, i: int) -> Op:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.op_at(i, int(self.vm[i]), int(self.proc[i]), int(self.op[i]), int(self.gva[i]),
                          int(self.value[i]))

    def columns(self, start: int, stop: int):
        """Plain Python lists of the columns for ``[start, stop)`` (fast to index in a loop)."""
        return (self.vm[start:stop].tolist(), self.proc[start:stop].tolist(), self.op[start:stop].tolist(),
                self.gva[start:stop].tolist(), self.value[start:stop].tolist())

    def ops(self) -> list[Op]:
        return [self[i] for i in range(len(self))]
