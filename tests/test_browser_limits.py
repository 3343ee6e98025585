"""Browser test of issue 20 in Chromium: what a hostile browser sends is bounded before the
server stores or decodes it — an upload past ``server.maxUploadSize`` is refused with 413 while
it streams in, a forged key log nested 1,500 deep or of a million presses is dropped with a
quiet note (no traceback, then or on later reruns) — and the lecture keys go on working."""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from browser_support import ROOT, SERVER_PROC, browser, server, settle  # noqa: F401 (fixtures)

sys.path.insert(0, str(ROOT / "benchmarks"))
from wsclient import put_file  # noqa: E402 - the protocol client of the benchmarks

pytestmark = pytest.mark.browser


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_the_apps_config_bounds_uploads_and_messages_by_what_the_app_accepts():
    from visualizer.app import ui
    srv = config()["server"]
    compare_cap = 16 << 20  # pages/2_Compare.py APP_TRACE_BYTES (importing the page would run it)
    assert srv["maxUploadSize"] << 20 == max(compare_cap, ui.MAX_UPLOAD_BYTES)
    assert srv["maxWidgetStateSize"] <= 1 and srv["maxMessageSize"] <= 16
    assert srv["disconnectedSessionTTL"] <= 60  # a closed tab's state does not linger for long


def rss(pid: int) -> int:
    return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) << 10


def cpu_seconds(pid: int) -> float:
    import os
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_step(page, step: int) -> None:
    page.wait_for_selector(f'.esxi-diagram.lecture[data-step="{step}"]:not([data-ahead]) svg')


def no_exception(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, page.locator(
        "[data-testid=stException]").first.inner_text()


def test_an_upload_past_the_limit_is_refused_before_it_is_stored(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(f"{server}/?lang=en")
        settle(page)
        # a real upload first, to learn the address and headers the browser uses
        puts = []
        page.on("request", lambda r: puts.append(r) if r.method == "PUT" and "upload_file" in r.url else None)
        small = Path("/tmp") / "limits_small.toml"
        small.write_text('name = "small"\n')
        page.locator("input[type=file]").first.set_input_files(str(small))
        page.wait_for_function("() => true")
        settle(page)
        assert puts, "the browser sent no upload"
        url = puts[0].url
        cookies = {c["name"]: c["value"] for c in ctx.cookies()}
        assert cookies.get("_streamlit_xsrf"), "the browser's session has no XSRF cookie"
        proc = SERVER_PROC["proc"]
        before = rss(proc.pid)
        # the same PUT with the browser's cookies, its body streamed as a browser sends it (handing
        # 40 MiB to the browser's driver first took most of this test's 20-30 s)
        status = put_file(url.rsplit("/", 1)[0] + "/oversize", "big.toml", cookies, size=40 << 20)  # limit: 16 MiB
        assert status == 413
        assert rss(proc.pid) - before < 24 << 20  # not stored (and not grown by its size)
        status = put_file(url.rsplit("/", 1)[0] + "/fits", "ok.toml", cookies, data=b"#" * (1 << 20))
        assert status == 204  # what the app accepts still goes through
    finally:
        ctx.close()


@pytest.mark.parametrize("forged", ["deep", "million"])
def test_a_forged_key_log_is_dropped_quietly_and_the_keys_go_on(server, browser, forged):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{server}/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang=en&present=1")
        wait_step(page, 0)
        page.wait_for_function("() => !!window.__esxiKeyHandler")
        page.keyboard.press("ArrowRight")
        wait_step(page, 1)
        if forged == "deep":
            page.evaluate("() => { let v = [[1, 'lec_forward']]; for (let i = 0; i < 1500; i++) v = [v];"
                          " window.__esxiKeysSend(v); }")
            page.locator("[data-testid=stToast]", has_text="was ignored").wait_for()
        else:
            # one websocket message of a million presses (about 17 MB): refused before it is parsed
            # (it cost 3.6 s of CPU and ~450 MB when Streamlit decoded it)
            pid = SERVER_PROC["proc"].pid
            cpu0 = cpu_seconds(pid)
            page.evaluate("() => window.__esxiKeysSend(Array.from({length: 1000000}, (_, i) => [i + 2, 'lec_forward']))")
            page.wait_for_timeout(1500)
            settle(page)
            assert cpu_seconds(pid) - cpu0 < 1.0
        no_exception(page)
        page.keyboard.press("ArrowRight")  # the session goes on: keys still step, once each
        wait_step(page, 2)
        page.keyboard.press("ArrowRight")
        wait_step(page, 3)
        no_exception(page)
        assert page.locator(".st-key-lec_forward button").count() >= 1  # the lecture buttons are still there
    finally:
        ctx.close()
