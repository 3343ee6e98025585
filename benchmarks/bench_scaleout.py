"""Scale-out on one machine (issue 20): 120 sessions through HAProxy, 1 replica against 2.

    python benchmarks/bench_scaleout.py [--sessions 120] [--duration 120] [--replicas 1,2]

For each replica count, starts ``python -m visualizer serve``'s cluster (Streamlit replicas
behind HAProxy, sticky by cookie) on 127.0.0.1 and runs ``--sessions`` simulated browsers
against the load balancer for ``--duration`` seconds (benchmarks/wsclient.py: Streamlit's
protocol over websockets, no browser). Each session opens the step page of a built-in scenario
at a step of its own and clicks Step every 0.5–2 s, in rounds of 8 clicks; before every other
click it drops its websocket and resumes the session over a new one (as after a network hiccup:
the load balancer must bring it back to the replica that holds it). After every click it checks
the step the page shows against its own count: a session that sees another's state or loses its
own is counted. Prints, per replica count: clicks, p50/p95/max from request to the server's
"script finished", state errors, how the sessions spread over the replicas, and the replicas'
peak memory (summed RSS).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from wsclient import STEP_FORWARD, Session  # noqa: E402

from visualizer.engine import builtin  # noqa: E402
from visualizer.serve import Cluster, free_port  # noqa: E402

SCENARIOS = ["esxi-figure", "context-switch", "page-table-update", "tlb-reach", "no-vpid", "mmu-caches"]


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


async def session(base: str, k: int, duration: float, out: dict) -> None:
    rng = random.Random(k)
    name = SCENARIOS[k % len(SCENARIOS)]
    total = len(builtin(name).trace)
    deadline = time.monotonic() + duration
    await asyncio.sleep(rng.uniform(0, 5))  # a class does not arrive in one millisecond
    try:
        async with Session(base) as s:
            while time.monotonic() < deadline:
                start = rng.randrange(max(1, total - 8))
                mode = rng.choice(["shadow", "nested"])
                run = await s.rerun("Step_through", f"scenario={name}&mode={mode}&step={start}&lang=en")
                if s.widgets.get(STEP_FORWARD) is None:  # a first run may hand over to the navigation
                    run = await s.rerun("Step_through", f"scenario={name}&mode={mode}&step={start}&lang=en")
                out["replicas"].setdefault(s.replica, set()).add(k)
                # the step the session is at now: a link back to a step this session showed lately
                # is taken for an echo of its own address (ui.incoming), so the count starts here
                start = int(run.param("step") or start)
                for j in range(1, 9):
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    if j % 2:
                        await s.reconnect()
                        out["reconnects"] += 1
                    run = await s.press("Step_through", run, STEP_FORWARD)
                    out["latencies"].append(run.ms)
                    shown = run.param("step")
                    if shown != str(min(total, start + j)):
                        out["state_errors"] += 1
                        if out["state_errors"] <= 5:
                            print(f"  session {k}: expected step {start + j}, the page shows {shown}", flush=True)
                        break
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        out["errors"] += 1
        if out["errors"] <= 5:
            print(f"  session {k}: {exc!r}"[:300], flush=True)


def run(replicas: int, sessions: int, duration: float) -> dict:
    out = {"latencies": [], "state_errors": 0, "errors": 0, "reconnects": 0, "replicas": {}}
    with Cluster(replicas, "127.0.0.1", free_port()) as c:
        peak = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], sum(rss_kb(p) for p in c.pids()) << 10)
                stop.wait(1.0)
        t = threading.Thread(target=sample, daemon=True)
        t.start()

        async def main():
            await asyncio.gather(*(session(c.url, k, duration, out) for k in range(sessions)))
        t0 = time.monotonic()
        asyncio.run(main())
        out["ran"] = time.monotonic() - t0
        stop.set()
        out["peak"] = peak[0]
    return out


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=120, help="simulated browsers (at most 300)")
    ap.add_argument("--duration", type=float, default=120.0, help="seconds per replica count (at most 900)")
    ap.add_argument("--replicas", default="1,2", help="replica counts to compare, e.g. 1,2")
    args = ap.parse_args()
    counts = [int(x) for x in args.replicas.split(",") if x.strip()]
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start; "
          f"{min(args.sessions, 300)} sessions for {min(args.duration, 900):.0f} s per replica count, through HAProxy")
    for n in counts:
        r = run(n, min(args.sessions, 300), min(args.duration, 900.0))
        lat = sorted(r["latencies"])
        p = (lambda q, lat=lat: lat[min(len(lat) - 1, int(round(q * (len(lat) - 1))))] if lat else float("nan"))
        spread = ", ".join(f"{k}: {len(v)}" for k, v in sorted(r["replicas"].items(), key=lambda kv: str(kv[0])))
        print(f"{n} replica(s): {len(lat)} clicks ({r['reconnects']} over a resumed websocket), p50 {p(0.5):.0f} ms, "
              f"p95 {p(0.95):.0f} ms, max {lat[-1] if lat else 0:.0f} ms; sessions that saw another's state or "
              f"lost their own: {r['state_errors']}; session errors: {r['errors']}; sessions per replica: {spread}; "
              f"replicas' peak RSS {r['peak'] / (1 << 20):,.0f} MiB; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
