"""Strings of learning mode: exercises (see :mod:`visualizer.learn.exercises`)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
