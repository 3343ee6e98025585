"""Strings of learning mode: lessons (see :mod:`visualizer.learn.lessons`)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
