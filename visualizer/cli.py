"""Command line: ``python -m visualizer scenarios | run | compare | record | dump | exercises | export | serve``
(see README)."""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import Optional

import numpy as np

from .engine import Mode, OutOfMemory, ScenarioError, builtin, builtin_names, resolve


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2, no usage dump
        raise UsageError(message)


def _mode(value: str) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a mode (shadow, nested or native)") from None


def _steps(value: str) -> int:
    try:
        if not value.strip().isascii() or len(value) > 20:  # int() takes "²" and "١٢"; a step count does not
            raise ValueError
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return n


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _hex(v: Optional[int]) -> str:
    return "" if v is None else f"0x{v:x}"


def _load(args):
    if getattr(args, "trace", None):
        from .engine import inputs
        base = resolve(args.scenario) if args.scenario else None
        return inputs.scenario_with_trace(base, args.trace)
    if not args.scenario:
        raise UsageError("give a SCENARIO (a built-in name or a file), or --trace FILE")
    return resolve(args.scenario)


def cmd_scenarios(args, out) -> int:
    for name in builtin_names():
        s = builtin(name)
        first = s.description.split(". ")[0].strip().rstrip(".")
        out.write(f"{name:20} {s.mode.value:7} {len(s.config.vms)} VM  {len(s.trace):>7} ops  {first}.\n")
    return 0


def _summary(machine, out) -> None:
    cols = ("accesses", "tlb_hits", "tlb_misses", "walk_refs", "vmm_walk_refs", "vm_exits", "guest_faults", "cycles")
    rows = [(name, c.as_dict()) for name, c in machine.counters.items()] + [("total", machine.totals().as_dict())]
    out.write(f"{'vm':8}" + "".join(f"{c:>14}" for c in cols) + f"{'cycles/access':>15}\n")
    for name, d in rows:
        per = d["cycles"] / d["accesses"] if d["accesses"] else 0.0
        out.write(f"{name:8}" + "".join(f"{d[c]:>14}" for c in cols) + f"{per:>15.1f}\n")
    exits = machine.totals().vm_exits
    if exits:
        out.write("VM exits by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(exits.items())) + "\n")


def cmd_run(args, out) -> int:
    if not args.trace and (args.every != 1 or args.window):
        raise UsageError("--every and --window sample a trace file: give --trace FILE")
    if args.trace:  # a trace file is read in blocks, never whole (cli_traces)
        from . import cli_traces
        code = cli_traces.cmd_run_trace(args, out, UsageError, _summary)
        if code is not None:
            return code
    scenario = _load(args)
    mode = args.mode or scenario.mode
    machine = scenario.machine(mode)
    trace = scenario.trace
    if args.csv:
        fields = ["step", "vm", "process", "op", "gva", "gpa", "ma", "tlb", "fault", "walk_refs", "vm_exits", "cycles",
                  "vmm_walk_refs", "value"]
        try:
            f = open(args.csv, "w", newline="", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write CSV file '{args.csv}': {exc.strerror}") from None
        try:
            with f:
                w = csv.writer(f)
                w.writerow(fields)
                for i in range(len(trace)):
                    op = trace[i]
                    st = machine.execute(op, i)
                    w.writerow([i, op.vm, op.process or "", op.kind.value, _hex(op.gva), _hex(st.gpa), _hex(st.ma),
                                st.tlb, st.fault, st.walk_refs, st.vm_exits, st.cycles,
                                st.vmm_walk_refs, _hex(st.value)])  # the 8 bytes a read returned or a write stored
        except OSError as exc:  # a full disk, a device that takes nothing (/dev/full)
            raise UsageError(f"cannot write CSV file '{args.csv}': {exc.strerror or exc}") from None
    else:
        machine.run_bulk(trace)
    if args.json:
        d = machine.totals().as_dict()
        d.update({"scenario": scenario.name, "mode": mode.value,
                  "per_vm": {n: {**c.as_dict(), "pages": machine.views.page_counts(n)}
                             for n, c in machine.counters.items()}})
        out.write(json.dumps(d, indent=None) + "\n")
    else:
        out.write(f"scenario {scenario.name}, mode {mode.value}, {len(trace)} operations, seed {scenario.config.seed}\n")
        _summary(machine, out)
    return 0


def cmd_dump(args, out) -> int:
    scenario = _load(args)
    machine = scenario.machine(args.mode)
    n = len(scenario.trace) if args.steps is None else args.steps
    if n > len(scenario.trace):
        raise UsageError(f"--steps {n}: the scenario has only {len(scenario.trace)} operations")
    if args.vm not in machine.vms:
        raise UsageError(f"--vm: no VM named '{args.vm}' (VMs: {', '.join(machine.vms)})")
    vm = machine.vms[args.vm]
    for i in range(n):
        machine.execute(scenario.trace[i], i)
    proc_name = args.process or vm.guest.current.name
    if proc_name not in vm.guest.processes:
        raise UsageError(f"--process: VM '{args.vm}' has no process '{proc_name}' "
                         f"(processes: {', '.join(vm.guest.processes)})")
    proc = vm.guest.processes[proc_name]
    outdir = Path(args.out)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        machine.views.guest_image(args.vm).tofile(outdir / "guest.bin")
        np.asarray(machine.mem.image).tofile(outdir / "machine.bin")
        shadow_root = None
        if machine.shadow is not None:
            # the process's shadow root if the VMM has one cached (looking must not build one)
            root = machine.shadow.roots.get(args.vm, {}).get(proc.root_gppn)
            shadow_root = None if root is None else root << 12
        roots = {"scenario": scenario.name, "mode": args.mode.value, "steps": n, "vm": args.vm,
                 "process": proc_name, "guest_cr3": proc.cr3,
                 "shadow_root": shadow_root,
                 "ept_root": (vm.ept_root << 12) if vm.ept_root is not None else None,
                 "guest_memory_bytes": vm.pmap.pages * 4096, "machine_memory_bytes": machine.mem.frames * 4096}
        (outdir / "roots.json").write_text(json.dumps(roots, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write to '{outdir}': {exc.strerror}") from None
    out.write(f"wrote {outdir}/guest.bin, machine.bin, roots.json (after {n} steps)\n")
    return 0


def _seed(value: str) -> int:
    n = _steps(value)
    from .learn.exercises import MAX_SEED
    if n > MAX_SEED:
        raise argparse.ArgumentTypeError(f"at most {MAX_SEED}")
    return n


def _count(value: str) -> int:
    from .learn.exercises import MAX_COUNT
    n = _steps(value)
    if not 1 <= n <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{n} is not from 1 to {MAX_COUNT}")
    return n


def _lang(value: str) -> str:
    if value.strip().lower() not in ("en", "de"):
        raise argparse.ArgumentTypeError(f"'{value}' is not a language (en or de)")
    return value.strip().lower()


def cmd_exercises(args, out) -> int:
    from .learn import exercise_sheet, exercises
    try:
        kinds = exercises.parse_kinds(",".join(args.kind) if args.kind else None)
    except ValueError as exc:
        raise UsageError(f"--kind: {exc}") from None
    exs = exercises.generate(args.seed, kinds, args.count)
    if args.json:
        out.write(json.dumps([exercises.as_json(ex, args.lang) for ex in exs], ensure_ascii=False, indent=1) + "\n")
    elif args.html or args.pdf:
        kind_arg = f" --kind {','.join(kinds)}" if args.kind else ""
        command = (f"python -m visualizer exercises --seed {args.seed} --count {args.count}{kind_arg} "
                   f"--lang {args.lang}")
        text = exercise_sheet.html_sheet(exs, args.seed, args.lang, command)
        target, data = args.html or args.pdf, text.encode("utf-8")
        if args.pdf:
            from .export import PdfError, to_pdf
            try:
                data = to_pdf(text)
            except PdfError as exc:
                raise UsageError(f"--pdf: {exc}") from None
        try:
            Path(target).write_bytes(data)
        except OSError as exc:
            raise UsageError(f"cannot write {'PDF' if args.pdf else 'HTML'} file '{target}': {exc.strerror}") from None
        out.write(f"wrote {target} ({len(exs)} exercises, seed {args.seed})\n")
    else:
        out.write(exercise_sheet.text_sheet(exs, args.seed, args.lang) + "\n")
    return 0


def _view(value: str) -> str:
    if value.strip().lower() not in ("shadow", "nested", "both"):
        raise argparse.ArgumentTypeError(f"'{value}' is not a mode of the step page (shadow, nested or both)")
    return value.strip().lower()


def cmd_export(args, out) -> int:
    import time
    from . import export
    from .export.lesson import lesson_by_name
    started = time.perf_counter()
    if args.lesson:
        if args.scenario or args.trace or args.mode or args.steps or args.figure is not None:
            raise UsageError("--lesson exports a lesson as it is: no SCENARIO, --trace, --mode, --steps or --figure")
        lesson = lesson_by_name(args.lesson)
        html = export.lesson_html(lesson, args.lang)
        what = f"lesson {lesson.name}, {len(lesson.steps)} steps"
    else:
        scenario = _load(args)
        view = args.mode or (scenario.mode.value if scenario.mode in (Mode.SHADOW, Mode.NESTED) else "shadow")
        modes = [Mode.SHADOW, Mode.NESTED] if view == "both" else [Mode(view)]
        run = export.collect(scenario, modes, args.lang, args.steps, args.figure)
        html = export.presentation(run, args.handout, view, static=args.pdf)
        what = (f"{scenario.name}, steps {run.first} to {run.last} of {run.total}, "
                f"{' and '.join(m.value for m in modes)}{', figure view' if run.figure else ''}")
        if run.error:
            sys.stderr.write(f"note: the run stops early: {run.error}\n")
    data = html.encode("utf-8")
    if args.pdf:
        try:
            data = export.to_pdf(html)
        except export.PdfError as exc:
            raise UsageError(f"--pdf: {exc}") from None
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write '{args.output}': {exc.strerror}") from None
    out.write(f"wrote {args.output} ({what}; {len(data) / 1e6:.2f} MB in {time.perf_counter() - started:.1f} s)\n")
    return 0


def _replicas(value: str) -> int:
    from .serve import MAX_REPLICAS
    n = _steps(value)
    if not 1 <= n <= MAX_REPLICAS:
        raise argparse.ArgumentTypeError(f"{n} is not from 1 to {MAX_REPLICAS}")
    return n


def _port(value: str) -> int:
    n = _steps(value)
    if not 1 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{n} is not a port (1 to 65535)")
    return n


def cmd_serve(args, out) -> int:
    from .serve import serve
    try:
        return serve(args.replicas, args.address, args.port, out)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    except RuntimeError as exc:
        raise UsageError(f"could not start the servers: {exc}") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m visualizer", description="ESXi memory-virtualization engine.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("scenarios", help="list the built-in scenarios")
    r = sub.add_parser("run", help="run a scenario and print counters")
    r.add_argument("scenario", nargs="?", help="built-in name or scenario file (TOML)")
    r.add_argument("--mode", type=_mode, help="shadow, nested or native (default: the scenario's)")
    r.add_argument("--csv", metavar="FILE", help="write one row per operation")
    r.add_argument("--json", action="store_true", help="print the counters as one JSON object")
    r.add_argument("--trace", metavar="FILE", help="CSV or Valgrind lackey trace replacing the scenario's trace")
    r.add_argument("--scenario", dest="base", help=argparse.SUPPRESS)
    from . import cli_traces
    cli_traces.add_sampling(r)
    d = sub.add_parser("dump", help="write guest.bin, machine.bin and roots.json after N steps")
    d.add_argument("scenario", help="built-in name or scenario file (TOML)")
    d.add_argument("--mode", type=_mode, required=True)
    d.add_argument("--steps", type=_steps)
    d.add_argument("--vm", required=True)
    d.add_argument("--process")
    d.add_argument("--out", required=True, metavar="DIR")
    from .learn.exercises import KINDS
    x = sub.add_parser("exercises", help="seeded exercises with answers from the engine's records",
                       description="Seeded exercises, each from a small scenario the engine runs; the answer is the "
                                   "engine's record. Kinds: " + ", ".join(KINDS) + ".")
    x.add_argument("--kind", action="append", metavar="K",
                   help="exercise kind(s), comma-separated or repeated (default: all): " + ", ".join(KINDS))
    x.add_argument("--seed", type=_seed, default=0, help="the same seed gives the same exercises (default 0)")
    x.add_argument("--count", type=_count, default=10, help="how many exercises (default 10, at most 200)")
    x.add_argument("--lang", type=_lang, default="en", help="en or de (default en)")
    fmt = x.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print a JSON list of exercises with answers")
    fmt.add_argument("--html", metavar="FILE", help="write a printable A4 sheet with an answer key")
    fmt.add_argument("--pdf", metavar="FILE", help="the same sheet as PDF (needs Chromium)")
    from .export.limits import HANDOUTS, MAX_STEPS
    e = sub.add_parser("export", help="a run or a lesson as one self-contained HTML file (or its handout as PDF)",
                       description="One HTML file with everything inline (opens offline from file://): the step "
                                   "page's lecture view of a run, stepped with its keys, that prints as a handout; "
                                   "or a lesson with its questions.")
    e.add_argument("scenario", nargs="?", help="built-in name or scenario file (TOML)")
    e.add_argument("--lesson", metavar="NAME|FILE", help="export a lesson (a built-in's name or a lesson file)")
    e.add_argument("--mode", type=_view, help="shadow, nested or both (m switches in the file; default: the "
                                              "scenario's mode)")
    e.add_argument("--lang", type=_lang, default="en", help="en or de (default en)")
    e.add_argument("--steps", metavar="A-B", help=f"the steps to include (default all; at most {MAX_STEPS})")
    e.add_argument("--figure", action=argparse.BooleanOptionalAction, default=None,
                   help="the figure view: data pages only (default: where the scenario names its pages)")
    e.add_argument("--handout", choices=HANDOUTS, default="pages",
                   help="print layout: one step per page (default) or several per page")
    e.add_argument("--pdf", action="store_true", help="write the handout as PDF (needs Chromium)")
    e.add_argument("--trace", metavar="FILE", help="CSV or Valgrind lackey trace replacing the scenario's trace")
    e.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write")
    cli_traces.add_parsers(sub, _mode)
    v = sub.add_parser("serve", help="serve the app from N Streamlit replicas behind HAProxy",
                       description="Serve the app from N Streamlit processes behind HAProxy (installed separately), "
                                   "each browser kept on one replica by a cookie. Ctrl-C stops them all.")
    v.add_argument("--replicas", type=_replicas, default=2, help="Streamlit processes (default 2: one per core)")
    v.add_argument("--port", type=_port, default=8501, help="the port browsers connect to (default 8501)")
    v.add_argument("--address", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    return p


class OutputError(Exception):
    """The standard output could not be written."""


def _quiet_stdout() -> None:
    """After a failed write to standard output: what is still buffered goes nowhere (else the
    interpreter's own flush at exit fails again and prints a traceback)."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Optional[list[str]] = None, out=None) -> int:
    out = out or sys.stdout
    if out is None:  # started with standard output closed
        sys.stderr.write("error: cannot write the output: standard output is closed\n")
        return 2
    try:
        code = _main(argv, out)
        out.flush()  # buffered output fails here, not at exit
        return code
    except BrokenPipeError:  # a reader that stopped early (| head): not an error
        _quiet_stdout()
        return 0
    except OSError as exc:
        _quiet_stdout()
        sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
        return 2


def _main(argv: Optional[list[str]], out) -> int:
    try:
        args = build_parser().parse_args(argv)
        if getattr(args, "base", None):
            if args.scenario and not args.trace:
                raise UsageError("--scenario is the base for --trace; give --trace FILE too")
            args.scenario = args.base
        if args.command == "scenarios":
            return cmd_scenarios(args, out)
        if args.command == "run":
            return cmd_run(args, out)
        if args.command == "exercises":
            return cmd_exercises(args, out)
        if args.command == "export":
            return cmd_export(args, out)
        if args.command == "serve":
            return cmd_serve(args, out)
        if args.command in ("compare", "record"):
            from . import cli_traces
            if args.command == "compare":
                return cli_traces.cmd_compare(args, out, UsageError)
            return cli_traces.cmd_record(args, out, UsageError)
        return cmd_dump(args, out)
    except (UsageError, ScenarioError, OutOfMemory) as exc:
        sys.stderr.write(f"error: {_one_line(exc)}\n")
        return 2
    except (ValueError, OverflowError) as exc:  # bad input the checks above did not name
        sys.stderr.write(f"error: {_one_line(exc)}\n")
        return 2
    except (RecursionError, MemoryError) as exc:
        sys.stderr.write(f"error: the input is too large or nested too deeply ({type(exc).__name__})\n")
        return 2

