"""The command line's trace commands: ``run --trace``, ``compare --trace`` and ``record`` (see README,
"Real programs").

Trace files are read in blocks (:class:`~visualizer.engine.tracefile.TraceSource`): a trace of a
hundred million operations runs in bounded memory. ``compare`` runs the three modes as tasks of
an executor — local worker processes by default, a dask.distributed cluster with ``--scheduler``
— and shows a progress bar on a terminal.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from .engine import Mode, resolve
from .engine.errors import TraceError

COUNTER_COLUMNS = ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "vmm_walk_refs", "vm_exits", "guest_faults",
                   "cycles")
VALGRIND_HINT = ("Valgrind is not installed here. Install it — Debian or Ubuntu: sudo apt-get install valgrind; "
                 "Fedora: sudo dnf install valgrind; Arch: sudo pacman -S valgrind (Linux on x86-64 or ARM64; "
                 "not macOS on Apple silicon) — or record elsewhere with: valgrind --tool=lackey --trace-mem=yes "
                 "--log-file=PROGRAM.lackey PROGRAM ARGS, then gzip PROGRAM.lackey")


class Bar:
    """A progress bar on standard error when it is a terminal (nothing otherwise)."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.on = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.width = width
        self.last = 0.0
        self.t0 = time.monotonic()

    def __call__(self, fraction: float, what: str = "") -> None:
        if not self.on:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and fraction < 1.0:
            return
        self.last = now
        fraction = max(0.0, min(1.0, fraction))
        n = int(round(fraction * self.width))
        text = f"\r[{'#' * n}{'.' * (self.width - n)}] {fraction:4.0%} {now - self.t0:5.1f} s  {what}"[:120]
        self.stream.write(text.ljust(100))
        self.stream.flush()

    def done(self) -> None:
        if self.on:
            self.stream.write("\r" + " " * 120 + "\r")
            self.stream.flush()


# -- arguments ---------------------------------------------------------------------------------
def _whole(value: str, least: int) -> int:
    s = value.strip().replace("_", "").replace(",", "")
    if not s.isascii() or not s.isdigit() or len(s) > 15:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number")
    n = int(s)
    if n < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}")
    return n


def every(value: str) -> int:
    return _whole(value, 1)


def window(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*([\d_,]+)\s*:\s*([\d_,]+)\s*", value)
    if not m:
        raise argparse.ArgumentTypeError(f"'{value}' is not START:COUNT (e.g. 1000000:500000)")
    return _whole(m.group(1), 0), _whole(m.group(2), 1)


def workers(value: str) -> int:
    return _whole(value, 0)


def scheduler(value: str) -> str:
    if not re.fullmatch(r"(tcp|tls|inproc|ws|wss)://[^\s]+", value.strip()):
        raise argparse.ArgumentTypeError(f"'{value}' is not a scheduler address (tcp://HOST:PORT)")
    return value.strip()


def add_sampling(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("sampling (optional: the result says so)")
    g.add_argument("--every", type=every, default=1, metavar="N",
                   help="simulate every Nth access only (other operations all)")
    g.add_argument("--window", type=window, default=None, metavar="START:COUNT",
                   help="simulate operations START to START+COUNT only (the machine starts cold there)")


def _sample(args):
    from .engine.tracefile import Sample
    start, count = args.window if args.window else (0, None)
    return Sample(args.every, start, count)


def _is_scenario_file(path: str) -> bool:
    return path.lower().endswith((".toml", ".toml.gz"))


def open_source(path: str, base_name: Optional[str], sample, bar: Optional[Bar] = None):
    """The TraceSource of ``path`` (on the base scenario's machine, if named)."""
    from .engine.tracefile import TraceSource
    base = resolve(base_name) if base_name else None
    report = None
    if bar is not None and bar.on:
        def report(ops):
            bar(0.0, f"reading {Path(path).name}: {ops:,} operations")
    return TraceSource(path, base=base, sample=sample, progress=report)


def scenario_name(path: str) -> str:
    return re.sub(r"(\.lackey|\.csv|\.txt|\.log)?(\.gz|\.zst)?$", "", Path(path).name, flags=re.I) or "trace"


# -- run --trace ---------------------------------------------------------------------------------
def cmd_run_trace(args, out, usage_error, summary) -> Optional[int]:
    """``run --trace FILE``, streamed. None where the file is a scenario (the caller runs it whole)."""
    if _is_scenario_file(args.trace):
        if args.every != 1 or args.window:
            raise usage_error("--every and --window sample trace files, not scenario files")
        return None
    from .engine.machine import Machine
    bar = Bar()
    try:
        src = open_source(args.trace, args.scenario, _sample(args), bar)
    except TraceError as exc:
        if "scenario file (TOML)" in str(exc):
            return None
        raise
    mode = args.mode or (resolve(args.scenario).mode if args.scenario else Mode.SHADOW)
    name = resolve(args.scenario).name if args.scenario else scenario_name(args.trace)
    machine = Machine(src.config, mode)
    if args.csv:
        fields = ["step", "vm", "process", "op", "gva", "gpa", "ma", "tlb", "fault", "walk_refs", "vm_exits", "cycles",
                  "vmm_walk_refs"]
        try:
            f = open(args.csv, "w", newline="", encoding="utf-8")
        except OSError as exc:
            raise usage_error(f"cannot write CSV file '{args.csv}': {exc.strerror}") from None
        hexa = (lambda v: "" if v is None else f"0x{v:x}")
        try:
            with f:
                w = csv.writer(f)
                w.writerow(fields)
                i = 0
                for chunk in src.chunks():
                    for k in range(len(chunk)):
                        op = chunk[k]
                        st = machine.execute(op, i)
                        w.writerow([i, op.vm, op.process or "", op.kind.value, hexa(op.gva), hexa(st.gpa),
                                    hexa(st.ma), st.tlb, st.fault, st.walk_refs, st.vm_exits, st.cycles,
                                    st.vmm_walk_refs])
                        i += 1
                    bar(i / src.operations, mode.value)
        except OSError as exc:
            raise usage_error(f"cannot write CSV file '{args.csv}': {exc.strerror or exc}") from None
    else:
        done = 0
        for chunk in src.chunks():
            machine.run_bulk(chunk)
            done += len(chunk)
            bar(done / src.operations, mode.value)
    bar.done()
    note = src.sample.describe()
    if args.json:
        d = machine.totals().as_dict()
        d.update({"scenario": name, "mode": mode.value,
                  "per_vm": {n: c.as_dict() for n, c in machine.counters.items()}})
        if src.sample.active:
            d["sample"] = dict(src.sample.as_dict(), operations_in_trace=src.total_operations, note=note)
        out.write(json.dumps(d, indent=None) + "\n")
    else:
        out.write(f"scenario {name}, mode {mode.value}, {src.operations} operations, seed {src.config.seed}\n")
        if note:
            out.write(f"{note} — {src.operations:,} of {src.total_operations:,} operations\n")
        summary(machine, out)
    return 0


# -- compare --trace -----------------------------------------------------------------------------
def executor_for(args):
    """The executor of ``compare``: a dask cluster (``--scheduler``), local worker processes
    (``--workers N``, default one per core, at most 3), or none (``--workers 0``: this process)."""
    from . import executor as X
    if args.scheduler:
        try:
            return X.dask_executor(args.scheduler)
        except X.JobError as exc:
            raise TraceError(str(exc)) from None
    n = args.workers if args.workers is not None else max(1, min(3 * len(args.trace), X._cores()))
    if n == 0:
        return None
    # the command line's own machine: workers at normal priority, memory bounded by the machine
    return X.LocalExecutor(max_workers=n, memory_limit=1 << 42, nice=0)


def machine_config(src, machine: Optional[str], design: str):
    """The machine a source runs on: today's or the bare one (:data:`~.engine.compare.MACHINES`)
    on top of its own; None: its own as it is (a base scenario's)."""
    from .engine import compare as C
    if machine is None:
        return src.config
    settings = C.Settings(**C.MACHINES[machine], design=design)
    return C.with_large_page_room(settings.apply(src.config), src.stats)


def cmd_compare(args, out, usage_error) -> int:
    from .engine import compare as C
    from .engine import tracefile as F
    for path in args.trace:
        if _is_scenario_file(path):
            raise usage_error(f"--trace {path}: compare takes trace files (CSV or lackey); run a scenario with "
                              f"'run SCENARIO --mode M'")
    bar = Bar()
    sample = _sample(args)
    if args.machine is None and not args.base:
        args.machine = "today"
    sources = [open_source(p, args.base, sample, bar) for p in args.trace]
    runs = [(machine_config(s, args.machine, args.design), s) for s in sources]
    ex = executor_for(args)
    t0 = time.perf_counter()
    try:
        cmps = F.compare(runs, C.MODES, executor=ex, progress=bar)
    except KeyboardInterrupt:  # Ctrl-C: the executor has stopped its workers
        raise usage_error("interrupted: the runs were stopped") from None
    finally:
        bar.done()
        if ex is not None and hasattr(ex, "shutdown"):
            ex.shutdown()
    seconds = time.perf_counter() - t0
    results = {}
    for path, src, cmp in zip(args.trace, sources, cmps, strict=True):
        per = {}
        for mode in C.MODES:
            r = cmp[mode]
            d = dict(r.counters)
            d.update({"scenario": resolve(args.base).name if args.base else scenario_name(path), "mode": mode.value,
                      "machine": args.machine or args.base, "design": cmp.design, "per_vm": r.per_vm})
            if src.sample.active:
                d["sample"] = dict(src.sample.as_dict(), operations_in_trace=src.total_operations,
                                   note=src.sample.describe())
            per[mode.value] = d
        results[path] = (src, cmp, per)
    if args.csv:
        try:
            with open(args.csv, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["trace", "mode", *COUNTER_COLUMNS, "cycles_per_access", "operations", "machine", "design",
                            "sample"])
                for path, (src, _, per) in results.items():
                    for mode, d in per.items():
                        cpa = d["cycles"] / d["accesses"] if d["accesses"] else 0.0
                        w.writerow([path, mode, *(d[c] for c in COUNTER_COLUMNS), f"{cpa:.3f}", d["operations"],
                                    d["machine"], d["design"], src.sample.describe()])
        except OSError as exc:
            raise usage_error(f"cannot write CSV file '{args.csv}': {exc.strerror or exc}") from None
    if args.json:
        doc = next(iter(results.values()))[2] if len(results) == 1 else {p: r[2] for p, r in results.items()}
        out.write(json.dumps(doc) + "\n")
        return 0
    for src, cmp, per in results.values():
        caches = {"today": f"{args.design} MMU caches, 2 MiB EPT backing", "bare": "no MMU caches, 4 KiB backing",
                  None: "as the scenario has it"}
        out.write(f"{src.describe()} Machine: {args.machine or args.base} ({caches[args.machine]}).\n")
        out.write(f"{'mode':8}" + "".join(f"{c:>14}" for c in COUNTER_COLUMNS) + f"{'cycles/access':>15}\n")
        for mode, d in per.items():
            cpa = d["cycles"] / d["accesses"] if d["accesses"] else 0.0
            out.write(f"{mode:8}" + "".join(f"{d[c]:>14}" for c in COUNTER_COLUMNS) + f"{cpa:>15.1f}\n")
        out.write(C.explain(cmp).summary() + "\n")
        if src.sample.active:
            out.write(f"Note: {src.sample.describe()} — {src.operations:,} of {src.total_operations:,} operations.\n")
        out.write("\n")
    where = f"the cluster at {args.scheduler}" if args.scheduler else \
        ("this process" if ex is None else f"{ex.max_workers} worker process{'es' if ex.max_workers > 1 else ''}")
    sys.stderr.write(f"{len(results) * len(C.MODES)} runs in {seconds:.1f} s on {where}\n")
    return 0


# -- record ---------------------------------------------------------------------------------------
def valgrind() -> Optional[str]:
    return shutil.which("valgrind")


def cmd_record(args, out, usage_error) -> int:
    command = list(args.program)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise usage_error("give the program to record after --, e.g. record -- gzip -c README.md")
    vg = valgrind()
    if vg is None:
        raise usage_error(VALGRIND_HINT)
    target = Path(args.output) if args.output else Path(f"{Path(command[0]).name}.lackey.gz")
    read_fd, write_fd = os.pipe()
    try:
        fh = gzip.open(target, "wb", compresslevel=6)
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        raise usage_error(f"cannot write '{target}': {exc.strerror or exc}") from None
    argv = [vg, "--tool=lackey", "--trace-mem=yes", f"--log-fd={write_fd}", *command]
    started = time.perf_counter()
    try:
        quiet = subprocess.DEVNULL if args.quiet_program else None
        proc = subprocess.Popen(argv, pass_fds=(write_fd,), stdin=subprocess.DEVNULL if args.no_stdin else None,
                                stdout=quiet, stderr=quiet)
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        fh.close()
        raise usage_error(f"cannot start valgrind: {exc.strerror or exc}") from None
    os.close(write_fd)
    size = 0
    try:
        with fh, os.fdopen(read_fd, "rb", buffering=0) as pipe:
            while True:
                part = pipe.read(1 << 20)
                if not part:
                    break
                size += len(part)
                fh.write(part)
    except KeyboardInterrupt:
        proc.kill()
        proc.wait()
        raise
    except OSError as exc:
        proc.kill()
        proc.wait()
        raise usage_error(f"cannot write '{target}': {exc.strerror or exc}") from None
    code = proc.wait()
    seconds = time.perf_counter() - started
    if size == 0:
        raise usage_error(f"valgrind wrote no trace (exit {code}): is '{command[0]}' a program?")
    note = "" if code == 0 else f"; the program exited with status {code}"
    out.write(f"wrote {target} ({size / 1e6:,.1f} MB of lackey text, {target.stat().st_size / 1e6:,.1f} MB gzipped, "
              f"in {seconds:.1f} s{note})\n")
    out.write(f"compare the modes on it: python -m visualizer compare --trace {target}\n")
    return 0


def add_parsers(sub, mode_type, base_help: str = argparse.SUPPRESS) -> None:
    from .engine.ops import DESIGNS
    c = sub.add_parser("compare", help="a trace in native, shadow and nested mode (counters of each)",
                       description="Run a trace file (CSV or Valgrind lackey; gzip or zstd) in native, shadow and "
                                   "nested mode on one machine — today's (MMU caches, 2 MiB EPT backing) or the bare "
                                   "one — and print each mode's counters. Several --trace options compare several "
                                   "traces. The runs are tasks of local worker processes, or of a dask.distributed "
                                   "cluster with --scheduler.")
    c.add_argument("--trace", action="append", required=True, metavar="FILE", help="trace file (repeatable)")
    c.add_argument("--scenario", dest="base", metavar="BASE",
                   help="run on this scenario's machine (a built-in name or a scenario file)")
    c.add_argument("--machine", choices=("today", "bare"), default=None,
                   help="today: the MMU caches of the design and 2 MiB EPT backing (the default without "
                        "--scenario); bare: neither. With --scenario: the scenario's machine unless given")
    c.add_argument("--design", choices=DESIGNS, default="intel", help="whose MMU caches (default intel)")
    c.add_argument("--json", action="store_true", help='print {"native": {...}, "shadow": {...}, "nested": {...}}')
    c.add_argument("--csv", metavar="FILE", help="write one row per trace and mode")
    c.add_argument("--workers", type=workers, default=None, metavar="N",
                   help="worker processes (default: one per core, at most 3 per trace; 0: this process)")
    c.add_argument("--scheduler", type=scheduler, default=None, metavar="tcp://HOST:PORT",
                   help="run on a dask.distributed cluster (pip install 'esxi-memory-visualizer[cluster]')")
    add_sampling(c)
    c.set_defaults(scenario=None)
    r = sub.add_parser("record", help="record a program's memory accesses with Valgrind lackey",
                       description="Run PROGRAM under Valgrind's lackey tool and write its memory accesses as a "
                                   "gzipped lackey trace for --trace (valgrind must be installed).")
    r.add_argument("-o", "--output", metavar="FILE", help="the trace to write (default PROGRAM.lackey.gz)")
    r.add_argument("--no-stdin", action="store_true", help="give the program no standard input")
    r.add_argument("--quiet-program", action="store_true", help="drop the program's own output")
    r.add_argument("program", nargs=argparse.REMAINDER, metavar="-- PROGRAM ARGS")
    r.set_defaults(scenario=None)
