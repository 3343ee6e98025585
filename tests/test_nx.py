"""No-execute: the guest maps data pages NX; the shadow and the TLB carry it; fetching from one
is a true guest fault in every mode."""
from __future__ import annotations

import pytest

from visualizer.engine import GuestActionKind, Mode, Op, OpKind
from visualizer.engine import Machine, MachineConfig, VmConfig
from visualizer.engine.paging import NX

CFG = MachineConfig(frames=256, vms=(VmConfig("VM1", 64, ("p1",)),), seed=3, tlb_entries=8, tlb_ways=2)
DATA, CODE = 0x400000, 0x500000


def run(mode: Mode, ops):
    m = Machine(CFG, mode)
    return m, [m.execute(op, i) for i, op in enumerate(ops)]


@pytest.mark.parametrize("mode", list(Mode))
def test_fetch_from_a_data_page_is_a_guest_fault_and_segv(mode):
    m, steps = run(mode, [Op(OpKind.WRITE, "VM1", "p1", DATA, 1), Op(OpKind.EXEC, "VM1", "p1", DATA)])
    gpa = m.views.guest_translate("VM1", "p1", DATA)
    pte = next(e for v, g, e in m.views.guest_mappings("VM1", "p1") if v == DATA >> 12)
    assert gpa is not None and pte & NX
    last = steps[-1]
    assert "guest-pf" in last.fault and "segv" in last.fault and last.ma is None
    assert any(ev.__class__.__name__ == "GuestAction" and ev.kind is GuestActionKind.SEGV for ev in last.events)


@pytest.mark.parametrize("mode", list(Mode))
def test_first_touch_by_a_fetch_maps_an_executable_page(mode):
    m, steps = run(mode, [Op(OpKind.EXEC, "VM1", "p1", CODE), Op(OpKind.READ, "VM1", "p1", CODE + 8),
                          Op(OpKind.EXEC, "VM1", "p1", CODE + 16)])
    pte = next(e for v, g, e in m.views.guest_mappings("VM1", "p1") if v == CODE >> 12)
    assert not pte & NX
    assert all("segv" not in s.fault for s in steps) and steps[-1].ma is not None


def test_shadow_leaf_and_tlb_carry_nx():
    m, _ = run(Mode.SHADOW, [Op(OpKind.WRITE, "VM1", "p1", DATA, 1), Op(OpKind.EXEC, "VM1", "p1", CODE),
                             Op(OpKind.READ, "VM1", "p1", DATA), Op(OpKind.READ, "VM1", "p1", CODE)])
    leaves = {gva: entry for _, gva, _, entry in m.shadow.leaves("VM1")}
    assert leaves[DATA] & NX and not leaves[CODE] & NX
    tlb = {gvpn: e for _, _, _, gvpn, e in m.tlb.contents()}
    assert not tlb[DATA >> 12].executable and tlb[CODE >> 12].executable
