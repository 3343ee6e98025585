"""Exported files without a browser: the pieces join to the app's markup, every step's diagram is
the one the step page draws there, nothing in a file points outside it, lessons carry the page's
verdicts, and bad requests get a message (the browser side: test_browser_export.py)."""
from __future__ import annotations

import re

import pytest

from visualizer.app.session import Session, Timeline
from visualizer.cli import main
from visualizer.engine import Mode, builtin
from visualizer.export import ExportError, collect, lesson_html, parse_range, payload, presentation, presentation_html
from visualizer.learn import lessons as L
from visualizer.learn import questions as Q
from visualizer.render import figure as F
from visualizer.text import narrate as N
from visualizer.render.svg import fitted, to_svg


def lecture_state(scenario, mode: Mode, step: int, lang: str, data_only: bool, trace=None):
    """What the step page's lecture view shows at ``step`` (pages/1_Step_through.py: a Session
    moved there, the figure view with the run's machine places, the SVG fitted to its box)."""
    sc = scenario if trace is None else scenario.with_trace(trace)
    sess = Session(sc, mode, lambda s, m: Timeline(s.config, m, s.trace).precompute())
    sess.goto(step)
    fig = F.figure(sess.machine, F.highlight_of(sess.record, sess.machine), lang,
                   F.View(data_only=data_only, labels=sc.labels, compact=True,
                          ma_slots=F.ma_slots(sc.config, sess.trace, data_only)))
    rec = sess.record
    lines = N.narrate_linked(rec, lang, sess.machine.views.current_process(rec.op.vm)) if rec else None
    return fitted(to_svg(fig)[0]), lines


@pytest.mark.parametrize("text", [
    "", "plain", "<svg>\n<g id=\"a\">x</g>\n</svg>\n", "a\n\nb\n",
    '<ol class="narration"><li data-ids="x">One <details class="why"><summary>why?</summary>…</details></li>'
    '<li>Two</li></ol>'])
def test_pieces_join_to_the_markup_and_repeat_once(text):
    pool = payload.Pool()
    a, b = pool.doc(text), pool.doc(text)
    assert pool.text(a) == text and a == b
    assert len(pool.pieces) == len(set(pool.pieces))


def test_a_payload_reads_back_plain_and_deflated(monkeypatch):
    value = {"pool": ["<g>é</g>\n", "</script><script>alert(1)</script>"], "n": [1, 2, 3]}
    plain = payload.script(value)
    assert 'data-encoding="json"' in plain and "</script><script>" not in plain[:-len("</script>")]
    assert payload.read_script(plain) == value
    monkeypatch.setattr(payload, "PLAIN_LIMIT", 0)
    packed = payload.script(value)
    assert 'data-encoding="deflate"' in packed and payload.read_script(packed) == value


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_step_is_the_lecture_views_diagram_and_narration(lang):
    s = builtin("esxi-figure")
    run = collect(s, [Mode.SHADOW, Mode.NESTED], lang)
    assert (run.first, run.last, run.total, run.figure) == (0, len(s.trace), len(s.trace), True)
    for mode in (Mode.SHADOW, Mode.NESTED):
        views = run.views[mode.value]
        assert [v.step for v in views] == list(range(len(s.trace) + 1))
        for v in views:
            svg, lines = lecture_state(s, mode, v.step, lang, True)
            assert v.svg == svg, f"{mode.value} step {v.step}: not the lecture view's SVG"
            if lines is not None:
                # the narration as the app lists it, but for the "why?"s' links into the app's glossary
                assert v.narration == re.sub(r' · <a href="/Glossary[^"]*"[^>]*>[^<]*</a>', "", N.html_list(lines))
                assert "/Glossary" not in v.narration and 'class="why"' in v.narration


def test_a_range_far_into_a_long_run_is_the_step_pages_state():
    s = builtin("tlb-reach")
    run = collect(s, [Mode.NESTED], "en", "995-998", figure=False)
    assert run.steps == [995, 996, 997, 998] and run.total == 2000
    for v in run.views["nested"]:
        assert v.svg == lecture_state(s, Mode.NESTED, v.step, "en", False)[0]
    assert run.positions[0].startswith("<b>Step 995 of 2000</b>")


def test_the_file_refers_to_nothing_outside_it():
    html = presentation_html(builtin("esxi-figure"), [Mode.SHADOW, Mode.NESTED], "de", static=True)
    data = payload.read_script(html)
    # (an SVG's xmlns names its namespace: nothing is fetched)
    outside = re.sub(r'<script type="application/json" id="payload".*?</script>', "", html, flags=re.S)
    everything = re.sub(r'xmlns(?::\w+)?="[^"]*"', "", outside + "".join(data["pool"]))
    assert not re.search(r"""(?:src|href|xlink:href|action)\s*=\s*["'](?!#)""", everything), "a reference out"
    assert not re.search(r"url\(|@import|<link|<iframe|<img|https?://", everything, re.I)
    assert "/Glossary" not in everything  # the why?'s glossary link needs the app


def test_the_handout_holds_every_step_of_each_mode_and_the_concepts():
    s = builtin("esxi-figure")
    html = presentation_html(s, [Mode.SHADOW, Mode.NESTED], "en", static=True, handout="grid")
    sheets = re.findall(r'<section class="sheet" data-mode="(\w+)" data-step="(\d+)">', html)
    assert sheets == [(m, str(k)) for m in ("shadow", "nested") for k in range(len(s.trace) + 1)]
    assert '<body class="handout-grid">' in html and "size: A4 portrait" in html
    assert '<section class="concepts">' in html and "<details open " in html


def test_ranges_and_their_mistakes():
    assert parse_range(None, 14) == (0, 14) and parse_range("3-7", 14) == (3, 7)
    assert parse_range("5-", 14) == (5, 14) and parse_range("-4", 14) == (0, 4) and parse_range("9", 14) == (9, 9)
    for bad, says in (("7-3", "comes after"), ("0-15", "steps 0 to 14"), ("a-b", "whole numbers"),
                      ("١-٢", "whole numbers"), ("²", "whole numbers")):
        with pytest.raises(ExportError, match=says):
            parse_range(bad, 14)
    with pytest.raises(ExportError, match="give a range"):
        parse_range(None, 2000)
    with pytest.raises(ExportError, match="more than"):
        parse_range("0-999", 2000)


def test_a_view_the_file_does_not_have_is_refused():
    run = collect(builtin("esxi-figure"), [Mode.NESTED], "en", "0-2")
    with pytest.raises(ExportError, match="not a view"):
        presentation(run, view="both")
    with pytest.raises(ExportError, match="handout layout"):
        presentation(run, handout="poster")


@pytest.mark.parametrize("name", L.lesson_names())
def test_a_lesson_file_carries_the_pages_questions_and_verdicts(name):
    les = L.builtin_lesson(name)
    for lang in ("en",) if name != "04-nested-paging" else ("en", "de"):
        data = payload.read_script(lesson_html(les, lang))
        assert len(data["steps"]) == len(les.steps)
        for i, (step, got) in enumerate(zip(les.steps, data["steps"], strict=True)):
            qs = L.step_questions(les, i)  # the page's questions (from the state after the step)
            assert [q["kind"] for q in got["qs"]] == [q.kind for q in qs]
            for q, g in zip(qs, got["qs"], strict=True):
                if q.choices:
                    assert g["ok"] == [q.check(c) for c in q.choices] and sum(g["ok"]) == 1
                    assert g["choices"] == [N.esc(Q.choice_label(q, c, lang)) for c in q.choices]
                else:
                    assert g["answer"] == q.answer and q.check(g["answer"])
            assert got["before"] == -1 if not step.ask else got["before"] >= 0


def cli(*argv):
    import io
    import sys
    out, err = io.StringIO(), io.StringIO()
    old, sys.stderr = sys.stderr, err
    try:
        code = main(list(argv), out=out)
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_the_command_writes_a_presentation_and_a_lesson(tmp_path):
    code, out, err = cli("export", "esxi-figure", "--mode", "both", "--lang", "de", "--steps", "2-5",
                         "--handout", "grid", "-o", str(tmp_path / "x.html"))
    assert code == 0, err
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in html and '<body class="handout-grid">' in html
    data = payload.read_script(html)
    assert data["steps"] == [2, 3, 4, 5] and data["modes"] == ["shadow", "nested"] and data["view"] == "both"
    assert "steps 2 to 5 of 14" in out
    code, out, err = cli("export", "--lesson", "05-pmap", "-o", str(tmp_path / "l.html"))
    assert code == 0 and "lesson 05-pmap" in out


@pytest.mark.parametrize("argv, says", [
    (("export", "tlb-reach", "-o", "X"), "give a range"),
    (("export", "esxi-figure", "--mode", "native", "-o", "X"), "not a mode of the step page"),
    (("export", "esxi-figure", "--steps", "3-99", "-o", "X"), "the run has steps 0 to 14"),
    (("export", "--lesson", "nope", "-o", "X"), "no lesson 'nope'"),
    (("export", "esxi-figure", "--lesson", "05-pmap", "-o", "X"), "--lesson exports a lesson as it is"),
    (("export", "-o", "X"), "give a SCENARIO"),
    (("export", "esxi-figure", "-o", "/nonexistent-dir/x.html"), "cannot write"),
])
def test_the_commands_mistakes_get_one_line(argv, says):
    code, _out, err = cli(*argv)
    assert code == 2 and says in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_lesson_file_that_is_not_valid_is_named(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\nscenario = "esxi-figure"\n[[step]]\nstep = 1\ntext = "t"\nask = ["colour"]\n')
    code, _out, err = cli("export", "--lesson", str(bad), "-o", str(tmp_path / "o.html"))
    assert code == 2 and "step[0].ask[0]: 'colour' is not a question kind" in err


def test_teacher_text_becomes_html_by_the_lessons_rules():
    html = L.safe_html("A **b** <script>x</script> *c* [l](/Compare?x=1)\n\n- one\n- _two_\n\n1. a\n2. b\n\n![i](p.png)")
    assert html == ("<p>A <strong>b</strong> &lt;script&gt;x&lt;/script&gt; <em>c</em> l (/Compare?x=1)</p>"
                    "<ul><li>one</li><li><em>two</em></li></ul><ol><li>a</li><li>b</li></ol><p>![i](p.png)</p>")


def test_a_pdf_without_chromium_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-browser"))
    for argv in (("export", "esxi-figure", "--pdf", "-o", str(tmp_path / "x.pdf")),
                 ("exercises", "--count", "2", "--pdf", str(tmp_path / "s.pdf"))):
        code, _out, err = cli(*argv)
        assert code == 2 and "--pdf: a PDF needs Chromium" in err and err.count("\n") == 1
        assert not (tmp_path / "x.pdf").exists()


def test_a_run_that_runs_out_of_machine_memory_ends_where_the_step_page_ends(tmp_path):
    from visualizer.engine import load_scenario_text
    s = load_scenario_text('name = "oom"\nseed = 1\nmode = "shadow"\n[machine]\nmemory = "128KiB"\n[[vm]]\n'
                           'name = "VM1"\nmemory = "128KiB"\nprocesses = ["p1"]\n[trace_generator]\n'
                           'kind = "sequential"\nvm = "VM1"\nprocess = "p1"\naccesses = 40\npages = 30\n'
                           'stride = 4096\n[reclaim]\nenabled = false\n', "oom")  # no reclamation: it runs out
    limit = Timeline(s.config, Mode.SHADOW, s.trace).precompute().limit
    assert 0 < limit < len(s.trace)
    run = collect(s, [Mode.SHADOW], "en")
    assert (run.last, run.total) == (limit, limit) and "machine memory" in run.error
    assert run.positions[-1].startswith(f"<b>Step {limit} of {limit}</b>")
    assert "The run stops early" in presentation(run)
