"""Real programs at full size: trace import and whole commands.

    python benchmarks/bench_traces.py [--lines N] [--runs R] [--no-record] [--big N] [--app | --only-app]

1. **Import** of a 1,000,000-line CSV trace (the ``mix`` workload written by ``write_csv``) and of
   a lackey trace: the block parser (compiled scan and numpy; ``visualizer/engine/traceio.py``) against the
   line-by-line parser it replaced (``tests/trace_reference.py``), pandas' ``read_csv`` (then
   ``int(x, 16)`` per address) and pyarrow's CSV reader (then the hexadecimal columns with numpy),
   each in a fresh interpreter so that the import of the library is counted.
2. **Whole commands**, each a fresh process, wall-clock and peak resident memory of the largest
   process (``getrusage(RUSAGE_CHILDREN)``): ``run --trace F --mode M --json`` for native,
   shadow and nested one after another, and ``compare --trace F --json`` on today's machine
   and the bare one; and the bulk simulation alone (a run of each mode in this process, the
   trace already in memory), to say what the simulation itself costs.
3. **A real program** (where valgrind is installed): ``record -- gzip -c`` of a 17 KB text
   (≈3.8 M accesses), then ``compare --trace F --json``. ``--big N``: also a program of about
   N million accesses (``gzip -c`` of a longer text) — its memory must stay bounded.
4. **The app** (``--app``, ``--only-app``; headless Chromium): another session's clicks on the step
   page, alone and while the Compare page compares the uploaded program trace in worker processes.

The median of ``--runs`` runs is printed (min–max beside it). Figures on a shared 2-core machine
move with the load of other work: the load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load() -> str:
    try:
        return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return ""


_WRAP = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
         "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "sys.stderr.write(f'\\n@@ {r.returncode} {u.ru_utime + u.ru_stime} {u.ru_maxrss}\\n')")


def child(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, cpu s, peak KiB of its largest process) of one command run to its end (through a
    small wrapper process, so that the peak is this command's alone)."""
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _WRAP, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=ROOT)
    wall = time.perf_counter() - t0
    tail = r.stderr.decode().rstrip().rsplit("\n", 1)[-1].split()
    if r.returncode != 0 or len(tail) != 4 or tail[0] != "@@" or tail[1] != "0":
        raise SystemExit(f"{' '.join(argv)} failed: {r.stderr.decode()[-2000:]}")
    return wall, float(tail[2]), int(tail[3])


def figure(values: list[float], unit: str = "s") -> str:
    med = statistics.median(values)
    return f"{med:7.2f} {unit} ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else f"{med:7.2f} {unit}"


PARSERS = {
    "block parser (compiled scan, numpy)": """
from visualizer.engine.traceio import TraceReader
n = len(TraceReader(PATH).read().trace)""",
    "line by line (before)": """
import sys; sys.path.insert(0, 'tests')
import trace_reference as R
import gzip
raw = open(PATH, 'rb').read()
text = (gzip.decompress(raw) if raw[:2] == b'\\x1f\\x8b' else raw).decode()
n = len(R.parse_text(text, max_rows=10**9).trace)""",
    "pandas read_csv + int(x, 16)": """
import pandas as pd
df = pd.read_csv(PATH, dtype=str, keep_default_na=False)
addr = [int(a, 16) if a else 0 for a in df['address']]
n = len(addr)""",
    "pyarrow read_csv + numpy hex": """
import numpy as np, pyarrow as pa, pyarrow.csv as pcsv
t = pcsv.read_csv(PATH, convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in ('vm', 'process', 'op', 'address', 'value')}))
a = t.column('address').combine_chunks().fill_null('0x0')
a = pa.compute.utf8_lpad(pa.compute.utf8_slice_codeunits(a, 2), 16, '0')
b = np.frombuffer(a.buffers()[2], np.uint8)[:16 * len(a)].reshape(-1, 16)
lut = np.zeros(256, np.uint8); lut[48:58] = range(10); lut[97:103] = range(10, 16)
d = lut[b]; p = (d[:, 0::2] << 4) | d[:, 1::2]
v = np.ascontiguousarray(p).view('>u8').ravel()
n = len(v)""",
}


def bench_import(csv_path: Path, lackey_path: Path | None, runs: int) -> None:
    print(f"\n1. import ({load()}): fresh interpreter each, import of the library included")
    cases = [(csv_path, name, code) for name, code in PARSERS.items()]
    if lackey_path is not None:
        cases += [(lackey_path, name, code) for name, code in PARSERS.items() if "pandas" not in name and
                  "pyarrow" not in name]
    for path, name, code in cases:
        walls, cpus, peaks = [], [], []
        for _ in range(1 if "before" in name else runs):
            w, c, p = child([sys.executable, "-c", code.replace("PATH", repr(str(path)))])
            walls.append(w)
            cpus.append(c)
            peaks.append(p)
        print(f"  {path.name:22} {name:30} wall {figure(walls)}  cpu {figure(cpus)}  peak {max(peaks) / 1024:6.0f} MiB")


def bench_commands(csv_path: Path, runs: int) -> None:
    print(f"\n2. whole commands on {csv_path.name} ({load()})")
    py = sys.executable
    walls, cpus, peaks = [], [], []
    for _ in range(runs):
        tw = tc = 0.0
        peak = 0
        for mode in ("native", "shadow", "nested"):
            w, c, p = child([py, "-m", "visualizer", "run", "--trace", str(csv_path), "--mode", mode, "--json"])
            tw, tc, peak = tw + w, tc + c, max(peak, p)
        walls.append(tw)
        cpus.append(tc)
        peaks.append(peak)
    print(f"  run --trace F --mode M --json, native + shadow + nested: wall {figure(walls)}  cpu {figure(cpus)}  "
          f"peak {max(peaks) / 1024:.0f} MiB")
    for machine in ("bare", "today"):
        walls, cpus, peaks = [], [], []
        for _ in range(runs):
            w, c, p = child([py, "-m", "visualizer", "compare", "--trace", str(csv_path), "--json", "--machine",
                             machine])
            walls.append(w)
            cpus.append(c)
            peaks.append(p)
        print(f"  compare --trace F --json --machine {machine:5}: wall {figure(walls)}  cpu {figure(cpus)}  "
              f"peak {max(peaks) / 1024:.0f} MiB (largest process)")
    # the simulation alone: the trace in memory, one mode after another in this process
    from visualizer.engine import compare as C
    from visualizer.engine import tracefile as F
    src = F.TraceSource(csv_path)
    for machine in ("bare", "today"):
        cfg = C.with_large_page_room(C.Settings(**C.MACHINES[machine]).apply(src.config), src.stats)
        per = []
        for mode in C.MODES:
            t0 = time.process_time()
            F.run_mode(cfg, src, mode)
            per.append(time.process_time() - t0)
        print(f"  bulk simulation alone, {machine:5} machine: " + ", ".join(
            f"{m.value} {s:.2f} s ({src.operations / s / 1e6:.2f} M ops/s)" for m, s in zip(C.MODES, per, strict=True))
              + f" — {sum(per):.2f} s CPU in all")


def record(program_args: list[str], out: Path) -> None:
    subprocess.run([sys.executable, "-m", "visualizer", "record", "--quiet-program", "-o", str(out), "--",
                    *program_args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def bench_program(tmp: Path, runs: int, big: int) -> Path | None:
    if shutil.which("valgrind") is None:
        print("\n3. real program: skipped (valgrind is not installed)")
        return None
    text = (ROOT / "README.md").read_bytes()
    small = tmp / "in17k"
    small.write_bytes(text[:17000])
    trace = tmp / "gzip17k.lackey.gz"
    record(["gzip", "-c", str(small)], trace)
    from visualizer.engine import tracefile as F
    n = F.TraceSource(trace).operations
    print(f"\n3. real program: gzip -c of 17 KB, {n:,} operations, {trace.stat().st_size / 1e6:.1f} MB gzipped "
          f"({load()})")
    for machine in ("bare", "today"):
        walls, cpus, peaks = [], [], []
        for _ in range(runs):
            w, c, p = child([sys.executable, "-m", "visualizer", "compare", "--trace", str(trace), "--json",
                             "--machine", machine])
            walls.append(w)
            cpus.append(c)
            peaks.append(p)
        print(f"  compare --trace F --json --machine {machine:5}: wall {figure(walls)}  cpu {figure(cpus)}  "
              f"peak {max(peaks) / 1024:.0f} MiB (largest process)")
    if big:
        size = int(17000 * big / (n / 1e6))
        source = tmp / "inbig"
        source.write_bytes((text * (size // len(text) + 1))[:size])
        big_trace = tmp / "gzipbig.lackey.gz"
        t0 = time.perf_counter()
        record(["gzip", "-c", str(source)], big_trace)
        rec = time.perf_counter() - t0
        w, c, p = child([sys.executable, "-m", "visualizer", "compare", "--trace", str(big_trace), "--json",
                         "--machine", "bare"])
        nb = F.TraceSource(big_trace, keep_bytes=0).operations
        print(f"  gzip -c of {size / 1e3:.0f} KB: {nb:,} operations, {big_trace.stat().st_size / 1e6:.0f} MB gzipped "
              f"(recorded in {rec:.0f} s); compare --trace F --json --machine bare: wall {w:.1f} s, cpu {c:.1f} s, "
              f"peak {p / 1024:.0f} MiB (largest process)")
    return trace


def bench_app(trace: Path, clicks: int) -> None:
    """4. The app: another session's clicks on the step page, alone and while the Compare page runs
    a long uploaded program trace (5 runs in worker processes: three modes and two without caches)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_browser import CHROMIUM, click, start_server, stats, stop, wait_diagram
    if not os.path.exists(CHROMIUM):
        print("\n4. the app: skipped (no Chromium)")
        return
    from playwright.sync_api import sync_playwright
    proc, port = start_server()
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            stepper = b.new_page(viewport={"width": 1366, "height": 768})
            stepper.goto(f"{base}/Step_through?scenario=tlb-reach&mode=nested&step=0&lang=en")
            wait_diagram(stepper, 0)
            alone = [click(stepper, "step_forward", k) for k in range(1, clicks + 1)]
            up = b.new_page(viewport={"width": 1366, "height": 768})
            up.goto(f"{base}/Compare?lang=en")
            up.locator('[class*="st-key-_cmp-source-"] label').filter(has_text="upload").first.click()
            up.wait_for_timeout(1500)
            t0 = time.perf_counter()
            up.locator("input[type=file]").first.set_input_files(str(trace))
            up.get_by_text("Loaded", exact=False).first.wait_for(timeout=300_000)
            during = [click(stepper, "step_forward", k) for k in range(clicks + 1, 2 * clicks + 1)]
            up.wait_for_function("() => document.querySelectorAll('[data-testid=stMetric]').length >= 3",
                                 timeout=900_000)
            done = time.perf_counter() - t0
            b.close()
    finally:
        stop(proc)
    print(f"\n4. the app ({load()}): {trace.name} uploaded on the Compare page, compared (today's machine, 5 runs "
          f"in workers) {done:.1f} s after the upload")
    print(f"  another session's click → next diagram (ms), alone:        {stats(alone)}")
    print(f"  the same while the upload is compared (ms):                {stats(during)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-record", action="store_true", help="skip the real program (valgrind)")
    ap.add_argument("--big", type=int, default=0, metavar="N", help="also a program of about N million accesses")
    ap.add_argument("--app", action="store_true", help="also the app: clicks while a long upload is compared")
    ap.add_argument("--only-app", action="store_true", help="only the app (with the recorded program)")
    ap.add_argument("--clicks", type=int, default=30)
    args = ap.parse_args()
    from visualizer.engine import compare as C
    from visualizer.engine.traceio import write_csv
    from visualizer.engine.workloads import generate
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        csv_path = tmp / "mix1m.csv"
        csv_path.write_text(write_csv(generate("mix", 1, accesses=args.lines, **C.SWEEP_WORKLOAD)))
        print(f"trace {csv_path.name}: {args.lines:,} accesses, {csv_path.stat().st_size / 1e6:.1f} MB; "
              f"{os.cpu_count()} cores")
        if args.only_app:
            if shutil.which("valgrind") is None:
                raise SystemExit("--only-app needs valgrind (to record the program)")
            small = tmp / "in17k"
            small.write_bytes((ROOT / "README.md").read_bytes()[:17000])
            record(["gzip", "-c", str(small)], tmp / "gzip17k.lackey.gz")
            bench_app(tmp / "gzip17k.lackey.gz", args.clicks)
            return
        lackey = None if args.no_record else bench_program(tmp, args.runs, args.big)
        bench_import(csv_path, lackey, args.runs)
        bench_commands(csv_path, args.runs)
        if args.app and lackey is not None:
            bench_app(lackey, args.clicks)


if __name__ == "__main__":
    main()
