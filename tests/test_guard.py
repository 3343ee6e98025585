"""Browser messages are checked before Streamlit decodes them (visualizer.app.guard): size,
nesting, count and validity; a bad one reads as nothing sent and is noted once."""
from __future__ import annotations

import json

import pytest

from visualizer.app import guard

GOOD = json.dumps([{"event": "press", "value": {"page": "k1x", "log": [[n, "lec_forward"] for n in range(1, 33)]}}])


@pytest.mark.parametrize("text, why", [
    ("[" * 1500 + "]" * 1500, "nested more than 16"),
    (json.dumps([[n, "lec_forward"] for n in range(1_000_000)]), "larger than 64 KiB"),
    (json.dumps(list(range(5000))), "more than 4096 values"),
    ("[1" + "0" * 5000 + "]", "not valid JSON"),  # Python's int() refuses more than 4,300 digits
    ('{"a": [1, 2', "not valid JSON"),
])
def test_bad_messages_are_named_without_decoding_them_whole(text, why):
    assert why in guard.problem(text)


def test_the_key_log_and_brackets_inside_strings_pass():
    assert guard.problem(GOOD) is None
    assert guard.problem(json.dumps({"page": "[" * 100, "log": []})) is None
    assert guard.problem(None) is None


def test_installed_in_front_of_streamlits_decoding():
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.state import session_state as ss
    assert guard.install() and guard.install()  # once, however often it is asked
    deep = WidgetState(id="k", json_trigger_value="[" * 1500 + "]" * 1500)
    assert ss.unpack_widget_state_value(deep) is None
    assert "nested" in guard.take_dropped() and guard.take_dropped() is None
    good = WidgetState(id="k", json_trigger_value=GOOD)
    assert ss.unpack_widget_state_value(good) == GOOD  # the deserializer decodes it, as before
    state = WidgetState(id="s", json_value='{"jump": 3}')
    assert ss.unpack_widget_state_value(state) == {"jump": 3}
