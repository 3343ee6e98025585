"""Tables of the step page: walk references decoded, TLB contents, counters, events, event log CSV."""
from __future__ import annotations

import csv
import io

import pytest

from visualizer.engine import Mode, builtin
from visualizer.engine.events import Cause, Stage, WalkRef
from visualizer.engine.memory import PAGE_SHIFT
from visualizer.engine.paging import EPT, X86, decode_entry
from visualizer.render import tables as T


def run(name: str, mode: Mode, steps: int):
    s = builtin(name)
    m = s.machine(mode)
    recs = [m.execute(s.trace[i], i) for i in range(steps)]
    return m, recs


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_walk_table_lists_every_reference_decoded_in_its_own_format(mode):
    m, recs = run("esxi-figure", mode, 2)
    rec = recs[-1]
    df = T.walk_table(rec, "en")
    refs = [e for e in rec.events if e.__class__ is WalkRef]
    assert len(df) == rec.walk_refs + rec.vmm_walk_refs == len(refs)
    assert list(df["entry"]) == [f"0x{r.entry:016x}" for r in refs]
    assert list(df["decoded"]) == [decode_entry(r.entry, EPT if r.stage is Stage.NESTED else X86) for r in refs]
    assert list(df["index"]) == [r.index for r in refs]
    if mode is Mode.NESTED:
        # the 2D walk of the retry: 4 nested references before each guest entry, 24 in all
        last = df[df["try"] == df["try"].max()]
        assert len(last) == 24
        assert list(last["tables"]).count("guest") == 4
        assert all("US" not in d for d in last[last["tables"] == "nested (EPT)"]["decoded"])
    else:
        assert set(df["walker"]) == {"CPU", "VMM (software)"}
    assert T.walk_table(None).empty


def test_walk_table_speaks_german():
    _, recs = run("esxi-figure", Mode.SHADOW, 1)
    df = T.walk_table(recs[0], "de")
    assert "Tabellenadresse" in df.columns and "Schatten" in set(df["Tabellen"])


@pytest.mark.parametrize("mode", [Mode.SHADOW, Mode.NESTED])
def test_tlb_table_shows_each_entry_with_its_owner_and_translation(mode):
    m, _ = run("esxi-figure", mode, 7)
    df = T.tlb_table(m, "en")
    assert len(df) == len(m.tlb) > 0
    for _, row in df.iterrows():
        gva = int(row["gVA page"], 16)
        gpa = m.views.guest_translate(row["VM"], row["process"], gva)
        assert gpa == int(row["gPA page"], 16)
        assert m.views.gpa_to_ma(row["VM"], gpa) == int(row["MA page"], 16)
    assert set(df["VM"]) == {"VM1", "VM2"}


def test_counters_table_totals_match_the_machine():
    m, _ = run("esxi-figure", Mode.SHADOW, 14)
    df = T.counters_table(m, "en")
    total = df.iloc[-1]
    tot = m.totals()
    assert total["VM"] == "total"
    assert total["accesses"] == tot.accesses == 12
    assert (total["TLB hits"], total["TLB misses"]) == (tot.tlb_hits, tot.tlb_misses)
    assert total["walk references (CPU)"] == tot.walk_refs
    assert total["VMM's software walk references"] == tot.vmm_walk_refs > 0
    assert list(df.columns)[1:3] == ["cycles", "cycles per access"], "cycles first, named as on Compare"
    assert total["VM exits"] == sum(tot.vm_exits.values())
    for reason, n in tot.vm_exits.items():
        assert total[f"VM exits: {reason}"] == n
    assert total["cycles"] == f"{tot.cycles:,}"
    de = T.counters_table(m, "de")
    assert de.iloc[-1]["Takte"] == f"{tot.cycles:,}".replace(",", ".")


def test_events_table_and_csv_log_hold_every_record_in_order():
    _, recs = run("esxi-figure", Mode.NESTED, 3)
    df = T.events_table(recs[-1], "en")
    assert len(df) == len(recs[-1].events)
    assert list(df["cycles"]) == [f"{e.cost:,}" for e in recs[-1].events]
    what = list(df["what happened"])
    import re
    assert not any(re.match(r"^\w+=", w) for w in what), "sentences, not key=value dumps"
    assert any(w.startswith("CPU reads the PML4 entry") for w in what), what[:5]
    assert any(w.startswith("TLB miss for gVA page") for w in what)
    text = T.event_log_csv(recs, first_step=1)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == T.CSV_COLUMNS
    assert len(rows) == sum(len(r.events) for r in recs)
    assert [int(r["step"]) for r in rows] == [k + 1 for k, r in enumerate(recs) for _ in r.events]
    assert sum(int(r["cycles"]) for r in rows) == sum(r.cycles for r in recs)
    first_walk = next(r for r in rows if r["event"] == "WalkRef")
    assert "stage=nested" in first_walk["detail"] and "entry=0x" in first_walk["detail"]


def test_step_summary_line():
    _, recs = run("esxi-figure", Mode.SHADOW, 5)
    assert T.step_summary(recs[4], "en").startswith("TLB hit")
    assert T.step_summary(recs[0], "de").startswith("TLB-Fehltreffer")
    assert f"{recs[0].cycles:,}".replace(",", ".") in T.step_summary(recs[0], "de")


def test_tlb_table_page_numbers_are_addresses():
    m, _ = run("esxi-figure", Mode.NESTED, 2)
    df = T.tlb_table(m)
    entries = m.tlb.contents()
    assert sorted(int(x, 16) for x in df["MA page"]) == sorted(e.mpn << PAGE_SHIFT for *_, e in entries)


def test_step_summary_names_what_the_cycles_paid_for():
    m, recs = run("esxi-figure", Mode.SHADOW, 5)
    switch = T.step_summary(recs[4], "en")  # VM2 → VM1: a world switch, then a TLB hit
    assert switch.startswith("TLB hit · 3,000 cycles (VM switches 3,000)"), switch
    first = T.step_summary(recs[0], "de")
    paid = T.cycles_by_cause(recs[0])
    assert sum(n for _, n in paid) == recs[0].cycles and paid[0][0] is Cause.EXIT_HIDDEN_FAULT
    assert "23.440 Takte (VM-Exits: versteckte Seitenfehler 10.000" in first, first


def test_the_short_summary_names_cycles_its_own_figures_do_not_explain():
    """The lecture line: "TLB hit · 3,000 cycles · 0 VM exits" read as a TLB hit costing 3,000
    cycles; the world switch that paid them is named, walk and exit cycles are not repeated."""
    _, recs = run("esxi-figure", Mode.SHADOW, 14)
    assert T.step_summary(recs[4], "en", short=True).startswith("TLB hit · 3,000 cycles (for the VM switch) ·")
    assert "3.000 Takte (für den VM-Wechsel)" in T.step_summary(recs[4], "de", short=True)
    assert "5,480 cycles (3,000 of them for the VM switch)" in T.step_summary(recs[8], "en", short=True)
    assert "(davon 3.000.000 für VMM: Hinterlegen, Kopien, Einlagern, Entpacken)" in T.step_summary(recs[11], "de", short=True)
    first = T.step_summary(recs[0], "en", short=True)  # exits and walks: their own figures say it
    assert "(" not in first.split(" · ")[1], first
    assert T.step_summary(recs[5], "en", short=True).startswith("TLB hit · 0 cycles ·")


def test_operations_are_named_in_words_in_both_languages():
    s = builtin("esxi-figure")
    swap = next(op for op in s.trace if op.kind.value == "swap_out")
    assert T.op_text(swap, "en").startswith("swap out VM") and T.op_text(swap, "de").startswith("Auslagern VM")
    assert T.op_text(s.trace[0], "en") == s.trace[0].describe()  # the trace's own words otherwise


def _parse_table(markup: str):
    """(region label, header cells, rows of (class, text)) of ``table_html``'s output, read back
    with the standard library's HTML parser (the markup is well formed or this fails)."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.label, self.head, self.rows, self.cell, self.stack = None, [], [], None, []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.stack.append(tag)
            if tag == "div" and a.get("role") == "region":
                assert a.get("tabindex") == "0"  # a box that scrolls can be reached by keyboard
                self.label = a.get("aria-label")
            elif tag == "tr":
                self.row = []
            elif tag in ("th", "td"):
                self.cell = [tag, a.get("class") or "", a.get("scope"), ""]

        def handle_data(self, data):
            if self.cell is not None:
                self.cell[3] += data

        def handle_endtag(self, tag):
            assert self.stack.pop() == tag, f"</{tag}> closes another element"
            if tag in ("th", "td"):
                self.row.append(tuple(self.cell))
                self.cell = None
            elif tag == "tr":
                (self.head if self.row and self.row[0][0] == "th" else self.rows).append(self.row)

    p = P()
    p.feed(markup)
    p.close()
    assert not p.stack
    return p.label, p.head[0], p.rows


def test_tables_as_html_keep_every_cell_escaped_with_numbers_right_aligned_in_the_language():
    m, recs = run("esxi-figure", Mode.NESTED, 3)
    walk = T.walk_table(recs[-1], "en")
    label, head, rows = _parse_table(T.table_html(walk, "Page-walk references", "en"))
    assert label == "Page-walk references"
    assert [c[3] for c in head] == list(walk.columns) and {c[2] for c in head} == {"col"}
    assert [[c[3] for c in r] for r in rows] == [[str(v) for v in row] for row in walk.itertuples(index=False)]
    by_name = {c: j for j, c in enumerate(walk.columns)}
    assert all(r[by_name["#"]][1] == "num" for r in rows)  # numbers right-aligned …
    assert all(r[by_name["entry"]][1] == "mono" for r in rows)  # … entries and addresses fixed-width
    assert all(r[by_name["walker"]][1] == "" for r in rows)
    # German: whole numbers with the language's separators; the counters' total row is there
    counters = T.counters_table(m, "de")
    _label, head, rows = _parse_table(T.table_html(counters, "Zähler bis hier", "de"))
    cycles = m.totals().cycles
    assert cycles >= 1000 and rows[-1][1][3] == f"{cycles:,}".replace(",", ".") and rows[-1][1][1] == "num"
    # text is text: markup in a cell or a header is shown, not run
    import pandas as pd
    odd = pd.DataFrame([("<b>x</b>", 1234567, "gPA 0x1000"), ("a & b", 0, "")], columns=["<i>c</i>", "n", "addr"])
    markup = T.table_html(odd, 'say "hi" <now>', "en")
    assert "<b>" not in markup and "<i>" not in markup and 'aria-label="say &quot;hi&quot; &lt;now&gt;"' in markup
    label, head, rows = _parse_table(markup)
    assert [c[3] for c in head] == ["<i>c</i>", "n", "addr"]
    assert [[c[3] for c in r] for r in rows] == [["<b>x</b>", "1,234,567", "gPA 0x1000"], ["a & b", "0", ""]]
    assert [c[1] for c in rows[0]] == ["", "num", "mono"]
    # an empty frame is a table with its header row and no rows
    label, head, rows = _parse_table(T.table_html(odd.iloc[:0], "empty", "en"))
    assert len(head) == 3 and rows == []
