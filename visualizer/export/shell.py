"""What every exported file shares: the page around the content, its styles and its scripts.

Everything is inline — styles, scripts, diagrams, data — and nothing refers to anything outside
the file: no fonts or icons from a host (the buttons carry words), no links into the app (the
narration's glossary links are left out; a click on any app-relative link does nothing), so a
file opened from a USB stick with ``file://`` makes no request at all.
"""
from __future__ import annotations

import re
from html import escape

from .payload import READ_JS

APP_LINK = re.compile(r' · <a href="/[^"]*"[^>]*>[^<]*</a>')
"""The "in the glossary" link of a "why?" (an address in the app, which a file does not have)."""


def offline(markup: str) -> str:
    """``markup`` without links into the app (see :data:`APP_LINK`)."""
    return APP_LINK.sub("", markup)


BASE_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Source Sans Pro", "Segoe UI", Helvetica, Arial, sans-serif; color: #102027; background: #fff;
  font-size: 16px; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.92em; background: #eef1f4;
  padding: 0 3px; border-radius: 3px; }
button, select { font: inherit; font-size: 15px; color: #102027; background: #f0f2f6; border: 1px solid #c3c9d1;
  border-radius: 6px; padding: 3px 12px; cursor: pointer; }
button:hover:not(:disabled) { background: #e2e5eb; }
button:disabled { opacity: 0.4; cursor: default; }
button.primary { background: #d33682; border-color: #d33682; color: #fff; }
button.primary:hover:not(:disabled) { background: #b82c6f; }
.bar { display: flex; align-items: center; gap: 6px; height: 40px; padding: 0 12px; border-bottom: 1px solid #dde2e7;
  white-space: nowrap; }
.bar .spacer { flex: 1; }
.bar .keys { font-size: 14px; color: #546e7a; overflow: hidden; text-overflow: ellipsis; }
.bar label { font-size: 15px; color: #37474f; }
.esxi-diagram svg g.hl rect, .esxi-diagram svg g.hl path, .esxi-diagram svg g.hl polygon {
  stroke: #d55e00 !important; stroke-width: 3.5px !important; }
li.hl { background: #fff3e0; outline: 2px solid #d55e00; }
.esxi-diagram svg g.row-label text, .esxi-diagram svg g.cluster > text {
  paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
ol.narration:has(details[open]) { column-count: 1 !important; }
.message { margin: 2rem; padding: 1rem; border: 2px solid #b71c1c; color: #b71c1c; font-size: 18px; }
.concepts .why summary { display: none !important; }
.concepts .why-concept { margin: 0 0 3mm 0; }
@media screen { #print { display: none; } }
@media print {
  #screen { display: none !important; }
  body { font-size: 10pt; }
  details.why { display: none !important; }
  .concepts details.why { display: block !important; }
  .concepts .why-body { border-left: 2px solid #1565c0; background: none !important; }
  .concepts { break-before: page; }
  .concepts h2 { font-size: 13pt; }
}
"""
"""Styles every exported file uses (screen and print)."""

KEYS_JS = r"""
// keys as in the app's lecture mode: → Space PageDown forward, ← PageUp back, Home to the start,
// m the mode, ↓ ↑ turn the narration's page. A clicker sends PageDown/PageUp: those work even with
// focus in an answer field; other keys typed into a field stay there, a choice keeps its arrows.
function installKeys(actions) {
  const map = {ArrowRight: 'next', ' ': 'next', PageDown: 'next', ArrowLeft: 'back', PageUp: 'back',
               Home: 'home', m: 'mode', M: 'mode', ArrowDown: 'down', ArrowUp: 'up'};
  document.addEventListener('keydown', ev => {
    const name = map[ev.key];
    if (!name || !actions[name] || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const t = ev.target, tag = t && t.tagName;
    const choice = tag === 'INPUT' && ['radio', 'checkbox'].includes((t.type || '').toLowerCase());
    const typing = !!t && (t.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && !choice));
    const clicker = ev.key === 'PageDown' || ev.key === 'PageUp';
    if (typing && !clicker) return;
    if (choice && !clicker && (ev.key.startsWith('Arrow') || ev.key === ' ')) return;
    if (tag === 'BUTTON' && ev.key === ' ') return;  // a focused button's own Space
    if (actions[name]() !== false) ev.preventDefault();
  });
}
// pointing at a narration line highlights the pages and arrows it speaks of (as in the app)
function installHover() {
  const mark = (ev, on) => {
    const li = ev.target && ev.target.closest ? ev.target.closest('li[data-ids]') : null;
    if (!li) return;
    const ids = new Set(li.dataset.ids.split(' '));
    document.querySelectorAll('#screen .esxi-diagram svg g.node, #screen .esxi-diagram svg g.edge').forEach(g => {
      let hit = false;
      if (g.classList.contains('node')) hit = ids.has(g.id);
      else { const e = (g.dataset.edge || '').split('->'); hit = e.length === 2 && ids.has(e[0]) && ids.has(e[1]); }
      if (hit) g.classList.toggle('hl', on);
    });
    li.classList.toggle('hl', on);
  };
  document.addEventListener('mouseover', ev => mark(ev, true));
  document.addEventListener('mouseout', ev => mark(ev, false));
  document.addEventListener('focusin', ev => mark(ev, true));
  document.addEventListener('focusout', ev => mark(ev, false));
  // the file has no app to link into: such a link goes nowhere (and makes no request)
  document.addEventListener('click', ev => {
    const a = ev.target && ev.target.closest ? ev.target.closest('a[href]') : null;
    if (a && !/^#/.test(a.getAttribute('href'))) ev.preventDefault();
  });
}
function readHash() {
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const [k, v] = part.split('=');
    if (k) out[decodeURIComponent(k)] = decodeURIComponent(v || '');
  }
  return out;
}
function writeHash(values) {
  const h = '#' + Object.entries(values).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  if (location.hash !== h) history.replaceState(null, '', h);
}
function failed(text) {
  document.getElementById('screen').innerHTML = '<div class="message"></div>';
  document.querySelector('#screen .message').textContent = text;
}
""" + READ_JS
"""Scripts every exported file uses (keys, hover, the place in the address's #fragment)."""


def page(*, lang: str, title: str, css: str, body: str, payload: str, script: str, meta: str = "",
         print_css: str = "", print_body: str = "") -> str:
    """A whole exported file: ``body`` is the screen's markup, ``print_body`` what prints (empty:
    the script builds it before printing), ``payload`` the data element, ``script`` the file's
    own script (run after the shared one)."""
    e = escape
    static = ' data-static="1"' if print_body else ""
    return (f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="ESXi memory visualizer">\n{meta}'
            f"<title>{e(title)}</title>\n<style>{BASE_CSS}{css}</style>\n"
            f'<style id="page-size">{print_css}</style>\n</head>\n<body>\n'
            f'<div id="screen">{body}</div>\n<div id="print"{static}>'
            f"{print_body}</div>\n{payload}\n<script>\n{KEYS_JS}\n{script}\n</script>\n</body>\n</html>\n")
