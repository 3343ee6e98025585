"""The layers point one way: engine ← text ← render, learn ← app ← pages. ``render`` and ``learn``
never import each other (they share the words of ``visualizer.text``), ``text`` imports neither,
and the engine imports nothing of the product's upper layers."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "visualizer"


def imported(path: Path) -> set[str]:
    """The ``visualizer.*`` modules a file imports (relative imports resolved), anywhere in it."""
    tree = ast.parse(path.read_text())
    here = ["visualizer", *path.relative_to(PKG).with_suffix("").parts]
    if here[-1] == "__init__":
        here.pop()
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("visualizer")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level] if path.name != "__init__.py" else here[:len(here) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("visualizer"):
                out.add(mod)
                out |= {f"{mod}.{a.name}" for a in node.names}
    return out


FORBIDDEN = {
    "engine": ("visualizer.text", "visualizer.render", "visualizer.learn", "visualizer.app"),
    "text": ("visualizer.render", "visualizer.learn", "visualizer.app"),
    "render": ("visualizer.learn", "visualizer.app"),
    "learn": ("visualizer.render", "visualizer.app"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer):
    bad = []
    for path in sorted((PKG / layer).rglob("*.py")):
        for mod in imported(path):
            if mod.startswith(FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(PKG)} imports {mod}")
    assert not bad, "\n".join(bad)


def test_the_checker_sees_relative_imports(tmp_path):
    # a relative import one level up from render/ is caught as visualizer.learn
    assert "visualizer.learn.questions" in imported(PKG / "learn" / "html.py") or \
        "visualizer.learn" in {m.rsplit(".", 1)[0] for m in imported(PKG / "learn" / "html.py")}
    assert any(m.startswith("visualizer.text") for m in imported(PKG / "render" / "tables.py"))
