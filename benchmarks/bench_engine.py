"""Engine throughput: accesses/s per mode, step mode (full records) and bulk mode.

    python benchmarks/bench_engine.py [--accesses N] [--step-accesses N] [--ref-accesses N]

Two traces on one VM with a 64-entry, 4-way TLB:
  * TLB-friendly: a sequential scan over 512 pages, 200 bytes apart (~95% TLB hits);
  * TLB-miss-heavy: uniform random over 1,024 pages (~94% misses).
Each trace is run once to warm up (demand paging, shadow fills, EPT backing), then timed, so the
miss-heavy figures are steady-state walks: 4 references per miss natively and in shadow mode, 24
in nested mode. "walks/s" counts TLB misses per second with every walk reference recorded.

Paths: "step" executes every operation with its full record; "bulk" is the bulk path with the
compiled kernel (``visualizer/engine/_kernel.c``; the same as "bulk-ref" where it is not built);
"bulk-ref" is the bulk path's pure-Python reference (``VISUALIZER_BULK=reference``). A last
section runs workloads where the kernel often hands operations to the reference path (faults,
context switches, page-table churn), to show what those hand-overs cost.
"""
from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from visualizer.engine import Machine, MachineConfig, Mode, VmConfig, kernel
from visualizer.engine.workloads import generate, processes_of


def run_steps(machine: Machine, ops: list) -> None:
    for i, op in enumerate(ops):
        machine.execute(op, i)


def timed(fn, *args, **kw) -> float:
    t = time.perf_counter()
    fn(*args, **kw)
    return time.perf_counter() - t


def measure(cfg: MachineConfig, mode: Mode, trace, path: str):
    """(accesses, hits, misses, walk refs, seconds) of the timed second run of ``trace``."""
    m = Machine(cfg, mode)
    use_kernel = path == "bulk"
    m.run_bulk(trace, kernel=use_kernel)  # warm-up: pages mapped, shadows filled, EPT backed
    before = m.totals()
    if path == "step":
        dt = timed(run_steps, m, [trace[i] for i in range(len(trace))])
    else:
        dt = timed(m.run_bulk, trace, kernel=use_kernel)
    after = m.totals()
    return (after.accesses - before.accesses, after.tlb_hits - before.tlb_hits,
            after.tlb_misses - before.tlb_misses, after.walk_refs - before.walk_refs, dt)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accesses", type=int, default=1_000_000, help="bulk trace length (kernel)")
    ap.add_argument("--ref-accesses", type=int, default=200_000, help="bulk trace length (pure-Python reference)")
    ap.add_argument("--step-accesses", type=int, default=50_000, help="step-mode trace length")
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"compiled kernel: {'yes' if kernel.available() else 'not built (bulk = bulk-ref)'}; "
          f"{os.cpu_count()} cores, load average {load:.2f} at the start (figures are noisy under load)\n")
    cfg = MachineConfig(frames=16384, vms=(VmConfig("VM1", 8192, ("p1",)),), seed=1, tlb_entries=64, tlb_ways=4)
    traces = {
        "tlb-friendly": lambda n: generate("sequential", 1, accesses=n, pages=512, stride=200, write_ratio=0.3),
        "tlb-miss-heavy": lambda n: generate("uniform", 2, accesses=n, pages=1024, write_ratio=0.3),
    }
    paths = (("step", args.step_accesses), ("bulk-ref", args.ref_accesses), ("bulk", args.accesses))
    print(f"{'trace':16}{'mode':8}{'path':9}{'accesses':>10}{'hit rate':>10}{'accesses/s':>14}{'walks/s':>12}"
          f"{'refs/miss':>10}")
    for tname, make in traces.items():
        for mode in (Mode.NATIVE, Mode.SHADOW, Mode.NESTED):
            for path, n in paths:
                acc, hits, misses, refs, dt = measure(cfg, mode, make(n), path)
                print(f"{tname:16}{mode.value:8}{path:9}{acc:>10}{hits / acc:>10.1%}{acc / dt:>14,.0f}"
                      f"{misses / dt:>12,.0f}{(refs / misses if misses else 0):>10.1f}")
    # nested walks with the MMU caches: paging-structure caches + nested TLB, and 2 MiB EPT
    # backing; "walks/s" with every reference and cache hit recorded (step) or not (bulk)
    print("\nnested walks with MMU caches ([mmu] pwc, nested_tlb; [nested] large_pages), tlb-miss-heavy")
    for design in ("intel", "amd"):
        for label, over in (("caches off", {}), ("pwc+ntlb", {"pwc": True, "nested_tlb": True}),
                            ("pwc+ntlb+ept2M", {"pwc": True, "nested_tlb": True, "ept_large_pages": True})):
            if design == "amd" and not over:
                continue
            for path, n in paths:
                acc, _hits, misses, refs, dt = measure(replace(cfg, design=design, **over), Mode.NESTED,
                                                       traces["tlb-miss-heavy"](n), path)
                print(f"{design + ' ' + label:24}{path:9}{acc:>10}{'':>10}{acc / dt:>14,.0f}{misses / dt:>12,.0f}"
                      f"{(refs / misses if misses else 0):>10.1f}")
    # whole bulk runs (cold machine: demand paging included) of workloads where the kernel hands
    # many operations to the reference path
    print("\nwhole bulk runs, today's machine (Intel caches on), operations handed to the reference path")
    print(f"{'workload':16}{'mode':8}{'ops':>9}{'handed over':>13}{'bulk-ref ops/s':>16}{'bulk ops/s':>14}")
    for kind, params in (("mix", {"accesses": 100_000}), ("context_switch", {"accesses": 100_000}),
                         ("pt_churn", {"accesses": 20_000}), ("program", {})):
        trace = generate(kind, 1, **params)
        c = MachineConfig(frames=16384, vms=(VmConfig("VM1", 8192, tuple(processes_of(kind, params))),), seed=1,
                          tlb_entries=64, tlb_ways=4, pwc=True, nested_tlb=True)
        for mode in (Mode.NATIVE, Mode.SHADOW, Mode.NESTED):
            rates = []
            handed = 0
            for use_kernel in (False, True):
                m = Machine(c, mode)
                dt = timed(m.run_bulk, trace, kernel=use_kernel)
                rates.append(len(trace) / dt)
                if use_kernel and m.bulk._kernel_run is not None:
                    handed = m.bulk._kernel_run.stats["reference_ops"]
            print(f"{kind:16}{mode.value:8}{len(trace):>9}{handed:>13}{rates[0]:>16,.0f}{rates[1]:>14,.0f}")


if __name__ == "__main__":
    main()
