"""Hostile sessions against one class server (issue 20): each repro once, then a soak.

    python benchmarks/bench_hostile.py --repro
    python benchmarks/bench_hostile.py --soak [--duration 600] [--steppers 30] [--hostile 5] [--settle 150]
                                              [--proxy] [--replicas N]

Starts its own server on 127.0.0.1 as ``python -m visualizer serve`` starts a replica (the app's
.streamlit/config.toml, the malloc settings of visualizer/serve.py) and runs against it only;
everything is bounded in count and time. Sessions speak Streamlit's protocol over websockets
(benchmarks/wsclient.py: what a browser sends, uploads included), no browser.

``--repro`` runs each hostile input of the issue once and prints, per input, what came back,
the server's CPU seconds (its own and its workers') and the peak memory of its whole process
tree while it ran:

1. the 178-byte scenario (a 4 GiB machine and VM, ``uniform``, 5,000,000 accesses over 2^20
   pages) uploaded on Home; 2. one just under the session's scenario limit whose run touches a
   new frame at almost every access, uploaded and opened on the step page, then a jump to its
   end; 3. the 300-byte ``mix`` variant (large pages, MMU caches); 4. twelve uploads of 190 MB at
   once; 5. four Practice links of 200 ``cheaper`` exercises with new seeds at once; 6. a forged
   key log of 10^6 presses (one message); 7. a key log nested 1,500 deep, then a rerun.

``--soak`` runs ``--steppers`` sessions stepping through built-in scenarios on the step page
(a click on Step every 0.5–2 s, sent as the browser sends it — a numbered press in a rerun of the
stage's fragment, see ``wsclient.Session.press`` — and one in ten a jump by address, a whole
page's run; timed from request to the server's "script finished") and ``--hostile`` sessions
cycling through inputs 2–7 at once (their client side at nice 10: in a class it runs on the
students' machines), for ``--duration`` seconds; then all sessions close
and it waits ``--settle`` seconds (a closed tab's session is kept 60 s for a reconnect, then let go
at the next housekeeping pass).
Prints the innocent clicks' p50/p95, the peak memory of the server's process tree (RSS summed
over the processes, and PSS: a page a forked worker still shares with the server counted once),
the server's RSS at the start (after a warm-up visit of each page) and at the end, its CPU
seconds, workers at the peak and left over, and whether the budgets hold (the tree's resident
memory ≤ 2 GiB — its PSS: summed RSS counts every page a forked worker shares with its server
twice, memory the machine does not have — p95 ≤ 1 s, no orphans, end RSS within 20 % of the start). ``--proxy`` puts the server behind HAProxy as
``python -m visualizer serve`` does; ``--replicas N`` runs N replicas behind it (what ``serve
--replicas N`` starts), and the figures are then over all of them and HAProxy.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from wsclient import STEP_FORWARD, Session  # noqa: E402

from visualizer.serve import free_port, start_replica, wait_healthy  # noqa: E402

TREE_BUDGET = 2 << 30
P95_BUDGET_MS = 1000.0
SCENARIOS = ["esxi-figure", "context-switch", "page-table-update", "tlb-reach", "no-vpid"]

HOSTILE_5M = ('name = "h"\nseed = 1\n[machine]\nmemory = "4GiB"\n[[vm]]\nname = "VM1"\nmemory = "4GiB"\n'
              'processes = ["p1"]\n[trace_generator]\nkind = "uniform"\naccesses = 5000000\npages = 1048576\n')
HOSTILE_MIX = ('name = "m"\nseed = 1\nmode = "nested"\n[machine]\nmemory = "4GiB"\n[nested]\nlarge_pages = true\n'
               '[mmu]\npwc = true\nnested_tlb = true\n[[vm]]\nname = "VM1"\nmemory = "4GiB"\nprocesses = ["p1", "p2"]\n'
               'large_pages = true\n[trace_generator]\nkind = "mix"\naccesses = 5000000\npages = 1048576\n'
               'update_rate = 1000\nswitch_rate = 1000\n')
HOSTILE_BUDGET = ('name = "b"\nseed = 1\n[machine]\nmemory = "4GiB"\n[[vm]]\nname = "VM1"\nmemory = "1GiB"\n'
                  'processes = ["p1"]\n[trace_generator]\nkind = "uniform"\naccesses = 1000000\npages = 262144\n')
"""23 MiB of trace and 6 MiB of pmap (under the 40 MiB a session may hold); almost every access
is a new frame, so its run reaches the 32 MiB machine budget early."""


# -- the server and its process tree ----------------------------------------------------------------
def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


def status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(key))
    except (OSError, StopIteration):
        return 0


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0


def cpu_seconds(pid: int, children_too: bool = True) -> float:
    """The process's CPU time, with that of its children that have ended (and been waited for)
    and, if ``children_too``, of those still running."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int) -> list[str]:
        try:
            return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return []
    f = stat(pid)
    if not f:
        return 0.0
    total = sum(int(x) for x in f[11:15]) if children_too else int(f[11]) + int(f[12])
    if children_too:
        for c in descendants(pid):
            g = stat(c)
            if g:
                total += int(g[11]) + int(g[12])
    return total / tick


class Sampler(threading.Thread):
    """The server's process tree every ``every`` seconds: summed RSS, summed PSS, the server's
    own RSS, and how many processes it has below it."""

    def __init__(self, pid, every: float = 0.5):
        super().__init__(daemon=True)
        self.pids = list(pid) if isinstance(pid, (list, tuple)) else [pid]
        """The servers (each replica and the load balancer, where there are several)."""
        self.every = every
        self.samples: list[tuple[float, int, int, int, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            kids = [k for p in self.pids for k in descendants(p)]
            procs = self.pids + kids
            self.samples.append((time.monotonic(), sum(status_kb(p, "VmRSS:") for p in procs) << 10,
                                 sum(pss_kb(p) for p in procs) << 10,
                                 sum(status_kb(p, "VmRSS:") for p in self.pids) << 10, len(kids)))
            self.stopped.wait(self.every)

    def peak(self, since: float = 0.0) -> tuple[int, int, int, int]:
        s = [x for x in self.samples if x[0] >= since] or self.samples[-1:]
        return max(x[1] for x in s), max(x[2] for x in s), max(x[3] for x in s), max(x[4] for x in s)


ROOT_OVERRIDE: list = []
PROXY: list = []
"""Non-empty: the server runs behind HAProxy (then it holds the cluster, to stop it)."""
REPLICAS = [1]
"""Replicas behind HAProxy (``--replicas``)."""


def servers() -> list[int]:
    """The processes that serve: the replicas and the load balancer (or the one server)."""
    c = next((c for c in PROXY if not isinstance(c, bool)), None)
    return [p.pid for p in c.procs] + ([c.lb.pid] if c.lb is not None else []) if c is not None else []


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    if ROOT_OVERRIDE:  # another checkout of the app (e.g. before a change), started the same way
        from visualizer.serve import MALLOC_ENV
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true",
                                 "--server.address", "127.0.0.1", "--server.port", str(port)],
                                cwd=ROOT_OVERRIDE[0], env={**os.environ, **MALLOC_ENV}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.STDOUT)
    elif PROXY:  # as `python -m visualizer serve --replicas N` runs it: behind HAProxy
        from visualizer.serve import Cluster
        c = Cluster(REPLICAS[0], "127.0.0.1", port).start()
        PROXY.append(c)
        return c.procs[0], c.url
    else:
        proc = start_replica(port)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(f"{url}/_stcore/health", proc=proc)
    return proc, url


def kernel_built(root: Path) -> bool:
    """Whether the checkout the server runs from has its compiled kernel (``pip install -e .``
    builds it; a fresh clone without it runs the engine's Python path, several times slower)."""
    return any((root / "visualizer" / "engine").glob("_kernel*.so"))


def kernel_loaded(pid: int) -> bool:
    try:
        return "_kernel" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def stop_server(proc: subprocess.Popen) -> None:
    for c in PROXY:
        if not isinstance(c, bool):
            c.stop()
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def mib(n: float) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


# -- what a hostile session does ------------------------------------------------------------------
def texts(run) -> str:
    out = []
    for e in run.elements:
        kind = e.WhichOneof("type")
        if kind == "alert":
            out.append(e.alert.body)
        elif kind == "markdown":
            out.append(e.markdown.body)
        elif kind == "exception":
            out.append("EXCEPTION: " + e.exception.message)
        elif kind == "toast":
            out.append("TOAST: " + e.toast.body)
    return "\n".join(out)


async def open_page(s: Session, page: str, query: str):
    run = await s.rerun(page, query)
    for _ in range(2):  # a session's first run may hand over to the navigation
        if run.elements:
            break
        run = await s.rerun(page, query)
    return run


async def visit(base: str, page: str, query: str):
    async with Session(base) as s:
        return await open_page(s, page, query)


async def upload_scenario(base: str, text: str, name: str, then_step: bool = False) -> str:
    """Upload a scenario on Home (and open the step page, jump to its end): what the page said."""
    async with Session(base, timeout=600) as s:
        run = await open_page(s, "", "lang=en")
        got = await s.upload("", run, "_home_upload", name, 0, data=text.encode())
        if isinstance(got, int):
            return f"upload refused: HTTP {got}"
        alerts = [e.alert.body for e in got.elements if e.WhichOneof("type") == "alert"]
        if not then_step or any("refused" in a or "could not" in a.lower() for a in alerts):
            return (alerts[0] if alerts else "no message")[:240]
        run = await s.rerun("Step_through", "")
        run = await s.rerun("Step_through", "step=1000000")
        said = texts(run)
        return next((line for line in said.splitlines() if "The run stops" in line), said[-160:])[:200]


async def big_uploads(base: str, n: int, size: int) -> list:
    """``n`` uploads of ``size`` bytes at once, as browsers send them (each from its own session)."""
    from wsclient import put_file

    async def one():
        async with Session(base) as s:
            await open_page(s, "", "lang=en")
            url = f"{base}/_stcore/upload_file/{s.session_id}/{os.urandom(8).hex()}"
            return await asyncio.to_thread(put_file, url, "big.toml", s.cookies, size=size)
    return await asyncio.gather(*(one() for _ in range(n)))


async def practice(base: str, seed: int) -> float:
    async with Session(base) as s:
        t0 = time.perf_counter()
        await open_page(s, "Practice", f"seed={seed}&kind=cheaper&count=200&lang=en")
        return time.perf_counter() - t0


async def forged_keys(base: str, payload: str) -> str:
    async with Session(base) as s:
        run = await open_page(s, "Step_through", "scenario=esxi-figure&mode=shadow&step=1&lang=en&present=1")
        got = await s.send_trigger("Step_through", run, "lecture_keys", payload)
        if got is None:
            await s.connect()  # as the browser reconnects
            after = await s.rerun("Step_through", "")
            return f"connection closed by the server; after a reconnect the step page is at step {after.param('step')}"
        said = texts(got)
        again = await s.rerun("Step_through", "")
        ok = "EXCEPTION" not in said and "EXCEPTION" not in texts(again)
        note = "a quiet note" if "TOAST" in said else "no note"
        return f"dropped ({note}); no traceback then or on the next rerun: {ok}; step {again.param('step')}"


_MILLION: list = []


def million() -> str:
    if not _MILLION:  # made once: the attacker's own CPU is not what is measured
        log = ",".join(f"[{i + 2},\"lec_forward\"]" for i in range(1_000_000))
        _MILLION.append('[{"event":"press","value":{"page":"forged","log":[' + log + ']}}]')
    return _MILLION[0]


def deep() -> str:
    return '[{"event":"press","value":{"page":"forged","log":' + "[" * 1500 + "]" * 1500 + "}}]"


# -- --repro --------------------------------------------------------------------------------------------
def repro() -> None:
    proc, base = start_server()
    sampler = Sampler(proc.pid, 0.25)
    sampler.start()
    rows = []

    def measure(name: str, fn) -> None:
        time.sleep(1.0)
        t0, c0, o0 = time.monotonic(), cpu_seconds(proc.pid), cpu_seconds(proc.pid, False)
        try:
            outcome = fn()
        except Exception as exc:  # noqa: BLE001 - a benchmark reports
            outcome = f"ERROR {exc!r}"[:200]
        time.sleep(0.5)
        wall, cpu, mine = time.monotonic() - t0, cpu_seconds(proc.pid) - c0, cpu_seconds(proc.pid, False) - o0
        tree, pss, own, kids = sampler.peak(t0)
        rows.append((name, wall, cpu, tree, pss, outcome))
        print(f"{name:34} wall {wall:6.1f} s  cpu {cpu:6.1f} s (server {mine:.1f} s)  tree peak RSS {mib(tree):>10} "
              f"(PSS {mib(pss)}), workers {kids}\n    -> {outcome}", flush=True)

    try:
        asyncio.run(visit(base, "", "lang=en"))  # warm-up: imports
        start = status_kb(proc.pid, "VmRSS:") << 10
        print(f"server: pid {proc.pid}, RSS after start {mib(start)}; {os.cpu_count()} CPUs, load "
              f"{os.getloadavg()[0]:.1f}")
        measure("1. 178-byte 5M-access scenario", lambda: asyncio.run(upload_scenario(base, HOSTILE_5M, "h.toml")))
        measure("2. scenario at the machine budget", lambda: asyncio.run(
            upload_scenario(base, HOSTILE_BUDGET, "b.toml", then_step=True)))
        measure("3. 300-byte mix variant", lambda: asyncio.run(upload_scenario(base, HOSTILE_MIX, "m.toml")))
        measure("4. 12 uploads of 190 MB at once", lambda: "HTTP statuses " + ", ".join(
            sorted({str(x) for x in asyncio.run(big_uploads(base, 12, 190 << 20))})))

        async def four():
            return await asyncio.gather(*(practice(base, random.randrange(1 << 40)) for _ in range(4)))
        measure("5. 4 Practice links of 200 at once", lambda: "wall per link " + ", ".join(
            f"{x:.1f} s" for x in asyncio.run(four())))
        measure("6. forged key log of 10^6 presses", lambda: asyncio.run(forged_keys(base, million())))
        measure("7. key log nested 1,500 deep", lambda: asyncio.run(forged_keys(base, deep())))
        time.sleep(5)
        print(f"after: server RSS {mib(status_kb(proc.pid, 'VmRSS:') << 10)}, processes below it: "
              f"{len(descendants(proc.pid))}")
    finally:
        sampler.stopped.set()
        stop_server(proc)


# -- --soak -------------------------------------------------------------------------------------------------
async def soak_sessions(base: str, steppers: int, hostile: int, duration: float, seed: int, out: dict) -> None:
    from visualizer.engine import builtin
    totals = {name: len(builtin(name).trace) for name in SCENARIOS}
    deadline = time.monotonic() + duration

    async def stepper(k: int) -> None:
        rng = random.Random(seed + k)
        name = SCENARIOS[k % len(SCENARIOS)]
        mode = rng.choice(["shadow", "nested"])
        try:
            async with Session(base) as s:
                run = await open_page(s, "Step_through", f"scenario={name}&mode={mode}&step=0&lang=en")
                while time.monotonic() < deadline:
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    r = rng.random()
                    step = int(run.param("step") or 0) if run.query else None
                    if r < 0.1 or step is not None and step >= totals[name]:
                        run = await s.rerun("Step_through", f"scenario={name}&mode={mode}&step="
                                            f"{rng.randrange(totals[name] + 1)}&lang=en")
                    else:
                        run = await s.press("Step_through", run, STEP_FORWARD)
                    out["latencies"].append(run.ms)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports
            out["errors"] += 1
            print(f"  stepper {k}: {exc!r}", flush=True)

    async def attacker(k: int) -> None:
        rng = random.Random(seed + 1000 + k)
        acts = ["budget", "big_upload", "practice", "million", "deep", "refused"]
        i = k
        while time.monotonic() < deadline:
            act = acts[i % len(acts)]
            i += 1
            try:
                if act == "budget":
                    await upload_scenario(base, HOSTILE_BUDGET.replace("seed = 1", f"seed = {rng.randrange(99)}"),
                                          "b.toml", then_step=True)
                elif act == "refused":
                    await upload_scenario(base, HOSTILE_5M if i % 2 else HOSTILE_MIX, "h.toml")
                elif act == "big_upload":
                    await big_uploads(base, 1, 190 << 20)
                elif act == "practice":
                    await practice(base, rng.randrange(1 << 40))
                elif act == "million":
                    await forged_keys(base, million())
                else:
                    await forged_keys(base, deep())
                out["hostile"][act] = out["hostile"].get(act, 0) + 1
            except Exception as exc:  # noqa: BLE001
                out["errors"] += 1
                print(f"  hostile {k} ({act}): {exc!r}"[:300], flush=True)
            await asyncio.sleep(rng.uniform(0.5, 2.0))

    await asyncio.gather(*[stepper(k) for k in range(steppers)], *[attacker(k) for k in range(hostile)])


def _attack(base: str, hostile: int, duration: float, results) -> None:
    # In a class the hostile students' browsers run on machines of their own; here their side of
    # the work (a 190 MB upload made and sent, a 17 MB message) shares the server's two cores, so
    # it runs at a lower priority (what they cost the server is what is measured; their own
    # latencies are not)
    os.nice(10)
    out = {"latencies": [], "errors": 0, "hostile": {}}
    million()
    asyncio.run(soak_sessions(base, 0, hostile, duration, 7, out))
    results.put({"hostile": out["hostile"], "errors": out["errors"], "cpu": time.process_time()})


def soak(duration: float, steppers: int, hostile: int, settle: float, warmup: float) -> None:
    proc, base = start_server()
    pids = servers() or [proc.pid]
    sampler = Sampler(pids, 1.0)

    def rss() -> int:
        return sum(status_kb(p, "VmRSS:") for p in pids) << 10
    try:
        if warmup > 0:
            # the server's steady state first: its caches (drawn diagrams, built-in timelines)
            # fill with stepping sessions, which then close and are let go
            asyncio.run(soak_sessions(base, steppers, 0, warmup, 3, {"latencies": [], "errors": 0, "hostile": {}}))
            time.sleep(settle)
            asyncio.run(visit(base, "", "lang=en"))
            time.sleep(5)
        async def warm():
            for page, q in [("", "lang=en"), ("Step_through", "scenario=esxi-figure&mode=shadow&step=3&lang=en"),
                            ("Practice", "lang=en"), ("Lessons", "lang=en"), ("Compare", "lang=en"),
                            ("Glossary", "lang=en"), ("About", "lang=en"), ("Costs", "lang=en")]:
                async with Session(base) as s:
                    await open_page(s, page, q)
        asyncio.run(warm())
        time.sleep(3)
        start_rss = rss()
        cpu0 = sum(cpu_seconds(p) for p in pids)
        own0 = sum(cpu_seconds(p, False) for p in pids)
        sampler.start()
        out = {"latencies": [], "errors": 0, "hostile": {}}
        # the hostile sessions run in a process of their own: what they do on the client side
        # (a 17 MB message, a 190 MB upload) must not delay the innocent sessions' clocks
        import multiprocessing
        ctx = multiprocessing.get_context("fork")
        results = ctx.Queue()
        attackers = ctx.Process(target=_attack, args=(base, hostile, duration, results), daemon=True)
        t0 = time.monotonic()
        if hostile:
            attackers.start()
        client0 = time.process_time()
        asyncio.run(soak_sessions(base, steppers, 0, duration, 7, out))
        client_cpu = time.process_time() - client0
        if hostile:
            got = results.get(timeout=duration + 900)
            attackers.join(30)
            out["hostile"], out["errors"] = got["hostile"], out["errors"] + got["errors"]
            out["attacker_cpu"] = got["cpu"]
        ran = time.monotonic() - t0
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        own_cpu = sum(cpu_seconds(p, False) for p in pids) - own0
        tree, pss, own, kids = sampler.peak()
        print(f"sessions closed after {ran:.0f} s; waiting {settle:.0f} s for the server to let them go", flush=True)
        time.sleep(settle)
        # a request makes Streamlit look at its stored sessions (expired ones leave on access)
        asyncio.run(visit(base, "", "lang=en"))
        time.sleep(65)  # the server collects what ended sessions left once a minute
        end_rss = rss()
        orphans = [k for p in pids for k in descendants(p)]
        loaded = sum(kernel_loaded(p) for p in pids)
        sampler.stopped.set()
    finally:
        stop_server(proc)
    lat = sorted(out["latencies"])

    def p(q: float) -> float:
        return lat[min(len(lat) - 1, int(round(q * (len(lat) - 1))))] if lat else float("nan")
    print(f"the compiled kernel: loaded in {loaded} of {REPLICAS[0] if PROXY else 1} server replica(s)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; "
          f"{steppers} stepping sessions and {hostile} hostile ones for {duration:.0f} s (ran {ran:.0f} s)")
    print(f"innocent clicks: {len(lat)}, p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms, max {lat[-1] if lat else 0:.0f} ms; "
          f"hostile actions: {out['hostile']}; session errors: {out['errors']}")
    print(f"server process tree{'s' if len(pids) > 1 else ''} ({len(pids)} server processes"
          f"{': the replicas and HAProxy' if len(pids) > 1 else ''}): peak RSS {mib(tree)} summed over its processes "
          f"(PSS {mib(pss)}); server{'s' if len(pids) > 1 else ''} alone peak {mib(own)}; workers at most {kids}; "
          f"CPU {cpu:,.0f} s ({own_cpu:,.0f} s the server{'s' if len(pids) > 1 else ''}' own, the rest their workers)")
    print(f"the simulated clients' own CPU on the same cores: stepping sessions {client_cpu:,.0f} s, hostile ones "
          f"{out.get('attacker_cpu', 0):,.0f} s (at nice 10)")
    print(f"server RSS: start {mib(start_rss)} (after {warmup:.0f} s of stepping sessions, closed and let go, and a "
          f"visit of each page), end {mib(end_rss)} "
          f"({end_rss / start_rss - 1:+.0%}); processes left below the server: {len(orphans)}")
    ok = pss <= TREE_BUDGET and p(0.95) <= P95_BUDGET_MS and not orphans and end_rss <= start_rss * 1.2
    print(f"budgets (tree PSS ≤ 2 GiB, p95 ≤ 1 s, no orphans, end RSS within 20 % of the start): "
          f"{'held' if ok else 'NOT held'}")


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser()
    ap.add_argument("--repro", action="store_true")
    ap.add_argument("--soak", action="store_true")
    ap.add_argument("--duration", type=float, default=600.0, help="soak seconds (at most 1800)")
    ap.add_argument("--steppers", type=int, default=30, help="stepping sessions (at most 60)")
    ap.add_argument("--hostile", type=int, default=5, help="hostile sessions (at most 10)")
    ap.add_argument("--settle", type=float, default=150.0, help="seconds to wait after the sessions close")
    ap.add_argument("--warmup", type=float, default=60.0,
                    help="seconds of stepping sessions (then closed and settled) before the start is measured")
    ap.add_argument("--root", help="run the app of another checkout (for a before/after comparison)")
    ap.add_argument("--proxy", action="store_true", help="behind HAProxy, as `python -m visualizer serve` runs it")
    ap.add_argument("--replicas", type=int, default=1, help="replicas behind HAProxy (implies --proxy; at most 4)")
    args = ap.parse_args()
    REPLICAS[0] = max(1, min(args.replicas, 4))
    if args.proxy or args.replicas > 1:
        PROXY.append(True)
    if args.root:
        ROOT_OVERRIDE.append(args.root)
    root = Path(ROOT_OVERRIDE[0]) if ROOT_OVERRIDE else ROOT
    if not kernel_built(root):
        print(f"warning: {root} has no compiled kernel (visualizer/engine/_kernel*.so): its server runs the "
              f"engine's Python path; build it with `python -m pip install -e .` or "
              f"`python setup.py build_ext --inplace` there", flush=True)
    if args.repro or not args.soak:
        repro()
    if args.soak:
        soak(min(args.duration, 1800.0), min(args.steppers, 60), min(args.hostile, 10), min(args.settle, 600.0),
             min(args.warmup, 600.0))


if __name__ == "__main__":
    main()
