"""Issue 12 on the Compare page: switches for large pages and MMU caches, what the caches remove
from nested paging's cost, the ``features`` sweep, ``comparison.toml`` with the new settings, and
the paper check (references per walk beside the published figures), in English and German."""
from __future__ import annotations

from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from test_app_compare import COMPARE, compare_app, shown
from visualizer.engine import Mode, load_scenario_text
from visualizer.engine import compare as C
from visualizer.engine.traceio import default_config
from visualizer.engine.workloads import generate


def caches_text(at: AppTest) -> str:
    return next(shown(m.value) for m in at.markdown
                if any(w in m.value for w in ("caches remove", "Caches einsparen", "without MMU caches", "ohne MMU-Caches")))


def refs_per_miss(at: AppTest) -> float:
    row = at.table[0].value.loc["references per TLB miss"]
    return float(row["nested"].replace(",", ""))


def test_mmu_switches_and_what_the_caches_remove():
    at = compare_app()
    assert not at.exception and not at.error
    assert "switch on the paging-structure caches" in caches_text(at)
    plain = refs_per_miss(at)
    assert plain > 20  # no caches: most misses walk 24 references
    for k in ("pwc", "nested_tlb"):
        at.toggle(key=f"_cmp.m.{k}").set_value(True)
    at.run()
    assert not at.exception and not at.error
    text = caches_text(at)
    assert "What the MMU caches remove." in text
    cached = refs_per_miss(at)
    assert cached < plain / 3
    # the numbers quoted are this run's: with the caches, then without (the same trace)
    assert f"walks {cached:.1f} references on average with the caches, {plain:.1f} without" in text


def test_large_page_switches_shorten_the_nested_walk():
    at = compare_app()
    plain = refs_per_miss(at)
    at.toggle(key="_cmp.m.ept_large").set_value(True).run()
    assert not at.exception and not at.error
    ept = refs_per_miss(at)
    at.toggle(key="_cmp.m.guest_large").set_value(True).run()
    both = refs_per_miss(at)
    assert both < ept < plain


def test_mmu_switches_in_german():
    at = compare_app(lang="de", **{"cmp.m.pwc": True, "cmp.m.nested_tlb": True})
    assert not at.exception and not at.error
    labels = {w.label: w.help for w in at.toggle}
    assert "Paging-Structure-Caches" in labels and "verschachtelter TLB" in labels
    assert "PML4E-, PDPTE- und PDE-Caches" in labels["Paging-Structure-Caches"]  # the detail is in the help
    assert all(len(label) <= 26 for label in labels), labels  # short enough for the column at 1280 px
    assert "Was die MMU-Caches einsparen." in caches_text(at)


def test_features_sweep_names_its_points():
    at = compare_app(**{"cmp.sweep.accesses": 3000, "cmp.sweep.param": "features"})
    assert not at.exception
    assert any("0 = none" in c.value and "5 = all four" in c.value for c in at.caption)
    at.button(key="cmp.sweep.run").click().run()
    assert not at.exception and not at.error
    r = at.session_state["cmp.sweep"]["result"]
    assert r.param == "features" and r.values == tuple(range(len(C.FEATURE_SETS)))
    nested = r.cycles_per_access["nested"]
    assert nested[2] < nested[1] < nested[0]  # the caches make nested paging cheaper, each one more
    exits = r.vm_exits["nested"]
    assert exits[3] < exits[0]  # 2 MiB EPT backing: one EPT violation backs a whole block
    assert r.crossovers() == []  # named settings: no interpolated crossover between them
    at.text_input(key="_cmp.sweep.values.features").set_value("0, 9").run()
    assert at.button(key="cmp.sweep.run").disabled


def test_features_sweep_points_set_all_four_switches():
    t = generate("uniform", 1, accesses=200)
    cfg = replace(default_config(t), pwc=True)
    for i, (_name, f) in enumerate(C.FEATURE_SETS):
        c = C.apply_features(cfg, i)
        assert c.pwc == f.get("pwc", False) and c.nested_tlb == f.get("nested_tlb", False)
        assert c.ept_large_pages == f.get("ept_large_pages", False)
        assert all(v.large_pages == f.get("guest_large", False) for v in c.vms)


def test_comparison_toml_writes_the_new_settings():
    t = generate("mix", 3, accesses=500)
    settings = C.Settings(guest_large=True, ept_large=True, pwc=True, nested_tlb=True)
    cfg = settings.apply(default_config(t))
    text = C.config_to_toml(cfg, generator=("mix", {"accesses": 500}, 3))
    assert "[mmu]\npwc = true\nnested_tlb = true" in text and "large_pages = true" in text
    sc = load_scenario_text(text, "comparison.toml")
    assert sc.config.pwc and sc.config.nested_tlb and sc.config.ept_large_pages
    assert all(v.large_pages for v in sc.config.vms)
    # the file reproduces the page's counters
    from visualizer.engine import Machine
    for mode in (Mode.NESTED, Mode.SHADOW):
        a, b = Machine(cfg, mode), Machine(sc.config, mode)
        a.run_bulk(t)
        b.run_bulk(sc.trace)
        assert a.totals().as_dict() == b.totals().as_dict()
    # and without the switches nothing new is written
    plain = C.config_to_toml(default_config(t))
    assert "[mmu]" not in plain and "large_pages" not in plain


@pytest.mark.parametrize("lang", ["en", "de"])
def test_paper_check_beside_the_published_figures(lang):
    at = compare_app(lang=lang, **{"cmp.paper.accesses": 2000})
    assert not at.exception
    at.button(key="cmp.paper.run").click().run()
    assert not at.exception and not at.error
    rows = at.session_state["cmp.paper"]["rows"]
    assert [r.workload for r in rows] == list(C.PAPER_WORKLOADS)
    means = C.paper_means(rows)
    # the caches cut references per walk in both modes; nested stays above native
    assert means[("native", "guest")] < means[("native", "none")]
    assert means[("nested", "both")] < means[("nested", "guest")] < means[("nested", "none")]
    assert means[("native", "both")] < means[("nested", "both")]
    table = at.table[-1].value
    assert len(table) == len(rows) + 1 and len(table.columns) == 7
    text = " ".join(shown(m.value) for m in at.markdown)
    if lang == "en":
        assert "about **1.5** references per walk natively and **4.4** virtualized" in text
        assert "15–38 %" in text and "AMD's 2D page-walk cache, keyed by physical address" in text
        assert f"**{means[('nested', 'both')]:.1f}** nested with both caches" in text
    else:
        assert "etwa **1,5** Zugriffe je Seitentabellendurchlauf nativ und **4,4** virtualisiert" in text
        assert "AMDs 2D-Page-Walk-Cache" in text


def test_paper_check_accesses_capped():
    with pytest.raises(ValueError):
        C.paper_check(2_000_000)
    at = AppTest.from_file(COMPARE, default_timeout=60)
    at.session_state["cmp.p.mix.accesses"] = 2000
    at.run()
    assert at.number_input(key="_cmp.paper.accesses").max == 100_000
