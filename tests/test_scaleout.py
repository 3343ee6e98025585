"""Scale-out on one machine (issue 20): ``serve``'s two Streamlit replicas behind HAProxy. Each
simulated browser stays on the replica that holds its session — every click comes over a new
websocket that resumes the session (as after a dropped connection), and the session's own step
comes back each time — sessions are spread over both replicas, and the same resume on the other
replica would have lost the state (what the cookie prevents). A browser steps through
esxi-figure through the load balancer."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from browser_support import CHROMIUM, ARGS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from wsclient import STEP_FORWARD, Session  # noqa: E402

from visualizer.serve import INSTALL_HINT, Cluster, free_port  # noqa: E402

try:
    import websockets  # noqa: F401
except ImportError:  # pragma: no cover - Streamlit's server brings it
    websockets = None


@pytest.fixture(scope="module")
def cluster():
    try:
        c = Cluster(2, "127.0.0.1", free_port())
    except FileNotFoundError:
        pytest.skip(INSTALL_HINT + " (.ci/run installs it)")
    with c:
        yield c


PAGE = "Step_through"


async def browse(base: str, k: int) -> tuple[str, list[int], set]:
    """Open the step page at step k % 6, click Step 6 times, each time over a new websocket."""
    start = k % 6
    s = Session(base, quiet=0.5)  # a click's run may be followed by a second (the stage, then the details)
    await s.connect()
    try:
        run = await s.rerun(PAGE, f"scenario=esxi-figure&mode=shadow&step={start}&lang=en")
        for _ in range(2):  # a session's first run may hand over to the navigation
            if run.button(STEP_FORWARD) is not None:
                break
            run = await s.rerun(PAGE, f"scenario=esxi-figure&mode=shadow&step={start}&lang=en")
        ids, steps = {s.session_id}, []
        for _ in range(6):
            await s.reconnect()
            run = await s.press(PAGE, run, STEP_FORWARD)
            ids.add(s.session_id)
            steps.append(int(run.param("step")))
        return s.replica, steps, ids
    finally:
        await s.close()


def test_each_session_stays_on_its_replica_across_reconnects(cluster):
    async def main():
        return await asyncio.gather(*(browse(cluster.url, k) for k in range(8)))
    results = asyncio.run(main())
    for k, (replica, steps, ids) in enumerate(results):
        start = k % 6
        assert steps == [start + j for j in range(1, 7)], (k, replica, steps)  # its own state, never lost
        assert len(ids) == 1, (k, ids)  # one session, resumed each time
    assert {r for r, _, _ in results} == {"r1", "r2"}  # and the sessions are spread over both


def test_each_replica_is_told_it_shares_the_machine_with_the_others(cluster):
    """The replicas divide the machine's server budgets (VISUALIZER_REPLICAS in their environment)
    and share one directory of worker slots (VISUALIZER_SLOTS_DIR), which exists while they run."""
    from visualizer.host import SHARE_ENV, SLOTS_ENV
    dirs = set()
    for pid in cluster.pids():
        env = dict(kv.split(b"=", 1) for kv in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in kv)
        assert env.get(SHARE_ENV.encode()) == b"2", pid
        dirs.add(env.get(SLOTS_ENV.encode()))
    assert len(dirs) == 1 and None not in dirs and Path(dirs.pop().decode()).is_dir()


def test_without_the_cookie_a_resumed_session_on_the_other_replica_is_lost(cluster):
    a, b = (f"http://127.0.0.1:{p}" for p in cluster.ports)

    async def main():
        s = Session(a)
        await s.connect()
        run = await s.rerun(PAGE, "scenario=esxi-figure&mode=shadow&step=5&lang=en")
        first = s.session_id
        await s.close()
        s.base, s.cookies = b, {}  # the same session resumed on the other replica
        await s.connect()
        run = await s.rerun(PAGE, "lang=en")  # (an address without the step: what the session holds)
        await s.close()
        return first, s.session_id, run.param("step")
    first, then, step = asyncio.run(main())
    assert then != first and step == "0"  # a new session: the state stayed on the first replica


def test_an_oversize_upload_is_refused_by_the_load_balancer_before_a_replica_reads_it(cluster):
    from wsclient import put_file

    def cpu(pid: int) -> float:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

    async def main():
        async with Session(cluster.url) as s:
            await s.rerun("", "lang=en")
            url = f"{cluster.url}/_stcore/upload_file/{s.session_id}/big"
            before = sum(cpu(p) for p in cluster.pids())
            big = await asyncio.to_thread(put_file, url, "big.toml", s.cookies, size=190 << 20)
            spent = sum(cpu(p) for p in cluster.pids()) - before
            fits = await asyncio.to_thread(put_file, url.replace("/big", "/fits"), "ok.toml", s.cookies, size=1 << 20)
            return big, spent, fits
    big, spent, fits = asyncio.run(main())
    assert big == 413 and spent < 0.3  # a replica reading 190 MB spends ~0.6 s
    assert fits == 204  # what the app takes goes through, to the session's replica


@pytest.mark.browser
def test_a_browser_steps_through_esxi_figure_through_the_load_balancer(cluster):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    from visualizer.engine import builtin
    total = len(builtin("esxi-figure").trace)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = b.new_context(viewport={"width": 1366, "height": 768})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{cluster.url}/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang=en&figure=0")
            page.wait_for_selector('.esxi-diagram[data-step="0"]:not([data-ahead]) svg')
            replica = next(c["value"] for c in ctx.cookies() if c["name"] == "ESXI_REPLICA")
            for step in range(1, total + 1):
                page.locator(".st-key-step_forward button").click()
                page.wait_for_selector(f'.esxi-diagram[data-step="{step}"][data-mode="shadow"]:not([data-ahead]) svg')
                if step == total // 2:  # a reload (a new websocket) comes back to the same replica and step
                    page.goto(f"{cluster.url}/Step_through?scenario=esxi-figure&mode=shadow&step={step}&lang=en&figure=0")
                    page.wait_for_selector(f'.esxi-diagram[data-step="{step}"]:not([data-ahead]) svg')
            assert page.locator(".esxi-diagram svg g.edge.shadow-map").count() >= 1
            assert next(c["value"] for c in ctx.cookies() if c["name"] == "ESXI_REPLICA") == replica
            assert page.locator("[data-testid=stException]").count() == 0
        finally:
            ctx.close()
            b.close()
