"""The app through its entry file (Home.py runs before every page, as in the browser), not a
page file on its own: what a page wrote to the address bar lately stays known across reruns, so
a request that still carries the address from before the last update is an echo, not a link."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def app(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_echo_of_an_earlier_address_is_not_a_link_through_the_entry_file():
    at = app("pages/6_Practice.py", seed="2", kind="translate", count="8", present="1")
    for _ in range(3):
        at.button(key="pxp_next").click().run()
    assert at.session_state["px.i"] == 3 and at.query_params["q"] == "4"
    # a fast presenter's next request still carries q=2 (the browser had not applied q=3 and q=4
    # yet): the entry file's own set-up must not make the page forget that it wrote q=2 itself
    at.query_params["q"] = "2"
    at.run()
    assert at.session_state["px.i"] == 3, "an echo of the page's own address was taken for a link"
    # a link to another question is still followed
    at.query_params["q"] = "7"
    at.run()
    assert at.session_state["px.i"] == 6


def test_the_step_page_through_the_entry_file_keeps_its_step_against_echoes():
    at = app("pages/1_Step_through.py", scenario="esxi-figure", mode="shadow", step="0")
    for _ in range(4):
        at.button(key="step_forward").click().run()
    assert at.session_state["step_session"].step == 4
    at.query_params["step"] = "2"  # written two clicks ago
    at.run()
    assert at.session_state["step_session"].step == 4
