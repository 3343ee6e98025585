"""Work that survives a reload and a link: the step page's added accesses, predict score and
answers, and the changed costs of the Costs and Compare pages, in the address bar — written by
one session, read by a new one (what a reload or a copied link is), and bad values named."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_support import svg_views

from visualizer.app import state_link as K
from visualizer.engine import Mode, Op, OpKind, builtin

ROOT = Path(__file__).resolve().parents[1]
STEP = str(ROOT / "pages" / "1_Step_through.py")
COSTS = str(ROOT / "pages" / "3_Costs.py")
COMPARE = str(ROOT / "pages" / "2_Compare.py")


def run(path: str, timeout: int = 120, **params) -> AppTest:
    at = AppTest.from_file(path, default_timeout=timeout)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def address(at: AppTest) -> dict[str, str]:
    """The address bar as a copied link gives it (one value per parameter)."""
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def reload(path: str, at: AppTest, **extra) -> AppTest:
    """A new session opened with the address ``at`` shows: a reload, or the link sent to someone."""
    return run(path, **{**address(at), **extra})


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


# -- the link values ---------------------------------------------------------------------------------
def test_added_accesses_round_trip_and_bad_ones_are_named():
    cfg = builtin("esxi-figure").config
    added = [(4, Op(OpKind.WRITE, "VM2", "p2", 0x7000, 0x2A)), (5, Op(OpKind.READ, "VM1", "p1", 0x400000, 0))]
    text = K.added_param(added, cfg)
    assert text == "4.w.1.7000.2a_5.r.0.400000"
    assert K.read_added(text, cfg) == added
    for bad, reason in [("", "added_form"), ("4.x.0.7000", "added_form"), ("4.r.0.7000.5", "added_form"),
                        ("4.w.0.7000", "added_form"), ("4.r.9.7000", "added_target"),
                        ("4.r.0.800000000000", "added_gva"), ("².r.0.1", "added_form"),
                        ("_".join(["1.r.0.1"] * (K.MAX_ADDED + 1)), "added_many")]:
        with pytest.raises(K.LinkError) as exc:
            K.read_added(bad, cfg)
        assert exc.value.reason == reason, bad


def test_score_and_costs_are_checked():
    assert K.read_score("3-4") == (3, 4) and K.score_param(3, 4) == "3-4" and K.score_param(0, 0) is None
    for bad in ("4-3", "3/4", "-1-2", "9999999-9999999", "١-٢"):
        with pytest.raises(K.LinkError):
            K.read_score(bad)
    got, problems = K.read_costs({"cost.walk_ref": "200", "cost.vm_exit": "lots", "cost.nope": "1",
                                  "cost.tlb_hit": "0"}, {"tlb_hit": 5})
    assert got == {"walk_ref": 200} and [p.fields["name"] for p in problems] == ["cost.vm_exit"]
    assert K.cost_params({"walk_ref": 200})["cost.walk_ref"] == "200"
    assert K.cost_params({"walk_ref": 200})["cost.vm_exit"] is None


# -- the step page: a reload and a copied link show the same work ------------------------------------------
def test_a_reload_keeps_the_added_accesses():
    at = run(STEP, scenario="esxi-figure", mode="shadow", step="4", lang="en")
    for target, gva, kind in (("VM2/p2", "0x7000", "write"), ("VM1/p1", "0x402000", "read")):
        at.selectbox(key="acc_target").set_value(target)
        at.text_input(key="acc_gva").set_value(gva)
        at.radio(key="acc_kind.en").set_value(kind)
        at.button(key="acc_submit").click().run()
    before = at.session_state["step_session"]
    assert before.step == 6 and len(before.trace) == 16
    assert address(at)["added"] == "4.w.1.7000.2a_5.r.0.402000"
    again = reload(STEP, at)
    after = again.session_state["step_session"]
    assert after.step == 6 and list(after.trace) == list(before.trace) and after.inserted == before.inserted
    assert after.record.op == before.record.op and after.record.events == before.record.events
    # nested: the same accesses, replayed in the other mode
    nested = reload(STEP, at, mode="nested")
    assert list(nested.session_state["step_session"].trace) == list(before.trace)


def page_html(at: AppTest) -> str:
    """The page's markdown and the markup of its SVG views (the step page's stage: status, verdicts)."""
    return "\n".join([x.value for x in at.markdown] + list(svg_views(at).values()))


def test_a_reload_keeps_the_predict_score_and_the_answers_shown():
    at = run(STEP, scenario="esxi-figure", step="4", predict="1", mode="shadow", lang="en")
    at.button(key="step_forward").click().run()
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    rec = [m.execute(op, i) for i, op in enumerate(s.trace)][4]
    radios = {r.key.split(".")[-2]: r for r in at.radio if r.key and r.key.startswith("pq.")}
    radios["tlb"].set_value(rec.tlb.value)  # right
    radios["ma"].set_value(rec.gpa)         # the gPA offered as an MA: wrong
    at.button(key="predict_reveal").click().run()
    html = page_html(at)
    assert 'data-right="1" data-asked="2"' in html and 'q-result wrong" data-kind="ma"' in html
    link = address(at)
    assert link["score"] == "1-2" and link["step"] == "5" and link["predict"] == "1" and "answers" in link
    again = reload(STEP, at)
    html2 = page_html(again)
    assert 'data-right="1" data-asked="2"' in html2
    assert 'q-result right" data-kind="tlb"' in html2 and 'q-result wrong" data-kind="ma"' in html2
    assert again.session_state["step_session"].step == 5
    # the next step's answers count on top of the score the link brought
    again.button(key="step_forward").click().run()
    again.button(key="predict_reveal").click().run()
    assert address(again)["score"].endswith("-2")  # questions left open count for nothing
    assert "answers" in address(again)


@pytest.mark.parametrize("params, needle", [
    ({"added": "4.r.7.7000"}, "VM/process 7"),
    ({"added": "99.r.0.7000"}, "after step 99"),
    ({"added": "<b>x</b>"}, "cannot be read"),
    ({"score": "5-2"}, "RIGHT-ANSWERED"),
    ({"predict": "1", "answers": "z.z.z.z"}, "cannot be read"),
    ({"answers": "a"}, "predict mode"),
])
def test_bad_kept_values_are_named_and_the_rest_of_the_link_is_taken(params, needle):
    at = run(STEP, scenario="esxi-figure", mode="nested", step="3", lang="en", **params)
    assert needle in warnings(at), warnings(at)
    s = at.session_state["step_session"]
    assert s.step == 3 and s.mode is Mode.NESTED and not s.inserted and "<b>" not in warnings(at)


def test_the_access_form_stops_at_what_a_link_holds(monkeypatch):
    monkeypatch.setattr(K, "MAX_ADDED", 1)
    at = run(STEP, scenario="esxi-figure", step="2", lang="en")
    at.button(key="acc_submit").click().run()
    at.button(key="acc_submit").click().run()
    assert len(at.session_state["step_session"].inserted) == 1
    assert any("At most 1 accesses" in e.value for e in at.error)


# -- costs: the Costs page and Compare's link ----------------------------------------------------------------
def test_a_changed_cost_is_in_the_costs_and_compare_links_and_survives_a_reload():
    at = run(COSTS, lang="en")
    at.number_input(key="_cost.walk_ref").set_value(200).run()
    assert address(at)["cost.walk_ref"] == "200"
    again = reload(COSTS, at)
    assert again.session_state["cost_overrides"] == {"walk_ref": 200}
    assert again.number_input(key="_cost.walk_ref").value == 200
    cmp = run(COMPARE, 240, **{"source": "generator", "kind": "mix", "accesses": "2000", "cost.walk_ref": "200"})
    assert cmp.session_state["cost_overrides"] == {"walk_ref": 200}
    assert address(cmp)["cost.walk_ref"] == "200"
    assert any(c.value.startswith("Costs: walk reference 200 cycles") for c in cmp.caption)
    bad = run(COSTS, lang="en", **{"cost.vm_exit": "-5"})
    assert "cost.vm_exit" in warnings(bad) and bad.session_state["cost_overrides"] == {}
