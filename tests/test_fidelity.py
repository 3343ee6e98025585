"""What the tool teaches about hardware, checked against the sources (DOMAIN.md §4–§9, Intel SDM
Vol. 3C "Caching Translation Information", KVM): flushes without VPID, INVEPT and INVVPID after
pmap changes, the kind of a reflected fault, CPU versus VMM walk references, the unmap order,
what INVLPG finds, the handler cost's status, page-sharing salting."""
from __future__ import annotations

import csv
import io
import json

import pytest

from helpers_invariants import BASE, INVLPG, PAGE, PROTECT, R, SHARE, SWAP, SWAP_GPA, UNMAP, W, check_all, \
    make_machine, of
from visualizer.cli import main as cli_main
from visualizer.engine import (COSTS, CostTable, FlushReason, FlushScope, GuestAction, GuestActionKind, Mode,
                               TlbFlush, VmExit, Walker, WalkRef, builtin)
from visualizer.text.narrate import narrate

VIRT = (Mode.SHADOW, Mode.NESTED)
TWO_VMS = (("VM1", 32, ("p1",)), ("VM2", 32, ("p1",)))


def tlb_of(step) -> str:
    return str(step.tlb)


# -- 1. without VPID every VM exit and entry flushes the TLB ------------------------------------------
@pytest.mark.parametrize("vpid", [True, False], ids=["vpid", "no-vpid"])
def test_shadow_access_after_an_invlpg_exit_hits_only_with_vpid(vpid):
    m = make_machine(Mode.SHADOW, vpid=vpid)
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(W("VM1", "p1", BASE + PAGE, 2))
    m.execute(R("VM1", "p1", BASE))  # without VPID the exits of the writes flushed the TLB: a miss
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == "hit"
    step = m.execute(INVLPG("VM1", "p1", BASE + PAGE))  # exits to the VMM in shadow mode
    assert of(step, VmExit)
    again = m.execute(R("VM1", "p1", BASE))
    assert tlb_of(again) == ("hit" if vpid else "miss")
    flushes = [f for f in of(step, TlbFlush) if f.reason is FlushReason.VM_EXIT_NO_VPID]
    assert (len(flushes) == 1 and flushes[0].scope is FlushScope.ALL) if not vpid else not flushes
    check_all(m)


@pytest.mark.parametrize("vpid", [True, False], ids=["vpid", "no-vpid"])
def test_nested_ept_violation_exit_flushes_only_without_vpid(vpid):
    m = make_machine(Mode.NESTED, vpid=vpid)
    m.execute(W("VM1", "p1", BASE, 1))
    step = m.execute(W("VM1", "p1", BASE + PAGE, 2))  # a new page: EPT violations on the way
    assert any(e.reason.value == "ept-violation" for e in of(step, VmExit))
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == ("hit" if vpid else "miss")


@pytest.mark.parametrize("mode", VIRT, ids=lambda m: m.value)
@pytest.mark.parametrize("vpid", [True, False], ids=["vpid", "no-vpid"])
def test_vmm_work_between_exit_and_entry_flushes_only_without_vpid(mode, vpid):
    m = make_machine(mode, vpid=vpid, vms=TWO_VMS)
    m.execute(W("VM2", "p1", BASE, 2))
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(R("VM1", "p1", BASE))
    m.execute(R("VM1", "p1", BASE))
    m.execute(SWAP("VM2", "p1", BASE))  # the VMM swaps out another VM's page
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == ("hit" if vpid else "miss")


def test_the_no_vpid_builtin_shows_the_flush_on_every_exit():
    s = builtin("no-vpid")
    assert not s.config.vpid
    m = s.machine(Mode.SHADOW)
    steps = [m.execute(s.trace[i], i) for i in range(len(s.trace))]
    assert any(f.reason is FlushReason.VM_EXIT_NO_VPID and f.removed for st in steps for f in of(st, TlbFlush))
    told = [p for st in steps for p in narrate(st, "en")]
    assert any("without VPID" in p for p in told)


# -- 2. nested: INVEPT after removing or downgrading a nested entry; shadow: INVVPID by gVA ---------
def _two_vm_nested(invept="single"):
    from dataclasses import replace
    m = make_machine(Mode.NESTED, vms=TWO_VMS)
    if invept != "single":
        m.config = replace(m.config, invept=invept)
    m.execute(W("VM1", "p1", BASE, 7))
    m.execute(W("VM1", "p1", BASE + PAGE, 0))
    m.execute(W("VM1", "p1", BASE + 2 * PAGE, 0))
    m.execute(W("VM2", "p1", BASE, 9))
    m.execute(R("VM1", "p1", BASE))
    return m


def test_share_in_nested_mode_invalidates_the_vms_combined_mappings_not_another_vms():
    m = _two_vm_nested()
    step = m.execute(SHARE("VM1", "p1", BASE + PAGE, "VM1", "p1", BASE + 2 * PAGE))
    inv = [f for f in of(step, TlbFlush) if f.reason is FlushReason.INVEPT]
    assert [(f.scope, f.vm) for f in inv] == [(FlushScope.VM, "VM1")]
    # single-context INVEPT: VM1's unrelated page BASE goes too; VM2's entry survives
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == "miss"
    assert tlb_of(m.execute(R("VM2", "p1", BASE))) == "hit"
    check_all(m)


def test_all_context_invept_drops_every_vms_mappings():
    m = _two_vm_nested("all")
    step = m.execute(SHARE("VM1", "p1", BASE + PAGE, "VM1", "p1", BASE + 2 * PAGE))
    assert [f.scope for f in of(step, TlbFlush) if f.reason is FlushReason.INVEPT] == [FlushScope.ALL]
    assert tlb_of(m.execute(R("VM2", "p1", BASE))) == "miss"


def test_swap_out_in_nested_mode_uses_invept_and_backing_or_swap_in_need_none():
    m = _two_vm_nested()
    step = m.execute(SWAP("VM1", "p1", BASE + PAGE))
    assert [f.reason for f in of(step, TlbFlush)] == [FlushReason.INVEPT]
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == "miss"
    swap_in = m.execute(R("VM1", "p1", BASE + PAGE))  # EPT violation: swap in, no INVEPT
    assert not [f for f in of(swap_in, TlbFlush) if f.reason is FlushReason.INVEPT]
    back = m.execute(W("VM1", "p1", BASE + 5 * PAGE, 1))  # first touch: backing, no INVEPT
    assert not [f for f in of(back, TlbFlush) if f.reason is FlushReason.INVEPT]
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == "hit"
    check_all(m)


def test_copy_on_write_break_in_nested_mode_invalidates_with_invept():
    m = make_machine(Mode.NESTED, vms=TWO_VMS)
    m.execute(W("VM1", "p1", BASE, 0))
    m.execute(W("VM2", "p1", BASE, 0))
    m.execute(SHARE("VM1", "p1", BASE, "VM2", "p1", BASE))
    step = m.execute(W("VM1", "p1", BASE, 5))
    assert [f.vm for f in of(step, TlbFlush) if f.reason is FlushReason.INVEPT] == ["VM1"]
    check_all(m)


def test_shadow_mode_invalidates_exactly_the_dropped_gvas():
    m = make_machine(Mode.SHADOW)
    for k in range(3):
        m.execute(W("VM1", "p1", BASE + k * PAGE, 0))
    m.execute(R("VM1", "p1", BASE))
    step = m.execute(SHARE("VM1", "p1", BASE + PAGE, "VM1", "p1", BASE + 2 * PAGE))
    flushes = [f for f in of(step, TlbFlush) if f.reason is FlushReason.PMAP_CHANGE]
    assert flushes and all(f.scope is FlushScope.PAGE for f in flushes)
    assert tlb_of(m.execute(R("VM1", "p1", BASE))) == "hit"  # an unrelated gVA keeps its entry
    check_all(m)


# -- 3. a reflected fault is narrated by its kind; nested faults name the table ---------------------
@pytest.mark.parametrize("lang,wrong,right", [
    ("en", "lack the mapping", "read-only, and this is a write"),
    ("de", "fehlt die Zuordnung", "schreibgeschützt ab, und dies ist ein Schreibzugriff")])
def test_reflected_protection_fault_is_told_as_a_protection_fault(lang, wrong, right):
    m = make_machine(Mode.SHADOW)
    m.execute(W("VM1", "p1", BASE, 1))
    m.execute(PROTECT("VM1", "p1", BASE))
    text = " | ".join(narrate(m.execute(W("VM1", "p1", BASE, 2)), lang))
    assert right in text and wrong not in text


def test_a_not_present_guest_fault_names_the_level():
    m = make_machine(Mode.SHADOW)
    m.execute(W("VM1", "p1", BASE, 1))
    text = " | ".join(narrate(m.execute(W("VM1", "p1", BASE + PAGE, 2)), "en"))
    assert "the guest's own tables have no entry at the PT level" in text


def test_nested_ept_violation_on_a_guest_table_names_that_table():
    m = make_machine(Mode.NESTED)
    m.execute(W("VM1", "p1", BASE, 1))
    pt_gpa = max(m.views.guest_tables("VM1", "p1")[1].items(), key=lambda kv: -kv[1])[0] << 12  # the PT page
    m.execute(SWAP_GPA("VM1", pt_gpa))
    m.execute(INVLPG("VM1", "p1", BASE))
    text = " | ".join(narrate(m.execute(R("VM1", "p1", BASE)), "en"))
    assert f"EPT violation at gPA 0x{pt_gpa:x}: the nested tables have no entry at the EPT PT level for the " \
           f"guest's PT table" in text


# -- 4. hardware walk references and the VMM's software walk are counted apart -----------------------
def test_hidden_fault_counts_cpu_and_vmm_references_apart_and_costs_them_apart():
    m = make_machine(Mode.SHADOW, costs=CostTable(walk_ref=10, vmm_walk_ref=100))
    m.execute(W("VM1", "p1", BASE, 5))
    m.execute(INVLPG("VM1", "p1", BASE))
    step = m.execute(R("VM1", "p1", BASE))
    refs = of(step, WalkRef)
    cpu = [r for r in refs if r.walker is Walker.CPU]
    vmm = [r for r in refs if r.walker is Walker.VMM]
    assert (step.walk_refs, step.vmm_walk_refs) == (len(cpu), len(vmm)) == (8, 4)
    assert {r.cost for r in cpu} == {10} and {r.cost for r in vmm} == {100}
    c = m.counters["VM1"].as_dict()
    assert c["vmm_walk_refs"] >= 4 and c["cycles_by_cause"]["vmm-walk"] == 100 * c["vmm_walk_refs"]


def test_cli_reports_vmm_walk_refs_in_json_and_in_the_csv_before_the_value(tmp_path):
    out = io.StringIO()
    path = tmp_path / "steps.csv"
    assert cli_main(["run", "esxi-figure", "--mode", "shadow", "--json", "--csv", str(path)], out) == 0
    d = json.loads(out.getvalue())
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0])[-2:] == ["vmm_walk_refs", "value"]  # new columns go at the end
    assert d["vmm_walk_refs"] == sum(int(r["vmm_walk_refs"]) for r in rows) > 0
    assert d["walk_refs"] == sum(int(r["walk_refs"]) for r in rows)
    nested = io.StringIO()
    cli_main(["run", "esxi-figure", "--mode", "nested", "--json"], nested)
    assert json.loads(nested.getvalue())["vmm_walk_refs"] == 0  # hardware walks only


# -- 6. unmap: clear the PTE, invalidate, then free the frame ----------------------------------------
@pytest.mark.parametrize("mode", list(Mode), ids=lambda m: m.value)
def test_unmap_frees_the_frame_only_after_the_invlpg(mode):
    m = make_machine(mode)
    m.execute(W("VM1", "p1", BASE, 1))
    kinds = [e.kind for e in of(m.execute(UNMAP("VM1", "p1", BASE)), GuestAction)]
    assert kinds.index(GuestActionKind.WRITE_PTE) < kinds.index(GuestActionKind.INVLPG) < \
        kinds.index(GuestActionKind.FREE_FRAME)


# -- 8. what INVLPG finds in shadow mode --------------------------------------------------------------
def test_invlpg_after_a_pt_write_says_the_shadow_entry_is_already_gone():
    m = make_machine(Mode.SHADOW)
    m.execute(W("VM1", "p1", BASE, 1))
    text = " | ".join(narrate(m.execute(UNMAP("VM1", "p1", BASE)), "en"))
    assert "the guest's page-table write already dropped it" in text
    assert "drops the shadow entry for gVA 0x400000 (INVLPG)" not in text
    m.execute(W("VM1", "p1", BASE + PAGE, 1))
    text = " | ".join(narrate(m.execute(INVLPG("VM1", "p1", BASE + PAGE)), "en"))
    assert "INVLPG exits to the VMM" in text and "drops the shadow entry for gVA 0x401000 (INVLPG)" in text


# -- 9., 10. costs and sharing -----------------------------------------------------------------------
def test_handler_cost_is_an_estimate_and_says_why():
    info = {c.name: c for c in COSTS}
    assert info["vmm_handler"].estimate and "order of magnitude" in info["vmm_handler"].source
    assert info["vmm_walk_ref"].estimate


def test_sharing_across_vms_mentions_salting():
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    told = []
    for i in range(len(s.trace)):
        st = m.execute(s.trace[i], i)
        if st.op.kind.value == "share":
            told += narrate(st, "en") + narrate(st, "de")
    assert any("Mem.ShareForceSalting=2" in p and "2015" in p for p in told)
    assert sum("Mem.ShareForceSalting=2" in p for p in told) == 2


# -- 12. the model's limits, in the app ---------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "de"])
def test_about_page_names_where_the_model_departs_from_real_machines(lang):
    from streamlit.testing.v1 import AppTest
    from pathlib import Path
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / "4_About.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for term in ("TLB_NR_DYN_ASIDS", "unsync", "Mem.ShareForceSalting=2", "§29.4.3.1", "INVEPT", "INVVPID",
                 "ASPLOS'22", "SplitX", "SDM §4.10.4.1", "vmm_walk_refs"):
        assert term in text, term
