"""The built-in scenarios, written in the documented TOML format."""
from __future__ import annotations

from pathlib import Path

from .scenario import Scenario, ScenarioError, load_scenario_file, load_scenario_text

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))


def builtin(name: str) -> Scenario:
    path = SCENARIO_DIR / f"{name}.toml"
    if not path.is_file():
        raise ScenarioError(f"no built-in scenario '{name}' (built-ins: {', '.join(builtin_names())})")
    return load_scenario_text(path.read_text(encoding="utf-8"), name)


def resolve(name_or_path: str) -> Scenario:
    """A built-in name, or a path to a scenario file."""
    if name_or_path in builtin_names():
        return builtin(name_or_path)
    if name_or_path.endswith(".toml") or "/" in name_or_path or Path(name_or_path).is_file():
        return load_scenario_file(name_or_path)
    raise ScenarioError(f"no built-in scenario or file '{name_or_path}' (built-ins: {', '.join(builtin_names())})")
