"""A guided lesson as one self-contained HTML file: prompts, predict questions answered and scored
in the file, the answers on demand, the explanations — offline.

Each lesson step is what the Lessons page shows: before its questions are answered, the diagram
before the operation, the prompt and the questions; after "Reveal and check", each answer marked
with the page's own markup (:func:`visualizer.learn.html.result_html`), the commentary, the
diagram after the operation and its narration. The questions are the page's
(:func:`visualizer.learn.questions.questions_for` on the state after the step, as the page takes
it), and every verdict the file can give is computed here by the page's own check
(:meth:`~visualizer.learn.questions.Question.check`): for a choice, each option's marked result;
for a number, the answer (a whole number the page's number box takes is right exactly when it
equals it) and the marked results for right and wrong. The script only picks among them and adds
up the score as :func:`visualizer.learn.lessons.score_of` does (a question left open counts for
nothing; a step is answered once until "Start over").

The file prints as a worksheet: each step with its questions (the diagram before the
operation), then the answers with their explanations.
"""
from __future__ import annotations

from html import escape

from ..learn import lessons as L
from ..learn import questions as Q
from ..render import figure as F
from ..text import narrate as N
from ..render import tables as T
from ..text.i18n import number, t
from ..learn.html import result_html
from ..render.svg import sized, to_svg
from . import payload, shell

READABLE_PX = 11.0
"""Page labels are drawn at least this large (CSS px), as on the Lessons page ("readable")."""
FIT_MAX = 1.6
WRONG = "\ue000"
"""Where a wrong number's marked result names the number given (the script puts it in)."""


def _readable(fig: F.Figure, svg: str) -> str:
    """The diagram fitted to its column, but never so small that a page label is under
    :data:`READABLE_PX` (then it scrolls sideways) — the Lessons page's "readable" size."""
    fonts = [size for b in fig.boxes if not b.text for size, shown in ((b.font, b.top), (b.bottom_font, b.bottom))
             if shown]
    px_per_pt = READABLE_PX / min(fonts, default=READABLE_PX)
    if px_per_pt > FIT_MAX:
        return sized(svg, px_per_pt * 3 / 4)
    return f'<div class="readable" style="min-width:{(fig.width + 8) * px_per_pt:.0f}px">{sized(svg, None)}</div>'


def _states(les: L.Lesson, lang: str, pool: payload.Pool) -> tuple[list, dict, dict]:
    """Every state the lesson shows, drawn: (states, (mode, at) → index, step index → questions)."""
    wanted: dict = {}
    for i, s in enumerate(les.steps):
        mode = les.mode_of(i)
        wanted.setdefault(mode, set()).add(s.at)
        if s.ask:
            wanted[mode].add(s.at - 1)
    view = F.View(data_only=les.figure, labels=les.scenario.labels,
                  ma_slots=F.ma_slots(les.scenario.config, les.scenario.trace, les.figure))
    total = len(les.scenario.trace)
    states, where, questions = [], {}, {}
    for mode in sorted(wanted, key=lambda m: m.value):
        machine = les.scenario.machine(mode)
        done, rec = 0, None
        for at in sorted(wanted[mode]):
            while done < at:
                rec = machine.execute(les.scenario.trace[done], done)
                done += 1
            fig = F.figure(machine, F.highlight_of(rec, machine), lang, view)
            svg, _engine = to_svg(fig)
            name = t("mode.short." + mode.value, lang)
            caption = (t("lesson.state", lang, step=at, total=total, mode=name) if at else
                       t("lesson.state_boot", lang, mode=name))
            nar, op = [], ""
            if rec is not None:
                nar = pool.doc(shell.offline(N.html_list(N.narrate_linked(
                    rec, lang, machine.views.current_process(rec.op.vm)))))
                op = f"<code>{N.esc(T.op_text(rec.op, lang))}</code>"
            where[(mode, at)] = len(states)
            states.append({"svg": pool.doc(f'<div class="esxi-diagram" data-step="{at}" data-mode="{mode.value}">'
                                           f"{_readable(fig, svg)}</div>"),
                           "caption": escape(caption), "nar": nar, "op": op})
            for i, s in enumerate(les.steps):
                if s.ask and s.at == at and les.mode_of(i) is mode:
                    # the page's questions: from the state after the step, as its timeline gives it
                    questions[i] = Q.questions_for(rec, machine, mode, kinds=list(s.ask))
    return states, where, questions


def _question(q: Q.Question, lang: str, pool: payload.Pool) -> dict:
    out = {"kind": q.kind, "prompt": escape(Q.prompt(q, lang)),
           "open": pool.doc(shell.offline(result_html(q, None, False, lang)))}
    if q.choices:
        ok = [q.check(c) for c in q.choices]
        out["choices"] = [escape(Q.choice_label(q, c, lang)) for c in q.choices]
        out["ok"] = ok
        out["verdicts"] = [pool.doc(shell.offline(result_html(q, c, v, lang))) for c, v in zip(q.choices, ok,
                                                                                                   strict=True)]
    else:
        if not (isinstance(q.answer, int) and q.check(q.answer) and not q.check(q.answer + 1)):
            raise AssertionError(f"a number question whose check is not equality: {q.kind}")  # pragma: no cover
        out["answer"] = q.answer
        out["right"] = pool.doc(shell.offline(result_html(q, q.answer, True, lang)))
        out["wrong"] = pool.doc(shell.offline(result_html(q, WRONG, False, lang)))
    return out


def _link(step: L.LessonStep, lang: str) -> str:
    if step.link is None:
        return ""
    return (f'<div class="lesson-link">{escape(t("exp.lesson.link", lang, label=step.link.text(lang), href=step.link.href))}'
            "</div>")


CSS = """
.bar .pos { font-weight: 600; font-size: 16px; margin-left: 8px; }
.bar .lesson-score { font-size: 16px; margin-left: 14px; }
.bar .name { font-size: 15px; color: #37474f; overflow: hidden; text-overflow: ellipsis; max-width: 40vw; }
.lesson { display: flex; gap: 18px; padding: 10px 14px; height: calc(100vh - 41px); }
.col-text { flex: 0 0 36%; overflow-y: auto; font-size: 16px; line-height: 1.45; padding-right: 4px; }
.col-fig { flex: 1; min-width: 0; overflow-y: auto; }
.box { border: 1px solid #d5dbe1; border-radius: 8px; padding: 8px 12px; margin: 0 0 10px 0; }
.box p { margin: 0.3rem 0; }
.caption { color: #546e7a; font-size: 15px; margin: 0 0 6px 0; }
.col-fig .esxi-diagram { overflow-x: auto; background: white; }
form.ask fieldset { border: none; margin: 8px 0; padding: 0; }
form.ask legend { font-size: 15px; padding: 0; margin-bottom: 2px; }
form.ask label { display: block; font-size: 15px; padding: 1px 0; cursor: pointer; }
form.ask input[type=text] { font: inherit; font-size: 15px; width: 12rem; padding: 3px 6px; }
form.ask .err { color: #b71c1c; font-size: 15px; min-height: 1.2em; }
.prompt { font-size: 15px; background: #f5f7fa; border-left: 3px solid #90a4ae; padding: 4px 8px; margin: 6px 0; }
.done { background: #e8f5e9; border: 1px solid #2e7d32; border-radius: 8px; padding: 8px 12px; }
.lesson-link { font-size: 15px; color: #37474f; margin: 6px 0; }
.narr-box ol { font-size: 15px !important; }
details.intro summary { cursor: pointer; font-weight: 600; }
@media print {
  h1 { font-size: 16pt; margin: 0 0 3mm 0; }
  h2 { font-size: 12.5pt; margin: 0 0 2mm 0; }
  .wsheet { break-before: page; }
  .wsheet .esxi-diagram { margin-top: 3mm; }
  .wsheet .esxi-diagram svg, .wkey .esxi-diagram svg { width: 100% !important; height: auto !important;
    max-height: 120mm; }
  .wsheet .readable, .wkey .readable { min-width: 0 !important; }
  .wq { margin: 2mm 0; }
  .wq .opts { margin-left: 5mm; }
  .blank { display: inline-block; min-width: 40mm; border-bottom: 0.6pt solid #111; height: 1.1em; }
  .wkey { break-before: page; }
  .wkey section { break-inside: avoid; border-top: 0.6pt solid #90a4ae; padding-top: 2mm; margin-bottom: 4mm; }
  ol.narration { font-size: 9.5pt !important; }
}
"""

JS = r"""
(async () => {
  const T = JSON.parse(document.getElementById('texts').textContent);
  let P;
  try { P = await readPayload('payload'); } catch (e) { failed(T.unreadable); return; }
  const pool = P.pool, text = d => d.map(i => pool[i]).join('');
  const $ = id => document.getElementById(id);
  const n = P.steps.length;
  const h = readHash();
  let i = Math.min(Math.max(0, (parseInt(h.step, 10) || 1) - 1), n - 1);
  const answers = {};  // step index → {results: [{given, ok}] as the page records them, shown: marked results}
  const score = () => {  // visualizer.learn.lessons.score_of: an open question counts for nothing
    let right = 0, asked = 0;
    for (const a of Object.values(answers)) for (const r of a.results) if (r.given !== null) { asked++; if (r.ok) right++; }
    return {right, asked};
  };
  const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  function form(s) {
    let out = `<form class="ask box" data-step="${i + 1}"><b>${s.askTitle}</b>`
      + (s.prompt.length ? `<div class="prompt">${text(s.prompt)}</div>` : '');
    s.qs.forEach((q, k) => {
      out += `<fieldset data-kind="${q.kind}"><legend>${q.prompt}</legend>`;
      if (q.choices) out += q.choices.map((c, x) => `<label><input type="radio" name="q${k}" value="${x}"> ${c}</label>`).join('');
      else out += `<input type="text" inputmode="numeric" name="q${k}" autocomplete="off" placeholder="${T.number}">`;
      out += '</fieldset>';
    });
    return out + `<div class="err"></div><button type="submit" class="primary">${T.check}</button></form>`;
  }
  function check(s, f) {
    const results = [], shown = [];
    for (let k = 0; k < s.qs.length; k++) {
      const q = s.qs[k];
      if (q.choices) {
        const el = f.querySelector(`input[name="q${k}"]:checked`);
        if (!el) { results.push({given: null, ok: false}); shown.push(text(q.open)); continue; }
        const x = parseInt(el.value, 10);
        results.push({given: x, ok: q.ok[x]});
        shown.push(text(q.verdicts[x]));
      } else {
        const raw = f.querySelector(`input[name="q${k}"]`).value.trim();
        if (raw === '') { results.push({given: null, ok: false}); shown.push(text(q.open)); continue; }
        if (!/^\d{1,9}$/.test(raw)) { f.querySelector('.err').textContent = T.numberBad; return null; }
        const v = parseInt(raw, 10);
        const ok = v === q.answer;
        results.push({given: v, ok});
        shown.push(ok ? text(q.right) : text(q.wrong).split('\ue000').join(esc(String(v))));
      }
    }
    return {results, shown};
  }
  function render() {
    const s = P.steps[i];
    const answered = answers[i];
    const asking = s.qs.length > 0 && !answered;
    const st = P.states[asking ? s.before : s.after];
    let left = '';
    if (i === 0 && P.intro) left += `<details class="intro box" open><summary>${T.intro}</summary>${P.intro}</details>`;
    if (asking) left += `<p class="caption">${T.after}</p>` + form(s);
    else {
      left += `<div class="box lesson-commentary">${text(s.commentary)}</div>`;
      if (answered) left += `<div class="box lesson-results"><b>${T.results}</b>${answered.shown.join('')}</div>`;
    }
    left += s.link;
    const sc = score();
    if (i === n - 1 && !asking && sc.asked) left += `<div class="done">${T.done.replace('{right}', sc.right).replace('{asked}', sc.asked)}</div>`;
    $('text').innerHTML = left;
    $('cap').innerHTML = st.caption;
    $('fig').innerHTML = text(st.svg);
    const box = $('fig').firstElementChild;
    box.dataset.lessonStep = i + 1;
    // a diagram wider than its column scrolls: keep the current access in view (as the page does)
    const cur = [...box.querySelectorAll('g.node.current')].map(g => g.getBoundingClientRect());
    if (cur.length && box.scrollWidth > box.clientWidth) {
      const b = box.getBoundingClientRect();
      const lo = Math.min(...cur.map(r => r.left)), hi = Math.max(...cur.map(r => r.right));
      box.scrollLeft += (hi - lo > b.width ? cur[0].left : (lo + hi) / 2 - b.width / 2) - b.left;
    }
    $('nar').innerHTML = !asking && st.nar.length ? `<div class="box narr-box"><b>${T.narration}</b> — ${st.op}${text(st.nar)}</div>` : '';
    $('pos').textContent = T.position.replace('{i}', i + 1).replace('{n}', n);
    $('score').textContent = T.score.replace('{right}', sc.right).replace('{asked}', sc.asked);
    $('score').dataset.right = sc.right;
    $('score').dataset.asked = sc.asked;
    $('b-back').disabled = i === 0;
    $('b-next').disabled = i === n - 1;
    document.body.dataset.step = i + 1;
    document.body.dataset.asking = asking ? '1' : '';
    writeHash({step: i + 1});
    const f = document.querySelector('form.ask');
    if (f) f.addEventListener('submit', ev => {
      ev.preventDefault();
      const got = check(s, f);
      if (!got) return;
      answers[i] = got;
      render();
    });
  }
  const go = x => { const to = Math.min(Math.max(0, x), n - 1); if (to !== i) { i = to; render(); } };
  installKeys({next: () => go(i + 1), back: () => go(i - 1), home: () => go(0)});
  installHover();
  $('b-back').onclick = () => go(i - 1);
  $('b-next').onclick = () => go(i + 1);
  $('b-restart').onclick = () => { for (const k of Object.keys(answers)) delete answers[k]; i = 0; render(); };
  $('b-print').onclick = () => window.print();
  render();
  document.body.dataset.ready = '1';
})();
"""


def lesson_html(les: L.Lesson, lang: str = "en") -> str:
    """The lesson ``les`` as one self-contained HTML file (see the module docstring)."""
    pool = payload.Pool()
    states, where, questions = _states(les, lang, pool)
    steps, sheets, key = [], [], []
    for i, s in enumerate(les.steps):
        mode = les.mode_of(i)
        qs = questions.get(i, [])
        ask_title = ""
        if s.ask:
            op = les.scenario.trace[s.at - 1]
            ask_title = escape(t("lesson.ask_title", lang, step=s.at, op=T.op_text(op, lang)))
        data = {"at": s.at, "mode": mode.value, "after": where[(mode, s.at)],
                "before": where[(mode, s.at - 1)] if s.ask else -1,
                "commentary": pool.doc(L.safe_html(s.commentary(lang))), "prompt": pool.doc(L.safe_html(s.prompt_in(lang))),
                "askTitle": ask_title, "link": _link(s, lang), "qs": [_question(q, lang, pool) for q in qs]}
        steps.append(data)
        # the worksheet: the step before its reveal; the answers at the end
        head = f"<h2>{escape(t('lesson.position', lang, i=i + 1, n=len(les.steps)))}</h2>"
        if qs:
            before = states[data["before"]]
            items = []
            for d in data["qs"]:
                opts = ("".join(f"<div>○ {c}</div>" for c in d["choices"]) if "choices" in d
                        else '<span class="blank"></span>')
                items.append(f'<div class="wq"><div>{d["prompt"]}</div><div class="opts">{opts}</div></div>')
            sheets.append(f'<section class="wsheet" data-step="{i + 1}">{head}<p><b>{ask_title}</b></p>'
                          f'{pool.text(data["prompt"])}{"".join(items)}<div class="caption">{before["caption"]}</div>'
                          f'{pool.text(before["svg"])}</section>')
            after = states[data["after"]]
            key.append(f'<section data-step="{i + 1}">{head}<p><b>{ask_title}</b></p>'
                       + "".join(pool.text(d["open"]) for d in data["qs"])
                       + pool.text(data["commentary"]) + (pool.text(after["nar"]) if after["nar"] else "") + "</section>")
        else:
            after = states[data["after"]]
            sheets.append(f'<section class="wsheet" data-step="{i + 1}">{head}{pool.text(data["commentary"])}'
                          f'<div class="caption">{after["caption"]}</div>{pool.text(after["svg"])}'
                          + (pool.text(after["nar"]) if after["nar"] else "") + "</section>")
    title = les.title_in(lang)
    intro = L.safe_html(les.intro_in(lang)) if les.intro_in(lang) else ""
    data = {"title": escape(title), "intro": intro, "steps": steps, "states": states, "pool": pool.pieces}
    texts = {"unreadable": t("exp.unreadable", lang), "number": t("learn.number", lang),
             "check": escape(t("lesson.check", lang)), "results": escape(t("lesson.results", lang)),
             "after": escape(t("lesson.commentary_after", lang)), "intro": escape(t("lesson.intro", lang)),
             "narration": escape(t("step.narration", lang)), "position": t("lesson.position", lang, i="{i}", n="{n}"),
             "score": t("learn.score", lang, right="{right}", asked="{asked}"),
             "done": escape(t("lesson.done", lang, right="{right}", asked="{asked}")),
             "numberBad": t("exp.lesson.number_bad", lang, max=number(L.MAX_NUMBER, lang))}
    e = escape
    body = (f'<div class="bar"><button id="b-back">‹ {e(t("lesson.back", lang))}</button>'
            f'<button id="b-next" class="primary">{e(t("lesson.next", lang))} ›</button>'
            f'<button id="b-restart">« {e(t("lesson.restart", lang))}</button><span class="pos" id="pos"></span>'
            f'<span class="lesson-score" id="score"></span><span class="spacer"></span>'
            f'<span class="name">{e(title)}</span><button id="b-print">{e(t("exp.print", lang))}</button></div>'
            f'<div class="lesson"><div class="col-text" id="text"></div><div class="col-fig">'
            f'<div class="caption" id="cap"></div><div id="fig"></div><div id="nar"></div></div></div>')
    print_body = (f"<h1>{e(title)}</h1>{intro}" + "".join(sheets)
                  + (f'<div class="wkey"><h1>{e(t("exp.lesson.answers", lang))}</h1>{"".join(key)}</div>' if key else ""))
    meta = (f'<meta name="esxi-export" content="lesson={e(les.name)}; scenario={e(les.scenario.name)}; '
            f'lang={lang}">\n')
    return shell.page(lang=lang, title=title, css=CSS, body=body, meta=meta,
                      payload=payload.script(data) + "\n" + payload.script(texts, "texts", compress=False), script=JS,
                      print_css="@page { size: A4 portrait; margin: 14mm 14mm; }", print_body=print_body)


def lesson_by_name(name_or_path: str) -> L.Lesson:
    """A built-in lesson by name, or a lesson file (checked as an upload is)."""
    from pathlib import Path
    if name_or_path in L.lesson_names():
        return L.builtin_lesson(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise L.LessonError(f"no lesson '{name_or_path}': neither a built-in ({', '.join(L.lesson_names())}) nor a "
                            "file")
    if path.stat().st_size > L.MAX_LESSON_BYTES:
        raise L.LessonError(f"the lesson file is larger than {L.MAX_LESSON_BYTES >> 10} KiB (the limit)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise L.LessonError("the lesson file is not UTF-8 text") from None
    les = L.load_lesson_text(text, path.stem or "lesson")
    L.check_answers(les)
    return les


__all__ = ["lesson_by_name", "lesson_html"]
