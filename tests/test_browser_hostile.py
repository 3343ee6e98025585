"""Browser test of issue 11 in Chromium: a Markdown/HTML payload in a link shows as plain text
and makes the browser fetch nothing; a link to an uploaded scenario says where uploads live;
switching the language in every order and then clicking keeps every choice and never raises."""
from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

import pytest

from browser_support import ROOT, SERVER_PROC, browser, server, settle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PAYLOAD = ('x". **Your session expired.** [Log in again](http://evil.example/login) '
           '![i](http://evil.example/pixel.png) <img src="http://evil.example/tag.png"> :red[alarm]')




@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.requests_seen = []
    pg.on("request", lambda r: pg.requests_seen.append(r.url))
    yield pg
    ctx.close()


def no_exception(page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0, page.locator(
        "[data-testid=stException]").first.inner_text()


@pytest.mark.parametrize("path", ["/", "/Compare"])
def test_markdown_payload_in_a_link_is_plain_text_and_fetches_nothing(server, page, path):
    page.goto(f"{server}{path}?scenario={urllib.parse.quote(PAYLOAD)}&lang={urllib.parse.quote('<b>x</b>')}")
    settle(page)
    alert = page.locator("[data-testid=stAlert]", has_text="Unknown scenario").first
    alert.wait_for()
    text = alert.inner_text().replace("\u2060", "")  # the word joiner that keeps URLs from linking
    # the payload's own characters, as typed
    assert "**Your session expired.**" in text and "[Log in again](http://evil.example/login)" in text
    assert "![i](http://evil.example/pixel.png)" in text and '<img src="http://evil.example/tag.png">' in text
    assert ":red[alarm]" in text
    assert alert.locator("a, img, strong, em").count() == 0
    assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
    lang_alert = page.locator("[data-testid=stAlert]", has_text="Unknown language").first
    assert "<b>x</b>" in lang_alert.inner_text().replace("\u2060", "") and lang_alert.locator("b").count() == 0
    time.sleep(1.0)
    hosts = {urllib.parse.urlsplit(u).hostname for u in page.requests_seen}
    # the app's server, data: URLs and Streamlit's icon font; no image or anything else from the payload
    assert hosts <= {"127.0.0.1", None, "fonts.gstatic.com"} and "evil.example" not in hosts, hosts
    no_exception(page)


def test_link_to_an_uploaded_scenario_says_where_uploads_live(server, page):
    page.goto(f"{server}/?scenario=upload:{urllib.parse.quote('my**scenario**')}")
    settle(page)
    alert = page.locator("[data-testid=stAlert]", has_text="browser session").first
    alert.wait_for()
    assert "my**scenario**" in alert.inner_text().replace("\u2060", "") and alert.locator("strong").count() == 0
    assert "esxi-figure" in alert.inner_text()
    no_exception(page)


def switch(page, lang_name: str) -> None:
    page.locator("[data-testid=stSidebar]").get_by_text(lang_name, exact=True).click()
    settle(page)


@pytest.mark.parametrize("order", [["Deutsch", "English"], ["Deutsch", "English", "Deutsch"], ["Deutsch"]])
def test_costs_preset_survives_language_switches(server, page, order):
    page.goto(f"{server}/Costs?lang=en")
    settle(page)
    page.get_by_text("L2 (10)", exact=True).click()
    settle(page)
    for name in order:
        switch(page, name)
        no_exception(page)
    # the choice made before the switches is still the one shown, and a click works
    assert page.get_by_role("radio", name="L2 (10)").is_checked()
    page.get_by_text("DRAM (200)", exact=True).click()
    settle(page)
    no_exception(page)
    assert page.get_by_role("radio", name="DRAM (200)").is_checked()
    label = "One page-walk memory reference" if order[-1] == "English" else "Ein Speicherzugriff beim Seitentabellendurchlauf"
    assert page.get_by_label(label, exact=True).input_value() == "200"


@pytest.mark.parametrize("order", [["Deutsch", "English"], ["Deutsch", "English", "Deutsch"]])
def test_compare_source_survives_language_switches(server, page, order):
    page.goto(f"{server}/Compare?lang=en")
    settle(page)
    page.get_by_text("a real program (Valgrind)", exact=True).click()
    settle(page)
    for name in order:
        switch(page, name)
        no_exception(page)
    label = "a real program (Valgrind)" if order[-1] == "English" else "einem echten Programm (Valgrind)"
    assert page.get_by_role("radio", name=label).is_checked()
    other = "a workload generator" if order[-1] == "English" else "einem Lastgenerator"
    page.get_by_text(other, exact=True).click()
    settle(page)
    no_exception(page)
    assert page.get_by_role("radio", name=other).is_checked()


def server_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) << 10 for line in f if line.startswith("VmRSS:"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's RSS from /proc")
def test_hostile_uploads_to_the_real_server_leave_it_small(server, page, tmp_path):
    """The 339 KB file of 50,000 dotted key parts (5.75 GB and a MemoryError before), deep
    nesting and a 4 GiB machine, uploaded through the browser: a message each (or the scenario),
    and the server stays well under 1 GiB."""
    files = {
        "dotted.toml": ".".join(f"k{i}" for i in range(50_000)) + " = 1\n",
        "nested.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "big.toml": 'name = "big"\n[machine]\nmemory = "4GiB"\n[[vm]]\nname = "VM1"\nmemory = "1GiB"\n'
                    + "".join(f'[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x{0x400000 + i * 0x10000:x}\n'
                              for i in range(64)),
    }
    expect = {"dotted.toml": "dotted parts", "nested.toml": "nested more than", "big.toml": "Loaded scenario"}
    page.goto(f"{server}/?lang=en")
    settle(page)
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        t0 = time.perf_counter()
        page.locator("input[type=file]").first.set_input_files(str(path))
        page.get_by_text(expect[name], exact=False).first.wait_for(timeout=30_000)
        assert time.perf_counter() - t0 < 10
        settle(page)
        no_exception(page)
    page.goto(f"{server}/Step_through?scenario=upload:big&step=64&lang=en")
    settle(page)
    no_exception(page)
    assert server_rss(SERVER_PROC["proc"].pid) < 1 << 30
