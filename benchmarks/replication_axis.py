"""Benchmark: the replication axis against one model per replication, side by side.

    uv run python benchmarks/replication_axis.py [--scenario FILE] [--n 200] [--big 10000]

Prints, for the same scenario in one process on one core (BLAS limited to one
thread):
1. runs per second of N replications in one model (R = N) and of N models of
   R = 1, and their ratio (the design's target: at least 100x);
2. model time of ``--big`` replications in one model, best and median of
   ``--repeat`` runs (target: 10,000 replications in under 2 s), with and
   without the per-day series the main job records.
Model time excludes interpreter start-up and imports. Both sides are measured
in the same run, so the ratio holds on a shared, noisy machine even when the
absolute figures move.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from sim.scenario.loading import load_scenario
from sim.model.model import CeasefireModel

ROOT = Path(__file__).resolve().parents[1]


def seconds(scenario, replications: int, seed: int, daily: bool = True) -> float:
    """Wall time to build one model of ``replications`` and run it to the horizon."""
    started = time.perf_counter()
    model = CeasefireModel(scenario, replications=replications, rng=seed, record_daily=daily)
    while model.running:
        model.step()
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default=str(ROOT / "scenarios" / "kerry_lavrov.yaml"))
    p.add_argument("--n", type=int, default=1000, help="replications compared side by side")
    p.add_argument("--single", type=int, default=100,
                   help="how many of the N single-replication models to time (their rate "
                        "does not depend on N); 0 = all N")
    p.add_argument("--big", type=int, default=10_000, help="replications in the big run")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    scenario = load_scenario(args.scenario)

    print(f"scenario: {scenario.name}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, one core")
    with threadpool_limits(1):
        seconds(scenario, 100, 0)   # warm-up: imports, caches, allocator

        axis = seconds(scenario, args.n, 1)
        timed = args.single or args.n
        single = sum(seconds(scenario, 1, 1 + i) for i in range(timed))
        axis_rate, single_rate = args.n / axis, timed / single
        print(f"\n1. {args.n} replications, side by side")
        print(f"   one model, R = {args.n}:{'':<8}{axis_rate:10.1f} runs/s ({axis:.2f} s)")
        print(f"   models of R = 1:{'':<11}{single_rate:10.1f} runs/s "
              f"({single:.2f} s for {timed} of the {args.n})")
        print(f"   speed-up per replication:   {axis_rate / single_rate:10.0f}x   (target >= 100x)")

        print(f"\n2. {args.big} replications in one model (model time, {args.repeat} runs)")
        for daily, label in ((True, "with per-day series (main job)"),
                             (False, "outcomes only (sweeps)")):
            times = [seconds(scenario, args.big, 100 + k, daily) for k in range(args.repeat)]
            print(f"   {label:<32} best {min(times):5.2f} s, median "
                  f"{statistics.median(times):5.2f} s, {args.big / min(times):8.0f} runs/s"
                  f"   (target < 2 s)")


if __name__ == "__main__":
    main()
