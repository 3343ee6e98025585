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


@pytest.mark.parametrize("path", sorted([PKG.parent / "Home.py", *(PKG.parent / "pages").glob("*.py")]), ids=lambda p: p.name)
def test_a_page_file_has_no_string_statement_streamlit_would_show(path):
    """Streamlit's "magic" writes a page script's bare expressions onto the page: a string under an
    assignment, meant as its docstring, would show up as text (in English, on the German page too).
    Only the module's own docstring is left out by Streamlit."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown = []

    class Visitor(ast.NodeVisitor):
        def visit_FunctionDef(self, node):  # magic acts on the script's own statements only
            pass
        visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

        def visit_Expr(self, node):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str) and node is not tree.body[0]:
                shown.append((node.lineno, node.value.value[:60]))

    Visitor().visit(tree)
    assert shown == [], f"{path.name}: strings Streamlit would show on the page: {shown}"
