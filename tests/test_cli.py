"""The command line: listing, running (summary, JSON, CSV), dumping images, and bad input."""
from __future__ import annotations

import csv
import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from visualizer.cli import main
from visualizer.engine import Mode, builtin, builtin_names


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stderr
    sys.stderr = err
    try:
        code = main(list(argv), out=out)
    finally:
        sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_scenarios_lists_every_builtin():
    code, out, _ = run_cli("scenarios")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == builtin_names()
    assert "esxi-figure" in listed


def test_run_json_has_the_counters_and_matches_the_engine():
    code, out, _ = run_cli("run", "esxi-figure", "--mode", "nested", "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "vm_exits", "guest_faults", "cycles"):
        assert isinstance(d[key], int)
    s = builtin("esxi-figure")
    m = s.machine(Mode.NESTED)
    m.run_bulk(s.trace)
    assert d["accesses"] == m.totals().accesses == sum(1 for op in s.trace.ops() if op.kind.value in ("read", "write", "exec"))
    assert d["walk_refs"] == m.totals().walk_refs
    assert d["mode"] == "nested"
    assert d["vm_exits_by_reason"] and set(d["vm_exits_by_reason"]) == {"ept-violation"}


def test_run_summary_names_modes_and_vms():
    code, out, _ = run_cli("run", "esxi-figure", "--mode", "shadow")
    assert code == 0
    assert "mode shadow" in out
    assert any(line.startswith("VM1") for line in out.splitlines())
    assert any(line.startswith("total") for line in out.splitlines())
    assert "hidden-fault" in out


def test_run_csv_rows(tmp_path: Path):
    path = tmp_path / "steps.csv"
    code, _, _ = run_cli("run", "esxi-figure", "--csv", str(path))
    assert code == 0
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0])[:12] == ["step", "vm", "process", "op", "gva", "gpa", "ma", "tlb", "fault",
                                  "walk_refs", "vm_exits", "cycles"]
    assert len(rows) == len(builtin("esxi-figure").trace)
    first = rows[0]
    assert first["op"] == "write" and first["gva"] == "0x400000"
    assert first["gpa"].startswith("0x") and first["ma"].startswith("0x")
    assert first["tlb"] == "miss" and "guest-pf" in first["fault"]
    share = next(r for r in rows if r["op"] == "share")
    assert share["gva"] == "0x401000" and share["gpa"] == "" and share["tlb"] == ""
    assert int(rows[4]["walk_refs"]) >= 0


@pytest.mark.parametrize("mode", ["shadow", "nested"])
def test_csv_value_is_what_each_write_stored_and_each_read_returned_under_reclamation(tmp_path: Path, mode):
    """overcommit shares, balloons (the guest pages out), compresses and swaps pages between the
    writes and the reads: each read's value is still the last value written to its page (an
    8-byte word at the page's start; 0x0 where never written), each write's the value it stored,
    and only accesses have one."""
    path = tmp_path / "steps.csv"
    assert run_cli("run", "overcommit", "--mode", mode, "--csv", str(path))[0] == 0
    rows = list(csv.DictReader(path.open()))
    ops = list(builtin("overcommit").trace.ops())
    last: dict[tuple[str, str], str] = {}
    reads = 0
    for row, op in zip(rows, ops, strict=True):
        key = (row["vm"], row["gva"])
        if row["op"] == "write":
            assert row["value"] == f"0x{op.value:x}", row
            last[key] = row["value"]
        elif row["op"] == "read":
            assert row["value"] == last.get(key, "0x0"), row
            reads += 1
        else:
            assert row["value"] == "", row
    assert reads >= 20 and any(v != "0x0" for v in last.values())


def test_run_json_per_vm_pages_count_every_guest_physical_page_once():
    code, out, _ = run_cli("run", "overcommit", "--mode", "nested", "--json")
    assert code == 0
    d = json.loads(out)
    s = builtin("overcommit")
    m = s.machine(Mode.NESTED)
    m.run_bulk(s.trace)
    states = ("private", "shared", "ballooned", "compressed", "swapped", "unbacked")
    for vm in s.config.vms:
        pages = d["per_vm"][vm.name]["pages"]
        assert set(pages) == set(states) | {"guest_swapped"}
        assert sum(pages[k] for k in states) == vm.pages
        assert pages == m.views.page_counts(vm.name)
    seen = {k for vm in d["per_vm"].values() for k, n in vm["pages"].items() if n}
    assert {"shared", "ballooned", "compressed", "swapped", "guest_swapped"} <= seen  # every technique once


def _walk(image: bytes, root: int, va: int, ept: bool = False) -> int | None:
    """A deliberately independent 4-level walker over a raw image (struct, not the engine)."""
    table = root & 0x000FFFFFFFFFF000
    for shift in (39, 30, 21, 12):
        off = table + ((va >> shift) & 0x1FF) * 8
        (e,) = struct.unpack_from("<Q", image, off)
        if not (e & 7 if ept else e & 1):
            return None
        table = e & 0x000FFFFFFFFFF000
    return table | (va & 0xFFF)


@pytest.mark.parametrize("mode", ["shadow", "nested"])
def test_dump_images_can_be_rewalked(tmp_path: Path, mode: str):
    code, out, err = run_cli("dump", "esxi-figure", "--mode", mode, "--steps", "8", "--vm", "VM1", "--out", str(tmp_path))
    assert code == 0, err
    roots = json.loads((tmp_path / "roots.json").read_text())
    guest = (tmp_path / "guest.bin").read_bytes()
    machine = (tmp_path / "machine.bin").read_bytes()
    assert len(guest) == roots["guest_memory_bytes"] and len(machine) == roots["machine_memory_bytes"]
    s = builtin("esxi-figure")
    m = s.machine(Mode(mode))
    for i in range(8):
        m.execute(s.trace[i], i)
    for gva in (0x400000, 0x401000, 0x400123, 0x402000):
        gpa = _walk(guest, roots["guest_cr3"], gva)
        assert gpa == m.views.guest_translate("VM1", "p1", gva)
        if mode == "nested" and gpa is not None:
            assert _walk(machine, roots["ept_root"], gpa, ept=True) == m.views.gpa_to_ma("VM1", gpa)
    if mode == "shadow":
        assert roots["ept_root"] is None
        present = 0
        for gva in (0x400000, 0x401000, 0x400abc):
            ma = _walk(machine, roots["shadow_root"], gva)
            if ma is not None:  # a shadow entry, where present, is pmap ∘ guest tables
                present += 1
                assert ma == m.views.gpa_to_ma("VM1", m.views.guest_translate("VM1", "p1", gva))
        assert present >= 1
    else:
        assert roots["shadow_root"] is None


@pytest.mark.parametrize("argv, needle", [
    (["run", "no-such-scenario"], "no built-in scenario or file 'no-such-scenario'"),
    (["run", "esxi-figure", "--mode", "turbo"], "'turbo' is not a mode"),
    (["run", "/nonexistent/x.toml"], "cannot read scenario file"),
    (["dump", "esxi-figure", "--mode", "nested", "--vm", "VM9", "--out", "/tmp/x"], "no VM named 'VM9'"),
    (["dump", "esxi-figure", "--mode", "nested", "--vm", "VM1", "--steps", "999", "--out", "/tmp/x"], "only 14 operations"),
    (["dump", "esxi-figure", "--mode", "nested", "--vm", "VM1", "--steps", "-3", "--out", "/tmp/x"], "must not be negative"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
])
def test_bad_input_is_one_line_exit_2(argv, needle):
    code, out, err = run_cli(*argv)
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert "Traceback" not in err


def test_bad_scenario_file_names_the_field(tmp_path: Path):
    p = tmp_path / "bad.toml"
    p.write_text('[[vm]]\nname = "A"\nmemory = "64KiB"\n[[trace]]\nop = "read"\nvm = "A"\ngva = "0xffff800000000000"\n')
    code, _, err = run_cli("run", str(p))
    assert code == 2 and "trace[0].gva" in err and "canonical user address" in err
    p.write_text("[[vm]\nname = 3\n")
    code, _, err = run_cli("run", str(p))
    assert code == 2 and "not valid TOML" in err and "line 1" in err


def test_module_entry_point_runs_as_a_process():
    r = subprocess.run([sys.executable, "-m", "visualizer", "run", "nope"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "visualizer", "scenarios"], capture_output=True, text=True)
    assert r.returncode == 0 and "esxi-figure" in r.stdout
