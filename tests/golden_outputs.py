"""Golden outputs of every built-in scenario in every mode: per-step CSV rows, the JSON summary,
the narration (EN/DE) and the diagram's DOT, as text. ``python tests/golden_outputs.py`` writes
them to ``tests/golden/``; ``test_golden.py`` compares. A change that alters what the tool
shows on purpose rewrites them, and its commit message says what changed and why."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from visualizer.cli import main as cli_main  # noqa: E402
from visualizer.engine import Mode, builtin, builtin_names  # noqa: E402
from visualizer.engine.events import GuestAction, GuestActionKind, PmapChange, PmapReason  # noqa: E402
from visualizer.engine.record import EpisodeKind, GuestWork  # noqa: E402
from visualizer.render import dot, figure  # noqa: E402
from visualizer.text import narrate  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "golden"
MODES = (Mode.SHADOW, Mode.NESTED, Mode.NATIVE)
DOT_STEPS_LONG = (0, 1, 2, 10, 100, 1999)
"""Steps whose DOT is kept for long traces (every step for short ones), besides those that change
a page's state other than by backing it (:func:`changes_pages`)."""


def reclaims(step) -> bool:
    """Whether a step's record holds the host's reclamation or the guest's own paging (kept in
    full for long traces too: that is where pages change state without an access)."""
    return any(e.kind is EpisodeKind.RECLAIM or e.reason in (GuestWork.PAGE_OUT, GuestWork.SWAP_IN)
               for e in step.episodes)


def changes_pages(step) -> bool:
    """Whether a step shares, swaps, balloons, compresses or brings back a page, or the guest pages
    one out or in: the diagram's new page states (kept in full for long traces too)."""
    return any((ev.__class__ is PmapChange and ev.reason is not PmapReason.BACK) or
               (ev.__class__ is GuestAction and ev.kind in (GuestActionKind.SWAP_OUT, GuestActionKind.SWAP_IN))
               for ev in step.events)


def outputs(name: str, mode: Mode) -> dict[str, str]:
    import io
    import tempfile
    s = builtin(name)
    with tempfile.TemporaryDirectory() as d:
        csv_path = Path(d) / "steps.csv"
        out = io.StringIO()
        cli_main(["run", name, "--mode", mode.value, "--csv", str(csv_path), "--json"], out)
        csv_text = csv_path.read_text()
    js = json.dumps(json.loads(out.getvalue()), indent=1, sort_keys=True) + "\n"
    m = s.machine(mode)
    long = len(s.trace) > 50
    nar: list[str] = []
    dots: list[str] = []
    for i in range(len(s.trace)):
        st = m.execute(s.trace[i], i)
        if not long or i < 20 or reclaims(st):
            for lang in ("en", "de"):
                nar.append(f"[{i} {lang}] " + " | ".join(narrate.narrate(st, lang)))
        if not long or i in DOT_STEPS_LONG or changes_pages(st):
            dots.append(f"// step {i}\n" + dot.diagram(m, figure.highlight_of(st, m), "en"))
    return {"csv": csv_text, "json": js, "narration.txt": "\n".join(nar) + "\n", "dot": "\n".join(dots)}


def all_outputs():
    for name in builtin_names():
        for mode in MODES:
            for ext, text in outputs(name, mode).items():
                yield f"{name}-{mode.value}.{ext}", text


if __name__ == "__main__":
    GOLDEN.mkdir(exist_ok=True)
    for fname, text in all_outputs():
        (GOLDEN / fname).write_text(text)
        print(fname, len(text))
