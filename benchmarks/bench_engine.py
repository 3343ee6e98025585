"""Engine throughput: accesses/s per mode, step mode (full records) and bulk mode.

    python benchmarks/bench_engine.py [--accesses N]

Two traces on one VM with a 64-entry, 4-way TLB:
  * TLB-friendly: a sequential scan over 512 pages, 200 bytes apart (~95% TLB hits);
  * TLB-miss-heavy: uniform random over 1,024 pages (~94% misses).
Each trace is run once to warm up (demand paging, shadow fills, EPT backing), then timed, so the
miss-heavy figures are steady-state walks: 4 references per miss natively and in shadow mode, 24
in nested mode. "walks/s" counts TLB misses per second with every walk reference recorded.
"""
from __future__ import annotations

import argparse
import time

from visualizer.engine import Mode
from visualizer.engine import Machine, MachineConfig, VmConfig
from visualizer.engine.workloads import generate


def run_steps(machine: Machine, ops: list) -> None:
    for i, op in enumerate(ops):
        machine.execute(op, i)


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accesses", type=int, default=1_000_000, help="bulk trace length")
    ap.add_argument("--step-accesses", type=int, default=50_000, help="step-mode trace length")
    args = ap.parse_args()
    cfg = MachineConfig(frames=16384, vms=(VmConfig("VM1", 8192, ("p1",)),), seed=1, tlb_entries=64, tlb_ways=4)
    traces = {
        "tlb-friendly": lambda n: generate("sequential", 1, accesses=n, pages=512, stride=200, write_ratio=0.3),
        "tlb-miss-heavy": lambda n: generate("uniform", 2, accesses=n, pages=1024, write_ratio=0.3),
    }
    print(f"{'trace':16}{'mode':8}{'path':6}{'accesses':>10}{'hit rate':>10}{'accesses/s':>14}{'walks/s':>12}{'refs/miss':>10}")
    for tname, make in traces.items():
        for mode in (Mode.NATIVE, Mode.SHADOW, Mode.NESTED):
            for path, n in (("step", args.step_accesses), ("bulk", args.accesses)):
                trace = make(n)
                m = Machine(cfg, mode)
                m.run_bulk(trace)  # warm-up: pages mapped, shadows filled, EPT backed
                before = m.totals()
                if path == "bulk":
                    dt = timed(m.run_bulk, trace)
                else:
                    dt = timed(run_steps, m, [trace[i] for i in range(len(trace))])
                after = m.totals()
                acc = after.accesses - before.accesses
                misses = after.tlb_misses - before.tlb_misses
                refs = after.walk_refs - before.walk_refs
                hits = after.tlb_hits - before.tlb_hits
                print(f"{tname:16}{mode.value:8}{path:6}{acc:>10}{hits / acc:>10.1%}{acc / dt:>14,.0f}"
                      f"{misses / dt:>12,.0f}{(refs / misses if misses else 0):>10.1f}")
    # nested walks with the MMU caches (issue 12): paging-structure caches + nested TLB, and
    # 2 MiB EPT backing; "walks/s" with every reference and cache hit recorded (step) or not (bulk)
    print("\nnested walks with MMU caches ([mmu] pwc, nested_tlb; [nested] large_pages)")
    from dataclasses import replace
    for label, over in (("caches off", {}), ("pwc+ntlb", {"pwc": True, "nested_tlb": True}),
                        ("pwc+ntlb+ept2M", {"pwc": True, "nested_tlb": True, "ept_large_pages": True})):
        for path, n in (("step", args.step_accesses), ("bulk", args.accesses)):
            trace = traces["tlb-miss-heavy"](n)
            m = Machine(replace(cfg, **over), Mode.NESTED)
            m.run_bulk(trace)
            before = m.totals()
            dt = timed(m.run_bulk, trace) if path == "bulk" else timed(run_steps, m, [trace[i] for i in range(len(trace))])
            after = m.totals()
            misses = after.tlb_misses - before.tlb_misses
            refs = after.walk_refs - before.walk_refs
            acc = after.accesses - before.accesses
            print(f"{label:16}{'nested':8}{path:6}{acc:>10}{'':>10}{acc / dt:>14,.0f}{misses / dt:>12,.0f}"
                  f"{(refs / misses if misses else 0):>10.1f}")


if __name__ == "__main__":
    main()
