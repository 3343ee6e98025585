"""Reading a diagram's DOT text back: page node ids, their classes, edges by class (test helpers)."""
from __future__ import annotations

import re


def node_ids(dot_text: str) -> list[str]:
    """The page node ids in a diagram (gva-, gpa-, ma-), in the order they are declared."""
    return re.findall(r'^\s*"((?:gva|gpa|ma)-[^"]+)" \[id=', dot_text, flags=re.M)


def node_classes(dot_text: str) -> dict[str, set[str]]:
    """Page node id → its classes."""
    out = {}
    for m in re.finditer(r'^\s*"((?:gva|gpa|ma)-[^"]+)" \[id=.*?class="([^"]*)"', dot_text, flags=re.M):
        out[m.group(1)] = set(m.group(2).split())
    return out


def edges_of(dot_text: str, cls: str) -> list[tuple[str, str]]:
    """(tail, head) of the edges whose class contains ``cls``."""
    out = []
    for m in re.finditer(r'^\s*"([^"]+)" -> "([^"]+)" \[class="([^"]*)"', dot_text, flags=re.M):
        if cls in m.group(3).split():
            out.append((m.group(1), m.group(2)))
    return out
