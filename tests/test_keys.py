"""The lecture keys' press log (visualizer.app.ui.presses_to_run): every press runs once, in
order, however the requests that carry the log are folded together on the way — also the first
presses of a page, and after a reload or a reconnect."""
from __future__ import annotations

from visualizer.app.ui import presses_to_run

B = {"fwd", "back", "home"}


def req(page: str, *log) -> dict:
    return {"page": page, "log": [list(e) for e in log]}


def test_each_press_runs_once_in_order_when_requests_are_folded():
    # the page's first three presses reach the server as one request (Streamlit folded them)
    run, ran = presses_to_run(req("p1", (1, "fwd"), (2, "fwd"), (3, "home")), None, B)
    assert run == ["fwd", "fwd", "home"] and ran == ("p1", 3)
    # the browser has not seen the acknowledgement yet: the log still holds 1-3
    run, ran = presses_to_run(req("p1", (1, "fwd"), (2, "fwd"), (3, "home"), (4, "fwd")), ran, B)
    assert run == ["fwd"] and ran == ("p1", 4)
    assert presses_to_run(req("p1", (4, "fwd")), ran, B) == ([], ("p1", 4))  # the same press again: nothing
    run, ran = presses_to_run(req("p1", (5, "back"), (6, "fwd")), ran, B)
    assert run == ["back", "fwd"] and ran == ("p1", 6)


def test_a_reloaded_page_or_a_new_session_runs_the_presses_it_sends():
    # a reload numbers from 1 again under a new page id: its presses are new, whatever ran before
    assert presses_to_run(req("p2", (1, "back")), ("p1", 10), B) == (["back"], ("p2", 1))
    # a new session (a reconnect) gets only the presses the browser has no acknowledgement for
    assert presses_to_run(req("p1", (11, "fwd"), (12, "fwd")), None, B) == (["fwd", "fwd"], ("p1", 12))


def test_bad_requests_run_nothing():
    for press in (None, "x", {}, {"log": [[1, "fwd"]]}, {"page": 3, "log": [[1, "fwd"]]}, req("p", ),
                  {"page": "p", "log": [["1", "fwd"]]}, {"page": "p", "log": [[True, "fwd"]]},
                  req("p", (1, "rm -rf")), {"page": "p", "log": [[1]]}, {"page": "p", "log": [[1, 2]]}):
        assert presses_to_run(press, ("p", 3), B) == ([], ("p", 3)), press
    many = req("p", *[(n, "fwd") for n in range(1, 100)])
    assert presses_to_run(many, None, B)[0] == ["fwd"] * 32  # at most 32 per request


def test_a_press_of_a_button_the_page_lacks_is_acknowledged_not_run():
    # a press left in the browser's log from another page: nothing runs, but the browser hears it
    # was received (it would otherwise send it again)
    assert presses_to_run(req("p", (4, "lec_forward")), ("p", 3), B) == ([], ("p", 4))
    assert presses_to_run(req("p", (4, "lec_forward"), (5, "fwd")), ("p", 3), B) == (["fwd"], ("p", 5))
