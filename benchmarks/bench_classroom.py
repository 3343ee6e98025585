"""Classroom soak: one server, many sessions at once, for minutes (issue 11).

    python benchmarks/bench_classroom.py [--sessions 30] [--duration 300] [--uploaders 2]

Starts its own server on 127.0.0.1 and runs against it only; everything is bounded in count
and time. Sessions, as websocket clients speaking Streamlit's protocol (what a browser sends):

- **steppers** open the Step page through deep links of built-in scenarios and move a step
  every 0.5–2 s (sometimes jumping, sometimes switching mode); timed from the request to the
  server's "script finished";
- **comparers** (one in three) open Compare, set a new seed (a new comparison in the
  workers) and leave after 0.3–3 s — usually mid-run — then come back;
- **uploaders** (``--uploaders``, in headless Chromium if it is installed) upload the largest
  scenario the app accepts (1 MiB of TOML declaring a 4 GiB machine with thousands of
  accesses) on Home, then step through it.

Samples the server's memory every second — its PSS plus its children's (forked workers share
the server's pages; summed RSS, also printed, counts those once per process) — and counts its child
processes; after the sessions end, waits for the workers to go. Prints: p50/p95/max of the
steppers' latencies, peak and final RSS, peak workers, orphan workers after the soak, and
whether the stated budgets hold (RSS ≤ 2 GiB, p95 ≤ 1 s, no orphans).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
RSS_BUDGET = 2 << 30
P95_BUDGET_MS = 1000.0
SCENARIOS = ["esxi-figure", "context-switch", "page-table-update", "tlb-reach", "no-vpid"]


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true", "--server.port",
           str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("streamlit did not start")


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def pss(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each. Forked workers
    share the server's pages until either writes them, so summing RSS would count those pages
    once per process; summing PSS counts the memory the server and its workers really use."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0


def rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def largest_scenario() -> str:
    """About 1 MiB of TOML (the upload limit): a 4 GiB machine, two VMs, thousands of accesses."""
    head = ('name = "largest"\nseed = 11\n[machine]\nmemory = "4GiB"\n[[vm]]\nname = "VM1"\nmemory = "1GiB"\n'
            'processes = ["p1", "p2"]\n[[vm]]\nname = "VM2"\nmemory = "1GiB"\n')
    ops, i = [], 0
    rng = random.Random(3)
    size = len(head)
    while size < (1 << 20) - 200:
        vm = "VM1" if i % 2 else "VM2"
        op = f'[[trace]]\nop = "{rng.choice(["read", "write"])}"\nvm = "{vm}"\ngva = 0x{0x400000 + rng.randrange(1 << 16) * 4096:x}\n'
        ops.append(op)
        size += len(op)
        i += 1
    return head + "".join(ops)


async def run_until_finished(ws, msg, timeout: float = 120) -> tuple[float, list]:
    from streamlit.proto import ForwardMsg_pb2
    t = time.perf_counter()
    await ws.send(msg.SerializeToString())
    elements = []
    while True:
        fm = ForwardMsg_pb2.ForwardMsg()
        fm.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            elements.append(fm.delta.new_element)
        elif kind == "new_session":
            elements.append(("page", fm.new_session.page_script_hash))
        elif kind == "script_finished":
            return (time.perf_counter() - t) * 1000, elements


async def soak(port: int, sessions: int, duration: float, seed: int) -> dict:
    import websockets
    from streamlit.proto import BackMsg_pb2

    from visualizer.engine import builtin

    totals = {name: len(builtin(name).trace) for name in SCENARIOS}
    out = {"latencies": [], "errors": 0, "comparisons": 0, "left_mid_run": 0}
    deadline = time.monotonic() + duration
    url = f"ws://127.0.0.1:{port}/_stcore/stream"

    async def stepper(k: int) -> None:
        rng = random.Random(seed + k)
        name = SCENARIOS[k % len(SCENARIOS)]
        mode, step = rng.choice(["shadow", "nested"]), 0
        try:
            async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
                while time.monotonic() < deadline:
                    msg = BackMsg_pb2.BackMsg()
                    msg.rerun_script.query_string = f"scenario={name}&mode={mode}&step={step}&lang=en"
                    msg.rerun_script.page_name = "Step_through"
                    ms, elements = await run_until_finished(ws, msg)
                    out["latencies"].append(ms)
                    out["elements"] = out.get("elements", 0) + len(elements)
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    r = rng.random()
                    if r < 0.05:
                        mode = "nested" if mode == "shadow" else "shadow"
                    elif r < 0.12:
                        step = rng.randrange(totals[name] + 1)
                    else:
                        step = min(totals[name], step + 1) if step < totals[name] else 0
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            out["errors"] += 1
            print(f"  stepper {k}: {exc!r}")

    async def comparer(k: int) -> None:
        rng = random.Random(seed + 1000 + k)
        while time.monotonic() < deadline:
            try:
                async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
                    first = BackMsg_pb2.BackMsg()
                    first.rerun_script.query_string = "lang=en"
                    first.rerun_script.page_name = "Compare"
                    seed_el = None
                    for _attempt in range(3):  # a session's first run may hand over to the navigation
                        _, elements = await run_until_finished(ws, first, timeout=300)
                        page = next((e[1] for e in elements if isinstance(e, tuple)), "")
                        seed_el = next((e.number_input for e in elements if not isinstance(e, tuple)
                                        and e.WhichOneof("type") == "number_input"
                                        and e.number_input.label == "Seed"), None)
                        if seed_el is not None:
                            break
                    if seed_el is None:
                        raise RuntimeError("no Seed input on Compare")
                    msg = BackMsg_pb2.BackMsg()
                    cs = msg.rerun_script
                    cs.query_string, cs.page_name, cs.page_script_hash = "lang=en", "Compare", page
                    w = cs.widget_states.widgets.add()
                    w.id, w.int_value = seed_el.id, rng.randrange(1, 1 << 30)
                    await ws.send(msg.SerializeToString())
                    out["comparisons"] += 1
                    await asyncio.sleep(rng.uniform(0.3, 3.0))
                    out["left_mid_run"] += 1  # the socket closes here, whatever the run is doing
            except Exception as exc:  # noqa: BLE001
                out["errors"] += 1
                print(f"  comparer {k}: {exc!r}")
            await asyncio.sleep(rng.uniform(1.0, 4.0))

    tasks = [stepper(k) if k % 3 else comparer(k) for k in range(sessions)]
    await asyncio.gather(*tasks)
    return out


def largest_trace(path: Path) -> None:
    """The largest trace a user may upload to the class server (the Compare page's caps), as
    CSV, written once."""
    rows = 500_000  # pages/2_Compare.py APP_TRACE_ROWS (importing the page would run it)
    if path.exists() and path.stat().st_size > 1 << 20 and sum(1 for _ in path.open()) == rows + 1:
        return
    with path.open("w", encoding="utf-8") as f:
        f.write("vm,process,op,address\n")
        for i in range(rows):
            f.write(f"VM1,p1,{'write' if i % 5 == 0 else 'read'},0x{0x400000 + ((i * 2654435761) % 4096) * 4096:x}\n")


def uploaders(base: str, n: int, duration: float, results: dict) -> None:
    """``n`` browser pages upload the largest scenario (then open it on the step page) and the
    largest trace (on the Compare page, which then compares it), in turns."""
    if n <= 0 or not os.path.exists(CHROMIUM):
        results["uploads"] = "skipped (no Chromium)" if n > 0 else "none"
        return
    from playwright.sync_api import sync_playwright
    path = Path("/tmp") / "bench_classroom_largest.toml"
    path.write_text(largest_scenario(), encoding="utf-8")
    trace = Path("/tmp") / "bench_classroom_largest_trace.csv"
    largest_trace(trace)
    done = traces = turn = 0
    deadline = time.monotonic() + duration
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            while time.monotonic() < deadline:
                for _ in range(n):
                    page = b.new_page()
                    turn += 1
                    if turn % 2 == 0:
                        page.goto(f"{base}/Compare?lang=en")
                        page.locator('[class*="st-key-_cmp-source-"] label').filter(has_text="upload").first.click()
                        page.locator("input[type=file]").first.set_input_files(str(trace))
                        page.get_by_text("operations", exact=False).first.wait_for(timeout=180_000)
                        page.wait_for_timeout(3000)  # the comparison starts; the page is left mid-run
                        traces += 1
                    else:
                        page.goto(f"{base}/?lang=en")
                        page.locator("input[type=file]").first.set_input_files(str(path))
                        page.get_by_text("Loaded scenario", exact=False).first.wait_for(timeout=120_000)
                        page.goto(f"{base}/Step_through?scenario=upload:largest&step=0&lang=en")
                        page.wait_for_timeout(2000)
                        done += 1
                    page.close()
        finally:
            b.close()
    results["uploads"] = (f"{done} uploads of the largest scenario ({path.stat().st_size / (1 << 20):.2f} MiB, "
                          f"4 GiB machine), {traces} of the largest trace ({trace.stat().st_size / (1 << 20):.1f} MiB)")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=30, help="websocket sessions (at most 60)")
    ap.add_argument("--duration", type=float, default=300.0, help="seconds (at most 900)")
    ap.add_argument("--uploaders", type=int, default=2, help="browser pages uploading the largest scenario (≤ 4)")
    args = ap.parse_args()
    sessions, duration, ups = min(args.sessions, 60), min(args.duration, 900.0), min(args.uploaders, 4)
    proc, port = start_server()
    samples: list[tuple[int, int]] = []
    stop = False

    def sample() -> None:
        while not stop:
            kids = children(proc.pid)
            samples.append((pss(proc.pid) + sum(pss(c) for c in kids), len(kids),
                            rss(proc.pid) + sum(rss(c) for c in kids), rss(proc.pid)))
            time.sleep(1.0)

    import threading
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    up_results: dict = {}
    up = threading.Thread(target=uploaders, args=(f"http://127.0.0.1:{port}", ups, duration, up_results))
    try:
        base_rss = rss(proc.pid)
        up.start()
        t0 = time.monotonic()
        res = asyncio.run(soak(port, sessions, duration, seed=7))
        up.join(duration + 300)
        elapsed = time.monotonic() - t0
        time.sleep(10)  # workers of runs left mid-way must be gone by now
        orphans = children(proc.pid)
        end_rss = rss(proc.pid)
        stop = True
        sampler.join(5)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    lat = sorted(res["latencies"])
    p = (lambda q: lat[min(len(lat) - 1, int(round(q * (len(lat) - 1))))]) if lat else (lambda q: float("nan"))
    peak = max(s[0] for s in samples)
    comparers = len(range(0, sessions, 3))
    print(f"machine: {os.cpu_count()} CPUs; {sys.version.split()[0]}; {sessions} sessions ({sessions - comparers} "
          f"steppers, {comparers} comparers) and {ups} uploaders, {duration:.0f} s (ran {elapsed:.0f} s)")
    print(f"steps: {len(lat)} requests ({res.get('elements', 0) / max(1, len(lat)):.0f} elements sent per rerun), p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {lat[-1] if lat else 0:.0f} ms")
    print(f"comparisons started: {res['comparisons']}, left after 0.3–3 s: {res['left_mid_run']}; "
          f"uploads: {up_results.get('uploads', 'not finished')}; session errors: {res['errors']}")
    print(f"server memory (with workers, PSS): peak {peak / 2**20:.0f} MiB; server RSS: start "
          f"{base_rss / 2**20:.0f} MiB, peak {max(s[3] for s in samples) / 2**20:.0f} MiB, end "
          f"{end_rss / 2**20:.0f} MiB; RSS summed over server and workers (shared pages counted per process): "
          f"peak {max(s[2] for s in samples) / 2**20:.0f} MiB; peak workers {max(s[1] for s in samples)}; "
          f"orphans after 10 s: {len(orphans)}")
    ok = peak <= RSS_BUDGET and p(0.95) <= P95_BUDGET_MS and not orphans
    print(f"budgets (memory ≤ {RSS_BUDGET >> 30} GiB, p95 ≤ {P95_BUDGET_MS:.0f} ms, no orphans): "
          f"{'held' if ok else 'NOT held'}")


if __name__ == "__main__":
    main()
