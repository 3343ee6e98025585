"""Browser test of a long program trace on the Compare page: a gzipped lackey trace of more
operations than the page keeps parsed is uploaded, compared in worker processes with a progress
bar, and offered as a ``compare --trace`` command line; the "record your own program" section
in both languages; screenshots at 1280×720 and 1366×768 in English and German."""
from __future__ import annotations

import gzip

import pytest

from browser_support import ROOT, SHOTS, browser, server, settle  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def long_lackey(tmp_path):
    """The built-in listwalk trace's records five times over: more operations than the page keeps parsed."""
    text = gzip.decompress((ROOT / "visualizer" / "traces" / "listwalk.lackey.gz").read_bytes()).decode()
    lines = text.splitlines()
    head = [x for x in lines if x.startswith("==")]
    records = [x for x in lines if not x.startswith("==")]
    p = tmp_path / "listwalk5.lackey.gz"
    p.write_bytes(gzip.compress(("\n".join(head + records * 5) + "\n").encode()))
    return p


@pytest.mark.parametrize("lang, source, loaded, long_note, record", [
    ("en", "an uploaded file", "Loaded listwalk5.lackey.gz: lackey,", "A long trace", "Record your own program"),
    ("de", "einer hochgeladenen Datei", "Geladen: listwalk5.lackey.gz: lackey,", "Ein langer Trace",
     "Eigenes Programm aufzeichnen"),
])
def test_a_long_gzipped_program_trace_is_compared_in_workers(server, browser, tmp_path, lang, source, loaded,
                                                             long_note, record):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    try:
        page.goto(f"{server}/Compare?lang={lang}")
        settle(page)
        page.get_by_text(source, exact=True).click()
        settle(page)
        expander = page.get_by_text(record, exact=True)
        expander.click()
        page.get_by_text("python -m visualizer record -- ls -l", exact=False).first.wait_for(timeout=10_000)
        trace = long_lackey(tmp_path)
        page.locator("input[type=file]").set_input_files(str(trace))
        # the comparison runs in worker processes with a progress bar, then three results
        page.get_by_text(loaded, exact=False).wait_for(timeout=120_000)
        settle(page, timeout=600)
        caption = page.get_by_text(loaded, exact=False).inner_text()
        assert long_note in caption, caption
        ops = int("".join(c for c in caption.split("lackey,")[1].split(" ")[1] if c.isdigit()))
        assert ops > 500_000  # more than the page keeps parsed
        assert page.locator("[data-testid=stMetric]").count() == 3
        assert page.locator("[data-testid=stException]").count() == 0
        page.get_by_role("tab").nth(3).click()
        page.get_by_text("python -m visualizer compare --trace listwalk5.lackey.gz --scenario comparison.toml",
                         exact=False).first.wait_for(timeout=10_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        for w, h in ((1280, 720), (1366, 768)):
            page.set_viewport_size({"width": w, "height": h})
            page.wait_for_timeout(600)
            expander.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"compare-record-{lang}-{w}x{h}.png"))
            page.get_by_text(loaded, exact=False).first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / f"compare-long-upload-{lang}-{w}x{h}.png"))
    finally:
        ctx.close()
