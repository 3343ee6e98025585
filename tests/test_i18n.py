"""The catalogue of user-visible strings: every key in English and German with the same
placeholders, German that differs from English (but for a short list of terms), the one lookup
function with plurals and numbers per language, every key the code asks for present; and the
German interface — its tables, labels and pages — shows no English from the catalogue."""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from visualizer.app import ui
from visualizer.engine import COSTS, Mode, OpKind, builtin
from visualizer.engine import events as E
from visualizer.engine.compare import CAUSE_ORDER, SWEEPS, compare, explain, sweep
from visualizer.engine.costs import PRESETS_VM_EXIT, CostTable
from visualizer.engine.traceio import default_config
from visualizer.engine.workloads import GENERATORS, generate
from visualizer.render import compare as R
from visualizer.render import tables as T
from visualizer.text.i18n import CATALOGUE, UNTRANSLATED_STREAMLIT_TEXTS, number, percent, t

ROOT = Path(__file__).resolve().parents[1]

SAME_IN_BOTH = {"#", "{text}", "VM", "CPU", "TLB", "SPT", "EPT", "PML4", "PDPT", "PD", "PT", "INVLPG", "INVEPT", "pmap",
                "Zoom", "Export",
                "Generator", "{tlb} · {cycles} · {refs} · {exits}",
                "high", "clear", "soft", "hard", "low", "Ballooning"}
"""German strings that may equal the English: technical terms and words German shares (ESXi's memory
states are named as esxtop names them, in every language)."""


def placeholders(s: str) -> set[tuple[str, str]]:
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(s) if name is not None}


# -- the catalogue --------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_english_and_german_with_the_same_placeholders(key):
    en, de = CATALOGUE[key]
    assert isinstance(en, str) and isinstance(de, str) and en.strip() and de.strip()
    assert placeholders(en) == placeholders(de)
    assert en.count("|") == de.count("|") <= 1, "a plural is written 'one|many' in both languages"
    if "|" in en:
        assert ("n", "") in placeholders(en.split("|")[1]) and ("n", "") in placeholders(de.split("|")[1])


def test_german_differs_from_english_but_for_the_allowed_terms():
    same = sorted(k for k, (en, de) in CATALOGUE.items() if en == de and de not in SAME_IN_BOTH)
    assert same == [], f"untranslated: {same}"


def test_the_untranslated_streamlit_texts_are_listed_in_both_languages():
    assert UNTRANSLATED_STREAMLIT_TEXTS
    for en, de in UNTRANSLATED_STREAMLIT_TEXTS:
        assert en and de and en != de
    about = ui.about("de")
    assert "Drag and drop a file here" in about and t("about.untranslated", "de") in about


def test_the_untranslated_texts_are_what_the_installed_streamlit_draws():
    """Each quoted text of the About list is in Streamlit's own frontend (so the list names what a
    user sees, not what an older Streamlit drew); "…" stands for a part that varies."""
    import re

    import streamlit
    js = "".join(p.read_text(errors="replace")
                 for p in (Path(streamlit.__file__).parent / "static").rglob("*.js"))
    quoted = [q for en, _ in UNTRANSLATED_STREAMLIT_TEXTS for q in re.findall(r"“([^”]+)”", en)]
    assert len(quoted) >= 15
    # texts the frontend puts together from a template and a word
    templated = {"Press Enter to apply": ("Press Enter to ${e}", "`apply`"),
                 "Press Enter to submit form": ("Press Enter to ${e}", "`submit form`")}
    for q in quoted:
        for part in filter(None, (x.strip() for x in q.replace("...", "…").split("…"))):
            pieces = templated.get(part, (part,))
            assert all(x in js for x in pieces), f"{q!r}: Streamlit {streamlit.__version__} draws no {part!r}"


def test_lookup_plurals_and_numbers_per_language():
    assert t("step.speed_value", "de", n=0.5) == "0,5 Schritte/s"
    assert t("step.speed_value", "en", n=0.5) == "0.5 steps/s"
    assert t("step.speed_value", "de", n=1.0) == "1 Schritt/s"
    assert t("step.exits", "en", n=1) == "one VM exit" and t("step.exits", "de", n=3) == "3 VM-Exits"
    assert t("nar.tlb_hit", "de", gva=0x400000) == "TLB-Treffer für gVA-Seite 0x400000"
    assert t("app.language", "fr") == "Language"
    with pytest.raises(TypeError):
        t("step.exits", "en")
    with pytest.raises(KeyError):
        t("no.such.key", "en")
    assert number(1234.5, "en") == "1,234.5" and number(1234.5, "de") == "1.234,5"
    assert number(1234567, "de") == "1.234.567" and number(2.0, "de") == "2"
    assert number(0.25, "de", 1) == "0,2" or number(0.25, "de", 1) == "0,3"
    assert percent(0.25, "en") == "25%" and percent(0.25, "de", signed=True) == "+25 %"
    assert percent(0.75, "de") == "75 %" and percent(0.05, "de") == "5,0 %"


def test_every_engine_name_shown_has_an_entry():
    missing = []
    need = [f"event.{c.__name__}" for c in vars(E).values() if isinstance(c, type) and hasattr(c, "cause")]
    need += [f"evcause.{c.cause.group}" for c in vars(E).values() if isinstance(c, type) and isinstance(
        getattr(c, "cause", None), E.Cause)] + ["evcause.vm-exit"]
    need += [f"cause.{c.value}" for c in E.Cause if c.exit_reason is None and c not in (E.Cause.FAULT, E.Cause.NOTE)]
    need += [f"exit.{r.value}" for r in E.ExitReason] + [f"cause.{c.value}" for c in CAUSE_ORDER]
    need += [f"fault.{k.value}" for k in E.FaultKind] + [f"stage.{s.value}" for s in E.Stage]
    need += [f"walker.{w.value}" for w in E.Walker] + [f"op.{k.value}" for k in OpKind]
    need += [f"mode.{m.value}" for m in Mode] + [f"mode.short.{m.value}" for m in Mode]
    need += [f"mode.long.{m.value}" for m in Mode]
    need += [f"cost.label.{c.name}" for c in COSTS] + [f"cost.source.{c.name}" for c in COSTS]
    need += [f"cost.preset.{k}" for k in PRESETS_VM_EXIT] + [f"sweep.{p}" for p in SWEEPS]
    need += [f"gen.{k}" for k in GENERATORS] + [f"gdesc.{k}" for k in GENERATORS if k != "program"]
    need += [p.title for p in ui.PAGES] + [p.label for p in ui.PAGES]
    missing = [k for k in need if k not in CATALOGUE]
    assert missing == []


KEY_CALL = re.compile(r"""\bt\(\s*(["'])([^"'{}]+)\1\s*[,)]""")


def test_every_literal_key_in_the_code_exists():
    files = [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py")),
             *sorted((ROOT / "visualizer" / "app").glob("*.py")),
             *[p for p in sorted((ROOT / "visualizer" / "render").glob("*.py"))]]
    used = {(f.name, m.group(2)) for f in files for m in KEY_CALL.finditer(f.read_text())}
    assert len(used) > 200
    assert sorted((f, k) for f, k in used if k not in CATALOGUE) == []


def test_the_pages_keep_their_addresses_and_are_all_in_the_navigation():
    assert {p.path for p in ui.PAGES} == {f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py")}
    assert [p.url_path for p in ui.PAGES] == ["", "Step_through", "Lessons", "Practice", "Compare", "Overcommit",
                                              "Costs", "Glossary", "About"]
    assert [t(p.title, "de") for p in ui.PAGES] == ["Start", "Schritt für Schritt", "Lektionen", "Übungen", "Vergleich",
                                                   "Überbelegung", "Kosten", "Glossar", "Über das Modell"]


# -- the German interface shows no English -----------------------------------------------------------
ENGLISH = {en for en, _ in CATALOGUE.values()} - {de for _, de in CATALOGUE.values()} - SAME_IN_BOTH
"""English catalogue values that are no German string too."""
ENGLISH_PHRASES = sorted((e for e in ENGLISH if " " in e.strip() and "{" not in e and "|" not in e), key=len,
                         reverse=True)


def english_in(texts) -> list[str]:
    """The texts that are an English catalogue value or hold a phrase of one."""
    bad = []
    for x in texts:
        x = str(x)
        if x.strip() in ENGLISH or any(p in x for p in ENGLISH_PHRASES):
            bad.append(x)
    return bad


def frame_texts(df, skip=()) -> list[str]:
    out = [str(c) for c in df.columns] + [str(i) for i in df.index if not isinstance(i, int)]
    if df.index.name:
        out.append(df.index.name)
    for col in df.columns:
        if col not in skip:
            out += [str(v) for v in df[col].tolist()]
    return out


def spec_titles(spec) -> list[str]:
    if isinstance(spec, dict):
        return [v for k, v in spec.items() if k == "title" and isinstance(v, str)] + \
            [x for v in spec.values() for x in spec_titles(v)]
    if isinstance(spec, list):
        return [x for v in spec for x in spec_titles(v)]
    return []


@pytest.mark.parametrize("name, mode", [("esxi-figure", Mode.SHADOW), ("esxi-figure", Mode.NESTED),
                                        ("page-table-update", Mode.SHADOW), ("context-switch", Mode.SHADOW),
                                        ("context-switch", Mode.NATIVE)])
def test_the_step_pages_tables_in_german_hold_no_english(name, mode):
    s = builtin(name)
    m = s.machine(mode)
    shown = []
    for i, op in enumerate(s.trace):
        rec = m.execute(op, i)
        shown += frame_texts(T.walk_table(rec, "de"))
        shown += frame_texts(T.events_table(rec, "de"))
        shown += [T.step_summary(rec, "de"), T.op_text(rec.op, "de").split(" ")[0]]
    shown += frame_texts(T.tlb_table(m, "de")) + frame_texts(T.counters_table(m, "de"))
    assert english_in(shown) == []
    assert {t(f"event.{n}", "de") for n in ("TlbLookup", "WalkRef")} <= set(shown)


def test_the_compare_and_costs_tables_in_german_hold_no_english():
    trace = generate("mix", 1, accesses=3000)
    config = default_config(trace)
    cmp = compare(config, trace, samples=20)
    causes = R.causes_frame(cmp, "de")  # chart data: its column names are field names, not shown
    shown = frame_texts(R.counters_table(cmp, "de")) + causes["mode"].tolist() + causes["cause"].tolist()
    shown += spec_titles(R.causes_chart(cmp, "de")) + spec_titles(R.curve_chart(cmp, "de"))
    shown += [R.explanation_text(explain(cmp), "de"), R.machine_summary(config, "de")]
    shown += [R.mode_label(m, "de", long=True) for m in R.MODE_ORDER]
    result = sweep("walk_ref", (4, 40, 200), trace=trace, config=config, accesses=1000)
    shown += spec_titles(R.sweep_chart(result, "de")) + [R.sweep_text(result, "de")]
    for row in R.cost_rows(CostTable(), "de"):
        shown += [row["label"], row["source"]]
    shown += frame_texts(R.derived_costs(CostTable(), "de"))
    assert english_in(shown) == []
    assert R.counters_table(cmp, "de").index.name == "Zähler"
    assert sorted(k for k in causes["key"] if f"cause.{k}" not in CATALOGUE) == []


def page_texts(at: AppTest) -> list[str]:
    """What a page shows in words: titles, text, captions, messages, labels, options, tables."""
    out = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("button", "toggle", "number_input", "text_input", "selectbox", "radio", "select_slider",
                 "checkbox"):
        for e in getattr(at, kind):
            out.append(e.label)
            out += [str(o) for o in getattr(e, "options", [])]
    for m in at.metric:
        out += [m.label, str(m.value)]
    out += [e.label for e in at.tabs]
    for kind in ("dataframe", "table"):
        for e in getattr(at, kind):
            out += frame_texts(e.value)
    return [re.sub(r"<[^>]+>", " ", x) for x in out]


@pytest.mark.parametrize("page, state", [
    ("Home.py", {}),
    ("pages/1_Step_through.py", {"details": "walk"}),
    ("pages/1_Step_through.py", {"details": "tlb"}),
    ("pages/1_Step_through.py", {"details": "counters"}),
    ("pages/1_Step_through.py", {"details": "events"}),
    ("pages/2_Compare.py", {"cmp.p.mix.accesses": 5000}),
    ("pages/3_Costs.py", {}),
    ("pages/4_About.py", {}),
    ("pages/7_Glossary.py", {}),
    ("pages/5_Lessons.py", {}),
    ("pages/6_Practice.py", {}),
    ("pages/8_Overcommit.py", {}),
])
def test_the_german_pages_show_no_english(page, state):
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.query_params["lang"] = "de"
    at.query_params["step"] = "7"
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = page_texts(at)
    assert len(shown) > 10
    assert english_in(shown) == []


def test_german_wording_is_what_a_native_speaking_lecturer_would_say():
    """One term per concept (TLB-Fehltreffer, Seitentabellendurchlauf, Trace) and none of the
    literal translations that crept in before."""
    banned = ("Fehlgriff", "Spur", "Rundlauf", "neue Versuch", "läuft auf der CPU an", "Walk-Zugriff",
              "Page-Walk-Zugriff", "Walk-Kosten", "mehr vom Zweiten")
    bad = [(k, b) for k, (_en, de) in CATALOGUE.items() for b in banned if b in de]
    assert bad == [], bad
    assert "TLB-Fehltreffer" in t("tlb.miss", "de") and "0,5 Schritte/s" == t("step.speed_value", "de", n=0.5)
