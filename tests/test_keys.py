"""The lecture keys' ordered press log (visualizer.app.ui.presses_to_run): every press runs once,
in order, however the requests that carry the log are folded together on the way."""
from __future__ import annotations

from visualizer.app.ui import presses_to_run

B = {"fwd", "back", "home"}


def test_each_press_runs_once_in_order_when_requests_are_folded():
    log = [[1, "fwd"]]
    run, seen = presses_to_run(log, None, B)
    assert run == ["fwd"] and seen == 1
    # three presses, of which the server sees only the last request (Streamlit folded them)
    log += [[2, "fwd"], [3, "home"], [4, "fwd"]]
    run, seen = presses_to_run(log, seen, B)
    assert run == ["fwd", "home", "fwd"] and seen == 4
    assert presses_to_run(log, seen, B) == ([], 4)  # the same log again: nothing twice
    run, seen = presses_to_run(log[1:] + [[5, "back"]], seen, B)
    assert run == ["back"] and seen == 5


def test_a_new_session_or_a_reloaded_page_runs_only_the_newest_press():
    old_browser_log = [[n, "fwd"] for n in range(1, 11)]
    assert presses_to_run(old_browser_log, None, B) == (["fwd"], 10)  # not ten steps at once
    reloaded = [[1, "back"]]  # the page numbers from 1 again while the session saw 10
    assert presses_to_run(reloaded, 10, B) == (["back"], 1)


def test_bad_logs_run_nothing():
    for log in (None, "x", [], [["1", "fwd"]], [[True, "fwd"]], [[1, "rm -rf"]], [[1]], [[1, 2]]):
        assert presses_to_run(log, 3, B) == ([], 3), log
    assert presses_to_run([[n, "fwd"] for n in range(1, 100)], 0, B)[0] == ["fwd"] * 32  # at most 32 per request
