"""Exported files: size and time to write, and time to open in Chromium.

    python benchmarks/bench_export.py [--repeat N] [--no-browser] [--no-pdf]

For the vSphere figure (``esxi-figure``, shadow and nested, figure view and full view) and a
200-step range of a long built-in (``tlb-reach``, steps 1-200, one mode and both): how long
``collect`` (running the engine and drawing every step: figure, SVG, narration) and writing the
file take (best of ``--repeat``), the file's size (and how much the shared pieces and the
compression save), the handout PDF's pages, size and time where Chromium is installed, and the
time from opening the file with ``file://`` in Chromium to its first step shown.
"""
from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from visualizer.engine import Mode, builtin
from visualizer.export import chromium, collect, payload, presentation, to_pdf

CASES = [
    ("esxi-figure", "figure", None, True, (Mode.SHADOW, Mode.NESTED)),
    ("esxi-figure", "full", None, False, (Mode.SHADOW, Mode.NESTED)),
    ("tlb-reach", "200 steps", "1-200", False, (Mode.NESTED,)),
    ("tlb-reach", "200 steps", "1-200", False, (Mode.SHADOW, Mode.NESTED)),
]


def best(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def open_time(path: Path) -> float:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = b.new_context(viewport={"width": 1280, "height": 720}).new_page()
        t = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready]", timeout=120_000)
        took = time.perf_counter() - t
        b.close()
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-browser", action="store_true", help="skip opening the files in Chromium")
    ap.add_argument("--no-pdf", action="store_true", help="skip the handout PDFs")
    args = ap.parse_args()
    browser = not args.no_browser and chromium() is not None
    print(f"{'scenario':12}{'view':11}{'modes':15}{'steps':>6}{'collect s':>10}{'write s':>8}{'file MB':>8}"
          f"{'raw MB':>8}{'enc':>8}{'open s':>8}{'pdf s':>7}{'pdf p.':>7}{'pdf MB':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, view, steps, figure, modes in CASES:
            s = builtin(name)
            t_collect, run = best(lambda s=s, modes=modes, steps=steps, figure=figure:
                                  collect(s, modes, "en", steps, figure), args.repeat)
            t_write, html = best(lambda run=run: presentation(run), args.repeat)
            data = payload.read_script(html)
            raw = sum(len(p) for views in run.views.values() for v in views for p in (v.svg, v.narration))
            enc = re.search(r'id="payload" data-encoding="(\w+)"', html).group(1)
            path = Path(tmp) / f"{name}-{len(modes)}.html"
            path.write_text(html, encoding="utf-8")
            opened = f"{open_time(path):8.2f}" if browser else f"{'-':>8}"
            pdf_cols = f"{'-':>7}{'-':>7}{'-':>7}"
            if not args.no_pdf and chromium() is not None and name == "esxi-figure":
                t = time.perf_counter()
                pdf = to_pdf(presentation(run, static=True))
                pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
                pdf_cols = f"{time.perf_counter() - t:7.1f}{pages:7d}{len(pdf) / 1e6:7.2f}"
            print(f"{name:12}{view:11}{'+'.join(m.value for m in modes):15}{len(data['steps']):6d}{t_collect:10.2f}"
                  f"{t_write:8.2f}{len(html.encode()) / 1e6:8.2f}{raw / 1e6:8.1f}{enc:>8}{opened}{pdf_cols}")


if __name__ == "__main__":
    main()
