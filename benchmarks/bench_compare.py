"""Comparison throughput: native + shadow + nested on one long trace, and a sweep.

    python benchmarks/bench_compare.py [--accesses N] [--sweep-accesses N] [--workers W]
                                       [--machine today,bare] [--design intel,amd] [--paper N]

Targets (issue #4, 2-core machine): the three modes on a 1,000,000-access trace ≤ 3 s in
total; a sweep of 10 points × 3 modes × 100,000 accesses ≤ 5 s. Each run starts from a fresh
machine (cold: demand paging, shadow fills and EPT backing included), as the comparison page
runs it. Three 1,000,000-access traces: the default ``mix`` workload (Zipf working set with
page-table updates and context switches, ~10% TLB misses), a sequential scan (TLB-friendly)
and ``tlb_thrash`` (every access misses). Memory: the peak resident set of this process, and
the machine frames in use at the end — bounded by the pages the trace touches, not by its
length (compare the 100,000- and 1,000,000-access runs).

Machines (the Compare page's): *today* — the MMU caches of the design and 2 MiB EPT backing, the
page's default — and *bare* (no MMU caches, 4 KiB backing). With MMU caches on, every TLB miss
takes the step path (no walk memo), so today's machine runs slower than the bare one. ``--paper N``
also times the paper check (63 runs of N accesses: 7 workloads, both designs).
"""
from __future__ import annotations

import argparse
import resource
import time

from visualizer.engine import compare as C
from visualizer.engine.traceio import default_config
from visualizer.engine.workloads import generate


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accesses", type=int, default=1_000_000)
    ap.add_argument("--sweep-accesses", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    ap.add_argument("--machine", default="today,bare", help="comma-separated: today, bare")
    ap.add_argument("--design", default="intel", help="comma-separated: intel, amd (today's machine)")
    ap.add_argument("--paper", type=int, default=0, help="also time the paper check with N accesses per run")
    args = ap.parse_args()
    workers = args.workers or C.default_workers()
    machines = [(m, d) for m in args.machine.split(",") for d in (args.design.split(",") if m == "today" else ["-"])]
    traces = {
        "mix (default)": lambda n: generate("mix", 1, accesses=n, **C.SWEEP_WORKLOAD),
        "sequential": lambda n: generate("sequential", 1, accesses=n, pages=512, stride=200),
        "tlb_thrash": lambda n: generate("tlb_thrash", 1, accesses=n),
    }
    print(f"compare: native + shadow + nested, cold machines, workers={workers} (target ≤ 3 s for 1,000,000 "
          f"on the bare machine)")
    print(f"{'trace':15}{'machine':>13}{'accesses':>10}{'gen s':>7}{'native':>9}{'shadow':>9}{'nested':>9}"
          f"{'total s':>9}{'wall s':>8}{'miss':>7}{'frames':>8}{'rss MiB':>9}  verdict")
    for name, make in traces.items():
        for n in (args.accesses // 10, args.accesses):
            t0 = time.perf_counter()
            trace = make(n)
            gen = time.perf_counter() - t0
            for machine, design in machines:
                settings = C.Settings(**C.MACHINES[machine], design=design if design != "-" else None)
                cfg = C.with_large_page_room(settings.apply(default_config(trace)), trace)
                t0 = time.perf_counter()
                cmp = C.compare(cfg, trace, workers=workers)
                wall = time.perf_counter() - t0
                per = [cmp[m].seconds for m in C.MODES]
                nested = cmp["nested"]
                frames = nested.frames["total"] - nested.frames["free"]
                miss = nested.counters["tlb_misses"] / max(1, nested.accesses)
                e = C.explain(cmp)
                label = machine if design == "-" else f"{machine} {design}"
                print(f"{name:15}{label:>13}{n:>10,}{gen:>7.2f}" + "".join(f"{s:>9.2f}" for s in per) +
                      f"{sum(per):>9.2f}{wall:>8.2f}{miss:>7.1%}{frames:>8,}{rss_mib():>9.0f}  "
                      f"{e.winner} by {e.margin:.0%}")
    print()
    print(f"sweeps: 10 points × 3 modes × {args.sweep_accesses:,} accesses, workers={workers} (target ≤ 5 s)")
    for param in C.SWEEPS:
        r = C.sweep(param, accesses=args.sweep_accesses, workers=workers)
        cross = ", ".join(f"{x:.3g} ({a}→{b})" for x, a, b in r.crossovers()) or "none"
        print(f"  {param:12} {r.seconds:6.2f} s   crossover at {cross}")
    if args.paper:
        t0 = time.perf_counter()
        rows = C.paper_check(args.paper, workers=workers)
        print(f"paper check: {C.paper_runs(rows)} runs × {args.paper:,} accesses in {time.perf_counter() - t0:.1f} s")
    print(f"peak RSS {rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
