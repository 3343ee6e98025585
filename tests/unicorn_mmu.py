"""An independent x86-64 MMU for cross-checks: the unicorn CPU emulator (QEMU's TCG MMU).

Unicorn's ``UC_MODE_64`` starts with EFER.LME/LMA set and paging off (CR0 = PE|ET), so no GDT
dance is needed: writing CR4.PAE, EFER.NXE and then CR0.PG|WP turns 4-level paging on, and CR3
then points at real tables in the physical memory we map. ``ctl_set_tlb_mode(UC_TLB_CPU)`` makes
unicorn use the emulated CPU's own TLB and page walker (``mmu_translate`` in QEMU's
``target/i386``), which sets A/D bits in memory and raises #PF exactly as hardware would.

Physical memory: the image under test at address 0, plus four pages of our own at
:data:`EXTRA_PA` — a code page and the tables that map it at :data:`CODE_VA` (PML4 slot 511,
which the images under test never use: their gVAs are user addresses, slots 0…255). For each
probe the root table's slot 511 is pointed at our tables and restored afterwards.

Each probe runs one instruction on the gVA — ``mov rax, [rbx]`` (read), ``mov [rbx], rcx``
(write) or ``jmp rbx`` (execute) — at CPL 0, or at CPL 3 after a ``sysretq`` (which loads flat
user segments without a GDT). Memory hooks report the *physical* address the access reached;
an exception reaches the interrupt hook as its vector (14 = #PF) with CR2 set.

Unicorn quirks met on the way, and how this module avoids them:

* The error code of a #PF is not exposed (unicorn hands exceptions to the hook instead of
  delivering them through the IDT). Callers tell "not present" from "protection" by a second
  probe: a supervisor read succeeds exactly when every level is present.
* Without a context restore between probes, a #PF after an earlier #PF becomes a double fault
  (vector 8): QEMU's ``old_exception`` is only reset when an exception is delivered, which the
  hook prevents. Every probe therefore starts from a saved CPU context.
* ``emu_start(..., until=target)`` on a ``jmp`` raised #PF at addresses other than the target;
  an instruction fetch is detected with a code hook at the target instead.
* QEMU 5 (unicorn 2's base) translates a whole block ahead of execution: a fetch near the end
  of an executable page whose successor is not executable raised #PF for the *next* page
  (real hardware only faults on what it executes; later QEMU fixed this). For an execute probe
  the byte at the target is therefore made a ``ret`` (which ends the block) for the duration of
  the probe; its physical address comes from a supervisor read probe whose A-bit side effects
  are undone.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Optional

import numpy as np
from unicorn import UC_ARCH_X86, UC_HOOK_CODE, UC_HOOK_INTR, UC_HOOK_MEM_READ, UC_HOOK_MEM_WRITE, UC_MODE_64, \
    UC_TLB_CPU, Uc
from unicorn.x86_const import (UC_CPU_X86_HASWELL, UC_X86_REG_CR0, UC_X86_REG_CR2, UC_X86_REG_CR3,
                               UC_X86_REG_CR4, UC_X86_REG_R11, UC_X86_REG_RAX, UC_X86_REG_RBX, UC_X86_REG_RCX,
                               UC_X86_REG_RIP)

if not hasattr(Uc, "ctl_set_tlb_mode"):  # the CPU-TLB mode (a real MMU walk) came with unicorn 2.1
    raise ImportError("unicorn >= 2.1 is needed (Uc.ctl_set_tlb_mode)")

PAGE = 4096
EXTRA_PA = 1 << 36
"""Where our code page and its tables live in physical memory (above any image under test)."""
CODE_VA = 0xFFFF_FF80_0000_0000
"""PML4 slot 511, PDPT/PD/PT slot 0."""
ROOT_SLOT = 511

_P, _RW, _US = 1, 2, 4
_CR0_PG, _CR0_WP = 1 << 31, 1 << 16
_CR4_PAE = 1 << 5
_EFER = 0xC000_0080
_EFER_SCE, _EFER_NXE = 1, 1 << 11
_STAR = 0xC000_0081

# code page layout
_SYSRET = 0x00              # sysretq: to CPL 3 at RCX
_OPS = {"read": (0x10, bytes.fromhex("488b03")),    # mov rax, [rbx]
        "write": (0x20, bytes.fromhex("48890b")),   # mov [rbx], rcx
        "exec": (0x30, bytes.fromhex("ffe3"))}      # jmp rbx

VECTOR_PF = 14


@dataclass(frozen=True)
class Probe:
    """What one access did in unicorn."""

    ok: bool
    physical: Optional[int]
    """The physical address a read or write reached (None for a fault, and for exec)."""
    vector: Optional[int]
    """The exception vector (14 = #PF), None if the access completed."""
    cr2: Optional[int]
    value: Optional[int] = None
    """What a read loaded."""


class UnicornMmu:
    """Unicorn in 64-bit long mode with paging on, over a physical image given as bytes."""

    def __init__(self, image: np.ndarray):
        self.size = -(-len(image) // PAGE) * PAGE
        if self.size > EXTRA_PA:
            raise ValueError("image too large for the fixed layout")
        uc = Uc(UC_ARCH_X86, UC_MODE_64)
        uc.ctl_set_cpu_model(UC_CPU_X86_HASWELL)  # 1 GiB pages (pdpe1gb), NX
        uc.ctl_set_tlb_mode(UC_TLB_CPU)
        uc.mem_map(0, self.size)
        uc.mem_map(EXTRA_PA, 4 * PAGE)
        self.uc = uc
        self.load(image)
        code, pdpt, pd, pt = (EXTRA_PA + i * PAGE for i in range(4))
        for table, nxt in ((pdpt, pd), (pd, pt), (pt, code)):
            self._w64(table, nxt | _P | _RW | _US)  # user-accessible, executable: CPL 3 code runs
        self._root_entry = pdpt | _P | _RW | _US
        uc.mem_write(code + _SYSRET, bytes.fromhex("480f07"))
        for off, insn in _OPS.values():
            uc.mem_write(code + off, insn)
        uc.reg_write(UC_X86_REG_CR4, uc.reg_read(UC_X86_REG_CR4) | _CR4_PAE)
        uc.msr_write(_EFER, uc.msr_read(_EFER) | _EFER_NXE | _EFER_SCE)
        uc.msr_write(_STAR, (0x10 << 48) | (0x08 << 32))  # sysret: CS = 0x23, SS = 0x1b (RPL 3)
        uc.reg_write(UC_X86_REG_CR0, uc.reg_read(UC_X86_REG_CR0) | _CR0_PG | _CR0_WP)
        self._ctx = uc.context_save()
        self._vector: Optional[int] = None
        self._cr2: Optional[int] = None
        self._phys: Optional[int] = None
        self._stop_at: Optional[int] = None
        self._fetched = False
        uc.hook_add(UC_HOOK_INTR, self._on_intr)
        uc.hook_add(UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, self._on_mem)
        uc.hook_add(UC_HOOK_CODE, self._on_code)

    # -- memory ------------------------------------------------------------------------------
    def load(self, image: np.ndarray) -> None:
        data = np.zeros(self.size, np.uint8)
        data[:len(image)] = image
        self.uc.mem_write(0, data.tobytes())

    def image(self, length: Optional[int] = None) -> np.ndarray:
        return np.frombuffer(bytes(self.uc.mem_read(0, length or self.size)), dtype=np.uint8).copy()

    def _w64(self, pa: int, value: int) -> None:
        self.uc.mem_write(pa, struct.pack("<Q", value))

    def _r64(self, pa: int) -> int:
        return struct.unpack("<Q", self.uc.mem_read(pa, 8))[0]

    # -- hooks -------------------------------------------------------------------------------
    def _on_intr(self, uc, vector, _):
        self._vector = vector
        self._cr2 = uc.reg_read(UC_X86_REG_CR2)
        uc.emu_stop()

    def _on_mem(self, uc, access, address, size, value, _):
        self._phys = address

    def _on_code(self, uc, address, size, _):
        if address == self._stop_at:
            self._fetched = True
            uc.emu_stop()

    # -- one access --------------------------------------------------------------------------
    def access(self, cr3: int, va: int, kind: str, *, user: bool = True, value: int = 0) -> Probe:
        """Run one ``kind`` access ("read", "write", "exec") to ``va`` with tables at ``cr3``."""
        if kind != "exec":
            return self._run(cr3, va, kind, user, value)
        snapshot = bytes(self.uc.mem_read(0, self.size))
        target = self._run(cr3, va, "read", False, 0)
        self.uc.mem_write(0, snapshot)
        if not target.ok:
            return self._run(cr3, va, "exec", user, 0)  # faults at the target itself
        old = bytes(self.uc.mem_read(target.physical, 1))
        self.uc.mem_write(target.physical, b"\xc3")  # ret: the block ends at the target
        try:
            return self._run(cr3, va, "exec", user, 0)
        finally:
            self.uc.mem_write(target.physical, old)

    def _run(self, cr3: int, va: int, kind: str, user: bool, value: int) -> Probe:
        uc = self.uc
        root_slot = (cr3 & ~0xFFF) + 8 * ROOT_SLOT
        saved = self._r64(root_slot)
        self._w64(root_slot, self._root_entry)
        uc.context_restore(self._ctx)
        uc.reg_write(UC_X86_REG_CR3, cr3)  # also flushes unicorn's TLB
        off, insn = _OPS[kind]
        self._vector = self._cr2 = self._phys = None
        self._fetched = False
        self._stop_at = va if kind == "exec" else CODE_VA + off + len(insn)
        uc.reg_write(UC_X86_REG_RBX, va)
        uc.reg_write(UC_X86_REG_RAX, 0)
        try:
            if user:
                # sysretq: CPL 3 at RCX with flat user segments; then the access, RCX = value
                uc.reg_write(UC_X86_REG_RCX, CODE_VA + off)
                uc.reg_write(UC_X86_REG_R11, 0x2)
                uc.emu_start(CODE_VA + _SYSRET, 0, count=1)
                uc.reg_write(UC_X86_REG_RCX, value)
                uc.emu_start(uc.reg_read(UC_X86_REG_RIP), 0, count=3)
            else:
                uc.reg_write(UC_X86_REG_RCX, value)
                uc.emu_start(CODE_VA + off, 0, count=3)
        finally:
            self._w64(root_slot, saved)
        if self._vector is not None:
            return Probe(False, None, self._vector, self._cr2)
        if kind == "exec":
            if not self._fetched:
                raise AssertionError(f"unicorn neither fetched at 0x{va:x} nor faulted")
            return Probe(True, None, None, None)
        if self._phys is None:
            raise AssertionError(f"unicorn neither accessed 0x{va:x} nor faulted")
        return Probe(True, self._phys, None, None,
                     uc.reg_read(UC_X86_REG_RAX) if kind == "read" else None)
