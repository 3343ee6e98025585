"""Guest and shadow tables cross-checked against an independent x86 MMU: unicorn (QEMU's TCG
MMU) in 64-bit long mode with paging on (see ``unicorn_mmu.py`` for the set-up and quirks).

1. The walker itself, on random x86-64 tables with every entry bit in play (P, R/W, U/S, A, D,
   PS at 2 MiB and 1 GiB, NX, ignored bits): the same access on the same image must succeed or
   fault alike, reach the same physical address, and leave the same A/D bits behind.
2. The engine's guest tables after random operation sequences, in every mode: every gVA's
   translation and rights as unicorn sees them in ``Machine.guest_image``.
3. Every access step: unicorn performing that access on the guest image from before the step
   must produce the guest image the machine has after it — data, A and D bits — in all three
   modes (shadow mode maintains guest A/D in software; this is where it must be exact).
4. The shadow tables: unicorn walking the machine image from each cached shadow root must reach
   pmap(guest(gVA)) exactly where the engine has a shadow entry, and allow no more than the
   guest; and a shadow-mode access that the shadow satisfies changes the machine image exactly
   as unicorn's walk of the shadow tables does.
5. The nested tables: EPT entries keep R, W, X in bits 0, 1, 2, where x86 keeps P, R/W, U/S, so
   unicorn can walk them as x86 tables (gPA as the address): gPA → MA must equal the pmap,
   writable exactly for private pages.
"""
from __future__ import annotations

import numpy as np
import pytest

from helpers_invariants import PAGE, R, guest_pte, make_config, random_ops, scaled
from visualizer.engine import Access, Fault, FaultKind, GuestActionKind, Machine, Mode, Op, OpKind, PageState, Stage
from visualizer.engine.events import GuestAction, GuestPageFault, TlbLookup, VmExit, Walker
from visualizer.engine.paging import A, D, NX, P, PS, RW, US, X86, Translation, peek, walk

unicorn_mmu = pytest.importorskip("unicorn_mmu", reason="unicorn >= 2.1 (QEMU's x86 MMU) is not installed")
UnicornMmu, VECTOR_PF = unicorn_mmu.UnicornMmu, unicorn_mmu.VECTOR_PF

KINDS = {"read": Access.READ, "write": Access.WRITE, "exec": Access.EXEC}

# -- 1. the walker on random tables ---------------------------------------------------------------
IMAGE_PAGES = 256          # 1 MiB of physical memory (probes a large page maps beyond it are skipped)
TABLE_PAGES = range(1, 64)  # tables live in the first 256 KiB …
DATA_PAGES = range(64, IMAGE_PAGES)  # … data pages above
IGNORED = (0x7 << 9) | (0x7F << 52)  # AVL bits 9-11 and 52-58: software-available, ignored by the MMU


def random_tables(rng: np.random.Generator):
    """A random 4-level tree at page 1: every entry bit in play, 2 MiB and 1 GiB leaves, no
    reserved bits (the engine does not model reserved-bit faults). Returns (image, root, vas)."""
    img = np.zeros(IMAGE_PAGES * PAGE, np.uint8)
    q = img.view(np.uint64)
    free_tables = list(TABLE_PAGES)[1:]
    vas: list[int] = []

    def flags(leaf: bool) -> int:
        f = 0
        f |= P if rng.random() < 0.9 else 0
        f |= RW if rng.random() < 0.7 else 0
        f |= US if rng.random() < 0.8 else 0
        f |= A if rng.random() < 0.3 else 0
        f |= D if leaf and rng.random() < 0.3 else 0
        f |= NX if rng.random() < 0.2 else 0
        f |= int(rng.integers(0, 1 << 62)) & IGNORED if rng.random() < 0.3 else 0
        return f

    def fill(table: int, level: int, base: int):
        n = int(rng.integers(1, 5))
        limit = 511 if level == 4 else 512  # PML4 slot 511 belongs to the harness's code mapping
        for idx in rng.choice(limit, size=n, replace=False).tolist():
            va = base | (idx << (12 + 9 * (level - 1)))
            large = level in (2, 3) and rng.random() < 0.25
            if level == 1 or large:
                if large:
                    frame = 0  # a 2 MiB / 1 GiB page at 0; probes stay inside the data area
                else:
                    frame = int(rng.choice(DATA_PAGES)) << 12
                q[table * 512 + idx] = frame | flags(True) | (PS if large else 0)
                lo = DATA_PAGES.start * PAGE if large else 0
                for _ in range(3):
                    off = int(rng.integers(lo, IMAGE_PAGES * PAGE if large else PAGE)) & ~7
                    vas.append(va | off)
            else:
                if not free_tables:
                    continue
                child = free_tables.pop(int(rng.integers(len(free_tables))))
                q[table * 512 + idx] = (child << 12) | flags(False)
                fill(child, level - 1, va)
                vas.append(va | (int(rng.integers(0, 1 << (12 + 9 * (level - 1)))) & ~7))  # maybe unmapped
    fill(1, 4, 0)
    vas += [int(v) & ~7 for v in rng.integers(0, 1 << 48, size=8)]  # mostly not present
    return img, 1 << 12, [canonical(v) for v in vas]


def canonical(va: int) -> int:
    """Sign-extend bit 47 (the upper half: PML4 slots 256…510)."""
    return va | (0xFFFF << 48) if va & (1 << 47) else va


def engine_access(img: np.ndarray, root: int, va: int, kind: str, user: bool, value: int):
    q = memoryview(img).cast("Q")
    events: list = []
    t = walk(q, root, va, KINDS[kind], X86, Stage.GUEST, Walker.CPU, events, 1, user=user)
    if t.__class__ is Translation and kind == "write":
        q[t.address >> 3] = value
    return t


@pytest.mark.parametrize("seed", range(scaled(20)))
def test_walker_matches_unicorn_on_random_tables(seed):
    rng = np.random.default_rng(seed)
    img, root, vas = random_tables(rng)
    mmu = UnicornMmu(img)
    for n, va in enumerate(vas * 2):
        kind = ("read", "write", "exec")[rng.integers(3)]
        user = bool(rng.integers(2))
        value = 0x1000_0000 + n
        pa = peek(memoryview(img).cast("Q"), root, va, X86)
        if pa is not None and pa >= len(img):
            continue  # inside a 1 GiB page but beyond the memory both MMUs are given
        t = engine_access(img, root, va, kind, user, value)
        u = mmu.access(root, va, kind, user=user, value=value)
        where = f"{kind} 0x{va:x} {'user' if user else 'supervisor'}"
        if t.__class__ is Translation:
            assert u.ok, f"{where}: engine → 0x{t.address:x}, unicorn #PF (vector {u.vector})"
            if kind != "exec":
                assert u.physical == t.address, f"{where}: engine 0x{t.address:x}, unicorn 0x{u.physical:x}"
            if kind == "read":
                assert u.value == int(img.view(np.uint64)[t.address >> 3])
        else:
            assert isinstance(t, Fault)
            assert not u.ok and u.vector == VECTOR_PF and u.cr2 == va, f"{where}: engine {t.kind}, unicorn {u}"
            # the error code's P bit: "not present" exactly when a supervisor read faults too
            t2 = engine_access(img, root, va, "read", False, 0)
            u2 = mmu.access(root, va, "read", user=False)
            assert u2.ok == (t2.__class__ is Translation)
            assert (t.kind is FaultKind.NOT_PRESENT) == (not u2.ok), f"{where}: engine {t.kind}, unicorn P={u2.ok}"
        diff = np.flatnonzero(mmu.image().view(np.uint64) != img.view(np.uint64))
        assert not len(diff), f"{where}: images differ at " + \
            ", ".join(f"0x{i * 8:x}: unicorn 0x{int(mmu.image().view(np.uint64)[i]):x} engine "
                      f"0x{int(img.view(np.uint64)[i]):x}" for i in diff[:4])


def test_random_tables_cover_every_outcome():
    """The random tables above reach every kind of fault and 4 KiB, 2 MiB and 1 GiB leaves."""
    seen = set()
    for seed in range(20):
        rng = np.random.default_rng(seed)
        img, root, vas = random_tables(rng)
        for va in vas:
            for kind in ("read", "exec", "write"):  # writes last: they may land on a table
                for user in (False, True):
                    t = engine_access(img, root, va, kind, user, 0)
                    seen.add(t.kind if isinstance(t, Fault) else ("ok", t.level))
    assert seen >= {FaultKind.NOT_PRESENT, FaultKind.WRITE_PROTECT, FaultKind.NO_EXEC, FaultKind.USER,
                    ("ok", 1), ("ok", 2), ("ok", 3)}, seen


# -- machines after random operation sequences ----------------------------------------------------
VMS, PROCS = ("VM1", "VM2"), ("p1", "p2")
PROBE_PAGES = tuple(0x400000 + i * PAGE for i in range(6)) + (0x7F12_3456_7000, 0x7F12_3456_8000, 0x7F00_0000_0000)
PROBE_OFFSETS = (0, 0xFF8)


def _machine(mode: Mode, seed: int) -> Machine:
    cfg = make_config(vms=tuple((v, 24, PROCS) for v in VMS), frames=512, seed=seed, tlb_entries=8, tlb_ways=2,
                      vpid=bool(seed % 2), pcid=bool(seed % 3), root_cache=1 + seed % 3)
    return Machine(cfg, mode)


def _ops(seed: int, n: int = 70):
    return random_ops(np.random.default_rng(seed), n, VMS, PROCS, guest_pages=24)


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("seed", range(scaled(6)))
def test_guest_tables_translate_as_unicorn_does(mode, seed):
    m = _machine(mode, seed)
    for op in _ops(seed):
        m.execute(op)
    for vm_name, vm in m.vms.items():
        img = m.views.guest_image(vm_name)
        mmu = UnicornMmu(img)
        for proc in vm.guest.processes.values():
            for page in PROBE_PAGES:
                for off in PROBE_OFFSETS:
                    gva = page + off
                    gpa = m.views.guest_translate(vm_name, proc.name, gva)
                    pte = guest_pte(m, vm_name, proc.name, gva)
                    for kind in KINDS:
                        u = mmu.access(proc.cr3, gva, kind, user=True, value=0x5A)
                        where = f"{mode.value} {vm_name}/{proc.name} {kind} 0x{gva:x}"
                        if gpa is None:
                            assert not u.ok and u.vector == VECTOR_PF and u.cr2 == gva, where
                            continue
                        allowed = kind == "read" or (kind == "write" and pte & RW) or (kind == "exec" and not pte & NX)
                        assert u.ok == bool(allowed), f"{where}: unicorn {u}, guest PTE 0x{pte:x}"
                        if u.ok and kind != "exec":
                            assert u.physical == gpa, f"{where}: unicorn 0x{u.physical:x}, engine 0x{gpa:x}"


def _handler_ran(step) -> bool:
    """The guest's #PF handler changed its tables during the step (unicorn cannot run it)."""
    return any(e.__class__ is GuestAction and e.kind in (GuestActionKind.ALLOC_TABLE, GuestActionKind.ALLOC_FRAME,
                                                         GuestActionKind.WRITE_PTE) for e in step.events)


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("seed", range(scaled(6)))
def test_every_access_changes_the_guest_image_as_hardware_does(mode, seed):
    """Data, A and D: what an access does to guest-physical memory, whatever the mode, is what
    an x86 CPU does to the same memory — including a write that the guest tables forbid."""
    m = _machine(mode, seed)
    mmus: dict[str, UnicornMmu] = {}
    compared = faulted = 0
    for op in _ops(seed, 120):
        access = op.kind in (OpKind.READ, OpKind.WRITE, OpKind.EXEC)
        before = m.views.guest_image(op.vm) if access else None
        step = m.execute(op)
        if not access or _handler_ran(step):
            continue
        mmu = mmus.get(op.vm) or mmus.setdefault(op.vm, UnicornMmu(before))
        mmu.load(before)
        proc = m.vms[op.vm].guest.processes[op.process]
        u = mmu.access(proc.cr3, op.gva, op.kind.value, user=True, value=op.value)
        after = m.views.guest_image(op.vm)
        where = f"{mode.value} step {step.index} {op.describe()}"
        killed = any(e.__class__ is GuestAction and e.kind is GuestActionKind.SEGV for e in step.events)
        assert u.ok == (not killed), f"{where}: unicorn {u}, engine {'killed' if killed else 'completed'}"
        if u.ok and op.kind is not OpKind.EXEC:
            assert u.physical == step.gpa, f"{where}: unicorn gPA 0x{u.physical:x}, engine 0x{step.gpa:x}"
        if op.kind is OpKind.READ and u.ok:
            assert u.value == step.value
        got = mmu.image(len(after)).view(np.uint64)
        diff = np.flatnonzero(got != after.view(np.uint64))
        assert not len(diff), f"{where}: guest image differs at " + ", ".join(
            f"gPA 0x{i * 8:x}: hardware 0x{int(got[i]):x}, engine 0x{int(after.view(np.uint64)[i]):x}"
            for i in diff[:4])
        compared += 1
        faulted += killed
    assert compared >= 10


@pytest.mark.parametrize("seed", range(scaled(8)))
def test_shadow_tables_translate_as_unicorn_does(seed):
    m = _machine(Mode.SHADOW, seed)
    for op in _ops(seed):
        m.execute(op)
    vm = m.current_vm or m.vms["VM1"]
    for page in PROBE_PAGES[:3]:  # the last process touches a few pages: its shadow has leaves
        m.execute(R(vm.name, vm.guest.current.name, page))
    mmu = UnicornMmu(m.mem.image)
    present = 0
    for vm_name, vm in m.vms.items():
        leaves = {(root, gva): entry for root, gva, _g, entry in m.shadow.leaves(vm_name)}
        for cr3_gppn, root in m.shadow.roots[vm_name].items():
            proc = next(p for p in vm.guest.processes.values() if p.root_gppn == cr3_gppn)
            for page in PROBE_PAGES:
                gva = page + 0x10
                entry = leaves.get((root, page))
                gpa = m.views.guest_translate(vm_name, proc.name, gva)
                pte = guest_pte(m, vm_name, proc.name, gva)
                where = f"{vm_name}/{proc.name} shadow root 0x{root:x} gVA 0x{gva:x}"
                u = mmu.access(root << 12, gva, "read", user=True)
                assert u.ok == (entry is not None), f"{where}: unicorn {u}, shadow leaf {entry}"
                if not u.ok:
                    assert u.vector == VECTOR_PF and u.cr2 == gva  # a hidden page fault on real hardware
                    continue
                present += 1
                assert gpa is not None, f"{where}: the shadow maps a gVA the guest does not"
                assert u.physical == m.views.gpa_to_ma(vm_name, gpa), \
                    f"{where}: shadow → MA 0x{u.physical:x}, pmap ∘ guest → 0x{m.views.gpa_to_ma(vm_name, gpa):x}"
                w = mmu.access(root << 12, gva, "write", user=True, value=0)
                if w.ok:
                    assert pte & RW and pte & D and vm.pmap.state[gpa >> 12] is PageState.PRIVATE, where
                    assert w.physical == u.physical
                x = mmu.access(root << 12, gva, "exec", user=True)
                assert x.ok == (not pte & NX), where
                # the probes set A/D in unicorn's copy only; reload for the next root
            mmu.load(m.mem.image)
    assert present > 0


@pytest.mark.parametrize("seed", range(scaled(6)))
def test_shadow_mode_hardware_steps_match_unicorn(seed):
    """A shadow-mode access that misses the TLB and is satisfied by the shadow tables (no exit)
    is a plain hardware walk of the shadow tables: on the machine image from before the step,
    unicorn must reach the same MA and leave the same machine image (data, shadow A/D).
    Every ten random operations the TLB is flushed and the current process touches each page."""
    m = _machine(Mode.SHADOW, seed)
    rng = np.random.default_rng(seed)
    mmu = None
    compared = 0
    ops = _ops(seed, 100)
    for n, op in enumerate(ops):
        m.execute(op)
        if n % 10:
            continue
        vm = m.current_vm or m.vms[op.vm]  # share and swap_out do not enter a VM
        proc = vm.guest.current
        for page in PROBE_PAGES:
            m.execute(R(vm.name, proc.name, page))  # fills the shadow (demand paging where needed)
        m.tlb.flush_all()
        for page in PROBE_PAGES:
            kind = (OpKind.READ, OpKind.WRITE, OpKind.EXEC)[rng.integers(3)]
            op2 = Op(kind, vm.name, proc.name, page + 0x20, 0xC0DE if kind is OpKind.WRITE else 0)
            before = m.mem.image.copy()
            root = vm.shadow_root
            step = m.execute(op2)
            if any(e.__class__ in (VmExit, GuestPageFault) for e in step.events):
                continue
            assert [e.hit for e in step.events if e.__class__ is TlbLookup] == [False]
            if mmu is None:
                mmu = UnicornMmu(before)
            else:
                mmu.load(before)
            u = mmu.access(root << 12, op2.gva, kind.value, user=True, value=op2.value)
            assert u.ok, f"{op2.describe()}: the engine's shadow walk succeeded, unicorn {u}"
            if kind is not OpKind.EXEC:
                assert u.physical == step.ma
            got = mmu.image(len(before)).view(np.uint64)
            diff = np.flatnonzero(got != m.mem.image.view(np.uint64))
            assert not len(diff), f"{op2.describe()}: machine image differs at MA " + \
                ", ".join(f"0x{i * 8:x}" for i in diff[:4])
            compared += 1
    assert compared >= 10


@pytest.mark.parametrize("seed", range(scaled(6)))
def test_nested_tables_walked_as_x86_tables_give_the_pmap(seed):
    m = _machine(Mode.NESTED, seed)
    for op in _ops(seed):
        m.execute(op)
    mmu = UnicornMmu(m.mem.image)
    for vm_name, vm in m.vms.items():
        for gppn in range(vm.pmap.pages):
            gpa = (gppn << 12) | 0x18
            mpn, state = vm.pmap.mpn[gppn], vm.pmap.state[gppn]
            r = mmu.access(vm.ept_root << 12, gpa, "read", user=True)
            assert r.ok == (mpn >= 0), f"{vm_name} gPPN 0x{gppn:x} ({state.value}): {r}"
            if r.ok:
                assert r.physical == (mpn << 12) | 0x18
                w = mmu.access(vm.ept_root << 12, gpa, "write", user=True)
                assert w.ok == (state is PageState.PRIVATE), f"{vm_name} gPPN 0x{gppn:x} ({state.value}): {w}"
        mmu.load(m.mem.image)



# -- 6. large pages (issue 12) ----------------------------------------------------------------------
# Guest 2 MiB pages (PDE with PS, Linux THP) in the guest tables, the shadow's 4 KiB entries under a
# direct shadow PT for them, and 2 MiB EPT leaves: unicorn walks all three as hardware would.
LARGE_BASE = 0x4000_0000
LARGE_PAGES = tuple(LARGE_BASE + i * PAGE for i in (0, 1, 2, 511)) + (LARGE_BASE + 0x200000, LARGE_BASE + 0x201000)
FRESH = LARGE_BASE + 0x400000
"""A 2 MiB region the random operations never touch: read after them, it becomes a fresh 2 MiB page."""
LARGE_PROBES = LARGE_PAGES + (LARGE_BASE + 0x100000, LARGE_BASE + 0x1FF000, FRESH, FRESH + 0x1000,
                              FRESH + 0x1FF000, 0x7F00_0000_0000)


def _large_machine(mode: Mode, seed: int, ept_large: bool = False, caches: bool = False) -> Machine:
    from visualizer.engine import MachineConfig, VmConfig
    cfg = MachineConfig(4096, tuple(VmConfig(v, 1536, PROCS, True) for v in VMS), seed, 8, 2, bool(seed % 2),
                        bool(seed % 3), 1 + seed % 3, ept_large_pages=ept_large, pwc=caches, nested_tlb=caches,
                        design=("intel", "amd")[seed // 2 % 2])  # both MMU-cache designs over the seeds
    return Machine(cfg, mode)


def _large_run(mode: Mode, seed: int, n: int = 60, **kw) -> Machine:
    """Random operations over two 2 MiB regions (splits by unmap, protect, fork, copy-on-write),
    then each VM's current process reads the fresh region (a new 2 MiB page)."""
    m = _large_machine(mode, seed, **kw)
    for op in random_ops(np.random.default_rng(seed), n, VMS, PROCS, pages=LARGE_PAGES, guest_pages=1536):
        m.execute(op)
    for vm_name, vm in m.vms.items():
        m.execute(R(vm_name, vm.guest.current.name, FRESH + 0x10))
    return m


def _large_leaves(m: Machine) -> int:
    return sum(1 for name, vm in m.vms.items() for p in vm.guest.processes
               for _g, _p, pte in m.views.guest_mappings(name, p) if pte & PS)


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("seed", range(scaled(4)))
def test_guest_2mib_pages_translate_as_unicorn_does(mode, seed):
    m = _large_run(mode, seed, ept_large=mode is Mode.NESTED, caches=bool(seed % 2))
    assert _large_leaves(m) > 0, "no guest 2 MiB page to check"
    large = 0
    for vm_name, vm in m.vms.items():
        mmu = UnicornMmu(m.views.guest_image(vm_name))
        for proc in vm.guest.processes.values():
            for page in LARGE_PROBES:
                for off in PROBE_OFFSETS:
                    gva = page + off
                    gpa = m.views.guest_translate(vm_name, proc.name, gva)
                    pte = guest_pte(m, vm_name, proc.name, gva)
                    large += bool(pte is not None and pte & PS)
                    for kind in KINDS:
                        u = mmu.access(proc.cr3, gva, kind, user=True, value=0x5A)
                        where = f"{mode.value} {vm_name}/{proc.name} {kind} 0x{gva:x}"
                        if gpa is None:
                            assert not u.ok and u.vector == VECTOR_PF and u.cr2 == gva, where
                            continue
                        allowed = kind == "read" or (kind == "write" and pte & RW) or (kind == "exec" and not pte & NX)
                        assert u.ok == bool(allowed), f"{where}: unicorn {u}, guest PTE 0x{pte:x}"
                        if u.ok and kind != "exec":
                            assert u.physical == gpa, f"{where}: unicorn 0x{u.physical:x}, engine 0x{gpa:x}"
            mmu.load(m.views.guest_image(vm_name))
    assert large > 0


@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
@pytest.mark.parametrize("seed", range(scaled(3)))
def test_accesses_in_2mib_pages_change_the_guest_image_as_hardware_does(mode, seed):
    """As test 3, on guest 2 MiB pages: the A and D bits land in the PDE (PS) for an access that
    a 2 MiB page serves."""
    m = _large_machine(mode, seed, ept_large=mode is Mode.NESTED, caches=True)
    mmus: dict[str, UnicornMmu] = {}
    compared = in_large = 0
    ops = random_ops(np.random.default_rng(seed), 80, VMS, PROCS, pages=LARGE_PAGES, guest_pages=1536)
    for op in ops:
        access = op.kind in (OpKind.READ, OpKind.WRITE, OpKind.EXEC)
        before = m.views.guest_image(op.vm) if access else None
        step = m.execute(op)
        if not access or _handler_ran(step):
            continue
        mmu = mmus.get(op.vm) or mmus.setdefault(op.vm, UnicornMmu(before))
        mmu.load(before)
        proc = m.vms[op.vm].guest.processes[op.process]
        u = mmu.access(proc.cr3, op.gva, op.kind.value, user=True, value=op.value)
        after = m.views.guest_image(op.vm)
        where = f"{mode.value} step {step.index} {op.describe()}"
        killed = any(e.__class__ is GuestAction and e.kind is GuestActionKind.SEGV for e in step.events)
        assert u.ok == (not killed), f"{where}: unicorn {u}, engine {'killed' if killed else 'completed'}"
        if u.ok and op.kind is not OpKind.EXEC:
            assert u.physical == step.gpa
        got = mmu.image(len(after)).view(np.uint64)
        diff = np.flatnonzero(got != after.view(np.uint64))
        assert not len(diff), f"{where}: guest image differs at " + ", ".join(
            f"gPA 0x{i * 8:x}: hardware 0x{int(got[i]):x}, engine 0x{int(after.view(np.uint64)[i]):x}"
            for i in diff[:4])
        pte = guest_pte(m, op.vm, op.process, op.gva)
        in_large += bool(pte is not None and pte & PS)
        compared += 1
    assert compared >= 10 and in_large > 0, (compared, in_large)


@pytest.mark.parametrize("seed", range(scaled(6)))
def test_shadow_tables_for_guest_2mib_pages_translate_as_unicorn_does(seed):
    """Shadow mode maps a guest 2 MiB page with 4 KiB shadow entries (a direct shadow PT over
    4 KiB machine pages): unicorn walking the shadow from each root reaches pmap(guest(gVA))
    exactly where the engine has a shadow leaf, with no more rights than the guest's PDE."""
    m = _large_run(Mode.SHADOW, seed, caches=bool(seed % 2))
    for vm_name, vm in m.vms.items():  # the current process touches each probe: its shadow has leaves
        for page in LARGE_PROBES[:-1]:
            m.execute(R(vm_name, vm.guest.current.name, page))
    mmu = UnicornMmu(m.mem.image)
    present = under_large = 0
    for vm_name, vm in m.vms.items():
        leaves = {(root, gva): entry for root, gva, _g, entry in m.shadow.leaves(vm_name)}
        for cr3_gppn, root in m.shadow.roots[vm_name].items():
            proc = next(p for p in vm.guest.processes.values() if p.root_gppn == cr3_gppn)
            for page in LARGE_PROBES:
                gva = page + 0x10
                entry = leaves.get((root, page))
                gpa = m.views.guest_translate(vm_name, proc.name, gva)
                pte = guest_pte(m, vm_name, proc.name, gva)
                where = f"{vm_name}/{proc.name} shadow root 0x{root:x} gVA 0x{gva:x}"
                u = mmu.access(root << 12, gva, "read", user=True)
                assert u.ok == (entry is not None), f"{where}: unicorn {u}, shadow leaf {entry}"
                if not u.ok:
                    assert u.vector == VECTOR_PF and u.cr2 == gva
                    continue
                present += 1
                under_large += bool(pte & PS)
                assert gpa is not None, f"{where}: the shadow maps a gVA the guest does not"
                assert u.physical == m.views.gpa_to_ma(vm_name, gpa), where
                w = mmu.access(root << 12, gva, "write", user=True, value=0)
                if w.ok:
                    assert pte & RW and pte & D and vm.pmap.state[gpa >> 12] is PageState.PRIVATE, where
                x = mmu.access(root << 12, gva, "exec", user=True)
                assert x.ok == (not pte & NX), where
            mmu.load(m.mem.image)
    assert present > 0 and under_large > 0, (present, under_large)


@pytest.mark.parametrize("seed", range(scaled(6)))
def test_2mib_ept_leaves_walked_as_x86_tables_give_the_pmap(seed):
    """With ``[nested] large_pages`` the EPT maps whole 2 MiB blocks with one PD leaf (PS, bit 7
    in both formats): unicorn's walk of the EPT must give the pmap for every gPPN — inside a 2 MiB
    leaf too — writable exactly for private pages, and some leaves must be 2 MiB."""
    from visualizer.engine.events import Stage as _Stage
    from visualizer.engine.paging import EPT
    m = _large_run(Mode.NESTED, seed, n=25, ept_large=True, caches=bool(seed % 2))  # some leaves stay whole
    mmu = UnicornMmu(m.mem.image)
    q = memoryview(m.mem.image).cast("Q")
    large = 0
    for vm_name, vm in m.vms.items():
        for gppn in range(vm.pmap.pages):
            gpa = (gppn << 12) | 0x18
            mpn, state = vm.pmap.mpn[gppn], vm.pmap.state[gppn]
            t = walk(q, vm.ept_root << 12, gpa, Access.READ, EPT, _Stage.NESTED, Walker.CPU, None, 0, user=False)
            if t.__class__ is Translation and t.level == 2:
                large += 1
            elif gppn % 4:  # 4 KiB leaves: every fourth page is enough
                continue
            r = mmu.access(vm.ept_root << 12, gpa, "read", user=True)
            assert r.ok == (mpn >= 0), f"{vm_name} gPPN 0x{gppn:x} ({state.value}): {r}"
            if r.ok:
                assert r.physical == (mpn << 12) | 0x18
                w = mmu.access(vm.ept_root << 12, gpa, "write", user=True)
                assert w.ok == (state is PageState.PRIVATE), f"{vm_name} gPPN 0x{gppn:x} ({state.value}): {w}"
        mmu.load(m.mem.image)
    assert large >= 512, f"{large} gPPNs under 2 MiB EPT leaves"
