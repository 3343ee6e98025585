"""Keyboard, screen reader and touch access for every page (one small component in the sidebar).

What it adds to Streamlit's own:

- **Hidden navigation out of the tab order.** A folded sidebar stays in the page, off screen, and
  its page links were the first eight tab stops (and read by screen readers); folded, it is now
  hidden (``visibility: hidden`` takes it out of both).
- **Visible focus** on every button, link, field, switch and the diagram's pages.
- **A skip link to the step controls**: the second tab stop (after Streamlit's "skip to main
  content") on the step page and in lecture mode; Enter puts the focus on "Step".
- **The diagram's pages by keyboard and touch.** A diagram (``.esxi-diagram``) is one tab stop;
  in it the arrow keys go from page to page (← → along a row, ↑ ↓ to the nearest page of the row
  above or below, Home and End to a row's ends, Escape back out). Each page is announced with its
  tooltip — the text a mouse user gets by pointing at it — and the same text shows in a box over
  the diagram's corner; a tap or click on a page shows it too (a touch screen has no pointing).
  Keys used in the diagram go no further: they do not step the page.

The decoration is done in the browser on whatever diagram the page shows (the diagram markup is
unchanged), so it follows the diagram through reruns; a page that was focused keeps the focus
when the diagram is drawn again (after a step) where it is still there.
"""
from __future__ import annotations

import streamlit as st

from ..text.i18n import t

_JS = """
export default function(component) {
  const d = component.data || {};
  window.__esxiA11y = d;
  if (window.__esxiA11yOn) { window.__esxiA11yRun && window.__esxiA11yRun(); return; }
  window.__esxiA11yOn = true;
  // the machine's pages and places (not the row names, gaps or the caption, which are drawn as nodes too)
  const PAGE = 'g.node.page, g.node.slot';
  const rowOf = (g) => { const r = g.getBoundingClientRect(); return r.top + r.height / 2; };
  const colOf = (g) => { const r = g.getBoundingClientRect(); return r.left + r.width / 2; };
  const label = (g) => {
    const t = g.querySelector(':scope > title');
    return (t ? t.textContent : g.id).replace(/\\s*\\n\\s*/g, ' — ');
  };
  const panelOf = (box) => {
    const holder = box.parentElement;
    let p = holder.querySelector(':scope > .esxi-page-info');
    if (!p) {
      p = document.createElement('div');
      p.className = 'esxi-page-info';
      p.setAttribute('aria-live', 'polite');
      p.setAttribute('data-testid', 'esxiPageInfo');
      holder.appendChild(p);
    }
    return p;
  };
  const show = (box, g) => {
    const p = panelOf(box);
    box.querySelectorAll('g.picked').forEach(n => n.classList.remove('picked'));
    if (!g) { p.textContent = ''; p.classList.remove('on'); return; }
    g.classList.add('picked');
    p.textContent = label(g);
    p.classList.add('on');
  };
  const pages = (box) => [...box.querySelectorAll('svg :is(' + PAGE + ')')];
  const rows = (box) => {
    // pages whose centres lie within a few pixels of each other form a row (top to bottom)
    const all = pages(box).map(g => ({g, y: rowOf(g), x: colOf(g)})).sort((a, b) => a.y - b.y || a.x - b.x);
    const out = [];
    for (const p of all) {
      const last = out[out.length - 1];
      if (last && Math.abs(last[0].y - p.y) < 6) last.push(p); else out.push([p]);
    }
    out.forEach(r => r.sort((a, b) => a.x - b.x));
    return out;
  };
  const go = (box, g) => {
    if (!g) return;
    g.focus({preventScroll: true});
    g.scrollIntoView({block: 'nearest', inline: 'nearest'});
    window.__esxiFocusId = g.id;
    show(box, g);
  };
  const onKey = (ev) => {
    const box = ev.currentTarget;
    const keys = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'Enter', ' ', 'Escape'];
    if (!keys.includes(ev.key)) return;
    const g = ev.target.closest && ev.target.closest(PAGE);
    ev.preventDefault();
    ev.stopPropagation();  // the diagram's keys do not also step the page
    if (ev.key === 'Escape') { show(box, null); window.__esxiFocusId = null; box.focus(); return; }
    const rs = rows(box);
    if (!rs.length) return;
    if (!g) {  // from the diagram itself: the current access's page, else the first page
      const cur = box.querySelector('svg g.node.page.current');
      go(box, cur || rs[0][0].g);
      return;
    }
    const ri = rs.findIndex(r => r.some(p => p.g === g));
    const row = rs[ri], ci = row.findIndex(p => p.g === g);
    if (ev.key === 'ArrowRight') go(box, (row[ci + 1] || row[ci]).g);
    else if (ev.key === 'ArrowLeft') go(box, (row[ci - 1] || row[ci]).g);
    else if (ev.key === 'Home') go(box, row[0].g);
    else if (ev.key === 'End') go(box, row[row.length - 1].g);
    else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      const next = rs[ri + (ev.key === 'ArrowDown' ? 1 : -1)];
      if (!next) return;
      const x = row[ci].x;
      go(box, next.reduce((a, b) => Math.abs(b.x - x) < Math.abs(a.x - x) ? b : a).g);
    } else show(box, g);  // Enter or Space: say it again
  };
  const onTap = (ev) => {
    const g = ev.target.closest && ev.target.closest(PAGE);
    if (!g) return;
    const box = g.closest('.esxi-diagram');
    window.__esxiFocusId = g.id;
    g.focus({preventScroll: true});
    show(box, g);
  };
  const decorate = () => {
    const text = window.__esxiA11y || {};
    document.querySelectorAll('.esxi-diagram').forEach(box => {
      const svg = box.querySelector('svg');
      if (!svg || box.dataset.a11y === '1') return;
      box.dataset.a11y = '1';
      const name = svg.getAttribute('aria-label') || '';
      const n = pages(box).length;
      box.tabIndex = 0;
      box.setAttribute('role', 'group');
      box.setAttribute('aria-label', (name ? name + ' — ' : '') + (text.diagram || '').replace('{n}', n));
      svg.setAttribute('role', 'group');  // not an image: its pages are reached one by one
      pages(box).forEach(g => {
        g.setAttribute('tabindex', '-1');
        g.setAttribute('role', 'img');
        g.setAttribute('aria-label', label(g));
      });
      box.addEventListener('keydown', onKey);
      box.addEventListener('click', onTap);
      // after a step the diagram is drawn anew: the page that had the focus gets it back
      const keep = window.__esxiFocusId && document.getElementById(window.__esxiFocusId);
      if (keep && box.contains(keep) && (document.activeElement === document.body || !document.activeElement)) {
        keep.focus({preventScroll: true});
        show(box, keep);
      }
    });
    // the skip link to the step controls, right after Streamlit's own
    const step = document.querySelector('.st-key-step_forward button, .st-key-lec_forward button');
    let skip = document.querySelector('a.esxi-skip');
    if (step && !skip) {
      const first = document.querySelector('a[href="#stMain"]');
      skip = document.createElement('a');
      skip.className = 'esxi-skip';
      skip.href = '#esxi-step';  // an in-page target: the link is a skip link to every checker
      skip.addEventListener('click', ev => {
        ev.preventDefault();
        const b = document.querySelector('.st-key-step_forward button, .st-key-lec_forward button');
        if (b) { b.focus(); b.scrollIntoView({block: 'nearest'}); }
      });
      if (first && first.parentElement) first.after(skip); else document.body.prepend(skip);
    }
    // written only where they differ: each write is a mutation of the page, and the observer
    // below would run this again, every frame, for as long as the page is open
    if (step && step.id !== 'esxi-step') step.id = 'esxi-step';
    if (skip) {
      if (skip.textContent !== (text.skip || '')) skip.textContent = text.skip || '';
      if (skip.hidden !== !step) skip.hidden = !step;
    }
  };
  window.__esxiA11yRun = decorate;
  let queued = false;
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; decorate(); }); }
  }).observe(document.body, {childList: true, subtree: true});
  decorate();
}
"""

_CSS = """
/* a folded sidebar is out of the tab order and the accessibility tree (it stays in the page, off screen) */
section[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; transition: visibility 0s linear 0.35s; }
/* visible focus */
.stApp button:focus-visible, .stApp a:focus-visible, .stApp summary:focus-visible,
.stApp [role="slider"]:focus-visible, .stApp input:focus-visible, .stApp textarea:focus-visible,
.stApp [role="combobox"]:focus-visible, .esxi-diagram:focus-visible {
  outline: 3px solid #1565c0 !important; outline-offset: 2px !important; }
.stApp label:has(input[type="checkbox"]:focus-visible), .stApp label:has(input[type="radio"]:focus-visible) {
  outline: 3px solid #1565c0; outline-offset: 2px; border-radius: 4px; }
.esxi-diagram:focus-visible { outline-offset: -3px !important; }
.esxi-diagram svg g.node:focus { outline: none; }
.esxi-diagram svg g.node:focus rect, .esxi-diagram svg g.node:focus polygon, .esxi-diagram svg g.node.picked rect,
.esxi-diagram svg g.node.picked polygon { stroke: #1565c0 !important; stroke-width: 3.5px !important; }
/* contrast of at least 4.5:1 (axe-core's check): Streamlit's captions are at 60 % opacity, #828180 on white (3.9:1), a chosen
   pill's or segment's text #c53948 on #f9ebed (4.47:1) */
.stApp [data-testid="stCaptionContainer"] { color: #5d5e66 !important; opacity: 1 !important; }
.stApp button[data-variant][data-selected="true"] p { color: #a82a38 !important; }
.esxi-holder { position: relative; }
.esxi-page-info { display: none; position: absolute; left: 6px; bottom: 6px; max-width: min(46rem, calc(100% - 12px));
  background: #263238; color: #fff; font-size: 15px; line-height: 1.35; padding: 4px 10px; border-radius: 6px;
  z-index: 5; pointer-events: none; white-space: normal; }
.esxi-page-info.on { display: block; }
a.esxi-skip { position: absolute; left: -10000px; top: 8px; z-index: 1000100; background: #fff; color: #1565c0;
  padding: 6px 12px; border: 2px solid #1565c0; border-radius: 6px; font-weight: 600; }
a.esxi-skip:focus { left: 8px; }
"""


@st.cache_resource(show_spinner=False)
def _component():
    try:
        from streamlit.components import v2
    except ImportError:
        return None
    return v2.component("esxi_a11y", js=_JS, css=_CSS, isolate_styles=False)


def install(lang: str, container=None) -> None:
    """Put the component on the page (in the sidebar unless ``container`` is given; it shows
    nothing). Called by the entry file, so every page has it."""
    comp = _component()
    if comp is None:
        return
    data = {"skip": t("a11y.skip_to_step", lang), "diagram": t("a11y.diagram", lang)}
    with (container or st.sidebar):
        comp(data=data, key="esxi_a11y")
