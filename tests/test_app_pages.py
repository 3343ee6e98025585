"""The app: every page under AppTest (loads, steps, mode switch, deep links, bad input), and the
session layer it stands on (checkpointed timelines, added accesses, isolation between viewers)."""
from __future__ import annotations

import hashlib
import urllib.parse
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_support import svg_view_data, svg_views

from visualizer.app.session import AccessForm, Session, Timeline, insert_op, parse_access
from visualizer.app.ui import load_upload
from visualizer.engine import Mode, Op, OpKind, builtin
from visualizer.engine.trace import Trace

ROOT = Path(__file__).resolve().parents[1]
HOME = str(ROOT / "Home.py")
STEP = str(ROOT / "pages" / "1_Step_through.py")
TIMEOUT = 60


def app(path: str, **params) -> AppTest:
    at = AppTest.from_file(path, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sess(at: AppTest) -> Session:
    return at.session_state["step_session"]


def diagram_markup(at: AppTest) -> str:
    return svg_views(at)["diagram"]


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


# -- Home --------------------------------------------------------------------------------------------
def test_home_loads_with_legend_picker_language_and_links():
    at = app(HOME)
    assert at.title[0].value == "ESXi memory virtualization, step by step"
    markup = " ".join(m.value for m in at.markdown)
    assert 'data-key="shadow-map"' in markup and 'data-key="ept"' in markup
    preview = svg_views(at)["preview"]
    assert 'class="esxi-diagram"' in preview and "<svg" in preview and "shadow-map" in preview
    assert at.selectbox(key="_home_builtin").value == "esxi-figure"
    assert at.session_state["scenario_name"] == "esxi-figure"
    assert at.query_params["lang"] == "en" and at.query_params["scenario"] == "esxi-figure"
    at.sidebar.radio(key="_lang_widget").set_value("de").run()
    assert not at.exception
    assert at.title[0].value.startswith("ESXi-Arbeitsspeichervirtualisierung")
    assert at.session_state["lang"] == "de" and at.query_params["lang"] == "de"


def test_home_scenario_picker_sets_the_shared_scenario():
    at = app(HOME)
    at.selectbox(key="_home_builtin").set_value("context-switch").run()
    assert not at.exception
    assert at.session_state["scenario_name"] == "context-switch"
    assert at.session_state["scenario"].name == "context-switch"
    assert at.query_params["scenario"] == "context-switch"


def test_home_deep_link_and_bad_values():
    at = app(HOME, lang="de", scenario="tlb-reach")
    assert at.session_state["lang"] == "de" and at.session_state["scenario_name"] == "tlb-reach"
    assert not at.warning
    bad = app(HOME, lang="fr", scenario="nope")
    warnings = texts(bad, "warning")
    assert any("“fr”" in w for w in warnings) and any("“nope”" in w and "esxi-figure" in w for w in warnings)
    assert bad.session_state["lang"] == "en" and bad.session_state["scenario_name"] == "esxi-figure"


def test_uploads_are_validated_with_the_fields_name():
    good = (ROOT / "visualizer" / "scenarios" / "context-switch.toml").read_bytes()
    s, err = load_upload("mine.toml", good)
    assert err is None and s.name == "context-switch"
    s, err = load_upload("broken.toml", b"[[vm]]\nname = 'A'\nmemory = 1000\n")
    assert s is None and "vm[0].memory" in err
    s, err = load_upload("bad.toml", b"name = \n")
    assert s is None and "not valid TOML" in err and "line 1" in err
    s, err = load_upload("bin.toml", b"\xff\xfe\x00")
    assert s is None and "UTF-8" in err


# -- Step through ------------------------------------------------------------------------------------
def test_step_page_loads_at_step_zero_with_the_stable_keys():
    at = app(STEP)
    keys = {b.key for b in at.button}
    assert {"step_forward", "step_back", "reset"} <= keys
    assert at.radio(key="_mode.en").value == "shadow"
    s = sess(at)
    assert s.step == 0 and s.scenario.name == "esxi-figure"
    assert 'data-step="0"' in diagram_markup(at)
    assert at.button(key="step_back").disabled and not at.button(key="step_forward").disabled


def test_step_forward_and_back():
    at = app(STEP)
    at.button(key="step_forward").click().run()
    at.button(key="step_forward").click().run()
    assert not at.exception
    s = sess(at)
    assert s.step == 2 and s.record.index == 1
    markup = diagram_markup(at)
    assert 'data-step="2"' in markup and "shadow-map" in markup and "current" in markup
    assert "Step 2 of 14" in markup  # the status line sits on the stage, above the diagram
    assert at.query_params["step"] == "2" and at.query_params["mode"] == "shadow"
    at.button(key="step_back").click().run()
    assert sess(at).step == 1 and sess(at).record.index == 0
    at.button(key="reset").click().run()
    assert sess(at).step == 0 and sess(at).record is None


@pytest.mark.parametrize("params", [dict(lang="en"), dict(lang="de", mode="nested", figure="0"),
                                    dict(lang="en", present="1"), dict(lang="de", present="1", mode="nested")],
                         ids=["stage-en", "stage-de-nested-all-pages", "lecture-en", "lecture-de-nested"])
def test_the_steps_beside_are_the_stages_the_next_and_previous_steps_show(params):
    """The next and the previous step's stage go with each step (the browser shows one at the click
    on Step or Back): each is the markup a fresh page opened at that step shows, figures, narration
    and all; none past either end."""
    forward, back = ("lec_forward", "lec_back") if params.get("present") else ("step_forward", "step_back")
    at = app(STEP, step="0", **params)
    total = sess(at).total
    assert svg_view_data(at)["diagram"]["behind"] == ""
    for step in (0, 1, 6, 11, total - 1, total):
        if sess(at).step != step:
            at = app(STEP, step=str(step), **params)
        beside = svg_view_data(at)["diagram"]
        if step > 0:
            assert beside["behind"] == diagram_markup(app(STEP, step=str(step - 1), **params))
        if step == total:
            assert beside["ahead"] == ""
            continue
        assert f'data-step="{step + 1}"' in beside["ahead"]
        assert beside["ahead"] == diagram_markup(app(STEP, step=str(step + 1), **params))
        at.button(key=forward).click().run()
        assert not at.exception and sess(at).step == step + 1
        assert diagram_markup(at) == beside["ahead"]
        assert svg_view_data(at)["diagram"]["behind"] == beside["html"]
    at.button(key=back).click().run()
    assert sess(at).step == total - 1 and diagram_markup(at) == beside["behind"]


def test_no_step_ahead_where_the_next_step_is_not_the_one_shown_at_the_click():
    """Predict first asks before it steps, "both" draws two modes, autoplay steps by the clock:
    no step ahead there."""
    for params in (dict(predict="1"), dict(mode="both")):
        at = app(STEP, step="3", **params)
        assert not at.exception and svg_view_data(at)["diagram"]["ahead"] == ""
        assert svg_view_data(at)["diagram"]["behind"] == ""
    at = app(STEP, step="3")
    at.toggle(key="autoplay").set_value(True).run()
    assert svg_view_data(at)["diagram"]["ahead"] == "" and svg_view_data(at)["diagram"]["behind"] == ""
    # "both" chosen and Step clicked in one run: the step ahead made for one mode is not shown
    at = app(STEP, step="3")
    assert svg_view_data(at)["diagram"]["ahead"]
    at.radio(key="_mode.en").set_value("both")
    at.button(key="step_forward").click()
    at.run()
    markup = diagram_markup(at)
    assert sess(at).step == 4 and 'data-mode="shadow"' in markup and 'data-mode="nested"' in markup


def test_mode_switch_replays_to_the_same_step():
    at = app(STEP, step="5")
    before = sess(at).machine.totals().accesses
    at.radio(key="_mode.en").set_value("nested").run()
    assert not at.exception
    s = sess(at)
    assert s.mode is Mode.NESTED and s.step == 5 and s.machine.totals().accesses == before
    markup = diagram_markup(at)
    assert 'data-mode="nested"' in markup and "shadow-map" not in markup and "vmm-map" in markup
    assert at.query_params["mode"] == "nested"


def test_deep_link_reproduces_the_view():
    at = app(STEP, scenario="esxi-figure", mode="nested", step="7", lang="de")
    s = sess(at)
    assert (s.scenario.name, s.mode, s.step) == ("esxi-figure", Mode.NESTED, 7)
    assert at.session_state["lang"] == "de"
    assert any("<h1>Speicherzugriffe Schritt für Schritt</h1>" in m.value for m in at.markdown)
    assert not at.warning
    reference = builtin("esxi-figure").machine(Mode.NESTED)
    for i in range(7):
        reference.execute(builtin("esxi-figure").trace[i], i)
    assert s.machine.totals().as_dict() == reference.totals().as_dict()


@pytest.mark.parametrize("params, needle, step", [
    ({"step": "abc"}, "“abc”", 0),
    ({"step": "999"}, "Step 999 in the link is beyond the last step (14)", 14),
    ({"step": "-3"}, "“\\-3”", 0),  # shown as Markdown: the escaped minus renders as "-"
    ({"mode": "turbo", "step": "3"}, "“turbo”", 3),
    ({"scenario": "no-such", "step": "2"}, "“no-such”", 2),
    ({"lang": "xx", "step": "1"}, "“xx”", 1),
])
def test_bad_deep_link_values_give_a_message_and_a_fallback(params, needle, step):
    at = app(STEP, **params)
    assert any(needle in w for w in texts(at, "warning")), texts(at, "warning")
    s = sess(at)
    assert s.step == step and s.mode is Mode.SHADOW and s.scenario.name == "esxi-figure"
    assert at.query_params["step"] == str(step)  # the address bar is corrected


def test_access_now_adds_an_access_after_the_current_step():
    at = app(STEP, step="4")
    at.selectbox(key="acc_target").set_value("VM2/p2")
    at.text_input(key="acc_gva").set_value("0x7000")
    at.radio(key="acc_kind.en").set_value("write")
    at.text_input(key="acc_value").set_value("0x2a")
    at.button(key="acc_submit").click().run()
    assert not at.exception
    s = sess(at)
    assert s.step == 5 and len(s.trace) == 15
    assert s.record.op == Op(OpKind.WRITE, "VM2", "p2", 0x7000, 0x2a)
    assert any("operation 5" in x for x in texts(at, "success"))
    # the rest of the trace follows the added access; the mode switch keeps it
    at.radio(key="_mode.en").set_value("nested").run()
    s = sess(at)
    assert s.step == 5 and s.trace[4] == Op(OpKind.WRITE, "VM2", "p2", 0x7000, 0x2a)
    assert s.record.op == Op(OpKind.WRITE, "VM2", "p2", 0x7000, 0x2a)


@pytest.mark.parametrize("field, value, needle", [
    ("acc_gva", "hello", "“hello”"),
    ("acc_gva", "0xffff800000000000", "“0xffff800000000000”"),
    ("acc_value", "zz", "“zz”"),
])
def test_bad_form_input_gives_a_message_and_keeps_the_state(field, value, needle):
    at = app(STEP, step="3")
    at.radio(key="acc_kind.en").set_value("write")
    at.text_input(key=field).set_value(value)
    at.button(key="acc_submit").click().run()
    assert not at.exception
    assert any(needle in e for e in texts(at, "error"))
    s = sess(at)
    assert s.step == 3 and len(s.trace) == 14


def test_step_page_in_german():
    at = app(STEP, lang="de", step="1")
    assert "Schritt 1 von 14" in diagram_markup(at)
    assert "Schattenseitentabellen" in diagram_markup(at)


def test_uploaded_scenario_reaches_the_step_page():
    at = app(STEP)
    s, _ = load_upload("mine.toml", (ROOT / "visualizer" / "scenarios" / "page-table-update.toml").read_bytes())
    at.session_state["scenario"] = s
    at.session_state["scenario_name"] = s.name
    at.session_state["scenario_builtin"] = False
    at.run()
    assert not at.exception and sess(at).scenario is s and sess(at).total == 8
    assert at.query_params["scenario"] == "upload:page-table-update"  # the link says it was uploaded


def test_an_exercise_link_opens_the_exercises_scenario_at_its_step():
    """Practice's "see it happen" link: the step page makes the exercise's scenario again from
    kind, seed and number, and stands right after the step the answer is about."""
    from visualizer.learn import exercises as X
    for ex in X.generate(2, count=5):  # one of each kind
        link = X.link_name(ex)
        href = X.step_link(ex, "en")
        assert href.startswith("/Step_through?")
        params = dict(urllib.parse.parse_qsl(href.split("?", 1)[1]))
        assert params["scenario"] == link and params["mode"] == ex.mode  # "both": side by side
        at = app(STEP, **params)
        assert not at.warning, texts(at, "warning")
        s = sess(at)
        mode = s.mode.value  # the side-by-side view's first diagram is shadow's
        assert mode == (ex.mode if ex.mode != "both" else "shadow")
        scenario, _, records = X.run(ex.scenario, mode)
        assert s.scenario.trace.ops() == scenario.trace.ops() and s.step == ex.step + 1
        # the page shows the record the exercise is about
        assert s.record == records[ex.step]
        if ex.kind == "tlb":
            assert s.record.tlb.value == ex.answer["tlb"]
        assert at.query_params["scenario"] == link and at.query_params["mode"] == ex.mode  # the address bar keeps it


@pytest.mark.parametrize("value", ["exercise:tlb:1:0", "exercise:nope:1:1", "exercise:tlb:x:1", "exercise:tlb"])
def test_a_bad_exercise_link_names_the_problem_and_keeps_the_scenario(value):
    at = app(STEP, scenario=value, step="2")
    assert any(value in w.replace("\\", "") and "exercise:KIND:SEED:N" in w for w in texts(at, "warning")), \
        texts(at, "warning")
    assert sess(at).scenario.name == "esxi-figure" and sess(at).step == 2


# -- the session layer ---------------------------------------------------------------------------------
def _timeline(name: str, mode: Mode, every: int | None = None) -> Timeline:
    s = builtin(name)
    return Timeline(s.config, mode, s.trace, every=every).precompute()


def _fingerprint(m) -> str:
    h = hashlib.sha1(m.mem.image.tobytes())
    h.update(repr(sorted(m.tlb.contents())).encode())
    h.update(repr(m.totals().as_dict()).encode())
    return h.hexdigest()


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_checkpointed_state_equals_stepping_from_zero(mode):
    s = builtin("tlb-reach")
    tl = Timeline(s.config, mode, s.trace, every=100).precompute()
    assert sorted(tl.checkpoints) == list(range(0, 2001, 100))
    ref = s.machine(mode)
    recs = {}
    for i in range(1357):
        recs[i + 1] = ref.execute(s.trace[i], i)
        if i + 1 in (1, 99, 100, 101, 733, 1357):
            m, rec = tl.state_at(i + 1)
            assert _fingerprint(m) == _fingerprint(ref)
            assert rec.events == recs[i + 1].events


def test_sessions_never_change_the_shared_timeline():
    shared = {m: _timeline("esxi-figure", m, every=4) for m in (Mode.SHADOW, Mode.NESTED)}
    before = {(m, k): _fingerprint(c) for m, tl in shared.items() for k, c in tl.checkpoints.items()}
    a = Session(builtin("esxi-figure"), Mode.SHADOW, lambda sc, mode: shared[mode])
    b = Session(a.scenario, Mode.SHADOW, lambda sc, mode: shared[mode])
    for _ in range(6):
        a.forward()
    a.add_access(Op(OpKind.WRITE, "VM1", "p1", 0x500000, 7))
    a.set_mode(Mode.NESTED)
    a.goto(13)
    b.goto(9)
    assert b.machine is not a.machine and b.step == 9 and a.step == 13
    after = {(m, k): _fingerprint(c) for m, tl in shared.items() for k, c in tl.checkpoints.items()}
    assert after == before
    assert len(b.trace) == 14 and len(a.trace) == 15


def test_added_access_then_back_and_forward_replays_it():
    tl = {m: _timeline("esxi-figure", m) for m in (Mode.SHADOW, Mode.NESTED)}
    s = Session(builtin("esxi-figure"), Mode.SHADOW, lambda sc, mode: tl[mode])
    s.goto(2)
    op = Op(OpKind.READ, "VM1", "p1", 0x400000)
    s.add_access(op)
    first = s.record
    s.back()
    s.forward()
    assert s.step == 3 and s.record.op == op and s.record.events == first.events
    s.goto(15)
    assert s.record.op == builtin("esxi-figure").trace[13]


def test_insert_op_keeps_the_other_operations_in_place():
    t = builtin("esxi-figure").trace
    op = Op(OpKind.READ, "VM2", "p2", 0x9000)
    u = insert_op(t, 7, op)
    assert len(u) == len(t) + 1 and u[7] == op
    assert [u[i] for i in range(7)] == [t[i] for i in range(7)]
    assert [u[i + 1] for i in range(7, len(t))] == [t[i] for i in range(7, len(t))]
    assert insert_op(Trace.from_ops([]), 0, op)[0] == op


def test_parse_access():
    cfg = builtin("esxi-figure").config
    assert parse_access(AccessForm("VM1", "p1", "400000", "read"), cfg) == (Op(OpKind.READ, "VM1", "p1", 0x400000), None)
    assert parse_access(AccessForm("VM1", "p1", "0x40_1000", "write", "0XFF"), cfg)[0].value == 0xFF
    assert parse_access(AccessForm("VM1", "p1", "", "read"), cfg) == (None, "err.gva")
    assert parse_access(AccessForm("VM1", "p1", "0x800000000000", "read"), cfg) == (None, "err.gva")
    assert parse_access(AccessForm("VM1", "p1", "0x1000", "write", "-1"), cfg) == (None, "err.value")
    assert parse_access(AccessForm("VM9", "p1", "0x1000", "read"), cfg)[0] is None


def test_autoplay_advances_and_stops_at_the_end():
    import time
    at = app(STEP, scenario="context-switch", step="4")
    at.select_slider(key="_speed.en").set_value(4.0)
    at.toggle(key="autoplay").set_value(True).run()
    assert not at.exception and sess(at).step == 4  # the first tick only starts the clock
    for want in (5, 6):
        time.sleep(0.3)
        at.run()
        assert not at.exception and sess(at).step == want
    time.sleep(0.3)
    at.run()  # at the end: autoplay switches itself off
    assert not at.exception and sess(at).step == 6
    assert at.toggle(key="autoplay").value is False


@pytest.mark.parametrize("raw, step, says", [("²", 0, "is not a whole number"), ("١٢", 0, "is not a whole number"),
                                             ("9" * 5000, 14, "is beyond the last step (14)"),
                                             ("99", 14, "Step 99 in the link is beyond the last step (14); showing step 14"),
                                             ("-3", 0, "is not a whole number"), ("0x4", 0, "is not a whole number")])
def test_hostile_step_links_give_a_message_not_a_traceback(raw, step, says):
    at = app(STEP, scenario="esxi-figure", mode="shadow", step=raw)
    assert not at.exception
    assert any(says in w for w in texts(at, "warning")), texts(at, "warning")
    assert sess(at).step == step  # a whole number past the end shows the end


def test_a_bad_mode_link_names_every_mode_the_page_takes():
    at = app(STEP, scenario="esxi-figure", mode="native", step="2")
    assert not at.exception
    assert any("(shadow, nested or both)" in w for w in texts(at, "warning")), texts(at, "warning")
    assert sess(at).step == 2 and sess(at).mode.value == "shadow"  # the rest of the link is taken


def test_markdown_in_a_mode_link_is_shown_as_text():
    payload = 'x". **Your session expired.** [Log in again](http://example.invalid)'
    at = app(STEP, scenario="esxi-figure", mode=payload)
    assert not at.exception
    from visualizer.text.plain import plain
    warning = next(w for w in texts(at, "warning") if "mode" in w.lower())
    assert plain(payload) in warning


def test_a_click_carrying_the_address_from_before_the_last_update_is_not_a_link():
    # a presenter's clicker is fast: the diagram of step 3 is up, the address bar still says
    # step=2 — that click must step forward, not go back to the step it came from
    at = app(STEP, scenario="esxi-figure", mode="shadow", step="0", lang="en")
    for want in (1, 2, 3):
        at.button(key="step_forward").click().run()
        assert sess(at).step == want and at.query_params["step"] == str(want)
    at.query_params["step"] = "2"  # what the browser still sends
    at.button(key="step_forward").click().run()
    assert sess(at).step == 4 and at.query_params["step"] == "4"
    # a value this page never wrote is a link being opened, and is followed
    at.query_params["step"] = "9"
    at.run()
    assert sess(at).step == 9


def test_a_link_from_another_page_to_a_step_written_before_is_followed():
    at = app(STEP, scenario="esxi-figure", mode="shadow", step="5", lang="en")
    at.button(key="step_forward").click().run()
    assert sess(at).step == 6
    # another page of the app runs in between (the session is the same), then links to step 5
    at.session_state["_qp_page"] = "nav.lessons"
    at.query_params["step"] = "5"
    at.run()
    assert sess(at).step == 5
