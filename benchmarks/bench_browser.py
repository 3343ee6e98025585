"""Browser and classroom benchmarks of the step page.

    python benchmarks/bench_browser.py [--clicks N] [--sessions 30] [--duration 60] [--only browser|load]

1. Click → updated diagram, in headless Chromium (Debian's, driven by Playwright), timed inside
   the page: from the click on "Step" to the first animation frame in which the new step's SVG
   is in the DOM. For every built-in scenario in both modes, with the SVG drawn by Graphviz
   (``dot -Kneato -n2``) and by the app itself (``VISUALIZER_SVG=python``).
   And in lecture mode at 1280 × 720: a key (→ or PageDown, what a presenter's clicker sends) →
   the updated diagram, through esxi-figure from the first step to the last.
2. The same for a diagram of about 200 pages (an uploaded scenario scanning 200 pages).
3. Jump to step 10,000 (and other far steps) of a 20,000-operation trace, typed into the step
   box: checkpoints, not a replay from zero.
4. A classroom: N concurrent sessions on one server, each clicking "Step" (or "Back" at the end,
   and now and then) every 0.5–2 s, as websocket clients speaking Streamlit's protocol
   (``benchmarks/wsclient.py``: what the browser sends for a click); timed from the click to the
   server's finished run (the stage's and the details' fragments).
   The clients run in one process beside the server, so they do not steal the browser's CPU.

Prints medians, 95th percentiles and maxima in milliseconds.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

LONG_TOML = """
name = "long-mix"
description = "20,000 accesses: a Zipf working set, page-table updates and context switches."
seed = 5
mode = "shadow"
[machine]
memory = "4MiB"
[tlb]
entries = 64
ways = 4
[[vm]]
name = "VM1"
memory = "1MiB"
processes = ["p1", "p2"]
[trace_generator]
kind = "mix"
vm = "VM1"
processes = 2
accesses = 20000
pages = 96
"""

WIDE_TOML = """
name = "scan-200"
description = "One process scans 200 pages, one access per page, twice."
seed = 9
mode = "shadow"
[machine]
memory = "4MiB"
[tlb]
entries = 64
ways = 4
[[vm]]
name = "VM1"
memory = "1MiB"
processes = ["p1"]
[trace_generator]
kind = "sequential"
vm = "VM1"
process = "p1"
accesses = 400
pages = 200
stride = 4096
"""

WAIT_JS = """
  // shown: the new step's diagram is in the DOM (the step ahead, shown at the click, counts);
  // confirmed: the server's run has answered for it (the diagram no longer carries data-ahead)
  let shown = -1;
  await new Promise((resolve) => {
    const check = () => {
      if (shown < 0 && document.querySelector(`${sel}[data-step="${target}"] svg`)) shown = performance.now() - t0;
      if (document.querySelector(`${sel}[data-step="${target}"]:not([data-ahead]) svg`)) return resolve();
      if (performance.now() - t0 > 5000) return resolve();  // lost: the caller counts it and clicks again
      requestAnimationFrame(check);
    };
    check();
  });
  const d = document.querySelector(`${sel}[data-step="${target}"]:not([data-ahead])`);
  return d ? [shown, performance.now() - t0] : -1;
}"""
CLICK_JS = """async ([key, target]) => {
  const sel = '.esxi-diagram';
  const t0 = performance.now();
  document.querySelector(`.st-key-${key} button`).click();""" + WAIT_JS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict | None = None) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true", "--server.port",
           str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("streamlit did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    if not xs:
        return "no samples"
    p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
    return f"median {statistics.median(xs):7.0f}  p95 {p95:7.0f}  max {xs[-1]:7.0f}  (n={len(xs)})"


# -- 1-3: in the browser -----------------------------------------------------------------------------
KEY_JS = """async ([key, target]) => {
  const sel = '.esxi-diagram.lecture';
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));""" + WAIT_JS


def keys_in_lecture(page, base: str, scenario: str, mode: str) -> list[float]:
    """Lecture mode at 1280 × 720: → (and PageDown, what a clicker sends) from the first step to the last."""
    from visualizer.engine import builtin
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{base}/Step_through?scenario={scenario}&mode={mode}&step=0&lang=en&present=1")
    page.wait_for_selector('.esxi-diagram.lecture[data-step="0"] svg')
    page.wait_for_function("() => !!window.__esxiKeyHandler")
    page.wait_for_timeout(300)
    times = [click(page, "ArrowRight" if step % 2 else "PageDown", step, KEY_JS)
             for step in range(1, len(builtin(scenario).trace) + 1)]
    page.set_viewport_size({"width": 1600, "height": 1000})
    return times


def wait_diagram(page, step: int, timeout: float = 60_000) -> None:
    page.wait_for_selector(f'.esxi-diagram[data-step="{step}"]:not([data-ahead]) svg', timeout=timeout)


def clicks_in_browser(page, base: str, scenario: str, mode: str, n: int) -> list[float]:
    page.goto(f"{base}/Step_through?scenario={scenario}&mode={mode}&step=0&lang=en")
    wait_diagram(page, 0)
    page.wait_for_timeout(300)
    times = []
    for step in range(1, n + 1):
        times.append(click(page, "step_forward", step))
    return times


LOST: list[str] = []
"""Clicks and keys after which no new diagram came within 5 s (each then made again)."""


def click(page, key: str, target: int, js: str = None) -> tuple[float, float]:
    """(ms to the new step's diagram on screen, ms to the server's run confirming it)."""
    ms = page.evaluate(js or CLICK_JS, [key, target])
    while ms == -1:
        LOST.append(f"{key}→{target} at {page.url.split('?')[-1]}")
        if len(LOST) > 20:
            raise RuntimeError(f"{len(LOST)} clicks lost: {LOST[-3:]}")
        ms = page.evaluate(js or CLICK_JS, [key, target])
    return ms[0], ms[1]


def both(ts: list[tuple[float, float]]) -> str:
    return f"{stats([a for a, _ in ts])}\n  {'':26} confirmed by the server: {stats([b for _, b in ts])}"


def upload_and_open(page, base: str, toml: str, name: str) -> float:
    """Upload a scenario on Home, follow the link to the step page; returns seconds to the diagram."""
    page.goto(f"{base}/?lang=en")
    page.wait_for_selector(".esxi-diagram svg")
    page.locator('.st-key-_home_upload input[type="file"]').set_input_files(
        files=[{"name": f"{name}.toml", "mimeType": "application/toml", "buffer": toml.encode()}])
    page.get_by_text(f"Loaded scenario “{name}”").wait_for(timeout=60_000)
    t = time.perf_counter()
    page.locator('a[href*="Step_through"]').first.click()
    wait_diagram(page, 0, 120_000)
    return time.perf_counter() - t


def jump(page, step: int) -> float:
    box = page.locator('.step-box input')
    t = time.perf_counter()
    box.fill(str(step))
    box.press("Enter")
    wait_diagram(page, step)
    return (time.perf_counter() - t) * 1000


def browser_benchmarks(clicks: int, drawers: tuple = ("graphviz", "python")) -> None:
    from playwright.sync_api import sync_playwright

    from visualizer.engine import builtin, builtin_names
    for drawer in drawers:
        proc, port = start_server({"VISUALIZER_SVG": drawer})
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = b.new_page(viewport={"width": 1600, "height": 1000})
                print(f"\n== click → updated diagram, SVG drawn by {drawer} (ms) ==")
                everything = []
                for name in builtin_names():
                    n = min(clicks, len(builtin(name).trace))
                    for mode in ("shadow", "nested"):
                        ts = clicks_in_browser(page, base, name, mode, n)
                        everything += ts
                        print(f"  {name:18} {mode:7} {both(ts)}")
                print(f"  {'all built-ins':26} {both(everything)}")
                print(f"\n== lecture mode at 1280x720: key (→ / PageDown) → updated diagram, SVG by {drawer} (ms) ==")
                for mode in ("shadow", "nested"):
                    print(f"  {'esxi-figure':18} {mode:7} {both(keys_in_lecture(page, base, 'esxi-figure', mode))}")

                secs = upload_and_open(page, base, WIDE_TOML, "scan-200")
                page.locator('.step-box input').fill("250")
                page.locator('.step-box input').press("Enter")
                wait_diagram(page, 250)
                width = page.evaluate("() => document.querySelector('.esxi-diagram svg').dataset.width")
                pages = page.evaluate("() => document.querySelectorAll('.esxi-diagram svg g.node.gpa').length")
                ts = [click(page, "step_forward", 250 + k) for k in range(1, 13)]
                print(f"  {'200-page diagram':26} {both(ts)}   ({pages} gPA pages, {width} pt wide; "
                      f"first open {secs:.2f} s)")

                secs = upload_and_open(page, base, LONG_TOML, "long-mix")
                print(f"\n== jump in a 20,000-operation trace, SVG by {drawer} (ms; first open {secs:.2f} s) ==")
                ts = [jump(page, 10_000)]
                rng = random.Random(1)
                for target in [rng.randrange(5_000, 20_000) for _ in range(8)] + [10_000]:
                    ts.append(jump(page, target))
                print(f"  jump to step 10,000 first {ts[0]:.0f} ms; jumps to far steps {stats(ts)}")
                forward = [click(page, "step_forward", 10_001 + k) for k in range(8)]
                print(f"  click → next step there     {both(forward)}")
                b.close()
        finally:
            stop(proc)
        print(f"  clicks and keys with no new diagram within 5 s (made again): {len(LOST)}"
              + (f" — {'; '.join(LOST)}" if LOST else ""))
        LOST.clear()


# -- 4: the classroom ---------------------------------------------------------------------------------
async def classroom(port: int, sessions: int, duration: float, seed: int) -> tuple[list[float], int, int]:
    """Each session opens the step page and clicks Step (Back at the end, and now and then) as the
    browser does (:mod:`wsclient`); a click's latency is its request to the server's finished run."""
    from visualizer.engine import builtin
    from wsclient import STEP_FORWARD, Session

    scenarios = ["esxi-figure", "context-switch", "page-table-update", "tlb-reach"]
    totals = {name: len(builtin(name).trace) for name in scenarios}
    latencies: list[float] = []
    errors = 0
    wrong = 0

    async def student(k: int) -> None:
        nonlocal errors, wrong
        rng = random.Random(seed + k)
        name = scenarios[k % len(scenarios)]
        mode = rng.choice(["shadow", "nested"])
        try:
            async with Session(f"http://127.0.0.1:{port}") as s:
                run = await s.rerun("Step_through", f"scenario={name}&mode={mode}&step=0&lang=en")
                cur = 0
                end = time.monotonic() + duration
                while time.monotonic() < end:
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    key = STEP_FORWARD if cur < totals[name] and rng.random() < 0.85 else "step_back"
                    if cur == 0:
                        key = STEP_FORWARD
                    expect = cur + (1 if key == STEP_FORWARD else -1)
                    run = await s.press("Step_through", run, key)
                    latencies.append(run.ms)
                    step = run.param("step")
                    if step is not None:
                        cur = int(step)
                        if cur != expect:
                            wrong += 1
                            print(f"  session {k}: expected step {expect}, saw {cur}")
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            errors += 1
            print(f"  session {k}: {exc!r}")

    await asyncio.gather(*(student(k) for k in range(sessions)))
    return latencies, errors, wrong


def load_benchmark(sessions: int, duration: float) -> None:
    for drawer in ("graphviz", "python"):
        proc, port = start_server({"VISUALIZER_SVG": drawer})
        try:
            lat, errors, wrong = asyncio.run(classroom(port, sessions, duration, seed=7))
            print(f"\n== classroom: {sessions} sessions × {duration:.0f} s, clicks every 0.5–2 s, SVG by {drawer} ==")
            print(f"  click → rerun finished (ms)  {stats(lat)}")
            print(f"  {len(lat) / duration:.1f} clicks/s served; {errors} sessions failed; "
                  f"{wrong} clicks showed an unexpected step")
        finally:
            stop(proc)


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser()
    ap.add_argument("--clicks", type=int, default=14, help="clicks per built-in scenario and mode")
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of classroom load")
    ap.add_argument("--only", choices=["browser", "load"])
    ap.add_argument("--drawer", choices=["graphviz", "python"], help="only this SVG drawer (default: both)")
    args = ap.parse_args()
    if not os.path.exists(CHROMIUM) and args.only != "load":
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    print(f"machine: {os.cpu_count()} CPUs; {sys.version.split()[0]}")
    if args.only in (None, "browser"):
        browser_benchmarks(args.clicks, (args.drawer,) if args.drawer else ("graphviz", "python"))
    if args.only in (None, "load"):
        load_benchmark(args.sessions, args.duration)


if __name__ == "__main__":
    main()
