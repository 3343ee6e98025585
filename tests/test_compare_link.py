"""The Compare page's deep links: a lesson or slide opens a ready comparison; bad values are
named and change nothing; the address bar is a link back to the same comparison."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from visualizer.app import compare_link as L
from visualizer.engine.workloads import GENERATORS, program_names

ROOT = Path(__file__).resolve().parents[1]
KINDS = [k for k in GENERATORS if k != "program"]


def apply(link: dict, state: dict | None = None):
    state = {} if state is None else state
    return state, L.apply_link(link, state, kinds=KINDS, programs=program_names())


def test_a_link_sets_workload_parameters_and_machine_settings():
    state, problems = apply({"kind": "pt_churn", "seed": "7", "accesses": "20000", "write_ratio": "0.5",
                             "vpid": "0", "pcid": "yes", "tlb_entries": "128", "root_cache": "8"})
    assert problems == []
    assert state == {"cmp.source": "generator", "cmp.kind": "pt_churn", "cmp.seed": 7,
                     "cmp.p.pt_churn.accesses": 20000, "cmp.p.pt_churn.write_ratio": 0.5,
                     "cmp.m.vpid": False, "cmp.m.pcid": True, "cmp.m.tlb_entries": 128, "cmp.m.root_cache": 8}


@pytest.mark.parametrize("name, value", [
    ("kind", "nope"), ("source", "upload"), ("seed", "-1"), ("seed", "²"), ("seed", "9" * 5000),
    ("accesses", "0"), ("write_ratio", "2"), ("write_ratio", "nan"), ("tlb_entries", "100"),
    ("vpid", "maybe"), ("root_cache", "65"), ("program", "../../etc/passwd"), ("design", "arm"),
    ("design", "vmx"), ("machine", "old"), ("machine", "bare\u0000"),
])
def test_a_bad_value_is_named_and_changes_nothing(name, value):
    before = {"cmp.kind": "mix", "cmp.seed": 3, "cmp.m.vpid": True}
    state, problems = apply({name: value}, dict(before))
    assert state == before
    assert [(p.name, p.value) for p in problems] == [(name, value)]


def test_the_address_of_a_comparison_opens_the_same_comparison():
    state, _ = apply({"kind": "context_switch", "seed": "5", "processes": "6", "quantum": "30", "pcid": "0"})
    link = {k: v for k, v in L.link_of(state).items() if v is not None}
    again, problems = apply(link)
    assert problems == []
    assert state.items() <= again.items()
    assert again["cmp.p.context_switch.processes"] == 6 and again["cmp.m.pcid"] is False
    # defaults of the machine stay out of the address; other kinds' parameters are removed
    assert link.get("vpid") is None and L.link_of(state)["burst_pages"] is None


def test_the_page_opens_a_linked_comparison_and_warns_about_a_bad_parameter():
    at = AppTest.from_file(str(ROOT / "pages/2_Compare.py"), default_timeout=120)
    for k, v in {"kind": "pt_churn", "seed": "7", "accesses": "20000", "vpid": "0", "pages": "abc",
                 "lang": "de"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "„pages=abc“ aus dem Link wurde nicht übernommen: pages erwartet eine Zahl von 1 bis 1048576."]
    assert at.selectbox(key="_cmp.kind.de").value == "pt_churn"
    assert at.number_input(key="_cmp.seed").value == 7
    assert at.number_input(key="_cmp.p.pt_churn.accesses").value == 20000
    assert at.toggle(key="_cmp.m.vpid").value is False
    assert at.query_params["accesses"] == "20000" and at.query_params["vpid"] == "0"


def test_design_and_machine_in_a_link():
    state, problems = apply({"design": "amd", "machine": "bare"})
    assert problems == []
    assert state == {"cmp.m.design": "amd", "cmp.m.pwc": False, "cmp.m.nested_tlb": False, "cmp.m.ept_large": False,
                     "cmp.m.guest_large": False}
    link = {k: v for k, v in L.link_of(state).items() if v is not None}
    assert link == {"source": "generator", "kind": "mix", "seed": "1", **{p.name: str(L.param_default(p))
                    for p in L.generator_params("mix")}, "design": "amd", "machine": "bare"}
    # a switch named beside the machine wins; the link then names the switches, not a machine
    state, problems = apply({"machine": "bare", "pwc": "1"})
    assert problems == [] and state["cmp.m.pwc"] is True and state["cmp.m.ept_large"] is False
    link = L.link_of(state)
    assert link["machine"] is None and link["ept_large"] == "0" and link["nested_tlb"] == "0" and link["pwc"] is None


def test_old_links_keep_working():
    """Links written before the design switch: no design (Intel's, as then); their switches keep
    their meaning; what they leave out is today's machine now."""
    state, problems = apply({"kind": "tlb_thrash", "seed": "1", "accesses": "3000"})  # lesson 6's link
    assert problems == [] and not any(k.startswith("cmp.m.") for k in state)
    assert L.preset_of(state) == "today" and L.MACHINE_DEFAULTS["design"] == "intel"
    state, problems = apply({"kind": "mix", "pwc": "1", "nested_tlb": "1", "ept_large": "0", "guest_large": "1"})
    assert problems == []
    assert (state["cmp.m.pwc"], state["cmp.m.nested_tlb"], state["cmp.m.ept_large"], state["cmp.m.guest_large"]) == \
        (True, True, False, True)
    assert "cmp.m.design" not in state and L.preset_of(state) is None
