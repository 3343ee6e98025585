"""Every command and every output of the command line: an output that cannot be written is one
line on standard error and exit status 2 (issue 20), never a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FULL = "/dev/full"
pytestmark = pytest.mark.skipif(not os.path.exists(FULL), reason="needs /dev/full (a device that takes nothing)")


def run(args: list[str], stdout) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "visualizer", *args], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120)


@pytest.mark.parametrize("args, stdout, words", [
    (["scenarios"], "full", "cannot write the output: No space left on device"),
    (["run", "esxi-figure"], "full", "cannot write the output"),
    (["run", "esxi-figure", "--json"], "full", "cannot write the output"),
    (["run", "esxi-figure", "--csv", FULL], "null", f"cannot write CSV file '{FULL}': No space left on device"),
    (["exercises", "--count", "1"], "full", "cannot write the output"),
    (["exercises", "--count", "1", "--json"], "full", "cannot write the output"),
    (["exercises", "--count", "1", "--html", FULL], "null", f"cannot write HTML file '{FULL}'"),
    (["dump", "esxi-figure", "--mode", "shadow", "--vm", "VM1", "--out", FULL + "/x"], "null", "cannot write to"),
    (["dump", "esxi-figure", "--mode", "shadow", "--vm", "VM1", "--out", "{tmp}"], "full", "cannot write the output"),
    (["scenarios"], "closed", "standard output is closed"),
])
def test_an_unwritable_output_is_one_line_and_status_2(tmp_path, args, stdout, words):
    args = [a.replace("{tmp}", str(tmp_path / "dump")) for a in args]
    if stdout == "closed":
        p = subprocess.run([sys.executable, "-c", "import os, runpy, sys; os.close(1); sys.stdout = None; "
                            "sys.argv = ['visualizer', *sys.argv[1:]]; runpy.run_module('visualizer', run_name='__main__')",
                            *args], cwd=ROOT, stderr=subprocess.PIPE, text=True, timeout=120)
    else:
        with open(FULL if stdout == "full" else os.devnull, "w") as out:
            p = run(args, out)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], p.stderr


def test_a_reader_that_stops_early_is_no_error():
    p = subprocess.Popen([sys.executable, "-m", "visualizer", "exercises", "--count", "40", "--json"], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(120) == 0 and "Traceback" not in err and "Exception" not in err, err
