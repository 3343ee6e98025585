"""Strings of learning mode: concepts (see :mod:`visualizer.learn.concepts`)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
