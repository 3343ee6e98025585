"""A run as one self-contained HTML file: the lecture mode's view, stepped with its keys, offline.

:func:`collect` runs a scenario's trace in one or both modes and keeps, for every step of a
range, what the step page's lecture mode shows there — drawn by the same code: the placed figure
(:func:`visualizer.render.figure.figure` in the compact view, with the run's stable machine
places :func:`~visualizer.render.figure.ma_slots`), its SVG (:func:`visualizer.render.svg.to_svg`,
fitted as the lecture view fits it), the status line and the narration with its "why?"s
(:func:`visualizer.text.narrate.narrate_linked`, :func:`~visualizer.text.narrate.html_list`).
:func:`presentation` writes the file: the pieces in a shared pool (:mod:`.payload`), a script
that shows one step at a time with the lecture keys, and print styles for a handout — one step
per page or several to a page — with the concepts behind the "why?"s at the end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Optional, Sequence

from ..engine import Mode, OutOfMemory, Scenario, Trace
from .limits import HANDOUTS, MAX_STEPS
from ..render import figure as F
from ..text import narrate as N
from ..render import tables as T
from ..text.i18n import t
from ..render.svg import fitted, to_svg
from . import payload, shell

VIEWS = ("shadow", "nested", "both")


class ExportError(ValueError):
    """The export cannot be made as asked; the message says why and what to give instead."""


@dataclass(slots=True)
class StepView:
    """One step in one mode, as the lecture view shows it."""

    step: int
    svg: str
    """The diagram: the app's SVG, fitted to its box (as the lecture view fits it)."""
    summary: str
    """The step's short summary (TLB, cycles, references, exits), escaped; "" for step 0."""
    narration: str
    """The narration as an HTML list, each line with its "why?"."""
    concepts: tuple = ()
    """The concepts its lines explain, in order."""


@dataclass(slots=True)
class Run:
    """What a presentation file shows: a range of steps of one run, in one or both modes."""

    scenario: Scenario
    modes: tuple
    lang: str
    first: int
    last: int
    total: int
    """The run's last step (as the step page counts: ``Step k of total``)."""
    figure: bool
    """The figure view (data pages only)."""
    engine: str = "python"
    """What drew the diagrams (Python, or a Graphviz program)."""
    positions: list = field(default_factory=list)
    """Per step of the range: the status line's start ("Step k of N — op"), as HTML."""
    views: dict = field(default_factory=dict)
    """Mode value → [:class:`StepView`] per step of the range."""
    error: str = ""
    """Why the run stops before the range's end ("" where it does not)."""

    @property
    def steps(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def parse_range(text: Optional[str], total: int, limit: int = MAX_STEPS) -> tuple[int, int]:
    """A step range ``A-B`` (also ``A-`` or ``-B``; ``N`` alone is the one step N) → (first, last),
    each from 0 to ``total``. No range: the whole run — if it has at most ``limit`` steps."""
    if text is None or not text.strip():
        if total + 1 > limit:
            raise ExportError(f"the run has {total} steps and one file holds at most {limit}: give a range, e.g. "
                              f"--steps 0-{limit - 1}")
        return 0, total
    s = text.strip()
    a, sep, b = s.partition("-")
    a, b = a.strip(), b.strip()

    def num(v: str, default: int) -> int:
        if not v:
            return default
        if not (v.isascii() and v.isdigit()) or len(v) > 12:
            raise ExportError(f"--steps '{s}': write the range as A-B with whole numbers, e.g. 0-{min(total, 20)}")
        return int(v)
    first, last = (num(a, 0), num(b, total)) if sep else (num(a, 0), num(a, 0))
    if first > last:
        raise ExportError(f"--steps '{s}': the first step ({first}) comes after the last ({last})")
    if last > total:
        raise ExportError(f"--steps '{s}': the run has steps 0 to {total}")
    if last - first + 1 > limit:
        raise ExportError(f"--steps '{s}': {last - first + 1} steps, more than one file holds ({limit})")
    return first, last


def _status(k: int, total: int, rec, lang: str) -> str:
    position = escape(t("step.position", lang, step=k, total=total))
    if rec is None:
        return f"<b>{position}</b> — {N.esc(t('step.boot', lang))}"
    return f"<b>{position}</b> — <code>{N.esc(T.op_text(rec.op, lang))}</code>"


def collect(scenario: Scenario, modes: Sequence[Mode], lang: str = "en", steps: Optional[str] = None,
            figure: Optional[bool] = None, trace: Optional[Trace] = None,
            first_last: Optional[tuple[int, int]] = None) -> Run:
    """Run ``scenario`` (or ``trace`` on its machine) in ``modes`` and keep each step of the range
    (``steps`` as :func:`parse_range` reads it, or ``first_last``) as the lecture view shows it.
    ``figure``: the figure view (data pages only); None: where the scenario names its pages, as
    the step page chooses. An operation that fails (machine memory ran out) ends the run there."""
    trace = scenario.trace if trace is None else trace
    total = len(trace)
    first, last = first_last if first_last is not None else parse_range(steps, total)
    if not 0 <= first <= last <= total:
        raise ExportError(f"steps {first} to {last}: the run has steps 0 to {total}")
    data_only = bool(scenario.labels) if figure is None else bool(figure)
    # the lecture view's figure: compact, every machine page in the place it keeps for the run
    view = F.View(data_only=data_only, labels=scenario.labels, compact=True,
                  ma_slots=F.ma_slots(scenario.config, trace, data_only))
    run = Run(scenario, tuple(modes), lang, first, last, total, data_only)
    stop = last
    records: dict = {}
    for mode in run.modes:
        machine = scenario.machine(mode)
        out: list[StepView] = []
        rec = None
        try:
            if first > 1:
                machine.run_bulk(trace, 0, first - 1)
            if first > 0:
                rec = machine.execute(trace[first - 1], first - 1)
        except (OutOfMemory, RuntimeError, ValueError) as exc:
            raise ExportError(f"the run stops before step {first}: {exc}") from None
        for k in range(first, last + 1):
            if k > first:
                try:
                    rec = machine.execute(trace[k - 1], k - 1)
                except (OutOfMemory, RuntimeError, ValueError) as exc:
                    run.error = f"operation {k} ({trace[k - 1].describe()}): {exc}"
                    stop = min(stop, k - 1)
                    break
            fig = F.figure(machine, F.highlight_of(rec, machine), lang, view)
            svg, run.engine = to_svg(fig)
            if rec is None:
                lines: list = [t("nar.boot", lang)]
            else:
                lines = N.narrate_linked(rec, lang, machine.views.current_process(rec.op.vm))
            concepts = tuple(dict.fromkeys(c for line in lines for c in getattr(line, "concepts", ())))
            out.append(StepView(k, fitted(svg), N.esc(T.step_summary(rec, lang, short=True)) if rec else "",
                                shell.offline(N.html_list(lines)), concepts))
            records.setdefault(k, rec)
        run.views[mode.value] = out
    run.last = stop
    if run.error:  # as the step page's timeline: the run's last step is the last that can be reached
        run.total = stop
    for mode in run.modes:
        del run.views[mode.value][stop - first + 1:]
    run.positions = [_status(k, run.total, records[k], lang) for k in range(first, stop + 1)]
    return run


# -- the file ------------------------------------------------------------------------------------------
CSS = """
body { overflow: hidden; }
.bar .name { font-weight: 600; font-size: 15px; margin-left: 6px; max-width: 22vw; overflow: hidden; flex-shrink: 0;
  text-overflow: ellipsis; }
.lecture-status { font-size: 18px; line-height: 32px; height: 34px; padding: 0 14px; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
#diagrams { padding: 0 14px; }
.bar .note { font-size: 14px; color: #b71c1c; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.esxi-diagram.lecture { height: calc(100vh - 40px - 34px - 168px); min-height: 200px; overflow: hidden;
  background: white; display: flex; justify-content: center; }
.esxi-diagram.lecture svg { width: 100%; height: 100%; }
.esxi-diagram.lecture.half { height: calc((100vh - 40px - 34px - 168px - 44px) / 2); min-height: 100px; }
.both-caption { font-size: 15px; font-weight: 600; margin: 2px 0 0 0; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.both-summary { font-weight: 400; }
#narr-box { position: relative; margin: 6px 14px 0 14px; }
.lecture-narration { height: 150px; overflow-x: auto; overflow-y: hidden; border: 2px solid #37474f; border-radius: 6px;
  padding: 4px 10px; font-size: 17px; line-height: 1.35; }
/* a long narration runs on in columns to the right, in reading order (↓ / ↑ turn the page), as in the app */
.lecture-narration ol { margin: 0; padding-left: 1.6rem; font-size: 17px !important; column-count: 2 !important;
  column-fill: auto; column-gap: 2.6rem; height: 100%; }
.lecture-narration li { break-inside: avoid; }
.lecture-narration.in-both { overflow: hidden; }
.both-narration { display: flex; gap: 1.2rem; height: 100%; }
.both-narration > div { flex: 1; min-width: 0; overflow-x: auto; overflow-y: hidden; display: flex;
  flex-direction: column; }
.both-narration ol { column-count: 1 !important; column-width: auto; flex: 1; min-height: 0; height: auto; }
.narr-more::after { content: attr(data-more); position: absolute; right: 14px; bottom: 8px; background: #37474f;
  color: #fff; font-size: 14px; line-height: 20px; padding: 0 8px; border-radius: 10px; pointer-events: none; }
"""

PRINT_CSS = """
@media print {
  .sheet-head { font-size: 11pt; margin: 0 0 2mm 0; }
  .sheet-dia { background: white; }
  .sheet-dia svg { width: 100%; height: 100%; display: block; }
  .sheet-narr ol { margin: 0; padding-left: 6mm; line-height: 1.3; }
  .sheet-narr li { break-inside: avoid; }
  body.handout-pages .sheet { height: 186mm; display: flex; flex-direction: column; overflow: hidden;
    break-after: page; }
  body.handout-pages .sheet-dia { flex: 1 1 auto; min-height: 70mm; }
  body.handout-pages .sheet-narr { flex: 0 0 auto; max-height: 110mm; overflow: hidden; }
  body.handout-pages .sheet-narr ol { font-size: 10pt !important; column-count: 2 !important; column-gap: 8mm; }
  body.handout-grid .sheet { display: grid; grid-template-columns: 52fr 48fr; grid-template-rows: auto auto;
    column-gap: 3mm; break-inside: avoid; border-top: 0.6pt solid #90a4ae; padding: 1.5mm 0 2.5mm 0; }
  body.handout-grid .sheet-head { grid-column: 1 / 3; font-size: 9pt; margin-bottom: 1mm; }
  body.handout-grid .sheet-dia { height: 52mm; }
  body.handout-grid .sheet-narr { min-width: 0; }
  body.handout-grid .sheet-narr ol { font-size: 7.5pt !important; column-count: 1 !important; padding-left: 5mm;
    line-height: 1.25; }
}
"""

PAGE_SIZE = {"pages": "@page { size: A4 landscape; margin: 12mm 12mm; }",
             "grid": "@page { size: A4 portrait; margin: 12mm 12mm; }"}

JS = r"""
function sheetHtml(P, text, m, j) {
  const v = P.views[m];
  return `<section class="sheet" data-mode="${m}" data-step="${P.steps[j]}"><div class="sheet-head">${P.title}`
    + ` · ${P.modeLong[m]} · ${P.pos[j]}${v.sum[j] ? ' — ' + v.sum[j] : ''}</div>`
    + `<div class="esxi-diagram sheet-dia">${text(v.svg[j])}</div><div class="sheet-narr">${text(v.nar[j])}</div></section>`;
}
(async () => {
  const T = JSON.parse(document.getElementById('texts').textContent);
  let P;
  try { P = await readPayload('payload'); } catch (e) { failed(T.unreadable); return; }
  const pool = P.pool, text = d => d.map(i => pool[i]).join('');
  const views = P.modes.length > 1 ? [...P.modes, 'both'] : P.modes.slice();
  const h = readHash();
  let j = Math.max(0, P.steps.indexOf(parseInt(h.step, 10)));
  let view = views.includes(h.mode) ? h.mode : P.view;
  const $ = id => document.getElementById(id);
  const narr = $('narr');
  function diagram(m, half) {
    return `<div class="esxi-diagram lecture${half ? ' half' : ''}" data-step="${P.steps[j]}" data-mode="${m}" `
      + `data-engine="${P.engine}">${text(P.views[m].svg[j])}</div>`;
  }
  function markMore() {
    const boxes = [narr, ...narr.querySelectorAll('.both-narration > div')];
    const more = boxes.some(b => b.scrollWidth > b.clientWidth + b.scrollLeft + 2);
    $('narr-box').classList.toggle('narr-more', more);
  }
  function render() {
    const k = P.steps[j];
    const both = view === 'both';
    const m = both ? P.modes[0] : view;
    const sum = P.views[m].sum[j];
    $('status').innerHTML = P.pos[j] + (!both && sum ? ' — ' + sum : '');
    $('status').dataset.step = k;
    if (both) {
      $('diagrams').innerHTML = P.modes.map(x => `<div class="both-caption" data-mode="${x}">${P.modeLong[x]}`
        + `<span class="both-summary">${P.views[x].sum[j] ? ' — ' + P.views[x].sum[j] : ''}</span></div>`
        + diagram(x, true)).join('');
      narr.innerHTML = '<div class="both-narration">' + P.modes.map(x => `<div><b>${P.modeShort[x]}</b>`
        + text(P.views[x].nar[j]) + '</div>').join('') + '</div>';
    } else {
      $('diagrams').innerHTML = diagram(m, false);
      narr.innerHTML = text(P.views[m].nar[j]);
    }
    narr.className = 'lecture-narration' + (both ? ' in-both' : '');
    narr.dataset.step = k;
    narr.scrollLeft = 0;
    $('b-home').disabled = $('b-back').disabled = j === 0;
    $('b-next').disabled = j === P.steps.length - 1;
    if ($('b-mode')) $('b-mode').textContent = P.modeShort[view];
    document.body.dataset.step = k;
    document.body.dataset.view = view;
    writeHash({step: k, mode: view});
    markMore();
  }
  const go = n => { const to = Math.min(Math.max(0, n), P.steps.length - 1); if (to !== j) { j = to; render(); } };
  const cycle = () => {
    if (views.length < 2) return false;
    view = views[(views.indexOf(view) + 1) % views.length];
    render();
  };
  const page = dir => {
    const boxes = [narr, ...narr.querySelectorAll('.both-narration > div')].filter(b => b.scrollWidth > b.clientWidth + 1);
    if (!boxes.length) return false;
    boxes.forEach(b => b.scrollBy({left: dir * b.clientWidth}));
    setTimeout(markMore, 50);
  };
  installKeys({next: () => go(j + 1), back: () => go(j - 1), home: () => go(0), mode: cycle,
               down: () => page(1), up: () => page(-1)});
  installHover();
  $('b-home').onclick = () => go(0);
  $('b-back').onclick = () => go(j - 1);
  $('b-next').onclick = () => go(j + 1);
  if ($('b-mode')) $('b-mode').onclick = () => cycle();
  narr.addEventListener('scroll', markMore, true);
  window.addEventListener('resize', markMore);
  // the handout: built from the same pieces just before printing (a static file has it already)
  const layout = $('handout');
  const setLayout = v => {
    document.body.classList.remove('handout-pages', 'handout-grid');
    document.body.classList.add('handout-' + v);
    $('page-size').textContent = P.pageSize[v];
  };
  layout.value = document.body.classList.contains('handout-grid') ? 'grid' : 'pages';
  layout.onchange = () => setLayout(layout.value);
  window.buildPrint = () => {
    const el = $('print');
    if (el.dataset.static || el.dataset.built) return;
    el.innerHTML = P.modes.map(m => P.steps.map((k, i) => sheetHtml(P, text, m, i)).join('')).join('')
      + text(P.concepts);
    el.dataset.built = '1';
  };
  window.addEventListener('beforeprint', window.buildPrint);
  $('b-print').onclick = () => { window.buildPrint(); window.print(); };
  render();
  document.body.dataset.ready = '1';
})();
"""


def _payload(run: Run, handout: str, view: str) -> tuple[dict, payload.Pool]:
    pool = payload.Pool()
    lang = run.lang
    concepts = list(dict.fromkeys(c for views in run.views.values() for v in views for c in v.concepts))
    appendix = ""
    if concepts:
        bodies = "".join(shell.offline(N.why_html((cid,), lang)).replace("<details ", "<details open ", 1)
                         for cid in concepts)
        appendix = f'<section class="concepts"><h2>{escape(t("exp.concepts", lang))}</h2>{bodies}</section>'
    data = {
        "title": escape(run.scenario.name), "steps": run.steps, "modes": [m.value for m in run.modes],
        "view": view, "engine": escape(run.engine), "pos": run.positions,
        "modeShort": {v: escape(t("mode.short." + v, lang)) for v in VIEWS},
        "modeLong": {m.value: escape(t("mode." + m.value, lang)) for m in run.modes},
        "views": {m: {"svg": [pool.doc(v.svg) for v in views], "nar": [pool.doc(v.narration) for v in views],
                      "sum": [v.summary for v in views]} for m, views in run.views.items()},
        "concepts": pool.doc(appendix), "pageSize": PAGE_SIZE,
    }
    data["pool"] = pool.pieces
    return data, pool


def _sheet(data: dict, pool: payload.Pool, m: str, j: int) -> str:
    """One printed step — the markup the file's script builds before printing (``sheetHtml``)."""
    v = data["views"][m]
    return (f'<section class="sheet" data-mode="{m}" data-step="{data["steps"][j]}"><div class="sheet-head">'
            f'{data["title"]} · {data["modeLong"][m]} · {data["pos"][j]}{" — " + v["sum"][j] if v["sum"][j] else ""}'
            f'</div><div class="esxi-diagram sheet-dia">{pool.text(v["svg"][j])}</div>'
            f'<div class="sheet-narr">{pool.text(v["nar"][j])}</div></section>')


def presentation(run: Run, handout: str = "pages", view: Optional[str] = None, static: bool = False) -> str:
    """The file for ``run``: the lecture view of each step, the keys, a handout's print styles.
    ``handout``: the print layout it starts with (:data:`HANDOUTS`); ``view``: the mode shown
    first (a mode of the run, or "both" where it has both; default both where it has both);
    ``static``: the handout written out in full (for printing without a script, e.g. to PDF)."""
    lang = run.lang
    if handout not in HANDOUTS:
        raise ExportError(f"'{handout}' is not a handout layout ({', '.join(HANDOUTS)})")
    modes = [m.value for m in run.modes]
    if view is None:
        view = "both" if len(modes) > 1 else modes[0]
    if view not in modes and not (view == "both" and len(modes) > 1):
        raise ExportError(f"'{view}' is not a view of this file ({', '.join(modes + (['both'] if len(modes) > 1 else []))})")
    data, pool = _payload(run, handout, view)
    e = escape
    stopped = t("exp.stopped", lang, error=run.error) if run.error else ""
    note = f'<span class="note" title="{e(stopped)}">{e(stopped)}</span>' if stopped else ""
    mode_button = (f'<button id="b-mode" title="{e(t("lec.key.mode", lang))}">{e(t("mode.short." + view, lang))}'
                   f"</button>") if len(modes) > 1 else ""
    body = (f'<div class="bar"><button id="b-home" title="{e(t("lec.key.reset", lang))}">« {e(t("step.reset", lang))}'
            f'</button><button id="b-back" title="{e(t("lec.key.back", lang))}">‹ {e(t("step.back", lang))}</button>'
            f'<button id="b-next" class="primary" title="{e(t("lec.key.forward", lang))}">{e(t("step.forward", lang))} ›'
            f'</button>{mode_button}<span class="name" title="{e(run.scenario.describe(lang))}">{e(run.scenario.name)}'
            f'</span>{note}<span class="spacer"></span>'
            f'<label>{e(t("exp.handout", lang))} <select id="handout">'
            f'<option value="pages">{e(t("exp.handout.pages", lang))}</option>'
            f'<option value="grid">{e(t("exp.handout.grid", lang))}</option></select></label>'
            f'<button id="b-print">{e(t("exp.print", lang))}</button></div>'
            f'<div class="lecture-status" id="status"></div><div id="diagrams"></div>'
            f'<div id="narr-box" data-more="{e(t("lec.narration_more", lang))}">'
            f'<div id="narr" class="lecture-narration"></div></div>'
            )
    print_body = ""
    if static:
        print_body = "".join(_sheet(data, pool, m, j) for m in modes for j in range(len(data["steps"]))) + \
            pool.text(data["concepts"])
    texts = {"unreadable": t("exp.unreadable", lang)}
    meta = (f'<meta name="description" content="{e(run.scenario.describe(lang))}">\n'
            f'<meta name="esxi-export" content="scenario={e(run.scenario.name)}; modes={",".join(modes)}; '
            f'steps={run.first}-{run.last}; figure={int(run.figure)}; lang={lang}">\n')
    html = shell.page(lang=lang, title=f"{run.scenario.name} — {', '.join(t('mode.short.' + m, lang) for m in modes)}",
                      css=CSS + PRINT_CSS, body=body, meta=meta,
                      payload=payload.script(data) + "\n" + payload.script(texts, "texts", compress=False),
                      script=JS, print_css=PAGE_SIZE[handout], print_body=print_body)
    return html.replace("<body>", f'<body class="handout-{handout}">', 1)


def presentation_html(scenario: Scenario, modes: Sequence[Mode], lang: str = "en", steps: Optional[str] = None,
                      figure: Optional[bool] = None, handout: str = "pages", trace: Optional[Trace] = None,
                      static: bool = False, view: Optional[str] = None,
                      first_last: Optional[tuple[int, int]] = None) -> str:
    """:func:`collect` then :func:`presentation`: the file in one call."""
    return presentation(collect(scenario, modes, lang, steps, figure, trace, first_last), handout, view, static)


def window(step: int, total: int, limit: int = MAX_STEPS) -> tuple[int, int]:
    """The steps a file made from the step page holds: the whole run where it fits, else
    ``limit`` steps from the current one (fewer before the run's end: then up to the end)."""
    if total + 1 <= limit:
        return 0, total
    first = max(0, min(step, total - limit + 1))
    return first, first + limit - 1


def modes_of(view: str) -> list[Mode]:
    """The modes a view shows: "both" is shadow and nested."""
    return [Mode.SHADOW, Mode.NESTED] if view == "both" else [Mode(view)]
