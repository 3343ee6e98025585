"""The app works offline (a lecture hall without network): in a full run through every page in
Debian's Chromium — stepping, lecture mode, a comparison with its charts, a lesson, Practice,
the overcommit lab — no request goes to any host but the app's own. Icons and fonts are served
by the app (Streamlit's bundled fonts; the tab's icon is an SVG data URL, see ``ui.FAVICON``).

Every request is recorded at the browser's network layer (``context.route``); one to another
host is refused there, so the run never waits for a network it does not have, and fails the test.
"""
from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest

from browser_support import CHROMIUM, browser, server, settle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM} missing; apt-get install chromium)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def test_a_full_run_requests_nothing_but_the_apps_own_host(server, browser):
    own = urlparse(server).netloc
    seen: list[str] = []
    outside: list[str] = []
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})

    def route(r):
        url = r.request.url
        seen.append(url)
        p = urlparse(url)
        if p.scheme in ("data", "blob") or p.netloc == own:
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    ctx.route("**/*", route)
    ctx.on("websocket", lambda ws: (seen.append(ws.url), urlparse(ws.url).netloc != own and outside.append(ws.url)))
    pg = ctx.new_page()
    pg.set_default_timeout(90_000)

    def visit(path: str) -> None:
        pg.goto(f"{server}{path}")
        settle(pg)

    # the first request of a fresh server is a deep link (the tab's icon was fetched from outside then)
    visit("/Step_through?scenario=esxi-figure&mode=shadow&step=0&lang=en")
    for _ in range(3):
        pg.locator(".st-key-step_forward button").first.click()
        settle(pg)
    pg.locator(".st-key-lec_start button").first.click()
    settle(pg)
    pg.keyboard.press("ArrowRight")
    pg.keyboard.press("m")
    settle(pg)
    visit("/")
    visit("/Lessons?lesson=02-shadow-paging&step=3&lang=de")
    visit("/Practice?lang=en")
    visit("/Compare?source=generator&kind=mix&accesses=2000&lang=en")
    pg.wait_for_function("() => document.querySelectorAll('[data-testid=stVegaLiteChart]').length >= 1")
    visit("/Overcommit?lang=en")
    visit("/Costs?lang=en&cost.walk_ref=200")
    visit("/Glossary?lang=de")
    visit("/About?lang=en")
    # the sidebar's page links, open on this page (their icons come from the bundled font, not from a host)
    pg.locator("[data-testid=stSidebarNav] a").nth(1).click()
    settle(pg)
    ctx.close()
    assert len(seen) > 50  # the run did load the pages
    assert not outside, sorted(set(outside))
