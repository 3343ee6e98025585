"""What the browser tests share: Debian's Chromium, its flags, and a Streamlit server of the app
started on a free port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
"""Without the background-networking flags Chromium keeps trying this closed network."""
SHOTS = ROOT / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else ROOT / "screenshots" / "latest"
"""Screenshots go to screenshots/latest/ (not committed); UPDATE_SCREENSHOTS=1 replaces the committed ones."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict | None = None) -> subprocess.Popen:
    """Start ``streamlit run Home.py`` and wait until it answers its health check."""
    cmd = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("streamlit did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def settle(page, timeout: float = 90) -> None:
    """Wait until the app's script run has finished and its output is on the page.

    Streamlit marks its root with the run's state (``data-test-script-state``: ``initial`` before
    the first run, then ``running`` / ``notRunning``); its own browser tests wait on it the same
    way. The short wait first lets a click's rerun begin: right after a click the attribute still
    says ``notRunning`` from the run before. It ends as soon as the run is seen running (at most
    300 ms: a run over before it is seen has left its output)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    ms = int(timeout * 1000)
    try:
        page.wait_for_function(
            "() => { const app = document.querySelector('[data-testid=stApp]');"
            " return app && app.getAttribute('data-test-script-state') === 'running'; }", timeout=300)
    except PlaywrightTimeout:
        pass
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", state="attached", timeout=ms)
    page.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=stApp]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-testid=stStatusWidget]')"
        " && !document.querySelector('[data-testid=stProgress]'); }", timeout=ms)
    page.wait_for_timeout(200)


def shoot(page, path, **kw) -> None:
    """A screenshot for people to look at (not an assertion): where Chromium cannot give a frame
    in time — seen once in CI with both cores busy with another test's 190 MB upload — it is tried
    once more and then left out with a warning; the test's assertions still decide."""
    import warnings
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for attempt in (1, 2):
        try:
            page.screenshot(path=str(path), timeout=45_000, **kw)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                warnings.warn(f"screenshot {path} left out: Chromium gave no frame in 45 s", stacklevel=2)
            else:
                page.wait_for_timeout(2000)


# -- fixtures for the browser test modules (imported there: ``from browser_support import server, browser``) --
import pytest  # noqa: E402


SERVER_PROC: dict = {}
"""The running server's process (``"proc"``), for tests that measure it."""


@pytest.fixture(scope="module")
def server():
    """The app on a free port of 127.0.0.1, for one test module."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)")
    port = free_port()
    proc = start_server(port)
    SERVER_PROC["proc"] = proc
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, for one test module."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
