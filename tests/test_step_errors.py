"""Errors by kind: only machine-memory exhaustion is told as running out of machine pages; bad
input says what is wrong with it; anything else is an engine bug and says so, with what to report."""
from __future__ import annotations

import pytest

from visualizer.app.session import StepError, Timeline, step_error_text
from visualizer.engine import EngineError, Mode, OutOfMemory, load_scenario_text
from visualizer.engine.machine import Machine

TINY = """
name = "tiny"
mode = "shadow"
[machine]
memory = "128KiB"
[[vm]]
name = "VM1"
memory = "4MiB"
processes = ["p1"]
[trace_generator]
kind = "sequential"
vm = "VM1"
process = "p1"
accesses = 200
pages = 200
stride = 4096
[reclaim]
enabled = false  # the host does not reclaim: the machine runs out
"""


def test_exhausted_machine_memory_is_told_as_such():
    sc = load_scenario_text(TINY, "tiny")
    tl = Timeline(sc.config, Mode.SHADOW, sc.trace).precompute()
    assert tl.limit < len(sc.trace) and tl.error is not None and tl.error.kind == "memory"
    for lang, words in (("en", "ran out of machine pages"), ("de", "Maschinenseiten aus")):
        assert words in step_error_text(tl.error, lang)


@pytest.mark.parametrize("exc,kind,words", [
    (OutOfMemory("machine memory exhausted"), "memory", "ran out of machine pages"),
    (ValueError("unknown process 'p9' in VM 'VM1'"), "input", "could not run: unknown process"),
    (EngineError("the access did not complete"), "bug", "a bug in the tool"),
    (KeyError(42), "bug", "a bug in the tool"),
])
def test_each_kind_has_its_own_message(exc, kind, words):
    err = StepError.of(exc)
    assert err.kind == kind
    text = step_error_text(err, "en")
    assert words in text
    assert ("ran out of machine pages" in text) == (kind == "memory")
    assert step_error_text(exc, "en") == text  # a raw exception is classified the same way


def test_an_engine_bug_in_a_step_is_not_called_running_out_of_memory(monkeypatch):
    sc = load_scenario_text(TINY.replace('memory = "128KiB"', 'memory = "8MiB"'), "tiny")
    tl = Timeline(sc.config, Mode.SHADOW, sc.trace)
    assert tl.error is None

    def broken(self, op, index=None):
        raise IndexError("list index out of range")
    monkeypatch.setattr(Machine, "execute", broken)
    with pytest.raises(StepError) as info:
        tl.state_at(5)
    assert info.value.kind == "bug"
    text = step_error_text(info.value, "de")
    assert "Fehler des Werkzeugs" in text and "IndexError" in text and "Maschinenseiten" not in text
