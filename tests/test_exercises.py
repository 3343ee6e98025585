"""Seeded exercises: deterministic by seed, every kind in a set of 40, and every answer what the
command line's ``run`` reports for the exercise's scenario at its step and mode (CSV row or JSON
counters); checking forgives hex case, 0x and spaces; texts in English and German for every kind;
the printable sheet and the command line's errors."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from visualizer import cli
from visualizer.engine import Mode
from visualizer.engine.costs import CostTable
from visualizer.learn import exercise_sheet
from visualizer.learn import exercises as X
from visualizer.text.i18n import CATALOGUE, t

ROOT = Path(__file__).resolve().parents[1]
CSV_FIELDS = ("gpa", "ma", "tlb", "fault", "walk_refs", "vm_exits", "cycles")
RUN_FIELDS = ("vm_exits", "vm_exits_by_reason", "cycles", "walk_refs")


def cli_json(argv) -> object:
    out = io.StringIO()
    assert cli.main(argv, out) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def set40():
    return cli_json(["exercises", "--seed", "11", "--count", "40", "--json"])


def test_the_same_seed_gives_the_same_set_and_other_seeds_other_sets(set40):
    again = cli_json(["exercises", "--seed", "11", "--count", "40", "--json"])
    assert again == set40
    other = cli_json(["exercises", "--seed", "12", "--count", "40", "--json"])
    assert other != set40
    assert [e["scenario"] for e in other] != [e["scenario"] for e in set40]
    assert len({e["scenario"] for e in set40}) == 40, "every exercise has a scenario of its own"


def test_every_kind_appears_in_a_set_of_40_with_the_documented_fields(set40):
    assert {e["kind"] for e in set40} == set(X.KINDS)
    for e in set40:
        assert {"kind", "question", "answer", "explanation", "scenario", "mode", "step"} <= set(e)
        assert e["mode"] in ("shadow", "nested", "both")
        assert (e["mode"] == "both") == ("by_mode" in e["answer"])
        assert e["question"].strip() and e["explanation"].strip()
        for f in e["fields"]:
            src = e["answer"]["by_mode"][f["mode"]] if f["mode"] else e["answer"]
            assert f["name"] in src
            if f["kind"] == "hex":
                assert re.fullmatch(r"0x[0-9a-f]+", src[f["name"]])


def _run_cli(toml_path: Path, mode: str, tmp_path: Path) -> tuple[list[dict], dict]:
    csv_path = tmp_path / f"steps-{mode}.csv"
    d = cli_json(["run", str(toml_path), "--mode", mode, "--csv", str(csv_path), "--json"])
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return rows, d


def test_every_answer_is_what_run_reports_for_its_scenario_at_its_step_and_mode(set40, tmp_path):
    checked = 0
    for n, e in enumerate(set40):
        path = tmp_path / f"exercise-{n}.toml"
        path.write_text(e["scenario"], encoding="utf-8")
        per_mode = e["answer"]["by_mode"] if e["mode"] == "both" else {e["mode"]: e["answer"]}
        runs = {m: _run_cli(path, m, tmp_path) for m in per_mode}
        for mode, answer in per_mode.items():
            rows, totals = runs[mode]
            assert e["step"] < len(rows)
            row = rows[e["step"]]
            assert int(row["step"]) == e["step"]
            for name, want in answer.items():
                if e["scope"] == "step" and name in CSV_FIELDS:
                    got = row[name] if name in ("gpa", "ma", "tlb", "fault") else int(row[name])
                    assert got == want, f"exercise {n} ({e['kind']}) {mode} {name}: run says {got}, answer {want}"
                    checked += 1
                elif e["scope"] == "run" and name in RUN_FIELDS:
                    assert totals[name] == want, f"exercise {n} ({e['kind']}) {mode} {name}"
                    checked += 1
                elif name == "reclaim":
                    assert e["step"] == len(rows) - 1  # the pass ends the run: its pages show what it did
                    assert _reclaimed(totals, int(row["cycles"])) == want, f"exercise {n} (reclaim) {mode}"
                    checked += 1
                else:
                    pytest.fail(f"exercise {n}: answer field {name} is neither a CSV column nor a run counter")
            if e["scope"] == "run":
                assert e["step"] == len(rows) - 1
        if e["kind"] == "cheaper":
            cycles = {m: runs[m][1]["cycles"] for m in ("shadow", "nested")}
            assert e["answer"]["cheaper"] == min(cycles, key=cycles.get) and len(set(cycles.values())) == 2
            checked += 1
    assert checked > 60


def _reclaimed(totals: dict, cycles: int) -> str:
    """What the host did at a reclaim exercise's pass, from what ``run --json`` prints: the VMs' pages
    by state at the end (the pass is the run's last act) and the last step's cycles (a blocked VM
    waits for the host's compression: the compression's cost is in its step)."""
    pages = {k: sum(vm["pages"][k] for vm in totals["per_vm"].values())
             for k in ("shared", "ballooned", "compressed", "swapped")}
    if pages["compressed"] + pages["swapped"]:
        return "block" if cycles >= CostTable().compress else "compress-swap"
    return "balloon" if pages["ballooned"] else "share" if pages["shared"] else "none"


def test_the_command_line_runs_as_a_program_and_its_json_matches_run(tmp_path):
    out = subprocess.run([sys.executable, "-m", "visualizer", "exercises", "--kind", "translate", "--seed", "5",
                          "--count", "1", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    (e,) = json.loads(out.stdout)
    path = tmp_path / "x.toml"
    path.write_text(e["scenario"], encoding="utf-8")
    csv_path = tmp_path / "x.csv"
    r = subprocess.run([sys.executable, "-m", "visualizer", "run", str(path), "--mode", e["mode"], "--csv",
                        str(csv_path)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    row = list(csv.DictReader(open(csv_path, encoding="utf-8")))[e["step"]]
    assert (row["gpa"], row["ma"]) == (e["answer"]["gpa"], e["answer"]["ma"])


@pytest.mark.parametrize("kind", X.KINDS)
def test_kind_filter_and_both_languages(kind):
    en = cli_json(["exercises", "--kind", kind, "--seed", "3", "--count", "4", "--json", "--lang", "en"])
    de = cli_json(["exercises", "--kind", kind, "--seed", "3", "--count", "4", "--json", "--lang", "de"])
    assert [e["kind"] for e in en] == [kind] * 4
    assert [e["answer"] for e in en] == [e["answer"] for e in de], "the answer does not depend on the language"
    for a, b in zip(en, de, strict=True):
        assert a["question"] != b["question"] and a["explanation"] != b["explanation"]


def test_explanations_say_why_from_the_records():
    walk = [e for e in X.generate(4, "walk-refs", 12) if e.facts["feature"] == "none"]
    assert walk, "a cold walk in 12 draws"
    text = X.explanation(walk[0], "en")
    assert "24 references (guest-table entries: 4, EPT entries: 20)" in text and "5 × 4 + 4 = 24" in text
    for ex in X.generate(2, "exits", 6):
        text = X.explanation(ex, "de")
        for mode in X.MODES:
            for reason, n in ex.answer["by_mode"][mode]["vm_exits_by_reason"].items():
                assert f"{X.choice_label(ex.fields[0], reason, 'de')}, {n}-mal" in text
    for ex in X.generate(9, "tlb", 10):
        text = X.explanation(ex, "en")
        assert (f"So step {ex.step + 1} hits" in text) == (ex.answer["tlb"] == "hit")


def test_checking_forgives_hex_case_0x_and_spaces_and_numbers_written_with_separators():
    (ex,) = X.generate(1, "translate", 1)
    gpa, ma = int(ex.answer["gpa"], 16), int(ex.answer["ma"], 16)
    ok = X.check(ex, {("gpa", None): f" 0X{gpa:X} ", ("ma", None): f"{ma:x}"})
    assert ok == {("gpa", None): True, ("ma", None): True}
    bad = X.check(ex, {("gpa", None): f"0x{gpa + 8:x}", ("ma", None): "0xzz"})
    assert bad == {("gpa", None): False, ("ma", None): False}
    assert X.parse_hex("0x 1C 238") == 0x1c238 and X.parse_hex("") is None and X.parse_hex("0x") is None
    assert X.parse_int(" 1,000 ") == 1000 and X.parse_int("24") == 24 and X.parse_int("²") is None
    (w,) = X.generate(1, "walk-refs", 1)
    right = {("walk_refs", m): str(w.answer["by_mode"][m]["walk_refs"]) for m in X.MODES}
    assert all(X.check(w, right).values())
    wrong = {**right, ("walk_refs", "nested"): str(w.answer["by_mode"]["nested"]["walk_refs"] + 1)}
    assert X.check(w, wrong) == {("walk_refs", "shadow"): True, ("walk_refs", "nested"): False}
    (x,) = X.generate(1, "exits", 1)
    sets = {("vm_exits_by_reason", m): list(x.answer["by_mode"][m]["vm_exits_by_reason"]) for m in X.MODES}
    assert all(X.check(x, sets).values())
    assert not X.check(x, {**sets, ("vm_exits_by_reason", "nested"): ["cr3-load"]})[("vm_exits_by_reason", "nested")]


def test_every_kind_has_english_and_german_texts():
    """Parity: each kind's question, given lines, field labels, choices and explanation keys exist
    in both languages, and a generated exercise of each kind reads differently in each."""
    for kind in X.KINDS:
        for key in (f"ex.kind.{kind}", f"ex.q.{kind}"):
            en, de = CATALOGUE[key]
            assert en and de and en != de
    for reason in X.EXIT_REASONS:
        assert f"ex.exit.{reason}" in CATALOGUE and f"ex.why.{reason}" in CATALOGUE
    for ex in X.generate(21, None, 10):
        for lang in ("en", "de"):
            assert X.question(ex, lang) and X.explanation(ex, lang) and X.given(ex, lang)
            assert all(X.field_label(f, lang) for f in ex.fields)
        assert X.explanation(ex, "en") != X.explanation(ex, "de")


def test_html_sheet_is_self_contained_a4_escaped_with_the_key_on_its_own_page(tmp_path):
    path = tmp_path / "sheet.html"
    out = io.StringIO()
    assert cli.main(["exercises", "--seed", "8", "--count", "5", "--lang", "de", "--html", str(path)], out) == 0
    html = path.read_text(encoding="utf-8")
    assert "@page { size: A4" in html and "page-break-before: always" in html
    assert '<section class="key">' in html and html.index('class="key"') > html.rindex('id="q5"')
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert "Aufgabe 5" in html and "Lösungen (Seed 8)" in html
    exs = X.generate(8, None, 5)
    sheet = exercise_sheet.html_sheet(exs, 8, "en")
    assert "VM1/p1 runs the trace" in sheet or "Which VM exits occur" in sheet
    assert "→" in sheet and "<pre>" in sheet and "&lt;" not in X.question(exs[0], "en")


@pytest.mark.parametrize("argv, needle", [
    (["exercises", "--kind", "nope"], "'nope' is not an exercise kind"),
    (["exercises", "--seed", "-1"], "--seed"),
    (["exercises", "--seed", "١٢"], "--seed"),
    (["exercises", "--count", "0"], "--count"),
    (["exercises", "--count", "201"], "--count"),
    (["exercises", "--lang", "fr"], "--lang"),
    (["exercises", "--json", "--html", "x.html"], "not allowed"),
    (["exercises", "--html", "/nonexistent-dir/x.html"], "cannot write HTML file"),
])
def test_bad_input_is_one_error_line_and_exit_status_2(argv, needle, capsys):
    assert cli.main(argv, io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and needle in err


def test_kinds_are_listed_in_help_and_readme(capsys):
    with pytest.raises(SystemExit):
        cli.main(["exercises", "--help"], io.StringIO())
    help_text = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Exercises"):]
    for kind in X.KINDS:
        assert kind in help_text and f"`{kind}`" in section


def test_a_link_names_an_exercise_by_kind_seed_and_number_and_makes_it_again():
    for ex in X.generate(11, None, 40) + X.generate(3, ("tlb",), 6):
        name = X.link_name(ex)
        assert name == f"exercise:{ex.kind}:{ex.seed}:{ex.index + 1}"
        assert X.from_link(name) == ex and X.from_link(f"  {name} ") == ex
        assert f"scenario={name}&mode={ex.mode}&step={ex.step + 1}&lang=de" in X.step_link(ex, "de")
        # an exercise about both modes opens each mode on its own: side by side the step page
        # describes only the shadow run
        want = ("shadow", "nested") if ex.mode == "both" else (ex.mode,)
        assert X.link_modes(ex) == want
        for mode in want:
            assert f"scenario={name}&mode={mode}&step={ex.step + 1}&lang=en" in X.step_link(ex, "en", mode)
    with pytest.raises(ValueError, match="mode"):
        X.step_link(ex, "en", "native")


STEP_WORD = {"en": "step", "de": "Schritt"}


def _link_step(ex) -> int:
    return int(re.search(r"[?&]step=(\d+)", X.step_link(ex)).group(1))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_texts_number_steps_as_the_step_page_does(lang):
    """The step a question names is the step page's step in the exercise's link (1-based: the
    page shows the machine after N operations and narrates operation N); the given trace counts
    1..N; every step an explanation names is one of the trace's; the last step is the link's."""
    word = STEP_WORD[lang]
    checked = []
    for ex in X.generate(11, None, 40):
        link_step = _link_step(ex)
        assert link_step == X.step_number(ex.step) == ex.step + 1
        q = X.question(ex, lang)
        named = [int(n) for n in re.findall(rf"(?i)\b{word} (\d+)", q)]
        if ex.kind in ("translate", "walk-refs", "tlb"):
            assert named == [link_step], (ex.key, q)
        elif ex.kind == "reclaim":  # the state after the step before, then the step asked about
            assert named[0] == link_step - 1 and set(named[1:]) == {link_step}, (ex.key, q)
        else:
            assert named == [], "a whole-run question names no step"
        given = X.given(ex, lang)
        numbers = [int(m.group(1)) for line in given if (m := re.match(r"\s*(\d+)  \S", line))]
        if ex.kind != "cheaper":
            n_ops = len(ex.facts["trace"])
            assert numbers == list(range(1, n_ops + 1)), (ex.key, given)
            assert numbers[-1] == link_step, "the trace ends at the step the link opens"
        text = X.explanation(ex, lang)
        for group in re.findall(rf"(?i)\b{word}[es]? (\d+(?:, \d+)*)", text):
            for n in map(int, group.split(", ")):
                assert 1 <= n <= link_step, (ex.key, n, text)
                checked.append(n)
    assert len(checked) > 20 and 1 in checked, "the explanations name steps, from 1"


def test_a_question_step_is_the_csv_row_one_before(tmp_path):
    """The CSV counts from 0: the question's step N is the row with step = N − 1, and it is the
    row whose values answer the question."""
    (ex,) = X.generate(5, "translate", 1)
    path = tmp_path / "x.toml"
    path.write_text(ex.scenario, encoding="utf-8")
    rows, _ = _run_cli(path, ex.mode, tmp_path)
    named = int(re.search(r"At step (\d+)", X.question(ex, "en")).group(1))
    row = rows[named - 1]
    assert int(row["step"]) == named - 1 and (row["gpa"], row["ma"]) == (ex.answer["gpa"], ex.answer["ma"])


def test_the_exits_explanation_names_the_steps_of_each_exit_from_1():
    ex = next(e for e in X.generate(2, "exits", 6) if e.answer["by_mode"]["shadow"]["vm_exits"])
    for mode in X.MODES:
        for steps in ex.facts["steps"][mode].values():
            shown = ", ".join(str(s + 1) for s in steps)
            word = "steps" if len(steps) > 1 else "step"
            assert f"({word} {shown})" in X.explanation(ex, "en")


def test_the_cheaper_explanation_names_only_the_walkers_a_mode_has_and_why_a_miss_takes_more_than_a_walk():
    seen_faulted = 0
    for ex in X.generate(0, ("cheaper",), 4) + X.generate(3, ("cheaper",), 4):
        for lang in ("en", "de"):
            text = X.explanation(ex, lang)
            vmm = "the VMM's" if lang == "en" else "der VMM bei seinen Exits"
            # the VMM walks guest tables in software only in shadow mode, and says so only there
            assert ex.facts["totals"]["nested"]["vmm_walk_refs"] == 0
            assert text.count(vmm) == (1 if ex.facts["totals"]["shadow"]["vmm_walk_refs"] else 0), text
            assert "software walks" not in text
        for mode in X.MODES:
            m, tot = ex.facts["misses"][mode], ex.facts["totals"][mode]
            # the groups add up to the run's counters
            assert m["quiet"] + m["faulted"] == tot["tlb_misses"]
            assert m["quiet_refs"] + m["faulted_refs"] + m["other_refs"] == tot["walk_refs"]
            # a miss without a fault is one walk: at most 24 (nested) or 4 (shadow) references
            assert m["quiet_max"] <= (24 if mode == "nested" else 4)
            if m["faulted"]:
                seen_faulted += 1
                per = round(m["faulted_refs"] / m["faulted"], 1)
                assert f"{per:g} references each on average" in X.explanation(ex, "en") \
                    or f"took {per:g} references" in X.explanation(ex, "en")
        en = X.explanation(ex, "en")
        if ex.facts["misses"]["nested"]["faulted"] > 1:
            assert "the walk that finds the fault counts, and so does each walk of the access retried" in en
    assert seen_faulted


def test_a_generated_scenario_describes_itself_in_english_and_german():
    from visualizer.engine import load_scenario_text
    for ex in X.generate(0, None, 5):
        scenario = load_scenario_text(ex.scenario, "x")
        en, de = scenario.describe("en"), scenario.describe("de")
        assert en.startswith(f"Practice exercise {ex.index + 1} of seed {ex.seed}, kind {ex.kind} ")
        assert de.startswith(f"Übungsaufgabe {ex.index + 1} zu Seed {ex.seed}, Art {ex.kind} ")
        if ex.scope == "step":
            assert f"step {_link_step(ex)}." in en and f"Schritt {_link_step(ex)}." in de
        else:
            assert "whole run" in en and "ganzen Lauf" in de


def test_the_sheet_says_once_that_the_csv_counts_from_0():
    exs = X.generate(8, None, 5)
    for lang, needle in (("en", "numbers them from 0"), ("de", "zählt ab 0")):
        assert exercise_sheet.text_sheet(exs, 8, lang).count(needle) == 1
        assert exercise_sheet.html_sheet(exs, 8, lang).count(needle) == 1


@pytest.mark.parametrize("text, problem", [
    ("exercise:tlb:1", "form"), ("upload:x", "form"), ("exercise:tlb:1:2:3", "form"),
    ("exercise:nope:1:1", "KIND"), ("exercise:tlb:-1:1", "SEED"), ("exercise:tlb:1e3:1", "SEED"),
    (f"exercise:tlb:{X.MAX_SEED + 1}:1", "SEED"), ("exercise:tlb:1:0", "N"),
    (f"exercise:tlb:1:{X.MAX_COUNT + 1}", "N"), ("exercise:tlb:1:x", "N"),
])
def test_a_bad_exercise_link_says_which_part_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem):
        X.from_link(text)


def test_reclaim_exercises_ask_every_action_from_a_host_state_the_run_shows():
    """The reclaim kind: each answer is the host's own (questions.reclaim_answer of the step's record);
    every action occurs; the free pages and the state the question gives are the machine's after the
    step before; where the answer rests on the state (balloon, compress or swap, block) no two pages of
    a sharing domain are alike, and a block follows an allocation in the low state."""
    from visualizer.learn import questions as Q
    seen = {}
    for i in range(30):
        ex = X.make("reclaim", 21, i)
        F = ex.facts
        scenario, machine, records = X.run(ex.scenario, ex.mode)
        assert ex.step == len(records) - 1 and ex.answer["reclaim"] == Q.reclaim_answer(records[ex.step])
        m = scenario.machine(Mode(ex.mode))
        for k in range(ex.step):
            m.execute(scenario.trace[k], k)
        state, free, min_free = m.views.host_state()
        assert (state.value, free, min_free) == (F["state"], F["free"], F["min_free"])
        assert state.value == X._state_for(free, min_free)  # reached by falling: no margin at play
        data = {}
        for vm, _gpa, what in F["pages"]:
            if what != "table":
                data.setdefault(vm if F["salting"] else "*", []).append(what)
        alike = any(len(v) != len(set(v)) for v in data.values())
        if ex.answer["reclaim"] in ("balloon", "compress-swap", "block"):
            assert not alike
        elif F["state"] in ("high", "clear"):
            assert alike == (ex.answer["reclaim"] == "share")
        assert (ex.answer["reclaim"] == "block") == (F["allocates"] and state.value == "low")
        seen[ex.answer["reclaim"]] = ex
        for lang in ("en", "de"):
            q = X.question_text(ex, lang)
            assert "minFree" in q and str(F["free"]) in q and X.explanation(ex, lang)
            assert X.answer_text(ex, ex.fields[0], lang) == t(f"q.choice.reclaim.{ex.answer['reclaim']}", lang)
    assert set(seen) == set(Q.RECLAIM_ACTIONS)
    assert "Zustand low" in X.explanation(seen["block"], "de") and "the soft state" in X.explanation(seen["balloon"], "en")
