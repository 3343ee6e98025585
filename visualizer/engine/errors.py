"""Bad input: the engine's two error types. Their messages name the field or line at fault."""
from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario file or value is invalid; the message names the field or line at fault."""


class TraceError(ScenarioError):
    """A trace file is invalid; the message names the line and field at fault."""
