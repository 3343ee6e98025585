"""Issue 9.3: a guest page lives at the same machine address in every mode at the same step.

The VMM's own tables (shadow, EPT) come from a separate pool of machine memory, so building
them does not move guest backing. Native mode has no VMM: it refuses ``share`` and
``swap_out`` and its host does not reclaim, so it is compared up to the first of those.
"""
from __future__ import annotations

import pytest

from visualizer.engine.builtins import builtin, builtin_names
from visualizer.engine.machine import Machine
from visualizer.engine.memory import MachineMemory, vmm_pool_frames
from visualizer.engine.ops import Mode, OpKind
from visualizer.engine.pmap import NO_MPN
from visualizer.engine.record import EpisodeKind, Reclaim


def _backing(m: Machine) -> dict:
    return {(vm.name, g): (vm.pmap.state[g], mpn) for vm in m.vms.values()
            for g, mpn in enumerate(vm.pmap.mpn) if mpn != NO_MPN}


def _data_mas(m: Machine) -> dict:
    """Every mapped user page's MA, found by walking the guest tables: (vm, process, gVA) → MA."""
    out = {}
    for vm in m.vms.values():
        for proc in vm.guest.processes.values():
            for gvpn, gppn, _pte in m.views.guest_mappings(vm.name, proc.name):
                out[(vm.name, proc.name, gvpn)] = m.views.vmm_mpn(vm.name, gppn)
    return out


def _ept_large(sc) -> bool:
    return bool(getattr(sc.config, "ept_large_pages", False))


@pytest.mark.parametrize("name", builtin_names())
def test_same_machine_address_in_every_mode_at_every_step(name):
    sc = builtin(name)
    if _ept_large(sc):
        pytest.skip("EPT large pages: the nested backing differs by design")
    machines = {mode: Machine(sc.config, mode) for mode in Mode}
    native_comparable = True
    for i, op in enumerate(sc.trace):
        steps = {mode: m.execute(op) for mode, m in machines.items()}
        if op.kind in (OpKind.SHARE, OpKind.SWAP_OUT) or any(
                e.kind is EpisodeKind.RECLAIM and e.reason is not Reclaim.PASS
                for mode in (Mode.SHADOW, Mode.NESTED) for e in steps[mode].episodes):
            native_comparable = False  # the host reclaimed: it has no VMM to do that for native
        shadow, nested = _backing(machines[Mode.SHADOW]), _backing(machines[Mode.NESTED])
        assert shadow == nested, f"{name} step {i}: guest backing differs between shadow and nested"
        assert _data_mas(machines[Mode.SHADOW]) == _data_mas(machines[Mode.NESTED])
        if native_comparable:
            assert _backing(machines[Mode.NATIVE]) == nested, f"{name} step {i}: native differs"
    assert machines[Mode.SHADOW].views.frames_in_use()["guest"] > 0


@pytest.mark.parametrize("name", builtin_names())
def test_vmm_tables_live_in_the_vmm_pool(name):
    sc = builtin(name)
    for mode in (Mode.SHADOW, Mode.NESTED):
        m = Machine(sc.config, mode)
        for op in sc.trace:
            m.execute(op)
        pool = m.mem.pools
        tables = set(m.shadow.pages) if m.shadow else {p for s in m.ept.table_pages.values() for p in s}
        assert tables and all(t >= pool.guest_frames for t in tables)
        assert all(mpn < pool.guest_frames for vm in m.vms.values() for mpn in vm.pmap.mpn if mpn != NO_MPN)


def test_pool_size_and_2mib_blocks():
    assert vmm_pool_frames(64) == 16 and vmm_pool_frames(1024) == 128 and vmm_pool_frames(20) == 10
    mem = MachineMemory(4096, seed=3)  # 16 MiB: 512 VMM frames, 7 whole guest blocks
    assert mem.pools.guest_frames == 3584
    small = [mem.alloc() for _ in range(600)]  # opens two blocks
    assert len({s // 512 for s in small}) == 2
    bases = []
    while (b := mem.alloc_large()) is not None:
        assert b % 512 == 0 and b // 512 not in {s // 512 for s in small}
        bases.append(b)
    assert len(bases) == 5
    assert mem.free_count == 4096 - 600 - 5 * 512
    mem.free_large(bases[0])
    assert mem.alloc_large() == bases[0]
    vmm = [mem.alloc(vmm=True) for _ in range(10)]
    assert all(v >= 3584 for v in vmm) and len(set(vmm)) == 10
