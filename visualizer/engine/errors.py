"""The engine's error types: bad input (its messages name the field or line at fault) and the
engine breaking a rule of its own (a bug, which must never be told as anything else)."""
from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file or value is invalid; the message names the field or line at fault."""


class TraceError(ScenarioError):
    """A trace file is invalid; the message names the line and field at fault."""


class EngineError(RuntimeError):
    """The engine broke one of its own rules (a bug, not bad input); the message says what happened."""
