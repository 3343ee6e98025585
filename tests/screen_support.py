"""What the one-screen browser tests share: the two screens, the scenarios a lecture uses, and
how a step is opened, waited for and measured at both screens."""
from __future__ import annotations

from browser_support import settle
from visualizer.app.stage import MIN_SCALE

LAPTOP, PROJECTOR = {"width": 1366, "height": 650}, {"width": 1280, "height": 720}
SCENARIOS = ["esxi-figure", "page-table-update", "context-switch", "no-vpid", "mmu-caches"]

IN_VIEW = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const inside = (r) => r[0] >= -0.5 && r[1] >= -0.5 && r[2] <= vw + 0.5 && r[3] <= vh + 0.5;
  // Streamlit may keep a second copy of a button with help (one hidden): the one on screen counts
  const step = [...document.querySelectorAll('.st-key-step_forward button')].find(b => b.getBoundingClientRect().width > 0);
  const out = {vw, vh, step: step ? rect(step) : null, diagrams: [], problems: []};
  if (!step || !inside(out.step)) out.problems.push('Step button ' + JSON.stringify(out.step));
  const reveal = [...document.querySelectorAll('.st-key-predict_reveal button')].find(b => b.getBoundingClientRect().width > 0);
  if (reveal && !inside(rect(reveal))) out.problems.push('Reveal button ' + JSON.stringify(rect(reveal)));
  // a diagram on screen (Streamlit may keep the one it is replacing for a moment, hidden: size 0)
  const boxes = [...document.querySelectorAll('.esxi-diagram.stage')].filter(b => b.getBoundingClientRect().width > 0);
  if (!boxes.length) out.problems.push('no diagram');
  for (const box of boxes) {
    const svg = box.querySelector('svg');
    // the drawn picture: its pages, arrows and VM boxes (the SVG may be wider than what it draws)
    const parts = [...svg.querySelectorAll('g.node, g.edge, g.cluster')].map(rect);
    const pic = [Math.min(...parts.map(p => p[0])), Math.min(...parts.map(p => p[1])),
                 Math.max(...parts.map(p => p[2])), Math.max(...parts.map(p => p[3]))];
    const b = rect(box);
    out.diagrams.push(pic);
    if (!inside(pic)) out.problems.push('diagram ' + JSON.stringify(pic.map(Math.round)));
    // not cut by its own box either (a box that scrolls sideways hides part of it)
    if (pic[0] < b[0] - 0.5 || pic[2] > b[2] + 0.5 || pic[1] < b[1] - 0.5 || pic[3] > b[3] + 0.5)
      out.problems.push('diagram cut by its box ' + JSON.stringify(b.map(Math.round)));
  }
  // the scale: CSS pixels per unit of the SVG's viewBox (at 1 its 7.5-unit text is 7.5 px high)
  out.scale = Math.min(...boxes.map(box => { const svg = box.querySelector('svg');
    return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; }));
  return out;
}"""


def open_step(page, server: str, query: str) -> None:
    page.goto(f"{server}/Step_through?{query}")
    page.wait_for_selector('.esxi-diagram.stage[data-step="0"]:not([data-ahead]) svg')
    page.wait_for_function("() => !!window.__esxiKeyHandler")
    settle(page)


def wait_step(page, step: int) -> None:
    page.wait_for_selector(f'.esxi-diagram.stage[data-step="{step}"]:not([data-ahead]) svg')
    page.evaluate(FRAMES)


def check_both_viewports(page, where: str) -> None:
    """The Step button and the whole diagram in view at the laptop's and the projector's size; the
    page is left at the laptop's."""
    for vp in (PROJECTOR, LAPTOP):
        page.set_viewport_size(vp)
        page.evaluate(FRAMES)
        got = page.evaluate(IN_VIEW)
        assert not got["problems"], f"{where} at {vp['width']}x{vp['height']}: {got['problems']}"
        # the text stays readable: the diagram is never drawn below the step page's least scale
        assert got["scale"] >= MIN_SCALE - 0.005, f"{where} at {vp['width']}x{vp['height']}: scale {got['scale']:.2f}"


FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
"""Two frames: the stage's size follows a resize or new markup in the next frame."""

LANGS = {"esxi-figure": ("en", "de"), "page-table-update": ("de", "en"), "context-switch": ("en", "de"),
         "no-vpid": ("de", "en"), "mmu-caches": ("en", "de")}
"""Each scenario's first language (the normal page) and second (the figure view); predict runs in
both for esxi-figure, in the first elsewhere — every variant is seen in English and in German."""


def switch_language(page, lang: str) -> None:
    page.locator(".st-key-_lang_widget label").filter(has_text={"en": "English", "de": "Deutsch"}[lang]).first.click()
    page.wait_for_url(f"**lang={lang}**")
    settle(page)
