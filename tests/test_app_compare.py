"""AppTest for the Compare and Costs pages: they load, react to their widgets, speak both
languages, and bad input gives a message on the page without losing the previous trace."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from visualizer.engine import builtin

ROOT = Path(__file__).resolve().parent.parent
COMPARE = str(ROOT / "pages" / "2_Compare.py")
COSTS = str(ROOT / "pages" / "3_Costs.py")


BARE = {f"cmp.m.{k}": v for k, v in {"pwc": False, "nested_tlb": False, "ept_large": False,
                                     "guest_large": False}.items()}
"""The bare machine's switches (no MMU caches, 4 KiB backing): where the textbook trade-off shows."""


def compare_app(lang=None, accesses=20000, **state) -> AppTest:
    at = AppTest.from_file(COMPARE, default_timeout=120)
    if lang:
        at.session_state["lang"] = lang
    at.session_state["cmp.p.mix.accesses"] = accesses
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


def shown(markdown: str) -> str:
    """What Markdown text shows: backslash escapes and entities (from text.plain) undone."""
    import html
    import re
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def explanation(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "wins" in m.value or "gewinnt" in m.value)


def cpa(at: AppTest) -> dict[str, float]:
    return {m.label.split(" ")[0]: float(m.value.replace(",", "")) for m in at.metric}


def test_compare_page_loads_with_three_modes_side_by_side():
    at = compare_app()
    assert not at.exception and not at.error
    assert at.title[0].value == "Shadow vs nested paging on one trace"
    values = cpa(at)
    assert set(values) == {"native", "shadow", "nested"}
    assert values["native"] < values["shadow"] and values["native"] < values["nested"]
    assert "**Shadow** wins" in explanation(at) or "**Nested** wins" in explanation(at)
    table = at.table[0].value
    assert list(table.columns) == ["native", "shadow", "nested"]
    assert "VM exits" in table.index and "cycles per access" in table.index
    assert len(at.get("vega_lite_chart")) >= 2


def test_compare_page_in_german():
    at = compare_app(lang="de")
    assert not at.exception
    assert at.title[0].value.startswith("Schatten- gegen verschachtelte Seitentabellen")
    assert [m.label for m in at.metric] == ["nativ (ohne Virtualisierung)", "Schattenseitentabellen (Software)",
                                            "verschachtelte Seitentabellen (Hardware)"]
    assert "gewinnt" in explanation(at)
    assert "Takte je Zugriff" in at.table[0].value.index
    # the generator's machine is the default one, said in German (it once came out as the English
    # "Machine from the scenario file")
    machine = [shown(c.value) for c in at.caption if "VM1" in c.value]
    assert len(machine) == 1 and machine[0].startswith("Standardmaschine: VM1"), machine


@pytest.mark.parametrize("kind, winner", [("pt_churn", "Nested"), ("context_switch", "Nested"),
                                          ("tlb_thrash", "Shadow")])
def test_generator_choice_moves_the_winner_on_the_bare_machine(kind, winner):
    at = compare_app(**{"cmp.kind": kind, f"cmp.p.{kind}.accesses": 20000}, **BARE)
    assert not at.exception and not at.error
    assert explanation(at).startswith(f"**{winner}** wins")


def test_changing_a_parameter_reruns_the_comparison():
    at = compare_app()
    before = cpa(at)["shadow"]
    at.number_input(key="_cmp.p.mix.update_rate").set_value(80.0).run()
    assert not at.exception
    assert cpa(at)["shadow"] > 2 * before


def test_program_trace_source():
    at = compare_app(**{"cmp.source": "program"}, **BARE)
    assert not at.exception and not at.error
    assert any("listwalk.c" in c.value for c in at.caption)
    assert explanation(at).startswith("**Shadow** wins")  # pointer chasing: TLB misses, each a 24-reference walk


def test_costs_from_the_cost_page_reach_the_comparison():
    cheap = cpa(compare_app(**{"cost_overrides": {"walk_ref": 4}}, **BARE))
    dear = cpa(compare_app(**{"cost_overrides": {"walk_ref": 200}}, **BARE))
    assert dear["nested"] > 3 * cheap["nested"]
    at = compare_app(**{"cost_overrides": {"walk_ref": 200}})
    assert any("walk reference 200 cycles" in c.value for c in at.caption)


def test_bad_tlb_geometry_is_a_message_not_a_traceback():
    at = compare_app()
    at.selectbox(key="_cmp.m.tlb_entries").set_value(8).run()
    at.selectbox(key="_cmp.m.tlb_ways").set_value(16).run()
    assert not at.exception
    assert any("8 entries is not a multiple of 16 ways" in e.value for e in at.error)
    at.selectbox(key="_cmp.m.tlb_ways").set_value(4).run()
    assert not at.error and len(at.metric) == 3


GOOD = b"vm,process,op,address\nVM1,p1,write,0x400000\nVM1,p1,read,0x400000\nVM1,p2,read,0x400000\n"
BAD = b"VM1,p1,read,0x400000\nVM1,p1,jump,0x400000\n"


def test_upload_then_bad_upload_keeps_the_previous_trace():
    at = compare_app(**{"cmp.source": "upload"})
    assert not at.exception and not at.metric          # nothing uploaded yet
    at.file_uploader(key="cmp.uploader.0").upload("t.csv", GOOD, "text/csv").run()
    assert not at.exception and not at.error
    assert any("Loaded t.csv: csv, 3 operations" in shown(c.value) for c in at.caption)
    ops = at.table[0].value.loc["operations"].tolist()
    assert ops == ["3", "3", "3"]
    # a fresh, empty uploader after each upload: the old file's bytes are dropped
    assert not at.file_uploader(key="cmp.uploader.1").value
    at.file_uploader(key="cmp.uploader.1").upload("bad.csv", BAD, "text/csv").run()
    assert not at.exception
    assert shown(at.error[0].value) == ("Upload rejected — bad.csv: line 2, field 'op': 'jump' is not an operation (one of "
                                 "read, write, exec, map, unmap, protect, invlpg, switch, swap_out, fork, exit)")
    assert any("Still comparing the previous trace: t.csv" in shown(c.value) for c in at.caption)
    assert at.table[0].value.loc["operations"].tolist() == ["3", "3", "3"]


def test_an_upload_the_server_dropped_for_room_is_named_and_nothing_breaks():
    from visualizer.app import ui
    at = compare_app(**{"cmp.source": "upload"})
    at.file_uploader(key="cmp.uploader.0").upload("t.csv", GOOD, "text/csv").run()
    token = at.session_state["cmp.upload"]["token"]
    assert ui.upload_store().get(token).name == "t.csv" and not at.warning
    ui.upload_store().drop(token)  # what the store does to the least recently used upload when full
    at.run()
    assert not at.exception and not at.metric
    assert [shown(w.value) for w in at.warning] == [
        "The server no longer holds your uploaded trace “t.csv”: uploads of all sessions share 256 MiB, and the "
        "oldest go first. Upload it again to compare it."]
    at.file_uploader(key="cmp.uploader.1").upload("t.csv", GOOD, "text/csv").run()
    assert not at.warning and len(at.metric) == 3


def test_upload_of_a_scenario_file_uses_its_machine():
    at = compare_app(**{"cmp.source": "upload"}, **BARE)
    at.file_uploader(key="cmp.uploader.0").upload("ptu.toml", builtin("page-table-update").source.encode()).run()
    assert not at.exception and not at.error
    assert any(shown(c.value).startswith("Machine from the scenario file: VM1 64 KiB (p1)") for c in at.caption)
    assert at.table[0].value.loc["operations"].tolist() == ["8", "8", "8"]
    # today's machine backs guest memory with 2 MiB pages: the VM's memory becomes one whole block
    at.segmented_control(key="_cmp.preset").set_value("today").run()
    machine = next(shown(c.value) for c in at.caption if "scenario file" in c.value)
    assert machine.startswith("Machine from the scenario file: VM1 2 MiB (p1)") and "2 MiB backing" in machine


def test_upload_of_a_lackey_trace(tmp_path):
    data = (ROOT / "visualizer" / "traces" / "listwalk.lackey.gz").read_bytes()
    at = compare_app(**{"cmp.source": "upload"})
    at.file_uploader(key="cmp.uploader.0").upload("listwalk.lackey.gz", data, "application/gzip").run()
    assert not at.exception and not at.error
    assert any("lackey, 110,169 operations" in c.value for c in at.caption)


def test_sweep_shows_the_crossover_and_rejects_bad_values():
    at = compare_app(**{"cmp.sweep.accesses": 5000}, **BARE)
    at.text_input(key="_cmp.sweep.values.walk_ref").set_value("4, 300").run()
    at.button(key="cmp.sweep.run").click().run()
    assert not at.exception and not at.error
    assert any(m.value.startswith("Crossover near cycles per walk reference") for m in at.markdown)
    at.text_input(key="_cmp.sweep.values.walk_ref").set_value("4, lots").run()
    assert any("Values: '4, lots'" in e.value for e in at.error)
    assert at.button(key="cmp.sweep.run").disabled


def test_command_line_reproduction_is_offered():
    at = compare_app()
    code = at.code[0].value
    assert code.splitlines() == [f"python -m visualizer run comparison.toml --mode {m} --json"
                                 for m in ("native", "shadow", "nested")]


# -- costs page ------------------------------------------------------------------------------
def costs_app(lang=None) -> AppTest:
    at = AppTest.from_file(COSTS, default_timeout=60)
    if lang:
        at.session_state["lang"] = lang
    return at.run()


def test_costs_page_lists_every_cost_with_default_source_and_estimates():
    at = costs_app()
    assert not at.exception
    from visualizer.engine import COSTS
    assert len(at.number_input) == len(COSTS) >= 11
    texts = " ".join(m.value for m in at.markdown)
    assert "**One page-walk memory reference**" in texts
    assert texts.count(":orange-badge[estimate]") == sum(c.estimate for c in COSTS) >= 7
    assert any("default 600 · RDTSC round trips" in c.value for c in at.caption)


def test_presets_and_edits_are_kept_and_reset():
    at = costs_app()
    at.radio(key="_cost.preset.walk.en").set_value("DRAM").run()
    assert at.session_state["cost_overrides"] == {"walk_ref": 200}
    assert at.number_input(key="_cost.walk_ref").value == 200
    at.number_input(key="_cost.vm_exit").set_value(1700).run()
    assert at.radio(key="_cost.preset.exit.en").value == "older CPU (Core 2)"
    at.number_input(key="_cost.walk_ref").set_value(55).run()
    assert at.radio(key="_cost.preset.walk.en").value == "custom"
    derived = at.table[0].value
    assert derived.iloc[1, 0] == "1,320"  # 24 × 55
    at.button(key="cost.reset").click().run()
    assert at.session_state["cost_overrides"] == {}
    assert at.number_input(key="_cost.walk_ref").value == 40


def test_costs_page_in_german():
    at = costs_app("de")
    assert not at.exception
    assert at.title[0].value == "Das Kostenmodell"
    texts = " ".join(m.value for m in at.markdown)
    assert ":orange-badge[Schätzung]" in texts and "Ein Speicherzugriff beim Seitentabellendurchlauf" in texts


def test_the_active_scenario_from_the_home_page_and_a_deep_link_language():
    at = AppTest.from_file(COMPARE, default_timeout=120)
    at.query_params["lang"] = "de"
    at.query_params["scenario"] = "page-table-update"
    at.session_state["cmp.source"] = "scenario"
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["lang"] == "de"
    assert any("page-table-update" in c.value for c in at.caption)
    table = at.table[0].value
    assert table.loc["Operationen"].tolist() == ["8", "8", "8"]
    # in shadow mode every guest page-table write exits; in nested mode none does
    assert int(table.loc["VM-Exits"].iloc[1]) > 0 and "  VM-Exits: Schreibzugriffe auf Gast-Seitentabellen" in table.index


def test_a_bad_language_in_the_link_is_a_message():
    at = AppTest.from_file(COMPARE, default_timeout=120)
    at.query_params["lang"] = "xx"
    at.session_state["cmp.p.mix.accesses"] = 5000
    at.run()
    assert not at.exception
    assert any("xx" in w.value for w in at.warning)
    assert at.title[0].value == "Shadow vs nested paging on one trace"


def test_the_class_server_caps_uploads_below_the_command_line():
    at = compare_app(**{"cmp.source": "upload"})
    assert any("8,000,000 operations" in shown(c.value) and "16 MiB" in shown(c.value) and
               "compare --trace" in shown(c.value) for c in at.caption)
    # the file as uploaded: the server's limit (the app checks it too); the operations' cap is
    # the reader's max_rows (tests/test_traceio.py)
    at.file_uploader(key="cmp.uploader.0").upload("huge.csv", b"#" * (16 << 20) + b"\n", "text/csv").run()
    assert not at.exception and any("larger than 16 MiB" in shown(e.value) for e in at.error)
