"""The Overcommit page (AppTest) and what it is made of: the lab's settings, their bounds and deep
link (``visualizer.app.overcommit_lab``), the renderers (``visualizer.render.overcommit``) and
Waldspurger's Figure 4 beside the model — its shape with salting off, and no sharing across VMs
with salting on."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from visualizer.app import overcommit_lab as L
from visualizer.engine.overcommit import PAPER_FIG4, Content, LabConfig, run_lab, sharing_sweep
from visualizer.render import overcommit as R
from visualizer.text.i18n import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "8_Overcommit.py")


def shown(markdown: str) -> str:
    """What Markdown text shows: backslash escapes and entities (from render.plain) undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def page(lang: str = "en", link: dict | None = None, **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = lang
    for k, v in (link or {}).items():
        at.query_params[k] = v
    for k, v in state.items():
        at.session_state[f"oc.{k}"] = v
    return at.run()


def texts(at: AppTest, kind: str) -> list[str]:
    return [shown(e.value) for e in getattr(at, kind)]


def charts(at: AppTest) -> list[dict]:
    return [c.proto.spec for c in at.get("vega_lite_chart")]


def set_widget(at: AppTest, name: str, value) -> AppTest:
    """Change a control as a user would (its widget key is ``_oc.<name>``)."""
    for kind in ("slider", "select_slider", "number_input", "toggle"):
        for w in getattr(at, kind):
            if w.key == f"_oc.{name}":
                w.set_value(value)
                return at.run()
    raise AssertionError(f"no control for {name}")


# -- the page ----------------------------------------------------------------------------------------
def test_the_default_lab_runs_and_shows_everything_in_english():
    at = page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Memory overcommit: the host's reclamation lab"
    assert [s for s in texts(at, "success") if s.startswith("**Nothing lost**: every one of the")]
    labels = [m.label for m in at.metric]
    assert labels == ["lowest host state", "fewest free pages", "shared", "reclaimed"]
    # the default lab is overcommitted enough to reach the low state and use every technique
    assert at.metric[0].value == "low"
    specs = " ".join(charts(at))
    for needle in ("on the guest's virtual disk", "ballooned", "swapped by the host", "compressed",
                   "page pinned by the balloon", "guest page written to its virtual disk",
                   "page written to the VM's swap file", "page compressed into the cache", "zero page found and shared",
                   "symlog", "guest kernel: zeroing pages, its own paging"):
        assert needle in specs, needle
    assert len(charts(at)) == 5  # bands, host state, state strip, events, cycles
    thresholds = at.table[0].value
    assert list(thresholds.iloc[:, 0]) == ["< 400%", "≥ 100%", "< 100%", "< 64%", "< 32%", "< 16%"]
    markdown = " ".join(texts(at, "markdown"))
    assert "The host's states in order: high → clear → soft → hard" in markdown
    assert "**Ballooning** took" in markdown and "**Host swapping** took" in markdown
    assert "double paging" in markdown
    # the step page's built-in scenario, linked (a plain link when the page runs on its own)
    assert "Step_through?scenario=overcommit&mode=nested&step=0&lang=en" in markdown
    # the scaled minFree is explained with ESXi's own share
    caption = " ".join(texts(at, "caption"))
    assert "minFree is 22 pages here (12.5% of the 175 pages for the guests)" in caption
    assert "about 3.1% of a 28 GB host" in caption
    assert at.button(key="oc.fig4.run").label.startswith("Run the sweep")


def test_the_page_in_german():
    at = page("de")
    assert not at.exception and not at.error
    assert at.title[0].value == "Speicherüberbelegung: das Labor der Speicherrückgewinnung"
    assert [s for s in texts(at, "success") if s.startswith("**Nichts verloren**: Jeder der")]
    assert [m.label for m in at.metric] == ["niedrigster Zustand", "Minimum freier Seiten", "gemeinsam genutzt",
                                           "zurückgewonnen"]
    specs = " ".join(charts(at))
    assert "auf der virtuellen Platte des Gasts" in specs and "Takte" in specs
    assert '"decimal": ","' in specs  # numbers on the axes in German style
    assert "minFree ist hier 22 Seiten (12,5 % der 175 Seiten für die Gäste)" in " ".join(texts(at, "caption"))


def test_a_control_changes_the_lab_and_the_address_bar():
    at = page()
    at = set_widget(at, "balloon", False)
    assert not at.exception and not at.error
    assert at.query_params["balloon"] in ("0", ["0"])
    specs = " ".join(charts(at))
    assert "page pinned by the balloon" not in specs
    assert "**Ballooning** took no pages in this run" in " ".join(texts(at, "markdown"))
    assert "and ballooning is off" in " ".join(texts(at, "markdown"))


def test_a_link_opens_a_lab_and_bad_values_are_named():
    at = page(link={"vms": "2", "vm_kib": "128", "machine_kib": "4096", "salting": "maybe", "period": "0",
                    "mode": "native", "min_free_pct": "nan"})
    assert not at.exception and not at.error
    assert at.session_state["oc.vms"] == 2 and at.session_state["oc.vm_kib"] == 128
    warnings = texts(at, "warning")
    assert any("“salting” = “maybe” ignored: expected 1 or 0" in w for w in warnings)
    assert any("“period” = “0” ignored: expected a number from 1 to 64" in w for w in warnings)
    assert any("“mode” = “native” ignored: expected one of nested, shadow" in w for w in warnings)
    assert any("“min_free_pct” = “nan” ignored" in w for w in warnings)
    # a machine with room for both VMs: nothing overcommitted, only the sharing scan runs
    assert "they fit: nothing is overcommitted" in " ".join(texts(at, "caption"))
    assert at.metric[0].value == "high"


@pytest.mark.parametrize("state, needle", [
    ({"zero_pct": 60, "image_pct": 60}, "Content: 60% zero pages and 60% pages of the image add up to more than 100%"),
    ({"machine_kib": 802}, "Machine memory: 802 KiB is not a multiple of the 4 KiB page size."),
    ({"vms": 10, "machine_kib": 128}, "Machine memory: 128 KiB is too small for 10 VMs — it needs at least"),
    ({"vms": 10, "vm_kib": 1024, "machine_kib": 8192, "work": 4000, "period": 1, "scan_pages": 64},
     "This lab is larger than the page runs"),
])
def test_bad_settings_give_a_message_and_keep_the_previous_lab(state, needle):
    at = page()
    before = at.metric[1].value
    for k, v in state.items():
        at.session_state[f"oc.{k}"] = v
    at.run()
    assert not at.exception
    errors = texts(at, "error")
    assert len(errors) == 1 and needle in errors[0], errors
    assert "Still showing the previous lab." in texts(at, "caption")
    assert at.metric[1].value == before and len(charts(at)) == 5


def test_ballooning_alone_running_out_of_memory_is_explained():
    at = page()
    at = set_widget(at, "compression", False)
    at = set_widget(at, "host_swap", False)
    assert not at.exception
    errors = texts(at, "error")
    assert len(errors) == 1 and errors[0].startswith("Machine memory ran out: machine memory exhausted")
    assert "ballooning alone could not free pages fast enough" in errors[0]
    assert "Still showing the previous lab." in texts(at, "caption")


def test_hostile_session_values_fall_back_to_the_defaults():
    """A setting of the wrong kind (as an old session might hold) is read as its default."""
    at = page(vms="ten", vm_kib=999, salting="yes", mode=3)
    assert not at.exception and not at.error
    assert at.session_state["oc.vms"] == 4 and at.session_state["oc.vm_kib"] == 256
    assert at.session_state["oc.salting"] is True and at.session_state["oc.mode"] == "nested"


def test_the_figure_4_section_in_german_shows_the_sweep_beside_the_paper():
    off = sharing_sweep(3, 24, Content(), salting=False)
    on = sharing_sweep(3, 24, Content(), salting=True)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = "de"
    at.session_state["oc.fig4"] = {"key": "fig4:v1:20:50", "zero": 20, "image": 50, "off": off, "on": on,
                                   "seconds": 1.0}
    at.run()
    assert not at.exception and not at.error
    table = at.table[-1].value
    assert list(table.columns)[:2] == ["Anzahl der VMs", "gemeinsam genutzt, ohne Salting"]
    markdown = " ".join(texts(at, "markdown"))
    assert "**Das Modell**, ohne Salting" in markdown and "**Was sich unterscheidet.**" in markdown
    assert "Barker et al." in markdown and "67 %" in markdown
    from test_i18n import english_in, page_texts
    assert english_in(page_texts(at)) == []


# -- settings, bounds, links -----------------------------------------------------------------------------
def test_every_corner_of_the_controls_runs_or_says_why_not():
    """The extremes of every control: a LabConfig the engine accepts, or a problem in the catalogue."""
    import itertools
    corners = {"vms": (1, 10), "vm_kib": (64, 1024), "touched_pct": (10, 95), "work": (0, 4000),
               "machine_kib": (64, 16384), "period": (1, 64), "scan_pages": (1, 64), "min_free_pct": (1.0, 50.0)}
    ran = 0
    for combo in itertools.product(*corners.values()):
        v = dict(L.DEFAULTS, **dict(zip(corners, combo, strict=True)))
        cfg, problems = L.lab_config(v)
        assert (cfg is None) != (not problems)
        assert all(p.key in CATALOGUE for p in problems)
        if cfg is not None:
            cfg.check()
            assert L.estimated_seconds(cfg) <= L.MAX_LAB_SECONDS
            ran += 1
    assert ran > 20


def test_the_default_settings_make_the_default_lab_and_the_link_is_empty():
    cfg, problems = L.lab_config(L.values({}))
    assert problems == [] and cfg.vms == 4 and cfg.vm_pages == 64 and cfg.touched == 48
    assert cfg.machine_pages == 200 and cfg.reclaim.min_free == 22 and cfg.reclaim.tps_salting
    assert all(v is None for v in L.link_of({}).values())


def test_a_link_round_trips():
    state = {"oc.vms": 6, "oc.salting": False, "oc.min_free_pct": 3.1, "oc.mode": "shadow", "oc.vm_kib": 512}
    link = {k: v for k, v in L.link_of(state).items() if v is not None}
    assert link == {"vms": "6", "vm_kib": "512", "mode": "shadow", "salting": "0", "min_free_pct": "3.1"}
    back: dict = {}
    assert L.apply_link(link, back) == []
    assert back == state


def test_the_estimate_bounds_the_time_a_lab_takes():
    """The estimate is not below what a run measures by much (a loose check on a shared machine:
    the benchmark prints the real figures)."""
    import time
    v = dict(L.DEFAULTS, vms=6, work=1200)
    cfg, _ = L.lab_config(v)
    t0 = time.perf_counter()
    run_lab(cfg, 20)
    assert time.perf_counter() - t0 < 4 * L.estimated_seconds(cfg) + 1


# -- the renderers ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab():
    return run_lab(LabConfig(), 40)


def test_the_bands_add_up_to_each_vms_memory(lab):
    df = R.bands_frame(lab, "en")
    guest_physical = df[df["key"] != "guest_swapped"].groupby(["vm", "op"])["pages"].sum()
    assert set(guest_physical) == {lab.config.vm_pages}
    assert set(df["state"]) == {t for t in (R.state_label(s, "en") for s in R.STATES)}


def test_the_state_strip_covers_the_run_in_order(lab):
    segments = R.state_segments(lab)
    assert segments[0][0] == 0 and segments[-1][1] == lab.ops
    assert all(a[1] == b[0] for a, b in zip(segments, segments[1:], strict=False))
    assert segments[0][2] == lab.samples[0].state and segments[-1][2] == lab.transitions[-1][2]


def test_the_thresholds_are_fractions_of_min_free(lab):
    assert [round(p / lab.min_free, 2) for _, _, p in R.thresholds(lab)] == [4.0, 1.0, 0.64, 0.32, 0.16]


def test_the_events_and_cycles_are_the_labs(lab):
    ev = R.events_frame(lab, "en")
    assert dict(zip(ev["key"], ev["count"], strict=True)) == {k: v for k, v in lab.events.items() if v}
    cy = R.cycles_frame(lab, "en")
    for vm, c in lab.counters.items():
        assert cy[cy["vm"] == vm]["cycles"].sum() == sum(c["cycles_by_cause"].values())


def test_nothing_lost_counts_the_reads(lab):
    from dataclasses import replace
    ok, text = R.lost_text(lab, "en")
    assert ok and f"every one of the {R.reads(lab)} reads" in text
    assert R.reads(lab) > 0
    ok, text = R.lost_text(replace(lab, lost=2), "de")
    assert not ok and text.startswith(f"2 der {R.reads(lab)} Lesezugriffe lieferten einen anderen Wert")


def test_the_lab_in_shadow_mode():
    at = page(link={"mode": "shadow", "vms": "3"})
    assert not at.exception and not at.error
    assert at.session_state["oc.mode"] == "shadow"
    assert [s for s in texts(at, "success") if s.startswith("**Nothing lost**")]
    assert "VM exits: hidden page faults" in " ".join(charts(at))


# -- Waldspurger's Figure 4 ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sweeps():
    return L.fig4_sweeps(0.2, 0.5)


def test_figure_4_shape_with_salting_off(sweeps):
    """As in OSDI'02: sharing grows with the number of VMs of the same image, a large part of it zero
    pages, and the growth comes from the pages the images have in common (shared across VMs)."""
    off, _ = sweeps
    assert [p.vms for p in off] == list(range(1, 11))
    shared = [p.shared_fraction for p in off]
    reclaimed = [p.reclaimed_fraction for p in off]
    assert all(a <= b for a, b in zip(shared, shared[1:], strict=False)) and shared[-1] > shared[0]
    assert all(a < b for a, b in zip(reclaimed, reclaimed[1:], strict=False))
    assert off[0].cross_vm == 0 and all(p.cross_vm > 0 for p in off[1:])
    assert all(p.zero > 0 for p in off) and off[-1].zero / off[-1].shared > 0.2
    # the model's level at 10 VMs is of the paper's order (its content fractions are chosen, not measured)
    assert abs(shared[-1] - PAPER_FIG4["shared_fraction"]) < 0.15


def test_figure_4_with_salting_on_has_no_sharing_across_vms(sweeps):
    off, on = sweeps
    assert all(p.cross_vm == 0 for p in on)
    # what is left is each VM's own zero pages: the same share of memory however many VMs run
    assert all(p.shared == p.zero for p in on)
    assert len({round(p.shared_fraction, 6) for p in on}) == 1
    assert on[-1].shared_fraction < off[-1].shared_fraction


def test_figure_4_table_and_text_set_the_paper_beside_the_model(sweeps):
    off, on = sweeps
    table = R.fig4_table(off, on, "en")
    assert len(table) == 10 and table.iloc[-1, -1] == "~67%"
    assert (table.iloc[:-1, -1] == "").all()
    text = R.fig4_text(off, on, "en")
    assert f"{round(off[-1].shared_fraction * 100)}% with 10 VMs" in text
    assert "under 15%" in text and "about 90%" in text and "What differs" in text
    df = R.fig4_frame(off, on, "en")
    assert set(df["what"]) == {"shared", "reclaimed", "zero"}
