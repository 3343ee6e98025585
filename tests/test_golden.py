"""What the tool shows for every built-in scenario, in every mode, stays as recorded in
``tests/golden/`` (per-step CSV, JSON summary, narration EN/DE, diagram DOT). A change that alters
it on purpose rewrites the files with ``python tests/golden_outputs.py`` and says why."""
from __future__ import annotations

import difflib

import pytest

from golden_outputs import GOLDEN, MODES, outputs
from visualizer.engine import builtin_names


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m.value)
def test_outputs_match_golden(name, mode):
    for ext, text in outputs(name, mode).items():
        path = GOLDEN / f"{name}-{mode.value}.{ext}"
        want = path.read_text()
        if text != want:
            diff = "".join(list(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                     str(path), "now", n=1))[:40])
            pytest.fail(f"{path.name} differs from the golden output:\n{diff}")
