"""Test-suite configuration: a report header naming the independent MMU and the fuzzing scale."""
from __future__ import annotations

from helpers_invariants import FUZZ_SCALE


def pytest_report_header(config):
    try:
        import unicorn
        mmu = f"unicorn {unicorn.__version__} (QEMU's x86 MMU) for the cross-checks"
    except ImportError:
        mmu = "unicorn not installed: the x86 MMU cross-checks are skipped"
    return [f"engine tests: {mmu}; random sequences x{FUZZ_SCALE} (ENGINE_FUZZ_SCALE)"]
